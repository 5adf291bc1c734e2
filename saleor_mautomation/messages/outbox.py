"""The outbox's front door: queueing messages for contacts, one or a batch at a time.

A message is one row per cause (``dedupe_key``: a journey run step, a broadcast and contact,
a double opt-in request), so a cause queued twice (a retried step, two workers) is one
message. Sending (claiming, delivering, recovering) is ``sending.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.send_times import SendTimes
from saleor_mautomation.events.changes import MESSAGE_QUEUED, work_note
from saleor_mautomation.messages.channels import channel_spec
from saleor_mautomation.messages.models import Message, Template, TemplateVersion
from saleor_mautomation.messages.providers import SUBJECT_KEY
from saleor_mautomation.messages.services import (
    SMS_CONFIRM,
    template_current,
    templates_channel_ensure,
)

logger = logging.getLogger(__name__)


def address_of(contact: Contact, channel: str) -> str | None:
    """Where a message of ``channel`` goes (``channels.py``): the email address, the phone
    number (E.164), or ``push:<contact id>`` for the contact's browsers; None when the contact
    has none. ``UnknownChannel`` for a channel that is not declared."""
    return channel_spec(channel).address(contact)


def _outbox_row(
    *,
    contact: Contact,
    template: Template,
    version: TemplateVersion,
    address: str,
    dedupe_key: str,
    now: datetime,
    context: dict[str, Any] | None,
    send_after: datetime,
    origin: Origin | None,
    subject: str = "",
) -> Message:
    journey = origin or Origin()
    return Message(
        installation_id=contact.installation_id,
        dedupe_key=dedupe_key,
        contact=contact,
        channel=template.channel,
        kind=template.kind,
        template_version=version,
        template=template,
        journey_id=journey.journey_id,
        journey_version_id=journey.journey_version_id,
        journey_node=journey.node,
        broadcast=journey.broadcast,
        split_node=journey.split_node,
        split_branch=journey.split_branch,
        to_address=address,
        context={**(context or {}), SUBJECT_KEY: subject} if subject else context or {},
        send_after=send_after,
        created_at=now,
        allow_retry_when_unknown=template.kind == Template.Kind.TRANSACTIONAL,
    )


@dataclass(frozen=True)
class Origin:
    """The journey a message comes from (messages know journeys by id only): its version,
    the send node, whether the run is a broadcast's, and the A/B variant (a split node and
    the index of its branch the run took). Empty for a message no journey sent."""

    journey_id: int | None = None
    journey_version_id: int | None = None
    node: str = ""
    broadcast: bool = False
    split_node: str = ""
    split_branch: int | None = None


@dataclass(frozen=True)
class Outgoing:
    """One message to queue (``messages_enqueue``), as ``message_enqueue`` takes it."""

    contact: Contact
    template: Template
    dedupe_key: str
    context: dict[str, Any] | None = None
    at_best_hour: bool = False
    origin: Origin | None = None
    subject: str = ""  # a subject replacing the template's (``SUBJECT_KEY``)


def messages_enqueue(items: Sequence[Outgoing], *, now: datetime) -> list[int | None]:
    """Queue many messages in two statements (a batch of journey steps): the id of each
    one's outbox row, in order (the existing row where its cause was queued before), None
    where the contact has no address on the channel or the template no content.
    ``UnknownChannel`` (nothing queued) when a template's channel is not declared."""
    versions: dict[tuple[int, str], TemplateVersion | None] = {}
    send_times: dict[int, SendTimes] = {}
    rows: list[Message | None] = []
    for item in items:
        address = address_of(item.contact, item.template.channel)
        language = (item.contact.language_code or "")[:2].lower()
        if (item.template.pk, language) not in versions:
            versions[(item.template.pk, language)] = template_current(item.template, language)
        version = versions[(item.template.pk, language)]
        if address is None or version is None:
            rows.append(None)
            continue
        send_after = now
        if item.at_best_hour:  # the contact's best moment within 24 hours (contacts.send_time)
            contact = item.contact
            times = send_times.setdefault(
                contact.installation_id, SendTimes(contact.installation_id, now)
            )
            send_after = times.moment(
                time_zone=contact.time_zone,
                weights=contact.send_time_weights,
                clicks=contact.send_time_clicks,
                opens=contact.send_time_opens,
            )
        rows.append(
            _outbox_row(
                contact=item.contact,
                template=item.template,
                version=version,
                address=address,
                dedupe_key=item.dedupe_key,
                now=now,
                context=item.context,
                send_after=send_after,
                origin=item.origin,
                subject=item.subject,
            )
        )
    queued = [row for row in rows if row is not None]
    if not queued:
        return [None] * len(rows)
    Message.objects.bulk_create(queued, ignore_conflicts=True)
    work_note(MESSAGE_QUEUED)  # the coordinator wakes the sender after the commit
    ids: dict[tuple[int, str], int] = {}
    for installation_id in {row.installation_id for row in queued}:
        keys = [row.dedupe_key for row in queued if row.installation_id == installation_id]
        ids.update(
            ((installation_id, key), pk)
            for key, pk in Message.objects.filter(
                installation_id=installation_id, dedupe_key__in=keys
            ).values_list("dedupe_key", "pk")
        )
    return [None if row is None else ids[(row.installation_id, row.dedupe_key)] for row in rows]


