"""Output groups (``backend/numba/partition``): how outputs are split, and that splitting changes no value."""

from __future__ import annotations

import numpy as np
import pytest
from nb_support import nasty_panel, random_module

import alphalang
from alphalang.backend.numba import partition
from alphalang.resources import stdlib_dir

FIELDS = ("open", "high", "low", "close", "volume", "vwap", "returns", "cap")


def _words(plan) -> int:
    return sum(partition.state_words(plan.graph, k) for k in range(len(plan.graph)))


def test_wq101_groups_keep_every_output_in_order_within_budget():
    plan = alphalang.compile(stdlib_dir() / "wq101.alpha").plan_for(FIELDS)
    parts = partition.split(plan, budget=400)
    assert len(parts) > 1
    assert [name for part in parts for name in part.outputs] == list(plan.outputs)
    for part in parts:
        first = partition.subplan(part, [next(iter(part.outputs))])
        assert _words(part) <= 400 or _words(part) == _words(first)
        assert part.output_lookback == {name: plan.output_lookback[name] for name in part.outputs}
    # pruning: a group holds only what its outputs reach, so the groups together hold more nodes than the whole
    # (shared sub-expressions are repeated) but each is smaller
    assert all(len(part.graph) < len(plan.graph) for part in parts)
    assert sum(len(part.graph) for part in parts) >= len(plan.graph)


def test_budget_zero_or_a_small_module_is_one_group():
    plan = alphalang.compile("a = ts_mean(close, 5)\nb = rank(a)").plan
    assert partition.split(plan) == [plan]
    assert partition.split(alphalang.compile(stdlib_dir() / "wq101.alpha").plan, budget=0)[0].outputs


def test_an_output_over_budget_is_a_group_of_its_own():
    plan = alphalang.compile("a = ts_mean(close, 60)\nb = ts_corr(close, open, 60)\nc = close + 1").plan
    parts = partition.split(plan, budget=70)
    assert [tuple(p.outputs) for p in parts] == [("a",), ("b", "c")]


@pytest.mark.parametrize("threads", [1, 2])
def test_split_kernels_give_bitwise_the_fused_results(monkeypatch, threads):
    source = random_module(count=14, seed=11)
    panel = nasty_panel(t=140, n=9, seed=4)
    monkeypatch.setattr(partition, "STATE_BUDGET", 0)
    fused = alphalang.compile(source, backend="numba").run(panel)
    monkeypatch.setattr(partition, "STATE_BUDGET", 40)
    program = alphalang.compile(source, backend="numba")
    assert len(partition.split(program.plan)) > 2
    split = program.run(panel, threads=threads)
    assert list(split) == list(fused)
    for name in fused:
        np.testing.assert_array_equal(split[name], fused[name], err_msg=name)
