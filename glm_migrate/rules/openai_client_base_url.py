from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._clients import add_missing_module_setting, wants_module_settings
from glm_migrate.rules._helpers import add_kwarg, base_url_expression, code_of
from glm_migrate.semantic import Client, ModuleAttributeAssignment, Target


class OpenAIClientBaseURL(Rule):
    """
    ## What it does
    Points OpenAI-SDK clients that talk to OpenAI (no `base_url`, an `api.openai.com` URL or
    `OPENAI_BASE_URL`) at Z.AI, for instance clients and for the module-level `openai` client.

    ## Why is this bad?
    Without a new base URL the requests keep going to OpenAI.

    ## Example
    ```python
    client = OpenAI()
    ```
    Use instead:
    ```python
    client = OpenAI(base_url=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"))
    ```

    ## Fix safety
    Safe. The URL is read from `ZAI_BASE_URL` (the variable Z.AI's own SDK reads) with the
    region's URL as the default, so a proxy, the China region or a local test endpoint needs no
    code change; `base-url-style = "literal"` writes the plain URL instead. The URL always ends
    with `/`: the module-level client does not add it. Clients already pointed elsewhere (a
    self-hosted server, another provider) are never touched; a `base_url` only known at run time
    is reported as a warning.
    """

    CODE = "GLM002"
    NAME = "openai-client-base-url"
    SUMMARY = "Client sends its requests to OpenAI"
    FIX_TITLE = "Point the client at Z.AI"

    VALID = (
        Valid('from openai import OpenAI\nc = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")'),
        Valid('from openai import OpenAI\nc = OpenAI(api_key="EMPTY", base_url="http://127.0.0.1:8000/v1/")'),
        Valid("from llama_index.llms.openai import OpenAI\nllm = OpenAI(model='gpt-4')"),  # not the SDK
    )
    INVALID = (
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=k, base_url="https://api.openai.com/v1")',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(api_key=k, base_url=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"))',
        ),
        Invalid(
            "import os\nimport openai as oa\nc = oa.OpenAI(api_key=k)",
            expected='import os\nimport openai as oa\nc = oa.OpenAI(api_key=k, base_url="https://open.bigmodel.cn/api/paas/v4/")',
            settings={"region": "china", "base_url_style": "literal"},
        ),
        Invalid("from openai import OpenAI\nc = OpenAI(api_key=k, base_url=settings.url)"),  # warning
    )

    def _url(self) -> cst.BaseExpression:
        return base_url_expression(self.tables, self.settings.region, self.settings.base_url_style)

    @property
    def _imports(self) -> tuple[str, ...]:
        return ("os",) if self.settings.base_url_style == "env" else ()

    def on_client(self, client: Client) -> None:
        call = client.construction
        if call is None or client.sdk != "openai":
            return
        arg = client.kwarg("base_url")
        if client.target is Target.UNKNOWN and arg is not None:
            code = code_of(arg.value)
            message = f"Client `base_url` is `{code}`, known only at run time: if that is OpenAI, point it at Z.AI"
            self.report(arg.value, message, severity=Severity.WARNING)
        if client.target is not Target.OPENAI:
            return
        if arg is None:
            fix = Fix(((call, lambda node: add_kwarg(node, "base_url", self._url())),), self.FIX_TITLE, self._imports)
            self.report(call, "Client without `base_url=` talks to OpenAI", fix=fix)
        else:
            fix = Fix(((arg.value, lambda _: self._url()),), self.FIX_TITLE, self._imports)
            self.report(arg.value, "Client `base_url` points at OpenAI", fix=fix)

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        if assignment.attribute == "base_url" and wants_module_settings(self.model):
            fix = Fix(((assignment.value, lambda _: self._url()),), self.FIX_TITLE, self._imports)
            self.report(assignment.value, "Module-level `openai.base_url` points at OpenAI", fix=fix)

    def on_module_end(self) -> None:
        message = "Module-level `openai` client talks to OpenAI"
        add_missing_module_setting(self, "base_url", self._url(), message, self._imports)
