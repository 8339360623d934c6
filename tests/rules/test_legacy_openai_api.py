from __future__ import annotations

import textwrap

from glm_migrate.rules.legacy_openai_api import LegacyOpenAIApi
from glm_migrate.testing import run_rule

V1 = {"openai_major": 1}


def _fixed(source: str, settings: dict[str, object] | None = None) -> str:
    return run_rule(LegacyOpenAIApi, textwrap.dedent(source), settings).output


def _statuses(source: str, settings: dict[str, object] | None = None, *, unsafe: bool = True) -> list[str]:
    result = run_rule(LegacyOpenAIApi, textwrap.dedent(source), settings, unsafe=unsafe)
    calls = [d for d in result.diagnostics if not d.message.startswith("Model id")]  # the calls' findings
    return [d.applicability.value + (" applied" if d.applied else "") for d in calls]


def test_legacy_api_one_finding_per_call_even_through_two_bindings_of_openai() -> None:
    source = "import openai\nimport openai.error\nr = openai.Embedding.create(model='m', input='x')\n"
    assert _statuses(source, unsafe=False) == ["unsafe"]


def test_legacy_api_branches_assigning_the_same_name_convert_together() -> None:
    # babyagi's openai_call: Completion in one branch, ChatCompletion in the other, one `response`
    source = """\
    import openai
    def call(prompt, chat):
        if chat:
            response = openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
            return response["choices"][0]["message"]["content"]
        response = openai.Completion.create(engine="davinci", prompt=prompt)
        return response["choices"][0]["text"]
    """
    output = _fixed(source)
    assert output.count("openai.chat.completions.create(") == 2
    assert output.count("return response.choices[0].message.content") == 2
    # the completion's conversion is unsafe, so the chat call waits for it: they share the reads
    assert _statuses(source, V1, unsafe=False) == ["unsafe", "unsafe"]


def test_legacy_api_get_defaults_and_membership_tests() -> None:
    source = """\
    import openai
    def stream(q):
        out = []
        for chunk in openai.ChatCompletion.create(model="gpt-4", messages=q, stream=True):
            delta = chunk["choices"][0]["delta"]
            if "content" not in delta:
                continue
            out.append(delta.get("content", ""))
            calls = delta.get("tool_calls", [])
            role = delta.get("role")
        return out
    """
    output = _fixed(source)
    assert "if delta.content is None:" in output
    assert 'out.append((delta.content or ""))' in output
    assert "calls = (delta.tool_calls or [])" in output and "role = delta.role" in output


def test_legacy_api_positional_transcription_arguments_become_keywords() -> None:
    source = "import openai\nt = openai.Audio.transcribe('whisper-1', f)\nprint(t['text'])\n"
    assert _fixed(source) == (
        "import openai\nt = openai.audio.transcriptions.create(model='whisper-1', file=f)\nprint(t.text)\n"
    )


def test_legacy_api_noop_without_required_arguments() -> None:
    source = "import openai\nimport pytest\nwith pytest.raises(Exception):\n    openai.ChatCompletion.create()\n"
    assert _fixed(source) == textwrap.dedent(source)
    assert _statuses(source) == ["manual"]


def test_legacy_api_apis_glm_lacks_are_reported_once_with_advice() -> None:
    source = "import openai\nopenai.Moderation.create(input='x')\nopenai.FineTune.create(training_file='f')\n"
    result = run_rule(LegacyOpenAIApi, source)
    assert result.output == source
    messages = [d.message for d in result.diagnostics]
    assert len(messages) == 2 and "content-safety" in messages[0] and "fine-tuning" in messages[1]


def test_legacy_api_completion_advice_is_chat_never_completions() -> None:
    source = "import openai\nr = openai.Completion.create(model='davinci', prompt=['a', 'b'])\n"
    result = run_rule(LegacyOpenAIApi, source)
    assert result.output == source
    assert "openai.completions" not in result.diagnostics[0].message
    assert "chat.completions.create" in result.diagnostics[0].message
