"""What an expression may evaluate to, as far as the migration cares: modules, SDK client classes,
clients and their resources, functions and classes of this module; and the string literals a
model id or setting may be. Resolution is flow-insensitive: every binding of a name counts."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

import libcst as cst

from glm_migrate.defaults import argparse_default, declared_default, option_default
from glm_migrate.nodes import dotted_name, env_lookup, find_kwarg, setting_lookup, string_value
from glm_migrate.project import ClientFact
from glm_migrate.semantic.clients import ApiCall, Client, ClientIndex
from glm_migrate.semantic.scopes import MAX_DEPTH, Binding, Scope
from glm_migrate.splats import resolve_splat
from glm_migrate.tables import Tables

#: FastAPI's declarations of a parameter filled by calling a dependency.
_DEPENDS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends", "fastapi.params.Security"})

#: Decorators that make a function a pytest fixture.
_FIXTURES = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})

#: Calls whose result is their receiver's string, as far as model ids are concerned.
STRING_PASSTHROUGH_METHODS = frozenset({"lower", "strip", "casefold"})

#: the nodes that open a scope, and the loops (`_branch_sides`)
_SCOPE_NODES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Module, cst.Lambda})
_LOOP_NODES = frozenset({cst.For, cst.While})


def _session_item(expr: cst.Subscript) -> str | None:
    """`st.session_state["llm"]` as the attribute it also is, "st.session_state.llm", else None."""
    if len(expr.slice) != 1 or type(index := expr.slice[0].slice) is not cst.Index:
        return None
    base, key = dotted_name(expr.value), string_value(index.value)
    return f"{base}.{key}" if base and base.endswith("session_state") and key and key.isidentifier() else None


@dataclass(frozen=True, eq=False)
class ModuleValue:
    """A module, imported by name."""

    name: str  #: qualified module name, "openai"


@dataclass(frozen=True, eq=False)
class ClassValue:
    """A class of another package (an SDK client class, say), imported by name."""

    name: str  #: qualified class name, "openai.OpenAI"


@dataclass(frozen=True, eq=False)
class ResourceValue:
    """A resource reached from a client by attributes (`client.chat.completions`)."""

    client: Client
    path: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class FunctionValue:
    """A function of this module."""

    scope: Scope  #: a function of this module: calling it gives what it returns


@dataclass(frozen=True, eq=False)
class LocalClassValue:
    """A class of this module."""

    scope: Scope  #: a class of this module: calling it gives an instance


@dataclass(frozen=True, eq=False)
class InstanceValue:
    """An instance of a class of this module."""

    scope: Scope  #: an instance of a class of this module: its attributes are the class's


@dataclass(frozen=True, eq=False)
class ImportedInstance:
    """An instance of a class of another module of the project."""

    name: str  #: an instance of a class of another module of the project, as imported


@dataclass(frozen=True, eq=False)
class ImportedFactory:
    """A function of another module of the project that returns a client."""

    name: str  #: as imported
    returns: ClientFact  #: a function of another module of the project that returns a client


Value = (
    ModuleValue
    | ClassValue
    | Client
    | ResourceValue
    | FunctionValue
    | LocalClassValue
    | InstanceValue
    | ImportedInstance
    | ImportedFactory
)
#: decorators that make a method's return value what reading the attribute gives
_PROPERTIES = frozenset({"property", "cached_property", "functools.cached_property"})

_LiteralT = TypeVar("_LiteralT", bound=cst.BaseExpression)


class ValueResolver(ClientIndex):
    """Follows expressions to what they may hold, on demand and memoised (`values_of`), and to
    the string literals they may be (`resolve_strings`)."""

    def __init__(self, module: cst.Module, tables: Tables) -> None:
        super().__init__(module, tables)
        #: (expression, scope) -> its values, and None, or the depth they were followed from
        #: where the depth limit cut them short: they answer only questions asked as deep
        self._values: dict[tuple[int, int], tuple[list[Value], int | None]] = {}
        #: whether the depth limit cut short what is being followed (`values_of`)
        self._cut_short = False
        self._model_literals: dict[ApiCall, tuple[list[cst.SimpleString], bool]] = {}
        self._callback_choices_of: dict[Scope, list[cst.SimpleString]] = {}
        self._instance_writes: dict[tuple[Scope, str], list[Binding]] = {}
        #: function of this module (a class's `__init__` for its calls) -> the calls of it
        self.call_sites: dict[Scope, list[tuple[cst.Call, Scope]]] = {}

    def local_bases(self, node: cst.ClassDef, outer: Scope) -> list[Scope]:
        values = [v for arg in node.bases for v in self.values_of(arg.value, outer)]
        return [v.scope for v in values if isinstance(v, LocalClassValue)]

    def values_of(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> list[Value]:
        key = (id(expr), id(scope))
        known = self._values.get(key)
        if known is not None and (known[1] is None or known[1] <= depth):
            return known[0]
        if depth > MAX_DEPTH:
            # not kept: the constructor's name reached past the limit first (through a loop's
            # names, reassigned ones) is asked again from its call, where it is a client
            self._cut_short = True
            return []
        self._values[key] = ([], None)  # cuts cycles such as `client = client.with_options(...)`
        outer, self._cut_short = self._cut_short, False
        values = self._compute_values(expr, scope, depth)
        cut = self._cut_short
        self._values[key] = (values, depth if cut else None)
        self._cut_short = outer or cut
        return values

    def _binding_values(self, bindings: Sequence[Binding], depth: int, *, attribute: bool = False) -> list[Value]:
        """What the bindings may hold; `attribute`: read as `obj.name`, where a property's
        method gives its return value."""
        values: list[Value] = []
        for binding in bindings:
            if binding.qualified is not None:
                values.append(self._value_for_qualified(binding.qualified))
            elif binding.defines is not None:
                values.extend(self._definition_values(binding.defines, depth, attribute=attribute))
            elif binding.value is not None and type(binding.target) is not cst.Param:
                values.extend(self.values_of(binding.value, binding.scope, depth + 1))
            elif binding.unpacked is not None:
                for element, where in self.unpacked_elements(*binding.unpacked, binding.scope, depth)[0]:
                    values.extend(self.values_of(element, where, depth + 1))
            else:
                if isinstance(binding.target, cst.Param):
                    values.extend(self._parameter_default_clients(binding, depth))
                elif binding.value is None:
                    values.extend(self._loop_callables(binding, depth))
                if binding.annotation is not None:
                    values.extend(self._annotated(binding.annotation, binding.scope, depth + 1))
        return values

    def _loop_callables(self, binding: Binding, depth: int) -> list[Value]:
        """The functions a loop's name runs over (`for handler in (index, purge): handler(client)`,
        also through a name bound to the list, `HANDLERS.values()` and `for name, handler in
        HANDLERS.items()` of a dict): a call through it is a call of each, as one through a
        dispatch table is (`_dispatched`). Functions of this module and imported names only: a
        loop over clients or strings is read elsewhere."""
        target = binding.target
        parent = self.parents.get(target) if type(target) is cst.Name else None
        if type(parent) is cst.Element:
            pair = self.parents.get(parent)
            if type(pair) is not cst.Tuple or len(pair.elements) != 2 or pair.elements[1] is not parent:
                return []
            loop, wanted = self.parents.get(pair), ("items", "")
            if not isinstance(loop, cst.For | cst.CompFor) or loop.target is not pair:
                return []
        else:
            loop, wanted = parent, ("", "values")  # a list's elements or a dict's values
            if not isinstance(loop, cst.For | cst.CompFor) or loop.target is not target:
                return []
        container, method = loop.iter, ""
        if type(container) is cst.Call and type(func := container.func) is cst.Attribute and not container.args:
            container, method = func.value, func.attr.value
        if method not in wanted:
            return []
        # a table imported from another module (`from app.handlers import HANDLERS`): the project
        # index lists it as a function doing what each of its functions does with the client
        found: list[Value] = []
        if type(container) in (cst.Name, cst.Attribute):
            values = self.values_of(container, binding.scope, depth + 1)
            found += [v for v in values if isinstance(v, ModuleValue)]
        elements: list[cst.BaseExpression] = []
        for literal in self._possible_values(container, binding.scope):
            if type(literal) is cst.Dict and method:
                elements += [e.value for e in literal.elements if type(e) is cst.DictElement]
            elif type(literal) in (cst.List, cst.Tuple, cst.Set) and not method:
                elements += [e.value for e in cast(cst.List, literal).elements if type(e) is cst.Element]
            else:
                continue
            if type(container) is cst.Name and self.owner(container.value, binding.scope) is self.module_scope:
                # filled at run time (`HANDLERS.append(f)`, a registry decorator)
                elements += self.table_additions(container.value)
        for element in elements:
            if type(element) in (cst.Name, cst.Attribute):
                values = self.values_of(element, binding.scope, depth + 1)
                found += [v for v in values if isinstance(v, FunctionValue | ModuleValue) and not self._sdk_class(v)]
        return found

    def _sdk_class(self, value: Value) -> bool:
        """An SDK's client class or a framework's (`ChatOpenAI`): a table of those is a provider
        choice (`{"gpt-": ChatOpenAI, "claude-": ChatAnthropic}`), whose classes are reported for a
        person; read as handlers, one built through the loop would get OpenAI's options whatever
        class the loop picks."""
        if not isinstance(value, ModuleValue):
            return False
        name = self.tables.sdk.class_aliases.get(value.name, value.name)
        return name in self.tables.clients or self.tables.framework_of({name}) is not None

    def _parameter_default_clients(self, binding: Binding, depth: int) -> list[Value]:
        """The clients a parameter holds when its caller passes none: those its default builds
        (`def upload(path, client=OpenAI())`), or, for FastAPI, those the dependency it declares
        returns (`client: AsyncOpenAI = Depends(get_client)`, `Depends(lambda: AsyncOpenAI())`,
        also inside `Annotated[AsyncOpenAI, Depends(get_client)]`)."""
        found: list[cst.BaseExpression] = []
        if binding.value is not None:
            found.append(binding.value)
        annotation = binding.annotation
        if type(annotation) is cst.Subscript and (dotted_name(annotation.value) or "").endswith("Annotated"):
            found.extend(e.slice.value for e in annotation.slice[1:] if type(e.slice) is cst.Index)
        values: list[Value] = []
        if isinstance(binding.target, cst.Param):
            values.extend(self._fixture_clients(binding.target.name.value, depth))
        for default in found:
            dependency = self._declared_dependency(default, binding.scope)
            if dependency is None:
                values.extend(v for v in self.values_of(default, binding.scope, depth + 1) if isinstance(v, Client))
                continue
            if type(dependency) is cst.Lambda:
                scopes = [s for s in self.scopes if s.node is dependency]
                called = [v for s in scopes for v in self._returned(s, depth)]
            else:
                called = [
                    v
                    for func in self.values_of(dependency, binding.scope, depth + 1)
                    if isinstance(func, FunctionValue)
                    for v in self._provided(func.scope, depth)
                ]
            values.extend(v for v in called if isinstance(v, Client))
        return values

    def _provided(self, function: Scope, depth: int) -> list[Value]:
        """What a dependency or fixture gives the parameters it fills: its return value, or
        what it yields (`def get_client(): client = AsyncOpenAI(); yield client`)."""
        values = self._returned(function, depth)
        return values + [v for y in function.yields for v in self.values_of(y, function, depth + 1)]

    def _fixture_clients(self, name: str, depth: int) -> list[Value]:
        """The clients the module's pytest fixture called `name` provides: pytest passes them to
        every test and fixture of the module with a parameter of that name."""
        values: list[Value] = []
        for binding in self.module_scope.bindings.get(name, []):
            fixture = binding.defines
            if fixture is None or type(fixture.node) is not cst.FunctionDef:
                continue
            decorators = (
                d.decorator.func if type(d.decorator) is cst.Call else d.decorator for d in fixture.node.decorators
            )
            if any(_FIXTURES & self.qualified_names(d, self.module_scope) for d in decorators):
                values.extend(v for v in self._provided(fixture, depth) if isinstance(v, Client))
        return values

    def _declared_dependency(self, default: cst.BaseExpression, scope: Scope) -> cst.BaseExpression | None:
        """`get_client` for a FastAPI parameter declared `= Depends(get_client)`."""
        if type(default) is not cst.Call or not _DEPENDS & self.qualified_names(default.func, scope):
            return None
        keyword = find_kwarg(default, "dependency")
        if keyword is not None:
            return keyword.value
        first = default.args[0] if default.args else None
        return first.value if first is not None and not first.keyword and not first.star else None

    def name_clients(self, name: str) -> list[Client]:
        """The clients a module-level name may hold."""
        values = self._binding_values(self.module_scope.bindings.get(name, []), 0)
        return [value for value in values if isinstance(value, Client)]

    def returned_clients(self, bindings: Sequence[Binding]) -> list[Client]:
        """The clients the functions these bindings define may return."""
        values = [v for b in bindings if b.defines is not None for v in self._returned(b.defines, 0)]
        return [value for value in values if isinstance(value, Client)]

    def methods_of(self, klass: Scope) -> dict[str, list[Binding]]:
        """The methods a class defines itself, by name, without properties."""
        found: dict[str, list[Binding]] = {}
        for name, bindings in klass.bindings.items():
            methods = [
                b
                for b in bindings
                if b.defines is not None
                and type(b.defines.node) is cst.FunctionDef
                and not {dotted_name(d.decorator) for d in b.defines.node.decorators} & _PROPERTIES
            ]
            if methods:
                found[name] = methods
        return found

    def clients_of_name(self, name: str) -> list[Client]:
        """The clients a module-level name holds or, a function's, returns; "Class.method": the
        clients that method of a module-level class returns; "Class.attr": those its instances
        hold in that attribute (`self.client = OpenAI()`)."""
        owner, _, method = name.partition(".")
        bindings = self.module_scope.bindings.get(owner, [])
        if method:
            classes = [b.defines for b in bindings if b.defines is not None and b.defines.kind == "class"]
            found = [c for klass in classes for c in self.returned_clients(self.methods_of(klass).get(method, []))]
            return found or [c for klass in classes for c in self.attribute_clients(klass).get(method, [])]
        return [*self.name_clients(name), *self.returned_clients(bindings)]

    def attribute_clients(self, klass: Scope) -> dict[str, list[Client]]:
        """The clients instances of a class hold, by attribute: `self.client = OpenAI()` in a
        method, or a class-level `client = OpenAI()` (not methods: `methods_of`)."""
        names = {
            written.partition(".")[2]
            for (owner, written), _ in self.attribute_bindings.items()
            if owner is klass and written.startswith(("self.", "cls.")) and written.count(".") == 1
        }
        names.update(n for n, bs in klass.bindings.items() if not any(b.defines is not None for b in bs))
        found: dict[str, list[Client]] = {}
        for attr in sorted(names):
            values = self._binding_values(self.class_attribute(klass, attr), 0, attribute=True)
            clients = [v for v in values if isinstance(v, Client)]
            if clients:
                found[attr] = clients
        return found

    def unpacked_elements(
        self, expr: cst.BaseExpression, index: int, count: int, scope: Scope, depth: int = 0
    ) -> tuple[list[tuple[cst.BaseExpression, Scope]], bool]:
        """The expressions (each with its scope) that element `index` of `expr`, unpacked into
        `count` names, may be, and whether every path was seen: the element of a tuple or list
        literal, or of those a function of this module returns (`return OpenAI(), "gpt-4o"`)."""
        if depth > MAX_DEPTH:
            return [], False
        if type(expr) is cst.Await:
            expr = expr.expression
        if type(expr) in (cst.Tuple, cst.List):
            elements = expr.elements  # type: ignore[attr-defined]
            if len(elements) != count or any(type(e) is cst.StarredElement for e in elements):
                return [], False
            return [(elements[index].value, scope)], True
        if type(expr) is not cst.Call:
            return [], False
        functions = [f for f in self.values_of(expr.func, scope, depth + 1) if isinstance(f, FunctionValue)]
        found: list[tuple[cst.BaseExpression, Scope]] = []
        complete = bool(functions)
        for function in functions:
            for returned in function.scope.returns:
                elements, whole = self.unpacked_elements(returned, index, count, function.scope, depth + 1)
                found += elements
                complete = complete and whole
        return found, complete

    def _definition_values(self, defined: Scope, depth: int, *, attribute: bool) -> list[Value]:
        if defined.kind == "class":
            return [LocalClassValue(defined)]
        node = defined.node
        if attribute and type(node) is cst.FunctionDef:
            names = {dotted_name(d.decorator) for d in node.decorators}
            if names & _PROPERTIES:
                return self._returned(defined, depth)
        return [FunctionValue(defined)]

    def _returned(self, function: Scope, depth: int) -> list[Value]:
        return [value for ret in function.returns for value in self.values_of(ret, function, depth + 1)]

    def _annotated(
        self, annotation: cst.BaseExpression, scope: Scope, depth: int, *, classes: bool = False
    ) -> list[Value]:
        """The values a declared type stands for: a client of an SDK client class (the caller's),
        an instance of a class of this module, or with `type[X]` (`classes`) the class itself.
        `Optional[X]`, `X | None`, `Union[...]`, `Annotated[X, ...]` and string annotations are
        looked through."""
        if type(annotation) is cst.SimpleString:
            text = string_value(annotation)
            try:
                annotation = cst.parse_expression(text) if text else annotation
            except cst.ParserSyntaxError:
                return []
        if type(annotation) is cst.BinaryOperation and type(annotation.operator) is cst.BitOr:
            parts = (annotation.left, annotation.right)
            return [v for part in parts for v in self._annotated(part, scope, depth + 1, classes=classes)]
        if type(annotation) is cst.Subscript:
            wrapper = (dotted_name(annotation.value) or "").rpartition(".")[2]
            elements = [e.slice.value for e in annotation.slice if type(e.slice) is cst.Index]
            if wrapper == "Annotated":
                elements = elements[:1]
            elif wrapper in ("type", "Type"):
                classes = True
            elif wrapper not in ("Optional", "Union"):
                return []
            return [v for element in elements for v in self._annotated(element, scope, depth + 1, classes=classes)]
        values: list[Value] = []
        for value in self.values_of(annotation, scope, depth + 1):
            if classes and isinstance(value, ClassValue | LocalClassValue):
                values.append(value)
            elif isinstance(value, ClassValue):
                values.append(self._declared_client(annotation, value.name, scope))
            elif isinstance(value, LocalClassValue):
                values.append(InstanceValue(value.scope))
        return values

    def _value_for_qualified(self, qualified: str) -> Value:
        qualified = self.tables.sdk.class_aliases.get(qualified, qualified)
        if qualified in self.tables.clients:
            return ClassValue(qualified)
        fact = self.facts.clients.get(qualified)
        if fact is not None:
            return self._imported_client(qualified, fact)
        fact = self.facts.factories.get(qualified)
        if fact is not None:
            return ImportedFactory(qualified, fact)
        return ModuleValue(qualified)

    def _compute_values(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> list[Value]:
        if type(expr) is cst.Name:
            return self._binding_values(self.lookup(expr.value, scope), depth)
        if type(expr) is cst.Attribute:
            dotted = dotted_name(expr)
            if dotted is not None:
                bindings = self.attribute_lookup(dotted, scope)
                if bindings:
                    return self._binding_values(bindings, depth, attribute=True)
                if "session_state." in dotted and (stored := self._session_stores.get(dotted)):
                    # `st.session_state["llm"] = OpenAI()` read back as `st.session_state.llm`
                    return [v for value, where in stored for v in self.values_of(value, where, depth + 1)]
                receiver, _, attr = dotted.partition(".")
                klass = scope.enclosing_class() if receiver in ("self", "cls") and "." not in attr else None
                if klass is not None and (inherited := self._inherited_factory(klass, attr)):
                    return inherited
            values: list[Value] = []
            for base in self.values_of(expr.value, scope, depth + 1):
                values.extend(self._member(base, expr.attr.value, depth))
            if self.facts.wrapped_clients and type(expr.value) in (cst.Name, cst.Attribute):
                # `self.wrapper.client`, `wrapper.client` (an instance imported as a name): a
                # wrapper of another module keeps a client there (the project index);
                # `self.client` alone is this class's own
                kept = self.facts.wrapped_clients.get(expr.attr.value)
                if (
                    kept is not None
                    and not (type(expr.value) is cst.Name and expr.value.value in ("self", "cls"))
                    and not any(isinstance(value, Client) for value in values)
                ):
                    values.append(self._imported_client(*kept))
            return values
        if type(expr) is cst.Call:
            funcs = self.values_of(expr.func, scope, depth + 1)
            classes = [func.name for func in funcs if isinstance(func, ClassValue)]
            others = [func.name for func in funcs if isinstance(func, ModuleValue)]
            values = [self._client_for(expr, classes, scope, others)] if classes else []
            for func in funcs:
                if (
                    isinstance(func, ResourceValue)
                    and func.path[-1:]
                    and func.path[-1] in self.tables.sdk.client_copy_methods
                ):
                    values.append(self._copy_of(func.client, expr, scope))
                elif isinstance(func, FunctionValue):
                    values.extend(self._returned(func.scope, depth))
                elif isinstance(func, LocalClassValue):
                    values.append(InstanceValue(func.scope))
                elif isinstance(func, ImportedFactory):
                    values.append(self._imported_client(f"{func.name}()", func.returns))
                elif isinstance(func, ModuleValue) and func.name in self._imported_classes:
                    values.append(ImportedInstance(func.name))
                elif isinstance(func, ModuleValue) and f"{func.name}()" in self._imported_classes:
                    # `make_agent()` returning an instance of such a class (`ModuleSummary.instances`)
                    values.append(ImportedInstance(f"{func.name}()"))
            if not values and funcs and all(isinstance(func, ModuleValue) for func in funcs):
                # another library's wrapper around a client (`instructor.from_openai(client)`,
                # `wrap_openai(client=client)`): its requests go where that client points
                wrapped = wrapped_client_argument(expr)
                if wrapped is not None:
                    values = [v for v in self.values_of(wrapped, scope, depth + 1) if isinstance(v, Client)]
            return values
        if type(expr) is cst.Await:
            return self.values_of(expr.expression, scope, depth + 1)
        if type(expr) is cst.IfExp:
            return self.values_of(expr.body, scope, depth + 1) + self.values_of(expr.orelse, scope, depth + 1)
        if type(expr) is cst.BooleanOperation:
            return self.values_of(expr.left, scope, depth + 1) + self.values_of(expr.right, scope, depth + 1)
        if type(expr) is cst.Subscript and type(expr.value) is cst.Name:
            return self._dispatched(expr.value, scope, depth)
        if type(expr) is cst.Subscript and (stored_at := _session_item(expr)) is not None:
            # `st.session_state["llm"]`: the same entry as `st.session_state.llm`
            bindings = self.attribute_lookup(stored_at, scope)
            found = self._binding_values(bindings, depth, attribute=True) if bindings else []
            found += [
                v
                for value, where in self._session_stores.get(stored_at, ())
                for v in self.values_of(value, where, depth + 1)
            ]
            if not found:
                found = [
                    v
                    for base in self.values_of(expr.value, scope, depth + 1)
                    for v in self._member(base, stored_at.rpartition(".")[2], depth)
                ]
            return found
        return []

    @functools.cached_property
    def _session_stores(self) -> dict[str, list[tuple[cst.BaseExpression, Scope]]]:
        """`st.session_state` entries the module stores by subscript (`st.session_state["llm"] =
        OpenAI()`), as the attribute they also are ("st.session_state.llm"), with the values stored."""
        found: dict[str, list[tuple[cst.BaseExpression, Scope]]] = {}
        if "session_state" not in self.source:
            return found
        for literal, scope in self.string_literals:
            index = self.parents.get(literal)
            element = self.parents.get(index) if type(index) is cst.Index else None
            subscript = self.parents.get(element) if element is not None else None
            target = self.parents.get(subscript) if type(subscript) is cst.Subscript else None
            assign = self.parents.get(target) if type(target) is cst.AssignTarget else None
            stored_at = _session_item(cast(cst.Subscript, subscript)) if type(assign) is cst.Assign else None
            if stored_at is not None:
                found.setdefault(stored_at, []).append((cast(cst.Assign, assign).value, scope))
        return found

    def _dispatched(self, table: cst.Name, scope: Scope, depth: int) -> list[Value]:
        """The functions a dispatch table holds, one of which `COMMANDS[name]` picks (`COMMANDS =
        {"files": purge_files, "all": purge_all}`, a list or tuple of them): a call through it is
        a call of each, so the clients it is passed are those functions' (`COMMANDS[cmd](client)`).
        Functions only: a table of clients or strings is read elsewhere."""
        found: list[Value] = []
        for binding in self.lookup(table.value, scope):
            if binding.qualified is not None:
                # imported (`from app.handlers import COMMANDS`): listed by the project index as
                # a function doing what each of its functions does (`summary._add_tables`)
                imported = self._value_for_qualified(binding.qualified)
                found += [imported] if isinstance(imported, ModuleValue) else []
                continue
            literal = binding.value
            if type(literal) is cst.Dict:
                elements = [e.value for e in literal.elements if type(e) is cst.DictElement]
            elif type(literal) in (cst.List, cst.Tuple):
                elements = [e.value for e in cast(cst.List | cst.Tuple, literal).elements if type(e) is cst.Element]
            else:
                continue
            if binding.scope is self.module_scope:
                elements += self.table_additions(table.value)  # `HANDLERS[name] = f`, `@register`
            for element in elements:
                if type(element) is cst.Name:
                    values = self.values_of(element, binding.scope, depth + 1)
                    found.extend(v for v in values if isinstance(v, FunctionValue))
        return found

    def _member(self, base: Value, attr: str, depth: int) -> list[Value]:
        if isinstance(base, ModuleValue):
            if base.name == "openai" and attr in self.tables.sdk.module_client_resources:
                return [ResourceValue(self.module_client, (attr,))]
            return [self._value_for_qualified(f"{base.name}.{attr}")]
        if isinstance(base, Client):
            if attr in self._instructor_methods:
                # `instructor.from_openai(client).create(...)`: instructor's own chat completions call
                return [ResourceValue(base, _CHAT_CREATE)]
            if base.sdk in ("openai", "azure") and not self.tables.sdk.has_member(attr):
                # `client.messages` where the name is also bound to another provider's client:
                # no OpenAI client has it, so this is the other client's call
                return []
            return [ResourceValue(base, (attr,))]
        if isinstance(base, ResourceValue):
            if attr in self._instructor_methods and attr != "create" and base.path == _CHAT_CREATE[:2]:
                # `client.chat.completions.create_partial(...)` of an instructor client
                return [ResourceValue(base.client, _CHAT_CREATE)]
            if self._instructor_methods and attr == "chat" and base.path == ("completions",):
                # `client.completions.chat.create(...)`: instructor's `chat` and `completions` are
                # the client itself (no OpenAI client has this path)
                return [ResourceValue(base.client, _CHAT_CREATE[:2])]
            return [ResourceValue(base.client, (*base.path, attr))]
        if isinstance(base, InstanceValue | LocalClassValue):
            found = self._binding_values(self.class_attribute(base.scope, attr), depth + 1, attribute=True)
            return found or self._inherited_factory(base.scope, attr)
        if isinstance(base, ImportedInstance):
            method = self._value_for_qualified(f"{base.name}.{attr}")
            if isinstance(method, ModuleValue) and f"{method.name}()" in self._imported_classes:
                return [method]  # `Factory().make_agent`: called, an instance of another class
            return [method] if isinstance(method, ImportedFactory) else []
        return []

    @functools.cached_property
    def _instructor_methods(self) -> frozenset[str]:
        """instructor's chat completions methods (`client.create`), in a module importing it:
        on the clients its factories wrap, they are `chat.completions.create`."""
        return self.tables.sdk.instructor_methods if self.imports_from("instructor") else frozenset()

    def _inherited_factory(self, klass: Scope, attr: str) -> list[Value]:
        """`self.make_client()` in a class deriving from an imported one whose method returns a
        client (the project index lists it as the factory "Class.method"): that client."""
        if not self._imported_classes:
            return []
        for member in self._family(klass):
            node, parent = member.node, member.parent
            if type(node) is not cst.ClassDef or parent is None:
                continue
            for arg in node.bases:
                for value in self.values_of(arg.value, parent):
                    if isinstance(value, ModuleValue) and value.name in self._imported_classes:
                        qualified = f"{value.name}.{attr}"
                        method = self._value_for_qualified(qualified)
                        if isinstance(method, ImportedFactory):
                            return [method]
                        if isinstance(method, Client):
                            # `self.client`, set in the imported class's `__init__`
                            return [method]
        return []

    @functools.cached_property
    def _imported_classes(self) -> frozenset[str]:
        """Imported classes, as written, with a method that returns a client, an attribute
        holding one or a method calling through one passed to it (the project index lists them as
        "Class.method", "Class.attr")."""
        facts = self.facts
        dotted = (
            name for names in (facts.factories, facts.clients, facts.client_functions) for name in names if "." in name
        )
        found: set[str] = set()
        for name in dotted:
            head = name.rpartition(".")[0]
            found.add(head)
            # "app.f.Factory.make_agent().ask": `Factory()` is an instance whose `make_agent()`
            # returns one of those
            while head.endswith("()"):
                head = head[:-2].rpartition(".")[0]
                if not head.rpartition(".")[2][:1].isupper():
                    break
                found.add(head)
        return frozenset(found)

    def qualified_names(self, expr: cst.BaseExpression, scope: Scope) -> set[str]:
        """The dotted names of the modules and classes `expr` may refer to, through the module's
        imports ("openai.error.RateLimitError" for `oa.error.RateLimitError` after
        `import openai as oa`)."""
        return {v.name for v in self.values_of(expr, scope) if isinstance(v, ModuleValue | ClassValue)}

    def dict_literals(self, expr: cst.BaseExpression, scope: Scope) -> list[cst.Dict] | None:
        """The dict literals `expr` may be (itself, or every binding of a name), or None when
        some value is not a visible dict literal."""
        values = self._possible_values(expr, scope)
        dicts = [value for value in values if isinstance(value, cst.Dict)]
        return dicts if values and len(dicts) == len(values) else None

    def sequence_literals(self, expr: cst.BaseExpression, scope: Scope) -> list[cst.List | cst.Tuple]:
        """The list and tuple literals `expr` may be (itself, or the bindings of a name)."""
        return [value for value in self._possible_values(expr, scope) if isinstance(value, cst.List | cst.Tuple)]

    def model_argument(self, call: ApiCall) -> cst.BaseExpression | None:
        """The `model=` value of a call, also when it comes in a `**` mapping (the first one
        set, for messages; `model_arguments` has them all)."""
        found = self.model_arguments(call)
        return found[0] if found else None

    def model_arguments(self, call: ApiCall) -> list[cst.BaseExpression]:
        """Every value the call's `model=` may have: the keyword, or the `"model"` entries of
        its `**` mappings (literals, or keys stored into a mapping built in view)."""
        arg = call.kwarg("model")
        if arg is not None:
            return [arg.value]
        found: list[cst.BaseExpression] = []
        for splat in call.node.args:
            if splat.star != "**":
                continue
            mapping = resolve_splat(self, splat.value, call.scope)
            if mapping is not None:
                found += [source.value for source in mapping.sources("model")]
                continue
            for literal in self.literals_of(splat.value, call.scope, cst.Dict):
                for element in literal.elements:
                    if isinstance(element, cst.DictElement) and string_value(element.key) == "model":
                        found.append(element.value)
        return found

    def literals_of(self, expr: cst.BaseExpression, scope: Scope, kind: type[_LiteralT]) -> list[_LiteralT]:
        """The `kind` literals (dicts, lists) `expr` may be: itself, or a name's bound values."""
        return [value for value in self._possible_values(expr, scope) if isinstance(value, kind)]

    def _possible_values(self, expr: cst.BaseExpression, scope: Scope) -> list[cst.BaseExpression | None]:
        """`expr` itself, or each value bound to it when it is a name (None for a binding
        without one, such as an import)."""
        if type(expr) is cst.Name:
            return [binding.value for binding in self.lookup(expr.value, scope)]
        return [expr]

    def model_literals(self, call: ApiCall) -> tuple[list[cst.SimpleString], bool]:
        """The literals the call's model may be, and whether all were found (memoised)."""
        if call not in self._model_literals:
            values = self.model_arguments(call)
            literals, complete = self._resolve_all(values, call.scope, -1, complete=bool(values))
            pinned = self._pinned_by_test(call.node, values[0]) if len(values) == 1 else None
            if pinned:
                # `if model == "text-embedding-3-small": ... create(model=model)`: that id, there
                literals, complete = pinned, True
            if not values:
                # `def chat(**kwargs): client.chat.completions.create(**kwargs)`: the callers' `model=`
                literals, complete = self._forwarded_models(call)
            self._model_literals[call] = literals, complete
        return self._model_literals[call]

    def member_bindings(self, expr: cst.Attribute, scope: Scope) -> list[Binding]:
        """The bindings of `expr`'s attribute on what its base may be, an instance or a class of
        this module (`req.temperature` with `req: ChatRequest`, `self.config.model`)."""
        found: list[Binding] = []
        for base in self.values_of(expr.value, scope):
            if isinstance(base, InstanceValue | LocalClassValue):
                found += self.class_attribute(base.scope, expr.attr.value)
                found += self._written_on_instances(base.scope, expr.attr.value)
        return found

    def _written_on_instances(self, klass: Scope, attr: str) -> list[Binding]:
        """`settings.model = "gpt-3.5-turbo"` after `settings = Settings()`: the attribute set on a
        name holding an instance of the class (or of its family), read wherever an instance is,
        flow-insensitively as `self.model = ...` in a method is."""
        key = (klass, attr)
        if key not in self._instance_writes:
            self._instance_writes[key] = []  # cuts cycles through the values of the names
            family = set(self._family(klass))
            found: list[Binding] = []
            for (owner, written), bindings in self.attribute_bindings.items():
                name, _, rest = written.partition(".")
                if owner is not None or rest != attr or name in ("self", "cls"):
                    continue
                for binding in bindings:
                    holders = [b for b in self.lookup(name, binding.scope) if b.value is not None]
                    if any(
                        isinstance(value, InstanceValue) and value.scope in family
                        for holder in holders
                        for value in self.values_of(cast(cst.BaseExpression, holder.value), holder.scope)
                    ):
                        found.append(binding)
            self._instance_writes[key] = found
        return self._instance_writes[key]

    def _offered(self, call: cst.Call, scope: Scope) -> list[cst.SimpleString]:
        """The strings of the list or tuple literals given to `call`, directly or by a name bound
        to one: the choices a widget offers (`st.selectbox`, `gr.Dropdown`, `random.choice`)."""
        offered: list[cst.SimpleString] = []
        for arg in call.args:
            for literal in self._possible_values(arg.value, scope):
                if isinstance(literal, cst.List | cst.Tuple):
                    offered += [e.value for e in literal.elements if isinstance(e.value, cst.SimpleString)]
        return offered

    def _callback_choices(self, function: Scope) -> list[cst.SimpleString]:
        """The choices offered (`_offered`) by the calls inside a call `function` is handed to
        uncalled, as a UI hands its inputs' values to the callback it is given."""
        node = function.node
        if type(node) is not cst.FunctionDef:
            return []
        if function not in self._callback_choices_of:
            name = node.name.value
            found: list[cst.SimpleString] = []
            for call, scope in self.calls:
                if any(type(a.value) is cst.Name and a.value.value == name for a in call.args):
                    found += [
                        s
                        for inner, where in self.calls
                        if inner is not call and self.inside(inner, call)
                        for s in self._offered(inner, where)
                    ]
                    # inputs built before and named in the list (`inputs=[box, model]` with
                    # `model = gr.Dropdown(["gpt-4o", ...])`)
                    for arg in call.args:
                        if type(arg.value) in (cst.List, cst.Tuple):
                            for element in cast(cst.List | cst.Tuple, arg.value).elements:
                                if type(element.value) is cst.Name:
                                    for binding in self.lookup(element.value.value, scope):
                                        if type(binding.value) is cst.Call:
                                            found += self._offered(binding.value, binding.scope)
            self._callback_choices_of[function] = found
        return self._callback_choices_of[function]

    @functools.cached_property
    def _stored_entries(self) -> dict[tuple[str, str], list[cst.SimpleString]]:
        """(mapping as written, key) -> the string literals the module stores there
        (`st.session_state["model"] = "gpt-4o"`)."""
        stored: dict[tuple[str, str], list[cst.SimpleString]] = {}
        for literal, _ in self.string_literals:
            assign = self.parents.get(literal)
            if type(assign) is not cst.Assign or assign.value is not literal or len(assign.targets) != 1:
                continue
            target = assign.targets[0].target
            if (
                type(target) is not cst.Subscript
                or len(target.slice) != 1
                or type(target.slice[0].slice) is not cst.Index
            ):
                continue
            key = string_value(target.slice[0].slice.value)
            base = dotted_name(target.value)
            if key is not None and base:
                stored.setdefault((base, key), []).append(literal)
        return stored

    def _loop_elements(self, binding: Binding) -> tuple[list[cst.BaseExpression], bool] | None:
        """The elements a loop's name takes (`for model in ["gpt-4o", "gpt-4o-mini"]`, also
        through a name, an attribute of `self` or a parameter's default bound to such a literal:
        `def __init__(self, models=["gpt-4o", "gpt-4o-mini"])`, `self.models = models`, `for model
        in self.models`), and whether they all are in view; None when it is no loop's name."""
        loop = self.parents.get(binding.target) if type(binding.target) is cst.Name else None
        if not isinstance(loop, cst.For | cst.CompFor) or loop.target is not binding.target:
            return None
        containers, complete = self.container_values(loop.iter, binding.scope)
        elements = [e for c in containers for e in c.elements]
        if any(isinstance(e, cst.StarredElement) for e in elements):
            return None
        return [e.value for e in elements], complete

    def container_values(
        self, expr: cst.BaseExpression, scope: Scope, depth: int = 0
    ) -> tuple[list[cst.List | cst.Tuple | cst.Set], bool]:
        """The list, tuple and set literals `expr` may be, followed through names, attributes of
        `self` (or of an instance of a class of this module) and parameters (their default and
        what this module's callers pass), and whether every value was one of them."""
        if depth > MAX_DEPTH:
            return [], False
        if type(expr) in (cst.List, cst.Tuple, cst.Set):
            return [cast(cst.List | cst.Tuple | cst.Set, expr)], True
        if type(expr) is cst.Name:
            bindings = [
                b for b in self.lookup(expr.value, scope) if b.target is None or not self.other_branch(b.target, expr)
            ]
        elif type(expr) is cst.Attribute:
            dotted = dotted_name(expr)
            bindings = (self.attribute_lookup(dotted, scope) if dotted else []) or self.member_bindings(expr, scope)
        elif type(expr) is cst.Call and (lookup := setting_lookup(expr)) is not None:
            # `getattr(cfg, "MODELS", ["gpt-4o", ...])`, `config.get("models", [...])`: the list
            # used where the setting is missing (where it is set, another one: never complete)
            return self.container_values(lookup[3], scope, depth + 1)[0], False
        else:
            return [], False
        if not bindings:
            return [], False
        found: list[cst.List | cst.Tuple | cst.Set] = []
        complete = True
        for binding in bindings:
            values: list[tuple[cst.BaseExpression | None, Scope]] = [(binding.value, binding.scope)]
            if type(binding.target) is cst.Param:
                function = self.owner(binding.target.name.value, scope)
                if function is None:
                    return [], False
                # what this module's callers pass counts as much as the default; other modules'
                # callers are out of sight
                values += self.arguments_for(binding.target, function)
            for value, where in values:
                if value is None:
                    complete = complete and type(binding.target) is cst.Param
                    continue
                containers, whole = self.container_values(value, where, depth + 1)
                found += containers
                complete = complete and whole
        return found, complete

    def _entry_strings(self, expr: cst.Subscript, scope: Scope, depth: int) -> tuple[list[cst.SimpleString], bool]:
        """The strings an entry of a dict literal kept in a name may be (`MODELS["fast"]`, or
        any of its values for `MODELS[tier]`), and whether every path was followed."""
        index = expr.slice[0].slice if len(expr.slice) == 1 else None
        if type(index) is not cst.Index:
            return [], False
        key = string_value(index.value) if isinstance(index.value, cst.SimpleString) else None
        dicts = self.dict_literals(expr.value, scope)
        if not dicts and key is None:
            # `MODELS[i]` of a list or tuple literal kept in a name: any of its strings, as for
            # a dict's values (moved without them, the client would send them to Z.AI)
            # (also through `self.models` and a parameter's default: `self.models[i]`)
            sequences, whole_list = self.container_values(expr.value, scope, depth + 1)
            if sequences:
                picked: list[cst.SimpleString] = []
                for sequence in sequences:
                    for element in sequence.elements:
                        if isinstance(element, cst.StarredElement):
                            whole_list = False
                            continue
                        found, whole = self.resolve_strings(element.value, scope, depth + 1)
                        picked.extend(found)
                        whole_list = whole_list and whole
                return picked, whole_list
        if not dicts:
            # `st.session_state["model"] = "gpt-4o"` somewhere in the module: what it may hold
            # (also what other code stores there, out of sight: never complete)
            base = dotted_name(expr.value)
            return (list(self._stored_entries.get((base, key), ())) if base and key is not None else []), False
        literals: list[cst.SimpleString] = []
        complete = True
        for literal in dicts:
            entries = [e for e in literal.elements if isinstance(e, cst.DictElement)]
            complete = complete and len(entries) == len(literal.elements)  # a `**` entry hides some
            if key is not None:
                entries = [e for e in entries if string_value(e.key) == key]
                complete = complete and bool(entries)
            for entry in entries:
                found, whole = self.resolve_strings(entry.value, scope, depth + 1)
                literals.extend(found)
                complete = complete and whole
        return literals, complete

    def _pinned_by_test(self, node: cst.CSTNode, value: cst.BaseExpression) -> list[cst.SimpleString]:
        """The literals a test around `node` pins the name `value` to: `node` runs only where
        `value == "a"` or `value in ("a", "b")` holds (an `if` or a conditional expression, or an
        `and` of tests with one of those)."""
        if type(value) is not cst.Name:
            return []
        child, parent = node, self.parents.get(node)
        while parent is not None and type(parent) not in (cst.FunctionDef, cst.ClassDef, cst.Module):
            if (type(parent) is cst.If or type(parent) is cst.IfExp) and parent.body is child:
                pinned = _pinned(parent.test, value.value)
                if pinned:
                    return pinned
            child, parent = parent, self.parents.get(parent)
        return []

    def _forwarded_models(self, call: ApiCall) -> tuple[list[cst.SimpleString], bool]:
        """The model literals this module's callers pass to the function around `call` when
        `call` forwards that function's `**` parameter: every caller must pass `model=` itself
        (a call with a `**` splat, or none at all, leaves the list incomplete)."""
        function = call.scope
        node = function.node
        if type(node) is not cst.FunctionDef or type(node.params.star_kwarg) is not cst.Param:
            return [], False
        forwarded = node.params.star_kwarg.name.value
        if not any(arg.star == "**" and dotted_name(arg.value) == forwarded for arg in call.node.args):
            return [], False
        sites = self.call_sites.get(function, [])
        literals: list[cst.SimpleString] = []
        complete = bool(sites)
        for site, scope in sites:
            keyword = find_kwarg(site, "model")
            if keyword is None or any(arg.star for arg in site.args):
                complete = False
                continue
            found, all_found = self.resolve_strings(keyword.value, scope)
            literals += found
            complete = complete and all_found
        return literals, complete

    def resolve_strings(
        self, expr: cst.BaseExpression, scope: Scope, depth: int = 0
    ) -> tuple[list[cst.SimpleString], bool]:
        """The string literals `expr` may evaluate to, and whether every path was followed.

        Follows names and attributes to their assignments and parameter defaults, both arms of
        `a if c else b` and `a or b`, `os.getenv(NAME, default)` and `mapping.get("key", default)`
        defaults and `.lower()`-like calls.
        """
        if depth > MAX_DEPTH:
            return [], False
        if type(expr) is cst.SimpleString:
            return [expr], True
        bindings: list[Binding] = []
        if type(expr) is cst.Name:
            # `if provider == "g4f": model = "gpt-3.5-turbo" ... else: client.create(model=model)`:
            # an assignment in the other branch of an `if` never reaches the use
            bindings = [
                binding
                for binding in self.lookup(expr.value, scope)
                if binding.target is None or not self.other_branch(binding.target, expr)
            ]
        elif isinstance(expr, cst.Attribute):
            dotted = dotted_name(expr)
            bindings = self.attribute_lookup(dotted, scope) if dotted else []
            if not bindings:
                declared = argparse_default(self, expr, scope)
                if declared is not None:
                    return self._resolve_all(declared, scope, depth, complete=False)
                if expr.attr.value == "value" and type(expr.value) is cst.Attribute:
                    # `Model.SMART.value`: an enum member's value is what its class assigns it
                    found, whole = self.resolve_strings(expr.value, scope, depth + 1)
                    if found:
                        return found, whole
                bindings = self.member_bindings(expr, scope)
        elif isinstance(expr, cst.IfExp | cst.BooleanOperation):
            parts = (expr.body, expr.orelse) if isinstance(expr, cst.IfExp) else (expr.left, expr.right)
            results = [self.resolve_strings(p, scope, depth + 1) for p in parts]
            return [s for r in results for s in r[0]], all(r[1] for r in results)
        elif isinstance(expr, cst.Call):
            env = env_lookup(expr)
            if env is not None:
                if env[1] is None:
                    return [], False
                return self.resolve_strings(env[1], scope, depth + 1)
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value in STRING_PASSTHROUGH_METHODS and not expr.args:
                return self.resolve_strings(func.value, scope, depth + 1)
            lookup = setting_lookup(expr)
            if lookup is not None:
                # `config.get("model", "gpt-4o")`: the id used where the setting is missing, as
                # an environment variable's default is
                return self.resolve_strings(lookup[3], scope, depth + 1)
            default = declared_default(expr)
            if default is not None:
                return self.resolve_strings(default, scope, depth + 1)
            returned = [
                (ret, function.scope)
                for function in self.values_of(func, scope)
                if isinstance(function, FunctionValue)
                for ret in function.scope.returns
            ]
            if returned:
                results = [self.resolve_strings(ret, where, depth + 1) for ret, where in returned]
                return [s for r in results for s in r[0]], all(r[1] for r in results)
            # `st.selectbox("Model", ["gpt-4o", "gpt-4o-mini"])`: one of the choices it offers
            return self._offered(expr, scope), False
        elif isinstance(expr, cst.Subscript):
            return self._entry_strings(expr, scope, depth)
        if not bindings:
            return [], False
        literals: list[cst.SimpleString] = []
        complete = True
        for binding in bindings:
            value = binding.value
            if type(binding.target) is cst.Param:
                function = self.owner(binding.target.name.value, scope)
                if function is not None:
                    value = value or option_default(self, binding, function)
                    # what this module's callers pass counts as much as the default
                    arguments = self.arguments_for(binding.target, function)
                    for argument, where in arguments:
                        found, whole = self.resolve_strings(argument, where, depth + 1)
                        literals.extend(found)
                        # `send(model=cfg["model"])`: a value read at run time replaces the default
                        complete = complete and whole
                    if not arguments and value is None:
                        # a callback a UI calls with its inputs' values (`gr.ChatInterface(predict,
                        # additional_inputs=[gr.Dropdown(["gpt-4o", ...])])`): the choices offered there
                        literals.extend(self._callback_choices(function))
            elif binding.scope.kind == "class" and type(binding.target) is cst.Name:
                # a field (`id: str = "gpt-4o-mini"` of a dataclass or pydantic model): what the
                # class's callers pass by keyword counts as much as the default
                for site, where in self.call_sites.get(binding.scope, []):
                    keyword = find_kwarg(site, binding.target.value)
                    if keyword is not None:
                        literals.extend(self.resolve_strings(keyword.value, where, depth + 1)[0])
            if value is None and binding.unpacked is not None:
                # `client, model = make()` with `return OpenAI(), "gpt-4o"`: that element
                elements, whole = self.unpacked_elements(*binding.unpacked, binding.scope, depth + 1)
                for element, where in elements:
                    found, every = self.resolve_strings(element, where, depth + 1)
                    literals.extend(found)
                    whole = whole and every
                complete = complete and whole
                continue
            if value is None:
                # `for model in ["gpt-4o", "gpt-4o-mini"]`: each element
                looped = self._loop_elements(binding)
                if looped is None:
                    complete = False
                    continue
                items, whole = looped
                complete = complete and whole and bool(items)
                for item in items:
                    found, whole = self.resolve_strings(item, binding.scope, depth + 1)
                    literals.extend(found)
                    complete = complete and whole
                continue
            found, whole = self.resolve_strings(value, binding.scope, depth + 1)
            literals.extend(found)
            complete = complete and whole
        return literals, complete

    def other_branch(self, bound: cst.CSTNode, used: cst.CSTNode) -> bool:
        """Whether `bound` and `used` sit in different branches of one `if` (its body and its
        `else`/`elif`) with no loop around that `if` in their scope to carry the value over."""
        sides = self._branch_sides(bound)
        for statement, side, looped in self._branch_sides(used):
            other = next((s for st, s, _ in sides if st is statement), None)
            if other is not None:
                return other != side and not looped
        return False

    def _branch_sides(self, node: cst.CSTNode) -> list[tuple[cst.If, str, bool]]:
        """The `if` statements around `node` in its own scope, innermost first, each with the side
        `node` is on ("body" or "orelse") and whether a loop encloses that `if` in the scope."""
        found: list[tuple[cst.If, str, bool]] = []
        child, current = node, self.parents.get(node)
        # node classes tested by `type()`: `isinstance()` against LibCST's classes runs ABCMeta's check
        while current is not None and type(current) not in _SCOPE_NODES:
            if type(current) is cst.If and child is not current.test:
                found.append((current, "body" if child is current.body else "orelse", False))
            elif type(current) in _LOOP_NODES:
                found = [(statement, side, True) for statement, side, _ in found]
            child, current = current, self.parents.get(current)
        return found

    def initializer(self, klass: Scope) -> Scope | None:
        """The `__init__` a call of a class of this module runs (its own or a base's)."""
        for member in self._family(klass):
            for binding in member.bindings.get("__init__", []):
                if binding.defines is not None:
                    return binding.defines
        return None

    def arguments_for(self, param: cst.Param, function: Scope) -> list[tuple[cst.BaseExpression, Scope]]:
        """The arguments this module's calls of `function` pass for `param`, each with the
        scope of the call: by keyword, or by position before any `*` splat (a `**` splat cannot
        hold an argument also passed by position or keyword: the call would raise)."""
        node = function.node
        if type(node) is not cst.FunctionDef:
            return []
        positional = [*node.params.posonly_params, *node.params.params]
        index = positional.index(param) if param in positional else None
        if index is not None and function.parent is not None and function.parent.kind == "class" and not _static(node):
            index -= 1  # a method: `self` is the receiver, not an argument
            if index < 0:
                return []  # `self` or a classmethod's `cls` (`return cls`): no call passes it
        found: list[tuple[cst.BaseExpression, Scope]] = []
        for call, scope in self.call_sites.get(function, []):
            keyword = find_kwarg(call, param.name.value)
            if keyword is not None:
                found.append((keyword.value, scope))
                continue
            before = call.args[: index + 1] if index is not None else []
            if index is not None and len(before) == index + 1 and not any(a.star or a.keyword for a in before):
                found.append((call.args[index].value, scope))
        return found

    def _resolve_all(
        self, values: list[cst.BaseExpression], scope: Scope, depth: int, *, complete: bool
    ) -> tuple[list[cst.SimpleString], bool]:
        results = [self.resolve_strings(value, scope, depth + 1) for value in values]
        return [s for r in results for s in r[0]], complete and all(r[1] for r in results)


def _pinned(test: cst.BaseExpression, name: str) -> list[cst.SimpleString]:
    """The string literals `test` holds `name` equal to: `name == "a"`, `"a" == name`,
    `name in ("a", "b")`, or an `and` with one of those."""
    if type(test) is cst.BooleanOperation and type(test.operator) is cst.And:
        return _pinned(test.left, name) or _pinned(test.right, name)
    if type(test) is not cst.Comparison or len(test.comparisons) != 1:
        return []
    target = test.comparisons[0]
    operator, left, right = type(target.operator), test.left, target.comparator
    if operator is cst.Equal:
        for named, other in ((left, right), (right, left)):
            if type(named) is cst.Name and named.value == name and type(other) is cst.SimpleString:
                return [other]
    if (
        operator is cst.In
        and type(left) is cst.Name
        and left.value == name
        and type(right) in (cst.Tuple, cst.List, cst.Set)
    ):
        elements = [e.value for e in right.elements]  # type: ignore[attr-defined]
        if elements and all(type(e) is cst.SimpleString for e in elements):
            return elements
    return []


def _static(node: cst.FunctionDef) -> bool:
    """A `@staticmethod`: called on an instance or its class, it gets no receiver."""
    return any(dotted_name(d.decorator) in ("staticmethod", "builtins.staticmethod") for d in node.decorators)


#: the resource path of a chat completions request
_CHAT_CREATE = ("chat", "completions", "create")


def wrapped_client_argument(call: cst.Call) -> cst.BaseExpression | None:
    """The argument a library's wrapper takes its client in: the first positional one, or
    `client=` (`instructor.from_openai(client=OpenAI())`)."""
    for arg in call.args:
        if arg.star:
            continue
        if arg.keyword is None or arg.keyword.value == "client":
            return arg.value
    return None
