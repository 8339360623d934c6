"""Suppression comments: which findings they silence, that they stop the fix, and unused ones."""

from __future__ import annotations

import textwrap

from glm_migrate.config import Settings
from glm_migrate.diagnostics import MigrationResult
from glm_migrate.engine import migrate_source
from glm_migrate.tables import load_tables

CLIENT = 'from openai import OpenAI\nc = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")\n'


def migrate(body: str, **settings: object) -> MigrationResult:
    return migrate_source(CLIENT + textwrap.dedent(body), settings=Settings(**settings), tables=load_tables())  # type: ignore[arg-type]


def codes(result: MigrationResult) -> list[tuple[int, str]]:
    return [(d.span.line, d.code) for d in result.diagnostics]


def test_ignore_with_code_on_the_line_silences_and_keeps_the_code_unchanged() -> None:
    line = 'c.chat.completions.create(model="gpt-4o", messages=[])  # glm-migrate: ignore[GLM101]\n'
    result = migrate(line)
    assert codes(result) == []
    assert result.output == result.source, "a suppressed finding must not be fixed"


def test_bare_ignore_silences_every_code_on_the_line() -> None:
    result = migrate('c.chat.completions.create(model="gpt-4o", temperature=2, messages=[])  # glm-migrate: ignore\n')
    assert codes(result) == []
    assert 'model="gpt-4o"' in result.output and "temperature=2" in result.output


def test_other_codes_on_the_line_are_still_reported_and_fixed() -> None:
    result = migrate(
        'c.chat.completions.create(model="gpt-4o", temperature=2, messages=[])  # glm-migrate: ignore[GLM101]\n'
    )
    assert codes(result) == [(3, "GLM201")]
    assert 'model="gpt-4o"' in result.output and "temperature=1" in result.output


def test_prefix_silences_a_family_and_is_case_insensitive() -> None:
    result = migrate(
        'c.chat.completions.create(model="gpt-4o", temperature=2, messages=[])  # GLM-MIGRATE: ignore[glm1, GLM2]\n'
    )
    assert codes(result) == []


def test_comment_on_its_own_line_applies_to_the_line_below_only() -> None:
    result = migrate(
        """\
        # glm-migrate: ignore[GLM101]
        c.chat.completions.create(model="gpt-4o", messages=[])
        c.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert codes(result) == [(5, "GLM101")]
    assert result.output.count('"gpt-4o"') == 1


def test_trailing_comment_on_a_line_does_not_cover_the_next_line() -> None:
    result = migrate(
        """\
        x = 1  # glm-migrate: ignore[GLM101]
        c.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert (4, "GLM101") in codes(result)
    assert (3, "GLM991") in codes(result)


def test_comment_on_the_first_line_of_a_multi_line_call_covers_its_arguments() -> None:
    result = migrate(
        """\
        c.chat.completions.create(  # glm-migrate: ignore[GLM101]
            model="gpt-4o",
            messages=[],
        )
        """
    )
    assert codes(result) == []


def test_comment_above_a_multi_line_statement_covers_it() -> None:
    result = migrate(
        """\
        # glm-migrate: ignore
        response = c.chat.completions.create(
            model="gpt-4o",
            messages=[],
        )
        """
    )
    assert codes(result) == []


def test_skip_file_leaves_the_file_alone() -> None:
    result = migrate('# glm-migrate: skip-file\nc.chat.completions.create(model="gpt-4o", messages=[])\n')
    assert result.diagnostics == ()
    assert result.output == result.source


def test_directive_inside_a_string_is_not_a_suppression() -> None:
    result = migrate('c.chat.completions.create(model="gpt-4o", messages=["# glm-migrate: skip-file"])\n')
    assert codes(result) == [(3, "GLM101")]


def test_unused_suppressions_are_reported() -> None:
    result = migrate(
        """\
        x = 1  # glm-migrate: ignore
        c.chat.completions.create(model="gpt-4o", messages=[])  # glm-migrate: ignore[GLM101, GLM202]
        y = 2  # glm-migrate: ignore[GLM999]
        """
    )
    messages = {d.span.line: d.message for d in result.diagnostics if d.code == "GLM991"}
    assert messages[3] == "Unused suppression `# glm-migrate: ignore`: nothing to silence here"
    assert messages[4] == "Unused suppression of GLM202: no such finding here"
    assert messages[5] == "Suppression names unknown rule code(s) GLM999"
    assert all(d.severity.value == "warning" for d in result.diagnostics if d.code == "GLM991")
    assert not any(d.code == "GLM101" for d in result.diagnostics)


def test_suppression_of_a_rule_that_did_not_run_is_not_unused() -> None:
    result = migrate(
        'c.chat.completions.create(model="gpt-4o", messages=[])  # glm-migrate: ignore[GLM101]\n',
        ignore=frozenset({"GLM1"}),
    )
    assert codes(result) == []


def test_unused_suppression_reports_can_be_ignored() -> None:
    result = migrate("x = 1  # glm-migrate: ignore\n", ignore=frozenset({"GLM991"}))
    assert codes(result) == []


def test_unused_suppressions_are_removed_by_the_fix() -> None:
    result = migrate(
        """\
        x = 1  # glm-migrate: ignore
        c.chat.completions.create(model="gpt-4o", messages=[])  # glm-migrate: ignore[GLM101, GLM202]
        # glm-migrate: ignore[GLM201]
        y = 2  # keep this note  # glm-migrate: ignore[GLM1]
        z = 3  # glm-migrate: ignore[GLM999]
        """
    )
    assert result.output == CLIENT + textwrap.dedent(
        """\
        x = 1
        c.chat.completions.create(model="gpt-4o", messages=[])  # glm-migrate: ignore[GLM101]
        y = 2  # keep this note
        z = 3  # glm-migrate: ignore[GLM999]
        """
    )
    fixed = [d for d in result.diagnostics if d.code == "GLM991"]
    assert [d.applied for d in fixed] == [True, True, True, True, False]
    again = migrate_source(result.output, settings=Settings(), tables=load_tables())
    assert again.output == result.output and [d.code for d in again.diagnostics] == ["GLM991"]


def test_a_bare_ignore_is_not_unused_when_only_some_rules_ran() -> None:
    line = 'c.chat.completions.create(model="gpt-4o", temperature=2, messages=[])  # glm-migrate: ignore\n'
    result = migrate(line, select=frozenset({"GLM0", "GLM9"}))
    assert codes(result) == [] and result.output == result.source
