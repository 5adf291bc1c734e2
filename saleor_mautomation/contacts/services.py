"""Writes of contacts: identity, profile from Saleor, erasure, engagement figures."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.commerce.services import commerce_anonymise, commerce_reassign
from saleor_mautomation.contacts import engagement
from saleor_mautomation.contacts.channels_consent import channels_merge
from saleor_mautomation.contacts.metadata import profile_from_metadata
from saleor_mautomation.contacts.models import (
    ConsentRecord,
    Contact,
    ContactAlias,
    ContactsConfig,
    ContactSpend,
    EmailConsent,
    ErasedIdentity,
    default_metadata_keys,
)
from saleor_mautomation.contacts.signals import contact_merging
from saleor_mautomation.contacts.timezones import country_time_zone
from saleor_mautomation.contacts.writeback import writeback_mark
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.events.changes import PROFILE, change_note
from saleor_mautomation.events.models import Event
from saleor_mautomation.events.services import events_erase, events_move
from saleor_mautomation.saleor import payloads

logger = logging.getLogger(__name__)


def email_normalize(email: str | None) -> str | None:
    value = (email or "").strip().lower()
    return value or None


_CONFIG_TTL = 60.0
_configs: dict[int, tuple[float, ContactsConfig]] = {}


def contacts_config(installation_id: int) -> ContactsConfig:
    """The installation's contacts settings, cached per process for a minute (read per event)."""
    now = clock.monotonic()
    cached = _configs.get(installation_id)
    if cached is not None and now - cached[0] < _CONFIG_TTL:
        return cached[1]
    config, _ = ContactsConfig.objects.get_or_create(
        installation_id=installation_id, defaults={"erasure_salt": secrets.token_hex(32)}
    )
    _configs[installation_id] = (now, config)
    return config


def contacts_config_clear_cache() -> None:
    _configs.clear()


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
    for name in ("birthday", "gender", "time_zone", "country", "city", "first_name", "last_name"):
        if not getattr(into, name) and getattr(other, name):
            setattr(into, name, getattr(other, name))
    # A refresh reads 180 days of email events: an older last open or click lives only here.
    into.last_email_open_at = _latest(into.last_email_open_at, other.last_email_open_at)
    into.last_email_click_at = _latest(into.last_email_click_at, other.last_email_click_at)
    channels_merge(into=into, other=other)  # push subscriptions, number, SMS/push consent
    contact_merging.send(sender=Contact, into_id=into.pk, other_id=other.pk, now=clock.now())
    other.delete()


def _apply_metadata(contact: Contact, user: payloads.User, keys: dict[str, str]) -> bool:
    """Profile fields from mapped metadata keys; True if the email consent changed."""
    profile = profile_from_metadata(user, keys)
    contact.birthday = profile.birthday or contact.birthday
    contact.gender = profile.gender or contact.gender
    contact.time_zone = profile.time_zone or contact.time_zone
    if profile.email_consent and profile.email_consent != contact.email_consent:
        contact.email_consent = profile.email_consent
        return True
    return False


def _apply_user(contact: Contact, user: payloads.User) -> None:
    address = user.default_billing_address or user.default_shipping_address
    contact.first_name = user.first_name or contact.first_name
    contact.last_name = user.last_name or contact.last_name
    contact.language_code = user.language_code or ""
    contact.date_joined = user.date_joined or contact.date_joined
    contact.metadata = {item.key: item.value for item in user.metadata}
    contact.source_updated_at = user.updated_at or contact.source_updated_at
    if address is not None:
        contact.country = address.country.code if address.country else contact.country
        contact.city = address.city.title() if address.city else contact.city
    if not contact.time_zone and contact.country:
        contact.time_zone = country_time_zone(contact.country)


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
        _apply_user(contact, user)
        contact.save()
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
    return contact


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
        found = (
            Contact.objects.select_for_update()
            .filter(installation_id=installation_id)
            .filter(Q(saleor_user_id__in=users) | Q(email__in=emails))
            .order_by("pk")
        )
        for contact in found:
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
        except IntegrityError:
            # Another worker created it between our look-up and insert: use theirs.
            contact = _find(installation_id, saleor_user_id, email)
        if state is not None and contact is not None:
            state.add(contact)
        return contact


