from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._helpers import code_of
from glm_migrate.semantic import Client, find_kwarg, string_value
from glm_migrate.splats import resolve_splat

#: zhipuai 1.x's module-level API (`zhipuai.model_api.invoke`, `sse_invoke`, `async_invoke`)
_LEGACY_API = "zhipuai.model_api."
#: its embedding model, by the name its successor serves it under (the same 1024 numbers); not in
#: models.toml, which would make every file naming a `text_embedding` variable worth parsing
_LEGACY_EMBEDDINGS = {"text_embedding": "embedding-2"}


class ZhipuaiPackage(Rule):
    """
    ## What it does
    Reports clients of the `zhipuai` package (`zhipuai.ZhipuAI`), and calls of its 1.x module API
    (`zhipuai.model_api.invoke(model=..., prompt=...)`), which zhipuai 2 removed (an error).

    ## Why is this bad?
    `zhipuai` is deprecated: its last release is 2.1.5 (August 2025), its README points to the
    `zai-sdk` package, and it lacks newer options such as `tool_stream`. It also pins PyJWT below
    2.9, which conflicts with most current environments.

    ## Example
    ```python
    from zhipuai import ZhipuAI
    client = ZhipuAI(api_key=os.environ["ZHIPUAI_API_KEY"])
    ```
    Use instead (`pip install zai-sdk`):
    ```python
    from zai import ZhipuAiClient  # or ZaiClient for api.z.ai
    client = ZhipuAiClient(api_key=os.environ["ZAI_API_KEY"])
    ```

    ## Fix safety
    No fix: the package changes, and the successor reads `ZAI_API_KEY` / `ZAI_BASE_URL` instead
    of `ZHIPUAI_API_KEY` / `ZHIPUAI_BASE_URL`, so the deployment's environment changes too. A
    warning; fails `--check` only with `--strict`.
    """

    CODE = "GLM007"
    NAME = "zhipuai-package"
    SUMMARY = "Client of the deprecated `zhipuai` package"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid("from zai import ZhipuAiClient\nclient = ZhipuAiClient()"),
        Valid("class ZhipuAI: ...\nclient = ZhipuAI()"),
    )
    INVALID = (
        Invalid("from zhipuai import ZhipuAI\nclient = ZhipuAI()"),
        Invalid("import zhipuai\nclient = zhipuai.ZhipuAI(api_key=key)"),
        Invalid(
            'import zhipuai\nzhipuai.model_api.invoke(model="chatglm_turbo", prompt=[{"role": "user", "content": "hi"}])'
        ),
        Invalid('import zhipuai\nvector = zhipuai.model_api.invoke(model="text_embedding", prompt="hi")'),
    )

    def on_module_end(self) -> None:
        # zhipuai 1.x's module API (`zhipuai.model_api.invoke`), gone from zhipuai 2 and zai-sdk
        # `import zhipuai` at the top, or inside the function or `__init__` that uses it
        if not any(
            (binding.qualified or "").partition(".")[0] == "zhipuai"
            for scope in self.model.scopes
            for bindings in scope.bindings.values()
            for binding in bindings
        ):
            return
        reported = False
        for call, scope in self.model.calls:
            names = self.model.qualified_names(call.func, scope)
            legacy = next((name for name in names if name.startswith(_LEGACY_API)), None)
            if legacy is None:
                continue
            model = find_kwarg(call, "model")
            values = [model.value] if model is not None else []
            for arg in call.args if model is None else ():
                # `data = {"model": self.model, "prompt": messages}` ... `invoke(**data)`
                splat = resolve_splat(self.model, arg.value, scope) if arg.star == "**" else None
                values += [source.value for source in splat.sources("model")] if splat is not None else []
            literals = [found for value in values for found in self.model.resolve_strings(value, scope)[0]]
            self.claim(*literals)  # reported here, not data to check
            old = next((value for literal in literals if (value := string_value(literal))), None)
            # `model="text_embedding"` asks for vectors: its successor is the embeddings endpoint
            embedding = _LEGACY_EMBEDDINGS.get(old) if old else None
            new = embedding or (self.tables.lookup_model("chat", old) if old else None)
            model_note = f' (`model="{new}"` for `{old}`)' if new else ""
            self.report(
                call,
                f"`{code_of(call.func)}` is zhipuai 1.x's API, which zhipuai 2 and zai-sdk removed: "
                + _successor(legacy.rpartition(".")[2], embedding is not None, model_note),
                severity=Severity.ERROR,
            )
            reported = True
        if not reported:
            self._legacy_api_handed_on()

    def _legacy_api_handed_on(self) -> None:
        """`values["client"] = zhipuai.model_api`, then `self.client.invoke(**params)` where the
        calls cannot be traced to it (a pydantic validator's dict): the module API itself is
        reported, once per place it is taken as a value."""
        finder = _ModelApiReferences()
        self.model.module.visit(finder)
        for node in finder.found:
            if _LEGACY_API[:-1] in self.model.qualified_names(node, self.model.scope_of(node)):
                self.report(
                    node,
                    f"`{code_of(node)}` is zhipuai 1.x's API (its `invoke`, `sse_invoke`), which zhipuai 2 and "
                    "zai-sdk removed: what it is handed to must call `ZhipuAiClient().chat.completions.create(...)` "
                    "(zai-sdk) with `messages=` for `prompt=`",
                    severity=Severity.ERROR,
                )

    def on_client(self, client: Client) -> None:
        if client.sdk == "zhipuai" and client.construction is not None and client.constructed:
            self.report(
                client.construction,
                "The `zhipuai` package is deprecated: use `zai-sdk` (`from zai import ZhipuAiClient`, "
                "which reads `ZAI_API_KEY`)",
            )


def _successor(method: str, embedding: bool, model_note: str) -> str:
    """What zai-sdk calls instead of the 1.x module function `method`: the stream and the task
    queue have calls of their own, and a task's result is fetched by its id, not asked again."""
    if method == "query_async_invoke_result":
        return (
            "fetch the task with `ZhipuAiClient().chat.asyncCompletions.retrieve_completion_result(id=...)` "
            "(zai-sdk), given the `id` that `chat.asyncCompletions.create` returned"
        )
    if embedding:
        return f"call `ZhipuAiClient().embeddings.create(...)` (zai-sdk) with `input=` for `prompt=`{model_note}"
    if method == "async_invoke":
        return (
            "call `ZhipuAiClient().chat.asyncCompletions.create(...)` (zai-sdk) with `messages=` for `prompt=`, "
            f"and read the task's `id` from what it returns{model_note}"
        )
    if method == "sse_invoke":
        return (
            "call `ZhipuAiClient().chat.completions.create(..., stream=True)` (zai-sdk) with `messages=` for "
            f"`prompt=`, and read `chunk.choices[0].delta.content` from its chunks for `response.events()`{model_note}"
        )
    return f"call `ZhipuAiClient().chat.completions.create(...)` (zai-sdk) with `messages=` for `prompt=`{model_note}"


class _ModelApiReferences(cst.CSTVisitor):
    """`<x>.model_api` taken as a value: not the receiver of a further attribute (`.invoke`)."""

    def __init__(self) -> None:
        self.found: list[cst.Attribute] = []

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if type(node.value) is cst.Attribute and node.value.attr.value == "model_api":
            return False  # `zhipuai.model_api.invoke`: a call the loop above reports
        if node.attr.value == "model_api":
            self.found.append(node)
        return True
