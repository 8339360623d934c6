"""Unified diffs of a file's source and output, made where the file is migrated (in a worker)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate
from pathlib import Path

from glm_migrate.diagnostics import Replaced

#: lines of context around each change, as `diff -u` and difflib show
CONTEXT = 3

#: difflib's opcodes: (tag, a start, a end, b start, b end)
_Opcode = tuple[str, int, int, int, int]


def unified_diff(path: Path | str, source: str, output: str, replaced: Sequence[Replaced] | None = None) -> str:
    """The diff of `source` and `output`, as `difflib.unified_diff` makes it.

    With `replaced` (the engine's spliced spans, in source order), only the lines around those
    spans are compared: matching a whole file's lines costs more than the rest of the report.
    """
    old, new = source.splitlines(keepends=True), output.splitlines(keepends=True)
    groups = _windowed_groups(old, new, replaced) if replaced else None
    if groups is None:
        groups = _groups(old, new)
    return "".join(_format(path, old, new, groups))


def _groups(old: list[str], new: list[str]) -> list[list[_Opcode]]:
    """difflib's opcodes of the two texts' lines, in hunks."""
    import difflib  # only dry runs show diffs: not on every run's start-up

    return list(difflib.SequenceMatcher(None, old, new).get_grouped_opcodes(CONTEXT))


def _windowed_groups(old: list[str], new: list[str], replaced: Sequence[Replaced]) -> list[list[_Opcode]] | None:
    """The hunks' opcodes from matching only the lines each replaced span touches, with their
    context; None if the spans do not account for every difference."""
    old_starts = list(accumulate(map(len, old), initial=0))
    new_starts = list(accumulate(map(len, new), initial=0))
    # Changed lines, as [first, last] line ranges in both texts; ranges less than two contexts
    # apart share a hunk, as difflib would give them.
    windows: list[list[int]] = []
    shift = 0
    for start, end, length in replaced:
        new_start = start + shift
        shift += length - (end - start)
        window = [
            bisect_right(old_starts, start) - 1,
            bisect_right(old_starts, max(start, end - 1)) - 1,
            bisect_right(new_starts, new_start) - 1,
            bisect_right(new_starts, max(new_start, new_start + length - 1)) - 1,
        ]
        if windows and window[0] - windows[-1][1] <= 2 * CONTEXT + 1:
            windows[-1][1], windows[-1][3] = max(windows[-1][1], window[1]), max(windows[-1][3], window[3])
        else:
            windows.append(window)
    groups: list[list[_Opcode]] = []
    previous_old = previous_new = 0
    for old_first, old_last, new_first, new_last in windows:
        # Between windows the texts are the same; if not, the spans were not the whole story.
        if old[previous_old:old_first] != new[previous_new:new_first]:
            return None
        low = max(0, old_first - CONTEXT)
        old_end, new_end = min(len(old), old_last + 1 + CONTEXT), min(len(new), new_last + 1 + CONTEXT)
        new_low = new_first - (old_first - low)
        for group in _groups(old[low:old_end], new[new_low:new_end]):
            groups.append([(tag, a + low, b + low, c + new_low, d + new_low) for tag, a, b, c, d in group])
        previous_old, previous_new = old_last + 1, new_last + 1
    if old[previous_old:] != new[previous_new:]:
        return None
    return groups


def _headers(path: Path | str) -> tuple[str, str]:
    """`a/<path>` and `b/<path>` for a path relative to the current folder (or under it, made
    relative), as git writes them; an absolute path elsewhere as it is, without the prefixes."""
    shown = Path(path)
    if shown.is_absolute():
        try:
            shown = shown.relative_to(Path.cwd())
        except ValueError:
            return str(path), str(path)
    return f"a/{shown.as_posix()}", f"b/{shown.as_posix()}"


def _format(path: Path | str, old: list[str], new: list[str], groups: list[list[_Opcode]]) -> Iterator[str]:
    if not groups:
        return
    before, after = _headers(path)
    yield f"--- {before}\n+++ {after}\n"
    for group in groups:
        (_, old_low, _, new_low, _), (_, _, old_high, _, new_high) = group[0], group[-1]
        yield f"@@ -{_range(old_low, old_high)} +{_range(new_low, new_high)} @@\n"
        for tag, old_first, old_end, new_first, new_end in group:
            if tag == "equal":
                yield from (_line(" ", line) for line in old[old_first:old_end])
                continue
            if tag in ("replace", "delete"):
                yield from (_line("-", line) for line in old[old_first:old_end])
            if tag in ("replace", "insert"):
                yield from (_line("+", line) for line in new[new_first:new_end])


def _line(prefix: str, line: str) -> str:
    return prefix + line if line.endswith(("\n", "\r")) else f"{prefix}{line}\n\\ No newline at end of file\n"


def _range(start: int, stop: int) -> str:
    """A hunk's line range as `diff -u` writes it (difflib's `_format_range_unified`)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return str(beginning)
    if not length:
        beginning -= 1  # an empty range begins at the line before
    return f"{beginning},{length}"
