"""A plain, non-editable install finds the tables in rules/: build the wheel, install, run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from clirunner import ROOT

from glm_migrate.tables import TABLE_FILES


@pytest.mark.slow
def test_wheel_ships_tables_and_console_script_runs(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    wheel = next((tmp_path / "dist").glob("glm_migrate-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for table in TABLE_FILES:
        assert f"glm_migrate/_rules/{table}.toml" in names

    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    work = tmp_path / "work"
    shutil.copytree(ROOT / "fixtures" / "sync_client_basic", work)
    # The installed copy comes first on the path; the checkout's rules/ is out of its reach.
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    script = target / "bin" / "glm-migrate"
    run = subprocess.run(
        [sys.executable, str(script), "before.py", "--dry-run"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert 'model="glm-4.6"' in run.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import glm_migrate.tables as t; print(t.tables_dir())"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert str(target) in probe.stdout
