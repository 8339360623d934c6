from __future__ import annotations

from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import number_literal, number_value, replace_with
from glm_migrate.semantic import ApiCall


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
    are not inspected.
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
    )
    INVALID = (
        Invalid(
            "from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], temperature=1.5, top_p=0)",
            expected="from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], temperature=1.0, top_p=0.01)",
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
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            limit = self.tables.limits.get(self.tables.renamed_params.get(name, name))
            value = number_value(arg.value)
            if limit is None or value is None or limit.min <= value <= limit.max:
                continue
            clamped = min(max(value, limit.min), limit.max)
            new = number_literal(clamped, arg.value)
            shown = _format(clamped)
            self.report(
                arg.value,
                f"`{name}={_format(value)}` is outside {self.target_name}'s range [{_format(limit.min)}, {_format(limit.max)}]",
                fix=Fix(((arg.value, replace_with(new)),), f"Clamp to `{shown}`"),
            )


def _format(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
