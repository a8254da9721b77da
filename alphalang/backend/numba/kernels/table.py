"""Run a stretch of time-series / cross-sectional / group nodes for one row, described by a table.

The generated kernel fuses elementwise nodes into loops, and hands every consecutive run of stateful or
row-wide nodes to ``run`` as rows ``a..b-1`` of an int64 table. Compiling one call per *run* instead of one
typed call per *node* keeps numba's per-call-site typing and LLVM work (argument structs, reference counts,
slices) out of the generated code: the cold compile of all 101 alphas goes from minutes to seconds, and this
function is compiled once per machine (cached in alphalang's cache directory, see ``cache``).

Table columns (``families.COLUMNS``): kernel family, mode, window, input row buffers (-1 = none), output row buffer,
state index, output index (-1 = not an output), group level, index into ``consts`` (ts_ema's decay, scale's a),
and ``direct``: 1 when the node is an output nothing else reads, so on kept rows it writes straight into the
output array instead of a row buffer that is then copied (a copy of every output cell: ~25% of a one-operator
program's time).

Example:
    >>> from alphalang.backend.numba.families import COLUMNS
    >>> COLUMNS[:3]
    ('family', 'mode', 'window')
"""

from __future__ import annotations

import llvmlite.binding as llvm_binding
import numpy as np
from numba import njit
from numba import types as _t
from numba.core import cgutils
from numba.extending import intrinsic

from alphalang.backend.numba.families import CODES, FAMILY
from alphalang.backend.numba.kernels import FINGERPRINT, JIT_OPTIONS, WORKSPACE, quiet_objmode

with quiet_objmode():  # crosssection and group compile the SIMD sort's objmode block
    from alphalang.backend.numba.kernels import (
        comoments,
        crosssection,
        drawdown,
        ema,
        expo,
        expwindow,
        extrema,
        group,
        groupfill,
        groups2,
        history,
        linear,
        mad,
        moments,
        orderstat,
        product,
        recursion,
        regression,
        rowstats,
        shift,
        tsrank,
    )

# Dispatch constants, taken from the one declaration (``families``); numba freezes module globals into ``run``.
SHIFT, MOMENTS, COMOMENTS, LINEAR = CODES["shift"], CODES["moments"], CODES["comoments"], CODES["linear"]
EXTREMA, PRODUCT, TSRANK, EMA = CODES["extrema"], CODES["product"], CODES["tsrank"], CODES["ema"]
CROSSSECTION, GROUP, GROUPS2, GROUPFILL = CODES["crosssection"], CODES["group"], CODES["groups2"], CODES["groupfill"]
CARTESIAN = FAMILY["groups2"].mode_code("CARTESIAN")
RANK, SCALE, ZSCORE = (FAMILY["crosssection"].mode_code(m) for m in ("rank", "scale", "zscore"))
EXPO, EXPWINDOW, REGRESSION = CODES["expo"], CODES["expwindow"], CODES["regression"]
ORDERSTAT, MAD, DRAWDOWN = CODES["orderstat"], CODES["mad"], CODES["drawdown"]
ROWSTATS = CODES["rowstats"]
HISTORY, RECURSION = CODES["history"], CODES["recursion"]

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
    return g, group.row_labels(rows[-level - 1], g)


