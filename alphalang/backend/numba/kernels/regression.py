"""Least-squares regression of y on x over a window: ts_regression's ten return types (GTJA REGBETA/REGRESI)
in O(1) per update.

The state is ``comoments``' (its ``views`` / ``advance``, not a copy): rings of the last d raw x and y, their
inverse power-of-two scales and anchors, the five anchored sums ``a, b, a^2, b^2, ab``
(``a = x / scale_x - kx``, ``b = y / scale_y - ky``) over the window, recomputed exactly from the rings every
d rows and after a cancellation or a change of scale; missing pairs (strict NaN rule) and the repeat runs
of x and y. From them ``Cxx = sum a^2 - (sum a)^2 / d`` (likewise Cyy, Cxy), the slope ``b = Cxy / Cxx`` in the
scales, and every return type as ``reference.regression`` states it. An exactly constant x window (repeat
run ``>= d - 1``) has no slope (NaN but SST); an exactly constant y window has slope, error, SSE and SST
exactly 0 and its mean, estimate and intercept exactly the value.

Windows of at most ``DIRECT_MAX`` rows are evaluated two-pass from the rings in the reference's arithmetic
(``reference.moments``: scaled, shifted by the oldest value, centred, summed oldest first; bitwise equal).
Under the NaN policy skip (``skipping``): two-pass from the rings over the complete pairs (``_skip``), as
``reference.regression.regression_skip``.

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 3)[0]); is_ = np.empty(state_size(1, 3)[1], np.int64)
    >>> init(fs, is_, 1, 3)
    >>> out = np.empty(1)
    >>> for t, (yv, xv) in enumerate([(1.0, 0.0), (3.0, 1.0), (4.0, 2.0)]):
    ...     push(fs, is_, t, 3, 0, np.array([2.0]), np.array([yv]), np.array([xv]), out)  # rettype 2: slope
    >>> out
    array([1.5])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import DIRECT_MAX, JIT_OPTIONS, REGRESSION_PUSH, skipping
from alphalang.backend.numba.kernels import ring as _ring
from alphalang.backend.numba.kernels.comoments import advance, views
from alphalang.backend.numba.kernels.comoments import state_size as _comoments_state_size
from alphalang.backend.numba.kernels.ring import offset_sums

ERROR, INTERCEPT, SLOPE, ESTIMATE, SSE, SST, RSQUARE, MSE, SE_SLOPE, SE_INTERCEPT = range(10)  # BRAIN's rettype
BLOCK = 128  # assets per block in the two-pass path


def state_size(n: int, d: int) -> tuple[int, int]:
    """``comoments``' state: two rings (2*d*n), two inverse scales, two anchors, five sums (9n); missing
    pairs and two repeat runs (3n)."""
    return _comoments_state_size(n, d)


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    _ring.init(fs, is_, n, d, rings=2)


@njit(inline="always", **JIT_OPTIONS)
def _statistic(kind, d, cxx, cyy, cxy, mx, my, cx, cy, invx, invy):
    """One return type from the centred sums (in the windows' scales), the scaled means ``mx, my`` and today's
    centred values ``cx, cy`` (``reference.regression``'s formulas; dividing by a power of two ``inv`` is
    multiplying by the scale, exactly)."""
    if kind == SST:
        return cyy / invy / invy
    b = cxy / cxx
    if kind == ERROR:
        return (cy - b * cx) / invy
    if kind == ESTIMATE:
        return (my + b * cx) / invy
    slope = b / invy * invx
    if kind == SLOPE:
        return slope
    if kind == INTERCEPT:
        return my / invy - slope * (mx / invx)
    if kind == RSQUARE:
        r2 = b * cxy / cyy
        return min(1.0, max(0.0, r2)) if r2 == r2 else r2
    sse = max(cyy - b * cxy, 0.0) / invy / invy if b == b else math.nan
    if kind == SSE:
        return sse
    mse = sse / (d - 2.0) if d > 2 else math.nan
    if kind == MSE:
        return mse
    sxx = cxx / invx / invx
    if kind == SE_SLOPE:
        return math.sqrt(mse / sxx)
    mean_x = mx / invx
    return math.sqrt(mse * (1.0 / d + mean_x * mean_x / sxx))


@njit(**JIT_OPTIONS)
def _direct(rx, ry, miss, invx, invy, t, d, kind, out):
    """The statistic two-pass from the rings, in the reference's arithmetic (each series scaled, shifted by its
    oldest value, centred, summed oldest first). Assets go in blocks of ``BLOCK`` with block-local sums, so
    they stay in L1 while the window's rows stream past (as ``comoments``)."""
    n = out.shape[0]
    fd = float(d)
    top = np.empty(BLOCK)
    px = np.empty(BLOCK)
    py = np.empty(BLOCK)
    mx = np.empty(BLOCK)
    my = np.empty(BLOCK)
    cxx = np.empty(BLOCK)
    cyy = np.empty(BLOCK)
    cxy = np.empty(BLOCK)
    cur = (t % d) * n
    for lo in range(0, n, BLOCK):
        m = min(BLOCK, n - lo)
        ix = invx[lo : lo + m]
        iy = invy[lo : lo + m]
        offset_sums(rx, t, d, n, lo, m, top, ix, px, mx)
        offset_sums(ry, t, d, n, lo, m, top, iy, py, my)
        for j in range(m):
            mx[j] /= fd
            my[j] /= fd
            cxx[j] = 0.0
            cyy[j] = 0.0
            cxy[j] = 0.0
        for age in range(d):  # oldest first
            slot = ((t + 1 + age) % d) * n + lo
            xs = rx[slot : slot + m]
            ys = ry[slot : slot + m]
            for j in range(m):
                a = (xs[j] * ix[j] - px[j]) - mx[j]
                b = (ys[j] * iy[j] - py[j]) - my[j]
                cxy[j] += a * b
                cxx[j] += a * a
                cyy[j] += b * b
        for j in range(m):
            i = lo + j
            if miss[i] > 0:
                out[i] = math.nan
                continue
            cx = (rx[cur + i] * ix[j] - px[j]) - mx[j]
            cy = (ry[cur + i] * iy[j] - py[j]) - my[j]
            out[i] = _statistic(kind, d, cxx[j], cyy[j], cxy[j], px[j] + mx[j], py[j] + my[j], cx, cy, ix[j], iy[j])


