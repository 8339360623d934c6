from __future__ import annotations

import libcst as cst

from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._clients import migrates_to_zai, wants_module_settings
from glm_migrate.rules._helpers import env_key_lookup
from glm_migrate.semantic import Client, ModuleAttributeAssignment, string_value


class HardcodedApiKey(Rule):
    """
    ## What it does
    Finds API keys written as string literals in OpenAI clients (`OpenAI(api_key="sk-...")`,
    `openai.api_key = "sk-..."`) and replaces them with a lookup of `ZAI_API_KEY`.

    ## Why is this bad?
    A key in source code leaks with every copy of the repository, and an OpenAI key does not work
    at Z.AI anyway. The key itself is never printed by glm-migrate, in any output format.

    ## Example
    ```python
    client = OpenAI(api_key="sk-proj-...")
    ```
    Use instead:
    ```python
    client = OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url=...)
    ```

    ## Fix safety
    Safe for a client being moved to Z.AI: the old key cannot authenticate there. The program then
    needs `ZAI_API_KEY` set; it fails with a clear `KeyError` when it is not. Revoke the old key:
    it stays in the repository's history.
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
    )
    INVALID = (
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key="sk-abc123")',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            'import os\nimport openai\nopenai.api_key = "sk-abc123"',
            expected='import os\nimport openai\nopenai.api_key = os.environ["ZAI_API_KEY"]',
        ),
    )

    def on_client(self, client: Client) -> None:
        if migrates_to_zai(client):
            for value in client.option_values("api_key"):
                self._check(value)

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        if assignment.attribute == "api_key" and wants_module_settings(self.model):
            self._check(assignment.value)

    def _check(self, value: cst.BaseExpression) -> None:
        key = string_value(value)
        if key is None:
            return
        env = self.key_env
        secret = key.startswith(self.tables.secret_prefixes)
        self.report(
            value,
            "Hard-coded OpenAI API key (revoke it)" if secret else "API key is a string literal",
            fix=Fix(((value, lambda _: env_key_lookup(env)),), f"Read the key from `{env}`", imports=("os",)),
        )
