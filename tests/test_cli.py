"""The ``alphalang`` command: exit codes, output, and errors with carets."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from alphalang.cli import main
from alphalang.resources import data_path

WQ101 = str(data_path("stdlib", "wq101.alpha"))


def test_check_lists_101_outputs_with_lookbacks(capsys):
    assert main(["check", WQ101]) == 0
    out = capsys.readouterr().out
    assert "alpha001" in out and "alpha101" in out and "101 outputs" in out
    assert any(line.split() == ["alpha019", "250"] for line in out.splitlines())


def test_check_reports_errors_with_caret_and_exit_1(tmp_path, capsys):
    bad = tmp_path / "bad.alpha"
    bad.write_text("a = rank(close)\nb = ts_mean(close, volume)\n")
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:20: error:" in err and "^^^^^^" in err


def test_run_on_demo_writes_parquet(tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert main(["run", WQ101, "--demo", "--days", "80", "--assets", "9", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "alpha101" in text and "101 outputs on 80 dates x 9 assets" in text
    frame = pd.read_parquet(out)
    assert frame.shape == (80 * 9, 101)


def test_eval_prints_summary_and_tail(capsys):
    assert main(["eval", "rank(delta(close, 5))", "--demo", "--days", "30", "--assets", "4"]) == 0
    out = capsys.readouterr().out
    assert "lookback" in out and "A0003" in out


def test_eval_error_exit_1(capsys):
    assert main(["eval", "rank(clsoe)", "--demo", "--days", "10", "--assets", "2"]) == 1
    err = capsys.readouterr().err
    assert "did you mean 'close'" in err and "^" in err


def test_explain_and_docs_check(tmp_path, capsys):
    assert main(["explain", "rank(delta(close, 5))"]) == 0
    assert "delta(close, 5)" in capsys.readouterr().out
    assert main(["docs", "--check", "docs/operators.md"]) == 0, "docs/operators.md is stale: alphalang docs --out"


def test_console_script_entry_point_runs_as_module():
    proc = subprocess.run([sys.executable, "-m", "alphalang", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "check" in proc.stdout


@pytest.mark.parametrize("command", ["check", "run", "eval", "explain", "docs"])
def test_every_subcommand_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "example" in capsys.readouterr().out


def test_run_json_and_quiet(capsys):
    import json

    assert main(["run", WQ101, "--demo", "--days", "40", "--assets", "5", "--json", "--backend", "reference"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["shape"] == [40, 5] and len(report["outputs"]) == 101
    assert {"output", "lookback", "finite"} <= set(report["outputs"][0])
    assert main(["run", WQ101, "--demo", "--days", "40", "--assets", "5", "--quiet", "--backend", "reference"]) == 0
    assert capsys.readouterr().out == ""
