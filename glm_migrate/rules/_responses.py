"""Where an SDK call's response is read, and those reads as openai>=1 attribute reads.

openai<1 responses were dicts (`r["choices"][0]["message"]["content"]`, `d.get("content", "")`);
openai>=1 responses are objects, which raise TypeError on both. A response is followed through
the reads chained on it, a local name it is assigned to (once), `for` loops over it (stream
chunks, `data` items) and a function that returns it to its callers in the module. Anything else
done with a response object (passed to a function, stored, returned from a method) is an escape:
glm-migrate cannot see the reads there, so it converts nothing.
"""

from __future__ import annotations

import functools
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import libcst as cst

from glm_migrate.nodes import is_none, names_in
from glm_migrate.rules._setting_flow import ModuleIndex, assigned_target
from glm_migrate.semantic import Scope, code_of, string_value

#: Response fields whose values are plain data (strings, numbers, lists of numbers): whatever
#: the code does with them works the same on both versions.
DATA_FIELDS = frozenset(
    {
        "content", "text", "embedding", "url", "b64_json", "revised_prompt", "finish_reason", "role",
        "arguments", "name", "id", "model", "created", "object", "index", "total_tokens", "prompt_tokens",
        "completion_tokens", "refusal", "reasoning_content", "flagged", "system_fingerprint", "type",
    }
)  # fmt: skip
#: Dict methods an object does not have: a response read through them cannot be converted.
DICT_METHODS = frozenset(
    {"keys", "items", "values", "copy", "update", "pop", "setdefault", "to_dict", "to_dict_recursive", "__getitem__"}
)
#: Functions that only look at a value (print it, measure it): any response part may go there.
INSPECTING_CALLS = frozenset({"print", "len", "str", "bool", "repr"})
#: How deep returns are followed into callers (a function returning a function's response ...).
_MAX_DEPTH = 3

#: field -> the fields that replace it (`choices[0].text` of a completion -> `.message.content`)
Renames = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Read:
    """One chain of reads on a response: `r["choices"][0]["message"]["content"].strip()`."""

    #: the outermost node of the chain, which the conversion replaces
    node: cst.BaseExpression
    #: how many nodes the chain has above the response (the conversion stops there)
    depth: int
    #: whether the chain reads as a dict (or needs a rename): it must change for openai>=1
    stale: bool
    #: the response the chain reads (a name, or the call itself)
    base: cst.BaseExpression

    def describe(self) -> str:
        """The chain's code, a call at its base shown as `<response>` (`<response>["data"][0]`)."""
        return shown(self.node, self.base)


def shown(node: cst.CSTNode, base: cst.CSTNode) -> str:
    """`node`'s code with `base`, when it is a call, written `<response>`: calls are long."""
    code = code_of(node)
    return code.replace(code_of(base), "<response>", 1) if isinstance(base, cst.Call) else code


@dataclass
class ResponseReads:
    """The reads of one response, and the uses that keep glm-migrate from converting them."""

    reads: list[Read] = field(default_factory=list)
    #: `"content" in delta` tests, which become `delta.content is not None`
    membership_tests: list[cst.Comparison] = field(default_factory=list)
    #: uses glm-migrate cannot follow or convert, with why
    escapes: list[tuple[cst.CSTNode, str]] = field(default_factory=list)

    @property
    def stale(self) -> list[Read]:
        return [read for read in self.reads if read.stale]

    @property
    def complete(self) -> bool:
        return not self.escapes

    def edits(self, renames: Renames | None = None) -> list[Edit]:
        """Edits turning every stale read into attribute reads (after `renames`)."""
        return [read_edit(read, renames) for read in self.stale] + [
            membership_edit(t, None) for t in self.membership_tests
        ]


Edit = tuple[cst.CSTNode, Callable[[cst.CSTNode], cst.CSTNode]]


#: response fields a dict-style read of any response part names
RESPONSE_FIELDS = DATA_FIELDS | {"choices", "data", "tool_calls", "message", "delta", "usage", "function", "logprobs"}
_DICT_STYLE = re.compile(
    r"""(?:\[\s*|\.get\(\s*)["'](?:{0})["']|["'](?:{0})["']\s+(?:not\s+)?in\b""".format(
        "|".join(sorted(RESPONSE_FIELDS))
    )
)


def may_read_as_dict(source: str) -> bool:
    """Whether the module has a dict-style read of a response field anywhere (a cheap test before
    any response is followed)."""
    return _DICT_STYLE.search(source) is not None


def read_edit(read: Read, renames: Renames | None = None, declared: frozenset[str] | None = None) -> Edit:
    """The edit turning one chain of reads into attribute reads; a `.get` of a key not among
    `declared` fields (None: any) into `getattr(x, "key", None)`, as the object may lack it."""
    return read.node, _chain_converter(read.depth, renames or {}, declared)


