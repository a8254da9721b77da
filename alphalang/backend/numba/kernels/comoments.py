"""Window co-moments of two series: ts_cov and ts_corr in O(1) per update.

State per asset (float words): rings of the last d raw x and y, the inverse scales of x and y (powers of two,
``ring.unscale``), anchors ``kx, ky`` and the sums of ``x / scale_x - kx``, ``y / scale_y - ky``, their squares
and their product over the window's complete pairs. Int words: missing pairs (a pair is missing when x or y is
NaN/±inf), and the repeat runs of x and of y: a window is exactly constant when its run reaches d - 1 (exact,
no float threshold), which makes the correlation NaN and the covariance exactly 0. A correlation is also NaN
when all of a window's values tie (``ties.tied_window``: a sum of cent prices that is constant in exact
arithmetic may differ in the last bit from day to day).

Windows of at most ``DIRECT_MAX`` rows are evaluated two-pass from the rings in the reference's arithmetic
(``reference.moments``; bitwise equal). Longer windows: stability as in ``moments``: scaled, anchored running
sums, recomputed exactly from the rings every d rows and after a cancellation or a change of scale.
Under the NaN policy skip (``skipping``): two-pass from the rings over the complete pairs (``_skip``).

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 3)[0]); is_ = np.empty(state_size(1, 3)[1], np.int64)
    >>> init(fs, is_, 1, 3)
    >>> out = np.empty(1)
    >>> for t, (a, b) in enumerate([(1.0, 2.0), (2.0, 4.0), (3.0, 6.5)]):
    ...     push(fs, is_, t, 3, CORR, np.array([a]), np.array([b]), out)
    >>> round(float(out[0]), 6)
    0.997949
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import CANCELLATION, DIRECT_MAX, JIT_OPTIONS, WINDOW_PUSH2, skipping
from alphalang.backend.numba.kernels import ring as _ring
from alphalang.backend.numba.kernels.ring import anchor_today, offset_sums, out_of_scale, rescaled, track
from alphalang.backend.numba.kernels.ties import maybe_flat, snap_correlation, tied_window, width

COV, CORR = range(2)
BLOCK = 128  # assets per block in the two-pass path


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: two rings (2*d*n), two inverse scales, two anchors, five sums (9n). Int words: missing pairs,
    two runs."""
    return 2 * d * n + 9 * n, 3 * n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    _ring.init(fs, is_, n, d, rings=2)


@njit(**JIT_OPTIONS)
def _reanchor(rx, ry, invx, invy, kx, ky, s, x, y, n, d):
    """Recompute the sums from the rings, anchored at today's values (where finite), in the scales of the
    windows' largest magnitudes (``ring.rescaled``)."""
    topx = anchor_today(x, invx, kx)
    topy = anchor_today(y, invy, ky)
    for _ in range(2):  # a second sweep only if some window changed scale
        s[:] = 0.0
        for j in range(d):
            for i in range(n):
                u = rx[j * n + i]
                v = ry[j * n + i]
                track(topx, i, u)
                track(topy, i, v)
                ok = np.isfinite(u) and np.isfinite(v)
                a = u * invx[i] - kx[i] if ok else 0.0
                b = v * invy[i] - ky[i] if ok else 0.0
                s[0, i] += a
                s[1, i] += b
                s[2, i] += a * a
                s[3, i] += b * b
                s[4, i] += a * b
        if not (rescaled(topx, invx, kx) | rescaled(topy, invy, ky)):
            return


