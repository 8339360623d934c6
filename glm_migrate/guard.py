"""The fix guard: no fix may turn an SDK call into one that raises TypeError.

Rules decide what to rewrite; this module checks what their pending fixes would produce, without
asking how any rule decided. Every SDK call a fix changes (a client constructor, including a class
swap such as `AzureOpenAI` -> `openai.OpenAI`; a resource method such as `chat.completions.create`;
also a dict literal `**`-splatted into one, or a `mapping["key"] = ...` statement feeding such a
splat) is bound, with and without the fix, against the signature the installed SDK had when
`rules/signatures.toml` was generated. A fix that adds a problem the call did not have before (a
keyword that is or may be passed twice, one the target does not take, a missing required
argument, too many positional arguments) is demoted to manual: it is not applied, and its message
says what went wrong and what to do by hand. A call that was already broken is not blamed on a fix.

What a `**` splat passes is known only for a dict literal or `dict(k=v)`, written in the call or
bound (in one scope) to a name whose every other use reads it, stores a literal key into it, or
splats it; any other splat "could hold any key". That resolution is the guard's own, narrower than
the rules' where they differ, so a rule's mistake there is not repeated here: a mapping the rules
read by the keys it lists (`dict(base_url=u, **kwargs)`, a literal `.update(other)`d: open, in
`glm_migrate.splats`) could hold any key here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import libcst as cst

from glm_migrate.cst import walk
from glm_migrate.cst.common import node_types
from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Finding, NodeEdit
from glm_migrate.semantic import (
    ApiCall,
    Binding,
    Client,
    Scope,
    SemanticModel,
    code_of,
    dotted_name,
    string_value,
)
from glm_migrate.tables import Signature, Tables

#: Applies edits (keyed on original nodes) below `node`, visiting only the given ancestors of the
#: edited nodes: the engine's own applier, so the guard sees exactly what would be written.
Applier = Callable[[cst.CSTNode, Mapping[cst.CSTNode, list[NodeEdit]], set[cst.CSTNode]], object]

#: (kind, name, where): what makes a call raise; `where` is the `**` mapping involved, if any
Problem = tuple[str, str, str]
TWICE = "twice"  #: passed twice for certain
MAY_REPEAT = "may-repeat"  #: passed explicitly beside a `**` splat that may hold it too
UNKNOWN = "unknown"  #: a name the target does not take
MISSING = "missing"  #: a required argument not passed
POSITIONAL = "positional"  #: more positional arguments than the target takes
CARRIED = "carried"  #: a splat may hold arguments only the call's former target took
UNCHECKED = "unchecked"  #: the rewritten call's target has no known signature
#: the order in which problems are explained (one sentence per demotion)
_PRIORITY = (TWICE, CARRIED, MAY_REPEAT, UNKNOWN, MISSING, POSITIONAL, UNCHECKED)

#: dict methods that leave the keys a mapping may hold at most as they were
_READ_METHODS = frozenset({"get", "items", "keys", "values", "copy", "pop", "popitem", "__contains__", "__getitem__"})
_EMPTY: frozenset[str] = frozenset()
_STATEMENTS = node_types(cst.BaseStatement, cst.BaseSmallStatement)


@dataclass(frozen=True, slots=True)
class Splat:
    """One `**mapping` argument."""

    code: str  #: the mapping as written, for messages ("kwargs")
    keys: frozenset[str] | None  #: None: it could hold any key


@dataclass(frozen=True, slots=True)
class CallShape:
    """What a call passes, as far as binding it to a signature goes."""

    positional: int  #: positional arguments (not counting `*args`)
    star_args: bool  #: a `*args` of unknown length
    keywords: tuple[str, ...]  #: explicit keyword arguments, in order
    splats: tuple[Splat, ...]


def bind(shape: CallShape, signature: Signature) -> set[Problem]:
    """Every way calling `signature` with `shape` could raise TypeError."""
    problems: set[Problem] = set()
    limit = len(signature.positional)
    if shape.positional > limit and not signature.var_positional:
        problems.add((POSITIONAL, str(shape.positional), str(limit)))
    passed: dict[str, str] = dict.fromkeys(signature.positional[: shape.positional], "")
    accepted = None if signature.var_keyword else signature.keyword
    for name in shape.keywords:
        if name in passed:
            problems.add((TWICE, name, ""))
        else:
            if accepted is not None and name not in accepted:
                problems.add((UNKNOWN, name, ""))
            passed[name] = ""
    unknown = False
    for splat in shape.splats:
        if splat.keys is None:
            unknown = True
            continue
        for key in sorted(splat.keys):
            if key in passed:
                problems.add((TWICE, key, splat.code))
            else:
                if accepted is not None and key not in accepted:
                    problems.add((UNKNOWN, key, splat.code))
                passed[key] = splat.code
    if unknown:
        for splat in shape.splats:
            if splat.keys is None:
                problems.update((MAY_REPEAT, name, splat.code) for name in passed)
    elif not shape.star_args and not signature.required <= passed.keys():
        problems.update((MISSING, name, "") for name in signature.required - passed.keys())
    return problems


@dataclass(eq=False, slots=True)
class _SdkCall:
    """A call the guard knows a signature for: a client constructor, a resource method, or an
    openai<1 call (no signature before; a fix turns it into a v1 call)."""

    node: cst.Call
    scope: Scope
    client: Client | None = None
    api: ApiCall | None = None


@dataclass(eq=False, slots=True)
class _Touch:
    """One edit of a fix, where it lands."""

    node: cst.CSTNode
    edit: NodeEdit
    #: the SDK call whose arguments it changes, or the dict literal / `dict(...)` call whose keys
    #: it changes, or the statement it rewrites
    anchor: cst.CSTNode
    kind: str  #: "call", "mapping" or "statement"
    #: nodes from the edited one up to the anchor: what the applier must visit
    path: tuple[cst.CSTNode, ...]
    order: int = 0  #: its finding's position: edits apply in this order


@dataclass(eq=False, slots=True)
class _Edited:
    """A call as some fixes leave it: its callee and arguments, and the edits that made it."""

    func: cst.BaseExpression
    args: Sequence[cst.Arg]
    touches: list[_Touch]
    #: the edited call itself, when an edit of the whole call built it (edits of arguments
    #: alone need no new call node)
    node: cst.Call | None = None
    #: an edit replaced the call with other code: there is no call left to bind
    replaced: bool = False


@dataclass(eq=False, slots=True)
class _FixEffect:
    """A fix's edits that change SDK calls, and the calls they change."""

    finding: Finding
    order: int  #: the finding's position: edits apply in this order
    touches: list[_Touch]
    #: (scope owning the mapping, name) -> keys the fix's new statements store (None: any)
    stores: dict[tuple[Scope, str], frozenset[str] | None]
    calls: list[_SdkCall]
    #: why the fix cannot be checked at all, if so
    unchecked: str | None = None


