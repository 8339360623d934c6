"""Helpers for testing rules, shared by this project's tests and by users' own rules."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from glm_migrate.config import Settings
from glm_migrate.diagnostics import MigrationResult
from glm_migrate.engine import migrate_source
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.tables import load_tables

__all__ = ["Invalid", "Valid", "check_example", "run_rule"]


#: Rules are tested on their rewrite on the lines it was written on: calls are not laid out anew
#: for the line length (the engine's layout has tests of its own), unless `settings` ask for it.
RULE_TEST_LINE_LENGTH = 10_000


def run_rule(
    rule: type[Rule], source: str, settings: Mapping[str, Any] | None = None, *, unsafe: bool = True
) -> MigrationResult:
    """Run one rule alone over `source` (dedented)."""
    values = {
        "select": frozenset({rule.CODE}),
        "unsafe_fixes": unsafe,
        "line_length": RULE_TEST_LINE_LENGTH,
        **(settings or {}),
    }
    return migrate_source(textwrap.dedent(source), settings=Settings(**values), tables=load_tables(), rules=(rule,))


def check_example(rule: type[Rule], example: Valid | Invalid) -> None:
    """Assert what an embedded example promises; raises AssertionError with the difference."""
    source = textwrap.dedent(example.code)
    settings = example.settings
    result = run_rule(rule, source, settings)
    assert result.error is None, result.error
    codes = [d.code for d in result.diagnostics if d.code == rule.CODE]
    if isinstance(example, Valid):
        assert not codes, f"{rule.CODE} reported a valid example: {result.diagnostics}"
        assert result.output == source, "a valid example was changed"
        return
    assert codes, f"{rule.CODE} did not report an invalid example"
    expected = source if example.expected is None else textwrap.dedent(example.expected)
    assert result.output == expected, f"\n--- expected\n{expected}\n--- got\n{result.output}"
    compile(result.output, f"<{rule.CODE} example>", "exec", dont_inherit=True)  # parsed and compiled
    if example.unsafe:
        assert run_rule(rule, source, settings, unsafe=False).output == source, "unsafe fix applied by default"
    again = run_rule(rule, result.output, settings)
    assert not any(d.applied for d in again.diagnostics), "a second run applied more fixes"
    assert again.output == result.output
