"""The mock GLM endpoint: what it accepts, what it rejects with which code, and how it answers."""

from __future__ import annotations

import base64
import importlib.metadata
import json
import os
import signal
import struct
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import openai
import pytest
import tomllib

from glm_migrate.mock_server import MockGLMServer
from glm_migrate.pytest_plugin import MOCK_API_KEY, GLMEndpoint
from glm_migrate.tables import ENDPOINTS, TABLE_FILES, TablesError, load_tables, parse_tables, tables_dir

TABLES = load_tables()
USER = [{"role": "user", "content": "What is the weather in Paris?"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture
def server(glm_server: MockGLMServer) -> MockGLMServer:
    return glm_server  # the plugin's session-wide endpoint: one server for the whole run


@pytest.fixture
def client(server: MockGLMServer) -> openai.OpenAI:
    return openai.OpenAI(api_key="test-key", base_url=server.base_url, max_retries=0)


def post(server: MockGLMServer, path: str, body: Any, headers: dict[str, str | None] | None = None) -> tuple[int, Any]:
    """POST raw JSON (so the SDK cannot reshape it); returns the status and the parsed answer."""
    sent = {"Content-Type": "application/json", "Authorization": "Bearer test-key", **(headers or {})}
    request = urllib.request.Request(
        server.base_url + path,
        data=json.dumps(body).encode(),
        headers={k: v for k, v in sent.items() if v is not None},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, _parse(response.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _parse(text: str) -> Any:
    if not text.startswith("data: "):
        return json.loads(text)
    return [event.removeprefix("data: ") for event in text.split("\n\n") if event]


def chat(server: MockGLMServer, **params: Any) -> tuple[int, Any]:
    return post(server, "chat/completions", {"model": "glm-4.6", "messages": USER, **params})


def error_code(answer: tuple[int, Any]) -> tuple[int, str]:
    status, body = answer
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return status, body["error"]["code"]


# --- tables ------------------------------------------------------------------------------------


def test_tables_list_accepted_parameters_for_every_endpoint() -> None:
    assert set(TABLES.accepted_params) == set(ENDPOINTS)
    assert {"model", "messages", "thinking", "tool_stream", "max_tokens"} <= TABLES.accepted_params["chat"]
    openai_only = {"n", "presence_penalty", "frequency_penalty", "logit_bias", "user", "max_completion_tokens"}
    assert not openai_only & TABLES.accepted_params["chat"]
    assert TABLES.embedding_dimensions["embedding-3"].max == 2048
    assert "glm-4.6" in TABLES.thinking_models


@pytest.mark.parametrize(
    ("file", "missing"), [("parameters", "accepted"), ("parameters", "embedding_vectors"), ("targets", "glm_models")]
)
def test_tables_without_the_endpoint_sections_are_an_error(file: str, missing: str) -> None:
    raw = {name: tomllib.loads((tables_dir() / f"{name}.toml").read_text(encoding="utf-8")) for name in TABLE_FILES}
    del raw[file][missing]
    with pytest.raises(TablesError, match=missing):
        parse_tables(raw)


# --- authentication and routing ----------------------------------------------------------------


def test_missing_authorization_is_401(server: MockGLMServer) -> None:
    answer = post(server, "chat/completions", {"model": "glm-4.6", "messages": USER}, {"Authorization": None})
    assert error_code(answer) == (401, "1001")


@pytest.mark.parametrize("header", ["Bearer ", "Basic abc", "test-key"])
def test_malformed_authorization_is_401_1002(server: MockGLMServer, header: str) -> None:
    answer = post(server, "chat/completions", {"model": "glm-4.6", "messages": USER}, {"Authorization": header})
    assert error_code(answer) == (401, "1002")


def test_unknown_path_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.models.list()


# --- models ------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", sorted(TABLES.targets["chat"]))
def test_every_chat_target_is_served(server: MockGLMServer, model: str) -> None:
    status, body = chat(server, model=model)
    assert status == 200 and body["model"] == model


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("chat/completions", {"model": "gpt-4o", "messages": USER}),
        ("chat/completions", {"model": "embedding-3", "messages": USER}),
        ("embeddings", {"model": "text-embedding-3-small", "input": "x"}),
        ("embeddings", {"model": "glm-4.6", "input": "x"}),
        ("images/generations", {"model": "dall-e-3", "prompt": "a cat"}),
    ],
)
def test_model_unknown_to_the_endpoint_is_1211(server: MockGLMServer, path: str, body: dict[str, Any]) -> None:
    assert error_code(post(server, path, body)) == (400, "1211")


@pytest.mark.parametrize(
    ("model", "hint"),
    [
        ("gpt-5.4-mini", "(glm-migrate maps it to `glm-4.6` (OpenAI chat family): was the file migrated?)"),
        ("gpt-4o", "(glm-migrate maps it to `glm-4.6`: was the file migrated?)"),
        ("ft:gpt-4o:acme::x1", "(it has no GLM equivalent (OpenAI fine-tuned model): was the file migrated?)"),
        ("my-model", "please check the model code"),
    ],
)
def test_an_unmigrated_model_says_what_the_codemod_would_send(server: MockGLMServer, model: str, hint: str) -> None:
    status, body = chat(server, model=model)
    assert status == 400 and body["error"]["code"] == "1211"
    assert body["error"]["message"].endswith(hint)


def test_missing_model_is_1213(server: MockGLMServer) -> None:
    assert error_code(post(server, "chat/completions", {"messages": USER})) == (400, "1213")


# --- parameters --------------------------------------------------------------------------------

#: a valid value for every chat parameter the tables accept (checked against the table below)
VALID_CHAT_VALUES: dict[str, Any] = {
    "model": "glm-4.6",
    "messages": USER,
    "stream": True,
    "thinking": {"type": "enabled"},
    "do_sample": True,
    "temperature": 0.6,
    "top_p": 0.95,
    "max_tokens": 1024,
    "tool_stream": True,
    "tools": [WEATHER_TOOL],
    "tool_choice": "auto",
    "stop": ["\n\n"],
    "response_format": {"type": "text"},
    "request_id": "req-42",
    "user_id": "user-123456",
    "seed": 7,
    "sensitive_word_check": {"type": "ALL", "status": "DISABLE"},
    "meta": {"user_info": "x"},
    "extra": {"target": {"path": "a.py"}},
    "watermark_enabled": False,
    "stream_options": {"include_usage": True},
}


def test_every_accepted_chat_parameter_is_accepted_together(server: MockGLMServer) -> None:
    assert set(VALID_CHAT_VALUES) == TABLES.accepted_params["chat"]
    status, _ = post(server, "chat/completions", VALID_CHAT_VALUES)
    assert status == 200


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("n", 2),
        ("presence_penalty", 0.5),
        ("frequency_penalty", 0.5),
        ("logit_bias", {"1": 5}),
        ("logprobs", True),
        ("max_completion_tokens", 100),
        ("user", "alice-123"),
        ("parallel_tool_calls", False),
        ("reasoning_effort", "low"),
        ("service_tier", "auto"),
        ("functions", [{"name": "f"}]),
    ],
)
def test_openai_only_parameter_is_1210(server: MockGLMServer, name: str, value: Any) -> None:
    status, body = chat(server, **{name: value})
    assert error_code((status, body)) == (400, "1210")
    assert f"`{name}`" in body["error"]["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"temperature": 0},
        {"temperature": 1},
        {"top_p": 0.01},
        {"top_p": 1},
        {"max_tokens": 1},
        {"max_tokens": 131072},
        {"stop": "END"},
        {"stop": ["END"]},
        {"thinking": {"type": "disabled"}},
        {"response_format": {"type": "json_object"}},
        {"stream": True, "tool_stream": True},
        {"tools": [WEATHER_TOOL], "tool_choice": "auto"},
    ],
)
def test_values_at_the_limits_are_accepted(server: MockGLMServer, params: dict[str, Any]) -> None:
    assert chat(server, **params)[0] == 200


