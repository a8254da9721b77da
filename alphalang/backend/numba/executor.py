"""Run a generated kernel on a panel: bind arrays, lay out and initialise state, split work over threads.

State: every stateful node owns a slice of two flat buffers (float64 ``fs``, int64 ``is_``); ``layout`` gives
the slice bounds for N assets, ``new_state`` allocates and initialises them with each family's ``init``.

Threads: the only exact split on this machine's design is over *time*: chunk k processes rows
``[start_k - lookback, stop_k)`` with fresh state and writes rows ``>= start_k`` (every lookback is finite and
known; programs using ts_ema, whose window is unbounded, always run in one chunk). Kernels release the GIL.

Example:
    >>> from alphalang.plan import build_plan, parse_module
    >>> from alphalang.backend.numba.codegen import generate
    >>> fo, io = layout(generate(build_plan(parse_module("a = ts_mean(close, 3)"))), n=2)
    >>> fo.tolist(), io.tolist()
    ([0, 24], [0, 4])
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from alphalang.backend.numba.codegen import Kernel
from alphalang.backend.numba.kernels import comoments, ema, extrema, linear, moments, product, shift, tsrank
from alphalang.backend.numba.kernels.table import COLUMNS

FAMILY_MODULES = {"shift": shift, "moments": moments, "comoments": comoments, "linear": linear,
                  "extrema": extrema, "product": product, "tsrank": tsrank, "ema": ema}
MIN_ROWS_PER_THREAD = 64


def layout(kernel: Kernel, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Slice bounds of each state in the float and int buffers: state k is fs[fo[k]:fo[k+1]]."""
    fo = [0]
    io = [0]
    for s in kernel.states:
        nf, ni = FAMILY_MODULES[s.family].state_size(n, s.window)
        fo.append(fo[-1] + nf)
        io.append(io[-1] + ni)
    return np.array(fo, dtype=np.int64), np.array(io, dtype=np.int64)


def new_state(kernel: Kernel, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Fresh (all-missing) state buffers for N assets."""
    fo, io = layout(kernel, n)
    fs = np.empty(int(fo[-1]))
    is_ = np.empty(int(io[-1]), dtype=np.int64)
    for k, s in enumerate(kernel.states):
        FAMILY_MODULES[s.family].init(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], n, s.window)
    return fs, is_


def dense_groups(kernel: Kernel, groups: dict[str, np.ndarray], shape: tuple[int, int]):
    """All group levels stacked as one int64 (levels, T or 1, N) array with labels 0..G-1 (negative: -1), and
    G (the largest label count over levels)."""
    arrays = []
    n_groups = 0
    for level in kernel.groups:
        a = np.asarray(groups[level])
        if a.ndim == 1:
            a = a[None, :]
        elif a.shape[0] > 1 and a.strides[0] == 0:  # a broadcast (N,) -> (T, N) view
            a = a[:1]
        a = a.astype(np.int64, copy=False)
        top = int(a.max(initial=-1))
        if top < 4 * max(a.shape[1], 1) + 64:  # small non-negative labels are dense enough as they are
            dense = np.ascontiguousarray(np.where(a < 0, -1, a))
            count = top + 1
        else:
            uniq, inverse = np.unique(np.where(a < 0, -1, a), return_inverse=True)
            shift_ = 1 if uniq[0] < 0 else 0
            dense = np.ascontiguousarray((inverse.reshape(a.shape) - shift_).astype(np.int64))
            count = len(uniq) - shift_
        arrays.append(dense)
        n_groups = max(n_groups, count)
    if not arrays:
        return np.full((1, 1, shape[1]), -1, dtype=np.int64), 0
    rows = max(a.shape[0] for a in arrays)
    stacked = np.stack([np.broadcast_to(a, (rows, a.shape[1])) for a in arrays])
    return np.ascontiguousarray(stacked), n_groups


def tables(kernel: Kernel) -> tuple[np.ndarray, np.ndarray]:
    """The node table and its constants as the arrays the kernel takes."""
    prog = np.array(kernel.table, dtype=np.int64).reshape(-1, len(COLUMNS))
    return prog, np.array(kernel.consts, dtype=np.float64)


def run(kernel: Kernel, fn, fields: dict[str, np.ndarray], groups: dict[str, np.ndarray],
        shape: tuple[int, int], threads: int = 1) -> dict[str, np.ndarray]:
    """Evaluate every output over the whole panel; returns (T, N) views into one output block."""
    t, n = shape
    field_args = [np.ascontiguousarray(fields[name], dtype=np.float64) for name in kernel.fields]
    stacked, n_groups = dense_groups(kernel, groups, shape)
    out = np.empty((len(kernel.outputs), t, n))
    fo, io = layout(kernel, n)
    prog, consts = tables(kernel)

    def chunk(bounds: tuple[int, int]) -> None:
        start, stop = bounds
        fs, is_ = new_state(kernel, n)
        rows = np.empty((max(kernel.n_rows, 1), n))
        first = 0 if start == 0 else max(0, start - kernel.lookback)
        fn(0, first, stop, start, n, *field_args, stacked, n_groups, out, rows, fs, is_, fo, io, prog, consts)

    bounds = chunks(t, threads, kernel)
    if len(bounds) == 1:
        chunk(bounds[0])
    else:
        with ThreadPoolExecutor(len(bounds)) as pool:
            list(pool.map(chunk, bounds))
    return {name: out[k] for k, name in enumerate(kernel.outputs)}


def chunks(t: int, threads: int, kernel: Kernel) -> list[tuple[int, int]]:
    """Row ranges, one per thread (one range when threads=1, for ts_ema, or for short panels)."""
    if threads <= 1 or kernel.has_unbounded or t < threads * max(MIN_ROWS_PER_THREAD, 2 * kernel.lookback):
        return [(0, t)]
    edges = np.linspace(0, t, threads + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]
