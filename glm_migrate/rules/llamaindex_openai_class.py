from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.nodes import short_code
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._helpers import code_of, vector_space_change
from glm_migrate.semantic import Scope, Target, find_kwarg, string_value

#: where other libraries' Azure classes take the deployment (and the model they may name beside it)
_AZURE_DEPLOYMENT_OPTIONS = ("deployment_name", "azure_deployment", "deployment_id", "engine", "model", "model_name")


class LlamaindexOpenAIClass(Rule):
    """
    ## What it does
    Reports LlamaIndex's OpenAI classes (`llama_index.llms.openai.OpenAI`, `OpenAIEmbedding`,
    `OpenAIResponses`, `OpenAIMultiModal`, and the Azure ones)
    and AutoGen's `OpenAIChatCompletionClient`, and claims their model ids so they are not
    reported again as data (GLM103). A LlamaIndex class given no model is said to send its
    default (`rules/endpoints.toml` `[llamaindex.defaults]`: `gpt-3.5-turbo`,
    `text-embedding-ada-002`); one pointed at another server by `api_base=` is left alone. Reports the OpenAI model ids of AG2's (`autogen`) model
    configurations (`LLMConfig(...)`, an agent's `llm_config={"config_list": [...]}`) whose entry
    has no `base_url` and talks to OpenAI. Warns of Chroma's `OpenAIEmbeddingFunction`, which
    keeps embedding with OpenAI while the program's clients move. Reports a retired GLM id given
    to LlamaIndex's own `ZhipuAI` (llama-index-llms-zhipuai), which looks it up in a table of its
    own models. Reports other libraries' Azure OpenAI classes (LangChain's completion `AzureOpenAI`,
    Semantic Kernel's `AzureChatCompletion`, DSPy's `AzureOpenAI`), which call an Azure deployment.
    A dict with a `config_list` of such entries counts as AG2's configuration where no agent of
    the module is given it (a settings module whose `llm_config` other modules hand to agents).

    ## Why is this bad?
    They check model names against OpenAI's own list, so `glm-4.6` raises `ValueError` as soon as
    LlamaIndex asks for the model's metadata. LlamaIndex's ZhipuAI integration wraps the legacy
    `zhipuai` SDK (China endpoint) and also rejects `glm-4.6`. AutoGen's client raises on a model
    name it does not know unless given `model_info=`. An AG2 configuration entry without `base_url`
    sends its key and model to OpenAI.

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
    No fix: it needs another package and class, or (AG2) a configuration entry of Z.AI's with its
    `base_url`, key and model, which may live in `OAI_CONFIG_LIST` too.
    """

    CODE = "GLM302"
    NAME = "llamaindex-openai-class"
    SUMMARY = "LlamaIndex or AutoGen OpenAI class, which rejects GLM model names, or AG2 configuration for OpenAI"

    VALID = (
        Valid('from openai import OpenAI\nclient = OpenAI(base_url="https://api.z.ai/api/paas/v4/", api_key=k)'),
        Valid('from llama_index.llms.openai_like import OpenAILike\nllm = OpenAILike(model="glm-4.6", api_base=u)'),
        Valid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o")'
        ),  # another framework's class (GLM006)
        Valid('llm_config = {"config_list": [{"model": "gpt-4o", "base_url": "http://localhost:8000/v1"}]}'),
        Valid(  # an AG2 entry for another server, or another provider
            'from autogen import LLMConfig\ncfg = LLMConfig({"model": "gpt-4o", "base_url": "http://localhost:8000/v1"})'
        ),
        Valid(
            'from autogen import LLMConfig\ncfg = LLMConfig({"api_type": "anthropic", "model": "claude-sonnet-4-5"})'
        ),
    )
    INVALID = (
        Invalid('from llama_index.llms.openai import OpenAI\nllm = OpenAI(model="gpt-4o", temperature=0.1)'),
        Invalid(
            'from autogen import LLMConfig\ncfg = LLMConfig({"api_type": "openai", "model": "gpt-5-nano"}, temperature=1)'
        ),
        Invalid(
            "import os\nfrom autogen import AssistantAgent\n"
            'config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]\n'
            'agent = AssistantAgent("a", llm_config={"config_list": config_list, "temperature": 0})'
        ),
        Invalid(  # AG2's configuration in a settings module, given to agents elsewhere
            'import os\nconfig_list = [{"model": "gpt-4o-mini", "api_key": os.environ["OPENAI_API_KEY"]}]\n'
            'llm_config = {"config_list": config_list, "temperature": 0.1}'
        ),
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
        Invalid(
            "from chromadb.utils.embedding_functions import OpenAIEmbeddingFunction\n"
            'ef = OpenAIEmbeddingFunction(api_key=key, model_name="text-embedding-3-small")'
        ),
        Invalid('from llama_index.llms.zhipuai import ZhipuAI\nllm = ZhipuAI(model="glm-4", api_key=key)'),
        Invalid(  # Semantic Kernel's Azure connector
            "from semantic_kernel.connectors.ai.open_ai import AzureChatCompletion\n"
            'service = AzureChatCompletion(deployment_name="chat", endpoint=e, api_key=k)'
        ),
    )

    def on_module_end(self) -> None:
        self._on_module_end()
        # a model configuration written for AG2 but given to no agent here (`llm_config =
        # {"config_list": [...]}` in a settings module that the agents' modules import): the
        # `config_list` key is AG2's (and FLAML's) own, and its entries talk to OpenAI as well
        for literal, scope in self.model.string_literals:
            element = self.model.parents.get(literal)
            if type(element) is not cst.DictElement or element.key is not literal or _key(element) != "config_list":
                continue
            mapping = self.model.parents.get(element)
            if isinstance(mapping, cst.Dict):
                for entry in self._ag2_entries(mapping, scope):
                    self._ag2_entry({_key(e): e.value for e in entry.elements if isinstance(e, cst.DictElement)}, scope)

    def _on_module_end(self) -> None:
        for call, scope, kind in self.model.framework_calls:
            if kind == "autogen":
                self._autogen(call, scope)
            if kind == "ag2":
                self._ag2(call, scope)
            if kind == "chroma_openai":
                self._chroma(call, scope)
            if kind == "azure_classes":
                self._azure_class(call, scope)
            if kind == "llamaindex_zhipu":
                self._zhipu(call, scope)
            if kind != "llamaindex":
                continue
            name = code_of(call.func)
            model = find_kwarg(call, "model")
            if model is None and not name.endswith("Embedding"):
                # `OpenAI("gpt-4o", temperature=0)`: the LLM's first parameter is its model
                model = next((arg for arg in call.args[:1] if arg.keyword is None and not arg.star), None)
            # given no model (and no `**` that may hold one), the class sends its own default
            default = None if model is not None or any(arg.star for arg in call.args) else self._default(call, scope)
            base = find_kwarg(call, "api_base")
            if (
                base is not None
                and self.model.classify_base_url(base.value, default=Target.OPENAI, scope=scope) is Target.OTHER
            ):
                # a self-hosted server or another provider's (`api_base="http://localhost:8080/v1"`):
                # its models are its own, nothing of it moves to Z.AI
                if model is not None:
                    self.claim(*self.model.resolve_strings(model.value, scope)[0])
                continue
            to = "" if base is not None else " to OpenAI"
            shown = f" is given no model: it sends its default `{default}`{to}, and" if default else ""
            reaching: list[str] = [default] if default else []
            if model is not None:
                literals = self.model.resolve_strings(model.value, scope)[0]
                self.claim(*literals)
                # the ids it may get (each once, and only those its branch's prefix test lets
                # through), else the expression it gets them from (`model=name`)
                prefixes = _branch_prefixes(self.model.parents, call, code_of(model.value))
                texts = [v for literal in literals if (v := string_value(literal)) is not None]
                reaching = [v for v in dict.fromkeys(texts) if v.startswith(prefixes)] if prefixes else texts
                ids = ", ".join(f"`{v}`" for v in dict.fromkeys(reaching))
                shown = f" with {ids or f'`model={short_code(model.value)}`'}"
            if name.endswith("Embedding"):
                new = self.tables.lookup_model("embeddings", default or "text-embedding-ada-002") or ""
                instead = (
                    "`OpenAILikeEmbedding` (llama-index-embeddings-openai-like) with Z.AI's `api_base` and "
                    f'`model_name="{new}"`'
                )
                # the index stored the old model's vectors: the query vectors must come from it too
                old = next(iter(reaching), None) if model is not None else default or "text-embedding-ada-002"
                if old and self.tables.lookup_model("embeddings", old):
                    sized = find_kwarg(call, "dimensions") is not None
                    instead += f"; {vector_space_change(self.tables, old, new, sized)}"
                else:
                    instead += f"; re-embed what you stored: `{new}` vectors do not compare with OpenAI ones"
            else:
                instead = "`OpenAILike` (llama-index-llms-openai-like) with Z.AI's `api_base` and `is_chat_model=True`"
                glm = self.tables.lookup_model("chat", default) if default else None
                instead += f' (`model="{glm}"`)' if glm else ""
                if name.endswith("MultiModal"):
                    # GLM-4.6 reads no images
                    instead += f', and a model that reads images (`model="{self.tables.lookup_model("chat", "gpt-4-vision")}"`)'
                elif name.endswith("Responses"):
                    instead += " (Z.AI has no Responses API: it speaks chat completions)"
            self.report(call, f"LlamaIndex's `{name}`{shown} rejects GLM model names: use {instead}")

    def _default(self, call: cst.Call, scope: Scope) -> str | None:
        """The model LlamaIndex's class `call` builds sends when given none (`[llamaindex] defaults`)."""
        defaults = self.tables.llamaindex_defaults
        return next((defaults[q] for q in sorted(self.model.qualified_names(call.func, scope)) if q in defaults), None)

    def _chroma(self, call: cst.Call, scope: Scope) -> None:
        """Chroma's `OpenAIEmbeddingFunction` embeds with OpenAI (its own `openai` client) unless
        `api_base=` says otherwise: nothing breaks, but the program keeps an OpenAI key for it."""
        base = find_kwarg(call, "api_base")
        if (
            base is not None
            and self.model.classify_base_url(base.value, default=Target.OPENAI, scope=scope) is not Target.OPENAI
        ):
            return  # pointed at another server already (Z.AI's, a local one, one chosen at run time)
        model = find_kwarg(call, "model_name")
        literals = self.model.resolve_strings(model.value, scope)[0] if model is not None else []
        self.claim(*literals)  # reported here, not data to check
        old = next((value for literal in literals if (value := string_value(literal))), None)
        old = old or "text-embedding-ada-002"  # its default
        new = self.tables.lookup_model("embeddings", old)
        self.report(
            call,
            f"Chroma's `{code_of(call.func)}` keeps embedding with OpenAI (`{old}`): to move it, pass Z.AI's "
            f'`api_base=`, `api_key=os.environ["{self.key_env}"]` and `model_name="{new}"`, and re-embed the '
            f"collection (`{new}` vectors have another size)",
            severity=Severity.WARNING,
        )

    def _zhipu(self, call: cst.Call, scope: Scope) -> None:
        """LlamaIndex's `ZhipuAI(model="glm-4")`: a retired id, which the class's own table of
        models (`glm_model_to_context_size`) may not list in its newer form: reported, not fixed."""
        model = find_kwarg(call, "model") or next((a for a in call.args if a.keyword is None and not a.star), None)
        if model is None:
            return
        for literal in self.model.resolve_strings(model.value, scope)[0]:
            old = string_value(literal) or ""
            match = self.tables.match_on("chat", old)
            if match is None or not match.glm or match.glm == old or self.claimed(literal):
                continue
            self.claim(literal)  # not a setting for GLM108 to rewrite on its own
            self.report(
                literal,
                f"Model id `{old}`{match.label} on LlamaIndex's `{code_of(call.func)}`, which looks its model up in a "
                f"table of its own and raises ValueError (`.metadata`) for one it lacks: use `{match.glm}` once the "
                f"installed llama-index-llms-zhipuai lists it, or `OpenAILike` with Zhipu's or Z.AI's `api_base`",
            )

    def _azure_class(self, call: cst.Call, scope: Scope) -> None:
        """Another library's Azure OpenAI class calls an Azure deployment, by its name."""
        shown = []
        for name in _AZURE_DEPLOYMENT_OPTIONS:
            arg = find_kwarg(call, name)
            if arg is None:
                continue
            literals = self.model.resolve_strings(arg.value, scope)[0]
            self.claim(*literals)  # a deployment's name, reported here: not data to check
            values = ", ".join(dict.fromkeys(f"`{value}`" for literal in literals if (value := string_value(literal))))
            shown.append(f"`{name}` {values or f'`{code_of(arg.value)}`'}")
        deployment = f" ({'; '.join(shown)})" if shown else ""
        name = code_of(call.func)
        embeds = "Embedding" in name
        kind = "embedding class" if embeds else "chat class (Z.AI serves chat completions)"
        model = self.tables.lookup_model(
            "embeddings" if embeds else "chat", "text-embedding-3-small" if embeds else "gpt-4o"
        )
        self.report(
            call,
            f"`{name}` calls an Azure OpenAI deployment{deployment}: move it by hand to the library's OpenAI {kind} "
            f'with Z.AI\'s base URL, `os.environ["{self.key_env}"]` and a GLM model (`{model}`); an Azure deployment '
            "name is not a GLM model id",
        )

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

    def _ag2(self, call: cst.Call, scope: Scope) -> None:
        """AG2's model configurations: `LLMConfig({...}, ...)`, `LLMConfig(config_list=[...])`,
        `LLMConfig(model=..., ...)`, an agent's `llm_config={...}`; each entry is a dict."""
        entries: list[cst.Dict] = []
        keywords: dict[str | None, cst.BaseExpression] = {}
        name = code_of(call.func)
        configs = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        if name.endswith("LLMConfig"):
            keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        else:
            given = find_kwarg(call, "llm_config")
            configs = [given.value] if given is not None else []
        for config in configs:
            for mapping in self.model.dict_literals(config, scope) or []:
                entries += self._ag2_entries(mapping, scope)
        if "config_list" in keywords:
            entries += self._ag2_list(keywords["config_list"], scope)
        for entry in entries:
            self._ag2_entry({_key(e): e.value for e in entry.elements if isinstance(e, cst.DictElement)}, scope)
        if "model" in keywords:
            self._ag2_entry(keywords, scope)

    def _ag2_entries(self, mapping: cst.Dict, scope: Scope) -> list[cst.Dict]:
        """The configuration entries a dict is: itself, or those of its `config_list`."""
        values = {_key(e): e.value for e in mapping.elements if isinstance(e, cst.DictElement)}
        if "config_list" in values:
            return self._ag2_list(values["config_list"], scope)
        return [mapping]

    def _ag2_list(self, expr: cst.BaseExpression, scope: Scope) -> list[cst.Dict]:
        found: list[cst.Dict] = []
        for value in self.model.sequence_literals(expr, scope):
            for element in value.elements:
                found += self.model.dict_literals(element.value, scope) or []
        return found

    def _ag2_entry(self, entry: dict[str | None, cst.BaseExpression], scope: Scope) -> None:
        """One entry: reported when it talks to OpenAI (no `base_url`, `api_type` "openai") with
        an OpenAI chat model id."""
        api_type = entry.get("api_type")
        if "base_url" in entry or (api_type is not None and string_value(api_type) != "openai"):
            return
        model = entry.get("model")
        for literal in self.model.resolve_strings(model, scope)[0] if model is not None else []:
            old = string_value(literal)
            match = self.tables.match_on("chat", old) if old else None
            if match is None or not match.glm or self.claimed(literal):
                continue
            self.claim(literal)
            self.report(
                literal,
                f"AG2 model configuration sends `{old}` to OpenAI: for Z.AI give the entry "
                f'`"base_url": "{self.tables.base_url(self.settings.region)}"`, `"api_key": '
                f'os.environ["{self.key_env}"]` and `"model": "{match.glm}"`',
                model=match,
            )


def _key(element: cst.DictElement) -> str | None:
    return string_value(element.key) if isinstance(element.key, cst.SimpleString) else None


def _branch_prefixes(parents: Mapping[cst.CSTNode, cst.CSTNode], call: cst.Call, name: str) -> tuple[str, ...]:
    """The prefixes an `if`/`elif` around `call` requires of `name` (`elif model_name.startswith(
    "text-embedding"):`), innermost first, or () where no such test guards it."""
    node: cst.CSTNode = call
    while (parent := parents.get(node)) is not None and type(parent) not in (cst.FunctionDef, cst.Module):
        if type(parent) is cst.If and node is parent.body:
            test = parent.test
            if (
                type(test) is cst.Call
                and type(test.func) is cst.Attribute
                and test.func.attr.value == "startswith"
                and len(test.args) == 1
                and code_of(test.func.value) == name
                and (prefix := string_value(test.args[0].value)) is not None
            ):
                return (prefix,)
        node = parent
    return ()
