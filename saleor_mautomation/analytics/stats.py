"""The statistics of holdouts and A/B tests (pure; ``docs/adr/0019``).

Rates are compared with the two-proportion z-test (two-sided, the pooled rate in the test's
standard error, the unpooled one in the 95% interval of the difference); revenue per
recipient with Welch's interval for a difference of means. Several variants are each compared
with the control at a Bonferroni-corrected level, so a winner among k variants is declared at
5% overall. A comparison needs at least ``MIN_GROUP`` recipients per group and ``MIN_SUCCESSES``
successes in all (the normal approximation fails below that): "too few" before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist
from typing import Literal

ALPHA = 0.05
MIN_GROUP = 30
MIN_SUCCESSES = 5
_NORMAL = NormalDist()
Z95 = _NORMAL.inv_cdf(1 - ALPHA / 2)


@dataclass(frozen=True)
class Difference:
    """``rate - control rate``, its 95% interval, and the test's two-sided p-value."""

    difference: float
    low: float
    high: float
    p_value: float


def rate(successes: int, n: int) -> float:
    return successes / n if n else 0.0


def proportions_compare(
    successes: int, n: int, control_successes: int, control_n: int, *, alpha: float = ALPHA
) -> Difference | None:
    """Two-proportion z-test of ``successes / n`` against the control; None when a group is
    empty. The interval is at ``1 - alpha``."""
    if not n or not control_n:
        return None
    p1, p0 = successes / n, control_successes / control_n
    difference = p1 - p0
    pooled = (successes + control_successes) / (n + control_n)
    se_test = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / control_n))
    p_value = 1.0 if se_test == 0 else 2 * (1 - _NORMAL.cdf(abs(difference) / se_test))
    se = math.sqrt(p1 * (1 - p1) / n + p0 * (1 - p0) / control_n)
    z = _NORMAL.inv_cdf(1 - alpha / 2)
    return Difference(difference, difference - z * se, difference + z * se, p_value)


def enough(successes: Sequence[int], sizes: Sequence[int]) -> bool:
    return all(n >= MIN_GROUP for n in sizes) and sum(successes) >= MIN_SUCCESSES


@dataclass(frozen=True)
class MeanDifference:
    treated: Decimal
    control: Decimal
    difference: Decimal
    low: Decimal | None
    high: Decimal | None


def means_compare(
    total: Decimal,
    total_sq: Decimal,
    n: int,
    control_total: Decimal,
    control_total_sq: Decimal,
    control_n: int,
) -> MeanDifference | None:
    """Mean per recipient of each group (sums and sums of squares of per-recipient values;
    recipients with nothing count as 0) and Welch's 95% interval of the difference (None
    with fewer than two recipients in a group)."""
    if not n or not control_n:
        return None
    mean1, mean0 = total / n, control_total / control_n
    difference = mean1 - mean0
    if n < 2 or control_n < 2:
        return MeanDifference(_cents(mean1), _cents(mean0), _cents(difference), None, None)
    var1 = (total_sq - total * total / n) / (n - 1)
    var0 = (control_total_sq - control_total * control_total / control_n) / (control_n - 1)
    se = math.sqrt(max(float(var1 / n + var0 / control_n), 0.0))
    margin = Decimal(str(Z95 * se))
    return MeanDifference(
        _cents(mean1),
        _cents(mean0),
        _cents(difference),
        _cents(difference - margin),
        _cents(difference + margin),
    )


def _cents(value: Decimal) -> Decimal:
    """Money as the app stores it: four decimal places."""
    return value.quantize(Decimal("0.0001"))


Verdict = Literal["no_holdout", "too_few", "no_evidence", "better", "worse"]


def holdout_verdict(
    treated_converted: int, treated_n: int, holdout_converted: int, holdout_n: int
) -> tuple[Verdict, Difference | None]:
    """Whether the journey's recipients convert more than its holdout."""
    if not holdout_n:
        return "no_holdout", proportions_compare(
            treated_converted, treated_n, holdout_converted, holdout_n
        )
    difference = proportions_compare(treated_converted, treated_n, holdout_converted, holdout_n)
    if difference is None or not enough(
        (treated_converted, holdout_converted), (treated_n, holdout_n)
    ):
        return "too_few", difference
    if difference.low > 0:
        return "better", difference
    if difference.high < 0:
        return "worse", difference
    return "no_evidence", difference


@dataclass(frozen=True)
class Arm:
    successes: int
    n: int


AbVerdict = Literal["winner", "no_winner_yet", "too_few"]


def ab_decide(arms: Sequence[Arm]) -> tuple[AbVerdict, int | None, list[Difference | None]]:
    """Each arm against the control (arm 0) at ALPHA / (k - 1); the winner is the arm with the
    best rate that beats every other arm it was compared with: a variant significantly
    better than the control (the best such one), or the control when every variant is
    significantly worse. Returns the verdict, the winner's index, and each arm's comparison
    with the control (None for the control)."""
    if len(arms) < 2:
        return "too_few", None, [None for _ in arms]
    control = arms[0]
    alpha = ALPHA / (len(arms) - 1)
    compared: list[Difference | None] = [None]
    compared += [
        proportions_compare(arm.successes, arm.n, control.successes, control.n, alpha=alpha)
        for arm in arms[1:]
    ]
    if not enough([a.successes for a in arms], [a.n for a in arms]):
        return "too_few", None, compared
    better = [
        i for i, c in enumerate(compared) if c is not None and c.p_value < alpha and c.low > 0
    ]
    if better:
        best = max(better, key=lambda i: rate(arms[i].successes, arms[i].n))
        return "winner", best, compared
    if all(c is not None and c.p_value < alpha and c.high < 0 for c in compared[1:]):
        return "winner", 0, compared
    return "no_winner_yet", None, compared
