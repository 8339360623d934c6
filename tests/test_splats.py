"""What a `**mapping` argument passes: resolved keys, or None when they cannot all be seen."""

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


@pytest.mark.parametrize(
    "source",
    [
        "from openai import OpenAI\ndef make(**kw):\n    return OpenAI(**kw)\n",  # a parameter
        "from openai import OpenAI\nkw = {}\nfill(kw)\nOpenAI(**kw)\n",  # passed on: may be filled
        "from openai import OpenAI\nkw = {}\nkw.update(other)\nOpenAI(**kw)\n",  # keys of another
        "from openai import OpenAI\nkw = {**base}\nOpenAI(**kw)\n",  # a splat inside
        "from openai import OpenAI\nkw = {}\nkw[name] = v\nOpenAI(**kw)\n",  # a computed key
        "from openai import OpenAI\nkw = settings.client_options\nOpenAI(**kw)\n",  # not a literal
    ],
)
def test_keys_that_cannot_be_seen(source: str) -> None:
    assert _mapping(source) is None
