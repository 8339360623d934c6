from __future__ import annotations

import functools

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._clients import module_client_called, module_setting
from glm_migrate.rules._helpers import env_key_lookup, key_literal, stand_in_key
from glm_migrate.rules._setting_flow import LANGCHAIN_KINDS, ModuleIndex, Sink
from glm_migrate.semantic import Client, ModuleAttributeAssignment, Scope, env_lookup, string_value


class HardcodedApiKey(Rule):
    """
    ## What it does
    Finds API keys written as string literals for the clients glm-migrate touches: OpenAI and
    Azure clients (`OpenAI(api_key="sk-...")`, `openai.api_key = "sk-..."`), LangChain's OpenAI
    classes, and Zhipu's (`ZhipuAI`, `ZaiClient`) with their `<id>.<secret>` keys, also when the
    key sits in a constant that feeds the client (`API_KEY = "sk-..."`). The key itself is never
    printed by glm-migrate, in any output format or diff.

    ## Why is this bad?
    A key in source code leaks with every copy of the repository, and an OpenAI key does not work
    at Z.AI anyway.

    ## Example
    ```python
    client = OpenAI(api_key="sk-proj-...")
    ```
    Use instead:
    ```python
    client = OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url=...)
    ```

    ## Fix safety
    The literal becomes a lookup of `ZAI_API_KEY`. Safe for a client being moved to Z.AI (and a
    constant that only feeds such clients): the old key cannot authenticate there. The program
    then needs `ZAI_API_KEY` set; it fails with a clear `KeyError` when it is not. Unsafe for a
    Zhipu client (or one already aimed at Z.AI), whose key works: the program stops working
    until the variable is set. So is `openai.api_key = "sk-..."` in a module that makes no
    request through the module client and sets no URL for it: what uses it (`dspy.OpenAI`, a
    library, another module) may still talk to OpenAI. So is a stand-in the program works with as
    it is, in a test or anywhere (`"sk-mock-key-for-testing"` in a mock mode, `"fake"`; the
    `dummy_key_words` of rules/endpoints.toml): read from the environment, it would stop that
    code where `ZAI_API_KEY` is unset. A constant that also goes elsewhere, and a key used as an
    environment lookup's default, are reported only. Revoke the key: it stays in the
    repository's history.
    """

    CODE = "GLM003"
    NAME = "hardcoded-api-key"
    SUMMARY = "API key written in the source"
    FIX_TITLE = "Read the key from `ZAI_API_KEY`"

    VALID = (
        Valid(
            'from openai import OpenAI\nc = OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url="https://api.z.ai/api/paas/v4/")'
        ),
        Valid('from openai import OpenAI\nc = OpenAI(api_key="EMPTY", base_url="http://localhost:11434/v1")'),
        Valid('from zai import ZaiClient\nc = ZaiClient(api_key="your-api-key")'),  # a placeholder
        Valid(
            'import os\nimport openai\nopenai.api_key = os.environ["ZAI_API_KEY"]\nopenai.base_url = "https://api.z.ai/api/paas/v4/"'
        ),
        Valid('import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.getenv("OPENAI_API_KEY", ""))'),
        Valid(
            'import os\nfrom openai import OpenAI\nKEY = os.getenv("OPENAI_API_KEY") or "not-needed"\nc = OpenAI(api_key=KEY)'
        ),
    )
    INVALID = (
        # a mock mode's stand-in: unsafe, the mode runs without a key
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key="sk-mock-key-for-testing")',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ["ZAI_API_KEY"])',
            unsafe=True,
        ),
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key="sk-abc123")',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            'import os\nimport openai\nopenai.api_key = "sk-abc123"\nopenai.chat.completions.create(model=m, messages=[])',
            expected='import os\nimport openai\nopenai.api_key = os.environ["ZAI_API_KEY"]\nopenai.chat.completions.create(model=m, messages=[])',
        ),
        Invalid(  # nothing here sends through the module client: what does may stay on OpenAI
            'import os\nimport openai\nopenai.api_key = "sk-abc123"',
            expected='import os\nimport openai\nopenai.api_key = os.environ["ZAI_API_KEY"]',
            unsafe=True,
        ),
        Invalid(
            'import os\nfrom openai import OpenAI\nKEY = "sk-proj-0123456789abcdefghij"\nc = OpenAI(api_key=KEY)',
            expected='import os\nfrom openai import OpenAI\nKEY = os.environ["ZAI_API_KEY"]\nc = OpenAI(api_key=KEY)',
        ),
        Invalid(
            'import os\nfrom zhipuai import ZhipuAI\nc = ZhipuAI(api_key="0123456789abcdef0123456789abcdef.AbCdEfGhIjKlMnOp")',
            expected='import os\nfrom zhipuai import ZhipuAI\nc = ZhipuAI(api_key=os.environ["ZAI_API_KEY"])',
            unsafe=True,
        ),
        Invalid(  # a placeholder in a test: the test would need ZAI_API_KEY, so only an unsafe fix
            'import pytest\nfrom openai import OpenAI\ndef test_client():\n    assert OpenAI(api_key="test")',
            expected='import os\n\nimport pytest\nfrom openai import OpenAI\ndef test_client():\n    assert OpenAI(api_key=os.environ["ZAI_API_KEY"])',
            unsafe=True,
        ),
        Invalid(  # the constant is sent elsewhere too: reported only
            'from openai import OpenAI\nKEY = "sk-proj-0123456789abcdefghij"\nc = OpenAI(api_key=KEY)\nlog(KEY)',
        ),
        Invalid(  # one constant, two clients: one finding, one fix
            'import os\nfrom openai import AsyncOpenAI, OpenAI\nKEY = "sk-proj-0123456789abcdefghij"\nclient = OpenAI(api_key=KEY)\naclient = AsyncOpenAI(api_key=KEY)',
            expected='import os\nfrom openai import AsyncOpenAI, OpenAI\nKEY = os.environ["ZAI_API_KEY"]\nclient = OpenAI(api_key=KEY)\naclient = AsyncOpenAI(api_key=KEY)',
        ),
        Invalid(
            'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o", api_key="sk-proj-0123456789abcdefghij")',
            expected='import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o", api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(  # the key is a fallback: whether the variable is set is the program's business
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.getenv("OPENAI_API_KEY", "sk-proj-0123456789abcdefghij"))',
        ),
        Invalid(
            'import os\nfrom openai import OpenAI\nKEY = os.environ.get("OPENAI_API_KEY") or "sk-proj-0123456789abcdefghij"\nc = OpenAI(api_key=KEY)',
        ),
    )

    @functools.cached_property
    def _index(self) -> ModuleIndex:
        return ModuleIndex(self.model)

    @functools.cached_property
    def _reported(self) -> set[cst.CSTNode]:
        return set()

    def on_client(self, client: Client) -> None:
        sink = self._index.client_sink(client)
        if sink is None:
            return  # a local server's or another provider's client: not glm-migrate's
        for value in client.option_values("api_key"):  # the keyword, or `**mapping` entries
            self._check(value, client.scope, sink)
        for assignment in self.model.client_option_assignments:  # `client.api_key = "sk-..."`
            if assignment.client is client and assignment.option == "api_key":
                self._check(assignment.value, assignment.scope, sink)

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        sink = self._index.key_sink(assignment.value) if assignment.attribute == "api_key" else None
        if sink is not None:
            # No request through the module client here and no URL set for it: what uses it (a
            # library, another module) may still talk to OpenAI, which would get the Z.AI key.
            alone = not module_client_called(self.model) and not module_setting(self.model, "base_url")
            self._check(assignment.value, self.model.module_scope, sink, key_alone=alone)

    def on_module_end(self) -> None:
        for call, scope, kind in self.model.framework_calls:
            if kind not in LANGCHAIN_KINDS:
                continue
            for arg in call.args:
                sink = self._index.key_sink(arg.value) if arg.keyword is not None else None
                if sink is not None:
                    # `api_key=SecretStr("sk-...")`: the literal inside is the key
                    self._check(key_literal(arg.value) or arg.value, scope, sink)

    def _check(self, value: cst.BaseExpression, scope: Scope, sink: Sink, *, key_alone: bool = False) -> None:
        key = string_value(value)
        if key is not None:
            if sink is Sink.MOVING or self.tables.looks_like_key(key):
                self._report(value, key, sink, where="", key_alone=key_alone)
            return
        lookup = env_lookup(value) if isinstance(value, cst.Call) else None
        if lookup is not None:
            text = string_value(lookup[1])
            if lookup[1] is not None and text is not None and self.tables.looks_like_key(text):
                self._report(lookup[1], text, None, where="", why="it is an environment lookup's default")
            return
        for literal in self.model.resolve_strings(value, scope)[0]:
            text = string_value(literal)
            if text is not None and self.tables.looks_like_key(text):
                self._constant(literal, text)

    def _constant(self, literal: cst.SimpleString, key: str) -> None:
        """A key kept in a setting (`API_KEY = "sk-..."`): fixed where every read is a client's key."""
        reads = self._index.setting_reads(literal)
        sinks = {self._index.key_sink(read) for read in reads} if reads else {None}
        where = f" in `{self.model.assigned_names.get(literal) or 'a setting'}`"
        worst = next((s for s in (None, Sink.STAYING, Sink.ZAI) if s in sinks), Sink.MOVING)
        self._report(literal, key, worst, where=where, why="it is not only a client's key" if None in sinks else None)

    def _report(
        self,
        node: cst.BaseExpression,
        key: str,
        sink: Sink | None,
        *,
        where: str,
        why: str | None = None,
        key_alone: bool = False,
    ) -> None:
        if node in self._reported:
            return
        self._reported.add(node)
        kind = "OpenAI API key" if key.startswith(self.tables.secret_prefixes) else "API key"
        placeholder = stand_in_key(self.model, self.tables, key)
        secret = self.tables.is_secret_key(key)
        message = f"Hard-coded {kind}{where} (revoke it)" if secret else f"API key{where} is a string literal"
        if self.tables.is_dummy_key(key) and not self.model.is_test_module:
            message += ", a stand-in the code may run with as it is (a mock mode)"
        if sink is None or sink is Sink.STAYING:
            why = why or "glm-migrate does not move its client"
            self.report(node, f"{message}: move it to the environment by hand ({why})")
            return
        env = self.key_env
        # A literal that is no key ("test", "fake-key") in a test module is a test's placeholder,
        # and a stand-in anywhere (`"sk-mock-key-for-testing"` in a mock mode): reading the
        # environment instead stops the test or the mode where ZAI_API_KEY is unset.
        applicability = None if sink is Sink.MOVING and not placeholder and not key_alone else Applicability.UNSAFE
        if key_alone:
            message += (
                ": no request goes through the `openai` module client in this module, so its URL is not pointed"
                " at Z.AI here; a Z.AI key is right only where something points it there"
            )
        fix = Fix(
            ((node, lambda _: env_key_lookup(env)),), f"Read the key from `{env}`", ("os",), applicability=applicability
        )
        self.report(node, message, fix=fix)
