from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._agents import AgentsModule, insert_beside
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import code_of
from glm_migrate.semantic import find_kwarg

TRACING_OFF = "set_tracing_disabled(True)"


class AgentsTracing(Rule):
    """
    ## What it does
    Finds modules that give the OpenAI Agents SDK a client bound for Z.AI
    (`set_default_openai_client`, `OpenAIChatCompletionsModel(openai_client=...)`,
    `OpenAIProvider(openai_client=...)`) without turning its tracing off, and adds
    `set_tracing_disabled(True)` after the first such set-up.

    ## Why is this bad?
    The Agents SDK exports traces of every run to OpenAI by default. After the migration that
    sends prompts and answers to OpenAI with whatever key is around: `set_default_openai_client`
    uses its client's key for the export, which is now the Z.AI key; otherwise OPENAI_API_KEY, or
    an error on every run when there is none.

    ## Example
    ```python
    set_default_openai_client(AsyncOpenAI(base_url=os.environ["ZAI_BASE_URL"], api_key=key))
    ```
    Use instead:
    ```python
    set_default_openai_client(AsyncOpenAI(base_url=os.environ["ZAI_BASE_URL"], api_key=key))
    set_tracing_disabled(True)
    ```

    ## Fix safety
    Unsafe: the traces no longer reach the OpenAI dashboard. A team that keeps them sets
    `set_tracing_export_api_key(<an OpenAI key>)` instead (and `use_for_tracing=False` on
    `set_default_openai_client`), or its own trace processor. A module that switches tracing off
    anywhere (`set_tracing_disabled(True)`, `RunConfig(tracing_disabled=True)`) is left alone;
    `set_tracing_disabled(False)` is reported.
    """

    CODE = "GLM011"
    NAME = "agents-tracing"
    SUMMARY = "Agents SDK on Z.AI still exporting traces to OpenAI"
    FIX_TITLE = f"Add `{TRACING_OFF}`"
    APPLICABILITY = Applicability.UNSAFE
    # the trace export is no request of the wrapped client: a client written inside the set-up
    # call moves as one passed by name does (giaic-q4's `OpenAIChatCompletionsModel(...,
    # openai_client=AsyncOpenAI())` kept its client on OpenAI while its id became `glm-4.6`)
    HOLDS_WRAPPED_CLIENT = False

    VALID = (
        Valid(
            "from agents import set_default_openai_client, set_tracing_disabled\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))\n"
            "set_tracing_disabled(disabled=True)"
        ),
        Valid(
            "from agents import set_default_openai_client\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='http://localhost:8000/v1', api_key=k))"
        ),
    )
    INVALID = (
        Invalid(
            "from agents import Agent, OpenAIChatCompletionsModel\nfrom openai import AsyncOpenAI\n"
            "client = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "agent = Agent(name='a', model=OpenAIChatCompletionsModel(model='glm-4.6', openai_client=client))",
            expected="from agents import Agent, OpenAIChatCompletionsModel, set_tracing_disabled\nfrom openai import AsyncOpenAI\n"
            "client = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "agent = Agent(name='a', model=OpenAIChatCompletionsModel(model='glm-4.6', openai_client=client))\n"
            "set_tracing_disabled(True)",
            unsafe=True,
        ),
        Invalid(
            "from agents import set_default_openai_client, set_tracing_disabled\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))\n"
            "set_tracing_disabled(False)"
        ),
        Invalid(
            "from agents import set_default_openai_client\nfrom openai import AsyncOpenAI\n"
            "setup = lambda: set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))"
        ),  # no statement of its own to add the switch after: reported only
    )

    def on_module_end(self) -> None:
        agents = AgentsModule(self.model)
        setups = agents.zai_setups() if agents.calls else []
        if not setups:
            return
        switches = [call for call, _ in agents.of_kind("agents_tracing_switch")]
        if any(_turns_off(call) for call in switches) or any(
            _turns_off(call, "tracing_disabled") for call, _ in agents.of_kind("agents_run_config")
        ):
            return
        first, _, kind = setups[0]
        with_key = " with the Z.AI key" if kind == "agents_default_client" else ""
        message = f"The Agents SDK exports traces to OpenAI{with_key} unless tracing is disabled"
        for call in switches:
            self.report(call, f"`{code_of(call)}`: {message}")
        if switches:
            return
        statement = agents.statement_of(first)
        if statement is None:
            self.report(first, f"{message}: call `{TRACING_OFF}`")
            return
        fix = Fix(
            ((statement, insert_beside(TRACING_OFF)),),
            f"Add `{TRACING_OFF}`",
            from_imports=(("agents", "set_tracing_disabled"),),
        )
        self.report(first, message, fix=fix)


def _turns_off(call: cst.Call, keyword: str = "disabled") -> bool:
    """`set_tracing_disabled(True)` / `(disabled=True)`, or `RunConfig(tracing_disabled=True)`."""
    arg = find_kwarg(call, keyword)
    if arg is None and keyword == "disabled" and call.args and call.args[0].keyword is None:
        arg = call.args[0]
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"
