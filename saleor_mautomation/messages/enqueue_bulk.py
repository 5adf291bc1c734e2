"""Many messages queued in a few statements: a broadcast's fan-out (PostgreSQL).

``outbox.messages_enqueue`` makes a contact and a message model per item and lets the ORM
render every value: right for a journey step's few messages, most of the time of a broadcast
fanning out to a million. Here a batch's contacts are read in one query (only what a message
needs: the address, the language, the zone and best hour), each template's version per
language is looked up once, and the rows go in as one ``INSERT ... SELECT FROM unnest(...)
ON CONFLICT DO NOTHING RETURNING``, their columns those ``messages_enqueue`` writes for the
same items (``tests/journeys/test_fanout_sends.py`` compares the two). The key per cause
holds as there: a cause queued before gets its existing row's id. Nothing of the sending
path changes: the rows are the outbox's usual ``queued`` rows, and the sending rules decide
for each one when a sender claims it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, assert_never

from django.db import connection
from django.db.backends.utils import CursorWrapper

from saleor_mautomation.contacts.models import Contact, PushSubscription
from saleor_mautomation.contacts.send_times import SendTimes
from saleor_mautomation.events.changes import MESSAGE_QUEUED, work_note
from saleor_mautomation.messages.channels import Channel, channel_spec
from saleor_mautomation.messages.models import Message, Template, TemplateVersion
from saleor_mautomation.messages.outbox import Origin
from saleor_mautomation.messages.providers import SUBJECT_KEY
from saleor_mautomation.messages.services import template_current


@dataclass(frozen=True)
class Sends:
    """What a group of messages shares (one send node of one journey version): the
    template, the origin, the subject replacing the template's (``SUBJECT_KEY``) and whether
    each waits for its contact's best hour."""

    template: Template
    origin: Origin
    subject: str = ""
    at_best_hour: bool = False


# One message: its dedupe key, the contact's id, the context as JSON text, and its group
# (an index into the groups).
Row = tuple[str, int, str, int]

# The columns each row or group sets; every other column gets its field's default.
_ROW_COLUMNS = {
    "dedupe_key": "r.dedupe_key",
    "contact_id": "r.contact_id",
    "template_version_id": "r.version_id",
    "to_address": "r.address",
    "send_after": "r.send_after",
    "context": (
        "CASE WHEN g.subject = '' THEN r.context::jsonb "
        "ELSE r.context::jsonb || jsonb_build_object(%(subject_key)s::text, g.subject) END"
    ),
    "channel": "g.channel",
    "kind": "g.kind",
    "template_id": "g.template_id",
    "allow_retry_when_unknown": "g.allow_retry",
    "journey_id": "g.journey_id",
    "journey_version_id": "g.journey_version_id",
    "journey_node": "g.node",
    "broadcast": "g.broadcast",
    "split_node": "g.split_node",
    "split_branch": "g.split_branch",
    "installation_id": "%(installation)s",
    "created_at": "%(now)s",
}

_INSERT = """
INSERT INTO {table} ({columns})
SELECT {values}
FROM unnest(%(keys)b::text[], %(contacts)b::bigint[], %(groups)b::int[], %(versions)b::bigint[],
            %(addresses)b::text[], %(contexts)b::text[], %(send_after)b::timestamptz[])
     WITH ORDINALITY AS r (dedupe_key, contact_id, grp, version_id, address, context,
                           send_after, ord)
JOIN unnest(%(g_channel)b::text[], %(g_kind)b::text[], %(g_template)b::bigint[],
            %(g_subject)b::text[], %(g_retry)b::boolean[], %(g_journey)b::bigint[],
            %(g_version)b::bigint[], %(g_node)b::text[], %(g_broadcast)b::boolean[],
            %(g_split_node)b::text[], %(g_split_branch)b::smallint[])
     WITH ORDINALITY AS g (channel, kind, template_id, subject, allow_retry, journey_id,
                           journey_version_id, node, broadcast, split_node, split_branch, grp)
  ON g.grp = r.grp + 1
ORDER BY r.ord
ON CONFLICT (installation_id, dedupe_key) DO NOTHING
RETURNING dedupe_key, id
"""


def _defaults() -> tuple[list[str], list[str], dict[str, Any]]:
    """The columns no row sets, each with its field's default (cast to its type), so a
    column the model gains is written as ``bulk_create`` would write it."""
    columns, values, params = [], [], {}
    for field in Message._meta.concrete_fields:
        if field.primary_key or field.column in _ROW_COLUMNS:
            continue
        assert field.column is not None  # a concrete field has its column
        name = f"default_{field.column}"
        columns.append(connection.ops.quote_name(field.column))
        values.append(f"%({name})s::{field.db_type(connection)}")
        params[name] = field.get_db_prep_save(field.get_default(), connection)
    return columns, values, params


@dataclass(frozen=True)
class _Contact:
    email: str | None
    phone: str
    language: str
    time_zone: str


def _address(
    channel: Channel, contact_id: int, contact: _Contact, pushable: set[int]
) -> str | None:
    """The contact's address on the channel, as its ``channels`` declaration finds it (the
    push declaration asks the database per contact: here the batch asked once)."""
    match channel:
        case Channel.EMAIL:
            return contact.email or None
        case Channel.SMS:
            return contact.phone or None
        case Channel.PUSH:
            return f"push:{contact_id}" if contact_id in pushable else None
        case _:
            assert_never(channel)


