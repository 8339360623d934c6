"""Runs the engine over files, in worker processes when there are many. Reads, never writes."""

from __future__ import annotations

import gc
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from glm_migrate.cache import Cache, CachedResult
from glm_migrate.config import Settings
from glm_migrate.config_files import MAX_CONFIG_BYTES, config_kind, dependency_findings, scan_config
from glm_migrate.diagnostics import Diagnostic, pickled_by_fields
from glm_migrate.textdiff import unified_diff

#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 32


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file's outcome. `original`/`output` are kept only when the file changes."""

    __reduce__ = pickled_by_fields

    path: Path
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    original: bytes | None = None  #: the bytes read, to detect edits made during the run
    source: str | None = None
    output: str | None = None
    encoding: str = "utf-8"
    #: notebooks: (cell number, old source, new source) per changed cell, for a per-cell diff
    cells: tuple[tuple[int, str, str], ...] = ()
    #: the unified diff of a changed Python file, when the run shows diffs (made in the worker)
    diff: str | None = None
    #: the file changes, though its output is no longer kept (see `without_texts`)
    output_dropped: bool = False

    @property
    def changed(self) -> bool:
        return self.output is not None or self.output_dropped

    def without_texts(self) -> FileReport:
        """This report without the bytes read, the source and the output, which a large run
        need not hold until its end when nothing it reports quotes them."""
        return replace(self, original=None, source=None, output=None, diff=None, output_dropped=self.changed)

    @property
    def output_bytes(self) -> bytes:
        assert self.output is not None
        return self.output.encode(self.encoding)


