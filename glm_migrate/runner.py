"""Runs the engine over files, in worker processes when there are many. Reads, never writes."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Diagnostic

#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 32


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file's outcome. `original`/`output` are kept only when the file changes."""

    path: Path
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    original: bytes | None = None  #: the bytes read, to detect edits made during the run
    source: str | None = None
    output: str | None = None
    encoding: str = "utf-8"

    @property
    def changed(self) -> bool:
        return self.output is not None

    @property
    def output_bytes(self) -> bytes:
        assert self.output is not None
        return self.output.encode(self.encoding)


def migrate_file(path: Path, settings: Settings) -> FileReport:
    """Read one file and migrate it; any failure becomes the report's `error`, never an exception."""
    # Imported here so that a worker process pays for LibCST only when it has work.
    from glm_migrate.engine import migrate_bytes
    from glm_migrate.tables import load_tables

    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileReport(path, error=f"cannot read: {exc.strerror or exc}")
    if b"\x00" in data:
        return FileReport(path, error="contains null bytes; not a Python source file")
    try:
        result = migrate_bytes(data, settings=settings.for_file(path), tables=load_tables())
    except RecursionError:
        return FileReport(path, error="too deeply nested for the parser")
    except Exception as exc:  # a bug in a rule: one bad file must not stop the run
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return FileReport(path, error=f"internal error: {detail}")
    if result.error is not None:
        return FileReport(path, result.diagnostics, error=result.error)
    if not result.changed:
        # the source is kept for files with findings: baselines and secret redaction read it
        return FileReport(path, result.diagnostics, source=result.source if result.diagnostics else None)
    return FileReport(path, result.diagnostics, None, data, result.source, result.output, result.encoding)


def default_jobs() -> int:
    return os.cpu_count() or 1


def run(
    files: Sequence[Path],
    settings: Settings,
    *,
    jobs: int,
    process: Callable[[Path, Settings], FileReport] = migrate_file,
) -> Iterator[FileReport]:
    """Reports in the order of `files`, streamed so that no more than a window is held at once."""
    if jobs <= 1 or len(files) < PARALLEL_THRESHOLD:
        for path in files:
            yield process(path, settings)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, min(64, len(files) // (jobs * 8)))
        yield from pool.map(process, files, [settings] * len(files), chunksize=chunk)
