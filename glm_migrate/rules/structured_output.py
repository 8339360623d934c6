from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.rules._clients import moved_by_fixes
from glm_migrate.rules._helpers import GlmOptions, code_of, dict_entry
from glm_migrate.semantic import ApiCall, Client, Target, find_kwarg, string_value
from glm_migrate.semantic.values import wrapped_client_argument


class StructuredOutput(Rule):
    """
    ## What it does
    Reports chat calls that ask for schema-constrained output: `response_format` with
    `"type": "json_schema"`, and `.parse()` / `.stream()` with a Pydantic class as
    `response_format` (the SDK turns the class into a `json_schema` response format), also
    `.parse(**options)` whose response format is in the mapping; and instructor wrapping a client
    bound for Z.AI in a mode that asks for it (`Mode.JSON_SCHEMA`). Warns about strict tools
    (`"strict": True`, `openai.pydantic_function_tool(...)`), which GLM does not enforce.

    ## Why is this bad?
    GLM-4.6 supports `{"type": "json_object"}` (valid JSON, no schema) and plain text only. The
    schema is not enforced, so the answer may not parse into the model class.

    ## Example
    ```python
    event = client.chat.completions.parse(model="glm-4.6", messages=m, response_format=CalendarEvent)
    ```
    Use instead:
    ```python
    completion = client.chat.completions.create(
        model="glm-4.6", messages=m_with_schema_in_prompt, response_format={"type": "json_object"}
    )
    event = CalendarEvent.model_validate_json(completion.choices[0].message.content)
    ```

    ## Fix safety
    No fix: the schema has to move into the prompt and the answer has to be validated by your
    code, and `.parse()` results (`message.parsed`) are read differently. A `json_schema` format
    in a `**` mapping the request is built from is reported where the mapping writes it.
    """

    CODE = "GLM211"
    NAME = "structured-output"
    SUMMARY = "Schema-constrained output (`json_schema`, `.parse()`), which GLM-4.6 lacks"

    VALID = (
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], response_format={"type": "json_object"})'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\nc.chat.completions.parse(model="m", messages=[], response_format=Event)'
        ),
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[])'
        ),  # no response format
        Valid(
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="glm-4.6", messages=[], response_format=fmt)'
        ),  # an unknown format on create
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nOpenAI().beta.chat.completions.parse(model="gpt-4o", messages=[], response_format=Event)'
        ),
        Invalid(  # a strict tool: a warning (GLM does not enforce it)
            "import openai\nT = {'type': 'function', 'function': {'name': 'f', 'strict': True}}\n"
            "openai.OpenAI().chat.completions.create(model='gpt-4o', messages=[], tools=[T])"
        ),
        Invalid(
            "import openai\nopenai.OpenAI().chat.completions.create(model='gpt-4o', messages=[], "
            "tools=[openai.pydantic_function_tool(Refund)])"
        ),
        Invalid(  # the response format in a mapping: `.parse` is there for one
            "from openai import OpenAI\ndef ask(params):\n    return OpenAI().beta.chat.completions.parse(**params)"
        ),
        Invalid(
            "from openai import OpenAI\n"
            'FORMAT = {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}\n'
            'OpenAI().chat.completions.create(model="gpt-4o", messages=[], response_format=FORMAT)'
        ),
        Invalid(
            "import instructor\nfrom openai import OpenAI\n"
            "c = instructor.from_openai(OpenAI(), mode=instructor.Mode.JSON_SCHEMA)"
        ),
        Invalid(  # in a `**` mapping: for a person
            'from openai import OpenAI\np = {"model": "glm-4.6", "messages": [], "response_format": {"type": "json_schema", "json_schema": S}}\nOpenAI().chat.completions.create(**p)'
        ),
    )

    def on_module_end(self) -> None:
        # instructor in a mode that sends `response_format={"type": "json_schema", ...}`
        sdk = self.tables.sdk
        if not sdk.instructor_schema_modes or not self.model.imports_from("instructor"):
            return
        for call, scope in self.model.calls:
            mode = find_kwarg(call, "mode")
            if mode is None or type(mode.value) is not cst.Attribute:
                continue
            current = mode.value.attr.value
            wrapped = wrapped_client_argument(call)
            if current not in sdk.instructor_schema_modes or wrapped is None:
                continue
            if not self.model.qualified_names(call.func, scope) & sdk.instructor_factories:
                continue
            clients = [v for v in self.model.values_of(wrapped, scope) if isinstance(v, Client)]
            if any(moved_by_fixes(c) or c.target is Target.ZAI for c in clients):
                self.report(
                    mode,
                    f"instructor in mode `{current}` asks for a `json_schema` response format, which "
                    f"{self.target_name} lacks (only `json_object`): use `Mode.{sdk.instructor_json_mode}`, which "
                    "puts the schema in the prompt and validates the answer",
                )

    def on_api_call(self, call: ApiCall) -> None:
        if call.endpoint != "chat" or not call.migratable:
            return
        self._strict_tools(call)
        arg = call.kwarg("response_format")
        method = call.path[-1]
        if arg is None:
            splat = next((a for a in call.node.args if a.star == "**"), None)
            if method == "parse" and splat is not None:
                # `.parse()` is there for a Pydantic response format: one kept in the mapping
                self.report(
                    splat,
                    f"`.parse(**{code_of(splat.value)})` asks for schema-constrained output (its `response_format` "
                    f"is in the mapping), which {self.target_name} lacks: use `create` with `json_object` and "
                    "validate the JSON yourself",
                )
            elif splat is not None:
                self._in_splats(call)
            return
        dicts = self.model.dict_literals(arg.value, call.scope)
        if dicts is not None:
            for mapping in dicts:
                entry = dict_entry(mapping, "type")
                if entry is not None and string_value(entry.value) == "json_schema":
                    self.report(
                        arg,
                        f"`json_schema` response format: {self.target_name} has only `json_object`; validate the JSON yourself",
                    )
                    return
        elif method in ("parse", "stream") and not isinstance(arg.value, cst.SimpleString):
            self.report(
                arg,
                f"`.{method}(response_format={code_of(arg.value)})` asks for schema-constrained output, which "
                f"{self.target_name} lacks: use `json_object` and validate the JSON yourself",
            )

    def _in_splats(self, call: ApiCall) -> None:
        """`create(**params)` with `params = {..., "response_format": {"type": "json_schema", ...}}`."""
        for mapping in GlmOptions(call, self.model).splat_mappings:
            for source in mapping.keys.get("response_format", ()):
                for literal in self.model.dict_literals(source.value, call.scope) or ():
                    entry = dict_entry(literal, "type")
                    if entry is not None and string_value(entry.value) == "json_schema":
                        self.report(
                            source.node,
                            f"`json_schema` response format in a `**` mapping of a request: {self.target_name} has "
                            "only `json_object`; validate the JSON yourself",
                        )
                        break

    def _strict_tools(self, call: ApiCall) -> None:
        """A tool declared strict (`"strict": True` in its function, or built by
        `openai.pydantic_function_tool`, which sets it): GLM has no strict mode, so the model's
        arguments are not held to the schema. A warning, once per call: Z.AI accepts the field."""
        arg = call.kwarg("tools")
        if arg is None:
            return
        for tools in self.model.literals_of(arg.value, call.scope, cst.List):
            for element in tools.elements:
                tool = element.value
                if type(tool) is cst.Call:
                    if "openai.pydantic_function_tool" in self.model.qualified_names(tool.func, call.scope):
                        return self._report_strict(tool, f"`{code_of(tool.func)}(...)` declares a strict tool")
                    continue
                for mapping in self.model.dict_literals(tool, call.scope) or ():
                    function = dict_entry(mapping, "function")
                    inner = function.value if function is not None else None
                    for spec in self.model.dict_literals(inner, call.scope) or () if inner is not None else ():
                        strict = dict_entry(spec, "strict")
                        if strict is not None and type(strict.value) is cst.Name and strict.value.value == "True":
                            return self._report_strict(strict, '`"strict": True` in a tool')

    def _report_strict(self, node: cst.CSTNode, what: str) -> None:
        self.report(
            node,
            f"{what}: {self.target_name} has no strict mode, so the arguments it calls the tool with are not "
            "held to the schema; validate them before use",
            severity=Severity.WARNING,
        )
