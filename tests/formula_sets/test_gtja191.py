"""stdlib/gtja191.alpha: the 191 Guotai Junan alphas as printed, errata documented, run on demo and real data.

Independent expectations: the report's printed text (``formula_sets/gtja191.tsv``) for every line the file
does not mark as an erratum; the errata table of docs/formula_sets.md for the marked ones; numpy loops for the
two alphas the file expresses with helper definitions (030's three-factor residual, 143's ``SELF`` recursion);
the numpy reference backend for the numba backend.

Data the library cannot have is fed synthetic values as extra fields (never restricted away): the benchmark
index (``banchmarkindexclose``/``banchmarkindexopen``) is the equal-weighted mean of the panel's closes/opens,
the same value in every column; the Fama-French factors ``mkt smb hml`` are seeded normal draws (sd 1%), one per
date. The real S&P 500 prices lack vwap: it is the typical price (high + low + close) / 3.

``python tests/formula_sets/test_gtja191.py`` rewrites the coverage table in docs/formula_sets.md; the test
prints it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

import alphalang
from alphalang.testing.compare import assert_matches

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "stdlib" / "gtja191.alpha"
DOCS = ROOT / "docs" / "formula_sets.md"
TSV = ROOT.parent / "shared" / "research" / "formula_sets" / "gtja191.tsv"
SP500 = ROOT.parent / "shared" / "data" / "sp500" / "prices.parquet"
EXTRA = ("banchmarkindexclose", "banchmarkindexopen", "mkt", "smb", "hml")
NAMES = [f"alpha{i:03d}" for i in range(1, 192)]
DAYS, ASSETS = 300, 15  # 300 rows: the longest warm-up is 253 (alpha149's REGBETA over 252 of a one-day ratio)
COVERAGE_BEGIN = "<!-- gtja191 coverage: begin (written by tests/formula_sets/test_gtja191.py) -->"
COVERAGE_END = "<!-- gtja191 coverage: end -->"


def with_extra(panel, seed: int = 7):
    """The panel plus the benchmark-index and Fama-French fields (see the module docstring)."""
    t, n = panel.n_dates, panel.n_assets
    rng = np.random.default_rng(seed)
    close, open_ = np.asarray(panel.field("close")), np.asarray(panel.field("open"))
    with np.errstate(all="ignore"):
        index_close = np.nanmean(close, axis=1)
        index_open = np.nanmean(open_, axis=1)
    columns = {"banchmarkindexclose": index_close, "banchmarkindexopen": index_open}
    for name in ("mkt", "smb", "hml"):
        columns[name] = rng.normal(0.0, 0.01, t)
    return panel.with_fields(**{k: np.repeat(v[:, None], n, axis=1) for k, v in columns.items()})


def demo_panel():
    return with_extra(alphalang.demo_panel(DAYS, ASSETS, seed=3))


def sp500_panel():
    """15 tickers listed on all of the data's last 300 dates (every 30th of them in ticker order)."""
    if not SP500.is_file():
        pytest.skip(f"real S&P 500 prices not found at {SP500}")
    import pandas as pd

    long = pd.read_parquet(SP500)
    wide = {f: long.pivot(index="date", columns="asset", values=f).sort_index().iloc[-DAYS:]
            for f in ("open", "high", "low", "close", "volume")}
    listed = sorted(wide["close"].columns[wide["close"].notna().all().to_numpy()])
    chosen = listed[::30][:ASSETS]
    fields = {f: w[chosen].to_numpy(dtype=np.float64) for f, w in wide.items()}
    fields["vwap"] = (fields["high"] + fields["low"] + fields["close"]) / 3.0
    panel = alphalang.Panel(fields, dates=wide["close"].index, assets=chosen)
    return with_extra(panel)


def printed_formulas() -> dict[str, str]:
    with TSV.open(encoding="utf-8") as fh:
        return {f"alpha{int(r['alpha']):03d}": r["formula_as_printed"] for r in csv.DictReader(fh, delimiter="\t")}


