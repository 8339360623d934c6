"""Positions from generating only the statements that need them equal the whole-module pass."""

from __future__ import annotations

import random

import libcst as cst
import pytest
from clirunner import FIXTURES

from glm_migrate.cst.fast.positions import record_positions
from glm_migrate.semantic import SemanticModel
from glm_migrate.tables import load_tables

TRICKY = {
    "elif_else": (
        "import os\n\nif os.name == 'nt':\n    x = call('gpt-4o')\n"
        "elif os.name == 'posix':  # comment\n    y = call(model='gpt-4')\nelse:\n    z = 3\n"
    ),
    "decorated": (
        "# leading comment\n\n@decorator(model='gpt-4o')\n# between\n@other\n"
        "def f(model: str = 'gpt-4o') -> None:\n    return client.create(model=model)\n"
    ),
    "no_trailing_newline": "def f():\n    return client.chat.completions.create(\n        model='gpt-4o'\n    )",
    "semicolons_and_suites": "a = 1; b = call('gpt-4')\nif a: c = call(temperature=2); d = 4\nwhile b: pass\n",
    "try_clauses": (
        "try:\n    r = create(model='gpt-4o')\nexcept (KeyError, openai.APIError) as e:\n    raise\n"
        "else:\n    s = 1\nfinally:\n    t = create(top_p=1)\n"
    ),
    "match": (
        "match kind:\n    case 'a':\n        x = create(model='gpt-4o')\n"
        "    case _:\n        from mod import thing\n        y = thing(1)\n"
    ),
    "nested_classes_tabs": (
        "class A:\n\tclass B:\n\t\tdef m(self, t=0.5):\n\t\t\treturn self.client.create(\n"
        "\t\t\t\tmodel='gpt-4o',\n\t\t\t)\n\n\n\tx = 1\n"
    ),
    "crlf_async_with": (
        "async def main():\r\n    async with AsyncOpenAI() as client:\r\n"
        "        async for chunk in await client.create(stream=True):\r\n            print(chunk)\r\n"
    ),
    "comments_after_blocks": (
        "def f():\n    x = 1\n    # trailing, indented\n# dedented comment\n\n\ndef g(m='gpt-4'):\n    pass\n"
        "for i in range(3):\n    pass\nelse:\n    y = create(model='gpt-4o')\n"
    ),
    "del_global_lambda": "def f():\n    global g\n    del g\n    h = lambda m='gpt-4o': m\n    return h\n",
    "repeated_statements": (
        "def a():\n    r = create(model='gpt-4o')\n    return r\n\n\n"
        "def b():\n    r = create(model='gpt-4o')\n    return r\n\n\n"
        "class C:\n    def a(self):\n        r = create(model='gpt-4o')\n        return r\n"
    ),
}


def _sources() -> list[tuple[str, str]]:
    found = [(name, text) for name, text in TRICKY.items()]
    for path in sorted(FIXTURES.rglob("*.py")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if not text.startswith("\ufeff"):
            found.append((str(path.relative_to(FIXTURES)), text))
    return found


def _walked_nodes(module: cst.Module, parents: dict[cst.CSTNode, cst.CSTNode]) -> list[cst.CSTNode]:
    nodes: list[cst.CSTNode] = []
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        for child in node.children:
            if child in parents:
                nodes.append(child)
            pending.append(child)
    return nodes


def _parsed(source: str) -> tuple[cst.Module, SemanticModel]:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        pytest.skip("not Python")
    return module, SemanticModel.build(module, load_tables(), source)


@pytest.mark.parametrize(("name", "source"), _sources(), ids=[name for name, _ in _sources()])
def test_statement_positions_equal_the_whole_module_pass(name: str, source: str) -> None:
    module, model = _parsed(source)
    nodes = _walked_nodes(module, model.parents)
    rng = random.Random(name)
    samples = [[node] for node in nodes] + [rng.sample(nodes, min(len(nodes), 12)) for _ in range(5)]
    for targets in samples:
        edited = targets[: len(targets) // 2 + 1]
        whole, whole_ancestors = record_positions(module, source, targets, edited)
        by_statement, ancestors = record_positions(module, source, targets, edited, model.parents)
        assert by_statement is not whole
        for node in targets:
            assert by_statement[node] == whole[node], (type(node).__name__, module.code_for_node(node))
            assert by_statement.span(node) == whole.span(node)
        assert ancestors == whole_ancestors
        for node in edited:
            assert by_statement._recorder.indents[node] == whole._recorder.indents[node]


def test_every_statement_is_placed_without_generating_the_module() -> None:
    """No silent fallback on ordinary code: each statement is placed on its own."""
    from glm_migrate.cst.fast.positions import _by_statement, _line_starts

    for name, source in TRICKY.items():
        module, model = _parsed(source)
        statements = [n for n in _walked_nodes(module, model.parents) if isinstance(n, cst.BaseStatement)]
        for statement in statements:
            placed = _by_statement(module, source, _line_starts(source), [statement], [], model.parents)
            assert placed is not None, (name, module.code_for_node(statement))


def test_a_node_outside_the_walked_tree_falls_back_to_the_whole_module() -> None:
    source = "x = call(model='gpt-4o')  # note\n"
    module, model = _parsed(source)
    line = module.body[0]
    assert isinstance(line, cst.SimpleStatementLine)
    comment = line.trailing_whitespace  # a field the semantic walk skips
    positions, _ = record_positions(module, source, [comment, module], [], model.parents)
    assert positions[comment].start.column == 24


@pytest.mark.parametrize(("name", "source"), _sources(), ids=[name for name, _ in _sources()])
def test_each_generated_region_parses_on_its_own(name: str, source: str) -> None:
    """The output check parses only the edited statements: unedited, each must parse alone."""
    import ast

    module, model = _parsed(source)
    for node in _walked_nodes(module, model.parents):
        positions, _ = record_positions(module, source, [node], [], model.parents)
        assert positions.regions is not None
        for region in positions.regions:
            ast.parse(region.standalone(source[region.start : region.end]))


def test_repeated_statements_are_placed_between_their_neighbours_or_not_at_all() -> None:
    from glm_migrate.cst.fast.positions import _place

    assert _place("a\nx\na\n", ["a\n", "x\n", "a\n"]) == [0, 2, 4]
    assert _place("a\na\na\n", ["a\n", "a\n"]) == [None, None]  # ambiguous: CPython's lines decide
    assert _place("ba\n", ["a\n"]) == [None]  # statements start lines
