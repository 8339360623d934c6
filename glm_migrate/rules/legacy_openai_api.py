from __future__ import annotations

from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.semantic import LEGACY_SETTINGS, ModuleAttributeAssignment, find_kwarg

#: openai<1 resource -> its openai>=1 path (sdk-surfaces.md 3.3)
V1_PATHS = {
    "ChatCompletion": "chat.completions",
    "Completion": "completions",
    "Embedding": "embeddings",
    "Image": "images",
    "Audio": "audio.transcriptions",
    "Moderation": "moderations",
    "Edit": "chat.completions",
}
#: openai<1 method -> its openai>=1 name, where it changed
V1_METHODS = {"Image.create": "generate", "Audio.transcribe": "create", "Audio.translate": "create"}


class LegacyOpenAIApi(Rule):
    """
    ## What it does
    Reports calls of the openai<1.0 module API (`openai.ChatCompletion.create`,
    `openai.Embedding.create`, `openai.Image.create`, `acreate`, ...) and its module settings
    (`openai.api_base`, `openai.api_type`, `openai.api_version`), with the openai>=1 call to use.

    ## Why is this bad?
    Z.AI is reached through openai>=1 (`base_url=`), where these names raise `APIRemovedInV1`.
    Until the calls are converted, glm-migrate leaves the module's client settings alone, because
    `openai.api_base` means nothing to openai>=1.

    ## Example
    ```python
    response = openai.ChatCompletion.create(engine="gpt-4", messages=messages)
    text = response["choices"][0]["message"]["content"]
    ```
    Use instead:
    ```python
    response = openai.chat.completions.create(model="glm-4.6", messages=messages)
    text = response.choices[0].message.content
    ```

    ## Fix safety
    No fix: responses turn from dicts into objects (subscripts such as `["choices"]` and `.get()`
    break), `engine=` becomes `model=`, `request_timeout=` becomes `timeout=`, `acreate` needs an
    `AsyncOpenAI` client, and openai>=1 must be installed. Convert the module (OpenAI's
    `openai migrate` did the mechanical part), then run glm-migrate again. The model ids of these
    calls are left to that second run, not reported as data.
    """

    CODE = "GLM303"
    NAME = "legacy-openai-api"
    SUMMARY = "openai<1.0 module API call or setting"

    VALID = (
        Valid('import openai\nopenai.chat.completions.create(model="glm-4.6", messages=[])'),
        Valid("from myapp import ChatCompletion\nChatCompletion.create(model='gpt-4')"),
    )
    INVALID = (
        Invalid('import openai\nr = openai.ChatCompletion.create(engine="gpt-4", messages=[])'),
        Invalid('import openai\nopenai.api_base = "https://api.openai.com/v1"'),
        Invalid(
            'import openai\nasync def f():\n    await openai.Embedding.acreate(model="text-embedding-ada-002", input="x")'
        ),
    )

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        if assignment.attribute in LEGACY_SETTINGS:
            hint = "pass `base_url=` to the client" if assignment.attribute == "api_base" else "drop it"
            self.report(
                assignment.assign,
                f"`openai.{assignment.attribute}` is an openai<1.0 setting, unused by openai>=1: {hint}",
            )

    def on_module_end(self) -> None:
        for call, path, scope in self.model.legacy_calls:
            resource, method = (*path, "")[:2]
            if resource not in V1_PATHS or not method:
                self.report(call, f"`openai.{'.'.join(path)}` is openai<1.0 API with no openai>=1 counterpart")
                continue
            asynchronous = method.startswith("a") and method[1:] in ("create", "transcribe", "translate")
            new_method = V1_METHODS.get(f"{resource}.{method.removeprefix('a') if asynchronous else method}")
            v1 = f"{V1_PATHS[resource]}.{new_method or (method[1:] if asynchronous else method)}"
            use = f"`{v1}` on an `AsyncOpenAI` client" if asynchronous else f"`openai.{v1}`"
            self.report(call, f"`openai.{'.'.join(path)}` is openai<1.0 API: use {use} (responses become objects)")
            # Its model is a model, not data: GLM103 (which runs later) should not report it.
            for name in ("model", "engine", "deployment_id"):
                arg = find_kwarg(call, name)
                if arg is not None:
                    self.model.claimed_literals.update(self.model.resolve_strings(arg.value, scope)[0])
