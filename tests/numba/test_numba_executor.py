"""Executor plumbing: group labels relabelled densely (same grouping, same order) on every path."""

from __future__ import annotations

import numpy as np
import pytest

from alphalang.backend.numba.executor import dense_labels


def _expected(a: np.ndarray) -> tuple[np.ndarray, int]:
    """Independent relabelling: rank of each label among the distinct non-negative labels (sorted), -1 else."""
    valid = np.unique(a[a >= 0])
    out = np.where(a < 0, -1, np.searchsorted(valid, np.maximum(a, 0)))
    return out, len(valid)


@pytest.mark.parametrize("high", [5, 10**6, 2**40])  # as is / lookup table / sort
def test_dense_labels_keep_the_grouping_and_order(high):
    rng = np.random.default_rng(0)
    a = rng.choice(np.array([high, 3, high // 2 + 1, -1, -7, 0]), size=(6, 40))
    dense, count = dense_labels(a)
    want, want_count = _expected(a)
    if high == 5:  # small labels are used as they are (no renumbering)
        want, want_count = np.where(a < 0, -1, a), int(a.max()) + 1
    np.testing.assert_array_equal(dense, want)
    assert count == want_count and dense.dtype == np.int64 and dense.flags.c_contiguous


def test_dense_labels_of_a_row_and_of_a_broadcast_panel():
    labels = np.array([2, 0, 2, -1])
    dense, count = dense_labels(labels)
    assert dense.shape == (1, 4) and count == 3
    view = np.broadcast_to(labels, (100, 4))
    assert dense_labels(view)[0].shape == (1, 4)
    already = np.array([[0, 1, -1]], dtype=np.int64)
    assert dense_labels(already)[0] is already  # no copy when nothing needs changing


def test_kernel_memo_is_bounded_and_keyed_by_digest(monkeypatch):
    import sys
    from collections import OrderedDict

    import alphalang
    from alphalang.backend import numba as backend
    from alphalang.backend.numba import loader

    monkeypatch.setattr(backend, "MEMO_SIZE", 2)
    monkeypatch.setattr(backend, "_KERNELS", OrderedDict())
    texts = ["x = close + 1", "x = close * 2", "x = close - 3"]
    close = np.arange(6.0).reshape(3, 2)
    expected = [close + 1, close * 2, close - 3]
    for _ in range(4):
        for text, want in zip(texts, expected, strict=True):
            program = alphalang.compile(text, backend="numba")  # a new Program and Plan every time
            np.testing.assert_array_equal(program.run({"close": close})["x"], want)
            assert len(backend._KERNELS) <= 2
    digests = list(backend._KERNELS)
    assert len(digests) == 2
    evicted = backend.compile_plan(alphalang.compile(texts[0], backend="reference").plan)[0].digest
    assert evicted not in digests and loader.module_name(evicted) in sys.modules  # just reloaded
    assert all(loader.module_name(d) not in sys.modules for d in digests[:1])  # the least recent was dropped
    a = backend.compile_plan(alphalang.compile(texts[0], backend="reference").plan)
    b = backend.compile_plan(alphalang.compile(texts[0], backend="reference").plan)
    assert a[0].digest == b[0].digest and a[1] is b[1] and list(backend._KERNELS).count(a[0].digest) == 1


def test_thread_chunks_give_one_runs_bits_for_long_windows():
    """Regression: a time chunk re-read only the lookback, but windows longer than DIRECT_MAX re-anchor their
    running sums every d rows, so ``threads=2`` differed from one run in the last bits (found by the
    distributed work: ts_std(returns, 40) on 1200 x 6, 56 cells ~3.5e-18). The halo now covers it."""
    import alphalang
    from alphalang.backend.numba.halo import exact_halo
    from alphalang.plan import build_plan, parse_module

    assert exact_halo(build_plan(parse_module("c = ts_corr(close, volume, 230)"))) == 229 + 230
    panel = alphalang.demo_panel(1200, 6, seed=4)
    for text in ("s = ts_std(returns, 40)", "c = ts_corr(close, volume, 230)"):  # one group each: time split
        program = alphalang.compile(text)
        one, two = program.run(panel, threads=1), program.run(panel, threads=2)
        for name in one:
            assert one[name].tobytes() == two[name].tobytes(), name


def test_recursions_split_assets_across_threads_with_one_runs_bits():
    """ts_ema cannot split time; a program that never reads across assets splits assets instead (one block of
    columns per thread): the bits of one run, and pandas' EWM (adjust=True: ts_ema_span's weights) for the EMA.
    A rank, group labels or hump (its limit sums the row) keep the whole row in one thread."""
    import pandas as pd

    import alphalang
    from alphalang.backend.numba import compile_plan, executor

    panel = alphalang.demo_panel(300, 301, seed=7)  # 301 assets: blocks of 150 and 151 columns
    text = "e = ts_ema_span(close, 9)\nc = ts_cumsum(ts_mean(returns, 3))\nd = e / delay(close, 2) - 1"
    program = alphalang.compile(text)
    kernel, _ = compile_plan(program.kernel_plan)
    assert executor.asset_blocks(301, 2, kernel) == [(0, 150), (150, 301)]
    one, two = program.run(panel, threads=1), program.run(panel, threads=2)
    for name in one:
        assert one[name].tobytes() == two[name].tobytes(), name
    close = panel.field("close")
    whole = ~np.isnan(close).any(axis=0)  # assets with no missing price (strict policy: NaN restarts an EMA)
    assert whole[:150].any() and whole[150:].any()
    want = pd.DataFrame(close[:, whole]).ewm(span=9, adjust=True).mean().to_numpy()
    np.testing.assert_allclose(two["e"][:, whole], want, rtol=1e-12, atol=0)
    for across in ("r = rank(ts_ema_span(close, 9))", "g = group_backfill(ts_ema_span(close, 9), sector, 5)",
                   "h = hump(ts_ema_span(close, 9), 0.01)"):
        kernel, _ = compile_plan(alphalang.compile(across).kernel_plan)
        assert executor.asset_blocks(301, 2, kernel) == [], across


def test_random_per_asset_programs_give_one_runs_bits_in_asset_blocks():
    """Random registry expressions with state that never read across assets (chosen by ``asset_blocks`` itself,
    from the generated kernels alone): one kernel holding 12 of them, on a panel with every regime, run on 1
    thread and in 2 asset blocks of uneven width, gives the same bits."""
    from nb_support import nasty_panel, random_module

    import alphalang
    from alphalang.backend.numba import compile_plan, executor
    from alphalang.backend.numba.codegen import generate
    from alphalang.plan import build_plan, parse_module

    def stateful_per_asset(line: str) -> bool:  # a window or recursion node, and nothing across assets
        kernel = generate(build_plan(parse_module(line)))
        return bool(kernel.states) and bool(executor.asset_blocks(200, 2, kernel))

    chosen = [line for line in random_module(200, seed=11, depth=2).splitlines() if stateful_per_asset(line)]
    assert len(chosen) >= 12, chosen
    program = alphalang.compile("\n".join(chosen[:12]))
    kernel, fn = compile_plan(program.kernel_plan)
    panel = nasty_panel(t=150, n=201, seed=6)
    fields = {name: panel.field(name) for name in kernel.fields}
    assert executor.asset_blocks(201, 2, kernel) == [(0, 100), (100, 201)]
    one = executor.run(kernel, fn, fields, {}, (150, 201), threads=1)
    two = executor.run(kernel, fn, fields, {}, (150, 201), threads=2)
    for name in one:
        assert one[name].tobytes() == two[name].tobytes(), name
