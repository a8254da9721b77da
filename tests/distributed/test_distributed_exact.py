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
from alphalang.distributed import engine  # noqa: E402
from alphalang.distributed.engine import Lane  # noqa: E402
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


@pytest.mark.parametrize(("workers", "chunk_rows", "mode"), [(1, 64, "auto"), (2, 23, "halo"), (4, 150, "auto"),
                                                             (2, 40, "state")])
def test_wq101_bit_identical(dask_client, wq101, workers, chunk_rows, mode):
    program, expected = wq101
    assert max(program.lookback.values()) > 64  # chunks shorter than the lookback are covered
    scale(dask_client, workers)
    assert_bit_identical(expected, program.run_chunked(PANEL, chunk_rows, client=dask_client, mode=mode))


@pytest.mark.parametrize(("chunk_rows", "mode"), [(3, "halo"), (13, "state"), (120, "auto")])
def test_unbounded_state_handed_across_chunks(dask_client, stateful, chunk_rows, mode, monkeypatch):
    """Halo mode: bounded groups on halos beside the chained ones; state mode: every group chained, its lanes
    regrouped as chunks are measured (here so that every lane takes states from both lanes before, across
    workers)."""
    program, expected = stateful
    kernels = [compile_plan(p)[0] for p in partition.split(program.plan_for(PANEL.fields))]
    chained = {name for k in kernels if k.has_unbounded for name in k.outputs}
    assert {"ema", "cum", "tw", "hp", "vol"} <= chained and {"mom", "neut", "slow", "corr"}.isdisjoint(chained)
    scale(dask_client, 2)
    moved = []

    def regroup(lanes, seconds, slots):  # odd groups to the first worker, even to the last: states cross over
        ids = sorted(p for lane in lanes for p in lane.ids)
        moved.append([Lane(tuple(ids[1::2]), True, slots[0]), Lane(tuple(ids[0::2]), True, slots[-1])])
        return moved[-1]

    monkeypatch.setattr(engine, "_rebalanced", regroup)
    assert_bit_identical(expected, program.run_chunked(PANEL, chunk_rows, client=dask_client, mode=mode))
    assert bool(moved) == (mode == "state") or mode == "auto"


def test_bad_chunk_rows_refused(wq101):
    with pytest.raises(AlphaDataError, match="chunk_rows must be a positive"):
        wq101[0].run_chunked(PANEL, 0, client="unused")
    with pytest.raises(AlphaDataError, match="mode must be one of auto, state, halo"):
        wq101[0].run_chunked(PANEL, 10, client="unused", mode="fast")


def test_missing_field_named_at_its_use():
    program = alphalang.compile("x = ts_mean(close, 3)\ny = rank(dividend)", fields=["dividend"])
    with pytest.raises(AlphaDataError, match="no field 'dividend'") as err:
        program.run_chunked(PANEL, 5, client="unused")
    assert err.value.span is not None
