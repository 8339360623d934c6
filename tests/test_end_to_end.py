"""Migrated programs, run with the real SDKs against the mock GLM endpoint, send what GLM accepts.

Every `fixtures/<case>/run.toml` marks a golden fixture whose programs can run: `after.py` must
exit 0 with every request accepted, and `before.py`, pointed at the same endpoint, must have a
request rejected, which proves the migration made the difference. run.toml keys (all optional):

    stdout = "text"          # after.py prints this
    known_gap = "why"        # after.py is still rejected: a strict xfail until the codemod learns it
    manual = "finding"       # the codemod leaves this to a person, and the endpoint rejects it as is
    before_unreachable = "why"  # before.py hard-codes OpenAI's URL: it must fail without reaching us
    [[request]]              # the requests after.py sends, in order
    path = "chat/completions"
    model = "glm-4.6"
    keys = ["thinking"]      # top-level body keys that must be present (GLM-only options included)
    absent = ["tool_stream"] # top-level body keys that must not be present

A case's `targets/<model>/after.py` (the same before.py migrated to another target model) runs
against a server serving that model, with its folder's run.toml or else the case's, whose model
ids are then read as the target's ids of the same tier; before.py must be rejected there too.

Each program run gets its own server (a thread and a socket), so requests are told apart even
when runs overlap. Importing the openai SDK costs about a second, so programs are not started as
`python after.py` one by one: a fork server (started with sys.executable) imports the SDKs once
and forks a fresh process per program, which runs it as `__main__` with its own environment,
working directory and output files. Where fork servers do not exist, each program gets a plain
subprocess instead.
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import subprocess
import sys
import traceback
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomllib
from clirunner import FIXTURES

from glm_migrate.mock_server import ROUTES, MockGLMServer, RecordedRequest
from glm_migrate.tables import Tables, load_tables

#: (case, target model) of every runnable program: a case with run.toml runs on the default
#: target (None); each `targets/<model>/` of it, or one with its own run.toml, on that model
RUNNABLE = sorted(
    (
        *((p.name, None) for p in FIXTURES.iterdir() if (p / "run.toml").is_file()),
        *(
            (p.parent.parent.name, p.name)
            for p in FIXTURES.glob("*/targets/*")
            if (p / "run.toml").is_file() or (p.parent.parent / "run.toml").is_file()
        ),
    ),
    key=lambda job: (job[0], job[1] or ""),
)
IDS = [case if target is None else f"{case}@{target}" for case, target in RUNNABLE]
MANIFEST_KEYS = {"stdout", "known_gap", "manual", "before_unreachable", "request"}
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


def _directory(case: str, target: str | None) -> Path:
    """Where the migrated program for `target` is (its after.py and run.toml)."""
    return FIXTURES / case if target is None else FIXTURES / case / "targets" / target


def _manifest(case: str, target: str | None = None) -> dict[str, Any]:
    """The run.toml of the target's folder; else the case's, its model ids (the default
    target's) read as the target's ids of the same tier, as the codemod maps them."""
    own = _directory(case, target) / "run.toml"
    path = own if own.is_file() else FIXTURES / case / "run.toml"
    manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(manifest) <= MANIFEST_KEYS, f"{path}: unknown keys {set(manifest) - MANIFEST_KEYS}"
    for expected in manifest.get("request", []):
        assert set(expected) <= REQUEST_KEYS, f"{path}: unknown keys {set(expected) - REQUEST_KEYS}"
        if path is not own and "model" in expected:
            endpoint = next(e for route, e in ROUTES.items() if expected["path"] == route)
            expected["model"] = _tables(target).glm_id(endpoint, expected["model"])
    return manifest


def _tables(target: str | None) -> Tables:
    return load_tables().configured(target)


#: the OpenAI key a migrated program finds when `ZAI_API_KEY` is not set: it must never reach Z.AI
LEFT_OPENAI_KEY = "sk-e2e-must-not-reach-zai"
#: the migrated program, run where the deployment has not set `ZAI_API_KEY` yet
WITHOUT_ZAI_KEY = "after.py without ZAI_API_KEY"


def _environment(base_url: str, program: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ZAI_", "ZHIPUAI_"))}
    env.update({"ZAI_BASE_URL": base_url, "ZAI_API_KEY": "e2e-zai-key", "PYTHONIOENCODING": "utf-8"})
    if program == WITHOUT_ZAI_KEY:
        del env["ZAI_API_KEY"]
        env["OPENAI_API_KEY"] = LEFT_OPENAI_KEY
    elif program == "after.py":
        # No OpenAI key at all: a migrated program must not need one.
        env["OPENAI_BASE_URL"] = UNREACHABLE
    else:
        # The unmigrated program talks to the endpoint through the variables its SDK reads.
        env.update({"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "sk-e2e-bogus"})
        env.update({"ZHIPUAI_BASE_URL": base_url, "ZHIPUAI_API_KEY": "e2e.bogus"})
    return env


def _execute(program: str, cwd: str, env: dict[str, str], output: str) -> None:
    """In a process forked from the fork server: run `program` as `python program` would."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, suffix in ((1, ".out"), (2, ".err")):
        target = os.open(output + suffix, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - fd 1 outlives this frame
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.argv, sys.path[0] = [program], cwd
    code = 0
    try:
        runpy.run_path(program, run_name="__main__")
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    Path(output + ".exit").write_text(str(code), encoding="utf-8")
    os._exit(code)


def _fork_server() -> Any:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "openai", "zai", __name__])
    return context


