"""GLM002's URL said once per module: a `ZAI_BASE_URL` constant when several clients move."""

from __future__ import annotations

from typing import Any

from glm_migrate.config import Settings
from glm_migrate.engine import migrate_source
from glm_migrate.tables import load_tables

TWO = "from openai import AsyncOpenAI, OpenAI\nimport os\n\nclient = OpenAI(api_key=k)\naclient = AsyncOpenAI(api_key=k)\n"
LOOKUP = 'os.environ.get("ZAI_BASE_URL", "https://api.z.ai/api/paas/v4/")'


def _migrated(source: str, **settings: Any) -> str:
    return migrate_source(source, settings=Settings(**settings), tables=load_tables()).output


def test_openai_client_base_url_two_clients_share_one_constant() -> None:
    output = _migrated(TWO)
    assert output.count(f"ZAI_BASE_URL = {LOOKUP}\n") == 1
    assert output.count("base_url=ZAI_BASE_URL") == 2
    assert output.index("import os") < output.index("ZAI_BASE_URL =") < output.index("client = OpenAI")
    assert _migrated(output) == output


def test_openai_client_base_url_noop_constant_for_one_client() -> None:
    output = _migrated("from openai import OpenAI\nimport os\n\nclient = OpenAI(api_key=k)\n")
    assert f"base_url={LOOKUP}" in output and "ZAI_BASE_URL =" not in output


def test_openai_client_base_url_noop_constant_when_switched_off_or_literal() -> None:
    assert "ZAI_BASE_URL =" not in _migrated(TWO, base_url_once=False)
    assert "ZAI_BASE_URL =" not in _migrated(TWO, base_url_style="literal")


def test_openai_client_base_url_noop_constant_over_a_name_of_the_users() -> None:
    source = TWO.replace("\nclient", '\nZAI_BASE_URL = "https://proxy.example/v4/"\nclient', 1)
    output = _migrated(source)
    assert output.count("ZAI_BASE_URL =") == 1 and output.count(f"base_url={LOOKUP}") == 2


def test_openai_client_base_url_noop_module_settings_in_a_file_without_requests() -> None:
    # the file only keeps a key for code that calls the API with `requests`: nothing to point
    source = 'import openai\nimport requests\n\nopenai.api_key = KEY\nrequests.post(URL, json={"model": MODEL})\n'
    assert "openai.base_url" not in _migrated(source)
    called = source + 'openai.chat.completions.create(model="glm-4.6", messages=[])\n'
    assert "openai.base_url = os.environ.get(" in _migrated(called)


KEY_CHECKED = """from openai import OpenAI


class Backend:
    def __init__(self, api_key):
        {check}
        self.client = OpenAI(api_key=api_key)
"""


def test_openai_client_base_url_noop_key_that_must_be_openais() -> None:
    for check in ('if not api_key.startswith(("sk-", "sk-proj-")):\n            raise ValueError(api_key)',):
        source = KEY_CHECKED.format(check=check)
        assert _migrated(source) == source


def test_openai_client_base_url_key_check_that_does_not_stop_the_program() -> None:
    # a warning, or a test of another name, leaves the client free to move
    for check in (
        'if not api_key.startswith("sk-"):\n            print("not an OpenAI key")',
        'if not other.startswith("sk-"):\n            raise ValueError(other)',
        'if not api_key.startswith("Bearer "):\n            raise ValueError(api_key)',
    ):
        assert "base_url=" in _migrated(KEY_CHECKED.format(check=check))


def test_openai_client_base_url_noop_inherited_key_of_a_class_naming_openais_variable() -> None:
    """`self.api_key` filled by a base class of another module from the variable the subclass
    names (`ENV_API_KEY = "OPENAI_API_KEY"`, nexoia-io/nexoia-sdk): OpenAI's key, so adding only
    `base_url=` would send it to Z.AI; the move waits for GLM001's unsafe fix of the key."""
    source = (
        "from openai import OpenAI\n\nfrom .base import BaseClient\n\n\n"
        'class Client(BaseClient):\n    ENV_API_KEY = "OPENAI_API_KEY"\n\n'
        "    def start(self):\n        self.client = OpenAI(api_key=self.api_key)\n"
    )
    result = migrate_source(source, settings=Settings(), tables=load_tables())
    assert result.output == source
    found = {d.code: d.applicability.value for d in result.diagnostics if d.applicability is not None}
    assert found == {"GLM001": "unsafe", "GLM002": "unsafe"}, found
    # the class names Z.AI's variable instead, so a key a caller passes still comes first
    migrated = _migrated(source, unsafe_fixes=True)
    assert 'ENV_API_KEY = "ZAI_API_KEY"' in migrated and "api_key=self.api_key" in migrated
    # a class naming no key variable (`PROVIDER = "openai"`) says nothing of the inherited key
    other = source.replace('ENV_API_KEY = "OPENAI_API_KEY"', 'PROVIDER = "openai"')
    result = migrate_source(other, settings=Settings(), tables=load_tables())
    assert not any("is OpenAI's key" in d.message for d in result.diagnostics)


def test_openai_client_base_url_noop_parameter_given_openais_key_in_turn() -> None:
    # `api_key = api_key or os.getenv("OPENAI_API_KEY")` before `OpenAI(api_key=api_key)`: the
    # parameter holds OpenAI's key when no caller gives one, so the client waits for GLM001
    source = (
        "import os\nfrom openai import OpenAI\n\n\ndef make(api_key=None):\n"
        '    api_key = api_key or os.getenv("OPENAI_API_KEY")\n    return OpenAI(api_key=api_key)\n'
    )
    result = migrate_source(source, settings=Settings(), tables=load_tables())
    assert result.output == source
    key = next(d for d in result.diagnostics if d.code == "GLM001")
    assert "OpenAI's key (`OPENAI_API_KEY`)" in key.message and key.applicability.value == "unsafe"
    # a parameter never given OpenAI's key is the caller's to choose, as before
    own = source.replace('os.getenv("OPENAI_API_KEY")', 'os.getenv("LLM_KEY")')
    assert "base_url=" in migrate_source(own, settings=Settings(), tables=load_tables()).output
    # ... nor one a branch for another provider gives OpenAI's key (a provider switch)
    branch = (
        "import os\nfrom openai import OpenAI\n\n\ndef make(kind, api_key=None):\n    if kind == 'other':\n"
        '        api_key = os.getenv("OPENAI_API_KEY", api_key)\n        return Other(api_key)\n'
        "    return OpenAI(api_key=api_key)\n"
    )
    assert "base_url=" in migrate_source(branch, settings=Settings(), tables=load_tables()).output
