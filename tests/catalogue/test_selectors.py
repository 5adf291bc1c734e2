from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.catalogue.models import (
    CatalogueSettings,
    Category,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.catalogue.selectors import (
    ProductCard,
    catalogue_settings,
    product_cards,
    product_url,
    recommendable_products,
    variant_products,
)
from tests.conftest import make_installation

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def installation(db):
    return make_installation(saleor_api_url="https://shop.example/graphql/")


def make_product(installation, saleor_id, *, slug="tee", category=None, **listing):
    product = Product.objects.create(
        installation=installation,
        saleor_id=saleor_id,
        name=f"Product {saleor_id}",
        slug=slug,
        category=category,
        source_updated_at=NOW,
        synced_at=NOW,
    )
    fields = {
        "channel_slug": "default-channel",
        "currency": "USD",
        "is_published": True,
        "visible_in_listings": True,
        "is_available_for_purchase": True,
        **listing,
    }
    ProductChannelListing.objects.create(product=product, **fields)
    return product


def make_variant(product, saleor_id, *, price, quantity=5, channel="default-channel"):
    variant = Variant.objects.create(
        installation=product.installation,
        product=product,
        saleor_id=saleor_id,
        quantity_available=quantity,
        in_stock=quantity > 0,
        source_updated_at=NOW,
    )
    VariantChannelListing.objects.create(
        variant=variant, channel_slug=channel, currency="USD", price=price
    )
    return variant


def test_recommendable_products_keep_only_listed_visible_purchasable_in_stock_priced(
    installation,
):
    # given
    sellable = make_product(installation, "P1")
    make_variant(sellable, "V1", price=Decimal("20.00"))
    hidden = make_product(installation, "P2", visible_in_listings=False)
    make_variant(hidden, "V2", price=Decimal("20.00"))
    unpublished = make_product(installation, "P3", is_published=False)
    make_variant(unpublished, "V3", price=Decimal("20.00"))
    sold_out = make_product(installation, "P4")
    make_variant(sold_out, "V4", price=Decimal("20.00"), quantity=0)
    unpriced = make_product(installation, "P5")
    make_variant(unpriced, "V5", price=None)
    other_channel_price = make_product(installation, "P6")
    make_variant(other_channel_price, "V6", price=Decimal("9.00"), channel="channel-pln")
    not_yet = make_product(
        installation,
        "P7",
        is_available_for_purchase=False,
        available_for_purchase_at=datetime.now(tz=UTC) + timedelta(days=1),
    )
    make_variant(not_yet, "V7", price=Decimal("20.00"))
    opened_since = make_product(
        installation,
        "P8",
        is_available_for_purchase=False,
        available_for_purchase_at=datetime.now(tz=UTC) - timedelta(minutes=1),
    )
    make_variant(opened_since, "V8", price=Decimal("20.00"))
    other_shop = make_product(make_installation(saleor_api_url="https://b.example/graphql/"), "P1")
    make_variant(other_shop, "V1", price=Decimal("20.00"))

    # when
    ids = set(
        recommendable_products(installation.pk, "default-channel").values_list(
            "saleor_id", flat=True
        )
    )

    # then
    assert ids == {"P1", "P8"}
    assert list(recommendable_products(installation.pk, "channel-pln")) == []


def test_product_cards_show_lowest_in_stock_price_url_and_availability(installation):
    # given
    category = Category.objects.create(
        installation=installation, saleor_id="C1", name="T-shirts", slug="t-shirts", synced_at=NOW
    )
    tee = make_product(installation, "P1", slug="ascii-tee", category=category)
    tee.thumbnail_url = "https://cdn.example/tee.png"
    tee.save()
    make_variant(tee, "V1", price=Decimal("18.0000"), quantity=0)
    make_variant(tee, "V2", price=Decimal("20.0000"))
    make_variant(tee, "V3", price=Decimal("22.0000"))
    gone = make_product(installation, "P2", slug="gone")
    make_variant(gone, "V4", price=Decimal("7.5000"), quantity=0)
    settings = catalogue_settings(installation.pk)
    settings.product_url_patterns = {"*": "https://shop.example/{channel}/products/{slug}"}
    settings.save()

    # when
    cards = product_cards(installation.pk, "default-channel", ["P1", "P2", "P-unknown"])

    # then
    assert cards == {
        "P1": ProductCard(
            id="P1",
            name="Product P1",
            slug="ascii-tee",
            url="https://shop.example/default-channel/products/ascii-tee",
            image="https://cdn.example/tee.png",
            price=Decimal("20.0000"),
            currency="USD",
            category="T-shirts",
            available=True,
        ),
        "P2": ProductCard(
            id="P2",
            name="Product P2",
            slug="gone",
            url="https://shop.example/default-channel/products/gone",
            image="",
            price=Decimal("7.5000"),
            currency="USD",
            category="",
            available=False,
        ),
    }


def test_product_url_prefers_the_channels_pattern_and_fills_every_placeholder(installation):
    # given
    settings = CatalogueSettings(
        installation=installation,
        product_url_patterns={
            "channel-pln": "https://pl.example/p/{id}?v={variant_id}",
            "*": "https://shop.example/{channel}/{slug}",
        },
    )
    product = Product(saleor_id="UHJvZHVjdDox", slug="ascii tee")

    # when / then
    assert (
        product_url(settings, "channel-pln", product, "UHJvZHVjdFZhcmlhbnQ6MQ==")
        == "https://pl.example/p/UHJvZHVjdDox?v=UHJvZHVjdFZhcmlhbnQ6MQ%3D%3D"
    )
    assert product_url(settings, "default-channel", product) == (
        "https://shop.example/default-channel/ascii%20tee"
    )
    assert product_url(CatalogueSettings(installation=installation), "x", product) == ""


def test_variant_products_map_variant_ids_of_the_installation(installation):
    # given
    tee = make_product(installation, "P1")
    make_variant(tee, "V1", price=Decimal("1"))
    make_variant(tee, "V2", price=Decimal("1"))
    other = make_product(make_installation(saleor_api_url="https://b.example/graphql/"), "P9")
    make_variant(other, "V3", price=Decimal("1"))

    # when / then
    assert variant_products(installation.pk, ["V1", "V2", "V3", "V4"]) == {"V1": "P1", "V2": "P1"}
