"""Shared helpers for the numba-backend tests: nasty panels, registry-driven programs, and the comparison.

Compile work is the budget: each helper builds ONE module with many outputs, compiled once per session and
then run on many panels.
"""

from __future__ import annotations

import random

import numpy as np

import alphalang
from alphalang.backend.numba.kernels import DIRECT_MAX
from alphalang.data import Panel
from alphalang.ops import ArgKind, ResultKind, callable_ops

FIELDS = ("open", "high", "low", "close", "volume", "vwap", "returns")
WINDOWS = (1, 2, 3, 5, 21, 30)  # <= 20: two-pass (bitwise); > 20: O(1) running sums
LAGS = (0, 1, 3)


def nasty_panel(t: int = 90, n: int = 13, seed: int = 0) -> Panel:
    """A panel with every regime: normal, 1e8 offsets, tiny, negative, small integers (ties), flat columns,
    duplicated columns (exact ties across assets), NaN runs, isolated ±inf and flat stretches."""
    rng = np.random.default_rng(seed)
    fields = {}
    for name in FIELDS:
        cols = []
        for j in range(n):
            kind = j % 7
            if kind == 0:
                c = rng.normal(0, 10, t)
            elif kind == 1:
                c = 1e8 + rng.normal(0, 50, t)
            elif kind == 2:
                c = rng.uniform(-1, 1, t) * 1e-9
            elif kind == 3:
                c = -rng.lognormal(0, 1, t)
            elif kind == 4:
                c = rng.integers(-3, 4, t).astype(float)
            elif kind == 5:
                c = np.full(t, rng.choice([0.0, 0.1, -2.5]))
            else:
                c = rng.lognormal(3, 0.5, t)
            cols.append(c)
        x = np.stack(cols, axis=1)
        x[:, n - 1] = x[:, 0]  # an exact duplicate asset: ties across assets
        for _ in range(4):  # flat stretches
            j, s, k = rng.integers(n), rng.integers(t), rng.integers(2, 12)
            x[s : s + k, j] = x[s, j]
        for _ in range(4):  # NaN runs
            j, s, k = rng.integers(n), rng.integers(t), rng.integers(1, 8)
            x[s : s + k, j] = np.nan
        for _ in range(3):
            x[rng.integers(t), rng.integers(n)] = rng.choice([np.inf, -np.inf])
        fields[name] = x
    groups = {"sector": rng.integers(-1, 3, n), "industry": rng.integers(0, 5, (t, n))}
    return Panel(fields=fields, groups=groups)


def _call(spec, args: list[str], statics: list[str]) -> str:
    return f"{spec.name}({', '.join(args + statics)})"


def _output(spec, args: list[str], statics: list[str]) -> str:
    """An output using the call: group labels (bucket, densify) are no output, so they group a group_rank."""
    call = _call(spec, args, statics)
    return f"group_rank(close, {call})" if spec.labels else call


SENSITIVE = ("ts_skew", "ts_kurt", "ts_zscore", "ts_resid", "ts_rsquare", "ts_slope")


def loose_outputs(source: str) -> frozenset[str]:
    """Outputs of ``op_module`` that apply a higher-moment operator over an O(1)-path window (d > 20)."""
    out = set()
    for line in source.splitlines():
        name, expr = line.split(" = ", 1)
        if expr.startswith(SENSITIVE) and int(expr.rstrip(")").rsplit(",", 1)[-1]) > DIRECT_MAX:
            out.add(name)
    return frozenset(out)


def _required_const(spec):
    """The operator's first static parameter if it is a constant without a default (else None)."""
    first = next((p for p in spec.params if p.kind.is_static), None)
    return first if first is not None and first.kind is ArgKind.CONST and first.default is None else None


