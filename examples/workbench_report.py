"""Evaluate a few alphas against forward returns and write the HTML report, from Python.

Run: python examples/workbench_report.py   (writes workbench-report/report.html)

The same from the shell: alphalang report examples/my_alphas.alpha --demo --out workbench-report/
"""

from pathlib import Path

import alphalang
from alphalang.evaluation import analyze, to_alphalens
from alphalang.report import write_report

HERE = Path(__file__).parent

panel = alphalang.demo_panel(n_days=500, n_assets=100, seed=0)
program = alphalang.compile(HERE / "my_alphas.alpha", fields=panel.fields)
results = program.run(panel)

# IC / rank IC by horizon, IC decay, quantile returns, long-short, turnover, autocorrelation, coverage,
# and the correlation between alphas: one call, forward returns computed once for all alphas.
analysis = analyze(results, panel, horizons=(1, 5, 20), lookback=program.lookback)
print(analysis.ic.xs(5, level="horizon")[["rank_ic_mean", "rank_ic_t", "n_dates"]].round(4))
print(analysis.alphas[["coverage", "autocorr", "turnover_top", "ls_sharpe"]].round(3))

page = write_report(analysis, "workbench-report", title="my alphas on the demo market")
print("wrote", page)

# alphalens-reloaded tear sheets, if installed: its factor_data, warm-up rows already dropped.
try:
    import alphalens  # noqa: F401
except ImportError:
    print("alphalens tear sheet skipped: install alphalang[alphalens]")
else:
    factor_data = to_alphalens(results["short_mom"], panel, periods=(1, 5, 10))
    print(factor_data.head())
