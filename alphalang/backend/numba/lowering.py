"""How each registry ``lowering`` name maps onto a hand-written kernel family and its mode.

Elementwise operators lower through their registry template (an expression over ``{0}, {1}..`` using ``ew``);
every other operator names a kernel family here. ``lower(op)`` is the one lookup the code generator uses,
and ``tests/numba`` checks that every registry operator resolves.

Example:
    >>> lower("ts_mean")
    Lowering(family='moments', mode='MEAN', kind='window')
    >>> lower("rank").kind
    'row'
"""

from __future__ import annotations

from dataclasses import dataclass

from alphalang.ops import lookup
from alphalang.ops.spec import ResultKind


@dataclass(frozen=True)
class Lowering:
    family: str  # module under alphalang.backend.numba.kernels
    mode: str | None  # mode constant of that module (None: the family has one statistic)
    kind: str  # "window" (state kernel with a window d), "ema", "row", "group", "elementwise"


_WINDOW = {
    "delay": ("shift", "DELAY"), "delta": ("shift", "DELTA"),
    "ts_sum": ("moments", "SUM"), "ts_mean": ("moments", "MEAN"), "ts_var": ("moments", "VAR"),
    "ts_std": ("moments", "STD"), "ts_zscore": ("moments", "ZSCORE"), "ts_skew": ("moments", "SKEW"),
    "ts_kurt": ("moments", "KURT"),
    "ts_cov": ("comoments", "COV"), "ts_corr": ("comoments", "CORR"),
    "decay_linear": ("linear", "DECAY"), "ts_slope": ("linear", "SLOPE"), "ts_rsquare": ("linear", "RSQUARE"),
    "ts_resid": ("linear", "RESID"),
    "ts_max": ("extrema", "MAX"), "ts_min": ("extrema", "MIN"), "ts_argmax": ("extrema", "ARGMAX"),
    "ts_argmin": ("extrema", "ARGMIN"), "ts_arg_max_days": ("extrema", "ARGMAX_DAYS"),
    "ts_arg_min_days": ("extrema", "ARGMIN_DAYS"),
    "ts_product": ("product", "PRODUCT"),
    "ts_rank": ("tsrank", "RANK"),
}
_OTHER = {
    "ts_ema": Lowering("ema", None, "ema"),
    "rank": Lowering("crosssection", "rank", "row"),
    "scale": Lowering("crosssection", "scale", "row"),
    "cs_zscore": Lowering("crosssection", "zscore", "row"),
    "indneutralize": Lowering("group", "NEUTRALIZE", "group"),
    "group_mean": Lowering("group", "MEAN", "group"),
    "group_rank": Lowering("group", "RANK", "group"),
    "group_zscore": Lowering("group", "ZSCORE", "group"),
}

def lower(op: str) -> Lowering:
    """The lowering of a registry operator (by canonical name)."""
    spec = lookup(op)
    if spec is None:
        raise KeyError(f"no operator {op!r} in the registry")
    if spec.result is ResultKind.ELEMENTWISE:
        return Lowering("elementwise", spec.lowering, "elementwise")
    if spec.lowering in _WINDOW:
        family, mode = _WINDOW[spec.lowering]
        return Lowering(family, mode, "window")
    if spec.lowering in _OTHER:
        return _OTHER[spec.lowering]
    raise KeyError(f"operator {op!r} has lowering {spec.lowering!r}, which names no numba kernel family")
