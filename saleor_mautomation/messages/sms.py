"""SMS through Twilio: the installation's account, the outbox's transport, and what comes back.

Sending uses Twilio's own client (``twilio.rest.Client``) with the installation's credentials
(``SmsProvider``, the auth token encrypted at rest). What Twilio answers decides the outbox
status on purpose: an invalid or non-mobile number is a bounce (the number is suppressed), a
recipient who texted STOP (21610) loses their SMS consent, throttling (429), Twilio's own
faults (5xx), bad credentials and a connection that never opened are retried with the
outbox's backoff, and a request that went out without an answer is ``unknown`` (at most once).

Twilio reports back through two webhooks, both signed with the account's auth token
(``X-Twilio-Signature``, checked with twilio's ``RequestValidator``): the status callback
of each message (delivered, undelivered, failed) and incoming texts, where the carrier-wide
keywords STOP and START withdraw and grant SMS consent.

The body is personalised by the same sandboxed Jinja2 environment as email's plain-text part
(``rendering.render``), its links made short links of the app (``short_links``, written for a
whole chunk at once), then counted in segments (GSM-7 or UCS-2, as the carriers bill).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import requests
from django.db import transaction
from twilio.base.exceptions import (
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from saleor_mautomation.contacts.channel_preference import SMS_REPLIED, preference_refresh
from saleor_mautomation.contacts.channels_consent import (
    E164,
    channel_consent_set,
    sms_keyword_apply,
)
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import MautomationError, PermanentError, RetryableError
from saleor_mautomation.core.http import request_never_sent
from saleor_mautomation.events.services import event_record
from saleor_mautomation.messages.funnel import message_reached
from saleor_mautomation.messages.models import Message, SmsProvider, Suppression
from saleor_mautomation.messages.providers import Accepted, OutcomeUnknown, Refused
from saleor_mautomation.messages.rendering import Compiled, RenderFailed, render
from saleor_mautomation.messages.services import suppression_add
from saleor_mautomation.messages.short_links import texts_shortened

logger = logging.getLogger(__name__)

TIMEOUT = 15.0
MAX_SEGMENTS = 10  # Twilio's own limit is 10 segments (1,600 characters)

# -- segments -----------------------------------------------------------------------------------

# GSM 03.38: the basic table (without the escape code) and the extension table, whose
# characters take two septets (escape + code).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SmsSegments:
    encoding: Literal["GSM-7", "UCS-2"]
    count: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


def _packed(costs: list[int], single: int, part: int) -> int:
    """Segments for characters of these costs: one if all fit ``single`` units, else parts
    of ``part`` units each, never splitting a character (an escape pair, a surrogate pair)."""
    if sum(costs) <= single:
        return 1 if costs else 0
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count


def sms_segments(text: str) -> SmsSegments:
    """How the carriers split ``text``: GSM-7 (160 septets, 153 per part of a longer
    message) when every character is in the GSM alphabet, UCS-2 (70 code units, 67 per
    part) otherwise."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text):
        costs = [2 if char in GSM7_EXTENDED else 1 for char in text]
        return SmsSegments("GSM-7", _packed(costs, 160, 153), sum(costs))
    costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return SmsSegments("UCS-2", _packed(costs, 70, 67), sum(costs))


def sms_text(source: str, context: dict[str, Any]) -> str:
    """The body for one recipient: the text template rendered like email's text part."""
    return render(Compiled(subject="", preheader="", html="", text=source), context).text.strip()


def sms_texts_prepared(
    items: Sequence[tuple[Message, dict[str, Any]]], *, app_url: str, now: datetime
) -> dict[int, str | RenderFailed]:
    """The bodies of a chunk's texts as they go out, by message id: each rendered, its links
    replaced by short links (``short_links``: every code of the chunk written in one INSERT),
    so a click on a text's link counts as the contact's engagement on SMS (``sms.clicked``)
    and costs few characters; a text that does not render, its ``RenderFailed``."""
    prepared: dict[int, str | RenderFailed] = {}
    rendered: list[tuple[Message, str]] = []
    for message, context in items:
        assert message.template_version is not None
        try:
            rendered.append((message, sms_text(message.template_version.text, context)))
        except RenderFailed as exc:
            prepared[message.pk] = exc
    prepared.update(texts_shortened(rendered, app_url=app_url, now=now))
    return prepared


