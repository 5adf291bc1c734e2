"""Queueing and sending messages (email, SMS, web push) through the outbox, at most once.

``message_enqueue`` writes one row per cause (its dedupe key) for a template of any channel;
``messages_claim`` takes due rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks them
``sending`` in a transaction of its own, committed before any network I/O; ``message_deliver``
then applies the sending rules of the message's channel (its consent, suppression, the
frequency cap counted per channel, quiet hours), renders, hands it to the channel's transport
(``EmailSender`` here, ``sms.SmsSender``, ``push.PushSender``) and records the outcome. A
worker that dies after the provider accepted a message leaves it ``sending``:
``messages_recover`` marks such rows ``unknown``, and an unknown marketing message is never
sent again; a transport that sent a request and got no answer says so (``OutcomeUnknown``)
with the same effect.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import MautomationError, PermanentError, RetryableError
from saleor_mautomation.messages.context import recipient_context
from saleor_mautomation.messages.models import (
    Message,
    MessageAttempt,
    Suppression,
    Template,
)
from saleor_mautomation.messages.outbox import has_push_subscription
from saleor_mautomation.messages.providers import (
    Accepted,
    EmailSender,
    OutcomeUnknown,
    Refused,
    provider_for,
)
from saleor_mautomation.messages.providers import build_mail as build_mail
from saleor_mautomation.messages.providers import template_test_send as template_test_send
from saleor_mautomation.messages.push import push_sender_for, vapid_subject_default
from saleor_mautomation.messages.rules import Decision, Rules, decide
from saleor_mautomation.messages.services import rules_of, suppression_add
from saleor_mautomation.messages.sms import sms_sender_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=2)
STUCK_AFTER = timedelta(minutes=10)
Status = Message.Status
Channel = Template.Channel
CONSENT_FIELDS: dict[str, str] = {
    Channel.EMAIL: "email_consent",
    Channel.SMS: "sms_consent",
    Channel.PUSH: "push_consent",
}


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


def messages_recover(*, now: datetime) -> int:
    """Claimed long ago and never finished: the worker died. A message it never started
    (no unfinished attempt: the attempt is recorded before the hand-over) goes back to the
    queue. One it had started may have been accepted by the provider: unknown then, and only
    messages that allow it (transactional) go out again."""
    stuck = Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER)
    started = MessageAttempt.objects.filter(message=OuterRef("pk"), finished_at__isnull=True)
    with transaction.atomic():
        untouched = stuck.exclude(Exists(started)).update(status=Status.QUEUED, send_after=now)
        lost = list(stuck.values_list("pk", flat=True))
        MessageAttempt.objects.filter(message_id__in=lost, finished_at__isnull=True).update(
            finished_at=now, outcome="unknown", detail="worker lost during the send"
        )
        lost_messages = Message.objects.filter(pk__in=lost)
        retried = lost_messages.filter(allow_retry_when_unknown=True).update(
            status=Status.QUEUED, send_after=now
        )
        unknown = lost_messages.filter(status=Status.SENDING).update(
            status=Status.UNKNOWN, status_reason="worker lost during the send"
        )
    return untouched + retried + unknown


def _unreachable(message: Message, contact: Contact) -> str:
    """Why the contact cannot get a message of this channel at all ("" if it can)."""
    if message.channel == Channel.SMS and not contact.phone:
        return "the contact has no phone number"
    if message.channel == Channel.PUSH and not has_push_subscription(contact):
        return "the contact has no active push subscription"
    return ""


def _decision(message: Message, contact: Contact | None, rules: Rules, now: datetime) -> Decision:
    if contact is None:
        return Decision("skip", "the contact was erased")
    unreachable = _unreachable(message, contact)
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
        consent=getattr(contact, CONSENT_FIELDS.get(message.channel, "email_consent")),
        suppressed=suppressed,
        recent_sends=[moment for moment in recent if moment is not None],
        time_zone=contact.time_zone,
        rules=rules,
        now=now,
        channel=message.channel,
    )


class Sender(Protocol):
    """A channel's transport for one installation, open for one batch."""

    interval: float  # seconds to leave between two hand-overs (the provider's throttle)

    def hand_over(self, message: Message, context: dict[str, Any], now: datetime) -> Accepted:
        """Render and hand the message over. Raises ``Refused`` (for good),
        ``RetryableError`` (later) or ``OutcomeUnknown`` (it may have gone)."""
        ...

    def close(self) -> None: ...


