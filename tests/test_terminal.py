"""Text written without rich where styles do not show: the same characters rich writes, and
rich (and, for a file with nothing to migrate, LibCST) never imported."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from glm_migrate.report import Columns, Styled
from glm_migrate.terminal import Stream

_CELL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.:", min_size=1, max_size=30)


@st.composite
def _tables(draw: st.DrawFn) -> Columns:
    header = draw(st.lists(st.tuples(_CELL, st.booleans()), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(_CELL, min_size=len(header), max_size=len(header)), max_size=8))
    return Columns(header, rows)


def _drawn_by_rich(renderable: object, width: int) -> str:
    file = io.StringIO()
    Console(file=file, width=width, no_color=True, highlight=False, soft_wrap=True, emoji=False).print(renderable)
    return file.getvalue()


@given(_tables(), st.integers(min_value=20, max_value=240))
def test_a_table_that_fits_is_written_as_rich_draws_it(table: Columns, width: int) -> None:
    if table.fits(width):
        assert table.plain + "\n" == _drawn_by_rich(table.rich(), width)


def test_a_table_too_wide_is_left_to_rich() -> None:
    table = Columns([("name", False), ("count", True)], [("x" * 90, "1")])
    stream = Stream(record=True, width=80)
    stream.print(table)
    assert not table.fits(80)
    assert stream.recorded() == _drawn_by_rich(table.rich(), 80)
    assert max(len(line) for line in stream.recorded().splitlines()) <= 80


def test_text_is_never_read_as_markup() -> None:
    stream = Stream(record=True)
    stream.print("[tool.glm-migrate] [bold]x[/]")
    stream.print(Styled([("error:", "bold red"), (" [tool.glm-migrate]", "")]))
    assert stream.recorded() == "[tool.glm-migrate] [bold]x[/]\nerror: [tool.glm-migrate]\n"


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TTY_COMPATIBLE": "1"},
        {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
    ],
)
@pytest.mark.parametrize("tty", [False, True])
def test_styles_show_where_rich_says_they_do(
    environment: dict[str, str], tty: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    class Output(io.StringIO):
        def isatty(self) -> bool:
            return tty

    monkeypatch.setattr(sys, "stdout", Output())
    assert Stream().is_terminal == Console().is_terminal


_LOADED = """
import sys
sys.argv = ["glm-migrate", *sys.argv[1:]]
from glm_migrate.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write(" ".join(sorted({name.split(".")[0] for name in sys.modules} & {"rich", "libcst"})))
"""


def _libraries_loaded(folder: Path, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _LOADED, *arguments], cwd=folder, capture_output=True, text=True, check=True
    )
    assert "GLM101" in result.stdout or "nothing to migrate" in result.stdout, result.stdout
    return result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""


def test_a_run_through_a_pipe_never_imports_rich(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])\n'
    )
    assert _libraries_loaded(tmp_path, "app.py", "--check", "--no-cache") == "libcst"
    assert _libraries_loaded(tmp_path, "app.py", "--dry-run", "--no-cache") == "libcst"


def test_a_file_with_nothing_to_migrate_needs_neither_rich_nor_libcst(tmp_path: Path) -> None:
    (tmp_path / "quiet.py").write_text("print('no SDK here')\n")
    assert _libraries_loaded(tmp_path, "quiet.py", "--check", "--no-cache") == ""
