"""Where a value kept in a setting goes: names, dict entries and class attributes, within a module.

`API_KEY = os.getenv("OPENAI_API_KEY")`, `SETTINGS = {"key": ...}` read as `SETTINGS["key"]`, and
`class Config: key = ...` read as `self.key` or `Config.key`: when every read of such a setting
can be seen, a rule can tell whether the value only feeds clients the tool moves to Z.AI.
"""

from __future__ import annotations

import enum
import functools
import re
from typing import cast
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.rules._clients import (
    module_client_called,
    module_setting,
    program_set_key,
    repoint_blocker,
    wants_module_settings,
)
from glm_migrate.semantic import Client, Scope, SemanticModel, Target, dotted_name, env_lookup, string_value
from glm_migrate.tables import Tables

#: LangChain wrappers of the OpenAI SDK (`[frameworks]`), their key and URL keywords
LANGCHAIN_KINDS = frozenset({"langchain_chat", "langchain_embeddings"})
KEY_KEYWORDS = frozenset({"api_key", "openai_api_key"})
URL_KEYWORDS = frozenset({"base_url", "openai_api_base"})
#: `[frameworks]` kinds whose classes keep their own OpenAI client, built from their own keywords,
#: which no fix moves (GLM302, GLM006 say how to): a key or URL handed to one stays OpenAI's
#: (Chroma's `OpenAIEmbeddingFunction`, LlamaIndex's `OpenAI` and `OpenAIEmbedding`, LangChain's
#: completion `OpenAI`, which calls `/completions`)
OWN_CLIENT_KINDS = frozenset({"chroma_openai", "llamaindex", "langchain_completions"})


class Sink(enum.Enum):
    """Whose key a value is: a client glm-migrate touches, and where that client goes."""

    MOVING = "moving"  #: a client glm-migrate points at Z.AI: its OpenAI key cannot work there
    ZAI = "zai"  #: a client that already talks to Z.AI (Zhipu's SDKs, a Z.AI `base_url`)
    STAYING = "staying"  #: a client glm-migrate reports but cannot move (a hidden `**`, Azure it cannot convert)


_TARGET_SINKS = {Target.OPENAI: Sink.MOVING, Target.ZAI: Sink.ZAI, Target.UNKNOWN: Sink.STAYING}


