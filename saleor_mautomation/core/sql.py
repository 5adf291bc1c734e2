"""Raw statements on the hot paths, bound server-side on PostgreSQL.

Django's psycopg cursors bind client-side: every parameter is quoted into the SQL text, which
costs most for large values (a delivery's body, an order's lines) and rules out prepared
statements. Here the parameters travel apart from the text and, with ``prepare``, the statement
is parsed and planned once per connection (the settings let psycopg prepare when asked).
Elsewhere (SQLite) Django's cursor runs the same statement. Errors are Django's either way.
"""

from __future__ import annotations

from collections.abc import Sequence
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
