"""Jupyter notebooks: migrate every code cell with the same engine, and change nothing else.

Only the `source` values of cells that change are rewritten, in place in the JSON text (see
`ipynb`), so the file keeps its layout byte for byte. IPython syntax is masked while a cell is
migrated, line for line, so positions stay those of the cell: magics (`%pip`, `!ls`, `x = !cmd`,
automagics such as `pip install x`, `!cmd \\` continued over lines, indented ones), help
(`obj?`, `obj??`) and the cell's own indentation, which IPython removes. Magics whose argument is
Python (`%time x = f()`, `%%time`, `%%capture`) have only the magic masked, so their code is
migrated too. A cell that still does not parse is left as it is with a GLM992 finding; the others
are migrated all the same.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import libcst as cst

from glm_migrate import ipynb
from glm_migrate.config import Settings
from glm_migrate.config_files import NOTEBOOK_CELL_SKIPPED
from glm_migrate.cst import parse_module
from glm_migrate.diagnostics import Applicability, Diagnostic, Severity, Span
from glm_migrate.engine import migrate_source
from glm_migrate.imports import IPYTHON_PLACEHOLDER
from glm_migrate.project import ModuleFacts, ModuleSummary
from glm_migrate.rules import ALL_RULES
from glm_migrate.rules._base import Rule
from glm_migrate.tables import Tables

#: IPython's line magics and the shell aliases it defines: with automagic on (the default),
#: `pip install x` at the start of a statement runs `%pip install x`
AUTOMAGICS = frozenset(
    {
        "alias", "alias_magic", "autoawait", "autocall", "automagic", "autosave", "bookmark", "cat", "cd",
        "clear", "colors", "conda", "config", "cp", "debug", "dhist", "dirs", "doctest_mode", "ed", "edit",
        "env", "gui", "hist", "history", "killbgscripts", "ldir", "less", "load", "load_ext", "loadpy",
        "logoff", "logon", "logstart", "logstate", "logstop", "ls", "lsmagic", "lx", "macro", "magic", "man",
        "matplotlib", "mamba", "micromamba", "mkdir", "more", "mv", "notebook", "page", "pastebin", "pdb",
        "pdef", "pdoc", "pfile", "pinfo", "pinfo2", "pip", "popd", "pprint", "precision", "prun", "psearch",
        "psource", "pushd", "pwd", "pycat", "pylab", "qtconsole", "quickref", "recall", "rehashx",
        "reload_ext", "rep", "rerun", "reset", "reset_selective", "rm", "rmdir", "run", "save", "sc",
        "set_env", "store", "sx", "system", "tb", "time", "timeit", "unalias", "unload_ext", "uv", "who",
        "who_ls", "whos", "xdel", "xmode",
    }
)  # fmt: skip
#: cell magics whose body is Python
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
#: `%time ` / `timeit -n 10 ` before a statement: the magic is masked, the statement migrated
_PYTHON_LINE_MAGIC = re.compile(r"%?(?:time|timeit(?:\s+-[nrp]\s*\d+|\s+-[qoct])*)\s+(?=\S)")
_PLACEHOLDER = IPYTHON_PLACEHOLDER
_PLACEHOLDER_LINE = re.compile(r"[ \t]*__glm_migrate_magic_(\d+)__[ \t]*\r?\n?")
_PREFIX_MARK = re.compile(r"  # __glm_migrate_magic_(\d+)__(?=\r?\n?$)")
#: `x = !cmd`, `first, *rest = %sx cmd`, `d["k"] = !cmd`
_MAGIC_ASSIGNMENT = re.compile(r"""[\w.*\[\]'"(), ]+?\s*=\s*[!%]""")
#: `name rest` where `rest` cannot continue a Python statement that starts with `name`
_AUTOMAGIC = re.compile(r"(?P<name>[A-Za-z_]\w*)(?P<space>[ \t]+)(?P<rest>[\w\"'~/$.]|-[\w-])")
_PYTHON_AFTER_NAME = re.compile(r"(?:is|not|in|and|or|if|else|for|async|lambda)\b")


@dataclass(frozen=True, slots=True)
class NotebookResult:
    output: bytes | None  #: the new notebook, or None when nothing changed
    #: spans are cell-relative (`cell` is the 1-based cell number); `file_span` is in the file
    diagnostics: tuple[Diagnostic, ...]
    error: str | None = None  #: the notebook as a whole could not be processed; output is None
    #: (cell number, old source, new source) of every changed cell, for the dry-run diff
    changed_cells: tuple[tuple[int, str, str], ...] = ()
    #: what the cells, run as one module, give the project index and take from it (a notebook
    #: imports the project's modules as a script does); None where cells were migrated apart
    summary: ModuleSummary | None = None


class _Migrated(NamedTuple):
    """Cells migrated together: each one's masked output and findings, and their module's summary."""

    outputs: dict[int, str]
    diagnostics: list[Diagnostic]
    summary: ModuleSummary | None


# masking ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of a cell: as written, and as the engine sees it."""

    original: str
    masked: str
    indent: str = ""  #: the cell's indentation, which IPython removes (see `_mask`)
    lead: int = 0  #: the line's own indentation in `masked`
    prefix: str = ""  #: a magic removed before the statement (`%time `)


class _Scanner:
    """Brackets, strings and backslash continuations, line by line: only a line that starts a
    statement can be IPython syntax (the same text inside a string or a call is not)."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> str:
        """Take one line; return its code (without a comment or the line ending)."""
        index, end = 0, len(line)
        code_end: int | None = None
        while index < end:
            char = line[index]
            if self.quote is not None:
                if char == "\\":
                    index += 2
                elif line.startswith(self.quote, index):
                    index += len(self.quote)
                    self.quote = None
                else:
                    index += 1
                continue
            if char == "#":
                code_end = index
                break
            if char in "\"'":
                self.quote = line[index : index + 3] if line[index : index + 3] in ('"""', "'''") else char
                index += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            index += 1
        code = line[:code_end].rstrip("\r\n") if code_end is not None else line.rstrip("\r\n")
        backslash = code.endswith("\\")
        if self.quote in ('"', "'") and not backslash:
            self.quote = None  # a one-quote string ends with its line
        self.continued = self.quote is None and code_end is None and backslash
        return code


def _code_of(line: str) -> str:
    return _Scanner().feed(line)


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def _magic(code: str, python_magics: bool) -> str | None:
    """For a line that starts a statement: "prefix" (a magic before Python), "magic" (a line
    of IPython syntax), or None (Python)."""
    stripped = code.lstrip(" \t")
    if not stripped:
        return None
    takes_python = python_magics and _PYTHON_LINE_MAGIC.match(stripped) is not None
    if stripped[0] == "%":
        return "prefix" if takes_python and not stripped.rstrip().endswith(("\\", "?")) else "magic"
    if stripped[0] in "!?" or _MAGIC_ASSIGNMENT.match(stripped):
        return "magic"
    if _code_of(stripped).rstrip().endswith("?"):
        return "magic"  # help: `obj?`, `obj.method??`
    automagic = _AUTOMAGIC.match(stripped)
    if automagic is None or automagic.group("name") not in AUTOMAGICS:
        return None
    if _PYTHON_AFTER_NAME.match(stripped, automagic.start("rest")):
        return None
    return "prefix" if takes_python and not stripped.rstrip().endswith("\\") else "magic"


def _mask(lines: list[str], numbers: Iterator[int], python_magics: bool) -> list[_Line] | None:
    """The cell's lines masked for the engine, or None when the cell is not Python (`%%bash`).

    As IPython does, the first non-blank line's indentation is removed from every line that
    has it, and a cell magic's body is treated as a cell of its own.
    """
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return [_Line(line, line) for line in lines]
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip(" \t"))]
    body = [line[len(indent) :] if line.startswith(indent) else line for line in lines]
    cut = [indent if line.startswith(indent) else "" for line in lines]
    if body[first].startswith("%%"):
        name = (body[first][2:].split() or [""])[0]
        if name not in PYTHON_CELL_MAGICS:
            return None
        head = [_Line(line, line) for line in lines[:first]]
        magic = _PLACEHOLDER.format(next(numbers))
        head.append(_Line(lines[first], magic + _ending(lines[first]), indent))
        rest = _mask(body[first + 1 :], numbers, python_magics)
        if rest is None:
            return None
        return head + [
            replace(inner, original=line, indent=own + inner.indent)
            for line, own, inner in zip(lines[first + 1 :], cut[first + 1 :], rest, strict=True)
        ]

    masked: list[_Line] = []
    scanner = _Scanner()
    index = 0
    while index < len(body):
        line = body[index]
        kind = _magic(line, python_magics) if scanner.at_statement_start else None
        lead = line[: len(line) - len(line.lstrip(" \t"))]
        if kind == "prefix":
            match = _PYTHON_LINE_MAGIC.match(line, len(lead))
            assert match is not None
            statement = line[match.end() :]
            code = statement[: len(statement) - len(_ending(statement))]
            mark = "  # " + _PLACEHOLDER.format(next(numbers))
            masked.append(_Line(lines[index], lead + code + mark + _ending(line), cut[index], len(lead), match.group()))
            scanner.feed(statement)
            index += 1
            continue
        if kind == "magic":
            # `!cmd \` goes on over the next lines: all of them are the magic
            group = [index]
            while body[group[-1]].rstrip("\r\n").endswith("\\") and group[-1] + 1 < len(body):
                group.append(group[-1] + 1)
            for member in group:
                placeholder = lead + _PLACEHOLDER.format(next(numbers)) + _ending(body[member])
                masked.append(_Line(lines[member], placeholder, cut[member], len(lead)))
            index = group[-1] + 1
            continue
        masked.append(_Line(lines[index], line, cut[index], len(lead)))
        scanner.feed(line)
        index += 1
    return masked