class ModuleIndex:
    """Name lookups over one module that several searches share (built on first use)."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.parents = model.parents

    @functools.cached_property
    def names(self) -> dict[str, list[cst.Name]]:
        """Every name node of the module, by name."""
        index: dict[str, list[cst.Name]] = {}
        for node in self.parents:
            if type(node) is cst.Name:
                index.setdefault(node.value, []).append(node)
        return index

    @functools.cached_property
    def owners(self) -> dict[cst.CSTNode, Scope]:
        return {s.node: s for s in self.model.scopes}

    def scope_of(self, node: cst.CSTNode) -> Scope:
        """The innermost scope whose code holds `node`."""
        current: cst.CSTNode | None = self.parents.get(node)
        while current is not None:
            if current in self.owners:
                return self.owners[current]
            current = self.parents.get(current)
        return self.model.module_scope

    def uses(self, name: str, scope: Scope, target: cst.CSTNode | None = None) -> list[cst.Name]:
        """The names reading `name` in `scope`'s code (nested scopes that bind it again left out)."""
        found = []
        for node in self.names.get(name, ()):
            if node is target or _not_a_read(node, self.parents.get(node)):
                continue
            owner = self.scope_of(node)
            while owner is not scope and name not in owner.bindings and owner.parent is not None:
                owner = owner.parent
            if owner is scope:
                found.append(node)
        return found

    # -- settings ------------------------------------------------------------------------------

    def setting_reads(self, value: cst.BaseExpression, depth: int = 0) -> list[cst.BaseExpression] | None:
        """The expressions that read back a value assigned to a setting (`N`, `D["key"]`,
        `self.key`, `Config.key`), or returned by a function that returns nothing else (its
        calls, `get_api_key()`: see `returned_setting`), or None when it is not kept in one, or
        some read of it cannot be told from reads of other values. A value kept stripped
        (`os.getenv("OPENAI_API_KEY", "").strip()`) is read where the stripped one is."""
        inner, value = value, self._stripped(value)
        parent = self.parents.get(value)
        if isinstance(parent, cst.DictElement) and parent.value is value:
            return self._entry_reads(parent)
        if type(parent) is cst.Return:
            return self._through_returns([value], self.scope_of(parent), inner, depth)
        target = assigned_target(parent, value)
        if target is None:
            return None
        scope = self.scope_of(target)
        if len(scope.bindings.get(target.value, [])) != 1:
            return None
        if scope.kind == "class":
            return self._class_attribute_reads(scope, target.value)
        reads: list[cst.BaseExpression] = list(self.uses(target.value, scope, target))
        if scope.kind == "function":
            return self._through_returns(reads, scope, inner, depth)
        return reads

    def _stripped(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """`value.strip()` where `value` is only cleaned before it is kept (`.strip()`, also with
        `.replace('"', "")` after it: `_CLEANING`), else `value`."""
        while True:
            attribute = self.parents.get(value)
            if type(attribute) is not cst.Attribute or attribute.value is not value:
                return value
            call = self.parents.get(attribute)
            if type(call) is not cst.Call or call.func is not attribute or not _cleaning(call):
                return value
            value = call

    def _through_returns(
        self, reads: list[cst.BaseExpression], function: Scope, value: cst.BaseExpression, depth: int
    ) -> list[cst.BaseExpression] | None:
        """`reads` with each one a `return` gives back replaced by the calls of the function
        (and what those calls are kept in), where the function returns `value` on every path;
        None where it returns it on some only, or is used other than called."""
        returned = [read for read in reads if type(self.parents.get(read)) is cst.Return]
        if not returned:
            return reads
        calls = self.function_calls(function) if self.returned_setting(function) is value else None
        if calls is None or depth > 3:
            return None if type(self.parents.get(value)) is cst.Return else reads
        found = [read for read in reads if read not in returned]
        for call in calls:
            if assigned_target(self.parents.get(call), call) is None:
                found.append(call)
                continue
            kept = self.setting_reads(call, depth + 1)  # `key = get_api_key()` ... `OpenAI(api_key=key)`
            if kept is None:
                return None
            found += kept
        return found

    def returned_setting(self, function: Scope) -> cst.BaseExpression | None:
        """The one value a module-level function returns on every path, read by name: the value
        itself (`return os.environ["OPENAI_API_KEY"]`) or a local bound once to it (`key =
        os.getenv(...)`, checked, `return key`); None when some path returns another value, or
        none (a bare `return`, the end of the body), or the function is a generator."""
        node = function.node
        if (
            type(node) is not cst.FunctionDef
            or not self._module_level(function)
            or not function.returns
            or function.yields
            or type(node.body) is not cst.IndentedBlock
        ):
            return None
        last = node.body.body[-1]
        if type(last) is not cst.SimpleStatementLine or type(last.body[-1]) is not cst.Return:
            return None
        found: cst.BaseExpression | None = None
        for returned in function.returns:
            source = returned
            if type(returned) is cst.Name:
                bindings = function.bindings.get(returned.value, [])
                if len(bindings) != 1 or bindings[0].value is None or type(bindings[0].target) is not cst.Name:
                    return None
                source = bindings[0].value
            source = unstripped(source)
            if found is not None and source is not found:
                return None
            found = source
        return None if found is None or _bare_return(node) else found

    def returned_values(self, function: Scope) -> list[cst.BaseExpression]:
        """What `function` returns, each local name bound once followed to its value; a
        function that may end without a `return` (a bare one, or the end of its body) also
        gives `None`, as the name `None`."""
        node = function.node
        values: list[cst.BaseExpression] = []
        for returned in function.returns:
            bindings = function.bindings.get(returned.value, []) if type(returned) is cst.Name else []
            bound = bindings[0].value if len(bindings) == 1 and type(bindings[0].target) is cst.Name else None
            values.append(bound if bound is not None else returned)
        if type(node) is cst.FunctionDef and type(node.body) is cst.IndentedBlock:
            last = node.body.body[-1]
            ends = type(last) is cst.SimpleStatementLine and type(last.body[-1]) in (cst.Return, cst.Raise)
            if not ends or _bare_return(node):
                values.append(cst.Name("None"))
        return values

    def other_call(self, function: Scope) -> cst.Call | None:
        """The first call of `function` other than a lookup of a variable or what reports and
        stops (`raise ValueError(...)`, `print`, `logging`), such as `load_dotenv()`: replaced by
        a lookup, a call of the function would lose it. None when there is none."""
        stack: list[cst.CSTNode] = [function.node.body]  # type: ignore[attr-defined]
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind in (cst.Raise, cst.FunctionDef, cst.ClassDef, cst.Lambda):
                continue
            if kind is cst.Call:
                assert isinstance(node, cst.Call)
                name = dotted_name(node.func) or ""
                if env_lookup(node) is None and name.partition(".")[0] not in _GUARD_CALLS:
                    return node
            stack.extend(reversed(node.children))
        return None

    def function_calls(self, function: Scope) -> list[cst.Call] | None:
        """The calls of a module-level function in this module (`get_api_key()`, no arguments),
        or None when its name is used otherwise too (handed on, decorated onto something)."""
        node = function.node
        assert isinstance(node, cst.FunctionDef)
        calls: list[cst.Call] = []
        owner = function.parent
        if owner is not None and owner.kind == "class":
            # a method: `Config.get_key()`, `self.get_key()` (no other `.get_key` in the module)
            reads = self._class_attribute_reads(owner, node.name.value)
            if reads is None:
                return None
            for read in reads:
                call = self.parents.get(read)
                if type(call) is not cst.Call or call.func is not read or call.args:
                    return None
                calls.append(call)
            return calls
        for use in self.uses(node.name.value, self.model.module_scope, node.name):
            call = self.parents.get(use)
            if type(call) is not cst.Call or call.func is not use or call.args:
                return None
            calls.append(call)
        return calls

    def called_function(self, call: cst.Call, scope: Scope) -> Scope | None:
        """The module-level function or method of a module-level class `call` calls with no
        arguments (`get_api_key()`, `Config.get_api_key()`, `self.get_api_key()`)."""
        func = call.func
        if call.args:
            return None
        if type(func) is cst.Attribute and type(func.value) is cst.Name:
            base = func.value.value
            klass: Scope | None = None
            if base in ("self", "cls"):
                klass = scope.enclosing_class()
            else:
                found = self.model.lookup(base, scope)
                klass = found[0].defines if len(found) == 1 else None
            if klass is None or klass.kind != "class":
                return None
            bindings = klass.bindings.get(func.attr.value, [])
        elif type(func) is cst.Name:
            bindings = self.model.lookup(func.value, scope)
        else:
            return None
        defines = bindings[0].defines if len(bindings) == 1 else None
        if defines is None or defines.kind != "function" or not self._module_level(defines):
            return None
        return defines

    def _module_level(self, function: Scope) -> bool:
        """A module-level function, or a method of a module-level class."""
        owner = function.parent
        module = self.model.module_scope
        return owner is module or (owner is not None and owner.kind == "class" and owner.parent is module)

    def returning_function(self, value: cst.BaseExpression) -> Scope | None:
        """The module-level function that returns `value` on every path (`returned_setting`),
        kept in a local or returned as it is."""
        kept = self._stripped(value)
        parent = self.parents.get(kept)
        holder = parent if type(parent) is cst.Return else assigned_target(parent, kept)
        scope = self.scope_of(holder) if holder is not None else None
        if scope is None or scope.kind != "function" or self.returned_setting(scope) is not value:
            return None
        return scope

    def _entry_reads(self, element: cst.DictElement) -> list[cst.BaseExpression] | None:
        key = string_value(element.key)
        mapping = self.parents.get(element)
        target = assigned_target(self.parents.get(mapping), mapping) if mapping is not None else None
        if key is None or target is None:
            return None
        scope = self.scope_of(target)
        if len(scope.bindings.get(target.value, [])) != 1 or scope.kind == "class":
            return None
        reads: list[cst.BaseExpression] = []
        for use in self.uses(target.value, scope, target):
            # every use must read one literal key: the dict going anywhere whole hides its reads
            read_key, read = self._keyed_read(use)
            if read is None:
                return None
            if read_key == key:
                reads.append(read)
        return reads

    def _keyed_read(self, use: cst.Name) -> tuple[str | None, cst.BaseExpression | None]:
        parent = self.parents.get(use)
        if isinstance(parent, cst.Subscript) and parent.value is use and len(parent.slice) == 1:
            index = parent.slice[0].slice
            key = string_value(index.value) if isinstance(index, cst.Index) else None
            return key, parent if key is not None else None
        outer = self.parents.get(parent) if parent is not None else None
        if isinstance(parent, cst.Attribute) and parent.attr.value == "get" and isinstance(outer, cst.Call):
            key = string_value(outer.args[0].value) if outer.args else None
            return key, outer if key is not None else None
        return None, None

    def _class_attribute_reads(self, klass: Scope, name: str) -> list[cst.BaseExpression] | None:
        """`self.name`/`cls.name` in the class's methods and `Klass.name` or `instance.name`
        anywhere; None when some `.name` of the module may be another object's."""
        assert isinstance(klass.node, cst.ClassDef)
        class_name = klass.node.name.value
        instances = self._instances(class_name)
        reads: list[cst.BaseExpression] = []
        for node in self.names.get(name, ()):
            attribute = self.parents.get(node)
            if not (isinstance(attribute, cst.Attribute) and attribute.attr is node):
                continue
            base = dotted_name(attribute.value)
            inside = self._encloses(klass.node, attribute)
            if not (base == class_name or base in instances or (base in ("self", "cls") and inside)):
                return None
            if isinstance(self.parents.get(attribute), cst.AssignTarget):
                return None  # set again elsewhere
            reads.append(attribute)
        return reads

    def _instances(self, class_name: str) -> set[str]:
        """Module-level names bound once, to `ClassName(...)`."""
        found = set()
        for name, bindings in self.model.module_scope.bindings.items():
            value = bindings[0].value if len(bindings) == 1 else None
            if isinstance(value, cst.Call) and dotted_name(value.func) == class_name:
                found.add(name)
        return found

    def _encloses(self, outer: cst.CSTNode, node: cst.CSTNode) -> bool:
        current: cst.CSTNode | None = node
        while current is not None and current is not outer:
            current = self.parents.get(current)
        return current is outer

    def setting_source(self, expr: cst.BaseExpression, scope: Scope) -> cst.BaseExpression | None:
        """The one value a setting read (`N`, `D["key"]`, `self.key`, `Config.key`) can hold."""
        if isinstance(expr, cst.Name):
            bindings = self.model.lookup(expr.value, scope)
            if len(bindings) != 1 or isinstance(bindings[0].target, cst.Param) or bindings[0].value is None:
                return None
            value = unstripped(bindings[0].value)
            if type(value) is cst.Call and not value.args:
                # `KEY = get_api_key()`: what the getter returns on every path
                return self.setting_source(value, bindings[0].scope) or value
            return value
        if isinstance(expr, cst.Attribute):
            dotted = dotted_name(expr)
            bindings = self.model.attribute_lookup(dotted, scope) if dotted else []
            if not bindings and isinstance(expr.value, cst.Name):
                # `Config.key` / `settings.key`: the class body's binding
                for binding in self.model.lookup(expr.value.value, scope):
                    klass = self._class_of(binding.target, binding.value)
                    if klass is not None:
                        bindings = klass.bindings.get(expr.attr.value, [])
            return bindings[0].value if len(bindings) == 1 else None
        if type(expr) is cst.Call:
            function = self.called_function(expr, scope)
            return self.returned_setting(function) if function is not None else None
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name) and len(expr.slice) == 1:
            index = expr.slice[0].slice
            key = string_value(index.value) if isinstance(index, cst.Index) else None
            mapping = self.setting_source(expr.value, scope)
            if key is None or not isinstance(mapping, cst.Dict):
                return None
            entries = [e for e in mapping.elements if isinstance(e, cst.DictElement) and string_value(e.key) == key]
            return entries[0].value if len(entries) == 1 else None
        return None

    def _class_of(self, target: cst.CSTNode | None, value: cst.BaseExpression | None) -> Scope | None:
        """The class scope a binding names: the class itself, or an instance `Klass(...)`."""
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            bindings = self.model.lookup(value.func.value, self.model.module_scope)
            target = bindings[0].target if len(bindings) == 1 else None
        klass = self.owners.get(self.parents.get(target)) if target is not None else None  # type: ignore[arg-type]
        return klass if klass is not None and klass.kind == "class" else None

    # -- clients -------------------------------------------------------------------------------

    @functools.cached_property
    def constructions(self) -> dict[cst.CSTNode, Client]:
        return {c.construction: c for c in self.model.clients if c.construction is not None}

    def client_option(self, node: cst.CSTNode) -> tuple[Client, str] | None:
        """(client, keyword) when `node` is the value of a keyword of a client's constructor."""
        arg = self.parents.get(node)
        if not (isinstance(arg, cst.Arg) and arg.value is node and arg.keyword is not None):
            return None
        client = self.constructions.get(self.parents.get(arg))  # type: ignore[arg-type]
        return (client, arg.keyword.value) if client is not None else None

    @functools.cached_property
    def _frameworks(self) -> dict[cst.CSTNode, str]:
        return {call: kind for call, _, kind in self.model.framework_calls if kind in LANGCHAIN_KINDS}

    def _langchain_option(self, node: cst.CSTNode) -> tuple[cst.Call, str] | None:
        arg = self.parents.get(node)
        if not (isinstance(arg, cst.Arg) and arg.value is node and arg.keyword is not None):
            return None
        call = self.parents.get(arg)
        return (call, arg.keyword.value) if isinstance(call, cst.Call) and call in self._frameworks else None

    def key_sink(self, read: cst.CSTNode) -> Sink | None:
        """Whether `read` is the key of a client glm-migrate moves to Z.AI (or touches), or None."""
        option = self.client_option(read)
        if option is not None:
            client, keyword = option
            return self.client_sink(client) if keyword == "api_key" else None
        if self.module_setting(read) == "api_key":
            if self.model.module_client.target is Target.OTHER:
                return None
            return Sink.MOVING if wants_module_settings(self.model) else Sink.STAYING
        langchain = self._langchain_option(read)
        if langchain is not None and langchain[1] in KEY_KEYWORDS:
            call = langchain[0]
            base = next((a.value for a in call.args if a.keyword is not None and a.keyword.value in URL_KEYWORDS), None)
            target = self.model.classify_base_url(base, default=Target.OPENAI)
            return _TARGET_SINKS.get(target)
        return None

    def other_servers_key(self, read: cst.CSTNode) -> bool:
        """`read` is the key of a client of another server (an SDK client or LangChain's class
        given a `base_url` that is neither OpenAI's nor Z.AI's): the migration leaves it alone."""
        option = self.client_option(read) or self._langchain_option(read)
        if option is None or option[1] not in KEY_KEYWORDS:
            return False
        if isinstance(option[0], Client):
            # the server the client names, not its target: one used only for the account's
            # files is OTHER too, and stays with OpenAI, whose key it keeps (reported)
            base = option[0].base_url
        else:
            call = option[0]
            base = next((a.value for a in call.args if a.keyword is not None and a.keyword.value in URL_KEYWORDS), None)
        if base is None:
            return False
        return self.model.classify_base_url(base, default=Target.OPENAI, scope=self.scope_of(base)) is Target.OTHER

    def client_sink(self, client: Client) -> Sink | None:
        """Where a client goes, for its key; None for a client glm-migrate leaves alone."""
        if client.target is Target.OTHER:
            return None
        if client.target is Target.ZAI:
            return Sink.ZAI
        return Sink.MOVING if self.repointed(client) else Sink.STAYING

    def repointed(self, client: Client) -> bool:
        """The client talks to OpenAI now and to Z.AI after the migration: it has no `base_url`
        or OpenAI's (and glm-migrate can repoint it), or its `base_url` is a setting read from
        OpenAI's variable (GLM009 moves it)."""
        if client.target is Target.OPENAI and client.sdk in ("openai", "azure"):
            return repoint_blocker(self.model, client) is None
        base = client.kwarg("base_url")
        if client.sdk != "openai" or client.target is not Target.UNKNOWN or base is None:
            return False
        if program_set_key(self.model, client) is not None:
            return False  # its key is the one the program writes to OPENAI_API_KEY: moved by hand
        source = self.setting_source(base.value, client.scope)
        return source is not None and self.moves_base_url(source)

    def moves_base_url(self, lookup: cst.BaseExpression) -> bool:
        """`lookup` reads OpenAI's base-URL variable (with OpenAI's URL or no default) into a
        setting whose every read is a client's `base_url`: renaming the variable repoints them."""
        env = env_lookup(lookup)
        if env is None or env[0] not in self.model.tables.openai_base_url_envs:
            return False
        default = string_value(env[1]) if env[1] is not None else ""
        if default is None or (default and (urlparse(default).hostname or "") not in self.model.tables.openai_hosts):
            return False
        reads = self.setting_reads(lookup)
        if not reads:
            return False
        for read in reads:
            option = self.client_option(read)
            if option is None or option[1] != "base_url" or option[0].sdk != "openai":
                return False
            if option[0].account_only:
                return False  # a client used only for the account's files and batches stays with OpenAI
            if program_set_key(self.model, option[0]) is not None:
                return False  # a client moved by hand with the key the program sets: its URL too
        return True

    def read_elsewhere(self, value: cst.BaseExpression) -> str | None:
        """The module that imports the module-level variable `value` is assigned to and passes
        it as a client's key (the project index, `ModuleFacts.read_keys`): a read not seen here."""
        function = self.returning_function(value)
        if function is not None and function.parent is self.model.module_scope:
            assert isinstance(function.node, cst.FunctionDef)
            return self.model.facts.read_keys.get(function.node.name.value)
        target = assigned_target(self.parents.get(value), value)
        if target is None or self.scope_of(target) is not self.model.module_scope:
            return None
        return self.model.facts.read_keys.get(target.value)

    def handed_elsewhere(self, value: cst.BaseExpression) -> str | None:
        """The module that imports the module-level variable `value` is assigned to and hands it
        on in a dict (a response, a request's headers; `ModuleFacts.handed_keys`): a reader that
        is no client, which keeps the key it gets for OpenAI."""
        if not self.model.facts.handed_keys:
            return None
        target = assigned_target(self.parents.get(value), value)
        if target is None:
            return None
        scope = self.scope_of(target)
        if scope is self.model.module_scope:
            return self.model.facts.handed_keys.get(target.value)
        # `class Config: OPENAI_API_KEY = os.getenv(...)`, handed on as `Config.OPENAI_API_KEY`
        if scope.kind == "class" and scope.parent is self.model.module_scope and type(scope.node) is cst.ClassDef:
            return self.model.facts.handed_keys.get(f"{scope.node.name.value}.{target.value}")
        return None

    def key_alone(self, read: cst.CSTNode) -> bool:
        """`read` is given to `openai.api_key` in a module that sends no request through the
        module client and sets no URL for it: what uses that client (a library, another module)
        may still talk to OpenAI, so its key alone moves only unsafely (as GLM001 renames it)."""
        if self.module_setting(read) != "api_key":
            return False
        return not module_client_called(self.model) and not module_setting(self.model, "base_url")

    def module_setting(self, node: cst.CSTNode) -> str | None:
        """`attribute` when `node` is assigned to `openai.<attribute>`."""
        for assignment in self.model.module_attributes:
            if assignment.value is node:
                return assignment.attribute
        return None