# -- the provider -------------------------------------------------------------------------------

ACCOUNT_SID = re.compile(r"^AC[0-9a-f]{32}$")
SERVICE_SID = re.compile(r"^MG[0-9a-f]{32}$")
ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")


class SmsProviderInvalid(PermanentError):
    code = "invalid_sms_provider"


def sms_provider_update(
    *,
    installation_id: int,
    account_sid: str,
    auth_token: str | None = None,
    from_number: str = "",
    messaging_service_sid: str = "",
    max_per_second: float = 0,
    double_opt_in: bool = False,
) -> SmsProvider:
    """Save the Twilio account; a ``None`` auth token keeps the stored one (never read back).
    A sender is a number (E.164), an alphanumeric sender id, or a messaging service."""
    if not ACCOUNT_SID.match(account_sid):
        raise SmsProviderInvalid("The account SID is AC followed by 32 hex digits")
    if messaging_service_sid and not SERVICE_SID.match(messaging_service_sid):
        raise SmsProviderInvalid("A messaging service SID is MG followed by 32 hex digits")
    if from_number and not (E164.match(from_number) or ALPHANUMERIC_SENDER.match(from_number)):
        raise SmsProviderInvalid("The sender is an E.164 number or an alphanumeric sender id")
    if not from_number and not messaging_service_sid:
        raise SmsProviderInvalid("Give a sender number or a messaging service")
    if max_per_second < 0:
        raise SmsProviderInvalid("max_per_second cannot be negative")
    stored = SmsProvider.objects.filter(installation_id=installation_id).first()
    if not auth_token and (stored is None or not stored.auth_token):
        raise SmsProviderInvalid("The auth token is required")
    stored = stored or SmsProvider(installation_id=installation_id)
    stored.account_sid = account_sid
    if auth_token:
        stored.auth_token = auth_token
    stored.from_number = from_number
    stored.messaging_service_sid = messaging_service_sid
    stored.max_per_second = max_per_second
    stored.double_opt_in = double_opt_in
    stored.save()
    return stored


def sms_webhook_urls(app_url: str, installation_id: int) -> tuple[str, str]:
    """The status callback (set per message) and the incoming-message URL (set on the
    number or messaging service in Twilio's console)."""
    base = f"{app_url.rstrip('/')}/api/sms/twilio/{installation_id}"
    return f"{base}/status", f"{base}/inbound"


# -- sending ------------------------------------------------------------------------------------

UNSUBSCRIBED = 21610  # the recipient texted STOP to this sender
INVALID_NUMBERS = frozenset({21211, 21401, 21421, 21614})  # invalid, or not a mobile number


class RecipientUnsubscribed(Refused):
    code = "sms_unsubscribed"


def twilio_error(status: int, code: int | None, text: str) -> MautomationError:
    """What an error answer of Twilio's API means for the message."""
    if code == UNSUBSCRIBED:
        return RecipientUnsubscribed(f"{code} {text}", status="suppressed")
    if code in INVALID_NUMBERS:
        return Refused(f"{code} {text}", status="bounced", suppress=True)
    if status == 429 or status >= 500 or status in {401, 403}:
        # Throttled, Twilio's fault, or credentials the admin can still fix.
        return RetryableError(f"{status} {code or ''} {text}".replace("  ", " "))
    return Refused(f"{code or status} {text}")


def twilio_client(provider: SmsProvider, *, http_client: HttpClient | None = None) -> Client:
    return Client(
        provider.account_sid,
        provider.auth_token,
        http_client=http_client or TwilioHttpClient(timeout=TIMEOUT),
    )