@pytest.mark.parametrize(
    "params",
    [
        {"temperature": 1.01},
        {"temperature": -0.1},
        {"temperature": "0.5"},
        {"top_p": 0},
        {"top_p": 1.5},
        {"max_tokens": 131073},
        {"max_tokens": 0},
        {"max_tokens": 12.5},
        {"stop": ["a", "b"]},
        {"stop": []},
        {"tool_choice": "required", "tools": [WEATHER_TOOL]},
        {"tool_choice": "none"},
        {"tool_choice": {"type": "function", "function": {"name": "get_weather"}}},
        {"thinking": {"type": "auto"}},
        {"thinking": True},
        {"tool_stream": True},
        {"stream": False, "tool_stream": True},
        {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}},
        {"user_id": "abc"},
        {"stream": "yes"},
        {"tools": [{"type": "function", "function": {"name": "bad name!"}}]},
    ],
)
def test_values_out_of_range_are_1214(server: MockGLMServer, params: dict[str, Any]) -> None:
    assert error_code(chat(server, **params)) == (400, "1214")


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [{"role": "system", "content": "You are terse."}],
        [{"role": "system", "content": "s"}, {"role": "assistant", "content": "a"}],
        [{"role": "critic", "content": "x"}, *USER],
        [*USER, {"role": "tool", "content": "sunny"}],
        [{"role": "user", "content": None}],
        [*USER, {"role": "assistant", "content": [{"type": "text", "text": "a"}]}, *USER],
    ],
)
def test_bad_message_shapes_are_1214(server: MockGLMServer, messages: list[Any]) -> None:
    answer = post(server, "chat/completions", {"model": "glm-4.6", "messages": messages})
    assert error_code(answer) == (400, "1214")


