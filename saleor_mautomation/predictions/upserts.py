"""Rows written in bulk: on PostgreSQL one ``INSERT ... SELECT FROM unnest(arrays) ON CONFLICT
DO UPDATE`` per chunk (the arrays travel as a few parameters, so a chunk is 50,000 rows, not
the few thousand a multi-row VALUES allows); elsewhere (the embedded SQLite) Django's
``bulk_create`` with ``update_conflicts``, which means the same."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# Column -> the PostgreSQL array type its values travel as.
ArrayColumns = dict[str, tuple[str, Sequence[Any]]]


def rows_upsert(
    model: type[models.Model],
    *,
    columns: ArrayColumns,
    constants: dict[str, Any],
    conflict: Sequence[str],
    vendor: str,
) -> None:
    """Insert or update one row per element of the column arrays (all of one length), each
    with the ``constants`` too; a row meeting an existing one on ``conflict`` updates it."""
    if vendor == "postgresql":
        _unnest_upsert(model, columns=columns, constants=constants, conflict=conflict)
        return
    names = [*columns, *constants]
    rows = [
        model(**dict(zip(columns, values, strict=True)), **constants)
        for values in zip(*(array for _, array in columns.values()), strict=True)
    ]
    fields = {model._meta.get_field(name.removesuffix("_id")).name for name in names}
    unique = [model._meta.get_field(name.removesuffix("_id")).name for name in conflict]
    model._default_manager.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=unique,
        update_fields=sorted(fields - set(unique)),
    )


def _unnest_upsert(
    model: type[models.Model],
    *,
    columns: ArrayColumns,
    constants: dict[str, Any],
    conflict: Sequence[str],
) -> None:
    quote = connection.ops.quote_name
    names = [*columns, *constants]
    arrays = ", ".join(f"%s::{kind}[]" for kind, _ in columns.values())
    updated = [name for name in names if name not in conflict]
    # Names are the model's own columns, quoted; every value is a parameter.
    table = quote(model._meta.db_table)
    insert = f"INSERT INTO {table} ({', '.join(map(quote, names))}) "
    select = f"SELECT u.*{', %s' * len(constants)} FROM unnest({arrays}) "  # noqa: S608
    alias = f"AS u({', '.join(map(quote, columns))}) "
    sets = ", ".join(f"{quote(name)} = EXCLUDED.{quote(name)}" for name in updated)
    sql = (
        f"{insert}{select}{alias}"
        f"ON CONFLICT ({', '.join(map(quote, conflict))}) DO UPDATE SET {sets}"
    )
    # The constants' placeholders come first in the statement (in its SELECT list).
    params = list(constants.values()) + [list(array) for _, array in columns.values()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