def library_lines() -> dict[str, tuple[str, str | None]]:
    """alpha name -> (formula in the file, the ``# printed: ...`` comment right above it or None)."""
    out, previous = {}, None
    for line in LIBRARY.read_text(encoding="utf-8").splitlines():
        match = re.match(r"(alpha\d{3}) = (.*)$", line)
        if match:
            out[match.group(1)] = (match.group(2), previous if previous and previous.startswith("# printed:")
                                   else None)
        previous = line
    return out


@pytest.fixture(scope="module")
def programs():
    """One program of all 191 outputs per backend, compiled once."""
    return {b: alphalang.compile(str(LIBRARY), backend=b, fields=EXTRA) for b in ("reference", "numba")}


@pytest.fixture(scope="module")
def results(programs):
    """{dataset: {backend: outputs}}; the S&P 500 entry is absent when its folder is."""
    sets = {"demo": demo_panel()}
    try:
        sets["sp500"] = sp500_panel()
    except pytest.skip.Exception:
        pass
    return {name: {b: p.run(panel) for b, p in programs.items()} for name, panel in sets.items()}


def test_real_sp500_panel():
    """The real-data panel the other tests use (they run on demo data alone when this one skips)."""
    panel = sp500_panel()
    assert panel.shape == (DAYS, ASSETS)
    for name in ("open", "high", "low", "close", "volume", "vwap"):
        assert np.isfinite(np.asarray(panel.field(name))).all(), name


def test_the_file_holds_the_191_printed_formulas_except_marked_errata():
    printed, lines = printed_formulas(), library_lines()
    assert list(printed) == NAMES and list(lines) == NAMES
    first = LIBRARY.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# dialect: gtja"
    for name in NAMES:
        formula, note = lines[name]
        if note is None:
            assert formula == printed[name], name
            continue
        printed_part, read_part = note.removeprefix("# printed: ").split("; read as: ", 1)
        fragments = re.findall(r'"([^"]*)"', printed_part)
        readings = re.findall(r'"([^"]*)"', re.match(r'(?:"[^"]*"(?:, )?)+', read_part).group(0))
        assert fragments and len(fragments) == len(readings), name
        text = printed[name]
        for old, new in zip(fragments, readings, strict=True):
            assert old in text, (name, old)
            text = text.replace(old, new)
        assert formula == text, name


def test_errata_are_listed_in_the_docs():
    marked = {name for name, (_, note) in library_lines().items() if note}
    section = DOCS.read_text(encoding="utf-8").split("## GTJA 191 errata", 1)[1].split("\n## ", 1)[0]
    listed = {f"alpha{int(n):03d}" for n in re.findall(r"^\| (\d{3}) \|", section, flags=re.M)}
    assert listed == marked
    assert len(marked) >= 15


@pytest.mark.parametrize("backend", ["reference", "numba"])
def test_all_191_compile(programs, backend):
    assert sorted(programs[backend].plan.outputs) == NAMES


def test_both_backends_agree(results):
    for dataset, by_backend in results.items():
        ref, fast = by_backend["reference"], by_backend["numba"]
        assert sorted(ref) == sorted(fast) == NAMES
        for name in NAMES:
            expected = np.asarray(ref[name])
            assert expected.shape == (DAYS, ASSETS)
            finite = expected[np.isfinite(expected)]
            scale = float(np.max(np.abs(finite))) if finite.size else 0.0
            assert_matches(fast[name], expected, atol=64 * np.finfo(float).eps * scale, rtol=1e-9,
                           what=f"{dataset} {name}")


# Alphas with no finite value on either 15-asset panel, and why (the test fails when this becomes stale).
# alpha064: MAX(CORR(RANK(CLOSE), RANK(MEAN(VOLUME,60)), 4), 13) is NaN unless both cross-sectional ranks
# move within 4 rows (the order of 15 price levels rarely does: a constant window has no correlation), and
# DECAYLINEAR(..., 14) then needs 14 such rows in a row.
EMPTY_ON_SMALL_PANELS = {"alpha064"}


def test_every_alpha_has_values_somewhere(results, programs):
    """Each alpha computes finite values after its warm-up on at least one data set, except the documented
    ones (demo's cross-sectional ranks of vwap barely move, so correlations of such ranks are often NaN)."""
    table = coverage(results, programs["reference"])
    empty = {name for name, row in table.items() if not any(v > 0 for v in row.values())}
    assert empty == EMPTY_ON_SMALL_PANELS


