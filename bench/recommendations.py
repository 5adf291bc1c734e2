"""Recommendations with 50,000 products and 1,000,000 order lines: the build from scratch, the
incremental update per order, and the per-contact look-up.

Fills a throwaway (durable) PostgreSQL (``BENCH_DATABASE_URL``: a database to use instead,
filled on the first run and reused) with ``BENCH_SCALE`` x 50,000 products in 250 categories
(90% recommendable in the default channel, the rest sold out or hidden; half also sold in a
second channel), 150,000 contacts and 1,000,000 order lines (1 to 5 per order, products
drawn by a long-tailed popularity, most from the contact's favourite category, over a year,
80% in the default channel) and two product views per contact, then:

- builds the tables from scratch (``recommendations_rebuild``) ``BENCH_REPEAT`` times, each in
  a process of its own, whose time and peak RSS are reported (the database server's memory is
  not the app's and is not counted);
- adds ``BENCH_ORDERS`` new orders and counts them as the periodic refresh does (in batches:
  the cost per order), then adds them one at a time with a refresh after each (the latency of
  an order arriving alone: the refresh's fixed cost included);
- asks ``BENCH_LOOKUPS`` random contacts' ``personalised`` recommendations (4, in the default
  channel) and ``bought_together`` for a product of theirs, each timed alone (median, p90,
  p95, p99, max; the five slowest with their contact's orders and products bought). Contacts
  are drawn by the products they bought, so the few who bought thousands (a long tail of
  buyers: one has 61,000 orders) are about one look-up in fifteen.

``BENCH_STEPS`` (``build,update,lookups``) names the steps to run (a filled
``BENCH_DATABASE_URL`` is built already). Prints progress, then one JSON line. Targets (2
cores): build < 60 s with peak RSS < 1 GB, update < 5 ms per order, look-up median < 10 ms and
p95 < 30 ms.
"""

from __future__ import annotations

