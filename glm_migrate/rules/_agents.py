"""What the OpenAI Agents SDK rules (GLM010, GLM011) share: the SDK's calls in a module, and
which of them set up a client bound for Z.AI."""

from __future__ import annotations

import functools
from collections.abc import Callable

import libcst as cst

from glm_migrate.rules._clients import migrates_to_zai, repoint_blocker
from glm_migrate.semantic import Client, Scope, SemanticModel, Target, find_kwarg

#: the `[frameworks]` kinds of calls that hand the SDK a client, and where the client goes
CLIENT_ARGUMENTS = {
    "agents_default_client": ("client", 0),
    "agents_chat_model": ("openai_client", 1),
    "agents_responses_model": ("openai_client", 1),
    "agents_provider": ("openai_client", None),
}
#: names only the Agents SDK exports: a module importing one of them from `agents` uses the SDK
#: (a project's own `agents` package rarely has them)
SDK_NAMES = frozenset(
    {"Runner", "function_tool", "ModelSettings", "RunConfig", "handoff", "set_default_openai_client"}
    | {"set_default_openai_api", "set_tracing_disabled", "OpenAIChatCompletionsModel", "OpenAIProvider"}
)


class AgentsModule:
    """The Agents SDK calls of one module, by `[frameworks]` kind."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.calls: dict[str, list[tuple[cst.Call, Scope]]] = {}
        for call, scope, kind in model.framework_calls:
            if kind.startswith("agents_"):
                self.calls.setdefault(kind, []).append((call, scope))

    def of_kind(self, kind: str) -> list[tuple[cst.Call, Scope]]:
        return self.calls.get(kind, [])

    @functools.cached_property
    def uses_sdk(self) -> bool:
        """The module imports a name only the Agents SDK has, or calls one of its set-up functions."""
        imported = {
            binding.qualified
            for bindings in self.model.module_scope.bindings.values()
            for binding in bindings
            if binding.qualified is not None
        }
        return any(f"agents.{name}" in imported for name in SDK_NAMES) or any(
            kind != "agents_agent" for kind in self.calls
        )

    def client_argument(self, call: cst.Call, kind: str) -> cst.BaseExpression | None:
        keyword, position = CLIENT_ARGUMENTS[kind]
        arg = find_kwarg(call, keyword)
        if arg is not None:
            return arg.value
        positional = [a for a in call.args if a.keyword is None and not a.star]
        return positional[position].value if position is not None and len(positional) > position else None

    def bound_for_zai(self, call: cst.Call, scope: Scope, kind: str) -> bool:
        """The call hands the SDK a client that talks to Z.AI after this run: already Z.AI's, or
        an OpenAI client of this module the client rules point there."""
        argument = self.client_argument(call, kind)
        if argument is None:
            return False
        clients = [value for value in self.model.values_of(argument, scope) if isinstance(value, Client)]
        return bool(clients) and all(self._moves(client) for client in clients)

    def given_by_caller(self, call: cst.Call, scope: Scope, kind: str) -> bool:
        """The call hands the SDK a client its caller chooses (a parameter or attribute declared
        as the SDK's client), which may be one pointed at Z.AI."""
        argument = self.client_argument(call, kind)
        if argument is None:
            return False
        clients = [value for value in self.model.values_of(argument, scope) if isinstance(value, Client)]
        return bool(clients) and all(
            client.origin == "annotation" and client.sdk == "openai" and client.target is Target.OPENAI
            for client in clients
        )

    def _moves(self, client: Client) -> bool:
        if client.target is Target.ZAI:
            return True
        return migrates_to_zai(client) and repoint_blocker(self.model, client) is None

    def zai_setups(self, kinds: tuple[str, ...] = tuple(CLIENT_ARGUMENTS)) -> list[tuple[cst.Call, Scope, str]]:
        """The calls of these kinds that hand the SDK a client bound for Z.AI, in source order."""
        found = [
            (call, scope, kind)
            for kind in kinds
            for call, scope in self.of_kind(kind)
            if self.bound_for_zai(call, scope, kind)
        ]
        return sorted(found, key=lambda item: self.model.calls.index((item[0], item[1])))

    def statement_of(self, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """The statement line holding `node`, when it stands in a block (not in a lambda, say)."""
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, cst.SimpleStatementLine):
            if isinstance(current, cst.Lambda | cst.BaseCompoundStatement):
                return None
            current = self.model.parents.get(current)
        return current


def insert_beside(code: str) -> Callable[[cst.SimpleStatementLine], cst.FlattenSentinel[cst.BaseStatement]]:
    """An edit that adds the statement `code` after the statement it is given, or before it when
    that statement leaves the block (`return Model(...)`, `raise`): after it, it would never run."""
    statement = cst.parse_statement(code)

    def edit(node: cst.SimpleStatementLine) -> cst.FlattenSentinel[cst.BaseStatement]:
        if any(type(small) in (cst.Return, cst.Raise, cst.Continue, cst.Break) for small in node.body):
            first = statement.with_changes(leading_lines=node.leading_lines)
            return cst.FlattenSentinel([first, node.with_changes(leading_lines=())])
        return cst.FlattenSentinel([node, statement])

    return edit
