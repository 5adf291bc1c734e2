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
from datetime import datetime, timedelta
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.db.models import Exists, F, OuterRef

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import MautomationError, PermanentError, RetryableError
from saleor_mautomation.messages.channels import (
    ChannelSpec,
    Opening,
    Sender,
    UnknownChannel,
    channel_spec,
)
from saleor_mautomation.messages.context import recipient_context
from saleor_mautomation.messages.funnel import message_sent_tally, with_message_links
from saleor_mautomation.messages.models import (
    Message,
    MessageAttempt,
    Suppression,
    Template,
)
from saleor_mautomation.messages.providers import OutcomeUnknown, Refused
from saleor_mautomation.messages.providers import build_mail as build_mail
from saleor_mautomation.messages.providers import template_test_send as template_test_send
from saleor_mautomation.messages.rules import Decision, Rules, decide
from saleor_mautomation.messages.services import rules_of, suppression_add

logger = logging.getLogger(__name__)

# Claims of one message before it fails for good (a constant, not a setting: the backoff
# below spreads five tries over half an hour, which suits every provider we talk to).
MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=2)
STUCK_AFTER = timedelta(minutes=10)
UNINSTALLED = "the shop uninstalled the app"
Status = Message.Status


def messages_claim(*, now: datetime, limit: int) -> list[int]:
    """Take due messages for this worker: ``sending`` is committed before any I/O."""
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status__in=[Status.QUEUED, Status.DEFERRED], send_after__lte=now)
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
    message: Message, contact: Contact | None, spec: ChannelSpec, rules: Rules, now: datetime
) -> Decision:
    if contact is None:
        return Decision("skip", "the contact was erased")
    unreachable = spec.unreachable(contact)
    if unreachable:
        return Decision("skip", unreachable)
    suppressed = (
        Suppression.objects.filter(
            installation_id=message.installation_id, address=message.to_address.lower()
        )
        .values_list("reason", flat=True)
        .first()
    )
    recent = list(
        Message.objects.filter(
            contact=contact,
            channel=message.channel,
            kind=Template.Kind.MARKETING,
            sent_at__gte=now - timedelta(hours=rules.cap(message.channel)[1]),
        )
        .exclude(pk=message.pk)
        .values_list("sent_at", flat=True)
    )
    return decide(
        transactional=message.kind == Template.Kind.TRANSACTIONAL,
        consent=getattr(contact, spec.consent_field),
        suppressed=suppressed,
        recent_sends=[moment for moment in recent if moment is not None],
        time_zone=contact.time_zone,
        rules=rules,
        now=now,
        channel=message.channel,
    )


class SenderPool:
    """The transports of one batch, opened on first need per installation and channel (a
    message its rules skip needs none), each throttled to its provider's pace."""

    def __init__(self, opening: Opening, *, sleep: Callable[[float], None]) -> None:
        self.opening, self.sleep = opening, sleep
        self._open: dict[tuple[int, str], Sender | MautomationError] = {}
        self._used: set[tuple[int, str]] = set()

    def get(self, installation_id: int, spec: ChannelSpec) -> Sender:
        """The transport, after the pause its throttle wants; ``RetryableError`` when it
        cannot be opened (not set up, unreachable): its messages are retried later."""
        key = (installation_id, spec.channel)
        if key not in self._open:
            try:
                self._open[key] = spec.open_sender(installation_id, self.opening)
            except (PermanentError, RetryableError) as exc:
                self._open[key] = exc
        sender = self._open[key]
        if isinstance(sender, MautomationError):
            raise RetryableError(sender.message)
        if key in self._used and sender.interval:
            self.sleep(sender.interval)
        self._used.add(key)
        return sender

    def close(self) -> None:
        for sender in self._open.values():
            if not isinstance(sender, MautomationError):
                sender.close()


def _finish(message: Message, now: datetime, *, detail: str | None = None, **fields: Any) -> None:
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=Status.SENDING).update(**fields)
        if updated and fields.get("status") == Status.SENT:
            message_sent_tally(message, at=now)
        MessageAttempt.objects.filter(message=message, finished_at__isnull=True).update(
            finished_at=now,
            outcome=fields.get("status", ""),
            detail=fields.get("status_reason", "") if detail is None else detail,
        )


def _current_address(message: Message, contact: Contact | None, spec: ChannelSpec) -> None:
    """An SMS goes to the contact's number as it is now (the consent belongs to it)."""
    if not spec.follows_contact or contact is None:
        return
    current = spec.address(contact)
    if current is not None and current != message.to_address:
        message.to_address = current
        Message.objects.filter(pk=message.pk).update(to_address=current)


