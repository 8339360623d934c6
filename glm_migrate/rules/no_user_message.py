from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, RuleContext, Valid
from glm_migrate.rules._helpers import dict_entry, replace_string
from glm_migrate.semantic import ApiCall, SemanticModel, string_value
from glm_migrate.semantic.scopes import Scope

#: roles a request may not consist of alone (glm-target-api.md 3.1); `developer` is GLM220's
#: `system`
NOT_A_TURN = frozenset({"system", "assistant", "developer"})


class NoUserMessage(Rule):
    """
    ## What it does
    Finds chat calls bound for Z.AI whose `messages=` list literal holds only `system`,
    `developer` or `assistant` messages, with no `user` message: a prompt sent as a lone system
    message (`messages=[{"role": "system", "content": prompt}]`).

    ## Why is this bad?
    OpenAI answers such a request. Z.AI's chat endpoint requires that the messages "must not
    consist of system or assistant messages only" (glm-target-api.md 3.1; reported as "messages
    parameter is illegal"): the call fails with HTTP 400 once its client moves.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": prompt}])
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=[{"role": "user", "content": prompt}])
    ```

    ## Fix safety
    Unsafe: the model reads a user turn otherwise than an instruction, so its answer may change.
    Offered for a list of one `system` (or `developer`) message only; other lists (two system
    messages, an assistant prefill) are left to a person. A list given by a name is inspected only
    where the module uses that name for nothing but sending it (never appended to or handed on).
    A conversation built at run time in the module is reported for a person when it is certain
    that no user message is added: a list (possibly empty) that only gets messages of literal
    roles other than `user` (`.append({...})`, `.extend([...])`, `.insert(i, {...})`,
    `+= [...]`), or that a function of the module returns, built the same way; a message from a
    name, a role chosen at run time, a parameter or a list handed on leaves it unreported. Until
    this is dealt with, a safe run leaves the call's client on OpenAI, where the request works.

    A LangChain chat model (`ChatOpenAI`) given such a conversation by `.invoke(...)`,
    `.ainvoke(...)`, `.stream(...)` or `.astream(...)` (`[SystemMessage(content=p)]`,
    `[("system", p)]`), or piped a prompt template of such messages (`ChatPromptTemplate.from_messages(
    [("system", "... {text}")]) | llm`), is reported the same way, for a person (the message class
    changes), and the class stays on OpenAI in a safe run.
    """

    CODE = "GLM221"
    NAME = "no-user-message"
    SUMMARY = "Chat request with no `user` message, which Z.AI rejects"
    FIX_TITLE = 'Send the lone message as a `"user"` message'
    APPLICABILITY = Applicability.UNSAFE
    REPORTS_REJECTED_ARGUMENT = True

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": rules}, {"role": "user", "content": q}])'
        ),
        Valid(  # built at run time: the user message may come later
            "from openai import OpenAI\n"
            'history = [{"role": "system", "content": rules}]\n'
            'history.append({"role": "user", "content": q})\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=history)'
        ),
        Valid(  # built by a helper that adds the question, and a caller's list
            "from openai import OpenAI\n"
            "def build(q):\n"
            '    m = [{"role": "system", "content": rules}]\n'
            '    m.append({"role": "user", "content": q})\n'
            "    return m\n"
            "def ask(q, history=[]):\n"
            "    m = build(q)\n"
            '    OpenAI().chat.completions.create(model="glm-4.6", messages=m)\n'
            '    history.append({"role": "system", "content": rules})\n'
            '    OpenAI().chat.completions.create(model="glm-4.6", messages=history)'
        ),
        Valid(  # a role chosen at run time, and a list spread in
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": role, "content": p}])\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": p}, *turns])'
        ),
        Valid(  # a client that stays on another server
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="m", messages=[{"role": "system", "content": p}])'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": prompt}])',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "user", "content": prompt}])',
            unsafe=True,
        ),
        Invalid(  # a prefill with no question: for a person
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": rules}, {"role": "assistant", "content": "Sure:"}])'
        ),
        Invalid(  # a list held by a name used only to send it
            "from openai import OpenAI\n"
            "PROMPT = [{'role': 'system', 'content': rules}]\n"
            'OpenAI().chat.completions.create(model="glm-4.6", messages=PROMPT)',
            expected="from openai import OpenAI\n"
            "PROMPT = [{'role': 'user', 'content': rules}]\n"
            'OpenAI().chat.completions.create(model="glm-4.6", messages=PROMPT)',
            unsafe=True,
        ),
        Invalid(  # built at run time with no user message: for a person
            "from openai import OpenAI\n"
            "def ask(text):\n"
            "    m = []\n"
            '    m.append({"role": "system", "content": text})\n'
            '    OpenAI().chat.completions.create(model="glm-4.6", messages=m)'
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # a list shared by several calls is fixed once; the other calls are reported without a fix
        self._seen: set[cst.List] = set()

    def on_api_call(self, call: ApiCall) -> None:
        arg = call.kwarg("messages")
        if arg is None or call.endpoint != "chat" or not call.migratable:
            return
        value = arg.value
        if type(value) is cst.Name:
            if not _only_sent(self.model, value.value):
                built = _built_roles(self.model, value, call.scope, 0)
                if built:
                    self._report_built(value, built)
                return
            lists = self.model.literals_of(value, call.scope, cst.List)
            if not lists:
                built = _built_roles(self.model, value, call.scope, 0)
                if built:
                    self._report_built(value, built)
                return
        elif type(value) is cst.List:
            lists = [value]
        else:
            return
        for messages in lists:
            roles = _roles(messages)
            if roles is None:
                continue
            shown = ", ".join(f"`{role}`" for role in dict.fromkeys(roles))
            text = (
                f"No `user` message: the request sends only {shown} messages, which Z.AI rejects "
                '("must not consist of system or assistant messages only")'
            )
            fix = None
            if messages in self._seen:
                text += "; the list is reported where first sent"
            elif len(roles) == 1 and roles[0] != "assistant":
                message = messages.elements[0].value
                fix = Fix(((message, _as_user),), self.FIX_TITLE)
            else:
                text += ": make the prompt a `user` message by hand"
            self._seen.add(messages)
            self.report(messages if fix is None else messages.elements[0].value, text, fix=fix)

    def _report_built(self, value: cst.Name, roles: list[str]) -> None:
        shown = ", ".join(f"`{role}`" for role in dict.fromkeys(roles))
        self.report(
            value,
            f"No `user` message: `{value.value}` is built at run time with only {shown} messages, "
            'which Z.AI rejects ("must not consist of system or assistant messages only"): '
            "make the prompt a `user` message by hand",
        )


def _roles(messages: cst.List) -> list[str] | None:
    """The literal roles of a list of message dicts, when every one is a turn that is not the
    user's; None for an empty list, a spread, a message from a name or a role decided at run time."""
    roles = []
    for element in messages.elements:
        if type(element) is not cst.Element or type(element.value) is not cst.Dict:
            return None
        entry = dict_entry(element.value, "role")
        role = string_value(entry.value) if entry is not None and type(entry.value) is cst.SimpleString else None
        if role not in NOT_A_TURN:
            return None
        roles.append(role)
    return roles or None


def _as_user(node: cst.CSTNode) -> cst.CSTNode:
    """The message dict with its role literal saying `user` (after GLM220 made it `system`)."""
    assert isinstance(node, cst.Dict)
    entry = dict_entry(node, "role")
    assert entry is not None and type(entry.value) is cst.SimpleString
    return node.deep_replace(entry.value, replace_string(entry.value, "user"))


def _only_sent(model: SemanticModel, name: str) -> bool:
    """Every use of `name` in the module binds it or sends it as `messages=`: nothing appends
    the user's turn to it, nor hands it to code that may."""
    for use in model.names.get(name, []):
        parent = model.parents.get(use)
        if type(parent) is cst.AssignTarget:
            continue
        if type(parent) is cst.Arg and parent.keyword is not None and parent.keyword.value == "messages":
            continue
        return False
    return True


#: list methods that add messages (the message is the last argument)
_ADDERS = frozenset({"append", "extend", "insert"})
#: how deep helpers returning a conversation are followed (`request = build(...)`)
_HELPER_DEPTH = 2


def _built_roles(model: SemanticModel, value: cst.Name, scope: Scope, depth: int) -> list[str] | None:
    """The roles of a conversation that `value` names, built at run time in this module, when
    certain that none is the user's: every binding is a list literal of such messages (possibly
    empty) or a call of a function of this module whose every `return` is such a conversation,
    and every other use of the name adds such messages (`.append({...})`, `.extend([...])`,
    `+= [...]`), sends it, or returns it from a helper (`depth` > 0). None when unsure (a
    message from a name, a role chosen at run time, a list handed on)."""
    name = value.value
    owner = model.owner(name, scope)
    if owner is None:
        return None
    added: list[str] = []
    for use in model.names.get(name, []):
        parent = model.parents.get(use)
        if type(parent) is cst.Attribute and parent.attr is use:
            continue  # `self.messages`: another name
        if owner.kind == "function" and model.owner(name, model.scope_of(use)) is not owner:
            continue  # another function's variable of the same name
        kind = type(parent)
        if kind is cst.AssignTarget or (kind is cst.AnnAssign and parent.target is use):  # type: ignore[union-attr]
            continue
        if kind is cst.Arg and parent.keyword is not None and parent.keyword.value == "messages":  # type: ignore[union-attr]
            continue
        if kind is cst.Return and depth > 0:
            continue
        if kind is cst.AugAssign and parent.target is use and type(parent.operator) is cst.AddAssign:  # type: ignore[union-attr]
            roles = _roles_of_list(parent.value)  # type: ignore[union-attr]
        elif kind is cst.Attribute and parent.value is use and parent.attr.value in _ADDERS:  # type: ignore[union-attr]
            roles = _roles_added(model, parent)  # type: ignore[arg-type]
        else:
            return None
        if roles is None:
            return None
        added += roles
    bindings = owner.bindings[name]
    found: list[str] = []
    for binding in bindings:
        bound = binding.value
        if type(binding.target) is cst.Param:
            return None  # the caller's list
        if type(model.parents.get(binding.target)) is cst.AugAssign:  # type: ignore[arg-type]
            continue  # `+= [...]`: read as a use above
        if type(bound) is cst.List:
            roles = _roles_of_list(bound)
        elif type(bound) is cst.Call and depth < _HELPER_DEPTH and type(bound.func) is cst.Name:
            roles = _returned_roles(model, bound.func, binding.scope, depth + 1)
        else:
            return None
        if roles is None:
            return None
        found += roles
    return found + added


def _returned_roles(model: SemanticModel, func: cst.Name, scope: Scope, depth: int) -> list[str] | None:
    """The roles every `return` of the function of this module that `func` names sends, as
    `_built_roles` reads them; None when one may hold a user message or is not read."""
    defined = [binding.defines for binding in model.lookup(func.value, scope)]
    if len(defined) != 1 or defined[0] is None or defined[0].kind != "function" or not defined[0].returns:
        return None
    function = defined[0]
    found: list[str] = []
    for returned in function.returns:
        if type(returned) is cst.List:
            roles = _roles_of_list(returned)
        elif type(returned) is cst.Name:
            roles = _built_roles(model, returned, function, depth)
        else:
            return None
        if roles is None:
            return None
        found += roles
    return found


def _roles_of_list(node: cst.CSTNode) -> list[str] | None:
    """`_roles` of a list literal, [] for an empty one; None for anything else."""
    if type(node) is not cst.List:
        return None
    return _roles(node) if node.elements else []


def _roles_added(model: SemanticModel, method: cst.Attribute) -> list[str] | None:
    """The roles `name.append({...})`, `name.insert(i, {...})` or `name.extend([...])` adds."""
    call = model.parents.get(method)
    if type(call) is not cst.Call or call.func is not method or not call.args:
        return None
    added = call.args[-1].value
    if call.args[-1].star or call.args[-1].keyword is not None:
        return None
    if method.attr.value == "extend":
        return _roles_of_list(added)
    return _roles(cst.List([cst.Element(added)]))
