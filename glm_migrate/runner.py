"""Runs the engine over files, in worker processes when there are many. Reads, never writes."""

from __future__ import annotations

import functools
import gc
import os
import pickle
import re
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, TypeVar, overload

from glm_migrate.config import Settings
from glm_migrate.config_files import MAX_CONFIG_BYTES, config_kind, dependency_findings, scan_config, without_secrets
from glm_migrate.dependencies import text_encoding
from glm_migrate.digest import blake2b
from glm_migrate.discovery import FileList
from glm_migrate.precheck import may_need_work
from glm_migrate.project import ModuleFacts, ModuleNames, ModuleSummary, ProjectIndex
from glm_migrate.redaction import file_secrets
from glm_migrate.results import FileReport
from glm_migrate.spool import Spool

if TYPE_CHECKING:  # what only files that pass the pre-check need is imported on first use
    from glm_migrate.cache import Cache, CachedResult

#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 32
#: A process that may parse this many files installs LibCST's speed-ups, which cost about what
#: twenty dense files save (glm_migrate/cst/fast/speedups.py); a run over a few files does without.
SPEEDUPS_FROM = 16
#: rounds of the project index at most (see `run`): four settle a test expecting a setting
#: that a client's wait, learnt in the third, keeps (`ModuleFacts.moved_ids`)
_INDEX_ROUNDS = 4
#: a path, or a path and the facts to migrate it with
_Item = TypeVar("_Item", Path, tuple[Path, ModuleFacts])


