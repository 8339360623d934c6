"""A stand-in for Z.AI's GLM HTTP API on loopback: validates requests, answers like the target model
(GLM-4.6 unless `target_model` names another profile of rules/targets.toml).

Validation reads the same tables as the codemod (`rules/*.toml` through `load_tables()`), so a
migrated program that passes here sends what the codemod believes GLM-4.6 accepts. Every request is
recorded. Use it as `python -m glm_migrate.mock_server`, as `with MockGLMServer() as server:`, or
through the `glm_endpoint` pytest fixture (`glm_migrate.pytest_plugin`).

Rejections carry Z.AI's codes: 1001 (no Authorization header) and 1002 (not `Bearer <key>`) with
HTTP 401; 1210 (a parameter GLM lacks), 1211 (a model the endpoint does not serve), 1213 (a
required field missing) and 1214 (a value GLM does not accept) with HTTP 400. Where Z.AI's
behaviour is undocumented the double takes the safe side for a test: `stop` may be a string or a
one-item list, `null` values count as absent (the zai SDK sends them), and embeddings come back as
floats or, when asked with `encoding_format="base64"` (the OpenAI SDK's default), as base64
little-endian float32.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import email.parser
import email.policy
import functools
import hashlib
import json
import math
import re
import signal
import struct
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import urlsplit

from glm_migrate.tables import USER_ID_LENGTH, Tables, load_tables
from glm_migrate.targets import TargetError

# Business error codes Z.AI returns (glm-target-api.md §4, "Errors").
AUTH_MISSING = "1001"
AUTH_INVALID = "1002"
BAD_PARAMETER = "1210"
UNKNOWN_MODEL = "1211"
MISSING_FIELD = "1213"
INVALID_FIELD = "1214"

ROLES = frozenset({"system", "user", "assistant", "tool"})
TEXT_PARTS = frozenset({"text"})
VISION_PARTS = frozenset({"text", "image_url", "video_url", "file_url"})
TOOL_TYPES = frozenset({"function", "retrieval", "web_search"})
MAX_TOOLS = 128
FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
RESPONSE_FORMATS = frozenset({"text", "json_object"})
THINKING_TYPES = frozenset({"enabled", "disabled"})
ENCODING_FORMATS = frozenset({"float", "base64"})
MAX_EMBEDDING_INPUTS = 64

#: path below the API prefix -> endpoint name used by the tables
ROUTES = {
    "chat/completions": "chat",
    "embeddings": "embeddings",
    "images/generations": "images",
    "audio/transcriptions": "audio_transcriptions",
}


class ApiError(Exception):
    """A rejected request: the HTTP status and Z.AI's `{"error": {"code", "message"}}` body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def _invalid(name: str, why: str) -> ApiError:
    return ApiError(400, INVALID_FIELD, f"Invalid parameter `{name}`: {why}")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    #: full request path, e.g. "/api/paas/v4/chat/completions"
    path: str
    #: header name (lower case) -> value
    headers: Mapping[str, str]
    #: the JSON body, the multipart form fields (files as {"filename", "size"}), or None
    body: Any
    status: int
    #: Z.AI business code of a rejection, None when accepted
    error_code: str | None = None
    #: "chat", "embeddings", "images" or "audio_transcriptions"; None for an unknown path
    endpoint: str | None = None

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    @property
    def model(self) -> Any:
        return self.body.get("model") if isinstance(self.body, Mapping) else None


# ---------------------------------------------------------------------------------------------
# Validation


def _check_auth(headers: Mapping[str, str]) -> None:
    value = headers.get("authorization")
    if value is None:
        raise ApiError(401, AUTH_MISSING, "Authorization header is missing")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, AUTH_INVALID, "Invalid Authorization token: expected `Bearer <API key>`")


def _check_keys(body: Mapping[str, Any], endpoint: str, tables: Tables) -> None:
    unknown = sorted(set(body) - tables.accepted_params[endpoint])
    if unknown:
        names = ", ".join(f"`{name}`" for name in unknown)
        raise ApiError(400, BAD_PARAMETER, f"Unsupported parameter(s) for {endpoint}: {names}")


