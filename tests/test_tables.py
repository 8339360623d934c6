"""The shipped tables in rules/: they parse, and their entries are consistent with each other."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
import tomllib

import glm_migrate.tables as tables_module
from glm_migrate.tables import (
    ENDPOINTS,
    TABLE_FILES,
    ModelFamily,
    ModelMatch,
    TablesError,
    load_tables,
    parse_tables,
    tables_dir,
)
from glm_migrate.targets import TargetError


def _raw() -> dict[str, dict[str, object]]:
    return {name: tomllib.loads((tables_dir() / f"{name}.toml").read_text(encoding="utf-8")) for name in TABLE_FILES}


def test_shipped_tables_parse() -> None:
    tables = load_tables()
    assert tables.base_url("international") == "https://api.z.ai/api/paas/v4/"
    assert tables.base_url("china") == "https://open.bigmodel.cn/api/paas/v4/"
    assert all(url.endswith("/") for url in tables.base_urls.values()), "the module client needs the slash"


def test_every_target_is_a_model_the_endpoint_serves() -> None:
    tables = load_tables()
    for endpoint in ENDPOINTS:
        for source, target in tables.models[endpoint].items():
            assert source != target, f"{source} mapped to itself"
            assert target == "" or tables.is_target(endpoint, target), f"{endpoint}: {source} -> {target}"


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("gpt-4o-2024-08-06", "glm-4.6"),
        ("gpt-4-1106-preview", "glm-4.6"),
        ("gpt-3.5-turbo-0125", "glm-4.6"),
        ("o3-mini-2025-01-31", "glm-4.6"),
        ("glm-4-plus", "glm-4.6"),
        ("glm-4-long", ""),
        ("ft:gpt-4o:acme::x", ""),  # fine-tuned: no GLM counterpart
        ("glm-4.6", None),
    ],
)
def test_chat_lookup(model_id: str, expected: str | None) -> None:
    assert load_tables().lookup_model("chat", model_id) == expected


def test_user_overrides_merge_over_the_map() -> None:
    tables = load_tables().with_model_overrides({"gpt-4o-mini": "glm-4.5-air", "my-ft": "glm-4.6"})
    assert tables.lookup_model("chat", "gpt-4o-mini") == "glm-4.5-air"
    assert tables.lookup_model("chat", "my-ft") == "glm-4.6"
    assert load_tables().lookup_model("chat", "gpt-4o-mini") == "glm-4.6", "the shipped tables stay as they are"


@pytest.mark.parametrize(
    ("file", "path", "value"),
    [
        ("models", ("version",), 2),
        ("endpoints", ("default_region",), "mars"),
        ("endpoints", ("clients", "openai.OpenAI"), "perl"),
        ("parameters", ("limits", "temperature", "max"), "hot"),
    ],
)
def test_broken_tables_name_the_file_and_key(file: str, path: tuple[str, ...], value: object) -> None:
    raw = copy.deepcopy(_raw())
    node: dict[str, object] = raw[file]
    for key in path[:-1]:
        node = node[key]  # type: ignore[assignment]
    node[path[-1]] = value
    with pytest.raises(TablesError, match=f"rules/{file}.toml"):
        parse_tables(raw)


def _families() -> list[ModelFamily]:
    return list(load_tables().families)


@pytest.mark.parametrize("family", _families(), ids=lambda family: family.name)
def test_a_family_claims_its_examples_and_maps_where_it_should(family: ModelFamily) -> None:
    tables = load_tables()
    assert family.glm == "" or tables.is_target(family.endpoint, family.glm), f"{family.name} -> {family.glm}"
    assert family.glm or family.why, "an id without a GLM counterpart is reported with what to do instead"
    for example in family.examples:
        match = tables.match_model(example)
        assert match is not None and match.family is family, f"{example}: {match}"
        assert tables.lookup_model(family.endpoint, example) == family.glm
        if family.triggers:
            assert tables.mentions_trigger(example), f"a file naming only `{example}` is never parsed"
    for look_alike in family.claims_not:
        assert tables.match_model(look_alike) is None, look_alike


@pytest.mark.parametrize(
    ("model_id", "endpoint", "glm", "family"),
    [
        ("gpt-5.4-mini", "chat", "glm-4.6", "OpenAI chat family"),
        ("gpt-6-luna-pro", "chat", "glm-4.6", "OpenAI chat family"),
        ("gpt-6.2-astra-2026-11-17", "chat", "glm-4.6", "OpenAI chat family"),
        ("chatgpt-4o-latest", "chat", "glm-4.6", None),  # exact entry, dated suffix stripped
        ("gpt-4-1106-vision-preview", "chat", "glm-4.5v", "OpenAI vision family"),
        ("o4-mini-deep-research", "chat", "glm-4.6", "OpenAI reasoning family"),
        ("o3-mini-2025-01-31", "chat", "glm-4.6", None),
        # exact entries win: GLM303 turns their Completion.create calls into chat calls
        ("gpt-3.5-turbo-instruct", "chat", "glm-4.6", None),
        ("text-davinci-003", "chat", "glm-4.6", None),
        ("code-davinci-002", "completions", "", "OpenAI legacy completions family"),
        ("davinci", "completions", "", "OpenAI legacy completions family"),
        ("dall-e-4", "images", "cogview-4-250304", "OpenAI image family"),
        ("gpt-image-2.1", "images", "cogview-4-250304", "OpenAI image family"),
        ("gpt-image-1", "images", "cogview-4-250304", None),
        ("tts-1-hd", "audio_speech", "", "OpenAI speech family"),
        ("gpt-4o-mini-tts", "audio_speech", "", "OpenAI speech family"),
        ("whisper-1", "audio_transcriptions", "glm-asr", None),
        ("gpt-4o-transcribe", "audio_transcriptions", "glm-asr", None),  # exact, never a chat id
        ("gpt-4o-transcribe-diarize", "audio_transcriptions", "glm-asr", "OpenAI transcription family"),
        ("text-embedding-3-small", "embeddings", "embedding-3", None),
        ("text-embedding-4-large", "embeddings", "embedding-3", "OpenAI embedding family"),
        ("omni-moderation-latest", "moderations", "", "OpenAI moderation family"),
        ("gpt-4o-realtime-preview", "realtime", "", "OpenAI realtime and audio family"),
        ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "chat", "", "OpenAI fine-tuned model"),
    ],
)
def test_every_family_maps_where_it_should(model_id: str, endpoint: str, glm: str, family: str | None) -> None:
    match = load_tables().match_model(model_id)
    assert match is not None
    assert (match.endpoint, match.glm, match.family.name if match.family else None) == (endpoint, glm, family)
    other_endpoints = [e for e in ENDPOINTS if e != endpoint]
    assert all(load_tables().lookup_model(e, model_id) is None for e in other_endpoints), "an id has one endpoint"


@pytest.mark.parametrize(
    "look_alike",
    [
        "gpt2",  # Hugging Face
        "openai-community/gpt2",
        "THUDM/GLM-4-9B-0414",
        "gpt-oss-20b",  # open weights, served by others
        "mistral-7b-instruct-v0.2",
        "meta-llama/llama-3.1-8b-instruct",
        "text-embedding-004",  # Google
        "whisper-large-v3",  # the open Whisper checkpoints, run locally
        "chatgpt",
        "o",
        "O1",
    ],
)
def test_look_alikes_are_not_claimed(look_alike: str) -> None:
    assert load_tables().match_model(look_alike) is None


def test_exact_entries_win_over_families() -> None:
    tables = load_tables()
    # gpt-4-vision matches the chat family's pattern, but its exact entry sends it to the vision model
    assert tables.match_model("gpt-4-vision-preview") == ModelMatch("chat", "glm-4.5v")
    # gpt-4o-mini-transcribe matches the chat family too: its exact entry on transcriptions wins
    assert tables.lookup_model("chat", "gpt-4o-mini-transcribe") is None
    overridden = tables.with_model_overrides({"gpt-5.4-mini": "glm-4.5-air", "ft:gpt-4o:acme::x1": "glm-4.6"})
    assert overridden.match_model("gpt-5.4-mini") == ModelMatch("chat", "glm-4.5-air")
    assert overridden.lookup_model("chat", "ft:gpt-4o:acme::x1") == "glm-4.6", "a user override beats the ft: rule"
    assert overridden.lookup_model("chat", "gpt-5.5") == "glm-4.6", "the rest of the family is unchanged"
    speech = tables.with_model_overrides({"tts-1": "glm-tts"})
    assert speech.lookup_model("audio_speech", "tts-1") == "glm-tts", "overridden on the family's endpoint"


def test_every_listed_id_makes_its_file_parsed() -> None:
    """The discovery pre-check reads the same table: a file naming any listed id is parsed, except
    for the o-series, whose family names no trigger (`o1` occurs in unrelated code)."""
    tables = load_tables()
    missed = {source for table in tables.models.values() for source in table if not tables.mentions_trigger(source)}
    assert all(re.fullmatch(r"o\d(-[a-z]+)*", source) for source in missed), missed
    assert all(not family.triggers for family in tables.families if family.pattern.fullmatch("o3-pro"))


def test_a_prefix_test_on_family_ids_is_about_model_names() -> None:
    tables = load_tables()
    assert tables.names_model_prefix("gpt-6")
    assert tables.names_model_prefix("o5")
    assert not tables.names_model_prefix("claude-")
    # the ids the migration writes pass a test of GLM's prefix, not one of OpenAI's or a retired series'
    assert tables.writes_model_prefix("glm-")
    assert not tables.writes_model_prefix("gpt-")
    assert not tables.writes_model_prefix("glm-4-")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"endpoint": "fax"}, "unknown endpoint `fax`"),
        ({"pattern": "gpt-("}, "broken pattern"),
        ({"pattern": "(?P<x>gpt-.*)"}, "named groups"),
        ({"glm": "", "why": ""}, "maps to nothing"),
        ({"glm": "", "resource": "telepathy"}, "`[unavailable]` lacks"),
        ({"shutdown": "2026-12-11"}, "`shutdown` must be a date"),
        ({"retired": True}, "unknown keys: retired"),
        ({"examples": []}, "needs `examples`"),
    ],
)
def test_broken_families_are_named(change: dict[str, object], message: str) -> None:
    raw = copy.deepcopy(_raw())
    raw["models"]["families"][0].update(change)  # type: ignore[index]
    with pytest.raises(TablesError, match=re.escape(message)):
        parse_tables(raw)


def test_an_exact_entry_may_be_a_table() -> None:
    raw = copy.deepcopy(_raw())
    raw["models"]["chat"]["gpt-4o"] = {"glm": "glm-4.5-air"}  # type: ignore[index]
    assert parse_tables(raw).lookup_model("chat", "gpt-4o") == "glm-4.5-air"
    raw["models"]["chat"]["gpt-4o"] = {"glm": "glm-4.6", "retired": True}  # type: ignore[index]
    with pytest.raises(TablesError, match="unknown keys: retired"):
        parse_tables(raw)


# --- target profiles (targets.toml) --------------------------------------------------------------


def test_every_profile_is_dated_and_every_target_serves_its_own_ids() -> None:
    tables = load_tables()
    assert tables.target.name == tables.targets_file.default == "glm-4.6"
    for name, profile in tables.targets_file.profiles.items():
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", profile.source_date), name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", profile.released), name
        aimed = tables.configured(name)
        assert aimed.target is profile
        for tier in ("chat", "vision", "cheap"):
            assert aimed.is_target("chat", profile.tier_id(tier)), (name, tier)
        # every map value is an id the target serves (or nothing)
        for endpoint in ENDPOINTS:
            for source, glm in aimed.models[endpoint].items():
                assert glm == "" or aimed.is_target(endpoint, glm), f"{name}: {endpoint}: {source} -> {glm}"
        for family in aimed.families:
            assert family.glm == "" or aimed.is_target(family.endpoint, family.glm), (name, family.name)


@pytest.mark.parametrize(
    ("target", "model_id", "expected"),
    [
        ("glm-5.3", "gpt-4o", "glm-5.3"),
        ("glm-5.3", "gpt-5.4-mini", "glm-5.3"),  # a family
        ("glm-5.3", "gpt-4-vision-preview", "glm-5v-turbo"),  # the vision tier
        ("glm-5.3", "glm-4-plus", "glm-5.3"),  # a retired Zhipu id
        ("glm-5.3", "glm-4.6", "glm-5.3"),  # an older generation moves up
        ("glm-5.3", "glm-4.5-air", "glm-5.3-flash"),  # by its tier
        ("glm-5.3", "glm-4.6v", "glm-5v-turbo"),
        ("glm-4.7", "glm-4.5-flash", "glm-4.7-flash"),
        ("glm-4.7", "glm-5.3", None),  # newer than the target: stays
        ("glm-4.6", "glm-4.5-air", None),  # the default keeps what its endpoints serve
        ("latest", "gpt-4o", "glm-5.3"),  # an alias
    ],
)
def test_a_target_moves_ids_to_its_own(target: str, model_id: str, expected: str | None) -> None:
    assert load_tables().configured(target).lookup_model("chat", model_id) == expected


def test_a_target_decides_limits_parameters_and_texts() -> None:
    tables = load_tables()
    glm_5_3 = tables.configured("glm-5.3")
    assert "reasoning_effort" in glm_5_3.accepted_params["chat"]
    assert "reasoning_effort" not in tables.accepted_params["chat"]
    assert glm_5_3.unsupported_params["n"].why == "GLM-5.3 returns a single choice"
    assert tables.unsupported_params["n"].why == "GLM-4.6 returns a single choice"
    assert glm_5_3.configured() is glm_5_3 and glm_5_3.configured("glm-4.6") is tables
    assert tables.configured("glm-5.3") is glm_5_3, "built once"


def test_profile_overrides_and_user_models_apply_over_the_target() -> None:
    tables = load_tables()
    smaller = tables.configured("glm-5.3", {"max_tokens": 65536, "thinking_disabled": True})
    assert smaller.limits["max_tokens"].max == 65536 and smaller.target.thinking_disabled
    chosen = tables.configured("glm-5.3", models={"gpt-4o-mini": "glm-4.5-air"})
    assert chosen.lookup_model("chat", "gpt-4o-mini") == "glm-4.5-air"
    # the id a user chose is kept, not moved on as an older generation
    assert chosen.is_target("chat", "glm-4.5-air") and chosen.lookup_model("chat", "glm-4.5-air") is None
    with pytest.raises(TargetError, match="unknown target model `glm-9`"):
        tables.configured("glm-9")
    with pytest.raises(TargetError, match="`thinking` must be one of"):
        tables.configured("glm-5.3", {"thinking": "sometimes"})
    with pytest.raises(TargetError, match="unknown keys: colour"):
        tables.configured(None, {"colour": "blue"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"thinking": "maybe"}, "`thinking` must be one of"),
        ({"chat": "glm-99"}, "`chat` must be a `[glm_models]` id"),
        ({"reasoning_effort": {"values": ["low"], "default": "low", "map": {}}}, "`reasoning_effort.map` maps each"),
        ({"max_tokens": "lots"}, "`max_tokens` must be a whole number"),
    ],
)
def test_broken_profiles_are_named(change: dict[str, object], message: str) -> None:
    raw = copy.deepcopy(_raw())
    raw["targets"]["profiles"]["glm-5.3"].update(change)  # type: ignore[index, union-attr]
    with pytest.raises(TablesError, match=re.escape(message)):
        parse_tables(raw)


def test_shutdown_dates_reach_dated_snapshots() -> None:
    tables = load_tables()
    assert str(tables.match_model("gpt-4o-2024-08-06").shutdown) == "2027-01-14"  # type: ignore[union-attr]
    assert str(tables.match_model("gpt-4o-2024-05-13").shutdown) == "2026-10-23"  # type: ignore[union-attr]
    assert tables.match_model("gpt-5.5").shutdown is None  # type: ignore[union-attr]
    assert str(tables.match_on("chat", "o3-mini-2025-01-31").shutdown) == "2026-10-23"  # type: ignore[union-attr]


def test_the_readme_shows_the_shipped_profiles() -> None:
    readme = (tables_dir().parent / "README.md").read_text(encoding="utf-8")
    assert load_tables().targets_file.markdown_table() in readme, "regenerate the README's Targets table"


def test_sdk_table_describes_the_openai_sdk() -> None:
    sdk = load_tables().sdk
    assert sdk.endpoints[("chat", "completions", "create")] == "chat"
    assert sdk.endpoints[("audio", "transcriptions", "create")] == "audio_transcriptions"
    assert set(sdk.endpoints.values()) <= set(ENDPOINTS)
    assert {"chat", "embeddings"} <= sdk.module_client_resources
    assert "ChatCompletion" in sdk.legacy_resources and "api_base" in sdk.legacy_settings
    assert "with_options" in sdk.client_copy_methods
    path = ("chat", "with_raw_response", "completions", "beta", "create")
    assert sdk.normalise_path(path) == ("chat", "completions", "create")


def _declared_fields(*models: type) -> set[str]:
    """Every field the pydantic response models declare, nested models' included."""
    import typing

    import pydantic

    found: set[str] = set()
    seen: set[type] = set()

    def walk(annotation: object) -> None:
        if typing.get_origin(annotation) is not None:
            for argument in typing.get_args(annotation):
                walk(argument)
        elif isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel) and annotation not in seen:
            seen.add(annotation)
            for name, info in annotation.model_fields.items():
                found.add(name)
                walk(info.annotation)

    for model in models:
        walk(model)
    return found


