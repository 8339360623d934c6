from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import cast

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import literals_in, method_name, names_in, short_code
from glm_migrate.project import KEY_UNSEEN
from glm_migrate.rules._base import Finding, Fix, Invalid, NodeEdit, Rule, Valid, make_unsafe
from glm_migrate.rules._clients import (
    classes_in_tables,
    construction_provider_branch,
    lookup_may_give_none,
    own_branch_advice,
    program_key_read,
    stub_of,
    try_catching_missing_key,
)
from glm_migrate.rules._flow import ModelTest, model_tests, report_model_tests
from glm_migrate.rules._helpers import (
    add_kwarg,
    base_url_expression,
    code_of,
    dict_entry,
    embedding_width_change,
    env_key_lookup,
    imported_key,
    key_literal,
    key_renaming_fix,
    langchain_subclasses,
    names_openai_key,
    old_width_in_code,
    openai_key_replacing_fix,
    put_in_extra_body,
    remove_kwargs,
    replace_string,
    stand_in_key,
    tests_shown,
    vector_space_change,
)
from glm_migrate.rules._langchain_requests import (
    INVOKING,
    RequestOptions,
    _bound_names,
    system_only_prompts,
    system_only_templates,
)
from glm_migrate.rules._setting_flow import key_setting_followed, key_setting_moves
from glm_migrate.rules.no_user_message import NoUserMessage
from glm_migrate.semantic import Scope, SemanticModel, Target, dotted_name, env_lookup, find_kwarg, string_value
from glm_migrate.splats import SplatMapping, resolve_splat
from glm_migrate.summary import imported_roots, params_reaching
from glm_migrate.tables import split_provider

#: the names each setting goes by (current name first, then langchain's older alias)
ALIASES = {"base_url": ("base_url", "openai_api_base"), "api_key": ("api_key", "openai_api_key")}
#: the package whose classes take the current names; `langchain.chat_models` /
#: `langchain.embeddings` (langchain < 0.1) know only `openai_api_base` / `openai_api_key` (the
#: aliases came in 0.0.331; before, `base_url=` went into `model_kwargs` and was sent with each
#: request, so requests still went to OpenAI), and every version of those classes and of
#: `langchain_community`'s takes the older names
CURRENT_NAMES_PACKAGE = "langchain_openai"
MODEL_ALIASES = ("model", "model_name")
#: what the class uses when no model is given (langchain-openai 1.7)
DEFAULT_MODELS = {
    "langchain_chat": "gpt-3.5-turbo",
    "langchain_embeddings": "text-embedding-ada-002",
    "langchain_zhipu_chat": "glm-4",  # langchain-community 0.4
}
#: where `ChatZhipuAI` takes its endpoint (langchain-community 0.4: the full chat completions URL)
ZHIPU_BASE_ALIASES = ("zhipuai_api_base", "api_base")
ENDPOINTS = {"langchain_chat": "chat", "langchain_embeddings": "embeddings"}
#: LangChain's Azure classes -> (the class that replaces them, its kind)
AZURE_CLASSES = {
    "langchain_azure_chat": ("ChatOpenAI", "langchain_chat"),
    "langchain_azure_embeddings": ("OpenAIEmbeddings", "langchain_embeddings"),
}
#: a plain class configured for Azure -> the Azure class it stands for
PLAIN_AZURE = {plain: azure for azure, (_, plain) in AZURE_CLASSES.items()}
#: where an Azure class takes its deployment (langchain-openai 1.7 aliases; `engine` and
#: `deployment_id` on a plain class of early LangChain)
AZURE_DEPLOYMENT_ALIASES = (
    "deployment_name",
    "azure_deployment",
    "deployment",
    "engine",
    "deployment_id",
    *MODEL_ALIASES,
)


#: a chat model's methods that send a request, whose `model=` keyword replaces the constructor's
_INVOKING_METHODS = frozenset({"invoke", "ainvoke", "stream", "astream", "batch", "abatch"})


#: methods of a LangChain chat model returning a copy that sends its requests (besides `bind`)
COPYING = frozenset({"with_structured_output", "with_retry", "with_config"})


def _kwarg(call: cst.Call, names: tuple[str, ...]) -> cst.Arg | None:
    return next((arg for name in names if (arg := find_kwarg(call, name)) is not None), None)


@dataclass
class _Adding:
    """Adds keywords to one class call, mindful of its `**` mappings: a keyword a mapping may
    already hold would raise `TypeError: got multiple values`."""

    rule: Rule
    call: cst.Call
    splats: list[SplatMapping | None]
    name: str

    def sources(self, aliases: tuple[str, ...]) -> list[cst.BaseExpression]:
        """The values visible `**` mappings give the setting."""
        return [s.value for m in self.splats if m is not None for alias in aliases for s in m.sources(alias)]

    def keyword(
        self,
        key: str,
        aliases: tuple[str, ...],
        value: cst.BaseExpression,
        what: str,
        title: str,
        imports: tuple[str, ...] = (),
        without: str | None = None,
        applicability: Applicability | None = None,
    ) -> None:
        """Report the class call without `key` (`what` it does then), with a fix that passes
        `value` where no mapping may hold the key, else the edit to make."""
        message = f"`{self.name}` without {without or f'`{key}=`'} {what}"
        if self.sources(aliases):
            return  # a visible mapping sets it: its value is what counts
        # a mapping that cannot be seen, or an open one (`dict(temperature=t, **kwargs)`)
        pairs = zip(_splat_args(self.call), self.splats, strict=True)
        hidden = next((arg for arg, m in pairs if m is None or m.open), None)
        if hidden is not None:
            mapping = code_of(hidden.value)
            self.rule.report(
                self.call,
                f"{message}, unless `{mapping}` sets it: make sure it holds `{key}={code_of(value)}` (adding it "
                "here could repeat a key it has)",
            )
            return
        fix = Fix(
            ((self.call, partial(add_kwarg, name=key, value=value)),), title, imports, applicability=applicability
        )
        self.rule.report(self.call, message, fix=fix)


def _with_openai_provider(call: cst.CSTNode) -> cst.CSTNode:
    """`init_chat_model(...)` with `model_provider="openai"`, once however many fixes add it."""
    assert isinstance(call, cst.Call)
    if find_kwarg(call, "model_provider") is not None:
        return call
    return add_kwarg(call, name="model_provider", value=cst.SimpleString('"openai"'))


def _splat_args(call: cst.Call) -> list[cst.Arg]:
    return [arg for arg in call.args if arg.star == "**"]


