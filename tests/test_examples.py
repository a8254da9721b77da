"""The examples run as documented."""

from __future__ import annotations

import runpy
from pathlib import Path

import alphalang

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_quickstart_runs(capsys):
    runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "outputs: ('short_mom', 'long_mom', 'liquid_reversal', 'blend')" in out
    assert "error: window" not in out and "needs a constant" in out


def test_my_alphas_lookbacks():
    program = alphalang.compile(EXAMPLES / "my_alphas.alpha")
    assert program.lookback == {"short_mom": 5, "long_mom": 60, "liquid_reversal": 19, "blend": 24}
