"""Run a generated kernel on a panel: bind arrays, lay out and initialise state, split work over threads.

State: every stateful node owns a slice of two flat buffers (float64 ``fs``, int64 ``is_``); ``layout`` gives
the slice bounds for N assets, ``new_state`` allocates and initialises them with each family's ``init``.
On T rows of data a window is clamped to T + 1 rows (``windows``: a longer one never fills), and
``check_state_size`` bounds a program's total state (``$ALPHALANG_MAX_STATE_MB``) naming the largest operator.

Threads: a program that never reads across assets (``asset_blocks``) splits *assets*: each thread runs the
kernel on its block of columns of the same arrays (the kernel's ``c0``, ``n``) with its own state, exact since
each asset's values depend on its own column only. Any other program splits *time*: chunk k processes rows
``[start_k - halo, stop_k)`` with fresh state and writes rows ``>= start_k``: the halo is the lookback plus, for
each window longer than ``DIRECT_MAX``, that window again (its running sums re-anchor every d rows:
``halo.exact_halo``), so the result has exactly the bits of one run. Such a program using ts_ema, whose window
is unbounded, runs in one chunk. Kernels release the GIL.

Example:
    >>> from alphalang.plan import build_plan, parse_module
    >>> from alphalang.backend.numba.codegen import generate
    >>> kernel = generate(build_plan(parse_module("a = delay(close, 3)")))
    >>> [a.tolist() for a in layout(kernel, n=2)]  # a ring of 3 rows x 2 assets
    [[0, 6], [0, 0]]
    >>> [a.tolist() for a in layout(kernel, n=2, rows=1)]  # on 1 row of data the window keeps 2 rows
    [[0, 4], [0, 0]]
"""

from __future__ import annotations

import importlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import numpy as np

from alphalang.backend.numba.codegen import Kernel
from alphalang.backend.numba.families import COLUMNS, FAMILIES, FAMILY
from alphalang.backend.numba.kernels import quiet_objmode
from alphalang.errors import AlphaDataError
from alphalang.plan import Plan

MIN_ROWS_PER_THREAD = 64
MIN_ASSETS_PER_THREAD = 64
MAX_STATE_ENV = "ALPHALANG_MAX_STATE_MB"
DEFAULT_MAX_STATE_MB = 2048
WINDOW, STATE = COLUMNS.index("window"), COLUMNS.index("state")


def windows(kernel: Kernel, rows: int | None = None) -> tuple[int, ...]:
    """Each state's window, clamped to ``rows + 1`` on data of ``rows`` rows: a longer window never fills
    (NaN everywhere, as in the reference), so its state is sized by the data, not by the window. ``None``
    (a stream, which can grow without bound): the declared windows. E.g. ts_rank(close, 1000000) on 20 rows
    keeps a 21-row ring. A window under the NaN policy skip keeps its length: its partial windows weigh their
    values by their position in the declared window (decay_linear, ts_argmax).
    """
    return tuple(s.window if rows is None or s.skip else min(s.window, rows + 1) for s in kernel.states)


def layout(kernel: Kernel, n: int, rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Slice bounds of each state in the float and int buffers: state k is fs[fo[k]:fo[k+1]]."""
    fo = [0]
    io = [0]
    for s, d in zip(kernel.states, windows(kernel, rows), strict=True):
        nf, ni = FAMILY[s.family].state_size(n, d)
        fo.append(fo[-1] + nf)
        io.append(io[-1] + ni)
    return np.array(fo, dtype=np.int64), np.array(io, dtype=np.int64)


def new_state(kernel: Kernel, n: int, rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Fresh (all-missing) state buffers for N assets (windows clamped to ``rows``, see ``windows``)."""
    fo, io = layout(kernel, n, rows)
    fs = np.empty(int(fo[-1]))
    is_ = np.empty(int(io[-1]), dtype=np.int64)
    for k, (s, d) in enumerate(zip(kernel.states, windows(kernel, rows), strict=True)):
        family_module(s.family).init(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], n, d)
    return fs, is_


def family_module(name: str) -> ModuleType:
    """A kernel family's module (its ``init``), imported when a kernel first uses the family: importing one
    compiles its kernels on a machine's first run, so a program compiles only the families it uses.

    >>> family_module("shift").__name__
    'alphalang.backend.numba.kernels.shift'
    """
    module = sys.modules.get(FAMILY[name].module)  # loading the kernel imported it (``table.callers``)
    if module is None:
        with quiet_objmode():  # a family module may import crosssection, whose eager signatures compile objmode
            module = importlib.import_module(FAMILY[name].module)
    return module


