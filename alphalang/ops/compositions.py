"""Operators defined as compositions of others (``OpSpec.expansion``), inlined by the checker at each call.

Each is BRAIN's operator of the same name. A composition's value is its expansion's, so it follows the program's
NaN policy through the operators it expands to (under the default strict policy, BRAIN's "ignoring NaN" means
becomes a NaN when the window holds one; ``nan="skip"`` gives BRAIN's reading). The reference function of each
is written out in numpy (``backend/reference/compositions.py``); ``tests/test_compositions.py`` checks every
expansion against it.

Example:
    >>> from alphalang.ops import lookup
    >>> lookup("ts_av_diff").expansion
    'x - ts_mean(x, d)'
"""

from __future__ import annotations

from alphalang.backend.reference import compositions as ref
from alphalang.backend.reference.cleanup import DRIVERS
from alphalang.ops.registry import register
from alphalang.ops.spec import ArgKind, OpSpec, Param, ResultKind, same_as_inputs, window_rows

_XD = (Param("x", ArgKind.SERIES), Param("d", ArgKind.WINDOW))
_COMPOSED = "as its expansion's operators"


def composition(name: str, expansion: str, *, params: tuple[Param, ...] = _XD,
                result: ResultKind = ResultKind.TIME_SERIES, **fields) -> OpSpec:
    """Declare a BRAIN operator that is a composition of others; ``fields`` are the rest of :class:`OpSpec`."""
    return register(OpSpec(name=name, params=params, result=result, expansion=expansion, nan_rule=_COMPOSED,
                           lowering="", lookback=window_rows if result is ResultKind.TIME_SERIES else same_as_inputs,
                           category="composition", **{"spellings": (("brain", name),), **fields}))


composition("ts_av_diff", "x - ts_mean(x, d)", reference=ref.ts_av_diff,
            doc="x minus its window mean.", example="ts_av_diff(close, 10)")
composition("ts_ir", "ts_mean(x, d) / ts_std(x, d)", reference=ref.ts_ir,
            doc="Window mean over window standard deviation (ddof 1): an information ratio.",
            example="ts_ir(returns, 20)")
composition("ts_returns", "mode == 2 ? (x - delay(x, d)) / ((x + delay(x, d)) / 2) : x / delay(x, d) - 1",
            params=(*_XD, Param("mode", ArgKind.CONST, default=1.0)), reference=ref.ts_returns,
            doc="Relative change over d rows: x / delay(x, d) - 1 (mode 1), or the change over the mean of the "
            "two values (mode 2).", example="ts_returns(close, 5)")
composition("ts_scale", "(x - ts_min(x, d)) / (ts_max(x, d) - ts_min(x, d)) + constant",
            params=(*_XD, Param("constant", ArgKind.CONST, default=0.0)), reference=ref.ts_scale,
            doc="x's place between its window min (0) and max (1), plus constant; NaN for a flat window.",
            example="ts_scale(close, 20)")
composition("ts_max_diff", "x - ts_max(x, d)", reference=ref.ts_max_diff,
            doc="x minus its window maximum (<= 0).", example="ts_max_diff(close, 10)")
composition("ts_min_diff", "x - ts_min(x, d)", reference=ref.ts_min_diff,
            doc="x minus its window minimum (>= 0).", example="ts_min_diff(close, 10)")
composition("ts_min_max_cps", "ts_min(x, d) + ts_max(x, d) - f * x",
            params=(*_XD, Param("f", ArgKind.CONST, default=2.0)), reference=ref.ts_min_max_cps,
            doc="ts_min + ts_max - f * x.", example="ts_min_max_cps(close, 10)")
composition("ts_min_max_diff", "x - f * (ts_min(x, d) + ts_max(x, d))",
            params=(*_XD, Param("f", ArgKind.CONST, default=0.5)), reference=ref.ts_min_max_diff,
            doc="x - f * (ts_min + ts_max).", example="ts_min_max_diff(close, 10)")
composition("clamp", "clip(x, lower, upper)", result=ResultKind.ELEMENTWISE,
            params=(Param("x", ArgKind.SERIES), Param("lower", ArgKind.SERIES), Param("upper", ArgKind.SERIES)),
            reference=ref.clamp, doc="x clipped to [lower, upper] (BRAIN's name for clip).",
            example="clamp(returns, -0.1, 0.1)")
composition("ts_vector_neut", "x - y * ts_sum(x * y, d) / ts_sum(y * y, d)",
            params=(Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES), Param("d", ArgKind.WINDOW)),
            reference=ref.ts_vector_neut, doc="x minus its projection on y over the window (no intercept).",
            example="ts_vector_neut(returns, delay(returns, 1), 20)")
composition("ts_vector_proj", "y * ts_sum(x * y, d) / ts_sum(y * y, d)",
            params=(Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES), Param("d", ArgKind.WINDOW)),
            reference=ref.ts_vector_proj, doc="The projection of x on y over the window (no intercept).",
            example="ts_vector_proj(returns, delay(returns, 1), 20)")
composition("ts_count", "d - ts_count_nans(x, d)", reference=ref.ts_count,
            doc="How many values of the window are present (not NaN/±inf); never NaN after warm-up.",
            example="ts_count(returns, 20)", spellings=(("qlib", "Count"),))
composition("ts_rank_quantile",
            "inverse_cdf(d == 1 ? 0.5 + 0 * x : 1 / d + (ts_rank(x, d) * d - 1) / (d - 1) * (1 - 2 / d), driver)",
            params=(*_XD, Param("driver", ArgKind.CHOICE, default="gaussian", choices=DRIVERS)),
            reference=ref.ts_rank_quantile,
            doc="BRAIN's ts_quantile: today's rank in the window (lowest 0, highest 1, ties averaged) shifted to "
            "[1/d, 1 - 1/d], through the driver's inverse CDF (gaussian, uniform, cauchy). Not ts_quantile, "
            "which is qlib's rolling quantile.",
            example='ts_rank_quantile(returns, 20, driver="gaussian")', spellings=(("brain", "ts_quantile"),))
