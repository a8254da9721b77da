"""Causal EWMA estimators written as ``lax.scan`` (exact, differentiable, no FFT).

* :func:`ewma_gradient` - the price-gradient estimator: an EWMA ``pbar`` of the price, a running slope
  accumulator ``a`` and the gradient ``g = a / (b * pbar)`` (roughly ``(1/p) dp/dt`` per rule step).
* :func:`ewma_variance` - EWMA mean/variance of simple returns, for the min-variance rule.

Row ``j`` of every output belongs to observation ``j + 1`` of the input: the first observation only
initialises the state.

Example:
    >>> import numpy as np
    >>> p = np.array([[1.0], [1.1], [1.2]])
    >>> g = ewma_gradient(p, 0.5)
    >>> g.shape
    (2, 1)
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from alphalang.strategy.params import saturated_b

ZERO_A_THRESHOLD = 1e-10


class GradientState(NamedTuple):
    """Per-step readout of :func:`ewma_gradient_readout`: gradients, ewma and running_a (T-1 rows each)."""

    gradient: jax.Array
    ewma: jax.Array
    running_a: jax.Array


def ewma_gradient_readout(prices, lam, alt_lam=None) -> GradientState:
    """EWMA gradient estimator on ``prices`` (T, N) with decay ``lam`` (scalar or (N,)).

    Recursion for t = 1..T-1, starting from ``pbar = prices[0]``, ``a = 0``::

        pbar_t = lam*pbar + (1-lam)*P_t
        a_t    = lam*a + (P_t - pbar_t)/(1-lam)      (set to 0 when |a_t| < 1e-10)
        g_t    = a_t / (b * pbar_t),  b = lam/(1-lam)^3

    With ``alt_lam`` the denominator uses a second EWMA of the price with that decay.
    """
    prices = jnp.asarray(prices, dtype=jnp.float64)
    lam = jnp.asarray(lam, dtype=jnp.float64)
    g_inf = 1.0 / (1.0 - lam)
    b = saturated_b(lam)
    use_alt = alt_lam is not None
    alt = jnp.asarray(alt_lam if use_alt else lam, dtype=jnp.float64)

    def step(carry, price):
        ewma, running_a, alt_ewma = carry
        ewma = ewma + (price - ewma) / g_inf
        running_a = lam * running_a + g_inf * (price - ewma)
        running_a = jnp.where(jnp.abs(running_a) < ZERO_A_THRESHOLD, 0.0, running_a)
        if use_alt:
            alt_ewma = alt * alt_ewma + (1.0 - alt) * price
            denom = alt_ewma
        else:
            denom = ewma
        grad = running_a / (b * denom)
        return (ewma, running_a, alt_ewma), (grad, ewma, running_a)

    init = (prices[0], jnp.zeros_like(prices[0]), prices[0])
    _, (grad, ewma, running_a) = jax.lax.scan(step, init, prices[1:])
    return GradientState(grad, ewma, running_a)


def ewma_gradient(prices, lam, alt_lam=None):
    """Gradients only (T-1, N); see :func:`ewma_gradient_readout`."""
    return ewma_gradient_readout(prices, lam, alt_lam).gradient


def ewma_variance(prices, lam):
    """EWMA variance of simple returns of ``prices`` (T, N): returns (T-1, N).

    ``r_t = P_t/P_{t-1} - 1``; ``m_t = m + (r_t - m)(1-lam)``; ``v_t = lam*v + (r_t - m)(r_t - m_t)``;
    variance ``(1-lam)*v_t``.  The first row (no history) is set to 1 so it does not favour any asset.
    """
    prices = jnp.asarray(prices, dtype=jnp.float64)
    lam = jnp.asarray(lam, dtype=jnp.float64)
    returns = prices[1:] / prices[:-1] - 1.0

    def step(carry, r):
        mean, acc = carry
        new_mean = mean + (r - mean) * (1.0 - lam)
        acc = lam * acc + (r - mean) * (r - new_mean)
        return (new_mean, acc), (1.0 - lam) * acc

    init = (returns[0], jnp.zeros_like(returns[0]))
    _, var = jax.lax.scan(step, init, returns)
    return var.at[0].set(1.0)
