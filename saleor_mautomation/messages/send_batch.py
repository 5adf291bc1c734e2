"""What a batch of sends reads once and writes once.

``BatchReads`` loads what the sending rules and the render of a whole batch need in a few
queries (the installations' rules, the suppressed addresses, each contact's recent marketing
sends, the recipients' contexts) instead of a few per message, and keeps them current as the
batch goes on (a send counts towards the cap of the next one to the same contact, a hard
bounce suppresses the address for the rest of the batch).

``outcomes_write`` records what became of a chunk of messages in two statements (the messages,
then their attempts) and tallies the sent ones, in one transaction: the statuses of a whole
SMTP conversation land together. A value the database refuses (a rendered subject with a NUL
character) makes it write the chunk message by message, the refused one without its details.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg
from django.db import DataError, connection, transaction

from saleor_mautomation.core.sql import values_source
from saleor_mautomation.events.tallies import Tally, tallies_add
from saleor_mautomation.messages.context import recipient_contexts
from saleor_mautomation.messages.funnel import message_origin, utc_day
from saleor_mautomation.messages.models import Message, MessageAttempt, Suppression, Template
from saleor_mautomation.messages.rules import Rules
from saleor_mautomation.messages.services import rules_of

Status = Message.Status
# The message fields an outcome may set besides its status and reason.
_FIELDS = ("sent_at", "subject", "message_id", "provider_id", "send_after")


@dataclass
class Outcome:
    """What became of one message: its new status, the reason kept on the message, the
    attempt's detail (the reason when None) and the other fields it sets."""

    status: str
    reason: str = ""
    detail: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


class BatchReads:
    def __init__(self, messages: list[Message], *, now: datetime, app_url: str) -> None:
        self.now = now
        self.rules: dict[int, Rules] = {}
        for installation_id in {m.installation_id for m in messages}:
            self.rules[installation_id] = rules_of(installation_id)[0]
        self.suppressed: dict[tuple[int, str], str] = {
            (installation_id, address): reason
            for installation_id, address, reason in _suppressions(
                list(self.rules), list({m.to_address.lower() for m in messages})
            )
        }
        self.recent: dict[tuple[int, str], list[tuple[int, datetime]]] = {}
        marketing = [m for m in messages if m.contact_id and m.kind == Template.Kind.MARKETING]
        if marketing:
            window = max(self.rules[m.installation_id].cap(m.channel)[1] for m in marketing)
            for pk, contact_id, channel, sent_at in _recent(
                list({m.contact_id for m in marketing if m.contact_id}),
                list({m.channel for m in marketing}),
                now - timedelta(hours=window),
            ):
                if sent_at is not None and contact_id is not None:
                    self.recent.setdefault((contact_id, channel), []).append((pk, sent_at))
        contacts = {m.contact_id: m.contact for m in messages if m.contact is not None}
        self.contexts = recipient_contexts(
            contacts=[c for c in contacts.values() if c is not None],
            app_url=app_url,
            now=now,
            messages=messages,  # the products their templates name (messages.products)
        )

    def suppression(self, message: Message) -> str | None:
        return self.suppressed.get((message.installation_id, message.to_address.lower()))

    def recent_sends(self, message: Message, hours: int) -> list[datetime]:
        since = self.now - timedelta(hours=hours)
        return [
            sent_at
            for pk, sent_at in self.recent.get((message.contact_id or 0, message.channel), [])
            if pk != message.pk and sent_at >= since
        ]

    def sent(self, message: Message) -> None:
        if message.kind == Template.Kind.MARKETING and message.contact_id:
            self.recent.setdefault((message.contact_id, message.channel), []).append(
                (message.pk, self.now)
            )

    def unsent(self, message: Message) -> None:
        """Counted by ``sent`` before its hand-over, which failed."""
        recent = self.recent.get((message.contact_id or 0, message.channel), [])
        if (message.pk, self.now) in recent:
            recent.remove((message.pk, self.now))

    def suppress(self, message: Message, reason: str) -> None:
        self.suppressed.setdefault((message.installation_id, message.to_address.lower()), reason)


