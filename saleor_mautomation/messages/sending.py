"""Queueing and sending messages (email, SMS, web push) through the outbox, at most once.

``message_enqueue`` writes one row per cause (its dedupe key) for a template of any channel;
``messages_claim`` takes due rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks them
``sending`` in a transaction of its own, committed before any network I/O; ``message_deliver``
then applies the sending rules of the message's channel (its consent, suppression, the
frequency cap counted per channel, quiet hours), renders, hands it to the channel's transport
(``providers.EmailSender``, ``sms.SmsSender``, ``push.PushSender``) and records the outcome. A
worker that dies after the provider accepted a message leaves it ``sending``:
``messages_recover`` marks such rows ``unknown``, and an unknown marketing message is never
sent again; a transport that sent a request and got no answer says so (``OutcomeUnknown``)
with the same effect.

Each channel's address, reachability, consent and transport come from ``channels.py``; a
message of a channel that is not declared fails, it is never sent as an email. One message's
failure is its own: the failure kinds a send can meet (``Refused``, ``RetryableError``,
``OutcomeUnknown``, ``PermanentError``, a render error of any kind, which ``rendering.render``
turns into ``RenderFailed``, and the database refusing the message's own data) finish that
message and the batch goes on. ``MAX_ATTEMPTS`` claims end a message that keeps failing: the
claim counts the attempt in its own committed transaction, so a crash cannot roll it back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import RetryableError
from saleor_mautomation.core.sql import model_select
from saleor_mautomation.messages.channels import (
    ChannelSpec,
    Opening,
    UnknownChannel,
    channel_spec,
)
from saleor_mautomation.messages.codes import with_code_images
from saleor_mautomation.messages.esp_batch import batchable, hand_over_batches
from saleor_mautomation.messages.funnel import with_message_links
from saleor_mautomation.messages.lanes import (
    Handed,
    Ready,
    SenderPool,
    hand_over_all,
    hand_over_one,
)
from saleor_mautomation.messages.models import (
    Message,
    MessageAttempt,
    Suppression,
    Template,
    TemplateVersion,
)
from saleor_mautomation.messages.providers import Accepted, OutcomeUnknown, PoolDefaults, Refused
from saleor_mautomation.messages.providers import build_mail as build_mail
from saleor_mautomation.messages.providers import template_test_send as template_test_send
from saleor_mautomation.messages.rules import Decision, decide
from saleor_mautomation.messages.send_batch import (
    BatchReads,
    Outcome,
    attempts_start,
    outcomes_write,
)
from saleor_mautomation.messages.services import suppression_add
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)

# Claims of one message before it fails for good (a constant, not a setting: the backoff
# below spreads five tries over half an hour, which suits every provider we talk to).
MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=2)
STUCK_AFTER = timedelta(minutes=10)
UNINSTALLED = "the shop uninstalled the app"
# A paused broadcast's unsent messages wait with this send time (never reached by a sender).
HELD_UNTIL = datetime(3000, 1, 1, tzinfo=UTC)
BROADCAST_CANCELLED = "the broadcast was cancelled"
Status = Message.Status


def messages_claim(*, now: datetime, limit: int, broadcast: bool | None = None) -> list[int]:
    """Take due messages for this worker (``broadcast``: only a broadcast's, or only the
    others): ``sending`` is committed before any I/O. Each row is locked ``SKIP LOCKED``:
    workers claiming at once take different messages."""
    due = Message.objects.filter(status__in=[Status.QUEUED, Status.DEFERRED], send_after__lte=now)
    if broadcast is not None:
        due = due.filter(broadcast=broadcast)
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("send_after", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Message.objects.filter(pk__in=ids).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return ids


def messages_recover(*, now: datetime, recovered: list[int] | None = None) -> int:
    """Claimed long ago and never finished: the worker died. A message it never started
    (no unfinished attempt: the attempt is recorded before the hand-over) goes back to the
    queue. One it had started may have been accepted by the provider: unknown then, and only
    messages that allow it (transactional) go out again. Either way a message claimed
    ``MAX_ATTEMPTS`` times fails: one that kills its worker every time is not reclaimed
    forever. ``recovered``, when given, receives the ids of the messages it changed (for the
    journeys' step log)."""
    stuck = Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER)
    started = MessageAttempt.objects.filter(message=OuterRef("pk"), finished_at__isnull=True)
    given_up = f"claimed {MAX_ATTEMPTS} times, never finished"
    with transaction.atomic():
        if recovered is not None:
            recovered.extend(stuck.values_list("pk", flat=True))
        untouched = stuck.exclude(Exists(started))
        failed = untouched.filter(attempts__gte=MAX_ATTEMPTS).update(
            status=Status.FAILED, status_reason=given_up
        )
        requeued = untouched.update(status=Status.QUEUED, send_after=now)
        lost = list(stuck.values_list("pk", flat=True))
        MessageAttempt.objects.filter(message_id__in=lost, finished_at__isnull=True).update(
            finished_at=now, outcome="unknown", detail="worker lost during the send"
        )
        lost_messages = Message.objects.filter(pk__in=lost, allow_retry_when_unknown=True)
        retried = lost_messages.filter(attempts__lt=MAX_ATTEMPTS).update(
            status=Status.QUEUED, send_after=now
        )
        failed += lost_messages.filter(status=Status.SENDING).update(
            status=Status.FAILED, status_reason=f"worker lost during the send; {given_up}"
        )
        unknown = Message.objects.filter(pk__in=lost, status=Status.SENDING).update(
            status=Status.UNKNOWN, status_reason="worker lost during the send"
        )
    return failed + requeued + retried + unknown


