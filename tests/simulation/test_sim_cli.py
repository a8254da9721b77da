"""``alphalang simulate``: a table ranked by fitness with coverage and warnings, JSON, and user errors (exit 1,
no traceback). A three-formula file keeps compile time small."""

from __future__ import annotations

import json

import pytest

from alphalang.cli import main

FORMULAS = "rev = -ts_delta(close, 5)\nvol = rank(volume)\nflat = ts_delta(close, 5) * 0\n"
DEMO = ["--demo", "--days", "260", "--assets", "40", "--backend", "reference"]


@pytest.fixture
def alpha_file(tmp_path):
    path = tmp_path / "three.alpha"
    path.write_text(FORMULAS)
    return str(path)


def test_ranked_table(alpha_file, capsys):
    assert main(["simulate", alpha_file, *DEMO, "--neutralization", "subindustry", "--decay", "4"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["output", "fitness", "sharpe"] and "coverage" in lines[0]
    rows = [line.split() for line in lines[2:5]]
    assert {rows[0][0], rows[1][0]} == {"rev", "vol"} and float(rows[0][1]) >= float(rows[1][1])
    assert rows[2][0] == "flat" and "no position on any date" in lines[4]  # flagged outputs come last
    assert "ranked by fitness" in out


def test_json_matches_api(alpha_file, capsys):
    import alphalang

    assert main(["simulate", alpha_file, *DEMO, "--universe", "20", "--split", "2015-06-01", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["settings"]["universe"] == 20 and report["days_per_year"] == 252
    by_name = {row["output"]: row for row in report["outputs"]}
    panel = alphalang.demo_panel(260, 40, 0)
    alpha = alphalang.evaluate("-ts_delta(close, 5)", panel, backend="reference")
    sim = alphalang.simulate(alpha, panel, universe=20, split="2015-06-01")
    assert by_name["rev"]["sharpe"] == pytest.approx(sim.metrics["sharpe"], rel=1e-12)
    assert by_name["rev"]["sharpe out-of-sample"] == pytest.approx(sim.split.loc["out-of-sample", "sharpe"])
    assert by_name["flat"]["fitness"] is None and by_name["flat"]["warnings"] == ["no position on any date"]


@pytest.mark.parametrize(("flags", "message"), [
    (["--decay", "-1"], "decay=-1 is invalid"),
    (["--neutralization", "sectr"], "did you mean 'sector'"),
    (["--universe", "liquid"], "universe='liquid': the data has no field"),
    (["--truncation", "x"], "truncation='x' is invalid"),
    (["--split", "someday"], "split='someday' is invalid"),
])
def test_user_errors_exit_1(alpha_file, capsys, flags, message):
    assert main(["simulate", alpha_file, *DEMO, *flags]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_help_lists_every_setting(capsys):
    from alphalang.simulation import SETTINGS

    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    out = capsys.readouterr().out
    assert "example" in out and all(s.flag in out for s in SETTINGS)
