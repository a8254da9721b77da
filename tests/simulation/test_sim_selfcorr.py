"""Self-correlation pools: saved simulations round-trip, correlations equal pandas' Series.corr over shared
live dates, and a pool file is untrusted input (no pickles, every field checked, errors name the file)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.simulation.selfcorr import load


@pytest.fixture(scope="module")
def sims():
    panel = alphalang.demo_panel(200, 30, seed=4)
    close = panel.to_wide("close")
    rev = -(close / close.shift(5) - 1.0)
    mom = close / close.shift(20) - 1.0
    noise = pd.DataFrame(np.random.default_rng(0).normal(size=close.shape), index=close.index, columns=close.columns)
    return alphalang.simulate({"rev": rev, "mom": mom, "noise": noise}, panel, neutralization="market")


def live(sim) -> pd.Series:
    return sim.pnl_series().iloc[sim.start + 1:]


def test_max_correlation_against_pandas(sims, tmp_path):
    sims["mom"].save(tmp_path / "mom.npz")
    sims["noise"].save(tmp_path / "noise.npz")
    corr, name = sims["rev"].self_correlation(tmp_path)
    expected = {n: live(sims["rev"]).corr(live(sims[n])) for n in ("mom", "noise")}
    best = max(expected, key=expected.get)
    assert name == best and corr == pytest.approx(expected[best], rel=1e-12)
    assert sims["rev"].self_correlation(tmp_path / "noise.npz")[1] == "noise"


def test_round_trip(sims, tmp_path):
    sims["rev"].save(tmp_path / "rev.npz")
    saved = load(tmp_path / "rev.npz")
    assert saved.name == "rev"
    pd.testing.assert_series_equal(saved.pnl, live(sims["rev"]), check_names=False, check_freq=False)


def write(path, **arrays):
    with open(path, "wb") as f:
        np.savez(f, **arrays)


GOOD = dict(format=np.int64(1), name=np.str_("x"), dates=np.arange(3), pnl=np.zeros(3), start=np.int64(0))


@pytest.mark.parametrize(("change", "message"), [
    (dict(pnl=np.array([0.0, np.nan, 1.0])), "finite"),
    (dict(pnl=np.array([1, 2, 3])), "float64"),
    (dict(format=np.int64(7)), "format"),
    (dict(start=np.int64(9)), "start"),
    (dict(dates=np.arange(4)), "one per PnL row"),
    (dict(dates=np.zeros(3, dtype=int)), "dates repeat"),
    (dict(extra=np.zeros(1)), "keys"),
    (dict(name=np.array(["a", "b"])), "name"),
    (dict(pnl=np.array([object(), 1.0, 2.0], dtype=object)), "pickle|not a saved"),
])
def test_bad_pool_files(tmp_path, change, message):
    path = tmp_path / "bad.npz"
    write(path, **{**GOOD, **change})
    with pytest.raises(alphalang.AlphaDataError, match=message) as info:
        load(path)
    assert "bad.npz" in str(info.value)


def test_damaged_and_foreign_files(tmp_path):
    (tmp_path / "text.npz").write_text("not a zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("pnl.npy", b"garbage")
    (tmp_path / "zip.npz").write_bytes(buffer.getvalue())
    write(tmp_path / "cut.npz", **GOOD)
    data = (tmp_path / "cut.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    for name in ("text.npz", "zip.npz", "cut.npz"):
        with pytest.raises(alphalang.AlphaDataError, match=name):
            load(tmp_path / name)
    with pytest.raises(alphalang.AlphaDataError, match="does not exist"):
        alphalang.simulate(np.ones((5, 2)), alphalang.demo_panel(5, 2)).self_correlation(tmp_path / "nope.npz")


def test_plot_writes_a_chart(sims, tmp_path):
    fig = alphalang.simulate(sims["rev"]._alpha, alphalang.demo_panel(200, 30, seed=4), split="2015-06-01").plot(
        str(tmp_path / "pnl.png"))
    assert (tmp_path / "pnl.png").stat().st_size > 1000 and len(fig.axes) == 2
