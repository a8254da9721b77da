"""REPL habits from IPython and Python shells, the backend rule, and :dialect (issue 13 item 6, issue 11)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alphalang.repl import QuitRepl, Session, execute, is_complete
from alphalang.repl.session import AUTO_NUMBA_CELLS, auto_backend


@pytest.fixture()
def session(tmp_path):
    return Session(demo_days=40, demo_assets=6, plot_dir=tmp_path, base_dir=tmp_path)


@pytest.mark.parametrize("typed, meant", [
    ("rank?", ":help rank"), ("?rank", ":help rank"), ("rank??", ":help rank"), ("  ts_mean ?", ":help ts_mean"),
    ("help", ":help"), ("help ts_rank", ":help ts_rank"), ("help(ts_rank)", ":help ts_rank"), ("?", ":help"),
    ("?:plot", ":help :plot"),
])
def test_help_habits_answer_like_the_command(session, typed, meant):
    assert is_complete(typed)  # never a continuation prompt
    assert execute(session, typed) == execute(session, meant)


@pytest.mark.parametrize("typed", ["quit", "exit", "QUIT", "exit()", " quit() "])
def test_quit_and_exit_quit(session, typed):
    assert is_complete(typed)
    with pytest.raises(QuitRepl):
        execute(session, typed)


def test_a_conditional_is_still_a_formula(session):
    assert not is_complete("close > open ?")
    assert "lookback" in execute(session, "close > open ? 1 : 0")


def test_a_session_name_spelt_like_a_habit_stays_a_name(session):
    execute(session, "help = rank(close)")
    assert "lookback" in execute(session, "help")  # the definition, not the help text


@pytest.mark.parametrize("shape, backend", [((500, 100), "reference"), ((399, 500), "reference"),
                                            ((400, 500), "numba"), ((2500, 500), "numba")])
def test_auto_backend_rule(shape, backend):
    pytest.importorskip("numba")
    assert AUTO_NUMBA_CELLS == 200_000  # the documented threshold (docs/workbench.md)
    assert auto_backend(*shape)[0] == backend


def test_backend_command_and_time_name_the_backend(session):
    assert "reference evaluates (auto: 240 cells < 200,000)" in execute(session, ":backend")
    assert "(reference backend, auto: 240 cells" in execute(session, ":time rank(close)")
    assert "backend reference: reference evaluates (chosen)" in execute(session, ":backend reference")
    with pytest.raises(Exception, match="unknown backend"):
        execute(session, ":backend fast")


def _oracle_frame(session, field):
    return pd.DataFrame(session.panel.field(field))


def test_dialect_qlib_reads_qlib_with_its_nan_policy(session):
    assert "NaN policy for the session: skip" in execute(session, ":dialect qlib")
    execute(session, "k = Mean($close, 5) / Ref($close, 1)")
    close = _oracle_frame(session, "close")
    expected = close.rolling(5, min_periods=1).mean() / close.shift(1)  # qlib: partial windows
    np.testing.assert_allclose(session.value("k"), expected.to_numpy(), rtol=1e-12, equal_nan=True)
    assert "Greater($close, $open)" in execute(session, "Greater($close, $open)")  # labelled as typed
    assert "canonical: greater(close, open)" in execute(session, ":explain Greater($close, $open)")  # as read
    assert execute(session, ":dialect alphalang").endswith("strict")
    assert "k = ts_mean(close, 5) / delay(close, 1)" in execute(session, ":list")  # kept as alphalang


def test_dialect_gtja_compares_with_equals_and_keeps_earlier_meanings(session):
    execute(session, "m = sma(close, 3)")  # alphalang: sma is ts_mean
    execute(session, ":dialect gtja")
    execute(session, "s = SMA(CLOSE, 3, 1)")  # GTJA: s_t = (x_t + 2 s_{t-1}) / 3
    out = session.value("CLOSE = OPEN")  # a comparison, not a definition of close
    close, open_ = session.panel.field("close"), session.panel.field("open")
    np.testing.assert_array_equal(out, (close == open_).astype(float))
    np.testing.assert_allclose(session.value("m")[2:], _oracle_frame(session, "close").rolling(3).mean()
                               .to_numpy()[2:], rtol=1e-12)
    sma = session.value("s")
    np.testing.assert_allclose(sma[10:, 0], _gtja_sma(close[:, 0], 3, 1)[10:], rtol=1e-9)
    with pytest.raises(Exception, match="unknown dialect"):
        execute(session, ":dialect sql")


def _gtja_sma(x, n, m):
    """GTJA's SMA(A, n, m): y_t = (m * x_t + (n - m) * y_{t-1}) / n, started at the first value."""
    y = np.empty_like(x)
    y[0] = x[0]
    for t in range(1, len(x)):
        y[t] = (m * x[t] + (n - m) * y[t - 1]) / n
    return y


def test_dialect_mistakes_are_shown_in_the_users_spelling(session):
    execute(session, "m = rank(close)")
    execute(session, ":dialect qlib")
    with pytest.raises(Exception) as info:
        execute(session, "k = Mean($clsoe, 5) + m")
    lines = info.value.render().splitlines()
    assert lines[0].endswith(":1:10: error: unknown name 'clsoe'")  # hand-counted: '$' is column 10
    assert lines[1:3] == ["  k = Mean($clsoe, 5) + m", "           ^^^^^^"]
    with pytest.raises(Exception) as info:
        execute(session, "Mean($close)")
    assert "mean() takes 2 arguments" in str(info.value) and "repl_value__" not in str(info.value)
    assert execute(session, "k = Mean($close, 5) + m") == "k: lookback 4"  # session names still resolve
