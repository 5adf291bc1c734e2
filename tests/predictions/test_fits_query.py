"""The shop's fits for the segment rule builder (``predictionFits``): what a `prediction`
condition can match on, or how far the shop is from a fit; another shop's fits never shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from saleor_mautomation.predictions.models import PredictionFit
from saleor_mautomation.predictions.services import Gate, predictions_refresh
from tests.contacts.factories import make_contact, make_order, make_shop
from tests.graphql.test_contacts import ask

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
QUERY = """query RuleBuilderFits { predictionFits {
  model currency status customers repeatCustomers spanDays
  minCustomers minRepeatCustomers minSpanDays } }"""


def _buyers(installation, count):
    for n in range(count):
        contact = make_contact(installation, email=f"b{n}@example.com")
        make_order(contact, placed_at=NOW - timedelta(days=300 - 40 * n), total_gross=Decimal(30))
        if n % 2 == 0:
            make_order(contact, placed_at=NOW - timedelta(days=20 * n + 5), total_gross=Decimal(60))


def test_the_shop_s_fits_bgnbd_first_then_by_currency(client, standin_installation):
    # given: a fit under a small gate
    _buyers(standin_installation, 7)
    predictions_refresh(
        installation_id=standin_installation.pk,
        now=NOW,
        gate=Gate(min_customers=5, min_repeat_customers=3, min_span_days=200),
    )

    # when
    body = ask(client, standin_installation, QUERY)

    # then
    assert "errors" not in body, body
    assert body["data"]["predictionFits"] == [
        {
            "model": "bgnbd",
            "currency": "",
            "status": "FITTED",
            "customers": 7,
            "repeatCustomers": 4,
            "spanDays": 300.0,
            "minCustomers": 500,
            "minRepeatCustomers": 100,
            "minSpanDays": 180.0,
        },
        {
            "model": "gamma_gamma",
            "currency": "USD",
            "status": "FITTED",
            "customers": 7,
            "repeatCustomers": 4,
            "spanDays": 0.0,
            "minCustomers": 0,
            "minRepeatCustomers": 100,
            "minSpanDays": 0.0,
        },
    ]


def test_below_the_gate_not_enough_data_with_the_counts(client, standin_installation):
    # given: the shop's own gate (500 buyers)
    _buyers(standin_installation, 3)
    predictions_refresh(installation_id=standin_installation.pk, now=NOW)

    # when
    body = ask(client, standin_installation, QUERY)

    # then
    assert body["data"]["predictionFits"] == [
        {
            "model": "bgnbd",
            "currency": "",
            "status": "NOT_ENOUGH_DATA",
            "customers": 3,
            "repeatCustomers": 2,
            "spanDays": 300.0,
            "minCustomers": 500,
            "minRepeatCustomers": 100,
            "minSpanDays": 180.0,
        }
    ]


def test_before_the_first_night_none_and_another_shop_s_never(client, standin_installation):
    # given: another shop with a fit
    other = make_shop("other")
    _buyers(other, 7)
    predictions_refresh(
        installation_id=other.pk,
        now=NOW,
        gate=Gate(min_customers=5, min_repeat_customers=3, min_span_days=200),
    )
    assert PredictionFit.objects.filter(installation=other).count() == 2

    # when
    body = ask(client, standin_installation, QUERY)

    # then
    assert body == {"data": {"predictionFits": []}}
