"""More elementwise math: rounding, modulo, trigonometry, sigmoid and BRAIN's operator names.

Lowering templates are numba expressions over ``{0}, {1}, ...`` (``ew`` = ``kernels.elementwise``); each
reference is in ``alphalang.backend.reference.arithmetic``.

Example:
    >>> from alphalang.ops import lookup
    >>> lookup("arc_tan").signature(), lookup("round_down").signature()
    ('arc_tan(x)', 'round_down(x, f=1)')
"""

from __future__ import annotations

from alphalang.backend.reference import arithmetic as ref
from alphalang.backend.reference.cleanup import DRIVERS
from alphalang.ops.elementwise import elementwise
from alphalang.ops.spec import ArgKind, Param

_X = (Param("x", ArgKind.SERIES),)
_DOMAIN = "IEEE: NaN in gives NaN out; outside the function's domain gives NaN"

for _name, _fn, _tmpl, _doc, _spell in (
    ("round", ref.round_half_away, "ew.round_half_away({0})",
     "The nearest whole number, halves away from zero (round(2.5) = 3, round(-0.5) = -1).", "round"),
    ("floor", ref.floor, "ew.floor({0})", "The largest whole number not above x.", "floor"),
    ("ceil", ref.ceil, "ew.ceil({0})", "The smallest whole number not below x.", "ceil"),
    ("fraction", ref.fraction, "ew.fraction({0})",
     "The fractional part with x's sign: sign(x) * (|x| - floor(|x|)).", "fraction"),
    ("sigmoid", ref.sigmoid, "(1.0 / (1.0 + math.exp(-{0})))", "1 / (1 + exp(-x)).", "sigmoid"),
    ("tanh", ref.tanh, "math.tanh({0})", "The hyperbolic tangent.", "tanh"),
    ("arc_tan", ref.arc_tan, "math.atan({0})", "The arc tangent, in radians.", "arc_tan"),
    ("arc_sin", ref.arc_sin, "ew.arcsin({0})", "The arc sine, in radians; NaN outside [-1, 1].", "arc_sin"),
    ("arc_cos", ref.arc_cos, "ew.arccos({0})", "The arc cosine, in radians; NaN outside [-1, 1].", "arc_cos"),
    ("inverse", ref.inverse, "(1.0 / {0})", "1 / x (IEEE: 1/0 is inf).", "inverse"),
    ("log1p", ref.log1p, "math.log1p({0})", "log(1 + x), exact for small x; -inf at -1, NaN below.", None),
):
    elementwise(_name, params=_X, reference=_fn, doc=_doc, example=f"{_name}(returns * 100)", lowering=_tmpl,
                nan_rule=_DOMAIN, spellings=(("brain", _spell),) if _spell else ())

elementwise(
    "round_down",
    params=(Param("x", ArgKind.SERIES), Param("f", ArgKind.SERIES, default=1.0)),
    reference=ref.round_down,
    doc="The largest multiple of f not above x: floor(x / f) * f; f <= 0 gives NaN.",
    example="round_down(close, 0.5)",
    lowering="ew.round_down({0}, {1})",
    spellings=(("brain", "round_down"),),
)
elementwise(
    "mod",
    params=(Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES)),
    reference=ref.mod,
    doc="x modulo y with the sign of y (Python's %); y = 0 gives NaN.",
    example="mod(volume, 100)",
    lowering="ew.mod({0}, {1})",
)
elementwise(
    "fill_missing",
    params=(Param("x", ArgKind.SERIES), Param("v", ArgKind.SERIES)),
    reference=ref.fill_missing,
    doc="x where it is finite, else v: NaN and ±inf both replaced (fillna keeps ±inf).",
    example="fill_missing(close / volume, 0)",
    lowering="ew.fill_missing({0}, {1})",
    nan_rule="replaces NaN and ±inf",
    spellings=(("kunquant", "SetInfOrNanToValue"),),
)
elementwise(
    "inverse_cdf",
    params=(Param("p", ArgKind.SERIES), Param("driver", ArgKind.CHOICE, default="gaussian", choices=DRIVERS)),
    reference=ref.inverse_cdf,
    doc="The driver distribution's inverse CDF at p in (0, 1): gaussian Φ⁻¹(p), cauchy tan(π (p - 1/2)), "
    "uniform p - 1/2; NaN outside (0, 1).",
    example='inverse_cdf(rank(close) * 0.98 + 0.01, driver="cauchy")',
    lowering="ew.inverse_cdf({0}, {1})",
    nan_rule="NaN in, or p outside (0, 1), gives NaN",
)
