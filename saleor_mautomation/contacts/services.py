"""Writes of contacts: identity (look-up, merge), profile from Saleor. The figures live in
``figures.py``, the settings in ``config.py``, erasure in ``erasure.py``."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from saleor_mautomation.commerce.services import commerce_reassign
from saleor_mautomation.contacts.attributes import metadata_from_saleor
from saleor_mautomation.contacts.channels_consent import channels_merge
from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.contacts.figures import later_of
from saleor_mautomation.contacts.lifecycle import stage_of
from saleor_mautomation.contacts.metadata import profile_from_metadata
from saleor_mautomation.contacts.models import (
    ConsentRecord,
    Contact,
    ContactAlias,
    ContactsConfig,
    EmailConsent,
    ErasedIdentity,
)
from saleor_mautomation.contacts.signups import signed_up_record
from saleor_mautomation.contacts.timezones import country_time_zone
from saleor_mautomation.core import clock
from saleor_mautomation.core.sql import model_select
from saleor_mautomation.events.changes import (
    ATTRIBUTES,
    CONTACT_MERGED,
    PROFILE,
    change_note,
    work_note,
)
from saleor_mautomation.events.services import events_move
from saleor_mautomation.saleor import payloads

logger = logging.getLogger(__name__)


def email_normalize(email: str | None) -> str | None:
    value = (email or "").strip().lower()
    return value or None


def email_digest(config: ContactsConfig, email: str) -> str:
    return hmac.new(config.erasure_salt.encode(), email.encode(), hashlib.sha256).hexdigest()


def email_is_erased(installation_id: int, email: str | None) -> bool:
    if not email:
        return False
    digest = email_digest(contacts_config(installation_id), email)
    return ErasedIdentity.objects.filter(
        installation_id=installation_id, email_digest=digest
    ).exists()


def _find(installation_id: int, saleor_user_id: str | None, email: str | None) -> Contact | None:
    if saleor_user_id:
        found = _locked_by(installation_id, "saleor_user_id", saleor_user_id)
        if found is not None:
            return found
    if email:
        return _locked_by(installation_id, "email", email)
    return None


@cache
def _lookup_sql(column: str, lock: bool) -> str:
    """The look-up as the ORM writes it (every column, no ORDER BY, FOR UPDATE), written once:
    it runs for every order and checkout event, and compiling it through the ORM cost more
    than running it. No ORDER BY (``first()`` would add one): both look-ups hit a unique
    index, and an ordering by id can tempt the planner into walking the contacts by id."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in Contact._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {quote(Contact._meta.db_table)} "  # noqa: S608 - the model's
        f"WHERE {quote('installation_id')} = %s AND {quote(column)} = %s LIMIT 1"
        + (" FOR UPDATE" if lock else "")
    )


def _locked_by(installation_id: int, column: str, value: str) -> Contact | None:
    sql = _lookup_sql(column, connection.features.has_select_for_update)
    return next(iter(Contact.objects.raw(sql, [installation_id, value])), None)


def contact_merge(*, into: Contact, other: Contact) -> None:
    """Fold ``other`` (a guest or anonymous contact) into ``into``: history moves, nothing lost."""
    _prefetched_forget()
    events_move(from_contact_id=other.pk, to_contact_id=into.pk)
    commerce_reassign(from_contact_id=other.pk, to_contact_id=into.pk)
    ContactAlias.objects.filter(contact_id=other.pk).update(contact_id=into.pk)
    ConsentRecord.objects.filter(contact_id=other.pk).update(contact_id=into.pk)
    if other.preferences:
        into.preferences = {**other.preferences, **into.preferences}
    if into.email_consent == EmailConsent.UNKNOWN:
        into.email_consent = other.email_consent
        into.lifecycle_stage = stage_of(into, now=clock.now())
    for name in (
        "birthday",
        "gender",
        "time_zone",
        "country",
        "city",
        "first_name",
        "last_name",
        "postal_address",
    ):
        if not getattr(into, name) and getattr(other, name):
            setattr(into, name, getattr(other, name))
    # A refresh reads 180 days of email events: an older last open or click lives only here.
    into.last_email_open_at = later_of(into.last_email_open_at, other.last_email_open_at)
    into.last_email_click_at = later_of(into.last_email_click_at, other.last_email_click_at)
    channels_merge(into=into, other=other)  # push subscriptions, number, SMS/push consent
    # What the higher layers hold (journey runs, messages, static lists) follows in the
    # coordinator's next step, which reads this row (``flows.merges``), then deletes it.
    other.merged_into = into
    other.email = other.saleor_user_id = None
    other.save(update_fields=["merged_into", "email", "saleor_user_id", "updated_at"])
    work_note(CONTACT_MERGED)


