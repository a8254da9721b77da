"""An independent plain-pandas implementation of the simulation semantics of issue 12 / docs/simulation.md,
written from the text (whole-frame pandas operations: rolling, shift, groupby), never from alphalang's code.
Used as the oracle of tests/simulation and as the pandas baseline of bench/simulate.py.

Example:
    >>> import numpy as np, pandas as pd
    >>> close = pd.DataFrame([[1.0, 1.0], [1.1, 0.9]])
    >>> out = pandas_simulate(pd.DataFrame([[1.0, -1.0]] * 2), close, delay=0, booksize=2.0)
    >>> out["pnl"].round(9).tolist()
    [0.0, 0.2]
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

METRICS = ("returns", "sharpe", "turnover", "fitness", "drawdown", "margin", "long_count", "short_count")


def universe_frame(close: pd.DataFrame, volume: pd.DataFrame | None, universe, rebalance: int = 20,
                   field: pd.DataFrame | None = None) -> pd.DataFrame:
    """Membership per (date, asset) as in the issue's step 1."""
    if universe is None:
        return pd.DataFrame(True, index=close.index, columns=close.columns)
    if isinstance(universe, str):
        return field == 1
    dollar = close * volume
    mean_before = dollar.rolling(20, min_periods=1).mean().shift(1)  # the up to 20 rows before each row
    picks = mean_before.iloc[::rebalance]
    ranks = picks.rank(axis=1, ascending=False, method="first")  # ties: the earlier column ranks first
    chosen = (ranks <= universe).astype(float)
    held = chosen.reindex(close.index).ffill().astype(bool)
    return held & close.notna()


def pandas_simulate(alpha: pd.DataFrame, close: pd.DataFrame, volume: pd.DataFrame | None = None,
                    groups: pd.DataFrame | None = None, *, universe=None, universe_field=None,
                    universe_rebalance: int = 20, delay: int = 1, pasteurize: bool = True, decay: int = 0,
                    neutralization: str = "none", truncation: float = 0.0, booksize: float = 20e6,
                    cost_bps: float = 0.0) -> dict:
    """Positions, traded and PnL. ``groups``: a (dates x assets) frame of labels of the neutralization level."""
    returns = (close / close.shift(1) - 1.0).replace([np.inf, -np.inf], np.nan).fillna(0.0)
    members = universe_frame(close, volume, universe, universe_rebalance, universe_field)
    alpha = alpha.replace([np.inf, -np.inf], np.nan)
    x = alpha.shift(delay)
    if pasteurize:
        x = x.where(members)
    if decay > 1:
        num = sum((decay - k) * x.shift(k).fillna(0.0) for k in range(decay))
        den = sum((decay - k) * x.shift(k).notna() for k in range(decay))
        d = (num / den).where(den > 0)
    else:
        d = x
    d = d.where(members)
    if neutralization == "market":
        d = d.sub(d.mean(axis=1), axis=0)
    elif neutralization != "none":
        long = d.stack(future_stack=True)
        labels = groups.stack(future_stack=True)
        means = long.groupby([long.index.get_level_values(0), labels.to_numpy()]).transform("mean")
        d = (long - means).unstack().reindex(index=d.index, columns=d.columns)
        d = d.where(groups >= 0)
    w = d.div(d.abs().sum(axis=1), axis=0).fillna(0.0)
    if truncation > 0:
        done = pd.Series(False, index=w.index)
        for _ in range(100):
            busy = ~done
            clipped = w[busy].clip(-truncation, truncation)
            gross = clipped.abs().sum(axis=1)
            w[busy] = clipped.div(gross.where(gross > 0, 1.0), axis=0)
            done |= w.abs().max(axis=1) <= truncation * (1 + 1e-9)
            if done.all():
                break
    positions = booksize * w
    traded = (positions - positions.shift(1).fillna(0.0)).abs().sum(axis=1)
    pnl = (positions.shift(1) * returns).sum(axis=1) - cost_bps * 1e-4 * traded.shift(1)
    pnl.iloc[0] = 0.0
    return {"positions": positions, "traded": traded, "pnl": pnl, "members": members}


def pandas_metrics(out: dict, booksize: float = 20e6, days: float = 252.0, rows=None) -> dict:
    """The issue's step 9 over the live rows, restricted to ``rows`` (a boolean Series by date) when given."""
    positions, traded, pnl = out["positions"], out["traded"], out["pnl"]
    live = (positions != 0).any(axis=1)
    if not live.any():
        return dict.fromkeys(METRICS, math.nan)
    t0 = int(np.argmax(live.to_numpy()))
    p, tr, r = positions.iloc[t0:], traded.iloc[t0:], pnl.iloc[t0 + 1:]
    if rows is not None:
        p, tr, r = p[rows.reindex(p.index)], tr[rows.reindex(tr.index)], r[rows.reindex(r.index)]
    half = booksize / 2
    returns = days * r.mean() / half if len(r) else math.nan
    sd = r.std(ddof=1) if len(r) > 1 else math.nan
    sharpe = math.sqrt(days) * r.mean() / sd if len(r) > 1 and sd > 0 else math.nan
    turnover = tr.mean() / booksize if len(tr) else math.nan
    fitness = sharpe * math.sqrt(abs(returns) / max(turnover, 0.125))
    cum = r.cumsum()
    peak = cum.cummax().clip(lower=0.0)
    drawdown = (peak - cum).max() / half if len(r) else math.nan
    margin = r.sum() / tr.sum() * 1e4 if tr.sum() > 0 else math.nan
    long_count = (p > 0).sum(axis=1).mean() if len(p) else math.nan
    short_count = (p < 0).sum(axis=1).mean() if len(p) else math.nan
    return dict(zip(METRICS, (returns, sharpe, turnover, fitness, drawdown, margin, long_count, short_count),
                    strict=True))
