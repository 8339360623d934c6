"""Where a value is declared rather than assigned: command-line options and model fields.

`parser.add_argument("--model", default="gpt-4o")` read as `args.model`, `@click.option("--model",
default=...)` or `typer.Option("gpt-4o")` on a parameter, `Field(default="gpt-4o")` on a pydantic
or dataclass field: the default is the value a program sends unless someone overrides it, so a
model id there is a sent id, not data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from glm_migrate.nodes import dotted_name, find_kwarg, string_value

if TYPE_CHECKING:
    from glm_migrate.semantic.scopes import Binding, ModuleScopes, Scope

#: Calls that declare a field, an option or a setting, with the position of the argument that is
#: the default, if it may be given by position (pydantic's `Field("x")`, typer's `Option("x")`,
#: python-decouple's `config("OPENAI_MODEL", "gpt-4o")`; dataclasses' `field` takes keywords).
_DECLARATIONS = {"Field": 0, "field": None, "ib": None, "attrib": None, "Option": 0, "Argument": 0, "config": 1}
#: argparse's parse methods that return the namespace itself
_PARSE_METHODS = frozenset({"parse_args", "parse_intermixed_args"})
#: decorators that declare a command-line parameter (click and typer-style wrappers of it)
_OPTION_DECORATORS = frozenset({"option", "argument"})


def declared_default(call: cst.Call) -> cst.BaseExpression | None:
    """The default of `Field(default=...)`, `field(default=...)`, `typer.Option("x")` and the like."""
    func = dotted_name(call.func)
    if func is None:
        return None
    name = func.rpartition(".")[2]
    if name not in _DECLARATIONS:
        return None
    arg = find_kwarg(call, "default")
    if arg is not None:
        return arg.value
    position = _DECLARATIONS[name]
    if position is None or len(call.args) <= position:
        return None
    given = call.args[position]
    if given.keyword is None and not any(a.star for a in call.args[: position + 1]):
        # typer's `...` (Ellipsis) means "required": no default
        return None if type(given.value) is cst.Ellipsis else given.value
    return None


def argparse_default(model: ModuleScopes, expr: cst.Attribute, scope: Scope) -> list[cst.BaseExpression] | None:
    """The defaults of the `add_argument` calls that fill `args.<name>`, when `args` comes from
    `parser.parse_args()` of a parser of this module; None when it does not."""
    calls = argparse_arguments(model, expr, scope)
    if calls is None:
        return None
    defaults: list[cst.BaseExpression] = []
    for call in calls:
        default = find_kwarg(call, "default")
        defaults.append(default.value if default is not None else cst.Name("None"))
    return defaults


def declarations(model: ModuleScopes, binding: Binding, function: Scope | None) -> list[cst.Call]:
    """The calls declaring the command-line option a parameter (or `args.<name>`) is filled by:
    its click-style decorator, typer's `Option(...)` as its default or in its `Annotated[...]`."""
    found: list[cst.Call] = []
    if function is not None and (decorator := _option_of(binding, function)) is not None:
        found.append(decorator)
    annotation = binding.annotation
    held = [binding.value] if binding.value is not None else []
    if type(annotation) is cst.Subscript and (dotted_name(annotation.value) or "").endswith("Annotated"):
        held += [e.slice.value for e in annotation.slice[1:] if type(e.slice) is cst.Index]
    for value in held:
        if type(value) is cst.Call and (dotted_name(value.func) or "").rpartition(".")[2] in ("Option", "Argument"):
            found.append(value)
    return found


def argparse_arguments(model: ModuleScopes, expr: cst.Attribute, scope: Scope) -> list[cst.Call] | None:
    """The `add_argument` calls that fill `args.<name>`, when `args` comes from
    `parser.parse_args()` of a parser of this module; None when it does not."""
    if type(expr.value) is not cst.Name:
        return None
    parsers: list[str] = []
    for binding in model.lookup(expr.value.value, scope):
        value = binding.value
        if type(value) is cst.Call and type(value.func) is cst.Attribute and value.func.attr.value in _PARSE_METHODS:
            receiver = dotted_name(value.func.value)
            if receiver is not None:
                parsers.append(receiver)
    if not parsers:
        return None
    receivers = set(parsers)
    found: list[cst.Call] = []
    for call, _ in model.calls:
        func = call.func
        if type(func) is not cst.Attribute or func.attr.value != "add_argument":
            continue
        if dotted_name(func.value) not in receivers:
            continue
        if destination(call) == expr.attr.value:
            found.append(call)
    return found


def destination(call: cst.Call) -> str | None:
    """argparse's `dest` for an `add_argument` call: `dest=`, else the first long option."""
    dest = find_kwarg(call, "dest")
    if dest is not None:
        return string_value(dest.value)
    flags = [string_value(arg.value) for arg in call.args if arg.keyword is None]
    names = [flag for flag in flags if flag]
    long = next((flag for flag in names if flag.startswith("--")), None)
    chosen = long or (names[0] if names else None)
    return chosen.lstrip("-").replace("-", "_") if chosen else None


def option_default(model: ModuleScopes, binding: Binding, function: Scope) -> cst.BaseExpression | None:
    """A parameter's default declared by a click-style decorator of its function:
    `@click.option("--model", default="gpt-4o") def main(model): ...`."""
    call = _option_of(binding, function)
    default = find_kwarg(call, "default") if call is not None else None
    return default.value if default is not None else None


def option_choices(binding: Binding, function: Scope) -> cst.BaseExpression | None:
    """The values a click-style decorator of its function lets a parameter take:
    `@click.option("--model", type=click.Choice(["gpt-4o", "gpt-4o-mini"]))` gives the list (click
    checks the default against it too, so a default rewritten alone stops the command)."""
    call = _option_of(binding, function)
    if call is None:
        return None
    kind = find_kwarg(call, "type")
    if kind is not None and type(kind.value) is cst.Call:
        if (dotted_name(kind.value.func) or "").rpartition(".")[2] == "Choice" and kind.value.args:
            return kind.value.args[0].value
    choices = find_kwarg(call, "choices")
    return choices.value if choices is not None else None


def _option_of(binding: Binding, function: Scope) -> cst.Call | None:
    """The click-style decorator of `function` that fills the parameter `binding` binds."""
    node = function.node
    if type(node) is not cst.FunctionDef or type(binding.target) is not cst.Param:
        return None
    name = binding.target.name.value
    for decorator in node.decorators:
        call = decorator.decorator
        if type(call) is not cst.Call or (dotted_name(call.func) or "").rpartition(".")[2] not in _OPTION_DECORATORS:
            continue
        if _click_name(call) == name:
            return call
    return None


def _click_name(call: cst.Call) -> str | None:
    """The parameter a click option fills: a bare name given, else its longest `--` flag."""
    flags = [text for arg in call.args if arg.keyword is None and (text := string_value(arg.value))]
    bare = [flag for flag in flags if not flag.startswith("-")]
    if bare:
        return bare[0]
    long = sorted((flag for flag in flags if flag.startswith("--")), key=len, reverse=True)
    return long[0].lstrip("-").replace("-", "_") if long else None


def option_name(call: cst.Call) -> str | None:
    """The parameter an option-declaring call fills: argparse's `add_argument`, click's
    `option`/`argument`; None for any other call."""
    method = (dotted_name(call.func) or "").rpartition(".")[2]
    if method == "add_argument":
        return destination(call)
    if method in _OPTION_DECORATORS:
        return _click_name(call)
    return None
