"""Scopes and bindings (glm_migrate/semantic/scopes.py, filled by the model's walk): which binding a
name or a `self.x` attribute refers to from a scope, and what the walk records along the way."""

from __future__ import annotations

from textwrap import dedent

import libcst as cst

from glm_migrate.semantic import Scope, SemanticModel
from glm_migrate.tables import load_tables


def _model(source: str) -> SemanticModel:
    return SemanticModel.build(cst.parse_module(dedent(source)), load_tables())


def _scope(model: SemanticModel, name: str) -> Scope:
    """The scope of the function or class called `name`."""
    return next(
        s for s in model.scopes if isinstance(s.node, cst.FunctionDef | cst.ClassDef) and s.node.name.value == name
    )


def _values(model: SemanticModel, name: str, scope: Scope) -> list[str]:
    """The code of every value `name` is bound to, as seen from `scope` (None for no value)."""
    return [model.module.code_for_node(b.value) if b.value else "None" for b in model.lookup(name, scope)]


def test_the_walk_records_one_scope_per_class_function_and_lambda() -> None:
    model = _model(
        """
        class Chat:
            def ask(self):
                return lambda text: text
        """
    )
    assert [s.kind for s in model.scopes] == ["module", "class", "function", "function"]
    ask = _scope(model, "ask")
    assert ask.parent is _scope(model, "Chat")
    assert ask.enclosing_class() is _scope(model, "Chat")
    assert model.module_scope.enclosing_class() is None
    assert [type(r) for r in ask.returns] == [cst.Lambda]


def test_a_local_name_shadows_the_module_one_and_class_scopes_are_skipped() -> None:
    model = _model(
        """
        MODEL = "gpt-4o"
        class Chat:
            MODEL = "gpt-4o-mini"
            def ask(self):
                return MODEL
        def local():
            MODEL = "o3"
            return MODEL
        """
    )
    # Python's rule: a method does not see its class's names unqualified.
    assert _values(model, "MODEL", _scope(model, "ask")) == ['"gpt-4o"']
    assert _values(model, "MODEL", _scope(model, "Chat")) == ['"gpt-4o-mini"']
    assert _values(model, "MODEL", _scope(model, "local")) == ['"o3"']
    assert model.owner("MODEL", _scope(model, "local")) is _scope(model, "local")
    assert model.lookup("missing", model.module_scope) == []


def test_every_assignment_of_a_name_counts() -> None:
    model = _model(
        """
        import os
        if os.environ.get("CHEAP"):
            MODEL = "gpt-4o-mini"
        else:
            MODEL = "gpt-4o"
        MODEL += ""
        """
    )
    assert _values(model, "MODEL", model.module_scope) == ['"gpt-4o-mini"', '"gpt-4o"', "None"]


def test_parameters_bind_in_the_function_with_their_default_and_annotation() -> None:
    model = _model(
        """
        from openai import OpenAI
        def ask(client: OpenAI, model="gpt-4o", *args, **kwargs):
            pass
        """
    )
    ask = _scope(model, "ask")
    (client,) = model.lookup("client", ask)
    assert isinstance(client.target, cst.Param) and client.value is None
    assert client.annotation is not None and model.module.code_for_node(client.annotation) == "OpenAI"
    assert _values(model, "model", ask) == ['"gpt-4o"']
    assert model.lookup("model", model.module_scope) == [], "a parameter is the function's own"
    assert {"args", "kwargs"} <= set(ask.bindings)


def test_imports_bind_their_qualified_names() -> None:
    model = _model(
        """
        import openai as oa
        import os.path
        from openai import OpenAI as Client
        from .clients import shared
        from helpers import *
        import requests
        """
    )
    qualified = {name: [b.qualified for b in bindings] for name, bindings in model.module_scope.bindings.items()}
    assert qualified == {
        "oa": ["openai"],
        "os": ["os"],
        "Client": ["openai.OpenAI"],
        "shared": [".clients.shared"],
        "requests": ["requests"],
    }
    assert model.star_imports == ["helpers"]
    assert model.imported_sdks == {"openai"}


def test_module_level_import_openai_lines_are_recorded() -> None:
    model = _model(
        """
        import openai
        def f():
            import openai
        """
    )
    assert len(model.openai_import_lines) == 1