def op_module() -> str:
    """One output per (registry operator, window) on fields, plus nested uses of every row/group operator."""
    lines = []
    k = 0
    for spec in callable_ops():
        series = [p for p in spec.params if p.kind is ArgKind.SERIES]
        inputs = ["close", "volume", "open"][: len(series)]
        if spec.result is ResultKind.ELEMENTWISE:
            variants = [[]]
            inputs = ["(close - open)", "(volume / 1000 - 3)", "returns"][: len(series)]
        elif any(p.kind is ArgKind.WINDOW for p in spec.params):
            variants = [[str(d)] for d in WINDOWS]
        elif any(p.kind is ArgKind.LAG for p in spec.params):
            variants = [[str(d)] for d in LAGS]
        elif _required_const(spec) is not None:  # ts_ema's half-life, ts_ema_alpha's alpha, ...
            variants = [[str(_required_const(spec).nearest(v))] for v in (0.5, 3.0)]
        elif spec.name == "scale":
            variants = [[], ["2.5"]]
        else:
            variants = [[]]
        groups = sum(p.kind is ArgKind.GROUP for p in spec.params)  # each group argument: two orders of levels
        levels = (("sector", "industry"), ("industry", "sector")) if groups else ((),)
        for statics in variants:
            for order in levels:
                args = [*inputs, *(f"IndClass.{level}" for level in order[:groups])]
                lines.append(f"o{k} = {_output(spec, args, statics)}")
                k += 1
    return "\n".join(lines)


def random_module(count: int = 40, seed: int = 0, depth: int = 3) -> str:
    """``count`` random nested expressions drawn from the registry (time-series, cross-sectional, group,
    elementwise mixed), one output each."""
    rng = random.Random(seed)
    ops = [s for s in callable_ops() if not s.labels]  # label-valued operators are group arguments only

    def expr(level: int) -> str:
        if level == 0 or rng.random() < 0.15:
            return rng.choice(list(FIELDS)) if rng.random() < 0.85 else str(rng.choice([0.5, 2, -1, 3]))
        spec = rng.choice(ops)
        args, statics = [], []
        for p in spec.params:
            if p.kind is ArgKind.SERIES:
                args.append(expr(level - 1))
            elif p.kind is ArgKind.GROUP:
                args.append(rng.choice(["IndClass.sector", "IndClass.industry"]))
            elif p.kind is ArgKind.WINDOW:
                statics.append(str(rng.choice([1, 2, 3, 4, 6, 10, 20])))  # two-pass windows: bitwise paths
            elif p.kind is ArgKind.LAG:
                statics.append(str(rng.choice([0, 1, 2, 5])))
            elif p.kind in (ArgKind.CHOICE, ArgKind.TEXT):  # a string option: a choice, or the default text
                statics.append(f'"{rng.choice(p.choices) if p.choices else p.default}"')
            elif p.default is None or rng.random() < 0.5:
                statics.append(str(p.nearest(rng.choice([0.5, 1.0, 2.0, 10.0]))))
        return _call(spec, args, statics)

    return "\n".join(f"r{k} = {expr(depth)}" for k in range(count))


def assert_matches(got: dict, want: dict, rtol: float = 1e-9, loose: frozenset[str] = frozenset(),
                   loose_rtol: float = 1e-6) -> None:
    """numba == reference: same NaN pattern, values equal to ``rtol`` (relative to each output's scale).

    ``loose`` outputs are compared at ``loose_rtol``: higher moments over long windows of ``1e8 + noise``,
    where the *reference's* two-pass (its rounded window mean) is off by ~1e-8 relative while the O(1) kernels
    are within 1e-14 of the exact value (``test_numba_stability`` checks them against exact rationals).
    """
    failures = []
    for name in want:
        a, b = np.asarray(got[name]), np.asarray(want[name])
        finite = np.isfinite(b)
        scale = np.max(np.abs(b[finite]), initial=0.0)
        tol = loose_rtol if name in loose else rtol
        try:
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol * scale, equal_nan=True)
        except AssertionError as e:
            failures.append(f"{name}: {str(e).splitlines()[3:7]}")
    assert not failures, "\n".join(failures)


def compile_both(source: str) -> tuple[alphalang.Program, alphalang.Program]:
    return alphalang.compile(source, backend="numba"), alphalang.compile(source, backend="reference")


def assert_streaming_equals_batch(program: alphalang.Program, panel: Panel, start: int) -> None:
    """Stream ``panel`` from row ``start`` on (after a batch warm-up of rows 0..start-1): every output of every
    streamed row equals the batch run's row, bitwise."""
    batch = program.run(panel)
    stream = program.stream(panel.slice_rows(0, start))
    for t in range(start, panel.shape[0]):
        out = stream.step({name: panel.field(name)[t] for name in panel.fields})
        for name, want in batch.items():
            np.testing.assert_array_equal(out[name], want[t], err_msg=f"{name} at row {t}")
