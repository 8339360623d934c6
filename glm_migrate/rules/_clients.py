"""What the client rules share: which clients they own and where module-client settings go."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence, Set
from functools import partial
from typing import cast
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.config import Settings
from glm_migrate.nodes import literals_in, passed_argument, short_code
from glm_migrate.rules._base import Fix, NodeEdit, Rule
from glm_migrate.rules._helpers import add_dict_entry, add_kwarg, base_url_expression, dict_entry
from glm_migrate.semantic import (
    ApiCall,
    Client,
    ClientOptionAssignment,
    Scope,
    SemanticModel,
    Target,
    code_of,
    dotted_name,
    env_lookup,
    find_kwarg,
    string_value,
)
from glm_migrate.splats import SplatMapping

#: calls that take a client class for what it is, not to build clients: `isinstance(x, OpenAI)`
_CLASS_CHECKS = frozenset({"isinstance", "issubclass", "cast", "typing.cast", "type", "TypeVar", "typing.TypeVar"})
# the class as the object whose attribute a test replaces (`monkeypatch.setattr(openai.AsyncClient,
# "responses", AsyncMock(...))`, `patch.object(OpenAI, "post")`): it builds no client there
_ATTRIBUTE_PATCHES = frozenset({"setattr", "delattr", "object"})


def class_factories(model: SemanticModel) -> list[tuple[cst.Arg, str]]:
    """The OpenAI SDK's client classes handed on uncalled, to build clients later
    (`field(default_factory=OpenAI)`, `defaultdict(AsyncOpenAI)`, `partial(OpenAI, timeout=5)`),
    each with its class: clients no fix can give Z.AI's URL and key."""
    found: list[tuple[cst.Arg, str]] = []
    classes = {name for name, (sdk, _) in model.tables.clients.items() if sdk == "openai"}
    # the names such a class may be written by: its own, or an alias it is imported as
    spelled = {name.rpartition(".")[2] for name in classes} | {
        name for name, bindings in model.module_scope.bindings.items() if any(b.qualified in classes for b in bindings)
    }
    candidates = [
        (call, scope)
        for call, scope in model.calls
        if any(type(a.value) in (cst.Name, cst.Attribute) and _last_name(a.value) in spelled for a in call.args)
    ]
    if not candidates:
        return found
    # `build(OpenAI)`: a client of a class glm-migrate does not know, whose calls wait already
    built = {c.construction for c in model.clients} | {c.construction for a in model.api_calls for c in a.clients}
    for call, scope in candidates:
        if dotted_name(call.func) in _CLASS_CHECKS or find_kwarg(call, "base_url") is not None or call in built:
            continue  # a type check, or clients of a server of their own (`partial(OpenAI, base_url=...)`)
        patched = (dotted_name(call.func) or "").rpartition(".")[2] in _ATTRIBUTE_PATCHES
        for index, arg in enumerate(call.args):
            if type(arg.value) not in (cst.Name, cst.Attribute) or _last_name(arg.value) not in spelled:
                continue
            if patched and index == 0 and arg.keyword is None:
                continue
            classes = model.qualified_names(arg.value, scope) & model.tables.clients.keys()
            if any(model.tables.clients[name][0] == "openai" for name in classes):
                found.append((arg, min(classes)))
    return found


def classes_in_tables(model: SemanticModel, classes: Set[str]) -> list[tuple[cst.BaseExpression, str]]:
    """Classes of `classes` kept uncalled as the values of a dict literal (`{"openai": ChatOpenAI,
    "anthropic": ChatAnthropic}`, a provider table whose entry a setting or a prefix picks), each
    with its class: the clients later built from the entry are not seen, so no fix reaches them.
    Tests are left out (their tables hold stand-ins)."""
    if model.is_test_module:
        return []
    # the names such a class may be written by: its own, or an alias it is imported as
    spelled = {name.rpartition(".")[2] for name in classes} | {
        name for name, bindings in model.module_scope.bindings.items() if any(b.qualified in classes for b in bindings)
    }
    found: list[tuple[cst.BaseExpression, str]] = []
    for name in sorted(spelled):
        for node in model.names.get(name, ()):
            expr: cst.BaseExpression = node
            parent = model.parents.get(node)
            if type(parent) is cst.Attribute and parent.attr is node:
                expr, parent = parent, model.parents.get(parent)  # `openai.OpenAI`
            if type(parent) is not cst.DictElement or parent.value is not expr:
                continue
            names = model.qualified_names(expr, model.scope_of(expr)) & classes
            if names:
                found.append((expr, min(names)))
    return found


def _last_name(expr: cst.BaseExpression) -> str:
    return expr.value if type(expr) is cst.Name else cast(cst.Attribute, expr).attr.value


def migrates_to_zai(client: Client) -> bool:
    """An OpenAI-SDK client of this module talking to OpenAI: the one kind the client rules
    rewrite (a parameter's client is its caller's, a derived one is its parent's)."""
    return client.sdk == "openai" and client.target is Target.OPENAI and client.origin in ("constructor", "module")


def moved_by_fixes(client: Client) -> bool:
    """A client of this module the client rules point at Z.AI: an OpenAI client
    (`migrates_to_zai`) or an Azure one, which GLM008 turns into one."""
    return (
        client.sdk in ("openai", "azure")
        and client.target is Target.OPENAI
        and client.origin in ("constructor", "module")
    )


def program_set_key(model: SemanticModel, client: Client) -> str | None:
    """The OpenAI key variable the client's key comes from when this module sets it itself
    (`os.environ["OPENAI_API_KEY"] = cfg["key"]`): that key is the program's, an OpenAI key, and
    the client may move to Z.AI only together with it."""
    written = model.program_key_envs
    if not written:
        return None
    arg = client.kwarg("api_key")
    if arg is None:
        # without `api_key=` the SDK reads its own variable
        sdk_env = model.tables.sdk_key_env
        return None if client.option_sources("api_key") or sdk_env not in written else sdk_env
    return program_key_read(model, arg.value, client.scope)


