"""Exact window statistics for accuracy tests: every time-series statistic of one window of floats, computed
in rational arithmetic (``fractions.Fraction``) from the definitions in docs/semantics.md and rounded once to
float64 at the end (so ±inf where the true value overflows, 0 where it underflows).

Independent of both backends on purpose: no pivot, no scaling, no float intermediate. Each value comes with
the scale its error is measured against (normwise accuracy): ``|x|`` summed (sum) or averaged (mean,
decay_linear), the value itself for var/std, ``std(x) * std(y)`` for cov, the slope of a perfect fit for
slope, ``std`` for the residual, and ``max(1, |value|)`` for the scale-free statistics (zscore, skew, kurt,
corr, rsquare).

Example:
    >>> stats = window_stats([1.0, 2.0, 4.0, 8.0], [1.0, 0.0, 1.0, 3.0])
    >>> stats["mean"], stats["var"], stats["cov"]
    ((3.75, 3.75), (9.583333333333334, 9.583333333333334), (3.4166666666666665, 3.8953319641734145))
    >>> stats["corr"][0] == stats["corr"][0]  # NaN only for a constant window
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

__all__ = ["STATISTICS", "corr_tie_tolerance", "hard_columns", "sqrt", "statistics_source", "to_float",
           "window_errors", "window_stats"]


def to_float(q: Fraction) -> float:
    """``q`` rounded to float64 once; ±inf beyond the largest float (where ``float(q)`` raises).

    >>> to_float(Fraction(10) ** 400), to_float(-Fraction(10) ** 400), to_float(Fraction(1, 10) ** 400)
    (inf, -inf, 0.0)
    """
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def sqrt(q: Fraction) -> float:
    """The square root of ``q >= 0``, correctly rounded (but for exact ties), also where ``q`` itself over- or
    underflows a float.

    >>> sqrt(Fraction(10) ** 600), sqrt(Fraction(1, 10) ** 600), sqrt(Fraction(9, 4)), sqrt(Fraction(10) ** 700)
    (1e+300, 1e-300, 1.5, inf)
    """
    m = (240 - q.numerator.bit_length() + q.denominator.bit_length()) // 2  # q * 4^m has ~240 bits
    scaled = q * Fraction(4) ** m
    return to_float(Fraction(math.isqrt(scaled.numerator // scaled.denominator)) / Fraction(2) ** m)


def _signed_root(num: Fraction, den: Fraction) -> float:
    """``num / sqrt(den)`` as ``sign(num) * sqrt(num^2 / den)``: one rational, no overflow on the way."""
    root = sqrt(num * num / den)
    return (root if num > 0 else -root) if num else 0.0


def corr_tie_tolerance() -> float:
    """The relative width within which all values of a window count as one value for ``ts_corr`` (NaN): the
    tie rule of rank-like operators (``alphalang.backend.reference.ties.TOLERANCE``), 0 (exactly constant
    only) where that rule does not exist."""
    try:
        from alphalang.backend.reference.ties import TOLERANCE
    except ImportError:
        return 0.0
    return TOLERANCE


def _ties(w: list[Fraction], tie: float) -> bool:
    return max(w) - min(w) <= Fraction(tie) * max(abs(a) for a in w)


def window_stats(x: Sequence[float], y: Sequence[float] | None = None, tie: float = 0.0
                 ) -> dict[str, tuple[float, float]]:
    """``{statistic: (exact value, error scale)}`` for one window ``x`` (oldest first, d = len(x) >= 4, all
    finite); with ``y`` (same length) also cov and corr of the pair. Constant windows give the documented
    NaN (zscore, skew, kurt, rsquare; corr if either side is constant, or all its values tie within ``tie``
    relative to its largest magnitude) and exact zeros."""
    d = len(x)
    w = [Fraction(v) for v in x]
    mean = sum(w) / d
    c = [a - mean for a in w]
    s2 = sum(a * a for a in c)
    s3 = sum(a**3 for a in c)
    s4 = sum(a**4 for a in c)
    var = s2 / (d - 1)
    std = sqrt(var)
    u = [Fraction(2 * j - (d - 1), 2) for j in range(d)]  # the row index, centred
    suu = sum(b * b for b in u)
    slope = sum(a * b for a, b in zip(c, u, strict=True)) / suu
    weights = sum(range(1, d + 1))
    flat = s2 == 0
    nan = math.nan
    mean_abs = to_float(sum(abs(a) for a in w) / d)
    out = {
        "sum": (to_float(sum(w)), d * mean_abs),
        "mean": (to_float(mean), mean_abs),
        "decay": (to_float(sum(a * (j + 1) for j, a in enumerate(w)) / weights), mean_abs),
        "var": (to_float(var), to_float(var)),
        "std": (std, std),
        "zscore": (nan if flat else _signed_root(c[-1], var), 1.0),
        "skew": (nan if flat else _signed_root(s3 / d, (s2 / d) ** 3) * math.sqrt(d * (d - 1.0)) / (d - 2.0), 1.0),
        "kurt": (nan if flat else to_float(Fraction((d + 1) * d * (d - 1), (d - 2) * (d - 3)) * s4 / (s2 * s2)
                                           - Fraction(3 * (d - 1) ** 2, (d - 2) * (d - 3))), 1.0),
        "slope": (to_float(slope), sqrt(s2 / suu)),
        "rsquare": (nan if flat else to_float(slope * slope * suu / s2), 1.0),
        "resid": (to_float(c[-1] - slope * u[-1]), std),
    }
    if y is not None:
        v = [Fraction(b) for b in y]
        my = sum(v) / d
        cy = [b - my for b in v]
        syy = sum(b * b for b in cy)
        sxy = sum(a * b for a, b in zip(c, cy, strict=True))
        out["cov"] = (to_float(sxy / (d - 1)), sqrt(s2 * syy / (d - 1) ** 2))
        tied = _ties(w, tie) or _ties(v, tie)
        out["corr"] = (nan if tied else _signed_root(sxy, s2 * syy), 1.0)
    return {name: (value, max(scale, abs(value)) if name in _FREE else scale)
            for name, (value, scale) in out.items()}


_FREE = frozenset({"zscore", "skew", "kurt", "corr", "rsquare"})  # scale-free: error scale max(1, |value|)


STATISTICS = {  # window_stats name -> the operator call computing it over (close, volume)
    "sum": "ts_sum(close, {d})", "mean": "ts_mean(close, {d})", "decay": "decay_linear(close, {d})",
    "var": "ts_var(close, {d})", "std": "ts_std(close, {d})", "zscore": "ts_zscore(close, {d})",
    "skew": "ts_skew(close, {d})", "kurt": "ts_kurt(close, {d})", "slope": "ts_slope(close, {d})",
    "rsquare": "ts_rsquare(close, {d})", "resid": "ts_resid(close, {d})", "cov": "ts_cov(close, volume, {d})",
    "corr": "ts_corr(close, volume, {d})",
}


def statistics_source(d: int) -> str:
    """One output per statistic of ``window_stats`` over windows of ``d`` rows.

    >>> statistics_source(5).splitlines()[0]
    'sum = ts_sum(close, 5)'
    """
    return "\n".join(f"{name} = {call.format(d=d)}" for name, call in STATISTICS.items())


def hard_columns(t: int = 160, seed: int = 0) -> tuple[dict[str, int], object, object]:
    """``(column names -> index, close, volume)``: (t, N) series that break naive window moments: offsets of
    1e15 with noise from 1e-3 of the level down to a few ulps, a drifting 1e15 level, magnitudes near 1e300,
    near the largest float (both signs) and near 1e-300, series that jump between those scales (one through
    a NaN gap, so the window restarts) or shift their level, and a stretch of constant values."""
    import numpy as np

    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((t, 2))
    uniform = rng.uniform(0.0, 1.0, (t, 2))
    cols: dict[str, tuple] = {}
    for rel in (1e-3, 1e-9, 1e-13):
        cols[f"1e15 noise {rel:g}"] = (1e15 * (1 + rel * noise[:, 0]), 2e15 - 3e15 * rel * noise[:, 0]
                                       + 1e15 * rel * rng.standard_normal(t))
        noise = rng.standard_normal((t, 2))
    cols["1e15 + N(0,1) (8 ulps)"] = (1e15 + noise[:, 0], 1e15 + noise[:, 0] + noise[:, 1])
    level = 1e15 + np.cumsum(rng.normal(0, 1e4, t))
    cols["drifting 1e15"] = (level + rng.normal(0, 1e3, t), -level + rng.normal(0, 1e3, t))
    cols["1e300"] = (1e300 * (1 + 0.5 * uniform[:, 0]), -2e300 * (1 + 0.5 * uniform[:, 0]) + 1e299 * uniform[:, 1])
    cols["near max float"] = (1.7e308 * rng.uniform(-1, 1, t), 1.7e308 * rng.uniform(-1, 1, t))
    cols["1e-300"] = (1e-300 * (1 + 0.5 * uniform[:, 1]), 3e-300 * uniform[:, 0] + 1e-300 * uniform[:, 1])
    jump = np.where(np.arange(t) % 50 < 25, 1.0, 1e300) * (1 + 0.5 * uniform[:, 0])
    cols["jumps 1 <-> 1e300"] = (jump, jump * (1 + uniform[:, 1]))
    gap = np.where(np.arange(t) < t // 2, 10 * noise[:, 1], 1e-300 * (1 + uniform[:, 1]))
    gap[t // 2 - 1] = np.nan
    cols["10 -> NaN -> 1e-300"] = (gap, 1 + np.arange(t) % 7.0)
    shift = np.where(np.arange(t) < t // 2, 1e8, 0.0) + noise[:, 0]
    cols["level 1e8 -> 0"] = (shift, np.where(np.arange(t) < t // 3, 1.0, 1e-250) * (1 + uniform[:, 0]))
    flat = 1e300 * (1 + 0.5 * uniform[:, 1])
    flat[t // 2 :] = 1.2345e300
    cols["1e300 then flat"] = (flat, flat)
    names = {name: j for j, name in enumerate(cols)}
    close = np.column_stack([c[0] for c in cols.values()])
    volume = np.column_stack([c[1] for c in cols.values()])
    return names, close, volume


def window_errors(results: dict, close, volume, d: int, rows) -> list[tuple]:
    """``(statistic, row, column, got, exact, error / scale)`` for every cell of ``results`` (outputs of
    ``statistics_source(d)``) at ``rows`` whose normwise relative error against ``window_stats`` is not
    finite-and-small; NaN and ±inf must match exactly (they are reported with ratio inf)."""
    import numpy as np

    report = []
    tie = corr_tie_tolerance()
    for t in rows:
        for j in range(close.shape[1]):
            x, y = close[t - d + 1 : t + 1, j], volume[t - d + 1 : t + 1, j]
            ok = np.isfinite(x).all() and np.isfinite(y).all()
            want = window_stats(x.tolist(), y.tolist(), tie) if ok else {}
            for name in STATISTICS:
                got = float(results[name][t, j])
                value, scale = want.get(name, (math.nan, 1.0))
                if math.isnan(value) or math.isinf(value):
                    ratio = 0.0 if (got == value or (math.isnan(got) and math.isnan(value))) else math.inf
                else:
                    ratio = abs(got - value) / scale if scale > 0 else (0.0 if got == value else math.inf)
                    ratio = math.inf if math.isnan(ratio) else ratio
                report.append((name, t, j, got, value, ratio))
    return report
