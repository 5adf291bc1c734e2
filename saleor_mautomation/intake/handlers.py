"""What each verified, parsed delivery does to the app's data.

Handlers are the orchestrating layer above the domains: they receive the installation and the
typed payload and call domain services in order (commerce, contacts, events). Each runs in a
savepoint; any retry or replay converges on the same state (records keep the newest Saleor
``updatedAt``, events have dedupe keys).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from saleor_mautomation.commerce.services import checkout_upsert, order_upsert
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.services import (
    contact_erase,
    contact_resolve,
    contact_upsert_from_user,
    engagement_refresh,
)
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import IgnoredError, PermanentError
from saleor_mautomation.events.services import event_record
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import installation_uninstall

Handler = Callable[[Installation, payloads.Event], None]
SOURCE = "saleor"

CUSTOMER_EVENTS = {
    "CustomerCreated": "customer.created",
    "CustomerUpdated": "customer.updated",
    "CustomerMetadataUpdated": "customer.metadata_updated",
    "AccountConfirmationRequested": "account.confirmation_requested",
    "AccountConfirmed": "account.confirmed",
    "AccountDeleteRequested": "account.delete_requested",
}
CHECKOUT_EVENTS = {
    "CheckoutCreated": "checkout.created",
    "CheckoutUpdated": "checkout.updated",
    "CheckoutFullyPaid": "checkout.paid",
}
ORDER_EVENTS = {
    "OrderCreated": "order.placed",
    "OrderConfirmed": "order.confirmed",
    "OrderFullyPaid": "order.paid",
    "OrderFulfilled": "order.fulfilled",
    "OrderCancelled": "order.cancelled",
    "OrderRefunded": "order.refunded",
    "OrderFullyRefunded": "order.fully_refunded",
}


def _record(
    installation: Installation,
    contact: Contact | None,
    payload: payloads.Event,
    type: str,
    key: str,
    properties: dict[str, Any],
) -> None:
    event_record(
        installation_id=installation.pk,
        contact_id=contact.pk if contact else None,
        type=type,
        occurred_at=payload.issued_at,
        source=SOURCE,
        dedupe_key=f"{type}:{key}",
        properties=properties,
    )


def handle_customer(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CustomerEvent | payloads.AccountEvent)
    user = payload.user
    if user is None:
        raise PermanentError("The delivery carries no user")
    type = CUSTOMER_EVENTS[payload.typename]
    if type == "account.delete_requested":
        contact = contact_resolve(
            installation_id=installation.pk, saleor_user_id=user.id or None, email=user.email
        )
    else:
        contact = contact_upsert_from_user(installation_id=installation.pk, user=user)
    version = (user.updated_at or payload.issued_at).isoformat()
    key = user.id if type == "customer.created" else f"{user.id or user.email}:{version}"
    _record(installation, contact, payload, type, key, {})


def handle_customer_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CustomerEvent | payloads.AccountEvent)
    if payload.user is None:
        raise PermanentError("The delivery carries no user")
    contact_erase(
        installation_id=installation.pk,
        saleor_user_id=payload.user.id or None,
        email=payload.user.email,
        erased_at=payload.issued_at,
    )


def _product_facts(lines: list[payloads.CheckoutLine] | list[payloads.OrderLine]) -> dict[str, Any]:
    products, categories = [], []
    for line in lines:
        product = line.variant.product if line.variant else None
        if product and product.id not in products:
            products.append(product.id)
        if product and product.category and product.category.id not in categories:
            categories.append(product.category.id)
    return {"product_ids": products, "category_ids": categories}


def handle_checkout(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CheckoutEvent)
    checkout = payload.checkout
    if checkout is None:
        raise PermanentError("The delivery carries no checkout")
    contact = contact_resolve(
        installation_id=installation.pk,
        saleor_user_id=checkout.user.id if checkout.user else None,
        email=checkout.email,
    )
    upserted = checkout_upsert(
        installation_id=installation.pk,
        checkout=checkout,
        contact_id=contact.pk if contact else None,
        seen_at=payload.issued_at,
    )
    if not upserted.changed:
        raise IgnoredError("An older state of the checkout than the one stored")
    totals = checkout.total_price or checkout.subtotal_price
    version = (checkout.updated_at or payload.issued_at).isoformat()
    type = CHECKOUT_EVENTS[payload.typename]
    _record(
        installation,
        contact,
        payload,
        type,
        f"{checkout.id}:{version}",
        {
            "checkout_id": checkout.id,
            "channel": checkout.channel.slug,
            "lines": sum(line.quantity for line in checkout.lines),
            "total": str(totals.gross.amount) if totals else "0",
            "currency": totals.gross.currency if totals else "",
            **_product_facts(checkout.lines),
        },
    )


def handle_order(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.OrderEvent)
    order = payload.order
    if order is None:
        raise PermanentError("The delivery carries no order")
    contact = contact_resolve(
        installation_id=installation.pk,
        saleor_user_id=order.user.id if order.user else None,
        email=order.user_email,
    )
    order_upsert(
        installation_id=installation.pk, order=order, contact_id=contact.pk if contact else None
    )
    if contact is not None:
        engagement_refresh(contact_id=contact.pk, now=clock.now())
    type = ORDER_EVENTS.get(payload.typename)
    if type is None:
        return
    refunded = order.total_refunded.amount if order.total_refunded else 0
    key = {
        "order.fulfilled": f"{order.id}:{len(order.fulfillments)}",
        "order.refunded": f"{order.id}:{refunded}",
    }.get(type, order.id)
    properties = {
        "order_id": order.id,
        "number": order.number,
        "channel": order.channel.slug,
        "total": str(order.total.gross.amount),
        "currency": order.total.gross.currency,
        "checkout_id": order.checkout_id,
        **_product_facts(order.lines),
    }
    _record(installation, contact, payload, type, key, properties)


def handle_app_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.AppDeletedEvent)
    if payload.app is not None and payload.app.id != installation.app_id:
        raise IgnoredError(
            f"APP_DELETED for app {payload.app.id}, not this installation's {installation.app_id}"
        )
    installation_uninstall(installation_id=installation.pk)
