"""Machine and CI report formats: json, github, sarif, markdown, junit, gitlab and statistics.

Every function returns text and never prints (cli.py does). `render` masks hard-coded keys in the
finished document, so no format can leak one, whatever field it ends up in.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from glm_migrate import __version__
from glm_migrate.baseline import fingerprint, snippet
from glm_migrate.config import FORMATS as FORMATS
from glm_migrate.diagnostics import Applicability, Diagnostic, Edit, RuleInfo, Severity, Span
from glm_migrate.redaction import redact
from glm_migrate.report import diagnostic_dict, fix_label, location, plural, where
from glm_migrate.results import FileReport, RunReport, status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(output_format: str, run: RunReport, *, statistics: bool = False) -> str:
    if statistics and output_format in ("text", "json"):
        document = statistics_json(run) if output_format == "json" else statistics_text(run)
    else:
        document = _RENDERERS[output_format](run)
    return redact(document, run.secrets)


def _uri(path: Path) -> str:
    if path.is_absolute():
        return path.as_uri()
    return quote(PurePosixPath(path.as_posix()).as_posix())


#: the formats that fingerprint findings (`_finding_fingerprint`): they read each file's source
FINGERPRINT_FORMATS = frozenset({"json", "sarif", "gitlab"})


def _finding_fingerprint(report: FileReport, diagnostic: Diagnostic, secrets: frozenset[str]) -> str | None:
    if report.source is None:
        return None
    return fingerprint(diagnostic.code, snippet(report.source, diagnostic, secrets))


def shareable_edit(diagnostic: Diagnostic, secrets: frozenset[str]) -> Edit | None:
    """The finding's edit, unless its replacement would carry a hard-coded key.

    A masked key in a replacement would break the code of whoever applies it, so such an edit is
    withheld rather than redacted (the fix is still applied by glm-migrate itself).
    """
    edit = diagnostic.edit
    if edit is None or redact(edit.replacement, secrets) != edit.replacement:
        return None
    return edit


WITHHELD = "withheld: the replacement contains a hard-coded key"


# json -----------------------------------------------------------------------------------------


def json_document(run: RunReport) -> str:
    files: list[dict[str, object]] = []
    for report in run.reports:
        diagnostics = []
        for diagnostic in report.diagnostics:
            item = diagnostic_dict(report.path, diagnostic, dry_run=run.dry_run)
            item["blocking"] = run.blocking(diagnostic)
            item["fingerprint"] = _finding_fingerprint(report, diagnostic, run.secrets)
            if diagnostic.edit is not None and shareable_edit(diagnostic, run.secrets) is None:
                item["edit"] = None
                item["edit_withheld"] = WITHHELD
            diagnostics.append(item)
        files.append(
            {"path": str(report.path), "changed": report.changed, "error": report.error, "diagnostics": diagnostics}
        )
    summary = run.summary
    document = {
        "tool": {"name": "glm-migrate", "version": __version__},
        "mode": run.mode,
        "summary": {
            "files_scanned": summary.files_scanned,
            "files_changed": summary.files_changed,
            "files_failed": summary.files_failed,
            "files_skipped": summary.skipped,
            "findings": dict(sorted(summary.findings.items())),
            "fixes": dict(sorted(summary.fixes.items())),
            "blocking": sum(run.blocking(d) for _, d in run.findings()),
            "baselined": run.baselined,
        },
        "files": files,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


# statistics -----------------------------------------------------------------------------------


@dataclass
class RuleCount:
    code: str
    name: str
    count: int = 0
    fixed: int = 0  #: applied (apply mode)
    fixable: int = 0  #: a fix is pending (safe, or unsafe without --unsafe-fixes)
    manual: int = 0
    advice: int = 0


def rule_counts(run: RunReport) -> list[RuleCount]:
    counts: dict[str, RuleCount] = {}
    for _, diagnostic in run.findings():
        row = counts.setdefault(diagnostic.code, RuleCount(diagnostic.code, diagnostic.rule))
        row.count += 1
        state = status(diagnostic, dry_run=run.dry_run)
        if state == "fixed":
            row.fixed += 1
        elif state in ("fix", "unsafe-fix"):
            row.fixable += 1
        elif state == "manual":
            row.manual += 1
        else:
            row.advice += 1
    return [counts[code] for code in sorted(counts, key=lambda c: (-counts[c].count, c))]


def statistics_text(run: RunReport) -> str:
    rows = rule_counts(run)
    lines = [f"{r.count:>6}  {r.code}  {r.name:<28} {_fix_label(r)}".rstrip() for r in rows]
    total = sum(r.count for r in rows)
    lines.append(f"{total:>6}  findings in {plural(run.summary.files_scanned, 'file')}")
    return "\n".join(lines)


def _fix_label(row: RuleCount) -> str:
    parts = [f"{n} {label}" for n, label in ((row.fixed, "fixed"), (row.fixable, "fixable")) if n]
    return f"[{', '.join(parts)}]" if parts else ""


def statistics_json(run: RunReport) -> str:
    return json.dumps(
        [
            {
                "code": r.code,
                "name": r.name,
                "count": r.count,
                "fixed": r.fixed,
                "fixable": r.fixable,
                "manual": r.manual,
                "advice": r.advice,
            }
            for r in rule_counts(run)
        ],
        indent=2,
    )


# github ---------------------------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(run: RunReport) -> str:
    """GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding."""
    lines: list[str] = []
    for report in run.reports:
        if report.error:
            lines.append(
                f"::error file={_escape_property(str(report.path))},title=glm-migrate::{_escape_data(report.error)}"
            )
        for diagnostic in report.diagnostics:
            span = diagnostic.position  # in a notebook: the line of the .ipynb, so annotations land there
            state = status(diagnostic, dry_run=run.dry_run)
            command = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(diagnostic.severity, "notice")
            if state == "fixed":
                command = "notice"
            message = f"{diagnostic.message} [{state}]"
            if diagnostic.fix_title and state != "fixed":
                message += f"\nhelp: {diagnostic.fix_title}"
            properties = ",".join(
                f"{key}={_escape_property(value)}"
                for key, value in (
                    ("file", str(report.path)),
                    ("line", str(span.line)),
                    ("col", str(span.column)),
                    ("endLine", str(span.end_line)),
                    ("endColumn", str(span.end_column)),
                    ("title", _in_cell(diagnostic, f"{diagnostic.code} {diagnostic.rule}")),
                )
            )
            lines.append(f"::{command} {properties}::{_escape_data(message)}")
    return "\n".join(lines)


# sarif ----------------------------------------------------------------------------------------


def _level(severity: Severity) -> str:
    return severity.value  # SARIF's levels: error, warning, note


def _what_it_does(rule: RuleInfo) -> str:
    doc = inspect.cleandoc(rule.__doc__ or "")
    section = doc.split("## What it does", 1)[-1].split("\n## ", 1)[0]
    return " ".join(section.split())


def sarif_rule(rule: RuleInfo) -> dict[str, object]:
    doc = inspect.cleandoc(rule.__doc__ or "")
    fix = fix_label(rule)
    return {
        "id": rule.CODE,
        "name": rule.NAME,
        "shortDescription": {"text": rule.SUMMARY},
        "fullDescription": {"text": _what_it_does(rule)},
        "help": {"text": f"{rule.SUMMARY} ({fix}).\n\n{doc}", "markdown": f"**{rule.SUMMARY}** ({fix}).\n\n{doc}"},
        "defaultConfiguration": {"level": _level(rule.SEVERITY)},
        "properties": {
            "fixable": rule.FIX_TITLE is not None,
            "applicability": rule.APPLICABILITY.value if rule.FIX_TITLE else "manual",
            "tags": ["migration", "openai", "glm"],
        },
    }


def _region(span: Span) -> dict[str, int]:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}


def sarif_log(run: RunReport) -> str:
    """SARIF 2.1.0: rule metadata from the registry (code and configuration-file rules); pending fixes as `fixes` with the edit."""
    from glm_migrate.rules import REGISTRY

    index = {rule.CODE: position for position, rule in enumerate(REGISTRY)}
    results: list[dict[str, object]] = []
    notifications: list[dict[str, object]] = []
    for report in run.reports:
        artifact = {"uri": _uri(report.path), "uriBaseId": "%SRCROOT%"}
        location = {"physicalLocation": {"artifactLocation": artifact}}
        if report.error:
            notifications.append({"level": "error", "message": {"text": report.error}, "locations": [location]})
        for diagnostic in report.diagnostics:
            state = status(diagnostic, dry_run=run.dry_run)
            properties: dict[str, object] = {"status": state, "applicability": diagnostic.applicability.value}
            if diagnostic.cell is not None:  # the region is in the .ipynb; these say where in the cell
                properties["notebookCell"] = diagnostic.cell
                properties["notebookCellLine"] = diagnostic.span.line
                properties["notebookCellColumn"] = diagnostic.span.column
                if diagnostic.cell_id is not None:
                    properties["notebookCellId"] = diagnostic.cell_id
            if diagnostic.fix_title and state != "fixed":
                properties["fixTitle"] = diagnostic.fix_title
            result: dict[str, object] = {
                "ruleId": diagnostic.code,
                "message": {"text": _in_cell(diagnostic, diagnostic.message)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact,
                            "region": _region(diagnostic.position),
                        }
                    }
                ],
                "properties": properties,
            }
            if diagnostic.code in index:
                result["ruleIndex"] = index[diagnostic.code]
            if state == "fixed":  # done in this run: a pass, not a problem
                result.update(kind="pass", level="none")
            else:
                result["level"] = _level(diagnostic.severity)
            digest = _finding_fingerprint(report, diagnostic, run.secrets)
            if digest is not None:
                result["partialFingerprints"] = {"glmMigrate/v1": digest}
            edit = shareable_edit(diagnostic, run.secrets)
            if state in ("fix", "unsafe-fix") and edit is not None:
                result["fixes"] = [
                    {
                        "description": {"text": diagnostic.fix_title or "Apply the fix"},
                        "artifactChanges": [
                            {
                                "artifactLocation": artifact,
                                "replacements": [
                                    {
                                        "deletedRegion": _region(edit.span),
                                        "insertedContent": {"text": edit.replacement},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "glm-migrate",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [sarif_rule(rule) for rule in REGISTRY],
                    }
                },
                "invocations": [
                    {"executionSuccessful": run.summary.files_failed == 0, "toolExecutionNotifications": notifications}
                ],
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


# markdown -------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text for a markdown table cell or list item: pipes escaped, one line."""
    return " ".join(text.replace("|", "\\|").split())


