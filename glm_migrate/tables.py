"""The data tables in `rules/*.toml`: parsed once into frozen objects that rules query."""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from glm_migrate.startup import user_cache_dir
from glm_migrate.targets import TIERS, TargetError, TargetProfile, Targets, parse_targets

SUPPORTED_VERSION = 1
TABLE_FILES = ("models", "endpoints", "parameters", "signatures", "targets", "sdk")
ENDPOINTS = ("chat", "embeddings", "images", "audio_transcriptions")
#: what a model family may belong to: GLM's endpoints, then OpenAI APIs GLM-4.6 has no counterpart for
FAMILY_ENDPOINTS = (*ENDPOINTS, "audio_speech", "completions", "moderations", "realtime")
#: keys of an exact model entry written as a table (`"gpt-4o" = { glm = "glm-4.6", shutdown = 2027-01-14 }`)
ENTRY_KEYS = frozenset({"glm", "shutdown", "why"})
FAMILY_KEYS = frozenset(
    {
        "name", "endpoint", "pattern", "glm", "why", "resource", "report_anywhere", "triggers", "examples",
        "claims_not", "shutdown",
    }
)  # fmt: skip
SDKS = ("openai", "azure", "zai", "zhipuai")
#: GLM's `user_id` length bounds (glm-target-api.md 3.1), for the codemod and the mock endpoint
USER_ID_LENGTH = range(6, 129)


#: providers that prefix a model id with a colon (LangChain's `init_chat_model("openai:gpt-4o")`,
#: PydanticAI's `Agent("openai:gpt-4o")`), unlike fine-tuned ids (`ft:gpt-4o-mini:org::id`)
_COLON_PROVIDERS = frozenset({"openai", "azure", "azure_openai"})


@functools.lru_cache(maxsize=4096)
def split_provider(value: str) -> tuple[str, str]:
    """("openai", "gpt-4o") for "openai/gpt-4o" (LiteLLM, gateways) and "openai:gpt-4o"; ("",
    value) for a bare id."""
    if "/" in value:
        provider, _, model_id = value.rpartition("/")
        return provider, model_id
    provider, colon, model_id = value.partition(":")
    if colon and provider.lower() in _COLON_PROVIDERS:
        return provider.lower(), model_id
    return "", value


@functools.lru_cache(maxsize=4096)
def _undated(dated_suffix: re.Pattern[str], model_id: str) -> str:
    """`model_id` without a dated or preview suffix, memoised: rules ask about string literals
    again and again."""
    return dated_suffix.sub("", model_id)


@functools.lru_cache(maxsize=4096)
def _family_index(families: re.Pattern[str], model_id: str, base: str) -> int | None:
    """Which family (by position) claims `model_id`, memoised like `_undated`. The undated `base`
    is tried first: `gpt-3.5-turbo-instruct-0914` is an instruct snapshot before it is a `gpt-*` id."""
    match = families.fullmatch(base) or (families.fullmatch(model_id) if base != model_id else None)
    return int(match.lastgroup[1:]) if match is not None and match.lastgroup else None


class TablesError(ValueError):
    """A table file is missing, malformed or has a key of the wrong type."""


@dataclass(frozen=True, slots=True)
class ModelFamily:
    """Ids nobody listed yet, claimed by pattern (`[[families]]` in models.toml)."""

    name: str  #: shown in findings: "OpenAI chat family"
    endpoint: str  #: one of FAMILY_ENDPOINTS
    pattern: re.Pattern[str]
    glm: str  #: "" = no GLM counterpart
    why: str  #: for glm == "": what to do instead
    triggers: tuple[str, ...]  #: substrings every id of the family contains (discovery pre-check)
    examples: tuple[str, ...]  #: ids it claims
    claims_not: tuple[str, ...]  #: look-alikes it leaves alone
    #: reported wherever the id is written, not only where a request is seen to send it
    report_anywhere: bool = False
    #: when OpenAI shuts the family's ids down (None: no date published)
    shutdown: date | None = None


@dataclass(frozen=True, slots=True)
class ModelMatch:
    """What the model map says about one id: the endpoint it belongs to and its GLM id."""

    endpoint: str
    glm: str  #: "" = no GLM counterpart
    family: ModelFamily | None = None  #: None for an exact entry (shipped, or a user override)
    #: when OpenAI shuts the id down (None: no date published, or not an OpenAI id)
    shutdown: date | None = None
    #: for an exact entry without a GLM counterpart: what to do instead (its `why`)
    reason: str = ""

    def shutdown_note(self, today: date | None) -> str:
        """`; OpenAI shut it down on 2026-10-23: calls with it fail today` (or `shuts it down
        on ...`), for messages; "" without a date. `today` None: the date is not compared."""
        if self.shutdown is None:
            return ""
        if today is not None and self.shutdown <= today:
            return f"; OpenAI shut it down on {self.shutdown.isoformat()}: calls with it fail today"
        return f"; OpenAI shuts it down on {self.shutdown.isoformat()}"

    def shut_down(self, today: date | None) -> bool:
        """Whether OpenAI has already shut the id down on `today`."""
        return self.shutdown is not None and today is not None and self.shutdown <= today

    @property
    def label(self) -> str:
        """` (OpenAI chat family)` for a family match, nothing for an exact one: for messages."""
        return f" ({self.family.name})" if self.family is not None else ""

    @property
    def why(self) -> str:
        """What to do instead, for an id without a GLM counterpart ("" when not known)."""
        return self.family.why if self.family is not None else self.reason


@dataclass(frozen=True, slots=True)
class Range:
    """The values a numeric parameter accepts, bounds included."""

    min: float
    max: float


@dataclass(frozen=True, slots=True)
class UiSlider:
    """A widget a user picks a sampling parameter with (`[ui_sliders]` in parameters.toml): the
    keywords and position of its upper bound, then of its initial value (-1: keyword only)."""

    max: tuple[str, ...]
    max_at: int
    value: tuple[str, ...]
    value_at: int


@dataclass(frozen=True, slots=True)
class UnsupportedParam:
    """An OpenAI request parameter GLM-4.6 does not take (`[unsupported]` in parameters.toml)."""

    why: str  #: what GLM does instead, for the finding
    sdks: frozenset[str] = frozenset()  #: SDKs whose signature accepts it anyway
    tolerated: bool = False  #: observed accepted through the OpenAI SDK
    default: object = None  #: OpenAI's default value (None: none given): passing it changes nothing
    #: response fields only it fills (`logprobs`): code reading them meets None once it is removed
    answers: frozenset[str] = frozenset()
    #: response lists it fills past their first item (`choices` for `n`): code reading
    #: `choices[1]` meets IndexError once it is removed
    beyond_first: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ImageGeneration:
    """What cogview-4-250304 takes (`[image_generation]` in parameters.toml)."""

    qualities: frozenset[str]
    min_side: int
    max_side: int
    multiple: int
    max_pixels: int
    #: OpenAI arguments GLM lacks -> OpenAI's default value (passing exactly it changes nothing)
    defaults: Mapping[str, object]
    #: OpenAI arguments GLM lacks that make the call stream events (`stream`, `partial_images`)
    streams: frozenset[str]
    #: OpenAI arguments GLM lacks -> the response lists they fill past their first item (`n`:
    #: `data`): a read of a later item by a literal index leaves the removal to a person
    beyond_first: Mapping[str, frozenset[str]]

    def size_problem(self, size: str) -> str | None:
        """Why a `WIDTHxHEIGHT` size is not accepted, or None."""
        width, _, height = size.partition("x")
        if not (width.isdigit() and height.isdigit()):
            return "is not WIDTHxHEIGHT"
        sides = (int(width), int(height))
        if not all(self.min_side <= side <= self.max_side for side in sides):
            return f"needs both sides within {self.min_side}-{self.max_side}"
        if any(side % self.multiple for side in sides):
            return f"needs both sides divisible by {self.multiple}"
        if sides[0] * sides[1] > self.max_pixels:
            return f"exceeds {self.max_pixels} pixels"
        return None


