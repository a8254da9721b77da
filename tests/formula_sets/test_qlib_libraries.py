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
