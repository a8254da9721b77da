"""Walk-forward evaluation: train on a window, test on the bars that follow it, roll forward.

Every fold is also scored, on the same test window, with the untrained initial parameters and with a uniform
hold (equal value in every asset at the window's first bar, then held): the baselines training must beat.

Example:
    >>> import numpy as np
    >>> from alphalang.strategy import MarketData, RuleNode, Strategy, StrategyConfig
    >>> prices = np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.01, (90, 3)), axis=0))
    >>> wf = walk_forward(Strategy(RuleNode("momentum"), StrategyConfig(maximum_change=0.02)), MarketData(prices),
    ...                   train_length=40, test_length=20, epochs=1, periods=2, verbose=False)
    >>> [f.test_range for f in wf.folds]
    [(40, 60), (60, 80)]
    >>> sorted(wf.folds[0].hold_metrics)[:3]
    ['daily_log_sharpe', 'max_drawdown', 'returns']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax.numpy as jnp
import numpy as np

from alphalang.strategy import metrics as M
from alphalang.strategy.nodes import MarketData, Strategy
from alphalang.strategy.periods import PeriodSpec
from alphalang.strategy.results import FoldResult, WalkForwardResult, row_span
from alphalang.strategy.train import check_bar_size, evaluate_periods, train


def hold_metrics(prices: np.ndarray, freq: M.Frequency) -> dict[str, float]:
    """Every metric of a uniform hold: value ``mean_i p[t, i] / p[0, i]`` over the window's price rows.

    Example:
        >>> m = hold_metrics(np.array([[1.0, 2.0], [1.1, 2.0], [1.2, 1.0]]), M.Frequency.daily())
        >>> round(m["returns"], 6), m["returns_over_hodl"]
        (-0.15, 0.0)
    """
    p = jnp.asarray(prices, dtype=jnp.float64)
    units = 1.0 / (p.shape[1] * p[0])  # equal value in every asset at the first row
    value = p @ units
    weights = p * units / value[:, None]
    return M.summary(value, p, units, weights, freq)


def walk_forward(strategy: Strategy, data: MarketData, *, train_length: int, test_length: int,
                 step: int | None = None, burn_in: int = 0, verbose: bool = True,
                 log: Callable[[str], None] = print, dates: Sequence | None = None,
                 on_epoch: Callable[[int, int, int, float, float], None] | None = None,
                 **train_kwargs) -> WalkForwardResult:
    """Train on ``[s, s + train_length)``, test on the next ``test_length`` bars, roll by ``step``.

    Training for a fold sees only data before the end of its train window (earlier bars warm the estimators).
    The test metrics come from one forward pass from the train start to the test end, with the trained
    parameters, sliced to the test window: weights at a bar depend only on earlier prices, so nothing from
    the test window leaks into them. The same window is scored with the initial parameters and a uniform hold.
    ``dates`` (one per row of ``data``) label the folds in the table; ``on_epoch(fold, epoch, epochs,
    objective, best)`` is called after every training epoch; ``verbose`` logs one line per fold.
    """
    freq = check_bar_size(strategy, data)
    if dates is not None and len(dates) != data.length:
        raise ValueError(f"dates has {len(dates)} rows, the data {data.length}")
    cp = strategy.config.chunk_period
    step = step or test_length
    result = WalkForwardResult(dates=dates)
    origin = (burn_in // cp) * cp
    fold = 0
    while True:
        tr_start = origin + ((fold * step) // cp) * cp
        tr_end = tr_start + train_length
        te_end = tr_end + test_length
        if te_end > data.length:
            break
        train_data = data.slice(0, tr_end)
        hook = None if on_epoch is None else (lambda *a, k=fold: on_epoch(k, *a))
        res = train(strategy, train_data, burn_in=tr_start, verbose=False, on_epoch=hook, **train_kwargs)
        bout = te_end - tr_start
        test_spec = [PeriodSpec(0, tr_end - tr_start, bout - 1)]
        test_data = data.slice(0, te_end)
        test, untrained = (evaluate_periods(strategy, p, test_data, test_spec, tr_start, bout)[0]
                           for p in (res.params, res.initial_params))
        hold = hold_metrics(data.prices[tr_end:te_end - 1], freq)  # the rows the test window's value covers
        done = FoldResult(fold, (tr_start, tr_end), (tr_end, te_end), res, test, untrained, hold)
        result.folds.append(done)
        if verbose:
            log(f"fold {fold}: train {row_span(dates, *done.train_range)} objective {res.best_objective:.4f}; "
                f"test {row_span(dates, *done.test_rows)} sharpe {test['sharpe']:.4f} (untrained "
                f"{untrained['sharpe']:.4f}, hold {hold['sharpe']:.4f}) return {test['returns']:.4f}")
        fold += 1
    if not result.folds:
        raise ValueError(f"data too short for one fold: need {origin + train_length + test_length} bars, "
                         f"have {data.length}")
    return result
