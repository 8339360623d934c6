"""Value and client resolution (glm_migrate/semantic/values.py, clients.py, model.py): what names,
attributes and calls may hold, which clients API calls go through and where those point, and
the string literals a model argument may be."""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
import pytest

from glm_migrate.semantic import ApiCall, Client, SemanticModel, Target
from glm_migrate.tables import load_tables


def _model(source: str) -> SemanticModel:
    return SemanticModel.build(cst.parse_module(dedent(source)), load_tables())


def _call(source: str, index: int = 0) -> tuple[SemanticModel, ApiCall]:
    model = _model(source)
    return model, model.api_calls[index]


def _model_literals(model: SemanticModel, call: ApiCall) -> tuple[list[str], bool]:
    literals, complete = model.model_literals(call)
    return [literal.value for literal in literals], complete


def _client(model: SemanticModel, name: str) -> Client:
    (client,) = model.name_clients(name)
    return client


def test_a_constructor_call_is_a_client_of_its_class() -> None:
    model, call = _call(
        """
        from openai import AsyncOpenAI
        client = AsyncOpenAI()
        client.chat.with_raw_response.completions.create(model="gpt-4o", messages=[])
        """
    )
    client = _client(model, "client")
    assert (client.sdk, client.is_async, client.classes, client.target) == (
        "openai",
        True,
        ("openai.AsyncOpenAI",),
        Target.OPENAI,
    )
    assert client.constructed
    assert call.clients == (client,)
    assert call.path == ("chat", "completions", "create"), "with_raw_response wraps the method"
    assert call.endpoint == "chat" and call.sdk == "openai" and call.migratable and not call.mixed


def test_an_aliased_module_import_reaches_the_client_class() -> None:
    model = _model(
        """
        import openai as oa
        client = oa.OpenAI(base_url="https://api.z.ai/api/paas/v4/")
        """
    )
    assert _client(model, "client").target is Target.ZAI
    assert model.qualified_names(cst.parse_expression("oa.error.RateLimitError"), model.module_scope) == {
        "openai.error.RateLimitError"
    }


