"""Reference (numpy) implementations of the compositions in ``alphalang.ops.compositions``, written out from
the reference window statistics.

Example:
    >>> import numpy as np
    >>> ts_max_diff(np.array([[1.0], [3.0], [2.0]]), 2)[:, 0]
    array([nan,  0., -1.])
"""

from __future__ import annotations

import numpy as np

from alphalang.backend.reference import rolling


def _quiet(fn):
    def wrapped(*args):
        with np.errstate(all="ignore"):
            return fn(*args)

    wrapped.__name__, wrapped.__doc__ = fn.__name__, fn.__doc__
    return wrapped


@_quiet
def ts_av_diff(x, d):
    return x - rolling.ts_mean(x, d)


@_quiet
def ts_ir(x, d):
    return rolling.ts_mean(x, d) / rolling.ts_std(x, d)


@_quiet
def ts_returns(x, d, mode=1.0):
    before = rolling.delay(x, d)
    if mode == 2:
        return (x - before) / ((x + before) / 2)
    return x / before - 1


@_quiet
def ts_scale(x, d, constant=0.0):
    low, high = rolling.ts_min(x, d), rolling.ts_max(x, d)
    return (x - low) / (high - low) + constant


@_quiet
def ts_max_diff(x, d):
    return x - rolling.ts_max(x, d)


@_quiet
def ts_min_diff(x, d):
    return x - rolling.ts_min(x, d)


@_quiet
def ts_min_max_cps(x, d, f=2.0):
    return rolling.ts_min(x, d) + rolling.ts_max(x, d) - f * x


@_quiet
def ts_min_max_diff(x, d, f=0.5):
    return x - f * (rolling.ts_min(x, d) + rolling.ts_max(x, d))


@_quiet
def clamp(x, lower, upper):
    return np.minimum(np.maximum(x, lower), upper)


@_quiet
def ts_vector_proj(x, y, d):
    return y * rolling.ts_sum(x * y, d) / rolling.ts_sum(y * y, d)


@_quiet
def ts_vector_neut(x, y, d):
    return x - ts_vector_proj(x, y, d)


def ts_count(x, d):
    present = np.isfinite(np.asarray(x, dtype=np.float64)).astype(np.float64)
    return rolling.ts_sum(present, d)


def ts_rank_quantile(x, d, driver="gaussian"):
    from alphalang.backend.reference.arithmetic import inverse_cdf

    if d == 1:
        p = np.where(np.isfinite(np.asarray(x, dtype=np.float64)), 0.5, np.nan)
    else:
        p = 1 / d + (rolling.ts_rank(x, d) * d - 1) / (d - 1) * (1 - 2 / d)
    return inverse_cdf(p, driver)
