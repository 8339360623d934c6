from __future__ import annotations

import libcst as cst

from glm_migrate.nodes import short_code
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._helpers import code_of
from glm_migrate.semantic import Scope, find_kwarg, string_value


class LlamaindexOpenAIClass(Rule):
    """
    ## What it does
    Reports LlamaIndex's OpenAI classes (`llama_index.llms.openai.OpenAI`, `OpenAIEmbedding`,
    `OpenAIResponses`, `OpenAIMultiModal`, and the Azure ones)
    and AutoGen's `OpenAIChatCompletionClient`, and claims their model ids so they are not
    reported again as data (GLM103).

    ## Why is this bad?
    They check model names against OpenAI's own list, so `glm-4.6` raises `ValueError` as soon as
    LlamaIndex asks for the model's metadata. LlamaIndex's ZhipuAI integration wraps the legacy
    `zhipuai` SDK (China endpoint) and also rejects `glm-4.6`. AutoGen's client raises on a model
    name it does not know unless given `model_info=`.

    ## Example
    ```python
    llm = OpenAI(model="gpt-4o")
    ```
    Use instead (`pip install llama-index-llms-openai-like`):
    ```python
    from llama_index.llms.openai_like import OpenAILike
    llm = OpenAILike(model="glm-4.6", api_base="https://api.z.ai/api/paas/v4/",
                     api_key=os.environ["ZAI_API_KEY"], is_chat_model=True, context_window=200000)
    ```

    ## Fix safety
    No fix: it needs another package and class.
    """

    CODE = "GLM302"
    NAME = "llamaindex-openai-class"
    SUMMARY = "LlamaIndex or AutoGen OpenAI class, which rejects GLM model names"

    VALID = (
        Valid('from openai import OpenAI\nclient = OpenAI(base_url="https://api.z.ai/api/paas/v4/", api_key=k)'),
        Valid('from llama_index.llms.openai_like import OpenAILike\nllm = OpenAILike(model="glm-4.6", api_base=u)'),
        Valid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o")'
        ),  # another framework's class (GLM006)
    )
    INVALID = (
        Invalid('from llama_index.llms.openai import OpenAI\nllm = OpenAI(model="gpt-4o", temperature=0.1)'),
        Invalid("from llama_index.embeddings.openai import OpenAIEmbedding\nembed_model = OpenAIEmbedding()"),
        Invalid("from llama_index import OpenAIEmbedding\nembed_model = OpenAIEmbedding()"),  # llama-index < 0.10
        Invalid(
            'from llama_index.multi_modal_llms.openai import OpenAIMultiModal\nllm = OpenAIMultiModal(model="gpt-4o")'
        ),
        Invalid(
            'from llama_index.llms.azure_openai import AzureOpenAI\nllm = AzureOpenAI(engine="chat", model="gpt-4o")'
        ),
        Invalid(
            'from autogen_ext.models.openai import OpenAIChatCompletionClient\nc = OpenAIChatCompletionClient(model="gpt-4o")'
        ),
    )

    def on_module_end(self) -> None:
        for call, scope, kind in self.model.framework_calls:
            if kind == "autogen":
                self._autogen(call, scope)
            if kind != "llamaindex":
                continue
            model = find_kwarg(call, "model")
            shown = ""
            if model is not None:
                literals = self.model.resolve_strings(model.value, scope)[0]
                self.claim(*literals)
                # the ids it may get, else the expression it gets them from (`model=name`)
                ids = ", ".join(f"`{string_value(literal)}`" for literal in literals)
                shown = f" with {ids or f'`model={short_code(model.value)}`'}"
            name = code_of(call.func)
            if name.endswith("Embedding"):
                instead = (
                    "`OpenAILikeEmbedding` (llama-index-embeddings-openai-like) with Z.AI's `api_base` and "
                    f'`model_name="{self.tables.lookup_model("embeddings", "text-embedding-ada-002")}"`'
                )
            else:
                instead = "`OpenAILike` (llama-index-llms-openai-like) with Z.AI's `api_base` and `is_chat_model=True`"
                if name.endswith("MultiModal"):
                    # GLM-4.6 reads no images
                    instead += f', and a model that reads images (`model="{self.tables.lookup_model("chat", "gpt-4-vision")}"`)'
                elif name.endswith("Responses"):
                    instead += " (Z.AI has no Responses API: it speaks chat completions)"
            self.report(call, f"LlamaIndex's `{name}`{shown} rejects GLM model names: use {instead}")

    def _autogen(self, call: cst.Call, scope: Scope) -> None:
        """AutoGen's client looks a model name up in its own table of OpenAI's models."""
        model = find_kwarg(call, "model")
        literals = self.model.resolve_strings(model.value, scope)[0] if model is not None else []
        self.claim(*literals)  # reported here, not data to check
        if find_kwarg(call, "base_url") is not None and find_kwarg(call, "model_info") is not None:
            return  # set up for another server already
        old = next((value for literal in literals if (value := string_value(literal))), None)
        glm = self.tables.lookup_model("chat", old or "gpt-4o")
        self.report(
            call,
            f"AutoGen's `{code_of(call.func)}` knows only OpenAI's model names: for Z.AI pass `base_url=`, "
            f'`api_key=os.environ["{self.key_env}"]`, `model="{glm}"` and `model_info=` (vision, function_calling, '
            "json_output, family, structured_output)",
        )