def _unmask(cell: list[_Line], output: str) -> str:
    """The engine's output for a masked cell, with every masked line as it was written.

    Lines the engine left alone are matched back to their originals by a diff and given back
    as written; lines it changed or added get the cell's indentation and their magic back.
    """
    masked = [line.masked for line in cell]
    new = ipynb.split_lines(output)
    by_placeholder = {
        int(match.group(1)): line
        for line in cell
        if (match := _PLACEHOLDER_LINE.fullmatch(line.masked) or _PREFIX_MARK.search(line.masked))
    }
    indent = next((line.indent for line in cell if line.indent), "")
    restored: list[str] = []
    matcher = difflib.SequenceMatcher(None, masked, new, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            restored += [line.original for line in cell[old_start:old_end]]
            continue
        for text in new[new_start:new_end]:
            placeholder = _PLACEHOLDER_LINE.fullmatch(text)
            if placeholder is not None:
                restored.append(by_placeholder[int(placeholder.group(1))].original)
                continue
            mark = _PREFIX_MARK.search(text)
            if mark is not None:
                line = by_placeholder[int(mark.group(1))]
                text = text[: mark.start()] + text[mark.end() :]
                lead = text[: len(text) - len(text.lstrip(" \t"))]
                text = lead + line.prefix + text[len(lead) :]
            restored.append(indent + text if text.strip() else text)
    return "".join(restored)


def _shifted(span: Span, cell: list[_Line]) -> Span:
    """A span in the masked cell as a span in the cell as written."""

    def column(line: int, value: int) -> int:
        if not 1 <= line <= len(cell):
            return value
        masked = cell[line - 1]
        return value + len(masked.indent) + (len(masked.prefix) if value - 1 >= masked.lead else 0)

    return Span(span.line, column(span.line, span.column), span.end_line, column(span.end_line, span.end_column))


# migrating ----------------------------------------------------------------------------------------


def _marker(number: int) -> str:
    return f"# glm-migrate-cell: {number}\n"


def _text(cell: list[_Line]) -> str:
    text = "".join(line.masked for line in cell)
    return text if text.endswith("\n") or not text else text + "\n"


def _together(
    cells: dict[int, list[_Line]],
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]],
    facts: ModuleFacts | None = None,
) -> _Migrated | str:
    """Cells share one namespace (a client made in one cell is used in the next), so they are
    migrated as one module, a marker comment before each, and split again afterwards. The
    outputs are masked text; an error message when the module could not be migrated."""
    parts: list[str] = []
    first_line: dict[int, int] = {}
    line = 1
    for number, cell in cells.items():
        text = _text(cell)
        parts.append(_marker(number) + text)
        first_line[number] = line + 1
        line += 1 + text.count("\n")
    result = migrate_source("".join(parts), settings=settings, tables=tables, rules=rules, facts=facts)
    if result.error is not None:
        return result.error
    outputs: dict[int, str] = {}
    markers = {_marker(number): number for number in cells}
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
    _move_imports_out_of_magic_cells(cells, outputs)
    for number, cell in cells.items():
        written = "".join(line.masked for line in cell)
        if not written.endswith("\n") and outputs.get(number, "").endswith("\n"):
            outputs[number] = outputs[number][:-1]
    starts = sorted((start, number) for number, start in first_line.items())
    diagnostics = []
    for diagnostic in result.diagnostics:
        start, number = next(item for item in reversed(starts) if item[0] <= diagnostic.span.line)
        shift = start - 1
        span = replace(diagnostic.span, line=diagnostic.span.line - shift, end_line=diagnostic.span.end_line - shift)
        diagnostics.append(replace(diagnostic, span=span, cell=number, edit=None))
    return _Migrated(outputs, diagnostics, result.summary)


