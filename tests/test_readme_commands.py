"""Every ``alphalang`` command the README shows after its first block runs and exits 0 (the two first commands
are CI itself)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from alphalang.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    return [line.strip() for block in blocks[1:] for line in block.splitlines() if line.startswith("alphalang ")]


def test_the_readme_shows_commands():
    assert "alphalang check alpha158" in _commands()


@pytest.mark.parametrize("command", _commands())
def test_readme_command_runs(command, capsys):
    assert main(shlex.split(command)[1:]) == 0
    assert capsys.readouterr().out
