"""The data vocabulary: standard field names and the fields derived when the data lacks them.

A field supplied in the data always wins over its derivation.

Example:
    >>> derivation("adv20", PROFILES["paper"])
    'ts_mean(volume * vwap, 20)'
    >>> derivation("returns", PROFILES["paper"])
    'close / delay(close, 1) - 1'
"""

from __future__ import annotations

import re

from alphalang.passes.profile import PROFILES, Profile

STANDARD_FIELDS = ("open", "high", "low", "close", "volume", "vwap", "cap", "returns")
_ADV = re.compile(r"adv(\d+)$")

__all__ = ["STANDARD_FIELDS", "PROFILES", "derivation", "is_derivable"]


def is_derivable(name: str) -> bool:
    return name in ("returns", "amount") or bool(_ADV.match(name))


def derivation(name: str, profile: Profile) -> str | None:
    """The formula that computes a derived field, or None if ``name`` is not derivable."""
    if name == "returns":
        return "close / delay(close, 1) - 1"
    if name == "amount":  # traded value: vwap is amount / volume by definition
        return "volume * vwap"
    match = _ADV.match(name)
    if match:
        days = int(match.group(1))
        if days < 1:
            return None
        return f"ts_mean(volume, {days})" if profile.adv_in_shares else f"ts_mean(volume * vwap, {days})"
    return None
