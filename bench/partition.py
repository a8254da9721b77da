"""Benchmark: how the output-group budget (``backend/numba/partition.STATE_BUDGET``) trades run time for kernels.

    python bench/partition.py [--days 800 --assets 3000 --budgets 0,200,400,800,1600,6400 --threads 1]

For each budget, wq101 is compiled into that many kernels (budget 0: one fused kernel), run once to compile
(or load from the cache), then timed (min of ``--repeat`` runs). Prints one table: kernels, first run
(compile + run), best run, and the ratio of each run to the single fused kernel's.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _common import best_time, machine, table  # noqa: E402

import alphalang  # noqa: E402
from alphalang.backend.numba import partition  # noqa: E402
from alphalang.resources import stdlib_dir  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=800)
    ap.add_argument("--assets", type=int, default=3000)
    ap.add_argument("--budgets", default="0,200,400,800,1600,6400")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    print(f"# machine: {machine()}", flush=True)
    panel = alphalang.demo_panel(args.days, args.assets, seed=0)
    rows = []
    base = None
    for budget in [int(b) for b in args.budgets.split(",")]:
        partition.STATE_BUDGET = budget
        program = alphalang.compile(stdlib_dir() / "wq101.alpha", backend="numba", threads=args.threads)
        kernels = len(partition.split(program.plan_for(panel.fields)))
        start = time.perf_counter()
        program.run(panel)
        first = time.perf_counter() - start
        best, _ = best_time(lambda p=program: p.run(panel), args.repeat)
        base = best if base is None else base
        rows.append([budget, kernels, first, best, best / base])
        print(rows[-1], flush=True)
    print(f"\nwq101 on demo_panel({args.days}, {args.assets}), threads={args.threads}; 'ratio' is against the "
          "first budget's run\n")
    print(table(["budget (words/asset)", "kernels", "first run s", "run s", "ratio"], rows))


if __name__ == "__main__":
    main()
