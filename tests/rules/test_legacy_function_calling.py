from __future__ import annotations

from glm_migrate.rules.forced_tool_choice import ForcedToolChoice
from glm_migrate.rules.legacy_function_calling import LegacyFunctionCalling
from glm_migrate.rules.multiple_stop_sequences import MultipleStopSequences
from glm_migrate.testing import run_rule

HEAD = "from openai import OpenAI\nc = OpenAI()\n"


def test_legacy_function_calling_none_drops_both() -> None:
    source = HEAD + 'c.chat.completions.create(model="glm-4.6", functions=F, function_call="none")\n'
    result = run_rule(LegacyFunctionCalling, source)
    assert result.output.endswith('c.chat.completions.create(model="glm-4.6")\n')


def test_legacy_function_calling_multiline_list_keeps_layout() -> None:
    source = HEAD + 'c.chat.completions.create(\n    model="glm-4.6",\n    functions=[\n        WEATHER,\n    ],\n)\n'
    result = run_rule(LegacyFunctionCalling, source)
    assert result.output == HEAD + (
        'c.chat.completions.create(\n    model="glm-4.6",\n    tools=[\n'
        '        {"type": "function", "function": WEATHER},\n    ],\n)\n'
    )


def test_legacy_function_calling_with_tools_is_reported_only() -> None:
    source = HEAD + 'c.chat.completions.create(model="glm-4.6", functions=F, tools=T)\n'
    result = run_rule(LegacyFunctionCalling, source)
    assert result.output == source and "merge them by hand" in result.diagnostics[0].message


def test_forced_tool_choice_keeps_quote_style() -> None:
    source = HEAD + "c.chat.completions.create(model='glm-4.6', tools=t, tool_choice='required')\n"
    assert run_rule(ForcedToolChoice, source).output.endswith("tool_choice='auto')\n")


def test_multiple_stop_sequences_noop_variable_list() -> None:
    assert not run_rule(
        MultipleStopSequences, HEAD + 'c.chat.completions.create(model="glm-4.6", stop=STOPS)\n'
    ).diagnostics
