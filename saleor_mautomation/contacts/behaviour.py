"""Storefront behaviour (views, searches, cart changes) recorded as a contact's events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.changes import PROFILE, change_note
from saleor_mautomation.events.services import event_record

EVENT_TYPES = {
    "PRODUCT_VIEWED": "product.viewed",
    "CATEGORY_VIEWED": "category.viewed",
    "SEARCHED": "search",
    "CART_ADDED": "cart.added",
    "CART_REMOVED": "cart.removed",
}


@dataclass(frozen=True)
class TrackedEvent:
    kind: str
    occurred_at: datetime | None = None
    name: str = ""
    client_id: str = ""
    properties: dict[str, Any] = field(default_factory=dict)

    def event_type(self) -> str:
        return f"custom.{self.name}" if self.kind == "CUSTOM" else EVENT_TYPES[self.kind]


def behaviour_track(
    *,
    contact: Contact,
    events: Sequence[TrackedEvent],
    client_scope: str,
    source: str,
    now: datetime,
) -> int:
    """Record the events; returns how many were new.

    An event's client id, within its client (``client_scope``: the anonymous id or the
    customer), makes a retried batch idempotent; it does not depend on the contact, which a
    merge may change between a batch and its retry.
    """
    recorded = 0
    for event in events:
        # A client clock may run a little ahead: never after now. How far back or ahead a
        # caller may date events at all is the API's bound (STOREFRONT_EVENT_MAX_AGE/AHEAD).
        occurred = min(event.occurred_at or now, now)
        key = event.client_id or uuid.uuid4().hex
        recorded += event_record(
            installation_id=contact.installation_id,
            contact_id=contact.pk,
            type=event.event_type(),
            occurred_at=occurred,
            source=source,
            dedupe_key=f"storefront:{client_scope}:{key}",
            properties=event.properties,
        )
    if events:
        Contact.objects.filter(pk=contact.pk).update(last_seen_at=now)
        change_note(contact.pk, PROFILE)
    return recorded
