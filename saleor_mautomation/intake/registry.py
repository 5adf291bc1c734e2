"""Every webhook the app subscribes to: the Saleor spec paired with its handler.

The manifest is generated from ``WEBHOOKS``; a delivery whose event is not here is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

from saleor_mautomation.intake import catalogue, handlers
from saleor_mautomation.saleor.webhooks import SPECS, WebhookSpec


@dataclass(frozen=True)
class Webhook:
    spec: WebhookSpec
    handler: handlers.Handler


def _handler(event: str) -> handlers.Handler:
    if event in catalogue.HANDLERS:
        return catalogue.HANDLERS[event]
    if event in {"CUSTOMER_DELETED", "ACCOUNT_DELETED"}:
        return handlers.handle_customer_deleted
    if event == "APP_DELETED":
        return handlers.handle_app_deleted
    if event.startswith(("CUSTOMER_", "ACCOUNT_")):
        return handlers.handle_customer
    if event.startswith("CHECKOUT_"):
        return handlers.handle_checkout
    return handlers.handle_order


WEBHOOKS: dict[str, Webhook] = {spec.event: Webhook(spec, _handler(spec.event)) for spec in SPECS}
