"""Data layer: the Panel, readers/writers for parquet and CSV, and a synthetic demo market.

Example:
    >>> from alphalang.data import demo_panel
    >>> demo_panel(30, 4).shape
    (30, 4)
"""

from alphalang.data.demo import demo_panel
from alphalang.data.io import load_panel, read_csv, read_parquet, write_csv, write_parquet
from alphalang.data.panel import Panel, as_panel

__all__ = ["Panel", "as_panel", "demo_panel", "load_panel", "read_csv", "read_parquet", "write_csv", "write_parquet"]
