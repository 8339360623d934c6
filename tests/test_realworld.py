"""Opt-in: run glm-migrate over a real project and check it neither crashes nor breaks code.

    GLM_MIGRATE_REALWORLD_DIR=/path/to/project python -m pytest -m realworld tests/test_realworld.py

Every Python file and notebook is migrated in memory (nothing is written): no crash, every output
parses (notebooks stay JSON), and a second run over the output changes nothing and applies no fix.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

from glm_migrate.config import Settings
from glm_migrate.discovery import discover
from glm_migrate.engine import migrate_bytes
from glm_migrate.notebook import migrate_notebook
from glm_migrate.tables import load_tables

ROOT = os.environ.get("GLM_MIGRATE_REALWORLD_DIR")

pytestmark = [
    pytest.mark.realworld,
    pytest.mark.skipif(not ROOT or not Path(ROOT).is_dir(), reason="GLM_MIGRATE_REALWORLD_DIR not set"),
]


def test_real_project_migrates_cleanly() -> None:
    assert ROOT is not None
    settings = Settings(unsafe_fixes=True)
    tables = load_tables()
    files = discover([Path(ROOT)]).files
    assert files, f"no Python files under {ROOT}"
    problems: list[str] = []
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".ipynb":
            problems += _check_notebook(path, data, settings)
            continue
        if path.suffix not in (".py", ".pyi"):
            continue  # configuration files: scanned as text, never parsed
        try:
            ast.parse(data)
        except (SyntaxError, ValueError):
            continue  # not valid Python to begin with: glm-migrate leaves it as it is
        result = migrate_bytes(data, settings=settings, tables=tables)
        if result.error is not None:
            continue  # reported as unprocessable, left untouched: not a crash
        output = result.output.encode(result.encoding)
        try:
            ast.parse(output)
        except SyntaxError as exc:
            problems.append(f"{path}: output does not parse: {exc}")
            continue
        again = migrate_bytes(output, settings=settings, tables=tables)
        if again.output != result.output or any(d.applied for d in again.diagnostics):
            problems.append(f"{path}: second run changed the output")
    assert not problems, "\n".join(problems)


def _check_notebook(path: Path, data: bytes, settings: Settings) -> list[str]:
    result = migrate_notebook(data, settings=settings, tables=load_tables())
    if result.output is None:
        return []
    try:
        json.loads(result.output)
    except ValueError as exc:
        return [f"{path}: migrated notebook is not JSON: {exc}"]
    again = migrate_notebook(result.output, settings=settings, tables=load_tables())
    return [f"{path}: second run changed the notebook"] if again.output is not None else []
