"""The command line: the only module that prints, writes files and picks exit codes."""

from __future__ import annotations

import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from glm_migrate import __version__
from glm_migrate.config import (
    BASE_URL_STYLES,
    CACHE_DIR_NAME,
    FORMATS,
    REGIONS,
    THINKING_MODES,
    ConfigError,
    Settings,
    find_line_length,
    find_settings,
    load_settings,
    project_root,
)
from glm_migrate.cst import default_choice as cst_choice
from glm_migrate.redaction import file_secrets
from glm_migrate.report import Styled
from glm_migrate.results import FileReport, RunReport, Summary, is_blocking
from glm_migrate.terminal import Stream

if TYPE_CHECKING:
    from glm_migrate.discovery import Discovery
    from glm_migrate.runner import RunReports

EXIT_CLEAN, EXIT_PENDING, EXIT_ERROR = 0, 1, 2
FORMAT_HELP = (
    "text: findings (and diffs with --dry-run); json: every finding with span, status and edit; github: "
    "workflow annotations; sarif: SARIF 2.1.0 for code scanning; markdown: a pull-request description; junit: XML; "
    "gitlab: GitLab Code Quality."
)

EPILOG = """\b
Modes:
  glm-migrate PATHS            apply safe fixes in place (for a pull request)
  glm-migrate PATHS --dry-run  show the diff and findings; write nothing
  glm-migrate PATHS --check    show findings only; write nothing (for CI)
  glm-migrate - < in.py        migrate stdin to stdout; findings go to stderr

\b
Exit codes:
  0  nothing left to migrate (in apply mode: after applying)
  1  something is unmigrated: fixes are pending, or findings need a person
     (warnings count only with --strict)
  2  usage or configuration error, or a file could not be processed
     (syntax error, unreadable, internal error); other files are still done;
     applying in place to files with uncommitted changes in git (--allow-dirty)
  --exit-zero turns 1 into 0; 2 is never hidden.

\b
Suppressing a finding:
  # glm-migrate: ignore[GLM101]   on the line (or alone on the line above)
  # glm-migrate: skip-file        anywhere in the file
"""


def _split_codes(values: tuple[str, ...]) -> frozenset[str] | None:
    codes = {code.strip().upper() for value in values for code in value.split(",") if code.strip()}
    return frozenset(codes) if codes else None


def _fail(console: Stream, message: str) -> NoReturn:
    console.print(_labelled("error:", "bold red", message))
    sys.exit(EXIT_ERROR)


def _labelled(label: str, style: str, message: str) -> Styled:
    """`error: message` with the label styled (the message never read as markup: it may name
    a TOML table, `[tool.glm-migrate]`)."""
    return Styled([(label, style), (f" {message}", "")])


def _terminate(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def atomic_write(path: Path, data: bytes, expected: bytes | None) -> str | None:
    """Replace `path` with `data` in one rename, keeping its mode; an error message or None.

    Refuses when the file changed since it was read. A temporary file in the same directory is
    renamed over the original, so an interrupted run leaves either the old or the new file;
    SIGINT and SIGTERM wait until the write is done or undone. A symbolic link is written
    through: the file it points to is replaced, the link stays a link.
    """
    path = Path(os.path.realpath(path))
    blocking = hasattr(signal, "pthread_sigmask")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS) if blocking else set()
    try:
        return _write_replacing(path, data, expected)
    finally:
        if blocking:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def _write_replacing(path: Path, data: bytes, expected: bytes | None) -> str | None:
    try:
        if expected is not None and path.read_bytes() != expected:
            return "changed on disk during the run; not written"
        mode = path.stat().st_mode
        import tempfile  # only apply mode writes

        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".glm-migrate")
    except OSError as exc:
        return f"cannot write: {exc.strerror or exc}"
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            return f"cannot write: {exc.strerror or exc}"
        raise
    return None


def _print_rules(console: Stream) -> None:
    from glm_migrate.report import rules_lines, rules_table
    from glm_migrate.rules import REGISTRY

    rules = sorted(REGISTRY, key=lambda rule: rule.CODE)
    if console.is_terminal:
        console.print(rules_table(rules))
    else:  # a table would be cut to 80 columns: one line per rule, whole
        console.write("\n".join(rules_lines(rules)) + "\n")


