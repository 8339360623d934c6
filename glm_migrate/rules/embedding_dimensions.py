from __future__ import annotations

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._helpers import number_value
from glm_migrate.semantic import ApiCall, string_value


class EmbeddingDimensions(Rule):
    """
    ## What it does
    Checks a literal `dimensions=` of embeddings calls bound for Z.AI against the model it goes
    to (after the model map): `embedding-3` takes 256 to 2048 and documents 256, 512, 1024 and
    2048; `embedding-2` is fixed at 1024.

    ## Why is this bad?
    A size the model cannot produce is rejected. A size inside the range but not among the
    documented options (OpenAI's 1536, for instance) is unverified: it may be rejected or
    rounded, and a vector index built for it would break.

    ## Example
    ```python
    client.embeddings.create(model="embedding-3", input=texts, dimensions=3072)
    ```
    Use instead:
    ```python
    client.embeddings.create(model="embedding-3", input=texts, dimensions=2048)
    ```

    ## Fix safety
    No fix: the vector size is part of your index's schema, so the choice is yours. Out-of-range
    values are errors; in-range undocumented values are warnings.
    """

    CODE = "GLM215"
    NAME = "embedding-dimensions"
    SUMMARY = "`dimensions` the GLM embedding model does not document"

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x", dimensions=512)'),
        Valid('from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x", dimensions=n)'),
        Valid(
            'from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x")'
        ),  # no `dimensions`
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-3-large", input="x", dimensions=3072)'
        ),
        Invalid(
            'from zai import ZaiClient\nZaiClient().embeddings.create(model="embedding-3", input="x", dimensions=1536)'
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        arg = call.kwarg("dimensions")
        if arg is None or call.endpoint != "embeddings" or not call.migratable:
            return
        value = number_value(arg.value)
        if value is None:
            return
        for literal in self.model.model_literals(call)[0]:
            model_id = string_value(literal) or ""
            target = self.tables.glm_id("embeddings", model_id)
            documented = self.tables.documented_dimensions.get(target or "")
            if not documented or value in documented:
                continue
            shown, options = int(value), ", ".join(str(size) for size in documented)
            if min(documented) <= value <= max(documented):
                message = f"`dimensions={shown}` is not a documented size of `{target}` ({options})"
                self.report(arg, message, severity=Severity.WARNING)
            else:
                self.report(arg, f"`{target}` cannot make {shown} dimensions: documented sizes are {options}")
            return