@njit(**JIT_OPTIONS)
def _direct(rx, ry, miss, runx, runy, invx, invy, sxx, syy, sxy, t, d, mode, out):
    """Covariance / correlation two-pass from the rings, in the reference's arithmetic (``reference.moments``:
    each series scaled, shifted by its oldest value, summed oldest first).

    Assets go in blocks of ``BLOCK`` with block-local accumulators, so the five running sums stay in L1 while
    the window's rows stream past (unblocked, the accumulators' memory traffic halves the speed)."""
    n = out.shape[0]
    fd = float(d)
    top = np.empty(BLOCK)
    px = np.empty(BLOCK)
    py = np.empty(BLOCK)
    am = np.empty(BLOCK)
    bm = np.empty(BLOCK)
    aa = np.empty(BLOCK)
    bb = np.empty(BLOCK)
    ab = np.empty(BLOCK)
    for lo in range(0, n, BLOCK):
        m = min(BLOCK, n - lo)
        offset_sums(rx, t, d, n, lo, m, top, invx[lo : lo + m], px, am)
        offset_sums(ry, t, d, n, lo, m, top, invy[lo : lo + m], py, bm)
        ix = invx[lo : lo + m]
        iy = invy[lo : lo + m]
        for j in range(m):
            aa[j] = 0.0
            bb[j] = 0.0
            ab[j] = 0.0
        for j in range(m):
            am[j] /= fd
            bm[j] /= fd
        for age in range(d):
            slot = ((t + 1 + age) % d) * n + lo
            xs = rx[slot : slot + m]
            ys = ry[slot : slot + m]
            for j in range(m):
                a = (xs[j] * ix[j] - px[j]) - am[j]
                b = (ys[j] * iy[j] - py[j]) - bm[j]
                ab[j] += a * b
                aa[j] += a * a
                bb[j] += b * b
        for j in range(m):
            sxy[lo + j] = ab[j]
            sxx[lo + j] = aa[j]
            syy[lo + j] = bb[j]
    corr = mode == CORR
    today = (t % d) * n
    check = np.zeros(n, np.bool_)  # correlations whose windows may all tie (``maybe_flat``): scanned below
    for i in range(n):  # branch-free, so it vectorises across assets
        constant = (runx[i] >= d - 1) | (runy[i] >= d - 1)
        missing = (miss[i] > 0) | ((not corr) & (d < 2)) | (corr & constant)
        cov = sxy[i] / (fd - 1.0) / invx[i] / invy[i]  # dividing by a power of two: times the scale
        r = sxy[i] / math.sqrt(sxx[i] * syy[i])
        r = snap_correlation(min(1.0, max(-1.0, r))) if r == r else r
        out[i] = math.nan if missing else (r if corr else cov)
        check[i] = corr & (not missing) & (maybe_flat(sxx[i], rx[today + i] * invx[i], d, sxx[i])
                                           | maybe_flat(syy[i], ry[today + i] * invy[i], d, syy[i]))
    for i in range(n):
        if check[i] and (tied_window(rx, n, d, i, rx[today + i] * invx[i], sxx[i], sxx[i])
                         or tied_window(ry, n, d, i, ry[today + i] * invy[i], syy[i], syy[i])):
            out[i] = math.nan  # all values tie (``ties``): constant


@njit(**JIT_OPTIONS)
def _skip(rx, ry, t, d, code, out):
    """Covariance or correlation over the window's complete pairs (NaN policy skip), ``reference.skip``'s
    arithmetic."""
    mode, m = skipping.split(code)
    n = out.shape[0]
    count, topx, lox, hix, invx, px, tx = skipping.window(rx, ry, t, d, n)
    _, topy, loy, hiy, invy, py, ty = skipping.window(ry, rx, t, d, n)
    sab, saa, sbb = skipping.centred_pairs(rx, ry, t, d, n, invx, px, tx / count, invy, py, ty / count)
    for i in range(n):
        if count[i] < max(m, 2):
            out[i] = math.nan
        elif mode == COV:
            out[i] = sab[i] / (count[i] - 1.0) / invx[i] / invy[i]
        elif hix[i] - lox[i] <= width(0.0, topx[i]) or hiy[i] - loy[i] <= width(0.0, topy[i]):
            out[i] = math.nan  # a window whose values all tie
        else:
            r = sab[i] / math.sqrt(saa[i] * sbb[i])
            out[i] = snap_correlation(min(1.0, max(-1.0, r))) if r == r else r


@njit(inline="always", **JIT_OPTIONS)
def views(fs, is_, d, n):
    """The state's parts (the layout of ``state_size``): rings ``rx, ry``, inverse scales, anchors, the five sums
    (a (5, n) view: a, b, a^2, b^2, ab), missing pairs and the two repeat runs."""
    rx = fs[: d * n]
    ry = fs[d * n : 2 * d * n]
    base = 2 * d * n
    invx = fs[base : base + n]  # 1 / the windows' scales (powers of two)
    invy = fs[base + n : base + 2 * n]
    kx = fs[base + 2 * n : base + 3 * n]  # the anchors, scaled
    ky = fs[base + 3 * n : base + 4 * n]
    s = fs[base + 4 * n : base + 9 * n].reshape((5, n))  # sums of a, b, a^2, b^2, ab (a = x / scale_x - kx, ...)
    miss = is_[:n]
    runx = is_[n : 2 * n]
    runy = is_[2 * n : 3 * n]
    return rx, ry, invx, invy, kx, ky, s, miss, runx, runy