def migrate_file(
    path: Path,
    settings: Settings,
    cache_root: Path | None = None,
    edits: bool = True,
    diffs: bool = False,
    facts: ModuleFacts | None = None,
    vector_sizes: bool = True,
) -> FileReport:
    """Read one file and migrate it; any failure becomes the report's `error`, never an exception.

    `edits`: give each fix's text edit (for the machine formats that show them). `diffs`: give a
    changed Python file's unified diff, made here so that workers share the work. `facts`: what
    the project index says about the module. `vector_sizes`: summarise a file with nothing to
    migrate that writes an OpenAI embedding model's vector size (a run does so only when a
    module embeds: `run_spooled`).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileReport(path, error=f"cannot read: {exc.strerror or exc}")
    return migrate_data(path, data, settings, cache_root, edits, diffs, facts, vector_sizes)


def migrate_data(
    path: Path,
    data: bytes,
    settings: Settings,
    cache_root: Path | None = None,
    edits: bool = True,
    diffs: bool = False,
    facts: ModuleFacts | None = None,
    vector_sizes: bool = True,
) -> FileReport:
    """Migrate the bytes of a file named `path` (read from it, or from stdin): a notebook, a
    configuration file or Python, as its name says (`migrate_file` tells the rest)."""
    configuration = path.suffix not in (".py", ".pyi", ".ipynb") and config_kind(path) is not None
    if b"\x00" in data:
        if configuration and text_encoding(data) == "utf-8":
            return FileReport(path)  # binary data named like settings (`.env.gpg`): nothing to scan
        if not configuration:
            return FileReport(path, error="contains null bytes; not a Python source file")
        # UTF-16 or UTF-32 text with its byte-order mark (Windows' `pip freeze > requirements.txt`)
    if configuration:
        return _scan_config(path, data, settings.for_file(path))
    notebook = path.suffix == ".ipynb"
    if not notebook and not facts and not may_need_work(data, settings.models):
        # Most files of a tree: neither parsed nor looked up in (or written to) the cache, nor
        # their settings worked out (the pinned `openai` major resolves the path).
        return FileReport(path, summary=_sized_for_vectors(data) if vector_sizes else None)
    settings = settings.for_file(path)
    cache = _cache(cache_root, settings, edits)
    context = ("ipynb" if notebook else "") + (facts.digest_text() if facts else "")
    cached = cache.get(data, context) if cache else None
    if cached is None:
        cached = _migrate_notebook(data, settings, facts) if notebook else _migrate(data, settings, edits, facts)
        if cache is not None:
            cache.put(data, cached, context)
    if notebook:
        return _notebook_report(path, data, cached)
    if path.name == "setup.py":
        # a Python file and a dependency manifest: its `install_requires` pins are GLM404's
        pins = dependency_findings(path.name, data.decode(cached.encoding, errors="replace"), settings)
        cached = replace(cached, diagnostics=(*cached.diagnostics, *pins))
    summary = cached.summary
    if cached.error is not None:
        return FileReport(path, cached.diagnostics, error=cached.error, summary=summary)
    if cached.output is None:
        # the source is kept for files with findings: baselines and secret redaction read it
        source = data.decode(cached.encoding, errors="replace") if cached.diagnostics else None
        return FileReport(path, cached.diagnostics, source=source, summary=summary)
    source = data.decode(cached.encoding)
    from glm_migrate.textdiff import unified_diff

    diff = unified_diff(path, source, cached.output, cached.replaced) if diffs else None
    return FileReport(
        path, cached.diagnostics, None, data, source, cached.output, cached.encoding, diff=diff, summary=summary
    )


def _migrate_notebook(data: bytes, settings: Settings, facts: ModuleFacts | None) -> CachedResult:
    from glm_migrate.cache import CachedResult
    from glm_migrate.notebook import migrate_notebook

    _set_up_libcst()
    from glm_migrate.tables import load_tables

    try:
        result = migrate_notebook(data, settings=settings, tables=load_tables(), facts=facts)
    except Exception as exc:  # a bug in a rule: one bad file must not stop the run
        detail = _last_line_of(exc)
        return CachedResult((), f"internal error: {detail}", None, "utf-8")
    output = None if result.output is None else result.output.decode("utf-8")
    return CachedResult(
        result.diagnostics, result.error, output, "utf-8", cells=result.changed_cells, summary=result.summary
    )


def _notebook_report(path: Path, data: bytes, result: CachedResult) -> FileReport:
    """A notebook's report: one that failed is never written (it has no output)."""
    # The JSON text is the source findings count in (see `ipynb.text_of`): baselines read it.
    source = data.decode("utf-8", errors="replace") if result.diagnostics or result.output is not None else None
    summary = result.summary
    if result.error is not None or result.output is None:
        return FileReport(
            path, result.diagnostics, error=result.error, source=source, cells=result.cells, summary=summary
        )
    return FileReport(path, result.diagnostics, None, data, source, result.output, cells=result.cells, summary=summary)


