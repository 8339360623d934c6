"""The JSON text of a notebook: where each cell's source lies in it, and new sources put in place.

A notebook is rewritten by replacing the JSON values of the changed cells' sources and nothing
else, so every other byte (indentation, key order, escapes, one-line cells, the final newline)
stays as the file had it, whatever wrote it. Positions in the file are worked out from the same
map: the line of the `.ipynb` that holds a source line, which is what CI annotations point at.
Pure: text in, text out; the `json` module parses, this module only keeps offsets.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, not in typeshed

from glm_migrate.diagnostics import Diagnostic, Span

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class LayoutError(ValueError):
    """The text is not the notebook JSON it was parsed as (it should not happen)."""


@dataclass(frozen=True, slots=True)
class Token:
    """One JSON string of a cell's source: `text[start:end]` is the string with its quotes."""

    start: int
    end: int
    value: str


@dataclass(frozen=True, slots=True)
class CellSource:
    """Where a cell's `source` value lies: `text[start:end]` is the list or the string."""

    start: int
    end: int
    tokens: tuple[Token, ...]
    is_list: bool


def split_lines(text: str) -> list[str]:
    """Lines as nbformat stores them: split at `\\n` only, each keeping it, the last maybe not."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _skip_whitespace(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    assert match is not None
    return match.end()


def _expect(text: str, index: int, char: str) -> int:
    index = _skip_whitespace(text, index)
    if not text.startswith(char, index):
        raise LayoutError(f"expected {char!r} at offset {index}")
    return index + 1


def _entries(text: str, index: int) -> list[tuple[str | None, int, int]]:
    """(key, start, end) of each value of the object or array opening at `index` (key None in
    an array); the values are skipped by the json module's scanner, not parsed here."""
    opening = text[_skip_whitespace(text, index)]
    closing = "}" if opening == "{" else "]"
    index = _skip_whitespace(text, _expect(text, index, opening))
    entries: list[tuple[str | None, int, int]] = []
    if text.startswith(closing, index):
        return entries
    while True:
        key = None
        if opening == "{":
            key, index = scanstring(text, _expect(text, index, '"'))
            index = _expect(text, index, ":")
        start = _skip_whitespace(text, index)
        _, end = _DECODER.raw_decode(text, start)
        entries.append((key, start, end))
        index = _skip_whitespace(text, end)
        if text.startswith(closing, index):
            return entries
        index = _expect(text, index, ",")


def _members(text: str, index: int) -> dict[str, int]:
    """Key -> where its value starts, for the object opening at `index`."""
    if not text.startswith("{", _skip_whitespace(text, index)):
        raise LayoutError(f"expected an object at offset {index}")
    return {key: start for key, start, _ in _entries(text, index) if key is not None}


def _string(text: str, start: int) -> Token:
    if not text.startswith('"', start):
        raise LayoutError(f"expected a string at offset {start}")
    value, end = scanstring(text, start + 1)
    return Token(start, end, value)


def _cell_source(text: str, start: int) -> CellSource | None:
    value_start = _members(text, start).get("source")
    if value_start is None:
        return None
    if text.startswith("[", value_start):
        tokens = tuple(_string(text, element_start) for _, element_start, _ in _entries(text, value_start))
        _, end = _DECODER.raw_decode(text, value_start)
        return CellSource(value_start, end, tokens, True)
    token = _string(text, value_start)
    return CellSource(value_start, token.end, (token,), False)


@functools.lru_cache(maxsize=8)
def cell_sources(text: str) -> dict[int, CellSource]:
    """Cell number (1-based) -> where its source lies, for every cell with a source."""
    top = _members(text, 0)
    if "cells" not in top or not text.startswith("[", top["cells"]):
        raise LayoutError("no cells")
    sources: dict[int, CellSource] = {}
    for number, (_, start, _) in enumerate(_entries(text, top["cells"]), start=1):
        if text.startswith("{", start):
            found = _cell_source(text, start)
            if found is not None:
                sources[number] = found
    return sources


