"""BRAIN-style simulation: the book an alpha implies (universe, delay, decay, neutralization, truncation), its
daily PnL and the metrics alphas are judged by (docs/simulation.md).

Example:
    >>> import alphalang
    >>> panel = alphalang.demo_panel(120, 20, seed=1)
    >>> sim = simulate(-alphalang.evaluate("ts_delta(close, 3)", panel), panel, neutralization="market")
    >>> float(abs(sim.weights[-1]).sum())
    1.0
"""

from alphalang.simulation.metrics import NAMES
from alphalang.simulation.settings import SETTINGS
from alphalang.simulation.simulation import Simulation, Simulations, simulate

__all__ = ["NAMES", "SETTINGS", "Simulation", "Simulations", "simulate"]
