"""Long/short books in JAX: signed, dollar-neutral weights of gross leverage ``L`` and the PnL of the BRAIN-style
book that the simulation layer measures (``alphalang.simulation``; docs/simulation.md steps 5, 6 and 8), so a
strategy can be trained, by gradient, on the same book ``alphalang.simulate`` reports.

With capital ``C`` (``StrategyConfig.initial_value``) the positions are ``P[t] = C w[t]``, a book of size
``C L``; PnL and dollars traded follow the simulation layer exactly (its ``cost_bps`` is ``cost * 1e4``).
The value path is the book's return index ``V[t] = C prod_s (1 + PnL[s] / C)``: its bar returns are exactly
``PnL / C``, so the strategy metrics (``sharpe`` ...) measure the simulation's PnL.

Example:
    >>> import numpy as np
    >>> w = neutral_scale(np.array([[3.0, 1.0, np.nan, 2.0]]), leverage=2.0)
    >>> np.asarray(w).tolist()
    [[1.0, -1.0, 0.0, 0.0]]
    >>> pnl, traded = book_pnl(np.array([[0.5, -0.5]] * 3), np.array([[1.0, 1.0], [1.1, 1.0], [1.1, 0.9]]),
    ...                        cost=1e-3, capital=100.0)
    >>> np.round(np.asarray(pnl), 6).tolist(), np.asarray(traded).tolist()
    ([0.0, 4.9, 5.0], [100.0, 0.0, 0.0])
"""

from __future__ import annotations

import jax.numpy as jnp

from alphalang.strategy.simulate import SimResult


def _safe(x):
    return jnp.where(x > 0, x, 1.0)


def neutral_scale(signal, leverage: float = 1.0):
    """Rows of ``signal`` market-neutralised and scaled to gross ``leverage``: ``L (s - mean) / sum |s - mean|``
    over the finite entries, missing entries 0 (the simulation layer's neutralization 'market' and scale,
    docs/simulation.md steps 5 and 6); a row with no finite spread is all 0."""
    signal = jnp.asarray(signal, dtype=jnp.float64)
    valid = jnp.isfinite(signal)
    clean = jnp.where(valid, signal, 0.0)
    count = jnp.sum(valid, axis=-1, keepdims=True)
    mean = jnp.sum(clean, axis=-1, keepdims=True) / jnp.maximum(count, 1)
    dev = jnp.where(valid, clean - mean, 0.0)
    gross = jnp.sum(jnp.abs(dev), axis=-1, keepdims=True)
    return jnp.where(gross > 0, leverage * dev / _safe(gross), 0.0)


def rebalance_target(x, u, kind: str, leverage: float, blend=None):
    """One rule step of a long/short book: the next target weights (sum 0, gross ``leverage``) from the current
    weights ``x`` and a rule row ``u``.

    ``delta`` rows (zero-sum changes) move ``x`` to ``x + u``; ``target`` rows are first neutralised and scaled
    (:func:`neutral_scale`) and blended as ``blend x + (1 - blend) target``. The result is neutralised and
    scaled to gross ``leverage``; a step with no information (a row with no finite spread, or a zero result)
    holds ``x``.
    """
    if kind == "delta":
        raw = x + jnp.where(jnp.isfinite(u), u, 0.0)
    else:
        aim = neutral_scale(u, leverage)
        informed = jnp.any(aim != 0, axis=-1, keepdims=True)
        lam = 0.0 if blend is None else blend
        raw = jnp.where(informed, lam * x + (1.0 - lam) * aim, x)
    target = neutral_scale(raw, leverage)
    return jnp.where(jnp.any(target != 0, axis=-1, keepdims=True), target, x)


def book_returns(prices):
    """``R[t] = p[t] / p[t-1] - 1`` with row 0 and every missing value 0 (``alphalang.simulation.pnl.
    close_returns``, traceable)."""
    prices = jnp.asarray(prices, dtype=jnp.float64)
    rel = prices[1:] / prices[:-1] - 1.0
    rel = jnp.where(jnp.isfinite(rel), rel, 0.0)
    return jnp.concatenate([jnp.zeros_like(prices[:1]), rel], axis=0)


def book_pnl(weights, prices, cost: float = 0.0, capital: float = 1.0):
    """``(pnl, traded)``, both (T,), of the book holding ``P[t] = capital * weights[t]`` from the close of row t
    to the close of row t+1: ``traded[t] = sum |P[t] - P[t-1]|`` (``P[-1] = 0``), ``pnl[0] = 0`` and
    ``pnl[t+1] = sum P[t] R[t+1] - cost * traded[t]`` (docs/simulation.md step 8, ``cost_bps = cost * 1e4``)."""
    positions = capital * jnp.asarray(weights, dtype=jnp.float64)
    previous = jnp.concatenate([jnp.zeros_like(positions[:1]), positions[:-1]], axis=0)
    traded = jnp.sum(jnp.abs(positions - previous), axis=-1)
    earned = jnp.sum(positions[:-1] * book_returns(prices)[1:], axis=-1) - cost * traded[:-1]
    return jnp.concatenate([jnp.zeros(1), earned]), traded


def simulate_book(weights, prices, cost: float = 0.0, initial_value: float = 1.0) -> SimResult:
    """The long/short book of signed ``weights``: value = the return index ``C prod (1 + pnl / C)``, reserves =
    share holdings ``P / p`` (0 where the price is missing), weights as given."""
    pnl, _ = book_pnl(weights, prices, cost, initial_value)
    value = initial_value * jnp.cumprod(1.0 + pnl / initial_value)
    prices = jnp.asarray(prices, dtype=jnp.float64)
    held = initial_value * jnp.asarray(weights, dtype=jnp.float64)
    ok = jnp.isfinite(prices) & (prices > 0)
    shares = jnp.where(ok, held / jnp.where(ok, prices, 1.0), 0.0)
    return SimResult(value, shares, jnp.asarray(weights))


__all__ = ["book_pnl", "book_returns", "neutral_scale", "rebalance_target", "simulate_book"]
