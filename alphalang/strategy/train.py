"""Multi-period gradient training (walk-forward lives in :mod:`~alphalang.strategy.walkforward`).

:func:`train` runs ONE forward pass over the whole training span, slices evaluation windows out of it
(:func:`~alphalang.strategy.periods.period_specs`), computes the objective metric in every window (each
window's starting holdings are its own hodl baseline), aggregates them (mean / min / softmin / sum) and takes
one gradient step with an optax chain per epoch.  Non-finite gradients re-initialise the affected parameters
near their initial values; the best parameters seen are kept.

Example:
    >>> import numpy as np
    >>> from alphalang.strategy import MarketData, RuleNode, Strategy, StrategyConfig
    >>> prices = np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.01, (200, 3)), axis=0))
    >>> strat = Strategy(RuleNode("momentum"), StrategyConfig(maximum_change=0.02))
    >>> res = train(strat, MarketData(prices), periods=2, epochs=2, verbose=False)
    >>> res.epochs_trained
    2
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax

from alphalang.errors import AlphaTypeError
from alphalang.strategy import metrics as M
from alphalang.strategy.nodes import MarketData, Strategy
from alphalang.strategy.optimisers import OPTIMISERS, SCHEDULES, make_optimiser
from alphalang.strategy.periods import PeriodSpec, period_specs
from alphalang.strategy.results import TrainResult

__all__ = ["AGGREGATIONS", "OPTIMISERS", "SCHEDULES", "aggregate", "check_bar_size", "evaluate_periods",
           "make_objective", "train"]

AGGREGATIONS = ("mean", "min", "softmin", "sum")


def aggregate(values, how: str = "mean", temperature: float = 1.0):
    """Combine per-period metrics: ``mean``, ``sum``, ``min`` (gradient through the minimum only) or
    ``softmin`` = ``sum(m * softmax(-m / temperature))``, which tends to ``min`` as ``temperature -> 0``.

    Example:
        >>> float(aggregate(jnp.array([1.0, 2.0]), "softmin", 1e-3))
        1.0
    """
    values = jnp.asarray(values)
    if how == "mean":
        return jnp.mean(values)
    if how == "sum":
        return jnp.sum(values)
    if how == "min":
        return jnp.min(values)
    if how == "softmin":
        return jnp.sum(values * jax.nn.softmax(-values / temperature))
    raise ValueError(f"unknown aggregation {how!r}; expected one of {AGGREGATIONS}")


def check_bar_size(strategy: Strategy, data: MarketData) -> M.Frequency:
    """The bar size metrics are annualised with: ``strategy.config.freq``, its one source.

    ``data.freq`` may restate it; a different one is rejected (it used to be ignored silently, so daily data
    tagged ``Frequency.daily()`` under the default 365 days a year had its Sharpe inflated by sqrt(365/252)).

    Example:
        >>> import numpy as np
        >>> from alphalang.strategy import RuleNode, StrategyConfig
        >>> strat = Strategy(RuleNode("momentum"), StrategyConfig(days_per_year=252))
        >>> check_bar_size(strat, MarketData(np.ones((3, 2)))).periods_per_year
        252.0
        >>> check_bar_size(strat, MarketData(np.ones((3, 2)), freq=M.Frequency.minutes()))
        Traceback (most recent call last):
        alphalang.errors.AlphaTypeError: error: the data's bar size (1440 bars a day, 365 days a year) differs ...
    """
    own, given = strategy.config.freq, data.freq
    if given is not None and (given.bars_per_day, given.days_per_year) != (own.bars_per_day, own.days_per_year):
        raise AlphaTypeError(
            f"the data's bar size ({given.bars_per_day:g} bars a day, {given.days_per_year:g} days a year) differs "
            f"from the strategy's (StrategyConfig bars_per_day = {own.bars_per_day:g}, days_per_year = "
            f"{own.days_per_year:g}), which annualises the metrics",
            hint=f"set StrategyConfig(bars_per_day={given.bars_per_day:g}, days_per_year={given.days_per_year:g}) "
                 "and leave MarketData's freq out")
    return own


# -------------------------------------------------------------------------------------------- training
def _window_metrics(sim, prices, specs, metric, freq):
    vals = []
    for spec in specs:
        a, b = spec.rel_start, spec.rel_end
        vals.append(M.evaluate(metric, sim.value[a:b], prices[a:b], sim.reserves[a], sim.weights[a:b], freq))
    return jnp.stack(vals)


def make_objective(strategy: Strategy, specs: list[PeriodSpec], start_index: int, bout_length: int,
                   metric: str, aggregation: str, temperature: float) -> Callable:
    """``objective(params, prices, signals) -> (aggregate, (per_period, sim))`` over one forward pass."""
    freq = strategy.config.freq

    def objective(params, prices, signals):
        sim = strategy.simulate(params, (prices, signals), start_index, bout_length)
        bout_prices = jax.lax.dynamic_slice_in_dim(prices, start_index, bout_length - 1, axis=0)
        per_period = _window_metrics(sim, bout_prices, specs, metric, freq)
        return aggregate(per_period, aggregation, temperature), (per_period, sim)

    return objective


def _summaries(sim, prices, specs, freq) -> list[dict]:
    out = []
    for spec in specs:
        a, b = spec.rel_start, spec.rel_end
        out.append(M.summary(sim.value[a:b], prices[a:b], sim.reserves[a], sim.weights[a:b], freq))
    return out


def _jit_simulate(strategy: Strategy, start_index: int, bout_length: int) -> Callable:
    return jax.jit(lambda p, x, s: strategy.simulate(p, (x, s), start_index, bout_length))


_cached_jit_simulate = functools.lru_cache(maxsize=64)(_jit_simulate)


def jitted_simulate(strategy: Strategy, start_index: int, bout_length: int) -> Callable:
    """``f(params, prices, signals) -> SimResult``, compiled once per (strategy, start, length) and reused
    (a strategy whose options cannot be hashed is compiled afresh)."""
    try:
        hash(strategy)
    except TypeError:
        return _jit_simulate(strategy, start_index, bout_length)
    return _cached_jit_simulate(strategy, start_index, bout_length)


def evaluate_periods(strategy: Strategy, params, data: MarketData, specs: list[PeriodSpec], start_index: int = 0,
                     bout_length: int | None = None) -> list[dict]:
    """All metrics for every window of one forward pass with ``params``."""
    check_bar_size(strategy, data)
    bout = bout_length or data.length - start_index
    sim = jitted_simulate(strategy, start_index, bout)(params, *data.arrays())
    return _summaries(sim, data.prices[start_index:start_index + bout - 1], specs, strategy.config.freq)


def _reinit(params, grads, initial, trainable, key, noise_scale):
    leaves, treedef = jax.tree_util.tree_flatten(params)
    g_leaves = jax.tree_util.tree_leaves(grads)
    i_leaves = jax.tree_util.tree_leaves(initial)
    m_leaves = jax.tree_util.tree_leaves(trainable)
    keys = jax.random.split(key, len(leaves))
    out = []
    for p, g, i0, m, k in zip(leaves, g_leaves, i_leaves, m_leaves, keys, strict=True):
        bad = ~jnp.isfinite(g) | ~jnp.isfinite(p)
        fresh = i0 + (noise_scale * jax.random.normal(k, jnp.shape(i0)) if m else 0.0)
        out.append(jnp.where(bad, fresh, p))
    return jax.tree_util.tree_unflatten(treedef, out)


def _all_finite(tree) -> bool:
    return all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree_util.tree_leaves(tree))


def train(strategy: Strategy, data: MarketData, *, periods: int = 4, overlap: float = 0.0,
          aggregation: str = "mean", temperature: float = 1.0, metric: str = "sharpe",
          optimiser: str | optax.GradientTransformation = "adam", lr: float = 0.05, epochs: int = 100,
          weight_decay: float = 0.01, clip_norm: float | None = 10.0, schedule: str = "constant",
          warmup_steps: int = 0, burn_in: int = 0, params: dict | None = None, seed: int = 0,
          noise_scale: float = 0.1, verbose: bool = True, log_every: int = 10,
          log: Callable[[str], None] = print,
          on_epoch: Callable[[int, int, float, float], None] | None = None) -> TrainResult:
    """Train ``strategy`` on ``data`` across ``periods`` windows of one forward pass (see module docstring).

    ``burn_in`` bars (rounded down to a multiple of ``chunk_period``) only warm up the estimators.
    ``metric`` is any of :data:`alphalang.strategy.metrics.OBJECTIVES` (higher is better).
    ``verbose`` logs every ``log_every``-th epoch through ``log``; ``on_epoch(epoch, epochs, objective, best)``
    is called after every epoch (epoch counts from 1), e.g. to advance a progress bar.
    Returns a :class:`TrainResult` holding the best parameters and their per-period metrics.
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {aggregation!r}; expected one of {AGGREGATIONS}")
    if metric not in M.OBJECTIVES:
        raise ValueError(f"unknown metric {metric!r}; expected one of {M.OBJECTIVES}")
    if metric == "returns_over_hodl" and strategy.config.long_short:
        raise AlphaTypeError("metric 'returns_over_hodl' has no meaning for a long/short book: it starts flat, "
                             "so there are no starting holdings to hold",
                             hint="train on sharpe, returns or returns_over_uniform_hodl")
    check_bar_size(strategy, data)
    t0 = time.perf_counter()
    cp = strategy.config.chunk_period
    start = (burn_in // cp) * cp
    bout = data.length - start
    if bout < 2 * periods + 1:
        raise ValueError(f"not enough data: {bout} bars after burn-in for {periods} periods")
    specs = period_specs(periods, bout - 1, overlap)
    defaults = strategy.init_params(data)
    init = params if params is not None else defaults
    trainable = strategy.trainable(init)
    objective = make_objective(strategy, specs, start, bout, metric, aggregation, temperature)
    opt = make_optimiser(optimiser, lr, epochs, weight_decay, clip_norm, schedule, warmup_steps)

    def value_and_grad(p, prices, signals):
        (obj, aux), grads = jax.value_and_grad(objective, has_aux=True)(p, prices, signals)
        grads = jax.tree_util.tree_map(lambda g, m: g if m else jnp.zeros_like(g), grads, trainable)
        return obj, aux, grads

    @jax.jit
    def apply(p, state, grads):
        neg = jax.tree_util.tree_map(lambda g: -g, grads)
        updates, state = opt.update(neg, state, p)
        new = optax.apply_updates(p, updates)
        new = jax.tree_util.tree_map(lambda n, o, m: n if m else o, new, p, trainable)
        return new, state

    vg = jax.jit(value_and_grad)
    prices, signals = data.arrays()
    cur = init
    state = opt.init(cur)
    key = jax.random.PRNGKey(seed)
    best_obj, best_params = -math.inf, cur
    history: list[float] = []
    n_reinit = 0
    for epoch in range(epochs):
        obj, _, grads = vg(cur, prices, signals)
        obj_f = float(obj)
        history.append(obj_f)
        if math.isfinite(obj_f) and obj_f > best_obj:
            best_obj, best_params = obj_f, cur
        if not _all_finite(grads):
            key, sub = jax.random.split(key)
            cur = _reinit(cur, grads, defaults, trainable, sub, noise_scale)
            state = opt.init(cur)
            n_reinit += 1
        else:
            cur, state = apply(cur, state, grads)
        if verbose and (epoch % max(log_every, 1) == 0 or epoch == epochs - 1):
            log(f"epoch {epoch + 1:>5}/{epochs}  objective {obj_f: .6f}  best {best_obj: .6f}")
        if on_epoch is not None:
            on_epoch(epoch + 1, epochs, obj_f, best_obj)
    obj, _, _ = vg(cur, prices, signals)
    if epochs == 0 or (math.isfinite(float(obj)) and float(obj) > best_obj):
        best_obj, best_params = float(obj), cur
    _, (_, sim), _ = vg(best_params, prices, signals)  # same compiled function: no extra compile
    per = _summaries(sim, data.prices[start:start + bout - 1], specs, strategy.config.freq)
    return TrainResult(params=best_params, initial_params=init, best_objective=best_obj, epochs_trained=epochs,
                       objective_history=history, periods=specs, period_metrics=per, nan_reinits=n_reinit,
                       start_index=start, seconds=time.perf_counter() - t0, metric=metric,
                       aggregation=aggregation)
