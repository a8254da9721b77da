"""Benchmark of the JAX strategy layer against a straightforward numpy loop of the same simulation.

Cases:
  (a) G3M pool, momentum rule, 3 assets x 1 year of minute bars, daily chunks (C = f = 1440)
  (b) rebalanced portfolio with proportional costs, signal-as-gradient rule, 500 assets x 10 years of days

For each case: jit compile time (first call minus a steady call), steady forward time and forward+gradient
time (min of several runs), the numpy loop's forward time measured in the same run, and the ratios.  The
numpy loop is also checked to give the same final value.

Run:  python bench/strategy.py [--repeats 5] [--markdown bench/RESULTS_strategy.md]
"""

from __future__ import annotations

import argparse
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np

import alphalang.strategy as S
from alphalang.strategy import metrics as M


def _timeit(fn, repeats):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _block(x):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready() if hasattr(a, "block_until_ready") else a, x)


# ------------------------------------------------------------------------------------------ numpy loops
def _bounds(raw, eps, w_max):
    nn = raw / raw.sum()
    below = nn < eps
    clipped = np.clip(nn, eps, w_max)
    c = clipped.copy()
    c[~below] *= (1 - below.sum() * eps) / c[~below].sum()
    if (c < eps * (1 - 1e-12)).any():  # water-fill, as alphalang.strategy.guardrails does
        order = np.argsort(clipped)
        sc = clipped[order]
        rest = sc.sum() - np.concatenate([[0.0], np.cumsum(sc)])
        m = np.arange(len(sc) + 1)
        scale = (1 - m * eps) / np.where(rest > 0, rest, 1.0)
        ok = (np.append(sc, np.inf) * scale >= eps) | (m == len(sc))
        m_star = int(np.argmax(ok))
        c = clipped * scale[m_star]
        c[order[:m_star]] = eps
    c[np.argmax(c)] += 1 - c.sum()
    return c


def numpy_g3m_momentum(prices, lam, k, chunk, f, eps, delta, v0):
    """Per-chunk estimator + guardrail loop, per-minute value loop (zero-fee G3M)."""
    t, n = prices.shape
    cp = prices[::chunk]
    ewma, a = cp[0].copy(), np.zeros(n)
    b = lam / (1 - lam) ** 3
    x = np.full(n, 1.0 / n)
    w_max = 1 - (n - 1) * eps
    fine = np.empty((t - 1, n))
    fine[:chunk] = x
    row = chunk
    for j in range(1, cp.shape[0]):
        ewma = lam * ewma + (1 - lam) * cp[j]
        a = lam * a + (cp[j] - ewma) / (1 - lam)
        a[np.abs(a) < 1e-10] = 0.0
        g = a / (b * ewma)
        u = k * (g - np.sum(k * g) / np.sum(k))
        c = _bounds(x + u, eps, w_max)
        d = (c - x) / f
        if np.abs(d).max() > delta:
            d = d * delta / (np.abs(d).max() + 1e-10)
        for r in range(chunk):
            if row >= t - 1:
                break
            fine[row] = x + min(r, f) * d
            row += 1
        x = x + f * d
    logv = np.log(v0)
    values = np.empty(t - 1)
    values[0] = v0
    for i in range(1, t - 1):
        logv += fine[i - 1] @ np.log(prices[i] / prices[i - 1]) - fine[i] @ np.log(fine[i] / fine[i - 1])
        values[i] = np.exp(logv)
    return values


def numpy_portfolio_signal(prices, signal, k, eps, delta, cost):
    """Per-day loop: zero-sum signal update, guardrails, rebalanced portfolio with costs."""
    t, n = prices.shape
    x = np.full(n, 1.0 / n)
    w_max = 1 - (n - 1) * eps
    weights = np.empty((t - 1, n))
    weights[0] = x
    for j in range(1, t - 1):
        s = signal[j]
        s = np.where(np.isnan(s), 0.0, s)
        u = k * (s - s.mean())
        c = _bounds(x + u, eps, w_max)
        d = c - x
        if np.abs(d).max() > delta:
            d = d * delta / (np.abs(d).max() + 1e-10)
        weights[j] = x  # held from bar j (weights depend on data before j)
        x = x + d
    value = np.empty(t - 1)
    value[0] = 1.0
    for i in range(1, t - 1):
        rel = prices[i] / prices[i - 1]
        grown = weights[i - 1] * rel
        growth = grown.sum()
        turnover = np.abs(weights[i] - grown / growth).sum()
        value[i] = value[i - 1] * growth * (1 - cost * turnover)
    return value


