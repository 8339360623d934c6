from __future__ import annotations

from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import short_code
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, replace_string, thinking_option
from glm_migrate.rules._responses_api import (
    LOOSE_CONTEXTS,
    bound_messages,
    convertible_reads,
    system_roles,
    to_chat_call,
    to_message_content,
)
from glm_migrate.semantic import ApiCall, Scope, SemanticModel, Target, string_value


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
    No fix, but for one case: a plain `responses.create(model=..., input=<text or a list of
    {"role", "content"} text messages>, instructions=..., max_output_tokens=..., temperature=...,
    top_p=...)` whose result is only read as `.output_text` in the same function becomes
    `chat.completions.create(model=..., messages=[system, ...], max_tokens=...)` read as
    `(r.choices[0].message.content or "")` (the `developer` role becomes `system`). That fix is
    unsafe: the request goes to another endpoint, the target thinks unless told otherwise (see
    GLM204), and a message content written as a variable is taken for text. Everything else stays
    a finding that names what keeps it and what to do instead (`[responses]` of
    `rules/endpoints.toml`): stateful arguments (`previous_response_id`, `store`,
    `conversation`, `background`), built-in tools, `responses.parse`, streaming events, input
    items. With `repoint-responses` and a target whose profile lists a Responses endpoint
    (glm-5.3, unverified), nothing is rewritten: the finding says how to point the client there.
    Calls through the zai and zhipuai SDKs use Z.AI's own resources and are not reported.
    """

    CODE = "GLM301"
    REPORTS_MISSING_ROUTE = True
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
            'from openai import OpenAI\nclient = OpenAI()\nr = client.responses.create(model="gpt-4.1", input=[{"role": "developer", "content": rules}, {"role": "user", "content": q}])\nprint(r.output_text)',
            expected='from openai import OpenAI\nclient = OpenAI()\nr = client.chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": rules}, {"role": "user", "content": q}])\nprint(r.choices[0].message.content or "")',
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
        Invalid(  # a client for nothing but fine-tuning stays with OpenAI (a warning)
            'from openai import OpenAI\nclient = OpenAI()\njob = client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini-2024-07-18")'
        ),
        Invalid(  # the target has a Responses endpoint and the option asks to keep the API
            'from openai import OpenAI\nclient = OpenAI()\nr = client.responses.create(model="gpt-4.1", input="hi")\nprint(r.output_text)',
            settings={"repoint_responses": True, "target_model": "glm-5.3"},
        ),
        Invalid(  # the configured thinking switch goes with the new chat call
            'from openai import OpenAI\nclient = OpenAI()\nr = client.responses.create(model="gpt-4.1", input="hi")\nprint(r.output_text)',
            expected='from openai import OpenAI\nclient = OpenAI()\nr = client.chat.completions.create(model="glm-4.6", messages=[{"role": "user", "content": "hi"}], extra_body={"thinking": {"type": "disabled"}})\nprint(r.choices[0].message.content or "")',
            settings={"thinking": "disabled"},
            unsafe=True,
        ),
        Invalid(  # the input list bound to a name gets its roles changed where it is written
            'from openai import OpenAI\nclient = OpenAI()\nhistory = [{"role": "developer", "content": rules}, {"role": "user", "content": q}]\n'
            'r = client.responses.create(model="glm-4.6", input=history)\nanswer = r.output_text',
            expected='from openai import OpenAI\nclient = OpenAI()\nhistory = [{"role": "system", "content": rules}, {"role": "user", "content": q}]\n'
            'r = client.chat.completions.create(model="glm-4.6", messages=history)\nanswer = r.choices[0].message.content or ""',
            unsafe=True,
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        hosted_state = call.path[0] in self.tables.hosted_state_resources
        if call.clients and all(client.account_only for client in call.clients) and not hosted_state:
            message = f"`{'.'.join(call.path)}` stays with OpenAI (account data Z.AI does not have): keep an OpenAI key for it"
            self.report(call.node, message, severity=Severity.WARNING)
            return
        # An SDK that is not known (a receiver of another module, mixed receivers) may be OpenAI's.
        if not (call.migratable or hosted_state) or self.model.sdk_of(call) not in ("openai", "azure", None):
            return
        found = self.tables.unavailable_advice(call.path)
        if found is None:
            return
        _, advice = found
        message = f"`{'.'.join(call.path)}` has no {self.target_name} equivalent: {advice}"
        if call.path[0] != "responses":
            self.report(call.node, message)
            return
        repoint = self.tables.target.responses_base_url if self.settings.repoint_responses else ""
        if repoint:
            # the option keeps the Responses API: how to point this client at the target's
            message = (
                f"`{'.'.join(call.path)}` goes to Z.AI's chat base URL, which has no Responses API: point this "
                f'client at {self.target_name}\'s Responses endpoint (`base_url="{repoint}"`, unverified) or {advice}'
            )
            self.report(call.node, message)
            return
        found_reads = convertible_reads(call, self.model, self.tables)
        reads = [read for read in found_reads if isinstance(read, cst.Attribute)]
        if not reads:
            self.report(call.node, f"{message}; {'; '.join(str(reason) for reason in found_reads)}")
            return
        # The new chat call must be complete in this run (a second run must find nothing to fix):
        # its model id moves now, and it gets the configured thinking switch (GLM204's job).
        listed = bound_messages(call, self.model)
        to_chat: NodeEdit = partial(to_chat_call, listed=listed is not None)
        option = thinking_option(self.tables.target, self.settings.thinking)
        if option is not None:
            setter = GlmOptions(call, self.model).setter(*option)
            to_chat = lambda node: setter(to_chat_call(node, listed=listed is not None))  # noqa: E731
        edits: list[tuple[cst.CSTNode, NodeEdit]] = [(call.node, to_chat)]
        if listed is not None:
            edits.append((listed, system_roles))
        edits += [(read, partial(to_message_content, bare=self._stands_alone(read))) for read in reads]
        for literal in self.model.model_literals(call)[0]:
            new = self.tables.lookup_model("chat", string_value(literal) or "")
            if new and not self.claimed(literal):
                self.claim(literal)
                edits.append((literal, partial(replace_string, value=new)))
        fix = Fix(tuple(edits), "Rewrite as a chat completions call")
        self.report(call.node, message, fix=fix)

    def on_module_end(self) -> None:
        # `retry(client.completions.create, ...)`, `method = ...` then `retry(method, ...)`: the
        # requests are made out of view, but through a method Z.AI has no route for
        for holder, path, clients in self.model.handed_methods:
            if clients and all(c.account_only or c.target is Target.OTHER for c in clients):
                continue
            if any(c.sdk not in ("openai", "azure") for c in clients):
                continue
            found = self.tables.unavailable_advice(path)
            if found is not None:
                message = (
                    f"`{'.'.join(path)}` is handed to `{short_code(holder.func)}`, which calls it, and has no "
                    f"{self.target_name} equivalent: {found[1]}"
                )
                self.report(holder, message)
        # `def create_thread(client): return client.beta.threads.create()` in a module importing
        # no SDK, handed an OpenAI client by another module of the run (`ModuleFacts
        # .handed_clients`): the call is that client's, and fails at Z.AI as made here
        handed = self.model.facts.handed_clients
        for call, params in self.model.parameter_calls if handed else ():
            found = self.tables.unavailable_advice(call.path)
            callers = {c for _, function in params for c in handed.get(_owner(self.model, function) or "", ())}
            if found is None or not callers:
                continue
            shown = ", ".join(f"`{caller}`" for caller in sorted(callers))
            message = (
                f"`{'.'.join(call.path)}` has no {self.target_name} equivalent: {found[1]} (through an OpenAI client "
                f"handed here by {shown})"
            )
            self.report(call.node, message)

    def _stands_alone(self, read: cst.Attribute) -> bool:
        """Nothing binds to `read` more tightly than `or` would: a statement's or an argument's
        whole value, an element."""
        return type(self.model.parents.get(read)) in LOOSE_CONTEXTS


def _owner(model: SemanticModel, function: Scope) -> str | None:
    """The name other modules call `function` by (`ModuleFacts.handed_clients`): a module-level
    function's, "Class" for a module-level class's `__init__`, "Class.method" for its other
    methods; None for any other function."""
    node, parent = function.node, function.parent
    if type(node) is not cst.FunctionDef or parent is None:
        return None
    if parent is model.module_scope:
        return node.name.value
    if parent.kind == "class" and parent.parent is model.module_scope and type(parent.node) is cst.ClassDef:
        klass = parent.node.name.value
        return klass if node.name.value == "__init__" else f"{klass}.{node.name.value}"
    return None
