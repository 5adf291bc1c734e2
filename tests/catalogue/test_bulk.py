"""A sync page applied in bulk (``catalogue.bulk``) leaves what the per-product path leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.catalogue import bulk, services
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
from saleor_mautomation.catalogue.sync import _apply
from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.saleor import payloads
from tests.conftest import make_installation

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CHANNELS = {"default-channel": "USD", "channel-pln": "PLN"}


def variant(n: int, *, price: float, stock: int, channels=CHANNELS, track=True) -> dict[str, Any]:
    return {
        "id": f"V{n}",
        "name": f"Size {n}",
        "sku": f"SKU-{n}",
        "updatedAt": T0.isoformat(),
        "trackInventory": track,
        "stocks": [{"quantity": stock, "quantityAllocated": 1 if stock else 0}],
        "channelListings": [
            {
                "channel": {"slug": slug, "currencyCode": currency},
                "price": {"amount": price, "currency": currency},
            }
            for slug, currency in channels.items()
        ],
    }


def product(
    i: int,
    variants: list[dict[str, Any]],
    *,
    updated: datetime = T0,
    name: str | None = None,
    category: dict[str, Any] | None = None,
    collections: list[int] = (0,),  # type: ignore[assignment]
    channels=CHANNELS,
) -> dict[str, Any]:
    return {
        "id": f"P{i}",
        "name": name or f"Product {i}",
        "slug": f"product-{i}",
        "updatedAt": updated.isoformat(),
        "category": category,
        "collections": [
            {"id": f"K{k}", "name": f"Collection {k}", "slug": f"k{k}"} for k in collections
        ],
        "productType": {"id": "T1", "name": "Top"},
        "thumbnail": {"url": f"https://cdn.example/{i}.webp", "alt": f"Product {i}"},
        "metadata": [{"key": "season", "value": "winter"}],
        "channelListings": [
            {
                "channel": {"slug": slug, "currencyCode": currency},
                "isPublished": True,
                "visibleInListings": i % 2 == 0,
                "isAvailableForPurchase": None if i % 3 == 0 else True,
                "availableForPurchaseAt": "2026-01-01T00:00:00+00:00",
            }
            for slug, currency in channels.items()
        ],
        "variants": variants,
    }


def tees(parent: bool = False) -> dict[str, Any]:
    node: dict[str, Any] = {"id": "C1", "name": "Tees", "slug": "tees"}
    if parent:
        node["parent"] = {"id": "C0"}
    return node


FIRST = [
    product(1, [variant(1, price=20, stock=10), variant(2, price=22, stock=0)], category=tees()),
    product(2, [variant(3, price=5, stock=6)], collections=[0, 1]),
    product(3, [variant(4, price=9.99, stock=8), variant(5, price=9.99, stock=3)]),
    product(4, [variant(6, price=30, stock=0, track=False)], category=tees()),
    product(5, [variant(7, price=12.5, stock=2)], collections=[]),
]
T1 = T0 + timedelta(hours=1)
SECOND = [
    # cheaper in one channel, back in stock, a category with a parent now
    product(
        1,
        [
            variant(1, price=18, stock=10, channels={"default-channel": "USD"}),
            variant(2, price=22, stock=4),
        ],
        category=tees(parent=True),
        updated=T1,
    ),
    # stock low (6 -> 3 under the threshold 5), collections changed
    product(2, [variant(3, price=5, stock=4)], collections=[1, 2], updated=T1),
    # an older product update (its own fields kept) whose listings are newer: a variant gone,
    # the other sold out; one channel only
    product(
        3,
        [variant(4, price=9.99, stock=1)],
        updated=T0 - timedelta(days=1),
        name="Renamed late",
        channels={"channel-pln": "PLN"},
    ),
    product(4, [variant(6, price=25, stock=0, track=False)], category=None, updated=T1),
    # new in this page
    product(
        6, [variant(8, price=3, stock=1)], category={"id": "C2", "name": "Caps", "slug": "caps"}
    ),
]


def nodes(raw: list[dict[str, Any]]) -> list[payloads.CatalogueProduct]:
    return [payloads.CatalogueProduct.model_validate(node) for node in raw]


def apply_each(installation, raw, *, observed, seen_sync=1):
    with transaction.atomic():
        for node in nodes(raw):
            services.product_apply(
                installation_id=installation.pk,
                node=node,
                observed=observed,
                now=observed,
                seen_sync=seen_sync,
            )


def apply_bulk(installation, raw, *, observed, seen_sync=1):
    with transaction.atomic():
        return bulk.products_apply(
            installation_id=installation.pk,
            nodes=nodes(raw),
            observed=observed,
            now=observed,
            seen_sync=seen_sync,
        )


def rows(installation) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the catalogue holds for the installation, by Saleor's ids (no local ids)."""
    mine = {"installation": installation}
    return {
        "categories": sorted(
            Category.objects.filter(**mine).values_list(
                "saleor_id", "name", "slug", "parent__saleor_id", "seen_sync", "synced_at"
            )
        ),
        "collections": sorted(
            Collection.objects.filter(**mine).values_list(
                "saleor_id", "name", "slug", "seen_sync", "synced_at"
            )
        ),
        "products": sorted(
            (
                *values,
                tuple(
                    sorted(
                        Collection.objects.filter(
                            products__saleor_id=values[0], **mine
                        ).values_list("saleor_id", flat=True)
                    )
                ),
            )
            for values in Product.objects.filter(**mine).values_list(
                "saleor_id",
                "name",
                "slug",
                "category__saleor_id",
                "product_type_name",
                "thumbnail_url",
                "thumbnail_alt",
                "metadata",
                "source_updated_at",
                "observed_at",
                "seen_sync",
                "synced_at",
            )
        ),
        "product_listings": sorted(
            ProductChannelListing.objects.filter(product__installation=installation).values_list(
                "product__saleor_id",
                "channel_slug",
                "currency",
                "is_published",
                "visible_in_listings",
                "is_available_for_purchase",
                "available_for_purchase_at",
                "price_min",
            )
        ),
        "variants": sorted(
            Variant.objects.filter(**mine).values_list(
                "saleor_id",
                "product__saleor_id",
                "name",
                "sku",
                "quantity_available",
                "track_inventory",
                "in_stock",
                "source_updated_at",
                "observed_at",
            )
        ),
        "variant_listings": sorted(
            VariantChannelListing.objects.filter(variant__installation=installation).values_list(
                "variant__saleor_id",
                "channel_slug",
                "currency",
                "price",
                "base_price",
                "discounted_price",
                "discounted_at",
            )
        ),
        "events": sorted(
            (kind, key, str(data), *rest)
            for kind, key, data, *rest in CatalogueEvent.objects.filter(**mine).values_list(
                "kind",
                "dedupe_key",
                "data",
                "product__saleor_id",
                "variant__saleor_id",
                "product_saleor_id",
                "variant_saleor_id",
                "channel_slug",
                "occurred_at",
                "processed_at",
            )
        ),
    }


