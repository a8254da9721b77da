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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alphalang.distributed.chunks import MODES, ChunkLayout, exact_halo
from alphalang.distributed.sinks import DatasetSink
from alphalang.distributed.sources import ChunkRequest, as_source
from alphalang.distributed.tasks import chain_outputs, chain_state, constant, run_bounded, run_chained, write_chunk
from alphalang.errors import AlphaDataError, AlphaError, AlphaTypeError

__all__ = ["run_chunked", "default_chunk_rows", "local_client"]

#: the input + output bytes one chunk task may hold when ``chunk_rows`` is not given
CHUNK_BYTES = 512 * 2**20
DEFAULT_WORKERS = 2
#: dask settings of the local clusters started here: no statistical profiler in the workers (sampling every
#: 10 ms, it took ~1.5% of a core per worker while idle and ~6% of a busy task's CPU time)
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
#: chunks submitted ahead of the oldest unfinished one (bounds the outputs held by workers at a time)
INFLIGHT_CHUNKS = 3
#: state mode: lanes are regrouped by the measured kernel costs (after 1, 2, 4, ... chunks past the first) when
#: that shortens the costliest lane by over this fraction
REBALANCE_GAIN = 0.05


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
    import dask
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
    with dask.config.set(WORKER_CONFIG), LocalCluster(
            n_workers=workers or DEFAULT_WORKERS, threads_per_worker=1, processes=True, dashboard_address=":0",
            silence_logs=logging.CRITICAL) as cluster, Client(cluster) as c:
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
                *, workers: int | None = None, overwrite: bool = False, mode: str = "auto",
                progress: Callable[[int, int], None] | None = None, **source_options):
    """Evaluate ``program`` over ``source`` in chunks of ``chunk_rows`` dates on dask; see the package doc.
    ``mode``: "state" (each kernel group's chunks in time order, handing its state on: no halo; lanes of
    groups in parallel), "halo" (each chunk of a bounded group on its own halo: chunks in parallel) or "auto"
    (``choose_mode``); every mode gives the same bits."""
    from alphalang.backend.numba import compile_plan, executor, partition

    if program.backend != "numba":
        raise AlphaTypeError(f"chunked runs use the numba backend, this program uses {program.backend!r}",
                             hint="compile it with backend='numba'")
    if mode not in MODES:
        raise AlphaDataError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
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
    halos = tuple(exact_halo(p) for p in parts)
    ChunkLayout.build(n_rows, chunk_rows, halos, tuple(k.has_unbounded for k in kernels))  # checks chunk_rows
    sink = DatasetSink(out, overwrite) if out is not None else None
    with local_client(client, workers) as c:
        try:
            chosen = choose_mode(mode, {p: float(len(k.table)) for p, k in enumerate(kernels)}, dict(enumerate(halos)),
                                 {p for p, k in enumerate(kernels) if k.has_unbounded}, chunk_rows, len(_slots(c)))
            layout = ChunkLayout.build(n_rows, chunk_rows, halos,
                                       tuple(chosen == "state" or k.has_unbounded for k in kernels))
            return _submit(c, src, plan, parts, kernels, derive, layout, chosen, sink, progress)
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


@dataclass(frozen=True)
class Lane:
    """Kernel groups ``ids`` run by one task per chunk: bounded (each on its halo, chunks independent) or
    chained (no halo: chunk k continues the states chunk k - 1 ended with), optionally pinned to a worker."""

    ids: tuple[int, ...]
    chained: bool
    worker: str | None = None


