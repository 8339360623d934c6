"""The shipped tables in rules/: they parse, and their entries are consistent with each other."""

from __future__ import annotations

import copy

import pytest
import tomllib

from glm_migrate.tables import ENDPOINTS, TABLE_FILES, TablesError, load_tables, parse_tables, tables_dir


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
        ("ft:gpt-4o:acme::x", None),
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
