"""Rows written in bulk: on PostgreSQL one ``INSERT ... SELECT FROM unnest(arrays) ON CONFLICT
DO UPDATE`` per chunk (the arrays travel as a few parameters, so a chunk is 50,000 rows, not
the few thousand a multi-row VALUES allows); elsewhere (the embedded SQLite) Django's
``bulk_create`` with ``update_conflicts``, which means the same."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from saleor_mautomation.core.sql import model_columns, sql_rows, unnest_upsert

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
    # The constants travel as arrays too (one value per row): the statement stays one shape.
    count = len(next(iter(columns.values()))[1]) if columns else 0
    typed = [(name, kind) for name, (kind, _) in columns.items()]
    typed += model_columns(model, list(constants))
    sql = unnest_upsert(model._meta.db_table, typed, conflict=conflict)
    arrays = [list(array) for _, array in columns.values()]
    arrays += [[value] * count for value in constants.values()]
    sql_rows(sql, arrays, prepare=True)
