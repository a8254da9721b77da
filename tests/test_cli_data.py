"""``alphalang run/report/simulate`` on a user's own long file: --date-col/--asset-col/--group-cols, a separate
--groups file, partial data (skipped outputs listed, --strict) and the errors a user meets.

Oracles: pandas on the file the test wrote (rolling/groupby), and hand-worked skip lists.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.cli import main
from alphalang.data.io import read_groups, with_group_file

FORMULAS = """\
mom = close / delay(close, 3) - 1
neut = indneutralize(close, IndClass.sector)
capw = rank(cap)
usecap = capw * 2
"""
SKIPPED = {"capw": {"fields": ["cap"], "groups": [], "uses": []},
           "usecap": {"fields": ["cap"], "groups": [], "uses": ["capw"]}}
SECTOR_OF = {0: "Energy", 1: "Utilities", 2: "Energy", 3: "Health Care", 4: "Utilities", 5: "Energy"}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A user's files: prices with their own column names and no vwap/cap/groups, sectors in a file apart."""
    root = tmp_path_factory.mktemp("own")
    demo = alphalang.demo_panel(60, 6, seed=5)
    frame = demo.to_long().reset_index()[["date", "asset", "open", "high", "low", "close", "volume"]]
    frame = frame.rename(columns={"date": "Date", "asset": "Ticker"})
    frame.to_csv(root / "prices.csv", index=False)
    sectors = pd.DataFrame({"Ticker": demo.assets, "sector": [SECTOR_OF[i] for i in range(6)],
                            "industry": [f"ind{i % 4}" for i in range(6)]})
    sectors.to_csv(root / "sectors.csv", index=False)
    (root / "f.alpha").write_text(FORMULAS)
    return root, frame


def _run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _data(root, *extra):
    return ["--data", str(root / "prices.csv"), "--asset-col", "Ticker", "--backend", "reference", *extra]


def test_run_with_own_columns_and_groups_file(files, capsys, tmp_path):
    root, frame = files
    out = tmp_path / "r.parquet"
    code, text, err = _run(capsys, "run", str(root / "f.alpha"), *_data(root, "--date-col", "Date", "--groups",
                           str(root / "sectors.csv"), "--group-cols", "sector", "--json", "--out", str(out)))
    assert code == 0, err
    payload = json.loads(text)
    assert [row["output"] for row in payload["outputs"]] == ["mom", "neut"]
    assert payload["skipped"] == SKIPPED
    got = pd.read_parquet(out)
    wide = frame.pivot(index="Date", columns="Ticker", values="close")
    wide.index = pd.to_datetime(wide.index)
    mom = wide / wide.shift(3) - 1
    sector = wide.columns.map(dict(zip(wide.columns, [SECTOR_OF[i] for i in range(6)], strict=True)))
    neut = wide - wide.T.groupby(sector).transform("mean").T  # NaN closes left out of the mean
    for name, oracle in (("mom", mom), ("neut", neut)):
        np.testing.assert_allclose(got[name].unstack().to_numpy(), oracle.to_numpy(), rtol=1e-12, atol=1e-9,
                                   equal_nan=True)


def test_run_lists_skipped_outputs(files, capsys):
    root, _ = files
    code, text, err = _run(capsys, "run", str(root / "f.alpha"), *_data(root))
    assert code == 0, err
    rows = [line.split()[0] for line in text.splitlines()[2:] if line.strip()]
    assert rows[0] == "mom" and "neut" not in rows[:3]  # the prices file has no sector column
    assert text.splitlines()[-3:] == [
        "skipped 1 output lacking group level sector: neut",
        "skipped 1 output lacking cap: capw",
        "skipped 1 output using skipped capw (lacking cap): usecap",
    ]


def test_strict_keeps_all_or_nothing(files, capsys):
    root, _ = files
    code, text, err = _run(capsys, "run", str(root / "f.alpha"), *_data(root, "--strict"))
    assert code == 1 and text == ""
    assert "error: the data has no field 'cap'" in err and "capw = rank(cap)" in err


