"""Benchmark: qlib's Alpha158 (stdlib/alpha158.alpha, qlib dialect) with alphalang numba against KunQuant's Alpha158.

    python bench/alpha158.py [--days 500 --assets 200 --threads 1,2 --repeat 3 --out FILE --profile]

Same run, same panel (``demo_panel(days, assets)``; assets rounded up to KunQuant's SIMD block of 8): alphalang
numba on all 158 features (compiled once, warmed on a tiny panel, then timed per thread count), both with qlib's
semantics (the qlib dialect's ``nan="skip"``: partial windows over the valid values) and with ``nan="strict"``
(a window with a missing value is NaN, KunQuant's own semantics; the two agree on the cells compared), and KunQuant's
predefined Alpha158 (float64, TS layout, ``AllData.build`` with the 158-feature config of KunQuant's own
``tests/test_alpha158.py``: kbar, OPEN0/HIGH0/LOW0/VWAP0, the 29 rolling families over 5 10 20 30 60) compiled
for the machine it runs on (KunQuant's ``NativeCPUFlags``, its suggested SIMD width; no CPU flag is hard-coded).

KunQuant runs in a subprocess: its generated C++ can die with an illegal instruction on some machines, which is
then reported as "skipped" (with the signal) instead of failing the benchmark. Its outputs come back through an
.npz file and are compared with alphalang's feature by feature on the cells where the two semantics coincide: rows
after KunQuant's own warm-up (``getOutputUnreliableCount``) whose 61-row input window holds no NaN. KunQuant's vwap
is amount / (volume + 1e-6) (we pass amount = vwap * volume) and it computes some features differently by design
(RANK is TsRank / N, RSV is clipped, CORR/CORD replace NaN/inf, "fast_log"), so disagreement there is expected; the
table counts the features that agree at 1e-9 and at KunQuant's own test tolerance (rtol 1e-4, atol 1e-5).
``--profile`` adds where alphalang's time goes: its slowest output-group kernels, each timed alone, with the
operators it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _common import best_time, isolated, machine, table, time_kunquant  # noqa: E402

ALPHA158 = ROOT / "stdlib" / "alpha158.alpha"
FIELDS = ("open", "high", "low", "close", "volume", "vwap")
BLOCK = 8  # KunQuant's TS layout wants the asset count to be a multiple of its SIMD block (4 or 8 doubles)
WINDOW = 61  # the longest input window of Alpha158: 60 rows, plus Ref(x, 1)


# ---- KunQuant (in a subprocess) ---------------------------------------------------------------------------

def kunquant_worker(npz_in: str, npz_out: str, threads: list[int], repeat: int) -> None:
    """Compile KunQuant's Alpha158, time it, save its outputs; print one JSON line."""
    from KunQuant.Driver import KunCompilerConfig
    from KunQuant.jit import cfake
    from KunQuant.Op import Builder, Input, Output
    from KunQuant.predefined.Alpha158 import AllData
    from KunQuant.Stage import Function

    data = dict(np.load(npz_in))
    t0 = time.perf_counter()
    builder = Builder()
    with builder:
        pack = AllData(low=Input("low"), high=Input("high"), close=Input("close"), open=Input("open"),
                       amount=Input("amount"), volume=Input("volume"))
        features, names = pack.build({
            "kbar": {},
            "price": {"windows": [0], "feature": [("OPEN", pack.open), ("HIGH", pack.high), ("LOW", pack.low),
                                                  ("VWAP", pack.vwap)]},
            "rolling": {"windows": [5, 10, 20, 30, 60]},
        })
        for value, name in zip(features, names, strict=True):
            Output(value, name)
    config = KunCompilerConfig(dtype="double", output_layout="TS", input_layout="TS",
                               options={"opt_reduce": True, "fast_log": True, "no_fast_stat": "no_warn"})
    lib = cfake.compileit([("alpha158", Function(builder.ops), config)], "bench_alpha158",
                          cfake.CppCompilerConfig(machine=cfake.NativeCPUFlags()))
    module = lib.getModule("alpha158")
    compile_seconds = time.perf_counter() - t0
    inputs = {k: np.ascontiguousarray(data[k]) for k in ("open", "high", "low", "close", "volume", "amount")}
    seconds, out = time_kunquant(module, inputs, threads, repeat)
    unreliable = dict(module.getOutputUnreliableCount())
    np.savez(npz_out, **{k: np.asarray(v) for k, v in out.items()})
    print(json.dumps({"names": list(names), "compile": compile_seconds, "seconds": seconds,
                      "unreliable": {k: int(v) for k, v in unreliable.items()}}))


