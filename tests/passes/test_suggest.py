"""The one "did you mean" helper, against hand-written expectations for each way it is phrased."""

from __future__ import annotations

import pytest

from alphalang.suggest import suggest


@pytest.mark.parametrize(("name", "candidates", "options", "expected"), [
    ("clsoe", ["close", "open", "volume"], {}, "did you mean 'close'?"),
    ("ts_maen", ["ts_mean", "ts_max", "ts_min", "rank"], {"n": 2}, "did you mean 'ts_mean' or 'ts_min'?"),
    ("hlep", ["help", "quit", "help"], {"n": 1, "show": lambda c: f":{c}"}, "did you mean :help?"),
    ("rnak", ["rank"], {"show": str}, "did you mean rank?"),
    ("zzz", ["close"], {}, None),
])
def test_suggest_phrasing(name, candidates, options, expected):
    assert suggest(name, candidates, **options) == expected


def test_unknown_name_and_command_hints_use_it():
    import alphalang
    from alphalang.errors import AlphaNameError, AlphaSyntaxError
    from alphalang.repl.commands import execute
    from alphalang.repl.session import Session

    with pytest.raises(AlphaNameError) as err:
        alphalang.compile("a = rnak(clsoe)")
    assert err.value.hint == "did you mean 'rank'?"
    with pytest.raises(AlphaSyntaxError) as err:
        execute(Session(demo_days=20, demo_assets=4), ":hlep")
    assert err.value.hint == "did you mean :help? type :help for the list"