def _code_lines(cell: list[_Line]) -> list[_Line]:
    return [line for line in cell if line.masked.strip() and not line.masked.lstrip().startswith("#")]


def _holds_imports(cell: list[_Line]) -> bool:
    """The cell runs Python a reader runs too: not only IPython lines (`%pip install x`, which
    readers skip) and not a cell magic (`%%capture`), which must stay the cell's first line."""
    code = _code_lines(cell)
    if not code or code[0].original.lstrip().startswith("%%"):
        return False
    return any(not _PLACEHOLDER_LINE.fullmatch(line.masked) for line in code)


def _move_imports_out_of_magic_cells(cells: dict[int, list[_Line]], outputs: dict[int, str]) -> None:
    """The engine puts new imports at the top of the module, which may be a cell of IPython
    lines only or one that starts with a cell magic: there they would break the magic or be
    skipped with the install cell. They move to the top of the next cell that holds Python."""
    numbers = list(outputs)
    for index, number in enumerate(numbers):
        cell = cells[number]
        if _holds_imports(cell):
            return  # imports go to the first cell that holds Python: that is the place
        code = _code_lines(cell)
        first = cell.index(code[0]) if code else len(cell)
        # compared without line endings: the cell's last line may have none, the output's has
        before = [line.masked.rstrip("\r\n") for line in cell]
        after = outputs[number].splitlines(keepends=True)
        added: list[str] = []
        kept: list[str] = []
        matcher = difflib.SequenceMatcher(a=before, b=[line.rstrip("\r\n") for line in after], autojunk=False)
        for tag, i1, _, j1, j2 in matcher.get_opcodes():
            (added if tag == "insert" and i1 <= first else kept).extend(after[j1:j2])
        imports = [line for line in added if line.strip()]
        if not imports:
            continue
        target = next((n for n in numbers[index + 1 :] if _holds_imports(cells[n])), None)
        if target is None:
            return
        outputs[number] = "".join(kept)
        outputs[target] = "".join(imports) + "\n" + outputs[target]
        return


