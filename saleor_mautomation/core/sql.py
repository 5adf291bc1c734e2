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
from django.db import connection


def sql_rows(sql: str, params: Sequence[Any], *, prepare: bool) -> list[tuple[Any, ...]]:
    """Run one statement; the rows it returns (none for a statement without RETURNING)."""
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
        raw.execute(sql, params, prepare=prepare)
        return raw.fetchall() if raw.description else []