def program_key_read(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> str | None:
    """The OpenAI key variable this module sets itself that `value` reads, directly
    (`os.getenv("OPENAI_API_KEY")`) or through the one binding of a name (`KEY =
    os.getenv("OPENAI_API_KEY")` after `os.environ["OPENAI_API_KEY"] = getpass()`), or None."""
    written = model.program_key_envs
    if not written:
        return None
    if isinstance(value, cst.Name):
        bindings = model.lookup(value.value, scope)
        if len(bindings) == 1 and bindings[0].value is not None and type(bindings[0].target) is not cst.Param:
            value = bindings[0].value
    env = env_lookup(value)
    return env[0] if env is not None and env[0] in written else None


def module_program_key(model: SemanticModel) -> str | None:
    """The module-level `openai` client's key variable when this module sets it itself
    (`os.environ["OPENAI_API_KEY"] = getpass(...)`) and gives the client no `openai.api_key`, or
    one read from it (`openai.api_key = OPENAI_API_KEY` after `OPENAI_API_KEY =
    os.getenv("OPENAI_API_KEY")`, samwit/langchain-tutorials' BabyAGI notebook): as for a
    constructed client (`program_set_key`), that key is the program's, an OpenAI key."""
    settings = [a for a in model.module_attributes if a.attribute == "api_key"]
    if settings:
        for setting in settings:
            variable = program_key_read(model, setting.value, model.module_scope)
            if variable is not None:
                return variable
        return None
    sdk_env = model.tables.sdk_key_env
    return sdk_env if sdk_env in model.program_key_envs else None


def set_after_built(model: SemanticModel, client: Client) -> list[ClientOptionAssignment]:
    """The assignments of the client's key or URL after it is built (`self.client.api_key =
    config["api_key"]`) that do not give it Z.AI's: each replaces what the constructor was given,
    so a Z.AI key and URL there would be overridden (an OpenAI key sent to Z.AI, the Z.AI key sent
    to the URL set); the client moves only together with them, by hand."""
    found = []
    for assignment in model.client_option_assignments:
        if assignment.client is not client or moves_with_client(model, assignment):
            continue
        if assignment.option == "api_key":
            env = env_lookup(assignment.value)
            if env is not None and env[0] == model.tables.api_key_env:
                continue
        elif model.classify_base_url(assignment.value, default=Target.UNKNOWN, scope=assignment.scope) is Target.ZAI:
            continue
        found.append(assignment)
    return found


def moves_with_client(model: SemanticModel, assignment: ClientOptionAssignment) -> bool:
    """A key or URL set after the client is built that the client rules rewrite as they would in
    its constructor, and only together with the client (see the engine): a lookup of OpenAI's
    key variable (GLM001), a key literal (GLM003), OpenAI's URL (GLM002)."""
    value = assignment.value
    text = string_value(value)
    if assignment.option == "base_url":
        return text is not None and (urlparse(text).hostname or "") in model.tables.openai_hosts
    if text is not None:
        return True
    env = env_lookup(value)
    return env is not None and env[0] in model.tables.openai_key_envs and env[0] not in model.program_key_envs


def assignment_code(model: SemanticModel, assignment: ClientOptionAssignment) -> str:
    """`self.client.api_key = config["api_key"]`, for messages; a value holding a string that
    may be a key is left out (`client.api_key = ...`): no key is ever printed."""
    target = short_code(assignment.assign.targets[0].target)
    strings = [string_value(literal) or "" for literal in literals_in(assignment.value)]
    literal_key = assignment.option == "api_key" and type(assignment.value) is cst.SimpleString
    if literal_key or any(
        model.tables.looks_like_key(text) or text.startswith(model.tables.secret_prefixes) for text in strings
    ):
        return f"{target} = ..."
    return f"{target} = {short_code(assignment.value, 40)}"


def moved_here(model: SemanticModel, client: Client) -> bool:
    """This run points the client at Z.AI (or it is there already): GLM002 can fix its URL.
    Options that only matter to OpenAI go with it, not before."""
    if not migrates_to_zai(client) or client.account_only or repoint_blocker(model, client) is not None:
        return False
    return client.kwarg("base_url") is not None or client.splats_known or bool(client.option_sources("base_url"))


def module_client_anchor(model: SemanticModel) -> tuple[cst.SimpleStatementLine, str] | None:
    """The first module-level `import openai` line and the name it binds, if any."""
    for line in model.openai_import_lines:
        for statement in line.body:
            if isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar):
                # `from langfuse.openai import openai`: a drop-in's `openai` is the SDK's module
                names: Sequence[cst.ImportAlias] = statement.names
            elif isinstance(statement, cst.Import):
                names = statement.names
            else:
                continue
            for alias in names:
                if alias.evaluated_name == "openai":
                    return line, alias.evaluated_alias or "openai"
    return None


