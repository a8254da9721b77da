"""The work a dask task does: evaluate kernel groups on one chunk's rows, or write one chunk's outputs.

Everything here runs in a worker process and is imported there by name (``alphalang.distributed.tasks``).
Kernels come from the on-disk cache the parent filled (``compile_plan``), memoised per process.

Example (in process, no dask):
    >>> import numpy as np
    >>> from alphalang.plan import build_plan, parse_module
    >>> from alphalang.distributed.sources import ChunkData
    >>> part = build_plan(parse_module("m = ts_mean(close, 2)"))
    >>> data = ChunkData(1, {"close": np.array([[1.0], [3.0], [5.0]])}, {})
    >>> run_bounded((part,), data, 2, 1, 10)["m"][:, 0].tolist()  # rows 2, 3 from rows 1..3 (halo 1)
    [2.0, 4.0]
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np

from alphalang.plan import Plan

__all__ = ["constant", "run_bounded", "run_chained", "write_chunk", "CHUNK_FILE"]

CHUNK_FILE = "part-{:05d}.parquet"


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
    fs, is_ = executor.new_state(kernel, n, n_rows) if state is None else (state[0].copy(), state[1].copy())
    rows = np.empty((max(kernel.n_rows, 1), n))
    with quiet_objmode():
        fn(t_base, 0, t, w0, n, *field_args, stacked, n_groups, out, rows, fs, is_, fo, io, prog, consts)
    return {name: out[k, w0:] for k, name in enumerate(kernel.outputs)}, (fs, is_)


def _rows(data, first: int, plan: Plan):
    """The fields and groups ``plan`` reads, from row ``first`` (absolute) of a chunk's data on."""
    skip = first - data.first
    fields = {name: data.fields[name][skip:] for name in plan.fields}
    groups = {lv: (g if g.ndim == 1 else g[skip:]) for lv, g in ((lv, data.groups[lv]) for lv in plan.groups)}
    return fields, groups


def derived(data, derive, first: int, n_rows: int):
    """``data`` from row ``first`` on, plus the derivable fields (returns, adv{d}) the source lacks, computed
    by ``derive`` = (plan, names, digest) from ``data``'s earlier rows exactly as ``Program.run`` computes them
    (``Program.kernel_plan``: the kernels read them as inputs). ``derive`` None: ``data`` as it is."""
    from alphalang.distributed.sources import ChunkData, load

    data = load(data)
    if derive is None:
        return data
    plan, names, digest = derive
    fields, groups = _rows(data, data.first, plan)
    values, _ = run_kernel(plan, fields, groups, data.first, first - data.first, n_rows, digest=digest)
    skip = first - data.first
    return ChunkData(first, {**{k: v[skip:] for k, v in data.fields.items()}, **{k: values[k] for k in names}},
                     {k: v if v.ndim == 1 else v[skip:] for k, v in data.groups.items()})


def run_bounded(parts: tuple[Plan, ...], data, start: int, halo_of, n_rows: int,
                digests: tuple[str, ...] | None = None, derive=None) -> dict[str, np.ndarray]:
    """Outputs of the bounded groups ``parts`` on rows ``[start, data.stop)``; group p starts ``halo_of[p]``
    rows early (fresh state), or at row 0. ``halo_of`` may be one int for all (doctest); ``derive``: see
    ``derived`` (``data`` then starts that plan's halo earlier)."""
    halos = (halo_of,) * len(parts) if isinstance(halo_of, int) else halo_of
    data = derived(data, derive, max(0, start - max(halos, default=0)), n_rows)
    results: dict[str, np.ndarray] = {}
    for p, plan in enumerate(parts):
        halo = halo_of if isinstance(halo_of, int) else halo_of[p]
        first = max(0, start - halo)
        fields, groups = _rows(data, first, plan)
        out, _ = run_kernel(plan, fields, groups, first, start - first, n_rows, digest=digests and digests[p])
        results.update(out)
    return results


def run_chained(parts: tuple[Plan, ...], data, start: int, n_rows: int, previous=None,
                digests: tuple[str, ...] | None = None, derive=None):
    """Outputs of the chained (unbounded-state) groups on rows ``[start, data.stop)``, continuing from the
    states ``previous`` (the result of this task on the chunk before; ``None`` on the first chunk).
    Returns ``(outputs, states)``."""
    data = derived(data, derive, start, n_rows)
    states = previous[1] if previous is not None else [None] * len(parts)
    results: dict[str, np.ndarray] = {}
    new_states = []
    for p, (plan, state) in enumerate(zip(parts, states, strict=True)):
        fields, groups = _rows(data, start, plan)
        out, state = run_kernel(plan, fields, groups, start, 0, n_rows, state, digests and digests[p])
        results.update(out)
        new_states.append(state)
    return results, new_states


def write_chunk(directory: str, chunk: int, dates, assets, names: tuple[str, ...], *results) -> int:
    """Write one chunk's outputs (long form: date, asset, one column per output in ``names``) as
    ``directory/part-<chunk>.parquet``, atomically: to a hidden name first, then renamed. Returns its rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    merged: dict[str, np.ndarray] = {}
    for res in results:
        merged.update(res[0] if isinstance(res, tuple) else res)
    t, n = len(dates), len(assets)
    columns = {"date": pa.array(np.repeat(np.asarray(dates), n)), "asset": pa.array(np.tile(np.asarray(assets), t))}
    columns.update({name: pa.array(np.ascontiguousarray(merged[name]).reshape(-1)) for name in names})
    table = pa.table(columns)
    final = Path(directory) / CHUNK_FILE.format(chunk)
    temp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.inprogress")
    pq.write_table(table, str(temp), write_page_checksum=True)
    os.replace(temp, final)
    return table.num_rows
