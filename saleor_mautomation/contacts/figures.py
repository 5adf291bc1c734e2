"""A contact's engagement figures: orders, spend per currency, RFM inputs, email engagement.

Recomputed from the contact's own orders and email events when they change (per event, or once
per contact at the end of a drained batch or backfill page), saved column by column, and
marked for the write-back to Saleor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Field

from saleor_mautomation.contacts import engagement
from saleor_mautomation.contacts.lifecycle import stage_of
from saleor_mautomation.contacts.models import (
    Contact,
    ContactSpend,
)
from saleor_mautomation.contacts.order_facts import OrderHistory, order_histories
from saleor_mautomation.contacts.writeback import predicted_of, writeback_mark
from saleor_mautomation.core.sql import (
    json_rows,
    json_source,
    json_upsert,
    model_columns,
    sql_rows,
)
from saleor_mautomation.events.changes import PROFILE, change_note
from saleor_mautomation.events.models import Event

_deferred: ContextVar[dict[int, Contact] | None] = ContextVar("engagement_deferred", default=None)


@contextmanager
def engagement_deferred(*, now: Callable[[], datetime]) -> Iterator[None]:
    """Within the block, order events mark their contact and the order figures are recomputed
    once per contact on leaving it (still inside the caller's transaction).

    Saleor's ``checkoutComplete`` alone sends four order events for one person; a drained
    batch or a backfill page then pays one refresh per contact instead of one per event.
    """
    token = _deferred.set({})
    try:
        yield
        engagement_flush(now=now())
    finally:
        _deferred.reset(token)


def engagement_flush(*, now: datetime) -> None:
    """Recompute now the order figures of the contacts marked so far in ``engagement_deferred``
    (the coordinator does this at a fixed point of its unit of work)."""
    pending = _deferred.get()
    if not pending:
        return
    ids = list(pending)
    pending.clear()
    # Locked again: the marked instances may be stale (a merge or update since).
    contacts = list(Contact.objects.select_for_update().filter(pk__in=ids))
    engagement_orders_refresh_many(contacts=contacts, now=now)


def engagement_orders_refresh_many(*, contacts: Sequence[Contact], now: datetime) -> None:
    """``engagement_orders_refresh`` of many contacts, each locked by the caller's transaction
    and current: their orders read in one query and, on PostgreSQL, their figures and spend
    written in one statement (other databases write them contact by contact)."""
    if not contacts:
        return
    histories = order_histories([contact.pk for contact in contacts])
    if connection.vendor != "postgresql":
        for contact in contacts:
            engagement_orders_refresh(contact=contact, now=now, history=histories[contact.pk])
        return
    spends = [
        _order_figures_apply(contact, now=now, history=histories[contact.pk])
        for contact in contacts
    ]
    # The write-back's predicted items of the buyers in one read, not two queries each.
    predicted = predicted_of([c.pk for c in contacts if c.saleor_user_id and c.orders_count])
    for contact, spend in zip(contacts, spends, strict=True):
        writeback_mark(
            contact,
            now=now,
            spend={c: s.total for c, s in spend.items()},
            predicted=predicted.get(contact.pk, {}) if contact.orders_count else None,
        )
    _figures_save_many(list(zip(contacts, spends, strict=True)))


def engagement_touch(*, contact: Contact, now: datetime) -> None:
    """An order changed: recompute the contact's order figures now, or once at the end of
    ``engagement_deferred``."""
    pending = _deferred.get()
    if pending is None:
        engagement_orders_refresh(contact=contact, now=now)
    else:
        pending[contact.pk] = contact


# What each refresh sets, and so saves: a contact has some fifty columns, and an UPDATE of
# them all on every order would rewrite the profile fields nobody changed.
ORDER_FIGURES = (
    "orders_count",
    "first_order_at",
    "last_order_at",
    "favourite_categories",
    "predicted_next_order_at",
    "prediction_basis",
    "lifecycle_stage",
)
EMAIL_FIGURES = (
    "email_opens_30d",
    "email_opens_90d",
    "email_clicks_30d",
    "email_clicks_90d",
    "last_email_open_at",
    "last_email_click_at",
    "best_send_hour",
)
_MARKED = ("writeback_due_at", "updated_at")


def engagement_refresh(*, contact: Contact, now: datetime) -> None:
    """Recompute all of a contact's figures: from its orders, and from its email opens and
    clicks of the last 180 days (O(its orders + those events)).

    ``contact`` must be locked by the caller's transaction (``contact_resolve`` and
    ``contact_upsert_from_user`` return it locked), so concurrent refreshes serialise.
    """
    with transaction.atomic(savepoint=False):
        _email_figures_apply(contact, now=now)
        spend = _order_figures_apply(contact, now=now)
        writeback_mark(contact, now=now, spend={c: s.total for c, s in spend.items()})
        _figures_save(contact, [*ORDER_FIGURES, *EMAIL_FIGURES], spend)


def engagement_orders_refresh(
    *, contact: Contact, now: datetime, history: OrderHistory | None = None
) -> None:
    """Recompute the figures an order can change (counts, dates, spend, prediction, stage).

    The email figures are left alone: they change only with email events
    (``engagement_email_refresh``) and as their windows slide (the nightly sweep). ``contact``
    must be locked by the caller's transaction. ``history``: its orders (``order_histories``)
    when the caller read them already.
    """
    with transaction.atomic(savepoint=False):
        spend = _order_figures_apply(contact, now=now, history=history)
        writeback_mark(contact, now=now, spend={c: s.total for c, s in spend.items()})
        _figures_save(contact, ORDER_FIGURES, spend)


def engagement_email_refresh(*, contact: Contact, now: datetime) -> None:
    """Recompute the figures an email open or click can change (counts, last open and click,
    best send hour); the order figures are left alone. ``contact`` must be locked by the
    caller's transaction."""
    with transaction.atomic(savepoint=False):
        _email_figures_apply(contact, now=now)
        writeback_mark(contact, now=now)
        _figures_save(contact, EMAIL_FIGURES, None)


