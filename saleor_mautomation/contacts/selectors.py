"""Reads of contacts for the Dashboard: the list, one profile, its timeline, a GDPR export.

Every function takes the installation id and filters by it first, so an id alone never reaches
a row of another shop. Lists page by keyset, not offset: the cursor carries the sort value and
the id of the last row seen, so a deep page costs what the first one does, and rows created
between two requests neither repeat nor push unseen rows past the cursor.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.db.models import Exists, F, Model, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import OrderBy

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.models import Contact, ContactSpend
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.events.models import Event

MAX_PAGE_SIZE = 100
MAX_SEARCH_TERMS = 5
MAX_CURSOR_LENGTH = 200
_MAX_BIGINT = 2**63 - 1

M = TypeVar("M", bound=Model)


class InvalidPagination(PermanentError):
    """A cursor that is not one of this list's (tampered, or from another sort), or a negative
    page size: the caller's mistake, answered as such instead of as a server fault."""

    code = "invalid_cursor"


@dataclass(frozen=True)
class Keyset:
    """A descending order on ``field`` then ``id`` (NULLs last), and the cursors that resume it.

    ``tag`` names the order inside the cursor, so a cursor of one order is refused by another.
    """

    tag: str
    field: str
    kind: type[datetime] | type[int]
    nullable: bool = False

    def order_by(self) -> list[OrderBy]:
        return [F(self.field).desc(nulls_last=True), F("id").desc()]

    def after(self, value: datetime | int | None, pk: int) -> Q:
        """The rows that come after (``value``, ``pk``) in this order."""
        if value is None:
            return Q(**{f"{self.field}__isnull": True, "id__lt": pk})
        later = Q(**{f"{self.field}__lt": value}) | Q(**{self.field: value, "id__lt": pk})
        return later | Q(**{f"{self.field}__isnull": True}) if self.nullable else later

    def encode(self, row: Model) -> str:
        value = getattr(row, self.field)
        plain = value.isoformat() if isinstance(value, datetime) else value
        raw = json.dumps([self.tag, plain, row.pk], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[datetime | int | None, int]:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise InvalidPagination("Invalid cursor: too long")
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            tag, plain, pk = json.loads(raw)
            value = self._value(plain)
        except (ValueError, TypeError, binascii.Error) as exc:
            raise InvalidPagination(f"Invalid cursor: {cursor[:60]!r}") from exc
        if tag != self.tag or type(pk) is not int or not 0 < pk <= _MAX_BIGINT:
            raise InvalidPagination("This cursor belongs to another list or sort order")
        return value, pk

    def _value(self, plain: object) -> datetime | int | None:
        if plain is None and self.nullable:
            return None
        if self.kind is int and type(plain) is int and 0 <= plain <= _MAX_BIGINT:
            return plain
        if self.kind is datetime and isinstance(plain, str):
            value = datetime.fromisoformat(plain)
            if value.tzinfo is not None:
                return value
        raise ValueError(f"not a {self.tag} cursor value")


@dataclass(frozen=True)
class Edge(Generic[M]):
    cursor: str
    node: M


@dataclass(frozen=True)
class Page(Generic[M]):
    """One page of a list; ``total_count()`` runs its COUNT only when called (a count of a
    large filtered list is a scan the list itself does not need)."""

    edges: list[Edge[M]]
    has_next_page: bool
    counter: Callable[[], int]

    @property
    def nodes(self) -> list[M]:
        return [edge.node for edge in self.edges]

    @property
    def end_cursor(self) -> str | None:
        return self.edges[-1].cursor if self.edges else None

    def total_count(self) -> int:
        return self.counter()


def _paginate(rows: QuerySet[M], keyset: Keyset, *, first: int, after: str | None) -> Page[M]:
    """``first`` rows after the cursor (at most ``MAX_PAGE_SIZE``), one more read to learn
    whether another page follows."""
    if first < 0:
        raise InvalidPagination("first must not be negative", code="invalid_page_size")
    size = min(first, MAX_PAGE_SIZE)
    page = rows if after is None else rows.filter(keyset.after(*keyset.decode(after)))
    found = list(page.order_by(*keyset.order_by())[: size + 1])
    return Page(
        edges=[Edge(cursor=keyset.encode(row), node=row) for row in found[:size]],
        has_next_page=len(found) > size,
        counter=rows.count,
    )


class ContactSort(StrEnum):
    CREATED_AT = "created_at"
    LAST_ORDER_AT = "last_order_at"
    TOTAL_ORDERS = "total_orders"


CONTACT_KEYSETS = {
    ContactSort.CREATED_AT: Keyset("created_at", "created_at", datetime),
    ContactSort.LAST_ORDER_AT: Keyset("last_order_at", "last_order_at", datetime, nullable=True),
    ContactSort.TOTAL_ORDERS: Keyset("total_orders", "orders_count", int),
}
TIMELINE_KEYSET = Keyset("occurred_at", "occurred_at", datetime)


@dataclass(frozen=True)
class SpendAtLeast:
    """Spend of at least ``amount`` in ``currency``: amounts are never compared across
    currencies, so the threshold names its own."""

    currency: str
    amount: Decimal


@dataclass(frozen=True)
class ContactFilters:
    """Conditions a listed contact meets, all of them. An empty list filters nothing (a UI
    with no box ticked); last order dates form the half-open range [after, before)."""

    lifecycle_stages: Sequence[str] = ()
    has_ordered: bool | None = None
    countries: Sequence[str] = ()
    email_consents: Sequence[str] = ()
    spend_at_least: SpendAtLeast | None = None
    last_order_after: datetime | None = None
    last_order_before: datetime | None = None
    # Contact ids a layer above picked (a segment's members): a subquery, as contacts
    # cannot import the segments that hold them.
    among: QuerySet[Any] | None = None


def _filtered(contacts: QuerySet[Contact], filters: ContactFilters) -> QuerySet[Contact]:
    if filters.lifecycle_stages:
        contacts = contacts.filter(lifecycle_stage__in=list(filters.lifecycle_stages))
    if filters.has_ordered is not None:
        ordered = Q(orders_count__gt=0)
        contacts = contacts.filter(ordered if filters.has_ordered else ~ordered)
    if filters.countries:
        contacts = contacts.filter(country__in=[code.upper() for code in filters.countries])
    if filters.email_consents:
        contacts = contacts.filter(email_consent__in=list(filters.email_consents))
    if filters.spend_at_least is not None:
        threshold = filters.spend_at_least
        spend = ContactSpend.objects.filter(
            contact=OuterRef("pk"),
            currency=threshold.currency.upper(),
            total__gte=threshold.amount,
        )
        contacts = contacts.filter(Exists(spend))
    if filters.last_order_after is not None:
        contacts = contacts.filter(last_order_at__gte=filters.last_order_after)
    if filters.last_order_before is not None:
        contacts = contacts.filter(last_order_at__lt=filters.last_order_before)
    if filters.among is not None:
        contacts = contacts.filter(pk__in=filters.among)
    return contacts


def _searched(contacts: QuerySet[Contact], search: str) -> QuerySet[Contact]:
    """Every word must appear in the email, first or last name, so "jane doe" finds Jane Doe.

    ``icontains`` scans; a pg_trgm GIN index on the three columns is the follow-up at scale.
    """
    for term in search.split()[:MAX_SEARCH_TERMS]:
        contacts = contacts.filter(
            Q(email__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )
    return contacts


def _with_spend(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    return contacts.prefetch_related(
        Prefetch("spend", queryset=ContactSpend.objects.order_by("currency"))
    )


def contacts_page(
    *,
    installation_id: int,
    search: str | None = None,
    filters: ContactFilters | None = None,
    sort: ContactSort = ContactSort.CREATED_AT,
    first: int = 20,
    after: str | None = None,
) -> Page[Contact]:
    contacts = Contact.objects.filter(installation_id=installation_id)
    contacts = _filtered(contacts, filters or ContactFilters())
    if search:
        contacts = _searched(contacts, search)
    return _paginate(_with_spend(contacts), CONTACT_KEYSETS[sort], first=first, after=after)


def contact_detail(*, installation_id: int, contact_id: int) -> Contact | None:
    """The contact, or ``None`` both when it does not exist and when another shop holds it."""
    contacts = Contact.objects.filter(installation_id=installation_id, pk=contact_id)
    return _with_spend(contacts).first()


def contact_timeline(
    *,
    installation_id: int,
    contact_id: int,
    first: int = 20,
    after: str | None = None,
    types: Sequence[str] | None = None,
) -> Page[Event]:
    """The contact's events, newest first; ``types`` (when not empty) keeps those types only."""
    events = Event.objects.filter(installation_id=installation_id, contact_id=contact_id)
    if types:
        events = events.filter(type__in=list(types))
    return _paginate(events, TIMELINE_KEYSET, first=first, after=after)


def _plain(value: object) -> object:
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_row(obj: Model, *, omit: Sequence[str] = ()) -> dict[str, Any]:
    """Every stored column of ``obj`` but ``omit``: a column added later is exported without
    anyone remembering to list it, which is what a complete access request needs."""
    skipped = {"installation", "contact", *omit}
    return {
        f.name: _plain(f.value_from_object(obj))
        for f in obj._meta.concrete_fields
        if f.name not in skipped
    }


def contact_export(*, installation_id: int, contact_id: int) -> dict[str, Any] | None:
    """Everything this app holds about one person (GDPR art. 15), as JSON-ready data.

    The contact row carries the profile, metadata, consent and engagement figures; then come
    spend per currency, events with their properties, the orders and checkouts linked to the
    contact with their lines, its anonymous storefront ids and its consent ledger. Left out:
    write-back state and event dedupe keys (internal bookkeeping), checkout tokens and the
    push subscriptions' encryption keys (credentials, not data about the person). What the
    layers above contacts hold (messages, journey runs, segments and lists) is added by the
    GraphQL export (``graphql.contacts``) from each domain's ``privacy`` module.
    """
    contact = contact_detail(installation_id=installation_id, contact_id=contact_id)
    if contact is None:
        return None
    scoped = {"installation_id": installation_id, "contact_id": contact.pk}
    events = Event.objects.filter(**scoped).order_by("occurred_at", "id")
    orders = OrderRecord.objects.filter(**scoped).order_by("placed_at", "id")
    checkouts = CheckoutRecord.objects.filter(**scoped).order_by("created_at", "id")
    return {
        "exported_at": clock.now().isoformat(),
        "contact": export_row(
            contact,
            omit=["writeback_due_at", "writeback_hash", "writeback_refusals", "merged_into"],
        ),
        "spend": [export_row(spend) for spend in contact.spend.all()],
        "events": [export_row(event, omit=["dedupe_key"]) for event in events],
        "orders": [export_row(order) for order in orders],
        "checkouts": [export_row(checkout, omit=["token"]) for checkout in checkouts],
        "anonymous_ids": [export_row(alias) for alias in contact.aliases.order_by("created_at")],
        "consent_ledger": [
            export_row(record) for record in contact.consents.order_by("occurred_at")
        ],
        "push_subscriptions": [
            export_row(subscription, omit=["p256dh", "auth"])
            for subscription in contact.push_subscriptions.order_by("created_at", "id")
        ],
    }
