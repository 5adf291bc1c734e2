"""The app installed into the demo shop, the way Saleor installs it, then set up as a shop admin
would set it up.

``ensure_installed(app_url)``: when no installation exists for the demo Saleor, it posts the
app token to ``{app_url}/api/register`` with the headers Saleor's ``send_app_token`` sends; the
app then asks the demo Saleor for its app id, JWKS and shop name and starts the backfill from
it, as from any Saleor. Then, once, the demo's settings: the presets installed and published,
the sender at the demo domain (``EMAIL_URL`` decides where mail goes: the demo points it at
the mail catcher), the abandonment windows at their shortest (15 minutes for checkouts,
30 for browsing, so journeys are seen within minutes: the simulator dates its abandoned
checkouts to match), spend thresholds for the VIP preset, and last the storefront: its
origin (the demo Saleor's, which serves the storefront pages) and the links in mails,
``{saleor_origin}/shop/{channel}``. The storefront origins are set last and mark the
configuration as done, so a second call changes nothing, whatever the admin changed since.
"""

from __future__ import annotations

import logging

import httpx
from django.db import transaction

from saleor_mautomation.contacts.config import contacts_config_update
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import RetryableError
from saleor_mautomation.demo import config
from saleor_mautomation.journeys.presets import PRESETS, journey_preset_install
from saleor_mautomation.messages.services import sending_rules_update
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import (
    installation_settings_update,
    installation_storefront_origins_set,
)

logger = logging.getLogger(__name__)

DEMO_DOMAIN = config.STAFF_EMAIL.partition("@")[2]
FROM_EMAIL = f"hello@{DEMO_DOMAIN}"
REPLY_TO = f"care@{DEMO_DOMAIN}"
SPEND_THRESHOLDS = {"USD": ["500"], "EUR": ["450"]}
SCHEMA_VERSION = "3.23"


def _installation() -> Installation | None:
    return Installation.objects.filter(
        saleor_api_url=config.saleor_api_url(), status=Installation.Status.ACTIVE
    ).first()


def register(app_url: str) -> None:
    """Saleor's token exchange (``send_app_token``): the app token to the app's register URL."""
    domain = config.saleor_origin().split("://", 1)[1]
    headers = {
        "Content-Type": "application/json",
        "X-Saleor-Domain": domain,
        "Saleor-Domain": domain,
        "Saleor-Api-Url": config.saleor_api_url(),
        "Saleor-Schema-Version": SCHEMA_VERSION,
    }
    try:
        response = httpx.post(
            f"{app_url.rstrip('/')}/api/register",
            json={"auth_token": config.app_token()},
            headers=headers,
            timeout=30,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise RetryableError(f"The app did not answer its registration: {exc}") from exc
    if response.status_code != 200:
        raise RetryableError(
            f"The app refused its registration ({response.status_code}): {response.text[:300]}"
        )


def ensure_installed(app_url: str) -> Installation:
    """The demo shop's installation: registered and set up on the first call, as it is after."""
    installation = _installation()
    if installation is None:
        register(app_url)
        installation = _installation()
        if installation is None:
            raise RetryableError("The app answered its registration but stored no installation")
        logger.info("Demo shop: the app is installed (%s)", installation.saleor_api_url)
    if not installation.storefront_origins:
        configure(installation)
        installation.refresh_from_db()
    return installation


def configure(installation: Installation) -> None:
    """What a shop admin sets after installing (see the module's docstring)."""
    now = clock.now()
    with transaction.atomic():
        for key in PRESETS:
            journey_preset_install(installation_id=installation.pk, key=key, now=now)
        sending_rules_update(
            installation_id=installation.pk, from_email=FROM_EMAIL, reply_to=REPLY_TO
        )
        contacts_config_update(installation_id=installation.pk, spend_thresholds=SPEND_THRESHOLDS)
        installation_settings_update(
            installation_id=installation.pk,
            storefront_urls={"*": f"{config.saleor_origin()}/shop/{{channel}}"},
            checkout_abandoned_after_minutes=15,
            browse_abandoned_after_minutes=30,
        )
        installation_storefront_origins_set(
            installation_id=installation.pk, origins=[config.saleor_origin()]
        )
    logger.info(
        "Demo shop: %d journeys live, mail from %s, storefront at %s/shop/",
        len(PRESETS),
        FROM_EMAIL,
        config.saleor_origin(),
    )