class SmsSender:
    """The outbox's transport for SMS of one installation (one Twilio client per batch)."""

    def __init__(
        self, provider: SmsProvider, *, app_url: str, http_client: HttpClient | None = None
    ) -> None:
        self.provider = provider
        self.client = twilio_client(provider, http_client=http_client)
        self.interval = 1 / provider.max_per_second if provider.max_per_second > 0 else 0.0
        self.status_callback = sms_webhook_urls(app_url, provider.installation_id)[0]
        self.app_url = app_url
        self._prepared: dict[int, str | RenderFailed] = {}

    def prepare(self, items: Sequence[tuple[Message, dict[str, Any]]], now: datetime) -> None:
        """Render a chunk's texts and write their short links, before any is handed over
        (called by the sender with the chunk's ready messages: one INSERT for them all)."""
        self._prepared.update(sms_texts_prepared(items, app_url=self.app_url, now=now))

    def hand_over(self, message: Message, context: dict[str, Any], now: datetime) -> Accepted:
        if message.pk not in self._prepared:  # handed over without its chunk's preparation
            self.prepare([(message, context)], now)
        body = self._prepared.pop(message.pk)
        if isinstance(body, RenderFailed):
            raise Refused(str(body)) from body
        segments = sms_segments(body)
        if not body or segments.count > MAX_SEGMENTS:
            raise Refused(f"The SMS is empty or longer than {MAX_SEGMENTS} segments")
        try:
            sid = self._create(message.to_address, body)
        except RecipientUnsubscribed:
            if message.contact is not None:  # the sender's unit of work finishes the change
                channel_consent_set(
                    contact=message.contact,
                    channel="sms",
                    granted=False,
                    evidence=Evidence(source="twilio.21610"),
                    now=now,
                )
            raise
        return Accepted(provider_id=sid, detail=f"{segments.count} segment(s), {segments.encoding}")

    def _create(self, to: str, body: str) -> str:
        sender: dict[str, str] = (
            {"messaging_service_sid": self.provider.messaging_service_sid}
            if self.provider.messaging_service_sid
            else {"from_": self.provider.from_number}
        )
        try:
            created = self.client.messages.create(
                to=to, body=body, status_callback=self.status_callback, **sender
            )
        except TwilioRestException as exc:
            raise twilio_error(int(exc.status), exc.code, str(exc.msg)) from exc
        except TwilioServiceException as exc:
            raise twilio_error(int(exc.status), exc.code, str(exc.title)) from exc
        except requests.RequestException as exc:
            if request_never_sent(exc):
                raise RetryableError(f"Twilio unreachable: {exc.__class__.__name__}") from exc
            raise OutcomeUnknown(f"No answer from Twilio: {exc.__class__.__name__}") from exc
        return str(created.sid)

    def close(self) -> None:
        session = getattr(self.client.http_client, "session", None)
        if session is not None:
            session.close()


def sms_sender_for(
    installation_id: int, *, app_url: str, http_client: HttpClient | None = None
) -> SmsSender:
    provider = SmsProvider.objects.filter(installation_id=installation_id).first()
    if provider is None or not provider.auth_token:
        raise SmsProviderInvalid("SMS is not set up for this shop (no Twilio account)")
    return SmsSender(provider, app_url=app_url, http_client=http_client)


# -- what Twilio reports back -------------------------------------------------------------------

Status = Message.Status
REPORTS = {
    "delivered": (Status.DELIVERED, "sms.delivered"),
    "undelivered": (Status.FAILED, "sms.failed"),
    "failed": (Status.FAILED, "sms.failed"),
}
BOUNCE_CODES = frozenset({30005, 30006})  # unknown or inactive number; a landline
UPDATABLE = {Status.SENT, Status.DELIVERED}


def sms_signature_valid(*, installation_id: int, url: str, params: Any, signature: str) -> bool:
    """Whether a webhook was signed with the installation's Twilio auth token."""
    provider = SmsProvider.objects.filter(installation_id=installation_id).first()
    if provider is None or not provider.auth_token or not signature:
        return False
    return bool(RequestValidator(provider.auth_token).validate(url, params, signature))


