"""The few statements a look-up reads, in SQL both databases run (PostgreSQL and the embedded
SQLite): what the installation's settings and tables say (one statement), the contacts'
histories (one statement for all of them) and the facts of a set of products in a channel (one
statement: names, categories, the product type, whether it may be shown there, the prices for
its card).

A single look-up (the storefront's, a product page's) costs one round trip per statement, and
on a busy machine a round trip is scheduled like any other process: fewer statements, written
here without the ORM's per-query compilation, are most of what a look-up's time was (ADR 0043).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from saleor_mautomation.catalogue.models import (
    CatalogueSettings,
    Category,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.events.models import Event
from saleor_mautomation.recommendations.engine import NOT_PURCHASES
from saleor_mautomation.recommendations.models import ContactProduct, RecommendationState

RECENT_ORDERS = 5
RECENT_VIEWS = 50
SEEDS = 5  # recent ordered and viewed products each that seed a contact's recommendations
VIEWED = "product.viewed"
_CENTS = Decimal("0.0001")  # the catalogue's prices: 4 decimal places


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _json(value: Any) -> Any:
    """A JSON column's value (SQLite gives its text)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _in(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


@dataclass(frozen=True)
class Head:
    """What every look-up of an installation reads first."""

    version: int  # the recommendation tables' (best-seller lists are cached by it)
    consumable: frozenset[str]  # product type names bought again and again
    url_patterns: Mapping[str, str]  # channel slug (or "*") to a product URL pattern


def head(installation_id: int) -> Head:
    state, catalogue = RecommendationState._meta.db_table, CatalogueSettings._meta.db_table
    row = rows(
        f"SELECT (SELECT version FROM {state} WHERE installation_id = %s), "  # noqa: S608
        f"(SELECT consumable_product_types FROM {catalogue} WHERE installation_id = %s), "
        f"(SELECT product_url_patterns FROM {catalogue} WHERE installation_id = %s)",
        [installation_id] * 3,
    )[0]
    consumable = _json(row[1]) or []
    patterns = _json(row[2]) or {}
    return Head(
        version=int(row[0] or 0),
        consumable=frozenset(str(t) for t in consumable),
        url_patterns=patterns if isinstance(patterns, dict) else {},
    )


@dataclass(frozen=True)
class History:
    bought: frozenset[str]  # products of the contact's counted orders (all, or see below)
    ordered: tuple[str, ...]  # products of their recent orders, newest first
    viewed: tuple[str, ...]  # products they viewed, newest first
    categories: tuple[str, ...]  # categories of both, most frequent first
    # False: ``bought`` holds only the first ``BOUGHT_READ`` of the contact's products (a
    # wholesale buyer's thousands are not read for a look-up); whether they bought a
    # candidate is then read for the candidates (``bought_among``).
    bought_all: bool = True

    @staticmethod
    def empty() -> History:
        return History(frozenset(), (), (), ())

    def seeds(self) -> list[str]:
        return list(dict.fromkeys([*self.ordered[:SEEDS], *self.viewed[:SEEDS]]))


# Up to this many contacts (a look-up's one, a small batch's), each contact's newest orders and
# views are read from its own index range with a LIMIT, and at most ``BOUGHT_READ`` of its
# bought products: what a look-up reads does not grow with the contact's history (a buyer of
# 60,000 orders cost 500 ms of window function over all of them, ADR 0051). A larger batch reads
# all its contacts' rows in one window function each.
PER_CONTACT = 20
BOUGHT_READ = 500


