"""Benchmark: all 101 wq101 alphas over a parquet dataset, chunked on a dask LocalCluster, vs one process.

    python bench/distributed.py                                   # default: 4 years x 2,000 assets, 2 workers
    python bench/distributed.py --years 20 --assets 10000 --chunk-rows 100 --workers 2 \
        --single-years 2 --repeat 1 --dir /big/disk                # the issue's target: larger than memory

Writes a synthetic long dataset hive-partitioned by year (one demo-market year at a time, so building it never
holds the whole panel) under ``--dir`` (default a temporary directory, removed at the end), then, in the same
run:

* **distributed**: ``program.run_chunked(dataset, chunk_rows, client, out=..., mode=--mode)`` on a
  ``LocalCluster`` of ``--workers`` single-threaded processes (started, and every kernel loaded in every
  worker, before the clock starts), writing all outputs to a parquet dataset; wall time, panel cells (dates x
  assets) per second, the workers' CPU seconds (and system CPU), each worker's peak RSS (psutil, sampled every
  0.1 s), the load average, and from the manifest the mode, the lanes' and the reads', derivations' and
  writes' CPU seconds;
* **single**: ``program.run(panel)`` in this process (1 thread) on the first ``--single-years`` years (the
  largest panel that fits; default all of them), read with ``load_panel``; wall time (min of ``--repeat``),
  cells/s, and this process's peak RSS growth.

Prints a markdown table and the ratios (per-core throughput single / distributed; worker peak RSS / the size
of the whole panel's inputs plus outputs). With ``--check`` the written dataset is compared bit for bit with
the single run (needs ``--single-years`` = ``--years``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# this file's name would shadow the ``distributed`` package: bench/ leaves sys.path, _common is loaded by path
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("_bench_common", HERE / "_common.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
best_time, machine, table = _common.best_time, _common.machine, _common.table

import numpy as np  # noqa: E402
import psutil  # noqa: E402

import alphalang  # noqa: E402
from alphalang.data.io import write_parquet  # noqa: E402
from alphalang.resources import stdlib_dir  # noqa: E402

DAYS_PER_YEAR = 252


def write_dataset(root: Path, years: int, assets: int) -> None:
    """One demo-market year per partition (seeded by the year); groups are fixed by seed 0's hierarchy."""
    base = alphalang.demo_panel(2, assets, seed=0)
    groups = {k: v for k, v in base.groups.items()}
    for k in range(years):
        year = alphalang.demo_panel(DAYS_PER_YEAR, assets, seed=1000 + k)
        dates = np.busday_offset(np.datetime64("2000-01-03"), np.arange(k * DAYS_PER_YEAR, (k + 1) * DAYS_PER_YEAR),
                                 roll="forward")
        panel = alphalang.Panel(year.fields, groups=groups, dates=dates.astype("datetime64[ns]"), assets=year.assets)
        write_parquet(panel, root, partition_by="year")


def _cpu(proc: psutil.Process, system: bool = False) -> float:
    """User + system (or only system) CPU seconds of a process so far."""
    times = proc.cpu_times()
    return times.system if system else times.user + times.system


class RssSampler:
    """Peak RSS of some processes, sampled in a thread."""

    def __init__(self, pids: dict[str, int], every: float = 0.1) -> None:
        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.peak = dict.fromkeys(pids, 0)
        self.every, self._stop = every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, proc in self.procs.items():
                try:
                    self.peak[name] = max(self.peak[name], proc.memory_info().rss)
                except psutil.Error:  # a worker restarted: its successor is not followed
                    pass
            time.sleep(self.every)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _load_kernels(plans) -> None:
    """Load (from the cache the parent filled) every kernel in this worker, before the clock starts."""
    from alphalang.backend.numba import compile_plan

    for plan in plans:
        compile_plan(plan)


def _progress(start: float):
    """A progress callback printing the elapsed time at every tenth of the chunks."""
    def report(done: int, total: int) -> None:
        if done * 10 // total != (done - 1) * 10 // total:
            print(f"#   {done}/{total} chunks in {time.perf_counter() - start:.0f} s", flush=True)
    return report