# PostgreSQL: the batch's addresses and contacts as one bound array each (an ``IN`` list of
# five hundred placeholders costs more to build and parse than the query takes to run).
_SUPPRESSIONS = (
    f"SELECT installation_id, address, reason FROM {Suppression._meta.db_table} "  # noqa: S608
    "WHERE installation_id = ANY(%s) AND address = ANY(%s)"
)
_RECENT = (
    f"SELECT id, contact_id, channel, sent_at FROM {Message._meta.db_table} "  # noqa: S608
    "WHERE contact_id = ANY(%s) AND channel = ANY(%s) AND kind = %s AND sent_at >= %s"
)


def _suppressions(installation_ids: list[int], addresses: list[str]) -> list[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        return _rows(_SUPPRESSIONS, [installation_ids, addresses])
    return list(
        Suppression.objects.filter(
            installation_id__in=installation_ids, address__in=addresses
        ).values_list("installation_id", "address", "reason")
    )


def _recent(contact_ids: list[int], channels: list[str], since: datetime) -> list[tuple[Any, ...]]:
    """Marketing messages sent to these contacts on these channels since ``since``."""
    if connection.vendor == "postgresql":
        return _rows(_RECENT, [contact_ids, channels, Template.Kind.MARKETING, since])
    return list(
        Message.objects.filter(
            contact_id__in=contact_ids,
            channel__in=channels,
            kind=Template.Kind.MARKETING,
            sent_at__gte=since,
        ).values_list("pk", "contact_id", "channel", "sent_at")
    )


def attempts_start(message_ids: Iterable[int], *, now: datetime) -> None:
    """One statement: the attempt of each message of a chunk, recorded before any of them
    is handed over (``messages_recover`` reads an unfinished attempt as a send in doubt)."""
    ids = list(message_ids)
    if not ids:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("message_id", "started_at", "outcome", "detail"))
    source = _unnest(("id",)) if connection.vendor == "postgresql" else _values(("id",), len(ids))
    _rows(  # the chunk's rows in one INSERT, without an ORM instance per message
        f"INSERT INTO {quote(MessageAttempt._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT v.id, %s{_CASTS.get(connection.vendor, {}).get('sent_at', '')}, %s, %s "
        f"FROM {source}",
        [
            connection.ops.adapt_datetimefield_value(now),
            "started",
            "",
            *([ids] if connection.vendor == "postgresql" else ids),
        ],
    )


_MESSAGE_COLUMNS = ("status", "status_reason", *_FIELDS)
_CASTS = {
    "postgresql": {"id": "::bigint", "sent_at": "::timestamptz", "send_after": "::timestamptz"},
}


def _values(names: tuple[str, ...], rows: int) -> str:
    return values_source(names, rows, casts=_CASTS)


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Through Django's cursor wrapper (its statement hooks and query log see it, its errors
    are Django's). On PostgreSQL around a psycopg cursor that binds server-side: the arrays
    go in binary, not quoted element by element into the text (Django's client-side cursor
    spent a third of a chunk's outcome write quoting them)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    # (django-stubs type the wrapped cursor as a wrapper; Django passes the driver's cursor)
    with wrap(raw) as cursor:  # type: ignore[arg-type]
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _write(messages: dict[int, Message], outcomes: dict[int, Outcome], now: datetime) -> None:
    """Two statements: each message still ``sending`` gets its outcome (its other columns as
    this batch holds them: nobody else writes a claimed message), then every attempt."""
    columns: list[list[Any]] = [[] for _ in ("id", *_MESSAGE_COLUMNS)]
    details: list[Any] = []
    for pk, outcome in outcomes.items():
        message = messages[pk]
        fields = {name: getattr(message, name) for name in _FIELDS} | outcome.fields
        # (str: psycopg would write an enum by its name, a TextChoices member's upper-case)
        row = (pk, str(outcome.status), outcome.reason, *(fields[name] for name in _FIELDS))
        for column, value in zip(columns, row, strict=True):
            column.append(value)
        details.append(outcome.reason if outcome.detail is None else outcome.detail)
    with transaction.atomic():
        changed = _messages_update(columns)
        _attempts_finish(columns[0], columns[1], details, now)
        tallies_add(
            Tally(
                installation_id=messages[pk].installation_id,
                day=utc_day(now),
                metric="sent",
                origin=message_origin(messages[pk]),
            )
            for (pk,) in changed
            if outcomes[pk].status == Status.SENT
        )


