"""Performance metrics of a value path, all differentiable and all "higher is better" as objectives.

Annualisation comes from the data's bar size through :class:`Frequency` (bars per day and days per year),
never from a hard-coded minute count.

Example:
    >>> import numpy as np
    >>> v = np.array([1.0, 1.01, 1.0, 1.02])
    >>> round(float(returns(v)), 4)
    0.02
    >>> Frequency.minutes().periods_per_year
    525600.0
"""

from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp
from jax import lax


@dataclass(frozen=True)
class Frequency:
    """Bar size of the data: ``bars_per_day`` bars per day and ``days_per_year`` trading days per year."""

    bars_per_day: float = 1.0
    days_per_year: float = 365.0

    @property
    def periods_per_year(self) -> float:
        return float(self.bars_per_day * self.days_per_year)

    @classmethod
    def minutes(cls, days_per_year: float = 365.0) -> Frequency:
        return cls(1440.0, days_per_year)

    @classmethod
    def daily(cls, days_per_year: float = 252.0) -> Frequency:
        return cls(1.0, days_per_year)


def returns(value):
    """Total return ``V_end / V_0 - 1``."""
    return value[-1] / value[0] - 1.0


def simple_returns(value):
    """Bar-by-bar simple returns (T-1,)."""
    return value[1:] / value[:-1] - 1.0


def sharpe(value, freq: Frequency = Frequency()):
    """Annualised Sharpe ratio of bar returns: ``sqrt(periods_per_year) * mean / std`` (ddof 0, no risk-free)."""
    r = simple_returns(value)
    return jnp.sqrt(freq.periods_per_year) * jnp.mean(r) / jnp.std(r)


def daily_log_sharpe(value, freq: Frequency = Frequency()):
    """Sharpe of daily log returns, sampling the value every ``bars_per_day`` bars (at least every bar).

    ``sqrt(days_per_year) * mean(dlog V) / (std(dlog V) + 1e-8)``, with ``log(V + 1e-12)``.
    """
    stride = max(int(round(freq.bars_per_day)), 1)
    daily = value[::stride]
    log_ret = jnp.diff(jnp.log(daily + 1e-12))
    return jnp.sqrt(freq.days_per_year) * jnp.mean(log_ret) / (jnp.std(log_ret) + 1e-8)


def returns_over_hodl(value, prices, holdings0):
    """``V_end / (holdings0 . p_end) - 1``: return relative to holding the starting holdings/reserves of a
    fully invested long-only book. NaN for a long/short book (signed holdings on top of its cash, or none at its
    flat start), whose value is not its holdings' value: never a division by (nearly) zero.

    >>> import jax.numpy as jnp
    >>> float(returns_over_hodl(jnp.array([1.0, 1.1]), jnp.ones((2, 2)), jnp.array([0.5, 0.5])))
    0.10000000000000009
    >>> float(returns_over_hodl(jnp.array([1.0, 1.1]), jnp.ones((2, 2)), jnp.array([0.5, -0.5])))
    nan
    """
    hodl = jnp.sum(holdings0 * prices[-1])
    long_only = jnp.all(holdings0 >= 0) & (hodl > 0)
    return jnp.where(long_only, value[-1] / jnp.where(long_only, hodl, 1.0) - 1.0, jnp.nan)


def returns_over_uniform_hodl(value, prices):
    """Return relative to putting ``V_0`` equally into every asset at the start and holding."""
    n = prices.shape[-1]
    hodl = jnp.sum(value[0] / (n * prices[0]) * prices[-1])
    return value[-1] / hodl - 1.0


def turnover(weights):
    """Mean over bars of ``sum_i |w_t - w_{t-1}|``."""
    return jnp.mean(jnp.sum(jnp.abs(jnp.diff(weights, axis=0)), axis=-1))


def max_drawdown(value):
    """Largest peak-to-trough loss as a positive fraction (0.2 = a 20% drawdown)."""
    peak = lax.cummax(value, axis=0)
    return jnp.max(1.0 - value / peak)


def annualised_return(value, freq: Frequency = Frequency()):
    """``(V_end/V_0)^(periods_per_year / (T-1)) - 1``."""
    return (value[-1] / value[0]) ** (freq.periods_per_year / (value.shape[0] - 1)) - 1.0


def evaluate(name: str, value, prices, holdings0, weights, freq: Frequency):
    """Objective ``name`` (higher is better); ``max_drawdown`` and ``turnover`` are negated here."""
    if name == "sharpe":
        return sharpe(value, freq)
    if name == "daily_log_sharpe":
        return daily_log_sharpe(value, freq)
    if name == "returns":
        return returns(value)
    if name == "log_returns":
        return jnp.log(value[-1]) - jnp.log(value[0])
    if name == "returns_over_hodl":
        return returns_over_hodl(value, prices, holdings0)
    if name == "returns_over_uniform_hodl":
        return returns_over_uniform_hodl(value, prices)
    if name == "annualised_return":
        return annualised_return(value, freq)
    if name == "max_drawdown":
        return -max_drawdown(value)
    if name == "turnover":
        return -turnover(weights)
    raise ValueError(f"unknown metric {name!r}; expected one of {', '.join(OBJECTIVES)}")


OBJECTIVES = ("sharpe", "daily_log_sharpe", "returns", "log_returns", "returns_over_hodl",
              "returns_over_uniform_hodl", "annualised_return", "max_drawdown", "turnover")


def summary(value, prices, holdings0, weights, freq: Frequency) -> dict[str, float]:
    """All metrics as plain floats (max_drawdown and turnover positive, as usual)."""
    return {
        "returns": float(returns(value)),
        "sharpe": float(sharpe(value, freq)),
        "daily_log_sharpe": float(daily_log_sharpe(value, freq)),
        "returns_over_hodl": float(returns_over_hodl(value, prices, holdings0)),
        "returns_over_uniform_hodl": float(returns_over_uniform_hodl(value, prices)),
        "turnover": float(turnover(weights)),
        "max_drawdown": float(max_drawdown(value)),
    }
