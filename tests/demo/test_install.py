"""The demo's installation: Saleor's registration against a live app, then the demo's settings,
once."""

from __future__ import annotations

import pytest
from django.db import transaction

from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.core.errors import RetryableError
from saleor_mautomation.demo import config
from saleor_mautomation.demo.install import ensure_installed
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.presets import PRESETS
from saleor_mautomation.messages.models import SendingRules
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import installation_settings_update
from tests.support.standin import StandInSaleor, serve


@pytest.fixture
def demo_saleor(settings, tmp_path):
    """A Saleor on the demo Saleor's port that knows the demo's app token and signing key."""
    settings.DEMO_DIR = tmp_path
    saleor = StandInSaleor(keys=[config.signing_key()], valid_tokens={config.app_token()})
    saleor.answers["ShopName"] = lambda _variables: (
        200,
        {"data": {"shop": {"name": "Linden Lane Goods"}}},
    )
    stop = serve(saleor)
    settings.DEMO_SALEOR_PORT = saleor.port
    yield saleor
    stop()


def test_the_app_is_registered_as_saleor_does_and_set_up_as_an_admin_would(live_app, demo_saleor):
    # when
    installation = ensure_installed(live_app)

    # then the app proved the token with the demo Saleor and stored the installation
    origin = f"http://localhost:{demo_saleor.port}"
    assert installation.saleor_api_url == f"{origin}/graphql/"
    assert installation.app_id == config.APP_ID
    assert installation.auth_token == config.app_token()
    assert installation.shop_name == "Linden Lane Goods"
    assert installation.jwks == {"keys": [config.signing_key().public_jwk]}
    asked = [r.json()["query"] for r in demo_saleor.requests_to("/graphql/")]
    assert any("app" in q and "id" in q for q in asked)
    # and the demo's settings
    assert installation.storefront_origins == [origin]
    assert installation.storefront_urls == {"*": f"{origin}/shop/{{channel}}"}
    assert installation.checkout_abandoned_after_minutes == 15
    assert installation.browse_abandoned_after_minutes == 30
    journeys = Journey.objects.filter(installation=installation)
    assert sorted(journeys.values_list("key", flat=True)) == sorted(PRESETS)
    assert {(j.status, j.current_version_id is not None) for j in journeys} == {("active", True)}
    rules = SendingRules.objects.get(installation=installation)
    assert [rules.from_email, rules.reply_to] == ["hello@demo.example", "care@demo.example"]
    assert contacts_config(installation.pk).spend_thresholds == {"USD": ["500"], "EUR": ["450"]}


def test_a_second_call_registers_nothing_and_keeps_what_the_admin_changed(live_app, demo_saleor):
    # given
    installation = ensure_installed(live_app)
    with transaction.atomic():
        installation_settings_update(
            installation_id=installation.pk, storefront_urls={"*": "https://shop.example"}
        )
    Journey.objects.filter(installation=installation, key="birthday").delete()
    requests = len(demo_saleor.requests)

    # when
    again = ensure_installed(live_app)

    # then
    assert again.pk == installation.pk
    assert len(demo_saleor.requests) == requests
    assert Installation.objects.count() == 1
    assert again.storefront_urls == {"*": "https://shop.example"}
    assert Journey.objects.filter(installation=installation).count() == len(PRESETS) - 1


def test_a_refused_registration_is_an_error_and_nothing_is_installed(live_app, demo_saleor):
    # given the demo Saleor no longer knows the app's token
    demo_saleor.valid_tokens = {"another-token"}

    # when
    with pytest.raises(RetryableError) as refused:
        ensure_installed(live_app)

    # then
    assert "refused its registration (400)" in refused.value.message
    assert Installation.objects.count() == 0
