"""The LibCST speedups change nothing but speed: same constructors, same trees, same code."""

from __future__ import annotations

import builtins
import dataclasses
import inspect
import threading

import libcst as cst
import pytest
from clirunner import BEFORE_FILES

from glm_migrate.cst.common import node_classes, node_types
from glm_migrate.cst.fast import speedups
from glm_migrate.cst.fast.speedups import fast_init, parse_module


def _dataclass_nodes() -> list[type[cst.CSTNode]]:
    speedups.install()
    kinds = node_classes(cst.CSTNode)  # type: ignore[type-abstract]
    return sorted((k for k in kinds if dataclasses.is_dataclass(k)), key=lambda k: k.__qualname__)


def test_most_node_classes_get_a_fast_init() -> None:
    replaced = [kind for kind in _dataclass_nodes() if kind.__init__.__code__.co_filename == speedups._FILENAME]
    assert len(replaced) > 150


def test_fast_inits_take_the_dataclass_parameters() -> None:
    """Same names, order and defaults as the fields `dataclasses` builds `__init__` from."""
    for kind in _dataclass_nodes():
        if kind.__init__.__code__.co_filename != speedups._FILENAME:
            assert fast_init(kind) is None, kind  # not a plain slotted dataclass: keeps its own
            continue
        parameters = list(inspect.signature(kind.__init__).parameters.values())[1:]
        fields = [field for field in dataclasses.fields(kind) if field.init]
        assert [p.name for p in parameters] == [f.name for f in fields], kind
        for parameter, field in zip(parameters, fields, strict=True):
            if field.default is not dataclasses.MISSING:
                assert parameter.default is field.default, (kind, field.name)
            elif field.default_factory is dataclasses.MISSING:
                assert parameter.default is inspect.Parameter.empty, (kind, field.name)


def test_defaults_and_factories_fill_fields_and_nodes_are_still_validated() -> None:
    speedups.install()
    arg = cst.Arg(value=cst.Name("x"))
    assert arg.keyword is None and arg.star == "" and arg.whitespace_after_arg.deep_equals(cst.SimpleWhitespace(""))
    assert cst.Call(func=cst.Name("f")).whitespace_before_args.deep_equals(cst.SimpleWhitespace(""))
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
    with pytest.raises(TypeError):
        cst.Name()  # type: ignore[call-arg]


@pytest.mark.parametrize("path", BEFORE_FILES, ids=lambda p: p.parent.name)
def test_parse_and_code_generation_round_trip(path: object) -> None:
    data = path.read_bytes()  # type: ignore[attr-defined]
    module = parse_module(data)
    assert module.bytes == data
    assert module.deep_equals(cst.parse_module(data))
    parenthesized = cst.parse_expression("((a) + (b)) * (c)")
    assert parenthesized.deep_equals(cst.parse_expression(cst.Module([]).code_for_node(parenthesized)))


def test_nodes_are_equal_only_to_themselves_and_hash_by_identity() -> None:
    """As LibCST's own `__eq__`/`__hash__` have it; object's C slots now answer."""
    speedups.install()
    first, second = cst.Name("x"), cst.Name("x")
    assert first == first and first != second and first != "x"
    assert {first: 1, second: 2}[first] == 1 and len({first, second, first}) == 2
    assert first.deep_equals(second)
    assert all(kind.__hash__ is object.__hash__ for kind in _dataclass_nodes())


def test_validation_is_skipped_only_in_the_thread_that_parses() -> None:
    """Another thread building an invalid node while a file parses is still refused."""
    speedups.install()
    source = "".join(f"def f{n}(a, b=1):\n    return [a + b for a in range({n})]\n" for n in range(300))
    parsing = threading.Event()
    done = threading.Event()

    def parse() -> None:
        while not done.is_set():
            parsing.set()
            parse_module(source)

    worker = threading.Thread(target=parse)
    worker.start()
    try:
        parsing.wait()
        refused = 0
        for _ in range(2000):
            try:
                cst.Name("not a name")
            except cst.CSTValidationError:
                refused += 1
    finally:
        done.set()
        worker.join()
    assert refused == 2000


def test_node_types_are_the_subclasses_isinstance_accepts() -> None:
    statements = node_types(cst.BaseStatement)
    for kind in node_classes(cst.CSTNode):  # type: ignore[type-abstract]
        assert (kind in statements) == issubclass(kind, cst.BaseStatement), kind


def test_classes_tested_with_type_is_have_no_subclasses() -> None:
    """`type(node) is cst.Name` stands for isinstance() in hot paths: right while LibCST's
    concrete classes are leaves."""
    tested = (cst.Name, cst.Attribute, cst.Call, cst.Await, cst.IfExp, cst.SimpleString)
    tested += (cst.Integer, cst.Float, cst.UnaryOperation, cst.Minus, cst.SimpleStatementLine)
    assert all(not kind.__subclasses__() for kind in tested)


def test_with_changes_is_dataclasses_replace() -> None:
    speedups.install()
    call = cst.parse_expression("f(a, b=1)  # c")
    assert isinstance(call, cst.Call)
    changed = call.with_changes(func=cst.Name("g"))
    assert changed.deep_equals(dataclasses.replace(call, func=cst.Name("g")))
    assert changed.args is call.args and call.func.value == "f"  # type: ignore[attr-defined]
    assert call.with_changes().deep_equals(call) and call.with_changes() is not call
    with pytest.raises(TypeError):
        call.with_changes(function=cst.Name("g"))
    with pytest.raises(cst.CSTValidationError):
        cst.Name("x").with_changes(value="not a name")


@pytest.mark.parametrize(
    "source",
    [
        "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"),
        "\ufeffx = 1\r\ny = 2\r\n".encode(),
        "x = 1\n\ty = 2\n",  # a syntax error, as LibCST reports it
        "x = 1",
    ],
)
def test_parse_module_reads_text_and_bytes_as_libcst_does(source: str | bytes) -> None:
    """Encoding, newlines and errors as `cst.parse_module`, though the parser is called here."""
    try:
        expected = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        with pytest.raises(cst.ParserSyntaxError, match=str(error).splitlines()[0]):
            parse_module(source)
        return
    module = parse_module(source)
    assert module.deep_equals(expected) and module.encoding == expected.encoding
    assert (module.bytes if isinstance(source, bytes) else module.code) == source


def test_identifiers_python_refuses_are_refused_while_parsing_too() -> None:
    """LibCST's tokenizer takes identifiers of a newer Unicode than Python's; its validation
    refuses them, with the fast constructors as without."""
    speedups.install()
    with pytest.raises(cst.CSTValidationError):
        parse_module("import openai\n\U0001342f\n")
    assert parse_module("caf\xe9 = 1\n").code == "caf\xe9 = 1\n"


def test_the_parser_finds_libcst_without_the_import_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibCST's parser calls the running frame's `__import__` for every node it builds."""
    imported: list[str] = []
    real_import = builtins.__import__

    def counting_import(name: str, *args: object, **kwargs: object) -> object:
        imported.append(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", counting_import)
    source = "x = [a.b(c) for c in d]\n"
    assert parse_module(source).code == source and imported == []
    cst.parse_module(source)
    assert imported.count("libcst") > 10
