"""The NaN policy (``passes.nanpolicy``): ``nan="skip"`` in the reference backend against pandas'
``rolling(d, min_periods=m)`` (written here, never the reference), hand-worked tables, and the plumbing (API,
CLI, plan, refusals). numba == reference under both policies: ``tests/numba/test_numba_nan_policy.py``.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.backend.reference import skip as skip_module
from alphalang.errors import AlphaTypeError
from alphalang.ops import REGISTRY
from alphalang.ops.spec import SAME
from alphalang.passes.nanpolicy import nan_policy

T, N = 60, 5
MIN_PERIODS = (1, 3)


def _panel(seed: int = 0, integers: bool = False) -> dict[str, np.ndarray]:
    """Two fields with NaN runs, isolated NaNs and ±inf; continuous values, or small integers (ties)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in ("close", "volume"):
        x = rng.integers(-3, 4, (T, N)).astype(float) if integers else 10 + rng.normal(0, 1, (T, N))
        for _ in range(6):
            j, s, k = rng.integers(N), rng.integers(T), rng.integers(1, 7)
            x[s : s + k, j] = np.nan
        x[rng.integers(0, T, 8), rng.integers(0, N, 8)] = np.nan
        x[rng.integers(0, T, 3), rng.integers(0, N, 3)] = np.inf
        x[rng.integers(0, T, 3), rng.integers(0, N, 3)] = -np.inf
        out[name] = x
    return out


def _frame(x: np.ndarray) -> pd.DataFrame:
    """The data as pandas sees missing values: ±inf are NaN."""
    return pd.DataFrame(np.where(np.isfinite(x), x, np.nan))


def _roll(x: np.ndarray, d: int, m: int) -> pd.core.window.Rolling:
    return _frame(x).rolling(d, min_periods=min(m, d))


def _apply(x: np.ndarray, d: int, m: int, fn) -> np.ndarray:
    """pandas ``rolling(d, min_periods).apply(fn)`` on windows of exactly d rows: the data preceded by d - 1
    missing rows (the rows before the first date), so a partial window keeps its positions."""
    padded = np.vstack([np.full((d - 1, x.shape[1]), np.nan), np.where(np.isfinite(x), x, np.nan)])
    out = pd.DataFrame(padded).rolling(d, min_periods=min(m, d)).apply(fn, raw=True).to_numpy()
    return out[d - 1 :]


