"""Unified diffs of a file's source and output, made where the file is migrated (in a worker)."""

from __future__ import annotations

from pathlib import Path


def unified_diff(path: Path | str, source: str, output: str) -> str:
    import difflib  # only dry runs show diffs: not on every run's start-up

    lines = difflib.unified_diff(
        source.splitlines(keepends=True),
        output.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