IMAGE_PART = {"type": "image_url", "image_url": {"url": "https://example.invalid/cat.png"}}


def test_text_models_take_text_parts_and_vision_models_take_images(server: MockGLMServer) -> None:
    text = [{"role": "user", "content": [{"type": "text", "text": "Describe this"}]}]
    image = [{"role": "user", "content": [{"type": "text", "text": "Describe this"}, IMAGE_PART]}]
    assert post(server, "chat/completions", {"model": "glm-4.6", "messages": text})[0] == 200
    assert error_code(post(server, "chat/completions", {"model": "glm-4.6", "messages": image})) == (400, "1214")
    assert post(server, "chat/completions", {"model": "glm-4.5v", "messages": image})[0] == 200


def test_missing_messages_is_1213(server: MockGLMServer) -> None:
    assert error_code(post(server, "chat/completions", {"model": "glm-4.6"})) == (400, "1213")


def test_body_that_is_not_an_object_is_1210(server: MockGLMServer) -> None:
    assert error_code(post(server, "chat/completions", ["model"])) == (400, "1210")


def test_sdk_raises_on_rejection(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="glm-4.6", messages=USER, temperature=1.5)  # type: ignore[arg-type]
    assert caught.value.status_code == 400
    assert caught.value.body == {"code": "1214", "message": "Invalid parameter `temperature`: 1.5 is outside [0, 1]"}


# --- chat answers ------------------------------------------------------------------------------


def test_answer_carries_reasoning_when_thinking_is_on_by_default(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(model="glm-4.6", messages=USER)  # type: ignore[arg-type]
    message = reply.choices[0].message
    assert message.content and "weather in Paris" in message.content
    assert "weather in Paris" in getattr(message, "reasoning_content", "")
    assert reply.choices[0].finish_reason == "stop"
    assert (
        reply.usage is not None
        and reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    )


def test_no_reasoning_when_thinking_is_disabled_or_the_model_does_not_think(server: MockGLMServer) -> None:
    for params in ({"thinking": {"type": "disabled"}}, {"model": "glm-4-32b-0414-128k"}):
        status, body = chat(server, **params)
        assert status == 200 and "reasoning_content" not in body["choices"][0]["message"]


def test_json_object_answer_is_json(server: MockGLMServer) -> None:
    _, body = chat(server, response_format={"type": "json_object"})
    assert "answer" in json.loads(body["choices"][0]["message"]["content"])


def test_stream_sends_reasoning_then_content_then_finish_and_usage(server: MockGLMServer) -> None:
    status, events = chat(server, stream=True)
    assert status == 200 and events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    kinds = [
        next(iter(k for k in ("reasoning_content", "content") if k in c["choices"][0]["delta"]), "") for c in chunks
    ]
    assert kinds == sorted(kinds, key=["reasoning_content", "content", ""].index) and kinds[-1] == ""
    assert kinds.count("reasoning_content") >= 2 and kinds.count("content") >= 2
    assert [("usage" in c, c["choices"][0].get("finish_reason")) for c in chunks][-1] == (True, "stop")
    assert not any("usage" in c or c["choices"][0].get("finish_reason") for c in chunks[:-1])
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert content == "GLM mock answer to: What is the weather in Paris?"


def test_stream_without_tool_stream_sends_each_call_whole(server: MockGLMServer) -> None:
    _, events = chat(server, stream=True, tools=[WEATHER_TOOL])
    chunks = [json.loads(event) for event in events[:-1]]
    with_calls = [c for c in chunks if c["choices"][0]["delta"].get("tool_calls")]
    assert with_calls == [chunks[-1]]
    (call,) = chunks[-1]["choices"][0]["delta"]["tool_calls"]
    assert call["index"] == 0 and call["id"] and call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "example", "days": 1}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_tool_stream_sends_argument_fragments_keyed_by_index(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="glm-4.6",
        messages=USER,  # type: ignore[arg-type]
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
        stream=True,
        extra_body={"tool_stream": True},
    )
    calls: dict[int, dict[str, str]] = {}
    fragments = 0
    finish = None
    for chunk in stream:
        finish = chunk.choices[0].finish_reason or finish
        for delta in chunk.choices[0].delta.tool_calls or []:
            fragments += 1
            call = calls.setdefault(delta.index, {"id": delta.id or "", "name": "", "arguments": ""})
            assert delta.function is not None
            call["name"] += delta.function.name or ""
            call["arguments"] += delta.function.arguments or ""
    assert fragments > 2 and finish == "tool_calls"
    assert calls[0]["id"].startswith("call_") and calls[0]["name"] == "get_weather"
    assert json.loads(calls[0]["arguments"]) == {"city": "example", "days": 1}


