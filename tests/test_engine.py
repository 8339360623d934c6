"""The engine as a unit: source in, output and findings out, never an exception, never I/O."""

from __future__ import annotations

import sys

import pytest

from glm_migrate.config import Settings
from glm_migrate.engine import migrate_bytes, migrate_source
from glm_migrate.rules import ALL_RULES
from glm_migrate.rules.openai_model_name import OpenAIModelName
from glm_migrate.tables import load_tables

CALL = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])\n'


def test_a_fix_is_applied_and_reported_as_applied() -> None:
    result = migrate_source(CALL, settings=Settings(), tables=load_tables(), rules=(OpenAIModelName,))
    assert result.error is None and result.changed
    assert '"glm-4.6"' in result.output and '"gpt-4o"' not in result.output
    (finding,) = result.diagnostics
    assert finding.code == "GLM101" and finding.applied
    assert (finding.span.line, finding.span.column) == (2, 40)
    assert result.summary is not None


def test_a_second_run_changes_nothing() -> None:
    tables = load_tables()
    first = migrate_source(CALL, settings=Settings(), tables=tables, rules=ALL_RULES)
    second = migrate_source(first.output, settings=Settings(), tables=tables, rules=ALL_RULES)
    assert second.output == first.output
    assert not any(d.applied for d in second.diagnostics)


def test_only_the_rules_given_and_enabled_run() -> None:
    tables = load_tables()
    assert migrate_source(CALL, settings=Settings(), tables=tables, rules=()).diagnostics == ()
    ignored = migrate_source(CALL, settings=Settings(ignore=frozenset({"GLM1"})), tables=tables, rules=ALL_RULES)
    assert not any(d.code.startswith("GLM1") for d in ignored.diagnostics)
    assert '"gpt-4o"' in ignored.output


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this interpreter parses PEP 701's f-strings")
def test_a_file_newer_than_the_interpreter_is_left_untouched_without_blaming_the_fixes() -> None:
    # a line break inside an f-string's braces (PEP 701, Python 3.12): LibCST reads it, CPython
    # 3.11 does not, so the fixes cannot be checked (AI-Engineering-Platform/roche-one's tests)
    source = CALL + 'q = "x"\nprompt = f"{q} {\n    q.upper()\n}"\n'
    result = migrate_source(source, settings=Settings(), tables=load_tables(), rules=ALL_RULES)
    assert result.output == source and result.error is not None
    assert "cannot parse this file as it is" in result.error and "internal error" not in result.error


def test_unparsable_input_is_left_untouched_with_a_reason() -> None:
    for broken in (b"import openai\ndef f(:\n", b"import openai\nx = 1 +\n"):
        result = migrate_bytes(broken, settings=Settings(), tables=load_tables())
        assert result.error and result.output == result.source and result.diagnostics == ()


def test_bytes_keep_their_encoding_marks() -> None:
    data = b"\xef\xbb\xbf" + CALL.encode()
    result = migrate_bytes(data, settings=Settings(), tables=load_tables())
    assert result.changed and result.output.encode(result.encoding).startswith(b"\xef\xbb\xbf")
