"""Hand-written numba kernels, one family per module; the generated fused kernel only wires them together.

Every time-series family keeps its per-asset state in two flat slices of the program's state buffers
(``fs``: float64 words, ``is_``: int64 words) and exposes the same three pieces:

* ``state_size(n, d) -> (float_words, int_words)``   plain Python, for the layout;
* ``init(fs, is_, n, d)``                            plain numpy, fills the initial (all-missing) state;
* ``push(fs, is_, t, d, mode, x, out)``              ``@njit``: push row ``x`` (N,) of absolute row ``t`` into
  the window and write the window's value to ``out`` (N,).

Rows are time-major (one date, all assets), so every inner loop runs over contiguous assets and vectorises.
Cross-sectional and group kernels work on one row and need no state.

Example:
    >>> from alphalang.backend.numba.kernels import moments
    >>> moments.state_size(3, 5)
    (33, 6)
"""

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from numba.core.errors import NumbaWarning

from alphalang.backend.numba import cache as _cache
from alphalang.backend.numba.families import DIRECT_MAX, FINGERPRINT  # noqa: F401 - DIRECT_MAX: the kernels' import

# numba keys a cached function on its own file only: FINGERPRINT (``families``) names the cache subdirectory.
# The cache lives under alphalang's cache directory (never in the package); ``cache`` is False when it cannot be
# trusted.
JIT_OPTIONS = {"cache": _cache.install(FINGERPRINT), "nogil": True, "error_model": "numpy"}


# The O(1) running sums are recomputed from the ring every d rows and, at once, when an outgoing value's square
# exceeds the sum of squares that stays by this factor: a value that large leaves a rounding residue of up to
# ~d ulps of itself, which the bound keeps below ~1e-11 of what stays (docs/kernels.md).
CANCELLATION = 1e3



@contextmanager
def quiet_objmode() -> Iterator[None]:
    """Silence, while alphalang compiles, numba's warning that an ``objmode`` block (the SIMD row sort in
    ``crosssection``, which re-takes the GIL for ~0.2 us) prevents parallel execution: users would see it on
    every cold start. The process's warning filters are restored on exit.

    Example:
        >>> before = list(warnings.filters)
        >>> with quiet_objmode():
        ...     pass
        >>> warnings.filters == before
        True
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Code running in object mode won't allow parallel execution",
                                category=NumbaWarning)
        yield


# One compiled version per family, whatever the window: literal windows and modes would otherwise specialise
# (and recompile, and re-optimise) a kernel for every distinct constant at every call site.
from numba import types as _t  # noqa: E402

ROW = _t.float64[::1]
IROW = _t.int64[::1]
WORKSPACE = _t.Tuple((IROW, ROW, IROW, ROW, IROW, ROW, IROW))
WINDOW_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, _t.int64, ROW, ROW)
WINDOW_PUSH2 = _t.void(ROW, IROW, _t.int64, _t.int64, _t.int64, ROW, ROW, ROW)
ORDERSTAT_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, _t.int64, _t.float64, ROW, ROW)  # + the quantile q
EMA_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, _t.float64, ROW, ROW)  # t, mode, decay
HISTORY_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, _t.int64, ROW, ROW, ROW)  # t, d, mode, constants, x, out
RECURSION_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, ROW, ROW, ROW, ROW)  # t, mode, constants, x, y, out
EXPO_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, ROW, ROW, ROW)  # mode, the node's constants
EXPWINDOW_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, _t.int64, ROW, ROW, ROW)  # + the node's constants
REGRESSION_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, _t.int64, ROW, ROW, ROW, ROW)  # consts, y, x
RANK_ROW = _t.void(ROW, ROW, WORKSPACE)
SCALE_ROW = _t.void(ROW, _t.float64, ROW)
ZSCORE_ROW = _t.void(ROW, ROW)
ROWSTATS_ROW = _t.void(ROW, ROW, _t.int64, ROW, _t.int64, ROW, WORKSPACE)  # x, y, mode, consts, const, out
GROUP_ROW = _t.void(ROW, ROW, IROW, _t.int64, _t.float64, ROW, WORKSPACE, _t.int64)  # x, y, labels, mode, c
BUCKET_ROW = _t.void(ROW, ROW, _t.int64, ROW)  # x, consts, index of the first, out
GROUPFILL_PUSH = _t.void(ROW, IROW, _t.int64, _t.int64, _t.float64, ROW, IROW, _t.int64, ROW)  # + std, x, labels, G
