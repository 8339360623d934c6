from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import is_none, short_code
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._clients import litellm_deployments
from glm_migrate.rules._helpers import (
    add_dict_entry,
    add_kwarg,
    base_url_expression,
    code_of,
    dict_entry,
    env_key_lookup,
    key_renaming_fix,
    names_openai_key,
    openai_key_replacing_fix,
    out_of_range,
    replace_string,
    sends_images,
)
from glm_migrate.semantic import Scope, Target, env_lookup, find_kwarg, string_value

#: prefixes that mean OpenAI (a bare id is OpenAI to LiteLLM too)
OPENAI_PROVIDERS = ("", "openai")
#: where LiteLLM takes a deployment's URL (call keywords and `litellm_params` keys)
BASE_NAMES = ("api_base", "base_url")
#: the argument naming LiteLLM's provider outright, whatever the model's prefix says
PROVIDER_OPTION = "custom_llm_provider"


#: the words of an identifier (`anthropic_model` -> anthropic, model)
_WORDS = re.compile(r"[a-z]+")


class LitellmModel(Rule):
    """
    ## What it does
    Moves LiteLLM calls off OpenAI onto LiteLLM's Z.AI provider: the model of
    `litellm.completion(...)` / `acompletion(...)` (also imported, or aliased as
    `completion = litellm.completion`) and of each deployment in `litellm.Router(model_list=[...])`
    (`litellm_params.model`) goes from an OpenAI id (`"gpt-4o"`, `"openai/gpt-4o"`, an id of a
    model family such as `gpt-5.4-mini`) or a bare GLM id to `"zai/glm-4.6"`. The model is followed
    into constants and defaults like GLM101 does. A key read from `OPENAI_API_KEY` (also
    LiteLLM's `"os.environ/OPENAI_API_KEY"` form) is read from `ZAI_API_KEY`, and an `api_base`
    pointing at OpenAI points at Z.AI. Reported: a model only known at run time, a model list
    built at run time, Azure deployments (`azure/...`), and `litellm.embedding(...)` with an
    OpenAI model.

    ## Why is this bad?
    LiteLLM picks the provider from the prefix: a bare `gpt-4o` goes to OpenAI, and a bare
    `glm-4.6` fails with "LLM Provider NOT provided". The `zai/` provider reads `ZAI_API_KEY`
    and `ZAI_API_BASE` (default `https://api.z.ai/api/paas/v4`) unless `api_key=` / `api_base=`
    are passed; an OpenAI key passed explicitly would be sent to Z.AI. LiteLLM's zai provider has
    no embeddings: those need `model="openai/embedding-3"` with Z.AI's `api_base` and key. Nor
    does it document transcription, speech, image generation or the Responses API: those calls
    (`litellm.transcription`, ...) are reported, as they keep calling OpenAI with its key. Nor
    does LiteLLM run files, batches or fine-tuning jobs for Z.AI: its `acreate_batch(...,
    custom_llm_provider="openai")` and the like keep working on the OpenAI account, which a warning
    says, as GLM301 does for the SDK's.

    ## Example
    ```python
    litellm.completion(model="gpt-4o", messages=messages)
    ```
    Use instead:
    ```python
    litellm.completion(model="zai/glm-4.6", messages=messages)
    ```

    ## Fix safety
    Safe for ids in the model map and its families. Calls and deployments with their own
    `api_base=` / `base_url=` pointing elsewhere and other providers' ids (`anthropic/...`,
    `ollama/...`) are left alone; a call whose model may be either (`openrouter/...` by default,
    `gpt-3.5-turbo` as a fallback) keeps its OpenAI ids for a person, since the Z.AI key the moved
    ids need would reach the other provider too. Every call sending an id moved for another call
    (a shared constant, `self.model`) gets the key as well. Test doubles are left alone: with `mock_response=` (or
    `mock_tool_calls=` / `mock_timeout=`) set to a value written in the code, LiteLLM answers
    itself and sends nothing. A Router's `model_name` is the alias the code calls it by and
    stays. With `--region china` (or a key variable other than `ZAI_API_KEY`), `api_base=` (or
    `api_key=`) is passed, since the provider defaults to the international endpoint and its own
    variable. LiteLLM's zai provider takes only a few request parameters (`max_tokens`,
    `temperature`, `top_p`, `stop`, `tools`, ...: `[litellm] supported_params`) and refuses the rest
    (`n`, `seed`, `presence_penalty`, `logprobs`, `response_format`, ...) unless `drop_params=True`:
    a call passing a keyword that is neither one of those nor LiteLLM's own (`api_key`, `timeout`,
    `num_retries`, `metadata`, ...: `own_options`) keeps its model for a person, since moved it
    would fail. It passes `thinking` only inside `extra_body`.
    """

    CODE = "GLM107"
    NAME = "litellm-model"
    SUMMARY = "LiteLLM model id that does not reach Z.AI"
    FIX_TITLE = "Use LiteLLM's `zai/` provider"

    VALID = (
        Valid('import litellm\nlitellm.completion(model="zai/glm-4.6", messages=[])'),
        Valid('import litellm\nlitellm.completion(model="anthropic/claude-3-5-sonnet", messages=[])'),
        Valid('import litellm\nlitellm.completion(model="gpt-4o", messages=[], api_base="http://localhost:4000")'),
        Valid(
            'from litellm import Router\nRouter(model_list=[{"model_name": "gpt-4o", "litellm_params": '
            '{"model": "openai/gpt-4o", "api_base": "http://localhost:8000/v1"}}])'
        ),
        Valid(  # `gpt-4o` is the deployment's alias here: the router sends `zai/glm-4.6`
            'from litellm import Router\nrouter = Router(model_list=[{"model_name": "gpt-4o", "litellm_params": {"model": "zai/glm-4.6"}}])\n'
            'router.completion(model="gpt-4o", messages=[])'
        ),
        Valid(
            'import litellm\nlitellm.embedding(model="text-embedding-3-small", input=["x"], api_base="http://localhost:4000")'
        ),
        Valid('import litellm\nlitellm.completion(api_base="http://localhost:4000", **request)'),  # a proxy's request
        # the provider named outright: that provider's model names, whatever their prefix
        Valid('import litellm\nlitellm.completion(model="gpt-4o", messages=[], custom_llm_provider="ollama")'),
        Valid(  # a test double: LiteLLM answers itself and sends nothing
            'import litellm\nlitellm.completion(model="gpt-4o", messages=[], mock_response="Hi!")'
        ),
        Valid(
            'from litellm import Router\nRouter(model_list=[{"model_name": "default", "litellm_params": '
            '{"model": "gpt-4o", "mock_response": "Hi!"}}])'
        ),
        Valid(
            'import litellm\nlitellm.embedding(model="text-embedding-3-small", input=["x"], mock_response=[0.1, 0.2])'
        ),
        Valid(  # LangChain's class is GLM006's
            'import litellm\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o")\n'
            'litellm.completion(model="zai/glm-4.6", messages=[])'
        ),
    )
    INVALID = (
        # OpenAI named outright: a `zai/` model would still go to OpenAI, so provider and model move by hand
        Invalid('import litellm\nlitellm.completion(model="gpt-4o", messages=[], custom_llm_provider="openai")'),
        # no `zai/` route: it keeps calling OpenAI, reported
        Invalid('import litellm\ntext = litellm.transcription(model="whisper-1", file=audio)'),
        Invalid(  # DSPy hands its model id to LiteLLM
            'import dspy\nlm = dspy.LM("openai/gpt-4o-mini")',
            expected='import os\n\nimport dspy\nlm = dspy.LM("zai/glm-4.6", api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            "import litellm\ndef embed(texts, **kw):\n    return litellm.embedding(input=texts, **kw)"
        ),  # model hidden
        Invalid(
            'import litellm\nlitellm.completion(model="gpt-4o", messages=[])',
            # unset, ZAI_API_KEY would give way to OPENAI_API_KEY: LiteLLM would send it to Z.AI
            expected='import os\n\nimport litellm\nlitellm.completion(model="zai/glm-4.6", messages=[], api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            'from litellm import acompletion\nMODEL = "openai/gpt-4o-mini"\nasync def f():\n    await acompletion(MODEL, [])',
            expected='import os\n\nfrom litellm import acompletion\nMODEL = "zai/glm-4.6"\nasync def f():\n    await acompletion(MODEL, [], api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            'from litellm import completion\ncompletion(model="glm-4.6", messages=[])',
            expected='import os\n\nfrom litellm import completion\ncompletion(model="zai/glm-4.6", messages=[], api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            'import litellm\nrouter = litellm.Router(model_list=[{"model_name": "gpt-4o", "litellm_params": '
            '{"model": "gpt-4o", "api_key": "os.environ/OPENAI_API_KEY"}}])',
            expected='import litellm\nrouter = litellm.Router(model_list=[{"model_name": "gpt-4o", "litellm_params": '
            '{"model": "zai/glm-4.6", "api_key": "os.environ/ZAI_API_KEY"}}])',
        ),
        Invalid(  # the constant is also sent for real: it moves, and the mock with it
            'import litellm\nMODEL = "gpt-4o"\ndef ask(m):\n    return litellm.completion(model=MODEL, messages=m)\n'
            'def fake(m):\n    return litellm.completion(model=MODEL, messages=m, mock_response="Hi!")',
            expected='import os\n\nimport litellm\nMODEL = "zai/glm-4.6"\ndef ask(m):\n    return litellm.completion(model=MODEL, messages=m, api_key=os.environ["ZAI_API_KEY"])\n'
            'def fake(m):\n    return litellm.completion(model=MODEL, messages=m, mock_response="Hi!")',
        ),
        Invalid(  # the mock may be off at run time: then the call goes to OpenAI
            'import litellm\ndef ask(m, mock=None):\n    return litellm.completion(model="gpt-4o", messages=m, mock_response=mock)',
            expected='import os\n\nimport litellm\ndef ask(m, mock=None):\n    return litellm.completion(model="zai/glm-4.6", messages=m, mock_response=mock, api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            "import litellm\ndef ask(model, messages):\n    return litellm.completion(model=model, messages=messages)"
        ),
        Invalid('import litellm\nlitellm.embedding(model="text-embedding-3-small", input=["x"])'),
        Invalid("import litellm\ndef ask(request):\n    return litellm.completion(**request)"),
        Invalid("from litellm import Router\nrouter = Router(model_list=load_deployments())"),
        Invalid('import litellm\nlitellm.completion(model="azure/gpt-4o-prod", messages=[])'),
        Invalid(
            'import os\nimport litellm\nlitellm.completion(model="gpt-4o", messages=[], api_key=os.environ["OPENAI_API_KEY"])',
            expected='import os\nimport litellm\nlitellm.completion(model="zai/glm-4.6", messages=[], api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            'import os\nimport litellm\nlitellm.completion(model="gpt-4o", messages=[], api_base="https://api.openai.com/v1")',
            expected='import os\nimport litellm\nlitellm.completion(model="zai/glm-4.6", messages=[], api_base=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"), api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(  # the provider reads ZAI_API_KEY; this project keeps the key elsewhere
            'import os\nimport litellm\nlitellm.completion(model="gpt-4o", messages=[])',
            expected='import os\nimport litellm\nlitellm.completion(model="zai/glm-4.6", messages=[], api_key=os.environ["GLM_API_KEY"])',
            settings={"api_key_env": "GLM_API_KEY"},
        ),
        Invalid(  # the provider defaults to the international endpoint
            'import os\nimport litellm\nlitellm.completion(model="gpt-4o", messages=[])',
            expected='import os\nimport litellm\nlitellm.completion(model="zai/glm-4.6", messages=[], api_key=os.environ["ZAI_API_KEY"], api_base=os.environ.get("ZAI_BASE_URL", "https://open.bigmodel.cn/api/paas/v4/"))',
            settings={"region": "china"},
        ),
        Invalid(
            'import os\nfrom litellm import Router\nrouter = Router(model_list=[{"model_name": "default", "litellm_params": {"model": "gpt-4o"}}])',
            expected='import os\nfrom litellm import Router\nrouter = Router(model_list=[{"model_name": "default", "litellm_params": {"model": "zai/glm-4.6", '
            '"api_key": os.environ["ZAI_API_KEY"], "api_base": os.environ.get("ZAI_BASE_URL", "https://open.bigmodel.cn/api/paas/v4/")}}])',
            settings={"region": "china"},
        ),
        Invalid(  # the zai provider refuses `n=`: moved, the call would fail
            'import litellm\nlitellm.completion(model="gpt-4o", messages=[], n=2)'
        ),
        Invalid(  # passed on, but GLM takes one stop word (GLM210)
            'import litellm\nlitellm.completion(model="gpt-4o", messages=[], stop=["a", "b"])'
        ),
        Invalid(  # OpenAI's key under another name: it moves only with the key replaced
            'import os\nimport dspy\nKEY = os.getenv("OPENAI_API_KEY")\nlm = dspy.LM("gpt-4o", api_key=KEY)',
            expected='import os\nimport dspy\nKEY = os.getenv("OPENAI_API_KEY")\nlm = dspy.LM("zai/glm-4.6", api_key=os.environ["ZAI_API_KEY"])',
            unsafe=True,
        ),
        Invalid(  # a second call sending the moved constant needs the key as well
            'import litellm\nMODEL = "gpt-4o"\ndef one(m):\n    return litellm.completion(model=MODEL, messages=m)\n'
            "def two(m):\n    return litellm.completion(model=MODEL, messages=m, stream=True)",
            expected='import os\n\nimport litellm\nMODEL = "zai/glm-4.6"\ndef one(m):\n    return litellm.completion(model=MODEL, messages=m, api_key=os.environ["ZAI_API_KEY"])\n'
            'def two(m):\n    return litellm.completion(model=MODEL, messages=m, stream=True, api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(  # the call also sends another provider's id: a Z.AI key would go there too
            'import litellm\nclass AI:\n    def __init__(self, model="openrouter/openai/gpt-4-32k"):\n'
            '        self.model = model or "gpt-3.5-turbo"\n'
            "    def ask(self, m):\n        return litellm.completion(model=self.model, messages=m)"
        ),
        Invalid(  # `**options` may hold a key, or arguments the zai provider refuses
            'import litellm\ndef ask(m, **options):\n    return litellm.completion(model="gpt-4o", messages=m, **options)',
            expected='import litellm\ndef ask(m, **options):\n    return litellm.completion(model="zai/glm-4.6", messages=m, **options)',
            unsafe=True,
        ),
    )

    def on_module_end(self) -> None:
        #: model-id literals this rule moves to `zai/`, with their fix's applicability: another
        #: call sending the same literal (a shared constant, `self.model`) moves with it and needs
        #: its key too
        self._moved: dict[cst.SimpleString, Applicability | None] = {}
        mocks: list[tuple[cst.Call | cst.Dict, Scope]] = []
        # first the calls that would fail at Z.AI: a model id one of them shares with a call that
        # could move (a constant) stays with them for a person
        held: set[cst.Call] = set()
        for call, scope, kind in self.model.framework_calls:
            if kind == "litellm_chat" and not self._mocked(call, scope) and (reasons := self._refusals(call, scope)):
                held.add(call)
                self._kept(call, scope, reasons)
        for call, scope, kind in self.model.framework_calls:
            if call in held:
                continue
            if kind in ("litellm_chat", "litellm_embeddings") and self._mocked(call, scope):
                mocks.append((call, scope))
            elif kind == "litellm_chat":
                self._completion(call, scope)
            elif kind == "litellm_router":
                self._router_list(call, scope)
            elif kind == "litellm_embeddings":
                self._embedding(call, scope)
            elif kind == "litellm_other":
                self._other_endpoint(call, scope)
            elif kind == "litellm_account":
                self._account_endpoint(call)
        for deployment, params, scope in litellm_deployments(self.model):
            if self._mocked(params, scope):
                self._router_alias(deployment, scope)
                mocks.append((params, scope))
            else:
                self._router_deployment(deployment, params, scope)
        self._router_calls()
        # last, so that an id a real call also sends (a shared constant) still moves with that call
        for at, scope in mocks:
            self._mock(at, scope)

    def _mocked(self, at: cst.Call | cst.Dict, scope: Scope) -> bool:
        """Whether LiteLLM answers `at` itself (`mock_response="..."`): it sends no request. Only
        a value written here counts: a mock option that may be `None` at run time may not mock."""
        for name in self.tables.litellm.mock_options:
            value = _option(at, name)
            if value is None:
                continue
            if isinstance(value, (cst.Dict, cst.List, cst.Tuple, cst.Integer, cst.Float, cst.FormattedString)):
                return True
            if isinstance(value, cst.Name) and value.value == "True":
                return True
            literals, complete = self.model.resolve_strings(value, scope)
            if literals and complete:
                return True
        return False

    def _mock(self, at: cst.Call | cst.Dict, scope: Scope) -> None:
        """A test double's model only names the mock's answer: it stays, and it is not data to check."""
        if isinstance(at, cst.Call):
            model = find_kwarg(at, "model") or next((a for a in at.args if a.keyword is None and not a.star), None)
            expr = model.value if model is not None else None
        else:
            entry = dict_entry(at, "model")
            expr = entry.value if entry is not None else None
        if expr is not None:
            self.claim(*self.model.resolve_strings(expr, scope)[0])

    def _completion(self, call: cst.Call, scope: Scope) -> None:
        function = f"`{code_of(call.func)}`"
        model = _model(call)
        if model is not None:
            self._move(call, model, scope, function)
        elif any(arg.star == "**" for arg in call.args) and not self._elsewhere(_base(call), None, scope):
            self.report(call, f"Model of {function} not visible (passed through `**`): make it a `zai/` id")

    def _refusals(self, call: cst.Call, scope: Scope) -> list[str]:
        """Why the call, sent to LiteLLM's zai provider as it is, would fail: request parameters
        the provider refuses (UnsupportedParamsError) unless `drop_params=True`, and what it passes
        on but GLM rejects (a forced `tool_choice`, several stop words: GLM209, GLM210)."""
        provider = self.tables.litellm
        reasons = []
        drops = find_kwarg(call, "drop_params")
        known = provider.supported_params | provider.own_options
        refused = [arg.keyword.value for arg in call.args if arg.keyword is not None and arg.keyword.value not in known]
        if refused and not (drops is not None and code_of(drops.value) == "True"):
            shown = ", ".join(f"`{name}=`" for name in refused)
            them = "it" if len(refused) == 1 else "them"
            reasons.append(
                f"LiteLLM's zai provider refuses {shown} (UnsupportedParamsError): drop {them} or pass `drop_params=True`"
            )
        if len(provider.responses_option) == 2:
            keyword, value = provider.responses_option
            switch = find_kwarg(call, keyword)
            if switch is not None and value in {
                string_value(v) for v in self.model.resolve_strings(switch.value, scope)[0]
            }:
                # `dspy.LM(..., model_type="responses")`: LiteLLM's Responses API, not chat completions
                reasons.append(
                    f'`{keyword}="{value}"` calls LiteLLM\'s Responses API, which its zai provider lacks: use chat '
                    "completions (drop it)"
                )
        choice = find_kwarg(call, "tool_choice")
        if choice is not None and not is_none(choice.value):
            values, complete = self.model.resolve_strings(choice.value, scope)
            if not (values and complete and all(string_value(value) == "auto" for value in values)):
                reasons.append(
                    f'{self.target_name} takes only `tool_choice="auto"`, not `{short_code(choice.value)}` (with '
                    "`auto` the model may answer without calling a tool)"
                )
        stop = find_kwarg(call, "stop")
        if stop is not None:
            lists: list[cst.List | cst.Tuple] = [*self.model.literals_of(stop.value, scope, cst.List)]
            lists += self.model.literals_of(stop.value, scope, cst.Tuple)
            sizes = [len(s.elements) for s in lists if not any(isinstance(e, cst.StarredElement) for e in s.elements)]
            if max(sizes, default=0) > 1:
                reasons.append(
                    f"{self.target_name} takes one stop sequence, not {max(sizes)} (keep one and cut the answer at "
                    "the others yourself)"
                )
        if sends_images(self.model, _messages(call), call):
            model = _model(call)
            literals = self.model.resolve_strings(model, scope)[0] if model is not None else []
            names = [(string_value(literal) or "").rpartition("/")[2] for literal in literals]
            matches = [self.tables.match_on("chat", name) for name in names]
            if not literals or any(m is not None and m.glm not in self.tables.vision_models for m in matches):
                target = self.tables.target
                reasons.append(
                    f"the request may send images (the module writes image parts), which `{target.chat}` does not read: use `{provider.prefix}/"
                    f"{target.vision}` (it takes no tools)"
                )
        return reasons

    def _kept(self, call: cst.Call, scope: Scope, reasons: list[str]) -> None:
        """A call that would fail at Z.AI as written (`reasons`): its OpenAI model is reported for
        a person instead of moving."""
        model = _model(call)
        where = f"`{code_of(call.func)}`"
        if model is None or self._elsewhere(_base(call), model, scope):
            return
        literals, complete = self.model.resolve_strings(model, scope)
        for literal in literals:
            old = string_value(literal) or ""
            provider, _, bare = old.rpartition("/")
            match = self.tables.match_on("chat", bare) if provider in OPENAI_PROVIDERS else None
            if match is None or not match.glm or self.claimed(literal):
                continue
            self.claim(literal)
            new = f"{self.tables.litellm.prefix}/{match.glm}"
            self.report(
                literal,
                f"Model `{old}`{match.label} on {where} does not reach Z.AI, and moved to `{new}` the call would "
                f"not work: {'; '.join(reasons)}",
            )
        if not (literals and complete):
            self.report(
                model,
                f"Model of {where} comes from `{code_of(model)}` at run time, and a `{self.tables.litellm.prefix}/` "
                f"model would not work with this call: {'; '.join(reasons)}",
            )

    def _router_list(self, call: cst.Call, scope: Scope) -> None:
        arg = find_kwarg(call, "model_list") or next((a for a in call.args if a.keyword is None and not a.star), None)
        if arg is not None and not self.model.literals_of(arg.value, scope, cst.List):
            message = f"`{code_of(call.func)}` model list `{code_of(arg.value)}` is built at run time"
            self.report(arg.value, message + ": make each deployment's `litellm_params.model` a `zai/` id")

    def _router_alias(self, deployment: cst.Dict, scope: Scope) -> list[cst.SimpleString]:
        """A deployment's `model_name`, the name the code calls the router by: it stays, and it
        is not data to check."""
        alias = dict_entry(deployment, "model_name")
        names = self.model.resolve_strings(alias.value, scope)[0] if alias is not None else []
        self.claim(*names)
        return names

    def _router_deployment(self, deployment: cst.Dict, params: cst.Dict, scope: Scope) -> None:
        names = self._router_alias(deployment, scope)
        where = "`Router` deployment" + (f" `{string_value(names[0])}`" if len(names) == 1 else "")
        model = dict_entry(params, "model")
        if model is not None:
            self._move(params, model.value, scope, where)

    def _move(self, at: cst.Call | cst.Dict, model: cst.BaseExpression, scope: Scope, where: str) -> None:
        """A completion call's or a Router deployment's model, then its key and URL, to Z.AI."""
        base = _base(at)
        if self._elsewhere(base, model, scope):
            return
        if base is not None and self.model.classify_base_url(base, default=Target.OPENAI, scope=scope) is Target.ZAI:
            # `model="openai/glm-4", api_base="https://open.bigmodel.cn/api/paas/v4/"`: it reaches
            # GLM's server already, with the key it has; only a retired GLM id moves up, in place
            self._upgrade_in_place(model, scope, where)
            self._ranges(at, None)
            return
        if self._provider_named(at, model, scope, where):
            return
        provider = self.tables.litellm
        key = _option(at, "api_key")
        splat = _splat(at)
        openai_key = self._openai_key(key, scope) if key is not None else None
        # What keeps the move from being safe: the LiteLLM installed, the key it would send, or
        # what `**` may hold
        unsafe = None
        since = ".".join(map(str, provider.zai_since))
        if self.settings.litellm_has_zai is False:
            unsafe = (
                f"the configuration says the project's LiteLLM is older than {since}, the first release with the "
                f"`{provider.prefix}` provider (`litellm-has-zai = false`): it moves only with LiteLLM upgraded"
            )
        elif self.settings.litellm_without_zai:
            # `uv.lock` locking litellm 1.74.0.post1: "LLM Provider NOT provided" for `zai/glm-4.6`
            unsafe = (
                f"the project installs LiteLLM by {self.settings.litellm_without_zai}, older than {since}, the "
                f"first release with the `{provider.prefix}` provider: it moves only with LiteLLM upgraded"
            )
        elif (
            base is not None
            and self.model.classify_base_url(base, default=Target.OPENAI, scope=scope) is Target.UNKNOWN
        ):
            # `api_base=os.getenv("GATEWAY_API_BASE")`: a gateway's names are its own, `glm-4-flash` among them
            unsafe = (
                f"its `api_base=` comes from `{short_code(base)}` at run time, a server whose model names may be "
                "its own: it moves only once that is Z.AI's"
            )
        elif openai_key is not None:
            unsafe = f"its `api_key=` is OpenAI's key (`{openai_key}`): it moves only with that key replaced"
        elif key is None and splat is not None:
            unsafe = (
                f"`**{splat}` may hold arguments the zai provider refuses, or no `api_key`, and then LiteLLM "
                f"sends `OPENAI_API_KEY` to Z.AI when `{provider.api_key_env}` is unset"
            )
        elif key is None and (default := self._default_of(model, scope)) is not None:
            # `def ask(p, model="gpt-4o")`, a pydantic config's `lm: str = "openai/gpt-4o"`: a caller
            # may give another provider's id, which the Z.AI key added here would then go to
            unsafe = (
                f"its model is the default `{code_of(default)}` a caller may replace with another provider's id, "
                f"and the Z.AI key it is given here would go there too"
            )
        if key is None and self._elsewhere_too(model, scope, where):
            return
        to_zai, moved = self._models(model, scope, where, unsafe)
        if not to_zai:
            return
        # a key added for an id another call's unsafe fix moves is as unsafe as that move
        shared = [self._moved[lit] for lit in self.model.resolve_strings(model, scope)[0] if lit in self._moved]
        key_applicability = Applicability.UNSAFE if Applicability.UNSAFE in shared else None

        def add(name: str, value: cst.BaseExpression, imports: tuple[str, ...]) -> Fix:
            held = Applicability.UNSAFE if unsafe is not None else key_applicability
            if isinstance(at, cst.Call):
                call_edit = partial(add_kwarg, name=name, value=value)
                return Fix(((at, call_edit),), f"Pass `{name}=`", imports, applicability=held)
            dict_edit = partial(add_dict_entry, key=name, value=value)
            return Fix(((at, dict_edit),), f'Add `"{name}"`', imports, applicability=held)

        self._ranges(at, Applicability.UNSAFE if unsafe is not None else key_applicability)
        if key is not None:
            self._key(key, where, openai_key)
        elif splat is None and (moved or self.key_env != provider.api_key_env):
            # (a key added beside `**` may be passed twice: that move is unsafe, above.) LiteLLM
            # treats zai as an OpenAI-compatible provider: with its variable unset, it falls back
            # to `litellm.api_key` and OPENAI_API_KEY (litellm/main.py, `_complete_custom_openai`)
            message = (
                f"{where} reads `{provider.api_key_env}`; this project's Z.AI key is in `{self.key_env}`"
                if self.key_env != provider.api_key_env
                else f"{where} moves to Z.AI without `api_key`: with `{provider.api_key_env}` unset, LiteLLM sends "
                "`OPENAI_API_KEY` there"
            )
            self.report(at, message, fix=add("api_key", env_key_lookup(self.key_env), ("os",)))
        url = base_url_expression(self.tables, self.settings.region, self.settings.base_url_style)
        imports = ("os",) if self.settings.base_url_style == "env" else ()
        if base is None:
            if self.settings.region != self.tables.default_region:
                message = f"{where} calls Z.AI's {self.tables.default_region} endpoint unless `api_base` says otherwise"
                self.report(at, message, fix=add("api_base", url, imports))
        elif self.model.classify_base_url(base, default=Target.OPENAI, scope=scope) is Target.OPENAI:
            fix = Fix(((base, lambda _: url),), "Point it at Z.AI", imports)
            self.report(base, f"{where} `api_base` points at OpenAI while its model goes to Z.AI", fix=fix)

    def _ranges(self, at: cst.Call | cst.Dict, applicability: Applicability | None) -> None:
        """What GLM201 says of an SDK call, for a LiteLLM call going to Z.AI: the zai provider
        passes `temperature=1.5` on, and GLM rejects it."""
        for name in ("temperature", "top_p", "max_tokens"):
            value = _option(at, name)
            found = out_of_range(self, name, value) if value is not None else None
            if value is not None and found is not None:
                message, fix = found
                self.report(value, message, fix=replace(fix, applicability=applicability))

    def _upgrade_in_place(self, model: cst.BaseExpression, scope: Scope, where: str) -> None:
        """The ids of a call LiteLLM sends to GLM's server through its `openai/` provider and
        `api_base`: a retired or OpenAI id becomes its GLM id, provider and key unchanged."""
        for literal in self.model.resolve_strings(model, scope)[0]:
            old = string_value(literal) or ""
            provider, _, bare = old.rpartition("/")
            if provider not in OPENAI_PROVIDERS or self.claimed(literal) or self.tables.is_target("chat", bare):
                continue
            match = self.tables.match_on("chat", bare)
            if match is None or not match.glm:
                continue
            self.claim(literal)
            # a bare id keeps LiteLLM's OpenAI provider only while OpenAI's: `glm-4.6` needs it named
            new = f"{provider or 'openai'}/{match.glm}"
            fix = Fix(((literal, partial(replace_string, value=new)),), f"Replace with `{new}`")
            self.report(literal, f"Model `{old}`{match.label} on {where}, whose `api_base` is GLM's server", fix=fix)

    def _router_calls(self) -> None:
        """`router.completion(model="gpt-4o")` names a deployment by its alias: not data to check."""
        routers = {call for call, _, kind in self.model.framework_calls if kind == "litellm_router"}
        if not routers:
            return
        for call, scope in self.model.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
                continue
            bindings = self.model.lookup(func.value.value, scope)
            if bindings and all(binding.value in routers for binding in bindings):
                model = find_kwarg(call, "model")
                if model is not None:
                    self.claim(*self.model.resolve_strings(model.value, scope)[0])

    def _embedding(self, call: cst.Call, scope: Scope) -> None:
        model = find_kwarg(call, "model") or next((a for a in call.args if a.keyword is None and not a.star), None)
        if (
            model is None
            and any(arg.star == "**" for arg in call.args)
            and not self._elsewhere(_base(call), None, scope)
        ):
            glm = self.tables.lookup_model("embeddings", "text-embedding-ada-002")
            self.report(
                call,
                f"Model of `{code_of(call.func)}` not visible (passed through `**`): LiteLLM's `zai/` provider has no "
                f'embeddings, so make it `openai/{glm}` with `api_base="{self.tables.base_url(self.settings.region)}"`',
            )
            return
        if model is None or self._elsewhere(_base(call), model.value, scope):
            return
        for literal in self.model.resolve_strings(model.value, scope)[0]:
            old = string_value(literal) or ""
            provider, _, bare = old.rpartition("/")
            new = self.tables.glm_id("embeddings", bare) if provider in OPENAI_PROVIDERS else None
            if not new or self.claimed(literal):
                continue
            self.claim(literal)
            self.report(
                literal,
                f"Model `{old}` on `{code_of(call.func)}` goes to OpenAI, and LiteLLM's `zai/` provider has no "
                f'embeddings: use `model="openai/{new}"` with `api_base="{self.tables.base_url(self.settings.region)}"` '
                f'and `api_key=os.environ["{self.key_env}"]`',
            )

    def _other_endpoint(self, call: cst.Call, scope: Scope) -> None:
        """`litellm.transcription`, `speech`, `image_generation`, `responses`: LiteLLM's `zai/`
        provider documents none of them, so the call keeps going to OpenAI with its key."""
        model = find_kwarg(call, "model") or next((a for a in call.args if a.keyword is None and not a.star), None)
        if model is not None and self._elsewhere(_base(call), model.value, scope):
            return  # another provider's model (`groq/whisper-large-v3`)
        literals = self.model.resolve_strings(model.value, scope)[0] if model is not None else []
        self.claim(*literals)  # sent, not data
        shown = f" (`{string_value(literals[0])}`)" if literals else ""
        self.report(
            call,
            f"`{code_of(call.func)}`{shown} has no Z.AI route through LiteLLM's `zai/` provider: it keeps calling "
            f"OpenAI with `OPENAI_API_KEY`; move it by hand (Z.AI's own API, or keep OpenAI for it)",
        )

    def _account_endpoint(self, call: cst.Call) -> None:
        """`litellm.acreate_batch(..., custom_llm_provider="openai")`: files, batches and fine-tuning
        jobs of the OpenAI account, which LiteLLM has no Z.AI route for; another provider's (Azure's,
        Vertex's) are not OpenAI's to report."""
        provider = find_kwarg(call, "custom_llm_provider")
        if provider is not None and string_value(provider.value) != "openai":
            return
        self.report(
            call,
            f"`{code_of(call.func)}` stays with OpenAI (account data Z.AI does not have; LiteLLM has no Z.AI route for "
            "files, batches or fine-tuning): keep an OpenAI key for it",
            severity=Severity.WARNING,
        )

    def _provider_named(self, at: cst.Call | cst.Dict, model: cst.BaseExpression, scope: Scope, where: str) -> bool:
        """Whether `custom_llm_provider=` names the provider, which LiteLLM then uses whatever
        the model's prefix says (a `zai/` model would go there as it is): another provider's
        call stays unreported; OpenAI's, or one known only at run time, is a person's to move,
        provider and model together."""
        option = _option(at, PROVIDER_OPTION)
        if option is None:
            return False
        literals = self.model.resolve_strings(model, scope)[0]
        self.claim(*literals)
        providers, complete = self.model.resolve_strings(option, scope)
        names = {string_value(p) for p in providers}
        prefix = self.tables.litellm.prefix
        if complete and providers and not names & {*OPENAI_PROVIDERS, prefix}:
            return True  # `custom_llm_provider="ollama"`: that provider's model names
        target = f'`{PROVIDER_OPTION}="{prefix}"` with `model="{self.tables.target.chat}"`'
        if complete and providers:
            shown = " or ".join(f'`{PROVIDER_OPTION}="{name}"`' for name in sorted(n or "" for n in names))
            self.report(
                option,
                f"{shown} names the provider of {where}, whatever its model's prefix: a "
                f"`{prefix}/` model would go there as it is; for Z.AI pass {target} (key from "
                f"`{self.tables.litellm.api_key_env}`)",
            )
        else:
            self.report(
                option,
                f"Provider of {where} comes from `{PROVIDER_OPTION}={short_code(option)}` at run time, and it "
                f"decides where the model goes whatever its prefix: where it is OpenAI's, pass {target} (key "
                f"from `{self.tables.litellm.api_key_env}`)",
            )
        return True

    def _elsewhere(self, base: cst.BaseExpression | None, model: cst.BaseExpression | None, scope: Scope) -> bool:
        """Whether `api_base=` sends the request to a server of its own (a proxy, a local model):
        then the model is that server's name, sent and not data (GLM103 skips it)."""
        if base is None or self.model.classify_base_url(base, default=Target.OPENAI, scope=scope) is not Target.OTHER:
            return False
        if model is not None:
            self.claim(*self.model.resolve_strings(model, scope)[0])
        return True

    def _models(
        self, expr: cst.BaseExpression, scope: Scope, where: str, unsafe: str | None = None
    ) -> tuple[bool, bool]:
        """Move the literals `expr` may be to `zai/` (with an unsafe fix, saying why, given
        `unsafe`); report what cannot be seen. Whether the deployment goes to Z.AI afterwards
        (so its key and URL must follow), and whether this run moves it there."""
        literals, complete = self.model.resolve_strings(expr, scope)
        prefix = self.tables.litellm.prefix
        to_zai = moved = False
        for literal in literals:
            old = string_value(literal) or ""
            provider, _, bare = old.rpartition("/")
            if literal in self._moved:
                # moved by this rule for another call: this call goes to Z.AI with it
                moved = to_zai = True
                continue
            moves = self._literal(literal, old, provider, bare, where, unsafe)
            moved = moved or moves
            to_zai = moves or to_zai or provider == prefix
        if not (literals and complete) and not self._names_another_provider(expr):
            self.report(
                expr,
                f"Model of {where} comes from `{code_of(expr)}` at run time: LiteLLM sends bare and `openai/` ids "
                f"to OpenAI; make sure it is a `{prefix}/` id such as `{prefix}/{self.tables.target.chat}` (key from "
                f"`{self.tables.litellm.api_key_env}`)",
            )
        return to_zai, moved

    def _names_another_provider(self, expr: cst.BaseExpression) -> bool:
        """`expr` is a name or attribute naming another provider's model (`anthropic_model`,
        `settings.CLAUDE_MODEL`): what it holds is that provider's id, not OpenAI's."""
        while type(expr) is cst.Attribute:
            name: str = expr.attr.value
            expr = expr.value
            if set(_WORDS.findall(name.lower())) & self.tables.sdk.other_model_words:
                return True
        return type(expr) is cst.Name and bool(
            set(_WORDS.findall(expr.value.lower())) & self.tables.sdk.other_model_words
        )

    def _elsewhere_too(self, model: cst.BaseExpression, scope: Scope, where: str) -> bool:
        """Whether the call's model may also be another provider's id (`openrouter/...`,
        `anthropic/...`) beside OpenAI ids: moved to `zai/`, those ids would need a Z.AI key the
        call would then send to the other provider too, and without one LiteLLM falls back to
        `OPENAI_API_KEY` for Z.AI. Its OpenAI ids are reported for a person instead."""
        literals = self.model.resolve_strings(model, scope)[0]
        prefix = self.tables.litellm.prefix
        others = [
            value
            for literal in literals
            if (value := string_value(literal) or "").rpartition("/")[0] not in (*OPENAI_PROVIDERS, prefix)
            and value.rpartition("/")[0] != "azure"
        ]
        if not others:
            return False
        for literal in literals:
            old = string_value(literal) or ""
            provider, _, bare = old.rpartition("/")
            if provider not in OPENAI_PROVIDERS or self.claimed(literal):
                continue
            match = self.tables.match_on("chat", bare)
            if match is None or not match.glm:
                continue
            self.claim(literal)
            new = f"{prefix}/{match.glm}"
            self.report(
                literal,
                f"Model `{old}`{match.label} on {where} does not reach Z.AI, and the same call also sends "
                f"`{others[0]}` to another provider: moved to `{new}` it needs `api_key=` with the Z.AI key "
                f"(else LiteLLM sends `OPENAI_API_KEY` to Z.AI), which that provider would get too. Pass the "
                "key only for `zai/` ids, by hand",
            )
        return True

    def _literal(
        self, literal: cst.SimpleString, old: str, provider: str, bare: str, where: str, unsafe: str | None = None
    ) -> bool:
        if provider == "azure":
            self.report(
                literal,
                f"Model `{old}` on {where} is an Azure OpenAI deployment: use `{self.tables.litellm.prefix}/{self.tables.target.chat}` "
                "and drop the Azure `api_base` / `api_version`",
            )
            return False
        if provider not in OPENAI_PROVIDERS or self.claimed(literal):
            return False
        if self.tables.is_target("chat", bare):
            glm, label = bare, ""
        elif (match := self.tables.match_on("chat", bare)) is not None and match.glm:
            glm, label = match.glm, match.label
        else:
            return False
        new = f"{self.tables.litellm.prefix}/{glm}"
        self.claim(literal)
        title = f"Replace with `{new}` (LiteLLM reads its key from `{self.tables.litellm.api_key_env}`)"
        applicability = Applicability.UNSAFE if unsafe is not None else None
        self._moved[literal] = applicability
        fix = Fix(((literal, partial(replace_string, value=new)),), title, applicability=applicability)
        message = f"Model `{old}`{label} on {where} does not reach Z.AI" + (f"; {unsafe}" if unsafe else "")
        self.report(literal, message, fix=fix)
        return True

    def _default_of(self, model: cst.BaseExpression, scope: Scope) -> cst.SimpleString | None:
        """The literal `model` may be that is only a default callers can replace: a parameter's
        (`def ask(p, model="gpt-4o")`) or an annotated class field's (a dataclass, pydantic or
        settings field, also `Field(default=...)`)."""
        for literal in self.model.resolve_strings(model, scope)[0]:
            node: cst.CSTNode | None = self.model.parents.get(literal)
            while node is not None and not isinstance(
                node, cst.BaseSmallStatement | cst.Param | cst.BaseCompoundStatement
            ):
                node = self.model.parents.get(node)
            if isinstance(node, cst.Param):
                return literal
            line = self.model.parents.get(node) if isinstance(node, cst.AnnAssign) else None
            block = self.model.parents.get(line) if line is not None else None
            if isinstance(block, cst.IndentedBlock) and isinstance(self.model.parents.get(block), cst.ClassDef):
                return literal
        return None

    def _openai_key(self, key: cst.BaseExpression, scope: Scope) -> str | None:
        """The OpenAI key variable `key` holds, when it is not read from the environment here
        (`api_key=OPENAI_API_KEY`, `settings.openai_api_key`): no fix can tell it holds a Z.AI key."""
        if env_lookup(key) is not None or isinstance(key, cst.SimpleString):
            return None
        return names_openai_key(self.model, self.tables, key, scope)

    def _key(self, key: cst.BaseExpression, where: str, openai_key: str | None) -> None:
        """An OpenAI key passed to a deployment that now goes to Z.AI: read Z.AI's instead."""
        env = env_lookup(key)
        reference = self.tables.litellm.env_reference
        value = string_value(key) if isinstance(key, cst.SimpleString) else None
        if env is not None and env[0] in self.tables.openai_key_envs:
            # `os.getenv("ZAI_API_KEY")` would be None when unset: LiteLLM then sends OPENAI_API_KEY
            fix = key_renaming_fix(key, self.key_env)
            self.report(key, f"{where} sends the key from `{env[0]}` to Z.AI", fix=fix)
        elif (
            value is not None and value.startswith(reference) and value[len(reference) :] in self.tables.openai_key_envs
        ):
            new = f"{reference}{self.key_env}"
            fix = Fix(((key, partial(replace_string, value=new)),), f"Read `{self.key_env}` instead")
            self.report(key, f"{where} sends the key from `{value[len(reference) :]}` to Z.AI", fix=fix)
        elif openai_key is not None:
            message = f"{where} key `{short_code(key)}` is OpenAI's key (`{openai_key}`): moved to Z.AI, it would be sent there"
            self.report(key, message, fix=openai_key_replacing_fix(key, self.key_env))


def _model(call: cst.Call) -> cst.BaseExpression | None:
    """The model a completion call sends: `model=` or its first positional argument."""
    arg = find_kwarg(call, "model") or next((a for a in call.args if a.keyword is None and not a.star), None)
    return arg.value if arg is not None else None


def _splat(at: cst.Call | cst.Dict) -> str | None:
    """The code of the first `**` mapping of a call or deployment, if any."""
    if isinstance(at, cst.Call):
        found: cst.BaseExpression | None = next((arg.value for arg in at.args if arg.star == "**"), None)
    else:
        found = next((e.value for e in at.elements if isinstance(e, cst.StarredDictElement)), None)
    return code_of(found) if found is not None else None


def _messages(call: cst.Call) -> cst.Arg | None:
    """A completion call's `messages=`, or its second positional argument."""
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return find_kwarg(call, "messages") or (positional[1] if len(positional) > 1 else None)


def _option(at: cst.Call | cst.Dict, name: str) -> cst.BaseExpression | None:
    """A completion call's keyword or a Router deployment's `litellm_params` entry."""
    found = find_kwarg(at, name) if isinstance(at, cst.Call) else dict_entry(at, name)
    return found.value if found is not None else None


def _base(at: cst.Call | cst.Dict) -> cst.BaseExpression | None:
    return next((value for name in BASE_NAMES if (value := _option(at, name)) is not None), None)
