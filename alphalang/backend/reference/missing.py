"""Reference (numpy) implementations of the missing-value operators: tests for NaN, clean-ups, NaN counts and
back-filling.

The elementwise ones follow BRAIN: ``is_nan`` is about NaN only (±inf are numbers to it); ``is_finite`` /
``is_not_finite`` and ``purify`` also treat ±inf. The windowed ones are time-series operators, so ±inf counts
as missing there, like NaN. ``ts_backfill`` and ``kth_element`` look at the last d rows (today included), or
at as many as exist during warm-up: they never blank a valid value.

Example:
    >>> import numpy as np
    >>> x = np.array([[1.0], [np.nan], [np.nan], [4.0]])
    >>> ts_backfill(x, 2)[:, 0]
    array([ 1.,  1., nan,  4.])
    >>> ts_count_nans(x, 2)[:, 0]
    array([nan,  1.,  2.,  1.])
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def is_nan(x):
    """1.0 where x is NaN, else 0.0 (±inf give 0)."""
    return np.isnan(_f(x)).astype(np.float64)


def is_finite(x):
    """1.0 where x is a finite number, else 0.0."""
    return np.isfinite(_f(x)).astype(np.float64)


def is_not_finite(x):
    """1.0 where x is NaN or ±inf, else 0.0."""
    return (~np.isfinite(_f(x))).astype(np.float64)


def purify(x):
    """±inf become NaN; everything else passes."""
    x = _f(x)
    return np.where(np.isinf(x), np.nan, x)


def nan_mask(x, y):
    """NaN where y < 0, else x (a NaN y masks nothing)."""
    x, y = np.broadcast_arrays(_f(x), _f(y))
    with np.errstate(invalid="ignore"):
        return np.where(y < 0, np.nan, x)


def ts_count_nans(x, d: int):
    """The number of missing values (NaN or ±inf) among rows t-d+1..t; NaN during warm-up (t < d-1)."""
    x = _f(x)
    out = np.full(x.shape, np.nan)
    if d <= len(x):
        windows = sliding_window_view(~np.isfinite(x), d, axis=0)  # (T-d+1, N, d)
        out[d - 1 :] = windows.sum(axis=-1)
    return out


def _kth_valid(x, d: int, k: float) -> np.ndarray:
    """Per row t: the k-th finite value counting back from today over rows max(0, t-d+1)..t, else NaN."""
    x = np.where(np.isfinite(_f(x)), _f(x), np.nan)
    k = int(k)
    out = np.full(x.shape, np.nan)
    columns = np.arange(x.shape[1])
    for t in range(len(x)):
        newest_first = x[max(0, t - d + 1) : t + 1][::-1]
        valid = ~np.isnan(newest_first)
        hit = valid & (np.cumsum(valid, axis=0) == k)  # the k-th valid value of each column, if any
        row = hit.argmax(axis=0)
        out[t] = np.where(hit.any(axis=0), newest_first[row, columns], np.nan)
    return out


def kth_element(x, d: int, k: float = 1.0):
    """The k-th non-missing value counting back from today (today is the first if it is valid) within the
    last d rows; NaN if there are fewer. k is floored."""
    return _kth_valid(x, d, k)


def ts_backfill(x, d: int, k: float = 1.0):
    """x where it is valid; otherwise the k-th most recent valid value within the last d rows (NaN if none)."""
    x = _f(x)
    return np.where(np.isfinite(x), x, _kth_valid(x, d, k))


def to_nan(x, value=0.0, reverse=0.0):
    """reverse == 0: NaN where x == value, else x. reverse != 0: value where x is NaN, else x (±inf stay)."""
    x, value, reverse = np.broadcast_arrays(_f(x), _f(value), _f(reverse))
    return np.where(reverse != 0, np.where(np.isnan(x), value, x), np.where(x == value, np.nan, x))


def left_tail(x, maximum=0.0):
    """NaN where x > maximum, else x."""
    x, maximum = np.broadcast_arrays(_f(x), _f(maximum))
    with np.errstate(invalid="ignore"):
        return np.where(x > maximum, np.nan, x)


def right_tail(x, minimum=0.0):
    """NaN where x < minimum, else x."""
    x, minimum = np.broadcast_arrays(_f(x), _f(minimum))
    with np.errstate(invalid="ignore"):
        return np.where(x < minimum, np.nan, x)


def tail(x, lower=0.0, upper=0.0, newval=0.0):
    """newval where lower < x < upper, else x."""
    x, lower, upper, newval = np.broadcast_arrays(_f(x), _f(lower), _f(upper), _f(newval))
    with np.errstate(invalid="ignore"):
        return np.where((x > lower) & (x < upper), newval, x)
