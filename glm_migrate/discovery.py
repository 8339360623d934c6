"""Which files a run looks at: Python files under the given paths, minus ignored ones. Read-only."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pathspec

from glm_migrate.config_files import config_kind

#: Directory names never walked into: version control, environments, caches, build output.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "site-packages",
        "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".glm_migrate_cache",
        "build", "dist", ".eggs",
    }
)  # fmt: skip
SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")


def _wanted(name: str) -> bool:
    return name.endswith(SOURCE_SUFFIXES) or config_kind(PurePath(name)) is not None


@dataclass
class Discovery:
    """The files to process, and the paths given that do not exist."""

    files: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)


def _spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _read_gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return _spec(text.splitlines())


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def discover(paths: Sequence[Path], exclude: Sequence[str] = ()) -> Discovery:
    """Python files under `paths`, sorted, honouring .gitignore files and `exclude` globs.

    A file named explicitly is taken even when ignored (as Ruff does without --force-exclude),
    unless an `exclude` glob matches it. Symbolic links are not followed while walking, so a run
    never leaves the tree and never writes through a link.
    """
    result = Discovery()
    user_spec = _spec(exclude)
    seen: set[Path] = set()
    for path in paths:
        if not path.exists() and not path.is_symlink():
            result.missing.append(path)
            continue
        if path.is_dir():
            found: Iterator[tuple[Path, Path]] = _walk(path, user_spec)
        elif not user_spec.match_file(path.as_posix()):
            found = iter([(path, path.resolve())])
        else:
            continue
        for file, key in found:
            if key not in seen:
                seen.add(key)
                result.files.append(file)
    result.files.sort()
    return result


def _walk(root: Path, user_spec: pathspec.GitIgnoreSpec) -> Iterator[tuple[Path, Path]]:
    """(path as found under `root`, its resolved path) for each file wanted. Links are not
    followed below the resolved root, so the resolved path is the root's plus the relative one."""
    # Each .gitignore applies to paths relative to its own directory; those above the root count
    # up to the repository's top.
    absolute_root = root.resolve()
    ignores: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    for parent in reversed(absolute_root.parents):
        spec = _read_gitignore(parent)
        if (parent / ".git").exists():
            ignores = []
        if spec is not None:
            ignores.append((parent, spec))
    yield from _walk_dir(absolute_root, root, Path(), ignores, user_spec)


def _ignored(absolute: Path, is_dir: bool, ignores: list[tuple[Path, pathspec.GitIgnoreSpec]]) -> bool:
    for base, spec in ignores:
        relative = absolute.relative_to(base).as_posix()
        if spec.match_file(relative + ("/" if is_dir else "")):
            return True
    return False


def _walk_dir(
    absolute: Path,
    root: Path,
    relative: Path,
    ignores: list[tuple[Path, pathspec.GitIgnoreSpec]],
    user_spec: pathspec.GitIgnoreSpec,
) -> Iterator[tuple[Path, Path]]:
    own = _read_gitignore(absolute)
    if own is not None:
        ignores = [*ignores, (absolute, own)]
    try:
        entries = sorted(os.scandir(absolute), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            continue
        entry_absolute = absolute / entry.name
        entry_relative = relative / entry.name
        posix = entry_relative.as_posix()
        if entry.is_dir():
            if entry.name in SKIPPED_DIRS or _is_virtualenv(entry_absolute):
                continue
            if user_spec.match_file(posix + "/") or _ignored(entry_absolute, True, ignores):
                continue
            yield from _walk_dir(entry_absolute, root, entry_relative, ignores, user_spec)
        elif _wanted(entry.name):
            if not user_spec.match_file(posix) and not _ignored(entry_absolute, False, ignores):
                yield root / entry_relative, entry_absolute
