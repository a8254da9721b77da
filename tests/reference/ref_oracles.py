"""Independent oracles for every registry operator: pandas, bottleneck, scipy and plain-Python scalar math.

``ORACLES[op]`` maps an oracle label to a function taking the same arguments as ``OpSpec.reference`` and
returning ``(expected, atol)``: the expected (T, N) array and an absolute tolerance (scalar or array) on top
of the relative tolerance ``RTOL``. The semantics' NaN rules (``docs/semantics.md``) are
applied while building the expectation, never by calling the reference.

Windowed statistics are computed by laying every full window out as one column of a (d, K) matrix (built
with plain Python indexing) and asking pandas / bottleneck for the rolling statistic of length d at its last
row: each window is then evaluated from a fresh state, so no error leaks in from values that left the
window, and strictness (any NaN in the window -> NaN) is pandas' own ``min_periods=d`` rule once ±inf are
turned into NaN.

Tolerances: ``RTOL`` = 1e-9. Absolute terms are derived from the conditioning of each statistic rather than
picked by hand: a window's data is only known to a few ulps of its largest magnitude (``EPS * max|w|``);
sums, means and regressions may therefore differ by a small multiple of that; standardised statistics
(z-scores, correlations, skew, kurtosis, R^2) by that divided by the window's standard deviation (their
condition number). This matters for the ``1e8 + noise`` data, where the last ~8 digits are all there is.
Moment statistics given to pandas (var/std/cov/corr/zscore/skew/kurt) are computed on windows shifted by a
constant (their mean): mathematically a no-op for these shift-invariant statistics, but it avoids pandas'
naive ``E[xy] - E[x]E[y]`` cancellation on large offsets (which would make the oracle, not the reference,
the inaccurate one).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import bottleneck as bn
import numpy as np
import pandas as pd
import scipy.stats

from alphalang.testing.compare import assert_matches

RTOL = 1e-9
EPS = np.finfo(np.float64).eps

Oracle = Callable[..., tuple[np.ndarray, object]]
ORACLES: dict[str, dict[str, Oracle]] = {}
__all__ = ["EPS", "EXAMPLES", "ORACLES", "RTOL", "assert_matches", "clean", "example", "oracle", "window_matrix"]


# Hand-worked examples of the issue-10 categories: (op, reference arguments, expected); test_ref_examples runs
# them with its own list (every operator needs one).
EXAMPLES: list[tuple[str, tuple, np.ndarray]] = []


def example(op: str, args: tuple, expected: np.ndarray) -> None:
    """Add a hand-worked example: ``REGISTRY[op].reference(*args)`` must equal ``expected``."""
    EXAMPLES.append((op, args, np.asarray(expected, dtype=np.float64)))


def oracle(op: str, label: str):
    """Register ``fn`` as oracle ``label`` for operator ``op``."""

    def register(fn: Oracle) -> Oracle:
        ORACLES.setdefault(op, {})[label] = fn
        return fn

    return register


def clean(x) -> np.ndarray:
    """A float copy with ±inf turned into NaN (the semantics' "missing")."""
    x = np.array(x, dtype=np.float64)
    x[np.isinf(x)] = np.nan
    return x


# ---- window layout ---------------------------------------------------------------------------------------

def window_matrix(x: np.ndarray, d: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Every full window (rows t-d+1..t of column i, oldest first) as one column of a (d, K) matrix."""
    x = np.asarray(x, dtype=np.float64)
    n_rows, n_cols = x.shape
    cells = [(t, i) for t in range(d - 1, n_rows) for i in range(n_cols)]
    mat = np.empty((d, len(cells)))
    for k, (t, i) in enumerate(cells):
        mat[:, k] = [x[t - d + 1 + j, i] for j in range(d)]
    return mat, cells


def scatter(values, cells, shape) -> np.ndarray:
    out = np.full(shape, np.nan)
    for v, (t, i) in zip(np.asarray(values, dtype=np.float64).ravel(), cells, strict=True):
        out[t, i] = v
    return out


def per_window(stat: Callable[[np.ndarray], np.ndarray], *xs, d: int, shift: bool = False):
    """Apply ``stat(*matrices) -> (K,) values`` (and ``(K,)`` atol) to the cleaned windows of ``xs``."""
    shape = np.shape(xs[0])
    mats, cells = zip(*(window_matrix(clean(x), d) for x in xs), strict=True)
    cells = cells[0]
    if shift:  # shift-invariant statistics: centre each window first (see the module docstring)
        mats = tuple(m - np.array([math.fsum(c) / d if np.isfinite(c).all() else 0.0 for c in m.T]) for m in mats)
    values, atol = stat(*mats)
    return scatter(values, cells, shape), scatter(np.broadcast_to(atol, np.shape(values)), cells, shape)


def _pd_last(mat: np.ndarray, d: int, fn: Callable) -> np.ndarray:
    """``fn(DataFrame(mat).rolling(d))`` at the last row: the statistic of each whole window."""
    if mat.shape[1] == 0:
        return np.empty(0)
    return np.asarray(fn(pd.DataFrame(mat).rolling(d)).iloc[-1], dtype=np.float64)


def _magnitude(*mats) -> np.ndarray:
    """max |w| per window over all given matrices (finite entries only)."""
    mags = [np.nanmax(np.where(np.isfinite(m), np.abs(m), np.nan), axis=0, initial=0.0) for m in mats]
    return np.maximum.reduce(mags) if mags else 0.0


def _constant(mat: np.ndarray) -> np.ndarray:
    """Exactly-constant windows, by Python set size."""
    return np.array([len(set(col.tolist())) == 1 for col in mat.T], dtype=bool)


def _std(mat: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.array([np.std(c, ddof=0) if len(c) else np.nan for c in mat.T])


def _nan_if(mask, values):
    return np.where(mask, np.nan, values)


# ---- the tie rule (docs/semantics.md, "Ties") by its definition, in plain Python --------------------------
# The libraries below tie only exactly equal values; where a set holds two different values within the tie
# width, the oracle answers by the rule instead.

TIE = 2.0**-40


def _near_tie(v) -> bool:
    """Whether the finite set ``v`` holds two different values that tie (where the rule and exact ties differ)."""
    v = sorted({float(u) for u in v})
    if not v or not all(math.isfinite(u) for u in v):
        return False
    w = TIE * max(abs(v[0]), abs(v[-1]))
    return any(b - a <= w for a, b in zip(v, v[1:], strict=False))


def _tie_ranks(v) -> np.ndarray:
    """1-based ranks: values below each value's band plus half the band (itself included)."""
    v = [float(u) for u in v]
    w = TIE * max(abs(u) for u in v)
    return np.array([sum(u - x < -w for u in v) + (sum(abs(u - x) <= w for u in v) + 1) / 2 for x in v])


def _ranks(v) -> np.ndarray:
    return _tie_ranks(v) if _near_tie(v) else scipy.stats.rankdata(v, method="average")


def _with_ties(mat: np.ndarray, d: int, values, kind: str) -> np.ndarray:
    """``values`` per window column, replaced by the rule's answer in the columns that hold a near-tie."""
    out = np.array(values, dtype=np.float64)
    for j in range(mat.shape[1]):
        col = [float(u) for u in mat[:, j]]
        if not _near_tie(col):
            continue
        if kind == "rank":
            out[j] = _tie_ranks(col)[-1] / d
            continue
        best = max(col) if kind.startswith("argmax") else min(col)
        w = TIE * max(abs(u) for u in col)
        oldest = next(k for k, u in enumerate(col) if abs(u - best) <= w)
        out[j] = d - 1 - oldest if kind.endswith("days") else oldest + 1
    return out


# ---- time series: shifts ---------------------------------------------------------------------------------

@oracle("delay", "pandas shift")
def _delay(x, d):
    return pd.DataFrame(np.asarray(x, dtype=np.float64)).shift(d).to_numpy(), 0.0


@oracle("delta", "pandas shift")
def _delta(x, d):
    df = pd.DataFrame(np.asarray(x, dtype=np.float64))
    with np.errstate(all="ignore"):
        return (df - df.shift(d)).to_numpy(), 0.0


# ---- time series: windows via pandas ---------------------------------------------------------------------

def _spread_tol(x, d, values, atol, power: int):
    """Spread statistics (computed on shifted windows): the data is known to ~ulps of the *original* window
    magnitude, so std may be off by ``8 d EPS max|w|`` (var by its square); but an exactly-constant window
    must give exactly 0. ``power`` 0 keeps the given atol (not a spread statistic)."""
    if not power:
        return values, atol
    mags = per_window(lambda m: (_magnitude(m), 0.0), x, d=d)[0]
    const = per_window(lambda m: (_constant(m).astype(float), 0.0), x, d=d)[0] == 1
    atol = np.nan_to_num((8 * d * EPS * mags) ** power)
    return values, np.where(const, 0.0, atol)


def _sum_tol(mat, d):
    return 4 * d * EPS * _magnitude(mat) * d


def _pandas(name: str, fn: Callable, tol: Callable, ddof_nan: int = 0, shift: bool = False,
            const_nan: bool = False, spread: int = 0, ties: str = ""):
    """Oracle: pandas rolling statistic ``fn(rolling)`` on each window; NaN for d <= ``ddof_nan``."""

    def run(x, d):
        def stat(m):
            values = _pd_last(m, d, fn)
            if d <= ddof_nan:
                values = np.full(m.shape[1], np.nan)
            if const_nan:
                values = _nan_if(_constant(m), values)
            if ties:
                values = _with_ties(m, d, values, ties)
            return values, tol(m, d) if tol else 0.0

        return _spread_tol(x, d, *per_window(stat, x, d=d, shift=shift), spread)

    oracle(name, "pandas rolling")(run)


_pandas("ts_sum", lambda r: r.sum(), _sum_tol)
_pandas("ts_mean", lambda r: r.mean(), lambda m, d: _sum_tol(m, d) / d)
_pandas("ts_min", lambda r: r.min(), lambda m, d: 0.0)
_pandas("ts_max", lambda r: r.max(), lambda m, d: 0.0)
# variance: the data is known to ~ulps of max|w|; a constant window must give exactly 0
_pandas("ts_var", lambda r: r.var(ddof=1), None, ddof_nan=1, shift=True, spread=2)
_pandas("ts_std", lambda r: r.std(ddof=1), None, ddof_nan=1, shift=True, spread=1)
_pandas("ts_rank", lambda r: r.rank(pct=True, method="average"), lambda m, d: 0.0, ties="rank")
_pandas("ts_product", lambda r: r.apply(math.prod, raw=True), lambda m, d: 0.0)
_pandas("ts_argmax", lambda r: r.apply(lambda w: list(w).index(max(w)) + 1, raw=True), lambda m, d: 0.0,
        ties="argmax")
_pandas("ts_argmin", lambda r: r.apply(lambda w: list(w).index(min(w)) + 1, raw=True), lambda m, d: 0.0,
        ties="argmin")
_pandas("ts_arg_max_days", lambda r: r.apply(lambda w: len(w) - 1 - list(w).index(max(w)), raw=True),
        lambda m, d: 0.0, ties="argmax_days")
_pandas("ts_arg_min_days", lambda r: r.apply(lambda w: len(w) - 1 - list(w).index(min(w)), raw=True),
        lambda m, d: 0.0, ties="argmin_days")
_pandas("decay_linear", lambda r: r.apply(lambda w: np.average(w, weights=np.arange(1, len(w) + 1)), raw=True),
        lambda m, d: 4 * d * EPS * _magnitude(m))


def _data_tol(original_x, d):
    """Per-cell: a few ulps of the window's largest magnitude (before any shift)."""
    mat, cells = window_matrix(clean(original_x), d)
    return scatter(8 * d * EPS * _magnitude(mat), cells, np.shape(original_x))


def _standardised(tol_scale: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Data error divided by the window spread: the error scale of a standardised statistic."""
    with np.errstate(all="ignore"):
        return np.where(spread > 0, tol_scale / spread, 0.0)


@oracle("ts_zscore", "pandas rolling")
def _ts_zscore(x, d):
    def stat(m):
        mean = _pd_last(m, d, lambda r: r.mean())
        std = _pd_last(m, d, lambda r: r.std(ddof=1))
        with np.errstate(all="ignore"):
            z = (m[-1] - mean) / std if m.shape[1] else np.empty(0)
        return _nan_if(_constant(m), z if d > 1 else np.full(m.shape[1], np.nan)), np.zeros(m.shape[1])

    z, _ = per_window(stat, x, d=d, shift=True)
    spread, _ = per_window(lambda m: (_pd_last(m, d, lambda r: r.std(ddof=1)), 0.0), x, d=d, shift=True)
    return z, 4 * _standardised(_data_tol(x, d), spread) * (1 + np.abs(np.nan_to_num(z)))


def _moment_oracle(name: str, label: str, fn: Callable, min_d: int):
    def run(x, d):
        def stat(m):
            values = fn(m, d) if m.shape[1] else np.empty(0)
            if d < min_d:
                values = np.full(m.shape[1], np.nan)
            return _nan_if(_constant(m), values), 0.0

        values, _ = per_window(stat, x, d=d, shift=True)
        spread, _ = per_window(lambda m: (_std(m), 0.0), x, d=d, shift=True)
        # skew/kurt move by O(d) standardised units per unit of standardised data error
        return values, 8 * d * _standardised(_data_tol(x, d), spread) * (1 + np.abs(np.nan_to_num(values)))

    oracle(name, label)(run)


with np.errstate(all="ignore"):
    _moment_oracle("ts_skew", "pandas rolling", lambda m, d: _pd_last(m, d, lambda r: r.skew()), 3)
    _moment_oracle("ts_kurt", "pandas rolling", lambda m, d: _pd_last(m, d, lambda r: r.kurt()), 4)
    _moment_oracle("ts_skew", "scipy.stats.skew", lambda m, d: scipy.stats.skew(m, axis=0, bias=False), 3)
    _moment_oracle("ts_kurt", "scipy.stats.kurtosis",
                   lambda m, d: scipy.stats.kurtosis(m, axis=0, bias=False, fisher=True), 4)


def _pair_oracle(name: str, fn: Callable, standardised: bool):
    def run(x, y, d):
        def stat(a, b):
            values = _pd_last(a, d, lambda r: fn(r, pd.DataFrame(b))) if a.shape[1] else np.empty(0)
            if d < 2:
                values = np.full(a.shape[1], np.nan)
            if standardised:
                values = _nan_if(_constant(a) | _constant(b), np.clip(values, -1.0, 1.0))
            return values, 0.0

        values, _ = per_window(stat, x, y, d=d, shift=True)
        tx, ty = _data_tol(x, d), _data_tol(y, d)
        sx, _ = per_window(lambda m: (_std(m), 0.0), x, d=d, shift=True)
        sy, _ = per_window(lambda m: (_std(m), 0.0), y, d=d, shift=True)
        if standardised:
            atol = 8 * (_standardised(tx, sx) + _standardised(ty, sy))
        else:
            atol = 4 * d * (tx * sy + ty * sx)
        return values, atol

    oracle(name, "pandas rolling")(run)


_pair_oracle("ts_corr", lambda r, other: r.corr(other), True)
_pair_oracle("ts_cov", lambda r, other: r.cov(other, ddof=1), False)


# ---- time series: bottleneck -----------------------------------------------------------------------------

def _bn_last(mat: np.ndarray, fn: Callable) -> np.ndarray:
    if mat.shape[1] == 0:
        return np.empty(0)
    with np.errstate(all="ignore"):
        return np.asarray(fn(mat)[-1], dtype=np.float64)


def _bottleneck(name: str, fn: Callable, tol: Callable, ddof_nan: int = 0, shift: bool = False, spread: int = 0,
                ties: str = ""):
    def run(x, d):
        def stat(m):
            values = _bn_last(m, lambda a: fn(a, d))
            if d <= ddof_nan:
                values = np.full(m.shape[1], np.nan)
            if ties:
                values = _with_ties(m, d, values, ties)
            return values, tol(m, d) if tol else 0.0

        return _spread_tol(x, d, *per_window(stat, x, d=d, shift=shift), spread)

    oracle(name, "bottleneck")(run)


_bottleneck("ts_sum", lambda a, d: bn.move_sum(a, d, axis=0), _sum_tol)
_bottleneck("ts_mean", lambda a, d: bn.move_mean(a, d, axis=0), lambda m, d: _sum_tol(m, d) / d)
_bottleneck("ts_std", lambda a, d: bn.move_std(a, d, axis=0, ddof=1), None, ddof_nan=1, shift=True, spread=1)
_bottleneck("ts_var", lambda a, d: bn.move_var(a, d, axis=0, ddof=1), None, ddof_nan=1, shift=True, spread=2)
_bottleneck("ts_min", lambda a, d: bn.move_min(a, d, axis=0), lambda m, d: 0.0)
_bottleneck("ts_max", lambda a, d: bn.move_max(a, d, axis=0), lambda m, d: 0.0)
# move_rank is normalised to [-1, 1] (average ties): rank 1..n = (r + 1) * (n - 1) / 2 + 1
_bottleneck("ts_rank", lambda a, d: ((bn.move_rank(a, d, axis=0) + 1) * (d - 1) / 2 + 1) / d,
            lambda m, d: 4 * EPS, ties="rank")
# bottleneck's move_argmax counts from the newest row and breaks ties towards it; on the time-reversed window
# its answer j is the 0-based position from the oldest row, with ties to the oldest, as the semantics want.
_bottleneck("ts_argmax", lambda a, d: bn.move_argmax(a[::-1], d, axis=0) + 1, lambda m, d: 0.0, ties="argmax")
_bottleneck("ts_argmin", lambda a, d: bn.move_argmin(a[::-1], d, axis=0) + 1, lambda m, d: 0.0, ties="argmin")
_bottleneck("ts_arg_max_days", lambda a, d: d - 1 - bn.move_argmax(a[::-1], d, axis=0), lambda m, d: 0.0,
            ties="argmax_days")
_bottleneck("ts_arg_min_days", lambda a, d: d - 1 - bn.move_argmin(a[::-1], d, axis=0), lambda m, d: 0.0,
            ties="argmin_days")


# ---- time series: scipy.stats.linregress -----------------------------------------------------------------

def _linregress(name: str, pick: Callable, standardised: bool, const_nan: bool):
    def run(x, d):
        def stat(m):
            out = np.full(m.shape[1], np.nan)
            if d >= 2:
                t = np.arange(d, dtype=np.float64)
                for k, col in enumerate(m.T):
                    if np.isfinite(col).all():
                        with np.errstate(all="ignore"):
                            out[k] = pick(scipy.stats.linregress(t, col), col, d)
            if const_nan:
                out = _nan_if(_constant(m), out)
            return out, 0.0

        values, _ = per_window(stat, x, d=d)
        tol = _data_tol(x, d)
        if standardised:
            spread, _ = per_window(lambda m: (_std(m), 0.0), x, d=d, shift=True)
            return values, 8 * _standardised(tol, spread)
        return values, 4 * tol

    oracle(name, "scipy.stats.linregress")(run)


_linregress("ts_slope", lambda fit, col, d: fit.slope, False, False)
_linregress("ts_rsquare", lambda fit, col, d: fit.rvalue**2, True, True)
_linregress("ts_resid", lambda fit, col, d: col[-1] - (fit.intercept + fit.slope * (d - 1)), False, False)


# ---- time series: ewm --------------------------------------------------------------------------------------

@oracle("ts_ema", "pandas ewm per valid run")
def _ts_ema(x, halflife):
    x = clean(x)
    out = np.full(x.shape, np.nan)
    atol = np.zeros(x.shape)
    for i in range(x.shape[1]):
        col = x[:, i]
        t = 0
        while t < len(col):
            if np.isnan(col[t]):
                t += 1
                continue
            end = t
            while end < len(col) and not np.isnan(col[end]):
                end += 1
            run = pd.Series(col[t:end])
            out[t:end, i] = run.ewm(halflife=halflife, adjust=True).mean().to_numpy()
            atol[t:end, i] = 8 * (end - t) * EPS * np.maximum.accumulate(np.abs(col[t:end]))
            t = end
    return out, atol


# ---- elementwise: plain-Python scalar math with explicit IEEE rules --------------------------------------

def _isnan(v: float) -> bool:
    return v != v


def _div(x: float, y: float) -> float:
    if y == 0:
        if _isnan(x) or x == 0:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _is_odd_integer(y: float) -> bool:
    return math.isfinite(y) and y == int(y) and int(y) % 2 == 1


def _pow(x: float, y: float) -> float:
    """C99 Annex F pow via ``math.pow``, turning its exceptions back into IEEE results; but, as the semantics
    say, a negative base (-inf included, where C99 gives +inf) with a finite fractional exponent is NaN."""
    if x < 0 and math.isfinite(y) and y != int(y):
        return math.nan
    try:
        return math.pow(x, y)
    except ValueError:  # 0 to a negative power, or a negative finite base to a non-integer power
        if x == 0:
            return math.copysign(math.inf, x) if _is_odd_integer(y) else math.inf
        return math.nan
    except OverflowError:
        return -math.inf if x < 0 and _is_odd_integer(y) else math.inf


def _log(x: float) -> float:
    if _isnan(x) or x < 0:
        return math.nan
    return -math.inf if x == 0 else math.log(x)


def _sqrt(x: float) -> float:
    return math.nan if _isnan(x) or x < 0 else math.sqrt(x)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _sign(x: float) -> float:
    return math.nan if _isnan(x) else (1.0 if x > 0 else -1.0 if x < 0 else 0.0)


def _nanfirst(fn: Callable[..., float]) -> Callable[..., float]:
    def wrapped(*vs: float) -> float:
        return math.nan if any(_isnan(v) for v in vs) else float(fn(*vs))

    return wrapped


def _cond(c: float, a: float, b: float) -> float:
    return math.nan if _isnan(c) else (a if c != 0 else b)


_SCALAR: dict[str, Callable[..., float]] = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": _div,
    "pow": _pow,
    "neg": lambda x: -x,
    "lt": _nanfirst(lambda x, y: x < y),
    "le": _nanfirst(lambda x, y: x <= y),
    "gt": _nanfirst(lambda x, y: x > y),
    "ge": _nanfirst(lambda x, y: x >= y),
    "eq": _nanfirst(lambda x, y: x == y),
    "ne": _nanfirst(lambda x, y: x != y),
    "or": _nanfirst(lambda x, y: x != 0 or y != 0),
    "and": _nanfirst(lambda x, y: x != 0 and y != 0),
    "not": _nanfirst(lambda x: x == 0),
    "cond": _cond,
    "abs": abs,
    "log": _log,
    "sqrt": _sqrt,
    "exp": _exp,
    "sign": _sign,
    "signedpower": lambda x, a: _sign(x) * _pow(abs(x), a),
    "s_log_1p": lambda x: _sign(x) * (math.inf if math.isinf(x) else math.log1p(abs(x))),
    "min": _nanfirst(min),
    "max": _nanfirst(max),
    "clip": _nanfirst(lambda x, lo, hi: min(max(x, lo), hi)),
    "fillna": lambda x, v: v if _isnan(x) else x,
}

# transcendental functions may differ from numpy's (SIMD) versions in the last bits
_ULPS = {"pow": 4 * EPS, "log": 4 * EPS, "exp": 4 * EPS, "signedpower": 4 * EPS, "sqrt": EPS, "s_log_1p": 4 * EPS}


def _elementwise(name: str, fn: Callable[..., float]):
    def run(*args):
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
        out = np.empty(arrays[0].shape)
        for idx in np.ndindex(out.shape):
            out[idx] = fn(*(float(a[idx]) for a in arrays))
        return out, 0.0

    run.rtol = _ULPS.get(name, 0.0)
    oracle(name, "python scalar math")(run)


for _name, _fn in _SCALAR.items():
    _elementwise(_name, _fn)


# ---- cross-sectional: scipy rankdata and pandas ----------------------------------------------------------

def _rows(x, fn: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]):
    """Apply ``fn(finite values) -> (values, atol)`` per row over its finite entries."""
    x = clean(x)
    out = np.full(x.shape, np.nan)
    atol = np.zeros(x.shape)
    for t in range(x.shape[0]):
        ok = ~np.isnan(x[t])
        if ok.any():
            out[t, ok], atol[t, ok] = fn(x[t, ok])
    return out, atol


@oracle("rank", "scipy.stats.rankdata")
def _rank(x, rate=2.0):  # BRAIN's rate: no effect
    return _rows(x, lambda v: (_ranks(v) / len(v), 2 * EPS))


@oracle("scale", "pandas")
def _scale(x, a=1.0, longscale=1.0, shortscale=1.0):
    df = pd.DataFrame(clean(x))
    if longscale != 1 or shortscale != 1:  # BRAIN: each side to its own book
        pos, neg = df.where(df > 0), df.where(df < 0)
        sides = (pos.div(pos.sum(axis=1), axis=0) * longscale).fillna(neg.div(neg.abs().sum(axis=1), axis=0)
                                                                        * shortscale)
        return sides.where(df != 0, 0.0).where(df.notna()).to_numpy(), 0.0
    total = df.abs().sum(axis=1)
    with np.errstate(all="ignore"):
        out = df.mul(a).div(total.where(total != 0), axis=0).to_numpy()
    return out, 0.0


def _zscore_values(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = pd.Series(v)
    if len(set(v.tolist())) == 1:
        return np.full(len(v), np.nan), np.zeros(len(v))
    std = s.std(ddof=0)
    z = ((s - s.mean()) / std).to_numpy()
    return z, 8 * len(v) * EPS * np.abs(v).max() / std * (1 + np.abs(z))


@oracle("cs_zscore", "pandas")
def _cs_zscore(x):
    return _rows(x, _zscore_values)


def _long(x, g) -> pd.DataFrame:
    """Long frame (t, i, label, value) of the finite values with a non-negative label."""
    x = clean(x)
    g = np.broadcast_to(np.asarray(g), x.shape)
    t, i = np.nonzero(~np.isnan(x) & (g >= 0))
    return pd.DataFrame({"t": t, "i": i, "label": g[t, i], "value": x[t, i]})


def _group_oracle(name: str, label: str, fn: Callable[[pd.Series], tuple[pd.Series, pd.Series]]):
    def run(x, g):
        df = _long(x, g)
        out = np.full(np.shape(x), np.nan)
        atol = np.zeros(np.shape(x))
        for _, part in df.groupby(["t", "label"]):
            values, tol = fn(part["value"])
            out[part["t"], part["i"]] = values
            atol[part["t"], part["i"]] = tol
        return out, atol

    oracle(name, label)(run)


def _mean_tol(v: pd.Series) -> float:
    return 4 * len(v) * EPS * float(v.abs().max())


_group_oracle("group_mean", "pandas groupby", lambda v: (v.groupby(lambda _: 0).transform("mean"), _mean_tol(v)))
_group_oracle("indneutralize", "pandas groupby", lambda v: (v - v.mean(), _mean_tol(v)))
_group_oracle("group_rank", "scipy.stats.rankdata",
              lambda v: (_ranks(v.to_numpy()) / len(v), 2 * EPS))
_group_oracle("group_zscore", "pandas groupby", lambda v: _zscore_values(v.to_numpy()))


@oracle("indneutralize", "pandas groupby transform")
def _indneutralize_transform(x, g):
    df = _long(x, g)
    out = np.full(np.shape(x), np.nan)
    atol = np.zeros(np.shape(x))
    if len(df):
        means = df.groupby(["t", "label"])["value"].transform("mean")
        scale = df.groupby(["t", "label"])["value"].transform(lambda v: _mean_tol(v))
        out[df["t"], df["i"]] = df["value"] - means
        atol[df["t"], df["i"]] = scale
    return out, atol


# Oracles of the operator categories added by issue 10, one module each (imported last: they use ``oracle``).
import oracles_arithmetic  # noqa: E402, F401, I001
import oracles_cleanup  # noqa: E402, F401
import oracles_exponential  # noqa: E402, F401
import oracles_groups  # noqa: E402, F401
import oracles_missing  # noqa: E402, F401
import oracles_orderstats  # noqa: E402, F401
import oracles_regression  # noqa: E402, F401
import oracles_stateful  # noqa: E402, F401
