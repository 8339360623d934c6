"""Pieces of the reports: key masking, annotation escaping, where --add-todo puts its markers."""

from __future__ import annotations

import textwrap
from pathlib import Path

from clirunner import BEFORE_FILES

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability, Diagnostic, Severity, Span
from glm_migrate.engine import migrate_source
from glm_migrate.formats import github_annotations, render
from glm_migrate.redaction import file_secrets, redact, span_text
from glm_migrate.results import FileReport, RunReport, Summary
from glm_migrate.tables import load_tables

KEY = "zk.7f3a9c1d2e4b5a6f"  # not shaped like sk-: only GLM003's span identifies it


def diagnostic(code: str, span: Span, message: str = "m") -> Diagnostic:
    return Diagnostic(code, "rule", message, span, Severity.ERROR, Applicability.SAFE, applied=False)


def test_span_text_single_and_multi_line() -> None:
    source = 'a = f("x",\n      "yz")\n'
    assert span_text(source, Span(1, 7, 1, 10)) == '"x"'
    assert span_text(source, Span(1, 5, 2, 12)) == 'f("x",\n      "yz")'


def test_keys_found_by_glm003_are_masked_whatever_their_shape() -> None:
    source = f'client = OpenAI(api_key="{KEY}")\n'
    secrets = file_secrets(source, [diagnostic("GLM003", Span(1, 25, 1, 25 + len(KEY) + 2))])
    assert secrets == frozenset({KEY})
    assert redact(f"edit: OpenAI(api_key='{KEY}')", secrets) == "edit: OpenAI(api_key='zk…(redacted)')"


def test_key_shaped_tokens_are_masked_without_any_finding() -> None:
    assert redact("key sk-proj-ABCDEFGH12345678 end") == "key sk-…(redacted) end"
    assert redact("sk-short") == "sk-short"  # too short to be a key
    assert file_secrets('x = "short"\n', [diagnostic("GLM003", Span(1, 5, 1, 12))]) == frozenset()


def test_render_masks_keys_in_every_field() -> None:
    source = f'client = OpenAI(api_key="{KEY}")\n'
    report = FileReport(
        path=Path("app.py"),
        diagnostics=(
            diagnostic("GLM003", Span(1, 25, 1, 25 + len(KEY) + 2)),
            diagnostic("GLM999", Span(1, 1, 1, 5), message=f"quoting {KEY} by mistake"),
        ),
        source=source,
    )
    run = RunReport([report], Summary(), "check", secrets=file_secrets(source, report.diagnostics))
    for output_format in ("json", "github", "sarif", "markdown", "junit"):
        assert KEY not in render(output_format, run), output_format


def test_github_escapes_properties_and_data() -> None:
    report = FileReport(
        path=Path("dir,with:odd/app.py"),
        diagnostics=(diagnostic("GLM101", Span(3, 4, 3, 9), message="100% sure\nsecond line"),),
    )
    (line,) = github_annotations(RunReport([report], Summary(), "check")).splitlines()
    assert line.startswith("::error file=dir%2Cwith%3Aodd/app.py,line=3,col=4,endLine=3,endColumn=9,")
    assert line.endswith("::100%25 sure%0Asecond line [fix]")


def todo(source: str) -> str:
    result = migrate_source(textwrap.dedent(source), settings=Settings(add_todo=True), tables=load_tables())
    assert result.error is None
    return result.output


def test_marker_goes_above_the_decorators_of_a_function_with_an_unknown_default() -> None:
    output = todo(
        """\
        from openai import OpenAI
        c = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")

        @cache
        def ask(model="ft:gpt-4o:x"):
            return c.chat.completions.create(model=model, messages=[])
        """
    )
    assert (
        "\n# TODO(glm-migrate): GLM102 Model id `ft:gpt-4o:x` (OpenAI fine-tuned model) has no GLM equivalent" in output
    )
    assert output.index("# TODO(glm-migrate)") < output.index("@cache")


def test_marker_is_indented_inside_a_method_and_added_once_per_rule_and_statement() -> None:
    output = todo(
        """\
        from openai import OpenAI
        c = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")

        class Bot:
            def ask(self):
                if True:
                    return c.chat.completions.create(model="ft:a", messages=[c.chat.completions.create(model="ft:b")])
        """
    )
    assert output.count("# TODO(glm-migrate)") == 1
    assert "\n            # TODO(glm-migrate): GLM102 Unknown model id `ft:a`" in output


def test_no_marker_for_fixable_findings_or_advice() -> None:
    source = """\
    from openai import OpenAI
    c = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")
    c.chat.completions.create(model="gpt-4o", messages=[], temperature=0.5, top_p=0.5)
    """
    assert "TODO(glm-migrate)" not in todo(source)


def _apply(source: str, span: Span, replacement: str) -> str:
    offsets = [0]
    for line in source.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    start = offsets[span.line - 1] + span.column - 1
    end = offsets[span.end_line - 1] + span.end_column - 1
    return source[:start] + replacement + source[end:]


def test_every_reported_edit_applies_alone_to_valid_code() -> None:
    """The text edits json and sarif hand to other tools: each one alone yields code that parses,
    and where a file gets a single fix, applying its edit gives exactly the migrated file."""
    import ast

    from glm_migrate.engine import migrate_bytes

    checked = whole = 0
    for before in BEFORE_FILES:
        result = migrate_bytes(before.read_bytes(), settings=Settings(unsafe_fixes=True), tables=load_tables())
        if result.error:
            continue
        for found in result.diagnostics:
            if found.edit is not None:
                ast.parse(_apply(result.source, found.edit.span, found.edit.replacement))
                checked += 1
        applied = [d for d in result.diagnostics if d.applied]
        if len(applied) == 1 and applied[0].edit is not None:
            edit = applied[0].edit
            assert _apply(result.source, edit.span, edit.replacement) == result.output, before
            whole += 1
    assert checked > 100 and whole >= 1


def test_an_argument_edit_leaves_the_comma_and_line_break_alone() -> None:
    source = "from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(\n    model='glm-4.6',\n    max_completion_tokens=512,\n    messages=[],\n)\n"
    result = migrate_source(source, settings=Settings(select=frozenset({"GLM203"})), tables=load_tables())
    (found,) = result.diagnostics
    assert found.edit is not None and found.edit.replacement == "max_tokens=512"
    assert _apply(source, found.edit.span, found.edit.replacement) == result.output
