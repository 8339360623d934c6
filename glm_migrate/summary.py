"""What a module gives the rest of the project (see `project.py`), read off its semantic model."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TypeVar, cast

import libcst as cst

from glm_migrate.nodes import callee, code_of, names_in, short_code
from glm_migrate.project import ClientFact, ModuleSummary
from glm_migrate.rules._clients import moved_by_fixes, repoint_blocker, set_after_built
from glm_migrate.rules._flow import ModelTest, model_tests
from glm_migrate.rules._helpers import (
    imported_setting,
    langchain_subclasses,
    names_openai_key,
    number_value,
    tests_shown,
)
from glm_migrate.rules._langchain_requests import piped_templates
from glm_migrate.rules._setting_flow import KEY_KEYWORDS, OWN_CLIENT_KINDS, URL_KEYWORDS, ModuleIndex, unstripped
from glm_migrate.rules._settings_class import settings_instances
from glm_migrate.rules.dict_response_read import endpoints_patched_with_a_dict
from glm_migrate.semantic import (
    STRING_PASSTHROUGH_METHODS,
    ApiCall,
    Binding,
    Client,
    Scope,
    SemanticModel,
    Target,
    dotted_name,
    env_lookup,
    string_value,
)
from glm_migrate.semantic.values import (
    FunctionValue,
    ImportedInstance,
    InstanceValue,
    LocalClassValue,
    ModuleValue,
)
from glm_migrate.tables import Tables
from glm_migrate.widths import vector_widths

#: the endpoints whose `model=` the model map covers
_MODEL_ENDPOINTS = frozenset({"chat", "embeddings", "images", "audio_transcriptions"})
_MAX_DEPTH = 8
#: the Agents SDK's calls that hand it a client for agents bringing no model of their own
_AGENTS_SETUPS = frozenset({"agents_default_client", "agents_provider"})


#: the last segment of a resource path in `client_params` whose call sends a model id without a
#: GLM counterpart (`kept_by_hand`): a caller's client waits for a person there
BY_HAND = "#by-hand"
#: ... or whose call, through a parameter of a module that imports no SDK, sends an OpenAI id that
#: module only reports (GLM103: it cannot see the client): no run changes it there
UNSEEN_ID = "#unseen-id"
#: marks a "path" of `client_params` for a parameter whose client the function points at a server
#: itself (`client.base_url = ...`, astra-assistants' `patch(client)`): a caller's client moved to
#: Z.AI would be left alone there, or pointed elsewhere
REPOINTED = "#repointed"
#: marks a "path" of `client_params` for a parameter whose client's credentials the function sends
#: requests of its own with (`headers=self._client.auth_headers`): requests not seen, which a
#: caller's client moved to Z.AI would take there
CREDENTIALS = "#credentials"

_T = TypeVar("_T")


def summarize(model: SemanticModel) -> ModuleSummary:
    """The clients this module's module-level names and functions hold, its imports, and the
    imported names it sends as model ids. Cheap: it reads what the semantic pass resolved."""
    clients: dict[str, ClientFact] = {}
    factories: dict[str, ClientFact] = {}
    instances: dict[str, tuple[str, ...]] = {}
    reexports: dict[str, str] = {}
    for name, bindings in model.module_scope.bindings.items():
        if len(bindings) == 1 and bindings[0].qualified is not None and not bindings[0].assumed:
            reexports[name] = bindings[0].qualified
        if any(b.defines is not None and b.defines.kind == "function" for b in bindings):
            fact = _fact(model, model.returned_clients(bindings))
            if fact is not None:
                factories[name] = fact
            if returned := _returned_instances(model, bindings):
                instances[name] = returned
        elif any(b.defines is not None and b.defines.kind == "class" for b in bindings):
            # `Config().client()`, `Config.make()`: methods returning a client, by "Class.method"
            for method, fact in _client_methods(model, bindings):
                factories[f"{name}.{method}"] = fact
            # `Factory().make_agent()`: methods returning instances of a class, by "Class.method"
            for klass in (b.defines for b in bindings if b.defines is not None and b.defines.kind == "class"):
                for method, defined in model.methods_of(klass).items():
                    if returned := _returned_instances(model, defined):
                        instances[f"{name}.{method}"] = returned
            # `self.client = OpenAI()` in its `__init__`: read as `self.client` by subclasses
            # in other modules, by "Class.attr"
            for attr, fact in _client_attributes(model, bindings):
                clients[f"{name}.{attr}"] = fact
        else:
            fact = _fact(model, model.name_clients(name))
            if fact is not None:
                clients[name] = fact
    imports = sorted(
        {
            b.qualified
            for scope in model.scopes
            for bs in scope.bindings.values()
            for b in bs
            if b.qualified and not b.assumed  # not imported: taken for the SDK (GLM012)
        }
    )
    sent, held = tuple(sorted(set(_sent(model)))), tuple(sorted(set(_held(model))))
    model_params = _model_params(model)
    return ModuleSummary(
        clients,
        factories,
        reexports,
        tuple(imports),
        sent,
        held,
        model_params,
        _client_params(model),
        client_forwards=_client_forwards(model, set(imports)),
        param_sent=_param_sent(model),
        vector_widths=vector_widths(model.source, set(model.tables.openai_embedding_sizes.values())),
        embedding_sizes=_embedding_sizes(model),
        tokenizer_params=_tokenizer_params(model),
        key_settings=_key_settings(model),
        keys=tuple(sorted(set(_keys(model)))),
        handed_keys=tuple(sorted(set(_handed_keys(model)))),
        system_only_piped=tuple(sorted(set(_system_only_piped(model)))),
        written_keys=_written_keys(model),
        key_args=tuple(sorted(set(_key_args(model)))),
        env_names=_test_env_names(model),
        model_ids=_test_model_ids(model),
        client_stubs=_client_stubs(model),
        agents_setup=any(kind in _AGENTS_SETUPS for _, _, kind in model.framework_calls),
        attribute_calls=_attribute_calls(model),
        wrapped_calls=_wrapped_calls(model),
        handed_clients=tuple(
            sorted(
                {
                    (h.function, h.client.sdk)
                    for h in model.handed
                    # a client kept on OpenAI for the assistants and threads it is used for
                    # (`account_only`) hands them on too: Z.AI lacks the calls made there
                    if h.client.sdk in ("openai", "azure")
                    and (h.client.target is not Target.OTHER or h.client.account_only)
                }
            )
        ),
        server_urls=_server_urls(model),
        session_clients=tuple(sorted(set(model.session_stored_clients.values()))),
        session_calls=tuple(sorted(set(_session_calls(model)))),
        instances=instances,
        legacy_patched=_legacy_patched(model),
        tested_sent=tuple(sorted(set(_tested_sent(model)))) if sent else (),
        tested_params=_tested_params(model) if model_params else {},
        handed_names=_handed_names(model, reexports),
        own_handed=_handed_names(model, reexports, {name: name for name in model_params}) if model_params else (),
        stayed_params=_stayed_params(model),
        langchain_subclasses=_langchain_subclasses(model),
        responses_params=_responses_params(model),
    )


def _responses_params(model: SemanticModel) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """Module-level functions and classes that send a parameter as the model id of a Responses
    API call (`ModuleSummary.responses_params`), whatever becomes of its client: Z.AI lacks the
    API, so a person rewrites the call, and the callers' ids with it."""
    found: dict[str, set[tuple[str, int, str]]] = {}
    for call in model.api_calls:
        if call.path[0] != "responses" or call.path[-1] not in ("create", "parse", "stream"):
            continue
        for value in model.model_arguments(call):
            for owner, param, index in params_reaching(model, value, call.scope):
                found.setdefault(owner, set()).add((param, index, ".".join(call.path)))
    return {name: tuple(sorted(params)) for name, params in found.items()}


def _langchain_subclasses(model: SemanticModel) -> dict[str, str]:
    """The module-level classes of `ModuleSummary.langchain_subclasses`, with their base's kind."""
    return {
        name: kind
        for name, (node, _, kind) in langchain_subclasses(model).items()
        if any(b.defines is not None and b.defines.node is node for b in model.module_scope.bindings.get(name, ()))
    }


def _handed_names(
    model: SemanticModel, reexports: Mapping[str, str], own: Mapping[str, str] | None = None
) -> tuple[tuple[str, str, int, str], ...]:
    """`ModuleSummary.handed_names`: arguments naming a module-level import (`MODEL_NAME`,
    `config.MODEL_NAME`) of calls of another module-level import (`OpenAIAgent(...)`), read off
    the code as `import_summary` reads them (tests/test_import_summary.py holds the two equal);
    with `own`, `ModuleSummary.own_handed`: of calls of those of this module's names instead."""
    if not reexports:
        return ()
    found: set[tuple[str, str, int, str]] = set()
    for call, scope in model.calls:
        func = dotted_name(call.func)
        if func is None:
            continue
        target = own.get(func) if own is not None else _imported_dotted(func, reexports)
        if target is None:
            continue
        splat = False  # the positions after a `*args` are not known
        for position, arg in enumerate(call.args):
            if arg.star:
                splat = True
                continue
            if type(arg.value) not in (cst.Name, cst.Attribute) or (splat and arg.keyword is None):
                continue
            passed = dotted_name(arg.value)
            if type(arg.value) is cst.Name and arg.value.value not in reexports:
                passed = _aliased(model, arg.value.value, scope)
            value = _imported_dotted(passed, reexports) if passed is not None else None
            if value is not None:
                keyword = arg.keyword.value if arg.keyword is not None else ""
                found.add((target, keyword, -1 if keyword else position, value))
    return tuple(sorted(found))


