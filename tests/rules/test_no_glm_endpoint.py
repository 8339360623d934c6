from __future__ import annotations

from glm_migrate.config import Settings
from glm_migrate.engine import migrate_source
from glm_migrate.rules.no_glm_endpoint import NoGlmEndpoint
from glm_migrate.tables import load_tables
from glm_migrate.testing import run_rule

HEAD = "from openai import OpenAI\nclient = OpenAI()\n"


def test_no_glm_endpoint_chained_output_text_with_fstring() -> None:
    source = (
        HEAD + 'def ask(name):\n    return client.responses.create(model="gpt-4.1", input=f"Hi {name}").output_text\n'
    )
    result = run_rule(NoGlmEndpoint, source)
    assert result.output == HEAD + (
        "def ask(name):\n"
        '    return client.chat.completions.create(model="glm-4.6", messages=[{"role": "user", "content": f"Hi {name}"}])'
        '.choices[0].message.content or ""\n'
    )


def test_no_glm_endpoint_async_multiline_keeps_layout() -> None:
    source = (
        "from openai import AsyncOpenAI\nclient = AsyncOpenAI()\n"
        "async def ask():\n"
        "    reply = await client.responses.create(\n"
        '        model="gpt-4.1",\n'
        '        instructions="Be terse.",\n'
        '        input="Tell me a joke",\n'
        "    )\n"
        "    return reply.output_text\n"
    )
    out = run_rule(NoGlmEndpoint, source).output
    assert '    reply = await client.chat.completions.create(\n        model="glm-4.6",\n' in out
    assert '{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Tell me a joke"}' in out
    assert out.endswith('    return reply.choices[0].message.content or ""\n')  # no parentheses needed there


def test_no_glm_endpoint_noop_stateful_responses_call() -> None:
    source = (
        HEAD
        + 'r = client.responses.create(model="gpt-4.1", input="hi", previous_response_id=rid)\nprint(r.output_text)\n'
    )
    result = run_rule(NoGlmEndpoint, source)
    assert result.output == source and not result.diagnostics[0].fixable


def test_no_glm_endpoint_whole_pipeline_moves_the_model_too() -> None:
    source = HEAD + 'r = client.responses.create(model="gpt-4.1", input="hi")\nprint(r.output_text)\n'
    settings = Settings(unsafe_fixes=True, line_length=120)
    result = migrate_source(source, settings=settings, tables=load_tables())
    assert (
        'client.chat.completions.create(model="glm-4.6", messages=[{"role": "user", "content": "hi"}])' in result.output
    )
    again = migrate_source(result.output, settings=settings, tables=load_tables())
    assert again.output == result.output and not any(d.applied for d in again.diagnostics)


def test_no_glm_endpoint_tool_choice_auto_needs_no_advice() -> None:
    # `tool_choice="auto"` is what chat completions take as well: only another value needs a word
    call = 'r = client.responses.create(model="gpt-4.1", input=q, tools=[{"type": "web_search"}], tool_choice=CHOICE)\n'
    auto = run_rule(NoGlmEndpoint, HEAD + call.replace("CHOICE", '"auto"')).diagnostics[0].message
    required = run_rule(NoGlmEndpoint, HEAD + call.replace("CHOICE", '"required"')).diagnostics[0].message
    assert "tool_choice" not in auto and "web_search" in auto
    assert '`tool_choice=`: chat completions take `tool_choice="auto"` only' in required