def contact_erase(
    *, installation_id: int, saleor_user_id: str | None, email: str | None, erased_at: datetime
) -> bool:
    """Right to erasure: the contact, its events and every link from orders go; a keyed hash
    of the email stays so the person does not come back with a later order delivery."""
    email = email_normalize(email)
    _prefetched_forget()
    with transaction.atomic(savepoint=False):
        contact = _find(installation_id, saleor_user_id, email)
        erased_email = email or (contact.email if contact else None)
        if erased_email:
            config = contacts_config(installation_id)
            ErasedIdentity.objects.get_or_create(
                installation_id=installation_id,
                email_digest=email_digest(config, erased_email),
                defaults={"erased_at": erased_at},
            )
        if contact is None:
            commerce_anonymise(installation_id=installation_id, contact_id=None, email=erased_email)
            return False
        events_erase(contact_id=contact.pk)
        # The ledger stays as proof of consent, without the person: link and IP go.
        ConsentRecord.objects.filter(contact_id=contact.pk).update(contact=None, ip_address=None)
        commerce_anonymise(
            installation_id=installation_id, contact_id=contact.pk, email=erased_email
        )
        contact.delete()
    logger.info("Erased a contact of installation %s", installation_id)
    return True


_deferred: ContextVar[dict[int, Contact] | None] = ContextVar("engagement_deferred", default=None)


@contextmanager
def engagement_deferred(*, now: Callable[[], datetime]) -> Iterator[None]:
    """Within the block, order events mark their contact and the order figures are recomputed
    once per contact on leaving it (still inside the caller's transaction).

    Saleor's ``checkoutComplete`` alone sends four order events for one person; a drained
    batch or a backfill page then pays one refresh per contact instead of one per event.
    """
    token = _deferred.set({})
    try:
        yield
        pending = _deferred.get() or {}
    finally:
        _deferred.reset(token)
    if pending:
        for contact in Contact.objects.select_for_update().filter(pk__in=list(pending)):
            engagement_orders_refresh(contact=contact, now=now())


def engagement_touch(*, contact: Contact, now: datetime) -> None:
    """An order changed: recompute the contact's order figures now, or once at the end of
    ``engagement_deferred``."""
    pending = _deferred.get()
    if pending is None:
        engagement_orders_refresh(contact=contact, now=now)
    else:
        pending[contact.pk] = contact


# What each refresh sets, and so saves: a contact has some fifty columns, and an UPDATE of
# them all on every order would rewrite the profile fields nobody changed.
ORDER_FIGURES = (
    "orders_count",
    "first_order_at",
    "last_order_at",
    "favourite_categories",
    "predicted_next_order_at",
    "prediction_basis",
    "lifecycle_stage",
)
EMAIL_FIGURES = (
    "email_opens_30d",
    "email_opens_90d",
    "email_clicks_30d",
    "email_clicks_90d",
    "last_email_open_at",
    "last_email_click_at",
    "best_send_hour",
)
_MARKED = ("writeback_due_at", "updated_at")


def engagement_refresh(*, contact: Contact, now: datetime) -> None:
    """Recompute all of a contact's figures: from its orders, and from its email opens and
    clicks of the last 180 days (O(its orders + those events)).

    ``contact`` must be locked by the caller's transaction (``contact_resolve`` and
    ``contact_upsert_from_user`` return it locked), so concurrent refreshes serialise.
    """
    with transaction.atomic(savepoint=False):
        _email_figures_apply(contact, now=now)
        spend = _order_figures_apply(contact, now=now)
        writeback_mark(contact, now=now)
        _figures_save(contact, [*ORDER_FIGURES, *EMAIL_FIGURES], spend)


def engagement_orders_refresh(*, contact: Contact, now: datetime) -> None:
    """Recompute the figures an order can change (counts, dates, spend, prediction, stage).

    The email figures are left alone: they change only with email events
    (``engagement_email_refresh``) and as their windows slide (the nightly sweep). ``contact``
    must be locked by the caller's transaction.
    """
    with transaction.atomic(savepoint=False):
        spend = _order_figures_apply(contact, now=now)
        writeback_mark(contact, now=now)
        _figures_save(contact, ORDER_FIGURES, spend)


def engagement_email_refresh(*, contact: Contact, now: datetime) -> None:
    """Recompute the figures an email open or click can change (counts, last open and click,
    best send hour); the order figures are left alone. ``contact`` must be locked by the
    caller's transaction."""
    with transaction.atomic(savepoint=False):
        _email_figures_apply(contact, now=now)
        writeback_mark(contact, now=now)
        _figures_save(contact, EMAIL_FIGURES, None)