@dataclass(frozen=True, slots=True)
class Signature:
    """The parameters of one SDK constructor or resource method (`rules/signatures.toml`)."""

    #: the parameters that may be passed by position, in order
    positional: tuple[str, ...]
    #: the parameters that may be passed by name
    keyword: frozenset[str]
    required: frozenset[str]
    var_positional: bool
    var_keyword: bool

    def accepts(self, name: str) -> bool:
        return self.var_keyword or name in self.keyword


@dataclass(frozen=True, slots=True)
class SdkClient:
    """A client class: its constructor and the resource methods glm-migrate rewrites."""

    distribution: str  #: the package it comes from ("openai", "zai-sdk")
    constructor: Signature
    #: normalised resource path ("chat.completions.create") -> its signature
    methods: Mapping[str, Signature]


@dataclass(frozen=True, slots=True)
class Signatures:
    """What the fix guard binds rewritten calls against, generated from the installed SDKs."""

    #: distribution -> the version the table was generated from
    versions: Mapping[str, str]
    #: qualified class name ("openai.OpenAI") -> its signatures
    clients: Mapping[str, SdkClient]


# no __eq__/__repr__: loaded once per run and never compared; each generated method is compiled at start-up (Python 3.11)
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class SdkSurface:
    """The shape of the OpenAI SDK the semantic pass recognises (`rules/sdk.toml`)."""

    #: resource attributes of the v1 module-level client (`openai.chat`)
    module_client_resources: frozenset[str]
    #: openai<1.0 resources (`openai.ChatCompletion`) and module settings only it reads
    legacy_resources: frozenset[str]
    legacy_settings: frozenset[str]
    #: modules only openai<1.0 has (`openai.embeddings_utils`), and the functions of
    #: `openai.embeddings_utils` that send a request (`get_embedding`)
    legacy_modules: frozenset[str]
    legacy_request_helpers: frozenset[str]
    #: path segments that wrap a resource method without changing the request (`with_raw_response`)
    transparent_segments: frozenset[str]
    #: client methods that return a copy of the client (`with_options`)
    client_copy_methods: frozenset[str]
    #: client attributes holding its credentials as headers (`auth_headers`): code reading one
    #: sends requests of its own with the client's key
    credential_attributes: frozenset[str]
    #: segments only OpenAI's SDK has: an untraced receiver's call with one is an OpenAI call
    distinctive_segments: frozenset[str]
    #: other import paths of client classes ("openai.lib.azure.AzureOpenAI") -> their names
    class_aliases: Mapping[str, str]
    #: the SDKs' stand-ins for an argument left out (`openai.NOT_GIVEN`), and classes whose
    #: instance is one (`openai.NotGiven`)
    omitted_values: frozenset[str]
    omitted_classes: frozenset[str]
    #: the SDK's types listing OpenAI's model ids (`openai.types.ChatModel`, `[model_types]`)
    model_types: frozenset[str]
    #: resource paths whose model the SDK may leave out -> the model OpenAI then uses
    #: (`("images", "generate")` -> "dall-e-2", `[default_models]`)
    default_models: Mapping[tuple[str, ...], str]
    #: packages of other LLM vendors whose clients copy OpenAI's shape (`groq`)
    other_vendors: frozenset[str]
    #: modules standing in for an SDK (`langfuse.openai` -> `openai`, `[dropins] modules`)
    dropin_modules: Mapping[str, str]
    #: keywords those modules' methods keep for themselves (`[dropins] own_options`)
    dropin_options: frozenset[str]
    #: top-level packages whose calls send a model id to a model (`openai`, `langchain_openai`, `litellm`)
    model_packages: frozenset[str]
    #: of those, the ones whose calls other rules check (the SDKs, LangChain, LiteLLM)
    model_packages_checked: frozenset[str]
    #: calls of those checked packages that no rule checks (`dspy.OpenAI`, DSPy before 2.6) ->
    #: the call that replaces them (`dspy.LM`)
    model_calls_unchecked: Mapping[str, str]
    #: components holding their own OpenAI client (Haystack's `OpenAIGenerator`) -> the model
    #: they send when given none
    model_components: Mapping[str, str]
    #: the keywords with which those libraries' calls take their server (`api_base_url`)
    model_reader_url_keywords: tuple[str, ...]
    #: other keywords under which they take a provider-prefixed model id (crawl4ai's `provider=`)
    model_reader_id_keywords: frozenset[str]
    #: top-level packages of HTTP clients (`requests`): what they send goes to the URL they are given
    http_clients: frozenset[str]
    #: prefixes (lower case) of request headers in which a service (Weaviate) takes OpenAI's key or URL
    service_headers: tuple[str, ...]
    #: instructor's client factories, the modes that force `tool_choice`, and the JSON mode
    instructor_factories: frozenset[str]
    instructor_tool_modes: frozenset[str]
    instructor_json_mode: str
    #: instructor's modes that ask for a `json_schema` response format
    instructor_schema_modes: frozenset[str]
    #: instructor's client methods that send a chat completions request (`client.create`)
    instructor_methods: frozenset[str]
    #: lower-case names code gives OpenAI's provider among others ("openai", "azure_openai")
    openai_provider_names: frozenset[str]
    #: words naming another provider in a model variable's name (`anthropic_model`)
    other_model_words: frozenset[str]
    #: how a test of a model id tells OpenAI's (`"gpt" in model`, `model.startswith("gpt-")`)
    openai_model_markers: frozenset[str]
    #: normalised resource path ("chat", "completions", "create") -> GLM endpoint ("chat")
    endpoints: Mapping[tuple[str, ...], str]
    #: GLM endpoint -> the fields the SDK's response objects for it declare, nested parts included
    response_fields: Mapping[str, frozenset[str]]

    def unchecked_model_reader(self, qualified: str) -> bool:
        """The call `qualified` (a dotted name) sends a model id that no rule of its own checks:
        a call of an LLM library (`[model_readers]`) outside those other rules check, or one of
        their calls that no rule checks (`dspy.OpenAI`)."""
        top = qualified.partition(".")[0]
        if not self.reads_models(qualified):
            return False
        return top not in self.model_packages_checked or qualified in self.model_calls_unchecked

    def reads_models(self, qualified: str) -> bool:
        """`qualified` (a dotted name) is of an LLM library (`[model_readers] packages`: a
        top-level package, or a subpackage such as `google.adk`)."""
        top, _, rest = qualified.partition(".")
        return top in self.model_packages or f"{top}.{rest.partition('.')[0]}" in self.model_packages

    def has_member(self, name: str) -> bool:
        """An OpenAI client has an attribute `name` that leads to API calls (a resource, a copy
        method, a wrapper such as `with_raw_response`)."""
        return (
            name in self.module_client_resources
            or name in self.client_copy_methods
            or name in self.transparent_segments
        )

    def normalise_path(self, path: Sequence[str]) -> tuple[str, ...]:
        """`path` without its transparent segments: `chat.with_raw_response.completions.create`
        is `chat.completions.create`."""
        return tuple(segment for segment in path if segment not in self.transparent_segments)


@dataclass(frozen=True, slots=True)
class LitellmProvider:
    """LiteLLM's provider for Z.AI (`[litellm]` in endpoints.toml)."""

    prefix: str  #: "zai": models are written `zai/glm-4.6`
    api_key_env: str  #: the variable it reads the key from
    api_base_env: str  #: the variable it reads the URL from
    env_reference: str  #: "os.environ/": a settings string naming a variable
    mock_options: tuple[str, ...]  #: keywords with which LiteLLM answers itself and sends nothing
    #: request parameters the zai provider takes; others it refuses without `drop_params=True`
    supported_params: frozenset[str]
    #: LiteLLM's (and dspy.LM's) own keywords, never sent as request parameters
    own_options: frozenset[str]
    #: the keyword and value with which `dspy.LM` calls LiteLLM's Responses API
    responses_option: tuple[str, ...] = ()
    #: packages whose model strings are LiteLLM's (`litellm`, `dspy`, FutureHouse's `lmi`): a
    #: model setting of a module importing one (and no client SDK) becomes `zai/glm-4.6`
    packages: tuple[str, ...] = ("litellm",)
    #: frameworks' model classes that hand their model string to LiteLLM (`crewai.LLM`)
    wrappers: frozenset[str] = frozenset()
    #: the first LiteLLM release with the zai provider (`zai_since`), as numbers
    zai_since: tuple[int, ...] = ()


