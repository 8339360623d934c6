"""The environment variables the fields of a pydantic-settings class of the module are read from
(`env_prefix` + the field's name, or its alias), for keys and URLs read through such a class."""

from __future__ import annotations

import libcst as cst

from glm_migrate.nodes import dotted_name, string_value
from glm_migrate.semantic import SemanticModel
from glm_migrate.semantic.scopes import Scope

#: `Field(...)` keywords naming the variable a field is read from (pydantic-settings 2 and pydantic 1)
_ALIASES = ("validation_alias", "alias", "env")


def settings_field_envs(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> tuple[str, ...]:
    """The variables (upper-cased) `value`, an attribute read `settings.api_key`, reads when
    `settings` is an instance of a `BaseSettings` class of this module (`Settings()`, a name bound
    once to one, a parameter declared as one): the field's alias, else the class's `env_prefix`
    (a class keyword, `model_config`, or v1's `class Config`) and the field's name. Empty for
    anything else."""
    if type(value) is not cst.Attribute:
        return ()
    klass = _class_of(model, value.value, scope, 0)
    return settings_fields(model, klass).get(value.attr.value, ()) if klass is not None else ()


def settings_instances(model: SemanticModel) -> dict[str, dict[str, tuple[str, ...]]]:
    """The module-level names bound once to an instance of a settings class of this module
    (`settings = Settings()`), each with its fields' variables (`settings_fields`)."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, bindings in model.module_scope.bindings.items():
        value = bindings[0].value if len(bindings) == 1 else None
        if type(value) is cst.Call and (klass := _class_named(model, value.func, model.module_scope)) is not None:
            if fields := settings_fields(model, klass):
                found[name] = fields
    return found


def settings_fields(model: SemanticModel, klass: cst.ClassDef) -> dict[str, tuple[str, ...]]:
    """The fields of `klass`, when it is a `BaseSettings` class, each with the variables
    (upper-cased) it is read from: its alias, else the class's `env_prefix` (a class keyword,
    `model_config`, or v1's `class Config`) and its name. Empty for any other class."""
    chain = _settings_chain(model, klass, 0)
    prefix = next((p for p in map(_env_prefix, chain) if p is not None), "")
    fields: dict[str, tuple[str, ...]] = {}
    for node in reversed(chain):  # a subclass's field replaces its base's
        for statement in node.body.body:
            small = statement.body[0] if type(statement) is cst.SimpleStatementLine else None
            if type(small) is cst.AnnAssign and type(small.target) is cst.Name:
                field = small.target.value
                fields[field] = _aliases(small.value) or ((prefix + field).upper(),)
    return fields


def _class_of(model: SemanticModel, receiver: cst.BaseExpression, scope: Scope, depth: int) -> cst.ClassDef | None:
    """The class of this module `receiver` is an instance of: `Klass()`, a name bound once to
    one, or a parameter declared as one (`settings: Settings`)."""
    if depth > 3:
        return None
    if type(receiver) is cst.Call:
        return _class_named(model, receiver.func, scope)
    if type(receiver) is not cst.Name:
        return None
    bindings = model.lookup(receiver.value, scope)
    if len(bindings) != 1:
        return None
    binding = bindings[0]
    if binding.value is not None and type(binding.value) is cst.Call:
        return _class_of(model, binding.value, binding.scope, depth + 1)
    if binding.annotation is not None:
        return _class_named(model, binding.annotation, binding.scope)
    return None


def _class_named(model: SemanticModel, name: cst.BaseExpression, scope: Scope) -> cst.ClassDef | None:
    if type(name) is not cst.Name:
        return None
    bindings = model.lookup(name.value, scope)
    defines = bindings[0].defines if len(bindings) == 1 else None
    node = defines.node if defines is not None and defines.kind == "class" else None
    return node if type(node) is cst.ClassDef else None


def _settings_chain(model: SemanticModel, klass: cst.ClassDef, depth: int) -> list[cst.ClassDef]:
    """`klass` and its bases of this module up to `BaseSettings`, or empty when it is no settings class."""
    if depth > 5:
        return []
    for base in klass.bases:
        if base.keyword is not None:
            continue
        if (dotted_name(base.value) or "").rpartition(".")[2] == "BaseSettings":
            return [klass]
        parent = _class_named(model, base.value, model.module_scope)
        if parent is not None and (chain := _settings_chain(model, parent, depth + 1)):
            return [klass, *chain]
    return []


def _env_prefix(klass: cst.ClassDef) -> str | None:
    for keyword in klass.keywords:
        if keyword.keyword is not None and keyword.keyword.value == "env_prefix":
            return string_value(keyword.value)
    for statement in klass.body.body:
        if type(statement) is cst.ClassDef and statement.name.value == "Config":
            for line in statement.body.body:
                small = line.body[0] if type(line) is cst.SimpleStatementLine else None
                if type(small) is cst.Assign and dotted_name(small.targets[0].target) == "env_prefix":
                    return string_value(small.value)
        small = statement.body[0] if type(statement) is cst.SimpleStatementLine else None
        if isinstance(small, cst.Assign):
            target, config = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, config = small.target, small.value
        else:
            continue
        if dotted_name(target) == "model_config":
            return _config_prefix(config)
    return None


def _config_prefix(config: cst.BaseExpression) -> str | None:
    if type(config) is cst.Call:
        for arg in config.args:
            if arg.keyword is not None and arg.keyword.value == "env_prefix":
                return string_value(arg.value)
    if type(config) is cst.Dict:
        for element in config.elements:
            if type(element) is cst.DictElement and string_value(element.key) == "env_prefix":
                return string_value(element.value)
    return None


def _aliases(default: cst.BaseExpression | None) -> tuple[str, ...]:
    """The variables `Field(alias="OPENAI_API_KEY")` (or `AliasChoices("A", "B")`) names."""
    if type(default) is not cst.Call:
        return ()
    found: list[str] = []
    for arg in default.args:
        if arg.keyword is None or arg.keyword.value not in _ALIASES:
            continue
        values = arg.value.args if type(arg.value) is cst.Call else (cst.Arg(arg.value),)
        found += [text.upper() for a in values if (text := string_value(a.value))]
    return tuple(found)