def feeds_only_moving_clients(index: ModuleIndex, lookup: cst.BaseExpression) -> bool:
    """The key read by `lookup` goes into a setting whose every read is the key of a client
    moved to Z.AI, or a guard of it (`if not key: raise ...`): the setting can read
    `ZAI_API_KEY` safely (GLM009's safe rename). A setting only guards read guards the key the
    module's clients read themselves: so only where all of them move (`every_key_reader_moves`).
    A setting another module imports as a client's key has reads not seen here."""
    if index.read_elsewhere(lookup) is not None or index.handed_elsewhere(lookup) is not None:
        return False
    reads = index.setting_reads(lookup) or []
    if not reads:
        return False
    moving = [read for read in reads if index.key_sink(read) is Sink.MOVING and not index.key_alone(read)]
    if not all(read in moving or key_guard(index, read) for read in reads):
        return False
    return bool(moving) or every_key_reader_moves(index)


def feeds_only_other_servers(index: ModuleIndex, lookup: cst.BaseExpression) -> bool:
    """The key read by `lookup` goes into a setting whose every read is the key of a client of
    another server (`base_url="https://api.siliconflow.cn/v1/"`), or a guard of it: those clients
    stay, and so does their key, as a lookup given to them directly does (no finding). A setting
    another module imports has reads not seen here."""
    if index.read_elsewhere(lookup) is not None or index.handed_elsewhere(lookup) is not None:
        return False
    reads = index.setting_reads(lookup) or []
    others = [read for read in reads if index.other_servers_key(read)]
    return bool(others) and all(read in others or key_guard(index, read) for read in reads)


