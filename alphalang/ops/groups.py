"""Group statistics and groups computed from data (bucket, densify)."""

from __future__ import annotations
