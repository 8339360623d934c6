"""What a `**mapping` argument passes: the keys of a dict built where glm-migrate can see it.

`OpenAI(**kwargs)` with `kwargs = {...}` and `kwargs["base_url"] = ...` assignments is the usual
way real code configures a client from its settings. A keyword added next to such a splat raises
`TypeError: got multiple values` when the mapping already holds it, so the client rules must know
the keys, and edit the mapping itself rather than the call. Resolution is deliberately narrow: a
dict literal or `dict(k=v)`, bound to a name whose every other use is a read, a `["key"] = value`
store, `.update(...)`/`.setdefault("k", v)`, another `**` splat, or what the function building
it returns (`return reply, params`: logged by the caller). Anything else (a parameter,
the dict passed to a function that could fill it or empty it) leaves the keys unknown (None).

A mapping may be "open": its written-out keys are visible, and something else may add keys it
does not list: `dict(base_url=url, **kwargs)`, `{"api_key": k, **extra}`, `kw.update(other)`, a
computed key (`kw[name] = v`). Those keys are there; any other key may be there too, and what
comes after an entry may replace its value (`KeySource.final` says it cannot), which is the
program's own run-time choice. So a rule may read a listed entry and edit it in place, but must
not add a keyword beside the splat, nor a key to the literal (`dict(a=1, k=v, **kwargs)` raises
TypeError when `kwargs` holds `k`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import libcst as cst

from glm_migrate.nodes import string_value

if TYPE_CHECKING:
    from glm_migrate.semantic.scopes import ModuleScopes, Scope

#: Methods of a dict that only read it, or only remove keys (so what it may hold stays a superset).
_READ_METHODS = frozenset({"get", "items", "keys", "values", "copy", "pop", "popitem", "__contains__"})
#: Statements under which an assignment may not run.
_BRANCHES = (cst.If, cst.Else, cst.For, cst.While, cst.Try, cst.ExceptHandler, cst.Finally, cst.Match)


@dataclass(frozen=True, eq=False)
class KeySource:
    """One place a key of the mapping is set."""

    key: str
    value: cst.BaseExpression
    #: where it is set: a DictElement of the literal, an Arg of `dict(...)`/`.update(...)`, or the
    #: value of a `mapping["key"] = value` assignment
    node: cst.CSTNode
    #: set on every path: in the literal itself, or assigned outside any branch
    always: bool
    #: nothing the mapping does not list can replace the value: no `**other` follows it in its
    #: literal (`{"k": v, **other}`), and no `.update(other)` or computed key is stored into the
    #: mapping (`dict(k=v, **other)` cannot: `other` holding `k` raises TypeError)
    final: bool = True


@dataclass(eq=False)
class SplatMapping:
    """The keys a `**` argument passes, where each is set and where a new one can go."""

    #: the variable, or None for a literal written in the call (`**{...}`)
    name: str | None
    #: the one literal that creates the mapping (a Dict or a `dict(...)` call): where a new key
    #: goes; None when several assignments create it
    literal: cst.Dict | cst.Call | None
    keys: dict[str, list[KeySource]] = field(default_factory=dict)
    #: every call the mapping is splatted into (a key added to it reaches all of them)
    splatted_into: list[cst.Call] = field(default_factory=list)
    #: what may put keys in it that it does not list (a `**kwargs` element or argument,
    #: `dict(other)`, `.update(other)`, an entry with a computed key); empty: every key is listed
    others: list[cst.CSTNode] = field(default_factory=list)

    @property
    def open(self) -> bool:
        """It may hold keys it does not list (`dict(base_url=u, **kwargs)`)."""
        return bool(self.others)

    def sources(self, key: str) -> list[KeySource]:
        return self.keys.get(key, [])

    def always_has(self, key: str) -> bool:
        return any(source.always for source in self.sources(key))

    def surely_has(self, key: str) -> bool:
        """`key` is passed on every path with a value set where it is listed."""
        return any(source.always and source.final for source in self.sources(key))

    def add(self, source: KeySource) -> None:
        self.keys.setdefault(source.key, []).append(source)


def resolve_splat(model: ModuleScopes, expr: cst.BaseExpression, scope: Scope) -> SplatMapping | None:
    """The mapping `**expr` passes, or None when it cannot be seen (not built in view, or used
    in a way that could remove keys); an open mapping lists the keys written out."""
    if type(expr) is not cst.Name:
        mapping = _from_literal(model, expr, scope, name=None)
        return mapping
    bindings = model.lookup(expr.value, scope)
    if not bindings:
        return None
    home = bindings[0].scope
    literals: list[SplatMapping] = []
    for binding in bindings:
        if binding.scope is not home or binding.value is None or type(binding.target) is not cst.Name:
            return None  # a parameter, an import, a loop variable, or bound in two scopes
        found = _from_literal(model, binding.value, binding.scope, name=expr.value)
        if found is None:
            return None
        literals.append(found)
    mapping = SplatMapping(expr.value, literals[0].literal if len(literals) == 1 else None)
    for literal in literals:
        mapping.others += literal.others
        for sources in literal.keys.values():
            for source in sources:
                # With several creating assignments a key is certain only if every one sets it.
                always = source.always and all(other.always_has(source.key) for other in literals)
                mapping.add(KeySource(source.key, source.value, source.node, always, source.final))
    targets = {binding.target for binding in bindings}
    listed = len(mapping.others)
    for use in model.uses_of(expr.value, home):
        if use in targets:
            continue
        if not _read_or_store(model, use, mapping, home):
            return None
    if any(type(other) is not cst.Call for other in mapping.others[listed:]):
        # `.update(other)` or `mapping[name] = v` (not a `.setdefault`): may replace any value
        for key, sources in mapping.keys.items():
            mapping.keys[key] = [replace(source, final=False) for source in sources]
    return mapping


def _from_literal(
    model: ModuleScopes, expr: cst.BaseExpression, scope: Scope, *, name: str | None
) -> SplatMapping | None:
    if type(expr) is cst.Dict:
        mapping = SplatMapping(name, expr)
        for element in reversed(expr.elements):  # last first: what an entry is followed by
            key = string_value(element.key) if type(element) is cst.DictElement else None
            if key is None:
                mapping.others.insert(0, element)  # `**other` inside, or a computed key
            else:
                mapping.add(KeySource(key, element.value, element, always=True, final=not mapping.others))
        for key, sources in mapping.keys.items():
            mapping.keys[key] = sources[::-1]
        return mapping
    if type(expr) is cst.Call and _is_builtin_dict(model, expr.func, scope):
        mapping = SplatMapping(name, expr)
        for arg in expr.args:
            if arg.keyword is None:
                mapping.others.append(arg)  # dict(other) or dict(**other)
            else:
                mapping.add(KeySource(arg.keyword.value, arg.value, arg, always=True))
        return mapping
    return None


def _is_builtin_dict(model: ModuleScopes, func: cst.BaseExpression, scope: Scope) -> bool:
    return type(func) is cst.Name and func.value == "dict" and not model.lookup("dict", scope)


def _read_or_store(model: ModuleScopes, use: cst.Name, mapping: SplatMapping, home: Scope) -> bool:
    """Whether this use of the mapping's name leaves its keys known; key stores are added."""
    parent = model.parents.get(use)
    if type(parent) is cst.Arg:
        call = model.parents.get(parent)
        if parent.star == "**" and type(call) is cst.Call:
            mapping.splatted_into.append(call)
            return True
        return type(call) is cst.Call and type(call.func) is cst.Name and call.func.value == "len"
    if type(parent) is cst.Subscript and parent.value is use:
        return _subscript_use(model, parent, mapping, home)
    if type(parent) is cst.Attribute and parent.value is use:
        return _method_use(model, parent, mapping, home)
    if type(parent) is cst.ComparisonTarget:
        return True  # `"key" in mapping`
    if _returned(model, use, home):
        return True
    # truth tests
    return type(parent) in (cst.If, cst.While, cst.UnaryOperation, cst.BooleanOperation, cst.IfExp)


