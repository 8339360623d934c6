"""A content-hash cache of per-file results, so that re-running over unchanged files is cheap.

An entry is keyed by the file's bytes, glm-migrate's code and tables, the versions of LibCST and
Python, the LibCST implementation in use (stock or fast), and the settings; any change to one of
them is a miss. Entries live in a database in `.glm_migrate_cache/` in the project's root (which
ignores itself in git). The cache is best
effort: any error reading or writing it counts as a miss.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from glm_migrate import __version__
from glm_migrate.config import CACHE_DIR_NAME, Settings
from glm_migrate.cst import implementation_name
from glm_migrate.diagnostics import Diagnostic, Replaced, pickled_by_fields
from glm_migrate.digest import blake2b
from glm_migrate.project import ModuleSummary
from glm_migrate.tables import TABLE_FILES, tables_dir

__all__ = ["CACHE_DIR_NAME", "Cache", "CachedResult", "fingerprint"]


@dataclass(frozen=True, slots=True)
class CachedResult:
    """What the cache keeps of one file's result."""

    __reduce__ = pickled_by_fields

    diagnostics: tuple[Diagnostic, ...]
    error: str | None
    output: str | None  #: the migrated text, only when the file changes
    encoding: str
    replaced: tuple[Replaced, ...] | None = None  #: see `MigrationResult.replaced`
    summary: ModuleSummary | None = None  #: see `MigrationResult.summary`
    #: notebooks: (cell number, old source, new source) per changed cell
    cells: tuple[tuple[int, str, str], ...] = ()


def fingerprint(settings: Settings, *, edits: bool = True) -> bytes:
    """What, besides the file itself, decides a result: glm-migrate's code and tables, the
    versions of LibCST and Python, the LibCST implementation in use (`glm_migrate.cst`), and
    the settings."""
    digest = blake2b(__version__.encode(), digest_size=16)
    digest.update(_code_digest())
    digest.update(f"{sys.version}\0{_libcst_version()}\0{implementation_name()}\0".encode())
    directory = tables_dir()
    for name in TABLE_FILES:
        try:
            digest.update((directory / f"{name}.toml").read_bytes())
        except OSError:
            digest.update(name.encode())
    digest.update(f"{settings!r} edits={edits}".encode())
    return digest.digest()


@functools.cache
def _code_digest() -> bytes:
    """glm-migrate's own modules: a changed rule (its message, say) must not answer from the cache.

    Each module by its size and modification time, as Python itself decides whether a module's
    bytecode is current: reading and hashing every module took a tenth of checking one file."""
    package = Path(__file__).resolve().parent
    digest = blake2b(digest_size=16)
    for name, size, modified in sorted(_module_stats(str(package), "")):
        digest.update(f"{name}\0{size}\0{modified}\0".encode("utf-8", "surrogateescape"))
    return digest.digest()


def _module_stats(folder: str, prefix: str) -> Iterator[tuple[str, int, int]]:
    """(path relative to the package, size, modification time in ns) of each module under `folder`."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        with suppress(OSError):
            if entry.name.endswith(".py") and entry.is_file():
                stat = entry.stat()
                yield prefix + entry.name, stat.st_size, stat.st_mtime_ns
            elif entry.is_dir() and entry.name != "__pycache__":
                yield from _module_stats(entry.path, f"{prefix}{entry.name}/")


def _libcst_version() -> str:
    """LibCST's version, read without importing it (a cached run need not load it)."""
    spec = importlib.util.find_spec("libcst")
    if spec is None or spec.origin is None:
        return "none"
    try:
        return (Path(spec.origin).parent / "_version.py").read_text(encoding="utf-8")
    except OSError:
        return spec.origin


class Cache:
    """Results in one SQLite database per glm-migrate version, shared by every worker process.

    One file instead of one per entry: creating thousands of small files from two processes at
    once took about 6% of a cold dry run in the kernel (sampled with py-spy); the inserts into
    one database take about 2%. WAL mode lets a run read while another writes;
    `synchronous=NORMAL` skips the flush to disk per entry (the database stays whole if the
    machine stops, at worst losing the last entries, which a cache can afford).
    """

    def __init__(self, root: Path, settings: Settings, *, edits: bool = True) -> None:
        self.root = root
        self.path = root / f"results-{__version__}.sqlite"
        #: keys each entry together with the file's bytes
        self._salt = fingerprint(settings, edits=edits)
        self._connection: sqlite3.Connection | None = None
        #: the process the connection belongs to: a forked worker must not use its parent's
        self._pid = 0
        self._unusable = False

    def _database(self) -> sqlite3.Connection | None:
        if self._connection is not None:
            if self._pid == os.getpid():
                return self._connection
            # Inherited through fork: closing it here could checkpoint or delete what the parent
            # still uses (sqlite.org/howtocorrupt.html, 2.6), so it is kept, unused.
            _inherited.append(self._connection)
            self._connection = None
        if self._unusable:
            return None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by glm-migrate\n*\n", encoding="utf-8")
            try:
                connection = _open(self.path)
            except sqlite3.OperationalError:
                raise  # locked or unreachable, not damaged: another run's entries stay
            except sqlite3.DatabaseError:  # not a database, or a damaged one: start again
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                connection = _open(self.path)
        except (OSError, sqlite3.Error):
            self._unusable = True  # a read-only tree, a full disk, a network drive: run without
            return None
        self._connection, self._pid = connection, os.getpid()
        return connection

    def _key(self, data: bytes, context: str) -> bytes:
        digest = blake2b(data, digest_size=20, key=self._salt)
        if context:
            # files hold no NUL byte (they are refused before this), so the two cannot run together
            digest.update(b"\0" + context.encode())
        return digest.digest()

    def get(self, data: bytes, context: str = "") -> CachedResult | None:
        """The result for these bytes; `context`: what else decided it ("ipynb" keeps results of
        other file kinds apart; a module's project facts)."""
        database = self._database()
        if database is None:
            return None
        try:
            key = self._key(data, context)
            row = database.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            value = None if row is None else pickle.loads(row[0])
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        return value if isinstance(value, CachedResult) else None

    def put(self, data: bytes, result: CachedResult, context: str = "") -> None:
        database = self._database()
        if database is None:
            return
        value = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        # Locked by another run for too long, or the disk is full: this entry is skipped.
        with suppress(sqlite3.Error):
            database.execute("INSERT OR REPLACE INTO results VALUES (?, ?)", (self._key(data, context), value))


#: how long a write waits for another process's write to finish
_BUSY_SECONDS = 5.0
#: connections a forked process inherited (see Cache._database)
_inherited: list[sqlite3.Connection] = []


def _open(path: Path) -> sqlite3.Connection:
    """Connect, and switch a new database to WAL and create its table (or check that it was).

    Workers start together and may all find the database new. Turning on WAL takes an exclusive
    lock, and SQLite answers "locked" at once, without waiting, to all but one of them; once one
    has done it, a retry finds the work done.
    """
    connection = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None)
    retry_delays = iter((0.01, 0.02, 0.05, 0.1, 0.2, 0.5))
    try:
        while True:
            try:
                for statement in _SET_UP:
                    connection.execute(statement)
                return connection
            except sqlite3.OperationalError:
                delay = next(retry_delays, None)
                if delay is None:
                    raise
                time.sleep(delay)
    except sqlite3.Error:
        connection.close()
        raise


_SET_UP = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID",
)