import bisect
import itertools
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import (
    bench_database,
    copy_rows,
    django_environ,
    django_ready,
    loadavg,
    median,
    peak_rss_mb,
    percentile,
)

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
PRODUCTS = max(500, int(50_000 * SCALE))
CATEGORIES = max(5, PRODUCTS // 200)
CONTACTS = max(300, int(150_000 * SCALE))
LINES = max(3000, int(1_000_000 * SCALE))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
NEW_ORDERS = int(os.environ.get("BENCH_ORDERS", "500"))
LOOKUPS = int(os.environ.get("BENCH_LOOKUPS", "500"))
SHOP = "https://shop.bench.example/graphql/"
CHANNEL, OTHER = "default-channel", "de"
NOW = datetime.now(tz=UTC).replace(microsecond=0)


def log(message: str) -> None:
    print(f"[recommendations] {message}", flush=True)


def product_id(n: int) -> str:
    return f"UHJvZHVjdDo{n}"


def category_of(n: int) -> int:
    return n % CATEGORIES


class Shop:
    """Products drawn by a long tail of popularity, overall and within a category."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        weights = [1 / (rank + 10) ** 0.9 for rank in range(PRODUCTS)]
        self.overall = list(itertools.accumulate(weights))
        self.by_category: dict[int, tuple[list[int], list[float]]] = {}
        for category in range(CATEGORIES):
            members = list(range(category, PRODUCTS, CATEGORIES))
            cumulative = list(itertools.accumulate(weights[m] for m in members))
            self.by_category[category] = (members, cumulative)

    def pick(self, favourite: int) -> int:
        if self.rng.random() < 0.6:
            members, cumulative = self.by_category[favourite]
            return members[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]
        index = bisect.bisect(self.overall, self.rng.random() * self.overall[-1])
        return min(index, PRODUCTS - 1)


def fill_catalogue(installation_id: int) -> None:
    from saleor_mautomation.catalogue.models import (
        Category,
        Product,
        ProductChannelListing,
        Variant,
        VariantChannelListing,
    )

    copy_rows(
        Category,
        (
            {
                "installation_id": installation_id,
                "saleor_id": f"Q2F0ZWdvcnk6{c}",
                "name": f"Category {c}",
                "slug": f"category-{c}",
                "synced_at": NOW,
            }
            for c in range(CATEGORIES)
        ),
    )
    categories = dict(
        Category.objects.filter(installation_id=installation_id).values_list("saleor_id", "pk")
    )
    copy_rows(
        Product,
        (
            {
                "installation_id": installation_id,
                "saleor_id": product_id(n),
                "name": f"Product {n}",
                "slug": f"product-{n}",
                "category_id": categories[f"Q2F0ZWdvcnk6{category_of(n)}"],
                "product_type_name": "Apparel",
                "thumbnail_url": f"https://media.bench.example/{n}.png",
                "source_updated_at": NOW,
                "synced_at": NOW,
            }
            for n in range(PRODUCTS)
        ),
    )
    products = dict(
        Product.objects.filter(installation_id=installation_id).values_list("saleor_id", "pk")
    )

    def listings() -> Any:
        for n in range(PRODUCTS):
            for channel in (CHANNEL, OTHER) if n % 2 == 0 else (CHANNEL,):
                yield {
                    "product_id": products[product_id(n)],
                    "channel_slug": channel,
                    "currency": "USD" if channel == CHANNEL else "EUR",
                    "is_published": True,
                    "visible_in_listings": n % 20 != 7,  # 5% hidden
                    "is_available_for_purchase": True,
                    "price_min": Decimal(10 + n % 90),
                }

    copy_rows(ProductChannelListing, listings())
    copy_rows(
        Variant,
        (
            {
                "installation_id": installation_id,
                "product_id": products[product_id(n)],
                "saleor_id": f"{product_id(n)}-V",
                "name": "M",
                "quantity_available": 0 if n % 20 == 3 else 10,  # 5% sold out
                "in_stock": n % 20 != 3,
                "source_updated_at": NOW,
            }
            for n in range(PRODUCTS)
        ),
    )
    variants = dict(
        Variant.objects.filter(installation_id=installation_id).values_list("saleor_id", "pk")
    )
    copy_rows(
        VariantChannelListing,
        (
            {
                "variant_id": variants[f"{product_id(n)}-V"],
                "channel_slug": channel,
                "currency": "USD" if channel == CHANNEL else "EUR",
                "price": Decimal(10 + n % 90),
            }
            for n in range(PRODUCTS)
            for channel in ((CHANNEL, OTHER) if n % 2 == 0 else (CHANNEL,))
        ),
    )


def order_rows(
    installation_id: int, contacts: list[int], shop: Shop, lines_wanted: int, start: int
) -> Any:
    """Orders until ``lines_wanted`` lines: a contact (a few buy often), 1 to 5 products."""
    rng = shop.rng
    written, n = 0, start
    while written < lines_wanted:
        contact = (
            contacts[min(int(rng.paretovariate(1.2)) - 1, len(contacts) - 1)]
            if (rng.random() < 0.3)
            else rng.choice(contacts)
        )
        favourite = contact % CATEGORIES
        products = {shop.pick(favourite) for _ in range(rng.randint(1, 5))}
        placed = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        lines = [
            {
                "id": f"T3JkZXJMaW5lOi{n}-{p}",
                "quantity": rng.randint(1, 2),
                "product_id": product_id(p),
                "category_id": f"Q2F0ZWdvcnk6{category_of(p)}",
                "unit_price": "20.00",
            }
            for p in products
        ]
        written += len(lines)
        yield {
            "installation_id": installation_id,
            "saleor_id": f"T3JkZXI6{n}",
            "number": str(n),
            "contact_id": contact,
            "status": "FULFILLED",
            "channel_slug": CHANNEL if rng.random() < 0.8 else OTHER,
            "currency": "USD",
            "total_gross": Decimal("40.00"),
            "total_net": Decimal("33.00"),
            "lines": lines,
            "placed_at": placed,
            "source_updated_at": placed,
        }
        n += 1


def fill(installation_id: int) -> None:
    from django.db import connection

    from saleor_mautomation.commerce.models import OrderRecord
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.events.models import Event

    rng = random.Random(20)
    started = time.perf_counter()
    fill_catalogue(installation_id)
    log(f"catalogue: {PRODUCTS:,} products in {CATEGORIES} categories")
    copy_rows(
        Contact,
        (
            {"installation_id": installation_id, "email": f"c{n}@bench.example"}
            for n in range(CONTACTS)
        ),
    )
    contacts = list(
        Contact.objects.filter(installation_id=installation_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    shop = Shop(rng)
    orders = copy_rows(OrderRecord, order_rows(installation_id, contacts, shop, LINES, 0))
    log(f"{orders:,} orders of {LINES:,} lines for {CONTACTS:,} contacts")
    copy_rows(
        Event,
        (
            {
                "installation_id": installation_id,
                "contact_id": contact,
                "type": "product.viewed",
                "occurred_at": NOW - timedelta(minutes=rng.randrange(30 * 24 * 60)),
                "source": "storefront",
                "properties": {
                    "product_id": product_id(p),
                    "category_id": f"Q2F0ZWdvcnk6{category_of(p)}",
                },
                "dedupe_key": f"view:{contact}:{i}",
            }
            for contact in contacts
            for i, p in enumerate(shop.pick(contact % CATEGORIES) for _ in range(2))
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"filled in {time.perf_counter() - started:.0f}s")


def installation_filled() -> int:
    from saleor_mautomation.commerce.models import OrderRecord
    from saleor_mautomation.saleor.models import Installation

    found = Installation.objects.filter(saleor_api_url=SHOP).values_list("pk", flat=True).first()
    if found is not None:
        if OrderRecord.objects.filter(installation_id=found).count() == 0:
            raise SystemExit("BENCH_DATABASE_URL holds an unfilled bench shop: use a new database")
        log("reusing the bench shop")
        return found
    installation = Installation.objects.create(
        saleor_api_url=SHOP, app_id="QXBwOjE=", auth_token="bench", installed_at=NOW
    )
    fill(installation.pk)
    return installation.pk


def build_child(installation_id: int) -> None:
    """In a process of its own: one rebuild, its time and the process's peak RSS."""
    import django

    django.setup()
    from django.db import connection

    from saleor_mautomation.recommendations.services import recommendations_rebuild

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    server_before, own_before = cpu_seconds(backend), time.process_time()
    started = time.perf_counter()
    orders = recommendations_rebuild(installation_id=installation_id, now=datetime.now(tz=UTC))
    seconds = time.perf_counter() - started
    figures = {
        "s": round(seconds, 2),
        "rss_mb": peak_rss_mb(),
        "orders": orders,
        # CPU time, which other work on the machine does not stretch as it stretches the wall
        # clock: the database server's process for the connection, and this process's.
        "server_cpu_s": round(cpu_seconds(backend) - server_before, 2),
        "app_cpu_s": round(time.process_time() - own_before, 2),
    }
    print(json.dumps(figures))


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process (the database server's, on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def build(installation_id: int, url: str, var: str, figures: dict[str, Any]) -> None:
    from django.db import connection

    from saleor_mautomation.recommendations.models import ProductPair

    runs = []
    for _ in range(REPEAT):
        connection.close()
        out = subprocess.run(
            [sys.executable, __file__, "--build", str(installation_id)],
            env={**os.environ, **django_environ(url, var)},
            check=True,
            capture_output=True,
            text=True,
        )
        run = json.loads(out.stdout.strip().splitlines()[-1])
        run["load"] = loadavg()
        runs.append(run)
        log(
            f"build: {run['s']} s, peak RSS {run['rss_mb']} MB, CPU {run['server_cpu_s']} s in "
            f"the database server and {run['app_cpu_s']} s in the app (load {run['load']})"
        )
    pairs = ProductPair.objects.filter(installation_id=installation_id).count()
    figures.update(
        build_s=median([r["s"] for r in runs]),
        build_runs_s=[r["s"] for r in runs],
        build_rss_mb=max(r["rss_mb"] for r in runs),
        build_server_cpu_s=median([r["server_cpu_s"] for r in runs]),
        build_app_cpu_s=median([r["app_cpu_s"] for r in runs]),
        build_load=[r["load"] for r in runs],
        orders_counted=runs[-1]["orders"],
        pairs=pairs,
    )


def incremental(installation_id: int, figures: dict[str, Any]) -> None:
    from saleor_mautomation.commerce.models import OrderRecord
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.recommendations.services import recommendations_refresh

    rng = random.Random(7)
    contacts = list(
        Contact.objects.filter(installation_id=installation_id).values_list("pk", flat=True)
    )
    start = OrderRecord.objects.filter(installation_id=installation_id).count() + 10_000_000
    shop = Shop(rng)

    def new_orders(count: int, offset: int) -> list[dict[str, Any]]:
        rows = order_rows(installation_id, contacts, shop, 10**9, start + offset)
        return [next(rows) for _ in range(count)]

    # In batches, as the periodic refresh meets them.
    batch_runs, batch_cpu = [], []
    backend = backend_pid()
    for run in range(REPEAT):
        copy_rows(OrderRecord, new_orders(NEW_ORDERS, run * NEW_ORDERS))
        before = (cpu_seconds(backend), time.process_time())
        started = time.perf_counter()
        refreshed = recommendations_refresh(installation_id=installation_id, now=NOW)
        ms = (time.perf_counter() - started) * 1000 / max(refreshed.counted, 1)
        batch_runs.append(ms)
        batch_cpu.append(cpu_ms_each(backend, before, refreshed.counted))
        log(
            f"refresh of {refreshed.counted} orders: {ms:.2f} ms per order, CPU "
            f"{batch_cpu[-1]} ms per order (load {loadavg()})"
        )
    # One at a time: an order arrives, a refresh counts it.
    single = []
    offset = REPEAT * NEW_ORDERS
    before = (cpu_seconds(backend), time.process_time())
    for i, row in enumerate(new_orders(NEW_ORDERS, offset)):
        copy_rows(OrderRecord, [row])
        started = time.perf_counter()
        recommendations_refresh(installation_id=installation_id, now=NOW)
        single.append((time.perf_counter() - started) * 1000)
        if i == 0:
            single.clear()  # the first pays for the statements' first plans
    figures.update(
        update_per_order_batched_ms=round(median(batch_runs), 3),
        update_per_order_batched_cpu_ms=median(batch_cpu),
        update_single_order_cpu_ms=cpu_ms_each(backend, before, NEW_ORDERS),
        update_per_order_batched_runs_ms=[round(ms, 3) for ms in batch_runs],
        update_single_order_median_ms=round(median(single), 3),
        update_single_order_p95_ms=round(percentile(single, 0.95), 3),
        update_load=loadavg(),
    )
    log(
        f"one order alone: median {figures['update_single_order_median_ms']} ms, p95 "
        f"{figures['update_single_order_p95_ms']} ms (load {figures['update_load']})"
    )


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def cpu_ms_each(backend: int, before: tuple[float, float], count: int) -> float:
    """CPU milliseconds (database server and app) per item since ``before``."""
    server, own = before
    spent = cpu_seconds(backend) - server + time.process_time() - own
    return round(spent * 1000 / max(count, 1), 3)


def lookups(installation_id: int, figures: dict[str, Any]) -> None:
    from saleor_mautomation.recommendations.models import ContactProduct
    from saleor_mautomation.recommendations.selectors import recommend

    rng = random.Random(3)
    buyers = list(
        ContactProduct.objects.filter(installation_id=installation_id)
        .values_list("contact_id", "product_id")
        .order_by("?")[: LOOKUPS * 2]
    )
    rng.shuffle(buyers)
    for strategy in ("personalised", "bought_together"):
        recommend(
            installation_id,
            strategy=strategy,
            channel_slug=CHANNEL,
            contact_id=buyers[0][0],
            product_ids=[buyers[0][1]],
        )  # warms the best-seller cache and the connection
        timings, shown = [], []
        backend = backend_pid()
        before = (cpu_seconds(backend), time.process_time())
        for contact_id, product in buyers[:LOOKUPS]:
            started = time.perf_counter()
            found = recommend(
                installation_id,
                strategy=strategy,
                channel_slug=CHANNEL,
                contact_id=contact_id,
                product_ids=[product] if strategy == "bought_together" else (),
                first=4,
            )
            timings.append((time.perf_counter() - started) * 1000)
            shown.append(len(found))
        figures[f"lookup_{strategy}_cpu_ms"] = cpu_ms_each(backend, before, len(timings))
        figures[f"lookup_{strategy}_median_ms"] = round(median(timings), 3)
        figures[f"lookup_{strategy}_p95_ms"] = round(percentile(timings, 0.95), 3)
        figures[f"lookup_{strategy}_shown_mean"] = round(sum(shown) / len(shown), 2)
        for name, share in (("p90", 0.9), ("p99", 0.99), ("max", 1.0)):
            figures[f"lookup_{strategy}_{name}_ms"] = round(percentile(timings, share), 3)
        log(
            f"look-up {strategy}: median {figures[f'lookup_{strategy}_median_ms']} ms, p90 "
            f"{figures[f'lookup_{strategy}_p90_ms']} ms, p95 "
            f"{figures[f'lookup_{strategy}_p95_ms']} ms, p99 "
            f"{figures[f'lookup_{strategy}_p99_ms']} ms, max "
            f"{figures[f'lookup_{strategy}_max_ms']} ms, {figures[f'lookup_{strategy}_shown_mean']}"
            f" shown of 4, CPU {figures[f'lookup_{strategy}_cpu_ms']} ms each (load {loadavg()})"
        )
        slowest(installation_id, strategy, timings, [c for c, _ in buyers[:LOOKUPS]])
    figures["lookup_load"] = loadavg()


def slowest(installation_id: int, strategy: str, timings: list[float], contacts: list[int]) -> None:
    """The five slowest look-ups with their contact's orders and bought products (a look-up's
    time grew with the contact's history before ADR 0051), beside the median contact's."""
    from saleor_mautomation.commerce.models import OrderRecord
    from saleor_mautomation.recommendations.models import ContactProduct

    def sizes(contact_id: int) -> str:
        orders = OrderRecord.objects.filter(contact_id=contact_id).count()
        bought = ContactProduct.objects.filter(contact_id=contact_id).count()
        return f"{orders} orders, {bought} products bought"

    ranked = sorted(zip(timings, contacts, strict=True), reverse=True)
    for ms, contact_id in ranked[:5]:
        log(f"  slow {strategy}: {ms:.1f} ms, contact {contact_id}: {sizes(contact_id)}")
    ms, contact_id = ranked[len(ranked) // 2]
    log(f"  median {strategy}: {ms:.1f} ms, contact {contact_id}: {sizes(contact_id)}")


def main() -> None:
    if sys.argv[1:2] == ["--build"]:
        build_child(int(sys.argv[2]))
        return
    with bench_database("recommendations") as (url, var, _):
        django_ready(url, var)
        installation_id = installation_filled()
        figures: dict[str, Any] = {
            "benchmark": "recommendations",
            "products": PRODUCTS,
            "contacts": CONTACTS,
            "order_lines": LINES,
        }
        steps = os.environ.get("BENCH_STEPS", "build,update,lookups").split(",")
        if "build" in steps:
            build(installation_id, url, var, figures)
        if "update" in steps:
            incremental(installation_id, figures)
        if "lookups" in steps:
            lookups(installation_id, figures)
        from django.db import connection

        connection.close()
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
