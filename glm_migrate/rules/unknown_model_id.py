from __future__ import annotations

from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.semantic import ApiCall, string_value


class UnknownModelId(Rule):
    """
    ## What it does
    Reports model ids sent to a client that is (or will be) aimed at Z.AI when the id is neither
    a GLM id nor in the model map: fine-tuned ids (`ft:gpt-4o:acme::abc`), typos, ids newer than
    the map, and ids the map lists as having no GLM equivalent (`glm-4-long`).

    ## Why is this bad?
    Z.AI rejects an id it does not serve (error 1211), and a fine-tuned OpenAI model has no
    counterpart: its behaviour has to be re-created with prompts or a GLM fine-tune.

    ## Example
    ```python
    client.chat.completions.create(model="ft:gpt-4o:acme::abc", messages=messages)
    ```
    Use instead: pick a GLM model, or map the id in `[tool.glm-migrate.models]`.

    ## Fix safety
    No fix: glm-migrate never guesses a model.
    """

    CODE = "GLM102"
    NAME = "unknown-model-id"
    SUMMARY = "Model id with no known GLM equivalent"

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])'),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="llama3", messages=[])'
        ),
    )
    INVALID = (
        Invalid('from openai import OpenAI\nOpenAI().chat.completions.create(model="ft:gpt-4o:acme::x1", messages=[])'),
        Invalid('from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4-long", messages=[])'),
    )

    def on_api_call(self, call: ApiCall) -> None:
        endpoint = call.endpoint
        if endpoint not in ("chat", "embeddings") or not call.migratable:
            return
        for literal in self.model.model_literals(call)[0]:
            model_id = string_value(literal)
            if model_id is None or self.tables.is_target(endpoint, model_id):
                continue
            mapped = self.tables.lookup_model(endpoint, model_id)
            if mapped == "":
                self.report(literal, f"Model id `{model_id}` has no GLM equivalent")
            elif mapped is None:
                self.report(literal, f"Unknown model id `{model_id}`: map it in `[tool.glm-migrate.models]`")
