"""Writes of checkouts and orders, order-independent: the newest Saleor ``updatedAt`` wins.

Services join the caller's transaction (``savepoint=False``): the intake drain already runs
each delivery in a savepoint, and a savepoint per service would double the round trips of
every delivery. Only inserts that may lose a race take a savepoint of their own.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, CharField, DateTimeField, Value, When

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.core.sql import json_rows, json_upsert, sql_rows
from saleor_mautomation.saleor import payloads


def _money(value: payloads.TaxedMoney | payloads.Money | None, net: bool = False) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, payloads.Money):
        return value.amount
    money = value.net if net and value.net is not None else value.gross
    return money.amount


def _line(
    *,
    line_id: str,
    quantity: int,
    variant: payloads.Variant | None,
    product_name: str = "",
    variant_name: str = "",
    thumbnail: payloads.Image | None = None,
    unit_price: payloads.TaxedMoney | None = None,
    total_price: payloads.TaxedMoney | None = None,
) -> dict[str, Any]:
    product = variant.product if variant else None
    category = product.category if product else None
    image = (product.thumbnail if product else None) or thumbnail
    return {
        "id": line_id,
        "quantity": quantity,
        "variant_id": variant.id if variant else None,
        "variant_name": (variant.name if variant else None) or variant_name,
        "sku": variant.sku if variant else None,
        "product_id": product.id if product else None,
        "product_name": (product.name if product else None) or product_name,
        "product_slug": product.slug if product else None,
        "category_id": category.id if category else None,
        "category_name": category.name if category else None,
        "thumbnail": image.url if image else None,
        "unit_price": str(_money(unit_price)),
        "total_price": str(_money(total_price)),
    }


def checkout_lines(checkout: payloads.Checkout) -> list[dict[str, Any]]:
    return [
        _line(
            line_id=line.id,
            quantity=line.quantity,
            variant=line.variant,
            unit_price=line.unit_price,
            total_price=line.total_price,
        )
        for line in checkout.lines
    ]


def order_lines(order: payloads.Order) -> list[dict[str, Any]]:
    return [
        _line(
            line_id=line.id,
            quantity=line.quantity,
            variant=line.variant,
            product_name=line.product_name,
            variant_name=line.variant_name,
            thumbnail=line.thumbnail,
            unit_price=line.unit_price,
            total_price=line.total_price,
        )
        for line in order.lines
    ]


@dataclass(frozen=True)
class Statement:
    sql: str
    params: list[Any]


@dataclass(frozen=True)
class Upserted:
    record_id: int | None
    changed: bool


def _upsert_versioned(
    model: type[CheckoutRecord] | type[OrderRecord],
    *,
    installation_id: int,
    saleor_id: str,
    fields: dict[str, Any],
    on_create: dict[str, Any],
    on_change: Statement | None = None,
) -> Upserted:
    """Insert the record, or update it unless the stored ``source_updated_at`` is newer.

    One ``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` statement (PostgreSQL and SQLite alike):
    no read-then-write, no savepoint, and two workers racing on one record cannot fail.
    ``on_change`` (an UPDATE) runs only when the record was written: on PostgreSQL in the same
    statement, as a CTE that waits for the upsert's row, so it costs no round trip.
    """
    columns, params = _insert_row(
        model, installation_id=installation_id, saleor_id=saleor_id, fields=fields, **on_create
    )
    sql = _upsert_sql(model, columns, rows=1, updated=fields, returning="id")
    if on_change is not None and connection.vendor == "postgresql":
        sql = (
            f"WITH upserted AS ({sql}), changed AS ({on_change.sql} "  # noqa: S608 - ours
            "AND EXISTS (SELECT 1 FROM upserted)) SELECT id FROM upserted"
        )
        params += on_change.params
        on_change = None  # part of the statement now
    row = _first_row(sql, params)
    if row is not None and on_change is not None:
        _first_row(on_change.sql, on_change.params)
    return Upserted(record_id=row[0] if row else None, changed=row is not None)


def _insert_row(
    model: type[CheckoutRecord] | type[OrderRecord],
    *,
    installation_id: int,
    saleor_id: str,
    fields: dict[str, Any],
    **on_create: Any,
) -> tuple[list[str], list[Any]]:
    """The columns and values of the record's INSERT: every column, defaults included (a raw
    INSERT gets no model defaults), adapted as the ORM would."""
    record = model(installation_id=installation_id, saleor_id=saleor_id, **on_create, **fields)
    columns: list[str] = []
    params: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(str(field.column))
        params.append(field.get_db_prep_save(field.pre_save(record, add=True), connection))
    return columns, params


def _upsert_sql(
    model: type[CheckoutRecord] | type[OrderRecord],
    columns: list[str],
    *,
    rows: int,
    updated: dict[str, Any],
    returning: str,
) -> str:
    """``rows`` records inserted, or on conflict their ``updated`` fields set unless the stored
    ``source_updated_at`` is newer; returns ``returning`` of each record written."""
    by_name = {f.attname: str(f.column) for f in model._meta.concrete_fields}
    changed = {by_name[name] for name in updated}
    table = model._meta.db_table
    assignments = ", ".join(f"{c} = excluded.{c}" for c in columns if c in changed)
    values = ", ".join([f"({', '.join(['%s'] * len(columns))})"] * rows)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "  # noqa: S608 - the model's
        f"ON CONFLICT (installation_id, saleor_id) DO UPDATE SET {assignments} "
        f"WHERE {table}.source_updated_at <= excluded.source_updated_at RETURNING {returning}"
    )


def _first_row(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """Run one statement; its first row, if it returns rows. Prepared on PostgreSQL: the
    order's lines travel as a parameter, and the upsert is planned once per connection."""
    rows = sql_rows(sql, params, prepare=True)
    return rows[0] if rows else None


def _checkout_completion(
    installation_id: int, checkout_id: str, order: payloads.Order
) -> Statement:
    """The order's checkout is completed (an UPDATE whose WHERE can be extended with AND)."""
    table = CheckoutRecord._meta.db_table
    return Statement(
        f"UPDATE {table} SET completed_at = %s, order_saleor_id = %s "  # noqa: S608 - model table
        "WHERE installation_id = %s AND saleor_id = %s",
        [
            CheckoutRecord._meta.get_field("completed_at").get_db_prep_save(
                order.created, connection
            ),
            order.id,
            installation_id,
            checkout_id,
        ],
    )


def checkout_upsert(
    *, installation_id: int, checkout: payloads.Checkout, contact_id: int | None, seen_at: datetime
) -> Upserted:
    version = checkout.updated_at or checkout.last_change or seen_at
    totals = checkout.total_price or checkout.subtotal_price
    fields = {
        "token": checkout.token or "",
        "contact_id": contact_id,
        "email": (checkout.email or "").strip().lower(),
        "saleor_user_id": checkout.user.id if checkout.user else "",
        "channel_slug": checkout.channel.slug,
        "currency": totals.gross.currency if totals else (checkout.channel.currency_code or ""),
        "lines": checkout_lines(checkout),
        "subtotal": _money(checkout.subtotal_price),
        "total": _money(checkout.total_price),
        "last_change_at": checkout.last_change or version,
        "source_updated_at": version,
    }
    return _upsert_versioned(
        CheckoutRecord,
        installation_id=installation_id,
        saleor_id=checkout.id,
        fields=fields,
        on_create={"created_at": checkout.created or version},
    )


def _order_fields(order: payloads.Order, contact_id: int | None) -> dict[str, Any]:
    return {
        "number": order.number,
        "contact_id": contact_id,
        "email": "" if contact_id is None else (order.user_email or "").strip().lower(),
        "saleor_user_id": "" if contact_id is None or not order.user else order.user.id,
        "status": order.status,
        "is_paid": order.is_paid,
        "channel_slug": order.channel.slug,
        "currency": order.total.gross.currency,
        "total_gross": order.total.gross.amount,
        "total_net": _money(order.total, net=True),
        "total_refunded": _money(order.total_refunded),
        "lines": order_lines(order),
        "checkout_saleor_id": order.checkout_id or "",
        "voucher_code": order.voucher_code or "",
        "placed_at": order.created,
        "source_updated_at": order.updated_at or order.created,
    }


def order_upsert(
    *, installation_id: int, order: payloads.Order, contact_id: int | None
) -> Upserted:
    fields = _order_fields(order, contact_id)
    with transaction.atomic(savepoint=False):
        return _upsert_versioned(
            OrderRecord,
            installation_id=installation_id,
            saleor_id=order.id,
            fields=fields,
            on_create={},
            on_change=_checkout_completion(installation_id, order.checkout_id, order)
            if order.checkout_id
            else None,
        )


# Rows per statement of ``orders_upsert`` off PostgreSQL: a page of the backfill (100) in one.
_ORDERS_PER_STATEMENT = 100


def orders_upsert(
    *, installation_id: int, orders: Sequence[tuple[payloads.Order, int | None]]
) -> None:
    """``order_upsert`` for many ``(order, contact id)`` (a backfill page): the records in one
    multi-row upsert, and the checkouts of the orders written completed (the later order of a
    checkout wins, as one by one). An order twice in the batch (one statement cannot write a
    row twice) goes one by one."""
    ids = [order.id for order, _ in orders]
    if len(set(ids)) < len(ids):
        for order, contact_id in orders:
            order_upsert(installation_id=installation_id, order=order, contact_id=contact_id)
        return
    if not orders:
        return
    if connection.vendor == "postgresql":
        sql, params = _orders_upsert_json(installation_id, orders)
        sql_rows(sql, params, prepare=True)
        return
    written: set[str] = set()
    with transaction.atomic(savepoint=False):
        for start in range(0, len(orders), _ORDERS_PER_STATEMENT):
            chunk = orders[start : start + _ORDERS_PER_STATEMENT]
            columns: list[str] = []
            params = []
            fields: dict[str, Any] = {}
            for order, contact_id in chunk:
                fields = _order_fields(order, contact_id)
                columns, values = _insert_row(
                    OrderRecord, installation_id=installation_id, saleor_id=order.id, fields=fields
                )
                params += values
            sql = _upsert_sql(
                OrderRecord, columns, rows=len(chunk), updated=fields, returning="saleor_id"
            )
            written |= {row[0] for row in sql_rows(sql, params, prepare=False)}
        completing = {
            order.checkout_id: order
            for order, _ in orders
            if order.checkout_id and order.id in written
        }
        if completing:
            CheckoutRecord.objects.filter(
                installation_id=installation_id, saleor_id__in=list(completing)
            ).update(
                completed_at=Case(
                    *[When(saleor_id=c, then=Value(o.created)) for c, o in completing.items()],
                    output_field=DateTimeField(),
                ),
                order_saleor_id=Case(
                    *[When(saleor_id=c, then=Value(o.id)) for c, o in completing.items()],
                    output_field=CharField(),
                ),
            )


def _orders_upsert_json(
    installation_id: int, orders: Sequence[tuple[payloads.Order, int | None]]
) -> tuple[str, list[Any]]:
    """``orders_upsert`` on PostgreSQL as one statement whose text is the same for any number
    of orders (prepared once per connection): the orders travel as one JSON document
    (``core.sql.json_upsert``), written by pydantic-core in one pass instead of a binary array
    per column and a JSON text per order's lines, the larger part of building a backfill page's
    statement. The completion of the checkouts is a CTE over the rows the upsert wrote
    (``RETURNING``), the later order of a checkout in the batch winning.

    Values are the Python values the ORM would send for these fields (no model instance per
    row): text, integers, booleans, ``Decimal``, aware datetimes, and the lines as JSON.
    """
    rows = [
        {
            "installation_id": installation_id,
            "saleor_id": order.id,
            **_order_fields(order, contact_id),
        }
        for order, contact_id in orders
    ]
    return _orders_upsert_sql(), [json_rows(rows), [o.id for o, _ in orders], installation_id]


@functools.cache
def _orders_upsert_sql() -> str:
    """Its parameters: the orders' rows (``json_rows``, keyed by the fields' attnames, which
    are their columns), their ids in the page's order, the installation."""
    fields = [f for f in OrderRecord._meta.concrete_fields if not f.primary_key]
    assert all(f.attname == f.column for f in fields)
    table = OrderRecord._meta.db_table
    checkouts = CheckoutRecord._meta.db_table
    upsert = json_upsert(
        table,
        [(str(f.column), str(f.db_type(connection))) for f in fields],
        conflict=["installation_id", "saleor_id"],
        where=f"{table}.source_updated_at <= excluded.source_updated_at",
        returning=["saleor_id", "checkout_saleor_id", "placed_at"],
    )
    return (
        f"WITH upserted AS ({upsert}), "  # noqa: S608 - ours
        "completing AS (SELECT DISTINCT ON (u.checkout_saleor_id) u.* FROM upserted u "
        "JOIN unnest(%s::text[]) WITH ORDINALITY AS page(saleor_id, n) USING (saleor_id) "
        "WHERE u.checkout_saleor_id <> '' ORDER BY u.checkout_saleor_id, page.n DESC), "
        f"completed AS (UPDATE {checkouts} c SET completed_at = completing.placed_at, "
        "order_saleor_id = completing.saleor_id FROM completing "
        "WHERE c.installation_id = %s AND c.saleor_id = completing.checkout_saleor_id) "
        "SELECT count(*) FROM upserted"
    )


def commerce_anonymise(*, installation_id: int, contact_id: int | None, email: str | None) -> None:
    """Erasure: orders and checkouts stay (revenue) but lose every link to the person."""
    cleared = {"contact_id": None, "email": "", "saleor_user_id": ""}
    if contact_id is not None:
        OrderRecord.objects.filter(contact_id=contact_id).update(**cleared)
        CheckoutRecord.objects.filter(contact_id=contact_id).update(**cleared)
    if email:
        OrderRecord.objects.filter(installation_id=installation_id, email=email).update(**cleared)
        CheckoutRecord.objects.filter(installation_id=installation_id, email=email).update(
            **cleared
        )
    # Addresses are not stored; order lines carry products only, no personal data.


def commerce_reassign(*, from_contact_id: int, to_contact_id: int) -> None:
    """Identity merge: one contact's orders and checkouts become the other's."""
    OrderRecord.objects.filter(contact_id=from_contact_id).update(contact_id=to_contact_id)
    CheckoutRecord.objects.filter(contact_id=from_contact_id).update(contact_id=to_contact_id)