def _explain(console: Stream, code: str, target_model: str | None) -> None:
    from glm_migrate.report import explain_document
    from glm_migrate.rules import rule_by_code
    from glm_migrate.tables import load_tables
    from glm_migrate.targets import TargetError

    tables = load_tables()
    rule = rule_by_code(code.upper())
    try:
        profile = tables.targets_file.profile(target_model if rule is not None else code)
    except TargetError as exc:
        _fail(console, str(exc) if rule is not None else f"unknown rule or target model `{code}` (see --list-rules)")
    document = tables.targets_file.document(profile) if rule is None else explain_document(rule, profile)
    if not console.is_terminal:  # rendered, code examples would be cut to 80 columns
        click.echo(document, file=console.file)
        return
    from rich.markdown import Markdown  # only --explain renders Markdown: not on every run's start-up

    console.print(Markdown(document))


def _start(paths: tuple[str, ...], stdin_filename: str | None = None) -> Path:
    """Where the project's configuration is looked for: the first path's folder and up."""
    if paths and paths[0] != "-":
        start = Path(paths[0])
    elif stdin_filename:
        start = Path(stdin_filename)
    else:
        return Path.cwd()
    try:
        return start.resolve()
    except (OSError, RuntimeError):  # a link loop: discovery names it
        return start.absolute()


def _load_settings(console: Stream, config: Path | None, paths: tuple[str, ...]) -> Settings:
    try:
        if config is not None:
            return load_settings(config)
        return find_settings(_start(paths))
    except ConfigError as exc:
        _fail(console, str(exc))


