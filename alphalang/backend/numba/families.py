"""The numba backend's kernel families and which family and mode lowers each operator: declared once, here.

A family is one module under ``alphalang.backend.numba.kernels``; its modes are named in code order (mode
constant = index), and the family's code in the node table is its index in ``FAMILIES``. ``LOWERING`` is the
one table saying which family and mode evaluates each non-elementwise registry ``lowering`` name (elementwise
operators lower through their registry template). Everything else (``kernels.table``'s dispatch constants,
the executor's module lookup, ``lowering.lower``, the code generator's table rows) is derived from these.

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
from pathlib import Path

# node table columns (``kernels.table``): kernel family, mode, window, input row buffers (-1 = none), output row
# buffer, state index, output index (-1 = not an output), group level, index into ``consts``, direct write
COLUMNS = ("family", "mode", "window", "in0", "in1", "out", "state", "output", "level", "const", "direct")
# state kernel with a window d (the node's first static); state kernel without a window (recursions such as ts_ema);
# one row; one row by group
KINDS = ("window", "state", "row", "group")


@dataclass(frozen=True)
class Family:
    """One hand-written kernel family: its module name, what kind of node it evaluates, its modes in order, and
    (stateful families) its state size: ``state_size(n, d) -> (float words, int words)`` for N assets and a
    window of d rows (the module's own ``state_size``, which lays the state out; tests check they agree)."""

    name: str
    kind: str
    modes: tuple[str, ...] = ()
    state_size: Callable[[int, int], tuple[int, int]] | None = None
    # the node's constants in the ``consts`` array (read from ``consts[const]`` on): default, its statics after the
    # window (window kind) or all of them, a CHOICE string as its index in ``Param.choices``
    consts: Callable[[tuple], tuple[float, ...]] | None = None

    @property
    def module(self) -> str:
        return f"alphalang.backend.numba.kernels.{self.name}"

    @property
    def stateful(self) -> bool:
        return self.state_size is not None

    def window(self, params: tuple) -> int:
        """The node's window in rows (window kind: its first static), else 0."""
        return int(params[0]) if self.kind == "window" else 0

    def mode_code(self, mode: str | None) -> int:
        """The mode's constant (its index); 0 for a family with one statistic (``mode`` None)."""
        return 0 if mode is None else self.modes.index(mode)


TSRANK_SCAN_MAX = 2000  # ts_rank keeps a sorted copy of windows longer than this (``kernels.tsrank.SCAN_MAX``)

FAMILIES: tuple[Family, ...] = (
    Family("shift", "window", ("DELAY", "DELTA"), lambda n, d: (d * n, 0)),
    Family("moments", "window", ("SUM", "MEAN", "VAR", "STD", "ZSCORE", "SKEW", "KURT"),
           lambda n, d: (d * n + 6 * n, 2 * n)),
    Family("comoments", "window", ("COV", "CORR"), lambda n, d: (2 * d * n + 9 * n, 3 * n)),
    Family("linear", "window", ("DECAY", "SLOPE", "RSQUARE", "RESID"), lambda n, d: (d * n + 5 * n, 2 * n)),
    Family("extrema", "window", ("MAX", "MIN", "ARGMAX", "ARGMIN", "ARGMAX_DAYS", "ARGMIN_DAYS"),
           lambda n, d: (2 * d * n + n, n)),
    Family("product", "window", ("PRODUCT",), lambda n, d: (2 * d * n + n, n)),
    Family("tsrank", "window", ("RANK",), lambda n, d: ((d if d <= TSRANK_SCAN_MAX else 2 * d) * n, n)),
    Family("ema", "state", (), lambda n, d: (2 * n, 0), consts=lambda p: (0.5 ** (1.0 / float(p[0])),)),
    Family("crosssection", "row", ("rank", "scale", "zscore")),
    Family("group", "group", ("MEAN", "NEUTRALIZE", "ZSCORE", "RANK")),
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
    "rank": ("crosssection", "rank"), "scale": ("crosssection", "scale"), "cs_zscore": ("crosssection", "zscore"),
    "indneutralize": ("group", "NEUTRALIZE"), "group_mean": ("group", "MEAN"), "group_rank": ("group", "RANK"),
    "group_zscore": ("group", "ZSCORE"),
}

KERNELS_DIR = Path(__file__).resolve().parent / "kernels"


def _fingerprint() -> str:
    """A hash of every kernel module's source and of this declaration."""
    h = hashlib.sha256()
    for path in [*sorted(KERNELS_DIR.glob("*.py")), Path(__file__).resolve()]:
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


# numba keys a cached function on its own file only, but a cached caller embeds its callees' machine code (and
# ``kernels.table.run`` the family codes above): this fingerprint names the cache subdirectory, so no caller
# keeps stale callees. It is also part of every generated kernel's source, hence of its cache key.
FINGERPRINT = _fingerprint()
