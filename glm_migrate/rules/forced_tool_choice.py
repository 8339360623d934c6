from __future__ import annotations

from functools import partial

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.rules._clients import moved_by_fixes
from glm_migrate.rules._helpers import GlmOptions, add_kwarg, code_of, left_out, remove_kwargs, replace_with
from glm_migrate.semantic import ApiCall, Client, Target, dotted_name, find_kwarg, string_value
from glm_migrate.semantic.values import wrapped_client_argument


class ForcedToolChoice(Rule):
    """
    ## What it does
    Finds `tool_choice=` values other than `"auto"` on chat calls bound for Z.AI: `"required"`,
    a named function (`{"type": "function", "function": {"name": ...}}`) and `"none"`; and
    instructor wrapping a client bound for Z.AI in a mode that forces the tool choice itself
    (`instructor.from_openai(client)`: its default, TOOLS).

    ## Why is this bad?
    GLM-4.6 documents `"auto"` only. Z.AI answers other values with HTTP 400 ("Tool choice must be
    auto"), and glm-4.6 has been seen to hang on a named function.

    ## Example
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, tools=tools, tool_choice="required")
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=m, tools=tools, tool_choice="auto")
    ```

    ## Fix safety
    A `tool_choice` key of a `**` mapping the request is built from is reported for a person;
    `NOT_GIVEN` (the SDK's "leave it out") is not reported.
    Unsafe: with `"auto"` the model may answer without calling the tool, so code that expects a
    tool call needs a fallback (or a prompt that asks for the tool). `"none"` is rewritten by
    removing `tools=` and `tool_choice=`, which is what "no tool calls" means. Values computed at
    run time are reported for a person. instructor gets `mode=instructor.Mode.JSON` (the schema
    goes in the prompt and the answer comes as a JSON object), also unsafe, and the client it
    wraps moves to Z.AI only with that fix.
    """

    CODE = "GLM209"
    NAME = "forced-tool-choice"
    SUMMARY = "`tool_choice` other than `auto`, which GLM-4.6 rejects"
    FIX_TITLE = 'Use `tool_choice="auto"`'
    APPLICABILITY = Applicability.UNSAFE
    REPORTS_REJECTED_ARGUMENT = True

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], tools=t, tool_choice="auto")'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.create(model="m", messages=[], tools=t, tool_choice="required")'
        ),
        Valid(  # the SDK's stand-in for "not sent"
            'from openai import NOT_GIVEN, OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], tools=NOT_GIVEN, tool_choice=NOT_GIVEN)'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, tool_choice={"type": "function", "function": {"name": "f"}})',
            expected='from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], tools=t, tool_choice="auto")',
            unsafe=True,
        ),
        Invalid(
            'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[], tools=t, tool_choice="none")',
            expected='from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", messages=[])',
            unsafe=True,
        ),
        Invalid(
            "from openai import OpenAI\nOpenAI().chat.completions.create(model=m, messages=[], tools=t, tool_choice=choice)"
        ),
        Invalid(  # in a `**` mapping: for a person
            'from openai import OpenAI\np = {"model": "glm-4.6", "messages": [], "tools": t, "tool_choice": "required"}\nOpenAI().chat.completions.create(**p)'
        ),
        Invalid(
            'import instructor\nfrom openai import OpenAI\nc = instructor.from_openai(OpenAI(base_url="https://api.z.ai/api/paas/v4/", api_key=k))',
            expected='import instructor\nfrom openai import OpenAI\nc = instructor.from_openai(OpenAI(base_url="https://api.z.ai/api/paas/v4/", api_key=k), mode=instructor.Mode.JSON)',
            unsafe=True,
        ),
        Invalid(
            'import instructor\nfrom openai import OpenAI\nc = instructor.from_openai(client=OpenAI(base_url="https://api.z.ai/api/paas/v4/", api_key=k), mode=instructor.Mode.TOOLS)',
            expected='import instructor\nfrom openai import OpenAI\nc = instructor.from_openai(client=OpenAI(base_url="https://api.z.ai/api/paas/v4/", api_key=k), mode=instructor.Mode.JSON)',
            unsafe=True,
        ),
    )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        arg = call.kwarg("tool_choice")
        if arg is None:
            if any(a.star == "**" for a in call.node.args):
                self._in_splats(call)
            return
        if left_out(self.model, self.tables, arg.value, call.scope):
            return  # `tool_choice=NOT_GIVEN`: not sent
        choice = string_value(arg.value)
        if choice == "auto":
            return
        shown = code_of(arg.value)
        message = f"`tool_choice={shown}`: {self.target_name} takes only `auto`"
        if choice == "none":
            fix = Fix(
                ((call.node, partial(remove_kwargs, names={"tools", "tool_choice"})),),
                "Remove `tools=` and `tool_choice=`",
            )
            self.report(arg, message, fix=fix)
        elif choice is not None or isinstance(arg.value, cst.Dict):
            quote = arg.value.quote if isinstance(arg.value, cst.SimpleString) else '"'
            auto = cst.SimpleString(f"{quote}auto{quote}")
            fix = Fix(((arg.value, replace_with(auto)),), self.FIX_TITLE)
            self.report(arg, message + " (the model may then answer without calling a tool)", fix=fix)
        else:
            self.report(arg, message + "; make sure this value is `auto`")

    def _in_splats(self, call: ApiCall) -> None:
        """`create(**params)` with `params = {..., "tool_choice": "required"}`: for a person (the
        call waits with its client, as for the keyword)."""
        for mapping in GlmOptions(call, self.model).splat_mappings:
            for source in mapping.keys.get("tool_choice", ()):
                if string_value(source.value) == "auto" or left_out(self.model, self.tables, source.value, call.scope):
                    continue
                self.report(
                    source.node,
                    f"`tool_choice` in a `**` mapping of a request is `{code_of(source.value)}`: "
                    f"{self.target_name} takes only `auto`; make it `auto` (or leave it out) by hand",
                )

    def on_module_end(self) -> None:
        # instructor wraps a client and, in its default TOOLS mode, forces `tool_choice` itself
        sdk = self.tables.sdk
        if not self.model.imports_from("instructor"):
            return
        for call, scope in self.model.calls:
            wrapped = wrapped_client_argument(call)
            if wrapped is None or not self.model.qualified_names(call.func, scope) & sdk.instructor_factories:
                continue
            clients = [v for v in self.model.values_of(wrapped, scope) if isinstance(v, Client)]
            if not any(moved_by_fixes(c) or c.target is Target.ZAI for c in clients):
                continue
            mode = find_kwarg(call, "mode")
            current = mode.value.attr.value if mode is not None and type(mode.value) is cst.Attribute else None
            if mode is not None and current not in sdk.instructor_tool_modes:
                continue  # JSON, MD_JSON, ...: a request GLM takes (or one computed at run time)
            what = f"mode `{current}`" if mode is not None else "its default mode, TOOLS,"
            message = (
                f"instructor in {what} forces `tool_choice` to the response model's function, which "
                f"{self.target_name} rejects (only `auto`): use `Mode.{sdk.instructor_json_mode}`"
            )
            spelling = dotted_name(call.func) or ""
            module = spelling.rpartition(".")[0]
            if not module or self.model.qualified_names(cst.parse_expression(module), scope) != {"instructor"}:
                # `from instructor import from_openai`: no `instructor` name to use; the client
                # still waits for this (engine.py)
                self.report(call, message)
                continue
            new = cst.parse_expression(f"{module}.Mode.{sdk.instructor_json_mode}")
            if mode is not None:
                fix = Fix(((mode.value, replace_with(new)),), f"Use `{module}.Mode.{sdk.instructor_json_mode}`")
            else:
                fix = Fix(
                    ((call, partial(add_kwarg, name="mode", value=new)),),
                    f"Pass `mode={module}.Mode.{sdk.instructor_json_mode}`",
                )
            # on the call that wraps the client, which then moves only with this fix (engine.py)
            self.report(call, message, fix=fix)
