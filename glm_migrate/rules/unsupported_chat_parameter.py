from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import short_code
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import (
    GlmOptions,
    code_of,
    left_out,
    literal_value,
    number_value,
    remove_kwargs,
    remove_unsupported,
)
from glm_migrate.rules._responses import Read, ResponseTracer
from glm_migrate.semantic import ApiCall, SemanticModel, string_value
from glm_migrate.tables import USER_ID_LENGTH, UnsupportedParam

_USER_ID_CHARACTERS = f"{USER_ID_LENGTH.start}-{USER_ID_LENGTH.stop - 1} characters"
ZHIPU_SDKS = frozenset({"zai", "zhipuai"})


class UnsupportedChatParameter(Rule):
    """
    ## What it does
    Finds OpenAI chat parameters GLM-4.6 does not take (`n`, `presence_penalty`,
    `frequency_penalty`, `logit_bias`, `logprobs`, `top_logprobs`, `seed`, `parallel_tool_calls`,
    `service_tier`, `store`, `metadata`, `modalities`, `audio`, `prediction`,
    `web_search_options`, `stream_options`, `user`, ...; the list is `[unsupported]` in
    `rules/parameters.toml`) and removes them. `user=` becomes GLM's `user_id` (in `extra_body`
    with the OpenAI SDK). GLM's own options passed as keywords to an SDK whose `create()` does not
    declare them (`thinking=`, `do_sample=` on the OpenAI SDK, left from code written for a Zhipu
    SDK) move into `extra_body` (safe: as keywords they raise TypeError). Keys of `extra_body`
    that ask another provider for an extension (Azure OpenAI's On Your Data, `data_sources`;
    `[extra_body_unsupported]` in `rules/parameters.toml`) are reported without a fix, and the
    client waits with the call: moved, its answers would no longer come from the index.

    ## Why is this bad?
    The zai and zhipuai SDKs raise `TypeError` on them. Through the OpenAI SDK they reach a server
    that does not document them: at best they are ignored, so code relying on them (several
    choices from `n`, `logprobs` in the answer) silently gets something else.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, presence_penalty=0.5, user="customer-42")
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, extra_body={"user_id": "customer-42"})
    ```

    ## Fix safety
    Removal is unsafe: the parameter meant something. It is safe when the value is OpenAI's own
    default (`n=1`, `presence_penalty=0`, `logprobs=False`, ...), and left to a person where the
    code reads a response field only the parameter fills (`choice.logprobs.content` after
    `logprobs=True`: None without it) or an item past the first of a list it fills
    (`response.choices[1]` after `n=2`: IndexError without it; a loop over the choices runs once).
    The SDK's `NOT_GIVEN` sends nothing and is not reported.
    Moving a literal `user` of 6 to 128 characters to `user_id` is safe; a computed one is unsafe
    (GLM rejects other lengths).
    `stream_options` was observed accepted through the OpenAI SDK, so there it is a warning;
    `seed` is accepted by the Zhipu SDKs' signatures and not reported with them. Keys inside a
    visible `**{...}` dict are reported for a person; a `**kwargs` whose dict cannot be seen, or
    may get keys it does not list (`dict(seed=1, **kwargs)`, `params.update(extra)`), gets a
    warning that the call could not be checked.
    """

    CODE = "GLM208"
    NAME = "unsupported-chat-parameter"
    SUMMARY = "OpenAI chat parameter GLM-4.6 does not take"
    FIX_TITLE = "Remove the parameter"
    APPLICABILITY = Applicability.UNSAFE
    REPORTS_REJECTED_ARGUMENT = True

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], extra_body={"user_id": "user-42"})'
        ),
        Valid('from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], seed=7)'),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="m", messages=[], n=3)'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], n=2, presence_penalty=0.5)',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])',
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], n=1, store=False)',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])',
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], user="customer-42")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], extra_body={"user_id": "customer-42"})',
        ),
        Invalid(
            'from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model="glm-4", messages=[], user=uid, logprobs=True)',
            expected='from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model="glm-4", messages=[], user_id=uid)',
            unsafe=True,
        ),
        Invalid('import openai\nopenai.chat.completions.create(model="glm-4.6", messages=[], **{"seed": 1})'),
        Invalid("import openai\ndef ask(**options):\n    openai.chat.completions.create(model='glm-4.6', **options)"),
        Invalid(
            "from openai import OpenAI\nc = OpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "c.chat.completions.create(model='glm-4.6', messages=[], do_sample=False)",
            expected="from openai import OpenAI\nc = OpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=k)\n"
            "c.chat.completions.create(model='glm-4.6', messages=[], extra_body={\"do_sample\": False})",
        ),
        Invalid('import openai\nopenai.chat.completions.create(**{"model": "glm-4.6", "messages": [], "seed": 1})'),
        # the keys written beside `**kwargs` are checked; what `kwargs` adds cannot be (a warning)
        Invalid(
            "import openai\ndef ask(**kwargs):\n    params = dict(model='glm-4.6', messages=[], seed=1, **kwargs)\n    openai.chat.completions.create(**params)"
        ),
        Invalid(
            "import openai\ndef ask(extra):\n    params = {'model': 'glm-4.6', 'messages': []}\n    params.update(extra)\n    openai.chat.completions.create(**params)"
        ),
        Invalid(  # accepted through the OpenAI SDK, so a warning; still not GLM's
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], stream=True, stream_options={"include_usage": True})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], stream=True)',
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], user="customer-42", extra_body={"user_id": "customer-42"})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], extra_body={"user_id": "customer-42"})',
            unsafe=True,
        ),
        Invalid(  # too short for GLM's `user_id`
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], user="u1")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])',
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], user="customer-42", extra_body=body)'
        ),
        Invalid(  # options kept on the instance (LiveCodeBench's runner): reported, never edited there
            "from openai import OpenAI\nclass Runner:\n    def __init__(self, n):\n"
            '        self.options = {"model": "gpt-4o", "n": n}\n'
            "    def run(self, m):\n        return OpenAI().chat.completions.create(messages=m, **self.options)"
        ),
        Invalid(  # the second choice read by index: IndexError once `n=` goes, for a person
            'from openai import OpenAI\nr = OpenAI().chat.completions.create(model="gpt-4o", messages=[], n=2)\nprint(r.choices[1].message.content)'
        ),
        Invalid(  # Azure's On Your Data: Z.AI searches no index for the answer
            "from openai import AzureOpenAI\nc = AzureOpenAI(api_version=v, azure_endpoint=e)\n"
            'c.chat.completions.create(model="gpt-4o", messages=[], extra_body={"data_sources": [source]})'
        ),
        Invalid(  # a keyword a wrapper's callers give it, forwarded through its `**kwargs`
            "from openai import OpenAI\ndef chat(m, **kwargs):\n"
            '    return OpenAI().chat.completions.create(model="gpt-4o", messages=m, **kwargs)\n'
            "chat([], logprobs=True)"
        ),
        Invalid(  # the code reads what only `logprobs=` fills: for a person
            'from openai import OpenAI\nr = OpenAI().chat.completions.create(model="gpt-4o", messages=[], logprobs=True)\nprint(r.choices[0].logprobs.content)'
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        options = GlmOptions(call, self.model)
        # a drop-in's tracer takes its own keywords off the request (`name=`, `metadata=` for Langfuse)
        own = self.tables.sdk.dropin_options if self.model.dropins else frozenset()
        for arg in call.node.args:
            if arg.keyword is not None and arg.keyword.value in own:
                continue
            if arg.keyword is not None and self._closed_to(arg.keyword.value, options):
                self._into_extra_body(call, arg, options)
                continue
            spec = self._spec(arg.keyword.value if arg.keyword else "", options)
            if spec is None or arg.keyword is None or left_out(self.model, self.tables, arg.value, call.scope):
                continue  # not one, or `n=NOT_GIVEN` (the SDK's stand-in for "not sent")
            if arg.keyword.value == "user":
                self._user(call, arg, options)
            else:
                self._remove(call, arg, spec, options)
        self._extra_body_extensions(call)
        # `**` mappings: each key where it is set (a dict literal, `dict(...)`, `d["key"] = ...`)
        entries = [
            (key, s.node)
            for mapping in options.splat_mappings
            for key, sources in mapping.keys.items()
            for s in sources
        ]
        seen = {node for _, node in entries}
        for literal in options.splat_dicts or ():
            for element in literal.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is not None and element not in seen:
                    entries.append((key, element))
        for key, node in entries:
            spec = self._spec(key, options) if key not in own else None
            if spec is not None:
                self.report(
                    node, f"`{key}` in a `**` mapping is not a {self.target_name} parameter: {spec.why}; remove it"
                )
        for arg, resolved in options.resolved_splats.items():
            if resolved is None and type(arg.value) is cst.Attribute:
                self._attribute_mapping(call, arg, options, seen)
            elif resolved is None and type(arg.value) is cst.Name:
                self._forwarded_keywords(call, arg, options)
            # `dict(top_p=p, **kwargs)`: the keys `kwargs` adds are not seen either
            unseen = resolved.open if resolved is not None else self.model.dict_literals(arg.value, call.scope) is None
            if unseen:
                self.report(
                    arg,
                    f"`**{short_code(arg.value)}` cannot be checked for parameters {self.target_name} does not take",
                    severity=Severity.WARNING,
                )

    def _extra_body_extensions(self, call: ApiCall) -> None:
        """`extra_body={"data_sources": [...]}`: another provider's extension of the request
        (Azure's On Your Data), which Z.AI does not perform; no fix, and the client waits."""
        unsupported = self.tables.extra_body_unsupported
        extra = next((a for a in call.node.args if a.keyword is not None and a.keyword.value == "extra_body"), None)
        if extra is None or not unsupported:
            return
        for literal in self.model.dict_literals(extra.value, call.scope) or ():
            for element in literal.elements:
                key = string_value(element.key) if type(element) is cst.DictElement else None
                if key is not None and key in unsupported:
                    self.report(element, f"`{key}` in `extra_body` asks for {unsupported[key]}")

    def _attribute_mapping(self, call: ApiCall, arg: cst.Arg, options: GlmOptions, seen: set[cst.CSTNode]) -> None:
        """`**self.kwargs` with `self.kwargs = {"n": args.n, ...}` set in the class: its listed keys
        are reported where they are written (LiveCodeBench's runner). Other code may change the
        attribute, so it stays "cannot be checked", and nothing is edited there."""
        assert isinstance(arg.value, cst.Attribute)
        for binding in self.model.bindings_of(arg.value, call.scope) or self.model.member_bindings(
            arg.value, call.scope
        ):
            if type(binding.value) is not cst.Dict:
                continue
            for element in binding.value.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                spec = self._spec(key or "", options)
                if spec is None or element in seen:
                    continue
                seen.add(element)
                where = f"`{key}` in `{short_code(arg.value)}`, a `**` mapping of a request,"
                self._report_unseen(element, element.value, where, spec)

    def _forwarded_keywords(self, call: ApiCall, arg: cst.Arg, options: GlmOptions) -> None:
        """`def cached(messages, model, **kwargs): client.chat.completions.create(..., **kwargs)`
        called with `logprobs=True`: the keywords this module's calls give the function, beyond
        its own parameters, reach the request; each is reported where it is written."""
        function = call.scope
        node = function.node
        if type(node) is not cst.FunctionDef or type(node.params.star_kwarg) is not cst.Param:
            return
        assert isinstance(arg.value, cst.Name)
        if node.params.star_kwarg.name.value != arg.value.value:
            return
        own = {p.name.value for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)}
        for site, _ in self.model.call_sites.get(function, []):
            for given in site.args:
                name = given.keyword.value if given.keyword is not None else ""
                spec = self._spec(name, options) if name and name not in own else None
                if spec is None:
                    continue
                where = f"`{name}=` reaches `{code_of(call.node.func)}` through `**{arg.value.value}` and"
                self._report_unseen(given, given.value, where, spec)

    def _report_unseen(self, node: cst.CSTNode, value: cst.BaseExpression, where: str, spec: UnsupportedParam) -> None:
        """Report an argument reaching a request through `**` (`where` it is written), which no fix
        edits: a warning where Z.AI tolerates it or it is OpenAI's default (`"presence_penalty": 0`
        changes nothing where it is left)."""
        harmless = spec.tolerated or (spec.default is not None and literal_value(value) == spec.default)
        self.report(
            node,
            f"{where} is not a {self.target_name} parameter: {spec.why}; remove it",
            severity=Severity.WARNING if harmless else None,
        )

    def _closed_to(self, name: str, options: GlmOptions) -> bool:
        """A GLM option (`thinking`, `do_sample`, ...) passed as a keyword to an SDK whose
        `create()` does not declare it (the OpenAI SDK; zhipuai for `tool_stream`): TypeError.
        `reasoning_effort` is GLM205's."""
        return (
            name in self.tables.glm_options
            and name != "reasoning_effort"
            and options.sdk is not None
            and not options.as_keyword(name)
        )

    def _into_extra_body(self, call: ApiCall, arg: cst.Arg, options: GlmOptions) -> None:
        """`thinking={...}` on the OpenAI SDK, written for a Zhipu SDK: the same option in
        `extra_body`, where the SDK sends it (safe: as a keyword the call raises TypeError)."""
        assert arg.keyword is not None
        name, value = arg.keyword.value, code_of(arg.value)
        message = f"`{name}=` is GLM's option, which this SDK takes only in `extra_body` (as a keyword: TypeError)"
        problem = options.blocker(name)
        if problem is not None:
            self.report(arg, f"{message}: move it there by hand ({problem})")
            return
        setter = options.setter(name, value)
        fix = Fix(
            ((call.node, lambda node: setter(remove_kwargs(node, {name}))),),
            f"Move to `{options.form(name, value)}`",
            applicability=Applicability.SAFE,
        )
        self.report(arg, message, fix=fix)

    def _spec(self, name: str, options: GlmOptions) -> UnsupportedParam | None:
        spec = self.tables.unsupported_params.get(name)
        return None if spec is None or options.sdk in spec.sdks else spec

    def _remove(self, call: ApiCall, arg: cst.Arg, spec: UnsupportedParam, options: GlmOptions) -> None:
        assert arg.keyword is not None
        name = arg.keyword.value
        message = f"`{name}=` is not a {self.target_name} parameter: {spec.why}"
        severity = None
        if options.sdk in ZHIPU_SDKS:
            message += " (the SDK raises TypeError)"
        elif spec.tolerated:
            severity = Severity.WARNING
        fix: Fix | None = remove_unsupported(call.node, arg, spec)
        read = (
            self._answer_read(call, spec) if fix is not None and fix.applicability is not Applicability.SAFE else None
        )
        past = (
            self._item_read(call, spec)
            if read is None and fix is not None and fix.applicability is not Applicability.SAFE
            else None
        )
        if read is not None:
            # `choice.logprobs.content` after `logprobs=True`: None without it, so the read raises
            message += f"; the code reads `{read}`, which is None without it: remove both by hand"
            fix = None
        elif past is not None:
            # `response.choices[1]` after `n=2`: one choice without it, so the read raises IndexError
            message += f"; the code reads `{past}`, which does not exist without it: remove both by hand"
            fix = None
        self.report(arg, message, fix=fix, severity=severity)

    def _item_read(self, call: ApiCall, spec: UnsupportedParam) -> str | None:
        """A read of the call's response reaching an item past the first of a list only this
        parameter fills (`response.choices[1]` for `n=`) by a literal index, shown as code."""
        return item_read(self.model, call, spec.beyond_first)

    def _answer_read(self, call: ApiCall, spec: UnsupportedParam) -> str | None:
        """A read of the call's response reaching a field only this parameter fills
        (`choice.logprobs.content` for `logprobs=`), shown as code."""
        if not spec.answers:
            return None
        for read in ResponseTracer(self.model).reads(call.node, call.scope).reads:
            for node in _steps(read):
                field: str | None
                if type(node) is cst.Attribute:
                    field = node.attr.value
                elif type(node) is cst.Subscript:
                    element = node.slice[0].slice if len(node.slice) == 1 else None
                    field = string_value(element.value) if type(element) is cst.Index else None
                else:
                    continue
                if field in spec.answers:
                    return read.describe()
        return None

    def _user(self, call: ApiCall, arg: cst.Arg, options: GlmOptions) -> None:
        value = string_value(arg.value)
        message = f"`user=` is called `user_id` on {self.target_name}"
        remove = Fix(((call.node, partial(remove_kwargs, names={"user"})),), "Remove `user=`")
        if options.get("user_id")[0] is not None:
            self.report(arg, message + ", which the call already sets", fix=remove)
            return
        if value is not None and len(value) not in USER_ID_LENGTH:
            self.report(arg, f"{message}, which takes {_USER_ID_CHARACTERS}, not {len(value)}", fix=remove)
            return
        problem = options.blocker("user_id")
        if problem:
            self.report(arg, f"{message}: move it by hand ({problem})")
            return
        setter = options.setter("user_id", code_of(arg.value))
        fix = Fix(
            ((call.node, lambda node: setter(remove_kwargs(node, {"user"}))),),
            f"Move to `{options.form('user_id', code_of(arg.value))}`",
            applicability=Applicability.SAFE if value is not None else None,
        )
        self.report(arg, message + ("" if value is not None else f" and takes {_USER_ID_CHARACTERS}"), fix=fix)


