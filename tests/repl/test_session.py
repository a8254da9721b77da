"""REPL inputs through ``execute``: definitions persist, errors keep the session alive, every :command works."""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.errors import AlphaError
from alphalang.repl import QuitRepl, Session, execute, is_complete
from alphalang.repl.saving import session_source
from alphalang.syntax.parse import parse_repl


@pytest.fixture()
def session(tmp_path):
    return Session(demo_days=80, demo_assets=10, plot_dir=tmp_path / "plots", base_dir=tmp_path)


def test_definitions_persist_and_expressions_are_summarised(session):
    assert execute(session, "mom = rank(delta(close, 5))") == "mom: lookback 5"
    out = execute(session, "mom - 0.5")
    assert "80 dates x 10 assets" in out and "lookback" in out and "A0005" in out
    np.testing.assert_allclose(session.value("mom"), alphalang.evaluate("rank(delta(close, 5))", session.panel),
                               equal_nan=True)
    assert execute(session, "def twice(x) = 2 * x") == "def twice(x)"
    np.testing.assert_allclose(session.value("twice(mom)"), 2 * session.value("mom"), equal_nan=True)


def test_an_error_keeps_the_session_alive(session):
    execute(session, "a = ts_mean(close, 3)")
    with pytest.raises(AlphaError) as info:
        execute(session, "b = rank(clsoe)")
    text = info.value.render()
    assert "did you mean 'close'" in text and "^^^^^" in text
    with pytest.raises(AlphaError):
        execute(session, "rank(close")  # incomplete input run anyway
    with pytest.raises(AlphaError):
        execute(session, "ts_mean(close, volume)")
    assert session.defined_names() == ["a"]
    assert "lookback" in execute(session, "a")


def test_redefinition_keeps_earlier_meanings(session):
    execute(session, "x = close")
    execute(session, "y = rank(x)")
    execute(session, "x = x / delay(x, 1)")  # refers to the previous x
    close = session.panel.field("close")
    np.testing.assert_allclose(session.value("x"), close / np.vstack([np.full((1, 10), np.nan), close[:-1]]),
                               equal_nan=True)
    np.testing.assert_allclose(session.value("y"), alphalang.evaluate("rank(close)", session.panel), equal_nan=True)
    assert session.defined_names() == ["y", "x"]


def test_save_writes_an_equivalent_module(session, tmp_path):
    for line in ("x = close", "y = rank(x)", "x = x / delay(x, 1)", "_helper = ts_mean(x, 3)", "z = _helper + y",
                 "unused = open", "unused = high"):
        execute(session, line)
    out = execute(session, f":save {tmp_path / 'work'}")
    assert "work.alpha" in out
    text = (tmp_path / "work.alpha").read_text()
    assert "unused = high" in text and "unused = open" not in text  # replaced and unused: dropped
    program = alphalang.compile(tmp_path / "work.alpha", fields=session.panel.fields)
    assert set(program.outputs) == {"y", "x", "z", "unused"}
    saved = program.run(session.panel)
    for name in program.outputs:
        np.testing.assert_array_equal(saved[name], session.value(name))


def test_session_source_renames_function_versions():
    stmts = [parse_repl(t) for t in ("def f(a) = a + 1", "g = f(close)", "def f(a) = f(a) * 2", "h = f(open)")]
    text = session_source(stmts, header=False)
    assert text.splitlines() == ["def _f_v1(a) = a + 1", "g = _f_v1(close)", "def f(a) = _f_v1(a) * 2",
                                 "h = f(open)"]


def test_load_list_reset(session, tmp_path):
    src = tmp_path / "lib.alpha"
    src.write_text("import wq101\nmine = alpha101 * 2\n")
    assert "outputs" in execute(session, f":load {src}")
    assert session.compile().outputs == ("mine",) and session.value("alpha101").shape == (80, 10)
    listing = execute(session, ":list")
    assert "import wq101" in listing and "# fields:" in listing
    assert execute(session, ":reset").startswith("forgot 2")
    assert session.defined_names() == []
    with pytest.raises(AlphaError):
        execute(session, ":load nope.alpha")


def test_plot_writes_a_png(session):
    pytest.importorskip("matplotlib")
    out = execute(session, ":plot rank(delta(close, 5)) A0001 A0003")
    path = out.split("wrote ", 1)[1]
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    second = execute(session, ":plot close").split("wrote ", 1)[1]
    assert second != path and "plot-2" in second


def test_ic_describe_explain_time(session):
    out = execute(session, ":ic -rank(returns) --horizon 1,5")
    lines = out.splitlines()
    assert any(line.startswith("1 ") for line in lines) and any(line.startswith("5 ") for line in lines)
    assert "rank IC decay" in out and "turnover top" in out
    assert "quantiles:" in execute(session, ":describe ts_std(returns, 10)")
    explained = execute(session, ":explain rank(delta(close, 5)) + rank(delta(close, 5))")
    assert "lookback: 5" in explained and "-> result" in explained and "kernel" in explained
    assert "best of" in execute(session, ":time rank(close)")


def test_help_and_unknown_command(session):
    general = execute(session, ":help")
    assert ":plot [EXPR] [ASSET...]" in general and "ts_rank" in general
    rank_help = execute(session, ":help Ts_Rank")
    assert rank_help.startswith("ts_rank(x, d)") and "NaN" in rank_help
    assert "correlation" in execute(session, ":help correlation") or "ts_corr" in execute(session, ":help correlation")
    with pytest.raises(AlphaError, match="did you mean :plot"):
        execute(session, ":plto x")
    with pytest.raises(QuitRepl):
        execute(session, ":quit")


def test_data_command_switches_panel(session):
    execute(session, "m = rank(close)")
    out = execute(session, ":data demo 30 4 1")
    assert "30 dates x 4 assets" in out
    assert session.value("m").shape == (30, 4)


def test_is_complete():
    assert not is_complete("rank(close")
    assert not is_complete("x = ts_mean(close,\n")
    assert not is_complete("a = close +")
    assert is_complete("rank(close)") and is_complete(":plot x") and is_complete("") and is_complete("rank(close))")


def test_new_user_flow_uses_the_last_formula(session, tmp_path):
    """'Done when': type a formula, see it, plot it, get its IC, save the work."""
    pytest.importorskip("matplotlib")
    assert "lookback" in execute(session, "rank(delta(close, 5))")
    assert execute(session, ":plot").startswith("wrote ")
    assert execute(session, ":plot A0002").startswith("wrote ")
    assert "rank_ic" in execute(session, ":ic")
    assert "rank(delta(close, 5))" in execute(session, ":describe")
    with pytest.raises(AlphaError, match="nothing to save") as info:
        execute(session, ":save first.alpha")
    assert "alpha = rank(delta(close, 5))" in info.value.render()
    execute(session, "alpha = rank(delta(close, 5))")
    assert "wrote" in execute(session, f":save {tmp_path / 'first.alpha'}")
    assert alphalang.compile(tmp_path / "first.alpha").outputs == ("alpha",)
