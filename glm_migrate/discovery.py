"""Which files a run looks at: Python files, notebooks and configuration under the given paths,
minus what git ignores and what is excluded by default. Read-only.

Ignore rules are git's own (see `gitignore`): `.gitignore` files at every level, `.git/info/exclude`
and `core.excludesFile`. Inside a git work tree a tracked file is never skipped by them, as git
never ignores one: the tracked list comes from `git ls-files -z`, and without git the rules alone
decide.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import overload

from glm_migrate import gitignore
from glm_migrate.config_files import config_kind, data_kind
from glm_migrate.gitstate import git

#: Folder names never walked into (unless given as a path): version control, environments,
#: caches, build output.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "site-packages",
        "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".glm_migrate_cache",
        "build", "dist", ".eggs",
    }
)  # fmt: skip
#: of those, the ones that never hold sources: skipping them is not worth a mention
_UNCOUNTED_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".glm_migrate_cache"}
)
CODE_SUFFIXES = (".py", ".pyi", ".ipynb")
#: how much of a structured file is read to tell data from configuration
_SNIFF_BYTES = 4096


def _wanted(name: str) -> bool:
    return name.endswith(CODE_SUFFIXES) or config_kind(PurePath(name)) is not None


class FileList(Sequence[Path]):
    """Paths kept as text, each made a `Path` again when asked for. A `Path` a run has hashed,
    sorted and printed holds about 400 bytes (its parts, their case-folded copies, its text, its
    hash): the main process of a run over 10,000 files kept 4 MB of them, all the run long."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self._texts = list(texts)

    @overload
    def __getitem__(self, index: int) -> Path: ...
    @overload
    def __getitem__(self, index: slice) -> FileList: ...
    def __getitem__(self, index: int | slice) -> Path | FileList:
        if isinstance(index, slice):
            return FileList(self._texts[index])
        return Path(self._texts[index])

    def __len__(self) -> int:
        return len(self._texts)

    def texts(self) -> Sequence[str]:
        """The paths as text, without making a `Path` of each."""
        return self._texts


@dataclass
class Discovery:
    """The files to process, the paths given that cannot be, and what was skipped."""

    files: FileList = field(default_factory=FileList)
    #: (path given, why it cannot be processed): missing, a broken link, a link loop
    problems: list[tuple[Path, str]] = field(default_factory=list)
    #: folders given that hold no Python file or notebook
    empty: list[Path] = field(default_factory=list)
    ignored_files: int = 0  #: by .gitignore, info/exclude or core.excludesFile
    ignored_dirs: int = 0  #: folders not entered because they are ignored
    excluded_dirs: int = 0  #: by default (SKIPPED_DIRS, virtualenvs)
    excluded_files: int = 0  #: by `exclude` patterns
    data_files: int = 0  #: structured data, not configuration (see `config_files.data_kind`)

    @property
    def skipped(self) -> dict[str, int]:
        """The counts of what was skipped, by reason, for reports."""
        return {
            "ignored_files": self.ignored_files,
            "ignored_dirs": self.ignored_dirs,
            "excluded_dirs": self.excluded_dirs,
            "excluded_files": self.excluded_files,
            "data_files": self.data_files,
        }


def _problem(path: Path) -> str | None:
    """Why a path given cannot be walked or read, or None."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT:
            return "broken symbolic link" if os.path.islink(path) else "no such file or directory"
        return exc.strerror or str(exc)
    return None


def discover(
    paths: Sequence[Path],
    exclude: Sequence[str] = (),
    *,
    include: Sequence[str] = (),
    never: Sequence[Path] = (),
) -> Discovery:
    """The files under `paths` to process, sorted, each once (by its real path).

    A file named explicitly is taken even when ignored (as Ruff does without --force-exclude),
    unless an `exclude` pattern matches it. `include` patterns bring back data files skipped by
    default. `never`: files the run itself writes (baseline, report, ...), skipped wherever found.
    Symbolic links to folders are not followed, so a walk never loops or leaves the tree; a link
    to a file is taken as the file it points to.
    """
    result = Discovery()
    never_texts = {os.fspath(_real(p)) for p in never}
    walker = _Walker(result, gitignore.parse(exclude), gitignore.parse(include), never_texts)
    # real path -> (the path shown, reached through a link): a file found as itself is shown
    # under its own name, one reached only through a link under the link's; as text (see FileList)
    found: dict[str, tuple[str, bool]] = {}
    for path in paths:
        problem = _problem(path)
        if problem is not None:
            result.problems.append((path, problem))
            continue
        if path.is_dir():
            before = walker.code_files
            for shown, real, linked in walker.walk(path):
                if real not in found or (found[real][1] and not linked):
                    found[real] = (shown, linked)
            if walker.code_files == before:
                result.empty.append(path)
        else:
            real = os.fspath(_real(path))
            if real in walker.never or gitignore.is_ignored(walker.exclude, path.as_posix(), False):
                continue
            found.setdefault(real, (os.fspath(path), path.is_symlink()))
    result.files = FileList(sorted((shown for shown, _ in found.values()), key=_parts))
    return result


def _parts(text: str) -> list[str] | tuple[str, ...]:
    """A path's parts, which paths sort by as POSIX paths do (splitting the text costs less than
    a `PurePath` of each)."""
    if os.sep != "/" or text.startswith("//"):
        return PurePath(text).parts
    parts = text.split("/")
    if not parts[0]:
        parts[0] = "/"  # the root, as `PurePath.parts` names it
    return parts


def _real(path: Path) -> Path:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return path.absolute()


@dataclass
class _Repository:
    """The git work tree a walk is in: its ignore files above the walk and its tracked files."""

    top: Path
    outer: list[gitignore.IgnoreFile]  #: core.excludesFile, info/exclude: lowest precedence first
    tracked: frozenset[str] | None  #: paths relative to `top`; None without git
    tracked_dirs: frozenset[str]  #: every folder holding a tracked file ("a/b/")


def _read_ignore_file(path: Path, base: str) -> gitignore.IgnoreFile | None:
    try:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return None
    patterns = gitignore.parse_text(text)
    return gitignore.IgnoreFile(base, patterns) if patterns else None


def _git_dir(top: Path) -> Path | None:
    """The repository's common git folder (a worktree's or submodule's `.git` is a file)."""
    dot_git = top / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8")
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    git_dir = (top / text[len("gitdir:") :].strip()).resolve()
    try:
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    return (git_dir / common).resolve()


