"""A deterministic synthetic market for demos, tests and benchmarks.

Log returns are ``beta * market + sector + industry + subindustry + idiosyncratic`` factors, with
volatility clustering (a shared AR(1) log-volatility regime) and rare jumps, giving fat tails. Prices are
positive by construction; OHLC is consistent (low <= open, close <= high), vwap lies in [low, high], volume
is lognormal and rises with |return|, cap = close * shares outstanding. A few short halts set every
price/volume field of an asset to NaN for some days.

Example:
    >>> p = demo_panel(n_days=20, n_assets=5, seed=1)
    >>> p.shape, sorted(p.groups)
    ((20, 5), ['industry', 'sector', 'subindustry'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alphalang.data.panel import Panel
from alphalang.errors import AlphaDataError

__all__ = ["demo_panel"]

N_SECTORS = 11
START_DATE = "2015-01-02"
#: one halt per this many (date, asset) cells, on average
CELLS_PER_HALT = 20_000


def _hierarchy(rng: np.random.Generator, n_assets: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sector, industry, subindustry) labels per asset, contiguous from 0 and properly nested."""
    ind_per_sector = rng.integers(2, 7, N_SECTORS)  # ~44 industries
    industry_sector = np.repeat(np.arange(N_SECTORS), ind_per_sector)
    sub_per_industry = rng.integers(1, 5, industry_sector.size)  # ~110 subindustries
    sub_industry = np.repeat(np.arange(industry_sector.size), sub_per_industry)
    weights = rng.dirichlet(np.full(sub_industry.size, 2.0))
    sub = rng.choice(sub_industry.size, size=n_assets, p=weights)
    if n_assets >= N_SECTORS:  # make sure every sector has at least one asset
        first_sub_of_sector = np.searchsorted(industry_sector[sub_industry], np.arange(N_SECTORS))
        sub[:N_SECTORS] = first_sub_of_sector
    ind = sub_industry[sub]
    sec = industry_sector[ind]
    # relabel each level to 0..k-1 (order-preserving, so nesting is kept)
    return tuple(np.unique(x, return_inverse=True)[1].astype(np.int64) for x in (sec, ind, sub))  # type: ignore


def _vol_regime(rng: np.random.Generator, n_days: int) -> np.ndarray:
    """A volatility multiplier per day: exp of an AR(1) process, mean about 1."""
    eps = rng.standard_normal(n_days) * 0.12
    h = np.empty(n_days)
    acc = 0.0
    for t in range(n_days):
        acc = 0.97 * acc + eps[t]
        h[t] = acc
    mult = np.exp(h)
    return mult / np.sqrt(np.mean(mult**2))


