"""Cold and warm start of ``alphalang run`` on two different datasets: does new data recompile the kernels?

For each program (``stdlib/wq101.alpha`` and a 3-formula file) a fresh kernel cache is made that holds only the
package's kernel library (copied from your cache, so the library's one-time compile is not counted), then
four processes run ``alphalang run --json`` in turn:

1. dataset A, cold: the program's kernels compile;
2. dataset A, warm: they load from the cache;
3. dataset B, first time: data of another size and seed, from a CSV without ``returns`` (derived from close)
   for wq101; the real S&P 500 prices (no returns, vwap or cap) for the 3-formula program when
   ``../shared/data/sp500`` exists, else that CSV;
4. dataset B again.

Each row: kernels compiled and loaded, compile (compiling or loading kernels) and run seconds as the CLI
reports them, and the process's wall time (Python start-up, imports and data loading included). The
"before" rows run the same two first starts (A cold, then B) with the kernels keyed as before issue 13
(``Program.plan_for(data fields)``: a derivable field the data lacks is computed inside the kernel), on
today's kernel library, in another fresh cache.

``--empty``: each program starts from an empty cache instead (a fresh machine: the kernel families the program
uses compile too, in the cold row), ``--formula TEXT`` replaces the 3-formula program (e.g. ``"a = ts_mean(close,
5)"``), ``--only NAME`` runs one of the two programs; the "before" rows are skipped with ``--empty``.

Run: python bench/coldstart.py [--days 500 --assets 100] [--empty] [--formula TEXT] [--only wq101|formulas]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import machine  # noqa: E402

import alphalang  # noqa: E402
from alphalang.backend.numba import cache  # noqa: E402

SP500 = ROOT.parent / "shared" / "data" / "sp500" / "prices.csv.gz"
THREE = """# three formulas on close and volume (returns derived when the data lacks it)
mom = rank(delta(close, 5))
rev = -1 * ts_corr(rank(volume), rank(returns), 10)
vol = ts_std(returns, 20) / ts_mean(abs(returns), 20)
"""


def write_csv(path: Path, days: int, assets: int, seed: int) -> Path:
    """A demo market without ``returns``, as a long CSV with its group columns."""
    panel = alphalang.demo_panel(days, assets, seed)
    fields = panel.fields
    fields.pop("returns")
    frame = panel.to_long(fields)
    for level, labels in panel.groups.items():
        frame[level] = np.tile(labels, panel.n_dates)
    frame.to_csv(path)
    return path


def fresh_cache(where: Path, empty: bool = False) -> Path:
    """A private cache with the package's kernels only (no generated kernel), or nothing at all (``empty``)."""
    target = where / "cache"
    target.mkdir(mode=0o700, parents=True)
    if empty:
        return target
    from alphalang.backend.numba import executor  # noqa: F401 - importing compiles the library if needed

    here = cache.usable_dir()
    if here is None:
        raise SystemExit("no usable kernel cache to copy the kernel library from")
    shutil.copytree(here / "numba", target / "numba", ignore=shutil.ignore_patterns("alphalang_kernel_*"))
    return target


def run(program: Path, data: list[str], cache_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", cache.ENV_VAR)}
    env[cache.ENV_VAR] = str(cache_dir)
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, "-m", "alphalang", "run", str(program), *data, "--json"], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"alphalang run failed:\n{proc.stderr}")
    report = json.loads(proc.stdout)
    return {"wall": wall, "cpu": cpu, "outputs": len(report["outputs"]), **report["kernels"], **report["seconds"]}


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes: unlike wall time, not inflated by load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


BEFORE = """
import json, sys, time, alphalang
from alphalang.backend import numba
from alphalang.backend.compiling import watch
from alphalang.data import load_panel
from alphalang.program import _bind
start = time.perf_counter()
data = sys.argv[2:]
panel = alphalang.demo_panel(int(data[2]), int(data[4])) if data[0] == "--demo" else load_panel(data[1])
program = alphalang.compile(sys.argv[1], fields=panel.fields, missing="skip").available(panel.fields, panel.groups)
plan = program.plan_for(panel.fields)
with watch() as log:
    run_start = time.perf_counter()
    numba.prepare(plan)(*_bind(plan, panel), panel.shape)
print(json.dumps({"outputs": len(program.outputs), "compiled": log.compiled, "loaded": log.loaded,
                  "compile": log.seconds, "run": time.perf_counter() - run_start - log.seconds}))
"""


def run_before(program: Path, data: list[str], cache_dir: Path) -> dict:
    """The kernels as keyed before issue 13 (``plan_for``), run in a process of their own."""
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", cache.ENV_VAR)}
    env[cache.ENV_VAR] = str(cache_dir)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", BEFORE, str(program), *data], env=env, capture_output=True,
                          text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"before-run failed:\n{proc.stderr}")
    return {"wall": time.perf_counter() - start, "check": 0.0, **json.loads(proc.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=500)
    parser.add_argument("--assets", type=int, default=100)
    parser.add_argument("--empty", action="store_true", help="start each program from an empty kernel cache")
    parser.add_argument("--formula", default=THREE, help="the small program's text (default: three formulas)")
    parser.add_argument("--only", choices=("wq101", "formulas"), help="run one program only")
    args = parser.parse_args()
    print(machine())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        three = tmp / "three.alpha"
        three.write_text(args.formula + "\n")
        csv = write_csv(tmp / "other.csv", args.days * 3 // 5, args.assets // 2, seed=11)
        demo = ["--demo", "--days", str(args.days), "--assets", str(args.assets)]
        other = ["--data", str(csv)]
        real = ["--data", str(SP500)] if SP500.exists() else other
        small = "3 formulas" if args.formula == THREE else args.formula.strip()
        programs = {"wq101": (ROOT / "stdlib" / "wq101.alpha", other, "demo CSV, no returns"),
                    small: (three, real, "S&P 500 (real)" if SP500.exists() else "demo CSV, no returns")}
        if args.only:
            programs = {k: v for k, v in programs.items() if (k == "wq101") == (args.only == "wq101")}
        for k, (name, (program, data_b, label_b)) in enumerate(programs.items()):
            where = tmp / f"program{k}"
            where.mkdir()
            cache_dir = fresh_cache(where, args.empty)
            for step, data, label in (("cold", demo, "A: demo, returns given"), ("warm", demo, "A"),
                                      ("new data", data_b, f"B: {label_b}"), ("warm", data_b, "B")):
                result = run(program, data, cache_dir)
                rows.append((name, label, step, result))
                print(f"{name:10} {label:28} {step:8} {result}", flush=True)
            if args.empty:
                continue
            before = fresh_cache(where / "before")
            for step, data, label in (("cold", demo, "A"), ("new data", data_b, "B")):
                result = run_before(program, data, before)
                rows.append((name, label, f"{step}, before", result))
                print(f"{name:10} {label:28} {step:8} before {result}", flush=True)
    print()
    print("| program | dataset | start | kernels compiled / loaded | compile s | run s | process wall s | "
          "process CPU s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, label, step, r in rows:
        print(f"| {name} ({r['outputs']} outputs) | {label} | {step} | {r['compiled']} / {r['loaded']} | "
              f"{r['compile']:.2f} | {r['run']:.2f} | {r['wall']:.1f} | {r.get('cpu', float('nan')):.1f} |")


if __name__ == "__main__":
    main()
