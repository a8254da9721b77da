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

# How tightly each operator symbol binds, loosest first: the grammar, the printer and the IR printer derive
# their precedence from the entries below (prefix - and ! bind looser than ^: -x ^ 2 is -(x ^ 2)).
COND, OR, AND, EQUALITY, COMPARISON, ADDITIVE, MULTIPLICATIVE, PREFIX, POWER = range(1, 10)


def elementwise(name: str, *, nan_rule: str = _IEEE, cat: str = "math", **fields) -> OpSpec:
    """Declare an elementwise operator; ``fields`` are the rest of :class:`OpSpec`, among them ``lowering``,
    its numba expression template over ``{0}, {1}, ...``, and for operators ``symbol`` and ``precedence``."""
    return register(OpSpec(name=name, result=ResultKind.ELEMENTWISE, nan_rule=nan_rule, category=cat, **fields))


elementwise(
    "add",
    params=_XY,
    reference=ref.add,
    doc="x + y; add(a, b, c, ...) sums any number of operands; filter=true counts a NaN operand as 0.",
    example="close + open",
    lowering="({0} + {1})",
    symbol="+",
    precedence=ADDITIVE,
    cat="arithmetic",
    variadic=True,
    filter_value=0.0,
    spellings=(("brain", "add"), ("qlib", "Add"), ("kunquant", "Add")),
)
elementwise(
    "sub",
    params=_XY,
    reference=ref.sub,
    doc="x - y; filter=true counts a NaN operand as 0.",
    example="close - open",
    lowering="({0} - {1})",
    symbol="-",
    precedence=ADDITIVE,
    cat="arithmetic",
    filter_value=0.0,
    aliases=("subtract",),
    spellings=(("brain", "subtract"), ("qlib", "Sub"), ("kunquant", "Sub")),
)
elementwise(
    "mul",
    params=_XY,
    reference=ref.mul,
    doc="x * y; mul(a, b, c, ...) multiplies any number of operands; filter=true counts a NaN operand as 1.",
    example="-1 * returns",
    lowering="({0} * {1})",
    symbol="*",
    precedence=MULTIPLICATIVE,
    cat="arithmetic",
    variadic=True,
    filter_value=1.0,
    aliases=("multiply",),
    spellings=(("brain", "multiply"), ("qlib", "Mul"), ("kunquant", "Mul")),
)
elementwise(
    "div",
    params=_XY,
    reference=ref.div,
    doc="x / y (IEEE: x/0 is ±inf, 0/0 is NaN).",
    example="(close - open) / open",
    lowering="({0} / {1})",
    symbol="/",
    precedence=MULTIPLICATIVE,
    cat="arithmetic",
    aliases=("divide",),
    spellings=(("brain", "divide"), ("qlib", "Div"), ("kunquant", "Div")),
)
elementwise(
    "pow",
    params=_XY,
    reference=ref.power,
    doc="x ^ y, numpy power: a negative base with a fractional exponent gives NaN.",
    example="rank(x) ^ 2",
    lowering="ew.power({0}, {1})",
    symbol="^",
    precedence=POWER,
    right_assoc=True,
    aliases=("power",),
    cat="arithmetic",
)
elementwise(
    "neg",
    params=_X,
    reference=ref.neg,
    doc="Unary minus.",
    example="-close",
    lowering="(-{0})",
    symbol="-",
    precedence=PREFIX,
    prefix=True,
    cat="arithmetic",
    aliases=("reverse",),
    spellings=(("brain", "reverse"),),
)
for _name, _sym, _prec, _fn, _tmpl in (
    ("lt", "<", COMPARISON, ref.lt, "ew.lt({0}, {1})"),
    ("le", "<=", COMPARISON, ref.le, "ew.le({0}, {1})"),
    ("gt", ">", COMPARISON, ref.gt, "ew.gt({0}, {1})"),
    ("ge", ">=", COMPARISON, ref.ge, "ew.ge({0}, {1})"),
    ("eq", "==", EQUALITY, ref.eq, "ew.eq({0}, {1})"),
    ("ne", "!=", EQUALITY, ref.ne, "ew.ne({0}, {1})"),
):
    elementwise(
        _name,
        params=_XY,
        reference=_fn,
        doc=f"x {_sym} y as 1.0 / 0.0.",
        example=f"close {_sym} open",
        lowering=_tmpl,
        nan_rule=_LOGIC,
        symbol=_sym,
        precedence=_prec,
        cat="comparison",
    )
