"""The project's `openai` pin: read from its dependency declarations, announced, applied per project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirunner import glm_migrate

from glm_migrate.config import ConfigError, Settings, parse_settings
from glm_migrate.dependencies import LitellmFinder, PinFinder, admits_only_below, declared_requirements, pinned_major

LEGACY = """\
import openai

try:
    reply = openai.ChatCompletion.create(model="gpt-4", messages=[])
    print(reply["choices"][0]["message"]["content"])
except openai.error.RateLimitError:
    pass
"""
CATCH_ONLY = "import openai\nimport requests\n\ntry:\n    requests.get('x')\nexcept openai.error.Timeout:\n    pass\n"


@pytest.mark.parametrize(
    ("specifier", "major"),
    [
        ("==0.27.4", 0), ("<1", 0), ("<1.0", 0), (">=0.27,<1", 0), ("~=0.27", 0), ("<=0.28.1", 0), ("==0.*", 0),
        (">=1", 1), (">=1.0.0,<2", 1), ("~=1.2", 1), ("==1.*", 1),
        ("", None), (">=0.27", None), ("<2", None), ("!=0.28", None), ("<1.0.1", None), (">=1,<1", None),
    ],
)  # fmt: skip
def test_pinned_major(specifier: str, major: int | None) -> None:
    assert pinned_major(specifier) == major


@pytest.mark.parametrize(
    ("specifier", "major"), [("^0.27.8", 0), ("~0.27", 0), ("0.27.8", 0), ("*", None), ("^1.0", 1), ("0.*", 0)]
)
def test_pinned_major_poetry(specifier: str, major: int | None) -> None:
    assert pinned_major(specifier, poetry=True) == major


def _openai(name: str, text: str) -> list[tuple[int, int, int | None]]:
    return [(r.line, r.column, r.major) for r in declared_requirements(name, text) if r.name == "openai"]


def test_declared_requirements_of_every_manifest_kind() -> None:
    assert _openai("requirements.txt", "# pins\n-r base.txt\nOpenAI[datalib] == 0.28.1 ; python_version>'3'\n") == [
        (3, 0, 0)
    ]
    # keywords are not requirements; optional dependencies and groups are
    pyproject = (
        '[project]\nkeywords = ["openai"]\ndependencies = ["openai>=1.3"]\n[dependency-groups]\nold = ["openai<1"]\n'
    )
    assert _openai("pyproject.toml", pyproject) == [(3, 17, 1), (5, 8, 0)]
    poetry = '[tool.poetry.dependencies]\npython = "^3.8"\nopenai = {version = "^0.27.8", extras = ["datalib"]}\n'
    assert _openai("pyproject.toml", poetry) == [(3, 0, 0)]
    assert _openai("Pipfile", '[packages]\nopenai = "==0.27.8"\n') == [(2, 0, 0)]
    assert _openai("setup.cfg", "[options]\ninstall_requires =\n    requests\n    openai<1\n") == [(4, 4, 0)]
    setup_py = "from setuptools import setup\nREQUIRES = ['x', 'openai==0.28.1']\nsetup(install_requires=REQUIRES)\n"
    assert _openai("setup.py", setup_py) == [(2, 18, 0)]
    assert _openai("pyproject.toml", "not [toml") == []
    assert _openai("setup.py", "setup(") == []


def test_pin_finder_takes_the_nearest_declaration_up_to_the_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("openai==0.27.4\n")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "pyproject.toml").write_text('[project]\ndependencies = ["openai>=1.40"]\n')
    (tmp_path / "old" / "deep").mkdir(parents=True)
    (tmp_path / "old" / "requirements-dev.txt").write_text("pytest\n")  # names no openai: look further up
    finder = PinFinder()
    old = finder.for_directory(tmp_path / "old" / "deep")
    assert old is not None and old.major == 0 and old.path == tmp_path / "requirements.txt"
    new = finder.for_directory(tmp_path / "new")
    assert new is not None and new.major == 1
    (tmp_path / "new" / "requirements.txt").write_text("openai==0.28\n")  # conflicts with pyproject.toml
    conflicting = PinFinder().for_directory(tmp_path / "new")
    assert conflicting is not None and conflicting.major is None


def test_openai_major_setting() -> None:
    assert parse_settings({"openai-major": 0}).openai_major == 0
    with pytest.raises(ConfigError, match="openai-major"):
        parse_settings({"openai-major": "0.27"})
    detected = Settings(detected_openai_majors={Path("/p").resolve(): 0, Path("/p/new").resolve(): 1})
    assert detected.for_file(Path("/p/new/x/app.py")).openai_major == 1
    assert detected.for_file(Path("/p/app.py")).openai_major == 0
    assert detected.for_file(Path("/elsewhere/app.py")).openai_major is None
    assert (
        Settings(openai_major=1, detected_openai_majors={Path("/p").resolve(): 0})
        .for_file(Path("/p/a.py"))
        .openai_major
        == 1
    )


def _project(root: Path, requirements: str) -> None:
    (root / ".git").mkdir()
    (root / "requirements.txt").write_text(requirements)
    (root / "bot.py").write_text(LEGACY)
    (root / "fetch.py").write_text(CATCH_ONLY)


def test_cli_announces_the_pin_and_makes_the_change_set_unsafe(tmp_path: Path) -> None:
    _project(tmp_path, "requests\nopenai==0.27.4\n")
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert "glm-migrate: detected openai<1 from requirements.txt:2 (`openai==0.27.4`)" in check.stderr
    assert "requirements.txt:2:1 GLM404 [manual] `openai==0.27.4` pins openai<1" in check.stdout
    assert "fetch.py:6:8 GLM005 [unsafe-fix]" in check.stdout  # a handler only: still openai<1 code
    applied = glm_migrate(".", cwd=tmp_path)
    assert "0 changed" in applied.stdout and (tmp_path / "fetch.py").read_text() == CATCH_ONLY
    converted = glm_migrate(".", "--unsafe-fixes", cwd=tmp_path)
    assert converted.returncode == 1  # the pin is still to bump
    bot, fetch = (tmp_path / "bot.py").read_text(), (tmp_path / "fetch.py").read_text()
    assert "openai.chat.completions.create" in bot and "reply.choices[0].message.content" in bot
    assert "openai.RateLimitError" in bot and "openai.APITimeoutError" in fetch
    again = glm_migrate(".", "--unsafe-fixes", "--output-format", "json", cwd=tmp_path)
    report = json.loads(again.stdout)
    assert [d["code"] for f in report["files"] for d in f["diagnostics"]] == ["GLM404"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_a_requirements_file_with_a_byte_order_mark_is_read_as_pip_reads_it(tmp_path: Path, encoding: str) -> None:
    """Windows' `pip freeze > requirements.txt` (PowerShell) writes UTF-16, Notepad UTF-8 with a
    mark: pip reads both by their mark, and so does the detection and GLM404 (it stopped with
    "contains null bytes", or saw no pin on the first line). An edit is written back in the
    file's own encoding (the `.env.example` template here)."""
    _project(tmp_path, "")
    text = "openai==0.27.4\r\nrequests==2.31.0\r\n"
    data = ("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding)
    (tmp_path / "requirements.txt").write_bytes(data)
    (tmp_path / ".env.example").write_bytes("OPENAI_API_KEY=sk-...\n".encode(encoding))
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert "glm-migrate: detected openai<1 from requirements.txt:1 (`openai==0.27.4`)" in check.stderr
    assert "requirements.txt:1:1 GLM404 [manual] `openai==0.27.4` pins openai<1" in check.stdout
    assert "failed" not in check.stdout.replace("0 failed", "")
    glm_migrate(".", "--unsafe-fixes", cwd=tmp_path)
    assert (tmp_path / "requirements.txt").read_bytes() == data
    template = (tmp_path / ".env.example").read_bytes()
    if encoding == "utf-16-be":  # a byte order the codec does not write: left as it is
        assert template == "OPENAI_API_KEY=sk-...\n".encode(encoding)
    else:
        assert template.decode(encoding).startswith("ZAI_API_KEY=") and template.startswith(data[:2])


def test_cli_applies_safe_renames_when_the_project_runs_openai_v1(tmp_path: Path) -> None:
    _project(tmp_path, "openai>=1.30\n")
    applied = glm_migrate(".", cwd=tmp_path)
    assert "detected openai>=1 from requirements.txt:1" in applied.stderr
    assert "openai.APITimeoutError" in (tmp_path / "fetch.py").read_text()
    # legacy calls could only raise APIRemovedInV1 there: converting them is safe too
    assert "reply.choices[0].message.content" in (tmp_path / "bot.py").read_text()


def test_configuration_overrides_the_detection(tmp_path: Path) -> None:
    _project(tmp_path, "openai==0.27.4\n")
    (tmp_path / "pyproject.toml").write_text("[tool.glm-migrate]\nopenai-major = 1\n")
    applied = glm_migrate(".", cwd=tmp_path)
    assert "detected" not in applied.stderr
    assert "openai.APITimeoutError" in (tmp_path / "fetch.py").read_text()


def test_stdin_reads_the_pin_of_the_named_file(tmp_path: Path) -> None:
    _project(tmp_path, "openai==0.27.4\n")
    result = glm_migrate("-", "--stdin-filename", "fetch.py", cwd=tmp_path, stdin=CATCH_ONLY)
    assert result.stdout == CATCH_ONLY and "detected openai<1" in result.stderr


def test_change_set_leaves_openai_v1_modules_of_an_openai_v0_project_alone() -> None:
    from glm_migrate.engine import migrate_source
    from glm_migrate.tables import load_tables

    v1 = "import openai\nr = openai.chat.completions.create(model='gpt-4o', messages=[])\n"
    result = migrate_source(v1, settings=Settings(openai_major=0), tables=load_tables())
    assert "glm-4.6" in result.output  # openai>=1 code: it cannot run on the pinned 0.27 anyway
    settings_only = "import os\nimport openai\nopenai.api_key = os.environ['OPENAI_API_KEY']\n"
    result = migrate_source(settings_only, settings=Settings(openai_major=0), tables=load_tables())
    assert result.output == settings_only and {d.applicability.value for d in result.diagnostics} == {"unsafe"}


@pytest.mark.parametrize(
    ("specifier", "poetry", "below"),
    [
        ("==1.67.0", False, True), ("~=1.57.5", False, True), ("<1.80", False, True), ("==1.57.*", False, True),
        (">=1.40,<1.70", False, True), ("1.57.0", True, True), ("^0.3", True, True),
        ("==1.80.8", False, False), ("<=1.80.8", False, False), ("<1.81", False, False), (">=1.50", False, False),
        ("~=1.80", False, False), ("^1.57", True, False), ("", False, False),
    ],
)  # fmt: skip
def test_admits_only_litellm_releases_before_the_zai_provider(specifier: str, poetry: bool, below: bool) -> None:
    assert admits_only_below(specifier, poetry, (1, 80, 8)) is below


def test_litellm_finder_reads_locks_before_manifests(tmp_path: Path) -> None:
    """A lock says what is installed: `uv.lock` locking 1.74 holds, whatever `pyproject.toml`
    allows (joelgrus/dspygraph: `dspy>=2.6.27` declared, LiteLLM 1.74.0.post1 locked); one
    locking a release with the provider lets it through, and so does a manifest without a bound."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["dspy>=2.6.27"]\n')
    lock = '[[package]]\nname = "litellm"\nversion = "{}"\nsource = {{ registry = "https://pypi.org/simple" }}\n'
    (tmp_path / "uv.lock").write_text("version = 1\n\n" + lock.format("1.74.0.post1"))
    pin = LitellmFinder((1, 80, 8)).for_real_directory(tmp_path)
    assert pin is not None and pin.text == "litellm==1.74.0.post1" and pin.line == 5
    (tmp_path / "uv.lock").write_text(lock.format("1.81.3"))
    assert LitellmFinder((1, 80, 8)).for_real_directory(tmp_path) is None
    (tmp_path / "uv.lock").unlink()
    (tmp_path / "sub").mkdir()
    (tmp_path / "requirements.txt").write_text("litellm~=1.57.5\n")
    pin = LitellmFinder((1, 80, 8)).for_real_directory(tmp_path / "sub")
    assert pin is not None and pin.path == tmp_path / "requirements.txt"
    (tmp_path / "requirements.txt").write_text("litellm>=1.50\n")
    assert LitellmFinder((1, 80, 8)).for_real_directory(tmp_path / "sub") is None


def test_litellm_calls_move_to_zai_only_unsafely_where_the_project_locks_an_older_litellm(tmp_path: Path) -> None:
    """Announced, and GLM107's `zai/` moves unsafe; `litellm-has-zai = true` overrides it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("litellm==1.67.0\n")
    (tmp_path / "ask.py").write_text('import litellm\nreply = litellm.completion(model="gpt-4o", messages=[])\n')
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert "detected `litellm==1.67.0` (requirements.txt:1), a LiteLLM without the zai provider" in check.stderr
    assert "GLM107 [unsafe-fix] Model `gpt-4o`" in check.stdout and "older than 1.80.8" in check.stdout
    assert "GLM107 [fix]" not in check.stdout
    (tmp_path / "pyproject.toml").write_text("[tool.glm-migrate]\nlitellm-has-zai = true\n")
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert "GLM107 [fix] Model `gpt-4o`" in check.stdout and "older than" not in check.stdout


def test_litellm_has_zai_setting() -> None:
    assert parse_settings({"litellm-has-zai": False}).litellm_has_zai is False
    with pytest.raises(ConfigError):
        parse_settings({"litellm-has-zai": "no"})