# no __eq__/__repr__: loaded once per run and never compared; each generated method is compiled at start-up (Python 3.11)
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Tables:
    """The data of `rules/*.toml`, checked and indexed: model map, endpoints, parameters, SDKs."""

    #: endpoint ("chat", "embeddings", ...) -> source id -> GLM id ("" = no equivalent)
    models: Mapping[str, Mapping[str, str]]
    #: endpoint -> GLM ids that endpoint serves
    targets: Mapping[str, frozenset[str]]
    #: Zhipu's special-purpose chat models (code, role-play) that no target replaces: they stay
    special_chat: frozenset[str]
    dated_suffix: re.Pattern[str]
    #: Zhipu's id prefixes: an id that starts with one in lower case is looked up in lower case
    case_folded_prefixes: tuple[str, ...]
    #: a fine-tune of a Zhipu chat model: served on BigModel to its account, so a chat target
    zhipu_fine_tune: re.Pattern[str]
    #: ids nobody listed, by pattern, in the order they are tried
    families: tuple[ModelFamily, ...]
    #: every family's pattern as one alternation, group `f<i>` for families[i]
    family_pattern: re.Pattern[str]
    #: region name -> base URL (with trailing slash)
    base_urls: Mapping[str, str]
    default_region: str
    api_key_env: str
    base_url_env: str
    openai_hosts: frozenset[str]
    zai_hosts: frozenset[str]
    #: proxies in front of OpenAI: "host" or "host/segment" -> the proxy's name (`[proxies] hosts`)
    proxy_hosts: Mapping[str, str]
    #: qualified names of the gateways' constants holding such a URL -> the proxy's name
    proxy_constants: Mapping[str, str]
    openai_key_envs: frozenset[str]
    #: the one of them the OpenAI SDK reads (`OPENAI_API_KEY`)
    sdk_key_env: str
    openai_base_url_envs: frozenset[str]
    secret_prefixes: tuple[str, ...]
    #: UI and terminal functions a person types a key into (`st.text_input`, `gr.Textbox`, `getpass`)
    key_input_functions: frozenset[str]
    #: what other providers' keys look like (`secret_shapes`, each matched against a whole literal)
    secret_shapes: tuple[re.Pattern[str], ...]
    #: words that make a key literal a stand-in the program works with (`is_dummy_key`)
    dummy_key_words: tuple[str, ...]
    limits: Mapping[str, Range]
    #: widgets a user picks `temperature` or `top_p` with, by the last part of their name
    ui_sliders: Mapping[str, UiSlider]
    renamed_params: Mapping[str, str]
    #: GLM-only request option -> SDKs that take it as a keyword (the others need extra_body)
    glm_options: Mapping[str, frozenset[str]]
    #: OpenAI chat parameter -> why GLM-4.6 lacks it
    unsupported_params: Mapping[str, UnsupportedParam]
    #: keys of `extra_body` that ask another provider for an extension (Azure's `data_sources`) -> why
    extra_body_unsupported: Mapping[str, str]
    image_generation: ImageGeneration
    #: glm-asr's clip limits: (seconds, megabytes)
    transcription_limits: tuple[int, int]
    #: OpenAI resource path prefix ("audio.speech") with no GLM-4.6 counterpart -> what to do instead
    unavailable: Mapping[str, str]
    #: such a resource -> its methods in the OpenAI SDK: another method is another library's
    #: (google-genai's `client.models.generate_content`)
    unavailable_methods: Mapping[str, frozenset[str]]
    #: what keeps a Responses API call from becoming a chat completion -> what to do instead
    responses_advice: Mapping[str, str]
    #: resources that manage an OpenAI account's own data: a client used for nothing else stays
    account_resources: frozenset[str]
    #: OpenAI-hosted application state (assistants, threads): its clients stay, its calls are errors
    hosted_state_resources: frozenset[str]
    #: AzureOpenAI-only constructor options, the key variables it reads, its token options
    azure_options: frozenset[str]
    azure_key_envs: frozenset[str]
    azure_token_options: frozenset[str]
    #: variables under OpenAI's prefix only Azure OpenAI reads, and its hosts' suffixes: beside
    #: them, OpenAI's variable names hold an Azure configuration
    azure_config_envs: frozenset[str]
    azure_hosts: tuple[str, ...]
    azure_endpoint_env_prefixes: tuple[str, ...]
    #: an Azure client's options sent with each request (headers, query): Azure's, secrets included
    azure_request_options: tuple[str, ...]
    #: OpenAI client options that route its requests to another cloud (`provider=bedrock(...)`)
    other_cloud_options: frozenset[str]
    #: the keys that make a dict literal a Batch API request line; the last names its request body
    batch_line_keys: tuple[str, ...]
    #: keywords of LangChain's chat classes that are LangChain's own, never sent (`metadata=`)
    langchain_own_fields: frozenset[str]
    #: fields of ChatOpenAI that make it call the Responses API
    langchain_responses_fields: frozenset[str]
    #: methods of a LangChain chat model that add request keywords (`bind`, `bind_tools`)
    langchain_binding_methods: frozenset[str]
    #: options of LangChain's plain OpenAI classes that configure them for Azure OpenAI
    langchain_azure_options: tuple[str, ...]
    #: LangChain agents sending OpenAI's legacy `functions=`, and the `AgentType`s choosing them
    langchain_functions_agents: frozenset[str]
    langchain_functions_agent_types: frozenset[str]
    #: wrapper kind ("langchain_chat", "litellm_chat", ...) -> qualified names of its classes/functions
    frameworks: Mapping[str, frozenset[str]]
    #: LlamaIndex's OpenAI classes -> the model they send when given none (`[llamaindex] defaults`)
    llamaindex_defaults: Mapping[str, str]
    litellm: LitellmProvider
    #: openai<1 `openai.error.X` -> its openai>=1 name ("" = none)
    legacy_errors: Mapping[str, str]
    #: legacy error classes whose v1 name catches less
    narrower_errors: frozenset[str]
    #: what an OpenAI client's constructor raises without a key (`openai.OpenAIError`)
    missing_key_errors: frozenset[str]
    #: OpenAI embedding model -> the size of its vectors
    openai_embedding_sizes: Mapping[str, int]
    #: GLM embedding model -> the `dimensions` values Z.AI documents
    documented_dimensions: Mapping[str, tuple[int, ...]]
    #: endpoint -> top-level request keys GLM accepts there (the mock endpoint rejects the rest)
    accepted_params: Mapping[str, frozenset[str]]
    #: chat models that answer with reasoning_content unless thinking is disabled
    thinking_models: frozenset[str]
    #: chat models that take image / video / file parts; the others take text only
    vision_models: frozenset[str]
    #: embedding model -> accepted `dimensions` (the maximum is the default)
    embedding_dimensions: Mapping[str, Range]
    #: qualified class name -> (sdk, is_async); sdk is "openai", "azure", "zai" or "zhipuai"
    clients: Mapping[str, tuple[str, bool]]
    #: lower-case words; a file containing none of them has nothing to migrate
    triggers: tuple[str, ...]
    signatures: Signatures
    sdk: SdkSurface
    #: source id -> when OpenAI shuts it down (exact entries that give a `shutdown`)
    shutdowns: Mapping[str, date]
    #: source id -> what to do instead, for exact entries mapped to "" that say `why`
    reasons: Mapping[str, str]
    #: every target profile and the GLM model lineage (targets.toml)
    targets_file: Targets
    #: the profile these tables are configured for (see `configured`)
    target: TargetProfile
    #: the tables as written (for the baseline target), when these are aimed at another one
    written: Tables | None = None
    #: `match_model`'s answers by id: rules ask about the same literals again and again (each
    #: copy made by `replace` starts empty, as its map may differ)
    _matches: dict[str, ModelMatch | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: `match_on`'s, by (endpoint, id)
    _matches_on: dict[tuple[str, str], ModelMatch | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def match_model(self, model_id: str) -> ModelMatch | None:
        """The model map's one lookup: the endpoint `model_id` belongs to and its GLM id, or None.

        An exact entry (or user override) on any endpoint wins, the id as written before the id
        without its dated suffix; then the first family whose pattern matches either."""
        model_id = self.folded(model_id)
        try:
            return self._matches[model_id]
        except KeyError:
            pass
        if len(self._matches) >= _MATCHES_KEPT:
            self._matches.clear()
        match = self._matches[model_id] = self._match_model(model_id)
        return match

    def _match_model(self, model_id: str) -> ModelMatch | None:
        base = _undated(self.dated_suffix, model_id)
        shutdown = self.shutdowns.get(model_id) or self.shutdowns.get(base)
        for candidate in (model_id, base):
            for endpoint, table in self.models.items():
                if candidate in table:
                    return ModelMatch(
                        endpoint, table[candidate], shutdown=shutdown, reason=self.reasons.get(candidate, "")
                    )
        index = _family_index(self.family_pattern, model_id, base)
        if index is None:
            return None
        family = self.families[index]
        return ModelMatch(family.endpoint, family.glm, family, shutdown or family.shutdown)

    def match_on(self, endpoint: str, model_id: str) -> ModelMatch | None:
        """`match_model`, for an id sent to `endpoint`: None when the map does not know it there
        (unlisted, or an id of another endpoint)."""
        model_id = self.folded(model_id)
        key = (endpoint, model_id)
        try:
            return self._matches_on[key]
        except KeyError:
            pass
        if len(self._matches_on) >= _MATCHES_KEPT:
            self._matches_on.clear()
        match = self._matches_on[key] = self._match_on(endpoint, model_id)
        return match

    def _match_on(self, endpoint: str, model_id: str) -> ModelMatch | None:
        table = self.models.get(endpoint, {})
        if model_id in table:
            shutdown = self.shutdowns.get(model_id) or self.shutdowns.get(_undated(self.dated_suffix, model_id))
            return ModelMatch(endpoint, table[model_id], shutdown=shutdown, reason=self.reasons.get(model_id, ""))
        match = self.match_model(model_id)
        return match if match is not None and match.endpoint == endpoint else None

    def lookup_model(self, endpoint: str, model_id: str) -> str | None:
        """The GLM id for `model_id` on `endpoint` ("" when there is none), or None if unknown there."""
        match = self.match_on(endpoint, model_id)
        return match.glm if match is not None else None

    def is_target(self, endpoint: str, model_id: str) -> bool:
        model_id = self.folded(model_id)
        return model_id in self.targets.get(endpoint, frozenset()) or (
            endpoint == "chat" and self.zhipu_fine_tune.fullmatch(model_id) is not None
        )

    def folded(self, model_id: str) -> str:
        """`GLM-4-Flash` -> `glm-4-flash`: Zhipu's ids in lower case, as the tables list them;
        any other id as written."""
        lower = model_id.lower()
        return lower if lower != model_id and lower.startswith(self.case_folded_prefixes) else model_id

    def glm_id(self, endpoint: str, model_id: str) -> str | None:
        """What `model_id` is after the migration: itself if GLM's already, else as `lookup_model`."""
        return model_id if self.is_target(endpoint, model_id) else self.lookup_model(endpoint, model_id)

    def known_endpoint_for(self, model_id: str) -> str | None:
        """The endpoint `model_id` belongs to (one of FAMILY_ENDPOINTS), for ids met outside a call."""
        match = self.match_model(model_id)
        return match.endpoint if match is not None else None

    def names_model_prefix(self, prefix: str) -> bool:
        """Whether ids the map knows start with `prefix` (`model.startswith("gpt-")` tests them)."""
        return any(source.startswith(prefix) for table in self.models.values() for source in table) or any(
            example.startswith(prefix) for family in self.families for example in family.examples
        )

    def writes_model_prefix(self, prefix: str) -> bool:
        """Whether GLM ids the migration writes start with `prefix` (`model.startswith("glm-")`:
        ids moved from OpenAI's now pass it)."""
        return any(glm.startswith(prefix) for table in self.models.values() for glm in table.values() if glm) or any(
            family.glm.startswith(prefix) for family in self.families if family.glm
        )

    def unavailable_advice(self, path: tuple[str, ...]) -> tuple[str, str] | None:
        """(prefix, advice) for the longest `[unavailable]` prefix of a resource path, if any."""
        for length in range(len(path), 0, -1):
            prefix = ".".join(path[:length])
            if prefix in self.unavailable:
                methods = self.unavailable_methods.get(prefix)
                if methods is not None and len(path) > length and path[length] not in methods:
                    return None  # `client.models.generate_content`: not the OpenAI SDK's resource
                return prefix, self.unavailable[prefix]
        return None

    def framework_of(self, qualified_names: set[str]) -> str | None:
        """The `[frameworks]` kind one of these qualified names belongs to, if any."""
        for kind, names in self.frameworks.items():
            if qualified_names & names:
                return kind
        return None

    def looks_like_key(self, value: str) -> bool:
        """A literal shaped like an API key of OpenAI (`sk-...`), Zhipu (`id.secret`) or Azure."""
        if value.startswith(self.secret_prefixes) and len(value) >= 20:
            return True
        return any(shape.fullmatch(value) for shape in self.secret_shapes)

    def is_dummy_key(self, value: str) -> bool:
        """A key literal the program works with as it is (`"sk-mock-key-for-testing"`, `"fake"`)."""
        lowered = value.lower()
        return any(word in lowered for word in self.dummy_key_words)

    def is_secret_key(self, value: str) -> bool:
        """A key literal that is a real secret: shaped like one, or OpenAI's prefix, and no stand-in."""
        return not self.is_dummy_key(value) and (self.looks_like_key(value) or value.startswith(self.secret_prefixes))

    def base_url(self, region: str) -> str:
        return self.base_urls[region]

    def mentions_trigger(self, source: str | bytes) -> bool:
        """Whether the source mentions anything a rule looks for; other files are never parsed."""
        lowered = source.lower()
        if isinstance(lowered, bytes):
            return any(trigger.encode() in lowered for trigger in self.triggers)
        return any(trigger in lowered for trigger in self.triggers)

    def configured(
        self,
        target: str | None = None,
        profile: Mapping[str, Any] | None = None,
        models: Mapping[str, str] | None = None,
    ) -> Tables:
        """These tables for one run: aimed at `target` (a profile name or alias from targets.toml;
        None: these tables' own target, which for `load_tables()` is the default), with `profile` overriding facts of that profile (keys as in
        targets.toml) and the user's `models` entries merged over the map. Built once per
        combination. Raises TargetError on an unknown target or a bad override.

        The map, limits and messages are written for the baseline profile; the target's chat,
        vision and cheap ids stand in for the baseline's, GLM ids older than the target's `keeps`
        generation move up to the target's id of their tier, and `max_tokens`, the accepted
        parameters and the model's name in messages follow the profile."""
        written = self.written or self
        name = target or self.target.name
        key = (id(written), name, repr(sorted((profile or {}).items())))
        if key not in _configured_tables:
            _configured_tables[key] = (written, written._retargeted(written.targets_file.profile(name, profile)))
        return _configured_tables[key][1].with_model_overrides(models or {})

    def _retargeted(self, profile: TargetProfile) -> Tables:
        """These tables, written for the baseline profile, aimed at `profile`."""
        if profile == self.target:
            return self
        baseline = self.target
        stand_in = {baseline.tier_id(tier): profile.tier_id(tier) for tier in TIERS}
        models = {
            endpoint: {source: stand_in.get(glm, glm) for source, glm in table.items()}
            for endpoint, table in self.models.items()
        }
        models["chat"].update(self.targets_file.upgrades(profile))
        for model_id in self.targets_file.served(profile):
            models["chat"].pop(model_id, None)
        families = tuple(replace(f, glm=stand_in.get(f.glm, f.glm)) for f in self.families)
        accepted = dict(self.accepted_params)
        if profile.reasoning_effort is not None:
            accepted["chat"] = accepted["chat"] | {"reasoning_effort"}

        def renamed(text: str) -> str:
            return text.replace(baseline.display, profile.display)

        return replace(
            self,
            models=MappingProxyType({e: MappingProxyType(t) for e, t in models.items()}),
            targets=MappingProxyType({**self.targets, "chat": self.targets_file.served(profile) | self.special_chat}),
            families=families,
            limits=MappingProxyType({**self.limits, "max_tokens": Range(1, profile.max_tokens)}),
            accepted_params=MappingProxyType(accepted),
            unsupported_params=MappingProxyType(
                {name: replace(spec, why=renamed(spec.why)) for name, spec in self.unsupported_params.items()}
            ),
            unavailable=MappingProxyType({path: renamed(advice) for path, advice in self.unavailable.items()}),
            reasons=MappingProxyType({source: renamed(why) for source, why in self.reasons.items()}),
            target=profile,
            written=self,
        )

    def with_model_overrides(self, overrides: Mapping[str, str]) -> Tables:
        """Copy with user entries merged over every endpoint that lists the id (chat otherwise).

        Built once per set of overrides, not once per file."""
        if not overrides:
            return self
        key = (id(self), tuple(sorted(overrides.items())))
        if key not in _merged_tables:
            _merged_tables[key] = (self, self._merged(overrides))
        return _merged_tables[key][1]

    def _merged(self, overrides: Mapping[str, str]) -> Tables:
        merged = {endpoint: dict(table) for endpoint, table in self.models.items()}
        targets = dict(self.targets)
        for source, target in overrides.items():
            # an id the map knows only by its family is overridden on the family's endpoint
            match = self.match_model(source)
            endpoints = [e for e, t in merged.items() if source in t] or [match.endpoint if match else "chat"]
            for endpoint in endpoints:
                merged.setdefault(endpoint, {})[source] = target
                # the id a user chose stays: it is not moved on as an older GLM generation
                if target:
                    merged[endpoint].pop(target, None)
                    targets[endpoint] = targets.get(endpoint, frozenset()) | {target}
        return replace(
            self,
            models=MappingProxyType({e: MappingProxyType(t) for e, t in merged.items()}),
            targets=MappingProxyType(targets),
        )


#: how many `match_model` answers a Tables keeps
_MATCHES_KEPT = 4096
#: (id of the base tables, overrides) -> (the base tables, kept alive so the id stays theirs; merged)
_merged_tables: dict[tuple[int, tuple[tuple[str, str], ...]], tuple[Tables, Tables]] = {}
#: (id of the base tables, target, profile overrides) -> (the base tables; configured)
_configured_tables: dict[tuple[int, str | None, str], tuple[Tables, Tables]] = {}


def _get(raw: Mapping[str, Any], path: str, kind: type | tuple[type, ...], file: str) -> Any:
    node: Any = raw
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise TablesError(f"rules/{file}.toml: missing key `{path}`")
        node = node[part]
    if not isinstance(node, kind):
        raise TablesError(f"rules/{file}.toml: `{path}` has the wrong type")
    return node


def _str_list(raw: Mapping[str, Any], path: str, file: str) -> tuple[str, ...]:
    values = _get(raw, path, list, file)
    if not all(isinstance(v, str) for v in values):
        raise TablesError(f"rules/{file}.toml: `{path}` must be a list of strings")
    return tuple(values)


def dropin_qualified(dropins: Mapping[str, str], qualified: str) -> str | None:
    """The SDK name a drop-in module's name stands for (`langfuse.openai.openai` is `openai`,
    `langfuse.openai.OpenAI` is `openai.OpenAI`; `dropins` as `[dropins] modules`), else None."""
    for module, sdk in dropins.items():
        if qualified.startswith(f"{module}."):
            rest = qualified[len(module) + 1 :]
            return sdk if rest == sdk else f"{sdk}.{rest}"
    return None


def _str_table(raw: Mapping[str, Any], path: str, file: str) -> dict[str, str]:
    values = _get(raw, path, dict, file)
    if not all(isinstance(v, str) for v in values.values()):
        raise TablesError(f"rules/{file}.toml: `{path}` must map names to strings")
    return dict(values)


def _range(spec: Mapping[str, Any], file: str) -> Range:
    return Range(float(_get(spec, "min", (int, float), file)), float(_get(spec, "max", (int, float), file)))


def _entry_target(endpoint: str, source: str, entry: object) -> tuple[str, date | None, str]:
    """The GLM id of an exact entry, OpenAI's shutdown date for it and, for an id mapped to "",
    what to do instead: `"gpt-4o" = "glm-4.6"`, `"gpt-4o" = { glm = "glm-4.6", shutdown =
    2027-01-14 }` or `"glm-4-alltools" = { glm = "", why = "..." }`."""
    where = f"rules/models.toml: `[{endpoint}]` entry `{source}`"
    if isinstance(entry, str):
        return entry, None, ""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("glm"), str):
        raise TablesError(f"{where} must be a string or a table with a string `glm`")
    if unknown := sorted(set(entry) - ENTRY_KEYS):
        raise TablesError(f"{where} has unknown keys: {', '.join(unknown)}")
    why = entry.get("why", "")
    if not isinstance(why, str) or (why and entry["glm"]):
        raise TablesError(f'{where}: `why` is a string, for an id mapped to ""')
    return str(entry["glm"]), _shutdown(entry, where), why


def _shutdown(spec: Mapping[str, Any], where: str) -> date | None:
    value = spec.get("shutdown")
    if value is not None and (not isinstance(value, date) or hasattr(value, "hour")):
        raise TablesError(f"{where}: `shutdown` must be a date such as 2026-10-23")
    return value


def _family(spec: object, index: int, unavailable: Mapping[str, str]) -> ModelFamily:
    where = f"[[families]] entry {index + 1}"
    if not isinstance(spec, Mapping):
        raise TablesError(f"rules/models.toml: {where} must be a table")
    if unknown := sorted(set(spec) - FAMILY_KEYS):
        raise TablesError(f"rules/models.toml: {where} has unknown keys: {', '.join(unknown)}")
    name = _get(spec, "name", str, "models")
    where = f"family `{name}`"
    endpoint = _get(spec, "endpoint", str, "models")
    if endpoint not in FAMILY_ENDPOINTS:
        raise TablesError(f"rules/models.toml: {where} has an unknown endpoint `{endpoint}`")
    source = _get(spec, "pattern", str, "models")
    try:
        pattern = re.compile(source)
    except re.error as exc:
        raise TablesError(f"rules/models.toml: {where} has a broken pattern: {exc}") from None
    if pattern.groupindex:
        raise TablesError(f"rules/models.toml: {where}: named groups are reserved for the lookup")
    glm = _get(spec, "glm", str, "models")
    why = spec.get("why", "")
    resource = spec.get("resource")
    if resource is not None:
        if resource not in unavailable:
            raise TablesError(f"rules/models.toml: {where} names `{resource}`, which `[unavailable]` lacks")
        why = unavailable[resource]
    if not isinstance(why, str) or (not glm and not why):
        raise TablesError(f"rules/models.toml: {where} maps to nothing: say `why` or name a `resource`")
    lists = {
        key: _str_list(spec, key, "models") if key in spec else () for key in ("triggers", "examples", "claims_not")
    }
    if not lists["examples"]:
        raise TablesError(f"rules/models.toml: {where} needs `examples`")
    anywhere = spec.get("report_anywhere", False)
    if not isinstance(anywhere, bool):
        raise TablesError(f"rules/models.toml: {where}: `report_anywhere` must be true or false")
    return ModelFamily(
        name,
        endpoint,
        pattern,
        glm,
        why,
        lists["triggers"],
        lists["examples"],
        lists["claims_not"],
        anywhere,
        _shutdown(spec, f"rules/models.toml: {where}"),
    )


def _responses_advice(endpoints_raw: Mapping[str, Any]) -> Mapping[str, str]:
    advice = {str(k): v for k, v in _get(endpoints_raw, "responses", Mapping, "endpoints").items()}
    missing = {"input", "tools", "result", "other", "other_method"} - set(advice)
    if missing or not all(isinstance(v, str) for v in advice.values()):
        raise TablesError(
            f"rules/endpoints.toml: `[responses]` needs text for {', '.join(sorted(missing)) or 'each key'}"
        )
    return MappingProxyType(advice)


def _family_triggers(families: tuple[ModelFamily, ...]) -> list[str]:
    return [trigger for family in families for trigger in family.triggers]


def parse_tables(raw: Mapping[str, Mapping[str, Any]]) -> Tables:
    """Build `Tables` from the parsed TOML documents keyed by file stem. Pure; raises TablesError."""
    for name in TABLE_FILES:
        if name not in raw:
            raise TablesError(f"rules/{name}.toml is missing")
        if raw[name].get("version") != SUPPORTED_VERSION:
            raise TablesError(f"rules/{name}.toml: unsupported `version` (expected {SUPPORTED_VERSION})")
    models_raw, endpoints_raw, params_raw = raw["models"], raw["endpoints"], raw["parameters"]
    try:
        target_file = parse_targets(raw["targets"])
    except TargetError as exc:
        raise TablesError(str(exc)) from None
    baseline = target_file.profiles[target_file.baseline]

    models: dict[str, Mapping[str, str]] = {}
    special_chat = frozenset(_str_list(models_raw, "targets.chat", "models"))
    targets: dict[str, frozenset[str]] = {"chat": target_file.served(baseline) | special_chat}
    shutdowns: dict[str, date] = {}
    reasons: dict[str, str] = {}
    for endpoint in ENDPOINTS:
        table = _get(models_raw, endpoint, Mapping, "models")
        entries = {source: _entry_target(endpoint, source, v) for source, v in table.items()}
        models[endpoint] = MappingProxyType({source: glm for source, (glm, _, _) in entries.items()})
        shutdowns.update({source: when for source, (_, when, _) in entries.items() if when is not None})
        reasons.update({source: why for source, (_, _, why) in entries.items() if why})
        if endpoint != "chat":  # GLM's chat models: targets.toml `[glm_models]`
            targets[endpoint] = frozenset(_str_list(models_raw, f"targets.{endpoint}", "models"))
    unavailable = {k: str(v) for k, v in _get(endpoints_raw, "unavailable", Mapping, "endpoints").items()}
    families = tuple(
        _family(spec, index, unavailable) for index, spec in enumerate(_get(models_raw, "families", list, "models"))
    )

    regions = _get(endpoints_raw, "regions", Mapping, "endpoints")
    base_urls = {name: _get(regions, f"{name}.base_url", str, "endpoints") for name in regions}
    default_region = _get(endpoints_raw, "default_region", str, "endpoints")
    if default_region not in base_urls:
        raise TablesError(f"rules/endpoints.toml: unknown default_region `{default_region}`")

    limits = {
        name: _range(spec, "parameters") for name, spec in _get(params_raw, "limits", Mapping, "parameters").items()
    }
    limits["max_tokens"] = Range(1, baseline.max_tokens)  # the ceiling is the target's (targets.toml)
    renamed = _get(params_raw, "renamed", Mapping, "parameters")
    glm_options = {
        name: frozenset(_str_list(params_raw, f"glm_options.{name}", "parameters"))
        for name in _get(params_raw, "glm_options", Mapping, "parameters")
    }
    unsupported = {
        name: UnsupportedParam(
            why=_get(spec, "why", str, "parameters"),
            sdks=frozenset(_str_list(spec, "sdks", "parameters")) if "sdks" in spec else frozenset(),
            tolerated=bool(spec.get("tolerated", False)),
            default=spec.get("default"),
            answers=frozenset(_str_list(spec, "answers", "parameters")) if "answers" in spec else frozenset(),
            beyond_first=(
                frozenset(_str_list(spec, "beyond_first", "parameters")) if "beyond_first" in spec else frozenset()
            ),
        )
        for name, spec in _get(params_raw, "unsupported", Mapping, "parameters").items()
    }
    accepted = {
        endpoint: frozenset(_str_list(params_raw, f"accepted.{endpoint}", "parameters")) for endpoint in ENDPOINTS
    }
    documented = {
        model: tuple(int(size) for size in sizes)
        for model, sizes in _get(params_raw, "embedding_vectors.documented", Mapping, "parameters").items()
    }
    dimensions = {model: Range(min(sizes), max(sizes)) for model, sizes in documented.items()}
    clients: dict[str, tuple[str, bool]] = {}
    for name, spec in _get(endpoints_raw, "clients", Mapping, "endpoints").items():
        sdk, _, flavour = str(spec).partition(" ")
        if sdk not in SDKS or flavour not in ("", "async"):
            raise TablesError(f"rules/endpoints.toml: `clients.{name}` must be '<sdk>' or '<sdk> async'")
        clients[name] = (sdk, flavour == "async")

    return Tables(
        models=MappingProxyType(models),
        targets=MappingProxyType(targets),
        special_chat=special_chat,
        dated_suffix=re.compile(_get(models_raw, "dated_suffix", str, "models")),
        case_folded_prefixes=tuple(_str_list(models_raw, "case_folded_prefixes", "models")),
        zhipu_fine_tune=re.compile(_get(models_raw, "zhipu_fine_tune", str, "models")),
        families=families,
        family_pattern=re.compile("|".join(f"(?P<f{i}>{f.pattern.pattern})" for i, f in enumerate(families))),
        base_urls=MappingProxyType(base_urls),
        default_region=default_region,
        api_key_env=_get(endpoints_raw, "api_key_env", str, "endpoints"),
        base_url_env=_get(endpoints_raw, "base_url_env", str, "endpoints"),
        openai_hosts=frozenset(_str_list(endpoints_raw, "hosts.openai", "endpoints")),
        zai_hosts=frozenset(_str_list(endpoints_raw, "hosts.zai", "endpoints")),
        proxy_hosts=MappingProxyType(_str_table(endpoints_raw, "proxies.hosts", "endpoints")),
        proxy_constants=MappingProxyType(_str_table(endpoints_raw, "proxies.constants", "endpoints")),
        openai_key_envs=frozenset(_str_list(endpoints_raw, "env.openai_api_key", "endpoints")),
        sdk_key_env=_str_list(endpoints_raw, "env.openai_api_key", "endpoints")[0],
        openai_base_url_envs=frozenset(_str_list(endpoints_raw, "env.openai_base_url", "endpoints")),
        secret_prefixes=_str_list(endpoints_raw, "env.secret_prefixes", "endpoints"),
        key_input_functions=frozenset(_str_list(endpoints_raw, "env.key_input_functions", "endpoints")),
        secret_shapes=tuple(re.compile(shape) for shape in _str_list(endpoints_raw, "env.secret_shapes", "endpoints")),
        dummy_key_words=_str_list(endpoints_raw, "env.dummy_key_words", "endpoints"),
        limits=MappingProxyType(limits),
        ui_sliders=MappingProxyType(
            {
                name: UiSlider(
                    tuple(_str_list(spec, "max", "parameters")),
                    _get(spec, "max_at", int, "parameters"),
                    tuple(_str_list(spec, "value", "parameters")),
                    _get(spec, "value_at", int, "parameters"),
                )
                for name, spec in _get(params_raw, "ui_sliders", Mapping, "parameters").items()
            }
        ),
        renamed_params=MappingProxyType(dict(renamed)),
        glm_options=MappingProxyType(glm_options),
        unsupported_params=MappingProxyType(unsupported),
        extra_body_unsupported=MappingProxyType(
            {
                str(key): str(why)
                for key, why in _get(params_raw, "extra_body_unsupported", Mapping, "parameters").items()
            }
        ),
        image_generation=ImageGeneration(
            qualities=frozenset(_str_list(params_raw, "image_generation.qualities", "parameters")),
            min_side=_get(params_raw, "image_generation.min_side", int, "parameters"),
            max_side=_get(params_raw, "image_generation.max_side", int, "parameters"),
            multiple=_get(params_raw, "image_generation.multiple", int, "parameters"),
            max_pixels=_get(params_raw, "image_generation.max_pixels", int, "parameters"),
            defaults=MappingProxyType(dict(_get(params_raw, "image_generation.defaults", Mapping, "parameters"))),
            streams=frozenset(_str_list(params_raw, "image_generation.streams", "parameters")),
            beyond_first=MappingProxyType(
                {
                    name: frozenset(_str_list(params_raw, f"image_generation.beyond_first.{name}", "parameters"))
                    for name in _get(params_raw, "image_generation.beyond_first", Mapping, "parameters")
                }
            ),
        ),
        unavailable=MappingProxyType(unavailable),
        unavailable_methods=MappingProxyType(
            {
                resource: frozenset(_str_list(endpoints_raw, f"unavailable_methods.{resource}", "endpoints"))
                for resource in _get(endpoints_raw, "unavailable_methods", Mapping, "endpoints")
            }
        ),
        responses_advice=_responses_advice(endpoints_raw),
        account_resources=frozenset(_str_list(endpoints_raw, "openai_account.resources", "endpoints")),
        hosted_state_resources=frozenset(_str_list(endpoints_raw, "openai_account.hosted_state", "endpoints")),
        azure_options=frozenset(_str_list(endpoints_raw, "azure.options", "endpoints")),
        azure_key_envs=frozenset(_str_list(endpoints_raw, "azure.api_key_envs", "endpoints")),
        azure_token_options=frozenset(_str_list(endpoints_raw, "azure.token_options", "endpoints")),
        azure_config_envs=frozenset(_str_list(endpoints_raw, "azure.config_envs", "endpoints")),
        azure_hosts=tuple(_str_list(endpoints_raw, "azure.hosts", "endpoints")),
        azure_endpoint_env_prefixes=_str_list(endpoints_raw, "azure.endpoint_env_prefixes", "endpoints"),
        azure_request_options=_str_list(endpoints_raw, "azure.request_options", "endpoints"),
        other_cloud_options=frozenset(_str_list(endpoints_raw, "hosts.other_cloud_options", "endpoints")),
        batch_line_keys=tuple(_str_list(endpoints_raw, "openai_account.batch_line_keys", "endpoints")),
        langchain_own_fields=frozenset(_str_list(endpoints_raw, "langchain.own_fields", "endpoints")),
        langchain_responses_fields=frozenset(_str_list(endpoints_raw, "langchain.responses_fields", "endpoints")),
        langchain_binding_methods=frozenset(_str_list(endpoints_raw, "langchain.binding_methods", "endpoints")),
        langchain_azure_options=_str_list(endpoints_raw, "langchain.azure_options", "endpoints"),
        langchain_functions_agents=frozenset(_str_list(endpoints_raw, "langchain.functions_agents", "endpoints")),
        langchain_functions_agent_types=frozenset(
            _str_list(endpoints_raw, "langchain.functions_agent_types", "endpoints")
        ),
        frameworks=MappingProxyType(
            {
                kind: frozenset(_str_list(endpoints_raw, f"frameworks.{kind}", "endpoints"))
                for kind in _get(endpoints_raw, "frameworks", Mapping, "endpoints")
            }
        ),
        llamaindex_defaults=MappingProxyType(_str_table(endpoints_raw, "llamaindex.defaults", "endpoints")),
        litellm=LitellmProvider(
            prefix=_get(endpoints_raw, "litellm.provider", str, "endpoints"),
            api_key_env=_get(endpoints_raw, "litellm.api_key_env", str, "endpoints"),
            api_base_env=_get(endpoints_raw, "litellm.api_base_env", str, "endpoints"),
            env_reference=_get(endpoints_raw, "litellm.env_reference", str, "endpoints"),
            mock_options=_str_list(endpoints_raw, "litellm.mock_options", "endpoints"),
            supported_params=frozenset(_str_list(endpoints_raw, "litellm.supported_params", "endpoints")),
            own_options=frozenset(_str_list(endpoints_raw, "litellm.own_options", "endpoints")),
            responses_option=_str_list(endpoints_raw, "litellm.responses_option", "endpoints"),
            packages=_str_list(endpoints_raw, "litellm.packages", "endpoints"),
            wrappers=frozenset(_str_list(endpoints_raw, "litellm.wrappers", "endpoints")),
            zai_since=tuple(
                int(part) for part in _get(endpoints_raw, "litellm.zai_since", str, "endpoints").split(".")
            ),
        ),
        legacy_errors=MappingProxyType(
            {k: str(v) for k, v in _get(endpoints_raw, "legacy_errors", Mapping, "endpoints").items()}
        ),
        narrower_errors=frozenset(_str_list(endpoints_raw, "legacy_errors_narrower.names", "endpoints")),
        missing_key_errors=frozenset(_str_list(endpoints_raw, "missing_key.errors", "endpoints")),
        openai_embedding_sizes=MappingProxyType(
            {k: int(v) for k, v in _get(params_raw, "embedding_vectors.openai", Mapping, "parameters").items()}
        ),
        documented_dimensions=MappingProxyType(documented),
        transcription_limits=(
            _get(params_raw, "audio_transcriptions.max_seconds", int, "parameters"),
            _get(params_raw, "audio_transcriptions.max_megabytes", int, "parameters"),
        ),
        accepted_params=MappingProxyType(accepted),
        thinking_models=frozenset(i for i, model in target_file.models.items() if model.thinking != "none"),
        vision_models=frozenset(i for i, model in target_file.models.items() if model.vision),
        embedding_dimensions=MappingProxyType(dimensions),
        clients=MappingProxyType(clients),
        # the discovery words, and what every id of a family contains
        triggers=tuple(
            dict.fromkeys(
                t.lower()
                for t in (*_str_list(endpoints_raw, "discovery.triggers", "endpoints"), *_family_triggers(families))
            )
        ),
        signatures=_signatures(raw["signatures"]),
        sdk=_sdk_surface(raw["sdk"]),
        shutdowns=MappingProxyType(shutdowns),
        reasons=MappingProxyType(reasons),
        targets_file=target_file,
        target=baseline,
    )


def _sdk_surface(raw: Mapping[str, Any]) -> SdkSurface:
    """`rules/sdk.toml`: resource paths are dotted there and tuples here; every endpoint is one of
    models.toml's sections."""
    endpoints: dict[tuple[str, ...], str] = {}
    for path, endpoint in _get(raw, "endpoints", Mapping, "sdk").items():
        if endpoint not in ENDPOINTS:
            raise TablesError(f"rules/sdk.toml: `endpoints.{path}` names no endpoint of {', '.join(ENDPOINTS)}")
        endpoints[tuple(path.split("."))] = endpoint
    return SdkSurface(
        module_client_resources=frozenset(_str_list(raw, "module_client.resources", "sdk")),
        legacy_resources=frozenset(_str_list(raw, "legacy.resources", "sdk")),
        legacy_settings=frozenset(_str_list(raw, "legacy.settings", "sdk")),
        legacy_modules=frozenset(_str_list(raw, "legacy.modules", "sdk")),
        legacy_request_helpers=frozenset(_str_list(raw, "legacy.request_helpers", "sdk")),
        transparent_segments=frozenset(_str_list(raw, "paths.transparent_segments", "sdk")),
        client_copy_methods=frozenset(_str_list(raw, "paths.client_copy_methods", "sdk")),
        credential_attributes=frozenset(_str_list(raw, "paths.credential_attributes", "sdk")),
        distinctive_segments=frozenset(_str_list(raw, "paths.distinctive_segments", "sdk")),
        class_aliases={str(k): str(v) for k, v in _get(raw, "aliases", Mapping, "sdk").items()},
        omitted_values=frozenset(_str_list(raw, "omitted.values", "sdk")),
        omitted_classes=frozenset(_str_list(raw, "omitted.classes", "sdk")),
        model_types=frozenset(_str_list(raw, "model_types.types", "sdk")),
        default_models=MappingProxyType(
            {tuple(path.split(".")): model for path, model in _str_table(raw, "default_models", "sdk").items()}
        ),
        other_vendors=frozenset(_str_list(raw, "vendors.other", "sdk")),
        dropin_modules=MappingProxyType(_str_table(raw, "dropins.modules", "sdk")),
        dropin_options=frozenset(_str_list(raw, "dropins.own_options", "sdk")),
        model_packages=frozenset(_str_list(raw, "model_readers.packages", "sdk")),
        model_packages_checked=frozenset(_str_list(raw, "model_readers.checked_elsewhere", "sdk")),
        model_calls_unchecked={str(k): str(v) for k, v in _get(raw, "model_readers.unchecked", Mapping, "sdk").items()},
        model_components=MappingProxyType(_str_table(raw, "model_readers.components", "sdk")),
        model_reader_url_keywords=_str_list(raw, "model_readers.base_url_keywords", "sdk"),
        model_reader_id_keywords=frozenset(_str_list(raw, "model_readers.model_id_keywords", "sdk")),
        http_clients=frozenset(_str_list(raw, "model_readers.http_clients", "sdk")),
        service_headers=tuple(prefix.lower() for prefix in _str_list(raw, "model_readers.service_headers", "sdk")),
        instructor_factories=frozenset(_str_list(raw, "instructor.factories", "sdk")),
        instructor_tool_modes=frozenset(_str_list(raw, "instructor.tool_modes", "sdk")),
        instructor_json_mode=_get(raw, "instructor.json_mode", str, "sdk"),
        instructor_schema_modes=frozenset(_str_list(raw, "instructor.schema_modes", "sdk")),
        instructor_methods=frozenset(_str_list(raw, "instructor.methods", "sdk")),
        openai_provider_names=frozenset(name.lower() for name in _str_list(raw, "providers.openai_names", "sdk")),
        other_model_words=frozenset(_str_list(raw, "providers.other_model_words", "sdk")),
        openai_model_markers=frozenset(_str_list(raw, "providers.openai_model_markers", "sdk")),
        endpoints=MappingProxyType(endpoints),
        response_fields=MappingProxyType(
            {endpoint: frozenset(_str_list(raw, f"response_fields.{endpoint}", "sdk")) for endpoint in ENDPOINTS}
        ),
    )


def _signatures(raw: Mapping[str, Any]) -> Signatures:
    """`rules/signatures.toml`: each client names its constructor's and methods' signatures."""
    shared: dict[str, Signature] = {}
    for name, spec in _get(raw, "signatures", Mapping, "signatures").items():
        try:
            shared[name] = Signature(
                positional=_str_list(spec, "positional", "signatures"),
                keyword=frozenset(_str_list(spec, "keyword", "signatures")),
                required=frozenset(_str_list(spec, "required", "signatures")),
                var_positional=_get(spec, "var_positional", bool, "signatures"),
                var_keyword=_get(spec, "var_keyword", bool, "signatures"),
            )
        except TablesError as exc:
            raise TablesError(f'{exc} in `[signatures."{name}"]`') from None

    def named(name: object, where: str) -> Signature:
        if not isinstance(name, str) or name not in shared:
            raise TablesError(f"rules/signatures.toml: `{where}` names no `[signatures]` entry")
        return shared[name]

    clients = {
        qualified: SdkClient(
            distribution=_get(spec, "distribution", str, "signatures"),
            constructor=named(spec.get("constructor"), f"clients.{qualified}.constructor"),
            methods=MappingProxyType(
                {
                    path: named(name, f"clients.{qualified}.methods.{path}")
                    for path, name in _get(spec, "methods", Mapping, "signatures").items()
                }
            ),
        )
        for qualified, spec in _get(raw, "clients", Mapping, "signatures").items()
    }
    versions = _get(raw, "sdk_versions", Mapping, "signatures")
    return Signatures(versions=MappingProxyType(dict(versions)), clients=MappingProxyType(clients))


def tables_dir() -> Path:
    """Where the TOML files are: inside the installed wheel, or `rules/` of a source checkout."""
    # Beside this module (what importlib.resources would find, without its import time)
    packaged = Path(__file__).resolve().parent / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


@functools.cache
def load_tables() -> Tables:
    """Read and parse the shipped tables once per process.

    The parsed tables are also kept pickled in the user's cache folder (`startup.user_cache_dir`), one
    file per installation, under a hash of the table files, of the code that parses them and of
    the versions: a command line run on one file (an editor's save, a pre-commit hook) otherwise
    spends more time importing a TOML parser and parsing the tables than checking the file. A
    pickle that is missing, stale or unreadable is made again; where none can be written (a
    read-only home, say) every process parses the TOML."""
    directory = tables_dir()
    texts: dict[str, bytes] = {}
    for name in TABLE_FILES:
        path = directory / f"{name}.toml"
        try:
            texts[name] = path.read_bytes()
        except FileNotFoundError:
            raise TablesError(f"{path} is missing: the installation is incomplete") from None
    key = _pickle_key(texts)
    pickled = _pickle_path(directory)
    tables = None if pickled is None else _read_pickled(pickled, key)
    if tables is None:
        tables = parse_tables({name: _parse_toml(directory / f"{name}.toml", text) for name, text in texts.items()})
        if pickled is not None:
            _write_pickled(pickled, key, tables)
    try:
        return tables.configured(tables.targets_file.default)
    except TargetError as exc:
        raise TablesError(str(exc)) from None


def _parse_toml(path: Path, text: bytes) -> dict[str, Any]:
    from glm_migrate import lazy_toml

    try:
        # newlines as `read_text` gives them
        return lazy_toml.loads(text.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))
    except lazy_toml.TOMLDecodeError as exc:
        raise TablesError(f"{path}: {exc}") from None