@njit(**JIT_OPTIONS)
def _skip(rx, ry, t, d, code, kind, out):
    """The statistic over the window's complete pairs (NaN policy skip), ``reference.regression.regression_skip``'s
    arithmetic (``comoments._skip``'s sums); the error term and the estimate need today's pair."""
    m = skipping.split(code)[1]
    n = out.shape[0]
    count, _, _, _, invx, px, tx = skipping.window(rx, ry, t, d, n)
    _, _, _, _, invy, py, ty = skipping.window(ry, rx, t, d, n)
    mx = tx / count
    my = ty / count
    cxy, cxx, cyy = skipping.centred_pairs(rx, ry, t, d, n, invx, px, mx, invy, py, my)
    cur = (t % d) * n
    today = kind == ERROR or kind == ESTIMATE
    for i in range(n):
        u = rx[cur + i]
        v = ry[cur + i]
        if count[i] < max(m, 2) or (today and not (np.isfinite(u) and np.isfinite(v))):
            out[i] = math.nan
            continue
        cx = (u * invx[i] - px[i]) - mx[i]
        cy = (v * invy[i] - py[i]) - my[i]
        out[i] = _statistic(kind, float(count[i]), cxx[i], cyy[i], cxy[i], px[i] + mx[i], py[i] + my[i], cx, cy,
                            invx[i], invy[i])


@njit(REGRESSION_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, c, y, x, out):
    """Push the pair of rows (response ``y``, regressor ``x``; absolute row ``t``); write the regression's
    ``c[0]``-th return type (BRAIN's rettype) to ``out``."""
    n = x.shape[0]
    rx, ry, invx, invy, kx, ky, s, miss, runx, runy = views(fs, is_, d, n)
    if mode >= skipping.SKIP_STRIDE:
        skipping.write(rx, t, d, x)
        skipping.write(ry, t, d, y)
        _skip(rx, ry, t, d, mode, int(c[0]), out)
        return
    advance(rx, ry, invx, invy, kx, ky, s, miss, runx, runy, t, d, x, y)
    kind = int(c[0])
    if d <= DIRECT_MAX:
        _direct(rx, ry, miss, invx, invy, t, d, kind, out)
        return
    fd = float(d)
    for i in range(n):
        if miss[i] > 0:
            out[i] = math.nan
            continue
        ma = s[0, i] / fd  # the anchored means
        mb = s[1, i] / fd
        cxx = s[2, i] - s[0, i] * ma
        cyy = s[3, i] - s[1, i] * mb
        cxy = s[4, i] - s[0, i] * mb
        mx = kx[i] + ma
        my = ky[i] + mb
        cx = (x[i] * invx[i] - kx[i]) - ma
        cy = (y[i] * invy[i] - ky[i]) - mb
        if runy[i] >= d - 1:  # exactly constant y: no spread, the mean is the value
            cyy = 0.0
            cxy = 0.0
            cy = 0.0
            my = y[i] * invy[i]
        if runx[i] >= d - 1:  # exactly constant x: no slope
            cxx = 0.0
            cxy = math.nan
        out[i] = _statistic(kind, d, cxx, cyy, cxy, mx, my, cx, cy, invx[i], invy[i])