@pytest.fixture
def shops(db):
    one = make_installation(saleor_api_url="https://one.example/graphql/")
    other = make_installation(saleor_api_url="https://other.example/graphql/")
    for installation in (one, other):
        CatalogueSettings.objects.create(installation=installation, low_stock_threshold=5)
    return one, other


def discount(installation, variant_id: str, amount: str, at: datetime) -> None:
    services.variant_discounted_price_apply(
        installation_id=installation.pk,
        variant_id=variant_id,
        channel=payloads.ChannelRef.model_validate({"slug": "default-channel"}),
        new_price=payloads.Amount.model_validate({"amount": amount, "currency": "USD"}),
        observed=at,
    )


def test_pages_in_bulk_leave_the_rows_and_events_of_the_per_product_path(shops):
    # given
    by_bulk, by_each = shops

    # when: a first page into an empty catalogue, a discount heard, a later page changing
    # prices, stocks, categories, collections, listings and variants, then that page again
    for installation, apply in ((by_bulk, apply_bulk), (by_each, apply_each)):
        apply(installation, FIRST, observed=T0)
        discount(installation, "V3", "4.50", T0 + timedelta(minutes=5))
        apply(installation, SECOND, observed=T1, seen_sync=2)
        apply(installation, SECOND, observed=T1, seen_sync=2)

    # then
    got, expected = rows(by_bulk), rows(by_each)
    assert got == expected
    assert [(kind, key) for kind, key, *_ in got["events"]] == [
        ("back_in_stock", f"back_in_stock:V2:{T1.isoformat()}"),
        ("out_of_stock", f"out_of_stock:V4:{T1.isoformat()}"),
        ("price_drop", f"price_drop:V1:default-channel:18.0000:{T1.isoformat()}"),
        # the discount heard between the pages (the per-variant delivery path)
        ("price_drop", "price_drop:V3:default-channel:4.5000:2026-11-23T12:05:00+00:00"),
        ("price_drop", f"price_drop:V6:channel-pln:25.0000:{T1.isoformat()}"),
        ("price_drop", f"price_drop:V6:default-channel:25.0000:{T1.isoformat()}"),
        ("stock_low", f"stock_low:V3:{T1.isoformat()}"),
    ]
    assert [v[0] for v in got["variants"]] == ["V1", "V2", "V3", "V4", "V6", "V7", "V8"]
    assert [(p[0], p[1], p[3], p[-1]) for p in got["products"]] == [
        ("P1", "Product 1", "C1", ("K0",)),
        ("P2", "Product 2", None, ("K1", "K2")),
        ("P3", "Product 3", None, ("K0",)),
        ("P4", "Product 4", None, ("K0",)),
        ("P5", "Product 5", None, ()),
        ("P6", "Product 6", "C2", ("K0",)),
    ]
    assert [(c[0], c[1], c[3]) for c in got["categories"]] == [
        ("C0", "", None),
        ("C1", "Tees", "C0"),
        ("C2", "Caps", None),
    ]
    assert ("V3", "default-channel", "USD", Decimal("4.5000"), Decimal("5.0000")) == got[
        "variant_listings"
    ][4][:5]


