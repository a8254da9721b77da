"""Row-wise (per date) statistics on (T, N) panels, vectorised over all dates at once, and t-statistics of a
per-date series (an IC series) whose values overlap in time.

Each row is one date's cross-section; NaN and +-inf cells are missing. No function loops over dates in Python.

Example:
    >>> import numpy as np
    >>> row_rank(np.array([[3.0, 1.0, np.nan, 1.0]]))
    array([[3. , 1.5, nan, 1.5]])
"""

from __future__ import annotations

import numpy as np

__all__ = ["row_rank", "row_corr", "row_spearman", "row_spearman_ranked", "row_quantiles", "row_mean",
           "newey_west_t", "nonoverlap_t_mean"]


def row_rank(x: np.ndarray) -> np.ndarray:
    """Average ranks 1..n of the finite cells of each row (ties share their mean rank); NaN elsewhere.

    Example:
        >>> row_rank(np.array([[2.0, 2.0, 5.0]])).tolist()
        [[1.5, 1.5, 3.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"row_rank needs a 2-D array, got shape {x.shape}")
    t, n = x.shape
    if x.size == 0:
        return x.copy()
    valid = np.isfinite(x)
    filled = np.where(valid, x, np.inf)  # missing cells sort last and never tie with finite ones
    order = np.argsort(filled, axis=1, kind="stable")
    ordered = np.take_along_axis(filled, order, axis=1)
    new_run = np.ones((t, n), dtype=bool)
    new_run[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    run = np.cumsum(new_run.ravel()) - 1
    position = np.broadcast_to(np.arange(1.0, n + 1.0), (t, n)).ravel()
    mean_pos = np.bincount(run, weights=position) / np.bincount(run)
    ranks = np.empty((t, n))
    np.put_along_axis(ranks, order, mean_pos[run].reshape(t, n), axis=1)
    ranks[~valid] = np.nan
    return ranks


def row_corr(a: np.ndarray, b: np.ndarray, min_count: int = 3) -> np.ndarray:
    """Pearson correlation of each row of ``a`` with the same row of ``b`` over cells finite in both.

    Rows with fewer than ``min_count`` such cells, or a constant side, give NaN.

    Example:
        >>> row_corr(np.array([[1.0, 2.0, 3.0]]), np.array([[2.0, 4.0, 7.0]])).round(4).tolist()
        [0.9934]
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    mask = np.isfinite(a) & np.isfinite(b)
    count = mask.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        a0 = np.where(mask, a, 0.0)
        b0 = np.where(mask, b, 0.0)
        da = np.where(mask, a0 - (a0.sum(axis=1) / count)[:, None], 0.0)
        db = np.where(mask, b0 - (b0.sum(axis=1) / count)[:, None], 0.0)
        cov = (da * db).sum(axis=1)
        var = (da * da).sum(axis=1) * (db * db).sum(axis=1)
        out = cov / np.sqrt(var)
    out[(count < max(min_count, 2)) | ~(var > 0)] = np.nan
    return np.clip(out, -1.0, 1.0)


def row_spearman(a: np.ndarray, b: np.ndarray, min_count: int = 3) -> np.ndarray:
    """Spearman rank correlation per row over the cells finite in both (ranks taken on those cells only).

    Example:
        >>> row_spearman(np.array([[1.0, 2.0, 3.0, np.nan]]), np.array([[2.0, 4.0, 7.0, 1.0]])).tolist()
        [1.0]
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    mask = np.isfinite(a) & np.isfinite(b)
    return row_corr(row_rank(np.where(mask, a, np.nan)), row_rank(np.where(mask, b, np.nan)), min_count)


def row_spearman_ranked(a: np.ndarray, a_rank: np.ndarray, b: np.ndarray, b_rank: np.ndarray,
                        min_count: int = 3) -> np.ndarray:
    """``row_spearman(a, b)`` reusing ranks already taken on each side's own cells (``row_rank(a)``, ...).

    Only the rows where the other side drops some cells are ranked again, so evaluating many alphas against
    the same returns ranks the returns once.

    Example:
        >>> a = np.array([[1.0, 2.0, 3.0, 4.0]]); b = np.array([[1.0, 3.0, 2.0, np.nan]])
        >>> row_spearman_ranked(a, row_rank(a), b, row_rank(b)).tolist() == row_spearman(a, b).tolist()
        True
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    own_a, own_b = np.isfinite(a), np.isfinite(b)
    joint = own_a & own_b
    return row_corr(_rerank(a, a_rank, own_a, joint), _rerank(b, b_rank, own_b, joint), min_count)


