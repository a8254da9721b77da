"""The surface syntax's operator symbols, derived from the registry (spelling, precedence, associativity).

The parser's grammar, the printer and the hypothesis strategies read these tables; the registry entries in
``alphalang/ops/elementwise.py`` are the only place a symbol or its precedence is written.

Example:
    >>> BINARY_PRECEDENCE["*"] > BINARY_PRECEDENCE["+"] > BINARY_PRECEDENCE["<"], sorted(RIGHT_ASSOC)
    (True, ['^'])
    >>> print(binary_levels_grammar().splitlines()[1])
           | binary "||" binary_1 -> or
"""

from __future__ import annotations

from alphalang.ops import INFIX, PREFIX, lookup

BINARY_PRECEDENCE = {symbol: lookup(name).precedence for symbol, name in INFIX.items()}
PREFIX_PRECEDENCE = {symbol: lookup(name).precedence for symbol, name in PREFIX.items()}
RIGHT_ASSOC = frozenset(symbol for symbol, name in INFIX.items() if lookup(name).right_assoc)
COND_PRECEDENCE = lookup("cond").precedence
ATOM_PRECEDENCE = max(*BINARY_PRECEDENCE.values(), *PREFIX_PRECEDENCE.values()) + 1  # names, calls, numbers


def binary_levels_grammar(equals_compares: bool = False) -> str:
    """Lark rules for the left-associative infix operators: one rule per precedence level, loosest first.

    The rules are ``binary``, ``binary_1``, ...; the tightest level's operands are ``unary`` (the grammar
    file's hand-written prefix and ``^`` rules, which must bind tighter than every generated level).
    ``equals_compares``: a single ``=`` is also ``==`` and a single ``&`` is ``&&`` (the GTJA dialect's spellings).
    """
    left = {s: p for s, p in BINARY_PRECEDENCE.items() if s not in RIGHT_ASSOC}
    prefix, right = PREFIX_PRECEDENCE.values(), [BINARY_PRECEDENCE[s] for s in RIGHT_ASSOC]
    if not max(left.values()) < min(prefix) <= max(prefix) < min(right):
        raise ValueError("the grammar expects: left-associative infix < prefix < right-associative infix")
    levels = sorted(set(left.values()))
    names = ["binary", *(f"binary_{i}" for i in range(1, len(levels))), "unary"]
    rules = []
    for i, level in enumerate(levels):
        rule, operand = names[i], names[i + 1]
        lines = [f"?{rule}: {operand}"]
        lines += [f'       | {rule} "{s}" {operand} -> {INFIX[s]}' for s, p in left.items() if p == level]
        if equals_compares and level == left["=="]:
            lines.append(f'       | {rule} "=" {operand} -> {INFIX["=="]}')
        if equals_compares and level == left["&&"]:  # GTJA writes a single & for "and"
            lines.append(f'       | {rule} "&" {operand} -> {INFIX["&&"]}')
        rules.append("\n".join(lines))
    return "\n".join(rules)
