"""Product, variant, category and collection deliveries through the webhook route and the
drain, applied to the catalogue. The captured deliveries (PRODUCT_UPDATED and the three stock
events) are Saleor's own bytes and signatures; the other events are built in the shape of the
app's subscriptions (``bodies``, checked in ``test_bodies``)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from saleor_mautomation.catalogue.models import (
    CatalogueEvent,
    CatalogueSettings,
    Category,
    Collection,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.project.wsgi import application
from tests.catalogue import bodies
from tests.catalogue.bodies import TEE, TEE_L
from tests.support.keys import signing_key
from tests.support.samples import webhook_sample
from tests.support.wsgi import WsgiClient

URL = "/api/webhooks/saleor"
TEE_VARIANTS = [
    ("UHJvZHVjdFZhcmlhbnQ6MzQ4", "S", "328223580"),
    ("UHJvZHVjdFZhcmlhbnQ6MzQ5", "M", "328223581"),
    ("UHJvZHVjdFZhcmlhbnQ6MzUw", "L", "328223582"),
    ("UHJvZHVjdFZhcmlhbnQ6MzUx", "XL", "328223583"),
    ("UHJvZHVjdFZhcmlhbnQ6MzUy", "XXL", "328223584"),
]


@pytest.fixture
def sample_installation(sample_installation):
    """The captured deliveries' installation, which also trusts the tests' signing key (for
    the bodies built here beside Saleor's own)."""
    jwks = dict(sample_installation.jwks)
    jwks["keys"] = [*jwks["keys"], signing_key(0).public_jwk]
    sample_installation.jwks = jwks
    sample_installation.save()
    return sample_installation


def deliver_captured(name: str) -> None:
    sample = webhook_sample(name)
    headers = {k: v for k, v in sample["headers"].items() if k != "Content-Type"}
    response = WsgiClient(application).post(
        URL, data=sample["raw_body"].encode(), content_type="application/json", headers=headers
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "stored"}


def deliver(installation, event: str, body: dict) -> None:
    raw = json.dumps(body).encode()
    delivery_receive(
        saleor_api_url=installation.saleor_api_url,
        event=event.lower(),
        signature=signing_key(0).sign_webhook(raw),
        body=raw,
        on_stored=lambda: None,
    )


def drain():
    result = deliveries_drain(batch_size=10, max_batches=50, max_attempts=3)
    failed = list(
        Delivery.objects.exclude(status=Delivery.Status.PROCESSED).values("event", "error")
    )
    return result, failed


def stock_of(variant_id: str) -> tuple[int, bool]:
    variant = Variant.objects.get(saleor_id=variant_id)
    return variant.quantity_available, variant.in_stock


def events():
    return list(
        CatalogueEvent.objects.order_by("occurred_at", "kind").values_list(
            "kind", "variant_saleor_id", "channel_slug", "data"
        )
    )


def test_captured_product_updated_is_accepted_and_stored_exactly(sample_installation):
    # when
    deliver_captured("PRODUCT_UPDATED")
    result, failed = drain()

    # then
    assert (result.processed, failed) == (1, [])
    product = Product.objects.get()
    assert product.installation == sample_installation
    assert (product.saleor_id, product.name, product.slug) == (TEE, "Monospace Tee", "ascii-tee")
    assert product.category is not None
    assert (product.category.saleor_id, product.category.name) == ("Q2F0ZWdvcnk6Mzk=", "T-shirts")
    assert list(product.collections.values_list("saleor_id", "name", "slug")) == [
        ("Q29sbGVjdGlvbjo0", "Featured Products", "featured-products")
    ]
    assert product.product_type_name == "Top"
    assert (product.thumbnail_url, product.metadata) == ("", {})
    assert product.source_updated_at.isoformat() == "2026-11-23T16:42:14.440531+00:00"
    assert sorted(
        ProductChannelListing.objects.values_list(
            "channel_slug",
            "currency",
            "is_published",
            "visible_in_listings",
            "is_available_for_purchase",
            "price_min",
        )
    ) == [
        ("channel-pln", "PLN", True, True, True, None),
        ("default-channel", "USD", True, True, True, None),
    ]
    # The capture's subscription asked quantityAvailable (not stocks): taken as it is.
    assert sorted(
        Variant.objects.values_list("saleor_id", "name", "sku", "quantity_available", "in_stock")
    ) == sorted((vid, name, sku, 50, True) for vid, name, sku in TEE_VARIANTS)
    assert VariantChannelListing.objects.count() == 0
    assert events() == []


def test_captured_stock_deliveries_sum_every_warehouse(sample_installation):
    # given
    deliver_captured("PRODUCT_UPDATED")

    # when: out of stock in one warehouse (Oceania), then updated, then back there
    deliver_captured("PRODUCT_VARIANT_OUT_OF_STOCK")
    drain()
    after_out = stock_of(TEE_L)
    deliver_captured("PRODUCT_VARIANT_STOCK_UPDATED")
    drain()
    after_update = stock_of(TEE_L)
    deliver_captured("PRODUCT_VARIANT_BACK_IN_STOCK")
    _, failed = drain()

    # then: quantity - allocated per warehouse, summed; other warehouses still hold it
    assert failed == []
    assert after_out == (0 + 138 + 137 + 138 + 138 + 138 + 138, True)
    assert after_update == (0 + 138 + 137 + 138 + 138 + 138 + 138 + 138, True)
    assert stock_of(TEE_L) == (25 + 138 + 137 + 138 + 138 + 138 + 138, True)
    assert sorted(
        VariantChannelListing.objects.values_list(
            "variant__saleor_id", "channel_slug", "currency", "base_price", "price"
        )
    ) == [
        (TEE_L, "channel-pln", "PLN", Decimal("90.0000"), Decimal("90.0000")),
        (TEE_L, "default-channel", "USD", Decimal("20.0000"), Decimal("20.0000")),
    ]
    assert sorted(ProductChannelListing.objects.values_list("channel_slug", "price_min")) == [
        ("channel-pln", Decimal("90.0000")),
        ("default-channel", Decimal("20.0000")),
    ]
    # The other variants keep the PRODUCT_UPDATED quantities; no moment: never sold out.
    assert stock_of("UHJvZHVjdFZhcmlhbnQ6MzQ4") == (50, True)
    assert events() == []


def test_captured_back_in_stock_after_a_sell_out_writes_one_event(sample_installation):
    # given: the variant sold out everywhere, said before the captured delivery was issued
    empty = json.loads(webhook_sample("PRODUCT_VARIANT_OUT_OF_STOCK")["raw_body"])
    for stock in empty["productVariant"]["stocks"]:
        stock["quantity"], stock["quantityAllocated"] = 0, 0
    empty["issuedAt"] = "2026-11-23T16:40:00+00:00"
    deliver(sample_installation, "PRODUCT_VARIANT_OUT_OF_STOCK", empty)
    drain()
    assert stock_of(TEE_L) == (0, False)

    # when: Saleor's delivery, then the same delivery again (a retry)
    deliver_captured("PRODUCT_VARIANT_BACK_IN_STOCK")
    drain()
    replay = json.loads(webhook_sample("PRODUCT_VARIANT_BACK_IN_STOCK")["raw_body"])
    replay["version"] = "3.23.28 "  # a new body (the route stores a byte-identical one once)
    deliver(sample_installation, "PRODUCT_VARIANT_BACK_IN_STOCK", replay)
    _, failed = drain()

    # then
    assert failed == []
    assert stock_of(TEE_L) == (852, True)
    assert events() == [("back_in_stock", TEE_L, "", {"quantity": 852, "previous": 0})]
    event = CatalogueEvent.objects.get()
    assert event.product is not None
    assert event.product.saleor_id == TEE
    assert event.product_saleor_id == TEE
    assert event.processed_at is None


def test_a_late_stock_delivery_does_not_overwrite_a_newer_one(sample_installation):
    # given: back in stock (issued 16:42:15.875)
    deliver_captured("PRODUCT_VARIANT_BACK_IN_STOCK")
    drain()

    # when: the out-of-stock delivery issued earlier (16:42:14.652) arrives late
    deliver_captured("PRODUCT_VARIANT_OUT_OF_STOCK")
    result, failed = drain()

    # then
    assert (result.processed, failed) == (1, [])
    assert stock_of(TEE_L) == (852, True)
    assert events() == []


def test_out_of_stock_everywhere_and_low_stock_are_events(standin_installation):
    # given: 12 in stock, threshold 5
    CatalogueSettings.objects.create(installation=standin_installation, low_stock_threshold=5)
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_CREATED",
        bodies.variant_event(
            "ProductVariantCreated", "2026-11-24T10:00:00+00:00", stocks=((12, 0),)
        ),
    )
    drain()

    # when: 6 left (not below 5), then 4 left of 6 with 1 allocated (3), then none
    for issued, stocks in (("10:01", (6, 0)), ("10:02", (4, 1)), ("10:03", (2, 2))):
        body = bodies.variant_event(
            "ProductVariantStockUpdated", f"2026-11-24T{issued}:00+00:00", stocks=(stocks,)
        )
        deliver(standin_installation, "PRODUCT_VARIANT_STOCK_UPDATED", body)
        drain()

    # then
    assert events() == [
        ("stock_low", TEE_L, "", {"quantity": 3, "previous": 6, "threshold": 5}),
        ("out_of_stock", TEE_L, "", {"quantity": 0, "previous": 3}),
    ]
    assert stock_of(TEE_L) == (0, False)


