"""Clients and API calls: which SDK client a constructor call builds, where it points (OpenAI,
Z.AI, another server, or a run-time choice) and the calls of its resource methods."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.nodes import (
    ENVIRON_NAMES,
    dotted_name,
    env_lookup,
    env_membership,
    find_kwarg,
    gives_none_when_unset,
    is_none,
    os_dotted_name,
    string_value,
)
from glm_migrate.project import ClientFact
from glm_migrate.semantic.scopes import MAX_DEPTH, Binding, ModuleScopes, Scope
from glm_migrate.splats import KeySource, SplatMapping, resolve_splat
from glm_migrate.tables import Tables

#: expressions that may build a URL around a host written out (`written_host`)
_BUILT_URLS = (cst.FormattedString, cst.Call, cst.BinaryOperation)


class Target(enum.Enum):
    """Which server a client talks to."""

    OPENAI = "openai"  #: api.openai.com (explicitly or by default)
    ZAI = "zai"  #: already Z.AI / BigModel
    OTHER = "other"  #: a self-hosted server or another provider: never touched
    UNKNOWN = "unknown"  #: decided at run time (a variable base_url)


_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
#: the host of a URL written at the start of a string (`https://host:port/...`), braces excluded
_STATIC_HOST = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://([A-Za-z0-9.-]+)(?=[:/]|$)")


def static_host(expr: cst.FormattedString) -> str | None:
    """The host an f-string's URL names in its leading literal text (`gateway.ai.cloudflare.com`
    of `f"https://gateway.ai.cloudflare.com/v1/{account}/openai"`), or None when a placeholder
    makes part of it (`f"https://{region}.example.com"`)."""
    first = expr.parts[0] if expr.parts else None
    if type(first) is not cst.FormattedStringText:
        return None
    found = _STATIC_HOST.match(first.value)
    if found is None or (found.end() == len(first.value) and len(expr.parts) > 1):
        return None  # `f"https://api.{domain}"`: the host goes on into a placeholder
    return found.group(1).lower()


def written_host(expr: cst.BaseExpression) -> str | None:
    """The host a URL built at run time names in its leading literal text: an f-string's
    (`static_host`), or a literal's that is formatted (`"https://gw.example.net/v2/{}".format(r)`,
    `"https://gw.example.net/v2/%s" % r`) or has text added after it (`"https://gw.example.net/"
    + r`); None when a placeholder or an added value makes part of the host."""
    kind = type(expr)
    if kind is cst.FormattedString:
        return static_host(expr)  # type: ignore[arg-type]
    if kind is cst.Call:
        func = expr.func  # type: ignore[attr-defined]
        if type(func) is not cst.Attribute or func.attr.value != "format":
            return None
        text, added = string_value(func.value), False
    elif kind is cst.BinaryOperation:
        operator = type(expr.operator)  # type: ignore[attr-defined]
        if operator is cst.Add:
            left = expr.left  # type: ignore[attr-defined]
            while type(left) is cst.BinaryOperation and type(left.operator) is cst.Add:
                left = left.left
            text, added = string_value(left), True
        elif operator is cst.Modulo:
            text, added = string_value(expr.left), False  # type: ignore[attr-defined]
        else:
            return None
    else:
        return None
    if text is None:
        return None
    found = _STATIC_HOST.match(text)
    if found is None or (added and found.end() == len(text)):
        return None  # `"https://api." + domain`: the host goes on into the added value
    return found.group(1).lower()


def plain_http(expr: cst.BaseExpression) -> bool:
    """A URL built at run time (`_BUILT_URLS`) whose leading literal text is `http://`, the host
    filled in (`f"http://{host}:{port}/v1"`, `"http://%s/v1" % addr`, `"http://" + host`)."""
    kind = type(expr)
    if kind is cst.FormattedString:
        first = expr.parts[0] if expr.parts else None  # type: ignore[attr-defined]
        text = first.value if type(first) is cst.FormattedStringText else None
    elif kind is cst.Call and type(func := expr.func) is cst.Attribute and func.attr.value == "format":  # type: ignore[attr-defined]
        text = string_value(func.value)
    elif kind is cst.BinaryOperation and type(expr.operator) in (cst.Add, cst.Modulo):  # type: ignore[attr-defined]
        left = expr.left  # type: ignore[attr-defined]
        while type(left) is cst.BinaryOperation and type(left.operator) is cst.Add:
            left = left.left
        text = string_value(left)
    else:
        text = None
    return text is not None and text.lower().startswith("http://")


def openai_proxy(tables: Tables, text: str) -> tuple[str, str] | None:
    """(name, host) of the proxy in front of OpenAI (`[proxies] hosts`) that the URL `text` (a
    literal, or an f-string's code) names, or None."""
    if not tables.proxy_hosts:
        return None
    found = _STATIC_HOST.search(text)
    if found is None:
        return None
    host, rest = found.group(1).lower(), text[found.end() :]
    for key, name in tables.proxy_hosts.items():
        proxy_host, _, segment = key.partition("/")
        if host == proxy_host and (not segment or re.search(rf"/{re.escape(segment)}(?:[/\"'}}]|$)", rest)):
            return name, host
    return None


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
    #: the constructor's `**` arguments, each resolved (maybe open: some keys listed, others
    #: possible) or None when it cannot be seen
    splats: tuple[SplatMapping | None, ...] = ()
    #: the resources of OpenAI account data (files, fine-tuning) it alone serves here; then it
    #: stays with OpenAI (target OTHER)
    account_only: tuple[str, ...] = ()
    #: for a client of another module: what the project index knows of it
    imported: ClientFact | None = None
    #: how the module gets it: "constructor", "module" (the `openai` module-level client),
    #: "annotation" (a parameter or attribute declared as a client: the caller's), "derived"
    #: (`client.with_options(base_url=...)`, `construction` is that call), "imported",
    #: "unknown class" (built by a class glm-migrate does not know: a subclass, a wrapper)
    origin: str = "constructor"
    #: for a "derived" client: the client it is a copy of (it keeps that one's key)
    copied_from: Client | None = None
    #: other packages' classes the constructor's name may be too (`OpenAI` imported from
    #: `llama_index.llms.openai` in one notebook cell and from `openai` in a later one)
    other_classes: tuple[str, ...] = ()

    @property
    def constructed(self) -> bool:
        """Built by a constructor call in this module: the client rules may edit it."""
        return self.origin == "constructor" and self.construction is not None

    def kwarg(self, name: str) -> cst.Arg | None:
        return find_kwarg(self.construction, name) if self.construction else None

    @property
    def splats_known(self) -> bool:
        """Every key the constructor gets is visible: no `**` argument hides one (an open mapping,
        `dict(base_url=url, **kwargs)`, shows the keys it lists only)."""
        return all(splat is not None and not splat.open for splat in self.splats)

    def surely_sets(self, name: str) -> bool:
        """Option `name` is passed on every path with a value written here: the keyword, or an
        entry a `**` mapping always has and nothing it does not list can replace."""
        return self.kwarg(name) is not None or any(s is not None and s.surely_has(name) for s in self.splats)

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
    #: the GLM endpoint its path goes to (`[endpoints]` of sdk.toml); None for other resources
    endpoint: str | None

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

    def kwarg(self, name: str) -> cst.Arg | None:
        return find_kwarg(self.node, name)


@dataclass(eq=False)
class ModuleAttributeAssignment:
    """`openai.api_key = ...` and friends: configuration of the module-level client."""

    statement: cst.SimpleStatementLine
    assign: cst.Assign
    attribute: str  #: "api_key", "base_url", ...
    value: cst.BaseExpression


@dataclass(frozen=True, eq=False)
class ClientOptionAssignment:
    """`client.api_key = ...` / `self.client.base_url = ...`: a client's key or URL set after
    it is built, which replaces whatever its constructor was given."""

    statement: cst.SimpleStatementLine
    assign: cst.Assign
    client: Client
    option: str  #: "api_key", "base_url"
    value: cst.BaseExpression
    scope: Scope


def is_placeholder_url(url: str) -> bool:
    """A URL whose host nobody can reach: `https://...`, `https://<your-endpoint>/v1`, `https://YOUR_HOST`."""
    host = urlparse(url).hostname or ""
    return not host.strip(".") or any(mark in host for mark in ("<", "{", "your", "xxx", "..."))


def names_a_setting(url: str) -> bool:
    """A "URL" that is a bare name, `CLAUDE_API_BASE` or `localhost`: a setting's name written
    where its value was meant, or a host without a scheme; no server glm-migrate can tell (a
    placeholder to fill in, `YOUR_BASE_URL`, is `is_placeholder_url`'s)."""
    return _BARE_NAME.fullmatch(url) is not None and not any(mark in url.lower() for mark in ("your", "xxx"))


_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ClientIndex(ModuleScopes):
    """The clients of one module: built from constructor calls, declared types, `with_options`
    copies and the project index, each with the server it points at."""

    def __init__(self, module: cst.Module, tables: Tables) -> None:
        super().__init__(module, tables)
        self.clients: list[Client] = []
        #: clients of other modules, by the name imported
        self._imported: dict[str, Client] = {}
        self._module_client: Client | None = None
        self.module_attributes: list[ModuleAttributeAssignment] = []

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

    def imported_factory_of(self, client: Client) -> str | None:
        """The imported function, as written, whose call gave `client` (`make_client()` after
        `from app.clients import make_client`), if that is where it comes from."""
        return next((q[:-2] for q, c in self._imported.items() if c is client and q.endswith("()")), None)

    def imported_name_of(self, client: Client) -> str | None:
        """The imported name, as written, that holds `client`, where it is not a call's result
        (`app.base.Base.client`, read as `self.client` in a subclass of `Base`)."""
        return next((q for q, c in self._imported.items() if c is client and not q.endswith("()")), None)

    def _copy_of(self, client: Client, call: cst.Call, scope: Scope) -> Client:
        """`client.with_options(...)`: the same client, or with `base_url=` one of its own (or with
        `data_residency=`, OpenAI's server in that region, whatever the client's own URL; or with
        `provider=`, another cloud's)."""
        base_arg = find_kwarg(call, "base_url")
        if base_arg is not None and is_none(base_arg.value):
            base_arg = None  # `copy(base_url=None)` keeps the client's URL
        region = find_kwarg(call, "data_residency")
        cloud = self._names_option(call, (), self.tables.other_cloud_options)
        if base_arg is None and (region is None or is_none(region.value)) and not cloud:
            return client
        for derived in self.clients:
            if derived.construction is call:
                return derived
        if base_arg is not None:
            target = self.classify_base_url(base_arg.value, default=client.target, scope=scope)
        else:
            # OpenAI's server in that region, with the key of a client that may talk elsewhere:
            # moved only as a copy of an OpenAI client, which moves with its key
            target = Target.OPENAI if client.target is Target.OPENAI else Target.OTHER
        if cloud:
            target = Target.OTHER  # `with_options(provider=bedrock(...))`: another cloud's
        base_url = base_arg.value if base_arg is not None else None
        derived = Client(client.sdk, client.is_async, call, scope, target, base_url, client.classes, origin="derived")
        derived.copied_from = client
        self.clients.append(derived)
        return derived

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

    def _client_for(
        self, call: cst.Call, class_names: Sequence[str], scope: Scope, others: Sequence[str] = ()
    ) -> Client:
        """`others`: other packages' classes the called name may be too (`OpenAI` imported from
        `llama_index.llms.openai` in one notebook cell and from `openai` in a later one)."""
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
            tokens = self._names_option(call, splats, self.tables.azure_token_options)
            target = Target.OTHER if tokens else Target.OPENAI
        else:
            default = self.openai_default if sdk == "openai" else Target.ZAI
            if default is Target.OPENAI and self._built_only_when_env_set(call, self.tables.openai_base_url_envs):
                # `if os.getenv("OPENAI_BASE_URL"): OpenAI()`: the SDK reads the URL the user set
                default = Target.UNKNOWN
            target = self._constructor_target(base_arg, splats, default, scope)
            if target is Target.OPENAI and self._names_option(call, splats, self.tables.other_cloud_options):
                target = Target.OTHER  # `provider=bedrock(...)`: another cloud's client
        if others or len({self.tables.clients[name][0] for name in classes}) > 1:
            target = Target.UNKNOWN  # the SDK itself (or the class) is chosen at run time
        client = Client(sdk, is_async, call, scope, target, base_arg.value if base_arg else None, classes, splats)
        client.other_classes = tuple(dict.fromkeys(others))
        self.clients.append(client)
        return client

    @staticmethod
    def _names_option(call: cst.Call, splats: tuple[SplatMapping | None, ...], options: Collection[str]) -> bool:
        """The constructor passes one of `options`, as a keyword or in a visible `**` mapping."""
        passed = (find_kwarg(call, name) for name in options)
        return any(arg is not None and not is_none(arg.value) for arg in passed) or any(
            splat is not None and any(splat.sources(name) for name in options) for splat in splats
        )

    def _constructor_target(
        self, base_arg: cst.Arg | None, splats: tuple[SplatMapping | None, ...], default: Target, scope: Scope
    ) -> Target:
        """Where a constructor's `base_url=` keyword, or the entries of its `**` mappings, point
        (the entries an open mapping lists too: what else it holds may not repeat a key of
        `dict(...)`, and replaces one of a literal only by the program's own run-time choice)."""
        if base_arg is not None:
            return self._given_target(base_arg.value, default, scope)
        known = [splat for splat in splats if splat is not None]
        sources = [source for splat in known for source in splat.sources("base_url")]
        if not sources:
            return default
        targets = {self._given_target(source.value, default, scope) for source in sources}
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

    def _given_target(self, value: cst.BaseExpression, default: Target, scope: Scope) -> Target:
        """Where the `base_url` a constructor is given (or its `**` mapping stores) points."""
        if self._built_only_when_set(value):
            # `if base_url: OpenAI(base_url=base_url)`, `if self.base_url: kwargs["base_url"] =
            # self.base_url`: the value, set, names the server the user chose (a proxy, a local
            # model), not OpenAI's default, even where the only value in view is a field's None
            targets, _ = self._base_url_targets(value, default, scope, 0, is_set=True)
            return targets.pop() if len(targets) == 1 else Target.UNKNOWN
        return self.classify_base_url(value, default=default, scope=scope)

    def _built_only_when_set(self, value: cst.BaseExpression) -> bool:
        """The client passed `value` (a name or attribute) is built only where the code has
        tested it is set: inside `if value:`, `if value is not None:` (or an `and` of tests with
        one of those), or the true branch of such a conditional expression."""
        dotted = dotted_name(value)
        return dotted is not None and self._only_where(value, lambda test: _tests_set(test, _is_name(dotted)))

    def _built_only_when_env_set(self, node: cst.CSTNode, names: Collection[str]) -> bool:
        """`node` runs only where the code has tested that one of the environment variables
        `names` is set: inside `if os.getenv(NAME):`, `if "NAME" in os.environ:`, ... (or an
        `and` with one of those)."""
        return self._only_where(node, lambda test: _tests_set(test, _is_set_variable(names)))

    def _only_where(self, node: cst.CSTNode, holds: Callable[[cst.BaseExpression], bool]) -> bool:
        """`node` is in the body of an `if` or conditional expression (of its function) whose
        test `holds`."""
        child: cst.CSTNode = node
        parent = self.parents.get(node)
        while parent is not None and type(parent) not in _SCOPE_NODES:
            if isinstance(parent, cst.If | cst.IfExp) and parent.body is child and holds(parent.test):
                return True
            child, parent = parent, self.parents.get(parent)
        return False

    def _base_url_targets(
        self, expr: cst.BaseExpression | None, default: Target, scope: Scope | None, depth: int, is_set: bool = False
    ) -> tuple[set[Target], bool]:
        """The servers `expr` may name, and whether that is all of them. `is_set`: the code has
        tested that the value is set, so it is not None and not an unset variable's default."""
        if expr is None or is_none(expr):
            return (set(), True) if is_set else ({default}, True)
        url = string_value(expr)
        if url is not None and names_a_setting(url):
            # `base_url="CLAUDE_API_BASE"`: a variable's name where its value was meant, no server
            return set(), False
        if url is not None:
            return {self._url_target(url)}, True
        if type(expr) in _BUILT_URLS:
            # `f"https://gateway.ai.cloudflare.com/v1/{account}/{gateway}/openai"` (or the same
            # built by `.format()`, `%` or `+`): a server whose host is written out, whatever the
            # parts filled in at run time
            host = written_host(expr)
            if host is not None:
                return {self._url_target(f"https://{host}/")}, True
            if plain_http(expr):
                # `f"http://{address}/v1"`: OpenAI serves https only, so a server of the
                # program's own (a vLLM or SGLang worker it started), whichever host it fills in
                return {Target.OTHER}, True
            if type(expr) is cst.FormattedString:
                return set(), False
        if self.tables.proxy_constants and type(expr) in (cst.Name, cst.Attribute) and scope is not None:
            head, _, rest = (dotted_name(expr) or "").partition(".")
            for binding in self.lookup(head, scope) if head else ():
                if binding.qualified and f"{binding.qualified}.{rest}".rstrip(".") in self.tables.proxy_constants:
                    return {Target.OTHER}, True  # `base_url=PORTKEY_GATEWAY_URL`: a gateway's own URL (GLM002)
        env = env_lookup(expr)
        if env is not None:
            name, fallback = env
            if name in self.tables.openai_base_url_envs:
                if is_set:
                    return set(), False  # whatever server the user set it to
                if fallback is None:
                    return {Target.OPENAI}, True
                # OpenAI's variable, unless unset: then the default's server (LM Studio's
                # `http://localhost:1234/v1` makes the client a run-time choice)
                found, whole = self._base_url_targets(fallback, default, scope, depth + 1)
                return {Target.OPENAI, *found}, whole
            if name == self.tables.base_url_env:
                return {Target.ZAI}, True
            if self._names_another_provider(name):
                return {Target.OTHER}, True  # `DEEPSEEK_BASE_URL`: that provider's server
            if fallback is not None:
                found, whole = self._base_url_targets(fallback, default, scope, depth + 1)
                # a setting of the project's own (`LLM_BASE_URL`, `EMBEDDING_BASE_URL`) picks the
                # server where it is set, OpenAI's default or not: a run-time choice. One named for
                # OpenAI (`OPENAI_API_BASE_URL`) holds OpenAI's URL or a stand-in for it
                return found, whole and "OPENAI" in name.upper()
            return set(), False
        parts: tuple[cst.BaseExpression, ...] = ()
        if type(expr) is cst.IfExp:
            parts = (expr.body, expr.orelse)
        elif type(expr) is cst.BooleanOperation:
            parts = (expr.left, expr.right)
            if type(expr.operator) is cst.Or and self._surely_set(expr.left, scope):
                # `config.api_base or self.API_BASE or os.getenv("OPENAI_API_BASE")` with `API_BASE
                # = "https://api.sambanova.ai/v1/"`: what follows a URL always set is never read
                parts = (expr.left,)
        elif scope is not None and depth <= MAX_DEPTH and type(expr) in (cst.Name, cst.Attribute):
            if dotted_name(expr) is None:
                return set(), False
            bindings = self.bindings_of(expr, scope)
            server = self._server_url(expr, bindings, scope)
            if server is not None and self._url_target(server) is Target.OTHER:
                # `base_url=self.config.base_url`, the field's default (in a dataclass of this
                # module or another, `ModuleFacts.server_urls`) another server's URL: what else
                # the program may set it to is its own to say, as for a parameter's default
                return {Target.OTHER}, False
            targets: set[Target] = set()
            complete = bool(bindings)
            for binding in bindings:
                if binding.value is None and binding.qualified and self._names_another_provider(binding.qualified):
                    targets.add(Target.OTHER)  # `from settings import GROQ_URL`: that provider's server
                    continue
                if binding.value is None:
                    complete = False
                    continue
                found, whole = self._base_url_targets(binding.value, default, binding.scope, depth + 1, is_set)
                targets |= found
                # a parameter's default is one value among those callers may pass
                complete = complete and whole and type(binding.target) is not cst.Param
            return targets, complete
        if not parts:
            return set(), False
        results = [self._base_url_targets(part, default, scope, depth + 1, is_set) for part in parts]
        return set().union(*(r[0] for r in results)), all(r[1] for r in results)

    def _surely_set(self, expr: cst.BaseExpression, scope: Scope | None) -> bool:
        """`expr` is a URL literal, or a name or attribute bound only to such literals (a class
        attribute `API_BASE = "https://..."`), or an `or` ending in one: never empty."""
        if type(expr) is cst.BooleanOperation and type(expr.operator) is cst.Or:
            return self._surely_set(expr.right, scope) or self._surely_set(expr.left, scope)
        url = string_value(expr)
        if url is not None:
            return url.startswith(("http://", "https://"))
        if scope is None or type(expr) not in (cst.Name, cst.Attribute) or dotted_name(expr) is None:
            return False
        bindings = self.bindings_of(expr, scope)
        return bool(bindings) and all(
            type(b.target) is not cst.Param
            and b.value is not None
            and (string_value(b.value) or "").startswith(("http://", "https://"))
            for b in bindings
        )

    def _server_url(self, expr: cst.BaseExpression, bindings: list[Binding], scope: Scope) -> str | None:
        """The URL an imported setting (`from config import ROUTER_URL`, `config.ROUTER_URL`) or
        a class attribute read through an object declared or built as that class (`self.config
        .base_url`, `config: RouterConfig`) holds by default, where no assignment here binds it."""
        if len(bindings) == 1 and bindings[0].value is None and bindings[0].qualified is not None:
            return self.facts.server_urls.get(bindings[0].qualified)
        if bindings or type(expr) is not cst.Attribute:
            return None
        field = expr.attr.value
        owner = self.bindings_of(expr.value, scope)
        if len(owner) == 1 and owner[0].value is None and owner[0].qualified is not None:
            return self.facts.server_urls.get(f"{owner[0].qualified}.{field}")
        klass = self._declared_class(expr.value, scope, 0)
        if isinstance(klass, str):
            return self.facts.server_urls.get(f"{klass}.{field}")
        if klass is not None and len(found := klass.bindings.get(field, [])) == 1:
            url = string_value(found[0].value) if found[0].value is not None else None
            return url if url is not None and url.startswith(("http://", "https://")) else None
        return None

    def _declared_class(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> str | Scope | None:
        """The class an object is declared (`config: RouterConfig`) or built as (`RouterConfig()`),
        through names and `self` attributes bound once to it: its imported name as written, or the
        class scope of one of this module."""
        bindings = self.bindings_of(expr, scope) if type(expr) in (cst.Name, cst.Attribute) else []
        if len(bindings) != 1:
            return None
        binding = bindings[0]
        value = binding.value
        declared = binding.annotation
        if declared is None and type(value) is cst.Call:
            declared = value.func
        if declared is None and value is not None and type(value) in (cst.Name, cst.Attribute) and depth < 3:
            return self._declared_class(value, binding.scope, depth + 1)
        if type(declared) is not cst.Name:
            return None
        classes = self.lookup(declared.value, binding.scope)
        if len(classes) != 1:
            return None
        if classes[0].qualified is not None:
            return classes[0].qualified
        defined = classes[0].defines
        return defined if defined is not None and defined.kind == "class" else None

    def _names_another_provider(self, name: str) -> bool:
        """Whether a URL setting's name names another provider and not OpenAI (`DEEPSEEK_BASE_URL`,
        `settings.GROQ_URL`, by the words of `[providers] other_model_words`)."""
        words = set(_WORD_SPLIT.split(name.rpartition(".")[2].lower()))
        return "openai" not in words and not words.isdisjoint(self.tables.sdk.other_model_words)

    def _url_target(self, url: str) -> Target:
        host = urlparse(url).hostname or ""
        if host in self.tables.openai_hosts or is_placeholder_url(url):
            # `openai.base_url = "https://..."` in a template is meant to be filled in: here, with Z.AI.
            return Target.OPENAI
        if host in self.tables.zai_hosts:
            return Target.ZAI
        return Target.OTHER

    @functools.cached_property
    def environ_writes(self) -> tuple[tuple[str, cst.BaseExpression], ...]:
        """(variable, value) for every environment variable this module sets:
        `os.environ[...] = ...`, `os.environ.setdefault(...)`, `os.putenv(...)`."""
        writes: list[tuple[str, cst.BaseExpression]] = []
        for subscript in self.environ_subscripts:
            holder = self.parents.get(subscript)
            assign = self.parents.get(holder) if type(holder) is cst.AssignTarget else None
            env = env_lookup(subscript)
            if type(assign) is cst.Assign and env is not None:
                writes.append((env[0], assign.value))
        writes += [(name, value) for _, name, value in self.environ_helper_writes]
        for call, _ in self.calls:
            func = dotted_name(call.func)
            if func in ("os.environ.setdefault", "os.putenv", "environ.setdefault", "putenv") and len(call.args) == 2:
                name = string_value(call.args[0].value)
                if name is not None:
                    writes.append((name, call.args[1].value))
        return tuple(writes)

    @functools.cached_property
    def environ_helper_writes(self) -> tuple[tuple[cst.SimpleString, str, cst.BaseExpression], ...]:
        """(literal, variable, value) for each call of a function of this module that sets the
        variable its parameter names (`_set_env("OPENAI_API_KEY")` with `def _set_env(var):
        os.environ[var] = getpass.getpass(...)`, the LangChain courses' way to ask for a key)."""
        setters: dict[cst.FunctionDef, list[tuple[int, str, cst.BaseExpression]]] = {}
        for subscript in self.environ_subscripts:
            holder = self.parents.get(subscript)
            assign = self.parents.get(holder) if type(holder) is cst.AssignTarget else None
            index = subscript.slice[0].slice if len(subscript.slice) == 1 else None
            if type(assign) is not cst.Assign or not isinstance(index, cst.Index) or type(index.value) is not cst.Name:
                continue
            function = self.scope_of(subscript).node
            if not isinstance(function, cst.FunctionDef):
                continue
            params = [param.name.value for param in function.params.params]
            name = index.value.value
            if name in params:
                setters.setdefault(function, []).append((params.index(name), name, assign.value))
        writes: list[tuple[cst.SimpleString, str, cst.BaseExpression]] = list(self._dotenv_writes())
        if not setters:
            return tuple(writes)
        for call, scope in self.calls:
            if type(call.func) is not cst.Name:
                continue
            for binding in self.lookup(call.func.value, scope):
                defined = self.parents.get(binding.target) if binding.target is not None else None
                if not isinstance(defined, cst.FunctionDef) or defined not in setters:
                    continue
                for position, keyword, written in setters[defined]:
                    arg = find_kwarg(call, keyword)
                    if arg is None and position < len(call.args) and call.args[position].keyword is None:
                        arg = call.args[position] if not call.args[position].star else None
                    literal = arg.value if arg is not None else None
                    variable = string_value(literal) if isinstance(literal, cst.SimpleString) else None
                    if isinstance(literal, cst.SimpleString) and variable is not None:
                        writes.append((literal, variable, written))
        return tuple(writes)

    def _dotenv_writes(self) -> Iterator[tuple[cst.SimpleString, str, cst.BaseExpression]]:
        """python-dotenv's `set_key(".env", "OPENAI_API_KEY", key)`: the program stores a key (a
        setup page's, a prompt's) in the `.env` file its `load_dotenv()` reads into the environment."""
        for call, scope in self.calls:
            dotted = dotted_name(call.func) or ""
            if _ENV_WRITER.fullmatch(dotted.rpartition(".")[2].lower()):
                # the program's own helper, named for it (`update_env_file("OPENAI_API_KEY", key)`):
                # the variable named first, the value next
                positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
                literal = positional[0].value if len(positional) > 1 else None
                variable = string_value(literal) if type(literal) is cst.SimpleString else None
                if type(literal) is cst.SimpleString and variable is not None and _ENV_NAME.fullmatch(variable):
                    yield literal, variable, positional[1].value
                continue
            if not dotted.endswith("set_key"):
                continue
            first, _, rest = dotted.partition(".")
            bindings = self.lookup(first, scope)
            qualified = {f"{b.qualified}.{rest}" if rest else b.qualified for b in bindings if b.qualified}
            if not qualified & _DOTENV_SET_KEY:
                continue
            name_arg = find_kwarg(call, "key_to_set")
            value_arg = find_kwarg(call, "value_to_set")
            positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
            if name_arg is None and len(positional) > 1:
                name_arg = positional[1]
            if value_arg is None and len(positional) > 2:
                value_arg = positional[2]
            literal = name_arg.value if name_arg is not None else None
            if type(literal) is cst.SimpleString and value_arg is not None:
                variable = string_value(literal)
                if variable is not None:
                    yield literal, variable, value_arg.value

    @functools.cached_property
    def test_env_writes(self) -> tuple[tuple[cst.SimpleString, str], ...]:
        """(literal, variable) for each environment variable a test sets or unsets for the code
        it runs, named by a string literal: `monkeypatch.setenv("X", ...)` / `delenv("X")`,
        `os.environ["X"] = ...` / `del os.environ["X"]`, `os.environ.setdefault("X", ...)` /
        `.pop("X")`, and the keys of the mapping `patch.dict(os.environ, {...})` or
        `os.environ.update({...})` sets."""
        literals: list[cst.BaseExpression] = []
        for subscript in self.environ_subscripts:
            index = subscript.slice[0].slice if len(subscript.slice) == 1 else None
            if type(self.parents.get(subscript)) in (cst.AssignTarget, cst.Del) and isinstance(index, cst.Index):
                literals.append(index.value)
        for call, _ in self.calls:
            func = call.func
            if type(func) is not cst.Attribute:
                continue
            method = func.attr.value
            first = call.args[0] if call.args and not call.args[0].star else None
            if method in ("setenv", "delenv") and first is not None:
                literals.append(first.value)  # pytest's MonkeyPatch, whatever the fixture is called
            elif method in ("setdefault", "pop") and first is not None:
                if os_dotted_name(func.value) in ENVIRON_NAMES:
                    literals.append(first.value)
            elif method in ("dict", "update"):
                environ = func.value if method == "update" else (call.args[0].value if call.args else None)
                target = os_dotted_name(environ) if environ is not None else None
                if target in ENVIRON_NAMES or string_value(environ) == "os.environ":
                    values = find_kwarg(call, "values") or (
                        call.args[1] if method == "dict" and len(call.args) > 1 else first
                    )
                    if values is not None and type(values.value) is cst.Dict:
                        literals += [e.key for e in values.value.elements if type(e) is cst.DictElement]
        return tuple(
            (literal, name)
            for literal in literals
            if type(literal) is cst.SimpleString and (name := string_value(literal)) is not None
        )

    @functools.cached_property
    def environ_written(self) -> frozenset[str]:
        """The environment variables this module sets (the names of `environ_writes`)."""
        return frozenset(name for name, _ in self.environ_writes)

    @property
    def own_key_envs(self) -> frozenset[str]:
        """The OpenAI key variables this module sets itself (`os.environ["OPENAI_API_KEY"] =
        cfg["key"]`)."""
        return self.environ_written & self.tables.openai_key_envs

    @property
    def program_key_envs(self) -> frozenset[str]:
        """The OpenAI key variables the program sets itself, here or in a module importing this
        one (the project index says which): what reads one gets the program's key, an OpenAI
        key, not the environment's."""
        return self.own_key_envs | frozenset(self.facts.importer_keys)

    def key_setter(self, env: str) -> str:
        """Who sets the program's key variable `env`, for messages: "this module", or the module
        importing this one that does."""
        if env in self.own_key_envs or env not in self.facts.importer_keys:
            return "this module"
        return f"`{self.facts.importer_keys[env]}` (importing this module)"

    @functools.cached_property
    def openai_default(self) -> Target:
        """Where an OpenAI client without `base_url` points: OpenAI, unless this module sets
        `OPENAI_BASE_URL` (`os.environ[...] = ...`, `setdefault`, `putenv`) to another server."""
        names = self.tables.openai_base_url_envs
        values = [value for name, value in self.environ_writes if name in names]
        if not values:
            return Target.OPENAI
        targets = {self.classify_base_url(value, default=Target.OPENAI, scope=self.module_scope) for value in values}
        return targets.pop() if len(targets) == 1 else Target.UNKNOWN


#: a function named for writing an environment variable or `.env` entry (`update_env_file`,
#: `set_env_var`, `save_env`, `write_env_variable`; not `monkeypatch.setenv` or `os.putenv`, a
#: test's set-up and the environment's own, which GLM009 reads as such)
_ENV_WRITER = re.compile(r"(?:set|update|write|save|store|put)_(?:\w+_)?(?:env|dotenv|environ)(?:_\w+)?")
#: what names an environment variable (`OPENAI_API_KEY`)
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
#: python-dotenv's function that writes a variable into a `.env` file
_DOTENV_SET_KEY = frozenset({"dotenv.set_key", "dotenv.main.set_key"})

#: nodes that start a scope: a test outside one says nothing of the code inside
_SCOPE_NODES = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)


def _tests_set(test: cst.BaseExpression, is_value: Callable[[cst.BaseExpression], bool]) -> bool:
    """`test` holds only where the value `is_value` recognises is set: the value itself, `value
    is not None`, or an `and` with one of those."""
    if type(test) is cst.BooleanOperation and type(test.operator) is cst.And:
        return _tests_set(test.left, is_value) or _tests_set(test.right, is_value)
    if type(test) is cst.Comparison and len(test.comparisons) == 1:
        comparison = test.comparisons[0]
        if type(comparison.operator) is cst.IsNot and dotted_name(comparison.comparator) == "None":
            return is_value(test.left)
    return is_value(test)


def _is_name(dotted: str) -> Callable[[cst.BaseExpression], bool]:
    """Recognises the name or attribute `dotted`."""
    return lambda expr: type(expr) in (cst.Name, cst.Attribute) and dotted_name(expr) == dotted


def _is_set_variable(names: Collection[str]) -> Callable[[cst.BaseExpression], bool]:
    """Recognises `os.getenv(NAME)` (None when unset) and `"NAME" in os.environ` for `names`."""

    def recognises(expr: cst.BaseExpression) -> bool:
        membership = env_membership(expr)
        if membership is not None:
            return membership[0] in names and not membership[2]
        lookup = env_lookup(expr)
        return lookup is not None and lookup[0] in names and gives_none_when_unset(expr)

    return recognises
