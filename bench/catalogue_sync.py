"""Catalogue sync apply rate: products (3 variants, 2 channels each) stored per second.

What a full sync page costs the app's side once Saleor answered it: ``BENCH_SCALE`` x 2,000
products applied in pages of 100, each page in one transaction as ``catalogue.sync`` commits it,
first into an empty catalogue (creates), then again with one variant in ten cheaper and one in
ten sold out (updates, the price-drop and stock events written). ``BENCH_PATH`` picks how a page
is applied: ``bulk`` (default: ``catalogue.bulk.products_apply``, as the sync does) or ``each``
(``services.product_apply`` per product, as webhook deliveries and a refused page do). Saleor's
own time to answer is not in it. Runs ``BENCH_RUNS`` times (default 3) on a throwaway
PostgreSQL and prints one JSON line: the median products/s of each pass with the load average.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from _support import bench_database, django_ready, loadavg, median, peak_rss_mb

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
PRODUCTS = max(100, int(2_000 * SCALE))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PATH = os.environ.get("BENCH_PATH", "bulk")
PAGE = 100


def product(i: int, *, cheaper: bool, at: str) -> dict[str, Any]:
    channels = {"default-channel": "USD", "channel-eur": "EUR"}
    variants = []
    for v in range(3):
        n = i * 3 + v
        price = 20.0 + v - (2.0 if cheaper and n % 10 == 0 else 0.0)
        quantity = 0 if cheaper and n % 10 == 5 else 10 + n % 7
        variants.append(
            {
                "id": f"V{n}",
                "name": f"Size {v}",
                "sku": f"SKU-{n}",
                "updatedAt": at,
                "trackInventory": True,
                "stocks": [{"quantity": quantity, "quantityAllocated": 0}],
                "channelListings": [
                    {
                        "channel": {"slug": slug, "currencyCode": currency},
                        "price": {"amount": price, "currency": currency},
                    }
                    for slug, currency in channels.items()
                ],
            }
        )
    return {
        "id": f"P{i}",
        "name": f"Product {i}",
        "slug": f"product-{i}",
        "updatedAt": at,
        "category": {"id": f"C{i % 20}", "name": f"Category {i % 20}", "slug": f"c-{i % 20}"},
        "collections": [{"id": f"K{i % 5}", "name": f"Collection {i % 5}", "slug": f"k{i % 5}"}],
        "productType": {"id": "T1", "name": "Top"},
        "thumbnail": {"url": f"https://cdn.example/{i}.webp", "alt": ""},
        "metadata": [],
        "channelListings": [
            {
                "channel": {"slug": slug, "currencyCode": currency},
                "isPublished": True,
                "visibleInListings": True,
                "isAvailableForPurchase": True,
                "availableForPurchaseAt": "2026-01-01T00:00:00+00:00",
            }
            for slug, currency in channels.items()
        ],
        "variants": variants,
    }


def apply_all(installation_id: int, *, cheaper: bool, at: datetime) -> float:
    from django.db import transaction

    from saleor_mautomation.catalogue.bulk import products_apply
    from saleor_mautomation.catalogue.services import product_apply
    from saleor_mautomation.saleor import payloads

    stamp = at.isoformat()
    nodes = [
        payloads.CatalogueProduct.model_validate(product(i, cheaper=cheaper, at=stamp))
        for i in range(PRODUCTS)
    ]
    began = time.perf_counter()
    for start in range(0, PRODUCTS, PAGE):
        with transaction.atomic():
            if PATH == "bulk":
                products_apply(
                    installation_id=installation_id,
                    nodes=nodes[start : start + PAGE],
                    observed=at,
                    now=at,
                    seen_sync=1,
                )
                continue
            for node in nodes[start : start + PAGE]:
                product_apply(
                    installation_id=installation_id, node=node, observed=at, now=at, seen_sync=1
                )
    return PRODUCTS / (time.perf_counter() - began)


def main() -> None:
    with bench_database("catalogue") as (url, var, _given):
        django_ready(url, var)
        from saleor_mautomation.catalogue.models import CatalogueEvent, Product
        from saleor_mautomation.saleor.models import Installation

        creates, updates, events = [], [], 0
        for run in range(RUNS):
            now = datetime.now(tz=UTC)
            installation = Installation.objects.create(
                saleor_api_url=f"https://shop-{run}.example/graphql/",
                app_id="QXBwOjE=",
                auth_token="token",
                installed_at=now,
            )
            creates.append(apply_all(installation.pk, cheaper=False, at=now))
            updates.append(apply_all(installation.pk, cheaper=True, at=now + timedelta(minutes=1)))
            assert Product.objects.filter(installation=installation).count() == PRODUCTS
            events = CatalogueEvent.objects.filter(installation=installation).count()
            print(
                f"[catalogue] run {run + 1}: {creates[-1]:.0f}/s, {updates[-1]:.0f}/s", flush=True
            )
    print(
        json.dumps(
            {
                "benchmark": "catalogue_sync",
                "path": PATH,
                "products": PRODUCTS,
                "variants_per_product": 3,
                "channels": 2,
                "runs": RUNS,
                "create_products_per_s": round(median(creates), 1),
                "update_products_per_s": round(median(updates), 1),
                "events_per_update_pass": events,
                "peak_rss_mb": peak_rss_mb(),
                "loadavg": loadavg(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
