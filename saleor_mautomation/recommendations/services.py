"""Writes of the recommendation tables: a full rebuild from the orders, and the incremental
refresh that follows new orders and cancellations between rebuilds.

Both hold the installation's ``RecommendationState`` row (``SELECT ... FOR UPDATE``), so a
refresh never runs beside another refresh or a rebuild. The refresh reads orders by id above a
watermark (minus a margin, for rows committed late), so a bulk backfill page costs the same as
as many webhooks: a few statements per batch of orders, whatever wrote them. Its result equals
a rebuild's over the same orders (tests/recommendations/test_incremental.py checks it with
hypothesis); what it cannot follow (an order's contact merged into another or erased, an
order's lines edited after it was counted) the nightly rebuild sets right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.events.models import Event
from saleor_mautomation.recommendations.engine import (
    MAX_BASKET,
    NOT_PURCHASES,
    Deltas,
    basket_count,
    order_basket,
)
from saleor_mautomation.recommendations.models import (
    ContactProduct,
    OrderProduct,
    ProductOrders,
    ProductPair,
    RecommendationState,
)

# Orders (and events) up to this many ids below the watermark are read again: one committed
# after a higher id was read is still counted (the ledger keeps the others from counting twice).
LOOKBACK = 1_000
BATCH = 500
# Rows per multi-row statement (SQLite binds at most 32,766 parameters).
CHUNK = 1_000
CANCELLED = "order.cancelled"


@dataclass(frozen=True)
class Refreshed:
    counted: int  # orders counted
    taken_back: int  # orders counted before and cancelled since
    busy: bool = False  # another refresh or a rebuild held the installation


def _state_locked(installation_id: int) -> RecommendationState | None:
    RecommendationState.objects.get_or_create(installation_id=installation_id)
    return (
        RecommendationState.objects.select_for_update(skip_locked=True)
        .filter(installation_id=installation_id)
        .first()
    )


def recommendations_refresh(
    *, installation_id: int, now: datetime, batch: int = BATCH
) -> Refreshed:
    """Count the orders stored since the last refresh and take back those cancelled since.

    An installation never built is rebuilt instead (a first count of a shop's history is
    faster as a few set statements than order by order).
    """
    with transaction.atomic():
        state = _state_locked(installation_id)
        if state is None:
            return Refreshed(0, 0, busy=True)
        if state.built_at is None:
            counted = _rebuild(state, now)
            return Refreshed(counted, 0)
        counted = _count_new_orders(state, batch)
        taken_back = _take_back_cancelled(state)
        if counted or taken_back:
            state.version += 1
        state.refreshed_at = now
        state.save()
        return Refreshed(counted, taken_back)


def recommendations_rebuild(*, installation_id: int, now: datetime) -> int:
    """Recount everything from the installation's orders; returns the orders counted."""
    with transaction.atomic():
        state = RecommendationState.objects.get_or_create(installation_id=installation_id)[0]
        state = RecommendationState.objects.select_for_update().get(pk=state.pk)
        counted = _rebuild(state, now)
    _tables_vacuum()
    return counted


