from __future__ import annotations

from glm_migrate.rules.streamed_tool_calls import StreamedToolCalls
from glm_migrate.testing import run_rule


def test_streamed_tool_calls_zhipuai_needs_extra_body() -> None:
    # zhipuai 2.1.5's create() has no tool_stream keyword.
    source = 'from zhipuai import ZhipuAI\nZhipuAI().chat.completions.create(model="glm-4.6", tools=t, stream=True)\n'
    result = run_rule(StreamedToolCalls, source, {"tool_stream": True}, unsafe=False)
    assert result.output.endswith('stream=True, extra_body={"tool_stream": True})\n')


def test_streamed_tool_calls_noop_unresolved_model() -> None:
    source = (
        "from openai import OpenAI\ndef f(m):\n    OpenAI().chat.completions.create(model=m, tools=t, stream=True)\n"
    )
    assert not run_rule(StreamedToolCalls, source).diagnostics


def test_streamed_tool_calls_noop_stream_false() -> None:
    source = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", tools=t, stream=False)\n'
    assert not run_rule(StreamedToolCalls, source).diagnostics


def test_streamed_tool_calls_through_splat() -> None:
    source = (
        "from openai import OpenAI\n"
        'OPTS = {"stream": True, "tools": TOOLS}\n'
        'OpenAI().chat.completions.create(model="glm-4.6", messages=[], **OPTS)\n'
    )
    result = run_rule(StreamedToolCalls, source, {"tool_stream": True})
    assert result.output.endswith('**OPTS, extra_body={"tool_stream": True})\n')
