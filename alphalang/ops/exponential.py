"""Exponential smoothing: EMA by span/alpha/half-life, ts_decay_exp_window, GTJA's SMA and WMA."""

from __future__ import annotations