def _order_figures_apply(contact: Contact, *, now: datetime) -> dict[str, engagement.Spend]:
    """Set the order figures on the instance (the caller saves it) from one read of the
    contact's orders; returns the spend per currency, kept in its own table."""
    facts = [
        engagement.OrderFact(
            placed_at=placed_at,
            status=status,
            currency=currency,
            total_gross=total_gross,
            total_refunded=total_refunded,
            lines=lines,
        )
        for placed_at, status, currency, total_gross, total_refunded, lines in _order_rows(
            contact.pk
        )
    ]
    figures = engagement.engagement_of(facts)
    config = contacts_config(contact.installation_id)
    contact.orders_count = figures.orders_count
    contact.first_order_at = figures.first_order_at
    contact.last_order_at = figures.last_order_at
    contact.favourite_categories = figures.favourite_categories
    contact.predicted_next_order_at = figures.predicted_next_order_at
    contact.prediction_basis = figures.prediction_basis
    contact.lifecycle_stage = engagement.lifecycle_stage(
        orders_count=figures.orders_count,
        last_order_at=figures.last_order_at,
        subscribed=contact.email_consent == EmailConsent.GRANTED,
        now=now,
        thresholds=engagement.Thresholds(
            lapsing_after_days=config.lapsing_after_days,
            lapsed_after_days=config.lapsed_after_days,
            vip_min_orders=config.vip_min_orders,
        ),
    )
    return figures.spend


_ORDER_FACTS = ("placed_at", "status", "currency", "total_gross", "total_refunded", "lines")


def _order_rows(contact_id: int) -> list[tuple[Any, ...]]:
    """The columns of the contact's orders that its figures come from.

    On PostgreSQL a plain statement: its driver returns these types as the ORM does (but the
    JSON, which Django's loader leaves as text), and compiling the ORM query costs more than
    running it on this path, taken per order event. Other backends need the ORM's conversions.
    """
    if connection.vendor != "postgresql":
        return list(OrderRecord.objects.filter(contact_id=contact_id).values_list(*_ORDER_FACTS))
    rows = sql_rows(
        f"SELECT {', '.join(_ORDER_FACTS)} FROM {OrderRecord._meta.db_table} "  # noqa: S608
        "WHERE contact_id = %s",
        [contact_id],
        prepare=True,
    )
    return [
        (*row[:-1], json.loads(row[-1]) if isinstance(row[-1], str) else row[-1]) for row in rows
    ]


def _email_figures_apply(contact: Contact, *, now: datetime) -> None:
    """Set the email figures on the instance (the caller saves it): one query on the
    ``event_contact_time`` index, reading only the ``machine`` flag of the properties.

    Only 180 days are read, so the last open and click are kept when newer than what the
    window holds: events are append-only, so a stored moment is never too new.
    """
    facts = [
        engagement.EmailFact(occurred_at=occurred_at, type=type_, is_machine=machine is True)
        for occurred_at, type_, machine in Event.objects.filter(
            contact_id=contact.pk,
            occurred_at__gt=now - engagement.SEND_HOUR_WINDOW,
            type__in=engagement.EMAIL_EVENT_TYPES,
        ).values_list("occurred_at", "type", "properties__machine")
    ]
    figures = engagement.email_engagement_of(facts, time_zone=contact.time_zone, now=now)
    contact.email_opens_30d = figures.opens_30d
    contact.email_opens_90d = figures.opens_90d
    contact.email_clicks_30d = figures.clicks_30d
    contact.email_clicks_90d = figures.clicks_90d
    contact.last_email_open_at = _latest(contact.last_email_open_at, figures.last_open_at)
    contact.last_email_click_at = _latest(contact.last_email_click_at, figures.last_click_at)
    contact.best_send_hour = figures.best_send_hour


def _latest(stored: datetime | None, computed: datetime | None) -> datetime | None:
    return max((m for m in (stored, computed) if m is not None), default=None)


def _figures_save(
    contact: Contact, figures: Sequence[str], spend: dict[str, engagement.Spend] | None
) -> None:
    """Write the refreshed columns of the contact and, when given, its spend per currency.

    One round trip on PostgreSQL: the UPDATE of the contact carries the spend's upsert and the
    delete of its stale currencies as CTEs (other backends run them in turn). Values are
    adapted by the model's fields, as ``save(update_fields=...)`` would, and the change is
    noted for the segments as ``Contact.save`` notes it.
    """
    update = _contact_update_sql(contact, [*figures, *_MARKED])
    statements = [update] if spend is None else [*_spend_sql(contact.pk, spend), update]
    if connection.vendor == "postgresql":
        *ctes, main = statements
        prefix = ", ".join(f"s{n} AS ({sql})" for n, (sql, _) in enumerate(ctes))
        sql_rows(
            f"WITH {prefix} {main[0]}" if ctes else main[0],
            [param for _, params in statements for param in params],
            prepare=True,
        )
    else:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
    change_note(contact.pk, PROFILE)


