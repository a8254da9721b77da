"""Bring your own data: the README's own-data commands on the real S&P 500 prices (``../shared/data/sp500/``,
long ``date, asset, open, high, low, close, volume`` with no vwap or cap; sectors in a separate file), read in
place, never copied. Skipped cleanly when the folder is absent.

``stdlib/wq101.alpha`` runs through the CLI on the last ~3 months (reference backend: no kernel compile), every
alpha whose fields exist is evaluated and the others are listed with what they lack. Oracles: the skip lists
from a scan of the library's own text; alpha101, alpha009 (5-day windows) and a sector-neutralised return from
pandas on the same rows of the same files.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alphalang.cli import main
from alphalang.resources import data_path

SP500 = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sp500"
PRICES, SECTORS = SP500 / "prices.csv.gz", SP500 / "sectors.csv"
START, END = "2017-11-01", "2018-02-07"

pytestmark = pytest.mark.skipif(not (PRICES.is_file() and SECTORS.is_file()),
                                reason=f"the S&P 500 data is not at {SP500}")


def _wq101_needing(pattern: str) -> set[str]:
    text = data_path("stdlib", "wq101.alpha").read_text()
    return {name for name, formula in re.findall(r"^(\w+) = (.*)$", text, flags=re.MULTILINE)
            if re.search(pattern, formula)}


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    frame = pd.read_csv(PRICES, parse_dates=["date"])
    return frame[(frame.date >= START) & (frame.date <= END)]


def _wide(prices: pd.DataFrame, field: str) -> pd.DataFrame:
    return prices.pivot(index="date", columns="asset", values=field).sort_index().sort_index(axis=1)


@pytest.fixture(scope="module")
def wq101_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sp500") / "wq101.parquet"
    text = io.StringIO()
    with redirect_stdout(text):
        code = main(["run", "wq101", "--data", str(PRICES), "--groups", str(SECTORS), "--start", START, "--end", END,
                     "--backend", "reference", "--out", str(out)])
    assert code == 0
    return text.getvalue(), pd.read_parquet(out)


def test_every_alpha_whose_fields_exist_is_evaluated(wq101_run):
    text, results = wq101_run
    lacking_vwap = _wq101_needing(r"\bvwap\b|\badv\d+")
    lacking_industry = _wq101_needing(r"IndClass\.industry")  # sectors.csv has sector and subindustry only
    skipped = lacking_vwap | lacking_industry | {"alpha056"}  # alpha056: cap
    assert set(results.columns) == {f"alpha{i:03d}" for i in range(1, 102)} - skipped
    assert len(results.columns) == 41 and {"alpha048", "alpha082"} <= set(results.columns)  # subindustry, sector
    lines = [line for line in text.splitlines() if line.startswith("skipped ")]
    by_lack = {line.split(": ")[0]: set(line.split(": ")[1].split(", ")) for line in lines}
    assert by_lack == {
        f"skipped {len(lacking_vwap - lacking_industry)} outputs lacking vwap": lacking_vwap - lacking_industry,
        "skipped 1 output lacking cap": {"alpha056"},
        f"skipped {len(lacking_industry)} outputs lacking vwap and group level industry": lacking_industry,
    }
    assert lacking_industry <= lacking_vwap  # every industry alpha of wq101 also reads vwap


def test_evaluated_alphas_match_pandas(wq101_run, prices):
    _, results = wq101_run
    o, h, low, c = (_wide(prices, f) for f in ("open", "high", "low", "close"))
    d = c.diff()
    oracle = {
        "alpha101": (c - o) / ((h - low) + 0.001),
        # a NaN condition (a window with a missing value) gives NaN
        "alpha009": d.where((d.rolling(5).min() > 0) | (d.rolling(5).max() < 0), -d).mask(d.rolling(5).min().isna()),
    }
    for name, expected in oracle.items():
        got = results[name].unstack()
        got.index = pd.to_datetime(got.index)
        expected = expected.reindex(index=got.index, columns=got.columns)
        assert np.isfinite(got.to_numpy()).sum() > 0.9 * np.isfinite(expected.to_numpy()).sum() > 20_000
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-12, equal_nan=True)


def test_sector_groups_from_the_separate_file(tmp_path, prices, capsys):
    formula = tmp_path / "sector.alpha"
    formula.write_text("neutral = indneutralize(returns, IndClass.sector)\n")
    out = tmp_path / "r.parquet"
    assert main(["run", str(formula), "--data", str(SP500 / "prices.parquet"), "--groups", str(SECTORS),
                 "--group-cols", "sector", "--start", START, "--end", END, "--backend", "reference",
                 "--out", str(out), "--quiet"]) == 0
    got = pd.read_parquet(out)["neutral"].unstack()
    returns = _wide(prices, "close").pct_change(fill_method=None)
    sector = pd.read_csv(SECTORS).set_index("asset")["sector"].reindex(returns.columns)
    expected = returns - returns.T.groupby(sector).transform("mean").T
    got.index = pd.to_datetime(got.index)
    np.testing.assert_allclose(got.to_numpy(), expected.reindex(index=got.index, columns=got.columns).to_numpy(),
                               rtol=1e-9, atol=1e-12, equal_nan=True)
