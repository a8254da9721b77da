"""Cross-sectional and group operators: per date (row), over the assets with a finite value.

NaN and ±inf inputs are missing and give NaN. Group labels come from ``IndClass.<level>``; a negative label
means "no group" and gives NaN. Lowering names a per-row kernel in ``alphalang.backend.numba``.
"""

from __future__ import annotations

from alphalang.backend.reference import rowwise as ref
from alphalang.ops.registry import register
from alphalang.ops.spec import ArgKind, OpSpec, Param, ResultKind

_ROW = "missing (NaN/±inf) inputs are excluded from the date's statistics and give NaN"
_GROUP = "as cross-sectional, per group; a negative label gives NaN"
_XG = (Param("x", ArgKind.SERIES), Param("g", ArgKind.GROUP))


def _cs(name, params, reference, doc, example, result=ResultKind.CROSS_SECTIONAL, aliases=(), nan_rule=_ROW):
    register(OpSpec(name=name, params=params, result=result, reference=reference, doc=doc, example=example,
                    nan_rule=nan_rule, lowering=name, aliases=aliases, category=result.value))


_cs("rank", (Param("x", ArgKind.SERIES),), ref.rank, "Average-tie rank among the date's assets divided by their "
    "count, in (0, 1].", "rank(close)", aliases=("cs_rank",))
_cs("scale", (Param("x", ArgKind.SERIES), Param("a", ArgKind.CONST, default=1.0)), ref.scale,
    "x * a / sum(|x|) over the date's assets; NaN for the whole date if that sum is 0.", "scale(x, a=2)",
    aliases=("cs_scale",))
_cs("cs_zscore", (Param("x", ArgKind.SERIES),), ref.cs_zscore, "(x - mean) / std over the date's assets, std "
    "with ddof 0; NaN if it is 0.", "cs_zscore(returns)", aliases=("zscore",))
_cs("indneutralize", _XG, ref.indneutralize, "x minus the mean of x over its group on that date.",
    "indneutralize(close, IndClass.industry)", ResultKind.GROUP, ("group_neutralize",), _GROUP)
_cs("group_mean", _XG, ref.group_mean, "The mean of x over its group on that date.",
    "group_mean(returns, IndClass.sector)", ResultKind.GROUP, nan_rule=_GROUP)
_cs("group_rank", _XG, ref.group_rank, "Average-tie rank within the group on that date divided by the group's "
    "count, in (0, 1].", "group_rank(volume, IndClass.sector)", ResultKind.GROUP, nan_rule=_GROUP)
_cs("group_zscore", _XG, ref.group_zscore, "(x - group mean) / group std (ddof 0) on that date; NaN where that "
    "std is 0 (e.g. a one-member group).", "group_zscore(returns, IndClass.sector)", ResultKind.GROUP,
    nan_rule=_GROUP)