def _contact_update_sql(contact: Contact, names: Sequence[str]) -> tuple[str, list[Any]]:
    by_name = {field.name: field for field in Contact._meta.concrete_fields}
    fields = [by_name[name] for name in names]
    values = [
        field.get_db_prep_save(field.pre_save(contact, add=False), connection) for field in fields
    ]
    assignments = ", ".join(f"{field.column} = %s" for field in fields)
    table = Contact._meta.db_table
    return f"UPDATE {table} SET {assignments} WHERE id = %s", [*values, contact.pk]  # noqa: S608


def _spend_sql(contact_id: int, spend: dict[str, engagement.Spend]) -> list[tuple[str, list[Any]]]:
    """Bring the contact's per-currency rows in line: delete the stale currencies, upsert the
    others (a row whose figures did not change is not rewritten)."""
    table = ContactSpend._meta.db_table
    currencies = sorted(spend)
    delete = f"DELETE FROM {table} WHERE contact_id = %s"  # noqa: S608 - the model's table
    if currencies:
        delete += f" AND currency NOT IN ({', '.join(['%s'] * len(currencies))})"
    statements: list[tuple[str, list[Any]]] = [(delete, [contact_id, *currencies])]
    if not currencies:
        return statements
    total = ContactSpend._meta.get_field("total")
    average = ContactSpend._meta.get_field("average_order_value")
    params: list[Any] = []
    for currency in currencies:
        figures = spend[currency]
        params += [
            contact_id,
            currency,
            figures.orders,
            total.get_db_prep_save(figures.total, connection),
            average.get_db_prep_save(figures.average_order_value, connection),
        ]
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(currencies))
    upsert = (
        f"INSERT INTO {table} (contact_id, currency, orders, total, average_order_value) "  # noqa: S608
        f"VALUES {rows} ON CONFLICT (contact_id, currency) DO UPDATE SET "
        "orders = excluded.orders, total = excluded.total, "
        "average_order_value = excluded.average_order_value "
        f"WHERE {table}.orders <> excluded.orders OR {table}.total <> excluded.total "
        f"OR {table}.average_order_value <> excluded.average_order_value"
    )
    statements.append((upsert, params))
    return statements


def _thresholds_valid(raw: Any) -> dict[str, list[str]]:
    """``{"USD": ["500", "1000"], ...}``: currency codes to positive amounts, kept as text."""
    problem = PermanentError(
        'Spend thresholds map currency codes to positive amounts, e.g. {"USD": ["500"]}',
        code="invalid_spend_thresholds",
    )
    if not isinstance(raw, dict) or len(raw) > 20:
        raise problem
    clean: dict[str, list[str]] = {}
    for currency, amounts in raw.items():
        if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
            raise problem
        if not isinstance(amounts, list) or not 0 < len(amounts) <= 10:
            raise problem
        try:
            values = sorted({Decimal(str(a)) for a in amounts})
        except (InvalidOperation, ValueError):
            raise problem from None
        if values[0] <= 0 or not all(v.is_finite() for v in values):
            raise problem
        clean[currency] = [f"{v.normalize():f}" for v in values]
    return clean


def contacts_config_update(
    *,
    installation_id: int,
    lapsing_after_days: int | None = None,
    lapsed_after_days: int | None = None,
    vip_min_orders: int | None = None,
    metadata_keys: dict[str, str] | None = None,
    spend_thresholds: dict[str, list[str]] | None = None,
) -> ContactsConfig:
    config = ContactsConfig.objects.get(pk=contacts_config(installation_id).pk)
    if spend_thresholds is not None:
        config.spend_thresholds = _thresholds_valid(spend_thresholds)
    if lapsing_after_days is not None:
        config.lapsing_after_days = lapsing_after_days
    if lapsed_after_days is not None:
        config.lapsed_after_days = lapsed_after_days
    if vip_min_orders is not None:
        config.vip_min_orders = vip_min_orders
    if not 0 < config.lapsing_after_days < config.lapsed_after_days:
        raise PermanentError(
            "Lapsing must start after 1 day and before lapsed", code="invalid_thresholds"
        )
    if config.vip_min_orders < 2:
        raise PermanentError("VIP needs at least 2 orders", code="invalid_thresholds")
    if metadata_keys is not None:
        unknown = set(metadata_keys) - set(default_metadata_keys())
        if unknown or not all(isinstance(v, str) and v for v in metadata_keys.values()):
            raise PermanentError(
                f"Metadata keys map {sorted(default_metadata_keys())} to non-empty keys",
                code="invalid_metadata_keys",
            )
        config.metadata_keys = metadata_keys
    config.save()
    _configs.pop(installation_id, None)
    return config