def migrate_file(
    path: Path, settings: Settings, cache_root: Path | None = None, edits: bool = True, diffs: bool = False
) -> FileReport:
    """Read one file and migrate it; any failure becomes the report's `error`, never an exception.

    `edits`: give each fix's text edit (for the machine formats that show them). `diffs`: give a
    changed Python file's unified diff, made here so that workers share the work.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileReport(path, error=f"cannot read: {exc.strerror or exc}")
    if b"\x00" in data:
        return FileReport(path, error="contains null bytes; not a Python source file")
    settings = settings.for_file(path)
    if path.suffix == ".ipynb":
        return _migrate_notebook(path, data, settings)
    if config_kind(path) is not None and path.suffix not in (".py", ".pyi"):
        return _scan_config(path, data, settings)
    cache = _cache(cache_root, settings, edits)
    cached = cache.get(data) if cache else None
    if cached is None:
        cached = _migrate(data, settings, edits)
        if cache is not None:
            cache.put(data, cached)
    if path.name == "setup.py":
        # a Python file and a dependency manifest: its `install_requires` pins are GLM404's
        pins = dependency_findings(path.name, data.decode(cached.encoding, errors="replace"), settings)
        cached = replace(cached, diagnostics=(*cached.diagnostics, *pins))
    if cached.error is not None:
        return FileReport(path, cached.diagnostics, error=cached.error)
    if cached.output is None:
        # the source is kept for files with findings: baselines and secret redaction read it
        source = data.decode(cached.encoding, errors="replace") if cached.diagnostics else None
        return FileReport(path, cached.diagnostics, source=source)
    source = data.decode(cached.encoding)
    diff = unified_diff(path, source, cached.output, cached.replaced) if diffs else None
    return FileReport(path, cached.diagnostics, None, data, source, cached.output, cached.encoding, diff=diff)


def _migrate_notebook(path: Path, data: bytes, settings: Settings) -> FileReport:
    from glm_migrate.notebook import migrate_notebook
    from glm_migrate.tables import load_tables

    try:
        result = migrate_notebook(data, settings=settings, tables=load_tables())
    except Exception as exc:  # a bug in a rule: one bad file must not stop the run
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return FileReport(path, error=f"internal error: {detail}")
    if result.output is None:
        return FileReport(path, result.diagnostics, error=result.error, cells=result.changed_cells)
    return FileReport(
        path,
        result.diagnostics,
        result.error,
        data,
        data.decode("utf-8"),
        result.output.decode("utf-8"),
        cells=result.changed_cells,
    )


def _scan_config(path: Path, data: bytes, settings: Settings) -> FileReport:
    from glm_migrate.tables import load_tables

    tables = load_tables()
    if len(data) > MAX_CONFIG_BYTES or not tables.mentions_trigger(data):
        return FileReport(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return FileReport(path)  # not a text configuration file
    output, diagnostics = scan_config(path, text, tables=tables, settings=settings)
    if output == text:
        return FileReport(path, tuple(diagnostics))
    return FileReport(path, tuple(diagnostics), None, data, text, output)


def _migrate(data: bytes, settings: Settings, edits: bool) -> CachedResult:
    from glm_migrate.tables import load_tables

    if not load_tables().mentions_trigger(data):
        return CachedResult((), None, None, "utf-8")
    # Imported only now: a run over files with nothing to migrate never loads LibCST.
    from glm_migrate.engine import migrate_bytes

    try:
        with _collected_once():
            result = migrate_bytes(data, settings=settings, tables=load_tables(), edits=edits)
    except RecursionError:
        return CachedResult((), "too deeply nested for the parser", None, "utf-8")
    except Exception as exc:  # a bug in a rule: one bad file must not stop the run
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return CachedResult((), f"internal error: {detail}", None, "utf-8")
    if result.changed and result.error is None:
        return CachedResult(result.diagnostics, None, result.output, result.encoding, result.replaced)
    return CachedResult(result.diagnostics, result.error, None, result.encoding)


@contextmanager
def _collected_once() -> Iterator[None]:
    """Run Python's cycle collector once per file instead of while the file is parsed.

    Left on, the collector traces the tree being built again and again as the parse allocates
    it: about a twentieth of a dense file's time, for nothing, since the engine breaks its own
    reference cycles and reference counting frees each tree. Collecting the youngest generation
    afterwards takes what cycles libraries leave (the standard library's `literal_eval` makes
    some) without tracing what older generations hold, such as the reports kept so far.
    """
    if not gc.isenabled():  # the embedding program's choice
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


_caches: dict[tuple[Path, str], Cache] = {}


def _cache(root: Path | None, settings: Settings, edits: bool) -> Cache | None:
    """One Cache per process and settings: its fingerprint reads the tables once."""
    if root is None:
        return None
    key = (root, f"{settings!r} edits={edits}")
    if key not in _caches:
        _caches[key] = Cache(root, settings, edits=edits)
    return _caches[key]


def default_jobs() -> int:
    return os.cpu_count() or 1


def run(
    files: Sequence[Path],
    settings: Settings,
    *,
    jobs: int,
    cache_root: Path | None = None,
    edits: bool = True,
    diffs: bool = False,
) -> Iterator[FileReport]:
    """Reports in the order of `files`, streamed so that no more than a window is held at once."""
    process = partial(migrate_file, settings=settings, cache_root=cache_root, edits=edits, diffs=diffs)
    if jobs <= 1 or len(files) < PARALLEL_THRESHOLD:
        yield from map(process, files)
        return
    done = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # Small chunks: the last ones finish together, so no worker idles at the end for long.
        chunk = max(1, min(16, len(files) // (jobs * 8)))
        try:
            for report in pool.map(process, files, chunksize=chunk):
                done += 1
                yield report
            return
        except BrokenProcessPool:
            pass  # a worker died (a crash in LibCST's native code): find the file, finish the rest
    for path in files[done:]:
        yield _in_own_process(process, path)


def _in_own_process(process: Callable[[Path], FileReport], path: Path) -> FileReport:
    with ProcessPoolExecutor(max_workers=1) as solo:
        try:
            return solo.submit(process, path).result()
        except BrokenProcessPool:
            return FileReport(path, error="the process migrating this file crashed; left untouched")
