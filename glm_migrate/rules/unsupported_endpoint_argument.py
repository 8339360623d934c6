from __future__ import annotations

from functools import partial

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import endpoint_argument_problems, remove_kwargs
from glm_migrate.rules.unsupported_chat_parameter import item_read
from glm_migrate.semantic import ApiCall

#: what the caller reads differently once an argument is gone
CONSEQUENCES = {
    ("images", "response_format"): "the image comes back as `data[0].url`, not `b64_json`",
    ("images", "n"): "GLM returns one image per call",
    ("images", "stream"): "the call returns one response, not a stream of events: change the code reading it",
    ("images", "partial_images"): "the call returns one response, not a stream of events: change the code reading it",
    ("audio_transcriptions", "response_format"): "the transcription comes back as JSON with `text`",
}


class UnsupportedEndpointArgument(Rule):
    """
    ## What it does
    Finds arguments of image-generation and transcription calls bound for Z.AI that GLM's
    endpoint does not take (`n`, `response_format`, `style`, `background` on images; `language`,
    `temperature`, `timestamp_granularities`, `response_format` on transcriptions; the lists are
    `[accepted]` in `rules/parameters.toml`), and image sizes or qualities cogview-4 rejects.

    ## Why is this bad?
    cogview-4-250304 returns one image as a URL, takes `quality` `hd` or `standard` and sizes
    with sides of 512-2048 divisible by 16; glm-asr has no language or output-format options.
    Until the call passes only what GLM takes, GLM101 leaves its model id alone.

    ## Example
    ```python
    client.images.generate(model="dall-e-3", prompt=p, n=1, response_format="b64_json")
    ```
    Use instead:
    ```python
    client.images.generate(model="cogview-4-250304", prompt=p)  # then download data[0].url
    ```

    ## Fix safety
    Removing an argument whose value is OpenAI's default (`n=1`, `response_format="url"`) is
    safe. Removing any other is unsafe: the caller gets one URL instead of several images or
    base64 data, or a transcription without the requested language or format; where the code
    reads an image past the first by a literal index (`result.data[1]` after `n=2`), which would
    raise IndexError, removing `n=` is left to a person. Sizes, qualities,
    `**` splats and the arguments that make an image call stream events (`stream=True`,
    `partial_images=`: the code reading the events must change too) are reported for a person.
    While any of those is left, the call's client does not move in a safe run (engine.py), even
    where its model is chosen at run time and no model id holds it back.
    """

    CODE = "GLM214"
    NAME = "unsupported-endpoint-argument"
    SUMMARY = "Image or transcription argument GLM's endpoint does not take"
    FIX_TITLE = "Remove the argument"
    APPLICABILITY = Applicability.UNSAFE
    # a call keeping an argument GLM's endpoint rejects fails at Z.AI: its client waits for it,
    # as a literal model id already makes it (GLM101 leaves the id until the call is mended)
    REPORTS_REJECTED_ARGUMENT = True

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().images.generate(model="cogview-4-250304", prompt="p", size="1440x720", quality="hd")'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().audio.transcriptions.create(model="whisper-1", file=f, prompt="names")'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.images.generate(model="sd", prompt="p", n=4)'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().images.generate(model="dall-e-3", prompt="p", n=1, response_format="url")',
            expected='from openai import OpenAI\nOpenAI().images.generate(model="dall-e-3", prompt="p")',
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().images.generate(model="dall-e-2", prompt="p", n=4, response_format="b64_json")',
            expected='from openai import OpenAI\nOpenAI().images.generate(model="dall-e-2", prompt="p")',
            unsafe=True,
        ),
        Invalid('from openai import OpenAI\nOpenAI().images.generate(model="dall-e-2", prompt="p", size="256x256")'),
        Invalid(
            'from openai import OpenAI\nOpenAI().audio.transcriptions.create(model="whisper-1", file=f, language="de")',
            expected='from openai import OpenAI\nOpenAI().audio.transcriptions.create(model="whisper-1", file=f)',
            unsafe=True,
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if not call.migratable:
            return
        label = "image generation" if call.endpoint == "images" else "transcription"
        for problem in endpoint_argument_problems(call, self.tables):
            message = f"{problem.message} on {label}"
            keyword = problem.arg.keyword
            name = keyword.value if keyword is not None else ""
            consequence = CONSEQUENCES.get((call.endpoint or "", name))
            if problem.removal is not Applicability.SAFE and consequence:
                message += f": {consequence}"
            past = (
                item_read(self.model, call, self.tables.image_generation.beyond_first.get(name, frozenset()))
                if call.endpoint == "images" and problem.removal is Applicability.UNSAFE
                else None
            )
            if past is not None:
                # `result.data[1]` after `n=2`: one image without it, so the read raises IndexError
                message += f"; the code reads `{past}`, which does not exist without it: remove both by hand"
            if problem.removal is None or keyword is None or past is not None:
                self.report(problem.arg, message)
                continue
            fix = Fix(
                ((call.node, partial(remove_kwargs, names={name})),),
                f"Remove `{name}=`",
                applicability=problem.removal,
            )
            self.report(problem.arg, message, fix=fix)
            self.claim(problem.arg, fix=problem.removal)  # the call's model id may move with it
