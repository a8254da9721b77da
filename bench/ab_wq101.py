"""A/B of two source trees on wq101: one measurement per process, each tree with its own kernel cache.

Export the trees first (``git archive REV | tar -x -C DIR``), then alternate processes, e.g.::

    for tree in old new old new; do ALPHALANG_CACHE_DIR=/tmp/ab/cache_$tree python bench/ab_wq101.py /tmp/ab/$tree; done

Each prints the first run (compile or cache load included) and the best of ``--repeat`` warm runs on
``demo_panel(--days, --assets)``, 1 thread. Read pairs measured next to each other; single numbers are noisy.
"""

from __future__ import annotations

import argparse
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tree", help="a source tree holding alphalang/ and stdlib/")
    ap.add_argument("--days", type=int, default=1000)
    ap.add_argument("--assets", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, args.tree)
    import alphalang

    if not alphalang.__file__.startswith(args.tree):
        raise SystemExit(f"imported {alphalang.__file__}, not the tree {args.tree}")
    panel = alphalang.demo_panel(args.days, args.assets, 3)
    program = alphalang.compile(f"{args.tree}/stdlib/wq101.alpha", backend="numba")
    times = []
    for _ in range(args.repeat + 1):
        start = time.perf_counter()
        program.run(panel)
        times.append(time.perf_counter() - start)
    print(f"{args.tree}: first {times[0]:.1f} s, best of {args.repeat} {min(times[1:]):.2f} s", flush=True)


if __name__ == "__main__":
    main()
