"""The models' closed forms against direct numeric evaluation, and parameter recovery from
customers simulated with known parameters (seeded, so every run draws the same customers)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special, stats  # type: ignore[import-untyped]  # no stubs

from saleor_mautomation.predictions import engine
from saleor_mautomation.predictions.engine import BgNbd, GammaGamma
from tests.predictions.simulate import bgnbd_customers, mean_values

PARAMS = BgNbd(r=0.5, alpha=40.0, a=0.8, b=2.5)
VALUES = GammaGamma(p=6.0, q=4.0, gamma=15.0)
# (x, t_x, T): no repeat order, a recent one, a long silence, many orders.
CASES = [(0, 0.0, 200.0), (1, 30.0, 200.0), (3, 40.0, 400.0), (8, 350.0, 365.0)]


def _individual(lam, p, x, t_x, T):
    """BG/NBD's likelihood for one customer of known rate and drop-out probability."""
    alive = (1 - p) ** x * lam**x * math.exp(-lam * T)
    dropped = p * (1 - p) ** (x - 1) * lam**x * math.exp(-lam * t_x) if x > 0 else 0.0
    return alive + dropped, alive


def _over_priors(function, params, epsrel=1e-11):
    """The integral of ``function(lam, p)`` over the Gamma(r, alpha) and Beta(a, b) priors:
    over p by 80-node Gauss-Jacobi quadrature for the Beta weight (exact for the polynomials in
    p of the likelihood), over lam by adaptive quadrature with the Gamma density's lam**(r - 1)
    as an algebraic weight (no absolute tolerance: the values are as small as e**-40)."""
    nodes, weights = special.roots_jacobi(80, params.b - 1, params.a - 1)
    beta = 2 ** (params.a + params.b - 1) * special.beta(params.a, params.b)
    gamma = params.alpha**params.r / special.gamma(params.r)
    upper = (params.r + 50) / params.alpha  # the Gamma density is below e**-40 beyond
    total = 0.0
    for node, weight in zip(nodes, weights, strict=True):
        p = (1 + node) / 2
        inner, _ = integrate.quad(
            lambda lam, p=p: function(lam, p) * gamma * math.exp(-params.alpha * lam),
            0,
            upper,
            weight="alg",
            wvar=(params.r - 1, 0),
            epsabs=0,
            epsrel=epsrel,
            limit=200,
        )
        total += weight * inner / beta
    return total


@pytest.mark.parametrize(("x", "t_x", "T"), CASES)
def test_bgnbd_log_likelihood_is_the_integral_over_the_priors(x, t_x, T):
    # when
    closed = engine.bgnbd_log_likelihood(PARAMS, np.array([x]), np.array([t_x]), np.array([T]))

    # then
    direct = _over_priors(lambda lam, p: _individual(lam, p, x, t_x, T)[0], PARAMS)
    assert closed[0] == pytest.approx(math.log(direct), abs=1e-6)


@pytest.mark.parametrize(("x", "t_x", "T"), CASES)
def test_probability_alive_is_bayes_rule_over_the_priors(x, t_x, T):
    # when
    closed = engine.probability_alive(PARAMS, np.array([x]), np.array([t_x]), np.array([T]))

    # then
    alive = _over_priors(lambda lam, p: _individual(lam, p, x, t_x, T)[1], PARAMS)
    total = _over_priors(lambda lam, p: _individual(lam, p, x, t_x, T)[0], PARAMS)
    assert closed[0] == pytest.approx(alive / total, abs=1e-7)


def _expected_by_integration(params, t, x, t_x, T):
    """P(alive) times the orders an active customer places in t: (1 - exp(-lam p t)) / p for
    rate lam ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x), the posterior given active."""
    alive = engine.probability_alive(params, np.array([x]), np.array([t_x]), np.array([T]))[0]
    posterior = BgNbd(params.r + x, params.alpha + T, params.a, params.b + x)
    orders = _over_priors(lambda lam, p: -math.expm1(-lam * p * t) / p, posterior, 1e-9)
    return alive * orders


@pytest.mark.parametrize("a", [0.8, 1.0, 1.0004, 2.5])
@pytest.mark.parametrize(("x", "t_x", "T"), CASES)
def test_expected_orders_is_the_integral_over_the_posterior(a, x, t_x, T):
    # given (a = 1 is the formula's removable singularity)
    params = BgNbd(PARAMS.r, PARAMS.alpha, a, PARAMS.b)

    # when
    closed = engine.expected_orders(params, 365.0, np.array([x]), np.array([t_x]), np.array([T]))

    # then
    assert closed[0] == pytest.approx(_expected_by_integration(params, 365.0, x, t_x, T), rel=2e-4)