def _aliased(model: SemanticModel, name: str, scope: Scope) -> str | None:
    """`MODEL_NAME` for `name` where the scope making the call binds it once, by a plain
    `name = MODEL_NAME` (or `= config.MODEL_NAME`), or is a function whose parameter `name`
    defaults to it (`def judge(a, b, model=DEFAULT_MODEL)`: what it sends unless a caller says
    otherwise), and nothing else there binds it (`import_summary._aliases` reads the same off
    the code)."""
    bindings = model.lookup(name, scope)
    if len(bindings) != 1:
        return None
    value, target = bindings[0].value, bindings[0].target
    if type(value) not in (cst.Name, cst.Attribute) or value is None:
        return None
    if type(target) is cst.Param:
        # a parameter's binding keeps the scope its default is read in: the function's own
        return dotted_name(value) if target.default is value and scope.bindings.get(name) == bindings else None
    if bindings[0].scope is not scope:
        return None
    assign_target = model.parents.get(target) if target is not None else None
    assign = model.parents.get(assign_target) if assign_target is not None else None
    if type(assign_target) is not cst.AssignTarget or type(assign) is not cst.Assign or len(assign.targets) != 1:
        return None
    return dotted_name(value)


def _imported_dotted(dotted: str, reexports: Mapping[str, str]) -> str | None:
    """`config.MODEL_NAME` as imported (`import config`), or `MODEL_NAME` (`from config import
    MODEL_NAME`: "config.MODEL_NAME"); None where its first name is no module-level import."""
    root, dot, rest = dotted.partition(".")
    imported = reexports.get(root)
    return None if imported is None else f"{imported}{dot}{rest}"


def _legacy_patched(model: SemanticModel) -> tuple[str, ...]:
    """The openai<1 resources whose methods the module patches by a string target
    (`mock.patch("openai.ChatCompletion.create")`, `@patch("app.chat.openai.Completion.create")`,
    `mocker.patch(...)`, `monkeypatch.setattr("openai.ChatCompletion.create", fake)`), and the
    openai>=1 methods (dotted, "chat.completions.create") it patches with a dict as their reply."""
    if "patch" not in model.source and "setattr" not in model.source:
        return ()
    resources = model.tables.sdk.legacy_resources
    found: set[str] = set()
    for call, _ in model.calls:
        last = (dotted_name(call.func) or "").rpartition(".")[2]
        if last not in ("patch", "setattr") or not call.args:
            continue
        target = string_value(call.args[0].value)
        parts = target.split(".") if target else []
        if "openai" in parts[:-1]:
            found.update(part for part in parts[parts.index("openai") + 1 :] if part in resources)
    return tuple(sorted(found | endpoints_patched_with_a_dict(model)))


def _session_calls(model: SemanticModel) -> Iterator[tuple[str, str]]:
    """(key, resource path) for calls through a client read from `st.session_state`
    (`st.session_state.client.embeddings.create(...)`, `client = st.session_state["client"]`
    then `client.files.create(...)`) that cannot follow it to Z.AI in a safe run: the page that
    keeps it there holds its move for them (another page of a Streamlit app)."""
    if "session_state" not in model.source:
        return
    for call, scope in model.calls:
        node, parts = call.func, cast(list[str], [])
        while type(node) is cst.Attribute:
            if parts and (key := model.session_read(node, scope)) is not None:
                break
            parts.insert(0, node.attr.value)
            node = node.value
        else:
            key = model.session_read(node, scope) if parts else None
        path = model.tables.sdk.normalise_path(tuple(parts))
        if key is not None and len(path) > 1 and cannot_follow(model.tables, path):
            yield key, ".".join(path)


def _returned_instances(model: SemanticModel, bindings: list[Binding]) -> tuple[str, ...]:
    """The classes a module-level function (or a method) returns instances of (`return
    Agent(...)`): one of this module by its name, an imported one (named as a class is) as written."""
    found: list[str] = []
    for binding in bindings:
        function = binding.defines
        if function is None or function.kind != "function":
            continue
        for returned in function.returns:
            for value in model.values_of(returned, function):
                if isinstance(value, InstanceValue) and value.scope.parent is model.module_scope:
                    if type(node := value.scope.node) is cst.ClassDef:
                        found.append(node.name.value)
                elif isinstance(value, ImportedInstance):
                    found.append(value.name)
            if type(returned) is cst.Call and not found:
                for value in model.values_of(returned.func, function):
                    if isinstance(value, ModuleValue) and value.name.rpartition(".")[2][:1].isupper():
                        found.append(value.name)
    return tuple(dict.fromkeys(found))


def _embedding_sizes(model: SemanticModel) -> tuple[int, ...]:
    """The vector sizes of the OpenAI embedding models whose ids the module writes."""
    sizes = model.tables.openai_embedding_sizes
    if not any(name in model.source for name in sizes):
        return ()
    found = set()
    for literal, _ in model.string_literals:
        value = string_value(literal)
        size = sizes.get(model.tables.dated_suffix.sub("", value)) if value and len(value) <= 64 else None
        if size is not None:
            found.add(size)
    return tuple(sorted(found))


def _attribute_calls(model: SemanticModel) -> dict[str, tuple[str, ...]]:
    """ "Class.attr" -> resource paths of the API calls a module-level class makes through
    `self.attr` where nothing here gives it a client (a subclass elsewhere sets it)."""
    found: dict[str, set[str]] = {}
    sdk = model.tables.sdk
    if "self." not in model.source:
        return {}
    for call, scope in model.calls:
        if type(call.func) is not cst.Attribute:
            continue
        receiver = dotted_name(call.func)
        parts = tuple(receiver.split(".")) if receiver is not None else ()
        if len(parts) < 4 or parts[0] != "self":
            continue
        path = sdk.normalise_path(parts[2:])
        if path not in sdk.endpoints and not model.tables.unavailable_advice(path):
            continue
        klass = scope.enclosing_class()
        if klass is None or klass.parent is not model.module_scope or type(klass.node) is not cst.ClassDef:
            continue
        held = model.values_of(cst.Attribute(cst.Name("self"), cst.Name(parts[1])), scope)
        if any(isinstance(value, Client) and value.origin != "annotation" for value in held):
            continue  # a client this module gives it (not only declares): its calls are checked here
        found.setdefault(f"{klass.node.name.value}.{parts[1]}", set()).add(".".join(path))
    return {name: tuple(sorted(paths)) for name, paths in found.items()}


def _wrapped_calls(model: SemanticModel) -> tuple[tuple[str, str], ...]:
    """(attribute, resource path) for the API calls made through an attribute of another object
    (`self.wrapper.client.beta.assistants.create(...)`, `wrapper.client.chat.completions.create(...)`)
    that holds no client this module knows of: a wrapper another module builds keeps one there.
    `self.client.chat...` alone is a class attribute's (`_attribute_calls`)."""
    found: set[tuple[str, str]] = set()
    sdk = model.tables.sdk
    for call, scope in model.calls:
        # four names at least (`wrapper.client.chat.create`): most calls are told by their shape
        func = call.func
        if type(func) is not cst.Attribute or type(func.value) is not cst.Attribute:
            continue
        if type(func.value.value) is not cst.Attribute:
            continue
        receiver = dotted_name(func)
        if receiver is None or receiver.count(".") < 3:
            continue
        parts = tuple(receiver.split("."))
        for start in range(1, len(parts) - 1):
            path = sdk.normalise_path(parts[start:])
            if path in sdk.endpoints or model.tables.unavailable_advice(path):
                break
        else:
            continue
        # `client.chat...` is a call through a name; `self.client.chat...` a class attribute's
        if start < 2 or (start == 2 and parts[0] in ("self", "cls")):
            continue
        holder: cst.BaseExpression = call.func
        for _ in range(len(parts) - start):
            holder = cast(cst.Attribute, holder).value
        # a client this module knows: its calls are checked here (those through the wrapper's
        # attribute too, `ModuleFacts.wrapped_clients`, which still hold it)
        wrapped = model.facts.wrapped_clients.get(parts[start - 1])
        values = model.values_of(holder, scope)
        if any(isinstance(v, Client) and (wrapped is None or v.imported is not wrapped[1]) for v in values):
            continue
        found.add((parts[start - 1], ".".join(path)))
    return tuple(sorted(found))


def _test_model_ids(model: SemanticModel) -> tuple[str, ...]:
    """In a test, the OpenAI model ids with a GLM counterpart its string literals hold."""
    if not model.is_test_module:
        return ()
    found = set()
    for literal, _ in model.string_literals:
        value = string_value(literal)
        if value is not None and len(value) <= 64 and (match := model.tables.match_model(value)) and match.glm:
            found.add(value)
    return tuple(sorted(found))


