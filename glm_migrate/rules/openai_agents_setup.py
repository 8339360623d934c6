from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import dotted_name, short_code
from glm_migrate.rules._agents import AgentsModule, insert_beside
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import code_of, replace_string
from glm_migrate.semantic import Scope, find_kwarg, string_value
from glm_migrate.tables import ModelMatch

#: the API the SDK must use against Z.AI's chat completions base URL
CHAT_API = "chat_completions"


class OpenAIAgentsSetup(Rule):
    """
    ## What it does
    Moves OpenAI Agents SDK (`openai-agents`) code whose client goes to Z.AI onto what Z.AI
    serves: `set_default_openai_api("responses")` becomes `"chat_completions"` (and a module that
    sets a Z.AI default client without choosing an API gets that call); `OpenAIProvider(...,
    use_responses=True)` gets `use_responses=False`; `OpenAIResponsesModel` becomes
    `OpenAIChatCompletionsModel`; OpenAI model strings of `OpenAIChatCompletionsModel(model=...)`
    and, where the module sets a Z.AI default client, of `Agent(model=...)` become the target's
    chat id; an `Agent` there whose model name is read at run time (`model=os.getenv(...)`) gets
    a warning to make it a GLM id. `Agent(model="gpt-4o")` in a module that sets no client, and
    `set_default_openai_key(...)`, are reported: they run on the SDK's own OpenAI client.

    ## Why is this bad?
    The SDK talks to the Responses API by default; Z.AI's chat completions base URL has no
    `/responses` route, so every run fails with 404. An OpenAI model id fails with "unknown model".

    ## Example
    ```python
    set_default_openai_client(AsyncOpenAI(base_url=os.environ["ZAI_BASE_URL"], api_key=key))
    agent = Agent(name="Assistant", model="gpt-4o")
    ```
    Use instead:
    ```python
    set_default_openai_client(AsyncOpenAI(base_url=os.environ["ZAI_BASE_URL"], api_key=key))
    set_default_openai_api("chat_completions")
    agent = Agent(name="Assistant", model="glm-4.6")
    ```

    ## Fix safety
    Safe where the client is bound for Z.AI in this run (it cannot work otherwise); the
    Responses-model class swap is unsafe (hosted tools and stored state of the Responses API do
    not exist on chat completions). With `repoint-responses` and a target whose profile lists a
    Responses endpoint, the API is left alone and the finding says how to point the client there
    instead (unverified). GLM011 handles the SDK's trace export.
    """

    CODE = "GLM010"
    NAME = "openai-agents-setup"
    SUMMARY = "OpenAI Agents SDK set up for OpenAI's Responses API and model ids"
    FIX_TITLE = "Use chat completions and GLM model ids"

    VALID = (
        Valid("from agents import Agent, Runner\nagent = Agent(name='a', model=MODEL)"),
        Valid(
            "from agents import OpenAIChatCompletionsModel\nfrom openai import AsyncOpenAI\n"
            "m = OpenAIChatCompletionsModel(model='gpt-4o', openai_client=AsyncOpenAI(base_url='http://localhost:8000/v1'))"
        ),
        Valid("from agents import Agent\nagent = Agent(name='mine', model='gpt-4o')"),  # a project's own `agents`?
        Valid(  # the run names the model for every agent
            "from agents import Agent, RunConfig, Runner\nagent = Agent(name='a')\n"
            "Runner.run_sync(agent, 'hi', run_config=RunConfig(model=MODEL))"
        ),
        Valid("from agents import Agent, Runner\nagent = Agent(name='a', **options)"),
        Valid(  # already set up for Z.AI
            "from agents import Agent, set_default_openai_api, set_default_openai_client\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "set_default_openai_client(zai)\nset_default_openai_api('chat_completions')\nagent = Agent(name='a', model='glm-4.6')"
        ),
    )
    INVALID = (
        # a test that picks the Responses API asserts on it: only an unsafe fix
        Invalid(
            "import openai\nfrom agents import set_default_openai_api, set_default_openai_client\n"
            'def test_api():\n    set_default_openai_client(openai.AsyncOpenAI(base_url="https://api.z.ai/api/paas/v4/"))\n'
            '    set_default_openai_api("responses")',
            expected="import openai\nfrom agents import set_default_openai_api, set_default_openai_client\n"
            'def test_api():\n    set_default_openai_client(openai.AsyncOpenAI(base_url="https://api.z.ai/api/paas/v4/"))\n'
            '    set_default_openai_api("chat_completions")',
            unsafe=True,
        ),
        Invalid(
            "from agents import Agent, set_default_openai_api, set_default_openai_client\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))\n"
            "set_default_openai_api('responses')\nagent = Agent(name='a', model='gpt-4o')",
            expected="from agents import Agent, set_default_openai_api, set_default_openai_client\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))\n"
            "set_default_openai_api('chat_completions')\nagent = Agent(name='a', model='glm-4.6')",
        ),
        Invalid(
            "from agents import set_default_openai_client\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))",
            expected="from agents import set_default_openai_api, set_default_openai_client\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))\n"
            'set_default_openai_api("chat_completions")',
        ),
        Invalid(
            "from agents import OpenAIChatCompletionsModel\nfrom openai import AsyncOpenAI\nc = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "m = OpenAIChatCompletionsModel(model='gpt-4.1', openai_client=c)",
            expected="from agents import OpenAIChatCompletionsModel\nfrom openai import AsyncOpenAI\nc = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "m = OpenAIChatCompletionsModel(model='glm-4.6', openai_client=c)",
        ),
        Invalid("from agents import Agent, Runner\nagent = Agent(name='a', model='gpt-4o')"),
        Invalid(  # a generic `Agent[Context]` is an `Agent`
            "from agents import Agent, set_default_openai_api, set_default_openai_client\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))\n"
            "set_default_openai_api('chat_completions')\nagent = Agent[Context](name='a', model='gpt-4o')",
            expected="from agents import Agent, set_default_openai_api, set_default_openai_client\nfrom openai import AsyncOpenAI\n"
            "set_default_openai_client(AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k))\n"
            "set_default_openai_api('chat_completions')\nagent = Agent[Context](name='a', model='glm-4.6')",
        ),
        Invalid("from agents import Agent, Runner\nagent = Agent(name='a', instructions='Be brief.')"),
        Invalid(
            "from agents import OpenAIProvider\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "provider = OpenAIProvider(openai_client=zai, use_responses=True)",
            expected="from agents import OpenAIProvider\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "provider = OpenAIProvider(openai_client=zai, use_responses=False)",
        ),
        Invalid(
            "from agents import OpenAIResponsesModel\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "model = OpenAIResponsesModel(model='gpt-4o', openai_client=zai)",
            expected="from agents import OpenAIChatCompletionsModel\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "model = OpenAIChatCompletionsModel(model='glm-4.6', openai_client=zai)",
        ),
        Invalid(
            "import agents\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "model = agents.OpenAIResponsesModel(model='gpt-4o', openai_client=zai)",
            expected="import agents\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "model = agents.OpenAIChatCompletionsModel(model='glm-4.6', openai_client=zai)",
        ),
        Invalid(
            "from agents import OpenAIChatCompletionsModel\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "model = OpenAIChatCompletionsModel('gpt-4o', zai)",
            expected="from agents import OpenAIChatCompletionsModel\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "model = OpenAIChatCompletionsModel('glm-4.6', zai)",
        ),
        Invalid(  # a client the caller chooses may be Z.AI's: reported, as `responses.create` on it
            "from agents import OpenAIResponsesModel\nfrom openai import AsyncOpenAI\n"
            "def build(client: AsyncOpenAI, name: str):\n    return OpenAIResponsesModel(model=name, openai_client=client)"
        ),
        Invalid(  # the SDK's own client with an OpenAI key: the agent stays on OpenAI
            "import os\nfrom agents import Agent, set_default_openai_key\n"
            "set_default_openai_key(os.environ['OPENAI_API_KEY'])\nagent = Agent(name='a', model='gpt-4o')"
        ),
        Invalid(  # which API a variable chooses is not visible
            "from agents import Agent, set_default_openai_api, set_default_openai_client\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "set_default_openai_client(zai)\nset_default_openai_api(API)\nagent = Agent(name='a')"
        ),
        Invalid(  # a target with a Responses endpoint: keeping the API is the user's choice
            "from agents import Agent, set_default_openai_api, set_default_openai_client\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "set_default_openai_client(zai)\nset_default_openai_api('responses')\nagent = Agent(name='a', model='gpt-4o')",
            expected="from agents import Agent, set_default_openai_api, set_default_openai_client\n"
            "from openai import AsyncOpenAI\nzai = AsyncOpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "set_default_openai_client(zai)\nset_default_openai_api('responses')\nagent = Agent(name='a', model='glm-5.3')",
            settings={"repoint_responses": True, "target_model": "glm-5.3"},
        ),
    )

    _setup_told = False  #: a finding of this module has said how to give the SDK a Z.AI client

    def on_module_end(self) -> None:
        agents = AgentsModule(self.model)
        if not agents.calls:
            return
        defaults = agents.zai_setups(("agents_default_client",))
        self._default_api(agents, defaults)
        for call, scope in agents.of_kind("agents_provider"):
            if agents.bound_for_zai(call, scope, "agents_provider"):
                self._provider(call)
        for call, scope in agents.of_kind("agents_responses_model"):
            if agents.bound_for_zai(call, scope, "agents_responses_model"):
                self._responses_model(call, scope)
            elif agents.given_by_caller(call, scope, "agents_responses_model"):
                self.report(
                    call,
                    "`OpenAIResponsesModel` talks to the Responses API, which Z.AI's chat base URL lacks: where "
                    "the client its caller passes goes to Z.AI, use `OpenAIChatCompletionsModel` (as for a "
                    "`responses.create` call on that client)",
                )
        for call, scope in agents.of_kind("agents_chat_model"):
            if agents.bound_for_zai(call, scope, "agents_chat_model"):
                self._model_string(call, scope, "`OpenAIChatCompletionsModel`")
        run_model = any(find_kwarg(call, "model") for call, _ in agents.of_kind("agents_run_config"))
        # another module of the run gives the SDK its default client, on Z.AI after this run: the
        # agents here run on it as well (tylerprogramming-style apps set it up in one `config.py`)
        elsewhere = bool(self.model.facts.agents_default) and not agents.of_kind("agents_default_client")
        # ... or a provider of this module on Z.AI, which a run resolves its agents' model names
        # with (`RunConfig(model_provider=OpenAIProvider(openai_client=...))`)
        elsewhere = elsewhere or bool(agents.zai_setups(("agents_provider",)))
        modelless: list[cst.Call] = []
        own_setup = bool(agents.of_kind("agents_default_client") or agents.of_kind("agents_provider"))
        chat_models = {
            c for c, sc in agents.of_kind("agents_chat_model") if agents.bound_for_zai(c, sc, "agents_chat_model")
        }
        for call, scope in agents.of_kind("agents_agent"):
            model_arg = find_kwarg(call, "model")
            on_zai = defaults or elsewhere or (model_arg is not None and model_arg.value in chat_models)
            named = model_arg is None or type(model_arg.value) is not cst.Name or model_arg.value.value != "None"
            if on_zai and named:
                self._rejected_options(call, scope)
            if named and not own_setup and self._on_default_client(model_arg, scope):
                # whatever this run makes of it: the module giving the SDK its client holds that
                # client's move for them, and learns it only from this module (project.py)
                self.context.default_agents_rejected += [m.split(":")[0] for _, m in self._rejected(call, scope)]
                shown = f"model={code_of(model_arg.value)}" if model_arg is not None else "..."
                self.context.default_agents.append(f"{code_of(call.func)}({shown})")
            if defaults or elsewhere:
                self._model_string(call, scope, "`Agent`")
                if model_arg is not None and named:
                    self._run_time_model(model_arg, scope)
            elif agents.uses_sdk:
                self._agent_on_openai(call, scope)
            if (defaults or elsewhere or agents.uses_sdk) and not run_model and self._without_model(call):
                modelless.append(call)
        if modelless:
            self._agents_without_model(modelless, bool(defaults) or elsewhere)
        for call, _ in agents.of_kind("agents_default_key"):
            self.report(
                call,
                "`set_default_openai_key(...)` gives the Agents SDK's own client (and its trace export) an OpenAI "
                "key: pass a Z.AI client with `set_default_openai_client(...)` instead",
            )

    def _on_default_client(self, model_arg: cst.Arg | None, scope: Scope) -> bool:
        """An agent given no model object (`OpenAIChatCompletionsModel(...)`) runs on the client
        the SDK is given as its default, or a run's provider's."""
        if model_arg is None:
            return True
        return type(model_arg.value) is not cst.Call and not self.model.literals_of(model_arg.value, scope, cst.Call)

    def _rejected_options(self, call: cst.Call, scope: Scope) -> None:
        """What an agent on Z.AI asks for that Z.AI rejects (`_rejected`), reported. A person
        reworks them; the client the agent runs on waits until then (engine.py)."""
        for node, message in self._rejected(call, scope):
            self.report(node, message)
            self.context.agents_rejected.append((call, message.split(":")[0]))

    def _rejected(self, call: cst.Call, scope: Scope) -> list[tuple[cst.CSTNode, str]]:
        """What an agent on Z.AI would ask for that Z.AI rejects: a `tool_choice` other than
        "auto" in its `ModelSettings` (HTTP 400 "Tool choice must be auto"), an `output_type`
        other than `str`, which the SDK sends as a `json_schema` response format (GLM-4.6 has
        `json_object` only), and OpenAI's hosted tools, which need the Responses API."""
        found: list[tuple[cst.CSTNode, str]] = []
        output = find_kwarg(call, "output_type")
        if output is not None and not (type(output.value) is cst.Name and output.value.value in ("str", "None")):
            found.append(
                (
                    output,
                    f"`output_type={code_of(output.value)}` makes the Agents SDK ask Z.AI for a `json_schema` "
                    "response format, which GLM-4.6 lacks (`json_object` only): drop it and parse the answer "
                    "yourself (the schema in the instructions, `Model.model_validate_json(...)`)",
                )
            )
        settings_arg = find_kwarg(call, "model_settings")
        for settings in self.model.literals_of(settings_arg.value, scope, cst.Call) if settings_arg is not None else []:
            choice = find_kwarg(settings, "tool_choice")
            if choice is None or (type(choice.value) is cst.Name and choice.value.value == "None"):
                continue
            if string_value(choice.value) == "auto":
                continue
            found.append(
                (
                    choice,
                    f"`tool_choice={code_of(choice.value)}` in the agent's `ModelSettings`: Z.AI takes only "
                    '`"auto"` (HTTP 400 "Tool choice must be auto"): drop it and say in the instructions '
                    "which tool to call",
                )
            )
        tools_arg = find_kwarg(call, "tools")
        for tools in self.model.literals_of(tools_arg.value, scope, cst.List) if tools_arg is not None else []:
            for element in tools.elements:
                tool = element.value
                if type(tool) is not cst.Call:
                    continue
                if self.tables.framework_of(self.model.qualified_names(tool.func, scope)) == "agents_hosted_tool":
                    found.append(
                        (
                            tool,
                            f"`{code_of(tool.func)}` is a hosted tool of OpenAI's Responses API: on chat completions, "
                            "the only API Z.AI serves, the Agents SDK raises UserError; use a `@function_tool` "
                            "of your own instead",
                        )
                    )
        return found

    def _repoint_advice(self) -> str | None:
        """With `repoint-responses` and a target that lists a Responses endpoint: how to keep it."""
        url = self.tables.target.responses_base_url
        if not (self.settings.repoint_responses and url):
            return None
        return (
            f'or, to keep the Responses API, give the client `base_url="{url}"` ({self.target_name}\'s '
            "Responses endpoint, unverified)"
        )

    def _default_api(self, agents: AgentsModule, defaults: list[tuple[cst.Call, Scope, str]]) -> None:
        if not defaults:
            return
        repoint = self._repoint_advice()
        chosen = agents.of_kind("agents_default_api")
        for call, _ in chosen:
            value = call.args[0].value if call.args else None
            if string_value(value) == CHAT_API or value is None:
                continue
            message = f"`set_default_openai_api({code_of(value)})`: Z.AI's chat base URL serves chat completions only"
            if repoint or not isinstance(value, cst.SimpleString):
                self.report(call, f"{message}: use `{CHAT_API!r}`" + (f" {repoint}" if repoint else ""))
                continue
            # a test that chose the Responses API checks what it chose: the switch is a person's call there
            in_test = Applicability.UNSAFE if self.model.is_test_module else None
            fix = Fix(((value, partial(replace_string, value=CHAT_API)),), f'Use "{CHAT_API}"', applicability=in_test)
            self.report(call, message, fix=fix)
        if chosen or repoint:
            return
        first = defaults[0][0]
        statement = agents.statement_of(first)
        message = "The Agents SDK talks to the Responses API unless told otherwise; Z.AI's chat base URL has none"
        if statement is None:
            self.report(first, f'{message}: call `set_default_openai_api("{CHAT_API}")`')
            return
        fix = Fix(
            ((statement, insert_beside(f'set_default_openai_api("{CHAT_API}")')),),
            f'Add `set_default_openai_api("{CHAT_API}")`',
            from_imports=(("agents", "set_default_openai_api"),),
        )
        self.report(first, message, fix=fix)

    def _provider(self, call: cst.Call) -> None:
        arg = find_kwarg(call, "use_responses")
        if arg is None or not (isinstance(arg.value, cst.Name) and arg.value.value == "True"):
            return
        fix = Fix(((arg.value, lambda _: cst.Name("False")),), "Pass `use_responses=False`")
        self.report(
            arg, "`OpenAIProvider(use_responses=True)`: Z.AI's chat base URL serves chat completions only", fix=fix
        )

    def _responses_model(self, call: cst.Call, scope: Scope) -> None:
        message = "`OpenAIResponsesModel` talks to the Responses API, which Z.AI's chat base URL lacks"
        func = call.func
        if isinstance(func, cst.Name):
            new: cst.BaseExpression = cst.Name("OpenAIChatCompletionsModel")
            imports: tuple[tuple[str, str], ...] = (("agents", "OpenAIChatCompletionsModel"),)
        elif isinstance(func, cst.Attribute):
            new, imports = func.with_changes(attr=cst.Name("OpenAIChatCompletionsModel")), ()
        else:
            self.report(call, message)
            return
        fix = Fix(
            ((func, lambda _: new),),
            "Use `OpenAIChatCompletionsModel`",
            from_imports=imports,
            unused_imports=(("agents", "OpenAIResponsesModel"),),
            applicability=Applicability.UNSAFE,
        )
        self.report(call, message, fix=fix)
        self._model_string(call, scope, "`OpenAIResponsesModel`")

    def _model_string(self, call: cst.Call, scope: Scope, where: str) -> None:
        arg = find_kwarg(call, "model")
        if arg is None:
            positional = [a for a in call.args if a.keyword is None and not a.star]
            arg = positional[0] if positional and where != "`Agent`" else None
        if arg is None:
            return
        for literal, old, match in self._openai_ids(arg, scope):
            fix = Fix(((literal, partial(replace_string, value=match.glm)),), f"Replace with `{match.glm}`")
            self.report(literal, f"Model id `{old}`{match.label} on {where} of the Agents SDK", fix=fix, model=match)

    def _run_time_model(self, arg: cst.Arg, scope: Scope) -> None:
        """An agent on the Z.AI default client whose model name is decided at run time
        (`model=os.getenv("AGENT_MODEL")`): nothing checks it is a GLM id (GLM104's advice, for
        an agent)."""
        literals, complete = self.model.resolve_strings(arg.value, scope)
        if complete and literals:
            return
        value = arg.value
        calls = [value] if type(value) is cst.Call else self.model.literals_of(value, scope, cst.Call)
        if any((dotted_name(c.func) or "").rpartition(".")[2][:1].isupper() for c in calls):
            return  # a model object (`OpenAIChatCompletionsModel(...)`, `LitellmModel(...)`): its own rules
        if type(value) not in (cst.Call, cst.Name, cst.Attribute, cst.Subscript):
            return
        self.report(
            arg.value,
            f"`Agent` model comes from `{short_code(arg.value)}` at run time, on the Agents SDK's default client "
            "on Z.AI: make sure it is a GLM id",
            severity=Severity.WARNING,
        )

    def _openai_ids(self, arg: cst.Arg, scope: Scope) -> Iterator[tuple[cst.SimpleString, str, ModelMatch]]:
        """The OpenAI model ids `arg` may be that no other rule has taken, each claimed."""
        literals, _ = self.model.resolve_strings(arg.value, scope)
        for literal in literals:
            old = string_value(literal)
            match = self.tables.match_on("chat", old) if old else None
            if old is None or match is None or not match.glm or self.claimed(literal):
                continue
            self.claim(literal)
            yield literal, old, match

    @property
    def _client_setup(self) -> str:
        """How to give the Agents SDK a Z.AI client, for messages."""
        return (
            f'`set_default_openai_client(AsyncOpenAI(base_url=..., api_key=os.environ["{self.key_env}"]))`, '
            f'`set_default_openai_api("{CHAT_API}")`, `set_tracing_disabled(True)`'
        )

    @staticmethod
    def _without_model(call: cst.Call) -> bool:
        return find_kwarg(call, "model") is None and not any(arg.star == "**" for arg in call.args)

    def _agents_without_model(self, calls: list[cst.Call], zai_default: bool) -> None:
        """An `Agent` without a model runs on the SDK's default model, an OpenAI id Z.AI does not
        serve (unless `OPENAI_DEFAULT_MODEL` names another, which a static look cannot see). One
        finding per module, at the first: the one default decides them all (a test module builds
        hundreds), and setting it once, or `model=` on each, is the same edit."""
        message = (
            "`Agent` without `model=` runs on the Agents SDK's default model, an OpenAI one "
            f'(unless `OPENAI_DEFAULT_MODEL` names another): pass `model="{self.tables.target.chat}"`'
        )
        if len(calls) > 1:
            message += f" (so do {len(calls) - 1} more `Agent(...)` in this module)"
        if not zai_default:
            message += f" and give the SDK a Z.AI client ({self._client_setup})"
        self.report(calls[0], message)

    def _agent_on_openai(self, call: cst.Call, scope: Scope) -> None:
        arg = find_kwarg(call, "model")
        if arg is None:
            return
        for literal, _, match in self._openai_ids(arg, scope):
            # the set-up is one edit for the module: spelled out at its first agent only (a
            # notebook of the agents course builds a dozen)
            setup = "the first such `Agent` of this module says how" if self._setup_told else self._client_setup
            self._setup_told = True
            message = (
                f"`Agent(model={code_of(literal)})` runs on the Agents SDK's default client, which talks to OpenAI: set "
                f"a Z.AI one ({setup}), then use `{match.glm}`"
            )
            self.report(literal, message, model=match)