@pytest.mark.parametrize(("x", "m"), [(1, 12.5), (2, 30.0), (7, 80.0)])
def test_gamma_gamma_log_likelihood_is_the_integral_over_nu(x, m):
    # when
    closed = engine.gamma_gamma_log_likelihood(VALUES, np.array([float(x)]), np.array([m]))

    # then: the sum of x values Gamma(p, nu) is Gamma(p x, nu); m is that sum over x
    density, _ = integrate.quad(
        lambda nu: (
            x
            * stats.gamma.pdf(m * x, VALUES.p * x, scale=1 / nu)
            * stats.gamma.pdf(nu, VALUES.q, scale=1 / VALUES.gamma)
        ),
        0,
        np.inf,
        epsabs=1e-14,
    )
    assert closed[0] == pytest.approx(math.log(density), abs=1e-6)


def test_expected_order_value_weighs_the_customer_against_the_population():
    # when
    values = engine.expected_order_value(VALUES, np.array([1.0, 10.0]), np.array([50.0, 50.0]))

    # then: population mean p gamma / (q - 1) = 30; weights (q - 1) : p x
    assert VALUES.population_mean == 30.0
    assert values.tolist() == pytest.approx([(3 * 30 + 6 * 50) / 9, (3 * 30 + 60 * 50) / 63])


def test_bgnbd_recovers_the_parameters_customers_were_drawn_from():
    # given: 20,000 customers observed for 180 to 720 days
    customers = bgnbd_customers(PARAMS, 20_000, np.random.default_rng(2026), T_low=180, T_high=720)

    # when
    fitted = engine.bgnbd_fit(customers.x, customers.t_x, customers.T)

    # then: each parameter within 10% of the truth
    for name, truth in PARAMS.as_dict().items():
        assert getattr(fitted.params, name) == pytest.approx(truth, rel=0.10), name
    assert fitted.log_likelihood == pytest.approx(
        float(
            engine.bgnbd_log_likelihood(
                fitted.params, customers.x, customers.t_x, customers.T
            ).sum()
        )
    )


def test_gamma_gamma_recovers_the_parameters_customers_were_drawn_from():
    # given: 20,000 repeat buyers of 1 to 10 orders
    rng = np.random.default_rng(2026)
    x = rng.integers(1, 11, 20_000).astype(np.float64)
    means = mean_values(VALUES, x, rng)

    # when
    fitted = engine.gamma_gamma_fit(x, means)

    # then: p, q and gamma within 20% (p and gamma trade off against each other), the
    # population's mean order value within 3%
    for name, truth in VALUES.as_dict().items():
        assert getattr(fitted.params, name) == pytest.approx(truth, rel=0.20), name
    assert fitted.params.population_mean == pytest.approx(VALUES.population_mean, rel=0.03)


def test_without_a_repeat_order_the_fit_is_refused_not_made_up():
    # given: nobody ever reordered (the drop-out probability is not identified)
    x = np.zeros(50)
    T = np.linspace(30, 400, 50)

    # when / then
    with pytest.raises(engine.FitFailed):
        engine.bgnbd_fit(x, np.zeros(50), T)


@pytest.mark.parametrize("params", [PARAMS, BgNbd(r=0.5, alpha=40.0, a=0.3, b=0.9)])
def test_the_quadrature_gives_the_closed_forms_expected_orders(params):
    x, t_x, T = (np.array(v, dtype=np.float64) for v in zip(*CASES, strict=True))

    assert engine.expected_orders_quadrature(params, 365.0, x, t_x, T).tolist() == pytest.approx(
        engine.expected_orders(params, 365.0, x, t_x, T).tolist(), rel=1e-9
    )


def test_where_the_closed_form_overflows_the_expectation_is_still_the_models():
    # given: a fit whose rate heterogeneity vanished (lambda all but fixed at r / alpha)
    params = BgNbd(r=81577.7, alpha=18686652.4, a=140.57, b=222.09)
    x, t_x, T = np.array([0.0, 2.0]), np.array([0.0, 220.0]), np.array([250.0, 280.0])
    assert not np.all(np.isfinite(engine._expected_orders(params, 365.0, x, t_x, T)))

    # when
    expected = engine.expected_orders(params, 365.0, x, t_x, T)

    # then: the fixed-rate limit, (1 - exp(-lam p t)) / p over p ~ Beta(a, b + x)
    alive = engine.probability_alive(params, x, t_x, T)
    for n in range(2):
        lam = (params.r + x[n]) / (params.alpha + T[n])
        drop = stats.beta(params.a, params.b + x[n])
        limit, _ = integrate.quad(
            lambda p, lam=lam, drop=drop: -math.expm1(-lam * p * 365.0) / p * drop.pdf(p), 0, 1
        )
        assert expected[n] == pytest.approx(alive[n] * limit, rel=1e-4)
