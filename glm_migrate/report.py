"""Rendering of findings, diffs and summaries. Returns renderables and strings; never prints."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from glm_migrate.diagnostics import Applicability, Diagnostic, Severity, Span
from glm_migrate.runner import FileReport
from glm_migrate.textdiff import unified_diff

if TYPE_CHECKING:
    from glm_migrate.formats import RunReport


def status(diagnostic: Diagnostic, *, dry_run: bool = False) -> str:
    """Fix status in one word: fixed, fix (pending safe fix), unsafe-fix, manual or advice.

    In a dry run a fix present in the output is pending: nothing was written.
    """
    if diagnostic.applied:
        return "fix" if dry_run else "fixed"
    if diagnostic.applicability is Applicability.SAFE:
        return "fix"
    if diagnostic.applicability is Applicability.UNSAFE:
        return "unsafe-fix"
    return "manual" if diagnostic.severity is Severity.ERROR else "advice"


class Styled:
    """Text in styled pieces: printed as rich Text on a terminal, written as is elsewhere
    (building and rendering rich Text costs more than the whole report is worth in a CI log)."""

    def __init__(self, pieces: Sequence[tuple[str, str]]) -> None:
        self.pieces = tuple(pieces)  #: (text, rich style)

    @property
    def plain(self) -> str:
        return "".join([text for text, _ in self.pieces])

    def text(self) -> Text:
        return Text.assemble(*self.pieces)


@functools.lru_cache(maxsize=1024)  # a large run repeats the same few messages by the thousand
def _message_pieces(message: str) -> tuple[tuple[str, str], ...]:
    """Backticked code in messages is shown bold (backticks kept for plain output)."""
    return tuple((f"`{part}`", "bold") if index % 2 else (part, "") for index, part in enumerate(message.split("`")))


def _styled_message(message: str) -> Text:
    return Styled(_message_pieces(message)).text()


def location(path: Path | str, diagnostic: Diagnostic) -> str:
    """`path:line:col`, or `nb.ipynb:cell 4:12:5` in a notebook."""
    return f"{where(path, diagnostic)}:{diagnostic.span.line}:{diagnostic.span.column}"


def where(path: Path | str, diagnostic: Diagnostic) -> str:
    """The file a finding is in, with the cell for notebooks (`nb.ipynb:cell 4`)."""
    return f"{path}:cell {diagnostic.cell}" if diagnostic.cell is not None else str(path)


def finding_text(path: Path | str, diagnostic: Diagnostic, *, dry_run: bool = False) -> Styled:
    """`path:line:col CODE [status] message`, then a `help:` line for a pending fix."""
    severity_style = "red" if diagnostic.severity is Severity.ERROR else "yellow"
    state = status(diagnostic, dry_run=dry_run)
    pieces = [
        (location(path, diagnostic), "bold"),
        (" ", ""),
        (diagnostic.code, f"bold {severity_style}"),
        (" ", ""),
        (f"[{state}]", "green" if state == "fixed" else severity_style),
        (" ", ""),
        *_message_pieces(diagnostic.message),
    ]
    if diagnostic.fix_title and state != "fixed":
        pieces += [("\n  help: ", "cyan"), *_message_pieces(diagnostic.fix_title)]
        if diagnostic.applicability is Applicability.UNSAFE:
            pieces.append((" (with --unsafe-fixes)", "dim"))
    return Styled(pieces)


_DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


class StyledDiff(Styled):
    """A unified diff (see `textdiff.unified_diff`), coloured line by line only when shown so."""

    def __init__(self, diff: str) -> None:
        super().__init__(())
        self.diff = diff

    @property
    def plain(self) -> str:
        lines = self.diff.splitlines()
        return "\n".join(lines) + "\n" if lines else ""

    def text(self) -> Text:
        return Text.assemble(
            *(
                (f"{line}\n", next((style for prefix, style in _DIFF_STYLES if line.startswith(prefix)), ""))
                for line in self.diff.splitlines()
            )
        )


@dataclass
class Summary:
    """Counts over a whole run, built incrementally so reports need not be kept."""

    files_scanned: int = 0
    files_changed: int = 0
    files_failed: int = 0
    fixes: Counter[str] = field(default_factory=Counter)  #: applied (or, in a dry run, applicable)
    findings: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    severities: dict[str, Severity] = field(default_factory=dict)
    #: what discovery left out, by reason (see `discovery.Discovery.skipped`)
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, report: FileReport) -> None:
        self.files_scanned += 1
        self.files_changed += report.changed
        self.files_failed += report.error is not None
        for diagnostic in report.diagnostics:
            self.findings[diagnostic.code] += 1
            self.names[diagnostic.code] = diagnostic.rule
            self.severities[diagnostic.code] = diagnostic.severity
            if diagnostic.applied:
                self.fixes[diagnostic.code] += 1


def summary_table(summary: Summary, *, applied: bool) -> Table:
    verb = "changed" if applied else "to change"
    table = Table(title="glm-migrate summary", show_edge=False, title_justify="left")
    table.add_column("rule")
    table.add_column("name")
    table.add_column("severity")
    table.add_column("fixed" if applied else "fixable", justify="right")
    table.add_column("findings", justify="right")
    for code in sorted(summary.findings):
        table.add_row(
            code,
            summary.names[code],
            summary.severities[code].value,
            str(summary.fixes[code]),
            str(summary.findings[code]),
        )
    table.caption = (
        f"{summary.files_scanned} files scanned, {summary.files_changed} {verb}, {summary.files_failed} failed"
    )
    skipped = skipped_text(summary.skipped)
    if skipped:
        table.caption += f"\n{skipped}"
    table.caption_justify = "left"
    return table


_SKIPPED_LABELS = (
    ("ignored_files", "file", "ignored by git"),
    ("ignored_dirs", "folder", "ignored by git"),
    ("excluded_dirs", "folder", "excluded by default"),
    ("excluded_files", "file", "excluded"),
    ("data_files", "data file", "(--include scans them)"),
)


def skipped_text(skipped: dict[str, int]) -> str | None:
    """`skipped: 3 files ignored by git, 2 folders excluded by default, ...`, or None."""
    parts = [
        f"{count} {noun}{'' if count == 1 else 's'} {why}"
        for key, noun, why in _SKIPPED_LABELS
        if (count := skipped.get(key, 0))
    ]
    return f"skipped: {', '.join(parts)}" if parts else None


def diagnostic_dict(path: Path | str, diagnostic: Diagnostic, *, dry_run: bool = False) -> dict[str, object]:
    span = diagnostic.span
    return {
        "path": str(path),
        "code": diagnostic.code,
        "rule": diagnostic.rule,
        "message": diagnostic.message,
        "severity": diagnostic.severity.value,
        "status": status(diagnostic, dry_run=dry_run),
        "applicability": diagnostic.applicability.value,
        "applied": diagnostic.applied and not dry_run,
        "fix_title": diagnostic.fix_title,
        "span": _span_dict(diagnostic.position),  # in a notebook: in the .ipynb file
        "cell": diagnostic.cell,
        "cell_id": diagnostic.cell_id,
        "cell_span": _span_dict(span) if diagnostic.cell is not None else None,
        "edit": (
            None
            if diagnostic.edit is None
            else {
                "span": _span_dict(diagnostic.edit.span),
                "replacement": diagnostic.edit.replacement,
            }
        ),
    }


def _span_dict(span: Span) -> dict[str, int]:
    return {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}


class RuleInfo(Protocol):
    """What --list-rules shows: code rules (Rule classes) and configuration-file rules alike."""

    @property
    def CODE(self) -> str: ...
    @property
    def NAME(self) -> str: ...
    @property
    def SUMMARY(self) -> str: ...
    @property
    def FIX_TITLE(self) -> str | None: ...
    @property
    def APPLICABILITY(self) -> Applicability: ...
    @property
    def SEVERITY(self) -> Severity: ...


def fix_label(rule: RuleInfo) -> str:
    """`safe fix: <title>` (or unsafe), or `no automatic fix`, for a rule's documentation."""
    return f"{rule.APPLICABILITY.value} fix: {rule.FIX_TITLE}" if rule.FIX_TITLE else "no automatic fix"


