"""The demo shop's catalogue: a price list per channel, the promotions running at the anchor,
stock, and the catalogue's moves journaled; every catalogue delivery the simulator sends is
what Saleor's schema gives for its subscription."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from graphql import ExecutionResult, GraphQLSchema, build_schema, execute, parse

from saleor_mautomation.demo.catalogue_nodes import (
    catalogue_product,
    catalogue_variant,
    variant_pricing,
)
from saleor_mautomation.demo.shop import Shop, generate_shop, load_shop, percent_off
from saleor_mautomation.demo.shop_data import PROMOTIONS
from saleor_mautomation.demo.shop_nodes import stamp
from saleor_mautomation.demo.simulator import STAFF, webhook_payload
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.webhooks import SPECS_BY_EVENT
from tests.support.samples import schema_sdl

ANCHOR = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
ORIGIN = "http://localhost:8081"
CHANNELS = ("default-channel", "channel-eur")


@cache
def schema() -> GraphQLSchema:
    return build_schema(schema_sdl())


@cache
def shop() -> Shop:
    return generate_shop(seed=7, customers=300, anchor=ANCHOR, origin=ORIGIN)


def variant_of(s: Shop, variant_id: str) -> dict[str, Any]:
    found = s.variant(variant_id)
    assert found is not None
    return found


def all_variants(s: Shop) -> list[dict[str, Any]]:
    return [v for p in s.products for v in p["variants"]]


def test_each_channel_has_its_own_price_list_in_its_currency():
    s = shop()
    variants = all_variants(s)

    usd = [s.listing_price(v["id"], "default-channel") for v in variants]
    eur = [s.listing_price(v["id"], "channel-eur") for v in variants]

    # the EUR list is the shop's own: about 95 % of the USD price, rounded to end in .95
    assert {f"{price:.2f}"[-3:] for price in eur} == {".95"}
    assert all(abs(e - u * 0.95) <= 0.55 for u, e in zip(usd, eur, strict=True))
    assert usd != eur
    first = variants[0]["id"]
    assert (s.listing_price(first, "default-channel"), s.listing_price(first, "channel-eur")) == (
        s._prices[first]["USD"],
        s._prices[first]["EUR"],
    )


def test_a_few_variants_are_on_promotion_in_each_channel_and_history_paid_listing_prices():
    s = shop()

    discounts = s.discounts()

    # PROMOTIONS per channel, each of another product, 15, 20 or 25 % off its listing price
    per_channel = {c: [v for v, ch in discounts if ch == c] for c in CHANNELS}
    assert {c: len(ids) for c, ids in per_channel.items()} == dict.fromkeys(CHANNELS, PROMOTIONS)
    for (variant_id, channel), price in discounts.items():
        listing = s.listing_price(variant_id, channel)
        assert price in {percent_off(listing, p) for p in (15, 20, 25)}
        assert s.discounted_price(variant_id, channel) == price
    for ids in per_channel.values():
        assert len({variant_of(s, v)["product"]["id"] for v in ids}) == PROMOTIONS
    # what a customer pays now is the promotion's price, in the channel of the currency
    (variant_id, channel), price = sorted(discounts.items())[0]
    currency = s.channel(channel)["currencyCode"]
    assert s.price(variant_id, currency) == price
    # the generated orders were placed before the promotions: at listing prices
    for order in s.orders:
        channel = order["channel"]["slug"]
        for line in order["lines"]:
            listing = s.listing_price(line["variant"]["id"], channel)
            assert line["unitPrice"]["gross"]["amount"] == listing


def test_a_promotion_takes_its_percentage_off_rounded_as_saleor_rounds_it():
    assert percent_off(23.95, 15) == 20.36  # 3.5925 off: 3.59
    assert percent_off(10.10, 25) == 7.57  # 2.525 off: 2.53, half up
    assert percent_off(64.99, 10) == 58.49


def test_pricing_in_a_channel_is_the_promotion_against_the_listing_taxed_as_entered():
    s = shop()
    (variant_id, channel), price = next(
        (key, price) for key, price in sorted(s.discounts().items()) if key[1] == "channel-eur"
    )
    listing = s.listing_price(variant_id, channel)
    plain = next(v for v in all_variants(s) if (v["id"], "default-channel") not in s.discounts())
    plain_price = s.listing_price(plain["id"], "default-channel")

    eur = variant_pricing(s, variant_of(s, variant_id), channel)
    usd = variant_pricing(s, plain, "default-channel")

    def net(gross: float) -> float:
        return float((Decimal(str(gross)) / Decimal("1.2")).quantize(Decimal("0.01")))

    assert eur["onSale"] is True
    assert eur["price"]["gross"] == {"amount": price, "currency": "EUR"}
    assert eur["price"]["net"] == {"amount": net(price), "currency": "EUR"}
    assert eur["priceUndiscounted"]["gross"] == {"amount": listing, "currency": "EUR"}
    assert eur["discount"]["gross"] == {"amount": round(listing - price, 2), "currency": "EUR"}
    assert usd["onSale"] is False
    assert usd["discount"] is None
    assert usd["price"] == usd["priceUndiscounted"]
    assert (
        usd["price"]["gross"] == usd["price"]["net"] == {"amount": plain_price, "currency": "USD"}
    )
    assert usd["price"]["tax"] == {"amount": 0.0, "currency": "USD"}


def test_stock_is_one_sold_out_variant_in_nine_and_moves():
    s = generate_shop(seed=7, customers=20, anchor=ANCHOR, origin=ORIGIN)
    variants = all_variants(s)
    sold_out = [v for v in variants if s.stock(v["id"]) == 0]
    some = next(v for v in variants if s.stock(v["id"]) > 0)

    before = s.stock_set(some["id"], 0)

    # a variant's number is its product's pk times ten plus its place (SKU ...-<pk>-<place>)
    numbers = {
        v["id"]: int(v["sku"].split("-")[1]) * 10 + int(v["sku"].split("-")[2]) for v in variants
    }
    assert {v["id"] for v in sold_out} == {i for i, n in numbers.items() if n % 9 == 0}
    assert 0 < len(sold_out) < len(variants) // 5
    assert before > 0
    assert catalogue_variant(s, some)["stocks"] == [
        {"quantity": 0, "quantityAllocated": 0, "quantityReserved": 0}
    ]


def test_the_catalogue_s_moves_are_journaled_and_come_back(settings, tmp_path):
    # given
    settings.DEMO_DIR = tmp_path
    settings.DEMO_SEED = 3
    settings.DEMO_CUSTOMERS = 20
    s = load_shop()
    variant = all_variants(s)[4]
    product = s.products[2]
    promoted = next(iter(s.discounts()))

    # when: a sell-out, a promotion started and one ended, a product taken out of a listing
    s.stock_set(variant["id"], 0)
    s.discount_set(variant["id"], "channel-eur", 9.5)
    s.discount_set(*promoted, None)
    s.listing_visible_set(product["id"], "default-channel", False)
    s.catalogue_read_set()
    again = load_shop()

    # then
    assert (s.catalogue_read, again.catalogue_read) == (True, True)
    assert again.stock(variant["id"]) == 0
    assert again.discounted_price(variant["id"], "channel-eur") == 9.5
    assert promoted not in again.discounts()
    assert again.discounts() == s.discounts()
    assert again.listed_visibly(product["id"], "default-channel") is False
    assert again.listed_visibly(product["id"], "channel-eur") is True
    assert catalogue_product(again, again.products[2]) == catalogue_product(s, product)


# -- the catalogue's deliveries against Saleor's schema -------------------------------------------


def execute_checked(query: str, root: dict[str, Any]) -> Any:
    result = execute(schema(), parse(query), root_value=root)
    assert isinstance(result, ExecutionResult)
    assert result.errors is None, result.errors[:3]
    return result.data


VARIANT_EVENTS = [
    "PRODUCT_VARIANT_OUT_OF_STOCK",
    "PRODUCT_VARIANT_BACK_IN_STOCK",
    "PRODUCT_VARIANT_STOCK_UPDATED",
]


@pytest.mark.parametrize("event", [*VARIANT_EVENTS, "PRODUCT_UPDATED"])
def test_every_catalogue_delivery_is_what_saleors_schema_gives_for_its_subscription(event):
    # given a sold-out variant, and a product taken out of a listing
    s = generate_shop(seed=7, customers=20, anchor=ANCHOR, origin=ORIGIN)
    spec = SPECS_BY_EVENT[event]
    issued = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    product = s.products[3]
    s.stock_set(product["variants"][0]["id"], 0)
    s.listing_visible_set(product["id"], "channel-eur", False)
    if event == "PRODUCT_UPDATED":
        name, subject = "product", catalogue_product(s, product)
    else:
        name, subject = "productVariant", catalogue_variant(s, product["variants"][0])

    # when
    body = webhook_payload(event, subject, issued_at=issued, principal=STAFF)
    source = {
        "__typename": spec.typename,
        "issuedAt": stamp(issued),
        "version": "3.23.28",
        "issuingPrincipal": STAFF,
        name: subject,
    }
    executed = execute_checked(spec.subscription, {"event": source})

    # then: valid, and the app reads the stock and listing it says
    assert executed == {"event": body}
    parsed = spec.parse(json.dumps(body))
    assert parsed.typename == spec.typename
    if isinstance(parsed, payloads.ProductEvent):
        assert parsed.product is not None
        assert parsed.product.channel_listings is not None
        assert parsed.product.variants is not None
        assert parsed.product.variants[0].stocks is not None
        listings = {x.channel.slug: x.visible_in_listings for x in parsed.product.channel_listings}
        assert listings == {"default-channel": True, "channel-eur": False}
        assert parsed.product.variants[0].stocks[0].quantity == 0
    else:
        assert isinstance(parsed, payloads.VariantEvent)
        assert parsed.product_variant is not None
        assert parsed.product_variant.stocks is not None
        assert parsed.product_variant.channel_listings is not None
        assert [x.quantity for x in parsed.product_variant.stocks] == [0]
        prices = {
            x.channel.slug: x.price.amount if x.price else None
            for x in parsed.product_variant.channel_listings
        }
        variant_id = product["variants"][0]["id"]
        assert prices == {c: Decimal(str(s.listing_price(variant_id, c))) for c in CHANNELS}


def test_a_discounted_price_delivery_is_what_saleors_schema_gives():
    # given
    s = generate_shop(seed=7, customers=20, anchor=ANCHOR, origin=ORIGIN)
    spec = SPECS_BY_EVENT["PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED"]
    variant = s.products[5]["variants"][0]
    issued = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    extra = {
        "channel": s.channel("channel-eur"),
        "previousPrice": {"amount": 19.95, "currency": "EUR"},
        "newPrice": {"amount": 15.96, "currency": "EUR"},
    }

    # when
    body = webhook_payload(
        spec.event, catalogue_variant(s, variant), issued_at=issued, principal=None, **extra
    )
    source = {
        "__typename": spec.typename,
        "issuedAt": stamp(issued),
        "version": "3.23.28",
        "issuingPrincipal": None,
        "productVariant": catalogue_variant(s, variant),
        **extra,
    }

    # then
    assert execute_checked(spec.subscription, {"event": source}) == {"event": body}
    parsed = spec.parse(json.dumps(body))
    assert isinstance(parsed, payloads.VariantPriceEvent)
    assert parsed.channel is not None
    assert parsed.new_price is not None
    assert (parsed.channel.slug, parsed.new_price.amount, parsed.new_price.currency) == (
        "channel-eur",
        Decimal("15.96"),
        "EUR",
    )
    assert body["productVariant"] == {
        "id": variant["id"],
        "updatedAt": stamp(ANCHOR - timedelta(days=730)),
        "product": {"id": s.products[5]["id"]},
    }
