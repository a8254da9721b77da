"""``alphalang demo --out FILE`` writes the demo market in the layout ``--data`` reads (checked with pandas)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import alphalang
from alphalang.cli import main


def test_demo_csv_is_the_demo_market_in_long_form(tmp_path, capsys):
    path = tmp_path / "prices.csv"
    assert main(["demo", "--out", str(path), "--days", "7", "--assets", "3", "--seed", "2"]) == 0
    assert "date, asset, open" in capsys.readouterr().out
    frame = pd.read_csv(path)
    assert list(frame.columns[:2]) == ["date", "asset"] and "returns" not in frame.columns
    assert len(frame) == 21 and {"sector", "industry", "subindustry", "close", "cap"} <= set(frame.columns)
    panel = alphalang.demo_panel(7, 3, seed=2)
    wide = frame.pivot(index="date", columns="asset", values="close")
    np.testing.assert_allclose(wide.to_numpy(), panel.field("close"), rtol=1e-15)
    assert frame.groupby("asset")["sector"].nunique().eq(1).all()


def test_demo_file_reads_back_with_derived_returns(tmp_path):
    path = tmp_path / "prices.parquet"
    assert main(["demo", "--out", str(path), "--days", "6", "--assets", "4"]) == 0
    back = alphalang.load_panel(path)
    demo = alphalang.demo_panel(6, 4)
    expected = demo.field("close")[1:] / demo.field("close")[:-1] - 1
    got = alphalang.evaluate("returns", back, backend="reference")[1:]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert set(back.groups) == {"sector", "industry", "subindustry"}
