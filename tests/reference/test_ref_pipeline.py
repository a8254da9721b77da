"""Each operator through the public API (parse -> check -> plan -> reference evaluator) against its oracle:
catches argument order, static-argument passing and constant broadcasting, on nasty hypothesis panels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ref_oracles import ORACLES, RTOL, assert_matches

import alphalang
from alphalang.ops import REGISTRY
from alphalang.ops.spec import ArgKind
from alphalang.testing import panels

SERIES_FIELDS = ("close", "volume", "vwap")
# labels are no output (tests/numba/test_numba_groups); internal operators are not callable by name
OPS = sorted(op for op in ORACLES if not REGISTRY[op].labels and not REGISTRY[op].internal)


@pytest.mark.parametrize("op", OPS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_operator_through_evaluate(op: str, data) -> None:
    spec = REGISTRY[op]
    panel = data.draw(panels(fields=SERIES_FIELDS, groups=("sector",)), label="panel")
    text_args, series, statics = [], [], []
    for k, p in enumerate(spec.params):
        if p.kind is ArgKind.SERIES:
            name = SERIES_FIELDS[k % len(SERIES_FIELDS)]
            # a constant operand; not for min/max, where a constant >= 0 means ts_min/ts_max (the overload)
            if k > 0 and not spec.constant_overload and data.draw(st.integers(0, 4), label="constant?") == 0:
                value = data.draw(st.sampled_from([0.0, 1.0, 2.5, 3.0]), label="constant")
                text_args.append(f"0 + {value!r}")
                series.append(np.full(panel.shape, value))
            else:
                text_args.append(name)
                series.append(panel.field(name))
        elif p.kind is ArgKind.GROUP:
            text_args.append("IndClass.sector")
            series.append(np.broadcast_to(panel.group("sector"), panel.shape))
        elif p.kind in (ArgKind.CHOICE, ArgKind.TEXT):  # a string option: a choice, or the default text
            value = data.draw(st.sampled_from(p.choices), label=p.name) if p.choices else p.default
            text_args.append(f'"{value}"')
            statics.append(value)
        else:
            lo = 0 if p.kind is ArgKind.LAG else 1
            value = data.draw(st.integers(lo, 5), label=p.name) if p.kind is not ArgKind.CONST else p.nearest(2.0)
            text_args.append(str(value))
            statics.append(value)
    text = f"{op}({', '.join(text_args)})"
    actual = alphalang.evaluate(text, panel)
    for label, oracle in ORACLES[op].items():
        expected, atol = oracle(*series, *statics)
        expected = np.broadcast_to(expected, panel.shape)
        assert_matches(actual, expected, np.broadcast_to(atol, panel.shape), getattr(oracle, "rtol", RTOL),
                       what=f"{text} vs {label}")


@settings(max_examples=20, deadline=None)
@given(panels(fields=("close", "open"), groups=()))
def test_conditional_and_comparisons_follow_ieee_nan_rules(panel) -> None:
    """``?:`` with a NaN condition is NaN; comparisons and logic with a NaN operand are NaN."""
    close, open_ = panel.field("close"), panel.field("open")
    got = alphalang.evaluate("(close - open) ? close : open", panel)
    c = close - open_
    with np.errstate(invalid="ignore"):
        expected = np.where(np.isnan(c), np.nan, np.where(c != 0, close, open_))
    assert_matches(got, expected, what="?:")
    got = alphalang.evaluate("(close < open) || (close >= 1)", panel)
    with np.errstate(invalid="ignore"):
        expected = np.where(np.isnan(close) | np.isnan(open_), np.nan, ((close < open_) | (close >= 1)) * 1.0)
    assert_matches(got, expected, what="||")


@settings(max_examples=15, deadline=None)
@given(panels(fields=("close",), groups=()), st.integers(1, 5))
def test_min_max_with_a_constant_are_time_series(panel, d: int) -> None:
    """``min(x, 3)`` and ``min(x, 2 + 1)`` are ``ts_min(x, 3)`` (a constant >= 0); ``min(x, -3)`` is elementwise."""
    x = panel.field("close")
    for fn, label in (("min", "ts_min"), ("max", "ts_max")):
        expected, _ = ORACLES[label]["pandas rolling"](x, d)
        for text in (f"{fn}(close, {d})", f"{fn}(close, {d - 1} + 1)"):
            assert_matches(alphalang.evaluate(text, panel), expected, what=text)
        expected, _ = ORACLES[fn]["python scalar math"](x, float(-d))
        assert_matches(alphalang.evaluate(f"{fn}(close, -{d})", panel), expected, what=f"{fn} elementwise")
