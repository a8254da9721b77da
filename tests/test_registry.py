"""The operator registry is complete: every entry carries everything the rest of the project derives from it."""

from __future__ import annotations

import string

import numpy as np
import pytest

import alphalang
from alphalang.backend.numba.families import FAMILY, LOWERING
from alphalang.ops import REGISTRY, callable_ops, lookup
from alphalang.ops.spec import ArgKind, ResultKind
from alphalang.syntax.printer import BINARY_PRECEDENCE

SPECS = sorted(callable_ops(), key=lambda s: s.name)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_entry_is_complete(spec):
    assert spec.doc and spec.example and spec.nan_rule, spec.name
    assert callable(spec.reference) and callable(spec.lookback)
    assert isinstance(spec.result, ResultKind)
    assert spec.params and all(isinstance(p.kind, ArgKind) for p in spec.params)


@pytest.mark.parametrize("spec", sorted(REGISTRY.values(), key=lambda s: s.name), ids=lambda s: s.name)
def test_lowering_names_a_kernel_or_a_template_over_every_argument(spec):
    if spec.expansion is not None:  # a composition: the checker inlines it, it is never lowered itself
        return
    if spec.result is ResultKind.ELEMENTWISE:  # a numba expression over {0}, {1}, .. (one per argument)
        fields = [f for _, f, _, _ in string.Formatter().parse(spec.lowering) if f is not None]
        assert {int(f) for f in fields} == set(range(len(spec.params))), (spec.name, spec.lowering)
        spec.lowering.format(*(f"a{k}" for k in range(len(spec.params))))
    else:  # a declared kernel family and one of its modes
        family, mode = LOWERING[spec.lowering]
        assert mode in FAMILY[family].modes or (mode is None and not FAMILY[family].modes), spec.name


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_example_compiles_and_runs(spec):
    panel = alphalang.demo_panel(40, 5, seed=0)
    program = alphalang.compile(spec.example, fields=["a", "b", "c", "d", "x"])
    extra = {name: panel.field("close") * (i + 1) for i, name in enumerate("abcdx")}
    result = program.run(panel.with_fields(**extra))["alpha"]
    assert result.shape == panel.shape and result.dtype == np.float64


def test_names_and_aliases_resolve_case_insensitively():
    for spec in SPECS:
        for name in (spec.name, *spec.aliases):
            assert lookup(name.upper()) is spec


def test_every_infix_symbol_of_the_grammar_is_a_registry_entry():
    symbols = {s.symbol for s in REGISTRY.values() if s.symbol and len(s.params) == 2}
    assert symbols == set(BINARY_PRECEDENCE)
    assert lookup("neg").symbol == "-" and lookup("not").symbol == "!" and lookup("cond").symbol == "?:"


def test_the_semantics_table_and_research_operators_are_all_present():
    required = """abs log sign sqrt exp signedpower min max delay delta ts_sum sum ts_mean ts_std stddev ts_var
    ts_min ts_max ts_argmax ts_argmin ts_rank product ts_product correlation ts_corr covariance ts_cov
    decay_linear rank scale indneutralize ts_zscore ts_skew ts_kurt ts_ema ts_slope ts_rsquare ts_resid
    ts_arg_max_days ts_arg_min_days cs_zscore group_rank group_mean group_zscore clip where fillna""".split()
    missing = [name for name in required if lookup(name) is None]
    assert not missing
