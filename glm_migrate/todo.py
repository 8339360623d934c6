"""`--add-todo`: a `# TODO(glm-migrate): CODE message` line above each statement holding a manual finding.

Pure, like the engine that calls it: it only schedules edits. A marker that is already there (same
rule, same statement) is not written again, so re-runs never duplicate markers. GLM990 reports the
markers until a person removes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import libcst as cst
from libcst.metadata import CodeRange

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.rules._base import Finding, NodeEdit
from glm_migrate.rules.todo_marker import MARKER_PREFIX, TodoMarker

#: statements that can carry comment lines above them
_Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


class _Statements(cst.CSTVisitor):
    def __init__(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        super().__init__()
        self.positions = positions
        self.found: list[tuple[CodeRange, cst.SimpleStatementLine | cst.BaseCompoundStatement]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _Statement):
            self.found.append((self.positions[node], node))
        return True


def _contains(outer: CodeRange, inner: CodeRange) -> bool:
    return (outer.start.line, outer.start.column) <= (inner.start.line, inner.start.column) and (
        inner.end.line,
        inner.end.column,
    ) <= (outer.end.line, outer.end.column)


def _size(position: CodeRange) -> tuple[int, int]:
    return (position.end.line - position.start.line, position.end.column - position.start.column)


def marker_text(code: str, message: str) -> str:
    return f"{MARKER_PREFIX} {code} {' '.join(message.split())}"


def _add_marker(statement: cst.CSTNode, *, text: str) -> cst.CSTNode:
    assert isinstance(statement, _Statement)
    line = cst.EmptyLine(indent=True, comment=cst.Comment(text))
    return statement.with_changes(leading_lines=[*statement.leading_lines, line])


def _has_marker(statement: cst.SimpleStatementLine | cst.BaseCompoundStatement, code: str) -> bool:
    prefix = f"{MARKER_PREFIX} {code}"
    return any(line.comment is not None and line.comment.value.startswith(prefix) for line in statement.leading_lines)


def todo_edits(
    module: cst.Module, findings: list[Finding], positions: Mapping[cst.CSTNode, CodeRange]
) -> list[tuple[cst.CSTNode, NodeEdit]]:
    """Edits adding one marker per (statement, rule) for the findings a person must handle."""
    manual = [
        f
        for f in findings
        if f.applicability is Applicability.MANUAL and f.severity is Severity.ERROR and f.rule is not TodoMarker
    ]
    if not manual:
        return []
    collector = _Statements(positions)
    module.visit(collector)
    edits: list[tuple[cst.CSTNode, NodeEdit]] = []
    seen: set[tuple[cst.CSTNode, str]] = set()
    for finding in manual:
        where = positions[finding.node]
        enclosing = [(p, s) for p, s in collector.found if _contains(p, where)]
        if not enclosing:
            continue
        _, statement = min(enclosing, key=lambda item: _size(item[0]))
        code = finding.rule.CODE
        if (statement, code) in seen or _has_marker(statement, code):
            continue
        seen.add((statement, code))
        edits.append((statement, partial(_add_marker, text=marker_text(code, finding.message))))
    return edits
