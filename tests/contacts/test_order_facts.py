"""``contacts.order_facts``: a contact's orders for its figures, the favourite categories
ranked in the database (PostgreSQL) exactly as ``engagement.favourite_categories`` ranks them
from the decoded lines (the other databases' path, run here through the ORM)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.contacts import order_facts
from saleor_mautomation.contacts.engagement import OrderFact
from saleor_mautomation.contacts.order_facts import OrderHistory, order_histories
from tests.contacts.factories import T0, make_contact, make_order, make_shop


@pytest.fixture
def shop(db):
    return make_shop("shop")


def line(category, quantity=1, **more):
    return {"category_name": category, "quantity": quantity, **more}


def test_each_orders_facts_and_the_categories_ranked_by_quantity(shop):
    # given: Shoes 2 + 3 = 5, Tees 4, Hats 4 (Tees bought first), Socks 1, a cancelled
    # order's 50 Bags and a line without a category left out
    buyer = make_contact(shop)
    make_order(
        buyer,
        placed_at=T0,
        total_gross=Decimal("30.5000"),
        lines=[line("Tees", 4), line("Shoes", 2), line(None, 9)],
    )
    make_order(
        buyer,
        placed_at=T0 + timedelta(days=9),
        status="FULFILLED",
        currency="PLN",
        total_gross=Decimal("100.0000"),
        total_refunded=Decimal("20.0000"),
        lines=[line("Hats", 4), line("Shoes", 3), line("Socks")],
    )
    make_order(buyer, placed_at=T0 + timedelta(days=3), status="CANCELED", lines=[line("Bags", 50)])

    # when
    history = order_histories([buyer.pk])[buyer.pk]

    # then
    assert history.favourite_categories == ["Shoes", "Tees", "Hats"]
    assert sorted(history.facts, key=lambda fact: fact.placed_at) == [
        OrderFact(T0, "UNFULFILLED", "USD", Decimal("30.5000"), Decimal("0.0000")),
        OrderFact(T0 + timedelta(days=3), "CANCELED", "USD", Decimal("10.0000"), Decimal("0")),
        OrderFact(
            T0 + timedelta(days=9), "FULFILLED", "PLN", Decimal("100.0000"), Decimal("20.0000")
        ),
    ]


def test_ties_go_to_the_category_bought_first_then_to_the_earlier_line(shop):
    # given: three categories of 2 each; the later-placed order was stored first
    buyer = make_contact(shop)
    make_order(buyer, placed_at=T0 + timedelta(hours=1), lines=[line("Late", 2)])
    make_order(buyer, placed_at=T0, lines=[line("Second", 1), line("First", 2), line("Second")])
    make_order(buyer, placed_at=T0, lines=[line("Fourth", 2)])

    # when
    history = order_histories([buyer.pk])[buyer.pk]

    # then: the two orders of T0 by id, lines by their place
    assert history.favourite_categories == ["Second", "First", "Fourth"]


def test_a_quantity_missing_null_or_zero_counts_one_and_a_fraction_is_truncated(shop):
    # given
    buyer = make_contact(shop)
    make_order(
        buyer,
        lines=[
            {"category_name": "Missing"},
            line("Null", None),
            line("Zero", 0),
            line("Half", 0.5),
            line("Many", 2.9),
            line("", 7),
            {"category_name": 5, "quantity": 8},
        ],
    )

    # when
    history = order_histories([buyer.pk])[buyer.pk]

    # then: Many 2, then Missing, Null, Zero 1 each in line order; Half 0
    assert history.favourite_categories == ["Many", "Missing", "Null"]


def test_contacts_without_orders_or_categories_have_empty_histories(shop):
    # given
    nobody = make_contact(shop)
    cancelled = make_contact(shop)
    make_order(cancelled, status="CANCELED", lines=[line("Tees")])
    plain = make_contact(shop)
    make_order(plain, lines=[])

    # when
    histories = order_histories([nobody.pk, cancelled.pk, plain.pk])

    # then
    assert histories[nobody.pk] == OrderHistory([], [])
    assert histories[cancelled.pk].favourite_categories == []
    assert [fact.status for fact in histories[cancelled.pk].facts] == ["CANCELED"]
    assert histories[plain.pk].favourite_categories == []
    assert len(histories[plain.pk].facts) == 1


def test_many_contacts_at_once_each_with_its_own_ranking(shop):
    # given
    first, second = make_contact(shop), make_contact(shop)
    make_order(first, lines=[line("Tees", 2), line("Hats", 1)])
    make_order(second, lines=[line("Hats", 5)])
    make_order(second, lines=[line("Tees", 1), line("Bags", 1)])

    # when
    histories = order_histories([first.pk, second.pk])

    # then
    assert histories[first.pk].favourite_categories == ["Tees", "Hats"]
    assert histories[second.pk].favourite_categories == ["Hats", "Tees", "Bags"]
    assert [len(histories[pk].facts) for pk in (first.pk, second.pk)] == [1, 2]


def test_the_database_ranks_as_the_python_path_of_the_other_databases(shop):
    # given: contacts with lines drawn to tie and cross in many ways
    contacts = [make_contact(shop) for _ in range(6)]
    names = ["Tees", "Hats", "Bags", "Shoes", "Socks"]
    for n, contact in enumerate(contacts):
        for k in range(n + 2):
            make_order(
                contact,
                placed_at=T0 + timedelta(days=(k * 7 + n) % 5),
                status="CANCELED" if (k + n) % 4 == 3 else "FULFILLED",
                lines=[line(names[(k * n + j) % 5], (k + j + n) % 3) for j in range(k % 3 + 1)],
            )

    # when
    ranked = order_histories([c.pk for c in contacts])
    python = order_facts._histories_python([c.pk for c in contacts])

    # then
    assert {pk: h.favourite_categories for pk, h in ranked.items()} == {
        pk: h.favourite_categories for pk, h in python.items()
    }
    assert [ranked[c.pk].favourite_categories for c in contacts] == [
        ["Tees", "Hats"],
        ["Hats", "Tees", "Bags"],
        ["Tees", "Hats", "Socks"],
        ["Socks", "Shoes", "Hats"],
        ["Tees", "Socks", "Hats"],
        ["Tees", "Hats", "Bags"],
    ]
