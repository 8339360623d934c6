"""Configuration around the code: .env files, settings files and dependency manifests."""

from __future__ import annotations

import json
from pathlib import Path, PurePath

import pytest
from clirunner import glm_migrate

from glm_migrate.config import Settings
from glm_migrate.config_files import config_kind, data_kind, scan_config, without_secrets
from glm_migrate.diagnostics import Applicability, Diagnostic
from glm_migrate.tables import load_tables

SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"


def scan(name: str, text: str, *, unsafe_fixes: bool = True) -> tuple[str, list[str]]:
    settings = Settings(unsafe_fixes=unsafe_fixes)
    output, diagnostics = scan_config(PurePath(name), text, tables=load_tables(), settings=settings)
    return output, [f"{d.span.line}:{d.span.column} {d.code} {_status(d)}" for d in diagnostics]


def _status(diagnostic: Diagnostic) -> str:
    if diagnostic.applied:
        return "fixed"
    return "unsafe" if diagnostic.applicability is Applicability.UNSAFE else "manual"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (".env", "env"),
        (".env.example", "env"),
        ("prod.env", "env"),
        ("env.example", "env"),  # a template named without the leading dot
        ("env.sample", "env"),
        ("environment.yml", "settings"),
        ("settings.yaml", "settings"),
        ("config.toml", "settings"),
        ("app.json", "settings"),
        ("requirements-dev.txt", "manifest"),
        ("pyproject.toml", "manifest"),
        ("setup.cfg", "manifest"),
        ("poetry.lock", "settings"),  # data (data_kind): scanned only with --include
        ("package-lock.json", "settings"),
        ("notes.txt", None),
    ],
)
def test_config_kind(name: str, kind: str | None) -> None:
    assert config_kind(PurePath(name)) == kind


def test_env_template_is_rewritten_keys_and_models_only() -> None:
    text = f"OPENAI_API_KEY={SECRET}\nOPENAI_BASE_URL=https://api.openai.com/v1\nOPENAI_MODEL=gpt-4o\nPORT=8000\n"
    output, found = scan(".env.example", text)
    assert output == (
        f"ZAI_API_KEY={SECRET}\nZAI_BASE_URL=https://api.z.ai/api/paas/v4/\nOPENAI_MODEL=glm-4.6\nPORT=8000\n"
    )
    assert found == ["1:1 GLM401 fixed", "2:1 GLM401 fixed", "2:17 GLM402 fixed", "3:14 GLM403 fixed"]
    assert scan(".env.example", output)[1] == []


@pytest.mark.parametrize(
    "name", ["example.env", "example.local.env", "sample.env", "local.example.env", "env.example", ".env.local.example"]
)
def test_env_templates_named_other_ways_are_templates(name: str) -> None:
    """`example.env` or `env.example` is a template to copy as `.env.example` is; `prod.env` and
    `.env.local` are real files, only reported."""
    text = "OPENAI_API_KEY=your-key\nOPENAI_MODEL=gpt-4o\n"
    assert scan(name, text)[0] == "ZAI_API_KEY=your-key\nOPENAI_MODEL=glm-4.6\n"
    for real in ("prod.env", ".env.local"):
        assert scan(real, text)[0] == text


def test_env_template_waits_for_unsafe_fixes() -> None:
    # code left as it is may still read OPENAI_API_KEY, or send the template's model to OpenAI
    text = "OPENAI_API_KEY=your-key\nOPENAI_MODEL=gpt-4o\n"
    output, found = scan(".env.example", text, unsafe_fixes=False)
    assert output == text
    assert found == ["1:1 GLM401 unsafe", "2:14 GLM403 unsafe"]


def test_real_env_file_is_only_reported_and_secret_redacted() -> None:
    text = f"OPENAI_API_KEY={SECRET}\n"
    output, diagnostics = scan_config(PurePath(".env"), text, tables=load_tables(), settings=Settings())
    assert output == text
    assert [d.code for d in diagnostics] == ["GLM401"]
    assert SECRET not in diagnostics[0].message and SECRET[:12] not in diagnostics[0].message


