from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, code_of, remove_kwargs
from glm_migrate.semantic import ApiCall, string_value

#: effort levels that mean "do not reason"; every other level maps to thinking enabled
NO_REASONING = ("none", "minimal")


class ReasoningEffort(Rule):
    """
    ## What it does
    Replaces OpenAI's `reasoning_effort=` on chat calls bound for Z.AI with GLM's thinking switch:
    `"none"` and `"minimal"` become `{"type": "disabled"}`, every other level `{"type": "enabled"}`.
    The switch goes into `extra_body` with the OpenAI SDK and is a keyword with the Zhipu SDKs. A
    variable effort becomes a conditional expression; a call that already sets `thinking` only
    loses `reasoning_effort`.

    ## Why is this bad?
    GLM-4.6 has no effort levels, only thinking on or off (and decides itself how long to think).
    The zhipuai SDK and older zai-sdk releases raise `TypeError` on `reasoning_effort`; through the
    OpenAI SDK the server's handling of it is undocumented.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, reasoning_effort="minimal")
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, extra_body={"thinking": {"type": "disabled"}})
    ```

    ## Fix safety
    Safe for a literal level: it keeps the call's intent (reason or not); the finer levels
    collapse, which GLM-4.6 cannot express anyway. Unsafe for a variable level (the conditional
    is evaluated at run time, and an unexpected value means thinking on). Anything else, and calls
    whose `extra_body` is a variable, are reported for a person.
    """

    CODE = "GLM205"
    NAME = "reasoning-effort"
    SUMMARY = "`reasoning_effort=`, which GLM-4.6 expresses as the thinking switch"
    FIX_TITLE = "Replace with the thinking switch"

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body={"thinking": {"type": "enabled"}})'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="o3", messages=[], reasoning_effort="low")'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="o3-mini", messages=[], reasoning_effort="minimal")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="o3-mini", messages=[], extra_body={"thinking": {"type": "disabled"}})',
        ),
        Invalid(
            'from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model="glm-4.6", messages=[], reasoning_effort="high")',
            expected='from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model="glm-4.6", messages=[], thinking={"type": "enabled"})',
        ),
        Invalid(
            "from openai import OpenAI\ndef ask(c: OpenAI, effort):\n    return c.chat.completions.create(model=m, messages=[], reasoning_effort=effort)",
            expected="from openai import OpenAI\ndef ask(c: OpenAI, effort):\n"
            '    return c.chat.completions.create(model=m, messages=[], extra_body={"thinking": {"type": "disabled" if effort in ("none", "minimal") else "enabled"}})',
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], reasoning_effort="low", extra_body=body)'
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        arg = call.kwarg("reasoning_effort")
        if arg is None or call.endpoint != "chat" or not call.migratable:
            return
        options = GlmOptions(call, self.model)
        shown = code_of(arg.value)
        message = f"`reasoning_effort={shown}` is not a GLM-4.6 parameter"
        if options.get("thinking")[0] is not None:
            fix = Fix(((call.node, _without_effort),), "Remove `reasoning_effort=` (the call sets `thinking`)")
            self.report(arg, message + "; the call already sets `thinking`", fix=fix)
            return
        level = string_value(arg.value)
        applicability = None
        if level is not None:
            switch = f'{{"type": "{"disabled" if level in NO_REASONING else "enabled"}"}}'
        elif isinstance(arg.value, cst.Name | cst.Attribute):
            levels = ", ".join(f'"{effort}"' for effort in NO_REASONING)
            switch = f'{{"type": "disabled" if {shown} in ({levels}) else "enabled"}}'
            applicability = Applicability.UNSAFE
        else:
            self.report(arg, message + ": replace it with the `thinking` switch by hand")
            return
        problem = options.blocker("thinking")
        if problem:
            self.report(arg, f"{message}: replace it with `thinking={switch}` by hand ({problem})")
            return
        setter = options.setter("thinking", switch)
        fix = Fix(
            ((call.node, lambda node: setter(_without_effort(node))),),
            f"Replace with `{options.form('thinking', switch)}`",
            applicability=applicability,
        )
        self.report(arg, message, fix=fix)


def _without_effort(call: cst.Call) -> cst.Call:
    return remove_kwargs(call, {"reasoning_effort"})
