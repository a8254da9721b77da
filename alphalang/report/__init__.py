"""Evaluation reports: PNG plots (matplotlib Agg), one self-contained HTML page, and the numbers as CSV/parquet.

Example:
    >>> import alphalang, tempfile
    >>> from alphalang.evaluation import analyze
    >>> from alphalang.report import write_report
    >>> panel = alphalang.demo_panel(80, 20)
    >>> page = write_report(analyze({"rev": -panel.field("returns")}, panel, horizons=(1,)), tempfile.mkdtemp())
    >>> page.read_text().startswith("<!DOCTYPE html>")
    True
"""

from alphalang.report.write import require_matplotlib, write_numbers, write_report

__all__ = ["require_matplotlib", "write_numbers", "write_report"]
