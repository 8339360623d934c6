from __future__ import annotations

from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, code_of, number_value, remove_kwargs, replace_string
from glm_migrate.semantic import ApiCall, string_value, walk

#: the arguments of a Responses call simple enough to become a chat call (sdk-surfaces.md 7.1)
SIMPLE_RESPONSES_ARGS = frozenset({"model", "input", "instructions", "max_output_tokens", "temperature", "top_p"})
RENAMED_ARGS = {"max_output_tokens": "max_tokens"}
STRING_EXPRESSIONS = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)


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


class NoGlmEndpoint(Rule):
    """
    ## What it does
    Reports calls of OpenAI APIs that have no GLM-4.6 counterpart, made through the OpenAI SDK
    by a client bound for Z.AI: the Responses API, Assistants and threads, moderations,
    fine-tuning, batches and files, `models.list()`, realtime, text-to-speech, audio
    translations, image edits and variations, and the legacy `completions.create(prompt=...)`.
    The list, with what to do instead, is `[unavailable]` in `rules/endpoints.toml`.

    ## Why is this bad?
    Once the client points at Z.AI these requests fail (Z.AI has no such route), or, for Z.AI
    resources that share a name (files, batches, moderations), take a different request shape.

    ## Example
    ```python
    response = client.responses.create(model="gpt-4.1", input="Tell me a joke")
    print(response.output_text)
    ```
    Use instead:
    ```python
    completion = client.chat.completions.create(
        model="glm-4.6", messages=[{"role": "user", "content": "Tell me a joke"}]
    )
    print(completion.choices[0].message.content or "")
    ```

    ## Fix safety
    No fix, but for one case: a plain `responses.create(model=..., input="text",
    instructions=..., max_output_tokens=..., temperature=..., top_p=...)` whose result is only
    read as `.output_text` becomes `chat.completions.create(model=..., messages=[system, user],
    max_tokens=...)` read as `(r.choices[0].message.content or "")`. That fix is unsafe: the
    request goes to another endpoint, and GLM-4.6 thinks unless told otherwise (see GLM204).
    Anything stateful (`previous_response_id`, `store`, `background`, built-in tools, `text=`,
    input items) and everything else needs a redesign. Calls through the zai and zhipuai SDKs use
    Z.AI's own resources and are not reported.
    """

    CODE = "GLM301"
    NAME = "no-glm-endpoint"
    SUMMARY = "OpenAI API with no GLM-4.6 counterpart"
    FIX_TITLE = "Rewrite a plain Responses call as chat completions"
    APPLICABILITY = Applicability.UNSAFE

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])'),
        Valid('from zai import ZaiClient\nZaiClient().files.create(file=f, purpose="batch")'),
        Valid('from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.models.list()'),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nclient = OpenAI()\nr = client.responses.create(model="gpt-4.1", input=q, instructions="Be terse.", max_output_tokens=200)\nprint(r.output_text.strip())',
        ),
        Invalid(
            'from openai import OpenAI\nclient = OpenAI()\nr = client.responses.create(model="gpt-4.1", input="Tell me a joke", instructions="Be terse.", max_output_tokens=200)\nprint(r.output_text.strip())',
            expected='from openai import OpenAI\nclient = OpenAI()\nr = client.chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Tell me a joke"}], max_tokens=200)\nprint((r.choices[0].message.content or "").strip())',
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nclient = OpenAI()\nr = client.responses.create(model="gpt-4.1", input="hi")\nprint(r.id, r.output_text)'
        ),
        Invalid("import openai\nfor model in openai.models.list():\n    print(model.id)"),
        Invalid(
            "from openai import AsyncOpenAI\nc = AsyncOpenAI()\nasync def f():\n"
            "    await c.beta.threads.runs.create(thread_id=t, assistant_id=a)"
        ),
        Invalid('from openai import OpenAI\nOpenAI().completions.create(model="gpt-3.5-turbo-instruct", prompt="x")'),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.clients and all(client.account_only for client in call.clients):
            message = f"`{'.'.join(call.path)}` stays with OpenAI (account data Z.AI does not have): keep an OpenAI key for it"
            self.report(call.node, message, severity=Severity.WARNING)
            return
        # An SDK that is not known (a receiver of another module, mixed receivers) may be OpenAI's.
        if not call.migratable or self.model.sdk_of(call) not in ("openai", "azure", None):
            return
        found = self.tables.unavailable_advice(call.path)
        if found is None:
            return
        _, advice = found
        message = f"`{'.'.join(call.path)}` has no {self.target_name} equivalent: {advice}"
        reads = self._simple_responses_reads(call)
        if reads is None:
            self.report(call.node, message)
            return
        # The new chat call must be complete in this run (a second run must find nothing to fix):
        # its model id moves now, and it gets the configured thinking switch (GLM204's job).
        to_chat: NodeEdit = _to_chat_call
        if self.settings.thinking:
            switch = f'{{"type": "{self.settings.thinking}"}}'
            setter = GlmOptions(call, self.model).setter("thinking", switch)
            to_chat = lambda node: setter(_to_chat_call(node))  # noqa: E731
        edits: list[tuple[cst.CSTNode, NodeEdit]] = [(call.node, to_chat)]
        edits += [(read, partial(_to_message_content, bare=self._stands_alone(read))) for read in reads]
        for literal in self.model.model_literals(call)[0]:
            new = self.tables.lookup_model("chat", string_value(literal) or "")
            if new and literal not in self.model.claimed_literals:
                self.model.claimed_literals.add(literal)
                edits.append((literal, partial(replace_string, value=new)))
        fix = Fix(tuple(edits), "Rewrite as a chat completions call")
        self.report(call.node, message, fix=fix)

    def _simple_responses_reads(self, call: ApiCall) -> list[cst.Attribute] | None:
        """The `.output_text` reads of a Responses call that can become a chat call, or None."""
        node = call.node
        func = node.func
        if call.path != ("responses", "create") or not isinstance(func, cst.Attribute):
            return None
        if not (isinstance(func.value, cst.Attribute) and func.value.attr.value == "responses"):
            return None  # with_raw_response and friends: their results are read differently
        names = [a.keyword.value if a.keyword is not None and not a.star else "" for a in node.args]
        if not set(names) <= SIMPLE_RESPONSES_ARGS or "input" not in names or "model" not in names:
            return None
        text = call.kwarg("input")
        assert text is not None
        if not isinstance(text.value, STRING_EXPRESSIONS):
            literals, complete = self.model.resolve_strings(text.value, call.scope)
            if not (literals and complete):
                return None  # a list of input items, or unknown
        for name in ("temperature", "top_p", "max_output_tokens"):
            arg = call.kwarg(name)
            value = number_value(arg.value) if arg is not None else None
            limit = self.tables.limits[RENAMED_ARGS.get(name, name)]
            if value is not None and not (limit.min < value <= limit.max):
                return None  # GLM201 / GLM207 would have to fix the new call: not in one go
        literals, complete = self.model.model_literals(call)
        if not complete or not all(self._chat_model(literal) for literal in literals):
            return None  # the new chat call's model must be a GLM id right away
        instructions = call.kwarg("instructions")
        if instructions is not None and isinstance(instructions.value, cst.List | cst.Dict | cst.Tuple):
            return None
        uses = _ResultUses(node)
        walk(call.scope.node, uses)
        if uses.chained is not None:
            return [uses.chained]
        if uses.target is None or len(self.model.lookup(uses.target.value, call.scope)) != 1:
            return None
        names_used = _NameUses(uses.target.value)
        walk(call.scope.node, names_used)
        # every use but the assignment reads `.output_text`: nothing else of the response is needed
        return names_used.reads if names_used.uses == len(names_used.reads) + 1 else None

    def _stands_alone(self, read: cst.Attribute) -> bool:
        """Nothing binds to `read` more tightly than `or` would: a statement's or an argument's
        whole value, an element."""
        return type(self.model.parents.get(read)) in _LOOSE_CONTEXTS

    def _chat_model(self, literal: cst.SimpleString) -> bool:
        model_id = string_value(literal) or ""
        return bool(self.tables.glm_id("chat", model_id))