def test_a_variant_not_tracking_inventory_is_always_in_stock(standin_installation):
    # when
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_CREATED",
        bodies.variant_event(
            "ProductVariantCreated", "2026-11-24T10:00:00+00:00", stocks=(), track_inventory=False
        ),
    )
    drain()

    # then
    assert stock_of(TEE_L) == (0, True)


def test_a_lower_listing_price_is_a_price_drop_in_its_channel(standin_installation):
    # given: 20 USD and 90 PLN
    prices = {"default-channel": (20.0, "USD"), "channel-pln": (90.0, "PLN")}
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_CREATED",
        bodies.variant_event("ProductVariantCreated", "2026-11-24T10:00:00+00:00", prices=prices),
    )
    drain()

    # when: 15 USD, PLN unchanged; then the same update again
    prices = {"default-channel": (15.0, "USD"), "channel-pln": (90.0, "PLN")}
    for issued in ("2026-11-24T11:00:00+00:00", "2026-11-24T11:00:01+00:00"):
        deliver(
            standin_installation,
            "PRODUCT_VARIANT_UPDATED",
            bodies.variant_event("ProductVariantUpdated", issued, prices=prices),
        )
        drain()

    # then
    assert events() == [
        (
            "price_drop",
            TEE_L,
            "default-channel",
            {"old": "20.00", "new": "15.00", "currency": "USD", "drop_percent": "25.0"},
        )
    ]
    assert ProductChannelListing.objects.get(channel_slug="default-channel").price_min == Decimal(
        "15.0000"
    )


