from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import short_code
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._clients import litellm_deployments, repoint_blocker
from glm_migrate.rules._helpers import code_of, dict_entry, rename_env_lookup, replace_string
from glm_migrate.rules._setting_flow import ModuleIndex, feeds_only_moving_clients
from glm_migrate.semantic import Target, env_lookup, env_membership, gives_none_when_unset, string_value

#: keyword arguments through which clients take a key or URL: their lookups belong to the client
#: rules (GLM001, GLM002, GLM006, GLM008, GLM107), or to a client that is not moving (a local server)
CLIENT_OPTIONS = frozenset({"api_key", "base_url", "openai_api_key", "openai_api_base", "api_base"})


class OpenAIEnvVar(Rule):
    """
    ## What it does
    Finds code that reads OpenAI's environment variables, `OPENAI_API_KEY`, `OPENAI_BASE_URL` or
    `OPENAI_API_BASE`, through `os.environ` or `os.getenv` anywhere in a module (a settings
    object, a helper, a constant), and reads Z.AI's instead: `ZAI_API_KEY` (or `api-key-env`)
    and `ZAI_BASE_URL`, whose default becomes the region's URL when it was OpenAI's.

    ## Why is this bad?
    A key or URL read into a variable ends up in a client sooner or later: an OpenAI key sent to
    Z.AI fails with 401, an OpenAI URL sends the request back to OpenAI.

    ## Example
    ```python
    API_KEY = os.environ["OPENAI_API_KEY"]
    BASE_URL = os.getenv("OPENAI_BASE_URL", "https://api.openai.com/v1")
    ```
    Use instead:
    ```python
    API_KEY = os.environ["ZAI_API_KEY"]
    BASE_URL = os.getenv("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/")
    ```

    ## Fix safety
    Safe when the value is kept in a setting (a name, a dict entry, a class attribute) whose every
    read glm-migrate can see is the key of a client it moves to Z.AI (or, for the URL, the
    `base_url` of an OpenAI client): those clients read `ZAI_API_KEY` from then on, so the
    setting must too, as a key passed to them directly is renamed by GLM001. Otherwise unsafe:
    the value may also feed code that must keep talking to OpenAI or another provider, and the
    deployment has to set the new variables. Reads passed straight to a client (GLM001, GLM002,
    GLM006, GLM008) or to `openai.api_key` / `openai.base_url` are left to those rules. A
    variable the module sets (`os.environ["OPENAI_API_KEY"] = key`, for a library or a child
    process) is reported without a fix, and so is a read of it after that: its value is the
    program's, which the Z.AI variable would drop. A key lookup that gives `None` when unset
    (`os.getenv("OPENAI_API_KEY")`) gets `""` as its default: a client given `None` falls back
    to `OPENAI_API_KEY` and would send that key to Z.AI, while a setting may be read where no
    client is built, so failing at the read (`os.environ[...]`) could stop a program that never
    needs the key; `if not key:` checks hold either way. In a module that also sends its own
    requests to an OpenAI URL (`httpx.post("https://api.openai.com/v1/...")`), calls LiteLLM
    where it has no Z.AI route (`litellm.transcription`) or hands the key on under OpenAI's name
    (`env={"OPENAI_API_KEY": key}` for a child process) or builds a client no fix moves
    (`OpenAI(**params)`), a key lookup not seen to feed only moving clients is reported without a
    fix: renamed, it could send the Z.AI key to OpenAI. A lookup the code only tests (`if os.getenv(...)`) is renamed as it is, and
    so is a URL lookup tested that way, without the region's default, which would make the test
    always pass; a test of whether the variable is set (`if "OPENAI_API_KEY" not in os.environ:
    raise ...`) is renamed the same way: left as it is, it stops the program once the clients read
    `ZAI_API_KEY`. Such tests are reported without a fix when a client the migration leaves alone
    (a local server, a server chosen at run time) is built without `api_key=` / `base_url=`: the
    SDK reads OpenAI's variable for that client, which the test may be guarding.
    """

    CODE = "GLM009"
    NAME = "openai-env-var"
    SUMMARY = "OpenAI environment variable read in code"
    FIX_TITLE = "Read Z.AI's variable"
    APPLICABILITY = Applicability.UNSAFE

    VALID = (
        Valid('import os\nimport openai\nKEY = os.environ["ZAI_API_KEY"]'),
        Valid('import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))'),  # GLM001's
    )
    INVALID = (
        # set for a library: reported, not renamed; read back after it is set: the program's value
        Invalid('import os\nimport openai\nos.environ["OPENAI_API_KEY"] = load()'),
        Invalid('import os\nimport openai\nos.environ["OPENAI_API_KEY"] = load()\nKEY = os.environ["OPENAI_API_KEY"]'),
        # the module sends its own requests to OpenAI (a tracing exporter): renamed, a Z.AI key would go there
        Invalid(
            'import os\nimport httpx, openai\nKEY = os.environ["OPENAI_API_KEY"]\n'
            'httpx.post("https://api.openai.com/v1/traces/ingest", headers={"Authorization": KEY})'
        ),
        # no default is the SDK's default, OpenAI's URL: the Z.AI variable defaults to Z.AI's
        Invalid(
            'import os\nimport openai\nBASE = os.getenv("OPENAI_BASE_URL")',
            expected='import os\nimport openai\nBASE = os.getenv("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/")',
            unsafe=True,
        ),
        # tested for being set: a default would make the test always pass
        Invalid(
            'import os\nimport openai\nif os.getenv("OPENAI_BASE_URL"):\n    BASE = os.environ["OPENAI_BASE_URL"]',
            expected='import os\nimport openai\nif os.getenv("ZAI_BASE_URL"):\n    BASE = os.environ["ZAI_BASE_URL"]',
            unsafe=True,
        ),
        # a guard of the key: once the clients read Z.AI's, it would stop a program that has only that one
        Invalid(
            'import os\nfrom openai import OpenAI\nif "OPENAI_API_KEY" not in os.environ:\n    raise SystemExit(1)\nc = OpenAI()',
            expected='import os\nfrom openai import OpenAI\nif "ZAI_API_KEY" not in os.environ:\n    raise SystemExit(1)\nc = OpenAI()',
            unsafe=True,
        ),
        # asked for when missing and set: what it sets is the program's key
        Invalid(
            'import os\nimport openai\nif "OPENAI_API_KEY" not in os.environ:\n    os.environ["OPENAI_API_KEY"] = input()'
        ),
        # ... unless a client that stays (a local server) reads that key itself
        Invalid(
            'import os\nfrom openai import OpenAI\nif "OPENAI_API_KEY" not in os.environ:\n    raise SystemExit(1)\n'
            'c = OpenAI(base_url="http://localhost:8000/v1")'
        ),
        Invalid(
            'import os\nimport openai\nKEY = os.environ["OPENAI_API_KEY"]',
            expected='import os\nimport openai\nKEY = os.environ["ZAI_API_KEY"]',
            unsafe=True,
        ),
        Invalid(
            'import os\nfrom openai import OpenAI\nKEY = os.getenv("OPENAI_API_KEY")\nc = OpenAI(api_key=KEY)',
            expected='import os\nfrom openai import OpenAI\nKEY = os.getenv("ZAI_API_KEY", "")\nc = OpenAI(api_key=KEY)',
        ),
        Invalid(
            'import os\nfrom openai import OpenAI\nBASE = os.getenv("OPENAI_API_BASE", "https://api.openai.com/v1")',
            expected='import os\nfrom openai import OpenAI\nBASE = os.getenv("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/")',
            unsafe=True,
        ),
    )

    def on_module_end(self) -> None:
        key_envs, url_envs = self.tables.openai_key_envs, self.tables.openai_base_url_envs
        if not any(name in self.model.source for name in key_envs | url_envs):
            return
        handled = self._handled()
        reads: list[cst.Call | cst.Subscript | cst.Comparison] = [call for call, _ in self.model.calls]
        reads += self.model.environ_subscripts
        reads += self._membership_tests()
        for node in reads:
            membership = env_membership(node)
            lookup = (membership[0], None) if membership is not None else env_lookup(node)
            if lookup is None or lookup[0] not in key_envs | url_envs or node in handled:
                continue
            name, default = lookup
            if self._is_write(node):
                # `os.environ["OPENAI_API_KEY"] = key`: set for whatever reads it next (a library, a
                # child process), which talks to OpenAI unless it moves to Z.AI as well
                self.report(
                    node,
                    f"`{name}` is set here for what reads it next (a library, a child process): it keeps "
                    "talking to OpenAI unless it moves to Z.AI too; then set its Z.AI variable instead",
                    severity=Severity.WARNING,
                )
                continue
            if name in self.model.environ_written:
                # read back after this module set it: the value is the program's (a user's key), and
                # reading the Z.AI variable instead would drop it
                if membership is not None:
                    # `if "OPENAI_API_KEY" not in os.environ: os.environ["OPENAI_API_KEY"] = ask()`
                    message = f"`{name}` is tested here and set by this module: test and set the Z.AI one"
                else:
                    message = (
                        f"`{name}` is read after this module sets it: the value is the program's own, so make "
                        "sure what it sets is the Z.AI one"
                    )
                self.report(node, message)
                continue
            option = "api_key" if name in key_envs else "base_url"
            if (membership is not None or self._truth_tested(node)) and option in self._options_left_to_env:
                # `if os.getenv("OPENAI_BASE_URL"): return OpenAI()`: the client reads the server the
                # user set, so it stays; renamed, the test would no longer guard what it reads
                self.report(
                    node,
                    f"`{name}` is tested here, and a client glm-migrate leaves alone reads it itself (no "
                    f"`{option}=`): test Z.AI's variable only where that client moves to Z.AI",
                )
                continue
            message = f"`{name}` is OpenAI's variable"
            if membership is not None:
                # `if "OPENAI_API_KEY" not in os.environ: raise ...`: a guard that stops the program
                # once its clients read Z.AI's variable; renamed as a lookup the code tests would be
                # (`if not os.getenv(...)`), unsafe: it is no setting seen to feed only moving clients
                new = self.key_env if name in key_envs else self.tables.base_url_env
                edit = self._renamer(new, None)
                title = f"Test `{new}` instead"
                message += f", tested for being set: clients moved to Z.AI read `{new}`"
                follows = False
            elif name in key_envs:
                new = self.key_env
                # None when unset would let a client fall back to OPENAI_API_KEY and send that key
                # to Z.AI; empty, it fails there instead, and `if not key:` checks still hold
                unset_gives_none = gives_none_when_unset(node) and not self._truth_tested(node)
                edit = self._renamer(new, "" if unset_gives_none else None)
                title = f"Read `{new}` instead" + (
                    ", empty when unset (None would send `OPENAI_API_KEY` to Z.AI)" if unset_gives_none else ""
                )
                follows = feeds_only_moving_clients(self._index, node)
            else:
                new = self.tables.base_url_env
                # no default, or None, is the SDK's default: OpenAI's URL
                # ... unless the code tests whether it is set (`if os.getenv(...)`, `... or other`):
                # with a default that test would always pass
                openai_default = (
                    isinstance(node, cst.Call)
                    and (gives_none_when_unset(node) or (default is not None and self._is_openai_url(default)))
                    and not self._truth_tested(node)
                )
                edit = self._renamer(new, self.tables.base_url(self.settings.region) if openai_default else None)
                title = f"Read `{new}` instead"
                follows = self._index.moves_base_url(node)
            if follows:
                message += ", kept in a setting that only feeds clients moved to Z.AI"
            elif name in key_envs and (staying := self._openai_use_outside_clients(handled)) is not None:
                # `httpx.post("https://api.openai.com/v1/traces", headers={"Authorization": key})`,
                # `litellm.transcription(...)`: renamed, the Z.AI key would go to OpenAI
                self.report(
                    node,
                    f"{message}, and this module also {staying}: read `{new}` only where the key goes to a "
                    "client moved to Z.AI",
                )
                continue
            applicability = Applicability.SAFE if follows else None
            self.report(node, message, fix=Fix(((node, edit),), title, applicability=applicability))

    @functools.cached_property
    def _index(self) -> ModuleIndex:
        return ModuleIndex(self.model)

    def _renamer(self, name: str, default: str | None) -> Callable[[cst.BaseExpression], cst.BaseExpression]:
        """The lookup reading `name`, with the text `default` as its default if given."""

        def edit(node: cst.BaseExpression) -> cst.BaseExpression:
            renamed = rename_env_lookup(node, name)
            if default is None or not isinstance(renamed, cst.Call):
                return renamed
            value = cst.SimpleString(f'"{default}"')
            if len(renamed.args) < 2:
                first = renamed.args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                return renamed.with_changes(args=[first, cst.Arg(value)])
            given = renamed.args[1]
            if isinstance(given.value, cst.SimpleString):
                value = replace_string(given.value, default)
            return renamed.with_changes(args=[renamed.args[0], given.with_changes(value=value), *renamed.args[2:]])

        return edit

    @functools.cached_property
    def _options_left_to_env(self) -> frozenset[str]:
        """`api_key` / `base_url` when some OpenAI client of the module is built without it and
        not moved to Z.AI: the SDK reads OpenAI's variable for it (a local server, a server chosen
        at run time, a client held back)."""
        options: set[str] = set()
        for client in self.model.clients:
            if client.sdk != "openai" or client.construction is None:
                continue
            if client.splats or not (client.target is Target.OPENAI and self._index.repointed(client)):
                options.update(o for o in ("api_key", "base_url") if client.kwarg(o) is None)
        return frozenset(options)

    def _membership_tests(self) -> list[cst.Comparison]:
        """`"OPENAI_API_KEY" in os.environ` / `not in`: the code tests whether a variable is set."""
        tests = []
        for literal, _ in self.model.string_literals:
            comparison = self.model.parents.get(literal)
            if type(comparison) is cst.Comparison and env_membership(comparison) is not None:
                tests.append(comparison)
        return tests

    def _is_write(self, node: cst.CSTNode) -> bool:
        """`os.environ["X"] = ...` or `del os.environ["X"]`: the module sets the variable, not reads it."""
        holder = self.model.parents.get(node)
        return type(holder) in (cst.AssignTarget, cst.Del)

    def _truth_tested(self, node: cst.CSTNode) -> bool:
        """Whether the code decides something by `node`'s value being set (truthy, not None)
        rather than only using the value."""
        parent = self.model.parents.get(node)
        if type(parent) is cst.NamedExpr:
            return self._truth_tested(parent)  # `if not (url := os.getenv(...)):`
        if type(parent) in (cst.If, cst.While, cst.IfExp, cst.Assert):
            return getattr(parent, "test", None) is node
        if type(parent) is cst.UnaryOperation:
            return type(parent.operator) is cst.Not
        if type(parent) is cst.Comparison:
            return True
        if type(parent) is cst.Arg and type(call := self.model.parents.get(parent)) is cst.Call:
            return type(call.func) is cst.Name and call.func.value == "bool"
        if type(parent) is cst.BooleanOperation:
            # the left operand is tested; the right one gives the value, tested if the whole is
            return parent.left is node or self._truth_tested(parent)
        return False

    def _is_openai_url(self, node: cst.BaseExpression) -> bool:
        url = string_value(node)
        return url is not None and (urlparse(url).hostname or "") in self.tables.openai_hosts

    def _openai_use_outside_clients(self, handled: set[cst.CSTNode]) -> str | None:
        """What the module sends to OpenAI other than through clients this run moves, with
        whatever key it reads: a request to an OpenAI URL that is no client's `base_url` or URL
        setting's default (`httpx`, `requests`), or a LiteLLM call with no `zai/` route."""
        url_envs = self.tables.openai_base_url_envs
        for literal, _ in self.model.string_literals:
            if literal in handled or not self._is_openai_url(literal):
                continue
            arg = self.model.parents.get(literal)
            call = self.model.parents.get(arg) if type(arg) is cst.Arg else None
            lookup = env_lookup(call) if type(call) is cst.Call else None
            if lookup is None or lookup[0] not in url_envs:
                return f"sends requests to `{string_value(literal)}` itself"
        for call, _, kind in self.model.framework_calls:
            if kind == "litellm_other":
                return f"calls `{code_of(call.func)}`, which LiteLLM sends to OpenAI"
        for client in self.model.clients:
            # `OpenAI(**params)` whose keys are hidden: a person moves it, and until then it reads
            # the OpenAI key this lookup gives
            built = client.construction
            if built is None or client.sdk != "openai" or client.target is not Target.OPENAI:
                continue
            if any(splat is None for splat in client.splats) or repoint_blocker(self.model, client) is not None:
                return f"builds `{short_code(built)}`, which no fix moves to Z.AI"
        key_envs = self.tables.openai_key_envs
        for literal, _ in self.model.string_literals:
            element = self.model.parents.get(literal)
            if type(element) is cst.DictElement and element.key is literal and string_value(literal) in key_envs:
                # `subprocess.run(..., env={"OPENAI_API_KEY": key})`: what reads it there is not seen
                return f"hands it on as `{code_of(literal)}` (a child process, a library's settings)"
        return None

    def _handled(self) -> set[cst.CSTNode]:
        """Lookups other rules rewrite or deliberately keep: client options, module settings."""
        handled: set[cst.CSTNode] = {a.value for a in self.model.module_attributes}
        for call, _ in self.model.calls:
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value in CLIENT_OPTIONS:
                    handled.add(arg.value)
        for client in self.model.clients:
            handled.update(source.value for name in CLIENT_OPTIONS for source in client.option_sources(name))
        # `client.api_key = os.environ["OPENAI_API_KEY"]`: GLM001's and GLM002's, with the client
        handled.update(a.value for a in self.model.client_option_assignments)
        for _, params, _ in litellm_deployments(self.model):  # GLM107's
            handled.update(e.value for name in CLIENT_OPTIONS if (e := dict_entry(params, name)) is not None)
        if self.model.openai_default is not Target.OPENAI:
            # `os.environ["OPENAI_BASE_URL"] = "http://localhost:8000/v1"`: the module's clients talk
            # to that server, which the migration leaves alone.
            handled.update(self.model.environ_subscripts)
            handled.update(self._membership_tests())
        return handled
