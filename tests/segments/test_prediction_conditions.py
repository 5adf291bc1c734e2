"""Conditions on predicted values (predictions/), in every compiled shape (``selected``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.predictions.models import ContactPrediction, ContactValuePrediction
from saleor_mautomation.segments.compiler import facts_of
from saleor_mautomation.segments.definition import definition_parse
from saleor_mautomation.segments.errors import DefinitionInvalid
from tests.contacts.factories import make_shop
from tests.segments.factories import NOW, people, selected


def predicted(contact, active, orders, next_in_days, **values):
    ContactPrediction.objects.create(
        contact=contact,
        installation_id=contact.installation_id,
        frequency=2,
        recency_days=100.0,
        age_days=300.0,
        probability_active=active,
        expected_orders_12m=orders,
        expected_next_order_at=None if next_in_days is None else NOW + timedelta(next_in_days),
        computed_at=NOW,
    )
    for currency, clv in values.items():
        ContactValuePrediction.objects.create(
            contact=contact,
            installation_id=contact.installation_id,
            currency=currency,
            orders=2,
            average_order_value=Decimal("40"),
            expected_orders_12m=orders,
            expected_order_value=None if clv is None else Decimal("40"),
            clv_12m=None if clv is None else Decimal(clv),
            computed_at=NOW,
        )


@pytest.fixture
def shop(db):
    """ann likely active, ordering soon, worth 120 USD; cyd likely gone, overdue, a single
    order in EUR (no value there); bob and dee have no prediction (no orders)."""
    installation = make_shop("predicted")
    found = people(installation)
    predicted(found["ann"], 0.9, 2.5, 6, USD="120.5000")
    predicted(found["cyd"], 0.2, 0.3, None, USD="15.0000", EUR=None)
    other = make_shop("other")  # another shop's predictions never count
    for contact in people(other).values():
        predicted(contact, 0.9, 2.5, 6, USD="999")
    return installation


def prediction(metric, op, value, currency=None):
    node = {"type": "prediction", "metric": metric, "op": op, "value": value}
    return {**node, "currency": currency} if currency else node


CASES = [
    (prediction("probability_active", "gte", "0.5"), {"ann"}),
    (prediction("probability_active", "lt", "0.5"), {"cyd"}),
    (prediction("probability_active", "ne", "0.9"), {"cyd"}),
    (prediction("expected_orders", "gt", "1"), {"ann"}),
    (prediction("expected_orders", "lte", "1"), {"cyd"}),
    (prediction("clv", "gte", "100", "USD"), {"ann"}),
    (prediction("clv", "lt", "100", "USD"), {"cyd"}),
    (prediction("clv", "eq", "120.5", "USD"), {"ann"}),
    (prediction("clv", "gte", "0", "EUR"), set()),  # one order in EUR: no value predicted
    (prediction("next_order_days", "lte", "7"), {"ann"}),
    (prediction("next_order_days", "lte", "5"), set()),
    (prediction("next_order_days", "gt", "-30"), {"ann"}),
]


@pytest.mark.parametrize(("root", "expected"), CASES)
def test_each_prediction_condition_selects_exactly(shop, root, expected):
    assert selected(shop, root) == expected


@pytest.mark.parametrize(("root", "expected"), CASES)
def test_not_is_the_exact_complement(shop, root, expected):
    assert (
        selected(shop, {"type": "not", "condition": root})
        == {
            "ann",
            "bob",
            "cyd",
            "dee",
        }
        - expected
    )


def test_the_next_order_window_slides_with_time(shop):
    root = prediction("next_order_days", "lte", "2")

    assert selected(shop, root) == set()
    assert selected(shop, root, now=NOW + timedelta(days=4)) == {"ann"}


def test_prediction_conditions_change_with_time_not_with_events():
    definition = definition_parse(
        {"version": 1, "root": prediction("probability_active", "gte", "0.5")}
    )

    facts = facts_of(definition)

    assert (facts.facts, facts.time_dependent) == (frozenset(), True)


@pytest.mark.parametrize(
    ("node", "field", "message"),
    [
        (prediction("clv", "gte", "10"), "currency", "'clv' takes a currency"),
        (prediction("expected_orders", "gte", "1", "USD"), "currency", "the other metrics none"),
        (prediction("probability_active", "gt", "1.5"), "value", "from 0 to 1"),
        (prediction("clv", "gte", "-1", "USD"), "value", "never negative"),
        (prediction("next_order_days", "eq", "7"), "op", "lt, lte, gt or gte"),
        (prediction("churn", "gte", "1"), "metric", "Input should be"),
    ],
)
def test_invalid_prediction_conditions_are_refused_at_their_field(node, field, message):
    with pytest.raises(DefinitionInvalid) as refused:
        definition_parse({"version": 1, "root": {"type": "and", "conditions": [node]}})

    [error] = refused.value.errors
    assert error.field == f"root.conditions.0.{field}"
    assert message in error.message
