from __future__ import annotations

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._helpers import vector_space_change
from glm_migrate.semantic import ApiCall, string_value


class EmbeddingVectorSpace(Rule):
    """
    ## What it does
    Warns at every embeddings call whose OpenAI model (`text-embedding-3-small`, `-large`,
    `text-embedding-ada-002`) GLM101 replaces with `embedding-3`: vectors already stored (in a
    vector database, a cache, a file) were made by another model.

    ## Why is this bad?
    Vectors of different models live in different spaces: comparing a GLM query vector with
    stored OpenAI vectors returns nonsense, and the sizes differ too (`text-embedding-3-small`
    makes 1536 numbers, `embedding-3` 2048 unless `dimensions=` says otherwise), which many vector
    indexes reject outright.

    ## Example
    ```python
    client.embeddings.create(model="text-embedding-3-small", input=texts)
    ```
    Use instead: re-embed every stored text with `embedding-3`, with a `dimensions=` (256-2048)
    your index is built for:
    ```python
    client.embeddings.create(model="embedding-3", input=texts, dimensions=1024, encoding_format="float")
    ```

    ## Fix safety
    No fix: re-embedding is a data migration. A warning; fails `--check` only with `--strict`.
    """

    CODE = "GLM106"
    NAME = "embedding-vector-space"
    SUMMARY = "Embedding model change: stored vectors must be re-embedded"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x", dimensions=1024)'),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.embeddings.create(model="text-embedding-3-small", input="x")'
        ),
    )
    INVALID = (
        Invalid('from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-3-small", input="x")'),
        Invalid(
            'import openai\nopenai.embeddings.create(model="text-embedding-ada-002", input=texts, dimensions=1024)'
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "embeddings" or not call.migratable:
            return
        for literal in self.model.model_literals(call)[0]:
            old = string_value(literal) or ""
            new = self.tables.lookup_model("embeddings", old)
            if not new or self.tables.is_target("embeddings", old):
                continue
            self.report(call.node, vector_space_change(self.tables, old, new, call.kwarg("dimensions") is not None))
            return