def _apply_metadata(contact: Contact, user: payloads.User, keys: dict[str, str]) -> bool:
    """Profile fields from mapped metadata keys; True if the email consent changed (the
    lifecycle stage follows it: ``lifecycle``).

    The metadata's consent counts when it changes, not each time Saleor sends the customer:
    a value left as it was (a storefront that wrote "granted" once) says nothing new, so an
    unsubscribe or a confirmation made since through the app stands. A contact known before
    the app kept the value read it for the first time: only a withdrawal is taken then."""
    profile = profile_from_metadata(user, keys)
    contact.birthday = profile.birthday or contact.birthday
    contact.gender = profile.gender or contact.gender
    contact.time_zone = profile.time_zone or contact.time_zone
    said = profile.email_consent
    previous, contact.metadata_consent_seen = contact.metadata_consent_seen, said or ""
    if said is None or said == contact.email_consent or (said or "") == previous:
        return False
    first_read_of_known = previous is None and contact.pk is not None
    if (
        first_read_of_known
        and contact.email_consent != EmailConsent.UNKNOWN
        and said != EmailConsent.WITHDRAWN
    ):
        return False
    contact.email_consent = said
    contact.lifecycle_stage = stage_of(contact, now=clock.now())
    return True


def postal_address_of(address: payloads.Address | None) -> dict[str, str]:
    """A Saleor address as a card would carry it ({} for none); the phone is left out."""
    if address is None:
        return {}
    fields = ("first_name", "last_name", "company_name", "street_address_1", "street_address_2")
    more = ("postal_code", "city", "city_area", "country_area")
    found = {name: getattr(address, name) for name in (*fields, *more)}
    return {**found, "country": address.country.code if address.country else ""}


def _apply_user(contact: Contact, user: payloads.User) -> None:
    address = user.default_billing_address or user.default_shipping_address
    contact.first_name = user.first_name or contact.first_name
    contact.last_name = user.last_name or contact.last_name
    contact.language_code = user.language_code or ""
    contact.date_joined = user.date_joined or contact.date_joined
    saleor = {item.key: item.value for item in user.metadata}
    metadata_from_saleor(contact, saleor, at=user.updated_at or clock.now())
    contact.source_updated_at = user.updated_at or contact.source_updated_at
    if address is not None:
        contact.country = address.country.code if address.country else contact.country
        contact.city = address.city.title() if address.city else contact.city
    if not contact.time_zone and contact.country:
        contact.time_zone = country_time_zone(contact.country)
    contact.postal_address = postal_address_of(
        user.default_shipping_address or user.default_billing_address
    )


