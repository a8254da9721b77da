"""Strategy nodes and the top-level :class:`Strategy` (settings + node tree + simulation).

A node turns market data (prices and named alpha signals, each (T, N)) into rule outputs and fine weights.
:class:`RuleNode` wraps one rule from :mod:`alphalang.strategy.rules`; ``MetaNode`` (in ``meta.py``)
mixes children.  Parameters are plain dicts of jax arrays (pytrees), so they jit, vmap and differentiate.

Example:
    >>> import numpy as np
    >>> from alphalang.strategy import MarketData, RuleNode, Strategy, StrategyConfig
    >>> prices = np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.01, (50, 3)), axis=0))
    >>> strat = Strategy(RuleNode("momentum"), StrategyConfig(chunk_period=1, bars_per_day=1))
    >>> data = MarketData(prices)
    >>> params = strat.init_params(data)
    >>> strat.weights(params, data).shape
    (49, 3)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from alphalang.errors import AlphaTypeError
from alphalang.strategy.book import simulate_book
from alphalang.strategy.guardrails import bout_weights
from alphalang.strategy.metrics import Frequency
from alphalang.strategy.rules import RuleContext, blend_lamb, get_rule
from alphalang.strategy.simulate import SimResult, simulate_g3m, simulate_g3m_fees, simulate_portfolio

SIMULATIONS = ("g3m", "portfolio", "long_short")


@dataclass(frozen=True)
class MarketData:
    """Prices (T, N), optional named alpha signals (each (T, N), NaN allowed) and, optionally, the bar size.

    Signals are aligned with the price rows: ``signals[name][t]`` may use data up to and including bar t.
    The bar size has one source, ``StrategyConfig(bars_per_day=, days_per_year=)`` (annualisation and memory
    in days); ``freq`` may restate it, and training rejects a ``freq`` that differs from the strategy's.
    """

    prices: Any
    signals: dict = field(default_factory=dict)
    freq: Frequency | None = None

    def __post_init__(self):
        prices = np.asarray(self.prices, dtype=np.float64)
        if prices.ndim != 2:
            raise ValueError(f"prices must be (T, N), got shape {prices.shape}")
        object.__setattr__(self, "prices", prices)
        sigs = {}
        for name, sig in dict(self.signals).items():
            sig = np.asarray(sig, dtype=np.float64)
            if sig.shape != prices.shape:
                raise ValueError(f"signal {name!r} has shape {sig.shape}, prices have {prices.shape}")
            sigs[name] = sig
        object.__setattr__(self, "signals", sigs)

    @property
    def n_assets(self) -> int:
        return self.prices.shape[1]

    @property
    def length(self) -> int:
        return self.prices.shape[0]

    def slice(self, start: int, stop: int) -> MarketData:
        """Rows ``[start, stop)`` of prices and signals."""
        return MarketData(self.prices[start:stop], {k: v[start:stop] for k, v in self.signals.items()},
                          self.freq)

    def arrays(self) -> tuple:
        """``(prices, signals)`` as jax arrays, the form the jitted functions take."""
        return jnp.asarray(self.prices), {k: jnp.asarray(v) for k, v in self.signals.items()}


@dataclass(frozen=True)
class StrategyConfig:
    """Time unit, guardrails and simulation settings shared by every node of a strategy.

    ``chunk_period``: bars per rule step; ``interpolation_period``: bars over which a step's change is spread
    (default ``chunk_period``); ``maximum_change``: largest weight change per bar; ``minimum_weight``: default
    ``0.1/N``; ``simulation``: ``"g3m"`` (pool, ``fees`` > 0 uses the arbitrage scan) or ``"portfolio"``
    (rebalanced book paying ``cost`` per unit turnover) or ``"long_short"`` (signed, dollar-neutral weights of
    gross ``leverage`` = sum |w|, the simulation layer's book on capital ``initial_value`` paying ``cost`` per
    dollar traded; see :mod:`alphalang.strategy.book`).
    """

    chunk_period: int = 1
    interpolation_period: int | None = None
    bars_per_day: float = 1.0
    days_per_year: float = 365.0
    maximum_change: float = 1.0
    minimum_weight: float | None = None
    max_memory_days: float = 365.0
    simulation: str = "g3m"
    fees: float = 0.0
    cost: float = 0.0
    initial_value: float = 1e6
    leverage: float = 1.0

    def __post_init__(self):
        if self.interpolation_period is not None and self.interpolation_period > self.chunk_period:
            raise AlphaTypeError(
                f"interpolation_period = {self.interpolation_period} is longer than chunk_period = "
                f"{self.chunk_period}: a rule step would be cut off before its change is spread, and the held "
                "weights would jump by more than maximum_change at the next step",
                hint="use interpolation_period <= chunk_period (or leave it out: it defaults to chunk_period)")

    @property
    def f(self) -> int:
        return self.interpolation_period or self.chunk_period

    @property
    def freq(self) -> Frequency:
        return Frequency(self.bars_per_day, self.days_per_year)

    @property
    def long_short(self) -> bool:
        return self.simulation == "long_short"

    def min_weight(self, n_assets: int) -> float:
        return self.minimum_weight if self.minimum_weight is not None else 0.1 / n_assets


class Node:
    """Base class of strategy nodes."""

    kind: str = "delta"

    def init_params(self, n_assets: int, cfg: StrategyConfig, data: MarketData | None = None) -> dict:
        raise NotImplementedError

    def trainable(self, params: dict) -> dict:
        raise NotImplementedError

    def rule_outputs(self, params, cfg: StrategyConfig, prices, signals):
        raise NotImplementedError

    def blend(self, params, cfg: StrategyConfig):
        return None

    def weights(self, params, cfg: StrategyConfig, prices, signals, start_index: int, bout_length: int):
        """Fine weights (bout_length - 1, N) for the bout starting at ``start_index``."""
        n = prices.shape[1]
        outputs = self.rule_outputs(params, cfg, prices, signals)
        init = jnp.zeros(n) if cfg.long_short else jnp.full(n, 1.0 / n)  # a long/short book starts flat
        return bout_weights(outputs, init, start_index=start_index, bout_length=bout_length,
                            chunk_period=cfg.chunk_period, interpolation_period=cfg.f,
                            minimum_weight=cfg.min_weight(n), maximum_change=cfg.maximum_change,
                            kind=self.kind, blend_lamb=self.blend(params, cfg),
                            leverage=cfg.leverage if cfg.long_short else None)

    def signal_names(self) -> set[str]:
        return set()

    def rule_nodes(self) -> list[RuleNode]:
        """Every rule node of the tree under this node."""
        return [self] if isinstance(self, RuleNode) else [r for c in getattr(self, "children", ()) for r in
                                                            c.rule_nodes()]

    def describe(self) -> str:
        return repr(self)


@dataclass(frozen=True)
class RuleNode(Node):
    """One update rule. ``signal`` names the alpha a signal rule reads; ``options`` holds static settings
    (``transform`` for ``signal_gradient``; ``memory_days``, ``k_per_day``, ``use_alt_lamb``); ``initial``
    overrides raw initial parameter values by name.

    Example: ``RuleNode("signal_gradient", signal="alpha001", options={"transform": "zscore"})``.
    """

    rule: str
    signal: str | None = None
    options: dict = field(default_factory=dict)
    initial: dict = field(default_factory=dict)

    def __post_init__(self):
        spec = get_rule(self.rule)
        if spec.uses == "signal" and not self.signal:
            raise ValueError(f"rule {self.rule!r} needs a signal name (signal=...)")

    def __hash__(self):
        return hash((self.rule, self.signal, tuple(sorted(self.options.items())),
                     tuple(sorted((k, str(v)) for k, v in self.initial.items()))))

    @property
    def spec(self):
        return get_rule(self.rule)

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.spec.kind

    def context(self, cfg: StrategyConfig) -> RuleContext:
        opts = dict(self.options)
        return RuleContext(
            chunk_period=cfg.chunk_period, bars_per_day=max(int(round(cfg.bars_per_day)), 1),
            max_memory_days=cfg.max_memory_days,
            initial_memory_days=float(opts.pop("memory_days", 10.0)),
            initial_k_per_day=float(opts.pop("k_per_day", 20.0)),
            use_alt_lamb=bool(opts.pop("use_alt_lamb", False)),
            options=tuple(sorted(opts.items())),
        )

    def init_params(self, n_assets, cfg, data=None):
        overrides = dict(self.initial)
        if self.spec.initial_overrides is not None:
            signal = data.signals.get(self.signal) if data is not None and self.signal else None
            derived = self.spec.initial_overrides(n_assets, signal, dict(self.options))
            overrides = {**derived, **overrides}
        return self.spec.initial_params(n_assets, self.context(cfg), overrides)

    def trainable(self, params):
        mask = self.spec.trainable_mask()
        ctx_alt = self.context(StrategyConfig()).use_alt_lamb
        out = {}
        for name in params:
            ok = mask.get(name, True)
            if name == "logit_delta_lamb" and self.kind == "delta" and not ctx_alt:
                ok = False  # unused: its gradient would be identically zero
            out[name] = ok
        return out

    def rule_outputs(self, params, cfg, prices, signals):
        chunk_prices = prices[:: cfg.chunk_period]
        sig = None
        if self.signal is not None:
            if self.signal not in signals:
                have = ", ".join(sorted(signals)) or "none"
                raise KeyError(f"signal {self.signal!r} not in data (have: {have})")
            sig = signals[self.signal][:: cfg.chunk_period]
        return self.spec(params, self.context(cfg), chunk_prices, sig)

    def blend(self, params, cfg):
        if self.kind != "target":
            return None
        return blend_lamb(params, self.context(cfg), self.spec)

    def signal_names(self):
        return {self.signal} if self.signal else set()

    def describe(self) -> str:
        """Short one-line form, e.g. ``signal_gradient(mom, transform=zscore)``."""
        args = ([self.signal] if self.signal else []) + [f"{k}={v}" for k, v in sorted(self.options.items())]
        return f"{self.rule}({', '.join(args)})"

    def structure_key(self):
        """Nodes with equal keys differ only in their signal and can be vmapped together."""
        return (self.rule, tuple(sorted(self.options.items())),
                tuple(sorted((k, str(v)) for k, v in self.initial.items())))

    def with_signal(self, signal: str) -> RuleNode:
        return replace(self, signal=signal)


@dataclass(frozen=True)
class Strategy:
    """A node tree plus its :class:`StrategyConfig`; knows how to initialise, weight and simulate.

    Example: see the module docstring.
    """

    node: Node
    config: StrategyConfig = StrategyConfig()

    def __post_init__(self):
        cfg = self.config
        if cfg.simulation not in SIMULATIONS:
            raise AlphaTypeError(f"unknown simulation {cfg.simulation!r}", hint=f"one of {', '.join(SIMULATIONS)}")
        if cfg.long_short and not (isinstance(cfg.leverage, int | float) and 0 < cfg.leverage < float("inf")):
            raise AlphaTypeError(f"leverage = {cfg.leverage!r}: the gross leverage of a long/short book must be > 0")
        signed = sorted({r.rule for r in self.node.rule_nodes() if r.spec.long_short_only})
        if signed and not cfg.long_short:
            raise AlphaTypeError(f"rule {signed[0]!r} gives signed weights, which only a long/short book holds",
                                 hint="set simulation = \"long_short\" (and leverage, the gross sum |w|)")

    def init_params(self, data: MarketData) -> dict:
        """Initial raw parameters for ``data``'s number of assets (signal scales are read from ``data``)."""
        return self.node.init_params(data.n_assets, self.config, data)

    def trainable(self, params: dict) -> dict:
        """Pytree of bools matching ``params``: which leaves training may change."""
        return self.node.trainable(params)

    def weights(self, params, data: MarketData | tuple, start_index: int = 0, bout_length: int | None = None):
        """Fine weights (bout_length - 1, N) held over bars ``start_index ..`` (see ``bout_weights``)."""
        prices, signals = data.arrays() if isinstance(data, MarketData) else data
        bout = bout_length if bout_length is not None else prices.shape[0] - start_index
        self._check_start(start_index)
        return self.node.weights(params, self.config, prices, signals, start_index, bout)

    def _check_start(self, start_index: int):
        if start_index % self.config.chunk_period:
            raise ValueError(f"start_index {start_index} must be a multiple of chunk_period "
                             f"{self.config.chunk_period}")

    def simulate(self, params, data: MarketData | tuple, start_index: int = 0,
                 bout_length: int | None = None) -> SimResult:
        """Weights and their value path over the bout (bout_length - 1 rows)."""
        prices, signals = data.arrays() if isinstance(data, MarketData) else data
        bout = bout_length if bout_length is not None else prices.shape[0] - start_index
        w = self.weights(params, (prices, signals), start_index, bout)
        p = jax.lax.dynamic_slice_in_dim(prices, start_index, bout - 1, axis=0)
        return simulate_weights(w, p, self.config)

    def n_trainable(self, params) -> int:
        mask = self.trainable(params)
        sizes = jax.tree_util.tree_map(lambda p, m: p.size if m else 0, params, mask)
        leaves = jax.tree_util.tree_leaves(sizes)
        return int(sum(leaves))


def simulate_weights(weights, prices, cfg: StrategyConfig) -> SimResult:
    """Run the configured simulation on a weight path."""
    if cfg.simulation == "g3m":
        if cfg.fees > 0:
            return simulate_g3m_fees(weights, prices, cfg.fees, cfg.initial_value)
        return simulate_g3m(weights, prices, cfg.initial_value)
    if cfg.simulation == "portfolio":
        return simulate_portfolio(weights, prices, cfg.cost, cfg.initial_value)
    if cfg.long_short:
        return simulate_book(weights, prices, cfg.cost, cfg.initial_value)
    raise ValueError(f"unknown simulation {cfg.simulation!r}; expected one of {SIMULATIONS}")