def max_state_bytes() -> int:
    """The most operator state one program may allocate: ``$ALPHALANG_MAX_STATE_MB`` (default 2048) MB."""
    text = os.environ.get(MAX_STATE_ENV) or str(DEFAULT_MAX_STATE_MB)
    try:
        return int(float(text) * 2**20)
    except ValueError:
        raise AlphaDataError(f"{MAX_STATE_ENV}={text!r} is not a number of megabytes") from None


def check_state_size(parts: list[tuple[Plan, Kernel]], n: int, rows: int | None = None) -> None:
    """Raise ``AlphaDataError`` naming the largest operator when the state of all ``parts`` (a program's
    output groups) for N assets would exceed ``max_state_bytes()``."""
    sizes = []  # (bytes, plan, node)
    for plan, kernel in parts:
        fo, io = layout(kernel, n, rows)
        sizes += [(8 * int(fo[k + 1] - fo[k] + io[k + 1] - io[k]), plan, s.node) for k, s in enumerate(kernel.states)]
    total, limit = sum(b for b, _, _ in sizes), max_state_bytes()
    if total <= limit:
        return
    size, plan, node = max(sizes, key=lambda item: item[0])
    span = plan.graph.spans.get(node)
    raise AlphaDataError(
        f"the program's operator state would take {_mb(total)} for {n} assets (limit {_mb(limit)}); "
        f"{plan.graph.describe(node, 80)} alone needs {_mb(size)}",
        span, hint=f"shorten the window, or raise the limit with {MAX_STATE_ENV}=<megabytes>")


def _mb(size: int) -> str:
    mb = size / 2**20
    return f"{mb:,.0f} MB" if mb >= 10 else f"{mb:.2g} MB"


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
    largest label count over levels). Read-only whenever the kernel groups (labels often are a broadcast view),
    so a kernel has one signature (``signature``) whatever the labels' origin."""
    if not kernel.groups:
        return np.full((1, 1, shape[1]), -1, dtype=np.int64), 0
    dense = [dense_labels(groups[level]) for level in kernel.groups]
    n_groups = max(count for _, count in dense)
    if len(dense) == 1:
        stacked = np.ascontiguousarray(dense[0][0][None])
    else:
        rows = max(a.shape[0] for a, _ in dense)
        stacked = np.ascontiguousarray(np.stack([np.broadcast_to(a, (rows, a.shape[1])) for a, _ in dense]))
    stacked = stacked.view()
    stacked.flags.writeable = False
    return stacked, n_groups


def check_inputs(kernel: Kernel, fields: dict[str, np.ndarray], groups: dict[str, np.ndarray],
                 shape: tuple[int, int]) -> None:
    """Raise ``AlphaDataError`` unless every field the kernel reads is a (T, N) array and every group level
    it uses is (N,), (1, N) or (T, N) labels: the kernel indexes them without bounds checks."""
    t, n = shape
    for name in kernel.fields:
        if name not in fields:
            raise AlphaDataError(f"the data has no field {name!r}",
                                 hint=f"the program reads {', '.join(kernel.fields)}")
        got = np.shape(fields[name])
        if got != (t, n):
            raise AlphaDataError(f"field {name!r} has shape {got}, expected {(t, n)} (dates x assets)")
    for level in kernel.groups:
        if level not in groups:
            raise AlphaDataError(f"the data has no group level {level!r}",
                                 hint=f"the program groups by {', '.join(kernel.groups)}")
        got = np.shape(groups[level])
        if got not in ((n,), (1, n), (t, n)):
            raise AlphaDataError(f"group level {level!r} has shape {got}, expected {(n,)} or {(t, n)}")