def message_deliver(*, message_id: int, now: datetime, app_url: str, senders: SenderPool) -> str:
    """Send one claimed message through its channel's transport; returns its new status."""
    message = (
        Message.objects.select_related("template_version__template", "contact", "installation")
        .defer("installation__auth_token", "installation__jwks")  # its status is what is read
        .get(pk=message_id)
    )
    if message.status != Status.SENDING:
        return str(message.status)
    MessageAttempt.objects.create(message=message, started_at=now, outcome="started")
    if not message.installation.is_active:  # queued as the shop uninstalled the app
        _finish(message, now, status=Status.CANCELLED, status_reason=UNINSTALLED)
        return Status.CANCELLED
    try:
        spec = channel_spec(message.channel)
    except UnknownChannel as exc:
        _finish(message, now, status=Status.FAILED, status_reason=exc.message)
        return Status.FAILED
    contact = message.contact
    _current_address(message, contact, spec)
    rules, _ = rules_of(message.installation_id)
    decision = _decision(message, contact, spec, rules, now)
    if decision.action == "skip":
        _finish(message, now, status=Status.SUPPRESSED, status_reason=decision.reason)
        return Status.SUPPRESSED
    if decision.action == "defer":
        _finish(
            message,
            now,
            status=Status.DEFERRED,
            status_reason=decision.reason,
            send_after=decision.until,
        )
        return Status.DEFERRED
    assert contact is not None
    assert message.template_version is not None
    context = with_message_links(
        {**recipient_context(contact=contact, app_url=app_url, now=now), **message.context},
        message.pk,
    )
    try:
        sender = senders.get(message.installation_id, spec)
        accepted = sender.hand_over(message, context, now)
    except Refused as exc:
        return _refused(message, now, exc)
    except OutcomeUnknown as exc:
        return _unknown(message, now, exc.message)
    except RetryableError as exc:
        return _retry(message, now, exc.message)
    except PermanentError as exc:
        _finish(message, now, status=Status.FAILED, status_reason=exc.message)
        return Status.FAILED
    try:
        _finish(
            message,
            now,
            status=Status.SENT,
            sent_at=now,
            subject=accepted.subject,
            message_id=accepted.message_id,
            provider_id=accepted.provider_id,
            status_reason="",
            detail=accepted.detail,
        )
    except DataError as exc:
        # The provider took it, the database refuses what we would keep of it (a rendered
        # subject with a NUL character): sent all the same, so it counts and never repeats.
        reason = f"sent; the database refused its details: {exc}"[:2000]
        _finish(message, now, status=Status.SENT, sent_at=now, status_reason=reason)
    return Status.SENT


def _refused_by_database(message_id: int, now: datetime, exc: DataError | IntegrityError) -> str:
    """The database refused a value of this message before its hand-over (a character
    PostgreSQL cannot store, a value longer than its column; after an accepted hand-over
    ``message_deliver`` records it sent): the same would happen on every try, so it fails
    alone. The sender runs in autocommit (it talks to providers outside any transaction):
    the refused statement rolled back alone, and this update is a statement of its own."""
    reason = f"the database refused the message: {exc}"[:2000]
    Message.objects.filter(pk=message_id, status=Status.SENDING).update(
        status=Status.FAILED, status_reason=reason
    )
    MessageAttempt.objects.filter(message_id=message_id, finished_at__isnull=True).update(
        finished_at=now, outcome=Status.FAILED, detail=reason
    )
    return Status.FAILED


def _release(message_ids: list[int], now: datetime) -> int:
    """Claimed by a batch that stopped before their turn: back to the queue at once, the
    claim not counted as an attempt (none was made)."""
    started = MessageAttempt.objects.filter(message=OuterRef("pk"), finished_at__isnull=True)
    return (
        Message.objects.filter(pk__in=message_ids, status=Status.SENDING)
        .exclude(Exists(started))
        .update(status=Status.QUEUED, send_after=now, attempts=F("attempts") - 1)
    )


def _refused(message: Message, now: datetime, exc: Refused) -> str:
    if exc.suppress:
        suppression_add(
            installation_id=message.installation_id,
            address=message.to_address,
            reason=Suppression.Reason.BOUNCE,
            detail=exc.message,
            now=now,
        )
    _finish(message, now, status=exc.status, status_reason=exc.message)
    return exc.status


def _unknown(message: Message, now: datetime, reason: str) -> str:
    """Sent, perhaps: like a lost worker, never again unless the message allows it."""
    if message.allow_retry_when_unknown:
        return _retry(message, now, reason)
    _finish(message, now, status=Status.UNKNOWN, status_reason=reason)
    return Status.UNKNOWN


def _retry(message: Message, now: datetime, reason: str) -> str:
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, now, status=Status.FAILED, status_reason=reason)
        return Status.FAILED
    _finish(
        message,
        now,
        status=Status.QUEUED,
        status_reason=reason,
        send_after=now + RETRY_BASE * 2 ** (message.attempts - 1),
    )
    return Status.QUEUED


def messages_send_due(
    *,
    now: datetime,
    app_url: str,
    default_from: str,
    allow_private: bool = False,
    limit: int = 100,
    sleep: Callable[[float], None] = time.sleep,
    twilio_http_client: Any = None,
    outcomes: dict[int, str] | None = None,
) -> dict[str, int]:
    """Claim and send a batch: per installation and channel over its own provider
    connection, at most as fast as its throttle allows; counts per outcome (and each
    message's status in ``outcomes``, when given: the coordinator logs them on their steps)."""
    counts: dict[str, int] = {}
    ids = messages_claim(now=now, limit=limit)
    senders = SenderPool(
        Opening(
            app_url=app_url,
            default_from=default_from,
            allow_private=allow_private,
            now=now,
            twilio_http_client=twilio_http_client,
        ),
        sleep=sleep,
    )
    ordered = list(
        Message.objects.filter(pk__in=ids)
        .order_by("installation_id", "channel", "pk")
        .values_list("pk", flat=True)
    )
    done = 0
    try:
        for message_id in ordered:
            try:
                status = message_deliver(
                    message_id=message_id, now=now, app_url=app_url, senders=senders
                )
            except (DataError, IntegrityError) as exc:
                status = _refused_by_database(message_id, now, exc)
            counts[status] = counts.get(status, 0) + 1
            if outcomes is not None:
                outcomes[message_id] = status
            done += 1
    finally:
        senders.close()
        # Only a fault of no named kind (a bug, the database gone) ends the batch early: it
        # propagates to be seen, the rest of the batch goes back to the queue now rather than
        # after ``STUCK_AFTER``, and the message in hand is left to ``messages_recover`` as a
        # lost send (it may have reached the provider).
        if done < len(ordered):
            _release(ordered[done:], now)
    return counts