def _raw_offset(token: str, index: int) -> int:
    """The offset in a JSON string token (quotes included) of the `index`-th decoded character."""
    position = 1
    for _ in range(index):
        if token[position] != "\\":
            position += 1
        elif token[position + 1] != "u":
            position += 2
        else:
            code = int(token[position + 2 : position + 6], 16)
            position += 6
            if 0xD800 <= code < 0xDC00 and token.startswith("\\u", position):  # a surrogate pair: one character
                position += 6
    return position


def _file_offset(text: str, cell: CellSource, line: int, column: int) -> int:
    """The offset in `text` of a 1-based (line, column) of the cell's source."""
    decoded = "".join(token.value for token in cell.tokens)
    lines = split_lines(decoded) or [""]
    line = min(max(line, 1), len(lines))
    index = sum(len(previous) for previous in lines[: line - 1]) + max(column, 1) - 1
    for token in cell.tokens:
        if index < len(token.value):
            return token.start + _raw_offset(text[token.start : token.end], index)
        index -= len(token.value)
    last = cell.tokens[-1] if cell.tokens else None
    return last.end - 1 if last is not None else cell.start  # the end of the source


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def file_span(text: str, cell: CellSource, span: Span) -> Span:
    """A span in the cell's source as a span in the notebook file."""
    line, column = _line_and_column(text, _file_offset(text, cell, span.line, span.column))
    end_line, end_column = _line_and_column(text, _file_offset(text, cell, span.end_line, span.end_column))
    return Span(line, column, end_line, end_column)


@functools.lru_cache(maxsize=8)
def _cell_texts(text: str) -> dict[int, str]:
    try:
        cells = json.loads(text)["cells"]
    except (ValueError, KeyError, TypeError):
        return {}
    texts: dict[int, str] = {}
    for number, cell in enumerate(cells, start=1):
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        texts[number] = "".join(source) if isinstance(source, list) else str(source)
    return texts


def text_of(source: str, diagnostic: Diagnostic) -> str:
    """The text `diagnostic.span` counts in: its cell's source in a notebook, else `source`."""
    if diagnostic.cell is None:
        return source
    return _cell_texts(source).get(diagnostic.cell, "")


def _list_layout(text: str, cell: CellSource, sources: Mapping[int, CellSource]) -> tuple[str, str, str]:
    """(after `[`, between items, before `]`) as the file writes a source list: this cell's
    own when it shows them, else another cell's."""
    lists = [sample for sample in (cell, *sources.values()) if sample.is_list]
    filled = next((sample for sample in lists if sample.tokens), None)
    if filled is None:
        return "", ",", ""
    opening = text[filled.start + 1 : filled.tokens[0].start]
    closing = text[filled.tokens[-1].end : filled.end - 1]
    several = next((sample for sample in lists if len(sample.tokens) > 1), None)
    if several is not None:
        separator = text[several.tokens[0].end : several.tokens[1].start]
    else:  # json.dumps with an indent puts `,` and what follows `[` between items
        separator = "," + opening if "\n" in opening else ","
    return opening, separator, closing


def _spell(line: str, spelled: Mapping[str, str], ensure_ascii: bool) -> str:
    """A JSON string for `line`: as the file spelled it when it was there before."""
    return spelled.get(line) or json.dumps(line, ensure_ascii=ensure_ascii)


def replace_sources(text: str, new_sources: Mapping[int, str]) -> str:
    """`text` with the sources of the given cells (by number) replaced, in the file's own layout.

    Lines that were there before keep their JSON spelling; new ones are escaped as the file is
    (non-ASCII characters escaped if and only if the file is all ASCII).
    """
    sources = cell_sources(text)
    ensure_ascii = text.isascii()
    pieces: list[str] = []
    position = 0
    for number in sorted(new_sources, key=lambda n: sources[n].start):
        cell = sources[number]
        spelled = {token.value: text[token.start : token.end] for token in cell.tokens}
        if cell.is_list:
            opening, separator, closing = _list_layout(text, cell, sources)
            items = [_spell(line, spelled, ensure_ascii) for line in split_lines(new_sources[number])]
            value = "[" + (opening + separator.join(items) + closing if items else "") + "]"
        else:
            value = _spell(new_sources[number], spelled, ensure_ascii)
        pieces += [text[position : cell.start], value]
        position = cell.end
    pieces.append(text[position:])
    return "".join(pieces)
