"""``attribute.threshold_crossed`` on PostgreSQL: numeric custom attributes crossing the lines the
shop's journeys watch, up once, down, re-armed; no reading is no crossing; the event enters
journeys and counts in segments' conditions; the baseline when a line becomes watched and the
entry's ``enter_already_above``; crossings read at write time (the trigger endpoint's
``attributes``) and the sweep's watermark (ADR 0050)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.attribute_thresholds import (
    ATTRIBUTE_THRESHOLD_CROSSED,
    Line,
    attribute_thresholds_cross,
    watched_lines,
)
from saleor_mautomation.journeys.models import Journey, JourneyRun, ThresholdLine, ThresholdSide
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_publish, journey_status_set
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.errors import DefinitionInvalid
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, tzinfo=UTC)
POINTS: list[dict[str, Any]] = [
    {"property": "attribute", "value": "loyalty_points"},
    {"property": "threshold", "value": 1000},
]


@pytest.fixture
def shop(db):
    installation = make_shop("points")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def journey_on(shop, where: list[dict[str, Any]], key: str = "milestone", **extra) -> Journey:
    journey = Journey.objects.create(
        installation=shop,
        key=key,
        name=key,
        draft={
            "entry": {"type": "event", "event_type": ATTRIBUTE_THRESHOLD_CROSSED, "where": where},
            "reentry": {"mode": "every_time"},
            "start": "mail",
            "nodes": {
                "mail": {"type": "send_email", "template": "vip", "next": "end"},
                "end": {"type": "exit"},
            },
            **extra,
        },
    )
    journey_publish(journey=journey, now=T)
    return journey


def points(contact: Contact, value: str | None) -> None:
    metadata = {k: v for k, v in contact.metadata.items() if k != "loyalty_points"}
    contact.metadata = metadata if value is None else {**metadata, "loyalty_points": value}
    contact.save()


def crossings(contact: Contact) -> list[tuple[str, dict[str, Any]]]:
    return list(
        Event.objects.filter(contact=contact, type=ATTRIBUTE_THRESHOLD_CROSSED)
        .order_by("pk")
        .values_list("dedupe_key", "properties")
    )


def sweep(shop, at: datetime = T) -> int:
    return attribute_thresholds_cross(
        installation_id=shop.pk, now=at, unit=lambda: unit_of_work(now=at)
    )


def test_the_lines_watched_are_those_the_active_journeys_enter_or_wait_on(shop):
    journey_on(shop, [*POINTS, {"property": "direction", "value": "up"}])
    journey_on(
        shop,
        [
            {"property": "attribute", "value": "loyalty_points"},
            {"property": "threshold", "value": 2.5},
        ],
        key="small",
    )
    journey_on(shop, [{"property": "attribute", "value": "loyalty_points"}], key="no-line")

    assert watched_lines(shop.pk) == [
        Line("loyalty_points", Decimal("2.5")),
        Line("loyalty_points", Decimal("1000")),
    ]


def test_crossed_up_once_down_once_then_up_again_each_numbered(shop):
    journey_on(shop, POINTS)
    ada = make_contact(shop, email_consent="granted", metadata={"loyalty_points": "900"})
    assert sweep(shop) == 0

    points(ada, "1000")
    assert sweep(shop) == 1
    assert sweep(shop) == 0  # the same reading again
    points(ada, "1500")
    assert sweep(shop) == 0  # still above: no new crossing
    points(ada, "999.5")
    assert sweep(shop) == 1
    points(ada, "400")
    assert sweep(shop) == 0
    points(ada, "1200")
    assert sweep(shop) == 1

    line = ThresholdLine.objects.get()
    prefix = f"{ATTRIBUTE_THRESHOLD_CROSSED}:{ada.pk}:loyalty_points:1000:line{line.pk}"
    base = {"attribute": "loyalty_points", "threshold": 1000}
    assert crossings(ada) == [
        (f"{prefix}:1", {**base, "direction": "up", "value": 1000}),
        (f"{prefix}:2", {**base, "direction": "down", "value": 999.5}),
        (f"{prefix}:3", {**base, "direction": "up", "value": 1200}),
    ]


def test_a_missing_or_non_numeric_value_is_no_reading_and_crosses_nothing(shop):
    journey_on(shop, POINTS)
    ada = make_contact(shop, metadata={"loyalty_points": "1100"})
    make_contact(shop, metadata={"loyalty_points": "lots"})
    make_contact(shop, metadata={"loyalty_points": "1e9"})
    make_contact(shop, metadata={"loyalty_points": "99999999999999999999"})
    make_contact(shop)
    assert sweep(shop) == 1  # a contact coming with a value above the line crossed it

    points(ada, None)  # Saleor's metadata replaced without the key
    assert sweep(shop) == 0
    points(ada, "n/a")
    assert sweep(shop) == 0
    points(ada, "-5")
    assert sweep(shop) == 1
    assert [p["direction"] for _, p in crossings(ada)] == ["up", "down"]


def test_a_crossing_enters_the_journeys_on_its_direction_and_counts_in_segments(shop):
    up = journey_on(shop, [*POINTS, {"property": "direction", "value": "up"}])
    down = journey_on(shop, [*POINTS, {"property": "direction", "value": "down"}], key="down")
    ada = make_contact(shop, email_consent="granted", metadata={"loyalty_points": "10"})
    bea = make_contact(shop, email_consent="granted", metadata={"loyalty_points": "10"})
    sweep(shop)

    points(ada, "1000")
    sweep(shop)
    points(ada, "10")
    sweep(shop, T + timedelta(minutes=1))

    assert list(JourneyRun.objects.filter(journey=up).values_list("contact_id", flat=True)) == [
        ada.pk
    ]
    assert list(JourneyRun.objects.filter(journey=down).values_list("contact_id", flat=True)) == [
        ada.pk
    ]
    segment = segment_create(
        installation_id=shop.pk,
        name="Reached 1000 points",
        definition={
            "root": {
                "type": "event",
                "event_type": ATTRIBUTE_THRESHOLD_CROSSED,
                "where": [*POINTS, {"property": "direction", "value": "up"}],
            }
        },
        now=T,
    )
    segment_rebuild(segment=segment, now=T + timedelta(minutes=2))
    members = set(
        segment.memberships.filter(exited_at__isnull=True).values_list("contact_id", flat=True)
    )
    assert members == {ada.pk}
    assert bea.pk not in members


# -- the trigger endpoint's attributes ----------------------------------------------------------


@pytest.fixture
def points_feed(shop):
    """A journey the point-of-sale system triggers with each customer's new balance."""
    journey = Journey.objects.create(
        installation=shop,
        key="points-feed",
        name="Points feed",
        trigger_secret="s3cret",
        draft={
            "entry": {"type": "trigger", "key": "points"},
            "reentry": {"mode": "every_time"},
            "start": "end",
            "nodes": {"end": {"type": "exit"}},
        },
    )
    journey_publish(journey=journey, now=T)
    return journey


