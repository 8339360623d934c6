"""Property-based tests: generated call sites always give parseable, idempotent output.

The default run keeps the example count modest; GLM_MIGRATE_HYPOTHESIS_EXAMPLES=2000 runs more.
"""

from __future__ import annotations

import ast
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glm_migrate.config import Settings
from glm_migrate.diagnostics import MigrationResult
from glm_migrate.engine import migrate_source
from glm_migrate.tables import load_tables

EXAMPLES = int(os.environ.get("GLM_MIGRATE_HYPOTHESIS_EXAMPLES", "60"))
PROFILE = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

IMPORTS = {
    "from openai import OpenAI": "OpenAI",
    "from openai import OpenAI as LLM": "LLM",
    "from openai import AsyncOpenAI": "AsyncOpenAI",
    "import openai": "openai.OpenAI",
    "import openai as oa": "oa.OpenAI",
    "from zai import ZaiClient": "ZaiClient",
    "from zhipuai import ZhipuAI": "ZhipuAI",
}
MODELS = ["gpt-4o", "gpt-4o-mini-2024-07-18", "gpt-3.5-turbo", "glm-4", "glm-4.6", "ft:gpt-4o:x", "my-model", "o3-mini"]
URLS = ["https://api.openai.com/v1", "https://api.z.ai/api/paas/v4/", "http://localhost:8000/v1", "https://example.com"]

literal_number = st.one_of(
    st.integers(min_value=-3, max_value=300_000).map(str),
    st.floats(min_value=-2, max_value=3, allow_nan=False).map(lambda f: repr(round(f, 2))),
)
value = st.one_of(literal_number, st.sampled_from(["x", "settings.value", "cfg['t']", "None", "True"]))
model_value = st.one_of(
    st.sampled_from(MODELS).map(repr), st.sampled_from(["MODEL", "model", "os.getenv('M', 'gpt-4o')"])
)
spacing = st.sampled_from([", ", ",", ",\n    ", ",  # note\n    ", " ,\n\t"])

client_kwargs = st.lists(
    st.one_of(
        st.sampled_from(URLS).map(lambda u: f"base_url={u!r}"),
        st.sampled_from(
            ["os.environ['OPENAI_API_KEY']", "os.getenv('OPENAI_API_KEY')", "'sk-test1234567890'", "key"]
        ).map(lambda k: f"api_key={k}"),
        st.just("organization='org-1'"),
        st.just("timeout=30"),
    ),
    max_size=4,
    unique_by=lambda a: a.split("=")[0],
)
chat_kwargs = st.lists(
    st.one_of(
        model_value.map(lambda m: f"model={m}"),
        st.just("messages=[{'role': 'user', 'content': 'hi'}]"),
        value.map(lambda v: f"temperature={v}"),
        value.map(lambda v: f"top_p={v}"),
        value.map(lambda v: f"max_completion_tokens={v}"),
        value.map(lambda v: f"max_tokens={v}"),
        value.map(lambda v: f"n={v}"),
        st.sampled_from(["stream=True", "stream=False"]),
        st.just("tools=[{'type': 'function', 'function': {'name': 'f', 'parameters': {}}}]"),
        st.just("**extra"),
    ),
    max_size=7,
    unique_by=lambda a: a.split("=")[0],
)


@st.composite
def modules(draw: st.DrawFn) -> str:
    imports = draw(st.lists(st.sampled_from(sorted(IMPORTS)), min_size=1, max_size=3, unique=True))
    constructor = IMPORTS[imports[0]]
    sep = draw(spacing)
    client = f"client = {constructor}({sep.join(draw(client_kwargs))})"
    lines = ["import os", *imports, f"MODEL = {draw(st.sampled_from(MODELS))!r}", client, ""]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["chat", "embeddings", "parse"]))
        args = draw(chat_kwargs)
        if kind == "embeddings":
            args = [a for a in args if a.startswith(("model", "**"))] + ["input='x'"]
        call = {"chat": "chat.completions.create", "parse": "chat.completions.parse", "embeddings": "embeddings.create"}
        body = draw(spacing).join(args)
        prefix = draw(st.sampled_from(["", "result = ", "await_me = "]))
        lines.append(f"def f{len(lines)}(model={draw(model_value)}, extra={{}}):")
        lines.append(f"    {prefix}client.{call[kind]}({body})")
    return "\n".join(lines) + "\n"


def _migrate(source: str) -> MigrationResult:
    result = migrate_source(source, settings=Settings(unsafe_fixes=True), tables=load_tables())
    assert result.error is None, f"{result.error}\n{source}"
    return result


@PROFILE
@given(modules())
def test_output_parses_and_is_idempotent(source: str) -> None:
    output = _migrate(source).output
    ast.parse(output)
    second = _migrate(output)
    assert second.output == output, f"second run changed:\n{output}"
    assert not any(d.applied for d in second.diagnostics)


@PROFILE
@given(modules())
def test_every_change_comes_from_an_applied_finding(source: str) -> None:
    result = _migrate(source)
    applied = [d for d in result.diagnostics if d.applied]
    assert result.changed == bool(applied)


@PROFILE
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_code_without_openai_is_byte_identical(text: str) -> None:
    source = f"x = {text!r}\n# {text.replace(chr(10), ' ').replace(chr(13), ' ')}\n"
    if "openai" in source.lower():
        return
    result = migrate_source(source, settings=Settings(), tables=load_tables())
    assert result.output == source
