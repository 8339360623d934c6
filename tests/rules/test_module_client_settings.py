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
