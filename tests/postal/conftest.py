"""Fixtures of the postal tests: a shop, contacts with an address and postal consent, and a
journey whose postal step the test chooses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from saleor_mautomation.contacts.channels_consent import channel_consent_set
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.services import journey_publish
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)  # a Monday, three hours before a noon cut-off
BERLIN = {
    "first_name": "Jörg",
    "last_name": "Müller",
    "company_name": "Müller & Söhne GmbH",
    "street_address_1": "Torstraße 5",
    "street_address_2": "Hinterhaus",
    "postal_code": "10119",
    "city": "BERLIN",
    "city_area": "",
    "country_area": "",
    "country": "DE",
}


@pytest.fixture
def shop(db, time_machine):
    time_machine.move_to(T, tick=False)
    return make_shop("linden")


def with_consent(contact: Contact, *, now: datetime = T) -> Contact:
    channel_consent_set(
        contact=contact, channel="postal", granted=True, evidence=Evidence(source="test"), now=now
    )
    return contact


def addressed(shop, n: int, **fields: Any) -> Contact:
    """A consenting contact with an address in Berlin (house number ``n``)."""
    address = {**BERLIN, "street_address_1": f"Torstraße {n}", "company_name": ""}
    contact = make_contact(shop, postal_address=address, **fields)
    return with_consent(contact)


def postal_journey(shop, key: str = "cards", *, first: dict[str, Any] | None = None, **step: Any):
    """A manual journey: (``first``, then) the postal step, then the end; published at T."""
    nodes: dict[str, Any] = {
        "card": {"type": "send_postal", "template": "win-back-card", "next": "end", **step},
        "end": {"type": "exit"},
    }
    if first is not None:
        nodes["first"] = {**first, "next": "card"}
    journey = Journey.objects.create(
        installation=shop,
        key=key,
        name=key.capitalize(),
        draft={
            "entry": {"type": "manual"},
            "reentry": {"mode": "every_time"},
            "start": "first" if first is not None else "card",
            "nodes": nodes,
        },
    )
    journey_publish(journey=journey, now=T)
    return journey
