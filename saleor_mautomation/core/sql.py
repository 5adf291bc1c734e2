"""Raw statements on the hot paths, bound server-side on PostgreSQL.

Django's psycopg cursors bind client-side: every parameter is quoted into the SQL text, which
costs most for large values (a delivery's body, an order's lines) and rules out prepared
statements. Here the parameters travel apart from the text and, with ``prepare``, the statement
is parsed and planned once per connection (the settings let psycopg prepare when asked).
Elsewhere (SQLite) Django's cursor runs the same statement. Errors are Django's either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections


def sql_rows(sql: str, params: Sequence[Any], *, prepare: bool) -> list[tuple[Any, ...]]:
    """Run one statement; the rows it returns (none for a statement without RETURNING)."""
    db = connections[DEFAULT_DB_ALIAS]  # the thread's connection, looked up once
    db.ensure_connection()
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as raw:
        raw.execute(sql, params, prepare=prepare)
        return raw.fetchall() if raw.description else []


def values_source(
    names: Sequence[str], rows: int, *, casts: Mapping[str, Mapping[str, str]]
) -> str:
    """A ``FROM`` source ``v`` of ``rows`` rows of these columns for an ``UPDATE ... FROM`` or
    ``INSERT ... SELECT``, as each database spells it: typed with ``casts[vendor][column]``
    where PostgreSQL cannot guess; SQLite names a ``VALUES`` list's columns itself."""
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    typed = casts.get(vendor, {})
    row = "(" + ", ".join(f"%s{typed.get(name, '')}" for name in names) + ")"
    values = "VALUES " + ", ".join([row] * rows)
    if vendor == "postgresql":
        return f"({values}) AS v({', '.join(names)})"
    columns = ", ".join(f"column{n} AS {name}" for n, name in enumerate(names, start=1))
    return f"(SELECT {columns} FROM ({values})) AS v"  # noqa: S608