def demote_unbindable(findings: Sequence[Finding], model: SemanticModel, tables: Tables, apply: Applier) -> None:
    """Turn every fix that could make an SDK call raise into a manual finding (in place).

    Safe fixes are checked first, in order, each on top of the safe fixes accepted before it; then
    unsafe ones on top of those: a finding's status does not depend on `--unsafe-fixes`.
    """
    fixable = [
        (i, f) for i, f in enumerate(findings) if f.fix is not None and f.applicability is not Applicability.MANUAL
    ]
    if not fixable:
        return
    guard = _Guard(model, tables, apply)
    ordered = [x for x in fixable if x[1].applicability is Applicability.SAFE]
    ordered += [x for x in fixable if x[1].applicability is not Applicability.SAFE]
    accepted: list[_FixEffect] = []
    for order, finding in ordered:
        effect = guard.effect(finding, order)
        if effect is None:
            continue  # changes no SDK call
        reason = effect.unchecked or guard.check(effect, accepted)
        if reason is None:
            accepted.append(effect)
            guard.accept(effect)
        else:
            finding.applicability = Applicability.MANUAL
            finding.fix = None
            finding.message = f"{finding.message}; not fixed automatically: {reason}"


class _Guard:
    def __init__(self, model: SemanticModel, tables: Tables, apply: Applier) -> None:
        self.model = model
        self.parents = model.parents
        self.tables = tables
        self.signatures = tables.signatures.clients
        self.apply = apply
        self.calls: dict[cst.Call, _SdkCall] = {}
        for client in model.clients:
            if client.construction is not None:
                self.calls[client.construction] = _SdkCall(client.construction, client.scope, client=client)
        for api in model.api_calls:
            self.calls[api.node] = _SdkCall(api.node, api.scope, api=api)
        for node, _, scope in model.legacy_calls:
            self.calls.setdefault(node, _SdkCall(node, scope))
        self._before: dict[_SdkCall, tuple[CallShape, list[tuple[str, Signature]]]] = {}
        self._bound_before: dict[tuple[_SdkCall, int], set[Problem]] = {}
        #: each call as the accepted fixes edit it, with their touches in order; and as the fix
        #: being checked would leave it
        self._accepted: dict[_SdkCall, _Edited] = {}
        self._checked: dict[_SdkCall, _Edited] = {}
        self._uses: dict[tuple[Scope, str], frozenset[str] | None] = {}
        self._client_classes: dict[Client, list[str]] = {}
        self._scopes: dict[cst.CSTNode, Scope] | None = None
        self._splatting: dict[cst.CSTNode, list[_SdkCall]] | None = None

    # -- where a fix's edits land --------------------------------------------------------------

    def effect(self, finding: Finding, order: int) -> _FixEffect | None:
        """Where the fix's edits land; None when they change no SDK call."""
        assert finding.fix is not None
        touches: list[_Touch] = []
        effect: _FixEffect | None = None
        for node, edit in finding.fix.edits:
            if type(node) in _STATEMENTS:
                effect = effect or _FixEffect(finding, order, touches, {}, [])
                self._statement_effect(effect, node, edit)
                continue
            touch = self._climb(node, edit, order)
            if touch is not None:
                touches.append(touch)
        if effect is None:
            if not touches:
                return None  # values only (a model id, a URL): every call binds as before
            effect = _FixEffect(finding, order, touches, {}, [])
        calls: dict[_SdkCall, None] = {}
        for touch in touches:
            if touch.kind == "call":
                calls[self.calls[cast(cst.Call, touch.anchor)]] = None
            else:
                calls.update(dict.fromkeys(self._splatting_calls(touch.anchor)))
        for scope, name in effect.stores:
            calls.update(dict.fromkeys(c for c in self._named_splat_calls(name) if self._home(name, c.scope) is scope))
        effect.calls = list(calls)
        if not effect.calls and effect.unchecked is None:
            return None
        return effect

    def _climb(self, node: cst.CSTNode, edit: NodeEdit, order: int) -> _Touch | None:
        """The SDK call whose arguments an edit of `node` changes, or the mapping literal whose
        keys it changes; None for edits of values (a model id, a URL), which bind the same."""
        if node in self.calls:
            return _Touch(node, edit, node, "call", (node,), order)
        path = [node]
        parents = self.parents
        child, parent = node, parents.get(node)
        while parent is not None:
            path.append(parent)
            if type(parent) is cst.Arg:
                if child is parent.value and parent.star != "**":
                    return None  # a value passed by keyword or position
            elif type(parent) is cst.Call:
                if parent in self.calls and child is not parent.func:
                    return _Touch(node, edit, parent, "call", tuple(path), order)
                break  # a receiver, or the argument of another call
            elif type(parent) in _STATEMENTS:
                break
            child, parent = parent, parents.get(parent)
        mapping = self._mapping_of(node)
        if mapping is None:
            return None
        return _Touch(node, edit, mapping, "mapping", tuple(path[: path.index(mapping) + 1]), order)

    def _mapping_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The dict literal or `dict(...)` call whose keys an edit of `node` may change."""
        kind = type(node)
        if kind is cst.Dict or self._is_dict_call(node):
            return node
        parent = self.parents.get(node)
        if kind in (cst.DictElement, cst.StarredDictElement):
            return parent
        if kind is cst.Arg and parent is not None and self._is_dict_call(parent):
            return parent
        if type(parent) is cst.DictElement and parent.key is node:
            return self.parents.get(parent)  # a key
        return None

    def _is_dict_call(self, node: cst.CSTNode) -> bool:
        """`dict(...)` of the builtin (no `dict` bound in the module)."""
        if type(node) is not cst.Call:
            return False
        func = node.func
        return type(func) is cst.Name and func.value == "dict" and "dict" not in self.model.module_scope.bindings

    def _statement_effect(self, effect: _FixEffect, statement: cst.CSTNode, edit: NodeEdit) -> None:
        """Statements a fix inserts or rewrites: the keys they store into mappings, and whether
        they rewrite an SDK call (which then cannot be paired with its new version)."""
        result = edit(statement)
        if isinstance(result, cst.FlattenSentinel):
            new = list(result.nodes)
        elif isinstance(result, cst.RemovalSentinel):
            new = []
        else:
            new = [result]
        inside = self._calls_below(statement)
        if inside and not all(_contains(new, call.node) for call in inside):
            code = code_of(inside[0].node.func)
            effect.unchecked = f"the rewritten `{code}(...)` call could not be checked against the SDK's signature"
        scope = self._scope_of(statement)
        for added in new:
            if added is statement:
                continue
            for name, keys in _stored_keys(added).items():
                home = self._home(name, scope)
                if home is None:
                    continue
                known = effect.stores.get((home, name), _EMPTY)
                effect.stores[(home, name)] = None if keys is None or known is None else known | keys

    def _calls_below(self, statement: cst.CSTNode) -> list[_SdkCall]:
        found = []
        for node, call in self.calls.items():
            parent = self.parents.get(node)
            while parent is not None and parent is not statement:
                parent = self.parents.get(parent)
            if parent is statement:
                found.append(call)
        return found

    def _scope_of(self, node: cst.CSTNode) -> Scope:
        if self._scopes is None:
            self._scopes = {scope.node: scope for scope in self.model.scopes}
        current: cst.CSTNode | None = self.parents.get(node)
        while current is not None and current not in self._scopes:
            current = self.parents.get(current)
        return self._scopes[current] if current is not None else self.model.module_scope

    def _home(self, name: str, scope: Scope) -> Scope | None:
        """The scope whose binding of `name` is visible from `scope`."""
        bindings = self.model.lookup(name, scope)
        return bindings[0].scope if bindings else None

    def _named_splat_calls(self, name: str) -> list[_SdkCall]:
        return [
            call
            for call in self.calls.values()
            if any(a.star == "**" and dotted_name(a.value) == name for a in call.node.args)
        ]

    def _splatting_calls(self, literal: cst.CSTNode) -> list[_SdkCall]:
        """The SDK calls that `**`-splat a mapping literal, directly or through a name bound to it."""
        if self._splatting is None:
            self._splatting = {}
            for call in self.calls.values():
                for arg in call.node.args:
                    if arg.star != "**":
                        continue
                    if isinstance(arg.value, cst.Name):
                        for binding in self.model.lookup(arg.value.value, call.scope):
                            if binding.value is not None:
                                self._splatting.setdefault(binding.value, []).append(call)
                    else:
                        self._splatting.setdefault(arg.value, []).append(call)
        return self._splatting.get(literal, [])

    # -- binding, with and without -------------------------------------------------------------

    def accept(self, effect: _FixEffect) -> None:
        """`effect` passed `check`: the calls as it leaves them are the new starting point."""
        for call in effect.calls:
            if call in self._checked:
                self._accepted[call] = self._checked[call]

    def check(self, effect: _FixEffect, accepted: list[_FixEffect]) -> str | None:
        """Why `effect`'s fix, applied with the fixes accepted so far, could make a call raise."""
        self._checked.clear()
        effects = [*accepted, effect]
        for call in effect.calls:
            problems, edited = self._new_problems(call, effect, effects)
            if problems:
                return _explain(problems, edited)
        return None

    def _new_problems(
        self, call: _SdkCall, effect: _FixEffect, effects: list[_FixEffect]
    ) -> tuple[list[Problem], _Edited]:
        """What the call with `effect`'s fix (and those accepted) could raise that it could not
        before, and the edited call."""
        before_shape, before = self._before_of(call)
        edited = self._edited_incrementally(call, [t for t in effect.touches if t.anchor is call.node])
        if edited.replaced:
            return [], edited
        after_shape = self._shape(edited.args, call.scope, effects)
        problems: set[Problem] = set()
        if edited.func is call.node.func:
            for _, signature in before:
                key = (call, id(signature))
                if key not in self._bound_before:
                    self._bound_before[key] = bind(before_shape, signature)
                problems |= bind(after_shape, signature) - self._bound_before[key]
            return (_ranked(problems) if problems else []), edited
        imports: dict[str, str] = {}
        for fix in (e.finding.fix for e in effects):
            if fix is not None:
                imports.update((module, module) for module in fix.imports)
                imports.update((name, f"{module}.{name}") for module, name in fix.from_imports)
        after = self._resolve(edited.func, call.scope, imports)
        if after is None:
            return [(UNCHECKED, "", "")], edited
        baseline = set.intersection(*(bind(before_shape, s) for _, s in before)) if before else set()
        for _, signature in after:
            problems |= bind(after_shape, signature) - baseline
            # A splat that suited the old target may hold what only the old target takes.
            only_before = {n for _, s in before for n in s.keyword} - signature.keyword
            if only_before and not signature.var_keyword:
                names = ", ".join(f"`{n}`" for n in sorted(only_before))
                problems.update((CARRIED, names, s.code) for s in after_shape.splats if s.keys is None)
        return _ranked(problems), edited

    def _before_of(self, call: _SdkCall) -> tuple[CallShape, list[tuple[str, Signature]]]:
        if call not in self._before:
            shape = self._shape(call.node.args, call.scope, [])
            self._before[call] = (shape, self._targets(call))
        return self._before[call]

    def _edited_incrementally(self, call: _SdkCall, fresh: list[_Touch]) -> _Edited:
        """The call with the accepted fixes' edits and `fresh` ones applied. When all are edits
        of the whole call and the fresh ones come last, only those are applied, to the call as
        the accepted fixes left it (the engine applies edits of one node in this order too)."""
        state = self._accepted.get(call)
        done = state.touches if state is not None else []
        touches = [*done, *fresh]
        start = call.node if state is None else state.node
        if state is not None and state.replaced:
            edited = state
        elif start is not None and (not done or not fresh or done[-1].order < fresh[0].order):
            node: object = start
            for touch in fresh:
                if touch.node is not call.node or not isinstance(node, cst.Call):
                    break
                node = touch.edit(node)
            else:
                edited = _as_edited(node, touches)
                self._checked[call] = edited
                return edited
        touches.sort(key=lambda t: t.order)
        if all(len(t.path) <= 2 for t in touches):
            edited = _edited_call(call.node, touches)
        else:
            edited = _as_edited(self._edited(call.node, touches), touches)
        self._checked[call] = edited
        return edited

    def _edited(self, node: cst.CSTNode, touches: list[_Touch]) -> object:
        """`node` with the touches' edits applied, as the engine would apply them."""
        if not touches:
            return node
        edits: dict[cst.CSTNode, list[NodeEdit]] = {}
        ancestors: set[cst.CSTNode] = set()
        for touch in touches:
            edits.setdefault(touch.node, []).append(touch.edit)
            ancestors.update(touch.path)
        return self.apply(node, edits, ancestors)

    def _shape(self, args: Sequence[cst.Arg], scope: Scope, effects: list[_FixEffect]) -> CallShape:
        positional = 0
        star_args = False
        keywords: list[str] = []
        splats: list[Splat] = []
        for arg in args:
            if arg.star == "*":
                star_args = True
            elif arg.star == "**":
                code = dotted_name(arg.value) or code_of(arg.value)
                splats.append(Splat(code, self._splat_keys(arg.value, scope, effects)))
            elif arg.keyword is not None:
                keywords.append(arg.keyword.value)
            else:
                positional += 1
        return CallShape(positional, star_args, tuple(keywords), tuple(splats))

    # -- what a `**` splat passes ---------------------------------------------------------------

    def _splat_keys(self, value: cst.BaseExpression, scope: Scope, effects: list[_FixEffect]) -> frozenset[str] | None:
        if type(value) is cst.Dict or self._is_dict_call(value):
            return _literal_keys(value)
        if type(value) is not cst.Name:
            return None
        name = value.value
        bindings = self.model.lookup(name, scope)
        if not bindings:
            return None
        home = bindings[0].scope
        keys: set[str] = set()
        for binding in bindings:
            literal = binding.value
            if binding.scope is not home or literal is None or type(binding.target) is not cst.Name:
                return None  # a parameter, a loop variable, or bound in two scopes
            if type(literal) is not cst.Dict and not self._is_dict_call(literal):
                return None
            touches = [t for e in effects for t in e.touches if t.anchor is literal]
            found = _literal_keys(self._edited(literal, touches))
            if found is None:
                return None
            keys |= found
        used = self._keys_from_uses(name, home, bindings)
        if used is None:
            return None
        keys |= used
        for effect in effects:
            stored = effect.stores.get((home, name), _EMPTY)
            if stored is None:
                return None
            keys |= stored
        return frozenset(keys)

    def _keys_from_uses(self, name: str, home: Scope, bindings: list[Binding]) -> frozenset[str] | None:
        """Keys the other uses of a mapping's name store; None if a use could add any key."""
        key = (home, name)
        if key not in self._uses:
            targets = {binding.target for binding in bindings}
            finder = _NameFinder(name)
            walk(home.node, finder)
            keys: set[str] = set()
            for use in finder.found:
                if use in targets:
                    continue
                added = self._use_keys(use)
                if added is None:
                    self._uses[key] = None
                    break
                keys |= added
            else:
                self._uses[key] = frozenset(keys)
        return self._uses[key]

    def _use_keys(self, use: cst.Name) -> frozenset[str] | None:
        """The keys one use of a mapping's name may add to it (None: any)."""
        parent = self.parents.get(use)
        if isinstance(parent, cst.Arg):
            return _EMPTY if parent.star == "**" else None
        if isinstance(parent, cst.Subscript) and parent.value is use:
            holder = self.parents.get(parent)
            if type(holder) is not cst.AssignTarget:
                return _EMPTY  # a read, a deletion, or `+=` on a key it has
            key = _subscript_key(parent)
            return frozenset({key}) if key is not None else None
        if isinstance(parent, cst.Attribute) and parent.value is use:
            method = parent.attr.value
            if method in _READ_METHODS:
                return _EMPTY
            call = self.parents.get(parent)
            if not isinstance(call, cst.Call) or call.func is not parent:
                return None
            if method == "setdefault" and call.args:
                key = string_value(call.args[0].value)
                return frozenset({key}) if key is not None else None
            if method == "update" and all(a.keyword is not None and not a.star for a in call.args):
                return frozenset(a.keyword.value for a in call.args if a.keyword is not None)
            return None
        if isinstance(parent, cst.ComparisonTarget | cst.If | cst.While | cst.UnaryOperation):
            return _EMPTY  # `"key" in mapping`, `if mapping:`, `not mapping`
        return None

    # -- which signature applies -----------------------------------------------------------------

    def _targets(self, call: _SdkCall) -> list[tuple[str, Signature]]:
        if call.client is not None:
            return [(name, self.signatures[name].constructor) for name in self._classes(call.client)]
        if call.api is not None:
            api = call.api
            if api.clients:
                classes = [name for client in api.clients for name in self._classes(client)]
            else:
                sdk = self.model.sdk_of(api)
                classes = [n for n, (s, _) in self.tables.clients.items() if sdk is None or s == sdk]
            return self._methods(classes, api.path)
        return []  # an openai<1 call

    def _classes(self, client: Client) -> list[str]:
        """The client classes in the table a client may be an instance of."""
        if client not in self._client_classes:
            found: list[str] = []
            if client.construction is not None:
                names = self.model.qualified_names(client.construction.func, client.scope)
                found = sorted(n for n in names if n in self.signatures)
            self._client_classes[client] = (
                found
                or [
                    name
                    for name, (sdk, is_async) in self.tables.clients.items()
                    if sdk == client.sdk and is_async == client.is_async and name in self.signatures
                ][:1]
            )
        return self._client_classes[client]

    def _module_client_classes(self) -> list[str]:
        """The class of the `openai` module-level client: the SDK's synchronous client."""
        return [n for n, (sdk, is_async) in self.tables.clients.items() if sdk == "openai" and not is_async][:1]

    def _methods(self, classes: Iterable[str], path: Sequence[str]) -> list[tuple[str, Signature]]:
        dotted = ".".join(path)
        found: dict[int, tuple[str, Signature]] = {}
        for name in classes:
            client = self.signatures.get(name)
            signature = client.methods.get(dotted) if client is not None else None
            if signature is not None:
                found.setdefault(id(signature), (dotted, signature))
        return list(found.values())

    def _resolve(
        self, func: cst.BaseExpression, scope: Scope, imports: Mapping[str, str]
    ) -> list[tuple[str, Signature]] | None:
        """The signatures a rewritten call's new callee may have, through what its receiver is
        bound to; None when it is not a client class or method glm-migrate knows."""
        attributes: list[str] = []
        node = func
        while isinstance(node, cst.Attribute) and node not in self.parents:
            attributes.insert(0, node.attr.value)
            node = node.value
        qualified: set[str] = set()
        clients: list[Client] = []
        if node in self.parents:  # an expression of the original code: the model knows it
            qualified = self.model.qualified_names(node, scope)
            clients = [v for v in self.model.values_of(node, scope) if isinstance(v, Client)]
        elif isinstance(node, cst.Name):
            bindings = self.model.lookup(node.value, scope)
            if not bindings and node.value in imports:
                qualified = {imports[node.value]}  # what the fixes import under that name
            for binding in bindings:
                if binding.qualified is not None:
                    qualified.add(binding.qualified)
                elif binding.value is not None and not isinstance(binding.target, cst.Param):
                    qualified |= self.model.qualified_names(binding.value, binding.scope)
                    clients += [v for v in self.model.values_of(binding.value, binding.scope) if isinstance(v, Client)]
                else:
                    return None
        found: dict[int, tuple[str, Signature]] = {}
        for name in qualified:
            full = ".".join([name, *attributes])
            if full in self.signatures:
                found.setdefault(id(self.signatures[full].constructor), (full, self.signatures[full].constructor))
                continue
            module, *path = full.split(".")
            # Only the `openai` module has a module-level client (`openai.chat.completions...`).
            if module == "openai" and path:
                for dotted, signature in self._methods(
                    self._module_client_classes(), self.tables.sdk.normalise_path(path)
                ):
                    found.setdefault(id(signature), (dotted, signature))
        for client in clients:
            for dotted, signature in self._methods(self._classes(client), self.tables.sdk.normalise_path(attributes)):
                found.setdefault(id(signature), (dotted, signature))
        return list(found.values()) or None