_TYPES = {"id": "bigint", "sent_at": "timestamptz", "send_after": "timestamptz"}


def _unnest(names: tuple[str, ...]) -> str:
    """PostgreSQL: a ``FROM`` source ``v`` of one array per column. The text has a placeholder
    per column whatever the chunk's size: a ``VALUES`` list of fifty outcomes had four
    hundred, and psycopg splitting that text to bind them was a fifth of a sender's CPU."""
    arrays = ", ".join(f"%s::{_TYPES.get(name, 'text')}[]" for name in names)
    return f"unnest({arrays}) AS v({', '.join(names)})"


def _messages_update(columns: list[list[Any]]) -> list[tuple[Any, ...]]:
    """The outcome of each message still ``sending``; the ids it changed."""
    names = ("id", *_MESSAGE_COLUMNS)
    params: list[Any]
    if connection.vendor == "postgresql":
        source, params = _unnest(names), list(columns)
    else:
        adapt = connection.ops.adapt_datetimefield_value
        dates = {names.index("sent_at"), names.index("send_after")}
        source, params = _values(names, len(columns[0])), []
        for row in zip(*columns, strict=True):
            params += [adapt(v) if n in dates else v for n, v in enumerate(row)]
    quote = connection.ops.quote_name
    table = quote(Message._meta.db_table)
    sets = ", ".join(f"{quote(column)} = v.{column}" for column in _MESSAGE_COLUMNS)
    return _rows(
        f"UPDATE {table} SET {sets} FROM {source} "  # noqa: S608
        f"WHERE {table}.{quote('id')} = v.id AND {table}.{quote('status')} = %s "
        f"RETURNING {table}.{quote('id')}",
        [*params, Status.SENDING],
    )


def _attempts_finish(
    ids: list[int], statuses: list[Any], details: list[Any], now: datetime
) -> None:
    """Every attempt of these messages still open gets its outcome and detail."""
    names = ("id", "outcome", "detail")
    params: list[Any]
    if connection.vendor == "postgresql":
        source, params = _unnest(names), [ids, statuses, details]
    else:
        source, params = _values(names, len(ids)), []
        for row in zip(ids, statuses, details, strict=True):
            params += row
    quote = connection.ops.quote_name
    table = quote(MessageAttempt._meta.db_table)
    _rows(
        f"UPDATE {table} SET {quote('finished_at')} = %s, "  # noqa: S608
        f"{quote('outcome')} = v.outcome, {quote('detail')} = v.detail FROM {source} "
        f"WHERE {table}.{quote('message_id')} = v.id AND {table}.{quote('finished_at')} IS NULL",
        [connection.ops.adapt_datetimefield_value(now), *params],
    )


def outcomes_write(
    messages: dict[int, Message], outcomes: dict[int, Outcome], *, now: datetime
) -> None:
    """Record the outcomes of a chunk (see the module's docstring)."""
    if not outcomes:
        return
    try:
        _write(messages, outcomes, now)
        return
    except DataError:
        pass  # the chunk wrote nothing: message by message, to find the refused one
    for pk, outcome in outcomes.items():
        try:
            _write(messages, {pk: outcome}, now)
        except DataError as exc:
            _refused(messages, pk, outcome, exc, now)


def _refused(
    messages: dict[int, Message], pk: int, outcome: Outcome, exc: DataError, now: datetime
) -> None:
    """The database refuses what we would keep of this message. Handed over, it is sent all
    the same (it counts and never repeats), without its details; otherwise it failed (the
    same would happen on every try)."""
    if outcome.status == Status.SENT:
        reason = f"sent; the database refused its details: {exc}"[:2000]
        _write(messages, {pk: Outcome(Status.SENT, reason, fields={"sent_at": now})}, now)
    else:
        reason = f"the database refused the message: {exc}"[:2000]
        _write(messages, {pk: Outcome(Status.FAILED, reason)}, now)
