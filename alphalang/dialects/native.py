"""The native dialect: alphalang as documented in docs/operators.md (nothing renamed)."""

from alphalang.dialects import Dialect

DIALECT = Dialect("alphalang", "alphalang's own names (the paper's WorldQuant spelling and the registry's aliases)",
                  paper_overload=True)
