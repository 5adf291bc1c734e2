"""Web push: the installation's VAPID keys and the outbox's transport to browsers.

Each installation has one VAPID key pair (``PushKeys``, the private key encrypted at rest),
made the first time anything needs it; storefronts subscribe with its public key. A push
message goes, encrypted (RFC 8291, aes128gcm) by pywebpush, to every live subscription of
the contact. A push service's 404 or 410 means the subscription is gone for good: it is marked
expired and never used again; 429, 5xx and network faults are transient.

Subscription endpoints come from browsers, that is from anyone: for each request the
endpoint's host is resolved once, must be a public address and is the address connected to
(``core.http.pinned_session``; TLS still checks the name), and redirects are not followed, so a
subscription cannot make the app call its own network, not even by changing its DNS answer.

At most once holds per message, not per browser: the message counts as sent as soon as one
browser's push service took it (the others are logged); only when none did and a fault was
transient is the whole message retried.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import IntegrityError, transaction
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from saleor_mautomation.contacts.channels_consent import push_subscriptions_active
from saleor_mautomation.contacts.models import PushSubscription
from saleor_mautomation.core.errors import MautomationError, PermanentError, RetryableError
from saleor_mautomation.core.http import pinned_session
from saleor_mautomation.messages.models import Message, PushKeys
from saleor_mautomation.messages.providers import Accepted, OutcomeUnknown, Refused
from saleor_mautomation.messages.rendering import Compiled, RenderFailed, render
from saleor_mautomation.messages.tracking import click_url

logger = logging.getLogger(__name__)

TIMEOUT = 10.0
TTL = 24 * 3600  # a browser that is offline for a day does not get yesterday's offer
MAX_PAYLOAD = 3800  # bytes of JSON: push services take 4,096 encrypted
SUBJECT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+|https://[A-Za-z0-9.-]+)$")
Result = Literal["sent", "expired", "refused", "retry", "unknown"]
RESULTS: tuple[Result, ...] = ("sent", "expired", "refused", "retry", "unknown")


class PushKeysInvalid(PermanentError):
    code = "invalid_push_settings"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def vapid_subject_default(app_url: str, default_from: str) -> str:
    """Who push services may contact about our traffic: the app's https origin, else the
    sender address of its email."""
    parts = urlsplit(app_url)
    if parts.scheme == "https" and parts.hostname and "." in parts.hostname:
        return f"https://{parts.hostname}"
    address = parseaddr(default_from)[1]
    return f"mailto:{address}" if "@" in address else "mailto:webmaster@localhost"


def push_keys_ensure(*, installation_id: int, subject: str, now: datetime) -> PushKeys:
    """The installation's key pair, made on first need (concurrent callers get the same)."""
    existing = PushKeys.objects.filter(installation_id=installation_id).first()
    if existing is not None:
        return existing
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    try:
        with transaction.atomic():
            return PushKeys.objects.create(
                installation_id=installation_id,
                public_key=_b64url(public),
                private_key=pem,
                subject=subject,
                created_at=now,
            )
    except IntegrityError:
        return PushKeys.objects.get(installation_id=installation_id)


def push_keys_update(*, installation_id: int, subject: str, now: datetime) -> PushKeys:
    """Set the contact address push services see (``mailto:`` or an ``https://`` origin)."""
    if not SUBJECT.match(subject):
        raise PushKeysInvalid("The subject is mailto:address or https://host")
    keys = push_keys_ensure(installation_id=installation_id, subject=subject, now=now)
    if keys.subject != subject:
        keys.subject = subject
        keys.save(update_fields=["subject"])
    return keys


# -- the payload --------------------------------------------------------------------------------


def _tagged(url: str, shop_origin: str, campaign: str) -> str:
    """Shop links get UTM parameters (unless they carry some already)."""
    origin = shop_origin.rstrip("/").lower()
    on_shop = bool(origin) and url[: len(origin)].lower() == origin
    if not on_shop or url[len(origin) : len(origin) + 1] not in "/?#" or "utm_" in url:
        return url
    base, hashmark, fragment = url.partition("#")
    query = urlencode({"utm_source": "mautomation", "utm_medium": "push", "utm_campaign": campaign})
    return f"{base}{'&' if '?' in base else '?'}{query}{hashmark}{fragment}"


def push_payload(
    *, title: str, body: str, url: str, context: dict[str, Any], campaign: str, tag: str
) -> dict[str, str]:
    """What the storefront's service worker shows: title, body, the page a click opens (the
    shop when the template gives none or no http(s) URL), the shop's logo as icon if any."""
    rendered = render(Compiled(subject=title, preheader=url, html="", text=body), context)
    shop = context.get("shop") or {}
    target = rendered.preheader
    if not target.lower().startswith(("https://", "http://")):
        target = str(shop.get("url") or "")
    payload = {
        "title": rendered.subject,
        "body": rendered.text.strip(),
        "url": _tagged(target, str(shop.get("url") or ""), campaign),
        "tag": tag,
    }
    if shop.get("logo_url"):
        payload["icon"] = str(shop["logo_url"])
    return payload


