"""Scopes and the bindings of their names: what one pass over a module records, and Python's
rules for which binding a name or a `self.x` attribute refers to from a given scope."""

from __future__ import annotations

import abc
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from glm_migrate.nodes import dotted_name
from glm_migrate.project import ModuleFacts
from glm_migrate.tables import Tables

#: methods adding their last argument to a list, set or dict (`HANDLERS.append(index)`)
_ADDING = frozenset({"append", "add", "insert", "setdefault"})

#: how far resolution follows names, calls and attributes before it gives up (cuts deep chains)
MAX_DEPTH = 12


@dataclass(eq=False)
class Scope:
    """A module, class or function body, and the names bound in it."""

    kind: str  #: "module", "class", "function"
    parent: Scope | None
    node: cst.CSTNode
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    #: a function's `return` values (a lambda's body)
    returns: list[cst.BaseExpression] = field(default_factory=list)
    #: a generator's `yield` values (what a pytest fixture or FastAPI dependency provides)
    yields: list[cst.BaseExpression] = field(default_factory=list)

    def add(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def enclosing_class(self) -> Scope | None:
        scope: Scope | None = self
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        return scope


@dataclass(eq=False)
class Binding:
    """One way a name gets a value: an import, an assignment or a parameter."""

    scope: Scope
    value: cst.BaseExpression | None = None  #: assigned value or parameter default
    qualified: str | None = None  #: for imports: the dotted name imported ("openai.OpenAI")
    #: the node that binds (Name, Attribute, Param; the ImportAlias of an import)
    target: cst.CSTNode | None = None
    #: the function or class a `def`/`class` statement binds
    defines: Scope | None = None
    #: the declared type of a parameter or annotated name (`client: OpenAI | None`)
    annotation: cst.BaseExpression | None = None
    #: for a name bound by unpacking (`client, model = make()`): the value unpacked, the name's
    #: position and how many names it is unpacked into (`value` stays None: it is not the name's)
    unpacked: tuple[cst.BaseExpression, int, int] | None = None
    #: no code binds it: a name the module uses as the SDK's though nothing imports it (GLM012)
    assumed: bool = False


class ModuleScopes(abc.ABC):
    """The scopes of one module and the names they bind, filled by the model's walk
    (`SemanticModel.build`); answers which bindings a name or attribute has from a scope."""

    def __init__(self, module: cst.Module, tables: Tables) -> None:
        self.module = module
        self.tables = tables
        self.source = ""
        self.facts = ModuleFacts()
        self.module_scope = Scope("module", None, module)
        self.scopes: list[Scope] = [self.module_scope]
        #: node -> its parent, for every node the walk visits (not whitespace or punctuation)
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        #: name -> every Name node spelling it (see `uses_of`)
        self.names: dict[str, list[cst.Name]] = {}
        #: (class scope or None, "self.client") -> bindings of that attribute
        self.attribute_bindings: dict[tuple[Scope | None, str], list[Binding]] = {}
        #: class -> its family (see `_family`), worked out once
        self._families: dict[Scope, list[Scope]] | None = None
        self.calls: list[tuple[cst.Call, Scope]] = []
        #: `os.environ[...]` reads (calls such as `os.getenv(...)` are in `calls`)
        self.environ_subscripts: list[cst.Subscript] = []
        self.attribute_assignments: list[tuple[cst.SimpleStatementLine, cst.Assign, Scope]] = []
        self.string_literals: list[tuple[cst.SimpleString, Scope]] = []
        #: f-strings (`f"https://api.openai.com/v1/{path}"`), outermost or nested
        self.formatted_strings: list[cst.FormattedString] = []
        #: top-level names of the SDKs the module imports ("openai", "zai")
        self.imported_sdks: set[str] = set()
        #: drop-in modules standing in for an SDK that this module imports from (`langfuse.openai`)
        self.dropins: set[str] = set()
        #: modules imported with `from x import *` (their names stay unresolved)
        self.star_imports: list[str] = []
        #: names passed to tokenizer lookups (tiktoken.encoding_for_model(NAME))
        self.tokenizer_names: set[str] = set()
        #: tokenizer lookups (tiktoken.encoding_for_model(...)) with their scopes
        self.tokenizer_calls: list[tuple[cst.Call, Scope]] = []
        #: module-level `import openai` statements, where module-client settings can go
        self.openai_import_lines: list[cst.SimpleStatementLine] = []
        #: literal -> the name it is assigned to (MODEL = "gpt-4o")
        self.assigned_names: dict[cst.SimpleString, str] = {}
        #: table name -> what `table_additions` found
        self._table_additions: dict[str, list[cst.BaseExpression]] = {}

    def table_additions(self, table: str) -> list[cst.BaseExpression]:
        """The values a module-level table gets at run time (`HANDLERS.append(index)`,
        `HANDLERS["index"] = index`), and the functions a registry decorator of this module adds
        to it (`@register` with `def register(f): HANDLERS.append(f); return f`, or
        `@register("index")` whose inner function stores `f`): each is the function's name."""
        if table not in self._table_additions:
            self._table_additions[table] = self._additions(table)
        return self._table_additions[table]

    def _additions(self, table: str) -> list[cst.BaseExpression]:
        added: list[cst.BaseExpression] = []
        registries: set[str] = set()
        for use in self.names.get(table, ()):
            parent = self.parents.get(use)
            value: cst.BaseExpression | None = None
            if type(parent) is cst.Attribute and parent.value is use and parent.attr.value in _ADDING:
                call = self.parents.get(parent)
                if type(call) is cst.Call and call.func is parent and call.args and not call.args[-1].star:
                    value = call.args[-1].value
            elif type(parent) is cst.Subscript and parent.value is use:
                target = self.parents.get(parent)
                assign = self.parents.get(target) if type(target) is cst.AssignTarget else None
                if type(assign) is cst.Assign:
                    value = assign.value
            if type(value) is not cst.Name:
                continue
            # a parameter of the function around it: that function (or the module-level one
            # returning it) is a registry decorator
            outer: cst.FunctionDef | None = None
            holder: cst.FunctionDef | None = None
            current = self.parents.get(use)
            while current is not None:
                if type(current) is cst.FunctionDef:
                    holder = holder or current
                    outer = current
                current = self.parents.get(current)
            if holder is not None and any(p.name.value == value.value for p in holder.params.params):
                if outer is not None and self.parents.get(outer) is self.module:
                    registries.add(outer.name.value)
            else:
                added.append(value)
        if registries:
            for statement in self.module.body:
                if type(statement) is not cst.FunctionDef:
                    continue
                for decorator in statement.decorators:
                    named = decorator.decorator
                    if type(named) is cst.Call:
                        named = named.func
                    if type(named) is cst.Name and named.value in registries:
                        added.append(statement.name)
        return added

    def lookup(self, name: str, scope: Scope) -> list[Binding]:
        """Bindings of `name` visible from `scope` (Python's LEGB rule, class scopes skipped)."""
        owner = self.owner(name, scope)
        return owner.bindings[name] if owner is not None else []

    @functools.cached_property
    def _scope_owners(self) -> dict[cst.CSTNode, Scope]:
        return {scope.node: scope for scope in self.scopes}

    def scope_of(self, node: cst.CSTNode) -> Scope:
        """The innermost scope whose code holds `node`."""
        owners = self._scope_owners
        current = self.parents.get(node)
        decorator = False
        while current is not None and current not in owners:
            decorator = decorator or type(current) is cst.Decorator
            current = self.parents.get(current)
        if current is None:
            return self.module_scope
        # a decorator runs in the scope of its `def` / `class` statement, not in its own
        owner = owners[current]
        return owner.parent if decorator and owner.parent is not None else owner

    def bindings_at(self, name: str, scope: Scope, use: cst.CSTNode) -> list[Binding] | None:
        """The bindings `name` may refer to where `use` (code of `scope`) runs: [] when nothing
        binds it from there (a module-level import can add it), None when it may be unbound there.

        A name bound anywhere in a function is that function's local everywhere in it, so a
        module-level import does not reach it: it is bound at `use` only when one of its
        bindings runs on every path to `use`, before it (`from openai import OpenAI` in one
        branch of an `if` binds nothing in the other). Module and class bindings count as made."""
        owner = self.owner(name, scope)
        if owner is None:
            return []
        bindings = owner.bindings[name]
        if owner.kind != "function" or any(self.bound_before(binding, use) for binding in bindings):
            return bindings
        return None

    def bound_before(self, binding: Binding, use: cst.CSTNode) -> bool:
        """The statement that makes `binding` runs before `use` on every path to it: a parameter,
        or a simple statement (an import, an assignment) or `def`/`class` that stands, earlier,
        in a block (or on a line) that holds `use`, and not inside a branch, loop or `with`."""
        target = binding.target
        if type(target) is cst.Param:
            return True
        if target is None:
            return False
        statement: cst.CSTNode | None = self.parents.get(target)
        if not (isinstance(statement, cst.FunctionDef | cst.ClassDef) and statement.name is target):
            statement = target
            while statement is not None and not isinstance(statement, cst.BaseSmallStatement):
                if isinstance(statement, cst.BaseCompoundStatement | cst.BaseSuite | cst.Lambda | cst.BaseComp):
                    return False  # bound by a loop, a `with`, or in code that may not run
                statement = self.parents.get(statement)
        toward_use: dict[cst.CSTNode, cst.CSTNode] = {}
        node: cst.CSTNode | None = use
        while node is not None and (parent := self.parents.get(node)) is not None:
            toward_use[parent] = node
            node = parent
        node = statement
        while node is not None and (parent := self.parents.get(node)) is not None:
            if parent in toward_use:
                body = getattr(parent, "body", None)
                if not isinstance(body, Sequence):
                    return False
                order = [id(s) for s in body]
                mine, theirs = id(node), id(toward_use[parent])
                return mine in order and theirs in order and order.index(mine) < order.index(theirs)
            if not isinstance(parent, cst.SimpleStatementLine | cst.SimpleStatementSuite):
                return False  # its block does not hold `use`: a branch, loop or body that may not run
            node = parent
        return False

    def imports_from(self, *packages: str) -> bool:
        """A module-level name of this module comes from one of `packages` (`import pytest`,
        `from unittest import mock`)."""
        return any(
            (binding.qualified or "").partition(".")[0] in packages
            for bindings in self.module_scope.bindings.values()
            for binding in bindings
        )

    def uses_of(self, name: str, scope: Scope) -> list[cst.Name]:
        """The names spelled `name` inside `scope`'s code, nested scopes included."""
        found = [use for use in self.names.get(name, []) if self.reads_a_name(use)]
        return found if scope.kind == "module" else [use for use in found if self.inside(use, scope.node)]

    def reads_a_name(self, node: cst.Name) -> bool:
        """Not an attribute's or a keyword argument's own name (`x.model`, `f(model=...)`)."""
        parent = self.parents.get(node)
        if type(parent) is cst.Attribute:
            return parent.attr is not node
        return not (type(parent) is cst.Arg and parent.keyword is node)

    def inside(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        current: cst.CSTNode | None = node
        while current is not None and current is not ancestor:
            current = self.parents.get(current)
        return current is ancestor

    def owner(self, name: str, scope: Scope) -> Scope | None:
        """The scope whose binding of `name` is visible from `scope` (a function's own for its
        parameters, though their defaults are evaluated outside it)."""
        current: Scope | None = scope
        while current is not None:
            if name in current.bindings and (current is scope or current.kind != "class"):
                return current
            current = current.parent
        return None

    def bindings_of(self, expr: cst.BaseExpression, scope: Scope) -> list[Binding]:
        """The bindings a name (`lookup`) or an attribute (`attribute_lookup`) reads."""
        dotted = dotted_name(expr) if type(expr) in (cst.Name, cst.Attribute) else None
        if dotted is None:
            return []
        return self.lookup(dotted, scope) if type(expr) is cst.Name else self.attribute_lookup(dotted, scope)

    def attribute_lookup(self, dotted: str, scope: Scope) -> list[Binding]:
        """Bindings of `self.x` (per class, including class-level `x = ...`) or `a.b` (module-wide)."""
        base, _, attr = dotted.partition(".")
        if base in ("self", "cls") and "." not in attr:
            klass = scope.enclosing_class()
            if klass is None:
                return list(self.attribute_bindings.get((None, dotted), []))
            return self.class_attribute(klass, attr)
        found = self.attribute_bindings.get((None, dotted), [])
        head, _, name = dotted.rpartition(".")
        if not found and (head == "state" or head.endswith(".state")):
            # Starlette's (FastAPI's) `app.state`: set once (`app.state.openai = AsyncOpenAI()` in
            # the lifespan), read through whatever reaches the app (`request.app.state.openai`)
            found = [
                binding
                for (klass, written), bindings in self.attribute_bindings.items()
                if klass is None and (written == f"state.{name}" or written.endswith(f".state.{name}"))
                for binding in bindings
            ]
        return found

    def class_attribute(self, klass: Scope, attr: str) -> list[Binding]:
        """Bindings of `attr` on instances of a class of this module: class-level names (fields,
        methods) and `self.attr = ...` in methods, of the class and of its family (`_family`)."""
        found: list[Binding] = []
        for member in self._family(klass):
            found += member.bindings.get(attr, [])
            found += self.attribute_bindings.get((member, f"self.{attr}"), [])
            found += self.attribute_bindings.get((member, f"cls.{attr}"), [])
        return found

    def _family(self, klass: Scope) -> list[Scope]:
        """The class, the classes of this module it derives from and those deriving from it:
        `self.x` in a method may be set by any of them (flow-insensitively, all count)."""
        if self._families is None:
            self._families = {}
            bases: dict[Scope, list[Scope]] = {}
            for scope in self.scopes:
                if scope.kind == "class" and type(scope.node) is cst.ClassDef and scope.parent is not None:
                    bases[scope] = self.local_bases(scope.node, scope.parent)
            for scope in bases:
                related, pending = [scope], [scope]
                while pending:  # ancestors
                    for base in bases.get(pending.pop(), []):
                        if base not in related:
                            related.append(base)
                            pending.append(base)
                pending = [scope]
                while pending:  # descendants
                    current = pending.pop()
                    for other, its_bases in bases.items():
                        if current in its_bases and other not in related:
                            related.append(other)
                            pending.append(other)
                self._families[scope] = related
        return self._families.get(klass, [klass])

    @abc.abstractmethod
    def local_bases(self, node: cst.ClassDef, outer: Scope) -> list[Scope]:
        """The classes of this module that the class `node` (written in `outer`) names as bases.
        What a base expression refers to is a question of values: `ValueResolver` answers it."""
