"""Never lose a line of anyone's code: bytes, bad input, atomic writes, read-only modes, secrets."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirunner import APP, glm_migrate

from glm_migrate.cli import atomic_write
from glm_migrate.config import Settings
from glm_migrate.engine import migrate_bytes
from glm_migrate.results import FileReport
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.runner import migrate_file
from glm_migrate.semantic import ApiCall
from glm_migrate.tables import load_tables

SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"


def migrate(data: bytes) -> bytes:
    result = migrate_bytes(data, settings=Settings(), tables=load_tables())
    assert result.error is None, result.error
    output = result.output.encode(result.encoding)
    ast.parse(output)
    return output


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        (b"from openai import OpenAI\r\nc = OpenAI()\nx = 1\r\n", [b"\r\nc = OpenAI(", b"\nx = 1\r\n"]),  # mixed
        (b"from openai import OpenAI\nif True:\n\tc = OpenAI()\n", [b"\n\tc = OpenAI("]),  # tabs
        (b"from openai import OpenAI\nc = OpenAI()", [b")"]),  # no trailing newline
        (b"from openai import OpenAI\n\x0c\nc = OpenAI()\n", [b"\n\x0c\n"]),  # form feed LibCST keeps
        (b"\xef\xbb\xbffrom openai import OpenAI\nc = OpenAI()\n", [b"\xef\xbb\xbf"]),  # BOM
    ],
)
def test_bytes_survive(source: bytes, kept: list[bytes]) -> None:
    output = migrate(source)
    assert output != source
    for fragment in kept:
        assert fragment in output
    assert not output.endswith(b"\n") or source.endswith(b"\n")


def test_latin1_cookie_round_trips() -> None:
    source = "# -*- coding: latin-1 -*-\nfrom openai import OpenAI\nc = OpenAI()\ns = 'café'\n".encode("latin-1")
    output = migrate(source)
    assert "s = 'café'".encode("latin-1") in output
    output.decode("latin-1")


def test_form_feed_libcst_would_drop_is_refused() -> None:
    source = b"from openai import OpenAI\n\x0cc = OpenAI()\n"
    result = migrate_bytes(source, settings=Settings(), tables=load_tables())
    assert result.error is not None and "form feed" in result.error
    assert result.output.encode() == source


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("python2", b"import openai\nprint 'hello'\n", "syntax error"),
        ("syntax", b"from openai import OpenAI\ndef f(:\n", "syntax error"),
        ("null", b"import openai\x00\n", "null bytes"),
        ("undecodable", b"import openai\nx = '\xff\xfe'\n", "cannot decode"),
        ("nested", b"import openai\nx = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", "nested"),
        ("chain", b"import openai\nx = " + b"+".join([b"a"] * 20000) + b"\n", "nested"),
    ],
)
def test_bad_input_is_reported_not_raised(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / f"{name}.py"
    path.write_bytes(data)
    report = migrate_file(path, Settings())
    assert report.error is not None and message in report.error
    assert not report.changed


def test_empty_and_huge_files(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_bytes(b"")
    assert migrate_file(tmp_path / "empty.py", Settings()).error is None
    big = b"from openai import OpenAI\nclient = OpenAI()\n" + b"x = 1\n" * 50_000
    (tmp_path / "big.py").write_bytes(big)
    report = migrate_file(tmp_path / "big.py", Settings())
    assert report.error is None and report.changed
    assert report.output_bytes.endswith(b"x = 1\n" * 50_000)


def test_unreadable_file_is_an_error_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.py"
    path.write_text(APP)

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    report = migrate_file(path, Settings())
    assert report.error == "cannot read: Permission denied"


class _BreaksTheCode(Rule):
    """
    ## What it does
    Test double: replaces every chat call with text that does not parse.

    ## Why is this bad?
    It proves the engine refuses output that does not parse.

    ## Example
    ```python
    client.chat.completions.create()
    ```

    ## Fix safety
    Never safe.
    """

    CODE = "GLM999"
    NAME = "breaks-the-code"
    SUMMARY = "Test double"
    FIX_TITLE = "Break it"
    VALID = (Valid("x = 1"), Valid("y = 2"))
    INVALID = (Invalid("x", expected="x"),)

    def on_api_call(self, call: ApiCall) -> None:
        import libcst as cst

        broken = cst.Name("placeholder")
        object.__setattr__(broken, "value", "not ) python")  # bypasses LibCST's validation
        self.report(call.node, "broken", fix=Fix(((call.node, lambda _: broken),), "Break it"))


@pytest.mark.parametrize(
    "source",
    [
        b"from openai import OpenAI\nOpenAI().chat.completions.create(model='glm-4.6', messages=[])\n",
        # nested in blocks, after an elif: only the edited statement is parsed to check the output
        b"from openai import OpenAI\nclass A:\n    def f(self, m='x'):\n        if m:\n            pass\n"
        b"        elif OpenAI().chat.completions.create(model='glm-4.6', messages=[]):\n            pass\n",
    ],
)
def test_output_that_does_not_parse_leaves_the_file_untouched(source: bytes) -> None:
    result = migrate_bytes(source, settings=Settings(), tables=load_tables(), rules=(_BreaksTheCode,))
    assert result.error is not None and "GLM999" in result.error
    assert result.output.encode() == source


class _ImportsAboveTheFuture(_BreaksTheCode):
    """
    ## What it does
    Test double: puts `import os` above the module's first statement, a `from __future__` import.

    ## Why is this bad?
    It proves the engine refuses output that parses but does not compile.

    ## Example
    ```python
    client.chat.completions.create()
    ```

    ## Fix safety
    Never safe.
    """

    def on_api_call(self, call: ApiCall) -> None:
        import libcst as cst

        first = self.model.module.body[0]
        above = cst.FlattenSentinel([cst.parse_statement("import os"), first])
        self.report(call.node, "broken", fix=Fix(((first, lambda _: above),), "Break it"))


def test_a_future_import_pushed_below_other_code_leaves_the_file_untouched() -> None:
    source = b"from __future__ import annotations\nfrom openai import OpenAI\nOpenAI().chat.completions.create()\n"
    result = migrate_bytes(source, settings=Settings(), tables=load_tables(), rules=(_ImportsAboveTheFuture,))
    assert result.error is not None and "__future__" in result.error
    assert result.output.encode() == source


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(b"old\n")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, b"new\n", b"old\n")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]  # no temporary file


def test_atomic_write_refuses_a_file_changed_since_read(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(b"edited by someone else\n")
    assert atomic_write(path, b"new\n", b"old\n") is not None
    assert path.read_bytes() == b"edited by someone else\n"


def test_sigterm_mid_apply_leaves_files_whole(tmp_path: Path) -> None:
    before = APP.encode()
    for index in range(300):
        (tmp_path / f"m{index:03}.py").write_bytes(before)
    command = [sys.executable, "-m", "glm_migrate", ".", "-j", "1"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    # Wait until the run has written something, then stop it.
    while time.monotonic() < deadline and all(p.read_bytes() == before for p in tmp_path.glob("m00*.py")):
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    after = migrate(before)
    contents = {p.read_bytes() for p in tmp_path.glob("*.py")}
    assert contents <= {before, after}
    leftovers = [p for p in tmp_path.iterdir() if not p.name.endswith(".py") and p.name != ".glm_migrate_cache"]
    assert not leftovers, "temporary files left behind"


def test_folder_links_are_not_followed_and_file_links_are_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "lib.py").write_text(APP)
    (outside / "other.py").write_text(APP)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "linked_dir").symlink_to(outside, target_is_directory=True)
    (tree / "linked.py").symlink_to(outside / "lib.py")
    glm_migrate(".", cwd=tree)
    assert (outside / "other.py").read_text() == APP  # only reachable through the folder link
    assert (tree / "linked.py").is_symlink()  # the link stays a link; the file it names is migrated
    assert 'model="glm-4.6"' in (outside / "lib.py").read_text()


@pytest.mark.parametrize("mode", ["--dry-run", "--check"])
def test_read_only_modes_open_nothing_for_writing(tmp_path: Path, mode: str) -> None:
    (tmp_path / "app.py").write_text(APP)
    # An audit hook fails the run if anything in the tree is opened for writing; only the
    # result cache (tool state, git-ignored) may be written.
    probe = (
        "import sys\n"
        f"root = {str(tmp_path)!r}\n"
        "def hook(event, args):\n"
        "    if args and isinstance(args[0], str) and '.glm_migrate_cache' in args[0]:\n"
        "        return\n"
        "    if event == 'open' and isinstance(args[0], str) and args[0].startswith(root):\n"
        "        mode = args[1] or 'r'\n"
        "        if isinstance(mode, str) and any(c in mode for c in 'wax+'):\n"
        "            raise SystemExit(f'opened for writing: {args[0]}')\n"
        "    if event in ('os.rename', 'os.replace', 'os.remove', 'os.chmod') and str(args[0]).startswith(root):\n"
        "        raise SystemExit(f'{event}: {args[0]}')\n"
        "sys.addaudithook(hook)\n"
        "from glm_migrate.cli import main\n"
        f"main([{mode!r}, '-j', '1', '.'])\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "opened for writing" not in result.stderr


def test_unwritable_cache_does_not_stop_a_check(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / ".glm_migrate_cache").write_text("not a directory")
    result = glm_migrate(".", "--check", cwd=tmp_path)
    assert result.returncode == 1 and "GLM101" in result.stdout


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_secret_never_printed(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "keyed.py").write_text(f'from openai import OpenAI\nclient = OpenAI(api_key="{SECRET}")\n')
    for mode in ("--dry-run", "--check"):
        result = glm_migrate(".", mode, "--output-format", output_format, cwd=tmp_path)
        assert SECRET not in result.stdout + result.stderr
        assert SECRET[8:24] not in result.stdout + result.stderr


def test_one_bad_file_never_stops_the_others(tmp_path: Path) -> None:
    (tmp_path / "a_bad.py").write_bytes(b"import openai\x00")
    (tmp_path / "b_broken.py").write_bytes(b"import openai\ndef (:\n")
    (tmp_path / "c_good.py").write_text(APP)
    result = glm_migrate(".", cwd=tmp_path)
    assert result.returncode == 2
    assert 'model="glm-4.6"' in (tmp_path / "c_good.py").read_text()


def test_many_files(tmp_path: Path) -> None:
    for index in range(10_000):
        (tmp_path / f"f{index}.py").write_bytes(b"x = 1\n")
    (tmp_path / "app.py").write_text(APP)
    result = glm_migrate(".", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert "10001 files scanned" in result.stdout


def _crash_on_poison(path: Path, *args: object, **kwargs: object) -> FileReport:
    if path.name == "poison.py":
        os._exit(139)  # what a segfault in native code looks like from the pool
    return migrate_file(path, *args, **kwargs)  # type: ignore[arg-type]


def test_a_crashing_worker_costs_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import glm_migrate.runner as runner

    for index in range(40):
        (tmp_path / f"m{index:02}.py").write_text(APP)
    (tmp_path / "poison.py").write_text(APP)
    monkeypatch.setattr(runner, "migrate_file", _crash_on_poison)
    files = sorted(tmp_path.glob("*.py"))
    reports = {r.path.name: r for r in runner.run(files, Settings(), jobs=2)}
    assert len(reports) == 41
    assert reports["poison.py"].error is not None and "crashed" in reports["poison.py"].error
    assert all(r.error is None and r.changed for name, r in reports.items() if name != "poison.py")


def test_the_users_odd_escapes_print_no_warnings(tmp_path: Path) -> None:
    # Reading `"\("` warns (a SyntaxWarning, shown on every run, from Python 3.12 on): what the
    # user's code says about itself is not glm-migrate's to print.
    (tmp_path / "app.py").write_text(
        'from openai import OpenAI\nclient = OpenAI(api_key="sk-\\(abcdefghijkl")\n'
        'PATTERN = "\\(x\\)"\nclient.chat.completions.create(model="gpt-4o\\d", messages=[], stop="\\(")\n'
    )
    result = subprocess.run(
        [sys.executable, "-W", "always", "-m", "glm_migrate", ".", "--dry-run", "-j", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Warning" not in result.stderr, result.stderr
