"""Factor metrics on (T, N) panels: forward returns, IC, quantiles, long-short, turnover, autocorrelation.

Conventions follow alphalens: the factor at date t is compared with the return from t to t+h
(``prices[t+h] / prices[t] - 1``); quantiles are ``pd.qcut`` buckets per date (1 = lowest); turnover of a
quantile is the share of its names that were not in it the date before; autocorrelation is the correlation
of factor ranks with the previous date's. Everything is vectorised over dates.

Example:
    >>> import numpy as np
    >>> prices = np.array([[1.0, 1.0], [1.1, 0.9], [1.21, 0.9]])
    >>> forward_returns(prices, 1).round(3).tolist()
    [[0.1, -0.1], [0.1, 0.0], [nan, nan]]
"""

from __future__ import annotations

import numpy as np

from alphalang.evaluation.stats import row_corr, row_mean, row_quantiles, row_rank, row_spearman

__all__ = [
    "forward_returns", "information_coefficient", "ic_stats", "ic_decay", "quantile_buckets",
    "quantile_mean_returns", "long_short_returns", "quantile_turnover", "rank_autocorrelation", "coverage",
]


def forward_returns(prices: np.ndarray, horizon: int) -> np.ndarray:
    """``prices[t + h] / prices[t] - 1`` for each date t (NaN for the last ``h`` dates and non-positive prices).

    Example:
        >>> forward_returns(np.array([[2.0], [3.0], [4.0]]), 2).tolist()
        [[1.0], [nan], [nan]]
    """
    prices = np.asarray(prices, dtype=np.float64)
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    out = np.full(prices.shape, np.nan)
    if horizon < len(prices):
        with np.errstate(invalid="ignore", divide="ignore"):
            p0 = np.where(prices[:-horizon] > 0, prices[:-horizon], np.nan)
            out[:-horizon] = prices[horizon:] / p0 - 1.0
    out[~np.isfinite(out)] = np.nan
    return out


def information_coefficient(factor: np.ndarray, returns: np.ndarray, method: str = "rank",
                            min_count: int = 3) -> np.ndarray:
    """Per-date IC (T,): ``method="rank"`` is Spearman (alphalens' IC), ``"pearson"`` the linear IC.

    Example:
        >>> f = np.array([[1.0, 2.0, 3.0]]); r = np.array([[0.01, 0.02, 0.05]])
        >>> information_coefficient(f, r).tolist(), round(float(information_coefficient(f, r, "pearson")[0]), 3)
        ([1.0], 0.961)
    """
    if method == "rank":
        return row_spearman(factor, returns, min_count)
    if method == "pearson":
        return row_corr(factor, returns, min_count)
    raise ValueError(f"method must be 'rank' or 'pearson', got {method!r}")


def ic_stats(ic: np.ndarray) -> dict[str, float]:
    """Mean, std (ddof=1), t-stat (``mean / (std / sqrt(n))``, as ``scipy.stats.ttest_1samp``), IR (mean/std), n.

    Example:
        >>> {k: round(v, 3) for k, v in ic_stats(np.array([0.1, 0.2, np.nan, 0.3])).items()}
        {'mean': 0.2, 'std': 0.1, 't_stat': 3.464, 'ir': 2.0, 'n': 3}
    """
    values = np.asarray(ic, dtype=np.float64)
    values = values[np.isfinite(values)]
    n = int(values.size)
    mean = float(values.mean()) if n else np.nan
    std = float(values.std(ddof=1)) if n > 1 else np.nan
    ok = n > 1 and std > 0
    return {"mean": mean, "std": std, "t_stat": float(mean / (std / np.sqrt(n))) if ok else np.nan,
            "ir": mean / std if ok else np.nan, "n": n}


