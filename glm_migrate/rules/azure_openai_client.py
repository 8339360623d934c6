from __future__ import annotations

import libcst as cst

from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import (
    add_kwarg,
    base_url_expression,
    code_of,
    env_key_lookup,
    remove_kwargs,
    rename_env_lookup,
)
from glm_migrate.semantic import Client, Target, env_lookup


class AzureOpenAIClient(Rule):
    """
    ## What it does
    Turns `AzureOpenAI` / `AsyncAzureOpenAI` clients into `openai.OpenAI` / `openai.AsyncOpenAI`
    clients aimed at Z.AI: the Azure-only options (`api_version`, `azure_endpoint`,
    `azure_deployment`) go, the key is read from `ZAI_API_KEY` (instead of
    `AZURE_OPENAI_API_KEY`), and Z.AI's `base_url` is added. Clients authenticated with Entra ID
    tokens (`azure_ad_token_provider`, `azure_ad_token`) are reported and left alone.

    ## Why is this bad?
    An Azure client sends every request to an Azure deployment; Z.AI is not one.

    ## Example
    ```python
    client = AzureOpenAI(api_version="2024-10-21", azure_endpoint=endpoint, api_key=os.environ["AZURE_OPENAI_API_KEY"])
    ```
    Use instead:
    ```python
    client = openai.OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"))
    ```

    ## Fix safety
    Safe, as for GLM001 and GLM002: the client's purpose is unchanged, its provider is the
    migration. The `model=` of its calls was an Azure *deployment name*: names in the model map
    (`gpt-4o`) are moved by GLM101, any other (`my-deployment`) is reported by GLM102 until you map
    it in `[tool.glm-migrate.models]`. With `azure_deployment=` the calls' `model=` was ignored
    by Azure, so check it. A key from any other expression is kept with a warning.
    """

    CODE = "GLM008"
    NAME = "azure-openai-client"
    SUMMARY = "Azure OpenAI client"
    FIX_TITLE = "Use an OpenAI client aimed at Z.AI"

    VALID = (
        Valid('from openai import OpenAI\nclient = OpenAI(api_key=k, base_url="https://api.z.ai/api/paas/v4/")'),
        Valid("class AzureOpenAI: ...\nclient = AzureOpenAI(api_version='1')"),
    )
    INVALID = (
        Invalid(
            'import os\n\nfrom openai import AzureOpenAI\n\nclient = AzureOpenAI(\n    api_version="2024-10-21",\n'
            '    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],\n    api_key=os.environ["AZURE_OPENAI_API_KEY"],\n)',
            expected="import os\n\nimport openai\nfrom openai import AzureOpenAI\n\nclient = openai.OpenAI(\n"
            '    api_key=os.environ["ZAI_API_KEY"],\n    base_url="https://api.z.ai/api/paas/v4/",\n)',
            settings={"base_url_style": "literal"},
        ),
        Invalid("import openai\nclient = openai.AsyncAzureOpenAI(azure_endpoint=e, azure_ad_token_provider=provider)"),
    )

    def on_client(self, client: Client) -> None:
        call = client.construction
        if client.sdk != "azure" or call is None:
            return
        name = code_of(call.func)
        if client.target is Target.OTHER:
            self.report(call, f"`{name}` authenticates with Entra ID tokens, which Z.AI does not take: move it by hand")
            return
        key_env = self.key_env
        key = client.kwarg("api_key")
        env = env_lookup(key.value) if key is not None else None
        if env is not None and env[0] not in self.tables.azure_key_envs:
            env = None  # a variable of the project's own: kept, with a warning below
        url = base_url_expression(self.tables, self.settings.region, self.settings.base_url_style)
        new_class = "AsyncOpenAI" if client.is_async else "OpenAI"

        def convert(node: cst.Call) -> cst.Call:
            node = remove_kwargs(node, self.tables.azure_options)
            if key is None:
                node = add_kwarg(node, "api_key", env_key_lookup(key_env))
            elif env is not None:
                args = [
                    a.with_changes(value=rename_env_lookup(a.value, key_env))
                    if a.keyword is not None and a.keyword.value == "api_key"
                    else a
                    for a in node.args
                ]
                node = node.with_changes(args=args)
            node = add_kwarg(node, "base_url", url)
            return node.with_changes(func=cst.Attribute(value=cst.Name("openai"), attr=cst.Name(new_class)))

        imports = ("openai", "os") if self.settings.base_url_style == "env" or key is None else ("openai",)
        message = f"`{name}` sends its requests to Azure"
        deployment = client.kwarg("azure_deployment")
        if deployment is not None:
            message += f"; its calls used deployment `{code_of(deployment.value)}` whatever their `model=` said"
        if key is not None and env is None:
            message += f"; make sure `api_key={code_of(key.value)}` holds a Z.AI key"
        self.report(call, message, fix=Fix(((call, convert),), f"Use `openai.{new_class}` aimed at Z.AI", imports))
