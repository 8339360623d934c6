from __future__ import annotations

import re
from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, Valid
from glm_migrate.rules._helpers import code_of, replace_string
from glm_migrate.semantic import LEGACY_SETTINGS, ModuleAttributeAssignment, env_lookup, find_kwarg, string_value

#: openai<1 resource -> its openai>=1 path (sdk-surfaces.md 3.3)
V1_PATHS = {
    "ChatCompletion": "chat.completions",
    "Completion": "completions",
    "Embedding": "embeddings",
    "Image": "images",
    "Audio": "audio.transcriptions",
    "Moderation": "moderations",
    "Edit": "chat.completions",
}
#: openai<1 method -> its openai>=1 name, where it changed
V1_METHODS = {"Image.create": "generate", "Audio.transcribe": "create", "Audio.translate": "create"}


#: openai<1 per-call keywords -> their openai>=1 names
RENAMED_KEYWORDS = {"engine": "model", "request_timeout": "timeout"}
#: per-call connection options a v1 call does not take (0.28's `timeout` was a server wait)
CONNECTION_KEYWORDS = frozenset(
    {"api_key", "api_base", "api_type", "api_version", "organization", "deployment_id", "headers", "timeout"}
)
_DICT_READS = re.compile(r"""\[\s*["'](?:choices|data|message|content|usage)["']\s*\]|\.get\(\s*["'](?:choices|data)""")


def _to_v1(func: cst.BaseExpression, call: cst.Call) -> cst.Call:
    args = [
        arg.with_changes(keyword=cst.Name(RENAMED_KEYWORDS[arg.keyword.value]))
        if arg.keyword is not None and arg.keyword.value in RENAMED_KEYWORDS
        else arg
        for arg in call.args
    ]
    return call.with_changes(func=func, args=args)


class LegacyOpenAIApi(Rule):
    """
    ## What it does
    Reports calls of the openai<1.0 module API (`openai.ChatCompletion.create`,
    `openai.Embedding.create`, `openai.Image.create`, `acreate`, ...) and its module settings
    (`openai.api_base`, `openai.api_type`, `openai.api_version`), with the openai>=1 call to use.

    ## Why is this bad?
    Z.AI is reached through openai>=1 (`base_url=`), where these names raise `APIRemovedInV1`.
    Until the calls are converted, glm-migrate leaves the module's client settings alone, because
    `openai.api_base` means nothing to openai>=1.

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
    Unsafe, with `--unsafe-fixes`: sync `create` calls of the module API become the same call on
    the v1 module client (`openai.chat.completions.create`, `openai.images.generate`, ...), with
    `engine=` renamed `model=` and `request_timeout=` renamed `timeout=`; `openai.api_base = "..."`
    becomes `openai.base_url` (with the trailing slash the v1 module client needs). The other rules
    then run again over the converted code (models, key, Z.AI's URL). Unsafe because responses
    turn from dicts into objects: `response["choices"]` and `.get(...)` reads break, and the
    finding says so when the module has them. Calls with per-call connection options
    (`api_key=`, `api_base=`, `deployment_id=`, `headers=`, the old `timeout=`), positional
    arguments or `acreate` (which needs an `AsyncOpenAI` client), and `api_type`/`api_version`
    (Azure), are reported only.
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
            'import openai\nr = openai.ChatCompletion.create(engine="gpt-4", messages=[], request_timeout=9)',
            expected='import openai\nr = openai.chat.completions.create(model="gpt-4", messages=[], timeout=9)',
            unsafe=True,
        ),
        Invalid(
            'import openai\nopenai.api_base = "https://api.openai.com/v1"',
            expected='import openai\nopenai.base_url = "https://api.openai.com/v1/"',
            unsafe=True,
        ),
        Invalid('import openai\nr = openai.Completion.create("gpt-3.5-turbo-instruct", prompt="x")'),  # positional
        Invalid(
            'import openai\nasync def f():\n    await openai.Embedding.acreate(model="text-embedding-ada-002", input="x")'
        ),
    )

    FIX_TITLE = "Use the openai>=1 module client"
    APPLICABILITY = Applicability.UNSAFE

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

    def on_module_end(self) -> None:
        dict_reads = _DICT_READS.search(self.model.source) is not None
        for call, path, scope in self.model.legacy_calls:
            resource, method = (*path, "")[:2]
            if resource not in V1_PATHS or not method:
                self.report(call, f"`openai.{'.'.join(path)}` is openai<1.0 API with no openai>=1 counterpart")
                continue
            asynchronous = method.startswith("a") and method[1:] in ("create", "transcribe", "translate")
            new_method = V1_METHODS.get(f"{resource}.{method.removeprefix('a') if asynchronous else method}")
            v1 = f"{V1_PATHS[resource]}.{new_method or (method[1:] if asynchronous else method)}"
            use = f"`{v1}` on an `AsyncOpenAI` client" if asynchronous else f"`openai.{v1}`"
            message = f"`openai.{'.'.join(path)}` is openai<1.0 API: use {use} (responses become objects)"
            if dict_reads:
                message += '; reads such as `response["choices"]` must become attribute reads'
            fix = None if asynchronous else self._v1_call(call, v1)
            self.report(call, message, fix=fix)
            # Its model is a model, not data: GLM103 (which runs later) should not report it.
            for name in ("model", "engine", "deployment_id"):
                arg = find_kwarg(call, name)
                if arg is not None:
                    self.model.claimed_literals.update(self.model.resolve_strings(arg.value, scope)[0])

    def _v1_call(self, call: cst.Call, v1: str) -> Fix | None:
        """The same call on the v1 module client, when nothing but names changes."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)):
            return None
        if any(a.star or a.keyword is None or a.keyword.value in CONNECTION_KEYWORDS for a in call.args):
            return None
        module = code_of(func.value.value)
        new_func = cst.parse_expression(f"{module}.{v1}")
        return Fix(((call, partial(_to_v1, new_func)),), f"Use `openai.{v1}`", reanalyse=True)
