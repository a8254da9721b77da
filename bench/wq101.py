"""Benchmark: all 101 stdlib alphas with alphalang numba against the reference, pandas and KunQuant.

    python bench/wq101.py [--days 2520 --assets 3000 --threads 1,2 --repeat 3]

Everything is measured in the same run on ``demo_panel(days, assets)``: alphalang numba (cold compile in a
fresh process with empty caches, warm start from the caches, run time per thread count, peak memory),
alphalang's reference backend (on the first ``--ref-assets`` assets, scaled per cell), a pandas rolling
pipeline of the alphas it can express with vectorised pandas calls (listed in ``PANDAS_ALPHAS``), and
KunQuant's predefined Alpha101 (float64, TS layout, compiled once for the machine it runs on: its
``NativeCPUFlags``, no CPU flag hard-coded; in a subprocess, so a crash is reported, not fatal; 1 and 2 threads)
on the alphas both implement, with alphalang timed on exactly the same alphas. The asset count is rounded up
to a multiple of 8 (KunQuant's TS layout wants whole SIMD blocks of 4 or 8 doubles). Prints one markdown table
(and --out writes it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _common import best_time, isolated, machine, table, time_kunquant  # noqa: E402

import alphalang  # noqa: E402

WQ101 = ROOT / "stdlib" / "wq101.alpha"
FIELDS = ("open", "high", "low", "close", "volume", "vwap", "returns", "cap")


def alpha_lines() -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r"^(alpha\d{3}) = .*$", WQ101.read_text(), re.M)}


def subset_source(names) -> str:
    lines = alpha_lines()
    return "\n".join(lines[n] for n in names)


# ---- alphalang --------------------------------------------------------------------------------------------

STARTUP = """
import sys, time, json
t0 = time.perf_counter()
import alphalang
p = alphalang.compile({path!r}, backend="numba")
p.run(alphalang.demo_panel(12, 8, seed=1))
print(json.dumps({{"seconds": time.perf_counter() - t0}}))
"""


def startup_times(path: Path) -> tuple[float, float]:
    """(cold, warm) seconds from interpreter start to a compiled program, in fresh processes."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ALPHALANG_CACHE_DIR": f"{tmp}/alphalang", "NUMBA_CACHE_DIR": f"{tmp}/numba",
               "PYTHONPATH": str(ROOT)}
        times = []
        for _ in range(2):
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", STARTUP.format(path=str(path))], env=env,
                                  capture_output=True, text=True, check=True)
            json.loads(done.stdout.strip().splitlines()[-1])
            times.append(time.perf_counter() - t0)
        return times[0], times[1]


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- pandas -----------------------------------------------------------------------------------------------

PANDAS_ALPHAS = ("alpha002", "alpha003", "alpha005", "alpha006", "alpha012", "alpha013", "alpha014", "alpha016",
                 "alpha018", "alpha033", "alpha040", "alpha041", "alpha044", "alpha054", "alpha101")


def pandas_pipeline(p: dict):
    """The PANDAS_ALPHAS as a typical pandas rolling pipeline on wide (dates x assets) frames."""
    import pandas as pd

    o, h, lo, c, v, vw, r = (pd.DataFrame(p[f]) for f in FIELDS[:7])

    def rank(x):
        return x.rank(axis=1, pct=True)

    def corr(a, b, d):
        return a.rolling(d).corr(b)

    def cov(a, b, d):
        return a.rolling(d).cov(b)

    out = {
        "alpha002": -1 * corr(rank(np.log(v).diff(2)), rank((c - o) / o), 6),
        "alpha003": -1 * corr(rank(o), rank(v), 10),
        "alpha005": rank(o - vw.rolling(10).sum() / 10) * (-1 * (rank(c - vw)).abs()),
        "alpha006": -1 * corr(o, v, 10),
        "alpha012": np.sign(v.diff(1)) * (-1 * c.diff(1)),
        "alpha013": -1 * rank(cov(rank(c), rank(v), 5)),
        "alpha014": (-1 * rank(r.diff(3))) * corr(o, v, 10),
        "alpha016": -1 * rank(cov(rank(h), rank(v), 5)),
        "alpha018": -1 * rank((c - o).abs().rolling(5).std() + (c - o) + corr(c, o, 10)),
        "alpha033": rank(-1 * (1 - o / c)),
        "alpha040": (-1 * rank(h.rolling(10).std())) * corr(h, v, 10),
        "alpha041": (h * lo) ** 0.5 - vw,
        "alpha044": -1 * corr(h, rank(v), 5),
        "alpha054": (-1 * ((lo - c) * o**5)) / ((lo - h) * c**5),
        "alpha101": (c - o) / ((h - lo) + 0.001),
    }
    return {k: x.to_numpy() for k, x in out.items()}


# ---- KunQuant ---------------------------------------------------------------------------------------------