elementwise(
    "or",
    params=_XY,
    reference=ref.logical_or,
    doc="x || y: 1.0 if either is non-zero.",
    example="(a < b) || (a == b)",
    lowering="ew.logical_or({0}, {1})",
    nan_rule=_LOGIC,
    symbol="||",
    precedence=OR,
    cat="logic",
)
elementwise(
    "and",
    params=_XY,
    reference=ref.logical_and,
    doc="x && y: 1.0 if both are non-zero.",
    example="(a < b) && (c < d)",
    lowering="ew.logical_and({0}, {1})",
    nan_rule=_LOGIC,
    symbol="&&",
    precedence=AND,
    cat="logic",
)
elementwise(
    "not",
    params=_X,
    reference=ref.logical_not,
    doc="!x: 1.0 if x is zero.",
    example="!(close < open)",
    lowering="ew.logical_not({0})",
    nan_rule=_LOGIC,
    symbol="!",
    precedence=PREFIX,
    prefix=True,
    cat="logic",
)
elementwise(
    "cond",
    params=(Param("c", ArgKind.SERIES), Param("a", ArgKind.SERIES), Param("b", ArgKind.SERIES)),
    reference=ref.cond,
    doc="c ? a : b: a where c != 0, b where c == 0.",
    example="(returns < 0) ? stddev(returns, 20) : close",
    lowering="ew.cond({0}, {1}, {2})",
    nan_rule="NaN where c is NaN; otherwise the chosen branch's value",
    symbol="?:",
    precedence=COND,
    aliases=("where", "if_else"),
    cat="logic",
)
elementwise(
    "abs", params=_X, reference=ref.absolute, doc="Absolute value.", example="abs(close - open)", lowering="abs({0})"
)
elementwise(
    "log",
    params=_X,
    reference=ref.log,
    doc="Natural logarithm (log(0) = -inf, log(-1) = NaN).",
    example="log(volume)",
    lowering="ew.log({0})",
)
elementwise(
    "sqrt",
    params=_X,
    reference=ref.sqrt,
    doc="Square root (NaN for negative x).",
    example="sqrt(volume)",
    lowering="ew.sqrt({0})",
)
elementwise("exp", params=_X, reference=ref.exp, doc="Exponential.", example="exp(returns)", lowering="ew.exp({0})")
elementwise(
    "sign",
    params=_X,
    reference=ref.sign,
    doc="-1, 0 or 1 (NaN stays NaN).",
    example="sign(delta(close, 1))",
    lowering="ew.sign({0})",
)
elementwise(
    "s_log_1p",
    params=_X,
    reference=ref.s_log_1p,
    doc="sign(x) * log(1 + |x|): a log that keeps the sign and is 0 at 0 (BRAIN's s_log_1p).",
    example="s_log_1p(returns)",
    lowering="(ew.sign({0}) * math.log1p(abs({0})))",
)
elementwise(
    "signedpower",
    params=(Param("x", ArgKind.SERIES), Param("a", ArgKind.SERIES)),
    reference=ref.signedpower,
    doc="sign(x) * |x| ^ a; a may be a panel.",
    example="signedpower(returns, 2)",
    lowering="ew.signedpower({0}, {1})",
    aliases=("signed_power",),
)
elementwise(
    "min",
    params=_XY,
    reference=ref.minimum,
    doc="Elementwise minimum of two or more operands, NaN-propagating. With exactly two arguments and a second "
    "that is a constant whole number >= 1 (a number, a named constant, 2 + 3), min(x, d) means ts_min(x, d) "
    "(the paper's reading); min(x, 0) and min(x, 0.5) are elementwise, and less(x, 5) always is.",
    example="min(open, close)",
    lowering="ew.minimum({0}, {1})",
    constant_overload="ts_min",
    variadic=True,
    aliases=("less",),
    spellings=(("brain", "min(x, y, ...)"), ("qlib", "Less"), ("kunquant", "Min")),
)
elementwise(
    "max",
    params=_XY,
    reference=ref.maximum,
    doc="Elementwise maximum of two or more operands, NaN-propagating. With exactly two arguments and a second "
    "that is a constant whole number >= 1 (a number, a named constant, 2 + 3), max(x, d) means ts_max(x, d) "
    "(the paper's reading); max(x, 0) and max(x, 0.5) are elementwise, and greater(x, 5) always is.",
    example="max(open, close)",
    lowering="ew.maximum({0}, {1})",
    constant_overload="ts_max",
    variadic=True,
    aliases=("greater",),
    spellings=(("brain", "max(x, y, ...)"), ("qlib", "Greater"), ("kunquant", "Max")),
)
elementwise(
    "clip",
    params=(Param("x", ArgKind.SERIES), Param("lo", ArgKind.SERIES), Param("hi", ArgKind.SERIES)),
    reference=ref.clip,
    doc="min(max(x, lo), hi).",
    example="clip(returns, -0.1, 0.1)",
    lowering="ew.minimum(ew.maximum({0}, {1}), {2})",
    nan_rule="NaN if any operand is NaN",
)
elementwise(
    "fillna",
    params=(Param("x", ArgKind.SERIES), Param("v", ArgKind.SERIES)),
    reference=ref.fillna,
    doc="x where it is not NaN, else v (±inf are kept).",
    example="fillna(ts_corr(close, volume, 10), 0)",
    lowering="ew.fillna({0}, {1})",
    nan_rule="replaces NaN only",
)
