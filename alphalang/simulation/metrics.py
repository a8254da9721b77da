"""The metrics an alpha's book is judged by, each defined once and computed over any selection of live rows
(the whole run, a calendar year, in-sample, out-of-sample).

Live rows: with t0 the first row holding any nonzero position, PnL rows t0+1 .. T-1 and position rows t0 .. T-1.

Example:
    >>> import numpy as np
    >>> m = compute(np.array([1.0, -1.0, 2.0]), np.array([2.0, 1.0, 1.0]), np.ones(3), np.ones(3), 4.0, 252)
    >>> round(m["returns"], 2), m["drawdown"], round(m["margin"], 1)
    (84.0, 0.5, 5000.0)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

NAMES = ("returns", "sharpe", "turnover", "fitness", "drawdown", "margin", "long_count", "short_count")
#: turnover below this does not raise fitness any further
MIN_TURNOVER = 0.125
DEFAULT_DAYS = 252.0


def compute(pnl: np.ndarray, traded: np.ndarray, longs: np.ndarray, shorts: np.ndarray, booksize: float,
            days: float) -> dict[str, float]:
    """Every metric from the selected PnL rows and position rows (NaN where a metric has no rows)."""
    half = booksize / 2.0
    k = pnl.size
    mean = pnl.mean() if k else math.nan
    std = pnl.std(ddof=1) if k > 1 else math.nan
    returns = days * mean / half
    sharpe = math.sqrt(days) * mean / std if k > 1 and std > 0 else math.nan
    turnover = traded.mean() / booksize if traded.size else math.nan
    fitness = sharpe * math.sqrt(abs(returns) / max(turnover, MIN_TURNOVER)) if turnover == turnover else math.nan
    drawdown = math.nan
    if k:
        cum = np.cumsum(pnl)
        peak = np.maximum.accumulate(np.maximum(cum, 0.0))
        drawdown = float((peak - cum).max()) / half
    volume = traded.sum()
    margin = pnl.sum() / volume * 1e4 if volume > 0 else math.nan
    counts = (longs.mean(), shorts.mean()) if longs.size else (math.nan, math.nan)
    return dict(zip(NAMES, map(float, (returns, sharpe, turnover, fitness, drawdown, margin, *counts)), strict=True))


def live_start(longs: np.ndarray, shorts: np.ndarray) -> int | None:
    """t0: the first row holding any nonzero position, or None."""
    held = np.flatnonzero((longs + shorts) > 0)
    return int(held[0]) if held.size else None


def over(book, t0: int | None, rows: np.ndarray | None, booksize: float, days: float) -> dict[str, float]:
    """The metrics of ``book`` over its live rows, limited to ``rows`` (a (T,) bool mask) when given."""
    t = book.pnl.shape[0]
    if t0 is None:
        return dict.fromkeys(NAMES, math.nan)
    held = np.zeros(t, dtype=bool)
    held[t0:] = True
    earned = np.zeros(t, dtype=bool)
    earned[t0 + 1:] = True
    if rows is not None:
        held &= rows
        earned &= rows
    return compute(book.pnl[earned], book.traded[held], book.longs[held], book.shorts[held], booksize, days)


def periods_per_year(dates: pd.Index) -> float:
    """Periods per year from the bar size: 252 for daily (or unlabelled) bars, 252 x bars per day for intraday
    bars, 365.25 days / bar for longer bars (52 weekly, 12 monthly).

    Example:
        >>> periods_per_year(pd.date_range("2020-01-01", periods=10, freq="W")), periods_per_year(pd.Index([1, 2]))
        (52.0, 252.0)
    """
    if not isinstance(dates, pd.DatetimeIndex) or len(dates) < 2:
        return DEFAULT_DAYS
    bar = (dates[1:] - dates[:-1]).median() / pd.Timedelta(days=1)  # days
    if bar < 1.0:
        per_day = pd.Series(1, index=dates).groupby(dates.normalize()).size()
        return DEFAULT_DAYS * float(np.median(per_day))
    if bar < 5.0:  # business days, with weekends and holidays
        return DEFAULT_DAYS
    return float(round(365.25 / bar))


def table(book, t0: int | None, labels: dict[object, np.ndarray], booksize: float, days: float) -> pd.DataFrame:
    """One row of metrics per label -> (T,) row mask, plus ``days``: the number of PnL rows it covers."""
    rows = []
    for mask in labels.values():
        m = over(book, t0, mask, booksize, days)
        m["days"] = int((mask[t0 + 1:]).sum()) if t0 is not None else 0
        rows.append(m)
    return pd.DataFrame(rows, index=pd.Index(list(labels), name="period"), columns=[*NAMES, "days"])


def year_masks(dates: pd.Index) -> dict[object, np.ndarray]:
    """Calendar year -> (T,) mask (empty for dates that are not datetimes)."""
    if not isinstance(dates, pd.DatetimeIndex):
        return {}
    years = np.asarray(dates.year)
    return {int(y): years == y for y in np.unique(years)}


def split_masks(dates: pd.Index, split) -> dict[object, np.ndarray]:
    """{'in-sample': dates < split, 'out-of-sample': dates >= split}, or {} without a split date."""
    if split is None:
        return {}
    try:
        after = np.asarray(dates >= split, dtype=bool)
    except TypeError:
        from alphalang.errors import AlphaTypeError

        raise AlphaTypeError(f"split={split!r} cannot be compared with the panel's dates ({dates.dtype})") from None
    return {"in-sample": ~after, "out-of-sample": after}