def _decision(
    message: Message, contact: Contact | None, spec: ChannelSpec, reads: BatchReads
) -> Decision:
    if contact is None:
        return Decision("skip", "the contact was erased")
    unreachable = spec.unreachable(contact)
    if unreachable:
        return Decision("skip", unreachable)
    rules = reads.rules[message.installation_id]
    return decide(
        transactional=message.kind == Template.Kind.TRANSACTIONAL,
        consent=getattr(contact, spec.consent_field),
        suppressed=reads.suppression(message),
        recent_sends=reads.recent_sends(message, rules.cap(message.channel)[1]),
        time_zone=contact.time_zone,
        rules=rules,
        now=reads.now,
        channel=message.channel,
    )


def _current_address(message: Message, contact: Contact | None, spec: ChannelSpec) -> None:
    """An SMS goes to the contact's number as it is now (the consent belongs to it)."""
    if not spec.follows_contact or contact is None:
        return
    current = spec.address(contact)
    if current is not None and current != message.to_address:
        message.to_address = current
        Message.objects.filter(pk=message.pk).update(to_address=current)


def _prepare(message: Message, *, reads: BatchReads, app_url: str) -> Outcome | Ready:
    """Apply the rules to one claimed message: what became of it, or ``Ready`` with the
    context it goes out with (counted at once towards the contact's cap for the rest of the
    batch; ``reads.unsent`` takes it back if the hand-over fails)."""
    if not message.installation.is_active:  # queued as the shop uninstalled the app
        return Outcome(Status.CANCELLED, UNINSTALLED)
    try:
        spec = channel_spec(message.channel)
    except UnknownChannel as exc:
        return Outcome(Status.FAILED, exc.message)
    contact = message.contact
    _current_address(message, contact, spec)
    decision = _decision(message, contact, spec, reads)
    if decision.action == "skip":
        return Outcome(Status.SUPPRESSED, decision.reason)
    if decision.action == "defer":
        return Outcome(Status.DEFERRED, decision.reason, fields={"send_after": decision.until})
    assert contact is not None
    assert message.template_version is not None
    reads.sent(message)
    context = with_code_images(
        {**reads.contexts[contact.pk], **message.context},
        installation_id=message.installation_id,
        app_url=app_url,
    )
    return Ready(message, with_message_links(context, message.pk))


def _finish(message: Message, handed: Handed, reads: BatchReads) -> Outcome:
    """What the hand-over's answer makes of the message (written with the rest of its
    chunk)."""
    now = reads.now
    if isinstance(handed, Accepted):
        return Outcome(
            Status.SENT,
            detail=handed.detail,
            fields={
                "sent_at": now,
                "subject": handed.subject,
                "message_id": handed.message_id,
                "provider_id": handed.provider_id,
            },
        )
    reads.unsent(message)
    match handed:
        case Refused():
            return _refused(message, reads, handed)
        case OutcomeUnknown():
            return _unknown(message, now, handed.message)
        case RetryableError():
            return _retry(message, now, handed.message)
        case _:
            return Outcome(Status.FAILED, handed.message)


