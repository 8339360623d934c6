from __future__ import annotations

import libcst as cst

from glm_migrate.cst import walk
from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, thinks
from glm_migrate.semantic import ApiCall, string_value


class _StreamReads(cst.CSTVisitor):
    """`<...>.delta.content` reads, and any mention of `reasoning_content`, in one scope."""

    def __init__(self) -> None:
        self.content: cst.Attribute | None = None
        self.reasoning = False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "reasoning_content":
            self.reasoning = True
        elif node.attr.value == "content" and self.content is None and _is_delta(node.value):
            self.content = node

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.reasoning = self.reasoning or string_value(node) == "reasoning_content"


def _is_delta(node: cst.BaseExpression) -> bool:
    """`chunk.choices[0].delta` or a name `delta`."""
    if isinstance(node, cst.Attribute):
        return node.attr.value == "delta"
    return isinstance(node, cst.Name) and node.value == "delta"


class ContentOnlyStream(Rule):
    """
    ## What it does
    Finds streamed chat calls bound for Z.AI whose chunks are read as `delta.content` only, in
    the same function, when the target model thinks on that call (always, as glm-5.3, or
    whenever thinking is enabled, as glm-4.7 and glm-5.1, and the call does not disable it),
    and advises handling `delta.reasoning_content` too.

    ## Why is this bad?
    A thinking model streams its reasoning first, in `delta.reasoning_content`; `delta.content`
    stays empty until it is done. Code that shows only `content` sits silent for the whole
    reasoning phase, and, with a small `max_tokens`, may never show anything. Z.AI's migration
    guide asks for both fields to be handled.

    ## Example
    ```python
    for chunk in client.chat.completions.create(model="glm-5.3", messages=m, stream=True):
        print(chunk.choices[0].delta.content or "", end="")
    ```
    Use instead:
    ```python
    for chunk in client.chat.completions.create(model="glm-5.3", messages=m, stream=True):
        delta = chunk.choices[0].delta
        if getattr(delta, "reasoning_content", None):
            show_progress(delta.reasoning_content)
        print(delta.content or "", end="")
    ```

    ## Fix safety
    No fix: what to do with the reasoning (show it, log it, drop it) is the author's choice. The
    OpenAI SDK raises `AttributeError` on `delta.reasoning_content` when a chunk lacks it: read it
    with `getattr`. A warning.
    """

    CODE = "GLM219"
    NAME = "content-only-stream"
    SUMMARY = "Stream read from `delta.content` only, on a target model that thinks"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid(
            "from openai import OpenAI\nfor c in OpenAI().chat.completions.create(model=m, messages=[], stream=True):\n"
            "    print(c.choices[0].delta.content)"
        ),
        Valid(
            "from openai import OpenAI\nfor c in OpenAI().chat.completions.create(model=m, messages=[], stream=True):\n"
            '    print(getattr(c.choices[0].delta, "reasoning_content", None), c.choices[0].delta.content)',
            settings={"target_model": "glm-5.3"},
        ),
        Valid(
            "from openai import OpenAI\nfor c in OpenAI().chat.completions.create(model=m, messages=[], stream=True):\n"
            "    print(c.choices[0].delta.reasoning_content, c.choices[0].delta.content)",
            settings={"target_model": "glm-5.3"},
        ),  # reads the reasoning as an attribute
        Valid(
            "from openai import OpenAI\nr = OpenAI().chat.completions.create(model=m, messages=[])",
            settings={"target_model": "glm-5.3"},
        ),  # not streamed
    )
    INVALID = (
        Invalid(
            "from openai import OpenAI\ndef ask(m):\n"
            "    for c in OpenAI().chat.completions.create(model=m, messages=[], stream=True):\n"
            "        delta = c.choices[0].delta\n        print(delta.content)",
            settings={"target_model": "glm-5.3"},
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        target = self.tables.target
        if (
            call.endpoint != "chat"
            or not call.migratable
            or (target.thinking == "dynamic" and target.thinking_disabled)
        ):
            return
        options = GlmOptions(call, self.model)
        stream = options.get("stream")[0]
        if not (isinstance(stream, cst.Name) and stream.value == "True") or not thinks(target, options):
            return
        reads = _StreamReads()
        walk(call.scope.node, reads)
        if reads.content is None or reads.reasoning:
            return
        how = "always thinks" if target.thinks_always else "thinks unless `thinking` is disabled"
        self.report(
            call.node,
            f"Streamed answer read from `delta.content` only: {self.target_name} {how} and streams its reasoning "
            'first, in `delta.reasoning_content`; show or skip it (`getattr(delta, "reasoning_content", None)`)',
        )
