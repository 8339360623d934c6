"""Jupyter notebooks: migrate every code cell with the same engine, and change nothing else.

Only the `source` of cells that change is rewritten. The notebook is re-serialised only when the
untouched document re-serialises to exactly its own bytes (indentation, key order, escaping and
trailing newline found by trial); otherwise it is reported and left alone. IPython magics
(`%pip`, `!ls`, `x = !cmd`, `%%time`) are masked as comments while a cell is migrated, so they
neither stop the parse nor get edited.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Diagnostic
from glm_migrate.engine import migrate_source
from glm_migrate.rules import ALL_RULES
from glm_migrate.rules._base import Rule
from glm_migrate.tables import Tables

_MAGIC_LINE = re.compile(r"^\s*(?:[!%]|\w+\s*=\s*[!%])")
_MASK = "# glm-migrate-magic:"
#: Cell magics whose body is still Python.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})


@dataclass(frozen=True, slots=True)
class NotebookResult:
    output: bytes | None  #: the new notebook, or None when nothing changed
    diagnostics: tuple[Diagnostic, ...]  #: spans are cell-relative; `cell` is the 1-based cell number
    error: str | None = None
    #: (cell number, old source, new source) of every changed cell, for the dry-run diff
    changed_cells: tuple[tuple[int, str, str], ...] = ()


def _mask(source: str) -> tuple[str, bool]:
    """The cell with magic lines commented out, and whether the cell is Python at all."""
    lines = source.splitlines(keepends=True)
    if lines and lines[0].startswith("%%"):
        magic = lines[0][2:].split(maxsplit=1)[0] if lines[0][2:].strip() else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return source, False
    masked = [f"{_MASK}{line}" if _MAGIC_LINE.match(line) else line for line in lines]
    return "".join(masked), True


def _unmask(source: str) -> str:
    return "".join(
        line.replace(_MASK, "", 1) if line.lstrip().startswith(_MASK) else line
        for line in source.splitlines(keepends=True)
    )


def _cell_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _as_source(text: str, like: object) -> object:
    return text.splitlines(keepends=True) if isinstance(like, list) else text


def _serialiser(data: bytes, document: Any) -> dict[str, Any] | None:
    """json.dumps options that reproduce `data` exactly from `document`, if any do."""
    text = data.decode("utf-8")
    for indent in (1, 2, 4, None):
        for ensure_ascii in (False, True):
            options: dict[str, Any] = {"indent": indent, "ensure_ascii": ensure_ascii}
            if indent is None:
                options["separators"] = (",", ":")
            dumped = json.dumps(document, **options)
            if dumped == text or dumped + "\n" == text:
                options["trailing_newline"] = dumped + "\n" == text
                return options
    return None


def _marker(number: int) -> str:
    return f"# glm-migrate-cell: {number}\n"


def _migrate_together(
    sources: dict[int, str], settings: Settings, tables: Tables, rules: Sequence[type[Rule]]
) -> tuple[dict[int, str] | None, list[Diagnostic], list[str]]:
    parts: list[str] = []
    first_line: dict[int, int] = {}
    line = 1
    for number, source in sources.items():
        text = source if source.endswith("\n") or not source else source + "\n"
        parts.append(_marker(number) + text)
        first_line[number] = line + 1
        line += 1 + text.count("\n")
    result = migrate_source("".join(parts), settings=settings, tables=tables, rules=rules)
    if result.error is not None:
        return None, [], []
    outputs: dict[int, str] = {}
    markers = {_marker(number): number for number in sources}
    current: int | None = None
    prefix = ""
    for text_line in result.output.splitlines(keepends=True):
        marked = markers.get(text_line)
        if marked is not None:
            current = marked
            outputs[marked] = prefix if not outputs else ""
            prefix = ""
        elif current is None:
            prefix += text_line  # an import added above the first cell belongs to it
        else:
            outputs[current] += text_line
    for number, source in sources.items():
        if not source.endswith("\n") and outputs.get(number, "").endswith("\n"):
            outputs[number] = outputs[number][:-1]
    starts = sorted((start, number) for number, start in first_line.items())
    diagnostics = []
    for diagnostic in result.diagnostics:
        start, number = next(item for item in reversed(starts) if item[0] <= diagnostic.span.line)
        shift = start - 1
        span = replace(diagnostic.span, line=diagnostic.span.line - shift, end_line=diagnostic.span.end_line - shift)
        diagnostics.append(replace(diagnostic, span=span, cell=number, edit=None))
    return outputs, diagnostics, []


def _migrate_apart(
    sources: dict[int, str], settings: Settings, tables: Tables, rules: Sequence[type[Rule]]
) -> tuple[dict[int, str], list[Diagnostic], list[str]]:
    """Cell by cell, for notebooks where one cell does not parse: the others are still done."""
    outputs: dict[int, str] = {}
    diagnostics: list[Diagnostic] = []
    errors: list[str] = []
    for number, source in sources.items():
        result = migrate_source(source, settings=settings, tables=tables, rules=rules)
        if result.error is not None:
            errors.append(f"cell {number}: {result.error}")
            continue
        diagnostics.extend(replace(d, cell=number, edit=None) for d in result.diagnostics)
        outputs[number] = result.output
    return outputs, diagnostics, errors


def migrate_notebook(
    data: bytes, *, settings: Settings, tables: Tables, rules: Sequence[type[Rule]] = ALL_RULES
) -> NotebookResult:
    """Migrate the code cells of a notebook's bytes. Never raises on a malformed notebook."""
    try:
        document = json.loads(data.decode("utf-8"))
        cells = document["cells"]
        if not isinstance(cells, list):
            raise TypeError("cells is not a list")
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        return NotebookResult(None, (), error=f"not a valid notebook ({exc}); left untouched")
    language = str(document.get("metadata", {}).get("kernelspec", {}).get("language", "python")).lower()
    if language != "python":
        return NotebookResult(None, ())

    sources: dict[int, str] = {}
    for number, cell in enumerate(cells, start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            masked, is_python = _mask(_cell_text(cell))
            if is_python:
                sources[number] = masked
    # Cells share one namespace: a client made in one cell is used in the next. So the cells are
    # migrated as one module, with a marker comment before each, and split again afterwards.
    outputs, diagnostics, errors = _migrate_together(sources, settings, tables, rules)
    if outputs is None:
        outputs, diagnostics, errors = _migrate_apart(sources, settings, tables, rules)
    changed = [
        (number, _cell_text(cells[number - 1]), _unmask(new_masked))
        for number, new_masked in outputs.items()
        if new_masked != sources[number]
    ]
    error = "; ".join(errors) or None
    if not changed:
        return NotebookResult(None, tuple(diagnostics), error)
    # How the file was written, worked out from the document before its cells are rewritten.
    options = _serialiser(data, document)
    if options is None:
        return NotebookResult(
            None, tuple(diagnostics), "its JSON layout cannot be reproduced exactly; left untouched", tuple(changed)
        )
    for number, _, new in changed:
        cell = cells[number - 1]
        cell["source"] = _as_source(new, cell.get("source"))
    trailing = options.pop("trailing_newline")
    output = json.dumps(document, **options) + ("\n" if trailing else "")
    return NotebookResult(output.encode("utf-8"), tuple(diagnostics), error, tuple(changed))