def _chunk_deliver(
    part: list[int],
    messages: dict[int, Message],
    *,
    reads: BatchReads,
    app_url: str,
    senders: SenderPool,
    taken: set[int],
    results: dict[int, Outcome],
) -> None:
    """Decide every message of the chunk, then hand the ready ones over per installation and
    channel (in parallel on a campaign's provider pool), then record their outcomes in
    ``results``."""
    groups: dict[tuple[int, str], list[Ready]] = {}
    for message_id in part:
        prepared = _prepare(messages[message_id], reads=reads, app_url=app_url)
        if isinstance(prepared, Outcome):
            results[message_id] = prepared
        else:
            groups.setdefault((prepared.message.installation_id, prepared.message.channel), [])
            groups[(prepared.message.installation_id, prepared.message.channel)].append(prepared)
    for (installation_id, channel), items in groups.items():
        spec = channel_spec(channel)
        done: dict[int, Handed] = {}
        try:
            lane = senders.lane(installation_id, spec, wanted=len(items))
        except RetryableError as exc:
            done = dict.fromkeys((ready.message.pk for ready in items), exc)
        else:
            prepare = getattr(lane.senders[0], "prepare", None)
            if prepare is not None:  # a text's links: the chunk's short links in one INSERT
                prepare([(ready.message, ready.context) for ready in items], reads.now)
            if lane.pace is None:  # one transport, its own throttle
                for ready in items:
                    taken.add(ready.message.pk)
                    senders.paced(installation_id, spec)
                    done[ready.message.pk] = hand_over_one(lane.senders[0], ready, reads.now)
                    results[ready.message.pk] = _finish(
                        ready.message, done[ready.message.pk], reads
                    )
                continue
            lane.pace.reserve(len(items))
            try:
                # A campaign to an ESP with a batch API: many messages per call (esp_batch).
                batched = senders.bulk and len(items) > 1 and batchable(lane)
                deliver = hand_over_batches if batched else hand_over_all
                deliver(items, lane, now=reads.now, taken=taken, done=done)
            finally:
                for ready in items:  # what was handed over is recorded, even after a fault
                    if ready.message.pk in done:
                        results[ready.message.pk] = _finish(
                            ready.message, done[ready.message.pk], reads
                        )
        for ready in items:
            if ready.message.pk not in results:
                results[ready.message.pk] = _finish(ready.message, done[ready.message.pk], reads)


def _claimed(ids: list[int]) -> dict[int, Message]:
    """The claimed messages in sending order with their contacts and installations, each
    template version read once per batch and shared by its messages (a broadcast's thousand
    rows do not each carry its HTML). On PostgreSQL messages and contacts are read by
    ``core.sql.model_select`` (one bound array each, no ``Model.__init__`` per row: a bulk
    batch's 500 messages and contacts through the ORM's join were a sixth of a sender's CPU)."""
    if connection.vendor == "postgresql":
        rows = model_select(
            Message, "id = ANY(%s)", [ids], suffix="ORDER BY installation_id, channel, id"
        )
        contacts = {
            contact.pk: contact
            for contact in model_select(
                Contact, "id = ANY(%s)", [list({m.contact_id for m in rows if m.contact_id})]
            )
        }
        shops = Installation.objects.defer("auth_token", "jwks").in_bulk(
            {m.installation_id for m in rows}
        )
        for message in rows:
            message.installation = shops[message.installation_id]
            message.contact = contacts.get(message.contact_id) if message.contact_id else None
        messages = {m.pk: m for m in rows}
    else:
        messages = {
            m.pk: m
            for m in Message.objects.select_related("contact", "installation")
            .defer("installation__auth_token", "installation__jwks")  # its status is read
            .filter(pk__in=ids)
            .order_by("installation_id", "channel", "pk")
        }
    versions = TemplateVersion.objects.select_related("template").in_bulk(
        {m.template_version_id for m in messages.values() if m.template_version_id}
    )
    for message in messages.values():
        if message.template_version_id:
            message.template_version = versions.get(message.template_version_id)
    return messages


def _release(message_ids: list[int], now: datetime) -> int:
    """Claimed by a batch that stopped before their turn: back to the queue at once, the
    claim not counted as an attempt (none was made). Their attempts recorded with their
    chunk's are removed: this process knows they never reached a provider."""
    MessageAttempt.objects.filter(
        message_id__in=message_ids, finished_at__isnull=True, outcome="started"
    ).delete()
    return Message.objects.filter(pk__in=message_ids, status=Status.SENDING).update(
        status=Status.QUEUED, send_after=now, attempts=F("attempts") - 1
    )


def _stop_paused_broadcasts(message_ids: list[int]) -> dict[int, str]:
    """Of a bulk batch's messages still to go, those whose broadcast was paused or cancelled
    since the claim: held (queued again at ``HELD_UNTIL``, for the resume to release) or
    cancelled, none handed over. The pause holds only what is queued; what a sender had
    claimed already is stopped here, at its next chunk. Their status by id."""
    stopped = dict(
        Message.objects.filter(
            pk__in=message_ids,
            status=Status.SENDING,
            broadcast=True,
            journey__status__in=("paused", "archived"),  # journeys.models.Journey.Status
        ).values_list("pk", "journey__status")
    )
    if not stopped:
        return {}
    held = [pk for pk, status in stopped.items() if status == "paused"]
    cancelled = [pk for pk, status in stopped.items() if status == "archived"]
    claim = {"attempts": F("attempts") - 1}  # the claim made no attempt
    Message.objects.filter(pk__in=held, status=Status.SENDING).update(
        status=Status.QUEUED, send_after=HELD_UNTIL, **claim
    )
    Message.objects.filter(pk__in=cancelled, status=Status.SENDING).update(
        status=Status.CANCELLED, status_reason=BROADCAST_CANCELLED, **claim
    )
    return {pk: "held" for pk in held} | {pk: Status.CANCELLED.value for pk in cancelled}


