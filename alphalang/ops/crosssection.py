"""Cross-sectional and group operators: per date (row), over the assets with a finite value.

NaN and ±inf inputs are missing and give NaN. Group labels come from ``IndClass.<level>``; a negative label
means "no group" and gives NaN. Lowering names a per-row kernel in ``alphalang.backend.numba``.
"""

from __future__ import annotations

from alphalang.backend.reference import rowwise as ref
from alphalang.backend.reference.cleanup import rank as rank_with_rate
from alphalang.backend.reference.cleanup import scale as brain_scale
from alphalang.ops.registry import register
from alphalang.ops.spec import ArgKind, OpSpec, Param, ResultKind

_ROW = "missing (NaN/±inf) inputs are excluded from the date's statistics and give NaN"
_GROUP = "as cross-sectional, per group; a negative label gives NaN"
_XG = (Param("x", ArgKind.SERIES), Param("g", ArgKind.GROUP))


def cross_section(name: str, *, result: ResultKind = ResultKind.CROSS_SECTIONAL, nan_rule: str = _ROW,
                  **fields) -> OpSpec:
    """Declare a per-date (cross-sectional or group) operator lowered by the numba row kernel of its name;
    ``fields`` are the rest of :class:`OpSpec` (params, reference, doc, example, aliases)."""
    return register(OpSpec(name=name, result=result, nan_rule=nan_rule, lowering=name, category=result.value,
                           **fields))


cross_section(
    "rank",
    params=(Param("x", ArgKind.SERIES), Param("rate", ArgKind.CONST, default=2.0, ignored=True)),
    reference=rank_with_rate,
    doc="Average-tie rank among the date's assets divided by their count, in (0, 1]; BRAIN's rate (a sorting "
        "precision hint) is accepted and has no effect: ranks are always exact.",
    example="rank(close)",
    aliases=("cs_rank",),
)
cross_section(
    "scale",
    params=(Param("x", ArgKind.SERIES), Param("a", ArgKind.CONST, default=1.0),
            Param("longscale", ArgKind.CONST, default=1.0, positive=True),
            Param("shortscale", ArgKind.CONST, default=1.0, positive=True)),
    reference=brain_scale,
    doc="x * a / sum(|x|) over the date's assets; NaN for the whole date if that sum is 0. BRAIN's longscale / "
        "shortscale other than 1: the positive values are scaled to sum to longscale, the negative ones to "
        "-shortscale (a unused).",
    example="scale(x, a=2)",
    aliases=("cs_scale",),
)
cross_section(
    "cs_zscore",
    params=(Param("x", ArgKind.SERIES),),
    reference=ref.cs_zscore,
    doc="(x - mean) / std over the date's assets, std with ddof 0; NaN if it is 0.",
    example="cs_zscore(returns)",
    aliases=("zscore",),
)
cross_section(
    "indneutralize",
    params=_XG,
    reference=ref.indneutralize,
    doc="x minus the mean of x over its group on that date.",
    example="indneutralize(close, IndClass.industry)",
    result=ResultKind.GROUP,
    aliases=("group_neutralize",),
    nan_rule=_GROUP,
)
cross_section(
    "group_mean",
    params=_XG,
    reference=ref.group_mean,
    doc="The mean of x over its group on that date; group_mean(x, w, g) (BRAIN's spelling) is group_wmean.",
    wider="group_wmean",
    example="group_mean(returns, IndClass.sector)",
    result=ResultKind.GROUP,
    nan_rule=_GROUP,
)
cross_section(
    "group_rank",
    params=_XG,
    reference=ref.group_rank,
    doc="Average-tie rank within the group on that date divided by the group's count, in (0, 1].",
    example="group_rank(volume, IndClass.sector)",
    result=ResultKind.GROUP,
    nan_rule=_GROUP,
)
cross_section(
    "group_zscore",
    params=_XG,
    reference=ref.group_zscore,
    doc="(x - group mean) / group std (ddof 0) on that date; NaN where that std is 0 (e.g. a one-member group).",
    example="group_zscore(returns, IndClass.sector)",
    result=ResultKind.GROUP,
    nan_rule=_GROUP,
)
