"""Front end: grammar loading, the AST with source spans, parsing and printing."""

from alphalang.syntax.parse import parse_expr, parse_module, parse_repl
from alphalang.syntax.printer import to_text

__all__ = ["parse_expr", "parse_module", "parse_repl", "to_text"]