@click.command(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--dry-run", "--diff", "dry_run", is_flag=True, help="Show the diff and findings; write nothing.")
@click.option("--check", is_flag=True, help="Show findings only; write nothing. Exit 1 while anything is unmigrated.")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply fixes that may change behaviour.")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules (codes or prefixes, comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules (codes or prefixes).")
@click.option(
    "--exclude", multiple=True, metavar="GLOB", help="Skip matching paths (gitignore syntax), on top of .gitignore."
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Scan matching data files skipped by default (lock files, cassettes, OpenAPI documents, test data).",
)
@click.option("--show-files", is_flag=True, help="List the files that would be processed, and exit.")
@click.option("--region", type=click.Choice(REGIONS), help="Z.AI region migrated clients target.")
@click.option(
    "--base-url-style",
    type=click.Choice(BASE_URL_STYLES),
    help="env: read ZAI_BASE_URL with the region's URL as default; literal: the URL itself.",
)
@click.option("--thinking", type=click.Choice(THINKING_MODES), help="Add this deep-thinking switch to chat calls.")
@click.option("--tool-stream", is_flag=True, default=None, help="Add tool_stream to streamed tool calls (GLM206).")
@click.option(
    "--target-model",
    metavar="MODEL",
    help="The GLM model to migrate to (default glm-4.6; see the README's Targets, or --explain MODEL).",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Settings file (default: nearest pyproject.toml with [tool.glm-migrate]).",
)
@click.option("--strict", is_flag=True, help="Warnings also make the exit code 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when something is unmigrated (errors still exit 2).")
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True, help=FORMAT_HELP)
@click.option("--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--statistics", is_flag=True, help="Counts per rule instead of every finding (text, json).")
@click.option(
    "--show-advice",
    is_flag=True,
    help="Also list notes (model ids used as data: worth a look, nothing to change); the summary counts them.",
)
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), help="Leave out findings listed here.")
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record every unresolved finding in this file (then run as if with --baseline FILE).",
)
@click.option("--allow-dirty", is_flag=True, help="Apply even to files with uncommitted changes in git.")
@click.option("--add-todo", is_flag=True, help="Write `# TODO(glm-migrate): ...` above call sites that need a person.")
@click.option("--no-cache", is_flag=True, help=f"Neither read nor write the result cache ({CACHE_DIR_NAME}/).")
@click.option("--stdin-filename", metavar="PATH", help="Name shown for code read from stdin.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: the number of cores).")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE", help="Show a rule's documentation (or a target model's profile) and exit.")
@click.version_option(__version__, prog_name="glm-migrate")
def main(
    paths: tuple[str, ...],
    dry_run: bool,
    check: bool,
    unsafe_fixes: bool | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    include: tuple[str, ...],
    show_files: bool,
    region: str | None,
    base_url_style: str | None,
    thinking: str | None,
    tool_stream: bool | None,
    target_model: str | None,
    config: Path | None,
    strict: bool,
    exit_zero: bool,
    output_format: str,
    output_file: Path | None,
    statistics: bool,
    show_advice: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    allow_dirty: bool,
    add_todo: bool,
    no_cache: bool,
    stdin_filename: str | None,
    jobs: int | None,
    list_rules: bool,
    explain: str | None,
) -> None:
    """Migrate Python code from the OpenAI API (and old Zhipu models) to Z.AI's GLM-4.6.

    Rewrites client construction, model ids and request arguments with LibCST, keeping comments
    and formatting, and reports what a person still has to change.
    """
    # SIGTERM (CI cancelling a job) unwinds like Ctrl-C, so a write in progress removes its
    # temporary file and every file stays either fully old or fully new.
    signal.signal(signal.SIGTERM, _terminate)
    console, errors = Stream(), Stream(stderr=True)
    if list_rules:
        _print_rules(console)
        return
    if explain:
        _explain(console, explain, target_model)
        return
    if not paths:
        raise click.UsageError("give at least one path (or - for stdin)")

    file_settings = _load_settings(errors, config, paths)
    extra_ignores = _split_codes(ignore)
    settings = file_settings.merged(
        select=_split_codes(select),
        ignore=file_settings.ignore | extra_ignores if extra_ignores else None,
        exclude=(*file_settings.exclude, *exclude) if exclude else None,
        include=(*file_settings.include, *include) if include else None,
        unsafe_fixes=unsafe_fixes,
        region=region,
        base_url_style=base_url_style,
        thinking=thinking,
        tool_stream=tool_stream,
        add_todo=add_todo or None,
        target_model=target_model,
        as_of=file_settings.as_of or _today(),
    )
    target = _check_target(errors, settings, config or file_settings.root)
    if settings.line_length is None:
        settings = replace(settings, line_length=find_line_length(_start(paths, stdin_filename)))
    _check_codes(errors, file_settings, settings, config)
    output = _Output(
        output_format, output_file, statistics, strict, exit_zero, baseline, write_baseline, show_advice, paths, target
    )
    mode = "check" if check else "dry-run" if dry_run else "apply"
    # Once a run: LibCST's fast path is off for a version it is not tested with (glm_migrate/cst).
    libcst_notice = cst_choice().notice
    if libcst_notice:
        click.echo(libcst_notice, err=True)
    if paths == ("-",):
        sys.exit(_run_stdin(settings, stdin_filename or "-", errors, output, mode=mode))
    found = _discover([Path(p) for p in paths], settings, output, errors)
    if show_files:
        for path in found.files:
            click.echo(str(path))
        sys.exit(EXIT_CLEAN)
    # in the project's root, wherever the run starts: one cache per project
    cache_root = None if no_cache else (project_root(_start(paths)) or Path.cwd()) / CACHE_DIR_NAME
    sys.exit(_run_paths(found, settings, console, errors, output, mode, allow_dirty, jobs, cache_root))


