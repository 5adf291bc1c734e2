"""``attribute.threshold_crossed`` on PostgreSQL: numeric custom attributes crossing the lines the
shop's journeys watch, up once, down, re-armed; no reading is no crossing; the event enters
journeys and counts in segments' conditions; the trigger endpoint's ``attributes``."""

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
from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.services import templates_builtin_ensure
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

    prefix = f"{ATTRIBUTE_THRESHOLD_CROSSED}:{ada.pk}:loyalty_points:1000"
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
    assert sweep(shop) == 1  # a first sweep counts a value already above the line

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
