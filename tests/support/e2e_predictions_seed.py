"""Predictions for the segment rule builder's browser test
(``dashboard_extension/e2e/segment-predictions.e2e.ts``).

Run by the stand-in Dashboard's ``/__e2e/seed/predictions`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_predictions_seed <stamp> <phase>`` with the app's environment:

- ``gate``: the nightly refresh (``predictions_refresh``) with the shop's own gate, as the night
  runs it: the browser tests' few buyers are below it, so BG/NBD is ``not_enough_data`` with the
  counts it looked at.
- ``fitted``: the shop as after a fitted night: BG/NBD and USD's Gamma-Gamma fitted, EUR's not
  (3 repeat buyers), and five people (``p<n>.<stamp>@predictions.test``) with the scores in
  ``PEOPLE``. The rows are written directly: a real fit needs 500 buyers (tests/predictions/
  fit them from simulated shops).

Prints one JSON line: the fits (model, currency, status, counts).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.support.seed_main import seed_main

# probability active, expected orders in 12 months, days to the next order (None: none
# expected), spend in USD over 12 months
PEOPLE = (
    (0.92, 4.1, 12, "310.00"),
    (0.75, 2.4, 25, "180.00"),
    (0.6, 1.2, 60, "95.50"),
    (0.3, 0.4, None, "20.00"),
    (0.08, 0.1, None, "4.00"),
)


def _gate(shop: int, now: datetime) -> None:
    from saleor_mautomation.predictions.services import predictions_refresh

    predictions_refresh(installation_id=shop, now=now)


def _fitted(shop: int, stamp: str, now: datetime) -> None:
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.predictions.models import (
        ContactPrediction,
        ContactValuePrediction,
        PredictionFit,
    )

    fits: tuple[tuple[str, str, str, dict[str, float], int, int, float], ...] = (
        ("bgnbd", "", "fitted", {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}, 812, 240, 400.0),
        ("gamma_gamma", "USD", "fitted", {"p": 6.2, "q": 3.7, "gamma": 15.4}, 700, 200, 0.0),
        ("gamma_gamma", "EUR", "not_enough_data", {}, 112, 3, 0.0),
    )
    for model, currency, status, params, customers, repeat, span in fits:
        PredictionFit.objects.update_or_create(
            installation_id=shop,
            model=model,
            currency=currency,
            defaults={
                "status": status,
                "params": params,
                "customers": customers,
                "repeat_customers": repeat,
                "span_days": span,
                "fitted_at": now,
            },
        )
    for n, (active, orders, next_days, clv) in enumerate(PEOPLE):
        contact = Contact.objects.create(
            installation_id=shop,
            email=f"p{n}.{stamp}@predictions.test",
            first_name="Predicted",
            last_name=f"{n} {stamp}",
        )
        ContactPrediction.objects.create(
            contact=contact,
            installation_id=shop,
            frequency=3,
            recency_days=200.0,
            age_days=300.0,
            probability_active=active,
            expected_orders_12m=orders,
            expected_next_order_at=None if next_days is None else now + timedelta(days=next_days),
            computed_at=now,
        )
        ContactValuePrediction.objects.create(
            contact=contact,
            installation_id=shop,
            currency="USD",
            orders=4,
            average_order_value=Decimal("40"),
            expected_orders_12m=orders,
            expected_order_value=Decimal("42"),
            clv_12m=Decimal(clv),
            computed_at=now,
        )


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from saleor_mautomation.predictions.models import PredictionFit
    from saleor_mautomation.saleor.models import Installation

    shop = Installation.objects.get().pk
    phase = sys.argv[2]
    if phase == "gate":
        _gate(shop, now)
    elif phase == "fitted":
        _fitted(shop, stamp, now)
    else:
        raise SystemExit(f"unknown phase {phase!r}: gate or fitted")
    return {
        "fits": [
            {
                "model": fit.model,
                "currency": fit.currency,
                "status": fit.status,
                "customers": fit.customers,
                "repeatCustomers": fit.repeat_customers,
                "spanDays": fit.span_days,
            }
            for fit in PredictionFit.objects.filter(installation_id=shop).order_by(
                "model", "currency"
            )
        ]
    }


def main() -> None:
    seed_main(seed)


if __name__ == "__main__":
    main()
