"""What training and walk-forward return: parameters, per-period metrics and their printed tables.

Example:
    >>> flatten_params({"a": 1.0, "children": ({"k": np.array([1.0, 2.0])},)})
    {'a': array(1.), 'children.0.k': array([1., 2.])}
    >>> print(stat_table(["p0", "p1"], [{"sharpe": 1.0}, {"sharpe": 3.0}], ("sharpe",), 9, "period"))
    period    sharpe
        p0  1.000000
        p1  3.000000
     mean   2.000000
      std   1.000000
    worst   1.000000
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from alphalang.strategy.periods import PeriodSpec

TABLE_KEYS = ("sharpe", "returns", "returns_over_hodl")


def metric_stats(rows: Sequence[dict], key: str) -> dict[str, float]:
    """mean / std (ddof 0) / worst of ``key`` over ``rows``."""
    vals = np.array([m[key] for m in rows])
    return {"mean": float(vals.mean()), "std": float(vals.std()), "worst": float(vals.min())}


def stat_table(labels: Sequence[str], rows: Sequence[dict], keys: Sequence[str], width: int,
               header: str = "", stat_width: int = 5) -> str:
    """One line per row (its pre-formatted label, then ``keys`` right-aligned in ``width``), then mean / std /
    worst lines labelled in the first ``stat_width`` characters."""
    pad = max([len(s) for s in labels] + [len(header), stat_width])
    lines = [f"{header:>{pad}} " + " ".join(f"{k:>{width}}" for k in keys)]
    for label, m in zip(labels, rows, strict=True):
        lines.append(f"{label:>{pad}} " + " ".join(f"{m[k]:>{width}.6f}" for k in keys))
    for stat in ("mean", "std", "worst"):
        values = " ".join(f"{metric_stats(rows, k)[stat]:>{width}.6f}" for k in keys)
        lines.append(f"{stat:>{stat_width}}".ljust(pad) + " " + values)
    return "\n".join(lines)


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
        return metric_stats(self.period_metrics, key)

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
        labels = [f"{s.period_id:>8} {s.rel_start:>7} {s.rel_end:>7}" for s in self.periods]
        return stat_table(labels, self.period_metrics, TABLE_KEYS, 18, f"{'period':>8} {'start':>7} {'end':>7}", 8)

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
        return metric_stats([f.test_metrics for f in self.folds], key)

    def table(self) -> str:
        labels = [f"{f.fold:>5} {f'{f.train_range[0]}-{f.train_range[1]}':>15} "
                  f"{f'{f.test_range[0]}-{f.test_range[1]}':>15}" for f in self.folds]
        keys = TABLE_KEYS
        rows = [{f"oos {k}": f.test_metrics[k] for k in keys} for f in self.folds]
        return stat_table(labels, rows, [f"oos {k}" for k in keys], 22, f"{'fold':>5} {'train':>15} {'test':>15}")
