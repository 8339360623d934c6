"""LibCST made cheaper where its own guarantees make work redundant; behaviour is unchanged.

LibCST's native parser is fast, but a third of `parse_module` is Python building the nodes:
each node's dataclass `__init__` sets every field through `object.__setattr__` (the classes are
frozen), then `__post_init__` re-validates what the parser has just checked. And code generation
enters a generator-based context manager for every expression, parenthesised or not.

`install()` gives

- each slotted node class an `__init__` with the same parameters and defaults that sets the slots
  through their descriptors and then calls `__post_init__`, as the dataclass one does, except
  while `parse_module` runs in the same thread; a class whose `__init__` is not the plain
  dataclass one keeps its own (and is validated, at the usual cost);
- expressions without parentheses a `_parenthesize` that is just the code generation state's
  `record_syntactic_position`, which is what LibCST's version amounts to for them;
- each node class `object`'s `__eq__` and `__hash__`: LibCST's are Python methods meaning the
  same (nodes are equal only to themselves, and hash by identity), and every dict or set keyed
  by nodes calls them.

So `parse_module` skips validation while parsing (LibCST's comment on `CSTNode.__post_init__`
calls it avoidable when parsing); nodes built anywhere else, such as by fixes or by another
thread, are validated. It also calls the native parser from a frame whose `__import__` does
nothing: for every node it builds, the parser finds the `libcst` module with `PyImport_Import`,
which calls the calling frame's `__import__` (the whole import protocol, for a module imported
long before) and then reads `sys.modules`; only the read is needed (3% of a parse).

Only what measurably pays is here (valgrind's instruction counts over dense files, README):
the `__init__`s save about a tenth of a dense file's work, the C-level `__eq__`/`__hash__` 4%
and the `_parenthesize` 2%, but making the `__init__`s costs about what eight files save, so
the runner installs all this only in a process that will parse many files (`runner.py`).
Replacing `with_changes` measured no gain and was dropped.
"""

from __future__ import annotations

import builtins
import dataclasses
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

import libcst as cst
from libcst import native  # type: ignore[attr-defined]  # the compiled parser: no stubs
from libcst._nodes.base import CSTNode
from libcst._nodes.expression import _BaseParenthesizedNode
from libcst._nodes.internal import CodegenState
from libcst._parser.detect_config import convert_to_utf8
from libcst._parser.types.config import PartialParserConfig

from glm_migrate.cst.common import node_classes

_LIBCST_PARENTHESIZE = _BaseParenthesizedNode._parenthesize
_LIBCST_EQ = CSTNode.__eq__
_LIBCST_HASH = CSTNode.__hash__
_install_lock = threading.Lock()


class _ParseState(threading.local):
    #: true while `parse_module` runs in this thread: the constructors made here then skip
    #: `__post_init__` (the validation)
    parsing = False


_state = _ParseState()
_installed = False


def parse_module(data: str | bytes) -> cst.Module:
    """`cst.parse_module`, without re-validating the nodes the parser builds once `install()`
    has run (before, LibCST's nodes as they are)."""
    encoding, text = convert_to_utf8(data, partial=_DEFAULT_CONFIG)  # as `cst.parse_module`
    _state.parsing = True
    try:
        return _parse_without_imports(text, encoding)
    finally:
        _state.parsing = False


_DEFAULT_CONFIG = PartialParserConfig()
#: Globals whose `__import__` is a C function taking any arguments and doing nothing: what
#: `PyImport_Import` calls before it reads `sys.modules`, from the frame calling the parser.
_NO_IMPORTS = {"__builtins__": {**builtins.__dict__, "__import__": "".format}, "_native": native.parse_module}
exec("def _parse_without_imports(text, encoding):\n    return _native(text, encoding=encoding)\n", _NO_IMPORTS)
_parse_without_imports: Callable[[str, str], cst.Module] = _NO_IMPORTS["_parse_without_imports"]


