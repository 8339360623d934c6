from __future__ import annotations

from glm_migrate.config import Settings
from glm_migrate.engine import migrate_source
from glm_migrate.tables import load_tables


def test_module_client_settings_go_after_the_import_of_os() -> None:
    # babyagi's skills: `import openai` on the first line, `import os` below it; settings put
    # right after `import openai` raised NameError on import
    source = (
        "import openai\nimport json\nimport os\n\nr = openai.chat.completions.create(model='glm-4.6', messages=[])\n"
    )
    output = migrate_source(source, settings=Settings(), tables=load_tables()).output
    lines = output.splitlines()
    assert lines[:6] == [
        "import openai",
        "import json",
        "import os",
        "",
        'openai.api_key = os.environ["ZAI_API_KEY"]',
        'openai.base_url = os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/")',
    ]
    compile(output, "x.py", "exec")


def test_a_key_setting_given_only_to_the_module_client_of_a_module_sending_nothing_waits() -> None:
    """LLMlearning: `openai.api_key = KEY` (or a getter's result) in a module that sends nothing
    through the module client: renamed, the key would be Z.AI's while whatever uses that client
    may still talk to OpenAI, as GLM001 says of a lookup written there. Where the module sends
    through it, the setting follows the client to Z.AI."""
    getter = 'def get_key():\n    return os.environ["OPENAI_API_KEY"]\n\n'
    for defined, key in (("", 'os.environ["OPENAI_API_KEY"]'), (getter, "get_key()")):
        source = f"import os\n\nimport openai\n\n{defined}KEY = {key}\nopenai.api_key = KEY\n"
        result = migrate_source(source, settings=Settings(), tables=load_tables())
        assert result.output == source
        assert not [d for d in result.diagnostics if d.code == "GLM001"]
        renames = [d for d in result.diagnostics if d.code == "GLM009"]
        assert renames and all("sends nothing through the `openai` module client" in d.message for d in renames)
        sent = source + 'openai.chat.completions.create(model="glm-4.6", messages=[])\n'
        assert 'os.environ["ZAI_API_KEY"]' in migrate_source(sent, settings=Settings(), tables=load_tables()).output