def _written_keys(model: SemanticModel) -> tuple[str, ...]:
    """OpenAI key variables this module sets to a value of the program's (`st.text_input(...)`,
    a setting): not in a test, whose set-up is a placeholder for the code it runs (GLM009), nor
    to a literal, which GLM003 reports where it is written."""
    if not model.own_key_envs or model.is_test_module:
        return ()
    keys = model.tables.openai_key_envs
    written = {
        name
        for name, value in model.environ_writes
        if name in keys and not isinstance(value, cst.SimpleString | cst.ConcatenatedString)
    }
    return tuple(sorted(written))


def _test_env_names(model: SemanticModel) -> tuple[str, ...]:
    """In a test, OpenAI's variables it names: those it sets for the code it runs, checks or
    expects in a message (GLM009 renames them safely where the whole run moves them)."""
    if "OPENAI_" not in model.source:
        return ()
    names = model.tables.openai_key_envs | model.tables.openai_base_url_envs
    found = [name for name in names if name in model.source]
    return tuple(sorted(found)) if found and model.is_test_module else ()


#: a patch target naming a client class in a module of the program (`"app.llm.AsyncOpenAI"`,
#: `"app.chain.ChatOpenAI"`)
_CLIENT_TARGET = re.compile(r"([\w.]+)\.(\w*OpenAI\w*)")
#: the calls that replace a name for a test: `monkeypatch.setattr`, `mock.patch`, `mocker.patch`
_PATCHES = frozenset({"setattr", "patch", "object"})
#: the keywords of a patch that give the stand-in, or what the mock calls in its place
_STAND_INS = frozenset({"new", "side_effect"})
#: a mock's checks of the exact arguments it was called with
_EXPECTS = frozenset({"assert_called_once_with", "assert_called_with"})
#: client classes whose clients the move turns into another class (GLM008: Azure's into OpenAI's)
_CONVERTED = frozenset({"AzureOpenAI", "AsyncAzureOpenAI"})
#: the options a move to Z.AI gives a client
_OPTIONS = frozenset({"base_url", "openai_api_base"})


def _client_stubs(model: SemanticModel) -> tuple[tuple[str, str, str], ...]:
    """In a test: (module as written, client class, what the test does with it) for each client
    class of another module (the SDK's, LangChain's) that a safe move there would make the test
    fail: replaced by a function or class of the test's own that cannot take `base_url=` and
    `api_key=` (`monkeypatch.setattr("app.llm.OpenAI", fake)`, `def fake(api_key=None)`), or by a
    mock the test expects to be built with exactly the arguments it lists
    (`cls.assert_called_once_with(api_key="sk-test")`), which the move changes."""
    if "OpenAI" not in model.source or not model.is_test_module:
        return ()
    found = []
    #: (function, name) holding a mock of a client class -> (module as written, class)
    mocks: dict[tuple[cst.CSTNode, str], tuple[str, str]] = {}
    expectations: list[tuple[cst.Call, cst.Attribute, Scope]] = []
    for call, scope in model.calls:
        func = call.func
        name = func.attr.value if type(func) is cst.Attribute else func.value if type(func) is cst.Name else ""
        if name in _EXPECTS and type(func) is cst.Attribute and type(func.value) is cst.Name:
            expectations.append((call, func, scope))  # read once every mock is known
            continue
        stubbed = _mockito_stub(model, call, scope)
        if stubbed is not None:
            found.append(stubbed)
            continue
        if name not in _PATCHES or not call.args or call.args[0].keyword is not None:
            continue
        first, rest = call.args[0].value, call.args[1:]
        written = string_value(first)
        if written is None and type(first) is cst.Name and name != "patch" and len(rest) > 1:
            # `monkeypatch.setattr(service, "OpenAI", fake)`, `patch.object(...)`: the module, as imported
            module = next((b.qualified for b in model.lookup(first.value, scope) if b.qualified), None)
            written = f"{module}.{string_value(rest[0].value)}" if module else None
            rest = rest[1:]
        target = _CLIENT_TARGET.fullmatch(written or "")
        if target is None:
            continue
        if target.group(2) in _CONVERTED:
            # any patch of it by name: the conversion to `OpenAI` takes the name out of the module
            found.append(
                (
                    target.group(1),
                    target.group(2),
                    f"by name, which the conversion to `OpenAI` takes out of that module: the test would fail "
                    f"with AttributeError; convert the client and patch `{target.group(2).replace('Azure', '')}` "
                    "there instead",
                )
            )
        # the stand-in, or what a mock calls with the constructor's arguments (`side_effect=`)
        new = next((a.value for a in rest if a.keyword is None or a.keyword.value in _STAND_INS), None)
        if new is None and name == "patch":
            # a mock: `with patch("app.OpenAI") as cls:`, `cls = mocker.patch("app.OpenAI")`
            holder = _mock_name(model, call, scope)
            if holder is not None:
                mocks[holder] = (target.group(1), target.group(2))
            continue
        stand_in = None
        if type(new) is cst.Lambda:
            stand_in = short_code(new, 40) if not _takes_client_options(new.params) else None
        elif type(new) is cst.Name:
            for binding in model.lookup(new.value, scope):
                node = binding.defines.node if binding.defines is not None else None
                if type(node) is cst.ClassDef:
                    init = next(
                        (s for s in node.body.body if type(s) is cst.FunctionDef and s.name.value == "__init__"), None
                    )
                    # a class without `__init__` of its own may inherit one that takes anything
                    node = init if init is not None and not node.bases else None
                if type(node) is cst.FunctionDef and not _takes_client_options(node.params):
                    stand_in = new.value
        if stand_in is not None:
            found.append(
                (
                    target.group(1),
                    target.group(2),
                    f"with `{stand_in}`, which cannot take `base_url=` and `api_key=`: moved, the client would fail it "
                    "with TypeError; let the stand-in take them (or `**kwargs`)",
                )
            )
    for call, func, scope in expectations if mocks else ():
        expected = mocks.get((scope.node, cast(cst.Name, func.value).value))
        if expected is not None and not any(a.star or (a.keyword and a.keyword.value in _OPTIONS) for a in call.args):
            args = ", ".join(code_of(a).strip().rstrip(",") for a in call.args) or "no arguments"
            found.append(
                (
                    *expected,
                    f"with a mock it expects to be built with exactly `{args}` (`{short_code(func)}`): moved, the "
                    "client would fail it; update that expectation",
                )
            )
    if mocks and ("call_args" in model.source or "mock_calls" in model.source):
        found.extend(_argument_reads(model, mocks))
    return tuple(sorted(set(found)))


#: mockito's calls that stub a module's attribute for the exact arguments the stub is then called with
_MOCKITO_STUBS = frozenset({"when", "expect", "when2"})


def _mockito_stub(model: SemanticModel, call: cst.Call, scope: Scope) -> tuple[str, str, str] | None:
    """(module as written, client class, what the test does) for mockito's stub of a client class
    of another module, `when(app.client).OpenAI().thenReturn(fake)`: it answers only a call with
    exactly the arguments listed, so the move's `base_url=` and `api_key=` would fail the test
    (InvocationError, or None where the stub is not strict)."""
    func = call.func
    if type(func) is not cst.Attribute or type(func.value) is not cst.Call:
        return None
    stub = func.value
    if (dotted_name(stub.func) or "").rpartition(".")[2] not in _MOCKITO_STUBS or len(stub.args) != 1:
        return None
    written = dotted_name(stub.args[0].value)
    if written is None or _CLIENT_TARGET.fullmatch(f"{written}.{func.attr.value}") is None:
        return None
    root, dot, rest = written.partition(".")
    module = next((b.qualified for b in model.lookup(root, scope) if b.qualified), None)
    if module is None or any(a.star or (a.keyword and a.keyword.value in _OPTIONS) for a in call.args):
        return None
    args = ", ".join(code_of(a).strip().rstrip(",") for a in call.args)
    built = f"exactly `{args}`" if args else "no arguments"
    return (
        f"{module}{dot}{rest}",
        func.attr.value,
        f"with mockito's stub answering only a build with {built} (`{short_code(call)}`): moved, the client "
        "would fail it; update that stub",
    )


#: a mock's records of the arguments it was called with, which a test compares or reads
_ARGUMENT_RECORDS = frozenset({"call_args", "call_args_list", "mock_calls"})


def _argument_reads(
    model: SemanticModel, mocks: dict[tuple[cst.CSTNode, str], tuple[str, str]]
) -> Iterator[tuple[str, str, str]]:
    """For each mock of a client class whose recorded arguments the test reads
    (`cls.call_args.kwargs == {"api_key": None}`, `cls.call_args == call(...)`,
    `cls.call_args_list`): the entry `_client_stubs` gives it. The move adds `base_url=` and
    changes the key the client is built with, which such a comparison sees."""
    for (holder, name), expected in mocks.items():
        for node in model.names.get(name, ()):
            parent = model.parents.get(node)
            if type(parent) is not cst.Attribute or parent.value is not node:
                continue
            if parent.attr.value not in _ARGUMENT_RECORDS or _enclosing_function(model, node) is not holder:
                continue
            yield (
                *expected,
                f"with a mock whose arguments it reads (`{short_code(parent)}`): moved, the client would be "
                "built with `base_url=` and Z.AI's key, which that test does not expect; update it",
            )
            break


