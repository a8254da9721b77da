"""The optax optimisers and learning-rate schedules training can use, each declared once in a table.

Example:
    >>> sorted(OPTIMISERS), sorted(SCHEDULES)
    (['adam', 'adamw', 'sgd'], ['constant', 'cosine', 'exponential', 'warmup_cosine'])
    >>> opt = make_optimiser("sgd", lr=0.1)
    >>> import jax.numpy as jnp
    >>> updates, _ = opt.update({"x": jnp.array([-1.0])}, opt.init({"x": jnp.array([0.0])}))
    >>> round(float(updates["x"][0]), 6)  # sgd steps against the gradient
    0.1
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import optax


@dataclass(frozen=True)
class ScheduleArgs:
    """What a learning-rate schedule may depend on."""

    lr: float
    epochs: int
    warmup_steps: int
    lr_decay_ratio: float

    @property
    def min_lr(self) -> float:
        return self.lr / self.lr_decay_ratio


SCHEDULES: dict[str, Callable[[ScheduleArgs], optax.Schedule]] = {
    "constant": lambda a: optax.constant_schedule(a.lr),
    "cosine": lambda a: optax.cosine_decay_schedule(a.lr, max(a.epochs, 1), alpha=a.min_lr / a.lr),
    "exponential": lambda a: optax.exponential_decay(a.lr, max(a.epochs, 1), a.min_lr / a.lr, end_value=a.min_lr),
    "warmup_cosine": lambda a: optax.warmup_cosine_decay_schedule(
        a.min_lr, a.lr, max(a.warmup_steps, 1), max(a.epochs, 2), a.min_lr),
}

OPTIMISERS: dict[str, Callable[[optax.Schedule, float], optax.GradientTransformation]] = {
    "adam": lambda schedule, weight_decay: optax.adam(schedule),
    "adamw": lambda schedule, weight_decay: optax.adamw(schedule, weight_decay=weight_decay),
    "sgd": lambda schedule, weight_decay: optax.sgd(schedule),
}


def _pick(table: dict, name: str, what: str):
    if name not in table:
        raise ValueError(f"unknown {what} {name!r}; expected one of {tuple(table)}")
    return table[name]


def make_optimiser(optimiser: str | optax.GradientTransformation = "adam", lr: float = 0.05,
                   epochs: int = 100, weight_decay: float = 0.01, clip_norm: float | None = 10.0,
                   schedule: str = "constant", warmup_steps: int = 0,
                   lr_decay_ratio: float = 1000.0) -> optax.GradientTransformation:
    """optax chain: optional global-norm clipping, then an optimiser of :data:`OPTIMISERS` with a
    learning-rate schedule of :data:`SCHEDULES`. An ``optax.GradientTransformation`` is used as is."""
    if isinstance(optimiser, optax.GradientTransformation):
        return optimiser
    sched = _pick(SCHEDULES, schedule, "schedule")(ScheduleArgs(lr, epochs, warmup_steps, lr_decay_ratio))
    base = _pick(OPTIMISERS, optimiser, "optimiser")(sched, weight_decay)
    parts = [optax.clip_by_global_norm(clip_norm)] if clip_norm else []
    return optax.chain(*parts, base)