def contact_upsert_from_user(*, installation_id: int, user: payloads.User) -> Contact:
    """Create or update the contact of a Saleor customer (deliveries and backfill).

    An older delivery than the stored profile changes nothing; a guest contact with the same
    email becomes this customer's; an email change that meets another contact merges the two.
    A customer account made after an erasure is a new wish to be known: the tombstone goes.
    """
    email = email_normalize(user.email)
    # accountRegister answers an empty id while the email awaits confirmation.
    user_id = user.id or None
    _prefetched_forget()
    with transaction.atomic(savepoint=False):
        contact = _find(installation_id, user_id, email)
        if contact is None:
            contact = Contact(installation_id=installation_id, saleor_user_id=user_id, email=email)
            if email and email_is_erased(installation_id, email):
                config = contacts_config(installation_id)
                ErasedIdentity.objects.filter(
                    installation_id=installation_id, email_digest=email_digest(config, email)
                ).delete()
        elif (
            contact.source_updated_at
            and user.updated_at
            and user.updated_at < contact.source_updated_at
        ):
            return contact
        if email and contact.email != email:
            holder = (
                Contact.objects.select_for_update()
                .filter(installation_id=installation_id, email=email)
                .exclude(pk=contact.pk)
                .first()
            )
            if holder is not None and contact.pk is not None:
                if holder.saleor_user_id and holder.saleor_user_id != user_id:
                    raise IntegrityError(f"{email} belongs to another Saleor customer")
                contact_merge(into=contact, other=holder)
            elif holder is not None:
                contact = holder
        contact.saleor_user_id = user_id or contact.saleor_user_id
        contact.email = email
        contact.is_customer = True
        consent_changed = _apply_metadata(
            contact, user, contacts_config(installation_id).metadata_keys
        )
        metadata = contact.metadata
        _apply_user(contact, user)
        contact.save()
        change_note(contact.pk, PROFILE)
        if contact.metadata != metadata:
            change_note(contact.pk, ATTRIBUTES)
        if consent_changed:
            ConsentRecord.objects.create(
                installation_id=installation_id,
                contact=contact,
                action=ConsentRecord.Action.CONFIRMED
                if contact.email_consent == EmailConsent.GRANTED
                else ConsentRecord.Action.WITHDRAWN,
                source="saleor.metadata",
                occurred_at=user.updated_at or clock.now(),
            )
            if contact.email_consent == EmailConsent.GRANTED:
                # A Saleor customer consenting in its metadata has signed up (once per
                # contact, the welcome's entry: ``signups``).
                signed_up_record(
                    contact=contact,
                    via="account",
                    occurred_at=user.updated_at or clock.now(),
                    source="saleor.metadata",
                )
    return contact


def _simple_identities(
    users: Sequence[payloads.User],
) -> list[tuple[str | None, str | None]] | None:
    """Each user's ``(user id, email)``, or ``None`` when two users of the batch share one
    (the second must see the first's write: ``contacts_upsert_from_users`` goes one by one)."""
    identities = [(user.id or None, email_normalize(user.email)) for user in users]
    users_seen = [user_id for user_id, _ in identities if user_id]
    emails_seen = [email for _, email in identities if email]
    if len(set(users_seen)) < len(users_seen) or len(set(emails_seen)) < len(emails_seen):
        return None
    return identities


def contacts_upsert_from_users(
    *, installation_id: int, users: Sequence[payloads.User]
) -> list[Contact]:
    """``contact_upsert_from_user`` for a page of customers (the backfill), in a few queries.

    One query finds and locks (in id order) every contact the page's ids and emails name, one
    more knows which new emails are erased people's; new contacts are inserted in one statement,
    known ones updated in one, consent changes recorded in one. Each contact ends as the
    one-by-one service would leave it. A page where that service would do more than set fields
    (an email that meets another contact: a merge or a refusal; an erased email coming back; a
    customer or email twice in the page) goes one by one instead, in order.
    """
    identities = _simple_identities(users)
    _prefetched_forget()
    if identities is None:
        return [contact_upsert_from_user(installation_id=installation_id, user=u) for u in users]
    user_ids = [user_id for user_id, _ in identities if user_id]
    emails = [email for _, email in identities if email]
    by_user: dict[str, Contact] = {}
    by_email: dict[str, Contact] = {}
    found = (
        Contact.objects.select_for_update()
        .filter(installation_id=installation_id)
        .filter(Q(saleor_user_id__in=user_ids) | Q(email__in=emails))
        .order_by("pk")
    )
    for contact in found:
        if contact.saleor_user_id:
            by_user[contact.saleor_user_id] = contact
        if contact.email:
            by_email[contact.email] = contact
    new_emails = [email for email in emails if email not in by_email]
    if new_emails:
        config = contacts_config(installation_id)
        digests = {email_digest(config, email): email for email in new_emails}
        if ErasedIdentity.objects.filter(
            installation_id=installation_id, email_digest__in=list(digests)
        ).exists():
            return [
                contact_upsert_from_user(installation_id=installation_id, user=u) for u in users
            ]
    planned: list[tuple[Contact, payloads.User, bool]] = []  # (contact, user, write it)
    for user, (user_id, email) in zip(users, identities, strict=True):
        match = (by_user.get(user_id) if user_id else None) or (
            by_email.get(email) if email else None
        )
        contact = match or Contact(
            installation_id=installation_id, saleor_user_id=user_id, email=email
        )
        if match is not None and email and match.email != email and email in by_email:
            # The email meets another contact: a merge or a refusal, one by one.
            return [
                contact_upsert_from_user(installation_id=installation_id, user=u) for u in users
            ]
        older = (
            contact.pk is not None
            and contact.source_updated_at
            and user.updated_at
            and user.updated_at < contact.source_updated_at
        )
        planned.append((contact, user, not older))
    return _contacts_write(installation_id, planned)