def _enclosing_function(model: SemanticModel, node: cst.CSTNode) -> cst.CSTNode | None:
    """The function (or module) a node is written in, as `_mock_name` names it."""
    parent = model.parents.get(node)
    while parent is not None and type(parent) not in (cst.FunctionDef, cst.Module):
        parent = model.parents.get(parent)
    return parent


def _mock_name(model: SemanticModel, call: cst.Call, scope: Scope) -> tuple[cst.CSTNode, str] | None:
    """The function and name a test holds the mock a patch call makes in (`with patch(...) as
    cls:`, `cls = mocker.patch(...)`, `cls = patch(...).start()`, the parameter of a test
    decorated with `@patch(...)`), or None."""
    parent = model.parents.get(call)
    if type(parent) is cst.Attribute and parent.attr.value == "start":
        parent = model.parents.get(model.parents.get(parent) or call)
        parent = parent if type(parent) is cst.Assign else None
    if type(parent) is cst.WithItem and parent.asname is not None and type(parent.asname.name) is cst.Name:
        return scope.node, parent.asname.name.value
    if type(parent) is cst.Assign and len(parent.targets) == 1 and type(parent.targets[0].target) is cst.Name:
        return scope.node, parent.targets[0].target.value
    test = model.parents.get(parent) if type(parent) is cst.Decorator else None
    if type(test) is cst.FunctionDef:
        # each `@patch` without a stand-in passes its mock, the nearest decorator's first
        injecting: list[cst.CSTNode] = [
            d for d in reversed(test.decorators) if type(d.decorator) is cst.Call and _injects(d.decorator)
        ]
        params = [p.name.value for p in test.params.params]
        params = params[1:] if params[:1] == ["self"] else params  # a test method's mocks follow `self`
        index = injecting.index(parent) if parent in injecting else len(params)
        return (test, params[index]) if index < len(params) else None
    return None


def _injects(call: cst.Call) -> bool:
    """Whether a decorator call is a patch that passes the test its mock: one given no stand-in
    (`@patch("app.OpenAI")`, `@patch.object(app, "OpenAI")`)."""
    func = call.func
    name = func.attr.value if type(func) is cst.Attribute else func.value if type(func) is cst.Name else ""
    if name not in ("patch", "object"):
        return False
    after = 2 if name == "object" else 1  # the stand-in's position
    return not any(a.keyword.value == "new" if a.keyword else index >= after for index, a in enumerate(call.args))


def _takes_client_options(params: cst.Parameters) -> bool:
    """Whether a function with these parameters can be called with `base_url=` and `api_key=`
    (or LangChain's older names for them)."""
    if type(params.star_kwarg) is cst.Param:
        return True
    names = {p.name.value for p in (*params.params, *params.kwonly_params)}
    return bool(names & {"base_url", "openai_api_base"}) and bool(names & {"api_key", "openai_api_key"})


#: how a variable holding a key is named, one way or another (a cheap filter before the search)
_KEY_LIKE = re.compile(r"key|token|secret", re.IGNORECASE)
#: the keywords a client or a LangChain class takes its key by
_KEY_KEYWORDS = frozenset({"api_key", "openai_api_key"})


def _key_settings(model: SemanticModel) -> dict[str, tuple[str, str]]:
    """Module-level variables holding OpenAI's key, which other modules may import: the
    variable read straight from OpenAI's (`api_key = os.environ["OPENAI_API_KEY"]`: "env"), or
    named as OpenAI's key or read by such a name (`OPENAI_KEY = get_secret()`, `api_key =
    config["openai"]`: "named")."""
    tables = model.tables
    found: dict[str, tuple[str, str]] = {}
    index: ModuleIndex | None = None
    for name, bindings in model.module_scope.bindings.items():
        defines = bindings[0].defines if len(bindings) == 1 else None
        if defines is not None and defines.kind == "function" and defines.returns and _KEY_LIKE.search(name):
            # `def get_api_key(): ... return key`: callers elsewhere get what it returns on every path
            index = index or ModuleIndex(model)
            returned = index.returned_setting(defines)
            env = env_lookup(returned) if returned is not None else None
            if env is not None and env[0] in tables.openai_key_envs and env[0] not in model.program_key_envs:
                # "env" only where the call does nothing a caller would miss once it is replaced
                found[name] = (env[0], "named" if index.other_call(defines) is not None else "env")
            elif env is None:
                # OpenAI's key on some paths, another value (or None) on others
                for path in index.returned_values(defines):
                    env = env_lookup(path)
                    if env is not None and env[0] in tables.openai_key_envs and env[0] not in model.program_key_envs:
                        found[name] = (env[0], "named")
                        break
            continue
        if not all(b.value is not None and b.qualified is None and type(b.target) is cst.Name for b in bindings):
            continue
        value = bindings[0].value if len(bindings) == 1 else None
        env = env_lookup(unstripped(value)) if value is not None else None
        if env is not None and env[0] in tables.openai_key_envs and env[0] not in model.program_key_envs:
            found[name] = (env[0], "env")
        elif env is not None or _KEY_LIKE.search(name):
            target = bindings[0].target
            assert isinstance(target, cst.Name)
            variable = names_openai_key(model, tables, target, model.module_scope)
            if variable is not None:
                found[name] = (variable, "named")
    for scope in model.scopes:
        # `class Config: OPENAI_API_KEY = os.getenv("OPENAI_API_KEY")`, imported as `Config` and
        # read as `Config.OPENAI_API_KEY`
        if scope.kind != "class" or scope.parent is not model.module_scope or type(scope.node) is not cst.ClassDef:
            continue
        for name, bindings in scope.bindings.items():
            value = bindings[-1].value
            if type(bindings[-1].target) is not cst.Name or value is None:
                continue
            env = env_lookup(unstripped(value))
            if env is not None and env[0] in tables.openai_key_envs and env[0] not in model.program_key_envs:
                found.setdefault(f"{scope.node.name.value}.{name}", (env[0], "env"))
    for name, fields in settings_instances(model).items():
        # `settings = Settings()`, whose `api_key` field `env_prefix="openai_"` reads from OPENAI_API_KEY
        for field, envs in fields.items():
            variable = next((e for e in envs if e in tables.openai_key_envs), None)
            if variable is not None and variable not in model.program_key_envs:
                found[f"{name}.{field}"] = (variable, "env")
    return found


def _keys(model: SemanticModel) -> Iterator[str]:
    """Other modules' variables this module passes as a client's key, as imported: to an SDK
    client's or a LangChain class's key keyword, or `openai.api_key`."""
    values: list[tuple[cst.BaseExpression, Scope]] = []
    for call, scope in model.calls:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in _KEY_KEYWORDS:
                values.append((arg.value, scope))
    values += [(a.value, model.scope_of(a.value)) for a in model.module_attributes if a.attribute == "api_key"]
    for value, scope in list(values):
        if type(value) is cst.Name:
            # `api_key = DEEPSEEK_KEY` / `api_key = OPENAI_KEY` in branches, then `OpenAI(api_key=api_key)`
            held = [
                (b.value, b.scope)
                for b in model.bindings_of(value, scope)
                if type(b.value) in (cst.Name, cst.Attribute)
            ]
            values += cast(list[tuple[cst.BaseExpression, Scope]], held)
    for value, scope in values:
        if type(value) in (cst.Name, cst.Attribute, cst.Call):  # `get_api_key()`: the function imported
            imported = imported_setting(model, value, scope)
            if imported is not None:
                yield imported[0]


def _handed_keys(model: SemanticModel) -> Iterator[str]:
    """Other modules' variables this module puts in a dict it passes to a call, as imported:
    handed on as data (`JsonResponse({"key": settings.OPENAI_API_KEY})`, `requests.post(url,
    headers={"Authorization": f"Bearer {keys.OPENAI_API_KEY}"})`), to a reader that is no
    client; whether they hold OpenAI's key is the defining module's to say. So are those an HTTP
    request sends itself: as an argument, in a tuple (`auth=("", OPENAI_API_KEY)`), or in a dict
    kept in a name (`headers = {...}` then `requests.get(url, headers=headers)`), and those set
    as a client's key after it is built (`client.api_key = OPENAI_API_KEY`): that client stays
    with OpenAI until a person moves it."""
    http = model.tables.sdk.http_clients
    # `client = OpenAI()` then `client.api_key = OPENAI_API_KEY`: a key set after the client is
    # built, which only a person moves to Z.AI (GLM002, GLM001): until then it talks to OpenAI
    for assignment in model.client_option_assignments:
        if assignment.option == "api_key" and type(assignment.value) in (cst.Name, cst.Attribute):
            if assignment in set_after_built(model, assignment.client):
                imported = imported_setting(model, assignment.value, assignment.scope)
                if imported is not None:
                    yield imported[0]
    # `OpenAIEmbedding(api_key=Config.OPENAI_API_KEY)`: a library class keeping its own OpenAI
    # client, which no fix moves (GLM302), given no server of its own
    urls = {*URL_KEYWORDS, "api_base", *model.tables.sdk.model_reader_url_keywords}
    for call, scope, kind in model.framework_calls:
        if kind not in OWN_CLIENT_KINDS:
            continue
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        if urls.isdisjoint(keywords):
            for keyword in KEY_KEYWORDS & keywords.keys():
                if type(keywords[keyword]) in (cst.Name, cst.Attribute):
                    imported = imported_setting(model, keywords[keyword], scope)
                    if imported is not None:
                        yield imported[0]
    for call, scope in model.calls:
        request: bool | None = None
        for arg in call.args:
            value = arg.value
            if type(value) is not cst.Dict:
                if request is None:
                    request = any(
                        isinstance(v, ModuleValue) and v.name.split(".")[0] in http
                        for v in model.values_of(call.func, scope)
                    )
                if not request:
                    continue
                if type(value) is cst.Name:
                    kept = [b.value for b in model.lookup(value.value, scope) if b.value is not None]
                    value = next((v for v in kept if type(v) in (cst.Dict, cst.Tuple)), value)
            containers: list[cst.BaseExpression] = [value]
            if type(value) is cst.Dict:
                containers = [e.value for e in value.elements if type(e) is cst.DictElement]
            elif type(value) is cst.Tuple:
                containers = [e.value for e in value.elements if type(e) is cst.Element]
            for element in containers:
                values: list[cst.BaseExpression] = [element]
                if type(element) is cst.FormattedString:
                    values = [part.expression for part in element.parts if type(part) is cst.FormattedStringExpression]
                for found in values:
                    if type(found) in (cst.Name, cst.Attribute):
                        imported = imported_setting(model, found, scope)
                        if imported is not None:
                            yield imported[0]


