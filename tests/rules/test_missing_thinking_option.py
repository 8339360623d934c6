"""GLM204 and the GlmOptions helper it shares with GLM205-GLM207: where GLM-only options go."""

from __future__ import annotations

from glm_migrate.rules.missing_thinking_option import MissingThinkingOption
from glm_migrate.testing import run_rule

DISABLED = {"thinking": "disabled"}


def _codes(result: object) -> list[str]:
    return [d.code for d in result.diagnostics]  # type: ignore[attr-defined]


def test_missing_thinking_option_multiline_extra_body_keeps_layout() -> None:
    source = (
        "from openai import OpenAI\n"
        "OpenAI().chat.completions.create(\n"
        '    model="glm-4.6",\n'
        "    extra_body={\n"
        '        "request_id": rid,\n'
        "    },\n"
        ")\n"
    )
    result = run_rule(MissingThinkingOption, source, DISABLED)
    assert result.output == source.replace(
        '        "request_id": rid,\n', '        "request_id": rid,\n        "thinking": {"type": "disabled"},\n'
    )


def test_missing_thinking_option_visible_splat_gets_keyword() -> None:
    source = (
        "from openai import OpenAI\n"
        'PARAMS = {"model": "glm-4.6"}\n'
        "OpenAI().chat.completions.create(messages=[], **PARAMS)\n"
    )
    result = run_rule(MissingThinkingOption, source, DISABLED)
    assert result.output.endswith('**PARAMS, extra_body={"thinking": {"type": "disabled"}})\n')


def test_missing_thinking_option_noop_option_in_splat() -> None:
    source = (
        "from openai import OpenAI\n"
        'PARAMS = {"model": "glm-4.6", "extra_body": {"thinking": {"type": "enabled"}}}\n'
        "OpenAI().chat.completions.create(messages=[], **PARAMS)\n"
    )
    result = run_rule(MissingThinkingOption, source, DISABLED)
    assert result.output == source and not result.diagnostics


def test_missing_thinking_option_hidden_splat_is_reported_not_fixed() -> None:
    source = "from openai import OpenAI\ndef f(**kw):\n    OpenAI().chat.completions.create(model='glm-4.6', **kw)\n"
    result = run_rule(MissingThinkingOption, source, DISABLED)
    assert result.output == source
    assert _codes(result) == ["GLM204"] and "by hand" in result.diagnostics[0].message


def test_missing_thinking_option_extra_body_from_splat_is_reported() -> None:
    source = (
        "from openai import OpenAI\n"
        'PARAMS = {"extra_body": {"request_id": "r"}}\n'
        "OpenAI().chat.completions.create(model='glm-4.6', messages=[], **PARAMS)\n"
    )
    result = run_rule(MissingThinkingOption, source, DISABLED)
    assert result.output == source
    assert "splat" in result.diagnostics[0].message


def test_missing_thinking_option_untraced_receiver_uses_imported_sdk() -> None:
    source = "from zhipuai import ZhipuAI\ndef f(client):\n    client.chat.completions.create(model='glm-4.6')\n"
    result = run_rule(MissingThinkingOption, source, DISABLED)
    assert 'client.chat.completions.create(model=\'glm-4.6\', thinking={"type": "disabled"})' in result.output


def test_missing_thinking_option_noop_mixed_sdks_unknown_receiver() -> None:
    source = "import openai\nimport zai\ndef f(client):\n    client.chat.completions.create(model='glm-4.6')\n"
    result = run_rule(MissingThinkingOption, source, DISABLED)
    assert result.output == source
    assert "SDK is not known" in result.diagnostics[0].message


def test_missing_thinking_option_noop_embeddings() -> None:
    source = "from openai import OpenAI\nOpenAI().embeddings.create(model='embedding-3', input='x')\n"
    assert not run_rule(MissingThinkingOption, source, DISABLED).diagnostics
