"""GLM107 beyond its embedded examples: keys, URLs, splats and what is left alone."""

from __future__ import annotations

from glm_migrate.rules.litellm_model import LitellmModel
from glm_migrate.testing import run_rule


def test_an_api_base_at_openai_follows_the_model_to_zai() -> None:
    source = (
        'import litellm\nlitellm.completion(model="gpt-5.4-mini", messages=[], api_base="https://api.openai.com/v1")\n'
    )
    result = run_rule(LitellmModel, source, {"base_url_style": "literal"})
    assert result.output == (
        'import os\n\nimport litellm\nlitellm.completion(model="zai/glm-4.6", messages=[], api_base="https://api.z.ai/api/paas/v4/", '
        'api_key=os.environ["ZAI_API_KEY"])\n'
    )


def test_a_model_already_on_zai_still_gets_zai_s_key() -> None:
    # `os.getenv("ZAI_API_KEY")` would be None when unset, and LiteLLM would send OPENAI_API_KEY
    source = 'import os\nimport litellm\nlitellm.completion(model="zai/glm-4.6", messages=[], api_key=os.getenv("OPENAI_API_KEY"))\n'
    assert 'api_key=os.environ["ZAI_API_KEY"]' in run_rule(LitellmModel, source).output


def test_a_call_left_on_zai_s_key_by_default_gets_no_key() -> None:
    # already on `zai/` before this run: its author chose to rely on ZAI_API_KEY
    source = 'import litellm\nlitellm.completion(model="zai/glm-4.6", messages=[])\n'
    assert run_rule(LitellmModel, source).output == source


def test_a_model_hidden_in_a_splat_is_reported() -> None:
    result = run_rule(LitellmModel, "import litellm\nlitellm.completion(messages=[], **options)\n")
    assert [d.message for d in result.diagnostics] == [
        "Model of `litellm.completion` not visible (passed through `**`): make it a `zai/` id"
    ]


def test_a_proxy_and_other_providers_are_left_alone() -> None:
    source = (
        "import litellm\n"
        'PROXY = "http://litellm-proxy.internal:4000"\n'
        'litellm.completion(model="gpt-4o", messages=[], api_base=PROXY)\n'
        'litellm.completion(model="ollama/llama3", messages=[], **options)\n'
        'litellm.completion(model="openai/my-vllm-model", messages=[])\n'
        'litellm.completion(model="ft:gpt-4o:acme::x1", messages=[])\n'
    )
    result = run_rule(LitellmModel, source)
    assert result.output == source and not result.diagnostics


def test_a_name_that_is_not_litellm_s_completion_is_not_touched() -> None:
    source = 'def completion(**kw): ...\ncompletion(model="gpt-4o", messages=[])\n'
    assert not run_rule(LitellmModel, source).diagnostics
