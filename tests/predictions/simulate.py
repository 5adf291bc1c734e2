"""Customers drawn from known BG/NBD and Gamma-Gamma parameters (numpy Generator, seeded)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saleor_mautomation.predictions.engine import BgNbd, GammaGamma


@dataclass(frozen=True)
class Customers:
    x: np.ndarray  # repeat orders
    t_x: np.ndarray  # days from the first to the last order
    T: np.ndarray  # days observed since the first order


def bgnbd_customers(
    params: BgNbd, n: int, rng: np.random.Generator, *, T_low: float, T_high: float
) -> Customers:
    """Each customer orders at rate lambda ~ Gamma(r, alpha) from its first order at 0, and
    after each repeat order drops out with probability p ~ Beta(a, b).

    Vectorised: the orders a Poisson process places in (0, T] number N ~ Poisson(lambda T); the
    customer drops out at its J-th repeat order, J ~ Geometric(p), so x = min(N, J); the x-th of
    N uniform arrival times over (0, T] is T x Beta(x, N - x + 1)."""
    rate = rng.gamma(params.r, 1 / params.alpha, n)
    drop = rng.beta(params.a, params.b, n)
    T = rng.uniform(T_low, T_high, n)
    arrivals = rng.poisson(rate * T)
    x = np.minimum(arrivals, rng.geometric(drop))
    repeat = x > 0
    t_x = np.zeros(n)
    t_x[repeat] = T[repeat] * rng.beta(x[repeat], arrivals[repeat] - x[repeat] + 1)
    return Customers(x.astype(np.float64), t_x, T)


def mean_values(params: GammaGamma, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The mean of x order values Gamma(p, nu), nu ~ Gamma(q, gamma) per customer: their sum is
    Gamma(p x, nu)."""
    nu = rng.gamma(params.q, 1 / params.gamma, len(x))
    return rng.gamma(params.p * x, 1 / nu) / x
