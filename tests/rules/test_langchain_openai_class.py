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


def test_a_subclass_of_a_langchain_openai_class_is_reported_where_it_is_defined() -> None:
    # DemoGPT's `class OpenAIChatModel(ChatOpenAI, BaseLLM)`, built in other modules and notebooks:
    # no fix moves its instances, so the class says what they need
    source = (
        "from langchain_openai import ChatOpenAI, OpenAI\n"
        "class Chat(ChatOpenAI, Base):\n    def run(self, prompt):\n        return self.invoke(prompt).content\n"
        "class Completion(OpenAI):\n    pass\n"
    )
    result = run_rule(LangchainOpenAIClass, source)
    assert result.output == source
    chat, completion = [d for d in result.diagnostics if d.code == "GLM006"]
    assert chat.span.line == 2 and "`Chat` subclasses LangChain's `ChatOpenAI`" in chat.message
    assert 'api_key=os.environ["ZAI_API_KEY"]' in chat.message and "`glm-4.6`" in chat.message
    assert completion.span.line == 5 and "`/completions`" in completion.message
    # one that chooses its own server is left to its own settings
    own = "from langchain_openai import ChatOpenAI\nclass Local(ChatOpenAI):\n    base_url: str = 'http://localhost:8000/v1'\n"
    assert not run_rule(LangchainOpenAIClass, own).diagnostics


def test_an_agent_factory_given_an_openai_model_string_is_reported() -> None:
    # `create_agent(model="gpt-4.1")` builds a `ChatOpenAI` from the string (`init_chat_model`)
    source = (
        "from langchain.agents import create_agent\nfrom langgraph.prebuilt import create_react_agent\n"
        'agent = create_agent(model="gpt-4.1", tools=[])\n'
        'other = create_react_agent("openai:gpt-4o-mini", tools)\n'
        'claude = create_agent(model="anthropic:claude-sonnet-4-5", tools=[])\n'
    )
    result = run_rule(LangchainOpenAIClass, source)
    assert result.output == source
    first, second = [d for d in result.diagnostics if d.code == "GLM006"]
    assert first.span.line == 3 and "`create_agent` builds LangChain's `ChatOpenAI` from `gpt-4.1`" in first.message
    assert second.span.line == 4 and "`openai:gpt-4o-mini`" in second.message
