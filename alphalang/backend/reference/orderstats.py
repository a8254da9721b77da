"""Reference (numpy) rolling order statistics: ts_quantile, ts_median, ts_mad, ts_max_drawdown.

Each window (rows t-d+1 .. t, strict NaN rule as every window: ``rolling._rolling``) is sorted whole and the
statistic read off the sorted values, in pandas' own arithmetic:

* ``ts_quantile(x, d, q)``: position ``k = q * (d - 1)``, ``i = int(k)``; ``sorted[i]`` when ``k == i``, else
  ``lo + (hi - lo) * (k - i)`` with ``lo, hi = sorted[i], sorted[i + 1]`` (pandas ``rolling.quantile`` with
  ``interpolation="linear"``, hence qlib's ``Quantile``);
* ``ts_median(x, d)``: the middle value, or ``(lo + hi) / 2`` of the two middle ones (pandas
  ``rolling.median``, bottleneck ``move_median``);
* ``ts_mad(x, d)``: ``mean(|w - mean(w)|)`` (qlib's ``Mad``), summed in ``moments``' arithmetic (scaled,
  shifted by the oldest value, oldest first), so ``1e8 + noise`` keeps the noise's digits.
* ``ts_max_drawdown(x, d)``: ``(peak - trough) / peak`` with ``peak`` the window's largest value (its oldest
  occurrence if tied) and ``trough`` the smallest value at or after it (KunQuant's ``WindowedMaxDrawdown``): the
  fall from the window's high, not the largest fall between any two of its points; 0 when the high is today.

Where pandas' interpolation overflows (two values of one sign near 1e308, or of both signs beyond 8e307)
``interpolate``/``midpoint`` switch to an equivalent form that does not, so a window of finite values never
gives ±inf.

Example:
    >>> import numpy as np
    >>> x = np.array([[1.0], [4.0], [2.0], [8.0]])
    >>> ts_quantile(x, 3, 0.25)[:, 0]  # window (1, 4, 2): k = 0.5, 1 + (2 - 1) * 0.5
    array([nan, nan, 1.5, 3. ])
    >>> ts_median(x, 2)[:, 0], ts_mad(x, 2)[:, 0]
    (array([nan, 2.5, 3. , 5. ]), array([nan, 1.5, 1. , 3. ]))
"""

from __future__ import annotations

import numpy as np

from alphalang.backend.reference.moments import normalise, oldest_first_sum
from alphalang.backend.reference.rolling import _rolling


def interpolate(lo, hi, frac):
    """pandas' linear interpolation ``lo + (hi - lo) * frac`` (``lo <= hi``, ``0 < frac < 1``); where it overflows,
    ``lo * (1 - frac) + hi * frac``.

    >>> float(interpolate(1.0, 2.0, 0.25)), float(interpolate(-1.5e308, 1.5e308, 0.5))
    (1.25, 0.0)
    """
    with np.errstate(over="ignore", invalid="ignore"):
        value = lo + (hi - lo) * frac
        return np.where(np.isfinite(value), value, lo * (1.0 - frac) + hi * frac)


def midpoint(lo, hi):
    """pandas' median of two values ``(lo + hi) / 2``; where the sum overflows, ``lo / 2 + hi / 2``.

    >>> float(midpoint(1.0, 2.0)), float(midpoint(1.5e308, 1.7e308))
    (1.5, 1.6e+308)
    """
    with np.errstate(over="ignore", invalid="ignore"):
        value = (lo + hi) / 2.0
        return np.where(np.isfinite(value), value, lo / 2.0 + hi / 2.0)


def position(q: float, d: int) -> tuple[int, float]:
    """pandas' interpolation point in a sorted window of d values: index ``i`` and fraction ``k - i`` of
    ``k = q * (d - 1)`` (fraction 0: the value at ``i`` exactly).

    >>> position(0.5, 4), position(1.0, 5)
    ((1, 0.5), (4, 0.0))
    """
    k = q * (d - 1)
    i = int(k)
    return i, k - i


def ts_quantile(x, d: int, q: float = 0.5):
    """The q-quantile of the window, linearly interpolated as pandas ``rolling(d).quantile(q)``."""
    i, frac = position(q, d)

    def quantile(w):
        s = np.sort(w, axis=-1)
        return s[..., i] if frac == 0.0 else interpolate(s[..., i], s[..., i + 1], frac)

    return _rolling(quantile, [x], d)


def ts_median(x, d: int):
    """The window median as pandas ``rolling(d).median()``: the middle value, or the midpoint of the two."""

    def median(w):
        s = np.sort(w, axis=-1)
        return s[..., d // 2] if d % 2 else midpoint(s[..., d // 2 - 1], s[..., d // 2])

    return _rolling(median, [x], d)


def ts_mad(x, d: int):
    """Mean absolute deviation around the window mean, ``mean(|w - mean(w)|)`` (qlib ``Mad``)."""

    def mad(w):
        win = normalise(w)
        return oldest_first_sum(np.abs(win.c)) / d * win.s

    return _rolling(mad, [x], d)


def ts_max_drawdown(x, d: int):
    """(peak - trough) / peak: the window's maximum (oldest if tied) and the minimum from it to today."""

    def drawdown(w):
        at = np.argmax(w, axis=-1)[..., None]  # the oldest occurrence of the maximum
        peak = np.take_along_axis(w, at, axis=-1)[..., 0]
        trough = np.where(np.arange(d) >= at, w, np.inf).min(axis=-1)
        return (peak - trough) / peak

    return _rolling(drawdown, [x], d)
