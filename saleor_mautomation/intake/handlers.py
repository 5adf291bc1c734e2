"""What each verified, parsed delivery does to the app's data.

Handlers are the orchestrating layer above the domains: they receive the installation and the
typed payload and call domain services in order (commerce, contacts, events). Each runs in a
savepoint; any retry or replay converges on the same state (records keep the newest Saleor
``updatedAt``, events have dedupe keys).
"""

from __future__ import annotations

from collections.abc import Callable

from saleor_mautomation.contacts.erasure import erasure_request
from saleor_mautomation.contacts.models import ErasureRequest
from saleor_mautomation.contacts.services import contact_resolve, contact_upsert_from_user
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import IgnoredError, PermanentError
from saleor_mautomation.intake import ingest
from saleor_mautomation.journeys.outcomes import message_steps_follow, runs_uninstalled_exit
from saleor_mautomation.messages.outbox import messages_cancel
from saleor_mautomation.messages.sending import UNINSTALLED
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


def identity_of(payload: payloads.Event) -> tuple[str | None, str | None] | None:
    """The (Saleor user id, email) whose contact an order or checkout delivery resolves, so a
    drained batch can look its contacts up together; ``None`` for other deliveries."""
    if isinstance(payload, payloads.OrderEvent) and payload.order is not None:
        return ingest.order_identity(payload.order)
    if isinstance(payload, payloads.CheckoutEvent) and payload.checkout is not None:
        return ingest.checkout_identity(payload.checkout)
    return None


def handle_customer(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CustomerEvent | payloads.AccountEvent)
    user = payload.user
    if user is None:
        raise PermanentError("The delivery carries no user")
    type = CUSTOMER_EVENTS[payload.typename]
    if type == "customer.created":
        ingest.ingest_customer(
            installation_id=installation.pk,
            user=user,
            occurred_at=payload.issued_at,
            source=SOURCE,
        )
        return
    if type == "account.delete_requested":
        contact = contact_resolve(
            installation_id=installation.pk, saleor_user_id=user.id or None, email=user.email
        )
    else:
        contact = contact_upsert_from_user(installation_id=installation.pk, user=user)
    version = (user.updated_at or payload.issued_at).isoformat()
    ingest.record(
        installation_id=installation.pk,
        contact=contact,
        type=type,
        key=f"{user.id or user.email}:{version}",
        occurred_at=payload.issued_at,
        source=SOURCE,
    )


def handle_customer_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CustomerEvent | payloads.AccountEvent)
    if payload.user is None:
        raise PermanentError("The delivery carries no user")
    # Asked here, done by the coordinator (flows.erasure), which erases every domain's rows.
    erasure_request(
        installation_id=installation.pk,
        source=ErasureRequest.Source.SALEOR,
        saleor_user_id=payload.user.id or None,
        email=payload.user.email,
        now=payload.issued_at,
    )


def handle_checkout(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CheckoutEvent)
    if payload.checkout is None:
        raise PermanentError("The delivery carries no checkout")
    ingest.ingest_checkout(
        installation_id=installation.pk,
        checkout=payload.checkout,
        type=CHECKOUT_EVENTS[payload.typename],
        occurred_at=payload.issued_at,
        source=SOURCE,
    )


def handle_order(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.OrderEvent)
    if payload.order is None:
        raise PermanentError("The delivery carries no order")
    ingest.ingest_order(
        installation_id=installation.pk,
        order=payload.order,
        type=ORDER_EVENTS.get(payload.typename),
        occurred_at=payload.issued_at,
        source=SOURCE,
    )


def handle_app_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.AppDeletedEvent)
    if payload.app is not None and payload.app.id != installation.app_id:
        raise IgnoredError(
            f"APP_DELETED for app {payload.app.id}, not this installation's {installation.app_id}"
        )
    installation_uninstall(installation_id=installation.pk)
    # Nothing of the shop's is sent and nothing waits: runs end, queued messages are cancelled.
    runs_uninstalled_exit(installation_id=installation.pk, now=clock.now())
    cancelled = messages_cancel(installation_id=installation.pk, reason=UNINSTALLED)
    message_steps_follow(message_ids=cancelled)
