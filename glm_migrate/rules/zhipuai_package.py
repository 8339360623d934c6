from __future__ import annotations

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.semantic import Client


class ZhipuaiPackage(Rule):
    """
    ## What it does
    Reports clients of the `zhipuai` package (`zhipuai.ZhipuAI`).

    ## Why is this bad?
    `zhipuai` is deprecated: its last release is 2.1.5 (August 2025), its README points to the
    `zai-sdk` package, and it lacks newer options such as `tool_stream`. It also pins PyJWT below
    2.9, which conflicts with most current environments.

    ## Example
    ```python
    from zhipuai import ZhipuAI
    client = ZhipuAI(api_key=os.environ["ZHIPUAI_API_KEY"])
    ```
    Use instead (`pip install zai-sdk`):
    ```python
    from zai import ZhipuAiClient  # or ZaiClient for api.z.ai
    client = ZhipuAiClient(api_key=os.environ["ZAI_API_KEY"])
    ```

    ## Fix safety
    No fix: the package changes, and the successor reads `ZAI_API_KEY` / `ZAI_BASE_URL` instead
    of `ZHIPUAI_API_KEY` / `ZHIPUAI_BASE_URL`, so the deployment's environment changes too. A
    warning; fails `--check` only with `--strict`.
    """

    CODE = "GLM007"
    NAME = "zhipuai-package"
    SUMMARY = "Client of the deprecated `zhipuai` package"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid("from zai import ZhipuAiClient\nclient = ZhipuAiClient()"),
        Valid("class ZhipuAI: ...\nclient = ZhipuAI()"),
    )
    INVALID = (
        Invalid("from zhipuai import ZhipuAI\nclient = ZhipuAI()"),
        Invalid("import zhipuai\nclient = zhipuai.ZhipuAI(api_key=key)"),
    )

    def on_client(self, client: Client) -> None:
        if client.sdk == "zhipuai" and client.construction is not None and client.constructed:
            self.report(
                client.construction,
                "The `zhipuai` package is deprecated: use `zai-sdk` (`from zai import ZhipuAiClient`, "
                "which reads `ZAI_API_KEY`)",
            )