#: what a guard's branch may call besides building a moving client: report, then stop
_GUARD_CALLS = frozenset({"print", "exit", "quit", "sys", "os", "logging", "logger", "log", "warnings", "st", "click"})


def key_guard(index: ModuleIndex, read: cst.CSTNode) -> bool:
    """`read` (of a key) is only tested for being set, by an `assert`, or by an `if` or a
    conditional expression whose branches do nothing but report and stop (`raise`, `sys.exit(1)`,
    `st.stop()`) or build clients moved to Z.AI (`OpenAI() if key else None`). Left on OpenAI's
    variable once those clients read `ZAI_API_KEY`, such a guard stops a program that has only
    Z.AI's key."""
    return _guarding(index, read) is not None


def guard_messages(index: ModuleIndex, read: cst.CSTNode, name: str) -> list[cst.SimpleString]:
    """The string literals of `read`'s guard (see `key_guard`) that name the variable `name`
    (`raise SystemExit("set OPENAI_API_KEY")`): renamed with the variable, they say what to set."""
    guard = _guarding(index, read)
    # `os.environ["OPENAI_API_KEY"]` in a `try` whose `except KeyError:` reports and stops
    handlers = _missing_key_handlers(index, read)
    if guard is None and not handlers:
        return []
    word = re.compile(rf"\b{re.escape(name)}\b")
    return [
        literal
        for literal, _ in index.model.string_literals
        if word.search(literal.value)
        and (
            (guard is not None and index.model.inside(literal, guard) and not index.model.inside(literal, guard.test))
            or any(index.model.inside(literal, handler) for handler in handlers)
        )
    ]


