from __future__ import annotations

from functools import partial

import libcst as cst

from glm_migrate.cst import walk
from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, RuleContext, Valid
from glm_migrate.rules._helpers import GlmOptions, code_of, remove_kwargs, rename_kwarg
from glm_migrate.semantic import ApiCall, string_value


class LegacyFunctionCalling(Rule):
    """
    ## What it does
    Converts OpenAI's legacy function calling (`functions=`, `function_call=`) on chat calls bound
    for Z.AI to `tools=`: each function schema is wrapped as `{"type": "function", "function": ...}`
    (a list literal element by element, anything else with a comprehension), and
    `function_call="auto"` is dropped (auto is the default). `function_call="none"` drops both.

    ## Why is this bad?
    GLM-4.6 only knows `tools` / `tool_choice`; `functions` is not one of its parameters.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, functions=[WEATHER], function_call="auto")
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, tools=[{"type": "function", "function": WEATHER}])
    ```

    ## Fix safety
    Unsafe: the answer changes shape. The call comes back in `message.tool_calls[i].function`
    instead of `message.function_call`, and the result goes back as a `{"role": "tool",
    "tool_call_id": ...}` message instead of `{"role": "function", "name": ...}`: update that code
    too. A forced `function_call={"name": ...}` has no GLM equivalent (only `auto`) and calls that
    also pass `tools=` are reported for a person, as are `functions` and `function_call` keys of a
    `**` mapping the request is built from, and `{"role": "function", ...}` messages (a function's
    result sent back the legacy way; a `tool` message answers a tool call's `id`, which only the
    code at hand knows). A call left with any of them keeps its client on OpenAI in a safe run:
    Z.AI does not take them, so moved alone it would fail.
    """

    CODE = "GLM212"
    NAME = "legacy-function-calling"
    SUMMARY = "Legacy `functions=` / `function_call=` instead of `tools=`"
    FIX_TITLE = "Convert to `tools=`"
    APPLICABILITY = Applicability.UNSAFE
    REPORTS_REJECTED_ARGUMENT = True

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], tools=[{"type": "function", "function": F}])'
        ),
        Valid("import openai\nopenai.chat.completions.create(model='glm-4.6', messages=[], tool_choice='auto')"),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4", messages=[], functions=[F, G], function_call="auto")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4", messages=[], tools=[{"type": "function", "function": F}, {"type": "function", "function": G}])',
            unsafe=True,
        ),
        Invalid(
            "from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], functions=FUNCTIONS)",
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], tools=[{"type": "function", "function": spec} for spec in FUNCTIONS])',
            unsafe=True,
        ),
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], functions=[F], function_call={"name": "f"})'
        ),
        Invalid(  # both styles in one call: merged by hand
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4", messages=[], tools=TOOLS, functions=[F])'
        ),
        Invalid(  # in a `**` mapping: for a person
            'from openai import OpenAI\np = {"model": "gpt-4", "messages": [], "functions": [F]}\nOpenAI().chat.completions.create(**p)'
        ),
        Invalid(  # a result sent back with the legacy `function` role
            'from openai import OpenAI\nm.append({"role": "function", "name": "f", "content": "1"})\nOpenAI().chat.completions.create(model="gpt-4", messages=m)'
        ),
        Invalid(  # no function may be called: both arguments go
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4", messages=[], functions=[F], function_call="none")',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4", messages=[])',
            unsafe=True,
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        #: `{"role": "function", ...}` messages already reported (once per module)
        self._function_messages_seen = False

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        if not self._function_messages_seen:
            self._function_messages_seen = True
            self._function_messages()
        functions, function_call = call.kwarg("functions"), call.kwarg("function_call")
        if functions is None and function_call is None:
            self._in_splats(call)
            return
        anchor = functions or function_call
        assert anchor is not None
        message = f"Legacy function calling: {self.target_name} takes `tools=`"
        choice = string_value(function_call.value) if function_call is not None else "auto"
        if call.kwarg("tools") is not None or call.kwarg("tool_choice") is not None:
            self.report(anchor, message + "; the call also passes tools, merge them by hand")
            return
        if choice not in ("auto", "none"):
            shown = code_of(function_call.value) if function_call is not None else ""
            self.report(anchor, f"{message}, and has no forced `function_call={shown}` (only `auto`)")
            return
        if functions is not None and choice != "none" and _holds_assignment_expression(functions.value):
            # `functions=(found := ...)`: Python takes no `:=` in a comprehension's iterable
            self.report(
                anchor,
                f"{message}: convert it by hand (Python takes no `:=` in the comprehension that would wrap each function)",
            )
            return
        edits: list[tuple[cst.CSTNode, NodeEdit]] = []
        if choice == "none":
            edits.append((call.node, partial(remove_kwargs, names={"functions", "function_call"})))
        else:
            if functions is not None:
                tools = _tools_expression(functions.value)
                edits.append((functions, lambda arg: rename_kwarg(arg, "tools").with_changes(value=tools)))
            if function_call is not None:
                edits.append((call.node, partial(remove_kwargs, names={"function_call"})))
        # `tools=` is new code for the rules that check tool calls (GLM206 on a stream): they run again
        title = self.FIX_TITLE if choice == "auto" else "Remove `functions=` and `function_call=`"
        fix = Fix(tuple(edits), title, reanalyse=True)
        self.report(anchor, message + "; answers come in `message.tool_calls`, not `message.function_call`", fix=fix)

    def _function_messages(self) -> None:
        """`{"role": "function", "name": ..., "content": ...}`: a function's result sent back the
        legacy way, a role GLM's chat endpoint does not take. Messages are usually appended apart
        from the call that sends them, so any literal of the module counts, reported (once) with
        the module's first chat call bound for Z.AI, whose client then waits."""
        for literal, _ in self.model.string_literals:
            parent = self.model.parents.get(literal)
            if type(parent) is not cst.DictElement or parent.value is not literal:
                continue
            if string_value(literal) == "function" and string_value(parent.key) == "role":
                self.report(
                    literal,
                    f"`function` message (legacy function calling's result): {self.target_name} takes `system`, "
                    '`user`, `assistant` and `tool`; send it as `{"role": "tool", "tool_call_id": ..., "content": ...}` '
                    "by hand, answering the `id` of the tool call",
                )

    def _in_splats(self, call: ApiCall) -> None:
        """`create(**params)` with `params = {..., "functions": [...], "function_call": ...}`:
        the same request, for a person to convert (no fix edits a mapping's keys here)."""
        if not any(arg.star == "**" for arg in call.node.args):
            return
        for mapping in GlmOptions(call, self.model).splat_mappings:
            for key in ("functions", "function_call"):
                for source in mapping.keys.get(key, ()):
                    self.report(
                        source.node,
                        f"Legacy function calling: `{key}` in a `**` mapping of a request; {self.target_name} "
                        "takes `tools=`: convert it by hand, and the reads of `message.function_call` with it "
                        "(answers come in `message.tool_calls`)",
                    )
                    break


