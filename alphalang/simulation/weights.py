"""From alpha to book, one row at a time in numba: delay, pasteurize, decay, neutralize, scale, truncate, then
positions, dollars traded and PnL (docs/simulation.md states each step).

Everything compiled lives in this one module: numba caches a function against its own file only, so a kernel
calling row steps of another module could keep stale copies of them in the on-disk cache.

Example:
    >>> import numpy as np
    >>> w = np.array([0.6, -0.3, 0.1])
    >>> truncate_row(w, 0.5); np.round(w, 4).tolist()
    [0.5, -0.375, 0.125]
"""

from __future__ import annotations

import numba
import numpy as np

from alphalang.backend.numba.kernels import JIT_OPTIONS

JIT = {**JIT_OPTIONS, "error_model": "numpy"}

#: truncation stops once max |w| <= truncation * (1 + TRUNCATION_TOL), or after TRUNCATION_ROUNDS rounds
TRUNCATION_TOL = 1e-9
TRUNCATION_ROUNDS = 100


@numba.njit(**JIT)
def decay_row(alpha, univ, t, delay, pasteurize, n, out):  # pragma: no cover - compiled
    """out[i] = sum_k (n-k) X[t-k, i] / sum_k (n-k) over the finite terms X[s] = alpha[s - delay] (NaN outside
    the universe of row s when pasteurizing), NaN outside the universe of row t; returns the finite count."""
    finite = 0
    for i in range(alpha.shape[1]):
        if not univ[t, i]:
            out[i] = np.nan
            continue
        num = 0.0
        den = 0.0
        for k in range(n):
            s = t - k - delay
            if s < 0:
                break
            if pasteurize and not univ[t - k, i]:
                continue
            x = alpha[s, i]
            if np.isfinite(x):
                num += (n - k) * x
                den += n - k
        if den > 0:
            out[i] = num / den
            finite += 1
        else:
            out[i] = np.nan
    return finite


@numba.njit(**JIT)
def neutralize_row(d, labels, gsum, gcount):  # pragma: no cover - compiled
    """Subtract from each finite value the mean of the finite values of its group; no group (label < 0) -> NaN."""
    gsum[:] = 0.0
    gcount[:] = 0.0
    for i in range(d.shape[0]):
        if np.isfinite(d[i]):
            g = labels[i]
            if g < 0:
                d[i] = np.nan
            else:
                gsum[g] += d[i]
                gcount[g] += 1.0
    for i in range(d.shape[0]):
        if np.isfinite(d[i]):
            g = labels[i]
            d[i] -= gsum[g] / gcount[g]


@numba.njit(**JIT)
def scale_row(d):  # pragma: no cover - compiled
    """In place: d / sum |d| over the finite values, missing -> 0 (all zero when nothing is finite or nonzero)."""
    gross = 0.0
    for i in range(d.shape[0]):
        if np.isfinite(d[i]):
            gross += abs(d[i])
    for i in range(d.shape[0]):
        d[i] = d[i] / gross if gross > 0 and np.isfinite(d[i]) else 0.0


@numba.njit(**JIT)
def truncate_row(w, limit):  # pragma: no cover - compiled
    """In place: repeat {clip to [-limit, limit]; rescale to gross 1} until max |w| <= limit (1 + 1e-9), or
    100 rounds. Only the nonzero weights take part (zeros stay zero and add nothing to the gross)."""
    live = np.flatnonzero(w)
    vals = w[live]
    for _ in range(TRUNCATION_ROUNDS):
        gross = 0.0
        for j in range(vals.shape[0]):
            vals[j] = min(max(vals[j], -limit), limit)
            gross += abs(vals[j])
        top = 0.0
        if gross > 0:
            for j in range(vals.shape[0]):
                vals[j] /= gross
                top = max(top, abs(vals[j]))
        if top <= limit * (1.0 + TRUNCATION_TOL):
            break
    w[live] = vals


@numba.njit(**JIT)
def book(alpha, univ, labels, n_groups, returns, delay, pasteurize, decay, truncation, booksize, cost_bps,
         positions, pnl, traded, longs, shorts, valid, members):  # pragma: no cover - compiled
    """Run the whole book over time. Inputs: alpha (T, N), univ (T, N) bool, labels (T, N) dense group ids
    (ignored when n_groups == 0), returns (T, N) with missing -> 0. Outputs (T,): pnl, traded, longs, shorts,
    valid (finite decayed alphas), members (universe size); positions (T, N) when it has T rows."""
    t_len, n = alpha.shape
    keep = positions.shape[0] == t_len
    d = np.empty(n)
    prev = np.zeros(n)
    gsum = np.zeros(max(n_groups, 1))
    gcount = np.zeros(max(n_groups, 1))
    span = decay if decay > 1 else 1
    for t in range(t_len):
        held = 0.0
        if t > 0:
            for i in range(n):
                held += prev[i] * returns[t, i]
            pnl[t] = held - cost_bps * 1e-4 * traded[t - 1]
        else:
            pnl[t] = 0.0
        member = 0
        for i in range(n):
            member += univ[t, i]
        members[t] = member
        valid[t] = decay_row(alpha, univ, t, delay, pasteurize, span, d)
        if n_groups > 0:
            neutralize_row(d, labels[t], gsum, gcount)
        scale_row(d)
        if truncation > 0:
            truncate_row(d, truncation)
        moved = 0.0
        nl = 0
        ns = 0
        for i in range(n):
            p = booksize * d[i]
            moved += abs(p - prev[i])
            prev[i] = p
            nl += p > 0
            ns += p < 0
            if keep:
                positions[t, i] = p
        traded[t] = moved
        longs[t] = nl
        shorts[t] = ns
