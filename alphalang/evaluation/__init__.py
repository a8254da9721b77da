"""Factor evaluation: IC and rank IC by horizon, IC decay, quantile returns, long-short, turnover,
autocorrelation, coverage and the correlation between alphas, vectorised over the whole panel.

Example:
    >>> import alphalang
    >>> from alphalang.evaluation import analyze
    >>> panel = alphalang.demo_panel(120, 30)
    >>> a = analyze(alphalang.compile("rev = -returns").run(panel), panel, horizons=(1, 5))
    >>> sorted(a.ic.columns)[:2]
    ['ic_ir', 'ic_mean']
"""

from alphalang.evaluation.alphalens import alphalens_inputs, to_alphalens
from alphalang.evaluation.analysis import Analysis, alpha_correlation, analyze, parse_horizons
from alphalang.evaluation.metrics import (
    coverage,
    forward_returns,
    ic_decay,
    ic_stats,
    information_coefficient,
    long_short_returns,
    quantile_buckets,
    quantile_mean_returns,
    quantile_turnover,
    rank_autocorrelation,
)
from alphalang.evaluation.stats import row_corr, row_quantiles, row_rank, row_spearman

__all__ = [
    "Analysis", "alpha_correlation", "alphalens_inputs", "analyze", "coverage", "forward_returns", "ic_decay",
    "ic_stats", "information_coefficient", "long_short_returns", "parse_horizons", "quantile_buckets",
    "quantile_mean_returns", "quantile_turnover", "rank_autocorrelation", "row_corr", "row_quantiles", "row_rank",
    "row_spearman", "to_alphalens",
]
