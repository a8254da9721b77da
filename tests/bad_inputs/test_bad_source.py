"""Bad source inputs: each ends in the exact AlphaError subclass (or a quiet exit) with a message fragment, the
location where there is a source, and the CLI exit code; deep and long programs that check also run.

Oracles are independent of the code under test: numpy/pandas computations of the same chains, hand-placed
line and column numbers, and the bytes written into the files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang import AlphaNameError, AlphaSyntaxError, AlphaTypeError
from alphalang.cli import main
from alphalang.plan import build_plan
from alphalang.resources import data_path
from alphalang.source import span_at
from alphalang.syntax import parse_module

WQ101 = str(data_path("stdlib", "wq101.alpha"))
PANEL = alphalang.demo_panel(12, 3, seed=1)


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "alphalang", *args], capture_output=True, text=True, **kwargs)


# ---- encodings --------------------------------------------------------------------------------------------
def test_utf8_bom_is_accepted_in_files_and_text(tmp_path, capsys):
    path = tmp_path / "bom.alpha"
    path.write_bytes(b"\xef\xbb\xbfa = close + 1\n")
    out = alphalang.compile(path, backend="reference").run(PANEL)["a"]
    np.testing.assert_array_equal(out, PANEL.field("close") + 1)
    assert alphalang.compile("\ufeffb = rank(close)").outputs == ("b",)
    assert main(["check", str(path)]) == 0
    assert "1 outputs" in capsys.readouterr().out


def test_bom_keeps_columns_of_later_errors(tmp_path):
    path = tmp_path / "bom.alpha"
    path.write_bytes(b"\xef\xbb\xbfa = close\nb = rank(clsoe)\n")
    with pytest.raises(AlphaNameError) as info:
        alphalang.compile(path)
    assert (info.value.line, info.value.column) == (2, 10)


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
def test_latin1_file_names_the_bad_byte(tmp_path, prefix, capsys):
    path = tmp_path / "latin.alpha"
    path.write_bytes(prefix + "a = close\n# café: prix\nb = open\n".encode("latin-1"))
    with pytest.raises(AlphaSyntaxError) as info:
        alphalang.compile(path)
    err = info.value
    assert (err.filename, err.line, err.column) == (str(path), 2, 6)  # the é of "café"
    assert "not valid UTF-8" in err.message and "byte 0xe9" in err.message
    assert f"byte offset {len(prefix) + 15}" in err.message
    assert "must be UTF-8" in err.render()
    assert main(["check", str(path)]) == 1
    assert "must be UTF-8" in capsys.readouterr().err


# ---- deep nesting -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [800, 3000])
def test_deep_power_chain_checks_and_runs(depth):
    # right-associative: close ^ (1 ^ (1 ^ ...)) = close ^ 1 = close
    program = alphalang.compile("a = close" + " ^ 1" * depth, backend="reference")
    np.testing.assert_array_equal(program.run(PANEL)["a"], PANEL.field("close"))


@pytest.mark.parametrize("depth", [800, 3000])
def test_deep_conditional_chain_checks_and_runs(depth):
    close = PANEL.field("close")
    cuts = np.quantile(close, np.linspace(1, 0, depth))
    text = "a = " + "".join(f"close >= {float(c)!r} ? {i} : " for i, c in enumerate(cuts)) + "-1"
    got = alphalang.compile(text, backend="reference").run(PANEL)["a"]
    expected = np.full(close.shape, -1.0)
    for i, c in reversed(list(enumerate(cuts))):  # the first true condition wins
        expected = np.where(close >= c, float(i), expected)
    np.testing.assert_array_equal(got, expected)


def test_deep_parentheses_and_unary_chains():
    program = alphalang.compile("a = " + "(" * 5000 + "close" + ")" * 5000 + "\nb = " + "-" * 4000 + "close",
                                backend="reference")
    result = program.run(PANEL)
    np.testing.assert_array_equal(result["a"], PANEL.field("close"))
    np.testing.assert_array_equal(result["b"], PANEL.field("close"))


def test_nesting_beyond_the_documented_limit_is_a_syntax_error():
    from alphalang.syntax.parse import MAX_DEPTH

    with pytest.raises(AlphaSyntaxError, match="nested too deeply") as info:
        alphalang.compile("x = 1\na = " + "-" * (MAX_DEPTH + 10) + "close")
    assert info.value.line == 2


# ---- long definition chains -------------------------------------------------------------------------------
CHAIN = 1000


def _chain(prefix: str, step: str) -> str:
    return f"{prefix}1 = close\n" + "".join(
        f"{prefix}{i} = {step.format(prev=f'{prefix}{i - 1}')}\n" for i in range(2, CHAIN + 1))


@pytest.mark.parametrize("prefix", ["a", "_a"])
def test_long_definition_chain_checks_and_runs_on_the_reference(prefix):
    text = _chain(prefix, "{prev} + 1") + (f"out = _a{CHAIN}\n" if prefix == "_a" else "")
    program = alphalang.compile(text, backend="reference")
    assert program.lookback[f"{prefix}{CHAIN}" if prefix == "a" else "out"] == 0
    expected = PANEL.field("close").copy()
    for _ in range(CHAIN - 1):
        expected = expected + 1
    result = program.run(PANEL)
    np.testing.assert_array_equal(result["a1000" if prefix == "a" else "out"], expected)


def test_long_definition_chain_runs_on_numba():
    # A chain of window operators with one output: each node is one row of a state-kernel table in the generated
    # code (whose comments describe every node), so the one kernel stays quick to compile.
    program = alphalang.compile(_chain("_a", "ts_max({prev}, 2)") + f"out = _a{CHAIN}\n", backend="numba")
    panel = alphalang.demo_panel(CHAIN + 15, 3, seed=2)
    got = program.run(panel)["out"]
    expected = pd.DataFrame(panel.field("close")).rolling(CHAIN, min_periods=CHAIN).max().to_numpy()
    np.testing.assert_array_equal(got, expected)


# ---- missing and unreadable paths -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["missing.txt", "missing.alpha", "no/such/dir/f.alpha"])
def test_check_on_a_missing_path_is_a_user_error(tmp_path, name, capsys):
    path = tmp_path / name
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"no such file: {path}" in err and "internal error" not in err
    with pytest.raises(AlphaSyntaxError, match="no such file"):
        alphalang.compile(path)


def test_check_on_a_directory_is_a_user_error(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"cannot read {tmp_path}" in err and "internal error" not in err


def test_check_on_a_non_alpha_file_names_it_and_closes_it(tmp_path):
    path = tmp_path / "formulas.txt"
    path.write_text("a = rank(close)\nb = ts_mean(close, volume)\n")
    proc = _cli("check", str(path), env={**os.environ, "PYTHONWARNINGS": "error::ResourceWarning",
                                         "PYTHONDEVMODE": "1"})
    assert proc.returncode == 1
    assert f"{path}:2:20: error:" in proc.stderr
    assert "ResourceWarning" not in proc.stderr and "unclosed file" not in proc.stderr


# ---- closed pipes -----------------------------------------------------------------------------------------
def test_writing_into_a_closed_pipe_exits_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "alphalang", "check", WQ101], stdout=write_end,
                              stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    assert proc.returncode == 141
    assert proc.stderr == ""


def test_piping_into_head_prints_nothing_on_stderr():
    proc = subprocess.run(f"{sys.executable} -m alphalang check {WQ101} | head -c 10", shell=True, capture_output=True,
                          text=True, executable="/bin/bash")
    assert len(proc.stdout) == 10
    assert proc.stderr == ""


# ---- training configs with wrong types --------------------------------------------------------------------
CONFIG = """[data]
demo = {{ days = {days}, assets = 4 }}

