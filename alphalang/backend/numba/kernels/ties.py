"""The tie rule (``alphalang.backend.reference.ties``) for the kernels: ranks over a sorted run, and the check
that a correlation's window is constant within the tie width.

Two finite values of one ranked set tie when ``abs(u - x) <= width``, ``width = TOLERANCE * max |value|`` of
the set; each value's rank is ``#below its band + (#in its band + 1) / 2``. Over a sorted run both counts move
monotonically with x (``u - x`` rounds monotonically in u and in x), so two cursors give every rank in O(n),
in exactly the reference's arithmetic.

Example:
    >>> import numpy as np
    >>> vals = np.array([-2.7e-19, 0.0, 0.3, 0.9999999999999998, 1.0]); out = np.empty(5)
    >>> band_ranks(vals, np.arange(5), 0, 5, out)
    >>> out * 5
    array([1.5, 1.5, 3. , 4.5, 4.5])
"""

from __future__ import annotations

import math

from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS
from alphalang.backend.reference.ties import TOLERANCE

# Kernels are cached by numba and keyed on their own source: restate the constant here so that changing it
# changes this file, hence the kernels' fingerprint (tests/numba/test_numba_ties.py checks they agree).
KERNEL_TOLERANCE = 2.0**-40
assert KERNEL_TOLERANCE == TOLERANCE


@njit(inline="always", **JIT_OPTIONS)
def width(lo, hi):
    """The tie width of a set whose smallest and largest values are ``lo`` and ``hi``."""
    return KERNEL_TOLERANCE * max(abs(lo), abs(hi))


@njit(**JIT_OPTIONS)
def band_ranks(vals, idx, start, stop, out):
    """Write the band rank / count of each value of the sorted run vals[start:stop] to out[idx[...]]."""
    n = stop - start
    if n == 0:
        return
    w = width(vals[start], vals[stop - 1])
    below = start
    top = start  # first index whose value is above the band of x
    for r in range(start, stop):
        x = vals[r]
        while vals[below] - x < -w:
            below += 1
        while top < stop and vals[top] - x <= w:
            top += 1
        out[idx[r]] = ((below - start) + (top - below + 1) / 2.0) / n


@njit(**JIT_OPTIONS)
def flat_column(ring, n, d, i):
    """Whether asset ``i``'s window (column i of a time-major ring of d rows, no missing value) is constant
    within the tie width: max - min <= width."""
    lo = ring[i]
    hi = lo
    for j in range(1, d):
        v = ring[j * n + i]
        lo = min(lo, v)
        hi = max(hi, v)
    return hi - lo <= width(lo, hi)


@njit(inline="always", **JIT_OPTIONS)
def maybe_flat(spread2, today, d, squares):
    """A cheap necessary condition for ``flat_column``, to scan only the windows that can be flat.

    d values within the width w of each other have a sum of squared deviations ``spread2 <= d w^2 / 4``, and
    then ``w <= TOLERANCE |today| (1 + 2 TOLERANCE)``, so ``spread2 <= d (TOLERANCE today)^2 / 4``; the test
    keeps a factor 16 of margin and adds the rounding error of ``spread2`` when it was computed as a
    difference of sums of ``squares`` (running sums: ~d ulps of them; generously 16 d)."""
    level = d * (2.0 * KERNEL_TOLERANCE * today) ** 2
    return not spread2 > level + 16.0 * d * 2.220446049250313e-16 * squares


@njit(**JIT_OPTIONS)
def tied_window(ring, n, d, i, today, spread2, squares):
    """Whether asset ``i``'s window in ``ring`` is constant within the tie width (scanned only where
    ``maybe_flat`` allows: ``spread2`` is its computed sum of squared deviations, ``squares`` the sum of
    squares it was computed from)."""
    return maybe_flat(spread2, today, d, squares) and flat_column(ring, n, d, i)


@njit(inline="always", **JIT_OPTIONS)
def snap_correlation(r):
    """``reference.ties.snap_correlation``: a correlation within the tolerance of 0, 1 or -1 is that value."""
    if abs(r) <= KERNEL_TOLERANCE:
        return 0.0
    return math.copysign(1.0, r) if abs(r) >= 1.0 - KERNEL_TOLERANCE else r