def _pickle_key(texts: Mapping[str, bytes]) -> bytes:
    """What the parsed tables depend on: the table files, the code that parses them, the
    versions of glm-migrate and Python."""
    from glm_migrate import __version__
    from glm_migrate.digest import blake2b

    digest = blake2b(digest_size=16)
    here = Path(__file__).parent
    for code in (here / "tables.py", here / "targets.py"):
        digest.update(code.read_bytes())
    for name, text in texts.items():
        digest.update(f"\0{name}\0{len(text)}\0".encode())
        digest.update(text)
    digest.update(f"{__version__}\0{sys.version}".encode())
    return digest.digest()


def _pickle_path(directory: Path) -> Path | None:
    """One file per installation (per folder of table files and Python), so that installations
    side by side do not take turns replacing each other's."""
    import zlib

    cache = user_cache_dir()
    if cache is None:
        return None
    where = zlib.crc32(str(directory).encode("utf-8", "surrogateescape"))
    return cache / f"tables-{sys.implementation.cache_tag}-{where:08x}.pickle"


def _read_pickled(path: Path, key: bytes) -> Tables | None:
    try:
        data = path.read_bytes()
    except OSError:  # none yet
        return None
    if data[: len(key)] != key:  # made from other tables or code: made again
        return None
    try:
        tables = pickle.loads(data[len(key) :])
    except Exception:  # truncated or damaged: the TOML is parsed instead
        return None
    return tables if isinstance(tables, Tables) else None


def _write_pickled(path: Path, key: bytes, tables: Tables) -> None:
    """Write atomically: a process reading meanwhile sees the old file or the new one."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as file:
            file.write(key)
            _TablesPickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(tables)
        os.replace(partial, path)
    except OSError:  # a read-only home, say: every process parses the TOML
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _mapping_proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


class _TablesPickler(pickle.Pickler):
    """Pickles the read-only mappings Tables holds (which pickle cannot) as their items."""

    def reducer_override(self, obj: object) -> Any:
        if isinstance(obj, MappingProxyType):
            return _mapping_proxy, (dict(obj),)
        return NotImplemented
