"""Every output format, through the real command: structure, content and no leaked keys."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from clirunner import glm_migrate

from glm_migrate.formats import FORMATS
from glm_migrate.rules import REGISTRY

DATA = Path(__file__).resolve().parent / "data"
KEY = "sk-proj-abcdefghijklmnop0123456789"
APP = f"""\
import os
from openai import OpenAI

client = OpenAI(api_key="{KEY}")


def ask(prompt, model="gpt-4o"):
    return client.chat.completions.create(model=model, messages=[{{"role": "user", "content": prompt}}], temperature=1.5)


TUNED_MODEL = "ft:gpt-4o:acme::x1"  # sent through a client of its own, which stays with OpenAI
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP)
    return tmp_path


def sarif_validator() -> jsonschema.Draft7Validator:
    schema = json.loads((DATA / "sarif-2.1.0-subset.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_github_annotations(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--output-format", "github", cwd=tree)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        "::error file=src/app.py,line=7,col=23,endLine=7,endColumn=31,title=GLM101 openai-model-name::"
        "Model id `gpt-4o` on chat completions; OpenAI shuts it down on 2027-01-14 [fix]%0Ahelp: Replace with `glm-4.6`"
    ) in lines
    manual = next(line for line in lines if "GLM102" in line)
    # `:` and `,` are escaped in properties, newlines in the message
    assert manual.startswith("::error file=src/app.py,line=11,col=15,")
    assert "[manual]" in manual and "\n" not in manual
    assert all(line.startswith("::") for line in lines)


def test_github_warnings_and_applied_fixes(tmp_path: Path) -> None:
    (tmp_path / "w.py").write_text(
        "from zai import ZaiClient\n"
        'ZaiClient().chat.completions.create(model="glm-4.6", messages=[], temperature=0.5, top_p=0.5)\n'
        'ZaiClient().chat.completions.create(model="glm-4", messages=[])\n'
    )
    result = glm_migrate("w.py", "--output-format", "github", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    commands = [line.split(" ", 1)[0] for line in result.stdout.splitlines()]
    assert "::warning" in commands  # GLM202, advice
    assert "::notice" in commands  # the model id fixed in this run
    assert "::error" not in commands


def test_sarif_is_valid_and_carries_rules_and_fixes(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--output-format", "sarif", cwd=tree)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.CODE for r in REGISTRY]
    glm101 = next(r for r in rules if r["id"] == "GLM101")
    assert glm101["name"] == "openai-model-name"
    assert glm101["shortDescription"]["text"] == "OpenAI or retired GLM model id sent to Z.AI"
    assert "## Fix safety" in glm101["help"]["markdown"]
    assert glm101["defaultConfiguration"]["level"] == "error"

    model = next(r for r in run["results"] if r["ruleId"] == "GLM101")
    assert rules[model["ruleIndex"]]["id"] == "GLM101"
    assert model["level"] == "error"
    region = model["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (7, 23)
    (fix,) = model["fixes"]
    (replacement,) = fix["artifactChanges"][0]["replacements"]
    assert replacement["insertedContent"]["text"] == '"glm-4.6"'
    assert replacement["deletedRegion"] == region
    assert model["partialFingerprints"]["glmMigrate/v1"]

    manual = next(r for r in run["results"] if r["ruleId"] == "GLM102")
    assert "fixes" not in manual and manual["properties"]["status"] == "manual"
    # the client fix would carry the key: withheld rather than masked into broken code
    client = next(r for r in run["results"] if r["ruleId"] == "GLM002")
    assert "fixes" not in client
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_carries_the_rules_on_configuration_files(tree: Path) -> None:
    (tree / ".env.example").write_text("OPENAI_API_KEY=your-key\nOPENAI_BASE_URL=https://api.openai.com/v1\n")
    (tree / "settings.yaml").write_text("model: gpt-4o\n")
    result = glm_migrate(".", "--check", "--output-format", "sarif", cwd=tree)
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for code in ("GLM401", "GLM402", "GLM403"):
        finding = next(r for r in run["results"] if r["ruleId"] == code)
        rule = rules[finding["ruleIndex"]]
        assert rule["id"] == code
        assert rule["fullDescription"]["text"] and "## Fix safety" in rule["help"]["markdown"]


def test_sarif_after_apply_marks_fixed_findings_as_passes(tree: Path) -> None:
    result = glm_migrate("src", "--output-format", "sarif", cwd=tree)
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    kinds = {r["ruleId"]: (r.get("kind", "fail"), r["level"]) for r in log["runs"][0]["results"]}
    assert kinds["GLM101"] == ("pass", "none")
    assert kinds["GLM102"] == ("fail", "error")


def test_sarif_reports_unprocessable_files(tree: Path) -> None:
    (tree / "src" / "broken.py").write_text("import openai\ndef broken(:\n")
    result = glm_migrate("src", "--check", "--output-format", "sarif", cwd=tree)
    assert result.returncode == 2
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "syntax error" in invocation["toolExecutionNotifications"][0]["message"]["text"]


@pytest.mark.skipif(not os.environ.get("GLM_MIGRATE_SARIF_SCHEMA"), reason="set to the official SARIF schema file")
def test_sarif_against_the_official_schema(tree: Path) -> None:
    schema = json.loads(Path(os.environ["GLM_MIGRATE_SARIF_SCHEMA"]).read_text())
    log = json.loads(glm_migrate("src", "--check", "--output-format", "sarif", cwd=tree).stdout)
    jsonschema.Draft7Validator(schema).validate(log)


def test_the_schema_catches_mistakes() -> None:
    validator = sarif_validator()
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}}]}]}
    validator.validate(good)
    for broken in (
        {"version": "2.0.0", "runs": []},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal"}]}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {}, "typo": 1}]}]},
    ):
        assert list(validator.iter_errors(broken)), broken


