from __future__ import annotations

from functools import partial

import libcst as cst

from glm_migrate.rules._base import Fix, Invalid, Rule, RuleContext, Valid
from glm_migrate.rules._helpers import GlmOptions, rename_kwarg, replace_string
from glm_migrate.semantic import ApiCall


class MaxCompletionTokens(Rule):
    """
    ## What it does
    Renames OpenAI's `max_completion_tokens=` to `max_tokens=` in chat calls (the renames are in
    `rules/parameters.toml`).

    ## Why is this bad?
    GLM-4.6 documents only `max_tokens`; the zai and zhipuai SDKs raise `TypeError` on
    `max_completion_tokens`.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, max_completion_tokens=512)
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, max_tokens=512)
    ```

    ## Fix safety
    Safe: the two mean the same output budget. When the call already passes `max_tokens` too, the
    finding needs a person (which budget wins is unclear). A key of a `**` mapping the request is
    built from is renamed where a dict literal writes it, unless the mapping may hold both names.
    """

    CODE = "GLM203"
    NAME = "max-completion-tokens"
    SUMMARY = "OpenAI parameter name GLM-4.6 does not document"
    FIX_TITLE = "Rename the argument"

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], max_tokens=10)'
        ),
        Valid("def f(c):\n    c.max_completion_tokens = 3"),
        Valid(
            'from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x")'
        ),  # another endpoint
    )
    INVALID = (
        Invalid(
            'from openai import AsyncOpenAI\nc = AsyncOpenAI()\nasync def f():\n    await c.chat.completions.create(model="glm-4.6", messages=[], max_completion_tokens=10)',
            expected='from openai import AsyncOpenAI\nc = AsyncOpenAI()\nasync def f():\n    await c.chat.completions.create(model="glm-4.6", messages=[], max_tokens=10)',
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="m", messages=[], max_tokens=1, max_completion_tokens=2)'
        ),
        Invalid(  # in a `**` mapping, renamed where it is written
            'from openai import OpenAI\np = {"model": "glm-4.6", "messages": [], "max_completion_tokens": 10}\nOpenAI().chat.completions.create(**p)',
            expected='from openai import OpenAI\np = {"model": "glm-4.6", "messages": [], "max_tokens": 10}\nOpenAI().chat.completions.create(**p)',
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._seen: set[cst.CSTNode] = set()

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        if any(arg.star == "**" for arg in call.node.args):
            self._in_splats(call)
        for old, new in self.tables.renamed_params.items():
            arg = call.kwarg(old)
            if arg is None:
                continue
            if call.kwarg(new) is not None:
                self.report(arg, f"Both `{old}=` and `{new}=` are set: keep one as `{new}=`")
            else:
                self.report(
                    arg,
                    f"`{old}=` is called `{new}=` on {self.target_name}",
                    fix=Fix(((arg, partial(rename_kwarg, name=new)),), f"Rename to `{new}=`"),
                )

    def _in_splats(self, call: ApiCall) -> None:
        """`create(**params)` with `params = {..., "max_completion_tokens": 512}`: the key is
        renamed where the dict literal writes it, unless the mapping may also hold the new name."""
        for mapping in GlmOptions(call, self.model).splat_mappings:
            for old, new in self.tables.renamed_params.items():
                for source in mapping.keys.get(old, ()):
                    if source.node in self._seen:
                        continue  # a mapping several calls splat: once
                    self._seen.add(source.node)
                    message = f"`{old}` in a `**` mapping of a request is called `{new}` on {self.target_name}"
                    key = source.node.key if type(source.node) is cst.DictElement else None
                    if new in mapping.keys or mapping.others:
                        self.report(source.node, f"{message}: keep one as `{new}` by hand (the mapping may hold both)")
                    elif type(key) is not cst.SimpleString:
                        self.report(source.node, f"{message}: rename it by hand where it is set")
                    else:
                        fix = Fix(((key, partial(_renamed, value=new)),), f"Rename to `{new}`")
                        self.report(source.node, message, fix=fix)


def _renamed(node: cst.CSTNode, value: str) -> cst.CSTNode:
    assert isinstance(node, cst.SimpleString)
    return replace_string(node, value)
