"""How the reference sums a window: the one place that decides the arithmetic of every window statistic
(ts_sum, ts_mean, decay_linear, ts_var/std, ts_zscore, ts_skew, ts_kurt, ts_cov/corr, ts_slope/rsquare/resid),
and the exact constant-window rule.

A window ``w`` (oldest value first, along the last axis) is **normalised** before any power is summed:

* divided by a power of two ``s`` (exact): ``s = 1`` while the window's largest magnitude ``m`` lies in
  ``[1 / SAFE_MAGNITUDE, SAFE_MAGNITUDE]`` (2^±200: no 4th power of a deviation, nor a sum of them, can over-
  or underflow there); outside, ``s = 2^e`` with ``m = f 2^e``, ``0.5 <= f < 1``, so the scaled values are
  below 1 in magnitude. A spread near 1e300 is then finite although its square is not;
* shifted by its oldest value ``p`` (the pivot): ``y = w / s - p``. Values near the pivot subtract exactly
  (Sterbenz), so ``1e15 + noise`` keeps every digit of the noise; the window mean of ``w`` (rounded to an ulp
  of 1e15, i.e. up to ~1e-1 absolute) is never subtracted from the data.

Deviations are then ``c = y - mean(y)`` (exactly 0 over a constant window, since every ``y`` is 0) and every
sum runs oldest first, sequentially (``oldest_first_sum``): the numba kernels use this same arithmetic for
windows of at most ``DIRECT_MAX`` rows and are bitwise equal to it. Results are scaled back by ``s`` (a
variance by ``s`` twice, so ±inf / 0 only where the true value over- or underflows).

Constant windows are decided exactly (``constant``: all values equal, no float threshold); the numba
kernels decide the same with a run counter of repeated values (``kernels/ring.py``).

Example:
    >>> import numpy as np
    >>> win = normalise(np.array([[1e15 + 1, 1e15 + 3, 1e15 + 2]]))
    >>> win.p, win.y, win.c
    (array([1.e+15]), array([[0., 2., 1.]]), array([[-1.,  1.,  0.]]))
    >>> win = normalise(np.array([[1e300, 3e300]]))  # scaled by 2^999: values below 1, squares finite
    >>> np.log2(win.s), win.y * win.s
    (array([999.]), array([[0.e+000, 2.e+300]]))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

SAFE_MAGNITUDE = 2.0**200  # windows whose largest magnitude is in [1/SAFE_MAGNITUDE, SAFE_MAGNITUDE]: s = 1
_EXPONENTS = (-1021, 1023)  # 2^e and 2^-e both representable exactly


def constant(w: np.ndarray) -> np.ndarray:
    """Exactly constant windows (all values equal), without any float threshold.

    >>> constant(np.array([[0.1, 0.1, 0.1], [1.0, 1.0, 1.0 + 2**-52]]))
    array([ True, False])
    """
    return w.max(axis=-1) == w.min(axis=-1)


def scale(w: np.ndarray) -> np.ndarray:
    """The power of two each window is divided by (shape ``w.shape[:-1]``): 1 while its largest magnitude is
    within ``SAFE_MAGNITUDE`` of 1 (or 0), else ``2^e`` with the magnitude below ``2^e``.

    >>> np.log2(scale(np.array([[1e15, -3.0], [0.0, 0.0], [1e300, 1.0], [-1e-300, 0.0]])))
    array([   0.,    0.,  997., -996.])
    """
    m = np.abs(w).max(axis=-1)
    safe = ~np.isfinite(m) | (m == 0) | ((m >= 1 / SAFE_MAGNITUDE) & (m <= SAFE_MAGNITUDE))
    return np.where(safe, 1.0, np.ldexp(1.0, np.clip(np.frexp(m)[1], *_EXPONENTS)))


def oldest_first_sum(a: np.ndarray) -> np.ndarray:
    """Sum along the last axis, oldest first, one term at a time (the numba kernels' order), from +0.0.

    >>> oldest_first_sum(np.array([[1e16, 1.0, 1.0, -1e16]]))  # pairwise summation would give 2.0
    array([0.])
    """
    total = np.zeros(a.shape[:-1])
    for j in range(a.shape[-1]):
        total += a[..., j]
    return total


class Window(NamedTuple):
    """A normalised window: ``w = s * (p + y)``, ``c = y - mean`` (shapes: ``s, p, mean`` ``w.shape[:-1]``;
    ``y, c`` ``w.shape``)."""

    s: np.ndarray
    p: np.ndarray
    y: np.ndarray
    mean: np.ndarray
    c: np.ndarray


def normalise(w: np.ndarray) -> Window:
    """Scale ``w`` by a power of two, shift it by its oldest value and centre it (see the module docstring)."""
    s = scale(w)
    z = w / s[..., None]
    p = z[..., 0]
    y = z - p[..., None]
    mean = oldest_first_sum(y) / w.shape[-1]
    return Window(s, p, y, mean, y - mean[..., None])


def normalise_valid(w: np.ndarray, valid: np.ndarray) -> tuple[Window, np.ndarray]:
    """``normalise`` over the ``valid`` positions of each window only (the NaN policy ``skip``): scaled by the
    power of two of the largest valid magnitude, shifted by the oldest valid value, centred on the mean of the
    valid values; ``y`` and ``c`` are 0 at the other positions (adding 0 leaves every oldest-first sum as it is).
    Returns the window and the count of valid values.

    >>> win, n = normalise_valid(np.array([[np.nan, 2.0, np.nan, 6.0]]), np.array([[False, True, False, True]]))
    >>> win.p, win.y, win.c, n
    (array([2.]), array([[0., 0., 0., 4.]]), array([[ 0., -2.,  0.,  2.]]), array([2]))
    """
    z0 = np.where(valid, w, 0.0)
    s = scale(z0)
    z = z0 / s[..., None]
    p = np.take_along_axis(z, np.argmax(valid, axis=-1)[..., None], axis=-1)[..., 0]
    y = np.where(valid, z - p[..., None], 0.0)
    n = valid.sum(axis=-1)
    with np.errstate(all="ignore"):
        mean = oldest_first_sum(y) / n
    return Window(s, p, y, mean, np.where(valid, y - mean[..., None], 0.0)), n


def sum_of_squares(c: np.ndarray) -> np.ndarray:
    """``sum(c * c)`` oldest first (squares, not ``**``: numpy's power is not the kernels' product)."""
    return oldest_first_sum(c * c)
