"""The models' inputs, read from the orders by SQL aggregates into numpy arrays.

Per buyer (BG/NBD): order days, first and last order; per buyer and currency (Gamma-Gamma): the
orders, and the count and sum of those worth more than 0 after refunds. Cancelled, draft and
expired orders do not count (as for the contact's own figures); orders placed after ``now`` are
left out, so a computation is repeatable for a given moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.db.models.functions import TruncDate

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts.engagement import UNCOUNTED_STATUSES

DAY = 86400.0
CHUNK = 20_000

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Buyers:
    """One element per buyer, ordered by contact id. Times in days; ``x`` counts the days with
    an order after the first one (two orders on one day are one purchase occasion, as in the
    models' own data), ``t_x`` is 0 without a repeat day."""

    contact_id: Ints
    x: Floats
    t_x: Floats
    T: Floats
    last_order_at: Floats  # seconds since the epoch
    orders: Ints

    @property
    def span_days(self) -> float:
        return float(self.T.max()) if len(self.T) else 0.0


@dataclass(frozen=True)
class Spenders:
    """One element per buyer and currency, ordered by contact id then currency."""

    contact_id: Ints
    currency: npt.NDArray[np.str_]
    orders: Ints  # every counted order in the currency
    valued: Ints  # those worth more than 0 after refunds
    total: list[Decimal]  # their net value


def _orders(installation_id: int, now: datetime) -> object:
    return (
        OrderRecord.objects.filter(
            installation_id=installation_id, contact__isnull=False, placed_at__lte=now
        )
        .exclude(status__in=UNCOUNTED_STATUSES)
        .order_by()
    )


def buyers_of(installation_id: int, *, now: datetime) -> Buyers:
    rows = (
        _orders(installation_id, now)
        .values("contact_id")  # type: ignore[attr-defined]
        .annotate(
            days=Count(TruncDate("placed_at", tzinfo=UTC), distinct=True),
            n=Count("pk"),
            first=Min("placed_at"),
            last=Max("placed_at"),
        )
        .order_by("contact_id")
        .values_list("contact_id", "days", "n", "first", "last")
    )
    ids: list[int] = []
    days: list[int] = []
    orders: list[int] = []
    first: list[float] = []
    last: list[float] = []
    for contact_id, n_days, n, first_at, last_at in rows.iterator(chunk_size=CHUNK):
        ids.append(contact_id)
        days.append(n_days)
        orders.append(n)
        first.append(first_at.timestamp())
        last.append(last_at.timestamp())
    first_s = np.asarray(first, dtype=np.float64)
    last_s = np.asarray(last, dtype=np.float64)
    x = np.asarray(days, dtype=np.float64) - 1
    return Buyers(
        contact_id=np.asarray(ids, dtype=np.int64),
        x=x,
        t_x=np.where(x > 0, (last_s - first_s) / DAY, 0.0),
        T=(now.timestamp() - first_s) / DAY,
        last_order_at=last_s,
        orders=np.asarray(orders, dtype=np.int64),
    )


def spenders_of(installation_id: int, *, now: datetime) -> Spenders:
    value = ExpressionWrapper(
        F("total_gross") - F("total_refunded"),
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    valued = Q(total_gross__gt=F("total_refunded"))
    rows = (
        _orders(installation_id, now)
        .values("contact_id", "currency")  # type: ignore[attr-defined]
        .annotate(n=Count("pk"), valued=Count("pk", filter=valued), total=Sum(value, filter=valued))
        .order_by("contact_id", "currency")
        .values_list("contact_id", "currency", "n", "valued", "total")
    )
    ids: list[int] = []
    currencies: list[str] = []
    counts: list[int] = []
    valued_counts: list[int] = []
    totals: list[Decimal] = []
    for contact_id, currency, n, n_valued, total in rows.iterator(chunk_size=CHUNK):
        ids.append(contact_id)
        currencies.append(currency)
        counts.append(n)
        valued_counts.append(n_valued)
        totals.append(total if total is not None else Decimal(0))
    return Spenders(
        contact_id=np.asarray(ids, dtype=np.int64),
        currency=np.asarray(currencies, dtype=np.str_),
        orders=np.asarray(counts, dtype=np.int64),
        valued=np.asarray(valued_counts, dtype=np.int64),
        total=totals,
    )
