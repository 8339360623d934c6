"""The command line: the only module that prints, writes files and picks exit codes."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markdown import Markdown

from glm_migrate import __version__
from glm_migrate.config import (
    BASE_URL_STYLES,
    REGIONS,
    THINKING_MODES,
    ConfigError,
    Settings,
    find_config_file,
    load_settings,
)
from glm_migrate.diagnostics import Diagnostic, Severity
from glm_migrate.runner import FileReport

EXIT_CLEAN, EXIT_PENDING, EXIT_ERROR = 0, 1, 2

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
     (syntax error, unreadable, internal error); other files are still done
"""


def _split_codes(values: tuple[str, ...]) -> frozenset[str] | None:
    codes = {code.strip().upper() for value in values for code in value.split(",") if code.strip()}
    return frozenset(codes) if codes else None


def _fail(console: Console, message: str) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(EXIT_ERROR)


@dataclass
class _Outcome:
    unresolved_errors: int = 0
    unresolved_warnings: int = 0
    failed: int = 0

    def count(self, diagnostics: tuple[Diagnostic, ...], *, dry_run: bool) -> None:
        for diagnostic in diagnostics:
            if dry_run or not diagnostic.applied:
                if diagnostic.severity is Severity.ERROR:
                    self.unresolved_errors += 1
                else:
                    self.unresolved_warnings += 1

    def exit_code(self, *, strict: bool) -> int:
        if self.failed:
            return EXIT_ERROR
        if self.unresolved_errors or (strict and self.unresolved_warnings):
            return EXIT_PENDING
        return EXIT_CLEAN


def atomic_write(path: Path, data: bytes, expected: bytes | None) -> str | None:
    """Replace `path` with `data` in one rename, keeping its mode; an error message or None.

    Refuses when the file changed since it was read. A temporary file in the same directory is
    renamed over the original, so an interrupted run leaves either the old or the new file.
    """
    try:
        if expected is not None and path.read_bytes() != expected:
            return "changed on disk during the run; not written"
        mode = path.stat().st_mode
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


def _print_rules(console: Console) -> None:
    from glm_migrate.report import rules_table
    from glm_migrate.rules import ALL_RULES

    console.print(rules_table(ALL_RULES))


def _explain(console: Console, code: str) -> None:
    import inspect

    from glm_migrate.rules import rule_by_code

    rule = rule_by_code(code.upper())
    if rule is None:
        _fail(console, f"unknown rule `{code}` (see --list-rules)")
    fix = f"{rule.APPLICABILITY.value} fix: {rule.FIX_TITLE}" if rule.FIX_TITLE else "no automatic fix"
    header = f"# {rule.CODE} {rule.NAME}\n\n{rule.SUMMARY}. Severity: {rule.SEVERITY.value}; {fix}.\n\n"
    console.print(Markdown(header + inspect.cleandoc(rule.__doc__ or "")))