def messages_enqueue_bulk(
    *, installation_id: int, groups: Sequence[Sends], rows: Sequence[Row], now: datetime
) -> list[int | None]:
    """Queue ``rows`` (of one installation) in one statement, as ``messages_enqueue`` queues
    the same items: the id of each one's outbox row, in order (the existing row where its
    cause was queued before), None where the contact has no address on the channel or the
    template no content."""
    if not rows:
        return []
    contact_ids = {contact_id for _, contact_id, _, _ in rows}
    contacts = {
        pk: _Contact(email, phone, (language or "")[:2].lower(), zone)
        for pk, email, phone, language, zone in Contact.objects.filter(
            installation_id=installation_id, pk__in=contact_ids
        ).values_list("pk", "email", "phone", "language_code", "time_zone")
    }
    # Each contact's best moment within 24 hours (contacts.send_time), read only when asked.
    send_times = SendTimes(installation_id, now)
    profiles: dict[int, tuple[dict[str, int], int, int]] = {}
    if any(group.at_best_hour for group in groups):
        profiles = {
            pk: (weights, clicks, opens)
            for pk, weights, clicks, opens in Contact.objects.filter(
                installation_id=installation_id, pk__in=contact_ids
            ).values_list("pk", "send_time_weights", "send_time_clicks", "send_time_opens")
        }
    pushable: set[int] = set()
    if any(group.template.channel == Channel.PUSH for group in groups):
        pushable = set(
            PushSubscription.objects.filter(contact_id__in=contact_ids, expired_at__isnull=True)
            .values_list("contact_id", flat=True)
            .distinct()
        )
    channels = [channel_spec(group.template.channel).channel for group in groups]
    versions: dict[tuple[int, str], TemplateVersion | None] = {}
    keys: list[str] = []
    queued: dict[str, Any] = {
        name: [] for name in ("keys", "contacts", "groups", "versions", "addresses")
    }
    queued |= {"contexts": [], "send_after": []}
    for key, contact_id, context, index in rows:
        group = groups[index]
        contact = contacts.get(contact_id)
        if contact is None:
            keys.append("")
            continue
        address = _address(channels[index], contact_id, contact, pushable)
        wanted = (group.template.pk, contact.language)
        if wanted not in versions:
            versions[wanted] = template_current(group.template, contact.language)
        version = versions[wanted]
        if address is None or version is None:
            keys.append("")
            continue
        send_after = now
        if group.at_best_hour:
            weights, clicks, opens = profiles[contact_id]
            send_after = send_times.moment(
                time_zone=contact.time_zone, weights=weights, clicks=clicks, opens=opens
            )
        keys.append(key)
        queued["keys"].append(key)
        queued["contacts"].append(contact_id)
        queued["groups"].append(index)
        queued["versions"].append(version.pk)
        queued["addresses"].append(address)
        queued["contexts"].append(context)
        queued["send_after"].append(send_after)
    if not queued["keys"]:
        return [None] * len(rows)
    ids = _insert(installation_id, groups, queued, now)
    work_note(MESSAGE_QUEUED)  # the coordinator wakes the sender after the commit
    return [ids[key] if key else None for key in keys]


def bound_cursor() -> CursorWrapper:
    """A cursor binding its parameters server-side (PostgreSQL): a batch's arrays travel
    apart from the statement's text, in binary where psycopg can, instead of being quoted
    into it element by element (most of a batch's time with Django's client-side cursor),
    while the statement still goes through Django's wrappers (its errors, the debug log,
    ``connection.execute_wrapper``)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    cursor: CursorWrapper = connection._prepare_cursor(  # type: ignore[attr-defined]
        ServerBindingCursor(connection.connection)  # type: ignore[call-arg]
    )
    return cursor


def _insert(
    installation_id: int, groups: Sequence[Sends], queued: dict[str, Any], now: datetime
) -> dict[str, int]:
    columns, values, params = _defaults()
    for column, value in _ROW_COLUMNS.items():
        columns.append(connection.ops.quote_name(column))
        values.append(value)
    origins = [group.origin for group in groups]
    params |= {
        "installation": installation_id,
        "now": now,
        "subject_key": SUBJECT_KEY,
        **queued,
        "g_channel": [group.template.channel for group in groups],
        "g_kind": [group.template.kind for group in groups],
        "g_template": [group.template.pk for group in groups],
        "g_subject": [group.subject for group in groups],
        "g_retry": [group.template.kind == Template.Kind.TRANSACTIONAL for group in groups],
        "g_journey": [origin.journey_id for origin in origins],
        "g_version": [origin.journey_version_id for origin in origins],
        "g_node": [origin.node for origin in origins],
        "g_broadcast": [origin.broadcast for origin in origins],
        "g_split_node": [origin.split_node for origin in origins],
        "g_split_branch": [origin.split_branch for origin in origins],
    }
    sql = _INSERT.format(
        table=connection.ops.quote_name(Message._meta.db_table),
        columns=", ".join(columns),
        values=", ".join(values),
    )
    with bound_cursor() as cursor:
        cursor.execute(sql, params)
        ids: dict[str, int] = dict(cursor.fetchall())
    missing = [key for key in queued["keys"] if key not in ids]
    if missing:  # queued before (a cause is one message): the existing rows
        ids.update(
            Message.objects.filter(
                installation_id=installation_id, dedupe_key__in=missing
            ).values_list("dedupe_key", "id")
        )
    return ids
