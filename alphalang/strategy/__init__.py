"""JAX strategy layer: turn alpha signals (or prices) into portfolio weights, simulate them, and train.

Importing this package switches JAX to float64 (the only place that does so).

Example:
    >>> import numpy as np
    >>> from alphalang.strategy import MarketData, RuleNode, Strategy, StrategyConfig, train
    >>> rng = np.random.default_rng(0)
    >>> prices = np.exp(np.cumsum(rng.normal(0, 0.01, (120, 4)), axis=0))
    >>> data = MarketData(prices, {"mom": np.log(prices) - np.log(np.roll(prices, 5, axis=0))})
    >>> strat = Strategy(RuleNode("signal_gradient", signal="mom"), StrategyConfig(maximum_change=0.05))
    >>> result = train(strat, data, periods=2, epochs=3, verbose=False)
    >>> len(result.period_sharpes)
    2
"""

import jax

jax.config.update("jax_enable_x64", True)

from alphalang.strategy.estimators import ewma_gradient, ewma_gradient_readout, ewma_variance  # noqa: E402
from alphalang.strategy.guardrails import (  # noqa: E402
    apply_weight_bounds,
    bout_weights,
    coarse_weights,
    interpolate_fine,
    limit_change,
)
from alphalang.strategy.meta import MetaNode  # noqa: E402
from alphalang.strategy.metrics import Frequency  # noqa: E402
from alphalang.strategy.nodes import MarketData, Node, RuleNode, Strategy, StrategyConfig  # noqa: E402
from alphalang.strategy.params import (  # noqa: E402
    inverse_squareplus,
    k_from_log_k,
    k_per_step,
    lamb_from_memory_days,
    lamb_from_memory_steps,
    logit,
    memory_days_from_lamb,
    memory_steps_from_lamb,
    sigmoid,
    squareplus,
)
from alphalang.strategy.periods import PeriodSpec, period_specs  # noqa: E402
from alphalang.strategy.results import FoldResult, TrainResult, WalkForwardResult  # noqa: E402
from alphalang.strategy.rules import RULES, ParamSpec, Rule, get_rule  # noqa: E402
from alphalang.strategy.simulate import (  # noqa: E402
    SimResult,
    g3m_value,
    simulate_g3m,
    simulate_g3m_fees,
    simulate_portfolio,
)
from alphalang.strategy.train import aggregate, train  # noqa: E402
from alphalang.strategy.walkforward import walk_forward  # noqa: E402

__all__ = [
    "RULES", "FoldResult", "Frequency", "MarketData", "MetaNode", "Node", "ParamSpec", "PeriodSpec", "Rule",
    "RuleNode", "SimResult", "Strategy", "StrategyConfig", "TrainResult", "WalkForwardResult", "aggregate",
    "apply_weight_bounds", "bout_weights", "coarse_weights", "ewma_gradient", "ewma_gradient_readout",
    "ewma_variance", "g3m_value", "get_rule", "interpolate_fine", "inverse_squareplus", "k_from_log_k",
    "k_per_step", "lamb_from_memory_days", "lamb_from_memory_steps", "limit_change", "logit",
    "memory_days_from_lamb", "memory_steps_from_lamb", "period_specs", "sigmoid", "simulate_g3m",
    "simulate_g3m_fees", "simulate_portfolio", "squareplus", "train", "walk_forward",
]
