from __future__ import annotations

import functools
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.nodes import literals_in, names_in, short_code
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, RuleContext, Valid
from glm_migrate.rules._clients import (
    add_client_option,
    add_missing_module_setting,
    assignment_code,
    class_factories,
    classes_in_tables,
    client_url,
    default_in_mapping,
    missing_key_handler,
    moves_with_client,
    openai_key_check,
    own_branch_advice,
    program_set_key,
    provider_branch,
    repoint_blocker,
    set_after_built,
    test_stub,
    wants_module_settings,
)
from glm_migrate.rules._helpers import code_of, remove_kwargs
from glm_migrate.rules._setting_flow import ModuleIndex
from glm_migrate.semantic import (
    Client,
    ModuleAttributeAssignment,
    Target,
    env_lookup,
    is_placeholder_url,
    openai_proxy,
    string_value,
    written_host,
)
from glm_migrate.splats import KeySource


class OpenAIClientBaseURL(Rule):
    """
    ## What it does
    Points OpenAI-SDK clients that talk to OpenAI (no `base_url`, an `api.openai.com` URL or
    `OPENAI_BASE_URL`) at Z.AI, for instance clients and for the module-level `openai` client.

    ## Why is this bad?
    Without a new base URL the requests keep going to OpenAI.

    ## Example
    ```python
    client = OpenAI()
    ```
    Use instead:
    ```python
    client = OpenAI(base_url=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"))
    ```

    ## Fix safety
    Safe. The URL is read from `ZAI_BASE_URL` (the variable Z.AI's own SDK reads) with the
    region's URL as the default, so a proxy, the China region or a local test endpoint needs no
    code change; `base-url-style = "literal"` writes the plain URL instead. The URL always ends
    with `/`: the module-level client does not add it. A client pointed at Azure OpenAI's v1
    endpoint (a URL on Azure's hosts, or read from an `AZURE_...` variable) is reported for a
    person: its key is Azure's and its models are deployment names. Clients already pointed
    elsewhere (a self-hosted server, another provider) are never touched: a URL written in the call, in a
    constant or a parameter default, or in `OPENAI_BASE_URL` set by the module
    (`os.environ.setdefault("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")`). A placeholder
    (`openai.base_url = "https://..."`) is meant to be filled in, here with Z.AI. A client used
    only for the OpenAI account's own data (files, fine-tuning, evals) stays with OpenAI and is
    reported, also when those calls go through the parameter of a function it is passed to (of
    this module, or a module-level function of another, through the project index). A `base_url` only known at run time is reported as a warning, once per place it is
    set. With a `**` mapping, its entries are edited; a keyword is added next to it only when
    the mapping visibly lacks the key, otherwise the edit to make is reported. A mapping that
    lists some keys and may get others (`dict(base_url=url, **kwargs)`, `kw.update(extra)`)
    counts by the ones it lists, and gets nothing added. A client that is
    OpenAI's branch of a provider choice (`if provider == "openai":`, `case Provider.OPENAI:`, a
    table's `"openai": ...` entry) serves OpenAI on purpose beside other providers: repointing it
    would make "openai" mean Z.AI, so it is reported, and its calls keep their model ids. A URL
    set after the client is built (`client.base_url = ...`) replaces the constructor's: OpenAI's
    is repointed with the client, another server right after the constructor leaves the client
    alone, and one set elsewhere (in an `if`, from a setting) is reported as chosen at run time.
    A client whose key or URL is set afterwards to a value glm-migrate cannot rewrite with it
    (`self.client.api_key = config["api_key"]`) moves by hand: moved, it would send that value to
    Z.AI or its Z.AI key to that URL. So does a client built without a key (or with
    `os.getenv(...)`'s) inside a `try` whose handlers catch `OpenAIError` and not `KeyError` (an
    optional client): `os.environ["ZAI_API_KEY"]`, GLM001's key, would raise KeyError past them.
    A project's base URL setting whose default is no URL (`os.getenv("API_BASE", "default")`) is
    reported, unless it is an Azure endpoint (`AZURE_...`, or passed as `azure_endpoint=`): Z.AI's
    URL there would make Azure paths, and GLM008 replaces the Azure client instead.
    The client class handed on uncalled, to build clients later (`field(default_factory=OpenAI)`,
    `defaultdict(OpenAI)`), makes clients no fix can repoint: it is reported, and the calls of the
    module through clients not seen built (`self.client`) keep their ids until a person moves it;
    so is one kept in a dict (`{"gpt-": OpenAI, "claude-": Anthropic}`, a provider table). A
    `base_url=` reading a setting of OpenAI's variable (`API_BASE = os.getenv("OPENAI_API_BASE")`)
    that only clients read is left as it is: GLM009 renames the variable, which repoints them.
    """

    CODE = "GLM002"
    NAME = "openai-client-base-url"
    SUMMARY = "Client sends its requests to OpenAI"
    FIX_TITLE = "Point the client at Z.AI"

    VALID = (
        # another vendor's URL setting: not OpenAI's, whatever its default
        Valid('import os\nKEY = os.getenv("OPENAI_API_KEY")\nLINK_BASE = os.getenv("LINKAI_API_BASE", "")'),
        # a local server set right after the constructor: the client talks to it
        Valid('from openai import OpenAI\nc = OpenAI(api_key="ollama")\nc.base_url = "http://localhost:11434/v1"'),
        Valid('from openai import OpenAI\nc = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")'),
        Valid('from openai import OpenAI\nc = OpenAI(api_key="EMPTY", base_url="http://127.0.0.1:8000/v1/")'),
        Valid("from llama_index.llms.openai import OpenAI\nllm = OpenAI(model='gpt-4')"),  # not the SDK
        Valid(
            'from openai import OpenAI\ndef local(url="http://localhost:11434/v1"):\n    return OpenAI(base_url=url)'
        ),
        Valid(
            'import os\nfrom openai import OpenAI\nos.environ["OPENAI_BASE_URL"] = "http://127.0.0.1:8000/v1"\nc = OpenAI()'
        ),
        Valid(  # Azure's clients are GLM008's
            'from openai import AzureOpenAI\nc = AzureOpenAI(api_key=k, api_version="2024-10-21", azure_endpoint="https://x.openai.azure.com")'
        ),
        Valid(  # and so is their endpoint setting, whatever its default: GLM008 drops it with the class
            "import os\nfrom openai import AzureOpenAI\n"
            'c = AzureOpenAI(api_key=k, api_version=v, azure_endpoint=os.getenv("LLM_API_BASE", "endpoint"))'
        ),
        # a server the program started, its address filled in: plain http, which OpenAI does not serve
        Valid('from openai import OpenAI\ndef worker(address):\n    return OpenAI(base_url=f"http://{address}/v1")'),
        Valid('from openai import OpenAI\nc = OpenAI(base_url="http://{}:{}/v1".format(host, port), api_key="x")'),
        # a listed entry counts, whatever else the mapping may get: a local server stays
        Valid(
            'from openai import OpenAI\ndef make(extra):\n    kw = {"base_url": "http://localhost:8000/v1"}\n'
            "    kw.update(extra)\n    return OpenAI(**kw)"
        ),
    )
    INVALID = (
        # OpenAI's URL set again after the constructor: repointed with the client
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=k)\nc.base_url = "https://api.openai.com/v1"',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(api_key=k, base_url=os.environ.get("ZAI_BASE_URL", '
            '"https://api.z.ai/api/paas/v4/"))\nc.base_url = os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/")',
        ),
        # a key set afterwards that is not OpenAI's variable: the client moves by hand
        Invalid("from openai import OpenAI\nc = OpenAI(api_key=k)\nc.api_key = user_key"),
        # an optional client whose missing key the program catches as OpenAIError: by hand
        # (codegenresearch2/ell), as the key fix's KeyError would pass that handler
        Invalid("import openai\ntry:\n    c = openai.OpenAI()\nexcept openai.OpenAIError:\n    c = None"),
        # a base URL setting whose placeholder default leaves clients on OpenAI
        Invalid(
            'import os\nKEY = os.getenv("OPENAI_API_KEY")\nCONFIG = {"API_BASE_URL": os.getenv("API_BASE_URL", "default")}'
        ),
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=k, base_url="https://api.openai.com/v1")',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(api_key=k, base_url=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"))',
        ),
        Invalid(
            "import os\nimport openai as oa\nc = oa.OpenAI(api_key=k)",
            expected='import os\nimport openai as oa\nc = oa.OpenAI(api_key=k, base_url="https://open.bigmodel.cn/api/paas/v4/")',
            settings={"region": "china", "base_url_style": "literal"},
        ),
        Invalid("from openai import OpenAI\nc = OpenAI(api_key=k, base_url=settings.url)"),  # warning
        # `**` mappings: a keyword is added only where the mapping visibly lacks the key ...
        Invalid(
            'import os\nfrom openai import OpenAI\nkw = {"timeout": 5}\nc = OpenAI(**kw)',
            expected='import os\nfrom openai import OpenAI\nkw = {"timeout": 5}\nc = OpenAI(**kw, base_url="https://api.z.ai/api/paas/v4/")',
            settings={"base_url_style": "literal"},
        ),
        # ... the mapping's own entries are edited, and made the default where set on some paths ...
        Invalid(
            'from openai import OpenAI\nkw = {}\nif proxy:\n    kw["base_url"] = "https://api.openai.com/v1"\nc = OpenAI(**kw)',
            expected='from openai import OpenAI\nkw = {"base_url": "https://api.z.ai/api/paas/v4/"}\nif proxy:\n'
            '    kw["base_url"] = "https://api.z.ai/api/paas/v4/"\nc = OpenAI(**kw)',
            settings={"base_url_style": "literal"},
        ),
        # ... and a mapping whose keys cannot be seen gets a report with the edit to make
        # Azure OpenAI's v1 endpoint through the plain client: Azure's key and deployment names
        Invalid('from openai import OpenAI\nc = OpenAI(base_url="https://r.openai.azure.com/openai/v1/", api_key=k)'),
        Invalid("from openai import OpenAI\ndef make(**kwargs):\n    return OpenAI(**kwargs)"),
        # ... as does one that lists some keys, but not `base_url`, beside keys it may get elsewhere
        Invalid("from openai import OpenAI\ndef make(**kwargs):\n    return OpenAI(**dict(timeout=5, **kwargs))"),
        Invalid(  # set on some paths only, and `kwargs` may hold it: not made the default in `dict(...)`
            "from openai import OpenAI\ndef make(proxy, **kwargs):\n    kw = dict(**kwargs)\n    if proxy:\n"
            '        kw["base_url"] = "https://api.openai.com/v1"\n    return OpenAI(**kw)',
            expected="from openai import OpenAI\ndef make(proxy, **kwargs):\n    kw = dict(**kwargs)\n    if proxy:\n"
            '        kw["base_url"] = "https://api.z.ai/api/paas/v4/"\n    return OpenAI(**kw)',
            settings={"base_url_style": "literal"},
        ),
        Invalid(
            'import openai\nopenai.base_url = "https://..."\nopenai.chat.completions.create(model=m, messages=[])',
            expected='import openai\nopenai.base_url = "https://api.z.ai/api/paas/v4/"\nopenai.chat.completions.create(model=m, messages=[])',
            settings={"base_url_style": "literal"},
        ),
        # OpenAI's branch of a provider choice: reported, a Z.AI branch is a person's edit
        Invalid(
            "from openai import OpenAI\ndef make(p):\n    if p == 'openai':\n        return OpenAI()\n    return Local()"
        ),
        # files and fine-tunes live in the OpenAI account: reported, left alone
        Invalid("from openai import OpenAI\nc = OpenAI()\nc.files.create(file=f, purpose='fine-tune')"),
        # ... also through the parameter of a function it is passed to (declared or not)
        Invalid(
            "from openai import OpenAI\ndef upload(client: OpenAI, f):\n    return client.files.create(file=f, purpose='batch')\n"
            "def main(f):\n    c = OpenAI()\n    return upload(c, f)"
        ),
        Invalid(
            "from openai import OpenAI\nclass Uploader:\n    def __init__(self, client):\n        self.client = client\n"
            "    def send(self, f):\n        return self.client.files.create(file=f, purpose='batch')\n"
            "Uploader(OpenAI()).send(f)"
        ),
        Invalid(
            'from openai import OpenAI\nkw = {"base_url": "https://api.openai.com/v1", "timeout": 5}\nc = OpenAI(**kw)',
            expected='from openai import OpenAI\nkw = {"base_url": "https://api.z.ai/api/paas/v4/", "timeout": 5}\nc = OpenAI(**kw)',
            settings={"base_url_style": "literal"},
        ),
        Invalid(  # OpenAI's data regions exclude a base_url: the region goes
            'from openai import OpenAI\nc = OpenAI(data_residency="eu")',
            expected='from openai import OpenAI\nc = OpenAI(base_url="https://api.z.ai/api/paas/v4/")',
            settings={"base_url_style": "literal"},
        ),
        Invalid(
            'from openai import OpenAI\nclient = OpenAI(base_url="http://localhost:8000/v1")\nremote = client.with_options(base_url="https://api.openai.com/v1")',
            expected='from openai import OpenAI\nclient = OpenAI(base_url="http://localhost:8000/v1")\nremote = client.with_options(base_url="https://api.z.ai/api/paas/v4/")',
            settings={"base_url_style": "literal"},
        ),
        Invalid(
            'import openai\nopenai.base_url = "https://api.openai.com/v1/"\nopenai.chat.completions.create(model=m, messages=[])',
            expected='import openai\nopenai.base_url = "https://api.z.ai/api/paas/v4/"\nopenai.chat.completions.create(model=m, messages=[])',
            settings={"base_url_style": "literal"},
        ),
        # known only at run time: one warning per place the URL is set
        Invalid("from openai import AzureOpenAI, OpenAI\ncls = OpenAI if public else AzureOpenAI\nc = cls()"),
        Invalid(
            'from openai import AsyncOpenAI, OpenAI\nkw = {"base_url": settings.url}\nc = OpenAI(**kw)\nac = AsyncOpenAI(**kw)'
        ),
        Invalid(
            'from openai import OpenAI\nkw = {}\nif proxy:\n    kw["base_url"] = settings.proxy_url\nc = OpenAI(**kw)'
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._warned: set[cst.CSTNode] = set()

    @functools.cached_property
    def _target(self) -> tuple[cst.BaseExpression, tuple[tuple[str, str], ...]]:
        return client_url(self.model, self.settings)

    def _url(self) -> cst.BaseExpression:
        return self._target[0]

    def _fix(self, edits: tuple[tuple[cst.CSTNode, NodeEdit], ...]) -> Fix:
        imports = ("os",) if self.settings.base_url_style == "env" else ()
        return Fix(edits, self.FIX_TITLE, imports, constants=self._target[1])

    def on_client(self, client: Client) -> None:
        call = client.construction
        if call is None or client.sdk != "openai" or client.origin not in ("constructor", "derived"):
            return
        if client.account_only:
            used = ", ".join(f"`{resource}`" for resource in client.account_only)
            message = f"Client used only for {used}, OpenAI account data Z.AI does not have: it stays with OpenAI"
            if any(resource in self.tables.hosted_state_resources for resource in client.account_only):
                message = (
                    f"Client used only for {used}, state OpenAI keeps for the application: it stays with OpenAI "
                    "until those calls are rewritten (GLM301)"
                )
            self.report(call, message, severity=Severity.WARNING)
            return
        arg = client.kwarg("base_url")
        sources = client.option_sources("base_url") if arg is None else []
        cloud = next((option for option in self.tables.other_cloud_options if client.kwarg(option)), None)
        if client.target is Target.OTHER and cloud is not None:
            message = f"Client talks to another cloud through `{cloud}=`: left as it is (to move it to Z.AI, drop "
            self.report(call, message + f"`{cloud}=` and pass Z.AI's `base_url=` and key)", severity=Severity.WARNING)
        if client.target in (Target.OTHER, Target.UNKNOWN) and arg is not None:
            azure = self._azure_url(arg.value, client)
            if azure is not None:
                # Azure OpenAI's v1 endpoint through the plain client: Azure's key, deployment names
                self.report(
                    arg.value,
                    f"Client talks to Azure OpenAI ({azure}): its key is Azure's and its models are deployment "
                    "names; move it to Z.AI by hand (Z.AI's `base_url`, a Z.AI key and GLM ids)",
                )
                return
        if client.target is Target.OTHER and arg is not None:
            proxy = self._proxy(arg.value, client)
            if proxy is not None:
                # a proxy in front of OpenAI: moved, the client would leave it (its logs, cache,
                # keys and the headers it is sent); which way to go is the owner's decision
                name, host = proxy
                self.report(
                    arg.value,
                    f"Client talks through {name} (`{host}`), a proxy in front of OpenAI: pointed at Z.AI, its "
                    f"requests would bypass {name} and the headers given for it; move it by hand, with a Z.AI key "
                    f"and GLM ids for its calls, or through a route of {name}'s to Z.AI",
                )
                return
        if client.target is Target.UNKNOWN:
            self._report_run_time(client, arg, sources)
        if client.target is not Target.OPENAI:
            return
        branch = provider_branch(self.model, client)
        if branch is not None:
            self.report(call, "Client is " + own_branch_advice(self, branch, "OpenAI"))
            return
        check = openai_key_check(self.model, client)
        if check is not None:
            # Z.AI's keys have no `sk-`: moved alone, the client would stop the program or be refused
            self.report(
                call,
                f"Client talks to OpenAI, and its key must be an OpenAI key (`{short_code(check)}` stops the "
                "program for any other): point it at Z.AI by hand, dropping that check, with a Z.AI key",
            )
            return
        variable = program_set_key(self.model, client)
        if variable is not None:
            # its key is the one the program sets, an OpenAI key: alone at Z.AI it would be refused
            self.report(
                call,
                f"Client talks to OpenAI with the key {self.model.key_setter(variable)} sets in `{variable}`: "
                "point it at Z.AI "
                "together with a Z.AI key (see GLM001)",
            )
            return
        later = set_after_built(self.model, client)
        if later:
            # `self.client.api_key = config["api_key"]`: what the constructor is given is replaced
            set_where = ", ".join(f"`{assignment_code(self.model, a)}`" for a in later)
            self.report(
                call,
                f"Client talks to OpenAI, and what it is given here is replaced after it is built ({set_where}): "
                "point it at Z.AI by hand, together with a Z.AI key and URL there",
            )
            for assignment in later:
                if assignment.option == "base_url" and assignment.value not in self._warned:
                    self._warned.add(assignment.value)
                    self.report(
                        assignment.value,
                        "Client `base_url` set after the client is built: it replaces the URL its constructor "
                        "is given, so a client moved to Z.AI would send its Z.AI key here; point it at Z.AI here",
                    )
            return
        handler = missing_key_handler(self.model, client)
        if handler is not None:
            # an optional client: `except OpenAIError` expects its missing key; the key fix raises KeyError
            self.report(
                call,
                f"Client talks to OpenAI, built in a `try` whose `{short_code(handler.type or call)}` handler expects "
                f'the error a missing key raises: with `api_key=os.environ["{self.key_env}"]` it would raise KeyError '
                "past that handler instead; point it at Z.AI by hand, catching `KeyError` there too",
            )
            return
        stub = test_stub(self.model, client)
        if stub is not None:
            # the program's move is right; the test's stand-in cannot take it
            self.report(
                call,
                f"Client talks to OpenAI, but {stub}, then point it at Z.AI",
            )
            return
        url = self._url()
        for assignment in self.model.client_option_assignments:
            # `client.base_url = "https://api.openai.com/v1"`: repointed with the client
            if assignment.client is not client or assignment.option != "base_url" or assignment.value in self._warned:
                continue
            if moves_with_client(self.model, assignment):
                self._warned.add(assignment.value)
                message = "Client `base_url` set after the client is built points at OpenAI"
                blocker = repoint_blocker(self.model, client)
                if blocker is not None:
                    # the client stays where it is for now: so does its URL
                    self.report(assignment.value, f"{message}: point it at Z.AI when the client moves ({blocker})")
                else:
                    self.report(assignment.value, message, fix=self._fix(((assignment.value, lambda _: url),)))
        if arg is not None and self._renamed_by_glm009(arg.value, client):
            return  # `base_url=API_URL`, `API_URL = os.getenv("OPENAI_API_BASE")`: renamed, it repoints the client
        if arg is not None:
            fix = self._fix(((arg.value, lambda _: url),))
            written = [string_value(s) or "" for s in self.model.resolve_strings(arg.value, client.scope)[0]]
            placeholder = next((text for text in written if is_placeholder_url(text)), None)
            where = f"is a placeholder (`{placeholder}`)" if placeholder else "points at OpenAI"
            self.report(arg.value, f"Client `base_url` {where}", fix=fix)
            return
        for source in sources:
            fix = self._fix(((source.value, lambda _: url),))
            self.report(source.value, f"`{source.key}` of `**` mapping points at OpenAI", fix=fix)
        if sources and any(source.always for source in sources):
            return
        edits = default_in_mapping(client, "base_url", url) if sources else add_client_option(client, "base_url", url)
        message = "Client without `base_url=` talks to OpenAI"
        if client.kwarg("data_residency") is not None and isinstance(edits, tuple):
            # OpenAI's regions exclude a base_url (ValueError): the region goes with the new URL.
            edits = ((call, lambda node: remove_kwargs(node, {"data_residency"})), *edits)
            message += " (in one of its `data_residency` regions)"
        if edits is None:
            self.report(call, f"{message} where its `**` mapping sets none: set `base_url` on every path")
        elif isinstance(edits, str):
            self.report(call, edits)
        else:
            self.report(call, message, fix=self._fix(edits))

    def _proxy(self, url: cst.BaseExpression, client: Client) -> tuple[str, str] | None:
        """(name, host) of the proxy in front of OpenAI (`[proxies]` in endpoints.toml) that `url`
        names: a literal (also through a name), an f-string's text, or a gateway's constant."""
        literals, _ = self.model.resolve_strings(url, client.scope)
        for text in [string_value(literal) or "" for literal in literals] + [code_of(url)]:
            found = openai_proxy(self.tables, text)
            if found is not None:
                self.claim(url, *literals)  # reported here, not again as a URL in code (GLM405)
                return found
        for name in self.model.qualified_names(url, client.scope):
            if name in self.tables.proxy_constants:
                return self.tables.proxy_constants[name], name.rpartition(".")[2]
        return None

    def _azure_url(self, url: cst.BaseExpression, client: Client) -> str | None:
        """Where `url` shows an Azure OpenAI endpoint, in words: a literal on Azure's hosts, or a
        variable of Azure's (`AZURE_OPENAI_ENDPOINT`) read in it or in a name it uses."""
        literals, _ = self.model.resolve_strings(url, client.scope)
        for literal in literals:
            host = urlparse(string_value(literal) or "").hostname or ""
            if host.endswith(self.tables.azure_hosts):
                return f"`{host}`"
        written = written_host(url)
        if written is not None and written.endswith(self.tables.azure_hosts):
            return f"`{written}`"  # `f"https://res.openai.azure.com/openai/deployments/{name}"`, `.format()`
        prefixes = self.tables.azure_endpoint_env_prefixes
        names = names_in(url)
        reads = [url, *(b.value for n in names for b in self.model.bindings_of(n, client.scope) if b.value is not None)]
        for read in reads:
            # `os.getenv("AZURE_OPENAI_ENDPOINT")`, `os.environ[...]`: a variable's name, read
            if not any(n.value in ("getenv", "environ") for n in names_in(read)):
                continue
            for literal in literals_in(read):
                name = string_value(literal)
                if name is not None and name.startswith(prefixes):
                    return f"its URL comes from `{name}`"
        return None

    def _report_run_time(self, client: Client, arg: cst.Arg | None, sources: list[KeySource]) -> None:
        """One warning for a client whose server is chosen at run time (a settings value, a
        provider table, a class that may be Azure's or OpenAI's): it may not be OpenAI at all."""
        assert client.construction is not None
        if arg is None and sources and sources[0].value in self._warned:
            return  # one mapping shared by several constructors: one warning
        if arg is not None:
            where: cst.CSTNode = arg.value
            what = f"`{code_of(arg.value)}`"
        elif sources:
            where = sources[0].value
            what = " or ".join(f"`{code_of(source.value)}`" for source in sources)
            if not any(source.always for source in sources):
                what += " when set (OpenAI otherwise)"
        elif later := [
            a for a in self.model.client_option_assignments if a.client is client and a.option == "base_url"
        ]:
            # `client.base_url = settings.url` after it is built: the server it talks to
            where = later[0].value
            what = f"set after the client is built, to `{code_of(later[0].value)}`"
        elif client.other_classes:
            where = client.construction
            names = "`, `".join((*client.classes, *client.other_classes))
            what = f"chosen with the class its name holds when it runs (`{names}`)"
        elif len(client.classes) > 1:
            where = client.construction
            what = f"chosen with the class (`{'`, `'.join(client.classes)}`)"
        else:
            # built only where the code has tested that the URL variable is set
            where = client.construction
            what = "read from `OPENAI_BASE_URL`, which the code checks is set before building it"
        self._warned.add(where)
        message = f"Client `base_url` is {what}, known only at run time: if that is OpenAI, point it at Z.AI"
        self.report(where, message, severity=Severity.WARNING)

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        if assignment.attribute == "base_url" and wants_module_settings(self.model):
            fix = self._fix(((assignment.value, lambda _: self._url()),))
            url = string_value(assignment.value)
            where = "is a placeholder" if url is not None and is_placeholder_url(url) else "points at OpenAI"
            self.report(assignment.value, f"Module-level `openai.base_url` {where}", fix=fix)

    def on_module_end(self) -> None:
        message = "Module-level `openai` client talks to OpenAI"
        imports = ("os",) if self.settings.base_url_style == "env" else ()
        add_missing_module_setting(self, "base_url", self._url(), message, imports, self._target[1])
        self._placeholder_url_settings()
        sdk_classes = {name for name, (sdk, _) in self.tables.clients.items() if sdk == "openai"}
        for value, _ in classes_in_tables(self.model, sdk_classes):
            # `{"gpt-": OpenAI, "claude-": Anthropic}`: the clients built from the entry are not seen
            self.report(
                value,
                f"`{code_of(value)}` is kept in this dict, and the clients built from it are not seen: they keep "
                f"talking to OpenAI; where one is built, pass Z.AI's `base_url=` and a Z.AI `api_key=`, and send it "
                "GLM model ids",
                severity=Severity.ERROR,
            )
        for arg, class_name in class_factories(self.model):
            call = self.model.parents.get(arg)
            short = class_name.rpartition(".")[2]
            self.report(
                arg.value,
                f"`{short_code(arg if call is None else call)}` builds `{short}` clients that talk to OpenAI, and no fix can point them "
                f'at Z.AI: hand it `lambda: {short}(api_key=os.environ["ZAI_API_KEY"], base_url=...)` instead',
            )

    def _renamed_by_glm009(self, value: cst.BaseExpression, client: Client) -> bool:
        """`value` reads a setting that holds OpenAI's base-URL variable (no default, or OpenAI's)
        and feeds only clients' `base_url=`: GLM009 renames that variable, giving it Z.AI's URL as
        its default, which repoints the client; replacing the argument too would leave the setting
        unread. Not where the module (or one importing it) sets the variable itself: GLM009 leaves
        that read to a person."""
        if type(value) not in (cst.Name, cst.Attribute):
            return False
        index = ModuleIndex(self.model)
        source = index.setting_source(value, client.scope)
        if source is None or (lookup := env_lookup(source)) is None:
            return False
        if lookup[0] in self.model.environ_written or lookup[0] in self.model.facts.importer_keys:
            return False
        return index.moves_base_url(source)

    def _azure_option(self, lookup: cst.Call) -> bool:
        """The lookup is the value of an Azure-only option (`azure_endpoint=...`, in a call or a
        `{"azure_endpoint": ...}` mapping), which GLM008 drops with the Azure class."""
        parent = self.model.parents.get(lookup)
        if type(parent) is cst.Arg:
            return parent.keyword is not None and parent.keyword.value in self.tables.azure_options
        if type(parent) is cst.DictElement and parent.value is lookup:
            return string_value(parent.key) in self.tables.azure_options
        return False

    def _placeholder_url_settings(self) -> None:
        """A base URL setting of the project's own (`os.getenv("API_BASE_URL", "default")`) whose
        default is no URL at all, in a module that configures OpenAI: the code that reads it takes
        the placeholder for "no URL", which leaves its clients on OpenAI."""
        source = self.model.source
        if "openai" not in self.model.imported_sdks and not any(e in source for e in self.tables.openai_key_envs):
            return
        own = self.tables.openai_base_url_envs | {self.tables.base_url_env}
        for call, _ in self.model.calls:
            lookup = env_lookup(call)
            if lookup is None or lookup[0] in own:
                continue
            name, default = lookup
            if default is None:
                continue
            text = string_value(default)
            if text is None or "://" in text or not _names_an_openai_base_url(name):
                continue
            if "AZURE" in name.upper() or self._azure_option(call):
                continue  # an Azure endpoint: the client is GLM008's (GLM006's for LangChain) to replace
            self.report(
                default,
                f"Base URL setting `{name}` defaults to `{code_of(default)}`, no URL: where that means the SDK's "
                f"default, clients stay on OpenAI; make Z.AI's URL the default (`{self.tables.base_url(self.settings.region)}`)",
            )


#: words before `BASE_URL` / `API_BASE` in a setting's name that leave it OpenAI's or the app's
#: own (`API_BASE_URL`, `OPENAI_API_BASE_URL`, `LLM_BASE_URL`), not another vendor's (`GROQ_API_BASE`)
_GENERIC_URL_WORDS = frozenset({"OPENAI", "LLM", "CHAT", "AI", "MODEL", "DEFAULT", "CUSTOM", "APP", "API"})


def _names_an_openai_base_url(name: str) -> bool:
    upper = name.upper()
    for marker in ("BASE_URL", "API_BASE"):
        prefix, found, _ = upper.partition(marker)
        if found:
            return set(filter(None, prefix.split("_"))) <= _GENERIC_URL_WORDS
    return False
