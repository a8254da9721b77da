"""Fixture pairs per pass (in the style of sqlglot's optimizer tests): input formulas -> the plan's graph.

``fixtures/<pass>.txt`` holds cases separated by blank lines; in a case, the lines before ``=>`` are a module,
the lines after it the expected canonical dump (see ``dump``) after running that pass on the output of the
passes before it (``resolve_plan.txt``: after resolution alone), or ``error: <Class>: <message>``. An input
may hold ``#`` comments; one starting ``#pandas-ref`` checks it under that profile, one starting ``#nan-skip``
under the NaN policy skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alphalang.errors import AlphaError
from alphalang.passes.profile import PROFILES
from alphalang.plan import PASSES, Plan, nan_policy, resolve_plan, run_passes
from alphalang.syntax import parse_module

FIXTURES = Path(__file__).parent / "fixtures"


def dump(plan: Plan) -> str:
    """One line per node (``%id = op(args; params)``, its lookback in brackets once known), then outputs."""
    lines = []
    for node_id, node in enumerate(plan.graph.nodes):
        if node.is_leaf:
            text = f"{node.op} {node.params[0]}"
        else:
            inside = ", ".join(f"%{a}" for a in node.args)
            if node.params:
                inside += "; " + ", ".join(str(p) for p in node.params)
            text = f"{node.op}({inside})"
        lookback = f" [{plan.lookbacks[node_id]}]" if plan.lookbacks else ""
        lines.append(f"%{node_id} = {text}{lookback}")
    lines += [f"{name} -> %{node_id}" for name, node_id in plan.outputs.items()]
    return "\n".join(lines)


def cases(name: str) -> list[tuple[str, str]]:
    text = (FIXTURES / f"{name}.txt").read_text()
    blocks = [b for b in text.split("\n\n") if b.strip()]
    out = []
    for block in blocks:
        lines = block.splitlines()
        split = lines.index("=>")
        out.append(("\n".join(lines[:split]), "\n".join(lines[split + 1:])))
    return out


def run_upto(source: str, index: int) -> str:
    """The dump after resolution and ``PASSES[:index + 1]`` (``index`` -1: resolution only), or the error."""
    profile = PROFILES["pandas-ref"] if source.startswith("#pandas-ref") else PROFILES["paper"]
    nan = nan_policy("skip") if source.startswith("#nan-skip") else nan_policy()
    try:
        plan = run_passes(resolve_plan(parse_module(source), profile, nan=nan), PASSES[:index + 1])
    except AlphaError as err:
        return f"error: {type(err).__name__}: {err.message}"
    return dump(plan)


STAGES = [("resolve_plan", -1)] + [(step.__name__, i) for i, step in enumerate(PASSES)]


@pytest.mark.parametrize(("stage", "index", "source", "expected"),
                         [(s, i, src, want) for s, i in STAGES for src, want in cases(s)],
                         ids=lambda v: v if isinstance(v, str) and "\n" not in v and len(v) < 40 else None)
def test_fixture_pair(stage, index, source, expected):
    assert run_upto(source, index) == expected


def test_every_pass_has_fixtures():
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == sorted(f"{s}.txt" for s, _ in STAGES)
    assert all(len(cases(s)) >= 2 for s, _ in STAGES)



def _shape(plan: Plan) -> tuple:
    """What a plan means, independent of node numbering: each output's formula and lookback, the node count."""
    return ({name: (plan.graph.describe(node_id, None), plan.lookbacks[node_id])
             for name, node_id in plan.outputs.items()}, len(plan.graph), plan.fields)


@pytest.mark.parametrize("keep", [["b"], ["c", "a"], ["a", "b", "c"]])
def test_restrict_equals_building_only_those_outputs(keep):
    """Oracle: the same module with the other outputs made private (so resolution never builds them)."""
    body = {"a": "rank(delta(close, 5))", "b": "ts_mean(returns, 10) + 5", "c": "rank(5) * ts_sum(open, 3)"}
    full = run_passes(resolve_plan(parse_module("\n".join(f"{n} = {e}" for n, e in body.items()))))
    only = "\n".join(f"{n if n in keep else '_' + n} = {e}" for n, e in body.items())
    restricted = full.restrict(keep)
    assert list(restricted.outputs) == keep
    assert _shape(restricted) == _shape(run_passes(resolve_plan(parse_module(only))))
    assert restricted.derived == full.derived  # what the data may supply is a property of the whole module
