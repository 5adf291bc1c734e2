"""Queueing and sending email through the outbox, at most once.

``message_enqueue`` writes one row per cause (its dedupe key); ``messages_claim`` takes due
rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks them ``sending`` in a transaction of
its own, committed before any network I/O; ``message_deliver`` then applies the sending rules,
renders, builds the MIME message and hands it to the provider, and records the outcome. A
worker that dies after the provider accepted a message leaves it ``sending``:
``messages_recover`` marks such rows ``unknown``, and an unknown marketing message is never
sent again.

The MIME message is written directly (``mime.py``), not with Django's ``EmailMessage`` or the
standard library's policy machinery (milliseconds per 25 KB mail here). Over SMTP the bytes
go straight to the connection; any other Django email backend (console, locmem,
django-anymail's ESPs) gets an ``EmailMultiAlternatives``.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import transaction
from django.db.models import F

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.messages.context import recipient_context, shop_of
from saleor_mautomation.messages.mime import Mail, encode_address, mime_bytes
from saleor_mautomation.messages.models import (
    Message,
    MessageAttempt,
    SendingRules,
    Suppression,
    Template,
)
from saleor_mautomation.messages.providers import provider_for
from saleor_mautomation.messages.rendering import Compiled, RenderFailed, render
from saleor_mautomation.messages.rules import Decision, Rules, decide, next_hour
from saleor_mautomation.messages.services import suppression_add, template_current
from saleor_mautomation.messages.tracking import tracked_html
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=2)
STUCK_AFTER = timedelta(minutes=10)
Status = Message.Status


def message_enqueue(
    *,
    contact: Contact,
    template: Template,
    dedupe_key: str,
    now: datetime,
    context: dict[str, Any] | None = None,
    at_best_hour: bool = False,
) -> Message | None:
    """Queue a message for the contact (in its language); the existing row if this cause
    was queued before; None when the contact has no address or the template no content."""
    if not contact.email:
        return None
    version = template_current(template, (contact.language_code or "")[:2].lower())
    if version is None:
        return None
    send_after = now
    if at_best_hour and contact.best_send_hour is not None:
        send_after = next_hour(now, time_zone=contact.time_zone, hour=contact.best_send_hour)
    message, _ = Message.objects.get_or_create(
        installation_id=contact.installation_id,
        dedupe_key=dedupe_key,
        defaults={
            "contact": contact,
            "kind": template.kind,
            "template_version": version,
            "to_address": contact.email,
            "context": context or {},
            "send_after": send_after,
            "created_at": now,
            "allow_retry_when_unknown": template.kind == Template.Kind.TRANSACTIONAL,
        },
    )
    return message


DOUBLE_OPT_IN = "double-opt-in"


def double_opt_in_request(*, contact: Contact, now: datetime) -> Message | None:
    """Queue the confirmation of a pending subscription: at most one per contact and hour,
    however often the form is sent (a sign-up form must not become a mail cannon)."""
    template = Template.objects.filter(
        installation_id=contact.installation_id, key=DOUBLE_OPT_IN
    ).first()
    if template is None:
        logger.warning("Installation %s has no %s template", contact.installation_id, DOUBLE_OPT_IN)
        return None
    return message_enqueue(
        contact=contact,
        template=template,
        dedupe_key=f"{DOUBLE_OPT_IN}:{contact.pk}:{now:%Y%m%d%H}",
        now=now,
    )


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
    """Claimed long ago and never finished: the worker died, perhaps after the provider
    accepted. Unknown then; only messages that allow it (transactional) go out again."""
    stuck = Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER)
    retried = stuck.filter(allow_retry_when_unknown=True).update(
        status=Status.QUEUED, send_after=now
    )
    unknown = stuck.update(status=Status.UNKNOWN, status_reason="worker lost during the send")
    return retried + unknown


def rules_of(installation_id: int) -> tuple[Rules, SendingRules]:
    stored, _ = SendingRules.objects.get_or_create(installation_id=installation_id)
    return (
        Rules(
            cap_count=stored.cap_count,
            cap_hours=stored.cap_hours,
            quiet_start_hour=stored.quiet_start_hour,
            quiet_end_hour=stored.quiet_end_hour,
            quiet_action="skip" if stored.quiet_action == "skip" else "defer",
        ),
        stored,
    )


def _decision(message: Message, contact: Contact | None, rules: Rules, now: datetime) -> Decision:
    if contact is None:
        return Decision("skip", "the contact was erased")
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
            channel="email",
            kind=Template.Kind.MARKETING,
            sent_at__gte=now - timedelta(hours=rules.cap_hours),
        )
        .exclude(pk=message.pk)
        .values_list("sent_at", flat=True)
    )
    return decide(
        transactional=message.kind == Template.Kind.TRANSACTIONAL,
        consent=contact.email_consent,
        suppressed=suppressed,
        recent_sends=[moment for moment in recent if moment is not None],
        time_zone=contact.time_zone,
        rules=rules,
        now=now,
    )


def message_id_header(message: Message, app_url: str) -> str:
    """Deterministic: a retry of the same message carries the same Message-ID, so a
    provider or a mailbox can recognise a duplicate."""
    host = urlsplit(app_url).hostname or "localhost"
    digest = hashlib.sha256(f"{message.installation_id}:{message.dedupe_key}".encode()).hexdigest()
    return f"<m{message.pk}.{digest[:16]}@{host}>"


def build_mail(
    *,
    message: Message,
    sender: str,
    reply_to: str,
    subject: str,
    html: str,
    text: str,
    unsubscribe_url: str,
    list_id: str,
    message_id: str,
    now: datetime,
) -> Mail:
    headers = [
        ("From", sender),
        ("To", message.to_address),
        ("Subject", subject),
        ("Date", format_datetime(now)),
        ("Message-ID", message_id),
    ]
    if reply_to:
        headers.append(("Reply-To", reply_to))
    if message.kind == Template.Kind.MARKETING:
        # RFC 8058: mailbox providers unsubscribe with one POST, no further step.
        headers.append(("List-Unsubscribe", f"<{unsubscribe_url}>"))
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    headers.append(("List-Id", list_id))
    return Mail(headers=headers, text=text, html=html)


def _transmit(mail: Mail, sender: str, to: str, backend: Any) -> str:
    """Hand over the message; returns the provider's id when it gives one."""
    if isinstance(backend, SmtpBackend):
        if backend.connection is None:
            backend.open()
        assert backend.connection is not None
        backend.connection.sendmail(parseaddr(sender)[1], [to], mime_bytes(mail))
        return ""
    email = EmailMultiAlternatives(
        subject=mail.header("Subject") or "",
        body=mail.text,
        from_email=sender,
        to=[to],
        headers={
            name: value
            for name, value in mail.headers
            if name in {"Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"}
        },
        connection=backend,
    )
    email.attach_alternative(mail.html, "text/html")
    email.send()
    status = getattr(email, "anymail_status", None)  # set by django-anymail's backends
    return str(getattr(status, "message_id", None) or "")


