"""Five minutes with alphalang: compile formulas, run them on the demo market, look at the results.

Run: python examples/quickstart.py
"""

from pathlib import Path

import alphalang

HERE = Path(__file__).parent

panel = alphalang.demo_panel(n_days=300, n_assets=50, seed=0)
print(panel)

# One expression, evaluated directly (any field of the data can be used).
momentum = alphalang.evaluate("rank(delta(close, 5))", panel)
print("rank(delta(close, 5)) on the last date:", momentum[-1, :5].round(3))

# A module of named formulas, with an import of the stdlib and a user function.
program = alphalang.compile(HERE / "my_alphas.alpha")
print("outputs:", program.outputs)
print("lookback (warm-up rows):", program.lookback)
results = program.run(panel)

# Back to pandas: a (date, asset) MultiIndex frame with one column per output.
frame = panel.to_long(results)
print(frame.dropna().tail())

# Mistakes are reported with a caret, not a traceback.
try:
    alphalang.evaluate("ts_mean(close, volume)", panel)
except alphalang.AlphaError as err:
    print(err)
