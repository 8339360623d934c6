"""GLM214 together with GLM101: image and transcription models move only with clean arguments."""

from __future__ import annotations

from typing import Any

from glm_migrate.config import Settings
from glm_migrate.engine import migrate_source
from glm_migrate.rules.openai_model_name import OpenAIModelName
from glm_migrate.rules.unsupported_endpoint_argument import UnsupportedEndpointArgument
from glm_migrate.tables import load_tables

HEAD = "from openai import OpenAI\nc = OpenAI()\n"
RULES = (OpenAIModelName, UnsupportedEndpointArgument)


def _run(source: str, **settings: Any) -> str:
    return migrate_source(source, settings=Settings(**settings), tables=load_tables(), rules=RULES).output


def test_unsupported_endpoint_argument_default_removed_and_model_moved_in_one_run() -> None:
    source = HEAD + 'c.images.generate(model="dall-e-3", prompt="p", n=1)\n'
    # another image model is the user's call (unsafe), and the client moves only with it: a safe
    # run leaves the call as OpenAI takes it, `n=1` included
    assert _run(source) == source
    out = _run(source, unsafe_fixes=True)
    assert out.endswith('c.images.generate(model="cogview-4-250304", prompt="p")\n')
    assert _run(out, unsafe_fixes=True) == out


def test_unsupported_endpoint_argument_unsafe_removal_moves_model_only_with_unsafe_fixes() -> None:
    source = HEAD + 'c.audio.transcriptions.create(model="whisper-1", file=f, temperature=0.2)\n'
    assert _run(source) == source
    out = _run(source, unsafe_fixes=True)
    assert out.endswith('c.audio.transcriptions.create(model="glm-asr", file=f)\n')
    assert _run(out, unsafe_fixes=True) == out


def test_unsupported_endpoint_argument_bad_size_blocks_model() -> None:
    source = HEAD + 'c.images.generate(model="dall-e-2", prompt="p", size="512x512")\n'
    assert _run(source, unsafe_fixes=True).endswith('model="cogview-4-250304", prompt="p", size="512x512")\n')
    source = HEAD + 'c.images.generate(model="dall-e-2", prompt="p", size="1000x1000")\n'
    assert _run(source, unsafe_fixes=True) == source  # 1000 is not a multiple of 16


def test_unsupported_endpoint_argument_noop_splat_reported_not_moved() -> None:
    source = HEAD + 'c.images.generate(model="dall-e-3", prompt="p", **OPTIONS)\n'
    result = migrate_source(source, settings=Settings(), tables=load_tables(), rules=RULES)
    assert result.output == source
    assert [d.code for d in result.diagnostics] == ["GLM101", "GLM214"]
    model_finding = result.diagnostics[0]
    assert not model_finding.fixable and "once the call passes only what GLM's endpoint takes" in model_finding.message


def test_unsupported_endpoint_argument_shared_constant_stays_for_blocked_call() -> None:
    source = (
        HEAD
        + 'IMAGE_MODEL = "dall-e-3"\n'
        + 'c.images.generate(model=IMAGE_MODEL, prompt="p")\n'
        + 'c.images.generate(model=IMAGE_MODEL, prompt="p", style="vivid")\n'
    )
    assert _run(source) == source
