"""The `stock` implementation: LibCST's public API only (`parse_module`, `CSTVisitor`,
`MetadataWrapper` with `PositionProvider`, `Module.code`). Slower than `fast`, and what any
LibCST version glm-migrate supports runs on."""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from glm_migrate.cst.common import Parents
from glm_migrate.cst.interface import RecordedPositions

NAME = "stock"


def parse_module(data: str | bytes) -> cst.Module:
    return cst.parse_module(data)


class _Walker(cst.CSTVisitor):
    """LibCST's own visit, passing each node on to `visitor` and noting its parent."""

    def __init__(self, visitor: cst.CSTVisitor, parents: dict[cst.CSTNode, cst.CSTNode] | None) -> None:
        super().__init__()
        self.visitor = visitor
        self.parents = parents
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.parents is not None and self.stack:
            self.parents[node] = self.stack[-1]
        self.stack.append(node)
        return self.visitor.on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        self.visitor.on_leave(original_node)


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor, parents: dict[cst.CSTNode, cst.CSTNode] | None = None) -> None:
    node.visit(_Walker(visitor, parents))


def record_positions(
    module: cst.Module,
    code: str,
    targets: Collection[cst.CSTNode],
    edited: Collection[cst.CSTNode],
    parents: Parents,
) -> RecordedPositions:
    # Every node's position; no splicing: the edits go through one transform of the tree.
    return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider), None, None


#: stands for an expression while the code around it is measured
_PLACEHOLDER = cst.Name("_glm_migrate_placeholder_")


def _expression_holding(node: cst.CSTNode) -> tuple[cst.BaseExpression, cst.BaseExpression, str]:
    """An expression holding `node` as its only item (an argument in a call, ...), the same
    expression without it, and the text after which `node` starts in the latter's code."""
    if isinstance(node, cst.BaseExpression):
        return node, _PLACEHOLDER, ""
    if isinstance(node, cst.Arg):
        return cst.Call(cst.Name("f"), [node]), cst.Call(cst.Name("f")), "f("
    if isinstance(node, cst.BaseDictElement):
        return cst.Dict([node]), cst.Dict([]), "{"
    if isinstance(node, cst.BaseElement):
        return cst.List([node]), cst.List([]), "["
    raise TypeError(f"no code in a block for a {type(node).__name__}")


def code_in_block(node: cst.CSTNode, *, indent_unit: str, newline: str, block_indent: tuple[str, ...]) -> str:
    # The node in an expression statement inside one `if` per block, each indented as given; the
    # code around it is what the same module has around a placeholder, or around no item.
    def generated(expression: cst.BaseExpression) -> str:
        statement: cst.SimpleStatementLine | cst.BaseCompoundStatement = cst.SimpleStatementLine([cst.Expr(expression)])
        for indent in reversed(block_indent):
            statement = cst.If(test=cst.Name("_"), body=cst.IndentedBlock([statement], indent=indent))
        return cst.Module([statement], default_indent=indent_unit, default_newline=newline).code

    holding, without, opening = _expression_holding(node)
    around = generated(without)
    if opening:
        before = around.index(opening) + len(opening)
        after = len(around) - before
    else:
        before = around.index(_PLACEHOLDER.value)
        after = len(around) - before - len(_PLACEHOLDER.value)
    code = generated(holding)
    return code[before : len(code) - after]


def prepare_for_many_files() -> None:
    """Nothing pays here."""