def test_json_has_every_finding_with_span_status_and_edit(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--output-format", "json", cwd=tree)
    document = json.loads(result.stdout)
    assert document["mode"] == "check" and document["summary"]["blocking"] == 5
    (file,) = document["files"]
    by_code = {d["code"]: d for d in file["diagnostics"]}
    assert set(by_code) == {"GLM002", "GLM003", "GLM101", "GLM102", "GLM201"}
    model = by_code["GLM101"]
    assert model["span"] == {"line": 7, "column": 23, "end_line": 7, "end_column": 31}
    assert model["status"] == "fix" and model["blocking"] is True
    assert model["edit"] == {
        "span": {"line": 7, "column": 23, "end_line": 7, "end_column": 31},
        "replacement": '"glm-4.6"',
    }
    assert by_code["GLM102"]["status"] == "manual" and by_code["GLM102"]["edit"] is None
    assert by_code["GLM002"]["edit"] is None and "withheld" in by_code["GLM002"]["edit_withheld"]


def test_markdown_is_a_pull_request_description(tree: Path) -> None:
    result = glm_migrate("src", "--output-format", "markdown", cwd=tree)
    text = result.stdout
    assert text.startswith("## Migration from the OpenAI API to Z.AI GLM-4.6")
    assert "| GLM101 | openai-model-name | 1 | 1 | 0 | 0 | 0 |" in text
    assert "### Substitutions made" in text
    assert (
        "| GLM101 | Model id `gpt-4o` on chat completions; OpenAI shuts it down on 2027-01-14 | Replace with `glm-4.6` | 1 |"
        in text
    )
    assert "| GLM201 | `temperature=1.5` is outside GLM-4.6's range [0, 1] | Clamp to `1` | 1 |" in text
    assert (
        "- [ ] [src/app.py:11](src/app.py#L11) **GLM102** Model id `ft:gpt-4o:acme::x1` (OpenAI fine-tuned model) has no GLM equivalent"
        in text
    )


def test_markdown_links_point_at_the_commit_in_github_actions(tree: Path) -> None:
    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/app", "GITHUB_SHA": "abc123"}
    result = glm_migrate("src", "--check", "--output-format", "markdown", cwd=tree, env=env)
    assert "[src/app.py:11](https://github.com/acme/app/blob/abc123/src/app.py#L11)" in result.stdout


def test_markdown_is_appended_to_the_github_step_summary(tree: Path) -> None:
    summary = tree / "summary.md"
    summary.write_text("# earlier step\n")
    result = glm_migrate("src", "--check", cwd=tree, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    text = summary.read_text()
    assert text.startswith("# earlier step\n## Migration from the OpenAI API")
    assert "**GLM102**" in text
    assert "src/app.py:7:23 GLM101" in result.stdout  # the normal report still goes to stdout


def test_junit(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--output-format", "junit", cwd=tree)
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites" and root.get("failures") == "5" and root.get("errors") == "0"
    (suite,) = root
    assert suite.get("name") == "src/app.py" and suite.get("tests") == "5"
    failure = next(case.find("failure") for case in suite if case.get("name", "").startswith("GLM101"))
    assert failure is not None and failure.get("type") == "GLM101"
    assert (
        failure.text
        == "src/app.py:7:23 GLM101 [fix] Model id `gpt-4o` on chat completions; OpenAI shuts it down on 2027-01-14"
    )


def test_junit_passes_when_only_warnings_remain(tmp_path: Path) -> None:
    (tmp_path / "w.py").write_text(
        "from zai import ZaiClient\n"
        'ZaiClient().chat.completions.create(model="glm-4.6", messages=[], temperature=0.5, top_p=0.5)\n'
    )
    root = ET.fromstring(glm_migrate("w.py", "--check", "--output-format", "junit", cwd=tmp_path).stdout)
    assert root.get("tests") == "1" and root.get("failures") == "0"
    strict = ET.fromstring(glm_migrate("w.py", "--check", "--strict", "--output-format", "junit", cwd=tmp_path).stdout)
    assert strict.get("failures") == "1"


def test_statistics(tree: Path) -> None:
    text = glm_migrate("src", "--check", "--statistics", cwd=tree)
    assert text.returncode == 1
    assert "     1  GLM101  openai-model-name" in text.stdout and "[1 fixable]" in text.stdout
    assert "src/app.py:7:23" not in text.stdout
    rows = json.loads(glm_migrate("src", "--check", "--statistics", "--output-format", "json", cwd=tree).stdout)
    assert {r["code"]: (r["count"], r["fixable"], r["manual"]) for r in rows}["GLM102"] == (1, 0, 1)


def test_output_file(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--output-format", "sarif", "--output-file", "out.sarif", cwd=tree)
    assert result.returncode == 1 and result.stdout == ""
    sarif_validator().validate(json.loads((tree / "out.sarif").read_text()))
    text = glm_migrate("src", "--dry-run", "--output-file", "report.txt", cwd=tree)
    report = (tree / "report.txt").read_text()
    assert text.stdout == "" and "src/app.py:7:23 GLM101 [fix]" in report and "+++ b/src/app.py" in report
    assert "\x1b[" not in report


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("mode", ["--check", "--dry-run"])
def test_no_format_prints_a_hard_coded_key(tree: Path, output_format: str, mode: str) -> None:
    summary = tree / "summary.md"
    result = glm_migrate(
        "src", mode, "--output-format", output_format, cwd=tree, env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.returncode == 1
    assert "GLM003" in result.stdout
    for shown in (result.stdout, result.stderr, summary.read_text()):
        assert KEY not in shown and KEY[8:20] not in shown


def test_stdin_mode_reports_in_any_format_on_stderr(tree: Path) -> None:
    result = glm_migrate("-", "--stdin-filename", "src/app.py", "--output-format", "github", cwd=tree, stdin=APP)
    assert 'model="glm-4.6"' in result.stdout and KEY not in result.stdout
    assert "::notice file=src/app.py,line=7,col=23" in result.stderr
    assert "::error file=src/app.py,line=11" in result.stderr
    assert result.returncode == 1


README_APP = """\
import os
from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])


def ask(prompt, model="gpt-4o"):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}], temperature=1.5)


TUNED_MODEL = "ft:gpt-4o:acme::x1"  # the support bot's fine-tune
"""


def test_the_readme_markdown_example_is_real_output(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    example = readme.split("`pr.md` looks like this:\n\n```markdown\n", 1)[1].split("\n```\n", 1)[0] + "\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(README_APP)
    result = glm_migrate("src", "--add-todo", "--output-format", "markdown", "--output-file", "pr.md", cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / "pr.md").read_text() == example


def test_gitlab_code_quality(tree: Path) -> None:
    result = glm_migrate("src", "--check", "--output-format", "gitlab", cwd=tree)
    assert result.returncode == 1
    issues = json.loads(result.stdout)
    assert {i["check_name"] for i in issues} == {"GLM002", "GLM003", "GLM101", "GLM102", "GLM201"}
    model = next(i for i in issues if i["check_name"] == "GLM101")
    assert model["location"] == {"path": "src/app.py", "lines": {"begin": 7, "end": 7}}
    assert model["severity"] == "major" and model["description"].startswith("GLM101 [fix] Model id `gpt-4o`")
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # fingerprints do not depend on line numbers: code moving down keeps them
    (tree / "src" / "app.py").write_text("\n\n" + APP)
    moved = json.loads(glm_migrate("src", "--check", "--output-format", "gitlab", cwd=tree).stdout)
    assert {i["fingerprint"] for i in moved} == {i["fingerprint"] for i in issues}
    # after applying, fixed findings are gone from the widget
    applied = json.loads(glm_migrate("src", "--output-format", "gitlab", cwd=tree).stdout)
    assert [i["check_name"] for i in applied] == ["GLM102"]


def test_notes_are_sarif_notes_github_notices_and_gitlab_info(tmp_path: Path) -> None:
    (tmp_path / "prices.py").write_text('import openai\nPRICES = {"gpt-4o": 2.5, "gpt-4o-mini": 0.15}\n')
    sarif = json.loads(glm_migrate("prices.py", "--check", "--output-format", "sarif", cwd=tmp_path).stdout)
    (result,) = sarif["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("GLM103", "note")
    sarif_validator().validate(sarif)
    github = glm_migrate("prices.py", "--check", "--output-format", "github", cwd=tmp_path).stdout
    assert github.startswith("::notice file=prices.py,line=2,")
    (issue,) = json.loads(glm_migrate("prices.py", "--check", "--output-format", "gitlab", cwd=tmp_path).stdout)
    assert issue["severity"] == "info"
    document = json.loads(glm_migrate("prices.py", "--check", "--output-format", "json", cwd=tmp_path).stdout)
    (finding,) = document["files"][0]["diagnostics"]
    assert (finding["severity"], finding["blocking"]) == ("note", False)


def test_markdown_lists_as_substitutions_only_the_fixes_made(tmp_path: Path) -> None:
    (tmp_path / "legacy.py").write_text(
        "import openai\nfrom openai import OpenAI\n\nclient = OpenAI()\n"
        'openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[])\n'
    )
    result = glm_migrate("legacy.py", "--allow-dirty", "--output-format", "markdown", cwd=tmp_path)
    made, _, manual = result.stdout.partition("### Substitutions made")[2].partition("### Manual work")
    assert "| GLM002 |" in made
    assert "GLM303" not in made  # the unsafe fix was not applied: it is manual work, not a substitution
    assert "**GLM303**" in manual and "(an unsafe fix exists: `--unsafe-fixes`)" in manual
