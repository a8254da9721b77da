"""Reference (numpy) implementations of the exponential operators: EMA by span / alpha / half-life with pandas'
``adjust`` conventions, GTJA's SMA, and the finite exponential window (BRAIN's ts_decay_exp_window, GTJA's WMA).

**Recursions** (``ewm``): a smoothing factor ``alpha`` in (0, 1] and ``decay = 1 - alpha``;

* ``adjust=1`` (pandas ``adjust=True``): the weighted mean with weight ``decay^j`` on the value j rows ago, over
  the rows since the last missing value. Kept as the running weight ``W = decay * W + 1`` and the mean
  ``m += (x - m) / W`` (the same weighted mean as pandas' numerator / denominator, and exactly the value
  over a run of equal values);
* ``adjust=0`` (pandas ``adjust=False``): ``y = x`` at the first valid row, then ``y += alpha * (x - y)``,
  i.e. ``y = (1 - alpha) y + alpha x``.

A missing value (NaN or ±inf) gives NaN and restarts (pandas ``ewm`` on each run of valid values). ``smoothing``
states how each operator's parameters give ``(decay, alpha)``; the numba kernel (``kernels/expo.py``) restates it
(a test checks the two agree).

**Finite window** (``exp_window``): ``sum_{i<d} x[t-i] f^i / sum_{i<d} f^i`` (today weight 1, the oldest
``f^(d-1)``), strict window rule, in ``moments``' arithmetic (scaled, shifted by the oldest value, summed
oldest first), so exactly the value over a constant window.

Example:
    >>> import numpy as np
    >>> ewm(np.array([[1.0], [3.0], [np.nan], [2.0]]), SPAN, 3, 1)[:, 0]  # alpha 1/2: (3 + 1/2) / 1.5
    array([1.        , 2.33333333,        nan, 2.        ])
    >>> exp_window(np.array([[1.0], [2.0], [4.0]]), 2, 0.5)[:, 0]  # (4 + 0.5 * 2) / 1.5
    array([       nan, 1.66666667, 3.33333333])
"""

from __future__ import annotations

import numpy as np

from alphalang.backend.reference.moments import normalise, oldest_first_sum
from alphalang.backend.reference.rolling import _rolling

# how an EMA operator's two statics give its smoothing (the numba family's modes, in this order)
SPAN, ALPHA, HALFLIFE, SMA = range(4)


def smoothing(kind: int, a: float, b: float) -> tuple[float, float, bool]:
    """``(decay, alpha, adjust)`` of an EMA operator from its two statics:

    * SPAN ``(span, adjust)``: ``alpha = 2 / (span + 1)``;
    * ALPHA ``(alpha, adjust)``;
    * HALFLIFE ``(halflife, adjust)``: ``decay = 0.5 ** (1 / halflife)`` (as ``ts_ema``);
    * SMA ``(n, m)`` (GTJA ``SMA(A, n, m)``): ``alpha = m / n``, never adjusted.

    ``adjust`` is any non-zero value (``true`` is 1).

    >>> smoothing(SPAN, 3, 0), smoothing(SMA, 4, 1)
    ((0.5, 0.5, False), (0.75, 0.25, False))
    """
    if kind == HALFLIFE:
        decay = 0.5 ** (1.0 / a)
        return decay, 1.0 - decay, b != 0
    if kind == SPAN:
        alpha = 2.0 / (a + 1.0)
    elif kind == ALPHA:
        alpha = a
    else:
        alpha = b / a
        b = 0.0
    return 1.0 - alpha, alpha, b != 0


def ewm(x, kind: int, a: float, b: float) -> np.ndarray:
    """The EMA of ``x`` down each column (see the module docstring); NaN where x is missing."""
    x = np.asarray(x, dtype=np.float64)
    decay, alpha, adjust = smoothing(kind, a, b)
    out = np.full(x.shape, np.nan)
    mean = np.zeros(x.shape[1])
    weight = np.zeros(x.shape[1])  # adjust: sum of decay^j over the run; else 1 once started
    with np.errstate(all="ignore"):
        for t in range(len(x)):
            ok = np.isfinite(x[t])
            if adjust:
                weight = np.where(ok, decay * weight + 1.0, 0.0)
                gain = 1.0 / weight
            else:
                gain = np.where(weight == 0.0, 1.0, alpha)
                weight = np.where(ok, 1.0, 0.0)
            mean = np.where(ok, mean + gain * (x[t] - mean), 0.0)
            out[t] = np.where(ok, mean, np.nan)
    return out


def ts_ema_span(x, span: int, adjust: float = 1.0) -> np.ndarray:
    return ewm(x, SPAN, span, adjust)


def ts_ema_alpha(x, alpha: float, adjust: float = 1.0) -> np.ndarray:
    return ewm(x, ALPHA, alpha, adjust)


def ts_ema_halflife(x, halflife: float, adjust: float = 1.0) -> np.ndarray:
    return ewm(x, HALFLIFE, halflife, adjust)


def ts_sma_gtja(x, n: int, m: float = 1.0) -> np.ndarray:
    return ewm(x, SMA, n, m)


def exp_weights(d: int, factor: float) -> np.ndarray:
    """The window's weights oldest first, ``factor^(d-1) .. factor, 1``, each the next one times ``factor``
    (products, not powers: the kernel builds them the same way).

    >>> exp_weights(3, 0.5)
    array([0.25, 0.5 , 1.  ])
    """
    weights = np.empty(d)
    w = 1.0
    for j in range(d - 1, -1, -1):
        weights[j] = w
        w *= factor
    return weights


def exp_window(x, d: int, factor: float = 1.0) -> np.ndarray:
    """Exponentially weighted window mean: weight ``factor^i`` on the value i rows ago, i < d, divided by
    the weights' sum; the pivot plus the weighted mean offset from it (``moments``), so exactly the value over
    an exactly constant window."""
    weights = exp_weights(d, factor)
    total = oldest_first_sum(weights)

    def mean(w):
        win = normalise(w)
        return (win.p + oldest_first_sum(win.y * weights) / total) * win.s

    return _rolling(mean, [x], d)


def ts_decay_exp_window(x, d: int, factor: float = 1.0) -> np.ndarray:
    return exp_window(x, d, factor)


def ts_wma_gtja(x, d: int) -> np.ndarray:
    """GTJA's WMA(A, n): the exponential window with factor 0.9 (the registry entry is that composition)."""
    return exp_window(x, d, 0.9)


def ts_ema_window(x, d: int) -> np.ndarray:
    """alphagen's EMA(x, d): the exponential window with the span-d factor ``1 - 2 / (d + 1)``."""
    return exp_window(x, d, (d - 1) / (d + 1))