def _last_import_from(module: cst.Module, line: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    """The last of the imports that follow `line`: settings go there, since they read `os`,
    which is often imported a line or two below `openai`."""
    body = list(module.body)
    index = body.index(line) if line in body else len(body) - 1
    while index + 1 < len(body) and _is_import_line(body[index + 1]):
        index += 1
    # `load_dotenv()` just below them fills the environment the settings read (`ZAI_BASE_URL`)
    for later in range(index + 1, min(index + 4, len(body))):
        if _loads_dotenv(body[later]):
            index = later
            break
    found = body[index]
    return found if isinstance(found, cst.SimpleStatementLine) else line


def _loads_dotenv(statement: cst.BaseStatement) -> bool:
    """`load_dotenv()` / `dotenv.load_dotenv(...)` / `_ = load_dotenv(find_dotenv())` alone on its line."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    value = small.value if isinstance(small, cst.Expr | cst.Assign) else None
    return type(value) is cst.Call and (dotted_name(value.func) or "").rpartition(".")[2] == "load_dotenv"


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
    )


def module_setting(model: SemanticModel, attribute: str) -> bool:
    return any(a.attribute == attribute for a in model.module_attributes)


def wants_module_settings(model: SemanticModel) -> bool:
    """The module-level client is used here, aimed at OpenAI, in openai>=1 style."""
    return model.module_client_used and not model.uses_legacy_api and migrates_to_zai(model.module_client)


def module_client_calls(model: SemanticModel) -> Iterator[ApiCall]:
    """This module's requests through the `openai` module-level client (also through a
    parameter it passes the module for: `call_api(openai, prompt)`)."""
    for call in model.api_calls:
        if any(client.origin == "module" for client in (*call.clients, *model.passed.get(call, ()))):
            yield call


def module_client_called(model: SemanticModel) -> bool:
    """This module makes a request through the `openai` module-level client."""
    return next(module_client_calls(model), None) is not None


def url_edits(model: SemanticModel) -> int:
    """How many places of this module glm-migrate points at Z.AI's URL: OpenAI clients and
    their `with_options` copies, Azure clients it converts, the module-level client."""
    count = int(wants_module_settings(model) and module_client_called(model))
    for client in model.clients:
        moves = (
            client.target is Target.OPENAI and not client.account_only and client.origin in ("constructor", "derived")
        )
        if moves and client.sdk in ("openai", "azure") and repoint_blocker(model, client) is None:
            count += 1
    return count


def client_url(model: SemanticModel, settings: Settings) -> tuple[cst.BaseExpression, tuple[tuple[str, str], ...]]:
    """What a client's `base_url=` gets, and the module constants that needs: with several
    clients pointed at Z.AI in the module (`base-url-once`), one `ZAI_BASE_URL` constant
    defined after the imports instead of the lookup written at each."""
    tables = model.tables
    url = base_url_expression(tables, settings.region, settings.base_url_style)
    if settings.base_url_style != "env" or not settings.base_url_once or url_edits(model) < 2:
        return url, ()
    name, value = tables.base_url_env, code_of(url)
    existing = model.module_scope.bindings.get(name)
    if existing is None:
        return cst.Name(name), ((name, value),)
    if all(binding.value is not None and code_of(binding.value) == value for binding in existing):
        return cst.Name(name), ()  # the module has the constant already (a run before this one)
    return url, ()  # a name of the user's own


def insert_after(line: cst.SimpleStatementLine, code: str) -> cst.FlattenSentinel[cst.BaseStatement]:
    return cst.FlattenSentinel([line, cst.parse_statement(code)])


def add_missing_module_setting(
    rule: Rule,
    attribute: str,
    value: cst.BaseExpression,
    message: str,
    imports: tuple[str, ...],
    constants: tuple[tuple[str, str], ...] = (),
) -> None:
    """Report a module-level client that never sets `openai.<attribute>`; the fix sets it to
    `value` right after `import openai`."""
    if not wants_module_settings(rule.model) or module_setting(rule.model, attribute):
        return
    if not module_client_called(rule.model):
        return  # no request of the module client here: nothing in this file needs the setting
    variable = module_program_key(rule.model)
    if variable is not None:
        call = next(module_client_calls(rule.model))
        rule.report(
            call.node,
            f"{message}; its key is the one {rule.model.key_setter(variable)} sets in `{variable}`: point it at "
            "Z.AI by hand together"
            " with that key, a Z.AI key from then on",
        )
        return
    anchor = module_client_anchor(rule.model)
    if anchor is None:
        # `import openai` inside functions only: each would need the setting (`repoint_blocker`)
        call = next(module_client_calls(rule.model))  # one there is: `module_client_called`
        code = f"openai.{attribute} = {code_of(value)}"
        rule.report(call.node, f"{message}; `openai` is imported only inside a function: add `{code}` after it")
        return
    line, alias = anchor
    code = f"{alias}.{attribute} = {code_of(value)}"
    after = _last_import_from(rule.model.module, line)
    edits: tuple[tuple[cst.CSTNode, NodeEdit], ...] = ((after, lambda node: insert_after(node, code)),)
    rule.report(line, message, fix=Fix(edits, f"Add `{code}`", imports, constants=constants))


def splat_code(client: Client) -> str:
    """The first `**` argument of the constructor whose keys cannot all be seen, as written."""
    return code_of(_first_hidden(client)[0].value)


def _first_hidden(client: Client) -> tuple[cst.Arg, SplatMapping | None]:
    """The first `**` argument whose keys cannot all be seen (or the first one), resolved."""
    assert client.construction is not None
    pairs = list(zip(_splat_args(client.construction), client.splats, strict=True))
    return next(((arg, splat) for arg, splat in pairs if splat is None or splat.open), pairs[0])


def _splat_args(call: cst.Call) -> list[cst.Arg]:
    return [arg for arg in call.args if arg.star == "**"]


def add_client_option(
    client: Client, name: str, value: cst.BaseExpression
) -> tuple[tuple[cst.CSTNode, NodeEdit], ...] | str:
    """The edits that give a client constructor option `name` (which it does not set), or why
    that cannot be done safely, with the edit a person should make instead.

    A keyword next to a `**mapping` is added only when every such mapping is visible and none
    holds the key: otherwise the call would raise `TypeError: got multiple values`.
    """
    call = client.construction
    assert call is not None
    if not client.splats_known:
        arg, splat = _first_hidden(client)
        mapping = code_of(arg.value)
        # an open mapping (`dict(timeout=t, **kwargs)`) shows the keys it lists only
        hidden = "its keys are not visible" if splat is None else "not all its keys are visible"
        return (
            f'`{code_of(call.func)}(**{mapping})`: `{mapping}` must hold `"{name}": {code_of(value)}` '
            f"({hidden}, and adding `{name}=` here could repeat one)"
        )
    return ((call, lambda node: add_kwarg(node, name, value)),)


def default_in_mapping(
    client: Client, name: str, value: cst.BaseExpression
) -> tuple[tuple[cst.CSTNode, NodeEdit], ...] | None:
    """For an option some `**` mapping sets on some paths only: the edit that makes `value` the
    mapping's entry from the start (the later assignments still override it), or None when the
    mapping has no single literal to put it in, or is open (`dict(k=v, **kwargs)` raises
    TypeError when `kwargs` holds `k`)."""
    for splat in client.splats:
        if splat is None or not splat.sources(name):
            continue
        literal = splat.literal
        if literal is None or splat.open:
            return None
        if type(literal) is cst.Dict:
            return ((literal, lambda node: node if dict_entry(node, name) else add_dict_entry(node, name, value)),)
        return ((literal, lambda node: node if find_kwarg(node, name) else add_kwarg(node, name, value)),)
    return None


def provider_branch(model: SemanticModel, client: Client) -> cst.CSTNode | None:
    """The test that picks this client as OpenAI's among several providers, or None:
    `if provider == "openai":`, `elif name in ("openai", "azure"):`, `case "azure_openai":`,
    `case Provider.OPENAI:`, or a table's `"openai": OpenAI(...)` entry (the key is returned).
    The names that mean OpenAI (Azure's included) are `rules/sdk.toml`'s `[providers]`.

    Such code serves OpenAI on purpose beside other providers: repointing the branch would make
    "openai" mean Z.AI; the way on is a Z.AI branch of its own, which a person adds."""
    return construction_provider_branch(model, client.construction, otherwise=client.sdk == "azure")


#: where the search for a provider test around a construction stops (`type()`: see nodes.py)
_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Module})


def construction_provider_branch(
    model: SemanticModel, construction: cst.CSTNode | None, otherwise: bool = False
) -> cst.CSTNode | None:
    """`provider_branch` of any construction (a LangChain class's too); with `otherwise`, also
    the `else:` of such a test (`if api_type == "openai": ... else: AzureOpenAI(...)`)."""
    names = model.tables.sdk.openai_provider_names
    markers = model.tables.sdk.openai_model_markers

    def picks_openai(test: cst.BaseExpression) -> bool:
        return _tests_openai_name(test, names) or _tests_openai_model(test, markers, partial(_names_openai_ids, model))

    found = _branch_around(model, construction, otherwise, picks_openai, names)
    if found is not None or construction is None:
        return found
    # built in a method of a module-level class that is itself OpenAI's choice among providers'
    # classes (`{"openai": OpenAIClient, "together": TogetherClient}[provider](key)`, `if provider
    # == "openai": return OpenAIClient(key)`)
    method = model.parents.get(construction)
    while method is not None and type(method) not in _SCOPES:
        method = model.parents.get(method)
    body = model.parents.get(method) if type(method) is cst.FunctionDef else None
    klass = model.parents.get(body) if type(body) is cst.IndentedBlock else None
    if type(klass) is not cst.ClassDef or type(model.parents.get(klass)) is not cst.Module:
        return None
    for use in model.uses_of(klass.name.value, model.module_scope):
        found = _branch_around(model, use, otherwise, picks_openai, names)
        if found is not None:
            return found
    return None


def _branch_around(
    model: SemanticModel,
    construction: cst.CSTNode | None,
    otherwise: bool,
    picks_openai: Callable[[cst.BaseExpression], bool],
    names: Set[str],
) -> cst.CSTNode | None:
    current: cst.CSTNode | None = construction
    while current is not None and type(current) not in _SCOPES:
        parent = model.parents.get(current)
        if type(parent) is cst.If and current is parent.body and picks_openai(parent.test):
            return parent.test
        if otherwise and type(parent) is cst.Else:
            test_of = model.parents.get(parent)
            if type(test_of) is cst.If and picks_openai(test_of.test):
                return test_of.test
        if otherwise and type(parent) is cst.IndentedBlock and current in parent.body:
            # `if api_type == "openai": return OpenAI()` above: reached only for another provider
            for earlier in parent.body[: parent.body.index(cast(cst.BaseStatement, current))]:
                if (
                    type(earlier) is cst.If
                    and earlier.orelse is None
                    and picks_openai(earlier.test)
                    and _ends_in_return(earlier.body)
                ):
                    return earlier.test
        if type(parent) is cst.MatchCase and current is parent.body and _pattern_names_openai(parent.pattern, names):
            return parent.pattern
        if type(parent) is cst.DictElement and current is parent.value and _is_openai_word(parent.key, names):
            return parent.key
        current = parent
    return None


def _ends_in_return(block: cst.BaseSuite) -> bool:
    last = block.body[-1] if isinstance(block, cst.IndentedBlock) and block.body else None
    return type(last) is cst.SimpleStatementLine and type(last.body[-1]) in (cst.Return, cst.Raise)


def own_branch_advice(rule: Rule, branch: cst.CSTNode, owner: str) -> str:
    """What to do with `owner`'s ("OpenAI", "Azure") branch of a provider choice."""
    url, key_env = rule.tables.base_url(rule.settings.region), rule.key_env
    return (
        f"{owner}'s branch of a provider choice (`{short_code(branch)}`): add a Z.AI branch of its own "
        f'(`base_url="{url}"`, `api_key=os.environ["{key_env}"]`) and choose it, rather than pointing '
        f"{owner}'s at Z.AI"
    )


def _is_openai_word(node: cst.CSTNode, names: Set[str]) -> bool:
    """A string that is one of `names` (any case), or a constant-style name or attribute spelled
    as one (`Provider.AZURE_OPENAI`, `OPENAI`)."""
    if type(node) is cst.SimpleString:
        return (string_value(node) or "").lower() in names
    if type(node) is cst.Attribute:
        return node.attr.value.lower() in names
    return type(node) is cst.Name and node.value.isupper() and node.value.lower() in names


def _tests_openai_model(
    test: cst.BaseExpression, markers: Set[str], names_ids: Callable[[cst.BaseExpression], bool]
) -> bool:
    """A test that a model id is OpenAI's by how it is spelled: `"gpt" in model`,
    `model.startswith("gpt-")`, `model.startswith(("gpt", "o1"))`, or by naming OpenAI's ids
    (`model in ["gpt-4o", "o3-mini"]`, `model in OPENAI_MODELS`, `model == "gpt-4.1"`: see
    `_names_openai_ids`), possibly in an `or`."""
    if type(test) is cst.BooleanOperation:
        if type(test.operator) is cst.Or:
            return _tests_openai_model(test.left, markers, names_ids) or _tests_openai_model(
                test.right, markers, names_ids
            )
        return _tests_openai_model(test.left, markers, names_ids) and _tests_openai_model(
            test.right, markers, names_ids
        )
    if type(test) is cst.Comparison and len(test.comparisons) == 1:
        (target,) = test.comparisons
        if type(target.operator) is cst.In:
            return string_value(test.left) in markers or names_ids(target.comparator)
        return type(target.operator) is cst.Equal and (names_ids(target.comparator) or names_ids(test.left))
    if type(test) is cst.Call and type(test.func) is cst.Attribute and test.func.attr.value == "startswith":
        prefixes = test.args[0].value if len(test.args) == 1 else None
        elements = [e.value for e in prefixes.elements] if type(prefixes) is cst.Tuple else [prefixes]
        return bool(elements) and all(e is not None and string_value(e) in markers for e in elements)
    return False


def _names_openai_ids(model: SemanticModel, node: cst.BaseExpression) -> bool:
    """`node` is an OpenAI model id, or a literal collection (or a module constant holding one)
    of nothing but OpenAI model ids: a model tested against it is one of OpenAI's."""
    if type(node) is cst.Name:
        bindings = model.module_scope.bindings.get(node.value, ())
        if len(bindings) != 1 or bindings[0].value is None:
            return False
        node = bindings[0].value
    if type(node) in (cst.List, cst.Tuple, cst.Set):
        elements = [element.value for element in node.elements]  # type: ignore[attr-defined]
    elif type(node) is cst.SimpleString:
        elements = [node]
    else:
        return False
    markers = tuple(model.tables.sdk.openai_model_markers)
    for element in elements:
        value = string_value(element)
        if value is None or not value.lower().startswith(markers) or model.tables.match_model(value) is None:
            return False
    return bool(elements)


def _tests_openai_name(test: cst.BaseExpression, names: Set[str]) -> bool:
    """`x == "openai"`, `x is Provider.OPENAI`, `x in ("openai", ...)`, possibly in an `and`/`or`."""
    if type(test) is cst.BooleanOperation:
        return _tests_openai_name(test.left, names) or _tests_openai_name(test.right, names)
    if type(test) is not cst.Comparison:
        return False
    sides = [test.left, *(target.comparator for target in test.comparisons)]
    for target in test.comparisons:
        if type(target.operator) in (cst.Equal, cst.Is):
            if any(_is_openai_word(side, names) for side in sides):
                return True
        elif type(target.operator) is cst.In and type(target.comparator) in (cst.Tuple, cst.List, cst.Set):
            elements = target.comparator.elements  # type: ignore[attr-defined]
            if any(_is_openai_word(element.value, names) for element in elements):
                return True
    return False


def _pattern_names_openai(pattern: cst.MatchPattern, names: Set[str]) -> bool:
    if type(pattern) is cst.MatchValue:
        return _is_openai_word(pattern.value, names)
    if type(pattern) is cst.MatchOr:
        return any(_pattern_names_openai(element.pattern, names) for element in pattern.patterns)
    return False


def test_stub(model: SemanticModel, client: Client) -> str | None:
    """What a test of the run does with the class building this client that the moved client
    would fail (`ModuleFacts.client_stubs`), said for a message, or None."""
    return stub_of(model, client.construction.func) if client.construction is not None else None


def stub_of(model: SemanticModel, func: cst.BaseExpression) -> str | None:
    """`test_stub` for the class a constructor call names (`func`), an SDK's or LangChain's."""
    stubs = model.facts.client_stubs
    if stubs and type(func) is cst.Name:
        return stubs.get(func.value)
    return None


def repoint_blocker(model: SemanticModel, client: Client) -> str | None:
    """Why glm-migrate cannot point this client at Z.AI itself, or None: its calls must then not
    get GLM model ids either, which OpenAI or Azure would reject until a person moves it."""
    if client.imported is not None and client.target is Target.OPENAI:
        return client.imported.blocker
    if client.sdk == "azure" and client.origin == "annotation" and client.target is Target.OPENAI:
        # Its caller builds it; until that client moves, its model is an Azure deployment name.
        return "it is an Azure OpenAI client its caller makes, whose model is a deployment name"
    if client.origin == "module" and client.target is Target.OPENAI and module_client_anchor(model) is None:
        # GLM001/GLM002 set `openai.api_key` and `openai.base_url` after a module-level import
        return "`openai` is imported only inside a function, where its settings are not added"
    if client.origin == "module" and client.target is Target.OPENAI and model.uses_legacy_api:
        # GLM001/GLM002 set them only once GLM303 has left no openai<1 call or setting: one a
        # person must convert (`openai.Model.retrieve`, `openai.api_base = cfg.get(...)`) keeps
        # the module client where it is, and its calls' ids with it
        return f"the module still uses openai<1 API not converted (`{_legacy_use(model)}`), and its settings move only once none is left"
    if client.origin == "module" and client.target is Target.OPENAI and (variable := module_program_key(model)):
        return f"its key is the one {model.key_setter(variable)} sets in `{variable}`"
    if client.construction is None or not client.constructed or client.target is not Target.OPENAI:
        return None
    stub = test_stub(model, client)
    if stub is not None:
        return f"{stub}, then move it"
    branch = provider_branch(model, client)
    if branch is not None:
        return f"it is OpenAI's branch of a provider choice (`{short_code(branch)}`)"
    check = openai_key_check(model, client)
    if check is not None:
        return (
            f"its key must be an OpenAI key (`{short_code(check)}` stops the program for any other), "
            "which Z.AI does not take: drop the check with the move"
        )
    handler = missing_key_handler(model, client)
    if handler is not None:
        return (
            f"it is built in a `try` whose `{short_code(handler.type or handler)}` handler expects the error "
            "a missing key raises; the Z.AI key's `os.environ[...]` lookup would raise KeyError past it: catch "
            "`KeyError` there too"
        )
    variable = program_set_key(model, client)
    if variable is not None:
        return f"its key is the one {model.key_setter(variable)} sets in `{variable}`"
    later = set_after_built(model, client)
    if later:
        return f"its `{later[0].option}` is set after it is built (`{assignment_code(model, later[0])}`)"
    if client.sdk == "azure":
        new_class = "AsyncOpenAI" if client.is_async else "OpenAI"
        blocker = _azure_blocker(model, client)
        if blocker is None and openai_class_spelling(model, client, new_class) is None:
            func = client.construction.func
            bindings = model.lookup(func.value, client.scope) if type(func) is cst.Name else []
            dropin = next((b for b in bindings if _from_dropin(model, b.target)), None)
            if dropin is not None:
                module = code_of(cast(cst.ImportFrom, model.parents[cast(cst.CSTNode, dropin.target)]).module or func)
                blocker = f"it comes from `{module}`, a drop-in of the SDK that traces it (its own `{new_class}` keeps the tracing)"
            elif bindings and all(b.qualified for b in bindings):
                blocker = f"`{new_class}` and `openai` are names of this function that may be unbound at the call"
            else:
                blocker = f"`{code_of(func)}` names the class through a variable"
        return blocker
    if client.sdk == "openai" and not client.splats_known:
        if any(splat is None for splat in client.splats):
            return f"the keys of `**{splat_code(client)}` are not visible"
        # Open mappings (`dict(base_url=url, api_key=key, **kwargs)`): their listed entries can be
        # edited in place, but a key or URL they lack cannot be added, and one the keys they do not
        # list may replace (`{"base_url": url, **kwargs}`) may stay OpenAI's.
        for option in ("base_url", "api_key"):
            if not client.surely_sets(option):
                return f"`**{splat_code(client)}` may hold keys it does not list, `{option}` among them"
    return None


def openai_key_check(model: SemanticModel, client: Client) -> cst.BaseExpression | None:
    """The test of a check before the client is built, in the same function, that stops the
    program unless its key has OpenAI's prefix (`if not api_key.startswith("sk-"): raise ...`,
    `assert key.startswith("sk-")`), or None: such a client can never be given a Z.AI key."""
    arg = client.kwarg("api_key")
    call = client.construction
    if arg is None or call is None:
        return None
    node: cst.CSTNode = call
    top: cst.CSTNode = call
    while (parent := model.parents.get(node)) is not None and type(parent) not in _SCOPE_NODES:
        if type(parent) is cst.IndentedBlock:
            top = node  # the statement of the innermost block that holds the construction
        node = parent
    if parent is None or type(parent) is not cst.FunctionDef or type(parent.body) is not cst.IndentedBlock:
        return None
    prefixes = model.tables.secret_prefixes
    key: str | None = None  # the key's code, made only where a check is found: most functions have none
    for statement in parent.body.body:
        if statement is top:
            break
        test = _key_prefix_test(statement)
        if test is not None:
            key = key or code_of(arg.value)
            if _starts_with_prefix(test, key, prefixes):
                return test
    return None


def _key_prefix_test(statement: cst.BaseStatement) -> cst.BaseExpression | None:
    """`X.startswith(...)` of `if not X.startswith(...): raise` or `assert X.startswith(...)`."""
    if type(statement) is cst.If and type(statement.test) is cst.UnaryOperation:
        body = statement.body
        raises = type(body) is cst.IndentedBlock and any(
            type(line) is cst.SimpleStatementLine and any(type(small) is cst.Raise for small in line.body)
            for line in body.body
        )
        return statement.test.expression if raises and type(statement.test.operator) is cst.Not else None
    if type(statement) is cst.SimpleStatementLine:
        for small in statement.body:
            if type(small) is cst.Assert:
                return small.test
    return None


def _starts_with_prefix(test: cst.BaseExpression, key: str, prefixes: tuple[str, ...]) -> bool:
    """`test` is `<key>.startswith("sk-")` (or a tuple of such prefixes)."""
    if type(test) is not cst.Call or type(test.func) is not cst.Attribute or test.func.attr.value != "startswith":
        return False
    if code_of(test.func.value) != key or len(test.args) != 1:
        return False
    value = test.args[0].value
    strings = [e.value for e in value.elements] if type(value) is cst.Tuple else [value]
    texts = [string_value(s) for s in strings]
    return bool(texts) and all(t is not None and t.startswith(prefixes) for t in texts)


#: handlers that also catch the KeyError of `os.environ["ZAI_API_KEY"]`
_LOOKUP_ERRORS = frozenset({"KeyError", "LookupError", "Exception", "BaseException"})


def missing_key_handler(model: SemanticModel, client: Client) -> cst.ExceptHandler | None:
    """The `except OpenAIError:` around the client's construction when the key fix would change
    what it catches (`try_catching_missing_key`): the client reads no key of its own, or one
    `os.getenv` may give as None."""
    call = client.construction
    if call is None or client.splats:
        return None
    arg = client.kwarg("api_key")
    if arg is None and client.option_sources("api_key"):
        return None
    if arg is not None and not lookup_may_give_none(arg.value):
        return None
    return try_catching_missing_key(model, call, client.scope)


def try_catching_missing_key(model: SemanticModel, call: cst.Call, scope: Scope) -> cst.ExceptHandler | None:
    """The handler of a `try` around `call` (in the same function) that catches what an OpenAI
    client's constructor raises without a key (`openai.OpenAIError`) and not KeyError: the
    program expects that error (an optional client), and `os.environ["ZAI_API_KEY"]`, the key
    fix, would raise KeyError past it. None where a handler catches KeyError too (`except
    Exception`, a bare `except`, or a tuple held in a variable, which may), or nothing is caught."""
    errors = model.tables.missing_key_errors
    node: cst.CSTNode = call
    while (parent := model.parents.get(node)) is not None and type(parent) not in _SCOPE_NODES:
        if type(parent) is cst.Try and node is parent.body:
            found = None
            for handler in parent.handlers:
                if handler.type is None:
                    return None
                caught = handler.type
                exprs = [element.value for element in caught.elements] if type(caught) is cst.Tuple else [caught]
                for expr in exprs:
                    if type(expr) not in (cst.Name, cst.Attribute) or _last_name(expr) in _LOOKUP_ERRORS:
                        return None
                    if found is None and model.qualified_names(expr, scope) & errors:
                        found = handler
            if found is not None:
                return found
        node = parent
    return None


_SCOPE_NODES = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)


def lookup_may_give_none(value: cst.BaseExpression) -> bool:
    """`os.getenv("OPENAI_API_KEY")` / `os.environ.get(...)` without a default: None when unset,
    which the key fix makes `os.environ[...]`."""
    if type(value) is not cst.Call or len(value.args) != 1:
        return False
    name = dotted_name(value.func) or ""
    return name.endswith("getenv") or name.endswith("environ.get")


def _legacy_use(model: SemanticModel) -> str:
    """The module's first openai<1 call, else its first openai<1 module setting, as written."""
    legacy = model.tables.sdk.legacy_settings
    uses: list[cst.CSTNode] = [call.func for call, _, _ in model.legacy_calls]
    uses += [a.assign.targets[0].target for a in model.module_attributes if a.attribute in legacy]
    if not uses and model.legacy_imports:
        return f"import {model.legacy_imports[0][1]}"
    return short_code(uses[0]) if uses else "openai<1 API"


def _azure_blocker(model: SemanticModel, client: Client) -> str | None:
    """Why the conversion cannot be a fix: it is one only when every argument is visible and
    maps onto an OpenAI client."""
    call = client.construction
    assert call is not None
    if len(client.classes) > 1:
        return f"`{code_of(call.func)}` is one of {', '.join(f'`{c}`' for c in client.classes)}, chosen at run time"
    if client.splats:
        hidden = [code_of(arg.value) for arg in call.args if arg.star]
        return f"its arguments come from `**{hidden[0]}`, which a plain client may not take"
    if any(arg.keyword is None for arg in call.args):
        return "it takes positional arguments"
    sent = next((o for o in model.tables.azure_request_options if client.kwarg(o) is not None), None)
    if sent is not None:
        # `default_headers={"Ocp-Apim-Subscription-Key": key}`: Azure's gateway key, which the
        # converted client would send to Z.AI with every request
        return f"its `{sent}=` goes with every request (an API Management key, `api-version`), to Z.AI once converted"
    test = _azure_class_test(model)
    if test is not None:
        return f"the module tests for the Azure class (`{short_code(test)}`), which a plain client fails"
    return None


def _azure_class_test(model: SemanticModel) -> cst.Call | None:
    """An `isinstance(x, AzureOpenAI)` / `issubclass` in the module: code that tells the clients apart."""
    azure = {name for name, kind in model.tables.clients.items() if kind[0] == "azure"}
    for call, scope in model.calls:
        if type(call.func) is cst.Name and call.func.value in ("isinstance", "issubclass") and len(call.args) == 2:
            classes = call.args[1].value
            candidates = [e.value for e in classes.elements] if type(classes) is cst.Tuple else [classes]
            if any(model.qualified_names(c, scope) & azure for c in candidates):
                return call
    return None


#: how GLM008 writes the OpenAI class: the callee, modules and names to import at module level,
#: and edits of a function's own import (`from openai import AzureOpenAI` -> `... import OpenAI`)
ClassSpelling = tuple[
    cst.BaseExpression, tuple[str, ...], tuple[tuple[str, str], ...], tuple[tuple[cst.CSTNode, NodeEdit], ...]
]


def openai_class_spelling(model: SemanticModel, client: Client, new_class: str) -> ClassSpelling | None:
    """How to write the OpenAI class in place of the Azure one, with the name the module
    already has: `oa.OpenAI` for `oa.AzureOpenAI`, `OpenAI` when it is bound there (or can be:
    imported at module level, or beside the Azure class's own import in the function),
    `openai.OpenAI` otherwise; None for a class reached through a variable
    (`cls = AzureOpenAI; cls()`), or where neither name can be bound, which only a person can
    rewrite. A name the function binds only on another path (`from openai import OpenAI` in the
    other branch) is not bound here, and no module-level import reaches a function's local."""
    call = client.construction
    assert call is not None
    func, scope = call.func, client.scope
    qualified = f"openai.{new_class}"
    if type(func) is cst.Attribute:
        bases = model.qualified_names(func.value, scope)
        if bases == {"openai"}:
            return func.with_changes(attr=cst.Name(new_class)), (), (), ()
        return None
    if type(func) is not cst.Name or not all(b.qualified for b in model.lookup(func.value, scope)):
        return None
    if model.dropins and any(_from_dropin(model, b.target) for b in model.lookup(func.value, scope)):
        # `from langfuse.openai import AzureOpenAI`: `openai.OpenAI` would drop the tracing, and
        # the drop-in's own import is not rewritten here
        return None
    existing = model.bindings_at(new_class, scope, func)
    if existing and all(b.qualified == qualified for b in existing):
        return cst.Name(new_class), (), (), ()
    if existing == []:
        return cst.Name(new_class), (), (("openai", new_class),), ()
    local = _beside_local_import(model, client, new_class)
    if local is not None:
        return cst.Name(new_class), (), (), local
    modules = model.bindings_at("openai", scope, func)
    if modules == [] or (modules and all(b.qualified == "openai" for b in modules)):
        return cst.Attribute(cst.Name("openai"), cst.Name(new_class)), ("openai",), (), ()
    return None


def _from_dropin(model: SemanticModel, alias: cst.CSTNode | None) -> bool:
    """Whether `alias` is a name imported from a drop-in module (`from langfuse.openai import X`)."""
    statement = model.parents.get(alias) if type(alias) is cst.ImportAlias else None
    return (
        type(statement) is cst.ImportFrom
        and statement.module is not None
        and code_of(statement.module) in model.tables.sdk.dropin_modules
    )


def _beside_local_import(
    model: SemanticModel, client: Client, new_class: str
) -> tuple[tuple[cst.CSTNode, NodeEdit], ...] | None:
    """When `new_class` is a local of the client's function that may be unbound at the call,
    and the Azure class comes from an import of that function which runs before the call: the
    edit that imports `new_class` there too (in place of the Azure class when nothing else in
    the function uses it), so it is bound wherever the Azure class was."""
    call = client.construction
    assert call is not None and type(call.func) is cst.Name
    scope, name, qualified = client.scope, call.func.value, f"openai.{new_class}"
    owner = model.owner(new_class, scope)
    if owner is None or owner is not model.owner(name, scope):
        return None
    if not all(b.qualified == qualified for b in owner.bindings[new_class]):
        return None  # the function binds the name to something else as well
    for binding in owner.bindings[name]:
        alias = binding.target
        statement = model.parents.get(alias) if alias is not None else None
        if (
            type(alias) is cst.ImportAlias
            and type(statement) is cst.ImportFrom
            and statement.relative == ()
            and statement.module is not None
            and code_of(statement.module) == "openai"
            and model.bindings_at(name, scope, call.func) is not None
            and model.bound_before(binding, call.func)
        ):
            others = [u for u in model.uses_of(name, owner) if u is not call.func and u is not alias.name]
            replace = not [u for u in others if type(model.parents.get(u)) is not cst.ImportAlias]
            return ((statement, partial(_import_beside, old=alias, new=new_class, replace=replace)),)
    return None


def _import_beside(node: cst.CSTNode, *, old: cst.ImportAlias, new: str, replace: bool) -> cst.CSTNode:
    """`from openai import X` importing `new` too, or instead of `old` (`X as Y` included)."""
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    if any(type(a.name) is cst.Name and a.name.value == new and a.asname is None for a in names):
        return node  # already there (two clients of the function)
    if replace:
        at = next((i for i, a in enumerate(names) if a.deep_equals(old)), None)
        if at is not None:
            names[at] = names[at].with_changes(name=cst.Name(new), asname=None)
            return node.with_changes(names=names)
    last = names[-1]
    names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    names.append(cst.ImportAlias(cst.Name(new), comma=last.comma))
    return node.with_changes(names=names)


def litellm_deployments(model: SemanticModel) -> list[tuple[cst.Dict, cst.Dict, Scope]]:
    """(deployment, its `litellm_params`, scope) of every `litellm.Router(model_list=[...])` whose
    list is visible: GLM107 moves them, GLM009 leaves their keys and URLs to it."""
    found = []
    for call, scope, kind in model.framework_calls:
        if kind != "litellm_router":
            continue
        arg = find_kwarg(call, "model_list") or next((a for a in call.args if a.keyword is None and not a.star), None)
        for deployments in model.literals_of(arg.value, scope, cst.List) if arg is not None else []:
            for element in deployments.elements:
                for deployment in model.literals_of(element.value, scope, cst.Dict):
                    entry = dict_entry(deployment, "litellm_params")
                    for params in model.literals_of(entry.value, scope, cst.Dict) if entry is not None else []:
                        found.append((deployment, params, scope))
    return found


def calls_handed(model: SemanticModel, client: Client) -> list[tuple[cst.Call, Scope]]:
    """The calls of other code (a library's factory, not an API call) that get the client built
    at `client.construction`: written inside them (`OpenAIModel("gpt-4o", provider=
    OpenAIProvider(openai_client=AsyncOpenAI()))`), passed by the name it is bound to
    (`client = OpenAI()` ... `llm_factory("gpt-4o-mini", client=client)`), or in the `**` mapping
    it is stored in (`kwargs["client"] = OpenAI()` ... `llm_factory(model, **kwargs)`). What such
    code sends through the client, with the ids it is given, is not visible."""
    built = client.construction
    if built is None:
        return []
    api_calls = {call.node for call in model.api_calls}
    # or a method of it (`functools.partial(client.chat.completions.create, model="gpt-4o")`)
    found = [(holder, client.scope) for holder, _, clients in model.handed_methods if client in clients]
    child: cst.CSTNode = built
    parent = model.parents.get(child)
    while parent is not None and not isinstance(parent, cst.BaseStatement | cst.BaseSmallStatement):
        if type(parent) is cst.Call and parent not in api_calls:
            found.append((parent, client.scope))
        child, parent = parent, model.parents.get(parent)
    if type(parent) is not cst.Assign or len(parent.targets) != 1 or parent.value is not built:
        return found
    target = parent.targets[0].target
    if type(target) is cst.Name:
        name, star = target.value, ""
    elif type(target) is cst.Subscript and type(target.value) is cst.Name:
        name, star = target.value.value, "**"
    elif type(target) is cst.Attribute and type(target.value) is cst.Name and target.value.value == "self":
        return found + _handed_as_attribute(model, client, target.attr.value, api_calls)
    else:
        return found
    for call, scope in model.calls:
        if call in api_calls:
            continue
        # or in the body of a class defined there (a method's decorator), which sees that name
        in_class = scope.kind == "class" and model.owner(name, scope) is client.scope
        if scope is not client.scope and not in_class:
            continue
        if any(arg.star == star and type(arg.value) is cst.Name and arg.value.value == name for arg in call.args):
            found.append((call, scope))
            found.extend(_decorators_of_callee(model, call, scope, api_calls))
            if not star:
                found.extend(_handed_on_by_callee(model, call, scope, name, api_calls))
        elif not star and any(_packed_with(arg.value, name) is not None for arg in call.args if not arg.star):
            # packed with what goes with it (`pool.map(work, [(client, "gpt-4o", p) for p in ps])`,
            # `pool.starmap(ask, [(client, model, q)])`, `apply_async(ask, args=(client, "gpt-4o"))`)
            found.append((call, scope))
    return found


def _handed_as_attribute(
    model: SemanticModel, client: Client, attribute: str, api_calls: Set[cst.Call]
) -> list[tuple[cst.Call, Scope]]:
    """The calls of other code that the methods of the class get the client from `self.<attribute>`
    (`self.client = OpenAI()` in a test's setup ... `improve(self.client, self.model_name)`)."""
    klass = client.scope.enclosing_class()
    if klass is None:
        return []
    found: list[tuple[cst.Call, Scope]] = []
    for call, scope in model.calls:
        if call in api_calls or not any(type(arg.value) is cst.Attribute for arg in call.args):
            continue
        if scope.enclosing_class() is not klass:
            continue
        for arg in call.args:
            value = arg.value
            if (
                not arg.star
                and type(value) is cst.Attribute
                and value.attr.value == attribute
                and type(value.value) is cst.Name
                and value.value.value == "self"
            ):
                found.append((call, scope))
                break
    return found


def _handed_on_by_callee(
    model: SemanticModel, call: cst.Call, scope: Scope, name: str, api_calls: Set[cst.Call]
) -> list[tuple[cst.Call, Scope]]:
    """The calls of other code that a function of this module, given the client as `name`
    (`register(client)`), hands it on to under its parameter's name, with the ids it writes
    there (`config.register_model("o1-mini", client)`): one level down, as `calls_handed`."""
    if type(call.func) is not cst.Name:
        return []
    found: list[tuple[cst.Call, Scope]] = []
    for binding in model.lookup(call.func.value, scope):
        defined = binding.defines
        if defined is None or type(defined.node) is not cst.FunctionDef:
            continue
        params = defined.node.params
        declared = [*enumerate([*params.posonly_params, *params.params]), *((-1, p) for p in params.kwonly_params)]
        param = next(
            (
                p.name.value
                for index, p in declared
                if (arg := passed_argument(call, p.name.value, index)) is not None
                and type(arg.value) is cst.Name
                and arg.value.value == name
            ),
            None,
        )
        if param is None:
            continue
        for inner, inner_scope in model.calls:
            if inner_scope is not defined or inner in api_calls:
                continue
            if any(not a.star and type(a.value) is cst.Name and a.value.value == param for a in inner.args):
                found.append((inner, inner_scope))
    return found


def _decorators_of_callee(
    model: SemanticModel, call: cst.Call, scope: Scope, api_calls: Set[cst.Call]
) -> list[tuple[cst.Call, Scope]]:
    """The decorator calls of the function of this module that `call` calls: a library's
    decorator given a model id (`@ell.simple(model="gpt-4o")`) and called with a client
    (`words(3, client=client)`) sends that id through the client."""
    if type(call.func) is not cst.Name:
        return []
    found: list[tuple[cst.Call, Scope]] = []
    for binding in model.lookup(call.func.value, scope):
        defined = binding.defines
        if defined is None or type(defined.node) is not cst.FunctionDef or defined.parent is None:
            continue
        for decorator in defined.node.decorators:
            if type(decorator.decorator) is cst.Call and decorator.decorator not in api_calls:
                found.append((decorator.decorator, defined.parent))
    return found


def _packed_with(expr: cst.BaseExpression, name: str) -> cst.Tuple | cst.List | None:
    """The tuple or list literal in `expr` (itself, or the element of a comprehension or of a
    list of them) holding the name `name` as one of its elements."""
    if type(expr) in (cst.ListComp, cst.GeneratorExp, cst.SetComp):
        return _packed_with(expr.elt, name)  # type: ignore[attr-defined]
    if type(expr) in (cst.Tuple, cst.List):
        elements = expr.elements  # type: ignore[attr-defined]
        if any(type(e.value) is cst.Name and e.value.value == name for e in elements):
            return cast(cst.Tuple | cst.List, expr)
        for element in elements:
            inner = _packed_with(element.value, name)
            if inner is not None:
                return inner
    return None


def ids_handed(model: SemanticModel, client: Client) -> Iterator[tuple[cst.SimpleString, cst.Call]]:
    """The string literals passed beside the client to the calls of `calls_handed` (the ids such
    code may send through it), each with its call."""
    name = _bound_name(model, client)
    for call, scope in calls_handed(model, client):
        for arg in call.args:
            if not arg.star and arg.value is not client.construction:
                packed = _packed_with(arg.value, name) if name is not None else None
                values = [e.value for e in packed.elements] if packed is not None else [arg.value]
                for value in values:
                    for literal in model.resolve_strings(value, scope)[0]:
                        yield literal, call


def _bound_name(model: SemanticModel, client: Client) -> str | None:
    """The name the construction is assigned to (`client = OpenAI()`), if any."""
    parent = model.parents.get(client.construction) if client.construction is not None else None
    if type(parent) is cst.Assign and len(parent.targets) == 1 and type(parent.targets[0].target) is cst.Name:
        return parent.targets[0].target.value
    return None