def _in_cell(diagnostic: Diagnostic, text: str) -> str:
    """Notebook findings say which cell, and which line of it, they are in."""
    if diagnostic.cell is None:
        return text
    return f"{text} (cell {diagnostic.cell}, line {diagnostic.span.line})"


def _link(run: RunReport, path: Path, diagnostic: Diagnostic) -> str:
    """`path:line` (`path:cell N:line` in a notebook), linked to the line of the file."""
    shown = where(path.as_posix(), diagnostic) + f":{diagnostic.span.line}"
    target = quote(path.as_posix()) + f"#L{diagnostic.position.line}"
    if run.link_base is not None and not path.is_absolute():
        target = run.link_base + target
    return f"[{shown}]({target})"


def markdown_report(run: RunReport) -> str:
    """A pull-request description: counts per rule, the changes, and a checklist of manual work."""
    summary = run.summary
    done = {"apply": "made", "dry-run": "to make", "check": "to make"}[run.mode]
    blocking = sum(run.blocking(d) for _, d in run.findings())
    out = [f"## Migration from the OpenAI API to Z.AI {run.target}", ""]
    verb = "changed" if run.mode == "apply" else "to change"
    out.append(
        f"glm-migrate {__version__} scanned {plural(summary.files_scanned, 'file')}: "
        f"{summary.files_changed} {verb}, {summary.files_failed} failed. "
        + ("Nothing is left to migrate." if not blocking else f"{plural(blocking, 'finding')} left to handle.")
    )
    if run.baselined:
        out.append(f"{plural(run.baselined, 'known finding')} in the baseline not shown.")
    if summary.shut_down:
        out.append(
            f"**{plural(summary.shut_down, 'finding')} on OpenAI model ids already shut down**: those calls fail "
            "today, migrated or not."
        )
    out.append("")

    rows = rule_counts(run)
    if rows:
        out += ["### Findings per rule", "", "| rule | name | findings | fixed | fixable | manual | advice |"]
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            out.append(f"| {r.code} | {r.name} | {r.count} | {r.fixed} | {r.fixable} | {r.manual} | {r.advice} |")
        out.append("")

    # Only what this run changed (or, in a dry run, would change): an unsafe fix left pending is
    # manual work below, not a substitution.
    changes: Counter[tuple[str, str, str]] = Counter()
    for _, diagnostic in run.findings():
        if diagnostic.applied:
            changes[(diagnostic.code, diagnostic.message, diagnostic.fix_title or "")] += 1
    if changes:
        out += [f"### Substitutions {done}", "", "| rule | found | change | sites |", "| --- | --- | --- | ---: |"]
        for (code, message, title), count in sorted(changes.items()):
            out.append(f"| {code} | {_md(message)} | {_md(title)} | {count} |")
        out.append("")

    manual = [(r, d) for r, d in run.findings() if status(d, dry_run=run.dry_run) in ("manual", "unsafe-fix")]
    manual.sort(key=lambda item: item[1].shut_down is None)  # calls that fail today first
    failed = [r for r in run.reports if r.error]
    if manual or failed:
        out += ["### Manual work", ""]
        for report in failed:
            out.append(f"- [ ] `{_md(str(report.path))}` could not be processed: {_md(report.error or '')}")
        for report, diagnostic in manual:
            note = (
                " (an unsafe fix exists: `--unsafe-fixes`)" if diagnostic.applicability is Applicability.UNSAFE else ""
            )
            out.append(
                f"- [ ] {_link(run, report.path, diagnostic)} **{diagnostic.code}** {_md(diagnostic.message)}{note}"
            )
        out.append("")

    advice = [(r, d) for r, d in run.findings() if status(d, dry_run=run.dry_run) == "advice"]
    if advice:
        out += [f"<details><summary>Advice (works on {run.target}, worth a look)</summary>", ""]
        for report, diagnostic in advice:
            out.append(f"- {_link(run, report.path, diagnostic)} **{diagnostic.code}** {_md(diagnostic.message)}")
        out += ["", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


# junit ----------------------------------------------------------------------------------------


def junit_xml(run: RunReport) -> str:
    """JUnit XML: a test suite per file, a test case per finding; blocking findings fail."""
    import xml.etree.ElementTree as ET

    suites = ET.Element("testsuites", name="glm-migrate")
    total = failures = errors = 0
    for report in run.reports:
        suite = ET.SubElement(suites, "testsuite", name=str(report.path))
        tests = suite_failures = suite_errors = 0
        if report.error:
            case = ET.SubElement(suite, "testcase", name="process file", classname=str(report.path))
            ET.SubElement(case, "error", message=report.error)
            tests += 1
            suite_errors += 1
        for diagnostic in report.diagnostics:
            span = diagnostic.span
            state = status(diagnostic, dry_run=run.dry_run)
            at = f"cell {diagnostic.cell} line" if diagnostic.cell is not None else "line"
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{diagnostic.code} {diagnostic.rule} at {at} {span.line} column {span.column}",
                classname=str(report.path),
                file=str(report.path),
                line=str(diagnostic.position.line),
            )
            tests += 1
            if run.blocking(diagnostic):
                failure = ET.SubElement(
                    case, "failure", message=f"{diagnostic.message} [{state}]", type=diagnostic.code
                )
                failure.text = f"{location(report.path, diagnostic)} {diagnostic.code} [{state}] {diagnostic.message}"
                suite_failures += 1
            else:
                ET.SubElement(case, "system-out").text = f"{diagnostic.code} [{state}] {diagnostic.message}"
        if not tests:
            ET.SubElement(suite, "testcase", name="no findings", classname=str(report.path))
            tests = 1
        suite.set("tests", str(tests))
        suite.set("failures", str(suite_failures))
        suite.set("errors", str(suite_errors))
        total, failures, errors = total + tests, failures + suite_failures, errors + suite_errors
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


