"""The CI and pull-request contract: exit codes, the dirty-tree guard, TODO markers, pre-commit hooks."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from clirunner import ROOT, environment, git, glm_migrate, through_a_terminal

FIXABLE = 'from openai import OpenAI\nc = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")\nc.chat.completions.create(model="gpt-4o", messages=[])\n'
MANUAL = FIXABLE.replace('"gpt-4o"', '"ft:gpt-4o:acme::x1"')
CLEAN = FIXABLE.replace('"gpt-4o"', '"glm-4.6"')
WARNING = CLEAN.replace("messages=[])", "messages=[], temperature=0.5, top_p=0.5)")

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.mark.parametrize(
    ("source", "flags", "code"),
    [
        (CLEAN, ["--check"], 0),
        (FIXABLE, ["--check"], 1),
        (MANUAL, ["--check"], 1),
        (FIXABLE, ["--dry-run"], 1),
        (FIXABLE, [], 0),  # applied: nothing left
        (MANUAL, [], 1),  # a person must act
        (WARNING, ["--check"], 0),
        (WARNING, ["--check", "--strict"], 1),
        (FIXABLE, ["--check", "--exit-zero"], 0),
        (MANUAL, ["--check", "--exit-zero", "--output-format", "json"], 0),
        ("import openai\ndef broken(:\n", ["--check", "--exit-zero"], 2),  # errors are never hidden
    ],
)
def test_exit_codes(tmp_path: Path, source: str, flags: list[str], code: int) -> None:
    (tmp_path / "app.py").write_text(source)
    result = glm_migrate("app.py", *flags, cwd=tmp_path)
    assert result.returncode == code, result.stdout + result.stderr


def test_unknown_output_format_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CLEAN)
    result = glm_migrate("app.py", "--output-format", "xml", cwd=tmp_path)
    assert result.returncode == 2 and "xml" in result.stderr


def test_unsafe_fixes_flag(tmp_path: Path) -> None:
    source = (
        "import tiktoken\nfrom openai import OpenAI\n"
        'MODEL = "gpt-4o"\nenc = tiktoken.encoding_for_model(MODEL)\n'
        'c = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")\n'
        "c.chat.completions.create(model=MODEL, messages=[])\n"
    )
    (tmp_path / "app.py").write_text(source)
    safe = glm_migrate("app.py", cwd=tmp_path)
    assert safe.returncode == 1 and "[unsafe-fix]" in safe.stdout
    assert (tmp_path / "app.py").read_text() == source
    unsafe = glm_migrate("app.py", "--unsafe-fixes", cwd=tmp_path)
    assert unsafe.returncode == 0 and 'MODEL = "glm-4.6"' in (tmp_path / "app.py").read_text()


def test_no_progress_bar_outside_a_terminal(tmp_path: Path) -> None:
    for index in range(30):
        (tmp_path / f"m{index}.py").write_text(FIXABLE)
    result = glm_migrate(".", "--check", "--output-format", "json", "-j", "1", cwd=tmp_path)
    assert result.stderr == ""  # nothing but the report: no bar, no escape codes in CI logs
    assert result.stdout.startswith("{")


# The dirty-tree guard ----------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(FIXABLE)
    (tmp_path / "src" / "other.py").write_text(FIXABLE)
    git("init", "-q", cwd=tmp_path)
    git("add", ".", cwd=tmp_path)
    git("commit", "-q", "-m", "init", cwd=tmp_path)
    return tmp_path


@needs_git
@pytest.mark.parametrize("how", ["modified", "staged", "untracked"])
def test_apply_refuses_uncommitted_target_files(repo: Path, how: str) -> None:
    target = repo / "src" / ("new.py" if how == "untracked" else "app.py")
    target.write_text(FIXABLE + "# local edit\n")
    if how == "staged":
        git("add", "src/app.py", cwd=repo)
    before = {p: p.read_bytes() for p in (repo / "src").iterdir()}
    result = glm_migrate("src", cwd=repo)
    assert result.returncode == 2
    assert "refusing to apply" in result.stderr and str(Path("src") / target.name) in result.stderr
    assert "--allow-dirty" in result.stderr and "Nothing was written" in result.stderr
    assert {p: p.read_bytes() for p in (repo / "src").iterdir()} == before, "a file was written"


@needs_git
def test_allow_dirty_applies(repo: Path) -> None:
    (repo / "src" / "app.py").write_text(FIXABLE + "# local edit\n")
    result = glm_migrate("src", "--allow-dirty", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert '"glm-4.6"' in (repo / "src" / "app.py").read_text()


@needs_git
def test_dry_run_and_check_never_need_a_clean_tree(repo: Path) -> None:
    (repo / "src" / "app.py").write_text(FIXABLE + "# local edit\n")
    assert glm_migrate("src", "--check", cwd=repo).returncode == 1
    assert glm_migrate("src", "--dry-run", cwd=repo).returncode == 1


@needs_git
def test_only_files_that_would_change_matter(repo: Path) -> None:
    (repo / "src" / "notes.py").write_text("print('unrelated, uncommitted')\n")
    (repo / "README.md").write_text("dirty, but not a target\n")
    result = glm_migrate("src", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert git("status", "--porcelain", "--", "src/app.py", cwd=repo).startswith(" M")


@needs_git
def test_a_subfolder_of_a_repository_and_a_clean_tree(repo: Path) -> None:
    result = glm_migrate("app.py", cwd=repo / "src")
    assert result.returncode == 0, result.stderr


def test_outside_git_there_is_nothing_to_protect(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FIXABLE)
    assert glm_migrate("app.py", cwd=tmp_path).returncode == 0


@needs_git
def test_never_waits_for_input(repo: Path) -> None:
    (repo / "src" / "app.py").write_text(FIXABLE + "# local edit\n")
    # stdin is a pipe with an answer ready: the command must neither read it nor ask
    result = glm_migrate("src", cwd=repo, stdin="y\n")
    assert result.returncode == 2 and "?" not in result.stderr


# --add-todo -------------------------------------------------------------------------------------


def test_add_todo_marks_manual_sites_once_and_check_fails_until_removed(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(MANUAL.replace("c.chat", "def ask():\n    return c.chat"))
    first = glm_migrate("app.py", "--add-todo", cwd=tmp_path)
    assert first.returncode == 1
    text = app.read_text()
    marker = "    # TODO(glm-migrate): GLM102 Model id `ft:gpt-4o:acme::x1` (OpenAI fine-tuned model) has no GLM equivalent: re-create its behaviour with prompts or a GLM fine-tune, then map the id in `[tool.glm-migrate.models]`\n"
    assert marker + "    return c.chat" in text

    second = glm_migrate("app.py", "--add-todo", cwd=tmp_path)
    assert app.read_text() == text, "a re-run duplicated the marker"
    assert "GLM990 [manual] Migration marker left in the code" in second.stdout

    # the call gets mapped in the config: the marker alone still fails the check
    (tmp_path / "pyproject.toml").write_text('[tool.glm-migrate.models]\n"ft:gpt-4o:acme::x1" = "glm-4.6"\n')
    assert glm_migrate("app.py", cwd=tmp_path).returncode == 1
    check = glm_migrate("app.py", "--check", cwd=tmp_path)
    assert check.returncode == 1 and "GLM990" in check.stdout and "GLM102 [manual]" not in check.stdout
    app.write_text(app.read_text().replace(marker, ""))
    assert glm_migrate("app.py", "--check", cwd=tmp_path).returncode == 0


def test_add_todo_in_dry_run_shows_the_marker_without_writing(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(MANUAL)
    result = glm_migrate("app.py", "--dry-run", "--add-todo", cwd=tmp_path)
    assert "+# TODO(glm-migrate): GLM102" in result.stdout
    assert (tmp_path / "app.py").read_text() == MANUAL


# pre-commit hooks --------------------------------------------------------------------------------


def hooks() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def run_hook(hook_id: str, files: list[str], cwd: Path) -> tuple[int, str]:
    """Run a hook's entry the way pre-commit does: entry, then args, then the staged file names."""
    hook = hooks()[hook_id]
    entry = shlex.split(str(hook["entry"]))
    assert entry[0] == "glm-migrate"
    args = [str(a) for a in hook.get("args", [])]  # type: ignore[attr-defined]
    done = glm_migrate(*entry[1:], *args, *files, cwd=cwd)
    return done.returncode, done.stdout + done.stderr


