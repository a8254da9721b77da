"""alphalang: compile WorldQuant-style alpha formulas into fast (time x assets) signals.

Example:
    >>> import alphalang
    >>> panel = alphalang.demo_panel(40, 6, seed=0)
    >>> alphalang.evaluate("-1 * correlation(rank(open), rank(volume), 10)", panel).shape
    (40, 6)
"""

from alphalang.data import Panel, demo_panel, load_panel
from alphalang.errors import AlphaDataError, AlphaError, AlphaNameError, AlphaSyntaxError, AlphaTypeError
from alphalang.evaluation import to_alphalens
from alphalang.program import Program, compile, evaluate
from alphalang.simulation import simulate

__version__ = "0.1.0"

__all__ = [
    "AlphaDataError", "AlphaError", "AlphaNameError", "AlphaSyntaxError", "AlphaTypeError",
    "Panel", "Program", "compile", "demo_panel", "evaluate", "load_ipython_extension", "load_panel", "simulate",
    "to_alphalens",
]


def load_ipython_extension(ipython) -> None:
    """``%load_ext alphalang``: the ``%alpha`` / ``%%alpha`` magics (see ``alphalang.notebook``)."""
    from alphalang.notebook import load_ipython_extension as load

    load(ipython)
