from __future__ import annotations

import functools

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.nodes import dotted_name, string_value
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._responses import ResponseTracer, may_read_as_dict, membership_edit, read_edit, shown
from glm_migrate.semantic import ApiCall, SemanticModel

#: SDK call wrappers whose results are raw HTTP responses, not response objects
RAW_RESPONSE = frozenset({"with_raw_response", "with_streaming_response"})


class DictResponseRead(Rule):
    """
    ## What it does
    Finds responses of openai>=1 calls (chat completions, embeddings, images, transcriptions)
    read as openai<1 dicts: `r["choices"][0]["message"]["content"]`, `delta.get("content", "")`,
    `"content" in delta`, in the function that makes the call, through `for` loops over a stream
    and in callers of a private function that returns the response. The reads of a legacy call
    GLM303 converts are part of GLM303's fix instead.

    ## Why is this bad?
    openai>=1 responses are objects: a subscript raises `TypeError`, and `"content" in delta`
    is always false. Such code is usually half converted, or copied from an old example.

    ## Example
    ```python
    completion = client.chat.completions.create(model="glm-4.6", messages=messages)
    text = completion["choices"][0]["message"]["content"]
    ```
    Use instead:
    ```python
    text = completion.choices[0].message.content
    ```

    ## Fix safety
    Safe for calls of a client glm-migrate traced to the OpenAI SDK, by the method's own name: the
    dict read can only raise there. Unsafe when the client is not traced (another library's
    object with the same methods may return dicts). Calls through an alias
    (`complete = client.chat.completions.create`, which may also be bound to another library's
    function) and raw responses (`with_raw_response`) are not looked at. `d.get("k", "")`
    becomes `(d.k or "")` and `"k" in d` becomes `d.k is not None`, for a field the SDK's response
    object declares (`[response_fields]` in `rules/sdk.toml`); another key (`"text"` on a chat
    choice, GLM's `"reasoning_content"` on a delta) is read as `getattr(d, "k", None)`, since the
    object may lack it and `d.k` would raise. The fix is as right at OpenAI as at Z.AI: it
    applies even where the client waits for an unsafe fix of another call. Unsafe where a module
    of the run patches the method by a string target with a dict as its reply
    (`mock.patch("openai.chat.completions.create", return_value={"choices": [...]})`): that
    test's stand-in, which the dict reads fit, has to change with them.
    """

    CODE = "GLM304"
    NAME = "dict-response-read"
    SUMMARY = "openai>=1 response read as a dict"
    FIX_TITLE = "Read the response's attributes"
    FIXES_HOLD_ANYWHERE = True

    VALID = (
        Valid(
            'from openai import OpenAI\nr = OpenAI().embeddings.create(model="m", input="x")\nv = r.data[0].embedding'
        ),
        Valid('import requests\nr = requests.post(url).json()\nprint(r["choices"][0]["message"]["content"])'),
        Valid(
            "import litellm\nfrom openai import OpenAI\ncomplete = litellm.completion if x else OpenAI().chat.completions.create\n"
            'print(complete(model="m", messages=[])["choices"][0]["message"]["content"])'
        ),
        Valid(  # a raw response is read through its own API (`.headers`, `.parse()`)
            'from openai import OpenAI\nclient = OpenAI()\nraw = client.chat.completions.with_raw_response.create(model="m", messages=[])\n'
            'print(raw.headers["x-request-id"])'
        ),
    )
    INVALID = (
        Invalid(  # a chat choice declares no `text`: `choice.text` would raise, `getattr` does not
            "from openai import OpenAI\nr = OpenAI().chat.completions.create(model='m', messages=[])\n"
            "for choice in r.choices:\n    if 'text' in choice:\n        print(choice.get('text', ''))",
            expected="from openai import OpenAI\nr = OpenAI().chat.completions.create(model='m', messages=[])\n"
            'for choice in r.choices:\n    if getattr(choice, "text", None) is not None:\n'
            "        print((getattr(choice, \"text\", None) or ''))",
        ),
        Invalid(  # through a comprehension over a part of the response
            'from openai import OpenAI\nr = OpenAI().embeddings.create(model="m", input=t)\nrows = r["data"]\n'
            'vectors = [row["embedding"] for row in rows]',
            expected='from openai import OpenAI\nr = OpenAI().embeddings.create(model="m", input=t)\nrows = r.data\n'
            "vectors = [row.embedding for row in rows]",
        ),
        Invalid(
            'from openai import OpenAI\nr = OpenAI().embeddings.create(model="m", input="x")\nv = r["data"][0]["embedding"]',
            expected='from openai import OpenAI\nr = OpenAI().embeddings.create(model="m", input="x")\nv = r.data[0].embedding',
        ),
        Invalid(
            "from openai import OpenAI\nfor c in OpenAI().chat.completions.create(model='m', messages=[], stream=True):\n"
            "    if 'content' in c.choices[0].delta:\n        print(c.choices[0].delta.get('content', ''))",
            expected="from openai import OpenAI\nfor c in OpenAI().chat.completions.create(model='m', messages=[], stream=True):\n"
            "    if c.choices[0].delta.content is not None:\n        print((c.choices[0].delta.content or ''))",
        ),
        Invalid(  # two calls, one response name: each read is fixed once
            'from openai import OpenAI\nclient = OpenAI()\nif short:\n    r = client.chat.completions.create(model="m", messages=m, max_tokens=50)\n'
            'else:\n    r = client.chat.completions.create(model="m", messages=m)\nmessage = r["choices"][0]["message"]\n'
            'if "tool_calls" in message:\n    print(message["tool_calls"])',
            expected='from openai import OpenAI\nclient = OpenAI()\nif short:\n    r = client.chat.completions.create(model="m", messages=m, max_tokens=50)\n'
            'else:\n    r = client.chat.completions.create(model="m", messages=m)\nmessage = r.choices[0].message\n'
            "if message.tool_calls is not None:\n    print(message.tool_calls)",
        ),
    )

    @functools.cached_property
    def _tracer(self) -> ResponseTracer:
        return ResponseTracer(self.model)

    @functools.cached_property
    def _reported(self) -> set[cst.CSTNode]:
        return set()

    @functools.cached_property
    def _faked_here(self) -> frozenset[str]:
        return endpoints_patched_with_a_dict(self.model)

    @functools.cached_property
    def _dict_style(self) -> bool:
        return may_read_as_dict(self.model.source)

    def on_api_call(self, call: ApiCall) -> None:
        func = call.node.func
        if not self._dict_style or call.endpoint is None or self.model.sdk_of(call) not in ("openai", "azure"):
            return  # only the endpoints whose responses glm-migrate knows the shape of
        if not (isinstance(func, cst.Attribute) and func.attr.value == call.path[-1]):
            return  # `complete = client.chat.completions.create` may stand for another library's function too
        if RAW_RESPONSE & set(_attribute_names(func)):
            return
        applicability = Applicability.UNSAFE if call.inferred else Applicability.SAFE
        dotted = ".".join(call.path)
        faked = "this module" if dotted in self._faked_here else self.model.facts.legacy_patched.get(dotted)
        faked = f"`{faked}`" if faked not in (None, "this module") else faked
        why = ""
        if faked is not None:
            # a test's stand-in answers with a dict: read as attributes, the code no longer fits it
            applicability = Applicability.UNSAFE
            why = (
                f" ({faked} patches `{dotted}` with a dict as its reply, which attribute reads no longer fit: "
                "change that stand-in with them)"
            )
        reads = self._tracer.reads(call.node, call.scope)
        declared = self.tables.sdk.response_fields[call.endpoint]
        for read in reads.stale:
            if read.node not in self._reported:
                self._reported.add(read.node)
                fix = Fix((read_edit(read, declared=declared),), "Read the attributes", applicability=applicability)
                message = f"`{read.describe()}` reads an openai>=1 response as a dict: responses are objects{why}"
                self.report(read.node, message, fix=fix)
        for test in reads.membership_tests:
            if test not in self._reported:
                self._reported.add(test)
                fix = Fix(
                    (membership_edit(test, declared),), "Test the attribute for None", applicability=applicability
                )
                message = f"`{shown(test, call.node)}` tests an openai>=1 response object like a dict{why}"
                self.report(test, message, fix=fix)