def _rerank(x: np.ndarray, ranks: np.ndarray, own: np.ndarray, joint: np.ndarray) -> np.ndarray:
    out = np.where(joint, ranks, np.nan)
    stale = (own != joint).any(axis=1) & joint.any(axis=1)
    if stale.any():
        out[stale] = row_rank(np.where(joint[stale], x[stale], np.nan))
    return out


def row_quantiles(x: np.ndarray, qs: np.ndarray | list[float]) -> np.ndarray:
    """Per-row quantiles of the finite cells with linear interpolation (``np.quantile``'s default): (T, len(qs)).

    Example:
        >>> row_quantiles(np.array([[4.0, 1.0, np.nan, 2.0, 3.0]]), [0.0, 0.5, 1.0]).tolist()
        [[1.0, 2.5, 4.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    qs = np.asarray(qs, dtype=np.float64)
    t = x.shape[0]
    if x.shape[1] == 0:
        return np.full((t, qs.size), np.nan)
    ordered = np.sort(np.where(np.isfinite(x), x, np.nan), axis=1)  # NaN last
    count = np.isfinite(x).sum(axis=1)
    pos = qs[None, :] * np.maximum(count - 1, 0)[:, None]
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(count - 1, 0)[:, None])
    frac = pos - lo
    low = np.take_along_axis(ordered, lo, axis=1)
    high = np.take_along_axis(ordered, hi, axis=1)
    out = low + (high - low) * frac
    out[count == 0] = np.nan
    return out


def row_mean(x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Mean of each row over its finite cells (and ``mask`` if given); NaN for an empty row.

    Example:
        >>> row_mean(np.array([[1.0, np.nan, 3.0]])).tolist()
        [2.0]
    """
    x = np.asarray(x, dtype=np.float64)
    m = np.isfinite(x) if mask is None else (mask & np.isfinite(x))
    count = m.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m, x, 0.0).sum(axis=1) / np.where(count > 0, count, np.nan)


def _finite(series: np.ndarray) -> np.ndarray:
    values = np.asarray(series, dtype=np.float64).ravel()
    return values[np.isfinite(values)]


def newey_west_t(series: np.ndarray, lags: int) -> float:
    """t-stat of the mean of ``series`` with a Newey-West (HAC, Bartlett weights) standard error over ``lags`` lags.

    The IC at horizon h shares h - 1 days of forward return with its neighbours, so ``lags = h - 1`` covers
    the overlap. Equals statsmodels' ``OLS(x, ones).fit(cov_type="HAC", cov_kwds={"maxlags": lags})`` t-value
    (no small-sample correction: with ``lags = 0`` it is the plain t-stat times sqrt(n / (n - 1))). Non-finite
    values are dropped (warm-up and the last h dates). NaN with fewer than 2 values or a zero variance.

    Example:
        >>> round(newey_west_t(np.array([0.1, 0.3, 0.2, 0.4, np.nan, 0.3]), lags=1), 3)
        6.468
    """
    x = _finite(series)
    n = x.size
    if n < 2 or lags < 0:
        return np.nan
    e = x - x.mean()
    lags = min(int(lags), n - 1)
    s = e @ e / n
    for j in range(1, lags + 1):  # lags = h - 1 only: a few dot products
        s += 2.0 * (1.0 - j / (lags + 1.0)) * (e[j:] @ e[:-j]) / n
    return float(x.mean() / np.sqrt(s / n)) if s > 0 else np.nan


def nonoverlap_t_mean(series: np.ndarray, step: int) -> float:
    """Mean over the ``step`` start offsets o = 0..step-1 of the plain t-stat of ``series[o::step]``.

    Each subsample uses every ``step``-th date, so at ``step = h`` its forward returns do not overlap; averaging
    over the offsets removes the dependence on one arbitrary start row. Offsets whose t-stat is undefined are
    left out; NaN when none is defined.

    Example:
        >>> x = np.array([0.1, 0.2, 0.3, 0.2, 0.4, 0.1, 0.2, 0.5])
        >>> round(nonoverlap_t_mean(x, 2), 3)  # offsets 0 and 1: t of [.1, .3, .4, .2] and of [.2, .2, .1, .5]
        3.38
    """
    from alphalang.evaluation.metrics import ic_stats  # metrics builds on this module's row functions

    values = np.asarray(series, dtype=np.float64).ravel()
    ts = [ic_stats(values[o::step])["t_stat"] for o in range(max(1, int(step)))]
    ts = [t for t in ts if np.isfinite(t)]
    return float(np.mean(ts)) if ts else np.nan