def _today(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """NaN where today's value is missing."""
    return np.where(np.isfinite(x), values, np.nan)


def _fit(w: np.ndarray):
    """Least-squares line through the valid (row, value) points of a window: (slope, intercept, rows, values)."""
    ok = np.isfinite(w)
    rows = np.arange(len(w), dtype=float)[ok]
    slope, intercept = np.polyfit(rows, w[ok], 1)
    return slope, intercept, rows, w[ok]


def _rsquare(w: np.ndarray) -> float:
    slope, intercept, rows, vals = _fit(w)
    total = ((vals - vals.mean()) ** 2).sum()
    return np.nan if np.ptp(vals) == 0 else 1 - ((vals - slope * rows - intercept) ** 2).sum() / total


def _argbest(w: np.ndarray, largest: bool) -> float:
    return float(np.nanargmax(w) if largest else np.nanargmin(w))


def _zscore(w: np.ndarray) -> float:
    vals = w[np.isfinite(w)]
    if len(vals) < 2 or np.ptp(vals) == 0:
        return np.nan
    return (w[-1] - vals.mean()) / vals.std(ddof=1)


# op -> oracle(fields, d, m): the expected (T, N) array, from pandas
ORACLES = {
    "ts_sum": lambda f, d, m: _roll(f["close"], d, m).sum(),
    "ts_mean": lambda f, d, m: _roll(f["close"], d, m).mean(),
    "ts_var": lambda f, d, m: _roll(f["close"], d, m).var(),
    "ts_std": lambda f, d, m: _roll(f["close"], d, m).std(),
    "ts_skew": lambda f, d, m: _roll(f["close"], d, m).skew(),
    "ts_kurt": lambda f, d, m: _roll(f["close"], d, m).kurt(),
    "ts_min": lambda f, d, m: _roll(f["close"], d, m).min(),
    "ts_max": lambda f, d, m: _roll(f["close"], d, m).max(),
    "ts_cov": lambda f, d, m: _roll(f["close"] + 0 * f["volume"], d, m).cov(_frame(f["volume"] + 0 * f["close"])),
    "ts_corr": lambda f, d, m: _roll(f["close"] + 0 * f["volume"], d, m).corr(_frame(f["volume"] + 0 * f["close"])),
    "ts_rank": lambda f, d, m: _roll(f["close"], d, m).rank(pct=True),
    "ts_zscore": lambda f, d, m: _today(f["close"], _apply(f["close"], d, m, _zscore)),
    "ts_product": lambda f, d, m: _apply(f["close"], d, m, np.nanprod),
    "ts_mad": lambda f, d, m: _apply(f["close"], d, m, lambda w: np.nanmean(np.abs(w - np.nanmean(w)))),
    "decay_linear": lambda f, d, m: _apply(
        f["close"], d, m, lambda w: np.nansum(w * np.arange(1, d + 1)) / np.arange(1, d + 1)[np.isfinite(w)].sum()),
    "ts_slope": lambda f, d, m: _apply(f["close"], d, m, lambda w: _fit(w)[0] if np.isfinite(w).sum() > 1 else np.nan),
    "ts_rsquare": lambda f, d, m: _apply(f["close"], d, m,
                                         lambda w: _rsquare(w) if np.isfinite(w).sum() > 1 else np.nan),
    "ts_resid": lambda f, d, m: _today(f["close"], _apply(
        f["close"], d, m, lambda w: w[-1] - np.polyval(_fit(w)[:2], d - 1) if np.isfinite(w).sum() > 1 else np.nan)),
    "ts_argmax": lambda f, d, m: _apply(f["close"], d, m, lambda w: _argbest(w, True) + 1),
    "ts_argmin": lambda f, d, m: _apply(f["close"], d, m, lambda w: _argbest(w, False) + 1),
    "ts_arg_max_days": lambda f, d, m: _apply(f["close"], d, m, lambda w: d - 1 - _argbest(w, True)),
    "ts_arg_min_days": lambda f, d, m: _apply(f["close"], d, m, lambda w: d - 1 - _argbest(w, False)),
}
BINARY = ("ts_cov", "ts_corr")
# ranks and positions are checked on small integers too (exact ties: pandas' average rank, the oldest extreme)
TIES = ("ts_rank", "ts_min", "ts_max", "ts_argmax", "ts_argmin", "ts_arg_max_days", "ts_arg_min_days")


def _formula(op: str, d: int) -> str:
    return f"{op}(close, volume, {d})" if op in BINARY else f"{op}(close, {d})"


def test_every_window_operator_has_a_pandas_oracle():
    """Every operator whose skip function is in ``reference.skip`` is checked against pandas here."""
    covered = {s.name for s in REGISTRY.values() if callable(s.skip) and s.skip.__module__ == skip_module.__name__}
    assert covered == set(ORACLES) | {"ts_ema", "ts_median", "ts_quantile", "ts_max_drawdown", "ts_ema_span",
                                      "ts_ema_alpha", "ts_ema_halflife", "ts_sma_gtja", "ts_decay_exp_window"}


@pytest.mark.parametrize("m", MIN_PERIODS)
@pytest.mark.parametrize("d", [1, 2, 4, 7])
@pytest.mark.parametrize("op", sorted(ORACLES))
def test_skip_matches_pandas(op, d, m):
    for seed, integers in ((0, False), (1, op in TIES)):
        fields = _panel(seed, integers)
        got = alphalang.evaluate(_formula(op, d), fields, backend="reference", nan="skip", min_periods=m)
        want = np.asarray(ORACLES[op](fields, d, m), dtype=float)
        if op in ("ts_skew", "ts_kurt"):  # pandas gives NaN or a huge value on near-constant windows
            both = np.isfinite(got) & np.isfinite(want)
            assert (np.isfinite(got) <= np.isfinite(want)).all()
            np.testing.assert_allclose(got[both], want[both], rtol=1e-6, atol=1e-6)
            continue
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=f"{op} d={d} m={m}")


def _drawdown(w: np.ndarray) -> float:
    """(peak - trough) / peak over the valid values, written as a loop."""
    peak, trough = -np.inf, np.inf
    for v in w:
        if np.isfinite(v):
            if v > peak:
                peak, trough = v, v
            trough = min(trough, v)
    return (peak - trough) / peak


