"""The text report as a user sees it, on a small tree with findings of every kind: through a pipe
and on a terminal (snapshots in fixtures/text_report/, rewritten with
GLM_MIGRATE_UPDATE_FIXTURES=1; review the diff like code), and its details one by one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from clirunner import FIXTURES, environment, glm_migrate, through_a_terminal

UPDATE = os.environ.get("GLM_MIGRATE_UPDATE_FIXTURES") == "1"
SNAPSHOTS = FIXTURES / "text_report"

#: a small project: fixes, unsafe fixes, manual work of several kinds, warnings and notes
TREE = {
    "src/app.py": """\
from openai import OpenAI

client = OpenAI()


def ask(prompt):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
""",
    "src/prices.py": """\
PRICES = {"gpt-4o": 2.5, "gpt-4o-mini": 0.15, "gpt-4.1": 2.0, "o3-mini": 1.1}
CONTEXT = {"gpt-4o": 128_000, "gpt-4o-mini": 128_000}


def is_openai(model):
    return model.startswith("gpt-")
""",
    "src/legacy.py": """\
import openai


def old(prompt):
    response = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": prompt}])
    return response["choices"][0]["message"]["content"]
""",
    "src/tuned.py": """\
from openai import OpenAI

client = OpenAI()
reply = client.chat.completions.create(model="ft:gpt-4o:acme::x1", messages=[])
""",
    "src/azure_token.py": """\
from azure.identity import DefaultAzureCredential, get_bearer_token_provider
from openai import AzureOpenAI

token = get_bearer_token_provider(DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default")
client = AzureOpenAI(azure_ad_token_provider=token, api_version="2024-10-21", azure_endpoint="https://x.openai.azure.com")
""",
    "src/nothing.py": "print('no SDK here')\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, text in TREE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _snapshot(name: str, shown: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(shown, encoding="utf-8")
    assert shown == path.read_text(encoding="utf-8")


def test_through_a_pipe(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--no-cache", cwd=tree)
    assert result.returncode == 1, result.stderr
    _snapshot("check_pipe.txt", result.stdout)


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _through_a_terminal(cwd: Path, *args: str) -> str:
    """What the command prints on a 100-column terminal, colours taken out."""
    pytest.importorskip("pty")
    env = environment({"TERM": "xterm", "COLUMNS": "100", "LINES": "40"})
    env.pop("NO_COLOR", None)
    _, shown, _ = through_a_terminal(list(args), cwd, env, stdout_too=True)
    return _ANSI.sub("", shown.decode()).replace("\r\n", "\n")


def test_on_a_terminal(tree: Path) -> None:
    _snapshot("check_terminal.txt", _through_a_terminal(tree, "src", "--check", "--no-cache", "-j", "1"))


def test_notes_are_counted_and_listed_with_show_advice(tree: Path) -> None:
    hidden = glm_migrate("src", "--check", "--no-cache", cwd=tree).stdout
    shown = glm_migrate("src", "--check", "--no-cache", "--show-advice", cwd=tree).stdout
    table = "src/prices.py:1:10 GLM103 [advice] 4 OpenAI model ids (`gpt-4o`, `gpt-4o-mini`, `gpt-4.1` and 1 more)"
    assert table not in hidden and "2 notes not listed (--show-advice lists notes)" in hidden
    assert table in shown and "src/prices.py:2:11 GLM103 [advice] 2 OpenAI model ids" in shown
    assert "2 notes listed above" in shown
    # a model-name test is a warning, listed without --show-advice
    assert "src/prices.py:6:29 GLM103 [advice] Model-name test" in hidden


def test_notes_never_fail_a_run_even_strict(tmp_path: Path) -> None:
    (tmp_path / "prices.py").write_text('import openai\nPRICES = {"gpt-4o": 2.5}\n', encoding="utf-8")
    assert glm_migrate("prices.py", "--check", "--strict", cwd=tmp_path).returncode == 0


def test_a_tree_with_nothing_to_migrate_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    result = glm_migrate("a.py", "--check", cwd=tmp_path)
    assert result.stdout == "\nglm-migrate: 1 file scanned, 0 to change, 0 failed; nothing to migrate\n"


def test_the_summary_says_what_to_run_next(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(TREE["src/app.py"], encoding="utf-8")
    checked = glm_migrate("app.py", "--check", cwd=tmp_path).stdout
    assert checked.rstrip().endswith("next: glm-migrate app.py  (applies the fixes shown)")
    applied = glm_migrate("app.py", "--allow-dirty", cwd=tmp_path).stdout
    assert "  fixes     3 applied\n" in applied
    assert applied.rstrip().endswith("next: glm-migrate app.py --check  (in CI: keeps the code migrated)")
    (tmp_path / "legacy.py").write_text(TREE["src/legacy.py"], encoding="utf-8")
    legacy = glm_migrate("legacy.py", "--allow-dirty", cwd=tmp_path).stdout
    assert "next: glm-migrate legacy.py --unsafe-fixes --dry-run  (shows the " in legacy


def test_severity_column_is_the_most_pressing_of_the_rule(tmp_path: Path) -> None:
    (tmp_path / "prices.py").write_text(TREE["src/prices.py"], encoding="utf-8")
    table = glm_migrate("prices.py", "--check", "--show-advice", cwd=tmp_path).stdout
    assert re.search(r"GLM103 .*model-id-as-data .*warning ", table)  # a warning and notes


def test_list_rules_through_a_pipe_is_whole_and_in_code_order(tmp_path: Path) -> None:
    lines = glm_migrate("--list-rules", cwd=tmp_path).stdout.splitlines()
    codes = [line.split()[0] for line in lines]
    assert codes == sorted(codes) and len(codes) == len(set(codes)) > 30
    assert "GLM216  embedding-encoding-format" in lines[codes.index("GLM216")]
    assert lines[codes.index("GLM216")].endswith('OpenAI SDK embeddings without `encoding_format="float"`')


def test_explain_through_a_pipe_is_the_documentation_uncut(tmp_path: Path) -> None:
    shown = glm_migrate("--explain", "GLM001", cwd=tmp_path).stdout
    assert shown.startswith("# GLM001 openai-api-key\n")
    assert "```python" in shown  # the markdown as written, examples whole


def test_a_config_error_names_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.glm-migrate]\nfoo = 1\n", encoding="utf-8")
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    result = glm_migrate("a.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key `foo` in [tool.glm-migrate] (known keys:" in result.stderr


def test_diff_headers_of_absolute_paths(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    app = tree / "src" / "app.py"
    inside = glm_migrate(str(app), "--dry-run", cwd=tree).stdout
    assert "--- a/src/app.py\n+++ b/src/app.py\n" in inside
    elsewhere = glm_migrate(str(app), "--dry-run", cwd=tmp_path_factory.mktemp("elsewhere")).stdout
    assert f"--- {app}\n+++ {app}\n" in elsewhere and "a//" not in elsewhere


README_APP = """\
from openai import OpenAI

client = OpenAI()
PRICES = {"gpt-4o": 2.5, "gpt-4o-mini": 0.15}


def ask(prompt, model="gpt-4o"):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])


