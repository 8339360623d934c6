from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import short_code
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._helpers import code_of, replace_string, replace_with
from glm_migrate.rules.model_setting import another_providers_class, names_a_tokenizer, settings_in
from glm_migrate.semantic import Target, string_value
from glm_migrate.summary import imported_roots
from glm_migrate.tables import split_provider

#: literal tables and what holds their items
_TABLES = (cst.Dict, cst.List, cst.Tuple, cst.Set)
_ITEMS = (cst.DictElement, cst.Element)


class ModelIdAsData(Rule):
    """
    ## What it does
    Reports OpenAI model ids that do not reach an API call's `model=`: list membership tests,
    price or context-size tables keyed by model, tokenizer lookups and settings named for one
    (`tiktoken_model_name`), provider-prefixed ids (`openai/gpt-4o`), ids whose every reader is
    in view and only reads them as data (GLM108 tells them from model settings), and model-name
    tests such as `model.startswith("gpt-")`. An id sent as `model=` through a client this module
    neither builds nor imports (`def ask(client): client.chat.completions.create(model="gpt-4o")`
    in a module importing no SDK) is a request whose server is not in view: a warning.

    ## Why is this bad?
    Once the calls use GLM ids, code that compares against or looks up OpenAI ids takes other
    branches (`if model in ["gpt-4o", ...]`) or fails (`tiktoken.encoding_for_model`).

    ## Example
    ```python
    if model in ("gpt-4o", "gpt-4o-mini"):
        ...
    ```
    Decide what the check means for GLM models and update it by hand.

    One finding covers each literal table or list (`{"gpt-4o": 5.0, "gpt-4o-mini": 0.6}` is one
    finding that counts its ids), however deeply the ids sit in it.

    ## Fix safety
    No fix: rewriting data would change behaviour silently. A note: the text report lists it
    only with `--show-advice` (the summary counts it), and it never fails a run. A model-name
    test (`startswith("gpt-")`) is a warning: migrated ids take the other branch. A test for a
    prefix of GLM ids (`startswith("glm-")`) stays a note: migrated ids pass it, as GLM's did.
    So is a test's expectation of the model a mocked API call was sent
    (`create.assert_called_once_with(model="gpt-4o", ...)`, `create.call_args.kwargs["model"] ==
    "gpt-4o"`, also through a name given the mock's `call_args`): it fails once the code's id is
    migrated. It is not rewritten: which id of the code
    it mirrors, and whether that one moves in the same run, is not known here, unless the project
    index says every fix of the run about that id is applied and makes the same GLM id of it:
    then the expectation gets that id by a safe fix, so the migrated code keeps its tests. A
    test's expectation of a value it imports from the code (`assert settings.model ==
    "gpt-4o-mini"`, `assertEqual(MODEL, "gpt-4o-mini")`) is treated the same way.
    """

    CODE = "GLM103"
    NAME = "model-id-as-data"
    SUMMARY = "OpenAI model id used as data, not as a request's model"
    SEVERITY = Severity.NOTE

    VALID = (
        Valid('from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])'),
        Valid('MODEL_PATH = "THUDM/GLM-4-9B-0414"'),  # a Hugging Face id, not an OpenAI one
        Valid('import openai\nROUTED = "openrouter/openai/gpt-4o"'),  # another router's id: its provider decides
        Valid(  # prose that mentions ids is not a table of them
            'import openai\nSYSTEM = "You compare gpt-4o and gpt-4o-mini answers and say which one is better, briefly."'
        ),
    )
    INVALID = (
        Invalid('import openai\nPRICES = {"gpt-4o": 5.0}'),
        Invalid(
            'import openai\nPRICES = {"chat": {"gpt-4o": 5.0, "gpt-4o-mini": 0.6}, "embed": ["text-embedding-3-small"]}'
        ),
        Invalid('import tiktoken\nenc = tiktoken.encoding_for_model("gpt-3.5-turbo")'),
        Invalid(  # through a wrapper's constructor and attribute
            "import tiktoken\nclass Counter:\n    def __init__(self, model):\n        self.model = model\n"
            "    def count(self, text):\n        return len(tiktoken.encoding_for_model(self.model).encode(text))\n"
            'counter = Counter("gpt-3.5-turbo")'
        ),
        Invalid('import os\nMODEL_NAME = os.getenv("GITHUB_MODEL", "openai/gpt-4o")  # openai'),
        Invalid('import openai\nclass RagConfig:\n    tiktoken_model_name: str = "gpt-4o"'),  # a tokenizer's setting
        Invalid(  # a local variable only another vendor's call reads: as the id written inline there
            'import openai\nfrom othervendor import Session\ndef start():\n    model = "gpt-4.1-mini"\n    return Session(model=model)'
        ),
        Invalid('import openai\nchat = model.lower().startswith("gpt-")'),
        Invalid('import openai\nLIMITS = {"gpt-6.1-sol": 400_000}'),  # an id of the chat family
        Invalid(
            'import openai\nreasoning = model.startswith(("o1-", "o3-", "local-"))'
        ),  # one finding per model prefix
        Invalid('import openai\nzhipu = model.startswith("glm-")'),  # migrated ids now pass it: a note
        Invalid(  # a request through a client a caller passes, in a module importing no SDK: a warning
            'def ask(client, q):\n    return client.chat.completions.create(model="gpt-4o", messages=q)'
        ),
        Invalid(  # a test's expectation of a mocked request's model: a warning, it fails once the id moves
            "from unittest import mock\nclient = mock.Mock()\n"
            'client.chat.completions.create.assert_called_once_with(model="gpt-4o", messages=[])\n'
            'assert client.chat.completions.create.call_args.kwargs["model"] == "gpt-4o"'
        ),
    )

    def _glm_of(self, value: str) -> str:
        match = self.tables.match_model(split_provider(value)[1])
        return f"`{match.glm}`" if match is not None and match.glm else "a GLM id"

    def _expected_request_model(self, literal: cst.SimpleString) -> str | None:
        """The API method (`chat.completions.create`) of a mock whose call a test checks was given
        `literal` as its model: `create.assert_called_once_with(model="gpt-4o", ...)` or
        `create.call_args.kwargs["model"] == "gpt-4o"`."""
        parents = self.model.parents
        parent = parents.get(literal)
        if isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "model":
            call = parents.get(parent)
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
                if call.func.attr.value.startswith(
                    ("assert_called", "assert_any_call", "assert_awaited", "assert_any_await")
                ):
                    method = self._api_method(call.func.value)
                    if method is None and self.model.is_test_module:
                        # a mock of the code's own function that takes the model on to a request
                        # (`mocker.patch("app.chat.api_request")` ... `(model="gpt-4o", ...)`)
                        return short_code(call.func.value)
                    return method
            return None
        comparison = parents.get(parent) if isinstance(parent, cst.ComparisonTarget) else parent
        if not isinstance(comparison, cst.Comparison):
            return None
        for side in (comparison.left, *(target.comparator for target in comparison.comparisons)):
            if not isinstance(side, cst.Subscript):
                continue
            arguments = self._call_args(side.value)
            if arguments is not None:
                index = side.slice[0].slice if len(side.slice) == 1 else None
                key = index.value if isinstance(index, cst.Index) else None
                if isinstance(key, cst.SimpleString) and string_value(key) == "model":
                    return self._api_method(arguments)
        return None

    def _expected_setting(self, literal: cst.SimpleString) -> str | None:
        """In a test, the code of a value imported from another module that the test expects to
        be `literal` (`assert settings.text_model == "gpt-4o-mini"`, `assertEqual(MODEL, ...)`):
        the code's setting, which fails the test once it moves alone."""
        if not self.model.is_test_module:
            return None
        parents = self.model.parents
        parent = parents.get(literal)
        others: list[cst.BaseExpression] = []
        if isinstance(parent, cst.Arg) and parent.keyword is None:
            call = parents.get(parent)
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in ("assertEqual", "assertEquals", "assertNotEqual")
            ):
                others = [arg.value for arg in call.args[:2] if arg is not parent]
        else:
            comparison = parents.get(parent) if isinstance(parent, cst.ComparisonTarget) else parent
            if isinstance(comparison, cst.Comparison) and len(comparison.comparisons) == 1:
                target = comparison.comparisons[0]
                if isinstance(target.operator, cst.Equal | cst.NotEqual):
                    others = [comparison.left, target.comparator]
        for other in others:
            if other is literal or type(other) not in (cst.Name, cst.Attribute):
                continue
            scope = self.model.scope_of(other)
            roots = list(imported_roots(self.model, other, scope, 0))
            if roots and not any(root.partition(".")[0] in ("openai", "os", "unittest") for root, _ in roots):
                return code_of(other)
        return None

    def _expected_result_model(self, literal: cst.SimpleString, value: str) -> str | None:
        """In a test, `out.model` that the test expects to be `literal` (`assert out.model ==
        "gpt-3.5-turbo"`), `out` given what a call of the code under test returns: the model
        the code reports, most often the id it sent (or its default, where a fake reply has none),
        which fails the test once the code's id moves alone. Not where the test writes the id
        again (a fake reply's `model=` it merely echoes back)."""
        if not self.model.is_test_module:
            return None
        parent = self.model.parents.get(literal)
        comparison = self.model.parents.get(parent) if isinstance(parent, cst.ComparisonTarget) else parent
        if not isinstance(comparison, cst.Comparison) or len(comparison.comparisons) != 1:
            return None
        if not isinstance(comparison.comparisons[0].operator, cst.Equal | cst.NotEqual):
            return None
        other = comparison.left if comparison.left is not literal else comparison.comparisons[0].comparator
        if not (isinstance(other, cst.Attribute) and other.attr.value == "model" and isinstance(other.value, cst.Name)):
            return None
        bindings = self.model.lookup(other.value.value, self.model.scope_of(other))
        returned = [b.value for b in bindings]
        if not returned or not all(isinstance(v, cst.Call | cst.Await) for v in returned):
            return None
        if "mock" in "".join(code_of(v).lower() for v in returned if v is not None):
            return None  # `MagicMock(model=...)`: the test's own stand-in
        written = [lit for lit, _ in self.model.string_literals if string_value(lit) == value]
        return code_of(other) if len(written) == 1 else None

    def _call_args(self, expr: cst.BaseExpression) -> cst.BaseExpression | None:
        """The expression reading a mock's `call_args` that `expr` is, or that the name `expr`
        was given (`kwargs = create.call_args.kwargs`, `_, kwargs = create.call_args`)."""
        if "call_args" in code_of(expr):
            return expr
        if type(expr) is not cst.Name:
            return None
        for binding in self.model.lookup(expr.value, self.model.scope_of(expr)):
            value = binding.unpacked[0] if binding.unpacked is not None else binding.value
            if value is not None and "call_args" in code_of(value):
                return value
        return None

    def _request_of_unknown_client(self, literal: cst.SimpleString) -> tuple[str, str] | None:
        """(`client.chat.completions.create`, its API method "chat.completions.create") when
        `literal` is the `model=` it is given, and `client` is no client of this module's (a
        parameter a caller fills, in a module that imports no SDK): a request, not data, though
        its server is not in view."""
        arg = self.model.parents.get(literal)
        if not (isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value == "model"):
            return None
        call = self.model.parents.get(arg)
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
            return None
        method = self._api_method(call.func)
        return (code_of(call.func), method) if method is not None else None

    def _api_method(self, expr: cst.BaseExpression) -> str | None:
        """`chat.completions.create` of `mock_client.chat.completions.create(.call_args.kwargs)`."""
        parts: list[str] = []
        while isinstance(expr, cst.Attribute):
            parts.append(expr.attr.value)
            expr = expr.value
        path = self.tables.sdk.normalise_path(parts[::-1])
        client = self.tables.signatures.clients.get("openai.OpenAI")
        methods = sorted(client.methods, key=len, reverse=True) if client is not None else []
        for method in methods:
            wanted = tuple(method.split("."))
            for start in range(len(path) - len(wanted) + 1):
                if path[start : start + len(wanted)] == wanted:
                    return method
        return None

    def on_module_end(self) -> None:
        tested = self._prefix_tests()
        # Literals a call sends are models, unless the call's client may or may not be OpenAI's
        # (a host switch): then which provider gets them is a run-time matter worth a look.
        sent = {
            literal
            for call in self.model.api_calls
            if call.migratable or all(c.target is Target.OTHER for c in call.clients)
            for literal in self.model.model_literals(call)[0]
        }
        found: dict[cst.CSTNode, list[tuple[cst.SimpleString, str, str]]] = {}
        for literal, _ in self.model.string_literals:
            if literal in sent or self.claimed(literal) or literal in tested:
                continue
            value = string_value(literal)
            if value is None or len(value) > 64:
                continue
            # "openai/gpt-4o" (GitHub Models, LiteLLM, gateways) and "openai:gpt-4o" (LangChain,
            # PydanticAI) name the same model behind a provider.
            provider, model_id = split_provider(value)
            match = self.tables.match_model(model_id)
            # ids without a GLM counterpart stay what they are: tests of them still hold
            if match is None or not match.glm:
                continue
            if provider in ("", "openai", "azure"):
                found.setdefault(self._table_of(literal) or literal, []).append((literal, value, match.label))
        settings: dict[cst.SimpleString, str] | None = None
        for holder, literals in found.items():
            if len(literals) == 1:
                literal, value, label = literals[0]
                what = f"Provider-prefixed model id `{value}`" if split_provider(value)[0] else f"Model id `{value}`"
                if literal in self.model.tokenizer_literals:
                    self.report(
                        literal,
                        f"{what}{label} picks a tiktoken tokenizer (`encoding_for_model`), which raises KeyError for "
                        "GLM ids: keep it, knowing GLM counts tokens differently",
                    )
                    continue
                if settings is None:
                    settings = self._held_settings()
                if literal in settings:
                    self.report(literal, f"{what}{label} {settings[literal]}")
                    continue
                # a test's expectation of the model a mocked API call was given, or of a setting of
                # the code: it fails once the code's id is migrated, so it is worth more than a note
                expected = self._expected_request_model(literal)
                setting = self._expected_setting(literal) if expected is None else None
                setting = setting or (self._expected_result_model(literal, value) if expected is None else None)
                if expected is not None or setting is not None:
                    held = f"the mocked `{expected}` to be sent" if expected is not None else f"`{setting}` to hold"
                    written = "sends" if expected is not None else "writes"
                    self._report_expectation(literal, value, f"{what}{label} is what a test expects {held}", written)
                    continue
                request = self._request_of_unknown_client(literal)
                if request is not None:
                    code, method = request
                    lacking = self.tables.unavailable_advice(tuple(method.split(".")))
                    then = (
                        f"change it to {self._glm_of(value)} with it"
                        if lacking is None
                        # `audio.translations`: no GLM-4.6 counterpart the id could follow the client to
                        else f"`{lacking[0]}` has no GLM-4.6 equivalent ({lacking[1]}): rewrite the call by hand"
                    )
                    self.report(
                        literal,
                        f"{what}{label} is sent by `{code}(...)`, whose client this module neither builds nor "
                        f"imports: where that client moves to Z.AI, {then}",
                        severity=Severity.WARNING,
                    )
                    continue
                self.report(literal, f"{what}{label} used as data: check it still holds for GLM models")
                continue
            ids = list(dict.fromkeys(value for _, value, _ in literals))
            shown = ", ".join(f"`{i}`" for i in ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            kind = type(holder).__name__.lower()
            # older GLM ids among them (`glm-4-plus`, `embedding-2`): named like those the migration writes
            glm = any("-" in i and self.tables.writes_model_prefix(i.partition("-")[0] + "-") for i in ids)
            whose = "model ids" if glm else "OpenAI model ids"
            self.report(
                holder,
                f"{len(literals)} {whose} ({shown}) used as data in this {kind}: check they hold for GLM models",
            )

    def _report_expectation(self, literal: cst.SimpleString, value: str, expects: str, written: str) -> None:
        """A test's expected id (`expects` says of what): fixed where every fix of the run about the
        id makes the same GLM id of it (the project index), else a warning to change it by hand."""
        moved = self.model.facts.moved_ids.get(value)
        if not moved:
            message = f"{expects}: where the code's id becomes {self._glm_of(value)}, change this expectation with it"
            self.report(literal, message, severity=Severity.WARNING)
            return
        self.report(
            literal,
            f"{expects}, and the run replaces it with `{moved}` wherever the code {written} it",
            fix=Fix(
                ((literal, replace_with(replace_string(literal, moved))),),
                f"Expect `{moved}`",
                applicability=Applicability.SAFE,
            ),
            severity=Severity.WARNING,
        )

    def _held_settings(self) -> dict[cst.SimpleString, str]:
        """What GLM108 leaves of model settings, by literal, with why: settings named for a
        tokenizer (`tiktoken_model_name = "gpt-4o"`), and those of a class named for another
        provider beside OpenAI's (`LinkAIProvider.DEFAULT_MODEL` next to `OpenAIProvider`)."""
        found: dict[cst.SimpleString, str] = {}
        for name, expression, scope, origin in settings_in(self.model):
            if names_a_tokenizer(name.rpartition(".")[2].lstrip("-")):
                why = (
                    f"in `{name}`, a tokenizer's setting: tiktoken's `encoding_for_model` raises KeyError for GLM "
                    "ids: keep it, knowing GLM counts tokens differently"
                )
            elif origin is not None and (sibling := another_providers_class(self.model, scope)) is not None:
                klass = scope.enclosing_class()
                owner = klass.node.name.value if klass is not None and type(klass.node) is cst.ClassDef else "its class"
                why = (
                    f"in `{name}` of `{owner}`, named for another provider beside `{sibling}`: that provider's id, "
                    "which stays with it"
                )
            else:
                continue
            for literal in self.model.resolve_strings(expression, scope)[0]:
                found.setdefault(literal, why)
        return found

    def _table_of(self, literal: cst.CSTNode) -> cst.CSTNode | None:
        """The outermost dict, list, tuple or set literal holding `literal` through items alone."""
        table = None
        current = literal
        while True:
            item = self.model.parents.get(current)
            holder = self.model.parents.get(item) if item is not None else None
            if not isinstance(item, _ITEMS) or not isinstance(holder, _TABLES):
                return table
            table = current = holder

    def _prefix_tests(self) -> set[cst.CSTNode]:
        """`model.startswith("gpt-")`: once ids are GLM's, such a test takes the other branch.

        Returns the literals reported, which the general data check then skips."""
        reported: set[cst.CSTNode] = set()
        for call, _ in self.model.calls:
            func = call.func
            if not (type(func) is cst.Attribute and func.attr.value in ("startswith", "endswith") and call.args):
                continue
            literals = [call.args[0].value]
            if isinstance(call.args[0].value, cst.Tuple):
                literals = [element.value for element in call.args[0].value.elements]
            for literal in literals:
                if self.claimed(literal):
                    continue  # GLM101 reported the test with the id that flows through it
                prefix = string_value(literal)
                if not (prefix and len(prefix) >= 3 and self.tables.names_model_prefix(prefix)):
                    continue
                test = f"Model-name test `{func.attr.value}({prefix!r})`"
                if func.attr.value == "startswith" and self.tables.writes_model_prefix(prefix):
                    # `startswith("glm-")`: GLM ids pass it, the migrated ones too; what changes
                    # is that ids moved from OpenAI's now take this branch, as GLM's already did
                    message = (
                        f"{test}: ids migrated from OpenAI's are GLM's and now take this branch: check it suits them"
                    )
                    self.report(literal, message)
                else:
                    message = f"{test}: migrated ids are GLM's, so it now takes the other branch"
                    self.report(literal, message, severity=Severity.WARNING)
                reported.add(literal)
        return reported
