from __future__ import annotations

from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import code_of, remove_kwargs, replace_with
from glm_migrate.semantic import ApiCall, string_value


class ForcedToolChoice(Rule):
    """
    ## What it does
    Finds `tool_choice=` values other than `"auto"` on chat calls bound for Z.AI: `"required"`,
    a named function (`{"type": "function", "function": {"name": ...}}`) and `"none"`.

    ## Why is this bad?
    GLM-4.6 documents `"auto"` only. Z.AI answers other values with HTTP 400 ("Tool choice must be
    auto"), and glm-4.6 has been seen to hang on a named function.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, tools=tools, tool_choice="required")
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, tools=tools, tool_choice="auto")
    ```

    ## Fix safety
    Unsafe: with `"auto"` the model may answer without calling the tool, so code that expects a
    tool call needs a fallback (or a prompt that asks for the tool). `"none"` is rewritten by
    removing `tools=` and `tool_choice=`, which is what "no tool calls" means. Values computed at
    run time are reported for a person.
    """

    CODE = "GLM209"
    NAME = "forced-tool-choice"
    SUMMARY = "`tool_choice` other than `auto`, which GLM-4.6 rejects"
    FIX_TITLE = 'Use `tool_choice="auto"`'
    APPLICABILITY = Applicability.UNSAFE

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], tools=t, tool_choice="auto")'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="m", messages=[], tools=t, tool_choice="required")'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, tool_choice={"type": "function", "function": {"name": "f"}})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, tool_choice="auto")',
            unsafe=True,
        ),
        Invalid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], tools=t, tool_choice="none")',
            expected='from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[])',
            unsafe=True,
        ),
        Invalid(
            "from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], tools=t, tool_choice=choice)"
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        arg = call.kwarg("tool_choice")
        if arg is None or call.endpoint != "chat" or not call.migratable:
            return
        choice = string_value(arg.value)
        if choice == "auto":
            return
        shown = code_of(arg.value)
        message = f"`tool_choice={shown}`: {self.target_name} takes only `auto`"
        if choice == "none":
            fix = Fix(
                ((call.node, partial(remove_kwargs, names={"tools", "tool_choice"})),),
                "Remove `tools=` and `tool_choice=`",
            )
            self.report(arg, message, fix=fix)
        elif choice is not None or isinstance(arg.value, cst.Dict):
            quote = arg.value.quote if isinstance(arg.value, cst.SimpleString) else '"'
            auto = cst.SimpleString(f"{quote}auto{quote}")
            fix = Fix(((arg.value, replace_with(auto)),), self.FIX_TITLE)
            self.report(arg, message + " (the model may then answer without calling a tool)", fix=fix)
        else:
            self.report(arg, message + "; make sure this value is `auto`")
