"""Notebooks: cells migrated as one namespace, magics masked, everything but changed sources kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from clirunner import FIXTURES, glm_migrate

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Severity
from glm_migrate.notebook import migrate_notebook
from glm_migrate.tables import load_tables

UPDATE = os.environ.get("GLM_MIGRATE_UPDATE_FIXTURES") == "1"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "before.ipynb").is_file())


def migrate(data: bytes):  # type: ignore[no-untyped-def]
    return migrate_notebook(data, settings=Settings(), tables=load_tables())


@pytest.mark.parametrize("name", CASES)
def test_golden_notebook(name: str) -> None:
    case = FIXTURES / name
    before = (case / "before.ipynb").read_bytes()
    result = migrate(before)
    assert result.error is None
    output = result.output if result.output is not None else before
    if UPDATE:
        (case / "after.ipynb").write_bytes(output)
    assert output == (case / "after.ipynb").read_bytes()
    again = migrate(output)
    assert again.output is None, "second run changed the notebook"
    assert not any(d.applied for d in again.diagnostics)


def test_only_changed_sources_change() -> None:
    before = (FIXTURES / "notebook_with_magics" / "before.ipynb").read_bytes()
    result = migrate(before)
    assert result.output is not None
    old, new = json.loads(before), json.loads(result.output)
    assert list(old) == list(new) and old["metadata"] == new["metadata"]
    changed = {number for number, _, _ in result.changed_cells}
    assert changed == {3, 4, 5}
    for number, (old_cell, new_cell) in enumerate(zip(old["cells"], new["cells"], strict=True), start=1):
        assert list(old_cell) == list(new_cell), "key order changed"
        for key in old_cell:
            if key != "source" or number not in changed:
                assert old_cell[key] == new_cell[key], (number, key)
    text = "".join(new["cells"][1]["source"]) + "".join(new["cells"][4]["source"])
    assert "%pip install openai" in text and "files = !ls" in text
    assert "".join(new["cells"][3]["source"]).startswith("%%time\n")
    assert result.output.endswith(b"}\n")


def test_findings_point_at_cells() -> None:
    result = migrate((FIXTURES / "notebook_with_magics" / "before.ipynb").read_bytes())
    model = next(d for d in result.diagnostics if d.code == "GLM101" and d.cell == 4)
    assert (model.span.line, model.span.column) == (3, 11)


def test_untouched_notebook_is_not_rewritten() -> None:
    result = migrate((FIXTURES / "notebook_nothing_to_do" / "before.ipynb").read_bytes())
    assert result.output is None and result.error is None


@pytest.mark.parametrize("data", [b"{not json", b'{"cells": 3}', b"\xff\xfe"])
def test_malformed_notebook_is_reported(data: bytes) -> None:
    result = migrate(data)
    assert result.output is None and result.error is not None


def test_cell_that_does_not_parse_leaves_the_others_migrated() -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": ["import openai\n", "def broken(:\n"],
            },
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": ["from openai import OpenAI\n", "OpenAI()"],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    data = (json.dumps(notebook, indent=1) + "\n").encode()
    result = migrate(data)
    assert result.error is None  # one odd cell never fails the notebook
    skipped = [d for d in result.diagnostics if d.code == "GLM992"]
    assert [(d.cell, d.severity, d.span.line) for d in skipped] == [(1, Severity.ERROR, 2)]
    assert result.output is not None and b"ZAI_API_KEY" in result.output
    assert json.loads(result.output)["cells"][0] == notebook["cells"][0]


def test_cli_shows_cells_and_writes_notebooks(tmp_path: Path) -> None:
    source = FIXTURES / "notebook_with_magics" / "before.ipynb"
    (tmp_path / "nb.ipynb").write_bytes(source.read_bytes())
    (tmp_path / "plain.ipynb").write_bytes((FIXTURES / "notebook_nothing_to_do" / "before.ipynb").read_bytes())
    mtime = (tmp_path / "plain.ipynb").stat().st_mtime_ns
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert check.returncode == 1
    assert "nb.ipynb:cell 4:3:11 GLM101" in check.stdout
    applied = glm_migrate(".", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (tmp_path / "nb.ipynb").read_bytes() == (FIXTURES / "notebook_with_magics" / "after.ipynb").read_bytes()
    assert (tmp_path / "plain.ipynb").stat().st_mtime_ns == mtime


def test_machine_formats_name_the_cell(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_bytes((FIXTURES / "notebook_with_magics" / "before.ipynb").read_bytes())
    report = json.loads(glm_migrate(".", "--check", "--output-format", "json", cwd=tmp_path).stdout)
    cells = {(d["code"], d["cell"], d["span"]["line"]) for f in report["files"] for d in f["diagnostics"]}
    assert ("GLM101", 4, 3) in cells
    github = glm_migrate(".", "--check", "--output-format", "github", cwd=tmp_path).stdout
    assert "title=GLM101 openai-model-name (cell 4)" in github
    sarif = json.loads(glm_migrate(".", "--check", "--output-format", "sarif", cwd=tmp_path).stdout)
    assert any(r["properties"].get("notebookCell") == 4 for r in sarif["runs"][0]["results"])
