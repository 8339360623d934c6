from __future__ import annotations

import functools
import re
from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import sets_nothing, short_code
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, Valid
from glm_migrate.rules._clients import module_program_key
from glm_migrate.rules._helpers import code_of, replace_string
from glm_migrate.rules._legacy_calls import (
    COMPLETION_ONLY,
    POSITIONAL,
    REQUIRED,
    V1_METHODS,
    V1_PATHS,
    Plan,
    conversion_blocker,
    escape_note,
    groups,
    missing_arguments,
    module_name,
    to_chat,
    to_v1,
)
from glm_migrate.rules._responses import Edit, Renames, ResponseTracer
from glm_migrate.semantic import ModuleAttributeAssignment, Scope, Target, env_lookup, find_kwarg, string_value

#: openai<1 resources whose model the converted call sends to these endpoints
LEGACY_ENDPOINTS = {
    "ChatCompletion": "chat",
    "Completion": "chat",
    "Embedding": "embeddings",
    "embeddings_utils": "embeddings",
}
#: openai<1 settings that choose the server
_SERVER_SETTINGS = frozenset({"api_base", "api_type", "api_version"})
#: what openai>=1 takes instead of an openai<1 module setting
_SETTING_HINTS = {
    "api_base": "pass `base_url=` to the client",
    "api_key_path": "read the key from the file yourself (`openai.api_key = Path(...).read_text().strip()`)",
    "proxy": "give the client `http_client=httpx.Client(proxy=...)`, or set `HTTPS_PROXY`",
    "requestssession": "give the client `http_client=` (an `httpx.Client`)",
    "aiosession": "give the async client `http_client=` (an `httpx.AsyncClient`)",
    "verify_ssl_certs": "give the client `http_client=httpx.Client(verify=...)`",
    "ca_bundle_path": "give the client `http_client=httpx.Client(verify=path)`",
}
#: a declared type that holds several prompts
_SEQUENCE_TYPES = re.compile(r"\b(List|list|Sequence|Iterable|Tuple|tuple)\b")
#: what replaces a module only openai<1 has
LEGACY_MODULE_ADVICE = {
    "openai.embeddings_utils": (
        "embed with `openai.embeddings.create(model=..., input=[text]).data[0].embedding` and compare "
        "vectors with numpy (`np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))`)"
    ),
    "openai.openai_object": "responses are typed objects in openai>=1 (`openai.types.chat.ChatCompletion`, ...)",
}


