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
            for installation_id, address, reason in Suppression.objects.filter(
                installation_id__in=list(self.rules),
                address__in={m.to_address.lower() for m in messages},
            ).values_list("installation_id", "address", "reason")
        }
        self.recent: dict[tuple[int, str], list[tuple[int, datetime]]] = {}
        marketing = [m for m in messages if m.contact_id and m.kind == Template.Kind.MARKETING]
        if marketing:
            window = max(self.rules[m.installation_id].cap(m.channel)[1] for m in marketing)
            for pk, contact_id, channel, sent_at in Message.objects.filter(
                contact_id__in={m.contact_id for m in marketing},
                channel__in={m.channel for m in marketing},
                kind=Template.Kind.MARKETING,
                sent_at__gte=now - timedelta(hours=window),
            ).values_list("pk", "contact_id", "channel", "sent_at"):
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


def attempts_start(message_ids: Iterable[int], *, now: datetime) -> None:
    """One statement: the attempt of each message of a chunk, recorded before any of them
    is handed over (``messages_recover`` reads an unfinished attempt as a send in doubt)."""
    ids = list(message_ids)
    if not ids:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("message_id", "started_at", "outcome", "detail"))
    _rows(  # the chunk's rows in one INSERT, without an ORM instance per message
        f"INSERT INTO {quote(MessageAttempt._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT v.id, %s{_CASTS.get(connection.vendor, {}).get('sent_at', '')}, %s, %s "
        f"FROM {_values(('id',), len(ids))}",
        [connection.ops.adapt_datetimefield_value(now), "started", "", *ids],
    )


_MESSAGE_COLUMNS = ("status", "status_reason", *_FIELDS)
_CASTS = {
    "postgresql": {"id": "::bigint", "sent_at": "::timestamptz", "send_after": "::timestamptz"},
}


def _values(names: tuple[str, ...], rows: int) -> str:
    return values_source(names, rows, casts=_CASTS)


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Through Django's cursor (its statement hooks see it; the text differs with the chunk's
    size, so a prepared statement would not be reused anyway)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _write(messages: dict[int, Message], outcomes: dict[int, Outcome], now: datetime) -> None:
    """Two statements: each message still ``sending`` gets its outcome (its other columns as
    this batch holds them: nobody else writes a claimed message), then every attempt."""
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = []
    for pk, outcome in outcomes.items():
        message = messages[pk]
        fields = {name: getattr(message, name) for name in _FIELDS} | outcome.fields
        params += [pk, outcome.status, outcome.reason, adapt(fields["sent_at"])]
        params += [fields["subject"], fields["message_id"], fields["provider_id"]]
        params.append(adapt(fields["send_after"]))
    names = ("id", *_MESSAGE_COLUMNS)
    attempts: list[Any] = []
    for pk, outcome in outcomes.items():
        attempts += [
            pk,
            outcome.status,
            outcome.reason if outcome.detail is None else outcome.detail,
        ]
    quote = connection.ops.quote_name
    table = quote(Message._meta.db_table)
    sets = ", ".join(f"{quote(column)} = v.{column}" for column in _MESSAGE_COLUMNS)
    attempt_table = quote(MessageAttempt._meta.db_table)
    with transaction.atomic():
        changed = _rows(
            f"UPDATE {table} SET {sets} FROM {_values(names, len(outcomes))} "  # noqa: S608
            f"WHERE {table}.{quote('id')} = v.id AND {table}.{quote('status')} = %s "
            f"RETURNING {table}.{quote('id')}",
            [*params, Status.SENDING],
        )
        _rows(
            f"UPDATE {attempt_table} SET {quote('finished_at')} = %s, "  # noqa: S608
            f"{quote('outcome')} = v.outcome, {quote('detail')} = v.detail "
            f"FROM {_values(('id', 'outcome', 'detail'), len(outcomes))} "
            f"WHERE {attempt_table}.{quote('message_id')} = v.id "
            f"AND {attempt_table}.{quote('finished_at')} IS NULL",
            [adapt(now), *attempts],
        )
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
