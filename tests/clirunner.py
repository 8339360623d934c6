"""Running the installed command in a subprocess, the way CI and pre-commit run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomllib

from glm_migrate.config import Settings, parse_settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
#: each Python fixture case's input
BEFORE_FILES = sorted(FIXTURES.glob("*/before.py"))
#: the Python fixture cases' names
FIXTURE_CASES = sorted(path.parent.name for path in BEFORE_FILES)
#: (case, target model) for each `fixtures/<case>/targets/<model>/`: the case's before.py migrated
#: for that target; the case's after.py is the default target's
TARGET_CASES = sorted(
    (path.parent.parent.name, path.name)
    for path in FIXTURES.glob("*/targets/*")
    if path.is_dir() and (path.parent.parent / "before.py").is_file()
)
SCRIPT = Path(sys.executable).with_name("glm-migrate")

#: a small app with findings of every kind the CLI tests look at: key, base URL, model, range
APP = """\
import os
from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])


def ask(prompt, model="gpt-4o"):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}], temperature=1.5)
"""


def command() -> list[str]:
    return [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "glm_migrate"]


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    # GitHub Actions' variables (and CI) would make a test run inside a workflow write to the
    # real job summary or change what the command prints
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_") and k != "CI"}
    env.update({"NO_COLOR": "1", "COLUMNS": "200"})
    # the day OpenAI shutdowns are judged on: 2026-12-20, whatever the clock says
    env["SOURCE_DATE_EPOCH"] = "1797724800"
    env.update(extra or {})
    return env


def glm_migrate(
    *args: str, cwd: Path, stdin: str | bytes | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[Any]:
    """The command's run; its output is bytes when `stdin` is."""
    return subprocess.run(
        [*command(), *args],
        cwd=cwd,
        env=environment(env),
        capture_output=True,
        text=not isinstance(stdin, bytes),
        input=stdin,
        timeout=120,
    )


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=CI", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def fixture_settings(case: Path, target: str | None = None) -> Settings:
    """A fixture case's settings.toml (`[tool.glm-migrate]`-shaped), else the defaults; with
    `target`, aimed at that target model."""
    path = case / "settings.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if target is not None:
        table["target-model"] = target
    return parse_settings(table, source=path if path.is_file() else None)


def ruff() -> str:
    """ruff beside this interpreter (a virtualenv run without activating it), else on PATH."""
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    assert found, "ruff is a development dependency (pip install -e '.[dev]')"
    return found


def through_a_terminal(
    args: list[str], cwd: Path, env: Mapping[str, str], *, stdout_too: bool = False
) -> tuple[int, bytes, str]:
    """The command run with stderr (and with `stdout_too`, stdout) on a pseudo-terminal: its
    exit code, what the terminal showed, and stdout when it went to a pipe."""
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [*command(), *args], cwd=cwd, env=env, stdout=slave if stdout_too else subprocess.PIPE, stderr=slave
    )
    os.close(slave)
    received: dict[int, bytes] = {master: b""}
    if process.stdout is not None:
        received[process.stdout.fileno()] = b""
    open_ends = set(received)
    while open_ends:  # both read while it runs: a full buffer would stop it
        ready, _, _ = select.select(list(open_ends), [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError("no output for 120 s")
        for end in ready:
            try:
                chunk = os.read(end, 65536)
            except OSError:  # the terminal closed
                chunk = b""
            if chunk:
                received[end] += chunk
            else:
                open_ends.discard(end)
    os.close(master)
    piped = received[process.stdout.fileno()] if process.stdout is not None else b""
    if process.stdout is not None:
        process.stdout.close()
    return process.wait(timeout=120), received[master], piped.decode()
