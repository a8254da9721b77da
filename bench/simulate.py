"""Benchmark: simulating the books of all 101 stdlib alphas against computing them, and per alpha against a
straightforward pandas implementation of the same settings.

    python bench/simulate.py [--days 2520 --assets 3000 --threads 1,2 --repeat 3 --pandas-alphas 3]

Each thread count runs in its own fresh process with ``NUMBA_NUM_THREADS`` (and the BLAS/OpenMP thread
variables) set to it and ``numba.set_num_threads`` called, on ``demo_panel(days, assets, seed=0)`` with the
settings in ``SETTINGS``. In that process, with every kernel compiled (or loaded) first: the time to compute the
101 outputs (alphalang numba, ``threads=`` that count) and the time to simulate all of them in one
``alphalang.simulate(..., threads=)`` call, each the min of ``--repeat`` runs, and their ratio (the target is
below 1). The first thread count's process also times, for a few alphas, ``alphalang.simulate`` against the
whole-frame pandas implementation of tests/simulation/sim_oracle.py (the tests' oracle; the bench checks the
PnL agrees to 1e-9). The load average is printed beside every process: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "simulation")]

from _common import best_time, machine, table  # noqa: E402

WQ101 = ROOT / "stdlib" / "wq101.alpha"
SETTINGS = dict(universe=1000, delay=1, decay=4, neutralization="subindustry", truncation=0.08, booksize=20e6)
THREAD_VARS = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pandas_book(alpha: np.ndarray, panel) -> np.ndarray:
    """The pandas implementation's PnL for one alpha (inputs converted to frames inside the timing)."""
    from sim_oracle import pandas_simulate

    level = SETTINGS["neutralization"]
    out = pandas_simulate(panel.to_wide(alpha), panel.to_wide("close"), panel.to_wide("volume"),
                          panel.to_wide(panel.group(level).astype(float)), **SETTINGS)
    return out["pnl"].to_numpy()


def load() -> float:
    return os.getloadavg()[0]


def worker(args: argparse.Namespace) -> dict:
    """Time computing and simulating the 101 outputs with ``args.threads`` threads (this process only)."""
    import numba

    import alphalang

    th = int(args.threads)
    numba.set_num_threads(min(th, numba.config.NUMBA_NUM_THREADS))
    report: dict = {"threads": th, "load_start": load()}
    panel = alphalang.demo_panel(args.days, args.assets, seed=0)
    program = alphalang.compile(WQ101, backend="numba")
    small = alphalang.demo_panel(60, 20, seed=1)
    program.run(small)  # compile (or load) every kernel first
    alphalang.simulate(np.ones((60, 20)), small, **SETTINGS)
    results = None

    def compute():
        nonlocal results
        results = None  # free the previous outputs before computing them again
        results = program.run(panel, threads=th)

    compute_runs, simulate_runs = [], []
    for _ in range(args.repeat):
        compute_runs.append(best_time(compute, repeat=1)[0])
    for _ in range(args.repeat):
        simulate_runs.append(best_time(lambda: alphalang.simulate(results, panel, threads=th, **SETTINGS),
                                       repeat=1)[0])
    report.update(outputs=len(results), compute=compute_runs, simulate=simulate_runs)
    if args.pandas_alphas:
        sims = alphalang.simulate(results, panel, **SETTINGS)
        names = [n for n in sims if sims[n].start is not None][: args.pandas_alphas]
        report["pandas"] = {}
        for name in names:
            ours, _ = best_time(lambda name=name: alphalang.simulate(results[name], panel, **SETTINGS),
                                repeat=args.repeat)
            theirs, n = best_time(lambda name=name: pandas_book(results[name], panel), repeat=args.repeat,
                                  budget=90)
            np.testing.assert_allclose(sims[name].pnl, pandas_book(results[name], panel), rtol=1e-9,
                                       atol=1e-9 * SETTINGS["booksize"])
            report["pandas"][name] = {"ours": ours, "pandas": theirs, "runs": n}
    report["load_end"] = load()
    return report


def spawn(th: int, args: argparse.Namespace, pandas_alphas: int) -> dict:
    """Run ``worker`` in a fresh process with every thread variable set to ``th``; its JSON report."""
    env = {**os.environ, **dict.fromkeys(THREAD_VARS, str(th))}
    cmd = [sys.executable, __file__, "--worker", "--threads", str(th), "--days", str(args.days), "--assets",
           str(args.assets), "--repeat", str(args.repeat), "--pandas-alphas", str(pandas_alphas)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"worker with {th} thread(s) failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=2520)
    ap.add_argument("--assets", type=int, default=3000)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (the min is reported)")
    ap.add_argument("--pandas-alphas", type=int, default=3, help="alphas timed against pandas")
    ap.add_argument("--out", type=Path, help="also write the markdown table here")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    threads = [int(x) for x in args.threads.split(",")]
    print(machine(), flush=True)
    reports = {}
    for i, th in enumerate(threads):
        reports[th] = rep = spawn(th, args, args.pandas_alphas if i == 0 else 0)
        print(f"{th} thread(s): compute {[round(x, 2) for x in rep['compute']]} s, simulate "
              f"{[round(x, 2) for x in rep['simulate']]} s, load {rep['load_start']:.1f} -> {rep['load_end']:.1f}",
              flush=True)
    base = threads[0]
    rows = []
    for th, rep in reports.items():
        comp, sim, n = min(rep["compute"]), min(rep["simulate"]), rep["outputs"]
        speedup = (f"compute x{min(reports[base]['compute']) / comp:.2f}, simulate "
                   f"x{min(reports[base]['simulate']) / sim:.2f} vs {base} thread(s)") if th != base else ""
        rows.append([f"simulate all {n} outputs in one call / compute them", th, sim, sim / n, comp, sim / comp,
                     f"load {rep['load_start']:.1f}-{rep['load_end']:.1f}; {speedup}".rstrip("; ")])
    for name, p in reports[base].get("pandas", {}).items():
        rows.append([f"{name}: alphalang / pandas (PnL equal to 1e-9)", 1, p["ours"], p["ours"], p["pandas"],
                     p["ours"] / p["pandas"], f"pandas min of {p['runs']}"])
    header = ["what", "threads", "time s", "s per alpha", "baseline s", "time / baseline", "notes"]
    text = (f"simulate on demo_panel({args.days}, {args.assets}), settings {SETTINGS}; min of {args.repeat} runs, "
            "one fresh process per thread count (NUMBA_NUM_THREADS set); baseline = computing the 101 outputs "
            "(alphalang numba, same thread count, same process) or the pandas implementation of the same book\n\n"
            + table(header, rows))
    print("\n" + text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    if "--worker" not in sys.argv:
        print(f"\n(total {time.perf_counter() - start:.0f} s)")