#: the exceptions a handler names that a missing key (`os.environ[...]`'s KeyError) reaches
_MISSING_KEY_ERRORS = frozenset({"KeyError", "LookupError", "Exception", "BaseException"})


def _missing_key_handlers(index: ModuleIndex, read: cst.CSTNode) -> list[cst.ExceptHandler]:
    """For a subscript lookup `read` (`os.environ[name]`) in a `try` body: its handlers that
    catch the KeyError of an unset variable and only report and stop (see `key_guard`)."""
    if type(read) is not cst.Subscript:
        return []
    node: cst.CSTNode | None = index.parents.get(read)
    while node is not None and type(node) is not cst.Try:
        if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda | cst.ExceptHandler | cst.Finally):
            return []
        node = index.parents.get(node)
    if not isinstance(node, cst.Try) or not index.model.inside(read, node.body):
        return []
    handlers = []
    for handler in node.handlers:
        caught = handler.type
        names = [e.value for e in caught.elements] if type(caught) is cst.Tuple else [caught] if caught else []
        named = [dotted_name(name) for name in names]
        if (caught is None or _MISSING_KEY_ERRORS.intersection(named)) and _guard_block(index, handler.body):
            handlers.append(handler)
    return handlers


def _guarding(index: ModuleIndex, read: cst.CSTNode) -> cst.If | cst.IfExp | cst.Assert | None:
    """The `assert`, `if` or conditional expression making `read` a key guard (`key_guard`), or None."""
    child: cst.CSTNode = read
    parent = index.parents.get(read)
    while parent is not None and type(parent) in _TESTING:
        child, parent = parent, index.parents.get(parent)
    if type(parent) is cst.Assert:
        return parent if child is parent.test else None
    if isinstance(parent, cst.IfExp):
        guards = child is parent.test and all(_guard_value(index, v) for v in (parent.body, parent.orelse))
        return parent if guards else None
    if not isinstance(parent, cst.If) or child is not parent.test or isinstance(parent.orelse, cst.If):
        return None
    blocks = [parent.body] if parent.orelse is None else [parent.body, parent.orelse.body]
    return parent if all(_guard_block(index, block) for block in blocks) else None


