"""Compiling is reported and happens once per machine (issue 13, items 2, 3 and 10).

* A program's kernels do not depend on which derivable fields (``returns``, ``adv{d}``, ``amount``) the data
  holds: two processes sharing a fresh kernel cache run the same program on data with ``returns`` and on a
  CSV without it; the second compiles nothing. Oracles: the first process's results (the demo's ``returns``
  is ``close / delay(close, 1) - 1`` exactly), the old plan that derives the fields inside the kernel, and
  pandas for the derived returns.
* ``alphalang run`` reports check, compile and run time separately, flags outputs with no finite value, and
  says nothing about compiling when nothing compiled; ``--version``; the workbench example without alphalens.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.backend import compiling
from alphalang.cli import main
from alphalang.cli.progress import Progress
from alphalang.data import Panel
from alphalang.errors import AlphaDataError

ROOT = Path(__file__).resolve().parents[1]
# c: log of a negative price, NaN everywhere by definition (the flag's oracle)
SOURCE = ("a = ts_mean(returns, 12) / adv20\nb = rank(ts_std(returns, 25)) + ts_sum(amount, 5)\nc = log(-close)\n"
          "d = indneutralize(ts_mean(returns, 3), IndClass.sector)\n")


def _without_returns(panel: Panel) -> Panel:
    fields = panel.fields
    fields.pop("returns")
    return Panel(fields, groups=panel.groups, dates=panel.dates, assets=panel.assets)


def _with_gaps(panel: Panel) -> Panel:
    rng = np.random.default_rng(7)
    fields = {k: np.where(rng.random(v.shape) < 0.06, np.nan, v) for k, v in panel.fields.items()}
    return Panel(fields, groups=panel.groups, dates=panel.dates, assets=panel.assets)


@pytest.fixture(scope="module")
def panel() -> Panel:
    return _with_gaps(_without_returns(alphalang.demo_panel(90, 7, seed=4)))


def _inline(program, panel: Panel, backend, **options) -> dict[str, np.ndarray]:
    """The old path: the derived fields computed inside the program's own graph (``Program.plan``)."""
    groups = {level: panel.group(level) for level in program.plan.groups}
    return backend.prepare(program.plan, **options)({f: panel.field(f) for f in program.plan.fields}, groups,
                                                    panel.shape)


def _assert_bitwise(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name, strict=True)


@pytest.mark.parametrize("nan", ["strict", "skip"])
def test_derived_inputs_equal_the_inline_derivation_reference(panel, nan):
    from alphalang.backend.reference import evaluate as reference

    program = alphalang.compile(SOURCE, backend="reference", nan=nan)
    assert set(program.kernel_plan.fields) >= {"returns", "adv20", "amount"}  # inputs, not sub-graphs
    _assert_bitwise(program.run(panel), _inline(program, panel, reference))


def test_derived_inputs_equal_the_inline_derivation_numba(panel):
    from alphalang.backend import numba

    program = alphalang.compile(SOURCE, backend="numba", nan="skip")
    _assert_bitwise(program.run(panel), _inline(program, panel, numba))
    _assert_bitwise(program.run(panel, threads=2), _inline(program, panel, numba, threads=2))


def test_derived_returns_match_pandas(panel):
    out = alphalang.compile("r = returns", backend="reference").run(panel)["r"]
    close = pd.DataFrame(panel.field("close"))
    np.testing.assert_array_equal(out, (close / close.shift(1) - 1).to_numpy())


def test_missing_source_of_a_derived_field_points_at_its_use():
    data = alphalang.demo_panel(20, 3).fields
    for name in ("close", "returns"):
        data.pop(name)
    with pytest.raises(AlphaDataError) as err:
        alphalang.compile("x = open\ny = ts_sum(returns, 3)", backend="reference").run(data)
    assert "no field 'close'" in str(err.value) and err.value.span.line == 2 and err.value.span.column == 12


SCRIPT = """
import json, sys, alphalang
from alphalang.backend.compiling import watch
from alphalang.data import load_panel
panel = load_panel(sys.argv[2]) if sys.argv[2] != "demo" else alphalang.demo_panel(60, 6, seed=2)
program = alphalang.compile(sys.argv[1])
events = []
with watch(events.append) as log:
    out = program.run(panel)
todo = sum(e.to_compile for e in events if e.kind == "begin")
from alphalang.backend.numba import _KERNELS  # every kernel compiled for one signature: none at call time
assert [len(fn.signatures) for fn in _KERNELS.values()] == [1] * len(_KERNELS), _KERNELS
print(json.dumps({"fields": sorted(panel.fields), "compiled": log.compiled, "loaded": log.loaded, "todo": todo,
                  "out": {k: [repr(x) for x in v.ravel()] for k, v in out.items()}}))
"""


