"""Consent for SMS, web push and postal mail, each on its own, and what each channel needs to
reach a person: a phone number (E.164) for SMS, the browsers' push subscriptions for web push,
the address Saleor has (``Contact.postal_address``) for a card.

Every change of a channel's consent is a ``ConsentRecord`` with its ``channel`` and evidence,
like email's (``consent.py``). The ledger never holds the phone number itself: it outlives an
erasure as proof, and the person must not. Push consent follows the browser's permission: a
storefront registers a subscription after the visitor allowed notifications (granted), and
unregistering the last one withdraws it.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from datetime import datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from django.db import transaction

from saleor_mautomation.contacts.models import (
    ConsentRecord,
    Contact,
    EmailConsent,
    PushSubscription,
)
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.events.changes import PROFILE, change_note

if TYPE_CHECKING:  # consent -> identity -> services -> here: the type only
    from saleor_mautomation.contacts.consent import Evidence

Channel = Literal["sms", "push", "postal"]
CONSENT_FIELDS: dict[Channel, str] = {
    "sms": "sms_consent",
    "push": "push_consent",
    "postal": "postal_consent",  # cards by post: the address is Saleor's (``postal_address``)
}
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
# A browser is subscribed once per endpoint; a contact with more than this many live
# subscriptions (a script, not a person) loses its oldest.
MAX_SUBSCRIPTIONS = 20
MAX_ENDPOINT = 2000


class PhoneInvalid(PermanentError):
    code = "phone_invalid"


class SubscriptionInvalid(PermanentError):
    code = "push_subscription_invalid"


def phone_normalize(raw: str) -> str:
    """E.164 (``+4915112345678``) from what a person types: spaces, dashes, dots, brackets
    dropped, a leading ``00`` read as ``+``. A number without its country code is refused:
    the app cannot know the country it belongs to."""
    value = PHONE_SEPARATORS.sub("", raw.strip())
    if value.startswith("00"):
        value = f"+{value[2:]}"
    if not E164.match(value):
        raise PhoneInvalid("Enter the phone number with its country code, e.g. +4915112345678")
    return value


def _ledger(
    contact: Contact,
    channel: Channel,
    action: ConsentRecord.Action,
    evidence: Evidence,
    now: datetime,
    details: dict[str, object],
) -> None:
    ConsentRecord.objects.create(
        installation_id=contact.installation_id,
        contact=contact,
        channel=channel,
        action=action,
        source=evidence.source,
        ip_address=evidence.ip_address,
        text_version=evidence.text_version,
        details=details,
        occurred_at=now,
    )


def channel_consent_set(
    *,
    contact: Contact,
    channel: Channel,
    granted: bool,
    evidence: Evidence,
    now: datetime,
    details: dict[str, object] | None = None,
    again: bool = False,
) -> bool:
    """Grant or withdraw one channel's consent with a ledger row; False (nothing written)
    when it is in that state already, unless ``again`` (new evidence, e.g. a new number)."""
    field = CONSENT_FIELDS[channel]
    state = EmailConsent.GRANTED if granted else EmailConsent.WITHDRAWN
    if getattr(contact, field) == state and not again:
        return False
    with transaction.atomic():
        setattr(contact, field, state)
        contact.save(update_fields=[field, "updated_at"])
        change_note(contact.pk, PROFILE)
        action = ConsentRecord.Action.CONFIRMED if granted else ConsentRecord.Action.WITHDRAWN
        _ledger(contact, channel, action, evidence, now, details or {})
    return True


def phone_set(
    *,
    contact: Contact,
    phone: str,
    sms_consent: bool,
    evidence: Evidence,
    now: datetime,
    double_opt_in: bool = False,
) -> Contact:
    """A visitor gives their number, with or without agreeing to marketing texts.

    Consent given for one number does not carry over to another: a new number without
    consent leaves the contact without SMS consent (withdrawn if it was granted). With
    ``double_opt_in`` the agreement makes the consent ``pending`` (a ``requested`` ledger row)
    until the number replies YES to the confirmation text the caller sends."""
    number = phone_normalize(phone)
    with transaction.atomic():
        changed = contact.phone != number
        if changed:
            contact.phone = number
            contact.save(update_fields=["phone", "updated_at"])
            change_note(contact.pk, PROFILE)
        if sms_consent and double_opt_in:
            if changed or contact.sms_consent != EmailConsent.GRANTED:
                contact.sms_consent = EmailConsent.PENDING
                contact.save(update_fields=["sms_consent", "updated_at"])
                change_note(contact.pk, PROFILE)
                _ledger(contact, "sms", ConsentRecord.Action.REQUESTED, evidence, now, {})
        elif sms_consent:
            channel_consent_set(
                contact=contact,
                channel="sms",
                granted=True,
                evidence=evidence,
                now=now,
                again=changed,
            )
        elif contact.sms_consent in (EmailConsent.GRANTED, EmailConsent.PENDING):
            channel_consent_set(
                contact=contact,
                channel="sms",
                granted=False,
                evidence=evidence,
                now=now,
                details={"reason": "number changed" if changed else "declined"},
            )
    return contact


def sms_keyword_apply(
    *,
    installation_id: int,
    phone: str,
    granted: bool,
    keyword: str,
    evidence: Evidence,
    now: datetime,
) -> int:
    """STOP or START texted from ``phone``: every contact of the installation with that
    number follows it (one handset, one wish). Returns how many changed."""
    changed = 0
    with transaction.atomic():
        contacts = Contact.objects.select_for_update().filter(
            installation_id=installation_id, phone=phone
        )
        for contact in contacts.order_by("pk"):
            changed += channel_consent_set(
                contact=contact,
                channel="sms",
                granted=granted,
                evidence=evidence,
                now=now,
                details={"keyword": keyword},
            )
    return changed


def _b64url(value: str, size: int, name: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SubscriptionInvalid(f"keys.{name} is not base64url") from exc
    if len(raw) != size:
        raise SubscriptionInvalid(f"keys.{name} must be {size} bytes")
    return raw


def push_endpoint_check(endpoint: str, *, allow_private: bool) -> None:
    """A push service's URL: https (plain http only where private addresses are allowed, for
    tests and demos), at most 2,000 characters, never a literal private address. Its name is
    resolved and checked again before every send (``core.http``)."""
    parts = urlsplit(endpoint)
    if len(endpoint) > MAX_ENDPOINT or not parts.hostname:
        raise SubscriptionInvalid("endpoint must be the push service's URL")
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise SubscriptionInvalid("endpoint must be an https URL")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    if not allow_private and not address.is_global:
        raise SubscriptionInvalid("endpoint must be a public push service")


def push_subscription_register(
    *,
    contact: Contact,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str,
    evidence: Evidence,
    now: datetime,
    allow_private: bool,
) -> PushSubscription:
    """Store the browser's subscription (moving it to this contact if the browser was
    someone else's) and grant push consent: the browser asked its user first."""
    push_endpoint_check(endpoint, allow_private=allow_private)
    key = _b64url(p256dh, 65, "p256dh")
    if key[0] != 4:
        raise SubscriptionInvalid("keys.p256dh must be an uncompressed P-256 point")
    _b64url(auth, 16, "auth")
    with transaction.atomic():
        subscription, _ = PushSubscription.objects.update_or_create(
            installation_id=contact.installation_id,
            endpoint=endpoint,
            defaults={
                "contact": contact,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": user_agent[:300],
                "expired_at": None,
            },
            create_defaults={
                "contact": contact,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": user_agent[:300],
                "created_at": now,
            },
        )
        _subscriptions_trim(contact, now)
        channel_consent_set(
            contact=contact,
            channel="push",
            granted=True,
            evidence=evidence,
            now=now,
        )
    return subscription


