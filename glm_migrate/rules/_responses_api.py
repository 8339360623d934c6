"""OpenAI Responses API calls (`client.responses.create(...)`) as GLM301 sees them: which ones are
simple enough to become chat completions, what keeps the others, and the conversion itself."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from glm_migrate.cst import walk
from glm_migrate.nodes import short_code
from glm_migrate.rules._helpers import code_of, dict_entry, number_value, remove_kwargs
from glm_migrate.semantic import ApiCall, SemanticModel, string_value
from glm_migrate.tables import Tables

#: the arguments of a Responses call simple enough to become a chat call (sdk-surfaces.md 7.1)
SIMPLE_ARGS = frozenset({"model", "input", "instructions", "max_output_tokens", "temperature", "top_p"})
RENAMED_ARGS = {"max_output_tokens": "max_tokens"}
#: what every SDK method takes and a chat call takes the same way
CARRIED_ARGS = frozenset({"extra_headers", "extra_query", "timeout"})
STRING_EXPRESSIONS = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)
#: Responses roles of input messages -> chat roles
ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}


class _ResultUses(cst.CSTVisitor):
    """Where a Responses call's result goes: `.output_text` chained on it, or a name assigned once."""

    def __init__(self, call: cst.Call) -> None:
        self.call = call
        self.chained: cst.Attribute | None = None
        self.target: cst.Name | None = None

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.value is self.call and node.attr.value == "output_text":
            self.chained = node

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        if value is self.call and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.target = node.targets[0].target


