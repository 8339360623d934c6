from __future__ import annotations

from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.semantic import ApiCall


class NoGlmEndpoint(Rule):
    """
    ## What it does
    Reports calls of OpenAI APIs that have no GLM-4.6 counterpart, made through the OpenAI SDK
    by a client bound for Z.AI: the Responses API, Assistants and threads, moderations,
    fine-tuning, batches and files, `models.list()`, realtime, text-to-speech, audio
    translations, image edits and variations, and the legacy `completions.create(prompt=...)`.
    The list, with what to do instead, is `[unavailable]` in `rules/endpoints.toml`.

    ## Why is this bad?
    Once the client points at Z.AI these requests fail (Z.AI has no such route), or, for Z.AI
    resources that share a name (files, batches, moderations), take a different request shape.

    ## Example
    ```python
    response = client.responses.create(model="gpt-4.1", input="Tell me a joke")
    print(response.output_text)
    ```
    Use instead:
    ```python
    completion = client.chat.completions.create(
        model="glm-4.6", messages=[{"role": "user", "content": "Tell me a joke"}]
    )
    print(completion.choices[0].message.content or "")
    ```

    ## Fix safety
    No fix: each needs a redesign (state kept by your code, another provider for the feature, or
    a rewrite of the response handling). Calls through the zai and zhipuai SDKs use Z.AI's own
    resources and are not reported.
    """

    CODE = "GLM301"
    NAME = "no-glm-endpoint"
    SUMMARY = "OpenAI API with no GLM-4.6 counterpart"

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])'),
        Valid('from zai import ZaiClient\nZaiClient().files.create(file=f, purpose="batch")'),
        Valid('from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.models.list()'),
    )
    INVALID = (
        Invalid('from openai import OpenAI\nclient = OpenAI()\nclient.responses.create(model="gpt-4.1", input="hi")'),
        Invalid("import openai\nfor model in openai.models.list():\n    print(model.id)"),
        Invalid(
            "from openai import AsyncOpenAI\nc = AsyncOpenAI()\nasync def f():\n"
            "    await c.beta.threads.runs.create(thread_id=t, assistant_id=a)"
        ),
        Invalid('from openai import OpenAI\nOpenAI().completions.create(model="gpt-3.5-turbo-instruct", prompt="x")'),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if not call.migratable or self.model.sdk_of(call) not in ("openai", "azure"):
            return
        found = self.tables.unavailable_advice(call.path)
        if found is None:
            return
        _, advice = found
        self.report(call.node, f"`{'.'.join(call.path)}` has no GLM-4.6 equivalent: {advice}")
