"""Write an evaluation report to a directory: PNG plots, one self-contained HTML page, CSV and parquet numbers.

Example:
    >>> import alphalang, tempfile
    >>> from alphalang.evaluation import analyze
    >>> panel = alphalang.demo_panel(80, 20)
    >>> a = analyze({"rev": -panel.field("returns"), "mom": panel.field("returns")}, panel, horizons=(1, 5))
    >>> write_report(a, tempfile.mkdtemp(), title="demo").name
    'report.html'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from alphalang.evaluation.analysis import Analysis
from alphalang.report.page import render_html

__all__ = ["require_matplotlib", "write_report", "write_numbers"]


def require_matplotlib():
    """The plots module, or a user error saying how to get matplotlib."""
    try:
        from alphalang.report import plots
    except ImportError as exc:
        if "matplotlib" not in str(exc):
            raise
        from alphalang.errors import AlphaDataError

        raise AlphaDataError("plots need matplotlib, which is not installed",
                             hint="pip install matplotlib (alphalang report --no-plots works without it)") from None
    return plots


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:80] or "alpha"


def write_numbers(analysis: Analysis, out_dir: str | Path, formats: tuple[str, ...] = ("csv", "parquet"),
                  simulations: Mapping | None = None) -> list[Path]:
    """Each table of the analysis as ``<name>.csv`` / ``<name>.parquet`` under ``out_dir/numbers``; with
    ``simulations`` also ``simulation`` (one summary row per alpha) and ``pnl`` (daily PnL per alpha)."""
    folder = Path(out_dir) / "numbers"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    frames = dict(analysis.frames())
    if simulations:
        import pandas as pd

        rows = pd.DataFrame([sim.summary() for sim in simulations.values()]).set_index("output")
        rows["warnings"] = rows["warnings"].map("; ".join)
        frames["simulation"] = rows
        frames["pnl"] = pd.DataFrame({name: sim.pnl_series() for name, sim in simulations.items()})
    for stem, frame in frames.items():
        frame = frame.copy()
        frame.columns = [str(c) for c in frame.columns]
        if "csv" in formats:
            frame.to_csv(folder / f"{stem}.csv")
            written.append(folder / f"{stem}.csv")
        if "parquet" in formats:
            frame.to_parquet(folder / f"{stem}.parquet")
            written.append(folder / f"{stem}.parquet")
    return written


def write_report(analysis: Analysis, out_dir: str | Path, *, title: str = "alphalang evaluation report",
                 description: str = "", formulas: Mapping[str, str] | None = None, plots: bool = True,
                 progress: Callable[[str], None] | None = None, simulations: Mapping | None = None) -> Path:
    """Write ``report.html``, ``png/*.png`` and ``numbers/*.{csv,parquet}``; return the HTML path.

    ``simulations`` (name -> ``Simulation``, e.g. ``alphalang.simulate(results, panel)``) adds each alpha's
    PnL tear sheet and ranks alphas by fitness. Flagged alphas (``ranking.flags``) get no plot.
    ``progress`` is called with a short label after each alpha's plots are written.
    """
    from alphalang.report.ranking import rank

    ranked, flagged = rank(analysis, simulations)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    images: dict[str, Path] = {}
    if plots:
        P = require_matplotlib()  # noqa: N806

        images["overview"] = P.overview_figure(analysis, out / "png" / "overview.png", ranked)
        if progress:
            progress("overview")
        if analysis.correlation is not None:
            images["correlation"] = P.correlation_figure(analysis, out / "png" / "correlation.png")
            if progress:
                progress("correlation")
        for name in analysis.names:
            if name not in flagged:
                stem = out / "png" / _slug(name)
                images[name] = P.alpha_figure(analysis, name, stem.with_suffix(".png"))
                images[f"{name}.views"] = P.views_figure(analysis, name, stem.with_name(stem.name + ".views.png"))
                if simulations is not None and name in simulations:
                    images[f"{name}.pnl"] = P.pnl_figure(simulations[name], stem.with_name(stem.name + ".pnl.png"))
            if progress:
                progress(name)
    write_numbers(analysis, out, simulations=simulations)
    page = out / "report.html"
    page.write_text(render_html(analysis, images, title=title, description=description, formulas=formulas,
                                simulations=simulations), encoding="utf-8")
    return page