def run_kunquant(fields: dict[str, np.ndarray], threads: list[int], repeat: int) -> tuple[dict | None, str]:
    """(result, note): KunQuant's timings and outputs, or None and why (crashed / not installed / failed)."""
    with tempfile.TemporaryDirectory() as tmp:
        npz_in, npz_out = f"{tmp}/in.npz", f"{tmp}/out.npz"
        np.savez(npz_in, amount=fields["vwap"] * fields["volume"], **fields)
        result, why = isolated([sys.executable, __file__, "--kunquant-worker", npz_in, npz_out, "--threads",
                                ",".join(map(str, threads)), "--repeat", str(repeat)])
        if result is None:
            return None, f"KunQuant not measured: {why}"
        result["outputs"] = dict(np.load(npz_out))
        return result, ""


# ---- agreement --------------------------------------------------------------------------------------------

def clean_rows(fields: dict[str, np.ndarray]) -> np.ndarray:
    """(T, N) cells whose WINDOW-row window of every input is NaN-free."""
    bad = np.zeros(fields["close"].shape, dtype=np.int64)
    for f in FIELDS:
        bad |= np.isnan(fields[f])
    csum = np.vstack([np.zeros((1, bad.shape[1]), dtype=np.int64), np.cumsum(bad, axis=0)])
    ok = np.zeros(bad.shape, dtype=bool)
    ok[WINDOW - 1:] = (csum[WINDOW:] - csum[:-WINDOW]) == 0
    return ok


def agreement(ours: dict[str, np.ndarray], theirs: dict[str, np.ndarray], unreliable: dict[str, int],
              clean: np.ndarray, rtol: float, atol: float) -> list[str]:
    """Names of the features equal on the comparable cells (same NaNs, values within rtol/atol)."""
    same = []
    for name, kq in theirs.items():
        a = ours[name.lower()]
        mask = clean.copy()
        mask[: unreliable.get(name, 0)] = False
        x, y = a[mask], kq[mask]
        if np.array_equal(np.isnan(x), np.isnan(y)) and np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True):
            same.append(name)
    return same


# ---- where alphalang's time goes ----------------------------------------------------------------------------

def kernel_profile(program, panel, repeat: int, top: int = 8) -> tuple[list[list[object]], float]:
    """Rows (seconds, share, outputs, operators) of the slowest output-group kernels on ``panel`` (one thread,
    min of ``repeat``), and the sum over all kernels."""
    from alphalang.backend.numba import _compile_parts, executor
    from alphalang.program import _bind

    plan = program.plan_for(panel.fields)
    fields, groups = _bind(plan, panel)
    shape = panel.shape
    timed = []
    for part, kernel, fn in _compile_parts(plan):
        executor.run(kernel, fn, fields, groups, shape, 1)
        seconds, _ = best_time(lambda k=kernel, f=fn: executor.run(k, f, fields, groups, shape, 1), repeat)
        ops = sorted({n.op for n in part.graph.nodes if not n.is_leaf and n.op not in ("const", "broadcast")})
        timed.append((seconds, part.outputs, ops))
    total = sum(t for t, _, _ in timed)
    rows = [[t, t / total, ", ".join(list(outs)[:4]) + (" ..." if len(outs) > 4 else ""), " ".join(ops)]
            for t, outs, ops in sorted(timed, key=lambda x: -x[0])[:top]]
    return rows, total


