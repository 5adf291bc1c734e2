"""The nightly predictions: the inputs each buyer's orders give, the rows written from the fit,
the gate, the write-back marks, the task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
import time_machine

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.writeback import DEBOUNCE
from saleor_mautomation.predictions import engine
from saleor_mautomation.predictions.models import (
    ContactPrediction,
    ContactValuePrediction,
    PredictionFit,
)
from saleor_mautomation.predictions.services import Gate, predictions_refresh
from saleor_mautomation.predictions.tasks import predictions_refresh_task
from tests.contacts.factories import make_contact, make_order, make_shop

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TINY = Gate(min_customers=5, min_repeat_customers=3, min_span_days=300)
EXPECTED_INPUTS = {
    # email: (frequency, recency, age) in days
    "ann@example.com": (2, 100.0, 400.0),
    "bob@example.com": (1, 60.0, 300.0),
    "cyd@example.com": (0, 0.0, 100.0),
    "dee@example.com": (1, 200.0, 380.0),
    "gus@example.com": (1, 50.0, 200.0),
}


def days_ago(days: float, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days) + timedelta(hours=hours)


def order(contact, days, total, **fields):
    return make_order(contact, placed_at=days_ago(days), total_gross=Decimal(total), **fields)


@pytest.fixture
def shop(db):
    return make_shop("predicted")


@pytest.fixture
def buyers(shop):
    """Five buyers (one guest's order, a cancelled one, a future one and another shop's are
    not theirs or do not count)."""
    ann = make_contact(shop, email="ann@example.com", saleor_user_id="VXNlcjox")
    for days, total in ((400, "50"), (340, "70"), (300, "30")):
        order(ann, days, total)
    bob = make_contact(shop, email="bob@example.com", saleor_user_id="VXNlcjoy")
    order(bob, 300, "20")
    order(bob, 240, "40", currency="EUR")
    cyd = make_contact(shop, email="cyd@example.com")
    order(cyd, 100, "25", total_refunded=Decimal("25"))  # worth nothing after the refund
    order(cyd, 50, "80", status="CANCELED")
    dee = make_contact(shop, email="dee@example.com")
    order(dee, 380, "10")
    make_order(dee, placed_at=days_ago(380, hours=5), total_gross=Decimal("30"))  # same day
    order(dee, 180, "20")
    gus = make_contact(shop, email="gus@example.com")
    order(gus, 200, "100")
    order(gus, 150, "120")
    order(gus, -3, "999")  # placed after now: not yet
    other = make_contact(make_shop("other"), email="ann@example.com")
    order(other, 500, "10")
    return {c.email: c for c in (ann, bob, cyd, dee, gus)}


def _arrays(rows):
    return (
        np.array([float(r.frequency) for r in rows]),
        np.array([r.recency_days for r in rows]),
        np.array([r.age_days for r in rows]),
    )


def test_the_nightly_run_writes_each_buyers_inputs_and_scores(shop, buyers):
    # when
    refreshed = predictions_refresh(installation_id=shop.pk, now=NOW, gate=TINY)

    # then: the fit and the counts the gate read
    fit = PredictionFit.objects.get(installation=shop, model="bgnbd")
    assert (fit.status, fit.customers, fit.repeat_customers, fit.span_days) == (
        "fitted",
        5,
        4,
        400.0,
    )
    assert fit.fitted_at == NOW
    assert set(fit.params) == {"r", "alpha", "a", "b"}
    params = engine.BgNbd(**fit.params)
    # the inputs, exactly
    rows = sorted(ContactPrediction.objects.filter(installation=shop), key=lambda r: r.pk)
    by_email = {r.contact.email: r for r in rows}
    assert {
        email: (r.frequency, r.recency_days, r.age_days) for email, r in by_email.items()
    } == EXPECTED_INPUTS
    # the scores: the model's at the stored parameters
    x, t_x, T = _arrays(rows)
    assert [r.probability_active for r in rows] == pytest.approx(
        engine.probability_alive(params, x, t_x, T).tolist(), rel=1e-12
    )
    assert [r.expected_orders_12m for r in rows] == pytest.approx(
        engine.expected_orders(params, 365.0, x, t_x, T).tolist(), rel=1e-12
    )
    cyd = by_email["cyd@example.com"]
    assert cyd.probability_active == 1.0  # no repeat order: not dropped out (BG/NBD)
    assert cyd.expected_next_order_at == days_ago(100) + timedelta(
        days=(params.alpha + 100) / params.r
    )
    assert {r.computed_at for r in rows} == {NOW}
    assert (refreshed.status, refreshed.buyers, refreshed.scored) == ("fitted", 5, 5)


def test_values_are_per_currency_and_gamma_gamma_only_for_repeat_buyers(shop, buyers):
    # when
    refreshed = predictions_refresh(installation_id=shop.pk, now=NOW, gate=TINY)

    # then: USD has three repeat buyers (ann, dee, gus), EUR one buyer
    fits = {
        f.currency: (f.status, f.customers, f.repeat_customers)
        for f in PredictionFit.objects.filter(installation=shop, model="gamma_gamma")
    }
    assert fits == {"USD": ("fitted", 4, 3), "EUR": ("not_enough_data", 1, 0)}
    assert refreshed.currencies == {"EUR": "not_enough_data", "USD": "fitted"}
    values = {
        (v.contact.email, v.currency): v
        for v in ContactValuePrediction.objects.filter(installation=shop)
    }
    assert {key: (v.orders, v.average_order_value) for key, v in values.items()} == {
        ("ann@example.com", "USD"): (3, Decimal("50.0000")),
        ("bob@example.com", "USD"): (1, Decimal("20.0000")),
        ("bob@example.com", "EUR"): (1, Decimal("40.0000")),
        ("dee@example.com", "USD"): (3, Decimal("20.0000")),
        ("gus@example.com", "USD"): (2, Decimal("110.0000")),
    }  # cyd's only order was refunded: no value
    usd = engine.GammaGamma(**PredictionFit.objects.get(currency="USD").params)
    ann = values[("ann@example.com", "USD")]
    ann_orders = ContactPrediction.objects.get(contact__email="ann@example.com")
    value = float(engine.expected_order_value(usd, np.array([3.0]), np.array([50.0]))[0])
    assert ann.expected_orders_12m == ann_orders.expected_orders_12m
    assert ann.expected_order_value == Decimal(repr(value)).quantize(Decimal("0.0001"))
    assert ann.clv_12m == Decimal(repr(value * ann.expected_orders_12m)).quantize(Decimal("0.0001"))
    # bob's orders are shared between his currencies; one order is no repeat buyer's
    bob_orders = ContactPrediction.objects.get(contact__email="bob@example.com")
    for currency in ("USD", "EUR"):
        bob = values[("bob@example.com", currency)]
        assert bob.expected_orders_12m == pytest.approx(bob_orders.expected_orders_12m / 2)
        assert (bob.expected_order_value, bob.clv_12m) == (None, None)


def test_changed_customers_are_marked_for_the_write_back_once(shop, buyers):
    # when
    first = predictions_refresh(installation_id=shop.pk, now=NOW, gate=TINY)
    due = dict(ContactPrediction.objects.values_list("contact__email", "contact__writeback_due_at"))
    Contact.objects.update(writeback_due_at=None)  # written since
    again = predictions_refresh(installation_id=shop.pk, now=NOW + timedelta(seconds=1), gate=TINY)

    # then: the two Saleor customers, then nobody (their written values are the same)
    assert first.marked == 2
    assert due == {
        "ann@example.com": NOW + DEBOUNCE,
        "bob@example.com": NOW + DEBOUNCE,
        "cyd@example.com": None,
        "dee@example.com": None,
        "gus@example.com": None,
    }
    assert again.marked == 0


def test_below_the_gate_nothing_is_scored_and_the_fit_says_why(shop, buyers):
    # given: a fit from a night when the gate was met, written back since
    predictions_refresh(installation_id=shop.pk, now=NOW, gate=TINY)
    Contact.objects.update(writeback_due_at=None)

    # when: the shop's own gate (500 buyers, 100 repeat, 180 days)
    refreshed = predictions_refresh(installation_id=shop.pk, now=NOW + timedelta(days=1))

    # then
    fit = PredictionFit.objects.get(installation=shop)
    assert (fit.model, fit.status, fit.params, fit.log_likelihood) == (
        "bgnbd",
        "not_enough_data",
        {},
        None,
    )
    assert (fit.customers, fit.repeat_customers, fit.span_days) == (5, 4, 401.0)
    assert not ContactPrediction.objects.exists()
    assert not ContactValuePrediction.objects.exists()
    assert (refreshed.status, refreshed.scored, refreshed.marked) == ("not_enough_data", 0, 2)


def test_a_short_history_is_below_the_gate_however_many_buyers(shop, buyers):
    # when: every condition but the span is met
    predictions_refresh(
        installation_id=shop.pk,
        now=NOW,
        gate=Gate(min_customers=5, min_repeat_customers=3, min_span_days=401),
    )

    # then
    fit = PredictionFit.objects.get(installation=shop)
    assert (fit.status, fit.span_days) == ("not_enough_data", 400.0)


def test_the_task_refreshes_one_installation_at_now(shop, buyers):
    # when
    with time_machine.travel(NOW, tick=False):
        result = predictions_refresh_task(shop.pk)

    # then
    assert result == {
        "status": "not_enough_data",
        "buyers": 5,
        "repeat_buyers": 4,
        "scored": 0,
        "valued": 0,
        "marked": 0,
    }
    assert PredictionFit.objects.get(installation=shop).fitted_at == NOW


def test_the_task_for_a_shop_gone_since_does_nothing(db):
    assert predictions_refresh_task(987654) == {"status": "gone"}
    assert not PredictionFit.objects.exists()
