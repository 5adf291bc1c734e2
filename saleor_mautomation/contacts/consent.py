"""Marketing consent: double opt-in, preferences, unsubscribe, each written to the ledger.

Links in messages carry signed tokens (Django's signer, keyed by SECRET_KEY, one salt per
purpose): a confirmation token expires after a week, preference and unsubscribe tokens do not
(links in old emails must keep working). Tokens are never returned to the storefront: the
confirmation message (messaging) is the only way to receive one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.core import signing
from django.db import transaction

from saleor_mautomation.contacts.identity import contact_for_visitor
from saleor_mautomation.contacts.lifecycle import stage_of
from saleor_mautomation.contacts.models import ConsentRecord, Contact, EmailConsent
from saleor_mautomation.contacts.services import email_normalize
from saleor_mautomation.contacts.signups import newsletter_subscribed_record
from saleor_mautomation.contacts.writeback import writeback_mark
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.events.changes import PROFILE, change_note
from saleor_mautomation.events.tallies import Tally, tallies_add

CONFIRM_MAX_AGE = timedelta(days=7)


class Purpose(StrEnum):
    CONFIRM = "mautomation.consent.confirm"
    PREFERENCES = "mautomation.consent.preferences"


class TokenInvalid(PermanentError):
    code = "consent_token_invalid"


@dataclass(frozen=True)
class Evidence:
    """Where a consent change came from, for the ledger."""

    source: str
    ip_address: str | None = None
    text_version: str = ""


def consent_token(contact: Contact, purpose: Purpose) -> str:
    return signing.dumps({"i": contact.installation_id, "c": contact.pk}, salt=purpose.value)


def contact_from_token(token: str, purpose: Purpose) -> Contact:
    max_age = CONFIRM_MAX_AGE if purpose is Purpose.CONFIRM else None
    try:
        data = signing.loads(token, salt=purpose.value, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenInvalid("This link has expired", code="consent_token_expired") from exc
    except signing.BadSignature as exc:
        raise TokenInvalid("This link is not valid") from exc
    contact = Contact.objects.filter(pk=data.get("c"), installation_id=data.get("i")).first()
    if contact is None:
        raise TokenInvalid("This link is not valid any more")
    return contact


def _ledger(
    contact: Contact,
    action: ConsentRecord.Action,
    evidence: Evidence,
    now: datetime,
    details: dict[str, object] | None = None,
) -> None:
    ConsentRecord.objects.create(
        installation_id=contact.installation_id,
        contact=contact,
        action=action,
        source=evidence.source,
        ip_address=evidence.ip_address,
        text_version=evidence.text_version,
        details=details or {},
        occurred_at=now,
    )


def _consent_set(
    contact: Contact,
    state: EmailConsent,
    action: ConsentRecord.Action,
    evidence: Evidence,
    now: datetime,
    details: dict[str, object] | None = None,
) -> Contact:
    """Move the email consent to ``state`` with a ledger row; a no-op when already there.
    The lifecycle stage follows (a contact without orders is a subscriber while consenting),
    and a Saleor customer becomes due for the write-back (consent and stage are written)."""
    with transaction.atomic():
        if contact.email_consent != state:
            _list_growth(contact, state, now)
            contact.email_consent = state
            contact.lifecycle_stage = stage_of(contact, now=now)
            writeback_mark(contact, now=now)
            contact.save(
                update_fields=["email_consent", "lifecycle_stage", "writeback_due_at", "updated_at"]
            )
            change_note(contact.pk, PROFILE)
            _ledger(contact, action, evidence, now, details)
    return contact


def _list_growth(contact: Contact, state: EmailConsent, now: datetime) -> None:
    """The shop's list grows by a granted consent and shrinks by a withdrawn one (of a
    contact that had granted it): tallied for the reports' list growth."""
    if state == EmailConsent.GRANTED:
        metric = "list.subscribed"
    elif contact.email_consent == EmailConsent.GRANTED:
        metric = "list.unsubscribed"
    else:
        return
    day = now.astimezone(UTC).date()
    tallies_add([Tally(installation_id=contact.installation_id, day=day, metric=metric)])


def subscription_request(
    *,
    installation_id: int,
    email: str,
    anonymous_id: str | None,
    evidence: Evidence,
    now: datetime,
) -> Contact:
    """Newsletter sign-up: pending until the address is confirmed (double opt-in)."""
    normalized = email_normalize(email)
    if normalized is None or "@" not in normalized:
        raise PermanentError("Enter a valid email address", code="email_invalid")
    with transaction.atomic():
        contact = contact_for_visitor(
            installation_id=installation_id, email=normalized, anonymous_id=anonymous_id
        )
        if contact is None:
            # The address belongs to an erased person: a new sign-up is a new wish to be known.
            contact = Contact.objects.create(installation_id=installation_id, email=normalized)
            change_note(contact.pk, PROFILE)
        # Granted stays granted; any other state (re-)requests, each request on the ledger.
        if contact.email_consent != EmailConsent.GRANTED:
            contact.email_consent = EmailConsent.PENDING
            contact.save(update_fields=["email_consent", "updated_at"])
            change_note(contact.pk, PROFILE)
            _ledger(contact, ConsentRecord.Action.REQUESTED, evidence, now)
    return contact


def subscription_confirm(*, token: str, evidence: Evidence, now: datetime) -> Contact:
    """The double opt-in confirmed: consent granted, ``newsletter.subscribed`` recorded (and
    ``contact.signed_up`` the first time, which the welcome enters on); a link opened again
    changes and records nothing."""
    contact = contact_from_token(token, Purpose.CONFIRM)
    with transaction.atomic():
        granted_before = contact.email_consent == EmailConsent.GRANTED
        _consent_set(contact, EmailConsent.GRANTED, ConsentRecord.Action.CONFIRMED, evidence, now)
        if not granted_before:
            newsletter_subscribed_record(contact=contact, occurred_at=now, source=evidence.source)
    return contact


def consent_withdraw(*, contact: Contact, evidence: Evidence, now: datetime) -> Contact:
    """Unsubscribe: effective at once, whatever the previous state."""
    return _consent_set(
        contact, EmailConsent.WITHDRAWN, ConsentRecord.Action.WITHDRAWN, evidence, now
    )


def preferences_update(
    *, contact: Contact, topics: dict[str, bool], evidence: Evidence, now: datetime
) -> Contact:
    with transaction.atomic():
        contact.preferences = {**contact.preferences, **topics}
        contact.save(update_fields=["preferences", "updated_at"])
        change_note(contact.pk, PROFILE)
        _ledger(contact, ConsentRecord.Action.PREFERENCES, evidence, now, {"topics": topics})
    return contact


def consent_imported(
    *,
    contact: Contact,
    granted: bool,
    evidence: Evidence,
    occurred_at: datetime,
    details: dict[str, object],
) -> bool:
    """An email consent given or withdrawn in another tool (a CSV import), on the ledger at
    the time it was given there, with ``details`` naming the file; False (nothing written)
    when the contact is in that state already. Whether the evidence is new enough to apply
    is the importer's decision (``imports.services``)."""
    state = EmailConsent.GRANTED if granted else EmailConsent.WITHDRAWN
    if contact.email_consent == state:
        return False
    action = ConsentRecord.Action.CONFIRMED if granted else ConsentRecord.Action.WITHDRAWN
    _consent_set(contact, state, action, evidence, occurred_at, details)
    return True
