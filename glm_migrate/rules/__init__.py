"""The registry of every rule: the code rules, run by the engine (order is run order, and run order
is behaviour: see the comments), and the rules on configuration files and notebooks, applied by the
runner (config_files.py)."""

from __future__ import annotations

from glm_migrate.config_files import CONFIG_RULES
from glm_migrate.diagnostics import RuleInfo
from glm_migrate.rules._base import Rule
from glm_migrate.rules.agents_tracing import AgentsTracing
from glm_migrate.rules.azure_openai_client import AzureOpenAIClient
from glm_migrate.rules.content_only_stream import ContentOnlyStream
from glm_migrate.rules.developer_role import DeveloperRole
from glm_migrate.rules.dict_response_read import DictResponseRead
from glm_migrate.rules.embedding_dimensions import EmbeddingDimensions
from glm_migrate.rules.embedding_encoding_format import EmbeddingEncodingFormat
from glm_migrate.rules.embedding_vector_space import EmbeddingVectorSpace
from glm_migrate.rules.forced_tool_choice import ForcedToolChoice
from glm_migrate.rules.greedy_temperature import GreedyTemperature
from glm_migrate.rules.hardcoded_api_key import HardcodedApiKey
from glm_migrate.rules.langchain_openai_class import LangchainOpenAIClass
from glm_migrate.rules.legacy_function_calling import LegacyFunctionCalling
from glm_migrate.rules.legacy_openai_api import LegacyOpenAIApi
from glm_migrate.rules.list_content_message import ListContentMessage
from glm_migrate.rules.litellm_model import LitellmModel
from glm_migrate.rules.llamaindex_openai_class import LlamaindexOpenAIClass
from glm_migrate.rules.max_completion_tokens import MaxCompletionTokens
from glm_migrate.rules.missing_thinking_option import MissingThinkingOption
from glm_migrate.rules.model_id_as_data import ModelIdAsData
from glm_migrate.rules.model_setting import ModelSetting
from glm_migrate.rules.multiple_stop_sequences import MultipleStopSequences
from glm_migrate.rules.no_glm_endpoint import NoGlmEndpoint
from glm_migrate.rules.no_user_message import NoUserMessage
from glm_migrate.rules.openai_agents_setup import OpenAIAgentsSetup
from glm_migrate.rules.openai_api_key import OpenAIApiKey
from glm_migrate.rules.openai_client_base_url import OpenAIClientBaseURL
from glm_migrate.rules.openai_env_var import OpenAIEnvVar
from glm_migrate.rules.openai_error_module import OpenAIErrorModule
from glm_migrate.rules.openai_model_name import OpenAIModelName
from glm_migrate.rules.openai_only_client_option import OpenAIOnlyClientOption
from glm_migrate.rules.openai_url_in_code import OpenAIUrlInCode
from glm_migrate.rules.parameter_out_of_range import ParameterOutOfRange
from glm_migrate.rules.reasoning_effort import ReasoningEffort
from glm_migrate.rules.rejected_thinking_switch import RejectedThinkingSwitch
from glm_migrate.rules.small_thinking_budget import SmallThinkingBudget
from glm_migrate.rules.streamed_tool_calls import StreamedToolCalls
from glm_migrate.rules.structured_output import StructuredOutput
from glm_migrate.rules.temperature_and_top_p import TemperatureAndTopP
from glm_migrate.rules.todo_marker import TodoMarker
from glm_migrate.rules.transcription_clip_limit import TranscriptionClipLimit
from glm_migrate.rules.unbound_openai_name import UnboundOpenaiName
from glm_migrate.rules.unknown_model_id import UnknownModelId
from glm_migrate.rules.unresolved_model_id import UnresolvedModelId
from glm_migrate.rules.unsupported_chat_parameter import UnsupportedChatParameter
from glm_migrate.rules.unsupported_endpoint_argument import UnsupportedEndpointArgument
from glm_migrate.rules.unused_suppression import UnusedSuppression
from glm_migrate.rules.zhipuai_package import ZhipuaiPackage