def test_response_fields_are_the_installed_sdks() -> None:
    """GLM304 reads a declared field as an attribute and any other key with `getattr`: a field
    the table lacks costs only a longer read, one it has that the SDK dropped would raise."""
    pytest.importorskip("openai")
    from openai.types import CreateEmbeddingResponse, ImagesResponse
    from openai.types.audio import Transcription, TranscriptionVerbose
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

    fields = load_tables().sdk.response_fields
    assert fields["chat"] == _declared_fields(ChatCompletion, ChatCompletionChunk)
    assert fields["embeddings"] == _declared_fields(CreateEmbeddingResponse)
    assert fields["images"] == _declared_fields(ImagesResponse)
    assert fields["audio_transcriptions"] == _declared_fields(Transcription, TranscriptionVerbose)
    assert "text" not in fields["chat"]


def test_unavailable_methods_are_the_installed_sdks() -> None:
    """A resource's methods listed in `[unavailable_methods]` are all the SDK's: a method the
    table lacks would let that call of an API Z.AI lacks go unreported."""
    openai = pytest.importorskip("openai")
    tables = load_tables()
    client = openai.OpenAI(api_key="unused")
    wrappers = {"with_raw_response", "with_streaming_response"}
    for resource, methods in tables.unavailable_methods.items():
        assert resource in tables.unavailable
        found = getattr(client, resource)
        assert methods == {
            n for n in dir(found) if not n.startswith("_") and n not in wrappers and callable(getattr(found, n))
        }
    # google-genai's client has a `models` resource of its own
    assert tables.unavailable_advice(("models", "generate_content")) is None
    assert tables.unavailable_advice(("models", "list")) is not None


