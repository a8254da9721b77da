"""Benchmark: simulating the books of all 101 stdlib alphas against computing them, and per alpha against a
straightforward pandas implementation of the same settings.

    python bench/simulate.py [--days 2520 --assets 3000 --threads 1,2 --repeat 3 --pandas-alphas 3]

All in one run on ``demo_panel(days, assets, seed=0)`` with the settings in ``SETTINGS``: the time to compute
the 101 outputs (alphalang numba, per thread count), the time to simulate all of them in one
``alphalang.simulate`` call (per thread count), and, for a few alphas, ``alphalang.simulate`` against the
whole-frame pandas implementation of tests/simulation/sim_oracle.py (which the tests also use as the oracle;
the bench checks the PnL agrees to 1e-9). Times are the min of ``--repeat`` runs. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "simulation")]

from _common import best_time, machine, table  # noqa: E402
from sim_oracle import pandas_simulate  # noqa: E402

import alphalang  # noqa: E402

WQ101 = ROOT / "stdlib" / "wq101.alpha"
SETTINGS = dict(universe=1000, delay=1, decay=4, neutralization="subindustry", truncation=0.08, booksize=20e6)


def pandas_book(alpha: np.ndarray, panel) -> np.ndarray:
    """The pandas implementation's PnL for one alpha (inputs converted to frames inside the timing)."""
    level = SETTINGS["neutralization"]
    out = pandas_simulate(panel.to_wide(alpha), panel.to_wide("close"), panel.to_wide("volume"),
                          panel.to_wide(panel.group(level).astype(float)), **SETTINGS)
    return out["pnl"].to_numpy()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=2520)
    ap.add_argument("--assets", type=int, default=3000)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pandas-alphas", type=int, default=3, help="alphas timed against pandas")
    ap.add_argument("--out", type=Path, help="also write the markdown table here")
    args = ap.parse_args()
    threads = [int(x) for x in args.threads.split(",")]
    print(machine(), flush=True)
    panel = alphalang.demo_panel(args.days, args.assets, seed=0)
    program = alphalang.compile(WQ101, backend="numba")
    program.run(alphalang.demo_panel(60, 20, seed=1))  # compile (or load) every kernel first
    alphalang.simulate(np.ones((60, 20)), alphalang.demo_panel(60, 20, seed=1), **SETTINGS)
    rows = []
    compute, simulate = {}, {}
    results = None
    for th in threads:
        def run(th=th):
            nonlocal results
            results = None  # free the previous outputs before computing them again
            results = program.run(panel, threads=th)

        compute[th], n = best_time(run, repeat=min(args.repeat, 2), budget=120)
        print(f"compute 101 alphas, {th} thread(s): {compute[th]:.2f} s (min of {n})", flush=True)
    for th in threads:
        simulate[th], n = best_time(lambda th=th: alphalang.simulate(results, panel, threads=th, **SETTINGS),
                                    repeat=args.repeat)
        print(f"simulate 101 alphas, {th} thread(s): {simulate[th]:.2f} s (min of {n})", flush=True)
        rows.append([f"simulate all {len(results)} outputs in one call", th, simulate[th],
                     simulate[th] / len(results), compute[th], simulate[th] / compute[th]])
    sims = alphalang.simulate(results, panel, **SETTINGS)
    names = [n for n in sims if sims[n].start is not None][: args.pandas_alphas]
    for name in names:
        ours, _ = best_time(lambda name=name: alphalang.simulate(results[name], panel, **SETTINGS),
                            repeat=args.repeat)
        theirs, n = best_time(lambda name=name: pandas_book(results[name], panel), repeat=args.repeat, budget=90)
        pnl = pandas_book(results[name], panel)
        np.testing.assert_allclose(sims[name].pnl, pnl, rtol=1e-9, atol=1e-9 * SETTINGS["booksize"])
        print(f"{name}: alphalang {ours:.3f} s, pandas {theirs:.2f} s (min of {n}), PnL equal to 1e-9", flush=True)
        rows.append([f"{name}: alphalang / pandas (PnL equal to 1e-9)", 1, ours, ours, theirs, ours / theirs])
    header = ["what", "threads", "time s", "s per alpha", "baseline s", "time / baseline"]
    text = (f"simulate on demo_panel({args.days}, {args.assets}), settings {SETTINGS}; baseline = computing the "
            "101 outputs (alphalang numba, same thread count) or the pandas implementation of the same book\n\n"
            + table(header, rows))
    print("\n" + text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
