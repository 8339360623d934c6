from __future__ import annotations

from functools import partial

from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import rename_kwarg
from glm_migrate.semantic import ApiCall


class MaxCompletionTokens(Rule):
    """
    ## What it does
    Renames OpenAI's `max_completion_tokens=` to `max_tokens=` in chat calls (the renames are in
    `rules/parameters.toml`).

    ## Why is this bad?
    GLM-4.6 documents only `max_tokens`; the zai and zhipuai SDKs raise `TypeError` on
    `max_completion_tokens`.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, max_completion_tokens=512)
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, max_tokens=512)
    ```

    ## Fix safety
    Safe: the two mean the same output budget. When the call already passes `max_tokens` too, the
    finding needs a person (which budget wins is unclear).
    """

    CODE = "GLM203"
    NAME = "max-completion-tokens"
    SUMMARY = "OpenAI parameter name GLM-4.6 does not document"
    FIX_TITLE = "Rename the argument"

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], max_tokens=10)'
        ),
        Valid("def f(c):\n    c.max_completion_tokens = 3"),
        Valid(
            'from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x")'
        ),  # another endpoint
    )
    INVALID = (
        Invalid(
            'from openai import AsyncOpenAI\nc = AsyncOpenAI()\nasync def f():\n    await c.chat.completions.create(model="glm-4.6", messages=[], max_completion_tokens=10)',
            expected='from openai import AsyncOpenAI\nc = AsyncOpenAI()\nasync def f():\n    await c.chat.completions.create(model="glm-4.6", messages=[], max_tokens=10)',
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="m", messages=[], max_tokens=1, max_completion_tokens=2)'
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        for old, new in self.tables.renamed_params.items():
            arg = call.kwarg(old)
            if arg is None:
                continue
            if call.kwarg(new) is not None:
                self.report(arg, f"Both `{old}=` and `{new}=` are set: keep one as `{new}=`")
            else:
                self.report(
                    arg,
                    f"`{old}=` is called `{new}=` on {self.target_name}",
                    fix=Fix(((arg, partial(rename_kwarg, name=new)),), f"Rename to `{new}=`"),
                )
