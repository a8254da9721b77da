"""Hand-worked examples for every registry operator (values computed by hand from the semantics, not by
running any implementation), and the check that every operator has both examples and oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from ref_oracles import EXAMPLES as CATEGORY_EXAMPLES
from ref_oracles import ORACLES, assert_matches

from alphalang.ops import REGISTRY, callable_ops

nan, inf = math.nan, math.inf


def col(*values: float) -> np.ndarray:
    """One asset over time: shape (T, 1)."""
    return np.array(values, dtype=np.float64).reshape(-1, 1)


def row(*values: float) -> np.ndarray:
    """One date over assets: shape (1, N)."""
    return np.array(values, dtype=np.float64).reshape(1, -1)


X = col(1, 3, 2, nan, 5, 4, 4, 6)
Y = col(3, 1, 2, 7, 0, 0, 1, 1)


def at(v2: float, v6: float, v7: float) -> np.ndarray:
    """Rows 2, 6 and 7 hold the only full, NaN-free windows of length 3 in X; everything else is NaN."""
    out = [nan] * 8
    out[2], out[6], out[7] = v2, v6, v7
    return col(*out)


G = np.array([0, 0, 1, 1, -1])
S3 = math.sqrt(3.0)

EXAMPLES: list[tuple[str, tuple, np.ndarray]] = [
    # ---- shifts (±inf pass through; delta is IEEE subtraction)
    ("delay", (col(1, 2, inf, 4), 1), col(nan, 1, 2, inf)),
    ("delay", (col(1, 2, inf, 4), 0), col(1, 2, inf, 4)),
    ("delay", (col(1, 2), 3), col(nan, nan)),
    ("delta", (col(1, 4, inf, 4), 1), col(nan, 3, inf, -inf)),
    ("delta", (col(1, 4, inf, 4), 2), col(nan, nan, inf, 0)),
    ("delta", (col(1, 4), 0), col(0, 0)),
    # ---- windows over X = 1 3 2 nan 5 4 4 6 with d = 3: windows [1 3 2], [5 4 4], [4 4 6]
    ("ts_sum", (X, 3), at(6, 13, 14)),
    ("ts_sum", (col(1, inf, 2, 3), 2), col(nan, nan, nan, 5)),
    ("ts_sum", (col(1, 2), 3), col(nan, nan)),
    ("ts_mean", (X, 3), at(2, 13 / 3, 14 / 3)),
    ("ts_mean", (col(1, -inf, 2), 1), col(1, nan, 2)),
    ("ts_min", (X, 3), at(1, 4, 4)),
    ("ts_max", (X, 3), at(3, 5, 6)),
    ("ts_var", (X, 3), at(1, 1 / 3, 4 / 3)),
    ("ts_var", (col(1, 2), 1), col(nan, nan)),
    ("ts_var", (col(0.1, 0.1, 0.1, 0.7, 0.7, 0.7), 3), col(nan, nan, 0, 0.12, 0.12, 0)),
    ("ts_std", (X, 3), at(1, math.sqrt(1 / 3), math.sqrt(4 / 3))),
    ("ts_std", (np.array([[0.1, 1e8 + 0.3]] * 3), 3), np.array([[nan, nan], [nan, nan], [0, 0]])),
    ("ts_argmax", (X, 3), at(2, 1, 3)),
    ("ts_argmax", (col(2, 5, 5, 1), 3), col(nan, nan, 2, 1)),  # ties go to the oldest
    ("ts_argmin", (X, 3), at(1, 2, 1)),
    ("ts_argmin", (col(2, 5, 5, 1), 3), col(nan, nan, 1, 3)),
    ("ts_arg_max_days", (X, 3), at(1, 2, 0)),
    ("ts_arg_max_days", (col(2, 5, 5, 1), 3), col(nan, nan, 1, 2)),
    ("ts_arg_min_days", (X, 3), at(2, 1, 2)),
    ("ts_arg_min_days", (col(4, 4), 2), col(nan, 1)),
    ("ts_rank", (X, 3), at(2 / 3, 0.5, 1)),
    ("ts_rank", (col(7, 7, 7), 3), col(nan, nan, 2 / 3)),
    ("ts_rank", (col(3, 1), 1), col(1, 1)),
    ("ts_product", (X, 3), at(6, 80, 96)),
    ("ts_product", (col(0, inf, 2), 2), col(nan, nan, nan)),
    ("decay_linear", (X, 3), at(13 / 6, 25 / 6, 5)),
    ("ts_zscore", (X, 3), at(0, -1 / S3, 2 / S3)),
    ("ts_zscore", (col(0.1, 0.1, 0.1), 3), col(nan, nan, nan)),
    ("ts_corr", (X, Y, 3), at(-1, -0.5, 0.5)),
    ("ts_corr", (col(1, 2, 3), col(5, 5, 5), 3), col(nan, nan, nan)),  # a constant window
    ("ts_corr", (col(1, 2, 3), col(1, 2, inf), 2), col(nan, 1, nan)),
    ("ts_cov", (X, Y, 3), at(-1, -1 / 6, 1 / 3)),
    ("ts_cov", (col(1, 2, 3), col(0.1, 0.1, 0.1), 3), col(nan, nan, 0)),
    ("ts_skew", (col(0, 0, 0, 1), 4), col(nan, nan, nan, 2)),
    ("ts_skew", (col(0, 0, 1), 2), col(nan, nan, nan)),
    ("ts_skew", (col(3, 3, 3), 3), col(nan, nan, nan)),
    ("ts_kurt", (col(0, 0, 0, 1), 4), col(nan, nan, nan, 4)),
    ("ts_kurt", (col(0, 0, 1), 3), col(nan, nan, nan)),
    ("ts_slope", (X, 3), at(0.5, -0.5, 1)),
    ("ts_slope", (col(1, 2), 1), col(nan, nan)),
    ("ts_rsquare", (X, 3), at(0.25, 0.75, 0.75)),
    ("ts_rsquare", (col(2, 2, 2), 3), col(nan, nan, nan)),
    ("ts_resid", (X, 3), at(-0.5, 1 / 6, 1 / 3)),
    ("ts_ema", (col(1, 2, nan, 4, 6), 1.0), col(1, 5 / 3, nan, 4, 16 / 3)),
    ("ts_ema", (col(inf, 2), 2.0), col(nan, 2)),
    # ---- elementwise (IEEE)
    ("add", (row(1, inf, -inf, nan), row(2, -inf, -inf, 1)), row(3, nan, -inf, nan)),
    ("sub", (row(1, inf, inf), row(3, inf, -inf)), row(-2, nan, inf)),
    ("mul", (row(0, 2, -3, nan), row(inf, inf, 4, 0)), row(nan, inf, -12, nan)),
    ("div", (row(1, -1, 0, 6, nan, 1), row(0, 0, 0, 4, 0, -0.0)), row(inf, -inf, nan, 1.5, nan, -inf)),
    ("pow", (row(2, -8, -8, 0, 4, nan), row(3, 1 / 3, 2, -1, 0.5, 0)), row(8, nan, 64, inf, 2, 1)),
    ("pow", (row(2, 4), -1.0), row(0.5, 0.25)),
    # a negative base with a fractional exponent is NaN, -inf included, whether or not the exponent is a panel
    ("pow", (row(-inf, -inf, -inf, -inf), row(0.5, 1.5, 2, 3)), row(nan, nan, inf, -inf)),
    ("pow", (row(-inf, -4), 0.5), row(nan, nan)),
    ("pow", (row(-inf, -4), 1.5), row(nan, nan)),
    ("neg", (row(1, -inf, nan, 0),), row(-1, inf, nan, 0)),
    ("lt", (row(1, 2, nan, -inf), row(2, 2, 1, 0)), row(1, 0, nan, 1)),
    ("le", (row(1, 2, nan, -inf), row(2, 2, 1, 0)), row(1, 1, nan, 1)),
    ("gt", (row(1, 2, nan, -inf), row(2, 2, 1, 0)), row(0, 0, nan, 0)),
    ("ge", (row(1, 2, nan, -inf), row(2, 2, 1, 0)), row(0, 1, nan, 0)),
    ("eq", (row(1, 2, nan, inf), row(2, 2, nan, inf)), row(0, 1, nan, 1)),
    ("ne", (row(1, 2, nan, -inf), row(2, 2, 1, 0)), row(1, 0, nan, 1)),
    ("or", (row(0, 0, 2, nan, 0), row(0, -1, 0, 1, nan)), row(0, 1, 1, nan, nan)),
    ("and", (row(0, 2, 3, nan), row(1, -1, 0, 0)), row(0, 1, 0, nan)),
    ("not", (row(0, 2, nan, -0.0, inf),), row(1, 0, nan, 1, 0)),
    ("cond", (row(1, 0, nan, -2, inf), row(10, 10, 10, 10, 10), row(20, 20, 20, 20, 20)), row(10, 20, nan, 10, 10)),
    ("cond", (row(1, 0), row(5, nan), row(nan, 6)), row(5, 6)),
    ("abs", (row(-2, -inf, nan, 0),), row(2, inf, nan, 0)),
    ("log", (row(1, 0, -1, math.e, inf),), row(0, -inf, nan, 1, inf)),
    ("sqrt", (row(4, -1, 0, inf),), row(2, nan, 0, inf)),
    ("exp", (row(0, 1000, -inf, nan),), row(1, inf, 0, nan)),
    ("sign", (row(-3, 0, 2, nan, -inf),), row(-1, 0, 1, nan, -1)),
    ("signedpower", (row(-2, 3, 0, -4, 0), row(2, 2, 2, 0.5, -1)), row(-4, 9, 0, -2, nan)),
    # log(1 + |x|) with the sign of x: e - 1 -> 1, -(e^2 - 1) -> -2
    ("s_log_1p", (row(math.e - 1, -(math.e**2 - 1), 0, nan, -inf),), row(1, -2, 0, nan, -inf)),
    ("min", (row(1, 5, nan, -inf), row(2, 3, 1, 0)), row(1, 3, nan, -inf)),
    ("max", (row(1, 5, nan, -inf), row(2, 3, 1, 0)), row(2, 5, nan, 0)),
    ("clip", (row(-5, 0.5, 5, nan, inf), -1.0, 1.0), row(-1, 0.5, 1, nan, 1)),
    ("fillna", (row(nan, 1, inf, -inf), 0.0), row(0, 1, inf, -inf)),
    # ---- cross-sectional
    ("rank", (row(3, 1, nan, 1, inf),), row(1, 0.5, nan, 0.5, nan)),
    ("rank", (row(5, 5, 5, 5),), row(0.625, 0.625, 0.625, 0.625)),
    ("scale", (row(1, -3, nan, 4), 2.0), row(0.25, -0.75, nan, 1.0)),
    ("scale", (row(0, 0, nan, -inf), 1.0), row(nan, nan, nan, nan)),
    ("cs_zscore", (row(1, 2, 3, nan),), row(-math.sqrt(1.5), 0, math.sqrt(1.5), nan)),
    ("cs_zscore", (row(0.1, 0.1, 0.1),), row(nan, nan, nan)),  # an exactly constant date: std 0
    ("cs_zscore", (row(7.0, inf),), row(nan, nan)),
    # ---- groups: labels 0 0 1 1 -1
    ("indneutralize", (row(1, 2, 3, 10, 7), G), row(-0.5, 0.5, -3.5, 3.5, nan)),
    ("indneutralize", (row(1, nan, 3, inf, 7), G), row(0, nan, 0, nan, nan)),
    ("group_mean", (row(1, 2, 3, 10, 7), G), row(1.5, 1.5, 6.5, 6.5, nan)),
    ("group_mean", (np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[0, 0], [0, 1]])), np.array([[1.5, 1.5], [3, 5]])),
    ("group_rank", (row(1, 2, 3, 10, 7, 3), np.array([0, 0, 1, 1, -1, 1])), row(0.5, 1, 0.5, 1, nan, 0.5)),
    ("group_zscore", (row(1, 2, 3, 10, 7), np.array([0, 0, 1, 1, 2])), row(-1, 1, -1, 1, nan)),
    ("group_zscore", (row(0.1, 0.1, 0.1, 3), np.array([0, 0, 0, 1])), row(nan, nan, nan, nan)),
    *CATEGORY_EXAMPLES,  # the issue-10 categories' examples, from their oracle modules
]


@pytest.mark.parametrize(("op", "args", "expected"), EXAMPLES, ids=[f"{e[0]}-{i}" for i, e in enumerate(EXAMPLES)])
def test_hand_worked_example(op: str, args: tuple, expected: np.ndarray) -> None:
    actual = REGISTRY[op].reference(*args)
    assert_matches(actual, expected, atol=1e-15, rtol=1e-12, what=op)


@pytest.mark.parametrize(("op", "args", "expected"), EXAMPLES, ids=[f"{e[0]}-{i}" for i, e in enumerate(EXAMPLES)])
def test_oracles_agree_with_hand_worked_example(op: str, args: tuple, expected: np.ndarray) -> None:
    """The oracles themselves are checked on the same hand-worked values."""
    for label, oracle in ORACLES.get(op, {}).items():
        got, _ = oracle(*args)
        assert_matches(got, expected, atol=1e-15, rtol=1e-12, what=f"oracle {label} of {op}")


@pytest.mark.parametrize("value", [0.1, 0.7, 1 / 3, 1e8 + 0.3, -2.5e-9])
@pytest.mark.parametrize("op", ["ts_var", "ts_std", "ts_cov", "ts_slope", "ts_resid"])
def test_constant_window_gives_exact_zero(op: str, value: float) -> None:
    """A constant window has zero spread exactly; rounding must not turn it into 1e-17 (x / ts_std(x) would
    then be a huge number instead of ±inf/NaN, and ts_std(x) == 0 would be false)."""
    x = np.full((4, 1), value)
    args = (x, x, 3) if op == "ts_cov" else (x, 3)
    out = REGISTRY[op].reference(*args)
    assert np.array_equal(out[2:], np.zeros((2, 1))), out


@pytest.mark.parametrize("value", [0.1, 0.7, 1 / 3, 1e8 + 0.3])
@pytest.mark.parametrize("op", ["cs_zscore", "group_zscore"])
def test_constant_date_zscore_is_nan(op: str, value: float) -> None:
    """An exactly constant date (or group) has std 0, so its z-score is NaN (not ±1 from rounding)."""
    x = np.full((1, 5), value)
    args = (x, np.zeros(5, dtype=np.int64)) if op == "group_zscore" else (x,)
    assert np.isnan(REGISTRY[op].reference(*args)).all()


def test_every_operator_has_an_oracle_and_an_example() -> None:
    ops = {spec.name for spec in callable_ops()}
    assert ops, "empty registry?"
    no_oracle = sorted(ops - set(ORACLES))
    no_example = sorted(ops - {op for op, _, _ in EXAMPLES})
    assert not no_oracle, f"operators without an independent oracle in ref_oracles.py: {no_oracle}"
    assert not no_example, f"operators without a hand-worked example: {no_example}"
    assert not set(ORACLES) - set(REGISTRY), "oracles for operators the registry no longer has"


@pytest.mark.parametrize(("op", "args"), [("add", (row(inf), row(-inf))), ("sub", (row(inf), row(inf))),
                                          ("mul", (row(0), row(inf))), ("div", (row(0), row(0))),
                                          ("pow", (row(-2), row(0.5))), ("log", (row(-1),)),
                                          ("neg", (row(nan),)), ("ts_sum", (col(inf, -inf), 2)),
                                          ("rank", (row(inf, -inf, nan),))])
def test_ieee_special_values_do_not_warn(op: str, args: tuple) -> None:
    """NaN/±inf results are defined semantics, not errors: the reference computes them silently."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        REGISTRY[op].reference(*args)


# Decided (session 2, docs/semantics.md): a mean over exactly-constant data is exactly the value, so
# rank(close - ts_mean(close, 3)) over a halted (flat) asset gives ties, not ranked rounding noise.
@pytest.mark.parametrize("value", [0.1, 0.7, 1e8 + 0.1, -3.3])
def test_mean_of_constant_data_is_exact(value: float) -> None:
    x = np.full((3, 1), value)
    assert REGISTRY["ts_mean"].reference(x, 3)[-1, 0] == value
    assert REGISTRY["decay_linear"].reference(x, 3)[-1, 0] == value
    row_x, g = np.full((1, 3), value), np.zeros(3, dtype=np.int64)
    assert (REGISTRY["group_mean"].reference(row_x, g) == value).all()
    assert (REGISTRY["indneutralize"].reference(row_x, g) == 0).all()
