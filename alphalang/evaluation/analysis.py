"""Batch evaluation of many alphas against shared forward returns: ``analyze(results, panel) -> Analysis``.

Forward returns are computed once per horizon and reused for every alpha (alphalens evaluates one factor at a
time); every metric is vectorised over dates.

Example:
    >>> import alphalang
    >>> panel = alphalang.demo_panel(120, 30, seed=0)
    >>> results = alphalang.compile("mom = rank(delta(close, 5))").run(panel)
    >>> a = analyze(results, panel, horizons=(1, 5))
    >>> a.ic.loc[("mom", 5)].index.tolist()[:4]
    ['ic_mean', 'ic_std', 'ic_t', 'ic_ir']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alphalang.errors import AlphaDataError
from alphalang.evaluation.metrics import (
    coverage,
    forward_returns,
    ic_decay,
    ic_stats,
    information_coefficient,
    long_short_returns,
    quantile_buckets,
    quantile_mean_returns,
    quantile_turnover,
    rank_autocorrelation,
)
from alphalang.evaluation.stats import newey_west_t, nonoverlap_t_mean, row_rank, row_spearman_ranked
from alphalang.evaluation.views import group_ic, quantile_cumulative

__all__ = ["Analysis", "analyze", "alpha_correlation", "parse_horizons"]

TRADING_DAYS = 252


@dataclass
class Analysis:
    """The numbers of an evaluation, as pandas objects.

    Attributes:
        ic: index (alpha, horizon); columns ic_mean/std/t/ir, rank_ic_mean/std/t/ir, n_dates (rank_ic_t treats
            the dates as independent, which for h > 1, whose forward returns overlap, overstates it by about
            sqrt(h)), and two t-stats robust to the overlap: rank_ic_t_nw (Newey-West, Bartlett weights, h - 1
            lags; ``stats.newey_west_t``) and rank_ic_t_nonoverlap_mean (the plain t-stat of every h-th date,
            averaged over the h start offsets; ``stats.nonoverlap_t_mean``). At h = 1 the offsets' mean is the
            plain t-stat and Newey-West is it times sqrt(n / (n - 1)).
        alphas: index alpha; lookback, coverage, assets_per_date, autocorr, turnover_top/bottom,
            ls_mean, ls_sharpe (annualised, 252 dates), ls_total, empty_quantile_share (the share of dates with
            quantile labels on which some quantile is empty: ties).
        quantile_returns: index (alpha, quantile); one column per horizon (mean demeaned forward return).
        decay: index alpha; columns lag 0..L (mean rank IC against the 1-period return L dates ahead).
        ic_series: index date; columns (alpha, "ic"/"rank_ic", horizon).
        long_short: index date; one column per alpha (cumulative return of top-minus-bottom quantile).
        correlation: alpha x alpha mean per-date rank correlation (None when not computed).
        quantile_cumulative: index date; columns (alpha, quantile): cumulative demeaned 1-period return of
            each quantile (``views.quantile_cumulative``).
        turnover_series: index date; columns (alpha, "turnover_top" / "turnover_bottom" / "autocorr").
        group_ic: index (alpha, group); rank_ic_mean, n_dates at the first horizon within each group of
            ``settings["group_level"]`` (None when the panel has no groups).
    """

    horizons: tuple[int, ...]
    quantiles: int
    ic: pd.DataFrame
    alphas: pd.DataFrame
    quantile_returns: pd.DataFrame
    decay: pd.DataFrame
    ic_series: pd.DataFrame
    long_short: pd.DataFrame
    correlation: pd.DataFrame | None = None
    settings: dict = field(default_factory=dict)
    quantile_cumulative: pd.DataFrame | None = None
    turnover_series: pd.DataFrame | None = None
    group_ic: pd.DataFrame | None = None

    @property
    def names(self) -> list[str]:
        return list(self.alphas.index)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table by file stem (for CSV/parquet output)."""
        out = {"ic": self.ic, "alphas": self.alphas, "quantile_returns": self.quantile_returns,
               "ic_decay": self.decay, "ic_series": _flat_columns(self.ic_series),
               "long_short": self.long_short}
        if self.correlation is not None:
            out["correlation"] = self.correlation
        for stem in ("quantile_cumulative", "turnover_series"):
            if getattr(self, stem) is not None:
                out[stem] = _flat_columns(getattr(self, stem))
        if self.group_ic is not None:
            out["group_ic"] = self.group_ic
        return out

    def to_dict(self) -> dict:
        """JSON-ready summary: per alpha its metrics, IC by horizon and quantile returns."""
        out = {"horizons": list(self.horizons), "quantiles": self.quantiles, "alphas": {}}
        for name in self.names:
            row = {k: _json_number(v) for k, v in self.alphas.loc[name].items()}
            row["ic"] = {str(h): {k: _json_number(v) for k, v in self.ic.loc[(name, h)].items()}
                         for h in self.horizons}
            qr = self.quantile_returns.loc[name]
            row["quantile_returns"] = {str(h): [_json_number(v) for v in qr[h]] for h in self.horizons}
            out["alphas"][name] = row
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def _json_number(value):
    if isinstance(value, (np.integer, int)):
        return int(value)
    value = float(value)
    return value if np.isfinite(value) else None


