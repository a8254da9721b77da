"""Operators defined as compositions of others (OpSpec.expansion), inlined by the checker."""

from __future__ import annotations
