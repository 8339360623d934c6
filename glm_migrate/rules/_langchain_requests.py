"""What a LangChain chat model sends with each request: the keywords of its constructor, the
literal keys of its `model_kwargs`, and those of `.bind(...)` / `.bind_tools(...)` on it, checked
as the raw-call rules check a chat call's arguments (GLM201, GLM205, GLM207, GLM208, GLM209,
GLM210, GLM211, GLM212). An option Z.AI rejects as sent, that only an unsafe fix or a person mends,
is `rejected`: GLM006 then lets the model object move to Z.AI only as safely (engine.py's rule for
SDK clients and their calls' rejected arguments)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.rules._base import Finding, Fix, Rule
from glm_migrate.rules._helpers import (
    NOT_LITERAL,
    code_of,
    dict_entry,
    first_stop_only,
    greedy_sources,
    literal_value,
    number_value,
    out_of_range,
    put_in_extra_body,
    remove_kwargs,
    remove_unsupported,
    replace_with,
)
from glm_migrate.rules.greedy_temperature import greedy_message
from glm_migrate.rules.reasoning_effort import NO_REASONING
from glm_migrate.semantic import Scope, SemanticModel, find_kwarg, string_value
from glm_migrate.targets import NO_THINKING

#: response formats GLM takes (glm-target-api.md 3.1)
RESPONSE_FORMATS = ("text", "json_object")


@dataclass
class RequestOptions:
    """The request options of one LangChain chat model, checked for `rule` (GLM006)."""

    rule: Rule
    scope: Scope
    #: the findings of options Z.AI rejects until an unsafe fix or a person mends them, each with
    #: the option's name
    rejected: list[tuple[Finding, str]] = field(default_factory=list)

    def check_call(self, call: cst.Call, name: str, *, constructor: bool) -> None:
        """The keywords of `call` (the class's constructor, or `.bind(...)` on an instance),
        reported as `name`'s (code, without backticks); `model_kwargs={...}`'s literal keys too."""
        for arg in call.args:
            if arg.keyword is None:
                continue
            option = arg.keyword.value
            if option == "model_kwargs":
                self._mapping(arg, name)
            else:
                self._option(option, arg.value, arg, call, f"`{name}`", constructor=constructor)

    def _mapping(self, arg: cst.Arg, name: str) -> None:
        """`model_kwargs={...}`: LangChain spreads it into the request. Its keys are reported for
        a person (the mapping may be shared), as GLM208 reports a `**{...}` key."""
        for mapping in self.rule.model.dict_literals(arg.value, self.scope) or ():
            for element in mapping.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is not None and isinstance(element, cst.DictElement):
                    self._option(
                        key, element.value, element, None, f"`model_kwargs` of `{name}`", mapped=True, constructor=True
                    )

    def reject(self, option: str, node: cst.CSTNode, message: str, fix: Fix | None = None) -> None:
        """Report `option`, which Z.AI rejects as sent: `rejected` unless a safe fix mends it."""
        self.rule.report(node, message, fix=fix)
        finding = self.rule.context.findings[-1]
        if finding.severity is Severity.ERROR and finding.applicability is not Applicability.SAFE:
            self.rejected.append((finding, option))

    def _option(
        self,
        option: str,
        value: cst.BaseExpression,
        node: cst.CSTNode,
        call: cst.Call | None,
        name: str,
        *,
        constructor: bool,
        mapped: bool = False,
    ) -> None:
        """One request option `option=value` written at `node`, reported as sent by `name` (in
        backticks); `call` is where a fix may remove it (None in a `model_kwargs` mapping:
        reported for a person)."""
        rule, tables = self.rule, self.rule.tables
        target = rule.target_name
        if option in tables.langchain_own_fields and not mapped:
            return  # LangChain's own (`metadata=` tags its traces): not in the request
        if option in tables.langchain_responses_fields:
            if literal_value(value) not in (False, None):
                # every request of the instance goes to `/responses`
                self.reject(
                    option,
                    node,
                    f"`{option}=` makes {name} call the Responses API, which Z.AI does not serve: use "
                    "`reasoning_effort=` or `extra_body` instead",
                )
            return
        spec = tables.unsupported_params.get(option)
        if spec is not None and "openai" not in spec.sdks:
            message = f"`{option}=` on {name} is not a {target} parameter: {spec.why}"
            if spec.tolerated:
                fix = remove_unsupported(call, node, spec) if call is not None and isinstance(node, cst.Arg) else None
                rule.report(node, message, fix=fix, severity=Severity.WARNING)
            elif call is not None and isinstance(node, cst.Arg):
                read = metadata_read(rule.model, call, spec.answers) if spec.answers else None
                if read is not None:
                    # `answer.response_metadata["logprobs"]` after `logprobs=True`: None without it
                    message += f"; the code reads `{read}`, which is None without it: remove both by hand"
                    self.reject(option, node, message)
                else:
                    self.reject(option, node, message, remove_unsupported(call, node, spec))
            elif spec.default is not None and literal_value(value) == spec.default:
                rule.report(node, message + " (its value is OpenAI's default)", severity=Severity.WARNING)
            else:
                self.reject(option, node, message + ": remove it by hand")
        elif (found := out_of_range(rule, option, value)) is not None:
            message, fix = found
            rule.report(value, message.replace("` is outside", f"` on {name} is outside", 1), fix=fix)
        elif option == "temperature" and number_value(value) == 0:
            rule.report(
                node,
                f"`temperature=0` on {name} is not applicable through the OpenAI SDK: GLM's greedy switch "
                'is `extra_body={"do_sample": False}` (with `temperature=0.01`)',
            )
        elif option == "temperature" and type(value) in (cst.Name, cst.Attribute):
            # `ChatOpenAI(temperature=temperature)` in `def make_llm(temperature=0)`: where the 0 is written
            for literal, how in greedy_sources(rule.model, value, self.scope):
                if not any(finding.node is literal for finding in rule.context.findings):
                    rule.report(literal, greedy_message(f"`temperature={code_of(value)}` on {name}", how))
        elif option in ("stop", "stop_sequences") and (stops := first_stop_only(value)) is not None:
            count, fix = stops  # as GLM210
            message = f"{count} stop sequences on {name}: {target} takes one"
            self.reject(option, node, message, replace(fix, applicability=Applicability.UNSAFE) if not mapped else None)
        elif option == "tool_choice":
            self._tool_choice(value, node, name, fixable=not mapped)
        elif option in ("functions", "function_call"):
            # as GLM212: LangChain's `bind_tools` is the `tools=` form
            self.reject(
                option,
                node,
                f"`{option}=` on {name} is OpenAI's legacy function calling, which {target} lacks (only "
                "`tools`): bind the functions with `bind_tools(...)` and read `tool_calls`",
            )
        elif option == "response_format":
            self._response_format(value, node, name)
        elif option == "reasoning_effort":
            # a fix writes `extra_body=` on the constructor only, where ChatOpenAI takes it
            self._reasoning_effort(value, node, call if constructor and not mapped else None, name)

    def _tool_choice(self, value: cst.BaseExpression, node: cst.CSTNode, name: str, *, fixable: bool) -> None:
        """As GLM209: Z.AI takes only `auto`. LangChain reads a string other than its keywords
        (`"auto"`, `"none"`, `"required"`, `"any"`) as a tool's name, forced."""
        choice = literal_value(value)
        if choice == "auto" or choice is None or choice is False:
            return
        target = self.rule.target_name
        message = f"`tool_choice={code_of(value)}` on {name}: {target} takes only `auto`"
        if choice == "none":
            self.reject("tool_choice", node, message + ": bind no tools instead")
        elif fixable and (isinstance(choice, str) or choice is True or isinstance(value, cst.Dict)):
            quote = value.quote if isinstance(value, cst.SimpleString) else '"'
            auto = cst.SimpleString(f"{quote}auto{quote}")
            fix = Fix(((value, replace_with(auto)),), 'Use `tool_choice="auto"`', applicability=Applicability.UNSAFE)
            self.reject("tool_choice", node, message + " (the model may then answer without calling a tool)", fix)
        elif choice is NOT_LITERAL and not isinstance(value, cst.Dict):
            self.reject("tool_choice", node, message + "; make sure this value is `auto`")
        else:
            self.reject("tool_choice", node, message)

    def _response_format(self, value: cst.BaseExpression, node: cst.CSTNode, name: str) -> None:
        """As GLM211: GLM has `json_object` and text only; LangChain turns a schema class into a
        `json_schema` format."""
        dicts = self.rule.model.dict_literals(value, self.scope)
        if dicts:
            types = {string_value(entry.value) if (entry := dict_entry(d, "type")) else None for d in dicts}
            if types <= set(RESPONSE_FORMATS):
                return
        self.reject(
            "response_format",
            node,
            f"`response_format={code_of(value)}` on {name} asks for a `json_schema` response format, which "
            f'{self.rule.target_name} lacks: use `{{"type": "json_object"}}`, describe the schema in the prompt and '
            "validate the JSON yourself",
        )

    def _reasoning_effort(self, value: cst.BaseExpression, node: cst.CSTNode, call: cst.Call | None, name: str) -> None:
        """As GLM205: a target without effort levels takes the thinking switch instead (in
        `extra_body`, the only place ChatOpenAI sends GLM's options from); one with levels takes
        the target's level."""
        rule = self.rule
        target = rule.tables.target
        level = string_value(value)
        message = f"`reasoning_effort={code_of(value)}` on {name}"
        effort = target.reasoning_effort
        if effort is not None:
            mapped = effort.map.get(level) if level is not None else None
            if mapped == level:
                return
            accepted = "/".join(effort.values)
            if mapped is not None and mapped != NO_THINKING and call is not None:
                confirmed = "reasoning_effort" not in target.unconfirmed
                fix = Fix(
                    ((value, replace_with(cst.SimpleString(f'"{mapped}"'))),),
                    f'Replace with `"{mapped}"`',
                    applicability=None if confirmed else Applicability.UNSAFE,
                )
                self.reject("reasoning_effort", node, f"{message}: {rule.target_name} takes {accepted}", fix)
            else:
                self.reject(
                    "reasoning_effort", node, f"{message}: {rule.target_name} takes {accepted}; change it by hand"
                )
            return
        if not target.thinking_disabled and call is not None:
            # the target always thinks: no level can switch it off, and a switch is not needed
            fix = Fix(((call, partial(remove_kwargs, names={"reasoning_effort"})),), "Remove `reasoning_effort=`")
            self.reject(
                "reasoning_effort", node, f"{message} is not a {rule.target_name} parameter, and it always thinks", fix
            )
            return
        extra_body = find_kwarg(call, "extra_body") if call is not None else None
        movable = extra_body is None or (
            isinstance(extra_body.value, cst.Dict) and not dict_entry(extra_body.value, "thinking")
        )
        if level is None or call is None or not movable:
            self.reject(
                "reasoning_effort",
                node,
                f"{message} is not a {rule.target_name} parameter: use its `thinking` switch in `extra_body` by hand",
            )
            return
        switch = cst.parse_expression(f'{{"type": "{"disabled" if level in NO_REASONING else "enabled"}"}}')

        def to_switch(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.Call)
            return put_in_extra_body(remove_kwargs(node, {"reasoning_effort"}), "thinking", switch)

        fix = Fix(((call, to_switch),), f'Replace with `extra_body={{"thinking": {code_of(switch)}}}`')
        self.reject("reasoning_effort", node, f"{message} is not a {rule.target_name} parameter", fix)


#: the methods of a LangChain chat model that return its answer (an AIMessage)
ANSWERING = frozenset({"invoke", "ainvoke"})
#: the methods of a LangChain chat model that send their first argument as the conversation
INVOKING = frozenset({"invoke", "ainvoke", "stream", "astream"})
#: LangChain's message classes, and the role tuples' names, by the role they send (`None`: the
#: user's turn)
MESSAGE_ROLES = {
    "SystemMessage": "system",
    "AIMessage": "assistant",
    "HumanMessage": None,
    "system": "system",
    "ai": "assistant",
    "assistant": "assistant",
    "human": None,
    "user": None,
}


def system_only_prompts(model: SemanticModel, call: cst.Call, scope: Scope) -> list[tuple[cst.List, list[str]]]:
    """The list literals `call` (`llm.invoke(...)`) sends as its conversation that hold no user
    turn (`[SystemMessage(content=p)]`, `[("system", p)]`), with their roles: a list given by a
    name is read only where the module uses the name for nothing but assigning and sending it."""
    arg = call.args[0] if call.args and call.args[0].keyword is None and not call.args[0].star else None
    if arg is None:
        return []
    value = arg.value
    if type(value) is cst.List:
        lists = [value]
    elif type(value) is cst.Name and _only_invoked(model, value.value):
        lists = model.literals_of(value, scope, cst.List)
    else:
        return []
    found = []
    for messages in lists:
        roles = _message_roles(messages)
        if roles:
            found.append((messages, roles))
    return found


def system_only_templates(
    model: SemanticModel, call: cst.Call, copies: frozenset[str]
) -> list[tuple[cst.List, list[str]]]:
    """The message lists of prompt templates piped into the chat model `call` builds (`prompt |
    llm`, `prompt | llm.with_structured_output(S)`, `llm` a name the construction is assigned
    to) that hold no user turn: `ChatPromptTemplate.from_messages([("system", "... {text}")])`."""
    if "from_messages" not in model.source:
        return []
    uses: list[cst.CSTNode] = [call]  # the construction and the names holding it
    names = _bound_names(model, call)
    if type(model.parents.get(call)) is cst.Return:
        # `def load_chat_model(): return ChatOpenAI(...)`, then `chat_model = load_chat_model()`
        around = model.parents.get(call)
        while around is not None and type(around) is not cst.FunctionDef:
            around = model.parents.get(around)
        if isinstance(around, cst.FunctionDef):
            for caller in model.names.get(around.name.value, []):
                made = model.parents.get(caller)
                if type(made) is cst.Call and made.func is caller:
                    names |= _bound_names(model, made)
    for name in names:
        uses += model.names.get(name, [])
    found: list[tuple[cst.List, list[str]]] = []
    for use in uses:
        node = use
        parent = model.parents.get(node)
        if type(parent) is cst.Attribute and parent.attr is node:
            node, parent = parent, model.parents.get(parent)  # `self.llm`
        # `llm.with_structured_output(S)`: the copy sends the same conversation
        while type(parent) is cst.Attribute and parent.value is node and parent.attr.value in copies:
            outer = model.parents.get(parent)
            if type(outer) is not cst.Call:
                break
            node, parent = outer, model.parents.get(outer)
        if (
            type(parent) is not cst.BinaryOperation
            or type(parent.operator) is not cst.BitOr
            or parent.right is not node
        ):
            continue
        found += piped_templates(model, parent)
    return found


def _message_roles(messages: cst.List) -> list[str] | None:
    """The roles of a list of LangChain messages when none is the user's; None for any other
    element (a string, a spread, a name, a role decided at run time)."""
    roles: list[str] = []
    for element in messages.elements:
        if type(element) is not cst.Element:
            return None
        value = element.value
        if type(value) is cst.Call:
            func = value.func
            name = func.value if type(func) is cst.Name else func.attr.value if type(func) is cst.Attribute else ""
            if name not in ("SystemMessage", "AIMessage", "HumanMessage"):
                return None
        elif type(value) is cst.Tuple and value.elements and type(value.elements[0].value) is cst.SimpleString:
            name = string_value(value.elements[0].value) or ""
        elif type(value) is cst.Dict:
            entry = dict_entry(value, "role")
            name = (
                string_value(entry.value) or "" if entry is not None and type(entry.value) is cst.SimpleString else ""
            )
        else:
            return None
        role = MESSAGE_ROLES.get(name, "")
        if not role:
            return None  # the user's turn, or a role not known
        roles.append(role)
    return roles or None


def _only_invoked(model: SemanticModel, name: str) -> bool:
    """Every use of `name` in the module binds it or sends it as a chat model's conversation."""
    for use in model.names.get(name, []):
        parent = model.parents.get(use)
        if type(parent) is cst.AssignTarget:
            continue
        if type(parent) is cst.Arg and parent.keyword is None and not parent.star:
            call = model.parents.get(parent)
            if type(call) is cst.Call and type(call.func) is cst.Attribute and call.func.attr.value in INVOKING:
                continue
        return False
    return True


def metadata_read(model: SemanticModel, call: cst.Call, answers: frozenset[str] | tuple[str, ...]) -> str | None:
    """A read of an answer's `response_metadata[key]` (or `.get(key)`), `key` one of `answers`
    (`"logprobs"`), that may be of the chat model `call` builds or binds, shown as code: an answer
    taken from another instance's `invoke(...)` does not count; one whose source is not seen does."""
    owners = _bound_names(model, call)
    for literal, _ in model.string_literals:
        if string_value(literal) not in answers:
            continue
        read, base = _metadata_read_at(model, literal)
        if read is None:
            continue
        if type(base) is cst.Name and owners:
            sources = _answer_sources(model, base.value)
            if sources and not sources & owners:
                continue
        return code_of(read)
    return None


def _metadata_read_at(model: SemanticModel, literal: cst.SimpleString) -> tuple[cst.CSTNode | None, cst.CSTNode | None]:
    """`x.response_metadata["key"]` or `x.response_metadata.get("key")` around `literal`: the read
    and `x`."""
    parent = model.parents.get(literal)
    if type(parent) is cst.Index:
        element = model.parents.get(parent)
        subscript = model.parents.get(element) if element is not None else None
        if type(subscript) is cst.Subscript and _is_metadata(subscript.value):
            assert isinstance(subscript.value, cst.Attribute)
            return subscript, subscript.value.value
    elif type(parent) is cst.Arg:
        get = model.parents.get(parent)
        if type(get) is cst.Call and type(get.func) is cst.Attribute and get.func.attr.value == "get":
            if _is_metadata(get.func.value):
                assert isinstance(get.func.value, cst.Attribute)
                return get, get.func.value.value
    return None, None


def _is_metadata(node: cst.BaseExpression) -> bool:
    return type(node) is cst.Attribute and node.attr.value == "response_metadata"


def piped_templates(model: SemanticModel, pipe: cst.BinaryOperation) -> list[tuple[cst.List, list[str]]]:
    """The message lists with no user turn of the prompt templates `pipe` (`prompt | llm`) puts
    just before its right operand: `ChatPromptTemplate.from_messages([("system", "... {text}")])`,
    written there, kept in a name, or returned by a function of this module."""
    found: list[tuple[cst.List, list[str]]] = []
    parent = pipe
    left = parent.left
    if type(left) is cst.BinaryOperation:
        left = left.right  # `inputs | prompt | llm`: the step just before the model
    templates = [left] if type(left) is cst.Call else model.literals_of(left, model.scope_of(left), cst.Call)
    for made in list(templates):
        if type(made.func) is cst.Name:
            # `prompt = load_prompt()`, a function of this module returning the template
            for binding in model.lookup(made.func.value, model.scope_of(made)):
                returning = binding.defines
                if returning is not None and returning.kind == "function":
                    templates += [r for r in returning.returns if type(r) is cst.Call]
    for template in templates:
        func = template.func
        if type(func) is not cst.Attribute or func.attr.value != "from_messages" or not template.args:
            continue
        messages = template.args[0].value
        if type(messages) is cst.List and (roles := _message_roles(messages)):
            found.append((messages, roles))
    return found


def _bound_names(model: SemanticModel, call: cst.Call) -> set[str]:
    """The names the chat model `call` builds (or binds) is assigned to: `llm = ChatOpenAI(...)`,
    `llm = ChatOpenAI(...).bind(...)`, `self.llm = ...` (as `llm`)."""
    parent = model.parents.get(call)
    while type(parent) in (cst.Attribute, cst.Call):
        parent = model.parents.get(parent)  # type: ignore[arg-type]
    targets: list[cst.BaseExpression] = []
    if isinstance(parent, cst.Assign):
        targets = [target.target for target in parent.targets]
    elif isinstance(parent, cst.AnnAssign):
        targets = [parent.target]
    names: set[str] = set()
    for target in targets:
        if isinstance(target, cst.Name):
            names.add(target.value)
        elif isinstance(target, cst.Attribute):
            names.add(target.attr.value)
    return names


def _answer_sources(model: SemanticModel, name: str) -> set[str]:
    """The chat models `name` is assigned the answer of: `answer = llm.invoke(q)` (or `await
    llm.ainvoke(q)`, `self.llm.invoke(q)`) gives `llm`."""
    sources: set[str] = set()
    for use in model.names.get(name, []):
        target = model.parents.get(use)
        assign = model.parents.get(target) if type(target) is cst.AssignTarget else None
        if type(assign) is not cst.Assign:
            continue
        value = assign.value.expression if type(assign.value) is cst.Await else assign.value
        if type(value) is cst.Call and type(value.func) is cst.Attribute and value.func.attr.value in ANSWERING:
            receiver = value.func.value
            if type(receiver) is cst.Name:
                sources.add(receiver.value)
            elif type(receiver) is cst.Attribute:
                sources.add(receiver.attr.value)
    return sources
