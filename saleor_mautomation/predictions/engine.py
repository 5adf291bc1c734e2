"""BG/NBD and Gamma-Gamma: closed-form log-likelihoods, maximum-likelihood fits, scores.

Pure functions over numpy arrays, one element per customer (no database here):

- BG/NBD (Fader, Hardie and Lee, "Counting your customers the easy way", 2005): while active a
  customer orders at a Poisson rate lambda ~ Gamma(r, alpha) and after each order drops out
  with probability p ~ Beta(a, b). Inputs per customer: ``x`` repeat orders, ``t_x`` the time of
  the last order and ``T`` the time observed, both from the first order (days here).
- Gamma-Gamma (Fader, Hardie and Lee, "RFM and CLV", 2005): order values are Gamma(p, nu) with
  nu ~ Gamma(q, gamma) per customer, independent of the order process. Inputs: ``x`` orders and
  their mean value ``m``; fitted on repeat buyers only.

Fits minimise the negative log-likelihood in log-parameter space (every parameter is positive)
with scipy's L-BFGS-B; a fit that does not converge is reported, never used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
from scipy import optimize, special  # type: ignore[import-untyped]  # no stubs

Array = npt.NDArray[np.float64]
P = TypeVar("P")

# Log-parameters stay within e**-20 .. e**20: far beyond any shop, finite for the optimiser.
LOG_BOUND = 20.0
# At a = 1 the expected-orders formula is 0/0 (its limit is finite, the function smooth in a):
# within this distance of 1 it is interpolated between the two sides.
A_NEAR_ONE = 1e-3
QUADRATURE_NODES = 64


class FitFailed(Exception):
    """The optimiser did not converge (the message says why)."""


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @property
    def population_mean(self) -> float:
        """The mean order value of the population (finite for q > 1)."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


@dataclass(frozen=True)
class Fitted(Generic[P]):
    params: P
    log_likelihood: float


def bgnbd_log_likelihood(params: BgNbd, x: Array, t_x: Array, T: Array) -> Array:
    """Each customer's log-likelihood of (x, t_x, T)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    # For x = 0 the second term is absent; betaln(a + 1, b - 1) would be undefined for b < 1.
    a3 = np.where(
        repeat,
        special.betaln(a + 1, np.where(repeat, b + x - 1, b))
        - special.betaln(a, b)
        - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return np.asarray(a1 + np.logaddexp(a2, a3), dtype=np.float64)


def gamma_gamma_log_likelihood(params: GammaGamma, x: Array, m: Array) -> Array:
    """Each repeat buyer's log-likelihood of its mean order value ``m`` over ``x`` orders."""
    p, q, g = params.p, params.q, params.gamma
    px = p * x
    return np.asarray(
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(g)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(g + m * x),
        dtype=np.float64,
    )


def _minimise(
    negative: Callable[[Array], float], start: Array, weights_total: float
) -> tuple[Array, float]:
    """Minimise ``negative`` (mean negative log-likelihood of log-parameters) from ``start``."""
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    result = optimize.minimize(negative, start, method="L-BFGS-B", bounds=bounds)
    if not result.success or not np.all(np.isfinite(result.x)):
        raise FitFailed(str(result.message))
    if np.any(np.abs(result.x) >= LOG_BOUND - 1e-6):
        raise FitFailed("a parameter ran to its bound: the data do not identify the model")
    return np.asarray(result.x, dtype=np.float64), -float(result.fun) * weights_total


def bgnbd_fit(x: Array, t_x: Array, T: Array) -> Fitted[BgNbd]:
    """Maximum-likelihood BG/NBD parameters for the customers (x, t_x, T). Without a single
    repeat order the drop-out is not identified at all: refused rather than fitted."""
    if not np.any(x > 0):
        raise FitFailed("no repeat orders: the drop-out cannot be estimated")
    scale = float(np.mean(T)) or 1.0

    def negative(log_params: Array) -> float:
        r, alpha, a, b = np.exp(log_params)
        ll = bgnbd_log_likelihood(BgNbd(r, alpha, a, b), x, t_x, T)
        return -float(np.mean(ll))

    # Start where most shops are: a slow, heterogeneous rate and few drop-outs per order.
    start = np.log(np.array([1.0, scale, 1.0, 1.0]))
    log_params, log_likelihood = _minimise(negative, start, float(len(x)))
    r, alpha, a, b = (float(v) for v in np.exp(log_params))
    return Fitted(BgNbd(r, alpha, a, b), log_likelihood)


