from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import add_kwarg
from glm_migrate.semantic import ApiCall, string_value


class EmbeddingEncodingFormat(Rule):
    """
    ## What it does
    Adds `encoding_format="float"` to embeddings calls the OpenAI SDK sends to Z.AI, and warns
    about an explicit `encoding_format="base64"`.

    ## Why is this bad?
    Without it the OpenAI SDK asks for `"base64"` and decodes the answer itself. Z.AI does not
    document base64 embeddings; `"float"` is what it documents and what the zai SDK sends.

    ## Example
    ```python
    client.embeddings.create(model="embedding-3", input=texts)
    ```
    Use instead:
    ```python
    client.embeddings.create(model="embedding-3", input=texts, encoding_format="float")
    ```

    ## Fix safety
    Safe: the SDK returns the same lists of floats either way; only the wire format changes. An
    explicit `"base64"` (code that decodes the vectors itself) is reported, not changed. Calls
    through the zai and zhipuai SDKs are left alone.
    """

    CODE = "GLM216"
    NAME = "embedding-encoding-format"
    SUMMARY = 'OpenAI SDK embeddings without `encoding_format="float"`'
    FIX_TITLE = 'Add `encoding_format="float"`'

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x", encoding_format="float")'
        ),
        Valid('from zai import ZaiClient\nZaiClient().embeddings.create(model="embedding-3", input="x")'),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.embeddings.create(model="e5", input="x")'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().embeddings.create(model="embedding-3", input="x", **options)'
        ),  # the splat may carry it
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-3-small", input="x")',
            expected='from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-3-small", input="x", encoding_format="float")',
        ),
        Invalid('import openai\nopenai.embeddings.create(model="embedding-3", input="x", encoding_format="base64")'),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "embeddings" or not call.migratable or self.model.sdk_of(call) not in ("openai", "azure"):
            return
        arg = call.kwarg("encoding_format")
        if arg is not None:
            if string_value(arg.value) != "float":
                self.report(
                    arg,
                    'Z.AI does not document base64 embeddings: use `encoding_format="float"`',
                    severity=Severity.WARNING,
                )
            return
        if any(a.star == "**" for a in call.node.args):
            return  # the splat may carry it; GLM104 already flags what cannot be seen
        fix = Fix(
            ((call.node, lambda node: add_kwarg(node, "encoding_format", cst.SimpleString('"float"'))),),
            self.FIX_TITLE,
        )
        self.report(call.node, "The OpenAI SDK asks for base64 embeddings unless told otherwise", fix=fix)
