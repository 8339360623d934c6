"""The fast LibCST implementation gives what the stock one gives: the same output, byte for byte,
and the same findings, positions and text edits included (glm_migrate/cst/).

Every fixture, every rule's VALID and INVALID examples and the property tests' generated modules
run through both. A LibCST version joins `TESTED_LIBCST` only once this passes on it (.ci/run
runs it on the oldest version supported too).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import libcst
import pytest
from clirunner import FIXTURE_CASES, FIXTURES, TARGET_CASES, fixture_settings
from hypothesis import given
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider
from test_cst_fast_positions import TRICKY
from test_properties import PROFILE, modules

from glm_migrate import cst as glm_cst
from glm_migrate.config import Settings
from glm_migrate.diagnostics import MigrationResult
from glm_migrate.engine import migrate_bytes, migrate_source
from glm_migrate.notebook import NotebookResult, migrate_notebook
from glm_migrate.rules import ALL_RULES
from glm_migrate.rules._base import Rule
from glm_migrate.tables import load_tables
from glm_migrate.testing import run_rule

Result = TypeVar("Result", MigrationResult, NotebookResult)


def _comparable(result: Result) -> Result:
    # `replaced` is the fast path's hint of where it spliced (None when the tree was transformed,
    # as stock always does); it makes diffs cheaper and changes nothing they show.
    return replace(result, replaced=None) if isinstance(result, MigrationResult) else result


def on_both(run: Callable[[], Result]) -> Result:
    """`run`'s result on the stock implementation, asserted equal to its result on the fast one."""
    with glm_cst.using("stock"):
        stock = run()
    with glm_cst.using("fast"):
        fast = run()
    assert _comparable(fast) == _comparable(stock)
    return stock


def _python_fixture(case: Path, settings: Settings) -> None:
    before = (case / "before.py").read_bytes()
    result = on_both(lambda: migrate_bytes(before, settings=settings, tables=load_tables()))
    output = result.output.encode(result.encoding)
    on_both(lambda: migrate_bytes(output, settings=settings, tables=load_tables()))


@pytest.mark.parametrize("name", FIXTURE_CASES)
def test_fixture(name: str) -> None:
    case = FIXTURES / name
    _python_fixture(case, fixture_settings(case))


@pytest.mark.parametrize(("name", "target"), TARGET_CASES, ids=[f"{c}@{t}" for c, t in TARGET_CASES])
def test_fixture_for_target(name: str, target: str) -> None:
    case = FIXTURES / name
    _python_fixture(case, fixture_settings(case, target))


@pytest.mark.parametrize("case", sorted(path.parent for path in FIXTURES.glob("*/before.ipynb")), ids=str)
def test_notebook_fixture(case: Path) -> None:
    before = (case / "before.ipynb").read_bytes()
    on_both(lambda: migrate_notebook(before, settings=Settings(), tables=load_tables()))


EXAMPLES = [
    pytest.param(rule, example.code, example.settings, id=f"{rule.CODE}-{kind}-{index}")
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "code", "settings"), EXAMPLES)
def test_rule_example(rule: type[Rule], code: str, settings: dict[str, object] | None) -> None:
    on_both(lambda: run_rule(rule, code, settings))
    on_both(lambda: run_rule(rule, code, settings, unsafe=False))


@PROFILE
@given(modules())
def test_generated_module(source: str) -> None:
    for settings in (Settings(unsafe_fixes=True), Settings()):
        on_both(functools.partial(migrate_source, source, settings=settings, tables=load_tables()))


@PROFILE
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_text(text: str) -> None:
    on_both(lambda: migrate_source(f"import openai\n{text}", settings=Settings(), tables=load_tables()))


def _position_sources() -> list[tuple[str, str]]:
    return [(name, text) for name, text in TRICKY.items()] + [
        (str(path.relative_to(FIXTURES)), path.read_bytes().decode("utf-8", errors="replace"))
        for path in sorted(FIXTURES.rglob("*.py"))
        if not path.read_bytes().startswith(b"\xef\xbb\xbf")
    ]


@pytest.mark.parametrize(("name", "source"), _position_sources(), ids=[name for name, _ in _position_sources()])
def test_positions_of_every_walked_node(name: str, source: str) -> None:
    """Fast positions, of each node the walk reaches alone and of samples together (the edited
    half of each also placed), are LibCST's PositionProvider's."""
    try:
        module = libcst.parse_module(source)
    except libcst.ParserSyntaxError:
        pytest.skip("not Python")
    fast = glm_cst.load("fast")
    parents: dict[libcst.CSTNode, libcst.CSTNode] = {}
    fast.walk(module, libcst.CSTVisitor(), parents)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = list(parents)
    rng = random.Random(name)
    for targets in [[node] for node in nodes] + [rng.sample(nodes, min(len(nodes), 12)) for _ in range(5)]:
        edited = targets[: len(targets) // 2 + 1]
        positions, _, _ = fast.record_positions(module, source, targets, edited, parents)
        for node in targets:
            assert positions[node] == expected[node], (type(node).__name__, module.code_for_node(node))


def test_both_implementations_are_the_ones_compared() -> None:
    """`using` really switches: fast splices the new model id into the text, stock transforms the tree."""
    source = (
        "from openai import OpenAI\n"
        "client = OpenAI(base_url='https://api.z.ai/api/paas/v4/', api_key=key)\n"
        "client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    with glm_cst.using("stock"):
        stock = migrate_source(source, settings=Settings(), tables=load_tables())
        assert glm_cst.implementation_name() == "stock"
    with glm_cst.using("fast"):
        fast = migrate_source(source, settings=Settings(), tables=load_tables())
        assert glm_cst.implementation_name() == "fast"
    assert stock.changed and stock.replaced is None and fast.replaced is not None