def test_langchain_own_fields_are_langchain_cores() -> None:
    """GLM006 leaves these keywords alone: each must be a field of langchain-core's chat model
    base class (LangChain's own), and ChatOpenAI must not send it in its request."""
    pytest.importorskip("langchain_openai")
    from langchain_core.language_models import BaseChatModel
    from langchain_openai import ChatOpenAI

    own = load_tables().langchain_own_fields
    assert own == set(BaseChatModel.model_fields)
    llm = ChatOpenAI(model="glm-4.6", api_key="x", metadata={"run": "a"}, tags=["t"], name="n")
    assert not own & set(llm._get_request_payload([("user", "hi")]))


def test_litellm_supported_params_are_the_zai_providers() -> None:
    """GLM107 moves a LiteLLM call only with these request parameters: they must be what the zai
    provider lists (`thinking` aside: passed as a keyword it fails, GLM107 wants it in
    `extra_body`), plus `user`, which LiteLLM never validates."""
    pytest.importorskip("litellm")
    from litellm.llms.zai.chat.transformation import ZAIChatConfig

    supported = set(ZAIChatConfig().get_supported_openai_params(model="glm-4.6")) - {"thinking"}
    assert load_tables().litellm.supported_params == supported | {"user"}


def test_every_endpoint_path_is_a_method_the_signature_table_knows() -> None:
    """The guard binds rewritten calls against signatures.toml: an endpoint path sdk.toml adds
    without a signature would never be checked (`images.generations` is zai-sdk's name)."""
    tables = load_tables()
    openai_methods = tables.signatures.clients["openai.OpenAI"].methods
    zai_methods = tables.signatures.clients["zai.ZaiClient"].methods
    for path in tables.sdk.endpoints:
        assert ".".join(path) in openai_methods or ".".join(path) in zai_methods, path


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("endpoints", "chat.completions.create"), "chats", "`endpoints.chat.completions.create` names no endpoint"),
        (("legacy", "settings"), "api_base", "rules/sdk.toml: `legacy.settings` has the wrong type"),
        (("paths", "client_copy_methods"), [1], "`paths.client_copy_methods` must be a list of strings"),
        (("module_client",), {}, "rules/sdk.toml: missing key `module_client.resources`"),
    ],
)
def test_broken_sdk_table_is_named(path: tuple[str, ...], value: object, message: str) -> None:
    raw = copy.deepcopy(_raw())
    node: dict[str, object] = raw["sdk"]
    for key in path[:-1]:
        node = node[key]  # type: ignore[assignment]
    node[path[-1]] = value
    with pytest.raises(TablesError, match=re.escape(message)):
        parse_tables(raw)


