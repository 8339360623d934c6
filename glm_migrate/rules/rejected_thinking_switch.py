from __future__ import annotations

import libcst as cst

from glm_migrate import layout
from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, code_of, dict_entry, remove_kwargs
from glm_migrate.semantic import ApiCall, find_kwarg, string_value


class RejectedThinkingSwitch(Rule):
    """
    ## What it does
    Finds chat calls bound for Z.AI that switch thinking off (`thinking={"type": "disabled"}`,
    as a keyword or in `extra_body`) when the target model rejects that (`thinking_disabled =
    false` in its profile, `rules/targets.toml`: glm-5.3). The fix removes the switch and, where
    the target has effort levels and the call sets none, asks for the lowest one
    (`reasoning_effort="low"`), the closest the target comes to not thinking.

    ## Why is this bad?
    GLM-5.3 always thinks: `thinking.type="disabled"` fails with HTTP 400. Code written for
    GLM-4.x, or migrated with `--thinking disabled`, breaks on every call after the upgrade.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, extra_body={"thinking": {"type": "disabled"}})
    ```
    Use instead (`--target-model glm-5.3`):
    ```python
    client.chat.completions.create(model="glm-5.3", messages=m, reasoning_effort="low")
    ```

    ## Fix safety
    Unsafe: the call then thinks, which is slower, costs reasoning tokens and spends part of
    `max_tokens` before any content (GLM218 warns where it is small). A switch that is not a
    literal dict on the call itself (a variable, a conditional, a `**` splat, a variable
    `extra_body`) is reported for a person.
    """

    CODE = "GLM217"
    NAME = "rejected-thinking-switch"
    SUMMARY = "Thinking switched off on a target model that always thinks"
    FIX_TITLE = "Remove the switch (and ask for the lowest reasoning effort)"
    APPLICABILITY = Applicability.UNSAFE

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body={"thinking": {"type": "disabled"}})'
        ),
        Valid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-5.3", messages=[], thinking={"type": "enabled"})',
            settings={"target_model": "glm-5.3"},
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[], extra_body={"thinking": {"type": "disabled"}})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[], reasoning_effort="low")',
            settings={"target_model": "glm-5.3"},
            unsafe=True,
        ),
        Invalid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-5.3", messages=[], thinking={"type": "disabled"}, reasoning_effort="high")',
            expected='from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-5.3", messages=[], reasoning_effort="high")',
            settings={"target_model": "glm-5.3"},
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[], extra_body={"thinking": {"type": "disabled"}, "request_id": r})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[], extra_body={"request_id": r}, reasoning_effort="low")',
            settings={"target_model": "glm-5.3"},
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[], extra_body={"thinking": THINKING})',
            settings={"target_model": "glm-5.3"},
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        target = self.tables.target
        if target.thinking_disabled or call.endpoint != "chat" or not call.migratable:
            return
        options = GlmOptions(call, self.model)
        value = options.get("thinking")[0]
        if value is None:
            return
        switch = _literal_type(value)
        if switch == "enabled":
            return
        shown = " ".join(code_of(value).split())  # one line, however the dict is laid out
        message = f"`thinking={shown}`: {self.target_name} always thinks and rejects `disabled`"
        if switch != "disabled":
            self.report(value, f"{message}; make sure this switch is never `disabled`")
            return
        if not _on_the_call(call.node):
            self.report(value, f"{message}; remove it by hand")
            return
        effort = target.reasoning_effort
        lowest = f'"{effort.values[0]}"' if effort is not None and call.kwarg("reasoning_effort") is None else None
        problem = options.blocker("reasoning_effort") if lowest else None
        if problem:
            lowest = None
        setter = options.setter("reasoning_effort", lowest) if lowest else None

        def edit(node: cst.Call) -> cst.Call:
            node = _without_switch(node)
            return setter(node) if setter is not None else node

        title = "Remove the switch" + (f" and add `{options.form('reasoning_effort', lowest)}`" if lowest else "")
        self.report(value, message, fix=Fix(((call.node, edit),), title))


def _literal_type(value: cst.BaseExpression) -> str | None:
    """ "enabled" or "disabled" for a `{"type": ...}` dict literal, else None."""
    if not isinstance(value, cst.Dict):
        return None
    entry = dict_entry(value, "type")
    return string_value(entry.value) if entry is not None else None


def _on_the_call(call: cst.Call) -> bool:
    """The switch is the call's own `thinking=` or an entry of its `extra_body={...}` literal."""
    if find_kwarg(call, "thinking") is not None:
        return True
    extra_body = find_kwarg(call, "extra_body")
    return (
        extra_body is not None
        and isinstance(extra_body.value, cst.Dict)
        and bool(dict_entry(extra_body.value, "thinking"))
    )


def _without_switch(call: cst.Call) -> cst.Call:
    if find_kwarg(call, "thinking") is not None:
        return remove_kwargs(call, {"thinking"})
    extra_body = find_kwarg(call, "extra_body")
    assert extra_body is not None and isinstance(extra_body.value, cst.Dict)
    rest = layout.remove(
        extra_body.value, lambda item: isinstance(item, cst.DictElement) and string_value(item.key) == "thinking"
    )
    if not rest.elements:
        return remove_kwargs(call, {"extra_body"})
    return call.with_changes(args=[a.with_changes(value=rest) if a is extra_body else a for a in call.args])
