"""Ingestion of Saleor objects, shared by webhook handlers and the backfill.

Both paths call these functions, so a customer, order or checkout seen by either converges on
the same records and the same events (the semantic event keys, e.g. ``order.placed:<id>``,
are the same whichever path saw the order first).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from saleor_mautomation.commerce.services import (
    Upserted,
    checkout_upsert,
    order_upsert,
    orders_upsert,
)
from saleor_mautomation.contacts.figures import engagement_orders_refresh_many, engagement_touch
from saleor_mautomation.contacts.identity import visitor_link
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.services import (
    contact_resolve,
    contact_upsert_from_user,
    contacts_upsert_from_users,
)
from saleor_mautomation.core import clock
from saleor_mautomation.events.services import event_add
from saleor_mautomation.saleor import payloads


def record(
    *,
    installation_id: int,
    contact: Contact | None,
    type: str,
    key: str,
    occurred_at: datetime,
    source: str,
    properties: dict[str, Any] | None = None,
) -> None:
    event_add(
        installation_id=installation_id,
        contact_id=contact.pk if contact else None,
        type=type,
        occurred_at=occurred_at,
        source=source,
        dedupe_key=f"{type}:{key}",
        properties=properties or {},
    )


def product_facts(
    lines: list[payloads.CheckoutLine] | list[payloads.OrderLine],
) -> dict[str, list[str]]:
    products: list[str] = []
    categories: list[str] = []
    for line in lines:
        product = line.variant.product if line.variant else None
        if product and product.id not in products:
            products.append(product.id)
        if product and product.category and product.category.id not in categories:
            categories.append(product.category.id)
    return {"product_ids": products, "category_ids": categories}


def checkout_identity(checkout: payloads.Checkout) -> tuple[str | None, str | None]:
    """The (Saleor user id, email) whose contact a checkout belongs to."""
    return (checkout.user.id if checkout.user else None, checkout.email)


def order_identity(order: payloads.Order) -> tuple[str | None, str | None]:
    """The (Saleor user id, email) whose contact an order belongs to."""
    return (order.user.id if order.user else None, order.user_email)


# The checkout metadata key a storefront sets to its visitor's anonymous id: the checkout (its
# email or customer) proves whose browser it is, so the anonymous history joins that contact.
ANONYMOUS_ID_KEY = "mautomation.anonymous_id"
MAX_ANONYMOUS_ID = 64


def checkout_anonymous_id(checkout: payloads.Checkout) -> str | None:
    """The storefront's anonymous id in the checkout's metadata, if it is a plausible one."""
    for item in checkout.metadata:
        if item.key == ANONYMOUS_ID_KEY and 8 <= len(item.value) <= MAX_ANONYMOUS_ID:
            return item.value
    return None


def ingest_customer(
    *, installation_id: int, user: payloads.User, occurred_at: datetime, source: str
) -> Contact:
    """A Saleor customer (created): the contact, and a ``customer.created`` event once."""
    contact = contact_upsert_from_user(installation_id=installation_id, user=user)
    _customer_created(installation_id, contact, user, occurred_at, source)
    return contact


def _customer_created(
    installation_id: int, contact: Contact, user: payloads.User, occurred_at: datetime, source: str
) -> None:
    """The ``customer.created`` event, once per Saleor customer (at their joining date)."""
    if user.id:
        record(
            installation_id=installation_id,
            contact=contact,
            type="customer.created",
            key=user.id,
            occurred_at=user.date_joined or occurred_at,
            source=source,
        )


def ingest_customers(
    *, installation_id: int, users: Sequence[tuple[payloads.User, datetime]], source: str
) -> list[Contact]:
    """``ingest_customer`` for a page of customers (the backfill), each with its
    ``occurred_at``: the same contacts and events, written in a few statements for the page
    (``contacts_upsert_from_users``)."""
    contacts = contacts_upsert_from_users(
        installation_id=installation_id, users=[user for user, _ in users]
    )
    for (user, occurred_at), contact in zip(users, contacts, strict=True):
        _customer_created(installation_id, contact, user, occurred_at, source)
    return contacts


def ingest_checkout(
    *,
    installation_id: int,
    checkout: payloads.Checkout,
    type: str,
    occurred_at: datetime,
    source: str,
) -> Upserted:
    user_id, email = checkout_identity(checkout)
    contact = contact_resolve(installation_id=installation_id, saleor_user_id=user_id, email=email)
    anonymous_id = checkout_anonymous_id(checkout)
    if contact is not None and anonymous_id:
        visitor_link(installation_id=installation_id, anonymous_id=anonymous_id, contact=contact)
    upserted = checkout_upsert(
        installation_id=installation_id,
        checkout=checkout,
        contact_id=contact.pk if contact else None,
        seen_at=occurred_at,
    )
    # The event is a fact about its moment even when a newer state is already stored.
    totals = checkout.total_price or checkout.subtotal_price
    version = (checkout.updated_at or occurred_at).isoformat()
    record(
        installation_id=installation_id,
        contact=contact,
        type=type,
        key=f"{checkout.id}:{version}",
        occurred_at=occurred_at,
        source=source,
        properties={
            "checkout_id": checkout.id,
            "channel": checkout.channel.slug,
            "lines": sum(line.quantity for line in checkout.lines),
            "total": str(totals.gross.amount) if totals else "0",
            "currency": totals.gross.currency if totals else "",
            **product_facts(checkout.lines),
        },
    )
    return upserted


def ingest_order(
    *,
    installation_id: int,
    order: payloads.Order,
    type: str | None,
    occurred_at: datetime,
    source: str,
) -> Contact | None:
    """An order: its record, its contact's figures, and ``type``'s event (if any)."""
    user_id, email = order_identity(order)
    contact = contact_resolve(installation_id=installation_id, saleor_user_id=user_id, email=email)
    order_upsert(
        installation_id=installation_id, order=order, contact_id=contact.pk if contact else None
    )
    if contact is not None:
        engagement_touch(contact=contact, now=clock.now())
    if type is not None:
        _order_record(installation_id, order, contact, type, occurred_at, source)
    return contact


def ingest_orders_placed(
    *, installation_id: int, orders: Sequence[payloads.Order], source: str
) -> None:
    """``ingest_order`` of ``order.placed`` for a page of orders (the backfill): the records in
    one statement (``orders_upsert``), the same contacts, events and figures. Inside
    ``contacts_prefetched`` and ``events_batched`` the page costs a few statements: the figures
    of its buyers are recomputed once each, from the instances ``contact_resolve`` locked (no
    second read of them), in one read of their orders and one write."""
    resolved: list[tuple[payloads.Order, Contact | None]] = []
    buyers: dict[int, Contact] = {}
    for order in orders:
        user_id, email = order_identity(order)
        contact = contact_resolve(
            installation_id=installation_id, saleor_user_id=user_id, email=email
        )
        resolved.append((order, contact))
        if contact is not None:
            buyers[contact.pk] = contact
    orders_upsert(
        installation_id=installation_id,
        orders=[(order, contact.pk if contact else None) for order, contact in resolved],
    )
    for order, contact in resolved:
        _order_record(installation_id, order, contact, "order.placed", order.created, source)
    engagement_orders_refresh_many(contacts=list(buyers.values()), now=clock.now())


def _order_record(
    installation_id: int,
    order: payloads.Order,
    contact: Contact | None,
    type: str,
    occurred_at: datetime,
    source: str,
) -> None:
    refunded = order.total_refunded.amount if order.total_refunded else 0
    key = {
        "order.fulfilled": f"{order.id}:{len(order.fulfillments)}",
        "order.refunded": f"{order.id}:{refunded}",
    }.get(type, order.id)
    record(
        installation_id=installation_id,
        contact=contact,
        type=type,
        key=key,
        occurred_at=order.created if type == "order.placed" else occurred_at,
        source=source,
        properties={
            "order_id": order.id,
            "number": order.number,
            "channel": order.channel.slug,
            "total": str(order.total.gross.amount),
            "currency": order.total.gross.currency,
            "checkout_id": order.checkout_id,
            **product_facts(order.lines),
        },
    )
