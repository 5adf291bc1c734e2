"""Prize draws: entry by the page's POST only (once per contact), a reproducible draw of N
winners from a recorded seed, winners recorded as ``draw.won`` events."""

from __future__ import annotations

import hashlib
import random
import re
from datetime import timedelta

import pytest

from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.messages.programme_links import link_token
from saleor_mautomation.programmes.draws import ranking, winners_of
from saleor_mautomation.programmes.errors import ProgrammeClosed
from saleor_mautomation.programmes.models import DrawEntry
from saleor_mautomation.programmes.services import draw_create, draw_enter, draw_run
from tests.contacts.factories import make_contact, make_shop
from tests.programmes.conftest import BROWSER, SCANNER, T

FORM = re.compile(r'name="form" value="([^"]+)"')


@pytest.fixture
def draw(shop):
    return draw_create(
        installation_id=shop.pk,
        key="prize-draw",
        name="Summer draw",
        prize="A linen throw",
        winners=2,
        closes_at=T + timedelta(days=7),
        now=T,
    )


def link(contact, key="prize-draw"):
    token = link_token(installation_id=contact.installation_id, contact_id=contact.pk)
    return f"/d/{token}/{key}"


def enter(client, contact):
    page = client.get(link(contact), HTTP_USER_AGENT=BROWSER)
    match = FORM.search(page.content.decode())
    assert match is not None
    return client.post(link(contact), {"form": match[1]}, HTTP_USER_AGENT=BROWSER)


def events(kind):
    return list(
        Event.objects.filter(type=kind).order_by("pk").values_list("contact_id", "properties")
    )


def test_the_ranking_depends_on_the_seed_and_the_entrants_only():
    # when
    first = ranking("linden-2026", range(1, 11))
    shuffled = list(range(1, 11))
    random.Random(4).shuffle(shuffled)

    # then: fixed values (a change of the algorithm shows here), and order does not matter
    assert first == [6, 7, 8, 3, 9, 5, 4, 10, 2, 1]
    assert ranking("linden-2026", shuffled) == first
    assert ranking("linden-2027", range(1, 11)) == [8, 10, 2, 3, 1, 6, 7, 9, 5, 4]
    assert winners_of("linden-2026", reversed(range(1, 11)), 3) == [6, 7, 8]
    assert first[0] == min(
        range(1, 11), key=lambda c: hashlib.sha256(f"linden-2026:{c}".encode()).hexdigest()
    )


def test_a_scanners_get_enters_nobody(client, ada, draw):
    # when
    responses = [
        client.get(link(ada), HTTP_USER_AGENT=SCANNER),
        client.head(link(ada), HTTP_USER_AGENT=SCANNER),
        client.get(link(ada), HTTP_USER_AGENT=BROWSER),
    ]

    # then
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert "Enter the draw" in responses[2].content.decode()
    assert "To be won: A linen throw" in responses[2].content.decode()
    assert DrawEntry.objects.count() == 0
    assert events("draw.entered") == []


def test_the_pages_post_enters_once(client, ada, draw):
    # given
    page = client.get(link(ada), HTTP_USER_AGENT=BROWSER)
    form = FORM.search(page.content.decode())
    assert form is not None

    # when: the form sent twice, then the link opened again
    posts = [client.post(link(ada), {"form": form[1]}) for _ in range(2)]
    again = client.get(link(ada))

    # then
    for response in [*posts, again]:
        assert "You are in the draw" in response.content.decode()
    assert 'name="form"' not in again.content.decode()
    assert list(DrawEntry.objects.values_list("contact_id", "entered_at", "rank")) == [
        (ada.pk, T, None)
    ]
    assert events("draw.entered") == [(ada.pk, {"draw": "prize-draw"})]


def test_a_post_without_the_form_token_enters_nobody(client, ada, draw):
    # when
    responses = [
        client.post(link(ada)),
        client.post(link(ada), {"form": "forged:token"}),
    ]

    # then
    assert [r.status_code for r in responses] == [400, 400]
    assert DrawEntry.objects.count() == 0


