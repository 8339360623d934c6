from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, Valid
from glm_migrate.rules._helpers import code_of, replace_string
from glm_migrate.rules._responses import (
    Edit,
    Renames,
    ResponseReads,
    ResponseTracer,
    may_read_as_dict,
    membership_edit,
    read_edit,
    shown,
)
from glm_migrate.semantic import (
    LEGACY_SETTINGS,
    ApiCall,
    ModuleAttributeAssignment,
    Scope,
    env_lookup,
    find_kwarg,
    string_value,
)

#: openai<1 resource -> its openai>=1 path (sdk-surfaces.md 3.3)
V1_PATHS = {
    "ChatCompletion": "chat.completions",
    "Completion": "completions",
    "Embedding": "embeddings",
    "Image": "images",
    "Audio": "audio",
    "Moderation": "moderations",
    "FineTune": "fine_tunes",
    "File": "files",
    "Model": "models",
}
#: openai<1 method -> its openai>=1 method path, where it changed
V1_METHODS = {
    "Image.create": "generate",
    "Image.create_edit": "edit",
    "Audio.transcribe": "transcriptions.create",
    "Audio.translate": "translations.create",
}
#: positional parameters of openai<1 methods that took some (`Audio.transcribe(model, file)`)
POSITIONAL = {"transcribe": ("model", "file"), "translate": ("model", "file")}
#: the arguments each openai>=1 method requires (a call without them raises TypeError)
REQUIRED = {
    "chat.completions.create": ("model", "messages"),
    "embeddings.create": ("model", "input"),
    "images.generate": ("prompt",),
    "audio.transcriptions.create": ("model", "file"),
}
#: openai<1 per-call keywords -> their openai>=1 names
RENAMED_KEYWORDS = {"engine": "model", "request_timeout": "timeout"}
#: per-call connection options a v1 call does not take (0.28's `timeout` was a server wait)
CONNECTION_KEYWORDS = frozenset(
    {"api_key", "api_base", "api_type", "api_version", "organization", "deployment_id", "headers", "timeout"}
)
#: text-completion arguments chat completions have no counterpart for
COMPLETION_ONLY = frozenset({"suffix", "echo", "logprobs", "best_of"})
#: SDK call wrappers whose results are raw HTTP responses, not response objects
RAW_RESPONSE = frozenset({"with_raw_response", "with_streaming_response"})


def _v1_arguments(call: cst.Call, positional: tuple[str, ...]) -> list[cst.Arg]:
    """The arguments as openai>=1 keywords: `engine=` renamed `model=`, positional ones named."""
    args = []
    for index, arg in enumerate(call.args):
        if arg.keyword is None:
            arg = arg.with_changes(
                keyword=cst.Name(positional[index]),
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
                ),
            )
        elif arg.keyword.value in RENAMED_KEYWORDS:
            arg = arg.with_changes(keyword=cst.Name(RENAMED_KEYWORDS[arg.keyword.value]))
        args.append(arg)
    return args


def _to_v1(func: cst.BaseExpression, positional: tuple[str, ...], call: cst.Call) -> cst.Call:
    return call.with_changes(func=func, args=_v1_arguments(call, positional))


def _to_chat(func: cst.BaseExpression, call: cst.Call) -> cst.Call:
    """`Completion.create(prompt=p, ...)` -> `chat.completions.create(messages=[user p], ...)`."""
    args = []
    for arg in _v1_arguments(call, ()):
        if arg.keyword is not None and arg.keyword.value == "prompt":
            message = cst.parse_expression(f'[{{"role": "user", "content": {code_of(arg.value)}}}]')
            arg = arg.with_changes(keyword=cst.Name("messages"), value=message)
        args.append(arg)
    return call.with_changes(func=func, args=args)