# gitlab ---------------------------------------------------------------------------------------


def gitlab_code_quality(run: RunReport) -> str:
    """GitLab Code Quality JSON: the merge request widget shows these; fixed findings are left out."""
    issues: list[dict[str, object]] = []
    seen: Counter[str] = Counter()
    for report in run.reports:
        path = Path(report.path).as_posix()
        if report.error:
            issues.append(
                {
                    "type": "issue",
                    "check_name": "glm-migrate",
                    "description": f"Could not be processed: {report.error}",
                    "severity": "blocker",
                    "fingerprint": hashlib.sha256(f"{path}\0error".encode()).hexdigest(),
                    "location": {"path": path, "lines": {"begin": 1}},
                }
            )
        for diagnostic in report.diagnostics:
            state = status(diagnostic, dry_run=run.dry_run)
            if state == "fixed":
                continue
            # stable across runs (no line number), unique within one: the n-th finding of a key
            key = f"{path}\0{_finding_fingerprint(report, diagnostic, run.secrets) or diagnostic.message}"
            seen[key] += 1
            issues.append(
                {
                    "type": "issue",
                    "check_name": diagnostic.code,
                    "description": f"{diagnostic.code} [{state}] {diagnostic.message}",
                    "categories": ["Compatibility"],
                    "severity": _gitlab_severity(run, diagnostic),
                    "fingerprint": hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest(),
                    "location": {
                        "path": path,
                        "lines": {"begin": diagnostic.position.line, "end": diagnostic.position.end_line},
                    },
                }
            )
    return json.dumps(issues, indent=2, ensure_ascii=False)


def _gitlab_severity(run: RunReport, diagnostic: Diagnostic) -> str:
    if run.blocking(diagnostic):
        return "major"
    return "info" if diagnostic.severity is Severity.NOTE else "minor"


_RENDERERS: dict[str, Callable[[RunReport], str]] = {
    "json": json_document,
    "github": github_annotations,
    "sarif": sarif_log,
    "markdown": markdown_report,
    "junit": junit_xml,
    "gitlab": gitlab_code_quality,
}
