"""New string literals a fix puts inside an f-string's braces take the quote Python 3.11 allows there."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from glm_migrate.cst import parse_module, walk
from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.quotes import fit_fixes_to_f_strings
from glm_migrate.rules._base import Finding, Fix
from glm_migrate.rules.openai_env_var import OpenAIEnvVar


def _fixed(source: str, new_literal: str) -> tuple[str, Finding]:
    """`source` with its first `NAME` replaced by `new_literal` through a fix, fitted first."""
    module = parse_module(source)
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    walk(module, cst.CSTVisitor(), parents)
    name = next(node for node in parents if type(node) is cst.Name and node.value == "NAME")
    fix = Fix(((name, lambda _: cst.parse_expression(new_literal)),), "replace")
    finding = Finding(OpenAIEnvVar, name, "m", Severity.ERROR, Applicability.SAFE, fix)
    fit_fixes_to_f_strings([finding], parents)
    if finding.fix is None:
        return source, finding

    class Apply(cst.CSTTransformer):
        def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
            for node, edit in finding.fix.edits if finding.fix else ():
                if original is node:
                    return edit(updated)  # type: ignore[return-value]
            return updated

    return module.visit(Apply()).code, finding


@pytest.mark.parametrize(
    ("source", "new_literal", "expected"),
    [
        ('f"{NAME}"\n', '"x"', "f\"{'x'}\"\n"),
        ("f'{NAME}'\n", "'x'", "f'{\"x\"}'\n"),
        ('f"""{NAME}"""\n', '"x"', 'f"""{"x"}"""\n'),  # a lone quote does not end a triple-quoted f-string
        ('f"{g(NAME)}"\n', 'b"x"', "f\"{g(b'x')}\"\n"),
        ('NAME + f"{1}"\n', '"x"', '"x" + f"{1}"\n'),  # outside the braces: unchanged
    ],
)
def test_new_literals_take_the_quote_the_f_string_allows(source: str, new_literal: str, expected: str) -> None:
    output, finding = _fixed(source, new_literal)
    assert output == expected and finding.applicability is Applicability.SAFE
    ast.parse(output, feature_version=(3, 11))


@pytest.mark.parametrize(
    ("source", "new_literal"),
    [
        ('f"{NAME}"\n', '"it\'s"'),  # both quotes
        ('f"{NAME}"\n', '"a\\\\b"'),  # a backslash
        ('f"{NAME}"\n', '"""x"""'),
        ("f\"{f'{NAME}'}\"\n", '"x"'),  # nested: neither quote is free
    ],
)
def test_a_fix_that_cannot_be_requoted_is_left_to_a_person(source: str, new_literal: str) -> None:
    output, finding = _fixed(source, new_literal)
    assert output == source and finding.fix is None
    assert finding.applicability is Applicability.MANUAL and "f-string" in finding.message