def histories(contact_ids: Iterable[int]) -> dict[int, History]:
    """The histories of the contacts in one statement: what they bought, their
    ``RECENT_ORDERS`` newest counted orders' products and their ``RECENT_VIEWS`` newest views."""
    ids = sorted(set(contact_ids))
    if not ids:
        return {}
    owned, orders, events = (
        ContactProduct._meta.db_table,
        OrderRecord._meta.db_table,
        Event._meta.db_table,
    )
    statuses = sorted(NOT_PURCHASES)
    if len(ids) <= PER_CONTACT:
        sql, params = _histories_per_contact(ids, owned, orders, events, statuses)
    else:
        sql, params = _histories_windowed(ids, owned, orders, events, statuses)
    bought: dict[int, set[str]] = {}
    ordered: dict[int, list[str]] = {}
    viewed: dict[int, list[str]] = {}
    categories: dict[int, Counter[str]] = {}
    for kind, contact_id, product_id, document, _ in rows(sql, params):
        if kind == 0:
            bought.setdefault(contact_id, set()).add(product_id)
        elif kind == 1:
            for line in _json(document) or []:
                if isinstance(line, dict) and isinstance(line.get("product_id"), str):
                    ordered.setdefault(contact_id, []).append(line["product_id"])
                    if line.get("category_id"):
                        categories.setdefault(contact_id, Counter())[str(line["category_id"])] += 1
        else:
            properties = _json(document)
            if not isinstance(properties, dict):
                continue
            if isinstance(properties.get("product_id"), str):
                viewed.setdefault(contact_id, []).append(properties["product_id"])
            if properties.get("category_id"):
                categories.setdefault(contact_id, Counter())[str(properties["category_id"])] += 1
    capped = len(ids) <= PER_CONTACT
    return {
        contact_id: History(
            bought=frozenset(bought.get(contact_id, ())),
            ordered=tuple(dict.fromkeys(ordered.get(contact_id, []))),
            viewed=tuple(dict.fromkeys(viewed.get(contact_id, []))),
            categories=tuple(c for c, _ in categories.get(contact_id, Counter()).most_common()),
            bought_all=not capped or len(bought.get(contact_id, ())) <= BOUGHT_READ,
        )
        for contact_id in ids
    }


def _histories_per_contact(
    ids: Sequence[int], owned: str, orders: str, events: str, statuses: Sequence[str]
) -> tuple[str, list[Any]]:
    """Each contact's rows by its own indexes: ``BOUGHT_READ`` + 1 bought products (one more
    says there are more), the newest orders (``order_contact``, backwards) and views
    (``event_contact_time``), each numbered newest first."""
    parts: list[str] = []
    params: list[Any] = []
    for n, contact_id in enumerate(ids):
        parts += [
            # The NULL typed as the JSON columns below (SQLite takes any type's name).
            "SELECT * FROM (SELECT 0 AS kind, contact_id, product_id, "  # noqa: S608
            f"CAST(NULL AS jsonb) AS document, 0 AS rank FROM {owned} "
            f"WHERE contact_id = %s LIMIT %s) b{n}",
            f"SELECT * FROM (SELECT 1, contact_id, NULL, lines, row_number() "  # noqa: S608
            "OVER (ORDER BY placed_at DESC, id DESC) "
            f"FROM {orders} WHERE contact_id = %s AND status NOT IN ({_in(statuses)}) "
            f"ORDER BY placed_at DESC, id DESC LIMIT %s) o{n}",
            f"SELECT * FROM (SELECT 2, contact_id, NULL, properties, row_number() "  # noqa: S608
            "OVER (ORDER BY occurred_at DESC, id DESC) "
            f"FROM {events} WHERE contact_id = %s AND type = %s "
            f"ORDER BY occurred_at DESC, id DESC LIMIT %s) e{n}",
        ]
        params += [contact_id, BOUGHT_READ + 1, contact_id, *statuses, RECENT_ORDERS]
        params += [contact_id, VIEWED, RECENT_VIEWS]
    return " UNION ALL ".join(parts) + " ORDER BY 1, 2, 5", params


def _histories_windowed(
    ids: Sequence[int], owned: str, orders: str, events: str, statuses: Sequence[str]
) -> tuple[str, list[Any]]:
    """All the contacts' rows at once, each contact's newest picked by a window function."""
    sql = (
        f"SELECT 0, contact_id, product_id, NULL, 0 FROM {owned} "  # noqa: S608
        f"WHERE contact_id IN ({_in(ids)}) "
        "UNION ALL "
        "SELECT 1, contact_id, NULL, lines, rank FROM (SELECT contact_id, lines, row_number() "
        "OVER (PARTITION BY contact_id ORDER BY placed_at DESC, id DESC) AS rank "
        f"FROM {orders} WHERE contact_id IN ({_in(ids)}) AND status NOT IN ({_in(statuses)})) o "
        "WHERE rank <= %s "
        "UNION ALL "
        "SELECT 2, contact_id, NULL, properties, rank FROM (SELECT contact_id, properties, "
        "row_number() OVER (PARTITION BY contact_id ORDER BY occurred_at DESC, id DESC) AS rank "
        f"FROM {events} WHERE contact_id IN ({_in(ids)}) AND type = %s) e WHERE rank <= %s "
        "ORDER BY 1, 2, 5"
    )
    return sql, [*ids, *ids, *statuses, RECENT_ORDERS, *ids, VIEWED, RECENT_VIEWS]


