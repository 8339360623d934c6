"""pytest fixtures for the mock GLM endpoint; registered as the `glm_migrate` pytest11 plugin.

    def test_answer(glm_endpoint):
        answer("hi")                       # code under test builds its client from ZAI_* variables
        assert glm_endpoint.requests[0].accepted
        assert glm_endpoint.requests[0].body["model"] == "glm-4.6"

One server runs per test session (`glm_server`); `glm_endpoint` points `ZAI_BASE_URL` and
`ZAI_API_KEY` at it for one test and shows only the requests that test sent. The server serves
the project's target model: `[tool.glm-migrate] target-model` (and `target-profile`) of the
nearest pyproject.toml above pytest's root folder, or `pytest --glm-target-model glm-5.3`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from glm_migrate.config import ConfigError, find_settings
from glm_migrate.mock_server import MockGLMServer, RecordedRequest
from glm_migrate.targets import TargetError

#: the key `glm_endpoint` puts in ZAI_API_KEY; the endpoint takes any non-empty Bearer token
MOCK_API_KEY = "glm-mock-key"


@dataclass(frozen=True, slots=True)
class GLMEndpoint:
    server: MockGLMServer
    #: how many requests the server had recorded when the test started
    first: int
    api_key: str = MOCK_API_KEY

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests sent since this test started, accepted or not, oldest first."""
        return self.server.requests[self.first :]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--glm-target-model",
        metavar="MODEL",
        help="the target model the mock GLM endpoint serves (default: the project's target-model)",
    )


@pytest.fixture(scope="session")
def glm_server(pytestconfig: pytest.Config) -> Iterator[MockGLMServer]:
    """The mock GLM endpoint on a port the OS chose, for the whole session, serving the project's
    target model."""
    try:
        settings = find_settings(pytestconfig.rootpath)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    target = pytestconfig.getoption("glm_target_model") or settings.target_model
    try:
        server = MockGLMServer(target_model=target, target_profile=settings.target_profile)
    except TargetError as exc:
        raise pytest.UsageError(str(exc)) from None
    with server:
        yield server


@pytest.fixture
def glm_endpoint(glm_server: MockGLMServer, monkeypatch: pytest.MonkeyPatch) -> GLMEndpoint:
    """The session's mock endpoint, with ZAI_BASE_URL / ZAI_API_KEY set to it for this test."""
    monkeypatch.setenv("ZAI_BASE_URL", glm_server.base_url)
    monkeypatch.setenv("ZAI_API_KEY", MOCK_API_KEY)
    return GLMEndpoint(glm_server, len(glm_server.requests))
