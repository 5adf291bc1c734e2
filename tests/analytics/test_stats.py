"""The statistics against scipy's: the two-proportion test is the chi-squared test of the 2x2
table without continuity correction (its statistic is z squared), intervals use the normal
quantile, revenue per recipient Welch's standard error."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sp  # type: ignore[import-untyped]  # no stubs; tests only

from saleor_mautomation.analytics import stats


@st.composite
def two_groups(draw):
    n1 = draw(st.integers(1, 5000))
    n0 = draw(st.integers(1, 5000))
    x1 = draw(st.integers(0, n1))
    x0 = draw(st.integers(0, n0))
    return x1, n1, x0, n0


@settings(max_examples=200, deadline=None)
@given(two_groups())
def test_the_two_proportion_test_matches_scipy(groups):
    x1, n1, x0, n0 = groups
    # given
    table = np.array([[x1, n1 - x1], [x0, n0 - x0]])

    # when
    result = stats.proportions_compare(x1, n1, x0, n0)

    # then
    assert result is not None
    p1, p0 = x1 / n1, x0 / n0
    if 0 < x1 + x0 < n1 + n0:
        expected = sp.chi2_contingency(table, correction=False).pvalue
        assert result.p_value == pytest.approx(expected, rel=1e-6, abs=1e-12)
    else:  # everyone or no one converted: nothing to tell apart
        assert result.p_value == 1.0
    margin = sp.norm.ppf(0.975) * np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    assert result.difference == pytest.approx(p1 - p0)
    assert result.low == pytest.approx(p1 - p0 - margin, abs=1e-12)
    assert result.high == pytest.approx(p1 - p0 + margin, abs=1e-12)


def test_revenue_per_recipient_interval_matches_welchs_standard_error():
    # given: per-recipient revenue, zero for those who did not buy
    treated = [0.0] * 180 + [40.0, 55.5, 80.0, 120.0] * 5
    held = [0.0] * 38 + [40.0, 60.0]

    # when
    result = stats.means_compare(
        Decimal(str(sum(treated))),
        Decimal(str(sum(v * v for v in treated))),
        len(treated),
        Decimal(str(sum(held))),
        Decimal(str(sum(v * v for v in held))),
        len(held),
    )

    # then
    a, b = np.array(treated), np.array(held)
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    difference = a.mean() - b.mean()
    assert result is not None
    assert result.low is not None
    assert result.high is not None
    assert float(result.difference) == pytest.approx(difference, abs=1e-4)
    assert float(result.low) == pytest.approx(difference - sp.norm.ppf(0.975) * se, abs=1e-4)
    assert float(result.high) == pytest.approx(difference + sp.norm.ppf(0.975) * se, abs=1e-4)
    welch = sp.ttest_ind(a, b, equal_var=False)
    # the same standard error as scipy's Welch test (its statistic is difference / se)
    assert welch.statistic == pytest.approx(difference / se)


def test_a_holdout_verdict_needs_enough_runs_and_an_interval_clear_of_zero():
    assert stats.holdout_verdict(50, 1000, 0, 0)[0] == "no_holdout"
    assert stats.holdout_verdict(3, 29, 1, 40)[0] == "too_few"
    assert stats.holdout_verdict(1, 400, 1, 40)[0] == "too_few"  # 2 conversions in all
    assert stats.holdout_verdict(120, 1000, 5, 100)[0] == "better"
    assert stats.holdout_verdict(50, 1000, 6, 100)[0] == "no_evidence"
    assert stats.holdout_verdict(20, 1000, 12, 100)[0] == "worse"


def test_ab_picks_a_winner_only_when_it_beats_the_control_at_the_corrected_level():
    # given: B converts 12% against A's 8%, with 1,000 each
    verdict, winner, compared = stats.ab_decide([stats.Arm(80, 1000), stats.Arm(120, 1000)])

    # then
    p = sp.chi2_contingency(np.array([[120, 880], [80, 920]]), correction=False).pvalue
    assert (verdict, winner) == ("winner", 1)
    assert compared[1] is not None
    assert compared[1].p_value == pytest.approx(p)

    # given: a third arm halves the level: p 0.035 against A no longer wins
    arms = [stats.Arm(100, 1000), stats.Arm(130, 1000), stats.Arm(100, 1000)]
    p_b = sp.chi2_contingency(np.array([[130, 870], [100, 900]]), correction=False).pvalue
    assert 0.025 < p_b < 0.05
    assert stats.ab_decide(arms)[:2] == ("no_winner_yet", None)
    assert stats.ab_decide(arms[:2])[:2] == ("winner", 1)

    # given: every variant significantly worse than the control: the control wins
    assert stats.ab_decide([stats.Arm(150, 1000), stats.Arm(80, 1000)])[:2] == ("winner", 0)

    # given: too few
    assert stats.ab_decide([stats.Arm(2, 20), stats.Arm(9, 20)])[:2] == ("too_few", None)