def post(client, body: Any) -> Any:
    return client.post(
        "/api/triggers/points",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": "Bearer s3cret"},
    )


def test_the_trigger_endpoint_sets_a_contacts_attributes_as_text(client, shop, points_feed):
    ada = make_contact(shop, email="ada@example.com", metadata={"tier": "gold", "old": "x"})

    response = post(
        client, {"email": "ada@example.com", "attributes": {"loyalty_points": 1200, "old": None}}
    )

    assert (response.status_code, response.json()) == (202, {"started": 1})
    ada.refresh_from_db()
    assert ada.metadata == {"tier": "gold", "loyalty_points": "1200"}


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (["loyalty_points"], "attributes: an object of at most 50 keys"),
        ({"bad key": 1}, "attribute names: letters, digits, '_', '.', '-' (at most 100)"),
        ({"vip": True}, "attribute 'vip': text, a number or null"),
        ({"list": [1]}, "attribute 'list': text, a number or null"),
    ],
)
def test_attributes_that_are_not_named_text_or_numbers_are_refused(
    client, shop, points_feed, attributes, message
):
    ada = make_contact(shop, email="ada@example.com", metadata={"tier": "gold"})

    response = post(client, {"email": "ada@example.com", "attributes": attributes})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == message
    ada.refresh_from_db()
    assert ada.metadata == {"tier": "gold"}
    assert not JourneyRun.objects.exists()


