"""Group labels computed from data: ``bucket`` (the other label-valued operator, ``densify``, is a mode of the
group family, which reads labels). Labels are written to a row buffer as floats (-1: no group); the group kernels
read them back through ``group.row_labels``.

Example:
    >>> import numpy as np
    >>> out = np.empty(5)
    >>> consts = np.array([3.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0])  # bounds 0, 0.5, 1 (``reference.groups.bucket_consts``)
    >>> bucket(np.array([-1.0, 0.25, 0.5, 2.0, np.nan]), consts, 0, out)
    >>> out
    array([ 0.,  1.,  1.,  3., -1.])
"""

from __future__ import annotations

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import BUCKET_ROW, JIT_OPTIONS

BUCKET = 0  # the family's one mode (``families.FAMILY["groups2"].modes``)


@njit(BUCKET_ROW, **JIT_OPTIONS)
def bucket(x, consts, c0, out):
    """The bucket label of each x among the bounds consts[c0 + 3 : c0 + 3 + m] (m = consts[c0]): the number of
    bounds below x, by binary search; the outer bucket 0 (m) is no group when consts[c0 + 1] (consts[c0 + 2]) is
    set, and missing x is no group, or label m + 1 when consts[c0 + 3] (NaNGroup)."""
    m = int(consts[c0])
    skip_low = consts[c0 + 1] != 0.0
    skip_high = consts[c0 + 2] != 0.0
    nan_group = consts[c0 + 3] != 0.0
    b0 = c0 + 4
    for i in range(x.shape[0]):
        v = x[i]
        if not np.isfinite(v):
            out[i] = float(m + 1) if nan_group else -1.0
            continue
        lo, hi = 0, m
        while lo < hi:  # first bound >= v
            mid = (lo + hi) // 2
            if consts[b0 + mid] < v:
                lo = mid + 1
            else:
                hi = mid
        out[i] = -1.0 if (skip_low and lo == 0) or (skip_high and lo == m) else float(lo)
