"""Hypothesis strategies shared by the project's tests: nasty panels, formula text and ASTs.

Data strategies build small (T <= 40, N <= 8 by default) float64 panels whose columns each follow one
"regime" (ordinary reals, ``1e8 + noise`` offsets, tiny values, negatives, small integers with many ties,
constants) and then get damaged: NaN runs, isolated ±inf, exactly-flat stretches. Structural choices are
drawn by hypothesis (so they shrink); the bulk values come from a numpy generator seeded by hypothesis (so
drawing a 40 x 8 panel stays fast and reproducible).

Formula strategies derive everything from ``alphalang.ops.REGISTRY``: a newly registered operator is
generated without touching this module.

Example:
    >>> from hypothesis import given, settings
    >>> import alphalang
    >>> @settings(max_examples=5, deadline=None)
    ... @given(panels(), expressions(max_depth=2))
    ... def test_runs(panel, text):
    ...     assert alphalang.evaluate(text, panel).shape == panel.shape
    >>> test_runs()
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np
from hypothesis import strategies as st

from alphalang.data import Panel
from alphalang.ops import INFIX, PREFIX, callable_ops
from alphalang.ops.spec import ArgKind, Param
from alphalang.syntax import ast
from alphalang.syntax.printer import number_text

__all__ = [
    "ASSETS", "DAYS", "FIELDS", "GROUP_LEVELS", "REGIMES", "asts", "expressions", "group_labels", "numbers", "panels",
    "series_arrays",
]

FIELDS: tuple[str, ...] = ("open", "high", "low", "close", "volume", "vwap", "returns")
GROUP_LEVELS: tuple[str, ...] = ("sector", "industry")
REGIMES: tuple[str, ...] = ("normal", "offset", "tiny", "negative", "integers", "flat", "positive", "mixed")

DAYS: st.SearchStrategy[int] = st.integers(1, 40)
ASSETS: st.SearchStrategy[int] = st.integers(1, 8)

_SizeArg = int | st.SearchStrategy[int]


def _as_strategy(value: _SizeArg) -> st.SearchStrategy[int]:
    return st.just(value) if isinstance(value, int) else value


def _column(rng: np.random.Generator, regime: str, t: int) -> np.ndarray:
    """One column of ``t`` finite values following ``regime``."""
    if regime == "normal":
        return rng.normal(0.0, 10.0, t)
    if regime == "offset":  # large offset + noise: catastrophic cancellation for naive moment formulas
        return 1e8 + rng.normal(0.0, 50.0, t)
    if regime == "tiny":  # tiny magnitudes (kept above 1e-12 so products of a few stay normal numbers)
        return rng.uniform(-1.0, 1.0, t) * 1e-9
    if regime == "negative":
        return -rng.lognormal(0.0, 1.0, t)
    if regime == "integers":  # small integer values: many ties, exact sums
        return rng.integers(-3, 4, t).astype(np.float64)
    if regime == "flat":
        return np.full(t, float(rng.choice([0.0, 1.0, 0.1, -2.5, 1e8 + 0.3])))
    if regime == "positive":
        return rng.lognormal(3.0, 0.5, t)
    out = np.concatenate([_column(rng, r, t)[None] for r in ("normal", "integers", "tiny", "offset")])
    return out[rng.integers(0, 4, t), np.arange(t)]


@st.composite
def series_arrays(draw: st.DrawFn, n_days: _SizeArg = DAYS, n_assets: _SizeArg = ASSETS,
                  regimes: Sequence[str] = REGIMES, nan: bool = True, inf: bool = True,
                  flat: bool = True) -> np.ndarray:
    """A (T, N) float64 array: one regime per column, then flat stretches and flat dates, NaN runs and isolated
    ±inf.

    ``n_days`` / ``n_assets`` are ints or integer strategies. ``nan`` / ``inf`` / ``flat`` switch the damage
    kinds off; ``regimes`` restricts the value regimes (see ``REGIMES``).
    """
    t = draw(_as_strategy(n_days))
    n = draw(_as_strategy(n_assets))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    cols = draw(st.lists(st.sampled_from(list(regimes)), min_size=n, max_size=n))
    x = np.empty((t, n), dtype=np.float64)
    for j, regime in enumerate(cols):
        x[:, j] = _column(rng, regime, t)
    if t == 0 or n == 0:
        return x
    if flat:  # exactly-flat stretches (constant windows) and flat dates (constant cross-sections)
        for _ in range(draw(st.integers(0, 3))):
            j, start, length = rng.integers(n), rng.integers(t), rng.integers(2, 9)
            x[start : start + length, j] = x[start, j]
        for _ in range(draw(st.integers(0, 1))):
            x[rng.integers(t)] = rng.choice([0.1, 0.7, 1.0, 1e8 + 0.3, -3.0])
    if nan:  # runs of NaN (halts, listings, delistings)
        for _ in range(draw(st.integers(0, 3))):
            j, start, length = rng.integers(n), rng.integers(t), rng.integers(1, 7)
            x[start : start + length, j] = np.nan
    if inf:  # isolated ±inf (e.g. a division by zero upstream)
        for _ in range(draw(st.integers(0, 2))):
            x[rng.integers(t), rng.integers(n)] = rng.choice([np.inf, -np.inf])
    return x


@st.composite
def group_labels(draw: st.DrawFn, t: int, n: int, max_label: int = 3) -> np.ndarray:
    """Integer group labels of shape (N,) or (T, N), in -1 .. max_label (-1 = no group)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_groups = draw(st.integers(1, max_label + 1))
    p_none = draw(st.sampled_from([0.0, 0.0, 0.15]))
    shape = draw(st.sampled_from([(n,), (t, n)]))
    labels = rng.integers(0, n_groups, size=shape)
    return np.where(rng.random(shape) < p_none, -1, labels).astype(np.int64)


