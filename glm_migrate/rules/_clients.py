"""What the client rules share: which clients they own and where module-client settings go."""

from __future__ import annotations

import libcst as cst

from glm_migrate.rules._base import Fix, Rule
from glm_migrate.semantic import Client, SemanticModel, Target, code_of


def migrates_to_zai(client: Client) -> bool:
    """An OpenAI-SDK client talking to OpenAI: the one kind the client rules rewrite."""
    return client.sdk == "openai" and client.target is Target.OPENAI


def module_client_anchor(model: SemanticModel) -> tuple[cst.SimpleStatementLine, str] | None:
    """The first module-level `import openai` line and the name it binds, if any."""
    for line in model.openai_import_lines:
        for statement in line.body:
            if not isinstance(statement, cst.Import):
                continue
            for alias in statement.names:
                if alias.evaluated_name == "openai":
                    return line, alias.evaluated_alias or "openai"
    return None


def _last_import_from(module: cst.Module, line: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    """The last of the imports that follow `line`: settings go there, since they read `os`,
    which is often imported a line or two below `openai`."""
    body = list(module.body)
    index = body.index(line) if line in body else len(body) - 1
    while index + 1 < len(body) and _is_import_line(body[index + 1]):
        index += 1
    found = body[index]
    return found if isinstance(found, cst.SimpleStatementLine) else line


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
    )


def module_setting(model: SemanticModel, attribute: str) -> bool:
    return any(a.attribute == attribute for a in model.module_attributes)


def wants_module_settings(model: SemanticModel) -> bool:
    """The module-level client is used here, aimed at OpenAI, in openai>=1 style."""
    return model.module_client_used and not model.uses_legacy_api and migrates_to_zai(model.module_client)


def insert_after(line: cst.SimpleStatementLine, code: str) -> cst.FlattenSentinel[cst.BaseStatement]:
    return cst.FlattenSentinel([line, cst.parse_statement(code)])


def add_missing_module_setting(
    rule: Rule, attribute: str, value: cst.BaseExpression, message: str, imports: tuple[str, ...]
) -> None:
    """Report a module-level client that never sets `openai.<attribute>`; the fix sets it to
    `value` right after `import openai`."""
    if not wants_module_settings(rule.model) or module_setting(rule.model, attribute):
        return
    anchor = module_client_anchor(rule.model)
    if anchor is None:
        return
    line, alias = anchor
    code = f"{alias}.{attribute} = {code_of(value)}"
    after = _last_import_from(rule.model.module, line)
    rule.report(line, message, fix=Fix(((after, lambda node: insert_after(node, code)),), f"Add `{code}`", imports))
