"""Email's provider and transport, and what every channel's transport answers the outbox.

The email backend of one installation is the deployment's default, its own SMTP server, or an
ESP through django-anymail, with the throttle the shop set for it. ``EmailSender`` renders a
message, tracks its links, writes the MIME message directly (``mime.py``, not Django's
``EmailMessage`` or the standard library's policy machinery: milliseconds per 25 KB mail
there) and hands it over: over SMTP the bytes go straight to the connection; any other Django
email backend (console, locmem, django-anymail's ESPs) gets an ``EmailMultiAlternatives``.
SMS (``sms.py``) and web push (``push.py``) have transports of the same shape.

An SMTP host an admin types is an outbound call like any other: it must resolve to a public
address unless ``SALEOR_ALLOW_LOOPBACK`` (the same guard as calls to Saleor), so a shop cannot
point the sender at the deployment's internal services. The connection is made to the address
that was checked, resolved once when it opens (``transport.PinnedSmtpBackend``), and TLS checks
the certificate against the host name. An ESP's API URL (django-anymail's ``api_url``, which a
shop may set) gets the same check and pinning on every request.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import importlib.util
import json
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailRecipientsRefused,
    AnymailRequestsAPIError,
)
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import transaction
from django.utils.module_loading import import_string

from saleor_mautomation.core.errors import MautomationError, PermanentError, RetryableError
from saleor_mautomation.core.http import request_never_sent, resolve_checked
from saleor_mautomation.messages.context import shop_of
from saleor_mautomation.messages.mime import HeaderInvalid, Mail, encode_address, mime_bytes
from saleor_mautomation.messages.models import EmailProvider, Message, SendingRules, Template
from saleor_mautomation.messages.pool import Limits
from saleor_mautomation.messages.rendering import Compiled, RenderFailed, render
from saleor_mautomation.messages.services import rules_of, template_current
from saleor_mautomation.messages.tracking import tracked_html
from saleor_mautomation.messages.transport import pinned_esp_backend
from saleor_mautomation.saleor.models import Installation

# The most parallel connections a shop may give its provider's pool (one thread each in a
# campaign sender).
MAX_CONNECTIONS = 32
# The message context's key of a subject that replaces the template version's for this
# message (a journey's subject-line test, ``outbox.Outgoing.subject``).
SUBJECT_KEY = "_subject"
# An ESP's answers to a call after which it surely sent nothing and a later try may pass (its
# checks of the request, the credentials, the rate); after any other answer, or none, the
# message may have gone.
ESP_NOT_SENT = frozenset({400, 401, 403, 404, 413, 422, 429})


class ProviderInvalid(PermanentError):
    code = "invalid_provider"


@dataclass(frozen=True)
class Accepted:
    """The provider took the message: its id for the reports that come back, and what the
    outbox keeps of the send (the subject or push title; ``detail`` for the attempt log,
    e.g. an SMS's segments)."""

    provider_id: str = ""
    subject: str = ""
    message_id: str = ""
    detail: str = ""


class Refused(PermanentError):
    """The provider refused this message for good: ``failed``, ``bounced`` (the address
    does not exist; ``suppress`` puts it on the suppression list) or ``suppressed`` (the
    recipient opted out at the provider)."""

    code = "refused"

    def __init__(
        self,
        message: str,
        *,
        status: Literal["failed", "bounced", "suppressed"] = "failed",
        suppress: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.suppress = suppress


class OutcomeUnknown(MautomationError):
    """The request went out and no answer came back: the provider may have sent it. The
    outbox treats it as a lost worker: never again for marketing (at most once)."""

    code = "outcome_unknown"


@dataclass(frozen=True)
class Provider:
    backend: Any
    limits: Limits  # its pool: parallel connections and messages per second (``pool.py``)


@dataclass(frozen=True)
class PoolDefaults:
    """The deployment's limits (``EMAIL_CONNECTIONS``, ``EMAIL_MAX_PER_SECOND``): those of its
    own provider (``EMAIL_URL``), and the connections of a shop's provider that sets none;
    whether ESPs' batch APIs are used (``EMAIL_ESP_BATCH``)."""

    connections: int = 4
    rate: float = 0.0
    batch: bool = True  # a campaign goes to an ESP in its batch calls (``esp_batch``)


def _limits(stored: EmailProvider | None, defaults: PoolDefaults) -> Limits:
    """The deployment's provider is one pool for every shop on it; a shop that set a rate of
    its own on it gets a pool of its own at the lower of the two rates."""
    if stored is None or (stored.kind == EmailProvider.Kind.DEFAULT and stored.max_per_second <= 0):
        return Limits("default", defaults.connections, defaults.rate)
    own_rate = stored.max_per_second
    if stored.kind == EmailProvider.Kind.DEFAULT:
        rate = min(own_rate, defaults.rate) if defaults.rate > 0 else own_rate
        return Limits(f"default:{stored.installation_id}", defaults.connections, rate)
    return Limits(f"provider:{stored.pk}", stored.connections or defaults.connections, own_rate)


def provider_for(
    installation_id: int, *, allow_private: bool, defaults: PoolDefaults | None = None
) -> Provider:
    stored = EmailProvider.objects.filter(installation_id=installation_id).first()
    limits = _limits(stored, defaults or PoolDefaults())
    if stored is None or stored.kind == EmailProvider.Kind.DEFAULT:
        return Provider(get_connection(fail_silently=False), limits)
    if stored.kind == EmailProvider.Kind.SMTP:
        resolve_checked(stored.smtp_host, stored.smtp_port, allow_private=allow_private)
        backend = get_connection(
            "saleor_mautomation.messages.transport.PinnedSmtpBackend",
            fail_silently=False,
            allow_private=allow_private,
            host=stored.smtp_host,
            port=stored.smtp_port,
            username=stored.smtp_username,
            password=stored.smtp_password,
            use_tls=stored.smtp_security == EmailProvider.Security.STARTTLS,
            use_ssl=stored.smtp_security == EmailProvider.Security.TLS,
            timeout=30,
        )
        return Provider(backend, limits)
    pinned = pinned_esp_backend(import_string(esp_backend(stored.esp)), allow_private=allow_private)
    try:
        backend = pinned(fail_silently=False, **json.loads(stored.esp_settings or "{}"))
    except ImproperlyConfigured as exc:  # e.g. anymail: a setting the ESP needs is missing
        raise ProviderInvalid(f"The {stored.esp} provider is not set up: {exc}") from exc
    return Provider(backend, limits)


def esp_backend(esp: str) -> str:
    """The anymail backend path for an ESP name, if anymail has one."""
    if (
        not esp.replace("_", "").isalnum()
        or importlib.util.find_spec(f"anymail.backends.{esp}") is None
    ):
        raise ProviderInvalid(f"django-anymail has no backend named {esp!r}")
    return f"anymail.backends.{esp}.EmailBackend"


def email_provider_update(
    *,
    installation_id: int,
    kind: str,
    smtp_host: str = "",
    smtp_port: int = 587,
    smtp_security: str = "starttls",
    smtp_username: str = "",
    smtp_password: str | None = None,
    esp: str = "",
    esp_settings: dict[str, Any] | None = None,
    max_per_second: float = 0,
    connections: int = 0,
    allow_private: bool,
) -> EmailProvider:
    """Save the provider; ``None`` secrets keep the stored ones (they are never read back)."""
    if kind not in EmailProvider.Kind.values:
        raise ProviderInvalid(f"kind is one of {', '.join(EmailProvider.Kind.values)}")
    if smtp_security not in EmailProvider.Security.values:
        raise ProviderInvalid("smtp_security is starttls, tls or none")
    if max_per_second < 0:
        raise ProviderInvalid("max_per_second cannot be negative")
    if not 0 <= connections <= MAX_CONNECTIONS:
        raise ProviderInvalid(f"connections is between 0 (the default) and {MAX_CONNECTIONS}")
    if kind == EmailProvider.Kind.SMTP:
        if not smtp_host or not 0 < smtp_port < 65536:
            raise ProviderInvalid("An SMTP server needs a host and a port")
        resolve_checked(smtp_host, smtp_port, allow_private=allow_private)
    if kind == EmailProvider.Kind.ESP:
        esp_backend(esp)
    # The checks above look the host up (DNS): the writes come after, in their own transaction.
    with transaction.atomic():
        return _provider_save(
            installation_id=installation_id,
            kind=kind,
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            smtp_security=smtp_security,
            smtp_username=smtp_username,
            smtp_password=smtp_password,
            esp=esp,
            esp_settings=esp_settings,
            max_per_second=max_per_second,
            connections=connections,
        )


def _provider_save(
    *,
    installation_id: int,
    kind: str,
    smtp_host: str,
    smtp_port: int,
    smtp_security: str,
    smtp_username: str,
    smtp_password: str | None,
    esp: str,
    esp_settings: dict[str, Any] | None,
    max_per_second: float,
    connections: int,
) -> EmailProvider:
    stored, _ = EmailProvider.objects.select_for_update().get_or_create(
        installation_id=installation_id
    )
    stored.kind = kind
    stored.smtp_host, stored.smtp_port, stored.smtp_security = smtp_host, smtp_port, smtp_security
    stored.smtp_username = smtp_username
    if smtp_password is not None:
        stored.smtp_password = smtp_password
    stored.esp = esp
    if esp_settings is not None:
        stored.esp_settings = json.dumps(esp_settings)
    stored.max_per_second = max_per_second
    stored.connections = connections
    stored.save()
    return stored


# -- the transport -----------------------------------------------------------------------------


def message_id_header(message: Message, app_url: str) -> str:
    """Deterministic: a retry of the same message carries the same Message-ID, so a
    provider or a mailbox can recognise a duplicate."""
    host = _host(app_url)
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


@functools.lru_cache(maxsize=64)
def _envelope_from(sender: str) -> str:
    """The address of a From header (parsed once per sender, not per message)."""
    return parseaddr(sender)[1]


@functools.lru_cache(maxsize=64)
def _host(url: str) -> str:
    return urlsplit(url).hostname or "localhost"


# The headers of a mail an ESP's API is given as headers (From, To, Subject and Date are
# fields of its own).
ESP_HEADERS = frozenset(
    {"Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Reply-To"}
)


def esp_email(mail: Mail, sender: str, to: str, backend: Any) -> EmailMultiAlternatives:
    """The mail as Django's message, for a django-anymail backend to turn into its ESP's
    payload (one API call each here; several in one call in ``esp_batch``)."""
    email = EmailMultiAlternatives(
        subject=mail.header("Subject") or "",
        body=mail.text,
        from_email=sender,
        to=[to],
        headers={name: value for name, value in mail.headers if name in ESP_HEADERS},
        connection=backend,
    )
    email.attach_alternative(mail.html, "text/html")
    return email


def _transmit(mail: Mail, sender: str, to: str, backend: Any) -> str:
    """Hand over the message; returns the provider's id when it gives one."""
    if isinstance(backend, SmtpBackend):
        if backend.connection is None:
            backend.open()
        assert backend.connection is not None
        backend.connection.sendmail(_envelope_from(sender), [to], mime_bytes(mail))
        return ""
    email = esp_email(mail, sender, to, backend)
    email.send()
    status = getattr(email, "anymail_status", None)  # set by django-anymail's backends
    return str(getattr(status, "message_id", None) or "")


def esp_call_failed(exc: AnymailRequestsAPIError, esp: str) -> MautomationError:
    """What an ESP call that failed says of its message: nothing sent (retried later) only when
    no connection was made or the ESP refused the request; otherwise it may have gone
    (``OutcomeUnknown``), so it is never sent again."""
    name = exc.__class__.__name__
    response = exc.response
    if response is None:
        cause = exc.__cause__
        name = cause.__class__.__name__ if cause is not None else name
        if isinstance(cause, requests.RequestException) and request_never_sent(cause):
            return RetryableError(f"{esp} unreachable: {name}")
        return OutcomeUnknown(f"No answer from {esp}: {name}")
    text = f"{esp} answered {response.status_code}: {response.text[:300]}"
    if response.status_code in ESP_NOT_SENT:
        return RetryableError(text)
    return OutcomeUnknown(text)


def sender_of(stored: SendingRules, installation: Installation, *, default_from: str) -> str:
    """The From header: the address set (else the deployment's ``DEFAULT_FROM_EMAIL``) with
    the sender name set, else the name given with the address set ("Linden <hi@...>"), else
    the shop's name as Saleor gives it, else a name in ``DEFAULT_FROM_EMAIL``."""
    name, address = parseaddr(stored.from_email or default_from)
    own = name if stored.from_email else ""
    display = stored.sender_name or own or installation.shop_name or name
    return formataddr((display, address)) if display else address


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
    content: Compiled | None = None,
) -> str:
    """Send a version, rendered with ``context``, to an admin's address now: the same
    rendering and headers as a real send, outside the outbox (it counts for no contact).
    ``content``, when given, is what the admin is editing (compiled, unsaved): sent instead
    of the saved version."""
    if content is None:
        version = template_current(template, language)
        if version is None:
            raise PermanentError("The template has no version in that language", code="empty")
        content = Compiled(version.subject, version.preheader, version.html, version.text)
    encode_address(to)  # refuses anything that is not one address
    rendered = render(content, context)
    _, stored = rules_of(template.installation_id)
    sender = sender_of(
        stored, Installation.objects.get(pk=template.installation_id), default_from=default_from
    )
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


class EmailSender:
    """Email of one installation: tracked HTML, the MIME message, its provider's backend."""

    def __init__(
        self,
        provider: Provider,
        *,
        installation_id: int,
        app_url: str,
        default_from: str,
        per_connection: int = 100,
        allow_private: bool = False,
        defaults: PoolDefaults | None = None,
    ) -> None:
        self.backend = provider.backend
        self.limits = provider.limits
        self.interval = 0.0  # paced by its pool (``limits``)
        self.installation_id, self.allow_private = installation_id, allow_private
        self.defaults = defaults
        self.per_connection = max(per_connection, 1)
        self.on_connection = 0  # messages handed over on the open connection
        self.app_url = app_url
        _, stored = rules_of(installation_id)
        self.installation = Installation.objects.get(pk=installation_id)
        self.sender = sender_of(stored, self.installation, default_from=default_from)
        self.reply_to = stored.reply_to

    def another(self) -> EmailSender:
        """One more connection to the same provider (a campaign's parallel hand-over)."""
        twin = copy.copy(self)
        provider = provider_for(
            self.installation_id, allow_private=self.allow_private, defaults=self.defaults
        )
        twin.backend, twin.on_connection = provider.backend, 0
        return twin

    def hand_over(self, message: Message, context: dict[str, Any], now: datetime) -> Accepted:
        mail = self.compose(message, context, now)
        try:
            provider_id = self._transmit(mail, message.to_address)
        except (HeaderInvalid, BadHeaderError) as exc:
            # Not an address, or a header that would be two: refused before anything left.
            raise Refused(str(exc)) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()), (0, b""))
            text = reason.decode(errors="replace") if isinstance(reason, bytes) else reason
            if 500 <= code < 600:
                # A hard bounce at the door: no marketing message goes to this address again.
                raise Refused(f"{code} {text}", status="bounced", suppress=True) from exc
            raise RetryableError(f"{code} {text}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise Refused(f"{exc.smtp_code} {exc}") from exc
            raise RetryableError(f"{exc.smtp_code} {exc}") from exc
        except AnymailRequestsAPIError as exc:
            # (Before OSError: django-anymail's HTTP errors are OSErrors too.)
            self._drop()  # the next message opens a new session
            raise esp_call_failed(exc, str(self.backend.esp_name).lower()) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()  # the next message opens a new connection
            raise RetryableError(f"{exc.__class__.__name__}: {exc}") from exc
        except AnymailRecipientsRefused as exc:
            raise Refused(f"The ESP refused the recipient: {exc}") from exc
        except AnymailAPIError as exc:
            raise RetryableError(f"{exc.__class__.__name__}: {exc}") from exc
        except AnymailError as exc:
            # Anymail's own checks before the call (an address or feature the ESP cannot
            # take): this message will never go through this ESP.
            raise Refused(f"{exc.__class__.__name__}: {exc}") from exc
        return Accepted(
            provider_id=provider_id,
            subject=(mail.header("Subject") or "")[:300],
            message_id=mail.header("Message-ID") or "",
        )

    def compose(self, message: Message, context: dict[str, Any], now: datetime) -> Mail:
        """The message rendered for its recipient with its tracked links and headers;
        ``Refused`` when its template does not render."""
        version = message.template_version
        assert version is not None
        # A subject-line test's variant replaces the version's subject, rendered the same way
        # (a variant that fails to render refuses the message, as the version's would).
        subject = str(context.get(SUBJECT_KEY) or version.subject)
        try:
            rendered = render(
                Compiled(subject, version.preheader, version.html, version.text), context
            )
        except RenderFailed as exc:
            raise Refused(str(exc)) from exc
        app_url = self.app_url
        shop = context.get("shop") or shop_of(self.installation)
        shop_url = urlsplit(str(shop["url"]))
        html = tracked_html(
            rendered.html,
            message_id=message.pk,
            app_url=app_url,
            shop_origin=f"{shop_url.scheme}://{shop_url.netloc}",
            utm={
                "utm_source": "mautomation",
                "utm_medium": "email",
                "utm_campaign": version.template.key,
            },
            skip_prefixes=(f"{app_url}/u/", f"{app_url}/p/"),
        )
        list_host = _host(app_url)
        return build_mail(
            message=message,
            sender=self.sender,
            reply_to=self.reply_to,
            subject=rendered.subject,
            html=html,
            text=rendered.text,
            unsubscribe_url=context["links"]["unsubscribe"],
            list_id=f"{shop['name']} <i{self.installation.pk}.{list_host}>",
            message_id=message_id_header(message, app_url),
            now=now,
        )

    def _transmit(self, mail: Mail, to: str) -> str:
        """One connection carries ``per_connection`` messages, then the next one opens (SMTP
        servers limit the messages of a session; an ESP's HTTP session is kept alive the
        same way: opened here, not per message by anymail's ``send_messages``)."""
        if self.on_connection >= self.per_connection:
            self.close()
        if self.on_connection == 0:
            self.backend.open()
        self.on_connection += 1
        return _transmit(mail, self.sender, to, self.backend)

    def _drop(self) -> None:
        # A broken connection cannot be closed politely: it is dropped.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        self.on_connection = 0
        self.backend.close()
