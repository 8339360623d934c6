"""Small readings of LibCST nodes that every part of glm-migrate shares: dotted names, string
literals, keyword arguments and environment lookups. No knowledge of SDKs lives here."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from contextvars import ContextVar
from types import MappingProxyType

import libcst as cst

from glm_migrate.cst import walk


def find_kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def passed_argument(call: cst.Call, param: str, index: int) -> cst.Arg | None:
    """The argument `call` passes for parameter `param` at position `index` (-1: keyword only):
    by keyword, or by position before any `*` splat."""
    arg = find_kwarg(call, param)
    if arg is None and 0 <= index < len(call.args) and not any(a.star for a in call.args[: index + 1]):
        arg = call.args[index] if call.args[index].keyword is None else None
    return arg


def dotted_name(node: cst.BaseExpression) -> str | None:
    """ "a.b.c" for a chain of Name/Attribute nodes, else None."""
    parts: list[str] = []
    while type(node) is cst.Attribute:  # type() tests: see glm_migrate.cst.common.node_types
        parts.append(node.attr.value)
        node = node.value
    if type(node) is not cst.Name:
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def callee(call: cst.Call) -> cst.BaseExpression:
    """What a call calls, a generic class's parameters left out (`GPTJSON[Schema](key)` calls
    `GPTJSON`); a subscript of anything else cannot be a function or class another module lists."""
    func = call.func
    return func.value if type(func) is cst.Subscript else func


def code_of(node: cst.CSTNode) -> str:
    """The source text of a node, for messages."""
    return cst.Module(body=[]).code_for_node(node)


#: a comment ending a line of quoted code (no quote after it: not inside a string)
LINE_COMMENT = re.compile(r"[ \t]*#[^\n\"'`]*(?=\n)")


def short_code(node: cst.CSTNode, limit: int = 60) -> str:
    """`code_of(node)` on one line (a message is one line), cut with "..." past `limit` characters."""
    code = code_of(node)
    if "#" in code:
        code = LINE_COMMENT.sub("", code)
    code = " ".join(code.split())
    code = code.replace("( ", "(").replace(" )", ")").replace("[ ", "[").replace(" ]", "]")
    return code if len(code) <= limit else code[: limit - 3] + "..."


def method_name(func: cst.BaseExpression) -> str:
    """A called method as a message names it: `llm.bind`, `ChatOpenAI(...).bind` for one called
    on a constructor (whose arguments may fill lines), else `short_code(func)`."""
    if type(func) is cst.Attribute and isinstance(func.value, cst.Call):
        return f"{short_code(func.value.func)}(...).{func.attr.value}"
    return short_code(func)


#: the `type` of message content parts that carry an image
IMAGE_PARTS = frozenset({"image_url", "input_image"})


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (no f-string, no concatenation), else None."""
    if type(node) is not cst.SimpleString:
        return None
    raw = node.value
    # Most literals have no prefix and no escape: slicing them is exact and spares
    # `evaluated_value` its ast.literal_eval, the cost of a compile per literal.
    if raw[0] in "\"'" and "\\" not in raw:
        quote = raw[:3] if raw[:3] in ('"""', "'''") and len(raw) >= 6 else raw[0]
        return raw[len(quote) : -len(quote)]
    value = evaluated(node)
    return value if isinstance(value, str) else None


def evaluated(node: cst.SimpleString) -> str | bytes:
    """`node.evaluated_value`, without the warnings Python prints about the user's escapes
    (`"\\("` gives a SyntaxWarning on every run from Python 3.12 on)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return node.evaluated_value


#: the other names the module being analysed gives `os`, `os.environ` and `os.getenv` (`import os
#: as _os`, `from os import environ as env`, `ENV = os.environ`), each to the name it stands for:
#: set by `SemanticModel.build` for the module it builds, emptied by its `release`
OS_ALIASES: ContextVar[Mapping[str, str]] = ContextVar("os_aliases", default=MappingProxyType({}))
#: how code names the environment mapping (`from os import environ`)
ENVIRON_NAMES = ("os.environ", "environ")


def os_dotted_name(node: cst.BaseExpression) -> str | None:
    """`dotted_name`, with the module's aliases of `os` and its environment written out."""
    dotted = dotted_name(node)
    aliases = OS_ALIASES.get()
    if dotted is not None and aliases:
        head, dot, rest = dotted.partition(".")
        if head in aliases:
            return aliases[head] + dot + rest
    return dotted


