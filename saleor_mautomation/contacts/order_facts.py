"""A contact's orders as its figures need them: each order's scalar facts, and the favourite
categories of all its lines.

Ranking the categories needs every line of every order the person placed, and a backfill page
re-ranks a hundred buyers: reading each order's lines and decoding them in Python was the
largest part of a page's figures (issue 19). On PostgreSQL the lines never leave the database:
one statement returns the orders' scalar columns and, per contact, its top categories added up
and ranked in SQL by the rule of ``engagement.favourite_categories``. Other databases read the
lines and rank them with that function. Both take ties by the first purchase: the order placed
first (then the lower order id), then the earlier line of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.db import connection

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts import engagement
from saleor_mautomation.core.sql import sql_rows

FAVOURITES = 3


@dataclass(frozen=True)
class OrderHistory:
    """A contact's orders: their facts (without lines) and the categories ranked from the
    lines of the counted ones (at most ``FAVOURITES``)."""

    facts: list[engagement.OrderFact]
    favourite_categories: list[str]


def order_histories(contact_ids: Sequence[int]) -> dict[int, OrderHistory]:
    """The order history of each contact (an empty one for a contact without orders), in one
    statement for any number of contacts."""
    if connection.vendor != "postgresql":
        return _histories_python(contact_ids)
    facts: dict[int, list[engagement.OrderFact]] = {pk: [] for pk in contact_ids}
    favourites: dict[int, list[str]] = {}
    rows = sql_rows(
        _histories_sql(), [list(contact_ids), sorted(engagement.UNCOUNTED_STATUSES)], prepare=True
    )
    for contact_id, placed_at, status, currency, gross, refunded, ranked in rows:
        if ranked is not None:
            favourites[contact_id] = ranked
            continue
        facts[contact_id].append(
            engagement.OrderFact(
                placed_at=placed_at,
                status=status,
                currency=currency,
                total_gross=gross,
                total_refunded=refunded,
            )
        )
    return {pk: OrderHistory(orders, favourites.get(pk, [])) for pk, orders in facts.items()}


# A line's quantity as ``favourite_categories`` counts it (``int(quantity or 1)``): a JSON
# number, truncated; null, missing or 0 count one. ``_line`` always writes an integer.
_QUANTITY = (
    "CASE WHEN jsonb_typeof(l.line -> 'quantity') = 'number' "
    "AND (l.line ->> 'quantity')::numeric <> 0 "
    "THEN trunc((l.line ->> 'quantity')::numeric) ELSE 1 END"
)


@cache
def _histories_sql() -> str:
    """Rows of two kinds: an order's facts (``ranked`` NULL), then a contact's top categories
    (the facts NULL). ``seen`` orders the lines by first purchase, the tie-break."""
    orders = OrderRecord._meta.db_table
    return (
        "WITH o AS (SELECT id, contact_id, placed_at, status, currency, total_gross, "  # noqa: S608
        f"total_refunded, lines FROM {orders} WHERE contact_id = ANY(%s::bigint[])), "
        "bought AS (SELECT o.contact_id, l.line ->> 'category_name' AS name, "
        f"{_QUANTITY} AS quantity, row_number() OVER (PARTITION BY o.contact_id "
        "ORDER BY o.placed_at, o.id, l.n) AS seen "
        "FROM o CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(o.lines) "
        "WHEN 'array' THEN o.lines ELSE '[]'::jsonb END) WITH ORDINALITY AS l(line, n) "
        "WHERE o.status <> ALL(%s::text[]) "
        "AND jsonb_typeof(l.line -> 'category_name') = 'string' "
        "AND l.line ->> 'category_name' <> ''), "
        "ranked AS (SELECT contact_id, name, row_number() OVER (PARTITION BY contact_id "
        "ORDER BY sum(quantity) DESC, min(seen)) AS place FROM bought GROUP BY contact_id, name) "
        "SELECT contact_id, placed_at, status, currency, total_gross, total_refunded, "
        "NULL::text[] FROM o "
        "UNION ALL SELECT contact_id, NULL, NULL, NULL, NULL, NULL, "
        f"array_agg(name ORDER BY place) FROM ranked WHERE place <= {FAVOURITES} "
        "GROUP BY contact_id"
    )


def _histories_python(contact_ids: Sequence[int]) -> dict[int, OrderHistory]:
    """The same from the ORM, the lines decoded and ranked by ``favourite_categories``."""
    read: dict[int, list[engagement.OrderFact]] = {pk: [] for pk in contact_ids}
    rows = (
        OrderRecord.objects.filter(contact_id__in=list(contact_ids))
        .order_by("placed_at", "id")
        .values_list(
            "contact_id",
            "placed_at",
            "status",
            "currency",
            "total_gross",
            "total_refunded",
            "lines",
        )
    )
    for contact_id, placed_at, status, currency, gross, refunded, lines in rows:
        read[contact_id].append(
            engagement.OrderFact(
                placed_at=placed_at,
                status=status,
                currency=currency,
                total_gross=gross,
                total_refunded=refunded,
                lines=lines,
            )
        )
    return {
        pk: OrderHistory(orders, engagement.favourite_categories(orders, top=FAVOURITES))
        for pk, orders in read.items()
    }
