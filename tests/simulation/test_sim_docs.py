"""docs/simulation.md carries the settings table exactly as ``SETTINGS`` declares it."""

from pathlib import Path

from alphalang.simulation.settings import docs_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulation.md"


def test_settings_table_is_current():
    text = DOC.read_text()
    start = text.index("<!-- settings table")
    body = text[text.index("\n", start) + 1:text.index("<!-- end settings table -->")].strip()
    assert body == docs_table()