def _parse_error(cell: list[_Line]) -> Span | None:
    """Where the masked cell fails to parse, or None when it parses."""
    try:
        parse_module(_text(cell))
    except cst.ParserSyntaxError as exc:
        return Span(exc.raw_line, exc.raw_column + 1, exc.raw_line, exc.raw_column + 1)
    except (SyntaxError, ValueError, RecursionError):
        return Span(1, 1, 1, 1)
    return None


def _skipped(number: int, source: str, where: Span, why: str, tables: Tables) -> Diagnostic:
    """GLM992 for a cell left out: an error when it mentions what the rules look for."""
    lowered = source.lower()
    mention = next((trigger for trigger in tables.triggers if trigger in lowered), None)
    return Diagnostic(
        code=NOTEBOOK_CELL_SKIPPED.CODE,
        rule=NOTEBOOK_CELL_SKIPPED.NAME,
        message=f"Cell {number} was not migrated: {why}"
        + (f"; it mentions `{mention}`, so check it by hand" if mention else ""),
        span=where,
        severity=Severity.ERROR if mention else Severity.WARNING,
        applicability=Applicability.MANUAL,
        applied=False,
        cell=number,
    )


def _migrate_cells(
    sources: dict[int, str],
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]],
    facts: ModuleFacts | None,
) -> tuple[dict[int, str], list[Diagnostic], ModuleSummary | None]:
    """New sources of the cells that change, every finding (cell-relative spans), and the
    summary of the cells as one module."""
    numbers = itertools.count()
    cells: dict[int, list[_Line]] = {}
    for number, source in sources.items():
        masked = _mask(ipynb.split_lines(source), numbers, python_magics=True)
        if masked is not None:
            cells[number] = masked
    skipped: list[Diagnostic] = []
    standins: dict[int, list[_Line]] = {}
    outcome = _together(cells, settings, tables, rules, facts)
    if isinstance(outcome, str):
        # Some cell does not parse: mask harder where that helps, leave out where it does not.
        for number, cell in list(cells.items()):
            if _parse_error(cell) is None:
                continue
            plain = _mask(ipynb.split_lines(sources[number]), numbers, python_magics=False)
            where = _parse_error(plain) if plain is not None else None
            if plain is not None and where is None:
                cells[number] = plain
                continue
            del cells[number]
            standin = _environment_standin(sources[number])
            if standin is not None:
                standins[number] = standin
            if settings.is_enabled(NOTEBOOK_CELL_SKIPPED.CODE):
                span = _shifted(where, cell) if where is not None else Span(1, 1, 1, 1)
                why = f"it does not parse as Python (at {span.line}:{span.column})"
                skipped.append(_skipped(number, sources[number], span, why, tables))
        outcome = _with_standins(cells, standins, settings, tables, rules, facts)
    if isinstance(outcome, str):
        # The cells parse but the module still fails (the engine refused it): cell by cell.
        outputs: dict[int, str] = {}
        found: list[Diagnostic] = []
        for number, cell in cells.items():
            alone = _together({number: cell}, settings, tables, rules, facts)
            if isinstance(alone, str):
                if settings.is_enabled(NOTEBOOK_CELL_SKIPPED.CODE):
                    skipped.append(_skipped(number, sources[number], Span(1, 1, 1, 1), alone, tables))
                continue
            outputs.update(alone.outputs)
            found += alone.diagnostics
        outcome = _Migrated(outputs, found, None)  # no one module: nothing to tell the index
    outputs, diagnostics, summary = outcome
    new_sources = {}
    for number, output in outputs.items():
        cell = cells[number]
        if output != "".join(line.masked for line in cell):
            new_sources[number] = _unmask(cell, output)
    findings = [replace(d, span=_shifted(d.span, cells[d.cell])) for d in diagnostics if d.cell in cells]
    changed = {n: s for n, s in new_sources.items() if s != sources[n]}
    return changed, sorted([*findings, *skipped], key=lambda d: (d.cell or 0, d.span)), summary


