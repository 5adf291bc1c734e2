"""``core.sql.json_upsert``: rows written from one JSON document (``json_rows``), on PostgreSQL,
each value read with its column's type as the array path (``unnest_upsert``) casts it.

The statements run against a table made for the test, so every clause is checked by what it
leaves.
"""

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.db import connection

from saleor_mautomation.core.sql import json_rows, json_source, json_upsert, sql_rows

T0 = datetime(2026, 6, 1, tzinfo=UTC)
T1 = datetime(2026, 6, 2, 9, 30, 15, 123456, tzinfo=UTC)
COLUMNS = [
    ("shop", "bigint"),
    ("key", "varchar(8)"),
    ("n", "integer"),
    ("paid", "boolean"),
    ("amount", "numeric(12, 4)"),
    ("at", "timestamptz"),
    ("facts", "jsonb"),
]


@pytest.fixture
def table(db):
    if connection.vendor != "postgresql":
        pytest.skip("jsonb_to_recordset: PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE t_json (id bigserial PRIMARY KEY, shop bigint NOT NULL, "
            "key varchar(8) NOT NULL, n integer, paid boolean, amount numeric(12, 4), "
            "at timestamptz, facts jsonb, UNIQUE (shop, key))"
        )
    return "t_json"


def rows_of(table):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT shop, key, n, paid, amount, at, facts FROM {table} ORDER BY shop, key"  # noqa: S608
        )
        return [
            (*row[:-1], json.loads(row[-1]) if isinstance(row[-1], str) else row[-1])
            for row in cursor.fetchall()
        ]


def row(key, n=None, paid=None, amount=None, at=None, facts=None, shop=1):
    return {
        "shop": shop,
        "key": key,
        "n": n,
        "paid": paid,
        "amount": amount,
        "at": at,
        "facts": facts,
    }


def write(sql, rows):
    return sql_rows(sql, [json_rows(rows)], prepare=True)


def test_the_text_is_the_same_for_any_number_of_rows_and_reads_typed_columns():
    # when
    sql = json_upsert("t_json", COLUMNS[:3], conflict=["shop", "key"], returning=["id"])

    # then
    assert sql == (
        "INSERT INTO t_json (shop, key, n) SELECT * FROM (SELECT shop::bigint AS shop, "
        "key::varchar(8) AS key, n::integer AS n FROM jsonb_to_recordset(%b::jsonb) "
        "AS j(shop bigint, key varchar, n integer)) AS r "
        "ON CONFLICT (shop, key) DO UPDATE SET n = excluded.n RETURNING id"
    )


def test_values_are_stored_as_the_orm_stores_them(table):
    # given: decimals beyond the scale, moments in other offsets, nested JSON, NULLs
    sql = json_upsert(table, COLUMNS, conflict=["shop", "key"], returning=["key"])
    warsaw = timezone(timedelta(hours=2))

    # when
    written = write(
        sql,
        [
            row("a", 7, True, Decimal("1047.48"), T1, {"x": [1, "ż", None], "y": 0.5}),
            row("b", -1, False, Decimal("0.00005"), T1.astimezone(warsaw), []),
            row("c", amount=Decimal("-2.00004"), facts={}),
            row("d"),
        ],
    )

    # then: numeric(12, 4) rounds half away from zero, as a cast does
    assert sorted(written) == [("a",), ("b",), ("c",), ("d",)]
    assert rows_of(table) == [
        (1, "a", 7, True, Decimal("1047.4800"), T1, {"x": [1, "ż", None], "y": 0.5}),
        (1, "b", -1, False, Decimal("0.0001"), T1, []),
        (1, "c", None, None, Decimal("-2.0000"), None, {}),
        (1, "d", None, None, None, None, None),
    ]


def test_known_rows_are_updated_only_where_the_condition_holds(table):
    # given
    write(
        json_upsert(table, COLUMNS, conflict=["shop", "key"]),
        [row("a", 5, at=T1), row("b", 5, at=T0)],
    )
    newer_wins = json_upsert(
        table,
        COLUMNS,
        conflict=["shop", "key"],
        update=["n", "at"],
        where=f"{table}.at <= excluded.at",
        returning=["key"],
    )

    # when: both at T0 with other values: a's stored T1 is newer, b's is not
    written = write(newer_wins, [row("a", 9, at=T0, facts={}), row("b", 9, at=T0, facts={})])

    # then: b's n and at written (facts is no update column), a untouched
    assert written == [("b",)]
    assert rows_of(table) == [(1, "a", 5, None, None, T1, None), (1, "b", 9, None, None, T0, None)]


def test_no_rows_write_nothing_and_a_text_too_long_is_cut_as_the_arrays_cast_it(table):
    # given
    sql = json_upsert(table, COLUMNS, conflict=["shop", "key"], returning=["key"])

    # when
    nothing = write(sql, [])
    written = write(sql, [row("much-too-long", 1)])

    # then
    assert nothing == []
    assert written == [("much-too",)]
    assert rows_of(table) == [(1, "much-too", 1, None, None, None, None)]


def test_a_json_source_updates_rows_by_key_with_the_columns_cast(table):
    # given
    write(json_upsert(table, COLUMNS, conflict=["shop", "key"]), [row("a", 1), row("b", 1)])
    source = json_source(
        [("key", "varchar(8)"), ("n", "integer"), ("amount", "numeric(12, 4)")], "v"
    )

    # when
    sql_rows(
        f"UPDATE {table} SET n = v.n, amount = v.amount FROM {source} WHERE {table}.key = v.key",  # noqa: S608
        [json_rows([{"key": "b", "n": 7, "amount": Decimal("0.123456")}])],
        prepare=False,
    )

    # then
    assert rows_of(table) == [
        (1, "a", 1, None, None, None, None),
        (1, "b", 7, None, Decimal("0.1235"), None, None),
    ]
