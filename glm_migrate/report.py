"""Rendering of findings, diffs and summaries. Returns renderables and strings; never prints."""

from __future__ import annotations

import functools
import inspect
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from glm_migrate.diagnostics import Applicability, Diagnostic, RuleInfo, Severity, Span
from glm_migrate.results import RunReport, Summary, status
from glm_migrate.textdiff import unified_diff

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

    from glm_migrate.targets import TargetProfile


class Styled:
    """Text in styled pieces: printed as rich Text on a terminal, written as is elsewhere
    (building and rendering rich Text costs more than the whole report is worth in a CI log)."""

    def __init__(self, pieces: Sequence[tuple[str, str]]) -> None:
        self.pieces = tuple(pieces)  #: (text, rich style)

    @property
    def plain(self) -> str:
        """The text as rich writes it where styles do not show."""
        return "".join([text for text, _ in self.pieces])

    def fits(self, width: int) -> bool:
        """Whether rich would write `plain` as it is at this width (text is never wrapped)."""
        return True

    def rich(self) -> RenderableType:
        from rich.text import Text

        return Text.assemble(*self.pieces)


class Columns(Styled):
    """A table: header and rows of cells, each column left- or right-justified. Drawn by rich on a
    terminal; `plain` is the same table in the characters rich draws it with (no outer edge),
    which it writes unchanged where the table fits the width."""

    def __init__(self, header: Sequence[tuple[str, bool]], rows: Sequence[Sequence[str]]) -> None:
        super().__init__(())
        self.header = tuple(header)  #: (title, right-justified)
        self.rows = [tuple(row) for row in rows]

    def _widths(self) -> list[int]:
        return [
            max(len(cell) for cell in column)
            for column in zip(*[[title for title, _ in self.header], *self.rows], strict=True)
        ]

    @property
    def plain(self) -> str:
        widths = self._widths()

        def line(cells: Sequence[str], rule: str) -> str:
            justified = (
                cell.rjust(width) if right else cell.ljust(width)
                for cell, width, (_, right) in zip(cells, widths, self.header, strict=True)
            )
            return rule.join(f" {cell} " for cell in justified)

        head = line([title for title, _ in self.header], "┃")
        separator = "╇".join("━" * (width + 2) for width in widths)
        return "\n".join([head, separator, *(line(row, "│") for row in self.rows)])

    def fits(self, width: int) -> bool:
        return sum(self._widths()) + 3 * len(self.header) - 1 <= width and all(
            cell.isascii()
            for row in self.rows
            for cell in row  # wide characters: rich measures them
        )

    def rich(self) -> Table:
        from rich.table import Table

        table = Table(show_edge=False)
        for title, right in self.header:
            table.add_column(title, justify="right" if right else "left")
        for row in self.rows:
            table.add_row(*row)
        return table


@functools.lru_cache(maxsize=1024)  # a large run repeats the same few messages by the thousand
def _message_pieces(message: str) -> tuple[tuple[str, str], ...]:
    """Backticked code in messages is shown bold (backticks kept for plain output)."""
    return tuple((f"`{part}`", "bold") if index % 2 else (part, "") for index, part in enumerate(message.split("`")))


def _styled_message(message: str) -> Text:
    from rich.text import Text

    return Text.assemble(*_message_pieces(message))


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

    def rich(self) -> Text:
        from rich.text import Text

        return Text.assemble(
            *(
                (f"{line}\n", next((style for prefix, style in _DIFF_STYLES if line.startswith(prefix)), ""))
                for line in self.diff.splitlines()
            )
        )


