"""Missing values: is_nan, ts_backfill, ts_count_nans, to_nan, purify, ..."""

from __future__ import annotations
