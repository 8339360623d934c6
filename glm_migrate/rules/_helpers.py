"""Small tree edits shared by rules: keyword arguments, literals and environment lookups.

Every helper keeps the author's layout: quote style, one-line or one-argument-per-line calls,
trailing commas, and comments beside the argument they were written beside (see `layout`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import libcst as cst

from glm_migrate import layout
from glm_migrate.defaults import argparse_arguments, argparse_default, declarations
from glm_migrate.diagnostics import Applicability
from glm_migrate.nodes import ENVIRON_NAMES, IMAGE_PARTS, literals_in, names_in, os_dotted_name, short_code
from glm_migrate.project import KEY_SEEN, KEY_UNSEEN
from glm_migrate.rules._base import Fix, Rule
from glm_migrate.rules._settings_class import settings_field_envs
from glm_migrate.semantic import (
    ApiCall,
    Scope,
    SemanticModel,
    dotted_name,
    evaluated,
    find_kwarg,
    gives_none_when_unset,
    string_value,
)
from glm_migrate.semantic import code_of as code_of  # the rules' helper too
from glm_migrate.splats import SplatMapping, resolve_splat
from glm_migrate.tables import Range, Tables, UnsupportedParam
from glm_migrate.targets import TargetProfile


def add_kwarg(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Append `name=value` after the last argument, in the call's own layout."""
    new = cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    return layout.append(call, new)


def remove_kwargs(call: cst.Call, names: set[str] | frozenset[str]) -> cst.Call:
    """Drop keyword arguments by name; their comments stay where they were."""
    return layout.remove(
        call, lambda arg: isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value in names
    )


def left_out(model: SemanticModel, tables: Tables, value: cst.BaseExpression, scope: Scope) -> bool:
    """Whether `value` is the SDK's stand-in for an argument not sent (`tool_choice=NOT_GIVEN`,
    `n=openai.omit`, `NotGiven()`): the request goes without the keyword."""
    if type(value) is cst.Call:
        return not value.args and bool(model.qualified_names(value.func, scope) & tables.sdk.omitted_classes)
    if type(value) is not cst.Name and type(value) is not cst.Attribute:
        return False
    return bool(model.qualified_names(value, scope) & tables.sdk.omitted_values)


def remove_unsupported(call: cst.Call, arg: cst.Arg, spec: UnsupportedParam) -> Fix:
    """The fix that drops `arg`, a request parameter GLM does not take: safe where it passes
    OpenAI's default (leaving it out sends the same request to OpenAI), unsafe otherwise."""
    assert arg.keyword is not None
    name = arg.keyword.value
    at_default = spec.default is not None and literal_value(arg.value) == spec.default
    return Fix(
        ((call, functools.partial(remove_kwargs, names={name})),),
        f"Remove `{name}=`" + (f" (`{code_of(arg.value)}` is OpenAI's default)" if at_default else ""),
        applicability=Applicability.SAFE if at_default else Applicability.UNSAFE,
    )


def first_stop_only(value: cst.BaseExpression) -> tuple[int, Fix] | None:
    """For a `stop=` list or tuple literal of several sequences (GLM takes one): how many, and
    the fix that keeps the first (unsafe: generation no longer stops at the others)."""
    if not isinstance(value, cst.List | cst.Tuple) or len(value.elements) <= 1:
        return None
    first = value.elements[0]
    if isinstance(first, cst.StarredElement):
        return None  # its size is unknown
    # A one-element tuple needs its comma; a list does not.
    kept = first.with_changes(comma=cst.Comma() if isinstance(value, cst.Tuple) else cst.MaybeSentinel.DEFAULT)

    def keep_first(node: cst.CSTNode) -> cst.CSTNode:
        return node.with_changes(elements=[kept])

    return len(value.elements), Fix(((value, keep_first),), f"Keep only `{code_of(first.value)}`")


def replace_with(new: cst.CSTNode) -> Callable[[cst.CSTNode], cst.CSTNode]:
    """An edit that replaces whatever node it is given with `new`."""
    return lambda _: new


def rename_kwarg(arg: cst.Arg, name: str) -> cst.Arg:
    assert arg.keyword is not None
    return arg.with_changes(keyword=arg.keyword.with_changes(value=name))


def replace_string(node: cst.SimpleString, value: str) -> cst.SimpleString:
    """The same literal (prefix and quotes kept) holding `value`."""
    return node.with_changes(value=f"{node.prefix}{node.quote}{value}{node.quote}")


def greedy_sources(
    model: SemanticModel, value: cst.BaseExpression, scope: Scope, depth: int = 0
) -> list[tuple[cst.BaseExpression, str]]:
    """The number literals at or below 0 that `temperature=value` may send when `value` is a name
    or an attribute, each with how it gets there: what the name is bound to (a constant, a field's
    or a parameter's default, followed through `self.temperature = temperature`), what this
    module's calls pass for such a parameter (`ask(q, temperature=0)`), and the default of the
    argparse option filling `args.temperature`."""
    if type(value) not in (cst.Name, cst.Attribute) or depth > 3:
        return []
    shown = code_of(value)
    found: list[tuple[cst.BaseExpression, str]] = []
    bindings = model.bindings_of(value, scope)
    if not bindings and type(value) is cst.Attribute:
        declared = argparse_default(model, value, scope)
        if declared is not None:
            return [(d, f"the default of the option filling `{shown}`") for d in declared if _at_most_zero(d)]
        bindings = model.member_bindings(value, scope)
    for binding in bindings:
        target, bound = binding.target, binding.value
        if type(target) is cst.Param:
            if len(bindings) > 1:
                continue  # `temperature = temperature if temperature > 0 else 0.7`: the parameter is replaced
            if bound is not None and _at_most_zero(bound):
                found.append((bound, f"the default of `{target.name.value}`"))
            function = model.owner(target.name.value, scope)
            if function is not None:
                found.extend(
                    (argument, f"passed for `{target.name.value}`")
                    for argument, _ in model.arguments_for(target, function)
                    if _at_most_zero(argument)
                )
        elif bound is not None and _at_most_zero(bound):
            found.append((bound, f"the value of `{shown}`"))
        elif bound is not None and type(bound) in (cst.Name, cst.Attribute):
            found.extend(greedy_sources(model, bound, binding.scope, depth + 1))
    return found


def _at_most_zero(node: cst.BaseExpression) -> bool:
    number = number_value(node)
    return number is not None and number <= 0


def number_value(node: cst.BaseExpression) -> float | None:
    """The value of an int/float literal, negative ones included, else None."""
    # int()/float() read every literal form (0x1F, 1_000, 1e-3) without `evaluated_value`'s
    # ast.literal_eval, a compile per literal.
    # type() tests, not isinstance(): see glm_migrate.cst.common.node_types
    if type(node) is cst.Integer:
        return float(int(node.value, 0))
    if type(node) is cst.Float:
        return float(node.value)
    if type(node) is cst.UnaryOperation and type(node.operator) is cst.Minus:
        inner = number_value(node.expression)
        return -inner if inner is not None else None
    return None


def limit_of(tables: Tables, name: str) -> Range | None:
    """The target's range for request parameter `name` (`rules/parameters.toml`), under its GLM name."""
    return tables.limits.get(tables.renamed_params.get(name, name))


def out_of_range(rule: Rule, name: str, node: cst.BaseExpression) -> tuple[str, Fix] | None:
    """For a literal request parameter `name=node` outside the target's range
    (`rules/parameters.toml`): what `rule` says, and the fix that clamps it."""
    tables = rule.tables
    limit = limit_of(tables, name)
    if limit is None:
        return None
    value = number_value(node)
    if value is None or limit.min <= value <= limit.max:
        return None
    clamped = min(max(value, limit.min), limit.max)
    message = (
        f"`{name}={_shown(value)}` is outside {rule.target_name}'s range [{_shown(limit.min)}, {_shown(limit.max)}]"
    )
    return message, Fix(((node, replace_with(number_literal(clamped, node))),), f"Clamp to `{_shown(clamped)}`")


