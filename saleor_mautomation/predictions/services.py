"""The nightly predictions of an installation: fit, gate, score, write.

``predictions_refresh`` reads the inputs by SQL aggregates (``inputs.py``), fits BG/NBD on every
buyer and Gamma-Gamma per currency on its repeat buyers when there is enough data (``Gate``),
scores every buyer in bulk (``engine.py``), replaces the installation's prediction rows in
chunked multi-row upserts, and marks for the write-back to Saleor the customers whose written
values changed. Below the gate nothing is scored: the fit row says why, with the counts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Q

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.writeback import (
    DEBOUNCE,
    predicted_items,
    predicted_value_item,
)
from saleor_mautomation.predictions import engine
from saleor_mautomation.predictions.inputs import (
    DAY,
    Buyers,
    Floats,
    Spenders,
    buyers_of,
    spenders_of,
)
from saleor_mautomation.predictions.models import (
    ContactPrediction,
    ContactValuePrediction,
    PredictionFit,
)
from saleor_mautomation.predictions.upserts import rows_upsert

logger = logging.getLogger(__name__)

HORIZON_DAYS = 365.0
# Below this probability of being active no next order is expected (the date is left empty).
NEXT_ORDER_MIN_ACTIVE = 0.5
WRITE_CHUNK = 50_000
# Contacts marked per UPDATE (one parameter each: PostgreSQL takes at most 65,535).
MARK_CHUNK = 20_000
CENT = Decimal("0.0001")


@dataclass(frozen=True)
class Gate:
    """Enough data to fit: buyers, repeat buyers (per currency for Gamma-Gamma) and days since
    the first order counted. Four parameters from a few dozen customers would be noise."""

    min_customers: int = 500
    min_repeat_customers: int = 100
    min_span_days: float = 180.0


@dataclass(frozen=True)
class Refreshed:
    status: str
    buyers: int = 0
    repeat_buyers: int = 0
    scored: int = 0
    valued: int = 0
    marked: int = 0
    currencies: dict[str, str] = field(default_factory=dict)


def _fit_save(
    *,
    installation_id: int,
    model: str,
    currency: str,
    now: datetime,
    customers: int,
    repeat: int,
    span: float,
    fitted: engine.Fitted[Any] | None,
) -> PredictionFit:
    values = {
        "status": PredictionFit.Status.FITTED if fitted else PredictionFit.Status.NOT_ENOUGH_DATA,
        "params": fitted.params.as_dict() if fitted else {},
        "log_likelihood": fitted.log_likelihood if fitted else None,
        "customers": customers,
        "repeat_customers": repeat,
        "span_days": round(span, 4),
        "fitted_at": now,
    }
    fit, _ = PredictionFit.objects.update_or_create(
        installation_id=installation_id, model=model, currency=currency, defaults=values
    )
    return fit


def _chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, WRITE_CHUNK):
        yield slice(start, min(start + WRITE_CHUNK, n))


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _money(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT)


@dataclass(frozen=True)
class Scores:
    probability_active: Floats
    expected_orders: Floats
    next_order_at: Floats  # seconds since the epoch; NaN: none expected


def _scores(params: engine.BgNbd, buyers: Buyers) -> Scores:
    x, t_x, T = buyers.x, buyers.t_x, buyers.T
    alive = engine.probability_alive(params, x, t_x, T)
    expected = engine.expected_orders(params, HORIZON_DAYS, x, t_x, T)
    next_at = buyers.last_order_at + engine.expected_gap(params, x, T) * DAY
    if not (np.all(np.isfinite(alive)) and np.all(np.isfinite(expected))):
        raise engine.FitFailed("the fitted model gives scores that are not finite")
    return Scores(alive, expected, np.where(alive >= NEXT_ORDER_MIN_ACTIVE, next_at, np.nan))


def _written(items: dict[str, str]) -> str:
    """The written values as one short text (a million of them stay small in memory)."""
    return "|".join(items.values())


def _old_predictions(installation_id: int) -> dict[int, str]:
    """What the write-back writes of each buyer's current predictions."""
    rows = ContactPrediction.objects.filter(installation_id=installation_id).values_list(
        "contact_id", "probability_active", "expected_orders_12m", "expected_next_order_at"
    )
    return {
        pk: _written(predicted_items(p, e, next_at))
        for pk, p, e, next_at in rows.iterator(chunk_size=20_000)
    }


def _old_values(installation_id: int) -> dict[tuple[int, str], str | None]:
    rows = ContactValuePrediction.objects.filter(installation_id=installation_id).values_list(
        "contact_id", "currency", "clv_12m"
    )
    return {
        (pk, currency): predicted_value_item(currency, clv)[1] if clv is not None else None
        for pk, currency, clv in rows.iterator(chunk_size=20_000)
    }


