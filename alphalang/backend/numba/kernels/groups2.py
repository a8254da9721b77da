"""Group labels computed from data: ``bucket``, and ``cartesian`` (group_cartesian_product: one group per pair of
labels). The other label-valued operator, ``densify``, is a mode of the group family, which reads labels. Labels
are written to a row buffer as floats (-1: no group); the group kernels read them back through
``group.row_labels``.

Example:
    >>> import numpy as np
    >>> out = np.empty(5)
    >>> consts = np.array([3.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0])  # bounds 0, 0.5, 1 (``reference.groups.bucket_consts``)
    >>> bucket(np.array([-1.0, 0.25, 0.5, 2.0, np.nan]), consts, 0, out)
    >>> out
    array([ 0.,  1.,  1.,  3., -1.])
    >>> cartesian(np.array([1, 0, 1, -1]), np.array([0, 2, 0, 1]), 3, out[:4])  # pairs (1,0) (0,2) (1,0) -
    >>> out[:4]
    array([ 1.,  0.,  1., -1.])
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba import types as _t

from alphalang.backend.numba.kernels import BUCKET_ROW, IROW, JIT_OPTIONS, ROW
from alphalang.backend.numba.kernels.group import labels, row_labels

BUCKET, CARTESIAN = 0, 1  # the family's modes (``families.FAMILY["groups2"].modes``)


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


@njit(_t.void(IROW, IROW, _t.int64, ROW), **JIT_OPTIONS)
def cartesian(g1, g2, n2, out):
    """One label per pair ``(g1, g2)`` present in the row (labels 0..n2-1 in ``g2``), numbered 0..k-1 in the
    pairs' lexicographic order (``reference.groups.group_cartesian_product``); -1 where either has no group."""
    for i in range(g1.shape[0]):
        out[i] = float(g1[i] * n2 + g2[i]) if (g1[i] >= 0 and g2[i] >= 0) else -1.0
    dense = np.empty(g1.shape[0], np.int64)
    row_labels(out, dense)
    for i in range(g1.shape[0]):
        out[i] = float(dense[i])


@njit(inline="always", **JIT_OPTIONS)
def push(x, mode, consts, k, level, r, rows, groups, n_groups, c0, out):
    """Row ``r``'s labels: ``bucket`` of ``x`` (its bounds from ``consts[k]``), or the ``cartesian`` product of
    the labelling at ``level`` and the one whose source is ``consts[k]`` (``codegen``)."""
    if mode == CARTESIAN:
        g, _ = labels(level, r, rows, groups, n_groups, c0)
        g2, n2 = labels(int(consts[k]), r, rows, groups, n_groups, c0)
        cartesian(g, g2, n2, out)
    else:
        bucket(x, consts, k, out)