# ------------------------------------------------------------------------------------------------ cases
def case_a(repeats):
    rng = np.random.default_rng(0)
    t, n, chunk = 525_600, 3, 1440
    prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.0005, (t, n)), axis=0))
    cfg = S.StrategyConfig(chunk_period=chunk, bars_per_day=1440, maximum_change=3e-4)
    strat = S.Strategy(S.RuleNode("momentum"), cfg)
    data = S.MarketData(prices, freq=cfg.freq)
    params = strat.init_params(data)
    x = jnp.asarray(prices)

    def objective(p, px):
        return M.daily_log_sharpe(strat.simulate(p, (px, {})).value, cfg.freq)

    fwd = jax.jit(lambda p, px: strat.simulate(p, (px, {})).value)
    grad = jax.jit(jax.value_and_grad(objective))
    lam = float(S.sigmoid(params["logit_lamb"][0]))
    k = np.asarray(S.k_from_log_k(params["log_k"], S.memory_days_from_lamb(lam, chunk)))
    np_fn = lambda: numpy_g3m_momentum(prices, lam, k, chunk, chunk, 0.1 / n, 3e-4, 1e6)  # noqa: E731
    return "a) G3M momentum, 3 assets x 525,600 minutes, C=f=1440", _run(fwd, grad, (params, x), np_fn, repeats)


def case_b(repeats):
    rng = np.random.default_rng(1)
    t, n = 2520, 500
    prices = 50 * np.exp(np.cumsum(rng.normal(0.0002, 0.02, (t, n)), axis=0))
    signal = rng.normal(size=(t, n))
    signal[:20] = np.nan
    cfg = S.StrategyConfig(simulation="portfolio", cost=5e-4, maximum_change=0.002, days_per_year=252,
                           initial_value=1.0)
    node = S.RuleNode("signal_gradient", signal="s", initial={"log_k": float(np.log2(1e-4))})
    strat = S.Strategy(node, cfg)
    data = S.MarketData(prices, {"s": signal}, cfg.freq)
    params = strat.init_params(data)
    x, sig = data.arrays()

    def objective(p, px, s):
        return M.sharpe(strat.simulate(p, (px, s)).value, cfg.freq)

    fwd = jax.jit(lambda p, px, s: strat.simulate(p, (px, s)).value)
    grad = jax.jit(jax.value_and_grad(objective))
    np_fn = lambda: numpy_portfolio_signal(prices, signal, 1e-4, 0.1 / n, 0.002, 5e-4)  # noqa: E731
    return "b) portfolio, signal-as-gradient, 500 assets x 2,520 days", _run(fwd, grad, (params, x, sig), np_fn,
                                                                           repeats)


def _run(fwd, grad, args, np_fn, repeats):
    t0 = time.perf_counter()
    _block(fwd(*args))
    first_fwd = time.perf_counter() - t0
    t_fwd = _timeit(lambda: _block(fwd(*args)), repeats)
    t0 = time.perf_counter()
    _block(grad(*args))
    first_grad = time.perf_counter() - t0
    t_grad = _timeit(lambda: _block(grad(*args)), repeats)
    t_np = _timeit(np_fn, max(1, repeats // 2))
    v_jax = np.asarray(fwd(*args))
    v_np = np_fn()
    return {"compile_fwd": first_fwd - t_fwd, "compile_grad": first_grad - t_grad, "fwd": t_fwd, "grad": t_grad,
            "numpy": t_np, "rel_diff": float(abs(v_jax[-1] / v_np[-1] - 1))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--markdown", default=None, help="also write the table to this markdown file")
    args = ap.parse_args()
    rows = [case_a(args.repeats), case_b(args.repeats)]
    head = ("| case | jit compile fwd (s) | jit compile fwd+grad (s) | JAX fwd (s) | JAX fwd+grad (s) "
            "| numpy loop fwd (s) | numpy / JAX fwd | numpy fwd / JAX fwd+grad | final value rel. diff |")
    lines = [head, "|" + "---|" * 9]
    for name, r in rows:
        lines.append(f"| {name} | {r['compile_fwd']:.2f} | {r['compile_grad']:.2f} | {r['fwd']:.4f} | "
                     f"{r['grad']:.4f} | {r['numpy']:.3f} | {r['numpy'] / r['fwd']:.1f}x | "
                     f"{r['numpy'] / r['grad']:.1f}x | {r['rel_diff']:.1e} |")
    info = (f"jax {jax.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
            f"{platform.machine()}, backend {jax.default_backend()}; min of {args.repeats} runs")
    table = "\n".join(lines)
    print(table)
    print(info)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write("# Strategy layer benchmark\n\nGenerated by `python bench/strategy.py --markdown "
                     "bench/RESULTS_strategy.md`.\n\n" + table + "\n\n" + info + "\n\n"
                     "Compile time is the first call minus a steady call. The numpy loop runs the same "
                     "simulation (estimator/rule/guardrail loop per rule step, value loop per bar) and has no "
                     "gradient; the last ratio compares it with JAX forward *and* gradient.\n")


if __name__ == "__main__":
    main()
