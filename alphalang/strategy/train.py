"""Multi-period gradient training and walk-forward evaluation.

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

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

from alphalang.strategy import metrics as M
from alphalang.strategy.nodes import MarketData, Strategy
from alphalang.strategy.periods import PeriodSpec, period_specs

AGGREGATIONS = ("mean", "min", "softmin", "sum")
OPTIMISERS = ("adam", "adamw", "sgd")
SCHEDULES = ("constant", "cosine", "exponential", "warmup_cosine")


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


def make_optimiser(optimiser: str | optax.GradientTransformation = "adam", lr: float = 0.05,
                   epochs: int = 100, weight_decay: float = 0.01, clip_norm: float | None = 10.0,
                   schedule: str = "constant", warmup_steps: int = 0,
                   lr_decay_ratio: float = 1000.0) -> optax.GradientTransformation:
    """optax chain: optional global-norm clipping, then adam / adamw / sgd with a learning-rate schedule.

    An ``optax.GradientTransformation`` passed as ``optimiser`` is used as is.
    """
    if isinstance(optimiser, optax.GradientTransformation):
        return optimiser
    min_lr = lr / lr_decay_ratio
    if schedule == "constant":
        sched = optax.constant_schedule(lr)
    elif schedule == "cosine":
        sched = optax.cosine_decay_schedule(lr, max(epochs, 1), alpha=min_lr / lr)
    elif schedule == "exponential":
        sched = optax.exponential_decay(lr, max(epochs, 1), min_lr / lr, end_value=min_lr)
    elif schedule == "warmup_cosine":
        sched = optax.warmup_cosine_decay_schedule(min_lr, lr, max(warmup_steps, 1), max(epochs, 2), min_lr)
    else:
        raise ValueError(f"unknown schedule {schedule!r}; expected one of {SCHEDULES}")
    if optimiser == "adam":
        base = optax.adam(sched)
    elif optimiser == "adamw":
        base = optax.adamw(sched, weight_decay=weight_decay)
    elif optimiser == "sgd":
        base = optax.sgd(sched)
    else:
        raise ValueError(f"unknown optimiser {optimiser!r}; expected one of {OPTIMISERS}")
    parts = [optax.clip_by_global_norm(clip_norm)] if clip_norm else []
    return optax.chain(*parts, base)


# --------------------------------------------------------------------------------------------- results
@dataclass
class TrainResult:
    """Trained parameters and per-period evaluation of the best parameters."""

    params: dict
    initial_params: dict
    best_objective: float
    epochs_trained: int
    objective_history: list[float]
    periods: list[PeriodSpec]
    period_metrics: list[dict]
    nan_reinits: int = 0
    start_index: int = 0
    seconds: float = 0.0
    metric: str = "sharpe"
    aggregation: str = "mean"

    @property
    def period_sharpes(self) -> list[float]:
        return [m["sharpe"] for m in self.period_metrics]

    @property
    def period_returns(self) -> list[float]:
        return [m["returns"] for m in self.period_metrics]

    @property
    def period_returns_over_hodl(self) -> list[float]:
        return [m["returns_over_hodl"] for m in self.period_metrics]

    def stats(self, key: str) -> dict[str, float]:
        """mean / std / worst of a per-period metric."""
        vals = np.array([m[key] for m in self.period_metrics])
        return {"mean": float(vals.mean()), "std": float(vals.std()), "worst": float(vals.min())}

    @property
    def mean_sharpe(self) -> float:
        return self.stats("sharpe")["mean"]

    @property
    def std_sharpe(self) -> float:
        return self.stats("sharpe")["std"]

    @property
    def worst_sharpe(self) -> float:
        return self.stats("sharpe")["worst"]

    def table(self) -> str:
        """Per-period table (sharpe, return, return over hodl) with mean/std/worst rows."""
        keys = ("sharpe", "returns", "returns_over_hodl")
        lines = [f"{'period':>8} {'start':>7} {'end':>7} " + " ".join(f"{k:>18}" for k in keys)]
        for spec, m in zip(self.periods, self.period_metrics, strict=True):
            lines.append(f"{spec.period_id:>8} {spec.rel_start:>7} {spec.rel_end:>7} "
                         + " ".join(f"{m[k]:>18.6f}" for k in keys))
        for stat in ("mean", "std", "worst"):
            lines.append(f"{stat:>8} {'':>7} {'':>7} " + " ".join(f"{self.stats(k)[stat]:>18.6f}" for k in keys))
        return "\n".join(lines)

    def save(self, out_dir: str | Path) -> Path:
        """Write ``params.json`` (nested lists), ``params.npz`` (flat) and ``periods.csv`` into ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        flat = flatten_params(self.params)
        np.savez(out / "params.npz", **flat)
        payload = {"best_objective": self.best_objective, "metric": self.metric, "aggregation": self.aggregation,
                   "epochs_trained": self.epochs_trained, "start_index": self.start_index,
                   "params": {k: v.tolist() for k, v in flat.items()}}
        (out / "params.json").write_text(json.dumps(payload, indent=2))
        keys = list(self.period_metrics[0]) if self.period_metrics else []
        rows = ["period,rel_start,rel_end," + ",".join(keys)]
        for spec, m in zip(self.periods, self.period_metrics, strict=True):
            rows.append(f"{spec.period_id},{spec.rel_start},{spec.rel_end}," + ",".join(f"{m[k]:.10g}" for k in keys))
        (out / "periods.csv").write_text("\n".join(rows) + "\n")
        return out


