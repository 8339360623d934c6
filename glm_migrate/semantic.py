"""What a module's names refer to, from one light pass over its tree.

LibCST's scope and qualified-name providers answer this exactly but cost several parses per file.
glm-migrate needs less: which names are SDK modules, client classes and client instances, which
values a name or attribute was assigned, and which calls are API calls. One visitor collects the
bindings of every scope; resolution then follows them on demand, flow-insensitively (every binding
of a name counts), which errs towards "ambiguous" rather than towards a wrong rewrite.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.cst import walk
from glm_migrate.defaults import argparse_default, declared_default, option_default
from glm_migrate.nodes import code_of as code_of
from glm_migrate.nodes import dotted_name as dotted_name
from glm_migrate.nodes import env_lookup as env_lookup
from glm_migrate.nodes import evaluated as evaluated
from glm_migrate.nodes import find_kwarg as find_kwarg
from glm_migrate.nodes import string_value as string_value
from glm_migrate.project import ClientFact, ModuleFacts
from glm_migrate.splats import KeySource, SplatMapping, resolve_splat
from glm_migrate.tables import Tables

#: Resource attributes the v1 module-level client (`openai.chat...`) exposes.
MODULE_CLIENT_RESOURCES = frozenset(
    {
        "chat", "completions", "embeddings", "images", "audio", "moderations", "responses", "files",
        "models", "batches", "beta", "fine_tuning", "vector_stores", "uploads", "realtime",
        "conversations", "evals", "containers", "videos", "webhooks",
    }
)  # fmt: skip
#: openai<1.0 resources (`openai.ChatCompletion.create`); openai>=1 raises on any use of them.
LEGACY_RESOURCES = frozenset(
    {"ChatCompletion", "Completion", "Embedding", "Image", "Audio", "Edit", "Moderation", "FineTune", "File", "Model"}
)
#: Module-client settings that only openai<1.0 reads.
LEGACY_SETTINGS = frozenset({"api_base", "api_type", "api_version"})
#: Path segments that wrap a resource method without changing the request.
TRANSPARENT_SEGMENTS = frozenset({"with_raw_response", "with_streaming_response", "beta"})
#: Methods that return a copy of the client with some options changed.
CLIENT_COPY_METHODS = frozenset({"with_options", "copy"})
#: Calls whose result is their receiver's string, as far as model ids are concerned.
STRING_PASSTHROUGH_METHODS = frozenset({"lower", "strip", "casefold"})
_MAX_DEPTH = 12


class Target(enum.Enum):
    """Which server a client talks to."""

    OPENAI = "openai"  #: api.openai.com (explicitly or by default)
    ZAI = "zai"  #: already Z.AI / BigModel
    OTHER = "other"  #: a self-hosted server or another provider: never touched
    UNKNOWN = "unknown"  #: decided at run time (a variable base_url)


@dataclass(eq=False)
class Scope:
    kind: str  #: "module", "class", "function"
    parent: Scope | None
    node: cst.CSTNode
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    #: a function's `return` values (a lambda's body)
    returns: list[cst.BaseExpression] = field(default_factory=list)

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
    target: cst.CSTNode | None = None  #: the node that binds (Name, Attribute, Param)
    #: the function or class a `def`/`class` statement binds
    defines: Scope | None = None
    #: the declared type of a parameter or annotated name (`client: OpenAI | None`)
    annotation: cst.BaseExpression | None = None


@dataclass(eq=False)
class Client:
    """A client instance: one constructor call, or the `openai` module-level client."""

    sdk: str  #: "openai", "azure", "zai", "zhipuai"
    is_async: bool
    construction: cst.Call | None  #: None for the module-level client
    scope: Scope
    target: Target
    base_url: cst.BaseExpression | None  #: the base_url argument (or module assignment) if any
    #: every class the constructor may be (`cls = AzureOpenAI if a else OpenAI; cls()`)
    classes: tuple[str, ...] = ()
    #: the constructor's `**` arguments, each resolved or None when its keys cannot be seen
    splats: tuple[SplatMapping | None, ...] = ()
    #: the resources of OpenAI account data (files, fine-tuning) it alone serves here; then it
    #: stays with OpenAI (target OTHER)
    account_only: tuple[str, ...] = ()
    #: for a client of another module: what the project index knows of it
    imported: ClientFact | None = None
    #: how the module gets it: "constructor", "module" (the `openai` module-level client),
    #: "annotation" (a parameter or attribute declared as a client: the caller's), "derived"
    #: (`client.with_options(base_url=...)`, `construction` is that call), "imported"
    origin: str = "constructor"

    @property
    def constructed(self) -> bool:
        """Built by a constructor call in this module: the client rules may edit it."""
        return self.origin == "constructor" and self.construction is not None

    def kwarg(self, name: str) -> cst.Arg | None:
        return find_kwarg(self.construction, name) if self.construction else None

    @property
    def splats_known(self) -> bool:
        """Every key the constructor gets is visible: no `**` argument hides one."""
        return all(splat is not None for splat in self.splats)

    def option_sources(self, name: str) -> list[KeySource]:
        """Where visible `**` mappings set option `name` (the explicit keyword is `kwarg`)."""
        return [source for splat in self.splats if splat is not None for source in splat.sources(name)]

    def option_values(self, name: str) -> list[cst.BaseExpression]:
        """Every value option `name` may have where it is set: the keyword or mapping entries."""
        arg = self.kwarg(name)
        return [arg.value] if arg is not None else [source.value for source in self.option_sources(name)]


@dataclass(eq=False)
class ApiCall:
    """A call of an SDK resource method, such as `client.chat.completions.create(...)`."""

    node: cst.Call
    path: tuple[str, ...]  #: normalised resource path, ("chat", "completions", "create")
    clients: tuple[Client, ...]  #: possible receivers; empty when inferred from the call's shape
    scope: Scope

    @functools.cached_property
    def sdk(self) -> str | None:
        """The SDK all receivers share, or None when unknown or mixed."""
        sdks = {c.sdk for c in self.clients}
        return sdks.pop() if len(sdks) == 1 else None

    @functools.cached_property
    def target(self) -> Target:
        targets = {c.target for c in self.clients}
        if not targets:
            return Target.UNKNOWN
        for decisive in (Target.OTHER, Target.UNKNOWN, Target.OPENAI):
            if decisive in targets:
                return decisive
        return Target.ZAI

    @property
    def inferred(self) -> bool:
        return not self.clients

    @functools.cached_property
    def migratable(self) -> bool:
        """Requests go (or, after the migration, will or may go) to Z.AI, so GLM's rules apply:
        for some receiver at least, or for one whose server is chosen at run time (see `mixed`)."""
        return self.inferred or any(c.target is not Target.OTHER for c in self.clients)

    @functools.cached_property
    def mixed(self) -> bool:
        """Some receivers may stay where they are (`OpenAI() if cloud else OpenAI(base_url=LOCAL)`,
        a base_url from settings): GLM's rules are checked, but their fixes would change those
        requests too, so the engine makes them manual."""
        return self.migratable and any(c.target in (Target.OTHER, Target.UNKNOWN) for c in self.clients)

    @property
    def endpoint(self) -> str | None:
        return ENDPOINT_BY_PATH.get(self.path)

    def kwarg(self, name: str) -> cst.Arg | None:
        return find_kwarg(self.node, name)


#: modules whose types say nothing of a client (`typing.Any`, a `Protocol`)
_NO_TYPE_MODULES = frozenset({"typing", "typing_extensions", "collections", "builtins"})

ENDPOINT_BY_PATH: dict[tuple[str, ...], str] = {
    ("chat", "completions", "create"): "chat",
    ("chat", "completions", "parse"): "chat",
    ("chat", "completions", "stream"): "chat",
    ("embeddings", "create"): "embeddings",
    ("images", "generate"): "images",
    ("images", "generations"): "images",
    ("audio", "transcriptions", "create"): "audio_transcriptions",
}


@dataclass(eq=False)
class ModuleAttributeAssignment:
    """`openai.api_key = ...` and friends: configuration of the module-level client."""

    statement: cst.SimpleStatementLine
    assign: cst.Assign
    attribute: str  #: "api_key", "base_url", ...
    value: cst.BaseExpression


# -- Values an expression can have, as far as the migration cares ---------------------------------


@dataclass(frozen=True, eq=False)
class _ModuleValue:
    name: str  #: qualified module name, "openai"


@dataclass(frozen=True, eq=False)
class _ClassValue:
    name: str  #: qualified class name, "openai.OpenAI"


@dataclass(frozen=True, eq=False)
class _ResourceValue:
    client: Client
    path: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class _FunctionValue:
    scope: Scope  #: a function of this module: calling it gives what it returns


@dataclass(frozen=True, eq=False)
class _LocalClassValue:
    scope: Scope  #: a class of this module: calling it gives an instance


@dataclass(frozen=True, eq=False)
class _InstanceValue:
    scope: Scope  #: an instance of a class of this module: its attributes are the class's


@dataclass(frozen=True, eq=False)
class _ImportedFactory:
    name: str  #: as imported
    returns: ClientFact  #: a function of another module of the project that returns a client


_Value = (
    _ModuleValue
    | _ClassValue
    | Client
    | _ResourceValue
    | _FunctionValue
    | _LocalClassValue
    | _InstanceValue
    | _ImportedFactory
)
#: decorators that make a method's return value what reading the attribute gives
_PROPERTIES = frozenset({"property", "cached_property", "functools.cached_property"})


_LiteralT = TypeVar("_LiteralT", bound=cst.BaseExpression)


class SemanticModel:
    """The bindings, clients and API calls of one module. Build it with `SemanticModel.build`."""

    def __init__(self, module: cst.Module, tables: Tables) -> None:
        self.module = module
        self.tables = tables
        self.source = ""
        self.facts = ModuleFacts()
        #: clients of other modules, by the name imported
        self._imported: dict[str, Client] = {}
        #: class -> its family (see `_family`), worked out once
        self._families: dict[Scope, list[Scope]] | None = None
        #: name -> every Name node spelling it (see `uses_of`)
        self.names: dict[str, list[cst.Name]] = {}
        #: function of this module (a class's `__init__` for its calls) -> the calls of it
        self.call_sites: dict[Scope, list[tuple[cst.Call, Scope]]] = {}
        self.module_scope = Scope("module", None, module)
        #: (class scope or None, "self.client") -> bindings of that attribute
        self.attribute_bindings: dict[tuple[Scope | None, str], list[Binding]] = {}
        self.calls: list[tuple[cst.Call, Scope]] = []
        #: `os.environ[...]` reads (calls such as `os.getenv(...)` are in `calls`)
        self.environ_subscripts: list[cst.Subscript] = []
        self.attribute_assignments: list[tuple[cst.SimpleStatementLine, cst.Assign, Scope]] = []
        self.string_literals: list[tuple[cst.SimpleString, Scope]] = []
        self.imported_sdks: set[str] = set()
        #: modules imported with `from x import *` (their names stay unresolved)
        self.star_imports: list[str] = []
        self._module_client: Client | None = None
        self._values: dict[tuple[int, int], list[_Value]] = {}
        self._model_literals: dict[ApiCall, tuple[list[cst.SimpleString], bool]] = {}
        #: names passed to tokenizer lookups (tiktoken.encoding_for_model(NAME))
        self.tokenizer_names: set[str] = set()
        #: module-level `import openai` statements, where module-client settings can go
        self.openai_import_lines: list[cst.SimpleStatementLine] = []
        #: literal -> the name it is assigned to (MODEL = "gpt-4o")
        self.assigned_names: dict[cst.SimpleString, str] = {}
        self.clients: list[Client] = []
        self.api_calls: list[ApiCall] = []
        self.module_attributes: list[ModuleAttributeAssignment] = []
        #: calls of openai<1.0 resources, with the resource path ("ChatCompletion", "create")
        self.legacy_calls: list[tuple[cst.Call, tuple[str, ...], Scope]] = []
        #: node -> its parent, for every node the walk visits (not whitespace or punctuation)
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.scopes: list[Scope] = [self.module_scope]

    def release(self) -> None:
        """Break the references between scopes and their bindings and let go of everything the
        model holds: reference counting then frees the tree at once. The model is empty after."""
        for scope in self.scopes:
            scope.bindings.clear()
        self.__dict__.clear()

    @property
    def module_client_used(self) -> bool:
        """The `openai` module-level client is configured or called in this module."""
        return self._module_client is not None or any(
            a.attribute not in LEGACY_SETTINGS for a in self.module_attributes
        )

    @property
    def uses_legacy_api(self) -> bool:
        """openai<1.0 code: its module settings and calls migrate differently (see GLM3xx)."""
        return bool(self.legacy_calls) or any(a.attribute in LEGACY_SETTINGS for a in self.module_attributes)

    @classmethod
    def build(
        cls, module: cst.Module, tables: Tables, source: str | None = None, facts: ModuleFacts | None = None
    ) -> SemanticModel:
        """`facts`: what the rest of the project says about this module's imports and names."""
        model = cls(module, tables)
        model.facts = facts or ModuleFacts()
        #: the module's text; generating it again from the tree costs a full pass
        model.source = module.code if source is None else source
        walk(module, _Collector(model), model.parents)
        model._classify()
        return model

    # -- name resolution -----------------------------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> list[Binding]:
        """Bindings of `name` visible from `scope` (Python's LEGB rule, class scopes skipped)."""
        owner = self.owner(name, scope)
        return owner.bindings[name] if owner is not None else []

    def uses_of(self, name: str, scope: Scope) -> list[cst.Name]:
        """The names spelled `name` inside `scope`'s code, nested scopes included."""
        found = [use for use in self.names.get(name, []) if self._reads_a_name(use)]
        return found if scope.kind == "module" else [use for use in found if self._inside(use, scope.node)]

    def _reads_a_name(self, node: cst.Name) -> bool:
        """Not an attribute's or a keyword argument's own name (`x.model`, `f(model=...)`)."""
        parent = self.parents.get(node)
        if type(parent) is cst.Attribute:
            return parent.attr is not node
        return not (type(parent) is cst.Arg and parent.keyword is node)

    def _inside(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
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

    def attribute_lookup(self, dotted: str, scope: Scope) -> list[Binding]:
        """Bindings of `self.x` (per class, including class-level `x = ...`) or `a.b` (module-wide)."""
        base, _, attr = dotted.partition(".")
        if base in ("self", "cls") and "." not in attr:
            klass = scope.enclosing_class()
            if klass is None:
                return list(self.attribute_bindings.get((None, dotted), []))
            return self.class_attribute(klass, attr)
        return self.attribute_bindings.get((None, dotted), [])

    def _family(self, klass: Scope) -> list[Scope]:
        """The class, the classes of this module it derives from and those deriving from it:
        `self.x` in a method may be set by any of them (flow-insensitively, all count)."""
        if self._families is None:
            self._families = {}
            bases: dict[Scope, list[Scope]] = {}
            for scope in self.scopes:
                if scope.kind == "class" and type(scope.node) is cst.ClassDef and scope.parent is not None:
                    values = [v for arg in scope.node.bases for v in self.values_of(arg.value, scope.parent)]
                    bases[scope] = [v.scope for v in values if isinstance(v, _LocalClassValue)]
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

    def values_of(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> list[_Value]:
        key = (id(expr), id(scope))
        if key not in self._values:
            self._values[key] = []  # cuts cycles such as `client = client.with_options(...)`
            if depth <= _MAX_DEPTH:
                self._values[key] = self._compute_values(expr, scope, depth)
        return self._values[key]

    def _binding_values(self, bindings: Sequence[Binding], depth: int, *, attribute: bool = False) -> list[_Value]:
        """What the bindings may hold; `attribute`: read as `obj.name`, where a property's
        method gives its return value."""
        values: list[_Value] = []
        for binding in bindings:
            if binding.qualified is not None:
                values.append(self._value_for_qualified(binding.qualified))
            elif binding.defines is not None:
                values.extend(self._definition_values(binding.defines, depth, attribute=attribute))
            elif binding.value is not None and not isinstance(binding.target, cst.Param):
                values.extend(self.values_of(binding.value, binding.scope, depth + 1))
            elif binding.annotation is not None:
                values.extend(self._annotated(binding.annotation, binding.scope, depth + 1))
        return values

    def name_clients(self, name: str) -> list[Client]:
        """The clients a module-level name may hold."""
        values = self._binding_values(self.module_scope.bindings.get(name, []), 0)
        return [value for value in values if isinstance(value, Client)]

    def returned_clients(self, bindings: Sequence[Binding]) -> list[Client]:
        """The clients the functions these bindings define may return."""
        values = [v for b in bindings if b.defines is not None for v in self._returned(b.defines, 0)]
        return [value for value in values if isinstance(value, Client)]

    def _definition_values(self, defined: Scope, depth: int, *, attribute: bool) -> list[_Value]:
        if defined.kind == "class":
            return [_LocalClassValue(defined)]
        node = defined.node
        if attribute and type(node) is cst.FunctionDef:
            names = {dotted_name(d.decorator) for d in node.decorators}
            if names & _PROPERTIES:
                return self._returned(defined, depth)
        return [_FunctionValue(defined)]

    def _returned(self, function: Scope, depth: int) -> list[_Value]:
        return [value for ret in function.returns for value in self.values_of(ret, function, depth + 1)]

    def _annotated(
        self, annotation: cst.BaseExpression, scope: Scope, depth: int, *, classes: bool = False
    ) -> list[_Value]:
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
        values: list[_Value] = []
        for value in self.values_of(annotation, scope, depth + 1):
            if classes and isinstance(value, _ClassValue | _LocalClassValue):
                values.append(value)
            elif isinstance(value, _ClassValue):
                values.append(self._declared_client(annotation, value.name, scope))
            elif isinstance(value, _LocalClassValue):
                values.append(_InstanceValue(value.scope))
        return values

    def _declared_client(self, annotation: cst.BaseExpression, class_name: str, scope: Scope) -> Client:
        """The client a parameter or attribute is declared to hold: whoever passes it built it,
        most likely as a client this migration points at Z.AI, so its calls are OpenAI calls."""
        for client in self.clients:
            if client.origin == "annotation" and client.base_url is annotation:
                return client
        sdk, is_async = self.tables.clients[class_name]
        target = Target.OPENAI if sdk in ("openai", "azure") else Target.ZAI
        client = Client(sdk, is_async, None, scope, target, annotation, (class_name,), origin="annotation")
        self.clients.append(client)
        return client

    def _value_for_qualified(self, qualified: str) -> _Value:
        if qualified in self.tables.clients:
            return _ClassValue(qualified)
        fact = self.facts.clients.get(qualified)
        if fact is not None:
            return self._imported_client(qualified, fact)
        fact = self.facts.factories.get(qualified)
        if fact is not None:
            return _ImportedFactory(qualified, fact)
        return _ModuleValue(qualified)

    def _imported_client(self, qualified: str, fact: ClientFact) -> Client:
        """A client another module of the project holds (the project index says which)."""
        if qualified not in self._imported:
            client = Client(
                fact.sdk, fact.is_async, None, self.module_scope, Target(fact.target), None, origin="imported"
            )
            client.imported = fact
            self._imported[qualified] = client
            self.clients.append(client)
        return self._imported[qualified]

    def _compute_values(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> list[_Value]:
        if type(expr) is cst.Name:
            return self._binding_values(self.lookup(expr.value, scope), depth)
        if type(expr) is cst.Attribute:
            dotted = dotted_name(expr)
            if dotted is not None:
                bindings = self.attribute_lookup(dotted, scope)
                if bindings:
                    return self._binding_values(bindings, depth, attribute=True)
            values: list[_Value] = []
            for base in self.values_of(expr.value, scope, depth + 1):
                values.extend(self._member(base, expr.attr.value, depth))
            return values
        if type(expr) is cst.Call:
            funcs = self.values_of(expr.func, scope, depth + 1)
            classes = [func.name for func in funcs if isinstance(func, _ClassValue)]
            values = [self._client_for(expr, classes, scope)] if classes else []
            for func in funcs:
                if isinstance(func, _ResourceValue) and func.path[-1:] and func.path[-1] in CLIENT_COPY_METHODS:
                    values.append(self._copy_of(func.client, expr, scope))
                elif isinstance(func, _FunctionValue):
                    values.extend(self._returned(func.scope, depth))
                elif isinstance(func, _LocalClassValue):
                    values.append(_InstanceValue(func.scope))
                elif isinstance(func, _ImportedFactory):
                    values.append(self._imported_client(f"{func.name}()", func.returns))
            return values
        if type(expr) is cst.Await:
            return self.values_of(expr.expression, scope, depth + 1)
        if type(expr) is cst.IfExp:
            return self.values_of(expr.body, scope, depth + 1) + self.values_of(expr.orelse, scope, depth + 1)
        if type(expr) is cst.BooleanOperation:
            return self.values_of(expr.left, scope, depth + 1) + self.values_of(expr.right, scope, depth + 1)
        return []

    def _member(self, base: _Value, attr: str, depth: int) -> list[_Value]:
        if isinstance(base, _ModuleValue):
            if base.name == "openai" and attr in MODULE_CLIENT_RESOURCES:
                return [_ResourceValue(self.module_client, (attr,))]
            return [self._value_for_qualified(f"{base.name}.{attr}")]
        if isinstance(base, Client):
            return [_ResourceValue(base, (attr,))]
        if isinstance(base, _ResourceValue):
            return [_ResourceValue(base.client, (*base.path, attr))]
        if isinstance(base, _InstanceValue | _LocalClassValue):
            return self._binding_values(self.class_attribute(base.scope, attr), depth + 1, attribute=True)
        return []

    def class_attribute(self, klass: Scope, attr: str) -> list[Binding]:
        """Bindings of `attr` on instances of a class of this module: class-level names (fields,
        methods) and `self.attr = ...` in methods, of the class and of its family (`_family`)."""
        found: list[Binding] = []
        for member in self._family(klass):
            found += member.bindings.get(attr, [])
            found += self.attribute_bindings.get((member, f"self.{attr}"), [])
            found += self.attribute_bindings.get((member, f"cls.{attr}"), [])
        return found

    def _copy_of(self, client: Client, call: cst.Call, scope: Scope) -> Client:
        """`client.with_options(...)`: the same client, or with `base_url=` one of its own."""
        base_arg = find_kwarg(call, "base_url")
        if base_arg is None:
            return client
        for derived in self.clients:
            if derived.construction is call:
                return derived
        target = self.classify_base_url(base_arg.value, default=client.target, scope=scope)
        derived = Client(
            client.sdk, client.is_async, call, scope, target, base_arg.value, client.classes, origin="derived"
        )
        self.clients.append(derived)
        return derived

    # -- clients -------------------------------------------------------------------------------

    @property
    def module_client(self) -> Client:
        if self._module_client is None:
            base_url = None
            for assignment in self.module_attributes:
                if assignment.attribute == "base_url":
                    base_url = assignment.value
            self._module_client = Client(
                sdk="openai",
                is_async=False,
                construction=None,
                scope=self.module_scope,
                target=self.classify_base_url(base_url, default=self.openai_default, scope=self.module_scope),
                base_url=base_url,
                origin="module",
            )
        return self._module_client

    def _client_for(self, call: cst.Call, class_names: Sequence[str], scope: Scope) -> Client:
        for client in self.clients:
            if client.construction is call:
                return client
        classes = tuple(dict.fromkeys(class_names))
        sdk, is_async = self.tables.clients[classes[0]]
        splats = tuple(resolve_splat(self, arg.value, scope) for arg in call.args if arg.star == "**")
        for splat in splats:
            if splat is not None and splat.name is None:
                splat.splatted_into.append(call)  # a literal written in the call
        base_arg = find_kwarg(call, "base_url")
        if sdk == "azure":
            # Token-authenticated Azure clients cannot move to Z.AI (GLM008 reports them).
            tokens = any(find_kwarg(call, name) for name in self.tables.azure_token_options) or any(
                splat is not None and any(splat.sources(name) for name in self.tables.azure_token_options)
                for splat in splats
            )
            target = Target.OTHER if tokens else Target.OPENAI
        else:
            default = self.openai_default if sdk == "openai" else Target.ZAI
            target = self._constructor_target(base_arg, splats, default, scope)
        if len({self.tables.clients[name][0] for name in classes}) > 1:
            target = Target.UNKNOWN  # the SDK itself is chosen at run time
        client = Client(sdk, is_async, call, scope, target, base_arg.value if base_arg else None, classes, splats)
        self.clients.append(client)
        return client

    def _constructor_target(
        self, base_arg: cst.Arg | None, splats: tuple[SplatMapping | None, ...], default: Target, scope: Scope
    ) -> Target:
        """Where a constructor's `base_url=` keyword, or the entries of its `**` mappings, point."""
        if base_arg is not None:
            return self.classify_base_url(base_arg.value, default=default, scope=scope)
        known = [splat for splat in splats if splat is not None]
        sources = [source for splat in known for source in splat.sources("base_url")]
        if not sources:
            return default
        targets = {self.classify_base_url(source.value, default=default, scope=scope) for source in sources}
        if not any(splat.always_has("base_url") for splat in known):
            targets.add(default)  # set on some paths only: the SDK's default on the others
        return targets.pop() if len(targets) == 1 else Target.UNKNOWN

    def classify_base_url(
        self, expr: cst.BaseExpression | None, *, default: Target, scope: Scope | None = None
    ) -> Target:
        """Where a `base_url` expression points: a URL literal, an env lookup, names bound to
        those (followed from `scope`), or unknown. `default` is where no URL (None) points."""
        targets, complete = self._base_url_targets(expr, default, scope, 0)
        if complete and len(targets) == 1:
            return targets.pop()
        if not complete and targets == {Target.OTHER}:
            # A local or another provider's server by default (`def make(url="http://localhost...")`):
            # what else callers pass is theirs to say, not OpenAI by guess.
            return Target.OTHER
        return Target.UNKNOWN

    def _base_url_targets(
        self, expr: cst.BaseExpression | None, default: Target, scope: Scope | None, depth: int
    ) -> tuple[set[Target], bool]:
        if expr is None or (type(expr) is cst.Name and expr.value == "None"):
            return {default}, True
        url = string_value(expr)
        if url is not None:
            return {self._url_target(url)}, True
        env = env_lookup(expr)
        if env is not None:
            name, fallback = env
            if name in self.tables.openai_base_url_envs:
                if fallback is None:
                    return {Target.OPENAI}, True
                # OpenAI's variable, unless unset: then the default's server (LM Studio's
                # `http://localhost:1234/v1` makes the client a run-time choice)
                found, whole = self._base_url_targets(fallback, default, scope, depth + 1)
                return {Target.OPENAI, *found}, whole
            if name == self.tables.base_url_env:
                return {Target.ZAI}, True
            if fallback is not None:
                return self._base_url_targets(fallback, default, scope, depth + 1)
            return set(), False
        parts: tuple[cst.BaseExpression, ...] = ()
        if type(expr) is cst.IfExp:
            parts = (expr.body, expr.orelse)
        elif type(expr) is cst.BooleanOperation:
            parts = (expr.left, expr.right)
        elif scope is not None and depth <= _MAX_DEPTH and type(expr) in (cst.Name, cst.Attribute):
            dotted = dotted_name(expr)
            if dotted is None:
                return set(), False
            bindings = self.lookup(dotted, scope) if type(expr) is cst.Name else self.attribute_lookup(dotted, scope)
            targets: set[Target] = set()
            complete = bool(bindings)
            for binding in bindings:
                if binding.value is None:
                    complete = False
                    continue
                found, whole = self._base_url_targets(binding.value, default, binding.scope, depth + 1)
                targets |= found
                # a parameter's default is one value among those callers may pass
                complete = complete and whole and type(binding.target) is not cst.Param
            return targets, complete
        if not parts:
            return set(), False
        results = [self._base_url_targets(part, default, scope, depth + 1) for part in parts]
        return set().union(*(r[0] for r in results)), all(r[1] for r in results)

    def _url_target(self, url: str) -> Target:
        host = urlparse(url).hostname or ""
        if host in self.tables.openai_hosts or is_placeholder_url(url):
            # `openai.base_url = "https://..."` in a template is meant to be filled in: here, with Z.AI.
            return Target.OPENAI
        if host in self.tables.zai_hosts:
            return Target.ZAI
        return Target.OTHER

    # -- classification after the pass ---------------------------------------------------------

    @functools.cached_property
    def openai_default(self) -> Target:
        """Where an OpenAI client without `base_url` points: OpenAI, unless this module sets
        `OPENAI_BASE_URL` (`os.environ[...] = ...`, `setdefault`, `putenv`) to another server."""
        names = self.tables.openai_base_url_envs
        values: list[cst.BaseExpression] = []
        for subscript in self.environ_subscripts:
            holder = self.parents.get(subscript)
            assign = self.parents.get(holder) if type(holder) is cst.AssignTarget else None
            env = env_lookup(subscript)
            if type(assign) is cst.Assign and env is not None and env[0] in names:
                values.append(assign.value)
        for call, _ in self.calls:
            func = dotted_name(call.func)
            if func in ("os.environ.setdefault", "os.putenv", "environ.setdefault", "putenv") and len(call.args) == 2:
                if string_value(call.args[0].value) in names:
                    values.append(call.args[1].value)
        if not values:
            return Target.OPENAI
        targets = {self.classify_base_url(value, default=Target.OPENAI, scope=self.module_scope) for value in values}
        return targets.pop() if len(targets) == 1 else Target.UNKNOWN

    def _classify(self) -> None:
        for statement, assign, scope in self.attribute_assignments:
            target = assign.targets[0].target
            if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
                bases = self._binding_values(self.lookup(target.value.value, scope), 0)
                if any(isinstance(v, _ModuleValue) and v.name == "openai" for v in bases):
                    self.module_attributes.append(
                        ModuleAttributeAssignment(statement, assign, target.attr.value, assign.value)
                    )
        for call, scope in self.calls:
            func_values = self.values_of(call.func, scope)
            classes = [value.name for value in func_values if isinstance(value, _ClassValue)]
            if classes:
                self._client_for(call, classes, scope)
            for value in func_values:
                if isinstance(value, _FunctionValue | _LocalClassValue):
                    callee = value.scope if isinstance(value, _FunctionValue) else self._initializer(value.scope)
                    if callee is not None:
                        self.call_sites.setdefault(callee, []).append((call, scope))
            api = self._api_call(call, scope, func_values)
            if api is not None:
                self.api_calls.append(api)
            for value in func_values:
                if isinstance(value, _ModuleValue) and value.name.split(".")[1:2] and value.name.startswith("openai."):
                    path = tuple(value.name.split(".")[1:])
                    if path[0] in LEGACY_RESOURCES:
                        self.legacy_calls.append((call, path, scope))
        self._keep_account_clients()

    def _keep_account_clients(self) -> None:
        """OpenAI clients used for nothing but the account's own data (files, fine-tuning) stay
        with OpenAI: Z.AI has none of that data."""
        uses: dict[Client, list[ApiCall]] = {}
        for api in self.api_calls:
            for client in api.clients:
                uses.setdefault(client, []).append(api)
        for client, calls in uses.items():
            resources = tuple(dict.fromkeys(call.path[0] for call in calls))
            if client.sdk == "openai" and client.target is Target.OPENAI:
                if all(resource in self.tables.account_resources for resource in resources):
                    client.target, client.account_only = Target.OTHER, resources

    def _api_call(self, call: cst.Call, scope: Scope, func_values: list[_Value]) -> ApiCall | None:
        resources = [v for v in func_values if isinstance(v, _ResourceValue)]
        if resources:
            path = normalise_path(resources[0].path)
            if path[-1] in CLIENT_COPY_METHODS:
                for resource in resources:
                    self._copy_of(resource.client, call, scope)  # `with_options(base_url=...)`: a client of its own
                return None
            clients = tuple(dict.fromkeys(r.client for r in resources))
            return ApiCall(call, path, clients, scope)
        # A receiver we cannot trace (a parameter, an attribute set elsewhere) still makes an API
        # call when the method chain is an SDK resource path and the module imports an SDK, or
        # star-imports a module (which glm-migrate does not follow) that may hand it a client.
        dotted = dotted_name(call.func)
        if dotted is None or not (self.imported_sdks or self.star_imports) or func_values:
            return None
        parts = tuple(dotted.split("."))
        for length in (4, 3, 2):
            path = normalise_path(parts[-length:])
            shaped = path in ENDPOINT_BY_PATH or (self.star_imports and self.tables.unavailable_advice(path))
            if len(parts) > length and shaped:
                declared = self._declared_other(parts[0], scope)
                return ApiCall(call, path, (declared,) if declared is not None else (), scope)
        return None

    def _declared_other(self, name: str, scope: Scope) -> Client | None:
        """For a receiver that is a parameter declared as a class of another library (`client:
        Instructor`, a wrapper that may hold any provider's client): a client whose server the
        caller chooses, so the call's fixes wait for a person (see `ApiCall.mixed`)."""
        bindings = self.lookup(name, scope)
        if not bindings or not all(type(b.target) is cst.Param and b.annotation is not None for b in bindings):
            return None
        annotations = [b.annotation for b in bindings if b.annotation is not None]
        values = [v for annotation in annotations for v in self.values_of(annotation, scope)]
        if not values or not all(
            isinstance(v, _ModuleValue) and v.name.split(".")[0] not in self.imported_sdks | _NO_TYPE_MODULES
            for v in values
        ):
            return None
        existing = [c for c in self.clients if c.origin == "annotation" and c.base_url is annotations[0]]
        if existing:
            return existing[0]
        sdks = sorted(self.imported_sdks)
        sdk = "openai" if "openai" in sdks or not sdks else sdks[0]
        client = Client(sdk, False, None, scope, Target.UNKNOWN, annotations[0], origin="annotation")
        self.clients.append(client)
        return client

    @functools.cached_property
    def framework_calls(self) -> list[tuple[cst.Call, Scope, str]]:
        """Calls of LangChain, LiteLLM and LlamaIndex names, with their `[frameworks]` kind, in
        source order: worked out once for the rules of every framework."""
        found = []
        for call, scope in self.calls:
            kind = self.tables.framework_of(self.qualified_names(call.func, scope))
            if kind is not None:
                found.append((call, scope, kind))
        return found

    def qualified_names(self, expr: cst.BaseExpression, scope: Scope) -> set[str]:
        """The dotted names of the modules and classes `expr` may refer to, through the module's
        imports ("openai.error.RateLimitError" for `oa.error.RateLimitError` after
        `import openai as oa`)."""
        return {v.name for v in self.values_of(expr, scope) if isinstance(v, _ModuleValue | _ClassValue)}

    def sdk_of(self, call: ApiCall) -> str | None:
        """The SDK that sends `call`: its receivers' one, or for a receiver glm-migrate cannot
        trace, the only SDK the module imports; None when unknown or mixed."""
        if call.sdk is not None:
            return call.sdk
        if call.inferred and len(self.imported_sdks) == 1:
            (top,) = self.imported_sdks
            sdks = {sdk for name, (sdk, _) in self.tables.clients.items() if name.split(".")[0] == top}
            return "openai" if "openai" in sdks else (sdks.pop() if len(sdks) == 1 else None)
        return None

    def dict_literals(self, expr: cst.BaseExpression, scope: Scope) -> list[cst.Dict] | None:
        """The dict literals `expr` may be (itself, or every binding of a name), or None when
        some value is not a visible dict literal."""
        values = self._possible_values(expr, scope)
        dicts = [value for value in values if isinstance(value, cst.Dict)]
        return dicts if values and len(dicts) == len(values) else None

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
        if isinstance(expr, cst.Name):
            return [binding.value for binding in self.lookup(expr.value, scope)]
        return [expr]

    def model_literals(self, call: ApiCall) -> tuple[list[cst.SimpleString], bool]:
        """The literals the call's model may be, and whether all were found (memoised)."""
        if call not in self._model_literals:
            values = self.model_arguments(call)
            self._model_literals[call] = self._resolve_all(values, call.scope, -1, complete=bool(values))
        return self._model_literals[call]

    def resolve_strings(
        self, expr: cst.BaseExpression, scope: Scope, depth: int = 0
    ) -> tuple[list[cst.SimpleString], bool]:
        """The string literals `expr` may evaluate to, and whether every path was followed.

        Follows names and attributes to their assignments and parameter defaults, both arms of
        `a if c else b` and `a or b`, `os.getenv(NAME, default)` defaults and `.lower()`-like calls.
        """
        if depth > _MAX_DEPTH:
            return [], False
        if isinstance(expr, cst.SimpleString):
            return [expr], True
        bindings: list[Binding] = []
        if isinstance(expr, cst.Name):
            bindings = self.lookup(expr.value, scope)
        elif isinstance(expr, cst.Attribute):
            dotted = dotted_name(expr)
            bindings = self.attribute_lookup(dotted, scope) if dotted else []
            if not bindings:
                declared = argparse_default(self, expr, scope)
                if declared is not None:
                    return self._resolve_all(declared, scope, depth, complete=False)
                bindings = [
                    binding
                    for base in self.values_of(expr.value, scope)
                    if isinstance(base, _InstanceValue | _LocalClassValue)
                    for binding in self.class_attribute(base.scope, expr.attr.value)
                ]
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
            default = declared_default(expr)
            if default is not None:
                return self.resolve_strings(default, scope, depth + 1)
            returned = [
                (ret, function.scope)
                for function in self.values_of(func, scope)
                if isinstance(function, _FunctionValue)
                for ret in function.scope.returns
            ]
            if returned:
                results = [self.resolve_strings(ret, where, depth + 1) for ret, where in returned]
                return [s for r in results for s in r[0]], all(r[1] for r in results)
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
                    for argument, where in self.arguments_for(binding.target, function):
                        found, _ = self.resolve_strings(argument, where, depth + 1)
                        literals.extend(found)
            if value is None:
                complete = False
                continue
            found, whole = self.resolve_strings(value, binding.scope, depth + 1)
            literals.extend(found)
            complete = complete and whole
        return literals, complete

    def _initializer(self, klass: Scope) -> Scope | None:
        """The `__init__` a call of a class of this module runs (its own or a base's)."""
        for member in self._family(klass):
            for binding in member.bindings.get("__init__", []):
                if binding.defines is not None:
                    return binding.defines
        return None

    def arguments_for(self, param: cst.Param, function: Scope) -> list[tuple[cst.BaseExpression, Scope]]:
        """The arguments this module's calls of `function` pass for `param`, each with the
        scope of the call (calls with `*`/`**` splats are left out: which argument is which is
        not visible)."""
        node = function.node
        if type(node) is not cst.FunctionDef:
            return []
        positional = [*node.params.posonly_params, *node.params.params]
        index = positional.index(param) if param in positional else None
        if index is not None and function.parent is not None and function.parent.kind == "class":
            index -= 1  # a method: `self` is the receiver, not an argument
        found: list[tuple[cst.BaseExpression, Scope]] = []
        for call, scope in self.call_sites.get(function, []):
            if any(arg.star for arg in call.args):
                continue
            keyword = find_kwarg(call, param.name.value)
            if keyword is not None:
                found.append((keyword.value, scope))
            elif index is not None and 0 <= index < len(call.args) and call.args[index].keyword is None:
                found.append((call.args[index].value, scope))
        return found

    def _resolve_all(
        self, values: list[cst.BaseExpression], scope: Scope, depth: int, *, complete: bool
    ) -> tuple[list[cst.SimpleString], bool]:
        results = [self.resolve_strings(value, scope, depth + 1) for value in values]
        return [s for r in results for s in r[0]], complete and all(r[1] for r in results)


def is_placeholder_url(url: str) -> bool:
    """A URL whose host nobody can reach: `https://...`, `https://<your-endpoint>/v1`, `https://YOUR_HOST`."""
    host = urlparse(url).hostname or ""
    return not host.strip(".") or any(mark in host for mark in ("<", "{", "your", "xxx", "..."))


def normalise_path(path: Sequence[str]) -> tuple[str, ...]:
    return tuple(p for p in path if p not in TRANSPARENT_SEGMENTS)


class _Collector(cst.CSTVisitor):
    """Records scopes, bindings, calls and string literals in one pass over the module."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.scope = model.module_scope

    # scopes
    def _push(self, kind: str, node: cst.CSTNode) -> None:
        self.scope = Scope(kind, self.scope, node)
        self.model.scopes.append(self.scope)

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        outer = self.scope
        self._push("class", node)
        outer.add(node.name.value, Binding(outer, target=node.name, defines=self.scope))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = self.scope
        self._push("function", node)
        outer.add(node.name.value, Binding(outer, target=node.name, defines=self.scope))
        self._add_params(node.params, outer)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._pop()

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.scope.returns.append(node.value)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        outer = self.scope
        self._push("function", node)
        self.scope.returns.append(node.body)
        self._add_params(node.params, outer)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop()

    def _add_params(self, params: cst.Parameters, outer: Scope) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            # The default is evaluated in the enclosing scope; it is what a caller that omits
            # the argument gets, so string defaults count as possible values.
            annotation = param.annotation.annotation if param.annotation is not None else None
            self.scope.add(param.name.value, Binding(outer, value=param.default, target=param, annotation=annotation))
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.scope.add(star.name.value, Binding(self.scope, target=star))

    # bindings
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            qualified = dotted_name(alias.name) or ""
            self._note_sdk(qualified)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.add(alias.asname.name.value, Binding(self.scope, qualified=qualified))
            else:
                top = qualified.split(".")[0]
                self.scope.add(top, Binding(self.scope, qualified=top))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            # What a star import binds is not looked for: its names stay unresolved.
            self.model.star_imports.append(
                "." * len(node.relative) + (dotted_name(node.module) or "" if node.module else "")
            )
            return
        module = dotted_name(node.module) if node.module is not None else ""
        if not node.relative:
            self._note_sdk(module or "")
        # relative imports keep their dots (".clients.client"): the project index resolves them
        prefix = "." * len(node.relative) + (f"{module}." if module else "")
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self.scope.add(bound, Binding(self.scope, qualified=f"{prefix}{name}"))

    def _note_sdk(self, qualified: str) -> None:
        top = qualified.split(".")[0]
        if any(name.split(".")[0] == top for name in self.model.tables.clients):
            self.model.imported_sdks.add(top)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        for statement in node.body:
            if isinstance(statement, cst.Assign) and isinstance(statement.targets[0].target, cst.Attribute):
                self.model.attribute_assignments.append((node, statement, self.scope))
            elif isinstance(statement, cst.Import) and self.scope.kind == "module":
                if any(dotted_name(alias.name) == "openai" for alias in statement.names):
                    self.model.openai_import_lines.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node.value, node.annotation.annotation)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            # `with OpenAI() as client:` binds the client itself (its __enter__ returns self).
            self._bind_target(node.asname.name, node.item)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target, None)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, None)

    def _bind_target(
        self, target: cst.BaseExpression, value: cst.BaseExpression | None, annotation: cst.BaseExpression | None = None
    ) -> None:
        if isinstance(target, cst.Name | cst.Attribute) and isinstance(value, cst.SimpleString):
            self.model.assigned_names[value] = dotted_name(target) or ""
        if isinstance(target, cst.Name):
            self.scope.add(target.value, Binding(self.scope, value=value, target=target, annotation=annotation))
        elif isinstance(target, cst.Attribute):
            dotted = dotted_name(target)
            if dotted is None:
                return
            base = dotted.split(".")[0]
            klass = self.scope.enclosing_class() if base in ("self", "cls") else None
            key = (klass, dotted)
            binding = Binding(self.scope, value=value, target=target, annotation=annotation)
            self.model.attribute_bindings.setdefault(key, []).append(binding)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)

    # uses
    def visit_Call(self, node: cst.Call) -> None:
        self.model.calls.append((node, self.scope))
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "encoding_for_model" and node.args:
            name = dotted_name(node.args[0].value)
            if name:
                self.model.tokenizer_names.add(name)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if dotted_name(node.value) in ("os.environ", "environ"):
            self.model.environ_subscripts.append(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.model.string_literals.append((node, self.scope))

    def visit_Name(self, node: cst.Name) -> None:
        names = self.model.names
        if node.value in names:
            names[node.value].append(node)
        else:
            names[node.value] = [node]
