"""Every composition (``OpSpec.expansion``) computes what its written-out reference function computes.

The expansion is inlined by the checker and evaluated by the reference backend and by numba; its registry
``reference`` is separate numpy code (itself checked against pandas/statistics oracles in tests/reference).
Both backends must agree with it on a panel with NaN runs, ±inf and flat stretches.
"""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.ops import REGISTRY, ArgKind
from alphalang.testing.compare import assert_matches

COMPOSITIONS = sorted(name for name, spec in REGISTRY.items() if spec.expansion is not None and not spec.internal)
SERIES_FIELDS = ("close", "returns", "volume", "open")


def _panel() -> alphalang.Panel:
    panel = alphalang.demo_panel(60, 7, seed=4)
    close = panel["close"]
    close[10:13, 1] = np.nan
    close[20, 2] = np.inf
    close[30:40, 3] = close[30, 3]  # a flat stretch
    panel["returns"][5, 4] = -np.inf
    return panel


def _call(name: str) -> tuple[str, list]:
    """A call of the operator with every parameter given, and the matching reference arguments."""
    spec = REGISTRY[name]
    texts, series, statics = [], [], []
    panel = _panel()
    fields = iter(SERIES_FIELDS)
    for p in spec.params:
        if p.kind is ArgKind.SERIES:
            field = next(fields)
            texts.append(field)
            series.append(panel[field])
        elif p.kind is ArgKind.GROUP:
            texts.append("IndClass.sector")
            series.append(np.broadcast_to(panel.groups["sector"], panel.shape))
        elif p.kind in (ArgKind.WINDOW, ArgKind.LAG):
            texts.append("5")
            statics.append(5)
        elif p.kind in (ArgKind.CHOICE, ArgKind.TEXT):
            texts.append(f'"{p.default}"')
            statics.append(p.default)
        else:
            value = p.default if p.default is not None else 0.5
            texts.append(repr(float(value)))
            statics.append(float(value))
    return f"{name}({', '.join(texts)})", [*series, *statics]


def test_there_are_compositions():
    assert {"ts_av_diff", "ts_scale", "clamp"} <= set(COMPOSITIONS)


@pytest.mark.parametrize("name", COMPOSITIONS)
def test_expansion_equals_written_out_reference(name):
    text, args = _call(name)
    expected = np.asarray(REGISTRY[name].reference(*args), dtype=np.float64)
    got = alphalang.evaluate(text, _panel(), backend="reference")
    assert_matches(got, expected, 1e-12 * np.nan_to_num(np.abs(expected), posinf=0, neginf=0) + 1e-300,
                   1e-12, what=text)


def test_numba_runs_every_expansion_like_the_reference():
    calls = [_call(name)[0] for name in COMPOSITIONS]
    source = "\n".join(f"o{i} = {text}" for i, text in enumerate(calls))
    panel = _panel()
    numba = alphalang.compile(source, backend="numba").run(panel)
    reference = alphalang.compile(source, backend="reference").run(panel)
    for i, text in enumerate(calls):
        assert_matches(numba[f"o{i}"], reference[f"o{i}"], 1e-9, 1e-9, what=text)


def test_errors_in_a_composition_point_at_the_users_text():
    with pytest.raises(alphalang.AlphaError) as err:
        alphalang.compile("x = ts_av_diff(close, 0)", backend="reference")
    assert err.value.span.column == 23 and "window 0" in err.value.message  # the argument, checked at the call
    with pytest.raises(alphalang.AlphaError) as err:
        alphalang.compile("x = ts_av_diff(close)", backend="reference")
    assert err.value.span.column == 5 and "ts_av_diff() takes 2 arguments" in err.value.message