def _tables_vacuum() -> None:
    """After a rebuild on PostgreSQL: the rewritten tables' pages marked all-visible, so a
    look-up's partners, popularity and purchases are read from their covering indexes alone
    rather than page by page (until autovacuum came, each of a seed's 200 partners was a table
    page), and their statistics taken anew. Not inside a caller's transaction (VACUUM cannot
    run in one; the tests' is one)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in (ProductPair, ProductOrders, ContactProduct):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


# -- incremental ----------------------------------------------------------------------------------


def _count_new_orders(state: RecommendationState, batch: int) -> int:
    counted = 0
    cursor = max(0, state.orders_seen - LOOKBACK)
    while True:
        orders = list(
            OrderRecord.objects.filter(installation_id=state.installation_id, id__gt=cursor)
            .exclude(status__in=NOT_PURCHASES)
            .filter(~Exists(OrderProduct.objects.filter(order=OuterRef("pk"))))
            .order_by("id")
            .values_list("id", "contact_id", "channel_slug", "placed_at", "lines")[:batch]
        )
        if not orders:
            break
        counted += _orders_add(state.installation_id, orders)
        cursor = orders[-1][0]
        if len(orders) < batch:
            break
    # Rows below the cursor that were not read are counted, or not purchases (yet).
    state.orders_seen = max(state.orders_seen, cursor)
    return counted


def _orders_add(installation_id: int, orders: Sequence[tuple[Any, ...]]) -> int:
    deltas = Deltas()
    rows: list[OrderProduct] = []
    counted = 0
    for order_id, contact_id, channel_slug, placed_at, lines in orders:
        basket = order_basket(lines or [])
        if not basket:
            continue
        counted += 1
        day = placed_at.astimezone(UTC).date()
        rows.extend(
            OrderProduct(
                installation_id=installation_id,
                order_id=order_id,
                contact_id=contact_id,
                channel_slug=channel_slug,
                day=day,
                product_id=item.product_id,
                category_id=item.category_id,
                quantity=item.quantity,
            )
            for item in basket
        )
        basket_count(deltas, [item.product_id for item in basket], contact_id)
    OrderProduct.objects.bulk_create(rows, batch_size=CHUNK)
    _deltas_apply(installation_id, deltas)
    return counted


def _take_back_cancelled(state: RecommendationState) -> int:
    """Orders cancelled since they were counted: their events name them."""
    low = max(0, state.events_seen - LOOKBACK)
    events = list(
        Event.objects.filter(installation_id=state.installation_id, id__gt=low, type=CANCELLED)
        .order_by("id")
        .values_list("id", "properties")
    )
    if not events:
        return 0
    state.events_seen = max(state.events_seen, events[-1][0])
    saleor_ids = {
        properties.get("order_id")
        for _, properties in events
        if isinstance(properties, dict) and properties.get("order_id")
    }
    order_ids = list(
        OrderRecord.objects.filter(
            installation_id=state.installation_id,
            saleor_id__in=saleor_ids,
            status__in=NOT_PURCHASES,
        )
        .filter(Exists(OrderProduct.objects.filter(order=OuterRef("pk"))))
        .values_list("id", flat=True)
    )
    return orders_take_back(installation_id=state.installation_id, order_ids=order_ids)


def orders_take_back(*, installation_id: int, order_ids: Sequence[int]) -> int:
    """Undo what the orders counted for (their ledger rows say what); returns how many were
    counted. Joins the caller's transaction, which holds the installation's state row."""
    rows = list(
        OrderProduct.objects.filter(installation_id=installation_id, order_id__in=order_ids)
        .order_by("order_id", "id")
        .values_list("order_id", "contact_id", "product_id")
    )
    if not rows:
        return 0
    baskets: dict[int, tuple[int | None, list[str]]] = {}
    for order_id, contact_id, product_id in rows:
        baskets.setdefault(order_id, (contact_id, []))[1].append(product_id)
    deltas = Deltas()
    for owner, products in baskets.values():
        basket_count(deltas, products, owner, sign=-1)
    OrderProduct.objects.filter(installation_id=installation_id, order_id__in=baskets).delete()
    _deltas_apply(installation_id, deltas)
    return len(baskets)


# -- writing deltas -------------------------------------------------------------------------------


def _upsert_add(
    table: str,
    columns: Sequence[str],
    conflict: Sequence[str],
    counter: str,
    rows: Sequence[Sequence[Any]],
) -> None:
    """Insert the rows, or add their counter to the stored one (one statement per chunk)."""
    placeholders = f"({', '.join(['%s'] * len(columns))})"
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - the models' own names
            f"VALUES {', '.join([placeholders] * len(chunk))} "
            f"ON CONFLICT ({', '.join(conflict)}) "
            f"DO UPDATE SET {counter} = {table}.{counter} + excluded.{counter}"
        )
        sql_rows(sql, [value for row in chunk for value in row], prepare=False)


def _deltas_apply(installation_id: int, deltas: Deltas) -> None:
    # Sorted keys: two writers lock rows in the same order.
    purchases = sorted((c, p, n) for (c, p), n in deltas.purchases.items() if n)
    orders = sorted((p, n) for p, n in deltas.orders.items() if n)
    pairs = sorted((a, b, n) for (a, b), n in deltas.pairs.items() if n)
    _upsert_add(
        ContactProduct._meta.db_table,
        ["installation_id", "contact_id", "product_id", "orders"],
        ["contact_id", "product_id"],
        "orders",
        [(installation_id, c, p, n) for c, p, n in purchases],
    )
    _upsert_add(
        ProductOrders._meta.db_table,
        ["installation_id", "product_id", "orders"],
        ["installation_id", "product_id"],
        "orders",
        [(installation_id, p, n) for p, n in orders],
    )
    _upsert_add(
        ProductPair._meta.db_table,
        ["installation_id", "product_id", "other_id", "orders"],
        ["installation_id", "product_id", "other_id"],
        "orders",
        [(installation_id, a, b, n) for a, b, n in pairs],
    )
    # Counts taken to 0 (or below, after a merge) leave no row: a rebuild writes none either.
    if any(n < 0 for *_, n in purchases):
        ContactProduct.objects.filter(
            contact_id__in={c for c, _, n in purchases if n < 0}, orders__lte=0
        ).delete()
    if any(n < 0 for _, n in orders):
        ProductOrders.objects.filter(
            installation_id=installation_id,
            product_id__in={p for p, n in orders if n < 0},
            orders__lte=0,
        ).delete()
    if any(n < 0 for *_, n in pairs):
        ProductPair.objects.filter(
            installation_id=installation_id,
            product_id__in={a for a, _, n in pairs if n < 0},
            orders__lte=0,
        ).delete()


# -- rebuild --------------------------------------------------------------------------------------

_LINES = {
    # One row per (order, product): the order's lines of a product summed.
    "postgresql": """
        SELECT o.installation_id, o.id, o.contact_id, o.channel_slug,
               (o.placed_at AT TIME ZONE 'UTC')::date, l.product_id,
               min(coalesce(l.category_id, '')), sum(greatest(coalesce(l.quantity, 0), 0))
        FROM {orders} o
        CROSS JOIN LATERAL jsonb_to_recordset(o.lines)
            AS l(product_id text, category_id text, quantity integer)
        WHERE o.installation_id = %s AND o.status NOT IN ({statuses})
          AND jsonb_typeof(o.lines) = 'array' AND l.product_id <> ''
        GROUP BY o.id, l.product_id
        ORDER BY o.id, l.product_id
    """,
    "sqlite": """
        SELECT o.installation_id, o.id, o.contact_id, o.channel_slug, date(o.placed_at),
               json_extract(l.value, '$.product_id'),
               min(coalesce(json_extract(l.value, '$.category_id'), '')),
               sum(max(coalesce(json_extract(l.value, '$.quantity'), 0), 0))
        FROM {orders} o, json_each(o.lines) l
        WHERE o.installation_id = %s AND o.status NOT IN ({statuses})
          AND json_type(l.value, '$.product_id') = 'text'
          AND json_extract(l.value, '$.product_id') <> ''
        GROUP BY o.id, json_extract(l.value, '$.product_id')
        ORDER BY o.id, json_extract(l.value, '$.product_id')
    """,
}


def _rebuild(state: RecommendationState, now: datetime) -> int:
    installation_id = state.installation_id
    tables = {
        "orders": OrderRecord._meta.db_table,
        "ledger": OrderProduct._meta.db_table,
        "owned": ContactProduct._meta.db_table,
        "popularity": ProductOrders._meta.db_table,
        "pairs": ProductPair._meta.db_table,
    }
    # Read before the counting statement: what commits after it is the next refresh's.
    orders_seen = OrderRecord.objects.aggregate(top=Max("id"))["top"] or 0
    events_seen = Event.objects.aggregate(top=Max("id"))["top"] or 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The pair count groups millions of rows: in memory rather than in sorted runs.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            # Derived rows only: a crash right after the commit loses the rebuild and its
            # state together (the next refresh or rebuild redoes it), so the commit need not
            # wait for its write-ahead log to reach the disk.
            cursor.execute("SET LOCAL synchronous_commit = off")
        for model in (ProductPair, ProductOrders, ContactProduct, OrderProduct):
            model.objects.filter(installation_id=installation_id).delete()
        # Each INSERT ... SELECT writes its rows in the order of the table's unique index:
        # the index grows at its right edge rather than at a random leaf per row (at full
        # scale, load 12 to 17: the ledger 93 -> 67 s, purchases 43 -> 28 s, pairs 170 -> 98 s).
        statuses = ", ".join(["%s"] * len(NOT_PURCHASES))
        lines = _LINES["postgresql" if connection.vendor == "postgresql" else "sqlite"]
        cursor.execute(
            f"INSERT INTO {tables['ledger']} (installation_id, order_id, contact_id, "
            "channel_slug, day, product_id, category_id, quantity) "
            + lines.format(statuses=statuses, **tables),
            [installation_id, *sorted(NOT_PURCHASES)],
        )
        cursor.execute(
            f"INSERT INTO {tables['owned']} (installation_id, contact_id, product_id, orders) "  # noqa: S608
            f"SELECT installation_id, contact_id, product_id, count(*) FROM {tables['ledger']} "
            "WHERE installation_id = %s AND contact_id IS NOT NULL "
            "GROUP BY installation_id, contact_id, product_id ORDER BY contact_id, product_id",
            [installation_id],
        )
        cursor.execute(
            f"INSERT INTO {tables['popularity']} (installation_id, product_id, orders) "  # noqa: S608
            f"SELECT installation_id, product_id, count(*) FROM {tables['ledger']} "
            "WHERE installation_id = %s GROUP BY installation_id, product_id ORDER BY product_id",
            [installation_id],
        )
        cursor.execute(
            f"INSERT INTO {tables['pairs']} (installation_id, product_id, other_id, orders) "  # noqa: S608
            f"SELECT a.installation_id, a.product_id, b.product_id, count(*) "
            f"FROM {tables['ledger']} a JOIN {tables['ledger']} b "
            "ON b.order_id = a.order_id AND b.product_id <> a.product_id "
            f"WHERE a.installation_id = %s AND a.order_id IN (SELECT order_id FROM "
            f"{tables['ledger']} WHERE installation_id = %s GROUP BY order_id "
            "HAVING count(*) <= %s) "
            "GROUP BY a.installation_id, a.product_id, b.product_id "
            "ORDER BY a.product_id, b.product_id",
            [installation_id, installation_id, MAX_BASKET],
        )
        cursor.execute(
            f"SELECT count(DISTINCT order_id) FROM {tables['ledger']} "  # noqa: S608
            "WHERE installation_id = %s",
            [installation_id],
        )
        counted = int(cursor.fetchone()[0])
    state.orders_seen = orders_seen
    state.events_seen = events_seen
    state.version += 1
    state.built_at = now
    state.refreshed_at = now
    state.save()
    return counted
