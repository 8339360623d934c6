"""The spool keeps items on disk in order; the runner's results come through it unchanged."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path, PurePath

import pytest
from clirunner import APP

from glm_migrate import spool
from glm_migrate.config import Settings
from glm_migrate.runner import migrate_file, run, run_spooled
from glm_migrate.spool import Spool


def test_items_come_back_in_order_replaced_ones_included(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool, "_IN_MEMORY", 64)  # spill to a file after a few items
    items: Spool[dict[str, object]] = Spool()
    for number in range(20):
        items.append({"number": number, "text": "x" * number})
    assert not isinstance(items._file, io.BytesIO)
    items[3] = {"number": 3, "text": "replaced"}
    seen = []
    for index, item in enumerate(items):  # replacing while iterating reads the new value later
        if index == 5:
            items[10] = {"number": 10, "text": "late"}
        seen.append(item["text"])
    assert len(items) == 20 and seen[3] == "replaced" and seen[10] == "late" and seen[4] == "xxxx"
    assert items[-1]["number"] == 19 and [item["number"] for item in items[17:]] == [17, 18, 19]
    items.close()


def test_without_a_temporary_folder_items_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refuse(**_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spool, "_IN_MEMORY", 16)
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    items: Spool[str] = Spool()
    for number in range(10):
        items.append(f"item {number}")
    assert isinstance(items._file, io.BytesIO) and list(items) == [f"item {n}" for n in range(10)]


def test_small_runs_stay_in_memory() -> None:
    items: Spool[int] = Spool()
    items.append(1)
    assert isinstance(items._file, io.BytesIO) and list(items) == [1]


def test_spooled_run_gives_what_each_file_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool, "_IN_MEMORY", 1024)
    paths = []
    for number in range(6):
        path = tmp_path / f"app{number}.py"
        path.write_text(APP if number % 2 else "x = 1\n", encoding="utf-8")
        paths.append(path)
    reports = run_spooled(paths, Settings(), jobs=1, diffs=True)
    try:
        assert list(reports) == [migrate_file(path, Settings(), diffs=True) for path in paths]
    finally:
        reports.close()
    assert list(run(paths, Settings(), jobs=1, diffs=True)) == [migrate_file(p, Settings(), diffs=True) for p in paths]


def test_a_copy_of_the_spooled_summaries_sees_the_original_and_keeps_its_own() -> None:
    from glm_migrate.project import ModuleSummary
    from glm_migrate.runner import _SpooledSummaries

    first, second, third = (PurePath(name) for name in ("a.py", "b.py", "c.py"))
    summaries = _SpooledSummaries(Spool(), {})
    summaries[first] = ModuleSummary(imports=("os",))
    summaries[second] = ModuleSummary()
    copy = summaries.copy()
    copy[third] = ModuleSummary(imports=("json",))  # a module the index summarised on demand
    assert list(copy) == [first, second, third]
    assert len(copy) == 3
    assert copy[first] == ModuleSummary(imports=("os",))
    assert copy[third] == ModuleSummary(imports=("json",))
    assert third not in summaries, "the original does not see what a copy adds"
    assert list(summaries) == [first, second]
    del copy[third]
    assert list(copy) == [first, second]


def test_a_run_with_workers_migrates_modules_again_there_however_few(tmp_path: Path) -> None:
    """The one module the project index tells something is migrated again in a worker: in the
    main process it would import LibCST and the rules, 16 MB the main process otherwise never
    holds."""
    (tmp_path / "settings.py").write_text("MODEL = 'gpt-4o'\n", encoding="utf-8")
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\nfrom settings import MODEL\n\nclient = OpenAI()\n\n\n"
        "def ask(q):\n    return client.chat.completions.create(model=MODEL, messages=[{'role': 'user', 'content': q}])\n",
        encoding="utf-8",
    )
    for number in range(40):
        (tmp_path / f"quiet{number}.py").write_text("x = 1\n", encoding="utf-8")
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from glm_migrate.config import Settings\nfrom glm_migrate.runner import run_spooled\n"
        "paths = sorted(Path(sys.argv[1]).glob('*.py'))\n"
        "reports = run_spooled(paths, Settings(), jobs=2)\n"
        "print(*(d.code for r in reports if r.path.name == 'settings.py' for d in r.diagnostics), 'libcst' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True)
    *settings_codes, imported = result.stdout.split()
    assert "GLM101" in settings_codes and imported == "False", result.stdout + result.stderr


def test_facts_differing_in_one_field_have_different_digests() -> None:
    # the runner migrates a module again only when the digest of what it is told changes: two
    # fields written under one prefix (held_clients and held_sent once shared `h`) hid a change
    from dataclasses import fields, replace

    from glm_migrate.project import ModuleFacts

    samples = {dict: {"k": "v"}, frozenset: frozenset({"k"}), str: "k"}
    texts = {
        field.name: replace(
            ModuleFacts(), **{field.name: samples[type(getattr(ModuleFacts(), field.name))]}
        ).digest_text()
        for field in fields(ModuleFacts)
    }
    assert all(texts.values()), [name for name, text in texts.items() if not text]
    assert len(set(texts.values())) == len(texts), sorted(texts.items(), key=lambda item: item[1])