def test_attributes_for_a_whole_segment_are_refused(client, shop, points_feed):
    response = post(client, {"segment_id": 1, "attributes": {"loyalty_points": 5}})

    assert response.status_code == 400
    assert not JourneyRun.objects.exists()


# -- the baseline when a line becomes watched ---------------------------------------------------


def sides() -> dict[int, tuple[bool, int]]:
    return {
        contact_id: (above, n)
        for contact_id, above, n in ThresholdSide.objects.values_list(
            "contact_id", "above", "crossings"
        )
    }


def entered(journey: Journey) -> list[int]:
    runs = JourneyRun.objects.filter(journey=journey).order_by("pk")
    return list(runs.values_list("contact_id", flat=True))


def test_a_journey_on_a_new_line_records_who_is_above_without_entering_them(shop):
    # given: Ada already above 1000, Bea below, Cy with no reading
    ada = make_contact(shop, email_consent="granted", metadata={"loyalty_points": "1500"})
    bea = make_contact(shop, email_consent="granted", metadata={"loyalty_points": "900"})
    make_contact(shop, email_consent="granted", metadata={"loyalty_points": "n/a"})

    # when
    journey = journey_on(shop, [*POINTS, {"property": "direction", "value": "up"}])

    # then: the baseline: Ada above, nobody crossed, nobody entered
    assert sides() == {ada.pk: (True, 0)}
    assert sweep(shop) == 0
    assert not Event.objects.filter(type=ATTRIBUTE_THRESHOLD_CROSSED).exists()
    assert not JourneyRun.objects.filter(journey=journey).exists()

    # when: Bea crosses up from then on, Ada down
    points(bea, "1000")
    points(ada, "800")
    assert sweep(shop, T + timedelta(minutes=1)) == 2

    # then
    assert [p["direction"] for _, p in crossings(bea)] == ["up"]
    assert [p["direction"] for _, p in crossings(ada)] == ["down"]
    assert sides() == {ada.pk: (False, 1), bea.pk: (True, 1)}
    assert list(
        JourneyRun.objects.filter(journey=journey).values_list("contact_id", flat=True)
    ) == [bea.pk]


def test_a_line_no_longer_watched_is_read_afresh_when_watched_again(shop):
    # given: Ada crossed up once while the journey was active
    ada = make_contact(shop, metadata={"loyalty_points": "10"})
    journey = journey_on(shop, POINTS)
    points(ada, "1200")
    assert sweep(shop) == 1

    # when: paused, she drops below and back above, then is below when it resumes
    journey_status_set(journey=journey, status=Journey.Status.PAUSED)
    assert list(ThresholdLine.objects.values_list("watched", flat=True)) == [False]
    points(ada, "500")
    assert sweep(shop) == 0  # nobody watches the line
    journey_status_set(journey=journey, status=Journey.Status.ACTIVE)

    # then: the resume read her side (below) without a crossing; the next rise is her second
    assert sides() == {ada.pk: (False, 1)}
    assert sweep(shop) == 0
    points(ada, "1000")
    assert sweep(shop) == 1
    assert [(key.rsplit(":", 1)[1], p["direction"]) for key, p in crossings(ada)] == [
        ("1", "up"),
        ("2", "up"),
    ]