def message_enqueue(
    *,
    contact: Contact,
    template: Template,
    dedupe_key: str,
    now: datetime,
    context: dict[str, Any] | None = None,
    at_best_hour: bool = False,
) -> Message | None:
    """Queue one message (see ``messages_enqueue``): its outbox row, or None."""
    (message_id,) = messages_enqueue(
        [Outgoing(contact, template, dedupe_key, context, at_best_hour)], now=now
    )
    return None if message_id is None else Message.objects.get(pk=message_id)


def messages_cancel(*, installation_id: int, reason: str) -> list[int]:
    """Cancel the installation's messages not yet handed over (queued, or deferred by its
    rules): they will never be sent (the shop uninstalled the app). A message being sent
    now is left to finish. Returns the ids cancelled."""
    ids = list(
        Message.objects.select_for_update()
        .filter(
            installation_id=installation_id,
            status__in=[Message.Status.QUEUED, Message.Status.DEFERRED],
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Message.objects.filter(pk__in=ids).update(status=Message.Status.CANCELLED, status_reason=reason)
    return ids


DOUBLE_OPT_IN = "double-opt-in"


def _confirmation_enqueue(contact: Contact, template: Template, now: datetime) -> Message | None:
    """A double opt-in question goes out at most once per contact and hour, however often the
    form is sent (a sign-up form must not become a mail or text cannon)."""
    return message_enqueue(
        contact=contact,
        template=template,
        dedupe_key=f"{template.key}:{contact.pk}:{now:%Y%m%d%H}",
        now=now,
    )


def double_opt_in_request(*, contact: Contact, now: datetime) -> Message | None:
    """Queue the email confirming a pending subscription (at most hourly)."""
    template = Template.objects.filter(
        installation_id=contact.installation_id, key=DOUBLE_OPT_IN
    ).first()
    if template is None:
        logger.warning("Installation %s has no %s template", contact.installation_id, DOUBLE_OPT_IN)
        return None
    return _confirmation_enqueue(contact, template, now)


def sms_confirmation_request(*, contact: Contact, now: datetime) -> Message | None:
    """Text the contact's number the SMS double opt-in question, reply YES (at most hourly).
    The template is added if the installation predates it."""
    template = Template.objects.filter(
        installation_id=contact.installation_id, key=SMS_CONFIRM
    ).first()
    if template is None:
        templates_channel_ensure(installation_id=contact.installation_id, channel="sms", now=now)
        template = Template.objects.get(installation_id=contact.installation_id, key=SMS_CONFIRM)
    return _confirmation_enqueue(contact, template, now)