def _check_model(body: Mapping[str, Any], endpoint: str, tables: Tables) -> str:
    model = body.get("model")
    if model is None:
        raise ApiError(400, MISSING_FIELD, "Missing required parameter `model`")
    if not isinstance(model, str) or not tables.is_target(endpoint, model):
        message = f"Unknown Model `{model}`, please check the model code"
        # Z.AI stops there; the double also says what the codemod would have sent (the same lookup)
        known = tables.match_on(endpoint, model) if isinstance(model, str) else None
        if known is not None:
            hint = f"glm-migrate maps it to `{known.glm}`" if known.glm else "it has no GLM equivalent"
            message += f" ({hint}{known.label}: was the file migrated?)"
        raise ApiError(400, UNKNOWN_MODEL, message)
    return model


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_range(body: Mapping[str, Any], name: str, tables: Tables, *, integer: bool = False) -> None:
    if name not in body:
        return
    value, limit = body[name], tables.limits[name]
    if not _is_number(value) or (integer and not isinstance(value, int)):
        raise _invalid(name, "must be an integer" if integer else "must be a number")
    if not limit.min <= value <= limit.max:
        raise _invalid(name, f"{value} is outside [{limit.min:g}, {limit.max:g}]")


def _check_type(body: Mapping[str, Any], name: str, kind: type | tuple[type, ...], what: str) -> None:
    if name in body and (not isinstance(body[name], kind) or (kind is not bool and isinstance(body[name], bool))):
        raise _invalid(name, f"must be {what}")


def _check_message(index: int, message: Any, part_types: frozenset[str]) -> None:
    where = f"messages[{index}]"
    if not isinstance(message, Mapping) or message.get("role") not in ROLES:
        raise _invalid(where, "needs a `role` of system, user, assistant or tool")
    role, content = message["role"], message.get("content")
    if role == "tool" and not isinstance(message.get("tool_call_id"), str):
        raise _invalid(where, "a tool message needs `tool_call_id`")
    if role == "assistant" and message.get("tool_calls") is not None:
        calls = message["tool_calls"]
        if not isinstance(calls, list) or not all(
            isinstance(c, Mapping) and isinstance(c.get("id"), str) and isinstance(c.get("function"), Mapping)
            for c in calls
        ):
            raise _invalid(where, "`tool_calls` must be a list of {id, type, function}")
        if content is None:
            return
    # Text models take string content; list-shaped tool/assistant content gives 1214 (§3.2).
    if isinstance(content, list) and role == "user":
        for part in content:
            if not isinstance(part, Mapping) or part.get("type") not in part_types:
                kinds = ", ".join(sorted(part_types))
                raise _invalid(where, f"content parts of this model must be of type {kinds}")
        return
    if not isinstance(content, str):
        raise _invalid(where, f"{role} `content` must be a string")


def _check_messages(body: Mapping[str, Any], tables: Tables) -> None:
    if "messages" not in body:
        raise ApiError(400, MISSING_FIELD, "Missing required parameter `messages`")
    messages = body["messages"]
    if not isinstance(messages, list) or not messages:
        raise _invalid("messages", "must be a non-empty list")
    # Text models take text parts only; vision models also images, videos and files (§3.1).
    part_types = VISION_PARTS if body["model"] in tables.vision_models else TEXT_PARTS
    for index, message in enumerate(messages):
        _check_message(index, message, part_types)
    # "Must not consist of system or assistant messages only" (§3.1, [I4]).
    if not any(m["role"] == "user" for m in messages):
        raise _invalid("messages", "at least one user message is required")


def _check_tools(body: Mapping[str, Any]) -> None:
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list) or len(tools) > MAX_TOOLS:
            raise _invalid("tools", f"must be a list of at most {MAX_TOOLS} tools")
        for index, tool in enumerate(tools):
            if not isinstance(tool, Mapping) or tool.get("type") not in TOOL_TYPES:
                raise _invalid(f"tools[{index}]", "`type` must be function, retrieval or web_search")
            function = tool.get("function")
            if tool["type"] == "function" and not (
                isinstance(function, Mapping) and FUNCTION_NAME.match(str(function.get("name", "")))
            ):
                raise _invalid(f"tools[{index}]", "needs `function.name` matching ^[a-zA-Z0-9_-]{1,64}$")
    if "tool_choice" in body and body["tool_choice"] != "auto":
        raise _invalid("tool_choice", "only `auto` is supported")


