from __future__ import annotations

from glm_migrate.rules.greedy_temperature import GreedyTemperature
from glm_migrate.testing import run_rule


def test_greedy_temperature_existing_do_sample_keeps_it() -> None:
    source = (
        "from openai import OpenAI\n"
        'OpenAI().chat.completions.create(model="glm-4.6", temperature=0, extra_body={"do_sample": False})\n'
    )
    result = run_rule(GreedyTemperature, source)
    assert result.output.endswith('temperature=0.01, extra_body={"do_sample": False})\n')


def test_greedy_temperature_not_applied_without_unsafe_fixes() -> None:
    source = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", temperature=0)\n'
    result = run_rule(GreedyTemperature, source, unsafe=False)
    assert result.output == source
    assert [(d.code, d.applied) for d in result.diagnostics] == [("GLM207", False)]


def test_greedy_temperature_extra_body_variable_is_reported() -> None:
    source = (
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", temperature=0, extra_body=b)\n'
    )
    result = run_rule(GreedyTemperature, source)
    assert result.output == source
    assert "not a dict literal" in result.diagnostics[0].message


def test_greedy_temperature_noop_zai_sdk() -> None:
    source = 'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", temperature=0)\n'
    assert not run_rule(GreedyTemperature, source).diagnostics
