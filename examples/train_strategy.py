"""From a .alpha file to a trained strategy in a few lines.

Run from the repository root:  python examples/train_strategy.py  (after `pip install -e .`;
without installing, prefix PYTHONPATH=.)
"""

from pathlib import Path

import alphalang
import alphalang.strategy as S

HERE = Path(__file__).parent

# 1. signals: every output of the .alpha file, evaluated on a (synthetic) daily market
panel = alphalang.demo_panel(750, 12, seed=0)
signals = alphalang.compile(HERE / "train_momentum.alpha").run(panel)  # {"mom20": (T, N), "rev5": (T, N)}
data = S.MarketData(panel.fields["close"], signals, S.Frequency.daily())

# 2. one rule per alpha, mixed by a meta node with learnable softmax weights
node = S.MetaNode(tuple(S.RuleNode("signal_gradient", signal=name, options={"transform": "zscore"})
                        for name in signals) + (S.RuleNode("momentum", options={"memory_days": 20}),))
strategy = S.Strategy(node, S.StrategyConfig(simulation="portfolio", cost=5e-4, days_per_year=252,
                                             maximum_change=0.02))

# 3. train one parameter set that does well in all four periods (soft worst case)
result = S.train(strategy, data, periods=4, aggregation="softmin", temperature=0.5, metric="sharpe",
                 optimiser="adam", lr=0.05, epochs=40, burn_in=40, log_every=10)
print(result.table())
print("meta-weights:", node.meta_weights(result.params))

# 4. out of sample: train on 400 days, test on the next 100, roll
wf = S.walk_forward(strategy, data, train_length=400, test_length=100, burn_in=40, epochs=20, periods=2)
print(wf.table())