def validate_chat(body: Mapping[str, Any], tables: Tables) -> None:
    """Raise ApiError unless `body` is a chat request GLM accepts."""
    _check_keys(body, "chat", tables)
    _check_model(body, "chat", tables)
    _check_messages(body, tables)
    _check_range(body, "temperature", tables)
    _check_range(body, "top_p", tables)
    _check_range(body, "max_tokens", tables, integer=True)
    for name in ("stream", "do_sample", "tool_stream", "watermark_enabled"):
        _check_type(body, name, bool, "a boolean")
    _check_type(body, "request_id", str, "a string")
    _check_type(body, "seed", int, "an integer")
    stop = body.get("stop")
    if stop is not None and not (
        isinstance(stop, str) or (isinstance(stop, list) and len(stop) == 1 and isinstance(stop[0], str))
    ):
        raise _invalid("stop", "only one stop word is supported")
    _check_tools(body)
    thinking = body.get("thinking")
    if thinking is not None and not (
        isinstance(thinking, Mapping) and set(thinking) == {"type"} and thinking["type"] in THINKING_TYPES
    ):
        raise _invalid("thinking", 'must be {"type": "enabled"} or {"type": "disabled"}')
    target = tables.target
    if isinstance(thinking, Mapping) and thinking["type"] == "disabled" and not target.thinking_disabled:
        raise _invalid("thinking", f"{target.display} always thinks: `disabled` is not supported")
    effort = body.get("reasoning_effort")
    levels = target.reasoning_effort.values if target.reasoning_effort is not None else ()
    if effort is not None and effort not in levels:  # a target without levels rejects the key before this
        raise _invalid("reasoning_effort", f"must be one of {', '.join(levels)}")
    if body.get("tool_stream") and not body.get("stream"):
        raise _invalid("tool_stream", "requires `stream=true`")
    response_format = body.get("response_format")
    if response_format is not None and not (
        isinstance(response_format, Mapping) and response_format.get("type") in RESPONSE_FORMATS
    ):
        raise _invalid("response_format", "`type` must be text or json_object")
    user_id = body.get("user_id")
    if user_id is not None and not (isinstance(user_id, str) and len(user_id) in USER_ID_LENGTH):
        raise _invalid("user_id", f"must be a string of {USER_ID_LENGTH.start} to {USER_ID_LENGTH.stop - 1} characters")


def validate_embeddings(body: Mapping[str, Any], tables: Tables) -> None:
    """Raise ApiError unless `body` is an embeddings request GLM accepts."""
    _check_keys(body, "embeddings", tables)
    model = _check_model(body, "embeddings", tables)
    texts = body.get("input")
    if texts is None:
        raise ApiError(400, MISSING_FIELD, "Missing required parameter `input`")
    items = [texts] if isinstance(texts, str) else texts
    if not isinstance(items, list) or not items or not all(isinstance(t, str) and t for t in items):
        raise _invalid("input", "must be a non-empty string or list of strings")
    if len(items) > MAX_EMBEDDING_INPUTS:
        raise _invalid("input", f"at most {MAX_EMBEDDING_INPUTS} items")
    if "dimensions" in body:
        value, limit = body["dimensions"], tables.embedding_dimensions[model]
        if not isinstance(value, int) or isinstance(value, bool) or not limit.min <= value <= limit.max:
            raise _invalid("dimensions", f"{model} takes {limit.min:g} to {limit.max:g}")
    if body.get("encoding_format", "float") not in ENCODING_FORMATS:
        raise _invalid("encoding_format", "must be float or base64")


def validate_images(body: Mapping[str, Any], tables: Tables) -> None:
    """Raise ApiError unless `body` is an image generation request GLM accepts."""
    _check_keys(body, "images", tables)
    _check_model(body, "images", tables)
    if not isinstance(body.get("prompt"), str) or not body["prompt"]:
        raise ApiError(400, MISSING_FIELD, "Missing required parameter `prompt`")
    spec = tables.image_generation
    if "quality" in body and body["quality"] not in spec.qualities:
        raise _invalid("quality", f"must be one of {', '.join(sorted(spec.qualities))}")
    problem = spec.size_problem(str(body["size"])) if "size" in body else None
    if problem:
        raise _invalid("size", f"`{body['size']}` {problem}")


