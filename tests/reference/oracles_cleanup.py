"""Independent oracles for the cleanup operators (registered into ``ref_oracles.ORACLES``)."""

from __future__ import annotations

from ref_oracles import oracle  # noqa: F401
