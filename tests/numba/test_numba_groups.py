"""Group statistics, group_backfill and groups computed from data (bucket, densify, group_cartesian_product):
numba == reference (bitwise: both use numpy's pairwise sums in the same order), streaming == batch, threads == one
thread, and the checker's treatment of label-valued operators."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nb_support import assert_streaming_equals_batch, compile_both, nasty_panel

import alphalang
from alphalang.data import Panel
from alphalang.errors import AlphaError
from alphalang.testing.strategies import panels

ONE = ("group_sum", "group_max", "group_min", "group_median", "group_std_dev", "group_count", "group_scale",
       "group_normalize", "group_mean", "group_rank", "group_zscore", "indneutralize")
TWO = ("group_wmean", "group_vector_neut", "group_vector_proj")
# labels: levels (with -1 and one-member groups in the drawn panels), and labels computed from data
LABELS = ("IndClass.sector", "IndClass.industry", 'bucket(rank(volume), range="0,1,0.25")',
          'densify(bucket(volume, buckets="-1,0,1", skipBoth=1, NaNGroup=1))', "densify(IndClass.industry)",
          'bucket(close, range="-3,3,0.001")',  # 6001 bounds: more labels than assets (row_labels sorts them)
          'bucket(open, range="-1,1,0.5", skipEnd=1)', 'bucket(open, buckets="0", skipBegin=1, NaNGroup=1)')

# group_cartesian_product of levels, of labels computed from data (more pairs than assets), and nested
CARTESIAN = ("group_cartesian_product(IndClass.sector, IndClass.industry)",
             'group_cartesian_product(bucket(close, range="-3,3,0.001"), densify(IndClass.industry))',
             'group_cartesian_product(IndClass.sector, group_cartesian_product(bucket(rank(volume), '
             'range="0,1,0.5"), IndClass.industry))')


def _module() -> str:
    lines = [f"{op}_{k} = {op}(close, {g})" for op in ONE for k, g in enumerate(LABELS)]
    lines += [f"{op}_{k} = {op}(close, volume, {g})" for op in TWO for k, g in enumerate(LABELS)]
    lines += [f"backfill_{d}_{k} = group_backfill(close, {g}, {d}, std={s})"
              for d, s in ((1, 4), (3, 0.5), (25, 4)) for k, g in enumerate(LABELS)]
    lines += ['norm2 = group_normalize(close, IndClass.sector, scale=2.5)',
              'nested = group_zscore(group_rank(close, bucket(rank(open), range="0,1,0.5")), '
              'bucket(group_mean(volume, IndClass.sector), buckets="0,10"))',
              'wmean1 = group_mean(close, 1, IndClass.sector)']  # BRAIN's three-argument group_mean
    lines += [f"{op}_cartesian_{k} = {op}(close, {g})" for op in ("group_mean", "group_rank", "group_count")
              for k, g in enumerate(CARTESIAN)]
    lines += [f"backfill_cartesian_{k} = group_backfill(close, {g}, 3)" for k, g in enumerate(CARTESIAN)]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def programs():
    return compile_both(_module())


def _equal(got: dict, want: dict) -> None:
    for name in want:
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)


@pytest.mark.parametrize("seed", [0, 1])
def test_numba_equals_reference_on_nasty_panels(programs, seed):
    numba_program, reference = programs
    panel = nasty_panel(t=40, n=13, seed=seed)
    _equal(numba_program.run(panel), reference.run(panel))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panel=panels(fields=("open", "close", "volume")), ties=st.booleans())
def test_numba_equals_reference_on_drawn_panels(programs, panel, ties):
    """Drawn panels: labels including -1, one-member groups, NaN runs, ±inf, 1e8 offsets; ``ties`` rounds the
    values to a few levels (equal members, flat groups, tied ranks and medians)."""
    numba_program, reference = programs
    if ties:
        panel = Panel(fields={k: np.round(v / 3) for k, v in panel.fields.items()}, groups=panel.groups)
    _equal(numba_program.run(panel), reference.run(panel))


def test_streaming_equals_batch(programs):
    numba_program, _ = programs
    panel = alphalang.demo_panel(30, 9, seed=4)
    assert_streaming_equals_batch(numba_program, panel, 20)


def test_threads_split_time_exactly(programs):
    """group_backfill's window: a time chunk starting ``lookback`` rows early gives the same values."""
    numba_program, _ = programs
    panel = nasty_panel(t=300, n=9, seed=5)
    _equal(numba_program.run(panel, threads=2), numba_program.run(panel, threads=1))


def test_group_rank_by_cap_decile_matches_pandas():
    """The issue's example: ranks within rank-deciles of another field, against pandas qcut-free bucketing."""
    import pandas as pd

    rng = np.random.default_rng(3)
    t, n = 5, 40
    cap, x = rng.lognormal(size=(t, n)), rng.normal(size=(t, n))
    got = alphalang.evaluate('group_rank(x, bucket(rank(cap), range="0,1,0.1"))', {"cap": cap, "x": x})
    for d in range(t):
        frame = pd.DataFrame({"x": x[d], "r": pd.Series(cap[d]).rank() / n})
        frame["bucket"] = pd.cut(frame["r"], np.round(np.arange(11) / 10, 12), labels=False)  # (k/10, (k+1)/10]
        want = frame.groupby("bucket")["x"].rank() / frame.groupby("bucket")["x"].transform("count")
        np.testing.assert_allclose(got[d], want.to_numpy(), rtol=1e-15)


@pytest.mark.parametrize(("text", "message"), [
    ('rank(bucket(close, range="0,1,0.5"))', "group labels"),
    ('a = bucket(close, range="0,1,0.5")', "group labels"),
    ('group_rank(close, close)', "needs group labels"),
    ('group_rank(close, bucket(close, range="1,0,0.5"))', "start < end"),
    ('group_rank(close, bucket(close, buckets="3,2"))', "increasing"),
    ('group_rank(close, bucket(close, range="a,b"))', "numbers"),
])
def test_label_misuse_is_an_error(text, message):
    source = text if text.startswith("a = ") else f"a = {text}"
    with pytest.raises(AlphaError, match=message):
        alphalang.compile(source, backend="reference").run({"close": np.ones((2, 3))})