def test_tool_round_trip(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(model="glm-4.6", messages=USER, tools=[WEATHER_TOOL])  # type: ignore[arg-type, list-item]
    assert first.choices[0].finish_reason == "tool_calls"
    call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
    history = [
        *USER,
        first.choices[0].message.model_dump(exclude_none=True, exclude={"reasoning_content"}),
        {"role": "tool", "tool_call_id": call.id, "content": '{"sky": "clear"}'},
    ]
    second = client.chat.completions.create(model="glm-4.6", messages=history, tools=[WEATHER_TOOL])  # type: ignore[arg-type, list-item]
    assert second.choices[0].finish_reason == "stop" and second.choices[0].message.content


# --- embeddings, images, transcriptions --------------------------------------------------------


def test_embeddings_default_to_2048_floats(server: MockGLMServer) -> None:
    status, body = post(server, "embeddings", {"model": "embedding-3", "input": ["a", "b"]})
    assert status == 200 and [len(item["embedding"]) for item in body["data"]] == [2048, 2048]
    assert all(isinstance(x, float) for x in body["data"][0]["embedding"])
    assert body["data"][0]["embedding"] != body["data"][1]["embedding"]


def test_embeddings_honour_dimensions_and_base64(client: openai.OpenAI, server: MockGLMServer) -> None:
    # The OpenAI SDK asks for base64 unless told otherwise, and decodes it back to floats.
    decoded = client.embeddings.create(model="embedding-3", input="hello", dimensions=512)
    assert server.requests[-1].body["encoding_format"] == "base64"
    floats = client.embeddings.create(model="embedding-3", input="hello", dimensions=512, encoding_format="float")
    assert len(floats.data[0].embedding) == 512
    assert decoded.data[0].embedding == pytest.approx(floats.data[0].embedding, rel=1e-6)
    _, raw = post(
        server, "embeddings", {"model": "embedding-3", "input": "hello", "dimensions": 256, "encoding_format": "base64"}
    )
    assert len(struct.unpack("<256f", base64.b64decode(raw["data"][0]["embedding"]))) == 256


@pytest.mark.parametrize(
    "body",
    [
        {"model": "embedding-3", "input": "x", "dimensions": 3072},
        {"model": "embedding-3", "input": "x", "dimensions": 128},
        {"model": "embedding-2", "input": "x", "dimensions": 512},
        {"model": "embedding-3", "input": []},
        {"model": "embedding-3", "input": [1, 2, 3]},
        {"model": "embedding-3", "input": ["x"] * 65},
        {"model": "embedding-3", "input": "x", "encoding_format": "int8"},
    ],
)
def test_bad_embedding_requests_are_1214(server: MockGLMServer, body: dict[str, Any]) -> None:
    assert error_code(post(server, "embeddings", body)) == (400, "1214")


def test_image_generation(client: openai.OpenAI) -> None:
    image = client.images.generate(model="cogview-4-250304", prompt="a red fox", size="1024x1024", quality="hd")
    assert image.data and (image.data[0].url or "").endswith(".png")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"prompt": "fox", "size": "100x100"}, "1214"),
        ({"prompt": "fox", "size": "2048x2048"}, "1214"),
        ({"prompt": "fox", "n": 2}, "1210"),
        ({"prompt": "fox", "style": "vivid"}, "1210"),
        ({}, "1213"),
    ],
)
def test_bad_image_requests(server: MockGLMServer, body: dict[str, Any], code: str) -> None:
    assert error_code(post(server, "images/generations", {"model": "cogview-4-250304", **body})) == (400, code)


