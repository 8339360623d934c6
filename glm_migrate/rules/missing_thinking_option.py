from __future__ import annotations

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, thinking_option
from glm_migrate.semantic import ApiCall


class MissingThinkingOption(Rule):
    """
    ## What it does
    When `thinking = "enabled"` or `"disabled"` is configured (`--thinking`), adds GLM's
    deep-thinking switch to every chat call bound for Z.AI that does not set one: as
    `extra_body={"thinking": {"type": ...}}` with the OpenAI SDK (merged into an `extra_body`
    dict literal the call already has), as `thinking={"type": ...}` with the zai and zhipuai SDKs.
    Without the setting the rule does nothing.

    ## Why is this bad?
    GLM-4.6 thinks by default: answers take longer, cost reasoning tokens and come with
    `reasoning_content`. Code migrated from a non-reasoning OpenAI model usually wants it off;
    code migrated from an o-series model wants it on explicitly.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m)
    ```
    Use instead (`--thinking disabled`):
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, extra_body={"thinking": {"type": "disabled"}})
    ```

    With a target that always thinks (glm-5.3), no switch is added: `disabled` becomes the
    target's lowest `reasoning_effort` level instead (`reasoning_effort="low"`).

    ## Fix safety
    Safe: you asked for it (the lowest effort level is unsafe where the profile marks its levels
    unconfirmed). Calls with `reasoning_effort=` are left to GLM205; calls whose
    `extra_body` is a variable, or whose `**kwargs` cannot be seen, are reported instead (a
    warning): a second `thinking` key there would be overridden or raise at run time.
    """

    CODE = "GLM204"
    NAME = "missing-thinking-option"
    SUMMARY = "Chat call without the configured deep-thinking switch"
    FIX_TITLE = "Add the thinking switch"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])'
        ),  # no setting
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body={"thinking": {"type": "enabled"}})',
            settings={"thinking": "disabled"},
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="glm-4", messages=[])',
            settings={"thinking": "disabled"},
        ),
        # GLM-5.3 always thinks: no switch to add (some routes reject the field)
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[])',
            settings={"thinking": "enabled", "target_model": "glm-5.3"},
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body={"request_id": rid})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body={"request_id": rid, "thinking": {"type": "disabled"}})',
            settings={"thinking": "disabled"},
        ),
        Invalid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(\n    model="glm-4.6",\n    messages=[],\n)',
            expected='from zai import ZaiClient\nZaiClient().chat.completions.create(\n    model="glm-4.6",\n    messages=[],\n    thinking={"type": "enabled"},\n)',
            settings={"thinking": "enabled"},
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body=EXTRA)',
            settings={"thinking": "disabled"},
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[])',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[], reasoning_effort="low")',
            settings={"thinking": "disabled", "target_model": "glm-5.3"},
            unsafe=True,
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        mode = self.settings.thinking
        if mode is None or call.endpoint != "chat" or not call.migratable or call.kwarg("reasoning_effort"):
            return
        options = GlmOptions(call, self.model)
        switch, complete = options.get("thinking")
        if switch is not None:
            return
        option = thinking_option(self.tables.target, mode)
        if option is None:
            return  # a target that always thinks: nothing to switch
        name, value = option
        problem = options.blocker(name) or (None if complete else "its `**kwargs` cannot be checked")
        message = f"Chat call without a thinking switch (configured: {mode})"
        applicability = None
        if name != "thinking":
            message += f", but {self.target_name} always thinks: its lowest effort level instead"
            confirmed = "reasoning_effort" not in self.tables.target.unconfirmed
            applicability = None if confirmed else Applicability.UNSAFE
        if problem:
            self.report(call.node, f"{message}: add `{name}={value}` by hand ({problem})")
            return
        fix = Fix(
            ((call.node, options.setter(name, value)),),
            f"Add `{options.form(name, value)}`",
            applicability=applicability,
        )
        self.report(call.node, message, fix=fix)