class LangchainOpenAIClass(Rule):
    """
    ## What it does
    Migrates LangChain's OpenAI classes, `ChatOpenAI` and `OpenAIEmbeddings` (from
    `langchain_openai`, `langchain.chat_models`, `langchain_community`, ...), the way Z.AI's
    LangChain guide does: Z.AI's base URL and key (also under the older names `openai_api_base`
    and `openai_api_key`), GLM model ids (also under `model_name`, and in place of the class's
    OpenAI default), and `check_embedding_ctx_length=False` for embeddings. `init_chat_model(...)`
    building a `ChatOpenAI` (an OpenAI model id, `"openai:gpt-4o"`, `model_provider="openai"`)
    moves the same way, and gets `model_provider="openai"` where LangChain told the provider
    from the OpenAI name, which a GLM id does not give. Reports LangChain's completion model
    (`langchain_openai.OpenAI`), which calls `/completions`, a route Z.AI lacks.

    ## Why is this bad?
    Without them LangChain keeps calling OpenAI with OpenAI's models. `OpenAIEmbeddings` also
    tokenises input with tiktoken and sends token ids, which Z.AI does not accept.

    ## Example
    ```python
    llm = ChatOpenAI(model_name="gpt-4o", temperature=0)
    ```
    Use instead:
    ```python
    llm = ChatOpenAI(model_name="glm-4.6", temperature=0, base_url=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"), api_key=os.environ["ZAI_API_KEY"])
    ```

    ## Fix safety
    Safe, as for the SDK clients (GLM001, GLM002, GLM101); none for an instance built without a
    key inside a `try` whose handlers catch `OpenAIError` and not `KeyError` (the SDK client it
    builds raises that error without a key; Z.AI's `os.environ[...]` would raise KeyError past
    the handler), which is reported to move by hand; unsafe, all of them, for an instance
    whose key names OpenAI's (`openai_api_key=settings.OPENAI_API_KEY`): moved alone, it would
    send that key to Z.AI, so it moves with the key replaced; for an instance given a stand-in key
    literal (`api_key=SecretStr("sk-fake123")` in a test whose mock answers OpenAI's URL), which
    GLM003 replaces only with --unsafe-fixes, as an SDK client given one waits; and for an `OpenAIEmbeddings`
    whose new model makes vectors of another size (no `dimensions=` that `embedding-3`
    documents), as GLM101 says of an SDK call; and for one given an OpenAI model without a GLM
    counterpart (a fine-tune, `ft:gpt-4o-mini:acme::x1`, which GLM102 leaves for a person). A
    model id the code also uses as data is treated as GLM101 treats one beside an SDK call: one
    also looked up or compared where the new id would get another answer (`PRICES[model]`,
    `model == "gpt-4o"`, `choices=[...]`) is reported at both places for a person (a test of
    the model's family, `model.startswith("gpt-")` or `"claude" in model`, stays GLM103's
    warning), and one that also feeds a tokenizer lookup
    (`tiktoken.encoding_for_model(model)`, here or in another module's class the id is handed to)
    changes only with --unsafe-fixes; the instance's move waits for either. Instances pointed at another server
    (`base_url="http://localhost:11434/v1"`) are left alone, and so are those in OpenAI's branch
    of a provider choice (`elif provider == "openai":`, reported as GLM002 reports an SDK client
    there: its key and model are that provider's settings); a URL or key only known at run time
    is a warning. An instance already aimed at Z.AI without a key of its own gets
    `api_key=os.environ["ZAI_API_KEY"]` only as an unsafe fix, as GLM001 gives an SDK client (its
    deployment may keep the Z.AI key in `OPENAI_API_KEY`), and none where the module writes
    `OPENAI_API_KEY` itself. GLM-only options such as `thinking=` passed as keywords end in `model_kwargs`
    and fail at call time: they move into `extra_body=` (safe: the call could not have worked).
    The request options of a chat instance (its constructor's keywords, the literal keys of
    its `model_kwargs`, the keywords of `.bind(...)` / `.bind_tools(...)` on it) are checked as
    the raw-call rules check a chat call's (GLM205, GLM208, GLM209, GLM210, GLM211, GLM212):
    where Z.AI rejects one as sent and only an unsafe fix or a person mends it (`n=2`, three stop
    words, a forced `tool_choice`, `functions=`, a `json_schema` response format, a field that
    switches to the Responses API such as `use_responses_api=True`), the fixes moving the
    instance become unsafe, as an SDK client's do for such a call: a safe run leaves it on OpenAI.
    `ChatZhipuAI` (langchain_community) already talks to Zhipu: its retired GLM ids, its default
    `glm-4` included, move up as GLM101 moves them on a zhipuai call (safe).
    `with_structured_output` without `method="json_mode"` is reported (its default
    asks for a `json_schema` response format GLM-4.6 lacks, and `function_calling` forces
    `tool_choice`). A per-call `model=` (`llm.invoke(messages, model="gpt-4o-mini")`) on an
    instance a safe run moves is rewritten with it. With `--thinking`, chat instances without a
    switch get it in `extra_body` (as
    GLM204 does for SDK calls). The classes of `langchain.chat_models`, `langchain.embeddings` and
    `langchain_community` get `openai_api_base=` / `openai_api_key=`: langchain before 0.0.331
    does not know `base_url=` / `api_key=`, puts them in `model_kwargs` and sends them with each
    request, which still goes to OpenAI. Their `OpenAIEmbeddings` is reported (no fix): it sends
    token ids and has no `check_embedding_ctx_length`, which langchain_openai's class has. `AzureChatOpenAI` and `AzureOpenAIEmbeddings` are reported (no
    fix): they become `ChatOpenAI` / `OpenAIEmbeddings` by hand, and their deployment name is not a
    GLM model; a model id one of them shares with a plain class also built is reported, not
    rewritten, and the plain class waits for it (branches of one provider choice excepted: the
    default moves with the OpenAI branch). So are `ChatOpenAI` and `OpenAIEmbeddings` configured for Azure as early LangChain
    code did (`openai_api_type="azure"`, an API version, `engine=`, `deployment_id=`; the list is
    `langchain.azure_options` in `rules/endpoints.toml`): a Z.AI URL added beside those options
    would still send Azure's requests. A class kept uncalled in a dict (`{"gpt-": ChatOpenAI,
    "claude-": ChatAnthropic}`, a provider table) builds instances no fix reaches: reported. So
    does a subclass of one of these classes (`class Chat(ChatOpenAI, Base)`, built in other
    modules and notebooks), reported once at its definition unless its body names a `base_url`
    of its own, with the OpenAI ids its instances are given, there or in modules importing it,
    reported at those calls (the class picks the server, so no fix), and an agent factory given an OpenAI model string (LangChain's
    `create_agent(model="gpt-4.1")`, langgraph's `create_react_agent("openai:gpt-4o")`), which
    builds a `ChatOpenAI` from it through `init_chat_model`: reported for a person.
    """

    CODE = "GLM006"
    NAME = "langchain-openai-class"
    SUMMARY = "LangChain OpenAI class aimed at OpenAI"
    FIX_TITLE = "Point it at Z.AI with a GLM model"

    VALID = (
        Valid(
            'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", api_key=os.environ["ZAI_API_KEY"], base_url="https://api.z.ai/api/paas/v4/")'
        ),
        Valid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="llama3", base_url="http://localhost:11434/v1")'
        ),
        Valid('from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model="claude-3")'),
        Valid("class AzureChatOpenAI: ...\nllm = AzureChatOpenAI(deployment_name='gpt-4o')"),  # not LangChain's
        Valid('from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(base_url="http://localhost:8000/v1")'),
        Valid(  # a visible mapping sets everything
            'from langchain_openai import ChatOpenAI\nconfig = {"base_url": "https://api.z.ai/api/paas/v4/", "api_key": key, "model": "glm-4.6"}\n'
            "llm = ChatOpenAI(**config)"
        ),
        Valid(  # the call chose its own thinking switch
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, '
            'extra_body={"thinking": {"type": "enabled"}})',
            settings={"thinking": "disabled"},
        ),
    )
    INVALID = (
        Invalid('from langchain_openai import OpenAI\nllm = OpenAI(model="gpt-3.5-turbo-instruct")'),  # completions
        Invalid(  # a stand-in key: the class moves only with GLM003's unsafe fix of it
            "from langchain_openai import ChatOpenAI\nfrom pydantic import SecretStr\n"
            'llm = ChatOpenAI(model="gpt-4o", api_key=SecretStr("sk-fake123"))',
            expected="from langchain_openai import ChatOpenAI\nfrom pydantic import SecretStr\n"
            'llm = ChatOpenAI(model="glm-4.6", api_key=SecretStr("sk-fake123"), base_url="https://api.z.ai/api/paas/v4/")',
            settings={"base_url_style": "literal"},
            unsafe=True,
        ),
        Invalid(  # a per-call model replaces the constructor's in the request
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", '
            'api_key=k)\nreply = llm.invoke(messages, model="gpt-4o-mini")',
            expected='from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", '
            'api_key=k)\nreply = llm.invoke(messages, model="glm-4.6")',
        ),
        Invalid(  # a `json_schema` response format by default: GLM-4.6 has only JSON objects
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", '
            "api_key=k)\ngrader = llm.with_structured_output(Grade)"
        ),
        # request parameters GLM does not take go with every request: as GLM208 and GLM207 report them
        Invalid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, '
            "temperature=0, presence_penalty=0)",
            expected='from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, '
            "temperature=0)",
        ),
        Invalid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, '
            "frequency_penalty=0.5)",
            expected='from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k)',
            unsafe=True,
        ),
        Invalid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, thinking={"type": "disabled"})',
            expected='from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, extra_body={"thinking": {"type": "disabled"}})',
        ),
        Invalid(
            'import os\nfrom langchain.chat_models import ChatOpenAI\nllm = ChatOpenAI(model_name="gpt-3.5-turbo", openai_api_base=os.environ.get("OPENAI_API_BASE"))',
            expected='import os\nfrom langchain.chat_models import ChatOpenAI\nllm = ChatOpenAI(model_name="glm-4.6", openai_api_base=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"), openai_api_key=os.environ["ZAI_API_KEY"])',
        ),
        # langchain_community's class: no `check_embedding_ctx_length`, so only langchain_openai's will do
        Invalid("from langchain_community.embeddings import OpenAIEmbeddings\nemb = OpenAIEmbeddings()"),
        Invalid(
            'import os\nfrom langchain_openai import OpenAIEmbeddings\nemb = OpenAIEmbeddings(openai_api_key=os.getenv("OPENAI_API_KEY"))',
            expected='import os\nfrom langchain_openai import OpenAIEmbeddings\nemb = OpenAIEmbeddings(openai_api_key=os.environ["ZAI_API_KEY"], base_url="https://api.z.ai/api/paas/v4/", model="embedding-3", check_embedding_ctx_length=False)',
            settings={"base_url_style": "literal"},
        ),
        Invalid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url=settings.url, api_key=k)'
        ),
        Invalid(
            'from langchain_openai import AzureChatOpenAI\nllm = AzureChatOpenAI(deployment_name="gpt-4o", api_version=v)'
        ),
        Invalid(  # a plain class configured for Azure, as early LangChain code did
            'from langchain.chat_models import ChatOpenAI\nllm = ChatOpenAI(engine="chat", openai_api_type="azure")'
        ),
        Invalid(
            "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(**config)"
        ),  # what `config` holds is not visible
        # built elsewhere from a subclass, or from a string by an agent factory: no fix reaches them
        Invalid("from langchain_openai import ChatOpenAI\nclass Chat(ChatOpenAI):\n    pass"),
        Invalid('from langchain.agents import create_agent\nagent = create_agent(model="gpt-4.1", tools=[])'),
        Invalid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, use_responses_api=True)'
        ),
        Invalid(  # `extra_body` is a variable: the option is moved by hand
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, '
            'thinking={"type": "disabled"}, extra_body=body)'
        ),
        Invalid(
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, extra_body={"top_k": 5})',
            expected='from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", base_url="https://api.z.ai/api/paas/v4/", api_key=k, '
            'extra_body={"top_k": 5, "thinking": {"type": "disabled"}})',
            settings={"thinking": "disabled"},
        ),
    )

    def on_module_end(self) -> None:
        #: `init_chat_model(...)` calls building a `ChatOpenAI`, with their model argument
        self._factory_models: dict[cst.Call, cst.Arg] = {}
        self._vector_warned: set[cst.Call] = set()
        self._tests_of: dict[tuple[str, Scope], list[ModelTest]] = {}
        self._tested: set[cst.CSTNode] = set()
        #: a chat class of this module talks to Z.AI after this run; the constructions of those a
        #: safe run moves whole
        self._chat_at_zai = False
        self._chats_at_zai: set[cst.Call] = set()
        #: chat classes waiting for a setting another module hands their model parameter
        self._params_held: set[cst.Call] = set()
        #: chat classes talking to OpenAI whose move waits in a safe run, with why
        self._chats_waiting: dict[cst.Call, str] = {}
        #: the findings of each class moving with a key setting (shared with the engine through
        #: `RuleContext.key_readers`), by its construction
        self._keyed: dict[cst.Call, list[Finding]] = {}
        self._bindings = self._bound_copies()
        self._agents = self._functions_agents()
        #: model-id literals an Azure class of this module is given, with that class
        self._azure_held = self._azure_models()
        #: plain classes configured for Azure (`ChatOpenAI(openai_api_type="azure", engine=...)`)
        azure_configured: dict[cst.Call, str] = {}
        for call, scope, kind in self.model.framework_calls:
            if kind in ENDPOINTS and (marker := self._azure_option(call)) is not None:
                azure_configured[call] = marker
            elif kind in ENDPOINTS:
                self._migrate(call, scope, kind)
            elif kind == "langchain_zhipu_chat":
                self._zhipu(call, scope)
            elif kind == "langchain_init_chat_model" and (model := self._openai_model_of_factory(call, scope)):
                self._factory_models[call] = model
                self._migrate(call, scope, "langchain_chat")
            elif kind == "langchain_agent_factory":
                self._agent_factory(call, scope)
        self._subclasses()
        self._structured_output()
        self._per_call_models()
        self._model_params()
        # after the others: a default shared with a `ChatOpenAI` branch moves with that branch
        for call, scope, kind in self.model.framework_calls:
            if kind in AZURE_CLASSES:
                self._azure(call, scope, kind)
            elif call in azure_configured:
                self._azure(call, scope, PLAIN_AZURE[kind], azure_configured[call])
            elif kind == "langchain_completions":
                self._completions(call, scope)
        self._classes_in_tables()

    def _classes_in_tables(self) -> None:
        """`{"gpt-": ChatOpenAI, "claude-": ChatAnthropic}`: the instances built from a provider
        table's entry are not seen, so no fix gives them Z.AI's URL, key or model."""
        classes = {name: kind for kind in ENDPOINTS for name in self.tables.frameworks.get(kind, ())}
        for value, class_name in classes_in_tables(self.model, classes.keys()):
            model = self.tables.lookup_model(ENDPOINTS[classes[class_name]], DEFAULT_MODELS[classes[class_name]])
            self.report(
                value,
                f"`{code_of(value)}` is kept in this dict, and the instances built from it are not seen: they keep "
                f"talking to OpenAI; where one is built, pass Z.AI's `base_url=`, a Z.AI `api_key=` and a GLM model "
                f"(`{model}`)",
                severity=Severity.ERROR,
            )

    def _bound_copies(self) -> dict[cst.Call, list[cst.Call]]:
        """The `.bind(...)` / `.bind_tools(...)` calls on each chat class construction (on it
        directly, or on a name or attribute holding it): their keywords go with every request of
        the copy they return."""
        chats = {
            call
            for call, _, kind in self.model.framework_calls
            if kind in ("langchain_chat", "langchain_init_chat_model")
        }
        bound: dict[cst.Call, list[cst.Call]] = {}
        #: the `.invoke(...)` / `.stream(...)` calls on each chat class construction, with their scope
        self._invocations: dict[cst.Call, list[tuple[cst.Call, Scope]]] = {}
        if not chats:
            return bound
        methods = self.tables.langchain_binding_methods
        for call, scope in self.model.calls:
            func = call.func
            if type(func) is not cst.Attribute:
                continue
            if func.attr.value in methods:
                for chat in self._chats_in(func.value, scope, chats):
                    bound.setdefault(chat, []).append(call)
            elif func.attr.value in INVOKING:
                for chat in self._chats_through(func.value, scope, chats, 0):
                    self._invocations.setdefault(chat, []).append((call, scope))
        return bound

    def _chats_through(
        self, value: cst.BaseExpression, scope: Scope, chats: set[cst.Call], depth: int
    ) -> list[cst.Call]:
        """The chat class constructions whose requests `value` sends: one it holds, or one a copy
        it holds was made of (`llm.with_structured_output(Schema)`, `llm.bind_tools(tools)`)."""
        found = self._chats_in(value, scope, chats)
        if found or depth > 2:
            return found
        copies = self.tables.langchain_binding_methods | COPYING
        for made in [value, *(b.value for b in self.model.bindings_of(value, scope) if b.value is not None)]:
            if type(made) is not cst.Call:
                continue
            if type(made.func) is cst.Attribute and made.func.attr.value in copies:
                found += self._chats_through(made.func.value, scope, chats, depth + 1)
            elif type(made.func) is cst.Name:
                # `llm = get_llm()`, a function of this module returning the class it builds
                for binding in self.model.lookup(made.func.value, scope):
                    function = binding.defines
                    if function is not None and function.kind == "function":
                        for returned in function.returns:
                            found += self._chats_through(returned, function, chats, depth + 1)
        return found

    def _chats_in(self, value: cst.BaseExpression, scope: Scope, chats: set[cst.Call]) -> list[cst.Call]:
        """The chat class constructions `value` is, or that a name or attribute it reads holds."""
        if value in chats:
            return [cast(cst.Call, value)]
        return [cast(cst.Call, b.value) for b in self.model.bindings_of(value, scope) if b.value in chats]

    def _functions_agents(self) -> dict[cst.Call, list[cst.Call]]:
        """The LangChain agents given each chat class construction (directly, or by a name or
        attribute holding it) that drive it with OpenAI's legacy `functions=` (`[langchain]
        functions_agents`, `initialize_agent(..., agent=AgentType.OPENAI_FUNCTIONS)`)."""
        chats = {call for call, _, kind in self.model.framework_calls if kind == "langchain_chat"}
        agents: dict[cst.Call, list[cst.Call]] = {}
        if not chats:
            return agents
        tables = self.tables
        for call, scope in self.model.calls:
            names = self.model.qualified_names(call.func, scope)
            langchain = [n.split(".") for n in names if n.startswith("langchain")]
            if not any(tables.langchain_functions_agents.intersection(parts) for parts in langchain):
                chosen = (
                    find_kwarg(call, "agent") if any(parts[-1] == "initialize_agent" for parts in langchain) else None
                )
                words = (dotted_name(chosen.value) or string_value(chosen.value) or "") if chosen else ""
                if words.rpartition(".")[2] not in tables.langchain_functions_agent_types:
                    continue
            for arg in call.args:
                for chat in self._chats_in(arg.value, scope, chats):
                    agents.setdefault(chat, []).append(call)
        return agents

    def _per_call_models(self) -> None:
        """`llm.invoke(messages, model="gpt-4o-mini")` on an instance this run points at Z.AI: a
        per-call model goes in the request instead of the constructor's."""
        if not self._chats_at_zai:
            return
        for call, scope in self.model.calls:
            func = call.func
            arg = find_kwarg(call, "model")
            if arg is None or type(func) is not cst.Attribute or func.attr.value not in _INVOKING_METHODS:
                continue
            receiver = dotted_name(func.value)
            if receiver is None:
                continue
            bindings = (
                self.model.lookup(receiver, scope)
                if "." not in receiver
                else self.model.attribute_lookup(receiver, scope)
            )
            if not bindings or not all(b.value in self._chats_at_zai for b in bindings):
                continue
            literals, complete = self.model.resolve_strings(arg.value, scope)
            if not literals and not complete:
                message = f"`{method_name(func)}` model comes from `{short_code(arg.value)}` at run time: make sure it is a GLM id"
                self.report(arg.value, message, severity=Severity.WARNING)
            for literal in literals:
                old = string_value(literal) or ""
                match = self.tables.match_on("chat", old)
                if match is None or not match.glm or self.claimed(literal):
                    continue
                self.claim(literal)
                fix = Fix(((literal, partial(replace_string, value=match.glm)),), f"Replace with `{match.glm}`")
                self.report(literal, f"Model id `{old}`{match.label} on `{method_name(func)}`", fix=fix)
                for binding in bindings:
                    # it moves with its instance, which may wait with the key setting it reads
                    if binding.value in self._keyed:
                        self._keyed[binding.value].append(self.context.findings[-1])  # type: ignore[index]

    def _structured_output(self) -> None:
        """`llm.with_structured_output(Schema)` on a chat class this run moves: langchain-openai
        asks for a `json_schema` response format by default, which GLM-4.6 lacks, and its
        `function_calling` method forces `tool_choice`, which Z.AI rejects; `json_mode` asks for a
        JSON object, and the prompt must then describe the schema."""
        if not self._chat_at_zai:
            return
        for call, _ in self.model.calls:
            func = call.func
            if type(func) is not cst.Attribute or func.attr.value != "with_structured_output":
                continue
            method = string_value(arg.value) if (arg := find_kwarg(call, "method")) is not None else None
            if method == "json_mode":
                continue
            shown = f'method="{method}"' if method else "its default `json_schema` method"
            self.report(
                call,
                f"`{method_name(func)}` with {shown}: GLM-4.6 has no `json_schema` response format and rejects a "
                'forced `tool_choice`; use `method="json_mode"` and describe the schema in the prompt',
            )

    def _openai_model_of_factory(self, call: cst.Call, scope: Scope) -> cst.Arg | None:
        """The model argument of an `init_chat_model(...)` that builds a `ChatOpenAI`: one whose
        `model_provider` is "openai", or whose model ids all say so (`"openai:gpt-4o"`) or are
        OpenAI ids LangChain takes for OpenAI's (`"gpt-4o"`). None for another provider, or one
        only known at run time."""
        first = call.args[0] if call.args and call.args[0].keyword is None and not call.args[0].star else None
        model = first or find_kwarg(call, "model")
        provider = find_kwarg(call, "model_provider")
        if model is None:
            return None
        if provider is not None and string_value(provider.value) is not None:
            return model if string_value(provider.value) == "openai" else None
        literals, complete = self.model.resolve_strings(model.value, scope)
        if not complete or not literals:
            return None
        if provider is not None:
            # `model_provider=provider`: OpenAI's maybe, at run time
            if any(self.tables.match_on("chat", split_provider(string_value(x) or "")[1]) for x in literals):
                self.claim(*literals)
                self.report(
                    provider.value,
                    f"`init_chat_model` provider is `{short_code(provider.value)}`, known at run time: where it is "
                    f'"openai", pass Z.AI\'s `base_url`, `api_key=os.environ["{self.key_env}"]` and a GLM model',
                    severity=Severity.WARNING,
                )
            return None
        for literal in literals:
            prefix, model_id = split_provider(string_value(literal) or "")
            if prefix != "openai" and (prefix or self.tables.match_on("chat", model_id) is None):
                return None
        return model

    def _agent_factory(self, call: cst.Call, scope: Scope) -> None:
        """`create_agent(model="gpt-4.1")`, `create_react_agent("openai:gpt-4o")`: the factory
        builds a `ChatOpenAI` from the string through `init_chat_model`, with OpenAI's key and
        URL, and no fix reaches it (a chat model object passed instead moves where it is built)."""
        model = self._openai_model_of_factory(call, scope)
        literals = self.model.resolve_strings(model.value, scope)[0] if model is not None else []
        if model is None or not literals:
            return
        self.claim(*literals)  # reported here, not data to check
        ids = ", ".join(f"`{string_value(literal)}`" for literal in literals)
        glm = self.tables.lookup_model("chat", DEFAULT_MODELS["langchain_chat"])
        self.report(
            model.value,
            f"`{code_of(call.func)}` builds LangChain's `ChatOpenAI` from {ids} (through `init_chat_model`), which "
            f"talks to OpenAI: pass it a chat model built with Z.AI's `base_url=`, "
            f'`api_key=os.environ["{self.key_env}"]` and a GLM model (`ChatOpenAI(model="{glm}", ...)`)',
        )

    def _subclasses(self) -> None:
        """`class Chat(ChatOpenAI, Base)` (DemoGPT's `OpenAIChatModel`): its instances, built
        here or in modules and notebooks that import it, talk to OpenAI with `OPENAI_API_KEY`, and
        no fix moves them; reported once, at the class. One that names a server of its own (a
        `base_url` field or keyword in its body) is left to it. The OpenAI ids its instances are
        given, here or where the project index says an imported class is one, are reported at
        the call (`_subclass_instances`)."""
        kinds = {**ENDPOINTS, "langchain_completions": "chat"}
        local = langchain_subclasses(self.model)
        for name, (node, base, kind) in local.items():
            parent = code_of(base)
            glm = self.tables.lookup_model(kinds[kind], DEFAULT_MODELS.get(kind, DEFAULT_MODELS["langchain_chat"]))
            key = f'`api_key=os.environ["{self.key_env}"]`'
            if kind == "langchain_completions":
                message = (
                    f"`{name}` subclasses LangChain's completion model `{parent}`, which calls `/completions`: "
                    f"Z.AI serves chat completions only, so base it on `ChatOpenAI` built with Z.AI's `base_url=`, "
                    f"{key} and a GLM model (`{glm}`), and read replies' `.content`"
                )
            else:
                extra = ", `check_embedding_ctx_length=False`" if kind == "langchain_embeddings" else ""
                message = (
                    f"`{name}` subclasses LangChain's `{parent}`: its instances, built here or elsewhere, talk to "
                    f"OpenAI unless given a `base_url=`, and no fix moves them: build them with Z.AI's `base_url=`, "
                    f"{key}{extra} and a GLM model (`{glm}`), or give the class those defaults"
                )
            self.report(node.name, message)
        self._subclass_instances(local)

    def _subclass_instances(self, local: dict[str, tuple[cst.ClassDef, cst.BaseExpression, str]]) -> None:
        """`OpenAIChatModel(model="gpt-4o-mini")`, the class a subclass of LangChain's
        `ChatOpenAI` defined here or imported (`ModuleFacts.langchain_subclasses`): the instance
        talks to OpenAI, so its OpenAI ids are reported at the call, for the person who moves the
        class, not noted as data (GLM103). No fix: the class, not the call, picks the server, and
        a GLM id sent to OpenAI fails."""
        imported = self.model.facts.langchain_subclasses
        if not imported and not local:
            return
        kinds = {**ENDPOINTS, "langchain_completions": "chat"}
        for call, scope in self.model.calls:
            func = call.func
            found = sorted(self.model.qualified_names(func, scope) & imported.keys()) if imported else []
            if found:
                kind, where = imported[found[0]]
            elif (
                type(func) is cst.Name
                and func.value in local
                and any(
                    b.defines is not None and b.defines.node is local[func.value][0]
                    for b in self.model.lookup(func.value, scope)
                )
            ):
                kind, where = local[func.value][2], func.value
            else:
                continue
            arg = _kwarg(call, MODEL_ALIASES)
            if arg is None or any(
                a.star == "**" or (a.keyword is not None and a.keyword.value in ALIASES["base_url"]) for a in call.args
            ):
                continue  # the class's default (reported at the class), or a server this call may name
            endpoint = kinds[kind]
            literals = [
                literal
                for literal in self.model.resolve_strings(arg.value, scope)[0]
                if not self.claimed(literal)
                and (value := string_value(literal)) is not None
                and self.tables.lookup_model(endpoint, value) is not None
                and not self.tables.is_target(endpoint, value)
            ]
            if not literals:
                continue
            self.claim(*literals)
            ids = ", ".join(
                f"`{v}` (`{glm}` on Z.AI)"
                if (glm := self.tables.lookup_model(endpoint, v))
                else f"`{v}` (no GLM model)"
                for v in dict.fromkeys(cast(str, string_value(literal)) for literal in literals)
            )
            what = "completion model" if kind == "langchain_completions" else "class"
            self.report(
                arg.value,
                f"`{code_of(func)}` (`{where}`) subclasses a LangChain OpenAI {what}, which talks to OpenAI: "
                f"it is given {ids}; move the class to Z.AI (its `base_url=`, `api_key=`) and its ids together",
            )

    def _zhipu(self, call: cst.Call, scope: Scope) -> None:
        """langchain_community's `ChatZhipuAI` already talks to Zhipu's endpoint, which serves
        the GLM ids of today: a retired one (its default `glm-4` included) moves up as GLM101
        moves it on a zhipuai client's call. One aimed at another server keeps its model."""
        name = code_of(call.func)
        base = _kwarg(call, ZHIPU_BASE_ALIASES)
        if base is not None and self._target([base.value], scope) is not Target.ZAI:
            self._claim_model(call, scope)  # that server's name: sent, not data to check
            return
        arg = _kwarg(call, MODEL_ALIASES)
        if arg is None:
            splats = [resolve_splat(self.model, a.value, scope) for a in _splat_args(call)]
            adding = _Adding(self, call, splats, name)
            if adding.sources(MODEL_ALIASES):
                return  # a visible mapping sets it, followed as a setting
            old = DEFAULT_MODELS["langchain_zhipu_chat"]
            new = self.tables.lookup_model("chat", old)
            if new and new != old:
                what = f"uses `{old}`, which Zhipu retired"
                adding.keyword(
                    "model",
                    MODEL_ALIASES,
                    cst.SimpleString(f'"{new}"'),
                    what,
                    f'Pass `model="{new}"`',
                    without="a model",
                )
            return
        for literal in self.model.resolve_strings(arg.value, scope)[0]:
            old = string_value(literal) or ""
            match = self.tables.match_on("chat", old)
            if match is None or not match.glm or match.glm == old or self.claimed(literal):
                continue
            self.claim(literal)
            fix = Fix(((literal, partial(replace_string, value=match.glm)),), f"Replace with `{match.glm}`")
            self.report(literal, f"Model id `{old}`{match.label} on `{name}`", fix=fix, model=match)

    def _completions(self, call: cst.Call, scope: Scope) -> None:
        """LangChain's completion model calls `/completions`, which Z.AI does not serve."""
        self._claim_model(call, scope)  # reported with the class, not data to check
        base = _kwarg(call, ALIASES["base_url"])
        if base is not None and self._target([base.value], scope) is not Target.OPENAI:
            return  # another server's completions
        glm = self.tables.lookup_model("chat", DEFAULT_MODELS["langchain_chat"])
        self.report(
            call,
            f"`{code_of(call.func)}` is LangChain's completion model, which calls `/completions`: Z.AI serves chat "
            f'completions only, so use `ChatOpenAI` with Z.AI\'s `base_url`, `api_key=os.environ["{self.key_env}"]` '
            f"and a GLM model (`{glm}`), and read the reply's `.content`",
        )

    def _azure_option(self, call: cst.Call) -> str | None:
        """The option configuring a plain OpenAI class for Azure (`openai_api_type="azure"`,
        `openai_api_version=...`, `engine=...`, also a key of a `model_kwargs={...}` literal), as
        code; None when it has none."""
        options = self.tables.langchain_azure_options
        kwargs = find_kwarg(call, "model_kwargs")
        keyed = kwargs.value.elements if kwargs is not None and type(kwargs.value) is cst.Dict else ()
        for name in options:  # the most telling first
            arg = find_kwarg(call, name)
            if arg is None or (name == "openai_api_type" and string_value(arg.value) in ("open_ai", "openai")):
                continue  # OpenAI's own
            return f"`{name}={short_code(arg.value)}`"
        for element in keyed:
            key = string_value(element.key) if type(element) is cst.DictElement else None
            if key is not None and key in options:
                return f"`{key}` in `model_kwargs`"
        return None

    def _azure_models(self) -> dict[cst.SimpleString, cst.Call]:
        """The literals the Azure classes of this module (and plain ones configured for Azure) are
        given as their deployment or model, with the class: they stay on Azure, by hand."""
        held: dict[cst.SimpleString, cst.Call] = {}
        for call, scope, kind in self.model.framework_calls:
            if kind not in AZURE_CLASSES and (kind not in ENDPOINTS or self._azure_option(call) is None):
                continue
            for name in AZURE_DEPLOYMENT_ALIASES:
                arg = find_kwarg(call, name)
                for literal in self.model.resolve_strings(arg.value, scope)[0] if arg is not None else ():
                    held.setdefault(literal, call)
        return held

    def _alternatives(self, one: cst.Call, other: cst.Call) -> bool:
        """Whether two constructions are the branches of one provider choice, never both built:
        in the two sides of an `if`, or both returned by one function (`if azure: return
        AzureChatOpenAI(...)` ... `return ChatOpenAI(...)`). The default they share is then the
        OpenAI branch's, and moves with it (the Azure branch is reported for a person)."""
        if self.model.other_branch(one, other):
            return True
        parents = self.model.parents
        returned = [parents.get(one), parents.get(other)]
        if not all(type(r) is cst.Return for r in returned):
            return False
        scopes = {self.model.scope_of(r) for r in returned if r is not None}
        return len(scopes) == 1

    def _azure(self, call: cst.Call, scope: Scope, kind: str, marker: str | None = None) -> None:
        """An Azure class calls an Azure deployment: another class, URL, key and model, by hand.
        So does a plain class configured for Azure by `marker`, one of its options."""
        replacement, plain = AZURE_CLASSES[kind]
        glm = self.tables.lookup_model(ENDPOINTS[plain], DEFAULT_MODELS[plain])
        shown = []
        for name in AZURE_DEPLOYMENT_ALIASES:
            arg = find_kwarg(call, name)
            if arg is None:
                continue
            literals, _ = self.model.resolve_strings(arg.value, scope)
            # the deployment's name, reported here: not data to check
            self.claim(*literals)
            values = ", ".join(f"`{string_value(literal)}`" for literal in literals) or f"`{code_of(arg.value)}`"
            shown.append(f"`{name}` {values}")
        deployment = f" ({'; '.join(shown)})" if shown else ""
        extra = ", `check_embedding_ctx_length=False`" if plain == "langchain_embeddings" else ""
        configured = f" (configured for Azure by {marker})" if marker is not None else ""
        drop = "without its Azure options, " if marker is not None else ""
        self.report(
            call,
            f"`{code_of(call.func)}`{configured} calls an Azure OpenAI deployment{deployment}: use `{replacement}` {drop}with Z.AI's "
            f'`base_url`, `api_key=os.environ["{self.key_env}"]`{extra} and a GLM model (`{glm}`); an Azure '
            "deployment name is not a GLM model id",
        )

    def _legacy(self, call: cst.Call, scope: Scope) -> bool:
        """A class of `langchain` or `langchain_community`, not of `langchain_openai`
        (`init_chat_model` builds langchain_openai's)."""
        if call in self._factory_models:
            return False
        names = self.model.qualified_names(call.func, scope)
        return not names or any(name.partition(".")[0] != CURRENT_NAMES_PACKAGE for name in names)

    def _no_user_message(self, requests: RequestOptions, node: cst.CSTNode, sent: str, where: str) -> None:
        """GLM221 on a LangChain chat model `sent` a conversation with no user turn, which Z.AI
        rejects: fixed `where` the prompt is, by a person; the class waits in a safe run."""
        message = (
            f"No `user` message: {sent}, which Z.AI rejects "
            '("must not consist of system or assistant messages only"): make the prompt a user turn '
            f'(`HumanMessage`, `("human", ...)`) {where}'
        )
        finding = Finding(NoUserMessage, node, message, Severity.ERROR, Applicability.MANUAL, None)
        self.context.findings.append(finding)
        requests.rejected.append((finding, "conversation with no `user` message"))

    def _migrate(self, call: cst.Call, scope: Scope, kind: str) -> None:
        splats = [resolve_splat(self.model, arg.value, scope) for arg in call.args if arg.star == "**"]
        base = _kwarg(call, ALIASES["base_url"])
        adding = _Adding(self, call, splats, code_of(call.func))
        bases = [base.value] if base else adding.sources(ALIASES["base_url"])
        target = self._target(bases, scope)
        name = code_of(call.func)
        self._chat_at_zai |= kind == "langchain_chat" and target in (Target.OPENAI, Target.ZAI)
        if target is Target.OTHER:
            # its model is that server's name: sent, not data to check (GLM103)
            self._claim_model(call, scope)
            return
        branch = construction_provider_branch(self.model, call) if target is Target.OPENAI else None
        if branch is not None:
            # `elif api_type == "openai": ChatOpenAI(openai_api_key=config["api_key"])`: its key and
            # model are OpenAI's on purpose
            self._claim_model(call, scope)
            self.report(call, f"`{name}` is " + own_branch_advice(self, branch, "OpenAI"))
            return
        if target is Target.UNKNOWN:
            # Another server, maybe (vLLM, a gateway, a setting): key, model and options are its own.
            where = bases[0] if bases else call
            what = f"`{short_code(bases[0])}`" if bases else "set by its `**` mapping, maybe"
            message = f"`{name}` base URL is {what}: make sure it points at Z.AI"
            # its model is sent wherever that points, not data (GLM103): named here for when it is Z.AI
            arg = self._model_arg(call)
            literals = self.model.resolve_strings(arg.value, scope)[0] if arg is not None else []
            self.claim(*literals)
            ids = {
                old: new
                for lit in literals
                if (old := string_value(lit)) and (new := self.tables.lookup_model(ENDPOINTS[kind], old))
            }
            if ids:
                shown = ", ".join(f"`{old}` (`{new}` on Z.AI)" for old, new in ids.items())
                message += f", and that its model is a GLM one: it is given {shown}"
            self.report(where, message, severity=Severity.WARNING)
            return
        sdk_key_set = self.tables.sdk_key_env in self.model.program_key_envs
        if target is Target.OPENAI and sdk_key_set and _kwarg(call, ALIASES["api_key"]) is None:
            # its key is the one the program sets in OPENAI_API_KEY: URL and key move together, by hand
            self.report(
                call,
                f"`{name}` without `api_key=` reads `OPENAI_API_KEY`, which "
                f"{self.model.key_setter(self.tables.sdk_key_env)} sets itself: point it at "
                f"Z.AI (`base_url=`) together with the value it sets as `api_key=`, a Z.AI key from then on",
            )
            self._claim_model(call, scope)  # sent to OpenAI until then: not data (GLM103)
            return
        given = _kwarg(call, ALIASES["api_key"])
        handler = (
            try_catching_missing_key(self.model, call, scope)
            if target is Target.OPENAI and not splats and (given is None or lookup_may_give_none(given.value))
            else None
        )
        if handler is not None:
            # an optional model: `except OpenAIError` expects its missing key; the key fix raises KeyError
            self.report(
                call,
                f"`{name}` talks to OpenAI, built in a `try` whose `{short_code(handler.type or call)}` handler "
                f'expects the error a missing key raises: with `api_key=os.environ["{self.key_env}"]` it would '
                "raise KeyError past that handler instead; point it at Z.AI by hand, catching `KeyError` there too",
            )
            self._claim_model(call, scope)
            return
        stub = stub_of(self.model, call.func) if target is Target.OPENAI else None
        if stub is not None:
            # the program's move is right; the test's stand-in cannot take it
            self.report(
                call,
                f"`{name}` talks to OpenAI, but {stub}, then point it at Z.AI",
            )
            self._claim_model(call, scope)
            return
        variable = (
            program_key_read(self.model, given.value, scope)
            if given is not None and env_lookup(given.value) is None  # a lookup is renamed by its own fix
            else None
        )
        if target is Target.OPENAI and variable is not None and given is not None:
            # `KEY = os.getenv("OPENAI_API_KEY")` after the program sets that variable (a getpass
            # prompt): the key is the program's, an OpenAI key; URL and key move together, by hand
            self.report(
                call,
                f"`{name}` key `{code_of(given.value)}` reads `{variable}`, which {self.model.key_setter(variable)} "
                "sets itself: point it "
                "at Z.AI (`base_url=`) together with that value, a Z.AI key from then on",
            )
            self._claim_model(call, scope)
            return
        legacy = self._legacy(call, scope)
        if target is Target.OPENAI and legacy and kind == "langchain_embeddings":
            # tiktoken token ids, which Z.AI does not take, and no switch to send text instead
            self._claim_model(call, scope)
            self.report(
                call,
                f"`{name}` sends tiktoken token ids, which Z.AI does not take, and this class (not "
                "langchain_openai's) has no `check_embedding_ctx_length` to send text instead: use "
                "`langchain_openai.OpenAIEmbeddings` with Z.AI's `base_url`, "
                f'`api_key=os.environ["{self.key_env}"]`, a GLM model and `check_embedding_ctx_length=False`',
            )
            return
        key = _kwarg(call, ALIASES["api_key"])
        # moved with a key named as OpenAI's (`get_config("OPENAI_API_KEY")`), the class would send
        # it to Z.AI: it moves only with that key replaced, an unsafe fix, and so do its GLM ids
        # ... or imported from a module this run does not read (`from keys import api_key`)
        openai_key = (
            key is not None
            and env_lookup(key.value) is None  # `os.getenv("OPENAI_API_KEY")` is renamed by its own fix
            # a setting GLM009 or GLM003 follows to its source is renamed there, with the class
            and not key_setting_moves(self.model, self.tables, self.key_env, key.value, scope)
            and (
                names_openai_key(self.model, self.tables, key.value, scope) is not None
                or _unseen_key(self.model, key.value, scope) is not None
            )
        )
        # a test's placeholder key (`api_key="sk-fake123"`, `SecretStr("test")`), which GLM003
        # replaces only with --unsafe-fixes: moved with it, the class would take it to Z.AI, and a
        # test mocking OpenAI's URL (respx, openai-responses) would no longer catch its requests,
        # as an SDK client given such a key waits (engine.py)
        literal = key_literal(key.value) if key is not None else None
        stand_in = literal is not None and stand_in_key(self.model, self.tables, string_value(literal) or "")
        first_finding = len(self.context.findings)
        if target is Target.OPENAI:
            url = base_url_expression(self.tables, self.settings.region, self.settings.base_url_style)
            imports = ("os",) if self.settings.base_url_style == "env" else ()
            if base is None:
                keyword = ALIASES["base_url"][1 if legacy else 0]
                adding.keyword(
                    keyword, ALIASES["base_url"], url, "talks to OpenAI", f"Pass Z.AI's `{keyword}=`", imports
                )
            else:
                fix = Fix(((base.value, lambda _: url),), "Point it at Z.AI", imports)
                self.claim(*literals_in(base.value))  # the URL is this fix's, not GLM405's
                self.report(base.value, f"`{name}` base URL points at OpenAI", fix=fix)
        self._api_key(call, name, adding, scope, moving=target is Target.OPENAI, legacy=legacy)
        resized, model_waits = self._model(call, scope, kind, name, adding)
        foreign = self._foreign_models(call, scope, kind, own_url=bool(bases)) if target is Target.OPENAI else []
        requests = RequestOptions(self, scope)
        if kind == "langchain_chat":
            self._glm_options(call, name)
            self._thinking_switch(call, name)
            requests.check_call(call, name, constructor=True)
            for bound in self._bindings.get(call, ()):
                requests.check_call(bound, method_name(bound.func), constructor=False)
            image = self.model.image_part
            if image is not None and not self._vision_model(call, scope):
                message = (
                    f"This module writes image message parts (`{code_of(image)}`): sent to `{name}`, they reach "
                    f"a text model at Z.AI, which reads no images: use `{self.tables.target.vision}` for them "
                    "(it takes no tools)"
                )
                requests.reject("image message parts", call, message)
            prompts = [
                found
                for invocation, invoked_in in self._invocations.get(call, ())
                for found in system_only_prompts(self.model, invocation, invoked_in)
            ]
            prompts += system_only_templates(self.model, call, self.tables.langchain_binding_methods | COPYING)
            elsewhere = self.model.facts.system_only_piped
            for held_as in _bound_names(self.model, call) if elsewhere and scope is self.model.module_scope else ():
                if (piped := elsewhere.get(held_as)) is not None:
                    # `chat_model = ChatOpenAI(...)` here, `prompt | chat_model` in another module
                    # with a template of system messages only: moved, Z.AI rejects that conversation
                    self._no_user_message(requests, call, f"`{name}` is piped only {piped}", "there, by hand")
            for messages, roles in prompts:
                shown = ", ".join(f"`{role}`" for role in dict.fromkeys(roles))
                self._no_user_message(requests, messages, f"`{name}` is sent only {shown} messages here", "by hand")
            for agent in self._agents.get(call, ()):
                message = (
                    f"`{short_code(agent.func)}` drives `{name}` with OpenAI's legacy `functions=`, which GLM "
                    "does not take: build a tool-calling agent (`create_tool_calling_agent`) instead"
                )
                requests.reject("functions", agent, message)
        if kind == "langchain_embeddings" and find_kwarg(call, "check_embedding_ctx_length") is None:
            adding.keyword(
                "check_embedding_ctx_length",
                ("check_embedding_ctx_length",),
                cst.Name("False"),
                "sends tiktoken token ids",
                "Pass `check_embedding_ctx_length=False`",
            )
        # what the class's move must wait for: moved alone, it would break the program
        # an OpenAI id without a GLM counterpart (a fine-tune, `ft:gpt-4o-mini:acme::x1`), which
        # GLM102 leaves for a person: moved with it, the class would send it to Z.AI
        kept = self._kept_model(call, scope, kind) if target is Target.OPENAI else None
        # `ChatOpenAI(model=Models.FAST)` whose id stays OpenAI's where it is defined (a test there)
        held_elsewhere = self._held_elsewhere(call, scope) if kind == "langchain_chat" else None
        awaited = (
            "its OpenAI key replaced"
            if openai_key
            else "its model, whose vectors change size"
            if resized
            else model_waits
            if model_waits and target is Target.OPENAI
            else held_elsewhere
            if held_elsewhere and target is Target.OPENAI
            else "GLM003's fix of its key literal"
            if stand_in and target is Target.OPENAI
            else f"its model `{kept}`, which has no GLM counterpart, replaced by hand"
            if kept is not None
            else ""
        )
        if not awaited and target is Target.OPENAI and requests.rejected:
            # a request option Z.AI rejects as sent (`n=3`, two stop words, a forced `tool_choice`,
            # the Responses API): moved by a safe run, the class would fail there, as an SDK
            # client would with such a call (engine.py)
            rejected, option = requests.rejected[0]
            how = "changed" if rejected.fix is not None else "changed by hand"
            what = f"`{option}=`" if option.isidentifier() else option
            awaited = f"its {what} {how}, which Z.AI rejects as sent"
        why, held = f"the class moves only with {awaited}", f"`{name}` reading it moves only with {awaited}"
        if awaited and awaited == held_elsewhere:
            why, held = awaited, f"`{name}` reading it waits: {awaited}"
        if not awaited and foreign:
            # `ChatOpenAI(model="deepseek-chat")`, `claude-sonnet-4-6` through a gateway: `OPENAI_API_BASE`
            # points it at another server, as engine.py says of an SDK client; moved, the id fails at Z.AI
            shown = ", ".join(f"`{value}`" for value in foreign[:3])
            awaited = why = f"it is given only ids OpenAI does not serve ({shown}): it may talk to another server"
            held = f"`{name}` reading it waits: {why}"
        if awaited:
            make_unsafe((finding, why) for finding in self.context.findings[first_finding:])
            if kind == "langchain_chat" and target is Target.OPENAI:
                self._chats_waiting[call] = why
            # a key setting renamed to ZAI_API_KEY alone would reach OpenAI through this class
            for binding in self.model.bindings_of(key.value, scope) if key is not None else ():
                if binding.value is not None:
                    self.context.held_settings[binding.value] = held
        elif key is not None and target is Target.OPENAI:
            # moves with the setting its key is read from, unless another class holds that back
            # (engine.py: while another reader of that setting waits, so does this class)
            settings: set[cst.CSTNode] = {
                b.value for b in self.model.bindings_of(key.value, scope) if b.value is not None
            }
            if settings:
                self._keyed[call] = self.context.findings[first_finding:]
                self.context.key_readers.append((self._keyed[call], settings, name))
        own = self.context.findings[first_finding:]
        by_hand = any(f.fix is None and f.severity is Severity.ERROR and "`base_url" in f.message for f in own)
        if by_hand:
            # its URL waits for a person (a `**` mapping may hold one): a GLM id or a Z.AI key
            # given to it now would go to OpenAI
            for finding in own:
                if finding.fix is not None and finding.applicability is Applicability.SAFE:
                    finding.fix, finding.applicability = None, Applicability.MANUAL
                    finding.message += " (once its `base_url` points at Z.AI)"
        unsafe = any(f.fix is not None and f.applicability is not Applicability.SAFE for f in own)
        if kind == "langchain_chat" and (
            target is Target.ZAI or (target is Target.OPENAI and not unsafe and not by_hand)
        ):
            # it talks to Z.AI after a safe run: a per-call `model=` moves with it
            self._chats_at_zai.add(call)

    def _target(self, bases: list[cst.BaseExpression], scope: Scope) -> Target:
        """Where the class sends its requests: its base URL, in the call or in a visible `**`
        mapping; OpenAI without one (a mapping glm-migrate cannot see may hold one: the
        keywords it would add are then reported, not added)."""
        if not bases:
            return Target.OPENAI
        targets = {self.model.classify_base_url(value, default=Target.OPENAI, scope=scope) for value in bases}
        return targets.pop() if len(targets) == 1 else Target.UNKNOWN

    def _glm_options(self, call: cst.Call, name: str) -> None:
        """GLM-only options passed as keywords: LangChain forwards them to the OpenAI SDK, whose
        create() raises TypeError on them; only `extra_body` carries them."""
        glm_only = {name for name, sdks in self.tables.glm_options.items() if "openai" not in sdks}
        options = [a for a in call.args if a.keyword is not None and a.keyword.value in glm_only]
        if not options:
            return
        extra_body = find_kwarg(call, "extra_body")
        for arg in options:
            assert arg.keyword is not None
            option = arg.keyword.value
            message = f"`{option}=` on `{name}` fails at call time: GLM-only options go in `extra_body`"
            if extra_body is not None and not isinstance(extra_body.value, cst.Dict):
                self.report(arg, message)
                continue

            def move(node: cst.Call, option: str = option, value: cst.BaseExpression = arg.value) -> cst.Call:
                return put_in_extra_body(remove_kwargs(node, {option}), option, value)

            self.report(arg, message, fix=Fix(((call, move),), f"Move `{option}` into `extra_body`"))

    def _vision_model(self, call: cst.Call, scope: Scope) -> bool:
        """Every model the class may be given reads images, once migrated (`glm-4v`, which
        becomes `glm-4.5v`): image parts are what it is for."""
        arg = self._model_arg(call)
        if arg is None:
            return False
        literals, complete = self.model.resolve_strings(arg.value, scope)
        ids = [self.tables.glm_id("chat", string_value(literal) or "") for literal in literals]
        return complete and bool(ids) and all(new in self.tables.vision_models for new in ids)

    def _model_params(self) -> None:
        """The parameters of this module's functions and classes that a chat class moved whole
        to Z.AI sends as its model (`ChatOpenAI(model=self.model_name)`): a caller in another
        module passing `"gpt-4o"` there rewrites it (GLM101), or Z.AI would get OpenAI's id."""
        for call, scope, _ in self.model.framework_calls:
            moves = call in self._chats_at_zai or call in self._params_held
            arg = self._model_arg(call) if moves else None
            for owner, param, index in params_reaching(self.model, arg.value, scope) if arg is not None else ():
                self.context.model_params.setdefault(owner, set()).add((param, index, "chat"))
            # `ChatOpenAI(model=Models.FAST)` with `Models` imported: its module rewrites the id
            # with the class, and keeps it while the class stays on OpenAI in a safe run (its
            # module then tells this one why, `ModuleFacts.held_sent`, as for an SDK call)
            why = self._chats_waiting.get(call)
            sent = self._model_arg(call) if call in self._chats_at_zai or why is not None else None
            for qualified, attributes in imported_roots(self.model, sent.value, scope, 0) if sent else ():
                self.context.sent_models.add((qualified, attributes, "chat"))
                if why is not None and not self.settings.unsafe_fixes:
                    self.context.waiting_sent.append((qualified, attributes, why))

    def _held_elsewhere(self, call: cst.Call, scope: Scope) -> str | None:
        """Why the model the class is given, imported from another module, keeps its OpenAI id
        there in a safe run (`ModuleFacts.held_sent`: a test of it there, an unsafe fix), if it
        does: moved, the class would send that id to Z.AI."""
        held = self.model.facts.held_sent
        arg = self._model_arg(call) if held else None
        for qualified, attributes in imported_roots(self.model, arg.value, scope, 0) if arg is not None else ():
            why = held.get(".".join(filter(None, (qualified, attributes))))
            if why is not None:
                return why
        # `def get_chat_model(model): return ChatOpenAI(model=model)`, handed a setting another
        # module keeps in a safe run (`ModuleFacts.held_model_params`), as for an SDK client
        # (engine.py); its parameter stays in `model_params`, so that the hold holds next round
        params = self.model.facts.held_model_params
        arg = self._model_arg(call) if params else None
        for owner, param, _ in params_reaching(self.model, arg.value, scope) if arg is not None else ():
            why = next((why for name, why in params.get(owner, ()) if name == param), None)
            if why is not None:
                self._params_held.add(call)
                return why
        return None

    def _model_arg(self, call: cst.Call) -> cst.Arg | None:
        return self._factory_models.get(call) or _kwarg(call, MODEL_ALIASES)

    def _vector_space(self, call: cst.Call, kind: str, old: str, new: str) -> None:
        """Embeddings of another model: what GLM106 says of an SDK call, once per instance."""
        if kind == "langchain_embeddings" and call not in self._vector_warned:
            self._vector_warned.add(call)
            sized = find_kwarg(call, "dimensions") is not None
            self.report(call, vector_space_change(self.tables, old, new, sized), severity=Severity.WARNING)

    def _foreign_models(self, call: cst.Call, scope: Scope, kind: str, *, own_url: bool) -> list[str]:
        """The model ids the class is given, where none of them is OpenAI's or GLM's (`deepseek-chat`,
        `claude-sonnet-4-6`): a gateway or another vendor's server that `OPENAI_API_BASE` names; or,
        without a URL of its own, only older GLM ids (`glm-4-flash`), which only Zhipu's server,
        named by that variable, serves: moved to Z.AI it would change region and key."""
        arg = self._model_arg(call)
        if arg is None:
            return []
        endpoint = ENDPOINTS[kind]
        values: list[str] = []
        for literal in self.model.resolve_strings(arg.value, scope)[0]:
            written = string_value(literal)
            if written is None or not written.strip():
                continue  # a placeholder filled in before the request
            bare = split_provider(written)[1] if call in self._factory_models else written
            retired_glm = not own_url and bare.startswith(("glm-", "chatglm"))
            if self.tables.is_target(endpoint, bare) or (
                self.tables.match_on(endpoint, bare) is not None and not retired_glm
            ):
                return []
            if bare not in values:
                values.append(bare)
        return values

    def _kept_model(self, call: cst.Call, scope: Scope, kind: str) -> str | None:
        """The first OpenAI model id the class is given that has no GLM counterpart (GLM102's)."""
        arg = self._model_arg(call)
        if arg is None:
            return None
        endpoint = ENDPOINTS[kind]
        for literal in self.model.resolve_strings(arg.value, scope)[0]:
            written = string_value(literal)
            if not written or written.isspace():
                continue
            bare = split_provider(written)[1] if call in self._factory_models else written
            if self.tables.is_target(endpoint, bare):
                continue
            match = self.tables.match_on(endpoint, bare) or self.tables.match_model(bare)
            if match is not None and not match.glm:
                return bare
        return None

    def _claim_model(self, call: cst.Call, scope: Scope) -> None:
        model = self._model_arg(call)
        if model is not None:
            self.claim(*self.model.resolve_strings(model.value, scope)[0])

    def _thinking_switch(self, call: cst.Call, name: str) -> None:
        """The configured `--thinking` switch, as GLM204 adds it to SDK calls."""
        mode = self.settings.thinking
        extra_body = find_kwarg(call, "extra_body")
        if mode is None or find_kwarg(call, "thinking") or find_kwarg(call, "reasoning_effort"):
            return
        if extra_body is not None and (
            not isinstance(extra_body.value, cst.Dict) or dict_entry(extra_body.value, "thinking")
        ):
            return
        switch = cst.parse_expression(f'{{"type": "{mode}"}}')
        fix = Fix(
            ((call, partial(put_in_extra_body, name="thinking", value=switch)),),
            f'Add `extra_body={{"thinking": {{"type": "{mode}"}}}}`',
        )
        self.report(
            call, f"`{name}` without a thinking switch (configured: {mode})", fix=fix, severity=Severity.WARNING
        )

    def _api_key(self, call: cst.Call, name: str, adding: _Adding, scope: Scope, *, moving: bool, legacy: bool) -> None:
        key_env = self.key_env
        arg = _kwarg(call, ALIASES["api_key"])
        if arg is None:
            keyword = ALIASES["api_key"][1 if legacy else 0]
            title = f'Pass `{keyword}=os.environ["{key_env}"]`'
            what, applicability = "reads `OPENAI_API_KEY`", None
            if not moving:
                # Already aimed at Z.AI, as GLM001 says of an SDK client: the deployment may keep its
                # Z.AI key in OPENAI_API_KEY, and where the program writes that variable itself
                # (`os.environ["OPENAI_API_KEY"] = os.getenv("ZHIPUAI_API_KEY")`) it does
                if self.tables.sdk_key_env in self.model.program_key_envs:
                    return
                what += ", which may hold an OpenAI key"
                applicability = Applicability.UNSAFE
            adding.keyword(
                keyword, ALIASES["api_key"], env_key_lookup(key_env), what, title, ("os",), applicability=applicability
            )
            return
        env = env_lookup(arg.value)
        if env is not None and env[0] in self.tables.openai_key_envs:
            fix = key_renaming_fix(arg.value, key_env)
            self.report(arg.value, f"`{name}` key read from `{env[0]}`", fix=fix)
        elif (
            moving
            and env is None
            and key_literal(arg.value) is None
            and not key_setting_moves(self.model, self.tables, key_env, arg.value, scope)
        ):
            # the key of a client this run moves to Z.AI: it was an OpenAI key until now
            named = names_openai_key(self.model, self.tables, arg.value, scope)
            unseen = _unseen_key(self.model, arg.value, scope)
            if named is not None:
                message = f"`{name}` key `{short_code(arg.value)}` is OpenAI's key (`{named}`): moved to Z.AI, it "
                self.report(
                    arg.value, message + "would be sent there", fix=openai_key_replacing_fix(arg.value, key_env)
                )
            elif unseen is not None:
                message = (
                    f"`{name}` key `{short_code(arg.value)}` is imported from `{unseen}`, which this run does not read "
                    "(neither among the files given nor found beside them): the class sent it to OpenAI until now, "
                    f"and moved to Z.AI would send it there; replace it, or run glm-migrate on `{unseen}` too"
                )
                self.report(arg.value, message, fix=openai_key_replacing_fix(arg.value, key_env))
            elif not key_setting_followed(self.model, self.tables, key_env, arg.value, scope):
                message = f"`{name}` key comes from `{short_code(arg.value)}`: make sure it holds a Z.AI key"
                self.report(arg.value, message, severity=Severity.WARNING)

    def _model(
        self, call: cst.Call, scope: Scope, kind: str, name: str, adding: _Adding
    ) -> tuple[str | None, str | None]:
        """Rewrites or reports the class's model; returns why the new one could break the
        program (embeddings of another size), if it could, and what else the class's move must
        wait for: an id the code also uses as data (a test, a lookup, a tokenizer), which a
        person or an unsafe fix changes."""
        endpoint = ENDPOINTS[kind]
        arg = self._model_arg(call)
        values = [arg.value] if arg is not None else adding.sources(MODEL_ALIASES)
        dimensions = find_kwarg(call, "dimensions")

        def resizing(old: str, new: str) -> str | None:
            if kind != "langchain_embeddings":
                return None
            return embedding_width_change(self.tables, old, new, dimensions.value if dimensions else None)

        if not values:
            new = self.tables.lookup_model(endpoint, DEFAULT_MODELS[kind])
            if not new:
                return None, None
            resized = resizing(DEFAULT_MODELS[kind], new)
            literal = cst.SimpleString(f'"{new}"')
            what = f"uses OpenAI's `{DEFAULT_MODELS[kind]}`"
            sized = old_width_in_code(self.model, self.tables, DEFAULT_MODELS[kind], new) if resized else None
            if sized is not None:
                self.report(
                    call, f"`{name}` without a model {what}; {sized}: pass a GLM model and change both together"
                )
            else:
                what += f"; {resized}" if resized else ""
                adding.keyword("model", MODEL_ALIASES, literal, what, f'Pass `model="{new}"`', without="a model")
            self._vector_space(call, kind, DEFAULT_MODELS[kind], new)
            return resized, None
        resolved = [self.model.resolve_strings(value, scope) for value in values]
        literals = [found for found_literals, _ in resolved for found in found_literals]
        if not literals and arg is not None and not all(complete for _, complete in resolved):
            # `ChatOpenAI(model=sys.argv[1])`: as GLM104 says of an SDK call
            self.report(
                arg.value,
                f"`{name}` model comes from `{short_code(arg.value)}` at run time: make sure it is a GLM id",
                severity=Severity.WARNING,
            )
        factory = call in self._factory_models
        resized = waits = None
        # `PRICES[model]`, `model.startswith("gpt-")`, `choices=[...]` beside the class, as GLM101
        # finds them beside an SDK call: the id changes there by hand, with them
        tests = (
            model_tests(self.model, arg.value, scope, self._tests_of)
            if arg is not None and arg.value not in literals
            else []
        )
        for literal in literals:
            written = string_value(literal) or ""
            prefix, old = split_provider(written) if factory else ("", written)
            match = self.tables.match_on(endpoint, old)
            if match is None or not match.glm or self.claimed(literal):
                continue
            self.claim(literal)
            self._vector_space(call, kind, old, match.glm)
            new = f"{prefix}:{match.glm}" if prefix else match.glm
            edits: tuple[tuple[cst.CSTNode, NodeEdit], ...] = ((literal, partial(replace_string, value=new)),)
            title = f"Replace with `{new}`"
            if factory and not prefix and find_kwarg(call, "model_provider") is None:
                # LangChain tells OpenAI's models by their name; a GLM id needs the provider said
                edits += ((call, _with_openai_provider),)
                title += ' and pass `model_provider="openai"`'
            message = f"Model id `{old}`{match.label} on `{name}`"
            azure = self._azure_held.get(literal)
            if azure is not None and azure is not call and not self._alternatives(azure, call):
                # `AzureChatOpenAI(model=llm_name, ...)` and `ChatOpenAI(model=llm_name)`: the
                # Azure class stays on its deployment (by hand), so the id they share stays too
                self.report(
                    literal,
                    f"{message}, also given to `{short_code(azure)}`, which stays on its Azure deployment: give "
                    f"the classes that move `{new}` by hand",
                )
                waits = waits or f'`"{old}"` replaced by hand'
                continue
            deciding = [test for test in tests if _decides_between(test, old, match.glm)]
            holder = self.model.assigned_names.get(literal)
            tokenizer = literal in self.model.tokenizer_literals or (
                holder is not None and holder in self.model.tokenizer_names
            )
            if tokenizer:
                # `tiktoken.encoding_for_model(model)` beside the class, here or in the module a
                # caller hands it to: it raises KeyError for a GLM id
                shown = f"`{holder}`" if holder else "it"
                message += f"; {shown} also feeds `encoding_for_model`, which does not know `{match.glm}`"
            if deciding:
                checks = tests_shown([test.code for test in deciding])
                message += f", also tested by {checks}: replace it with `{match.glm}` and update the test"
                self.report(literal, message)
                report_model_tests(self, self._tested, deciding, old, match.glm)
                waits = waits or f'`"{old}"` replaced by hand'
                continue
            if tokenizer:
                self.report(literal, message, fix=Fix(edits, title, applicability=Applicability.UNSAFE))
                waits = waits or f'`"{old}"` rewritten'
                continue
            resized = resized or resizing(old, match.glm)
            sized = old_width_in_code(self.model, self.tables, old, match.glm) if resized else None
            if sized is not None:
                self.report(literal, f"{message}; {sized}: change both together")
                continue
            self.report(literal, message + (f"; {resized}" if resized else ""), fix=Fix(edits, title))
        return resized, waits