#: what a test holds its tested value in: `not key`, `key is None`, `a and b`
_TESTING = (cst.UnaryOperation, cst.Comparison, cst.ComparisonTarget, cst.BooleanOperation, cst.NamedExpr)


def _guard_block(index: ModuleIndex, block: cst.BaseSuite) -> bool:
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        if type(statement) is not cst.SimpleStatementLine and not isinstance(statement, cst.SimpleStatementSuite):
            return False
        for small in statement.body:
            kind = type(small)
            if kind is cst.Expr:
                call = small.value  # type: ignore[attr-defined]
                name = dotted_name(call.func) if type(call) is cst.Call else None
                if name is None or name.partition(".")[0] not in _GUARD_CALLS:
                    return False
            elif kind in (cst.Assign, cst.AnnAssign, cst.Return):
                value = small.value  # type: ignore[attr-defined]
                if value is not None and not _guard_value(index, value):
                    return False
            elif kind not in (cst.Raise, cst.Pass):
                return False
    return True


def _guard_value(index: ModuleIndex, value: cst.BaseExpression) -> bool:
    """None, a literal, or the construction of a client moved to Z.AI."""
    if type(value) is cst.Name:
        return value.value == "None"
    if isinstance(value, cst.SimpleString | cst.Integer):
        return True
    client = index.constructions.get(value)
    return client is not None and index.client_sink(client) is Sink.MOVING