class LegacyOpenAIApi(Rule):
    """
    ## What it does
    Reports calls of the openai<1.0 module API (`openai.ChatCompletion.create`,
    `openai.Embedding.create`, `openai.Image.create`, `acreate`, ...) and its module settings
    (`openai.api_base`, `openai.api_type`, `openai.api_version`), the modules only it has
    (`openai.embeddings_utils` and the requests its `get_embedding` sends, `openai.openai_object`;
    `[legacy] modules` in `rules/sdk.toml`), and converts a call to
    openai>=1 together with the dict-style reads of its response
    (`response["choices"][0]["message"]["content"]`, `delta.get("content", "")`).

    ## Why is this bad?
    Z.AI is reached through openai>=1 (`base_url=`), where these names raise `APIRemovedInV1`,
    and responses are objects: `response["choices"]` raises `TypeError`. Until the calls are
    converted, glm-migrate leaves the module's client settings alone, because `openai.api_base`
    means nothing to openai>=1.

    ## Example
    ```python
    response = openai.ChatCompletion.create(engine="gpt-4", messages=messages)
    text = response["choices"][0]["message"]["content"]
    ```
    Use instead:
    ```python
    response = openai.chat.completions.create(model="glm-4.6", messages=messages)
    text = response.choices[0].message.content
    ```

    ## Fix safety
    A sync call becomes the same call on the v1 module client (`openai.chat.completions.create`,
    `openai.images.generate`, ...), with `engine=` renamed `model=`, `request_timeout=` renamed
    `timeout=`, and every read of its response converted in the same fix: reads chained on the
    call, on a local name it is assigned to, in `for` loops over it (stream chunks) and in callers
    of a private function returning it. `"content" in delta` becomes `delta.content is not None`,
    `d.get("k", "")` becomes `(d.k or "")`. The fix is safe when the project pins openai>=1
    (`openai-major = 1`, or detected), where the old call could only raise; otherwise it is part of
    the openai<1 -> openai>=1 change set and unsafe. A response that goes where glm-migrate cannot
    follow (passed to a function, stored on an object, returned by a public function) leaves the
    call to a person. `Completion.create(prompt=...)` becomes a chat call with the prompt as a user
    message and `choices[0].text` reads as `choices[0].message.content` (unsafe: GLM-4.6 has no
    text completions, and a chat model answers differently). Calls with per-call connection
    options (`api_key=`, `api_base=`, `deployment_id=`, `headers=`, the old `timeout=`), `**`
    arguments, `acreate` (which needs an `AsyncOpenAI` client), APIs GLM lacks (moderations,
    fine-tunes, files, models, image edits) and `api_type`/`api_version` (Azure) are reported
    only. `openai.api_base = "..."` becomes `openai.base_url` (with the trailing slash the v1
    module client needs), unsafe. Dict reads of openai>=1 responses are GLM304's. A setting no
    fix moves (`openai.api_base = cfg.get(...)`, `openai.api_type = "azure"`) leaves every call to
    a person: openai>=1 ignores it, so a converted call would go to OpenAI instead of that server;
    with a fix, the conversions become unsafe and go with it. While a call, setting or module is left,
    the module client stays where it is (GLM001/GLM002 set its key and URL only once none is),
    so the calls converted meanwhile keep their OpenAI model ids, reported for a person.
    """

    CODE = "GLM303"
    NAME = "legacy-openai-api"
    SUMMARY = "openai<1.0 module API call or setting"

    VALID = (
        Valid('import openai\nopenai.chat.completions.create(model="glm-4.6", messages=[])'),
        Valid("from myapp import ChatCompletion\nChatCompletion.create(model='gpt-4')"),
    )
    INVALID = (
        Invalid(
            'import openai\nr = openai.ChatCompletion.create(engine="gpt-4", messages=[], request_timeout=9)\nprint(r["choices"][0]["message"]["content"])',
            expected='import openai\nr = openai.chat.completions.create(model="gpt-4", messages=[], timeout=9)\nprint(r.choices[0].message.content)',
            unsafe=True,
        ),
        Invalid(
            'import openai\nr = openai.ChatCompletion.create(model="gpt-4", messages=[])\nprint(r["choices"][0]["message"]["content"])',
            expected='import openai\nr = openai.chat.completions.create(model="gpt-4", messages=[])\nprint(r.choices[0].message.content)',
            settings={"openai_major": 1},
        ),
        Invalid(
            'import openai\nopenai.api_base = "https://api.openai.com/v1"',
            expected='import openai\nopenai.base_url = "https://api.openai.com/v1/"',
            unsafe=True,
        ),
        Invalid(
            'import openai\nr = openai.Completion.create(engine="davinci", prompt=p)\nprint(r.choices[0].text)',
            expected='import openai\nr = openai.chat.completions.create(model="davinci", messages=[{"role": "user", "content": p}])\nprint(r.choices[0].message.content)',
            unsafe=True,
        ),
        Invalid("import openai\nr = openai.ChatCompletion.create(model='gpt-4', messages=[])\nsave(r)"),  # escapes
        Invalid(
            'import openai\nasync def f():\n    await openai.Embedding.acreate(model="text-embedding-ada-002", input="x")'
        ),
        Invalid('import openai\nopenai.api_type = "azure"\nopenai.api_version = "2023-05-15"'),  # Azure's: by hand
        Invalid('import openai\nopenai.proxy = {"https": "http://127.0.0.1:7890"}'),  # ignored by openai>=1
        Invalid("import openai\nopenai.proxy = None"),  # sets nothing: a warning, the calls convert
        Invalid(  # GLM002 then points the lookup at Z.AI
            'import os\nimport openai\nopenai.api_base = os.getenv("OPENAI_API_BASE")',
            expected='import os\nimport openai\nopenai.base_url = os.getenv("OPENAI_API_BASE")',
            unsafe=True,
        ),
        Invalid("import openai\nfrom settings import API_BASE\nopenai.api_base = API_BASE"),
        # ... and the calls wait for it: converted, they would go to OpenAI, not that server
        Invalid(
            "import openai\nfrom settings import API_BASE\nopenai.api_base = API_BASE\n"
            'r = openai.ChatCompletion.create(model="gpt-4", messages=[])\nprint(r.choices[0].message.content)'
        ),
        Invalid(
            'import openai\nopenai.Edit.create(model="text-davinci-edit-001", input=text, instruction="Fix the spelling")'
        ),
        Invalid('import openai\nflagged = openai.Moderation.create(input=text)["results"][0]["flagged"]'),
        Invalid(  # per-call connection options: a client's in openai>=1
            'import openai\nMODEL = "gpt-4"\nsummary = openai.ChatCompletion.create(model=MODEL, messages=m, api_key=key)\n'
            "title = openai.ChatCompletion.create(model=MODEL, messages=t, api_key=key)"
        ),
        # text completions that chat cannot take as they are
        Invalid('import openai\nr = openai.Completion.create(model="text-davinci-003", prompt=["a", "b"])'),
        Invalid(
            "import openai\ndef batch(prompts: list[str]):\n"
            '    return openai.Completion.create(model="text-davinci-003", prompt=prompts).choices'
        ),
        Invalid('import openai\nr = openai.Completion.create(model="text-davinci-003", prompt=p, logprobs=5)'),
        Invalid('import openai\nr = openai.Completion.create(model="text-davinci-003", prompt=p, stream=opts.stream)'),
        Invalid('import openai\nr = openai.Completion.create(model="text-davinci-003", prompt=p)\nsave(r)'),
        # modules only openai<1 has, and the requests `embeddings_utils` sends (tatsu-lab/stanford_alpaca,
        # openai-cookbook's embedding examples)
        Invalid("from openai import openai_object\nStr = str | openai_object.OpenAIObject"),
        Invalid(
            "from openai.embeddings_utils import cosine_similarity, get_embedding\n"
            'v = get_embedding(text, engine="text-embedding-ada-002")\ns = cosine_similarity(v, w)'
        ),
    )

    FIX_TITLE = "Use the openai>=1 module client"
    APPLICABILITY = Applicability.UNSAFE

    @functools.cached_property
    def _tracer(self) -> ResponseTracer:
        return ResponseTracer(self.model)

    @property
    def _v1_pinned(self) -> bool:
        return self.settings.openai_major == 1

    def _may_be_azure(self, value: cst.BaseExpression) -> bool:
        """`openai.api_type` may be set to Azure: `"azure"` (`"azure_ad"`), also as the default of
        `os.getenv("OPENAI_API_TYPE", "azure")`, or read from the environment, where it picks Azure."""
        literals, _ = self.model.resolve_strings(value, self.model.module_scope)
        if any((string_value(literal) or "").lower().startswith("azure") for literal in literals):
            return True
        lookup = env_lookup(value)
        return lookup is not None and lookup[0] in self.tables.azure_config_envs

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        if assignment.attribute not in self.tables.sdk.legacy_settings:
            return
        hint = _SETTING_HINTS.get(assignment.attribute, "drop it")
        if assignment.attribute == "api_type" and self._may_be_azure(assignment.value):
            # openai<1's Azure mode: its deployment names and key go with it
            hint = (
                "it sends the module's calls to Azure; move them to Z.AI together (`openai.base_url`, a Z.AI "
                "key, GLM ids for the deployment names), by hand"
            )
        message = f"`openai.{assignment.attribute}` is an openai<1.0 setting, unused by openai>=1: {hint}"
        url = string_value(assignment.value)
        target = assignment.assign.targets[0].target
        fix = None
        if assignment.attribute == "api_base" and isinstance(target, cst.Attribute):
            rename: NodeEdit = lambda node: node.with_changes(attr=cst.Name("base_url"))  # noqa: E731
            if url is not None:
                slashed = url if url.endswith("/") else url + "/"
                edits = ((target, rename), (assignment.value, partial(replace_string, value=slashed)))
                fix = Fix(edits, "Set `openai.base_url` instead", reanalyse=True)
            elif env_lookup(assignment.value) is not None:
                # An OPENAI_API_BASE lookup: the next pass (GLM002) points it at Z.AI.
                fix = Fix(((target, rename),), "Set `openai.base_url` instead", reanalyse=True)
        if sets_nothing(assignment.value):
            # `openai.proxy = None`: nothing the calls would go without
            self._settings.append((assignment, True))
            self._setting_reports.append(
                (
                    assignment,
                    f"`openai.{assignment.attribute}` is an openai<1.0 setting set to nothing: drop it",
                    None,
                    Severity.WARNING,
                )
            )
            return
        self._settings.append((assignment, fix is not None))
        self._setting_reports.append((assignment, message, fix, None))

    @functools.cached_property
    def _settings(self) -> list[tuple[ModuleAttributeAssignment, bool]]:
        """The module's openai<1 settings, each with whether it has a fix."""
        return []

    @functools.cached_property
    def _setting_reports(self) -> list[tuple[ModuleAttributeAssignment, str, Fix | None, Severity | None]]:
        """Each setting's finding, reported at the module's end, once it is known whether a
        setting no fix moves holds the calls back."""
        return []

    @functools.cached_property
    def _models(self) -> list[tuple[cst.SimpleString, str, cst.Call]]:
        """The model ids of legacy calls: the literal, the start of its message, the call."""
        return []

    def on_module_end(self) -> None:
        # a call reached through two bindings of `openai` (`import openai` and `import openai.error`)
        # is listed once per binding
        calls = {call: (path, scope) for call, path, scope in self.model.legacy_calls}
        plans = [self._plan(call, path, scope) for call, (path, scope) in calls.items()]
        # `openai.api_base = cfg.get(...)`, `openai.api_type = "azure"`: openai>=1 ignores them, so a
        # converted call would go to OpenAI rather than where they send it; converted together
        # (unsafe) when the setting has a fix, by hand when it has none
        undecided = next((a for a, fixed in self._settings if not fixed), None)
        for assignment, message, fix, severity in self._setting_reports:
            if fix is not None and undecided is not None:
                # `openai.api_type = "azure"` stays: the calls stay openai<1, which reads
                # `openai.api_base`, not `openai.base_url`; renamed alone, they would lose their server
                message += f"; it changes with the calls, which wait for `{short_code(undecided.assign)}`"
                fix = None
            self.report(assignment.assign, message, fix=fix, severity=severity)
        for plan in plans:
            if plan.conversion is None:
                continue
            if undecided is not None and undecided.attribute not in _SERVER_SETTINGS:
                plan.conversion = None
                plan.message += (
                    f"; converted, it would go without `{short_code(undecided.assign)}` (openai>=1 ignores "
                    "that setting): replace it first"
                )
            elif undecided is not None:
                plan.conversion = None
                plan.message += (
                    f"; converted, it would go to OpenAI, not where `{short_code(undecided.assign)}` sends it "
                    "(openai>=1 ignores that setting): set `openai.base_url` first"
                )
            elif self._settings:
                plan.applicability = Applicability.UNSAFE
        for group in groups([p for p in plans if p.reads is not None]):
            # Calls whose responses share a name share their reads: converted together or not at all.
            blocked = next((p for p in group if p.conversion is None), None)
            unsafe = any(p.applicability is Applicability.UNSAFE for p in group)
            claimed: set[cst.CSTNode] = set()
            for plan in sorted(group, key=lambda p: not p.renames):  # a completion's renames win
                if blocked is not None and plan.conversion is not None:
                    plan.message += f"; it shares its response's reads with the call at `{code_of(blocked.call.func)}`"
                    plan.conversion = None
                if plan.conversion is not None and plan.reads is not None:
                    fresh = [(n, e) for n, e in plan.reads.edits(plan.renames) if n not in claimed]
                    claimed.update(node for node, _ in fresh)
                    plan.conversion += fresh
                    plan.applicability = Applicability.UNSAFE if unsafe else plan.applicability
        for plan in plans:
            fix = None
            if plan.conversion is not None:
                fix = Fix(tuple(plan.conversion), plan.title, applicability=plan.applicability, reanalyse=True)
            self.report(plan.call, plan.message, fix=fix)
        # A module only openai<1 has: the import fails with openai>=1 until a person replaces it
        for statement, module in self.model.legacy_imports:
            advice = LEGACY_MODULE_ADVICE.get(module, "it has no openai>=1 counterpart")
            self.report(statement, f"`{module}` exists only in openai<1.0 (importing it fails in openai>=1): {advice}")
        # The module client moves to Z.AI (GLM001/GLM002) only once no openai<1 call, setting or
        # module is left: until then a converted call keeps its OpenAI id, or it would send a GLM id there
        left = next((code_of(p.call.func) for p in plans if p.conversion is None), None)
        left = left or (short_code(undecided.assign) if undecided is not None else None)
        left = left or (f"import {self.model.legacy_imports[0][1]}" if self.model.legacy_imports else None)
        converted = {p.call for p in plans if p.conversion is not None}
        # nor while its key is the program's, an OpenAI key (samwit/langchain-tutorials' BabyAGI)
        variable = module_program_key(self.model)
        # `openai.api_base = "https://reseller.example/v1"`: the calls, converted or not, go to
        # that server, which takes its own ids: nothing of theirs becomes GLM's
        bases = [a.value for a in self.model.module_attributes if a.attribute == "api_base"]
        scope = self.model.module_scope
        if bases and all(
            self.model.classify_base_url(b, default=Target.OPENAI, scope=scope) is Target.OTHER for b in bases
        ):
            return
        for literal, message, call in self._models:
            if left is not None and call in converted:
                message += f"once its module client moves to Z.AI, which waits for `{left}` to be converted by hand"
                self.report(literal, message)
            elif self.model.assumed_sdk_uses and call in converted:
                # GLM012: nothing here binds `openai`, so nothing here points its module client at
                # Z.AI either, and no fix writes that above code the name may not exist for yet
                message += (
                    "once its module client moves to Z.AI, by hand: nothing in this module binds `openai` "
                    "(GLM012), so what configures it is elsewhere"
                )
                self.report(literal, message)
            elif variable is not None and call in converted:
                message += (
                    f"once its module client moves to Z.AI, by hand: its key is the one "
                    f"{self.model.key_setter(variable)} sets in `{variable}`"
                )
                self.report(literal, message)
            else:
                self.report(literal, message + "with the call", severity=Severity.WARNING)

    def _plan(self, call: cst.Call, path: tuple[str, ...], scope: Scope) -> Plan:
        dotted = f"openai.{'.'.join(path)}"
        resource, method = (*path, "")[:2]
        if resource == "embeddings_utils":
            # `get_embedding(text, engine="text-embedding-ada-002")`: a request through the module client
            self._claim_model(call, resource, scope, position=1)
            use = "`openai.embeddings.create(model=..., input=[text]).data[0].embedding`"
            return Plan(
                call, f"`{dotted}` is openai<1.0 API (`openai.embeddings_utils` is gone in openai>=1): use {use}"
            )
        if resource not in V1_PATHS or not method:
            return Plan(call, f"`{dotted}` is openai<1.0 API with no openai>=1 counterpart")
        asynchronous = method.startswith("a") and method[1:] in ("create", "transcribe", "translate")
        sync_method = method[1:] if asynchronous else method
        v1 = f"{V1_PATHS[resource]}.{V1_METHODS.get(f'{resource}.{sync_method}', sync_method)}"
        self._claim_model(call, resource, scope)
        if resource == "Completion" and sync_method == "create":
            return self._completion(call, dotted, scope, asynchronous)
        unavailable = self.tables.unavailable_advice(tuple(v1.split(".")))
        if unavailable is not None:
            advice = unavailable[1]
            message = f"`{dotted}` is openai<1.0 API; openai>=1's `{v1}` has no {self.target_name} equivalent: {advice}"
            return Plan(call, message)
        if asynchronous:
            use = f"use `{v1}` on an `AsyncOpenAI` client (responses become objects)"
            return Plan(call, f"`{dotted}` is openai<1.0 API: {use}")
        message = f"`{dotted}` is openai<1.0 API: use `openai.{v1}`, whose response is an object"
        positional = POSITIONAL.get(sync_method, ())
        blocker = conversion_blocker(call, positional) or missing_arguments(call, positional, REQUIRED.get(v1, ()))
        if blocker is not None:
            return Plan(call, f"{message}; {blocker}")
        patched = self._patched(resource)
        if patched is not None:
            return Plan(call, f"{message}; {patched}")
        reads = self._tracer.reads(call, scope)
        if not reads.complete:
            return Plan(call, f"{message}; {escape_note(reads)}", reads=reads)
        new_func = cst.parse_expression(f"{module_name(call)}.{v1}")
        title = f"Use `openai.{v1}`" + (" and read the response's attributes" if reads.stale else "")
        applicability = Applicability.SAFE if self._v1_pinned else Applicability.UNSAFE
        conversion: list[Edit] = [(call, partial(to_v1, new_func, positional))]
        return Plan(call, message, conversion, reads, title=title, applicability=applicability)

    def _completion(self, call: cst.Call, dotted: str, scope: Scope, asynchronous: bool) -> Plan:
        """Text completions, which GLM-4.6 lacks: a chat call with the prompt as a user message."""
        stream = find_kwarg(call, "stream")
        renames: Renames = {"text": ("delta" if stream is not None else "message", "content")}
        message = (
            f"`{dotted}` is openai<1.0 API for text completions, which {self.target_name} lacks: use "
            '`openai.chat.completions.create` with `messages=[{"role": "user", "content": prompt}]` '
            "and read `choices[0].message.content`"
        )
        prompt = find_kwarg(call, "prompt")
        blocker = "it is async" if asynchronous else conversion_blocker(call, ())
        blocker = blocker or missing_arguments(call, (), ("model",))
        if blocker is None and (
            prompt is None
            or isinstance(prompt.value, cst.List | cst.Tuple)
            or self._may_be_a_batch(prompt.value, scope)
        ):
            blocker = "its prompt is not one text"
        if blocker is None and any(find_kwarg(call, name) for name in COMPLETION_ONLY):
            blocker = f"chat has no {', '.join(f'`{n}=`' for n in sorted(COMPLETION_ONLY) if find_kwarg(call, n))}"
        if blocker is None and stream is not None and not isinstance(stream.value, cst.Name):
            blocker = "`stream=` is not a literal"
        blocker = blocker or self._patched("Completion")
        if blocker is not None:
            return Plan(call, f"{message}; {blocker}")
        reads = self._tracer.reads(call, scope, renames)
        if not reads.complete:
            return Plan(call, f"{message}; {escape_note(reads)}", reads=reads, renames=renames)
        new_func = cst.parse_expression(f"{module_name(call)}.chat.completions.create")
        title = "Send the prompt to chat completions as a user message"
        return Plan(call, message, [(call, partial(to_chat, new_func))], reads, renames, title)

    def _patched(self, resource: str) -> str | None:
        """Why a converted call would escape a test's stand-in: a module of the run patches
        `openai.<resource>` by name (`mock.patch("openai.ChatCompletion.create")`), which the
        openai>=1 call no longer goes through, and its fake returns dicts, not objects."""
        where = self.model.facts.legacy_patched.get(resource)
        if where is None:
            return None
        return (
            f"`{where}` patches `openai.{resource}` by name, which the new call would bypass (its stand-in "
            "returning dicts): convert the call and those patches together, by hand"
        )

    def _may_be_a_batch(self, prompt: cst.BaseExpression, scope: Scope) -> bool:
        """A name bound to a list of prompts, or declared as one (`prompt: Union[str, List[str]]`,
        a batch of completions in one request; reflexion's `get_completion(..., is_batched)`)."""
        if type(prompt) is not cst.Name:
            return False
        for binding in self.model.lookup(prompt.value, scope):
            if isinstance(binding.value, cst.List | cst.Tuple | cst.ListComp):
                return True
            declared = code_of(binding.annotation) if binding.annotation is not None else ""
            if _SEQUENCE_TYPES.search(declared):
                return True
        return False

    def _claim_model(self, call: cst.Call, resource: str, scope: Scope, position: int | None = None) -> None:
        """Its model is a model, not data (GLM103 runs later): reported where it is written, for
        the GLM id it takes once the call is converted (GLM101 moves it on the converted call).
        `position`: where the model id is passed without a keyword."""
        endpoint = LEGACY_ENDPOINTS.get(resource)
        positional = [a for a in call.args if a.keyword is None and not a.star]
        for name in ("model", "engine", "deployment_id"):
            arg = find_kwarg(call, name)
            if arg is None and name == "engine" and position is not None and len(positional) > position:
                arg = positional[position]
            if arg is None:
                continue
            for literal in self.model.resolve_strings(arg.value, scope)[0]:
                if self.claimed(literal):
                    continue
                self.claim(literal)
                old = string_value(literal)
                new = self.tables.lookup_model(endpoint, old) if endpoint and old else None
                if new:
                    message = f"Model id `{old}` goes to openai<1 `openai.{resource}`: it becomes `{new}` "
                    self._models.append((literal, message, call))