def membership_edit(test: cst.Comparison, declared: frozenset[str] | None) -> Edit:
    """The edit turning `"k" in x` into `x.k is not None`, or `getattr(x, "k", None) is not None`
    for a key not among `declared` fields (None: any): `x.k` would raise where the object lacks
    it (`"text" in choice` on a chat choice, `"reasoning_content" in delta`)."""
    return test, partial(_membership_converter, declared=declared)


class ResponseTracer(ModuleIndex):
    """Follows responses through one module; holds what every call's search shares."""

    @functools.cached_property
    def sdk_calls(self) -> frozenset[cst.CSTNode]:
        """The calls whose results are responses: a name assigned several of them holds one."""
        return frozenset(call for call, _, _ in self.model.legacy_calls) | {c.node for c in self.model.api_calls}

    def reads(self, call: cst.Call, scope: Scope, renames: Renames | None = None) -> ResponseReads:
        """Every read of `call`'s response, followed as the module docstring says."""
        found = ResponseReads()
        follower = _Follower(self, found, frozenset(renames or ()))
        follower.call = call
        follower.value(call, scope, 0)
        return found


class _Follower:
    def __init__(self, tracer: ResponseTracer, found: ResponseReads, renamed: frozenset[str]) -> None:
        #: the call whose response is followed (shown as `<response>` in findings)
        self.call: cst.CSTNode | None = None
        self.tracer = tracer
        self.model = tracer.model
        self.parents = tracer.parents
        self.found = found
        self.renamed = renamed
        self.followed: set[cst.CSTNode] = set()

    def value(self, node: cst.BaseExpression, scope: Scope, depth: int) -> None:
        """Follow a response (or part of one) held by `node`."""
        if node in self.followed:
            return
        self.followed.add(node)
        end, steps, stale, data = self._chain(node)
        if end is None:
            return
        if steps:
            self.found.reads.append(Read(end, steps, stale, node))
        if data:
            return
        self._destination(end, scope, depth)

    def _chain(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression | None, int, bool, bool]:
        """Walk up the reads on `node`: (the chain's end, its length, stale, ends in plain data).

        The end is None when the chain reads in a way that cannot be converted (recorded). Reads
        of plain data (`content[:80]`, `embedding[0]`) are not part of the chain."""
        current: cst.BaseExpression = node
        steps, stale, field_name = 0, False, ""
        while field_name not in DATA_FIELDS:
            parent = self.parents.get(current)
            if isinstance(parent, cst.Subscript) and parent.value is current:
                key = _subscript_key(parent)
                if key is _NOT_CONVERTIBLE or (key is _INDEX and field_name not in LIST_FIELDS):
                    self.found.escapes.append(
                        (parent, f"{self._subject(parent)} reads the response with a computed key")
                    )
                    return None, 0, False, False
                if isinstance(key, str):
                    stale, field_name = True, key
                current, steps = parent, steps + 1
                continue
            if isinstance(parent, cst.Attribute) and parent.value is current:
                name = parent.attr.value
                outer = self.parents.get(parent)
                called = isinstance(outer, cst.Call) and outer.func is parent
                if name == "get" and called:
                    assert isinstance(outer, cst.Call)
                    key = _get_key(outer)
                    if key is None:
                        self.found.escapes.append((outer, f"{self._subject(outer)} cannot become an attribute read"))
                        return None, 0, False, False
                    current, steps, stale, field_name = outer, steps + 2, True, key
                    continue
                if name in DICT_METHODS:
                    self.found.escapes.append((parent, f"`.{name}()` is a dict method: objects have none"))
                    return None, 0, False, False
                if called:
                    return current, steps, stale, True  # a method's result (`.model_dump()`): no response
                stale = stale or name in self.renamed
                current, steps, field_name = parent, steps + 1, name
                continue
            return current, steps, stale, False
        return current, steps, stale, True

    def _destination(self, node: cst.BaseExpression, scope: Scope, depth: int) -> None:
        """Where a response object (or a part that is an object) goes after its reads."""
        parent = self.parents.get(node)
        if isinstance(parent, cst.ComparisonTarget):
            parent = self.parents.get(parent)
            if isinstance(parent, cst.Comparison) and _membership_test(parent, node):
                self.found.membership_tests.append(parent)
                return
        while isinstance(parent, cst.BooleanOperation | cst.UnaryOperation):
            # `r and ...`, `not r`: fine in a test, an escape where the value goes on
            node, parent = parent, self.parents.get(parent)
            if not isinstance(parent, cst.BooleanOperation | cst.UnaryOperation | cst.If | cst.While | cst.IfExp):
                self.found.escapes.append((node, f"{self._subject(node)} {self._goes_to(node, parent)}"))
                return
        if isinstance(parent, cst.If | cst.While) or (isinstance(parent, cst.IfExp) and parent.test is node):
            return  # tested for its truth
        if isinstance(parent, cst.Expr | cst.Comparison | cst.FormattedStringExpression):
            return  # not used at all, compared, or formatted
        if isinstance(parent, cst.Arg) and parent.keyword is None and parent.star == "":
            call = self.parents.get(parent)
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in INSPECTING_CALLS:
                return
        if isinstance(parent, cst.For) and parent.iter is node and isinstance(parent.target, cst.Name):
            self._name(parent.target, scope, depth)
            return
        if isinstance(parent, cst.CompFor) and parent.iter is node and isinstance(parent.target, cst.Name):
            # `[row["embedding"] for row in rows]`: the rows' reads are in the comprehension
            comprehension = self.parents.get(parent)
            while isinstance(comprehension, cst.CompFor | cst.CompIf):
                comprehension = self.parents.get(comprehension)
            if comprehension is not None:
                name = parent.target.value
                for use in names_in(comprehension):
                    if use.value == name and use is not parent.target and self.model.reads_a_name(use):
                        self.value(use, scope, depth)
                return
        target = assigned_target(parent, node)
        if target is not None:
            self._name(target, scope, depth)
            return
        if isinstance(parent, cst.Return) and depth < _MAX_DEPTH:
            self._callers(scope, node, depth)
            return
        self.found.escapes.append((node, f"{self._subject(node)} {self._goes_to(node, parent)}"))

    def _subject(self, node: cst.CSTNode) -> str:
        if node is self.call:
            return "the response"
        return f"`{shown(node, self.call) if self.call is not None else code_of(node)}`"

    def _goes_to(self, node: cst.CSTNode, parent: cst.CSTNode | None) -> str:
        """Where an escaping response goes, for the finding."""
        if isinstance(parent, cst.Arg):
            call = self.parents.get(parent)
            if isinstance(call, cst.Call):
                return f"is passed to `{code_of(call.func)}`"
        if isinstance(parent, cst.Return):
            return "is returned"
        if isinstance(parent, cst.Assign | cst.AugAssign | cst.AnnAssign):
            return "is stored"
        return "is used as a whole"

    def _name(self, target: cst.Name, scope: Scope, depth: int) -> None:
        """Follow a name bound once, in `scope`, to a response."""
        bindings = scope.bindings.get(target.value, [])
        if target not in [b.target for b in bindings]:
            self.found.escapes.append((target, f"`{target.value}` is bound elsewhere"))
            return
        if len(bindings) > 1 and not all(b.value in self.tracer.sdk_calls for b in bindings):
            # `response = a(...)` in one branch and `response = b(...)` in another both hold responses
            self.found.escapes.append((target, f"`{target.value}` is bound to other values too"))
            return
        for use in self.tracer.uses(target.value, scope, target):
            self.value(use, self.tracer.scope_of(use), depth)

    def _callers(self, scope: Scope, returned: cst.BaseExpression, depth: int) -> None:
        """A function returns the response: follow each call of it in the module instead."""
        function = scope.node
        if not isinstance(function, cst.FunctionDef) or scope.parent is None or scope.parent.kind == "class":
            self.found.escapes.append((returned, "the response is returned by a method"))
            return
        name = function.name.value
        defining = scope.parent
        if defining.kind == "module" and not name.startswith("_"):
            self.found.escapes.append((returned, f"the response is returned by `{name}`, which other modules may call"))
            return
        if len(defining.bindings.get(name, [])) != 1 or any(
            name in s.bindings for s in self.model.scopes if s is not defining
        ):
            self.found.escapes.append((returned, f"`{name}` is bound more than once"))
            return
        calls = []
        for use in self.tracer.uses(name, defining, function.name):
            call = self.parents.get(use)
            if not (isinstance(call, cst.Call) and call.func is use):
                self.found.escapes.append((use, f"`{name}` is used other than by calling it"))
                return
            calls.append(call)
        for call in calls:
            self.value(call, self.tracer.scope_of(call), depth + 1)