def _flat_columns(frame: pd.DataFrame) -> pd.DataFrame:
    flat = frame.copy()
    flat.columns = ["/".join(map(str, c)) for c in frame.columns]
    return flat


def parse_horizons(text: str | Sequence[int]) -> tuple[int, ...]:
    """``"1,5,20"`` -> ``(1, 5, 20)`` (sorted, unique, each >= 1).

    Example:
        >>> parse_horizons("20, 1,5")
        (1, 5, 20)
    """
    items = text.replace(" ", "").split(",") if isinstance(text, str) else list(text)
    try:
        horizons = sorted({int(h) for h in items if str(h) != ""})
    except ValueError:
        raise AlphaDataError(f"horizons must be whole numbers like 1,5,20, got {text!r}") from None
    if not horizons or horizons[0] < 1:
        raise AlphaDataError(f"horizons must be whole numbers >= 1, got {text!r}")
    return tuple(horizons)


def _prices_and_index(panel, price_field: str) -> tuple[np.ndarray, pd.Index, pd.Index]:
    from alphalang.data import Panel

    if isinstance(panel, Panel):
        if not panel.has_field(price_field):
            raise AlphaDataError(f"the data has no field {price_field!r} to compute forward returns from",
                                 hint="pass price_field= with the name of a price field")
        return panel.field(price_field), panel.dates, panel.assets
    if isinstance(panel, pd.DataFrame):
        return panel.to_numpy(dtype=np.float64, na_value=np.nan), panel.index, panel.columns
    prices = np.asarray(panel, dtype=np.float64)
    return prices, pd.RangeIndex(prices.shape[0]), pd.RangeIndex(prices.shape[1])


