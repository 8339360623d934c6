"""The real command on real files: modes, exit codes, writes and what is left alone."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clirunner import APP, ROOT, glm_migrate


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP)
    (tmp_path / "src" / "util.py").write_text("def add(a, b):\n    return a + b\n")
    return tmp_path


def test_dry_run_shows_diff_writes_nothing_and_exits_1(tree: Path) -> None:
    before = (tree / "src" / "app.py").read_bytes()
    result = glm_migrate("src", "--dry-run", cwd=tree)
    assert result.returncode == 1, result.stderr
    assert "src/app.py:7:23 GLM101 [fix] Model id `gpt-4o` on chat completions" in result.stdout
    assert "+++ b/src/app.py" in result.stdout
    assert '-client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])' in result.stdout
    assert "2 files scanned, 1 to change, 0 failed" in result.stdout
    assert (tree / "src" / "app.py").read_bytes() == before


def test_apply_then_second_run_is_clean(tree: Path) -> None:
    util_mtime = (tree / "src" / "util.py").stat().st_mtime_ns
    first = glm_migrate("src", cwd=tree)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "[fixed]" in first.stdout
    text = (tree / "src" / "app.py").read_text()
    assert 'model="glm-4.6"' in text and 'os.environ["ZAI_API_KEY"]' in text and "temperature=1.0" in text
    assert (tree / "src" / "util.py").stat().st_mtime_ns == util_mtime, "a file with nothing to do was written"
    second = glm_migrate("src", cwd=tree)
    assert second.returncode == 0
    assert "[fixed]" not in second.stdout
    assert not list((tree / "src").glob(".*glm-migrate")), "temporary files left behind"


def test_check_fails_before_and_passes_after(tree: Path) -> None:
    assert glm_migrate("src", "--check", cwd=tree).returncode == 1
    assert glm_migrate("src", cwd=tree).returncode == 0
    after = glm_migrate("src", "--check", cwd=tree)
    assert after.returncode == 0
    assert "---" not in after.stdout


def test_broken_file_exits_2_untouched_while_others_migrate(tree: Path) -> None:
    broken = tree / "src" / "broken.py"
    broken.write_bytes(b"import openai\ndef broken(:\n")
    result = glm_migrate("src", cwd=tree)
    assert result.returncode == 2
    assert "src/broken.py: syntax error" in result.stderr
    assert broken.read_bytes() == b"import openai\ndef broken(:\n"
    assert 'model="glm-4.6"' in (tree / "src" / "app.py").read_text()


def test_an_encrypted_env_file_is_no_failed_file(tmp_path: Path) -> None:
    """`.env.gpg` (git-crypt, sops, gpg) is named like a `.env` file but holds binary data: nothing
    to scan, and no error that fails the run."""
    (tmp_path / ".env.gpg").write_bytes(b"\x85\x02\x0c\x03\x00OPENAI_API_KEY\x00\xff")
    (tmp_path / "app.py").write_text("import os\n")
    result = glm_migrate(".", "--check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "null bytes" not in result.stderr


def test_warnings_exit_0_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "w.py").write_text(
        'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], temperature=0.5, top_p=0.5)\n'
    )
    assert glm_migrate("w.py", "--check", cwd=tmp_path).returncode == 0
    assert glm_migrate("w.py", "--check", "--strict", cwd=tmp_path).returncode == 1


def test_manual_findings_keep_exit_1_after_apply(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        'from openai import OpenAI\nOpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/").chat.completions.create(model="ft:gpt-4o:x", messages=[])\n'
    )
    result = glm_migrate("m.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "GLM102 [manual]" in result.stdout


def test_gitignore_and_virtualenv_are_skipped(tree: Path) -> None:
    (tree / ".gitignore").write_text("generated/\n")
    for folder in ("generated", ".venv/lib", "node_modules/pkg", "build"):
        (tree / folder).mkdir(parents=True)
        (tree / folder / "x.py").write_text(APP)
    result = glm_migrate(".", "--check", cwd=tree)
    assert "src/app.py" in result.stdout
    for folder in ("generated", ".venv", "node_modules", "build"):
        assert f"{folder}/" not in result.stdout


def test_exclude_option(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--exclude", "app.py", cwd=tree)
    assert result.returncode == 0
    assert "app.py" not in result.stdout


def test_missing_path_exits_2(tree: Path) -> None:
    result = glm_migrate("nope", cwd=tree)
    assert result.returncode == 2
    assert "nope: no such file or directory" in result.stderr


def test_unknown_select_code_is_a_usage_error(tree: Path) -> None:
    result = glm_migrate("src", "--select", "GLM999", cwd=tree)
    assert result.returncode == 2
    assert "unknown rule code(s): GLM999" in result.stderr


def test_select_limits_rules(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--select", "GLM1", cwd=tree)
    assert "GLM101" in result.stdout and "GLM001" not in result.stdout


def test_config_file_in_pyproject(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.glm-migrate]\nregion = "china"\nignore = ["GLM201"]\n')
    result = glm_migrate("src", "--dry-run", cwd=tree)
    assert "open.bigmodel.cn" in result.stdout
    assert "GLM201" not in result.stdout


def test_config_error_names_file_and_key(tree: Path) -> None:
    (tree / "pyproject.toml").write_text("[tool.glm-migrate]\nunsafe_fixes = true\n")
    result = glm_migrate("src", cwd=tree)
    assert result.returncode == 2
    assert "pyproject.toml" in result.stderr and "unknown key `unsafe_fixes`" in result.stderr


def test_cli_flag_wins_over_config(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.glm-migrate]\nregion = "china"\n')
    result = glm_migrate("src", "--dry-run", "--region", "international", cwd=tree)
    assert "api.z.ai" in result.stdout and "open.bigmodel.cn" not in result.stdout


def test_json_output(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--output-format", "json", cwd=tree)
    document = json.loads(result.stdout)
    assert document["summary"]["files_scanned"] == 2
    codes = {d["code"] for f in document["files"] for d in f["diagnostics"]}
    assert {"GLM001", "GLM002", "GLM101", "GLM201"} <= codes
    model = next(d for f in document["files"] for d in f["diagnostics"] if d["code"] == "GLM101")
    assert model["status"] == "fix" and model["edit"]["replacement"] == '"glm-4.6"'


def test_stdin_mode(tmp_path: Path) -> None:
    result = glm_migrate("-", "--stdin-filename", "app.py", cwd=tmp_path, stdin=APP.encode())
    assert b'model="glm-4.6"' in result.stdout
    assert b"app.py:7:23 GLM101" in result.stderr
    assert result.returncode == 0


def test_list_rules_and_explain(tmp_path: Path) -> None:
    listing = glm_migrate("--list-rules", cwd=tmp_path)
    assert listing.returncode == 0 and "GLM101" in listing.stdout and "openai-model-name" in listing.stdout
    explained = glm_migrate("--explain", "GLM101", cwd=tmp_path)
    assert explained.returncode == 0 and "Fix safety" in explained.stdout


def test_python_dash_m_and_help(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "glm_migrate", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "Exit codes" in result.stdout and "--dry-run" in result.stdout


def test_crlf_and_encoding_survive(tmp_path: Path) -> None:
    for case in ("crlf_line_endings", "latin1_coding_cookie", "utf8_bom"):
        shutil.copy(ROOT / "fixtures" / case / "before.py", tmp_path / f"{case}.py")
    assert glm_migrate(".", cwd=tmp_path).returncode == 0
    for case in ("crlf_line_endings", "latin1_coding_cookie", "utf8_bom"):
        assert (tmp_path / f"{case}.py").read_bytes() == (ROOT / "fixtures" / case / "after.py").read_bytes()


def test_file_mode_is_kept(tree: Path) -> None:
    app = tree / "src" / "app.py"
    app.chmod(0o754)
    glm_migrate("src", cwd=tree)
    assert app.stat().st_mode & 0o777 == 0o754


def test_parallel_jobs_give_the_same_result(tmp_path: Path) -> None:
    for index in range(40):
        (tmp_path / f"m{index}.py").write_text(APP)
    serial = glm_migrate(".", "--check", "-j", "1", cwd=tmp_path)
    parallel = glm_migrate(".", "--check", "-j", "2", cwd=tmp_path)
    assert serial.stdout == parallel.stdout
    assert serial.returncode == parallel.returncode == 1
