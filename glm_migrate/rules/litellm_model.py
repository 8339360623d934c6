from __future__ import annotations

from functools import partial

import libcst as cst

from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import code_of, replace_string
from glm_migrate.semantic import Target, find_kwarg, string_value

#: LiteLLM's provider prefix for Z.AI (litellm/llms/zai)
ZAI_PROVIDER = "zai"
#: prefixes that mean OpenAI (a bare id is OpenAI to LiteLLM too)
OPENAI_PROVIDERS = ("", "openai")


class LitellmModel(Rule):
    """
    ## What it does
    Rewrites the model of `litellm.completion(...)` / `acompletion(...)` from an OpenAI id
    (`"gpt-4o"`, `"openai/gpt-4o"`) or a bare GLM id to LiteLLM's Z.AI provider:
    `"zai/glm-4.6"`. The model is followed into constants and defaults like GLM101 does.

    ## Why is this bad?
    LiteLLM picks the provider from the prefix: a bare `gpt-4o` goes to OpenAI, and a bare
    `glm-4.6` fails with "LLM Provider NOT provided". The `zai/` provider reads `ZAI_API_KEY`
    and `ZAI_API_BASE` and sends requests to `https://api.z.ai/api/paas/v4`.

    ## Example
    ```python
    litellm.completion(model="gpt-4o", messages=messages)
    ```
    Use instead:
    ```python
    litellm.completion(model="zai/glm-4.6", messages=messages)
    ```

    ## Fix safety
    Safe for ids in the model map. Calls with their own `api_base=` / `base_url=` pointing
    elsewhere and other providers' ids (`anthropic/...`, `ollama/...`) are left alone. LiteLLM's
    zai provider rejects `seed`, `reasoning_effort`, `max_completion_tokens` and
    `response_format` unless `drop_params=True`, and passes `thinking` only inside `extra_body`.
    """

    CODE = "GLM107"
    NAME = "litellm-model"
    SUMMARY = "LiteLLM model id that does not reach Z.AI"
    FIX_TITLE = "Use LiteLLM's `zai/` provider"

    VALID = (
        Valid('import litellm\nlitellm.completion(model="zai/glm-4.6", messages=[])'),
        Valid('import litellm\nlitellm.completion(model="anthropic/claude-3-5-sonnet", messages=[])'),
        Valid('import litellm\nlitellm.completion(model="gpt-4o", messages=[], api_base="http://localhost:4000")'),
    )
    INVALID = (
        Invalid(
            'import litellm\nlitellm.completion(model="gpt-4o", messages=[])',
            expected='import litellm\nlitellm.completion(model="zai/glm-4.6", messages=[])',
        ),
        Invalid(
            'from litellm import acompletion\nMODEL = "openai/gpt-4o-mini"\nasync def f():\n    await acompletion(MODEL, [])',
            expected='from litellm import acompletion\nMODEL = "zai/glm-4.6"\nasync def f():\n    await acompletion(MODEL, [])',
        ),
        Invalid(
            'from litellm import completion\ncompletion(model="glm-4.6", messages=[])',
            expected='from litellm import completion\ncompletion(model="zai/glm-4.6", messages=[])',
        ),
    )

    def on_module_end(self) -> None:
        for call, scope, kind in self.model.framework_calls:
            if kind != "litellm_chat":
                continue
            base = find_kwarg(call, "api_base") or find_kwarg(call, "base_url")
            if base is not None and self.model.classify_base_url(base.value, default=Target.OPENAI) is Target.OTHER:
                continue
            model = find_kwarg(call, "model") or next((a for a in call.args if a.keyword is None and not a.star), None)
            if model is None:
                continue
            for literal in self.model.resolve_strings(model.value, scope)[0]:
                self._literal(literal, code_of(call.func))

    def _literal(self, literal: cst.SimpleString, function: str) -> None:
        old = string_value(literal) or ""
        provider, _, bare = old.rpartition("/")
        if provider not in OPENAI_PROVIDERS or literal in self.model.claimed_literals:
            return
        glm = self.tables.glm_id("chat", bare)
        if not glm:
            return
        new = f"{ZAI_PROVIDER}/{glm}"
        self.model.claimed_literals.add(literal)
        fix = Fix(((literal, partial(replace_string, value=new)),), f"Replace with `{new}`")
        self.report(literal, f"Model `{old}` on `{function}` does not reach Z.AI", fix=fix)