def _load_settings(console: Console, config: Path | None, paths: tuple[str, ...]) -> Settings:
    try:
        if config is not None:
            return load_settings(config)
        start = Path(paths[0]) if paths and paths[0] != "-" else Path.cwd()
        found = find_config_file(start.resolve())
        return load_settings(found) if found else Settings()
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
@click.option("--region", type=click.Choice(REGIONS), help="Z.AI region migrated clients target.")
@click.option(
    "--base-url-style",
    type=click.Choice(BASE_URL_STYLES),
    help="env: read ZAI_BASE_URL with the region's URL as default; literal: the URL itself.",
)
@click.option("--thinking", type=click.Choice(THINKING_MODES), help="Add this deep-thinking switch to chat calls.")
@click.option("--tool-stream", is_flag=True, default=None, help="Add tool_stream to streamed tool calls (GLM206).")
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Settings file (default: nearest pyproject.toml with [tool.glm-migrate]).",
)
@click.option("--strict", is_flag=True, help="Warnings also make the exit code 1.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--stdin-filename", metavar="PATH", help="Name shown for code read from stdin.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: the number of cores).")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE", help="Show a rule's documentation and exit.")
@click.version_option(__version__, prog_name="glm-migrate")
def main(
    paths: tuple[str, ...],
    dry_run: bool,
    check: bool,
    unsafe_fixes: bool | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    region: str | None,
    base_url_style: str | None,
    thinking: str | None,
    tool_stream: bool | None,
    config: Path | None,
    strict: bool,
    output_format: str,
    stdin_filename: str | None,
    jobs: int | None,
    list_rules: bool,
    explain: str | None,
) -> None:
    """Migrate Python code from the OpenAI API (and old Zhipu models) to Z.AI's GLM-4.6.

    Rewrites client construction, model ids and request arguments with LibCST, keeping comments
    and formatting, and reports what a person still has to change.
    """
    console = Console(highlight=False, soft_wrap=True)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    if list_rules:
        _print_rules(console)
        return
    if explain:
        _explain(console, explain)
        return
    if not paths:
        raise click.UsageError("give at least one path (or - for stdin)")

    from glm_migrate.rules import unknown_patterns

    file_settings = _load_settings(errors, config, paths)
    extra_ignores = _split_codes(ignore)
    settings = file_settings.merged(
        select=_split_codes(select),
        ignore=file_settings.ignore | extra_ignores if extra_ignores else None,
        exclude=(*file_settings.exclude, *exclude) if exclude else None,
        unsafe_fixes=unsafe_fixes,
        region=region,
        base_url_style=base_url_style,
        thinking=thinking,
        tool_stream=tool_stream,
    )
    unknown = unknown_patterns(settings.select | settings.ignore)
    if unknown:
        _fail(errors, f"unknown rule code(s): {', '.join(unknown)} (see --list-rules)")

    if paths == ("-",):
        sys.exit(_run_stdin(settings, stdin_filename or "-", errors, strict=strict, check=check or dry_run))
    sys.exit(
        _run_paths(
            [Path(p) for p in paths],
            settings,
            console,
            errors,
            apply=not (dry_run or check),
            show_diff=dry_run,
            strict=strict,
            output_format=output_format,
            jobs=jobs,
        )
    )


def _run_stdin(settings: Settings, name: str, errors: Console, *, strict: bool, check: bool) -> int:
    from glm_migrate.engine import migrate_bytes
    from glm_migrate.report import finding_text
    from glm_migrate.tables import load_tables

    data = sys.stdin.buffer.read()
    result = migrate_bytes(data, settings=settings, tables=load_tables())
    sys.stdout.buffer.write(data if check or result.error else result.output.encode(result.encoding))
    sys.stdout.flush()
    outcome = _Outcome()
    if result.error:
        errors.print(f"{name}: error: {result.error}")
        outcome.failed += 1
    for diagnostic in result.diagnostics:
        errors.print(finding_text(name, diagnostic, dry_run=check))
    outcome.count(result.diagnostics, dry_run=check)
    return outcome.exit_code(strict=strict)


def _run_paths(
    paths: list[Path],
    settings: Settings,
    console: Console,
    errors: Console,
    *,
    apply: bool,
    show_diff: bool,
    strict: bool,
    output_format: str,
    jobs: int | None,
) -> int:
    from glm_migrate.discovery import discover
    from glm_migrate.report import Summary, diff_text, finding_text, json_report, summary_table
    from glm_migrate.runner import default_jobs, run

    found = discover(paths, settings.exclude)
    outcome = _Outcome()
    for missing in found.missing:
        errors.print(f"[bold red]error:[/] {missing}: no such file or directory")
        outcome.failed += 1

    summary = Summary()
    collected: list[FileReport] = []
    dry_run = not apply
    for report in run(found.files, settings, jobs=jobs or default_jobs()):
        if apply and report.changed:
            problem = atomic_write(report.path, report.output_bytes, report.original)
            if problem:
                report = _unwritten(report, problem)
        summary.add(report)
        outcome.count(report.diagnostics, dry_run=dry_run)
        if report.error:
            outcome.failed += 1
        if output_format == "json":
            collected.append(report)
            continue
        if report.error:
            errors.print(f"[bold red]error:[/] {report.path}: {report.error}")
        for diagnostic in report.diagnostics:
            console.print(finding_text(report.path, diagnostic, dry_run=dry_run))
        if show_diff and report.changed:
            assert report.source is not None and report.output is not None
            console.print(diff_text(report.path, report.source, report.output))

    if output_format == "json":
        click.echo(json_report(collected, summary, dry_run=dry_run))
    else:
        console.print()
        console.print(summary_table(summary, applied=apply))
    return outcome.exit_code(strict=strict)


def _unwritten(report: FileReport, error: str) -> FileReport:
    """A file that could not be written: its fixes are pending, not done."""
    diagnostics = tuple(replace(d, applied=False) for d in report.diagnostics)
    return replace(report, diagnostics=diagnostics, error=error, output=None)