def install() -> None:
    """Give LibCST's node classes the constructors made here; once per process, thread-safe."""
    global _installed
    with _install_lock:
        if _installed:
            return
        kinds = node_classes(CSTNode)  # type: ignore[type-abstract]
        for kind, init in _fast_inits(kinds).items():
            kind.__init__ = init  # type: ignore[method-assign]
        for kind in kinds:
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


_MISSING: Any = object()
#: where the code of the __init__ made here says it comes from (dataclasses say "<string>")
_FILENAME = "<glm_migrate.cst.fast.speedups>"
#: a member descriptor: how a slotted class stores a field
_SLOT = type(cst.Name.__dict__["value"])


def fast_init(kind: type[CSTNode]) -> Callable[..., None] | None:
    """The same `__init__` as the dataclass one of `kind`, setting slots by their descriptors;
    None when `kind` is not a plain slotted dataclass with a generated `__init__`."""
    return _fast_inits([kind]).get(kind)


def _fast_inits(kinds: Iterable[type[CSTNode]]) -> dict[type[CSTNode], Callable[..., None]]:
    """`fast_init` of each class that can have one, compiled together: one `compile` of all
    of them costs a fraction of one per class."""
    namespace: dict[str, Any] = {"_MISSING": _MISSING, "_state": _state}
    sources: dict[type[CSTNode], tuple[str, str]] = {}  #: class -> (function name, source)
    for number, kind in enumerate(kinds):
        name = f"__init__{number}"
        source = _init_source(kind, name, namespace)
        if source is not None:
            sources[kind] = name, source
    code = "\n".join(source for _, source in sources.values())
    exec(compile(code, _FILENAME, "exec"), namespace)  # how dataclasses make __init__ too
    inits: dict[type[CSTNode], Callable[..., None]] = {}
    for kind, (name, _) in sources.items():
        init = namespace[name]
        init.__name__ = "__init__"
        init.__qualname__ = f"{kind.__qualname__}.__init__"
        inits[kind] = init
    return inits


def _init_source(kind: type[CSTNode], name: str, namespace: dict[str, Any]) -> str | None:
    """The source of `kind`'s `__init__`, as a function called `name` whose defaults and slot
    setters are added to `namespace`; None when `kind` cannot have one."""
    init = kind.__dict__.get("__init__")
    if not dataclasses.is_dataclass(kind) or init is None or init.__code__.co_filename != "<string>":
        return None
    code = init.__code__
    fields = dataclasses.fields(kind)
    if code.co_kwonlyargcount or code.co_varnames[1 : code.co_argcount] != tuple(field.name for field in fields):
        return None  # init-only variables or keyword-only fields: parameters that are not the fields
    names: dict[str, Any] = {}
    parameters: list[str] = []
    body: list[str] = []
    for field in fields:
        descriptor: Any = getattr(kind, field.name, None)
        if type(descriptor) is not _SLOT:
            return None
        names[f"_set_{name}_{field.name}"] = descriptor.__set__
        if field.default is not dataclasses.MISSING:
            names[f"_default_{name}_{field.name}"] = field.default
            parameters.append(f"{field.name}=_default_{name}_{field.name}")
            value = field.name
        elif field.default_factory is not dataclasses.MISSING:
            names[f"_factory_{name}_{field.name}"] = field.default_factory
            parameters.append(f"{field.name}=_MISSING")
            value = f"_factory_{name}_{field.name}() if {field.name} is _MISSING else {field.name}"
        else:
            parameters.append(field.name)
            value = field.name
        body.append(f"    _set_{name}_{field.name}(self, {value})")
    namespace.update(names)
    validated = "not _state.parsing"
    if kind is cst.Name:
        # LibCST's tokenizer knows identifiers of a newer Unicode than Python's: the validation
        # rejects those, and parsing with it or without must agree
        validated += " or not value.isidentifier()"
    post_init = f"    if {validated}:\n        self.__post_init__()"
    return f"def {name}(self, {', '.join(parameters)}):\n" + "\n".join([*body, post_init])
