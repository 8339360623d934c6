from __future__ import annotations

import re

import libcst as cst

from glm_migrate.rules._base import Invalid, Rule, RuleContext, Valid
from glm_migrate.semantic import ApiCall, string_value
from glm_migrate.tables import ModelMatch, split_provider

_WORDS = re.compile(r"[^a-z0-9]+")
#: the endpoints whose ids GLM101 maps: an id none of its entries knows is reported
_ENDPOINTS = ("chat", "embeddings", "images", "audio_transcriptions")


class UnknownModelId(Rule):
    """
    ## What it does
    Reports model ids sent to a client that is (or will be) aimed at Z.AI when the id is neither
    a GLM id nor in the model map (typos, private ids), and ids the map says have no GLM
    equivalent: fine-tuned ids (`ft:gpt-4o:acme::abc`, unless `[tool.glm-migrate.models]` maps
    them), `glm-4-long`, and OpenAI ids of another API sent to chat completions
    (`gpt-4o-audio-preview`, which answers in speech).

    ## Why is this bad?
    Z.AI rejects an id it does not serve (error 1211), and a fine-tuned OpenAI model has no
    counterpart: its behaviour has to be re-created with prompts or a GLM fine-tune.

    ## Example
    ```python
    client.chat.completions.create(model="ft:gpt-4o:acme::abc", messages=messages)
    ```
    Use instead: pick a GLM model, or map the id in `[tool.glm-migrate.models]`.

    Fine-tuned ids are reported wherever they are written (a constant, a LiteLLM or LangChain
    model, a settings default), not only where a request is seen to send them; ids sent through a
    client aimed at another server (`base_url="http://localhost:8000/v1"`) are left alone.

    An empty string (`self.model = ""`, filled in before the request) is a placeholder, not an id.

    Off chat (embeddings, images, transcriptions) even a mapped id moves only by an unsafe fix
    (another vector space, another image or speech model), so a client one of whose such calls
    sends an unknown id (an Azure deployment's name, `dalle3`) waits with it: moved, the request
    would reach Z.AI with a name it does not serve. On chat the id is reported and the client
    moves; a person maps the id.

    ## Fix safety
    No fix: glm-migrate never guesses a model. A client that sends an OpenAI id without a GLM
    counterpart stays where it is in a safe run (its move is an unsafe fix): moved, its requests
    would be rejected by Z.AI.
    """

    CODE = "GLM102"
    NAME = "unknown-model-id"
    SUMMARY = "Model id with no known GLM equivalent"

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])'),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="llama3", messages=[])'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="ft:gpt-4o:acme::x1", messages=[])'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])'
        ),  # mapped: GLM101's
        Valid(  # an empty placeholder, filled in before the request
            'from openai import OpenAI\nclass Chat:\n    def __init__(self):\n        self.client = OpenAI()\n        self.model = ""\n'
            "    def ask(self, model, text):\n        self.model = model\n"
            "        return self.client.chat.completions.create(model=self.model, messages=[])"
        ),
        Valid(  # the project maps its fine-tune in `[tool.glm-migrate.models]`
            'import litellm\nFINE_TUNED = "ft:gpt-4o-mini-2024-07-18:acme::abc123"',
            settings={"models": {"ft:gpt-4o-mini-2024-07-18:acme::abc123": "glm-4.6"}},
        ),
    )
    INVALID = (
        Invalid('from openai import OpenAI\nOpenAI().chat.completions.create(model="ft:gpt-4o:acme::x1", messages=[])'),
        Invalid('from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4-long", messages=[])'),
        Invalid('import litellm\nFINE_TUNED = "ft:gpt-4o-mini-2024-07-18:acme::abc123"'),
        Invalid('from openai import OpenAI\nOpenAI().chat.completions.create(model="acme-support-bot", messages=[])'),
        Invalid(
            'from openai import AzureOpenAI\nc = AzureOpenAI(api_version=v, azure_endpoint=e)\nc.images.generate(model="dalle3", prompt=p)'
        ),
        Invalid(  # an audio model on chat completions: known, with no GLM counterpart
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o-audio-preview", messages=[])'
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._reported: set[cst.CSTNode] = set()

    def on_api_call(self, call: ApiCall) -> None:
        endpoint = call.endpoint
        if endpoint not in _ENDPOINTS or not call.migratable:
            return
        for literal in self.model.model_literals(call)[0]:
            model_id = string_value(literal)
            # `self.model = ""` is a placeholder a later assignment fills, not a model id
            if not model_id or model_id.isspace() or self.tables.is_target(endpoint, model_id):
                continue
            if not any(character.isalnum() for character in model_id):
                continue  # `"***"`, `"..."`: a placeholder (or a redacted value), not an id
            if literal in self._reported:
                continue  # reported for another call sending it (a sync and an async client)
            if not call.clients and self._names_another_provider(model_id):
                continue  # `deepseek-chat` through a client built out of sight: that provider's request
            self._reported.add(literal)
            match = self.tables.match_on(endpoint, model_id)
            if match is None:
                # an id the map knows on another API with no GLM counterpart (`gpt-4o-audio-preview`,
                # an audio model chat completions serve): what to do instead, not "unknown"
                other = self.tables.match_model(model_id)
                if other is not None and not other.glm:
                    self.report(literal, _no_equivalent(model_id, other), model=other)
                    continue
                if other is not None:
                    # `model = "gpt-4o"` ... `model = "text-embedding-3-small"` in one notebook: a
                    # name reassigned for each request carries every value to every call; the
                    # call of the API that knows the id reports it (GLM101)
                    continue
                self.report(literal, f"Unknown model id `{model_id}`: map it in `[tool.glm-migrate.models]`")
            elif not match.glm:
                self.report(literal, _no_equivalent(model_id, match), model=match)

    def _names_another_provider(self, model_id: str) -> bool:
        """Whether the id names another provider's model (`deepseek-chat`, `llama-3.1-8b-instant`,
        by `[providers] other_model_words`) and not OpenAI's (`openai/gpt-4o`)."""
        words = set(_WORDS.split(model_id.lower()))
        return "openai" not in words and not words.isdisjoint(self.tables.sdk.other_model_words)

    def on_module_end(self) -> None:
        # Ids of a `report_anywhere` family (fine-tuned ones) are reported where they are written;
        # those a request sends were handled above, or stay with the server they go to.
        anywhere = [family.pattern for family in self.tables.families if family.report_anywhere]
        # the families' own patterns first: cheaper than the whole lookup, and run for every string
        candidates = [
            (literal, value)
            for literal, _ in self.model.string_literals
            if (value := string_value(literal)) is not None
            and any(pattern.fullmatch(split_provider(value)[1]) for pattern in anywhere)
        ]
        if not candidates:
            return
        sent = {literal for call in self.model.api_calls for literal in self.model.model_literals(call)[0]}
        for literal, value in candidates:
            if literal in sent or self.claimed(literal):
                continue
            match = self.tables.match_model(split_provider(value)[1])  # a user override of the id wins
            if match is not None and match.family is not None and match.family.report_anywhere:
                self.claim(literal)
                self.report(literal, _no_equivalent(value, match), model=match)


def _no_equivalent(model_id: str | None, match: ModelMatch) -> str:
    why = f": {match.why}" if match.why else ""
    return f"Model id `{model_id}`{match.label} has no GLM equivalent{why}"