def bought_among(contact_id: int, product_ids: Iterable[str]) -> set[str]:
    """Which of the products the contact bought (for a contact whose history holds only some
    of what they bought)."""
    ids = sorted(set(product_ids))
    if not ids:
        return set()
    found = rows(
        f"SELECT product_id FROM {ContactProduct._meta.db_table} "  # noqa: S608
        f"WHERE contact_id = %s AND product_id IN ({_in(ids)})",
        [contact_id, *ids],
    )
    return {str(product_id) for (product_id,) in found}


def category_name(installation_id: int, category_id: str) -> str | None:
    found = rows(
        f"SELECT name FROM {Category._meta.db_table} "  # noqa: S608
        "WHERE installation_id = %s AND saleor_id = %s",
        [installation_id, category_id],
    )
    return str(found[0][0]) if found else None


@dataclass(frozen=True)
class Facts:
    """A catalogue product as a channel shows it: ``kind`` is its product type's name when it
    is recommendable there (listed, published, visible, purchasable, a variant in stock with a
    price there), else None; ``price`` the lowest of an in-stock variant there (of any variant
    when none is in stock), in ``currency``."""

    id: str
    name: str
    slug: str
    image: str
    category_id: str | None
    category: str
    kind: str | None
    price: Decimal | None
    currency: str


def facts(installation_id: int, channel_slug: str, product_ids: Iterable[str]) -> dict[str, Facts]:
    """The catalogue's products of ``product_ids`` in the channel (ids it does not know are
    absent), in one statement: a row per product and variant listing in the channel."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    products, categories = Product._meta.db_table, Category._meta.db_table
    listings, variants = ProductChannelListing._meta.db_table, Variant._meta.db_table
    prices = VariantChannelListing._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        "SELECT p.saleor_id, p.name, p.slug, p.thumbnail_url, p.product_type_name, "  # noqa: S608
        "c.saleor_id, c.name, l.currency, "
        "CASE WHEN l.is_published AND l.visible_in_listings AND (l.is_available_for_purchase "
        "OR l.available_for_purchase_at <= %s) THEN 1 ELSE 0 END, "
        "v.in_stock, vl.price, vl.currency "
        f"FROM {products} p LEFT JOIN {categories} c ON c.id = p.category_id "
        f"LEFT JOIN {listings} l ON l.product_id = p.id AND l.channel_slug = %s "
        f"LEFT JOIN {variants} v ON v.product_id = p.id "
        f"LEFT JOIN {prices} vl ON vl.variant_id = v.id AND vl.channel_slug = %s "
        f"WHERE p.installation_id = %s AND p.saleor_id IN ({_in(ids)})"
    )
    found: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows(sql, [now, channel_slug, channel_slug, installation_id, *ids]):
        found.setdefault(row[0], []).append(row)
    return {product_id: _facts(listings) for product_id, listings in found.items()}


def _price(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(_CENTS)


def _lowest(offers: Iterable[tuple[Decimal, str]]) -> tuple[Decimal | None, str]:
    best: tuple[Decimal | None, str] = (None, "")
    for price, currency in offers:
        if best[0] is None or price < best[0]:
            best = (price, currency)
    return best


def _facts(rows: Sequence[tuple[Any, ...]]) -> Facts:
    first = rows[0]
    offers = [
        (bool(in_stock), price, str(currency or ""))
        for *_, in_stock, raw, currency in rows
        if (price := _price(raw)) is not None
    ]
    price, currency = _lowest((p, c) for stocked, p, c in offers if stocked)
    sellable = price is not None
    if price is None:
        price, currency = _lowest((p, c) for _, p, c in offers)
    if not currency and first[7]:
        currency = str(first[7])
    listed = bool(first[8])
    return Facts(
        id=first[0],
        name=first[1],
        slug=first[2],
        image=first[3],
        category_id=first[5],
        category=first[6] or "",
        kind=first[4] if listed and sellable else None,
        price=price,
        currency=currency,
    )