def _wrap(schema: cst.BaseExpression) -> cst.Dict:
    template = cst.parse_expression('{"type": "function", "function": None}')
    assert isinstance(template, cst.Dict)
    last = template.elements[-1]
    assert isinstance(last, cst.DictElement)
    return template.with_changes(elements=[template.elements[0], last.with_changes(value=schema)])


def _tools_expression(functions: cst.BaseExpression) -> cst.BaseExpression:
    """`[F, G]` -> `[{"type": "function", "function": F}, ...]`; `A if c else B` -> each side
    converted, where a side that sends no functions (`NOT_GIVEN`, `None`) stays: a comprehension
    over the whole would iterate `NOT_GIVEN`; anything else: a comprehension."""
    if isinstance(functions, cst.List) and all(isinstance(e, cst.Element) for e in functions.elements):
        return functions.with_changes(elements=[e.with_changes(value=_wrap(e.value)) for e in functions.elements])
    if isinstance(functions, cst.IfExp):
        return functions.with_changes(
            body=_tools_expression(functions.body), orelse=_tools_expression(functions.orelse)
        )
    if _sends_no_functions(functions):
        return functions
    code = code_of(functions)
    if isinstance(functions, cst.Lambda) and not functions.lpar:
        code = f"({code})"  # a comprehension's `in` takes no unparenthesised lambda
    return cst.parse_expression(f'[{{"type": "function", "function": spec}} for spec in {code}]')


def _sends_no_functions(value: cst.BaseExpression) -> bool:
    """`None`, `NOT_GIVEN`, `openai.NOT_GIVEN`, `NotGiven()`, `omit`: the request sends no tools."""
    if isinstance(value, cst.Call) and not value.args:
        value = value.func
    name = value.attr.value if isinstance(value, cst.Attribute) else value.value if isinstance(value, cst.Name) else ""
    return name in ("None", "NOT_GIVEN", "NotGiven", "omit", "Omit")


class _AssignmentExpressions(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        self.found = True
        return False


def _holds_assignment_expression(node: cst.BaseExpression) -> bool:
    # a walk, not `libcst.matchers`: importing the matchers costs every process about 1.5 G instructions
    finder = _AssignmentExpressions()
    walk(node, finder)
    return finder.found
