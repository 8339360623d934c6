"""Golden before/after pairs: fixtures/<case>/before.py -> after.py (+ diagnostics.txt).

GLM_MIGRATE_UPDATE_FIXTURES=1 pytest tests/test_fixtures.py rewrites the expected files; review
the diff like code.
"""

from __future__ import annotations

import ast
import os

import pytest
from clirunner import FIXTURE_CASES, FIXTURES, fixture_settings

from glm_migrate.engine import migrate_bytes
from glm_migrate.report import status
from glm_migrate.tables import load_tables

UPDATE = os.environ.get("GLM_MIGRATE_UPDATE_FIXTURES") == "1"
CASES = FIXTURE_CASES


def render(result_diagnostics: tuple[object, ...]) -> str:
    lines = []
    for d in result_diagnostics:
        lines.append(f"{d.span.line}:{d.span.column} {d.code} [{status(d)}] {d.message}")  # type: ignore[attr-defined]
    return "".join(f"{line}\n" for line in lines)


def test_enough_fixtures() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("name", CASES)
def test_fixture(name: str) -> None:
    case = FIXTURES / name
    settings = fixture_settings(case)
    before = (case / "before.py").read_bytes()
    result = migrate_bytes(before, settings=settings, tables=load_tables())
    assert result.error is None, result.error
    output = result.output.encode(result.encoding)
    diagnostics = render(result.diagnostics)
    if UPDATE:
        (case / "after.py").write_bytes(output)
        (case / "diagnostics.txt").write_text(diagnostics, encoding="utf-8")
    assert output == (case / "after.py").read_bytes()
    assert diagnostics == (case / "diagnostics.txt").read_text(encoding="utf-8")
    ast.parse(output)

    again = migrate_bytes(output, settings=settings, tables=load_tables())
    assert again.output.encode(again.encoding) == output, "second run changed the output"
    assert not any(d.applied for d in again.diagnostics), "second run applied fixes"
