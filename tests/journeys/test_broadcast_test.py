"""A broadcast with a test share: at the send time a seeded share of the snapshot enters and
is split across the test's branches; the rest waits (``BroadcastRest``). After the wait, the
decision picks the winner by clicks or conversions, records it on the version and sends it to
the rest, once, however often the task runs and however many workers run it."""

from __future__ import annotations

import base64
import hashlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from saleor_mautomation.analytics.selectors import ab_result
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.broadcast_tests import broadcast_tests_decide
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.engine import bucket
from saleor_mautomation.journeys.entries import broadcasts_due
from saleor_mautomation.journeys.models import BroadcastRest, Journey, JourneyRun, JourneyVersion
from saleor_mautomation.journeys.runner import runs_advance, runs_of_contacts, runs_wake
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.errors import DefinitionInvalid
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.services import segment_create
from tests.analytics.factories import clicked
from tests.contacts.factories import make_contact, make_shop
from tests.graphql.test_contacts import ask

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SEND = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
APP = "https://marketing.example"
WAIT = {"type": "wait", "duration": {"hours": 48}, "next": "end"}
BROADCAST_TEST = """
query ($id: ID!) {
  broadcastAnalytics(journeyId: $id) {
    funnel { sent clicked }
    test {
      sharePercent waitHours metric decidedAt winner significant
      result { node kind metric winner verdict variants { branch recipients clicks conversions } }
    }
  }
}
"""


def broadcast(segment_id: int, test: dict[str, Any] | None, **settings: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": "broadcast",
        "segment_id": segment_id,
        "send_at": "2026-12-01T09:00:00+01:00",
    }
    if test is not None:
        entry["test"] = test
    return {
        "entry": entry,
        "start": "ab",
        "nodes": {
            "ab": {
                "type": "split",
                "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
            },
            "a": {"type": "send_email", "template": "welcome-1", "next": "wait"},
            "b": {"type": "send_email", "template": "welcome-2", "next": "wait"},
            "wait": WAIT,
            "end": {"type": "exit"},
        },
        **settings,
    }