#: `os.environ["OPENAI_API_KEY"] = ` in a cell left for the reader to fill in (it does not parse)
_ENVIRONMENT_WRITE = re.compile(r"""^[ \t]*os\.environ\[\s*(['"])([A-Za-z_]\w*)\1\s*\][ \t]*=(?!=)""", re.MULTILINE)
_IMPORTS_OS = re.compile(r"^[ \t]*import[ \t]+os[ \t]*(?:#.*)?$", re.MULTILINE)


def _environment_standin(source: str) -> list[_Line] | None:
    """For a cell left out because it does not parse: what the other cells' migration must know
    of it, the environment variables it sets (`os.environ["OPENAI_API_KEY"] = ` with the value
    left to the reader), each set to a value known only at run time. None when it sets none."""
    names = list(dict.fromkeys(match.group(2) for match in _ENVIRONMENT_WRITE.finditer(source)))
    if not names:
        return None
    lines = ["import os\n"] if _IMPORTS_OS.search(source) else []
    lines += [f'os.environ["{name}"] = __glm_migrate_unseen__()\n' for name in names]
    return [_Line(line, line) for line in lines]


def _with_standins(
    cells: dict[int, list[_Line]],
    standins: dict[int, list[_Line]],
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]],
    facts: ModuleFacts | None,
) -> _Migrated | str:
    """`_together` with the stand-ins of left-out cells in their places: a key the reader writes
    to `OPENAI_API_KEY` in such a cell is the program's own, so what reads it is not moved to
    Z.AI on its own. The stand-ins' outputs and findings are dropped; where a fix would have
    changed one (an import placed there), the cells are migrated without them."""
    if standins:
        merged = dict(sorted({**cells, **standins}.items()))
        outcome = _together(merged, settings, tables, rules, facts)
        if not isinstance(outcome, str) and all(
            outcome.outputs.get(number, "").rstrip("\n") == "".join(line.masked for line in standin).rstrip("\n")
            for number, standin in standins.items()
        ):
            return _Migrated(
                {number: text for number, text in outcome.outputs.items() if number not in standins},
                [d for d in outcome.diagnostics if d.cell not in standins],
                outcome.summary,
            )
    return _together(cells, settings, tables, rules, facts)