# ---- main -------------------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=500)
    ap.add_argument("--assets", type=int, default=200)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, help="also write the markdown table here")
    ap.add_argument("--profile", action="store_true", help="also time each output-group kernel (one thread)")
    ap.add_argument("--kunquant-worker", nargs=2, metavar=("IN_NPZ", "OUT_NPZ"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    threads = [int(x) for x in args.threads.split(",")]
    if args.kunquant_worker:
        kunquant_worker(*args.kunquant_worker, threads, args.repeat)
        return

    import alphalang

    t, n = args.days, -(-args.assets // BLOCK) * BLOCK
    print(f"# machine: {machine()}", flush=True)
    panel = alphalang.demo_panel(t, n, seed=0)
    fields = {f: np.ascontiguousarray(panel.field(f), dtype=np.float64) for f in FIELDS}
    cells = t * n
    rows: list[list[object]] = []
    notes: list[str] = []

    ours_seconds = {}
    for nan, label in (("skip", "alphalang numba (qlib's partial windows)"),
                       ("strict", "alphalang numba, nan=strict (no partial windows, as KunQuant)")):
        t0 = time.perf_counter()
        compiled = alphalang.compile(ALPHA158, backend="numba", nan=nan)
        compiled.run(alphalang.demo_panel(12, 8, seed=1))
        compile_seconds = time.perf_counter() - t0
        for th in threads:
            seconds, runs = best_time(lambda th=th, p=compiled: p.run(panel, threads=th), args.repeat)
            ours_seconds.setdefault(th, seconds)  # the ratios are against the qlib-semantics run
            rows.append([label, th, 158, seconds, cells * 158 / seconds / 1e6, seconds / ours_seconds[th],
                         f"min of {runs}" + (f"; compile + first run {compile_seconds:.0f} s" if th == threads[0]
                                             else "")])
            print(f"  {label}, {th} thread(s): {seconds:.3f} s", flush=True)
        if nan == "skip":
            program = compiled
    ours = program.run(panel)

    result, note = run_kunquant(fields, threads, args.repeat)
    if result is None:
        for th in threads:
            rows.append(["KunQuant Alpha158 (float64)", th, 158, float("nan"), float("nan"), float("nan"), note])
        notes.append(note)
    else:
        k = len(result["names"])
        for th in threads:
            s = result["seconds"][str(th)]
            rows.append(["KunQuant Alpha158 (float64)", th, k, s, cells * k / s / 1e6, s / ours_seconds[th],
                         f"compile {result['compile']:.0f} s" if th == threads[0] else ""])
            print(f"  KunQuant, {th} thread(s): {s:.3f} s", flush=True)
        clean = clean_rows(fields)
        for rtol, atol in ((1e-9, 1e-12), (1e-4, 1e-5)):
            same = agreement(ours, result["outputs"], result["unreliable"], clean, rtol, atol)
            differ = sorted({x.rstrip("0123456789") for x in result["outputs"] if x not in same})
            notes.append(f"{len(same)}/{k} features agree with KunQuant at rtol {rtol:g} / atol {atol:g} on the "
                         f"cells where the semantics coincide; families with a difference: {', '.join(differ)}")

    header = ["implementation", "threads", "features", "time s", "Mcells/s", "time / alphalang", "notes"]
    text = (f"Alpha158 on demo_panel({t}, {n}); cells/s = days x assets x features / s; 'time / alphalang' is "
            f"against alphalang numba with the same thread count\n\n" + table(header, rows))
    text += "\n\n" + "\n".join(f"- {x}" for x in notes)
    if args.profile:
        kernels, total = kernel_profile(program, panel, args.repeat)
        text += (f"\n\nalphalang's slowest output-group kernels (one thread; all kernels together {total:.3f} s):"
                 "\n\n" + table(["time s", "share", "outputs", "operators"], kernels))
    print(text)
    if args.out:
        args.out.write_text(f"machine: {machine()}\n\n{text}\n")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    main()