def _today() -> date:
    """The day findings are judged on: `SOURCE_DATE_EPOCH` (the reproducible-builds convention)
    when set, else the clock's. The configuration's `as-of` wins over both."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


def _check_target(errors: Stream, settings: Settings, source: Path | None) -> str:
    """The target model as reports name it; an unknown one, or a profile override the tables
    reject, is a usage error."""
    from glm_migrate.tables import load_tables
    from glm_migrate.targets import TargetError

    try:
        return load_tables().configured(settings.target_model, settings.target_profile).target.display
    except TargetError as exc:
        where = f"{source}: " if source is not None and settings.target_profile else ""
        _fail(errors, f"{where}{exc}")


def _check_codes(errors: Stream, file_settings: Settings, settings: Settings, config: Path | None) -> None:
    """Unknown codes or prefixes are usage errors; those from the config file name it and the key."""

    source = config or (file_settings.root / "pyproject.toml" if file_settings.root else "configuration")
    for key, patterns in (
        ("select", file_settings.select),
        ("ignore", file_settings.ignore),
        *((f"per-file-ignores.{glob}", frozenset(codes)) for glob, codes in file_settings.per_file_ignores.items()),
    ):
        unknown = _unknown_codes(patterns)
        if unknown:
            _fail(errors, f"{source}: unknown rule code(s) in `{key}`: {', '.join(unknown)} (see --list-rules)")
    unknown = _unknown_codes(settings.select | settings.ignore)
    if unknown:
        _fail(errors, f"unknown rule code(s): {', '.join(unknown)} (see --list-rules)")


def _unknown_codes(patterns: frozenset[str]) -> list[str]:
    if not patterns:
        return []  # the rule registry loads LibCST: not worth it to check nothing
    from glm_migrate.rules import unknown_patterns

    return unknown_patterns(patterns)


#: Formats that show each fix's text edit; the others spare its code generation.
_EDIT_FORMATS = frozenset({"json", "sarif"})


@dataclass(frozen=True)
class _Output:
    """What the run reports, where, and what the exit code counts."""

    format: str
    file: Path | None
    statistics: bool
    strict: bool
    exit_zero: bool
    baseline: Path | None
    write_baseline: Path | None
    show_advice: bool = False
    #: the paths as given (the text summary's next command names them)
    paths: tuple[str, ...] = ()
    #: the target model, as reports name it ("GLM-4.6")
    target: str = "GLM-4.6"


def _run_stdin(settings: Settings, name: str, errors: Stream, output: _Output, *, mode: str) -> int:
    """Code from stdin, migrated code to stdout (the input as it is with --check/--dry-run), report to stderr.

    The input goes the way a file of that name goes: `--stdin-filename nb.ipynb` is a notebook,
    `.env.example` a configuration template, anything else Python.
    """
    from glm_migrate.runner import migrate_data

    data = sys.stdin.buffer.read()
    where = Path(name) if name != "-" else Path.cwd() / "-"
    report = migrate_data(
        Path(name),
        data,
        _with_detected_pins(settings, [where], errors),
        edits=output.format in _EDIT_FORMATS,
        diffs=mode == "dry-run" and output.format == "text" and not output.statistics,
    )
    keep = mode != "apply" or report.error is not None or not report.changed
    sys.stdout.buffer.write(data if keep else report.output_bytes)
    sys.stdout.flush()
    secrets = file_secrets(report.source, report.diagnostics)
    return _finish([report], errors, errors, output, mode=mode, secrets=secrets, summary_table=False)


def _discover(paths: list[Path], settings: Settings, output: _Output, errors: Stream) -> Discovery:
    """The files to process; a path that cannot be is a usage error, named on one line."""
    from glm_migrate.discovery import discover

    # the files this run writes are never read as input: a baseline's snippets hold model ids
    written = [path for path in (output.baseline, output.write_baseline, output.file) if path is not None]
    found = discover(paths, settings.exclude, include=settings.include, never=written)
    for path, problem in found.problems:
        errors.print(_labelled("error:", "bold red", f"{path}: {problem}"))
    if found.problems:
        sys.exit(EXIT_ERROR)
    for folder in found.empty:
        errors.print(_labelled("warning:", "yellow", f"no Python files or notebooks under {folder}"))
    return found


def _run_paths(
    found: Discovery,
    settings: Settings,
    console: Stream,
    errors: Stream,
    output: _Output,
    mode: str,
    allow_dirty: bool,
    jobs: int | None,
    cache_root: Path | None,
) -> int:
    from glm_migrate.runner import default_jobs, run_spooled

    settings = _with_detected_pins(settings, found.files, errors)
    # Reports wait in a spool file, not in memory: a dry run over a monorepo shows every diff.
    with _progress(len(found.files), errors, "migrating" if mode == "apply" else "checking") as advance:
        reports = run_spooled(
            found.files,
            settings,
            jobs=jobs or default_jobs(),
            cache_root=cache_root,
            edits=output.format in _EDIT_FORMATS,
            diffs=mode == "dry-run" and output.format == "text" and not output.statistics,
            advance=advance,
        )
    try:
        return _report_paths(reports, found, errors, console, output, mode, allow_dirty, frozenset(reports.secrets))
    finally:
        reports.close()


def _report_paths(
    reports: RunReports,
    found: Discovery,
    errors: Stream,
    console: Stream,
    output: _Output,
    mode: str,
    allow_dirty: bool,
    secrets: frozenset[str],
) -> int:
    from glm_migrate.gitstate import uncommitted

    if mode == "apply":
        changed = [report.path for report in reports if report.changed]
        # Checked after the run but before the first write: nothing is written when this refuses.
        dirty = [] if allow_dirty or not changed else uncommitted(changed)
        if dirty:
            shown = "\n".join(f"  {path}" for path in dirty[:20]) + ("\n  ..." if len(dirty) > 20 else "")
            message = (
                f"refusing to apply: {len(dirty)} file(s) to change have uncommitted changes in git:\n{shown}\n"
                "Commit or stash them first, or pass --allow-dirty. Nothing was written."
            )
            errors.print(_labelled("error:", "bold red", message))
            return EXIT_ERROR
        for number, report in enumerate(reports):
            if report.changed:
                reports[number] = _write(report)
    return _finish(reports, console, errors, output, mode=mode, secrets=secrets, skipped=found.skipped)


def _with_detected_pins(settings: Settings, files: Sequence[Path], errors: Stream) -> Settings:
    """The settings with the `openai` major each file's project pins, read from the nearest
    dependency declarations and announced on stderr (as django-upgrade announces the Django
    version it detects), and the LiteLLM it pins or locks where that one lacks the zai provider.
    `openai-major` and `litellm-has-zai` in the configuration override the detection."""
    if not files:
        return settings
    from glm_migrate.dependencies import LitellmFinder, LitellmPin, OpenAIPin, PinFinder
    from glm_migrate.discovery import FileList

    texts = files.texts() if isinstance(files, FileList) else [os.fspath(file) for file in files]
    # each folder resolved once, and no `Path` made per file
    directories = {Path(folder).resolve() for folder in {os.path.dirname(text) or "." for text in texts}}
    if settings.litellm_has_zai is None:
        from glm_migrate.tables import load_tables

        litellm = LitellmFinder(load_tables().litellm.zai_since)
        found = {d: held for d in directories if (held := litellm.for_real_directory(d)) is not None}
        shown: dict[tuple[Path, int], LitellmPin] = {(held.path, held.line): held for held in found.values()}
        for _, held in sorted(shown.items()):
            errors.print(f"glm-migrate: detected {held.describe(Path.cwd())}, a LiteLLM without the zai provider")
        if found:
            settings = replace(
                settings, detected_litellm_pins={d: held.describe(Path.cwd()) for d, held in found.items()}
            )
    if settings.openai_major is not None:
        return settings
    finder = PinFinder()
    pins: dict[Path, OpenAIPin] = {}
    for directory in directories:
        pin = finder.for_real_directory(directory)
        if pin is not None:
            pins[directory] = pin
    announced = {(pin.path, pin.requirement.line): pin for pin in pins.values() if pin.major is not None}
    for _, pin in sorted(announced.items()):
        errors.print(f"glm-migrate: detected {pin.describe(Path.cwd())}")
    return replace(settings, detected_openai_majors={d: pin.major for d, pin in pins.items()}) if pins else settings


def _write(report: FileReport) -> FileReport:
    if not report.changed:
        return report
    problem = atomic_write(report.path, report.output_bytes, report.original)
    return _unwritten(report, problem) if problem else report


@contextmanager
def _progress(total: int, errors: Stream, doing: str) -> Iterator[Callable[[], object] | None]:
    """A progress bar on stderr for long runs in a terminal (a function to call per file done);
    none in CI logs or pipes."""
    if total < 20 or not errors.is_terminal or os.environ.get("CI"):
        yield None
        return
    from rich.progress import Progress

    with Progress(console=errors.console, transient=True) as progress:
        task = progress.add_task(doing, total=total)
        yield partial(progress.advance, task)


def _finish(
    reports: Sequence[FileReport],
    console: Stream,
    errors: Stream,
    output: _Output,
    *,
    mode: str,
    secrets: frozenset[str],
    summary_table: bool = True,
    skipped: dict[str, int] | None = None,
) -> int:
    """Baseline, render, write the report (and the GitHub step summary), pick the exit code.

    `secrets`: the keys found in the reports' sources (masked in every output). `skipped`: what
    discovery left out, by reason.
    """
    reports, baselined = _baseline(reports, output, errors, secrets, apply=mode == "apply")
    summary = Summary(skipped=skipped or {})
    blocking = False
    for report in reports:  # one pass: the reports may be read back from a spool file
        summary.add(report)
        blocking = blocking or any(
            is_blocking(d, dry_run=mode != "apply", strict=output.strict) for d in report.diagnostics
        )
    run = RunReport(
        reports,
        summary,
        mode,
        output.strict,
        baselined,
        _link_base(),
        secrets,
        output.paths,
        output.show_advice,
        output.target,
    )
    _emit(run, output, console, errors, summary_table=summary_table)
    _step_summary(errors, run)

    if summary.files_failed:
        return EXIT_ERROR
    return EXIT_PENDING if blocking and not output.exit_zero else EXIT_CLEAN


def _baseline(
    reports: Sequence[FileReport], output: _Output, errors: Stream, secrets: frozenset[str], *, apply: bool
) -> tuple[Sequence[FileReport], int]:
    """Write the baseline if asked; leave out the findings the baseline knows. (reports, left out)"""
    if output.write_baseline is None and output.baseline is None:
        return reports, 0
    from glm_migrate import baseline as baselines

    if output.write_baseline is not None:
        base = output.write_baseline.parent
        entries = baselines.record(reports, base, secrets, apply=apply)
        try:
            output.write_baseline.write_text(baselines.dumps(entries), encoding="utf-8")
        except OSError as exc:
            _fail(errors, f"{output.write_baseline}: cannot write baseline: {exc.strerror or exc}")
        errors.print(f"wrote {sum(e.count for e in entries)} finding(s) to the baseline {output.write_baseline}")
        known = baselines.Matcher(Counter({(e.path, e.code, e.fingerprint): e.count for e in entries}), base)
    elif output.baseline is not None:
        try:
            known = baselines.Matcher(baselines.load(output.baseline), output.baseline.parent)
        except baselines.BaselineError as exc:
            _fail(errors, str(exc))
    return baselines.without_known(reports, known, secrets, apply=apply), known.matched


def _emit(run: RunReport, output: _Output, console: Stream, errors: Stream, *, summary_table: bool) -> None:
    """The report in its format, on stdout or in --output-file; failed files also on stderr."""
    from glm_migrate.report import failed_files, text_report

    if output.format != "text" or output.statistics:
        from glm_migrate.formats import render  # the other formats, and their imports, only on use

        document = render(output.format, run, statistics=output.statistics)
        if output.file is None:
            click.echo(document, file=console.file)
            return
    else:
        # a report file holds the text as a pipe would, at most 200 columns wide
        target = console if output.file is None else Stream(record=True, width=200)
        for failure in failed_files(run):
            (errors if output.file is None else target).print(failure)
        target.print_all(text_report(run, with_summary=summary_table))
        if output.file is None:
            return
        document = target.recorded()
    try:
        output.file.write_text(document if document.endswith("\n") else document + "\n", encoding="utf-8")
    except OSError as exc:
        _fail(errors, f"{output.file}: cannot write report: {exc.strerror or exc}")


def _link_base() -> str | None:
    """Blob URL prefix for markdown links, from GitHub Actions' environment."""
    server, repository, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    return f"{server}/{repository}/blob/{sha}/" if server and repository and sha else None


def _step_summary(errors: Stream, run: RunReport) -> None:
    """In GitHub Actions, the markdown report goes to the job summary as well."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from glm_migrate.formats import render

    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(render("markdown", run) + "\n")
    except OSError as exc:
        errors.print(
            _labelled("warning:", "yellow", f"cannot append to GITHUB_STEP_SUMMARY ({target}): {exc.strerror or exc}")
        )


def _unwritten(report: FileReport, error: str) -> FileReport:
    """A file that could not be written: its fixes are pending, not done."""
    diagnostics = tuple(replace(d, applied=False) for d in report.diagnostics)
    return replace(report, diagnostics=diagnostics, error=error, output=None)
