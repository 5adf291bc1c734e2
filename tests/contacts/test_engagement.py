from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.contacts.engagement import (
    OrderFact,
    Thresholds,
    engagement_of,
    lifecycle_stage,
    predict_next_order,
)
from saleor_mautomation.contacts.models import LifecycleStage

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def order(days_ago, total="10", currency="USD", status="UNFULFILLED", refunded="0", lines=()):
    return OrderFact(
        placed_at=NOW - timedelta(days=days_ago),
        status=status,
        currency=currency,
        total_gross=Decimal(total),
        total_refunded=Decimal(refunded),
        lines=list(lines),
    )


@pytest.mark.parametrize(
    ("orders", "last_days_ago", "subscribed", "expected"),
    [
        (0, None, False, LifecycleStage.PROSPECT),
        (0, None, True, LifecycleStage.SUBSCRIBER),
        (1, 10, False, LifecycleStage.FIRST_TIME_BUYER),
        (2, 10, False, LifecycleStage.REPEAT),
        (5, 10, False, LifecycleStage.VIP),
        (5, 179, False, LifecycleStage.VIP),
        (5, 180, False, LifecycleStage.LAPSING),
        (1, 364, True, LifecycleStage.LAPSING),
        (9, 365, True, LifecycleStage.LAPSED),
    ],
)
def test_lifecycle_stage(orders, last_days_ago, subscribed, expected):
    last = None if last_days_ago is None else NOW - timedelta(days=last_days_ago)

    stage = lifecycle_stage(
        orders_count=orders,
        last_order_at=last,
        subscribed=subscribed,
        now=NOW,
        thresholds=Thresholds(),
    )

    assert stage == expected


def test_thresholds_are_configurable():
    stage = lifecycle_stage(
        orders_count=3,
        last_order_at=NOW - timedelta(days=40),
        subscribed=False,
        now=NOW,
        thresholds=Thresholds(lapsing_after_days=30, vip_min_orders=3),
    )

    assert stage == LifecycleStage.LAPSING


def test_spend_is_kept_per_currency_net_of_refunds_and_cancellations():
    figures = engagement_of(
        [
            order(30, "100", "EUR", refunded="20"),
            order(20, "10", "USD"),
            order(10, "30", "USD"),
            order(5, "999", "USD", status="CANCELED"),
        ]
    )

    assert figures.orders_count == 3
    assert {c: (s.orders, s.total, s.average_order_value) for c, s in figures.spend.items()} == {
        "EUR": (1, Decimal("80"), Decimal("80.0000")),
        "USD": (2, Decimal("40"), Decimal("20.0000")),
    }
    assert figures.last_order_at == NOW - timedelta(days=10)


def test_prediction_is_the_median_gap_after_the_last_order_and_explains_itself():
    placed = [NOW - timedelta(days=d) for d in (100, 70, 50, 10)]

    predicted, basis = predict_next_order(placed)

    assert basis == {"orders": 4, "gaps_days": [30.0, 20.0, 40.0], "median_gap_days": 30.0}
    assert predicted == NOW + timedelta(days=20)


def test_no_prediction_from_one_order():
    predicted, basis = predict_next_order([NOW])

    assert predicted is None
    assert basis["orders"] == 1


def test_favourite_categories_rank_by_quantity():
    figures = engagement_of(
        [
            order(
                3,
                lines=[
                    {"category_name": "Tees", "quantity": 1},
                    {"category_name": "Juices", "quantity": 3},
                ],
            ),
            order(
                2,
                lines=[
                    {"category_name": "Tees", "quantity": 1},
                    {"category_name": None, "quantity": 9},
                ],
            ),
        ]
    )

    assert figures.favourite_categories == ["Juices", "Tees"]
