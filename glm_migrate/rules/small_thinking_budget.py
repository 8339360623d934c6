from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, code_of, number_value, thinks
from glm_migrate.semantic import ApiCall

#: the request keys that bound the answer's length (GLM203 renames the second)
LENGTH_KEYS = ("max_tokens", "max_completion_tokens")


class SmallThinkingBudget(Rule):
    """
    ## What it does
    Warns about chat calls bound for Z.AI whose `max_tokens` (or `max_completion_tokens`) is
    below the target profile's `thinking_floor` when the call thinks: on a target that always
    thinks (glm-5.3), or thinks whenever thinking is enabled (glm-4.7, glm-5.1) and the call does
    not disable it. Literal values and names bound to literals are checked.

    ## Why is this bad?
    Reasoning tokens count against `max_tokens`. A budget sized for GPT-4o-era answers (256,
    1000) is spent on `reasoning_content` before any content: the answer comes back with
    `content: ""` and `finish_reason: "length"` (reported in 2026 for GLM-5-Turbo, GLM-5.2 and
    GLM-5.3). The floor is a product choice, marked unconfirmed in `rules/targets.toml` and
    overridable with `[tool.glm-migrate.target-profile] thinking_floor`.

    ## Example
    ```python
    client.chat.completions.create(model="glm-5.3", messages=m, max_tokens=512)
    ```
    Use instead (or lower `reasoning_effort` where the target has levels):
    ```python
    client.chat.completions.create(model="glm-5.3", messages=m, max_tokens=8192)
    ```

    ## Fix safety
    No fix: a larger budget costs more and lets answers run longer; how much room the answer
    needs is the author's call. A warning.
    """

    CODE = "GLM218"
    NAME = "small-thinking-budget"
    SUMMARY = "`max_tokens` too small for a target model that thinks"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], max_tokens=256)'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[], max_tokens=16000)',
            settings={"target_model": "glm-5.3"},
        ),
        Valid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.7", messages=[], max_tokens=256, thinking={"type": "disabled"})',
            settings={"target_model": "glm-4.7"},
        ),
        Valid(
            'from openai import OpenAI\ndef ask(n):\n    OpenAI().chat.completions.create(model="gpt-4o", messages=[], max_tokens=n)',
            settings={"target_model": "glm-5.3"},
        ),  # a parameter: its callers may pass more
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], max_tokens=limit())',
            settings={"target_model": "glm-5.3"},
        ),  # not a number glm-migrate can know
        Valid(  # a fine-tuned model keeps its id: it is not the target
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="chatglm3-6b-ft-demo", messages=[], max_tokens=50)',
            settings={"target_model": "glm-5.3"},
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], max_tokens=500)',
            settings={"target_model": "glm-5.3"},
        ),
        Invalid(
            'from openai import OpenAI\nLIMIT = 1024\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], max_completion_tokens=LIMIT)',
            settings={"target_model": "glm-4.7"},
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        target = self.tables.target
        if not target.thinking_floor or call.endpoint != "chat" or not call.migratable:
            return
        options = GlmOptions(call, self.model)
        if not thinks(target, options):
            return
        for key in LENGTH_KEYS:
            value = options.get(key)[0]
            if value is None:
                continue
            budget = self._budget(value, call)
            if budget is None or budget >= target.thinking_floor:
                continue
            how = "always thinks" if target.thinks_always else "thinks unless `thinking` is disabled"
            advice = f"raise it to at least {target.thinking_floor} (the profile's floor)"
            if target.reasoning_effort is not None:
                advice += f" or lower `reasoning_effort` ({'/'.join(target.reasoning_effort.values)})"
            message = (
                f"`{key}={code_of(value)}`: {self.target_name} {how}, and reasoning counts against it "
                f"(the answer may come back empty, finish_reason `length`); {advice}"
            )
            self.report(value, message)

    def _budget(self, value: cst.BaseExpression, call: ApiCall) -> int | None:
        """The largest number `value` may be (a literal, or the literals a name is assigned), or
        None when one is not known (a parameter's callers may pass more)."""
        values: list[cst.BaseExpression | None] = [value]
        if isinstance(value, cst.Name):
            bindings = self.model.lookup(value.value, call.scope)
            if any(isinstance(binding.target, cst.Param) for binding in bindings):
                return None
            values = [binding.value for binding in bindings]
        numbers = [number_value(v) if v is not None else None for v in values]
        if not numbers or None in numbers:
            return None
        return int(max(n for n in numbers if n is not None))
