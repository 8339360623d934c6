"""Which files have uncommitted changes in git: applying in place refuses to touch those.

Read-only: runs `git rev-parse` and `git status` (discovery adds `git ls-files` and
`git config --get`), nothing else. A path outside any repository, or
a machine without git, has nothing to protect and is reported clean.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

_TIMEOUT = 60


def git(directory: Path, *args: str) -> str | None:
    """git's output (names that are not UTF-8 kept as surrogate escapes), or None when git is
    missing, fails or takes too long."""
    import subprocess  # not on the start-up of a run outside git

    try:
        done = subprocess.run(
            # literal pathspecs: a folder named like a glob (`[a]`, `*`) is just that folder
            ["git", "--literal-pathspecs", "-C", str(directory), *args],
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None


def _toplevel(directory: Path) -> Path | None:
    out = git(directory, "rev-parse", "--show-toplevel")
    return Path(out.strip()).resolve() if out else None


def _status(root: Path, files: list[Path]) -> set[Path]:
    """Files under `root` that are modified, staged, untracked or in conflict."""
    dirty: set[Path] = set()
    # Pathspecs per folder keep the command short however many files there are.
    folders = sorted({str(f.parent) for f in files})
    out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *folders)
    if out is None:
        return dirty
    entries = out.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        state, name = entry[:2], entry[3:]
        if "R" in state or "C" in state:
            index += 1  # a rename is followed by its old name
        if state != "!!":
            dirty.add((root / name).resolve())
    return dirty


def uncommitted(files: Iterable[Path]) -> list[Path]:
    """Those of `files` that have uncommitted changes (or are not committed at all), in order."""
    wanted = {path: path.resolve() for path in files}
    by_root: dict[Path, list[Path]] = {}
    toplevels: dict[Path, Path | None] = {}
    for resolved in wanted.values():
        folder = resolved.parent
        if folder not in toplevels:
            toplevels[folder] = _toplevel(folder)
        root = toplevels[folder]
        if root is not None:
            by_root.setdefault(root, []).append(resolved)
    dirty: set[Path] = set()
    for root, members in by_root.items():
        dirty |= _status(root, members)
    return [path for path, resolved in wanted.items() if resolved in dirty]
