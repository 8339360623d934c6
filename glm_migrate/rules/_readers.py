"""Whether every reader of a model setting is in view and none of them sends it to a model.

A model setting's reader is usually out of sight: a module constant, a configuration field or an
environment default is read by other modules. A function's local variable (`model = "gpt-4.1-mini"`
then `Session(model=model)`), a command-line option's default read back as `args.model`, or a
class default read by the class's own methods (`self.DEFAULT_MODEL`) is read only where it can be
seen. When each of those reads ends in a test (`model == "gpt-4-with-ocr"`, `TABLE[model]`), a
log line or an argument of another library's call (`subprocess.run`, another vendor's session,
an HTTP request to a URL in view that is not OpenAI's), the value never reaches a request: it is
data, as the same id written inline in that call is, not a setting to move.

Followed: names and attributes it is assigned to (`self.model = model or self.DEFAULT_MODEL`), `a
or b` and `a if c else b`, f-strings, list, tuple and dict literals it is an item of, the
parameters of this module's functions and classes it is passed to, and what a nested or private
function returns. Anything else (a call of an LLM library or of something not resolved, a `**` splat,
a value stored out of sight) makes the setting a setting again.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.defaults import option_name
from glm_migrate.nodes import passed_argument
from glm_migrate.rules._flow import test_around, through_passthrough
from glm_migrate.rules._setting_flow import ModuleIndex, assigned_target
from glm_migrate.semantic import Binding, Scope, SemanticModel, Target, dotted_name, string_value
from glm_migrate.semantic.values import ClassValue, FunctionValue, InstanceValue, LocalClassValue, ModuleValue

#: where a camel-case name's words meet: `llmService`, and `OpenAILlm` after its acronym
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: words of a callee's name that make it a model's reader (`ChatSession`, `agents.Agent`,
#: `load_model`): an id passed to it may well be sent
_CALLEE_WORDS = frozenset(
    {"llm", "llms", "openai", "gpt", "chat", "agent", "agents", "completion", "completions", "model", "models"}
)
#: words of its module's path that do (`app.llm.ask`); `agent` and `model` there name too much
#: else (`pr_agent.algo.utils`, an ORM's `models`)
_MODULE_WORDS = frozenset({"llm", "llms", "openai", "gpt", "chat", "completion", "completions"})
#: parts of a word that name a model's reader inside it (`ChatGPTSession`, `myopenai`)
_MODEL_PARTS = ("openai", "gpt", "llm")
#: method names of a logger (`logger.info(f"model: {model}")`): the value is only shown
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
#: argparse's parse methods that return the namespace itself
_PARSE_METHODS = frozenset({"parse_args", "parse_intermixed_args"})
_MAX_DEPTH = 8
#: reads looked at, at most, for one setting: a value read everywhere is kept a setting
_MAX_READS = 200


class DataReaders:
    """Tells model settings whose every reader is in view and reads them as data."""

    def __init__(self, model: SemanticModel, index: ModuleIndex) -> None:
        self.model = model
        self.index = index
        self._requests = {call.node for call in model.api_calls} | {call for call, _, _ in model.framework_calls}
        self._budget = 0
        #: some read of the setting being followed reaches another library's call
        self._handed_over = False
        #: an HTTP request a read of the setting last followed reaches, whose URL may be OpenAI's
        #: (`requests.post("https://api.openai.com/v1/chat/completions", json={"model": model})`)
        self.openai_request: cst.Call | None = None

    def only_data(self, origin: Binding | cst.Call) -> bool:
        """Every read of the setting `origin` binds (a local variable, a class default, an
        attribute of `self`, an argparse option) is in view, there is one at least, and none
        sends it to a model."""
        reads = self._setting_reads(origin)
        if not reads:
            return False
        self._budget = _MAX_READS
        self._handed_over = False
        self.openai_request = None
        seen: set[cst.CSTNode] = set()
        if not all(self._data(read, self.index.scope_of(read), 0, seen) for read in reads):
            return False
        # An attribute may be read by other modules too (`bot.model` sent elsewhere): it is data
        # only where the class itself hands it to another library (`LinkAIProvider` posting it to
        # LinkAI's API), not merely logs or tests it.
        local = (
            isinstance(origin, cst.Call)
            or (origin.scope.kind == "function" and type(origin.target) is cst.Name)
            or type(origin.target) is cst.Param  # a test helper's (`_setting_reads`)
        )
        return local or self._handed_over

    def round_trip(self, origin: Binding | cst.Call) -> bool:
        """A test's local id handed to a class of the project and compared with what the object
        gives back (`name = "gpt-4o-mini"`, `assert Model(name).model == name`): the test checks
        that the holder keeps whatever id it is given, so it passes with a GLM id too and sends
        nothing; the id is the test's data, not a setting to change by hand."""
        if not self.model.is_test_module or isinstance(origin, cst.Call):
            return False
        target, scope = origin.target, origin.scope
        if type(target) is not cst.Name or scope.kind != "function":
            return False
        sdk = self.model.tables.sdk
        built = compared = False
        for read in self._name_reads(target, scope):
            parent = self.model.parents.get(read)
            if type(parent) is cst.Arg and parent.value is read and not parent.star:
                call = self.model.parents.get(parent)
                if type(call) is not cst.Call or call in self._requests:
                    return False
                values = self.model.values_of(call.func, self.index.scope_of(read))
                if not values or not all(
                    # an imported class (`from config.model_config import Model`) is a module value
                    (
                        type(value) is ClassValue
                        or (type(value) is ModuleValue and value.name.rpartition(".")[2][:1].isupper())
                    )
                    and value.name.split(".")[0] not in sdk.http_clients
                    and not sdk.reads_models(value.name)
                    and not any(part in value.name.lower() for part in _MODEL_PARTS)
                    for value in values
                ):
                    return False  # a function, an SDK's or LLM library's class: it may send the id
                built = True
                continue
            comparison = test_around(self.model, read)
            if type(comparison) is not cst.Comparison or len(comparison.comparisons) != 1:
                return False
            operator = comparison.comparisons[0].operator
            other = comparison.comparisons[0].comparator if comparison.left is read else comparison.left
            if type(operator) not in (cst.Equal, cst.NotEqual) or type(other) is not cst.Attribute:
                return False  # against a list or a literal: the test decides with the id
            compared = True
        return built and compared

    # -- the reads of a setting ----------------------------------------------------------------

    def _setting_reads(self, origin: Binding | cst.Call) -> list[cst.BaseExpression] | None:
        if isinstance(origin, cst.Call):
            return self._option_reads(origin)
        target, scope = origin.target, origin.scope
        if type(target) is cst.Name and scope.kind == "function":
            return self._name_reads(target, scope)
        if type(target) is cst.Name and scope.kind == "class":
            reads = self._attribute_reads(scope, target.value)
            # and by its bare name in the class body (`def ask(self, model=DEFAULT_MODEL)`)
            return None if reads is None else reads + self._name_reads(target, scope)
        if type(target) is cst.Attribute and dotted_name(target.value) == "self":
            klass = scope.enclosing_class()
            return self._attribute_reads(klass, target.attr.value) if klass is not None else None
        if type(target) is cst.Param and self.model.is_test_module:
            # a test helper's default (`def fake_reply(model="gpt-4o")`): read in its body only
            function = self.index.scope_of(target.name)
            return self._name_reads(target.name, function) if function.kind == "function" else None
        return None  # a module constant or a parameter's default: read elsewhere too

    def _attribute_reads(self, klass: Scope, name: str) -> list[cst.BaseExpression] | None:
        """`self.name` / `cls.name` / `Klass.name` read in the module (assignments left out);
        None when some `.name` of the module may be another object's."""
        if type(klass.node) is not cst.ClassDef or klass.parent is not self.model.module_scope:
            return None
        class_name = klass.node.name.value
        reads: list[cst.BaseExpression] = []
        for node in self.index.names.get(name, ()):
            attribute = self.model.parents.get(node)
            if not (type(attribute) is cst.Attribute and attribute.attr is node):
                continue
            if self._bound(attribute):
                continue  # set, not read
            base = dotted_name(attribute.value)
            inside = self.model.inside(attribute, klass.node)
            if base in ("self", "cls") and not inside and self._own_attribute(attribute, name):
                continue  # another class's `self.name`, which that class sets itself
            if base not in ("self", "cls", class_name) and self._another_object(attribute.value, klass):
                continue  # `args.model`, `client.model`: not an instance of this class
            if not (base == class_name or (base in ("self", "cls") and inside)):
                return None
            reads.append(attribute)
        return reads

    def _another_object(self, base: cst.BaseExpression, klass: Scope) -> bool:
        """`base` holds something other than an instance of `klass`: a namespace argparse
        parses, or values the semantic model resolves to none of that class's family."""
        if type(base) is not cst.Name:
            return False
        scope = self.index.scope_of(base)
        bindings = self.model.lookup(base.value, scope)
        if bindings and all(
            type(b.value) is cst.Call
            and type(b.value.func) is cst.Attribute
            and b.value.func.attr.value in _PARSE_METHODS
            for b in bindings
        ):
            return True
        values = self.model.values_of(base, scope)
        return bool(values) and not any(isinstance(v, InstanceValue | LocalClassValue) for v in values)

    def _own_attribute(self, attribute: cst.Attribute, name: str) -> bool:
        """`self.name` read in a class that binds `name` itself (a class attribute, or
        `self.name = ...` in its methods): that class's value, whatever its bases hold."""
        scope = self.index.scope_of(attribute)
        klass = scope.enclosing_class()
        if klass is None:
            return False
        return name in klass.bindings or bool(self.model.attribute_bindings.get((klass, f"self.{name}")))

    def _name_reads(self, name: cst.Name, scope: Scope) -> list[cst.BaseExpression]:
        """The reads of the variable `name` binds in `scope` (`model: str` alone is none)."""
        # a read in the other branch of an `if` is another assignment's (`model.other_branch`)
        uses = self.index.uses(name.value, scope, name)
        return [use for use in uses if not self._bound(use) and not self.model.other_branch(name, use)]

    def _bound(self, node: cst.BaseExpression) -> bool:
        """`node` is what an assignment binds, not a read."""
        parent = self.model.parents.get(node)
        return type(parent) is cst.AssignTarget or (type(parent) is cst.AnnAssign and parent.target is node)

    def _option_reads(self, call: cst.Call) -> list[cst.BaseExpression] | None:
        """`args.model` for `parser.add_argument("--model", ...)`, where `args` is
        `parser.parse_args()` of the same parser and goes nowhere whole; None otherwise."""
        func, dest = call.func, option_name(call)
        if type(func) is not cst.Attribute or func.attr.value != "add_argument" or dest is None:
            return None
        parser = dotted_name(func.value)
        reads: list[cst.BaseExpression] = []
        parsed = 0
        for other, _ in self.model.calls:
            method = other.func
            if not (
                type(method) is cst.Attribute
                and method.attr.value in _PARSE_METHODS
                and dotted_name(method.value) == parser
            ):
                continue
            parsed += 1
            parent = self.model.parents.get(other)
            if type(parent) is cst.Attribute and parent.value is other:
                if parent.attr.value == dest:
                    reads.append(parent)  # `parser.parse_args().model`
                continue
            statement = self.model.parents.get(parent) if type(parent) is cst.AssignTarget else parent
            target = assigned_target(statement, other)
            if target is None:
                return None  # the namespace goes somewhere whole
            for use in self._name_reads(target, self.index.scope_of(target)):
                attribute = self.model.parents.get(use)
                if not (type(attribute) is cst.Attribute and attribute.value is use):
                    return None  # `run(args)`, `vars(args)`: its reads are out of sight
                if attribute.attr.value == dest:
                    reads.append(attribute)
        return reads if parsed else None

    # -- what a read does with the value -------------------------------------------------------

    def _data(self, node: cst.BaseExpression, scope: Scope, depth: int, seen: set[cst.CSTNode]) -> bool:
        """The value `node` has is used as data only, wherever it goes from there."""
        self._budget -= 1
        if depth > _MAX_DEPTH or self._budget < 0:
            return False
        if node in seen:
            return True  # already being followed
        seen.add(node)
        node = through_passthrough(self.model, node)
        if test_around(self.model, node) is not None:
            return True  # compared, looked up, prefix-tested
        parent = self.model.parents.get(node)
        if isinstance(parent, cst.IfExp | cst.BooleanOperation):
            if isinstance(parent, cst.IfExp) and parent.test is node:
                return True  # only its truth is used
            return self._data(parent, scope, depth + 1, seen)
        if isinstance(parent, cst.FormattedStringExpression):
            text = self.model.parents.get(parent)
            return isinstance(text, cst.FormattedString) and self._data(text, scope, depth + 1, seen)
        if isinstance(parent, cst.DictElement) and parent.key is node:
            return True  # a table's key
        if isinstance(parent, cst.Element | cst.DictElement):
            container = self.model.parents.get(parent)
            return isinstance(container, cst.List | cst.Tuple | cst.Set | cst.Dict) and self._data(
                container, scope, depth + 1, seen
            )
        if isinstance(parent, cst.Arg) and parent.value is node:
            call = self.model.parents.get(parent)
            return isinstance(call, cst.Call) and self._argument_data(call, parent, scope, depth, seen)
        if isinstance(parent, cst.Expr):
            return True  # evaluated and dropped
        if isinstance(parent, cst.Return):
            return self._returned_data(scope, depth, seen)
        if isinstance(parent, cst.Assign | cst.AnnAssign) and parent.value is node:
            return self._assigned_data(parent, scope, depth, seen)
        return False

    def _assigned_data(
        self,
        statement: cst.Assign | cst.AnnAssign,
        scope: Scope,
        depth: int,
        seen: set[cst.CSTNode],
    ) -> bool:
        """`name = value` in a function, `self.attr = value` in a class's method: their reads."""
        if isinstance(statement, cst.Assign):
            if len(statement.targets) != 1:
                return False
            target = statement.targets[0].target
        else:
            target = statement.target
        if type(target) is cst.Name and scope.kind == "function":
            reads: list[cst.BaseExpression] | None = self._name_reads(target, scope)
        elif type(target) is cst.Attribute and dotted_name(target.value) == "self":
            klass = scope.enclosing_class()
            reads = self._attribute_reads(klass, target.attr.value) if klass is not None else None
        else:
            # `reply.model = model` on a `MagicMock()`: a test's stand-in reply
            return type(target) is cst.Attribute and self._on_a_mock(target.value, scope)
        return reads is not None and all(self._data(read, self.index.scope_of(read), depth + 1, seen) for read in reads)

    def _on_a_mock(self, base: cst.BaseExpression, scope: Scope) -> bool:
        """`base` is a name this function binds only to a mock (`reply = MagicMock()`) or an
        attribute of one (`reply.usage`): what is set on it is what the mock gives back."""
        while type(base) is cst.Attribute:
            base = base.value
        if type(base) is not cst.Name:
            return False
        bindings = self.model.lookup(base.value, scope)
        return bool(bindings) and all(
            b.scope is scope
            and type(b.value) is cst.Call
            and (dotted_name(b.value.func) or "").rpartition(".")[2].endswith("Mock")
            for b in bindings
        )

    def _returned_data(self, scope: Scope, depth: int, seen: set[cst.CSTNode]) -> bool:
        """What a function of this module returns, at each of its calls here (at least one):
        a nested or private function's, which other modules do not call (XAgent's public
        `get_model_name()` returns ids a request of another module sends)."""
        function = scope
        while function.kind != "function" and function.parent is not None:
            function = function.parent
        node = function.node
        if type(node) is not cst.FunctionDef:
            return False
        name = node.name.value
        nested = function.parent is not None and function.parent.kind == "function"
        if not nested and not (name.startswith("_") and not name.endswith("__")):
            return False
        sites = self.model.call_sites.get(function, [])
        return bool(sites) and all(self._data(site, where, depth + 1, seen) for site, where in sites)

    def _argument_data(self, call: cst.Call, arg: cst.Arg, scope: Scope, depth: int, seen: set[cst.CSTNode]) -> bool:
        """The value passed as `arg` of `call` is only data to the callee: a library's call that
        is not a model's, or a function of this module that uses its parameter as data."""
        if arg.star or call in self._requests:
            return False
        values = self.model.values_of(call.func, scope)
        if not values:
            func = call.func
            if type(func) is cst.Name and func.value == "print" and not self.model.lookup("print", scope):
                return True
            return type(func) is cst.Attribute and func.attr.value in _LOG_METHODS
        for value in values:
            if isinstance(value, ModuleValue | ClassValue):
                top = value.name.split(".")[0]
                if top in self.model.tables.sdk.http_clients:
                    if not self._to_another_server(call, value.name, scope):
                        if self.openai_request is None and self._to_openai(call, value.name, scope):
                            self.openai_request = call
                        return False  # `requests.post(f"{base}/embeddings", json=...)` may be OpenAI's API
                elif _reads_models(value.name) or self.model.tables.sdk.reads_models(value.name):
                    return False
                self._handed_over = True
            elif isinstance(value, FunctionValue | LocalClassValue):
                if not self._parameter_data(call, arg, value, depth, seen):
                    return False
            else:
                return False
        return True

    def _to_another_server(self, call: cst.Call, callee: str, scope: Scope) -> bool:
        """An HTTP request (`requests.post(url, ...)`) whose URL is in view and not OpenAI's."""
        url = passed_argument(call, "url", 1 if callee.rpartition(".")[2] == "request" else 0)
        return url is not None and self.model.classify_base_url(url.value, default=Target.UNKNOWN, scope=scope) is (
            Target.OTHER
        )

    def _to_openai(self, call: cst.Call, callee: str, scope: Scope) -> bool:
        """An HTTP request whose URL may be one of OpenAI's written in view (`self.url` set to
        `url or "https://api.openai.com/v1/chat/completions"`)."""
        url = passed_argument(call, "url", 1 if callee.rpartition(".")[2] == "request" else 0)
        if url is None:
            return False
        hosts = self.model.tables.openai_hosts
        literals = self.model.resolve_strings(url.value, scope)[0]
        return any((urlparse(string_value(literal) or "").hostname or "") in hosts for literal in literals)

    def _parameter_data(
        self,
        call: cst.Call,
        arg: cst.Arg,
        callee: FunctionValue | LocalClassValue,
        depth: int,
        seen: set[cst.CSTNode],
    ) -> bool:
        """The parameter of this module's function (or class's `__init__`) that `arg` fills
        is used as data in it."""
        function = callee.scope if isinstance(callee, FunctionValue) else self.model.initializer(callee.scope)
        node = function.node if function is not None else None
        if type(node) is not cst.FunctionDef or function is None:
            return False
        positional = [*node.params.posonly_params, *node.params.params]
        if arg.keyword is not None:
            params = [p for p in [*positional, *node.params.kwonly_params] if p.name.value == arg.keyword.value]
        else:
            index = call.args.index(arg)
            if any(a.star or a.keyword is not None for a in call.args[:index]):
                return False
            receiver = function.parent is not None and function.parent.kind == "class"
            static = any(dotted_name(d.decorator) == "staticmethod" for d in node.decorators)
            index += 1 if receiver and not static else 0
            params = positional[index : index + 1]
        if not params:
            return False  # into `*args` / `**kwargs`
        name = params[0].name
        reads = self._name_reads(name, function)
        return all(self._data(read, self.index.scope_of(read), depth + 1, seen) for read in reads)


def _reads_models(qualified: str) -> bool:
    """A callee named like a model's reader (`app.llm.ask`, `ChatSession`, `myopenai.send`)."""
    module, _, callee = qualified.rpartition(".")
    if any(part in qualified.lower() for part in _MODEL_PARTS):
        return True
    return not _CALLEE_WORDS.isdisjoint(_words(callee)) or not _MODULE_WORDS.isdisjoint(_words(module))


def _words(name: str) -> list[str]:
    return re.split(r"[^a-z0-9]+", _CAMEL.sub("_", name).lower())
