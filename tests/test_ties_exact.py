"""wq101 alphas 013, 016, 045 and 098 on real prices equal an exact-rational evaluation (issue 8 item 5).

Real prices tick in cents, so a window often holds values that are equal in exact arithmetic but come out of a
floating-point statistic an ulp or a few apart (a 2-day correlation of exactly 1 computed as
0.9999999999999998, a 5-day sum that is the same on two days summed in another order, covariances of ranks
equal across assets). The tie rule (docs/semantics.md, "Ties") must make both backends rank those as ties.

The oracle below evaluates the four formulas directly in exact arithmetic (``fractions.Fraction``) on the same
float64 inputs (each input float is converted exactly). A correlation is kept as its exact *signed square*
``sign(c) c^2 = sign(cov) cov^2 / (var_x var_y)``, a strictly increasing function of the correlation, so every
comparison (rank, ts_argmin, equality) between correlations is decided exactly; its value for arithmetic is the
exact Fraction when the square is a rational square (e.g. every 2-day correlation: +-1), else a 50-digit
``decimal``. A sum of such decimals is compared exactly as a decimal (two sums of distinct irrational
correlations being mathematically equal is not a case real data produces).
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import alphalang
from alphalang.data import Panel
from alphalang.resources import stdlib_dir

SP500 = Path(__file__).resolve().parents[2] / "shared" / "data" / "sp500" / "prices.parquet"
ALPHAS = ("alpha013", "alpha016", "alpha045", "alpha098")
DIGITS = 50


def sp500_panel(n_assets: int, n_days: int, start: int) -> Panel:
    """``n_assets`` tickers listed on every one of ``n_days`` dates from date number ``start``; vwap, which the
    data lacks, is the typical price (high + low + close) / 3 (computed once in float64, the input of both
    the backends and the oracle)."""
    if not SP500.is_file():
        pytest.skip(f"real S&P 500 prices not found at {SP500}")
    import pandas as pd

    long = pd.read_parquet(SP500)
    fields = {}
    for name in ("open", "high", "low", "close", "volume"):
        wide = long.pivot(index="date", columns="asset", values=name).sort_index()
        fields[name] = wide.iloc[start : start + n_days]
    listed = np.all([np.isfinite(f.to_numpy()).all(axis=0) for f in fields.values()], axis=0)
    cols = np.flatnonzero(listed)[:n_assets]
    arrays = {k: f.iloc[:, cols].to_numpy(dtype=np.float64) for k, f in fields.items()}
    arrays["vwap"] = (arrays["high"] + arrays["low"] + arrays["close"]) / 3.0
    return Panel(fields=arrays)


# ---------------------------------------------------------------------------------------------------------------
# The exact oracle: a series is a list of rows, a row a list of values (None = missing).


class Corr:
    """An exact correlation: ``key`` (its signed square, a Fraction) orders it; ``value`` computes with it."""

    def __init__(self, cov: Fraction, var_x: Fraction, var_y: Fraction):
        square = cov * cov / (var_x * var_y)
        self.key = square if cov >= 0 else -square
        root_num, root_den = math.isqrt(square.numerator), math.isqrt(square.denominator)
        if root_num * root_num == square.numerator and root_den * root_den == square.denominator:
            self.value = Fraction(root_num, root_den) * (1 if cov >= 0 else -1)
        else:
            with localcontext() as ctx:
                ctx.prec = DIGITS
                self.value = _dec(cov) / (_dec(var_x) * _dec(var_y)).sqrt()


def _dec(q: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = DIGITS
        return Decimal(q.numerator) / Decimal(q.denominator)


def key(v):
    return v.key if isinstance(v, Corr) else v


def value(v):
    return v.value if isinstance(v, Corr) else v


def _mul(a, b):
    a, b = value(a), value(b)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        with localcontext() as ctx:
            ctx.prec = DIGITS
            return (a if isinstance(a, Decimal) else _dec(a)) * (b if isinstance(b, Decimal) else _dec(b))
    return a * b


def _add(a, b):
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        with localcontext() as ctx:
            ctx.prec = DIGITS
            return (a if isinstance(a, Decimal) else _dec(a)) + (b if isinstance(b, Decimal) else _dec(b))
    return a + b


def field(panel: Panel, name: str) -> list[list]:
    return [[Fraction(float(v)) if math.isfinite(v) else None for v in row] for row in panel.field(name)]


def elementwise(fn, *xs):
    return [[None if any(v is None for v in vals) else fn(*vals) for vals in zip(*rows, strict=True)]
            for rows in zip(*xs, strict=True)]


def windowed(fn, d: int, *xs):
    """``fn(*windows)`` per asset over rows t-d+1..t (oldest first); None in warm-up or with a missing value."""
    out = []
    for t in range(len(xs[0])):
        row = []
        for i in range(len(xs[0][0])):
            wins = [[x[s][i] for s in range(t - d + 1, t + 1)] if t >= d - 1 else None for x in xs]
            ok = all(w is not None and all(v is not None for v in w) for w in wins)
            row.append(fn(*wins) if ok else None)
        out.append(row)
    return out


def _average_ranks(keys: list) -> list[Fraction]:
    """1-based average-tie ranks of exactly comparable keys."""
    return [Fraction(sum(k < v for k in keys) * 2 + sum(k == v for k in keys) + 1, 2) for v in keys]


def rank(x):
    out = []
    for row in x:
        live = [j for j, v in enumerate(row) if v is not None]
        ranks = _average_ranks([key(row[j]) for j in live])
        new = [None] * len(row)
        for j, r in zip(live, ranks, strict=True):
            new[j] = r / len(live)
        out.append(new)
    return out


def ts_sum(x, d):
    return windowed(lambda w: sum(w, Fraction(0)), d, x)


def ts_mean(x, d):
    return windowed(lambda w: sum(w, Fraction(0)) / d, d, x)


def delay(x, d):
    return [[None] * len(x[0])] * d + x[: len(x) - d]


def _centred(w):
    mean = sum(w, Fraction(0)) / len(w)
    return [v - mean for v in w]


def covariance(x, y, d):
    return windowed(lambda a, b: sum((p * q for p, q in zip(_centred(a), _centred(b), strict=True)),
                                     Fraction(0)) / (d - 1), d, x, y)


def correlation(x, y, d):
    def corr(a, b):
        ca, cb = _centred(a), _centred(b)
        var_a, var_b = sum(p * p for p in ca), sum(q * q for q in cb)
        if var_a == 0 or var_b == 0:  # exactly constant window
            return None
        return Corr(sum(p * q for p, q in zip(ca, cb, strict=True)), var_a, var_b)

    return windowed(corr, d, x, y)


def decay_linear(x, d):
    def decay(w):
        total = Fraction(0)
        for weight, v in enumerate(w, start=1):
            total = _add(total, _mul(Fraction(weight), v))
        return _mul(total, Fraction(2, d * (d + 1)))

    return windowed(decay, d, x)


def ts_rank(x, d):
    return windowed(lambda w: _average_ranks([key(v) for v in w])[-1] / d, d, x)


def ts_argmin(x, d):
    def argmin(w):
        keys = [key(v) for v in w]
        return Fraction(keys.index(min(keys)) + 1)  # ties: the oldest occurrence

    return windowed(argmin, d, x)


def scaled(c, x):
    return elementwise(lambda v: _mul(Fraction(c), v), x)


def mul(x, y):
    return elementwise(_mul, x, y)


def sub(x, y):
    return elementwise(lambda a, b: value(a) - value(b), x, y)


def exact_alphas(panel: Panel) -> dict[str, list[list]]:
    """The four formulas of stdlib/wq101.alpha, windows floored as the paper profile does."""
    close, volume, high, open_, vwap = (field(panel, f) for f in ("close", "volume", "high", "open", "vwap"))
    dollars = mul(volume, vwap)
    adv5, adv15 = ts_mean(dollars, 5), ts_mean(dollars, 15)
    sum5, sum20 = ts_sum(close, 5), ts_sum(close, 20)
    a045 = mul(mul(rank(scaled(Fraction(1, 20), ts_sum(delay(close, 5), 20))), correlation(close, volume, 2)),
               rank(correlation(sum5, sum20, 2)))
    return {
        "alpha013": scaled(-1, rank(covariance(rank(close), rank(volume), 5))),
        "alpha016": scaled(-1, rank(covariance(rank(high), rank(volume), 5))),
        "alpha045": scaled(-1, a045),
        "alpha098": sub(rank(decay_linear(correlation(vwap, ts_sum(adv5, 26), 4), 7)),
                        rank(decay_linear(ts_rank(ts_argmin(correlation(rank(open_), rank(adv15), 20), 8), 6), 8))),
    }


def as_float(x) -> np.ndarray:
    return np.array([[math.nan if v is None else float(value(v)) for v in row] for row in x])


def stdlib_source(names) -> str:
    lines = (stdlib_dir() / "wq101.alpha").read_text().splitlines()
    return "\n".join(line for line in lines if line.split(" = ", 1)[0].strip() in names)


def mismatches(got: np.ndarray, want: np.ndarray) -> int:
    """Cells whose NaN-ness differs or whose values differ by more than 1e-9."""
    with np.errstate(invalid="ignore"):
        return int(((np.isnan(got) != np.isnan(want)) | (np.abs(got - want) > 1e-9)).sum())


@pytest.fixture(scope="module")
def window() -> Panel:
    return sp500_panel(n_assets=40, n_days=120, start=400)


@pytest.fixture(scope="module")
def exact(window) -> dict[str, np.ndarray]:
    return {name: as_float(x) for name, x in exact_alphas(window).items()}


@pytest.mark.parametrize("backend", ["reference", "numba"])
def test_wq101_ties_equal_exact_rationals(window, exact, backend):
    program = alphalang.compile(stdlib_source(ALPHAS), backend=backend)
    got = program.run(window)
    bad = {name: mismatches(np.asarray(got[name]), exact[name]) for name in ALPHAS}
    assert bad == dict.fromkeys(ALPHAS, 0)