class _NameFinder(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.found.append(node)


def _edited_call(call: cst.Call, touches: list[_Touch]) -> _Edited:
    """A call with edits of itself and of its arguments (the common case), without a visit:
    each argument's edits first, in order, then the call's, as the engine's applier does."""
    args: list[cst.Arg | None] = list(call.args)
    own: list[NodeEdit] = []
    for touch in touches:
        if touch.node is call:
            own.append(touch.edit)
            continue
        index = call.args.index(cast(cst.Arg, touch.node))
        current = args[index]
        if current is not None:
            edited = touch.edit(current)
            args[index] = edited if isinstance(edited, cst.Arg) else None  # None: removed
    kept = [arg for arg in args if arg is not None]
    if not own:
        return _Edited(call.func, kept, touches)
    result: object = call.with_changes(args=kept)
    for edit in own:
        if not isinstance(result, cst.Call):
            break
        result = edit(result)
    return _as_edited(result, touches)


def _as_edited(result: object, touches: list[_Touch]) -> _Edited:
    """What edits made of an SDK call: a call, or other code (nothing left to bind)."""
    if isinstance(result, cst.Call):
        return _Edited(result.func, result.args, touches, result)
    return _Edited(cst.Name("replaced"), (), touches, replaced=True)


def _literal_keys(node: object) -> frozenset[str] | None:
    """The keys of a dict literal or `dict(k=v)` call; None when one is computed or splatted."""
    keys: set[str] = set()
    if isinstance(node, cst.Dict):
        for element in node.elements:
            key = string_value(element.key) if isinstance(element, cst.DictElement) else None
            if key is None:
                return None
            keys.add(key)
        return frozenset(keys)
    if isinstance(node, cst.Call):
        for arg in node.args:
            if arg.keyword is None or arg.star:
                return None
            keys.add(arg.keyword.value)
        return frozenset(keys)
    return None


def _subscript_key(subscript: cst.Subscript) -> str | None:
    if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
        return None
    return string_value(subscript.slice[0].slice.value)


def _stored_keys(statement: cst.CSTNode) -> dict[str, frozenset[str] | None]:
    """The names a new statement stores literal keys into (`name["key"] = ...`), with the keys;
    for any other statement, every name it mentions, with None: it could do anything to them."""
    stores = _key_stores(statement)
    if stores is not None:
        return stores
    finder = _AllNames()
    walk(statement, finder)
    return dict.fromkeys(finder.names)


def _key_stores(statement: cst.CSTNode) -> dict[str, frozenset[str] | None] | None:
    """name -> the keys a line of only `name["key"] = value` assignments stores (None: a key that
    is not a literal); None for any other statement."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return None
    stored: dict[str, frozenset[str] | None] = {}
    for small in statement.body:
        if not isinstance(small, cst.Assign):
            return None
        for target in small.targets:
            subscript = target.target
            if not (isinstance(subscript, cst.Subscript) and isinstance(subscript.value, cst.Name)):
                return None
            key = _subscript_key(subscript)
            known = stored.get(subscript.value.value, _EMPTY)
            stored[subscript.value.value] = None if key is None or known is None else known | {key}
    return stored


def _contains(roots: Iterable[cst.CSTNode], target: cst.CSTNode) -> bool:
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node is target:
            return True
        stack.extend(node.children)
    return False


def _ranked(problems: set[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (_PRIORITY.index(p[0]), p))


class _AllNames(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _explain(problems: list[Problem], call: _Edited) -> str:
    """One sentence: what would raise in the rewritten `call`, and the edit to make by hand instead."""
    kind, name, where = problems[0]
    target = code_of(call.func)
    if kind in (MAY_REPEAT, TWICE) and where:
        arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)
        value = code_of(arg.value) if arg is not None else None
        value = value if value is not None and len(value) <= 100 else "the new value"
        if where.isidentifier():
            edit = f'set `{where}["{name}"] = {value}` where `{where}` is built'
        else:
            edit = f'put `"{name}": {value}` into the mapping `**{where}` passes'
        holds = "may already hold" if kind == MAY_REPEAT else "already holds"
        sentence = f"`**{where}` {holds} `{name}`, and `{name}=` beside it would raise TypeError: {edit} instead"
    elif kind == TWICE:
        sentence = f"the rewritten call would pass `{name}` twice (TypeError): pass it once when you make this change"
    elif kind == CARRIED:
        sentence = (
            f"`**{where}` may hold {name}, which `{target}` does not take (TypeError): "
            f"pass `{target}` only the arguments it takes when you make this change"
        )
    elif kind == UNKNOWN and where:
        sentence = (
            f"`**{where}` holds `{name}`, which `{target}` does not take (TypeError): "
            f"remove that key from `{where}` when you make this change"
        )
    elif kind == UNKNOWN:
        sentence = f"`{target}` takes no `{name}` argument (TypeError): leave `{name}=` out when you make this change"
    elif kind == MISSING:
        sentence = (
            f"the rewritten call would lack `{name}`, which `{target}` requires (TypeError): "
            f"pass `{name}=` when you make this change"
        )
    elif kind == POSITIONAL:
        sentence = (
            f"the rewritten call passes {name} positional arguments where `{target}` takes {where} (TypeError): "
            "pass them by keyword"
        )
    else:
        sentence = (
            f"`{target}` is not in glm-migrate's SDK signatures (rules/signatures.toml), so the rewritten call "
            "could not be checked: make this change by hand"
        )
    more = len(problems) - 1
    return sentence + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
