"""A contact's predictions on its Dashboard profile: scores, inputs, fits, or why none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.predictions.models import ContactPrediction, ContactValuePrediction
from saleor_mautomation.predictions.services import Gate, predictions_refresh
from tests.contacts.factories import make_contact, make_order
from tests.graphql.test_contacts import ask, global_id

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
QUERY = """query Profile($id: ID!) { contact(id: $id) { predictions {
  status horizonDays frequency recencyDays ageDays probabilityActive expectedOrders12m
  expectedNextOrderAt computedAt
  values { currency orders averageOrderValue expectedOrders12m expectedOrderValue clv12m }
  fits { model currency status params logLikelihood customers repeatCustomers spanDays
         minCustomers minRepeatCustomers minSpanDays fittedAt } } } }"""


@pytest.fixture
def shop(standin_installation):
    """Six buyers over 300 days; ann bought three times in USD."""
    for n, days in enumerate((300, 250, 200, 150, 100, 50)):
        contact = make_contact(standin_installation, email=f"b{n}@example.com")
        make_order(contact, placed_at=NOW - timedelta(days=days), total_gross=Decimal("30"))
        if n % 2 == 0:
            make_order(
                contact, placed_at=NOW - timedelta(days=days / 2), total_gross=Decimal(50 + 25 * n)
            )
    ann = make_contact(standin_installation, email="ann@example.com")
    for days, total in ((280, "20"), (200, "40"), (60, "60")):
        make_order(ann, placed_at=NOW - timedelta(days=days), total_gross=Decimal(total))
    return standin_installation


def test_the_profile_shows_the_scores_with_their_inputs_and_fits(client, shop):
    # given
    predictions_refresh(
        installation_id=shop.pk,
        now=NOW,
        gate=Gate(min_customers=5, min_repeat_customers=3, min_span_days=200),
    )
    ann = ContactPrediction.objects.get(contact__email="ann@example.com")
    value = ContactValuePrediction.objects.get(contact__email="ann@example.com")
    assert ann.expected_next_order_at is not None

    # when
    body = ask(client, shop, QUERY, id=global_id(ann.contact))

    # then
    assert "errors" not in body, body
    predictions = body["data"]["contact"]["predictions"]
    assert {k: v for k, v in predictions.items() if k not in {"fits", "values"}} == {
        "status": "FITTED",
        "horizonDays": 365.0,
        "frequency": 2,
        "recencyDays": 220.0,
        "ageDays": 280.0,
        "probabilityActive": ann.probability_active,
        "expectedOrders12m": ann.expected_orders_12m,
        "expectedNextOrderAt": ann.expected_next_order_at.isoformat(),
        "computedAt": NOW.isoformat(),
    }
    assert predictions["values"] == [
        {
            "currency": "USD",
            "orders": 3,
            "averageOrderValue": "40.0000",
            "expectedOrders12m": ann.expected_orders_12m,
            "expectedOrderValue": str(value.expected_order_value),
            "clv12m": str(value.clv_12m),
        }
    ]
    assert [(f["model"], f["currency"], f["status"]) for f in predictions["fits"]] == [
        ("bgnbd", "", "FITTED"),
        ("gamma_gamma", "USD", "FITTED"),
    ]
    bgnbd = predictions["fits"][0]
    assert sorted(bgnbd["params"]) == ["a", "alpha", "b", "r"]
    assert (bgnbd["customers"], bgnbd["repeatCustomers"], bgnbd["spanDays"]) == (7, 4, 300.0)


def test_below_the_gate_the_profile_says_not_enough_data_with_the_counts(client, shop):
    # given: the shop's own gate
    predictions_refresh(installation_id=shop.pk, now=NOW)
    ann = make_contact(shop, email="new@example.com")

    # when
    body = ask(client, shop, QUERY, id=global_id(ann))

    # then: no score, and how far the shop is from one
    predictions = body["data"]["contact"]["predictions"]
    assert (predictions["status"], predictions["probabilityActive"], predictions["values"]) == (
        "NOT_ENOUGH_DATA",
        None,
        [],
    )
    [fit] = predictions["fits"]
    assert {k: fit[k] for k in ("customers", "repeatCustomers", "spanDays", "params")} == {
        "customers": 7,
        "repeatCustomers": 4,
        "spanDays": 300.0,
        "params": {},
    }
    assert (fit["minCustomers"], fit["minRepeatCustomers"], fit["minSpanDays"]) == (500, 100, 180.0)


def test_before_the_first_nightly_run_nothing_is_computed(client, shop):
    contact = make_contact(shop, email="x@example.com")

    body = ask(client, shop, QUERY, id=global_id(contact))

    assert body["data"]["contact"]["predictions"]["status"] == "NOT_COMPUTED"
    assert body["data"]["contact"]["predictions"]["fits"] == []
