"""Missing values: is_nan, is_finite, is_not_finite, purify, nan_mask, to_nan, left_tail, right_tail, tail,
ts_count_nans, ts_backfill, kth_element.

The elementwise tests never give NaN. The windowed operators are time-series operators (±inf counts as
missing, like NaN) lowered by the numba kernel family ``history``; ts_backfill and kth_element look at as many
of the last d rows as exist, so they have no warm-up NaN. They handle missing values themselves: the same under
both NaN policies.

Example:
    >>> from alphalang.ops import lookup
    >>> lookup("pasteurize").name, lookup("ts_backfill").signature()
    ('purify', 'ts_backfill(x, d, k=1)')
"""

from __future__ import annotations

from alphalang.backend.reference import missing as ref
from alphalang.ops.elementwise import elementwise
from alphalang.ops.spec import SAME, ArgKind, Param
from alphalang.ops.timeseries import time_series

_X = (Param("x", ArgKind.SERIES),)
_TEST = "never NaN: a 1.0 / 0.0 answer for every value"
_K = Param("k", ArgKind.CONST, default=1.0, positive=True)

elementwise(
    "is_nan",
    params=_X,
    reference=ref.is_nan,
    doc="1 where x is NaN, else 0; ±inf are numbers here (BRAIN's is_nan: input == NaN).",
    example="is_nan(returns)",
    lowering="(1.0 if {0} != {0} else 0.0)",
    nan_rule=_TEST + " (±inf give 0)",
    cat="missing",
    spellings=(("brain", "is_nan"),),
)
elementwise(
    "is_finite",
    params=_X,
    reference=ref.is_finite,
    doc="1 where x is a finite number, 0 where it is NaN or ±inf.",
    example="is_finite(close / volume)",
    lowering="(1.0 if math.isfinite({0}) else 0.0)",
    nan_rule=_TEST,
    cat="missing",
    spellings=(("brain", "is_finite"),),
)
elementwise(
    "is_not_finite",
    params=_X,
    reference=ref.is_not_finite,
    doc="1 where x is NaN or ±inf, 0 where it is a finite number.",
    example="is_not_finite(close / volume)",
    lowering="(0.0 if math.isfinite({0}) else 1.0)",
    nan_rule=_TEST,
    cat="missing",
    spellings=(("brain", "is_not_finite"),),
)
elementwise(
    "purify",
    params=_X,
    reference=ref.purify,
    doc="±inf become NaN (BRAIN's purify; its pasteurize also drops assets outside the universe, which a panel "
    "does not have: the same here).",
    example="purify(close / returns)",
    lowering="(math.nan if math.isinf({0}) else {0})",
    nan_rule="NaN stays NaN; ±inf give NaN",
    aliases=("pasteurize",),
    cat="missing",
    spellings=(("brain", "purify"), ("brain", "pasteurize")),
)
elementwise(
    "nan_mask",
    params=(Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES)),
    reference=ref.nan_mask,
    doc="NaN where y < 0, else x (BRAIN's nan_mask).",
    example="nan_mask(close, returns)",
    lowering="(math.nan if {1} < 0.0 else {0})",
    nan_rule="NaN where y < 0; a NaN y masks nothing (x passes)",
    cat="missing",
    spellings=(("brain", "nan_mask"),),
)
time_series(
    "ts_count_nans",
    skip=SAME,
    reference=ref.ts_count_nans,
    doc="How many of rows t-d+1..t are missing (NaN or ±inf).",
    example="ts_count_nans(returns, 10)",
    nan_rule="NaN during warm-up (t < d-1); never NaN after it",
    spellings=(("brain", "ts_count_nans"),),
)
_FILL = "no warm-up: before row d-1 the window is the rows so far; NaN when no such value exists"
time_series(
    "ts_backfill",
    skip=SAME,
    params=(Param("x", ArgKind.SERIES), Param("d", ArgKind.WINDOW), _K),
    reference=ref.ts_backfill,
    doc="x where it is valid, else the k-th most recent valid value within the last d rows (BRAIN's "
    "ts_backfill(x, lookback=d, k=1)); k is floored.",
    example="ts_backfill(close, 20)",
    nan_rule="valid x passes; a missing one (NaN/±inf) is filled from the window; " + _FILL,
    spellings=(("brain", "ts_backfill"),),
)
time_series(
    "kth_element",
    skip=SAME,
    params=(Param("x", ArgKind.SERIES), Param("d", ArgKind.WINDOW), _K),
    reference=ref.kth_element,
    doc="The k-th valid value counting back from today (today is the first when valid) within the last d rows; "
    "kth_element(x, d, 1) = ts_backfill(x, d) (BRAIN's kth_element with ignore=\"NaN\"); k is floored.",
    example="kth_element(close, 10, k=2)",
    nan_rule="missing values (NaN/±inf) are skipped; " + _FILL,
    spellings=(("brain", "kth_element"),),
)
# the options below are series with constant defaults: a panel may be given too
elementwise(
    "to_nan",
    params=(Param("x", ArgKind.SERIES), Param("value", ArgKind.SERIES, default=0.0),
            Param("reverse", ArgKind.SERIES, default=0.0)),
    reference=ref.to_nan,
    doc="NaN where x == value; with reverse=true, value where x is NaN instead (BRAIN's to_nan).",
    example="to_nan(volume, value=0)",
    lowering="(({0} if {0} == {0} else {1}) if {2} != 0.0 else (math.nan if {0} == {1} else {0}))",
    nan_rule="reverse=false: NaN stays NaN, x == value gives NaN; reverse=true: NaN gives value (±inf stay)",
    cat="missing",
    spellings=(("brain", "to_nan"),),
)
elementwise(
    "left_tail",
    params=(Param("x", ArgKind.SERIES), Param("maximum", ArgKind.SERIES, default=0.0)),
    reference=ref.left_tail,
    doc="NaN where x > maximum, else x (BRAIN's left_tail).",
    example="left_tail(returns, maximum=0)",
    lowering="(math.nan if {0} > {1} else {0})",
    nan_rule="NaN stays NaN; a NaN maximum masks nothing",
    cat="missing",
    spellings=(("brain", "left_tail"),),
)
elementwise(
    "right_tail",
    params=(Param("x", ArgKind.SERIES), Param("minimum", ArgKind.SERIES, default=0.0)),
    reference=ref.right_tail,
    doc="NaN where x < minimum, else x (BRAIN's right_tail).",
    example="right_tail(returns, minimum=0)",
    lowering="(math.nan if {0} < {1} else {0})",
    nan_rule="NaN stays NaN; a NaN minimum masks nothing",
    cat="missing",
    spellings=(("brain", "right_tail"),),
)
elementwise(
    "tail",
    params=(Param("x", ArgKind.SERIES), Param("lower", ArgKind.SERIES, default=0.0),
            Param("upper", ArgKind.SERIES, default=0.0), Param("newval", ArgKind.SERIES, default=0.0)),
    reference=ref.tail,
    doc="newval where lower < x < upper, else x (BRAIN's tail).",
    example="tail(returns, lower=-0.01, upper=0.01, newval=0)",
    lowering="({3} if ({0} > {1} and {0} < {2}) else {0})",
    nan_rule="NaN x stays NaN; a NaN bound replaces nothing",
    cat="missing",
    spellings=(("brain", "tail"),),
)
