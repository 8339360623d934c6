"""Migrated programs, run with the real SDKs against the mock GLM endpoint, send what GLM accepts.

Every `fixtures/<case>/run.toml` marks a golden fixture whose programs can run: `after.py` must
exit 0 with every request accepted, and `before.py`, pointed at the same endpoint, must have a
request rejected, which proves the migration made the difference. run.toml keys (all optional):

    stdout = "text"          # after.py prints this
    known_gap = "why"        # after.py is still rejected: a strict xfail until the codemod learns it
    before_unreachable = "why"  # before.py hard-codes OpenAI's URL: it must fail without reaching us
    [[request]]              # the requests after.py sends, in order
    path = "chat/completions"
    model = "glm-4.6"
    keys = ["thinking"]      # top-level body keys that must be present (GLM-only options included)
    absent = ["tool_stream"] # top-level body keys that must not be present

Each program run gets its own server (a thread and a socket), so requests are told apart even
when runs overlap; the runs go in parallel so the module stays fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomllib

from glm_migrate.mock_server import MockGLMServer, RecordedRequest
from glm_migrate.tables import load_tables

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RUNNABLE = sorted(p.name for p in FIXTURES.iterdir() if (p / "run.toml").is_file())
MANIFEST_KEYS = {"stdout", "known_gap", "before_unreachable", "request"}
REQUEST_KEYS = {"path", "model", "keys", "absent"}
#: where a client the codemod missed would go: nothing listens there, so it fails fast, offline
UNREACHABLE = "http://127.0.0.1:9/v1/"
TIMEOUT = 60


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    requests: list[RecordedRequest]

    def explain(self) -> str:
        sent = [(r.path, r.status, r.error_code, r.body) for r in self.requests]
        return f"exit {self.returncode}\nrequests: {sent}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr[-3000:]}"


def _manifest(case: str) -> dict[str, Any]:
    manifest = tomllib.loads((FIXTURES / case / "run.toml").read_text(encoding="utf-8"))
    assert set(manifest) <= MANIFEST_KEYS, f"{case}/run.toml: unknown keys {set(manifest) - MANIFEST_KEYS}"
    for expected in manifest.get("request", []):
        assert set(expected) <= REQUEST_KEYS, f"{case}/run.toml: unknown keys {set(expected) - REQUEST_KEYS}"
    return manifest


def _environment(base_url: str, *, migrated: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ZAI_", "ZHIPUAI_"))}
    env.update({"ZAI_BASE_URL": base_url, "ZAI_API_KEY": "e2e-zai-key", "PYTHONIOENCODING": "utf-8"})
    if migrated:
        # No OpenAI key at all: a migrated program must not need one.
        env["OPENAI_BASE_URL"] = UNREACHABLE
    else:
        # The unmigrated program talks to the endpoint through the variables its SDK reads.
        env.update({"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "sk-e2e-bogus"})
        env.update({"ZHIPUAI_BASE_URL": base_url, "ZHIPUAI_API_KEY": "e2e.bogus"})
    return env


def _run(case: str, program: str) -> Run:
    with MockGLMServer() as server:
        done = subprocess.run(
            [sys.executable, program],
            cwd=FIXTURES / case,
            env=_environment(server.base_url, migrated=program == "after.py"),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
        )
        return Run(done.returncode, done.stdout, done.stderr, server.requests)


def _accepted(run: Run) -> bool:
    return run.returncode == 0 and bool(run.requests) and all(r.accepted for r in run.requests)


@pytest.fixture(scope="module")
def runs() -> Mapping[tuple[str, str], Run]:
    jobs = [(case, program) for case in RUNNABLE for program in ("after.py", "before.py")]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        return dict(zip(jobs, pool.map(lambda job: _run(*job), jobs), strict=True))


def test_enough_runnable_fixtures() -> None:
    assert len(RUNNABLE) >= 8


@pytest.mark.parametrize("case", RUNNABLE)
def test_migrated_program_is_accepted(case: str, runs: Mapping[tuple[str, str], Run]) -> None:
    manifest = _manifest(case)
    run = runs[case, "after.py"]
    if "known_gap" in manifest:
        assert not _accepted(run), f"{case} now runs: drop `known_gap` from its run.toml"
        pytest.xfail(manifest["known_gap"])
    assert _accepted(run), run.explain()
    tables = load_tables()
    for request in run.requests:
        assert request.endpoint is not None and tables.is_target(request.endpoint, request.model), request
        assert "extra_body" not in request.body, "GLM-only options must arrive at the top level"
    expected = manifest.get("request")
    if expected is not None:
        assert len(run.requests) == len(expected), run.explain()
        for want, got in zip(expected, run.requests, strict=True):
            assert got.path.endswith("/" + want["path"]), (want, got.path)
            assert got.model == want.get("model", got.model), (want, got.body)
            assert set(want.get("keys", [])) <= set(got.body), (want, got.body)
            assert not set(want.get("absent", [])) & set(got.body), (want, got.body)
    assert manifest.get("stdout", "") in run.stdout, run.explain()


@pytest.mark.parametrize("case", RUNNABLE)
def test_unmigrated_program_is_rejected(case: str, runs: Mapping[tuple[str, str], Run]) -> None:
    run = runs[case, "before.py"]
    if "before_unreachable" in _manifest(case):
        # Offline, OpenAI's host does not resolve: the program cannot have worked.
        assert run.returncode != 0 and not run.requests, run.explain()
        return
    assert run.requests, f"before.py sent nothing to the endpoint\n{run.explain()}"
    assert any(not r.accepted for r in run.requests), run.explain()
    assert run.returncode != 0, run.explain()