def _names_a_server(node: cst.ClassDef) -> bool:
    """The class body names a server of its own: a `base_url` (or `openai_api_base`) field,
    attribute or keyword (`super().__init__(base_url=...)`)."""
    return any(name.value in ALIASES["base_url"] for name in names_in(node.body))


def _decides_between(test: ModelTest, old: str, new: str) -> bool:
    """Whether `test` may tell the class's old id from its new one: a lookup (`PRICES[model]`,
    `PRICES.get(model)`), declared choices, or a comparison with literals whose answer differs
    for the two (`model == "gpt-4o"`, `model in ("gpt-4o", "gpt-4o-mini")`). A prefix or substring
    test (`model.startswith("gpt-")`, `"claude" in model`) asks which family the model is of, and
    a GLM id's other answer is what it is for: GLM103 warns of it where it is written."""
    node = test.node
    if (
        type(node) is cst.Call
        and type(node.func) is cst.Attribute
        and node.func.attr.value in ("startswith", "endswith")
    ):
        return False
    if type(node) is not cst.Comparison or len(node.comparisons) != 1:
        return True
    target = node.comparisons[0]
    operator, left, right = type(target.operator), node.left, target.comparator
    if operator in (cst.In, cst.NotIn) and type(left) is cst.SimpleString:
        return False  # `"claude" in model`
    if operator in (cst.Equal, cst.NotEqual):
        for other in (left, right):
            if type(other) is cst.SimpleString and (value := string_value(other)) is not None:
                return (old == value) != (new == value)
    if operator in (cst.In, cst.NotIn) and type(right) in (cst.Tuple, cst.List, cst.Set):
        values = [string_value(e.value) for e in right.elements]  # type: ignore[attr-defined]
        if all(value is not None for value in values):
            return (old in values) != (new in values)
    return True


def _unseen_key(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> str | None:
    """The module a key is imported from when the project index cannot read it (`imported_key`)."""
    imported = imported_key(model, value, scope)
    return imported[0].rpartition(".")[0] if imported is not None and imported[2] == KEY_UNSEEN[1] else None