def kunquant_worker(npz_in: str, threads: list[int], repeat: int) -> None:
    """In its own process (``_common.isolated``): compile KunQuant's predefined Alpha101 (float64, TS layout) for
    this machine's CPU (``NativeCPUFlags`` and its SIMD width: no flag hard-coded), time it per thread count on
    the inputs in ``npz_in``, print one JSON line."""
    from KunQuant.Driver import KunCompilerConfig
    from KunQuant.jit import cfake
    from KunQuant.Op import Builder, Input, Output
    from KunQuant.predefined.Alpha101 import AllData, all_alpha
    from KunQuant.Stage import Function

    inputs = {k: np.ascontiguousarray(v) for k, v in np.load(npz_in).items()}
    t0 = time.perf_counter()
    builder = Builder()
    with builder:
        data = AllData(low=Input("low"), high=Input("high"), close=Input("close"), open=Input("open"),
                       amount=Input("amount"), volume=Input("volume"), vwap=Input("vwap"))
        for f in all_alpha:
            Output(f(data), f.__name__)
    config = KunCompilerConfig(dtype="double", input_layout="TS", output_layout="TS",
                               options={"opt_reduce": True, "fast_log": True})
    lib = cfake.compileit([("alpha101", Function(builder.ops), config)], "bench_alpha101",
                          cfake.CppCompilerConfig(machine=cfake.NativeCPUFlags()))
    compile_seconds = time.perf_counter() - t0
    seconds, _ = time_kunquant(lib.getModule("alpha101"), inputs, threads, repeat)
    print(json.dumps({"names": [f.__name__ for f in all_alpha], "compile": compile_seconds, "seconds": seconds}))


def run_kunquant(fields: dict[str, np.ndarray], threads: list[int], repeat: int) -> tuple[dict | None, str]:
    """KunQuant's Alpha101 timings from ``kunquant_worker`` in a subprocess, or None and why not."""
    with tempfile.TemporaryDirectory() as tmp:
        npz_in = f"{tmp}/in.npz"
        inputs = {f: fields[f] for f in ("open", "high", "low", "close", "volume", "vwap")}
        np.savez(npz_in, amount=fields["vwap"] * fields["volume"], **inputs)
        return isolated([sys.executable, __file__, "--kunquant-worker", npz_in, "--threads",
                         ",".join(map(str, threads)), "--repeat", str(repeat)])


