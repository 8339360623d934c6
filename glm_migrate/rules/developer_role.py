from __future__ import annotations

import libcst as cst

from glm_migrate.rules._base import Fix, Invalid, Rule, RuleContext, Valid
from glm_migrate.rules._helpers import chat_messages, dict_entry, listed_under_other_key, replace_string
from glm_migrate.semantic import ApiCall, string_value

#: OpenAI's newer name for the system role, which GLM's chat endpoint does not know
DEVELOPER = "developer"


class DeveloperRole(Rule):
    """
    ## What it does
    Finds `{"role": "developer", ...}` messages in message list literals passed to chat calls
    bound for Z.AI and makes them `system` messages.

    ## Why is this bad?
    OpenAI introduced the `developer` role for its reasoning models and reads it as `system`
    on the others. GLM's chat endpoint takes `system`, `user`, `assistant` and `tool` only
    (glm-target-api.md 3.1): a request with a `developer` message is rejected.

    ## Example
    ```python
    messages = [{"role": "developer", "content": rules}, {"role": "user", "content": question}]
    ```
    Use instead:
    ```python
    messages = [{"role": "system", "content": rules}, {"role": "user", "content": question}]
    ```

    ## Fix safety
    Safe: OpenAI reads a `system` message as it reads a `developer` one, so the request means the
    same wherever its client talks. In a module whose chat calls go to Z.AI, every message written
    as a literal (`{"role": "developer", "content": ...}`, `dict(role="developer", content=...)`)
    gets the fix, also one the calls receive through a parameter or a method's result. Roles
    chosen at run time, and messages written in another module, are not inspected.
    """

    CODE = "GLM220"
    NAME = "developer-role"
    SUMMARY = "`developer` message, a role GLM's chat endpoint does not take"
    FIX_TITLE = 'Use the `"system"` role'

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": rules}])'
        ),
        Valid(  # a module whose chat client stays on another server
            "from openai import OpenAI\n"
            'c = OpenAI(base_url="http://localhost:8000/v1")\n'
            'rules = {"role": "developer", "content": text}\n'
            'c.chat.completions.create(model="m", messages=[rules])'
        ),
        Valid(  # a grader's configuration for OpenAI's evals, in a module whose chat calls move
            "from openai import OpenAI\n"
            'grader = {"type": "label_model", "input": [{"role": "developer", "content": rules}]}\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "user", "content": q}])'
        ),
        Valid(  # a role chosen at run time: not inspected
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": role, "content": rules}])'
        ),
    )
    INVALID = (
        Invalid(  # written apart from the call, which receives them as a parameter
            "from openai import OpenAI\n"
            "def ask(messages):\n"
            '    return OpenAI().chat.completions.create(model="glm-4.6", messages=messages)\n'
            'ask([dict(role="developer", content=rules), {"role": "user", "content": q}])',
            expected="from openai import OpenAI\n"
            "def ask(messages):\n"
            '    return OpenAI().chat.completions.create(model="glm-4.6", messages=messages)\n'
            'ask([dict(role="system", content=rules), {"role": "user", "content": q}])',
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "developer", "content": rules}, {"role": "user", "content": q}])',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": rules}, {"role": "user", "content": q}])',
        ),
        Invalid(  # a list shared by two calls: fixed once
            "from openai import OpenAI\n"
            "HISTORY = [{'role': 'developer', 'content': rules}]\n"
            'OpenAI().chat.completions.create(model="glm-4.6", messages=HISTORY)\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=HISTORY, stream=True)',
            expected="from openai import OpenAI\n"
            "HISTORY = [{'role': 'system', 'content': rules}]\n"
            'OpenAI().chat.completions.create(model="glm-4.6", messages=HISTORY)\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=HISTORY, stream=True)',
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # a message list shared by several calls is fixed once
        self._seen: set[cst.SimpleString] = set()
        #: the module makes a chat call bound for Z.AI
        self._sends = False

    def on_module_end(self) -> None:
        # Messages the module writes apart from its calls (a helper's `messages` parameter, a
        # method returning the list, `dict(role="developer", ...)`) reach them unseen: in a module
        # whose chat calls move, every message-shaped literal gets the role (safe anywhere).
        if not self._sends or any(finding.withdrawn is not None for finding in self.context.findings):
            # a call whose fixes wait for its client (engine.py `_hold_fixes`): the messages
            # written apart may be that client's, so they wait with its own
            return
        for literal, _ in self.model.string_literals:
            if literal in self._seen or string_value(literal) != DEVELOPER or not self._in_message(literal):
                continue
            self._seen.add(literal)
            text = (
                f"`developer` message in a module whose chat calls go to Z.AI: {self.target_name} takes `system`, "
                "`user`, `assistant` and `tool`"
            )
            fix = Fix(((literal, lambda node: replace_string(node, "system")),), self.FIX_TITLE)
            self.report(literal, text, fix=fix)

    def _in_message(self, literal: cst.SimpleString) -> bool:
        """`literal` is the role of a message: `{"role": literal, "content": ...}` or
        `dict(role=literal, content=...)`."""
        parents = self.model.parents
        holder = parents.get(literal)
        if type(holder) is cst.DictElement and string_value(holder.key) == "role":
            message: cst.CSTNode | None = parents.get(holder)
            if type(message) is not cst.Dict or dict_entry(message, "content") is None:
                return False
        elif type(holder) is cst.Arg and holder.keyword is not None and holder.keyword.value == "role":
            message = parents.get(holder)
            if not (
                type(message) is cst.Call
                and type(message.func) is cst.Name
                and message.func.value == "dict"
                and any(arg.keyword is not None and arg.keyword.value == "content" for arg in message.args)
            ):
                return False
        else:
            return False
        return not listed_under_other_key(parents, message)

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint == "chat" and call.migratable:
            self._sends = True
        for message in chat_messages(self.model, call):
            role = dict_entry(message, "role")
            literal = role.value if role is not None else None
            if type(literal) is cst.SimpleString and string_value(literal) == DEVELOPER and literal not in self._seen:
                self._seen.add(literal)
                text = f"`developer` message: {self.target_name} takes `system`, `user`, `assistant` and `tool`"
                fix = Fix(((literal, lambda node: replace_string(node, "system")),), self.FIX_TITLE)
                self.report(literal, text, fix=fix)