@pytest.fixture(scope="module")
def fresh_cache(tmp_path_factory) -> Path:
    """A private kernel cache holding the package kernels only (as this process has them): no generated ones."""
    from alphalang.backend.numba import cache, executor  # noqa: F401 - importing compiles the package kernels

    here = cache.usable_dir()
    if here is None:
        pytest.skip("this process has no usable kernel cache to copy")
    target = tmp_path_factory.mktemp("fresh") / "cache"
    target.mkdir(mode=0o700)
    shutil.copytree(here / "numba", target / "numba", ignore=shutil.ignore_patterns("alphalang_kernel_*"))
    return target


def _process(cache_dir: Path, source: Path, data: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "ALPHALANG_CACHE_DIR")}
    env.update(ALPHALANG_CACHE_DIR=str(cache_dir), PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(source), data], env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_one_compile_per_machine_whatever_optional_fields(fresh_cache, tmp_path):
    source = tmp_path / "three.alpha"
    source.write_text(SOURCE)
    demo = alphalang.demo_panel(60, 6, seed=2)
    csv = tmp_path / "no_returns.csv"
    frame = demo.to_long(_without_returns(demo).fields)
    frame["sector"] = np.tile(demo.groups["sector"], demo.n_dates)
    frame.to_csv(csv)

    given = _process(fresh_cache, source, "demo")
    derived = _process(fresh_cache, source, str(csv))
    assert "returns" in given["fields"] and "returns" not in derived["fields"]
    assert given["compiled"] >= 1 and given["todo"] == given["compiled"]  # announced = compiled
    assert derived["compiled"] == 0 and derived["todo"] == 0
    assert derived["loaded"] == given["compiled"] + given["loaded"]
    assert derived["out"] == given["out"]


def test_run_reports_compile_time_and_flags_outputs_without_values(tmp_path, capsys):
    source = tmp_path / "three.alpha"
    source.write_text(SOURCE)
    args = [str(source), "--demo", "--days", "90", "--assets", "7", "--nan", "skip"]
    assert main(["run", *args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["seconds"]) == {"check", "compile", "run"}
    assert set(report["kernels"]) == {"compiled", "loaded"}
    assert report["no_finite_values"] == ["c"]
    assert [row["flag"] for row in report["outputs"]] == ["", "", "no finite values", ""]
    assert main(["run", *args]) == 0  # the program's kernels are in memory now: nothing compiles
    out = capsys.readouterr().out
    row_c = next(line for line in out.splitlines() if line.startswith("c "))
    assert row_c.endswith("no finite values")
    assert "1 output with no finite value after warm-up (flagged above): c" in out
    assert "compiled" not in out and "first run" not in out


def test_progress_says_what_compiles():
    shown = []

    class Recorder(Progress):
        def _new(self, text, total):
            shown.append((text, total))

        def advance(self, label=""):
            shown.append(("advance", label))

    progress = Recorder(type("Args", (), {"quiet": True})())
    with progress.compiles("evaluating 3 outputs (numba)") as log:
        compiling.emit(compiling.CompileEvent("begin", name="kernel library"))
        compiling.emit(compiling.CompileEvent("kernel", name="table.run", compiled=True, seconds=2.0))
        compiling.emit(compiling.CompileEvent("end", name="kernel library"))
        compiling.emit(compiling.CompileEvent("begin", total=3, to_compile=2))
        for name, compiled in (("fused_a", True), ("fused_b", False), ("fused_c", True)):
            compiling.emit(compiling.CompileEvent("kernel", name=name, compiled=compiled, seconds=1.0))
        compiling.emit(compiling.CompileEvent("end"))
    assert shown == [("evaluating 3 outputs (numba)", None),
                     ("compiling the kernel library (first run on this machine)", None), ("advance", "table.run"),
                     ("evaluating 3 outputs (numba)", None),
                     ("compiling 2 kernels (first run on this machine)", 2), ("advance", "fused_a"),
                     ("advance", "fused_c"), ("evaluating 3 outputs (numba)", None)]
    assert (log.compiled, log.loaded, log.compile_seconds) == (3, 1, 4.0)


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith(f"alphalang {alphalang.__version__} (")


def test_workbench_example_without_alphalens(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "alphalens", None)  # import alphalens -> ImportError, as when absent
    runpy.run_path(str(ROOT / "examples" / "workbench_report.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert out.rstrip().endswith("skipped: install alphalang[alphalens]")
    assert (tmp_path / "workbench-report" / "report.html").is_file()