def sms_status_apply(
    *, installation_id: int, message_sid: str, status: str, error_code: int | None, now: datetime
) -> bool:
    """One status callback; False when it is not a final report about a message we sent."""
    report = REPORTS.get(status)
    if report is None or not message_sid:
        return False
    message = (
        Message.objects.select_related("contact")
        .filter(installation_id=installation_id, channel="sms", provider_id=message_sid)
        .first()
    )
    if message is None:
        logger.info("Twilio %s for an unknown message %s", status, message_sid)
        return False
    new_status, event_type = report
    bounced = new_status == Status.FAILED and error_code in BOUNCE_CODES
    detail = f"{status} {error_code}" if error_code else status
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status__in=UPDATABLE).update(
            status=Status.BOUNCED if bounced else new_status, status_reason=detail
        )
        if bounced or new_status == Status.DELIVERED:
            message_reached(
                message_id=message.pk, metric="bounced" if bounced else "delivered", at=now
            )
        if bounced:
            suppression_add(
                installation_id=installation_id,
                address=message.to_address,
                reason=Suppression.Reason.BOUNCE,
                detail=detail,
                now=now,
            )
        if message.contact is None:
            return True
        contact = Contact.objects.select_for_update().get(pk=message.contact.pk)
        event_record(
            installation_id=installation_id,
            contact_id=contact.pk,
            type=event_type,
            occurred_at=now,
            source="twilio",
            dedupe_key=f"twilio:{message_sid}:{status}",
            properties={"message_id": message.pk, "detail": detail},
        )
        if error_code == UNSUBSCRIBED:
            channel_consent_set(
                contact=contact,
                channel="sms",
                granted=False,
                evidence=Evidence(source="twilio.21610"),
                now=now,
            )
    return True


STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE", "STOPP"}
)
# YES and JA also answer the double opt-in text (``sms-confirm``).
START_WORDS = frozenset({"START", "YES", "UNSTOP", "JA"})


def sms_keyword(body: str) -> Literal["stop", "start"] | None:
    """A carrier keyword is the whole message, in any case, trailing punctuation allowed."""
    word = body.strip().rstrip(".!").strip().upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    return None


def sms_inbound_apply(
    *, installation_id: int, from_number: str, body: str, now: datetime, message_sid: str = ""
) -> Literal["stop", "start", "reply"] | None:
    """An incoming text: STOP withdraws, START grants SMS consent for the sender's number.
    Any other text from a number of the shop's contacts is a reply (``"reply"``): an
    ``sms.replied`` event on each of them (keyed by Twilio's message SID, so a retried
    webhook records it once; the words are not kept), engagement on SMS for their learned
    channel preference. None when nothing changed."""
    if not E164.match(from_number):
        return None
    keyword = sms_keyword(body)
    if keyword is None:
        return (
            "reply"
            if sms_reply_record(
                installation_id=installation_id, phone=from_number, message_sid=message_sid, now=now
            )
            else None
        )
    sms_keyword_apply(
        installation_id=installation_id,
        phone=from_number,
        granted=keyword == "start",
        keyword=body.strip().upper()[:20],
        evidence=Evidence(source=f"sms.{keyword}"),
        now=now,
    )
    return keyword


def sms_reply_record(*, installation_id: int, phone: str, message_sid: str, now: datetime) -> int:
    """``sms.replied`` on every contact of the installation with the number; how many."""
    key = message_sid or uuid.uuid4().hex
    recorded = 0
    with transaction.atomic():
        contacts = Contact.objects.select_for_update().filter(
            installation_id=installation_id, phone=phone
        )
        for contact in contacts.order_by("pk"):
            event_record(
                installation_id=installation_id,
                contact_id=contact.pk,
                type=SMS_REPLIED,
                occurred_at=now,
                source="twilio",
                dedupe_key=f"{SMS_REPLIED}:{key}:{contact.pk}",
                properties={},
            )
            preference_refresh(contact=contact, now=now)
            recorded += 1
    return recorded
