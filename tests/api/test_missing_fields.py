"""Programs on partial data (``missing="skip"``, ``Program.available``): which outputs are skipped and why.

Oracles: a hand-worked table for a small module; for the stdlib libraries, a scan of each library's own text
(an output needs vwap when its line mentions vwap or advN, ...), never the graph walk under test; evaluated
values against pandas.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.data import Panel
from alphalang.errors import AlphaDataError, AlphaNameError
from alphalang.passes.fields import Skipped
from alphalang.resources import data_path

OHLCV = ("open", "high", "low", "close", "volume")

MODULE = """\
a = rank(cap)
b = a * close
c = ts_mean(close, 5)
d = group_rank(close, IndClass.sector)
e = b + d
_p = vwap * 2
f = rank(_p)
g = adv20
h = returns
k = sentiment + close
"""

#: worked by hand: what each output reads, minus what OHLCV-only data without groups has
EXPECTED = {
    "a": Skipped(("cap",)),
    "b": Skipped(("cap",), (), ("a",)),  # through a
    "d": Skipped((), ("sector",)),
    "e": Skipped(("cap",), ("sector",), ("b", "d")),  # a only through b: not listed
    "f": Skipped(("vwap",)),  # the private _p is no output
    "g": Skipped(("vwap",)),  # adv20 = ts_mean(volume * vwap, 20)
    "k": Skipped(("sentiment",)),  # a name defined nowhere: a field this data lacks
}


@pytest.fixture(scope="module")
def panel() -> Panel:
    demo = alphalang.demo_panel(40, 6, seed=3)
    return Panel({k: demo.field(k) for k in OHLCV}, dates=demo.dates, assets=demo.assets)


@pytest.fixture(scope="module")
def program():
    return alphalang.compile(MODULE, backend="reference", missing="skip")


def test_skipped_outputs_and_reasons(program, panel):
    part = program.available(panel.fields, panel.groups)
    assert part.skipped == EXPECTED
    assert part.outputs == ("c", "h")
    assert part.skipped_lines() == [
        "skipped 1 output lacking cap: a",
        "skipped 1 output using skipped a (lacking cap): b",
        "skipped 1 output lacking group level sector: d",
        "skipped 1 output using skipped b, d (lacking cap and group level sector): e",
        "skipped 2 outputs lacking vwap: f, g",
        "skipped 1 output lacking sentiment: k",
    ]
    assert program.available(panel.fields, panel.groups) is part  # one part per kind of data


def test_run_evaluates_what_the_data_feeds(program, panel):
    got = program.run(panel)
    close = pd.DataFrame(panel.field("close"))
    assert sorted(got) == ["c", "h"]
    np.testing.assert_allclose(got["c"], close.rolling(5).mean(), rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(got["h"], close.pct_change(fill_method=None), rtol=1e-12, equal_nan=True)


def test_supplied_fields_and_groups_unskip(program, panel):
    sector = np.arange(panel.n_assets) % 2
    fuller = panel.with_fields(cap=np.ones(panel.shape), adv20=np.ones(panel.shape)).with_groups(sector=sector)
    part = program.available(fuller.fields, fuller.groups)
    assert part.skipped == {"f": Skipped(("vwap",)), "k": Skipped(("sentiment",))}
    assert part.outputs == ("a", "b", "c", "d", "e", "g", "h")  # g reads the supplied adv20: no vwap needed
    full = fuller.with_fields(vwap=np.ones(panel.shape), sentiment=np.zeros(panel.shape))
    assert program.available(full.fields, full.groups) is program


def test_strict_stops_at_the_first_missing_field(panel):
    strict = alphalang.compile("c = ts_mean(close, 5)\na = rank(cap)", backend="reference")
    with pytest.raises(AlphaDataError, match="the data has no field 'cap'") as info:
        strict.run(panel)
    assert info.value.span.line == 2  # at its first use: a = rank(cap)
    with pytest.raises(AlphaNameError, match="unknown name 'sentiment'"):
        alphalang.compile(MODULE, backend="reference")  # strict: a name defined nowhere stays an error


def test_nothing_left_reports_the_missing_field(panel):
    program = alphalang.compile("a = rank(cap)\nb = a + 1", backend="reference", missing="skip")
    assert program.available(panel.fields) is program
    with pytest.raises(AlphaDataError, match="no field 'cap'"):
        program.run(panel)


def test_a_typo_is_flagged():
    program = alphalang.compile("a = clsoe + 1\nb = close", backend="reference", missing="skip")
    assert program.available(OHLCV).skipped_lines() == [
        "skipped 1 output lacking clsoe (not a standard field; did you mean 'close'?): a"]


def test_unknown_missing_option():
    with pytest.raises(alphalang.AlphaError, match="missing='maybe'"):
        alphalang.compile("a = close", missing="maybe")


# ---- the stdlib libraries: which outputs need what, read from the library text itself --------------------

def _statements(library: str) -> dict[str, str]:
    text = data_path("stdlib", f"{library}.alpha").read_text()
    return {name.lower(): formula for name, formula in re.findall(r"^(\w+) = (.*)$", text, flags=re.MULTILINE)}


def _needing(library: str, pattern: str) -> set[str]:
    return {name for name, formula in _statements(library).items() if re.search(pattern, formula, re.IGNORECASE)}


@pytest.mark.parametrize("groups", [(), ("sector", "industry", "subindustry")])
def test_wq101_on_ohlcv(groups):
    program = alphalang.compile("wq101", backend="reference", fields=OHLCV, missing="skip")
    part = program.available(OHLCV, groups)
    needs_vwap = _needing("wq101", r"\bvwap\b|\badv\d+")
    needs_groups = set() if groups else _needing("wq101", r"IndClass\.")
    assert set(part.skipped) == needs_vwap | needs_groups | _needing("wq101", r"\bcap\b")
    assert all(why.fields == ("vwap",) for name, why in part.skipped.items() if name in needs_vwap - needs_groups
               and name != "alpha056")
    assert part.skipped["alpha056"] == Skipped(("cap",))
    if not groups:  # alpha067: IndNeutralize(vwap, IndClass.sector), IndNeutralize(adv20, IndClass.subindustry)
        assert part.skipped["alpha067"] == Skipped(("vwap",), ("sector", "subindustry"))
        assert part.skipped["alpha067"].lacking == "vwap and group levels sector, subindustry"
    assert len(part.outputs) == 101 - len(part.skipped) == (41 if groups else 39)


def test_gtja191_without_benchmark_and_factors():
    fields = (*OHLCV, "vwap")
    part = alphalang.compile("gtja191", backend="reference", fields=fields, missing="skip").available(fields)
    extra = {name: tuple(sorted(set(re.findall(r"banchmarkindex\w+|\b(?:mkt|smb|hml)\b", formula.lower()))))
             for name, formula in _statements("gtja191").items()}
    assert {name: why.fields for name, why in part.skipped.items()} == {n: f for n, f in extra.items() if f}
    assert set(part.skipped) == {"alpha030", "alpha075", "alpha149", "alpha181", "alpha182"}  # docs/formula_sets.md
    assert len(part.outputs) == 186


def test_alpha158_without_vwap():
    part = alphalang.compile("alpha158", backend="reference", missing="skip").available(OHLCV)
    assert set(part.skipped) == _needing("alpha158", r"\$vwap") == {"vwap0"}
    assert len(part.outputs) == 157