class SenderPool:
    """The transports of one batch, opened on first need per installation and channel (a
    message its rules skip needs none), each throttled to its provider's pace.

    ``twilio_http_client`` replaces the HTTP client of Twilio's SDK (tests point it at a
    stand-in of Twilio's API)."""

    def __init__(
        self,
        *,
        app_url: str,
        default_from: str,
        allow_private: bool,
        now: datetime,
        sleep: Callable[[float], None],
        twilio_http_client: Any = None,
    ) -> None:
        self.app_url, self.default_from = app_url, default_from
        self.allow_private, self.now, self.sleep = allow_private, now, sleep
        self.twilio_http_client = twilio_http_client
        self._open: dict[tuple[int, str], Sender | MautomationError] = {}
        self._used: set[tuple[int, str]] = set()

    def _make(self, installation_id: int, channel: str) -> Sender:
        if channel == Channel.SMS:
            return sms_sender_for(
                installation_id, app_url=self.app_url, http_client=self.twilio_http_client
            )
        if channel == Channel.PUSH:
            return push_sender_for(
                installation_id,
                subject=vapid_subject_default(self.app_url, self.default_from),
                allow_private=self.allow_private,
                app_url=self.app_url,
                now=self.now,
            )
        return EmailSender(
            provider_for(installation_id, allow_private=self.allow_private),
            installation_id=installation_id,
            app_url=self.app_url,
            default_from=self.default_from,
        )

    def get(self, installation_id: int, channel: str) -> Sender:
        """The transport, after the pause its throttle wants; ``RetryableError`` when it
        cannot be opened (not set up, unreachable): its messages are retried later."""
        key = (installation_id, channel)
        if key not in self._open:
            try:
                self._open[key] = self._make(installation_id, channel)
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
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(**fields)
    MessageAttempt.objects.filter(message=message, finished_at__isnull=True).update(
        finished_at=now,
        outcome=fields.get("status", ""),
        detail=fields.get("status_reason", "") if detail is None else detail,
    )


def _current_address(message: Message, contact: Contact | None) -> None:
    """An SMS goes to the contact's number as it is now (the consent belongs to it)."""
    if (
        message.channel == Channel.SMS
        and contact is not None
        and contact.phone
        and contact.phone != message.to_address
    ):
        message.to_address = contact.phone
        Message.objects.filter(pk=message.pk).update(to_address=contact.phone)


def message_deliver(*, message_id: int, now: datetime, app_url: str, senders: SenderPool) -> str:
    """Send one claimed message through its channel's transport; returns its new status."""
    message = Message.objects.select_related("template_version__template", "contact").get(
        pk=message_id
    )
    if message.status != Status.SENDING:
        return str(message.status)
    MessageAttempt.objects.create(message=message, started_at=now, outcome="started")
    contact = message.contact
    _current_address(message, contact)
    rules, _ = rules_of(message.installation_id)
    decision = _decision(message, contact, rules, now)
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
    context = {
        **recipient_context(contact=contact, app_url=app_url, now=now),
        **message.context,
    }
    try:
        sender = senders.get(message.installation_id, message.channel)
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
    return Status.SENT


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
) -> dict[str, int]:
    """Claim and send a batch: per installation and channel over its own provider
    connection, at most as fast as its throttle allows; counts per outcome."""
    counts: dict[str, int] = {}
    ids = messages_claim(now=now, limit=limit)
    senders = SenderPool(
        app_url=app_url,
        default_from=default_from,
        allow_private=allow_private,
        now=now,
        sleep=sleep,
        twilio_http_client=twilio_http_client,
    )
    try:
        for message_id in (
            Message.objects.filter(pk__in=ids)
            .order_by("installation_id", "channel", "pk")
            .values_list("pk", flat=True)
        ):
            status = message_deliver(
                message_id=message_id, now=now, app_url=app_url, senders=senders
            )
            counts[status] = counts.get(status, 0) + 1
    finally:
        senders.close()
    return counts
