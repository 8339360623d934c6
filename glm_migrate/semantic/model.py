"""What a module's names refer to, from one light pass over its tree.

LibCST's scope and qualified-name providers answer this exactly but cost several parses per file.
glm-migrate needs less: which names are SDK modules, client classes and client instances, which
values a name or attribute was assigned, and which calls are API calls. One visitor collects the
bindings of every scope; resolution then follows them on demand, flow-insensitively (every binding
of a name counts), which errs towards "ambiguous" rather than towards a wrong rewrite.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator, Sequence
from types import MappingProxyType
from typing import NamedTuple, cast

import libcst as cst

from glm_migrate.cst import walk as walk
from glm_migrate.nodes import (
    ENVIRON_NAMES,
    IMAGE_PARTS,
    OS_ALIASES,
    callee,
    dotted_name,
    os_dotted_name,
    passed_argument,
    sets_nothing,
    short_code,
    string_value,
)
from glm_migrate.project import ModuleFacts
from glm_migrate.semantic.clients import ApiCall, Client, ClientOptionAssignment, ModuleAttributeAssignment, Target
from glm_migrate.semantic.scopes import MAX_DEPTH, Binding, Scope
from glm_migrate.semantic.values import (
    ClassValue,
    FunctionValue,
    ImportedInstance,
    LocalClassValue,
    ModuleValue,
    ResourceValue,
    Value,
    ValueResolver,
)
from glm_migrate.splats import SplatMapping
from glm_migrate.tables import Tables, dropin_qualified

#: client attributes whose assignment replaces what the constructor was given, for where the
#: requests go and with which key (`organization` / `project` are only headers Z.AI ignores)
CLIENT_SET_OPTIONS = frozenset({"api_key", "base_url"})
#: modules whose types say nothing of a client (`typing.Any`, a `Protocol`)
NO_TYPE_MODULES = frozenset({"typing", "typing_extensions", "collections", "builtins"})


#: tiktoken's lookups of a tokenizer by model id (`tiktoken.encoding_for_model("gpt-4o")`), which
#: raise KeyError for an id they do not know, as every GLM id is
TOKENIZER_LOOKUPS = frozenset({"encoding_for_model", "encoding_name_for_model"})

#: what `_built_by_unknown_class` says of another LLM vendor's client
_ANOTHER_VENDOR = object()

#: what a name bound to a client's method is assigned (`client.chat.completions.create`, or one
#: of two: `openai.completions.create if client is None else client.completions.create`)
_METHOD_SHAPES = (cst.Attribute, cst.IfExp)


#: functions that call the function they are given later, with the arguments after it
#: imported roots whose attributes a client may be kept in without another module's code making
#: its requests: the SDKs' module-level settings, Streamlit's session (`session_stored_clients`)
_HOLDER_EXEMPT_ROOTS = frozenset({"openai", "zai", "zhipuai", "streamlit"})

_DEFERRING_FUNCTIONS = frozenset({"functools.partial", "asyncio.to_thread"})
#: methods of executors and event loops that do, with how many arguments come before the
#: function's own (`executor.submit(f, *args)`, `loop.run_in_executor(executor, f, *args)`)
_DEFERRING_METHODS = {"submit": 1, "run_in_executor": 2}
#: how the classes of executors and pools that `submit` end
_EXECUTOR_CLASSES = ("Executor", "Pool")


class HandedClient(NamedTuple):
    """A client this module passes to another module's function, and a call it serves there."""

    client: Client
    path: tuple[str, ...]  #: the resource path of the call made through it there
    function: str  #: the function, as imported (`.batch.submit`)


