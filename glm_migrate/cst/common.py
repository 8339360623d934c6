"""What both implementations share: LibCST's public API and CPython's parser only."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

#: node -> its parent, as `walk` records them
Parents = Mapping[cst.CSTNode, cst.CSTNode]


def node_types(*bases: type) -> frozenset[type]:
    """`bases` and every class derived from them. `type(node) in node_types(...)` answers what
    isinstance() does without LibCST's ABCMeta, whose `__instancecheck__` is Python code run for
    every test a node fails; hot paths use it, and `type(node) is Name` for concrete classes."""
    return frozenset({*bases, *(kind for base in bases for kind in node_classes(base))})


def node_classes(base: type[cst.CSTNode]) -> set[type[cst.CSTNode]]:
    found: set[type[cst.CSTNode]] = set()
    for kind in base.__subclasses__():
        found.add(kind)
        found |= node_classes(kind)
    return found


@dataclass(frozen=True)
class Region:
    """Source text that was generated to place nodes: a whole statement, or a compound
    statement's header up to the colon before its body."""

    start: int
    end: int
    indent: str  #: the indentation in force where the statement stands
    header_only: bool
    is_elif: bool

    def standalone(self, text: str) -> str:
        """`text` (this region's, edited) as a module CPython can parse on its own."""
        prefix = f"{self.indent}if 0: pass\n" if self.is_elif else ""
        body = f"{prefix}{text} pass\n" if self.header_only else f"{prefix}{text}\n"
        return f"if 1:\n{body}" if self.indent else body


def parse_with_cpython(code: str | bytes) -> ast.Module:
    """CPython's parse, without the SyntaxWarnings it prints about the user's code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(code)


def block_indents(node: cst.CSTNode, parents: Parents, module: cst.Module) -> list[str]:
    """The indentation in force where `node` stands: one token per enclosing block."""
    tokens: list[str] = []
    current = parents.get(node)
    while current is not None:
        if type(current) is cst.IndentedBlock or type(current) is cst.Match:  # a match indents its cases
            tokens.append(module.default_indent if current.indent is None else current.indent)
        current = parents.get(current)
    return tokens[::-1]
