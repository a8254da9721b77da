"""``simulate(alpha, panel, **settings)``: the book an alpha implies and the metrics it is judged by.

Example:
    >>> import alphalang
    >>> panel = alphalang.demo_panel(300, 40, seed=0)
    >>> alpha = -alphalang.evaluate("ts_delta(close, 5)", panel)
    >>> sim = alphalang.simulate(alpha, panel, decay=4, neutralization="sector")
    >>> sorted(sim.metrics) == sorted(M.NAMES), sim.pnl.shape, sim.positions.shape
    (True, (300,), (300, 40))
    >>> sims = alphalang.simulate({"rev": alpha, "mom": -alpha}, panel)
    >>> sims.table().columns[:3].tolist()
    ['returns', 'sharpe', 'turnover']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from alphalang.data import Panel
from alphalang.data.panel import as_panel
from alphalang.errors import AlphaDataError, AlphaTypeError
from alphalang.simulation import metrics as M
from alphalang.simulation.pnl import Book, Inputs, run_book, run_books
from alphalang.simulation.settings import resolve

#: below this share of (row, universe member) cells with a finite alpha, an alpha is flagged
LOW_COVERAGE = 0.5
#: fewer live PnL rows than this fraction of a year is flagged
MIN_LIVE_YEARS = 0.5


class Simulation:
    """One alpha's simulated book: ``pnl`` (T,), ``traded`` (T,), ``positions`` (T, N) dollars, ``metrics``
    (the names of ``NAMES``), ``yearly`` and ``split`` (DataFrames of the same metrics), ``coverage``,
    ``warnings`` and ``plot()``."""

    def __init__(self, name: str, book: Book, alpha: np.ndarray, inputs: Inputs, dates: pd.Index,
                 assets: pd.Index, days: float) -> None:
        self.name = name
        self.book = book
        self._alpha = alpha
        self._inputs = inputs
        self.dates = dates
        self.assets = assets
        self.settings = inputs.settings
        self.days_per_year = days
        self.start = M.live_start(book.longs, book.shorts)
        self.metrics = M.over(book, self.start, None, self.settings.booksize, days)

    @property
    def pnl(self) -> np.ndarray:
        """(T,) dollar PnL earned on each row (row 0 earns nothing)."""
        return self.book.pnl

    @property
    def traded(self) -> np.ndarray:
        """(T,) dollars traded on each row."""
        return self.book.traded

    @cached_property
    def positions(self) -> np.ndarray:
        """(T, N) dollar positions held from the close of each row (recomputed on first access)."""
        return run_book(self._alpha, self._inputs, positions=True).positions

    @property
    def weights(self) -> np.ndarray:
        """(T, N) positions / booksize (gross 1 on every row holding a position)."""
        return self.positions / self.settings.booksize

    @cached_property
    def yearly(self) -> pd.DataFrame:
        """The metrics per calendar year (one row per year; no rows when the dates are not datetimes)."""
        return M.table(self.book, self.start, M.year_masks(self.dates), self.settings.booksize, self.days_per_year)

    @cached_property
    def split(self) -> pd.DataFrame | None:
        """The metrics in-sample (before ``split``) and out-of-sample, or None without a split date."""
        masks = M.split_masks(self.dates, self.settings.split)
        return M.table(self.book, self.start, masks, self.settings.booksize, self.days_per_year) if masks else None

    @property
    def coverage(self) -> float:
        """Share of (row, universe member) cells after the delay whose decayed alpha is finite."""
        members = self.book.members.sum()
        return float(self.book.valid.sum() / members) if members else 0.0

    @property
    def live_days(self) -> int:
        """Number of PnL rows the metrics use."""
        return 0 if self.start is None else len(self.pnl) - self.start - 1

    @property
    def warnings(self) -> list[str]:
        """Reasons not to trust the metrics: no position, few live dates, low coverage, undefined Sharpe."""
        if self.start is None:
            return ["no position on any date"]
        out = []
        if self.live_days < MIN_LIVE_YEARS * self.days_per_year:
            out.append(f"only {self.live_days} live dates")
        if self.coverage < LOW_COVERAGE:
            out.append(f"low coverage {self.coverage:.1%}")
        if not math.isfinite(self.metrics["sharpe"]):
            out.append("sharpe undefined")
        return out

    def pnl_series(self) -> pd.Series:
        """The PnL as a Series indexed by date."""
        return pd.Series(self.pnl, index=self.dates, name=self.name)

    def summary(self) -> dict[str, Any]:
        """One JSON-friendly row: name, metrics (NaN -> None), coverage, live days, warnings."""
        row: dict[str, Any] = {"output": self.name}
        row.update({k: (v if math.isfinite(v) else None) for k, v in self.metrics.items()})
        if self.split is not None:
            for label, metrics in self.split.iterrows():
                row[f"sharpe {label}"] = metrics["sharpe"] if math.isfinite(metrics["sharpe"]) else None
        row.update(coverage=self.coverage, live_days=self.live_days, warnings=self.warnings)
        return row

    def plot(self, path: str | None = None):
        """Cumulative PnL (out-of-sample shaded) over the drawdown; returns the matplotlib Figure, saved to
        ``path`` when given."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 5))
        top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        cum = np.cumsum(self.pnl)
        top.plot(self.dates, cum, lw=1)
        top.set_title(f"{self.name}: sharpe {self.metrics['sharpe']:.2f}, fitness {self.metrics['fitness']:.2f}")
        top.set_ylabel("cumulative PnL")
        masks = M.split_masks(self.dates, self.settings.split)
        if masks and masks["out-of-sample"].any():
            first = self.dates[int(np.argmax(masks["out-of-sample"]))]
            top.axvspan(first, self.dates[-1], color="0.9", label="out-of-sample")
            top.legend(loc="upper left")
        bottom.fill_between(self.dates, cum - np.maximum.accumulate(np.maximum(cum, 0.0)), 0.0, color="C3")
        bottom.set_ylabel("drawdown")
        if path:
            fig.savefig(path)
        return fig

    def save(self, path) -> None:
        """Write this simulation's PnL for self-correlation pools (see ``selfcorr``)."""
        from alphalang.simulation.selfcorr import save

        save(self, path)

    def self_correlation(self, pool) -> tuple[float, str | None]:
        """(max correlation of this PnL with a pool of saved simulations, the most correlated name)."""
        from alphalang.simulation.selfcorr import max_correlation

        return max_correlation(self, pool)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.metrics.items())
        return f"Simulation({self.name!r}: {shown})"


