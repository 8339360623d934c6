"""How a model id travels to a call: the names that carry it, and the places that test them.

A default such as `def ask(model="glm-4")` that is rewritten while the same function checks
`if model not in SUPPORTED` makes every default call fail; `if model.startswith("gpt-")` takes
the other branch. Such tests are found here so that the rewrite can be held back and both places
reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from glm_migrate.defaults import destination, option_choices
from glm_migrate.nodes import literals_in
from glm_migrate.semantic import STRING_PASSTHROUGH_METHODS, Scope, SemanticModel, code_of, dotted_name, find_kwarg
from glm_migrate.semantic.values import FunctionValue

if TYPE_CHECKING:
    from glm_migrate.rules._base import Rule

#: Methods whose call on a model name tests it (`model.startswith("gpt-")`).
_TEST_METHODS = frozenset({"startswith", "endswith"})
#: Methods whose call with a model name looks it up (`PRICES.get(model)`).
_LOOKUP_METHODS = frozenset({"get", "index", "count", "__contains__"})
_MAX_DEPTH = 8
#: how many calls deep a name passed on is followed to the tests of the parameter it becomes
_MAX_CALL_DEPTH = 3


@dataclass(frozen=True, eq=False)
class ModelTest:
    """A place that compares, membership-tests or looks up a name carrying a model id."""

    node: cst.CSTNode  #: the comparison, subscript or call
    name: str  #: the name it tests

    @property
    def code(self) -> str:
        node = self.node
        if type(node) is cst.Arg:  # `choices=[...]` as written, without the comma after it
            node = node.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return code_of(node)


def carrying_names(
    model: SemanticModel,
    expr: cst.BaseExpression,
    scope: Scope,
    attributes: list[tuple[cst.Attribute, Scope]] | None = None,
) -> list[tuple[str, Scope]]:
    """The plain names `expr` reads its value through, each with the scope that binds it:
    `model=model` with `def f(model=MODEL)` gives `model` (in f) and `MODEL` (module), and the
    names this module's calls of `f` pass for `model`; the attributes read on the way
    (`f(text, args.model)`) are added to `attributes`, when given."""
    found: list[tuple[str, Scope]] = []
    pending: list[tuple[cst.BaseExpression, Scope, int]] = [(expr, scope, 0)]
    while pending:
        current, where, depth = pending.pop()
        if type(current) is cst.Attribute and attributes is not None and depth > 0:
            attributes.append((current, where))
        if type(current) is not cst.Name or depth > _MAX_DEPTH:
            continue
        owner = model.owner(current.value, where)
        if owner is None or (current.value, owner) in found:
            continue
        found.append((current.value, owner))
        for binding in owner.bindings[current.value]:
            if binding.value is not None:
                # A parameter's default is evaluated where the function is defined.
                pending.append((binding.value, binding.scope, depth + 1))
            if type(binding.target) is cst.Param:
                # and what this module's calls pass for it (`ask(text, model)` in `handle`)
                for argument, caller in model.arguments_for(binding.target, owner):
                    pending.append((argument, caller, depth + 1))
    return found


def tests_of(model: SemanticModel, name: str, scope: Scope, depth: int = 0) -> list[ModelTest]:
    """Comparisons, membership tests, lookups and prefix tests of `name` inside `scope`, and
    the values a parameter of that name is declared to take (`_declared_choices`); also those
    of the parameter of a function of this module `name` is passed to (`budget(model)` with
    `def budget(model): if model in GPT4_MODELS: ...`), whose answer changes with the id."""
    tests: list[ModelTest] = []
    for use in model.uses_of(name, scope):
        node = through_passthrough(model, use)
        test = test_around(model, node)
        if test is not None:
            tests.append(ModelTest(test, name))
        elif depth < _MAX_CALL_DEPTH and type(arg := model.parents.get(node)) is cst.Arg:
            for param, callee in _parameters_given(model, arg, scope):
                tests += [t for t in tests_of(model, param, callee, depth + 1) if t not in tests]
    return tests + _declared_choices(model, name, scope)


def _parameters_given(model: SemanticModel, arg: cst.Arg, scope: Scope) -> list[tuple[str, Scope]]:
    """(parameter, function) for each function of this module a call passes `arg` to: by
    keyword, or by position before any splat; for a method called on an instance or a class
    (`catalogue.price_of(name)`, `self.lookup(name)`), the positions after its `self` or `cls`
    (none for a `@staticmethod`)."""
    call = model.parents.get(arg)
    if type(call) is not cst.Call or arg.star:
        return []
    found: list[tuple[str, Scope]] = []
    for value in model.values_of(call.func, scope):
        if not isinstance(value, FunctionValue):
            continue
        function = value.scope
        node = function.node
        if type(node) is not cst.FunctionDef:
            continue
        positional = [*node.params.posonly_params, *node.params.params]
        if function.parent is not None and function.parent.kind == "class":
            if type(call.func) is not cst.Attribute:
                continue
            static = any(dotted_name(d.decorator) == "staticmethod" for d in node.decorators)
            positional = positional if static else positional[1:]
        if arg.keyword is not None:
            names = {p.name.value for p in [*positional, *node.params.kwonly_params]}
            if arg.keyword.value in names:
                found.append((arg.keyword.value, function))
            continue
        index = call.args.index(arg)
        if index < len(positional) and not any(a.star or a.keyword for a in call.args[: index + 1]):
            found.append((positional[index].name.value, function))
    return found


def _declared_choices(model: SemanticModel, name: str, scope: Scope) -> list[ModelTest]:
    """The closed set of values a parameter `name` of function `scope` may take: a click
    option's `type=click.Choice([...])` / `choices=`, or a `Literal[...]` annotation, written
    there or through a name (`model: ChatModel` after `ChatModel = Literal["gpt-4o", ...]`). A
    default rewritten alone falls outside it: click rejects it before the command runs, and what
    builds choices from the annotation (typer, discord.py, pydantic) offers or accepts only the
    OpenAI ids, which the migrated client would send to Z.AI."""
    tests: list[ModelTest] = []
    for binding in scope.bindings.get(name, []):
        if type(binding.target) is not cst.Param:
            continue
        choices = option_choices(binding, scope)
        if choices is not None:
            tests.append(ModelTest(choices, name))
        literal = _literal_annotation(model, binding.annotation, scope)
        if literal is not None:
            tests.append(ModelTest(literal, name))
    return tests


def _literal_annotation(
    model: SemanticModel, annotation: cst.BaseExpression | None, scope: Scope
) -> cst.CSTNode | None:
    """The `Literal[...]` of strings a parameter's annotation is, directly, inside `Optional[...]`
    or `X | None`, or through a name bound to it once."""
    for _ in range(_MAX_DEPTH):
        if annotation is None:
            return None
        if type(annotation) is cst.BinaryOperation:
            annotation = annotation.left if type(annotation.right) is cst.Name else annotation.right
            continue
        if type(annotation) is cst.Subscript:
            head = (dotted_name(annotation.value) or "").rpartition(".")[2]
            if head == "Optional" and len(annotation.slice) == 1:
                inner = annotation.slice[0].slice
                annotation = inner.value if type(inner) is cst.Index else None
                continue
            if head == "Literal" and any(
                type(element.slice) is cst.Index and type(element.slice.value) is cst.SimpleString
                for element in annotation.slice
            ):
                return annotation
            return None
        if type(annotation) is cst.Name:
            bindings = model.lookup(annotation.value, scope)
            if len(bindings) != 1 or bindings[0].value is None:
                return None
            scope, annotation = bindings[0].scope, bindings[0].value
            continue
        return None
    return None


def model_tests(
    model: SemanticModel,
    argument: cst.BaseExpression,
    where: Scope,
    memo: dict[tuple[str, Scope], list[ModelTest]],
) -> list[ModelTest]:
    """Where the names that carry a request's model id (`argument`, read in `where`) are
    compared, membership-tested or looked up: rewriting the id alone would change what those
    tests decide. `memo` keeps the tests of each name for the caller's next requests."""
    found: list[ModelTest] = attribute_tests_of(model, argument, where)
    # `ask(text, args.model)` with `def ask(text, model)`: the attribute a caller passes is
    # tested as that argument is (`choices=` of its `add_argument`)
    attributes: list[tuple[cst.Attribute, Scope]] = []
    for name, scope in carrying_names(model, argument, where, attributes):
        if (name, scope) not in memo:
            memo[name, scope] = tests_of(model, name, scope)
        found += memo[name, scope]
    for attribute, scope in attributes:
        found += [t for t in attribute_tests_of(model, attribute, scope) if t not in found]
    return found