def test_a_discounted_price_is_what_customers_pay_until_saleor_recomputes_it(
    standin_installation,
):
    # given: listed at 20 USD
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_CREATED",
        bodies.variant_event("ProductVariantCreated", "2026-11-24T10:00:00+00:00"),
    )
    drain()

    # when: a promotion makes it 16; a later variant update still lists 20; then it ends
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED",
        bodies.discounted_price("2026-11-24T11:00:00+00:00", previous=20.0, new=16.0),
    )
    drain()
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_UPDATED",
        bodies.variant_event("ProductVariantUpdated", "2026-11-24T11:30:00+00:00", name="Large"),
    )
    drain()
    during = VariantChannelListing.objects.get().price
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED",
        bodies.discounted_price("2026-11-24T12:00:00+00:00", previous=16.0, new=20.0),
    )
    _, failed = drain()

    # then
    assert failed == []
    assert during == Decimal("16.0000")
    listing = VariantChannelListing.objects.get()
    assert (listing.base_price, listing.discounted_price, listing.price) == (
        Decimal("20.0000"),
        Decimal("20.0000"),
        Decimal("20.0000"),
    )
    assert Variant.objects.get().name == "Large"
    assert events() == [
        (
            "price_drop",
            TEE_L,
            "default-channel",
            {"old": "20.00", "new": "16.00", "currency": "USD", "drop_percent": "20.0"},
        )
    ]