def every_key_reader_moves(index: ModuleIndex) -> bool:
    """Every client of the module that talks to OpenAI is moved to Z.AI, and nothing else of it
    (a LangChain class, LiteLLM, the `openai` module's own client) reads OpenAI's key: a test of
    whether OpenAI's key is set then guards only what reads Z.AI's after the migration."""
    model = index.model
    if model.framework_calls or model.module_client_used:
        return False
    clients = [c for c in model.clients if c.target is Target.OPENAI]
    return bool(clients) and all(index.client_sink(c) is Sink.MOVING for c in clients)


def key_setting_followed(
    model: SemanticModel, tables: Tables, key_env: str, value: cst.BaseExpression, scope: Scope
) -> bool:
    """A client's key taken from a module setting that other rules follow to its source: an
    OpenAI variable (GLM009) or a literal key (GLM003); so the client needs no word of its own."""
    source = ModuleIndex(model).setting_source(value, scope)
    env = env_lookup(source) if source is not None else None
    if env is not None:
        return env[0] in tables.openai_key_envs or env[0] == key_env
    key = string_value(source)
    return key is not None and tables.looks_like_key(key)


def key_setting_moves(
    model: SemanticModel, tables: Tables, key_env: str, value: cst.BaseExpression, scope: Scope
) -> bool:
    """`key_setting_followed`, and moved to Z.AI's key by a safe fix where the client moves:
    a literal (GLM003), or an OpenAI variable every read of which is the key of a client moved
    to Z.AI (GLM009's safe rename). A setting that also feeds a client that stays keeps OpenAI's key."""
    if not key_setting_followed(model, tables, key_env, value, scope):
        return False
    index = ModuleIndex(model)
    source = index.setting_source(value, scope)
    env = env_lookup(source) if source is not None else None
    return env is None or env[0] == key_env or (source is not None and feeds_only_moving_clients(index, source))


