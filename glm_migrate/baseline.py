"""Baselines: record today's findings so that CI fails only on new OpenAI usage.

A finding is keyed by its file, its rule and a fingerprint of its source lines with the whitespace
normalised, never by line number, so code moving up or down does not make old findings new. The
same key can occur several times in a file; the baseline keeps counts, and findings beyond the
recorded count are new. Snippets are redacted before they are stored or hashed, so no key (and no
function of a key) ever reaches the baseline file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from glm_migrate.diagnostics import Diagnostic
from glm_migrate.ipynb import text_of
from glm_migrate.redaction import redact, source_lines
from glm_migrate.results import FileReport

FORMAT_VERSION = 1
_SNIPPET_LIMIT = 160


class BaselineError(ValueError):
    """The baseline file cannot be read or is not a glm-migrate baseline."""


Key = tuple[str, str, str]  #: (path, code, fingerprint)


def snippet(source: str, diagnostic: Diagnostic, secrets: Iterable[str] = ()) -> str:
    """The finding's whole source lines, whitespace collapsed and keys redacted (in a notebook,
    the lines of its cell: the notebook's JSON around them may change)."""
    lines = source_lines(text_of(source, diagnostic))[diagnostic.span.line - 1 : diagnostic.span.end_line]
    return redact(" ".join(" ".join(lines).split()), secrets)


def fingerprint(code: str, normalised_snippet: str) -> str:
    return hashlib.sha256(f"{code}\0{normalised_snippet}".encode()).hexdigest()[:20]


def baseline_path(path: Path, base: Path) -> str:
    """`path` relative to the baseline file's folder (posix), so any working directory works."""
    absolute = path.resolve()
    try:
        return Path(os.path.relpath(absolute, base.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return absolute.as_posix()


@dataclass(frozen=True)
class Entry:
    path: str
    code: str
    fingerprint: str
    snippet: str
    count: int


def entries(
    findings: Iterable[tuple[Path, Diagnostic, str]],
    base: Path,
) -> list[Entry]:
    """Baseline entries for (file, finding, snippet) triples, grouped and counted."""
    counts: Counter[Key] = Counter()
    snippets: dict[Key, str] = {}
    for path, diagnostic, text in findings:
        key = (baseline_path(path, base), diagnostic.code, fingerprint(diagnostic.code, text))
        counts[key] += 1
        snippets.setdefault(key, text[:_SNIPPET_LIMIT])
    return [Entry(*key, snippets[key], count) for key, count in sorted(counts.items())]


def dumps(baseline_entries: Sequence[Entry]) -> str:
    document = {
        "glm-migrate-baseline": FORMAT_VERSION,
        "findings": [
            {"path": e.path, "code": e.code, "fingerprint": e.fingerprint, "snippet": e.snippet, "count": e.count}
            for e in baseline_entries
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Counter[Key]:
    """The recorded counts per key; raises BaselineError naming the file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a JSON baseline: {exc}") from None
    if not isinstance(document, dict) or document.get("glm-migrate-baseline") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not a glm-migrate baseline (version {FORMAT_VERSION})")
    counts: Counter[Key] = Counter()
    for item in document.get("findings", []):
        try:
            counts[(str(item["path"]), str(item["code"]), str(item["fingerprint"]))] += int(item["count"])
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"{path}: malformed baseline entry {item!r}") from None
    return counts


class Matcher:
    """Consumes recorded counts as findings come in: `known(...)` is True while some are left."""

    def __init__(self, counts: Counter[Key], base: Path) -> None:
        self.remaining = Counter(counts)
        self.base = base
        self.matched = 0

    def known(self, path: Path, diagnostic: Diagnostic, text: str) -> bool:
        key = (baseline_path(path, self.base), diagnostic.code, fingerprint(diagnostic.code, text))
        if self.remaining[key] > 0:
            self.remaining[key] -= 1
            self.matched += 1
            return True
        return False


def unresolved(report: FileReport, *, applied_count_as_done: bool) -> list[Diagnostic]:
    """The findings of a report a baseline records and matches: not those fixed in this run."""
    return [d for d in report.diagnostics if not (applied_count_as_done and d.applied)]


def record(reports: Iterable[FileReport], base: Path, secrets: Iterable[str], *, apply: bool) -> list[Entry]:
    """Baseline entries for every unresolved finding of a run (paths relative to `base`)."""
    hidden = frozenset(secrets)
    return entries(
        (
            (report.path, diagnostic, snippet(report.source, diagnostic, hidden))
            for report in reports
            if report.source is not None
            for diagnostic in unresolved(report, applied_count_as_done=apply)
        ),
        base,
    )


def without_known(
    reports: Iterable[FileReport], matcher: Matcher, secrets: Iterable[str], *, apply: bool
) -> list[FileReport]:
    """The reports with the findings the baseline knows removed (counted in `matcher.matched`)."""
    hidden = frozenset(secrets)
    kept: list[FileReport] = []
    for report in reports:
        if report.source is None or not report.diagnostics:
            kept.append(report)
            continue
        pending = set(unresolved(report, applied_count_as_done=apply))
        diagnostics = tuple(
            d
            for d in report.diagnostics
            if d not in pending or not matcher.known(report.path, d, snippet(report.source, d, hidden))
        )
        kept.append(replace(report, diagnostics=diagnostics))
    return kept