@st.composite
def panels(draw: st.DrawFn, n_days: _SizeArg = DAYS, n_assets: _SizeArg = ASSETS,
           fields: Sequence[str] = FIELDS, groups: Sequence[str] = GROUP_LEVELS,
           regimes: Sequence[str] = REGIMES, nan: bool = True, inf: bool = True) -> Panel:
    """An ``alphalang.Panel`` whose every field is a ``series_arrays`` draw of one shared (T, N) shape, with
    ``groups`` levels drawn by ``group_labels`` (shape (N,) or (T, N), some labels -1)."""
    t = draw(_as_strategy(n_days))
    n = draw(_as_strategy(n_assets))
    data = {f: draw(series_arrays(t, n, regimes=regimes, nan=nan, inf=inf)) for f in fields}
    levels = {g: draw(group_labels(t, n)) for g in groups}
    return Panel(fields=data, groups=levels)


# ---- formulas --------------------------------------------------------------------------------------------

def numbers(max_value: float = 1e6) -> st.SearchStrategy[float]:
    """Non-negative finite numbers as the grammar writes them (small ints, fractions, tiny and large)."""
    return st.one_of(st.integers(0, 10).map(float), st.sampled_from([0.5, 0.25, 1.5, 1e-3, 2.5e-6, 100.0]),
                     st.floats(0.0, max_value, allow_nan=False, allow_infinity=False))


def _mentions_field(text: str, fields: Sequence[str]) -> bool:
    """Whether formula text reads a field (so it is a series, never a folded constant).

    Example:
        >>> _mentions_field("rank(close) + 1", ["close"]), _mentions_field("abs(-2) * 3", ["close"])
        (True, False)
    """
    names = "|".join(re.escape(f) for f in fields)
    return bool(names) and re.search(rf"(?<![\w.])(?:{names})(?![\w(=])", text, re.IGNORECASE) is not None