class Simulations(dict):
    """Name -> Simulation for many alphas simulated in one call (in the order given), with ``table()``."""

    def table(self) -> pd.DataFrame:
        """Metrics, coverage, live days and warnings, one row per alpha: alphas without warnings first, each
        part by fitness, best first (NaN last)."""
        rows = [sim.summary() for sim in self.values()]
        frame = pd.DataFrame(rows).reindex(columns=list(rows[0]) if rows else ["output"])
        numbers = [c for c in frame.columns if c not in ("output", "live_days", "warnings")]
        frame = frame.set_index("output").astype({k: float for k in numbers})
        flagged = frame["warnings"].map(bool).rename("flagged")
        order = pd.concat([flagged, frame["fitness"]], axis=1).sort_values(
            ["flagged", "fitness"], ascending=[True, False], na_position="last", kind="stable").index
        return frame.loc[order]


def simulate(alpha: Any, panel: Any, *, threads: int = 1, **settings: Any) -> Simulation | Simulations:
    """Simulate the book of ``alpha``: a (T, N) array, a DataFrame (dates x assets, aligned on the panel's
    labels), or a mapping name -> either (then a ``Simulations`` mapping name -> Simulation). Settings: see
    ``alphalang.simulation.settings.SETTINGS``; ``threads`` runs that many alphas side by side."""
    panel = as_panel(panel)
    resolved = resolve(settings)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise AlphaTypeError(f"threads={threads!r} is invalid: expected a whole number >= 1")
    if isinstance(alpha, Mapping):
        names = [str(k) for k in alpha]
        arrays = [_as_alpha(v, panel, str(k)) for k, v in alpha.items()]
    else:
        names, arrays = ["alpha"], [_as_alpha(alpha, panel, "alpha")]
    _check_names(panel, resolved)
    inputs = Inputs.build(panel, resolved)
    days = resolved.days_per_year or M.periods_per_year(panel.dates)
    M.split_masks(panel.dates, resolved.split)  # a split date that cannot be compared fails here, not later
    books = run_books(arrays, inputs, threads)
    sims = [Simulation(n, b, a, inputs, panel.dates, panel.assets, days)
            for n, b, a in zip(names, books, arrays, strict=True)]
    if isinstance(alpha, Mapping):
        return Simulations(zip(names, sims, strict=True))
    return sims[0]


def _check_names(panel: Panel, settings: Any) -> None:
    """The group level and fields the settings name exist in the panel (errors name the setting)."""
    needs = []
    if settings.neutralization not in ("none", "market"):
        needs.append(("neutralization", settings.neutralization, panel.group, " (or 'none', 'market')"))
    if isinstance(settings.universe, str):
        needs.append(("universe", settings.universe, panel.field, ""))
    elif settings.universe is not None:
        needs.append(("universe", settings.universe, lambda _: panel.field("volume"), ""))
    for setting, value, lookup, extra in needs:
        try:
            lookup(value)
        except AlphaDataError as err:
            raise AlphaDataError(f"{setting}={value!r}: {err.message}", hint=(err.hint or "") + extra) from None


def _as_alpha(values: Any, panel: Panel, name: str) -> np.ndarray:
    """A (T, N) float64 array on the panel's grid: arrays by position, DataFrames by label."""
    if isinstance(values, pd.DataFrame):
        extra_dates = values.index.difference(panel.dates)
        extra_assets = values.columns.difference(panel.assets)
        if len(extra_dates) or len(extra_assets):
            what = (f"date {extra_dates[0]!r}" if len(extra_dates) else f"asset {extra_assets[0]!r}")
            raise AlphaDataError(f"alpha '{name}' has a {what} that the panel lacks",
                                 hint="simulate an alpha computed on the same panel (dates x assets)")
        values = values.reindex(index=panel.dates, columns=panel.assets)
        try:
            return np.ascontiguousarray(values.to_numpy(dtype=np.float64, na_value=np.nan))
        except (TypeError, ValueError):
            raise AlphaDataError(f"alpha '{name}' holds values that are not numbers") from None
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise AlphaDataError(f"alpha '{name}' must be numeric, got dtype {arr.dtype}")
    if arr.shape != panel.shape:
        raise AlphaDataError(f"alpha '{name}' has shape {arr.shape} but the panel is {panel.shape[0]} dates x "
                             f"{panel.shape[1]} assets")
    return np.ascontiguousarray(arr, dtype=np.float64)


__all__ = ["Simulation", "Simulations", "simulate"]
