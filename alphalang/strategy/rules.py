"""Update rules: map chunk prices (or an alpha signal) to weight changes or target weights.

Every rule is a :class:`Rule` with a parameter schema (name, initial value, range, per-asset or scalar,
trainable) and a function ``fn(params, ctx) -> (T-1, N)``.  Delta rules return zero-sum weight changes;
target rules return target weights.  Row ``j`` of the output may only use chunk observations ``0..j+1``.

Example:
    >>> import numpy as np
    >>> rule = RULES["momentum"]
    >>> sorted(rule.initial_params(3, RuleContext(chunk_period=1440)))
    ['log_k', 'logit_delta_lamb', 'logit_lamb']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

from alphalang.strategy.estimators import ewma_gradient, ewma_variance
from alphalang.strategy.params import (
    inverse_squareplus,
    k_from_log_k,
    lamb_from_logit,
    lamb_from_memory_days,
    logit,
    memory_days_from_lamb,
    sigmoid,
    squareplus,
)

MRC_NORMALISER = 0.5415
SIGNAL_TRANSFORMS = ("identity", "zscore", "signed_power")


# ----------------------------------------------------------------------------------------------- primitives
def zero_sum_update(k, signal, mask=None):
    """``k * (s - sum(k s)/sum(k))``: weight changes that sum to zero in every row.

    ``mask`` (same shape as ``signal``, bool) removes entries from the update: they get a change of 0 and the
    others still sum to zero.  A row with no active entry gives all zeros.
    """
    k = jnp.broadcast_to(jnp.asarray(k, dtype=jnp.float64), signal.shape)
    if mask is not None:
        k = jnp.where(mask, k, 0.0)
        signal = jnp.where(mask, signal, 0.0)
    total_k = jnp.sum(k, axis=-1, keepdims=True)
    safe_total = jnp.where(total_k == 0, 1.0, total_k)
    level = jnp.sum(k * signal, axis=-1, keepdims=True) / safe_total
    return k * (signal - level)


def momentum_update(gradient, k):
    """Momentum: ``zero_sum_update(k, g)``; assets with ``k == 0`` get no change."""
    k = jnp.broadcast_to(jnp.asarray(k, dtype=jnp.float64), gradient.shape[-1:])
    update = zero_sum_update(k, gradient)
    return jnp.where(k == 0, 0.0, update)


def antimomentum_update(gradient, k):
    """Anti-momentum: momentum with ``k`` negated, so it equals ``-momentum_update(g, k)``."""
    return momentum_update(gradient, -jnp.asarray(k, dtype=jnp.float64))


def signed_power(x, exponent):
    """``sign(x) * |x|**exponent`` (safe at 0 for gradients)."""
    ax = jnp.abs(x)
    safe = jnp.where(ax > 0, ax, 1.0)
    return jnp.where(ax > 0, jnp.sign(x) * safe**exponent, 0.0)


def power_channel_update(gradient, k, exponents, pre_exp_scaling=0.5):
    """Power channel: zero-sum update on ``sign(g) |g / (2 alpha)|**q``."""
    signal = signed_power(gradient / (2.0 * pre_exp_scaling), exponents)
    return zero_sum_update(k, signal)


def mean_reversion_channel_update(gradient, k, width, amplitude, exponents, pre_exp_scaling=0.5):
    """Mean-reversion channel: a cubic "channel" term for small gradients, power-law trend outside it.

    ``E = exp(-g^2/(2W^2))``, ``z = pi g/(3W)``,
    ``s = -A E (z - z^3/6)/0.5415 + (1-E) sign(g)|g/(2 alpha)|^q``, then the zero-sum update.
    """
    envelope = jnp.exp(-(gradient**2) / (2.0 * width**2))
    z = jnp.pi * gradient / (3.0 * width)
    channel = -amplitude * envelope * (z - z**3 / 6.0) / MRC_NORMALISER
    trend = (1.0 - envelope) * signed_power(gradient / (2.0 * pre_exp_scaling), exponents)
    return zero_sum_update(k, channel + trend)


def transform_signal(signal, kind: str = "identity", exponent=1.0):
    """Cross-sectional transform of an alpha row: ``identity``, ``zscore`` or ``signed_power``.

    ``zscore`` means exactly the language's ``cs_zscore``: ``(x - mean) / std`` over the row's non-NaN
    entries (std with ddof 0), NaN where those entries are all equal. NaN entries come back as NaN (callers
    mask them; :func:`signal_gradient_update` turns them into "no change").

    Example:
        >>> [round(float(v), 6) for v in transform_signal(jnp.array([1.0, 2.0, jnp.nan, 3.0]), "zscore")[::3]]
        [-1.224745, 1.224745]
        >>> bool(jnp.isnan(transform_signal(jnp.array([0.1, 0.1, 0.1]), "zscore")).all())
        True
    """
    if kind == "identity":
        return signal
    if kind == "zscore":
        valid = ~jnp.isnan(signal)
        count = jnp.maximum(jnp.sum(valid, axis=-1, keepdims=True), 1)
        high = jnp.max(jnp.where(valid, signal, -jnp.inf), axis=-1, keepdims=True)
        low = jnp.min(jnp.where(valid, signal, jnp.inf), axis=-1, keepdims=True)
        spread = valid & (high > low)  # all-equal rows give NaN, as cs_zscore does
        clean = jnp.where(valid, signal, 0.0)
        mean = jnp.sum(clean, axis=-1, keepdims=True) / count
        dev = jnp.where(valid, signal - mean, 0.0)
        # deviations scaled by their largest magnitude first, so squares neither underflow nor overflow
        top = jnp.max(jnp.abs(dev), axis=-1, keepdims=True)
        unit = dev / jnp.where(top > 0, top, 1.0)
        std = jnp.sqrt(jnp.sum(unit * unit, axis=-1, keepdims=True) / count)
        ok = spread & (top > 0)
        return jnp.where(ok, unit / jnp.where(ok, std, 1.0), jnp.nan)
    if kind == "signed_power":
        return signed_power(signal, exponent)
    raise ValueError(f"unknown signal transform {kind!r}; expected one of {SIGNAL_TRANSFORMS}")


def signal_gradient_update(signal, k, kind="identity", exponent=1.0):
    """Signal-as-gradient: zero-sum update ``k*(s - sum(k s)/sum(k))`` on a transformed alpha ``s``.

    Assets whose signal is NaN (warm-up) get no change; the rest still sum to zero.
    """
    signal = jnp.asarray(signal, dtype=jnp.float64)
    valid = ~jnp.isnan(signal)
    clean = jnp.where(valid, signal, 0.0)
    transformed = transform_signal(jnp.where(valid, clean, jnp.nan) if kind == "zscore" else clean, kind,
                                   exponent)
    valid = valid & ~jnp.isnan(transformed)  # an all-equal row has no z-score: no change
    transformed = jnp.where(valid, transformed, 0.0)
    return zero_sum_update(k, transformed, valid)


def signal_target_weights(signal, beta):
    """Signal-as-target: ``softmax(beta * s)`` over the assets with a signal (NaN entries get weight 0).

    A row that is entirely NaN returns NaN, which the guardrails read as "hold the current weights".
    """
    signal = jnp.asarray(signal, dtype=jnp.float64)
    valid = ~jnp.isnan(signal)
    logits = jnp.where(valid, beta * jnp.where(valid, signal, 0.0), -jnp.inf)
    any_valid = jnp.any(valid, axis=-1, keepdims=True)
    safe_logits = jnp.where(any_valid, logits, 0.0)
    weights = jax.nn.softmax(safe_logits, axis=-1)
    return jnp.where(any_valid, weights, jnp.nan)


def min_variance_targets(variance):
    """Inverse-variance target weights ``(1/var) / sum(1/var)``."""
    inv = 1.0 / variance
    return inv / jnp.sum(inv, axis=-1, keepdims=True)


# --------------------------------------------------------------------------------------------- the schema
@dataclass(frozen=True)
class ParamSpec:
    """One trainable (or fixed) parameter: its raw-space initial value and what it means.

    ``initial`` may be a callable ``(ctx) -> float`` for values that depend on the time unit.
    """

    name: str
    initial: float | Callable[[RuleContext], float]
    description: str
    per_asset: bool = True
    trainable: bool = True

    def value(self, ctx: RuleContext) -> float:
        return float(self.initial(ctx)) if callable(self.initial) else float(self.initial)


@dataclass(frozen=True)
class RuleContext:
    """Static settings a rule needs: time unit, memory cap and rule options."""

    chunk_period: int = 1440
    bars_per_day: int = 1440
    max_memory_days: float = 365.0
    initial_memory_days: float = 10.0
    initial_k_per_day: float = 20.0
    use_alt_lamb: bool = False
    options: tuple = ()

    def option(self, name, default=None):
        return dict(self.options).get(name, default)

    @property
    def max_lamb(self):
        return lamb_from_memory_days(self.max_memory_days, self.chunk_period, self.bars_per_day)

    def lamb(self, logit_lamb):
        return lamb_from_logit(logit_lamb, self.max_lamb)

    def memory_days(self, lam):
        return jnp.clip(memory_days_from_lamb(lam, self.chunk_period, self.bars_per_day), 0.0,
                        self.max_memory_days)

    def initial_logit_lamb(self) -> float:
        return float(logit(lamb_from_memory_days(self.initial_memory_days, self.chunk_period,
                                                 self.bars_per_day)))


@dataclass(frozen=True)
class Rule:
    """A named update rule.

    ``kind`` is ``"delta"`` (weight changes) or ``"target"`` (target weights); ``uses`` is ``"price"`` or
    ``"signal"`` (an alpha array).
    """

    name: str
    kind: str
    uses: str
    schema: tuple[ParamSpec, ...]
    fn: Callable = field(compare=False)
    doc: str = ""
    #: ``(n_assets, signal or None, options) -> {param: raw initial value}``: data-dependent initial values
    initial_overrides: Callable[[int, np.ndarray | None, dict], dict] | None = field(default=None, compare=False)
    #: ``(params, ctx) -> blend factor`` of a target rule (default: ``ctx.lamb(logit_lamb + logit_delta_lamb)``)
    blend: Callable | None = field(default=None, compare=False)
    #: signed targets: only a long/short book (``simulation="long_short"``) can hold them
    long_short_only: bool = False

    def initial_params(self, n_assets: int, ctx: RuleContext, overrides: dict | None = None) -> dict:
        """Initial raw parameters, each (N,) or scalar. ``overrides`` maps name -> raw value."""
        overrides = overrides or {}
        out = {}
        for spec in self.schema:
            val = overrides.get(spec.name, spec.value(ctx))
            arr = np.asarray(val, dtype=np.float64)
            if spec.per_asset and arr.ndim == 0:
                arr = np.full(n_assets, float(arr))
            out[spec.name] = jnp.asarray(arr)
        return out

    def trainable_mask(self) -> dict:
        return {spec.name: spec.trainable for spec in self.schema}

    def __call__(self, params: dict, ctx: RuleContext, chunk_prices=None, signal=None):
        return self.fn(params, ctx, chunk_prices, signal)


def _lamb_spec():
    return ParamSpec("logit_lamb", RuleContext.initial_logit_lamb, "logit of the EWMA decay")


_LOG_K = ParamSpec("log_k", lambda ctx: np.log2(ctx.initial_k_per_day), "log2 of k per day")
_DELTA_LAMB = ParamSpec("logit_delta_lamb", 0.0, "logit offset of the alternative decay")
_SP_EXP = ParamSpec("sp_exponents", lambda ctx: float(inverse_squareplus(2.0)), "squareplus-space exponent")
_SP_PRE = ParamSpec("sp_pre_exp_scaling", lambda ctx: float(inverse_squareplus(0.5)),
                    "squareplus-space pre-exponent scaling")


def _gradient_and_k(params, ctx: RuleContext, chunk_prices):
    lam = ctx.lamb(params["logit_lamb"])
    alt = None
    if ctx.use_alt_lamb:
        alt = ctx.lamb(params["logit_lamb"] + params["logit_delta_lamb"])
    grad = ewma_gradient(chunk_prices, lam, alt)
    memory = ctx.memory_days(lam)
    return grad, k_from_log_k(params["log_k"], memory), memory


def _momentum(params, ctx, prices, signal):
    grad, k, _ = _gradient_and_k(params, ctx, prices)
    return momentum_update(grad, k)


def _antimomentum(params, ctx, prices, signal):
    grad, k, _ = _gradient_and_k(params, ctx, prices)
    return antimomentum_update(grad, k)


def _power_channel(params, ctx, prices, signal):
    grad, k, _ = _gradient_and_k(params, ctx, prices)
    q = jnp.maximum(squareplus(params["sp_exponents"]), 1.0)
    return power_channel_update(grad, k, q, squareplus(params["sp_pre_exp_scaling"]))


def _mean_reversion_channel(params, ctx, prices, signal):
    grad, k, memory = _gradient_and_k(params, ctx, prices)
    amplitude = jnp.exp2(params["log_amplitude"]) * memory
    width = jnp.exp2(params["raw_width"])
    q = squareplus(params["sp_exponents"])
    alpha = squareplus(params["sp_pre_exp_scaling"])
    return mean_reversion_channel_update(grad, k, width, amplitude, q, alpha)


def _min_variance(params, ctx, prices, signal):
    lam = ctx.lamb(params["logit_lamb"])
    return min_variance_targets(ewma_variance(prices, lam))


def _signal_rows(signal):
    # row j of a rule output belongs to chunk observation j+1
    return jnp.asarray(signal, dtype=jnp.float64)[1:]


def _signal_gradient(params, ctx, prices, signal):
    kind = ctx.option("transform", "identity")
    k = jnp.exp2(params["log_k"])
    exponent = squareplus(params["sp_exponents"]) if kind == "signed_power" else 1.0
    return signal_gradient_update(_signal_rows(signal), k, kind, exponent)


def _signal_gradient_initial(n_assets: int, signal, options: dict) -> dict:
    """Scale k so a one-std signal asks for a 5%-of-equal-weight change per step (identity transform only:
    the other transforms are already unit-scale)."""
    scale = 1.0
    if signal is not None and options.get("transform", "identity") == "identity" and np.isfinite(signal).any():
        scale = float(np.nanstd(signal))
    return {"log_k": float(np.log2(0.05 / n_assets / max(scale, 1e-12)))}


def _signal_target(params, ctx, prices, signal):
    return signal_target_weights(_signal_rows(signal), params["beta"])


def signal_weights_target(signal, kind: str = "identity", exponent=1.0):
    """The transformed alpha itself as a signed target (NaN where the alpha is NaN or has no transform); a
    long/short book neutralises and scales it to its gross leverage, as the simulation layer does.

    Example:
        >>> out = signal_weights_target(jnp.array([-2.0, jnp.nan, 3.0]), "signed_power", 0.5)
        >>> [round(float(v), 4) for v in out]
        [-1.4142, nan, 1.7321]
    """
    signal = jnp.asarray(signal, dtype=jnp.float64)
    valid = ~jnp.isnan(signal)
    source = signal if kind == "zscore" else jnp.where(valid, signal, 0.0)
    return jnp.where(valid, transform_signal(source, kind, exponent), jnp.nan)


def _signal_weights(params, ctx, prices, signal):
    kind = ctx.option("transform", "identity")
    exponent = squareplus(params["sp_exponents"]) if kind == "signed_power" else 1.0
    return signal_weights_target(_signal_rows(signal), kind, exponent)


_PRICE_SCHEMA = (_LOG_K, _lamb_spec(), _DELTA_LAMB)
_TARGET_LAMB = ParamSpec("logit_lamb", lambda ctx: float(logit(0.5)),
                         "logit of the blend factor: new = lam*old + (1-lam)*target", per_asset=False)

RULES: dict[str, Rule] = {
    "momentum": Rule("momentum", "delta", "price", _PRICE_SCHEMA, _momentum,
                     "k * (g - sum(k g)/sum(k)) on the EWMA price gradient g"),
    "antimomentum": Rule("antimomentum", "delta", "price", _PRICE_SCHEMA, _antimomentum,
                         "momentum with k negated (mean reversion)"),
    "power_channel": Rule("power_channel", "delta", "price", _PRICE_SCHEMA + (_SP_EXP, _SP_PRE),
                          _power_channel, "momentum on sign(g)|g/(2 alpha)|^q"),
    "mean_reversion_channel": Rule(
        "mean_reversion_channel", "delta", "price",
        _PRICE_SCHEMA + (
            ParamSpec("log_amplitude", 0.0, "log2 of channel amplitude per memory day"),
            ParamSpec("raw_width", lambda ctx: float(np.log2(0.02)), "log2 of channel width"),
            _SP_EXP, _SP_PRE),
        _mean_reversion_channel, "revert inside a channel of small gradients, follow the trend outside"),
    "min_variance": Rule(
        "min_variance", "target", "price",
        (_lamb_spec(), ParamSpec("logit_delta_lamb", 0.0, "logit offset of the blend decay")),
        _min_variance, "inverse EWMA-variance target weights"),
    "signal_gradient": Rule(
        "signal_gradient", "delta", "signal",
        (ParamSpec("log_k", 0.0, "log2 of k (weight change per unit signal)"),
         ParamSpec("sp_exponents", lambda ctx: float(inverse_squareplus(1.0)),
                   "squareplus-space exponent for the signed_power transform")),
        _signal_gradient, "zero-sum update on a transformed alpha signal",
        initial_overrides=_signal_gradient_initial),
    "signal_target": Rule(
        "signal_target", "target", "signal",
        (ParamSpec("beta", 1.0, "softmax inverse temperature", per_asset=False), _TARGET_LAMB),
        _signal_target, "softmax(beta * alpha) blended with the previous weights",
        blend=lambda params, ctx: sigmoid(params["logit_lamb"])),
    "signal_weights": Rule(
        "signal_weights", "target", "signal",
        (ParamSpec("sp_exponents", lambda ctx: float(inverse_squareplus(1.0)),
                   "squareplus-space exponent for the signed_power transform", per_asset=False),
         _TARGET_LAMB),
        _signal_weights, "long/short: the neutralised, scaled alpha blended with the previous weights",
        blend=lambda params, ctx: sigmoid(params["logit_lamb"]), long_short_only=True),
}


def get_rule(name: str) -> Rule:
    """Look a rule up by name (raises ``KeyError`` listing the known rules)."""
    try:
        return RULES[name]
    except KeyError:
        raise KeyError(f"unknown rule {name!r}; known rules: {', '.join(sorted(RULES))}") from None


def blend_lamb(params: dict, ctx: RuleContext, rule: Rule):
    """Blend factor for a target rule: ``sigmoid(logit_lamb [+ logit_delta_lamb])``."""
    if rule.blend is not None:
        return rule.blend(params, ctx)
    return ctx.lamb(params["logit_lamb"] + params["logit_delta_lamb"])
