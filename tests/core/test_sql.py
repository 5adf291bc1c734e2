"""``core.sql.unnest_upsert``: rows written from one array per column, on PostgreSQL.

The statements run against a table made for the test, so every clause (the conflict target,
the updated columns, their condition, DO NOTHING, RETURNING) is checked by what it leaves.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from psycopg.types.json import Jsonb

from saleor_mautomation.contacts.models import ContactSpend
from saleor_mautomation.core.sql import model_arrays, model_columns, sql_rows, unnest_upsert
from tests.contacts.factories import make_contact, make_shop

T0 = datetime(2026, 6, 1, tzinfo=UTC)
T1 = datetime(2026, 6, 2, tzinfo=UTC)
COLUMNS = [
    ("shop", "bigint"),
    ("key", "text"),
    ("n", "integer"),
    ("amount", "numeric"),
    ("at", "timestamptz"),
    ("facts", "jsonb"),
]


@pytest.fixture
def table(db):
    if connection.vendor != "postgresql":
        pytest.skip("unnest of binary arrays: PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE t_rows (id bigserial PRIMARY KEY, shop bigint NOT NULL, "
            "key text NOT NULL, n integer, amount numeric(12, 4), at timestamptz, facts jsonb, "
            "UNIQUE (shop, key))"
        )
    return "t_rows"


def rows_of(table):
    """The table's rows, its JSON parsed (Django's cursor leaves jsonb as text)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT shop, key, n, amount, at, facts FROM {table} ORDER BY shop, key")  # noqa: S608
        return [
            (*row[:-1], json.loads(row[-1]) if isinstance(row[-1], str) else row[-1])
            for row in cursor.fetchall()
        ]


def write(sql, rows):
    arrays = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 6
    return sql_rows(sql, arrays, prepare=True)


def test_the_text_is_the_same_for_any_number_of_rows_and_binds_typed_arrays():
    # when
    sql = unnest_upsert("t_rows", COLUMNS[:3], conflict=["shop", "key"], returning=["id"])

    # then
    assert sql == (
        "INSERT INTO t_rows (shop, key, n) SELECT * FROM unnest(%b::bigint[], %b::text[], "
        "%b::integer[]) ON CONFLICT (shop, key) DO UPDATE SET n = excluded.n RETURNING id"
    )


def test_new_rows_are_inserted_and_known_ones_updated_in_every_column_but_the_target(table):
    # given
    sql = unnest_upsert(table, COLUMNS, conflict=["shop", "key"], returning=["key"])
    write(sql, [(1, "a", 1, Decimal("1.5"), T0, Jsonb({"x": 1}))])

    # when: a's row again, and b's new one, with a NULL in every nullable column of b
    written = write(
        sql,
        [(1, "a", 2, Decimal("2.25"), T1, Jsonb({"x": [2]})), (1, "b", None, None, None, None)],
    )

    # then
    assert sorted(written) == [("a",), ("b",)]
    assert rows_of(table) == [
        (1, "a", 2, Decimal("2.2500"), T1, {"x": [2]}),
        (1, "b", None, None, None, None),
    ]


def test_only_the_update_columns_change_and_only_where_the_condition_holds(table):
    # given
    write(
        unnest_upsert(table, COLUMNS, conflict=["shop", "key"]),
        [(1, "a", 5, Decimal(1), T1, Jsonb({})), (1, "b", 5, Decimal(1), T0, Jsonb({}))],
    )
    newer_wins = unnest_upsert(
        table,
        COLUMNS,
        conflict=["shop", "key"],
        update=["n", "at"],
        where=f"{table}.at <= excluded.at",
        returning=["key"],
    )

    # when: both rows at T0 with other values: a's stored T1 is newer, b's is not
    written = write(
        newer_wins,
        [(1, "a", 9, Decimal(9), T0, Jsonb({"y": 1})), (1, "b", 9, Decimal(9), T0, Jsonb({}))],
    )

    # then: b's n and at written (its amount and facts are not update columns), a untouched
    assert written == [("b",)]
    assert rows_of(table) == [
        (1, "a", 5, Decimal("1.0000"), T1, {}),
        (1, "b", 9, Decimal("1.0000"), T0, {}),
    ]


def test_an_empty_update_list_leaves_known_rows_and_returns_the_new_ones_only(table):
    # given
    sql = unnest_upsert(
        table, COLUMNS, conflict=["shop", "key"], update=[], returning=["shop", "key"]
    )
    write(sql, [(1, "a", 1, None, None, None)])

    # when: a twice in one statement, and b
    written = write(
        sql,
        [
            (1, "a", 2, None, None, None),
            (1, "b", 3, None, None, None),
            (1, "a", 4, None, None, None),
        ],
    )

    # then
    assert "ON CONFLICT (shop, key) DO NOTHING" in sql
    assert written == [(1, "b")]
    assert [(row[1], row[2]) for row in rows_of(table)] == [("a", 1), ("b", 3)]


def test_no_rows_write_nothing(table):
    # when
    written = write(unnest_upsert(table, COLUMNS, conflict=["shop", "key"], returning=["id"]), [])

    # then
    assert (written, rows_of(table)) == ([], [])


def test_model_columns_and_arrays_are_what_the_orm_writes(db):
    # given
    if connection.vendor != "postgresql":
        pytest.skip("unnest of binary arrays: PostgreSQL only")
    shop = make_shop("sql")
    ann, bob = make_contact(shop), make_contact(shop)
    ContactSpend.objects.create(contact=ann, currency="USD", orders=1, total=Decimal(5))
    spends = [
        ContactSpend(contact=ann, currency="USD", orders=2, total=Decimal("12.5")),
        ContactSpend(contact=bob, currency="PLN", orders=1, total=Decimal(7)),
    ]
    names = ["contact", "currency", "orders", "total", "average_order_value"]

    # when
    columns = model_columns(ContactSpend, names)
    sql_rows(
        unnest_upsert(ContactSpend._meta.db_table, columns, conflict=["contact_id", "currency"]),
        model_arrays(ContactSpend, names, spends, add=True),
        prepare=True,
    )

    # then
    assert columns == [
        ("contact_id", "bigint"),
        ("currency", "varchar(3)"),
        ("orders", "integer"),
        ("total", "numeric(14, 4)"),
        ("average_order_value", "numeric(14, 4)"),
    ]
    assert sorted(
        ContactSpend.objects.values_list("contact_id", "currency", "orders", "total")
    ) == sorted([(ann.pk, "USD", 2, Decimal("12.5000")), (bob.pk, "PLN", 1, Decimal("7.0000"))])
    with pytest.raises(LookupError):
        model_columns(ContactSpend, ["nothing"])