# -- sending ------------------------------------------------------------------------------------


def _session(*, allow_private: bool) -> requests.Session:
    """Each request goes to the address its endpoint's host was checked at (``core.http``):
    a DNS answer that changes after the check cannot turn a push into a call inside."""
    session = pinned_session(requests.Session(), allow_private=allow_private)
    session.max_redirects = 0  # a redirect is refused, never followed
    return session


@dataclass(frozen=True)
class Pushed:
    result: Result
    detail: str = ""


def push_error(exc: WebPushException) -> Pushed:
    """What a push service's error answer means for one subscription."""
    status = exc.status_code
    if status in {404, 410}:
        return Pushed("expired", f"{status} subscription gone")
    if status == 403:
        # Signed with another key than the one the browser subscribed with: unusable.
        return Pushed("expired", "403 key mismatch")
    if status is not None and (status == 429 or status >= 500):
        return Pushed("retry", f"{status}")
    return Pushed("refused", f"{status or ''} {exc.message}".strip())


class PushSender:
    """The outbox's transport for web push of one installation (one HTTP session per batch)."""

    interval = 0.0

    def __init__(self, keys: PushKeys, *, allow_private: bool, app_url: str) -> None:
        private = serialization.load_pem_private_key(keys.private_key.encode(), password=None)
        assert isinstance(private, ec.EllipticCurvePrivateKey)
        self.vapid = Vapid(private)
        self.subject = keys.subject
        self.allow_private = allow_private
        self.app_url = app_url
        self.session = _session(allow_private=allow_private)

    def hand_over(self, message: Message, context: dict[str, Any], now: datetime) -> Accepted:
        version = message.template_version
        assert version is not None
        assert message.contact_id is not None
        try:
            payload = push_payload(
                title=version.subject,
                body=version.text,
                url=version.push_url,
                context=context,
                campaign=version.template.key,
                tag=f"m{message.pk}",
            )
        except RenderFailed as exc:
            raise Refused(str(exc)) from exc
        if payload["url"]:
            # A click opens the page through the tracking redirect, as an email's links do.
            payload["url"] = click_url(
                app_url=self.app_url, message_id=message.pk, url=payload["url"]
            )
        data = json.dumps(payload, ensure_ascii=False)
        if len(data.encode()) > MAX_PAYLOAD or not payload["title"]:
            raise Refused(f"The notification is empty or over {MAX_PAYLOAD} bytes")
        subscriptions = push_subscriptions_active(message.contact_id)
        results = [(s, self._push(s, data)) for s in subscriptions]
        self._record(results, now)
        return self._outcome(payload["title"], [pushed for _, pushed in results])

    def _push(self, subscription: PushSubscription, data: str) -> Pushed:
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=data,
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject},
                ttl=TTL,
                timeout=TIMEOUT,
                headers={"Urgency": "normal"},
                requests_session=self.session,
            )
        except WebPushException as exc:
            return push_error(exc)
        except requests.TooManyRedirects:
            return Pushed("refused", "the push service redirected")
        except (requests.ConnectTimeout, requests.ConnectionError) as exc:
            return Pushed("retry", exc.__class__.__name__)
        except requests.RequestException as exc:
            return Pushed("unknown", exc.__class__.__name__)
        except MautomationError as exc:  # the endpoint resolves to a private address
            transient = isinstance(exc, RetryableError)
            return Pushed("retry" if transient else "expired", exc.message)
        return Pushed("sent")

    @staticmethod
    def _record(results: list[tuple[PushSubscription, Pushed]], now: datetime) -> None:
        used = [s.pk for s, pushed in results if pushed.result == "sent"]
        gone = [s.pk for s, pushed in results if pushed.result == "expired"]
        PushSubscription.objects.filter(pk__in=used).update(last_used_at=now)
        PushSubscription.objects.filter(pk__in=gone).update(expired_at=now)

    @staticmethod
    def _outcome(title: str, results: list[Pushed]) -> Accepted:
        counts = {kind: sum(p.result == kind for p in results) for kind in RESULTS}
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        if counts["sent"]:
            return Accepted(subject=title[:300], detail=f"browsers: {summary}")
        if counts["unknown"]:
            raise OutcomeUnknown(f"No answer from the push service ({summary})")
        if counts["retry"]:
            raise RetryableError(f"Push services unavailable ({summary})")
        reasons = "; ".join(sorted({p.detail for p in results}))
        raise Refused(f"No browser took the notification ({summary or 'none'}): {reasons}")

    def close(self) -> None:
        self.session.close()


def push_sender_for(
    installation_id: int, *, subject: str, allow_private: bool, app_url: str, now: datetime
) -> PushSender:
    keys = push_keys_ensure(installation_id=installation_id, subject=subject, now=now)
    return PushSender(keys, allow_private=allow_private, app_url=app_url)
