"""Comments inside edited calls and dicts stay beside the item they were written beside."""

from __future__ import annotations

import libcst as cst
import pytest

from glm_migrate import layout
from glm_migrate.rules._helpers import add_dict_entry, add_kwarg, remove_kwargs

MODULE = cst.parse_module("")


def code(node: cst.CSTNode) -> str:
    return MODULE.code_for_node(node)


def call(source: str) -> cst.Call:
    node = cst.parse_expression(source)
    assert isinstance(node, cst.Call)
    return node


def added(source: str, *names: str) -> str:
    node = call(source)
    for name in names:
        node = add_kwarg(node, name, cst.Name("v"))
    return code(node)


def removed(source: str, *names: str) -> str:
    return code(remove_kwargs(call(source), set(names)))


COMMENTED = """\
create(
    model=m,
    # the whole answer at once
    timeout=30,  # seconds
)"""


def test_comment_above_an_argument_is_not_copied_to_added_ones() -> None:
    assert added(COMMENTED, "api_key", "base_url") == (
        "create(\n    model=m,\n    # the whole answer at once\n    timeout=30,  # seconds\n"
        "    api_key=v,\n    base_url=v,\n)"
    )


def test_inline_comment_stays_with_its_argument_without_a_trailing_comma() -> None:
    source = "create(\n    model=m,\n    timeout=30  # seconds\n)"
    assert added(source, "base_url") == "create(\n    model=m,\n    timeout=30,  # seconds\n    base_url=v\n)"


def test_comment_lines_before_the_closing_bracket_stay_last() -> None:
    source = "create(\n    model=m,\n    # end of the options\n)"
    assert added(source, "base_url") == "create(\n    model=m,\n    base_url=v,\n    # end of the options\n)"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("f(a, b=1)", "f(a, b=1, base_url=v)"),
        ("f()", "f(base_url=v)"),
        ("f(a,\n  b)", "f(a,\n  b,\n  base_url=v)"),
        ("f(\n    a,\n)", "f(\n    a,\n    base_url=v,\n)"),
    ],
)
def test_added_arguments_follow_the_layout(source: str, expected: str) -> None:
    assert added(source, "base_url") == expected


def test_removed_argument_keeps_its_inline_comment_in_its_place() -> None:
    source = "create(\n    model=m,\n    n=1,  # how many\n    stream=True,\n)"
    assert removed(source, "n") == "create(\n    model=m,\n    # how many\n    stream=True,\n)"


def test_removed_last_argument_keeps_its_comment_and_the_comments_of_the_others() -> None:
    assert removed(COMMENTED, "timeout") == "create(\n    model=m,\n    # the whole answer at once\n    # seconds\n)"
    assert removed(COMMENTED, "model") == "create(\n    # the whole answer at once\n    timeout=30,  # seconds\n)"
    source = "create(\n    model=m,  # which\n    n=1\n)"
    assert removed(source, "n") == "create(\n    model=m  # which\n)"


def test_comments_inside_a_removed_value_are_kept() -> None:
    source = "create(\n    model=m,\n    stop=[\n        # paragraph\n        '\\n\\n',\n    ],\n)"
    assert removed(source, "stop") == "create(\n    model=m,\n    # paragraph\n)"


@pytest.mark.parametrize(
    ("source", "names", "expected"),
    [
        ("f(a, b=1, c=2)", ("b",), "f(a, c=2)"),
        ("f(a, b=1)", ("b",), "f(a)"),
        ("f(b=1)", ("b",), "f()"),
        ("f(a, b=1,)", ("b",), "f(a,)"),
        ("f(\n    a,\n    b=1,\n    c=2,\n)", ("b", "c"), "f(\n    a,\n)"),
        ("f(\n    a,\n    b=1\n)", ("b",), "f(\n    a\n)"),
    ],
)
def test_removal_keeps_the_layout(source: str, names: tuple[str, ...], expected: str) -> None:
    assert removed(source, *names) == expected


def test_dict_entries_keep_their_comments() -> None:
    for source, expected in [
        ('{\n    "a": 1,  # one\n}', '{\n    "a": 1,  # one\n    "k": v,\n}'),
        ('{\n    "a": 1  # one\n}', '{\n    "a": 1,  # one\n    "k": v\n}'),
        ('{"a": 1}', '{"a": 1, "k": v}'),
        ("{}", '{"k": v}'),
    ]:
        mapping = cst.parse_expression(source)
        assert isinstance(mapping, cst.Dict)
        assert code(add_dict_entry(mapping, "k", cst.Name("v"))) == expected


def test_explode_puts_each_item_on_its_own_line_with_comments_kept() -> None:
    source = "f(a, b=1,  # why\n  c=2)"
    assert code(layout.explode(call(source), "        ", "    ")) == (
        "f(\n        a,\n        b=1,  # why\n        c=2,\n    )"
    )
    mapping = cst.parse_expression('{"a": 1, "b": 2}')
    assert isinstance(mapping, cst.Dict)
    assert code(layout.explode(mapping, "    ", "")) == '{\n    "a": 1,\n    "b": 2,\n}'


def test_a_lone_generator_argument_takes_no_trailing_comma() -> None:
    assert not layout.explodable(call("sum(x for x in y)"))
    assert layout.explodable(call("sum((x for x in y), start)"))
    assert not layout.explodable(call("f()"))
