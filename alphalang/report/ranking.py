"""Which alphas the report ranks, by what, and which it lists apart as unreliable.

An alpha is flagged (not ranked, no curves drawn) when its numbers cannot be trusted: low coverage, an IC on
too few dates, an empty top or bottom quantile (ties), or any warning of its simulation (no position, few
live dates, low coverage, undefined Sharpe). The others are ranked by fitness when simulations are given,
else by the rank-IC t-stat at the first horizon; best first, NaN last.

Example:
    >>> import alphalang, numpy as np
    >>> from alphalang.evaluation import analyze
    >>> p = alphalang.demo_panel(120, 20)
    >>> late = -p.field("returns"); late[:100] = np.nan
    >>> a = analyze({"rev": -p.field("returns"), "late": late}, p, horizons=(1,), lookback={"late": 100})
    >>> ranked, flagged = rank(a)
    >>> ranked, flagged
    (['rev'], {'late': 'IC on 19 dates only'})
    >>> headline(a).split(":")[0]
    'Best rank-IC t-stat at horizon 1 (1 ranked alpha)'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from alphalang.evaluation.analysis import Analysis
from alphalang.simulation.simulation import LOW_COVERAGE

__all__ = ["MAX_EMPTY_QUANTILES", "MIN_DATES", "flags", "headline", "rank", "statistic"]

#: an IC over fewer dates than this is not evidence
MIN_DATES = 60
#: a quantile empty (ties) on more than this share of dates makes quantile statistics meaningless
MAX_EMPTY_QUANTILES = 0.25


def flags(analysis: Analysis, simulations: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Alpha -> the reasons to distrust its numbers ("; "-joined), for flagged alphas only."""
    h0 = analysis.horizons[0]
    out = {}
    for name in analysis.names:
        row = analysis.alphas.loc[name]
        n_dates = int(analysis.ic.loc[(name, h0), "n_dates"])
        reasons = []
        if not row["coverage"] > 0:
            reasons.append("no finite values")
        elif row["coverage"] < LOW_COVERAGE:
            reasons.append(f"coverage {row['coverage']:.0%}")
        if row["coverage"] > 0 and n_dates < MIN_DATES:
            reasons.append(f"IC on {n_dates} dates only")
        if row["coverage"] > 0 and not (np.isfinite(row["ls_sharpe"])
                                        and row.get("empty_quantile_share", 0.0) <= MAX_EMPTY_QUANTILES):
            reasons.append(f"a quantile empty on {row.get('empty_quantile_share', 1.0):.0%} of dates (ties)")
        if simulations is not None and name in simulations:
            reasons += [f"simulation: {w}" for w in simulations[name].warnings]
        if reasons:
            out[name] = "; ".join(reasons)
    return out


def statistic(analysis: Analysis, simulations: Mapping[str, Any] | None = None) -> tuple[str, dict[str, float]]:
    """(label, alpha -> value) of the ranking statistic: fitness with simulations, else the rank-IC t-stat."""
    if simulations is not None:
        return "fitness", {n: simulations[n].metrics["fitness"] if n in simulations else math.nan
                           for n in analysis.names}
    h0 = analysis.horizons[0]
    t = analysis.ic.xs(h0, level="horizon")["rank_ic_t"]
    return f"rank-IC t-stat at horizon {h0}", {n: float(t[n]) for n in analysis.names}


def rank(analysis: Analysis, simulations: Mapping[str, Any] | None = None) -> tuple[list[str], dict[str, str]]:
    """(unflagged alphas best first by ``statistic``, NaN last; flagged alpha -> reasons, in input order)."""
    flagged = flags(analysis, simulations)
    _, values = statistic(analysis, simulations)
    kept = [n for n in analysis.names if n not in flagged]
    kept.sort(key=lambda n: (not math.isfinite(values[n]), -values[n] if math.isfinite(values[n]) else 0.0))
    return kept, flagged


def headline(analysis: Analysis, simulations: Mapping[str, Any] | None = None, top: int = 3) -> str:
    """One sentence naming the best ranked alphas (never a flagged one) and how many were set apart."""
    label, values = statistic(analysis, simulations)
    ranked, flagged = rank(analysis, simulations)
    best = [n for n in ranked if math.isfinite(values[n])][:top]
    plural = "" if len(ranked) == 1 else "s"
    text = f"Best {label} ({len(ranked)} ranked alpha{plural}): "
    text += ", ".join(f"{n} {values[n]:+.3g}" for n in best) if best else "none"
    if flagged:
        text += (f"; {len(flagged)} not ranked (too few dates, low coverage, empty quantiles or a simulation "
                 "warning; listed apart)")
    return text + "."
