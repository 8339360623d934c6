"""The results of a run, as the runner makes them and every report reads them: one `FileReport`
per file, the `RunReport` of the whole run with its `Summary` counts, and each finding's status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from glm_migrate.diagnostics import Applicability, Diagnostic, Severity, pickled_by_fields
from glm_migrate.project import ModuleSummary


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file's outcome. `original`/`output` are kept only when the file changes."""

    __reduce__ = pickled_by_fields

    path: Path
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    original: bytes | None = None  #: the bytes read, to detect edits made during the run
    source: str | None = None
    output: str | None = None
    encoding: str = "utf-8"
    #: notebooks: (cell number, old source, new source) per changed cell, for a per-cell diff
    cells: tuple[tuple[int, str, str], ...] = ()
    #: the unified diff of a changed Python file, when the run shows diffs (made in the worker)
    diff: str | None = None
    #: what the module gives the rest of the project (Python files that parsed)
    summary: ModuleSummary | None = None

    @property
    def changed(self) -> bool:
        return self.output is not None

    @property
    def output_bytes(self) -> bytes:
        assert self.output is not None
        return self.output.encode(self.encoding)


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


#: severities from the most to the least pressing
_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.NOTE)


@dataclass
class Summary:
    """Counts over a whole run, built incrementally so reports need not be kept."""

    files_scanned: int = 0
    files_changed: int = 0
    files_failed: int = 0
    fixes: Counter[str] = field(default_factory=Counter)  #: applied (or, in a dry run, applicable)
    findings: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    #: the most pressing severity among each rule's findings
    severities: dict[str, Severity] = field(default_factory=dict)
    #: findings this run leaves: "safe" and "unsafe" (a fix is pending), "manual" (a person must
    #: change the code), "warning" (advice), "note" (listed only with --show-advice)
    unresolved: Counter[str] = field(default_factory=Counter)
    #: manual findings by the kind of work (see `work_kind`)
    manual_kinds: Counter[str] = field(default_factory=Counter)
    #: what discovery left out, by reason (see `discovery.Discovery.skipped`)
    skipped: dict[str, int] = field(default_factory=dict)
    #: findings on model ids OpenAI has already shut down: those calls fail today
    shut_down: int = 0

    def add(self, report: FileReport) -> None:
        self.files_scanned += 1
        self.files_changed += report.changed
        self.files_failed += report.error is not None
        for diagnostic in report.diagnostics:
            code = diagnostic.code
            self.findings[code] += 1
            self.shut_down += diagnostic.shut_down is not None
            self.names[code] = diagnostic.rule
            known = self.severities.get(code)
            if known is None or _SEVERITY_ORDER.index(diagnostic.severity) < _SEVERITY_ORDER.index(known):
                self.severities[code] = diagnostic.severity
            if diagnostic.applied:
                self.fixes[code] += 1
                continue
            state = _unresolved_state(diagnostic)
            self.unresolved[state] += 1
            if state == "manual":
                self.manual_kinds[work_kind(code)] += 1


def _unresolved_state(diagnostic: Diagnostic) -> str:
    if diagnostic.applicability is Applicability.SAFE:
        return "safe"
    if diagnostic.applicability is Applicability.UNSAFE:
        return "unsafe"
    return {Severity.ERROR: "manual", Severity.WARNING: "warning"}.get(diagnostic.severity, "note")


#: The kinds of manual work the summary groups findings by: rule code (or code prefix) -> kind.
_WORK_KINDS = {
    "GLM301": "OpenAI APIs GLM lacks (Responses, Assistants, ...)",
    "GLM303": "legacy SDK (openai<1)",
    "GLM005": "legacy SDK (openai<1)",
    # an `openai<1` pin or a `zhipuai` requirement: the summary names both
    "GLM404": "SDK dependencies (openai<1, zhipuai)",
    "GLM008": "Azure clients",
    "GLM102": "unknown model ids",
    "GLM403": "model ids in configuration files",
    "GLM001": "keys",
    "GLM003": "keys",
    "GLM009": "keys",
    "GLM401": "keys",
    "GLM002": "clients and URLs",
    "GLM004": "clients and URLs",
    "GLM402": "clients and URLs",
    "GLM405": "clients and URLs",
    "GLM006": "frameworks (LangChain, LlamaIndex, LiteLLM)",
    "GLM107": "frameworks (LangChain, LlamaIndex, LiteLLM)",
    "GLM302": "frameworks (LangChain, LlamaIndex, LiteLLM)",
    "GLM2": "request arguments",
    "GLM1": "model ids",
}


def work_kind(code: str) -> str:
    """The kind of work a finding of rule `code` asks for, as the summary groups it."""
    for key in (code, code[:4]):
        if key in _WORK_KINDS:
            return _WORK_KINDS[key]
    return "other"


@dataclass
class RunReport:
    """Everything a report of one run shows: the files, their findings and how the run went."""

    reports: Sequence[FileReport]  #: a list, or a spool read back one report at a time
    summary: Summary
    mode: str  #: "apply", "dry-run" or "check"
    strict: bool = False
    baselined: int = 0  #: findings left out because the baseline lists them
    #: "https://github.com/o/r/blob/<sha>/": markdown links point there (else relative links)
    link_base: str | None = None
    secrets: frozenset[str] = field(default_factory=frozenset)
    #: the paths as the command was given them (for the command the text summary suggests)
    paths: tuple[str, ...] = ()
    #: the text report lists notes too
    show_advice: bool = False
    #: the target model, as the report names it
    target: str = "GLM-4.6"

    @property
    def dry_run(self) -> bool:
        return self.mode != "apply"

    def findings(self) -> Iterator[tuple[FileReport, Diagnostic]]:
        for report in self.reports:
            for diagnostic in report.diagnostics:
                yield report, diagnostic

    def blocking(self, diagnostic: Diagnostic) -> bool:
        return is_blocking(diagnostic, dry_run=self.dry_run, strict=self.strict)


def is_blocking(diagnostic: Diagnostic, *, dry_run: bool, strict: bool) -> bool:
    """Whether a finding makes the exit code 1: something unmigrated remains after this run."""
    if diagnostic.applied and not dry_run:
        return False
    return diagnostic.severity is Severity.ERROR or (strict and diagnostic.severity is Severity.WARNING)
