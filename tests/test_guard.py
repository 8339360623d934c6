"""The fix guard: a fix that could make an SDK call raise TypeError is demoted to manual."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import libcst as cst
import pytest
from clirunner import FIXTURES, ROOT

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability, Diagnostic
from glm_migrate.engine import migrate_source
from glm_migrate.guard import MAY_REPEAT, MISSING, POSITIONAL, TWICE, UNKNOWN, CallShape, Splat, bind
from glm_migrate.rules import ALL_RULES
from glm_migrate.rules._base import Fix, Rule
from glm_migrate.rules._helpers import add_dict_entry, add_kwarg, remove_kwargs
from glm_migrate.semantic import ApiCall, Client
from glm_migrate.tables import Signature, load_tables

DEMOTED = "not fixed automatically"

CLIENT = Signature(
    positional=(),
    keyword=frozenset({"api_key", "base_url", "timeout"}),
    required=frozenset(),
    var_positional=False,
    var_keyword=False,
)
CREATE = Signature(
    positional=(),
    keyword=frozenset({"model", "messages", "temperature"}),
    required=frozenset({"model", "messages"}),
    var_positional=False,
    var_keyword=False,
)
POSITIONAL_ONE = Signature(("text",), frozenset({"text", "model"}), frozenset({"text"}), False, False)


def shape(*keywords: str, positional: int = 0, star: bool = False, splats: tuple[Splat, ...] = ()) -> CallShape:
    return CallShape(positional, star, keywords, splats)


# -- the binder ----------------------------------------------------------------------------------


def test_a_call_that_fits_binds() -> None:
    assert bind(shape("api_key", "base_url"), CLIENT) == set()
    assert bind(shape("model", "messages"), CREATE) == set()


def test_an_explicit_keyword_beside_a_splat_of_unknown_keys_may_repeat() -> None:
    problems = bind(shape("api_key", splats=(Splat("kwargs", None),)), CLIENT)
    assert problems == {(MAY_REPEAT, "api_key", "kwargs")}


def test_a_visible_splat_without_the_key_binds_and_with_it_repeats() -> None:
    assert bind(shape("api_key", splats=(Splat("kwargs", frozenset({"timeout"})),)), CLIENT) == set()
    assert bind(shape("api_key", splats=(Splat("kwargs", frozenset({"api_key"})),)), CLIENT) == {
        (TWICE, "api_key", "kwargs")
    }


def test_unknown_keywords_from_the_call_or_a_visible_splat() -> None:
    assert bind(shape("api_version"), CLIENT) == {(UNKNOWN, "api_version", "")}
    splat = Splat("azure_config", frozenset({"azure_endpoint"}))
    assert bind(shape(splats=(splat,)), CLIENT) == {(UNKNOWN, "azure_endpoint", "azure_config")}


def test_missing_required_unless_a_splat_or_star_args_could_supply_it() -> None:
    assert bind(shape("model"), CREATE) == {(MISSING, "messages", "")}
    assert bind(shape(splats=(Splat("request", None),)), CREATE) == set()
    assert bind(shape("model", star=True), CREATE) == set()
    assert bind(shape("model", splats=(Splat("request", frozenset({"messages"})),)), CREATE) == set()


def test_positional_arguments() -> None:
    assert bind(shape(positional=1), CLIENT) == {(POSITIONAL, "1", "0")}
    assert bind(shape(positional=1), POSITIONAL_ONE) == set()
    assert bind(shape("text", positional=1), POSITIONAL_ONE) == {(TWICE, "text", "")}
    # a name filled by position may also come from a splat of unknown keys
    assert bind(shape(positional=1, splats=(Splat("kw", None),)), POSITIONAL_ONE) == {(MAY_REPEAT, "text", "kw")}


def test_var_keyword_accepts_any_name() -> None:
    open_ended = Signature((), frozenset({"model"}), frozenset(), False, True)
    assert bind(shape("anything", "model"), open_ended) == set()


# -- the engine ------------------------------------------------------------------------------------
# The guard must hold whatever rules do, so these tests use rule doubles making the naive edits
# (the real rules have learned to avoid most of them).


def edit_rule(
    on_client: Callable[[Rule, Client], None] | None = None, on_api_call: Callable[[Rule, ApiCall], None] | None = None
) -> type[Rule]:
    class Edit(Rule):
        """
        ## What it does
        Test double: makes the edit the test gives it.

        ## Why is this bad?
        It shows what the fix guard does with edits of that shape.

        ## Example
        ```python
        OpenAI()
        ```

        ## Fix safety
        Whatever the test says.
        """

        CODE = "GLM998"
        NAME = "test-edit"
        SUMMARY = "Test double"
        FIX_TITLE = "Edit"

        def on_client(self, client: Client) -> None:
            if on_client is not None:
                on_client(self, client)

        def on_api_call(self, call: ApiCall) -> None:
            if on_api_call is not None:
                on_api_call(self, call)

    return Edit


def add_keyword(name: str, value: str, imports: tuple[str, ...] = ()) -> Callable[[Rule, Client], None]:
    """A double of the client rules before they knew about splats: `name=value` on every client."""

    def report(rule: Rule, client: Client) -> None:
        assert client.construction is not None
        edit = (client.construction, lambda node: add_kwarg(node, name, cst.parse_expression(value)))
        rule.report(client.construction, f"add {name}", fix=Fix((edit,), f"Pass `{name}=`", imports))

    return report


ADD_KEY = add_keyword("api_key", 'os.environ["ZAI_API_KEY"]', ("os",))


def migrate(
    source: str, *, unsafe: bool = False, rules: tuple[type[Rule], ...] | None = None
) -> tuple[str, list[Diagnostic]]:
    rules = rules or (edit_rule(on_client=ADD_KEY),)
    result = migrate_source(source, settings=Settings(unsafe_fixes=unsafe), tables=load_tables(), rules=rules)
    assert result.error is None, result.error
    return result.output, list(result.diagnostics)


def test_keywords_beside_a_splat_of_unknown_keys_are_not_added() -> None:
    source = "from openai import OpenAI\n\ndef make(settings):\n    return OpenAI(**settings)\n"
    for unsafe in (False, True):
        output, (key,) = migrate(source, unsafe=unsafe)
        assert output == source
        assert key.applicability is Applicability.MANUAL and not key.applied and key.fix_title is None
        assert key.message == (
            "add api_key; not fixed automatically: `**settings` may already hold `api_key`, and `api_key=` beside "
            'it would raise TypeError: set `settings["api_key"] = os.environ["ZAI_API_KEY"]` where `settings` is '
            "built instead"
        )


def test_a_visible_dict_decides() -> None:
    without = 'from openai import OpenAI\n\ndef make(t):\n    kwargs = {"timeout": t}\n    return OpenAI(**kwargs)\n'
    output, (finding,) = migrate(without)
    assert "OpenAI(**kwargs, api_key=" in output and finding.applied

    holding = 'from openai import OpenAI\n\ndef make(k):\n    kwargs = {"api_key": k}\n    return OpenAI(**kwargs)\n'
    output, (finding,) = migrate(holding)
    assert output == holding
    assert "`**kwargs` already holds `api_key`" in finding.message


@pytest.mark.parametrize(
    "building",
    [
        'kwargs = {}\n    kwargs["api_key"] = k',
        "kwargs = dict(api_key=k)",
        'kwargs = {}\n    kwargs.setdefault("api_key", k)',
        "kwargs = {}\n    kwargs.update(api_key=k)",
    ],
)
def test_keys_stored_after_the_literal_count(building: str) -> None:
    source = f"from openai import OpenAI\n\ndef make(k):\n    {building}\n    return OpenAI(**kwargs)\n"
    _, (finding,) = migrate(source)
    assert "already holds `api_key`" in finding.message


def test_a_mapping_used_in_other_ways_has_unknown_keys() -> None:
    source = (
        "from openai import OpenAI\n\ndef make(fill):\n    kwargs = {}\n    fill(kwargs)\n    return OpenAI(**kwargs)\n"
    )
    _, (finding,) = migrate(source)
    assert "may already hold `api_key`" in finding.message


@pytest.mark.parametrize(
    "building",
    [
        "kwargs = dict(timeout=t, **extra)",
        'kwargs = {"timeout": t, **extra}',
        'kwargs = {"timeout": t}\n    kwargs.update(extra)',
        'kwargs = {"timeout": t}\n    kwargs[name] = t',
    ],
)
def test_an_open_mapping_may_hold_any_key_it_does_not_list(building: str) -> None:
    """The rules read the keys such a mapping lists (`splats.SplatMapping.open`); to the guard
    it could still hold any other."""
    source = f"from openai import OpenAI\n\ndef make(t, name, extra):\n    {building}\n    return OpenAI(**kwargs)\n"
    for unsafe in (False, True):
        output, (finding,) = migrate(source, unsafe=unsafe)
        assert output == source and not finding.applied
        assert "`**kwargs` may already hold `api_key`" in finding.message


def test_the_real_rules_edit_the_listed_entries_of_an_open_mapping_in_place() -> None:
    source = (
        "import os\n\nfrom openai import OpenAI\n\n\ndef make(**extra):\n"
        '    kwargs = dict(api_key=os.environ["OPENAI_API_KEY"], base_url="https://api.openai.com/v1", **extra)\n'
        "    return OpenAI(**kwargs)\n"
    )
    output, findings = migrate(source, rules=ALL_RULES)
    assert {f.code for f in findings} == {"GLM001", "GLM002"} and all(f.applied for f in findings)
    assert "return OpenAI(**kwargs)\n" in output and '"ZAI_API_KEY"' in output and "api.z.ai" in output


def _naive_azure_swap(rule: Rule, client: Client) -> None:
    """A double of GLM008 before it knew about splats: the class swapped, a key added."""
    assert client.construction is not None

    def swap(node: cst.Call) -> cst.Call:
        node = add_kwarg(node, "api_key", cst.parse_expression('os.environ["ZAI_API_KEY"]'))
        return node.with_changes(func=cst.parse_expression("openai.AsyncOpenAI"))

    edit = (client.construction, swap)
    rule.report(client.construction, "swap", fix=Fix((edit,), "Swap", ("openai", "os")))


def test_an_azure_client_built_from_a_splat_is_not_converted() -> None:
    source = (
        "from openai import AsyncAzureOpenAI\n\ndef make(azure_config):\n    return AsyncAzureOpenAI(**azure_config)\n"
    )
    output, (finding,) = migrate(source, rules=(edit_rule(on_client=_naive_azure_swap),))
    assert output == source
    assert "`**azure_config` may hold `api_version`" in finding.message
    assert "`openai.AsyncOpenAI` does not take" in finding.message


def test_a_class_swap_with_visible_arguments_binds() -> None:
    source = "from openai import AsyncAzureOpenAI\n\nclient = AsyncAzureOpenAI(timeout=3)\n"
    output, (finding,) = migrate(source, rules=(edit_rule(on_client=_naive_azure_swap),))
    assert finding.applied and "openai.AsyncOpenAI(timeout=3, api_key=" in output


def test_a_new_callee_is_resolved_through_the_names_the_fix_imports() -> None:
    def swap_to_imported_name(rule: Rule, client: Client) -> None:
        assert client.construction is not None
        edit = (client.construction, lambda node: node.with_changes(func=cst.Name("OpenAI")))
        fix = Fix((edit,), "Swap", from_imports=(("openai", "OpenAI"),))
        rule.report(client.construction, "swap", fix=fix)

    source = "from openai import AzureOpenAI\n\nclient = AzureOpenAI(timeout=3, api_version='1')\n"
    output, (finding,) = migrate(source, rules=(edit_rule(on_client=swap_to_imported_name),))
    # `openai.OpenAI` is what the fix imports as `OpenAI`, and it takes no `api_version`
    assert output == source and "`OpenAI` takes no `api_version` argument" in finding.message


def test_a_call_already_broken_is_not_blamed_on_the_fix() -> None:
    source = "from openai import OpenAI\nclient = OpenAI(unknown_option=1)\n"
    output, (finding,) = migrate(source)
    assert "api_key=" in output and finding.applied


def test_the_status_does_not_depend_on_unsafe_fixes() -> None:
    source = "from openai import OpenAI\n\ndef make(kw):\n    return OpenAI(**kw)\n"
    safe = [(d.code, d.applicability, d.message) for d in migrate(source)[1]]
    unsafe = [(d.code, d.applicability, d.message) for d in migrate(source, unsafe=True)[1]]
    assert safe == unsafe


def test_the_real_rules_leave_every_rewritten_call_bindable() -> None:
    """Whatever the client rules decide on splatted clients, what they write binds."""
    pytest.importorskip("openai")
    checker = _checker()
    before = (FIXTURES / "splatted_clients_bind" / "before.py").read_text(encoding="utf-8")
    output, _ = migrate(before, rules=ALL_RULES)
    counts = checker.Counts()
    checker.check_file("splatted", before, output, [], _sdk(checker), counts)
    assert counts.failing == 0 and counts.bound >= 4, counts.details


def _splatted_dict(rule: Rule, client: Client) -> tuple[cst.Dict, cst.CSTNode]:
    """The dict literal `**kwargs` names, and the statement that binds it."""
    assert client.construction is not None
    splat = next(a for a in client.construction.args if a.star == "**")
    (mapping,) = rule.model.dict_literals(splat.value, client.scope) or []
    statement: cst.CSTNode = mapping
    while not isinstance(statement, cst.SimpleStatementLine):
        statement = rule.model.parents[statement]
    return mapping, statement


def _add_timeout_entry(rule: Rule, client: Client) -> None:
    mapping, _ = _splatted_dict(rule, client)
    edit = (mapping, lambda node: add_dict_entry(node, "timeout", cst.Integer("5")))
    rule.report(mapping, "add a timeout entry", fix=Fix((edit,), "Add"))


def _store_base_url(rule: Rule, client: Client) -> None:
    _, statement = _splatted_dict(rule, client)
    store = cst.parse_statement('kwargs["base_url"] = "https://example.test/"')
    edit = (statement, lambda node: cst.FlattenSentinel([node, store]))
    rule.report(statement, "store a base URL", fix=Fix((edit,), "Store"))


SPLATTED = (
    'from openai import OpenAI\n\ndef make():\n    kwargs = {"max_retries": 1}\n    return OpenAI(**kwargs, EXPLICIT)\n'
)


@pytest.mark.parametrize(
    ("edit", "explicit", "demoted"),
    [
        (_add_timeout_entry, "timeout=3", True),
        (_add_timeout_entry, "base_url=u", False),
        (_store_base_url, "base_url=u", True),
        (_store_base_url, "timeout=3", False),
    ],
)
def test_edits_of_the_splatted_mapping_are_bound(
    edit: Callable[[Rule, Client], None], explicit: str, demoted: bool
) -> None:
    source = SPLATTED.replace("EXPLICIT", explicit)
    output, diagnostics = migrate(source, rules=(edit_rule(on_client=edit),))
    (finding,) = diagnostics
    assert (DEMOTED in finding.message) is demoted
    assert (output == source) is demoted
    if demoted:
        assert "already holds" in finding.message


def test_a_mapping_edit_after_an_accepted_edit_of_the_call() -> None:
    """The second fix changes the call only through its splatted mapping."""

    def add_timeout_then_entry(rule: Rule, client: Client) -> None:
        assert client.construction is not None
        add = (client.construction, lambda node: add_kwarg(node, "timeout", cst.Integer("3")))
        rule.report(client.construction, "add timeout", fix=Fix((add,), "Add"))
        mapping, _ = _splatted_dict(rule, client)
        entry = (mapping, lambda node: add_dict_entry(node, "timeout", cst.Integer("5")))
        rule.report(mapping, "add a timeout entry", fix=Fix((entry,), "Add"))

    output, diagnostics = migrate(
        SPLATTED.replace(", EXPLICIT", ""), rules=(edit_rule(on_client=add_timeout_then_entry),)
    )
    assert "OpenAI(**kwargs, timeout=3)" in output and '"timeout"' not in output
    (entry, added) = sorted(diagnostics, key=lambda d: d.message)
    assert added.applied and "already holds `timeout`" in entry.message


def test_a_removed_required_argument_is_missed() -> None:
    def drop_messages(rule: Rule, call: ApiCall) -> None:
        edit = (call.node, lambda node: remove_kwargs(node, {"messages"}))
        rule.report(call.node, "drop messages", fix=Fix((edit,), "Drop"))

    source = 'from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(model="glm-4.6", messages=[])\n'
    output, (finding,) = migrate(source, rules=(edit_rule(on_api_call=drop_messages),))
    assert output == source
    assert "would lack `messages`, which `c.chat.completions.create` requires" in finding.message


def test_an_added_positional_argument() -> None:
    def add_positional(rule: Rule, client: Client) -> None:
        assert client.construction is not None
        edit = (client.construction, lambda node: node.with_changes(args=[cst.Arg(cst.Name("key")), *node.args]))
        rule.report(client.construction, "add a positional", fix=Fix((edit,), "Add"))

    source = "from openai import OpenAI\nc = OpenAI()\n"
    output, (finding,) = migrate(source, rules=(edit_rule(on_client=add_positional),))
    assert output == source and "1 positional arguments where `OpenAI` takes 0" in finding.message


def test_a_new_callee_without_a_known_signature_is_not_applied() -> None:
    def rename_method(rule: Rule, call: ApiCall) -> None:
        func = cst.parse_expression("c.chat.completions.creat")
        edit = (call.node, lambda node: node.with_changes(func=func))
        rule.report(call.node, "rename", fix=Fix((edit,), "Rename"))

    source = 'from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(model="m", messages=[])\n'
    output, (finding,) = migrate(source, rules=(edit_rule(on_api_call=rename_method),))
    assert output == source and "could not be checked" in finding.message


def test_two_fixes_that_each_fit_but_not_together() -> None:
    def add_timeout(rule: Rule, client: Client, value: str) -> None:
        assert client.construction is not None
        edit = (client.construction, lambda node: add_kwarg(node, "timeout", cst.Integer(value)))
        rule.report(client.construction, f"timeout {value}", fix=Fix((edit,), "Add"))

    source = "from openai import OpenAI\nc = OpenAI()\n"
    rule = edit_rule(on_client=lambda r, c: (add_timeout(r, c, "3"), add_timeout(r, c, "4")))
    output, (first, second) = migrate(source, rules=(rule,))
    assert output == "from openai import OpenAI\nc = OpenAI(timeout=3)\n"
    assert first.applied and DEMOTED in second.message


# -- every existing fixture's fixes bind -----------------------------------------------------------


def _fixture_cases() -> list[str]:
    return sorted(p.parent.name for p in FIXTURES.glob("*/before.py"))


@pytest.mark.parametrize("name", _fixture_cases())
def test_no_fixture_fix_is_demoted(name: str) -> None:
    """The rules' own fixes all bind: the guard demotes none of them."""
    assert DEMOTED not in (FIXTURES / name / "diagnostics.txt").read_text(encoding="utf-8")


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_realcode", ROOT / "scripts" / "check_realcode.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", _fixture_cases())
def test_every_rewritten_sdk_call_of_the_fixtures_binds_against_the_installed_sdk(name: str) -> None:
    """The independent check of scripts/check_realcode.py, on each fixture's before/after pair."""
    pytest.importorskip("openai")
    pytest.importorskip("zai")
    checker = _checker()
    before, after = (_text(FIXTURES / name / f"{which}.py") for which in ("before", "after"))
    counts = checker.Counts()
    checker.check_file(name, before, after, [], _sdk(checker), counts)
    assert counts.failing == 0 and counts.not_compiling == 0, counts.details


