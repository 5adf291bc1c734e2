"""What the products of a message cost the sender: ``recipient_contexts`` for batches of
recipients whose template names none, the viewed products, the cart, or a recommendation.

Fills a throwaway (durable) PostgreSQL (``BENCH_DATABASE_URL``: one to use instead) with
``BENCH_SCALE`` x 5,000 products in 50 categories (listed, priced and in stock in
default-channel), 5,000 contacts, 10,000 orders of 1 to 4 lines, two product views and an open
checkout of two lines per contact, builds the recommendation tables, then times the contexts
of ``BENCH_BATCH`` (500) recipients, ``BENCH_REPEAT`` (5) times per template:

- ``plain``: a template naming no product (the sender reads nothing more);
- ``viewed``: the browse abandonment default (``viewed`` and ``recommend("similar", 4)``);
- ``cart``: the first abandoned checkout default (``cart``);
- ``bestsellers``: the first welcome default (``recommend("bestsellers", 4)``);
- ``personalised``: ``recommend("personalised", 4)``.

Prints progress, then one JSON line: the median milliseconds per recipient of each, wall clock
and this process's CPU time, with the load average (the machine is shared).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import bench_database, copy_rows, django_ready, loadavg, median

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
BATCH = int(os.environ.get("BENCH_BATCH", "500"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
PRODUCTS = int(5_000 * SCALE)
CONTACTS = 5_000
ORDERS = 10_000
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CHANNEL = "default-channel"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def fill() -> int:
    from saleor_mautomation.catalogue.models import (
        CatalogueSettings,
        Category,
        Product,
        ProductChannelListing,
        Variant,
        VariantChannelListing,
    )
    from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.events.models import Event
    from saleor_mautomation.messages.services import templates_builtin_ensure
    from saleor_mautomation.recommendations.services import recommendations_rebuild
    from saleor_mautomation.saleor.models import Installation

    random.seed(20)
    shop = Installation.objects.create(
        saleor_api_url="https://bench.example/graphql/",
        app_id="QXBwOjE=",
        auth_token="token",
        installed_at=NOW,
        jwks_fetched_at=NOW,
    )
    templates_builtin_ensure(installation_id=shop.pk, now=NOW)
    CatalogueSettings.objects.create(
        installation=shop, product_url_patterns={"*": "https://shop.example/{channel}/p/{slug}"}
    )
    categories = Category.objects.bulk_create(
        Category(installation=shop, saleor_id=f"C{n}", name=f"Category {n}", synced_at=NOW)
        for n in range(50)
    )
    say(f"{PRODUCTS} products")
    copy_rows(
        Product,
        (
            {
                "installation_id": shop.pk,
                "saleor_id": f"P{n}",
                "name": f"Product {n}",
                "slug": f"product-{n}",
                "category_id": categories[n % 50].pk,
                "thumbnail_url": f"https://media.example/{n}.png",
                "source_updated_at": NOW,
                "synced_at": NOW,
            }
            for n in range(PRODUCTS)
        ),
    )
    ids = dict(Product.objects.values_list("saleor_id", "pk"))
    copy_rows(
        ProductChannelListing,
        (
            {
                "product_id": ids[f"P{n}"],
                "channel_slug": CHANNEL,
                "currency": "USD",
                "is_published": True,
                "visible_in_listings": True,
                "is_available_for_purchase": True,
                "price_min": Decimal(10 + n % 90),
            }
            for n in range(PRODUCTS)
        ),
    )
    copy_rows(
        Variant,
        (
            {
                "installation_id": shop.pk,
                "product_id": ids[f"P{n}"],
                "saleor_id": f"V{n}",
                "quantity_available": 10,
                "in_stock": True,
                "source_updated_at": NOW,
            }
            for n in range(PRODUCTS)
        ),
    )
    variants = dict(Variant.objects.values_list("saleor_id", "pk"))
    copy_rows(
        VariantChannelListing,
        (
            {
                "variant_id": variants[f"V{n}"],
                "channel_slug": CHANNEL,
                "currency": "USD",
                "price": Decimal(10 + n % 90),
            }
            for n in range(PRODUCTS)
        ),
    )
    say(f"{CONTACTS} contacts, {ORDERS} orders, views and checkouts")
    copy_rows(
        Contact,
        (
            {"installation_id": shop.pk, "email": f"p{n}@example.com", "email_consent": "granted"}
            for n in range(CONTACTS)
        ),
    )
    contacts = list(Contact.objects.filter(installation=shop).values_list("pk", flat=True))

    def product() -> int:
        return min(int(random.paretovariate(1.2)) - 1, PRODUCTS - 1)

    def lines(count: int) -> list[dict[str, object]]:
        return [
            {
                "product_id": f"P{(p := product())}",
                "product_name": f"Product {p}",
                "product_slug": f"product-{p}",
                "quantity": 1,
                "unit_price": "20.00",
                "total_price": "20.00",
            }
            for _ in range(count)
        ]

    copy_rows(
        OrderRecord,
        (
            {
                "installation_id": shop.pk,
                "contact_id": random.choice(contacts),
                "saleor_id": f"O{n}",
                "number": str(n),
                "email": "",
                "status": "FULFILLED",
                "channel_slug": CHANNEL,
                "currency": "USD",
                "total_gross": Decimal(40),
                "total_net": Decimal(35),
                "placed_at": NOW - timedelta(days=random.randint(1, 300)),
                "source_updated_at": NOW,
                "lines": lines(random.randint(1, 4)),
            }
            for n in range(ORDERS)
        ),
    )
    copy_rows(
        CheckoutRecord,
        (
            {
                "installation_id": shop.pk,
                "contact_id": contact,
                "saleor_id": f"K{contact}",
                "token": f"t{contact}",
                "email": "",
                "channel_slug": CHANNEL,
                "currency": "USD",
                "total": Decimal(40),
                "subtotal": Decimal(40),
                "created_at": NOW - timedelta(hours=3),
                "last_change_at": NOW - timedelta(hours=2),
                "source_updated_at": NOW,
                "lines": lines(2),
            }
            for contact in contacts
        ),
    )
    copy_rows(
        Event,
        (
            {
                "installation_id": shop.pk,
                "contact_id": contact,
                "type": "product.viewed",
                "occurred_at": NOW - timedelta(hours=hour),
                "recorded_at": NOW,
                "source": "storefront",
                "properties": {"product_id": f"P{product()}"},
                "dedupe_key": f"v:{contact}:{hour}",
            }
            for contact in contacts
            for hour in (1, 3)
        ),
    )
    say("recommendation tables")
    recommendations_rebuild(installation_id=shop.pk, now=NOW)
    return int(shop.pk)


def sources(installation_id: int) -> dict[str, tuple[str, str, str]]:
    """(html, text, subject) per case: the defaults' compiled versions, or a one-liner."""
    from saleor_mautomation.messages.models import TemplateVersion

    def default(key: str) -> tuple[str, str, str]:
        version = TemplateVersion.objects.get(
            template__installation_id=installation_id, template__key=key, language="en"
        )
        return version.html, version.text, version.subject

    return {
        "plain": default("welcome-2"),
        "viewed": default("browse-abandonment"),
        "cart": default("abandoned-checkout-1"),
        "bestsellers": default("welcome-1"),
        "personalised": (
            '{% for i in recommend("personalised", 4) %}{{ i.name }}{% endfor %}',
            "",
            "s",
        ),
    }