def _returned(model: ModuleScopes, use: cst.Name, home: Scope) -> bool:
    """`return reply, params` in the function that builds the mapping: each call of it builds
    a new one, and what the caller then does with it reaches no call this one has made."""
    if home.kind != "function":
        return False
    node: cst.CSTNode = use
    parent = model.parents.get(use)
    while parent is not None and type(parent) in (cst.Element, cst.Tuple, cst.List, cst.DictElement, cst.Dict):
        node, parent = parent, model.parents.get(parent)
    if type(parent) is not cst.Return or parent.value is not node:
        return False
    owner = model.parents.get(parent)
    while owner is not None and type(owner) not in (cst.FunctionDef, cst.Lambda, cst.ClassDef):
        owner = model.parents.get(owner)
    return owner is home.node


def _subscript_use(model: ModuleScopes, subscript: cst.Subscript, mapping: SplatMapping, home: Scope) -> bool:
    holder = model.parents.get(subscript)
    if type(holder) is cst.AssignTarget:
        assign = model.parents.get(holder)
        key = _subscript_key(subscript)
        if type(assign) is not cst.Assign:
            return False
        if key is None:
            mapping.others.append(assign)  # `mapping[name] = value`: a key it does not list
            return True
        mapping.add(KeySource(key, assign.value, assign.value, always=_unconditional(model, assign, home)))
        return True
    # A read (`mapping["key"]`), a deletion, or an augmented assignment of a key already set.
    return type(holder) is not cst.AugAssign or _subscript_key(subscript) in mapping.keys