# What ``_apply_metadata`` and ``_apply_user`` may change, with the identity: a known contact's
# UPDATE writes these (and ``updated_at``), as its ``save()`` would have written them all.
_USER_FIELDS = (
    "saleor_user_id",
    "email",
    "is_customer",
    "birthday",
    "gender",
    "time_zone",
    "metadata_consent_seen",
    "email_consent",
    "lifecycle_stage",
    "first_name",
    "last_name",
    "language_code",
    "date_joined",
    "metadata",
    "attribute_writes",
    "source_updated_at",
    "country",
    "city",
    "postal_address",
)


def _contacts_write(
    installation_id: int, planned: Sequence[tuple[Contact, payloads.User, bool]]
) -> list[Contact]:
    keys = contacts_config(installation_id).metadata_keys
    consent: list[tuple[Contact, payloads.User]] = []
    for contact, user, write in planned:
        if not write:
            continue
        contact.saleor_user_id = (user.id or None) or contact.saleor_user_id
        contact.email = email_normalize(user.email)
        contact.is_customer = True
        if _apply_metadata(contact, user, keys):
            consent.append((contact, user))
        _apply_user(contact, user)
    new = [contact for contact, _, write in planned if write and contact.pk is None]
    known = [contact for contact, _, write in planned if write and contact.pk is not None]
    with transaction.atomic(savepoint=False):
        Contact.objects.bulk_create(new)
        if known:
            now = timezone.now()  # as ``auto_now`` sets it on save
            for contact in known:
                contact.updated_at = now
            Contact.objects.bulk_update(known, [*_USER_FIELDS, "updated_at"])
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                installation_id=installation_id,
                contact=contact,
                action=ConsentRecord.Action.CONFIRMED
                if contact.email_consent == EmailConsent.GRANTED
                else ConsentRecord.Action.WITHDRAWN,
                source="saleor.metadata",
                occurred_at=user.updated_at or clock.now(),
            )
            for contact, user in consent
        )
    for contact, _, write in planned:
        if write:
            change_note(contact.pk, PROFILE)
    return [contact for contact, _, _ in planned]


class _Prefetched:
    """A drained batch's contacts, found and locked by one query (``contacts_prefetched``).

    Keys are ``(installation_id, value)``; ``asked`` holds the identities the query covered, so
    an identity asked for and not found is known to have no contact yet (no look-up needed),
    and ``erased`` the asked emails of erased people.
    """

    def __init__(self) -> None:
        self.by_user: dict[tuple[int, str], Contact] = {}
        self.by_email: dict[tuple[int, str], Contact] = {}
        self.asked_users: set[tuple[int, str]] = set()
        self.asked_emails: set[tuple[int, str]] = set()
        self.erased: set[tuple[int, str]] = set()

    def add(self, contact: Contact) -> None:
        if contact.saleor_user_id:
            self.by_user[(contact.installation_id, contact.saleor_user_id)] = contact
        if contact.email:
            self.by_email[(contact.installation_id, contact.email)] = contact

    def covers(self, installation_id: int, user_id: str | None, email: str | None) -> bool:
        return (not user_id or (installation_id, user_id) in self.asked_users) and (
            not email or (installation_id, email) in self.asked_emails
        )

    def find(self, installation_id: int, user_id: str | None, email: str | None) -> Contact | None:
        found = self.by_user.get((installation_id, user_id)) if user_id else None
        if found is None and email:
            found = self.by_email.get((installation_id, email))
        return found

    def forget(self) -> None:
        """Identities may have changed (a profile update, merge or erasure): look up again."""
        for known in (self.by_user, self.by_email, self.asked_users, self.asked_emails):
            known.clear()
        self.erased.clear()


