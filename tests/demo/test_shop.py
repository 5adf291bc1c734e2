"""The demo shop: deterministic, distributed as its docstring says, and every node in shapes
Saleor's schema accepts for each document the app sends and each webhook it subscribes to."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from statistics import mean
from typing import Any

import pytest
from graphql import ExecutionResult, GraphQLSchema, build_schema, execute, parse

from saleor_mautomation.demo.graphql_answers import answer_roots
from saleor_mautomation.demo.shop import Shop, load_shop
from saleor_mautomation.demo.shop_nodes import PRODUCTS_PER_CATEGORY, gid_decode, stamp
from saleor_mautomation.demo.simulator import PAYMENT_APP, STAFF, webhook_payload
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.webhooks import SPECS_BY_EVENT
from tests.support.samples import schema_sdl

ANCHOR = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
ORIGIN = "http://localhost:8081"


@cache
def schema() -> GraphQLSchema:
    return build_schema(schema_sdl())


@cache
def shop(customers: int = 3000, seed: int = 7) -> Shop:
    from saleor_mautomation.demo.shop import generate_shop

    return generate_shop(seed=seed, customers=customers, anchor=ANCHOR, origin=ORIGIN)


def snapshot(s: Shop) -> str:
    return json.dumps([s.customers, s.orders, s.checkouts, s.products], sort_keys=True)


def test_the_same_seed_gives_the_same_shop_and_another_seed_another():
    # given
    from saleor_mautomation.demo.shop import generate_shop

    # when
    first = generate_shop(seed=11, customers=200, anchor=ANCHOR, origin=ORIGIN)
    again = generate_shop(seed=11, customers=200, anchor=ANCHOR, origin=ORIGIN)
    other = generate_shop(seed=12, customers=200, anchor=ANCHOR, origin=ORIGIN)

    # then
    assert snapshot(first) == snapshot(again)
    assert snapshot(first) != snapshot(other)
    assert [len(first.customers), len(first.orders), len(first.checkouts)] == [200, 361, 4]
    assert first.customers[0]["email"] == "george.hughes.2@example.net"
    assert gid_decode(first.customers[0]["id"]) == ("User", "2")
    assert first.orders[0]["number"] == "1"
    assert first.orders[0]["total"]["gross"] == {"amount": 140.95, "currency": "EUR"}


def test_the_default_shop_counts():
    s = shop()

    assert s.name == "Linden Lane Goods"
    assert [c["slug"] for c in s.channels] == ["default-channel", "channel-eur"]
    assert [c["currencyCode"] for c in s.channels] == ["USD", "EUR"]
    assert len(s.categories) == 7
    assert len(s.products) == 7 * PRODUCTS_PER_CATEGORY == 84
    assert sum(len(p["variants"]) for p in s.products) == 165
    assert [len(s.customers), len(s.orders), len(s.checkouts)] == [3000, 4749, 60]
    assert s.products[0]["thumbnail"]["url"] == f"{ORIGIN}/thumbnails/{s.products[0]['slug']}.svg"


def test_customers_and_orders_are_oldest_first_and_numbered_in_order():
    s = shop()

    joined = [c["dateJoined"] for c in s.customers]
    created = [o["created"] for o in s.orders]
    assert joined == sorted(joined)
    assert created == sorted(created)
    assert [o["number"] for o in s.orders] == [str(n) for n in range(1, len(s.orders) + 1)]
    assert joined[0] >= stamp(ANCHOR.replace(year=2024))
    assert max(created) <= stamp(ANCHOR)


def test_spend_has_a_long_tail_of_one_time_buyers_and_a_few_vips():
    s = shop()

    per_buyer = Counter(o["user"]["id"] for o in s.orders if o["user"])
    buyers = len(per_buyer)
    repeat = sum(1 for n in per_buyer.values() if n >= 2) / buyers
    vips = sum(1 for n in per_buyer.values() if n >= 5) / buyers
    guests = sum(1 for o in s.orders if o["user"] is None)

    assert 0.6 <= buyers / len(s.customers) <= 0.7
    assert 0.36 <= repeat <= 0.48  # the docstring: 34 % two to four times, 8 % five or more
    assert 0.05 <= vips <= 0.12
    assert guests == 300  # one guest order per ten customers
    totals = [
        o["total"]["gross"]["amount"] for o in s.orders if o["channel"]["slug"] == "default-channel"
    ]
    assert 40 <= mean(totals) <= 160


def test_orders_follow_the_seasons_and_their_statuses():
    s = shop()

    months = Counter(o["created"][5:7] for o in s.orders if o["created"][:4] == "2025")
    statuses = Counter(o["status"] for o in s.orders)
    refunded = sum(1 for o in s.orders if o["paymentStatus"] == "FULLY_REFUNDED")

    assert months["12"] > months["06"] > months["02"]
    assert 0.02 <= statuses["CANCELED"] / len(s.orders) <= 0.05
    assert 0.02 <= refunded / len(s.orders) <= 0.05
    assert statuses["FULFILLED"] / len(s.orders) >= 0.9
    assert set(statuses) == {"FULFILLED", "UNFULFILLED", "CANCELED"}


def test_an_orders_amounts_add_up():
    s = shop()

    for order in s.orders[:500]:
        currency = order["channel"]["currencyCode"]
        lines = order["lines"]
        assert 1 <= len(lines) <= 4
        for line in lines:
            unit = line["unitPrice"]["gross"]["amount"]
            assert line["totalPrice"]["gross"]["amount"] == round(unit * line["quantity"], 2)
            assert line["unitPrice"]["gross"]["currency"] == currency
            assert line["variant"]["id"] == line["productVariantId"]
        subtotal = round(sum(line["totalPrice"]["gross"]["amount"] for line in lines), 2)
        shipping = order["shippingPrice"]["gross"]["amount"]
        assert order["subtotal"]["gross"]["amount"] == subtotal
        assert order["total"]["gross"]["amount"] == round(subtotal + shipping, 2)
        assert shipping == (0 if subtotal >= 75 else {"USD": 4.99, "EUR": 4.9}[currency])


def test_customers_favour_a_category():
    s = shop()

    category_of = {v["id"]: p["category"]["id"] for p in s.products for v in p["variants"]}
    shares = []
    for user_id, favourite in s.affinity.items():
        lines = [
            category_of[line["variant"]["id"]]
            for o in s.orders
            if o["user"] and o["user"]["id"] == user_id
            for line in o["lines"]
        ]
        if len(lines) >= 8:
            own = sum(1 for c in lines if c == s.categories[favourite]["id"])
            shares.append(own / len(lines))
    assert len(shares) > 100
    assert 0.65 <= mean(shares) <= 0.85  # 70 % from the favourite, plus chance picks of it


def test_customers_live_in_several_countries_with_consents_and_birthdays():
    s = shop()

    countries = Counter(
        c["defaultBillingAddress"]["country"]["code"]
        for c in s.customers
        if c["defaultBillingAddress"]
    )
    consent = Counter(
        m["value"] for c in s.customers for m in c["metadata"] if m["key"] == "marketing_consent"
    )
    birthdays = [m["value"] for c in s.customers for m in c["metadata"] if m["key"] == "birthday"]

    assert set(countries) == {"US", "GB", "DE", "FR", "PL", "CA", "ES", "NL", "IT"}
    assert countries.most_common(1)[0][0] == "US"
    assert 0.43 <= consent["granted"] / len(s.customers) <= 0.53
    assert 0.09 <= consent["withdrawn"] / len(s.customers) <= 0.15
    assert 0.3 <= len(birthdays) / len(s.customers) <= 0.4
    assert all(len(b) == 10 and "1955-01-01" <= b <= "2004-12-31" for b in birthdays)
    domains = {c["email"].rpartition("@")[2] for c in s.customers}
    assert domains == {"example.com", "example.org", "example.net"}
    assert len({c["email"] for c in s.customers}) == len(s.customers)


def test_open_checkouts_are_recent_and_some_are_guests():
    s = shop()

    guests = [c for c in s.checkouts if c["user"] is None]
    assert 10 <= len(guests) <= 30
    assert all(c["email"] and c["lines"] for c in s.checkouts)
    assert all(c["lastChange"] >= stamp(ANCHOR - timedelta(days=10)) for c in s.checkouts)


def test_look_ups_pages_and_pickers():
    s = shop(customers=300)

    order = s.orders[5]
    first = s.connection("customers", first=100)
    second = s.connection("customers", first=100, after=first["pageInfo"]["endCursor"])
    last = s.connection("customers", first=100, after=second["pageInfo"]["endCursor"])
    assert s.node(order["id"]) is order
    assert s.node(s.customers[7]["id"]) is s.customers[7]
    assert first["totalCount"] == 300
    assert [e["node"]["id"] for e in first["edges"] + second["edges"] + last["edges"]] == [
        c["id"] for c in s.customers
    ]
    assert [first["pageInfo"]["hasNextPage"], last["pageInfo"]["hasNextPage"]] == [True, False]
    assert [p["name"] for p in s.products_matching(search="tee")] == [
        p["name"] for p in s.products if "tee" in p["name"].lower()
    ]
    assert s.categories_matching(ids=[s.categories[2]["id"]]) == [s.categories[2]]
    variant = s.products[3]["variants"][0]
    assert s.variants([variant["id"], "bogus"]) == [variant]


def test_live_additions_are_journaled_and_come_back(settings, tmp_path):
    # given
    settings.DEMO_DIR = tmp_path
    settings.DEMO_SEED = 3
    settings.DEMO_CUSTOMERS = 50
    s = load_shop()
    customer = {**s.customers[0], "id": "VXNlcjo5OTk=", "email": "new@example.com"}  # User:999
    checkout = s.checkouts[0]

    # when
    s.add_customer(customer)
    s.add_order({**s.orders[0], "status": "CANCELED"})
    s.remove_checkout(checkout["id"])
    again = load_shop()

    # then
    assert json.loads((tmp_path / "shop.json").read_text())["seed"] == 3
    assert again.anchor == s.anchor
    assert again.customers[-1] == customer
    assert again.next_user_pk == 1000
    assert again.orders[0]["status"] == "CANCELED"
    assert len(again.orders) == len(s.orders)
    assert again.node(checkout["id"]) is None
    assert snapshot(again) == snapshot(s)


# -- every node validates against Saleor's schema ------------------------------------------------


def execute_checked(query: str, root: dict[str, Any], variables: dict[str, Any]) -> Any:
    """The document executed over ``root`` on Saleor's schema: each value's kind, each enum
    value and each non-null field checked; errors name what does not fit."""
    result = execute(schema(), parse(query), root_value=root, variable_values=variables)
    assert isinstance(result, ExecutionResult)
    assert result.errors is None, result.errors[:3]
    return result.data


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ("backfill_customers", "customers"),
        ("backfill_orders", "orders"),
        ("backfill_checkouts", "checkouts"),
    ],
)
def test_every_node_answers_its_backfill_document_as_saleors_schema_types_it(document, kind):
    # given
    s = shop(customers=300)
    query = documents.load(document)
    page = s.connection(kind, first=1000)

    # when
    cut = answer_roots({"query": query, "variables": {"first": 1000}}, lambda _n, _a: page)
    executed = execute_checked(query, {kind: page}, {"first": 1000})

    # then
    assert executed == cut
    assert len(cut[kind]["edges"]) == len(getattr(s, kind))


def test_the_schema_check_refuses_what_saleor_would_not_send():
    s = shop(customers=300)
    query = documents.load("backfill_orders")

    def errors(node: dict[str, Any]) -> list[str]:
        page = {"totalCount": 1, "pageInfo": {"hasNextPage": False}, "edges": [{"node": node}]}
        result = execute(
            schema(), parse(query), root_value={"orders": page}, variable_values={"first": 1}
        )
        assert isinstance(result, ExecutionResult)
        return [e.message for e in result.errors or []]

    assert errors(s.orders[0]) == []
    assert errors({**s.orders[0], "status": "SHIPPED"}) == [
        "Enum 'OrderStatus' cannot represent value: 'SHIPPED'"
    ]
    assert errors({**s.orders[0], "number": None}) == [
        "Cannot return null for non-nullable field Order.number."
    ]
    assert errors({**s.orders[0], "isPaid": "yes"}) == [
        "Boolean cannot represent a non boolean value: 'yes'"
    ]


def subjects(s: Shop) -> dict[str, list[dict[str, Any]]]:
    """Nodes of each kind in each state the simulator sends."""
    with_address = next(c for c in s.customers if c["defaultBillingAddress"])
    without = next(c for c in s.customers if not c["defaultBillingAddress"])
    guest_order = next(o for o in s.orders if o["user"] is None)
    states = [
        next(o for o in s.orders if o["status"] == status)
        for status in ("UNFULFILLED", "FULFILLED", "CANCELED")
    ] + [next(o for o in s.orders if o["paymentStatus"] == "FULLY_REFUNDED")]
    guest_checkout = next(c for c in s.checkouts if c["user"] is None)
    user_checkout = next(c for c in s.checkouts if c["user"])
    return {
        "user": [with_address, without],
        "order": [guest_order, *states],
        "checkout": [guest_checkout, user_checkout],
    }


SUBJECT = {"Customer": "user", "Account": "user", "Checkout": "checkout", "Order": "order"}


# The events the simulator sends of customers, checkouts and orders (the catalogue's are
# checked in test_shop_catalogue.py).
SIMULATED = [
    event
    for event, spec in SPECS_BY_EVENT.items()
    if event != "APP_DELETED" and spec.typename.startswith(tuple(SUBJECT))
]


@pytest.mark.parametrize("event", SIMULATED)
@pytest.mark.parametrize("principal", [None, STAFF, PAYMENT_APP])
def test_every_webhook_payload_is_what_saleors_schema_gives_for_its_subscription(event, principal):
    # given
    spec = SPECS_BY_EVENT[event]
    kind = next(v for k, v in SUBJECT.items() if spec.typename.startswith(k))
    issued = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)

    for subject in subjects(shop(customers=300))[kind]:
        # when
        body = webhook_payload(event, subject, issued_at=issued, principal=principal)
        source = {
            "__typename": spec.typename,
            "issuedAt": stamp(issued),
            "version": "3.23.28",
            "issuingPrincipal": principal,
            "redirectUrl": None,
            "channel": None,
            kind: subject,
        }
        executed = execute_checked(spec.subscription, {"event": source}, {})

        # then
        assert executed == {"event": body}
        assert spec.parse(json.dumps(body)).typename == spec.typename
