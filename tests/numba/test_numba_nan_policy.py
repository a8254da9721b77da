"""The NaN policy in the numba backend: numba == reference under ``nan="skip"`` (every window operator, NaN runs,
±inf, ties, flat stretches, 1e8 offsets; hypothesis panels) and under strict for the same formulas; streaming ==
batch under skip; the policy in the kernel's identity and in stream state files. Pandas oracles for the
reference: ``tests/test_nan_policy.py``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from nb_support import assert_matches, nasty_panel

import alphalang
from alphalang.backend.numba import families
from alphalang.backend.numba.codegen import generate
from alphalang.backend.numba.stream import StreamState, check_state
from alphalang.errors import AlphaDataError, AlphaTypeError
from alphalang.testing.strategies import panels

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ONE = ("ts_sum", "ts_mean", "ts_var", "ts_std", "ts_zscore", "ts_skew", "ts_kurt", "decay_linear", "ts_slope",
       "ts_rsquare", "ts_resid", "ts_max", "ts_min", "ts_argmax", "ts_argmin", "ts_arg_max_days",
       "ts_arg_min_days", "ts_product", "ts_rank")
WINDOWS = (1, 2, 3, 5, 21, 30)  # <= 20: the strict two-pass paths; > 20: the strict O(1) paths
LOOSE = ("ts_skew", "ts_kurt")  # higher moments of 1e8 + noise: the two-pass reference's own rounding


def _module(windows, ops=ONE) -> str:
    lines = [f"{op}_{d} = {op}(close, {d})" for d in windows for op in ops]
    lines += [f"{op}_{d} = {op}(close, volume, {d})" for d in windows for op in ("ts_cov", "ts_corr")]
    lines += ["ema_a = ts_ema(close, 0.5)", "ema_b = ts_ema(close, 3)", "shift = delta(close, 2)",
              "nested = rank(ts_mean(ts_rank(close, 5), 4)) + decay_linear(ts_corr(close, open, 6), 3)"]
    return "\n".join(lines)


FULL = _module(WINDOWS)
# the families that opted in later: order statistics, drawdown, the exponential recursions, regression
LATER = ("ts_median", "ts_max_drawdown", "ts_mad")
SMALL = _module((4, 25), ("ts_mean", "ts_std", "decay_linear", "ts_resid", "ts_argmax", "ts_rank", "ts_product",
                          *LATER)) \
    + "\nlong_decay = decay_linear(close, 100)\nlong_argmax = ts_argmax(close, 100)" \
    + "\nq1 = ts_quantile(close, 5, 0.1)\nq9 = ts_quantile(close, 30, 0.9)" \
    + "\nema_span = ts_ema_span(close, 4, 0)\nema_alpha = ts_ema_alpha(volume, 0.3, 1)" \
    + "\nema_half = ts_ema_halflife(close, 2, 0)\nema_sma = ts_sma_gtja(close, 5, 2)" \
    + "\ndew = ts_decay_exp_window(close, 6, 0.7)\ndew_long = ts_decay_exp_window(volume, 30, 0.9)" \
    + "\nreg_error = ts_regression(close, volume, 6, rettype=0)\nreg_beta = regbeta(close, volume, 25)" \
    + "\nreg_se = ts_regression(close, open, 8, lag=1, rettype=9)\nreg_r2 = ts_regression(volume, close, 4, rettype=6)"


def _both(source: str, **policy) -> tuple[alphalang.Program, alphalang.Program]:
    return (alphalang.compile(source, backend="numba", **policy),
            alphalang.compile(source, backend="reference", **policy))


@pytest.fixture(scope="module")
def skip_programs():
    return _both(FULL, nan="skip")


@pytest.fixture(scope="module")
def small_programs():
    """The small module under skip with min_periods=3 and under strict."""
    return {"skip": _both(SMALL, nan="skip", min_periods=3), "strict": _both(SMALL)}


def _loose(results) -> frozenset[str]:
    return frozenset(k for k in results if k.startswith(LOOSE))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_skip_matches_reference(skip_programs, seed):
    numba_program, reference = skip_programs
    panel = nasty_panel(seed=seed)
    want = reference.run(panel)
    assert_matches(numba_program.run(panel), want, loose=_loose(want))


@SETTINGS
@given(panel=panels())
def test_skip_matches_reference_on_drawn_panels(skip_programs, panel):
    numba_program, reference = skip_programs
    want = reference.run(panel)
    assert_matches(numba_program.run(panel), want, loose=_loose(want))


@SETTINGS
@given(panel=panels())
def test_both_policies_match_reference_with_min_periods(small_programs, panel):
    for numba_program, reference in small_programs.values():
        assert_matches(numba_program.run(panel), reference.run(panel))


def test_skip_differs_from_strict_only_where_windows_miss_values(small_programs):
    panel = nasty_panel(seed=4)
    skip = small_programs["skip"][0].run(panel)
    strict = small_programs["strict"][0].run(panel)
    windows = [name for name in strict if not name.startswith(("ema", "nested"))]  # recursions, ranks of them
    for name in windows:
        both = np.isfinite(strict[name])
        assert (np.isfinite(skip[name]) >= both).all(), name  # skip has a value wherever strict has one ...
        scale = np.abs(strict[name][both]).max(initial=0.0)
        np.testing.assert_allclose(skip[name][both], strict[name][both], rtol=1e-9, atol=1e-9 * scale, err_msg=name)
    assert np.isfinite(skip["ts_mean_25"]).sum() > np.isfinite(strict["ts_mean_25"]).sum()  # ... and more


def test_threads_split_time_exactly_under_skip(small_programs):
    numba_program = small_programs["skip"][0]
    panel = nasty_panel(t=300, n=7, seed=5)
    one = numba_program.run(panel, threads=1)
    three = numba_program.run(panel, threads=3)
    for name in one:
        np.testing.assert_array_equal(three[name], one[name], err_msg=name)


def test_stream_equals_batch_under_skip(small_programs, tmp_path):
    numba_program = small_programs["skip"][0]
    panel = nasty_panel(t=50, n=6, seed=6)
    batch = numba_program.run(panel)
    fields = {f: panel.field(f) for f in numba_program.fields}
    stream = numba_program.stream()
    for r in range(20):
        stream.step({f: v[r] for f, v in fields.items()})
    stream.save_state(tmp_path / "s.npz")
    stream = numba_program.stream(state=tmp_path / "s.npz")
    rows = [stream.step({f: v[r] for f, v in fields.items()}) for r in range(20, 50)]
    for name in batch:
        np.testing.assert_array_equal(np.stack([row[name] for row in rows]), batch[name][20:], err_msg=name)


def test_state_saved_under_one_policy_is_refused_under_the_other(small_programs, tmp_path):
    skip_program, strict_program = small_programs["skip"][0], small_programs["strict"][0]
    panel = nasty_panel(t=30, n=4, seed=7)
    skip_program.stream(panel).save_state(tmp_path / "skip.npz")
    strict_program.stream(panel).save_state(tmp_path / "strict.npz")
    with pytest.raises(AlphaDataError, match="NaN policy skip\\(min_periods=3\\), this program uses strict"):
        strict_program.stream(state=tmp_path / "skip.npz")
    with pytest.raises(AlphaDataError, match="NaN policy strict"):
        skip_program.stream(state=tmp_path / "strict.npz")
    other = generate(alphalang.compile(SMALL, nan="skip", min_periods=2).plan)  # no compile: the check comes first
    with pytest.raises(AlphaDataError, match="NaN policy skip\\(min_periods=3\\), this program uses skip"):
        check_state(other, StreamState.load(tmp_path / "skip.npz"))


@pytest.mark.parametrize("source", ["a = ts_mean(close, 5)", "a = rank(close)"])
def test_policy_is_part_of_the_kernel_identity(source):
    """Two programs differing only in the policy never share a kernel (nor its cache entry, keyed by source)."""
    digests = {generate(alphalang.compile(source, nan=nan, min_periods=m).plan).digest
               for nan, m in (("strict", None), ("skip", 1), ("skip", 2))}
    assert len(digests) == 3


def test_a_family_without_skip_modes_is_refused_by_name(monkeypatch):
    monkeypatch.setitem(families.FAMILY, "product", dataclasses.replace(families.FAMILY["product"], skip=False))
    plan = alphalang.compile("a = rank(close)\nb = ts_product(close, 4)", nan="skip").plan
    with pytest.raises(AlphaTypeError, match='ts_product has no numba kernel for nan="skip"') as err:
        generate(plan)
    assert err.value.line == 2


def test_ts_rank_sorted_path_under_skip():
    """Windows longer than ``tsrank.SCAN_MAX`` rank within the finite prefix of their sorted copy."""
    from alphalang.backend.numba.kernels.tsrank import SCAN_MAX

    d = SCAN_MAX + 1
    rng = np.random.default_rng(5)
    close = rng.integers(0, 40, (d + 60, 3)).astype(float)  # many ties
    close[d + 20 : d + 25, 1] = np.nan
    close[rng.integers(0, d + 60, 40), 2] = np.nan
    close[rng.integers(0, d + 60, 5), 0] = np.inf
    text = f"a = ts_rank(close, {d})"
    got = alphalang.compile(text, backend="numba", nan="skip").run({"close": close})["a"]
    want = alphalang.compile(text, backend="reference", nan="skip").run({"close": close})["a"]
    np.testing.assert_array_equal(got, want)
    assert np.isfinite(got[0]).all() and np.isnan(got[d + 21, 1])


def test_ts_mad_tree_layout_under_skip():
    """Windows beyond the mad family's two-pass limit keep a treap; under skip the values are read from its keys."""
    from alphalang.backend.numba.families import MAD_DIRECT_MAX

    d = MAD_DIRECT_MAX + 1
    rng = np.random.default_rng(6)
    close = 100 + rng.normal(0, 1, (d + 40, 3))
    close[d + 10 : d + 15, 1] = np.nan
    close[rng.integers(0, d + 40, 40), 2] = np.inf
    text = f"a = ts_mad(close, {d})"
    got = alphalang.compile(text, backend="numba", nan="skip", min_periods=5).run({"close": close})["a"]
    want = alphalang.compile(text, backend="reference", nan="skip", min_periods=5).run({"close": close})["a"]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True)
    assert np.isnan(got[3]).all() and np.isfinite(got[4]).all()
