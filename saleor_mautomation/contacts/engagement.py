"""Engagement figures computed from a contact's orders: pure functions, explainable results."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from saleor_mautomation.contacts.models import LifecycleStage

UNCOUNTED_STATUSES = frozenset({"CANCELED", "DRAFT", "EXPIRED"})


@dataclass(frozen=True)
class OrderFact:
    placed_at: datetime
    status: str
    currency: str
    total_gross: Decimal
    total_refunded: Decimal
    lines: Sequence[dict[str, Any]] = ()

    @property
    def counts(self) -> bool:
        return self.status not in UNCOUNTED_STATUSES

    @property
    def net_revenue(self) -> Decimal:
        return self.total_gross - self.total_refunded if self.counts else Decimal(0)


@dataclass(frozen=True)
class Spend:
    orders: int
    total: Decimal

    @property
    def average_order_value(self) -> Decimal:
        return (self.total / self.orders).quantize(Decimal("0.0001")) if self.orders else Decimal(0)


@dataclass(frozen=True)
class Thresholds:
    lapsing_after_days: int = 180
    lapsed_after_days: int = 365
    vip_min_orders: int = 5


@dataclass(frozen=True)
class Engagement:
    orders_count: int = 0
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    spend: dict[str, Spend] = field(default_factory=dict)
    favourite_categories: list[str] = field(default_factory=list)
    predicted_next_order_at: datetime | None = None
    prediction_basis: dict[str, Any] = field(default_factory=dict)


def spend_by_currency(orders: Iterable[OrderFact]) -> dict[str, Spend]:
    totals: dict[str, tuple[int, Decimal]] = {}
    for order in orders:
        if not order.counts:
            continue
        count, total = totals.get(order.currency, (0, Decimal(0)))
        totals[order.currency] = (count + 1, total + order.net_revenue)
    return {currency: Spend(count, total) for currency, (count, total) in totals.items()}


def favourite_categories(orders: Iterable[OrderFact], top: int = 3) -> list[str]:
    """Categories ranked by quantity bought (ties: the one bought first wins)."""
    counter: Counter[str] = Counter()
    for order in orders:
        if not order.counts:
            continue
        for line in order.lines:
            name = line.get("category_name")
            if name:
                counter[name] += int(line.get("quantity") or 1)
    return [name for name, _ in counter.most_common(top)]


def predict_next_order(placed: Sequence[datetime]) -> tuple[datetime | None, dict[str, Any]]:
    """Last order plus the median gap between this contact's orders (needs two orders).

    The basis says how: the gaps in days, their median and the order count, so the dashboard
    can explain the date instead of showing a number from nowhere.
    """
    if len(placed) < 2:
        return None, {"orders": len(placed), "reason": "needs at least two orders"}
    ordered = sorted(placed)
    gaps = [(b - a).total_seconds() / 86400 for a, b in itertools.pairwise(ordered)]
    median = statistics.median(gaps)
    basis = {
        "orders": len(ordered),
        "gaps_days": [round(g, 1) for g in gaps],
        "median_gap_days": round(median, 1),
    }
    return ordered[-1] + timedelta(days=median), basis


def engagement_of(orders: Sequence[OrderFact]) -> Engagement:
    counted = sorted((o for o in orders if o.counts), key=lambda o: o.placed_at)
    if not counted:
        return Engagement()
    predicted, basis = predict_next_order([o.placed_at for o in counted])
    return Engagement(
        orders_count=len(counted),
        first_order_at=counted[0].placed_at,
        last_order_at=counted[-1].placed_at,
        spend=spend_by_currency(counted),
        favourite_categories=favourite_categories(counted),
        predicted_next_order_at=predicted,
        prediction_basis=basis,
    )


def lifecycle_stage(
    *,
    orders_count: int,
    last_order_at: datetime | None,
    subscribed: bool,
    now: datetime,
    thresholds: Thresholds,
) -> LifecycleStage:
    if orders_count == 0 or last_order_at is None:
        return LifecycleStage.SUBSCRIBER if subscribed else LifecycleStage.PROSPECT
    days = (now - last_order_at).total_seconds() / 86400
    if days >= thresholds.lapsed_after_days:
        return LifecycleStage.LAPSED
    if days >= thresholds.lapsing_after_days:
        return LifecycleStage.LAPSING
    if orders_count >= thresholds.vip_min_orders:
        return LifecycleStage.VIP
    if orders_count >= 2:
        return LifecycleStage.REPEAT
    return LifecycleStage.FIRST_TIME_BUYER