def test_transcription_reads_the_multipart_upload(client: openai.OpenAI, server: MockGLMServer) -> None:
    text = client.audio.transcriptions.create(model="glm-asr", file=("clip.wav", b"RIFF0000WAVE"))
    assert text.text == "GLM mock transcription of clip.wav"
    assert server.requests[-1].body["file"] == {"filename": "clip.wav", "size": 12}


def test_transcription_rejects_openai_only_fields_and_models(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as unsupported:
        client.audio.transcriptions.create(model="glm-asr", file=("a.wav", b"x"), language="en")
    with pytest.raises(openai.BadRequestError) as unknown:
        client.audio.transcriptions.create(model="whisper-1", file=("a.wav", b"x"))
    assert [unsupported.value.code, unknown.value.code] == ["1210", "1211"]


def test_transcription_rejects_files_over_the_size_limit(client: openai.OpenAI) -> None:
    megabytes = TABLES.transcription_limits[1]
    with pytest.raises(openai.BadRequestError) as too_big:
        client.audio.transcriptions.create(model="glm-asr", file=("long.wav", b"\0" * (megabytes * 1024 * 1024 + 1)))
    assert too_big.value.code == "1214"


# --- recording ---------------------------------------------------------------------------------


def test_every_request_is_recorded_with_path_headers_body_and_outcome() -> None:
    with MockGLMServer() as server:
        assert chat(server, temperature=0.5)[0] == 200
        assert chat(server, temperature=5)[0] == 400
        first, second = server.requests
        assert first.path == "/api/paas/v4/chat/completions" and first.method == "POST"
        assert first.headers["authorization"] == "Bearer test-key"
        assert first.body == {"model": "glm-4.6", "messages": USER, "temperature": 0.5}
        assert (first.accepted, first.error_code, first.model) == (True, None, "glm-4.6")
        assert (second.accepted, second.status, second.error_code) == (False, 400, "1214")
        server.clear()
        assert server.requests == []
    assert server.requests == []


def test_fixed_port_and_base_url() -> None:
    with MockGLMServer() as probe:
        port = probe.port
    with MockGLMServer(port=port) as server:
        assert server.base_url == f"http://127.0.0.1:{port}/api/paas/v4/"


# --- the three ways to run it ------------------------------------------------------------------


def test_command_line_prints_base_url_and_stops_on_sigterm() -> None:
    process = subprocess.Popen([sys.executable, "-m", "glm_migrate.mock_server"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/paas/v4/")
        client = openai.OpenAI(api_key="k", base_url=base_url, max_retries=0)
        reply = client.chat.completions.create(model="glm-4.6", messages=USER)  # type: ignore[arg-type]
        assert reply.choices[0].message.content
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_pytest_fixture_sets_the_environment(glm_endpoint: GLMEndpoint) -> None:
    assert os.environ["ZAI_BASE_URL"] == glm_endpoint.base_url
    assert os.environ["ZAI_API_KEY"] == MOCK_API_KEY
    assert glm_endpoint.requests == []
    client = openai.OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url=os.environ["ZAI_BASE_URL"], max_retries=0)
    client.chat.completions.create(model="glm-4.6", messages=USER)  # type: ignore[arg-type]
    (request,) = glm_endpoint.requests
    assert request.accepted and request.headers["authorization"] == f"Bearer {MOCK_API_KEY}"


def test_plugin_is_registered_for_pytest() -> None:
    plugins = {e.name: e.value for e in importlib.metadata.entry_points(group="pytest11")}
    assert plugins.get("glm_migrate") == "glm_migrate.pytest_plugin"


def test_zai_sdk_talks_to_the_endpoint(glm_endpoint: GLMEndpoint) -> None:
    zai = pytest.importorskip("zai")
    client = zai.ZaiClient()  # reads ZAI_API_KEY and ZAI_BASE_URL, as migrated code does
    reply = client.chat.completions.create(
        model="glm-4.6", messages=USER, thinking={"type": "enabled"}, temperature=0.5
    )
    assert reply.choices[0].message.reasoning_content
    parts = client.chat.completions.create(
        model="glm-4.6", messages=USER, tools=[WEATHER_TOOL], stream=True, tool_stream=True
    )
    arguments = "".join(
        c.choices[0].delta.tool_calls[0].function.arguments or "" for c in parts if c.choices[0].delta.tool_calls
    )
    assert json.loads(arguments)["city"] == "example"
    assert [r.status for r in glm_endpoint.requests] == [200, 200]
    assert glm_endpoint.requests[1].body["tool_stream"] is True


# --- per target model ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def glm_5_3() -> Any:
    with MockGLMServer(target_model="glm-5.3") as server:
        yield server


def test_a_target_serves_its_own_ids_and_names_what_older_ones_become(glm_5_3: MockGLMServer) -> None:
    assert post(glm_5_3, "chat/completions", {"model": "glm-5.3", "messages": USER})[0] == 200
    assert post(glm_5_3, "chat/completions", {"model": "glm-5.3-flash", "messages": USER})[0] == 200
    status, answer = post(glm_5_3, "chat/completions", {"model": "glm-4.6", "messages": USER})
    assert status == 400 and answer["error"]["code"] == "1211"
    assert "glm-migrate maps it to `glm-5.3`" in answer["error"]["message"]


def test_a_target_that_always_thinks_rejects_disabled_thinking(glm_5_3: MockGLMServer) -> None:
    body = {"model": "glm-5.3", "messages": USER, "thinking": {"type": "disabled"}}
    status, answer = post(glm_5_3, "chat/completions", body)
    assert status == 400 and answer["error"]["code"] == "1214" and "always thinks" in answer["error"]["message"]
    status, answer = post(glm_5_3, "chat/completions", {"model": "glm-5.3", "messages": USER})
    assert status == 200 and answer["choices"][0]["message"]["reasoning_content"]


@pytest.mark.parametrize(("effort", "status"), [("low", 200), ("max", 200), ("medium", 400), ("none", 400)])
def test_reasoning_effort_takes_the_targets_levels(glm_5_3: MockGLMServer, effort: str, status: int) -> None:
    body = {"model": "glm-5.3", "messages": USER, "reasoning_effort": effort}
    assert post(glm_5_3, "chat/completions", body)[0] == status


def test_a_target_without_levels_rejects_reasoning_effort(server: MockGLMServer) -> None:
    body = {"model": "glm-4.6", "messages": USER, "reasoning_effort": "low"}
    status, answer = post(server, "chat/completions", body)
    assert status == 400 and answer["error"]["code"] == "1210"


def test_profile_overrides_reach_the_endpoint() -> None:
    with MockGLMServer(
        target_model="glm-5.3", target_profile={"thinking_disabled": True, "max_tokens": 1000}
    ) as server:
        body = {"model": "glm-5.3", "messages": USER, "thinking": {"type": "disabled"}, "max_tokens": 1000}
        assert post(server, "chat/completions", body)[0] == 200
        assert post(server, "chat/completions", {**body, "max_tokens": 1001})[0] == 400


def test_command_line_takes_a_target_model() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "glm_migrate.mock_server", "--target-model", "glm-9"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "unknown target model `glm-9`" in done.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "glm_migrate.mock_server", "--target-model", "latest"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        client = openai.OpenAI(api_key="k", base_url=process.stdout.readline().strip(), max_retries=0)
        reply = client.chat.completions.create(model="glm-5.3", messages=USER, reasoning_effort="low")  # type: ignore[arg-type]
        assert reply.model == "glm-5.3"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_pytest_fixture_serves_the_projects_target_model(tmp_path: Any) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.glm-migrate]\ntarget-model = "glm-5.3"\n', encoding="utf-8")
    (tmp_path / "test_target.py").write_text(
        "def test_target(glm_server):\n    assert glm_server.tables.target.name == 'glm-5.3'\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--glm-target-model", "glm-4.7"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "'glm-4.7' == 'glm-5.3'" in done.stdout
