"""Per-asset window bookkeeping shared by the power-sum kernels: the time-major ring of raw values, the count
of missing values in the window (the strict NaN rule), the length of the current run of exactly repeated
values (an exactly constant window has ``run >= d - 1``, no float threshold: the kernels' form of
``reference.moments.constant``) and the power of two a window is scaled by before its powers are summed
(``unscale``, the kernels' form of ``reference.moments.scale``).

Example:
    >>> import numpy as np
    >>> ring, miss, run = np.full(2, np.nan), np.array([2]), np.array([0])
    >>> slide(ring, miss, run, 0, 1, 0, 5.0)  # the slot held NaN; the other slot is still missing
    (nan, 1)
    >>> int(miss[0]), int(run[0])
    (1, 0)
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS
from alphalang.backend.reference.moments import SAFE_MAGNITUDE

# Kernels are cached by numba and keyed on their own source: restate the constant here so that changing it
# changes this file, hence the kernels' fingerprint (the assert keeps the two backends on one value).
KERNEL_SAFE_MAGNITUDE = 2.0**200
assert KERNEL_SAFE_MAGNITUDE == SAFE_MAGNITUDE


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int, rings: int = 1) -> None:
    """Initial state of a window family whose float words start with ``rings`` rings of d rows followed by
    as many inverse scales (``moments``, ``linear``: one; ``comoments``: two): the rings all missing, the
    inverse scales 1, every sum 0, the missing count d (the empty window), the repeat runs 0."""
    fs[: rings * d * n] = np.nan
    fs[rings * d * n : rings * (d + 1) * n] = 1.0
    fs[rings * (d + 1) * n :] = 0.0
    is_[:n] = d
    is_[n:] = 0


@njit(inline="always", **JIT_OPTIONS)
def unscale(m):
    """``1 / s`` for a window whose largest magnitude is ``m`` (``reference.moments.scale``: 1 within
    ``SAFE_MAGNITUDE`` of 1, else ``2^-e`` with ``m < 2^e``); exact, so ``x * unscale(m) == x / s``."""
    if not m > 0.0 or m == math.inf or (m >= 1.0 / KERNEL_SAFE_MAGNITUDE and m <= KERNEL_SAFE_MAGNITUDE):
        return 1.0
    return math.ldexp(1.0, -min(max(math.frexp(m)[1], -1021), 1023))


@njit(inline="always", **JIT_OPTIONS)
def out_of_scale(ok, z, restart):
    """Whether the O(1) sums must change scale for a new value ``z`` (already scaled; ``ok``: finite): it is beyond
    ``SAFE_MAGNITUDE`` (its 4th power could overflow), or it restarts an empty window and is so small that its
    deviations' 4th powers could underflow. (Smaller values joining larger ones are harmless; when the larger
    ones leave, the kernels' ``CANCELLATION`` check fires.) Branch-free, so the push loops stay vectorised."""
    size = abs(z)
    return ok & ((size > KERNEL_SAFE_MAGNITUDE) | (restart & (size < 1.0 / KERNEL_SAFE_MAGNITUDE) & (size > 0.0)))


@njit(inline="always", **JIT_OPTIONS)
def offset_sums(ring, t, d, n, lo, m, top, inv, pivot, total):
    """The first pass of the two-pass window statistics of assets ``lo .. lo+m-1`` of a full ring (oldest row
    at slot (t+1) % d), in ``reference.moments``' arithmetic: ``inv[j]`` the inverse scale, ``pivot[j]`` the
    oldest value (scaled) and ``total[j]`` the oldest-first sum of ``x * inv - pivot``. One pass finds the
    largest magnitude and sums unscaled; only a block holding a window beyond ``SAFE_MAGNITUDE`` sums again
    with its scales (exact powers of two: the same values as scaling first)."""
    oldest = ((t + 1) % d) * n + lo
    for j in range(m):
        top[j] = 0.0
        total[j] = 0.0
        pivot[j] = ring[oldest + j]
    for age in range(d):  # oldest first
        slot = ((t + 1 + age) % d) * n + lo
        xs = ring[slot : slot + m]
        for j in range(m):
            v = xs[j]
            total[j] += v - pivot[j]
            size = abs(v)
            top[j] = size if size > top[j] else top[j]
    scaled = False
    for j in range(m):
        inv[j] = unscale(top[j])
        scaled |= inv[j] != 1.0
    if scaled:
        for j in range(m):
            pivot[j] *= inv[j]
            total[j] = 0.0
        for age in range(d):
            slot = ((t + 1 + age) % d) * n + lo
            xs = ring[slot : slot + m]
            for j in range(m):
                total[j] += xs[j] * inv[j] - pivot[j]


