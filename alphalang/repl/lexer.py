"""A pygments lexer for ``.alpha`` text and REPL input, its operator list derived from the registry.

Usable anywhere pygments is: the REPL, rich, Sphinx (``.. code-block:: alpha`` once registered as a plugin).

Example:
    >>> from pygments.token import Name
    >>> [(t, v) for t, v in AlphaLexer().get_tokens("rank(close)") if v.isalpha()]
    [(Token.Name.Builtin, 'rank'), (Token.Name.Variable, 'close')]
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, Text, Whitespace

from alphalang.ops import callable_ops
from alphalang.passes.fields import STANDARD_FIELDS

__all__ = ["AlphaLexer", "operator_names"]


def operator_names() -> list[str]:
    """Every callable operator spelling (canonical names and aliases), longest first."""
    names = set()
    for spec in callable_ops():
        names.add(spec.name)
        names.update(a.lower() for a in spec.aliases)
    return sorted(names, key=lambda n: (-len(n), n))


class AlphaLexer(RegexLexer):
    """Operators (from the registry), fields, ``IndClass.x`` levels, ``def``/``import`` and REPL ``:commands``."""

    name = "alphalang"
    aliases = ["alpha", "alphalang"]
    filenames = ["*.alpha"]
    flags = re.IGNORECASE | re.MULTILINE

    tokens = {
        "root": [
            (r"#.*?$", Comment.Single),
            (r"^(\s*)(:[a-z?]+)", lambda lexer, match: _command(match)),
            (r"\b(def|import)\b", Keyword),
            (r"indclass\.[a-z_][a-z0-9_]*", Name.Namespace),
            (words(operator_names(), suffix=r"\b(?=\s*\()"), Name.Builtin),
            (words(STANDARD_FIELDS, suffix=r"\b"), Name.Variable),
            (r"adv\d+\b", Name.Variable),
            (r"(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", Number),
            (r"[a-z_][a-z0-9_]*", Name),
            (r"(\|\||&&|==|!=|<=|>=|[-+*/^<>!?:=])", Operator),
            (r"[(),]", Punctuation),
            (r"\s+", Whitespace),
            (r".", Text),
        ]
    }


def _command(match: re.Match):
    if match.group(1):
        yield match.start(1), Whitespace, match.group(1)
    yield match.start(2), Keyword.Pseudo, match.group(2)