def _shown(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def number_literal(value: float, like: cst.BaseExpression) -> cst.BaseExpression:
    """A literal for `value`, an int when `like` was an int and the value is whole."""
    if isinstance(like, cst.Integer) and value == int(value):
        return cst.Integer(str(int(value)))
    return cst.Float(repr(float(value)))


def env_key_lookup(name: str) -> cst.BaseExpression:
    """`os.environ["NAME"]`: fails loudly when unset, where os.getenv would let the OpenAI SDK
    fall back to OPENAI_API_KEY and send that key to Z.AI."""
    return _parsed_expression(f'os.environ["{name}"]')


def renamed_key_lookup(node: cst.BaseExpression, name: str) -> cst.BaseExpression:
    """A client's key read from variable `name` instead: in the lookup's own shape, except one
    that gives None when unset, which becomes `os.environ["NAME"]` (see `env_key_lookup`)."""
    return env_key_lookup(name) if gives_none_when_unset(node) else rename_env_lookup(node, name)


def key_renaming_fix(node: cst.BaseExpression, name: str, applicability: Applicability | None = None) -> Fix:
    """A fix that makes `node`, the lookup of a client's key, read variable `name` instead
    (see `renamed_key_lookup`)."""
    edits = ((node, lambda old: renamed_key_lookup(old, name)),)
    if gives_none_when_unset(node):
        title = f'Read `os.environ["{name}"]` instead (unset, `None` would send `OPENAI_API_KEY` to Z.AI)'
        return Fix(edits, title, ("os",), applicability=applicability)
    return Fix(edits, f"Read `{name}` instead", applicability=applicability)


def chat_messages(model: SemanticModel, call: ApiCall) -> Iterator[cst.Dict]:
    """The message dict literals a chat call bound for Z.AI sends: the elements of the list
    literals its `messages=` is, or a name bound to (messages built at run time are not seen)."""
    arg = call.kwarg("messages")
    if arg is None or call.endpoint != "chat" or not call.migratable:
        return
    for messages in model.literals_of(arg.value, call.scope, cst.List):
        for element in messages.elements:
            if type(element.value) is cst.Dict:
                yield element.value


def sends_images(
    model: SemanticModel, messages: cst.Arg | None, call: cst.Call | None = None, scope: Scope | None = None
) -> bool:
    """A request's `messages=` may hold an image part (`{"type": "image_url", ...}`), which GLM's
    text models do not read: written in the call, or, for messages built elsewhere (a name, a
    helper's result), anywhere in the module (`SemanticModel.image_part`). Without `messages=`,
    a `**params` mapping of `call` (in `scope`) gives them: its `"messages"` entries, or, where
    the mapping cannot be seen, whatever the module may send."""
    if messages is not None:
        return _messages_send_images(model, messages.value, call)
    if call is None or scope is None or _image_part_reaching(model, call) is None:
        return False
    for arg in call.args:
        if arg.star != "**":
            continue
        splat = resolve_splat(model, arg.value, scope)
        sources = splat.sources("messages") if splat is not None else []
        if not sources and (splat is None or splat.open):
            return True  # `create(**params)` built out of view: its messages may be any
        if any(_messages_send_images(model, source.value, call) for source in sources):
            return True
    return False


def _messages_send_images(model: SemanticModel, messages: cst.BaseExpression, call: cst.Call | None) -> bool:
    if any(string_value(s) in IMAGE_PARTS for s in literals_in(messages)):
        return True
    return not _parts_in_view(model, messages) and _image_part_reaching(model, call) is not None


def _image_part_reaching(model: SemanticModel, call: cst.Call | None) -> cst.SimpleString | None:
    """An image part the module writes that may be in `call`'s messages (any, without a call):
    one not spent on another request (`_spent_on`)."""
    if call is None:
        return model.image_part
    requests = {api.node for api in model.api_calls}
    return next((part for part in model.image_parts if _spent_on(model, part, requests) in (None, call)), None)


def _spent_on(model: SemanticModel, part: cst.SimpleString, requests: Collection[cst.Call]) -> cst.Call | None:
    """The one SDK request (of `requests`) an image part goes to, when it can reach no other:
    written in the list of messages given to that call's `messages=`, or in a list or dict a
    function binds to a local name that nothing but that request reads (its `messages=`, a
    message's `content` written there, or its only `**` mapping, `create(**params)`). None where
    it may go further (a list returned, appended to, stored, built in parts, or given to a
    function of the code's own, which may send it anywhere)."""
    node: cst.CSTNode = part
    for _ in range(3):  # the part, then the local names holding what holds it
        parent = model.parents.get(node)
        while parent is not None and type(parent) in (cst.DictElement, cst.Dict, cst.Element, cst.List):
            node, parent = parent, model.parents.get(parent)
        if type(node) not in (cst.List, cst.Dict):
            return None
        if type(parent) is cst.Arg:
            return (
                _messages_of(model, parent, requests) if type(node) is cst.List else _splat_of(model, parent, requests)
            )
        if type(parent) is not cst.Assign or len(parent.targets) != 1:
            return None
        target = parent.targets[0].target
        if type(target) is not cst.Name:
            return None
        scope = model.scope_of(parent)
        if scope.kind != "function" or len(model.lookup(target.value, scope)) != 1:
            return None
        reads = [use for use in model.uses_of(target.value, scope) if use is not target]
        if len(reads) != 1:
            return None
        node = reads[0]
        parent = model.parents.get(node)
        if type(parent) is cst.Arg:
            return _messages_of(model, parent, requests) if parent.star == "" else _splat_of(model, parent, requests)
        if not isinstance(parent, cst.DictElement | cst.Element) or parent.value is not node:
            return None  # read by anything else than a literal holding it on its way
    return None


def _splat_of(model: SemanticModel, arg: cst.Arg, requests: Collection[cst.Call]) -> cst.Call | None:
    """The SDK request (of `requests`) `arg` is the only `**` mapping of."""
    call = model.parents.get(arg)
    if arg.star != "**" or call not in requests:
        return None
    call = cast(cst.Call, call)
    return call if sum(a.star == "**" for a in call.args) == 1 else None


def _messages_of(model: SemanticModel, arg: cst.Arg, requests: Collection[cst.Call]) -> cst.Call | None:
    """The SDK request (of `requests`) `arg` gives its `messages=`."""
    call = model.parents.get(arg)
    if arg.keyword is None or arg.keyword.value != "messages" or call not in requests:
        return None
    return cast(cst.Call, call)


def _parts_in_view(model: SemanticModel, messages: cst.BaseExpression) -> bool:
    """Every content part of a `messages=` list literal is written in it: each message a dict
    whose `content` is text or a list of dict parts, not a list built apart (`content = [...]`,
    `content.append({"type": "image_url", ...})`), nor a message from a name."""
    if type(messages) is not cst.List:
        return False
    for element in messages.elements:
        if type(element.value) is not cst.Dict:
            return False
        for entry in element.value.elements:
            if type(entry) is not cst.DictElement:
                return False
            if string_value(entry.key) != "content":
                continue
            if not _content_in_view(model, entry.value):
                return False
    return True


def _content_in_view(model: SemanticModel, content: cst.BaseExpression) -> bool:
    """A message's `content` is text, or a list of dict parts written in it."""
    if type(content) is cst.List:
        return all(type(part.value) is cst.Dict for part in content.elements)
    if type(content) is cst.Name:
        return not _holds_parts(model, content.value)
    return type(content) in (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)


def _holds_parts(model: SemanticModel, name: str) -> bool:
    """The module builds a list under `name` somewhere (`name = [...]`, `name.append(...)`):
    a message's `content` given it may hold any part."""
    for use in model.names.get(name, []):
        parent = model.parents.get(use)
        if type(parent) is cst.Attribute and parent.attr.value in ("append", "extend", "insert"):
            return True
        assign = model.parents.get(parent) if type(parent) is cst.AssignTarget else None
        if type(assign) is cst.Assign and type(assign.value) in (cst.List, cst.ListComp):
            return True
    return False


def base_url_expression(tables: Tables, region: str, style: str) -> cst.BaseExpression:
    """The base URL a migrated client gets: ZAI_BASE_URL with the region's URL as the default."""
    url = tables.base_url(region)
    if style == "literal":
        return cst.SimpleString(f'"{url}"')
    return _parsed_expression(f'os.environ.get("{tables.base_url_env}", "{url}")')


@functools.lru_cache(maxsize=64)
def _parsed_expression(code: str) -> cst.BaseExpression:
    # Nodes are immutable, so one parsed expression can stand in many places of many trees.
    return cst.parse_expression(code)


def rename_env_lookup(node: cst.BaseExpression, name: str) -> cst.BaseExpression:
    """The same `os.getenv("X"...)` / `os.environ["X"]` shape reading variable `name` instead, or
    the same `"X" in os.environ` test testing it."""
    if isinstance(node, cst.Comparison):
        assert isinstance(node.left, cst.SimpleString)
        return node.with_changes(left=replace_string(node.left, name))
    if isinstance(node, cst.Call):
        first = node.args[0]
        assert isinstance(first.value, cst.SimpleString)
        args = [first.with_changes(value=replace_string(first.value, name)), *node.args[1:]]
        return node.with_changes(args=args)
    assert isinstance(node, cst.Subscript)
    element = node.slice[0]
    assert isinstance(element.slice, cst.Index) and isinstance(element.slice.value, cst.SimpleString)
    index = element.slice.with_changes(value=replace_string(element.slice.value, name))
    return node.with_changes(slice=[element.with_changes(slice=index)])


def dict_entry(mapping: cst.Dict, key: str) -> cst.DictElement | None:
    """The `"key": value` element of a dict literal, if it has one."""
    for element in mapping.elements:
        if type(element) is cst.DictElement and string_value(element.key) == key:
            return element
    return None


def batch_line_ids(model: SemanticModel, tables: Tables) -> dict[cst.SimpleString, cst.Dict]:
    """The model-id literals a Batch API request line of the module sends (`{"custom_id": ...,
    "body": {"model": MODEL, ...}}`, a JSONL line for OpenAI's batch), each with that line: the
    `model` of its body, written there or in a dict the body names, followed to its literals.
    Such an id goes to OpenAI with the batch's file, through no client the run moves."""
    keys = tables.batch_line_keys
    if not keys:
        return {}
    first = keys[0]
    raw = (f'"{first}"', f"'{first}'")
    found: dict[cst.SimpleString, cst.Dict] = {}
    for literal, scope in model.string_literals:
        if literal.value not in raw:
            continue
        element = model.parents.get(literal)
        if type(element) is not cst.DictElement or element.key is not literal:
            continue
        line = model.parents.get(element)
        if type(line) is not cst.Dict:
            continue
        if any(dict_entry(line, key) is None for key in keys[1:]):
            continue
        body = dict_entry(line, keys[-1])
        if body is None:
            continue
        for mapping in _dicts_of(model, body.value, scope):
            entry = dict_entry(mapping, "model")
            if entry is not None:
                for value in model.resolve_strings(entry.value, scope)[0]:
                    found.setdefault(value, line)
    return found


def _dicts_of(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> list[cst.Dict]:
    """The dict literals `value` is: itself, or what a name of its scope is assigned."""
    if type(value) is cst.Dict:
        return [value]
    if type(value) is cst.Name:
        return [b.value for b in model.lookup(value.value, scope) if type(b.value) is cst.Dict]
    return []


def add_dict_entry(mapping: cst.Dict, key: str, value: cst.BaseExpression) -> cst.Dict:
    """Append `"key": value` to a dict literal, in its layout and with its keys' quote style."""
    quote = next(
        (
            e.key.quote
            for e in mapping.elements
            if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
        ),
        '"',
    )
    return layout.append(mapping, cst.DictElement(cst.SimpleString(f"{quote}{key}{quote}"), value))


class GlmOptions:
    """GLM-only request options (`thinking`, `tool_stream`, `do_sample`, ...) of one API call.

    The OpenAI SDK's closed signatures raise TypeError on them, so there they ride in
    `extra_body={...}`; the Zhipu SDKs take them as keyword arguments (which ones: the
    `[glm_options]` table). Reading looks in both places and in visible `**{...}` splats; writing
    picks the form the call's SDK needs, and refuses (`blocker`) where it cannot edit faithfully.
    """

    def __init__(self, call: ApiCall, model: SemanticModel) -> None:
        self.call = call
        self.model = model
        self.tables = model.tables
        self.sdk = model.sdk_of(call)

    @functools.cached_property
    def splat_dicts(self) -> list[cst.Dict] | None:
        """The dict literals `**` splats pass, or None when one cannot be seen."""
        found: list[cst.Dict] = []
        for arg in self.call.node.args:
            if arg.star == "**":
                dicts = self.model.dict_literals(arg.value, self.call.scope)
                if dicts is None:
                    return None
                found.extend(dicts)
        return found

    @functools.cached_property
    def resolved_splats(self) -> dict[cst.Arg, SplatMapping | None]:
        """Each `**` argument of the call, with what it passes where its keys can all be seen (a
        dict built in view, keys stored into it included)."""
        args = self.call.node.args
        cache = self.model.splats_resolved
        for arg in args:
            if arg.star == "**" and arg not in cache:
                cache[arg] = resolve_splat(self.model, arg.value, self.call.scope)
        return {arg: cache[arg] for arg in args if arg.star == "**"}

    @property
    def splat_mappings(self) -> list[SplatMapping]:
        return [mapping for mapping in self.resolved_splats.values() if mapping is not None]

    @functools.cached_property
    def _extra_bodies(self) -> list[cst.Dict] | None:
        values = [a.value for a in self.call.node.args if a.keyword is not None and a.keyword.value == "extra_body"]
        splats = self.splat_dicts or []
        values += [e.value for d in splats if (e := dict_entry(d, "extra_body")) is not None]
        found: list[cst.Dict] = []
        for value in values:
            dicts = self.model.dict_literals(value, self.call.scope)
            if dicts is None:
                return None
            found.extend(dicts)
        return found

    def get(self, name: str) -> tuple[cst.BaseExpression | None, bool]:
        """The option's value where the call sets it, and whether every place it could be was seen."""
        arg = self.call.kwarg(name)
        if arg is not None:
            return arg.value, True
        splats, bodies = self.splat_dicts, self._extra_bodies
        for mapping in (*(splats or ()), *(bodies or ())):
            element = dict_entry(mapping, name)
            if element is not None:
                return element.value, True
        return None, splats is not None and bodies is not None

    def as_keyword(self, name: str) -> bool:
        return self.sdk in self.tables.glm_options.get(name, frozenset())

    def blocker(self, name: str) -> str | None:
        """Why the option cannot be added to this call automatically, or None if it can."""
        if self.sdk is None:
            return "the client's SDK is not known"
        splats = self.splat_dicts
        if splats is None:
            return "a `**` splat glm-migrate cannot see may already set it"
        if self.as_keyword(name):
            return None
        if any(dict_entry(d, "extra_body") for d in splats):
            return "`extra_body` comes from a `**` splat"
        extra_body = self.call.kwarg("extra_body")
        if extra_body is not None and not isinstance(extra_body.value, cst.Dict):
            return f"`extra_body={code_of(extra_body.value)}` is not a dict literal"
        return None

    def form(self, name: str, value: str) -> str:
        """How the option is written for this call's SDK, for fix titles."""
        return f"{name}={value}" if self.as_keyword(name) else f'extra_body={{"{name}": {value}}}'

    def setter(self, name: str, value: str) -> Callable[[cst.Call], cst.Call]:
        """An edit of the call node that sets the option to the expression `value`.

        It reads the already-updated call, so several rules may add options to one call: they
        end up in one `extra_body` dict. A call that already has the option is left as it is.
        """
        keyword = self.as_keyword(name)

        def edit(call: cst.Call) -> cst.Call:
            expression = _parsed_expression(value)
            if keyword:
                return call if find_kwarg(call, name) else add_kwarg(call, name, expression)
            return put_in_extra_body(call, name, expression)

        return edit


def thinks(target: TargetProfile, options: GlmOptions) -> bool:
    """Whether a chat call with these options thinks on `target`: always on a model that cannot
    stop; on a forced-thinking model unless the call disables it; a dynamic model may or may not.
    A call on a model id the map does not know (fine-tuned, another vendor's) keeps that model,
    which is not the target."""
    model_arg = find_kwarg(options.call.node, "model")
    model_id = string_value(model_arg.value) if model_arg is not None else None
    if model_id is not None and options.tables.glm_id("chat", model_id) is None:
        return False
    if target.thinks_always:
        return True
    if target.thinking != "forced":
        return False
    switch = options.get("thinking")[0]
    if switch is None:
        return True  # enabled is the default
    entry = dict_entry(switch, "type") if isinstance(switch, cst.Dict) else None
    return entry is None or string_value(entry.value) != "disabled"


def thinking_option(target: TargetProfile, mode: str | None) -> tuple[str, str] | None:
    """The option (name, value code) that asks `target` for thinking `mode` ("enabled" or
    "disabled", `--thinking`), or None: a target that always thinks gets no switch (some routes
    reject the field), only its lowest effort level for "disabled" where it has levels."""
    if mode is None:
        return None
    if not target.thinks_always:
        return "thinking", f'{{"type": "{mode}"}}'
    if mode == "disabled" and target.reasoning_effort is not None:
        return "reasoning_effort", f'"{target.reasoning_effort.values[0]}"'
    return None


def put_in_extra_body(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """`name: value` added to the call's `extra_body={...}` literal (created if missing); a call
    whose extra_body already has `name` is left as it is. The caller makes sure `extra_body`, if
    any, is a dict literal."""
    arg = find_kwarg(call, "extra_body")
    if arg is None:
        return add_kwarg(call, "extra_body", add_dict_entry(cst.Dict([]), name, value))
    assert isinstance(arg.value, cst.Dict), "the caller rules this out"
    if dict_entry(arg.value, name) is not None:
        return call
    new_arg = arg.with_changes(value=add_dict_entry(arg.value, name, value))
    return call.with_changes(args=[new_arg if a is arg else a for a in call.args])


def literal_value(node: cst.BaseExpression) -> object:
    """The Python value of a number, string, True/False/None literal; `NOT_LITERAL` otherwise."""
    number = number_value(node)
    if number is not None:
        return number
    if isinstance(node, cst.SimpleString):
        text = string_value(node)
        return text if text is not None else evaluated(node)
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return NOT_LITERAL


NOT_LITERAL = object()


#: keyword arguments every SDK method takes; they never reach the request as parameters
TRANSPORT_KWARGS = frozenset({"extra_headers", "extra_query", "extra_body", "timeout"})


@dataclass(frozen=True)
class ArgumentProblem:
    """An argument of an images or transcription call that GLM's endpoint does not take."""

    arg: cst.Arg
    message: str
    #: how safe removing the argument is (SAFE: the value is OpenAI's default); None: no fix
    removal: Applicability | None = None


def endpoint_argument_problems(call: ApiCall, tables: Tables) -> list[ArgumentProblem]:
    """What keeps an images / audio-transcription call from running as it is on GLM's endpoint:
    arguments the endpoint lacks (`[accepted]`), image sizes and qualities cogview rejects, and
    `**` splats that cannot be checked. Empty for calls of other endpoints."""
    endpoint = call.endpoint
    if endpoint not in ("images", "audio_transcriptions"):
        return []
    accepted = tables.accepted_params[endpoint] | TRANSPORT_KWARGS
    images = tables.image_generation
    problems: list[ArgumentProblem] = []
    for arg in call.node.args:
        if arg.star == "**":
            problems.append(ArgumentProblem(arg, f"`**{short_code(arg.value)}` cannot be checked"))
        if arg.keyword is None:
            continue
        name, value = arg.keyword.value, literal_value(arg.value)
        if name not in accepted:
            message = f"`{name}={code_of(arg.value)}` is not taken by GLM"
            if endpoint == "images" and name in images.streams and value not in (False, None, 0):
                # the code reads events; without the argument it gets one response: no fix
                problems.append(ArgumentProblem(arg, message))
                continue
            default = endpoint == "images" and name in images.defaults and images.defaults[name] == value
            removal = Applicability.SAFE if default else Applicability.UNSAFE
            problems.append(ArgumentProblem(arg, message, removal))
        elif endpoint == "images" and isinstance(value, str):
            why = images.size_problem(value) if name == "size" else None
            if name == "quality" and value not in images.qualities:
                why = f"is not one of {', '.join(sorted(images.qualities))}"
            if why:
                problems.append(ArgumentProblem(arg, f'`{name}="{value}"` {why}'))
    return problems


def _is_attribute_name(model: SemanticModel, name: cst.Name) -> bool:
    parent = model.parents.get(name)
    return type(parent) is cst.Attribute and parent.attr is name


#: a name that says it holds an OpenAI key, once lower-cased (`judge_openai_api_key`, one of
#: several numbered: `OPENAI_KEY1`, `OPENAI_API_KEY_2`, or named for a project or stage after the
#: key: `OPENAI_API_KEY_MYAPP`, `OPENAI_KEY_PROD`)
_OPENAI_KEY_NAME = re.compile(
    r"\w*(?:open_?ai|chatgpt)_?\w*?_?(?:api_?key|key|token|secret)s?(?:_?\d+)?(?:_[a-z0-9]+)*"
)
_NOT_A_WORD = re.compile(r"[^a-z0-9]+")


def names_openai_key(
    model: SemanticModel,
    tables: Tables,
    value: cst.BaseExpression,
    scope: Scope,
    variables: Collection[str] | None = None,
    depth: int = 0,
) -> str | None:
    """The OpenAI key variable (or one of `variables`) `value` reads its key by, if any: a string
    naming it (`get_config("OPENAI_API_KEY")`, `os.getenv("OPENAI_API_KEY") or fallback`) or a
    setting named like it (`settings.OPENAI_API_KEY`, `config.openai_api_key`), also through a
    name or `self` attribute bound once, and through a parameter this module's calls pass such
    a key for (`Evaluator(os.environ.get("OPENAI_API_KEY"))` ... `OpenAI(api_key=openai_api_key)`)."""
    names = {name.lower(): name for name in (variables or tables.openai_key_envs)}

    def named_by(words: list[str]) -> str | None:
        # "OpenAI API Key" (a form's label) reads as `openai_api_key`
        lowered = [_NOT_A_WORD.sub("_", word.strip().lower()) for word in words]
        found = next((names[word] for word in lowered if word in names), None)
        if found is None and variables is None:
            # a key (every caller asks of one) read by the word "openai" (`keys["openai"]`,
            # `settings.openai.key`, `get_secret("openai")`) or by a name said to be an OpenAI
            # key (`JUDGE_OPENAI_API_KEY`, `azure_openai_key`, `CHATGPT_API_KEY`, `OPEN_AI_API_KEY`)
            if "openai" in lowered or any(_OPENAI_KEY_NAME.fullmatch(word) for word in lowered):
                found = tables.sdk_key_env
        return found

    def named(expr: cst.BaseExpression) -> str | None:
        # strings and attribute names; a bare name is a variable's (a parameter named
        # `openai_api_key` holds whatever its callers pass), followed below when bound once
        attributes = [n.value for n in names_in(expr) if _is_attribute_name(model, n)]
        if type(expr) is cst.Call:
            # a function named for what it gives (`get_openai_api_key()`)
            attributes.append((dotted_name(expr.func) or "").rpartition(".")[2])
        return named_by([string_value(literal) or "" for literal in literals_in(expr)] + attributes)

    def declared(calls: Sequence[cst.Call]) -> str | None:
        # a command-line option filled from OpenAI's variable: `envvar="OPENAI_API_KEY"` (click,
        # typer, an argparse action), or a default read from it (`default=os.getenv(...)`)
        options = [arg.value for call in calls for arg in call.args if arg.keyword and arg.keyword.value in _FILLED_BY]
        return next((n for option in options if (n := named(option))), None)

    if type(value) is cst.BooleanOperation and depth < 3:
        # `api_key or OPENAI_API_KEY`: OpenAI's key on the path where either operand is it
        return names_openai_key(model, tables, value.left, scope, variables, depth + 1) or names_openai_key(
            model, tables, value.right, scope, variables, depth + 1
        )
    found = named(value)
    if found is None and (keys := picked_from(value)) is not None:
        # one key of several (`next(key_cycle)`, `random.choice(keys)`, `keys[i]`): OpenAI's when
        # the keys are; a part of `value`, so no step deeper through a name
        found = names_openai_key(model, tables, keys, scope, variables, depth)
        if found is not None:
            return found
    if found is None and (held_name := _variable_named_by(model, value, scope)) is not None:
        # `os.environ[KEY_ENV]` with `KEY_ENV = "OPENAI_API_KEY"`: the variable the constant names
        found = named_by([held_name])
    if found is None and type(value) is cst.Attribute:
        found = _settings_key(model, value, scope, names, variables is None) or found
        # `args.key` with `parser.add_argument("--key", default=os.environ.get("OPENAI_API_KEY"))`
        found = found or declared(argparse_arguments(model, value, scope) or ())
    if found is None and type(value) in (cst.Name, cst.Attribute):
        dotted = dotted_name(value) or ""
        bindings = model.bindings_of(value, scope)
        if len(bindings) == 1 and bindings[0].value is not None and type(bindings[0].target) is not cst.Param:
            # a variable (not a parameter) named as OpenAI's key holds it, whatever it is read from
            found = named(bindings[0].value) or named_by([dotted.rpartition(".")[2]])
            held = bindings[0].value
            if found is None and depth < 3 and (type(held) in _HELD_KEYS or picked_from(held) is not None):
                # `self.api_key = api_key` in `__init__`: what the parameter (or name) holds;
                # `self.api_key = api_key or OPENAI_API_KEY`: what either does; `self.keys =
                # itertools.cycle(key.split(","))`: what the keys are taken from
                found = names_openai_key(model, tables, held, bindings[0].scope, variables, depth + 1)
        elif len(bindings) > 1 and (
            all(type(b.target) is not cst.Param for b in bindings)
            or any(
                b.value is not None and type(b.target) is not cst.Param and model.bound_before(b, value)
                for b in bindings
            )
        ):
            # assigned in branches (`key = token()` / `key = os.getenv("AZURE_OPENAI_API_KEY")`):
            # it holds the named key whenever one of them reads it, also through a constant of this
            # module or another's (`key = GROQ_KEY` / `key = OPENAI_KEY`, a multi-provider app);
            # so does a parameter given it in turn before every use (`api_key = api_key or
            # os.getenv("OPENAI_API_KEY")`), not one a branch elsewhere gives another provider's
            if any(type(b.target) is cst.Param for b in bindings):
                bindings = [b for b in bindings if type(b.target) is not cst.Param and model.bound_before(b, value)]
            found = next((n for b in bindings if b.value is not None and (n := named(b.value))), None)
            if found is None and depth < 3:
                constants = [b for b in bindings if type(b.value) in (cst.Name, cst.Attribute)]
                found = next(
                    (
                        n
                        for b in constants
                        if (
                            n := names_openai_key(
                                model, tables, cast(cst.BaseExpression, b.value), b.scope, variables, depth + 1
                            )
                        )
                    ),
                    None,
                )
        elif len(bindings) == 1 and bindings[0].qualified is not None:
            # `from app.settings import OPENAI_API_KEY`: another module's setting named as OpenAI's key
            found = names.get(bindings[0].qualified.rpartition(".")[2].lower())
        elif len(bindings) == 1 and type(param := bindings[0].target) is cst.Param and depth < 3:
            # a parameter holds what this module's calls pass for it: OpenAI's key, if one of them does
            function = model.owner(param.name.value, scope)
            found = declared(declarations(model, bindings[0], function))
            arguments = model.arguments_for(param, function) if function is not None else []
            found = found or next(
                (
                    n
                    for argument, where in arguments
                    if (n := names_openai_key(model, tables, argument, where, variables, depth + 1))
                ),
                None,
            )
            if found is None and function is not None:
                # ... or what another module's calls pass for it (`GptClient(api_key=Config.OPENAI_API_KEY)`)
                found = _passed_elsewhere(model, param, function)
                found = found if found is None or variables is None or found in variables else None
    if found is None and type(value) is cst.Attribute and type(value.value) is cst.Name and depth < 3:
        found = _field_given_openai_key(model, tables, value, scope, variables, depth)
    if found is None and type(value) is cst.Attribute and not model.bindings_of(value, scope):
        # `self.api_key` that a base class of another module fills, in a class declaring the
        # variable it is read from (`ENV_API_KEY = "OPENAI_API_KEY"`, nexoia-io/nexoia-sdk)
        found = _declared_by_class(value, scope, names)
    if found is None:
        # `from keys import api_key`, where `keys` reads it from OPENAI_API_KEY (the project index)
        imported = imported_key(model, value, scope)
        if imported is not None and imported[1]:
            found = names.get(imported[1].lower())
    return found


def _declared_by_class(value: cst.Attribute, scope: Scope, names: Mapping[str, str]) -> str | None:
    """For `self.X` bound nowhere in this module: the key variable (of `names`, by lower-case
    name) a class attribute of the enclosing class names as a string (`ENV_API_KEY =
    "OPENAI_API_KEY"`), which what the class inherits reads the attribute from."""
    declared = class_key_declaration(value, scope, names)
    return names.get((string_value(declared) or "").lower()) if declared is not None else None


def class_key_declaration(value: cst.BaseExpression, scope: Scope, names: Mapping[str, str]) -> cst.SimpleString | None:
    """The string literal of `_declared_by_class`: the class attribute naming the variable a
    base class of another module reads `self.X` from (after a key its caller passes), else None."""
    klass = scope.enclosing_class()
    if klass is None or type(value) is not cst.Attribute:
        return None
    if type(value.value) is not cst.Name or value.value.value != "self":
        return None
    for bindings in klass.bindings.values():
        for binding in bindings:
            if type(binding.value) is cst.SimpleString and (string_value(binding.value) or "").lower() in names:
                return binding.value
    return None


#: a name or attribute bound to one of these holds the key its value names
_HELD_KEYS = (cst.Name, cst.Attribute, cst.BooleanOperation)

#: calls taking one key of several (`next(key_cycle)`, `random.choice(keys)`,
#: `random.sample(keys, 1)[0]`) or making keys to take in turn (`itertools.cycle(keys)`)
_KEY_PICKERS = frozenset({"next", "iter", "cycle", "choice", "choices", "sample"})

#: methods a list of keys (or a string of them) is split, cleaned or taken from by
_KEY_LIST_METHODS = frozenset({"split", "splitlines", "strip", "rstrip", "lstrip", "pop", "popleft", "copy"})


def _picker_name(func: cst.BaseExpression) -> str | None:
    """`choice` of `random.choice` / `choice`: the name a call's function goes by."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def takes_a_key_in_turn(value: cst.BaseExpression) -> bool:
    """`next(key_cycle)`, `random.choice(keys)`, `random.sample(keys, 1)[0]`, `keys[i]`: one
    key of several."""
    if isinstance(value, cst.Subscript):
        return picked_from(value) is not None
    return isinstance(value, cst.Call) and _picker_name(value.func) in _KEY_PICKERS


def picked_from(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """The keys `value` takes one of, or is made from, when it is a rotation of keys: `keys` of
    `next(keys)`, `random.choice(keys)`, `itertools.cycle(keys)`, `keys[i]`, `keys.split(",")`,
    `[k.strip() for k in keys]`; else None."""
    if isinstance(value, cst.Call):
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value in _KEY_LIST_METHODS:
            return func.value
        args = value.args
        if _picker_name(func) in _KEY_PICKERS and args and args[0].keyword is None and not args[0].star:
            return args[0].value
        return None
    if isinstance(value, cst.Subscript):
        # `keys[i]`, `keys[-1]`; a string index reads a mapping by name, which `named` judges,
        # and `os.environ[...]` is a lookup, not a pick
        index = value.slice[0].slice if len(value.slice) == 1 else None
        if isinstance(index, cst.Index) and string_value(index.value) is None:
            return value.value if os_dotted_name(value.value) not in ENVIRON_NAMES else None
        return None
    if isinstance(value, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        return value.for_in.iter
    return None


def _variable_named_by(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> str | None:
    """The string a constant holds when `value` looks a variable up by it (`os.getenv(KEY_ENV)`,
    `os.environ[KEY_ENV]` with `KEY_ENV = "OPENAI_API_KEY"` bound once), else None."""
    key: cst.BaseExpression | None
    if type(value) is cst.Call and value.args and os_dotted_name(value.func) in _LOOKUPS:
        key = value.args[0].value
    elif type(value) is cst.Subscript and os_dotted_name(value.value) in ENVIRON_NAMES and len(value.slice) == 1:
        index = value.slice[0].slice
        key = index.value if type(index) is cst.Index else None
    else:
        return None
    if key is None or type(key) not in (cst.Name, cst.Attribute):
        return None
    bindings = model.bindings_of(key, scope)
    if len(bindings) != 1 or type(bindings[0].target) is cst.Param or type(bindings[0].value) is not cst.SimpleString:
        return None
    return string_value(bindings[0].value)


_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get"})


#: the keywords of an option's declaration that say what fills it when not given
_FILLED_BY = frozenset({"envvar", "default", "default_factory"})

#: an attribute that holds a key (`api_key`, `key`, `token`, `secret_key`), once lower-cased
_KEY_ATTRIBUTE = re.compile(r"\w*?(?:api_?key|key|token|secret)s?")


def _settings_key(
    model: SemanticModel, value: cst.Attribute, scope: Scope, names: dict[str, str], by_word: bool
) -> str | None:
    """The key variable of `names` a settings object's field reads (`config.api_key` where
    `config = OpenAIConfig()`, a `BaseSettings` class whose `env_prefix` is `openai_`, or whose
    field's alias is `OPENAI_API_KEY`); with `by_word`, also a key field of an object named for
    OpenAI (`get_openai_settings().api_key`, `openai_config.token`)."""
    for env in settings_field_envs(model, value, scope):
        if env.lower() in names:
            return names[env.lower()]
    if not by_word or not _KEY_ATTRIBUTE.fullmatch(value.attr.value.lower()):
        return None
    receiver = value.value.func if type(value.value) is cst.Call else value.value
    if type(receiver) is cst.Name:
        bindings = model.lookup(receiver.value, scope)
        if type(value.value) is not cst.Call and any(b.qualified is not None for b in bindings):
            return None  # `openai.api_key`: the module's own setting, which GLM001 follows itself
        held = bindings[0].value if len(bindings) == 1 else None
        # `config = OpenAISettings()` ... `config.api_key`
        words = [receiver.value, *([dotted_name(held.func) or ""] if type(held) is cst.Call else [])]
    else:
        words = [(dotted_name(receiver) or "").rpartition(".")[2]]
    return model.tables.sdk_key_env if any("openai" in word.lower() for word in words) else None


def _field_given_openai_key(
    model: SemanticModel,
    tables: Tables,
    value: cst.Attribute,
    scope: Scope,
    variables: Collection[str] | None,
    depth: int,
) -> str | None:
    """`config.api_key`, `config` a parameter declared as a class of this module (`config:
    OpenAIConfig`, a dataclass): OpenAI's key variable when one of this module's constructions
    of that class gives the field OpenAI's key (`OpenAIConfig(api_key=settings.OPENAI_API_KEY)`,
    built by a function that returns it to the caller passing it on)."""
    assert type(value.value) is cst.Name
    bindings = model.lookup(value.value.value, scope)
    if len(bindings) != 1 or type(bindings[0].target) is not cst.Param:
        return None
    declared = bindings[0].annotation
    if type(declared) is not cst.Name:
        return None
    classes = model.lookup(declared.value, model.module_scope)
    klass = classes[0].defines if len(classes) == 1 else None
    if klass is None or klass.kind != "class":
        return None
    field_name = value.attr.value
    for call, where in model.calls:
        if type(call.func) is not cst.Name or call.func.value != declared.value:
            continue
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == field_name:
                found = names_openai_key(model, tables, arg.value, where, variables, depth + 1)
                if found is not None:
                    return found
    return None


def _passed_elsewhere(model: SemanticModel, param: cst.Param, function: Scope) -> str | None:
    """OpenAI's key variable another module's calls pass for `param` of this module's function
    (or of the `__init__` of a class of this module), as the project index says (`key_params`)."""
    node = function.node
    if type(node) is not cst.FunctionDef or function.parent is None:
        return None
    owner = function.parent
    if owner.kind == "class" and node.name.value == "__init__" and type(owner.node) is cst.ClassDef:
        name, method = owner.node.name.value, True
        if owner.parent is not model.module_scope:
            return None
    elif owner is model.module_scope:
        name, method = node.name.value, False
    else:
        return None
    positional = [*node.params.posonly_params, *node.params.params]
    index = positional.index(param) - (1 if method else 0) if param in positional else None
    for keyword, position, variable in model.facts.key_params.get(name, ()):
        if keyword == param.name.value or (not keyword and index is not None and position == index):
            return variable
    return None


def imported_setting(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> tuple[str, bool] | None:
    """The other module's variable `value` may read, as imported, and whether it surely is one:
    `api_key` after `from keys import api_key` is "keys.api_key", as is `keys.api_key` after
    `import keys`; `keys.api_key` after `from app import keys` is "app.keys.api_key", a module's
    variable or an object's attribute (`from config import settings` ... `settings.api_key`),
    or a function called without arguments (`get_api_key()`: "keys.get_api_key"), also through
    a name bound once to its call (`key = get_api_key()` ... `key`)."""
    called = called_for(model, value, scope)
    if called is not None:
        value, scope = called[0].func, called[1]
    base = value.value if type(value) is cst.Attribute else value
    if type(base) is not cst.Name:
        return None
    bindings = model.lookup(base.value, scope)
    if len(bindings) != 1 or bindings[0].qualified is None or bindings[0].target is None:
        return None
    qualified, alias = bindings[0].qualified, bindings[0].target
    statement = model.parents.get(alias)
    if type(value) is cst.Name:
        return (qualified, True) if type(statement) is cst.ImportFrom else None
    assert type(value) is cst.Attribute
    written = f"{qualified}.{value.attr.value}"
    if type(statement) is cst.ImportFrom:
        return written, False
    # `import keys` or `import app.keys as keys` (not `import app.keys`, which binds `app`):
    # `keys.api_key` is that module's variable
    plain = (
        type(statement) is cst.Import
        and type(alias) is cst.ImportAlias
        and (type(alias.name) is cst.Name or alias.asname is not None)
    )
    return (written, True) if plain else None


def called_for(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> tuple[cst.Call, Scope] | None:
    """The call without arguments `value` is (`get_api_key()`), or holds as a name bound once to
    it (`key = get_api_key()` ... `key`), with the scope it is made in."""
    if type(value) is cst.Name:
        bindings = model.lookup(value.value, scope)
        if len(bindings) != 1 or bindings[0].qualified is not None or type(bindings[0].target) is not cst.Name:
            return None
        value, scope = bindings[0].value, bindings[0].scope  # type: ignore[assignment]
    return (value, scope) if type(value) is cst.Call and not value.args else None


def imported_key(model: SemanticModel, value: cst.BaseExpression, scope: Scope) -> tuple[str, str, str] | None:
    """For a key read from another module's variable (`imported_setting`): (that variable as
    imported, OpenAI's key variable or "", how the project index knows it: "env" when that module
    reads OpenAI's variable into it, "named" when it is OpenAI's key by its name or source, "seen"
    when nothing says so, "unseen" when the module is not in the run, nor found beside it, or no
    project index ran). An attribute of a name imported from a module not found may be any
    object's (`settings.api_key`): "seen", as a key read from a settings object is."""
    imported = imported_setting(model, value, scope)
    if imported is None:
        return None
    written, surely = imported
    variable, how = model.facts.keys.get(written, KEY_UNSEEN)
    return written, variable, how if surely or how != KEY_UNSEEN[1] else KEY_SEEN[1]


def twin_in_list(
    model: SemanticModel, tables: Tables, literal: cst.SimpleString, endpoint: str, new: str
) -> str | None:
    """Another id of the list, tuple or set literal `literal` is in that becomes `new` too (a
    picker's choices, a loop's models): one GLM id for both would list one model twice."""
    element = model.parents.get(literal)
    container = model.parents.get(element) if isinstance(element, cst.Element) else None
    if not isinstance(container, cst.List | cst.Tuple | cst.Set):
        return None
    for other in container.elements:
        value = string_value(other.value) if other is not element else None
        match = tables.match_on(endpoint, value) if value is not None else None
        if match is not None and match.glm == new:
            return value
    return None


def callback_input(model: SemanticModel, param: cst.Param, scope: Scope) -> cst.Call | None:
    """The widget a UI hands the value of `param`, a parameter of a callback it is given by
    name: Gradio's `gr.ChatInterface(fn, additional_inputs=[...])` (after the message and the
    history), `gr.Interface(fn, inputs=[...])`, `button.click(fn, inputs=[...])`, each input a
    widget call or a name bound to one. `scope`: where the parameter is read."""
    function = model.owner(param.name.value, scope)
    node = function.node if function is not None else None
    if type(node) is not cst.FunctionDef or param not in node.params.params:
        return None
    index, name = node.params.params.index(param), node.name.value
    for call, where in model.calls:
        if not any(type(arg.value) is cst.Name and arg.value.value == name for arg in call.args):
            continue
        for arg in call.args:
            offset = {"additional_inputs": 2, "inputs": 0}.get(arg.keyword.value if arg.keyword else "")
            if offset is None or type(arg.value) not in (cst.List, cst.Tuple):
                continue
            elements = cast(cst.List | cst.Tuple, arg.value).elements
            if not 0 <= index - offset < len(elements):
                continue
            widget = elements[index - offset].value
            if type(widget) is cst.Name:
                bound = [b.value for b in model.lookup(widget.value, where) if type(b.value) is cst.Call]
                widget = bound[0] if len(bound) == 1 else widget
            if type(widget) is cst.Call:
                return widget
    return None


def typed_key_input(model: SemanticModel, tables: Tables, value: cst.BaseExpression, scope: Scope) -> cst.Call | None:
    """The input a person types the key `value` into, if the module shows one: `key =
    st.text_input("OpenAI API Key", type="password")`, `getpass()`, or `st.session_state["k"]`
    (`.k`, `.get("k")`) stored from one or filled by one's `key="k"`. Such a key is the user's,
    asked for by the app: reading `ZAI_API_KEY` in its place would drop what the user types."""
    inputs = tables.key_input_functions

    def typed(expr: cst.BaseExpression | None) -> bool:
        return type(expr) is cst.Call and (dotted_name(expr.func) or "").rpartition(".")[2] in inputs

    if type(value) is cst.Name:
        for binding in model.lookup(value.value, scope):
            if type(binding.target) is cst.Param:
                # `def reply(message, history, key)` fed by `gr.Textbox(label="OpenAI API key")`
                widget = callback_input(model, binding.target, scope)
                if widget is not None and typed(widget):
                    return widget
            elif typed(binding.value):
                return cast(cst.Call, binding.value)
        return None
    key = _session_key(value)
    if key is None:
        return None
    for call, _ in model.calls:
        if not typed(call):
            continue
        filled = find_kwarg(call, "key")
        if filled is not None and string_value(filled.value) == key:
            return call
        assign = model.parents.get(call)
        if type(assign) is cst.Assign and len(assign.targets) == 1 and _session_key(assign.targets[0].target) == key:
            return call
    return None


def _session_key(expr: cst.BaseExpression) -> str | None:
    """The key `k` of `st.session_state["k"]`, `st.session_state.k` and `st.session_state.get("k")`."""
    base: cst.BaseExpression
    if type(expr) is cst.Subscript and len(expr.slice) == 1 and type(expr.slice[0].slice) is cst.Index:
        base, key = expr.value, string_value(expr.slice[0].slice.value)
    elif type(expr) is cst.Attribute:
        base, key = expr.value, expr.attr.value
    elif type(expr) is cst.Call and type(expr.func) is cst.Attribute and expr.func.attr.value == "get" and expr.args:
        base, key = expr.func.value, string_value(expr.args[0].value)
    else:
        return None
    return key if (dotted_name(base) or "").endswith("session_state") else None


def openai_key_replacing_fix(value: cst.BaseExpression, key_env: str) -> Fix:
    """The unsafe fix passing the Z.AI key in place of `value`, a key named as OpenAI's."""
    return Fix(
        ((value, lambda _: env_key_lookup(key_env)),),
        f'Pass `api_key=os.environ["{key_env}"]` (or keep a Z.AI key in that setting)',
        imports=("os",),
        applicability=Applicability.UNSAFE,
    )


def embedding_width_change(tables: Tables, old: str, new: str, dimensions: cst.BaseExpression | None) -> str | None:
    """Why moving embeddings from `old` to `new` can break a program that works: the vectors come
    back another size, and an index, a column or an array sized for the old ones rejects them
    (`embedding_dim=1536`, `vector(1536)`). None when `dimensions=` asks for a size `new`
    documents, which both models make."""
    sizes = tables.documented_dimensions.get(new)
    if dimensions is not None and sizes and number_value(dimensions) in sizes:
        return None
    if dimensions is not None:
        options = ", ".join(str(size) for size in sizes or ())
        return f"`{new}` documents only {options} for `dimensions=`: `{code_of(dimensions)}` may make another size"
    size = tables.openai_embedding_sizes.get(tables.dated_suffix.sub("", old))
    width = f"{max(sizes)} numbers" if sizes else "vectors of its own size"
    return f"`{new}` makes {width}" + (f", not {size}" if size else "") + ": what is sized for the old vectors breaks"


def old_width_in_code(model: SemanticModel, tables: Tables, old: str, new: str) -> str | None:
    """Where the module writes the size of `old`'s vectors (`EMBEDDING_DIM = 1536`, a
    `vector(1536)` column in SQL), for a message: it breaks when the model changes to `new`, so
    the two change together, by hand."""
    code = _old_width_code(model, tables, old)
    if code:
        return f"`{code}` here is sized for its vectors, which `{new}` does not make"
    # another module of the project: a pgvector column, an index, a collection's schema
    size = tables.openai_embedding_sizes.get(tables.dated_suffix.sub("", old))
    elsewhere = model.facts.vector_widths.get(size) if size is not None else None
    return f"{elsewhere} is sized for its vectors, which `{new}` does not make" if elsewhere else None


def _old_width_code(model: SemanticModel, tables: Tables, old: str) -> str | None:
    size = tables.openai_embedding_sizes.get(tables.dated_suffix.sub("", old))
    if size is None:
        return None
    written = re.compile(rf"(?<![\d.]){size}(?![\d.])")
    for node in _nodes_writing(model.module, str(size)):
        if type(node) is cst.Integer:
            holder: cst.CSTNode = node
            parent = model.parents.get(holder)
            while parent is not None and not isinstance(parent, cst.BaseSmallStatement | cst.Arg | cst.Param):
                holder, parent = parent, model.parents.get(parent)
            if type(parent) is cst.Arg and parent.keyword is not None:
                return f"{parent.keyword.value}={node.value}"
            return short_code(parent if parent is not None else holder)
        if type(model.parents.get(node)) is cst.Expr:
            continue  # a docstring talks about the size; it does not hold vectors
        text = " ".join((string_value(node) or node.value).split())
        match = written.search(text)
        if match is not None:
            start, end = max(match.start() - 20, 0), min(match.end() + 5, len(text))
            return ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")
    return None


def _nodes_writing(module: cst.Module, number: str) -> list[cst.Integer | cst.SimpleString]:
    """The integer literals equal to `number` and the string literals holding it, in order."""
    finder = _NumberFinder(number)
    module.visit(finder)
    return finder.found


class _NumberFinder(cst.CSTVisitor):
    # a class of its own, not one made per call: that would hold the nodes in a reference cycle
    def __init__(self, number: str) -> None:
        self.number = number
        self.found: list[cst.Integer | cst.SimpleString] = []

    def visit_Integer(self, node: cst.Integer) -> None:
        if node.value == self.number:
            self.found.append(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self.number in node.value:
            self.found.append(node)


def vector_space_change(tables: Tables, old: str, new: str, sized: bool) -> str:
    """What changes for stored vectors when embeddings move from `old` to `new` (`sized`: the
    call says its `dimensions=`)."""
    size = tables.openai_embedding_sizes.get(tables.dated_suffix.sub("", old))
    made = f"`{old}` vectors" + (f" ({size} numbers)" if size else "")
    message = f"{made} are not comparable with `{new}` vectors: re-embed what you stored"
    if not sized:
        sizes = tables.documented_dimensions.get(new)
        default = str(max(sizes)) if sizes else "its default number of"
        message += f"; `{new}` makes {default} numbers unless `dimensions=` says otherwise"
    return message


def tests_shown(codes: Collection[str], limit: int = 3) -> str:
    """The tests of a model id, as a finding lists them: each once (a Streamlit page compares
    `st.session_state.model != model` in a dozen places), the first few only."""
    unique = list(dict.fromkeys(codes))
    shown = ", ".join(f"`{code}`" for code in unique[:limit])
    return shown + (f" and {len(unique) - limit} more" if len(unique) > limit else "")


def key_literal(value: cst.BaseExpression) -> cst.SimpleString | None:
    """The string a key is written as: `"sk-..."`, or pydantic's `SecretStr("sk-...")`, the type
    LangChain's classes keep their key in."""
    if isinstance(value, cst.SimpleString) and string_value(value) is not None:
        return value
    if (
        isinstance(value, cst.Call)
        and (dotted_name(value.func) or "").rpartition(".")[2] == "SecretStr"
        and len(value.args) == 1
        and value.args[0].keyword is None
        and not value.args[0].star
    ):
        inner = value.args[0].value
        return inner if isinstance(inner, cst.SimpleString) and string_value(inner) is not None else None
    return None


def stand_in_key(model: SemanticModel, tables: Tables, key: str) -> bool:
    """A key literal the program works with as it is: a test's placeholder (`"test"`,
    `"sk-fake123"` in a test module) or a stand-in anywhere (`dummy_key_words`). GLM003 replaces it
    only with --unsafe-fixes, so the client given it moves only then."""
    return not tables.is_secret_key(key) and (model.is_test_module or tables.is_dummy_key(key))


def listed_under_other_key(parents: Mapping[cst.CSTNode, cst.CSTNode], message: cst.CSTNode) -> bool:
    """The message is listed under a key other than `messages` of a mapping (`{"input": [...]}`,
    an evals grader's configuration): a request of another API."""
    element = parents.get(message)
    listed = parents.get(element) if type(element) is cst.Element else None
    entry = parents.get(listed) if type(listed) is cst.List else None
    return type(entry) is cst.DictElement and string_value(entry.key) != "messages"


#: LangChain's OpenAI classes a subclass of keeps talking to OpenAI, by `[frameworks]` kind
LANGCHAIN_OPENAI_KINDS = ("langchain_chat", "langchain_embeddings", "langchain_completions")
#: where LangChain's OpenAI classes take their server
LANGCHAIN_BASE_URLS = ("base_url", "openai_api_base")


def langchain_subclasses(model: SemanticModel) -> dict[str, tuple[cst.ClassDef, cst.BaseExpression, str]]:
    """The module-level classes subclassing one of LangChain's OpenAI classes (`class
    Chat(ChatOpenAI, Base)`), by name: the class, the base and its kind. One whose body names a
    server of its own (a `base_url` / `openai_api_base` field, attribute or keyword) is left out:
    where it sends its requests is its own business."""
    found: dict[str, tuple[cst.ClassDef, cst.BaseExpression, str]] = {}
    for scope in model.scopes:
        node = scope.node
        if scope.kind != "class" or type(node) is not cst.ClassDef or scope.parent is None:
            continue
        for base in node.bases:
            if base.keyword is not None:
                continue
            kind = model.tables.framework_of(model.qualified_names(base.value, scope.parent))
            if kind in LANGCHAIN_OPENAI_KINDS:
                if not any(name.value in LANGCHAIN_BASE_URLS for name in names_in(node.body)):
                    found.setdefault(node.name.value, (node, base.value, kind))
                break
    return found
