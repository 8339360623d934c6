"""Hard-coded keys of every client glm-migrate touches are found, and never shown in any output."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirunner import glm_migrate

from glm_migrate.formats import FORMATS
from glm_migrate.redaction import redact
from glm_migrate.rules.hardcoded_api_key import HardcodedApiKey
from glm_migrate.rules.openai_env_var import OpenAIEnvVar
from glm_migrate.testing import run_rule

#: Zhipu's `<id>.<secret>` shape: the secret part must never be shown
ZHIPU_ID, ZHIPU_SECRET = "3f6c0a1b2c3d4e5f60718293a4b5c6d7", "Xy9QwErTyUiOpAsD"
ZHIPU_KEY = f"{ZHIPU_ID}.{ZHIPU_SECRET}"
OPENAI_KEY = "sk-proj-QwErTyUiOp0123456789AsDfGh"
AZURE_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
#: a Zhipu client whose key is not moved without --unsafe-fixes, beside a line that is rewritten:
#: the key stays in the diff's context lines
ZHIPU_APP = f"""\
from zhipuai import ZhipuAI

client = ZhipuAI(api_key="{ZHIPU_KEY}")
reply = client.chat.completions.create(model="glm-4", messages=[{{"role": "user", "content": "hi"}}])
"""
CONSTANT_APP = f"""\
from openai import OpenAI

API_KEY = "{OPENAI_KEY}"
client = OpenAI(api_key=API_KEY)
reply = client.chat.completions.create(model="gpt-4o", messages=[])
"""
AZURE_APP = f"""\
from openai import AzureOpenAI

client = AzureOpenAI(api_key="{AZURE_KEY}", azure_endpoint="https://x.openai.azure.com", api_version="2024-10-21")
"""
SECRETS = (ZHIPU_SECRET, OPENAI_KEY[8:24], AZURE_KEY[4:28])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "zhipu.py").write_text(ZHIPU_APP)
    (tmp_path / "constant.py").write_text(CONSTANT_APP)
    (tmp_path / "azure.py").write_text(AZURE_APP)
    return tmp_path


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("mode", ["--check", "--dry-run"])
def test_no_output_shows_a_key(tree: Path, output_format: str, mode: str) -> None:
    summary = tree / "summary.md"
    result = glm_migrate(
        ".", mode, "--output-format", output_format, cwd=tree, env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.returncode == 1 and "GLM003" in result.stdout
    for shown in (result.stdout, result.stderr, summary.read_text()):
        assert not [secret for secret in SECRETS if secret in shown], output_format


def test_diff_context_lines_are_masked(tree: Path) -> None:
    result = glm_migrate("zhipu.py", "--dry-run", cwd=tree)
    context = [line for line in result.stdout.splitlines() if line.startswith(" client = ZhipuAI")]
    assert context == [' client = ZhipuAI(api_key="3f…(redacted)")'], result.stdout
    assert '+reply = client.chat.completions.create(model="glm-4.6"' in result.stdout


def test_baselines_todo_markers_and_applied_runs_show_no_key(tree: Path) -> None:
    baseline = glm_migrate(".", "--check", "--write-baseline", "baseline.json", cwd=tree)
    todo = glm_migrate(".", "--add-todo", "--allow-dirty", "--unsafe-fixes", cwd=tree)
    for shown in (baseline.stdout, baseline.stderr, (tree / "baseline.json").read_text(), todo.stdout, todo.stderr):
        assert not [secret for secret in SECRETS if secret in shown]
    # applied: every key is now read from the environment
    for name in ("zhipu.py", "constant.py", "azure.py"):
        assert not [secret for secret in SECRETS if secret in (tree / name).read_text()], name


def test_redaction_masks_zhipu_shaped_keys_without_a_finding() -> None:
    assert redact(f"key {ZHIPU_KEY} end") == "key 3f…(redacted) end"
    assert redact("see docs.python.org/3/library") == "see docs.python.org/3/library"


def test_hardcoded_key_in_a_constant_only_moves_when_only_clients_read_it() -> None:
    result = run_rule(HardcodedApiKey, CONSTANT_APP, unsafe=False)
    assert 'API_KEY = os.environ["ZAI_API_KEY"]' in result.output
    shared = CONSTANT_APP + "headers = {'Authorization': API_KEY}\n"
    result = run_rule(HardcodedApiKey, shared)
    assert result.output == shared
    assert [(d.code, d.applicability.value) for d in result.diagnostics] == [("GLM003", "manual")]


def test_hardcoded_key_of_a_zhipu_client_is_an_unsafe_fix() -> None:
    result = run_rule(HardcodedApiKey, ZHIPU_APP, unsafe=False)
    assert result.output == ZHIPU_APP
    assert [(d.code, d.applicability.value) for d in result.diagnostics] == [("GLM003", "unsafe")]
    # a placeholder and a local server's key are not keys glm-migrate reports
    placeholder = 'from zai import ZaiClient\nc = ZaiClient(api_key="your-api-key")\n'
    local = f'from openai import OpenAI\nc = OpenAI(api_key="{OPENAI_KEY}", base_url="http://localhost:8000/v1")\n'
    assert not run_rule(HardcodedApiKey, placeholder).diagnostics
    assert not run_rule(HardcodedApiKey, local).diagnostics


def test_env_key_default_is_reported_without_a_fix() -> None:
    source = f'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.getenv("OPENAI_API_KEY", "{OPENAI_KEY}"))\n'
    result = run_rule(HardcodedApiKey, source)
    assert result.output == source and [d.applicability.value for d in result.diagnostics] == ["manual"]


SETTINGS_MODULE = """\
import os