def test_if_else_bindings_give_every_client_and_mixed_targets() -> None:
    _, call = _call(
        """
        import os
        from openai import OpenAI
        if os.environ.get("LOCAL"):
            client = OpenAI(base_url="http://localhost:8000/v1")
        else:
            client = OpenAI()
        client.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert sorted(c.target.value for c in call.clients) == ["openai", "other"]
    assert call.target is Target.OTHER, "another server wins: its requests must not change"
    assert call.migratable and call.mixed


def test_a_conditional_class_makes_the_server_a_run_time_choice() -> None:
    model = _model(
        """
        from openai import AzureOpenAI, OpenAI
        cls = AzureOpenAI if azure else OpenAI
        client = cls()
        """
    )
    client = _client(model, "client")
    assert client.classes == ("openai.AzureOpenAI", "openai.OpenAI")
    assert client.target is Target.UNKNOWN


def test_self_attributes_hold_the_client_set_in_init() -> None:
    _, call = _call(
        """
        from openai import OpenAI
        class Bot:
            def __init__(self):
                self.client = OpenAI()
            def ask(self, text):
                return self.client.embeddings.create(model="text-embedding-3-small", input=text)
        """
    )
    (client,) = call.clients
    assert client.origin == "constructor" and client.target is Target.OPENAI
    assert call.endpoint == "embeddings"


def test_a_property_returns_its_client() -> None:
    _, call = _call(
        """
        from openai import OpenAI
        class Bot:
            @property
            def client(self):
                return OpenAI(base_url="https://api.z.ai/api/paas/v4/")
            def ask(self):
                return self.client.chat.completions.create(model="glm-4.6", messages=[])
        """
    )
    assert [c.target for c in call.clients] == [Target.ZAI]


def test_a_factory_function_returns_its_client() -> None:
    model, call = _call(
        """
        from openai import OpenAI
        def make():
            return OpenAI()
        make().chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert call.clients and call.clients[0].construction is not None
    assert model.returned_clients(model.module_scope.bindings["make"]) == list(call.clients)


@pytest.mark.parametrize(
    "annotation",
    ["OpenAI", "Optional[OpenAI]", "OpenAI | None", "Union[OpenAI, None]", '"OpenAI"', "Annotated[OpenAI, 'x']"],
)
def test_a_parameter_declared_as_a_client_is_the_callers_client(annotation: str) -> None:
    _, call = _call(
        f"""
        from typing import Annotated, Optional, Union
        from openai import OpenAI
        def ask(client: {annotation}):
            return client.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    (client,) = call.clients
    assert client.origin == "annotation" and not client.constructed
    assert client.target is Target.OPENAI, "the caller's client: most likely one this migration repoints"


def test_a_parameter_of_another_librarys_type_is_an_unknown_client() -> None:
    """`client: Instructor` wraps whichever provider's client: its fixes wait for a person."""
    _, call = _call(
        """
        from openai import OpenAI
        from instructor import Instructor
        def ask(client: Instructor):
            return client.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    (client,) = call.clients
    assert client.origin == "annotation" and client.target is Target.UNKNOWN
    assert call.mixed


def test_a_parameter_typed_any_is_traced_by_the_calls_shape_only() -> None:
    model, call = _call(
        """
        from typing import Any
        import openai
        def ask(client: Any):
            return client.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert call.inferred and call.target is Target.UNKNOWN and not call.mixed
    assert model.sdk_of(call) == "openai", "the only SDK the module imports"


def test_an_sdk_shaped_call_without_an_sdk_import_is_not_an_api_call() -> None:
    model = _model("def ask(client):\n    return client.chat.completions.create(model='gpt-4o')\n")
    assert model.api_calls == []


def test_with_options_base_url_derives_a_client_of_its_own() -> None:
    model, call = _call(
        """
        from openai import OpenAI
        client = OpenAI()
        local = client.with_options(base_url="http://localhost:8000/v1")
        local.chat.completions.create(model="llama3", messages=[])
        """
    )
    (derived,) = call.clients
    assert derived.origin == "derived" and derived.target is Target.OTHER
    assert _client(model, "client").target is Target.OPENAI


def test_the_module_client_follows_its_base_url_setting() -> None:
    model, call = _call(
        """
        import openai
        openai.base_url = "https://api.z.ai/api/paas/v4/"
        openai.chat.completions.create(model="glm-4.6", messages=[])
        """
    )
    (client,) = call.clients
    assert client.origin == "module" and client.target is Target.ZAI
    assert model.module_client_used and not model.uses_legacy_api


def test_legacy_resources_and_settings_are_openai_before_1() -> None:
    model = _model(
        """
        import openai
        openai.api_base = "https://example.com/v1"
        openai.ChatCompletion.create(model="gpt-4", messages=[])
        """
    )
    assert [path for _, path, _ in model.legacy_calls] == [("ChatCompletion", "create")]
    assert [a.attribute for a in model.module_attributes] == ["api_base"]
    assert model.uses_legacy_api and not model.module_client_used, "`api_base` is no v1 setting"


def test_a_client_used_only_for_account_data_stays_with_openai() -> None:
    model = _model(
        """
        from openai import OpenAI
        client = OpenAI()
        client.files.list()
        """
    )
    client = _client(model, "client")
    assert client.target is Target.OTHER and client.account_only == ("files",)


def test_token_authenticated_azure_clients_stay_where_they_are() -> None:
    model = _model(
        """
        from openai import AzureOpenAI
        keyed = AzureOpenAI(api_key="k", api_version="2024-10-21", azure_endpoint="https://x.openai.azure.com")
        token = AzureOpenAI(azure_ad_token_provider=provider, api_version="2024-10-21")
        """
    )
    assert _client(model, "keyed").target is Target.OPENAI
    assert _client(model, "token").target is Target.OTHER


@pytest.mark.parametrize(
    ("expression", "target"),
    [
        ('"https://api.openai.com/v1"', Target.OPENAI),
        ('"https://api.z.ai/api/paas/v4/"', Target.ZAI),
        ('"http://localhost:11434/v1"', Target.OTHER),
        ('"https://<your-endpoint>/v1"', Target.OPENAI),  # a template's placeholder: to be filled with Z.AI
        ('os.environ["OPENAI_BASE_URL"]', Target.OPENAI),
        ('os.getenv("ZAI_BASE_URL")', Target.ZAI),
        ('os.getenv("OPENAI_BASE_URL", "http://localhost:1234/v1")', Target.UNKNOWN),
        ('os.getenv("LLM_URL")', Target.UNKNOWN),
        ('os.getenv("LLM_URL", "http://localhost:8000/v1")', Target.OTHER),
        ("None", Target.OPENAI),
        ("URL if local else None", Target.UNKNOWN),  # a local server or OpenAI, chosen at run time
        ('URL or "http://localhost:9000/v1"', Target.OTHER),
        ("settings.url", Target.UNKNOWN),
    ],
)
def test_where_a_base_url_points(expression: str, target: Target) -> None:
    model = _model(
        f"""
        import os
        from openai import OpenAI
        URL = "http://localhost:8000/v1"
        client = OpenAI(base_url={expression})
        """
    )
    assert _client(model, "client").target is target


def test_a_parameter_default_url_is_another_server_whatever_callers_pass() -> None:
    _, call = _call(
        """
        from openai import OpenAI
        def make(url="http://localhost:8000/v1"):
            return OpenAI(base_url=url)
        make().chat.completions.create(model="llama3", messages=[])
        """
    )
    assert [c.target for c in call.clients] == [Target.OTHER]


def test_setting_openai_base_url_in_the_module_moves_the_default() -> None:
    model = _model(
        """
        import os
        from openai import OpenAI
        os.environ["OPENAI_BASE_URL"] = "http://localhost:8000/v1"
        client = OpenAI()
        """
    )
    assert model.openai_default is Target.OTHER
    assert _client(model, "client").target is Target.OTHER


def test_base_url_in_a_splatted_dict_literal() -> None:
    model = _model(
        """
        from openai import OpenAI
        options = {"base_url": "https://api.z.ai/api/paas/v4/", "api_key": key}
        client = OpenAI(**options)
        """
    )
    client = _client(model, "client")
    assert client.target is Target.ZAI and client.splats_known
    assert [cst.Module([]).code_for_node(v) for v in client.option_values("api_key")] == ["key"]


# -- string literals a model argument may be -----------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "literals", "complete"),
    [
        ('"gpt-4o"', ['"gpt-4o"'], True),
        ('os.getenv("X") or "gpt-4"', ['"gpt-4"'], False),  # the variable's value is not in view
        ('os.getenv("MODEL", "gpt-4o")', ['"gpt-4o"'], True),
        ('os.environ.get("MODEL", "gpt-4o").lower()', ['"gpt-4o"'], True),
        ('"gpt-4o" if fast else "o3"', ['"gpt-4o"', '"o3"'], True),
        ("MODEL", ['"gpt-4o-mini"'], True),
        ("pick()", ['"o3-mini"'], True),
        ("settings.model", [], False),
        # a mapping's default for a missing key, as an environment variable's
        ('config.get("model", "gpt-4o")', ['"gpt-4o"'], True),
        ('profile.get("llm", {}).get("model", MODEL)', ['"gpt-4o-mini"'], True),
        ('config.get(key, "gpt-4o")', [], False),  # not a key: some other `get`
    ],
)
def test_model_argument_literals(argument: str, literals: list[str], complete: bool) -> None:
    model, call = _call(
        f"""
        import os
        from openai import OpenAI
        MODEL = "gpt-4o-mini"
        def pick():
            return "o3-mini"
        client = OpenAI()
        client.chat.completions.create(model={argument}, messages=[])
        """
    )
    assert _model_literals(model, call) == (literals, complete)


def test_model_passed_beside_a_splat_and_pinned_by_a_test() -> None:
    """By position before a `**` splat (which cannot hold it too), and narrowed by an `if`."""
    model, call = _call(
        """
        from openai import OpenAI
        client = OpenAI()
        def complete(model, prompt, **kwargs):
            return client.chat.completions.create(model=model, messages=[], **kwargs)
        def fast(prompt, **kwargs):
            return complete("gpt-4o-mini", prompt, **kwargs)
        """
    )
    assert _model_literals(model, call)[0] == ['"gpt-4o-mini"']
    model, call = _call(
        """
        from openai import OpenAI
        def embed(texts, encoder):
            if encoder == "text-embedding-3-small":
                return OpenAI().embeddings.create(model=encoder, input=texts)
        """
    )
    assert _model_literals(model, call) == (['"text-embedding-3-small"'], True)


def test_model_in_a_splatted_dict_literal_key() -> None:
    model, call = _call(
        """
        from openai import OpenAI
        client = OpenAI()
        params = {"model": "gpt-4o-mini", "messages": []}
        client.chat.completions.create(**params)
        """
    )
    (argument,) = model.model_arguments(call)
    assert model.model_argument(call) is argument
    assert _model_literals(model, call) == (['"gpt-4o-mini"'], True)
    assert model.dict_literals(cst.parse_expression("params"), model.module_scope) is not None


def test_a_parameter_is_its_default_and_what_callers_pass() -> None:
    model, call = _call(
        """
        from openai import OpenAI
        client = OpenAI()
        def embed(text, model="text-embedding-ada-002"):
            return client.embeddings.create(model=model, input=text)
        embed("a", "text-embedding-3-small")
        embed("b", model="text-embedding-3-large")
        """
    )
    literals, complete = _model_literals(model, call)
    assert sorted(literals) == ['"text-embedding-3-large"', '"text-embedding-3-small"', '"text-embedding-ada-002"']
    assert complete


def test_an_argparse_default_is_a_possible_value_but_not_the_only_one() -> None:
    model, call = _call(
        """
        import argparse
        from openai import OpenAI
        parser = argparse.ArgumentParser()
        parser.add_argument("--model", default="gpt-4o")
        args = parser.parse_args()
        OpenAI().chat.completions.create(model=args.model, messages=[])
        """
    )
    assert _model_literals(model, call) == (['"gpt-4o"'], False)


def test_a_class_field_is_read_through_an_instance() -> None:
    model, call = _call(
        """
        from openai import OpenAI
        class Config:
            model = "gpt-4o"
        config = Config()
        OpenAI().chat.completions.create(model=config.model, messages=[])
        """
    )
    assert _model_literals(model, call) == (['"gpt-4o"'], True)


def test_dict_literals_are_none_when_a_binding_is_not_a_literal() -> None:
    model = _model(
        """
        params = {"model": "gpt-4o"}
        params = load()
        """
    )
    assert model.dict_literals(cst.parse_expression("params"), model.module_scope) is None
    assert len(model.literals_of(cst.parse_expression("params"), model.module_scope, cst.Dict)) == 1


def test_self_referencing_assignments_do_not_loop() -> None:
    model = _model(
        """
        from openai import OpenAI
        client = OpenAI()
        client = client.with_options(timeout=10)
        client.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    (call,) = model.api_calls
    assert [c.origin for c in call.clients] == ["constructor"]


def test_names_unpacked_from_a_returned_tuple_are_its_elements() -> None:
    """`client, model = make()` with `return OpenAI(), "gpt-4o"`: the client and the id, each
    complete only when every `return` is a tuple of as many elements."""
    source = """
        from openai import OpenAI
        def make(cheap):
            if cheap:
                return OpenAI(), "gpt-4o-mini"
            return OpenAI(), "gpt-4o"
        client, model = make(False)
        client.chat.completions.create(model=model, messages=[])
        """
    model, call = _call(source)
    assert [c.origin for c in call.clients] == ["constructor", "constructor"]
    assert _model_literals(model, call) == (['"gpt-4o-mini"', '"gpt-4o"'], True)
    model, call = _call(source.replace('return OpenAI(), "gpt-4o"\n', "return pair()\n"))
    assert _model_literals(model, call) == (['"gpt-4o-mini"'], False)
    # unpacked into another number of names, or with `*rest`: not followed
    model, call = _call(source.replace("client, model = make(False)", "client, model, *rest = make(False)"))
    assert not call.clients and _model_literals(model, call) == ([], False)
    model, call = _call(
        'from openai import OpenAI\nclient, model = OpenAI(), "gpt-4o"\n'
        "client.chat.completions.create(model=model, messages=[])\n"
    )
    assert len(call.clients) == 1 and _model_literals(model, call) == (['"gpt-4o"'], True)


def test_a_construction_first_reached_past_the_depth_limit_is_still_a_client() -> None:
    """`ask()` reads `c8`, an alias eight names away from `OpenAI()`: following it, the
    constructor's name was first looked at just past the depth limit, and the empty answer
    given there was kept for every later question, so the construction itself was no client
    and nothing of it was migrated (bean980310/ai-companion's image helper, through reassigned
    `response` and `image` names). An answer cut short by the limit now holds only as deep."""
    aliases = "".join(f"c{i + 1} = c{i}\n" for i in range(8))
    model = _model(
        "from openai import OpenAI\n\n"
        "def ask():\n    return c8.chat.completions.create(model='gpt-4o', messages=[])\n\n"
        f"c0 = OpenAI()\n{aliases}"
    )
    assert [client.origin for client in model.clients] == ["constructor"]
