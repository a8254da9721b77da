"""Depth-independent tree walks: every traversal of the AST, the parse tree and the IR goes through these, so a
formula's nesting depth is bounded by memory (and the parser's ``MAX_DEPTH``), never by Python's recursion limit.

Example:
    >>> render(3, lambda n: ["0"] if n == 0 else ["(", n - 1, " + 1)"])
    '(((0 + 1) + 1) + 1)'
    >>> [n for n in postorder(2, lambda n: [n - 1] if n else [])]
    [0, 1, 2]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def render(root: object, expand: Callable[[object], Sequence[object]], limit: int | None = None) -> str:
    """The text of a tree: ``expand(node)`` lists its pieces in order, strings as they are, anything else is a
    node expanded in turn. With ``limit``, stops once more than ``limit`` characters are out (work O(limit) when
    every expansion writes at least one character); the caller clips.
    """
    out: list[str] = []
    size = 0
    stack = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            size += len(item)
            if limit is not None and size > limit:
                break
        else:
            stack.extend(reversed(expand(item)))
    return "".join(out)


def postorder(root: T, children: Callable[[T], Sequence[T]]) -> Iterator[T]:
    """Every node of a tree, children (in order) before their parent; a node reached twice is yielded twice."""
    stack: list[tuple[T, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            yield node
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children(node)))


def fold_tree(root: T, children: Callable[[T], Sequence[T]], combine: Callable[[T, list], object]) -> object:
    """Bottom-up evaluation: ``combine(node, [results of its children])`` for every node, the root's result last.

    Example: the depth of a tree.
        >>> fold_tree(3, lambda n: [n - 1] if n else [], lambda n, kids: 1 + max(kids, default=0))
        4
    """
    results: list = []
    for node in postorder(root, children):
        count = len(children(node))
        kids = results[len(results) - count:] if count else []
        del results[len(results) - count:]
        results.append(combine(node, kids))
    return results[0]
