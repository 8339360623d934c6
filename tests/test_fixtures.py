"""Golden before/after pairs: fixtures/<case>/before.py -> after.py (+ diagnostics.txt), and
fixtures/<case>/targets/<model>/ for the same before.py migrated to another target model.

GLM_MIGRATE_UPDATE_FIXTURES=1 pytest tests/test_fixtures.py rewrites the expected files; review
the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from clirunner import FIXTURE_CASES, FIXTURES, TARGET_CASES, fixture_settings

from glm_migrate.config import Settings
from glm_migrate.engine import migrate_bytes
from glm_migrate.results import status
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
    check_case(case, case, fixture_settings(case))


@pytest.mark.parametrize(("name", "target"), TARGET_CASES, ids=[f"{c}@{t}" for c, t in TARGET_CASES])
def test_fixture_for_target(name: str, target: str) -> None:
    """The same before.py, migrated for another target model: targets/<model>/after.py."""
    case = FIXTURES / name
    check_case(case, case / "targets" / target, fixture_settings(case, target))


def test_target_fixtures_differ_from_the_default() -> None:
    # a target whose output is the default's proves nothing about the target
    for name, target in TARGET_CASES:
        directory = FIXTURES / name / "targets" / target
        assert (directory / "after.py").read_bytes() != (FIXTURES / name / "after.py").read_bytes() or (
            (directory / "diagnostics.txt").read_text() != (FIXTURES / name / "diagnostics.txt").read_text()
        ), f"{name}@{target} migrates as the default target does"


def check_case(case: Path, expected: Path, settings: Settings) -> None:
    """case/before.py migrated with `settings` gives expected/after.py and expected/diagnostics.txt,
    and a second run over it changes nothing."""
    before = (case / "before.py").read_bytes()
    result = migrate_bytes(before, settings=settings, tables=load_tables())
    assert result.error is None, result.error
    output = result.output.encode(result.encoding)
    diagnostics = render(result.diagnostics)
    if UPDATE:
        (expected / "after.py").write_bytes(output)
        (expected / "diagnostics.txt").write_text(diagnostics, encoding="utf-8")
    assert output == (expected / "after.py").read_bytes()
    assert diagnostics == (expected / "diagnostics.txt").read_text(encoding="utf-8")
    # compiled, not only parsed: `:=` in a comprehension's iterable parses and fails only here
    compile(output, str(expected / "after.py"), "exec", dont_inherit=True)

    again = migrate_bytes(output, settings=settings, tables=load_tables())
    assert again.output.encode(again.encoding) == output, "second run changed the output"
    assert not any(d.applied for d in again.diagnostics), "second run applied fixes"