def _system_only_piped(model: SemanticModel) -> Iterator[tuple[str, str]]:
    """(imported name as written, the roles sent) for another module's chat model this module
    pipes a prompt template with no user turn into (`from app.llm import chat_model` ... `prompt
    | chat_model`, `prompt` a `ChatPromptTemplate.from_messages([("system", ...)])`): Z.AI
    rejects that conversation, so the defining module's class waits where it is built."""
    if "from_messages" not in model.source or "|" not in model.source:
        return
    from glm_migrate.rules.langchain_openai_class import COPYING  # imported here: a cycle at import time

    copies = model.tables.langchain_binding_methods | COPYING
    for local, bindings in model.module_scope.bindings.items():
        if len(bindings) != 1 or bindings[0].qualified is None:
            continue
        for use in model.uses_of(local, model.module_scope):
            node: cst.BaseExpression = use
            parent = model.parents.get(node)
            while type(parent) is cst.Attribute and parent.value is node and parent.attr.value in copies:
                outer = model.parents.get(parent)
                if type(outer) is not cst.Call:
                    break
                node, parent = outer, model.parents.get(outer)
            if type(parent) is cst.BinaryOperation and type(parent.operator) is cst.BitOr and parent.right is node:
                for _, roles in piped_templates(model, parent):
                    yield bindings[0].qualified, ", ".join(f"`{role}`" for role in dict.fromkeys(roles))


def _key_args(model: SemanticModel) -> Iterator[tuple[str, str, int, str]]:
    """The arguments this module passes OpenAI's key by to imported functions and classes
    (`GptClient(api_key=Config.OPENAI_API_KEY)` after `from infrastructure.gpt import GptClient`),
    as (the callable as written, keyword or "", position or -1, OpenAI's key variable)."""
    for call, scope in model.calls:
        dotted = dotted_name(callee(call))
        if dotted is None or not call.args:
            continue
        first, _, rest = dotted.partition(".")
        bindings = model.lookup(first, scope)
        if len(bindings) != 1 or bindings[0].qualified is None:
            continue
        written = f"{bindings[0].qualified}.{rest}" if rest else bindings[0].qualified
        for position, arg in enumerate(call.args):
            if arg.star:
                break
            if type(arg.value) not in (cst.Name, cst.Attribute, cst.Call, cst.Subscript):
                continue  # a literal, a container, a lambda: no key read by name
            env = env_lookup(arg.value)
            variable = env[0] if env is not None and env[0] in model.tables.openai_key_envs else None
            variable = variable or names_openai_key(model, model.tables, arg.value, scope)
            if variable is not None:
                keyword = arg.keyword.value if arg.keyword is not None else ""
                yield written, keyword, -1 if keyword else position, variable


def _client_methods(model: SemanticModel, bindings: list[Binding]) -> Iterator[tuple[str, ClientFact]]:
    """(method, what it returns) for the methods of a module-level class that return a client
    (not properties: reading one is not a call)."""
    for klass in (b.defines for b in bindings if b.defines is not None and b.defines.kind == "class"):
        for method, defined in model.methods_of(klass).items():
            fact = _fact(model, model.returned_clients(defined))
            if fact is not None:
                yield method, fact


def _client_attributes(model: SemanticModel, bindings: list[Binding]) -> Iterator[tuple[str, ClientFact]]:
    """(attribute, what it holds) for the attributes of a module-level class's instances that
    hold a client."""
    for klass in (b.defines for b in bindings if b.defines is not None and b.defines.kind == "class"):
        for attr, held in model.attribute_clients(klass).items():
            fact = _fact(model, held)
            if fact is not None:
                yield attr, fact


def _model_params(model: SemanticModel) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """Module-level functions and classes that send a parameter as the model id of a chat or
    embeddings request through clients this module moves to Z.AI: callers in other modules
    pass the id (`chat("gpt-4o", ...)`, `Service(model="gpt-4o")` kept in `self.model`)."""
    found: dict[str, set[tuple[str, int, str]]] = {}
    for owner, param, index, call in _model_param_sources(model):
        found.setdefault(owner, set()).add((param, index, call.endpoint or ""))
    return {name: tuple(sorted(params)) for name, params in found.items()}


def _tested_params(model: SemanticModel) -> dict[str, tuple[tuple[str, str], ...]]:
    """The functions and classes of `_model_params` whose parameter's id they also compare or
    membership-test on its way to the request (`if model.startswith("text-embedding"): ...`),
    each with the parameter and the tests shown: a caller elsewhere rewriting the id it passes
    changes what those tests decide."""
    found: dict[str, dict[str, str]] = {}
    memo: dict[tuple[str, Scope], list[ModelTest]] = {}
    for owner, param, _, call in _model_param_sources(model):
        for value in model.model_arguments(call):
            tests = model_tests(model, value, call.scope, memo)
            if tests:
                found.setdefault(owner, {}).setdefault(param, tests_shown([test.code for test in tests]))
    return {owner: tuple(sorted(params.items())) for owner, params in found.items()}


