"""The work a dask task does: evaluate kernel groups on one chunk's rows, or write one chunk's outputs.

Everything here runs in a worker process and is imported there by name (``alphalang.distributed.tasks``).
Kernels come from the on-disk cache the parent filled (``compile_plan``), memoised per process.

Example (in process, no dask):
    >>> import numpy as np
    >>> from alphalang.plan import build_plan, parse_module
    >>> from alphalang.distributed.sources import ChunkData
    >>> part = build_plan(parse_module("m = ts_mean(close, 2)"))
    >>> data = ChunkData(1, {"close": np.array([[1.0], [3.0], [5.0]])}, {})
    >>> run_bounded((part,), data, 2, 1, 10)[0]["m"][:, 0].tolist()  # rows 2, 3 from rows 1..3 (halo 1)
    [2.0, 4.0]
    >>> first = run_chained((part,), ChunkData(0, {"close": np.array([[1.0], [3.0]])}), 0, 10)
    >>> second = run_chained((part,), ChunkData(2, {"close": np.array([[5.0], [7.0]])}), 2, 10, [chain_state(first)])
    >>> first.outputs["m"][:, 0].tolist(), second.outputs["m"][:, 0].tolist()  # the state crosses the chunk edge
    ([nan, 2.0], [4.0, 6.0])
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alphalang.plan import Plan

__all__ = ["constant", "run_bounded", "run_chained", "chain_outputs", "chain_state", "write_chunk", "CHUNK_FILE"]

CHUNK_FILE = "part-{:05d}.parquet"
#: how chunk files are written: checksummed pages, dictionary-encoded keys, output columns plain
WRITE_OPTIONS = {"write_page_checksum": True, "use_dictionary": ["date", "asset"], "compression": "none"}


def constant(value):
    """``value`` itself: a task holding data the client has (plans, a panel's chunk), so that dask can rerun it
    when the worker holding its result dies (scattered data would be lost for good)."""
    return value


def _kernel(plan: Plan, digest: str | None = None):
    """The plan's kernel and dispatcher; ``AlphaDataError`` when its digest is not the parent's ``digest``
    (this worker runs another alphalang, numba or kernel source than the process that submitted the run)."""
    from alphalang.backend.numba import compile_plan
    from alphalang.errors import AlphaDataError

    kernel, fn = compile_plan(plan)
    if digest is not None and kernel.digest != digest:
        raise AlphaDataError(f"worker pid {os.getpid()} generates kernel {kernel.digest} where the client has {digest}",
                             hint="workers must run the same alphalang and numba versions as the client")
    return kernel, fn


def run_kernel(plan: Plan, fields: dict[str, np.ndarray], groups: dict[str, np.ndarray], t_base: int, w0: int,
               n_rows: int, state: tuple[np.ndarray, np.ndarray] | None = None, digest: str | None = None):
    """Rows ``t_base .. t_base + len`` through ``plan``'s kernel (state: given, else fresh with windows clamped
    to the whole data's ``n_rows`` as a single-process run clamps them); outputs from row ``t_base + w0`` on.
    Returns ``({output: (len - w0, N)}, state)``. ``digest``: the kernel digest the client compiled (checked)."""
    from alphalang.backend.numba import executor
    from alphalang.backend.numba.kernels import quiet_objmode

    kernel, fn = _kernel(plan, digest)
    t, n = next(iter(fields.values())).shape if fields else (0, 0)
    executor.check_inputs(kernel, fields, groups, (t, n))
    field_args = [np.ascontiguousarray(fields[name], dtype=np.float64) for name in kernel.fields]
    stacked, n_groups = executor.dense_groups(kernel, groups, (t, n))
    out = np.empty((len(kernel.outputs), t, n))
    fo, io = executor.layout(kernel, n, n_rows)
    prog, consts = executor.tables(kernel, n_rows)
    # a given state is the previous chunk's task result: copied, never updated in place, so a retried task (a
    # worker lost mid-run) starts from the same state (the copy is ~1-2% of a chained task's CPU at full size)
    fs, is_ = executor.new_state(kernel, n, n_rows) if state is None else (state[0].copy(), state[1].copy())
    rows = np.empty((max(kernel.n_rows, 1), n))
    with quiet_objmode():
        fn(t_base, 0, t, w0, n, 0, *field_args, stacked, n_groups, out, rows, fs, is_, fo, io, prog, consts)
    return {name: out[k, w0:] for k, name in enumerate(kernel.outputs)}, (fs, is_)


def _rows(data, first: int, plan: Plan):
    """The fields and groups ``plan`` reads, from row ``first`` (absolute) of a chunk's data on."""
    skip = first - data.first
    fields = {name: data.fields[name][skip:] for name in plan.fields}
    groups = {lv: (g if g.ndim == 1 else g[skip:]) for lv, g in ((lv, data.groups[lv]) for lv in plan.groups)}
    return fields, groups


def derived(data, derive, first: int, n_rows: int, state=None, seconds: dict | None = None):
    """``(data from row first on plus the derivable fields the source lacks, the derivation's state)``: the
    fields (returns, adv{d}) computed by ``derive`` = (plan, names, digest) exactly as ``Program.run`` computes
    them (``Program.kernel_plan``: the kernels read them as inputs), either from ``data``'s earlier rows (a
    halo; fresh state) or continuing ``state`` (the derivation's state at row ``first``: ``data`` starts
    there). ``derive`` None: ``(data, None)``. ``seconds``: CPU seconds of the read and the derivation added
    under "read" and "derive"."""
    from alphalang.distributed.sources import ChunkData, load

    seconds = {} if seconds is None else seconds
    t0 = time.thread_time()
    data = load(data)
    seconds["read"] = seconds.get("read", 0.0) + time.thread_time() - t0
    if derive is None:
        return data, None
    plan, names, digest = derive
    fields, groups = _rows(data, data.first, plan)
    values, state = _timed_kernel(seconds, "derive", plan, fields, groups, data.first, first - data.first, n_rows,
                                  state, digest)
    skip = first - data.first
    return ChunkData(first, {**{k: v[skip:] for k, v in data.fields.items()}, **{k: values[k] for k in names}},
                     {k: v if v.ndim == 1 else v[skip:] for k, v in data.groups.items()}), state


def _timed_kernel(seconds: dict, key, *args, **kwargs):
    """``run_kernel(*args, **kwargs)``, adding the CPU seconds of this thread it took to ``seconds[key]`` (CPU,
    not wall: what the group costs, whatever else the machine runs)."""
    t0 = time.thread_time()
    result = run_kernel(*args, **kwargs)
    seconds[key] = seconds.get(key, 0.0) + time.thread_time() - t0
    return result


def run_bounded(parts: tuple[Plan, ...], data, start: int, halo_of, n_rows: int,
                digests: tuple[str, ...] | None = None, derive=None, ids: tuple[int, ...] | None = None):
    """``(outputs, seconds)``: the outputs of the bounded groups ``parts`` on rows ``[start, data.stop)`` and
    each group's kernel CPU seconds (keyed by ``ids``, default 0, 1, ...; and "read", "derive"); group p
    starts ``halo_of[p]`` rows early (fresh state), or at row 0. ``halo_of`` may be one int for all (doctest);
    ``derive``: see ``derived`` (``data`` then starts that plan's halo earlier)."""
    halos = (halo_of,) * len(parts) if isinstance(halo_of, int) else halo_of
    seconds: dict = {}
    data, _ = derived(data, derive, max(0, start - max(halos, default=0)), n_rows, seconds=seconds)
    results: dict[str, np.ndarray] = {}
    for p, (plan, halo, key) in enumerate(zip(parts, halos, ids or range(len(parts)), strict=True)):
        first = max(0, start - halo)
        fields, groups = _rows(data, first, plan)
        out, _ = _timed_kernel(seconds, key, plan, fields, groups, first, start - first, n_rows,
                               digest=digests and digests[p])
        results.update(out)
    return results, seconds


@dataclass
class ChainResult:
    """What a chained task leaves for the next chunk's task (``states``: per kernel group id, its state after
    the chunk; ``derive``: the derivation's state) and for the chunk's writer (``outputs``, ``seconds``: CPU
    seconds per group id, and of the "read" and "derive")."""

    outputs: dict[str, np.ndarray]
    seconds: dict[int, float]
    states: dict[int, tuple[np.ndarray, np.ndarray]]
    derive: tuple[np.ndarray, np.ndarray] | None


def run_chained(parts: tuple[Plan, ...], data, start: int, n_rows: int, previous=(),
                digests: tuple[str, ...] | None = None, derive=None, ids: tuple[int, ...] | None = None) -> ChainResult:
    """The chained groups ``parts`` (ids ``ids``, default 0, 1, ...) on rows ``[start, data.stop)`` (``data``
    starts at ``start``: no halo), each continuing from its state in ``previous`` (the ``chain_state`` of the
    tasks that ran these groups on the chunk before, in any grouping; empty on the first chunk: fresh state),
    the derivation likewise."""
    ids = tuple(ids or range(len(parts)))
    states: dict[int, tuple] = {}
    derive_state = None
    for prev_states, prev_derive in previous:
        states.update(prev_states)
        derive_state = prev_derive if derive_state is None else derive_state
    seconds: dict = {}
    data, derive_state = derived(data, derive, start, n_rows, derive_state, seconds)
    results: dict[str, np.ndarray] = {}
    new_states = {}
    for p, (plan, key) in enumerate(zip(parts, ids, strict=True)):
        fields, groups = _rows(data, start, plan)
        out, new_states[key] = _timed_kernel(seconds, key, plan, fields, groups, start, 0, n_rows,
                                             states.get(key), digests and digests[p])
        results.update(out)
    return ChainResult(results, seconds, new_states, derive_state)


def chain_outputs(result: ChainResult) -> tuple[dict[str, np.ndarray], dict[int, float]]:
    """``(outputs, seconds)`` of a chained task: what its chunk's writer needs (run where the result is)."""
    return result.outputs, result.seconds


def chain_state(result: ChainResult) -> tuple[dict, tuple | None]:
    """``(states, derivation state)`` of a chained task: what the next chunk's tasks need."""
    return result.states, result.derive


def write_chunk(directory: str, chunk: int, dates, assets, names: tuple[str, ...], *results) -> tuple[int, dict]:
    """Write one chunk's outputs (``results``: the ``(outputs, seconds)`` of its tasks; long form: date, asset,
    one column per output in ``names``) as ``directory/part-<chunk>.parquet``, atomically: to a hidden name
    first, then renamed. Returns its rows and the tasks' kernel seconds per group. Output columns are written
    plain (``WRITE_OPTIONS``): alpha values hardly compress, and dictionary or snappy encoding them took 3-4x
    the time of writing them plain."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    t0 = time.thread_time()
    merged: dict[str, np.ndarray] = {}
    seconds: dict = {}
    for outputs, secs in results:
        merged.update(outputs)
        for key, value in secs.items():
            seconds[key] = seconds.get(key, 0.0) + value
    t, n = len(dates), len(assets)
    columns = {"date": pa.array(np.repeat(np.asarray(dates), n)), "asset": pa.array(np.tile(np.asarray(assets), t))}
    columns.update({name: pa.array(np.ascontiguousarray(merged[name]).reshape(-1)) for name in names})
    table = pa.table(columns)
    final = Path(directory) / CHUNK_FILE.format(chunk)
    temp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.inprogress")
    pq.write_table(table, str(temp), **WRITE_OPTIONS)
    os.replace(temp, final)
    seconds["write"] = time.thread_time() - t0
    return table.num_rows, seconds