def gamma_gamma_fit(x: Array, m: Array) -> Fitted[GammaGamma]:
    """Maximum-likelihood Gamma-Gamma parameters for repeat buyers (x >= 1, m > 0)."""
    scale = float(np.mean(m)) or 1.0

    def negative(log_params: Array) -> float:
        p, q, g = np.exp(log_params)
        return -float(np.mean(gamma_gamma_log_likelihood(GammaGamma(p, q, g), x, m)))

    start = np.log(np.array([1.0, 2.0, scale]))
    log_params, log_likelihood = _minimise(negative, start, float(len(x)))
    p, q, g = (float(v) for v in np.exp(log_params))
    return Fitted(GammaGamma(p, q, g), log_likelihood)


def probability_alive(params: BgNbd, x: Array, t_x: Array, T: Array) -> Array:
    """P(still active at T | x, t_x, T); 1 for a customer without a repeat order (BG/NBD's
    drop-out happens at an order, so one who never reordered has not dropped out)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    log_ratio = (
        np.log(a)
        - np.log(np.where(repeat, b + x - 1, 1.0))
        + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    )
    return np.asarray(np.where(repeat, special.expit(-log_ratio), 1.0), dtype=np.float64)


def _expected_orders(params: BgNbd, t: float, x: Array, t_x: Array, T: Array) -> Array:
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    bracket = 1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp
    return np.asarray(
        (a + b + x - 1) / (a - 1) * bracket * probability_alive(params, x, t_x, T),
        dtype=np.float64,
    )


def _expected_orders_closed(params: BgNbd, t: float, x: Array, t_x: Array, T: Array) -> Array:
    if abs(params.a - 1) >= A_NEAR_ONE:
        return _expected_orders(params, t, x, t_x, T)
    below = _expected_orders(BgNbd(params.r, params.alpha, 1 - A_NEAR_ONE, params.b), t, x, t_x, T)
    above = _expected_orders(BgNbd(params.r, params.alpha, 1 + A_NEAR_ONE, params.b), t, x, t_x, T)
    share = (params.a - (1 - A_NEAR_ONE)) / (2 * A_NEAR_ONE)
    return np.asarray(below + share * (above - below), dtype=np.float64)


def expected_orders_quadrature(
    params: BgNbd, t: float, x: Array, t_x: Array, T: Array, nodes: int = QUADRATURE_NODES
) -> Array:
    """The same expectation as an integral: P(active) times the orders an active customer
    places in t, (1 - ((alpha + T) / (alpha + T + p t)) ** (r + x)) / p once the rate is
    integrated out, over p ~ Beta(a, b + x) (Gauss-Jacobi nodes, one set per distinct x).

    Where the hypergeometric function of the closed form overflows (a fit whose rate
    heterogeneity vanished: r and alpha in the tens of thousands and beyond) this stays finite.
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    result = np.empty(len(x), dtype=np.float64)
    for repeat in np.unique(x):
        mine = x == repeat
        roots, weights = special.roots_jacobi(nodes, b + repeat - 1, a - 1)
        p = (1 + roots) / 2
        norm = 2 ** (a + b + repeat - 1) * np.exp(special.betaln(a, b + repeat))
        scale = (alpha + T[mine])[:, None]
        # (scale / (scale + p t)) ** (r + x), in logs: r + x may be huge.
        kept = np.exp(-(r + repeat) * np.log1p(p[None, :] * t / scale))
        active = (1 - kept) / p[None, :]
        result[mine] = active @ weights / norm
    return np.asarray(result * probability_alive(params, x, t_x, T), dtype=np.float64)


def expected_orders(params: BgNbd, t: float, x: Array, t_x: Array, T: Array) -> Array:
    """E[orders in (T, T + t] | x, t_x, T] (FHL 2005, eq. 10); by quadrature for the
    customers whose closed form is not finite."""
    closed = _expected_orders_closed(params, t, x, t_x, T)
    bad = ~np.isfinite(closed)
    if np.any(bad):
        closed[bad] = expected_orders_quadrature(params, t, x[bad], t_x[bad], T[bad])
    return closed


def expected_gap(params: BgNbd, x: Array, T: Array) -> Array:
    """Days between two orders at the customer's expected order rate while active: the
    posterior mean rate is (r + x) / (alpha + T)."""
    return np.asarray((params.alpha + T) / (params.r + x), dtype=np.float64)


def expected_order_value(params: GammaGamma, x: Array, m: Array) -> Array:
    """E[order value | x orders of mean m]: between the population's mean and the customer's
    own, weighted by how many orders the customer has (FHL 2005, eq. 5)."""
    p, q, g = params.p, params.q, params.gamma
    return np.asarray((g + m * x) * p / (p * x + q - 1), dtype=np.float64)
