from __future__ import annotations

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Invalid, Rule, Valid


class UnboundOpenaiName(Rule):
    """
    ## What it does
    Reports a module that uses `openai` (`openai.ChatCompletion.create(...)`, `openai.api_key =
    ...`, `openai.OpenAI()`) while nothing in it binds that name: no import, assignment,
    parameter or `def` in any scope, and no star import that might. The code expects the name
    from elsewhere: a notebook cell that was lost or split into another file, `%run`, `exec`.

    ## Why is this bad?
    glm-migrate takes the name for the openai SDK, so its calls are analysed and their fixes
    shown, but what the missing code configured (`openai.api_type = "azure"`, `openai.api_base`,
    a key) is out of sight, and the module does not run on its own. Every fix that rests on the
    name being the SDK waits for `--unsafe-fixes`; fixes that hold without it (a LangChain client
    beside it) stay safe.

    ## Example
    ```python
    openai.ChatCompletion.create(engine="gpt-3.5-turbo", messages=messages)
    ```
    Use instead:
    ```python
    import openai

    openai.ChatCompletion.create(engine="gpt-3.5-turbo", messages=messages)
    ```

    ## Fix safety
    No automatic fix: add the import (or the code that configured the SDK) by hand, then run
    glm-migrate again.
    """

    CODE = "GLM012"
    NAME = "unbound-openai-name"
    SUMMARY = "`openai` used where nothing binds it"
    APPLICABILITY = Applicability.MANUAL

    VALID = (
        Valid("import openai\nopenai.api_key = key"),
        Valid("from tools import *\nopenai.api_key = key"),  # the star import may bind it
        Valid("def f(openai):\n    return openai.OpenAI()"),
        Valid("for openai in clients:\n    openai.close()"),
        Valid("client.openai.api_key = key"),
        Valid("from openai.lib.azure import AzureOpenAI\nclient = AzureOpenAI()"),  # a module's name, not a use
    )
    INVALID = (
        Invalid("openai.api_key = key\nopenai.Completion.create(engine='davinci', prompt='x')"),
        Invalid("def f():\n    return openai.OpenAI()"),
    )

    def on_module_end(self) -> None:
        uses = self.model.assumed_sdk_uses
        if not uses:
            return
        more = f" (and {len(uses) - 1} more)" if len(uses) > 1 else ""
        self.report(
            uses[0],
            f"`openai` is used here{more} but nothing in this module binds it: taken for the openai SDK"
            " (imported elsewhere: a lost notebook cell, `%run`, `exec`), so the fixes resting on that wait for"
            " --unsafe-fixes; add `import openai` (or the code that configures it) and run again",
        )
