"""Fixes inside an f-string's braces: before Python 3.12 a string there may use neither the
f-string's own quote nor a backslash. Rules write new string literals with double quotes; here
each one a fix puts inside `f"..."` takes the other quote, and a fix whose literal cannot (it
holds both quotes or a backslash, is triple-quoted, or nested f-strings leave no quote free) is
left to a person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import libcst as cst

from glm_migrate.cst.common import Parents, node_types
from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Finding, NodeEdit

_PREFIX_LETTERS = "rRbBuUfF"
_STATEMENTS = node_types(cst.BaseStatement, cst.BaseSmallStatement, cst.Module, cst.IndentedBlock)


def fit_fixes_to_f_strings(findings: Sequence[Finding], parents: Parents) -> None:
    """Requote the new literals of every fix that edits inside an f-string (in place); a fix
    that cannot be requoted becomes a manual finding that says why."""
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        edits: list[tuple[cst.CSTNode, NodeEdit]] = []
        #: each edited node as the fix's edits so far leave it (they apply in order)
        edited: dict[cst.CSTNode, cst.CSTNode] = {}
        for node, edit in fix.edits:
            forbidden = _forbidden_quotes(node, parents)
            if forbidden:
                requoter = _Requoter(forbidden)
                new = edit(edited.get(node, node))
                visited = new.visit(requoter) if isinstance(new, cst.CSTNode) else None
                if isinstance(visited, cst.CSTNode):
                    edited[node] = visited
                if requoter.impossible:
                    finding.fix, finding.applicability = None, Applicability.MANUAL
                    finding.message += (
                        "; not fixed automatically: the new text goes inside an f-string's braces, where"
                        " a string may use neither the f-string's quote nor a backslash before Python 3.12"
                    )
                    break
                edit = partial(_requoted, edit, forbidden)
            edits.append((node, edit))
        else:
            if edited:  # some edit is inside an f-string
                finding.fix = replace(fix, edits=tuple(edits))


def enclosing_f_strings(node: cst.CSTNode, parents: Parents) -> list[cst.FormattedString]:
    """The f-strings `node` is inside, innermost first, within its statement."""
    found: list[cst.FormattedString] = []
    current = parents.get(node)
    while current is not None and type(current) not in _STATEMENTS:
        if type(current) is cst.FormattedString:
            found.append(current)
        current = parents.get(current)
    return found


def _forbidden_quotes(node: cst.CSTNode, parents: Parents) -> frozenset[str]:
    """The quote characters of the single-quoted f-strings `node` is inside."""
    quotes = (f_string.start.lstrip(_PREFIX_LETTERS) for f_string in enclosing_f_strings(node, parents))
    # inside `f"""..."""` a lone `"` does not end the string
    return frozenset(quote for quote in quotes if len(quote) == 1)


def _requoted(
    edit: NodeEdit, forbidden: frozenset[str], node: cst.CSTNode
) -> cst.CSTNode | cst.FlattenSentinel[Any] | cst.RemovalSentinel:
    new = edit(node)
    return new.visit(_Requoter(forbidden)) if isinstance(new, cst.CSTNode) else new


class _Requoter(cst.CSTTransformer):
    """Gives each string literal that uses a forbidden quote the other one, where it can."""

    def __init__(self, forbidden: frozenset[str]) -> None:
        super().__init__()
        self.forbidden = forbidden
        self.impossible = False

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        value = updated_node.value
        prefix = value[: len(value) - len(value.lstrip(_PREFIX_LETTERS))]
        quote = value[len(prefix)]
        body = value[len(prefix) + 1 : -1]
        if "\\" in body:
            self.impossible = True
            return updated_node
        if quote not in self.forbidden:
            return updated_node
        other = "'" if quote == '"' else '"'
        triple = value[len(prefix) :].startswith(quote * 3)
        if triple or other in self.forbidden or other in body:
            self.impossible = True
            return updated_node
        return updated_node.with_changes(value=f"{prefix}{other}{body}{other}")
