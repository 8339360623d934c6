"""A read-only walk over a LibCST tree, several times cheaper than LibCST's own `visit`.

LibCST's `visit` rebuilds every node's children even for a read-only visitor; this walk only
reads attributes and calls only the visit_/leave_ methods a visitor defines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import libcst as cst

#: Fields that only hold whitespace, punctuation or comments: nothing a rule resolves lives there.
_SKIPPED_FIELDS = frozenset(
    {
        "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators", "trailing_whitespace",
        "header", "footer", "equal", "colon", "dot", "star", "lbracket", "rbracket", "lbrace", "rbrace",
        "asynchronous", "newline", "operator", "whitespace",
    }
)  # fmt: skip
_Handler = Callable[[cst.CSTVisitor, cst.CSTNode], object] | None
#: visit_<Node>, leave_<Node> (None: LibCST's no-op default) and the fields to walk
_Dispatch = tuple[_Handler, _Handler, tuple[str, ...]]
#: a node with nothing to call and nothing below it: recorded as a child, not walked
_LEAF: _Dispatch = (None, None, ())
#: a field value that is not a node (a string, a sentinel, None); never walked, and its fields
#: differ from _LEAF's so that the two constants stay two objects, told apart by identity
_NOT_A_NODE: _Dispatch = (None, None, ("not a node",))
#: visitor class -> value class -> how to walk it; isinstance() against LibCST's abstract
#: classes is slow, and a walk calls only what a visitor defines
_dispatch: dict[type[cst.CSTVisitor], dict[type, _Dispatch]] = {}


def _handlers(table: dict[type, _Dispatch], visitor: type[cst.CSTVisitor], kind: type) -> _Dispatch:
    """How `visitor` walks a `kind` value, worked out once and kept in `table` (its own)."""
    if not issubclass(kind, cst.CSTNode):
        table[kind] = _NOT_A_NODE
        return _NOT_A_NODE
    name = kind.__name__
    visit = getattr(visitor, f"visit_{name}", None)
    leave = getattr(visitor, f"leave_{name}", None)
    fields = tuple(
        f.name
        for f in dataclasses.fields(kind)
        # text fields (a name's value, a string's quotes) hold no nodes
        if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace") and f.type not in (str, bool)
    )
    found = (
        None if visit is getattr(cst.CSTVisitor, f"visit_{name}", None) else visit,
        None if leave is getattr(cst.CSTVisitor, f"leave_{name}", None) else leave,
        fields,
    )
    table[kind] = found = _LEAF if found == _LEAF else found
    return found


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor, parents: dict[cst.CSTNode, cst.CSTNode] | None = None) -> None:
    """Call `visitor`'s visit_<Node>/leave_<Node> methods over `node`'s tree, skipping whitespace.

    LibCST's own `visit` rebuilds every node's children even for a read-only visitor; this walk
    only reads attributes, which makes the semantic pass several times cheaper. `parents`, if
    given, receives child -> parent for every node visited below `node`.
    """
    visitor_kind = type(visitor)
    table = _dispatch.setdefault(visitor_kind, {})
    _walk(node, table.get(type(node)) or _handlers(table, visitor_kind, type(node)), visitor, table, parents)


def _walk(
    node: cst.CSTNode,
    how: _Dispatch,
    visitor: cst.CSTVisitor,
    table: dict[type, _Dispatch],
    parents: dict[cst.CSTNode, cst.CSTNode] | None,
) -> None:
    """`walk` below a node whose dispatch the caller has looked up already (in `table`, the
    visitor's own)."""
    visit, leave, fields = how
    if visit is None or visit(visitor, node) is not False:
        for field_name in fields:
            value = getattr(node, field_name)
            kind = type(value)
            for item in value if kind is tuple or kind is list else (value,):
                below = table.get(type(item)) or _handlers(table, type(visitor), type(item))
                if below is _NOT_A_NODE:
                    continue
                if parents is not None:
                    parents[item] = node
                if below is not _LEAF:
                    _walk(item, below, visitor, table, parents)
    if leave is not None:
        leave(visitor, node)
