"""Benchmark: single operators, alphalang numba against bottleneck, numbagg and pandas.

    python bench/operators.py [--days 2520 --assets 3000 --windows 10,60 --repeat 3 --ops ts_median,ts_quantile]

Each implementation gets the same C-order (dates x assets) float64 panel with ~1% NaN and allocates its own
output, as a user would call it. alphalang runs a one-output compiled program (its executor overhead
included). pandas ``rolling.apply`` rows (no vectorised pandas equivalent) are timed on 150 columns and
scaled to the full width, marked "x". Prints a markdown table with each row's ratio to the fastest
competitor (bottleneck / numbagg / pandas) at the same thread count: alphalang's ``threads=`` splits time
into chunks, numbagg uses numba's thread pool (``numba.set_num_threads``).
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

OPS = ("ts_mean", "ts_std", "ts_corr", "ts_max", "ts_argmax", "ts_rank", "decay_linear", "rank", "ts_median",
       "ts_quantile", "ts_mad", "ts_ema_span", "ts_decay_exp_window", "ts_regression")


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
    elif op == "ts_median":
        out = {"bottleneck": (lambda: bn.move_median(x, d, axis=0), 1), "pandas": (lambda: fx.rolling(d).median(), 1)}
    elif op == "ts_quantile":  # q = 0.25 (``measure``); bottleneck and numbagg have no moving quantile
        out = {"pandas": (lambda: fx.rolling(d).quantile(0.25, interpolation="linear"), 1)}
    elif op == "ts_mad":
        out = {"pandas x": (lambda: sx.rolling(d).apply(lambda w: np.abs(w - w.mean()).mean(), raw=True), scale)}
    elif op == "ts_ema_span":  # span d, adjust=True (pandas' default; numbagg's move_exp_nanmean is adjusted too)
        out = {"numbagg": (lambda: nbg.move_exp_nanmean(x, alpha=2 / (d + 1), axis=0), 1),
               "pandas": (lambda: fx.ewm(span=d).mean(), 1)}
    elif op == "ts_decay_exp_window":  # factor 0.9 (``measure``): weights 0.9^i, i rows ago
        decay = 0.9 ** np.arange(d - 1, -1, -1.0)
        decay /= decay.sum()
        out = {"pandas x": (lambda: sx.rolling(d).apply(lambda w: w @ decay, raw=True), scale)}
    elif op == "ts_regression":  # rettype 2, the slope of close on volume: cov / var
        out = {"numbagg": (lambda: nbg.move_cov(x, y, window=d, axis=0) / nbg.move_var(y, window=d, axis=0), 1),
               "pandas": (lambda: fx.rolling(d).cov(fy) / fy.rolling(d).var(), 1)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=2520)
    ap.add_argument("--assets", type=int, default=3000)
    ap.add_argument("--windows", default="10,60")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ops", default=",".join(OPS), help="comma-separated subset of: " + ", ".join(OPS))
    ap.add_argument("--nan", choices=("strict", "skip"), default="strict",
                    help="alphalang's NaN policy (skip: partial windows over the valid values, as pandas/qlib)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    ops = args.ops.split(",")
    if unknown := sorted(set(ops) - set(OPS)):
        ap.error(f"unknown --ops {', '.join(unknown)}; choose from {', '.join(OPS)}")
    rng = np.random.default_rng(0)
    t, n = args.days, args.assets
    x = rng.standard_normal((t, n))
    y = 0.3 * x + rng.standard_normal((t, n))
    x[rng.random((t, n)) < 0.01] = np.nan
    y[rng.random((t, n)) < 0.01] = np.nan
    rows = []
    print(f"# machine: {machine()}", flush=True)
    for op in ops:
        for d in [int(w) for w in args.windows.split(",")] if op != "rank" else [0]:
            rows.append(measure(op, d, x, y, args.repeat, args.nan))
            print(rows[-1], flush=True)
    header = ["op", "d", "alphalang ms (1 thr)", "alphalang ms (2 thr)", "bottleneck ms", "numbagg ms (1 thr)",
              "numbagg ms (2 thr)", "pandas ms", "pandas apply ms (x)", "fastest other (1 thr)",
              "speed-up, 1 thr each", "speed-up, 2 thr each"]
    text = (f"Operators on a ({t} x {n}) C-order float64 panel with 1% NaN, alphalang nan={args.nan!r}, "
            f"min of {args.repeat} runs; "
            "'speed-up' = fastest competitor's time / alphalang's, with the same number of threads on both "
            "sides (bottleneck and pandas are single-threaded, so they count in both columns)\n\n"
            + table(header, rows))
    print(text)
    if args.out:
        args.out.write_text(f"machine: {machine()}\n\n{text}\n")


def measure(op: str, d: int, x: np.ndarray, y: np.ndarray, repeat: int, nan: str = "strict") -> list:
    """One table row: alphalang (NaN policy ``nan``) with 1 and 2 threads, each competitor, and the same-threads
    speed-ups."""
    import numba

    expr = {"ts_corr": f"ts_corr(close, volume, {d})", "rank": "rank(close)",
            "ts_quantile": f"ts_quantile(close, {d}, 0.25)",
            "ts_decay_exp_window": f"ts_decay_exp_window(close, {d}, 0.9)",
            "ts_regression": f"ts_regression(close, volume, {d}, rettype=2)"}.get(op, f"{op}(close, {d})")
    data = {"close": x, "volume": y}
    program = alphalang.compile(f"a = {expr}", backend="numba", nan=nan)
    program.run({"close": x[:30, :8], "volume": y[:30, :8]})
    ours = {th: best_time(lambda th=th: program.run(data, threads=th), repeat)[0] for th in (1, 2)}
    others: dict[str, float] = {}
    for name, (fn, factor) in competitors(op, d, x, y).items():
        if name == "numbagg":  # numbagg parallelises with numba's thread pool: time it both ways
            for th in (1, 2):
                numba.set_num_threads(th)
                fn()
                others[f"numbagg {th}"] = best_time(fn, repeat)[0]
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
            continue
        seconds, _ = best_time(fn, repeat if factor == 1 else 1, budget=20)
        others[name] = seconds * factor
    single = {k: v for k, v in others.items() if k != "numbagg 2"}
    double = {k: v for k, v in others.items() if k != "numbagg 1"}
    best1 = min(single, key=single.get) if single else "-"
    ratio1 = single[best1] / ours[1] if single else float("nan")
    ratio2 = min(double.values()) / ours[2] if double else float("nan")
    cells = [others.get(k, float("nan")) * 1e3 for k in ("bottleneck", "numbagg 1", "numbagg 2", "pandas", "pandas x")]
    return [op, d or "-", ours[1] * 1e3, ours[2] * 1e3, *cells, best1, ratio1, ratio2]


if __name__ == "__main__":
    main()
