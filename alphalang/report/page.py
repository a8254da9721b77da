"""One self-contained HTML page for an ``Analysis``: tables plus PNG images embedded as data URIs.

No external CSS, fonts or scripts; a few lines of inline JavaScript make the tables sortable by clicking a
column header.

Example:
    >>> print(table_html(__import__("pandas").DataFrame({"x": [1.5]}, index=["a"])).split("\\n")[0])
    <table class="num sortable">
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from alphalang.evaluation.analysis import Analysis
from alphalang.report.ranking import MAX_EMPTY_QUANTILES, MIN_DATES, headline, rank, statistic

__all__ = ["render_html", "table_html", "image_tag"]

CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1180px;color:#222;
padding:0 16px;font-size:14px}
h1{font-size:24px;margin-bottom:4px} h2{font-size:19px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
h3{font-size:16px;margin:24px 0 6px} .meta{color:#666} code,pre{font-family:Menlo,Consolas,monospace;font-size:12.5px}
pre.formula{background:#f6f8fa;padding:8px 10px;border-radius:4px;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;margin:8px 0 12px;font-size:12.5px}
th,td{padding:3px 9px;border-bottom:1px solid #e5e5e5;text-align:right} th{background:#f3f5f7;cursor:pointer}
td:first-child,th:first-child{text-align:left} tr:hover td{background:#fafbfc}
.pos{color:#16703a} .neg{color:#b3261e} img{max-width:100%;border:1px solid #eee;margin:6px 0}
.alpha{border-top:2px solid #eee;margin-top:28px} .notes li{margin:3px 0} nav a{margin-right:10px}
.wide{overflow-x:auto} .headline{font-size:16px;background:#f3f7f3;padding:8px 10px;border-radius:4px}
.flag{color:#b3261e}
"""

SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function(th){th.addEventListener('click',function(){
var t=th.closest('table'),i=Array.prototype.indexOf.call(th.parentNode.children,th),b=t.tBodies[0],
r=Array.from(b.rows),asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';
r.sort(function(x,y){var a=x.cells[i].dataset.v||x.cells[i].textContent,c=y.cells[i].dataset.v||y.cells[i].textContent,
p=parseFloat(a),q=parseFloat(c);if(!isNaN(p)&&!isNaN(q)){return asc?p-q:q-p}
return asc?a.localeCompare(c):c.localeCompare(a)});
r.forEach(function(x){b.appendChild(x)})})});
"""

PERCENT = {"coverage", "sim coverage", "empty_quantile_share"}
SIM_COLUMNS = ("fitness", "sharpe", "returns", "turnover", "drawdown", "margin")
SIGNED = ("fitness", "sharpe", "returns", "margin",
          "ic_mean", "rank_ic_mean", "ic_t", "rank_ic_t", "ic_ir", "rank_ic_ir", "ls_sharpe", "ls_total", "ls_mean")


def _cell(value, column: str = "") -> str:
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            return '<td data-v="-1e308">nan</td>'
        text = f"{value:.1%}" if column in PERCENT else f"{value:.4g}"
        cls = ""
        if any(str(column).startswith(s) for s in SIGNED) or column in ("mean", "spread"):
            cls = ' class="pos"' if value > 0 else ' class="neg"' if value < 0 else ""
        return f'<td data-v="{value!r}"{cls}>{text}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def table_html(frame: pd.DataFrame, sortable: bool = True, index: bool = True) -> str:
    """An HTML table of a DataFrame (numbers to 4 significant digits, signs coloured)."""
    cls = "num sortable" if sortable else "num"
    head = [html.escape(str(frame.index.name or "")) if index else None] + [html.escape(str(c)) for c in frame.columns]
    lines = [f'<table class="{cls}">', "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head if h is not None)
             + "</tr></thead>", "<tbody>"]
    for key, row in frame.iterrows():
        cells = [f"<td>{html.escape(str(key))}</td>"] if index else []
        cells += [_cell(v, str(c)) for c, v in row.items()]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def image_tag(path: str | Path, alt: str) -> str:
    """An ``<img>`` with the PNG embedded as base64."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _overview(analysis: Analysis, names: list[str], simulations: Mapping | None,
              reasons: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per alpha of ``names`` (in that order): simulation metrics, IC, turnover, coverage."""
    a = analysis.alphas.loc[names]
    table = pd.DataFrame(index=a.index)
    if simulations is not None:
        for col in SIM_COLUMNS:
            table[col] = [simulations[n].metrics[col] for n in names]
        table["sim coverage"] = [simulations[n].coverage for n in names]
    for h in analysis.horizons:
        table[f"rank_ic_mean h{h}"] = analysis.ic.xs(h, level="horizon")["rank_ic_mean"].loc[names]
    h0 = analysis.horizons[0]
    for col in ("rank_ic_t", "ic_mean", "n_dates"):
        table[f"{col} h{h0}"] = analysis.ic.xs(h0, level="horizon")[col].loc[names]
    for col in ("ls_sharpe", "turnover_top", "autocorr", "coverage", "lookback"):
        table[col] = a[col].astype(float) if col != "lookback" else a[col]
    if reasons is not None:
        table["why not ranked"] = [reasons[n] for n in names]
    return table


def render_html(analysis: Analysis, images: Mapping[str, Path], *, title: str, description: str = "",
                formulas: Mapping[str, str] | None = None, simulations: Mapping | None = None) -> str:
    """The whole page. ``images`` maps "overview", "correlation", alpha names (the IC figure), ``NAME.pnl`` and
    ``NAME.views`` to PNG paths; ``simulations`` (name -> ``Simulation``) adds the PnL tear sheet and ranks by
    fitness. Flagged alphas (``ranking.flags``) are listed apart and never get a curve."""
    formulas = formulas or {}
    h0 = analysis.horizons[0]
    ranked, flagged = rank(analysis, simulations)
    label, _ = statistic(analysis, simulations)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">{html.escape(description)}</p>' if description else "",
        f'<p class="meta">{len(analysis.names)} alphas; horizons {", ".join(map(str, analysis.horizons))} '
        f'dates; {analysis.quantiles} quantiles; forward returns from <code>'
        f'{html.escape(analysis.settings.get("price_field", "close"))}</code>.</p>',
        f'<p class="headline" id="headline">{html.escape(headline(analysis, simulations))}</p>',
        '<nav><a href="#summary">summary</a><a href="#flagged">not ranked</a><a href="#correlation">correlation'
        '</a><a href="#alphas">per alpha</a><a href="#notes">notes</a></nav>',
        '<h2 id="summary">Summary</h2>',
        f"<p>Alphas ranked by {html.escape(label)}, best first; alphas whose numbers cannot be trusted are "
        "listed apart below. Click a column header to sort. Rank IC is the per-date Spearman correlation of "
        "the alpha with the forward return over the horizon; IC the Pearson one.</p>",
        '<div class="wide">' + table_html(_overview(analysis, ranked, simulations)) + "</div>",
        '<h2 id="flagged">Not ranked</h2>',
    ]
    if flagged:
        parts += [f"<p>Too few dates (IC on fewer than {MIN_DATES}), low coverage, a quantile empty on more "
                  f"than {MAX_EMPTY_QUANTILES:.0%} of dates (ties), or a simulation warning: "
                  "their numbers are shown but not ranked, and no "
                  "curve is drawn for them.</p>",
                  '<div class="wide">' + table_html(_overview(analysis, list(flagged), simulations, flagged))
                  + "</div>"]
    else:
        parts.append("<p>None: every alpha has enough dates, coverage and filled quantiles.</p>")
    if "overview" in images:
        parts.append(image_tag(images["overview"], "mean rank IC by horizon"))
    parts.append('<h2 id="correlation">Correlation between alphas</h2>')
    if analysis.correlation is not None:
        if "correlation" in images:
            parts.append(image_tag(images["correlation"], "correlation between alphas"))
        parts.append(_top_pairs(analysis.correlation))
    else:
        parts.append("<p>Only one alpha: no correlation matrix.</p>")
    parts.append('<h2 id="alphas">Per alpha</h2>')
    for name in [*ranked, *flagged]:
        parts.append(f'<section class="alpha" id="alpha-{html.escape(name)}"><h3>{html.escape(name)}</h3>')
        if name in flagged:
            parts.append(f'<p class="flag">Not ranked, no curves: {html.escape(flagged[name])}.</p>')
        if name in formulas:
            parts.append(f'<pre class="formula">{html.escape(formulas[name])}</pre>')
        ic = analysis.ic.loc[name].copy()
        ic.index = [f"horizon {h}" for h in ic.index]
        ic.index.name = "IC"
        parts.append(table_html(ic, sortable=False))
        qr = analysis.quantile_returns.loc[name] * 1e4
        qr.columns = [f"{h}-period (bps)" for h in qr.columns]
        qr.index.name = "quantile"
        spread = (qr.iloc[-1] - qr.iloc[0]).to_frame("top - bottom").T
        parts.append(table_html(pd.concat([qr, spread]), sortable=False))
        metrics = analysis.alphas.loc[[name]].drop(columns=["ls_mean"])
        metrics.index.name = "alpha"
        parts.append(table_html(metrics, sortable=False))
        if simulations is not None and name in simulations:
            parts += _simulation_tables(simulations[name])
        if name not in flagged:
            parts += _view_tables(analysis, name)
            parts += [image_tag(images[key], alt) for key, alt in _alpha_images(name) if key in images]
        parts.append("</section>")
    parts += [
        '<h2 id="notes">How the numbers are computed</h2><ul class="notes">',
        "<li>Forward return at date t over horizon h: <code>price[t+h] / price[t] - 1</code>; the alpha at t is "
        "known at the close of t. The last h dates have no forward return.</li>",
        "<li>IC statistics are over dates: mean, std (ddof 1), t-stat = mean / (std / sqrt(n)), IR = mean / std "
"(per date, not annualised). For h &gt; 1 consecutive forward returns overlap, so that t-stat overstates "
        "significance (by roughly sqrt(h)); two t-stats allow for the overlap: rank_ic_t_nw (Newey-West, "
        "Bartlett weights, h - 1 lags) and rank_ic_t_nonoverlap_mean (the t-stat of every h-th date, averaged "
        "over the h possible start dates).</li>",
        "<li>Quantiles: per date, <code>pd.qcut</code> buckets of the alpha (1 = lowest); returns are demeaned "
        "by the date's mean over the bucketed assets, averaged per date then over dates (as alphalens).</li>",
        "<li>Long-short: $1 long the top quantile and $1 short the bottom, equal weights, rebalanced every date "
        "on 1-period returns; Sharpe annualised with 252 dates.</li>",
        "<li>Turnover: share of a quantile's names that were not in it the date before. Autocorrelation: "
        "correlation of the alpha's ranks with the previous date's.</li>",
        "<li>Coverage: share of finite values after the alpha's warm-up (lookback) rows. n_dates: dates with an "
        "IC (at least 3 assets with both a finite alpha and a forward return, and neither side constant).</li>",
        "<li>Alphas with many ties (binary or clipped signals) can leave the top or bottom quantile empty on "
        "every date; their long-short and turnover are then nan.</li>",
        "<li>IC decay: mean rank IC of the alpha at t against the 1-period return from t+k to t+k+1.</li>",
        "<li>Cumulative return per quantile: each date's demeaned mean 1-period return of the quantile, "
        "compounded. Monthly IC: mean rank IC per calendar month. Rank IC per group: the per-date Spearman "
        "correlation within the members of each group of the coarsest group level, averaged over dates.</li>",
        "<li>Simulation (when given): the book of docs/simulation.md (settings above each table); cumulative "
        "PnL with the out-of-sample part shaded, over the drawdown; metrics per calendar year.</li>",
        f"<li>Ranking: by {html.escape(label)}; alphas with coverage under 50%, an IC on fewer than "
        f"{MIN_DATES} dates, a quantile empty on more than {MAX_EMPTY_QUANTILES:.0%} of dates or a simulation "
        "warning are listed apart.</li>",
        "<li>Correlation between alphas: mean over dates of the cross-sectional correlation of their ranks.</li>",
        f"<li>Sorted plots and the summary use horizon {h0} unless stated.</li></ul>",
        f"<script>{SORT_JS}</script></body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _alpha_images(name: str) -> list[tuple[str, str]]:
    """(image key, alt text) of an alpha's figures, in page order."""
    from alphalang.report.plots import VIEWS

    return [(f"{name}.pnl", f"{name}: cumulative PnL (out-of-sample shaded) and drawdown"),
            (name, f"{name}: rank IC, decay, quantile returns, long-short"),
            (f"{name}.views", f"{name}: " + ", ".join(VIEWS))]