def profile(panel) -> str:
    """Time each distinct non-elementwise node of wq101 alone (one-node programs on the same panel) and
    attribute count x time per operator; the rest of the full run is elementwise work and overhead."""
    from collections import Counter

    from alphalang.backend.numba.lowering import lower

    program = alphalang.compile(WQ101, backend="numba")
    plan = program.plan_for(panel.fields)
    program.run(alphalang.demo_panel(12, 8, seed=1))
    total, _ = best_time(lambda: program.run(panel), 1)
    graph = plan.graph
    kinds = Counter()
    for node in graph.nodes:
        if node.op in ("field", "const", "group") or lower(node.op).kind == "elementwise":
            continue
        kinds[(node.op, node.params)] += 1
    per_op: Counter = Counter()
    counts: Counter = Counter()
    for (op, params), count in kinds.items():
        args = {"ts_corr": "close, volume", "ts_cov": "close, volume"}.get(op, "close")
        if op in ("indneutralize", "group_mean", "group_rank", "group_zscore"):
            args = "close, IndClass.industry"
        statics = "".join(f", {p:g}" for p in params)
        one = alphalang.compile(f"a = {op}({args}{statics})", backend="numba")
        one.run(alphalang.demo_panel(12, 8, seed=1))
        seconds, _ = best_time(lambda one=one: one.run(panel), 1)
        base, _ = best_time(lambda: alphalang.compile("a = close + 0", backend="numba").run(panel), 1)
        per_op[op] += count * max(seconds - base, 0.0)
        counts[op] += count
    rows = [[op, counts[op], per_op[op], per_op[op] / total * 100] for op, _ in per_op.most_common()]
    rest = total - sum(per_op.values())
    rows.append(["elementwise + overhead (rest)", "-", rest, rest / total * 100])
    return (f"Where alphalang's time goes on wq101 ({panel.shape[0]} x {panel.shape[1]}, 1 thread, total "
            f"{total:.1f} s): each distinct operator node timed alone, minus a trivial program's time\n\n"
            + table(["operator", "nodes", "seconds", "% of run"], rows))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=2520)
    ap.add_argument("--assets", type=int, default=3000)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ref-assets", type=int, default=60, help="assets for the (slow) reference backend")
    ap.add_argument("--skip", default="", help="comma list of: startup, reference, pandas, kunquant")
    ap.add_argument("--out", type=Path, help="also write the markdown table here")
    ap.add_argument("--profile", action="store_true", help="only: where alphalang's time goes, per operator")
    ap.add_argument("--kunquant-worker", metavar="IN_NPZ", help=argparse.SUPPRESS)
    args = ap.parse_args()
    threads = [int(x) for x in args.threads.split(",")]
    if args.kunquant_worker:
        kunquant_worker(args.kunquant_worker, threads, args.repeat)
        return
    skip = set(args.skip.split(",")) - {""}
    t, n = args.days, -(-args.assets // 8) * 8
    rows: list[list[object]] = []
    notes: list[str] = []

    print(f"# machine: {machine()}", flush=True)
    panel = alphalang.demo_panel(t, n, seed=0)
    if args.profile:
        text = profile(panel)
        print(text)
        if args.out:
            args.out.write_text(f"machine: {machine()}\n\n{text}\n")
        return
    fields = {f: np.ascontiguousarray(panel.field(f)) for f in FIELDS}
    names = list(alpha_lines())
    cells = t * n

    def add(impl, thr, alphas, seconds, base, extra=""):
        rate = cells * alphas / seconds
        rows.append([impl, thr, alphas, seconds, rate / 1e6, seconds / base if base else float("nan"), extra])
        print(f"  {impl}, {thr} thread(s): {seconds:.2f} s", flush=True)

    # alphalang numba: startup, run, memory
    cold = warm = float("nan")
    if "startup" not in skip:
        cold, warm = startup_times(WQ101)
    program = alphalang.compile(WQ101, backend="numba")
    program.run(alphalang.demo_panel(12, 8, seed=1))
    rss0 = peak_rss_mib()
    base = {}
    for th in threads:
        seconds, runs = best_time(lambda th=th: program.run(panel, threads=th), args.repeat)
        base[th] = seconds
        note = f"min of {runs}" + (f"; cold compile {cold:.1f} s, warm start {warm:.2f} s" if th == threads[0] else "")
        add("alphalang numba (all 101)", th, 101, seconds, base[threads[0]], note)
    rss1 = peak_rss_mib()
    io_mib = (len(FIELDS) + 101) * cells * 8 / 2**20
    notes.append(f"peak RSS grew by {rss1 - rss0:,.0f} MiB during the numba runs; the 101 outputs alone are "
                 f"{101 * cells * 8 / 2**20:,.0f} MiB and inputs {len(FIELDS) * cells * 8 / 2**20:,.0f} MiB "
                 f"(inputs + outputs = {io_mib:,.0f} MiB)")

    # reference backend on a column subset
    if "reference" not in skip:
        m = min(n, args.ref_assets)
        sub = alphalang.Panel(fields={f: fields[f][:, :m] for f in FIELDS},
                              groups={g: np.asarray(panel.groups[g])[..., :m] for g in panel.groups})
        ref = alphalang.compile(WQ101, backend="reference")
        seconds, _ = best_time(lambda: ref.run(sub), 1)
        scaled = seconds * n / m
        add(f"alphalang reference (measured on {m} assets, scaled)", 1, 101, scaled, base[threads[0]])

    # pandas pipeline vs alphalang on the same alphas
    if "pandas" not in skip:
        subset = alphalang.compile(subset_source(PANDAS_ALPHAS), backend="numba")
        subset.run(alphalang.demo_panel(12, 8, seed=1))
        ours, _ = best_time(lambda: subset.run(panel), args.repeat)
        theirs, _ = best_time(lambda: pandas_pipeline(fields), max(1, args.repeat - 1))
        k = len(PANDAS_ALPHAS)
        add(f"alphalang numba ({k} pandas-expressible alphas)", 1, k, ours, ours)
        add(f"pandas rolling pipeline ({k} alphas)", 1, k, theirs, ours)

    # KunQuant on the alphas both implement (in a subprocess: its machine code may not run on this CPU)
    if "kunquant" not in skip:
        result, why = run_kunquant(fields, threads, args.repeat)
        if result is None:
            notes.append(f"KunQuant not measured: {why}")
        else:
            both = [a for a in result["names"] if a in names]
            ours_prog = alphalang.compile(subset_source(both), backend="numba")
            ours_prog.run(alphalang.demo_panel(12, 8, seed=1))
            ours = {}
            for th in threads:
                ours[th], _ = best_time(lambda th=th: ours_prog.run(panel, threads=th), args.repeat)
                add(f"alphalang numba ({len(both)} KunQuant alphas)", th, len(both), ours[th], ours[th])
            for th in threads:
                add(f"KunQuant Alpha101 ({len(both)} alphas, float64)", th, len(both), result["seconds"][str(th)],
                    ours[threads[0]], f"compile {result['compile']:.0f} s" if th == threads[0] else "")

    header = ["implementation", "threads", "alphas", "time s", "Mcells/s", "time / alphalang", "notes"]
    text = (f"wq101 on demo_panel({t}, {n}); cells/s = days x assets x alphas / s; 'time / alphalang' is "
            f"against alphalang numba on the same alphas with {threads[0]} thread(s)\n\n" + table(header, rows))
    text += "\n\n" + "\n".join(f"- {x}" for x in notes)
    print(text)
    if args.out:
        args.out.write_text(f"machine: {machine()}\n\n{text}\n")


if __name__ == "__main__":
    main()