def test_unpacking_loops_with_and_walrus_bind_names() -> None:
    model = _model(
        """
        from openai import OpenAI
        a, (b, *rest) = pair
        for item in items:
            pass
        with OpenAI() as client:
            pass
        if (n := len(items)):
            pass
        try:
            pass
        except ValueError as error:
            pass
        """
    )
    scope = model.module_scope
    for name in ("a", "b", "rest", "item", "error"):
        assert _values(model, name, scope) == ["None"], name
    assert _values(model, "client", scope) == ["OpenAI()"], "`with X() as c` binds X() itself"
    assert _values(model, "n", scope) == ["len(items)"]


def test_self_attributes_bind_per_class_and_its_family() -> None:
    model = _model(
        """
        from openai import OpenAI
        class Base:
            def __init__(self):
                self.client = OpenAI()
        class Chat(Base):
            def ask(self):
                return self.client
        class Other:
            def ask(self):
                return self.client
        """
    )
    chat = model.attribute_lookup("self.client", _scope(model, "ask"))
    assert [model.module.code_for_node(b.value) for b in chat if b.value] == ["OpenAI()"]
    other = next(s for s in model.scopes if s.kind == "function" and s.parent is _scope(model, "Other"))
    assert model.attribute_lookup("self.client", other) == [], "an unrelated class has its own attributes"


def test_class_level_fields_are_instance_attributes() -> None:
    model = _model(
        """
        class Settings:
            model = "gpt-4o"
            def ask(self):
                return self.model
        """
    )
    bindings = model.attribute_lookup("self.model", _scope(model, "ask"))
    assert [model.module.code_for_node(b.value) for b in bindings if b.value] == ['"gpt-4o"']


def test_dotted_attributes_outside_classes_are_module_wide() -> None:
    model = _model(
        """
        import types
        config = types.SimpleNamespace()
        config.model = "gpt-4o"
        def ask():
            return config.model
        """
    )
    bindings = model.attribute_lookup("config.model", _scope(model, "ask"))
    assert [model.module.code_for_node(b.value) for b in bindings if b.value] == ['"gpt-4o"']


def test_uses_of_a_name_are_reads_not_attribute_or_keyword_names() -> None:
    model = _model(
        """
        model = "gpt-4o"
        def ask(client):
            client.model
            client.create(model=model)
            return model
        """
    )
    ask = _scope(model, "ask")
    uses = model.uses_of("model", ask)
    assert len(uses) == 2, "the value of `model=` and the return, not `.model` or the keyword"
    assert len(model.uses_of("model", model.module_scope)) == 3, "the module's view includes the assignment"


def test_string_literals_and_the_names_they_are_assigned_to() -> None:
    model = _model(
        """
        import tiktoken
        MODEL = "gpt-4o"
        tiktoken.encoding_for_model(MODEL)
        """
    )
    (literal, scope) = next((s, sc) for s, sc in model.string_literals if s.value == '"gpt-4o"')
    assert scope is model.module_scope
    assert model.assigned_names[literal] == "MODEL"
    assert model.tokenizer_names == {"MODEL"}
    assert model.tokenizer_literals == {literal}


def test_ids_reaching_a_tokenizer_through_a_wrapper_class() -> None:
    model = _model(
        """
        from tiktoken import encoding_for_model
        class Counter:
            def __init__(self, model):
                self.model = model
            @staticmethod
            def encoder(model):
                return encoding_for_model(model)
            def count(self, text):
                return len(self.encoder(self.model).encode(text))
        counter = Counter("gpt-4")
        other = "gpt-4o"
        """
    )
    assert {literal.value for literal in model.tokenizer_literals} == {'"gpt-4"'}


def test_a_decorator_runs_in_the_scope_of_its_statement() -> None:
    # `@lib.complex(model=..., client=client)` runs where the `def` does: its call, and a name it
    # is given, belong to the module (or the class body), not to the decorated function
    model = _model(
        """
        client = make()

        @lib.complex(client=client)
        def review(client):
            return client

        class Reviewer:
            @lib.simple(client=client)
            def headline(self):
                pass
        """
    )
    decorators = [(call, scope) for call, scope in model.calls if model.module.code_for_node(call.func) != "make"]
    assert [scope.kind for _, scope in decorators] == ["module", "class"]
    for call, scope in decorators:
        assert model.scope_of(call) is scope
        assert _values(model, "client", scope) == ["make()"]