def env_lookup(expr: cst.BaseExpression) -> tuple[str, cst.BaseExpression | None] | None:
    """(NAME, default) for os.getenv("NAME", d), os.environ.get("NAME", d), os.environ["NAME"]."""
    if type(expr) is cst.Call:
        func = os_dotted_name(expr.func)
        if func in ("os.getenv", "os.environ.get", "getenv", "environ.get") and expr.args:
            name = string_value(expr.args[0].value)
            if name is None:
                return None
            default = expr.args[1].value if len(expr.args) > 1 else None
            return name, default
    if type(expr) is cst.Subscript and os_dotted_name(expr.value) in ENVIRON_NAMES:
        if len(expr.slice) == 1 and type(expr.slice[0].slice) is cst.Index:
            name = string_value(expr.slice[0].slice.value)
            if name is not None:
                return name, None
    return None


def setting_lookup(call: cst.Call) -> tuple[cst.BaseExpression, str, bool, cst.BaseExpression] | None:
    """(holder, name, by getattr, default) for `getattr(cfg, "NAME", default)` (a setting an object
    or module may lack) and `config.get("key", default)` (a mapping's): positional arguments only,
    the name a string."""
    func, args = call.func, call.args
    if any(arg.keyword is not None or arg.star for arg in args):
        return None
    if type(func) is cst.Name and func.value == "getattr" and len(args) == 3:
        name = string_value(args[1].value)
        return (args[0].value, name, True, args[2].value) if name is not None else None
    if type(func) is cst.Attribute and func.attr.value == "get" and len(args) == 2:
        key = string_value(args[0].value)
        return (func.value, key, False, args[1].value) if key is not None else None
    return None


def env_membership(expr: cst.BaseExpression) -> tuple[str, cst.SimpleString, bool] | None:
    """(NAME, its literal, negated) for `"NAME" in os.environ` (negated: `not in`), a test of
    whether the variable is set."""
    if type(expr) is not cst.Comparison or len(expr.comparisons) != 1 or type(expr.left) is not cst.SimpleString:
        return None
    comparison = expr.comparisons[0]
    environ = os_dotted_name(comparison.comparator) in ENVIRON_NAMES
    if type(comparison.operator) not in (cst.In, cst.NotIn) or not environ:
        return None
    name = string_value(expr.left)
    return (name, expr.left, type(comparison.operator) is cst.NotIn) if name is not None else None


def is_none(node: cst.BaseExpression | None) -> bool:
    """The literal `None`."""
    return type(node) is cst.Name and node.value == "None"


def gives_none_when_unset(expr: cst.BaseExpression) -> bool:
    """`os.getenv("NAME")`, `os.environ.get("NAME", None)`: a lookup whose value is None when the
    variable is not set (`env_lookup` tells the name)."""
    lookup = env_lookup(expr)
    if lookup is None or not isinstance(expr, cst.Call):
        return False
    default = lookup[1]
    return default is None or is_none(default)


class _Strings(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.SimpleString] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.found.append(node)


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append(node)


def names_in(node: cst.CSTNode) -> list[cst.Name]:
    """The names inside `node` (those of attributes and keywords included)."""
    visitor = _Names()
    walk(node, visitor)
    return visitor.found


def literals_in(node: cst.CSTNode) -> list[cst.SimpleString]:
    """The string literals inside `node` (the `"gpt-"` of a prefix test)."""
    visitor = _Strings()
    walk(node, visitor)
    return visitor.found


def sets_nothing(value: cst.BaseExpression) -> bool:
    """`None`, or a dict of `None`s (`openai.proxy = {"http": None, "https": None}`)."""
    if type(value) is cst.Name:
        return value.value == "None"
    if type(value) is cst.Dict:
        return all(isinstance(e, cst.DictElement) and sets_nothing(e.value) for e in value.elements)
    return False
