"""The numba backend's kernel families and which family and mode lowers each operator: declared once, here.

A family is one module under ``alphalang.backend.numba.kernels``; its modes are named in code order (mode
constant = index), and the family's code in the node table is its index in ``FAMILIES``. ``LOWERING`` is the
one table saying which family and mode evaluates each non-elementwise registry ``lowering`` name (elementwise
operators lower through their registry template). Everything else (``kernels.table``'s runner per family and
mode constants, the executor's module lookup, ``lowering.lower``, the code generator's table rows and the
runners a generated kernel calls) is derived from these.

This module imports no numba, so code generation (``alphalang explain --kernel``) compiles no kernel family;
it also computes ``FINGERPRINT``, the hash of the kernel sources and of this declaration (the compiled
dispatch embeds its codes).

Example:
    >>> CODES["moments"], FAMILY["moments"].mode_code("MEAN"), FAMILY["moments"].module
    (1, 1, 'alphalang.backend.numba.kernels.moments')
    >>> LOWERING["ts_mean"]
    ('moments', 'MEAN')
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# node table columns (``kernels.table``): kernel family, mode, window, input row buffers (-1 = none), output row
# buffer, state index, output index (-1 = not an output), group level, index into ``consts``, direct write
COLUMNS = ("family", "mode", "window", "in0", "in1", "out", "state", "output", "level", "const", "direct")


class Kind(StrEnum):
    """What a kernel family evaluates (``Family.kind``); ``ELEMENTWISE``: an operator lowered through its registry
    template, which no family evaluates (``lowering.Lowering.kind``)."""

    WINDOW = "window"  # a state kernel with a window d (the node's first static)
    STATE = "state"  # a state kernel without a window (recursions such as ts_ema)
    ROW = "row"  # one row
    GROUP = "group"  # one row by group
    ELEMENTWISE = "elementwise"


WINDOW, STATE, ROW, GROUP = Kind.WINDOW, Kind.STATE, Kind.ROW, Kind.GROUP
KINDS = (WINDOW, STATE, ROW, GROUP)  # the kinds a family can have
# a mode code under the NaN policy skip: mode + SKIP_STRIDE * min_periods (``Family.mode_code``); above any mode index
SKIP_STRIDE = 64


@dataclass(frozen=True)
class Family:
    """One hand-written kernel family: its module name, what kind of node it evaluates, its modes in order, and
    (stateful families) its state size: ``state_size(n, d) -> (float words, int words)`` for N assets and a
    window of d rows (the module's own ``state_size``, which lays the state out; tests check they agree)."""

    name: str
    kind: Kind
    modes: tuple[str, ...] = ()
    state_size: Callable[[int, int], tuple[int, int]] | None = None
    # the node's constants in the ``consts`` array (read from ``consts[const]`` on): default, its statics after the
    # window (window kind) or all of them, a CHOICE string as its index in ``Param.choices``
    consts: Callable[[tuple], tuple[float, ...]] | None = None
    # whether its kernel computes its statistics under the NaN policy skip too (``mode_code(mode, periods)``)
    skip: bool = False
    # what its runner (``kernels.table.runner_source``) does with one node-table row: Python statements over the
    # runner's locals (``RUNNER_LOCALS``), the family modules and ``const(consts, k, default)``; default: the
    # window family's ``push(f, i, t, d, mode, x, dst)``
    call: str = ""
    # the modes whose nodes read other assets' values of their rows (hump's limit sums the row), True: every node
    # (a window family over group labels: group_backfill); row and group kinds always do
    across_assets: bool | tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.name.islower():  # it names a module and generated identifiers
            raise ValueError(f"kernel family name {self.name!r} is not a lower-case identifier")

    @property
    def statement(self) -> str:
        """The runner's statement(s) for one node-table row (``call``, or the window family's ``push``)."""
        return self.call or f"{self.name}.push(f, i, t, d, mode, x, dst)"

    @property
    def module(self) -> str:
        return f"alphalang.backend.numba.kernels.{self.name}"

    def per_asset(self, code: int) -> bool:
        """Whether a node of mode ``code`` gives each asset values from its own column only
        (``executor.asset_blocks``)."""
        if self.kind not in (WINDOW, STATE) or self.across_assets is True:
            return False
        return not (self.modes and self.modes[code % SKIP_STRIDE] in self.across_assets)

    @property
    def stateful(self) -> bool:
        return self.state_size is not None

    def window(self, params: tuple) -> int:
        """The node's window in rows (window kind: its first static), else 0."""
        return int(params[0]) if self.kind is WINDOW else 0

    def mode_code(self, mode: str | None, periods: int = 0) -> int:
        """The mode's constant (its index); 0 for a family with one statistic (``mode`` None). Under the NaN policy
        skip (``periods`` >= 1: the valid values a window needs) the code is ``index + SKIP_STRIDE * periods``
        (a family that declares ``skip`` decodes it with ``kernels.skipping.split``)."""
        if periods and not self.skip:
            raise ValueError(f"kernel family {self.name!r} has no nan='skip' modes")
        return (0 if mode is None else self.modes.index(mode)) + SKIP_STRIDE * periods


# the locals a family's ``call`` reads, bound by its runner for each node-table row: the row's mode, window, inputs
# x and y, destination dst, state slices f and i, constants index k (-1: none) and group level; the absolute row t,
# the row r within the call, the row buffers, the constants, the IndClass labels, their count, the row workspace
# and the kernel's first column c0 in the panel's arrays
RUNNER_LOCALS = ("mode", "d", "x", "y", "dst", "f", "i", "k", "level", "t", "r", "rows", "consts", "groups",
                 "n_groups", "ws", "c0")
_LABELS = "g, n_labels = group.labels(level, r, rows, groups, n_groups, c0); "  # a group kind's labels for row r

TSRANK_SCAN_MAX = 2000  # ts_rank keeps a sorted copy of windows longer than this (``kernels.tsrank.SCAN_MAX``)
# Windows up to this many rows are evaluated two-pass from the ring buffer (O(d), sequential oldest-first
# sums: bitwise equal to the reference). A rank or comparison downstream turns a last-ulp difference between
# mathematically equal values (ties) into a different order, so exactness matters more than O(1) there;
# longer windows use the O(1) anchored running sums (equal to the reference within ~1e-12 relative).
DIRECT_MAX = 20
# ts_mad is two-pass from a ring up to this many rows, a treap with subtree sums beyond (measured in ``kernels.mad``)
MAD_DIRECT_MAX = 3000

FAMILIES: tuple[Family, ...] = (
    Family("shift", WINDOW, ("DELAY", "DELTA"), lambda n, d: (d * n, 0)),
    Family("moments", WINDOW, ("SUM", "MEAN", "VAR", "STD", "ZSCORE", "SKEW", "KURT"),
           lambda n, d: (d * n + 6 * n, 2 * n), skip=True),
    Family("comoments", WINDOW, ("COV", "CORR"), lambda n, d: (2 * d * n + 9 * n, 3 * n), skip=True,
           call="comoments.push(f, i, t, d, mode, x, y, dst)"),
    Family("linear", WINDOW, ("DECAY", "SLOPE", "RSQUARE", "RESID"), lambda n, d: (d * n + 5 * n, 2 * n),
           skip=True),
    Family("extrema", WINDOW, ("MAX", "MIN", "ARGMAX", "ARGMIN", "ARGMAX_DAYS", "ARGMIN_DAYS"),
           lambda n, d: (2 * d * n + n, n), skip=True),
    Family("product", WINDOW, ("PRODUCT",), lambda n, d: (2 * d * n + n, n), skip=True),
    Family("tsrank", WINDOW, ("RANK",), lambda n, d: ((d if d <= TSRANK_SCAN_MAX else 2 * d) * n, n),
           skip=True),
    Family("ema", STATE, (), lambda n, d: (2 * n, n), consts=lambda p: (0.5 ** (1.0 / float(p[0])),),
           skip=True, call="ema.push(f, i, t, mode, consts[k], x, dst)"),
    Family("crosssection", ROW, ("rank", "scale", "zscore"),
           call="crosssection.push(x, mode, const(consts, k, 0.0), dst, ws)"),
    Family("group", GROUP, ("MEAN", "NEUTRALIZE", "ZSCORE", "RANK", "SUM", "MAX", "MIN", "COUNT", "STD", "SCALE",
                              "NORMALIZE", "MEDIAN", "WMEAN", "VNEUT", "VPROJ", "DENSIFY"),
           call=_LABELS + "group.push(x, y, g, mode, const(consts, k, 0.0), dst, ws, n_labels)"),
    Family("orderstat", WINDOW, ("QUANTILE", "MEDIAN"), lambda n, d: (d * n, n + 2 * d * n),  # two heaps
           skip=True, call="orderstat.push(f, i, t, d, mode, const(consts, k, 0.5), x, dst)"),  # q: ts_quantile's
    Family("mad", WINDOW, ("MAD",),
           lambda n, d: (d * n, n) if d <= MAD_DIRECT_MAX else (2 * d * n, 2 * n + 5 * d * n), skip=True),
    Family("regression", WINDOW, (), lambda n, d: (2 * d * n + 9 * n, 3 * n), skip=True,  # least squares of y on x
           call="regression.push(f, i, t, d, mode, consts[k:], x, y, dst)"),  # x: the response y, y: the regressor
    # group labels from data; CARTESIAN (no statics) reads its second labelling's source from ``consts``
    Family("groups2", ROW, ("BUCKET", "CARTESIAN"), consts=lambda p: _bucket_consts(*p) if p else (),
           call="groups2.push(x, mode, consts, k, level, r, rows, groups, n_groups, c0, dst)"),
    Family("groupfill", WINDOW, (), lambda n, d: (d * n, 0), across_assets=True,  # group_backfill: ring of d rows
           call=_LABELS + "groupfill.push(f, i, t, d, const(consts, k, 0.0), x, g, n_labels, dst)"),
    Family("expo", STATE, ("SPAN", "ALPHA", "HALFLIFE", "SMA"), lambda n, d: (2 * n, n),  # EMA recursions
           skip=True, call="expo.push(f, i, t, mode, consts[k:], x, dst)"),
    Family("expwindow", WINDOW, (), lambda n, d: (d * n + 4 * n, 2 * n), skip=True,  # exponential window mean
           call="expwindow.push(f, i, t, d, mode, consts[k:], x, dst)"),
    Family("rowstats", ROW, ("MEAN", "STD", "MIN", "MAX", "SUM", "COUNT", "MEDIAN", "WINSORIZE", "NORMALIZE",
                               "TRUNCATE", "SCALE_DOWN", "QUANTILE", "SCALE", "REG_NEUT", "REG_PROJ", "VEC_NEUT",
                               "VEC_PROJ", "DIFF_WSUM"),  # cross-sectional clean-up (in0, in1 from REG_NEUT on)
           call="rowstats.push(x, y, mode, consts, k, dst, ws)"),
    # missing values and stateful operators: look-back windows over missing values; recursions without a window
    Family("history", WINDOW, ("COUNT_NANS", "BACKFILL", "KTH", "LAST_DIFF"),
           lambda n, d: (d * n + 2 * n, d * n + 3 * n),
           call="history.push(f, i, t, d, mode, consts[max(k, 0):], x, dst)"),  # k: ts_backfill's, kth_element's
    Family("recursion", STATE, ("HOLD", "HUMP", "DAYS", "CUMSUM", "STEP", "DELTA_LIMIT"), lambda n, d: (n, n),
           across_assets=("HUMP",),
           call="recursion.push(f, i, t, mode, consts[max(k, 0):], x, y, dst)"),  # hold reads y; hump's constant
    Family("drawdown", WINDOW, ("MAX_DRAWDOWN",), lambda n, d: (d * n, n),  # ts_max_drawdown: a ring, O(d)
           skip=True),
)
FAMILY = {f.name: f for f in FAMILIES}
CODES = {f.name: code for code, f in enumerate(FAMILIES)}  # a family's code in the node table

# registry ``lowering`` name -> (family, mode); one line per non-elementwise operator
LOWERING: dict[str, tuple[str, str | None]] = {
    "delay": ("shift", "DELAY"), "delta": ("shift", "DELTA"),
    "ts_sum": ("moments", "SUM"), "ts_mean": ("moments", "MEAN"), "ts_var": ("moments", "VAR"),
    "ts_std": ("moments", "STD"), "ts_zscore": ("moments", "ZSCORE"), "ts_skew": ("moments", "SKEW"),
    "ts_kurt": ("moments", "KURT"),
    "ts_cov": ("comoments", "COV"), "ts_corr": ("comoments", "CORR"),
    "decay_linear": ("linear", "DECAY"), "ts_slope": ("linear", "SLOPE"), "ts_rsquare": ("linear", "RSQUARE"),
    "ts_resid": ("linear", "RESID"),
    "ts_max": ("extrema", "MAX"), "ts_min": ("extrema", "MIN"), "ts_argmax": ("extrema", "ARGMAX"),
    "ts_argmin": ("extrema", "ARGMIN"), "ts_arg_max_days": ("extrema", "ARGMAX_DAYS"),
    "ts_arg_min_days": ("extrema", "ARGMIN_DAYS"),
    "ts_product": ("product", "PRODUCT"),
    "ts_rank": ("tsrank", "RANK"),
    "ts_ema": ("ema", None),
    "rank": ("crosssection", "rank"), "scale": ("rowstats", "SCALE"), "cs_zscore": ("crosssection", "zscore"),
    "indneutralize": ("group", "NEUTRALIZE"), "group_mean": ("group", "MEAN"), "group_rank": ("group", "RANK"),
    "group_zscore": ("group", "ZSCORE"),
    # order statistics
    "ts_quantile": ("orderstat", "QUANTILE"), "ts_median": ("orderstat", "MEDIAN"), "ts_mad": ("mad", "MAD"),
    "ts_max_drawdown": ("drawdown", "MAX_DRAWDOWN"),
    # groups (group statistics, labels computed from data)
    "group_sum": ("group", "SUM"), "group_max": ("group", "MAX"), "group_min": ("group", "MIN"),
    "group_count": ("group", "COUNT"), "group_std_dev": ("group", "STD"), "group_scale": ("group", "SCALE"),
    "group_normalize": ("group", "NORMALIZE"), "group_median": ("group", "MEDIAN"), "group_wmean": ("group", "WMEAN"),
    "group_vector_neut": ("group", "VNEUT"), "group_vector_proj": ("group", "VPROJ"), "densify": ("group", "DENSIFY"),
    "bucket": ("groups2", "BUCKET"), "group_cartesian_product": ("groups2", "CARTESIAN"),
    "group_backfill": ("groupfill", None),
    # exponential
    "ts_ema_span": ("expo", "SPAN"), "ts_ema_alpha": ("expo", "ALPHA"), "ts_ema_halflife": ("expo", "HALFLIFE"),
    "ts_sma_gtja": ("expo", "SMA"), "ts_decay_exp_window": ("expwindow", None),
    # regression over time (ts_regression, regbeta, regresi are compositions of it)
    "ts_regression_core": ("regression", None),
    # cross-sectional clean-up
    "cs_mean": ("rowstats", "MEAN"), "cs_std": ("rowstats", "STD"), "cs_min": ("rowstats", "MIN"),
    "cs_max": ("rowstats", "MAX"), "cs_sum": ("rowstats", "SUM"), "cs_count": ("rowstats", "COUNT"),
    "cs_median": ("rowstats", "MEDIAN"), "winsorize": ("rowstats", "WINSORIZE"), "normalize": ("rowstats", "NORMALIZE"),
    "truncate": ("rowstats", "TRUNCATE"), "scale_down": ("rowstats", "SCALE_DOWN"),
    "quantile": ("rowstats", "QUANTILE"),
    "regression_neut": ("rowstats", "REG_NEUT"), "regression_proj": ("rowstats", "REG_PROJ"),
    "vector_neut": ("rowstats", "VEC_NEUT"), "vector_proj": ("rowstats", "VEC_PROJ"),
    "cs_diff_weighted_sum": ("rowstats", "DIFF_WSUM"),
    # missing values and stateful operators
    "ts_count_nans": ("history", "COUNT_NANS"), "ts_backfill": ("history", "BACKFILL"),
    "kth_element": ("history", "KTH"), "last_diff_value": ("history", "LAST_DIFF"),
    "hold": ("recursion", "HOLD"), "hump": ("recursion", "HUMP"), "days_from_last_change": ("recursion", "DAYS"),
    "ts_cumsum": ("recursion", "CUMSUM"), "ts_step": ("recursion", "STEP"),
    "ts_delta_limit": ("recursion", "DELTA_LIMIT"),
}


def _bucket_consts(*params) -> tuple[float, ...]:
    """bucket's constants (``reference.groups.bucket_consts``, read by ``kernels.groups2.bucket``)."""
    from alphalang.backend.reference.groups import bucket_consts

    return bucket_consts(*params)


KERNELS_DIR = Path(__file__).resolve().parent / "kernels"


def _fingerprint() -> str:
    """A hash of every kernel module's source and of this declaration."""
    h = hashlib.sha256()
    for path in [*sorted(KERNELS_DIR.glob("*.py")), Path(__file__).resolve()]:
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


# numba keys a cached function on its own file only, but a cached caller embeds its callees' machine code (and
# ``kernels.table``'s runners the mode codes above): this fingerprint names the cache subdirectory, so no caller
# keeps stale callees. It is also part of every generated kernel's source, hence of its cache key.
FINGERPRINT = _fingerprint()