def _subscript_key(subscript: cst.Subscript) -> str | None:
    if len(subscript.slice) != 1 or type(subscript.slice[0].slice) is not cst.Index:
        return None
    index = subscript.slice[0].slice
    assert isinstance(index, cst.Index)
    return string_value(index.value)


def _method_use(model: ModuleScopes, attribute: cst.Attribute, mapping: SplatMapping, home: Scope) -> bool:
    method = attribute.attr.value
    call = model.parents.get(attribute)
    if method in _READ_METHODS:
        return True
    if type(call) is not cst.Call or call.func is not attribute:
        return False
    always = _unconditional(model, call, home)
    if method == "setdefault" and call.args:
        key = string_value(call.args[0].value)
        if key is None:
            mapping.others.append(call)  # `mapping.setdefault(name, v)`: a key it does not list
            return True
        value = call.args[1].value if len(call.args) > 1 else cst.Name("None")
        mapping.add(KeySource(key, value, call, always))
        return True
    if method == "update":
        # Adds keys or replaces values, never removes one: what is listed stays.
        for arg in call.args:
            if arg.keyword is not None:
                mapping.add(KeySource(arg.keyword.value, arg.value, arg, always))
            elif arg.star == "" and type(arg.value) is cst.Dict:
                literal = _from_literal(model, arg.value, home, name=None)
                assert literal is not None
                mapping.others += literal.others
                for sources in literal.keys.values():
                    for source in sources:
                        mapping.add(KeySource(source.key, source.value, source.node, always, source.final))
            else:
                mapping.others.append(arg)  # `.update(other)`, `.update(**other)`
        return True
    return False


def _unconditional(model: ModuleScopes, node: cst.CSTNode, home: Scope) -> bool:
    """No branch, loop or nested function lies between `node` and the scope that owns the mapping."""
    current = model.parents.get(node)
    while current is not None and current is not home.node:
        if isinstance(current, _BRANCHES) or type(current) in (cst.FunctionDef, cst.Lambda, cst.ClassDef):
            return False
        current = model.parents.get(current)
    return True
