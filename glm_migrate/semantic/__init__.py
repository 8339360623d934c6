"""What a module's names refer to: scopes and bindings (`scopes`), clients and API calls
(`clients`), what expressions may hold (`values`), and the model one walk builds (`model`).
What the SDK looks like is data: `rules/sdk.toml`, read as `Tables.sdk`."""

from glm_migrate.nodes import (
    code_of,
    dotted_name,
    env_lookup,
    env_membership,
    evaluated,
    find_kwarg,
    gives_none_when_unset,
    string_value,
)
from glm_migrate.semantic.clients import (
    ApiCall,
    Client,
    ClientOptionAssignment,
    ModuleAttributeAssignment,
    Target,
    is_placeholder_url,
    openai_proxy,
    static_host,
    written_host,
)
from glm_migrate.semantic.model import HandedClient, SemanticModel, walk
from glm_migrate.semantic.scopes import Binding, Scope
from glm_migrate.semantic.values import STRING_PASSTHROUGH_METHODS

__all__ = [
    "STRING_PASSTHROUGH_METHODS",
    "ApiCall",
    "Binding",
    "Client",
    "ClientOptionAssignment",
    "HandedClient",
    "ModuleAttributeAssignment",
    "Scope",
    "SemanticModel",
    "Target",
    "code_of",
    "dotted_name",
    "env_lookup",
    "env_membership",
    "evaluated",
    "find_kwarg",
    "gives_none_when_unset",
    "is_placeholder_url",
    "openai_proxy",
    "static_host",
    "string_value",
    "walk",
    "written_host",
]