def test_a_page_costs_a_few_statements_whatever_its_size(shops, monkeypatch):
    # given: the upserts go by core.sql's raw cursor, which Django's query log does not see
    installation, _ = shops
    apply_bulk(installation, FIRST, observed=T0)
    upserts = []

    def counted(sql, params, *, prepare):
        upserts.append(sql)
        return sql_rows(sql, params, prepare=prepare)

    monkeypatch.setattr(bulk, "sql_rows", counted)

    # when
    with CaptureQueriesContext(connection) as queries:
        apply_bulk(installation, SECOND, observed=T1, seen_sync=2)

    # then: a statement or three per table, not per product or variant (the per-product path
    # sends about 45 a product here)
    raw = 7 if connection.vendor == "postgresql" else 0
    assert (len(queries.captured_queries) + len(upserts), len(upserts)) == (34, raw)


def test_a_page_naming_a_product_twice_is_refused_before_any_write(shops):
    # given
    installation, _ = shops

    # when
    with pytest.raises(bulk.PageNotBulk, match="twice"):
        apply_bulk(installation, [FIRST[0], FIRST[0]], observed=T0)

    # then
    assert not Product.objects.exists()


def test_a_variant_moving_to_another_product_is_refused(shops):
    # given
    installation, _ = shops
    apply_bulk(installation, FIRST, observed=T0)
    moved = product(2, [variant(3, price=5, stock=6), variant(7, price=12.5, stock=2)])

    # when
    with pytest.raises(bulk.PageNotBulk, match="V7 moves to product P2"):
        apply_bulk(installation, [moved], observed=T1)

    # then
    assert Variant.objects.get(saleor_id="V7").product.saleor_id == "P5"


class Sync:
    def __init__(self, installation) -> None:
        self.installation_id = installation.pk
        self.number = 1


def test_a_page_the_database_refuses_in_bulk_is_applied_product_by_product(shops):
    # given: one product's name longer than the column
    installation, _ = shops
    page = [*FIRST[:2], product(9, [variant(9, price=1, stock=1)], name="x" * 300), FIRST[2]]

    # when
    with transaction.atomic():
        stored = _apply(Sync(installation), "products", nodes(page), T0)  # type: ignore[arg-type]

    # then: the others stored, that one skipped alone
    assert stored == 3
    assert sorted(Product.objects.values_list("saleor_id", flat=True)) == ["P1", "P2", "P3"]
    assert sorted(Variant.objects.values_list("saleor_id", flat=True)) == [
        "V1",
        "V2",
        "V3",
        "V4",
        "V5",
    ]
