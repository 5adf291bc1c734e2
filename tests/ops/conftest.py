from __future__ import annotations

from collections.abc import Iterator

import pytest

from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.webhook_sync import manifest_webhooks
from tests.conftest import make_installation
from tests.support.saleor_webhooks import WebhooksStandIn
from tests.support.standin import serve

APP_URL = "https://app.example.com"
APP_ID = "QXBwOjE="  # App:1, the stand-in's own app
OTHER_APP = "QXBwOjI="  # App:2


@pytest.fixture
def saleor(key, settings) -> Iterator[WebhooksStandIn]:
    settings.APP_URL = APP_URL
    standin = WebhooksStandIn(keys=[key], app_id=APP_ID)
    stop = serve(standin)
    yield standin
    stop()


@pytest.fixture
def installation(db, saleor) -> Installation:
    return make_installation(saleor_api_url=saleor.api_url, jwks=saleor.jwks())


def install_manifest(saleor: WebhooksStandIn, app_url: str = APP_URL) -> None:
    """The webhooks Saleor makes from the manifest at install time (installation_utils)."""
    for wanted in manifest_webhooks(app_url):
        saleor.saleor_webhooks.add(
            APP_ID,
            name=wanted.name,
            target_url=wanted.target_url,
            query=wanted.query,
            events=list(wanted.async_events),
        )
