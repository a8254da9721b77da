"""Names that mean a number in every formula: ``nan``, ``true`` and ``false`` (declared once, here).

A user definition or function parameter of the same name shadows them; a data field cannot.

Example:
    >>> NAMED_CONSTANTS["true"], NAMED_CONSTANTS["false"]
    (1.0, 0.0)
"""

from __future__ import annotations

import math

NAMED_CONSTANTS: dict[str, float] = {
    "nan": math.nan,  # a missing value: to_nan-style formulas, ``cond ? x : nan``
    "true": 1.0,  # the language's truth values are 1.0 / 0.0 (comparisons return them too)
    "false": 0.0,
}
