from __future__ import annotations

from glm_migrate.rules.langchain_openai_class import LangchainOpenAIClass
from glm_migrate.rules.litellm_model import LitellmModel
from glm_migrate.testing import run_rule


def test_langchain_openai_class_without_model_gets_glm_default() -> None:
    source = 'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(api_key=os.environ["ZAI_API_KEY"], base_url="https://api.z.ai/api/paas/v4/")\n'
    result = run_rule(LangchainOpenAIClass, source)
    assert result.output.endswith('base_url="https://api.z.ai/api/paas/v4/", model="glm-4.6")\n')


def test_langchain_openai_class_model_through_parameter_default() -> None:
    source = (
        "import os\nfrom langchain_openai import ChatOpenAI\n"
        'def make(model="gpt-4-turbo"):\n'
        '    return ChatOpenAI(model=model, api_key=os.environ["ZAI_API_KEY"], base_url="https://api.z.ai/api/paas/v4/")\n'
    )
    assert 'def make(model="glm-4.6"):' in run_rule(LangchainOpenAIClass, source).output


def test_langchain_openai_class_noop_non_langchain_chatopenai() -> None:
    source = "class ChatOpenAI:\n    def __init__(self, **kw): ...\nllm = ChatOpenAI(model='gpt-4o')\n"
    assert not run_rule(LangchainOpenAIClass, source).diagnostics


def test_litellm_model_noop_unknown_model() -> None:
    source = 'import litellm\nlitellm.completion(model="ft:gpt-4o:acme::x", messages=[])\n'
    assert not run_rule(LitellmModel, source).diagnostics


ZAI = 'base_url="https://api.z.ai/api/paas/v4/", api_key=k'


def test_langchain_openai_class_moves_two_glm_options_into_one_extra_body() -> None:
    source = f'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", {ZAI}, thinking=T, tool_stream=True)\n'
    out = run_rule(LangchainOpenAIClass, source).output
    assert out.endswith(f'ChatOpenAI(model="glm-4.6", {ZAI}, extra_body={{"thinking": T, "tool_stream": True}})\n')


def test_langchain_openai_class_reports_responses_switch_and_variable_extra_body() -> None:
    source = f'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", {ZAI}, reasoning=R, thinking=T, extra_body=B)\n'
    result = run_rule(LangchainOpenAIClass, source)
    assert result.output == source
    messages = sorted(d.message for d in result.diagnostics)
    assert any("Responses API" in m for m in messages) and any("fails at call time" in m for m in messages)


def test_langchain_openai_class_configured_thinking_switch() -> None:
    source = f'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="glm-4.6", {ZAI}, extra_body={{"tool_stream": True}})\n'
    out = run_rule(LangchainOpenAIClass, source, {"thinking": "disabled"}).output
    assert out.endswith('extra_body={"tool_stream": True, "thinking": {"type": "disabled"}})\n')
    assert run_rule(LangchainOpenAIClass, out, {"thinking": "disabled"}).output == out
