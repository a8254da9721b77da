"""Properties of every simulated book (hypothesis): neutralised weights sum to zero per group, gross is 1, no
|w| above the truncation, and no look-ahead (prices after row t cannot change the PnL up to row t)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import alphalang
from alphalang.data import Panel


@st.composite
def markets(draw, min_assets=2):
    t = draw(st.integers(3, 12))
    n = draw(st.integers(min_assets, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, (t, n)), axis=0))
    close[rng.random((t, n)) < 0.1] = np.nan
    volume = rng.integers(1, 5, (t, n)).astype(float)  # small integers: many dollar-volume ties
    alpha = rng.normal(size=(t, n))
    alpha[rng.random((t, n)) < 0.15] = np.nan
    groups = rng.integers(-1, 3, n)
    panel = Panel({"close": close, "volume": volume}, groups={"sector": groups},
                  dates=np.arange(t), assets=[f"S{i}" for i in range(n)])
    return panel, alpha, rng


settings_st = st.fixed_dictionaries({
    "delay": st.integers(0, 2), "decay": st.integers(0, 4), "pasteurize": st.booleans(),
    "universe": st.one_of(st.none(), st.integers(1, 6)), "universe_rebalance": st.integers(1, 5),
    "cost_bps": st.sampled_from([0.0, 3.0]),
})


@given(markets(), settings_st, st.sampled_from(["market", "sector"]))
def test_neutralised_weights_sum_to_zero_per_group(market, settings, level):
    panel, alpha, _ = market
    w = alphalang.simulate(alpha, panel, neutralization=level, **settings).weights
    labels = panel.group("sector") if level == "sector" else np.zeros(panel.shape, dtype=int)
    for g in np.unique(labels):
        in_group = np.where(labels == g, w, 0.0).sum(axis=1)
        assert np.abs(in_group).max() <= 1e-12
    if level == "sector":
        assert not w[labels < 0].any()  # no group, no position


@given(markets(), settings_st, st.sampled_from(["none", "market", "sector"]), st.sampled_from([0.0, 0.3, 0.6, 1.0]))
def test_gross_is_one_and_truncation_holds(market, settings, level, truncation):
    panel, alpha, _ = market
    sim = alphalang.simulate(alpha, panel, neutralization=level, truncation=truncation, **settings)
    w = sim.weights
    gross = np.abs(w).sum(axis=1)
    held = gross > 0
    assert np.allclose(gross[held], 1.0, rtol=0, atol=1e-12)
    assert not w[~sim._inputs.universe].any()  # positions only inside the universe
    if truncation:
        # clip-and-rescale reaches the cap when enough names share the book (else no weights can obey it)
        feasible = held & ((w != 0).sum(axis=1) * truncation >= 2)
        assert (np.abs(w[feasible]) <= truncation * (1 + 1e-9)).all()


@given(markets(), settings_st, st.sampled_from(["none", "market", "sector"]), st.sampled_from([0.0, 0.3]),
       st.data())
def test_no_look_ahead(market, settings, level, truncation, data):
    panel, alpha, rng = market
    t_len = panel.n_dates
    t = data.draw(st.integers(0, t_len - 2))
    before = alphalang.simulate(alpha, panel, neutralization=level, truncation=truncation, **settings)
    later = slice(t + 1, None)
    close, volume, alpha2 = panel.field("close").copy(), panel.field("volume").copy(), alpha.copy()
    close[later] *= np.exp(rng.normal(0, 0.3, close[later].shape))
    close[later][rng.random(close[later].shape) < 0.2] = np.nan
    volume[later] = rng.integers(1, 9, volume[later].shape)
    alpha2[later] = rng.normal(size=alpha2[later].shape)
    changed = Panel({"close": close, "volume": volume}, groups=panel.groups, dates=panel.dates, assets=panel.assets)
    after = alphalang.simulate(alpha2, changed, neutralization=level, truncation=truncation, **settings)
    assert after.pnl[: t + 1].tolist() == before.pnl[: t + 1].tolist()
    assert after.positions[: t + 1].tolist() == before.positions[: t + 1].tolist()
