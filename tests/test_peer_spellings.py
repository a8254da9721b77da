"""The docs' peers column reads both the registry's spellings and the dialects' rename tables
(dialects.peer_spellings), so qlib's plain renames (``Mean``, ``IdxMax``, ...) show up there."""

from __future__ import annotations

import pytest

from alphalang.dialects import DIALECTS, peer_spellings
from alphalang.docgen import operators_markdown
from alphalang.ops import lookup


def _rows() -> dict[str, str]:
    rows = {}
    for line in operators_markdown().splitlines():
        if line.startswith("| `") and "(" in line:
            rows[line[3:line.index("(")]] = line.split(" | ")[3]  # operator -> its peers cell
    return rows


ROWS = _rows()


@pytest.mark.parametrize(("op", "peer", "name"), [
    ("ts_mean", "qlib", "Mean"), ("delay", "qlib", "Ref"), ("ts_std", "qlib", "Std"),
    ("ts_rank", "qlib", "Rank"), ("ts_arg_max_days", "brain", "ts_arg_max"), ("ts_arg_max_days", "gtja", "HIGHDAY"),
    ("ts_cov", "gtja", "COVIANCE"), ("max", "qlib", "Greater"),
])
def test_known_spellings_in_the_docs(op, peer, name):
    # hand-picked from qlib's and BRAIN's operator lists and the GTJA report
    assert f"{peer} `{name}`" in ROWS[op]


def test_a_rename_moves_a_spelling():
    # BRAIN's ts_arg_max counts days since the max: never listed under ts_argmax (qlib's 1-based IdxMax)
    assert "brain" not in ROWS["ts_argmax"]


def test_every_rename_onto_an_operator_is_listed_once():
    for dialect in DIALECTS.values():
        for name, target in dialect.renames.items():
            if lookup(target) is not None and target == lookup(target).name:
                cell = ROWS[target]  # listed once, bare or as a signature (brain `max(x, y, ...)`)
                listed = cell.count(f"{dialect.spelled_as} `{name}`") + cell.count(f"{dialect.spelled_as} `{name}(")
                assert listed == 1, (dialect.name, name)
    assert all(len(set(peer_spellings(op))) == len(peer_spellings(op)) for op in ROWS)
