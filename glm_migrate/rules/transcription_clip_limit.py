from __future__ import annotations

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.semantic import ApiCall, string_value


class TranscriptionClipLimit(Rule):
    """
    ## What it does
    Warns at transcription calls whose OpenAI model (`whisper-1`, `gpt-4o-transcribe`) GLM101
    replaces with `glm-asr`.

    ## Why is this bad?
    glm-asr transcribes clips of at most 30 seconds and 25 MB; Whisper takes files of any length
    up to 25 MB. Longer recordings are rejected and must be split (on silences, with a little
    overlap) and the texts joined. Z.AI documents speech recognition for the China region
    (open.bigmodel.cn) only; check that your key and region serve it.

    ## Example
    ```python
    client.audio.transcriptions.create(model="whisper-1", file=meeting_recording)
    ```
    Use instead: split the audio into clips of at most 30 seconds and transcribe each with
    `model="glm-asr"`.

    ## Fix safety
    No fix: splitting audio is application code. A warning; fails `--check` only with `--strict`.
    """

    CODE = "GLM105"
    NAME = "transcription-clip-limit"
    SUMMARY = "Whisper replaced by glm-asr, which takes clips of at most 30 seconds"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().audio.transcriptions.create(model="glm-asr", file=f)'),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:9000/v1")\nc.audio.transcriptions.create(model="whisper-1", file=f)'
        ),
    )
    INVALID = (
        Invalid('from openai import OpenAI\nOpenAI().audio.transcriptions.create(model="whisper-1", file=f)'),
        Invalid('import openai\nMODEL = "gpt-4o-transcribe"\nopenai.audio.transcriptions.create(model=MODEL, file=f)'),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "audio_transcriptions" or not call.migratable:
            return
        for literal in self.model.model_literals(call)[0]:
            old = string_value(literal) or ""
            new = self.tables.lookup_model("audio_transcriptions", old)
            if new and not self.tables.is_target("audio_transcriptions", old):
                seconds, megabytes = self.tables.transcription_limits
                self.report(
                    call.node,
                    f"`{new}` (for `{old}`) transcribes clips of at most {seconds} seconds and {megabytes} MB: "
                    "split longer audio (documented for the China region only)",
                )
                return
