"""Regression over time: ts_regression with BRAIN's return types (GTJA REGBETA/REGRESI)."""

from __future__ import annotations
