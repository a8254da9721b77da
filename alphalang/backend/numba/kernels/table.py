"""Run a stretch of one kernel family's nodes for one row, described by a table.

The generated kernel fuses elementwise nodes into loops, and hands every consecutive run of one stateful or
row-wide family's nodes to that family's runner ``run_<family>`` as rows ``a..b-1`` of an int64 table. Compiling
one call per *run* instead of one typed call per *node* keeps numba's per-call-site typing and LLVM work
(argument structs, reference counts, slices) out of the generated code. Each runner (and its family's module)
is compiled the first time a kernel needs its family (``callers``), then cached in alphalang's cache directory
(see ``cache``): a program compiles only the families it lowers to, not all of them.

Table columns (``families.COLUMNS``): kernel family, mode, window, input row buffers (-1 = none), output row buffer,
state index, output index (-1 = not an output), group level, index into ``consts`` (ts_ema's decay, scale's a),
and ``direct``: 1 when the node is an output nothing else reads, so on kept rows it writes straight into the
output array instead of a row buffer that is then copied (a copy of every output cell: ~25% of a one-operator
program's time).

Example:
    >>> from alphalang.backend.numba.families import COLUMNS
    >>> COLUMNS[:3]
    ('family', 'mode', 'window')
    >>> symbol("moments") == f"alphalang_run_moments_{FINGERPRINT}"
    True
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable

import llvmlite.binding as llvm_binding
import numpy as np
from numba import njit
from numba import types as _t
from numba.core import cgutils
from numba.core.registry import CPUDispatcher
from numba.extending import intrinsic

from alphalang.backend.numba.families import FAMILY
from alphalang.backend.numba.kernels import FINGERPRINT, JIT_OPTIONS, WORKSPACE, quiet_objmode

# Mode constants the runners branch on, taken from the one declaration (``families``); numba freezes them.
CARTESIAN = FAMILY["groups2"].mode_code("CARTESIAN")
RANK, SCALE = (FAMILY["crosssection"].mode_code(m) for m in ("rank", "scale"))

_F2 = _t.float64[:, ::1]
_SIG = _t.void(_t.int64[:, ::1], _t.int64, _t.int64, _t.int64, _t.int64, _t.boolean, _F2, _t.float64[::1],
               _t.int64[::1], _t.int64[::1], _t.int64[::1], _t.float64[::1], _t.int64[:, :, ::1], _t.int64,
               WORKSPACE, _t.float64[:, :, ::1])


@njit(inline="always", **JIT_OPTIONS)
def labels(level, r, rows, groups, n_groups):
    """Row ``r``'s group labels and their count: ``level`` >= 0 an IndClass level of ``groups``, < 0 the row
    buffer -level-1 holding a label-valued operator's output (bucket, densify), renumbered to 0..k-1 (k <= N)."""
    if level >= 0:
        return groups[level, min(r, groups.shape[1] - 1)], n_groups
    g = np.empty(rows.shape[1], np.int64)
    return g, group.row_labels(rows[-level - 1], g)  # noqa: F821 - the family module, bound by ``runner``


@njit(inline="always", **JIT_OPTIONS)
def node(prog, p, keep, r, rows, fs, is_, fo, io, out):
    """Table row ``p``: its mode, window, input rows x and y, destination (the output row itself on kept rows
    when ``direct``, else its row buffer) and its state slices (empty for a stateless node)."""
    k = prog[p, 6]
    dst = out[prog[p, 7], r] if keep and prog[p, 10] == 1 else rows[prog[p, 5]]
    return (prog[p, 1], prog[p, 2], rows[prog[p, 3]], rows[max(prog[p, 4], 0)], dst, fs[fo[k] : fo[k + 1]],
            is_[io[k] : io[k + 1]])


@njit(inline="always", **JIT_OPTIONS)
def store(prog, p, keep, r, dst, out):
    """On kept rows, copy an output node's value into its output row unless it was written there directly."""
    if keep and prog[p, 7] >= 0 and prog[p, 10] != 1:
        out[prog[p, 7], r, :] = dst


# ---- one runner per family (``run_<family>``): the family's call for each of table rows a..b-1 ----------------
# The family modules are names bound by ``runner`` when the family is first needed (importing one compiles it).
# ruff: noqa: F821