def item_read(model: SemanticModel, call: ApiCall, lists: frozenset[str]) -> str | None:
    """A read of `call`'s response reaching an item past the first of one of `lists`, which an
    argument GLM does not take fills (`response.choices[1]` after `n=2` on chat completions,
    `result.data[1]` on image generation), by a literal index, shown as code."""
    if not lists:
        return None
    for read in ResponseTracer(model).reads(call.node, call.scope).reads:
        for node in _steps(read):
            if type(node) is cst.Subscript:
                element = node.slice[0].slice if len(node.slice) == 1 else None
                index = number_value(element.value) if type(element) is cst.Index else None
                listed = node.value
                name = (
                    listed.attr.value
                    if type(listed) is cst.Attribute
                    else _subscript_key(listed)
                    if type(listed) is cst.Subscript
                    else None
                )
                if index is not None and name in lists and (index >= 1 or index <= -2):
                    return read.describe()
    return None


def _subscript_key(node: cst.Subscript) -> str | None:
    """The string key of `x["key"]`, else None."""
    element = node.slice[0].slice if len(node.slice) == 1 else None
    return string_value(element.value) if type(element) is cst.Index else None


def _steps(read: Read) -> Iterator[cst.CSTNode]:
    """The attribute reads, subscripts and calls from a read of a response down to the response
    itself (`response.choices[1].message`: the attribute, the subscript, `response.choices`)."""
    node: cst.CSTNode = read.node
    while node is not read.base:
        yield node
        if type(node) in (cst.Attribute, cst.Subscript):
            node = node.value  # type: ignore[attr-defined]
        elif type(node) is cst.Call:
            node = node.func
        else:
            return