def _order_figures_apply(
    contact: Contact, *, now: datetime, history: OrderHistory | None = None
) -> dict[str, engagement.Spend]:
    """Set the order figures on the instance (the caller saves it) from one read of the
    contact's orders (``order_histories``); returns the spend per currency, kept in its own
    table."""
    if history is None:
        history = order_histories([contact.pk])[contact.pk]
    figures = engagement.engagement_of(history.facts)
    contact.orders_count = figures.orders_count
    contact.first_order_at = figures.first_order_at
    contact.last_order_at = figures.last_order_at
    contact.favourite_categories = history.favourite_categories
    contact.predicted_next_order_at = figures.predicted_next_order_at
    contact.prediction_basis = figures.prediction_basis
    contact.lifecycle_stage = stage_of(contact, now=now)
    return figures.spend


def _email_figures_apply(contact: Contact, *, now: datetime) -> None:
    """Set the email figures on the instance (the caller saves it): one query on the
    ``event_contact_time`` index, reading only the ``machine`` flag of the properties.

    Only 180 days are read, so the last open and click are kept when newer than what the
    window holds: events are append-only, so a stored moment is never too new.
    """
    facts = [
        engagement.EmailFact(occurred_at=occurred_at, type=type_, is_machine=machine is True)
        for occurred_at, type_, machine in Event.objects.filter(
            contact_id=contact.pk,
            occurred_at__gt=now - engagement.SEND_HOUR_WINDOW,
            type__in=engagement.EMAIL_EVENT_TYPES,
        ).values_list("occurred_at", "type", "properties__machine")
    ]
    figures = engagement.email_engagement_of(facts, time_zone=contact.time_zone, now=now)
    contact.email_opens_30d = figures.opens_30d
    contact.email_opens_90d = figures.opens_90d
    contact.email_clicks_30d = figures.clicks_30d
    contact.email_clicks_90d = figures.clicks_90d
    contact.last_email_open_at = later_of(contact.last_email_open_at, figures.last_open_at)
    contact.last_email_click_at = later_of(contact.last_email_click_at, figures.last_click_at)
    contact.best_send_hour = figures.best_send_hour


def later_of(stored: datetime | None, computed: datetime | None) -> datetime | None:
    return max((m for m in (stored, computed) if m is not None), default=None)


def _figures_save(
    contact: Contact, figures: Sequence[str], spend: dict[str, engagement.Spend] | None
) -> None:
    """Write the refreshed columns of the contact and, when given, its spend per currency.

    One round trip on PostgreSQL: the UPDATE of the contact carries the spend's upsert and the
    delete of its stale currencies as CTEs (other backends run them in turn). Values are
    adapted by the model's fields, as ``save(update_fields=...)`` would, and the change is
    noted for the segments as ``Contact.save`` notes it.
    """
    update = _contact_update_sql(contact, [*figures, *_MARKED])
    statements = [update] if spend is None else [*_spend_sql(contact.pk, spend), update]
    if connection.vendor == "postgresql":
        *ctes, main = statements
        prefix = ", ".join(f"s{n} AS ({sql})" for n, (sql, _) in enumerate(ctes))
        sql_rows(
            f"WITH {prefix} {main[0]}" if ctes else main[0],
            [param for _, params in statements for param in params],
            prepare=True,
        )
    else:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
    change_note(contact.pk, PROFILE)


