"""Benchmark: single operators, alphalang numba against bottleneck, numbagg and pandas.

    python bench/operators.py [--days 2520 --assets 3000 --windows 10,60 --repeat 3]

Each implementation gets the same C-order (dates x assets) float64 panel with ~1% NaN and allocates its own
output, as a user would call it. alphalang runs a one-output compiled program (its executor overhead
included). pandas ``rolling.apply`` rows (no vectorised pandas equivalent) are timed on 150 columns and
scaled to the full width, marked "x". Prints a markdown table with each row's ratio to the fastest
competitor (bottleneck / numbagg / pandas).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _common import best_time, machine, table  # noqa: E402

import alphalang  # noqa: E402

OPS = ("ts_mean", "ts_std", "ts_corr", "ts_max", "ts_argmax", "ts_rank", "decay_linear", "rank")


def competitors(op: str, d: int, x: np.ndarray, y: np.ndarray) -> dict:
    """name -> (callable, scale factor for extrapolated timings)."""
    import bottleneck as bn
    import numbagg as nbg
    import pandas as pd

    cols = 150
    fx, fy = pd.DataFrame(x), pd.DataFrame(y)
    sx = pd.DataFrame(x[:, :cols])
    scale = x.shape[1] / cols
    weights = np.arange(1, d + 1, dtype=float)
    weights /= weights.sum()
    out: dict = {}
    if op == "ts_mean":
        out = {"bottleneck": (lambda: bn.move_mean(x, d, axis=0), 1),
               "numbagg": (lambda: nbg.move_mean(x, window=d, axis=0), 1), "pandas": (lambda: fx.rolling(d).mean(), 1)}
    elif op == "ts_std":
        out = {"bottleneck": (lambda: bn.move_std(x, d, axis=0, ddof=1), 1),
               "numbagg": (lambda: nbg.move_std(x, window=d, axis=0), 1), "pandas": (lambda: fx.rolling(d).std(), 1)}
    elif op == "ts_corr":
        out = {"numbagg": (lambda: nbg.move_corr(x, y, window=d, axis=0), 1),
               "pandas": (lambda: fx.rolling(d).corr(fy), 1)}
    elif op == "ts_max":
        out = {"bottleneck": (lambda: bn.move_max(x, d, axis=0), 1), "pandas": (lambda: fx.rolling(d).max(), 1)}
    elif op == "ts_argmax":
        out = {"bottleneck": (lambda: bn.move_argmax(x, d, axis=0), 1),
               "pandas x": (lambda: sx.rolling(d).apply(np.argmax, raw=True), scale)}
    elif op == "ts_rank":
        out = {"bottleneck": (lambda: bn.move_rank(x, d, axis=0), 1),
               "pandas": (lambda: fx.rolling(d).rank(pct=True), 1)}
    elif op == "decay_linear":
        out = {"pandas x": (lambda: sx.rolling(d).apply(lambda w: w @ weights, raw=True), scale)}
    elif op == "rank":
        out = {"bottleneck": (lambda: bn.nanrankdata(x, axis=1), 1), "pandas": (lambda: fx.rank(axis=1, pct=True), 1)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=2520)
    ap.add_argument("--assets", type=int, default=3000)
    ap.add_argument("--windows", default="10,60")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    t, n = args.days, args.assets
    x = rng.standard_normal((t, n))
    y = 0.3 * x + rng.standard_normal((t, n))
    x[rng.random((t, n)) < 0.01] = np.nan
    y[rng.random((t, n)) < 0.01] = np.nan
    data = {"close": x, "volume": y}
    rows = []
    print(f"# machine: {machine()}", flush=True)
    for op in OPS:
        for d in [int(w) for w in args.windows.split(",")] if op != "rank" else [0]:
            expr = {"ts_corr": f"ts_corr(close, volume, {d})", "rank": "rank(close)"}.get(op, f"{op}(close, {d})")
            program = alphalang.compile(f"a = {expr}", backend="numba")
            program.run({"close": x[:30, :8], "volume": y[:30, :8]})
            ours, _ = best_time(lambda p=program: p.run(data), args.repeat)
            others = {}
            for name, (fn, factor) in competitors(op, d, x, y).items():
                seconds, _ = best_time(fn, args.repeat if factor == 1 else 1, budget=20)
                others[name] = seconds * factor
            best_name = min(others, key=others.get) if others else "-"
            best = others.get(best_name, float("nan"))
            rows.append([op, d or "-", ours * 1e3, *(others.get(k, float("nan")) * 1e3 for k in
                         ("bottleneck", "numbagg", "pandas", "pandas x")), best_name, best / ours])
            print(rows[-1], flush=True)
    header = ["op", "d", "alphalang ms", "bottleneck ms", "numbagg ms", "pandas ms", "pandas apply ms (x)",
              "fastest other", "speed-up vs fastest"]
    text = (f"Operators on a ({t} x {n}) C-order float64 panel with 1% NaN, min of {args.repeat} runs; "
            "'speed-up' = fastest competitor's time / alphalang's\n\n" + table(header, rows))
    print(text)
    if args.out:
        args.out.write_text(f"machine: {machine()}\n\n{text}\n")


if __name__ == "__main__":
    main()