def template_test_send(
    *,
    template: Template,
    language: str,
    to: str,
    context: dict[str, Any],
    app_url: str,
    default_from: str,
    backend: Any,
    now: datetime,
) -> str:
    """Send a version, rendered with ``context``, to an admin's address now: the same
    rendering and headers as a real send, outside the outbox (it counts for no contact)."""
    version = template_current(template, language)
    if version is None:
        raise PermanentError("The template has no version in that language", code="empty")
    encode_address(to)  # refuses anything that is not one address
    rendered = render(
        Compiled(version.subject, version.preheader, version.html, version.text), context
    )
    _, stored = rules_of(template.installation_id)
    sender = stored.from_email or default_from
    message = Message(
        pk=0,
        installation_id=template.installation_id,
        dedupe_key=f"test:{now.isoformat()}:{to}",
        kind=template.kind,
        to_address=to,
    )
    mail = build_mail(
        message=message,
        sender=sender,
        reply_to=stored.reply_to,
        subject=f"[Test] {rendered.subject}",
        html=rendered.html,
        text=rendered.text,
        unsubscribe_url=context["links"]["unsubscribe"],
        list_id=f"Test <i{template.installation_id}.{urlsplit(app_url).hostname or 'localhost'}>",
        message_id=message_id_header(message, app_url),
        now=now,
    )
    try:
        _transmit(mail, sender, to, backend)
    except (OSError, smtplib.SMTPException) as exc:
        raise PermanentError(
            f"The mail server refused the test: {exc}", code="send_failed"
        ) from exc
    return mail.header("Message-ID") or ""


def _finish(message: Message, now: datetime, **fields: Any) -> None:
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(**fields)
    MessageAttempt.objects.filter(message=message, finished_at__isnull=True).update(
        finished_at=now, outcome=fields.get("status", ""), detail=fields.get("status_reason", "")
    )