def rules_table(rules: Sequence[RuleInfo]) -> Table:
    table = Table(show_edge=False)
    table.add_column("code")
    table.add_column("name")
    table.add_column("severity")
    table.add_column("fix")
    table.add_column("summary")
    for rule in rules:
        fix = rule.APPLICABILITY.value if rule.FIX_TITLE else "none"
        table.add_row(rule.CODE, rule.NAME, rule.SEVERITY.value, fix, _styled_message(rule.SUMMARY))
    return table


def text_report(run: RunReport, *, with_summary: bool = True) -> Iterator[Styled | RenderableType]:
    """The text format: each finding, the diffs of a dry run, then the summary table (one piece
    at a time: a large run's report is written as it is made, never held whole)."""
    from glm_migrate.redaction import redact

    for report in run.reports:
        for diagnostic in report.diagnostics:
            if run.secrets:
                # messages never quote a key today; masking here keeps it so for every future rule
                title = diagnostic.fix_title and redact(diagnostic.fix_title, run.secrets)
                diagnostic = replace(diagnostic, message=redact(diagnostic.message, run.secrets), fix_title=title)
            yield finding_text(report.path, diagnostic, dry_run=run.dry_run)
        if run.mode == "dry-run" and report.changed:
            assert report.source is not None and report.output is not None
            # A notebook's diff is shown per changed cell, in its source, not in its JSON.
            diffs = [unified_diff(f"{report.path}:cell {n}", old, new) for n, old, new in report.cells] or [
                report.diff if report.diff is not None else unified_diff(report.path, report.source, report.output)
            ]
            for diff in diffs:
                # the diff is the one place original source is shown: keys in it are masked
                yield StyledDiff(redact(diff, run.secrets))
    if run.baselined:
        yield Styled([(f"{run.baselined} finding(s) left out: they are in the baseline", "")])
    if with_summary:
        yield Styled([])
        yield summary_table(run.summary, applied=run.mode == "apply")