def test_entries_close_at_the_closing_time(client, ada, draw, time_machine):
    # given
    time_machine.move_to(T + timedelta(days=7), tick=False)

    # when
    response = client.get(link(ada))

    # then
    assert "This draw is closed" in response.content.decode()
    with pytest.raises(ProgrammeClosed):
        draw_enter(draw=draw, contact=ada, now=T + timedelta(days=7))


def test_a_link_of_another_shop_is_404(client, ada, draw):
    # given
    eve = make_contact(make_shop("other"), email="eve@example.com")
    claimed = link_token(installation_id=ada.installation_id, contact_id=eve.pk)

    # when / then
    assert client.get(f"/d/{claimed}/prize-draw").status_code == 404
    assert client.get(link(eve)).status_code == 404  # their shop has no such draw


def test_the_draw_with_a_given_seed_picks_the_seeds_winners_and_records_them(shop, draw):
    # given: ten entrants, entered in a shuffled order
    people = [make_contact(shop) for _ in range(10)]
    order = people[:]
    random.Random(9).shuffle(order)
    for minutes, person in enumerate(order):
        draw_enter(draw=draw, contact=person, now=T + timedelta(minutes=minutes))

    # when
    with unit_of_work(now=T + timedelta(days=8)):
        winners = draw_run(draw=draw, seed="linden-2026", now=T + timedelta(days=8))

    # then
    expected = winners_of("linden-2026", [p.pk for p in people], 2)
    assert [w.contact_id for w in winners] == expected
    draw.refresh_from_db()
    assert (draw.status, draw.seed, draw.drawn_at) == (
        "drawn",
        "linden-2026",
        T + timedelta(days=8),
    )
    assert list(
        DrawEntry.objects.filter(rank__isnull=False).order_by("rank").values_list("contact_id")
    ) == [(contact_id,) for contact_id in expected]
    assert events("draw.won") == [
        (expected[0], {"draw": "prize-draw", "rank": 1, "prize": "A linen throw"}),
        (expected[1], {"draw": "prize-draw", "rank": 2, "prize": "A linen throw"}),
    ]


def test_the_same_seed_and_entries_give_the_same_winners_in_another_draw(shop, draw):
    # given: the same people enter two draws, in opposite orders
    people = [make_contact(shop) for _ in range(6)]
    twin = draw_create(
        installation_id=shop.pk, key="twin", name="Twin", prize="", winners=2, closes_at=None, now=T
    )
    for person in people:
        draw_enter(draw=draw, contact=person, now=T)
    for person in reversed(people):
        draw_enter(draw=twin, contact=person, now=T)

    # when
    ours = draw_run(draw=draw, seed="same", now=T)
    theirs = draw_run(draw=twin, seed="same", now=T)

    # then
    assert [w.contact_id for w in ours] == [w.contact_id for w in theirs]


def test_a_draw_without_a_seed_records_a_new_one_and_runs_once(shop, draw):
    # given
    for _ in range(3):
        draw_enter(draw=draw, contact=make_contact(shop), now=T)

    # when
    winners = draw_run(draw=draw, seed="", now=T)

    # then: the recorded seed reproduces the winners; a second run is refused
    draw.refresh_from_db()
    assert re.fullmatch(r"[0-9a-f]{32}", draw.seed)
    entrants = DrawEntry.objects.values_list("contact_id", flat=True)
    assert [w.contact_id for w in winners] == winners_of(draw.seed, entrants, 2)
    with pytest.raises(ProgrammeClosed):
        draw_run(draw=draw, seed="", now=T)
    assert len(events("draw.won")) == 2


def test_fewer_entrants_than_prizes_all_win(shop, draw):
    # given
    only = make_contact(shop)
    draw_enter(draw=draw, contact=only, now=T)

    # when
    winners = draw_run(draw=draw, seed="s", now=T)

    # then
    assert [(w.contact_id, w.rank) for w in winners] == [(only.pk, 1)]
