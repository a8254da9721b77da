"""The generated source: readable (one commented line per node), built only from safe pieces."""

from __future__ import annotations

import math

import pytest

import alphalang
from alphalang.backend.numba import kernel_source
from alphalang.backend.numba.codegen import generate, literal


def _plan(text: str):
    return alphalang.compile(text, backend="numba").plan


def test_one_commented_line_per_node():
    plan = _plan("a = rank(ts_mean(close, 5) - open) * -2\nb = indneutralize(a, IndClass.sector)")
    source = kernel_source(plan)
    for node_id, node in enumerate(plan.graph.nodes):
        if node.op in ("const", "group") or (node.op == "field" and node.params[0] == "open"):
            continue
        assert f"%{node_id} " in source, (node_id, node)
    assert "ts_mean(close, 5)" in source and "indneutralize(" in source
    compile(source, "<kernel>", "exec")


def test_source_is_deterministic_and_keyed_by_content():
    a = generate(_plan("x = ts_max(high, 10)"))
    b = generate(_plan("x = ts_max(high, 10)"))
    c = generate(_plan("x = ts_max(high, 11)"))
    assert a.source == b.source and a.digest == b.digest
    assert a.digest != c.digest


@pytest.mark.parametrize("value", [0.1, -2.5, 1e300, 5e-324, -0.0, math.inf, -math.inf])
def test_literals_read_back_exactly(value):
    assert eval(literal(value), {"math": math}) == value  # noqa: S307


def test_literal_nan():
    assert math.isnan(eval(literal(math.nan), {"math": math}))  # noqa: S307


def test_comments_cannot_break_out_of_a_line():
    source = kernel_source(_plan("x = close + 1\ny = rank(x)"))
    for line in source.splitlines():
        if "  # %" in line:
            assert line.lstrip().startswith(("v", "#")), line


def test_only_outputs_nothing_else_reads_write_straight_into_the_output():
    from alphalang.backend.numba.families import COLUMNS

    kernel = generate(_plan("a = ts_mean(close, 5)\nb = rank(a)\nc = ts_max(close, 3)\nd = c"))
    direct = COLUMNS.index("direct")
    flags = {kernel.outputs[row[COLUMNS.index("output")]] if row[COLUMNS.index("output")] >= 0 else None: row[direct]
             for row in kernel.table}
    # a is read by rank: row buffer + copy; b is read by nobody: direct; c is two outputs (c, d): copied
    assert flags == {"a": 0, "b": 1, "c": 0}
