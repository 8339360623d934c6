from __future__ import annotations

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._helpers import number_value
from glm_migrate.semantic import ApiCall, code_of


class UnresolvedModelId(Rule):
    """
    ## What it does
    Reports API calls whose model id is decided at run time: a function argument, a settings
    object, an environment variable without a default, a `**kwargs` splat glm-migrate cannot see.

    ## Why is this bad?
    Nothing checks that the value will be a GLM id; a config file or an environment variable may
    still say `gpt-4o`.

    ## Example
    ```python
    client.chat.completions.create(model=settings.model, messages=messages)
    ```
    Make sure `settings.model` holds a GLM id such as `glm-4.6`.

    ## Fix safety
    No fix; a warning, so it fails `--check` only with `--strict`.
    """

    CODE = "GLM104"
    NAME = "unresolved-model-id"
    SUMMARY = "Model id decided at run time"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])'),
        Valid("def f(client, model):\n    return client.chat.completions.create(model=model)"),  # no SDK imported
        Valid(
            'from openai import OpenAI\nOpenAI().images.generate(model=m, prompt="a cat")'
        ),  # images: GLM101 and GLM301 speak for these
    )
    INVALID = (
        Invalid(
            "from openai import OpenAI\ndef f(model):\n    OpenAI().chat.completions.create(model=model, messages=[])"
        ),
        Invalid("import openai\nopenai.chat.completions.create(**params)"),
        Invalid("from openai import OpenAI\ndef f(model):\n    OpenAI().embeddings.create(model=model, input='x')"),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint not in ("chat", "embeddings") or not call.migratable:
            return
        literals, complete = self.model.model_literals(call)
        if literals and complete:
            return
        value = self.model.model_argument(call)
        if value is None:
            self.report(call.node, "Model id not visible (passed through `**kwargs`?): make sure it is a GLM id")
        elif any(client.sdk == "azure" for client in call.clients):
            # an Azure client's `model` names a deployment; GLM008 makes the client a Z.AI one,
            # which no deployment name reaches
            self.report(
                value,
                f"Model id comes from `{code_of(value)}` at run time, an Azure deployment's name: Z.AI serves "
                "none, so give the client GLM ids where it moves to Z.AI",
                severity=Severity.ERROR,
            )
        elif call.endpoint == "embeddings":
            # the model is the vector space: whatever the setting says, what was stored with an
            # OpenAI model does not compare with GLM vectors (nor fits where sized for them)
            documented = self.tables.documented_dimensions
            new = next(iter(documented), None)
            sizes = [str(size) for size in documented.get(new, ())] if new else []
            dimensions = call.kwarg("dimensions")
            sized = ""
            if len(sizes) > 1 and dimensions is None:
                sized = f"; `{new}` makes {sizes[-1]} numbers unless `dimensions=` asks for {_either(sizes[:-1])}"
            elif sizes and dimensions is not None and number_value(dimensions.value) is None:
                # `dimensions=self.dimensions`: GLM215 sees only the numbers written
                sized = f"; `{new}` takes only {_either(sizes)} for `dimensions=`"
            if call.clients and all(client.sdk in ("zai", "zhipuai") for client in call.clients):
                # already on Zhipu's SDK: what it stored came from a Zhipu model (`embedding-2`)
                served = ", ".join(f"`{i}`" for i in sorted(self.tables.targets.get("embeddings", ()), reverse=True))
                self.report(
                    value,
                    f"Embedding model comes from `{code_of(value)}` at run time: make sure Z.AI serves it ({served}); "
                    "a change of model changes the vectors, so re-embed what the old one stored" + sized,
                )
                return
            self.report(
                value,
                f"Embedding model comes from `{code_of(value)}` at run time: make sure it is a GLM one"
                + (f" (`{new}`)" if new else "")
                + ", and re-embed what an OpenAI model stored: its vectors do not compare with GLM ones"
                + sized,
            )
        else:
            code = code_of(value)
            self.report(value, f"Model id comes from `{code}` at run time: make sure it is a GLM id")


def _either(items: list[str]) -> str:
    """`256, 512 or 1024`."""
    return f"{', '.join(items[:-1])} or {items[-1]}" if len(items) > 1 else "".join(items)