@pytest.mark.parametrize("m", MIN_PERIODS)
@pytest.mark.parametrize("d", [1, 2, 5, 8])
def test_skip_order_statistics_match_pandas(d, m):
    fields = _panel(4, integers=True)
    fields["close"] = fields["close"] + 5.0  # positive (drawdown)
    x = fields["close"]
    run = lambda f: alphalang.evaluate(f, fields, backend="reference", nan="skip", min_periods=m)  # noqa: E731
    close = lambda got, want: np.testing.assert_allclose(got, np.asarray(want, dtype=float), rtol=1e-12,  # noqa: E731
                                                         atol=1e-12, equal_nan=True)
    close(run(f"ts_median(close, {d})"), _roll(x, d, m).median())
    for q in (0.0, 0.1, 0.5, 0.9, 1.0):
        close(run(f"ts_quantile(close, {d}, {q})"), _roll(x, d, m).quantile(q))
    close(run(f"ts_max_drawdown(close, {d})"), _apply(x, d, m, _drawdown))
    weights = 0.7 ** np.arange(d - 1, -1, -1.0)  # today 1, the oldest 0.7^(d-1)
    close(run(f"ts_decay_exp_window(close, {d}, 0.7)"),
          _apply(x, d, m, lambda w: np.nansum(w * weights) / weights[np.isfinite(w)].sum()))


# pandas 3.1 with adjust=False deviates from its documented weights at alpha = 0.5 exactly: those are avoided
EWM = [("ts_ema_span(close, 4, {a})", dict(span=4)), ("ts_ema_alpha(close, 0.3, {a})", dict(alpha=0.3)),
       ("ts_ema_halflife(close, 2, {a})", dict(halflife=2)), ("ts_sma_gtja(close, 5, 2)", dict(alpha=0.4))]


@pytest.mark.parametrize("m", MIN_PERIODS)
@pytest.mark.parametrize("adjust", [0, 1])
@pytest.mark.parametrize(("formula", "options"), EWM, ids=[f for f, _ in EWM])
def test_skip_exponential_family_matches_pandas_ewm(formula, options, adjust, m):
    if "sma" in formula and adjust:
        pytest.skip("GTJA's SMA is never adjusted")
    fields = _panel(5)
    got = alphalang.evaluate(formula.format(a=adjust), fields, backend="reference", nan="skip", min_periods=m)
    want = _frame(fields["close"]).ewm(**options, adjust=bool(adjust), ignore_na=False, min_periods=m).mean()
    np.testing.assert_allclose(got, want.to_numpy(), rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("m", MIN_PERIODS)
@pytest.mark.parametrize("halflife", [0.5, 3.0])
def test_skip_ema_matches_pandas_ewm(halflife, m):
    fields = _panel(2)
    got = alphalang.evaluate(f"ts_ema(close, {halflife})", fields, backend="reference", nan="skip", min_periods=m)
    want = _frame(fields["close"]).ewm(halflife=halflife, adjust=True, ignore_na=False, min_periods=m).mean()
    np.testing.assert_allclose(got, want.to_numpy(), rtol=1e-12, atol=1e-12, equal_nan=True)


def _lstsq(wy: np.ndarray, wx: np.ndarray, rettype: int) -> float:
    """ts_regression's return type from ``np.linalg.lstsq`` on the complete pairs of one window (the standard
    errors from ``MSE (X'X)^-1``)."""
    ok = np.isfinite(wy) & np.isfinite(wx)
    n = int(ok.sum())
    if n < 2 or (rettype in (0, 3) and not ok[-1]) or (rettype >= 7 and n < 3):
        return np.nan
    design = np.column_stack([np.ones(n), wx[ok]])
    if np.ptp(wx[ok]) == 0:
        return ((wy[ok] - wy[ok].mean()) ** 2).sum() if rettype == 5 else np.nan
    (alpha, beta), *_ = np.linalg.lstsq(design, wy[ok], rcond=None)
    sse = ((wy[ok] - design @ [alpha, beta]) ** 2).sum()
    sst = ((wy[ok] - wy[ok].mean()) ** 2).sum()
    mse = sse / (n - 2) if n > 2 else np.nan
    cov = mse * np.linalg.inv(design.T @ design) if n > 2 else np.full((2, 2), np.nan)
    return [wy[-1] - alpha - beta * wx[-1], alpha, beta, alpha + beta * wx[-1], sse, sst,
            np.nan if sst == 0 else 1 - sse / sst, mse, np.sqrt(cov[1, 1]), np.sqrt(cov[0, 0])][rettype]


@pytest.mark.parametrize("m", MIN_PERIODS)
@pytest.mark.parametrize("d", [2, 4, 7])
def test_skip_regression_matches_lstsq_on_complete_pairs(d, m):
    fields = _panel(6)
    y, x = (np.where(np.isfinite(fields[k]), fields[k], np.nan) for k in ("close", "volume"))
    pad = np.full((d - 1, N), np.nan)
    py, px = np.vstack([pad, y]), np.vstack([pad, x])
    for rettype in range(10):
        got = alphalang.evaluate(f"ts_regression(close, volume, {d}, rettype={rettype})", fields,
                                 backend="reference", nan="skip", min_periods=m)
        want = np.full((T, N), np.nan)
        for t in range(T):
            for i in range(N):
                wy, wx = py[t : t + d, i], px[t : t + d, i]
                if (np.isfinite(wy) & np.isfinite(wx)).sum() >= min(m, d):  # min_periods is at most d
                    want[t, i] = _lstsq(wy, wx, rettype)
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-9, equal_nan=True, err_msg=f"rettype={rettype}")


