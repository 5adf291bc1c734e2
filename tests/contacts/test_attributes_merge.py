"""Custom attributes another system writes (the trigger endpoint's ``attributes``) survive
Saleor's signed customer deliveries: Saleor's metadata is merged around them, and a key both
name is Saleor's only when Saleor changed it after the write (ADR 0047)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine

from saleor_mautomation.contacts.attributes import attributes_apply, metadata_from_saleor
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.journeys.test_attribute_thresholds import POINTS, crossings, journey_on, sweep
from tests.support import deliveries as d

USER, EMAIL = "VXNlcjo5MDE=", "ada@example.com"


def at(days: float) -> str:
    return d.at(days)


@pytest.fixture
def feed(standin_installation):
    """A journey another system (a point-of-sale) triggers with a customer's attributes."""
    journey = Journey.objects.create(
        installation=standin_installation,
        key="points",
        name="Points feed",
        trigger_secret="s3cret",
        draft={
            "entry": {"type": "trigger", "key": "points"},
            "reentry": {"mode": "every_time"},
            "start": "end",
            "nodes": {"end": {"type": "exit"}},
        },
    )
    journey_publish(journey=journey, now=d.T0)
    return journey


def saleor(client, key, installation, event: str, days: float, **metadata: str) -> None:
    """A signed customer delivery for Ada whose public metadata holds these keys, drained."""
    minted = d.customer(
        event,
        user_id=USER,
        email=EMAIL,
        day=days,
        metadata=[{"key": k, "value": v} for k, v in metadata.items()],
    )
    assert d.post(client, key, installation.saleor_api_url, minted).status_code == 200
    deliveries_drain(batch_size=10, max_batches=10, max_attempts=3)


def api(client, days: float, **attributes: Any) -> None:
    with time_machine.travel(d.at(days), tick=False):
        response = client.post(
            "/api/triggers/points",
            data=json.dumps({"email": EMAIL, "attributes": attributes}),
            content_type="application/json",
            headers={"Authorization": "Bearer s3cret"},
        )
    assert (response.status_code, response.json()) == (202, {"started": 1})


def ada() -> tuple[dict[str, str], dict[str, Any]]:
    contact = Contact.objects.get(email=EMAIL)
    return contact.metadata, contact.attribute_writes


def test_an_attribute_set_through_the_api_survives_a_customer_update(
    client, key, standin_installation, feed
):
    # given
    saleor(client, key, standin_installation, "CUSTOMER_CREATED", 0, tier="gold")
    api(client, 1, loyalty_points=1200)

    # when: staff edit the customer in Saleor, whose metadata knows nothing of the points
    saleor(client, key, standin_installation, "CUSTOMER_UPDATED", 2, tier="silver")

    # then
    assert ada() == (
        {"tier": "silver", "loyalty_points": "1200"},
        {"loyalty_points": {"at": at(1), "saleor": None}},
    )


def test_saleor_changing_the_same_key_after_the_write_wins_and_an_older_change_does_not(
    client, key, standin_installation, feed
):
    # given: Saleor says 400, the point-of-sale system 1200 on day 2
    saleor(client, key, standin_installation, "CUSTOMER_CREATED", 0, loyalty_points="400")
    api(client, 2, loyalty_points=1200)
    assert ada() == ({"loyalty_points": "1200"}, {"loyalty_points": {"at": at(2), "saleor": "400"}})

    # when: a delivery of a change Saleor made on day 1, before the write, arrives late
    saleor(client, key, standin_installation, "CUSTOMER_METADATA_UPDATED", 1, loyalty_points="900")

    # then: the write is newer; Saleor's value is noted
    assert ada() == ({"loyalty_points": "1200"}, {"loyalty_points": {"at": at(2), "saleor": "900"}})

    # when: Saleor sends the customer again on day 3 with the same 900 (another field changed)
    saleor(client, key, standin_installation, "CUSTOMER_UPDATED", 3, loyalty_points="900")

    # then: Saleor did not write the key since: the API's value stands
    assert ada() == ({"loyalty_points": "1200"}, {"loyalty_points": {"at": at(2), "saleor": "900"}})

    # when: staff set 1500 in Saleor on day 4
    saleor(client, key, standin_installation, "CUSTOMER_METADATA_UPDATED", 4, loyalty_points="1500")

    # then: Saleor's newer write wins and the key is Saleor's again
    assert ada() == ({"loyalty_points": "1500"}, {})


