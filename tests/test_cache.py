"""The result cache: keyed by content and settings, reused across runs, skippable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from clirunner import APP, ROOT, glm_migrate

from glm_migrate.cache import Cache, CachedResult
from glm_migrate.config import Settings


def test_entries_are_keyed_by_content_and_settings(tmp_path: Path) -> None:
    cache = Cache(tmp_path, Settings())
    entry = CachedResult((), None, "new", "utf-8")
    cache.put(b"old", entry)
    assert cache.get(b"old") == entry
    assert cache.get(b"other") is None
    assert Cache(tmp_path, Settings(region="china")).get(b"old") is None
    assert (tmp_path / ".gitignore").read_text().endswith("*\n")


def test_second_check_reuses_results_and_no_cache_skips_it(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    first = glm_migrate(".", "--check", cwd=tmp_path)
    entries = list((tmp_path / ".glm_migrate_cache").rglob("*"))
    assert any(p.is_file() and p.name != ".gitignore" for p in entries)
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
    options = ["--files", "3", "--repeat", "1", "--jobs", "1", "--skip-codemod", "--quiet-tree", str(quiet)]
    result = subprocess.run(
        [sys.executable, script, *options],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "dry-run / bare parse" in result.stdout and "cold / warm --check" in result.stdout