def validate_transcription(fields: Mapping[str, Any], tables: Tables) -> None:
    """Raise ApiError unless the multipart `fields` are a transcription request GLM accepts."""
    _check_keys(fields, "audio_transcriptions", tables)
    _check_model(fields, "audio_transcriptions", tables)
    if "file" not in fields and "file_base64" not in fields:
        raise ApiError(400, MISSING_FIELD, "Missing required parameter `file`")
    # The 30-second limit needs an audio decoder; the size limit does not.
    max_megabytes = tables.transcription_limits[1]
    upload = fields.get("file")
    if isinstance(upload, Mapping) and upload["size"] > max_megabytes * 1024 * 1024:
        raise _invalid("file", f"larger than {max_megabytes} MB")
    if fields.get("stream", "false") != "false":
        raise _invalid("stream", "this test double answers transcriptions without streaming only")


# ---------------------------------------------------------------------------------------------
# Answers


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, Mapping))
    return ""


def _tokens(text: str) -> int:
    return max(1, len(text.split()))


def _placeholder(schema: Any) -> Any:
    """A value of the JSON-schema type `schema` asks for, so tool arguments parse and validate."""
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    if isinstance(schema, Mapping) and schema.get("enum"):
        return schema["enum"][0]
    if kind == "object":
        properties = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
        return {name: _placeholder(sub) for name, sub in properties.items()}
    return {"integer": 1, "number": 1.0, "boolean": True, "array": [], "null": None}.get(str(kind), "example")


@dataclass(frozen=True, slots=True)
class _Reply:
    content: str
    reasoning: str | None
    #: (id, name, JSON arguments) of the one tool call, when the model calls a tool
    tool_call: tuple[str, str, str] | None
    prompt_tokens: int

    @property
    def finish_reason(self) -> str:
        return "tool_calls" if self.tool_call else "stop"

    def usage(self) -> dict[str, Any]:
        completion = _tokens(self.content) + _tokens(self.reasoning or "")
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0},
        }


def _reply(body: Mapping[str, Any], tables: Tables) -> _Reply:
    """What GLM "says": a tool call when tools are offered to a fresh user turn, else text."""
    messages = body["messages"]
    asked = next(_text_of(m.get("content")) for m in reversed(messages) if m["role"] == "user")
    thinking = body.get("thinking", {}).get("type", "enabled") == "enabled" and body["model"] in tables.thinking_models
    thinking = thinking or tables.target.thinks_always
    reasoning = f"The user asks: {asked[:80]}. A short answer will do." if thinking else None
    prompt_tokens = sum(_tokens(_text_of(m.get("content"))) for m in messages)
    functions = [t["function"] for t in body.get("tools") or [] if t.get("type") == "function"]
    if functions and messages[-1]["role"] == "user":
        arguments = json.dumps(_placeholder(functions[0].get("parameters", {})), ensure_ascii=False)
        call = (f"call_{uuid.uuid4().hex[:24]}", str(functions[0]["name"]), arguments)
        return _Reply("", reasoning, call, prompt_tokens)
    answer = f"GLM mock answer to: {asked[:200]}"
    if (body.get("response_format") or {}).get("type") == "json_object":
        answer = json.dumps({"answer": answer}, ensure_ascii=False)
    return _Reply(answer, reasoning, None, prompt_tokens)


def _envelope(body: Mapping[str, Any]) -> dict[str, Any]:
    # No "object" field: GLM sends none (§4).
    request_id = body.get("request_id") or uuid.uuid4().hex
    return {"id": request_id, "request_id": request_id, "created": int(time.time()), "model": body["model"]}


def chat_completion(body: Mapping[str, Any], tables: Tables) -> dict[str, Any]:
    reply = _reply(body, tables)
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.reasoning is not None:
        message["reasoning_content"] = reply.reasoning
    if reply.tool_call:
        call_id, name, arguments = reply.tool_call
        message["tool_calls"] = [
            {"id": call_id, "index": 0, "type": "function", "function": {"name": name, "arguments": arguments}}
        ]
    choice = {"index": 0, "message": message, "finish_reason": reply.finish_reason}
    return {**_envelope(body), "choices": [choice], "usage": reply.usage()}


def _pieces(text: str, size: int = 3) -> Iterator[str]:
    words = text.split(" ")
    for start in range(0, len(words), size):
        yield " ".join(words[start : start + size]) + (" " if start + size < len(words) else "")