_NOT_CONVERTIBLE = object()
#: a list index (`[0]`, `[i]`, `[1:]`): kept as it is, on a field holding a list
_INDEX = object()
#: response fields holding lists, which may be indexed
LIST_FIELDS = frozenset({"choices", "data", "tool_calls", "results", "top_logprobs", "annotations"})


def _subscript_key(node: cst.Subscript) -> object:
    """The string key of `x["key"]` (an attribute-to-be); _INDEX for an index or slice kept as
    it is; _NOT_CONVERTIBLE for string keys that are no attribute name and computed keys that
    may be strings."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return _INDEX
    value = node.slice[0].slice.value
    if isinstance(value, cst.SimpleString):
        key = string_value(value)
        return key if key is not None and _attribute_name(key) else _NOT_CONVERTIBLE
    if isinstance(value, cst.Integer | cst.UnaryOperation | cst.Name | cst.BinaryOperation):
        return _INDEX
    return _NOT_CONVERTIBLE


def _attribute_name(key: str) -> bool:
    return key.isidentifier() and not keyword.iskeyword(key)


def _get_key(call: cst.Call) -> str | None:
    """`key` of `x.get("key")` / `x.get("key", <literal>)`, when it can become an attribute read."""
    if not call.args or len(call.args) > 2 or any(a.keyword is not None or a.star for a in call.args):
        return None
    key = string_value(call.args[0].value)
    if key is None or not _attribute_name(key):
        return None
    if len(call.args) == 2 and not _is_literal(call.args[1].value):
        return None
    return key


def _is_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString | cst.Integer | cst.Float):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("None", "True", "False")
    if isinstance(node, cst.List | cst.Tuple):
        return all(isinstance(e, cst.Element) and _is_literal(e.value) for e in node.elements)
    if isinstance(node, cst.Dict):
        return not node.elements
    return False


def _membership_test(comparison: cst.Comparison, node: cst.BaseExpression) -> bool:
    """`"key" in <node>` (or `not in`), with an attribute name as the key."""
    if len(comparison.comparisons) != 1:
        return False
    target = comparison.comparisons[0]
    key = string_value(comparison.left)
    return (
        target.comparator is node
        and isinstance(target.operator, cst.In | cst.NotIn)
        and key is not None
        and _attribute_name(key)
    )


def _membership_converter(comparison: cst.CSTNode, declared: frozenset[str] | None) -> cst.CSTNode:
    """`"k" in x` -> `x.k is not None` (a missing key of the dict is a None field of the object)."""
    assert isinstance(comparison, cst.Comparison)
    target = comparison.comparisons[0]
    key = string_value(comparison.left)
    assert key is not None
    operator = cst.IsNot() if isinstance(target.operator, cst.In) else cst.Is()
    return comparison.with_changes(
        left=_read_of(target.comparator, key, declared),
        comparisons=[cst.ComparisonTarget(operator=operator, comparator=cst.Name("None"))],
    )


def _read_of(value: cst.BaseExpression, key: str, declared: frozenset[str] | None) -> cst.BaseExpression:
    """`value.key`, or `getattr(value, "key", None)` for a field the object may lack."""
    if declared is None or key in declared:
        return cst.Attribute(value=value, attr=cst.Name(key))
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return cst.Call(
        func=cst.Name("getattr"),
        args=[
            cst.Arg(value, comma=comma),
            cst.Arg(cst.SimpleString(f'"{key}"'), comma=comma),
            cst.Arg(cst.Name("None")),
        ],
    )


def _chain_converter(
    depth: int, renames: Renames, declared: frozenset[str] | None
) -> Callable[[cst.CSTNode], cst.CSTNode]:
    def convert(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.BaseExpression)
        return _converted(node, depth, renames, declared)

    return convert


def _converted(
    node: cst.BaseExpression, depth: int, renames: Renames, declared: frozenset[str] | None
) -> cst.BaseExpression:
    """The chain's `depth` outer nodes of `node` as attribute reads; below them, `node` as it is."""
    if depth <= 0:
        return node
    if isinstance(node, cst.Subscript):
        inner = _converted(node.value, depth - 1, renames, declared)
        key = _subscript_key(node)
        if isinstance(key, str):
            return _field(inner, key, renames, node)
        return node.with_changes(value=inner)
    if isinstance(node, cst.Attribute):
        inner = _converted(node.value, depth - 1, renames, declared)
        if node.attr.value in renames:
            return _field(inner, node.attr.value, renames, node)
        return node.with_changes(value=inner)
    assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute), "a `.get(...)` read"
    inner = _converted(node.func.value, depth - 2, renames, declared)
    key = _get_key(node)
    assert key is not None
    if key not in renames and declared is not None and key not in declared:
        # `delta.get("reasoning_content")`: a field the SDK does not declare may be missing
        read = _read_of(inner, key, declared).with_changes(lpar=node.lpar, rpar=node.rpar)
    else:
        read = _field(inner, key, renames, node)
    default = node.args[1].value if len(node.args) == 2 else None
    if default is None or is_none(default):
        return read
    # dict.get's default stood in for a missing key; objects hold None there instead
    return cst.BooleanOperation(
        left=read, operator=cst.Or(), right=default, lpar=[cst.LeftParen()], rpar=[cst.RightParen()]
    )


def _field(value: cst.BaseExpression, key: str, renames: Renames, like: cst.BaseExpression) -> cst.BaseExpression:
    for name in renames.get(key, (key,)):
        value = cst.Attribute(value=value, attr=cst.Name(name))
    # keep the parentheses written around the read
    return value.with_changes(lpar=like.lpar, rpar=like.rpar)