def attribute_tests_of(model: SemanticModel, expr: cst.BaseExpression, scope: Scope) -> list[ModelTest]:
    """Tests of `self.x` (`expr`) in the methods of its class, and of the names its assignments
    read (`self.model = model` in `__init__`): an attribute carries the id as a name does."""
    dotted = dotted_name(expr) if type(expr) is cst.Attribute else None
    klass = scope.enclosing_class()
    if dotted is not None and dotted.count(".") == 1 and not dotted.startswith("self."):
        return _namespace_tests(model, dotted)
    if dotted is None or klass is None or not dotted.startswith("self.") or dotted.count(".") != 1:
        return []
    tests = [test for test in _reads_tested(model, dotted) if model.inside(test.node, klass.node)]
    for binding in model.attribute_lookup(dotted, scope):
        if binding.value is not None:
            for name, owner in carrying_names(model, binding.value, binding.scope):
                tests += tests_of(model, name, owner)
    return tests


def _reads_tested(model: SemanticModel, dotted: str) -> list[ModelTest]:
    """The tests around each read of the attribute `dotted` (`self.model`, `args.model`)."""
    base, _, attribute = dotted.partition(".")
    tests: list[ModelTest] = []
    for use in model.names.get(attribute, []):
        read = model.parents.get(use)
        if type(read) is cst.Attribute and read.attr is use and dotted_name(read.value) == base:
            node = through_passthrough(model, read)
            test = test_around(model, node)
            if test is not None:
                tests.append(ModelTest(test, dotted))
            elif type(arg := model.parents.get(node)) is cst.Arg:
                # `token_limit(args.judge_model)` with `def token_limit(name): for known in
                # JUDGES: if known == name: ...`: the helper's tests of its parameter decide as
                # a test of the attribute would (a command-line default looked up in a registry)
                for param, callee in _parameters_given(model, arg, model.scope_of(node)):
                    tests += [t for t in tests_of(model, param, callee, 1) if t not in tests]
    return tests


