"""Cross-sectional clean-up: winsorize, normalize, truncate, quantile, cs_* statistics, neutralisation."""

from __future__ import annotations
