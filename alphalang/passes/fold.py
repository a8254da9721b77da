"""Constant folding: an elementwise operator whose arguments are all constants becomes a constant.

The registry's own reference implementation computes the value, so folding cannot disagree with evaluation.

Example:
    >>> from alphalang.ops import lookup
    >>> fold(lookup("mul"), (-1.0, 0.1))
    -0.1
"""

from __future__ import annotations

import numpy as np

from alphalang.ops.spec import OpSpec, ResultKind


def can_fold(spec: OpSpec) -> bool:
    return spec.result is ResultKind.ELEMENTWISE and not spec.internal


def fold(spec: OpSpec, values: tuple[float, ...]) -> float:
    """The value of an elementwise operator applied to constant arguments."""
    with np.errstate(all="ignore"):
        result = spec.reference(*(np.float64(v) for v in values))
    return float(np.asarray(result, dtype=np.float64))
