"""Notebooks: cells migrated as one namespace, magics masked, everything but changed sources kept."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from clirunner import FIXTURES, glm_migrate

from glm_migrate import ipynb
from glm_migrate import notebook as notebook_module
from glm_migrate.config import Settings
from glm_migrate.diagnostics import Severity
from glm_migrate.notebook import migrate_notebook
from glm_migrate.runner import migrate_file
from glm_migrate.tables import load_tables

UPDATE = os.environ.get("GLM_MIGRATE_UPDATE_FIXTURES") == "1"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "before.ipynb").is_file())


def migrate(data: bytes):  # type: ignore[no-untyped-def]
    return migrate_notebook(data, settings=Settings(), tables=load_tables())


@pytest.mark.parametrize("name", CASES)
def test_golden_notebook(name: str) -> None:
    case = FIXTURES / name
    before = (case / "before.ipynb").read_bytes()
    result = migrate(before)
    assert result.error is None
    output = result.output if result.output is not None else before
    if UPDATE:
        (case / "after.ipynb").write_bytes(output)
    assert output == (case / "after.ipynb").read_bytes()
    again = migrate(output)
    assert again.output is None, "second run changed the notebook"
    assert not any(d.applied for d in again.diagnostics)


def test_only_changed_sources_change() -> None:
    before = (FIXTURES / "notebook_with_magics" / "before.ipynb").read_bytes()
    result = migrate(before)
    assert result.output is not None
    old, new = json.loads(before), json.loads(result.output)
    assert list(old) == list(new) and old["metadata"] == new["metadata"]
    changed = {number for number, _, _ in result.changed_cells}
    assert changed == {3, 4, 5}
    for number, (old_cell, new_cell) in enumerate(zip(old["cells"], new["cells"], strict=True), start=1):
        assert list(old_cell) == list(new_cell), "key order changed"
        for key in old_cell:
            if key != "source" or number not in changed:
                assert old_cell[key] == new_cell[key], (number, key)
    text = "".join(new["cells"][1]["source"]) + "".join(new["cells"][4]["source"])
    assert "%pip install openai" in text and "files = !ls" in text
    assert "".join(new["cells"][3]["source"]).startswith("%%time\n")
    assert result.output.endswith(b"}\n")


def test_findings_point_at_cells() -> None:
    result = migrate((FIXTURES / "notebook_with_magics" / "before.ipynb").read_bytes())
    model = next(d for d in result.diagnostics if d.code == "GLM101" and d.cell == 4)
    assert (model.span.line, model.span.column) == (3, 11)


def test_untouched_notebook_is_not_rewritten() -> None:
    result = migrate((FIXTURES / "notebook_nothing_to_do" / "before.ipynb").read_bytes())
    assert result.output is None and result.error is None


@pytest.mark.parametrize("data", [b"{not json", b'{"cells": 3}', b"\xff\xfe"])
def test_malformed_notebook_is_reported(data: bytes) -> None:
    result = migrate(data)
    assert result.output is None and result.error is not None


def test_cell_that_does_not_parse_leaves_the_others_migrated() -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": ["import openai\n", "def broken(:\n"],
            },
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": ["from openai import OpenAI\n", "OpenAI()"],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    data = (json.dumps(notebook, indent=1) + "\n").encode()
    result = migrate(data)
    assert result.error is None  # one odd cell never fails the notebook
    skipped = [d for d in result.diagnostics if d.code == "GLM992"]
    assert [(d.cell, d.severity, d.span.line) for d in skipped] == [(1, Severity.ERROR, 2)]
    assert result.output is not None and b"ZAI_API_KEY" in result.output
    assert json.loads(result.output)["cells"][0] == notebook["cells"][0]


def test_a_key_written_in_a_cell_left_to_fill_in_holds_its_readers() -> None:
    """`os.environ["OPENAI_API_KEY"] = ` with the value left to the reader does not parse, but
    the key the reader puts there is the program's, an OpenAI key or a proxy's: the `ChatOpenAI`
    of a later cell, which reads it, is not moved to Z.AI on its own (a tutorial notebook of
    TheRamU/Fay); the cell itself is left as it is."""
    filled_in = 'import os\n\nos.environ["OPENAI_API_KEY"] = \nos.environ["OPENAI_API_BASE"] = '
    data = notebook(filled_in, 'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4")')
    result = migrate(data)
    assert result.error is None
    found = [(d.code, d.cell, d.applicability.value) for d in result.diagnostics]
    assert ("GLM992", 1, "manual") in found
    assert [f for f in found if f[0] == "GLM006"] == [("GLM006", 2, "manual")], found
    assert result.output is None or json.loads(result.output)["cells"][0]["source"] == filled_in
    # without that cell, the class moves
    moved = migrate(notebook('from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4")'))
    assert {d.applicability.value for d in moved.diagnostics if d.code == "GLM006"} == {"safe"}


def test_cli_shows_cells_and_writes_notebooks(tmp_path: Path) -> None:
    source = FIXTURES / "notebook_with_magics" / "before.ipynb"
    (tmp_path / "nb.ipynb").write_bytes(source.read_bytes())
    (tmp_path / "plain.ipynb").write_bytes((FIXTURES / "notebook_nothing_to_do" / "before.ipynb").read_bytes())
    mtime = (tmp_path / "plain.ipynb").stat().st_mtime_ns
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert check.returncode == 1
    assert "nb.ipynb:cell 4:3:11 GLM101" in check.stdout
    applied = glm_migrate(".", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (tmp_path / "nb.ipynb").read_bytes() == (FIXTURES / "notebook_with_magics" / "after.ipynb").read_bytes()
    assert (tmp_path / "plain.ipynb").stat().st_mtime_ns == mtime


# IPython syntax --------------------------------------------------------------------------------

CALL = 'r = client.chat.completions.create(model="gpt-4o", messages=[])'
#: real shapes: the autogen docs' automagic `pip install`, llm-zoomcamp's `!docker run \` over
#: three lines, and the other IPython syntax the masking has to see past
IPYTHON_CELLS = {
    "automagic pip": f'pip install -U "autogen-agentchat" "autogen-ext[openai,azure]"\n{CALL}\n',
    "continued shell": f'!docker run -d -p 6333:6333 \\\n   -v "./qdrant_storage:/qdrant/storage:z" \\\n   qdrant/qdrant\n{CALL}',
    "indented magics": f'for name in ["a"]:\n    !echo {{name}}\n    %env X=1\n    {CALL}\n',
    "help": f"client.chat.completions.create?\nopenai.OpenAI??\n?openai\n{CALL}\n",
    "cell magic, indented body": f"%%capture --no-stderr\n    {CALL}\n    !echo done\n",
    "indented cell": f"    {CALL}\n    print(r)\n",
    "time magic": f"%time {CALL}\n",
    "timeit with options": '%timeit -n 1 -r 1 client.chat.completions.create(model="gpt-4o", messages=[])\n',
    "automagic time": f"time {CALL}  # how long?\n",
    "magic assignment": f"files = !ls\nfirst, *rest = %sx ls\n{CALL}\n",
    "python look-alikes": f'time = 5\nls = ["a"]\npip = None\nprompt = """\n!pip install x\nWhat is this?\n"""\n{CALL}\n',
}


def notebook(*sources: str | list[str], **dumps: object) -> bytes:
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"c{n}", "metadata": {}, "outputs": [], "source": s}
        for n, s in enumerate(sources, start=1)
    ]
    document = {"cells": cells, "metadata": {"kernelspec": {"language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    options: dict[str, object] = {"indent": 1, "ensure_ascii": False}
    options.update(dumps)
    newline = options.pop("trailing_newline", True)
    return (json.dumps(document, **options) + ("\n" if newline else "")).encode()  # type: ignore[arg-type]


@pytest.mark.parametrize("shape", IPYTHON_CELLS)
def test_ipython_syntax_is_seen_past_and_kept(shape: str) -> None:
    source = IPYTHON_CELLS[shape]
    result = migrate(notebook(["import openai\n"], ipynb.split_lines(source)))
    assert result.error is None
    assert [d.code for d in result.diagnostics] == ["GLM101"], result.diagnostics
    assert result.output is not None
    cell = "".join(json.loads(result.output)["cells"][1]["source"])
    assert cell == source.replace('"gpt-4o"', '"glm-4.6"')
    # the finding points at the id in the cell as written
    (finding,) = result.diagnostics
    line = ipynb.split_lines(source)[finding.span.line - 1]
    assert line[finding.span.column - 1 :].startswith('"gpt-4o"')
    assert migrate(result.output).output is None  # a second run changes nothing


def test_magic_masking_is_line_for_line() -> None:
    """Every masked line stays one line: positions in the cell need no mapping but columns."""
    for source in IPYTHON_CELLS.values():
        masked = notebook_module._mask(ipynb.split_lines(source), itertools.count(), python_magics=True)
        assert masked is not None and [line.original for line in masked] == ipynb.split_lines(source)


@pytest.mark.parametrize(
    ("odd", "severity"),
    [
        ("SELECT name FROM users", Severity.WARNING),
        ('for m in ["gpt-4o"]: %time client.chat.completions.create(model=m)', Severity.ERROR),
        ("def broken(:\n    pass", Severity.WARNING),
    ],
)
def test_one_odd_cell_is_a_finding_and_the_rest_migrates(odd: str, severity: Severity) -> None:
    result = migrate(notebook(["import openai\n"], [odd], [CALL]))
    assert result.error is None
    skipped = [d for d in result.diagnostics if d.code == "GLM992"]
    assert [(d.cell, d.severity) for d in skipped] == [(2, severity)]
    assert "Cell 2 was not migrated" in skipped[0].message
    assert result.output is not None
    cells = json.loads(result.output)["cells"]
    assert "".join(cells[1]["source"]) == odd and "glm-4.6" in "".join(cells[2]["source"])


def test_an_odd_cell_never_makes_the_run_exit_2(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_bytes(notebook(["import openai\n"], ["SELECT name FROM users"], [CALL]))
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert check.returncode == 1 and "1 to change, 0 failed" in check.stdout
    assert "nb.ipynb:cell 2:1:1 GLM992 [advice]" in check.stdout
    applied = glm_migrate(".", cwd=tmp_path)
    assert applied.returncode == 0 and b"glm-4.6" in (tmp_path / "nb.ipynb").read_bytes()
    assert glm_migrate(".", "--check", "--ignore", "GLM992", cwd=tmp_path).stdout.count("GLM992") == 0


def test_an_empty_notebook_file_is_no_failure(tmp_path: Path) -> None:
    # placeholders left empty in tutorial repositories (patchy631/ai-engineering-hub): nothing to read
    (tmp_path / "empty.ipynb").write_bytes(b"")
    check = glm_migrate(".", "--check", cwd=tmp_path)
    assert check.returncode == 0 and "0 failed" in check.stdout


def test_a_failed_notebook_is_never_written(tmp_path: Path) -> None:
    broken = notebook(["import openai\n"], [CALL])[:-10]  # cut short: not JSON any more
    (tmp_path / "nb.ipynb").write_bytes(broken)
    applied = glm_migrate(".", cwd=tmp_path)
    assert applied.returncode == 2 and "not a valid notebook" in applied.stderr
    assert (tmp_path / "nb.ipynb").read_bytes() == broken


# layouts ---------------------------------------------------------------------------------------

LAYOUTS = {
    "nbformat": {"indent": 1, "sort_keys": True},
    "indent 2, no final newline": {"indent": 2, "trailing_newline": False},
    "compact": {"indent": None},
    "minified": {"indent": None, "separators": (",", ":")},
    "ascii escapes": {"indent": 4, "ensure_ascii": True},
    "tabs": {"indent": "\t"},
}
CELLS = (["import openai\n", "# Привет 👋\n"], [f"{CALL}\n", "print(r)  # ça va ?"], ["x = 1"])


def _sources_as(kind: str) -> tuple[str | list[str], ...]:
    return tuple("".join(lines) for lines in CELLS) if kind == "one-line cells" else CELLS


@pytest.mark.parametrize("layout", [*LAYOUTS, "one-line cells", "CRLF"])
def test_any_layout_is_written_back_in_its_own_layout(layout: str) -> None:
    before = notebook(*_sources_as(layout), **LAYOUTS.get(layout, {}))
    if layout == "CRLF":
        before = before.replace(b"\n", b"\r\n")  # JSON whitespace: newlines in strings are escaped
    result = migrate(before)
    assert result.error is None and result.output is not None
    new = json.loads(result.output)
    assert "".join(new["cells"][1]["source"]) == "".join(CELLS[1]).replace("gpt-4o", "glm-4.6")
    assert isinstance(new["cells"][1]["source"], type(_sources_as(layout)[1]))  # a string stays a string
    # byte for byte the same outside the changed source: putting the old one back gives the input
    old_source = "".join(CELLS[1])
    assert ipynb.replace_sources(result.output.decode(), {2: old_source}).encode() == before
    assert migrate(result.output).output is None


def test_new_lines_follow_the_file_s_escaping() -> None:
    before = notebook(["import openai\n"], [f"{CALL}  # é\n"], ensure_ascii=True)
    output = migrate(before).output
    assert output is not None and output.isascii() and b'glm-4.6\\"' in output


# positions in the file -------------------------------------------------------------------------


@pytest.mark.parametrize("layout", [*LAYOUTS, "one-line cells"])
def test_findings_know_their_line_in_the_ipynb(layout: str) -> None:
    data = notebook(*_sources_as(layout), **LAYOUTS.get(layout, {}))
    text = data.decode()
    result = migrate(data)
    assert result.diagnostics
    for finding in result.diagnostics:
        assert finding.file_span is not None and finding.cell_id == f"c{finding.cell}"
        span = finding.span
        assert span.line == span.end_line
        cell_line = ipynb.split_lines("".join(CELLS[finding.cell - 1]))[span.line - 1]
        spelled = json.dumps(cell_line[span.column - 1 : span.end_column - 1], ensure_ascii=text.isascii())[1:-1]
        where = finding.file_span
        file_line = text.split("\n")[where.line - 1]
        assert file_line[where.column - 1 : where.end_column - 1] == spelled, (layout, finding.code)


def test_ci_formats_point_at_the_line_of_the_ipynb(tmp_path: Path) -> None:
    source = FIXTURES / "notebook_with_magics" / "before.ipynb"
    (tmp_path / "nb.ipynb").write_bytes(source.read_bytes())
    file_lines = source.read_text().split("\n")

    def run(output_format: str) -> str:
        return glm_migrate(".", "--check", "--output-format", output_format, cwd=tmp_path).stdout

    assert "nb.ipynb:cell 4:3:11 GLM101" in run("text")  # the text format counts in the cell
    report = json.loads(run("json"))
    model = next(d for f in report["files"] for d in f["diagnostics"] if d["code"] == "GLM101" and d["cell"] == 4)
    line = model["span"]["line"]
    assert '"gpt-4o"' in file_lines[line - 1].replace('\\"', '"')
    assert model["cell_span"]["line"] == 3 and model["cell_span"]["column"] == 11
    assert model["cell_id"] == json.loads(source.read_text())["cells"][3].get("id")

    sarif = json.loads(run("sarif"))
    result = next(
        r for r in sarif["runs"][0]["results"] if r["ruleId"] == "GLM101" and r["properties"]["notebookCell"] == 4
    )
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line
    assert (result["properties"]["notebookCellLine"], result["properties"]["notebookCellColumn"]) == (3, 11)
    assert f"line={line},col=16," in run("github") and "(cell 4%2C line 3)" in run("github")
    gitlab = json.loads(run("gitlab"))
    assert any(i["check_name"] == "GLM101" and i["location"]["lines"]["begin"] == line for i in gitlab)
    assert f'line="{line}"' in run("junit") and "at cell 4 line 3 column 11" in run("junit")
    # markdown links the findings a person handles (a model decided at run time, here)
    (tmp_path / "nb.ipynb").write_bytes(notebook(["import openai\n"], ["x = 1\n", CALL.replace('"gpt-4o"', "name")]))
    markdown = run("markdown")
    advice = next(line for line in markdown.splitlines() if "**GLM104**" in line)
    assert "[nb.ipynb:cell 2:2](nb.ipynb#L" in advice
    target = int(advice.split("#L")[1].split(")")[0])
    assert "model=name" in (tmp_path / "nb.ipynb").read_text().split("\n")[target - 1]


# cache and stdin -------------------------------------------------------------------------------


def test_notebooks_are_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_bytes(notebook(["import openai\n"], [CALL]))
    first = migrate_file(path, Settings(), cache_root=tmp_path / "cache")
    assert first.output is not None

    def not_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("migrated again")

    monkeypatch.setattr(notebook_module, "migrate_notebook", not_again)
    assert migrate_file(path, Settings(), cache_root=tmp_path / "cache") == first


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("nb.ipynb", notebook(["import openai\n"], [CALL])),
        (".env.example", b"OPENAI_API_KEY=your-key\nOPENAI_MODEL=gpt-4o\n"),
    ],
)
def test_stdin_gets_what_the_same_file_gets(tmp_path: Path, name: str, data: bytes) -> None:
    piped = glm_migrate("-", "--stdin-filename", name, "--unsafe-fixes", cwd=tmp_path, stdin=data)
    (tmp_path / name).write_bytes(data)
    as_file = glm_migrate(name, "--unsafe-fixes", cwd=tmp_path)
    assert piped.stdout == (tmp_path / name).read_bytes() != data
    assert piped.returncode == as_file.returncode == 0
    first_finding = as_file.stdout.splitlines()[0]
    assert first_finding.encode() in piped.stderr


OPENAI_CELL = (
    'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'
)


@pytest.mark.parametrize(
    "metadata",
    [
        {"language_info": {"name": "csharp"}},
        {"kernelspec": {"language": "R", "name": "ir"}, "language_info": {"name": "R"}},
    ],
)
def test_notebooks_in_another_language_are_not_read(metadata: dict[str, object]) -> None:
    document = json.loads(notebook(OPENAI_CELL))
    document["metadata"] = metadata
    result = migrate_notebook(json.dumps(document).encode(), settings=Settings(), tables=load_tables())
    assert result.output is None and result.diagnostics == () and result.error is None


def test_cells_a_polyglot_notebook_runs_in_another_language_are_not_read() -> None:
    document = json.loads(notebook('var client = new OpenAIClient("gpt-4o");\n', OPENAI_CELL))
    document["metadata"] = {"language_info": {"name": "python"}}
    document["cells"][0]["metadata"] = {"polyglot_notebook": {"kernelName": "csharp"}}
    result = migrate_notebook(json.dumps(document).encode(), settings=Settings(), tables=load_tables())
    assert result.output is not None and {d.cell for d in result.diagnostics} == {2}