def _language(metadata: object, *paths: tuple[str, str]) -> str:
    """The language the first of `paths` (key, then subkey) in `metadata` names; Python's when none does."""
    for key, subkey in paths:
        section = metadata.get(key) if isinstance(metadata, dict) else None
        named = section.get(subkey) if isinstance(section, dict) else None
        if isinstance(named, str) and named:
            return named.lower()
    return "python"


def _python_cell(cell: dict[str, Any]) -> bool:
    """Not a cell a polyglot notebook (.NET Interactive) runs in another language."""
    paths = (("polyglot_notebook", "kernelName"), ("dotnet_interactive", "language"))
    return _language(cell.get("metadata"), *paths) == "python"


def _cell_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def migrate_notebook(
    data: bytes,
    *,
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]] = ALL_RULES,
    facts: ModuleFacts | None = None,
) -> NotebookResult:
    """Migrate the code cells of a notebook's bytes. Never raises on a malformed notebook.
    `facts`: what the project index says about the cells as one module."""
    if not data.strip():
        return NotebookResult(None, ())  # an empty file named `.ipynb` (a placeholder): nothing in it
    try:
        text = data.decode("utf-8")
        document = json.loads(text)
        cells = document["cells"]
        if not isinstance(cells, list):
            raise TypeError("cells is not a list")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        return NotebookResult(None, (), error=f"not a valid notebook ({exc}); left untouched")
    if _language(document.get("metadata"), ("kernelspec", "language"), ("language_info", "name")) != "python":
        return NotebookResult(None, ())  # a C# or R notebook that talks to OpenAI is not ours to read
    if not facts and not tables.mentions_trigger(text):
        return NotebookResult(None, ())
    try:
        located = ipynb.cell_sources(text)
    except ValueError as exc:
        return NotebookResult(None, (), error=f"not a valid notebook ({exc}); left untouched")
    sources = {
        number: _cell_text(cell)
        for number, cell in enumerate(cells, start=1)
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and number in located and _python_cell(cell)
    }
    # A constant defined "after the imports" could land in a cell that runs before them: each
    # client keeps its own lookup of the URL.
    new_sources, diagnostics, summary = _migrate_cells(
        sources, replace(settings, base_url_once=False), tables, rules, facts
    )
    ids = {number: cell.get("id") for number, cell in enumerate(cells, start=1) if isinstance(cell, dict)}
    placed = tuple(
        replace(
            d,
            file_span=ipynb.file_span(text, located[d.cell], d.span),
            cell_id=ids[d.cell] if isinstance(ids.get(d.cell), str) else None,
        )
        for d in diagnostics
        if d.cell is not None
    )
    if not new_sources:
        return NotebookResult(None, placed, summary=summary)
    changed = tuple((number, sources[number], new) for number, new in sorted(new_sources.items()))
    output = ipynb.replace_sources(text, new_sources)
    return NotebookResult(output.encode("utf-8"), placed, None, changed, summary)