def analyze(results: Mapping[str, np.ndarray] | np.ndarray, panel, *, horizons: Sequence[int] | str = (1, 5, 20),
            quantiles: int = 5, lookback: Mapping[str, int] | None = None, price_field: str = "close",
            decay_lags: int = 20, correlation: bool = True, group_level: str | None = None,
            progress: Callable[[str], None] | None = None) -> Analysis:
    """Evaluate alphas against forward returns of ``panel``'s prices.

    Args:
        results: name -> (T, N) array (e.g. ``Program.run(panel)``), or one array (named ``alpha``).
        panel: a ``Panel`` (``price_field`` is used), a wide price DataFrame, or a (T, N) price array.
        horizons: forward-return horizons in dates. quantiles: buckets per date.
        lookback: warm-up rows per alpha, only used for coverage (``Program.lookback``).
        group_level: the panel's group level of the per-group IC (default: its coarsest level).
        progress: called with each alpha's name after it is done.

    Example:
        >>> import alphalang
        >>> p = alphalang.demo_panel(100, 20)
        >>> analyze({"rev": -p.field("returns")}, p, horizons=(1,)).alphas.loc["rev", "coverage"] > 0.9
        np.True_
    """
    if isinstance(results, np.ndarray):
        results = {"alpha": results}
    horizons = parse_horizons(horizons)
    if quantiles < 2:
        raise AlphaDataError(f"quantiles must be at least 2, got {quantiles}")
    prices, dates, _ = _prices_and_index(panel, price_field)
    lookback = dict(lookback or {})
    fwd = {h: forward_returns(prices, h) for h in sorted({1, *horizons})}
    fwd_ranks = {h: row_rank(r) for h, r in fwd.items()}
    ic_rows, alpha_rows, q_rows, decay_rows = {}, {}, {}, {}
    series, long_short, q_cum, turnover, by_group = {}, {}, {}, {}, {}
    group_level, labels = _group_labels(panel, group_level)
    for name, values in results.items():
        factor = np.asarray(values, dtype=np.float64)
        if factor.shape != prices.shape:
            raise AlphaDataError(f"alpha {name!r} has shape {factor.shape} but the prices are {prices.shape}")
        buckets = quantile_buckets(factor, quantiles)
        ranks = row_rank(factor)
        for h in horizons:
            ic = information_coefficient(factor, fwd[h], "pearson")
            ric = row_spearman_ranked(factor, ranks, fwd[h], fwd_ranks[h])
            series[(name, "ic", h)] = ic
            series[(name, "rank_ic", h)] = ric
            s, rs = ic_stats(ic), ic_stats(ric)
            ic_rows[(name, h)] = {"ic_mean": s["mean"], "ic_std": s["std"], "ic_t": s["t_stat"], "ic_ir": s["ir"],
                                  "rank_ic_mean": rs["mean"], "rank_ic_std": rs["std"], "rank_ic_t": rs["t_stat"],
                                  "rank_ic_ir": rs["ir"], "n_dates": rs["n"],
                                  # t-stats that allow for the h - 1 days shared by neighbouring forward returns
                                  "rank_ic_t_nw": newey_west_t(ric, h - 1),
                                  "rank_ic_t_nonoverlap_mean": nonoverlap_t_mean(ric, h)}
        q_means = {h: quantile_mean_returns(buckets, fwd[h], quantiles)[0] for h in horizons}
        for q in range(quantiles):
            q_rows[(name, q + 1)] = {h: q_means[h][q] for h in horizons}
        decay_rows[name] = ic_decay(factor, fwd[1], decay_lags, ranks=(ranks, fwd_ranks[1]))
        for q, column in enumerate(quantile_cumulative(buckets, fwd[1], quantiles).T):
            q_cum[(name, q + 1)] = column
        turnover[(name, "turnover_top")] = quantile_turnover(buckets, quantiles)
        turnover[(name, "turnover_bottom")] = quantile_turnover(buckets, 1)
        turnover[(name, "autocorr")] = rank_autocorrelation(factor, ranks=ranks)
        if labels is not None:
            by_group[name] = group_ic(factor, fwd[horizons[0]], labels)
        ls = long_short_returns(buckets, fwd[1], quantiles)
        # the return earned from t to t+1 is booked at t+1
        booked = np.concatenate([[np.nan], ls[:-1]])
        long_short[name] = np.cumprod(1.0 + np.nan_to_num(booked)) - 1.0
        ls_stats = ic_stats(ls)
        cov = coverage(factor, lookback.get(name, 0))
        alpha_rows[name] = {
            "lookback": lookback.get(name, 0), **cov,
            "autocorr": _nanmean(turnover[(name, "autocorr")]),
            "turnover_top": _nanmean(turnover[(name, "turnover_top")]),
            "turnover_bottom": _nanmean(turnover[(name, "turnover_bottom")]),
            "ls_mean": ls_stats["mean"], "ls_sharpe": ls_stats["ir"] * np.sqrt(TRADING_DAYS),
            "ls_total": float(long_short[name][-1]) if len(dates) else np.nan,
            "empty_quantile_share": _empty_quantile_share(buckets, quantiles),
        }
        if progress is not None:
            progress(name)
    names = list(results)
    ic_frame = pd.DataFrame.from_dict(ic_rows, orient="index")
    ic_frame.index = pd.MultiIndex.from_tuples(list(ic_rows), names=["alpha", "horizon"])
    q_frame = pd.DataFrame.from_dict(q_rows, orient="index")
    q_frame.index = pd.MultiIndex.from_tuples(list(q_rows), names=["alpha", "quantile"])
    q_frame.columns.name = "horizon"
    alpha_frame = pd.DataFrame.from_dict(alpha_rows, orient="index")
    alpha_frame.index.name = "alpha"
    decay = pd.DataFrame.from_dict(decay_rows, orient="index", columns=range(decay_lags + 1))
    decay.index.name, decay.columns.name = "alpha", "lag"
    ic_series = pd.DataFrame(series, index=dates)
    ic_series.columns.names = ["alpha", "kind", "horizon"]
    ls_frame = pd.DataFrame(long_short, index=dates, columns=names)
    corr = alpha_correlation(results) if correlation and len(names) > 1 else None
    q_cum_frame = pd.DataFrame(q_cum, index=dates)
    q_cum_frame.columns.names = ["alpha", "quantile"]
    turnover_frame = pd.DataFrame(turnover, index=dates)
    turnover_frame.columns.names = ["alpha", "kind"]
    groups = pd.concat(by_group, names=["alpha", "group"]) if by_group else None
    return Analysis(horizons, quantiles, ic_frame, alpha_frame, q_frame, decay, ic_series, ls_frame, corr,
                    {"price_field": price_field, "decay_lags": decay_lags, "group_level": group_level},
                    q_cum_frame, turnover_frame, groups)