def _predictions_write(
    *, installation_id: int, buyers: Buyers, scores: Scores, now: datetime
) -> set[int]:
    """Upsert a row per buyer; returns the buyers whose written values changed."""
    old = _old_predictions(installation_id)
    changed: set[int] = set()
    vendor = connection.vendor
    for part in _chunks(len(buyers.contact_id)):
        ids = buyers.contact_id[part].tolist()
        active = scores.probability_active[part].tolist()
        orders = scores.expected_orders[part].tolist()
        next_at = [
            None if np.isnan(moment) else _moment(moment)
            for moment in scores.next_order_at[part].tolist()
        ]
        for pk, p, e, moment in zip(ids, active, orders, next_at, strict=True):
            if old.get(pk) != _written(predicted_items(p, e, moment)):
                changed.add(pk)
        rows_upsert(
            ContactPrediction,
            columns={
                "contact_id": ("bigint", ids),
                "frequency": ("integer", buyers.x[part].astype(np.int64).tolist()),
                "recency_days": ("float8", np.round(buyers.t_x[part], 6).tolist()),
                "age_days": ("float8", np.round(buyers.T[part], 6).tolist()),
                "probability_active": ("float8", active),
                "expected_orders_12m": ("float8", orders),
                "expected_next_order_at": ("timestamptz", next_at),
            },
            constants={"installation_id": installation_id, "computed_at": now},
            conflict=["contact_id"],
            vendor=vendor,
        )
    gone = ContactPrediction.objects.filter(installation_id=installation_id, computed_at__lt=now)
    changed.update(gone.values_list("contact_id", flat=True))
    gone.delete()
    return changed


def _values_write(
    *,
    installation_id: int,
    spenders: Spenders,
    buyers: Buyers,
    expected_orders: Floats,
    fits: dict[str, engine.GammaGamma],
    now: datetime,
) -> tuple[int, set[int]]:
    """Upsert a row per buyer and currency with an order worth more than 0; returns how many
    and the contacts whose written value changed."""
    old = _old_values(installation_id)
    # Each row's buyer (both are ordered by contact id; every spender is a buyer).
    at = np.searchsorted(buyers.contact_id, spenders.contact_id)
    share = spenders.orders / buyers.orders[at]
    expected = expected_orders[at] * share
    valued = spenders.valued.astype(np.float64)
    mean = np.array([float(t) for t in spenders.total]) / np.maximum(valued, 1)
    order_value = np.full(len(at), np.nan)
    for currency, params in fits.items():
        mine = (spenders.currency == currency) & (spenders.valued >= 2)
        order_value[mine] = engine.expected_order_value(params, valued[mine], mean[mine])
    changed: set[int] = set()
    written = 0
    vendor = connection.vendor
    for part in _chunks(len(at)):
        ids, currencies, valued_counts, averages, expected_orders_of, order_values, clvs = (
            [],
            [],
            [],
            [],
            [],
            [],
            [],
        )
        for pk, currency, n_valued, total, e, value in zip(
            spenders.contact_id[part].tolist(),
            spenders.currency[part].tolist(),
            spenders.valued[part].tolist(),
            spenders.total[part],
            expected[part].tolist(),
            order_value[part].tolist(),
            strict=True,
        ):
            if n_valued == 0:
                continue
            known = not np.isnan(value)
            clv = _money(value * e) if known else None
            if old.get((pk, currency), "absent") != (
                predicted_value_item(currency, clv)[1] if clv is not None else None
            ):
                changed.add(pk)
            ids.append(pk)
            currencies.append(currency)
            valued_counts.append(n_valued)
            averages.append((total / n_valued).quantize(CENT))
            expected_orders_of.append(e)
            order_values.append(_money(value) if known else None)
            clvs.append(clv)
        written += len(ids)
        rows_upsert(
            ContactValuePrediction,
            columns={
                "contact_id": ("bigint", ids),
                "currency": ("text", currencies),
                "orders": ("integer", valued_counts),
                "average_order_value": ("numeric", averages),
                "expected_orders_12m": ("float8", expected_orders_of),
                "expected_order_value": ("numeric", order_values),
                "clv_12m": ("numeric", clvs),
            },
            constants={"installation_id": installation_id, "computed_at": now},
            conflict=["contact_id", "currency"],
            vendor=vendor,
        )
    gone = ContactValuePrediction.objects.filter(
        installation_id=installation_id, computed_at__lt=now
    )
    changed.update(gone.values_list("contact_id", flat=True))
    gone.delete()
    return written, changed


def _mark_due(contact_ids: Sequence[int], *, now: datetime) -> int:
    """Mark changed Saleor customers for the write-back (its hash decides what is written)."""
    marked = 0
    ordered = sorted(contact_ids)
    for start in range(0, len(ordered), MARK_CHUNK):
        marked += (
            Contact.objects.filter(
                pk__in=ordered[start : start + MARK_CHUNK], writeback_due_at__isnull=True
            )
            .exclude(Q(saleor_user_id=None) | Q(saleor_user_id=""))
            .update(writeback_due_at=now + DEBOUNCE)
        )
    return marked