def test_sdk_table_is_required() -> None:
    raw = _raw()
    del raw["sdk"]
    with pytest.raises(TablesError, match=re.escape("rules/sdk.toml is missing")):
        parse_tables(raw)


def _fresh_tables() -> object:
    tables = parse_tables(_raw())
    return tables.configured(tables.targets_file.default)


def _data(value: Any) -> Any:
    """`value` as plain data, field by field: `Tables` and `SdkSurface` compare by identity."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _data(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {key: _data(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_data(item) for item in value]
    return value


def test_pickled_tables_equal_the_parsed_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables_module, "user_cache_dir", lambda: tmp_path)
    load_tables.cache_clear()
    try:
        written = load_tables()  # parses the TOML and writes the pickle
        (pickled,) = tmp_path.glob("tables-*.pickle")
        load_tables.cache_clear()
        read = load_tables()  # reads the pickle
        assert read is not written
        assert _data(read) == _data(written) == _data(_fresh_tables())
        assert read.match_model("gpt-4o-2024-08-06") == written.match_model("gpt-4o-2024-08-06")
        assert pickled.read_bytes()[:16] == tables_module._pickle_key(
            {name: (tables_dir() / f"{name}.toml").read_bytes() for name in TABLE_FILES}
        )
    finally:
        load_tables.cache_clear()


def test_a_changed_table_file_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = {name: (tables_dir() / f"{name}.toml").read_bytes() for name in TABLE_FILES}
    key = tables_module._pickle_key(texts)
    changed = tables_module._pickle_key({**texts, "models": texts["models"] + b"\n# edited\n"})
    assert changed != key
    path = tmp_path / "tables.pickle"
    tables_module._write_pickled(path, key, _fresh_tables())
    assert _data(tables_module._read_pickled(path, key)) == _data(_fresh_tables())
    assert tables_module._read_pickled(path, changed) is None


def test_a_damaged_pickle_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables_module, "user_cache_dir", lambda: tmp_path)
    load_tables.cache_clear()
    try:
        load_tables()
        (pickled,) = tmp_path.glob("tables-*.pickle")
        pickled.write_bytes(pickled.read_bytes()[:200])  # the key, then a truncated pickle
        load_tables.cache_clear()
        assert _data(load_tables()) == _data(_fresh_tables())
        assert len(pickled.read_bytes()) > 200, "made again"
    finally:
        load_tables.cache_clear()


def test_tables_load_where_no_cache_can_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(tables_module, "user_cache_dir", lambda: blocker / "glm-migrate")  # mkdir fails
    load_tables.cache_clear()
    try:
        assert _data(load_tables()) == _data(_fresh_tables())
        assert not list(tmp_path.rglob("*.tmp"))
    finally:
        load_tables.cache_clear()
    monkeypatch.setattr(tables_module, "user_cache_dir", lambda: None)  # no home at all
    try:
        assert _data(load_tables()) == _data(_fresh_tables())
    finally:
        load_tables.cache_clear()
