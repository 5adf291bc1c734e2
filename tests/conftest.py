from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from saleor_mautomation.contacts.config import contacts_config_clear_cache
from saleor_mautomation.recommendations.selectors import recommendations_cache_clear
from saleor_mautomation.saleor import jwks, selectors
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.membership import segments_cache_clear
from tests.support.keys import SigningKey, signing_key
from tests.support.samples import SAMPLE_API_URL, jwks_sample
from tests.support.standin import StandInSaleor, serve
from tests.support.standin_errors import DocumentStandIn


@pytest.fixture(autouse=True)
def _app_settings(settings):
    settings.SALEOR_ALLOW_LOOPBACK = True
    settings.SALEOR_HTTP_RETRIES = 3
    settings.SALEOR_HTTP_BACKOFF = 0.01
    settings.ALLOWED_SALEOR_URLS = ["*"]
    jwks.clear_cache()
    selectors.clear_cache()
    contacts_config_clear_cache()
    segments_cache_clear()
    recommendations_cache_clear()


@pytest.fixture
def key() -> SigningKey:
    return signing_key(0)


@pytest.fixture
def standin(key) -> Iterator[StandInSaleor]:
    saleor = StandInSaleor(keys=[key])
    stop = serve(saleor)
    yield saleor
    stop()


@pytest.fixture
def document_standin(key) -> Iterator[DocumentStandIn]:
    """The stand-in that executes the app's documents over stored rows, with Saleor's errors
    (``tests/support/standin_errors.py``); a module uses it as its ``standin``."""
    saleor = DocumentStandIn(keys=[key])
    stop = serve(saleor)
    yield saleor
    stop()


def make_installation(**fields) -> Installation:
    defaults = {
        "app_id": "QXBwOjE=",
        "auth_token": "app-token-1",
        "jwks_fetched_at": datetime.now(tz=UTC),
        "installed_at": datetime.now(tz=UTC),
    }
    return Installation.objects.create(**{**defaults, **fields})


@pytest.fixture
def sample_installation(db) -> Installation:
    """The installation the captured deliveries belong to, its JWKS preloaded (no network)."""
    return make_installation(saleor_api_url=SAMPLE_API_URL, jwks=jwks_sample())


@pytest.fixture
def standin_installation(db, standin) -> Installation:
    return make_installation(saleor_api_url=standin.api_url, jwks=standin.jwks())
