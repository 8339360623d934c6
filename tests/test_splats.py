"""What a `**mapping` argument passes: resolved keys (all of them, or the listed ones of an open
mapping), or None when it cannot be seen."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from glm_migrate.semantic import SemanticModel
from glm_migrate.splats import SplatMapping, resolve_splat
from glm_migrate.tables import load_tables


def _mapping(source: str) -> SplatMapping | None:
    """The mapping splatted into the module's last `OpenAI(**...)` call."""
    model = SemanticModel.build(cst.parse_module(textwrap.dedent(source)), load_tables())
    (client,) = [c for c in model.clients if c.construction is not None][-1:]
    assert client.construction is not None
    splat = next(arg for arg in client.construction.args if arg.star == "**")
    return resolve_splat(model, splat.value, client.scope)


def test_dict_literal_keys_are_always_set() -> None:
    mapping = _mapping('from openai import OpenAI\nkw = {"api_key": k, "timeout": 5}\nOpenAI(**kw)\n')
    assert mapping is not None and set(mapping.keys) == {"api_key", "timeout"}
    assert mapping.always_has("api_key") and mapping.literal is not None


def test_dict_call_and_inline_literal() -> None:
    called = _mapping("from openai import OpenAI\nkw = dict(timeout=5)\nOpenAI(**kw)\n")
    assert called is not None and set(called.keys) == {"timeout"}
    inline = _mapping('from openai import OpenAI\nOpenAI(**{"base_url": u})\n')
    assert inline is not None and inline.name is None and set(inline.keys) == {"base_url"}


def test_key_stores_in_branches_are_not_always_set() -> None:
    mapping = _mapping(
        """\
        from openai import OpenAI
        def make(cfg):
            kw = {}
            if cfg.base:
                kw["base_url"] = cfg.base
            kw["api_key"] = cfg.key
            return OpenAI(**kw)
        """
    )
    assert mapping is not None
    assert not mapping.always_has("base_url") and mapping.always_has("api_key")


def test_update_with_keywords_and_setdefault_add_keys() -> None:
    mapping = _mapping(
        'from openai import OpenAI\nkw = {}\nkw.update(timeout=3)\nkw.setdefault("base_url", u)\nOpenAI(**kw)\n'
    )
    assert mapping is not None and set(mapping.keys) == {"timeout", "base_url"}


def test_reads_and_an_attribute_of_the_same_name_keep_the_keys_known() -> None:
    mapping = _mapping(
        """\
        from openai import OpenAI
        def make(self):
            kw = {"timeout": 3}
            self.kw = 1
            log(timeout=kw["timeout"], kw=None)
            if "base_url" in kw:
                pass
            return OpenAI(**kw)
        """
    )
    assert mapping is not None and set(mapping.keys) == {"timeout"}


def test_a_closed_mapping_holds_only_what_it_lists() -> None:
    mapping = _mapping('from openai import OpenAI\nkw = {"timeout": 3}\nOpenAI(**kw)\n')
    assert mapping is not None and not mapping.open and not mapping.others


@pytest.mark.parametrize(
    ("source", "listed"),
    [
        # keys written out beside a `**kwargs` in `dict(...)`: there, and `kwargs` cannot repeat them
        (
            "kw = dict(base_url=info.url, api_key=info.key, **kwargs)",
            {"base_url", "api_key"},
        ),
        ('kw = {"api_key": k, **extra}', {"api_key"}),  # a splat inside
        ("kw = dict(defaults, timeout=3)", {"timeout"}),  # dict(other, k=v)
        # `.update(other)` adds keys or replaces values, but removes none
        ('kw = {"api_key": k, "base_url": u}\nif extra:\n    kw.update(extra)', {"api_key", "base_url"}),
        ('kw = {"api_key": k}\nkw.update(**extra)', {"api_key"}),
        ('kw = {"api_key": k}\nkw.update({"timeout": 3, **extra})', {"api_key", "timeout"}),
        ('kw = {"api_key": k}\nkw[name] = v', {"api_key"}),  # a computed key
        ('kw = {"api_key": k}\nkw.setdefault(name, v)', {"api_key"}),
        ("kw = {**base}", set()),
    ],
)
def test_an_open_mapping_lists_the_keys_written_out(source: str, listed: set[str]) -> None:
    mapping = _mapping(f"from openai import OpenAI\n{source}\nOpenAI(**kw)\n")
    assert mapping is not None and mapping.open and set(mapping.keys) == listed


def test_entries_of_an_open_mapping_keep_where_they_are_set() -> None:
    mapping = _mapping(
        """\
        from openai import OpenAI
        def make(info, extra, **kwargs):
            kw = dict(api_key=info.key, **kwargs)
            if info.base:
                kw.update(base_url=info.base)
            kw.update(extra)
            return OpenAI(**kw)
        """
    )
    assert mapping is not None and mapping.open and mapping.literal is not None
    assert mapping.always_has("api_key") and not mapping.always_has("base_url")
    assert [type(node) for node in mapping.others] == [cst.Arg, cst.Arg]  # `**kwargs`, `extra`


@pytest.mark.parametrize(
    "source",
    [
        "from openai import OpenAI\ndef make(**kw):\n    return OpenAI(**kw)\n",  # a parameter
        "from openai import OpenAI\nkw = {}\nfill(kw)\nOpenAI(**kw)\n",  # passed on: may be filled or emptied
        'from openai import OpenAI\nkw = {"api_key": k}\nkw.clear()\nOpenAI(**kw)\n',  # emptied
        'from openai import OpenAI\nkw = {"api_key": k}\nkw = other\nOpenAI(**kw)\n',  # rebound
        "from openai import OpenAI\nkw = settings.client_options\nOpenAI(**kw)\n",  # not a literal
    ],
)
def test_keys_that_cannot_be_seen(source: str) -> None:
    assert _mapping(source) is None


@pytest.mark.parametrize(
    ("source", "final"),
    [
        ("kw = dict(base_url=u, **extra)", True),  # `extra` holding base_url raises TypeError
        ('kw = {**extra, "base_url": u}', True),  # written after: it wins
        ('kw = {"base_url": u, **extra}', False),  # `extra` may replace it
        ('kw = {"base_url": u}\nkw.update(extra)', False),
        ('kw = {"base_url": u}\nkw[name] = v', False),
        ('kw = {"base_url": u}\nkw.setdefault(name, v)', True),  # never replaces a value
    ],
)
def test_what_a_mapping_does_not_list_may_replace_a_listed_value(source: str, final: bool) -> None:
    mapping = _mapping(f"from openai import OpenAI\n{source}\nOpenAI(**kw)\n")
    assert mapping is not None and mapping.open and mapping.always_has("base_url")
    assert mapping.surely_has("base_url") is final