_prefetched: ContextVar[_Prefetched | None] = ContextVar("contacts_prefetched", default=None)


@contextmanager
def contacts_prefetched(
    identities: Sequence[tuple[int, str | None, str | None]],
) -> Iterator[None]:
    """Within the block, ``contact_resolve`` answers from one query that found and locked
    the contacts of every ``(installation_id, saleor_user_id, email)`` given (in id order, so
    two workers never deadlock on them) and knew which new emails belong to erased people:
    a drained batch of orders then costs two queries instead of one or two per delivery."""
    state = _Prefetched()
    by_installation: dict[int, tuple[set[str], set[str]]] = {}
    for installation_id, user_id, raw_email in identities:
        users, emails = by_installation.setdefault(installation_id, (set(), set()))
        email = email_normalize(raw_email)
        if user_id:
            users.add(user_id)
        if email:
            emails.add(email)
    for installation_id, (users, emails) in by_installation.items():
        for contact in _contacts_locked(installation_id, users, emails):
            state.add(contact)
        state.asked_users |= {(installation_id, user) for user in users}
        state.asked_emails |= {(installation_id, email) for email in emails}
        new = [e for e in emails if (installation_id, e) not in state.by_email]
        if new:
            config = contacts_config(installation_id)
            digests = {email_digest(config, email): email for email in new}
            erased = ErasedIdentity.objects.filter(
                installation_id=installation_id, email_digest__in=list(digests)
            ).values_list("email_digest", flat=True)
            state.erased |= {(installation_id, digests[digest]) for digest in erased}
    token = _prefetched.set(state)
    try:
        yield
    finally:
        _prefetched.reset(token)


def _contacts_locked(installation_id: int, users: set[str], emails: set[str]) -> list[Contact]:
    """The installation's contacts with one of these Saleor users or emails, locked in id
    order; on PostgreSQL one statement whose arrays are bound, not quoted into it."""
    if connection.vendor == "postgresql":
        return model_select(
            Contact,
            "installation_id = %s AND (saleor_user_id = ANY(%s::varchar[]) "
            "OR email = ANY(%s::varchar[]))",
            [installation_id, list(users), list(emails)],
            suffix="ORDER BY id FOR UPDATE",
            # Planned for its arrays each time: a generic plan of the OR of two ANYs scans
            # the installation's contacts (PostgreSQL cannot size a bound array).
            prepare=False,
        )
    return list(
        Contact.objects.select_for_update()
        .filter(installation_id=installation_id)
        .filter(Q(saleor_user_id__in=users) | Q(email__in=emails))
        .order_by("pk")
    )


def _prefetched_forget() -> None:
    state = _prefetched.get()
    if state is not None:
        state.forget()


def contact_resolve(
    *, installation_id: int, saleor_user_id: str | None, email: str | None
) -> Contact | None:
    """The contact behind an order or checkout, made as a guest if new; ``None`` when the
    email belongs to an erased person (the record is then kept anonymous) or is missing."""
    email = email_normalize(email)
    state = _prefetched.get()
    known = state is not None and state.covers(installation_id, saleor_user_id, email)
    with transaction.atomic(savepoint=False):
        if known:
            assert state is not None
            contact = state.find(installation_id, saleor_user_id, email)
        else:
            contact = _find(installation_id, saleor_user_id, email)
        if contact is not None:
            if email and not contact.email:
                contact.email = email
                contact.save(update_fields=["email", "updated_at"])
                change_note(contact.pk, PROFILE)
                if state is not None:
                    state.add(contact)
            return contact
        if email is None and saleor_user_id is None:
            return None
        if known:
            assert state is not None
            if email and (installation_id, email) in state.erased:
                return None
        elif email_is_erased(installation_id, email):
            return None
        try:
            with transaction.atomic():
                contact = Contact.objects.create(
                    installation_id=installation_id, saleor_user_id=saleor_user_id, email=email
                )
            change_note(contact.pk, PROFILE)
        except IntegrityError:
            # Another worker created it between our look-up and insert: use theirs.
            contact = _find(installation_id, saleor_user_id, email)
        if state is not None and contact is not None:
            state.add(contact)
        return contact
