"""More elementwise math: rounding, trigonometry, sigmoid, BRAIN's operator names."""

from __future__ import annotations