def _text(path: Path) -> str:
    with tokenize.open(path) as file:
        return file.read()


_SDKS: dict[str, object] = {}


def _sdk(checker: ModuleType) -> object:
    if "sdk" not in _SDKS:
        _SDKS["sdk"] = checker.Sdk()
    return _SDKS["sdk"]


# -- the signature table ---------------------------------------------------------------------------


def test_the_signature_table_covers_every_client_class_and_endpoint() -> None:
    tables = load_tables()
    signatures = tables.signatures
    assert set(tables.clients) <= set(signatures.clients)
    for name, client in signatures.clients.items():
        assert client.distribution in signatures.versions, name
        if name.startswith("openai."):
            for path in tables.sdk.endpoints:
                # zai-sdk's name for images.generate, and Zhipu's async-task chat, which OpenAI lacks
                if path not in (("images", "generations"), ("chat", "asyncCompletions", "create")):
                    assert ".".join(path) in client.methods, (name, path)
        for signature in (client.constructor, *client.methods.values()):
            assert signature.required <= signature.keyword | set(signature.positional)
    assert "chat.completions.create" in signatures.clients["zai.ZaiClient"].methods
    assert "chat.asyncCompletions.create" in signatures.clients["zhipuai.ZhipuAI"].methods


def test_the_signature_table_is_safe_for_the_installed_sdks() -> None:
    """The guard never accepts a call the installed SDKs reject. A newer SDK that only adds
    parameters leaves the table stale but safe (refresh with scripts/generate_signatures.py), so an
    SDK release does not fail CI; one that removes or newly requires a parameter does."""
    pytest.importorskip("openai")
    pytest.importorskip("zai")
    script = ROOT / "scripts" / "generate_signatures.py"
    run = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_signatures", ROOT / "scripts" / "generate_signatures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table(**create: object) -> dict[str, object]:
    signature = {"positional": [], "keyword": ["model", "temperature"], "required": ["model"]}
    signature |= {"var_positional": False, "var_keyword": False} | create
    constructor = {"positional": [], "keyword": ["api_key"], "required": [], "var_positional": False}
    constructor["var_keyword"] = False
    return {
        "clients": {"openai.OpenAI": {"constructor": "ctor", "methods": {"chat.completions.create": "create"}}},
        "signatures": {"ctor": constructor, "create": signature},
    }