def _subscriptions_trim(contact: Contact, now: datetime) -> None:
    live = PushSubscription.objects.filter(contact=contact, expired_at__isnull=True)
    surplus = list(live.order_by("-created_at", "-pk").values_list("pk", flat=True))[
        MAX_SUBSCRIPTIONS:
    ]
    if surplus:
        PushSubscription.objects.filter(pk__in=surplus).update(expired_at=now)


def push_subscription_unregister(
    *, installation_id: int, endpoint: str, evidence: Evidence, now: datetime
) -> bool:
    """The browser unsubscribed: its row goes; with the contact's last live subscription
    gone, push consent is withdrawn. False when the endpoint is unknown."""
    with transaction.atomic():
        subscription = (
            PushSubscription.objects.select_related("contact")
            .filter(installation_id=installation_id, endpoint=endpoint)
            .first()
        )
        if subscription is None:
            return False
        contact = subscription.contact
        subscription.delete()
        if not PushSubscription.objects.filter(contact=contact, expired_at__isnull=True).exists():
            channel_consent_set(
                contact=contact, channel="push", granted=False, evidence=evidence, now=now
            )
    return True


def push_subscriptions_active(contact_id: int) -> list[PushSubscription]:
    return list(
        PushSubscription.objects.filter(contact_id=contact_id, expired_at__isnull=True).order_by(
            "pk"
        )
    )


def channels_merge(*, into: Contact, other: Contact) -> None:
    """Part of an identity merge (``contact_merge``), before ``other`` is deleted: its push
    subscriptions move (they would go with it), its number and channel consents fill what
    ``into`` lacks. ``into`` is saved by the caller."""
    PushSubscription.objects.filter(contact_id=other.pk).update(contact_id=into.pk)
    if not into.phone and other.phone:
        into.phone = other.phone
        if into.sms_consent == EmailConsent.UNKNOWN:
            into.sms_consent = other.sms_consent
    if into.push_consent == EmailConsent.UNKNOWN:
        into.push_consent = other.push_consent
    if into.postal_consent == EmailConsent.UNKNOWN:
        into.postal_consent = other.postal_consent
