"""The demo Saleor's ``productVariants(channel:)``: each variant's ``pricing`` in that channel
as Saleor computes it (its promotion's price against its listing's, taxed as the channel's
prices are entered), which the app's full sync reads as its discounted prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_mautomation.catalogue.discounts import discounted_amount
from saleor_mautomation.demo.shop import percent_off
from saleor_mautomation.saleor import documents
from tests.support.demo_saleor import assert_valid_answer

pytest_plugins = ["tests.demo.saleor_fixtures"]  # demo_saleor, shop


def prices(demo_saleor, channel: str, ids: list[str]) -> dict[str, Any]:
    document = documents.load("catalogue_variant_prices")
    variables = {"channel": channel, "ids": ids, "first": len(ids)}
    answer = demo_saleor.as_app(document, variables)
    assert "errors" not in answer
    assert_valid_answer(document, variables, answer["data"])
    return {
        e["node"]["id"]: e["node"]["pricing"] for e in answer["data"]["productVariants"]["edges"]
    }


@pytest.mark.parametrize("channel", ["default-channel", "channel-eur"])
def test_the_full_sync_s_prices_are_each_channel_s_with_its_promotions(demo_saleor, channel):
    # given the promotions running in the channel, and as many variants on none
    shop = demo_saleor.shop
    promoted = {v: p for (v, c), p in shop.discounts().items() if c == channel}
    plain = [v["id"] for p in shop.products for v in p["variants"] if v["id"] not in promoted][
        : len(promoted)
    ]

    # when
    found = prices(demo_saleor, channel, [*promoted, *plain])

    # then: what the app reads from each is the promotion's price, else the listing's
    currency = shop.channel(channel)["currencyCode"]
    read = {
        variant_id: discounted_amount(pricing, _decimal(shop.listing_price(variant_id, channel)))
        for variant_id, pricing in found.items()
    }
    assert read == {
        **{v: (_decimal(price), currency) for v, price in promoted.items()},
        **{v: (_decimal(shop.listing_price(v, channel)), currency) for v in plain},
    }
    on_sale = {
        v for v, pricing in found.items() if pricing["price"] != pricing["priceUndiscounted"]
    }
    assert on_sale == set(promoted)


def test_a_promotion_the_simulator_starts_is_in_the_next_answer(demo_saleor):
    shop = demo_saleor.shop
    variant = shop.products[10]["variants"][0]["id"]
    listing = shop.listing_price(variant, "channel-eur")

    shop.discount_set(variant, "channel-eur", percent_off(listing, 30))
    eur = prices(demo_saleor, "channel-eur", [variant])[variant]
    usd = prices(demo_saleor, "default-channel", [variant])[variant]

    assert eur["price"]["gross"] == {"amount": percent_off(listing, 30), "currency": "EUR"}
    assert eur["priceUndiscounted"]["gross"] == {"amount": listing, "currency": "EUR"}
    assert usd["price"] == usd["priceUndiscounted"]


def test_without_a_channel_there_is_no_pricing_and_an_unknown_channel_has_no_variants(
    demo_saleor,
):
    variant = demo_saleor.shop.products[0]["variants"][0]["id"]
    query = """
    query Prices($ids: [ID!]!, $channel: String) {
      productVariants(ids: $ids, first: 5, channel: $channel) {
        edges { node { id pricing { onSale } } }
      }
    }"""

    without = demo_saleor.as_app(query, {"ids": [variant]})["data"]
    unknown = demo_saleor.as_app(query, {"ids": [variant], "channel": "channel-gbp"})["data"]

    assert without == {"productVariants": {"edges": [{"node": {"id": variant, "pricing": None}}]}}
    assert unknown == {"productVariants": {"edges": []}}


def _decimal(amount: float) -> Decimal:
    return Decimal(str(amount))
