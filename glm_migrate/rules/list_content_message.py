from __future__ import annotations

import libcst as cst

from glm_migrate.rules._base import Fix, Invalid, Rule, RuleContext, Valid
from glm_migrate.rules._helpers import chat_messages, dict_entry, listed_under_other_key
from glm_migrate.semantic import ApiCall, string_value

#: roles whose content GLM-4.6 takes as a string only (a `developer` message becomes a `system` one)
STRING_CONTENT_ROLES = frozenset({"tool", "assistant", "system", "developer"})


class ListContentMessage(Rule):
    """
    ## What it does
    Finds `system` (or `developer`), `tool` and `assistant` messages whose `content` is a list of
    parts, in message list literals passed to chat calls bound for Z.AI. A list holding one text
    part (`[{"type": "text", "text": x}]`) becomes `x`.

    ## Why is this bad?
    For text models GLM takes `content` as a string. With a list, glm-4.5-air has been seen to
    empty the message silently and newer models answer with error 1214.

    ## Example
    ```python
    {"role": "tool", "tool_call_id": call_id, "content": [{"type": "text", "text": result}]}
    ```
    Use instead:
    ```python
    {"role": "tool", "tool_call_id": call_id, "content": result}
    ```

    ## Fix safety
    Safe for a single text part: the message says the same. Several parts, or parts of other
    types, are reported: how to join them is yours to decide. In a module whose chat calls go to
    Z.AI, message literals written apart from the calls (a helper's `messages` parameter) are
    checked too; messages built at run time, or in another module, are not inspected.
    """

    CODE = "GLM213"
    NAME = "list-content-message"
    SUMMARY = "System, tool or assistant message with list content, which GLM-4.6 takes as a string"
    FIX_TITLE = "Use the text as the content"

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "user", "content": [{"type": "text", "text": "hi"}]}])'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "tool", "tool_call_id": i, "content": out}])'
        ),
    )
    INVALID = (
        Invalid(
            "from openai import OpenAI\n"
            'MESSAGES = [{"role": "tool", "tool_call_id": i, "content": [{"type": "text", "text": out}]}]\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=MESSAGES)',
            expected="from openai import OpenAI\n"
            'MESSAGES = [{"role": "tool", "tool_call_id": i, "content": out}]\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=MESSAGES)',
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "assistant", "content": [a, b]}])'
        ),
        Invalid(  # a system prompt written as parts (OpenAI's playground exports them so)
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "system", '
            '"content": [{"type": "text", "text": rules}]}, {"role": "user", "content": q}])',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "system", '
            '"content": rules}, {"role": "user", "content": q}])',
        ),
        Invalid(  # a list shared by two calls: fixed once
            'from openai import OpenAI\nhistory = [{"role": "tool", "tool_call_id": i, "content": [{"type": "text", "text": out}]}]\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=history)\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=history, temperature=0)',
            expected='from openai import OpenAI\nhistory = [{"role": "tool", "tool_call_id": i, "content": out}]\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=history)\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=history, temperature=0)',
        ),
        # a part with more than its text, or of another type, or not visible: joined by hand
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "tool", "tool_call_id": i, '
            '"content": [{"type": "text", "text": out, "cache_control": {"type": "ephemeral"}}]}])'
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "tool", "tool_call_id": i, '
            '"content": [{"type": "input_text", "text": out}]}])'
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "tool", "tool_call_id": i, "content": [part]}])'
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # a message list shared by several calls is checked once
        self._seen: set[cst.Dict] = set()
        #: the module makes a chat call bound for Z.AI
        self._sends = False

    def on_module_end(self) -> None:
        # Messages written apart from the calls they reach (a helper's `messages` parameter, a
        # method returning the list), in a module whose chat calls move: checked too, as GLM220
        # does (a single text part says the same as a string, wherever the client talks).
        if not self._sends or any(finding.withdrawn is not None for finding in self.context.findings):
            return  # a call whose fixes wait for its client: messages written apart wait too
        parents = self.model.parents
        for literal, _ in self.model.string_literals:
            holder = parents.get(literal)
            if type(holder) is not cst.DictElement or string_value(literal) not in STRING_CONTENT_ROLES:
                continue
            message = parents.get(holder)
            if (
                type(message) is cst.Dict
                and string_value(holder.key) == "role"
                and message not in self._seen
                and not listed_under_other_key(parents, message)
            ):
                self._seen.add(message)
                self._check(message)

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint == "chat" and call.migratable:
            self._sends = True
        for message in chat_messages(self.model, call):
            if message not in self._seen:
                self._seen.add(message)
                self._check(message)

    def _check(self, message: cst.Dict) -> None:
        role = dict_entry(message, "role")
        content = dict_entry(message, "content")
        role_name = string_value(role.value) if role else None
        if role_name not in STRING_CONTENT_ROLES or content is None or not isinstance(content.value, cst.List):
            return
        parts = content.value.elements
        text = _single_text(parts[0].value) if len(parts) == 1 else None
        message_text = f"`{role_name}` message with list content: {self.target_name} takes a string"
        if text is None:
            self.report(content.value, message_text + "; join the parts by hand")
            return
        self.report(content.value, message_text, fix=Fix(((content.value, lambda _: text),), self.FIX_TITLE))


def _single_text(part: cst.BaseExpression) -> cst.BaseExpression | None:
    """`x` for a `{"type": "text", "text": x}` part literal, else None."""
    if not isinstance(part, cst.Dict) or len(part.elements) != 2:
        return None
    kind, text = dict_entry(part, "type"), dict_entry(part, "text")
    if kind is None or text is None or string_value(kind.value) != "text":
        return None
    return text.value
