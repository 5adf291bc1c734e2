"""Every operator of the definition language, on four known contacts, in both compiled
shapes (``selected`` asserts bulk == single for each case)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from saleor_mautomation.segments.compiler import facts_of
from saleor_mautomation.segments.definition import definition_parse
from tests.contacts.factories import make_shop
from tests.segments.factories import days_ago, people, selected


@pytest.fixture
def shop(db):
    installation = make_shop("segments")
    people(installation)
    other = make_shop("other")  # another installation's look-alikes never count
    people(other)
    return installation


def profile(field, op, value=None):
    return {"type": "profile", "field": field, "op": op, "value": value}


ALL = {"ann", "bob", "cyd", "dee"}

CASES = [
    # text fields: case-insensitive; unknown text is ""
    (profile("gender", "eq", "FEMALE"), {"ann"}),
    (profile("gender", "ne", "female"), {"bob", "cyd", "dee"}),
    (profile("country", "in", ["de", "AT"]), {"ann", "bob"}),
    (profile("country", "not_in", ["DE"]), {"bob", "cyd", "dee"}),
    (profile("city", "contains", "ENN"), {"bob"}),
    (profile("city", "not_contains", "enn"), {"ann", "cyd", "dee"}),
    (profile("city", "starts_with", "ber"), {"ann"}),
    (profile("email", "is_set"), {"ann", "bob", "cyd"}),
    (profile("email", "is_not_set"), {"dee"}),
    (profile("gender", "is_not_set"), {"cyd", "dee"}),
    (profile("lifecycle_stage", "eq", "lapsed"), {"cyd"}),
    # numbers (NULL scores: neither above nor below, but "not equal")
    (profile("orders_count", "gte", 1), {"ann", "cyd"}),
    (profile("orders_count", "eq", 0), {"bob", "dee"}),
    (profile("rfm_recency", "gt", 2), {"ann"}),
    (profile("rfm_recency", "lte", 2), {"cyd"}),
    (profile("rfm_recency", "lt", 5), {"cyd"}),
    (profile("rfm_recency", "ne", 5), {"bob", "cyd", "dee"}),
    (profile("rfm_frequency", "between", [1, 3]), {"cyd"}),
    (profile("rfm_monetary", "is_set"), {"ann", "cyd"}),
    (profile("rfm_monetary", "is_not_set"), {"bob", "dee"}),
    (profile("email_opens_30d", "gte", 1), {"ann"}),
    (profile("is_customer", "eq", True), {"ann", "cyd"}),
    (profile("is_customer", "eq", False), {"bob", "dee"}),
    # dates
    (profile("date_joined", "before", "2024-01-02"), {"ann"}),
    (profile("date_joined", "after", "2024-01-01"), {"bob"}),
    (profile("date_joined", "between", ["2023-12-31", "2024-01-01"]), {"ann"}),
    (profile("date_joined", "in_last_days", 7), {"bob"}),
    (profile("last_order_at", "more_than_days_ago", 90), {"cyd"}),
    (profile("last_order_at", "in_last_days", 30), {"ann"}),
    (profile("birthday", "is_set"), {"ann", "bob", "dee"}),
    (profile("birthday", "before", "1980-01-01"), {"bob"}),
    # custom attributes (metadata), text operators
    ({"type": "attribute", "key": "tier", "op": "eq", "value": "gold"}, {"ann"}),
    ({"type": "attribute", "key": "tier", "op": "ne", "value": "gold"}, {"bob", "cyd", "dee"}),
    ({"type": "attribute", "key": "shoe_size", "op": "in", "value": ["41", "42"]}, {"ann"}),
    ({"type": "attribute", "key": "shoe_size", "op": "is_set"}, {"ann"}),
    ({"type": "attribute", "key": "shoe_size", "op": "is_not_set"}, {"bob", "cyd", "dee"}),
    # age in whole years (ann 35, bob 56, dee 26, cyd unknown)
    ({"type": "age", "op": "between", "value": [30, 50]}, {"ann"}),
    ({"type": "age", "op": "gte", "value": 56}, {"bob"}),
    ({"type": "age", "op": "gt", "value": 56}, set()),
    ({"type": "age", "op": "lt", "value": 30}, {"dee"}),
    ({"type": "age", "op": "lte", "value": 35}, {"ann", "dee"}),
    ({"type": "age", "op": "eq", "value": 35}, {"ann"}),
    # birthday within N days (ann on 20 June)
    ({"type": "birthday", "within_days": 5}, {"ann"}),
    ({"type": "birthday", "within_days": 4}, set()),
    # spend per currency; no orders in a currency is spending 0 there
    ({"type": "spend", "currency": "USD", "op": "gte", "value": "150"}, {"ann"}),
    ({"type": "spend", "currency": "USD", "op": "lt", "value": "150"}, {"bob", "cyd", "dee"}),
    ({"type": "spend", "currency": "EUR", "op": "eq", "value": "0"}, {"ann", "bob", "dee"}),
    ({"type": "spend", "currency": "EUR", "op": "ne", "value": "0"}, {"cyd"}),
    ({"type": "spend", "currency": "EUR", "op": "ne", "value": "80"}, {"ann", "bob", "dee"}),
    (
        {"type": "spend", "currency": "USD", "metric": "orders", "op": "gt", "value": "1"},
        {"ann"},
    ),
    (
        {
            "type": "spend",
            "currency": "USD",
            "metric": "average_order_value",
            "op": "lte",
            "value": "100",
        },
        {"ann", "bob", "cyd", "dee"},
    ),
    # consent
    ({"type": "consent", "status": ["granted"]}, {"ann"}),
    ({"type": "consent", "status": ["unknown", "withdrawn"]}, {"bob", "cyd", "dee"}),
    # events: did / did not, counts, windows, properties
    ({"type": "event", "event_type": "product.viewed"}, {"ann", "bob"}),
    (
        {"type": "event", "event_type": "product.viewed", "count": {"op": "gte", "value": 3}},
        {"ann"},
    ),
    (
        {"type": "event", "event_type": "product.viewed", "count": {"op": "lt", "value": 3}},
        {"bob", "cyd", "dee"},
    ),
    (
        {"type": "event", "event_type": "product.viewed", "count": {"op": "eq", "value": 1}},
        {"bob"},
    ),
    (
        {"type": "event", "event_type": "product.viewed", "count": {"op": "eq", "value": 0}},
        {"cyd", "dee"},
    ),
    (
        {"type": "event", "event_type": "product.viewed", "count": {"op": "ne", "value": 1}},
        {"ann", "cyd", "dee"},
    ),
    (
        {"type": "event", "event_type": "product.viewed", "count": {"op": "gt", "value": 2}},
        {"ann"},
    ),
    (
        {"type": "event", "event_type": "product.viewed", "count": {"op": "lte", "value": 1}},
        {"bob", "cyd", "dee"},
    ),
    (
        {
            "type": "event",
            "event_type": "product.viewed",
            "count": {"op": "gte", "value": 2},
            "window": {"last_days": 2},
        },
        {"ann"},  # viewed 1, 2 and 3 days ago: two in the last 2 days (the edge included)
    ),
    (
        {
            "type": "event",
            "event_type": "product.viewed",
            "window": {"last_days": 1},
            "where": [{"property": "product_id", "op": "eq", "value": "P2"}],
        },
        {"bob"},
    ),
    (
        {
            "type": "event",
            "event_type": "product.viewed",
            "where": [{"property": "product_id", "op": "ne", "value": "P2"}],
        },
        {"ann"},
    ),
    (
        {
            "type": "event",
            "event_type": "product.viewed",
            "where": [{"property": "product_id", "op": "in", "value": ["P2", "P7"]}],
        },
        {"bob"},
    ),
    (
        {
            "type": "event",
            "event_type": "order.placed",
            "where": [{"property": "product_ids", "op": "has", "value": "P2"}],
        },
        {"ann"},
    ),
    (
        {
            "type": "event",
            "event_type": "order.placed",
            "where": [{"property": "total", "op": "gt", "value": 100}],
        },
        {"ann"},  # a text amount ("120.50") compares as a number
    ),
    (
        {
            "type": "event",
            "event_type": "order.placed",
            "where": [{"property": "total", "op": "lte", "value": 80}],
        },
        {"cyd"},  # a JSON number too
    ),
    (
        {
            "type": "event",
            "event_type": "order.placed",
            "window": {"start": "2025-05-01", "end": "2025-05-31"},
        },
        {"cyd"},  # 400 days before 15 June 2026 is 11 May 2025
    ),
    # orders: cancelled ones never count; products, variants, categories, channel, windows
    ({"type": "order"}, {"ann", "cyd"}),
    ({"type": "order", "product_ids": ["P9"]}, set()),
    ({"type": "order", "product_ids": ["P1"], "window": {"last_days": 365}}, {"ann"}),
    ({"type": "order", "variant_ids": ["V2", "V3"]}, {"ann", "cyd"}),
    ({"type": "order", "category_ids": ["C2"]}, {"cyd"}),
    ({"type": "order", "channel": "eu"}, {"ann"}),
    ({"type": "order", "count": {"op": "gte", "value": 2}}, {"ann"}),
    ({"type": "order", "window": {"last_days": 30}}, {"ann"}),
    (
        {"type": "order", "window": {"last_days": 20}, "count": {"op": "eq", "value": 0}},
        {"bob", "cyd", "dee"},
    ),
    # email engagement: machine opens (privacy proxies) do not count
    ({"type": "email", "action": "opened"}, {"ann"}),
    ({"type": "email", "action": "opened", "window": {"last_days": 4}}, set()),
    ({"type": "email", "action": "clicked", "window": {"last_days": 30}}, {"cyd"}),
    ({"type": "email", "action": "bounced"}, set()),
]


@pytest.mark.parametrize(("root", "expected"), CASES)
def test_each_operator_selects_exactly(shop, root, expected):
    assert selected(shop, root) == expected


def test_not_is_the_exact_complement_of_every_case(shop):
    for root, expected in CASES:
        assert selected(shop, {"type": "not", "condition": root}) == ALL - expected, root


def test_nested_groups(shop):
    # given: "women aged 30-50 who did not buy P1 in the last year" or anyone lapsed
    root = {
        "type": "or",
        "conditions": [
            {
                "type": "and",
                "conditions": [
                    profile("gender", "eq", "female"),
                    {"type": "age", "op": "between", "value": [30, 50]},
                    {
                        "type": "not",
                        "condition": {
                            "type": "order",
                            "product_ids": ["P1"],
                            "window": {"last_days": 365},
                        },
                    },
                ],
            },
            profile("lifecycle_stage", "eq", "lapsed"),
        ],
    }

    # then: ann did buy P1 within the year; cyd is lapsed
    assert selected(shop, root) == {"cyd"}
    # and with P2 instead, ann qualifies
    root["conditions"][0]["conditions"][2]["condition"]["product_ids"] = ["P2"]
    assert selected(shop, root) == {"ann", "cyd"}


def test_windows_slide_with_time(shop):
    viewed_three_times_this_week = {
        "type": "event",
        "event_type": "product.viewed",
        "count": {"op": "gte", "value": 3},
        "window": {"last_days": 7},
    }
    assert selected(shop, viewed_three_times_this_week) == {"ann"}
    # five days on, the first view (3 days ago) is 8 days old
    later = datetime(2026, 6, 20, 12, 0, 1, tzinfo=UTC)
    assert selected(shop, viewed_three_times_this_week, now=later) == set()


def test_ages_change_on_the_birthday(shop):
    in_thirties_from_36 = {"type": "age", "op": "gte", "value": 36}
    assert selected(shop, in_thirties_from_36) == {"bob"}
    birthday = datetime(2026, 6, 20, 0, 0, tzinfo=UTC)
    assert selected(shop, in_thirties_from_36, now=birthday) == {"ann", "bob"}


def test_a_29_february_birthday_is_celebrated_on_the_28th_in_other_years(shop):
    today = {"type": "birthday", "within_days": 0}
    assert selected(shop, today, now=datetime(2027, 2, 28, 9, tzinfo=UTC)) == {"dee"}
    assert selected(shop, today, now=datetime(2028, 2, 28, 9, tzinfo=UTC)) == set()
    assert selected(shop, today, now=datetime(2028, 2, 29, 9, tzinfo=UTC)) == {"dee"}


def test_a_birthday_window_wraps_the_new_year(shop):
    assert selected(
        shop,
        {"type": "birthday", "within_days": 2},
        now=days_ago(0).replace(year=2026, month=12, day=30),
    ) == {"bob"}


def test_facts_say_what_can_change_membership():
    definition = definition_parse(
        {
            "root": {
                "type": "and",
                "conditions": [
                    {"type": "event", "event_type": "product.viewed"},
                    {"type": "email", "action": "opened", "window": {"last_days": 30}},
                    {"type": "segment", "segment_id": 7},
                    profile("gender", "eq", "x"),
                ],
            }
        }
    )
    facts = facts_of(definition)
    assert facts.facts == {
        "event:product.viewed",
        "event:email.opened",
        "segment:7",
        "profile",
    }
    assert facts.time_dependent is True
    assert (
        facts_of(definition_parse({"root": profile("gender", "eq", "x")})).time_dependent is False
    )
