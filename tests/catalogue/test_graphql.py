"""The catalogue in the Dashboard's GraphQL: the sync's progress, its restart, the settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from saleor_mautomation.catalogue.models import CatalogueSettings, CatalogueSync
from tests.conftest import make_installation
from tests.graphql.test_contacts import ask

T = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SYNC = """{ catalogueSync { number status phase total categories collections products variants
  skipped deleted error startedAt finishedAt updatedAt } }"""
SETTINGS = "{ catalogueSettings { productUrlPatterns lowStockThreshold consumableProductTypes } }"
UPDATE = """mutation($input: CatalogueSettingsInput!) { updateCatalogueSettings(input: $input) {
  settings { productUrlPatterns lowStockThreshold consumableProductTypes } } }"""


def test_no_sync_yet_is_null(client, standin_installation):
    assert ask(client, standin_installation, SYNC) == {"data": {"catalogueSync": None}}


def test_the_latest_sync_of_the_shop_is_shown(client, standin_installation):
    # given: an older finished sync, the current one in the products phase, another shop's
    for number, status, phase in ((1, "done", "done"), (2, "running", "products")):
        CatalogueSync.objects.create(
            installation=standin_installation,
            number=number,
            status=status,
            phase=phase,
            total=84,
            categories=7,
            collections=3,
            products=40,
            variants=120,
            started_at=T,
            created_at=T,
            updated_at=T,
        )
    other = make_installation(saleor_api_url="https://other.example/graphql/")
    CatalogueSync.objects.create(installation=other, number=9, created_at=T, updated_at=T)

    # when
    body = ask(client, standin_installation, SYNC)

    # then
    assert body == {
        "data": {
            "catalogueSync": {
                "number": 2,
                "status": "RUNNING",
                "phase": "PRODUCTS",
                "total": 84,
                "categories": 7,
                "collections": 3,
                "products": 40,
                "variants": 120,
                "skipped": 0,
                "deleted": 0,
                "error": None,
                "startedAt": "2026-11-24T10:00:00+00:00",
                "finishedAt": None,
                "updatedAt": "2026-11-24T10:00:00+00:00",
            }
        }
    }


def test_restart_makes_a_pending_sync_and_is_refused_while_one_is_queued(
    client, standin_installation
):
    # given
    query = "mutation { restartCatalogueSync { catalogueSync { number status phase } } }"

    # when
    first = ask(client, standin_installation, query)
    second = ask(client, standin_installation, query)

    # then
    assert first == {
        "data": {
            "restartCatalogueSync": {
                "catalogueSync": {"number": 1, "status": "PENDING", "phase": "CATEGORIES"}
            }
        }
    }
    assert second["data"] == {"restartCatalogueSync": None}
    assert second["errors"][0]["extensions"]["code"] == "CATALOGUE_SYNC_RUNNING"
    assert CatalogueSync.objects.count() == 1


def test_settings_have_defaults_and_are_changed_as_given(client, standin_installation):
    # given
    before = ask(client, standin_installation, SETTINGS)

    # when
    body = ask(
        client,
        standin_installation,
        UPDATE,
        input={
            "productUrlPatterns": {
                "*": "https://shop.example/{channel}/products/{slug}",
                "channel-pln": "https://sklep.example/p/{slug}?v={variant_id}",
            },
            "lowStockThreshold": 3,
        },
    )
    after = ask(
        client, standin_installation, UPDATE, input={"consumableProductTypes": ["Juice", "Juice"]}
    )

    # then
    assert before == {
        "data": {
            "catalogueSettings": {
                "productUrlPatterns": {},
                "lowStockThreshold": 5,
                "consumableProductTypes": [],
            }
        }
    }
    assert body["data"]["updateCatalogueSettings"]["settings"] == {
        "productUrlPatterns": {
            "*": "https://shop.example/{channel}/products/{slug}",
            "channel-pln": "https://sklep.example/p/{slug}?v={variant_id}",
        },
        "lowStockThreshold": 3,
        "consumableProductTypes": [],
    }
    assert after["data"]["updateCatalogueSettings"]["settings"]["consumableProductTypes"] == [
        "Juice"
    ]
    assert after["data"]["updateCatalogueSettings"]["settings"]["lowStockThreshold"] == 3


def test_invalid_settings_are_refused_whole(client, standin_installation):
    # given
    CatalogueSettings.objects.create(installation=standin_installation, low_stock_threshold=7)
    cases: dict[str, dict[str, Any]] = {
        "INVALID_URL_PATTERN": {"productUrlPatterns": {"*": "javascript:alert(1)/{slug}"}},
        "INVALID_LOW_STOCK_THRESHOLD": {"lowStockThreshold": -1},
        "INVALID_PRODUCT_TYPES": {"consumableProductTypes": [""]},
    }

    for code, given in cases.items():
        # when: with a valid threshold beside the invalid value
        body = ask(client, standin_installation, UPDATE, input={"lowStockThreshold": 2, **given})

        # then
        assert body["errors"][0]["extensions"]["code"] == code, body
    settings = CatalogueSettings.objects.get()
    assert (settings.low_stock_threshold, settings.product_url_patterns) == (7, {})


def test_an_unknown_placeholder_is_refused(client, standin_installation):
    body = ask(
        client,
        standin_installation,
        UPDATE,
        input={"productUrlPatterns": {"*": "https://shop.example/{sku}"}},
    )

    assert body["errors"][0]["extensions"]["code"] == "INVALID_URL_PATTERN"
