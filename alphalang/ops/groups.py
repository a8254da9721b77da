"""Group statistics (BRAIN's group_* operators) and groups computed from data (bucket, densify,
group_cartesian_product).

A group is a (date, label) pair; its members are the assets with a label >= 0 and finite inputs. Every statistic
is written to each member; NaN/±inf inputs and negative labels give NaN. ``bucket`` and ``densify`` return group
labels (``OpSpec.labels``): they are accepted wherever ``IndClass.<level>`` is, e.g.
``group_rank(x, bucket(rank(cap), range="0,1,0.1"))``.
"""

from __future__ import annotations

from alphalang.backend.reference import groups as ref
from alphalang.ops.crosssection import cross_section
from alphalang.ops.spec import SAME, ArgKind, Param, ResultKind, window_rows

_MEMBERS = "members: label >= 0 and finite inputs; a non-member (NaN/±inf input, negative label) gives NaN"
_X, _Y, _W, _G = (Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES), Param("w", ArgKind.SERIES),
                  Param("g", ArgKind.GROUP))


def group_stat(name: str, doc: str, *, params: tuple[Param, ...] = (_X, _G), brain: str | None = None,
               **fields) -> None:
    """One per-date group statistic, lowered by the group kernel family (mode named in ``families.LOWERING``)."""
    cross_section(name, params=params, reference=getattr(ref, name), doc=doc, result=ResultKind.GROUP,
                  nan_rule=_MEMBERS, example=f"{name}({', '.join(_EXAMPLE[p.name] for p in params)})",
                  spellings=(("brain", brain or name),), **fields)


_EXAMPLE = {"x": "returns", "y": "volume", "w": "volume", "g": "IndClass.sector", "scale": "scale=2", "d": "20",
            "std": "std=3"}

group_stat("group_sum", "BRAIN: the sum of x over the instruments of its group.")
group_stat("group_max", "BRAIN: the largest x of its group.")
group_stat("group_min", "BRAIN: the smallest x of its group.")
group_stat("group_median", "BRAIN: the median of x over its group (mean of the two middle values if even).")
group_stat("group_std_dev", "BRAIN: the standard deviation of x over its group; ddof 0 (BRAIN does not say; its "
           "group_zscore example uses the population std), exactly 0 for equal members.")
group_stat("group_count", "BRAIN: the number of members (finite x) of its group.")
group_stat("group_scale", "BRAIN: (x - group min) / (group max - group min); NaN where max == min.")
group_stat("group_normalize", "BRAIN: x * scale / sum(|x|) over its group (each group's absolute sum is scale); NaN "
           "if that sum is 0. BRAIN's constantCheck/tolerance are not supported.",
           params=(_X, _G, Param("scale", ArgKind.CONST, default=1.0)))
group_stat("group_wmean", "Weighted group mean sum(w*x)/sum(w) over members with finite x and w (x itself when "
           "they are all equal; NaN if sum(w) = 0); BRAIN spells it group_mean(x, weight, group).",
           params=(_X, _W, _G), brain="group_mean")
group_stat("group_vector_neut", "BRAIN: x minus its projection on y within its group: x - y*sum(x*y)/sum(y*y) over "
           "members with finite x and y; NaN if y is 0 there.", params=(_X, _Y, _G))
group_stat("group_vector_proj", "BRAIN: the projection of x on y within its group: y*sum(x*y)/sum(y*y).",
           params=(_X, _Y, _G))
group_stat("group_backfill", "BRAIN: a missing x (with a group) becomes the winsorized mean of the finite x of "
           "its group over the last d days: their mean, clipped to mean ± std * stddev (ddof 1, as BRAIN's example), "
           "averaged again; other values pass through.",
           params=(_X, _G, Param("d", ArgKind.WINDOW), Param("std", ArgKind.CONST, default=4.0, positive=True)),
           lookback=window_rows, skip=SAME)

cross_section(
    "bucket",
    params=(_X, Param("range", ArgKind.TEXT, default="0,1,0.1"), Param("buckets", ArgKind.TEXT, default=""),
            Param("skipboth", ArgKind.CONST, default=0.0), Param("nangroup", ArgKind.CONST, default=0.0),
            Param("skipbegin", ArgKind.CONST, default=0.0), Param("skipend", ArgKind.CONST, default=0.0)),
    reference=ref.bucket,
    doc="Group labels (BRAIN): the bucket of x among the bounds start, start+step, .., end of range=\"start,end,"
        "step\" (or buckets=\"b1,b2,..\" when given): b(k-1) < x <= bk; the two outer buckets (x <= first, x > last "
        "bound) are groups too unless skipBoth=1 (skipBegin/skipEnd: one of them); NaN x has no group unless "
        "NaNGroup=1.",
    example='group_rank(returns, bucket(rank(close), range="0,1,0.2"))',
    result=ResultKind.GROUP,
    nan_rule="NaN/±inf x has no group (label -1), or its own group with NaNGroup=1",
    labels=True,
    spellings=(("brain", "bucket"),),
)
cross_section(
    "densify",
    params=(_G,),
    reference=ref.densify,
    doc="Group labels (BRAIN): each date's labels renumbered 0..k-1; the same groups, so group operators give the "
        "same values (BRAIN uses it to drop empty buckets).",
    example="group_mean(returns, densify(IndClass.sector))",
    result=ResultKind.GROUP,
    nan_rule="a negative label stays no group",
    labels=True,
    spellings=(("brain", "densify"),),
)
cross_section(
    "group_cartesian_product",
    params=(Param("g1", ArgKind.GROUP), Param("g2", ArgKind.GROUP)),
    reference=ref.group_cartesian_product,
    doc="Group labels (BRAIN): one group per pair of labels (g1, g2), e.g. sector x size bucket; each date's pairs "
        "numbered 0..k-1 by g1, then g2.",
    example='group_rank(returns, group_cartesian_product(IndClass.sector, bucket(rank(volume), range="0,1,0.5")))',
    result=ResultKind.GROUP,
    nan_rule="an asset with no group (negative label) in either labelling has no group",
    labels=True,
    spellings=(("brain", "group_cartesian_product"),),
)