@njit(inline="always", **JIT_OPTIONS)
def anchor_today(x, inv, k):
    """Start of an O(1) recompute: anchor each asset at today's value ``x`` (scaled) where finite (else keep its
    anchor); return a zeroed row of largest magnitudes for ``track``."""
    for i in range(x.shape[0]):
        if np.isfinite(x[i]):
            k[i] = x[i] * inv[i]
    return np.zeros(x.shape[0])


@njit(inline="always", **JIT_OPTIONS)
def track(top, i, v):
    """Fold ``|v|`` into ``top[i]``, the largest finite magnitude seen (NaN and ±inf left out)."""
    size = abs(v)
    top[i] = size if (size > top[i] and size < math.inf) else top[i]


@njit(inline="always", **JIT_OPTIONS)
def rescaled(top, inv, k):
    """Give each asset the scale of its window's largest finite magnitude ``top`` (``unscale``), keeping its
    anchor ``k``'s value; whether any asset changed scale (its sums must then be summed again). The O(1)
    kernels' recompute sums in the current scales while it tracks ``top``, so a scale that stays (nearly
    always) costs no second sweep of the ring."""
    changed = False
    for i in range(top.shape[0]):
        new = unscale(top[i])
        if new != inv[i]:
            k[i] = (k[i] / inv[i]) * new
            inv[i] = new
            changed = True
    return changed


@njit(inline="always", **JIT_OPTIONS)
def slide(ring, miss, run, cur, prev, i, new):
    """Write asset ``i``'s ``new`` value into the ring slot at offset ``cur`` (``prev``: the previous row's
    slot), update its missing count and equal-run length, and return ``(old, stay_missing)``: the value that
    left the window and how many of the d - 1 values that stay are missing."""
    old = ring[cur + i]
    last = ring[prev + i]  # read before the write: for d = 1 it is the same slot
    ring[cur + i] = new
    ok_new = np.isfinite(new)
    stay_missing = miss[i] - (0 if np.isfinite(old) else 1)
    miss[i] = stay_missing + (0 if ok_new else 1)
    run[i] = run[i] + 1 if (ok_new and new == last) else 0
    return old, stay_missing


@njit(inline="always", **JIT_OPTIONS)
def anchored(inv, k, i, new, old, stay_missing, d):
    """The O(1) kernels' step after ``slide``: asset ``i``'s entering and leaving values as ``a = new * inv - k``
    and ``b = old * inv - k`` (0 where missing), re-anchoring ``k[i]`` at the new value when nothing finite stays
    (``restart``: the sums restart exactly); returns ``(a, b, restart, rescale)``, ``rescale``: the new value is
    ``out_of_scale`` (the sums must be recomputed). Branch-free, so the push loops stay vectorised."""
    ok_new = np.isfinite(new)
    restart = stay_missing == d - 1  # nothing finite stays: restart exactly, anchored at the new value
    z = new * inv[i]
    k[i] = (z if ok_new else 0.0) if restart else k[i]
    b = old * inv[i] - k[i] if (np.isfinite(old) and not restart) else 0.0
    a = z - k[i] if ok_new else 0.0
    return a, b, restart, out_of_scale(ok_new, z, restart)
