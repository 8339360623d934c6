from __future__ import annotations

import functools

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, Valid
from glm_migrate.rules._helpers import GlmOptions, code_of, greedy_sources, number_value, replace_with
from glm_migrate.semantic import ApiCall, string_value

#: the temperature the Zhipu SDKs send for `temperature <= 0`, together with do_sample=False
GREEDY_TEMPERATURE = "0.01"


class GreedyTemperature(Rule):
    """
    ## What it does
    Finds `temperature=0` on chat calls sent through the OpenAI SDK to Z.AI and rewrites it the
    way Z.AI's own SDKs do: `temperature=0.01` plus `do_sample=False` (in `extra_body`).

    ## Why is this bad?
    `temperature=0` is OpenAI's way to ask for (near-)greedy output. Z.AI's OpenAI-compatibility
    page says "do_sample=False (temperature=0) is not applicable in OpenAI calls", its prose calls
    the range (0, 1), and whether 0 is accepted, and means greedy, is undocumented. GLM's greedy
    switch is `do_sample=False`. The zai and zhipuai SDKs make this rewrite themselves, so calls
    through them are not reported.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, temperature=0)
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, temperature=0.01, extra_body={"do_sample": False})
    ```

    ## Fix safety
    Unsafe: the output changes from whatever the server does with 0 to GLM's greedy decoding,
    which is the intent but not verified against a live endpoint. Calls whose `extra_body` is a
    variable are reported for a person, and so is a 0 that reaches `temperature=` through a name
    (a parameter's default, what a call of the module passes for it, a constant or field, an
    argparse option's default), where it is written: the name carries other values too, for
    which `do_sample=False` would be wrong.
    """

    CODE = "GLM207"
    NAME = "greedy-temperature"
    SUMMARY = "`temperature=0` through the OpenAI SDK, where GLM wants `do_sample=False`"
    FIX_TITLE = "Use `do_sample=False` with `temperature=0.01`"
    APPLICABILITY = Applicability.UNSAFE

    VALID = (
        Valid(
            'from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model="glm-4.6", messages=[], temperature=0)'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], temperature=0.2)'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="m", messages=[], temperature=0)'
        ),
    )
    INVALID = (
        # in a dict splatted into the call: reported at the entry, which other calls may share
        Invalid(
            'from openai import OpenAI\nsettings = {"temperature": 0}\n'
            'OpenAI().chat.completions.create(model="glm-4.6", messages=[], **settings)'
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], temperature=0)',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], temperature=0.01, extra_body={"do_sample": False})',
            unsafe=True,
        ),
        Invalid(
            'import openai\nopenai.chat.completions.create(\n    model="glm-4.6",\n    temperature=0.0,\n    extra_body={"thinking": {"type": "disabled"}},\n)',
            expected='import openai\nopenai.chat.completions.create(\n    model="glm-4.6",\n    temperature=0.01,\n    extra_body={"thinking": {"type": "disabled"}, "do_sample": False},\n)',
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], temperature=0, extra_body={"do_sample": False})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], temperature=0.01, extra_body={"do_sample": False})',
            unsafe=True,
        ),  # `do_sample` already set: only the temperature changes
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], temperature=0, extra_body=body)'
        ),  # `extra_body` is not a dict literal: reported only
        Invalid(
            "from openai import OpenAI\ndef ask(m, temperature=0):\n"
            '    return OpenAI().chat.completions.create(model="glm-4.6", messages=m, temperature=temperature)'
        ),  # a parameter's default: reported where the 0 is written
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        arg = call.kwarg("temperature")
        options = GlmOptions(call, self.model)
        message = "`temperature=0` is not applicable through the OpenAI SDK: GLM's greedy switch is `do_sample=False`"
        if arg is None:
            self._in_splatted_dict(options, message)
            return
        value = number_value(arg.value)
        if options.sdk in ("zai", "zhipuai"):
            return
        if value is None:
            self._held(arg.value, call)
            return
        if value > 0:
            return
        problem = options.blocker("do_sample")
        if problem:
            self.report(arg, f"{message} ({problem})")
            return
        edits: list[tuple[cst.CSTNode, NodeEdit]] = [(arg.value, replace_with(cst.Float(GREEDY_TEMPERATURE)))]
        if options.get("do_sample")[0] is None:
            edits.append((call.node, options.setter("do_sample", "False")))
        title = f"Use `temperature={GREEDY_TEMPERATURE}` and `{options.form('do_sample', 'False')}`"
        fix = Fix(tuple(edits), title)
        self.report(arg, message, fix=fix)

    def _held(self, value: cst.BaseExpression, call: ApiCall) -> None:
        """`temperature=temperature` with `def ask(q, temperature=0)`, `ask(q, temperature=0)`,
        `TEMPERATURE = 0` or an argparse `--temperature` defaulting to 0: reported where the 0 is
        written, for a person, since the same name also carries other values, for which
        `do_sample=False` would be wrong."""
        for literal, how in greedy_sources(self.model, value, call.scope):
            if literal in self._greedy_seen:
                continue
            self._greedy_seen.add(literal)
            self.report(literal, greedy_message(f"`temperature={code_of(value)}`", how))

    @functools.cached_property
    def _greedy_seen(self) -> set[cst.CSTNode]:
        return set()

    def _in_splatted_dict(self, options: GlmOptions, message: str) -> None:
        """`"temperature": 0` in a dict literal splatted into the call: the same request, reported
        at the entry (the dict may serve other calls too, so a person edits it)."""
        if options.sdk in ("zai", "zhipuai"):
            return
        for mapping in options.splat_dicts or ():
            for element in mapping.elements:
                if type(element) is not cst.DictElement or string_value(element.key) != "temperature":
                    continue
                value = number_value(element.value)
                if value is not None and value <= 0:
                    self.report(
                        element,
                        f'{message} (`"temperature": 0` in a `**` dict): use `{GREEDY_TEMPERATURE}` there and '
                        f"add `{options.form('do_sample', 'False')}`",
                    )


def greedy_message(sent: str, how: str) -> str:
    """The finding for a 0 that `sent` (`temperature=temperature` on a call, on a LangChain class)
    carries from where it is written, `how` (`the default of `temperature``)."""
    return (
        f"{sent} sends 0 ({how}), which is not applicable through the OpenAI SDK: GLM's greedy switch is "
        f'`do_sample=False`; send `temperature={GREEDY_TEMPERATURE}` with `extra_body={{"do_sample": False}}` '
        "where it is 0, by hand"
    )