class SemanticModel(ValueResolver):
    """The bindings, clients and API calls of one module. Build it with `SemanticModel.build`."""

    def __init__(self, module: cst.Module, tables: Tables) -> None:
        super().__init__(module, tables)
        self.api_calls: list[ApiCall] = []
        #: calls of openai<1.0 resources, with the resource path ("ChatCompletion", "create")
        self.legacy_calls: list[tuple[cst.Call, tuple[str, ...], Scope]] = []
        #: imports of modules only openai<1 has (`from openai.embeddings_utils import ...`), each
        #: with the module's dotted name
        self.legacy_imports: list[tuple[cst.Import | cst.ImportFrom, str]] = []
        #: receivers built by a class glm-migrate does not know as a client (see `_api_call`)
        self._unknown_clients: list[Client] = []
        #: what this module calls `os`, `os.environ` and `os.getenv` besides those (`OS_ALIASES`)
        self.os_aliases: dict[str, str] = {}
        #: calls through a parameter -> the clients this module's calls pass for it
        self.passed: dict[ApiCall, tuple[Client, ...]] = {}
        #: clients this module passes to another module's functions that call APIs through them
        self.handed: list[HandedClient] = []
        #: API methods passed on uncalled (`functools.partial(client.chat.completions.create, ...)`,
        #: `asyncio.to_thread(client.embeddings.create, ...)`): the call that gets the method, the
        #: method's normalised resource path and its clients
        self.handed_methods: list[tuple[cst.Call, tuple[str, ...], tuple[Client, ...]]] = []
        self._receivers: dict[ApiCall, tuple[tuple[cst.Param, Scope], ...]] = {}
        #: (function, key) -> a parameter standing for the `key=` argument its `**kwargs` takes
        self._kwargs_params: dict[tuple[Scope, str], cst.Param] = {}
        #: calls of a client resource through parameters nothing here passes a client for: the
        #: resource path, and the parameters (`receiver_params`), which callers elsewhere may fill
        self.parameter_calls: list[tuple[ApiCall, tuple[tuple[cst.Param, Scope], ...]]] = []
        #: uses of an `openai` nothing in the module binds, taken for the SDK (`_assume_unbound_sdk`)
        self.assumed_sdk_uses: tuple[cst.Name, ...] = ()

    def release(self) -> None:
        """Break the references between scopes and their bindings and let go of everything the
        model holds: reference counting then frees the tree at once. The model is empty after."""
        for scope in self.scopes:
            scope.bindings.clear()
        self.__dict__.clear()
        OS_ALIASES.set(MappingProxyType({}))

    @functools.cached_property
    def client_option_assignments(self) -> tuple[ClientOptionAssignment, ...]:
        """A client's `api_key` or `base_url` set after it is built (`self.client.api_key =
        config["api_key"]`), for each client the assigned name or attribute may hold."""
        found: list[ClientOptionAssignment] = []
        for statement, assign, scope in self.attribute_assignments:
            for target in assign.targets:
                attribute = target.target
                if type(attribute) is not cst.Attribute or attribute.attr.value not in CLIENT_SET_OPTIONS:
                    continue
                for value in self.values_of(attribute.value, scope):
                    if isinstance(value, Client):
                        found.append(
                            ClientOptionAssignment(statement, assign, value, attribute.attr.value, assign.value, scope)
                        )
        return tuple(found)

    @functools.cached_property
    def splats_resolved(self) -> dict[cst.Arg, SplatMapping | None]:
        """`**` arguments of calls, resolved once for the rules that each ask about them
        (`GlmOptions`): resolving one scans its scope for the keys stored into the mapping."""
        return {}

    @functools.cached_property
    def image_part(self) -> cst.SimpleString | None:
        """The type of the first image content part the module writes (`{"type": "image_url",
        ...}`): messages built apart from the call that sends them are not followed, so any
        request of the module may carry it."""
        return self.image_parts[0] if self.image_parts else None

    @functools.cached_property
    def image_parts(self) -> tuple[cst.SimpleString, ...]:
        """The types of every image content part the module writes, in order (see `image_part`)."""
        return tuple(
            literal
            for literal, _ in self.string_literals
            if string_value(literal) in IMAGE_PARTS
            and type(parent := self.parents.get(literal)) is cst.DictElement
            and string_value(parent.key) == "type"
        )

    @functools.cached_property
    def is_test_module(self) -> bool:
        """The module imports pytest or unittest, or defines `test_*` functions, at module level
        or as methods of a `Test*` class (what pytest collects with no import of it): test code,
        whose clients rarely send anything and whose URLs and keys are often mocks and
        placeholders. A variable named `test_*` (`test_string = "..."` in a notebook) is data,
        not a test."""
        return (
            _defines_tests(self.module_scope)
            or any(
                name.startswith("Test") and any(b.defines is not None and _defines_tests(b.defines) for b in bindings)
                for name, bindings in self.module_scope.bindings.items()
            )
            or self.imports_from("pytest", "unittest")
        )

    @functools.cached_property
    def tokenizer_literals(self) -> frozenset[cst.SimpleString]:
        """The string literals that reach a tokenizer lookup (`tiktoken.encoding_for_model`),
        followed as a request's model is: through names, attributes and the arguments this
        module's calls pass (`Tokenizer("gpt-4")` reaching `encoding_for_model(self.model)`). They
        are tokenizer data: given a GLM id, the lookup raises KeyError."""
        return frozenset(
            literal for value, scope in self.tokenizer_arguments for literal in self.resolve_strings(value, scope)[0]
        )

    @functools.cached_property
    def tokenizer_arguments(self) -> tuple[tuple[cst.BaseExpression, Scope], ...]:
        """The values this module hands a tokenizer lookup: the first argument of
        `encoding_for_model(...)`, and what it passes for the tokenizer parameters of another
        module's functions (`len_tokens(text, "gpt-4")`, the project index)."""
        found = [(call.args[0].value, scope) for call, scope in self.tokenizer_calls]
        functions = self.facts.tokenizer_functions
        if functions:
            for call, scope in self.calls:
                for qualified in self.qualified_names(callee(call), scope) & functions.keys():
                    for param, index in functions[qualified]:
                        arg = passed_argument(call, param, index)
                        if arg is not None:
                            found.append((arg.value, scope))
        return tuple(found)

    @property
    def module_client_used(self) -> bool:
        """The `openai` module-level client is configured or called in this module."""
        return self._module_client is not None or any(
            a.attribute not in self.tables.sdk.legacy_settings for a in self.module_attributes
        )

    @property
    def uses_legacy_api(self) -> bool:
        """openai<1.0 code: its module settings and calls migrate differently (see GLM3xx)."""
        return bool(self.legacy_calls or self.legacy_imports) or any(
            a.attribute in self.tables.sdk.legacy_settings and not sets_nothing(a.value) for a in self.module_attributes
        )

    @classmethod
    def build(
        cls,
        module: cst.Module,
        tables: Tables,
        source: str | None = None,
        facts: ModuleFacts | None = None,
        *,
        assume_sdk: bool = True,
    ) -> SemanticModel:
        """`facts`: what the rest of the project says about this module's imports and names;
        `assume_sdk`: take an `openai` nothing binds for the SDK (`_assume_unbound_sdk`)."""
        model = cls(module, tables)
        model.facts = facts or ModuleFacts()
        #: the module's text; generating it again from the tree costs a full pass
        model.source = module.code if source is None else source
        OS_ALIASES.set(model.os_aliases)  # filled by the imports the pass meets, before their uses
        walk(module, _Collector(model), model.parents)
        if assume_sdk:
            model._assume_unbound_sdk()
        model._classify()
        return model

    def _assume_unbound_sdk(self) -> None:
        """`openai.ChatCompletion.create(...)` in a module where nothing binds `openai` (no
        import, assignment, parameter, `def` in any scope, and no star import that might): the
        name comes from elsewhere (a notebook's lost cell, `%run`, `exec`) and is taken for the
        SDK, bound at module level; `assumed_sdk_uses` keeps its uses (GLM012 reports them, the
        engine holds the module's fixes for --unsafe-fixes)."""
        name = "openai"
        if self.star_imports or any(name in scope.bindings for scope in self.scopes):
            return
        uses = [
            use
            for use in self.uses_of(name, self.module_scope)
            if type(parent := self.parents.get(use)) is cst.Attribute
            and parent.value is use
            and not self._in_import(parent)
        ]
        if not uses:
            return
        self.assumed_sdk_uses = tuple(uses)
        self.module_scope.add(name, Binding(self.module_scope, qualified=name, assumed=True))
        self.imported_sdks.add(name)

    def _in_import(self, node: cst.CSTNode) -> bool:
        """A module's dotted name in an import (`from openai.lib.azure import ...`), not a use."""
        parent = self.parents.get(node)
        while type(parent) is cst.Attribute:
            parent = self.parents.get(parent)
        return isinstance(parent, cst.ImportFrom | cst.ImportAlias)

    # -- classification after the pass ---------------------------------------------------------

    def _classify(self) -> None:
        for statement, assign, scope in self.attribute_assignments:
            target = assign.targets[0].target
            if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
                bases = self._binding_values(self.lookup(target.value.value, scope), 0)
                if any(isinstance(v, ModuleValue) and v.name == "openai" for v in bases):
                    self.module_attributes.append(
                        ModuleAttributeAssignment(statement, assign, target.attr.value, assign.value)
                    )
        untraced: list[tuple[cst.Call, Scope]] = []  #: method calls on receivers not followed
        for call, scope in self.calls:
            func_values = self.values_of(call.func, scope)
            classes = [value.name for value in func_values if isinstance(value, ClassValue)]
            if classes:
                others = [value.name for value in func_values if isinstance(value, ModuleValue)]
                self._client_for(call, classes, scope, others)
            for value in func_values:
                if isinstance(value, FunctionValue | LocalClassValue):
                    callee = value.scope if isinstance(value, FunctionValue) else self.initializer(value.scope)
                    # a class with no `__init__` of its own (a dataclass, a pydantic model): its
                    # calls pass its fields, recorded under the class
                    callee = callee or value.scope
                    self.call_sites.setdefault(callee, []).append((call, scope))
            self._note_deferred_call(call, scope, func_values)
            api = self._api_call(call, scope, func_values)
            if api is not None:
                self.api_calls.append(api)
            elif not func_values and type(call.func) is cst.Attribute:
                untraced.append((call, scope))
            if api is None:
                self._note_handed_methods(call, scope)
            for value in func_values:
                if isinstance(value, ModuleValue) and value.name.split(".")[1:2] and value.name.startswith("openai."):
                    path = tuple(value.name.split(".")[1:])
                    if path[0] in self.tables.sdk.legacy_resources or (
                        path[0] == "embeddings_utils" and path[-1] in self.tables.sdk.legacy_request_helpers
                    ):
                        self.legacy_calls.append((call, path, scope))
        self._calls_through_parameters(untraced)
        self._keep_account_clients()
        self._settle_declared_clients()
        self._settle_clients_pointed_after_built()

    def _settle_declared_clients(self) -> None:
        """A client a parameter is declared to hold is taken for one this migration moves, unless
        every client of its SDK the module builds talks to another server (a gateway, a local
        model): then the one passed in may well be such a client, and its calls are checked like
        those of a client whose server is chosen at run time."""
        for client in self.clients:
            if client.origin != "annotation" or client.target is not Target.OPENAI:
                continue
            built = [c for c in self.clients if c.origin == "constructor" and c.sdk == client.sdk]
            if built and all(c.target is Target.OTHER and not c.account_only for c in built):
                client.target = Target.UNKNOWN

    def _settle_clients_pointed_after_built(self) -> None:
        """An OpenAI client whose `base_url` is set after it is built to a server that is not
        OpenAI's or Z.AI's (`client.base_url = "http://localhost:8000/v1"`, `= settings.url`)
        talks to that server: it is left alone when the assignment follows its construction in
        the same block, and its server is known only at run time otherwise (or from a setting)."""
        for assignment in self.client_option_assignments:
            client = assignment.client
            if assignment.option != "base_url" or client.target is not Target.OPENAI:
                continue
            target = self.classify_base_url(assignment.value, default=Target.UNKNOWN, scope=assignment.scope)
            if target in (Target.OPENAI, Target.ZAI):
                continue  # OpenAI's URL moves with the client (GLM002); Z.AI's is where it goes
            built = client.construction
            beside = built is not None and self._statement_block(built) is self.parents.get(assignment.statement)
            client.target = Target.OTHER if target is Target.OTHER and beside else Target.UNKNOWN

    def _statement_block(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The block (an indented block, the module) holding the statement `node` is in."""
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, cst.SimpleStatementLine | cst.BaseCompoundStatement):
            current = self.parents.get(current)
        return self.parents.get(current) if current is not None else None

    def _calls_through_parameters(self, untraced: list[tuple[cst.Call, Scope]]) -> None:
        """Calls of a client resource through a parameter nothing declares (`def submit(client,
        path): client.files.create(...)`) for which this module's calls pass clients: calls of
        those clients. Found once every call is classified: `call_sites` is complete then."""
        sdk = self.tables.sdk
        found: list[ApiCall] = []
        for call, scope in untraced:
            parts = (dotted_name(call.func) or "").split(".")
            start = 2 if parts[0] in ("self", "cls") else 1
            path = sdk.normalise_path(parts[start:])
            if (
                len(parts) < start + 2
                or len(path) < 2
                or not sdk.has_member(parts[start])
                or parts[start] in sdk.client_copy_methods
            ):
                continue
            params: dict[cst.Param, Scope] = {}
            self._params_holding(".".join(parts[:start]), scope, params, 0)
            clients = self._passed_clients(tuple(params.items()))
            if clients:
                api = ApiCall(call, path, clients, scope, sdk.endpoints.get(path))
                self._receivers[api] = tuple(params.items())
                found.append(api)
            elif params:
                # for callers elsewhere (`def simplify(text, client)` in a helper module that
                # imports no SDK, handed a client by a module that builds it)
                self.parameter_calls.append(
                    (ApiCall(call, path, (), scope, sdk.endpoints.get(path)), tuple(params.items()))
                )
        if found:
            order = {call: index for index, (call, _) in enumerate(self.calls)}
            self.api_calls[:] = sorted([*self.api_calls, *found], key=lambda api: order[api.node])  # source order

    def _keep_account_clients(self) -> None:
        """OpenAI clients used for nothing but the account's own data (files, fine-tuning) or
        the state OpenAI keeps for the application (assistants, threads) stay with OpenAI: Z.AI
        has none of it. A call through a parameter is a use of each client this module's calls
        pass for it (`submit(client, path)` with `def submit(client, path): client.files.create(...)`),
        and so is a call another module's function makes through the client it is passed
        (`ModuleFacts.client_functions`)."""
        kept = self.tables.account_resources | self.tables.hosted_state_resources
        uses: dict[Client, list[str]] = {}
        for api in self.api_calls:
            passed = self._passed_clients(self.receiver_params(api))
            if passed:
                self.passed[api] = passed
            for client in (*api.clients, *passed):
                uses.setdefault(client, []).append(api.path[0])
        for handed in self._handed_to_imported_functions():
            uses.setdefault(handed.client, []).append(handed.path[0])
            self.handed.append(handed)
        for client, resources in uses.items():
            if client.sdk == "openai" and self._openai_or_callers(client):
                if all(resource in kept for resource in resources):
                    client.target, client.account_only = Target.OTHER, tuple(dict.fromkeys(resources))

    def _openai_or_callers(self, client: Client) -> bool:
        """The client talks to OpenAI, or to whatever URL its callers pass with OpenAI's server
        as the only one in view (`base_url or os.getenv("OPENAI_BASE_URL", OPENAI_URL)`): no
        value it may get names Z.AI or another server."""
        if client.target is Target.OPENAI:
            return True
        if client.target is not Target.UNKNOWN or client.base_url is None:
            return False
        targets, _ = self._base_url_targets(client.base_url, Target.OPENAI, client.scope, 0)
        return targets == {Target.OPENAI}

    def receiver_params(self, call: ApiCall) -> tuple[tuple[cst.Param, Scope], ...]:
        """The parameters (each with its function) whose client the receiver of `call` is:
        `client` for `client.files.create(...)` in `def submit(client, path)` (also kept in
        `self.client` by an `__init__`), and the parameters of this module's functions that pass
        theirs on to it. Asked once every call is classified: `call_sites` is complete then."""
        if call not in self._receivers:
            dotted = dotted_name(call.node.func)
            found: dict[cst.Param, Scope] = {}
            if dotted is not None:
                parts = dotted.split(".")
                receiver = ".".join(parts[:2]) if parts[0] in ("self", "cls") and len(parts) > 2 else parts[0]
                self._params_holding(receiver, call.scope, found, 0)
            self._receivers[call] = tuple(found.items())
        return self._receivers[call]

    def params_holding(self, name: str, scope: Scope) -> tuple[tuple[cst.Param, Scope], ...]:
        """The parameters (each with its function) the name or `self.x` attribute `name` holds the
        value of, as seen from `scope` (`_params_holding`)."""
        found: dict[cst.Param, Scope] = {}
        self._params_holding(name, scope, found, 0)
        return tuple(found.items())

    def _params_holding(self, name: str, scope: Scope, found: dict[cst.Param, Scope], depth: int) -> None:
        """Adds to `found` the parameters the name or `self.x` attribute `name` holds the value
        of, as seen from `scope`, and those this module's calls pass for them."""
        if depth > MAX_DEPTH:
            return
        bindings = self.attribute_lookup(name, scope) if "." in name else self.lookup(name, scope)
        for binding in bindings:
            target, value = binding.target, binding.value
            if type(target) is cst.Param:
                function = self.owner(target.name.value, scope)
                if function is None or function.kind != "function" or target in found:
                    continue
                found[target] = function
                for argument, where in self.arguments_for(target, function):
                    passed = dotted_name(argument) if type(argument) in (cst.Name, cst.Attribute) else None
                    if passed is not None:
                        self._params_holding(passed, where, found, depth + 1)
            elif type(value) is cst.Name:
                self._params_holding(value.value, binding.scope, found, depth + 1)  # `self.client = client`
            elif value is not None and (keyed := self._kwargs_key(value, binding.scope)) is not None:
                # `client = kwargs["client"]`, `kwargs.get("client")`: the keyword argument
                # `client=` of its callers, as a keyword-only parameter would be
                function, key = keyed
                param = self._kwargs_params.setdefault((function, key), cst.Param(name=cst.Name(key)))
                if param not in found:
                    found[param] = function
                    for argument, where in self.arguments_for(param, function):
                        passed = dotted_name(argument) if type(argument) in (cst.Name, cst.Attribute) else None
                        if passed is not None:
                            self._params_holding(passed, where, found, depth + 1)

    def _kwargs_key(self, value: cst.BaseExpression, scope: Scope) -> tuple[Scope, str] | None:
        """(the function, the key) for `kwargs["client"]`, `kwargs.get("client")` or
        `kwargs.pop("client")` read from a function's `**kwargs` parameter; None otherwise."""
        if type(value) is cst.Subscript:
            holder = value.value
            elements = value.slice
            if len(elements) != 1 or type(elements[0].slice) is not cst.Index:
                return None
            key = string_value(elements[0].slice.value)
        elif (
            type(value) is cst.Call
            and type(value.func) is cst.Attribute
            and value.func.attr.value in ("get", "pop")
            and value.args
            and not value.args[0].keyword
            and not value.args[0].star
        ):
            holder, key = value.func.value, string_value(value.args[0].value)
        else:
            return None
        if key is None or not key.isidentifier() or type(holder) is not cst.Name:
            return None
        for binding in self.lookup(holder.value, scope):
            target = binding.target
            if type(target) is cst.Param and type(binding.scope.node) is cst.FunctionDef:
                if binding.scope.node.params.star_kwarg is target:
                    return binding.scope, key
        return None

    def _passed_clients(self, params: Sequence[tuple[cst.Param, Scope]]) -> tuple[Client, ...]:
        """The clients this module's calls pass for these parameters (not the clients the
        parameters are declared to hold: those are the callers' clients again)."""
        found: list[Client] = []
        for param, function in params:
            for argument, where in self.arguments_for(param, function):
                for value in self.values_of(argument, where):
                    if isinstance(value, Client) and value.origin != "annotation":
                        found.append(value)
                    elif isinstance(value, ModuleValue) and value.name == "openai":
                        found.append(self.module_client)  # `call_api(openai, ...)`: the module is the client
        return tuple(dict.fromkeys(found))

    def _handed_to_imported_functions(self) -> Iterator[HandedClient]:
        """The clients this module passes to another module's functions that make API calls
        through them (`submit(client, path)` after `from .batch import submit`), one per call."""
        functions = self.facts.client_functions
        if not functions:
            return
        for call, scope in self.calls:
            for qualified in sorted(self._imported_callees(call, scope) & functions.keys()):
                for param, index, path in functions[qualified]:
                    arg = passed_argument(call, param, index)
                    if arg is None:
                        continue
                    argument = arg.value
                    clients = [
                        v for v in self.values_of(argument, scope) if isinstance(v, Client) and v.origin != "annotation"
                    ]
                    passed = dotted_name(argument) if type(argument) in (cst.Name, cst.Attribute) else None
                    if passed is not None:
                        params: dict[cst.Param, Scope] = {}
                        self._params_holding(passed, scope, params, 0)
                        clients += self._passed_clients(tuple(params.items()))
                    resources = self.tables.sdk.normalise_path(tuple(path.split(".")))
                    for client in dict.fromkeys(clients):
                        yield HandedClient(client, resources, qualified)

    def _imported_callees(self, call: cst.Call, scope: Scope) -> set[str]:
        """The imported functions and classes `call` calls, as written, and the methods of
        imported classes it calls on an instance ("Retriever.search" for `Retriever().search(...)`
        or `retriever.search(...)` after `retriever = Retriever()`)."""
        names = self.qualified_names(call.func, scope)
        func = call.func
        if type(func) is cst.Attribute:
            names |= {
                f"{value.name}.{func.attr.value}"
                for value in self.values_of(func.value, scope)
                if isinstance(value, ImportedInstance)
            }
        return names

    @functools.cached_property
    def credential_reads(self) -> tuple[tuple[cst.Attribute, Scope], ...]:
        """Reads of a client's credentials as request headers (`client.auth_headers`,
        `self._client.default_headers`; `[paths] credential_attributes`), each with its scope:
        code that sends requests of its own with the key of whatever client the receiver holds
        (`requests.post(url, headers=client.auth_headers)`), requests glm-migrate does not see."""
        found: list[tuple[cst.Attribute, Scope]] = []
        for attribute in sorted(self.tables.sdk.credential_attributes):
            for name in self.names.get(attribute, ()):
                read = self.parents.get(name)
                if (
                    type(read) is cst.Attribute
                    and read.attr is name
                    and type(self.parents.get(read)) is not cst.AssignTarget
                ):
                    found.append((read, self.scope_of(read)))
        return tuple(found)

    @functools.cached_property
    def state_stored_clients(self) -> dict[Client, str]:
        """Clients kept in a Starlette (FastAPI) app's `state` (`app.state.llm = AsyncOpenAI()` in
        the lifespan), each with where: any code that reaches the app reads them
        (`request.app.state.llm` in another module's routes), so not all their requests are seen."""
        found: dict[Client, str] = {}
        for (klass, written), bindings in self.attribute_bindings.items():
            head = written.rpartition(".")[0]
            if klass is not None or not (head == "state" or head.endswith(".state")):
                continue
            for binding in bindings:
                if binding.value is None:
                    continue
                for value in self.values_of(binding.value, binding.scope):
                    if isinstance(value, Client):
                        found.setdefault(value, written)
        return found

    @functools.cached_property
    def imported_holder_clients(self) -> dict[Client, str]:
        """Clients kept in an attribute of a class or module another module defines
        (`TaskDatum.client = AsyncOpenAI()` after `from tasks import TaskDatum`), each with where,
        as written, and the module imported: that module's code makes their requests
        (`datum.client.embeddings.create(...)`), with ids and arguments not seen here."""
        found: dict[Client, str] = {}
        if not self.clients:
            return found
        for (klass, written), bindings in self.attribute_bindings.items():
            head = written.partition(".")[0]
            if klass is not None or head == written:
                continue
            for binding in bindings:
                if binding.value is None:
                    continue
                imported = next((b.qualified for b in self.lookup(head, binding.scope) if b.qualified), None)
                if imported is None or imported.partition(".")[0] in _HOLDER_EXEMPT_ROOTS:
                    continue
                for value in self.values_of(binding.value, binding.scope):
                    if isinstance(value, Client):
                        found.setdefault(value, f"`{written}`, an attribute of the imported `{imported}`")
        return found

    @functools.cached_property
    def session_stored_clients(self) -> dict[Client, str]:
        """Clients a Streamlit page keeps in `st.session_state` (`st.session_state.client =
        OpenAI()`, `st.session_state["client"] = client`), each with its key: the other pages of
        the app read them there (the project index, `ModuleSummary.session_clients`)."""
        found: dict[Client, str] = {}
        if "session_state" not in self.source:
            return found
        for (klass, written), bindings in self.attribute_bindings.items():
            head, _, key = written.rpartition(".")
            if klass is not None or not head.endswith("session_state"):
                continue
            for binding in bindings:
                for value in self.values_of(binding.value, binding.scope) if binding.value is not None else ():
                    if isinstance(value, Client):
                        found.setdefault(value, key)
        for literal, scope in self.string_literals:
            # `st.session_state["client"] = ...`: the key is a string literal of the module
            index = self.parents.get(literal)
            element = self.parents.get(index) if type(index) is cst.Index else None
            subscript = self.parents.get(element) if element is not None else None
            if type(subscript) is not cst.Subscript:
                continue
            target = self.parents.get(subscript)
            assign = self.parents.get(target) if type(target) is cst.AssignTarget else None
            if type(assign) is not cst.Assign or not (dotted_name(subscript.value) or "").endswith("session_state"):
                continue
            stored = string_value(literal)
            if not stored:
                continue
            for value in self.values_of(assign.value, scope):
                if isinstance(value, Client):
                    found.setdefault(value, stored)
        return found

    def session_read(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> str | None:
        """The key of `st.session_state` that `expr` reads (`st.session_state.client`,
        `st.session_state["client"]`, `.get("client")`, or a name bound to one of them)."""
        base: cst.BaseExpression | None = None
        key: str | None = None
        if type(expr) is cst.Subscript and len(expr.slice) == 1 and type(expr.slice[0].slice) is cst.Index:
            base, key = expr.value, string_value(expr.slice[0].slice.value)
        elif type(expr) is cst.Attribute:
            base, key = expr.value, expr.attr.value
        elif (
            type(expr) is cst.Call and type(expr.func) is cst.Attribute and expr.func.attr.value == "get" and expr.args
        ):
            base, key = expr.func.value, string_value(expr.args[0].value)
        elif type(expr) is cst.Name and depth < 2:
            for binding in self.lookup(expr.value, scope):
                if binding.value is not None and (read := self.session_read(binding.value, binding.scope, depth + 1)):
                    return read
        if base is None or not key or not (dotted_name(base) or "").endswith("session_state"):
            return None
        return key

    @functools.cached_property
    def inherited_holders(self) -> dict[Client, str]:
        """Clients kept on the instance (`self.client = AzureOpenAI(...)`) of a class deriving
        from an imported one, with no request of this module made through them: the base class's
        methods make them (`self.client.completions.create` in another module), unseen here.
        Each with where it is kept, as words."""
        found: dict[Client, str] = {}
        if not any(client.construction is not None for client in self.clients):
            return found
        bases: dict[Scope, str | None] = {}
        for (klass, written), bindings in self.attribute_bindings.items():
            if klass is None or type(klass.node) is not cst.ClassDef or klass.parent is None:
                continue
            if klass not in bases:
                bases[klass] = self._imported_base(klass.node, klass.parent)
            base = bases[klass]
            if base is None:
                continue
            for binding in bindings:
                if binding.value is None:
                    continue
                for value in self.values_of(binding.value, binding.scope):
                    if (
                        isinstance(value, Client)
                        and value.construction is not None
                        and not any(value in call.clients for call in self.api_calls)
                    ):
                        found.setdefault(value, f"`{written}` of a class deriving from `{base}`")
        return found

    def imported_bases(self, node: cst.ClassDef, parent: Scope) -> list[tuple[str, cst.BaseExpression]]:
        """The bases of class `node` (defined in `parent`) that another module defines: each as the
        name imported (`pkg.base.BaseClient`) and as written."""
        return [
            (value.name, arg.value)
            for arg in node.bases
            for value in self.values_of(arg.value, parent)
            if isinstance(value, ModuleValue)
        ]

    def _imported_base(self, node: cst.ClassDef, parent: Scope) -> str | None:
        """A base of `node` imported from outside the standard library (`abc.ABC` defines no
        request), as code: its methods, not seen here, may use what the class keeps."""
        return next(
            (
                short_code(written)
                for name, written in self.imported_bases(node, parent)
                if name.partition(".")[0] not in sys.stdlib_module_names
            ),
            None,
        )

    def _note_deferred_call(self, call: cst.Call, scope: Scope, func_values: list[Value]) -> None:
        """`functools.partial(ask, model="gpt-4o")`, `executor.submit(ask, prompt, "gpt-4o")`,
        `asyncio.to_thread(ask, ...)`, `loop.run_in_executor(pool, ask, ...)`: a call of `ask`
        made later (by a pool of a benchmark harness), with the arguments after it. Recorded as
        a call site of `ask` (a call node of its own, made of those arguments), so the ids passed
        there count as passed to `ask`."""
        names = {value.name for value in func_values if isinstance(value, ModuleValue)}
        method = call.func.attr.value if type(call.func) is cst.Attribute else None
        if names & _DEFERRING_FUNCTIONS:
            skip = 1
        elif not func_values and method in _DEFERRING_METHODS and self._executor(call.func, scope):
            skip = _DEFERRING_METHODS[method]
        else:
            return
        if len(call.args) < skip or any(arg.star or arg.keyword for arg in call.args[:skip]):
            return
        target = call.args[skip - 1].value
        for value in self.values_of(target, scope):
            if isinstance(value, FunctionValue | LocalClassValue):
                callee = value.scope if isinstance(value, FunctionValue) else self.initializer(value.scope)
                site = cst.Call(func=target, args=call.args[skip:])
                self.call_sites.setdefault(callee or value.scope, []).append((site, scope))

    def _executor(self, func: cst.BaseExpression, scope: Scope) -> bool:
        """The receiver of `func` is an executor or pool (`with ThreadPoolExecutor(8) as ex`,
        `pool = ProcessPoolExecutor()`) or an event loop's `run_in_executor`: not a UI
        component's `.submit(fn, inputs, outputs)`, which passes no arguments of its own."""
        assert isinstance(func, cst.Attribute)
        if func.attr.value == "run_in_executor":
            return True
        for binding in self.bindings_of(func.value, scope):
            made = binding.value
            if type(made) is cst.Call and (dotted_name(made.func) or "").endswith(_EXECUTOR_CLASSES):
                return True
        return False

    def _note_handed_methods(self, call: cst.Call, scope: Scope) -> None:
        for arg in call.args:
            value = arg.value
            # a method of a client's resource: `<client>.<resource>.<method>` at least, or a name
            # bound to one (`method = client.chat.completions.create` ... `retry(method, ...)`)
            if type(value) is cst.Name:
                if not any(type(b.value) in _METHOD_SHAPES for b in self.lookup(value.value, scope)):
                    continue
            elif type(value) is not cst.Attribute or type(value.value) is not cst.Attribute:
                continue
            resources = [v for v in self.values_of(value, scope) if isinstance(v, ResourceValue)]
            path = self.tables.sdk.normalise_path(resources[0].path) if resources else ()
            if (
                len(path) > 1
                and path not in self.tables.sdk.endpoints
                and (*path, "create") in self.tables.sdk.endpoints
            ):
                # the resource itself (`TypedCompletions(client.chat.completions)`): the code given
                # it calls its methods, `create` among them
                path = (*path, "create")
            if len(path) > 1 and (path in self.tables.sdk.endpoints or self.tables.unavailable_advice(path)):
                clients = tuple(dict.fromkeys(r.client for r in resources))
                self.handed_methods.append((call, path, clients))

    def _api_call(self, call: cst.Call, scope: Scope, func_values: list[Value]) -> ApiCall | None:
        resources = [v for v in func_values if isinstance(v, ResourceValue)]
        if resources:
            path = self.tables.sdk.normalise_path(resources[0].path)
            if path[-1] in self.tables.sdk.client_copy_methods:
                for resource in resources:
                    self._copy_of(resource.client, call, scope)  # `with_options(base_url=...)`: a client of its own
                return None
            clients = tuple(dict.fromkeys(r.client for r in resources))
            return ApiCall(call, path, clients, scope, self.tables.sdk.endpoints.get(path))
        # A receiver we cannot trace (a parameter, an attribute set elsewhere) still makes an API
        # call when the method chain is an SDK resource path and the module imports an SDK, or
        # star-imports a module (which glm-migrate does not follow) that may hand it a client;
        # so does a chain to an API Z.AI lacks that only OpenAI's SDK has (`beta.threads`).
        dotted = dotted_name(call.func)
        if dotted is None or not (self.imported_sdks or self.star_imports) or func_values:
            return None
        parts = tuple(dotted.split("."))
        sdk = self.tables.sdk
        for length in (4, 3, 2):
            path = sdk.normalise_path(parts[-length:])
            openai_only = self.star_imports or not sdk.distinctive_segments.isdisjoint(parts[1:])
            shaped = path in sdk.endpoints or (openai_only and self.tables.unavailable_advice(path))
            if len(parts) > length and shaped:
                receiver = self._declared_other(parts[0], scope) or self._built_by_unknown_class(parts[0], scope)
                if receiver is _ANOTHER_VENDOR:
                    return None  # `Groq().chat.completions.create(...)`: that vendor's API, not OpenAI's
                clients = (receiver,) if isinstance(receiver, Client) else ()
                return ApiCall(call, path, clients, scope, self.tables.sdk.endpoints.get(path))
        return None

    def _built_by_unknown_class(self, name: str, scope: Scope) -> Client | object | None:
        """For a receiver built in this module by a class glm-migrate does not know as a client:
        `_ANOTHER_VENDOR` for another LLM vendor's client (`Groq()`, `sdk.toml` other_vendors),
        else a client whose server is unknown (a subclass or wrapper of OpenAI's client, or what a
        function builds from the SDK class it is given, which no fix moves), so the call's fixes
        wait for a person. None when the receiver is not built
        by a constructor call here (a parameter, a function's result, an attribute)."""
        bindings = self.lookup(name, scope)
        if not bindings or not all(type(b.target) is cst.Name and type(b.value) is cst.Call for b in bindings):
            return None
        constructions: list[cst.Call] = []
        for binding in bindings:
            construction = cast(cst.Call, binding.value)
            kinds = self.values_of(construction.func, binding.scope)
            if kinds and all(isinstance(v, ModuleValue) for v in kinds):
                packages = {cast(ModuleValue, v).name.split(".")[0] for v in kinds}
                if packages <= self.tables.sdk.other_vendors:
                    continue
            elif kinds and not all(isinstance(v, LocalClassValue) for v in kinds):
                if not any(
                    self.qualified_names(arg.value, binding.scope) & self.tables.clients.keys()
                    for arg in construction.args
                ):
                    return None  # a function's result: what it returns is not known here
                # `build(OpenAI)`: a client the function makes from the class, with arguments
                # glm-migrate does not follow: no fix moves it
            elif not kinds and "openai" not in (dotted_name(construction.func) or "").lower():
                return None
            constructions.append(construction)
        if not constructions:
            return _ANOTHER_VENDOR
        known = [c for c in self._unknown_clients if c.construction is constructions[0]]
        if known:
            return known[0]
        client = Client("openai", False, constructions[0], scope, Target.UNKNOWN, None, origin="unknown class")
        self._unknown_clients.append(client)
        return client

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
            isinstance(v, ModuleValue) and v.name.split(".")[0] not in self.imported_sdks | NO_TYPE_MODULES
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
        source order: worked out once for the rules of every framework. A generic class given its
        type parameters (`Agent[Context](...)`, the Agents SDK's and pydantic-ai's) is that class."""
        found = []
        for call, scope in self.calls:
            func = call.func.value if type(call.func) is cst.Subscript else call.func
            kind = self.tables.framework_of(self.qualified_names(func, scope))
            if kind is not None:
                found.append((call, scope, kind))
        return found

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


class _Collector(cst.CSTVisitor):
    """Records scopes, bindings, calls and string literals in one pass over the module."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.scope = model.module_scope
        #: the scopes of the functions and classes whose decorators are being visited
        self._decorated: list[Scope] = []

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

    def visit_Decorator(self, node: cst.Decorator) -> None:
        # a decorator runs where its `def` or `class` statement does: its calls and the names
        # they are given (`@lib.complex(model="gpt-4o", client=client)`) belong to that scope,
        # not to the function's (whose scope is already pushed when its children are visited)
        assert self.scope.parent is not None
        self._decorated.append(self.scope)
        self.scope = self.scope.parent

    def leave_Decorator(self, original_node: cst.Decorator) -> None:
        self.scope = self._decorated.pop()

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.scope.returns.append(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):  # not `yield from`
            self.scope.yields.append(node.value)

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
            if type(star) is cst.Param:
                self.scope.add(star.name.value, Binding(self.scope, target=star))

    # bindings
    def _note_legacy_module(self, node: cst.Import | cst.ImportFrom, qualified: str) -> None:
        """`openai.embeddings_utils` and the other modules only openai<1 has."""
        parts = qualified.split(".")
        if len(parts) > 1 and parts[0] == "openai" and parts[1] in self.model.tables.sdk.legacy_modules:
            self.model.legacy_imports.append((node, ".".join(parts[:2])))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            qualified = dotted_name(alias.name) or ""
            self._note_sdk(qualified)
            self._note_legacy_module(node, qualified)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.add(alias.asname.name.value, Binding(self.scope, qualified=qualified, target=alias))
                if qualified == "os":
                    self.model.os_aliases[alias.asname.name.value] = "os"
            else:
                top = qualified.split(".")[0]
                self.scope.add(top, Binding(self.scope, qualified=top, target=alias))

    def _dropin(self, qualified: str) -> str:
        """The SDK name a drop-in module's name stands for (`langfuse.openai.openai` is `openai`,
        `langfuse.openai.OpenAI` is `openai.OpenAI`), else `qualified` itself."""
        mapped = dropin_qualified(self.model.tables.sdk.dropin_modules, qualified)
        if mapped is None:
            return qualified
        self.model.dropins.add(qualified.rpartition(".")[0])
        return mapped

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            # What a star import binds is not looked for: its names stay unresolved.
            self.model.star_imports.append(
                "." * len(node.relative) + (dotted_name(node.module) or "" if node.module else "")
            )
            return
        module = dotted_name(node.module) if node.module is not None else ""
        dropin = not node.relative and module in self.model.tables.sdk.dropin_modules
        if not node.relative:
            self._note_sdk(self.model.tables.sdk.dropin_modules.get(module or "", module or ""))
            if module == "openai":
                # `from openai import embeddings_utils`: one note for the statement
                found = [
                    n for a in node.names if (n := dotted_name(a.name) or "") in self.model.tables.sdk.legacy_modules
                ]
                if found:
                    self._note_legacy_module(node, f"openai.{found[0]}")
            else:
                self._note_legacy_module(node, module or "")
        # relative imports keep their dots (".clients.client"): the project index resolves them
        prefix = "." * len(node.relative) + (f"{module}." if module else "")
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            qualified = self._dropin(f"{prefix}{name}") if dropin else f"{prefix}{name}"
            self.scope.add(bound, Binding(self.scope, qualified=qualified, target=alias))
            if module == "os" and not node.relative and bound != name and name in ("environ", "getenv"):
                self.model.os_aliases[bound] = name

    def _note_sdk(self, qualified: str) -> None:
        top = qualified.split(".")[0]
        if any(name.split(".")[0] == top for name in self.model.tables.clients):
            self.model.imported_sdks.add(top)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        for statement in node.body:
            if type(statement) is cst.Assign and type(statement.targets[0].target) is cst.Attribute:
                self.model.attribute_assignments.append((node, statement, self.scope))
            elif type(statement) is cst.Import and self.scope.kind == "module":
                if any(dotted_name(alias.name) == "openai" for alias in statement.names):
                    self.model.openai_import_lines.append(node)
            elif type(statement) is cst.ImportFrom and self.scope.kind == "module" and statement.module is not None:
                # `from langfuse.openai import openai`: the SDK's module, through a drop-in
                if self.model.tables.sdk.dropin_modules.get(dotted_name(statement.module) or "") == "openai":
                    names = statement.names
                    if not isinstance(names, cst.ImportStar) and any(a.evaluated_name == "openai" for a in names):
                        self.model.openai_import_lines.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        first = node.targets[0].target
        if self.scope.kind == "module" and type(first) is cst.Name and len(node.targets) == 1:
            if os_dotted_name(node.value) in ENVIRON_NAMES:
                self.model.os_aliases[first.value] = "os.environ"  # `ENV = os.environ`
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
        self,
        target: cst.BaseExpression,
        value: cst.BaseExpression | None,
        annotation: cst.BaseExpression | None = None,
        unpacked: tuple[cst.BaseExpression, int, int] | None = None,
    ) -> None:
        if type(target) in (cst.Name, cst.Attribute) and type(value) is cst.SimpleString:
            self.model.assigned_names[value] = dotted_name(target) or ""
        if type(target) is cst.Name:
            binding = Binding(self.scope, value=value, target=target, annotation=annotation, unpacked=unpacked)
            self.scope.add(target.value, binding)
        elif isinstance(target, cst.Attribute):
            dotted = dotted_name(target)
            if dotted is None:
                return
            base = dotted.split(".")[0]
            klass = self.scope.enclosing_class() if base in ("self", "cls") else None
            key = (klass, dotted)
            binding = Binding(self.scope, value=value, target=target, annotation=annotation, unpacked=unpacked)
            self.model.attribute_bindings.setdefault(key, []).append(binding)
        elif isinstance(target, cst.Tuple | cst.List):
            # `client, model = make()`: each name is the element of its position (no `*rest`)
            elements = target.elements
            whole = value is not None and not any(isinstance(e, cst.StarredElement) for e in elements)
            for index, element in enumerate(elements):
                source = (value, index, len(elements)) if whole and value is not None else None
                self._bind_target(element.value, None, unpacked=source)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)

    # uses
    def visit_Call(self, node: cst.Call) -> None:
        self.model.calls.append((node, self.scope))
        func = node.func
        called = func.attr.value if type(func) is cst.Attribute else func.value if type(func) is cst.Name else ""
        if called in TOKENIZER_LOOKUPS and node.args:
            self.model.tokenizer_calls.append((node, self.scope))
            name = dotted_name(node.args[0].value)
            if name:
                self.model.tokenizer_names.add(name)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if os_dotted_name(node.value) in ENVIRON_NAMES:
            self.model.environ_subscripts.append(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.model.string_literals.append((node, self.scope))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.model.formatted_strings.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        names = self.model.names
        if node.value in names:
            names[node.value].append(node)
        else:
            names[node.value] = [node]


def _defines_tests(scope: Scope) -> bool:
    """Whether a module or class body defines a `test_*` function (a method, in a class)."""
    return any(
        name.startswith("test_")
        and any(binding.defines is not None and type(binding.defines.node) is cst.FunctionDef for binding in bindings)
        for name, bindings in scope.bindings.items()
    )
