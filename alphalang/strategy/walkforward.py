"""Walk-forward evaluation: train on a window, test on the bars that follow it, roll forward.

Example:
    >>> import numpy as np
    >>> from alphalang.strategy import MarketData, RuleNode, Strategy, StrategyConfig
    >>> prices = np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.01, (90, 3)), axis=0))
    >>> wf = walk_forward(Strategy(RuleNode("momentum"), StrategyConfig(maximum_change=0.02)), MarketData(prices),
    ...                   train_length=40, test_length=20, epochs=1, periods=2, verbose=False)
    >>> [f.test_range for f in wf.folds]
    [(40, 60), (60, 80)]
"""

from __future__ import annotations

from collections.abc import Callable

from alphalang.strategy.nodes import MarketData, Strategy
from alphalang.strategy.periods import PeriodSpec
from alphalang.strategy.results import FoldResult, WalkForwardResult
from alphalang.strategy.train import evaluate_periods, train


def walk_forward(strategy: Strategy, data: MarketData, *, train_length: int, test_length: int,
                 step: int | None = None, burn_in: int = 0, verbose: bool = True,
                 log: Callable[[str], None] = print, **train_kwargs) -> WalkForwardResult:
    """Train on ``[s, s + train_length)``, test on the next ``test_length`` bars, roll by ``step``.

    Training for a fold sees only data before the end of its train window (earlier bars warm the estimators).
    The test metrics come from one forward pass from the train start to the test end, with the trained
    parameters, sliced to the test window: weights at a bar depend only on earlier prices, so nothing from
    the test window leaks into them.
    """
    cp = strategy.config.chunk_period
    step = step or test_length
    result = WalkForwardResult()
    origin = (burn_in // cp) * cp
    fold = 0
    while True:
        tr_start = origin + ((fold * step) // cp) * cp
        tr_end = tr_start + train_length
        te_end = tr_end + test_length
        if te_end > data.length:
            break
        train_data = data.slice(0, tr_end)
        res = train(strategy, train_data, burn_in=tr_start, verbose=False, **train_kwargs)
        bout = te_end - tr_start
        test_spec = [PeriodSpec(0, tr_end - tr_start, bout - 1)]
        test = evaluate_periods(strategy, res.params, data.slice(0, te_end), test_spec, tr_start, bout)[0]
        result.folds.append(FoldResult(fold, (tr_start, tr_end), (tr_end, te_end), res, test))
        if verbose:
            log(f"fold {fold}: train {tr_start}-{tr_end} objective {res.best_objective:.4f}; "
                f"test {tr_end}-{te_end} sharpe {test['sharpe']:.4f} return {test['returns']:.4f}")
        fold += 1
    if not result.folds:
        raise ValueError(f"data too short for one fold: need {origin + train_length + test_length} bars, "
                         f"have {data.length}")
    return result