@st.composite
def expressions(draw: st.DrawFn, max_depth: int = 3, fields: Sequence[str] = FIELDS,
                group_levels: Sequence[str] = GROUP_LEVELS, aliases: bool = True,
                exclude: Collection[str] = ()) -> str:
    """Formula text built from the operator registry, ``max_depth`` calls deep.

    Any user-callable operator (by canonical name or, if ``aliases``, by an alias, in random case), infix and
    prefix operators and ``?:``; SERIES arguments recurse (fields, constants, sub-expressions), WINDOW
    arguments are 1..6, LAG 0..4, CONST positive floats (sometimes as keyword, sometimes left to the
    default), GROUP ``IndClass.<level>``. ``exclude`` drops operators by canonical name from the calls
    (e.g. ones a backend does not support yet). Every generated text compiles against a panel with
    ``fields`` and ``group_levels``.
    """
    ops = {s.name: s for s in callable_ops() if s.name not in exclude and not s.labels  # labels: no series
           and (group_levels or all(p.kind is not ArgKind.GROUP for p in s.params))}
    infix = sorted(INFIX)
    prefix = sorted(PREFIX)

    def leaf() -> str:
        if not fields or draw(st.integers(0, 3)) == 0:
            text = number_text(draw(numbers(1e3)))
            return f"-{text}" if draw(st.booleans()) else text
        return draw(st.sampled_from(list(fields)))

    def static(param: Param) -> str:
        if param.kind is ArgKind.WINDOW:
            return str(draw(st.integers(1, 6)))
        if param.kind is ArgKind.LAG:
            return str(draw(st.integers(0, 4)))
        if param.kind is ArgKind.CHOICE:
            return f'"{draw(st.sampled_from(param.choices))}"'
        if param.kind is ArgKind.TEXT:  # free text: only its default is known to be valid
            return f'"{param.default}"'
        return number_text(param.nearest(draw(st.sampled_from([0.5, 1.0, 2.0, 3.0, 0.25, 10.0]))))

    def expr(depth: int) -> str:
        if depth <= 0:
            return leaf()
        form = draw(st.sampled_from(["call", "call", "call", "infix", "prefix", "cond", "leaf"]))
        if form == "leaf":
            return leaf()
        if form == "infix":
            return f"({expr(depth - 1)} {draw(st.sampled_from(infix))} {expr(depth - 1)})"
        if form == "prefix":  # parenthesised: `x ^ !y` is not in the grammar (only `x ^ -y`)
            return f"({draw(st.sampled_from(prefix))}({expr(depth - 1)}))"
        if form == "cond":
            return f"({expr(depth - 1)} ? {expr(depth - 1)} : {expr(depth - 1)})"
        if not ops:
            return leaf()
        spec = ops[draw(st.sampled_from(sorted(ops)))]
        name = draw(st.sampled_from([spec.name, *spec.aliases])) if aliases else spec.name
        if draw(st.integers(0, 4)) == 0:
            name = "".join(c.upper() if draw(st.booleans()) else c for c in name)
        args: list[str] = []
        named = False
        for p in spec.params:
            if p.kind is ArgKind.SERIES:
                text = expr(depth - 1)
                if spec.constant_overload and args and not _mentions_field(text, fields):
                    text = f"delay({text}, 0)"  # a constant >= 0 here would mean ts_min/ts_max (the overload)
                args.append(text)
            elif p.kind is ArgKind.GROUP:
                args.append(f"IndClass.{draw(st.sampled_from(list(group_levels)))}")
            elif p.default is not None:  # after a skipped or keyword option, the rest go by keyword
                ways = ["default", "keyword"] if named else ["default", "positional", "keyword"]
                choice = draw(st.sampled_from(ways))
                named |= choice != "positional"
                if choice == "positional":
                    args.append(static(p))
                elif choice == "keyword":
                    args.append(f"{p.name}={static(p)}")
            else:
                args.append(static(p))
        return f"{name}({', '.join(args)})"

    return expr(draw(st.integers(0, max_depth)))


_IDENTIFIERS = st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True).filter(lambda s: s not in ("def", "import"))
_BINARY_OPS = tuple(INFIX)  # "+", "-", ... in registry order


def asts(max_leaves: int = 12) -> st.SearchStrategy[ast.Expr]:
    """Random expression ASTs (``alphalang.syntax.ast``) for print / re-parse round trips.

    Numbers are non-negative and finite (a negative number is a unary minus); names are lower case and never
    the keywords ``def`` / ``import``; calls may carry keyword arguments after the positional ones.
    """
    leaves = st.one_of(
        numbers(1e300).map(ast.Number),
        _IDENTIFIERS.map(ast.Name),
        _IDENTIFIERS.map(ast.GroupName),
    )

    def extend(children: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
        keyword = st.builds(ast.Keyword, _IDENTIFIERS, children)
        return st.one_of(
            st.builds(ast.Unary, st.sampled_from(list(PREFIX)), children),
            st.builds(ast.Binary, st.sampled_from(_BINARY_OPS), children, children),
            st.builds(ast.Conditional, children, children, children),
            st.builds(ast.Call, _IDENTIFIERS, st.lists(children, max_size=3).map(tuple),
                      st.lists(keyword, max_size=2, unique_by=lambda k: k.name).map(tuple)),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)
