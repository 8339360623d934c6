from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Invalid, Rule, RuleContext, Valid
from glm_migrate.rules._helpers import GlmOptions, first_stop_only
from glm_migrate.semantic import ApiCall


class MultipleStopSequences(Rule):
    """
    ## What it does
    Finds `stop=` lists with more than one entry on chat calls bound for Z.AI and keeps the first.

    ## Why is this bad?
    GLM-4.6 takes one stop word (`stop` has `maxItems: 1`); OpenAI takes up to four.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, stop=["\\n\\n", "END"])
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, stop=["\\n\\n"])
    ```

    ## Fix safety
    Unsafe: generation no longer stops at the other sequences; cut the answer at them yourself
    if they matter. Lists built at run time are not inspected; a list a dict literal writes for a
    `**` mapping the request is built from is cut there.
    """

    CODE = "GLM210"
    NAME = "multiple-stop-sequences"
    SUMMARY = "More than one stop sequence, where GLM-4.6 takes one"
    FIX_TITLE = "Keep the first stop sequence"
    APPLICABILITY = Applicability.UNSAFE
    REPORTS_REJECTED_ARGUMENT = True

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], stop=["END"])'
        ),
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], stop="END")'),
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])'),  # no `stop`
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], stop=[*stops, "x"])'
        ),  # a starred first element: its size is unknown
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], stop=["END", "STOP"])',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], stop=["END"])',
            unsafe=True,
        ),
        Invalid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], stop=("a", "b", "c"))',
            expected='from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], stop=("a",))',
            unsafe=True,
        ),
        Invalid(  # in a `**` mapping, cut where it is written
            'from openai import OpenAI\np = {"model": "gpt-4o", "messages": [], "stop": ["a", "b"]}\nOpenAI().chat.completions.create(**p)',
            expected='from openai import OpenAI\np = {"model": "gpt-4o", "messages": [], "stop": ["a"]}\nOpenAI().chat.completions.create(**p)',
            unsafe=True,
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._seen: set[cst.CSTNode] = set()

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        arg = call.kwarg("stop")
        if arg is None:
            if any(a.star == "**" for a in call.node.args):
                self._in_splats(call)
            return
        found = first_stop_only(arg.value)
        if found is not None:
            count, fix = found
            self.report(arg, f"{count} stop sequences: {self.target_name} takes one", fix=fix)

    def _in_splats(self, call: ApiCall) -> None:
        """`create(**params)` with `params = {..., "stop": ["a", "b"]}`: the list is cut where
        the dict literal writes it (once for a mapping several calls splat)."""
        for mapping in GlmOptions(call, self.model).splat_mappings:
            for source in mapping.keys.get("stop", ()):
                found = first_stop_only(source.value) if source.node not in self._seen else None
                if found is not None:
                    self._seen.add(source.node)
                    count, fix = found
                    message = f"{count} stop sequences in a `**` mapping of a request: {self.target_name} takes one"
                    self.report(source.node, message, fix=fix)
