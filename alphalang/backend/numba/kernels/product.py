"""Window product: ts_product, amortised O(1) with van Herk/Gil-Werman prefix and suffix products.

As in ``extrema``, blocks of d rows are aligned on the absolute row index; the window ending at row t is
``suffix[pos + 1] * prefix``, where ``suffix`` holds the products from each slot of the previous block to its
end (rebuilt once per block) and ``prefix`` the running product of the current block. Every window product is
thus an exact re-multiplication of its own d values (no division, so zeros and sign changes need no special
counts, and no drift: the rounding is that of d - 1 multiplications, like the reference's).
Missing values are counted (strict NaN rule) and multiply as 1. Windows of at most ``DIRECT_MAX`` rows are
re-multiplied oldest-first from the ring instead (the reference's order: bitwise equal). Under the NaN policy
skip (``skipping``): the valid values of the ring multiplied oldest first (``_skip``), O(d).

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 2)[0]); is_ = np.empty(state_size(1, 2)[1], np.int64)
    >>> init(fs, is_, 1, 2)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([2.0, 3.0, -4.0]):
    ...     push(fs, is_, t, 2, 0, np.array([v]), out)
    >>> out
    array([-12.])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import DIRECT_MAX, JIT_OPTIONS, WINDOW_PUSH, skipping

PRODUCT = 0


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring, suffix products (2*d*n), prefix product (n). Int words: missing count (n)."""
    return 2 * d * n + n, n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[: d * n] = np.nan
    fs[d * n :] = 1.0
    is_[:] = d


@njit(**JIT_OPTIONS)
def _skip(ring, t, d, code, out):
    """The product of the window's valid values (NaN policy skip)."""
    _, m = skipping.split(code)
    n = out.shape[0]
    count = np.zeros(n, np.int64)
    out[:] = 1.0
    for age in range(d):  # oldest first
        base = skipping.slot(t, d, n, age)
        for i in range(n):
            v = ring[base + i]
            ok = np.isfinite(v)
            count[i] += 1 if ok else 0
            out[i] *= v if ok else 1.0
    for i in range(n):
        if count[i] < m:
            out[i] = math.nan


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``); write the window product to ``out``."""
    n = x.shape[0]
    ring = fs[: d * n]
    if mode >= skipping.SKIP_STRIDE:
        skipping.write(ring, t, d, x)
        _skip(ring, t, d, mode, out)
        return
    suffix = fs[d * n : 2 * d * n]
    prefix = fs[2 * d * n : 2 * d * n + n]
    miss = is_[:n]
    pos = t % d
    cur = pos * n
    nxt = (pos + 1) * n
    for i in range(n):
        new = x[i]
        old = ring[cur + i]
        ring[cur + i] = new
        ok_new = np.isfinite(new)
        miss[i] += (0 if ok_new else 1) - (0 if np.isfinite(old) else 1)
        v = new if ok_new else 1.0
        prefix[i] = v if pos == 0 else prefix[i] * v
        if miss[i] > 0:
            out[i] = math.nan
        elif pos < d - 1:
            out[i] = suffix[nxt + i] * prefix[i]
        else:
            out[i] = prefix[i]
    if d <= DIRECT_MAX:
        for i in range(n):
            if miss[i] == 0:
                out[i] = 1.0
        for age in range(d):  # oldest first
            slot = ((t + 1 + age) % d) * n
            for i in range(n):
                if miss[i] == 0:
                    out[i] *= ring[slot + i]
    if pos == d - 1:  # the block is complete: suffix products for the next d windows
        for i in range(n):
            u = ring[(d - 1) * n + i]
            suffix[(d - 1) * n + i] = u if np.isfinite(u) else 1.0
        for j in range(d - 2, -1, -1):
            for i in range(n):
                u = ring[j * n + i]
                suffix[j * n + i] = (u if np.isfinite(u) else 1.0) * suffix[(j + 1) * n + i]
