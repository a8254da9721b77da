"""Cross-sectional clean-up: winsorize, normalize, truncate, quantile, cs_* statistics, neutralisation.

Per date, over the assets with a finite value (both values finite for the two-input operators), like ``rank``:
missing values take no part and stay NaN ("NaN in, NaN out"); a statistic of the date is written to every asset
with a finite value. All lower to the numba row family ``rowstats``.

Example:
    >>> from alphalang.ops import lookup
    >>> lookup("winsorize").signature()
    'winsorize(x, std=4)'
"""

from __future__ import annotations

from alphalang.backend.reference import cleanup as ref
from alphalang.ops.crosssection import cross_section
from alphalang.ops.spec import ArgKind, Param

_X = Param("x", ArgKind.SERIES)


def _stat(name: str, what: str, brain: str | None = None, **fields) -> None:
    """A statistic of the date broadcast to its assets: ``cs_<stat>(x)``."""
    spellings = (("brain", brain),) if brain else ()
    cross_section(name, params=(_X,), reference=getattr(ref, name), example=f"{name}(returns)",
                  doc=f"The {what} of x over the date's assets with a finite value, written to each of them "
                      "(NaN assets stay NaN).", spellings=spellings, **fields)


_stat("cs_mean", "mean")
_stat("cs_std", "standard deviation (ddof 0, as cs_zscore; exactly 0 for an all-equal date)")
_stat("cs_min", "minimum")
_stat("cs_max", "maximum")
_stat("cs_sum", "sum")
_stat("cs_count", "number of values (BRAIN's universe_size is this count of a field that is finite on every "
                  "asset of the universe)")
_stat("cs_median", "median (mean of the two middle values for an even count)")

cross_section(
    "winsorize",
    params=(_X, Param("std", ArgKind.CONST, default=4.0, positive=True)),
    reference=ref.winsorize,
    doc="BRAIN: x clipped to mean ± std * sd of the date (sd with ddof 0, as BRAIN's worked examples); an "
        "all-equal date is unchanged.",
    example="winsorize(returns, std=3)",
    spellings=(("brain", "winsorize"),),
)
cross_section(
    "normalize",
    params=(_X, Param("usestd", ArgKind.CONST, default=0.0), Param("limit", ArgKind.CONST, default=0.0)),
    reference=ref.normalize,
    doc="BRAIN: x minus the date's mean; divided by the date's std (ddof 1, as BRAIN's worked example) if useStd "
        "is nonzero (NaN for one value or an all-equal date); then clipped to ±limit if limit > 0.",
    example="normalize(returns, useStd=1, limit=3)",
    spellings=(("brain", "normalize"),),
)
cross_section(
    "truncate",
    params=(_X, Param("maxpercent", ArgKind.CONST, default=0.01, positive=True)),
    reference=ref.truncate,
    doc="BRAIN: no weight beyond maxPercent of the date's book sum(|x|), long and short side separately: weights "
        "over the cap are set to it and the excess is spread over the side's others in proportion, repeated "
        "until none exceeds the cap (each side keeps its total unless too few assets can hold it).",
    example="truncate(scale(returns), maxPercent=0.05)",
    spellings=(("brain", "truncate"),),
)
cross_section(
    "scale_down",
    params=(_X, Param("constant", ArgKind.CONST, default=0.0)),
    reference=ref.scale_down,
    doc="BRAIN: (x - min) / (max - min) - constant over the date; NaN for an all-equal date.",
    example="scale_down(close, constant=0.5)",
    spellings=(("brain", "scale_down"),),
)
cross_section(
    "quantile",
    params=(_X, Param("driver", ArgKind.CHOICE, default="gaussian", choices=ref.DRIVERS),
            Param("sigma", ArgKind.CONST, default=1.0, positive=True)),
    reference=ref.quantile,
    doc="BRAIN: rank r in [0, 1] (ties averaged), shifted to p = 1/N + r (1 - 2/N), then sigma times the "
        "driver's inverse CDF: gaussian Φ⁻¹(p), cauchy tan(π(p - 1/2)), uniform p - mean(p).",
    example='quantile(returns, driver="cauchy", sigma=0.5)',
    spellings=(("brain", "quantile"),),
)

_YX = (Param("y", ArgKind.SERIES), Param("x", ArgKind.SERIES))
_XY = (Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES))
cross_section(
    "regression_neut",
    params=_YX,
    reference=ref.regression_neut,
    doc="BRAIN: y - (a + b x), the residual of the date's OLS of y on x with an intercept over the assets where "
        "both are finite (a constant x leaves y minus its mean).",
    example="regression_neut(returns, log(volume))",
    spellings=(("brain", "regression_neut"),),
)
cross_section(
    "regression_proj",
    params=_YX,
    reference=ref.regression_proj,
    doc="BRAIN: a + b x, the fitted part of the date's OLS of y on x with an intercept (both finite).",
    example="regression_proj(returns, log(volume))",
    spellings=(("brain", "regression_proj"),),
)
cross_section(
    "vector_neut",
    params=_XY,
    reference=ref.vector_neut,
    doc="BRAIN: x - (x·y / y·y) y over the date's assets where both are finite: x made orthogonal to y (no "
        "intercept; x itself if y is all zero).",
    example="vector_neut(returns, rank(volume))",
    spellings=(("brain", "vector_neut"),),
)
cross_section(
    "vector_proj",
    params=_XY,
    reference=ref.vector_proj,
    doc="BRAIN: (x·y / y·y) y, the projection of x on y over the date's assets where both are finite (0 if y "
        "is all zero).",
    example="vector_proj(returns, rank(volume))",
    spellings=(("brain", "vector_proj"),),
)
cross_section(
    "cs_diff_weighted_sum",
    params=(_X, Param("w", ArgKind.SERIES)),
    reference=ref.cs_diff_weighted_sum,
    doc="KunQuant's DiffWithWeightedSum: x - sum(x * w) over the date's assets where both are finite.",
    example="cs_diff_weighted_sum(returns, scale(volume))",
    aliases=("diffwithweightedsum",),
    spellings=(("kunquant", "DiffWithWeightedSum"),),
)