def flatten_params(params, prefix: str = "") -> dict[str, np.ndarray]:
    """Nested params -> ``{"children.0.log_k": array, ...}``."""
    flat: dict[str, np.ndarray] = {}
    if isinstance(params, dict):
        for k, v in params.items():
            flat.update(flatten_params(v, f"{prefix}{k}."))
    elif isinstance(params, (tuple, list)):
        for i, v in enumerate(params):
            flat.update(flatten_params(v, f"{prefix}{i}."))
    else:
        flat[prefix[:-1]] = np.asarray(params)
    return flat


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


def evaluate_periods(strategy: Strategy, params, data: MarketData, specs: list[PeriodSpec], start_index: int = 0,
                     bout_length: int | None = None) -> list[dict]:
    """All metrics for every window of one forward pass with ``params``."""
    bout = bout_length or data.length - start_index
    sim = jax.jit(lambda p, x, s: strategy.simulate(p, (x, s), start_index, bout))(params, *data.arrays())
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
          log: Callable[[str], None] = print) -> TrainResult:
    """Train ``strategy`` on ``data`` across ``periods`` windows of one forward pass (see module docstring).

    ``burn_in`` bars (rounded down to a multiple of ``chunk_period``) only warm up the estimators.
    ``metric`` is any of :data:`alphalang.strategy.metrics.OBJECTIVES` (higher is better).
    Returns a :class:`TrainResult` holding the best parameters and their per-period metrics.
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {aggregation!r}; expected one of {AGGREGATIONS}")
    if metric not in M.OBJECTIVES:
        raise ValueError(f"unknown metric {metric!r}; expected one of {M.OBJECTIVES}")
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
    obj, _, _ = vg(cur, prices, signals)
    if epochs == 0 or (math.isfinite(float(obj)) and float(obj) > best_obj):
        best_obj, best_params = float(obj), cur
    _, (_, sim), _ = vg(best_params, prices, signals)  # same compiled function: no extra compile
    per = _summaries(sim, data.prices[start:start + bout - 1], specs, strategy.config.freq)
    return TrainResult(params=best_params, initial_params=init, best_objective=best_obj, epochs_trained=epochs,
                       objective_history=history, periods=specs, period_metrics=per, nan_reinits=n_reinit,
                       start_index=start, seconds=time.perf_counter() - t0, metric=metric,
                       aggregation=aggregation)


# ---------------------------------------------------------------------------------------- walk-forward
@dataclass
class FoldResult:
    """One walk-forward fold: train on ``train_range``, test on the following ``test_range`` (bar indices)."""

    fold: int
    train_range: tuple[int, int]
    test_range: tuple[int, int]
    train_result: TrainResult
    test_metrics: dict


@dataclass
class WalkForwardResult:
    """All folds plus mean/std/worst of the out-of-sample metrics."""

    folds: list[FoldResult] = field(default_factory=list)

    def stats(self, key: str) -> dict[str, float]:
        vals = np.array([f.test_metrics[key] for f in self.folds])
        return {"mean": float(vals.mean()), "std": float(vals.std()), "worst": float(vals.min())}

    def table(self) -> str:
        keys = ("sharpe", "returns", "returns_over_hodl")
        lines = [f"{'fold':>5} {'train':>15} {'test':>15} " + " ".join(f"{'oos ' + k:>22}" for k in keys)]
        for f in self.folds:
            tr = f"{f.train_range[0]}-{f.train_range[1]}"
            te = f"{f.test_range[0]}-{f.test_range[1]}"
            lines.append(f"{f.fold:>5} {tr:>15} {te:>15} " + " ".join(f"{f.test_metrics[k]:>22.6f}" for k in keys))
        for stat in ("mean", "std", "worst"):
            lines.append(f"{stat:>5} {'':>15} {'':>15} " + " ".join(f"{self.stats(k)[stat]:>22.6f}" for k in keys))
        return "\n".join(lines)


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