def _run(directory: Path, program: str, output: Path, forks: Any, target: str | None = None) -> Run:
    with MockGLMServer(target_model=target) as server:
        env = _environment(server.base_url, program)
        program = "after.py" if program == WITHOUT_ZAI_KEY else program
        if forks is None:
            done = subprocess.run(
                [sys.executable, program], cwd=directory, env=env, capture_output=True, timeout=TIMEOUT
            )
            return Run(done.returncode, done.stdout.decode(), done.stderr.decode(), server.requests)
        process = forks.Process(target=_execute, args=(program, str(directory), env, str(output)))
        process.start()
        process.join(TIMEOUT)
        if process.exitcode is None:
            process.kill()
            process.join()
        # No files: the forked process died before it reached the program.
        out, err, exit_file = (output.with_name(output.name + suffix) for suffix in (".out", ".err", ".exit"))
        stdout = out.read_text("utf-8") if out.exists() else ""
        stderr = err.read_text("utf-8") if err.exists() else "the fork server could not start the program"
        # The program's own exit code, not process.exitcode: another thread's Process.start() polls
        # every live child and can swallow the status the fork server sends, which then reads as 255.
        if exit_file.exists():
            returncode = int(exit_file.read_text("utf-8"))
        else:
            returncode = process.exitcode if process.exitcode is not None else -1
        return Run(returncode, stdout, stderr, server.requests)


def _accepted(run: Run) -> bool:
    return run.returncode == 0 and bool(run.requests) and all(r.accepted for r in run.requests)


Job = tuple[str, str | None, str]  #: case, target model, program


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Mapping[Job, Run]:
    programs = ("after.py", "before.py", WITHOUT_ZAI_KEY)
    jobs = [(case, target, program) for case, target in RUNNABLE for program in programs]
    outputs, forks = tmp_path_factory.mktemp("runs"), _fork_server()

    def run(job: Job) -> Run:
        case, target, program = job
        directory = FIXTURES / case if program == "before.py" else _directory(case, target)
        output = outputs / f"{case}-{target or 'default'}-{program.replace(' ', '-')}"
        return _run(directory, program, output, forks, target)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        return dict(zip(jobs, pool.map(run, jobs), strict=True))


def test_enough_runnable_fixtures() -> None:
    assert len(RUNNABLE) >= 8


@pytest.mark.parametrize(("case", "target"), RUNNABLE, ids=IDS)
def test_migrated_program_is_accepted(case: str, target: str | None, runs: Mapping[Job, Run]) -> None:
    manifest = _manifest(case, target)
    run = runs[case, target, "after.py"]
    if "manual" in manifest:
        # What the codemod reports for a person really is broken: GLM rejects it until fixed.
        assert any(not r.accepted for r in run.requests) and run.returncode != 0, run.explain()
        return
    if "known_gap" in manifest:
        assert not _accepted(run), f"{case} now runs: drop `known_gap` from its run.toml"
        pytest.xfail(manifest["known_gap"])
    assert _accepted(run), run.explain()
    tables = _tables(target)
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


@pytest.mark.parametrize(("case", "target"), RUNNABLE, ids=IDS)
def test_migrated_program_never_sends_the_openai_key_to_zai(
    case: str, target: str | None, runs: Mapping[Job, Run]
) -> None:
    """With `ZAI_API_KEY` unset, a client given None for its key falls back to `OPENAI_API_KEY`:
    the migrated program may fail, but must not send that key to Z.AI."""
    run = runs[case, target, WITHOUT_ZAI_KEY]
    for request in run.requests:
        assert LEFT_OPENAI_KEY not in request.headers.get("authorization", ""), run.explain()


@pytest.mark.parametrize(("case", "target"), RUNNABLE, ids=IDS)
def test_unmigrated_program_is_rejected(case: str, target: str | None, runs: Mapping[Job, Run]) -> None:
    run = runs[case, target, "before.py"]
    if "before_unreachable" in _manifest(case, target):
        # Offline, OpenAI's host does not resolve: the program cannot have worked.
        assert run.returncode != 0 and not run.requests, run.explain()
        return
    assert run.requests, f"before.py sent nothing to the endpoint\n{run.explain()}"
    assert any(not r.accepted for r in run.requests), run.explain()
    assert run.returncode != 0, run.explain()


def test_runner_reports_exit_code_output_and_requests(tmp_path: Path) -> None:
    # The harness itself: a run that fails must look failed, or every test above proves nothing.
    (tmp_path / "after.py").write_text(
        "import os, sys\n"
        "from openai import OpenAI\n"
        "client = OpenAI(api_key=os.environ['ZAI_API_KEY'], base_url=os.environ['ZAI_BASE_URL'], max_retries=0)\n"
        "if __name__ == '__main__':\n"
        "    print(client.chat.completions.create(model='glm-4.6', messages=[{'role': 'user', 'content': 'é'}]).model)\n"
        "    client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': 'x'}])\n",
        encoding="utf-8",
    )
    run = _run(tmp_path, "after.py", tmp_path / "output", _fork_server())
    assert run.returncode == 1 and run.stdout == "glm-4.6\n"
    assert "BadRequestError" in run.stderr
    assert [(r.status, r.error_code) for r in run.requests] == [(200, None), (400, "1211")]
    assert not _accepted(run)