def test_the_api_removing_a_key_removes_it_until_saleor_writes_it_again(
    client, key, standin_installation, feed
):
    # given
    saleor(client, key, standin_installation, "CUSTOMER_CREATED", 0, coupon="ABC", tier="gold")

    # when
    api(client, 1, coupon=None)

    # then
    assert ada() == ({"tier": "gold"}, {"coupon": {"at": at(1), "saleor": "ABC"}})

    # when: Saleor still holds its old value on day 2
    saleor(client, key, standin_installation, "CUSTOMER_UPDATED", 2, coupon="ABC", tier="gold")

    # then: the removal stands
    assert ada() == ({"tier": "gold"}, {"coupon": {"at": at(1), "saleor": "ABC"}})

    # when: Saleor writes a new coupon on day 3
    saleor(client, key, standin_installation, "CUSTOMER_UPDATED", 3, coupon="XYZ", tier="gold")

    # then
    assert ada() == ({"coupon": "XYZ", "tier": "gold"}, {})


def test_a_removal_saleor_agrees_with_later_is_forgotten(client, key, standin_installation, feed):
    # given
    saleor(client, key, standin_installation, "CUSTOMER_CREATED", 0, coupon="ABC")
    api(client, 1, coupon=None)

    # when: Saleor's customer lost the key too
    saleor(client, key, standin_installation, "CUSTOMER_UPDATED", 2)

    # then
    assert ada() == ({}, {})


def test_a_threshold_journey_neither_crosses_down_nor_loses_its_reading_on_a_delivery(
    client, key, standin_installation, feed
):
    # given: the points crossed 1000 up through the API (read at once, the sweep finds nothing)
    templates_builtin_ensure(installation_id=standin_installation.pk, now=d.T0)
    journey_on(standin_installation, POINTS)
    saleor(client, key, standin_installation, "CUSTOMER_CREATED", 0, tier="gold")
    api(client, 1, loyalty_points=1200)
    assert sweep(standin_installation, d.T0) == 0
    contact = Contact.objects.get(email=EMAIL)
    assert [p["direction"] for _, p in crossings(contact)] == ["up"]

    # when: Saleor sends the customer without the points
    saleor(client, key, standin_installation, "CUSTOMER_UPDATED", 2, tier="gold")

    # then: still 1200, no crossing down
    assert sweep(standin_installation, d.T0) == 0
    assert [(p["direction"], p["value"]) for _, p in crossings(contact)] == [("up", 1200)]
    assert ada()[0] == {"tier": "gold", "loyalty_points": "1200"}


def test_an_import_records_its_keys_as_the_api_does(db):
    # given: a contact (unsaved: the rule is pure) whose tier came from Saleor
    contact = Contact(metadata={"tier": "gold"})

    # when: an import writes the points and the same tier
    changed = attributes_apply(contact, {"points": "10", "tier": "gold"}, now=d.T0)

    # then: only the changed key is recorded, and Saleor's later metadata keeps it
    assert (changed, contact.attribute_writes) == (
        True,
        {"points": {"at": at(0), "saleor": None}},
    )
    metadata_from_saleor(contact, {"tier": "silver"}, at=d.T0)
    assert (contact.metadata, contact.attribute_writes) == (
        {"tier": "silver", "points": "10"},
        {"points": {"at": at(0), "saleor": None}},
    )
    assert attributes_apply(contact, {"points": "10"}, now=d.T0) is False


def test_saleors_delivery_raising_the_points_records_the_crossing_as_it_is_drained(
    client, key, standin_installation
):
    # given: a milestone journey on 1000 points; Ada at 900 in Saleor's metadata
    templates_builtin_ensure(installation_id=standin_installation.pk, now=d.T0)
    journey = journey_on(standin_installation, POINTS)
    saleor(client, key, standin_installation, "CUSTOMER_CREATED", 0, loyalty_points="900")
    contact = Contact.objects.get(email=EMAIL)
    assert crossings(contact) == []

    # when: Saleor's next delivery says 1200
    saleor(client, key, standin_installation, "CUSTOMER_UPDATED", 1, loyalty_points="1200")

    # then: the drain recorded the crossing and entered the journey; the sweep finds nothing
    assert [(p["direction"], p["value"]) for _, p in crossings(contact)] == [("up", 1200)]
    assert list(journey.runs.values_list("contact_id", flat=True)) == [contact.pk]
    assert sweep(standin_installation, d.T0) == 0