TUNED_MODEL = "ft:gpt-4o:acme::x1"  # the support bot's fine-tune
"""


def test_the_readme_example_output_is_real_output(tmp_path: Path) -> None:
    readme = (FIXTURES.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```text\n$ glm-migrate src --check\n", 1)[1].split("\n```\n", 1)[0]
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(README_APP, encoding="utf-8")
    shown = glm_migrate("src", "--check", cwd=tmp_path).stdout
    assert [line.rstrip() for line in shown.strip().splitlines()] == example.splitlines()


def test_calls_of_ids_already_shut_down_come_first_in_the_summary(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI(base_url=URL)\n"
        'client.chat.completions.create(model="gpt-4", messages=[])\n'
        'client.chat.completions.create(model="gpt-4o", messages=[])\n',
        encoding="utf-8",
    )
    # SOURCE_DATE_EPOCH (clirunner) judges the run on 2026-12-20: gpt-4 is off since 2026-10-23
    shown = glm_migrate("app.py", "--check", cwd=tmp_path).stdout
    assert "`gpt-4` on chat completions; OpenAI shut it down on 2026-10-23: calls with it fail today" in shown
    assert "`gpt-4o` on chat completions; OpenAI shuts it down on 2027-01-14" in shown
    summary = shown.split("glm-migrate: 1 file scanned", 1)[1].splitlines()
    assert summary[1] == "  shut down 1 finding on OpenAI model ids already shut down: those calls fail today"
    (tmp_path / "pyproject.toml").write_text("[tool.glm-migrate]\nas-of = 2026-10-01\n", encoding="utf-8")
    earlier = glm_migrate("app.py", "--check", cwd=tmp_path).stdout
    assert (
        "shut down 1 finding" not in earlier
        and "`gpt-4` on chat completions; OpenAI shuts it down on 2026-10-23" in earlier
    )
    markdown = glm_migrate(
        "app.py", "--check", "--output-format", "markdown", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1797724800"}
    ).stdout
    assert "shut down" not in markdown  # the configuration's as-of wins over the environment


def test_a_zhipuai_requirement_is_not_counted_as_openai_0_work(tmp_path: Path) -> None:
    # a project already on Zhipu's SDK pins no openai<1: the summary must not say so
    (tmp_path / "requirements.txt").write_text("zhipuai>=2\n")
    (tmp_path / "a.py").write_text("print(1)\n")
    out = glm_migrate(".", "--check", "--no-cache", cwd=tmp_path).stdout
    assert "SDK dependencies (openai<1, zhipuai)" in out
    assert "legacy SDK (openai<1)" not in out