def run_shift(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        shift.push(f, i, t, d, mode, x, dst)
        store(prog, p, keep, r, dst, out)


def run_moments(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        moments.push(f, i, t, d, mode, x, dst)
        store(prog, p, keep, r, dst, out)


def run_comoments(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, y, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        comoments.push(f, i, t, d, mode, x, y, dst)
        store(prog, p, keep, r, dst, out)


def run_linear(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        linear.push(f, i, t, d, mode, x, dst)
        store(prog, p, keep, r, dst, out)


def run_extrema(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        extrema.push(f, i, t, d, mode, x, dst)
        store(prog, p, keep, r, dst, out)


def run_product(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        product.push(f, i, t, d, mode, x, dst)
        store(prog, p, keep, r, dst, out)


def run_tsrank(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        tsrank.push(f, i, t, d, mode, x, dst)
        store(prog, p, keep, r, dst, out)


def run_ema(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, _, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        ema.push(f, i, t, mode, consts[prog[p, 9]], x, dst)
        store(prog, p, keep, r, dst, out)


def run_crosssection(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, _, x, _, dst, _, _ = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        if mode == RANK:
            crosssection.rank(x, dst, ws)
        elif mode == SCALE:
            crosssection.scale(x, consts[prog[p, 9]], dst)
        else:
            crosssection.zscore(x, dst)
        store(prog, p, keep, r, dst, out)


def run_group(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, _, x, y, dst, _, _ = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        c = consts[prog[p, 9]] if prog[p, 9] >= 0 else 0.0
        g, n_labels = labels(prog[p, 8], r, rows, groups, n_groups)
        group.push(x, y, g, mode, c, dst, ws, n_labels)
        store(prog, p, keep, r, dst, out)


def run_orderstat(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):  # ts_quantile's q is its constant; the other modes have none
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        q = consts[prog[p, 9]] if prog[p, 9] >= 0 else 0.5
        orderstat.push(f, i, t, d, mode, q, x, dst)
        store(prog, p, keep, r, dst, out)


def run_mad(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        mad.push(f, i, t, d, mode, x, dst)
        store(prog, p, keep, r, dst, out)


def run_regression(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):  # x: the response y, y: the regressor
        mode, d, x, y, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        regression.push(f, i, t, d, mode, consts[prog[p, 9] :], x, y, dst)
        store(prog, p, keep, r, dst, out)


def run_groups2(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, _, x, _, dst, _, _ = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        if mode == CARTESIAN:  # the second labelling's source is its constant (``codegen``)
            g, _ = labels(prog[p, 8], r, rows, groups, n_groups)
            g2, n2 = labels(int(consts[prog[p, 9]]), r, rows, groups, n_groups)
            groups2.cartesian(g, g2, n2, dst)
        else:
            groups2.bucket(x, consts, prog[p, 9], dst)
        store(prog, p, keep, r, dst, out)


def run_groupfill(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        _, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        c = consts[prog[p, 9]] if prog[p, 9] >= 0 else 0.0
        g, n_labels = labels(prog[p, 8], r, rows, groups, n_groups)
        groupfill.push(f, i, t, d, c, x, g, n_labels, dst)
        store(prog, p, keep, r, dst, out)


def run_expo(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, _, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        expo.push(f, i, t, mode, consts[prog[p, 9] :], x, dst)
        store(prog, p, keep, r, dst, out)


def run_expwindow(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        expwindow.push(f, i, t, d, mode, consts[prog[p, 9] :], x, dst)
        store(prog, p, keep, r, dst, out)


def run_rowstats(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):  # cross-sectional clean-up; its constants start at consts[prog[p, 9]]
        mode, _, x, y, dst, _, _ = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        rowstats.push(x, y, mode, consts, prog[p, 9], dst, ws)
        store(prog, p, keep, r, dst, out)


def run_history(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):  # ts_backfill's and kth_element's k is its constant
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        history.push(f, i, t, d, mode, consts[max(prog[p, 9], 0) :], x, dst)
        store(prog, p, keep, r, dst, out)


def run_recursion(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):  # hold reads two inputs; hump's constant is its hump
        mode, _, x, y, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        recursion.push(f, i, t, mode, consts[max(prog[p, 9], 0) :], x, y, dst)
        store(prog, p, keep, r, dst, out)


def run_drawdown(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    for p in range(a, b):
        mode, d, x, _, dst, f, i = node(prog, p, keep, r, rows, fs, is_, fo, io, out)
        drawdown.push(f, i, t, d, mode, x, dst)
        store(prog, p, keep, r, dst, out)


@njit(**JIT_OPTIONS)
def no_workspace(n, n_groups):
    """The row kernels' workspace (``crosssection.workspace``'s types) for a kernel whose families use none: no
    row-kernel module is imported (nor compiled) for it."""
    i, f = np.empty(0, np.int64), np.empty(0)
    return i, f, i, f, i, f, i


# ---- calling a runner without linking it -------------------------------------------------------------------
# A generated kernel that called a runner directly would link (and re-optimise, and re-emit) the IR of its
# kernel family: seconds per generated kernel, however small. Instead each runner's machine code is published
# under a stable symbol name (``symbol``) and the generated kernel calls it through an intrinsic (``callers``)
# that declares that symbol and calls it with numba's calling convention, so a generated kernel's module holds
# only its own code (and its cached object code resolves the symbol in a new process, where executing the
# kernel's source publishes it again, before numba loads the kernel).

_RUNNERS: dict[str, CPUDispatcher] = {}
_CALLERS: dict[str, Callable] = {}
_LOCK = threading.Lock()  # one compile and one published symbol per family, whichever thread asks first


def symbol(family: str) -> str:
    """The symbol a family's runner is published under (the kernels' fingerprint in it: no stale code)."""
    return f"alphalang_run_{family}_{FINGERPRINT}"


def _bind_modules(fn: Callable) -> None:
    """Import the family modules ``fn`` (or a helper it calls here) names, as the globals numba resolves."""
    here = globals()
    for name in fn.__code__.co_names:
        if name in FAMILY and not isinstance(here.get(name), type(sys)):
            here[name] = importlib.import_module(FAMILY[name].module)
        elif isinstance(here.get(name), CPUDispatcher) and here[name].py_func.__module__ == __name__:
            _bind_modules(here[name].py_func)


def runner(family: str) -> CPUDispatcher:
    """Family ``family``'s runner compiled for its one signature (or loaded from the cache), its family module
    imported, and its machine code published under ``symbol(family)``."""
    fn = _RUNNERS.get(family)
    if fn is None:
        py_func = globals()[f"run_{FAMILY[family].name}"]
        with quiet_objmode():  # crosssection, group and rowstats compile the SIMD sort's objmode block
            _bind_modules(py_func)
            fn = njit(**JIT_OPTIONS)(py_func)  # keeps its name: numba's cache files are table.run_<family>-*
            fn.compile(_SIG)
        fn.disable_compile()
        cres = fn.overloads[_SIG.args]
        llvm_binding.add_symbol(symbol(family), cres.library.get_pointer_to_function(cres.fndesc.llvm_func_name))
        _RUNNERS[family] = fn
    return fn


def _caller(family: str) -> Callable:
    """An intrinsic calling ``runner(family)`` through its published symbol (same arguments as the runner)."""
    name = symbol(family)

    def call(typingctx, prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
        def codegen(context, builder, signature, args):
            fnty = context.call_conv.get_function_type(_t.void, _SIG.args)
            fn = cgutils.get_or_insert_function(builder.module, fnty, name)
            context.call_conv.call_function(builder, fn, _t.void, _SIG.args, args)
            return context.get_dummy_value()

        return _SIG, codegen

    call.__name__ = call.__qualname__ = f"call_{family}"
    return intrinsic(call)


def callers(*families: str) -> tuple[Callable, ...]:
    """The intrinsics a generated kernel calls its families' runners with, one per family named, each runner
    ready (compiled or loaded, published) first. A generated kernel's source calls this for exactly the families
    its node table uses."""
    with _LOCK:
        for family in families:
            if family not in _CALLERS:
                runner(family)
                _CALLERS[family] = _caller(family)
    return tuple(_CALLERS[f] for f in families)