def test_hook_definitions() -> None:
    defined = hooks()
    assert set(defined) == {"glm-migrate-check", "glm-migrate-fix"}
    for hook in defined.values():
        assert hook["language"] == "python" and hook["types"] == ["python"]


@needs_git
def test_check_hook_on_a_repository(repo: Path) -> None:
    (repo / "src" / "app.py").write_text(FIXABLE + "x = 1\n")
    git("add", "src/app.py", cwd=repo)
    code, output = run_hook("glm-migrate-check", ["src/app.py"], repo)
    assert code == 1 and "GLM101" in output
    (repo / "src" / "app.py").write_text(CLEAN)
    git("add", "src/app.py", cwd=repo)
    assert run_hook("glm-migrate-check", ["src/app.py"], repo)[0] == 0


@needs_git
def test_fix_hook_on_a_repository_with_staged_changes(repo: Path) -> None:
    (repo / "src" / "app.py").write_text(FIXABLE + "x = 1\n")
    git("add", "src/app.py", cwd=repo)  # staged, so different from HEAD: the hook must still run
    code, output = run_hook("glm-migrate-fix", ["src/app.py"], repo)
    assert code == 0, output
    assert '"glm-4.6"' in (repo / "src" / "app.py").read_text()
    assert run_hook("glm-migrate-check", ["src/app.py"], repo)[0] == 0