def tables(kernel: Kernel, rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The node table (windows clamped to ``rows``, see ``windows``) and its constants, as the kernel takes
    them. The kernel's code does not depend on the table's values, so clamping needs no recompile."""
    prog = np.array(kernel.table, dtype=np.int64).reshape(-1, len(COLUMNS))
    state = prog[:, STATE] >= 0
    prog[state, WINDOW] = np.array(windows(kernel, rows), dtype=np.int64)[prog[state, STATE]]
    return prog, np.array(kernel.consts, dtype=np.float64)


def signature(kernel: Kernel) -> tuple:
    """The numba argument types ``run`` calls ``kernel`` with, so it can be compiled before the call
    (``loader.ready``): one signature per kernel, whatever the data.

    >>> from alphalang.plan import build_plan, parse_module
    >>> from alphalang.backend.numba.codegen import generate
    >>> len(signature(generate(build_plan(parse_module("a = close - open")))))  # 6 ints, 2 fields, 10 more
    18
    """
    from numba import types

    index, rows = types.int64, types.float64[:, ::1]
    labels = types.Array(types.int64, 3, "C", readonly=bool(kernel.groups))  # as ``dense_groups`` passes them
    return ((index,) * 6 + (rows,) * len(kernel.fields)
            + (labels, index, types.float64[:, :, ::1], rows, types.float64[::1], types.int64[::1],
               types.int64[::1], types.int64[::1], types.int64[:, ::1], types.float64[::1]))


def _field_arg(values: np.ndarray) -> np.ndarray:
    """A field as the kernel takes it: C-contiguous, writable float64 (a read-only array, e.g. a view of a file's
    data, would otherwise be another signature and compile the kernel again)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    return values if values.flags.writeable else values.copy()


def run(kernel: Kernel, fn, fields: dict[str, np.ndarray], groups: dict[str, np.ndarray],
        shape: tuple[int, int], threads: int = 1) -> dict[str, np.ndarray]:
    """Evaluate every output over the whole panel; returns (T, N) views into one output block."""
    t, n = shape
    check_inputs(kernel, fields, groups, shape)
    field_args = [_field_arg(fields[name]) for name in kernel.fields]
    stacked, n_groups = dense_groups(kernel, groups, shape)
    out = np.empty((len(kernel.outputs), t, n))
    prog, consts = tables(kernel, t)

    def part(rows_from: int, start: int, stop: int, c0: int, width: int) -> None:
        """Rows ``rows_from..stop-1`` of columns ``c0..c0+width-1``, outputs from row ``start`` on, fresh state."""
        fo, io = layout(kernel, width, t)
        fs, is_ = new_state(kernel, width, t)
        rows = np.empty((max(kernel.n_rows, 1), width))
        fn(0, rows_from, stop, start, width, c0, *field_args, stacked, n_groups, out, rows, fs, is_, fo, io, prog,
           consts)

    def chunk(bounds: tuple[int, int]) -> None:  # rows start..stop-1 of every asset, after a halo
        start, stop = bounds
        part(0 if start == 0 else max(0, start - kernel.halo), start, stop, 0, n)

    def block(bounds: tuple[int, int]) -> None:  # every row of assets a..b-1
        a, b = bounds
        part(0, 0, t, a, b - a)

    blocks = asset_blocks(n, threads, kernel)  # no halo to re-read: preferred wherever it is exact
    bounds, work = (blocks, block) if blocks else (chunks(t, threads, kernel), chunk)
    if len(bounds) == 1:
        work(bounds[0])
    else:
        with ThreadPoolExecutor(len(bounds)) as pool:
            list(pool.map(work, bounds))
    return {name: out[k] for k, name in enumerate(kernel.outputs)}


def asset_blocks(n: int, threads: int, kernel: Kernel) -> list[tuple[int, int]]:
    """Asset ranges, one per thread, for a kernel that never reads across assets (``Family.per_asset``: no row or
    group family, no group labels, no hump): each asset's values depend on its own column only, so blocks of
    columns give exactly one run's bits, with no halo (time chunks re-read one) and for unbounded windows too
    (ts_ema, ts_cumsum: time cannot split). Empty when that does not hold or N is small.

    >>> from alphalang.plan import build_plan, parse_module
    >>> from alphalang.backend.numba.codegen import generate
    >>> asset_blocks(500, 2, generate(build_plan(parse_module("a = ts_ema(close, 5)"))))
    [(0, 250), (250, 500)]
    >>> asset_blocks(500, 2, generate(build_plan(parse_module("a = rank(ts_ema(close, 5))"))))
    []
    """
    per_asset = all(FAMILIES[row[0]].per_asset(row[1]) for row in kernel.table) and not kernel.groups
    if threads <= 1 or not per_asset or n < threads * MIN_ASSETS_PER_THREAD:
        return []
    edges = np.linspace(0, n, threads + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def chunks(t: int, threads: int, kernel: Kernel) -> list[tuple[int, int]]:
    """Row ranges, one per thread (one range when threads=1, for ts_ema, or for short panels)."""
    if threads <= 1 or kernel.has_unbounded or t < threads * max(MIN_ROWS_PER_THREAD, 2 * kernel.halo):
        return [(0, t)]
    edges = np.linspace(0, t, threads + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]
