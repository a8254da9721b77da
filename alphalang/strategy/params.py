"""Parameter maps: squashing functions and the lambda <-> memory conversion.

Memory is measured in *rule steps* (one step = one chunk of ``chunk_period`` fine bars).  For an EWMA with
decay ``lam`` the memory is ``m = 2 * cbrt(6 * lam / (1 - lam)**3)`` steps; in days it is
``m * chunk_period / bars_per_day``.  The inverse solves ``s*u**3 + u - 1 = 0`` for ``u = 1 - lam`` with the
hyperbolic form of Cardano's formula (no cancellation) followed by one Newton polish, so it stays accurate for
very long memories where the textbook cubic formula breaks down.

Example:
    >>> round(float(lamb_from_memory_days(10.0, chunk_period=1440)), 10)
    0.6803607119
    >>> round(float(memory_days_from_lamb(0.6803607118851567, chunk_period=1440)), 8)
    10.0
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

MINUTES_PER_DAY = 1440


def sigmoid(x):
    """Logistic function ``1 / (1 + exp(-x))``. Example: ``sigmoid(0.0) == 0.5``."""
    return jax.nn.sigmoid(x)


def logit(p):
    """Inverse of :func:`sigmoid`. Example: ``logit(0.5) == 0.0``."""
    p = jnp.asarray(p, dtype=jnp.float64)
    return jnp.log(p) - jnp.log1p(-p)


def squareplus(x):
    """Smooth positive map ``(x + sqrt(x**2 + 4)) / 2``; ``squareplus(0) == 1``."""
    x = jnp.asarray(x, dtype=jnp.float64)
    return 0.5 * (x + jnp.sqrt(x * x + 4.0))


def inverse_squareplus(y):
    """Inverse of :func:`squareplus` for ``y > 0``: ``y - 1/y``. Example: ``inverse_squareplus(1.0) == 0``."""
    y = jnp.asarray(y, dtype=jnp.float64)
    return y - 1.0 / y


def saturated_b(lam):
    """The estimator constant ``b = lam / (1 - lam)**3``."""
    return lam / (1.0 - lam) ** 3


def memory_steps_from_lamb(lam):
    """Memory of an EWMA with decay ``lam``, in rule steps: ``2 * cbrt(6 b)``."""
    return 2.0 * jnp.cbrt(6.0 * saturated_b(lam))


def lamb_from_memory_steps(steps):
    """Decay ``lam`` whose memory is ``steps`` rule steps (0 steps gives ``lam = 0``).

    Solves ``s u^3 + u - 1 = 0`` with ``s = (steps/2)^3 / 6`` and ``u = 1 - lam`` as
    ``u = 2/sqrt(3 s) * sinh(asinh(1.5 sqrt(3 s)) / 3)``, then one Newton step.
    Works on numpy or jax inputs and is differentiable.
    """
    steps = jnp.asarray(steps, dtype=jnp.float64)
    s = (steps / 2.0) ** 3 / 6.0
    safe_s = jnp.where(s > 0, s, 1.0)
    r = jnp.sqrt(3.0 * safe_s)
    u = 2.0 / r * jnp.sinh(jnp.arcsinh(1.5 * r) / 3.0)
    f = safe_s * u**3 + u - 1.0
    u = u - f / (3.0 * safe_s * u**2 + 1.0)
    return jnp.where(s > 0, 1.0 - u, 0.0)


def memory_days_from_lamb(lam, chunk_period: int = MINUTES_PER_DAY, bars_per_day: int = MINUTES_PER_DAY):
    """Memory in days of decay ``lam`` when one rule step is ``chunk_period`` bars."""
    return memory_steps_from_lamb(lam) * chunk_period / bars_per_day


def lamb_from_memory_days(days, chunk_period: int = MINUTES_PER_DAY, bars_per_day: int = MINUTES_PER_DAY):
    """Decay ``lam`` whose memory is ``days`` days at ``chunk_period`` bars per rule step."""
    return lamb_from_memory_steps(jnp.asarray(days, dtype=jnp.float64) * bars_per_day / chunk_period)


def lamb_from_logit(logit_lamb, max_lamb=None):
    """``sigmoid(logit_lamb)``, optionally capped at ``max_lamb`` (the pools' max-memory cap)."""
    lam = sigmoid(logit_lamb)
    if max_lamb is not None:
        lam = jnp.clip(lam, 0.0, max_lamb)
    return lam


def k_from_log_k(log_k, memory):
    """Update aggressiveness ``k = 2**log_k * memory`` (memory in days gives the usual "k per day" units).

    Example:
        >>> round(float(k_from_log_k(np.log2(20.0), 10.0)), 9)
        200.0
    """
    return jnp.exp2(log_k) * memory


def k_per_step(log_k, lam):
    """``k`` expressed with memory in rule steps: ``2**log_k * memory_steps(lam)``.

    Use this for bar data (one rule step per bar) to avoid the "k per day times memory in days" unit trap.
    """
    return jnp.exp2(log_k) * memory_steps_from_lamb(lam)


def as_float_array(x) -> np.ndarray:
    """Convert to a float64 numpy array (helper for configs)."""
    return np.asarray(x, dtype=np.float64)