def test_a_discounted_price_for_an_unknown_variant_is_ignored(standin_installation):
    # when
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED",
        bodies.discounted_price("2026-11-24T11:00:00+00:00", previous=20.0, new=16.0),
    )
    result, _ = drain()

    # then
    assert (result.processed, result.ignored) == (0, 1)
    assert Variant.objects.count() == 0
    assert CatalogueEvent.objects.count() == 0


def test_an_older_product_delivery_keeps_the_newer_fields(standin_installation):
    # given
    deliver(
        standin_installation,
        "PRODUCT_UPDATED",
        bodies.product_event(
            "ProductUpdated",
            "2026-11-24T12:00:00+00:00",
            name="Monospace Tee v2",
            updated_at="2026-11-24T11:59:00+00:00",
        ),
    )
    drain()

    # when: a delivery about an older version of the product arrives late
    deliver(
        standin_installation,
        "PRODUCT_UPDATED",
        bodies.product_event(
            "ProductUpdated",
            "2026-11-24T11:00:00+00:00",
            name="Monospace Tee",
            updated_at="2026-11-24T10:59:00+00:00",
            listings=[bodies.listing(published=False)],
            variants=[bodies.variant_core(stocks=((1, 0),))],
        ),
    )
    _, failed = drain()

    # then
    assert failed == []
    product = Product.objects.get()
    assert product.name == "Monospace Tee v2"
    assert product.thumbnail_url == "https://cdn.example/tee.webp"
    assert product.metadata == {"season": "winter"}
    assert ProductChannelListing.objects.get().is_published is True
    assert stock_of(TEE_L) == (25, True)


def test_a_product_delivery_deletes_the_variants_it_no_longer_names(standin_installation):
    # given
    two = [bodies.variant_core(), bodies.variant_core("UHJvZHVjdFZhcmlhbnQ6MzUx", name="XL")]
    deliver(
        standin_installation,
        "PRODUCT_CREATED",
        bodies.product_event("ProductCreated", "2026-11-24T10:00:00+00:00", variants=two),
    )
    drain()

    # when
    deliver(
        standin_installation,
        "PRODUCT_UPDATED",
        bodies.product_event(
            "ProductUpdated", "2026-11-24T11:00:00+00:00", variants=[bodies.variant_core()]
        ),
    )
    drain()

    # then
    assert list(Variant.objects.values_list("saleor_id", flat=True)) == [TEE_L]