def _figures_save_many(saves: Sequence[tuple[Contact, dict[str, engagement.Spend]]]) -> None:
    """``_figures_save`` of the order figures of many contacts, in one statement (PostgreSQL):
    their spend rows brought in line (stale currencies deleted, the others upserted) as CTEs of
    one UPDATE of the contacts. The contacts' figures and their spend travel as one JSON
    document each (``core.sql.json_rows``, values as the ORM would send them), read back with
    each column's type, so the statement's text is the same for any number of contacts:
    prepared once per connection, never parsed for its parameters."""
    if not saves:
        return
    fields = _order_figure_fields()
    contacts = [contact for contact, _ in saves]
    rows = [
        {
            "id": contact.pk,
            **{column: field.pre_save(contact, add=False) for column, field in fields},
        }
        for contact in contacts
    ]
    kept = [f"{contact.pk}:{currency}" for contact, spend in saves for currency in spend]
    spent = [
        {
            "contact_id": contact.pk,
            "currency": currency,
            "orders": figures.orders,
            # Decimals as they are: the columns' numeric type rounds them, as the ORM's are.
            "total": figures.total,
            "average_order_value": figures.average_order_value,
        }
        for contact, spend in saves
        for currency, figures in spend.items()
    ]
    sql_rows(
        _figures_save_many_sql(),
        [[contact.pk for contact in contacts], kept, json_rows(spent), json_rows(rows)],
        prepare=True,
    )
    for contact in contacts:
        change_note(contact.pk, PROFILE)


@cache
def _order_figure_fields() -> list[tuple[str, Field[Any, Any]]]:
    """``(column, field)`` of what an order refresh saves."""
    by_name = {field.name: field for field in Contact._meta.concrete_fields}
    return [(str(by_name[name].column), by_name[name]) for name in [*ORDER_FIGURES, *_MARKED]]


@cache
def _figures_save_many_sql() -> str:
    """Its parameters: the contacts' ids and their kept ``id:currency`` (arrays), the spend
    rows and the contacts' rows (``json_rows``)."""
    spend_table = ContactSpend._meta.db_table
    delete = (
        f"DELETE FROM {spend_table} WHERE contact_id = ANY(%b::bigint[]) "  # noqa: S608 - ours
        "AND NOT (contact_id::text || ':' || currency = ANY(%b::text[]))"
    )
    figures = ("orders", "total", "average_order_value")
    upsert = json_upsert(
        spend_table,
        model_columns(ContactSpend, ["contact", "currency", *figures]),
        conflict=["contact_id", "currency"],
        where=" OR ".join(f"{spend_table}.{name} <> excluded.{name}" for name in figures),
    )
    fields = _order_figure_fields()
    source = json_source(
        [("id", "bigint"), *((c, str(field.db_type(connection))) for c, field in fields)], "v"
    )
    table = Contact._meta.db_table
    update = (
        f"UPDATE {table} SET {', '.join(f'{c} = v.{c}' for c, _ in fields)} "  # noqa: S608
        f"FROM {source} WHERE {table}.id = v.id"
    )
    return f"WITH s0 AS ({delete}), s1 AS ({upsert}) {update}"


def _contact_update_sql(contact: Contact, names: Sequence[str]) -> tuple[str, list[Any]]:
    by_name = {field.name: field for field in Contact._meta.concrete_fields}
    fields = [by_name[name] for name in names]
    values = [
        field.get_db_prep_save(field.pre_save(contact, add=False), connection) for field in fields
    ]
    assignments = ", ".join(f"{field.column} = %s" for field in fields)
    table = Contact._meta.db_table
    return f"UPDATE {table} SET {assignments} WHERE id = %s", [*values, contact.pk]  # noqa: S608


def _spend_sql(contact_id: int, spend: dict[str, engagement.Spend]) -> list[tuple[str, list[Any]]]:
    """Bring the contact's per-currency rows in line: delete the stale currencies, upsert the
    others (a row whose figures did not change is not rewritten)."""
    table = ContactSpend._meta.db_table
    currencies = sorted(spend)
    delete = f"DELETE FROM {table} WHERE contact_id = %s"  # noqa: S608 - the model's table
    if currencies:
        delete += f" AND currency NOT IN ({', '.join(['%s'] * len(currencies))})"
    statements: list[tuple[str, list[Any]]] = [(delete, [contact_id, *currencies])]
    if not currencies:
        return statements
    statements.append(_spend_upsert_sql([(contact_id, c, spend[c]) for c in currencies]))
    return statements


def _spend_upsert_sql(rows: Sequence[tuple[int, str, engagement.Spend]]) -> tuple[str, list[Any]]:
    """Upsert ``(contact id, currency, figures)`` rows (a row whose figures did not change is
    not rewritten)."""
    table = ContactSpend._meta.db_table
    total = ContactSpend._meta.get_field("total")
    average = ContactSpend._meta.get_field("average_order_value")
    params: list[Any] = []
    for contact_id, currency, figures in rows:
        params += [
            contact_id,
            currency,
            figures.orders,
            total.get_db_prep_save(figures.total, connection),
            average.get_db_prep_save(figures.average_order_value, connection),
        ]
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    upsert = (
        f"INSERT INTO {table} (contact_id, currency, orders, total, average_order_value) "  # noqa: S608
        f"VALUES {values} ON CONFLICT (contact_id, currency) DO UPDATE SET "
        "orders = excluded.orders, total = excluded.total, "
        "average_order_value = excluded.average_order_value "
        f"WHERE {table}.orders <> excluded.orders OR {table}.total <> excluded.total "
        f"OR {table}.average_order_value <> excluded.average_order_value"
    )
    return upsert, params
