"""Evaluation profiles: ``paper`` (the normative semantics) and ``pandas-ref`` (parity with the common pandas
references: windows rounded half up, ts_rank in 1..d, adv{d} in shares).

Example:
    >>> PROFILES["paper"].window(6.9), PROFILES["pandas-ref"].window(6.5)
    (6, 7)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from alphalang.errors import AlphaTypeError


@dataclass(frozen=True)
class Profile:
    name: str
    round_windows: bool  # False: floor (paper); True: nearest, halves up
    ts_rank_in_days: bool  # True: ts_rank gives 1..d instead of (0, 1]
    adv_in_shares: bool  # True: adv{d} = ts_mean(volume, d); False: ts_mean(volume * vwap, d)

    def window(self, value: float) -> int:
        return math.floor(value + 0.5) if self.round_windows else math.floor(value)


PROFILES = {
    "paper": Profile("paper", round_windows=False, ts_rank_in_days=False, adv_in_shares=False),
    "pandas-ref": Profile("pandas-ref", round_windows=True, ts_rank_in_days=True, adv_in_shares=True),
}


def get_profile(name: str | Profile) -> Profile:
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise AlphaTypeError(f"unknown profile {name!r}", hint=f"choose one of {', '.join(PROFILES)}") from None