def _halo_lanes(layout: ChunkLayout, most: int) -> list[tuple[int, ...]]:
    """The bounded groups in at most ``most`` lanes (one task per lane and chunk), by halo: groups of similar
    halos share a lane, so each lane reads only about its own halo and the tasks of a chunk run in parallel.

    >>> _halo_lanes(ChunkLayout.build(100, 10, (5, 40, 0, 6, 39), (False, False, True, False, False)), 2)
    [(0, 3), (4, 1)]
    """
    ids = sorted(layout.bounded, key=lambda p: layout.halos[p])
    if not ids:
        return []
    edges = np.linspace(0, len(ids), min(most, len(ids)) + 1).round().astype(int)
    return [tuple(ids[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def balance(costs: dict[int, float], lanes: int) -> list[tuple[int, ...]]:
    """The groups in ``lanes`` lanes of about equal total cost (longest first, each to the cheapest lane so
    far); empty lanes dropped.

    >>> balance({0: 5.0, 1: 4.0, 2: 3.0, 3: 3.0, 4: 1.0}, 2)
    [(0, 3), (1, 2, 4)]
    """
    load, members = [0.0] * lanes, [[] for _ in range(lanes)]
    for p in sorted(costs, key=lambda p: (-costs[p], p)):
        i = min(range(lanes), key=lambda i: (load[i], i))
        load[i] += costs[p]
        members[i].append(p)
    return [tuple(sorted(m)) for m in members if m]


def choose_mode(mode: str, costs: dict[int, float], halos: dict[int, int], unbounded: set[int],
                chunk_rows: int, threads: int) -> str:
    """``"state"`` (every group chained, lanes of equal cost in parallel) or ``"halo"`` (bounded groups on
    halos, chunks in parallel). ``mode="auto"`` picks the one predicted to keep the workers busier: state
    handoff wastes ``1 - total / (threads x costliest lane)`` (idle workers), halos recompute
    ``halo / chunk_rows`` of each bounded group's rows (``costs``: relative cost per row).

    >>> choose_mode("auto", {0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0}, {0: 60, 1: 60, 2: 5, 3: 5}, set(), 100, 2)
    'state'
    >>> choose_mode("auto", {0: 1.0}, {0: 60}, set(), 500, 2)  # one group: only time splits it
    'halo'
    """
    if mode not in MODES:
        raise AlphaDataError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode != "auto":
        return mode
    total = sum(costs.values()) or 1.0
    lanes = balance(costs, max(threads, 1))
    state = total / (max(threads, 1) * max(sum(costs[p] for p in lane) for lane in lanes))
    worked = sum(c * (1 + (0 if p in unbounded else halos[p] / chunk_rows)) for p, c in costs.items())
    chain = sum(costs[p] for p in unbounded)
    halo = total / max(worked, threads * chain)
    return "state" if state >= halo else "halo"


def _rebalanced(lanes: list[Lane], seconds: dict[int, float], slots: list[str]) -> list[Lane]:
    """Chained lanes of equal *measured* cost (``seconds``: each group's kernel CPU seconds on the chunks so far
    whose windows are full), when that shortens the costliest lane by over ``REBALANCE_GAIN``; else ``lanes``.
    A group moving to another worker takes its state along (once) and loads its kernel there.

    >>> old = [Lane((0, 1), True, "a"), Lane((2, 3), True, "b")]
    >>> [(lane.ids, lane.worker) for lane in _rebalanced(old, {0: 4.0, 1: 3.0, 2: 1.0, 3: 1.0}, ["a", "b"])]
    [((0, 3), 'a'), ((1, 2), 'b')]
    >>> _rebalanced(old, {0: 1.0, 1: 1.0, 2: 1.1, 3: 1.0}, ["a", "b"]) == old
    True
    """
    new = balance(seconds, len(slots))
    def costliest(groups) -> float:
        return max(sum(seconds[p] for p in ids) for ids in groups)
    if costliest(new) >= (1 - REBALANCE_GAIN) * costliest([lane.ids for lane in lanes]):
        return lanes
    # each new lane stays on the worker already holding most of its groups' cost (fewer states moved)
    free = list(range(len(slots)))
    placed = []
    for ids in sorted(new, key=lambda ids: -sum(seconds[p] for p in ids)):
        def kept(i: int, ids=ids) -> float:
            return sum(seconds[p] for lane in lanes if lane.worker == slots[i] for p in lane.ids if p in ids)
        i = max(free, key=lambda i: (kept(i), -i))
        free.remove(i)
        placed.append(Lane(ids, True, slots[i]))
    return sorted(placed, key=lambda lane: slots.index(lane.worker))


def _fields_of(parts) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (tuple(sorted({f for p in parts for f in p.fields})), tuple(sorted({g for p in parts for g in p.groups})))


def _slots(c) -> list[str]:
    """One entry per worker thread (its worker's address), workers in a stable order."""
    return [addr for addr, n in sorted(c.nthreads().items()) for _ in range(n)]


def _submit(c, src, plan, parts, kernels, derive, layout: ChunkLayout, mode: str, sink: DatasetSink | None,
            progress):
    from distributed import as_completed

    token = uuid.uuid4().hex[:10]
    digests = tuple(k.digest for k in kernels)
    slots = _slots(c)
    costs = {p: float(len(k.table)) for p, k in enumerate(kernels)}  # a first guess: node count (``_rebalanced``)
    if mode == "state":
        lanes = [Lane(ids, True, slots[i % len(slots)]) for i, ids in enumerate(balance(costs, len(slots)))]
    else:
        lanes = [Lane(ids, False) for ids in _halo_lanes(layout, len(slots))]
        lanes += [Lane(layout.chain, True)] if layout.chain else []
    extra = 0  # rows the derivation of missing derivable fields reads before a bounded task's first row
    if derive is not None:
        derive, missing, digest, extra = derive
        derive = (derive, missing, digest)
    names = tuple(plan.outputs)
    directory = str(sink.begin()) if sink is not None else None
    submitted: dict[tuple, object] = {}  # plans and reads per lane, submitted once

    def lane_input(lane: Lane, k: int, first: int, stop: int):
        if ("reads", lane.ids) not in submitted:
            fields, groups = _fields_of([parts[p] for p in lane.ids])
            if derive is not None:
                fields = tuple(sorted((set(fields) - set(derive[1])) | set(derive[0].fields)))
                groups = tuple(sorted(set(groups) | set(derive[0].groups)))
            submitted[("reads", lane.ids)] = (fields, groups)
        fields, groups = submitted[("reads", lane.ids)]
        if src.lazy:
            return ChunkRequest(src, first, stop, fields, groups)
        with warnings.catch_warnings():  # the chunk travels inside its task (large-graph warning)
            warnings.simplefilter("ignore")
            return c.submit(constant, src.read(first, stop, fields, groups),
                            key=f"alphalang-data-{k}-{uuid.uuid4().hex}")

    def lane_plans(lane: Lane):
        if ("plans", lane.ids) not in submitted:
            submitted[("plans", lane.ids)] = c.submit(constant, tuple(parts[p] for p in lane.ids),
                                                      key=f"alphalang-plans-{uuid.uuid4().hex}")
        return submitted[("plans", lane.ids)]

    states: dict[int, object] = {}  # group id -> the future of the state its chain left after the last chunk

    def submit_chunk(k: int, start: int, stop: int) -> list:
        outs = []
        for lane in lanes:
            where = {"workers": [lane.worker], "allow_other_workers": True} if lane.worker else {}
            lane_digests = tuple(digests[p] for p in lane.ids)
            tag = f"{k}-{'-'.join(map(str, lane.ids))}-{token}"
            if lane.chained:
                previous = list({id(states[p]): states[p] for p in lane.ids if p in states}.values())
                done = c.submit(run_chained, lane_plans(lane), lane_input(lane, k, start, stop), start, layout.n_rows,
                                previous, lane_digests, derive, lane.ids, key=f"alphalang-chained-{tag}", **where)
                outs.append(c.submit(chain_outputs, done, key=f"alphalang-outputs-{tag}", **where))
                state = c.submit(chain_state, done, key=f"alphalang-state-{tag}", **where)
                states.update(dict.fromkeys(lane.ids, state))
                continue
            first = max(0, layout.read_range(k, lane.ids)[0] - extra)
            outs.append(c.submit(run_bounded, lane_plans(lane), lane_input(lane, k, first, stop), start,
                                 tuple(layout.halos[p] for p in lane.ids), layout.n_rows, lane_digests, derive,
                                 lane.ids, key=f"alphalang-bounded-{tag}", **where))
        if sink is None:
            return outs
        return [c.submit(write_chunk, directory, k, src.dates[start:stop], src.assets, names, *outs,  # in turn
                         key=f"alphalang-write-{k}-{token}", workers=[slots[k % len(slots)]], allow_other_workers=True)]

    results = None if sink is not None else {name: np.empty((layout.n_rows, len(src.assets))) for name in names}
    total = len(layout.bounds) * (1 if sink is not None else len(lanes))
    finished, rows_written = 0, 0
    measured: dict[int, dict[int, float]] = {}  # chunk -> group -> kernel seconds
    next_check = 1  # lanes are regrouped after this many measured chunks (then twice as many, ...)
    where_of: dict[str, tuple[int, int, int]] = {}
    pending = as_completed()

    def collect() -> None:
        nonlocal finished, rows_written
        fut = next(pending)
        value = fut.result()
        k, start, stop = where_of.pop(fut.key)
        if results is not None:
            outputs, seconds = value
            for name, arr in outputs.items():
                results[name][start:stop] = arr
        else:
            rows, seconds = value
            rows_written += rows
        for key, value in seconds.items():
            measured.setdefault(k, {})[key] = measured.get(k, {}).get(key, 0.0) + value
        finished += 1
        if progress is not None:
            progress(finished, total)

    for k, (start, stop) in enumerate(layout.bounds):
        while pending.count() >= INFLIGHT_CHUNKS * (1 if sink is not None else len(lanes)):
            collect()  # bounded memory: at most INFLIGHT_CHUNKS chunks' outputs exist at a time
        full = [j for j, m in measured.items() if j >= 1 and sum(isinstance(p, int) for p in m) == len(parts)]
        if mode == "state" and len(full) >= next_check:  # after 1, 2, 4, 8, ... chunks with full windows measured
            next_check *= 2
            lanes = _rebalanced(lanes, {p: sum(measured[j][p] for j in full) for p in range(len(parts))}, slots)
        for fut in submit_chunk(k, start, stop):
            where_of[fut.key] = (k, start, stop)
            pending.add(fut)
    while pending.count():
        collect()
    states.clear()
    if sink is None:
        return results
    return sink.commit({"format": "alphalang chunked run", "mode": mode, "lanes": [list(lane.ids) for lane in lanes],
                        "cpu_seconds": {p: sum(m.get(p, 0.0) for m in measured.values())
                                        for p in [*range(len(parts)), "read", "derive", "write"]},
                        "outputs": list(names), "chunks": len(layout.bounds),
                        "chunk_rows": [b - a for a, b in layout.bounds], "rows": rows_written,
                        "dates": [str(src.dates[0]), str(src.dates[-1])], "assets": len(src.assets),
                        "files": sorted(p.name for p in Path(directory).glob("part-*.parquet"))})