class _NameUses(cst.CSTVisitor):
    """Every use of one name, and those that read `.output_text` from it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.uses = 0
        self.reads: list[cst.Attribute] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.uses += node.value == self.name

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == self.name and node.attr.value == "output_text":
            self.reads.append(node)


def what_keeps_it(call: ApiCall, model: SemanticModel, tables: Tables) -> list[str]:
    """Why a Responses call cannot become a chat call as it is, each with what to do instead
    (`[responses]` of endpoints.toml): its method, arguments, built-in tools, input items."""
    advice = tables.responses_advice
    method = call.path[-1]
    reasons = [advice[f"responses.{method}"]] if f"responses.{method}" in advice else []
    if method not in ("create", "parse"):
        return reasons or [advice["other_method"]]  # another method's arguments are its own
    for arg in call.node.args:
        name = arg.keyword.value if arg.keyword is not None else None
        if name in CARRIED_ARGS or (name == "text_format" and method == "parse"):
            continue
        if name == "tool_choice" and string_value(arg.value) == "auto":
            continue  # what chat completions take as well (GLM209 reports any other value there)
        if arg.star:
            reasons.append(f"`{arg.star}{short_code(arg.value)}` cannot be checked")
        elif name == "tools":
            reasons += _tool_advice(arg.value, advice)
        elif name == "input" and not _simple_input(arg.value, call, model):
            shown = code_of(arg.value)
            listed = any(isinstance(v, cst.List) for v in model.literals_of(arg.value, call.scope, cst.List))
            if isinstance(arg.value, cst.Name | cst.Attribute | cst.Subscript) and not listed:
                # a value of unknown shape: text, or input items
                reasons.append(f'for text `input={shown}`, pass `messages=[{{"role": "user", "content": {shown}}}]`')
            reasons.append(advice["input"])
        elif name is not None and name not in SIMPLE_ARGS:
            reasons.append(f"`{name}=`: {advice.get(name, advice['other'])}")
    return list(dict.fromkeys(reasons))


def _tool_advice(value: cst.BaseExpression, advice: Mapping[str, str]) -> list[str]:
    if not isinstance(value, cst.List):
        return [f"`tools={code_of(value)}`: {advice['tools']}"]
    found = []
    for element in value.elements:
        entry = dict_entry(element.value, "type") if isinstance(element.value, cst.Dict) else None
        kind = string_value(entry.value) if entry is not None else None
        key = f"tools.{kind}" if kind is not None and f"tools.{kind}" in advice else "tools"
        found.append(f"`{kind or code_of(element.value)}` tool: {advice[key]}")
    return found


def _simple_input(value: cst.BaseExpression, call: ApiCall, model: SemanticModel) -> bool:
    """Text, or a list of `{"role": ..., "content": <text>}` messages (written in the call, or
    in a local name used for nothing else)."""
    if isinstance(value, cst.List):
        return _simple_messages(value, call, model)
    return bound_messages(call, model) is not None or _is_text(value, call, model)


def _simple_messages(value: cst.List, call: ApiCall, model: SemanticModel) -> bool:
    return bool(value.elements) and all(
        isinstance(element, cst.Element) and _simple_message(element.value, call, model) for element in value.elements
    )


def bound_messages(call: ApiCall, model: SemanticModel) -> cst.List | None:
    """The list of simple messages a call's `input=<name>` is: the name is local, assigned that
    list once, and used by this call alone (nothing appends to it)."""
    arg = call.kwarg("input")
    if arg is None or not isinstance(arg.value, cst.Name):
        return None
    bindings = model.lookup(arg.value.value, call.scope)
    if len(bindings) != 1 or bindings[0].scope is not call.scope or not isinstance(bindings[0].value, cst.List):
        return None
    uses = _NameUses(arg.value.value)
    walk(call.scope.node, uses)
    listed = bindings[0].value
    return listed if uses.uses == 2 and _simple_messages(listed, call, model) else None


def system_roles(listed: cst.List) -> cst.List:
    """The messages with the `developer` role as chat completions call it: `system`."""
    return listed.with_changes(elements=[_chat_message(element) for element in listed.elements])


def _is_text(value: cst.BaseExpression, call: ApiCall, model: SemanticModel) -> bool:
    """A string literal, a sum with one, or a name holding string literals only."""
    if isinstance(value, STRING_EXPRESSIONS):
        return True
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        return any(isinstance(side, STRING_EXPRESSIONS) for side in (value.left, value.right))
    literals, complete = model.resolve_strings(value, call.scope)
    return bool(literals) and complete


def _simple_message(value: cst.BaseExpression, call: ApiCall, model: SemanticModel) -> bool:
    """`{"role": "user", "content": <text>}`, with a role chat completions has (or `developer`)."""
    if not isinstance(value, cst.Dict) or len(value.elements) != 2:
        return False
    role, content = dict_entry(value, "role"), dict_entry(value, "content")
    # Content written as a name or an expression is taken for text: parts (images, files) are
    # written as a list of dicts, which is not taken (the fix is unsafe and says so).
    parts = (cst.List, cst.Dict, cst.Tuple, cst.ListComp, cst.Set)
    return (
        role is not None
        and content is not None
        and isinstance(role.value, cst.SimpleString)
        and string_value(role.value) in ROLES
        and not isinstance(content.value, parts)
    )


def convertible_reads(call: ApiCall, model: SemanticModel, tables: Tables) -> list[cst.Attribute] | list[str]:
    """The `.output_text` reads of a Responses call that can become a chat call, or why it cannot
    (each reason with what to do instead). It can when it is a plain `responses.create` of text
    (or role/content messages) whose result is read only as `.output_text` in the same function,
    and GLM takes its model and numbers as they are."""
    reasons = what_keeps_it(call, model, tables)
    func = call.node.func
    if not reasons and not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)):
        reasons = ["the call goes through a wrapper (`with_raw_response`, ...): rewrite it by hand"]
    names = {a.keyword.value for a in call.node.args if a.keyword is not None}
    if not reasons and call.path != ("responses", "create"):
        reasons = [tables.responses_advice["other_method"]]
    if not reasons and not {"input", "model"} <= names:
        reasons = ["it passes no `model=` or `input=`: rewrite it by hand"]
    if reasons:
        return reasons
    for name in ("temperature", "top_p", "max_output_tokens"):
        arg = call.kwarg(name)
        value = number_value(arg.value) if arg is not None else None
        limit = tables.limits[RENAMED_ARGS.get(name, name)]
        if value is not None and not (limit.min < value <= limit.max):
            # GLM201 / GLM207 would have to fix the new call: not in one go
            return [f"`{name}={code_of(arg.value) if arg else ''}` is outside GLM's range: fix it first"]
    literals, complete = model.model_literals(call)
    if not complete or not all(tables.glm_id("chat", string_value(literal) or "") for literal in literals):
        return ["its model is not one glm-migrate can map: give it a GLM id first"]
    instructions = call.kwarg("instructions")
    if instructions is not None and isinstance(instructions.value, cst.List | cst.Dict | cst.Tuple):
        return [f"`instructions=` is not text: {tables.responses_advice['input']}"]
    uses = _ResultUses(call.node)
    walk(call.scope.node, uses)
    if uses.chained is not None:
        return [uses.chained]
    if uses.target is not None and len(model.lookup(uses.target.value, call.scope)) == 1:
        names_used = _NameUses(uses.target.value)
        walk(call.scope.node, names_used)
        # every use but the assignment reads `.output_text`: nothing else of the response is needed
        if names_used.uses == len(names_used.reads) + 1:
            return names_used.reads
    return [tables.responses_advice["result"]]


def to_chat_call(call: cst.Call, *, listed: bool = False) -> cst.Call:
    """`x.responses.create(model, input, instructions, ...)` -> `x.chat.completions.create(model,
    messages, ...)`; `listed`: `input` names a list of messages (see `bound_messages`)."""
    assert isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Attribute)
    client = call.func.value.value
    func = cst.Attribute(
        value=cst.Attribute(value=cst.Attribute(value=client, attr=cst.Name("chat")), attr=cst.Name("completions")),
        attr=cst.Name("create"),
    )
    values = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    system = [f'{{"role": "system", "content": {code_of(values["instructions"])}}}'] if "instructions" in values else []
    given = values["input"]
    messages: cst.BaseExpression
    if isinstance(given, cst.List):
        items: list[cst.BaseElement] = [cst.Element(cst.parse_expression(code)) for code in system]
        items += [_chat_message(element) for element in given.elements]
        messages = given.with_changes(elements=_commas(items, given))
    elif listed:
        messages = cst.parse_expression(f"[{system[0]}, *{code_of(given)}]") if system else given
    else:
        user = f'{{"role": "user", "content": {code_of(given)}}}'
        messages = cst.parse_expression(f"[{', '.join([*system, user])}]")
    args = []
    for arg in call.args:
        assert arg.keyword is not None
        name = arg.keyword.value
        if name == "input":
            arg = arg.with_changes(keyword=cst.Name("messages"), value=messages)
        elif name in RENAMED_ARGS:
            arg = arg.with_changes(keyword=cst.Name(RENAMED_ARGS[name]))
        args.append(arg)
    return remove_kwargs(call.with_changes(func=func, args=args), {"instructions"})


def _chat_message(element: cst.BaseElement) -> cst.BaseElement:
    """A Responses input message as a chat message: the `developer` role is `system` there."""
    assert isinstance(element.value, cst.Dict)
    role = dict_entry(element.value, "role")
    assert role is not None and isinstance(role.value, cst.SimpleString)
    new_role = ROLES[string_value(role.value) or ""]
    if new_role == string_value(role.value):
        return element
    quote = role.value.quote
    entries = [
        e.with_changes(value=cst.SimpleString(f"{quote}{new_role}{quote}")) if e is role else e
        for e in element.value.elements
    ]
    return element.with_changes(value=element.value.with_changes(elements=entries))


def _commas(items: list[cst.BaseElement], like: cst.List) -> list[cst.BaseElement]:
    """`items` separated as the list `like` separates its own."""
    comma = next(
        (e.comma for e in like.elements if isinstance(e.comma, cst.Comma)),
        cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
    )
    last = like.elements[-1].comma if like.elements else cst.MaybeSentinel.DEFAULT
    return [item.with_changes(comma=comma if index < len(items) - 1 else last) for index, item in enumerate(items)]


#: Where an expression stands whole, so `x or ""` needs no parentheses there.
LOOSE_CONTEXTS = (cst.Return, cst.Assign, cst.AnnAssign, cst.Arg, cst.Element, cst.DictElement, cst.Expr)


def to_message_content(read: cst.Attribute, *, bare: bool) -> cst.BaseExpression:
    """`r.output_text` -> `(r.choices[0].message.content or "")`: output_text is "" when empty;
    `bare`: without the parentheses, where nothing binds to it more tightly than `or`."""
    first = cst.Subscript(
        value=cst.Attribute(value=read.value, attr=cst.Name("choices")),
        slice=[cst.SubscriptElement(slice=cst.Index(value=cst.Integer("0")))],
    )
    content = cst.Attribute(value=cst.Attribute(value=first, attr=cst.Name("message")), attr=cst.Name("content"))
    either = cst.BooleanOperation(left=content, operator=cst.Or(), right=cst.SimpleString('""'))
    return either if bare else either.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