def test_deletions_remove_rows_and_keep_the_events_saleor_ids(standin_installation):
    # given: a product with a variant that sold out (an event)
    deliver(
        standin_installation,
        "PRODUCT_CREATED",
        bodies.product_event("ProductCreated", "2026-11-24T10:00:00+00:00"),
    )
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_OUT_OF_STOCK",
        bodies.variant_event("ProductVariantOutOfStock", "2026-11-24T10:01:00+00:00", stocks=()),
    )
    drain()
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_CREATED",
        bodies.variant_event(
            "ProductVariantCreated",
            "2026-11-24T10:02:00+00:00",
            saleor_id="UHJvZHVjdFZhcmlhbnQ6MzUx",
            name="XL",
        ),
    )
    drain()

    # when: the XL variant deleted, then the product
    deliver(
        standin_installation,
        "PRODUCT_VARIANT_DELETED",
        bodies.variant_deleted("2026-11-24T11:00:00+00:00", "UHJvZHVjdFZhcmlhbnQ6MzUx"),
    )
    drain()
    variants_left = list(Variant.objects.values_list("saleor_id", flat=True))
    deliver(
        standin_installation, "PRODUCT_DELETED", bodies.product_deleted("2026-11-24T12:00:00+00:00")
    )
    _, failed = drain()

    # then
    assert failed == []
    assert variants_left == [TEE_L]
    assert (Product.objects.count(), Variant.objects.count()) == (0, 0)
    assert ProductChannelListing.objects.count() == VariantChannelListing.objects.count() == 0
    event = CatalogueEvent.objects.get()
    assert (event.kind, event.product, event.variant) == ("out_of_stock", None, None)
    assert (event.product_saleor_id, event.variant_saleor_id) == (TEE, TEE_L)
    # The category and collection stay: only their own deliveries or a sync remove them.
    assert Category.objects.count() == Collection.objects.count() == 1


def test_category_and_collection_deliveries(standin_installation):
    # given
    parent = "Q2F0ZWdvcnk6MQ=="
    deliver(
        standin_installation,
        "CATEGORY_CREATED",
        bodies.category_event(
            "CategoryCreated",
            "2026-11-24T10:00:00+00:00",
            saleor_id="Q2F0ZWdvcnk6Mg==",
            name="Tees",
            slug="tees",
            parent=parent,
        ),
    )
    deliver(
        standin_installation,
        "CATEGORY_CREATED",
        bodies.category_event(
            "CategoryCreated",
            "2026-11-24T10:01:00+00:00",
            saleor_id=parent,
            name="Apparel",
            slug="apparel",
        ),
    )
    deliver(
        standin_installation,
        "COLLECTION_CREATED",
        bodies.collection_event(
            "CollectionCreated", "2026-11-24T10:00:00+00:00", "Q29sbGVjdGlvbjo5", "Sale", "sale"
        ),
    )
    deliver(
        standin_installation,
        "COLLECTION_UPDATED",
        bodies.collection_event(
            "CollectionUpdated",
            "2026-11-24T10:05:00+00:00",
            "Q29sbGVjdGlvbjo5",
            "Winter sale",
            "winter-sale",
        ),
    )
    drain()
    tree = sorted(Category.objects.values_list("saleor_id", "name", "slug", "parent__saleor_id"))
    collections = list(Collection.objects.values_list("saleor_id", "name", "slug"))

    # when
    deliver(
        standin_installation,
        "CATEGORY_DELETED",
        bodies.category_event("CategoryDeleted", "2026-11-24T11:00:00+00:00", saleor_id=parent),
    )
    deliver(
        standin_installation,
        "COLLECTION_DELETED",
        bodies.collection_event(
            "CollectionDeleted", "2026-11-24T11:00:00+00:00", "Q29sbGVjdGlvbjo5"
        ),
    )
    _, failed = drain()

    # then
    assert failed == []
    assert tree == [
        (parent, "Apparel", "apparel", None),
        ("Q2F0ZWdvcnk6Mg==", "Tees", "tees", parent),
    ]
    assert collections == [("Q29sbGVjdGlvbjo5", "Winter sale", "winter-sale")]
    assert list(Category.objects.values_list("saleor_id", "parent")) == [("Q2F0ZWdvcnk6Mg==", None)]
    assert Collection.objects.count() == 0


def test_a_delivery_changes_only_its_own_installation(standin_installation, sample_installation):
    # when: the captured delivery belongs to the sample installation
    deliver_captured("PRODUCT_UPDATED")
    drain()

    # then
    assert set(Product.objects.values_list("installation", flat=True)) == {sample_installation.pk}
    assert Product.objects.filter(installation=standin_installation).count() == 0