def summary_table(summary: Summary, *, applied: bool) -> Columns:
    """Findings per rule (rows in code order, each rule's most pressing severity)."""
    header = [("rule", False), ("name", False), ("severity", False), ("fixed" if applied else "fixable", True)]
    return Columns(
        [*header, ("findings", True)],
        [
            (
                code,
                summary.names[code],
                summary.severities[code].value,
                str(summary.fixes[code]),
                str(summary.findings[code]),
            )
            for code in sorted(summary.findings)
        ],
    )


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`, `2 fixes`."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun}" + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def summary_lines(run: RunReport) -> list[Styled]:
    """The one-screen summary a person reads first, printed last: files, fixes done and
    pending, manual work by kind, what is not shown, and the command to run next."""
    summary, unresolved = run.summary, run.summary.unresolved
    applied = run.mode == "apply"
    head = (
        f"{plural(summary.files_scanned, 'file')} scanned, "
        f"{summary.files_changed} {'changed' if applied else 'to change'}, {summary.files_failed} failed"
    )
    skipped = skipped_text(summary.skipped)
    if not summary.findings and not summary.files_failed and not run.baselined:
        return [
            Styled([("glm-migrate: ", "bold"), (f"{head}; nothing to migrate", "")]),
            *([Styled([(f"  {skipped}", "dim")])] if skipped else []),
        ]
    lines = [Styled([("glm-migrate: ", "bold"), (head, "")])]

    def row(label: str, text: str, style: str = "") -> None:
        lines.append(Styled([(f"  {label:<10}", "bold"), (text, style)]))

    if summary.shut_down:
        # first: these calls fail today, whatever the migration
        found = plural(summary.shut_down, "finding")
        row("shut down", f"{found} on OpenAI model ids already shut down: those calls fail today", "bold red")

    done = summary.fixes.total()
    # (a safe fix is left pending only in a file that failed or could not be written)
    pending = [plural(unresolved[state], f"{state} fix") for state in ("safe", "unsafe") if unresolved[state]]
    fixes = f"{done} {'applied' if applied else 'to apply'}" + (f"; pending: {', '.join(pending)}" if pending else "")
    if done or pending:
        row("fixes", fixes + (" (with --unsafe-fixes)" if unresolved["unsafe"] else ""))
    if unresolved["manual"]:
        row("manual", f"{unresolved['manual']} to change by hand:", "red")
        for kind, count in sorted(summary.manual_kinds.items(), key=lambda item: (-item[1], item[0])):
            lines.append(Styled([(f"{'':12}{count:>5}  {kind}", "")]))
    advice = []
    if unresolved["warning"]:
        advice.append(f"{plural(unresolved['warning'], 'warning')} above")
    if unresolved["note"]:
        listed = "listed above" if run.show_advice else "not listed (--show-advice lists notes)"
        advice.append(f"{plural(unresolved['note'], 'note')} {listed}")
    if advice:
        row("advice", "; ".join(advice), "yellow")
    if run.baselined:
        row("baseline", f"{plural(run.baselined, 'finding')} left out: they are in the baseline")
    if skipped:
        lines.append(Styled([(f"  {skipped}", "dim")]))
    lines.append(Styled([("next: ", "bold cyan"), *_next_step(run)]))
    return lines


def _next_step(run: RunReport) -> list[tuple[str, str]]:
    """The command to run next, and why."""
    unresolved = run.summary.unresolved
    paths = shlex.join(run.paths) if run.paths else "."
    if run.summary.files_failed:
        return [("fix what stopped the failed files (errors above), then run again", "")]
    if run.mode != "apply" and run.summary.fixes.total():
        return [(f"glm-migrate {paths}", "bold"), ("  (applies the fixes shown)", "")]
    if unresolved["unsafe"]:
        return [
            (f"glm-migrate {paths} --unsafe-fixes --dry-run", "bold"),
            (f"  (shows the {plural(unresolved['unsafe'], 'unsafe fix')}: review, then apply without --dry-run)", ""),
        ]
    if unresolved["manual"]:
        return [
            ("change the manual items by hand, then ", ""),
            (f"glm-migrate {paths} --check", "bold"),
            ("  (--add-todo marks them in the code)", ""),
        ]
    return [(f"glm-migrate {paths} --check", "bold"), ("  (in CI: keeps the code migrated)", "")]


_SKIPPED_LABELS = (
    ("ignored_files", "file", "ignored by git"),
    ("ignored_dirs", "folder", "ignored by git"),
    ("excluded_dirs", "folder", "excluded by default"),
    ("excluded_files", "file", "excluded"),
    ("data_files", "data file", "(--include scans them)"),
)


def skipped_text(skipped: dict[str, int]) -> str | None:
    """`skipped: 3 files ignored by git, 2 folders excluded by default, ...`, or None."""
    parts = [f"{plural(count, noun)} {why}" for key, noun, why in _SKIPPED_LABELS if (count := skipped.get(key, 0))]
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
        "shut_down": diagnostic.shut_down,
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


def fix_label(rule: RuleInfo) -> str:
    """`safe fix: <title>` (or unsafe), or `no automatic fix`, for a rule's documentation."""
    return f"{rule.APPLICABILITY.value} fix: {rule.FIX_TITLE}" if rule.FIX_TITLE else "no automatic fix"


def explain_document(rule: RuleInfo, profile: TargetProfile) -> str:
    """What --explain shows: the rule's code, name, summary, severity and fix, its docs, then the
    target model it migrates to."""
    header = f"# {rule.CODE} {rule.NAME}\n\n{rule.SUMMARY}. Severity: {rule.SEVERITY.value}; {fix_label(rule)}.\n\n"
    target = (
        f"\n\n## Target\n{profile.display} (profile dated {profile.source_date}; `--explain {profile.name}` shows it)."
    )
    return header + inspect.cleandoc(rule.__doc__ or "") + target


def rules_table(rules: Sequence[RuleInfo]) -> Table:
    from rich.table import Table

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


def rules_lines(rules: Sequence[RuleInfo]) -> list[str]:
    """The rules as plain lines, for a pipe: `CODE  name  severity  fix  summary`."""
    width = max(len(rule.NAME) for rule in rules)
    return [
        f"{rule.CODE}  {rule.NAME:<{width}}  {rule.SEVERITY.value:<7}  "
        f"{rule.APPLICABILITY.value if rule.FIX_TITLE else 'none':<6}  {rule.SUMMARY}"
        for rule in rules
    ]


def failed_files(run: RunReport) -> list[Styled]:
    """`error: path: why` for each file the run could not process (keys in the reason masked)."""
    from glm_migrate.redaction import redact

    if not run.summary.files_failed:
        return []  # the reports are not read again: they may be read back from a spool file
    return [
        Styled([("error:", "bold red"), (f" {report.path}: {redact(report.error, run.secrets)}", "")])
        for report in run.reports
        if report.error
    ]


def text_report(run: RunReport, *, with_summary: bool = True) -> Iterator[Styled]:
    """The text format: each finding (notes only with --show-advice), the diffs of a dry run,
    then the findings per rule and the summary (one piece at a time: a large run's report is
    written as it is made, never held whole)."""
    from glm_migrate.redaction import redact

    for report in run.reports:
        for diagnostic in report.diagnostics:
            if diagnostic.severity is Severity.NOTE and not run.show_advice:
                continue
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
    if not with_summary:
        if run.baselined:
            yield Styled([(f"{plural(run.baselined, 'finding')} left out: they are in the baseline", "")])
        return
    if run.summary.findings:
        yield Styled([])
        yield summary_table(run.summary, applied=run.mode == "apply")
    yield Styled([])
    yield from summary_lines(run)