def _scan_config(path: Path, data: bytes, settings: Settings) -> FileReport:
    from glm_migrate.tables import load_tables

    tables = load_tables()
    if len(data) > MAX_CONFIG_BYTES:
        return FileReport(path)
    encoding = text_encoding(data)  # pip and dotenv read a UTF-8 or UTF-16 byte-order mark
    if encoding == "utf-8" and not tables.mentions_trigger(data):
        return FileReport(path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return FileReport(path)  # not a text configuration file
    if encoding != "utf-8" and not tables.mentions_trigger(text.encode("utf-8")):
        return FileReport(path)
    output, diagnostics = scan_config(path, text, tables=tables, settings=settings)
    if output == text or (encoding != "utf-8" and text.encode(encoding) != data):
        # (a byte order the codec would not write back: findings, no edit)
        # the source, secrets masked, for baselines and fingerprints (findings here count as any other)
        return FileReport(path, tuple(diagnostics), source=without_secrets(text) if diagnostics else None)
    return FileReport(path, tuple(diagnostics), None, data, text, output, encoding)


def _sized_for_vectors(data: bytes) -> ModuleSummary | None:
    """The summary of a file with nothing to migrate that writes the size of an OpenAI
    embedding model's vectors (`import_summary.sized_summary`), else None."""
    from glm_migrate.widths import may_size_vectors

    if not may_size_vectors(data):
        return None  # most files: the tables, which list the sizes, are not loaded
    from glm_migrate.import_summary import sized_summary
    from glm_migrate.tables import load_tables

    return sized_summary(data, set(load_tables().openai_embedding_sizes.values()))


def _migrate(data: bytes, settings: Settings, edits: bool, facts: ModuleFacts | None = None) -> CachedResult:
    # Imported only now: a run over files with nothing to migrate never loads LibCST.
    from glm_migrate.cache import CachedResult
    from glm_migrate.tables import load_tables

    with _collector_paused(gc.freeze):  # the first import allocates much, and none of it is garbage
        from glm_migrate.engine import migrate_bytes

        load_tables()

    _set_up_libcst()

    try:
        with _collector_paused(_AFTER_A_FILE):
            result = migrate_bytes(data, settings=settings, tables=load_tables(), edits=edits, facts=facts)
    except RecursionError:
        return CachedResult((), "too deeply nested for the parser", None, "utf-8")
    except Exception as exc:  # a bug in a rule: one bad file must not stop the run
        detail = _last_line_of(exc)
        return CachedResult((), f"internal error: {detail}", None, "utf-8")
    if result.changed and result.error is None:
        return CachedResult(result.diagnostics, None, result.output, result.encoding, result.replaced, result.summary)
    return CachedResult(result.diagnostics, result.error, None, result.encoding, summary=result.summary)


#: this process may parse many files (see `SPEEDUPS_FROM`)
_parses_many = False


def expect_many_files() -> None:
    """This process will parse many files: worth LibCST's speed-ups (see `SPEEDUPS_FROM`)."""
    global _parses_many
    _parses_many = True


def _set_up_libcst() -> None:
    """Once per process, on its first file that passes the pre-check."""
    if _parses_many:
        from glm_migrate.cst import prepare_for_many_files

        prepare_for_many_files()


@contextmanager
def _collector_paused(afterwards: Callable[[], object]) -> Iterator[None]:
    """Python's cycle collector kept out of a block, then `afterwards` once.

    Left on, the collector traces the tree being built again and again as the parse allocates
    it: about a twentieth of a dense file's time, for nothing, since the engine breaks its own
    reference cycles and reference counting frees each tree. After a file, collecting the
    youngest generation (`_AFTER_A_FILE`) takes what cycles libraries leave (the standard
    library's `literal_eval` makes some) without tracing what older generations hold, such as
    the reports kept so far. What the first import allocates (modules, classes, the tables)
    lives as long as the process: it is frozen (`gc.freeze`) rather than traced.
    """
    if not gc.isenabled():  # the embedding program's choice
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        afterwards()


_AFTER_A_FILE = partial(gc.collect, 0)


_caches: dict[tuple[Path, str], Cache] = {}


def _cache(root: Path | None, settings: Settings, edits: bool) -> Cache | None:
    """One Cache per process and settings: its fingerprint reads the tables once."""
    if root is None:
        return None
    key = (root, f"{settings!r} edits={edits}")
    if key not in _caches:
        from glm_migrate.cache import Cache

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
    """Reports in the order of `files` (see `run_spooled`)."""
    reports = run_spooled(files, settings, jobs=jobs, cache_root=cache_root, edits=edits, diffs=diffs)
    try:
        yield from reports
    finally:
        reports.close()


def run_spooled(
    files: Sequence[Path],
    settings: Settings,
    *,
    jobs: int,
    cache_root: Path | None = None,
    edits: bool = True,
    diffs: bool = False,
    advance: Callable[[], object] | None = None,
) -> RunReports:
    """Reports in the order of `files`, which the caller closes; `advance` is called as each
    file is first done.

    Two passes: every file is migrated on its own, which also summarises what each module gives
    the others (`project.py`); then the modules the project index has something to tell (a
    client they import, a name another module sends as a model id) are migrated again with it.
    Between the passes, and until the caller reads them, reports and summaries wait in spool
    files as the workers pickled them: memory holds a few numbers per file.

    When a module embeds with an OpenAI model, the files with nothing to migrate are read again
    for the vector sizes they write (`widths.py`): most runs have no such module, and the two
    searches would cost each of their files as much as a search of the pre-check.
    """
    process = partial(migrate_file, settings=settings, cache_root=cache_root, edits=edits, diffs=diffs)
    reports = RunReports(files)
    summaries = _SpooledSummaries(Spool(), {})
    # one text of each path, shared by what is keyed by path (see `discovery.FileList`)
    texts = files.texts() if isinstance(files, FileList) else [os.fspath(path) for path in files]
    quiet: list[int] = []  #: the Python files the pre-check turned away
    #: file number -> the names of its module another may hand something on to, not yet
    #: looked for in `quiet` (`ModuleSummary.receivers`), and those looked for
    receivers: dict[int, frozenset[str]] = {}
    searched: dict[int, frozenset[str]] = {}
    embeds = passes_clients = False
    first = partial(_packed, partial(process, vector_sizes=False))
    for number, (text, packed) in enumerate(zip(texts, _each(first, files, jobs), strict=True)):
        reports.add(packed)
        if packed.summary is not None:
            summaries.add(text, packed.summary)
            embeds = embeds or packed.embeds
            passes_clients = passes_clients or packed.takes_clients
            if packed.receivers:
                receivers[number] = packed.receivers
        elif packed.report == _NOTHING and text.endswith((".py", ".pyi")):
            quiet.append(number)
        if advance is not None:
            advance()
    if embeds and quiet:
        for number, sized in zip(quiet, _each(_vector_sizes_of, [files[n] for n in quiet], jobs), strict=True):
            if sized.summary is not None:
                summaries.add(texts[number], sized.summary)
    # Once the run has workers, the modules the index has something to tell, however few, are
    # migrated again there: in this process, one would import LibCST and the rules (16 MB).
    parallel_from = 1 if len(files) >= PARALLEL_THRESHOLD else PARALLEL_THRESHOLD
    # The facts wait in a spool file: a round may tell every module of a large tree something.
    told_facts: Spool[ModuleFacts] = Spool()
    # Per file number, flat (a dict entry and its objects cost some 200 bytes a file, a tenth of
    # the main process at 10,000 files): a digest of the facts it was last migrated with, and
    # where in `told_facts` those are (-1: never told anything), whose holds later rounds keep.
    given = bytearray(_NO_FACTS * len(texts))
    told = array("q", [-1]) * len(texts)
    # every round's index names the same modules
    modules: Mapping[PurePath, tuple[str, PurePath]] = _module_names(texts) if summaries else {}
    # A module learns it makes API calls only from the facts of its imports, and only then tells
    # the module it imports a model id from: a few rounds settle real chains.
    for _ in range(_INDEX_ROUNDS if summaries else 0):  # no module parsed: nothing to tell
        if receivers and quiet:
            # the modules the pre-check turned away that import names another module may be
            # handed something by (`_hand_offs_of`): summarised, the index sees their hand-offs
            look_for = _HandOffs.of(receivers, texts, modules)
            searched.update({n: searched.get(n, frozenset()) | names for n, names in receivers.items()})
            receivers.clear()
            found = _each(partial(_hand_offs_of, look_for), [files[n] for n in quiet], jobs)
            kept: list[int] = []
            for number, packed in zip(quiet, found, strict=True):
                if packed.summary is None:
                    kept.append(number)
                    continue
                summaries.add(texts[number], packed.summary)
                passes_clients = passes_clients or packed.takes_clients
                if packed.receivers:
                    receivers[number] = packed.receivers
            quiet = kept
        # each round's index reads the modules it summarises on demand again
        index = _project_index(modules, summaries.copy(), passes_clients)
        #: the file numbers told something new, with their facts' digests and where they are
        again, digests, at = array("q"), bytearray(), array("q")
        for number, text in enumerate(texts):
            if text not in summaries.where:  # a `Path` made only for the modules with a summary
                continue
            facts = index.facts_for(files[number])
            if (earlier := told[number]) >= 0:
                facts = facts.keeping_holds(told_facts[earlier])
            digest = blake2b(facts.digest_text().encode(), digest_size=_DIGEST_SIZE).digest()
            if digest != given[number * _DIGEST_SIZE : (number + 1) * _DIGEST_SIZE]:
                again.append(number)
                digests += digest
                at.append(len(told_facts))
                told_facts.append(facts)
        if not again:
            break
        with_facts = partial(_migrate_with_facts, process)
        items = _Told(files, told_facts, again, at)
        redone = _each(partial(_packed, with_facts), items, jobs, parallel_from=parallel_from)
        for position, (number, packed) in enumerate(zip(again, redone, strict=True)):
            reports.replace(number, packed)
            summaries.where.pop(texts[number], None)
            if packed.summary is not None:
                summaries.add(texts[number], packed.summary)
                passes_clients = passes_clients or packed.takes_clients
                if new := packed.receivers - searched.get(number, frozenset()):
                    receivers[number] = new
            start = position * _DIGEST_SIZE
            given[number * _DIGEST_SIZE : (number + 1) * _DIGEST_SIZE] = digests[start : start + _DIGEST_SIZE]
            told[number] = at[position]
    told_facts.close()
    summaries.spool.close()
    return reports


class RunReports(Sequence[FileReport]):
    """A run's reports in the order of its files, read back one at a time: those with
    something to show from a spool file, the others (most files of a large tree: nothing to
    migrate) made again from their path."""

    def __init__(self, files: Sequence[Path]) -> None:
        self._files = files
        self._spool: Spool[FileReport | None] = Spool()
        #: the keys found in the reports' sources, masked in every output (see `redaction`)
        self.secrets: set[str] = set()

    def add(self, packed: _Packed) -> None:
        self._spool.append_pickled(packed.report)
        self.secrets |= packed.secrets

    def replace(self, index: int, packed: _Packed) -> None:
        self._spool.replace_pickled(index, packed.report)
        self.secrets |= packed.secrets

    @overload
    def __getitem__(self, index: int) -> FileReport: ...
    @overload
    def __getitem__(self, index: slice) -> list[FileReport]: ...
    def __getitem__(self, index: int | slice) -> FileReport | list[FileReport]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        report = self._spool[index]
        return FileReport(self._files[index]) if report is None else report

    def __setitem__(self, index: int, report: FileReport) -> None:
        self.replace(index, _pack(report))

    def __iter__(self) -> Iterator[FileReport]:
        for index in range(len(self)):
            yield self[index]

    def __len__(self) -> int:
        return len(self._spool)

    def close(self) -> None:
        self._spool.close()


@dataclass(frozen=True, slots=True)
class _Packed:
    """A report as a worker hands it over: pickled there (the main process writes it to the
    spool unread), None for a report with nothing but its path; its module summary apart, for
    the project index, and the keys in its source, which every output masks (found here, so
    that the main process need not read every report back before it shows the first)."""

    report: bytes
    summary: bytes | None
    secrets: frozenset[str] = frozenset()
    embeds: bool = False  #: the module embeds with a model whose vector size the index looks for
    #: the module calls an API through a client passed to it (`ModuleSummary.client_params`)
    takes_clients: bool = False
    #: the names other modules can hand something on to (`ModuleSummary.receivers`)
    receivers: frozenset[str] = frozenset()


_NOTHING = pickle.dumps(None, protocol=pickle.HIGHEST_PROTOCOL)
#: the packed report of a file with nothing to report and no summary (most files of a large tree):
#: one shared instance, as making a frozen dataclass sets each of its fields through `object`
_QUIET = _Packed(_NOTHING, None)
_DIGEST_SIZE = 16
#: the digest a module not yet told anything stands at: the empty facts'
_NO_FACTS = blake2b(b"", digest_size=_DIGEST_SIZE).digest()


def _packed(process: Callable[[_Item], FileReport], item: _Item) -> _Packed:
    return _pack(process(item))


def _pack(report: FileReport) -> _Packed:
    if report == FileReport(report.path):
        return _QUIET
    packed = _pack_summary(report.summary)
    secrets = file_secrets(report.source, report.diagnostics)
    return replace(packed, report=pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL), secrets=secrets)


