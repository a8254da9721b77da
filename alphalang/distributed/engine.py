"""Run a program chunk by chunk on a dask.distributed cluster (see ``alphalang.distributed``).

The parent checks the program against the source, compiles every kernel group once (filling the on-disk
kernel cache, so workers load rather than compile), lays out the chunks (``chunks.ChunkLayout``) and submits
per chunk: one task per lane of bounded groups (groups of similar halos; each group on its own halo; lanes
run in parallel), one task for the chained groups (taking the previous chunk's task as its state), and, when
writing, one task writing the chunk's file. Progress and
results come back from the scheduler as tasks finish (``as_completed``). A worker that dies is replaced and
its tasks rerun by dask (the scheduler's ``allowed-failures``); chunk files are written atomically, so a
rerun overwrites a whole file or nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from alphalang.distributed.chunks import ChunkLayout, exact_halo
from alphalang.distributed.sinks import DatasetSink
from alphalang.distributed.sources import ChunkRequest, as_source
from alphalang.distributed.tasks import constant, run_bounded, run_chained, write_chunk
from alphalang.errors import AlphaDataError, AlphaError, AlphaTypeError

__all__ = ["run_chunked", "default_chunk_rows", "local_client"]

#: the input + output bytes one chunk task may hold when ``chunk_rows`` is not given
CHUNK_BYTES = 512 * 2**20
DEFAULT_WORKERS = 2


def default_chunk_rows(n_assets: int, n_fields: int, n_outputs: int, n_rows: int) -> int:
    """Rows per chunk such that a chunk's inputs and outputs take about ``CHUNK_BYTES``.

    >>> default_chunk_rows(10_000, 6, 101, 5040)
    62
    """
    per_row = 8 * max(n_assets, 1) * (n_fields + n_outputs)
    return int(min(n_rows, max(1, CHUNK_BYTES // per_row)))


@contextlib.contextmanager
def local_client(client=None, workers: int | None = None) -> Iterator:
    """``client`` itself (a ``distributed.Client``), a new ``Client(address)`` for a scheduler address, or a
    ``LocalCluster`` of ``workers`` single-threaded processes (default 2) closed on exit."""
    from distributed import Client, LocalCluster

    if client is not None and not isinstance(client, str):
        yield client
        return
    if isinstance(client, str):
        with Client(client) as c:
            yield c
        return
    # CRITICAL: a worker's heartbeat racing the cluster's own shutdown logs a CommClosedError traceback at ERROR
    # level after a successful run; failures that matter reach the caller as the task's exception.
    with LocalCluster(n_workers=workers or DEFAULT_WORKERS, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster, Client(cluster) as c:
        yield c


def _plans(program, available) -> tuple:
    """(the plan ``Program.run`` compiles, the plan deriving the derivable fields the data lacks or None, their
    names), chosen as ``Program.run`` chooses them (``Program.kernel_plan``, ``Program._derivation``), so the
    chunked run uses the very same kernels."""
    plan = getattr(program, "kernel_plan", None)
    if plan is None:  # a Program that derives fields inside its kernels
        return program.plan_for(available), None, ()
    names = tuple(f for f in plan.fields if f in program.plan.derived)
    missing = tuple(f for f in names if f not in available)
    if not missing:
        return plan, None, ()
    derive = program._derivation(names, plan)
    if not all(f in available for f in derive.fields):
        names, derive = missing, program._derivation(missing, plan)
    return plan, derive, missing


def _check(plan, src, computed: tuple[str, ...] = ()) -> None:
    """``AlphaDataError`` (at the formula's first use) for a field or group level the source lacks (beyond
    the derivable fields ``computed`` from others)."""
    fields = tuple(f for f in plan.fields if f not in computed)
    for what, needed, have in (("field", fields, src.fields), ("group", plan.groups, src.groups)):
        for name in needed:
            if name not in have:
                label = "field" if what == "field" else "group level"
                raise AlphaDataError(f"the data has no {label} {name!r}", plan.first_use(what, name),
                                     hint=f"{label}s in the data: {', '.join(sorted(have)) or 'none'}")


def run_chunked(program, source, chunk_rows: int | None = None, client=None, out: str | os.PathLike | None = None,
                *, workers: int | None = None, overwrite: bool = False,
                progress: Callable[[int, int], None] | None = None, **source_options):
    """Evaluate ``program`` over ``source`` in chunks of ``chunk_rows`` dates on dask; see the package doc."""
    from alphalang.backend.numba import compile_plan, executor, partition

    if program.backend != "numba":
        raise AlphaTypeError(f"chunked runs use the numba backend, this program uses {program.backend!r}",
                             hint="compile it with backend='numba'")
    src = as_source(source, **source_options)
    plan, derive, missing = _plans(program, src.fields)
    _check(plan, src, missing)
    parts = tuple(partition.split(plan))
    kernels = [compile_plan(p)[0] for p in parts]  # compile (or load) here once: workers load from the cache
    if derive is not None:
        _check(derive, src)
        derive = (derive, missing, compile_plan(derive)[0].digest, exact_halo(derive))
    n_rows, n_assets = src.n_rows, len(src.assets)
    executor.check_state_size(list(zip(parts, kernels, strict=True)), n_assets, n_rows)
    if chunk_rows is None:
        chunk_rows = default_chunk_rows(n_assets, len(plan.fields), len(plan.outputs), n_rows)
    layout = ChunkLayout.build(n_rows, chunk_rows, tuple(exact_halo(p) for p in parts),
                               tuple(k.has_unbounded for k in kernels))
    sink = DatasetSink(out, overwrite) if out is not None else None
    with local_client(client, workers) as c:
        try:
            return _submit(c, src, plan, parts, tuple(k.digest for k in kernels), derive, layout, sink, progress)
        except BaseException as exc:
            if sink is not None:
                sink.abort()
            if isinstance(exc, AlphaError) or not _is_dask_failure(exc):
                raise
            raise AlphaDataError(f"the distributed run failed: {type(exc).__name__}: {exc}",
                                 hint="a worker died more often than the scheduler's allowed-failures") from exc


def _is_dask_failure(exc: BaseException) -> bool:
    from distributed import KilledWorker

    return isinstance(exc, KilledWorker)


def _lanes(layout: ChunkLayout, most: int) -> list[tuple[int, ...]]:
    """The bounded groups in at most ``most`` lanes (one task per lane and chunk), by halo: groups of similar
    halos share a lane, so each lane reads only about its own halo and the tasks of a chunk run in parallel.

    >>> _lanes(ChunkLayout.build(100, 10, (5, 40, 0, 6, 39), (False, False, True, False, False)), 2)
    [(0, 3), (4, 1)]
    """
    ids = sorted(layout.bounded, key=lambda p: layout.halos[p])
    if not ids:
        return []
    edges = np.linspace(0, len(ids), min(most, len(ids)) + 1).round().astype(int)
    return [tuple(ids[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def _fields_of(parts) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (tuple(sorted({f for p in parts for f in p.fields})), tuple(sorted({g for p in parts for g in p.groups})))


def _submit(c, src, plan, parts, digests, derive, layout: ChunkLayout, sink: DatasetSink | None, progress):
    from distributed import as_completed

    token = uuid.uuid4().hex[:10]
    lanes = _lanes(layout, max(1, sum(c.nthreads().values())))  # one lane per worker thread
    chained = tuple(parts[p] for p in layout.chain)
    kinds = {f"b{l}": lane for l, lane in enumerate(lanes)}
    if chained:
        kinds["c"] = layout.chain
    plans = {kind: c.submit(constant, tuple(parts[p] for p in ids), key=f"alphalang-plans-{kind}-{token}")
             for kind, ids in kinds.items()}
    reads = {kind: _fields_of([parts[p] for p in ids]) for kind, ids in kinds.items()}
    extra = 0  # rows the derivation of missing derivable fields reads before a task's first row
    if derive is not None:
        derive, missing, digest, extra = derive
        reads = {kind: (tuple(sorted((set(f) - set(missing)) | set(derive.fields))), tuple(sorted(set(g) | set(
            derive.groups)))) for kind, (f, g) in reads.items()}
        derive = (derive, missing, digest)
    names = tuple(plan.outputs)
    directory = str(sink.begin()) if sink is not None else None

    def chunk_input(kind: str, k: int, first: int, stop: int):
        fields, groups = reads[kind]
        if src.lazy:
            return ChunkRequest(src, first, stop, fields, groups)
        with warnings.catch_warnings():  # the chunk travels inside its task (large-graph warning)
            warnings.simplefilter("ignore")
            return c.submit(constant, src.read(first, stop, fields, groups), key=f"alphalang-data-{kind}-{k}-{token}")

    done_futures, where = [], {}
    previous = None
    for k, (start, stop) in enumerate(layout.bounds):
        futures = []
        for kind, ids in kinds.items():
            halos, lane_digests = tuple(layout.halos[p] for p in ids), tuple(digests[p] for p in ids)
            if kind == "c":
                data = chunk_input(kind, k, max(0, start - extra), stop)
                previous = c.submit(run_chained, plans[kind], data, start, layout.n_rows, previous, lane_digests,
                                    derive, key=f"alphalang-chained-{k}-{token}")
                futures.append(previous)
                continue
            data = chunk_input(kind, k, max(0, layout.read_range(k, ids)[0] - extra), stop)
            futures.append(c.submit(run_bounded, plans[kind], data, start, halos, layout.n_rows, lane_digests,
                                    derive, key=f"alphalang-bounded-{kind}-{k}-{token}"))
        if sink is not None:
            fut = c.submit(write_chunk, directory, k, src.dates[start:stop], src.assets, names, *futures,
                           key=f"alphalang-write-{k}-{token}")
            futures = [fut]
        for fut in futures:
            where[fut.key] = (start, stop)
        done_futures += futures
    results = None if sink is not None else {name: np.empty((layout.n_rows, len(src.assets))) for name in names}
    total, finished, rows_written = len(done_futures), 0, 0
    completed = as_completed(done_futures)
    del done_futures, futures, previous  # each result is released once collected (no reference left here)
    for fut in completed:
        value = fut.result()
        if results is not None:
            start, stop = where[fut.key]
            for name, arr in (value[0] if isinstance(value, tuple) else value).items():
                results[name][start:stop] = arr
        else:
            rows_written += value
        finished += 1
        if progress is not None:
            progress(finished, total)
    if sink is None:
        return results
    return sink.commit({"format": "alphalang chunked run", "outputs": list(names), "chunks": len(layout.bounds),
                        "chunk_rows": [b - a for a, b in layout.bounds], "rows": rows_written,
                        "dates": [str(src.dates[0]), str(src.dates[-1])], "assets": len(src.assets),
                        "files": sorted(p.name for p in Path(directory).glob("part-*.parquet"))})
