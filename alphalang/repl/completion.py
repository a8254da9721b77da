"""Completion and signature help for the REPL: operators, fields, ``IndClass.`` levels, session names, commands.

Example:
    >>> from prompt_toolkit.document import Document
    >>> from alphalang.repl.session import Session
    >>> c = AlphaCompleter(Session(demo_days=20, demo_assets=3))
    >>> [x.text for x in c.get_completions(Document("ts_ra"), None)][0]
    'ts_rank'
    >>> [x.text for x in c.get_completions(Document(":sim rank(close) deca"), None)][0]
    'decay='
    >>> [x.text for x in c.get_completions(Document(":dialect q"), None)]
    ['qlib']
    >>> signature_at("ts_rank(close, ", 15).split(":")[0]
    'ts_rank(x, d)'
"""

from __future__ import annotations

import re

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from alphalang.ops import callable_ops, lookup
from alphalang.passes.fields import STANDARD_FIELDS

__all__ = ["AlphaCompleter", "signature_at", "word_before"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]*)?$")
KEYWORDS = ("def", "import")


def word_before(text: str) -> str:
    """The name (or ``IndClass.lev``) being typed at the end of ``text``.

    Example:
        >>> word_before("rank(IndClass.se"), word_before("x + clo"), word_before("x + ")
        ('IndClass.se', 'clo', '')
    """
    match = _WORD.search(text)
    return match.group(0) if match else ""


def _first_line(doc: str) -> str:
    line = doc.strip().splitlines()[0] if doc.strip() else ""
    return line


class AlphaCompleter(Completer):
    """Completes what a researcher types against the registry, the session's data and definitions."""

    def __init__(self, session) -> None:
        from alphalang.ops.registry import all_names

        self.session = session
        self._paths = PathCompleter(expanduser=True)
        self._ops: list[tuple[str, str]] = []
        specs = {s.name: s for s in callable_ops()}
        for name in all_names():
            spec = lookup(name)
            if spec is not None and spec.name in specs and name.isidentifier():
                self._ops.append((name, spec.signature() if name == spec.name else f"= {spec.signature()}"))

    def get_completions(self, document: Document, complete_event: CompleteEvent | None):
        text = document.text_before_cursor
        stripped = text.lstrip()
        if stripped.startswith(":"):
            head, sep, rest = stripped[1:].partition(" ")
            if not sep:
                yield from self._commands(head)
                return
            from alphalang.repl.commands import COMMANDS

            spec = COMMANDS.get(head.lower())
            kind = spec.arg if spec is not None else ""
            if spec is not None and spec.choices:
                typed = rest.lstrip().lower()
                yield from (Completion(c, -len(typed)) for c in spec.choices if c.startswith(typed) and c != typed)
                return
            if kind == "path":
                arg = rest.lstrip()
                yield from self._paths.get_completions(Document(arg, len(arg)), complete_event)
                return
            if kind == "name":
                word = word_before(text)
                yield from self._names(word, fields=False, groups=False)
                return
            if kind == "settings":
                yield from self._settings(text)
            elif kind != "expr":
                return
        word = word_before(text)
        if not word:
            return
        yield from self._names(word)

    def _commands(self, prefix: str):
        from alphalang.repl.commands import COMMANDS

        seen = set()
        for key, spec in COMMANDS.items():
            if key.startswith(prefix.lower()) and spec.name not in seen and key == spec.name:
                seen.add(spec.name)
                yield Completion(key, -len(prefix), display=":" + key, display_meta=spec.help)

    def _settings(self, text: str):
        """``decay=`` ... for a word typed after a space outside any bracket (the settings of ``:sim``)."""
        from alphalang.simulation.settings import SETTINGS

        match = re.search(r"(?:^|\s)(?:--)?([A-Za-z_]*)$", text)
        if match is None or text.count("(") > text.count(")"):
            return
        typed = match.group(1).lower()
        for s in SETTINGS:
            if typed and s.name.startswith(typed):
                yield Completion(f"{s.name}=", -len(typed), display_meta=f"{s.doc} (default {s.default!r})")

    def _names(self, word: str, fields: bool = True, groups: bool = True):
        lower = word.lower()
        if "." in word:
            if groups and lower.startswith("indclass."):
                level = lower.split(".", 1)[1]
                for g in self.session.group_levels():
                    if g.startswith(level):
                        yield Completion(f"IndClass.{g}", -len(word), display_meta="group level")
            return
        seen: set[str] = set()

        def offer(name: str, meta: str):
            if name.lower().startswith(lower) and name.lower() not in seen:
                seen.add(name.lower())
                return Completion(name, -len(word), display_meta=meta)
            return None

        candidates: list[tuple[str, str]] = []
        for name in self.session.defined_names():
            funcs = self.session.functions()
            candidates.append((name, f"def {name}({', '.join(funcs[name].params)})" if name in funcs
                               else "session definition"))
        if fields:
            candidates += [(f, "field") for f in self.session.field_names()]
            candidates += [(f, "field (derived)") for f in STANDARD_FIELDS if f not in self.session.panel.fields]
            candidates.append(("adv20", "field (derived): mean dollar volume"))
        candidates += self._ops
        if groups and self.session.group_levels():
            candidates.append(("IndClass.", "group levels: " + ", ".join(self.session.group_levels())))
        candidates += [(k, "keyword") for k in KEYWORDS]
        for name, meta in candidates:
            completion = offer(name, meta)
            if completion is not None:
                yield completion


def signature_at(text: str, cursor: int | None = None, functions: dict | None = None) -> str | None:
    """Signature and first doc line of the call the cursor is inside, or None.

    ``functions`` maps session function names to their ``FuncDef`` (shown as ``def f(a, b)``).
    """
    cursor = len(text) if cursor is None else cursor
    depth = 0
    i = cursor - 1
    while i >= 0:
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                name = word_before(text[:i].rstrip())
                if not name:
                    return None
                if functions and name.lower() in functions:
                    f = functions[name.lower()]
                    return f"def {f.name}({', '.join(f.params)})"
                spec = lookup(name)
                if spec is None:
                    return None
                return f"{spec.signature()}: {_first_line(spec.doc)}"
            depth -= 1
        i -= 1
    return None