def _clear(installation_id: int) -> set[int]:
    """Below the gate: no scores at all (an earlier fit's would be stale)."""
    predicted = ContactPrediction.objects.filter(installation_id=installation_id)
    valued = ContactValuePrediction.objects.filter(installation_id=installation_id)
    ids = set(predicted.values_list("contact_id", flat=True))
    ids.update(valued.values_list("contact_id", flat=True))
    valued.delete()
    predicted.delete()
    return ids


def _gamma_gamma_fits(
    *, installation_id: int, spenders: Spenders, gate: Gate, now: datetime
) -> dict[str, engine.GammaGamma]:
    fits: dict[str, engine.GammaGamma] = {}
    totals = np.array([float(t) for t in spenders.total])
    for currency in sorted(set(spenders.currency.tolist())):
        mine = spenders.currency == currency
        valued = spenders.valued[mine]
        repeat = valued >= 2
        means = totals[mine][repeat] / valued[repeat]
        customers, repeat_customers = int(np.count_nonzero(valued)), int(repeat.sum())
        fitted = None
        if repeat_customers >= gate.min_repeat_customers:
            try:
                fitted = engine.gamma_gamma_fit(valued[repeat].astype(np.float64), means)
            except engine.FitFailed as exc:
                logger.warning(
                    "Gamma-Gamma of installation %s in %s not fitted: %s",
                    installation_id,
                    currency,
                    exc,
                )
        _fit_save(
            installation_id=installation_id,
            model=PredictionFit.Model.GAMMA_GAMMA,
            currency=currency,
            now=now,
            customers=customers,
            repeat=repeat_customers,
            span=0.0,
            fitted=fitted,
        )
        if fitted is not None:
            fits[currency] = fitted.params
    PredictionFit.objects.filter(
        installation_id=installation_id, model=PredictionFit.Model.GAMMA_GAMMA
    ).exclude(fitted_at=now).delete()
    return fits


def predictions_refresh(
    *, installation_id: int, now: datetime, gate: Gate | None = None
) -> Refreshed:
    """Fit, gate, score and write an installation's predictions as of ``now``."""
    gate = gate or Gate()
    buyers = buyers_of(installation_id, now=now)
    count = len(buyers.contact_id)
    repeat = int(np.count_nonzero(buyers.x > 0))
    span = buyers.span_days
    enough = (
        count >= gate.min_customers
        and repeat >= gate.min_repeat_customers
        and span >= gate.min_span_days
    )
    fitted: engine.Fitted[engine.BgNbd] | None = None
    scores: Scores | None = None
    if enough:
        try:
            fitted = engine.bgnbd_fit(buyers.x, buyers.t_x, buyers.T)
            scores = _scores(fitted.params, buyers)
        except engine.FitFailed as exc:
            fitted = None
            logger.warning("BG/NBD of installation %s not fitted: %s", installation_id, exc)
    valued, currencies = 0, dict[str, str]()
    with transaction.atomic():
        _fit_save(
            installation_id=installation_id,
            model=PredictionFit.Model.BGNBD,
            currency="",
            now=now,
            customers=count,
            repeat=repeat,
            span=span,
            fitted=fitted,
        )
        if fitted is None or scores is None:
            PredictionFit.objects.filter(
                installation_id=installation_id, model=PredictionFit.Model.GAMMA_GAMMA
            ).delete()
            changed = _clear(installation_id)
        else:
            changed = _predictions_write(
                installation_id=installation_id, buyers=buyers, scores=scores, now=now
            )
            spenders = spenders_of(installation_id, now=now)
            fits = _gamma_gamma_fits(
                installation_id=installation_id, spenders=spenders, gate=gate, now=now
            )
            valued, value_changed = _values_write(
                installation_id=installation_id,
                spenders=spenders,
                buyers=buyers,
                expected_orders=scores.expected_orders,
                fits=fits,
                now=now,
            )
            changed |= value_changed
            currencies = {
                currency: (
                    PredictionFit.Status.FITTED
                    if currency in fits
                    else PredictionFit.Status.NOT_ENOUGH_DATA
                )
                for currency in sorted(set(spenders.currency.tolist()))
            }
    # After the commit, a statement at a time: the contacts' rows are locked only briefly
    # (an order arriving meanwhile waits for one UPDATE, not for the whole night's work).
    marked = _mark_due(sorted(changed), now=now)
    if fitted is None or scores is None:
        return Refreshed(
            status=PredictionFit.Status.NOT_ENOUGH_DATA,
            buyers=count,
            repeat_buyers=repeat,
            marked=marked,
        )
    return Refreshed(
        status=PredictionFit.Status.FITTED,
        buyers=count,
        repeat_buyers=repeat,
        scored=count,
        valued=valued,
        marked=marked,
        currencies=currencies,
    )
