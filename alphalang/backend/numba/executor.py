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


def dense_labels(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """One group level as C-contiguous int64 (rows, N) labels 0..G-1 (-1: no group) and G. Labels keep their
    order; small non-negative labels are used as they are (no copy when already so)."""
    a = np.asarray(labels)
    if a.ndim == 1:
        a = a[None, :]
    elif a.shape[0] > 1 and a.strides[0] == 0:  # a broadcast (N,) -> (T, N) view
        a = a[:1]
    a = np.ascontiguousarray(a, dtype=np.int64)
    if a.size == 0:
        return a, 0
    low, top = int(a.min()), int(a.max())
    if top < 4 * max(a.shape[1], 1) + 64:  # small labels are dense enough as they are
        return (a if low >= -1 else np.where(a < 0, -1, a)), top + 1
    if top < 1 << 24:  # large codes (e.g. GICS): a lookup table over the labels present, no sort
        present = np.bincount(a[a >= 0], minlength=top + 1) > 0
        lut = np.cumsum(present) - 1
        return np.where(a < 0, -1, lut[np.maximum(a, 0)]), int(present.sum())
    uniq, inverse = np.unique(np.where(a < 0, -1, a), return_inverse=True)
    shift_ = 1 if uniq[0] < 0 else 0
    return np.ascontiguousarray((inverse.reshape(a.shape) - shift_).astype(np.int64)), len(uniq) - shift_


def dense_groups(kernel: Kernel, groups: dict[str, np.ndarray], shape: tuple[int, int]):
    """The kernel's group levels stacked as one int64 (levels, T or 1, N) array of ``dense_labels``, and G (the
    largest label count over levels)."""
    if not kernel.groups:
        return np.full((1, 1, shape[1]), -1, dtype=np.int64), 0
    dense = [dense_labels(groups[level]) for level in kernel.groups]
    n_groups = max(count for _, count in dense)
    if len(dense) == 1:
        return dense[0][0][None], n_groups
    rows = max(a.shape[0] for a, _ in dense)
    return np.ascontiguousarray(np.stack([np.broadcast_to(a, (rows, a.shape[1])) for a, _ in dense])), n_groups


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