def _refused(message: Message, reads: BatchReads, exc: Refused) -> Outcome:
    if exc.suppress:
        suppression_add(
            installation_id=message.installation_id,
            address=message.to_address,
            reason=Suppression.Reason.BOUNCE,
            detail=exc.message,
            now=reads.now,
        )
        reads.suppress(message, Suppression.Reason.BOUNCE)
    return Outcome(exc.status, exc.message)


def _unknown(message: Message, now: datetime, reason: str) -> Outcome:
    """Sent, perhaps: like a lost worker, never again unless the message allows it."""
    if message.allow_retry_when_unknown:
        return _retry(message, now, reason)
    return Outcome(Status.UNKNOWN, reason)


def _retry(message: Message, now: datetime, reason: str) -> Outcome:
    if message.attempts >= MAX_ATTEMPTS:
        return Outcome(Status.FAILED, reason)
    return Outcome(
        Status.QUEUED,
        reason,
        fields={"send_after": now + RETRY_BASE * 2 ** (message.attempts - 1)},
    )


def messages_send_due(
    *,
    now: datetime,
    app_url: str,
    default_from: str,
    allow_private: bool = False,
    limit: int = 100,
    chunk: int = 1,
    broadcast: bool | None = None,
    per_connection: int = 100,
    pool: PoolDefaults | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    twilio_http_client: Any = None,
    outcomes: dict[int, str] | None = None,
) -> dict[str, int]:
    """Claim and send a batch: per installation and channel over its provider's
    connections (``per_connection`` messages each; a broadcast's on as many parallel
    connections as its email provider's pool grants, ``lanes.py``), never faster than the
    provider's rate (``pool.py``: ``clock`` and ``sleep`` pace it); counts per outcome (and each
    message's status in ``outcomes``, when given: the coordinator logs them on their steps).

    The batch is read once (``BatchReads``) and handed over ``chunk`` messages at a time:
    the chunk's attempts are recorded in one statement before its first hand-over, its
    outcomes in two after its last. A worker lost mid-chunk leaves the chunk's messages in
    doubt (``messages_recover``: unknown, never sent again unless transactional) and the rest
    of the batch untouched (requeued). Real-time messages go one per chunk, a broadcast's in
    chunks (``broadcast``: only those, or only the others; None: both)."""
    counts: dict[str, int] = {}
    ids = messages_claim(now=now, limit=limit, broadcast=broadcast)
    if not ids:
        return counts
    senders = SenderPool(
        Opening(
            app_url=app_url,
            default_from=default_from,
            allow_private=allow_private,
            now=now,
            twilio_http_client=twilio_http_client,
            per_connection=per_connection,
            pool=pool or PoolDefaults(),
        ),
        sleep=sleep,
        clock=clock,
        bulk=bool(broadcast),
    )
    messages = _claimed(ids)
    ordered = list(messages)
    size = max(chunk, 1)
    finished: set[int] = set()  # outcome known (written, or stopped by a pause)
    taken: set[int] = set()  # given to a transport: in doubt until its outcome is known
    try:
        reads = BatchReads(list(messages.values()), now=now, app_url=app_url)
        for first in range(0, len(ordered), size):
            part = ordered[first : first + size]
            if broadcast:
                stopped = _stop_paused_broadcasts(part)
                finished.update(stopped)
                for message_id, status in stopped.items():
                    counts[status] = counts.get(status, 0) + 1
                    if outcomes is not None:
                        outcomes[message_id] = status
                part = [pk for pk in part if pk not in stopped]
                if not part:
                    continue
            attempts_start(part, now=now)
            results: dict[int, Outcome] = {}
            try:
                _chunk_deliver(
                    part,
                    messages,
                    reads=reads,
                    app_url=app_url,
                    senders=senders,
                    taken=taken,
                    results=results,
                )
            finally:
                # What was handed over is recorded even when a fault of no named kind ends
                # the chunk (the messages in hand stay in doubt for ``messages_recover``).
                outcomes_write(messages, results, now=now)
                finished.update(results)
            senders.settle()
            for message_id, outcome in results.items():
                counts[outcome.status] = counts.get(outcome.status, 0) + 1
                if outcomes is not None:
                    outcomes[message_id] = outcome.status
    finally:
        senders.close()
        # Only a fault of no named kind (a bug, the database gone) ends the batch early: it
        # propagates to be seen, and the messages no transport was given go back to the
        # queue now rather than after ``STUCK_AFTER`` (this process knows they never left).
        unsent = [pk for pk in ordered if pk not in finished and pk not in taken]
        if unsent:
            _release(unsent, now)
    return counts
