"""The REPL's ``:sim``: metrics and yearly table printed (checked against a pandas oracle), a PNG chart written,
settings parsed like the CLI flags and validated by simulation/settings.py, errors as AlphaError, completion."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alphalang.errors import AlphaError
from alphalang.repl import Session, execute
from alphalang.repl.sim import split_settings

sys.path.insert(0, str(Path(__file__).parents[1] / "simulation"))
from sim_oracle import pandas_metrics, pandas_simulate  # noqa: E402

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    return Session(demo_days=300, demo_assets=20, plot_dir=tmp_path_factory.mktemp("plots"))


def _printed(out: str, name: str) -> float:
    return float(re.search(rf"\b{name} (\S+)", out).group(1))


def test_sim_prints_metrics_yearly_table_and_writes_a_chart(session):
    out = execute(session, ":sim rank(-returns) decay=4 --neutralization sector split=2015-08-01")
    panel = session.panel
    frame = pd.DataFrame
    close = frame(panel.field("close"), index=panel.dates)
    returns = close / close.shift(1) - 1
    alpha = -returns.rank(axis=1)  # rank(-returns) up to a per-date affine map, which neutralizing and scaling remove
    groups = frame(np.broadcast_to(panel.group("sector"), close.shape), index=panel.dates)
    book = pandas_simulate(alpha, close, groups=groups, decay=4, neutralization="sector")
    expected = pandas_metrics(book)
    for name in ("sharpe", "returns", "turnover", "fitness", "drawdown"):
        assert _printed(out, name) == pytest.approx(expected[name], rel=1e-3), name
    assert "settings: decay=4, neutralization=sector, split=2015-08-01" in out
    assert "in-sample" in out and "out-of-sample" in out
    yearly = out.split("per year:")[1]
    for year in sorted(set(panel.dates.year)):
        rows = pd.Series(panel.dates.year == year, index=panel.dates)
        sharpe = pandas_metrics(book, rows=rows)["sharpe"]
        line = next(line for line in yearly.splitlines() if line.startswith(str(year)))
        assert float(line.split()[2]) == pytest.approx(sharpe, rel=1e-3)
    chart = Path(re.search(r"wrote (\S+\.png)", out).group(1))
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sim_without_expression_uses_the_last_formula_and_skips_a_meaningless_chart(session):
    execute(session, "close * 0")
    out = execute(session, ":sim delay=0")
    assert "warnings: no position on any date" in out and "no chart" in out and ".png" not in out


@pytest.mark.parametrize("text, message", [
    (":sim rank(-returns) decya=4", "did you mean 'decay'"),
    (":sim rank(-returns) decay=-1", "decay=-1"),
    (":sim rank(-returns) truncation=2", "truncation"),
    (":sim rank(-returns) neutralization=country", "no group level 'country'"),
    (":sim rank(clsoe)", "did you mean 'close'"),
])
def test_sim_errors_are_alpha_errors(session, text, message):
    with pytest.raises(AlphaError) as info:
        execute(session, text)
    assert message in info.value.render()


def test_settings_are_peeled_off_the_end_only():
    assert split_settings("rank(-returns) decay=4 --neutralization subindustry --cost-bps=2") == (
        "rank(-returns)", {"decay": "4", "neutralization": "subindustry", "cost_bps": "2"})
    assert split_settings('bucket(rank(x), range="0,1,0.1")') == ('bucket(rank(x), range="0,1,0.1")', {})
    assert split_settings("x == 1") == ("x == 1", {})


def test_sim_is_completed_and_listed_in_help(session):
    from prompt_toolkit.document import Document

    from alphalang.repl.completion import AlphaCompleter
    from alphalang.simulation.settings import SETTINGS

    completer = AlphaCompleter(session)
    assert "sim" in [c.text for c in completer.get_completions(Document(":si"), None)]
    offered = [c.text for c in completer.get_completions(Document(":sim rank(close) neu"), None)]
    assert offered[0] == "neutralization="
    every = {c.text for c in completer.get_completions(Document(":sim rank(close) --"), None)}
    assert every == set()  # nothing typed yet: no guess
    assert {s.name + "=" for s in SETTINGS if s.name.startswith("d")} <= {
        c.text for c in completer.get_completions(Document(":sim rank(close) d"), None)}
    assert [c.text for c in completer.get_completions(Document(":sim rank(close, de"), None)] == [
        c.text for c in completer.get_completions(Document("rank(close, de"), None)]
    assert ":sim [EXPR] [SETTING=VALUE ...]" in execute(session, ":help")
