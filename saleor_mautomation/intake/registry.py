"""Every webhook the app subscribes to: the Saleor spec paired with its handler.

The manifest is generated from ``WEBHOOKS``; a delivery whose event is not here is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

from saleor_mautomation.intake import handlers
from saleor_mautomation.saleor.webhooks import SPECS, WebhookSpec


@dataclass(frozen=True)
class Webhook:
    spec: WebhookSpec
    handler: handlers.Handler


_SPECIAL: dict[str, handlers.Handler] = {"APP_DELETED": handlers.handle_app_deleted}

WEBHOOKS: dict[str, Webhook] = {
    spec.event: Webhook(spec, _SPECIAL.get(spec.event, handlers.handle_parsed_only))
    for spec in SPECS
}
