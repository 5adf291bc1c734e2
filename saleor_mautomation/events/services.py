"""Recording events: idempotent by dedupe key, one round trip each, or one per batch."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from saleor_mautomation.core import clock
from saleor_mautomation.core.sql import sql_rows, unnest_upsert
from saleor_mautomation.events.changes import ANY_CHANGE, change_note
from saleor_mautomation.events.models import Event

_COLUMNS = (
    f"INSERT INTO {Event._meta.db_table} (installation_id, contact_id, type, occurred_at, "  # noqa: S608
    "recorded_at, source, properties, dedupe_key) VALUES "
)
_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s)"
_ON_CONFLICT = " ON CONFLICT (installation_id, dedupe_key) DO NOTHING RETURNING contact_id, type"
_INSERT = _COLUMNS + _ROW + _ON_CONFLICT
_FLUSH_ROWS = 500  # rows per INSERT: 4,000 parameters, far below any driver's limit
# ``events_flush`` on PostgreSQL; the properties travel as JSON text, cast by the array's type.
_UNNEST = unnest_upsert(
    Event._meta.db_table,
    [
        ("installation_id", "bigint"),
        ("contact_id", "bigint"),
        ("type", "text"),
        ("occurred_at", "timestamptz"),
        ("recorded_at", "timestamptz"),
        ("source", "text"),
        ("properties", "jsonb"),
        ("dedupe_key", "text"),
    ],
    conflict=["installation_id", "dedupe_key"],
    update=[],
    returning=["contact_id", "type"],
)

_pending: ContextVar[list[list[Any]] | None] = ContextVar("events_pending", default=None)


def _row(
    installation_id: int,
    contact_id: int | None,
    type: str,
    occurred_at: datetime,
    source: str,
    dedupe_key: str,
    properties: dict[str, Any] | None,
) -> list[Any]:
    # Raw SQL bypasses the fields' adaptation: do it here, so rows written this way are
    # stored exactly like ORM rows (SQLite keeps datetimes as text in Django's own format).
    adapt = connection.ops.adapt_datetimefield_value
    return [
        installation_id,
        contact_id,
        type,
        adapt(occurred_at),
        adapt(clock.now()),
        source,
        json.dumps(properties or {}, cls=DjangoJSONEncoder),
        dedupe_key,
    ]


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
    """Record one event now; False (and nothing written) if its dedupe key was seen before.

    ``INSERT ... ON CONFLICT DO NOTHING`` instead of get-or-create: no savepoint, no race, one
    statement.
    """
    row = _row(installation_id, contact_id, type, occurred_at, source, dedupe_key, properties)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, row)
        new = cursor.fetchone() is not None
    if new:
        change_note(contact_id, f"event:{type}")
    return new


def event_add(
    *,
    installation_id: int,
    contact_id: int | None,
    type: str,
    occurred_at: datetime,
    source: str,
    dedupe_key: str,
    properties: dict[str, Any] | None = None,
) -> None:
    """Record an event whose caller needs no answer: inside ``events_batched`` it is written
    with the batch's others when the block ends, elsewhere at once."""
    pending = _pending.get()
    if pending is None:
        event_record(
            installation_id=installation_id,
            contact_id=contact_id,
            type=type,
            occurred_at=occurred_at,
            source=source,
            dedupe_key=dedupe_key,
            properties=properties,
        )
    else:
        pending.append(
            _row(installation_id, contact_id, type, occurred_at, source, dedupe_key, properties)
        )


@contextmanager
def events_batched() -> Iterator[None]:
    """Events added in the block are written in multi-row INSERTs when it ends without error
    (a drained batch: one statement instead of one per delivery). An error drops them, as
    the transaction that would hold them is rolled back anyway."""
    token = _pending.set([])
    try:
        yield
        events_flush()
    finally:
        _pending.reset(token)


def events_flush() -> None:
    """Write the events waiting in ``events_batched`` now: before anything that moves or
    deletes a contact's events, which must see them (and whose contact may then be gone)."""
    pending = _pending.get()
    if not pending:
        return
    rows, pending[:] = list(pending), []
    if connection.vendor == "postgresql":
        # One statement of one array per column, whatever the rows (prepared once).
        arrays = [list(column) for column in zip(*rows, strict=True)]
        for contact_id, type in sql_rows(_UNNEST, arrays, prepare=True):
            change_note(contact_id, f"event:{type}")
        return
    for start in range(0, len(rows), _FLUSH_ROWS):
        chunk = rows[start : start + _FLUSH_ROWS]
        sql = _COLUMNS + ", ".join([_ROW] * len(chunk)) + _ON_CONFLICT
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in chunk for value in row])
            for contact_id, type in cursor.fetchall():
                change_note(contact_id, f"event:{type}")


def events_move(*, from_contact_id: int, to_contact_id: int) -> int:
    """Identity merge: the history of one contact becomes the other's (any segment reading
    events may now select it)."""
    events_flush()
    change_note(to_contact_id, ANY_CHANGE)
    return Event.objects.filter(contact_id=from_contact_id).update(contact_id=to_contact_id)


# Property keys whose text values are facts about the shop, not about the person: Saleor ids of
# orders, checkouts, products and categories, channels, currencies, amounts, counts, how a
# thing happened. Every other text value is the person's (an email, a name, a phone number,
# an address, a URL with their parameters, free text of a custom event) and is erased.
KEPT_PROPERTIES = frozenset(
    {
        "order_id",
        "checkout_id",
        "product_id",
        "product_ids",
        "variant_id",
        "category_id",
        "category_ids",
        "channel",
        "currency",
        "total",
        "amount",
        "threshold",
        "number",
        "lines",
        "message_id",
        "machine",
        "via",
        "segment",
        "segment_id",
        "journey",
        "journey_id",
    }
)
ERASED = ""  # what an erased text value becomes: the key stays, so shapes stay valid


def properties_scrub(value: Any, *, kept: bool = False) -> Any:
    """``value`` without the person in it: numbers, booleans and nulls stay (counts, amounts,
    flags), as do texts under ``KEPT_PROPERTIES`` keys; every other text becomes ``ERASED``.
    Also used for the consent ledger's details (``contacts``)."""
    if isinstance(value, dict):
        return {
            key: properties_scrub(item, kept=key in KEPT_PROPERTIES) for key, item in value.items()
        }
    if isinstance(value, list):
        return [properties_scrub(item, kept=kept) for item in value]
    if isinstance(value, str):
        return value if kept else ERASED
    return value


def events_erase(*, contact_id: int, identifiers: Sequence[str] = ()) -> int:
    """Erasure, the one exception to append-only (ADR 0013): the contact's events stay, so
    counts, amounts, times, types and sources stay true, but lose the link to the person and
    every personal property (``properties_scrub``). A dedupe key that names the person (a
    Saleor user id or email among ``identifiers``) becomes one that names only the event.
    Returns how many events were rewritten."""
    events_flush()
    needles = [needle.lower() for needle in identifiers if needle]
    events = list(
        Event.objects.filter(contact_id=contact_id).only("pk", "type", "properties", "dedupe_key")
    )
    for event in events:
        event.properties = properties_scrub(event.properties)
        if any(needle in event.dedupe_key.lower() for needle in needles):
            event.dedupe_key = f"erased:{event.type}:{event.pk}"[:200]
        event.contact_id = None
    Event.objects.bulk_update(events, ["properties", "dedupe_key", "contact"], batch_size=500)
    return len(events)
