"""Elementwise operators: infix arithmetic, comparisons, logic, the conditional, and math functions.

Lowering templates are numba expressions over ``{0}, {1}, ...`` using the helpers of
``alphalang.backend.numba.kernels.elementwise`` (imported there as ``ew``) and ``math``/``np``.
"""

from __future__ import annotations

from alphalang.backend.reference import elementwise as ref
from alphalang.ops.registry import register
from alphalang.ops.spec import ArgKind, OpSpec, Param, ResultKind

_X = (Param("x", ArgKind.SERIES),)
_XY = (Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES))
_IEEE = "IEEE 754: NaN in gives NaN out; x/0 = ±inf, 0/0 = NaN"
_LOGIC = "1.0 / 0.0; NaN if an operand is NaN (±inf compare as numbers)"


def _ew(name, params, reference, doc, example, lowering, nan_rule=_IEEE, symbol=None, aliases=(), cat="math"):
    register(OpSpec(name=name, params=params, result=ResultKind.ELEMENTWISE, reference=reference, doc=doc,
                    example=example, nan_rule=nan_rule, lowering=lowering, aliases=aliases, symbol=symbol,
                    category=cat))


_ew("add", _XY, ref.add, "x + y.", "close + open", "({0} + {1})", symbol="+", cat="arithmetic")
_ew("sub", _XY, ref.sub, "x - y.", "close - open", "({0} - {1})", symbol="-", cat="arithmetic")
_ew("mul", _XY, ref.mul, "x * y.", "-1 * returns", "({0} * {1})", symbol="*", cat="arithmetic")
_ew("div", _XY, ref.div, "x / y (IEEE: x/0 is ±inf, 0/0 is NaN).", "(close - open) / open",
    "({0} / {1})", symbol="/", cat="arithmetic")
_ew("pow", _XY, ref.power, "x ^ y, numpy power: a negative base with a fractional exponent gives NaN.",
    "rank(x) ^ 2", "ew.power({0}, {1})", symbol="^", aliases=("power",), cat="arithmetic")
_ew("neg", _X, ref.neg, "Unary minus.", "-close", "(-{0})", symbol="-", cat="arithmetic")
for _name, _sym, _fn, _tmpl in (("lt", "<", ref.lt, "ew.lt({0}, {1})"), ("le", "<=", ref.le, "ew.le({0}, {1})"),
                                ("gt", ">", ref.gt, "ew.gt({0}, {1})"), ("ge", ">=", ref.ge, "ew.ge({0}, {1})"),
                                ("eq", "==", ref.eq, "ew.eq({0}, {1})"), ("ne", "!=", ref.ne, "ew.ne({0}, {1})")):
    _ew(_name, _XY, _fn, f"x {_sym} y as 1.0 / 0.0.", f"close {_sym} open", _tmpl, _LOGIC, _sym, cat="comparison")
_ew("or", _XY, ref.logical_or, "x || y: 1.0 if either is non-zero.", "(a < b) || (a == b)",
    "ew.logical_or({0}, {1})", _LOGIC, "||", cat="logic")
_ew("and", _XY, ref.logical_and, "x && y: 1.0 if both are non-zero.", "(a < b) && (c < d)",
    "ew.logical_and({0}, {1})", _LOGIC, "&&", cat="logic")
_ew("not", _X, ref.logical_not, "!x: 1.0 if x is zero.", "!(close < open)", "ew.logical_not({0})", _LOGIC, "!",
    cat="logic")
_ew("cond", (Param("c", ArgKind.SERIES), Param("a", ArgKind.SERIES), Param("b", ArgKind.SERIES)), ref.cond,
    "c ? a : b: a where c != 0, b where c == 0.", "(returns < 0) ? stddev(returns, 20) : close",
    "ew.cond({0}, {1}, {2})", "NaN where c is NaN; otherwise the chosen branch's value", "?:",
    aliases=("where", "if_else"), cat="logic")
_ew("abs", _X, ref.absolute, "Absolute value.", "abs(close - open)", "abs({0})")
_ew("log", _X, ref.log, "Natural logarithm (log(0) = -inf, log(-1) = NaN).", "log(volume)", "ew.log({0})")
_ew("sqrt", _X, ref.sqrt, "Square root (NaN for negative x).", "sqrt(volume)", "ew.sqrt({0})")
_ew("exp", _X, ref.exp, "Exponential.", "exp(returns)", "ew.exp({0})")
_ew("sign", _X, ref.sign, "-1, 0 or 1 (NaN stays NaN).", "sign(delta(close, 1))", "ew.sign({0})")
_ew("signedpower", (Param("x", ArgKind.SERIES), Param("a", ArgKind.SERIES)), ref.signedpower,
    "sign(x) * |x| ^ a; a may be a panel.", "signedpower(returns, 2)", "ew.signedpower({0}, {1})",
    aliases=("signed_power",))
_ew("min", _XY, ref.minimum, "Elementwise minimum, NaN-propagating. With a numeric literal as the second "
    "argument, min(x, d) means ts_min(x, d).", "min(open, close)", "ew.minimum({0}, {1})")
_ew("max", _XY, ref.maximum, "Elementwise maximum, NaN-propagating. With a numeric literal as the second "
    "argument, max(x, d) means ts_max(x, d).", "max(open, close)", "ew.maximum({0}, {1})")
_ew("clip", (Param("x", ArgKind.SERIES), Param("lo", ArgKind.SERIES), Param("hi", ArgKind.SERIES)), ref.clip,
    "min(max(x, lo), hi).", "clip(returns, -0.1, 0.1)", "ew.minimum(ew.maximum({0}, {1}), {2})",
    "NaN if any operand is NaN")
_ew("fillna", (Param("x", ArgKind.SERIES), Param("v", ArgKind.SERIES)), ref.fillna,
    "x where it is not NaN, else v (±inf are kept).", "fillna(ts_corr(close, volume, 10), 0)",
    "ew.fillna({0}, {1})", "replaces NaN only")