def test_alpha030_is_the_three_factor_residual(results):
    """Oracle: numpy least squares (with intercept) of the one-day return on mkt, smb, hml over each 60-row
    window, today's residual squared, then GTJA's WMA over 20 rows (weights 0.9^i, normalised)."""
    panel = demo_panel()
    close = np.asarray(panel.field("close"))
    y = np.full_like(close, np.nan)
    y[1:] = close[1:] / close[:-1] - 1
    xs = [np.asarray(panel.field(k))[:, 0] for k in ("mkt", "smb", "hml")]
    resid2 = np.full_like(close, np.nan)
    for t in range(60, DAYS):
        design = np.column_stack([np.ones(60)] + [x[t - 59: t + 1] for x in xs])
        coef, *_ = np.linalg.lstsq(design, y[t - 59: t + 1], rcond=None)
        resid2[t] = (y[t] - design[-1] @ coef) ** 2
    w = 0.9 ** np.arange(20)
    expected = np.full_like(close, np.nan)
    for t in range(79, DAYS):
        expected[t] = (w[:, None] * resid2[t - 19: t + 1][::-1]).sum(0) / w.sum()
    got = np.asarray(results["demo"]["reference"]["alpha030"])
    rows = slice(100, DAYS)
    assert_matches(got[rows], expected[rows], atol=1e-9 * np.nanmax(expected[rows]), rtol=1e-6)


def test_alpha143_is_the_self_recursion(results):
    """Oracle: the printed recursion SELF' -> (up day ? return * SELF' : SELF'), started at 1 on row 1."""
    close = np.asarray(demo_panel().field("close"))
    expected = np.full_like(close, np.nan)
    state = np.ones(close.shape[1])
    for t in range(1, DAYS):
        up = close[t] > close[t - 1]
        state = np.where(up, (close[t] - close[t - 1]) / close[t - 1] * state, state)
        expected[t] = state
    got = np.asarray(results["demo"]["reference"]["alpha143"])
    assert_matches(got, expected, atol=1e-300, rtol=1e-9)


def coverage(results, program) -> dict[str, dict[str, float]]:
    """alpha -> {dataset: share of finite cells after the alpha's warm-up rows}."""
    lookback = program.plan.output_lookback
    table = {}
    for name in NAMES:
        row = {}
        for dataset, by_backend in results.items():
            values = np.asarray(by_backend["reference"][name])[lookback[name]:]
            row[dataset] = float(np.isfinite(values).mean()) if values.size else 0.0
        table[name] = row
    return table


def coverage_markdown(table) -> str:
    datasets = sorted({d for row in table.values() for d in row})
    lines = ["| alpha | " + " | ".join(datasets) + " |", "|---|" + "---|" * len(datasets)]
    lines += [f"| {name} | " + " | ".join(f"{row.get(d, float('nan')):.0%}" for d in datasets) + " |"
              for name, row in table.items()]
    return "\n".join(lines)


def write_coverage(markdown: str, path: Path = DOCS) -> None:
    """Replace the table between the coverage markers of docs/formula_sets.md (nothing else changes)."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(COVERAGE_BEGIN, 1)
    _, tail = rest.split(COVERAGE_END, 1)
    path.write_text(f"{head}{COVERAGE_BEGIN}\n{markdown}\n{COVERAGE_END}{tail}", encoding="utf-8")


def test_coverage_table(results, programs, capsys):
    table = coverage(results, programs["reference"])
    with capsys.disabled():
        print("\nGTJA191 finite share after warm-up (reference backend; numba agrees):")
        print(coverage_markdown(table))
    assert COVERAGE_BEGIN in DOCS.read_text(encoding="utf-8")


if __name__ == "__main__":
    programs_ = {b: alphalang.compile(str(LIBRARY), backend=b, fields=EXTRA) for b in ("reference",)}
    sets_ = {"demo": demo_panel()}
    if SP500.is_file():
        sets_["sp500"] = sp500_panel()
    results_ = {d: {"reference": programs_["reference"].run(p)} for d, p in sets_.items()}
    write_coverage(coverage_markdown(coverage(results_, programs_["reference"])))
