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

__all__ = ["VIEWS", "alpha_figure", "correlation_figure", "overview_figure", "pnl_figure", "series_figure",
           "views_figure"]

#: the panels of ``views_figure``, in order (the page's alt text lists them)
VIEWS = ("cumulative return per quantile", "rank IC histogram", "rank IC QQ plot against the normal",
         "monthly mean rank IC", "turnover and rank autocorrelation over time", "rank IC per group")

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


def overview_figure(analysis: Analysis, path: str | Path, order: list[str], top: int = 40) -> Path:
    """Mean rank IC per alpha at each horizon for the first ``top`` alphas of ``order`` (the report's ranking)."""
    table = analysis.ic["rank_ic_mean"].unstack("horizon").loc[list(order)[:top]]
    with matplotlib.rc_context(_STYLE):
        fig, ax = _figure(1, 1, (10, max(2.5, 0.22 * len(table) + 1.2)))
        height = 0.8 / len(table.columns)
        y = np.arange(len(table))
        for i, h in enumerate(table.columns):
            ax.barh(y + (i - (len(table.columns) - 1) / 2) * height, table[h].to_numpy(), height, label=f"{h}-period")
        ax.set_yticks(y, table.index)
        ax.invert_yaxis()
        ax.axvline(0, color="k", lw=0.6)
        ax.set_title(f"mean rank IC by horizon (the first {len(table)} ranked alphas, best at the top)")
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


def pnl_figure(sim, path: str | Path) -> Path:
    """The simulation's chart (``Simulation.plot``: cumulative PnL, out-of-sample shaded, over the drawdown)."""
    with matplotlib.rc_context(_STYLE):
        fig = sim.plot()
        FigureCanvasAgg(fig)
        fig.tight_layout()
        return _save(fig, path)


def views_figure(analysis: Analysis, name: str, path: str | Path) -> Path:
    """The alphalens views over time for one alpha, one panel per entry of ``VIEWS``."""
    from statistics import NormalDist

    from alphalang.evaluation.views import monthly_ic

    h0 = analysis.horizons[0]
    ric = analysis.ic_series[(name, "rank_ic", h0)].dropna()
    with matplotlib.rc_context(_STYLE):
        fig, axes = _figure(3, 2, (10, 9.6))
        ax = axes[0, 0]
        cum = analysis.quantile_cumulative[name]
        for q in cum.columns:
            ax.plot(cum.index, cum[q].to_numpy() * 100, lw=1.0, label=f"q{q}")
        ax.set_title(f"{VIEWS[0]} (demeaned, %)")
        ax.legend(fontsize=7, ncol=min(5, len(cum.columns)))
        ax = axes[0, 1]
        ax.hist(ric.to_numpy(), bins=min(40, max(5, len(ric) // 5)), color="#69c")
        ax.axvline(ric.mean(), color="#c33", lw=1.2)
        ax.set_title(f"{VIEWS[1]}, horizon {h0} (mean {ric.mean():+.3f}, std {ric.std():.3f})")
        ax = axes[1, 0]
        n = len(ric)
        theory = [NormalDist().inv_cdf((i + 0.5) / n) for i in range(n)]
        ax.scatter(theory, np.sort(ric.to_numpy()), s=4, color="#258")
        if n > 1:
            ax.plot(theory, ric.mean() + ric.std() * np.asarray(theory), color="#c33", lw=1)
        ax.set_title(VIEWS[2])
        ax.set_xlabel("normal quantile")
        ax = axes[1, 1]
        months = monthly_ic(analysis.ic_series[(name, "rank_ic", h0)])
        if not months.empty:
            bound = float(np.nanmax(np.abs(months.to_numpy()))) or 1.0
            image = ax.imshow(months.to_numpy(), cmap="RdBu", vmin=-bound, vmax=bound, aspect="auto")
            ax.set_xticks(range(len(months.columns)), months.columns)
            ax.set_yticks(range(len(months.index)), months.index)
            ax.grid(False)
            fig.colorbar(image, ax=ax, shrink=0.8)
        ax.set_title(VIEWS[3])
        ax = axes[2, 0]
        turn = analysis.turnover_series[name]
        for kind, colour in (("turnover_top", "#4a7"), ("turnover_bottom", "#c55"), ("autocorr", "#258")):
            ax.plot(turn.index, turn[kind].rolling(21, min_periods=5).mean(), color=colour, lw=1.2,
                    label=f"{kind} (21-date mean)")
        ax.set_title(VIEWS[4])
        ax.legend(fontsize=7)
        ax = axes[2, 1]
        level = analysis.settings.get("group_level")
        if analysis.group_ic is not None and name in analysis.group_ic.index.get_level_values(0):
            g = analysis.group_ic.loc[name]["rank_ic_mean"]
            ax.bar([str(i) for i in g.index], g.to_numpy(), color=np.where(g.to_numpy() >= 0, "#4a7", "#c55"))
            ax.axhline(0, color="k", lw=0.6)
        ax.set_title(f"{VIEWS[5]} ({level or 'no groups'}), horizon {h0}")
        for a in (axes[0, 0], axes[2, 0]):
            if isinstance(cum.index, pd.DatetimeIndex):
                a.tick_params(axis="x", labelrotation=30)
        fig.suptitle(f"{name}: quantiles, IC distribution, turnover, groups", fontweight="bold")
        fig.subplots_adjust(left=0.07, right=0.97, bottom=0.07, top=0.93, hspace=0.5, wspace=0.22)
        return _save(fig, path)
