"""What the client rules share: which clients they own and where module-client settings go."""

from __future__ import annotations

import libcst as cst

from glm_migrate.rules._base import Fix, NodeEdit, Rule
from glm_migrate.rules._helpers import add_dict_entry, add_kwarg, dict_entry
from glm_migrate.semantic import Client, SemanticModel, Target, code_of, find_kwarg


def migrates_to_zai(client: Client) -> bool:
    """An OpenAI-SDK client of this module talking to OpenAI: the one kind the client rules
    rewrite (a parameter's client is its caller's, a derived one is its parent's)."""
    return client.sdk == "openai" and client.target is Target.OPENAI and client.origin in ("constructor", "module")


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


def splat_code(client: Client) -> str:
    """The first `**` argument of the constructor whose keys cannot be seen, as written."""
    assert client.construction is not None
    hidden = [arg for arg, splat in zip(_splat_args(client.construction), client.splats, strict=True) if splat is None]
    return code_of((hidden or list(_splat_args(client.construction)))[0].value)


def _splat_args(call: cst.Call) -> list[cst.Arg]:
    return [arg for arg in call.args if arg.star == "**"]


def add_client_option(
    client: Client, name: str, value: cst.BaseExpression
) -> tuple[tuple[cst.CSTNode, NodeEdit], ...] | str:
    """The edits that give a client constructor option `name` (which it does not set), or why
    that cannot be done safely, with the edit a person should make instead.

    A keyword next to a `**mapping` is added only when every such mapping is visible and none
    holds the key: otherwise the call would raise `TypeError: got multiple values`.
    """
    call = client.construction
    assert call is not None
    if not client.splats_known:
        mapping = splat_code(client)
        return (
            f'`{code_of(call.func)}(**{mapping})`: `{mapping}` must hold `"{name}": {code_of(value)}` '
            f"(its keys are not visible, and adding `{name}=` here could repeat one)"
        )
    return ((call, lambda node: add_kwarg(node, name, value)),)


def default_in_mapping(
    client: Client, name: str, value: cst.BaseExpression
) -> tuple[tuple[cst.CSTNode, NodeEdit], ...] | None:
    """For an option some `**` mapping sets on some paths only: the edit that makes `value` the
    mapping's entry from the start (the later assignments still override it), or None when the
    mapping has no single literal to put it in."""
    for splat in client.splats:
        if splat is None or not splat.sources(name):
            continue
        literal = splat.literal
        if literal is None:
            return None
        if type(literal) is cst.Dict:
            return ((literal, lambda node: node if dict_entry(node, name) else add_dict_entry(node, name, value)),)
        return ((literal, lambda node: node if find_kwarg(node, name) else add_kwarg(node, name, value)),)
    return None


def repoint_blocker(model: SemanticModel, client: Client) -> str | None:
    """Why glm-migrate cannot point this client at Z.AI itself, or None: its calls must then not
    get GLM model ids either, which OpenAI or Azure would reject until a person moves it."""
    if client.imported is not None and client.target is Target.OPENAI:
        return client.imported.blocker
    if client.construction is None or not client.constructed or client.target is not Target.OPENAI:
        return None
    if client.sdk == "azure":
        new_class = "AsyncOpenAI" if client.is_async else "OpenAI"
        blocker = _azure_blocker(model, client)
        if blocker is None and openai_class_spelling(model, client, new_class) is None:
            blocker = f"`{code_of(client.construction.func)}` names the class through a variable"
        return blocker
    if client.sdk == "openai" and not client.splats_known:
        return f"the keys of `**{splat_code(client)}` are not visible"
    return None


def _azure_blocker(model: SemanticModel, client: Client) -> str | None:
    """Why the conversion cannot be a fix: it is one only when every argument is visible and
    maps onto an OpenAI client."""
    call = client.construction
    assert call is not None
    if len(client.classes) > 1:
        return f"`{code_of(call.func)}` is one of {', '.join(f'`{c}`' for c in client.classes)}, chosen at run time"
    if client.splats:
        hidden = [code_of(arg.value) for arg in call.args if arg.star]
        return f"its arguments come from `**{hidden[0]}`, which a plain client may not take"
    if any(arg.keyword is None for arg in call.args):
        return "it takes positional arguments"
    return None


def openai_class_spelling(
    model: SemanticModel, client: Client, new_class: str
) -> tuple[cst.BaseExpression, tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    """How to write the OpenAI class in place of the Azure one, with the name the module
    already has: `oa.OpenAI` for `oa.AzureOpenAI`, `OpenAI` when it is imported (or can be,
    beside the Azure class's import), `openai.OpenAI` otherwise; None for a class reached
    through a variable (`cls = AzureOpenAI; cls()`), which only a person can rewrite."""
    call = client.construction
    assert call is not None
    func, scope = call.func, client.scope
    qualified = f"openai.{new_class}"
    if type(func) is cst.Attribute:
        bases = model.qualified_names(func.value, scope)
        if bases == {"openai"}:
            return func.with_changes(attr=cst.Name(new_class)), (), ()
        return None
    if type(func) is not cst.Name or not all(b.qualified for b in model.lookup(func.value, scope)):
        return None
    existing = model.lookup(new_class, scope)
    if existing and all(b.qualified == qualified for b in existing):
        return cst.Name(new_class), (), ()
    if not existing:
        return cst.Name(new_class), (), (("openai", new_class),)
    modules = model.lookup("openai", scope)
    if not modules or all(b.qualified == "openai" for b in modules):
        return cst.Attribute(cst.Name("openai"), cst.Name(new_class)), ("openai",), ()
    return None