def _manifest(out: Path) -> dict:
    import json

    from alphalang.distributed.sinks import MANIFEST

    return json.loads((out / MANIFEST).read_text())


def _mode(out: Path) -> str:
    return _manifest(out)["mode"]


def _lanes(out: Path) -> str:
    """The lanes of the run and each lane's kernel seconds (how evenly the workers were loaded)."""
    manifest = _manifest(out)
    seconds = manifest["cpu_seconds"]
    lanes = [f"{len(ids)} groups {sum(seconds[str(p)] for p in ids):.1f} s" for ids in manifest["lanes"]]
    kernels = sum(v for k, v in seconds.items() if k.isdigit())
    return f"mode {manifest['mode']}, CPU seconds of the lanes (last chunk's grouping) {'; '.join(lanes)}; of " \
           f"all kernels {kernels:.1f}, reads {seconds['read']:.1f}, derivations {seconds['derive']:.1f}, " \
           f"writes {seconds['write']:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=4)
    ap.add_argument("--assets", type=int, default=2000)
    ap.add_argument("--chunk-rows", type=int, default=252)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--single-years", type=int, default=None, help="years of the single-process panel (default all)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--dir", default=None, help="where to write the datasets (default: a temporary directory)")
    ap.add_argument("--check", action="store_true", help="compare the written dataset with the single run")
    ap.add_argument("--mode", default="auto", choices=("auto", "state", "halo"), help="run_chunked's mode")
    ap.add_argument("--skip-single", action="store_true", help="only the distributed run")
    ap.add_argument("--keep-data", action="store_true",
                    help="keep the input dataset under --dir, and reuse it if there (same --years and --assets)")
    args = ap.parse_args()
    import dask
    from distributed import Client, LocalCluster

    from alphalang.distributed.engine import WORKER_CONFIG

    print(f"# machine: {machine()}", flush=True)
    work = Path(args.dir or tempfile.mkdtemp(prefix="alphalang-bench-"))
    data, out = work / "prices", work / "alphas"
    shutil.rmtree(out, ignore_errors=True)
    try:
        if not (args.keep_data and data.is_dir()):
            shutil.rmtree(data, ignore_errors=True)
            t0 = time.perf_counter()
            write_dataset(data, args.years, args.assets)
            print(f"# dataset: {args.years} years x {args.assets} assets written in {time.perf_counter() - t0:.1f} s",
                  flush=True)
        program = alphalang.compile(stdlib_dir() / "wq101.alpha")
        single_years = args.single_years or args.years
        panel = alphalang.load_panel(data, end=f"{1999 + single_years}-12-31") if single_years < args.years \
            else alphalang.load_panel(data)
        program.run(panel.slice_rows(0, 300))  # compile (or load) every kernel: the distributed run loads them
        from alphalang.backend.numba import partition
        from alphalang.distributed.chunks import exact_halo

        halos = sorted(exact_halo(p) for p in partition.split(program.kernel_plan))
        from alphalang.distributed.engine import _plans
        from alphalang.distributed.sources import ParquetSource

        derivations = [d for d in _plans(program, ParquetSource(data).fields)[1:2] if d is not None]
        print(f"# {len(halos)} kernel groups; halo rows min {halos[0]}, median {halos[len(halos) // 2]}, "
              f"max {halos[-1]}; chunks of {args.chunk_rows} rows", flush=True)
        rows = []
        with dask.config.set(WORKER_CONFIG), LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                memory_limit=0) as cluster, Client(cluster) as client:  # the cluster run_chunked would start
            program.run_chunked(panel.slice_rows(0, 40), 20, client=client)  # workers import alphalang
            client.run(_load_kernels, [*partition.split(program.kernel_plan), *derivations])  # every kernel, everywhere
            pids = client.run(os.getpid)
            cells = args.years * DAYS_PER_YEAR * args.assets
            workers = [psutil.Process(pid) for pid in pids.values()]
            cpu0, sys0 = sum(_cpu(p) for p in workers), sum(_cpu(p, True) for p in workers)
            with RssSampler({f"worker {k}": pid for k, pid in enumerate(pids.values())}) as rss:
                start = time.perf_counter()
                program.run_chunked(data, args.chunk_rows, client=client, out=out, mode=args.mode,
                                    progress=_progress(start))
                wall = time.perf_counter() - start
            cpu, system = sum(_cpu(p) for p in workers) - cpu0, sum(_cpu(p, True) for p in workers) - sys0
            peak_worker = max(rss.peak.values())
            load = os.getloadavg()
            rows.append({"run": f"distributed ({_mode(out)}), {args.workers} workers, chunks of {args.chunk_rows} "
                         "dates, parquet out", "panel": f"{args.years * DAYS_PER_YEAR} x {args.assets}",
                         "wall s": f"{wall:.1f}", "cells/s": f"{cells / wall:,.0f}",
                         "cells/s per core": f"{cells / wall / args.workers:,.0f}",
                         "CPU s": f"{cpu:.1f} (system {system:.1f})", "cells per CPU s": f"{cells / cpu:,.0f}",
                         "peak RSS": ", ".join(f"{v / 2**30:.2f}" for v in rss.peak.values()) + " GiB (per worker)",
                         "load 1/5 min after": f"{load[0]:.1f}, {load[1]:.1f}"})
        print(f"# distributed: {_lanes(out)}", flush=True)
        print(table(list(rows[0]), [list(r.values()) for r in rows]), flush=True)
        if args.skip_single:
            return
        single_cells = panel.n_dates * panel.n_assets
        before = psutil.Process().memory_info().rss
        runs = []
        with RssSampler({"self": os.getpid()}) as me:
            for _ in range(args.repeat):  # wall and CPU seconds of the same runs; the fastest kept
                cpu0, t0 = _cpu(psutil.Process()), time.perf_counter()
                expected = program.run(panel)
                runs.append((time.perf_counter() - t0, _cpu(psutil.Process()) - cpu0))
                if not args.check:
                    del expected
        best, single_cpu = min(runs)
        load = os.getloadavg()
        rows.append({"run": "single process, 1 thread, in memory (program.run)",
                     "panel": f"{panel.n_dates} x {panel.n_assets}", "wall s": f"{best:.1f}",
                     "cells/s": f"{single_cells / best:,.0f}", "cells/s per core": f"{single_cells / best:,.0f}",
                     "CPU s": f"{single_cpu:.1f}", "cells per CPU s": f"{single_cells / single_cpu:,.0f}",
                     "peak RSS": f"{me.peak['self'] / 2**30:.2f} GiB (+{(me.peak['self'] - before) / 2**30:.2f})",
                     "load 1/5 min after": f"{load[0]:.1f}, {load[1]:.1f}"})
        print(table(list(rows[0]), [list(r.values()) for r in rows]))
        full_bytes = cells * 8 * (len(program.fields) + len(program.outputs))
        per_core = (single_cells / best) / (cells / wall / args.workers)
        per_cpu = (single_cells / single_cpu) / (cells / cpu)
        print(f"\nratios: single / distributed throughput per core = {per_core:.2f}x (per CPU second actually "
              f"used, which discounts the other load on the machine: {per_cpu:.2f}x); "
              f"worker peak RSS / whole panel (inputs + outputs, {full_bytes / 2**30:.1f} GiB) = "
              f"{peak_worker / full_bytes:.2f}")
        if args.check and single_years == args.years:
            import pandas as pd

            frame = pd.read_parquet(out).set_index(["date", "asset"]).sort_index()
            same = all(frame[n].to_numpy().reshape(panel.shape).tobytes() == expected[n].tobytes()
                       for n in program.outputs)
            print(f"check: written dataset bit-identical to the single run: {same}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if args.dir is None or not args.keep_data:
            shutil.rmtree(data if args.dir else work, ignore_errors=True)


if __name__ == "__main__":
    main()