def test_settings_files_report_models_and_urls() -> None:
    _, yaml_found = scan("settings.yaml", "llm:\n  model: gpt-4o-mini\n  base_url: https://api.openai.com/v1\n")
    assert yaml_found == ["2:10 GLM403 manual", "3:13 GLM402 manual"]
    _, json_found = scan("app.json", json.dumps({"model": "text-embedding-3-small", "name": "gpt-engineer"}))
    assert json_found == ["1:12 GLM403 manual"]


def test_manifests_report_old_pins_and_zhipuai() -> None:
    _, found = scan("requirements.txt", "openai==0.28.1\nopenai>=1.0\nzhipuai>=2\nrequests\n")
    assert found == ["1:1 GLM404 manual", "3:1 GLM404 manual"]
    _, pyproject = scan(
        "pyproject.toml",
        '[project]\nkeywords = ["openai"]\ndependencies = [\n    "openai<1",\n]\n'
        '[tool.glm-migrate.models]\n"gpt-4o-mini" = "glm-4.5-air"\n',
    )
    assert pyproject == ["4:6 GLM404 manual"]
    _, poetry = scan("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.8"\nopenai = "^0.27.8"\n')
    assert poetry == ["3:1 GLM404 manual"]
    _, pipfile = scan("Pipfile", '[packages]\nopenai = "==0.27.8"\nrequests = "*"\n')
    assert pipfile == ["2:1 GLM404 manual"]
    _, setup_cfg = scan("setup.cfg", "[options]\ninstall_requires =\n    requests\n    openai~=0.27\n")
    assert setup_cfg == ["4:5 GLM404 manual"]


def test_cli_reports_config_files_in_text_and_json(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text("OPENAI_API_KEY=your-key\nOPENAI_MODEL=gpt-4o\n")
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={SECRET}\n")
    (tmp_path / "requirements.txt").write_text("openai==0.28\n")
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert check.returncode == 1
    assert ".env:1:1 GLM401 [manual]" in check.stdout
    assert "requirements.txt:1:1 GLM404 [manual]" in check.stdout
    assert SECRET not in check.stdout + check.stderr
    report = json.loads(glm_migrate(".", "--check", "--output-format", "json", cwd=tmp_path).stdout)
    codes = sorted(d["code"] for f in report["files"] for d in f["diagnostics"])
    assert codes == ["GLM401", "GLM401", "GLM403", "GLM404"]
    applied = glm_migrate(".", "--allow-dirty", cwd=tmp_path)
    assert (tmp_path / ".env.example").read_text() == "OPENAI_API_KEY=your-key\nOPENAI_MODEL=gpt-4o\n"
    applied = glm_migrate(".", "--allow-dirty", "--unsafe-fixes", cwd=tmp_path)
    assert (tmp_path / ".env.example").read_text() == "ZAI_API_KEY=your-key\nOPENAI_MODEL=glm-4.6\n"
    assert (tmp_path / ".env").read_text() == f"OPENAI_API_KEY={SECRET}\n"
    assert applied.returncode == 1  # the real .env and the pin still need a person


def test_select_accepts_config_codes(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("openai==0.28\n")
    result = glm_migrate(".", "--check", "--select", "GLM404", cwd=tmp_path)
    assert result.returncode == 1 and "GLM404" in result.stdout


def test_config_rules_are_listed_and_explained(tmp_path: Path) -> None:
    listing = glm_migrate("--list-rules", cwd=tmp_path)
    assert all(code in listing.stdout for code in ("GLM401", "GLM402", "GLM403", "GLM404"))
    explained = glm_migrate("--explain", "GLM403", cwd=tmp_path)
    assert explained.returncode == 0 and "Fix safety" in explained.stdout


def test_model_families_and_fine_tuned_ids_in_settings() -> None:
    text = (
        "chat_model: gpt-5.4-mini\n"
        "tuned_model: ft:gpt-4o-mini-2024-07-18:acme::abc123\n"
        "voice_model: tts-1-hd\n"
        "local_model: openai-community/gpt2\n"
        "tool_model: gpt-engineer\n"
        'guide_model: "https://example.com/wiki/使用教程#微调-gpt-4o"\n'
    )
    output, diagnostics = scan_config(PurePath("settings.yaml"), text, tables=load_tables(), settings=Settings())
    assert output == text
    found = [(d.span.line, d.message) for d in diagnostics]
    assert found[0] == (1, "Model id `gpt-5.4-mini` (OpenAI chat family): the GLM id is `glm-4.6`")
    assert (
        found[1][0] == 2
        and "`ft:gpt-4o-mini-2024-07-18:acme::abc123` (OpenAI fine-tuned model) has no GLM" in found[1][1]
    )
    assert found[2][0] == 3 and "(OpenAI speech family) has no GLM equivalent: text-to-speech" in found[2][1]
    assert len(found) == 3, "Hugging Face gpt2, gpt-engineer and the tail of a URL anchor are not model ids"


def test_env_template_rewrites_family_ids_but_never_fine_tuned_ones() -> None:
    text = "MODEL=gpt-6.1-sol\nTUNED=ft:gpt-4o:acme::x1\n"
    output, found = scan(".env.example", text)
    assert output == "MODEL=glm-4.6\nTUNED=ft:gpt-4o:acme::x1\n"
    assert found == ["1:7 GLM403 fixed", "2:7 GLM403 manual"]


# configuration shapes: real files the scan used to report line after line -----------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # a GitHub issue template: model ids as dropdown options are not configuration
        (".github/ISSUE_TEMPLATE/bug.yml", "options:\n  - gpt-4o-2024-11-20\n  - other\n", []),
        # but a list under a key that names models is
        ("config.yaml", "models:\n- gpt-4o\n-   gpt-4o-mini\n", ["2:3 GLM403", "3:5 GLM403"]),
        # prose in a description, a prompt or a stored document is not
        ("flow.yaml", "description: |\n  Ask gpt-4o, set OPENAI_API_KEY first.\n", []),
        ("docs.json", json.dumps({"text": "export OPENAI_API_KEY then use gpt-4o"}), []),
        # Kestra / compose / workflow / Kubernetes env shapes are
        (
            "flow.yaml",
            "apiKey: \"{{ secret('OPENAI_API_KEY') }}\"\nmodelName: gpt-4o\n",
            ["1:21 GLM401", "2:12 GLM403"],
        ),
        ("compose.yaml", "environment:\n  - OPENAI_API_KEY=${OPENAI_API_KEY}\n", ["2:5 GLM401", "2:22 GLM401"]),
        ("ci.yml", "env:\n  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n", ["2:3 GLM401", "2:31 GLM401"]),
        # a step running another repository's action configures that action's own OpenAI calls;
        # a `run:` step or a local action runs the project's code
        (
            "review.yml",
            "steps:\n  - uses: someone/ai-reviewer@v1\n    env:\n      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
            "    with:\n      model: gpt-4o\n  - name: test\n    run: pytest\n    env:\n"
            "      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n  - name: local\n    uses: ./.github/actions/eval\n"
            "    with:\n      model: gpt-4o\n",
            ["10:7 GLM401", "10:35 GLM401", "14:14 GLM403"],
        ),
        ("deploy.yaml", "env:\n  - name: OPENAI_API_KEY\n    value: x\n", ["2:11 GLM401"]),
        (
            "app.toml",
            '[llm]\nmodel = "openai/gpt-4o"\nbase_url = "https://api.openai.com/v1"\n',
            ["2:10 GLM403", "3:13 GLM402"],
        ),
        ("min.json", '{"a":1,"model":"gpt-4o","note":"gpt-4o is fine"}', ["1:17 GLM403"]),
        # a LiteLLM proxy's `model_name` is what its clients ask for: reported, with what it maps to
        (
            "proxy_config.yaml",
            "model_list:\n  - model_name: gpt-4o\n    litellm_params:\n      model: openai/gpt-4o\n",
            ["2:17 GLM403", "4:14 GLM403"],
        ),
    ],
)
def test_settings_files_are_read_for_configuration_shapes(name: str, text: str, expected: list[str]) -> None:
    _, found = scan(name, text)
    assert [f.rsplit(" ", 1)[0] for f in found] == expected


@pytest.mark.parametrize(
    ("path", "head", "kind"),
    [
        ("poetry.lock", "", "lock file"),
        ("web/package-lock.json", "{}", "lock file"),
        ("tests/cassettes/test_chat.yaml", "interactions:\n", "recorded HTTP cassette"),
        ("spec/vcr.yml", "---\nhttp_interactions:\n- request:", "recorded HTTP cassette"),
        ("fixtures/vcr_cassettes/x.json", '{"interactions": []}', "recorded HTTP cassette"),
        ("api/openapi.yaml", "openapi: 3.1.0\ninfo:\n", "OpenAPI document"),
        ("api/swagger.json", '{\n  "swagger": "2.0",', "OpenAPI document"),
        ("schemas/s.json", '{"$schema": "https://json-schema.org/draft/2020-12/schema"}', "JSON schema"),
        ("tests/fixtures/reply.json", "{}", "test data"),
        ("tests/unit/data/rows.yaml", "a: 1", "test data"),
        ("data/documents.json", '[\n  {"text": "gpt-4o"}]', "JSON records"),
        ("results.sarif.json", '{"$schema": "https://json.schemastore.org/sarif-2.1.0.json"}', "SARIF log"),
        ("baseline.json", '{\n  "glm-migrate-baseline": 1,', "glm-migrate baseline"),
        ("report.json", '{\n  "tool": {\n    "name": "glm-migrate",', "glm-migrate report"),
        (
            "kv_store_llm_response_cache.json",
            '{\n  "5d41402abc4b2a76b9719d911017c592": {"model": "gpt-4o"',
            "cache keyed by hashes",
        ),
        ("cache.json", '{"mix-5d41402abc4b2a76b9719d911017c592": {"return": ""', "cache keyed by hashes"),
        # configuration
        ("models.json", '{"default": {"model": "gpt-4o"}}', None),
        ("tsconfig.json", '{"$schema": "https://json.schemastore.org/tsconfig"}', None),
        ("config.yaml", "model: gpt-4o\nopenapi_url: x\n", None),
        ("data/settings.yaml", "model: gpt-4o", None),
        ("pyproject.toml", "", None),
        (".env", "", None),
        ("app.py", "", None),
    ],
)
def test_data_files_are_told_from_configuration(path: str, head: str, kind: str | None) -> None:
    assert data_kind(PurePath(path), head.encode()) == kind


def test_baselined_config_sources_never_hold_a_secret() -> None:
    text = f'OPENAI_API_KEY={SECRET}\napi_key: "{SECRET}"\nmodel: gpt-4o\nOPENAI_API_KEY=${{OPENAI_API_KEY}}\n'
    masked = without_secrets(text)
    assert SECRET[:12] not in masked and "model: gpt-4o" in masked and "${OPENAI_API_KEY}" in masked


def test_configuration_files_follow_the_target_model() -> None:
    text = "OPENAI_MODEL=gpt-4o\nZAI_MODEL=glm-4.6\n"
    output, found = scan_config(
        PurePath(".env.example"), text, tables=load_tables(), settings=Settings(unsafe_fixes=True)
    )
    assert output == "OPENAI_MODEL=glm-4.6\nZAI_MODEL=glm-4.6\n" and len(found) == 1
    upgraded, found = scan_config(
        PurePath(".env.example"),
        text,
        tables=load_tables(),
        settings=Settings(target_model="glm-5.3", unsafe_fixes=True),
    )
    assert upgraded == "OPENAI_MODEL=glm-5.3\nZAI_MODEL=glm-5.3\n"
    assert [d.message for d in found][1] == "Model id `glm-4.6`: the GLM id is `glm-5.3`"


def test_a_model_beside_an_azure_marker_names_a_deployment() -> None:
    """`api_type = "azure"` in the same block: the id is an Azure deployment's name, moved with the
    rest of that configuration by hand; another block's id gets the GLM id as usual."""
    text = (
        '[azure]\napi_type = "azure"\nmodel = "gpt-4o-mini"\n\n'
        '[openai]\nmodel = "gpt-4o-mini"\nbase_url = "https://api.openai.com/v1"\n'
    )
    settings = Settings()
    _, diagnostics = scan_config(PurePath("config.toml"), text, tables=load_tables(), settings=settings)
    messages = {d.span.line: d.message for d in diagnostics if d.code == "GLM403"}
    assert "names an Azure deployment" in messages[3]
    assert messages[6].endswith("the GLM id is `glm-4.6`")


def test_env_template_comments_are_never_rewritten() -> None:
    # prose in a comment is not configuration; a setting commented out is reported, not rewritten
    text = "# we use gpt-4o, see https://api.openai.com/v1\nOPENAI_MODEL=gpt-4o  # or gpt-4o-mini\n# OPENAI_MODEL=gpt-4-turbo\n"
    output, found = scan(".env.example", text)
    assert (
        output
        == "# we use gpt-4o, see https://api.openai.com/v1\nOPENAI_MODEL=glm-4.6  # or gpt-4o-mini\n# OPENAI_MODEL=gpt-4-turbo\n"
    )
    assert found == ["2:14 GLM403 fixed", "3:16 GLM403 manual"]


def test_env_template_azure_sections_are_reported_not_rewritten() -> None:
    # `OPENAI_API_TYPE=azure`: openai<1 sends every request to Azure, with this file's key and URL
    text = 'OPENAI_API_KEY="<key>"\n# Azure\nOPENAI_API_BASE="https://res.openai.azure.com/"\nOPENAI_API_TYPE="azure"\n'
    output, found = scan(".env.example", text)
    assert output == text
    assert found == ["1:1 GLM401 manual", "3:1 GLM401 manual"]
    # an Azure block beside an OpenAI one: only the OpenAI block moves
    text = "OPENAI_API_KEY=key\nOPENAI_MODEL=gpt-4o\n\nAZURE_OPENAI_ENDPOINT=https://res.openai.azure.com/\nAZURE_OPENAI_MODEL_NAME=gpt-4o\n"
    output, diagnostics = scan_config(
        PurePath(".env.example"), text, tables=load_tables(), settings=Settings(unsafe_fixes=True)
    )
    assert output == text.replace("OPENAI_API_KEY", "ZAI_API_KEY").replace(
        "OPENAI_MODEL=gpt-4o", "OPENAI_MODEL=glm-4.6"
    )
    assert [(d.span.line, d.applied) for d in diagnostics] == [(1, True), (2, True), (5, False)]
    assert "`AZURE_OPENAI_MODEL_NAME` makes it part of an Azure OpenAI configuration" in diagnostics[2].message


def test_a_url_ends_where_its_interpolation_closes() -> None:
    text = "openai:\n  api_base: ${OPENAI_API_BASE:https://api.openai.com/v1}\n"
    _, diagnostics = scan_config(PurePath("settings.yaml"), text, tables=load_tables(), settings=Settings())
    urls = [d.message for d in diagnostics if d.code == "GLM402"]
    assert urls and all("`https://api.openai.com/v1`" in message for message in urls)


def test_env_file_aimed_at_another_server_is_left_alone() -> None:
    # patchy631/ai-engineering-hub openai-swarm-ollama/.env: OpenAI's variables configure Ollama
    text = "OPENAI_BASE_URL=http://localhost:11434/v1\nOPENAI_API_KEY=fake-key\nOPENAI_MODEL=gpt-4o\n"
    settings = Settings(unsafe_fixes=True)
    for name in (".env", ".env.example"):
        new, diagnostics = scan_config(PurePath(name), text, tables=load_tables(), settings=settings)
        assert (new, diagnostics) == (text, [])
    # OpenAI's own URL, or a placeholder to fill in, is OpenAI's configuration still
    for url in ("https://api.openai.com/v1", "https://your-endpoint/v1"):
        _, found = scan_config(
            PurePath(".env"), f"OPENAI_BASE_URL={url}\nOPENAI_API_KEY=k\n", tables=load_tables(), settings=settings
        )
        assert [d.code for d in found if d.code == "GLM401"] == ["GLM401", "GLM401"]


def test_a_litellm_provider_id_gets_the_zai_provider() -> None:
    """`llm: openai/gpt-4o-mini` (a CrewAI `agents.yaml`, christseng89/agents-ai's crews) is LiteLLM's
    provider/id form: a bare `glm-4.6` there would still go to OpenAI, so the advice (and a
    template's rewrite) is LiteLLM's Z.AI provider, `zai/glm-4.6`."""
    text = "researcher:\n  role: >\n    Researcher\n  llm: openai/gpt-4o-mini\n"
    settings = Settings()
    _, diagnostics = scan_config(PurePath("agents.yaml"), text, tables=load_tables(), settings=settings)
    [finding] = [d for d in diagnostics if d.code == "GLM403"]
    assert (finding.span.line, finding.span.column) == (4, 8)
    assert "for Z.AI use `zai/glm-4.6`" in finding.message
    output, found = scan(".env.example", "MODEL=openai/gpt-4o\n")
    assert output == "MODEL=zai/glm-4.6\n"
    assert found == ["1:7 GLM403 fixed"]
    # another router's OpenAI route is not LiteLLM's own: the usual advice
    _, diagnostics = scan_config(
        PurePath("agents.yaml"), "llm: openrouter/openai/gpt-4o\n", tables=load_tables(), settings=settings
    )
    assert not any("zai/" in d.message for d in diagnostics)


def test_an_embedding_id_in_configuration_names_its_vector_size() -> None:
    """An embedding id is also the size and space of the vectors stored with it: the finding
    says so, and where the file writes that size (`dimension: 1536`, as in gabguerin/ragator-v2's
    `config.yaml`), the two change together by hand (a template's id is not rewritten alone)."""
    text = "embedding:\n  model_name: text-embedding-3-small\n  dimension: 1536\nchat:\n  model: gpt-4o\n"
    settings = Settings(unsafe_fixes=True)
    _, diagnostics = scan_config(PurePath("config.yaml"), text, tables=load_tables(), settings=settings)
    messages = [d.message for d in diagnostics]
    assert "re-embed what you stored" in messages[0] and "line 3 (`dimension: 1536`)" in messages[0], messages
    assert "re-embed" not in messages[1]
    output, found = scan(".env.example", "EMBEDDING_MODEL=text-embedding-3-large\nEMBEDDING_DIM=3072\n")
    assert output == "EMBEDDING_MODEL=text-embedding-3-large\nEMBEDDING_DIM=3072\n"
    assert found == ["1:17 GLM403 manual"]
    output, found = scan(".env.example", "EMBEDDING_MODEL=text-embedding-3-large\n")
    assert output == "EMBEDDING_MODEL=embedding-3\n" and found == ["1:17 GLM403 fixed"]