def test_strict_is_unchanged_and_skip_equals_strict_without_missing_values():
    fields = {k: np.where(np.isfinite(v), v, 1.0) for k, v in _panel(3).items()}
    src = "\n".join(f"o{k} = {_formula(op, 5)}" for k, op in enumerate(sorted(ORACLES)))
    strict = alphalang.compile(src, backend="reference").run(fields)
    skip = alphalang.compile(src, backend="reference", nan="skip", min_periods=5).run(fields)
    for name in strict:
        np.testing.assert_allclose(skip[name], strict[name], rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=name)


# ---- hand-worked tables ----------------------------------------------------------------------------------

X = np.array([[1.0], [np.nan], [3.0], [np.inf], [np.nan], [5.0], [7.0]])
HAND = [  # (formula, min_periods, expected), worked by hand on X = 1, NaN, 3, inf, NaN, 5, 7 with d = 3
    ("ts_mean(close, 3)", 1, [1, 1, 2, 3, 3, 5, 6]),
    ("ts_mean(close, 3)", 2, [np.nan, np.nan, 2, np.nan, np.nan, np.nan, 6]),
    ("ts_sum(close, 3)", 1, [1, 1, 4, 3, 3, 5, 12]),
    ("ts_std(close, 3)", 1, [np.nan, np.nan, 2**0.5, np.nan, np.nan, np.nan, 2**0.5]),
    # weights 1, 2, 3 by position; window (1, NaN, 3): (1*1 + 3*3) / (1 + 3)
    ("decay_linear(close, 3)", 1, [1, 1, 2.5, 3, 3, 5, (5 * 2 + 7 * 3) / 5]),
    ("ts_max(close, 3)", 1, [1, 1, 3, 3, 3, 5, 7]),
    ("ts_argmax(close, 3)", 1, [3, 2, 3, 2, 1, 3, 3]),  # 1 = the oldest row of the 3-row window
    ("ts_rank(close, 3)", 1, [1, np.nan, 1, np.nan, np.nan, 1, 1]),
    ("ts_product(close, 3)", 1, [1, 1, 3, 3, 3, 5, 35]),
    ("ts_slope(close, 3)", 1, [np.nan, np.nan, 1, np.nan, np.nan, np.nan, 2]),
    # pandas ewm(halflife=1): weights halve every row; row 2: 1/4 on 1 and 1 on 3: (1/4 + 3) / (5/4) = 2.6;
    # rows 3, 4 missing: 2.6 repeated, its weight 5/4 keeps halving: 5/32 on row 5
    ("ts_ema(close, 1)", 1, [1, 1, 2.6, 2.6, 2.6, (2.6 * 5 / 32 + 5) / (5 / 32 + 1), None]),
    ("delay(close, 1)", 1, [np.nan, 1, np.nan, 3, np.inf, np.nan, 5]),
]


@pytest.mark.parametrize(("formula", "m", "expected"), HAND, ids=[f"{f} m={m}" for f, m, _ in HAND])
def test_hand_worked(formula, m, expected):
    got = alphalang.evaluate(formula, {"close": X}, backend="reference", nan="skip", min_periods=m)[:, 0]
    known = [k for k, v in enumerate(expected) if v is not None]
    np.testing.assert_allclose(got[known], np.array([expected[k] for k in known], dtype=float), rtol=1e-14,
                               equal_nan=True)


