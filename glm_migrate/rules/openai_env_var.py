from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import dotted_name, is_none, short_code
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, Valid
from glm_migrate.rules._clients import litellm_deployments, program_set_key, repoint_blocker
from glm_migrate.rules._helpers import code_of, dict_entry, rename_env_lookup, replace_string, replace_with
from glm_migrate.rules._setting_flow import (
    KEY_KEYWORDS,
    LANGCHAIN_KINDS,
    OWN_CLIENT_KINDS,
    URL_KEYWORDS,
    ModuleIndex,
    every_key_reader_moves,
    feeds_only_moving_clients,
    feeds_only_other_servers,
    guard_messages,
    key_guard,
)
from glm_migrate.semantic import Target, env_lookup, env_membership, gives_none_when_unset, string_value
from glm_migrate.tables import split_provider

#: keyword arguments through which clients take a key or URL: their lookups belong to the client
#: rules (GLM001, GLM002, GLM006, GLM008, GLM107), or to a client that is not moving (a local server)
CLIENT_OPTIONS = frozenset({"api_key", "base_url", "openai_api_key", "openai_api_base", "api_base"})

#: nodes that start a scope: a test outside one says nothing of the code inside
_SCOPE_NODES = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)


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
    fix: renamed, it could send the Z.AI key to OpenAI. So is one handed, directly or through its
    setting, to an LLM library no fix moves (smolagents' `LiteLLMModel`, pydantic-ai's
    `OpenAIProvider`) or to a class that keeps its own OpenAI client (Chroma's
    `OpenAIEmbeddingFunction`, not given another server's `api_base=`). A key kept in a setting whose every read
    is the key of a client of another server (a `base_url` neither OpenAI's nor Z.AI's), or a
    guard of it, is not reported, as a lookup passed to such a client directly is not: the client
    stays, and renamed, its server would get the Z.AI key. A lookup the code only tests (`if os.getenv(...)`) is renamed as it is, and
    so is a URL lookup tested that way, without the region's default, which would make the test
    always pass; a test of whether the variable is set (`if "OPENAI_API_KEY" not in os.environ:
    raise ...`) is renamed the same way: left as it is, it stops the program once the clients read
    `ZAI_API_KEY`. A test that only guards the key (its branches only report and stop, `raise`,
    `sys.exit(...)`, `st.stop()`, or build clients moved to Z.AI: `OpenAI() if key else None`) is
    renamed by a safe fix, with the variable's name in its messages, where every client of the
    module moves (and nothing else reads OpenAI's key: no LangChain class, no LiteLLM call), and
    so is a setting read only by such guards and by moving clients; any of those clients waiting
    makes it wait too. Such tests are reported without a fix when a client the migration leaves alone
    (a local server, a server chosen at run time; an SDK client or LangChain's class) is built
    without `api_key=` / `base_url=`: it reads OpenAI's variable itself, which the test may be
    guarding. A lookup the code
    tests and then reads, with a fallback of its own where the variable is unset (`os.getenv(X) if
    os.getenv(X) else openai.base_url`, `os.getenv(X) or load_key()`, an `else:` branch), is
    reported without a fix: with Z.AI's variable unset that fallback (OpenAI's URL, the program's
    own key) would be what the moved clients get; without one (an `else:` that raises) the test
    and the read are renamed together, the read with no default. So is a lookup whose value the code
    tells from None (`key is not None`, `isinstance(keys, str)`, also through another lookup's
    default): the `""` or the URL a default would add makes that test always pass. A lookup that
    is part of an Azure OpenAI configuration kept under OpenAI's names (its default on an Azure
    host, or a variable under OpenAI's prefix that only Azure uses, `OPENAI_API_VERSION` or
    `OPENAI_API_TYPE`, read in the same scope) holds Azure's key or endpoint: it is reported
    without a fix.

    A test that sets or unsets OpenAI's variable for the code it runs (`monkeypatch.setenv`,
    `delenv`, `patch.dict(os.environ, {...})`, `os.environ[...] = ...`) gets an unsafe fix that
    sets Z.AI's instead: once the code under test moves, it reads `ZAI_API_KEY` (or
    `ZAI_BASE_URL`, which a test may point at a mock server), and the test would leave it unset.
    So do the test's checks that name the variable: whether it is set (`assert "OPENAI_API_KEY"
    not in os.environ`) and the message it expects the code to give (`assert "OPENAI_API_KEY" in
    str(error)`, `pytest.raises(..., match=...)`), which names `ZAI_API_KEY` once a key guard
    moves. Safe where the project index shows the run moving every read of the variable: in each
    module that reads it (by name, or through an SDK client not given the option) no client waits,
    every client no fix moves passes `api_key=` and `base_url=` itself, and every finding about
    a reader is fixed. Otherwise unsafe: the code the test runs may be a path that stays on
    OpenAI, or outside the run; a test that sets Z.AI's variable too is left alone.
    """

    CODE = "GLM009"
    NAME = "openai-env-var"
    SUMMARY = "OpenAI environment variable read in code"
    FIX_TITLE = "Read Z.AI's variable"
    APPLICABILITY = Applicability.UNSAFE

    VALID = (
        Valid('import os\nimport openai\nKEY = os.environ["ZAI_API_KEY"]'),
        Valid('import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))'),  # GLM001's
        # a key setting only a client of another server reads: it stays, with its key
        Valid(
            'import os\nfrom openai import OpenAI\nKEY = os.getenv("OPENAI_API_KEY")\n'
            'c = OpenAI(api_key=KEY, base_url="https://api.siliconflow.cn/v1/")'
        ),
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
        # handed as its key to a framework no fix moves (the Agents SDK's own client): kept
        Invalid(
            'import os\nfrom agents import set_default_openai_key\nKEY = os.getenv("OPENAI_API_KEY")\nset_default_openai_key(KEY)'
        ),
        Invalid(
            'import os\nfrom crewai import LLM\nKEY = os.environ["OPENAI_API_KEY"]\nllm = LLM(model=MODEL, api_key=KEY)'
        ),
        Invalid(  # the key of a client used only for files and batches, which stays with OpenAI
            'import os\nfrom openai import OpenAI\nKEY = os.getenv("OPENAI_API_KEY")\nc = OpenAI(api_key=KEY)\n'
            'c.batches.create(input_file_id="f", endpoint="/v1/chat/completions", completion_window="24h")'
        ),
        Invalid(  # an AG2 entry for OpenAI (GLM302 reports it)
            'import os\nimport autogen\nKEY = os.getenv("OPENAI_API_KEY")\n'
            'autogen.AssistantAgent("a", llm_config={"config_list": [{"model": "gpt-4o", "api_key": KEY}]})'
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
        # tested, then read, with a fallback of the code's own (OpenAI's URL) where it is unset: by hand
        Invalid(
            'import os\nimport openai\nBASE = os.getenv("OPENAI_API_BASE") if os.getenv("OPENAI_API_BASE") else openai.base_url'
        ),
        # an Azure configuration under OpenAI's names (openai<1's Azure mode): Azure's key, by hand
        Invalid(
            'import os\nimport openai\nVERSION = os.getenv("OPENAI_API_VERSION")\nKEY = os.environ["OPENAI_API_KEY"]'
        ),
        # told from None: a default would make the test always pass
        Invalid('import os\nimport openai\nKEY = os.getenv("OPENAI_API_KEY")\nif KEY is None:\n    warn()'),
        # a guard of the key: once the clients read Z.AI's, it would stop a program that has only
        # that one; safe where every client of the module moves
        Invalid(
            'import os\nfrom openai import OpenAI\nif "OPENAI_API_KEY" not in os.environ:\n    raise SystemExit(1)\nc = OpenAI()',
            expected='import os\nfrom openai import OpenAI\nif "ZAI_API_KEY" not in os.environ:\n    raise SystemExit(1)\nc = OpenAI()',
        ),
        # a test's set-up for the code it runs, which reads Z.AI's variable once it moves
        Invalid(
            'import pytest\ndef test_client(monkeypatch):\n    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")',
            expected='import pytest\ndef test_client(monkeypatch):\n    monkeypatch.setenv("ZAI_API_KEY", "sk-test")',
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

    def _stored_back(self, node: cst.CSTNode, name: str) -> bool:
        """`node` reads `name` for the value of a statement that stores it into that same variable."""
        value: cst.CSTNode = node
        parent = self.model.parents.get(node)
        while parent is not None and not isinstance(parent, cst.Assign | cst.BaseSmallStatement | cst.BaseSuite):
            value, parent = parent, self.model.parents.get(parent)
        if type(parent) is not cst.Assign or parent.value is not value:
            return False
        return any(
            type(target.target) is cst.Subscript and (env_lookup(target.target) or ("",))[0] == name
            for target in parent.targets
        )

    def on_module_end(self) -> None:
        key_envs, url_envs = self.tables.openai_key_envs, self.tables.openai_base_url_envs
        if not any(name in self.model.source for name in key_envs | url_envs):
            return
        # `assert "OPENAI_API_KEY" not in os.environ` in a test, reported with the test's set-up
        test_checks = self._test_env_writes(key_envs | url_envs) if self.model.is_test_module else set()
        handled = self._handled()
        reads: list[cst.Call | cst.Subscript | cst.Comparison] = [call for call, _ in self.model.calls]
        reads += self.model.environ_subscripts
        reads += self._membership_tests()
        guarded, unguarded = self._presence_tests(reads, key_envs | url_envs)
        for literal, name, _ in self.model.environ_helper_writes:
            if name in key_envs | url_envs:
                # `_set_env("OPENAI_API_KEY")`, a helper writing `os.environ[var]`: set as above
                self.report(
                    literal,
                    f"`{name}` is set here, by a function that writes the variable it is given, for what reads it "
                    "next: it keeps talking to OpenAI unless it moves to Z.AI too; then set its Z.AI variable instead",
                    severity=Severity.WARNING,
                )
        for node in reads:
            if node in test_checks:
                continue
            membership = env_membership(node)
            lookup = (membership[0], None) if membership is not None else env_lookup(node)
            if lookup is None or lookup[0] not in key_envs | url_envs or node in handled:
                continue
            name, default = lookup
            if self._is_write(node):
                if self.model.is_test_module:
                    continue  # a test's set-up for the code it runs: `_test_env_writes`
                # `os.environ["OPENAI_API_KEY"] = key`: set for whatever reads it next (a library, a
                # child process), which talks to OpenAI unless it moves to Z.AI as well
                self.report(
                    node,
                    f"`{name}` is set here for what reads it next (a library, a child process): it keeps "
                    "talking to OpenAI unless it moves to Z.AI too; then set its Z.AI variable instead",
                    severity=Severity.WARNING,
                )
                continue
            if self._stored_back(node, name):
                # `os.environ["OPENAI_API_KEY"] = os.getenv("OPENAI_API_KEY", "")`: read before the
                # write it feeds, which is reported (above) for what reads the variable next
                continue
            if (
                name in self.model.environ_written and not (membership is not None and self.model.is_test_module)
            ) or name in self.model.facts.importer_keys:
                # read back after this module (or one importing it) set it: the value is the
                # program's (a user's key), and reading the Z.AI variable instead would drop it;
                # not a test's `if "OPENAI_API_KEY" not in os.environ: os.environ[...] = "dummy"`,
                # whose set-up is renamed with the code it runs (`_test_env_writes`), the test with it
                setter = self.model.key_setter(name) if name not in self.model.environ_written else "this module"
                if membership is not None:
                    # `if "OPENAI_API_KEY" not in os.environ: os.environ["OPENAI_API_KEY"] = ask()`
                    message = f"`{name}` is tested here and set by {setter}: test and set the Z.AI one"
                else:
                    message = (
                        f"`{name}` is read after {setter} sets it: the value is the program's own, so make "
                        "sure what it sets is the Z.AI one"
                    )
                self.report(node, message)
                continue
            if membership is None and name in key_envs and feeds_only_other_servers(self._index, node):
                # `key = os.getenv("OPENAI_API_KEY")` given only to clients of another server: they
                # stay, with the key they are given, as when the lookup is passed to them directly
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
            if node in guarded:
                self.report(node, guarded[node])
                continue
            if name in self.model.facts.unread_envs:
                # a test's read where nothing of the run reads the variable (`_test_env_writes`)
                self.report(
                    node,
                    f"`{name}` is OpenAI's variable, but no module of this run reads it or uses an SDK or "
                    "framework glm-migrate moves: the code this test runs may reach OpenAI through a library "
                    "that reads it itself; read Z.AI's only where that library moves to Z.AI",
                    severity=Severity.WARNING,
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
                follows = guard = name in key_envs and self._guards_moving_clients(node)
            elif name in key_envs:
                new = self.key_env
                # None when unset would let a client fall back to OPENAI_API_KEY and send that key
                # to Z.AI; empty, it fails there instead, and `if not key:` checks still hold
                unset_gives_none = (
                    gives_none_when_unset(node) and not self._truth_tested(node) and node not in unguarded
                )
                if unset_gives_none and (test := self._tested_for_none(node)) is not None:
                    if not (key_guard(self._index, test) and feeds_only_moving_clients(self._index, node)):
                        self.report(node, self._none_test_message(name, new, short_code(test), '`""` as its default'))
                        continue
                    # `if key is None: raise ...` guards the clients it feeds: renamed as it is
                    unset_gives_none = False
                edit = self._renamer(new, "" if unset_gives_none else None)
                title = f"Read `{new}` instead" + (
                    ", empty when unset (None would send `OPENAI_API_KEY` to Z.AI)" if unset_gives_none else ""
                )
                guard = self._guards_moving_clients(node)
                follows = guard or feeds_only_moving_clients(self._index, node)
            else:
                new = self.tables.base_url_env
                # no default, or None, is the SDK's default: OpenAI's URL
                # ... unless the code tests whether it is set (`if os.getenv(...)`, `... or other`):
                # with a default that test would always pass
                openai_default = (
                    isinstance(node, cst.Call)
                    and (gives_none_when_unset(node) or (default is not None and self._is_openai_url(default)))
                    and not self._truth_tested(node)
                    and node not in unguarded
                )
                if openai_default and (test := self._tested_for_none(node)) is not None:
                    self.report(node, self._none_test_message(name, new, short_code(test), "Z.AI's URL as its default"))
                    continue
                edit = self._renamer(new, self.tables.base_url(self.settings.region) if openai_default else None)
                title = f"Read `{new}` instead"
                follows, guard = self._index.moves_base_url(node), False
            if guard:
                if membership is None:  # a membership test's message says so already
                    message += ", tested only to stop where it is unset: the clients it guards move to Z.AI"
            elif follows and (function := self._index.returning_function(node)) is not None:
                assert isinstance(function.node, cst.FunctionDef)
                message += f", returned by `{function.node.name.value}()`, called only for clients moved to Z.AI"
            elif follows:
                message += ", kept in a setting that only feeds clients moved to Z.AI"
            elif (azure := self._azure_option_reader(node)) is not None:
                # `AzureOpenAI(azure_endpoint=os.getenv("OPENAI_API_BASE"))` of LlamaIndex or
                # LangChain (Farzad-R/LLM-Zero-to-Hundred's notebooks): the Azure class stays, and
                # renamed, the Azure key and deployments would go to Z.AI's URL
                self.report(
                    node,
                    f"{message}, and this module gives it to {azure}, an Azure OpenAI option: read `{new}` only "
                    "where that class is replaced by one talking to Z.AI",
                )
                continue
            elif (why := self._azure_configuration(node, default)) is not None:
                # `OPENAI_API_BASE = os.getenv("OPENAI_API_BASE", "https://x.openai.azure.com/")`
                # beside `os.getenv("OPENAI_API_VERSION")` (openai<1's Azure mode): the key and URL
                # are Azure's; renamed, the Z.AI key would go to Azure, or Azure's key to Z.AI
                self.report(
                    node,
                    f"`{name}` holds an Azure OpenAI {'key' if name in key_envs else 'endpoint'} here ({why}): "
                    "move that Azure configuration (key, endpoint, deployment names) to Z.AI by hand",
                )
                continue
            elif (library := self._library_reader(node, name in key_envs)) is not None:
                # `LiteLLMModel(model_id="gpt-4o", api_key=key)` (smolagents), `OpenAIProvider(
                # api_key=key, base_url=base)` (pydantic-ai): no fix moves the library, and renamed,
                # the Z.AI key would go to OpenAI through it, or its OpenAI key and ids to Z.AI
                # (kutsushitaneko/mermaid-diagram-agent)
                what = "key" if name in key_envs else "URL"
                self.report(
                    node,
                    f"{message}, and this module hands it to {library} as its {what}, which keeps talking to "
                    f"OpenAI: read `{new}` only where that library moves to Z.AI",
                )
                continue
            elif (beside := self._openai_model_beside(node, name in key_envs)) is not None:
                # `{"model": "gpt-4o-mini", "api_key": os.getenv("OPENAI_API_KEY")}`, a library's
                # model configuration (AG2's config list) that no rule moves: renamed, the entry
                # would pair a Z.AI key (or URL) with an OpenAI model wherever it is used
                what = "key" if name in key_envs else "URL"
                self.report(
                    node,
                    f'{message}, and this module keeps it beside `"model": "{beside}"` in the same dict, an '
                    f"OpenAI model id no fix moves: read `{new}` only where that entry's model becomes a GLM id "
                    f"(its {what} and model change together)",
                )
                continue
            elif (header := self._service_header(node)) is not None:
                # `weaviate.connect_to_local(headers={"X-OpenAI-Api-Key": os.environ["OPENAI_API_KEY"]})`:
                # Weaviate's `text2vec-openai` module calls OpenAI with it; renamed, Weaviate would
                # send the Z.AI key (or URL) to OpenAI, which its module keeps calling
                what = "key" if name in key_envs else "URL"
                self.report(
                    node,
                    f"{message}, and this module sends it in the `{header}` header to a service that calls OpenAI "
                    f"itself with it (Weaviate's `text2vec-openai` module, say), not to a client of this program: "
                    f"keep OpenAI's {what} there unless that service's module is configured for Z.AI",
                    severity=Severity.WARNING,
                )
                continue
            elif (account := self._account_client_reader(node)) is not None:
                # `OpenAI(api_key=key)` used only for files and batches, or fine-tuning: it stays
                # with OpenAI (GLM002), and renamed, the Z.AI key would go there
                what = "key" if name in key_envs else "URL"
                self.report(
                    node,
                    f"{message}, and this module gives it to a client that stays with OpenAI for its account "
                    f"data ({account}): keep OpenAI's {what} there, and read `{new}` only where it goes to a "
                    "client moved to Z.AI",
                    severity=Severity.WARNING,
                )
                continue
            elif name in key_envs and (handing := self._index.handed_elsewhere(node)) is not None:
                # `settings.py`'s `OPENAI_API_KEY = os.getenv(...)`, which a view returns in
                # `JsonResponse({"key": settings.OPENAI_API_KEY})` for a browser calling OpenAI
                # (ck9sky/ai9sky): renamed, that reader would get a Z.AI key for OpenAI
                self.report(
                    node,
                    f"{message}, and `{handing}` hands the setting on as data (in a response, a request's "
                    f"headers or auth), to a library that keeps talking to OpenAI or to a client only a person "
                    f"moves (its key set after it is built), not to a client moved here: read `{new}` only where the "
                    "key goes to a client moved to Z.AI",
                )
                continue
            elif (name in key_envs or self.model.legacy_calls) and (
                staying := self._openai_use_outside_clients(handled)
            ) is not None:
                # `httpx.post("https://api.openai.com/v1/traces", headers={"Authorization": key})`,
                # `litellm.transcription(...)`: renamed, the Z.AI key would go to OpenAI
                self.report(
                    node,
                    f"{message}, and this module also {staying}: read `{new}` only where the "
                    f"{'key' if name in key_envs else 'URL'} goes to a client moved to Z.AI",
                )
                continue
            applicability = Applicability.SAFE if follows else None
            if not follows and name in key_envs and self._only_module_key_alone(node):
                message += (
                    ", given to `openai.api_key` in a module that sends nothing through the `openai` module "
                    "client: what uses that client may still talk to OpenAI, so read the Z.AI key only where "
                    "something points it at Z.AI"
                )
            edits = ((node, edit), *self._guard_messages(node, name, new)) if follows else ((node, edit),)
            finding = self.report(node, message, fix=Fix(edits, title, applicability=applicability))
            if follows and name in key_envs:
                # right only while every client whose key it guards moves (engine.py)
                self.context.with_every_client.append(finding)

    def _test_env_writes(self, openai_envs: Collection[str]) -> set[cst.CSTNode]:
        """A test that sets (or unsets) OpenAI's variable for the code it runs sets one that code
        no longer reads once it moves to Z.AI: the key it needs is missing and the server it was
        pointed at (a mock) is not the one it calls. So do its checks of the variable and the
        messages it expects to name it. Returns the membership tests reported here."""
        checks: set[cst.CSTNode] = set()
        word = re.compile(r"\b(" + "|".join(map(re.escape, sorted(openai_envs))) + r")\b")
        writes = self.model.test_env_writes
        written = {name for _, name in writes}
        for literal, name in writes:
            new = self._z_ai_variable(name)
            if name in openai_envs and new not in written and (held := self._held_own_reader(name)) is not None:
                # `os.environ["OPENAI_API_KEY"] = "sk-test"` beside the `OpenAI()` it feeds: that client
                # is held on OpenAI with this key (GLM001, GLM006); renamed, it would run without one
                self.report(
                    literal,
                    f"This test sets `{name}` for the code it runs, and {held} of this module reads it, kept "
                    f"with OpenAI for this key: set `{new}` where that client moves to Z.AI with it",
                    severity=Severity.WARNING,
                )
            elif name in openai_envs and new not in written:  # one that sets Z.AI's too is left alone
                self._rename_in_test(
                    literal,
                    word,
                    f"This test sets `{name}` for the code it runs, which reads `{new}` once it moves to Z.AI: "
                    f"set `{new}` where that code moves",
                    f"Set `{new}` instead",
                )
        for literal, _ in self.model.string_literals:
            if word.search(literal.value) is None:
                continue
            parent = self.model.parents.get(literal)
            membership = env_membership(parent) if type(parent) is cst.Comparison else None
            if parent is not None and membership is not None and self._in_assert(parent):
                # `assert "OPENAI_API_KEY" not in os.environ`: what the test's set-up left
                checks.add(parent)
                new = self._z_ai_variable(membership[0])
                message = (
                    f"This test checks whether `{membership[0]}` is set, which the code it runs reads as `{new}` "
                    "once it moves to Z.AI"
                )
                self._rename_in_test(literal, word, message, f"Check `{new}` instead")
            elif self._expected_text(literal):
                # `assert "OPENAI_API_KEY" in str(error)`, `pytest.raises(..., match=...)`: the code's
                # messages stop naming it once its key guards move (GLM009's safe fix renames them)
                name = word.findall(literal.value)[0]
                message = (
                    f"This test expects the code to name `{name}` (an error message, a log line): once the code "
                    f"moves to Z.AI, it names `{self._z_ai_variable(name)}`"
                )
                self._rename_in_test(literal, word, message, "Expect Z.AI's variable")
        return checks

    def _held_own_reader(self, name: str) -> str | None:
        """The client of this module that reads the key variable `name` this module sets itself
        (`OpenAI()`, LangChain's `ChatOpenAI()` without `api_key=`), which other rules keep on
        OpenAI for that key (`program_set_key`): None when there is none."""
        if name not in self.model.own_key_envs or name != self.tables.sdk_key_env:
            return None
        for client in self.model.clients:
            if client.construction is not None and client.sdk == "openai" and program_set_key(self.model, client):
                return f"`{short_code(client.construction)}`"
        for call, _, kind in self.model.framework_calls:
            if kind.startswith("langchain_") and not any(
                arg.keyword is not None and arg.keyword.value in ("api_key", "openai_api_key") for arg in call.args
            ):
                return f"`{short_code(call)}`"
        return None

    def _rename_in_test(self, literal: cst.SimpleString, word: re.Pattern[str], message: str, title: str) -> None:
        """Report `literal` of a test with a fix naming Z.AI's variables instead of OpenAI's:
        safe where the project index shows the run moving every read of them, else unsafe."""
        names = set(word.findall(literal.value))
        held = sorted(self.model.facts.held_envs.intersection(names))
        if held:
            # code of the run keeps reading it even with --unsafe-fixes: renamed, the test would not set it
            self.report(
                literal,
                f"{message}, but code of this run keeps reading `{held[0]}` until a person moves what reads it "
                "(see its findings): rename it here with that move",
                severity=Severity.WARNING,
            )
            return
        if names <= self.model.facts.unread_envs:
            # no module of the run reads it or imports anything that does: the code the test runs
            # reaches OpenAI through a library no fix moves (`llm`'s OpenAI plugin), which keeps
            # reading it; renamed, that library would run without its key (datasette-extract)
            shown = ", ".join(f"`{name}`" for name in sorted(names))
            self.report(
                literal,
                f"This test names {shown} for the code it runs, but no module of this run reads it or uses an SDK "
                "or framework glm-migrate moves: that code may reach OpenAI through a library that reads it "
                "itself (`llm`'s OpenAI plugin, say); rename it only where that library moves to Z.AI",
                severity=Severity.WARNING,
            )
            return
        renamed = word.sub(lambda found: self._z_ai_variable(found.group(1)), literal.value)
        safe = self.model.facts.moved_envs.issuperset(names)
        fix = Fix(
            ((literal, replace_with(literal.with_changes(value=renamed))),),
            title,
            applicability=Applicability.SAFE if safe else None,
        )
        self.report(literal, message, fix=fix, severity=Severity.WARNING)

    def _z_ai_variable(self, name: str) -> str:
        """Z.AI's variable for OpenAI's `name`: the key's or the base URL's."""
        return self.key_env if name in self.tables.openai_key_envs else self.tables.base_url_env

    def _expected_text(self, literal: cst.SimpleString) -> bool:
        """`literal` is text a test compares what the code says with: compared in an `assert`
        (`assert "X" in str(error)`), or the `match=` of `pytest.raises`."""
        parents = self.model.parents
        parent = parents.get(literal)
        if type(parent) is cst.Arg:
            return parent.keyword is not None and parent.keyword.value == "match"
        if type(parent) is cst.ComparisonTarget:
            return self._in_assert(parent)
        return type(parent) is cst.Comparison and env_membership(parent) is None and self._in_assert(parent)

    def _in_assert(self, node: cst.CSTNode) -> bool:
        parents = self.model.parents
        statement: cst.CSTNode | None = node
        while statement is not None and not isinstance(statement, cst.BaseSmallStatement | cst.BaseCompoundStatement):
            statement = parents.get(statement)
        return type(statement) is cst.Assert

    def _guard_messages(self, lookup: cst.BaseExpression, name: str, new: str) -> list[tuple[cst.CSTNode, NodeEdit]]:
        """Edits naming `new` in the messages of the guards of `lookup` and of the setting it
        is kept in (`raise ValueError("OPENAI_API_KEY is not set")`)."""
        reads = [lookup, *(self._index.setting_reads(lookup) or ())]
        literals = {literal: None for read in reads for literal in guard_messages(self._index, read, name)}
        word = re.compile(rf"\b{re.escape(name)}\b")
        return [
            (literal, replace_with(literal.with_changes(value=word.sub(new, literal.value)))) for literal in literals
        ]

    def _only_module_key_alone(self, lookup: cst.BaseExpression) -> bool:
        """Every read of the setting (or getter) `lookup` is kept in is `openai.api_key` in a
        module sending nothing through the module client (`ModuleIndex.key_alone`)."""
        reads = self._index.setting_reads(lookup) or []
        return bool(reads) and all(self._index.key_alone(read) for read in reads)

    def _guards_moving_clients(self, lookup: cst.BaseExpression) -> bool:
        """`lookup` tests whether OpenAI's key is set, only to stop (or not build the client),
        in a module all of whose clients move to Z.AI and read Z.AI's key then."""
        return key_guard(self._index, lookup) and every_key_reader_moves(self._index)

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
        for call, scope, kind in self.model.framework_calls:
            # LangChain's `ChatOpenAI(base_url=api_base)`: a server chosen at run time, which GLM006
            # leaves alone, and without `api_key=` the class reads `OPENAI_API_KEY` itself (dceoy/gcmg)
            if kind not in LANGCHAIN_KINDS or any(arg.star for arg in call.args):
                continue
            given = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
            bases = [given[k] for k in URL_KEYWORDS if k in given]
            if not bases or KEY_KEYWORDS & given.keys():
                continue
            targets = {self.model.classify_base_url(b, default=Target.OPENAI, scope=scope) for b in bases}
            if targets & {Target.UNKNOWN, Target.OTHER}:
                options.add("api_key")
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

    def _presence_tests(
        self, reads: Sequence[cst.BaseExpression], names: Collection[str]
    ) -> tuple[dict[cst.CSTNode, str], set[cst.CSTNode]]:
        """The code's own tests of whether a variable is set, next to a read of it where it is
        (`os.getenv(X) if os.getenv(X) else fallback`, `os.getenv(X) or fallback`, `if
        os.getenv(X): base = os.environ[X]`): the lookups to leave to a person, with why, where
        the code has a fallback of its own for an unset variable (renamed, a run without Z.AI's
        variable would take that fallback, OpenAI's URL or a key of its own, to Z.AI's clients),
        and the reads to rename without a default where it has none (the test and the read then
        change together, and a default would only be dead code)."""
        looked_up: dict[cst.CSTNode, str] = {}
        for node in reads:
            membership = env_membership(node)
            lookup = (membership[0], None) if membership is not None else env_lookup(node)
            if lookup is not None and lookup[0] in names:
                looked_up[node] = lookup[0]
        guarded: dict[cst.CSTNode, str] = {}
        unguarded: set[cst.CSTNode] = set()
        for read, name in looked_up.items():
            if type(read) is cst.Comparison:
                continue  # `"X" in os.environ` tests, never reads
            found = self._guarding_test(read, name, looked_up)
            if found is None:
                continue
            tests, fallback = found
            if fallback is None:
                unguarded.add(read)
                continue
            new = self.key_env if name in self.tables.openai_key_envs else self.tables.base_url_env
            what = "tested for being set and read where it is" if tests else "read here"
            message = (
                f"`{name}` is {what}; where it is not set, the code uses {fallback}, which renaming leaves as it "
                f"is: with `{new}` unset, that is what the program gets. Read `{new}` and give it a Z.AI "
                "fallback, by hand"
            )
            for tested in (read, *tests):
                guarded.setdefault(tested, message)
        return guarded, unguarded

    def _guarding_test(
        self, read: cst.CSTNode, name: str, looked_up: Mapping[cst.CSTNode, str]
    ) -> tuple[tuple[cst.CSTNode, ...], str | None] | None:
        """The lookups of `name` that test whether it is set before `read` runs (in the test of
        an `if` or a conditional expression holding it, or `read` itself as the left of an `or`),
        and what the code uses otherwise (its other branch, None if it has none or raises)."""
        child, parent = read, self.model.parents.get(read)
        while parent is not None and type(parent) not in _SCOPE_NODES:
            if type(parent) is cst.BooleanOperation and type(parent.operator) is cst.Or and parent.left is read:
                return (), self._fallback(parent.right, name)
            if isinstance(parent, cst.If | cst.IfExp) and child is not parent.test:
                tests = tuple(n for n, v in looked_up.items() if v == name and self.model.inside(n, parent.test))
                if tests:
                    other = parent.orelse if child is parent.body else parent.body
                    return tests, self._fallback(other, name)
            child, parent = parent, self.model.parents.get(parent)
        return None

    def _fallback(self, node: cst.CSTNode | None, name: str) -> str | None:
        """How a message names `node`, what the code uses when `name` is unset; None when that is
        nothing (no `else`, an `else` that raises) or an empty key, which Z.AI refuses as OpenAI would."""
        if isinstance(node, cst.Else):
            node = node.body
        if node is None or (
            isinstance(node, cst.IndentedBlock)
            and all(
                type(s) is cst.SimpleStatementLine and all(type(small) is cst.Raise for small in s.body)
                for s in node.body
            )
        ):
            return None
        if isinstance(node, cst.BaseExpression):
            if name in self.tables.openai_key_envs and string_value(node) == "":
                return None
            return f"`{short_code(node)}`"
        return "its other branch"

    def _tested_for_none(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """A test telling None from a value (`key is not None`, `isinstance(key, str)`) on the name
        the lookup `node` is kept in, directly or as another lookup's default or an `or`'s operand:
        where a default would make it always pass."""
        holder = node
        while True:
            parent = self.model.parents.get(holder)
            outer = self.model.parents.get(parent) if type(parent) is cst.Arg else None
            if type(outer) is cst.Call and env_lookup(outer) is not None and outer.args[0] is not parent:
                holder = outer  # `os.environ.get("OPENAI_API_KEYS", os.getenv("OPENAI_API_KEY"))`
            elif type(parent) is cst.BooleanOperation:
                holder = parent
            else:
                break
        statement = self.model.parents.get(holder)
        if type(statement) is cst.Assign and statement.value is holder:
            targets = [t.target for t in statement.targets]
        elif type(statement) is cst.AnnAssign and statement.value is holder:
            targets = [statement.target]
        else:
            return None
        scope = self.model.scope_of(statement)
        for target in targets:
            owner = self.model.owner(target.value, scope) if type(target) is cst.Name else None
            if type(target) is not cst.Name or owner is None:
                continue
            for use in self.model.uses_of(target.value, owner):
                if self.model.owner(target.value, self.model.scope_of(use)) is not owner:
                    continue
                parent = self.model.parents.get(use)
                if type(parent) is cst.Comparison and len(parent.comparisons) == 1:
                    operator = type(parent.comparisons[0].operator)
                    other = parent.comparisons[0].comparator if parent.left is use else parent.left
                    if operator in (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual) and is_none(other):
                        return parent
                call = self.model.parents.get(parent) if type(parent) is cst.Arg else None
                if type(call) is cst.Call and code_of(call.func) == "isinstance" and call.args[0] is parent:
                    return call
        return None

    @staticmethod
    def _none_test_message(name: str, new: str, test: str, default: str) -> str:
        return (
            f"`{name}` is read here, and the code tells its value from None (`{test}`): `{new}` would get "
            f"{default} (with None a client falls back to OpenAI's), which makes that test always pass. "
            "Rename the read and the test together, by hand"
        )

    def _is_openai_url(self, node: cst.BaseExpression) -> bool:
        url = string_value(node)
        return url is not None and (urlparse(url).hostname or "") in self.tables.openai_hosts

    def _azure_configuration(self, lookup: cst.BaseExpression, default: cst.BaseExpression | None) -> str | None:
        """Why `lookup` of OpenAI's variable is part of an Azure OpenAI configuration, in words:
        its default is on an Azure host, or a variable of Azure's (`OPENAI_API_VERSION`,
        `OPENAI_API_TYPE`) is read in the same scope; None otherwise."""
        if default is not None and (url := string_value(default)) is not None:
            if (urlparse(url).hostname or "").endswith(self.tables.azure_hosts):
                return f"its default is `{url}`"
        marker = self._azure_markers.get(self._index.scope_of(lookup)) if self._azure_markers else None
        return None if marker is None else f"`{marker}`, an Azure OpenAI setting, is read beside it"

    @functools.cached_property
    def _azure_markers(self) -> dict[object, str]:
        """Scope -> the first variable of Azure OpenAI's read in it."""
        envs = self.tables.azure_config_envs
        markers: dict[object, str] = {}
        reads: list[cst.BaseExpression] = [call for call, _ in self.model.calls]
        for read in (*reads, *self.model.environ_subscripts):
            lookup = env_lookup(read)
            if lookup is not None and lookup[0] in envs and not self._is_write(read):
                markers.setdefault(self._index.scope_of(read), lookup[0])
        return markers

    def _azure_option_reader(self, lookup: cst.BaseExpression) -> str | None:
        """The Azure-only option (`azure_endpoint=`, `"azure_endpoint": ...`) given what `lookup`
        reads, directly or through the setting it is kept in, as `code(option=...)`; None when the
        call is an OpenAI SDK Azure client, which GLM008 replaces with its options."""
        options = self.tables.azure_options
        for read in (lookup, *(self._index.setting_reads(lookup) or ())):
            holder = self.model.parents.get(read)
            if type(holder) is cst.Arg and holder.value is read and holder.keyword is not None:
                call = self.model.parents.get(holder)
                if holder.keyword.value not in options or type(call) is not cst.Call:
                    continue
                qualified = self.model.qualified_names(call.func, self._index.scope_of(call))
                if any(name.partition(".")[0] == "openai" for name in qualified):
                    continue  # `openai.AzureOpenAI(...)`: GLM008's
                return f"`{short_code(call.func)}({holder.keyword.value}=...)`"
            if type(holder) is cst.DictElement and holder.value is read and string_value(holder.key) in options:
                return f"`{string_value(holder.key)}`"
        return None

    def _service_header(self, lookup: cst.BaseExpression) -> str | None:
        """The request header (`X-OpenAI-Api-Key`, `rules/sdk.toml` `service_headers`) a dict
        literal gives the value `lookup` reads, directly or through the setting it is kept in."""
        prefixes = self.tables.sdk.service_headers
        if not prefixes or "-" not in self.model.source:
            return None
        for read in (lookup, *(self._index.setting_reads(lookup) or ())):
            element = self.model.parents.get(read)
            if type(element) is cst.DictElement and element.value is read:
                header = string_value(element.key)
                if header is not None and header.lower().startswith(prefixes):
                    return header
        return None

    def _account_client_reader(self, lookup: cst.BaseExpression) -> str | None:
        """The resources (`files`, `batches`) of a client that stays with OpenAI for its account
        data, whose `api_key=` or `base_url=` the setting `lookup` feeds, or None."""
        if not any(client.account_only for client in self.model.clients):
            return None
        value = self._fallback_of(lookup)
        for read in self._index.setting_reads(value) or ():
            option = self._index.client_option(read)
            if option is not None and option[0].account_only and option[1] in ("api_key", "base_url"):
                return ", ".join(f"`{resource}`" for resource in option[0].account_only)
        return self._account_client_attribute(value)

    def _account_client_attribute(self, value: cst.BaseExpression) -> str | None:
        """The resources of the clients its class builds with the `self.x` attribute `value` is
        kept in (`self.api_key = ...`, then `OpenAI(api_key=self.api_key)`), where each such
        client stays with OpenAI for its account data, or None."""
        statement = self.model.parents.get(value)
        if type(statement) is not cst.Assign or len(statement.targets) != 1 or statement.value is not value:
            return None
        attribute = dotted_name(statement.targets[0].target)
        if attribute is None or not attribute.startswith("self.") or attribute.count(".") != 1:
            return None
        owner = self._enclosing_class(statement)
        resources: list[str] = []
        for client in self.model.clients:
            if not client.constructed or self._enclosing_class(client.construction) is not owner:
                continue
            for keyword in ("api_key", "base_url"):
                arg = client.kwarg(keyword)
                if arg is not None and dotted_name(arg.value) == attribute:
                    if not client.account_only:
                        return None
                    resources.extend(client.account_only)
        return ", ".join(f"`{resource}`" for resource in dict.fromkeys(resources)) if resources else None

    def _enclosing_class(self, node: cst.CSTNode | None) -> cst.ClassDef | None:
        parents = self.model.parents
        while node is not None and type(node) is not cst.ClassDef:
            node = parents.get(node)
        return node

    def _fallback_of(self, lookup: cst.BaseExpression) -> cst.BaseExpression:
        """The expression whose value `lookup` is the fallback of, where it is one: the `or` it
        ends (`api_key or os.getenv("OPENAI_API_KEY")`), or the lookup whose default it is
        (`os.getenv("OPENAI_BASE_URL", os.getenv("OPENAI_API_BASE"))`), else `lookup`."""
        parents = self.model.parents
        for _ in range(4):
            parent = parents.get(lookup)
            if type(parent) is cst.BooleanOperation and type(parent.operator) is cst.Or and parent.right is lookup:
                lookup = parent
                continue
            call = parents.get(parent) if type(parent) is cst.Arg else None
            if type(call) is cst.Call and (env := env_lookup(call)) is not None and env[1] is lookup:
                lookup = call
                continue
            break
        return lookup

    def _library_reader(self, lookup: cst.BaseExpression, key: bool) -> str | None:
        """The LLM library (`rules/sdk.toml` `[model_readers]`, not one whose calls other rules
        move) whose call gets the key (or URL) `lookup` reads, as `api_key=` (`base_url=`,
        `api_base=`; or the Agents SDK's `set_default_openai_key(key)`), directly or through the
        setting it is kept in."""
        sdk = self.tables.sdk
        keywords = KEY_KEYWORDS if key else URL_KEYWORDS | set(sdk.model_reader_url_keywords)
        default_key = set(self.tables.frameworks.get("agents_default_key", ())) if key else set()
        ag2 = any(kind == "ag2" for _, _, kind in self.model.framework_calls)
        for read in (lookup, *(self._index.setting_reads(lookup) or ())):
            arg = self.model.parents.get(read)
            if ag2 and type(arg) is cst.DictElement and arg.value is read and string_value(arg.key) in keywords:
                # `config_list = [{"model": "gpt-4o", "api_key": key}]` given to AG2's agents: the
                # entry talks to OpenAI (GLM302 reports it) until a person moves all of it
                return "AG2's model configuration"
            call = self.model.parents.get(arg) if type(arg) is cst.Arg else None
            if type(arg) is not cst.Arg or type(call) is not cst.Call or arg.value is not read:
                continue
            qualified = self.model.qualified_names(call.func, self._index.scope_of(call))
            # `set_default_openai_key(key)`, also as `key=key`
            given = call.args[0] is arg if arg.keyword is None else arg.keyword.value == "key"
            if given and qualified & default_key:
                return f"`{min(qualified & default_key)}`"
            if arg.keyword is None or arg.keyword.value not in keywords:
                continue
            for name in sorted(qualified):
                if sdk.unchecked_model_reader(name):
                    return f"`{name}`"
            if self.tables.framework_of(qualified) in OWN_CLIENT_KINDS and not self._pointed_away(call):
                # Chroma's `OpenAIEmbeddingFunction(api_key=key)` (Felix-Nilsson/gpt-internship)
                return f"`{code_of(call.func)}`"
        return None

    def _pointed_away(self, call: cst.Call) -> bool:
        """A class of `OWN_CLIENT_KINDS` given a server other than OpenAI's (Z.AI's, a local one,
        one chosen at run time): its key goes where the class already goes."""
        scope = self._index.scope_of(call)
        keywords = URL_KEYWORDS | set(self.tables.sdk.model_reader_url_keywords)
        return any(
            arg.keyword is not None
            and arg.keyword.value in keywords
            and self.model.classify_base_url(arg.value, default=Target.OPENAI, scope=scope) is not Target.OPENAI
            for arg in call.args
        )

    def _openai_model_beside(self, lookup: cst.BaseExpression, key: bool) -> str | None:
        """The OpenAI model id (`gpt-4o-mini`) in the `"model"` entry of the dict whose key (or
        URL) entry `lookup` is, directly or through the setting it is kept in: a model
        configuration no rule moves (LiteLLM's deployments are GLM107's, in `_handled`)."""
        keywords = KEY_KEYWORDS if key else URL_KEYWORDS
        for read in (lookup, *(self._index.setting_reads(lookup) or ())):
            element = self.model.parents.get(read)
            if type(element) is not cst.DictElement or element.value is not read:
                continue
            if string_value(element.key) not in keywords:
                continue
            mapping = self.model.parents.get(element)
            if not isinstance(mapping, cst.Dict):
                continue
            entry = dict_entry(mapping, "model")
            if entry is None:
                continue
            for literal in self.model.resolve_strings(entry.value, self._index.scope_of(mapping))[0]:
                provider, _, bare = (string_value(literal) or "").rpartition("/")
                if provider not in ("", "openai") or self.tables.is_target("chat", bare):
                    continue
                if self.tables.match_on("chat", bare) is not None or self.tables.match_on("embeddings", bare):
                    return string_value(literal)
        return None

    def _openai_use_outside_clients(self, handled: set[cst.CSTNode]) -> str | None:
        """What the module sends to OpenAI other than through clients this run moves, with
        whatever key it reads: a request to an OpenAI URL that is no client's `base_url` or URL
        setting's default (`httpx`, `requests`), or a LiteLLM call with no `zai/` route."""
        url_envs = self.tables.openai_base_url_envs
        if self.model.legacy_calls:
            # `openai.ChatCompletion.create(**kwargs)`, left to a person: the module client stays
            # on openai<1 and OpenAI until the calls are converted (their conversion reanalyses)
            legacy = self.model.legacy_calls[0][0]
            return f"sends requests through openai<1 `{code_of(legacy.func)}`, which stays with OpenAI until converted"
        for literal, _ in self.model.string_literals:
            if literal in handled or not self._is_openai_url(literal):
                continue
            arg = self.model.parents.get(literal)
            call = self.model.parents.get(arg) if type(arg) is cst.Arg else None
            lookup = env_lookup(call) if type(call) is cst.Call else None
            if lookup is None or lookup[0] not in url_envs:
                return f"sends requests to `{string_value(literal)}` itself"
        for formatted in self.model.formatted_strings:
            # `f"https://api.openai.com/v1/{api_name}"` (microsoft/JARVIS's HuggingGPT server)
            first = formatted.parts[0] if formatted.parts else None
            if formatted in handled or type(first) is not cst.FormattedStringText:
                continue
            if (urlparse(first.value).hostname or "") in self.tables.openai_hosts:
                return f"sends requests to `{code_of(formatted)}` itself"
        for call, _, kind in self.model.framework_calls:
            if kind in ("litellm_other", "litellm_account"):
                return f"calls `{code_of(call.func)}`, which LiteLLM sends to OpenAI"
        if (library := self._library_sending_openai_ids()) is not None:
            return library
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

    def _library_sending_openai_ids(self) -> str | None:
        """An OpenAI model id this module writes inline in a call of an LLM library no rule moves
        (`LLMExtractionStrategy(provider="openai/gpt-4o-mini")`, `Agent("openai:gpt-4o")`; GLM108
        reports it), which sends it to OpenAI with whatever key it is given or reads itself."""
        sdk = self.tables.sdk
        for literal, scope in self.model.string_literals:
            arg = self.model.parents.get(literal)
            call = self.model.parents.get(arg) if type(arg) is cst.Arg else None
            if type(arg) is not cst.Arg or type(call) is not cst.Call or arg.value is not literal or arg.star:
                continue
            value = string_value(literal) or ""
            provider, model_id = split_provider(value)
            if len(value) > 64 or provider not in ("", "openai") or self.tables.match_model(model_id) is None:
                continue
            if self.tables.is_target("chat", model_id):
                continue
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword is not None and keyword != "model" and keyword not in sdk.model_reader_id_keywords:
                continue
            if any(a.keyword is not None and a.keyword.value in sdk.model_reader_url_keywords for a in call.args):
                continue  # pointed at a server of its own: not OpenAI for all that shows
            names = sorted(self.model.qualified_names(call.func, scope))
            library = next((name for name in names if sdk.unchecked_model_reader(name)), None)
            if library is not None:
                return f"hands `{value}` to `{library}`, which sends it to OpenAI"
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
