"""The README's tour runs as a new user would run it: every ``bash`` block after the set-up block, in order, in
a fresh directory holding a copy of ``examples/`` (as in a clone), through the installed ``alphalang`` command;
a ``text`` block of ``alpha>`` lines after a block that starts the REPL is what the user types into it; every
``python`` block runs in the same directory. The set-up block itself (install + tests) is CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"```(\w*)\n(.*?)```", flags=re.S)
PROMPT = "alpha> "


def readme_steps(text: str) -> list[tuple[str, str, str]]:
    """(language, code, stdin) per runnable block after the first, in README order.

    Example:
        >>> readme_steps("```bash\\nx\\n```\\n```bash\\nalphalang repl\\n```\\n```text\\nalpha> quit\\n```")
        [('bash', 'alphalang repl\\n', 'quit\\n')]
    """
    blocks = FENCE.findall(text)[1:]
    steps = []
    for i, (lang, code) in enumerate(blocks):
        if lang not in ("bash", "python"):
            continue
        stdin = ""
        following = blocks[i + 1] if i + 1 < len(blocks) else ("", "")
        if lang == "bash" and "alphalang repl" in code and following[0] == "text":
            stdin = "".join(line[len(PROMPT):] + "\n" for line in following[1].splitlines()
                            if line.startswith(PROMPT))
        steps.append((lang, code, stdin))
    return steps


def test_the_readme_tour_covers_the_first_hour():
    commands = "\n".join(code for _, code, _ in readme_steps(README.read_text()))
    for needed in ("alphalang check", "alphalang run", "--data", "alphalang repl", "alphalang simulate",
                   "alphalang report", "alphalang train", "alphalang.compile", "alphalang transpile"):
        assert needed in commands, needed


@pytest.fixture(scope="module")
def tour_dir(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("tour")
    shutil.copytree(ROOT / "examples", home / "examples")
    return home


def _env() -> dict:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["MPLBACKEND"] = "Agg"
    return env


def test_every_readme_command_runs_in_order(tour_dir):
    for lang, code, stdin in readme_steps(README.read_text()):
        argv = ["bash", "-euo", "pipefail", "-c", code] if lang == "bash" else [sys.executable, "-c", code]
        done = subprocess.run(argv, cwd=tour_dir, input=stdin, capture_output=True, text=True, env=_env(),
                              timeout=900)
        assert done.returncode == 0, f"README block failed:\n{code}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        assert done.stdout.strip(), code
        assert "Traceback" not in done.stdout + done.stderr, code
    produced = {p.name for p in tour_dir.iterdir()}
    assert {"my.alpha", "signals.parquet", "prices.csv", "my_report", "trained"} <= produced
