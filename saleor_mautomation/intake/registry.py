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
    # A handler that writes runs in a savepoint, so a failure undoes its writes alone; one
    # that writes nothing skips the two round trips a savepoint costs per delivery.
    writes: bool


_WRITING: dict[str, handlers.Handler] = {"APP_DELETED": handlers.handle_app_deleted}

WEBHOOKS: dict[str, Webhook] = {
    spec.event: Webhook(spec, _WRITING[spec.event], writes=True)
    if spec.event in _WRITING
    else Webhook(spec, handlers.handle_parsed_only, writes=False)
    for spec in SPECS
}
