"""The result cache: keyed by content and settings, reused across runs, skippable."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirunner import APP, ROOT, glm_migrate

from glm_migrate.cache import CACHE_DIR_NAME, Cache, CachedResult
from glm_migrate.config import Settings


def test_entries_are_keyed_by_content_and_settings(tmp_path: Path) -> None:
    cache = Cache(tmp_path, Settings())
    entry = CachedResult((), None, "new", "utf-8")
    cache.put(b"old", entry)
    assert cache.get(b"old") == entry
    assert cache.get(b"other") is None
    assert Cache(tmp_path, Settings(region="china")).get(b"old") is None
    assert (tmp_path / ".gitignore").read_text().endswith("*\n")


def _put_many(root: Path, first: int, start: multiprocessing.synchronize.Barrier) -> None:
    cache = Cache(root, Settings())
    start.wait()
    for index in range(first, first + 50):
        cache.put(str(index).encode(), CachedResult((), None, str(index), "utf-8"))


def test_workers_starting_together_on_a_new_cache_all_write(tmp_path: Path) -> None:
    # Turning a new database to WAL locks it: workers that start at once must not give up.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    for attempt in range(3):
        root = tmp_path / str(attempt)
        start = context.Barrier(4)
        workers = [context.Process(target=_put_many, args=(root, 100 * n, start)) for n in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [worker.exitcode for worker in workers] == [0] * 4
        cache = Cache(root, Settings())
        missing = [i for n in range(4) for i in range(100 * n, 100 * n + 50) if cache.get(str(i).encode()) is None]
        assert not missing


def test_a_damaged_database_is_started_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path, Settings())
    cache.path.write_bytes(b"not a database, " * 100)
    entry = CachedResult((), None, "new", "utf-8")
    cache.put(b"old", entry)
    assert Cache(tmp_path, Settings()).get(b"old") == entry


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_process_opens_its_own_connection(tmp_path: Path) -> None:
    cache = Cache(tmp_path, Settings())
    cache.put(b"parent", CachedResult((), None, "parent", "utf-8"))
    pid = os.fork()
    if pid == 0:  # the child: its inherited connection must be neither used nor closed
        cache.put(b"child", CachedResult((), None, "child", "utf-8"))
        os._exit(0 if cache.get(b"parent") is not None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get(b"child") == CachedResult((), None, "child", "utf-8")
    cache.put(b"parent again", CachedResult((), None, "again", "utf-8"))
    assert Cache(tmp_path, Settings()).get(b"parent again") is not None


def test_second_check_reuses_results_and_no_cache_skips_it(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    first = glm_migrate(".", "--check", cwd=tmp_path)
    entries = list((tmp_path / ".glm_migrate_cache").rglob("*.sqlite"))
    assert entries
    second = glm_migrate(".", "--check", cwd=tmp_path)
    assert (first.returncode, first.stdout) == (second.returncode, second.stdout)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "app.py").write_text(APP)
    glm_migrate(".", "--check", "--no-cache", cwd=elsewhere)
    assert not (elsewhere / ".glm_migrate_cache").exists()


def test_apply_after_a_cached_check_writes_the_same_result(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    glm_migrate(".", "--check", cwd=tmp_path)
    assert glm_migrate(".", cwd=tmp_path).returncode == 0
    assert 'model="glm-4.6"' in (tmp_path / "app.py").read_text()


def test_benchmark_script_runs_on_a_tiny_tree(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    (quiet / "util.py").write_text("x = 1\n")
    script = str(ROOT / "benchmarks" / "run.py")
    options = [
        "--files",
        "3",
        "--repeat",
        "1",
        "--jobs",
        "1",
        "--skip-codemod",
        "--quiet-tree",
        str(quiet),
        "--memory",
        "2,3",
    ]
    result = subprocess.run(
        [sys.executable, script, *options],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "dry-run / bare parse" in result.stdout and "cold / warm --check" in result.stdout
    assert "dry run, dense tree" in result.stdout and "dry run, shared client tree" in result.stdout


def test_benchmark_work_counted_under_valgrind_runs_without_it(tmp_path: Path) -> None:
    # `--instructions` runs this under valgrind; here it only has to do its work and leave no trace.
    for index in range(3):
        (tmp_path / f"app{index}.py").write_text(APP)
    script = str(ROOT / "benchmarks" / "run.py")
    for work in ("parse", "migrate"):
        options = ["--count-work", work, "--files", "2", "--tree", str(tmp_path)]
        result = subprocess.run([sys.executable, script, *options], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app0.py", "app1.py", "app2.py"]


def test_key_changes_with_the_code_libcst_and_python(monkeypatch: pytest.MonkeyPatch) -> None:
    from glm_migrate import cache

    first = cache.fingerprint(Settings())
    cache._code_digest.cache_clear()
    monkeypatch.setattr(cache, "_code_digest", lambda: b"another rule message")
    assert cache.fingerprint(Settings()) != first
    monkeypatch.undo()
    assert cache.fingerprint(Settings()) == first
    monkeypatch.setattr(cache, "_libcst_version", lambda: '__version__ = "9.9.9"')
    assert cache.fingerprint(Settings()) != first
    monkeypatch.undo()
    monkeypatch.setattr(cache.sys, "version", "3.99.0")
    assert cache.fingerprint(Settings()) != first
    assert "__version__" in cache._libcst_version()


def test_every_module_counts_in_the_code_key(tmp_path: Path) -> None:
    from glm_migrate.cache import _module_stats

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.py").write_text("MESSAGE = 'one'\n", encoding="utf-8")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.py").write_text("", encoding="utf-8")  # not a module of ours
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    before = sorted(_module_stats(str(tmp_path), ""))
    assert [name for name, _, _ in before] == ["rules/a.py"]
    (tmp_path / "rules" / "a.py").write_text("MESSAGE = 'other'\n", encoding="utf-8")
    os.utime(tmp_path / "rules" / "a.py", ns=(1, 1))
    assert sorted(_module_stats(str(tmp_path), "")) != before
    (tmp_path / "b.py").write_text("", encoding="utf-8")
    assert [name for name, _, _ in sorted(_module_stats(str(tmp_path), ""))] == ["b.py", "rules/a.py"]


def test_key_changes_with_the_libcst_implementation() -> None:
    """Stock and fast give the same results (tests/test_cst_equivalence.py), but an entry says
    which made it: a difference found later must not hide in the cache."""
    from glm_migrate import cache
    from glm_migrate import cst as glm_cst

    with glm_cst.using("stock"):
        stock = cache.fingerprint(Settings())
    with glm_cst.using("fast"):
        fast = cache.fingerprint(Settings())
    assert stock != fast
    assert cache.fingerprint(Settings()) == (fast if glm_cst.implementation_name() == "fast" else stock)


def test_cache_lives_in_the_project_root_wherever_the_run_starts(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "src" / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (project / "src" / "app" / "main.py").write_text(APP)
    glm_migrate("main.py", "--check", cwd=project / "src" / "app")
    glm_migrate("src", "--check", cwd=project)
    assert list((project / CACHE_DIR_NAME).glob("*.sqlite"))
    assert not (project / "src" / "app" / CACHE_DIR_NAME).exists()
