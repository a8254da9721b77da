"""The kernel-family declaration (``families``) against the kernel modules and ``kernels.table``'s runners, code
generation without numba, import without side effects, a program compiling only the families it uses, and the
``callers`` symbol trick on the installed numba."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import json
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from alphalang.backend.numba.families import CODES, FAMILIES, FAMILY, LOWERING, TSRANK_SCAN_MAX


def _module(name: str):
    return importlib.import_module(FAMILY[name].module)


@pytest.mark.parametrize("family", [f.name for f in FAMILIES])
def test_declared_modes_are_the_kernel_modules_constants(family):
    module = _module(family)
    for code, mode in enumerate(FAMILY[family].modes):
        assert getattr(module, mode.upper()) == code, (family, mode)


@pytest.mark.parametrize("family", [f.name for f in FAMILIES if f.stateful])
def test_declared_state_sizes_are_the_kernel_modules_layout(family):
    module = _module(family)
    for n in (1, 3, 7):
        for d in (1, 2, 5, 20, TSRANK_SCAN_MAX, TSRANK_SCAN_MAX + 1):
            assert FAMILY[family].state_size(n, d) == module.state_size(n, d), (n, d)


def test_only_stateful_families_have_init_and_state():
    for f in FAMILIES:
        assert hasattr(_module(f.name), "init") == f.stateful, f.name
    assert _module("tsrank").SCAN_MAX == TSRANK_SCAN_MAX


def test_lowering_names_declared_families_and_modes():
    for name, (family, mode) in LOWERING.items():
        assert family in FAMILY, name
        assert (mode is None) == (not FAMILY[family].modes), name
        if mode is not None:
            assert mode in FAMILY[family].modes, name


@pytest.mark.parametrize("family", [f.name for f in FAMILIES])
def test_each_family_runner_is_generated_from_its_declaration(family):
    """One function ``run_<family>``, importing its own module first and only family modules, calling only
    functions those modules have."""
    from alphalang.backend.numba.kernels import table

    tree = ast.parse(table.runner_source(family))
    assert [n.name for n in tree.body if isinstance(n, ast.FunctionDef)] == [f"run_{family}"]
    imported = [a.name for n in tree.body if isinstance(n, ast.ImportFrom)
                and n.module == "alphalang.backend.numba.kernels" for a in n.names]
    assert imported[0] == family and set(imported) <= set(FAMILY), imported
    called = [(n.value.id, n.attr) for n in ast.walk(tree) if isinstance(n, ast.Attribute)
              and isinstance(n.value, ast.Name) and n.value.id in imported]
    assert called and all(callable(getattr(_module(m), attr, None)) for m, attr in called), called


def test_a_window_family_runner_is_its_push_between_reading_and_storing_a_row():
    from alphalang.backend.numba.kernels import table

    assert table.runner_source("moments").split("\n\n\n")[1] == textwrap.dedent("""\
        def run_moments(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out, c0):
            for p in range(a, b):
                mode, d, x, y, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out, c0)
                k, level = prog[p, 9], prog[p, 8]
                moments.push(f, i, t, d, mode, x, dst)
                store(prog, p, keep, r, dst, out, c0)
        """)
    group = table.runner_source("groupfill")  # two statements, two family modules
    assert "from alphalang.backend.numba.kernels import groupfill, group\n" in group
    assert "        g, n_labels = group.labels(level, r, rows, groups, n_groups, c0)\n        groupfill.push(" in group


@pytest.mark.parametrize(("call", "message"), [
    ("os.system('echo')", "only read attributes of family modules"),
    ("moments.push(f, i, t, d, mode, x, __import__('os'))", "reads '__import__'"),
    ("moments.push(f, i, t, d, mode, x, dst.__class__)", "only read attributes of family modules"),
])
def test_a_declared_call_reading_anything_else_is_refused(monkeypatch, call, message):
    from alphalang.backend.numba.kernels import table

    monkeypatch.setitem(FAMILY, "moments", dataclasses.replace(FAMILY["moments"], call=call))
    with pytest.raises(ValueError, match=message):
        table.runner_source("moments")


def _run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_explain_kernel_imports_no_numba():
    out = _run_python("""
        import contextlib, io, sys
        from alphalang.cli import main
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            main(["explain", "a = rank(delta(close, 5))\\nb = ts_ema(close, 3) + group_mean(open, IndClass.sector)",
                  "--kernel"])
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("numba", "llvmlite")
                        or m.startswith("alphalang.backend.numba.kernels"))
        print(loaded)
        print(buf.getvalue())
    """)
    first, source = out.split("\n", 1)
    assert first == "[]"
    assert "def fused_" in source and "call_crosssection(prog, " in source and "call_group(prog, " in source
    assert "table.callers('shift', 'crosssection', 'ema', 'group',)" in source  # the families it uses, no other


def test_a_program_imports_and_compiles_only_the_families_it_uses():
    """ts_mean lowers to moments and ``>`` to an ``ew`` helper: no other family's module is imported (importing
    one compiles its kernels on a machine's first run), nor its runner compiled; the result is pandas' rolling
    mean plus the comparison (NaN where an operand is NaN)."""
    out = _run_python("""
        import json, sys
        import numpy as np
        import alphalang
        from alphalang.backend.numba.families import FAMILY
        from alphalang.backend.numba.kernels import table
        close = np.arange(12.0).reshape(4, 3) ** 1.5
        close[3, 1] = np.nan
        program = alphalang.compile("m = ts_mean(close, 2)\\nx = m + (m > close)", backend="numba")
        x = program.run({"close": close})["x"]
        print(json.dumps(x.tolist()))
        print(sorted(f for f in FAMILY if FAMILY[f].module in sys.modules), sorted(table._RUNNERS))
    """)
    values, families = out.strip().splitlines()
    close = np.arange(12.0).reshape(4, 3) ** 1.5
    close[3, 1] = np.nan
    m = pd.DataFrame(close).rolling(2).mean().to_numpy()
    want = m + np.where(np.isnan(m) | np.isnan(close), np.nan, m > close)
    np.testing.assert_allclose(np.array(json.loads(values), dtype=float), want, rtol=1e-15)
    assert families == "['moments'] ['moments']"


def test_importing_and_running_kernels_leaves_the_warning_filters_alone():
    out = _run_python("""
        import warnings
        import numba  # noqa: F401  (numpy and numba set filters of their own on import)
        import numpy as np
        before = list(warnings.filters)
        import alphalang
        from alphalang.backend.numba.kernels import table  # noqa: F401
        program = alphalang.compile("x = rank(close)", backend="numba")
        program.run({"close": np.arange(6.0).reshape(2, 3)})
        print(warnings.filters == before)
    """)
    assert out.strip() == "True"


def test_callers_reach_the_runner_through_the_published_symbol():
    """``table`` publishes each runner's machine code under ``symbol(family)`` with numba internals; if a numba
    release changes them, this fails here rather than in every generated kernel."""
    import llvmlite.binding as llvm_binding
    from numba import njit

    from alphalang.backend.numba.kernels import crosssection, quiet_objmode, table

    (call_crosssection,) = table.callers("crosssection")
    cres = table.runner("crosssection").overloads[table._SIG.args]
    address = cres.library.get_pointer_to_function(cres.fndesc.llvm_func_name)
    assert address and llvm_binding.address_of_symbol(table.symbol("crosssection")) == address

    @njit
    def call(prog, rows, ws, out):
        empty_f, empty_i = np.empty(0), np.empty(0, np.int64)
        groups = np.full((1, 1, rows.shape[1]), -1, np.int64)
        call_crosssection(prog, 0, prog.shape[0], 0, 0, True, rows, empty_f, empty_i, np.zeros(1, np.int64),
                          np.zeros(1, np.int64), empty_f, groups, 0, ws, out, 0)

    row = dict.fromkeys(("family", "mode", "window", "in0", "in1", "out", "state", "output", "level", "const",
                         "direct"), -1)
    row.update(family=CODES["crosssection"], mode=FAMILY["crosssection"].mode_code("rank"), in0=0, out=1,
               output=0, direct=0)
    from alphalang.backend.numba.families import COLUMNS

    prog = np.array([[row[c] for c in COLUMNS]], dtype=np.int64)
    rows = np.array([[3.0, 1.0, np.nan, 1.0], [0.0, 0.0, 0.0, 0.0]])
    out = np.zeros((1, 1, 4))
    with quiet_objmode():  # compiling ``call`` meets the row sort's objmode block, as alphalang's kernels do
        call(prog, rows, crosssection.workspace(4, 0), out)
    np.testing.assert_array_equal(out[0, 0], [1.0, 0.5, np.nan, 0.5])  # average ties, NaN stays NaN


def _lowered_calls():
    """(operator, call text, per_asset) for every registry operator lowered to a kernel family: series arguments
    close then volume, windows 5, lags 2, options their defaults (group operators left out: they read rows)."""
    from alphalang.ops import REGISTRY, ArgKind

    calls = []
    for name, spec in sorted(REGISTRY.items()):
        if spec.internal or spec.expansion is not None or spec.lowering not in LOWERING:
            continue
        if any(p.kind is ArgKind.GROUP for p in spec.params):
            continue
        fields, args = iter(("close", "volume", "open")), []
        for p in spec.params:
            if p.kind is ArgKind.SERIES:
                args.append(next(fields))
            elif p.kind in (ArgKind.WINDOW, ArgKind.LAG):
                args.append("5" if p.kind is ArgKind.WINDOW else "2")
            elif p.default is not None:
                continue  # every later parameter has a default too
            else:
                args.append("0.5")
        family, mode = LOWERING[spec.lowering]
        calls.append((name, f"{name}({', '.join(args)})", FAMILY[family].per_asset(FAMILY[family].mode_code(mode))))
    return calls


def _asset0(text: str, mixed: bool) -> np.ndarray:
    """Asset 0's values of ``text`` (reference backend) on a demo panel, or on it with every other asset's
    inputs replaced by another panel's (``mixed``)."""
    import alphalang

    panel, other = alphalang.demo_panel(40, 6, seed=2), alphalang.demo_panel(40, 6, seed=9)
    fields = {f: panel.field(f).copy() for f in ("close", "volume", "open")}
    if mixed:
        for f, values in fields.items():
            values[:, 1:] = other.field(f)[:, 1:] * 1.7
    return alphalang.compile(f"x = {text}", backend="reference").run(fields)["x"][:, 0]


_PER_ASSET = [(op, text) for op, text, per_asset in _lowered_calls() if per_asset]


@pytest.mark.parametrize(("op", "text"), _PER_ASSET, ids=[op for op, _ in _PER_ASSET])
def test_per_asset_declarations_hold_in_the_reference(op, text):
    """``Family.per_asset`` (what lets threads split assets) against the reference backend: an operator declared
    per-asset gives asset 0 the same values whatever the other assets hold."""
    assert np.array_equal(_asset0(text, False), _asset0(text, True), equal_nan=True), op


def test_the_per_asset_check_sees_operators_that_read_across_assets():
    """The check above is not vacuous: hump (its limit sums the row) and rank, declared across assets, change."""
    assert len(_PER_ASSET) > 30
    declared_across = {op for op, _, per_asset in _lowered_calls() if not per_asset}
    assert {"hump", "rank"} <= declared_across
    for text in ("hump(close, 0.01)", "rank(close)"):
        assert not np.array_equal(_asset0(text, False), _asset0(text, True), equal_nan=True), text
