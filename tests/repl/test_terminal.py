"""The REPL as a person meets it: a real pseudo-terminal (pexpect), prompt_toolkit on the other side.

One session (reference backend, a 60 x 8 demo panel) covers Tab completion, ``rank?`` help, an error that
keeps the session alive, ``:plot`` writing a PNG and ``quit``. Timeouts are generous: the machine is shared.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("prompt_toolkit")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[=>])")
PROMPT = "alpha> "
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Terminal:
    """A spawned REPL whose screen output is read with the escape sequences removed."""

    def __init__(self, tmp_path: Path) -> None:
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1",
               "ALPHALANG_HISTORY": str(tmp_path / "history"),
               "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
        args = ["-m", "alphalang", "repl", "--demo", "--days", "60", "--assets", "8", "--backend", "reference",
                "--plot-dir", str(tmp_path / "plots")]
        self.child = pexpect.spawn(sys.executable, args, env=env, cwd=str(tmp_path), dimensions=(40, 120),
                                   encoding="utf-8", codec_errors="replace", timeout=120)
        self.screen = ""

    def wait_for(self, pattern: str) -> str:
        """Read until ``pattern`` (a regex over the plain text since the last wait) shows; that text."""
        seen = ""
        while True:
            try:
                seen += self.child.read_nonblocking(65536, timeout=120)
            except pexpect.TIMEOUT:
                screen = self._plain(seen)[-2000:]
                raise AssertionError(f"timed out waiting for {pattern!r}; screen:\n{screen}") from None
            if re.search(pattern, self._plain(seen)):
                self.screen += seen
                return self._plain(seen)

    def type(self, text: str) -> None:
        self.child.send(text)

    @staticmethod
    def _plain(text: str) -> str:
        return ANSI.sub("", text).replace("\r", "")


@pytest.fixture()
def terminal(tmp_path):
    term = Terminal(tmp_path)
    yield term
    if term.child.isalive():
        term.child.terminate(force=True)


def test_repl_in_a_real_terminal(terminal, tmp_path):
    terminal.wait_for(PROMPT)
    # Tab completes an operator name from the registry; the completed formula then runs
    terminal.type("x = ts_argma")
    time.sleep(0.5)  # typing pauses, as a person's does, so completion runs on what is there
    terminal.type("\t")
    terminal.wait_for(r"ts_argmax")
    time.sleep(0.5)
    terminal.type("(close, 5)")
    time.sleep(0.5)
    terminal.type("\r")
    terminal.wait_for(r"x: lookback 4[\s\S]*" + PROMPT)  # the name Tab completed, or this would not check
    # rank? is help, not a continuation prompt
    terminal.type("rank?\r")
    screen = terminal.wait_for(r"example: rank\(close\)[\s\S]*" + PROMPT)
    assert "kind: cross-sectional" in screen and "..." not in screen.split("example:")[0].splitlines()[-1]
    # an error shows its caret and the session goes on, with what was defined before
    terminal.type("rank(clsoe)\r")
    screen = terminal.wait_for(r"did you mean 'close'[\s\S]*" + PROMPT)
    assert "^^^^^" in screen
    terminal.type("x + 1\r")
    terminal.wait_for(r"60 dates x 8 assets[\s\S]*" + PROMPT)
    # :plot writes a PNG
    terminal.type(":plot x\r")
    screen = terminal.wait_for(r"wrote (\S+\.png)[\s\S]*" + PROMPT)
    png = Path(re.search(r"wrote (\S+\.png)", screen).group(1))
    assert png.parent == tmp_path / "plots" and png.read_bytes()[:8] == PNG_SIGNATURE
    assert png.stat().st_size > 5000  # a drawn chart, not an empty canvas
    # quit leaves with exit status 0
    terminal.type("quit\r")
    terminal.child.expect(pexpect.EOF, timeout=120)
    terminal.child.close()
    assert terminal.child.exitstatus == 0, terminal.screen[-2000:]
    assert "x = ts_argmax(close, 5)" in (tmp_path / "history").read_text()