def waiting_sends(
    model: SemanticModel, waiting: Mapping[Client, str]
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """What other modules must not rewrite in a safe run because the client sending it waits
    here (engine.py): the functions and classes of `_model_params` with a request through a
    waiting client (`chat("gpt-4o")` would reach OpenAI as `glm-4.6`), each with why, and the
    imported names of `_sent` such a request sends, as (import, attribute path, why)."""
    params: dict[str, str] = {}
    if not waiting:
        return params, []
    for owner, _, _, call in _model_param_sources(model):
        why = next((waiting[c] for c in call.clients if c in waiting), None)
        if why is not None:
            params.setdefault(owner, why)
    sent = []
    for call, qualified, attributes in _sent_sources(model):
        why = next((waiting[c] for c in call.clients if c in waiting), None)
        if why is not None:
            sent.append((qualified, attributes, why))
    return params, sorted(set(sent))


#: why a client of another server (never moved) that a module hands to another module's function
#: keeps the ids sent through it there (`waiting_handed`, `held_params`)
ANOTHER_SERVER = "it talks to another server, which takes its own model ids"


def waiting_handed(model: SemanticModel, waiting: Mapping[Client, str]) -> list[tuple[str, str, int, str]]:
    """(imported function or class as written, keyword or "", position or -1, why) for each
    client waiting here that this module passes to an imported function or class
    (`ModuleSummary.waiting_handed`)."""
    found: set[tuple[str, str, int, str]] = set()
    if not waiting:
        return []
    imports = {b.qualified for bs in model.module_scope.bindings.values() for b in bs if b.qualified}
    for call, scope in model.calls:
        targets: set[str] | None = None
        for position, arg in enumerate(call.args):
            if arg.star:
                break
            if type(arg.value) not in (cst.Name, cst.Attribute, cst.Call):
                continue
            why = next(
                (waiting[v] for v in model.values_of(arg.value, scope) if isinstance(v, Client) and v in waiting), None
            )
            if why is None:
                continue
            if targets is None:
                targets = model.qualified_names(call.func, scope) & imports
            keyword = arg.keyword.value if arg.keyword is not None else ""
            for target in targets:
                found.add((target, keyword, -1 if keyword else position, why))
    return sorted(found)


def _param_owner(
    model: SemanticModel, function: Scope, *, methods: bool = False
) -> tuple[cst.FunctionDef, str, int] | None:
    """A function scope as other modules call it: its def, the name they call (a module-level
    function's, or the class whose `__init__` it is; with `methods`, "Class.method" for another
    method of a module-level class, which they call on an instance), and how many leading
    parameters they do not pass (`self`); None for any other function."""
    node = function.node
    if type(node) is not cst.FunctionDef:
        return None
    if function.parent is model.module_scope:
        return node, node.name.value, 0
    klass = _constructed_class(model, function)
    if klass is not None:
        return node, klass, 1
    parent = function.parent
    if (
        not methods
        or parent is None
        or parent.parent is not model.module_scope
        or type(parent.node) is not cst.ClassDef
    ):
        return None
    static = any(type(d.decorator) is cst.Name and d.decorator.value == "staticmethod" for d in node.decorators)
    return node, f"{parent.node.name.value}.{node.name.value}", 0 if static else 1


def _param_sent(model: SemanticModel) -> dict[str, tuple[tuple[str, int, str, str], ...]]:
    """`ModuleSummary.param_sent`: imported values sent as model ids through a client a
    parameter of a module-level function (or of a module-level class's `__init__`) holds."""
    found: dict[str, set[tuple[str, int, str, str]]] = {}
    for call, qualified, attributes in _sent_sources(model):
        for param, function in model.receiver_params(call):
            if (owned := _param_owner(model, function)) is None:
                continue
            node, owner, shift = owned
            for index, name in _params_named(node, {param.name.value}):
                found.setdefault(owner, set()).add((name, index - shift if index > 0 else index, qualified, attributes))
    return {name: tuple(sorted(uses)) for name, uses in found.items()}


def _model_param_sources(model: SemanticModel) -> Iterator[tuple[str, str, int, ApiCall]]:
    """(module-level function or class, parameter, position or -1, call) for each parameter a
    chat or embeddings request through clients this module moves sends as its model id."""
    for call in model.api_calls:
        if call.endpoint not in ("chat", "embeddings") or not call.clients:
            continue
        if not all(_moves_to_zai(model, client) for client in call.clients):
            continue
        values = model.model_arguments(call)
        function = call.scope.node
        if not values and type(function) is cst.FunctionDef and call.scope.parent is model.module_scope:
            forwards = function.params.star_kwarg is not None and any(a.star == "**" for a in call.node.args)
            if forwards and not model.model_literals(call)[0]:  # the module's own callers' ids are rewritten here
                yield function.name.value, "model", -1, call
        for value in values:
            for owner, param, index in params_reaching(model, value, call.scope):
                yield owner, param, index, call


def _stayed_params(model: SemanticModel) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """Module-level functions and classes that send a parameter as the model id of a chat or
    embeddings request through a client only a person can point at Z.AI (`repoint_blocker`),
    also through this module's functions handing it on (`def evaluate(judge_model): ...
    judge(q, judge=judge_model)`), each with why: callers elsewhere keep their ids until then."""
    found: dict[str, set[tuple[str, int, str]]] = {}
    functions = {
        scope.node.name.value: scope
        for scope in model.scopes
        if type(scope.node) is cst.FunctionDef and scope.parent is model.module_scope
    }
    for call in model.api_calls:
        if call.endpoint not in ("chat", "embeddings") or not call.clients:
            continue
        why = next((w for client in call.clients if (w := repoint_blocker(model, client)) is not None), None)
        if why is None:
            continue
        pending = [
            entry for value in model.model_arguments(call) for entry in params_reaching(model, value, call.scope)
        ]
        for _ in range(3):  # hand-offs between the module's own functions: real chains are short
            handed: list[tuple[str, str, int]] = []
            for owner, param, index in pending:
                if (param, index, why) in found.get(owner, set()):
                    continue
                found.setdefault(owner, set()).add((param, index, why))
                function = functions.get(owner)
                node = function.node if function is not None else None
                target = next((p for p in _all_params(node) if p.name.value == param), None) if node else None
                if function is None or target is None:
                    continue
                for argument, where in model.arguments_for(target, function):
                    handed += params_reaching(model, argument, where)
            pending = handed
    return {name: tuple(sorted(params)) for name, params in found.items()}


def _all_params(node: cst.CSTNode) -> list[cst.Param]:
    params = node.params  # type: ignore[attr-defined]
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def _moves_to_zai(model: SemanticModel, client: Client) -> bool:
    """A client this run points at Z.AI: one of this module the client rules move, or one
    another module builds and moves (`from app.llm import client`, `self.client` of a base class
    there): a wrapper here sending its callers' ids through it passes them on to Z.AI too."""
    if client.imported is not None:
        return (
            client.sdk in ("openai", "azure")
            and client.target in (Target.OPENAI, Target.ZAI)
            and client.imported.blocker is None
        )
    if client.sdk == "openai" and client.target is Target.ZAI and client.origin in ("constructor", "module"):
        return True  # moved already (by an earlier run): its callers' OpenAI ids fail there the same
    return moved_by_fixes(client) and repoint_blocker(model, client) is None


def _client_params(model: SemanticModel) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """Module-level functions that make API calls through a client their callers pass
    (`def submit(client, path): client.files.create(...)`), with the parameter and the call's
    resource path: a caller in another module that builds the client decides from them whether
    it stays with OpenAI (account data) or moves only as safely as those calls can follow."""
    found: dict[str, set[tuple[str, int, str]]] = {}
    declared: set[str] = set()  # resource paths of calls through a parameter declared as a client
    # (an embedding call whose `dimensions=` both models make follows any client: not listed, since
    # its callers see only the resource path, which would hold their clients back)
    # a call sending an id only a person replaces (`ft:gpt-4o-mini:acme::x1`) is marked: its
    # callers' clients wait for it
    calls = [
        *((call, model.receiver_params(call)) for call in model.api_calls),
        *model.parameter_calls,
    ]
    unseen = {call for call, _ in model.parameter_calls}
    for call, params in calls:
        by_hand = kept_by_hand(model, call) is not None
        # an OpenAI id GLM101 leaves to a person here too: sent through a parameter declared as
        # Azure's client, whose model is a deployment name (`client: AsyncAzureOpenAI | AsyncOpenAI`)
        kept_here = (
            not by_hand
            and (call in unseen or any(c.sdk == "azure" and c.origin == "annotation" for c in call.clients))
            and _sends_openai_id(model, call)
        )
        if (
            call.endpoint == "embeddings"
            and not by_hand
            and not kept_here
            and not cannot_follow(model.tables, call.path, call)
        ):
            continue
        path = (*call.path, BY_HAND) if by_hand else (*call.path, UNSEEN_ID) if kept_here else call.path
        for param, function in params:
            # `Store(client)` elsewhere: `__init__` keeps it in `self.client` for the methods' calls
            if (owned := _param_owner(model, function, methods=True)) is not None:
                node, owner, shift = owned
                for index, name in _params_named(node, {param.name.value}):
                    found.setdefault(owner, set()).add((name, index - shift if index > 0 else index, ".".join(path)))
            if param.annotation is not None and _declares_client(model, param.annotation.annotation):
                declared.add(".".join(path))
    # `def patch(client): if client.base_url == OPENAI: client.base_url = ASTRA`: the function
    # decides its callers' clients' server from the one they were built with
    for _, assign, scope in model.attribute_assignments:
        target = assign.targets[0].target
        if (
            len(assign.targets) != 1
            or type(target) is not cst.Attribute
            or target.attr.value not in ("base_url", "api_base")
            or type(target.value) is not cst.Name
        ):
            continue
        for param, function in model.params_holding(target.value.value, scope):
            if (owned := _param_owner(model, function, methods=True)) is not None:
                node, owner, shift = owned
                for index, name in _params_named(node, {param.name.value}):
                    place = index - shift if index > 0 else index
                    found.setdefault(owner, set()).add((name, place, f"{target.attr.value}.{REPOINTED}"))
    # `requests.post(url, headers=self._client.auth_headers)`: the function (a method of the class
    # whose `__init__` keeps the client) sends requests of its own with its callers' client's key
    for read, scope in model.credential_reads:
        receiver = dotted_name(read.value)
        for param, function in model.params_holding(receiver, scope) if receiver is not None else ():
            if (owned := _param_owner(model, function, methods=True)) is not None:
                node, owner, shift = owned
                for index, name in _params_named(node, {param.name.value}):
                    place = index - shift if index > 0 else index
                    found.setdefault(owner, set()).add((name, place, f"{read.attr.value}.{CREDENTIALS}"))
    # A class with a field declared as the SDK's client (`@dataclass class Deps: client: AsyncOpenAI`,
    # pydantic-ai's deps) carries a caller's client into this module, where any parameter declared
    # as that client may be given it (`get_embedding(q, ctx.deps.client)`): its field serves the
    # calls made through such parameters
    if declared:
        for name, field, index in _client_fields(model):
            found.setdefault(name, set()).update((field, index, path) for path in declared)
    _add_tables(model, found)
    return {name: tuple(sorted(uses)) for name, uses in found.items()}


def _add_tables(model: SemanticModel, found: dict[str, set[_T]]) -> None:
    """Lists the module-level tables of functions (`HANDLERS = [index, purge]`, a dict of them)
    under their own names with what their functions do with the clients they are passed: a module
    importing the table calls each (`for handler in HANDLERS: handler(client)`,
    `COMMANDS[name](client)`)."""
    if not found:
        return
    for name, bindings in model.module_scope.bindings.items():
        if len(bindings) != 1 or name in found:
            continue
        literal = bindings[0].value
        if type(literal) is cst.Dict:
            elements = [e.value for e in literal.elements if type(e) is cst.DictElement]
        elif type(literal) in (cst.List, cst.Tuple):
            elements = [e.value for e in cast(cst.List, literal).elements if type(e) is cst.Element]
        else:
            continue
        elements += model.table_additions(name)  # `HANDLERS.append(f)`, a registry decorator
        uses = {use for e in elements if type(e) is cst.Name for use in found.get(e.value, ())}
        if uses:
            found[name] = uses


def _client_forwards(model: SemanticModel, imports: set[str]) -> dict[str, tuple[tuple[str, int, str, str, int], ...]]:
    """Module-level functions and classes that pass a parameter of theirs on to an imported
    function or class (`def index_all(client, chunks): ... get_embedding(client, chunk)`), with
    the parameter and how it is passed (`ModuleSummary.client_forwards`): the project index
    follows the client a caller elsewhere passes them into the calls that code makes."""
    found: dict[str, set[tuple[str, int, str, str, int]]] = {}
    if not imports:
        return {}
    for call, scope in model.calls:
        if scope is model.module_scope:
            continue
        targets: set[str] | None = None
        for position, arg in enumerate(call.args):
            if arg.star:
                break  # the positions after a splat are not known
            if type(arg.value) not in (cst.Name, cst.Attribute):
                continue
            passed = dotted_name(arg.value)
            if passed is None:
                continue
            params = model.params_holding(passed, scope)
            if not params:
                continue
            if targets is None:
                targets = model.qualified_names(call.func, scope) & imports
            if not targets:
                break
            keyword = arg.keyword.value if arg.keyword is not None else ""
            for param, function in params:
                if (owned := _param_owner(model, function, methods=True)) is None:
                    continue
                node, owner, shift = owned
                for index, name in _params_named(node, {param.name.value}):
                    own = index - shift if index > 0 else index
                    for target in targets:
                        found.setdefault(owner, set()).add((name, own, target, keyword, -1 if keyword else position))
    _add_tables(model, found)
    return {name: tuple(sorted(uses)) for name, uses in found.items()}


def _declares_client(model: SemanticModel, annotation: cst.BaseExpression) -> bool:
    """The annotation names one of the SDK's client classes (also in `Optional[...]`, `X | None`)."""
    for node in [annotation, *_subexpressions(annotation)]:
        if type(node) in (cst.Name, cst.Attribute) and model.qualified_names(node, model.module_scope) & set(
            model.tables.clients
        ):
            return True
    return False


def _subexpressions(node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    for child in node.children:
        if isinstance(child, cst.BaseExpression):
            yield child
        yield from _subexpressions(child)


def _client_fields(model: SemanticModel) -> Iterator[tuple[str, str, int]]:
    """(class, field, position or -1) for the annotated fields of module-level classes declared
    as the SDK's client: a dataclass takes its fields by position too, other classes by keyword."""
    for statement in model.module.body:
        if type(statement) is not cst.ClassDef:
            continue
        dataclass = any(
            "dataclass" in (dotted_name(d.decorator) or short_code(d.decorator)) for d in statement.decorators
        )
        fields = [
            small
            for line in statement.body.body
            if type(line) is cst.SimpleStatementLine
            for small in line.body
            if type(small) is cst.AnnAssign and type(small.target) is cst.Name
        ]
        for position, small in enumerate(fields):
            if _declares_client(model, small.annotation.annotation):
                yield statement.name.value, small.target.value, position if dataclass else -1  # type: ignore[attr-defined]


def _tokenizer_params(model: SemanticModel) -> dict[str, tuple[tuple[str, int], ...]]:
    """Module-level functions and classes with a parameter that picks a tokenizer: handed to
    `encoding_for_model` by them, by a function of this module they pass it to, or by another
    module's (`def len_tokens(text, model)` ... `encoding_for_model(model)`). Not one this module
    also sends as a model (a request's `model=`, any call's `model=` keyword or a `"model"` entry:
    a model class counting its own tokens, agno's `"model": self.id`): that id is a model's."""
    sent_values = [(value, call.scope) for call in model.api_calls for value in model.model_arguments(call)]
    for call, scope in model.calls:
        if any(isinstance(value, FunctionValue | LocalClassValue) for value in model.values_of(call.func, scope)):
            continue  # this module's own function: followed to what it does with the id
        sent_values += [
            (arg.value, scope) for arg in call.args if arg.keyword is not None and arg.keyword.value == "model"
        ]
    for literal, scope in model.string_literals:
        element = model.parents.get(literal)
        if type(element) is cst.DictElement and element.key is literal and string_value(literal) == "model":
            sent_values.append((element.value, scope))
    sent = {(owner, param) for value, scope in sent_values for owner, param, _ in params_reaching(model, value, scope)}
    found: dict[str, set[tuple[str, int]]] = {}
    pending = [(value, scope, 0) for value, scope in model.tokenizer_arguments]
    seen: set[cst.CSTNode] = set()
    while pending:
        value, scope, depth = pending.pop()
        if value in seen or depth > _MAX_DEPTH:
            continue
        seen.add(value)
        for owner, param, index in params_reaching(model, value, scope):
            if (owner, param) not in sent:
                found.setdefault(owner, set()).add((param, index))
        if type(value) is not cst.Name:
            continue
        # `def count(text, model): return len_tokens(text, model)`: what count's callers pass
        function = model.owner(value.value, scope)
        for binding in model.lookup(value.value, scope):
            if function is not None and type(binding.target) is cst.Param:
                for argument, where in model.arguments_for(binding.target, function):
                    pending.append((argument, where, depth + 1))
    return {name: tuple(sorted(params)) for name, params in found.items()}


def params_reaching(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> Iterator[tuple[str, str, int]]:
    """(module-level function or class, parameter, position or -1) for the parameters `value`
    comes from: a module-level function's own (`model=model`), or its class's `__init__`'s
    through an attribute (`model=self.model` after `self.model = model or "gpt-4o"`), also made
    a string again (`model=str(model)`)."""
    if type(value) is cst.Call and type(value.func) is cst.Name and value.func.value == "str" and len(value.args) == 1:
        value = value.args[0].value
    if type(value) is cst.Name:
        owner = scope.node
        if type(owner) is cst.FunctionDef and scope.parent is model.module_scope:
            for index, param in _params_named(owner, {value.value}):
                yield owner.name.value, param, index
        return
    dotted = dotted_name(value) if type(value) is cst.Attribute else None
    if dotted is None or not dotted.startswith("self.") or dotted.count(".") != 1:
        return
    for binding in model.attribute_lookup(dotted, scope):
        fields = binding.scope
        if fields.kind == "class" and type(fields.node) is cst.ClassDef and type(binding.target) is cst.Name:
            # a field of a class with no `__init__` of its own (a dataclass, a pydantic model),
            # which its callers pass by keyword (`Chat(id="gpt-4o")`)
            if fields.parent is model.module_scope and "__init__" not in fields.bindings:
                yield fields.node.name.value, binding.target.value, -1
            continue
        init, klass = binding.scope.node, binding.scope.parent
        if (
            binding.value is None
            or type(init) is not cst.FunctionDef
            or init.name.value != "__init__"
            or klass is None
            or klass.parent is not model.module_scope
            or type(klass.node) is not cst.ClassDef
        ):
            continue
        for index, param in _params_named(init, {name.value for name in names_in(binding.value)}):
            yield klass.node.name.value, param, index - 1 if index > 0 else index  # `self` is not passed


def handed_a_waiting_client(model: SemanticModel, call: ApiCall) -> tuple[str, bool] | None:
    """Why `call`, made through a parameter of this module's function or class, keeps its ids in
    a safe run: another module hands that parameter a client whose move waits there
    (`ModuleFacts.held_params`), which would take GLM's ids to OpenAI; and whether that client
    talks to another server (a reseller's, a proxy's), whose requests no fix may change."""
    held = model.facts.held_params
    for param, function in model.receiver_params(call):
        owned = _param_owner(model, function)
        if owned is None or not (entries := held.get(owned[1])):
            continue
        node, owner, shift = owned
        for index, name in _params_named(node, {param.name.value}):
            position = index - shift if index > 0 else index
            for keyword, at, why in entries:
                if (keyword == name) if keyword else (at >= 0 and at == position):
                    if why == ANOTHER_SERVER:
                        return f"`{owner}` is handed a client of another server where it is built", True
                    return (
                        f"`{owner}` is handed a client that stays on OpenAI in a safe run where it is built ({why})",
                        False,
                    )
    return None


def _params_named(function: cst.FunctionDef, names: set[str]) -> Iterator[tuple[int, str]]:
    """(position or -1 for keyword-only, name) of the function's parameters among `names`."""
    positional = [*function.params.posonly_params, *function.params.params]
    named = [*positional, *function.params.kwonly_params]
    for param in named:
        if param.name.value in names:
            yield (positional.index(param) if param in positional else -1), param.name.value
    if type(function.params.star_kwarg) is cst.Param:
        # `def plan(prompt, **kwargs): client = kwargs["client"]`: its callers' `client=`
        own = {param.name.value for param in named}
        yield from ((-1, name) for name in sorted(names - own))


def _fact(model: SemanticModel, clients: list[Client]) -> ClientFact | None:
    """One fact for what a name may hold; several clients that disagree on where they point are
    a run-time choice (UNKNOWN)."""
    clients = [c for c in clients if c.origin in ("constructor", "imported", "derived")]
    if not clients:
        return None
    first = clients[0]
    targets = {c.target for c in clients}
    target = targets.pop() if len(targets) == 1 else Target.UNKNOWN
    blocker = next((why for c in clients if (why := repoint_blocker(model, c))), None)
    if first.imported is not None:
        where = first.imported.where
    else:
        where = f"`{short_code(first.construction)}`" if first.construction is not None else "a client"
    return ClientFact(first.sdk, first.is_async, target.value, blocker, where)


def _sent(model: SemanticModel) -> Iterator[tuple[str, str, str]]:
    """(import, attribute path, endpoint) for imported values that reach a request's model id."""
    for call, qualified, attributes in _sent_sources(model):
        yield qualified, attributes, call.endpoint or ""


def _sent_sources(model: SemanticModel) -> Iterator[tuple[ApiCall, str, str]]:
    """(call, import, attribute path) for imported values that reach a request's model id."""
    for call in model.api_calls:
        if call.endpoint not in _MODEL_ENDPOINTS or not call.migratable or call.mixed:
            continue
        for value in model.model_arguments(call):
            for qualified, attributes in imported_roots(model, value, call.scope, 0):
                yield call, qualified, attributes


def _tested_sent(model: SemanticModel) -> Iterator[tuple[str, str, str]]:
    """(import, attribute path, the tests shown) for imported values that reach a request's model
    id through names this module also compares or membership-tests (`def ask(q,
    model=DEFAULT_MODEL): if model not in SUPPORTED_MODELS: ...`, `model_tests`)."""
    memo: dict[tuple[str, Scope], list[ModelTest]] = {}
    for call in model.api_calls:
        if call.endpoint not in _MODEL_ENDPOINTS or not call.migratable or call.mixed:
            continue
        for value in model.model_arguments(call):
            roots = set(imported_roots(model, value, call.scope, 0))
            tests = model_tests(model, value, call.scope, memo) if roots else []
            if tests:
                checks = tests_shown([test.code for test in tests])
                for qualified, attributes in roots:
                    yield qualified, attributes, checks


#: endpoints whose model ids change only with --unsafe-fixes (another model draws or hears
#: differently; an embedding model makes vectors of another size, unless the call's `dimensions=`
#: asks for one both make, which a call seen only by its resource path does not show)
_UNSAFE_MODEL_ENDPOINTS = frozenset({"images", "audio_transcriptions", "embeddings"})


def kept_by_hand(model: SemanticModel, call: ApiCall) -> cst.SimpleString | None:
    """The first model id `call` sends that is OpenAI's and has no GLM counterpart (a fine-tune,
    `ft:gpt-4o-mini:acme::x1`; a speech model sent to chat completions, `gpt-4o-audio-preview`),
    which a person replaces (GLM102): a client moved with it fails at Z.AI, as it would with an
    id only an unsafe fix rewrites. Chat and embeddings calls only, as GLM102 reports them."""
    return _first_openai_id(model, call, with_glm=False)


def _sends_openai_id(model: SemanticModel, call: ApiCall) -> bool:
    """`call` sends a literal OpenAI model id that has a GLM counterpart (`gpt-4o-mini`): in a
    module that cannot see the call's client, GLM103 only reports it."""
    return _first_openai_id(model, call, with_glm=True) is not None


def _first_openai_id(model: SemanticModel, call: ApiCall, *, with_glm: bool) -> cst.SimpleString | None:
    """The first literal OpenAI model id a chat or embeddings `call` sends that has (`with_glm`)
    or has not a GLM counterpart."""
    if call.endpoint not in ("chat", "embeddings"):
        return None
    tables = model.tables
    for literal in model.model_literals(call)[0]:
        value = string_value(literal)
        if not value or value.isspace() or tables.is_target(call.endpoint, value):
            continue
        match = tables.match_on(call.endpoint, value) or tables.match_model(value)
        if match is not None and bool(match.glm) == with_glm:
            return literal
    return None


def cannot_follow(tables: Tables, path: tuple[str, ...], call: ApiCall | None = None) -> bool:
    """A call of resource `path` cannot follow its client to Z.AI in a safe run: an API Z.AI
    lacks (GLM301), or one whose model id only an unsafe fix changes. An embeddings `call` in
    view that passes a `dimensions=` the target's embedding model documents can follow."""
    endpoint = tables.sdk.endpoints.get(path)
    if endpoint == "embeddings" and call is not None:
        dimensions = call.kwarg("dimensions")
        sizes = {size for documented in tables.documented_dimensions.values() for size in documented}
        return dimensions is None or number_value(dimensions.value) not in sizes
    return endpoint in _UNSAFE_MODEL_ENDPOINTS or tables.unavailable_advice(path) is not None


def _held(model: SemanticModel) -> Iterator[tuple[str, str]]:
    """(imported client name, resource path) for calls through another module's client that
    cannot follow it to Z.AI in a safe run: an API Z.AI lacks (GLM301), or one whose model id
    only an unsafe fix changes. The module that builds the client holds its move (engine.py)."""
    for call in model.api_calls:
        if not any(client.origin == "imported" for client in call.clients):
            continue
        if not cannot_follow(model.tables, call.path, call) and kept_by_hand(model, call) is None:
            continue
        for client in call.clients:
            factory = model.imported_factory_of(client)
            if factory is not None:
                yield factory, ".".join(call.path)  # `client = make_client()` from another module
            held = model.imported_name_of(client)
            if held is not None:
                yield held, ".".join(call.path)  # `self.client` of an imported base class, ...
        parts = (dotted_name(call.node.func) or "").split(".")
        for binding in model.lookup(parts[0], call.scope):
            if binding.qualified is not None:
                # `from app.clients import client` or `import app.clients as c` ... `c.client`
                yield binding.qualified, ".".join(call.path)
                if len(parts) > 2:
                    yield f"{binding.qualified}.{parts[1]}", ".".join(call.path)


def imported_roots(
    model: SemanticModel, expr: cst.BaseExpression, scope: Scope, depth: int
) -> Iterator[tuple[str, str]]:
    """The imported names (and attribute paths below them) an expression's value comes from:
    `model=settings.model` after `from app.config import settings` gives ("app.config.settings",
    "model"); names, parameter defaults, both arms of `a or b`, env defaults are followed."""
    if depth > _MAX_DEPTH:
        return
    if type(expr) in (cst.IfExp, cst.BooleanOperation):
        parts = (expr.body, expr.orelse) if type(expr) is cst.IfExp else (expr.left, expr.right)  # type: ignore[attr-defined]
        for part in parts:
            yield from imported_roots(model, part, scope, depth + 1)
        return
    if type(expr) is cst.Call:
        env = env_lookup(expr)
        func = expr.func
        if env is not None and env[1] is not None:
            yield from imported_roots(model, env[1], scope, depth + 1)
        elif type(func) is cst.Attribute and func.attr.value in STRING_PASSTHROUGH_METHODS and not expr.args:
            yield from imported_roots(model, func.value, scope, depth + 1)
        elif type(func) is cst.Name and func.value == "getattr" and len(expr.args) in (2, 3):
            # `getattr(config, "MODEL", "gpt-4o")`: `config.MODEL` where the module sets it
            name = string_value(expr.args[1].value)
            if name is not None and name.isidentifier() and not any(a.star or a.keyword for a in expr.args):
                read = cst.Attribute(value=expr.args[0].value, attr=cst.Name(name))
                yield from imported_roots(model, read, scope, depth + 1)
        return
    dotted = dotted_name(expr) if type(expr) in (cst.Name, cst.Attribute) else None
    if dotted is None:
        return
    base, _, attributes = dotted.partition(".")
    for binding in model.lookup(base, scope):
        if binding.qualified is not None:
            yield binding.qualified, attributes
        elif binding.value is not None and not attributes:
            yield from imported_roots(model, binding.value, binding.scope, depth + 1)


def _constructed_class(model: SemanticModel, function: Scope) -> str | None:
    """The name of the module-level class whose `__init__` `function` is (a parameter of it is
    passed by calling the class), else None."""
    node = function.node
    klass = function.parent
    if (
        type(node) is not cst.FunctionDef
        or node.name.value != "__init__"
        or klass is None
        or klass.kind != "class"
        or klass.parent is not model.module_scope
        or type(klass.node) is not cst.ClassDef
    ):
        return None
    return klass.node.name.value


def _server_urls(model: SemanticModel) -> dict[str, str]:
    """`ModuleSummary.server_urls`: module-level names and attributes of module-level classes
    (`base_url: str = "https://router.example.net/v1"`, a dataclass field's default) bound once
    to an http(s) URL literal; the modules reading them judge whose server it is."""
    found: dict[str, str] = {}

    def add(name: str, bindings: list[Binding]) -> None:
        value = bindings[0].value if len(bindings) == 1 else None
        url = string_value(value)
        if url is not None and url.startswith(("http://", "https://")):
            found[name] = url

    for name, bindings in model.module_scope.bindings.items():
        add(name, bindings)
        for klass in (b.defines for b in bindings if b.defines is not None and b.defines.kind == "class"):
            for attribute, attribute_bindings in klass.bindings.items():
                add(f"{name}.{attribute}", attribute_bindings)
    # a field this module's own construction of the class gives (`RouterConfig(base_url=...)`)
    # is no default the instances keep
    for call, _ in model.calls:
        if type(call.func) is cst.Name:
            for arg in call.args:
                if arg.keyword is not None:
                    found.pop(f"{call.func.value}.{arg.keyword.value}", None)
    return found
