"""qlib's Alpha158 and Alpha360 (stdlib, qlib dialect) equal an independent pandas implementation of qlib.

``qlib_oracle`` evaluates qlib's own expression strings (``../shared/research/formula_sets/qlib_alpha*.tsv``,
read again here, not from the stdlib files) with a test-only implementation of qlib's operators written from
qlib's definitions. alphalang compiles ``stdlib/alpha158.alpha`` and ``alpha360.alpha`` (the dialect comes from
their ``# dialect: qlib`` header) and runs both backends on a small demo panel with NaN runs injected: halts of
1, 3, 7 and 66 days (longer than every window), a listing 25 days late, single-field gaps (volume, vwap, high),
a price locked flat for 10 days (constant windows, ties in Rank/IdxMax) and one creeping by 1e-6 a day
(windows whose std is within qlib's 2e-5 of 0: the Corr and Rsquare masks).

Every feature is compared on every row of each instrument's life (partial windows included, as qlib computes
them): the same NaN cells, and finite values equal to ``|a - b| <= 1e-9 * |b| + atol`` with ``atol`` a few
hundred ulps of the feature's largest finite magnitude (the denominators' scale; see ``_atol``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import qlib_oracle as q

import alphalang
from alphalang.resources import data_path

RTOL = 1e-9
TSV_DIR = Path(__file__).resolve().parents[3] / "shared" / "research" / "formula_sets"
LIBRARIES = ("alpha158", "alpha360")
BACKENDS = ("reference", "numba")
N_DAYS, N_ASSETS, SEED = 120, 12, 11


def _tsv(library: str) -> dict[str, str]:
    path = TSV_DIR / f"qlib_{library}.tsv"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    with path.open(newline="") as f:
        return {row["name"]: row["qlib_expression"] for row in csv.DictReader(f, delimiter="\t")}


def _panel_fields() -> dict[str, np.ndarray]:
    panel = alphalang.demo_panel(N_DAYS, N_ASSETS, SEED)
    fields = {f: np.array(panel.field(f), dtype=np.float64) for f in q.FIELDS}

    def halt(asset, rows, names=q.FIELDS):
        for f in names:
            fields[f][rows, asset] = np.nan

    halt(0, slice(30, 33))  # a 3-day halt
    halt(1, slice(40, 41))  # one day
    halt(2, slice(20, 27))  # 7 days: longer than the 5-day windows
    halt(3, slice(35, 101))  # 66 days: longer than every window (60)
    halt(4, slice(0, 25))  # listed on day 25 (qlib's series starts there)
    halt(6, slice(60, 62), ("volume",))  # volume missing, prices valid: pairwise Corr, VMA over fewer days
    halt(7, slice(70, 71), ("vwap",))
    halt(8, slice(80, 81), ("high",))  # a NaN inside IdxMax($high, N)'s windows
    for f in ("open", "high", "low", "close", "vwap"):  # limit-locked for 10 days: constant windows, ties
        fields[f][90:100, 9] = fields["close"][89, 9]
    for f in ("open", "high", "low", "close", "vwap"):  # creeping 1e-6 a day: std within qlib's 2e-5 of 0
        fields[f][100:110, 10] = fields["close"][99, 10] + 1e-6 * np.arange(10)
    return fields


@pytest.fixture(scope="module")
def fields():
    return _panel_fields()


@pytest.fixture(scope="module")
def panel(fields):
    base = alphalang.demo_panel(N_DAYS, N_ASSETS, SEED)
    return base.with_fields(**fields)


@pytest.fixture(scope="module")
def oracle(fields):
    cache: dict[str, dict[str, np.ndarray]] = {}

    def get(library: str) -> dict[str, np.ndarray]:
        if library not in cache:
            cache[library] = q.evaluate_panel(_tsv(library), fields)
        return cache[library]

    return get


@pytest.fixture(scope="module")
def alphalang_results(panel):
    """One program per library and backend, each compiled and run once per module."""
    cache: dict[tuple[str, str], dict[str, np.ndarray]] = {}

    def get(library: str, backend: str) -> dict[str, np.ndarray]:
        if (library, backend) not in cache:
            program = alphalang.compile(data_path("stdlib", f"{library}.alpha"), backend=backend)
            cache[library, backend] = program.run(panel)
        return cache[library, backend]

    return get


def _life(fields) -> np.ndarray:
    """Rows of each instrument's life in qlib's data (first to last day with any field)."""
    valid = np.zeros(fields["close"].shape, dtype=bool)
    for f in q.FIELDS:
        valid |= ~np.isnan(fields[f])
    life = np.zeros_like(valid)
    for j in range(valid.shape[1]):
        bounds = q.span(valid[:, j])
        if bounds:
            life[bounds[0]:bounds[1], j] = True
    return life


def _atol(expected: np.ndarray) -> float:
    """Absolute floor: 256 ulps of the feature's largest finite magnitude. Features are ratios of window
    statistics of inputs of that scale; a difference of rounded window sums (e.g. a running sum that returns
    to 0 only up to its last bits) is a few ulps of it, however small the exact value."""
    finite = np.abs(expected[np.isfinite(expected)])
    return 256 * np.finfo(np.float64).eps * (float(finite.max()) if finite.size else 1.0)


def _mismatch(got: np.ndarray, expected: np.ndarray, life: np.ndarray) -> str | None:
    g, e = got[life], expected[life]
    nan_g, nan_e = np.isnan(g), np.isnan(e)
    if (nan_g != nan_e).any():
        return (f"NaN pattern differs: {int((nan_g & ~nan_e).sum())} cells NaN only in alphalang, "
                f"{int((nan_e & ~nan_g).sum())} only in qlib")
    ok = ~nan_e
    inf_g, inf_e = np.isinf(g[ok]), np.isinf(e[ok])
    if (inf_g != inf_e).any() or (g[ok][inf_e] != e[ok][inf_e]).any():
        return "infinities differ"
    fin = ok.copy()
    fin[ok] = ~inf_e
    err = np.abs(g[fin] - e[fin])
    bound = RTOL * np.abs(e[fin]) + _atol(expected)
    if (err > bound).any():
        k = int(np.argmax(err - bound))
        return (f"{int((err > bound).sum())} cells beyond tolerance, worst {g[fin][k]!r} vs {e[fin][k]!r} "
                f"(|diff| {err[k]:.3g})")
    return None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("library", LIBRARIES)
def test_library_equals_qlib_semantics(library, backend, fields, oracle, alphalang_results):
    expected = oracle(library)
    got = alphalang_results(library, backend)
    # alphalang's names are case-insensitive and its outputs lower-case; the order is qlib's
    assert list(got) == [name.lower() for name in expected]
    life = _life(fields)
    bad = {}
    for name in expected:
        mismatch = _mismatch(got[name.lower()], expected[name], life)
        if mismatch:
            bad[name] = mismatch
    summary = "\n".join(f"  {name}: {msg}" for name, msg in bad.items())
    print(f"{library} [{backend}]: {len(expected) - len(bad)}/{len(expected)} features equal qlib's semantics "
          "on every cell")
    assert not bad, f"{len(bad)}/{len(expected)} features differ from qlib's semantics:\n{summary}"


def test_stdlib_files_are_qlib_verbatim():
    """Every `NAME = expression` line of the stdlib files is qlib's expression, character for character."""
    for library in LIBRARIES:
        expected = _tsv(library)
        text = data_path("stdlib", f"{library}.alpha").read_text().splitlines()
        assert text[0] == "# dialect: qlib"
        rows = dict(line.split(" = ", 1) for line in text if line and not line.startswith("#"))
        assert rows == expected