[[node]]
rule = "momentum"

[training]
periods = 2
epochs = {epochs}
"""


@pytest.mark.parametrize("days, epochs, key, line, column, words", [
    ("60", '"sixty"', "epochs", 9, 1, "[training] epochs must be an integer, got 'sixty'"),
    ("60", "2.5", "epochs", 9, 1, "epochs must be an integer, got 2.5"),
    ("60", "true", "epochs", 9, 1, "epochs must be an integer, got True"),
    ('"x"', "3", "days", 2, 10, "[data.demo] days must be an integer, got 'x'"),
])
def test_training_config_with_a_wrong_type_names_key_and_line(tmp_path, capsys, days, epochs, key, line, column,
                                                              words):
    from alphalang.strategy.config import load_config

    path = tmp_path / "bad.toml"
    path.write_text(CONFIG.format(days=days, epochs=epochs))
    with pytest.raises(AlphaTypeError) as info:
        load_config(path)
    err = info.value
    assert (err.filename, err.line, err.column) == (str(path), line, column)
    assert words in err.message
    assert main(["train", str(path), "--out", str(tmp_path / "out")]) == 1
    stderr = capsys.readouterr().err
    assert f"{path}:{line}:{column}: error:" in stderr and "internal error" not in stderr


def test_training_config_types_without_source_text_still_name_the_key():
    from alphalang.strategy.config import parse_config

    with pytest.raises(AlphaTypeError, match=r"cfg: \[strategy\] maximum_change must be a number, got 'big'"):
        parse_config({"data": {"demo": {"days": 30}}, "node": [{"rule": "momentum"}],
                      "strategy": {"maximum_change": "big"}}, name="cfg")


# ---- size ---------------------------------------------------------------------------------------------------
def test_error_messages_of_a_one_megabyte_formula_are_capped():
    for text in ("a = close" + " " * 1_000_000 + "+ clsoe", "a = " + "x" * 1_000_000,
                 "a = " + "1" * 1_000_000 + " $", "a = close + " * 20_000 + "clsoe"):
        with pytest.raises((AlphaNameError, AlphaSyntaxError)) as info:
            alphalang.compile(text)
        rendered = info.value.render()
        assert len(rendered) < 2500, len(rendered)
        assert info.value.line == 1 and "^" in rendered


def test_long_line_excerpt_keeps_the_caret_under_the_error():
    text = "a = " + "close + " * 1000 + "clsoe + open"
    with pytest.raises(AlphaNameError) as info:
        alphalang.compile(text)
    source, caret = info.value.render().splitlines()[1:3]
    at = caret.index("^")
    assert source[at:at + 5] == "clsoe" and caret.count("^") == 5


class _CountingText(str):
    """A text that counts the characters ``count`` scans (counting newlines from the start of the text for every
    span was the quadratic part of checking)."""

    scanned = 0

    def count(self, sub, start=0, end=None):
        type(self).scanned += (len(self) if end is None else end) - (start or 0)
        return str.count(self, sub, start, len(self) if end is None else end)


def test_spans_cost_does_not_grow_with_the_offset():
    """k spans on a text of n characters scan O(n + k) characters (a line table, not a count from the start)."""
    text = _CountingText("x = close\n" * 20_000)
    _CountingText.scanned = 0
    for start in range(0, len(text), 97):
        span = span_at("<t>", text, start, start + 1)
        assert span.line == start // 10 + 1 and span.column == start % 10 + 1
    assert _CountingText.scanned <= 3 * len(text)


def test_checking_memory_is_linear_in_statements():
    """Peak memory while checking stays a few KB per statement (it was a copy of every earlier name per
    statement: 29 KB per statement at 2,000 statements and growing)."""
    statements = 2000
    text = "".join(f"s{i} = rank(ts_mean(close, {i % 20 + 2})) - s{i - 1}\n" if i else "s0 = close\n"
                   for i in range(statements))
    module = parse_module(text)
    tracemalloc.start()
    try:
        plan = build_plan(module)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(plan.outputs) == statements
    assert peak / statements < 8_000, peak / statements


def test_repl_save_renames_inside_deep_formulas():
    from alphalang.repl.saving import versioned
    from alphalang.syntax.printer import to_text

    statements = parse_module("x = close\nx = " + "rank(x) + " * 3000 + "x").statements
    saved = [to_text(s) for s in versioned(list(statements))]
    assert saved == ["_x_v1 = close", "x = " + "rank(_x_v1) + " * 3000 + "_x_v1"]