@njit(**JIT_OPTIONS)
def advance(rx, ry, invx, invy, kx, ky, s, miss, runx, runy, t, d, x, y):
    """Push the pair of rows (absolute row ``t``) into the window: for d > ``DIRECT_MAX`` the O(1) anchored sums
    (recomputed from the rings every d rows and after a cancellation or a change of scale), then the rings,
    the missing pairs and the repeat runs. (``regression`` keeps the same state.)"""
    n = x.shape[0]
    direct = d <= DIRECT_MAX
    cur = (t % d) * n
    prev = ((t - 1) % d) * n
    lost = False  # the sums lost digits or need another scale: recompute them from the rings
    if not direct:  # O(1) sums, before the ring and counts move on (branch-free: vectorises across assets)
        for i in range(n):
            xn = x[i]
            yn = y[i]
            xo = rx[cur + i]
            yo = ry[cur + i]
            ok_new = np.isfinite(xn) & np.isfinite(yn)
            ok_old = np.isfinite(xo) & np.isfinite(yo)
            restart = miss[i] - (0 if ok_old else 1) == d - 1  # nothing complete stays: restart at the new pair
            zx = xn * invx[i]
            zy = yn * invy[i]
            kx[i] = (zx if ok_new else 0.0) if restart else kx[i]
            ky[i] = (zy if ok_new else 0.0) if restart else ky[i]
            ao = xo * invx[i] - kx[i] if (ok_old and not restart) else 0.0
            bo = yo * invy[i] - ky[i] if (ok_old and not restart) else 0.0
            an = zx - kx[i] if ok_new else 0.0
            bn = zy - ky[i] if ok_new else 0.0
            sx = (0.0 if restart else s[0, i]) + (an - ao)
            sy = (0.0 if restart else s[1, i]) + (bn - bo)
            sxx = (0.0 if restart else s[2, i]) + (an * an - ao * ao)
            syy = (0.0 if restart else s[3, i]) + (bn * bn - bo * bo)
            s[0, i] = sx
            s[1, i] = sy
            s[2, i] = sxx
            s[3, i] = syy
            s[4, i] = (0.0 if restart else s[4, i]) + (an * bn - ao * bo)
            lost |= ((ao * ao > CANCELLATION * sxx) | (bo * bo > CANCELLATION * syy)
                     | out_of_scale(ok_new, zx, restart) | out_of_scale(ok_new, zy, restart))
    for i in range(n):  # the window: ring, missing pairs, repeat runs
        xn = x[i]
        yn = y[i]
        xl = rx[prev + i]  # read before the write: for d = 1 it is the same slot
        yl = ry[prev + i]
        ok_old = np.isfinite(rx[cur + i]) & np.isfinite(ry[cur + i])
        rx[cur + i] = xn
        ry[cur + i] = yn
        fx = np.isfinite(xn)
        fy = np.isfinite(yn)
        miss[i] += (0 if (fx & fy) else 1) - (0 if ok_old else 1)
        runx[i] = runx[i] + 1 if (fx & (xn == xl)) else 0
        runy[i] = runy[i] + 1 if (fy & (yn == yl)) else 0
    if not direct and d > 1 and ((t + 1) % d == 0 or lost):
        _reanchor(rx, ry, invx, invy, kx, ky, s, x, y, n, d)


@njit(WINDOW_PUSH2, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, y, out):
    """Push the pair of rows (absolute row ``t``); write the covariance or correlation to ``out``."""
    n = x.shape[0]
    rx = fs[: d * n]
    ry = fs[d * n : 2 * d * n]
    if mode >= skipping.SKIP_STRIDE:
        skipping.write(rx, t, d, x)
        skipping.write(ry, t, d, y)
        _skip(rx, ry, t, d, mode, out)
        return
    _, _, invx, invy, kx, ky, s, miss, runx, runy = views(fs, is_, d, n)
    advance(rx, ry, invx, invy, kx, ky, s, miss, runx, runy, t, d, x, y)
    if d <= DIRECT_MAX:
        _direct(rx, ry, miss, runx, runy, invx, invy, s[2], s[3], s[4], t, d, mode, out)
        return
    fd = float(d)
    corr = mode == CORR
    check = np.zeros(n, np.bool_)  # correlations whose windows may all tie (``maybe_flat``): scanned below
    for i in range(n):  # branch-free, so it vectorises across assets
        sx = s[0, i]
        sy = s[1, i]
        sxx = s[2, i]
        syy = s[3, i]
        cxy = s[4, i] - sx * sy / fd  # sum of co-deviations (in the windows' scales)
        cxx = sxx - sx * sx / fd
        cyy = syy - sy * sy / fd
        constant = (runx[i] >= d - 1) | (runy[i] >= d - 1)
        missing = (miss[i] > 0) | ((not corr) & (d < 2)) | (corr & constant)
        cov = 0.0 if constant else cxy / (fd - 1.0) / invx[i] / invy[i]
        r = cxy / math.sqrt(cxx * cyy)
        r = snap_correlation(min(1.0, max(-1.0, r))) if r == r else r
        out[i] = math.nan if missing else (r if corr else cov)
        check[i] = corr & (not missing) & (maybe_flat(cxx, x[i] * invx[i], d, sxx)
                                           | maybe_flat(cyy, y[i] * invy[i], d, syy))
    for i in range(n):
        if check[i]:
            cxx = s[2, i] - s[0, i] * s[0, i] / fd
            cyy = s[3, i] - s[1, i] * s[1, i] / fd
            if (tied_window(rx, n, d, i, x[i] * invx[i], cxx, s[2, i])
                    or tied_window(ry, n, d, i, y[i] * invy[i], cyy, s[3, i])):
                out[i] = math.nan  # all values tie (``ties``): constant
