"""PNG plots of an ``Analysis`` with matplotlib's Agg renderer (no display, nothing opened).

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot, so no global backend is switched
(a notebook's inline plots keep working) and nothing is left open.

Example:
    >>> import alphalang, tempfile, pathlib
    >>> from alphalang.evaluation import analyze
    >>> panel = alphalang.demo_panel(80, 20)
    >>> a = analyze({"rev": -panel.field("returns")}, panel, horizons=(1, 5))
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> alpha_figure(a, "rev", out / "rev.png").stat().st_size > 1000
    True
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from alphalang.evaluation.analysis import Analysis

__all__ = ["alpha_figure", "correlation_figure", "overview_figure", "series_figure"]

DPI = 80
_STYLE = {"axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
          "font.size": 9, "axes.titlesize": 10}


def _figure(rows: int, cols: int, figsize: tuple[float, float], **kwargs):
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(rows, cols, **kwargs)


def _save(fig, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    return path


def alpha_figure(analysis: Analysis, name: str, path: str | Path) -> Path:
    """Four panels for one alpha: daily rank IC with its rolling mean, IC decay, quantile returns, long-short."""
    h0 = analysis.horizons[0]
    with matplotlib.rc_context(_STYLE):
        fig, axes = _figure(2, 2, (10, 6.2))
        ax = axes[0, 0]
        ric = analysis.ic_series[(name, "rank_ic", h0)]
        ax.plot(ric.index, ric.to_numpy(), color="#9ab", lw=0.6, label=f"daily ({h0}-period)")
        ax.plot(ric.index, ric.rolling(21, min_periods=5).mean(), color="#c33", lw=1.4, label="21-date mean")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(f"rank IC, horizon {h0} (mean {analysis.ic.loc[(name, h0), 'rank_ic_mean']:+.4f})")
        ax.legend(loc="upper left", fontsize=7)
        ax = axes[0, 1]
        decay = analysis.decay.loc[name]
        ax.bar(decay.index, decay.to_numpy(), color=np.where(decay.to_numpy() >= 0, "#4a7", "#c55"))
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title("IC decay: rank IC vs 1-period return k dates ahead")
        ax.set_xlabel("k (dates)")
        ax = axes[1, 0]
        qr = analysis.quantile_returns.loc[name] * 1e4
        width = 0.8 / len(qr.columns)
        for i, h in enumerate(qr.columns):
            ax.bar(qr.index + (i - (len(qr.columns) - 1) / 2) * width, qr[h].to_numpy(), width, label=f"{h}-period")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_xticks(qr.index)
        ax.set_title("mean forward return by quantile (demeaned, bps)")
        ax.set_xlabel("quantile (1 = lowest alpha)")
        ax.legend(fontsize=7)
        ax = axes[1, 1]
        ls = analysis.long_short[name]
        ax.plot(ls.index, ls.to_numpy() * 100, color="#258", lw=1.2)
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(f"top minus bottom quantile, cumulative % (Sharpe {analysis.alphas.loc[name, 'ls_sharpe']:+.2f})")
        for a in axes.flat:
            if isinstance(ric.index, pd.DatetimeIndex) and a in (axes[0, 0], axes[1, 1]):
                a.tick_params(axis="x", labelrotation=30)
        fig.suptitle(name, fontweight="bold")
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.1, top=0.9, hspace=0.5, wspace=0.22)
        return _save(fig, path)


def overview_figure(analysis: Analysis, path: str | Path, top: int = 40) -> Path:
    """Mean rank IC per alpha at each horizon (the ``top`` alphas by |rank IC| at the first horizon)."""
    h0 = analysis.horizons[0]
    table = analysis.ic["rank_ic_mean"].unstack("horizon")
    order = table[h0].abs().sort_values(ascending=False).index[:top]
    table = table.loc[order]
    with matplotlib.rc_context(_STYLE):
        fig, ax = _figure(1, 1, (10, max(2.5, 0.22 * len(table) + 1.2)))
        height = 0.8 / len(table.columns)
        y = np.arange(len(table))
        for i, h in enumerate(table.columns):
            ax.barh(y + (i - (len(table.columns) - 1) / 2) * height, table[h].to_numpy(), height, label=f"{h}-period")
        ax.set_yticks(y, table.index)
        ax.invert_yaxis()
        ax.axvline(0, color="k", lw=0.6)
        ax.set_title(f"mean rank IC by horizon ({len(table)} alphas with the largest |rank IC| at horizon {h0})")
        ax.legend(fontsize=7)
        fig.tight_layout()
        return _save(fig, path)


def correlation_figure(analysis: Analysis, path: str | Path) -> Path:
    """Heat map of the mean per-date rank correlation between alphas."""
    corr = analysis.correlation
    k = len(corr)
    with matplotlib.rc_context({**_STYLE, "axes.grid": False}):
        size = min(14, max(4, 0.13 * k + 3))
        fig, ax = _figure(1, 1, (size + 1, size))
        image = ax.imshow(corr.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
        step = max(1, k // 40)
        ticks = np.arange(0, k, step)
        ax.set_xticks(ticks, corr.index[ticks], rotation=90, fontsize=7)
        ax.set_yticks(ticks, corr.index[ticks], fontsize=7)
        fig.colorbar(image, ax=ax, shrink=0.8)
        ax.set_title("correlation between alphas (mean per-date rank correlation)")
        fig.tight_layout()
        return _save(fig, path)


def series_figure(frame: pd.DataFrame, path: str | Path, title: str, band: pd.DataFrame | None = None) -> Path:
    """Lines for the columns of ``frame`` (e.g. a few assets); ``band`` (lower, median, upper) shaded below."""
    with matplotlib.rc_context(_STYLE):
        rows = 2 if band is not None else 1
        fig, axes = _figure(rows, 1, (10, 3.2 * rows), sharex=True, squeeze=False)
        ax = axes[0, 0]
        for col in frame.columns:
            ax.plot(frame.index, frame[col].to_numpy(), lw=1.0, label=str(col))
        ax.set_title(title)
        if len(frame.columns) <= 10:
            ax.legend(fontsize=7, loc="upper left")
        if band is not None:
            ax = axes[1, 0]
            lower, median, upper = (band.iloc[:, i].to_numpy() for i in range(3))
            ax.fill_between(band.index, lower, upper, color="#9ab", alpha=0.5, label="10%-90% of assets")
            ax.plot(band.index, median, color="#258", lw=1.2, label="median")
            ax.set_title("cross-section over time")
            ax.legend(fontsize=7, loc="upper left")
        fig.tight_layout()
        return _save(fig, path)
