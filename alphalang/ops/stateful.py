"""Stateful, turnover-control operators (trade_when, hump, days_from_last_change, ...): state carried across rows."""

from __future__ import annotations
