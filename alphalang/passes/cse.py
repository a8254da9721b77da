"""Former name of ``passes.prune`` (CSE itself happens in ``ir.Graph.add``); kept for old imports."""

from alphalang.passes.prune import prune, reachable

__all__ = ["prune", "reachable"]
