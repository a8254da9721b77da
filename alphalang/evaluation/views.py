"""The alphalens tear-sheet views over time: cumulative return per quantile, monthly mean IC, IC per group.

Example:
    >>> import numpy as np, pandas as pd
    >>> b = np.array([[1, 2], [1, 2], [2, 1]]); r = np.array([[0.0, 0.1], [0.0, 0.1], [0.0, 0.0]])
    >>> quantile_cumulative(b, r, 2, demeaned=False).round(3).tolist()
    [[0.0, 0.0], [0.0, 0.1], [0.0, 0.21]]
    >>> ic = pd.Series([0.1, 0.3, -0.2], index=pd.to_datetime(["2020-01-02", "2020-01-03", "2020-02-03"]))
    >>> monthly_ic(ic).round(2).to_dict(orient="index")
    {2020: {1: 0.2, 2: -0.2}}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alphalang.evaluation.metrics import quantile_mean_returns
from alphalang.evaluation.stats import row_spearman

__all__ = ["group_ic", "monthly_ic", "quantile_cumulative"]


def quantile_cumulative(buckets: np.ndarray, returns_1: np.ndarray, quantiles: int,
                        demeaned: bool = True) -> np.ndarray:
    """(T, q) cumulative return of holding each quantile equally weighted, rebalanced every date: the mean
    one-period return of the names in the quantile at t (demeaned by the date's mean, as alphalens) is booked
    at t + 1 and compounded; a date without a return adds nothing."""
    per_date = quantile_mean_returns(buckets, returns_1, quantiles, demeaned)[1]
    booked = np.vstack([np.zeros((1, quantiles)), np.nan_to_num(per_date[:-1])]) if len(per_date) else per_date
    return np.cumprod(1.0 + booked, axis=0) - 1.0


def monthly_ic(ic: pd.Series) -> pd.DataFrame:
    """Mean IC per calendar month: one row per year, one column per month (1..12) that has an IC; empty when
    the dates are not datetimes."""
    ic = ic.dropna()
    if not isinstance(ic.index, pd.DatetimeIndex) or ic.empty:
        return pd.DataFrame()
    table = ic.groupby([ic.index.year, ic.index.month]).mean().unstack()
    table.index.name, table.columns.name = "year", "month"
    return table


def group_ic(factor: np.ndarray, returns: np.ndarray, labels: np.ndarray, min_count: int = 3) -> pd.DataFrame:
    """Rank IC within each group (negative labels: no group): per date the Spearman correlation over the
    group's members, then its mean over dates. One row per group: ``rank_ic_mean``, ``n_dates``.

    Labels of shape (N,) take the group's columns once; (T, N) labels mask each group per date.

    Example:
        >>> f = np.array([[1.0, 2, 3, 3, 2, 1]] * 2); r = np.array([[1.0, 2, 3, 1, 2, 3]] * 2)
        >>> group_ic(f, r, np.array([0, 0, 0, 1, 1, 1])).to_dict(orient="index")
        {0: {'rank_ic_mean': 1.0, 'n_dates': 2}, 1: {'rank_ic_mean': -1.0, 'n_dates': 2}}
    """
    labels = np.asarray(labels)
    rows = {}
    for g in np.unique(labels[labels >= 0]):
        if labels.ndim == 1:
            cols = np.flatnonzero(labels == g)
            ic = row_spearman(factor[:, cols], returns[:, cols], min_count)
        else:
            member = labels == g
            ic = row_spearman(np.where(member, factor, np.nan), np.where(member, returns, np.nan), min_count)
        finite = ic[np.isfinite(ic)]
        rows[int(g)] = {"rank_ic_mean": float(finite.mean()) if finite.size else np.nan, "n_dates": int(finite.size)}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["rank_ic_mean", "n_dates"])
    frame.index.name = "group"
    return frame.astype({"n_dates": int})
