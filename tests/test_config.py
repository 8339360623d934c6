"""Settings from `[tool.glm-migrate]`: errors that name file and key, per-file-ignores, precedence."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirunner import glm_migrate

from glm_migrate.config import ConfigError, Settings, find_line_length, load_settings, parse_settings

APP = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], temperature=2)\n'


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("unsafe_fixes = true", "unknown key `unsafe_fixes` in [tool.glm-migrate]"),
        ('select = "GLM1"', "`select` must be a list of strings"),
        ("ignore = [101]", "`ignore` must be a list of strings"),
        ('unsafe-fixes = "yes"', "`unsafe-fixes` must be true or false"),
        ('region = "mars"', "`region` must be one of international, china"),
        ('base-url-style = "magic"', "`base-url-style` must be one of env, literal"),
        ('api-key-env = "NOT A NAME"', "`api-key-env` must be an environment variable name"),
        ('exclude = "build"', "`exclude` must be a list of strings"),
        ("models = 3", "`models` must be a table of model id = GLM model id"),
        ('per-file-ignores = ["x"]', "`per-file-ignores` must be a table of glob = [codes]"),
        ('[tool.glm-migrate.per-file-ignores]\n"tests/*" = "GLM1"', "`per-file-ignores.tests/*` must be a list"),
        ('[tool.glm-migrate.models]\n"gpt-4o" = 1', "`models` must be a table"),
        ("line-length = 0", "`line-length` must be a positive whole number"),
        ("line-length = true", "`line-length` must be a positive whole number"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, toml: str, message: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.glm-migrate]\n{toml}\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(pyproject)
    assert str(raised.value).startswith(f"{pyproject}: ")
    assert message in str(raised.value)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.glm-migrate\n")
    (tmp_path / "app.py").write_text(APP)
    result = glm_migrate("app.py", "--check", cwd=tmp_path)
    assert result.returncode == 2 and f"{pyproject.name}: invalid TOML" in result.stderr


def test_unknown_codes_in_the_file_name_the_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.glm-migrate.per-file-ignores]\n"tests/*" = ["GLM77"]\n')
    (tmp_path / "app.py").write_text(APP)
    result = glm_migrate("app.py", "--check", cwd=tmp_path)
    assert result.returncode == 2
    assert "pyproject.toml: unknown rule code(s) in `per-file-ignores.tests/*`: GLM77" in result.stderr


def test_codes_are_case_insensitive() -> None:
    settings = parse_settings({"select": ["glm1"], "per-file-ignores": {"a.py": ["glm2"]}})
    assert settings.select == frozenset({"GLM1"}) and settings.per_file_ignores == {"a.py": ("GLM2",)}


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("tests/*", "tests/test_app.py", True),
        ("tests/*", "tests/unit/test_app.py", False),
        ("tests/**", "tests/unit/test_app.py", True),
        ("tests/", "tests/unit/test_app.py", True),
        ("**/conftest.py", "a/b/conftest.py", True),
        ("**/conftest.py", "conftest.py", True),
        ("conftest.py", "a/b/conftest.py", True),  # no slash: the name alone
        ("test_*.py", "src/test_x.py", True),
        ("src/*.py", "other/src/x.py", False),
        ("./src/x.py", "src/x.py", True),
    ],
)
def test_per_file_ignores_globs(tmp_path: Path, glob: str, path: str, matches: bool) -> None:
    settings = Settings(per_file_ignores={glob: ("GLM101",)}, root=tmp_path)
    assert (not settings.for_file(tmp_path / path).is_enabled("GLM101")) is matches
    assert settings.for_file(tmp_path / path).is_enabled("GLM201")


def test_per_file_ignores_apply_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.glm-migrate.per-file-ignores]\n"tests/**" = ["GLM101"]\n"legacy.py" = ["GLM1", "GLM2"]\n'
    )
    for name in ("tests/unit/test_app.py", "src/legacy.py", "src/app.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(APP)
    # run from a subfolder: the globs are still rooted at the pyproject.toml
    result = glm_migrate("..", "--check", cwd=tmp_path / "src")
    lines = result.stdout.splitlines()
    assert any(line.startswith("../src/app.py:2:") and "GLM101" in line for line in lines)
    assert not any(line.startswith("../tests/unit/test_app.py") and "GLM101" in line for line in lines)
    assert any(line.startswith("../tests/unit/test_app.py") and "GLM201" in line for line in lines)
    legacy = [line.split()[1] for line in lines if line.startswith("../src/legacy.py")]
    assert legacy == ["GLM001", "GLM002"]


def test_per_file_ignores_apply_to_stdin_by_its_filename(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.glm-migrate.per-file-ignores]\n"scripts/*" = ["GLM101"]\n')
    result = glm_migrate("-", "--stdin-filename", "scripts/run.py", "--check", cwd=tmp_path, stdin=APP)
    assert "GLM101" not in result.stderr and "GLM201" in result.stderr


def test_command_line_wins_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.glm-migrate]\nselect = ["GLM2"]\nunsafe-fixes = false\n')
    (tmp_path / "app.py").write_text(APP)
    from_file = glm_migrate("app.py", "--check", cwd=tmp_path)
    assert "GLM201" in from_file.stdout and "GLM101" not in from_file.stdout
    flag = glm_migrate("app.py", "--check", "--select", "GLM1", cwd=tmp_path)
    assert "GLM101" in flag.stdout and "GLM201" not in flag.stdout


def test_select_and_ignore_take_prefixes(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    result = glm_migrate("app.py", "--check", "--select", "GLM1,GLM20", "--ignore", "GLM201", cwd=tmp_path)
    assert "GLM101" in result.stdout and "GLM201" not in result.stdout
    assert glm_migrate("app.py", "--check", "--select", "GLM8", cwd=tmp_path).returncode == 2


def test_config_option_reads_a_plain_toml_file(tmp_path: Path) -> None:
    (tmp_path / "glm.toml").write_text('ignore = ["GLM1"]\n')
    (tmp_path / "app.py").write_text(APP)
    result = glm_migrate("app.py", "--check", "--config", "glm.toml", cwd=tmp_path)
    assert "GLM101" not in result.stdout and "GLM201" in result.stdout
    (tmp_path / "bad.toml").write_text("colour = 1\n")
    bad = glm_migrate("app.py", "--check", "--config", "bad.toml", cwd=tmp_path)
    assert bad.returncode == 2 and "bad.toml: unknown key `colour`" in bad.stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": "[tool.ruff]\nline-length = 120\n"}, 120),
        ({"ruff.toml": "line-length = 100\n", "pyproject.toml": "[tool.black]\nline-length = 79\n"}, 100),
        ({".ruff.toml": "line-length = 99\n"}, 99),
        ({"pyproject.toml": "[tool.black]\nline-length = 79\n"}, 79),
        ({"pyproject.toml": "[tool.ruff]\n[tool.black]\nline-length = 101\n"}, 101),
        ({"setup.cfg": "[flake8]\nmax-line-length = 110\n"}, 110),
        ({"tox.ini": "[flake8]\nmax_line_length = 111\n"}, 111),
        ({".flake8": "[flake8]\nmax-line-length = 112\n"}, 112),
        ({"pyproject.toml": "[tool.ruff\n", "setup.cfg": "[flake8\n"}, None),  # unreadable: passed over
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, None),
    ],
)
def test_the_project_line_length(tmp_path: Path, files: dict[str, str], expected: int | None) -> None:
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    assert find_line_length(tmp_path / "src" / "pkg") == expected


def test_the_nearest_configured_folder_wins_and_the_search_stops_at_the_repository(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 150\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "sub").mkdir()
    assert find_line_length(project / "sub") is None  # the folder above the repository is not its config
    (project / "sub" / "setup.cfg").write_text("[flake8]\nmax-line-length = 100\n", encoding="utf-8")
    (project / "pyproject.toml").write_text("[tool.ruff]\nline-length = 120\n", encoding="utf-8")
    assert find_line_length(project / "sub" / "module.py") == 100
    assert find_line_length(project) == 120


def test_the_cli_lays_out_calls_for_the_project_line_length(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    app = tmp_path / "app.py"
    app.write_text("import os\n\nfrom openai import OpenAI\n\nclient = OpenAI(max_retries=2)\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 150\n", encoding="utf-8")
    glm_migrate("app.py", "--allow-dirty", cwd=tmp_path)
    assert "client = OpenAI(max_retries=2, api_key=" in app.read_text(encoding="utf-8")
    app.write_text("import os\n\nfrom openai import OpenAI\n\nclient = OpenAI(max_retries=2)\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 150\n[tool.glm-migrate]\nline-length = 88\n", encoding="utf-8"
    )
    glm_migrate("app.py", "--allow-dirty", cwd=tmp_path)
    assert "client = OpenAI(\n    max_retries=2,\n" in app.read_text(encoding="utf-8")