def _group_labels(panel, level: str | None) -> tuple[str | None, np.ndarray | None]:
    """(level, labels (N,) or (T, N)) of the per-group IC: ``level``, else the panel's coarsest level."""
    from alphalang.data import Panel

    if not isinstance(panel, Panel) or not panel.groups:
        if level is not None:
            raise AlphaDataError(f"group_level={level!r} needs a Panel with group levels")
        return None, None
    if level is None:
        level = min(panel.groups, key=lambda g: (np.unique(panel.groups[g]).size, g))
    level = level.lower().removeprefix("indclass.")
    if level not in panel.groups:
        raise AlphaDataError(f"the data has no group level {level!r}",
                             hint="group levels: " + ", ".join(sorted(panel.groups)))
    return level, np.asarray(panel.groups[level])


def _empty_quantile_share(buckets: np.ndarray, quantiles: int) -> float:
    """Share of the dates with quantile labels on which at least one quantile has no member (NaN: none)."""
    labelled = (buckets > 0).any(axis=1)
    empty = np.zeros(len(buckets), dtype=bool)
    for q in range(1, quantiles + 1):
        empty |= ~(buckets == q).any(axis=1)
    return float((empty & labelled).sum() / labelled.sum()) if labelled.any() else np.nan


def _nanmean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else np.nan


def alpha_correlation(results: Mapping[str, np.ndarray], block: int = 128) -> pd.DataFrame:
    """Mean over dates of the cross-sectional correlation of every pair of alphas' ranks.

    Ranks are taken on each alpha's own finite cells; each date's Pearson correlation uses the cells finite in
    both (batched matrix products over blocks of dates, no per-date loop).

    Example:
        >>> rng = np.random.default_rng(0); x = rng.normal(size=(50, 40))
        >>> alpha_correlation({"a": x, "b": 2 * x + 1, "c": -x}).round(6).loc["a"].tolist()
        [1.0, 1.0, -1.0]
    """
    names = list(results)
    arrays = [np.asarray(results[n], dtype=np.float64) for n in names]
    t, n_assets = arrays[0].shape if arrays else (0, 0)
    # a block holds (dates, alphas, assets) ranks and a few same-sized temporaries: keep it under ~256 MB
    block = max(1, min(block, (256 << 20) // max(1, 32 * len(names) * n_assets)))
    total = np.zeros((len(names), len(names)))
    count = np.zeros_like(total)
    for start in range(0, t, block):
        x = np.stack([row_rank(a[start : start + block]) for a in arrays], axis=1)  # (dates, K, N)
        m = np.isfinite(x).astype(np.float64)
        x = np.where(m > 0, x, 0.0)
        n = _batched_gram(m, m)
        sx = _batched_gram(x, m)  # sum of x_i over the cells where both i and j are finite
        sxx = _batched_gram(x * x, m)
        sxy = _batched_gram(x, x)
        with np.errstate(invalid="ignore", divide="ignore"):
            sy = np.swapaxes(sx, 1, 2)
            syy = np.swapaxes(sxx, 1, 2)
            cov = sxy - sx * sy / n
            var = (sxx - sx * sx / n) * (syy - sy * sy / n)
            r = cov / np.sqrt(var)
        ok = (n >= 3) & (var > 1e-12 * np.maximum(sxx * syy, 1.0)) & np.isfinite(r)
        total += np.where(ok, np.clip(r, -1.0, 1.0), 0.0).sum(axis=0)
        count += ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return pd.DataFrame(mean, index=pd.Index(names, name="alpha"), columns=pd.Index(names, name="alpha"))


def _batched_gram(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``out[t, i, j] = sum_n a[t, i, n] * b[t, j, n]``: einsum for small cross-sections, BLAS for large."""
    if a.shape[2] >= 256:
        return np.matmul(a, np.ascontiguousarray(np.swapaxes(b, 1, 2)))
    return np.einsum("tkn,tjn->tkj", a, b)
