"""The values the engine returns: findings with their positions, fix status and the migrated text."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from glm_migrate.project import ModuleSummary


def pickled_by_fields(value: Any) -> tuple[type, tuple[Any, ...]]:
    """`__reduce__` for a slotted dataclass: its constructor's arguments, in order. Reports cross
    process boundaries and go into the cache by the thousand, and this pickles several times
    faster than the state dataclasses give slotted classes."""
    return type(value), tuple([getattr(value, name) for name in value.__match_args__])


class Applicability(enum.Enum):
    """Whether and when a finding's fix may be applied."""

    SAFE = "safe"  #: behaviour-preserving; applied by default
    UNSAFE = "unsafe"  #: may change behaviour; applied only with --unsafe-fixes
    MANUAL = "manual"  #: no automatic fix exists; a person must act


class Severity(enum.Enum):
    """An error is something still unmigrated; a warning is advice on code that works on GLM-4.6;
    a note is worth a look but asks for no change (the text report lists notes only with
    --show-advice, and they never fail a run, even with --strict)."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class RuleInfo(Protocol):
    """What a rule says about itself, code rules (Rule classes) and configuration-file rules alike
    (`config_files.ConfigRule`): --list-rules, --explain and SARIF show it."""

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


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Where a finding is in the source, as editors number lines and columns."""

    __reduce__ = pickled_by_fields

    line: int  #: 1-based
    column: int  #: 1-based, as editors show it
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Edit:
    """The source text a fix replaces, as positions in the original and the new code."""

    __reduce__ = pickled_by_fields

    span: Span
    replacement: str  #: the new source text for `span`


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding as the engine reports it: code, message, where, and its fix."""

    __reduce__ = pickled_by_fields

    code: str  #: "GLM101"
    rule: str  #: "openai-model-name"
    message: str  #: what was found; one line, no trailing period
    span: Span
    severity: Severity
    applicability: Applicability
    applied: bool  #: True if the fix is present in MigrationResult.output
    fix_title: str | None = None  #: what the fix does, imperative
    edit: Edit | None = None  #: the fix as a text edit, when one exists
    cell: int | None = None  #: in a notebook: the 1-based cell the span is relative to
    cell_id: str | None = None  #: in a notebook: the cell's `id`, when it has one
    #: in a notebook: the span in the .ipynb file itself (the JSON strings holding the source)
    file_span: Span | None = None
    #: the date OpenAI shut down the model id the finding is about, when that is before the run
    #: (ISO format): such calls fail today, migrated or not, and the summary lists them first
    shut_down: str | None = None

    @property
    def position(self) -> Span:
        """Where the finding is in the file: what CI annotations and editors point at."""
        return self.file_span or self.span

    @property
    def fixable(self) -> bool:
        return self.applicability is not Applicability.MANUAL

    @property
    def unresolved(self) -> bool:
        """Still needs something after this run: a pending fix or a person's change."""
        return not self.applied


#: (start, end, length of the new text): a span of a source that an output replaces
Replaced = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class MigrationResult:
    """What migrating one source gives: the new text and the findings."""

    source: str
    output: str
    diagnostics: tuple[Diagnostic, ...]
    error: str | None = None  #: a parse error or unsupported input; output == source then
    encoding: str = "utf-8"  #: how `output` encodes back to the file's bytes (BOM and cookie kept)
    #: each span of `source` that `output` replaces, in order, when the output is exactly that;
    #: None when it was made otherwise (see `textdiff`)
    replaced: tuple[Replaced, ...] | None = None
    #: what this module gives the rest of the project (see `project.py`); None when not parsed
    summary: ModuleSummary | None = None

    @property
    def changed(self) -> bool:
        return self.output != self.source
