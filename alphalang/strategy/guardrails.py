"""Weights with guardrails: the coarse update scan, interpolation to fine bars, and look-ahead-free timing.

Coarse step ``j`` (one per rule output row ``u_j``), carry ``x`` = the weights currently held::

    raw = x + u_j                       (delta rules)      raw = lam*x + (1-lam)*u_j   (target rules)
    n   = raw / sum(raw)
    c   = clip(n, eps, w_max), then the entries that were not below eps are rescaled once so that the
          total is 1 (single pass; water-filling only if that pass undershoots eps); the argmax entry
          absorbs any rounding residual (straight-through)
    d   = (c - x) / f,  scaled down uniformly (direction kept) when max|d| > maximum_change
    emit (x, d);  x <- x + f*d

A long/short book (``leverage=L``) replaces the clip and rescale by :func:`~alphalang.strategy.book.
rebalance_target` (signed weights, sum 0, gross ``L``), starts from no position, and keeps the change limit; a
convex step between two such books stays dollar-neutral with gross at most ``L``.

Fine bars: block ``j`` covers ``chunk_period`` bars, bar ``r`` of it holds ``x_j + min(r, f) d_j``.

Timing (no look-ahead): rule row ``u_j`` is computed from chunk price ``P_{j+1}`` (bar ``(j+1)C``).
The bout's first ``C`` bars hold the initial weights and block ``j`` occupies bars ``(j+1)C .. (j+2)C-1``;
its first bar still holds ``x_j``, so a weight used at bar ``t`` depends only on prices strictly before ``t``.

Example:
    >>> import numpy as np
    >>> x, d = coarse_weights(np.zeros((4, 3)), np.full(3, 1 / 3), 0.1, 1.0, 1)
    >>> np.allclose(x, 1 / 3)
    True
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from alphalang.strategy.book import rebalance_target


def _straight_through_fix(c):
    # move the rounding residual onto the largest entry, forward only
    residual = 1.0 - jnp.sum(c, axis=-1, keepdims=True)
    onehot = jax.nn.one_hot(jnp.argmax(c, axis=-1), c.shape[-1], dtype=c.dtype)
    return c + jax.lax.stop_gradient(onehot * residual)


def _single_pass(n, minimum_weight, maximum_weight):
    below = n < minimum_weight
    c = jnp.clip(n, minimum_weight, maximum_weight)
    n_below = jnp.sum(below, axis=-1, keepdims=True)
    free_total = jnp.sum(jnp.where(below, 0.0, c), axis=-1, keepdims=True)
    scale = (1.0 - n_below * minimum_weight) / jnp.where(free_total == 0, 1.0, free_total)
    return jnp.where(below, c, c * scale), c


def _water_fill(c, minimum_weight):
    # Lock the m smallest entries at the minimum and rescale the rest to fill 1 - m*eps, with the smallest m
    # for which every rescaled entry stays >= eps.  O(N log N); only used when the single pass falls short.
    n = c.shape[-1]
    order = jnp.argsort(c, axis=-1)
    sorted_c = jnp.take_along_axis(c, order, axis=-1)
    prefix = jnp.concatenate([jnp.zeros(c.shape[:-1] + (1,)), jnp.cumsum(sorted_c, axis=-1)], axis=-1)
    m = jnp.arange(n + 1)
    rest = prefix[..., -1:] - prefix
    scale = (1.0 - m * minimum_weight) / jnp.where(rest > 0, rest, 1.0)
    next_c = jnp.concatenate([sorted_c, jnp.full(c.shape[:-1] + (1,), jnp.inf)], axis=-1)
    ok = (next_c * scale >= minimum_weight) | (m == n)
    m_star = jnp.argmax(ok, axis=-1)
    scale_star = jnp.take_along_axis(scale, m_star[..., None], axis=-1)
    rank = jnp.argsort(order, axis=-1)
    locked = rank < m_star[..., None]
    return jnp.where(locked, minimum_weight, c * scale_star)


def apply_weight_bounds(raw, minimum_weight, maximum_weight):
    """Normalise, clip to ``[minimum_weight, maximum_weight]`` and redistribute once (rows sum to 1).

    The single redistribution pass rescales the entries that were not below the minimum; in rare cases
    (several assets just above the minimum while another is far below) that pushes one of them under the
    minimum, and only then the entries are re-solved by water-filling (lock the smallest at the minimum,
    rescale the rest).  Whenever the single pass already respects the bounds the result is exactly it.
    """
    n = raw / jnp.sum(raw, axis=-1, keepdims=True)
    c, clipped = _single_pass(n, minimum_weight, maximum_weight)
    short = jnp.any(c < minimum_weight * (1.0 - 1e-12), axis=-1, keepdims=True)
    if c.ndim == 1:  # inside the scan: only pay for the sort when it is needed
        c = jax.lax.cond(short[0], lambda: _water_fill(clipped, minimum_weight), lambda: c)
    else:
        c = jnp.where(short, _water_fill(clipped, minimum_weight), c)
    return _straight_through_fix(c)


def limit_change(d, maximum_change):
    """Scale ``d`` uniformly so that ``max|d| <= maximum_change`` (keeps the direction)."""
    biggest = jnp.max(jnp.abs(d), axis=-1, keepdims=True)
    return jnp.where(biggest > maximum_change, d * maximum_change / (biggest + 1e-10), d)


def coarse_weights(rule_outputs, initial_weights, minimum_weight, maximum_change, interpolation_period,
                   kind: str = "delta", blend_lamb=None, maximum_weight=None, leverage=None):
    """Run the guardrail scan over rule outputs (T, N); returns ``(x, d)`` both (T, N).

    ``x[j]`` is the position before step ``j`` and ``d[j]`` the per-bar change applied over the next
    ``interpolation_period`` bars.  ``maximum_change`` is per fine bar.  For ``kind="target"`` the rule
    outputs are target weights blended as ``blend_lamb*x + (1-blend_lamb)*u``; a target row containing NaN
    means "hold" (no change).  ``leverage=L`` runs a long/short book instead (see the module docstring).
    """
    rule_outputs = jnp.asarray(rule_outputs, dtype=jnp.float64)
    n_assets = rule_outputs.shape[-1]
    eps = minimum_weight
    w_max = maximum_weight if maximum_weight is not None else 1.0 - (n_assets - 1) * eps
    f = float(interpolation_period)
    x0 = jnp.asarray(initial_weights, dtype=jnp.float64)

    def step(x, u):
        if leverage is not None:
            target = rebalance_target(x, u, kind, leverage, blend_lamb)
        elif kind == "delta":
            raw = x + u
            target = apply_weight_bounds(raw, eps, w_max)
        else:
            hold = jnp.any(jnp.isnan(u))
            u_clean = jnp.where(jnp.isnan(u), x, u)
            raw = blend_lamb * x + (1.0 - blend_lamb) * u_clean
            target = apply_weight_bounds(raw, eps, w_max)
            target = jnp.where(hold, x, target)
        d = limit_change((target - x) / f, maximum_change)
        return x + f * d, (x, d)

    _, (xs, ds) = jax.lax.scan(step, x0, rule_outputs)
    return xs, ds


def interpolate_fine(xs, ds, chunk_period: int, interpolation_period: int):
    """Linear fine weights: block j has ``chunk_period`` rows ``x_j + min(r, f) d_j``; (T*C, N)."""
    r = jnp.minimum(jnp.arange(chunk_period, dtype=jnp.float64), float(interpolation_period))
    blocks = xs[:, None, :] + r[None, :, None] * ds[:, None, :]
    return blocks.reshape(-1, xs.shape[-1])


def n_coarse_rows(bout_length: int, chunk_period: int) -> int:
    """Number of rule rows a bout of ``bout_length`` bars needs."""
    return bout_length // chunk_period + (1 if bout_length % chunk_period else 0)


def bout_weights(rule_outputs, initial_weights, *, start_index: int, bout_length: int, chunk_period: int,
                 interpolation_period: int, minimum_weight: float, maximum_change: float,
                 kind: str = "delta", blend_lamb=None, maximum_weight=None, leverage=None):
    """Fine weights for the bout ``[start_index, start_index + bout_length)`` of a price series.

    ``rule_outputs`` are the rule rows computed on the whole series' chunk prices (row j <-> chunk j+1);
    ``start_index`` must be a multiple of ``chunk_period``.  Returns ``bout_length - 1`` rows, the weights
    held over bars ``start_index .. start_index + bout_length - 2``.  The first ``chunk_period`` rows are the
    initial weights.  Extra rule rows past the data end (when the bout reaches the last chunk) are padded
    with "no change".  ``leverage=L``: a long/short book of gross ``L`` (see :func:`coarse_weights`).
    """
    first = start_index // chunk_period
    n_rows = n_coarse_rows(bout_length, chunk_period)
    rows = rule_outputs[first:first + n_rows]
    if rows.shape[0] < n_rows:
        pad_value = 0.0 if kind == "delta" else jnp.nan
        pad = jnp.full((n_rows - rows.shape[0], rows.shape[1]), pad_value)
        rows = jnp.concatenate([rows, pad], axis=0)
    xs, ds = coarse_weights(rows, initial_weights, minimum_weight, maximum_change, interpolation_period,
                            kind, blend_lamb, maximum_weight, leverage)
    fine = interpolate_fine(xs, ds, chunk_period, interpolation_period)
    head = jnp.broadcast_to(jnp.asarray(initial_weights, dtype=jnp.float64), (chunk_period, rows.shape[1]))
    return jnp.concatenate([head, fine], axis=0)[: bout_length - 1]
