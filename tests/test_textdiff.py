"""Unified diffs: the engine's spliced spans give the same diff as matching the whole file."""

from __future__ import annotations

import difflib
import re

import pytest
from clirunner import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from glm_migrate.config import Settings
from glm_migrate.engine import migrate_bytes
from glm_migrate.tables import load_tables
from glm_migrate.textdiff import unified_diff

CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "before.py").is_file())
HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _difflib(path: str, source: str, output: str) -> str:
    lines = difflib.unified_diff(
        source.splitlines(keepends=True), output.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def _apply(diff: str, source: str) -> str:
    """Apply a unified diff to `source`, checking every context and removed line (and every
    hunk's counts) on the way."""
    old = source.splitlines(keepends=True)
    lines = diff.splitlines(keepends=True)
    assert not lines or (lines[0].startswith("--- a/") and lines[1].startswith("+++ b/"))
    result: list[str] = []
    position, index = 0, 2
    while index < len(lines):
        match = HUNK.fullmatch(lines[index].rstrip("\n"))
        assert match, lines[index]
        old_start, old_count, _, new_count = (int(g) if g is not None else 1 for g in match.groups())
        first = old_start - 1 if old_count else old_start
        assert first >= position
        result += old[position:first]
        position, seen_old, seen_new = first, 0, 0
        index += 1
        while index < len(lines) and not lines[index].startswith("@@"):
            line = lines[index]
            index += 1
            text = line[1:]
            if index < len(lines) and lines[index] == "\\ No newline at end of file\n":
                text, index = text[:-1], index + 1
            if line[0] in " -":
                assert old[position] == text, (old[position], text)
                position, seen_old = position + 1, seen_old + 1
            if line[0] in " +":
                result.append(text)
                seen_new += 1
        assert (seen_old, seen_new) == (old_count, new_count)
    return "".join(result + old[position:])


@pytest.mark.parametrize("case", CASES)
def test_fixture_diff_is_difflibs(case: str) -> None:
    result = migrate_bytes((FIXTURES / case / "before.py").read_bytes(), settings=Settings(), tables=load_tables())
    diff = unified_diff("x.py", result.source, result.output, result.replaced)
    assert diff == _difflib("x.py", result.source, result.output)
    assert _apply(diff, result.source) == result.output


LINES = st.lists(st.sampled_from(["a\n", "b\n", "x = 1\n", "\n", "    pass\n", "d\r\n", "e\r", "c"]), max_size=40)


@st.composite
def spliced(draw: st.DrawFn) -> tuple[str, str, list[tuple[int, int, int]]]:
    """A source, and an output made of it by replacing disjoint spans (possibly with the same text)."""
    source = "".join(draw(LINES))
    cuts = sorted(draw(st.lists(st.integers(0, len(source)), max_size=8)))
    pieces, replaced, position = [], [], 0
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        new = draw(st.sampled_from(["", "y", "z\n", "\nw = 2\n", source[start:end]]))
        pieces += [source[position:start], new]
        replaced.append((start, end, len(new)))
        position = end
    pieces.append(source[position:])
    return source, "".join(pieces), replaced


@settings(max_examples=300, deadline=None)
@given(spliced())
def test_windowed_diff_applies_back(case: tuple[str, str, list[tuple[int, int, int]]]) -> None:
    source, output, replaced = case
    diff = unified_diff("x.py", source, output, replaced)
    assert _apply(diff, source) == output
    assert (diff == "") == (source == output)


def test_spans_that_miss_a_change_fall_back_to_matching_everything() -> None:
    source, output = "a\nb\nc\n", "a\nB\nc\n"
    wrong = [(0, 1, 1)]  # claims only the first line changed
    assert unified_diff("x.py", source, output, wrong) == _difflib("x.py", source, output)
