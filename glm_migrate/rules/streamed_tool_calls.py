from __future__ import annotations

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions
from glm_migrate.semantic import ApiCall, string_value


class StreamedToolCalls(Rule):
    """
    ## What it does
    Finds streamed chat calls with `tools=` on the target's chat model (GLM-4.6 by default, where
    its profile says it takes `tool_stream`) and suggests GLM's `tool_stream` option,
    which streams tool-call arguments as OpenAI does. With `--tool-stream` (or
    `tool-stream = true`) it adds it: `extra_body={"tool_stream": True}` with the OpenAI SDK and
    the zhipuai SDK, `tool_stream=True` with zai-sdk.

    ## Why is this bad?
    Without `tool_stream`, GLM-4.6 sends each tool call whole in one final chunk. Code that shows
    arguments as they arrive sees nothing until the end; code that concatenates fragments by
    `index` still works.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, tools=tools, stream=True)
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, tools=tools, stream=True, extra_body={"tool_stream": True})
    ```

    ## Fix safety
    Unsafe by default: with `tool_stream` the arguments arrive in fragments, which breaks code
    that reads each tool call from a single chunk. `--tool-stream` says your code accumulates
    fragments, and makes the fix safe. Only calls with `stream=True` and a model known to be the
    target's chat model (after the model map) are reported. A warning.
    """

    CODE = "GLM206"
    NAME = "streamed-tool-calls"
    SUMMARY = "Streamed tool calls without GLM-4.6's `tool_stream`"
    FIX_TITLE = "Add `tool_stream`"
    SEVERITY = Severity.WARNING
    #: safe only with --tool-stream (see Fix safety)
    APPLICABILITY = Applicability.UNSAFE

    VALID = (
        Valid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], tools=t, stream=True, tool_stream=True)'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.5-air", messages=[], tools=t, stream=True)'
        ),
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t)'),
        Valid(  # a local server's streaming is its own
            'from openai import OpenAI\nlocal = OpenAI(base_url="http://localhost:8000/v1")\n'
            'local.chat.completions.create(model="gpt-4o", messages=[], tools=t, stream=True)'
        ),
        # the body may set `tool_stream` already; or it switches it off on purpose
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, stream=True, extra_body=body)'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, stream=True, extra_body={"tool_stream": False})'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, stream=True)',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, stream=True, extra_body={"tool_stream": True})',
            unsafe=True,
        ),
        Invalid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], tools=t, stream=True)',
            expected='from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], tools=t, stream=True, tool_stream=True)',
            settings={"tool_stream": True},
        ),
        Invalid(  # `extra_body` comes from a mapping: where `tool_stream` goes is a person's call
            'from openai import OpenAI\nopts = {"extra_body": {"top_k": 5}}\n'
            'OpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, stream=True, **opts)'
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.path != ("chat", "completions", "create") or not call.migratable:
            return
        options = GlmOptions(call, self.model)
        stream, tools = options.get("stream")[0], options.get("tools")[0]
        if stream is None or tools is None or not _is_true(stream) or not self._on_tool_stream_model(call):
            return
        value, complete = options.get("tool_stream")
        if value is not None or not complete:
            return
        message = f"Streamed tool calls arrive whole on {self.target_name} unless `tool_stream` is set"
        problem = options.blocker("tool_stream")
        if problem:
            self.report(call.node, f"{message} ({problem})")
            return
        fix = Fix(
            ((call.node, options.setter("tool_stream", "True")),),
            f"Add `{options.form('tool_stream', 'True')}`",
            applicability=Applicability.SAFE if self.settings.tool_stream else Applicability.UNSAFE,
        )
        self.report(call.node, message, fix=fix)

    def _on_tool_stream_model(self, call: ApiCall) -> bool:
        literals, complete = self.model.model_literals(call)
        ids = [string_value(literal) or "" for literal in literals]
        targets = {self.tables.glm_id("chat", i) for i in ids}
        # the target's chat model, if it streams tool calls (the profile's `tool_stream`)
        streaming = {self.tables.target.chat} if self.tables.target.tool_stream else set()
        return complete and bool(ids) and targets <= streaming


def _is_true(node: object) -> bool:
    return getattr(node, "value", None) == "True"