from openai import OpenAI

API_KEY = os.getenv("OPENAI_API_KEY")
CONFIG = {"key": os.environ.get("OPENAI_API_KEY"), "model": "gpt-4o"}


class Settings:
    api_key = os.environ["OPENAI_API_KEY"]

    def client(self):
        return OpenAI(api_key=self.api_key)


settings = Settings()
first = OpenAI(api_key=API_KEY)
second = OpenAI(api_key=CONFIG["key"])
third = OpenAI(api_key=settings.api_key)
"""


def test_key_settings_that_only_feed_moved_clients_move_with_them() -> None:
    result = run_rule(OpenAIEnvVar, SETTINGS_MODULE, unsafe=False)
    assert "OPENAI_API_KEY" not in result.output, result.output
    assert [d.applicability.value for d in result.diagnostics] == ["safe"] * 3


@pytest.mark.parametrize(
    "extra",
    [
        "print(API_KEY)\n",  # read elsewhere
        "local = OpenAI(api_key=API_KEY, base_url='http://localhost:8000/v1')\n",  # a client that stays
        "API_KEY = API_KEY.strip()\n",  # bound twice
    ],
)
def test_key_settings_read_elsewhere_stay_unsafe(extra: str) -> None:
    source = SETTINGS_MODULE + extra
    result = run_rule(OpenAIEnvVar, source, unsafe=False)
    first = next(d for d in result.diagnostics if d.span.line == 5)
    assert first.applicability.value == "unsafe" and 'API_KEY = os.getenv("OPENAI_API_KEY")' in result.output


def test_hardcoded_key_of_a_client_glm_migrate_cannot_move_is_reported_only() -> None:
    # the class is chosen at run time: GLM008 cannot convert it, so the Azure key stays Azure's
    source = (
        "from openai import AsyncAzureOpenAI, AzureOpenAI\n"
        "cls = AsyncAzureOpenAI if ASYNC else AzureOpenAI\n"
        f'client = cls(api_key="{AZURE_KEY}", azure_endpoint="https://x.openai.azure.com", api_version="2024-10-21")\n'
    )
    result = run_rule(HardcodedApiKey, source)
    assert result.output == source
    assert [(d.code, d.applicability.value) for d in result.diagnostics] == [("GLM003", "manual")]


def test_a_key_found_by_one_worker_is_masked_in_every_file_the_run_shows(tmp_path: Path) -> None:
    # enough files for a process pool: each worker finds the keys of its own files
    # (a key of no known shape: only the finding in azure.py says it is one)
    (tmp_path / "azure.py").write_text(AZURE_APP)
    for number in range(40):
        (tmp_path / f"m{number:02}.py").write_text(
            f'from openai import OpenAI\n\n# rotated: "{AZURE_KEY}"\nreply = OpenAI().chat.completions.create(model="gpt-4o", messages=[])\n'
        )
    result = glm_migrate(".", "--dry-run", "-j", "2", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1 and "+reply = OpenAI(" in result.stdout and "m39.py" in result.stdout
    assert AZURE_KEY[4:28] not in result.stdout + result.stderr
