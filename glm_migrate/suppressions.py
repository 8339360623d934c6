"""Suppression comments, applied to a module's findings before any fix is.

- `# glm-migrate: ignore` silences every finding on its line; `# glm-migrate: ignore[GLM101, GLM2]`
  only those codes (or prefixes). A comment alone on its line applies to the line below instead.
  Either way it covers the whole statement when the statement starts on that line, so a comment
  on the first line of a multi-line call covers its arguments.
- `# glm-migrate: skip-file` anywhere in a file: the file is neither reported nor changed.

Suppressions that silence nothing are reported (GLM991) so they do not outlive the code they were
written for. Pure: the engine calls `filter_findings` between the rules and the edits.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import partial

import libcst as cst
from libcst.metadata import CodeRange

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules import ALL_RULES
from glm_migrate.rules._base import Finding, Fix
from glm_migrate.rules.unused_suppression import UnusedSuppression

_DIRECTIVE = re.compile(r"#\s*glm-migrate:\s*(?P<kind>ignore|skip-file)\b(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)


@dataclass
class Suppression:
    """One `# glm-migrate: ignore` comment and what it covers."""

    comment: cst.Comment
    #: the EmptyLine (comment alone on its line) or TrailingWhitespace that holds the comment
    holder: cst.EmptyLine | cst.TrailingWhitespace
    #: the line whose findings (and statement) it covers
    target_line: int
    #: codes or prefixes; None = every code
    codes: tuple[str, ...] | None
    #: the directive's text within the comment
    directive: str
    used: set[str] = field(default_factory=set)  #: the codes it silenced (blanket: "*")


@dataclass
class Suppressions:
    """A module's suppression comments."""

    items: list[Suppression]
    skip_file: bool
    #: first line of a statement -> its last line
    statement_ends: dict[int, int]

    def covering(self, finding: Finding, line: int) -> Suppression | None:
        code = finding.rule.CODE
        for suppression in self.items:
            target = suppression.target_line
            if line != target and not (target < line <= self.statement_ends.get(target, target)):
                continue
            if suppression.codes is None:
                suppression.used.add("*")
                return suppression
            matched = next((c for c in suppression.codes if code.startswith(c)), None)
            if matched is not None:
                suppression.used.add(matched)
                return suppression
        return None


class _Collector(cst.CSTVisitor):
    def __init__(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        super().__init__()
        self.positions = positions
        self.suppressions: list[Suppression] = []
        self.skip_file = False
        self.statement_ends: dict[int, int] = {}

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        position = self.positions[node]
        self.statement_ends[position.start.line] = max(
            position.end.line, self.statement_ends.get(position.start.line, 0)
        )

    def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
        if node.comment is not None:
            self._comment(node.comment, node)

    def visit_TrailingWhitespace(self, node: cst.TrailingWhitespace) -> None:
        if node.comment is not None:
            self._comment(node.comment, node)

    def _comment(self, comment: cst.Comment, holder: cst.EmptyLine | cst.TrailingWhitespace) -> None:
        own_line = isinstance(holder, cst.EmptyLine)
        match = _DIRECTIVE.search(comment.value)
        if match is None:
            return
        if match["kind"].lower() == "skip-file":
            self.skip_file = True
            return
        line = self.positions[comment].start.line
        codes = None
        if match["codes"] is not None:
            codes = tuple(c.strip().upper() for c in match["codes"].split(",") if c.strip())
        target = line + 1 if own_line else line
        self.suppressions.append(Suppression(comment, holder, target, codes, match.group()))


def collect(module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange]) -> Suppressions:
    """The suppression comments of a module (`positions` from its MetadataWrapper).

    It walks the whole tree: callers skip it when the source does not mention `glm-migrate`.
    """
    collector = _Collector(positions)
    module.visit(collector)
    return Suppressions(collector.suppressions, collector.skip_file, collector.statement_ends)


def filter_findings(
    findings: list[Finding],
    suppressions: Suppressions,
    positions: Mapping[cst.CSTNode, CodeRange],
    *,
    ran: Collection[str],
) -> list[Finding]:
    """The findings no comment silences, plus one GLM991 finding per unused suppression.

    `ran` holds the codes of the rules that ran: a suppression of a rule that did not run (not
    selected, or ignored) is not unused, it is merely idle.
    """
    if not suppressions.items:
        return findings
    kept = [f for f in findings if suppressions.covering(f, positions[f.node].start.line) is None]
    if UnusedSuppression.CODE not in ran:
        return kept
    for suppression in suppressions.items:
        unused = _unused(suppression, ran)
        if unused is None:
            continue
        message, fix = unused
        applicability = Applicability.MANUAL if fix is None else Applicability.SAFE
        kept.append(
            Finding(UnusedSuppression, suppression.comment, message, UnusedSuppression.SEVERITY, applicability, fix)
        )
    return kept


def _unused(suppression: Suppression, ran: Collection[str]) -> tuple[str, Fix | None] | None:
    """What is unused about a suppression and the fix removing it; None when it is all in use."""
    if suppression.codes is None:
        # A bare `ignore` is only known to be unused when every rule ran (no --select/--ignore).
        if suppression.used or not all(rule.CODE in ran for rule in ALL_RULES):
            return None
        return "Unused suppression `# glm-migrate: ignore`: nothing to silence here", _removal(suppression, ())
    if not suppression.codes:
        return "Suppression `# glm-migrate: ignore[]` names no code", _removal(suppression, ())
    unknown = [c for c in suppression.codes if not any(rule.CODE.startswith(c) for rule in ALL_RULES)]
    if unknown:  # perhaps a typo of a code that is meant: a person decides
        return f"Suppression names unknown rule code(s) {', '.join(unknown)}", None
    unused = [c for c in suppression.codes if c not in suppression.used and any(code.startswith(c) for code in ran)]
    if not unused:
        return None
    kept = tuple(c for c in suppression.codes if c not in unused)
    return f"Unused suppression of {', '.join(unused)}: no such finding here", _removal(suppression, kept)


_FIX_TITLE = "Remove the unused suppression"


def _removal(suppression: Suppression, kept: tuple[str, ...]) -> Fix:
    """Rewrite the directive to the codes still in use, or remove it, and the whole comment when
    the directive was all it held."""
    directive = f"# glm-migrate: ignore[{', '.join(kept)}]" if kept else ""
    rest = suppression.comment.value.replace(suppression.directive, directive, 1).rstrip()
    if rest.strip("# \t"):
        return Fix(((suppression.comment, partial(_set_comment, text=rest)),), _FIX_TITLE)
    return Fix(((suppression.holder, _without_comment),), _FIX_TITLE)


def _set_comment(comment: cst.CSTNode, *, text: str) -> cst.CSTNode:
    assert isinstance(comment, cst.Comment)
    return comment.with_changes(value=text)


def _without_comment(holder: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel:
    if isinstance(holder, cst.EmptyLine):
        return cst.RemovalSentinel.REMOVE
    assert isinstance(holder, cst.TrailingWhitespace)
    return holder.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