def test_enter_already_above_enrols_those_above_once_with_their_value(shop):
    # given
    ada = make_contact(shop, email_consent="granted", metadata={"loyalty_points": "1500"})
    make_contact(shop, email_consent="granted", metadata={"loyalty_points": "900"})
    entry = {
        "type": "event",
        "event_type": ATTRIBUTE_THRESHOLD_CROSSED,
        "where": [*POINTS, {"property": "direction", "value": "up"}],
        "enter_already_above": True,
    }

    # when
    journey = journey_on(shop, [], entry=entry)

    # then: Ada's run, as a crossing's would be, woken by the scheduler; no event recorded
    runs = list(JourneyRun.objects.filter(journey=journey).values_list("contact_id", "context"))
    assert runs == [
        (
            ada.pk,
            {
                "event": {
                    "attribute": "loyalty_points",
                    "threshold": 1000,
                    "direction": "up",
                    "value": 1500,
                    "already_above": True,
                }
            },
        )
    ]
    assert not Event.objects.filter(type=ATTRIBUTE_THRESHOLD_CROSSED).exists()
    with unit_of_work(now=T):
        assert runs_wake(now=T, limit=10) == 1
    assert JourneyRun.objects.get(journey=journey).node == "end"

    # when: published again with the option still on
    journey_publish(journey=journey, now=T + timedelta(hours=1))

    # then: nobody enters twice
    assert JourneyRun.objects.filter(journey=journey).count() == 1


@pytest.mark.parametrize(
    "where",
    [
        [*POINTS, {"property": "direction", "value": "down"}],
        [*POINTS, {"property": "value", "op": "gt", "value": 5}],
        [{"property": "attribute", "value": "loyalty_points"}],
    ],
)
def test_enter_already_above_is_refused_without_a_line_or_with_another_filter(shop, where):
    journey = Journey.objects.create(
        installation=shop,
        key="bad",
        name="bad",
        draft={
            "entry": {
                "type": "event",
                "event_type": ATTRIBUTE_THRESHOLD_CROSSED,
                "where": where,
                "enter_already_above": True,
            },
            "start": "end",
            "nodes": {"end": {"type": "exit"}},
        },
    )

    with pytest.raises(DefinitionInvalid):
        journey_publish(journey=journey, now=T)

    assert not ThresholdLine.objects.exists()


# -- when crossings are read ---------------------------------------------------------------------


def test_the_trigger_endpoints_attributes_cross_at_once(client, shop, points_feed):
    # given
    milestone = journey_on(shop, [*POINTS, {"property": "direction", "value": "up"}])
    ada = make_contact(shop, email="ada@example.com", email_consent="granted")
    ThresholdLine.objects.update(swept_at=T)

    # when
    response = post(client, {"email": "ada@example.com", "attributes": {"loyalty_points": 1000}})

    # then: recorded and entered in the request, nothing left for the sweep
    assert response.status_code == 202
    assert [p["value"] for _, p in crossings(ada)] == [1000]
    assert list(
        JourneyRun.objects.filter(journey=milestone).values_list("contact_id", flat=True)
    ) == [ada.pk]
    assert sweep(shop) == 0


def test_the_sweep_reads_only_the_contacts_changed_since_its_last_run(shop):
    # given: a swept line; Ada's points rise without her row's updated_at moving (as if
    # written before the last sweep)
    ada = make_contact(shop, metadata={"loyalty_points": "10"})
    journey_on(shop, POINTS)
    assert sweep(shop) == 0
    long_ago = Contact.objects.get(pk=ada.pk).updated_at - timedelta(hours=1)
    Contact.objects.filter(pk=ada.pk).update(
        metadata={"loyalty_points": "2000"}, updated_at=long_ago
    )

    # when / then: not read
    assert sweep(shop) == 0

    # when: her row changes again
    ada.refresh_from_db()
    ada.save()

    # then
    assert sweep(shop) == 1
