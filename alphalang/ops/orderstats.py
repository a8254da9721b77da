"""Rolling order statistics (ts_quantile, ts_median, ts_mad, ...): O(log d) per update."""

from __future__ import annotations
