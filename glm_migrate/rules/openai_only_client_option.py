from __future__ import annotations

from functools import partial

import libcst as cst

from glm_migrate.nodes import names_in
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._clients import migrates_to_zai, moved_here, wants_module_settings
from glm_migrate.rules._helpers import remove_kwargs
from glm_migrate.semantic import Client, ModuleAttributeAssignment

#: (`data_residency` is GLM002's: it excludes `base_url`, so it goes with the new one)
OPENAI_ONLY_OPTIONS = frozenset({"organization", "project", "admin_api_key", "workload_identity"})


class OpenAIOnlyClientOption(Rule):
    """
    ## What it does
    Finds `organization=` and `project=` on clients moved to Z.AI (and `openai.organization` /
    `openai.project` for the module-level client) and removes them.

    ## Why is this bad?
    They select an OpenAI organisation or project; Z.AI has neither, and keeping them suggests the
    client still belongs to an OpenAI account.

    ## Example
    ```python
    client = OpenAI(organization="org-123")
    ```
    Use instead:
    ```python
    client = OpenAI(api_key=..., base_url=...)
    ```

    ## Fix safety
    Safe: Z.AI does not read the `OpenAI-Organization` / `OpenAI-Project` headers they become.
    A comment beside the argument stays, on a line of its own. Only on a client this run points
    at Z.AI: one that stays on OpenAI for now (a `**` mapping hides its URL, it is OpenAI's
    branch of a provider choice) still bills and finds its data by organization, so there the
    option is reported for when the client moves.
    """

    CODE = "GLM004"
    NAME = "openai-only-client-option"
    SUMMARY = "OpenAI-only client option (`organization`, `project`)"
    FIX_TITLE = "Remove the option"

    VALID = (
        Valid('from openai import OpenAI\nc = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")'),
        Valid('from openai import OpenAI\nc = OpenAI(organization="o", base_url="http://localhost:8000/v1")'),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nc = OpenAI(\n    api_key=k,\n    organization="org-1",\n    base_url="https://api.openai.com/v1",\n)',
            expected='from openai import OpenAI\nc = OpenAI(\n    api_key=k,\n    base_url="https://api.openai.com/v1",\n)',
        ),
        Invalid(
            'import openai\nopenai.organization = "org-1"\nopenai.api_key = k',
            expected="import openai\nopenai.api_key = k",
        ),
        Invalid(
            'from openai import OpenAI\nopts = {"organization": "org-1"}\nc = OpenAI(api_key=k, **opts)'
        ),  # set in a `**` mapping: reported only
        Invalid(
            'import openai\nopenai.organization = "org-1"  # billing\nopenai.api_key = k'
        ),  # a comment would be lost: reported only
        # a name only the removed argument used loses its import too (F401 otherwise)
        Invalid(
            "from openai import OpenAI\nfrom openai.auth import WorkloadIdentity\n\nc = OpenAI(api_key=k, workload_identity=WorkloadIdentity(idp))",
            expected="from openai import OpenAI\n\nc = OpenAI(api_key=k)",
        ),
        # the client keeps talking to OpenAI for now (its URL may be in `**kwargs`): the option stays
        Invalid("from openai import OpenAI\ndef make(org, **kwargs):\n    return OpenAI(organization=org, **kwargs)"),
    )

    def on_client(self, client: Client) -> None:
        call = client.construction
        if call is None or not client.constructed or not migrates_to_zai(client):
            return
        for name in sorted(OPENAI_ONLY_OPTIONS):
            for source in client.option_sources(name):
                self.report(source.node, f"`{name}` (set in a `**` mapping) is an OpenAI-only client option: remove it")
            arg = client.kwarg(name)
            if arg is None:
                continue
            if not moved_here(self.model, client):
                # the client stays on OpenAI for now (a `**` mapping hides its URL, an API Z.AI
                # lacks): the option still means something there
                self.report(arg, f"`{name}=` is an OpenAI-only client option: remove it when the client moves to Z.AI")
                continue
            fix = Fix(
                ((call, partial(remove_kwargs, names={name})),),
                f"Remove `{name}=`",
                unused_imports=self._imports_of(arg.value, client),
            )
            self.report(arg, f"`{name}=` is an OpenAI-only client option", fix=fix)

    def _imports_of(self, value: cst.BaseExpression, client: Client) -> tuple[tuple[str, str], ...]:
        """The names `value` takes from `from x import y` (`WorkloadIdentity`): with the argument
        gone their import may be unused, and then it goes too (F401 otherwise)."""
        found: list[tuple[str, str]] = []
        for name in names_in(value):
            for binding in self.model.lookup(name.value, client.scope):
                module, _, imported = (binding.qualified or "").rpartition(".")
                if module and imported == name.value and binding.scope is self.model.module_scope:
                    found.append((module, imported))
        return tuple(dict.fromkeys(found))

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        if assignment.attribute in OPENAI_ONLY_OPTIONS and wants_module_settings(self.model):
            line = assignment.statement
            # Only a line holding just this assignment and no comment can go without loss.
            fix = None
            comments = any(empty.comment for empty in line.leading_lines) or line.trailing_whitespace.comment
            if len(line.body) == 1 and not comments:
                fix = Fix(
                    ((line, lambda _: cst.RemovalSentinel.REMOVE),), f"Remove `openai.{assignment.attribute} = ...`"
                )
            self.report(assignment.assign, f"`openai.{assignment.attribute}` is an OpenAI-only setting", fix=fix)
