"""What each verified, parsed delivery does to the app's data.

Handlers are the orchestrating layer above the domains: they receive the installation and the
typed payload and call domain services. Customer, checkout and order deliveries are parsed and
validated here; the contacts and commerce services they will feed arrive with the customer-data
issue, so for now such deliveries end as ``processed`` with nothing further written.
"""

from __future__ import annotations

from collections.abc import Callable

from saleor_mautomation.core.errors import IgnoredError
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import installation_uninstall

Handler = Callable[[Installation, payloads.Event], None]


def handle_parsed_only(installation: Installation, payload: payloads.Event) -> None:
    """Validated by its payload model; no domain consumes this event yet."""


def handle_app_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.AppDeletedEvent)
    if payload.app is not None and payload.app.id != installation.app_id:
        raise IgnoredError(
            f"APP_DELETED for app {payload.app.id}, not this installation's {installation.app_id}"
        )
    installation_uninstall(installation_id=installation.pk)