def assigned_target(statement: cst.CSTNode | None, value: cst.CSTNode | None) -> cst.Name | None:
    """The one name `name = value` or `name: T = value` binds."""
    if isinstance(statement, cst.Assign) and statement.value is value and len(statement.targets) == 1:
        target = statement.targets[0].target
        return target if isinstance(target, cst.Name) else None
    if isinstance(statement, cst.AnnAssign) and statement.value is value and isinstance(statement.target, cst.Name):
        return statement.target
    return None


#: string methods that clean a key read from the environment (of whitespace, of the quotes a
#: `.env` file left around it) and leave it that key: `os.getenv("OPENAI_API_KEY", "").strip()`,
#: `.replace('"', "")`
_CLEANING = frozenset({"strip", "lstrip", "rstrip", "replace"})


def _cleaning(call: cst.Call) -> bool:
    """`call` is `x.strip()` (or `.lstrip()`, `.rstrip()`, with string arguments) or
    `x.replace("old", "new")`, with string literals."""
    func = call.func
    if type(func) is not cst.Attribute or func.attr.value not in _CLEANING:
        return False
    if any(arg.keyword is not None or arg.star or type(arg.value) is not cst.SimpleString for arg in call.args):
        return False
    return len(call.args) == 2 if func.attr.value == "replace" else len(call.args) <= 1


def unstripped(value: cst.BaseExpression) -> cst.BaseExpression:
    """`value` of `value.strip()` (`_CLEANING`): a key read and stripped of its newline (or of its
    quotes) is still that key."""
    while type(value) is cst.Call and _cleaning(value):
        value = cast(cst.Attribute, value.func).value
    return value


def _bare_return(function: cst.FunctionDef) -> bool:
    """A `return` without a value in `function`'s own code (nested functions and classes left out)."""
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.Return and node.value is None:  # type: ignore[attr-defined]
            return True
        if kind not in (cst.FunctionDef, cst.ClassDef, cst.Lambda) and not isinstance(node, cst.BaseExpression):
            stack.extend(node.children)
    return False


def _not_a_read(name: cst.Name, parent: cst.CSTNode | None) -> bool:
    """An attribute's or keyword's name, or a name a statement binds (not a use of a variable)."""
    if isinstance(parent, cst.Attribute):
        return parent.attr is name
    if isinstance(parent, cst.Arg):
        return parent.keyword is name
    if isinstance(parent, cst.FunctionDef | cst.ClassDef | cst.Param):
        return parent.name is name
    return isinstance(parent, cst.ImportAlias | cst.AsName | cst.AssignTarget)
