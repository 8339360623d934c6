from __future__ import annotations

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.semantic import ApiCall


class TemperatureAndTopP(Rule):
    """
    ## What it does
    Reports chat calls that set both `temperature` and `top_p`.

    ## Why is this bad?
    Z.AI's migration guide for GLM-4.6 recommends tuning only one of the two; values tuned together
    for an OpenAI model rarely carry over.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, temperature=0.7, top_p=0.9)
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, temperature=0.7)
    ```

    ## Fix safety
    No fix: which one to keep is a product decision. A warning; fails `--check` only with
    `--strict`.
    """

    CODE = "GLM202"
    NAME = "temperature-and-top-p"
    SUMMARY = "Both `temperature` and `top_p` are set"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], temperature=0.2)'
        ),
        Valid('from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x")'),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], temperature=0.2, top_p=0.9)'
        ),
        Invalid(
            "from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model=m, messages=[], top_p=p, temperature=t)"
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        temperature, top_p = call.kwarg("temperature"), call.kwarg("top_p")
        if temperature is not None and top_p is not None:
            self.report(
                call.node,
                f"Both `temperature` and `top_p` are set: {self.target_name}'s guide recommends tuning only one",
            )
