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


def test_a_key_setting_handed_to_chromas_openai_embedding_function_keeps_its_name() -> None:
    # Chroma's function embeds with OpenAI through its own client, which no fix moves (GLM302 says
    # how): renamed, the setting would hand the Z.AI key to OpenAI
    source = (
        "import os\nfrom chromadb.utils import embedding_functions\n"
        "def collection():\n"
        '    key = os.getenv("OPENAI_API_KEY")\n'
        "    return embedding_functions.OpenAIEmbeddingFunction(api_key=key)\n"
    )
    result = run_rule(OpenAIEnvVar, source)
    assert result.output == source
    (finding,) = [d for d in result.diagnostics if d.code == "GLM009"]
    assert "OpenAIEmbeddingFunction" in finding.message and "keeps talking to OpenAI" in finding.message
    # pointed at Z.AI, the function moves with the key
    moved = source.replace("(api_key=key)", '(api_key=key, api_base="https://api.z.ai/api/paas/v4/")')
    assert 'os.getenv("ZAI_API_KEY"' in run_rule(OpenAIEnvVar, moved).output


def test_a_key_setting_handed_to_llamaindexs_openai_classes_keeps_its_name() -> None:
    # LlamaIndex's `OpenAIEmbedding` keeps talking to OpenAI (GLM302: no fix moves it): a safe
    # rename handed it the Z.AI key (jwfing/bookmark.ai)
    source = (
        "import os\nfrom llama_index.embeddings.openai import OpenAIEmbedding\n"
        'KEY = os.getenv("OPENAI_API_KEY")\n'
        "def embedder():\n"
        "    return OpenAIEmbedding(api_key=KEY)\n"
    )
    result = run_rule(OpenAIEnvVar, source)
    assert result.output == source
    (finding,) = [d for d in result.diagnostics if d.code == "GLM009"]
    assert "OpenAIEmbedding" in finding.message and "keeps talking to OpenAI" in finding.message
    moved = source.replace("(api_key=KEY)", '(api_key=KEY, api_base="https://api.z.ai/api/paas/v4/")')
    assert 'os.getenv("ZAI_API_KEY"' in run_rule(OpenAIEnvVar, moved).output
