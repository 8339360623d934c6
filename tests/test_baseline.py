"""Baselines: written, read back, robust to moved code, strict about new usage, free of keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirunner import glm_migrate

from glm_migrate.baseline import snippet
from glm_migrate.diagnostics import Applicability, Diagnostic, Severity, Span

OLD = """\
from openai import OpenAI

client = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")
client.chat.completions.create(model="ft:gpt-4o:acme::a", messages=[])
"""
KEY = "sk-live-0123456789abcdefghijklmn"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "old.py").write_text(OLD)
    return tmp_path


def test_round_trip_passes_then_fails_only_on_new_usage(repo: Path) -> None:
    written = glm_migrate("src", "--check", "--write-baseline", "glm-baseline.json", cwd=repo)
    assert written.returncode == 0, written.stdout + written.stderr
    assert "wrote 1 finding(s) to the baseline" in written.stderr
    document = json.loads((repo / "glm-baseline.json").read_text())
    assert document["glm-migrate-baseline"] == 1
    (entry,) = document["findings"]
    assert (entry["path"], entry["code"], entry["count"]) == ("src/old.py", "GLM102", 1)
    assert entry["snippet"] == 'client.chat.completions.create(model="ft:gpt-4o:acme::a", messages=[])'
    assert "line" not in entry

    again = glm_migrate("src", "--check", "--baseline", "glm-baseline.json", cwd=repo)
    assert again.returncode == 0
    assert "GLM102" not in again.stdout and "1 finding left out" in again.stdout

    (repo / "src" / "new.py").write_text(OLD.replace("acme::a", "acme::b"))
    new = glm_migrate("src", "--check", "--baseline", "glm-baseline.json", cwd=repo)
    assert new.returncode == 1
    assert "src/new.py:4:38 GLM102" in new.stdout and "src/old.py" not in new.stdout


def test_moved_and_reindented_code_still_matches(repo: Path) -> None:
    assert glm_migrate("src", "--check", "--write-baseline", "b.json", cwd=repo).returncode == 0
    moved = OLD.replace(
        'client.chat.completions.create(model="ft:gpt-4o:acme::a", messages=[])\n',
        '\n\n# many lines later\nif True:\n    client.chat.completions.create(model="ft:gpt-4o:acme::a",   messages=[])\n',
    )
    (repo / "src" / "old.py").write_text(moved)
    assert glm_migrate("src", "--check", "--baseline", "b.json", cwd=repo).returncode == 0


def test_a_second_identical_call_in_the_same_file_is_new(repo: Path) -> None:
    assert glm_migrate("src", "--check", "--write-baseline", "b.json", cwd=repo).returncode == 0
    with (repo / "src" / "old.py").open("a") as handle:
        handle.write('client.chat.completions.create(model="ft:gpt-4o:acme::a", messages=[])\n')
    result = glm_migrate("src", "--check", "--baseline", "b.json", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.count("GLM102") == 2  # the finding line and the summary row
    assert "src/old.py:5:38 GLM102" in result.stdout


def test_paths_are_relative_to_the_baseline_file(repo: Path) -> None:
    (repo / "ci").mkdir()
    assert glm_migrate("src", "--check", "--write-baseline", "ci/b.json", cwd=repo).returncode == 0
    assert json.loads((repo / "ci" / "b.json").read_text())["findings"][0]["path"] == "../src/old.py"
    # run from another working directory: the same files still match
    assert glm_migrate("old.py", "--check", "--baseline", "../ci/b.json", cwd=repo / "src").returncode == 0


def test_the_baseline_never_holds_a_key(tmp_path: Path) -> None:
    (tmp_path / "k.py").write_text(f'from openai import OpenAI\nclient = OpenAI(api_key="{KEY}")\n')
    assert glm_migrate("k.py", "--check", "--write-baseline", "b.json", cwd=tmp_path).returncode == 0
    text = (tmp_path / "b.json").read_text()
    assert KEY not in text and KEY[8:20] not in text
    assert {e["code"] for e in json.loads(text)["findings"]} == {"GLM002", "GLM003"}
    assert glm_migrate("k.py", "--check", "--baseline", "b.json", cwd=tmp_path).returncode == 0


def test_fixed_findings_are_not_recorded(repo: Path) -> None:
    (repo / "src" / "fix.py").write_text(OLD.replace("ft:gpt-4o:acme::a", "gpt-4o"))
    result = glm_migrate("src", "--write-baseline", "b.json", cwd=repo)
    assert result.returncode == 0
    codes = [e["code"] for e in json.loads((repo / "b.json").read_text())["findings"]]
    assert codes == ["GLM102"]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not a JSON baseline"), ('{"findings": []}', "not a glm-migrate baseline")],
)
def test_a_bad_baseline_is_an_error(repo: Path, content: str, message: str) -> None:
    (repo / "b.json").write_text(content)
    result = glm_migrate("src", "--check", "--baseline", "b.json", cwd=repo)
    assert result.returncode == 2
    assert "b.json" in result.stderr and message in result.stderr


def test_missing_baseline_is_an_error(repo: Path) -> None:
    result = glm_migrate("src", "--check", "--baseline", "nope.json", cwd=repo)
    assert result.returncode == 2 and "nope.json: cannot read baseline" in result.stderr


def test_snippet_is_whitespace_normalised_and_redacted() -> None:
    source = f'x = 1\nclient = OpenAI(\n    api_key="{KEY}",\n)\n'
    diagnostic = Diagnostic(
        "GLM003", "hardcoded-api-key", "m", Span(2, 10, 4, 2), Severity.ERROR, Applicability.SAFE, applied=False
    )
    assert snippet(source, diagnostic) == 'client = OpenAI( api_key="sk-…(redacted)", )'
    assert snippet(source, diagnostic, {"0123456789abc"}).count("redacted") == 1


def test_the_baseline_never_scans_itself_and_holds_config_and_notebook_findings(tmp_path: Path) -> None:
    """The real loop: the baseline (and the report) sit in the tree scanned, and hold model ids."""
    (tmp_path / "app.py").write_text(OLD)
    (tmp_path / "settings.yaml").write_text("llm:\n  model: gpt-4o\n")
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={KEY}\n")
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": ["x = 1\n"]}
    cells = [cell, {**cell, "source": ["import openai\n", "openai.ChatCompletion.create(model='gpt-4o')\n"]}]
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    written = glm_migrate(
        ".", "--check", "--write-baseline", "baseline.json", "--output-file", "report.json", "--output-format", "json",
        cwd=tmp_path,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    recorded = {entry["path"] for entry in json.loads((tmp_path / "baseline.json").read_text())["findings"]}
    assert recorded == {"app.py", "settings.yaml", ".env", "nb.ipynb"}
    assert (
        KEY not in (tmp_path / "baseline.json").read_text() and KEY[:12] not in (tmp_path / "baseline.json").read_text()
    )
    for _ in range(2):  # again and again: neither the baseline nor the report is ever read as input
        again = glm_migrate(
            ".", "--check", "--baseline", "baseline.json", "--output-file", "report.json", "--output-format", "json",
            cwd=tmp_path,
        )  # fmt: skip
        assert again.returncode == 0, (tmp_path / "report.json").read_text()
    # nor without the flags: glm-migrate knows its own files by their content
    plain = glm_migrate(".", "--show-files", cwd=tmp_path).stdout.split()
    assert "baseline.json" not in plain and "report.json" not in plain


def test_notebook_findings_survive_cells_moving(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    call = ["import openai\n", "openai.ChatCompletion.create(model='gpt-4o')\n"]
    document = {"cells": [{**cell, "source": call}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "nb.ipynb").write_text(json.dumps(document, indent=1))
    assert glm_migrate(".", "--check", "--write-baseline", "b.json", cwd=tmp_path).returncode == 0
    document["cells"].insert(0, {**cell, "source": ["# a new first cell\n", "x = 1\n"]})
    (tmp_path / "nb.ipynb").write_text(json.dumps(document))  # and compact now
    assert glm_migrate(".", "--check", "--baseline", "b.json", cwd=tmp_path).returncode == 0