def _stderr_through_a_terminal(cwd: Path, env: dict[str, str]) -> tuple[int, bytes, str]:
    pytest.importorskip("pty")
    return through_a_terminal([".", "--check", "-j", "1", "--output-format", "json"], cwd, env)


@pytest.mark.parametrize("ci", [False, True])
def test_progress_bar_only_in_a_terminal_outside_ci(tmp_path: Path, ci: bool) -> None:

    for index in range(30):
        (tmp_path / f"m{index}.py").write_text(FIXABLE)
    env = environment({"TERM": "xterm", **({"CI": "true"} if ci else {})})
    env.pop("NO_COLOR", None)
    code, stderr, stdout = _stderr_through_a_terminal(tmp_path, env)
    assert code == 1 and stdout.startswith("{")  # the report itself is untouched by the bar
    assert (b"checking" in stderr) is not ci  # the bar says what the run does: --check checks


@needs_git
def test_folder_names_that_look_like_globs(repo: Path) -> None:
    odd = repo / "v[1]"
    odd.mkdir()
    (odd / "x.py").write_text(FIXABLE)
    result = glm_migrate("v[1]", cwd=repo)
    assert result.returncode == 2 and "v[1]/x.py" in result.stderr
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "odd", cwd=repo)
    assert glm_migrate("v[1]", cwd=repo).returncode == 0


def _readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    return [block.split("\n```", 1)[0] for block in text.split(f"```{language}\n")[1:]]


def test_readme_ci_examples_are_valid_yaml_and_valid_commands() -> None:
    """Every `glm-migrate ...` line of the README's CI and shell examples parses as a command."""
    import click

    from glm_migrate.cli import main

    commands: list[str] = []
    for block in _readme_blocks("yaml"):
        assert yaml.safe_load(block) is not None
        commands += [line.split("glm-migrate", 1)[1] for line in block.splitlines() if "glm-migrate ." in line]
    for block in _readme_blocks("bash"):
        for line in block.splitlines():
            if line.startswith("glm-migrate "):
                commands.append(line.split("#", 1)[0].removeprefix("glm-migrate"))
    assert len(commands) >= 5
    for arguments in commands:
        try:
            main.make_context("glm-migrate", shlex.split(arguments))
        except click.UsageError as exc:  # pragma: no cover - the message is the failure
            pytest.fail(f"README command `glm-migrate{arguments}`: {exc}")