def _pack_summary(summary: ModuleSummary | None) -> _Packed:
    """Nothing to report, and `summary` with what the main process learns of it unread."""
    if summary is None:
        return _QUIET
    pickled = pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)
    embeds, takes_clients = bool(summary.embedding_sizes), bool(summary.client_params)
    return _Packed(_NOTHING, pickled, embeds=embeds, takes_clients=takes_clients, receivers=summary.receivers())


def _vector_sizes_of(path: Path) -> _Packed:
    """Nothing to report, and the summary of a file with nothing to migrate that writes an
    OpenAI embedding model's vector size (in a worker)."""
    try:
        summary = _sized_for_vectors(path.read_bytes())
    except OSError:
        summary = None
    return _Packed(_NOTHING, None if summary is None else pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))


class _SpooledSummaries(MutableMapping[PurePath, ModuleSummary]):
    """Module summaries by path, in a spool file (memory holds a path's text and a number per
    module: see `discovery.FileList`): the index reads a few at a time. Copies share the spool;
    what one adds the others do not see."""

    def __init__(
        self, spool: Spool[ModuleSummary], where: dict[str, int], under: Mapping[str, int] | None = None
    ) -> None:
        self.spool = spool
        self.where = where  #: path text -> index in the spool
        #: a copy's view of the summaries it was copied from, which it does not change (no
        #: second dict of every path); the original is not changed while a copy is in use
        self._under: Mapping[str, int] = {} if under is None else under

    def copy(self) -> _SpooledSummaries:
        return _SpooledSummaries(self.spool, {}, {**self._under, **self.where} if self._under else self.where)

    def add(self, text: str, pickled: bytes) -> None:
        """`text`: the path as text."""
        self.where[text] = len(self.spool)
        self.spool.append_pickled(pickled)

    def __getitem__(self, path: PurePath) -> ModuleSummary:
        text = os.fspath(path)
        at = self.where.get(text)
        return self.spool[self._under[text] if at is None else at]

    def __setitem__(self, path: PurePath, summary: ModuleSummary) -> None:
        self.add(os.fspath(path), pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))

    def __delitem__(self, path: PurePath) -> None:
        text = os.fspath(path)
        if text in self._under:
            raise TypeError("a copy's summaries are read-only")
        del self.where[text]

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, PurePath):
            return False
        text = os.fspath(path)
        return text in self.where or text in self._under

    def __iter__(self) -> Iterator[PurePath]:
        # over the texts there are now: summaries may be added meanwhile (modules outside the run)
        texts = [*self._under, *(text for text in self.where if text not in self._under)]
        return map(Path, texts)

    def __len__(self) -> int:
        return len(self._under) + sum(1 for text in self.where if text not in self._under)