@pytest.mark.parametrize(
    ("installed", "problem"),
    [
        (_table(keyword=["model", "temperature", "verbosity"]), None),
        (_table(keyword=["model"]), "openai.OpenAI.chat.completions.create: no longer takes temperature="),
        (_table(keyword=["model"], var_keyword=True), None),
        (_table(required=["model", "messages"]), "openai.OpenAI.chat.completions.create: now requires messages"),
        (_table(positional=["model"]), None),
    ],
    ids=["a-new-parameter", "a-removed-parameter", "removed-into-kwargs", "newly-required", "new-positional"],
)
def test_only_what_the_guard_would_wrongly_accept_is_an_incompatibility(
    installed: dict[str, object], problem: str | None
) -> None:
    found = _generator().incompatibilities(_table(), installed)
    assert found == ([problem] if problem else [])


def test_a_method_the_sdk_dropped_is_an_incompatibility() -> None:
    installed = _table()
    installed["clients"] = {"openai.OpenAI": {"constructor": "ctor", "methods": {}}}
    found = _generator().incompatibilities(_table(), installed)
    assert found == ["openai.OpenAI.chat.completions.create: no longer in the SDK"]


def test_the_generator_keeps_the_entries_of_an_sdk_that_is_not_installed(tmp_path: Path) -> None:
    pytest.importorskip("openai")
    script = ROOT / "scripts" / "generate_signatures.py"
    output = tmp_path / "signatures.toml"
    output.write_text((ROOT / "rules" / "signatures.toml").read_text(encoding="utf-8"), encoding="utf-8")
    # A module named zhipuai that cannot be imported stands for an SDK that is not installed.
    blocker = tmp_path / "block"
    (blocker / "zhipuai").mkdir(parents=True)
    (blocker / "zhipuai" / "__init__.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    run = subprocess.run(
        [sys.executable, str(script), "--output", str(output)], capture_output=True, text=True, timeout=120, env=env
    )
    assert run.returncode == 0, run.stderr
    assert "zhipuai is not installed; its recorded entry is kept" in run.stderr
    assert '[clients."zhipuai.ZhipuAI"]' in output.read_text(encoding="utf-8")