#: The code rules, in run order: the engine runs each hook item by item, each rule in turn (see
#: `engine._run_hooks`). `CLAIM_PRIORITY` and `RUN_ORDER` say what this order must keep.
ALL_RULES: tuple[type[Rule], ...] = (
    OpenAIApiKey,  # GLM001
    OpenAIClientBaseURL,  # GLM002
    HardcodedApiKey,  # GLM003
    OpenAIOnlyClientOption,  # GLM004
    OpenAIErrorModule,  # GLM005
    LangchainOpenAIClass,  # GLM006
    ZhipuaiPackage,  # GLM007
    AzureOpenAIClient,  # GLM008
    OpenAIEnvVar,  # GLM009
    OpenAIAgentsSetup,  # GLM010
    AgentsTracing,  # GLM011
    UnboundOpenaiName,  # GLM012
    OpenAIModelName,  # GLM101
    UnknownModelId,  # GLM102
    UnresolvedModelId,  # GLM104
    LlamaindexOpenAIClass,  # GLM302
    LitellmModel,  # GLM107
    LegacyOpenAIApi,  # GLM303
    ModelSetting,  # GLM108
    DictResponseRead,  # GLM304
    ModelIdAsData,  # GLM103
    TranscriptionClipLimit,  # GLM105
    EmbeddingVectorSpace,  # GLM106
    ParameterOutOfRange,  # GLM201
    TemperatureAndTopP,  # GLM202
    MaxCompletionTokens,  # GLM203
    ReasoningEffort,  # GLM205
    MissingThinkingOption,  # GLM204
    StreamedToolCalls,  # GLM206
    GreedyTemperature,  # GLM207
    UnsupportedChatParameter,  # GLM208
    ForcedToolChoice,  # GLM209
    MultipleStopSequences,  # GLM210
    StructuredOutput,  # GLM211
    LegacyFunctionCalling,  # GLM212
    ListContentMessage,  # GLM213
    UnsupportedEndpointArgument,  # GLM214
    EmbeddingDimensions,  # GLM215
    EmbeddingEncodingFormat,  # GLM216
    RejectedThinkingSwitch,  # GLM217
    SmallThinkingBudget,  # GLM218
    ContentOnlyStream,  # GLM219
    DeveloperRole,  # GLM220
    NoUserMessage,  # GLM221  after GLM220: its fix edits the message whose role GLM220 renames
    NoGlmEndpoint,  # GLM301
    OpenAIUrlInCode,  # GLM405
    TodoMarker,  # GLM990  markers written by --add-todo
    UnusedSuppression,  # GLM991  reported by the engine's suppression pass (suppressions.py)
)

#: The rules that claim model ids at module end, by priority: the first claim on a node holds
#: (claims.py), so each sees as handled what those before it claimed; GLM103, last, reports as
#: data only the ids nobody claimed. (GLM101 and GLM301 also claim as they meet each call,
#: before any module-end hook runs.) The run order keeps this order; a test checks it.
CLAIM_PRIORITY = ("GLM006", "GLM010", "GLM101", "GLM102", "GLM302", "GLM107", "GLM303", "GLM108", "GLM103")

#: Other pairs whose order matters: (rule, rule it runs before, why).
RUN_ORDER: tuple[tuple[str, str, str], ...] = (
    ("GLM001", "GLM002", "the lines inserted for a module client read the key, then the URL"),
    # GLM-only options share one extra_body: each edit reads the call as the earlier ones left it.
    ("GLM205", "GLM204", "a call with reasoning_effort gets its thinking option from GLM205"),
    ("GLM201", "GLM207", "GLM207 overrides GLM201's clamp of a negative temperature"),
    *(
        (switch, check, "the target-model checks see the thinking switches GLM205 and GLM204 add")
        for switch in ("GLM205", "GLM204")
        for check in ("GLM217", "GLM218", "GLM219")
    ),
)


#: every rule glm-migrate reports, as --list-rules, --explain, --select and SARIF know them
REGISTRY: tuple[RuleInfo, ...] = (*ALL_RULES, *CONFIG_RULES)


def rule_by_code(code: str) -> RuleInfo | None:
    return next((rule for rule in REGISTRY if code == rule.CODE), None)


def unknown_patterns(patterns: frozenset[str]) -> list[str]:
    """Patterns (codes or prefixes such as GLM1) that match no rule: a usage error."""
    return sorted(p for p in patterns if not any(rule.CODE.startswith(p) for rule in REGISTRY))