def ic_decay(factor: np.ndarray, returns_1: np.ndarray, lags: int = 20,
             ranks: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Mean rank IC of the factor at t against the one-period return from t+k to t+k+1, for k = 0..lags.

    Ranks are taken once per side (on each side's own finite cells; pass them as ``ranks`` if already known),
    then correlated over the common cells.

    Example:
        >>> rng = np.random.default_rng(0); r = rng.normal(size=(60, 30))
        >>> f = np.roll(r, -1, axis=0)  # knows tomorrow's return
        >>> decay = ic_decay(f, r, lags=3); bool(decay[1] > 0.99 and abs(decay[0]) < 0.2)
        True
    """
    fr, rr = ranks if ranks is not None else (row_rank(factor), row_rank(returns_1))
    t = len(fr)
    out = np.full(lags + 1, np.nan)
    for k in range(min(lags + 1, t)):
        ic = row_corr(fr[: t - k], rr[k:])
        if np.isfinite(ic).any():
            out[k] = np.nanmean(ic)
    return out


def quantile_buckets(factor: np.ndarray, quantiles: int = 5) -> np.ndarray:
    """Per-date quantile labels 1..q as ``pd.qcut(x, q, labels=False) + 1`` (0 = missing).

    Dates with fewer than ``q`` finite values get no labels. Tied edges (``qcut`` would refuse the date) are
    kept: values on a shared edge go to the lower bucket.

    Example:
        >>> quantile_buckets(np.array([[5.0, 1.0, np.nan, 3.0, 4.0, 2.0]]), 5).tolist()
        [[5, 1, 0, 3, 4, 2]]
    """
    factor = np.asarray(factor, dtype=np.float64)
    edges = row_quantiles(factor, np.linspace(0.0, 1.0, quantiles + 1))
    valid = np.isfinite(factor)
    buckets = np.ones(factor.shape, dtype=np.int64)
    for k in range(1, quantiles):
        buckets += factor > edges[:, k : k + 1]
    enough = valid.sum(axis=1) >= quantiles
    buckets[~valid | ~enough[:, None]] = 0
    return buckets


def quantile_mean_returns(buckets: np.ndarray, returns: np.ndarray, quantiles: int,
                          demeaned: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Mean over dates of each quantile's per-date mean forward return: (mean (q,), per-date (T, q)).

    ``demeaned`` subtracts each date's mean return over the labelled cells first (alphalens' default).

    Example:
        >>> b = np.array([[1, 2, 2]]); r = np.array([[0.0, 0.1, 0.3]])
        >>> quantile_mean_returns(b, r, 2, demeaned=False)[0].round(3).tolist()
        [0.0, 0.2]
    """
    labelled = (buckets > 0) & np.isfinite(returns)
    if demeaned:
        returns = returns - row_mean(returns, labelled)[:, None]
    per_date = np.stack([row_mean(returns, labelled & (buckets == q)) for q in range(1, quantiles + 1)], axis=1)
    with np.errstate(invalid="ignore"):
        means = np.array([np.nanmean(c) if np.isfinite(c).any() else np.nan for c in per_date.T])
    return means, per_date


def long_short_returns(buckets: np.ndarray, returns_1: np.ndarray, quantiles: int) -> np.ndarray:
    """Per-date return of $1 long the top quantile and $1 short the bottom one, equal weights (T,).

    Example:
        >>> long_short_returns(np.array([[1, 2]]), np.array([[-0.01, 0.02]]), 2).round(3).tolist()
        [0.03]
    """
    finite = np.isfinite(returns_1)
    top = row_mean(returns_1, finite & (buckets == quantiles))
    bottom = row_mean(returns_1, finite & (buckets == 1))
    return top - bottom


def quantile_turnover(buckets: np.ndarray, quantile: int) -> np.ndarray:
    """Per-date share of the quantile's names that were not in it on the previous date (T,).

    NaN on the first date and where the quantile is empty on either date (e.g. just after the warm-up).

    Example:
        >>> quantile_turnover(np.array([[2, 1, 2], [2, 2, 1]]), 2).tolist()
        [nan, 0.5]
    """
    members = buckets == quantile
    out = np.full(len(members), np.nan)
    if len(members) > 1:
        size = members[1:].sum(axis=1)
        before = members[:-1].sum(axis=1)
        stayed = (members[1:] & members[:-1]).sum(axis=1)
        ok = (size > 0) & (before > 0)  # no turnover to speak of into or out of an empty quantile
        with np.errstate(invalid="ignore", divide="ignore"):
            out[1:] = np.where(ok, 1.0 - stayed / np.where(ok, size, 1), np.nan)
    return out


def rank_autocorrelation(factor: np.ndarray, lag: int = 1, ranks: np.ndarray | None = None) -> np.ndarray:
    """Per-date correlation of the factor's ranks with its ranks ``lag`` dates before (T,).

    Example:
        >>> f = np.array([[1.0, 2.0, 3.0], [1.5, 2.5, 3.5]])
        >>> rank_autocorrelation(f).tolist()
        [nan, 1.0]
    """
    ranks = row_rank(factor) if ranks is None else ranks
    out = np.full(len(ranks), np.nan)
    if len(ranks) > lag:
        out[lag:] = row_corr(ranks[lag:], ranks[:-lag])
    return out


def coverage(factor: np.ndarray, lookback: int = 0) -> dict[str, float]:
    """Share of finite cells after the first ``lookback`` dates, and mean finite assets per date after it.

    Example:
        >>> coverage(np.array([[np.nan, np.nan], [1.0, np.nan], [1.0, 2.0]]), lookback=1)
        {'coverage': 0.75, 'assets_per_date': 1.5}
    """
    rows = np.asarray(factor)[min(max(lookback, 0), len(factor)):]
    if rows.size == 0:
        return {"coverage": np.nan, "assets_per_date": np.nan}
    finite = np.isfinite(rows)
    return {"coverage": float(finite.mean()), "assets_per_date": float(finite.sum(axis=1).mean())}
