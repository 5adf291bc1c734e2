"""Recording events: idempotent by dedupe key, one round trip each."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from saleor_mautomation.core import clock
from saleor_mautomation.events.changes import ANY_CHANGE, change_note
from saleor_mautomation.events.models import Event

_INSERT = (
    f"INSERT INTO {Event._meta.db_table} (installation_id, contact_id, type, occurred_at, "  # noqa: S608
    "recorded_at, source, properties, dedupe_key) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (installation_id, dedupe_key) DO NOTHING RETURNING id"
)


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
    """Record one event; False (and nothing written) if its dedupe key was seen before.

    ``INSERT ... ON CONFLICT DO NOTHING`` instead of get-or-create: no savepoint, no race, one
    statement on the hot path of every delivery.
    """
    # Raw SQL bypasses the fields' adaptation: do it here, so rows written this way are
    # stored exactly like ORM rows (SQLite keeps datetimes as text in Django's own format).
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        installation_id,
        contact_id,
        type,
        adapt(occurred_at),
        adapt(clock.now()),
        source,
        json.dumps(properties or {}, cls=DjangoJSONEncoder),
        dedupe_key,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, params)
        new = cursor.fetchone() is not None
    if new:
        change_note(contact_id, f"event:{type}")
    return new


def events_move(*, from_contact_id: int, to_contact_id: int) -> int:
    """Identity merge: the history of one contact becomes the other's (any segment reading
    events may now select it)."""
    change_note(to_contact_id, ANY_CHANGE)
    return Event.objects.filter(contact_id=from_contact_id).update(contact_id=to_contact_id)


def events_erase(*, contact_id: int) -> int:
    deleted, _ = Event.objects.filter(contact_id=contact_id).delete()
    return deleted