def run(prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    """Execute table rows a..b-1 for absolute row ``t`` (row ``r`` of the inputs); write outputs if ``keep``."""
    for p in range(a, b):
        fam = prog[p, 0]
        mode = prog[p, 1]
        d = prog[p, 2]
        x = rows[prog[p, 3]]
        y = rows[max(prog[p, 4], 0)]
        o = prog[p, 7]
        direct = keep and prog[p, 10] == 1
        dst = out[o, r] if direct else rows[prog[p, 5]]
        k = prog[p, 6]
        if fam == SHIFT:
            shift.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, dst)
        elif fam == MOMENTS:
            moments.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, dst)
        elif fam == COMOMENTS:
            comoments.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, y, dst)
        elif fam == LINEAR:
            linear.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, dst)
        elif fam == EXTREMA:
            extrema.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, dst)
        elif fam == PRODUCT:
            product.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, dst)
        elif fam == TSRANK:
            tsrank.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, dst)
        elif fam == ORDERSTAT:  # ts_quantile's q is its constant; the other modes have none
            q = consts[prog[p, 9]] if prog[p, 9] >= 0 else 0.5
            orderstat.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, q, x, dst)
        elif fam == MAD:
            mad.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, dst)
        elif fam == DRAWDOWN:
            drawdown.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, x, dst)
        elif fam == EMA:
            ema.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, mode, consts[prog[p, 9]], x, dst)
        elif fam == EXPO:
            expo.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, mode, consts[prog[p, 9] :], x, dst)
        elif fam == EXPWINDOW:
            expwindow.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, consts[prog[p, 9] :], x, dst)
        elif fam == REGRESSION:  # x: the response y, y: the regressor
            regression.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, consts[prog[p, 9] :], x, y, dst)
        elif fam == CROSSSECTION:
            if mode == RANK:
                crosssection.rank(x, dst, ws)
            elif mode == SCALE:
                crosssection.scale(x, consts[prog[p, 9]], dst)
            else:
                crosssection.zscore(x, dst)
        elif fam == GROUP or fam == GROUPFILL:
            c = consts[prog[p, 9]] if prog[p, 9] >= 0 else 0.0
            g, n_labels = labels(prog[p, 8], r, rows, groups, n_groups)
            if fam == GROUP:
                group.push(x, y, g, mode, c, dst, ws, n_labels)
            else:
                groupfill.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, c, x, g, n_labels, dst)
        elif fam == GROUPS2:
            if mode == CARTESIAN:  # the second labelling's source is its constant (``codegen``)
                g, _ = labels(prog[p, 8], r, rows, groups, n_groups)
                g2, n2 = labels(int(consts[prog[p, 9]]), r, rows, groups, n_groups)
                groups2.cartesian(g, g2, n2, dst)
            else:
                groups2.bucket(x, consts, prog[p, 9], dst)
        elif fam == ROWSTATS:  # cross-sectional clean-up; its constants start at consts[prog[p, 9]]
            rowstats.push(x, y, mode, consts, prog[p, 9], dst, ws)
        elif fam == HISTORY:  # ts_backfill's and kth_element's k is its constant
            history.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, d, mode, consts[max(prog[p, 9], 0) :],
                         x, dst)
        elif fam == RECURSION:  # hold reads two inputs; hump's constant is its hump
            recursion.push(fs[fo[k] : fo[k + 1]], is_[io[k] : io[k + 1]], t, mode, consts[max(prog[p, 9], 0) :],
                           x, y, dst)
        if keep and o >= 0 and not direct:
            out[o, r, :] = dst


run = njit(**JIT_OPTIONS)(run)  # keeps its name: numba's cache files are table.run-*
with quiet_objmode():  # compiled for its one signature only, as ``@njit(_SIG)`` would
    run.compile(_SIG)
run.disable_compile()


# ---- calling ``run`` without linking it --------------------------------------------------------------------
# A generated kernel that calls ``run`` directly would link (and re-optimise, and re-emit) the IR of every
# kernel family: ~3 s per generated kernel, however small. Instead ``run``'s machine code is published under a
# stable symbol name and ``call_run`` declares that symbol and calls it with numba's calling convention, so a
# generated kernel's module holds only its own code (and its cached object code resolves the symbol in a new
# process, where importing this module publishes it again).

SYMBOL = f"alphalang_table_run_{FINGERPRINT}"


def _publish() -> None:
    cres = run.overloads[_SIG.args]
    address = cres.library.get_pointer_to_function(cres.fndesc.llvm_func_name)
    llvm_binding.add_symbol(SYMBOL, address)


_publish()


@intrinsic
def call_run(typingctx, prog, a, b, t, r, keep, rows, fs, is_, fo, io, consts, groups, n_groups, ws, out):
    """``run(...)`` through the published symbol (same arguments)."""

    def codegen(context, builder, signature, args):
        fnty = context.call_conv.get_function_type(_t.void, _SIG.args)
        fn = cgutils.get_or_insert_function(builder.module, fnty, SYMBOL)
        context.call_conv.call_function(builder, fn, _t.void, _SIG.args, args)
        return context.get_dummy_value()

    return _SIG, codegen