class _HandOffs:
    """Names other modules define that a module may hand something on to, as a module the
    pre-check turned away would write them: each as a whole word, and an import of a module
    defining it (its last name, or a relative import). A plain class: a dataclass costs a quiet
    run, which never makes one, the time to generate its methods."""

    __slots__ = ("modules", "names")

    def __init__(self, names: re.Pattern[bytes], modules: Mapping[bytes, frozenset[bytes]]) -> None:
        self.names = names
        #: name -> the words an import of a module defining it writes
        self.modules = modules

    @staticmethod
    def of(
        receivers: Mapping[int, frozenset[str]], texts: Sequence[str], modules: Mapping[PurePath, tuple[str, PurePath]]
    ) -> _HandOffs:
        defined: dict[bytes, set[bytes]] = {}
        for number, names in receivers.items():
            dotted = modules[PurePath(texts[number])][0] if PurePath(texts[number]) in modules else ""
            word = dotted.rpartition(".")[2].encode()
            for name in names:
                defined.setdefault(name.encode(), set()).add(word)
        # longest first: `re` takes the first branch that fits, `\b` then tells a word
        alternatives = b"|".join(re.escape(name) for name in sorted(defined, key=len, reverse=True))
        pattern = re.compile(_NOT_AFTER_A_WORD + b"(?:" + alternatives + b")" + _NOT_BEFORE_A_WORD)
        return _HandOffs(pattern, {name: frozenset(words) for name, words in defined.items()})

    def imported_by(self, data: bytes) -> bool:
        """Whether the source `data` may import one of the names from a module defining it."""
        if b"import" not in data:
            return False
        words: set[bytes] = set()
        for found in self.names.finditer(data):
            words |= self.modules[found.group()]
        if not words:
            return False
        if re.search(_RELATIVE_IMPORT, data) is not None:  # compiled on first use: a quiet run never does
            return True
        return any(word and re.search(_NOT_AFTER_A_WORD + re.escape(word) + _NOT_BEFORE_A_WORD, data) for word in words)