def _to_chat_call(call: cst.Call) -> cst.Call:
    """`x.responses.create(model, input, instructions, ...)` -> `x.chat.completions.create(model, messages, ...)`."""
    assert isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Attribute)
    client = call.func.value.value
    func = cst.Attribute(
        value=cst.Attribute(value=cst.Attribute(value=client, attr=cst.Name("chat")), attr=cst.Name("completions")),
        attr=cst.Name("create"),
    )
    values = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    messages = [f'{{"role": "user", "content": {code_of(values["input"])}}}']
    if "instructions" in values:
        messages.insert(0, f'{{"role": "system", "content": {code_of(values["instructions"])}}}')
    args = []
    for arg in call.args:
        assert arg.keyword is not None
        name = arg.keyword.value
        if name == "input":
            arg = arg.with_changes(keyword=cst.Name("messages"), value=cst.parse_expression(f"[{', '.join(messages)}]"))
        elif name in RENAMED_ARGS:
            arg = arg.with_changes(keyword=cst.Name(RENAMED_ARGS[name]))
        args.append(arg)
    return remove_kwargs(call.with_changes(func=func, args=args), {"instructions"})


#: Where an expression stands whole, so `x or ""` needs no parentheses there.
_LOOSE_CONTEXTS = (cst.Return, cst.Assign, cst.AnnAssign, cst.Arg, cst.Element, cst.DictElement, cst.Expr)


def _to_message_content(read: cst.Attribute, *, bare: bool) -> cst.BaseExpression:
    """`r.output_text` -> `(r.choices[0].message.content or "")`: output_text is "" when empty;
    `bare`: without the parentheses, where nothing binds to it more tightly than `or`."""
    first = cst.Subscript(
        value=cst.Attribute(value=read.value, attr=cst.Name("choices")),
        slice=[cst.SubscriptElement(slice=cst.Index(value=cst.Integer("0")))],
    )
    content = cst.Attribute(value=cst.Attribute(value=first, attr=cst.Name("message")), attr=cst.Name("content"))
    either = cst.BooleanOperation(left=content, operator=cst.Or(), right=cst.SimpleString('""'))
    return either if bare else either.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
