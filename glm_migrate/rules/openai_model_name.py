from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Set
from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.nodes import callee, passed_argument, setting_lookup, short_code
from glm_migrate.rules._base import Fix, Invalid, Rule, RuleContext, Valid
from glm_migrate.rules._clients import ids_handed, moved_by_fixes, repoint_blocker
from glm_migrate.rules._flow import ModelTest, model_tests, report_model_tests
from glm_migrate.rules._helpers import (
    add_kwarg,
    batch_line_ids,
    embedding_width_change,
    endpoint_argument_problems,
    old_width_in_code,
    replace_string,
    sends_images,
    tests_shown,
    twin_in_list,
)
from glm_migrate.semantic import ApiCall, Scope, env_lookup, string_value
from glm_migrate.tables import ModelMatch

MODEL_ENDPOINTS = ("chat", "embeddings", "images", "audio_transcriptions")


class OpenAIModelName(Rule):
    """
    ## What it does
    Finds OpenAI model ids (and retired GLM ids) that reach the `model=` of an API call and
    replaces them with their GLM equivalent from `rules/models.toml`: chat ids become `glm-4.6`,
    embedding ids `embedding-3`, image ids `cogview-4-250304`, transcription ids `glm-asr`. The literal is rewritten where it is written: in the call, in a
    same-module constant (`MODEL = "gpt-4o"`), a parameter default (`def ask(model="gpt-4o")`), a
    `"model"` key of a dict splatted into the call, or the default of `os.getenv("X", "gpt-4o")`.

    ## Why is this bad?
    Z.AI serves GLM models only; an OpenAI id fails with error 1211 (unknown model).

    ## Example
    ```python
    client.chat.completions.create(model="gpt-4o-2024-08-06", messages=messages)
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=messages)
    ```

    ## Fix safety
    Safe when the id is listed in the model map (dated variants of a listed id included) or
    belongs to one of its families (`gpt-5.4-mini`, an id of the "OpenAI chat family", also gets
    `glm-4.6`; the finding names the family). The map is a product choice: override single ids
    with `[tool.glm-migrate.models]`, which wins over both. When the same
    id also feeds a tokenizer lookup (`tiktoken.encoding_for_model`, directly or through a
    wrapper class's constructor argument or attribute), the fix is unsafe: tiktoken does not know
    GLM ids. An embedding id is rewritten safely only where the call passes a `dimensions=`
    the GLM model documents: elsewhere the vectors change size (`text-embedding-3-small` makes
    1536 numbers, `embedding-3` 2048), which an index or column sized for the old ones rejects,
    so the fix is unsafe. A chat id whose request sends an image part (`"image_url"`) is
    reported, not rewritten: GLM's chat model reads text only, and its vision model takes no
    tools. A request whose messages are out of view may send any image part the module writes,
    except one spent on another request (written into its `messages=`, or into a local list only
    that `messages=` reads). Ids without an equivalent are reported (GLM102), ids computed at
    run time are not guessed at (GLM104). Image and transcription ids move only with
    `--unsafe-fixes` (another model draws or hears differently), and only when GLM's endpoint
    takes every argument the call passes (GLM214 reports the others): a new model id with
    arguments the endpoint rejects would only trade one error for another. An id that code also
    tests (`if model not in SUPPORTED`, `PRICES[MODEL]`, `model.startswith("gpt-")`) is not
    rewritten: both places are reported (also a test around the call that pins the name, and
    tests of `self.model` in its class). Neither is an id sent through a client glm-migrate
    cannot point at Z.AI itself: a GLM id would fail at OpenAI, and nor is one that is also the
    model of a Batch API request line (`{"custom_id": ..., "body": {"model": MODEL}}`), which
    goes to OpenAI with the batch's file: its client waits for a person. An id handed to a library
    together with a client this run moves (`OpenAIModel("gpt-4o", provider=OpenAIProvider(
    openai_client=AsyncOpenAI()))`, or by the name the client is bound to: `llm_factory(
    "gpt-4o-mini", client=client)`) is rewritten only as an unsafe fix, since what the library
    sends is not visible, and the client waits for it. Ids passed to a function whose request
    sends them (a forwarded `**kwargs`, another module's `chat(model, ...)` via the project
    index) are rewritten where they are passed; one passed to another module's function that
    sends it through a client only a person moves there (a module setting `OPENAI_API_KEY`
    itself) is reported where it is passed, for that person, as the client's own ids are.
    """

    CODE = "GLM101"
    NAME = "openai-model-name"
    SUMMARY = "OpenAI or retired GLM model id sent to Z.AI"
    FIX_TITLE = "Replace with the GLM model id"
    REWRITES_MODEL_ID = True

    VALID = (
        Valid('from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(model="glm-4.6", messages=[])'),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="glm-4", messages=[])'
        ),
        Valid('config = dict(model="gpt-4o")'),  # not an API call
    )
    INVALID = (
        # GLM's image endpoint has no `style`: the model moves only with GLM214's removal of it
        Invalid('from openai import OpenAI\nOpenAI().images.generate(model="dall-e-3", prompt="a cat", style="vivid")'),
        # a chat model sent to image generation: reported, no GLM id makes the call right
        Invalid('from openai import OpenAI\nMODEL = "gpt-4o"\nOpenAI().images.generate(model=MODEL, prompt="a cat")'),
        # where it is set, an Azure deployment's name: the default alone does not move the requests
        Invalid(
            "import os\nfrom openai import OpenAI\nc = OpenAI()\n"
            'c.chat.completions.create(model=os.getenv("AZURE_OPENAI_DEPLOYMENT", "gpt-4o"), messages=[])'
        ),
        Invalid(
            'from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(model="gpt-4o", messages=[])',
            expected='from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(model="glm-4.6", messages=[])',
        ),
        Invalid(
            "from openai import OpenAI\nMODEL = 'gpt-4-0613'\n\nasync def ask(c: OpenAI, model=MODEL):\n"
            "    return await c.chat.completions.create(model=model, messages=[])",
            expected="from openai import OpenAI\nMODEL = 'glm-4.6'\n\nasync def ask(c: OpenAI, model=MODEL):\n"
            "    return await c.chat.completions.create(model=model, messages=[])",
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().images.generate(model="dall-e-3", prompt="a cat", size="1792x1024")',
            expected='from openai import OpenAI\nOpenAI().images.generate(model="cogview-4-250304", prompt="a cat", size="1792x1024")',
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-6.2-astra", messages=[])',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])',
        ),
        Invalid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4-plus", messages=[])',
            expected='from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[])',
        ),
        Invalid(  # an older GLM generation, already on Z.AI
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.z.ai/api/paas/v4/")\nclient.chat.completions.create(model="glm-4.5", messages=[])',
            expected='from openai import OpenAI\nclient = OpenAI(base_url="https://api.z.ai/api/paas/v4/")\nclient.chat.completions.create(model="glm-4.6", messages=[])',
        ),
        Invalid(  # tiktoken does not know GLM ids: the fix is unsafe
            'import tiktoken\nfrom openai import OpenAI\nMODEL = "gpt-4o"\nenc = tiktoken.encoding_for_model(MODEL)\nOpenAI().chat.completions.create(model=MODEL, messages=[])',
            expected='import tiktoken\nfrom openai import OpenAI\nMODEL = "glm-4.6"\nenc = tiktoken.encoding_for_model(MODEL)\nOpenAI().chat.completions.create(model=MODEL, messages=[])',
            unsafe=True,
        ),
        Invalid(  # the client cannot be moved (its options are hidden): the id waits for it
            'from openai import OpenAI\noptions = load_options()\nclient = OpenAI(**options)\nclient.chat.completions.create(model="gpt-4o", messages=[])'
        ),
        Invalid(  # the program tests the id too: rewriting one without the other changes its logic
            """
            import os
            from openai import OpenAI
            MODEL = "gpt-4o-mini" if os.getenv("CHEAP") else "gpt-4o"
            client = OpenAI()
            def ask(messages):
                if MODEL == "gpt-4o":
                    messages = messages[-10:]
                return client.chat.completions.create(model=MODEL, messages=messages)
            def summarise(text):
                return client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": text}])
            """
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._seen: set[cst.SimpleString] = set()
        #: image/transcription calls, which move at module end: once the rules that fix their
        #: arguments have claimed them, and the literals that also reach a call that cannot move
        #: are known
        self._deferred: list[ApiCall] = []
        #: tests of model names already reported
        self._tested: set[cst.CSTNode] = set()
        #: (name, scope) -> the tests of it, looked for once
        self._tests_of: dict[tuple[str, Scope], list[ModelTest]] = {}
        #: embedding id -> the module's code sized for its vectors, looked for once
        self._old_widths: dict[str, str | None] = {}

    @functools.cached_property
    def _kept(self) -> dict[cst.SimpleString, ApiCall]:
        """Model-id literals sent by a call whose client stays where it is (a local server, an
        Azure client on Entra ID tokens): rewritten, they would break that call, so no rule
        rewrites them, and where a moving call shares one it is reported for a person."""
        kept: dict[cst.SimpleString, ApiCall] = {}
        for call in self.model.api_calls:
            if call.endpoint in MODEL_ENDPOINTS and not call.migratable:
                for literal in self.model.model_literals(call)[0]:
                    kept.setdefault(literal, call)
        return kept

    @functools.cached_property
    def _batch_ids(self) -> dict[cst.SimpleString, cst.Dict]:
        """Model-id literals a Batch API request line sends, with the line (`batch_line_ids`)."""
        return batch_line_ids(self.model, self.tables)

    def on_api_call(self, call: ApiCall) -> None:
        endpoint = call.endpoint
        if endpoint in MODEL_ENDPOINTS and not call.migratable:
            self.claim(*(literal for literal, by in self._kept.items() if by is call))
            return
        if endpoint not in MODEL_ENDPOINTS:
            return
        if endpoint in ("chat", "embeddings"):
            self._rewrite(call, endpoint, set())
            return
        self._report_foreign_models(call, endpoint)
        self._deferred.append(call)

    def _report_foreign_models(self, call: ApiCall, endpoint: str) -> None:
        """A chat model sent to image generation (`images.generate(model=self.model)` with the
        class's chat model): no GLM id fixes a call of the wrong kind."""
        for literal in self.model.model_literals(call)[0]:
            value = string_value(literal)
            match = self.tables.match_model(value) if value else None
            if match is not None and match.endpoint != endpoint and literal not in self._seen:
                self._seen.add(literal)
                self.claim(literal)
                what = _endpoint_label(match.endpoint)
                self.report(literal, f"Model id `{value}` is a {what} model, sent to {_endpoint_label(endpoint)}")

    def on_module_end(self) -> None:
        # A call moves only where this run removes every argument GLM's endpoint lacks; a
        # constant shared with a call that cannot move stays as it is.
        # One whose arguments only an unsafe fix removes gets its (unsafe) fix too: with
        # --unsafe-fixes both apply, so the finding says the same in either run.
        movable: list[ApiCall] = []
        blocked: set[cst.SimpleString] = set()
        by_hand: list[ApiCall] = []
        for call in self._deferred:
            problems = endpoint_argument_problems(call, self.tables)
            if all(self.fixed_in_this_run(p.arg) for p in problems):
                movable.append(call)
            else:
                blocked.update(self.model.model_literals(call)[0])
                if not all(self.context.claims.fixable(p.arg) for p in problems):
                    by_hand.append(call)
        for call in movable:
            self._rewrite(call, call.endpoint or "", blocked)
        for call in self._deferred:
            self._without_model(call, movable=call not in by_hand)
        for call in self._deferred:
            if call in by_hand:
                self._report_blocked(call)
            elif call not in movable:
                self._rewrite(call, call.endpoint or "", set())
        # Names other modules send as model ids (the project index): rewritten where defined.
        for dotted, endpoint in sorted(self.model.facts.sent_names.items()):
            sent = cst.parse_expression(dotted)
            literals, _ = self.model.resolve_strings(sent, self.model.module_scope)
            for literal in literals:
                old = string_value(literal)
                match = self.tables.match_on(endpoint, old) if old is not None else None
                new = match.glm if match is not None else None
                if not new or match is None or literal in self._seen or literal in blocked:
                    continue
                self._seen.add(literal)
                self.claim(literal)
                message = f"Model id `{old}` sent to {_endpoint_label(endpoint)} by a module that imports `{dotted}`"
                # `if not MODEL_NAME.startswith("gpt-"): raise ...` here: rewritten, the test fails
                tests = self._tests(sent, self.model.module_scope) if old is not None else []
                elsewhere = self.model.facts.tested_names.get(dotted)
                if tests or elsewhere:
                    # or `def ask(q, model=MODEL): if model not in SUPPORTED: ...` in a module
                    # sending it: rewritten here alone, the id fails that test there
                    checks = ", ".join(filter(None, (tests_shown([test.code for test in tests]), elsewhere)))
                    self.report(
                        literal,
                        f"{message}, also tested by {checks}: replace it with `{new}` and update the test",
                        model=match,
                    )
                    report_model_tests(self, self._tested, tests, old or "", new)
                    self.context.held_names[dotted] = (
                        f"`{dotted}` keeps `{old}` where it is defined, for a person ({checks} tests it)"
                    )
                    continue
                waits = self.model.facts.waiting_names.get(dotted)
                if self._report_sent_elsewhere(literal, old or "", message, endpoint, match, waits) or waits:
                    # kept in a safe run, the id would reach Z.AI through the senders' moved
                    # clients: they wait for it (`ModuleFacts.held_sent`), also where it is kept
                    # for one sender that waits (`ChatOpenAI(model=Models.SMART)` beside one
                    # whose `tool_choice` Z.AI rejects)
                    self.context.held_names[dotted] = (
                        f"`{dotted}` becomes `{match.glm}` only with --unsafe-fixes where it is defined"
                    )
        if self.model.facts.model_functions:
            self._passed_to_imported_functions(blocked)
        if self.model.facts.stayed_functions:
            self._passed_to_staying_functions(blocked)
        if self.model.facts.responses_functions:
            self._passed_to_responses_functions()
        self._handed_over_with_clients()

    def _without_model(self, call: ApiCall, *, movable: bool) -> None:
        """`images.generate(prompt=p)`: OpenAI draws with its default model (`[default_models]`),
        Z.AI requires one. The GLM id of that default is added as unsafely as an image id is
        rewritten (another model draws otherwise), and only to a call passing what GLM takes."""
        default = self.tables.sdk.default_models.get(call.path)
        if default is None or self.model.model_arguments(call) or any(arg.star for arg in call.node.args):
            return
        match = self.tables.match_on(call.endpoint or "", default)
        if match is None or not match.glm:
            return
        message = f"`{'.'.join(call.path)}` without `model=` uses OpenAI's `{default}`; Z.AI requires a model"
        if not movable:
            hint = f': pass `model="{match.glm}"` once the call passes only what GLM\'s endpoint takes (GLM214)'
            self.report(call.node.func, message + hint)
            return
        new = cst.SimpleString(f'"{match.glm}"')
        fix = Fix(
            ((call.node, partial(_with_model, value=new)),),
            f'Pass `model="{match.glm}"`',
            applicability=Applicability.UNSAFE,
        )
        self.report(call.node.func, message, fix=fix)

    def _taken(
        self, literal: cst.SimpleString, match: ModelMatch, blocked: Set[cst.SimpleString] = frozenset()
    ) -> bool:
        """Whether this rule reports `literal` now: an id with a GLM id that it has not seen yet
        and that is neither `blocked` nor claimed by another rule (then seen and claimed)."""
        if not match.glm or literal in self._seen or literal in blocked or self.claimed(literal):
            return False
        self._seen.add(literal)
        self.claim(literal)
        return True

    def _report_blocked(self, call: ApiCall) -> None:
        """The model ids of an image or transcription call that keeps arguments GLM's endpoint
        does not take: reported, so that its client waits too (engine.py); moved, the client
        would send OpenAI's model there."""
        endpoint = call.endpoint or ""
        for literal in self.model.model_literals(call)[0]:
            old = string_value(literal)
            match = self.tables.match_on(endpoint, old) if old is not None else None
            if match is None or not self._taken(literal, match):
                continue
            message = (
                f"Model id `{old}`{match.label} on {_endpoint_label(endpoint)}: it becomes `{match.glm}` once the "
                "call passes only what GLM's endpoint takes (GLM214)"
            )
            self.report(literal, message, model=match)

    def _handed_over_with_clients(self) -> None:
        """Ids passed beside a client this run moves to a library that wraps it
        (`OpenAIModel("gpt-4o", provider=OpenAIProvider(openai_client=AsyncOpenAI()))`,
        `llm_factory("gpt-4o-mini", client=client)`): the library sends them through that
        client. Whether it does is not visible, so the fix is unsafe, and the client waits for
        it (engine.py)."""
        for client in self.model.clients:
            if client.construction is None or not moved_by_fixes(client):
                continue
            for literal, call in ids_handed(self.model, client):
                old = string_value(literal)
                match = self.tables.match_model(old) if old else None
                if match is None or not match.glm or match.endpoint != "chat" or self.claimed(literal):
                    continue
                self.claim(literal)
                message = (
                    f"Model id `{old}`{match.label} handed to `{short_code(call.func)}` with a client moved "
                    "to Z.AI, which sends it there"
                )
                if self._shares_glm_id(literal, match.glm):
                    # a registry of ids (`for name in [...]: register(name, client)`) would list
                    # one GLM id several times: which of them to keep is a person's choice
                    message += f"; other ids of its list become `{match.glm}` too: keep one of them, by hand"
                    self.report(literal, message, model=match)
                    continue
                fix = Fix(
                    ((literal, partial(replace_string, value=match.glm)),),
                    f"Replace with `{match.glm}`",
                    applicability=Applicability.UNSAFE,
                )
                self.report(literal, message, fix=fix, model=match)

    def _shares_glm_id(self, literal: cst.SimpleString, glm: str) -> bool:
        """Another element of the list (tuple, set) holding `literal` maps to the same GLM id."""
        element = self.model.parents.get(literal)
        collection = self.model.parents.get(element) if element is not None else None
        if type(collection) not in (cst.List, cst.Tuple, cst.Set):
            return False
        for other in collection.elements:  # type: ignore[union-attr]
            value = string_value(other.value) if other.value is not literal else None
            found = self.tables.match_model(value) if value else None
            if found is not None and found.glm == glm:
                return True
        return False

    def _passed_ids(
        self, functions: Mapping[str, tuple[tuple[str, int, str], ...]]
    ) -> Iterator[tuple[str, tuple[str, int, str], cst.Arg, Scope, cst.SimpleString]]:
        """(function as written, its entry, the argument, its scope, each literal it may be) for
        each call here of another module's function in `functions` (by qualified name: the
        parameter, its position, and what the project index says of it) passing that parameter."""
        for call, scope in self.model.calls:
            # sorted: one id passed to two such functions is reported the same way every run
            for qualified in sorted(self.model.qualified_names(callee(call), scope) & functions.keys()):
                for entry in functions[qualified]:
                    arg = passed_argument(call, entry[0], entry[1])
                    if arg is not None:
                        for literal in self.model.resolve_strings(arg.value, scope)[0]:
                            yield qualified, entry, arg, scope, literal

    def _passed_to_imported_functions(self, blocked: set[cst.SimpleString]) -> None:
        """Ids passed to another module's function that sends them to a client it moves to
        Z.AI (`from app.llm import chat` ... `chat("gpt-4o", messages)`, the project index)."""
        for qualified, (param, _, endpoint), arg, scope, literal in self._passed_ids(self.model.facts.model_functions):
            old = string_value(literal)
            match = self.tables.match_on(endpoint, old) if old is not None else None
            if match is not None and old is not None:
                # kept here by whichever finding (a person's, unsafe in a safe run),
                # it holds the client sending it there (engine.py, `kept_handed`)
                self.context.handed_ids.append((literal, qualified, param, old))
            if match is None or not self._taken(literal, match, blocked):
                continue
            waits = self.model.facts.waiting_functions.get(qualified)
            message = (
                f"Model id `{old}`{match.label} sent to {_endpoint_label(endpoint)} by `{qualified}`, "
                "whose client moves to Z.AI"
            )
            tests = self._tests(arg.value, scope) if arg.value is not literal else []
            there = dict(self.model.facts.tested_functions.get(qualified, ())).get(param)
            if (tests or there) and old is not None:
                # `model = "gpt-4o"; ask(text, model); PRICE[model]` here, or
                # `if model.startswith("text-embedding"):` in the function called
                shown = tests_shown([test.code for test in tests]) if tests else ""
                checks = ", ".join(filter(None, (shown, there and f"{there} in `{qualified}`")))
                if waits is not None:
                    message += " with --unsafe-fixes"  # waiting for this id, or another reason
                message += f", also tested by {checks}: replace it with `{match.glm}` and update the test"
                self.report(literal, message, model=match)
                report_model_tests(self, self._tested, tests, old, match.glm)
                continue
            self._report_sent_elsewhere(literal, old or "", message, endpoint, match, waits)

    def _passed_to_staying_functions(self, blocked: set[cst.SimpleString]) -> None:
        """Ids passed to another module's function that sends them through a client only a
        person points at Z.AI (`ModuleFacts.stayed_functions`): replaced here (a setting, a
        parameter's default), OpenAI would get the GLM id; they change with that client, by hand."""
        for qualified, (_, _, why), _, _, literal in self._passed_ids(self.model.facts.stayed_functions):
            old = string_value(literal)
            match = self.tables.match_model(old) if old is not None else None
            if match is None or not self._taken(literal, match, blocked):
                continue
            self.report(
                literal,
                f"Model id `{old}`{match.label} sent by `{qualified}`: replace it with `{match.glm}` "
                f"when the client sending it there moves to Z.AI, which only a person does there: {why}",
                model=match,
            )

    def _passed_to_responses_functions(self) -> None:
        """Ids passed to another module's function that sends them to a Responses API call
        (`from app.llm import ask` ... `ask("gpt-4.1", text)`, the project index): Z.AI lacks
        the API, so the id is reported at the call for the person who rewrites that request to
        chat completions (GLM301 there), with its GLM id; no fix, as the request stays OpenAI's
        until then."""
        for qualified, (_, _, path), _, _, literal in self._passed_ids(self.model.facts.responses_functions):
            old = string_value(literal)
            match = self.tables.match_on("chat", old) if old is not None else None
            if match is None or not self._taken(literal, match):
                continue
            message = (
                f"Model id `{old}`{match.label} sent to `{path}` by `{qualified}`, which Z.AI lacks: "
                f"once that request is rewritten to chat completions (GLM301 there), pass `{match.glm}`"
            )
            self.report(literal, message, model=match)

    def _report_sent_elsewhere(
        self,
        literal: cst.SimpleString,
        old: str,
        message: str,
        endpoint: str,
        match: ModelMatch,
        waits: str | None = None,
    ) -> bool:
        """An id another module's request sends: rewritten here; for embeddings, whose
        `dimensions=` is not in view, and for transcription, image and speech models, which hear
        or draw differently, only as an unsafe fix; and only so where the client sending it waits
        where it is built (`waits`): in a safe run it stays with OpenAI, which would get the GLM
        id. True where the id itself makes the fix unsafe: the senders' clients wait for it."""
        new = match.glm or ""
        resized = embedding_width_change(self.tables, old, new, None) if endpoint == "embeddings" else None
        if resized and (sized := old_width_in_code(self.model, self.tables, old, new)) is not None:
            # `VECTOR_DIMENSION = 1536` beside `EMBEDDING_MODEL = "text-embedding-3-small"` in a
            # settings module: the id alone changed, what is sized by the other breaks
            self.report(literal, f"{message}; {sized}: change both together", model=match)
            return True
        unsafe = bool(resized) or endpoint not in ("chat", "embeddings")
        if not resized:
            message += _unsafe_reason(endpoint)
        fix = Fix(
            ((literal, partial(replace_string, value=new)),),
            f"Replace with `{new}`",
            applicability=Applicability.UNSAFE if unsafe or waits else None,
        )
        if resized:
            message += f"; {resized}"
        if waits and not unsafe:
            message += f" (with --unsafe-fixes: the client sending it waits where it is built: {waits})"
        self.report(literal, message, fix=fix, model=match)
        return unsafe

    def _rewrite(self, call: ApiCall, endpoint: str, blocked: set[cst.SimpleString]) -> None:
        literals, _ = self.model.model_literals(call)
        # A GLM id sent to OpenAI or Azure fails as surely as an OpenAI id sent to Z.AI: the id
        # moves only with a client glm-migrate moves too.
        stays = next((why for client in call.clients if (why := repoint_blocker(self.model, client))), None)
        argument = self.model.model_argument(call)
        tests = self._tests(argument, call.scope) if argument is not None and argument not in literals else []
        for literal in literals:
            old = string_value(literal)
            match = self.tables.match_on(endpoint, old) if old is not None else None
            if match is None or not match.glm or literal in self._seen or literal in blocked:
                continue
            new = match.glm
            self._seen.add(literal)
            self.claim(literal)
            name = self.model.assigned_names.get(literal)
            tokenizer = literal in self.model.tokenizer_literals or (
                name is not None and name in self.model.tokenizer_names
            )
            message = f"Model id `{old}`{match.label} on {_endpoint_label(endpoint)}"
            if old is not None and self.tables.folded(old) in self.tables.targets_file.models:
                message += f", a GLM generation older than the target {self.target_name}"
            if tokenizer:
                holder = f"`{name}`" if name else "it"
                message += f"; {holder} also feeds `encoding_for_model`, which does not know `{new}`"
            if stays is not None:
                message += f": replace it with `{new}` when its client moves to Z.AI ({stays})"
                self.report(literal, message, model=match)
                continue
            twin = twin_in_list(self.model, self.tables, literal, endpoint, new)
            if twin is not None:
                # `for model in ["gpt-4o", "gpt-4o-mini"]`: a comparison across models would run
                # one model twice, and results kept by model name would collide
                message += f", listed with `{twin}`, which becomes `{new}` too: choose the GLM models to list by hand"
                self.report(literal, message, model=match)
                continue
            line = self._batch_ids.get(literal)
            if line is not None:
                # the same id goes to OpenAI's batch in a request line's body: rewritten, the batch
                # would fail there, and the batch does not move with this call's client
                message += (
                    f", also the model of the Batch API request line `{short_code(line)}`, sent with OpenAI's "
                    f"batch: give `{new}` by hand to the calls that move, and keep an OpenAI id in the line while "
                    "the batch stays with OpenAI"
                )
                self.report(literal, message, model=match)
                continue
            if literal in self._kept:
                other = self._kept[literal].node
                message += f", also sent by `{short_code(other)}`, whose client stays where it is: give the calls that move `{new}` by hand"
                self.report(literal, message, model=match)
                continue
            if tests and literal is not argument and old is not None:
                checks = tests_shown([test.code for test in tests])
                message += f", also tested by {checks}: replace it with `{new}` and update the test"
                self.report(literal, message, model=match)
                report_model_tests(self, self._tested, tests, old, new)
                continue
            if (
                endpoint == "chat"
                and new not in self.tables.vision_models
                and sends_images(self.model, call.kwarg("messages"), call.node, call.scope)
            ):
                # GLM's chat models read text only; its vision model takes images (no tools)
                vision = self.tables.target.vision
                message += f": the request may send images (the module writes image parts), which `{new}` does not read; use `{vision}` (it takes no tools)"
                self.report(literal, message, model=match)
                continue
            variable = self._variable_defaulting_to(literal)
            if variable is not None and "DEPLOYMENT" in variable.upper():
                # `os.environ.get("AZURE_OPENAI_DEPLOYMENT", "gpt-4o")`: where it is set, it names an
                # Azure deployment, which Z.AI does not serve whatever the default says
                message += (
                    f", the default of `{variable}`, which names an Azure deployment where it is set: read the "
                    f"GLM model (`{new}`) from another variable"
                )
                self.report(literal, message, model=match)
                continue
            if variable is not None:
                message += f"; `{variable}`, where it is set, must name a GLM model too"
            resized = None
            if endpoint == "embeddings":
                dimensions = call.kwarg("dimensions")
                embedding = old or ""
                resized = embedding_width_change(self.tables, embedding, new, dimensions.value if dimensions else None)
                if resized and embedding not in self._old_widths:
                    self._old_widths[embedding] = old_width_in_code(self.model, self.tables, embedding, new)
                sized = self._old_widths.get(embedding) if resized else None
                if sized is not None:
                    self.report(literal, f"{message}; {sized}: change both together", model=match)
                    continue
                message += f"; {resized}" if resized else ""
            if not tokenizer:
                message += _unsafe_reason(endpoint)
            self.report(
                literal,
                message,
                model=match,
                fix=Fix(
                    ((literal, partial(replace_string, value=new)),),
                    f"Replace with `{new}`",
                    # another image or speech model draws or hears differently: a person decides
                    applicability=Applicability.UNSAFE
                    if tokenizer or resized or endpoint not in ("chat", "embeddings")
                    else None,
                ),
            )

    def _variable_defaulting_to(self, literal: cst.SimpleString) -> str | None:
        """The environment variable whose default `literal` is (`os.getenv("MODEL", "gpt-4o")`), or
        the setting (`cfg.MODEL` of `getattr(cfg, "MODEL", "gpt-4o")`, `config["model"]` of
        `config.get("model", "gpt-4o")`)."""
        arg = self.model.parents.get(literal)
        call = self.model.parents.get(arg) if type(arg) is cst.Arg else None
        if type(call) is not cst.Call or call.args[-1] is not arg:
            return None
        lookup = env_lookup(call)
        if lookup is not None:
            return lookup[0] if lookup[1] is literal else None
        setting = setting_lookup(call)
        if setting is None:
            return None
        holder, name, by_getattr, _ = setting
        return f"{short_code(holder)}.{name}" if by_getattr else f'{short_code(holder)}["{name}"]'

    def _tests(self, argument: cst.BaseExpression, where: Scope) -> list[ModelTest]:
        """Where the names that carry a call's model id are tested (`model_tests`)."""
        return model_tests(self.model, argument, where, self._tests_of)


#: Why an id of these endpoints moves only with --unsafe-fixes, as the finding says it.
_UNSAFE_REASONS = {
    "images": ": another model draws differently, so look at what it makes before keeping it",
    "audio_transcriptions": ": another model hears differently, so compare its transcripts before keeping it",
}


def _unsafe_reason(endpoint: str) -> str:
    """Why an image or transcription id moves only with --unsafe-fixes ("" for other endpoints)."""
    return _UNSAFE_REASONS.get(endpoint, "")


def _endpoint_label(endpoint: str) -> str:
    labels = {"chat": "chat completions", "images": "image generation", "audio_transcriptions": "transcriptions"}
    return labels.get(endpoint, endpoint)


def _with_model(node: cst.CSTNode, *, value: cst.SimpleString) -> cst.CSTNode:
    assert isinstance(node, cst.Call)
    return add_kwarg(node, "model", value)