_RELATIVE_IMPORT = rb"\bfrom[ \t]+\."
#: a whole word: no identifier byte (an ASCII one, or any byte of a non-ASCII letter) either side
_NOT_AFTER_A_WORD, _NOT_BEFORE_A_WORD = rb"(?<![A-Za-z0-9_\x80-\xff])", rb"(?![A-Za-z0-9_\x80-\xff])"


def _hand_offs_of(look_for: _HandOffs, path: Path) -> _Packed:
    """A file the pre-check turned away, summarised in full when it may import a name another
    module may be handed something by (in a worker): a module naming no SDK, no model id and no
    API call can still hand a setting to another module's model parameter (`ask(q,
    model=DEFAULT_MODEL)`) or a client to code calling through it, which the project index sees
    only in its summary. Nothing to report either way; most such files are searched, not parsed."""
    try:
        data = path.read_bytes()
    except OSError:
        return _QUIET
    if not look_for.imported_by(data):
        return _QUIET
    return _pack_summary(_summary_of_data(data, full=True))


class _Told(Sequence[tuple[Path, ModuleFacts]]):
    """The files a round of the project index migrates again (by number), each with the facts
    it tells them (where in the spool), read from the spool as the workers take them."""

    def __init__(
        self, files: Sequence[Path], facts: Spool[ModuleFacts], numbers: Sequence[int], at: Sequence[int]
    ) -> None:
        self._files, self._facts, self._numbers, self._at = files, facts, numbers, at

    @overload
    def __getitem__(self, index: int) -> tuple[Path, ModuleFacts]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Path, ModuleFacts]]: ...
    def __getitem__(self, index: int | slice) -> tuple[Path, ModuleFacts] | list[tuple[Path, ModuleFacts]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._files[self._numbers[index]], self._facts[self._at[index]]

    def __len__(self) -> int:
        return len(self._numbers)


def _migrate_with_facts(process: Callable[..., FileReport], item: tuple[Path, ModuleFacts]) -> FileReport:
    path, facts = item
    return process(path, facts=facts)


def project_index(reports: Sequence[FileReport]) -> ProjectIndex:
    """The project index of the run's Python files; modules they import from the project that
    the run does not cover are read and summarised when an import needs them."""
    summaries: dict[PurePath, ModuleSummary] = {r.path: r.summary for r in reports if r.summary is not None}
    passes_clients = any(summary.client_params for summary in summaries.values())
    return _project_index(_module_names([report.path for report in reports]), summaries, passes_clients)


def _project_index(
    modules: Mapping[PurePath, tuple[str, PurePath]],
    summaries: MutableMapping[PurePath, ModuleSummary],
    passes_clients: bool,
) -> ProjectIndex:
    """`passes_clients`: some module of the run calls an API through a client passed to it, at
    the end of which a module the pre-check rejected may pass one on (`ProjectIndex.load_full`)."""
    load_full = partial(_summary_of, full=True) if passes_clients else None
    return ProjectIndex(modules, summaries, load=_summary_of, load_full=load_full, locate=_candidates)


def _module_names(paths: Sequence[PurePath | str]) -> ModuleNames:
    """Path -> (dotted name, import root) of each Python file among `paths`."""
    # each folder asked once, not once per file below it
    return ModuleNames(paths, functools.cache(_is_package))


def _is_package(folder: PurePath) -> bool:
    return (Path(folder) / "__init__.py").is_file()


def _candidates(name: str, root: PurePath) -> list[PurePath]:
    base = Path(root, *name.split("."))
    return [path for path in (base.with_suffix(".py"), base / "__init__.py") if path.is_file()]


def _summary_of(path: PurePath, *, full: bool = False) -> ModuleSummary | None:
    """A module the run did not summarise (outside the run, or nothing to migrate in it),
    summarised because another one imports from it. `full`: the semantic model's summary even
    where the imports would do, for a module the pre-check rejects that the project index reads
    in full because it may pass a client on (`ProjectIndex.load_full`)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return _summary_of_data(data, full=full)


def _summary_of_data(data: bytes, *, full: bool) -> ModuleSummary | None:
    from glm_migrate.import_summary import import_summary

    if b"\x00" in data:
        return None
    quick = None if full else import_summary(data)  # most such modules: no LibCST for them
    if quick is not None:
        return quick
    from glm_migrate.engine import summarize_bytes
    from glm_migrate.tables import load_tables

    return summarize_bytes(data, tables=load_tables())


def _each(
    process: Callable[[_Item], _Packed], items: Sequence[_Item], jobs: int, *, parallel_from: int = PARALLEL_THRESHOLD
) -> Iterator[_Packed]:
    """`process` over the items, in order, in worker processes when there are `parallel_from`
    or more."""
    if len(items) >= SPEEDUPS_FROM:
        expect_many_files()  # here, and in the workers it forks
    if jobs <= 1 or len(items) < parallel_from:
        yield from map(process, items)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    with ProcessPoolExecutor(max_workers=jobs, initializer=expect_many_files) as pool:
        # Small chunks: the last ones finish together, so no worker idles at the end for long.
        chunk = max(1, min(16, len(items) // (jobs * 8)))
        batches = (items[start : start + chunk] for start in range(0, len(items), chunk))
        # A few chunks ahead of the one read, not all of them (as `pool.map` submits): the main
        # process holds a future per chunk in flight, not one per chunk of the whole run.
        pending = deque(pool.submit(_each_of, process, batch) for batch in islice(batches, jobs * 4))
        try:
            while pending:
                results = pending.popleft().result()
                pending.extend(pool.submit(_each_of, process, batch) for batch in islice(batches, 1))
                for packed in results:
                    done += 1
                    yield packed
            return
        except BrokenProcessPool:
            for future in pending:
                future.cancel()
            # a worker died (a crash in LibCST's native code): find the file, finish the rest
    for item in items[done:]:
        yield _in_own_process(process, item)


def _each_of(process: Callable[[_Item], _Packed], batch: Sequence[_Item]) -> list[_Packed]:
    """One chunk's results, in a worker."""
    return [process(item) for item in batch]


def _in_own_process(process: Callable[[_Item], _Packed], item: _Item) -> _Packed:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1) as solo:
        try:
            return solo.submit(process, item).result()
        except BrokenProcessPool:
            path = item[0] if isinstance(item, tuple) else item
            return _pack(FileReport(path, error="the process migrating this file crashed; left untouched"))


def _last_line_of(exc: Exception) -> str:
    """`ValueError: why`, as a traceback ends (traceback is imported only when a rule fails)."""
    import traceback

    return traceback.format_exception_only(type(exc), exc)[-1].strip()
