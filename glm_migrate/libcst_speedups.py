"""LibCST made cheaper where its own guarantees make work redundant; behaviour is unchanged.

LibCST's native parser is fast, but a third of `parse_module` is Python building the nodes:
each node's dataclass `__init__` sets every field through `object.__setattr__` (the classes are
frozen), then `__post_init__` re-validates what the parser has just checked. And code generation
enters a generator-based context manager for every expression, parenthesised or not.

`install()` (run by the first `parse_module`) gives

- each slotted node class an `__init__` with the same parameters and defaults that sets the slots
  through their descriptors and then calls `__post_init__`, as the dataclass one does, except
  while `parse_module` runs; a class whose `__init__` is not the plain dataclass one keeps its
  own (and is validated, at the usual cost). The classes given that `__init__` also get a
  `with_changes` that calls it with positional arguments instead of `dataclasses.replace`;
- expressions without parentheses a `_parenthesize` that is just the code generation state's
  `record_syntactic_position`, which is what LibCST's version amounts to for them;
- each node class `object`'s `__eq__` and `__hash__`: LibCST's are Python methods meaning the
  same (nodes are equal only to themselves, and hash by identity), and every dict or set keyed
  by nodes calls them.

So `parse_module` skips validation while parsing (LibCST's comment on `CSTNode.__post_init__`
calls it avoidable when parsing); nodes built anywhere else, such as by fixes, are validated.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import libcst as cst
from libcst._nodes.base import CSTNode
from libcst._nodes.expression import _BaseParenthesizedNode
from libcst._nodes.internal import CodegenState

_LIBCST_PARENTHESIZE = _BaseParenthesizedNode._parenthesize
_LIBCST_EQ = CSTNode.__eq__
_LIBCST_HASH = CSTNode.__hash__
_install_lock = threading.Lock()
#: true while `parse_module` runs: the constructors made here then skip `__post_init__` (the
#: validation)
_parsing = [False]
_installed = False


def parse_module(data: str | bytes) -> cst.Module:
    """`cst.parse_module`, without re-validating the nodes the parser builds."""
    if not _installed:
        install()
    _parsing[0] = True
    try:
        return cst.parse_module(data)
    finally:
        _parsing[0] = False


def install() -> None:
    global _installed
    with _install_lock:
        if _installed:
            return
        for kind in _node_classes(CSTNode):  # type: ignore[type-abstract]
            init = fast_init(kind)
            if init is not None:
                kind.__init__ = init  # type: ignore[method-assign]
                kind.with_changes = fast_with_changes(kind)  # type: ignore[method-assign,assignment]
            # LibCST's identity equality and id() hash, as object's C slots
            if kind.__dict__.get("__eq__") is _LIBCST_EQ and kind.__dict__.get("__hash__") is _LIBCST_HASH:
                kind.__eq__ = object.__eq__  # type: ignore[method-assign]
                kind.__hash__ = object.__hash__  # type: ignore[method-assign]
        _BaseParenthesizedNode._parenthesize = _parenthesize  # type: ignore[method-assign,assignment]
        _installed = True


def _parenthesize(node: _BaseParenthesizedNode, state: CodegenState) -> AbstractContextManager[None]:
    if node.lpar or node.rpar:
        return _LIBCST_PARENTHESIZE(node, state)
    return state.record_syntactic_position(node)


def node_types(*bases: type) -> frozenset[type]:
    """`bases` and every class derived from them. `type(node) in node_types(...)` answers what
    isinstance() does without LibCST's ABCMeta, whose `__instancecheck__` is Python code run for
    every test a node fails; hot paths use it, and `type(node) is Name` for concrete classes."""
    return frozenset({*bases, *(kind for base in bases for kind in _node_classes(base))})


def _node_classes(base: type[CSTNode]) -> set[type[CSTNode]]:
    found: set[type[CSTNode]] = set()
    for kind in base.__subclasses__():
        found.add(kind)
        found |= _node_classes(kind)
    return found


_MISSING: Any = object()
#: where the code of the __init__ made here says it comes from (dataclasses say "<string>")
_FILENAME = "<glm_migrate.libcst_speedups>"
#: a member descriptor: how a slotted class stores a field
_SLOT = type(cst.Name.__dict__["value"])


def fast_init(kind: type[CSTNode]) -> Callable[..., None] | None:
    """The same `__init__` as the dataclass one of `kind`, setting slots by their descriptors;
    None when `kind` is not a plain slotted dataclass with a generated `__init__`."""
    init = kind.__dict__.get("__init__")
    if not dataclasses.is_dataclass(kind) or init is None or init.__code__.co_filename != "<string>":
        return None
    code = init.__code__
    if code.co_kwonlyargcount or code.co_varnames[1 : code.co_argcount] != tuple(
        field.name for field in dataclasses.fields(kind)
    ):
        return None  # init-only variables or keyword-only fields: parameters that are not the fields
    namespace: dict[str, Any] = {"_MISSING": _MISSING}
    parameters: list[str] = []
    body: list[str] = []
    for field in dataclasses.fields(kind):
        descriptor: Any = getattr(kind, field.name, None)
        if type(descriptor) is not _SLOT:
            return None
        namespace[f"_set_{field.name}"] = descriptor.__set__
        if field.default is not dataclasses.MISSING:
            namespace[f"_default_{field.name}"] = field.default
            parameters.append(f"{field.name}=_default_{field.name}")
            value = field.name
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{field.name}"] = field.default_factory
            parameters.append(f"{field.name}=_MISSING")
            value = f"_factory_{field.name}() if {field.name} is _MISSING else {field.name}"
        else:
            parameters.append(field.name)
            value = field.name
        body.append(f"    _set_{field.name}(self, {value})")
    namespace["_parsing"] = _parsing
    post_init = "    if not _parsing[0]:\n        self.__post_init__()"
    source = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join([*body, post_init])
    exec(compile(source, _FILENAME, "exec"), namespace)  # how dataclasses make __init__ too
    fast: Callable[..., None] = namespace["__init__"]
    fast.__qualname__ = f"{kind.__qualname__}.__init__"
    return fast


def fast_with_changes(kind: type[CSTNode]) -> Callable[..., CSTNode]:
    """`with_changes` (`dataclasses.replace`) for a class whose `__init__` takes its fields in
    order, as `fast_init` ones do: one positional call, and `replace` itself (with its error)
    for a name that is not a field."""
    names = [field.name for field in dataclasses.fields(kind)]
    namespace: dict[str, Any] = {"_kind": kind, "_fields": frozenset(names), "_replace": dataclasses.replace}
    arguments = ", ".join(f"changes['{name}'] if '{name}' in changes else self.{name}" for name in names)
    source = (
        "def with_changes(self, **changes):\n"
        "    if not changes.keys() <= _fields:\n"
        "        return _replace(self, **changes)\n"
        f"    return _kind({arguments})"
    )
    exec(compile(source, _FILENAME, "exec"), namespace)
    fast: Callable[..., CSTNode] = namespace["with_changes"]
    fast.__qualname__ = f"{kind.__qualname__}.with_changes"
    return fast
