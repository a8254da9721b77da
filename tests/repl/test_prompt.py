"""The REPL driven through prompt_toolkit's pipe input and through plain piped stdin (a real terminal:
test_terminal.py)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("prompt_toolkit")
pytest.importorskip("pygments")
from prompt_toolkit.data_structures import Size  # noqa: E402
from prompt_toolkit.document import Document  # noqa: E402
from prompt_toolkit.input import create_pipe_input  # noqa: E402
from prompt_toolkit.output.vt100 import Vt100_Output  # noqa: E402

from alphalang.repl import Session, run_piped, run_prompt  # noqa: E402
from alphalang.repl.completion import AlphaCompleter  # noqa: E402

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[=>])")


def _screen(stream: io.StringIO) -> str:
    return ANSI.sub("", stream.getvalue()).replace("\r", "")


def _drive(session: Session, chunks: list[str], **kwargs) -> str:
    """Type ``chunks`` one after the other (with a pause, as a person would, so completion can run)."""
    stream = io.StringIO()
    output = Vt100_Output(stream, lambda: Size(rows=40, columns=120), term="xterm")
    with create_pipe_input() as pipe:

        def typist():
            for chunk in chunks:
                time.sleep(0.4)
                pipe.send_text(chunk)

        thread = threading.Thread(target=typist, daemon=True)
        thread.start()
        assert run_prompt(session, input=pipe, output=output, **kwargs) == 0
        thread.join(5)
    return _screen(stream)


@pytest.fixture()
def session(tmp_path):
    return Session(demo_days=60, demo_assets=8, plot_dir=tmp_path)


def test_completer_offers_operators_fields_groups_and_session_names(session):
    session.define("momentum = delta(close, 5)")
    completer = AlphaCompleter(session)

    def offered(text):
        return {c.text for c in completer.get_completions(Document(text), None)}

    assert {"ts_rank", "ts_rsquare", "ts_resid"} <= offered("ts_r")
    assert {"close", "clip"} <= offered("cl")
    assert {"volume", "vwap"} <= offered("rank(v")
    assert "momentum" in offered("mo")
    assert offered("IndClass.s") == {"IndClass.sector", "IndClass.subindustry"}
    assert "plot" in offered(":pl")
    assert "ts_corr" in offered(":help ts_co")


def test_prompt_session_through_pipe_input(session, tmp_path):
    history = tmp_path / "history"
    keys = ["x = rank(clo", "\t", ")\r",     # Tab completes 'clo' to 'close'
            "y = ts_mean(\r", " close, 3)\r",  # an open '(' continues on the next line
            "z = rank(clsoe)\r",               # an error: shown, the session goes on
            "x + y\r",
            ":plot x A0001\r",
            ":quit\r"]
    screen = _drive(session, keys, history=history)
    assert session.defined_names() == ["x", "y"]
    assert "x: lookback 0" in screen and "y: lookback 2" in screen
    assert "unknown name 'clsoe'" in screen and "^^^^^" in screen
    assert "60 dates x 8 assets" in screen
    pngs = list(tmp_path.glob("plot-1-*.png"))
    assert len(pngs) == 1 and pngs[0].read_bytes()[:4] == b"\x89PNG"
    saved = history.read_text()
    assert "+x = rank(close)" in saved and "+:plot x A0001" in saved  # persistent history


def test_ctrl_d_ends_and_history_can_be_off(session):
    screen = _drive(session, ["rank(close)\r", "\x04"], use_history=False, banner=True)
    assert "alphalang REPL" in screen and "lookback" in screen


def test_piped_stdin_runs_line_by_line():
    session = Session(demo_days=40, demo_assets=5)
    out, err = io.StringIO(), io.StringIO()
    script = "# a comment\na = rank(close)\nbad = rank(\n  nope)\nb = ts_mean(a,  # note\n 3)\n:list\n"
    assert run_piped(session, io.StringIO(script), out, err) == 1  # an input failed: exit code 1
    assert "unknown name 'nope'" in err.getvalue()
    assert out.getvalue().splitlines()[:2] == ["a: lookback 0", "b: lookback 2"]
    assert "b = ts_mean(a, 3)" in out.getvalue()


def test_cli_repl_with_piped_stdin(tmp_path):
    script = "mom = rank(delta(close, 5))\n:ic mom --horizon 1\n:save mine.alpha\n"
    proc = subprocess.run([sys.executable, "-m", "alphalang", "repl", "--demo", "--days", "60", "--assets", "8"],
                          input=script, capture_output=True, text=True, cwd=tmp_path, timeout=120, env=_env())
    assert proc.returncode == 0, proc.stderr
    assert "mom: lookback 5" in proc.stdout and "rank_ic" in proc.stdout
    assert (tmp_path / "mine.alpha").read_text().endswith("mom = rank(delta(close, 5))\n")


def _env(**extra: str) -> dict[str, str]:
    """The environment with this checkout importable from any working directory."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}