def message_deliver(
    *, message_id: int, now: datetime, app_url: str, default_from: str, backend: Any
) -> str:
    """Send one claimed message; returns its new status."""
    message = Message.objects.select_related("template_version__template", "contact").get(
        pk=message_id
    )
    if message.status != Status.SENDING:
        return str(message.status)
    MessageAttempt.objects.create(message=message, started_at=now, outcome="started")
    contact = message.contact
    rules, stored = rules_of(message.installation_id)
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
    version = message.template_version
    context = {
        **recipient_context(contact=contact, app_url=app_url, now=now),
        **message.context,
    }
    try:
        rendered = render(
            Compiled(version.subject, version.preheader, version.html, version.text), context
        )
    except RenderFailed as exc:
        _finish(message, now, status=Status.FAILED, status_reason=str(exc))
        return Status.FAILED
    installation = Installation.objects.get(pk=message.installation_id)
    shop = shop_of(installation)
    html = tracked_html(
        rendered.html,
        message_id=message.pk,
        app_url=app_url,
        shop_origin=shop["url"],
        utm={
            "utm_source": "mautomation",
            "utm_medium": "email",
            "utm_campaign": version.template.key,
        },
        skip_prefixes=(f"{app_url}/u/", f"{app_url}/p/"),
    )
    sender = stored.from_email or default_from
    list_host = urlsplit(app_url).hostname or "localhost"
    mail = build_mail(
        message=message,
        sender=sender,
        reply_to=stored.reply_to,
        subject=rendered.subject,
        html=html,
        text=rendered.text,
        unsubscribe_url=context["links"]["unsubscribe"],
        list_id=f"{shop['name']} <i{installation.pk}.{list_host}>",
        message_id=message_id_header(message, app_url),
        now=now,
    )
    try:
        provider_id = _transmit(mail, sender, message.to_address, backend)
    except smtplib.SMTPRecipientsRefused as exc:
        return _refused(message, now, exc)
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            _finish(message, now, status=Status.FAILED, status_reason=f"{exc.smtp_code} {exc}")
            return Status.FAILED
        return _retry(message, now, f"{exc.smtp_code} {exc}")
    except (OSError, smtplib.SMTPException) as exc:
        return _retry(message, now, f"{exc.__class__.__name__}: {exc}")
    _finish(
        message,
        now,
        status=Status.SENT,
        sent_at=now,
        subject=rendered.subject[:300],
        message_id=mail.header("Message-ID") or "",
        provider_id=provider_id,
        status_reason="",
    )
    return Status.SENT


def _refused(message: Message, now: datetime, exc: smtplib.SMTPRecipientsRefused) -> str:
    code, reason = next(iter(exc.recipients.values()), (0, b""))
    detail = f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
    if 500 <= code < 600:
        # A hard bounce at the door: no marketing message goes to this address again.
        suppression_add(
            installation_id=message.installation_id,
            address=message.to_address,
            reason=Suppression.Reason.BOUNCE,
            detail=detail,
            now=now,
        )
        _finish(message, now, status=Status.BOUNCED, status_reason=detail)
        return Status.BOUNCED
    return _retry(message, now, detail)


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
) -> dict[str, int]:
    """Claim and send a batch: per installation over its own provider connection, at most
    as fast as its throttle allows; counts per outcome."""
    counts: dict[str, int] = {}
    ids = messages_claim(now=now, limit=limit)
    by_installation: dict[int, list[int]] = {}
    for message_id, installation_id in (
        Message.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "installation_id")
    ):
        by_installation.setdefault(installation_id, []).append(message_id)
    for installation_id, message_ids in by_installation.items():
        try:
            provider = provider_for(installation_id, allow_private=allow_private)
        except (PermanentError, RetryableError) as exc:
            for message_id in message_ids:
                status = _retry(Message.objects.get(pk=message_id), now, exc.message)
                counts[status] = counts.get(status, 0) + 1
            continue
        try:
            for index, message_id in enumerate(message_ids):
                if index and provider.interval:
                    sleep(provider.interval)
                status = message_deliver(
                    message_id=message_id,
                    now=now,
                    app_url=app_url,
                    default_from=default_from,
                    backend=provider.backend,
                )
                counts[status] = counts.get(status, 0) + 1
        finally:
            provider.backend.close()
    return counts
