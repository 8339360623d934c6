from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, code_of, remove_kwargs, replace_with
from glm_migrate.semantic import ApiCall, string_value
from glm_migrate.targets import NO_THINKING
from glm_migrate.targets import ReasoningEffort as EffortLevels

#: effort levels that mean "do not reason", for targets without effort levels
NO_REASONING = ("none", "minimal")


class ReasoningEffort(Rule):
    """
    ## What it does
    Translates OpenAI's `reasoning_effort=` on chat calls bound for Z.AI into what the target
    model takes (`rules/targets.toml`). Targets without effort levels (glm-4.6, glm-4.7,
    glm-5.1) get GLM's thinking switch: `"none"` and `"minimal"` become `{"type": "disabled"}`,
    every other level `{"type": "enabled"}`, in `extra_body` with the OpenAI SDK and as a keyword
    with the Zhipu SDKs; a variable level becomes a conditional expression; a call that already
    sets `thinking` only loses `reasoning_effort`. Targets with effort levels (glm-5.2, glm-5.3)
    keep `reasoning_effort`, with OpenAI's level mapped to theirs by the profile's `map` (a level
    the map sends to `disabled` becomes the thinking switch), as a keyword where the SDK declares
    it and in `extra_body` with zhipuai. Thinking is never switched off on a target that rejects it.

    ## Why is this bad?
    GLM-4.6 has no effort levels, only thinking on or off (and decides itself how long to think).
    GLM-5.3 takes `low`, `high` and `max` only, and cannot stop thinking. The zhipuai SDK and
    older zai-sdk releases raise `TypeError` on `reasoning_effort`.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, reasoning_effort="minimal")
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, extra_body={"thinking": {"type": "disabled"}})
    ```
    With `--target-model glm-5.3`, `reasoning_effort="minimal"` becomes `reasoning_effort="low"`.

    ## Fix safety
    Safe for a literal level when the target's mapping is confirmed (the finer OpenAI levels
    collapse, which the target cannot express anyway); unsafe when the profile marks its
    `reasoning_effort` unconfirmed (glm-5.3). Unsafe for a variable level (evaluated at run time,
    an unexpected value means thinking on or the level as it is). Unknown levels, and calls whose
    `extra_body` is a variable, are reported for a person, as is a `reasoning_effort` key of a
    `**` mapping the request is built from (glm-4.6: its `extra_body` needs the switch instead).
    """

    CODE = "GLM205"
    NAME = "reasoning-effort"
    SUMMARY = "`reasoning_effort=`, which the target takes as the thinking switch or its own levels"
    FIX_TITLE = "Translate for the target model"

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body={"thinking": {"type": "enabled"}})'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="o3", messages=[], reasoning_effort="low")'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-5.3", messages=[], reasoning_effort="high")',
            settings={"target_model": "glm-5.3"},
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
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], reasoning_effort="medium")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], reasoning_effort="high")',
            settings={"target_model": "glm-5.2"},
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], reasoning_effort="none")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], reasoning_effort="low")',
            settings={"target_model": "glm-5.3"},
            unsafe=True,
        ),
        Invalid(
            'from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model="glm-5.2", messages=[], reasoning_effort="max")',
            expected='from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model="glm-5.2", messages=[], extra_body={"reasoning_effort": "max"})',
            settings={"target_model": "glm-5.2"},
        ),
        Invalid(  # the call already switches thinking: only the level goes
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], reasoning_effort="high", extra_body={"thinking": {"type": "enabled"}})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body={"thinking": {"type": "enabled"}})',
        ),
        Invalid(  # neither a literal nor a name: no switch can be written for it
            'from openai import OpenAI\ndef ask(c: OpenAI, settings):\n    return c.chat.completions.create(model="o3", messages=[], reasoning_effort=settings["effort"])'
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], reasoning_effort="minimal")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], extra_body={"thinking": {"type": "disabled"}})',
            settings={"target_model": "glm-5.2"},
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], reasoning_effort="minimal", extra_body={"thinking": {"type": "disabled"}})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], extra_body={"thinking": {"type": "disabled"}})',
            settings={"target_model": "glm-5.2"},
        ),
        Invalid(  # not a level of OpenAI's or the target's
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="o3", messages=[], reasoning_effort="auto")',
            settings={"target_model": "glm-5.2"},
        ),
        Invalid(  # a variable level where some levels mean thinking off: a person maps them
            'from openai import OpenAI\ndef ask(c: OpenAI, effort):\n    return c.chat.completions.create(model="o3", messages=[], reasoning_effort=effort)',
            settings={"target_model": "glm-5.2"},
        ),
        Invalid(
            'from openai import OpenAI\ndef ask(c: OpenAI, effort):\n    return c.chat.completions.create(model="o3", messages=[], reasoning_effort=effort)',
            expected='from openai import OpenAI\ndef ask(c: OpenAI, effort):\n    return c.chat.completions.create(model="o3", messages=[], reasoning_effort={"none": "low", "minimal": "low", "medium": "high", "xhigh": "max"}.get(effort, effort))',
            settings={"target_model": "glm-5.3"},
            unsafe=True,
        ),
        Invalid(  # a profile that cannot switch thinking off (`[tool.glm-migrate.target-profile]`): the level just goes
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], reasoning_effort="low")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])',
            settings={"target_profile": {"thinking_disabled": False}},
        ),
        Invalid(  # in a `**` mapping: for a person
            'from openai import OpenAI\np = {"model": "glm-4.6", "messages": [], "reasoning_effort": "low"}\nOpenAI().chat.completions.create(**p)'
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        arg = call.kwarg("reasoning_effort")
        effort = self.tables.target.reasoning_effort
        if arg is None:
            if effort is None and any(a.star == "**" for a in call.node.args):
                self._in_splats(call)
            return
        if effort is None:
            self._to_thinking_switch(call, arg)
        else:
            self._to_target_levels(call, arg, effort)

    def _in_splats(self, call: ApiCall) -> None:
        """`create(**params)` with `params = {..., "reasoning_effort": "low"}`: for a person."""
        for mapping in GlmOptions(call, self.model).splat_mappings:
            for source in mapping.keys.get("reasoning_effort", ()):
                self.report(
                    source.node,
                    f"`reasoning_effort` in a `**` mapping of a request is not a {self.target_name} parameter: "
                    'replace it with `"extra_body": {"thinking": {"type": ...}}` there by hand',
                )

    def _to_thinking_switch(self, call: ApiCall, arg: cst.Arg) -> None:
        """For a target without effort levels: GLM's thinking switch instead."""
        options = GlmOptions(call, self.model)
        shown = code_of(arg.value)
        message = f"`reasoning_effort={shown}` is not a {self.target_name} parameter"
        if options.get("thinking")[0] is not None:
            fix = Fix(((call.node, _without_effort),), "Remove `reasoning_effort=` (the call sets `thinking`)")
            self.report(arg, message + "; the call already sets `thinking`", fix=fix)
            return
        level = string_value(arg.value)
        applicability = None
        if not self.tables.target.thinking_disabled:
            # the target always thinks: no level can switch it off, and a switch is not needed
            fix = Fix(((call.node, _without_effort),), "Remove `reasoning_effort=`")
            self.report(arg, f"{message}, and it always thinks", fix=fix)
            return
        if level is not None:
            switch = f'{{"type": "{"disabled" if level in NO_REASONING else "enabled"}"}}'
        elif isinstance(arg.value, cst.Name | cst.Attribute):
            levels = ", ".join(f'"{effort}"' for effort in NO_REASONING)
            switch = f'{{"type": "disabled" if {shown} in ({levels}) else "enabled"}}'
            applicability = Applicability.UNSAFE
        else:
            self.report(arg, message + ": replace it with the `thinking` switch by hand")
            return
        self._replace(call, options, message, "thinking", switch, applicability)

    def _to_target_levels(self, call: ApiCall, arg: cst.Arg, effort: EffortLevels) -> None:
        """For a target with effort levels: the level mapped, placed where the SDK takes it."""
        options = GlmOptions(call, self.model)
        shown = code_of(arg.value)
        accepted = "/".join(effort.values)
        level = string_value(arg.value)
        confirmed = "reasoning_effort" not in self.tables.target.unconfirmed
        applicability = None if confirmed else Applicability.UNSAFE
        if level is not None:
            mapped = effort.map.get(level)
            if mapped is None:
                self.report(arg, f"`reasoning_effort={shown}`: {self.target_name} takes {accepted}")
                return
            message = f"`reasoning_effort={shown}`: {self.target_name} takes {accepted}"
            if mapped == NO_THINKING:
                if options.get("thinking")[0] is not None:
                    title = "Remove `reasoning_effort=` (the call sets `thinking`)"
                    fix = Fix(((call.node, _without_effort),), title, applicability=applicability)
                    self.report(arg, f"{message}; the call already sets `thinking`", fix=fix)
                    return
                self._replace(call, options, message, "thinking", '{"type": "disabled"}', applicability)
                return
            if mapped == level and options.sdk != "zhipuai":
                return  # already a level of the target; only zhipuai's signature lacks it
            self._replace(call, options, message, "reasoning_effort", f'"{mapped}"', applicability)
            return
        message = f"`reasoning_effort={shown}`: {self.target_name} takes {accepted}"
        if NO_THINKING in effort.map.values() or not isinstance(arg.value, cst.Name | cst.Attribute):
            self.report(arg, f"{message}; map the levels by hand ({_mapping_text(effort)})")
            return
        renamed = {old: new for old, new in effort.map.items() if old != new}
        table = ", ".join(f'"{old}": "{new}"' for old, new in renamed.items())
        value = f"{{{table}}}.get({shown}, {shown})" if renamed else shown
        if value == shown and options.sdk != "zhipuai":
            return
        self._replace(call, options, message, "reasoning_effort", value, Applicability.UNSAFE)

    def _replace(
        self,
        call: ApiCall,
        options: GlmOptions,
        message: str,
        name: str,
        value: str,
        applicability: Applicability | None,
    ) -> None:
        """`reasoning_effort=` replaced by option `name` set to the expression `value`."""
        arg = call.kwarg("reasoning_effort")
        if name == "reasoning_effort" and arg is not None and options.as_keyword(name):
            # the level changes where it stands
            fix = Fix(
                ((arg.value, replace_with(cst.parse_expression(value))),),
                f"Replace with `{value}`",
                applicability=applicability,
            )
            self.report(arg, message, fix=fix)
            return
        problem = options.blocker(name)
        if problem:
            self.report(
                call.kwarg("reasoning_effort") or call.node, f"{message}: use `{name}={value}` by hand ({problem})"
            )
            return
        setter = options.setter(name, value)
        fix = Fix(
            ((call.node, lambda node: setter(_without_effort(node))),),
            f"Replace with `{options.form(name, value)}`",
            applicability=applicability,
        )
        self.report(call.kwarg("reasoning_effort") or call.node, message, fix=fix)


def _mapping_text(effort: EffortLevels) -> str:
    return ", ".join(f"{old} → {new}" for old, new in effort.map.items())


def _without_effort(call: cst.Call) -> cst.Call:
    return remove_kwargs(call, {"reasoning_effort"})
