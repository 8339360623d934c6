from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._clients import (
    client_url,
    openai_class_spelling,
    own_branch_advice,
    provider_branch,
    repoint_blocker,
)
from glm_migrate.rules._helpers import (
    add_kwarg,
    code_of,
    env_key_lookup,
    names_openai_key,
    remove_kwargs,
    renamed_key_lookup,
)
from glm_migrate.semantic import Client, Target, env_lookup, gives_none_when_unset


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
    Safe, as for GLM001 and GLM002, when every argument is visible and maps onto an OpenAI client:
    the client's purpose is unchanged, its provider is the migration. The class is written the
    way the module already names it (`OpenAI` when imported, `oa.OpenAI` beside `oa.AzureOpenAI`),
    and the Azure class's import goes once nothing uses it. A function that imports the classes
    itself, one per branch, gets the new class from the branch's own import (`from openai import
    AzureOpenAI` becomes `from openai import OpenAI`): its other branch's import binds nothing
    there, and a module-level import would not reach a name the function binds. A client built from a `**` mapping,
    with positional arguments, or through a variable that may hold either Azure class
    (`cls = AsyncAzureOpenAI if a else AzureOpenAI`), or in a module that tests for the Azure
    class (`isinstance(c, AzureOpenAI)`), is reported for a person to convert. A key the client
    keeps (a variable of the project's own, a parameter) is an Azure key until the deployment
    sets a Z.AI one: then the conversion is an unsafe fix. A variable any of whose assignments reads
    Azure's key by name (`key = os.getenv("AZURE_OPENAI_API_KEY")` in one branch, a token in the
    other) holds Azure's key: the unsafe conversion passes the Z.AI key instead. The `model=` of its calls was an Azure *deployment name*: names in the model map
    (`gpt-4o`) are moved by GLM101, any other (`my-deployment`) is reported by GLM102 until you map
    it in `[tool.glm-migrate.models]`. With `azure_deployment=` the calls' `model=` was ignored
    by Azure, so check it. A key from any other expression is kept with a warning. A `base_url=`
    given instead of `azure_endpoint=` (the resource's URL, or a gateway in front of it) is
    Azure's address too, and is replaced by Z.AI's. A client given `default_headers=` or
    `default_query=` (an API Management subscription key, `api-version`) is reported for a person:
    converted, it would send them to Z.AI.
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
        # the key kept in a setting named as Azure's: with the move, the Z.AI key replaces it
        Invalid(
            'import os\nfrom openai import AzureOpenAI\nKEY = os.environ.get("AZURE_OPENAI_API_KEY") or load()\n'
            'c = AzureOpenAI(api_key=KEY, api_version="2024-02-01", azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])',
            expected='import os\nfrom openai import OpenAI\nKEY = os.environ.get("AZURE_OPENAI_API_KEY") or load()\n'
            'c = OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url=os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/"))',
            unsafe=True,
        ),
        Invalid(
            'import os\nfrom openai import AzureOpenAI\nclient = AzureOpenAI(\n    api_version="2024-10-21",\n'
            '    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],\n    api_key=os.environ["AZURE_OPENAI_API_KEY"],\n)',
            expected="import os\nfrom openai import OpenAI\nclient = OpenAI(\n"
            '    api_key=os.environ["ZAI_API_KEY"],\n    base_url="https://api.z.ai/api/paas/v4/",\n)',
            settings={"base_url_style": "literal"},
        ),
        # the module's own spelling, and the Azure import kept while something still uses it
        Invalid(
            "import os\nimport openai as oa\nc = oa.AsyncAzureOpenAI(azure_endpoint=e, api_version=v)\nT = oa.AzureOpenAI",
            expected='import os\nimport openai as oa\nc = oa.AsyncOpenAI(api_key=os.environ["ZAI_API_KEY"], base_url="https://api.z.ai/api/paas/v4/")\nT = oa.AzureOpenAI',
            settings={"base_url_style": "literal"},
        ),
        Invalid("import openai\nclient = openai.AsyncAzureOpenAI(azure_endpoint=e, azure_ad_token_provider=provider)"),
        # report only: the class is chosen at run time, the arguments cannot all be seen
        Invalid(
            "from openai import AsyncAzureOpenAI, AzureOpenAI\ncls = AsyncAzureOpenAI if is_async else AzureOpenAI\n"
            "client = cls(api_version=v, azure_endpoint=e, api_key=k)"
        ),
        Invalid("from openai import AsyncAzureOpenAI\nclient = AsyncAzureOpenAI(**azure_config)"),
        # a gateway's key sent with each request: converted, it would go to Z.AI
        Invalid(
            "from openai import AzureOpenAI\nc = AzureOpenAI(api_key=k, api_version=v, azure_endpoint=e, "
            'default_headers={"Ocp-Apim-Subscription-Key": gateway_key})'
        ),
        # code that tells the clients apart by class would take the other branch
        Invalid(
            "from openai import AzureOpenAI\nc = AzureOpenAI(api_key=k, api_version=v, azure_endpoint=e)\n"
            "assert isinstance(c, AzureOpenAI)"
        ),
        # Azure's branch of a provider choice: reported, as converting it would make "azure" mean Z.AI
        Invalid(
            "from openai import AzureOpenAI\nif provider == 'azure':\n"
            "    client = AzureOpenAI(api_key=k, api_version=v, azure_endpoint=e)"
        ),
        # `OpenAI` is imported in the other branch only: the branch imports it itself
        Invalid(
            "def make(local):\n    if local:\n        from openai import OpenAI\n\n"
            '        return OpenAI(base_url="http://localhost:8000/v1")\n    from openai import AzureOpenAI\n\n'
            "    return AzureOpenAI(api_version=v, azure_endpoint=e)",
            expected="import os\n\n\ndef make(local):\n    if local:\n        from openai import OpenAI\n\n"
            '        return OpenAI(base_url="http://localhost:8000/v1")\n    from openai import OpenAI\n\n'
            '    return OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url="https://api.z.ai/api/paas/v4/")',
            settings={"base_url_style": "literal"},
        ),
        # the project's own key variable stays (with a warning), and the deployment is noted
        Invalid(
            'import os\nfrom openai import AzureOpenAI\nclient = AzureOpenAI(api_key=os.environ["MY_LLM_KEY"], api_version="2024-10-21", '
            'azure_endpoint=endpoint, azure_deployment="gpt-4o-prod")',
            expected='import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ["MY_LLM_KEY"], base_url="https://api.z.ai/api/paas/v4/")',
            settings={"base_url_style": "literal"},
            unsafe=True,
        ),
    )

    def on_client(self, client: Client) -> None:
        call = client.construction
        if client.sdk != "azure" or call is None or not client.constructed:
            return
        name = code_of(call.func)
        if client.target is Target.OTHER:
            self.report(call, f"`{name}` authenticates with Entra ID tokens, which Z.AI does not take: move it by hand")
            return
        new_class = "AsyncOpenAI" if client.is_async else "OpenAI"
        message = f"`{name}` sends its requests to Azure"
        branch = provider_branch(self.model, client)
        if branch is not None:
            self.report(call, f"{message}, as {own_branch_advice(self, branch, 'Azure')}")
            return
        blocker = repoint_blocker(self.model, client)
        if blocker is not None:
            plain = " or ".join(
                sorted({"AsyncOpenAI" if self.tables.clients[c][1] else "OpenAI" for c in client.classes})
            )
            self.report(call, f"{message}; {blocker}: replace it with `{plain}` aimed at Z.AI by hand")
            return
        spelling = openai_class_spelling(self.model, client, new_class)
        assert spelling is not None, "repoint_blocker rules this out"
        func, imports, from_imports, import_edits = spelling
        key_env = self.key_env
        key = client.kwarg("api_key")
        env = env_lookup(key.value) if key is not None else None
        if env is not None and env[0] not in self.tables.azure_key_envs:
            env = None  # a variable of the project's own: kept, with a warning below
        # `self._key = key or os.environ.get("AZURE_OPENAI_API_KEY")`: an Azure key by its name,
        # replaced by the Z.AI one (the move is unsafe anyway: the key's source changes)
        azure_named = (
            key is not None
            and env is None
            and env_lookup(key.value) is None
            and names_openai_key(
                self.model,
                self.tables,
                key.value,
                client.scope,
                self.tables.azure_key_envs | self.tables.openai_key_envs,
            )
            is not None
        )
        url, constants = client_url(self.model, self.settings)

        def convert(node: cst.Call) -> cst.Call:
            # `base_url=` of an Azure client is its resource's (or a gateway's) address: Azure's, and
            # replaced by Z.AI's below; kept, the new call would pass it twice (TypeError)
            node = remove_kwargs(node, self.tables.azure_options | {"base_url"})
            if key is None:
                node = add_kwarg(node, "api_key", env_key_lookup(key_env))
            elif azure_named:
                args = [
                    a.with_changes(value=env_key_lookup(key_env))
                    if a.keyword is not None and a.keyword.value == "api_key"
                    else a
                    for a in node.args
                ]
                node = node.with_changes(args=args)
            elif env is not None:
                args = [
                    a.with_changes(value=renamed_key_lookup(a.value, key_env))
                    if a.keyword is not None and a.keyword.value == "api_key"
                    else a
                    for a in node.args
                ]
                node = node.with_changes(args=args)
            node = add_kwarg(node, "base_url", url)
            return node.with_changes(func=func)

        if (
            self.settings.base_url_style == "env"
            or key is None
            or azure_named
            or (env is not None and gives_none_when_unset(key.value))
        ):
            imports += ("os",)
        deployment = client.kwarg("azure_deployment")
        if deployment is not None:
            message += f"; its calls used deployment `{code_of(deployment.value)}` whatever their `model=` said"
        kept_key = key is not None and env is None
        if kept_key and azure_named:
            assert key is not None
            message += f"; `api_key={code_of(key.value)}` reads an Azure key: it becomes `{key_env}`"
        elif kept_key:
            assert key is not None
            message += f"; `api_key={code_of(key.value)}` is an Azure key until it is set to a Z.AI one"
        module, _, old_class = client.classes[0].rpartition(".")
        # `from openai import AzureOpenAI` goes once no conversion left a use of it (not aliased:
        # `as X` keeps its own spelling, which LibCST's removal does not match).
        unused = ((module, old_class),) if type(call.func) is cst.Name and call.func.value == old_class else ()
        fix = Fix(
            ((call, convert), *import_edits),
            f"Use `{code_of(func)}` aimed at Z.AI",
            imports,
            from_imports=from_imports,
            constants=constants,
            unused_imports=unused,
            # the Azure key the client keeps would be refused by Z.AI: the deployment must change too
            applicability=Applicability.UNSAFE if kept_key else None,
            # converted, its calls are Z.AI's: the rules that check those (`encoding_format`) run again
            reanalyse=True,
        )
        self.report(call, message, fix=fix)
