"""The alphalang REPL: ``alphalang repl --demo``, or ``Session`` + ``run_repl`` from Python.

Example:
    >>> from alphalang.repl import Session, execute
    >>> s = Session(demo_days=30, demo_assets=4)
    >>> execute(s, "mom = rank(delta(close, 5))")
    'mom: lookback 5'
"""

from alphalang.repl.app import run_piped, run_prompt, run_repl
from alphalang.repl.commands import COMMANDS, QuitRepl, execute
from alphalang.repl.session import Session, is_complete

__all__ = ["COMMANDS", "QuitRepl", "Session", "execute", "is_complete", "run_piped", "run_prompt", "run_repl"]
