"""Chunked runs on a real LocalCluster are bit-identical to ``Program.run`` (the single-process batch run).

wq101 over chunk sizes below, around and above its lookbacks on 1, 2 and 4 worker processes; a program with
unbounded state (ts_ema, ts_cumsum, trade_when, hump, ts_step) split into many kernel groups so that bounded
groups (halos) and chained groups (state handed from chunk to chunk) run side by side, with windows longer than
``DIRECT_MAX`` (running sums recomputed every d rows: ``chunks.exact_halo``) whose halos fit in the panel.
"""

from __future__ import annotations

import pytest

pytest.importorskip("distributed")

from dist_support import assert_bit_identical, scale  # noqa: E402

import alphalang  # noqa: E402
from alphalang.backend.numba import compile_plan, partition  # noqa: E402
from alphalang.errors import AlphaDataError  # noqa: E402
from alphalang.resources import stdlib_dir  # noqa: E402

PANEL = alphalang.demo_panel(300, 20, seed=5)
STATEFUL = """
ema = ts_ema(close, 10)
cum = ts_cumsum(returns)
tw = trade_when(volume > ts_mean(volume, 5), rank(returns), abs(returns) > 0.04)
hp = hump(rank(close), 0.05)
step = ts_step(returns)
mom = rank(delta(close, 5))
neut = group_neutralize(ts_sum(returns, 4), sector)
vol = ts_std(returns, 20) + ts_cumsum(close) * 0
slow = ts_rank(close, 60)
corr = ts_corr(close, volume, 30) + ts_std(returns, 25)
decay = decay_linear(close, 24)
"""


@pytest.fixture(scope="module")
def wq101():
    program = alphalang.compile(stdlib_dir() / "wq101.alpha")
    return program, program.run(PANEL)  # compiles in the parent: workers load the kernels from the cache


@pytest.fixture(scope="module")
def stateful():
    with pytest.MonkeyPatch.context() as mp:  # one kernel group per output: bounded and chained groups mix
        mp.setattr(partition, "STATE_BUDGET", 1)
        program = alphalang.compile(STATEFUL)
        yield program, program.run(PANEL)


@pytest.mark.parametrize(("workers", "chunk_rows"), [(1, 64), (2, 23), (4, 150)])
def test_wq101_bit_identical(dask_client, wq101, workers, chunk_rows):
    program, expected = wq101
    assert max(program.lookback.values()) > 64  # chunks shorter than the lookback are covered
    scale(dask_client, workers)
    assert_bit_identical(expected, program.run_chunked(PANEL, chunk_rows, client=dask_client))


@pytest.mark.parametrize("chunk_rows", [3, 13, 120])
def test_unbounded_state_handed_across_chunks(dask_client, stateful, chunk_rows):
    program, expected = stateful
    kernels = [compile_plan(p)[0] for p in partition.split(program.plan_for(PANEL.fields))]
    chained = {name for k in kernels if k.has_unbounded for name in k.outputs}
    assert {"ema", "cum", "tw", "hp", "vol"} <= chained and {"mom", "neut", "slow", "corr"}.isdisjoint(chained)
    scale(dask_client, 2)
    assert_bit_identical(expected, program.run_chunked(PANEL, chunk_rows, client=dask_client))


def test_bad_chunk_rows_refused(wq101):
    with pytest.raises(AlphaDataError, match="chunk_rows must be a positive"):
        wq101[0].run_chunked(PANEL, 0, client="unused")


def test_missing_field_named_at_its_use():
    program = alphalang.compile("x = ts_mean(close, 3)\ny = rank(dividend)", fields=["dividend"])
    with pytest.raises(AlphaDataError, match="no field 'dividend'") as err:
        program.run_chunked(PANEL, 5, client="unused")
    assert err.value.span is not None