def timed(installation_id: int, html: str, text: str, subject: str) -> tuple[float, float]:
    """Milliseconds per recipient of ``recipient_contexts`` for one batch (random recipients):
    wall clock, and this process's CPU time (the database server's not counted)."""
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.messages.context import recipient_contexts
    from saleor_mautomation.messages.models import Message, TemplateVersion

    version = TemplateVersion(html=html, text=text, subject=subject, preheader="")
    ids = random.sample(
        list(Contact.objects.filter(installation_id=installation_id).values_list("pk", flat=True)),
        BATCH,
    )
    contacts = list(Contact.objects.filter(pk__in=ids))
    messages = [Message(contact=c, template_version=version, context={}) for c in contacts]
    started, cpu = time.perf_counter(), time.process_time()
    recipient_contexts(contacts=contacts, app_url="https://app.example", now=NOW, messages=messages)
    wall = (time.perf_counter() - started) * 1000 / BATCH
    return wall, (time.process_time() - cpu) * 1000 / BATCH


def main() -> None:
    with bench_database("message-products") as (url, var, given):
        django_ready(url, var)
        import time_machine

        from saleor_mautomation.saleor.models import Installation

        with time_machine.travel(NOW, tick=True):
            existing = Installation.objects.filter(
                saleor_api_url="https://bench.example/graphql/"
            ).first()
            installation_id = int(existing.pk) if given and existing is not None else fill()
            figures: dict[str, object] = {"products": PRODUCTS, "batch": BATCH}
            for case, (html, text, subject) in sources(installation_id).items():
                runs = [timed(installation_id, html, text, subject) for _ in range(REPEAT)]
                walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
                figures[f"{case}_ms_per_recipient"] = round(median(walls), 3)
                figures[f"{case}_cpu_ms_per_recipient"] = round(median(cpus), 3)
                say(
                    f"{case}: {[round(w, 3) for w in walls]} ms per recipient, "
                    f"{[round(c, 3) for c in cpus]} ms CPU (load {loadavg()})"
                )
            figures["loadavg"] = loadavg()
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
