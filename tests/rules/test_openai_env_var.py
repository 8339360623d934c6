from __future__ import annotations

from glm_migrate.rules.openai_env_var import OpenAIEnvVar
from glm_migrate.testing import run_rule


def test_openai_env_var_custom_key_variable_and_environ_get() -> None:
    source = 'import os\nimport openai\nkey = os.environ.get("OPENAI_API_KEY", "")\n'
    result = run_rule(OpenAIEnvVar, source, {"api_key_env": "GLM_KEY"})
    assert result.output.endswith('key = os.environ.get("GLM_KEY", "")\n')


def test_openai_env_var_keeps_a_non_openai_default_url() -> None:
    source = 'import os\nimport openai\nurl = os.getenv("OPENAI_API_BASE", "http://proxy.internal/v1")\n'
    assert run_rule(OpenAIEnvVar, source).output.endswith(
        'url = os.getenv("ZAI_BASE_URL", "http://proxy.internal/v1")\n'
    )


def test_openai_env_var_noop_module_setting_and_client_option() -> None:
    source = (
        "import os\nimport openai\nfrom openai import OpenAI\n"
        'openai.api_key = os.environ["OPENAI_API_KEY"]\n'
        'local = OpenAI(base_url="http://localhost:1/v1", api_key=os.environ["OPENAI_API_KEY"])\n'
    )
    assert not run_rule(OpenAIEnvVar, source).diagnostics