def demo_panel(n_days: int = 500, n_assets: int = 100, seed: int = 0) -> Panel:
    """A deterministic synthetic (n_days x n_assets) market.

    Fields: open, high, low, close, volume, vwap, cap, returns (``close / prev close - 1``, NaN on the
    first row and around halts). Groups: sector > industry > subindustry as (N,) int64 labels. Dates are
    business days from 2015-01-02; assets are named ``A0000``, ``A0001``, ...

    Example:
        >>> p = demo_panel(250, 50, seed=7)
        >>> bool((p.field("low") <= p.field("close")).sum() > 0)
        True
    """
    if int(n_days) < 1 or int(n_assets) < 1:
        raise AlphaDataError(
            f"demo_panel needs n_days >= 1 and n_assets >= 1, got n_days={n_days}, n_assets={n_assets}"
        )
    t, n = int(n_days), int(n_assets)
    rng = np.random.default_rng(seed)
    sector, industry, subindustry = _hierarchy(rng, n)

    # --- per-asset characteristics
    shares = np.exp(rng.normal(np.log(2e8), 1.0, n))  # shares outstanding
    price0 = np.exp(rng.normal(np.log(40.0), 0.7, n))
    size = np.log(shares * price0)
    size_z = (size - size.mean()) / (size.std() + 1e-12) if n > 1 else np.zeros(n)
    idio_vol = 0.016 * np.exp(-0.25 * size_z + rng.normal(0.0, 0.25, n))  # small caps are noisier
    beta = np.clip(rng.normal(1.0, 0.3, n), 0.2, 2.0)

    # --- factor returns: market (T,) and one combined sector+industry+subindustry factor per subindustry
    regime = _vol_regime(rng, t)
    market = 0.0003 + 0.010 * regime * rng.standard_normal(t)
    n_sec, n_ind, n_sub = sector.max() + 1, industry.max() + 1, subindustry.max() + 1
    sub_ind = np.zeros(n_sub, dtype=np.int64)
    sub_ind[subindustry] = industry
    ind_sec = np.zeros(n_ind, dtype=np.int64)
    ind_sec[industry] = sector
    f_sec = 0.006 * rng.standard_normal((n_sec, t))
    f_ind = 0.004 * rng.standard_normal((n_ind, t))
    f_sub = 0.003 * rng.standard_normal((n_sub, t))
    f_sub += f_ind[sub_ind]
    f_sub += f_sec[ind_sec[sub_ind]]
    f_sub *= regime
    group_f = np.ascontiguousarray(f_sub.T)  # (T, n_sub)

    # --- log returns (T, N); row loops with take() beat fancy indexing on the (T, N) array
    r = rng.standard_normal((t, n))
    r *= idio_vol
    r *= np.sqrt(regime)[:, None]
    for i in range(t):
        r[i] += group_f[i].take(subindustry)
        r[i] += market[i] * beta
    n_jumps = rng.binomial(t * n, 0.002)
    where = rng.integers(0, t * n, n_jumps)
    r.flat[where] += rng.standard_normal(n_jumps) * 5.0 * idio_vol[where % n]

    close = r.copy()  # log close: cumulative sum over rows (a row loop beats cumsum(axis=0) here)
    close[0] += np.log(price0)
    for i in range(1, t):
        close[i] += close[i - 1]
    np.exp(close, out=close)
    prev = np.empty_like(close)
    prev[0] = price0
    prev[1:] = close[:-1]

    # open: the overnight gap carries part of today's move
    gap = rng.standard_normal((t, n))
    gap *= 0.25 * idio_vol
    gap += 0.4 * r
    np.exp(gap, out=gap)
    opn = prev
    opn *= gap
    del gap

    # high/low: beyond max/min(open, close) by an exponential amount of intraday range
    ext = rng.standard_exponential((t, n))
    ext *= 0.4 * idio_vol
    np.exp(ext, out=ext)
    high = np.maximum(opn, close)
    high *= ext
    rng.standard_exponential((t, n), out=ext)
    ext *= -0.4 * idio_vol
    np.exp(ext, out=ext)
    low = np.minimum(opn, close)
    low *= ext
    del ext

    # vwap: a convex mix of the typical price and a uniform point of the day's range
    u = rng.random((t, n))
    u *= high - low
    u += low
    vwap = np.add(high, low)
    vwap += close
    vwap += close
    vwap *= 0.7 / 4.0
    vwap += 0.3 * u
    del u
    np.clip(vwap, low, high, out=vwap)

    # volume: lognormal, rising with |return|
    logv = rng.standard_normal((t, n))
    logv *= 0.35
    shock = np.abs(r)
    shock *= 1.0 / idio_vol
    np.minimum(shock, 6.0, out=shock)
    shock *= 0.5
    logv += shock
    del shock
    logv += np.log(shares * 0.004)
    volume = np.exp(logv, out=logv)
    np.rint(volume, out=volume)
    np.maximum(volume, 100.0, out=volume)
    del r

    cap = close * shares

    # halts: short NaN runs in every price/volume field of one asset
    n_halts = (t * n) // CELLS_PER_HALT
    if n_halts and t > 1:
        assets_h = rng.integers(0, n, n_halts)
        starts = rng.integers(1, t, n_halts)
        lengths = rng.integers(1, 6, n_halts)
        for a, s, ln in zip(assets_h, starts, lengths, strict=True):
            for arr in (opn, high, low, close, vwap, volume, cap):
                arr[s : s + ln, a] = np.nan

    returns = np.full((t, n), np.nan)
    if t > 1:
        np.divide(close[1:], close[:-1], out=returns[1:])
        returns[1:] -= 1.0

    width = max(4, len(str(n - 1)))
    assets = pd.Index([f"A{i:0{width}d}" for i in range(n)])
    dates = pd.bdate_range(START_DATE, periods=t)
    return Panel._trusted(
        {
            "open": opn,
            "high": high,
            "low": low,
            "close": close,
            "volume": volume,
            "vwap": vwap,
            "cap": cap,
            "returns": returns,
        },
        {"sector": sector, "industry": industry, "subindustry": subindustry},
        pd.DatetimeIndex(dates),
        assets,
    )