class LegacyOpenAIApi(Rule):
    """
    ## What it does
    Reports calls of the openai<1.0 module API (`openai.ChatCompletion.create`,
    `openai.Embedding.create`, `openai.Image.create`, `acreate`, ...), its module settings
    (`openai.api_base`, `openai.api_type`, `openai.api_version`) and dict-style reads of
    responses (`response["choices"][0]["message"]["content"]`, `delta.get("content", "")`), and
    converts them to openai>=1: the call on the v1 module client and attribute reads.

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
    module client needs), unsafe. Dict reads of an openai>=1 response are safe to convert.
    """

    CODE = "GLM303"
    NAME = "legacy-openai-api"
    SUMMARY = "openai<1.0 module API call, setting or dict-style response read"

    VALID = (
        Valid('import openai\nopenai.chat.completions.create(model="glm-4.6", messages=[])'),
        Valid("from myapp import ChatCompletion\nChatCompletion.create(model='gpt-4')"),
        Valid('import requests\nr = requests.post(url).json()\nprint(r["choices"][0]["message"]["content"])'),
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
        Invalid(
            'from openai import OpenAI\nr = OpenAI().embeddings.create(model="m", input="x")\nv = r["data"][0]["embedding"]',
            expected='from openai import OpenAI\nr = OpenAI().embeddings.create(model="m", input="x")\nv = r.data[0].embedding',
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

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        if assignment.attribute not in LEGACY_SETTINGS:
            return
        hint = "pass `base_url=` to the client" if assignment.attribute == "api_base" else "drop it"
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
        self.report(assignment.assign, message, fix=fix)

    def on_api_call(self, call: ApiCall) -> None:
        """openai>=1 responses read as dicts (code half converted, or written from old examples)."""
        func = call.node.func
        if call.endpoint is None or self.model.sdk_of(call) not in ("openai", "azure"):
            return  # only the endpoints whose responses glm-migrate knows the shape of
        if not (isinstance(func, cst.Attribute) and func.attr.value == call.path[-1]):
            return  # `complete = client.chat.completions.create` may stand for another library's function too
        if not self._dict_style or RAW_RESPONSE & set(_attributes(func)):
            return
        # a client glm-migrate could not trace may be another library's object with the same methods
        applicability = Applicability.UNSAFE if call.inferred else Applicability.SAFE
        reads = self._tracer.reads(call.node, call.scope)
        for read in reads.stale:
            if read.node not in self._dict_reads_reported:
                self._dict_reads_reported.add(read.node)
                fix = Fix((read_edit(read),), "Read the attributes", applicability=applicability)
                message = f"`{read.describe()}` reads an openai>=1 response as a dict: responses are objects"
                self.report(read.node, message, fix=fix)
        for test in reads.membership_tests:
            if test not in self._dict_reads_reported:
                self._dict_reads_reported.add(test)
                fix = Fix((membership_edit(test),), "Test the attribute for None", applicability=applicability)
                message = f"`{shown(test, call.node)}` tests an openai>=1 response object like a dict"
                self.report(test, message, fix=fix)

    @functools.cached_property
    def _dict_reads_reported(self) -> set[cst.CSTNode]:
        return set()

    @functools.cached_property
    def _dict_style(self) -> bool:
        return may_read_as_dict(self.model.source)

    def on_module_end(self) -> None:
        # a call reached through two bindings of `openai` (`import openai` and `import openai.error`)
        # is listed once per binding
        calls = {call: (path, scope) for call, path, scope in self.model.legacy_calls}
        plans = [self._plan(call, path, scope) for call, (path, scope) in calls.items()]
        for group in _groups([p for p in plans if p.reads is not None]):
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

    def _plan(self, call: cst.Call, path: tuple[str, ...], scope: Scope) -> _Plan:
        dotted = f"openai.{'.'.join(path)}"
        resource, method = (*path, "")[:2]
        if resource not in V1_PATHS or not method:
            return _Plan(call, f"`{dotted}` is openai<1.0 API with no openai>=1 counterpart")
        asynchronous = method.startswith("a") and method[1:] in ("create", "transcribe", "translate")
        sync_method = method[1:] if asynchronous else method
        v1 = f"{V1_PATHS[resource]}.{V1_METHODS.get(f'{resource}.{sync_method}', sync_method)}"
        self._claim_model(call, scope)
        if resource == "Completion" and sync_method == "create":
            return self._completion(call, dotted, scope, asynchronous)
        unavailable = self.tables.unavailable_advice(tuple(v1.split(".")))
        if unavailable is not None:
            advice = unavailable[1]
            return _Plan(call, f"`{dotted}` is openai<1.0 API; openai>=1's `{v1}` has no GLM-4.6 equivalent: {advice}")
        if asynchronous:
            use = f"use `{v1}` on an `AsyncOpenAI` client (responses become objects)"
            return _Plan(call, f"`{dotted}` is openai<1.0 API: {use}")
        message = f"`{dotted}` is openai<1.0 API: use `openai.{v1}`, whose response is an object"
        positional = POSITIONAL.get(sync_method, ())
        blocker = _blocker(call, positional) or _missing(call, positional, REQUIRED.get(v1, ()))
        if blocker is not None:
            return _Plan(call, f"{message}; {blocker}")
        reads = self._tracer.reads(call, scope)
        if not reads.complete:
            return _Plan(call, f"{message}; {_escape_note(reads)}", reads=reads)
        new_func = cst.parse_expression(f"{_module_name(call)}.{v1}")
        title = f"Use `openai.{v1}`" + (" and read the response's attributes" if reads.stale else "")
        applicability = Applicability.SAFE if self._v1_pinned else Applicability.UNSAFE
        conversion: list[Edit] = [(call, partial(_to_v1, new_func, positional))]
        return _Plan(call, message, conversion, reads, title=title, applicability=applicability)

    def _completion(self, call: cst.Call, dotted: str, scope: Scope, asynchronous: bool) -> _Plan:
        """Text completions, which GLM-4.6 lacks: a chat call with the prompt as a user message."""
        stream = find_kwarg(call, "stream")
        renames: Renames = {"text": ("delta" if stream is not None else "message", "content")}
        message = (
            f"`{dotted}` is openai<1.0 API for text completions, which GLM-4.6 lacks: use "
            '`openai.chat.completions.create` with `messages=[{"role": "user", "content": prompt}]` '
            "and read `choices[0].message.content`"
        )
        prompt = find_kwarg(call, "prompt")
        blocker = "it is async" if asynchronous else _blocker(call, ())
        blocker = blocker or _missing(call, (), ("model",))
        if blocker is None and (prompt is None or isinstance(prompt.value, cst.List | cst.Tuple)):
            blocker = "its prompt is not one text"
        if blocker is None and any(find_kwarg(call, name) for name in COMPLETION_ONLY):
            blocker = f"chat has no {', '.join(f'`{n}=`' for n in sorted(COMPLETION_ONLY) if find_kwarg(call, n))}"
        if blocker is None and stream is not None and not isinstance(stream.value, cst.Name):
            blocker = "`stream=` is not a literal"
        if blocker is not None:
            return _Plan(call, f"{message}; {blocker}")
        reads = self._tracer.reads(call, scope, renames)
        if not reads.complete:
            return _Plan(call, f"{message}; {_escape_note(reads)}", reads=reads, renames=renames)
        new_func = cst.parse_expression(f"{_module_name(call)}.chat.completions.create")
        title = "Send the prompt to chat completions as a user message"
        return _Plan(call, message, [(call, partial(_to_chat, new_func))], reads, renames, title)

    def _claim_model(self, call: cst.Call, scope: Scope) -> None:
        # Its model is a model, not data: GLM103 (which runs later) should not report it.
        for name in ("model", "engine", "deployment_id"):
            arg = find_kwarg(call, name)
            if arg is not None:
                self.model.claimed_literals.update(self.model.resolve_strings(arg.value, scope)[0])


@dataclass
class _Plan:
    """What to do about one legacy call: report it, and convert it with `conversion` if set."""

    call: cst.Call
    message: str
    #: the call's own edits (the reads' are added when the plans are grouped); None: report only
    conversion: list[Edit] | None = None
    reads: ResponseReads | None = None
    renames: Renames = field(default_factory=dict)
    title: str = ""
    applicability: Applicability = Applicability.UNSAFE


def _groups(plans: list[_Plan]) -> list[list[_Plan]]:
    """Plans whose calls' responses are read by the same code (a name bound to either), joined."""
    groups: list[tuple[set[cst.CSTNode], list[_Plan]]] = []
    for plan in plans:
        assert plan.reads is not None
        nodes: set[cst.CSTNode] = {read.node for read in plan.reads.reads} | set(plan.reads.membership_tests)
        joined = [g for g in groups if g[0] & nodes]
        for group in joined:
            groups.remove(group)
            nodes |= group[0]
        groups.append((nodes, [p for g in joined for p in g[1]] + [plan]))
    return [members for _, members in groups]


def _attributes(func: cst.BaseExpression) -> list[str]:
    names = []
    while isinstance(func, cst.Attribute):
        names.append(func.attr.value)
        func = func.value
    return names


def _module_name(call: cst.Call) -> str:
    """The name the call reaches the `openai` module by (`openai`, or its alias)."""
    func = call.func
    assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)
    return code_of(func.value.value)


def _blocker(call: cst.Call, positional: tuple[str, ...]) -> str | None:
    """Why the call cannot become a v1 call by renaming alone, or None."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)):
        return "it is reached through another name"
    for index, arg in enumerate(call.args):
        if arg.star:
            return f"`{arg.star}{code_of(arg.value)}` may hold options openai>=1 takes elsewhere"
        if arg.keyword is None and index >= len(positional):
            return "it has positional arguments"
        if arg.keyword is not None and arg.keyword.value in CONNECTION_KEYWORDS:
            return f"`{arg.keyword.value}=` is a client option in openai>=1 (`client.with_options(...)`)"
    return None


def _missing(call: cst.Call, positional: tuple[str, ...], required: tuple[str, ...]) -> str | None:
    """Why the v1 call would raise TypeError for want of a required argument, or None."""
    given = {a.keyword.value for a in call.args if a.keyword is not None} | set(positional[: len(call.args)])
    given |= {RENAMED_KEYWORDS[name] for name in given if name in RENAMED_KEYWORDS}
    missing = [name for name in required if name not in given]
    return f"openai>=1 requires {', '.join(f'`{n}=`' for n in missing)}" if missing else None


def _escape_note(reads: ResponseReads) -> str:
    _, why = reads.escapes[0]
    return f"convert it and the reads of its response by hand: {why}"