def _excludes_file(top: Path) -> Path | None:
    configured = git(top, "config", "--path", "--get", "core.excludesFile")
    if configured is not None and configured.strip():
        return Path(configured.strip()).expanduser()
    # unset (or no git): git's default
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(xdg) / "git" / "ignore"


def _repository(top: Path) -> _Repository:
    outer: list[gitignore.IgnoreFile] = []
    excludes_file = _excludes_file(top)
    git_dir = _git_dir(top)
    for source in (excludes_file, git_dir / "info" / "exclude" if git_dir else None):
        loaded = _read_ignore_file(source, "") if source is not None else None
        if loaded is not None:
            outer.append(loaded)
    listed = git(top, "ls-files", "-z", "--cached")
    tracked = None if listed is None else frozenset(name for name in listed.split("\0") if name)
    tracked_dirs: set[str] = set()
    for name in tracked or ():
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            tracked_dirs.add("/".join(parts[:depth]) + "/")
    return _Repository(top, outer, tracked, frozenset(tracked_dirs))


#: what the top of a virtualenv holds (venv, virtualenv, uv; POSIX and Windows layouts)
_VIRTUALENV_ENTRIES = frozenset(
    {
        "pyvenv.cfg", "bin", "Scripts", "lib", "Lib", "lib64", "include", "Include", "share", "etc", "man",
        ".gitignore", "CACHEDIR.TAG", ".lock", "pip-selfcheck.json",
    }
)  # fmt: skip


def _is_virtualenv(directory: str) -> bool:
    """A folder with a `pyvenv.cfg` and nothing else than a virtualenv holds: one holding more
    (`main.py`, `src/`, `pyproject.toml`) is a project whose virtualenv was made in its folder and
    committed with it (`python -m venv .`), walked: its packages lie in `Lib/site-packages` or
    `lib/python3.x/site-packages`, skipped by name."""
    if not os.path.isfile(os.path.join(directory, "pyvenv.cfg")):
        return False
    try:
        with os.scandir(directory) as entries:
            return all(e.name in _VIRTUALENV_ENTRIES for e in entries)
    except OSError:
        return True


def _is_top(directory: Path) -> bool:
    return os.path.lexists(directory / ".git")