# ---- plumbing --------------------------------------------------------------------------------------------

def test_policy_values_and_errors():
    assert str(nan_policy()) == "strict" and str(nan_policy("skip")) == "skip(min_periods=1)"
    assert nan_policy("SKIP", 4).min_periods == 4
    for bad in [("sometimes", None), ("strict", 2), ("skip", 0), ("skip", -1), ("skip", 1.5), ("skip", True)]:
        with pytest.raises(AlphaTypeError):
            nan_policy(*bad)
    with pytest.raises(AlphaTypeError, match="min_periods applies"):
        alphalang.compile("a = ts_mean(close, 5)", min_periods=3)
    with pytest.raises(AlphaTypeError, match="unknown NaN policy"):
        alphalang.evaluate("ts_mean(close, 5)", {"close": X}, nan="lenient")


def test_policy_is_part_of_the_plan_and_of_restrict():
    program = alphalang.compile("a = ts_mean(close, 5)\nb = rank(a)", backend="reference", nan="skip",
                                min_periods=2)
    assert program.plan.nan == nan_policy("skip", 2)
    assert program.plan.restrict(["b"]).nan == program.plan.nan
    assert "nan='skip(min_periods=2)'" in repr(program)
    assert alphalang.compile("a = ts_mean(close, 5)").plan.nan == nan_policy()


def test_min_periods_is_at_most_the_window():
    """min_periods=10 on a 3-row window needs the 3 rows (pandas would refuse min_periods > window)."""
    got = alphalang.evaluate("ts_mean(close, 3)", {"close": X}, backend="reference", nan="skip", min_periods=10)
    np.testing.assert_array_equal(got[:, 0], [np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan])
    full = np.arange(5.0)[:, None]
    got = alphalang.evaluate("ts_mean(close, 3)", {"close": full}, backend="reference", nan="skip", min_periods=10)
    np.testing.assert_array_equal(got[:, 0], [np.nan, np.nan, 1, 2, 3])


def test_an_operator_without_skip_is_refused_by_name(monkeypatch):
    spec = REGISTRY["ts_kurt"]
    monkeypatch.setitem(REGISTRY, "ts_kurt", dataclasses.replace(spec, skip=None))
    source = "a = rank(close)\nb = ts_kurt(close, 10) + 1"
    with pytest.raises(AlphaTypeError, match='ts_kurt does not support nan="skip"') as err:
        alphalang.compile(source, backend="reference", nan="skip")
    assert err.value.line == 2 and err.value.column == 5
    alphalang.compile(source, backend="reference")  # strict: fine


def test_every_time_series_operator_declares_its_skip_meaning_or_is_listed():
    """Every registry time-series operator either opted in (a function or SAME) or is refused under skip; the
    ones this module covers all opted in."""
    for name in (*ORACLES, "ts_ema"):
        assert callable(REGISTRY[name].skip), name
    assert REGISTRY["delay"].skip is SAME and REGISTRY["delta"].skip is SAME


def test_cli_run_takes_the_policy(tmp_path, capsys):
    from alphalang.cli import main

    path = tmp_path / "a.alpha"
    path.write_text("m = ts_mean(close, 5)\n")
    args = ["run", str(path), "--demo", "--days", "30", "--assets", "4", "--backend", "reference", "--json"]
    assert main([*args, "--nan", "skip", "--min-periods", "1"]) == 0
    skip = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    strict = json.loads(capsys.readouterr().out)
    assert skip["outputs"][0]["output"] == strict["outputs"][0]["output"] == "m"
    assert (skip["nan"], strict["nan"]) == ("skip(min_periods=1)", "strict")
    assert main([*args, "--min-periods", "2"]) != 0  # min_periods without --nan skip is an error
    assert "min_periods applies" in capsys.readouterr().err


def test_cli_check_refuses_an_operator_without_skip(tmp_path, capsys, monkeypatch):
    from alphalang.cli import main

    monkeypatch.setitem(REGISTRY, "ts_kurt", dataclasses.replace(REGISTRY["ts_kurt"], skip=None))
    path = tmp_path / "a.alpha"
    path.write_text("a = ts_mean(close, 5)\nb = ts_kurt(close, 10)\n")
    assert main(["check", str(path)]) == 0
    assert main(["check", str(path), "--nan", "skip"]) == 1
    assert 'ts_kurt does not support nan="skip"' in capsys.readouterr().err