def audience(shop, size: int) -> tuple[int, list[Contact]]:
    """``size`` subscribers in a segment (women), and a man outside it."""
    contacts = [
        make_contact(shop, email_consent="granted", gender="f", language_code="en")
        for _ in range(size)
    ]
    make_contact(shop, email_consent="granted", gender="m", language_code="en")
    segment = segment_create(
        installation_id=shop.pk,
        name="Women",
        definition={"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}},
        now=T0,
    )
    segment_rebuild(segment=segment, now=T0)
    return segment.pk, contacts


def published(shop, definition: dict[str, Any]) -> Journey:
    journey = Journey.objects.create(installation=shop, key="sale", name="Sale", draft=definition)
    journey_publish(journey=journey, now=T0)
    journey.refresh_from_db()
    return journey


def expected_share(version_id: int, contact_ids: list[int], percent: int) -> set[int]:
    """The sample as specified: the ceil(percent) contacts first by a hash of version and
    contact (blake2b, 8 bytes), contact id breaking ties."""
    size = -(-len(contact_ids) * percent // 100)

    def rank(contact_id: int) -> tuple[bytes, int]:
        digest = hashlib.blake2b(f"{version_id}:{contact_id}".encode(), digest_size=8).digest()
        return digest, contact_id

    return set(sorted(contact_ids, key=rank)[:size])


def send(now: datetime) -> dict[str, int]:
    runs_wake(now=now, limit=1000, broadcast=True)
    return messages_send_due(
        now=now, app_url=APP, default_from="Shop <shop@sale.example>", limit=1000
    )


def runs_of(journey: Journey) -> dict[int, JourneyRun]:
    return {run.person_id: run for run in JourneyRun.objects.filter(journey=journey)}


def branch_of(run: JourneyRun) -> int:
    return 0 if bucket(run.pk, "ab") < 50 else 1


def test_the_test_share_enters_then_the_click_winner_goes_to_the_rest_once(
    client, standin_installation
):
    # given: 40 subscribers, a test share of 25% (10), the winner by clicks after 24 hours
    shop = standin_installation
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, contacts = audience(shop, 40)
    journey = published(
        shop,
        broadcast(
            segment_id, {"split": "ab", "share_percent": 25, "wait_hours": 24, "metric": "click"}
        ),
    )
    version = journey.current_version
    assert version is not None
    ids = [c.pk for c in contacts]

    # when: the send time
    assert broadcasts_due(now=SEND) == 10
    assert send(SEND) == {"sent": 10}

    # then: the seeded share entered and was sent; the rest waits, sent nothing
    tested = runs_of(journey)
    assert set(tested) == expected_share(version.pk, ids, 25)
    assert set(
        BroadcastRest.objects.filter(version=version).values_list("contact_id", flat=True)
    ) == (set(ids) - set(tested))
    assert set(Message.objects.values_list("contact_id", flat=True)) == set(tested)
    assert {
        (m.contact_id, m.journey_node, m.split_node, m.split_branch) for m in Message.objects.all()
    } == {(c, "ab"[branch_of(run)], "ab", branch_of(run)) for c, run in tested.items()}

    # given: one recipient of branch 1 (if it has any, else of branch 0) clicks, twice
    branches = {c: branch_of(run) for c, run in tested.items()}
    favourite = 1 if 1 in branches.values() else 0
    clicker = min(c for c, b in branches.items() if b == favourite)
    message = Message.objects.get(contact_id=clicker)
    clicked(message, SEND + timedelta(hours=2))
    clicked(message, SEND + timedelta(hours=3))

    # when: a minute before the wait is over, nothing is decided
    due = SEND + timedelta(hours=24)
    assert broadcast_tests_decide(now=due - timedelta(minutes=1)) == 0
    version.refresh_from_db()
    assert (version.test_decided_at, version.test_winner) == (None, None)
    assert BroadcastRest.objects.filter(version=version).count() == 30

    # when: the wait is over
    assert broadcast_tests_decide(now=due) == 30
    assert send(due) == {"sent": 30}

    # then: the winner (not significant: too few) is recorded and the rest entered with it
    version.refresh_from_db()
    assert (
        version.test_decided_at,
        version.test_winner,
        version.test_significant,
        version.test_rest_entered_at,
    ) == (due, favourite, False, due)
    assert not BroadcastRest.objects.filter(version=version).exists()
    everyone = runs_of(journey)
    assert set(everyone) == set(ids)
    rest = {c: run for c, run in everyone.items() if c not in tested}
    assert {
        (run.entered_at, run.node, str(run.context["forced_branches"]), str(run.branches))
        for run in rest.values()
    } == {(due, "wait", str({"ab": favourite}), "{}")}
    # one message per subscriber; the rest's are the winner's, outside the test
    assert Message.objects.count() == 40
    assert sorted(Message.objects.values_list("contact_id", flat=True)) == sorted(ids)
    assert {
        (m.journey_node, m.split_node, m.split_branch, m.status)
        for m in Message.objects.filter(contact_id__in=rest)
    } == {("ab"[favourite], "", None, "sent")}

    # when: the task runs again later
    assert broadcast_tests_decide(now=due + timedelta(hours=1)) == 0
    assert send(due + timedelta(hours=1)) == {}

    # then: nothing changed
    version.refresh_from_db()
    assert (version.test_decided_at, version.test_winner) == (due, favourite)
    assert JourneyRun.objects.filter(journey=journey).count() == 40
    assert Message.objects.count() == 40

    # then: the dashboard reads the test: the share's figures, the rest not counted
    answer = ask(
        client, shop, BROADCAST_TEST, id=base64.b64encode(f"Journey:{journey.pk}".encode()).decode()
    )
    assert "errors" not in answer
    sizes = [sum(1 for b in branches.values() if b == i) for i in (0, 1)]
    assert answer["data"]["broadcastAnalytics"]["funnel"] == {"sent": 40, "clicked": 1}
    assert answer["data"]["broadcastAnalytics"]["test"] == {
        "sharePercent": 25,
        "waitHours": 24,
        "metric": "click",
        "decidedAt": due.isoformat(),
        "winner": favourite,
        "significant": False,
        "result": {
            "node": "ab",
            "kind": "split",
            "metric": "click",
            "winner": None,
            "verdict": "too_few",
            "variants": [
                {
                    "branch": i,
                    "recipients": sizes[i],
                    "clicks": 1 if i == favourite else 0,
                    "conversions": 0,
                }
                for i in (0, 1)
            ],
        },
    }


def test_the_conversion_winner_is_chosen_when_significant(db):
    # given: 200 subscribers, half of them in the test; everyone of branch 1 orders
    shop = make_shop("sale")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, contacts = audience(shop, 200)
    journey = published(
        shop,
        broadcast(
            segment_id,
            {"split": "ab", "share_percent": 50, "wait_hours": 24, "metric": "conversion"},
            goal={"event_type": "order.placed"},
        ),
    )
    version = journey.current_version
    assert version is not None
    assert broadcasts_due(now=SEND) == 100
    assert send(SEND) == {"sent": 100}
    tested = runs_of(journey)
    buyers = [c for c, run in tested.items() if branch_of(run) == 1]
    sizes = (100 - len(buyers), len(buyers))
    assert min(sizes) >= 30  # both groups large enough to compare (1 in 30,000 is not)
    for n, contact_id in enumerate(buyers):
        Event.objects.create(
            installation=shop,
            contact_id=contact_id,
            type="order.placed",
            occurred_at=SEND + timedelta(hours=3),
            source="test",
            dedupe_key=f"order-{n}",
        )
    with transaction.atomic():
        runs_advance(runs_of_contacts(buyers), now=SEND + timedelta(hours=4))

    # when
    due = SEND + timedelta(hours=24)
    assert broadcast_tests_decide(now=due) == 100
    send(due)

    # then: branch 1 won significantly; the rest got its message
    version.refresh_from_db()
    assert (version.test_winner, version.test_significant) == (1, True)
    result = ab_result(
        installation_id=shop.pk,
        journey=journey,
        node_id="ab",
        definition=d.journey_parse(version.definition),
        metric="conversion",
        version_id=version.pk,
    )
    assert result is not None
    assert (result.verdict, result.winner) == ("winner", 1)
    assert [(v.recipients, v.conversions) for v in result.variants] == [
        (sizes[0], 0),
        (sizes[1], sizes[1]),
    ]
    rest = set(c.pk for c in contacts) - set(tested)
    assert len(rest) == 100
    assert set(
        Message.objects.filter(contact_id__in=rest).values_list("journey_node", "template__key")
    ) == {("b", "welcome-2")}
    assert Message.objects.count() == 200


def test_without_clicks_the_lowest_branch_wins(db):
    # given: nobody clicks
    shop = make_shop("quiet")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, _ = audience(shop, 8)
    journey = published(
        shop,
        broadcast(segment_id, {"split": "ab", "share_percent": 50, "wait_hours": 1}),
    )
    assert broadcasts_due(now=SEND) == 4

    # when
    assert broadcast_tests_decide(now=SEND + timedelta(hours=1)) == 4

    # then
    version = JourneyVersion.objects.get(journey=journey)
    assert (version.test_winner, version.test_significant) == (0, False)


def test_a_broadcast_without_a_test_sends_everyone_and_decides_nothing(db):
    # given
    shop = make_shop("plain")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, _ = audience(shop, 6)
    journey = published(shop, broadcast(segment_id, None))

    # when
    assert broadcasts_due(now=SEND) == 6
    assert broadcast_tests_decide(now=SEND + timedelta(days=8)) == 0

    # then
    assert not BroadcastRest.objects.exists()
    version = JourneyVersion.objects.get(journey=journey)
    assert (version.test_decided_at, version.test_rest_entered_at) == (None, None)


@pytest.mark.parametrize(
    ("test", "extra", "field"),
    [
        ({"split": "a", "share_percent": 10, "wait_hours": 4}, {}, "entry.test.split"),
        ({"split": "nowhere", "share_percent": 10, "wait_hours": 4}, {}, "entry.test.split"),
        (
            {"split": "ab", "share_percent": 10, "wait_hours": 4, "metric": "conversion"},
            {},
            "entry.test.metric",
        ),
        ({"split": "ab", "share_percent": 4, "wait_hours": 4}, {}, "entry.test.share_percent"),
        ({"split": "ab", "share_percent": 51, "wait_hours": 4}, {}, "entry.test.share_percent"),
        ({"split": "ab", "share_percent": 10, "wait_hours": 0}, {}, "entry.test.wait_hours"),
        ({"split": "ab", "share_percent": 10, "wait_hours": 169}, {}, "entry.test.wait_hours"),
        (
            {"split": "ab", "share_percent": 10, "wait_hours": 4, "metric": "open"},
            {},
            "entry.test.metric",
        ),
        ({"split": "ab", "share_percent": 10, "wait_hours": 4}, {"local_time": True}, "entry"),
    ],
)
def test_a_test_share_decides_between_the_branches_of_a_split(test, extra, field):
    # given
    definition = broadcast(1, test)
    definition["entry"].update(extra)

    # when
    with pytest.raises(DefinitionInvalid) as refused:
        d.journey_parse(definition)

    # then
    assert [e.field for e in refused.value.errors] == [field]


def test_a_conversion_test_with_a_goal_parses():
    definition = broadcast(
        1,
        {"split": "ab", "share_percent": 10, "wait_hours": 4, "metric": "conversion"},
        goal={"event_type": "order.placed"},
    )

    entry = d.journey_parse(definition).entry

    assert isinstance(entry, d.BroadcastEntry)
    assert entry.test == d.BroadcastTest(
        split="ab", share_percent=10, wait_hours=4, metric="conversion"
    )


# -- two workers ------------------------------------------------------------------------------


def _holding(query: Any, ready: threading.Event, release: threading.Event) -> None:
    """Another worker: locks ``query``'s rows until ``release``."""
    try:
        with transaction.atomic():
            list(query.select_for_update())
            ready.set()
            release.wait(10)
    finally:
        connection.close()


def held(query: Any) -> tuple[threading.Thread, threading.Event]:
    ready, release = threading.Event(), threading.Event()
    worker = threading.Thread(target=_holding, args=(query, ready, release))
    worker.start()
    assert ready.wait(10)
    return worker, release


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_decide_twice_nor_enrol_anyone_twice():
    # given: 12 subscribers, 3 in the test share, 9 waiting
    shop = make_shop("workers")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, contacts = audience(shop, 12)
    journey = published(
        shop, broadcast(segment_id, {"split": "ab", "share_percent": 25, "wait_hours": 2})
    )
    version = journey.current_version
    assert version is not None
    assert broadcasts_due(now=SEND) == 3
    due = SEND + timedelta(hours=2)

    # when: another worker is deciding this test (holds the version)
    worker, release = held(JourneyVersion.objects.filter(pk=version.pk))
    try:
        taken = broadcast_tests_decide(now=due)
    finally:
        release.set()
        worker.join()

    # then: this one leaves it to that worker
    assert taken == 0
    version.refresh_from_db()
    assert version.test_decided_at is None
    assert BroadcastRest.objects.count() == 9

    # when: another worker is enrolling 4 of the rest (holds their rows)
    locked = list(BroadcastRest.objects.order_by("pk").values_list("pk", flat=True)[:4])
    worker, release = held(BroadcastRest.objects.filter(pk__in=locked))
    try:
        taken = broadcast_tests_decide(now=due)
    finally:
        release.set()
        worker.join()

    # then: this one decided and took the 5 others; the test is not done while rows remain
    assert taken == 5
    version.refresh_from_db()
    assert (version.test_decided_at, version.test_rest_entered_at) == (due, None)
    assert sorted(BroadcastRest.objects.values_list("pk", flat=True)) == locked

    # when: that worker let go without enrolling them (it died); the task runs twice more
    assert broadcast_tests_decide(now=due + timedelta(minutes=1)) == 4
    assert broadcast_tests_decide(now=due + timedelta(minutes=2)) == 0

    # then: everyone entered exactly once
    version.refresh_from_db()
    assert version.test_rest_entered_at == due + timedelta(minutes=1)
    assert sorted(JourneyRun.objects.values_list("contact_id", flat=True)) == sorted(
        c.pk for c in contacts
    )
    assert not BroadcastRest.objects.exists()