@pytest.mark.parametrize("command", ["report", "simulate"])
def test_report_and_simulate_skip_too(files, capsys, tmp_path, command):
    root, _ = files
    extra = ["--out", str(tmp_path / "r"), "--no-plots", "--horizons", "1"] if command == "report" else []
    code, text, err = _run(capsys, command, str(root / "f.alpha"), *_data(root, "--groups", str(root / "sectors.csv"),
                           "--json", *extra))
    assert code == 0, err
    payload = json.loads(text)
    assert payload["skipped"] == SKIPPED
    code, text, err = _run(capsys, command, str(root / "f.alpha"), *_data(root, *extra))
    assert code == 0, err
    assert "skipped 1 output using skipped capw (lacking cap): usecap" in text


def test_missing_key_column_names_the_option(files, capsys):
    root, _ = files
    code, _, err = _run(capsys, "run", str(root / "f.alpha"), "--data", str(root / "prices.csv"))
    assert code == 1
    assert "has no asset column 'asset'" in err
    assert "columns are: Date, Ticker, open, high, low, close, volume" in err
    assert "pass --asset-col Ticker" in err
    code, _, err = _run(capsys, "run", str(root / "f.alpha"), *_data(root, "--date-col", "day"))
    assert code == 1 and "no date column 'day'" in err and "'Date' looks like the date column" in err


def test_group_errors(files, capsys, tmp_path):
    root, _ = files
    code, _, err = _run(capsys, "run", str(root / "f.alpha"), *_data(root, "--group-cols", "sectr", "--groups",
                        str(root / "sectors.csv")))
    assert code == 1 and "no group column 'sectr'" in err and "did you mean 'sector'?" in err
    twice = tmp_path / "twice.csv"
    twice.write_text("Ticker,sector\nA0001,Energy\nA0002,Energy\nA0001,Utilities\n")
    code, _, err = _run(capsys, "run", str(root / "f.alpha"), *_data(root, "--groups", str(twice)))
    assert code == 1 and "lists asset 'A0001' more than once" in err


def test_groups_file_of_other_assets(files, capsys, tmp_path):
    root, _ = files
    other = tmp_path / "other.csv"
    other.write_text("asset,sector\nAAPL,Tech\nXOM,Energy\n")
    code, _, err = _run(capsys, "run", str(root / "f.alpha"), *_data(root, "--groups", str(other)))
    assert code == 1 and "none of the 6 assets of the data is listed in the groups file" in err


def test_groups_changing_over_time(tmp_path):
    """Hand-worked: a row holds from its date until the asset's next row; before its first row, no group."""
    path = tmp_path / "g.csv"
    path.write_text("date,asset,sector\n2020-01-02,a,X\n2020-01-02,b,Y\n2020-01-06,a,Y\n2020-01-03,c,X\n")
    panel = alphalang.Panel({"close": np.ones((4, 3))}, dates=pd.to_datetime(
        ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-07"]), assets=["a", "b", "c"])
    labels = with_group_file(panel, path).group("sector")
    # X = 0, Y = 1 (sorted)
    assert labels.tolist() == [[-1, -1, -1], [0, 1, -1], [0, 1, 0], [1, 1, 0]]
    assert sorted(read_groups(path)) == ["sector"]


def test_groups_parquet_file_by_asset(tmp_path):
    """Whole-number labels are kept as they are; an asset the file does not list has no group (-1)."""
    path = tmp_path / "groups.parquet"
    pd.DataFrame({"ticker": ["b", "a"], "sector": [7, 3], "country": ["US", "FR"]}).to_parquet(path)
    panel = alphalang.Panel({"close": np.ones((2, 3))}, assets=["a", "b", "c"])
    grouped = with_group_file(panel, path, levels=["sector"])
    assert grouped.group("sector").tolist() == [[3, 7, -1], [3, 7, -1]] and not grouped.has_group("country")
    assert with_group_file(panel, path).group("country").tolist()[0] == [0, 1, -1]  # FR < US