def _simulation_tables(sim) -> list[str]:
    """The simulated book's metrics (with coverage and warnings), split and yearly tables."""
    from alphalang.simulation.settings import SETTINGS

    changed = [f"{s.name}={getattr(sim.settings, s.name)}" for s in SETTINGS
               if getattr(sim.settings, s.name) != s.default]
    metrics = pd.DataFrame([sim.metrics], index=pd.Index(["book"], name="simulation"))
    metrics["coverage"] = sim.coverage
    metrics["live days"] = sim.live_days
    out = [f'<p class="meta">Simulated book ({html.escape(", ".join(changed) or "default settings")})'
           + (f'; <span class="flag">{html.escape("; ".join(sim.warnings))}</span>' if sim.warnings else "")
           + "</p>", table_html(metrics, sortable=False)]
    for frame in (sim.split, sim.yearly):
        if frame is not None and len(frame):
            out.append(table_html(frame, sortable=False))
    return out


def _view_tables(analysis: Analysis, name: str) -> list[str]:
    """Per-group and monthly rank IC as tables (the figures show them too)."""
    from alphalang.evaluation.views import monthly_ic

    h0 = analysis.horizons[0]
    out = []
    if analysis.group_ic is not None and name in analysis.group_ic.index.get_level_values(0):
        g = analysis.group_ic.loc[name].T
        g.index.name = f"by {analysis.settings.get('group_level')} (horizon {h0})"
        out.append('<div class="wide">' + table_html(g.astype(float), sortable=False) + "</div>")
    months = monthly_ic(analysis.ic_series[(name, "rank_ic", h0)])
    if not months.empty:
        months.index.name = f"monthly rank IC h{h0}"
        out.append('<div class="wide">' + table_html(months, sortable=False) + "</div>")
    return out


def _top_pairs(corr: pd.DataFrame, n: int = 10) -> str:
    values = corr.to_numpy().copy()
    upper = np.triu(np.ones_like(values, dtype=bool), k=1) & np.isfinite(values)
    i, j = np.nonzero(upper)
    if not len(i):
        return ""
    order = np.argsort(-np.abs(values[i, j]))[:n]
    frame = pd.DataFrame({"alpha": corr.index[i[order]], "with": corr.columns[j[order]],
                          "correlation": values[i[order], j[order]]}).set_index("alpha")
    return "<p>Most correlated pairs:</p>" + table_html(frame, sortable=False)