def _namespace_tests(model: SemanticModel, dotted: str) -> list[ModelTest]:
    """Tests of `args.model` wherever the module reads it (a parsed command line, a settings
    object), and the `choices=` of the `add_argument` that fills it: the default alone rewritten,
    `args.model in ["gpt-4", "gpt-4o"]` no longer holds."""
    attribute = dotted.partition(".")[2]
    tests = _reads_tested(model, dotted)
    for call, _ in model.calls:
        func = call.func
        if type(func) is cst.Attribute and func.attr.value == "add_argument" and destination(call) == attribute:
            choices = find_kwarg(call, "choices")
            if choices is not None:
                tests.append(ModelTest(choices, dotted))
    return tests


def through_passthrough(model: SemanticModel, node: cst.BaseExpression) -> cst.BaseExpression:
    """`model.lower()` for `model`: the expression whose value is still the id, case aside."""
    while True:
        attribute = model.parents.get(node)
        call = model.parents.get(attribute) if attribute is not None else None
        if not (
            type(attribute) is cst.Attribute
            and attribute.value is node
            and attribute.attr.value in STRING_PASSTHROUGH_METHODS
            and type(call) is cst.Call
            and not call.args
        ):
            return node
        node = call


def test_around(model: SemanticModel, node: cst.BaseExpression) -> cst.CSTNode | None:
    parent = model.parents.get(node)
    if type(parent) is cst.Comparison and parent.left is node:
        if all(type(t.comparator) is cst.Name and t.comparator.value == "None" for t in parent.comparisons):
            return None  # `model is None`, `model == None`: the same answer for every id
        return parent  # `model in X`, `model == "x"`
    if type(parent) is cst.ComparisonTarget:
        comparison = model.parents.get(parent)
        return comparison  # `"x" == model`, `x in model` (rare, but a test all the same)
    if type(parent) is cst.Index:
        element = model.parents.get(parent)
        subscript = model.parents.get(element) if element is not None else None
        return subscript if type(subscript) is cst.Subscript else None  # `PRICES[model]`
    if type(parent) is cst.Attribute and parent.value is node and parent.attr.value in _TEST_METHODS:
        call = model.parents.get(parent)
        return call if type(call) is cst.Call else None
    if type(parent) is cst.Arg:
        call = model.parents.get(parent)
        func = call.func if type(call) is cst.Call else None
        if type(func) is cst.Attribute and func.attr.value in _LOOKUP_METHODS:
            return call  # `PRICES.get(model)`
    return None


def report_model_tests(rule: Rule, tested: set[cst.CSTNode], tests: Iterable[ModelTest], old: str, new: str) -> None:
    """Reports each test of a model id once per module (`tested`: those reported so far), its
    literals claimed: the test and the id must change together."""
    for test in tests:
        if test.node not in tested:
            tested.add(test.node)
            rule.claim(*literals_in(test.node))
            message = (
                f"`{test.code}` tests `{test.name}`, whose model id `{old}` must become `{new}`: update both together"
            )
            rule.report(test.node, message)