class _Walker:
    """Walks folders, applying ignore rules, default excludes and the data-file rule."""

    def __init__(
        self,
        result: Discovery,
        exclude: tuple[gitignore.Pattern, ...],
        include: tuple[gitignore.Pattern, ...],
        never: set[str],
    ) -> None:
        self.result = result
        self.exclude = (gitignore.IgnoreFile("", exclude),) if exclude else ()
        self.include = (gitignore.IgnoreFile("", include),) if include else ()
        self.never = never
        self.code_files = 0
        self._repositories: dict[Path, _Repository] = {}

    def _repository(self, top: Path) -> _Repository:
        if top not in self._repositories:
            self._repositories[top] = _repository(top)
        return self._repositories[top]

    def walk(self, root: Path) -> Iterator[tuple[str, str, bool]]:
        """(path shown, real path, reached through a link) of each file to process under `root`."""
        absolute = root.resolve()
        top = next((d for d in (absolute, *absolute.parents) if _is_top(d)), None)
        repository = self._repository(top) if top is not None else None
        base = top or Path(absolute.anchor)
        # The .gitignore files from the top down to the root apply to what lies below the root.
        ignores = list(repository.outer) if repository else []
        for folder in reversed([absolute, *absolute.parents]):
            if folder == base or base in folder.parents:
                loaded = _read_ignore_file(folder / ".gitignore", _relative_dir(folder, base))
                if loaded is not None:
                    ignores.append(loaded)
        yield from self._walk(absolute, os.fspath(root), "", base, repository, ignores, inside_ignored=False)

    def _walk(
        self,
        absolute: Path,
        shown: str,
        relative: str,
        base: Path,
        repository: _Repository | None,
        ignores: list[gitignore.IgnoreFile],
        *,
        inside_ignored: bool,
    ) -> Iterator[tuple[str, str, bool]]:
        """`shown`: the folder as the paths shown start; `relative`: from the root given, as
        "a/b/" (for `exclude`/`include`); `base`: the work tree's top (for ignore rules).
        `inside_ignored`: only tracked files count here. Paths are text, a `Path` made only
        per folder: making one per file was most of a walk's time."""
        try:
            entries = sorted(os.scandir(absolute), key=lambda e: e.name)
        except OSError:
            return
        from_top = _relative_dir(absolute, base)
        tracked = repository.tracked if repository is not None else None
        shown_prefix = "" if shown == "." else shown if shown.endswith(os.sep) else shown + os.sep
        for entry in entries:
            is_dir = entry.is_dir(follow_symlinks=False)
            if not is_dir and not _wanted(entry.name):
                continue  # before any path is made: most files of a tree are not wanted
            entry_relative = relative + entry.name
            entry_shown = shown_prefix + entry.name
            path_from_top = from_top + entry.name
            if is_dir:
                if entry.name in SKIPPED_DIRS or _is_virtualenv(entry.path):
                    self.result.excluded_dirs += entry.name not in _UNCOUNTED_DIRS
                    continue
                if self._excluded(entry_relative, is_dir=True):
                    continue
                entry_absolute = absolute / entry.name
                if _is_top(entry_absolute):  # a repository of its own: its rules, its tracked files
                    nested = self._repository(entry_absolute)
                    own = _read_ignore_file(entry_absolute / ".gitignore", "")
                    yield from self._walk(
                        entry_absolute,
                        entry_shown,
                        entry_relative + "/",
                        entry_absolute,
                        nested,
                        [*nested.outer, *([own] if own else [])],
                        inside_ignored=False,
                    )
                    continue
                ignored = inside_ignored or gitignore.is_ignored(ignores, path_from_top, True)
                if ignored and (repository is None or path_from_top + "/" not in repository.tracked_dirs):
                    self.result.ignored_dirs += 1
                    continue
                below = ignores
                if not ignored:
                    own = _read_ignore_file(entry_absolute / ".gitignore", path_from_top + "/")
                    below = [*ignores, own] if own is not None else ignores
                yield from self._walk(
                    entry_absolute,
                    entry_shown,
                    entry_relative + "/",
                    base,
                    repository,
                    below,
                    inside_ignored=ignored,
                )
                continue
            linked = entry.is_symlink()
            if linked:
                try:
                    if not entry.is_file():  # a link to a folder, broken, or a loop
                        continue
                    real = os.fspath(Path(entry.path).resolve(strict=True))
                except (OSError, RuntimeError):
                    continue
            else:
                real = entry.path
            if real in self.never:
                continue
            if inside_ignored or gitignore.is_ignored(ignores, path_from_top, False):
                if tracked is None or path_from_top not in tracked:
                    self.result.ignored_files += 1
                    continue
            if self._excluded(entry_relative, is_dir=False):
                self.result.excluded_files += 1
                continue
            if entry.name.endswith(CODE_SUFFIXES):  # never data (see `data_kind`)
                self.code_files += 1
            else:
                # data folders are recognised by their names within the repository, not above it
                where = PurePath(path_from_top if repository is not None else entry_relative)
                if not self._included(entry_relative) and data_kind(where, _head(real)):
                    self.result.data_files += 1
                    continue
            yield entry_shown, real, linked

    def _excluded(self, relative: str, *, is_dir: bool) -> bool:
        """`relative`: a POSIX path from the root given."""
        return bool(self.exclude) and gitignore.is_ignored(self.exclude, relative, is_dir)

    def _included(self, relative: str) -> bool:
        """Whether an `include` pattern matches the file (a POSIX path from the root given) or a
        folder it is in."""
        if not self.include:
            return False
        parts = relative.split("/")
        return any(
            gitignore.is_ignored(self.include, "/".join(parts[:depth]), depth < len(parts))
            for depth in range(1, len(parts) + 1)
        )


def _relative_dir(folder: Path, base: Path) -> str:
    """`folder` relative to `base` as "a/b/" ("" for `base` itself)."""
    relative = folder.relative_to(base).as_posix()
    return "" if relative == "." else relative + "/"


def _head(path: str) -> bytes:
    if config_kind(PurePath(path)) != "settings":
        return b""
    try:
        with open(path, "rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        return b""