def endpoints_patched_with_a_dict(model: SemanticModel) -> frozenset[str]:
    """The openai>=1 methods (dotted, "chat.completions.create") the module patches by a string
    target ending in their path (`"openai.chat.completions.create"`,
    `"app.client.chat.completions.create"`, `"openai.resources.chat.completions.Completions.create"`)
    with a stand-in whose `return_value=` is a dict, written there or bound to the name given:
    the code under test reads that reply as a dict."""
    if "return_value" not in model.source:
        return frozenset()
    found: set[str] = set()
    for call, scope in model.calls:
        if (dotted_name(call.func) or "").rpartition(".")[2] != "patch" or not call.args:
            continue
        reply = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "return_value"), None)
        if type(reply) is cst.Name:
            if not any(type(b.value) is cst.Dict for b in model.lookup(reply.value, scope)):
                continue
        elif type(reply) is not cst.Dict:
            continue
        path: list[str] = []
        for part in (string_value(call.args[0].value) or "").lower().split("."):
            if not path or path[-1] != part:  # `completions.Completions.create`: the class beside its module
                path.append(part)
        for length in (3, 2):
            if len(path) > length and tuple(path[-length:]) in model.tables.sdk.endpoints:
                found.add(".".join(path[-length:]))
                break
    return frozenset(found)


def _attribute_names(func: cst.BaseExpression) -> list[str]:
    names = []
    while isinstance(func, cst.Attribute):
        names.append(func.attr.value)
        func = func.value
    return names
