"""A content-hash cache of per-file results, so that re-running over unchanged files is cheap.

An entry is keyed by the file's bytes, glm-migrate's version, the data tables and the settings;
any change to one of them is a miss. Entries live in `.glm_migrate_cache/` (which ignores itself
in git). The cache is best effort: any error reading or writing it counts as a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from glm_migrate import __version__
from glm_migrate.config import Settings
from glm_migrate.diagnostics import Diagnostic, pickled_by_fields
from glm_migrate.tables import TABLE_FILES, tables_dir

CACHE_DIR_NAME = ".glm_migrate_cache"


@dataclass(frozen=True, slots=True)
class CachedResult:
    __reduce__ = pickled_by_fields

    diagnostics: tuple[Diagnostic, ...]
    error: str | None
    output: str | None  #: the migrated text, only when the file changes
    encoding: str


def fingerprint(settings: Settings, *, edits: bool = True) -> str:
    """What, besides the file itself, decides a result: version, tables and settings."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    directory = tables_dir()
    for name in TABLE_FILES:
        try:
            digest.update((directory / f"{name}.toml").read_bytes())
        except OSError:
            digest.update(name.encode())
    digest.update(f"{settings!r} edits={edits}".encode())
    return digest.hexdigest()


class Cache:
    def __init__(self, root: Path, settings: Settings, *, edits: bool = True) -> None:
        self.directory = root / __version__
        self.fingerprint = fingerprint(settings, edits=edits)
        #: folders this process has made sure exist (with the .gitignore): checked once each
        self._ready: set[Path] = set()

    def _path(self, data: bytes) -> Path:
        key = hashlib.blake2b(data, digest_size=20, key=self.fingerprint.encode()[:64]).hexdigest()
        return self.directory / key[:2] / key

    def get(self, data: bytes) -> CachedResult | None:
        try:
            with open(self._path(data), "rb") as handle:
                value = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        return value if isinstance(value, CachedResult) else None

    def put(self, data: bytes, result: CachedResult) -> None:
        path = self._path(data)
        try:
            if path.parent not in self._ready:
                path.parent.mkdir(parents=True, exist_ok=True)
                ignore = self.directory.parent / ".gitignore"
                if not ignore.exists():
                    ignore.write_text("# Created by glm-migrate\n*\n", encoding="utf-8")
                self._ready.add(path.parent)
            # One process writes one entry at a time: its pid makes the temporary name unique.
            temporary = path.with_name(f".entry.{os.getpid()}")
            with open(temporary, "wb") as handle:
                handle.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only tree or a full disk: run without the cache
