from __future__ import annotations

import functools
from dataclasses import replace

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.nodes import short_code
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import (
    GlmOptions,
    callback_input,
    code_of,
    limit_of,
    number_literal,
    number_value,
    out_of_range,
    replace_with,
)
from glm_migrate.semantic import ApiCall, Scope, dotted_name


class ParameterOutOfRange(Rule):
    """
    ## What it does
    Clamps literal sampling and length arguments of chat calls into the ranges GLM-4.6 accepts
    (`rules/parameters.toml`): `temperature` to [0, 1], `top_p` to [0.01, 1], `max_tokens` (and
    `max_completion_tokens`) to at most 131072.

    ## Why is this bad?
    OpenAI takes `temperature` up to 2 and `top_p` down to 0; GLM-4.6 rejects values outside its
    ranges with error 1214 (invalid parameter).

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, temperature=1.3)
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, temperature=1)
    ```

    ## Fix safety
    Safe: the nearest value GLM accepts, and the only way the request succeeds. Sampling at 1.0 is
    less random than OpenAI at 1.3, so the finding says what changed. Values computed at run time
    are not inspected, but a UI widget the value is picked with (`st.slider("T", 0.0, 2.0)`, a
    Gradio callback's `gr.Slider(0, 2)`, `[ui_sliders]` in `rules/parameters.toml`) has its upper
    bound lowered by an unsafe fix, since the page changes; a number kept in a name or a class's field (`TEMPERATURE = 1.5`,
    `temperature: float = 1.2` read as `req.temperature`) is clamped where it is written by an
    unsafe fix, since it may also feed requests that stay with OpenAI, and so is a parameter's
    default (`def ask(q, top_p=0)`). A number passed to a
    function of the module that sends its parameter on (`ask(q, temperature=1.5)` with
    `def ask(q, temperature=0.7)`) is clamped where it is passed: safely where the parameter
    goes nowhere else, else by an unsafe fix. The entries of a `**` mapping built in view (`params = {...}`,
    `params["temperature"] = 1.5`) are checked where they are set; one also passed to a call
    other than such chat calls is reported without a fix, since clamping it would change that
    call's requests.
    """

    CODE = "GLM201"
    NAME = "parameter-out-of-range"
    SUMMARY = "Sampling or length argument outside GLM-4.6's range"
    FIX_TITLE = "Clamp into the accepted range"

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], temperature=0.7, top_p=0.5)'
        ),
        Valid("from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], temperature=t * 2)"),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:1/v1")\nc.chat.completions.create(model="m", messages=[], temperature=1.5)'
        ),
        Valid(
            "from openai import OpenAI\nOpenAI().chat.completions.create(**params, temperature=0.5)"
        ),  # a splat has no keyword
        Valid(
            "from openai import OpenAI\nt = gr.Slider(minimum=0, maximum=1, value=0.7)\nOpenAI().chat.completions.create(model=m, messages=[], temperature=t)"
        ),  # a slider within the range
    )
    INVALID = (
        Invalid(
            "from openai import OpenAI\np = {'model': m, 'messages': []}\np['temperature'] = 1.7\nOpenAI().chat.completions.create(**p)",
            expected="from openai import OpenAI\np = {'model': m, 'messages': []}\np['temperature'] = 1.0\nOpenAI().chat.completions.create(**p)",
        ),
        Invalid(
            "from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], temperature=1.5, top_p=0)",
            expected="from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], temperature=1.0, top_p=0.01)",
        ),
        # a setting: clamped where it is written, only with --unsafe-fixes (it may feed other calls)
        Invalid(
            "from openai import OpenAI\nTEMPERATURE = 1.4\nOpenAI().chat.completions.create(model=m, messages=[], temperature=TEMPERATURE)",
            expected="from openai import OpenAI\nTEMPERATURE = 1.0\nOpenAI().chat.completions.create(model=m, messages=[], temperature=TEMPERATURE)",
            unsafe=True,
        ),
        # a slider offering OpenAI's range: it offers GLM's, with --unsafe-fixes (the page changes)
        Invalid(
            "from openai import OpenAI\nt = st.slider('T', 0.0, 2.0, 1.5)\nOpenAI().chat.completions.create(model=m, messages=[], temperature=t)",
            expected="from openai import OpenAI\nt = st.slider('T', 0.0, 1.0, 1.0)\nOpenAI().chat.completions.create(model=m, messages=[], temperature=t)",
            unsafe=True,
        ),
        Invalid(
            "import openai\nopenai.chat.completions.create(model=m, messages=[], max_completion_tokens=200_000)",
            expected="import openai\nopenai.chat.completions.create(model=m, messages=[], max_completion_tokens=131072)",
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        for arg in call.node.args:
            if arg.keyword is not None:
                self._check(arg.keyword.value, arg.value, fixable=True)
                if type(arg.value) in (cst.Name, cst.Attribute):
                    self._check_setting(arg.keyword.value, arg.value, call)
        if not any(arg.star == "**" for arg in call.node.args):
            return
        # `create(**params)`: the entries of a mapping built in view, where they are set
        keywords = {arg.keyword.value for arg in call.node.args if arg.keyword is not None}
        for mapping in GlmOptions(call, self.model).splat_mappings:
            for name, sources in mapping.keys.items():
                for source in sources if name not in keywords else ():
                    self._check(name, source.value, fixable=self._only_moving_chat_calls(mapping.splatted_into))

    @functools.cached_property
    def _settings_seen(self) -> set[cst.CSTNode]:
        return set()

    @functools.cached_property
    def _chat_calls(self) -> set[cst.Call]:
        return {call.node for call in self.model.api_calls if call.endpoint == "chat" and call.migratable}

    def _only_moving_chat_calls(self, calls: list[cst.Call]) -> bool:
        """A mapping splatted into these calls may be clamped: each is a chat call checked here
        (clamping changes the requests of any other call it reaches, an OpenAI one say)."""
        return all(call in self._chat_calls for call in calls)

    def _check_setting(self, name: str, value: cst.BaseExpression, call: ApiCall) -> None:
        """`temperature=TEMPERATURE`, `temperature=req.temperature` (a field's default): the
        number literals the name or attribute is bound to, clamped where they are written; an
        unsafe fix, as the setting may also feed what stays with OpenAI."""
        if limit_of(self.tables, name) is None:
            return  # `model=model`, `messages=history`: no range to check
        bindings = self.model.bindings_of(value, call.scope)
        if not bindings and type(value) is cst.Attribute:
            bindings = self.model.member_bindings(value, call.scope)
        for binding in bindings:
            literal = binding.value
            what = f"the value of `{code_of(value)}`"
            if type(binding.target) is cst.Param:
                # a UI callback's parameter: `gr.Slider(0, 2)` among the inputs handed to it
                literal = callback_input(self.model, binding.target, call.scope)
                if literal is None:
                    self._check_passed(name, binding.target, call)
                    # `def ask(q, top_p=0)`: its default, clamped where written, as a setting is;
                    # not a sentinel the function replaces (`t = t if t > 0 else self.t`)
                    literal = binding.value if len(bindings) == 1 else None
                    what = f"the default of `{binding.target.name.value}`"
            if type(literal) is cst.Call and literal not in self._settings_seen:
                self._settings_seen.add(literal)
                self._check_slider(name, literal, value)
                continue
            if literal is None or literal in self._settings_seen or number_value(literal) is None:
                continue
            self._settings_seen.add(literal)
            found = out_of_range(self, name, literal)
            if found is not None:
                message, fix = found
                message = f"{message}, {what} sent to chat completions"
                self.report(literal, message, fix=replace(fix, applicability=Applicability.UNSAFE))

    def _check_passed(self, name: str, param: cst.Param, call: ApiCall) -> None:
        """`temperature=temperature` in `def ask(messages, temperature=0.7)`: the number literals
        this module's calls of `ask` pass for it (`ask(m, temperature=1.5)`), clamped where they
        are passed; safely where the parameter goes nowhere but such chat calls' `temperature=`,
        else by an unsafe fix (it may also feed what stays with OpenAI)."""
        function = self.model.owner(param.name.value, call.scope)
        if function is None:
            return
        arguments = [
            (argument, where)
            for argument, where in self.model.arguments_for(param, function)
            if argument not in self._settings_seen and number_value(argument) is not None
        ]
        only_sent = bool(arguments) and self._only_sent_as(name, param, function)
        for argument, _ in arguments:
            self._settings_seen.add(argument)
            found = out_of_range(self, name, argument)
            if found is None:
                continue
            message, fix = found
            owner = function.node.name.value if type(function.node) is cst.FunctionDef else "its function"
            message = f"{message}, passed for `{param.name.value}`, which `{owner}` sends to chat completions"
            self.report(argument, message, fix=fix if only_sent else replace(fix, applicability=Applicability.UNSAFE))

    def _only_sent_as(self, name: str, param: cst.Param, function: Scope) -> bool:
        """Every read of `param` in `function` is the `name=` argument of a chat call checked here."""
        for use in self.model.uses_of(param.name.value, function):
            if use is param.name:
                continue
            arg = self.model.parents.get(use)
            if type(arg) is not cst.Arg or arg.keyword is None or arg.keyword.value != name:
                return False
            if self.model.parents.get(arg) not in self._chat_calls:
                return False
        return True

    def _check_slider(self, name: str, widget: cst.Call, value: cst.BaseExpression) -> None:
        """`temperature=t` with `t = st.slider("Temperature", 0.0, 2.0, 0.7)` (`gr.Slider`, ...):
        a bound above the range offers the user values GLM rejects; it is lowered, with an initial
        value above it, by an unsafe fix (the page changes; the widget may feed other calls)."""
        spec = self.tables.ui_sliders.get((dotted_name(widget.func) or "").rpartition(".")[2])
        limit = limit_of(self.tables, name)
        upper = _widget_argument(widget, spec.max, spec.max_at) if spec is not None else None
        highest = number_value(upper) if upper is not None else None
        if spec is None or limit is None or upper is None or highest is None or highest <= limit.max:
            return
        edits = [(upper, replace_with(number_literal(limit.max, upper)))]
        initial = _widget_argument(widget, spec.value, spec.value_at)
        start = number_value(initial) if initial is not None else None
        if initial is not None and start is not None and start > limit.max:
            edits.append((initial, replace_with(number_literal(limit.max, initial))))  # out of the new range
        shown = f"{limit.max:g}"
        self.report(
            upper,
            f"`{name}={code_of(value)}` is picked with `{short_code(widget)}`, which offers up to "
            f"{highest:g}: {self.target_name} takes [{limit.min:g}, {shown}] and rejects the rest",
            fix=Fix(tuple(edits), f"Let it offer at most `{shown}`", applicability=Applicability.UNSAFE),
        )

    def _check(self, name: str, node: cst.BaseExpression, *, fixable: bool) -> None:
        found = out_of_range(self, name, node)
        if found is None:
            return
        message, fix = found
        if fixable:
            self.report(node, message, fix=fix)
        else:
            self.report(
                node, f"{message}: {fix.title[0].lower()}{fix.title[1:]} for the chat calls of the mapping it is in"
            )


def _widget_argument(widget: cst.Call, keywords: tuple[str, ...], position: int) -> cst.BaseExpression | None:
    """The argument `widget` is given by one of `keywords`, or at `position` (-1: none)."""
    for arg in widget.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    positional = [arg for arg in widget.args if arg.keyword is None and not arg.star]
    if 0 <= position < len(positional) and not any(arg.star for arg in widget.args[: position + 1]):
        return positional[position].value
    return None
