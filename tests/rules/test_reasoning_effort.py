from __future__ import annotations

from glm_migrate.rules.reasoning_effort import ReasoningEffort
from glm_migrate.testing import run_rule


def test_reasoning_effort_none_disables_thinking_in_existing_extra_body() -> None:
    source = (
        "from openai import AsyncOpenAI\n"
        "c = AsyncOpenAI()\n"
        "async def f():\n"
        '    await c.chat.completions.create(model="glm-4.6", reasoning_effort="none", extra_body={"request_id": "r"})\n'
    )
    result = run_rule(ReasoningEffort, source, unsafe=False)
    assert 'create(model="glm-4.6", extra_body={"request_id": "r", "thinking": {"type": "disabled"}})' in result.output


def test_reasoning_effort_with_thinking_already_set_is_only_removed() -> None:
    source = (
        "from zai import ZaiClient\n"
        'ZaiClient().chat.completions.create(model="glm-4.6", thinking={"type": "enabled"}, reasoning_effort="low")\n'
    )
    result = run_rule(ReasoningEffort, source, unsafe=False)
    assert result.output.endswith('create(model="glm-4.6", thinking={"type": "enabled"})\n')


def test_reasoning_effort_computed_value_is_reported() -> None:
    source = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", reasoning_effort=pick())\n'
    result = run_rule(ReasoningEffort, source)
    assert result.output == source
    assert [d.code for d in result.diagnostics] == ["GLM205"]
    assert not result.diagnostics[0].fixable


def test_reasoning_effort_noop_on_responses_api() -> None:
    # `reasoning=` on the Responses API is another rule's business.
    source = (
        'from openai import OpenAI\nOpenAI().responses.create(model="o3", input="x", reasoning={"effort": "low"})\n'
    )
    assert not run_rule(ReasoningEffort, source).diagnostics
