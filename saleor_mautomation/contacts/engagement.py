"""Engagement figures computed from a contact's orders and email events: pure functions,
explainable results."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


EMAIL_OPENED = "email.opened"
EMAIL_CLICKED = "email.clicked"
EMAIL_EVENT_TYPES = (EMAIL_OPENED, EMAIL_CLICKED)
# An event is in an N-day window while it is less than N days old: exactly N days old, it has left.
SHORT_WINDOW = timedelta(days=30)
LONG_WINDOW = timedelta(days=90)
SEND_HOUR_WINDOW = timedelta(days=180)
SEND_HOUR_MIN_INTERACTIONS = 3
SEND_HOUR_WEIGHTS = {EMAIL_OPENED: 1, EMAIL_CLICKED: 2}


@dataclass(frozen=True)
class EmailFact:
    """An open or click of one of the contact's emails.

    ``is_machine`` marks an open by a privacy proxy (Apple Mail Privacy Protection fetches
    every pixel) or a click by a link scanner: the message was handled, not read, so it never
    counts as engagement.
    """

    occurred_at: datetime
    type: str
    is_machine: bool = False


@dataclass(frozen=True)
class EmailEngagement:
    opens_30d: int = 0
    opens_90d: int = 0
    clicks_30d: int = 0
    clicks_90d: int = 0
    last_open_at: datetime | None = None
    last_click_at: datetime | None = None
    best_send_hour: int | None = None


def local_zone(time_zone: str) -> ZoneInfo:
    """The contact's zone, or UTC when it has none (or an unknown name)."""
    try:
        return ZoneInfo(time_zone) if time_zone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class HourTally:
    """The human opens and clicks of one local hour: their weight, how many, the latest."""

    weight: int
    interactions: int
    latest: datetime


def send_hour_tallies(
    facts: Iterable[EmailFact], *, time_zone: str, now: datetime
) -> dict[int, HourTally]:
    """Per local hour (0-23), the human opens and clicks of the last 180 days (a click
    weighs 2, an open 1): the evidence behind ``best_send_hour``, for showing it too."""
    zone = local_zone(time_zone)
    since = now - SEND_HOUR_WINDOW
    tallies: dict[int, HourTally] = {}
    for fact in facts:
        weight = SEND_HOUR_WEIGHTS.get(fact.type)
        if weight is None or fact.is_machine or fact.occurred_at <= since:
            continue
        hour = fact.occurred_at.astimezone(zone).hour
        tally = tallies.get(hour)
        tallies[hour] = (
            HourTally(weight, 1, fact.occurred_at)
            if tally is None
            else HourTally(
                tally.weight + weight, tally.interactions + 1, max(tally.latest, fact.occurred_at)
            )
        )
    return tallies


def best_send_hour(facts: Iterable[EmailFact], *, time_zone: str, now: datetime) -> int | None:
    """The local hour at which this contact opens and clicks most (a click counts double: it
    is a stronger sign of attention than an open); of tied hours, the one used most recently.

    ``None`` below three human interactions in 180 days: one or two opens say when a message
    happened to be looked at, not when this person reads mail, and a wrong hour is worse than
    the sender's default.
    """
    tallies = send_hour_tallies(facts, time_zone=time_zone, now=now)
    if sum(t.interactions for t in tallies.values()) < SEND_HOUR_MIN_INTERACTIONS:
        return None
    return max(tallies, key=lambda hour: (tallies[hour].weight, tallies[hour].latest))


def email_engagement_of(
    facts: Sequence[EmailFact], *, time_zone: str, now: datetime
) -> EmailEngagement:
    """Human opens and clicks in the last 30 and 90 days, the latest of each, and the best
    send hour (in ``time_zone``, the contact's IANA zone, or UTC when empty)."""
    human = [f for f in facts if not f.is_machine]
    opens = [f.occurred_at for f in human if f.type == EMAIL_OPENED]
    clicks = [f.occurred_at for f in human if f.type == EMAIL_CLICKED]

    def within(moments: list[datetime], window: timedelta) -> int:
        return sum(1 for moment in moments if moment > now - window)

    return EmailEngagement(
        opens_30d=within(opens, SHORT_WINDOW),
        opens_90d=within(opens, LONG_WINDOW),
        clicks_30d=within(clicks, SHORT_WINDOW),
        clicks_90d=within(clicks, LONG_WINDOW),
        last_open_at=max(opens, default=None),
        last_click_at=max(clicks, default=None),
        best_send_hour=best_send_hour(facts, time_zone=time_zone, now=now),
    )
