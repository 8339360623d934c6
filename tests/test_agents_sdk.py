"""The OpenAI Agents SDK (openai-agents, a development dependency), run for real against the mock
GLM endpoint: a migrated agent program works, and its tracing is off (GLM011), so no trace of a
run leaves for OpenAI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirunner import FIXTURES

from glm_migrate.mock_server import MockGLMServer

pytest.importorskip("agents")

CASE = FIXTURES / "e2e_openai_agents"
#: runs a program with a trace processor that counts the traces the SDK starts (a disabled
#: tracer starts none), then prints the count
RECORDING = """\
import runpy, sys
from agents.tracing import TracingProcessor, add_trace_processor

started = []


class Recorder(TracingProcessor):
    def on_trace_start(self, trace):
        started.append(trace.name)

    def on_trace_end(self, trace): ...
    def on_span_start(self, span): ...
    def on_span_end(self, span): ...
    def shutdown(self): ...
    def force_flush(self): ...


add_trace_processor(Recorder())
runpy.run_path(sys.argv[1], run_name="__main__")
print(f"traces started: {len(started)}")
"""


def _run(program: Path, server: MockGLMServer, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    wrapper = tmp_path / "recording.py"
    wrapper.write_text(RECORDING, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ZAI_"))}
    env.update({"ZAI_BASE_URL": server.base_url, "ZAI_API_KEY": "agents-zai-key"})
    return subprocess.run(
        [sys.executable, str(wrapper), str(program)], env=env, capture_output=True, text=True, timeout=120
    )


def test_migrated_agents_run_on_chat_completions_with_tracing_off(tmp_path: Path) -> None:
    with MockGLMServer() as server:
        done = _run(CASE / "after.py", server, tmp_path)
        assert done.returncode == 0, done.stderr
        assert "traces started: 0" in done.stdout
        assert [(r.path.rsplit("/", 2)[-2:], r.model, r.status) for r in server.requests] == [
            (["chat", "completions"], "glm-4.6", 200)
        ] * 2


def test_without_the_tracing_fix_the_sdk_traces(tmp_path: Path) -> None:
    # The recorder sees traces when tracing is on: the test above proves something.
    program = tmp_path / "traced.py"
    program.write_text((CASE / "after.py").read_text().replace("set_tracing_disabled(True)\n", ""), encoding="utf-8")
    with MockGLMServer() as server:
        done = _run(program, server, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "traces started: 2" in done.stdout


def test_migrated_agents_run_against_a_newer_target(tmp_path: Path) -> None:
    with MockGLMServer(target_model="glm-5.3") as server:
        done = _run(CASE / "targets" / "glm-5.3" / "after.py", server, tmp_path)
        assert done.returncode == 0, done.stderr
        assert {r.model for r in server.requests} == {"glm-5.3"} and all(r.accepted for r in server.requests)
