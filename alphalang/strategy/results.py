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
               header: str = "", stat_width: int = 5, precision: int = 6) -> str:
    """One line per row (its pre-formatted label, then ``keys`` right-aligned in ``width`` with ``precision``
    decimals), then mean / std / worst lines labelled in the first ``stat_width`` characters."""
    pad = max([len(s) for s in labels] + [len(header), stat_width])
    lines = [f"{header:>{pad}} " + " ".join(f"{k:>{width}}" for k in keys)]
    for label, m in zip(labels, rows, strict=True):
        lines.append(f"{label:>{pad}} " + " ".join(f"{m[k]:>{width}.{precision}f}" for k in keys))
    for stat in ("mean", "std", "worst"):
        values = " ".join(f"{metric_stats(rows, k)[stat]:>{width}.{precision}f}" for k in keys)
        lines.append(f"{stat:>{stat_width}}".ljust(pad) + " " + values)
    return "\n".join(lines)


def row_span(dates: Sequence | None, start: int, stop: int) -> str:
    """Rows ``[start, stop)`` as ``"first..last"`` dates (days only when every time is midnight), or as the
    row numbers ``"start-stop"`` without dates.

    Example:
        >>> import pandas as pd
        >>> row_span(pd.date_range("2024-01-01", periods=5), 1, 4), row_span(None, 1, 4)
        ('2024-01-02..2024-01-04', '1-4')
    """
    if dates is None:
        return f"{start}-{stop}"
    import pandas as pd

    ends = pd.Index([dates[start], dates[stop - 1]])
    if isinstance(ends, pd.DatetimeIndex):
        text = ends.strftime("%Y-%m-%d" if (ends == ends.normalize()).all() else "%Y-%m-%d %H:%M")
    else:
        text = [str(d) for d in ends]
    return f"{text[0]}..{text[1]}"


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

    def table(self, dates: Sequence | None = None) -> str:
        """Per-period table (sharpe, return, return over hodl) with mean/std/worst rows; with ``dates`` (one per
        row of the trained data) the periods show their first and last dates instead of row offsets."""
        if dates is not None:
            at = self.start_index
            labels = [f"{s.period_id:>8} {row_span(dates, at + s.rel_start, at + s.rel_end)}" for s in self.periods]
            header = f"{'period':>8} {'dates':>{max(len(x) for x in labels) - 9}}"
        else:
            labels = [f"{s.period_id:>8} {s.rel_start:>7} {s.rel_end:>7}" for s in self.periods]
            header = f"{'period':>8} {'start':>7} {'end':>7}"
        return stat_table(labels, self.period_metrics, TABLE_KEYS, 18, header, 8)

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
    """One walk-forward fold: train on ``train_range``, test on the following ``test_range`` (bar indices).

    The test metrics cover the value path on price rows ``test_rows`` (the last bar of ``test_range`` only
    closes the forward pass); ``untrained_metrics`` score the initial parameters and ``hold_metrics`` a
    uniform hold on the same rows.
    """

    fold: int
    train_range: tuple[int, int]
    test_range: tuple[int, int]
    train_result: TrainResult
    test_metrics: dict
    untrained_metrics: dict = field(default_factory=dict)
    hold_metrics: dict = field(default_factory=dict)

    @property
    def test_rows(self) -> tuple[int, int]:
        return self.test_range[0], self.test_range[1] - 1


#: walk-forward table columns: (header, which metrics, key)
FOLD_COLUMNS = (("sharpe", "test_metrics", "sharpe"), ("return", "test_metrics", "returns"),
                ("init sharpe", "untrained_metrics", "sharpe"), ("init return", "untrained_metrics", "returns"),
                ("hold sharpe", "hold_metrics", "sharpe"), ("hold return", "hold_metrics", "returns"))
FOLD_LEGEND = ("sharpe/return: trained parameters, out of sample; init: the untrained initial parameters; "
               "hold: equal value in every asset at the test window's first bar, held (no costs)")


@dataclass
class WalkForwardResult:
    """All folds plus mean/std/worst of the out-of-sample metrics; ``dates`` (one per data row) label them."""

    folds: list[FoldResult] = field(default_factory=list)
    dates: Sequence | None = None

    def stats(self, key: str) -> dict[str, float]:
        return metric_stats([f.test_metrics for f in self.folds], key)

    def _rows(self) -> list[dict[str, float]]:
        return [{head: getattr(f, kind)[key] for head, kind, key in FOLD_COLUMNS} for f in self.folds]

    def table(self) -> str:
        """Per fold its train and test spans, the out-of-sample sharpe and return next to the untrained
        parameters' and a uniform hold's on the same window, then mean/std/worst rows and a legend."""
        spans = [(row_span(self.dates, *f.train_range), row_span(self.dates, *f.test_rows)) for f in self.folds]
        w = max([len(s) for pair in spans for s in pair] + [5])
        labels = [f"{f.fold:>5} {a:>{w}} {b:>{w}}" for f, (a, b) in zip(self.folds, spans, strict=True)]
        table = stat_table(labels, self._rows(), [c[0] for c in FOLD_COLUMNS], 11,
                           f"{'fold':>5} {'train':>{w}} {'test':>{w}}", precision=4)
        return table + "\n" + FOLD_LEGEND

    def save(self, out_dir: str | Path) -> list[Path]:
        """Write ``walk_forward.txt`` (the table) and ``walk_forward.csv`` (one row per fold: spans, then every
        metric of the trained, untrained and hold runs) into ``out_dir``; returns their paths."""
        import pandas as pd

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        rows = []
        for f in self.folds:
            row = {"fold": f.fold, "train_start": f.train_range[0], "train_end": f.train_range[1],
                   "test_start": f.test_rows[0], "test_end": f.test_rows[1]}
            if self.dates is not None:
                row |= {"train_first": self.dates[f.train_range[0]], "train_last": self.dates[f.train_range[1] - 1],
                        "test_first": self.dates[f.test_rows[0]], "test_last": self.dates[f.test_rows[1] - 1]}
            for prefix, metrics in (("", f.test_metrics), ("untrained_", f.untrained_metrics),
                                    ("hold_", f.hold_metrics)):
                row |= {prefix + k: v for k, v in metrics.items()}
            rows.append(row)
        txt, csv = out / "walk_forward.txt", out / "walk_forward.csv"
        txt.write_text(self.table() + "\n")
        pd.DataFrame(rows).to_csv(csv, index=False)
        return [txt, csv]