# --- the oracle itself, on hand-worked cases and against pandas/numpy's own routines ------------------------

NAN = np.nan


def _s(values) -> pd.Series:
    return pd.Series(np.array(values, dtype=np.float64))


def test_oracle_window_statistics_equal_pandas_rolling():
    rng = np.random.default_rng(3)
    a = rng.normal(100, 3, 300)
    a[[5, 6, 40, 41, 42, 43, 44, 45, 46, 100]] = NAN
    b = rng.normal(10, 1, 300)
    b[[7, 50, 51]] = NAN
    x, y = _s(a), _s(b)
    for n in (5, 10, 60):
        r = x.rolling(n, min_periods=1)
        for name, ref in (("Mean", r.mean()), ("Sum", r.sum()), ("Std", r.std()), ("Max", r.max()),
                          ("Min", r.min()), ("Rank", r.rank(pct=True))):
            np.testing.assert_allclose(getattr(q, name)(x, n), ref, rtol=1e-11, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(q.Quantile(x, n, 0.8), r.quantile(0.8), rtol=1e-13)
        np.testing.assert_array_equal(q.IdxMax(x, n), r.apply(lambda w: w.argmax() + 1, raw=True))
        np.testing.assert_array_equal(q.IdxMin(x, n), r.apply(lambda w: w.argmin() + 1, raw=True))
        corr = r.corr(y)
        corr[np.isclose(r.std(), 0, atol=2e-5) | np.isclose(y.rolling(n, min_periods=1).std(), 0, atol=2e-5)] = NAN
        np.testing.assert_allclose(q.Corr(x, y, n), corr, rtol=1e-10, atol=1e-12)


def test_oracle_hand_worked_quirks():
    x = _s([1, NAN, 3, 2, 2, NAN])
    np.testing.assert_array_equal(q.Rank(x, 3), [1, NAN, 1, 0.5, 0.5, NAN])  # ties average; NaN today -> NaN
    # argmax treats NaN as the maximum: [1, nan] -> 2, [1, nan, 3] -> 2; [nan, 3, 2] -> 1; [2, 2, nan] -> 3
    np.testing.assert_array_equal(q.IdxMax(x, 3), [1, 2, 2, 1, 1, 3])
    np.testing.assert_array_equal(q.Std(x, 3), [NAN, NAN, np.sqrt(2), np.sqrt(0.5), np.std([3, 2, 2], ddof=1),
                                                0.0])
    # comparisons with NaN are False, so Mean(x > Ref(x, 1)) counts them as 0
    f = pd.DataFrame({"close": x})
    np.testing.assert_array_equal(q.evaluate("Mean($close>Ref($close, 1), 2)", f), [0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(q.evaluate("Greater($close-Ref($close, 1), 0)", f), [NAN, NAN, NAN, 0, 0, NAN])


def test_oracle_regression_against_polyfit():
    rng = np.random.default_rng(5)
    y = rng.normal(50, 5, 40)
    y[[3, 17, 18, 30]] = NAN
    s, n = _s(y), 8
    slope, r2, resi = q.Slope(s, n), q.Rsquare(s, n), q.Resi(s, n)
    for t in range(len(y)):
        pos = np.arange(t - n + 1, t + 1)
        keep = (pos >= 0) & ~np.isnan(y[np.clip(pos, 0, None)])
        xs, ys = (pos - (t - n))[keep].astype(float), y[pos[keep]]  # positions 1..n within the window
        if ys.size < 2:
            assert np.isnan(slope[t]) and np.isnan(r2[t]) and np.isnan(resi[t])
            continue
        b, a = np.polyfit(xs, ys, 1)
        assert slope[t] == pytest.approx(b, rel=1e-10)
        assert r2[t] == pytest.approx(np.corrcoef(xs, ys)[0, 1] ** 2, rel=1e-10)
        if np.isnan(y[t]):
            assert np.isnan(resi[t])
        else:
            assert resi[t] == pytest.approx(y[t] - (a + b * n), rel=1e-8, abs=1e-12)
    # hand-worked: window [1, nan, 3] at positions 1..3 -> slope 1, r^2 1, residual 0; constant -> masked
    np.testing.assert_allclose(q.Slope(_s([1, NAN, 3]), 3), [NAN, NAN, 1.0])
    np.testing.assert_array_equal(q.Rsquare(_s([5, 5, 5]), 3), [NAN, NAN, NAN])
    np.testing.assert_array_equal(q.Corr(_s([1, 2, 3]), _s([4, 4, 4]), 3), [NAN, NAN, NAN])