def chat_chunks(body: Mapping[str, Any], tables: Tables) -> Iterator[dict[str, Any]]:
    """The SSE chunks of a streamed answer: reasoning first, then content or the tool call."""
    reply, envelope = _reply(body, tables), _envelope(body)

    def chunk(delta: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {**envelope, "choices": [{"index": 0, "delta": {"role": "assistant", **delta}, **extra}]}

    for piece in _pieces(reply.reasoning or ""):
        if piece:
            yield chunk({"reasoning_content": piece})
    for piece in _pieces(reply.content):
        if piece:
            yield chunk({"content": piece})
    final: dict[str, Any] = {}
    if reply.tool_call:
        call_id, name, arguments = reply.tool_call
        if body.get("tool_stream"):
            # Argument fragments keyed by index; only the first carries id and name (§4).
            head = {"index": 0, "id": call_id, "type": "function", "function": {"name": name, "arguments": ""}}
            yield chunk({"tool_calls": [head]})
            for start in range(0, len(arguments), 8):
                fragment = {"index": 0, "function": {"arguments": arguments[start : start + 8]}}
                yield chunk({"tool_calls": [fragment]})
        else:
            # Without tool_stream each call arrives whole, beside finish_reason (§4, [W1]).
            whole = {"index": 0, "id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
            final = {"tool_calls": [whole]}
    last = chunk(final, finish_reason=reply.finish_reason)
    yield {**last, "usage": reply.usage()}


def _vector(text: str, dimensions: int) -> list[float]:
    """A deterministic unit vector for `text`: equal inputs embed equally."""
    seed = hashlib.sha256(text.encode("utf-8")).digest()
    raw = [math.sin(seed[i % len(seed)] + i) for i in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


def embeddings_response(body: Mapping[str, Any], tables: Tables) -> dict[str, Any]:
    model = body["model"]
    texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
    dimensions = int(body.get("dimensions", tables.embedding_dimensions[model].max))
    data = []
    for index, text in enumerate(texts):
        vector: Any = _vector(text, dimensions)
        if body.get("encoding_format") == "base64":
            vector = base64.b64encode(struct.pack(f"<{dimensions}f", *vector)).decode("ascii")
        data.append({"index": index, "object": "embedding", "embedding": vector})
    tokens = sum(_tokens(t) for t in texts)
    return {"model": model, "object": "list", "data": data, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


def images_response(body: Mapping[str, Any], tables: Tables) -> dict[str, Any]:
    name = uuid.uuid4().hex
    return {
        "created": int(time.time()),
        "data": [{"url": f"https://mock.glm.invalid/images/{name}.png"}],
        "content_filter": [{"role": "assistant", "level": 3}],
    }


def transcription_response(fields: Mapping[str, Any], tables: Tables) -> dict[str, Any]:
    upload = fields.get("file")
    source = upload["filename"] if isinstance(upload, Mapping) else "audio"
    request_id = str(fields.get("request_id") or uuid.uuid4().hex)
    envelope = {"id": request_id, "request_id": request_id, "created": int(time.time())}
    return {**envelope, "model": fields["model"], "text": f"GLM mock transcription of {source}"}


Handler = tuple[Callable[[Mapping[str, Any], Tables], None], Callable[[Mapping[str, Any], Tables], dict[str, Any]]]
HANDLERS: Mapping[str, Handler] = {
    "chat": (validate_chat, chat_completion),
    "embeddings": (validate_embeddings, embeddings_response),
    "images": (validate_images, images_response),
    "audio_transcriptions": (validate_transcription, transcription_response),
}


# ---------------------------------------------------------------------------------------------
# HTTP


def _multipart_fields(content_type: str, payload: bytes) -> dict[str, Any]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + payload
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(data, bytes):
            continue
        filename = part.get_filename()
        fields[name] = {"filename": filename, "size": len(data)} if filename else data.decode("utf-8")
    return fields


class _RequestHandler(BaseHTTPRequestHandler):
    server: _GLMHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `requests`, not the log."""

    def do_GET(self) -> None:
        self._answer_error(self._headers(), None, ApiError(404, "404", f"No such endpoint: GET {self.path}"))

    def do_POST(self) -> None:
        headers = self._headers()
        length = int(headers.get("content-length", "0") or 0)
        payload = self.rfile.read(length) if length else b""
        body: Any = None
        try:
            endpoint = self._endpoint()
            content_type = headers.get("content-type", "")
            if content_type.startswith("multipart/form-data"):
                body = _multipart_fields(content_type, payload)
            else:
                try:
                    body = json.loads(payload or b"null")
                except ValueError:
                    body = payload.decode("utf-8", "replace")
            _check_auth(headers)
            if not isinstance(body, dict):
                raise ApiError(400, BAD_PARAMETER, "The request body must be a JSON object")
            # The official zai SDK sends `"thinking": null` for options left unset: null means absent.
            given = {name: value for name, value in body.items() if value is not None}
            validate, answer = HANDLERS[endpoint]
            validate(given, self.server.tables)
        except ApiError as error:
            self._answer_error(headers, body, error)
            return
        self.server.record(RecordedRequest("POST", self.path, headers, body, 200, endpoint=endpoint))
        if endpoint == "chat" and given.get("stream"):
            self._send_stream(chat_chunks(given, self.server.tables))
        else:
            self._send_json(200, answer(given, self.server.tables))

    def _headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers.items()}

    def _route(self) -> str | None:
        path, prefix = urlsplit(self.path).path, self.server.prefix
        return ROUTES.get(path[len(prefix) :].strip("/")) if path.startswith(prefix) else None

    def _endpoint(self) -> str:
        endpoint = self._route()
        if endpoint is None:
            raise ApiError(404, "404", f"No such endpoint: POST {urlsplit(self.path).path}")
        return endpoint

    def _answer_error(self, headers: Mapping[str, str], body: Any, error: ApiError) -> None:
        record = RecordedRequest(self.command, self.path, headers, body, error.status, error.code, self._route())
        self.server.record(record)
        self._send_json(error.status, error.body())

    def _send_json(self, status: int, document: Mapping[str, Any]) -> None:
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_stream(self, chunks: Iterator[Mapping[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        events = [f"data: {json.dumps(c, ensure_ascii=False)}\n\n" for c in chunks] + ["data: [DONE]\n\n"]
        for event in events:
            data = event.encode("utf-8")
            self.wfile.write(f"{len(data):x}\r\n".encode("ascii") + data + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")


class _GLMHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], tables: Tables, prefix: str) -> None:
        super().__init__(address, _RequestHandler)
        self.tables = tables
        self.prefix = prefix
        self.recorded: list[RecordedRequest] = []
        self.lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client dropping a kept-alive connection is routine for a test double: no traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self.recorded.append(request)


@dataclass
class MockGLMServer:
    """The endpoint on `host:port` (port 0: the OS picks one). Use as a context manager or start()/stop().

    `target_model` (a profile of rules/targets.toml; None: the default, glm-4.6) decides what it
    serves and accepts: the target's model ids, its `max_tokens` ceiling, `reasoning_effort`
    levels, and whether `thinking` may be disabled. `target_profile` overrides facts of it.
    """

    host: str = "127.0.0.1"
    port: int = 0
    tables: Tables = field(default_factory=load_tables)
    target_model: str | None = None
    target_profile: Mapping[str, Any] = field(default_factory=dict)
    _http: _GLMHTTPServer | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.tables = self.tables.configured(self.target_model, self.target_profile)

    @property
    def prefix(self) -> str:
        """The API path, taken from the region's base URL: "/api/paas/v4/"."""
        return urlsplit(self.tables.base_url(self.tables.default_region)).path

    def start(self) -> MockGLMServer:
        if self._http is None:
            self._http = _GLMHTTPServer((self.host, self.port), self.tables, self.prefix)
            self.port = self._http.server_address[1]
            # A short poll interval makes stop() quick; serving itself does not poll.
            serve = functools.partial(self._http.serve_forever, poll_interval=0.05)
            self._thread = threading.Thread(target=serve, name="glm-mock", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> MockGLMServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What clients take as base_url (ends with "/", like the region URLs in the tables)."""
        if self._http is None:
            raise RuntimeError("the mock GLM server is not running")
        return f"http://{self.host}:{self.port}{self.prefix}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, accepted or not, oldest first (a copy)."""
        if self._http is None:
            return []
        with self._http.lock:
            return list(self._http.recorded)

    def clear(self) -> None:
        if self._http is not None:
            with self._http.lock:
                self._http.recorded.clear()


def main(argv: list[str] | None = None) -> int:
    """`python -m glm_migrate.mock_server [--host H] [--port P] [--target-model M]`: serve until
    Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m glm_migrate.mock_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (the default) lets the OS choose")
    parser.add_argument("--target-model", help="serve as this target (rules/targets.toml; default glm-4.6)")
    options = parser.parse_args(argv)
    try:
        server = MockGLMServer(options.host, options.port, target_model=options.target_model)
    except TargetError as exc:
        parser.error(str(exc))

    def stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    with server:
        print(server.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
