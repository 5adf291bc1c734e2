"""Recording events: idempotent by dedupe key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from saleor_mautomation.events.models import Event


def event_record(
    *,
    installation_id: int,
    contact_id: int | None,
    type: str,
    occurred_at: datetime,
    source: str,
    dedupe_key: str,
    properties: dict[str, Any] | None = None,
) -> bool:
    """Record one event; False (and nothing written) if its dedupe key was seen before."""
    _, created = Event.objects.get_or_create(
        installation_id=installation_id,
        dedupe_key=dedupe_key,
        defaults={
            "contact_id": contact_id,
            "type": type,
            "occurred_at": occurred_at,
            "source": source,
            "properties": properties or {},
        },
    )
    return created


def events_move(*, from_contact_id: int, to_contact_id: int) -> int:
    """Identity merge: the history of one contact becomes the other's."""
    return Event.objects.filter(contact_id=from_contact_id).update(contact_id=to_contact_id)


def events_erase(*, contact_id: int) -> int:
    deleted, _ = Event.objects.filter(contact_id=contact_id).delete()
    return deleted
