"""Operators the compiler inserts itself; users cannot call them by name.

``broadcast`` turns a constant into a full panel before a time-series, cross-sectional or group operator
(``rank(5)`` ranks a panel of fives), and when a whole output is constant.
"""

from __future__ import annotations

import numpy as np

from alphalang.ops.registry import register
from alphalang.ops.spec import ArgKind, OpSpec, Param, ResultKind


def broadcast(value: float, shape: tuple[int, int]) -> np.ndarray:
    return np.full(shape, value, dtype=np.float64)


register(OpSpec(
    name="broadcast", params=(Param("value", ArgKind.SERIES),), result=ResultKind.ELEMENTWISE,
    reference=broadcast, doc="A constant repeated over the whole panel (inserted by the compiler).",
    example="rank(5)", nan_rule="none", lowering="{0}", category="internal", internal=True,
))
