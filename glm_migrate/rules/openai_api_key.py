from __future__ import annotations

import re

import libcst as cst

from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import is_none, short_code
from glm_migrate.project import KEY_UNSEEN
from glm_migrate.rules._base import Fix, Invalid, Rule, RuleContext, Valid
from glm_migrate.rules._clients import (
    add_client_option,
    add_missing_module_setting,
    migrates_to_zai,
    missing_key_handler,
    module_client_called,
    module_setting,
    moved_here,
    moves_with_client,
    openai_key_check,
    program_set_key,
    provider_branch,
    repoint_blocker,
    set_after_built,
    test_stub,
    wants_module_settings,
)
from glm_migrate.rules._helpers import (
    called_for,
    class_key_declaration,
    code_of,
    env_key_lookup,
    imported_key,
    key_renaming_fix,
    names_openai_key,
    openai_key_replacing_fix,
    takes_a_key_in_turn,
    typed_key_input,
)
from glm_migrate.rules._setting_flow import ModuleIndex, feeds_only_moving_clients, key_guard, key_setting_followed
from glm_migrate.semantic import Client, ModuleAttributeAssignment, Scope, Target, env_lookup, string_value
from glm_migrate.semantic.values import ModuleValue


class OpenAIApiKey(Rule):
    """
    ## What it does
    Finds OpenAI clients that take their key from `OPENAI_API_KEY`, explicitly
    (`os.environ["OPENAI_API_KEY"]`, `os.getenv(...)`) or implicitly (no `api_key=`), and makes
    them read `ZAI_API_KEY` (or the variable set by `api-key-env`); also clients already aimed at
    Z.AI that take no key of their own.

    ## Why is this bad?
    An OpenAI key is not valid at Z.AI. Worse, a client aimed at Z.AI without `api_key=` silently
    falls back to `OPENAI_API_KEY` and sends that key to another provider.

    ## Example
    ```python
    client = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))
    ```
    Use instead:
    ```python
    client = OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url=...)
    ```

    ## Fix safety
    Safe: an explicit lookup keeps its shape with the new name, except one that gives `None` when
    the variable is unset (`os.getenv("OPENAI_API_KEY")`): given `None`, the SDK falls back to
    `OPENAI_API_KEY` and would send that key to Z.AI. Such a lookup, and a missing key, become
    `os.environ["ZAI_API_KEY"]`, which fails loudly when unset, as `OpenAI()` did without a key.
    A key from any other expression (a settings object, a function) is reported as a warning:
    make sure it holds a Z.AI key; one that names OpenAI's key (`get_config("OPENAI_API_KEY")`, `get_openai_api_key()`,
    `settings.openai_api_key`, `os.getenv("OPENAI_API_KEY") or fallback`, a field of a config
    object built with such a key) is OpenAI's: replacing
    it with `os.environ["ZAI_API_KEY"]` is an unsafe fix, and the client's move waits for it
    (moved alone, it would send that key to Z.AI). So is one key of several read from it
    (`next(key_cycle)`, `random.choice(keys)`, `keys[i]` with `keys = os.environ["OPENAI_API_KEY"]
    .split(",")`, also through `itertools.cycle` and a list comprehension): the replacement passes
    the one key `ZAI_API_KEY` holds, as the message says; read the keys from it where they are
    split to keep the rotation. In `typed_key or os.environ["OPENAI_API_KEY"]` (a key the user or
    the caller gives, else OpenAI's) only the OpenAI operand is replaced, the other still first.
    A function or method returning OpenAI's key
    on every path (`get_api_key()` checking and returning `os.getenv("OPENAI_API_KEY")`) is a
    setting: GLM009 renames its read where every call of it is a moved client's key; where it is
    called for more, the call at the client becomes `os.environ["ZAI_API_KEY"]` (safe only where
    the function does nothing else: a `load_dotenv()` inside would be skipped). One returning it
    on some paths only is OpenAI's key (unsafe), with what to change in the message. A key imported from another module is what
    the project index finds there: read from `OPENAI_API_KEY`, the moving client reads
    `ZAI_API_KEY` itself (safe); from a module the run cannot read, the client sent it to OpenAI
    until now, and moves only with it replaced (unsafe). String literals are GLM003's. A read of `OPENAI_API_KEY` after
    the module sets it itself (a user's key) is reported, not renamed; `openai.api_key` in a
    module that makes no request through the module client is renamed only as an unsafe fix,
    since that client's URL is not moved there. A client already aimed at Z.AI without a key
    gets `api_key=os.environ["ZAI_API_KEY"]` only as an unsafe fix: its deployment may have put
    the Z.AI key in `OPENAI_API_KEY`. A key set after the client is built (`client.api_key =
    ...`) replaces the constructor's: a lookup of `OPENAI_API_KEY` there is renamed with the
    client (only as safely as the client moves), any other value is reported, and the client
    moves by hand (GLM002): moved, it would send that key, an OpenAI one, to Z.AI.
    """

    CODE = "GLM001"
    NAME = "openai-api-key"
    SUMMARY = "Client reads its key from `OPENAI_API_KEY`"
    FIX_TITLE = "Read the key from `ZAI_API_KEY`"

    VALID = (
        Valid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url="https://api.z.ai/api/paas/v4/")'
        ),
        Valid(
            'from openai import OpenAI\nc = OpenAI(api_key="EMPTY", base_url="http://localhost:8000/v1")'
        ),  # self-hosted
        Valid("class OpenAI: ...\nc = OpenAI()"),  # not the SDK's class
        # OpenAI's branch of a provider choice: GLM002 reports it once
        Valid(
            "from openai import OpenAI\ndef make(provider):\n    if provider == 'openai':\n        return OpenAI()\n    return Local()"
        ),
        Valid('from openai import OpenAI\nc = OpenAI(api_key="sk-proj-0123456789abcdefghij")'),  # a literal: GLM003's
        # a setting that reads OPENAI_API_KEY: GLM009 follows the variable where it is read
        Valid(
            'import os\nfrom openai import OpenAI\nAPI_KEY = os.environ["OPENAI_API_KEY"]\nc = OpenAI(api_key=API_KEY)'
        ),
        Valid(
            'import os\nimport openai\nopenai.api_key = os.environ["ZAI_API_KEY"]\nopenai.base_url = "https://api.z.ai/api/paas/v4/"\n'
            'openai.chat.completions.create(model="glm-4.6", messages=[])'
        ),
        # a function returning OpenAI's key on every path: a setting GLM009 follows into it
        Valid(
            'import os\nfrom openai import OpenAI\ndef key():\n    return os.environ["OPENAI_API_KEY"]\nc = OpenAI(api_key=key())'
        ),
    )
    INVALID = (
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            "from openai import AsyncOpenAI\nc = AsyncOpenAI()",
            expected='import os\n\nfrom openai import AsyncOpenAI\nc = AsyncOpenAI(api_key=os.environ["ZAI_API_KEY"])',
        ),
        Invalid(
            'import openai\nopenai.api_key = os.environ["OPENAI_API_KEY"]\nopenai.chat.completions.create(model="glm-4.6", messages=[])',
            expected='import openai\nopenai.api_key = os.environ["ZAI_API_KEY"]\nopenai.chat.completions.create(model="glm-4.6", messages=[])',
        ),
        # no request through the module client here: the key alone moves only with --unsafe-fixes
        Invalid(
            'import openai\nopenai.api_key = os.environ["OPENAI_API_KEY"]',
            expected='import openai\nopenai.api_key = os.environ["ZAI_API_KEY"]',
            unsafe=True,
        ),
        # the program sets the variable itself (a user's key): reported, not renamed
        Invalid(
            'import os\nimport openai\nos.environ["OPENAI_API_KEY"] = user_key\nclient = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])'
        ),
        Invalid("from openai import OpenAI\nc = OpenAI(api_key=settings.key)"),  # warning only
        # typed by the user into an input asking for OpenAI's key: the input asks for Z.AI's
        Invalid(
            'from openai import OpenAI\nkey = st.text_input("OpenAI API key", type="password")\nc = OpenAI(api_key=key)',
            expected='from openai import OpenAI\nkey = st.text_input("Z.AI API key", type="password")\nc = OpenAI(api_key=key)',
            unsafe=True,
        ),
        # ... worded by a person where no label literal names OpenAI
        Invalid("from openai import OpenAI\nopenai_key = getpass(PROMPT)\nc = OpenAI(api_key=openai_key)"),
        Invalid(
            'import os\nfrom openai import OpenAI\nkw = dict(api_key=os.getenv("OPENAI_API_KEY"))\nc = OpenAI(**kw)',
            expected='import os\nfrom openai import OpenAI\nkw = dict(api_key=os.environ["ZAI_API_KEY"])\nc = OpenAI(**kw)',
        ),
        # the mapping may hold a key already: reported with the edit to make, no keyword added
        Invalid("from openai import OpenAI\ndef make(options):\n    return OpenAI(**options)"),
        # a key setting read elsewhere too (GLM009 renames it only unsafely): the moved client's own key
        Invalid(
            'import os\nfrom openai import OpenAI\nKEY = os.getenv("OPENAI_API_KEY")\nprint(KEY[:7])\n'
            "c = OpenAI(api_key=KEY)",
            expected='import os\nfrom openai import OpenAI\nKEY = os.getenv("OPENAI_API_KEY")\nprint(KEY[:7])\n'
            'c = OpenAI(api_key=os.environ["ZAI_API_KEY"])',
        ),
        # aimed at Z.AI already, with no key: OPENAI_API_KEY's (unsafe: it may hold the Z.AI key)
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI(base_url="https://api.z.ai/api/paas/v4/")',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(base_url="https://api.z.ai/api/paas/v4/", api_key=os.environ["ZAI_API_KEY"])',
            unsafe=True,
        ),
        # set again after it is built: renamed with the client
        Invalid(
            'import os\nfrom openai import OpenAI\nc = OpenAI()\nc.api_key = os.environ["OPENAI_API_KEY"]',
            expected='import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ["ZAI_API_KEY"])\n'
            'c.api_key = os.environ["ZAI_API_KEY"]',
        ),
        # ... or, set to the caller's key, reported: the client moves by hand
        Invalid(
            "from openai import OpenAI\nclass A:\n    def __init__(self, key):\n        self.c = OpenAI()\n        self.c.api_key = key"
        ),
        # set on some paths only: OPENAI_API_KEY on the others
        Invalid('from openai import OpenAI\nkw = {}\nif key:\n    kw["api_key"] = key\nc = OpenAI(**kw)'),
        # a function returning OpenAI's key on some paths only (None on the others): OpenAI's key
        Invalid(
            'import os\nfrom openai import OpenAI\ndef key():\n    if ok:\n        return os.getenv("OPENAI_API_KEY")\n'
            "c = OpenAI(api_key=key())",
            expected='import os\nfrom openai import OpenAI\ndef key():\n    if ok:\n        return os.getenv("OPENAI_API_KEY")\n'
            'c = OpenAI(api_key=os.environ["ZAI_API_KEY"])',
            unsafe=True,
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._set_after: set[cst.CSTNode] = set()

    def on_client(self, client: Client) -> None:
        call = client.construction
        if call is not None and client.constructed and client.sdk == "openai" and client.target is Target.ZAI:
            self._pointed_at_zai(client, call)
            return
        if call is None or not client.constructed or not migrates_to_zai(client):
            return
        if provider_branch(self.model, client) is not None:
            return  # GLM002 reports the branch once
        later = set_after_built(self.model, client)
        if later:
            # GLM002 reports the client, which moves by hand; each key set on it here
            for assignment in later:
                if assignment.option == "api_key":
                    self._key_set_after_built(assignment.value)
            return
        if missing_key_handler(self.model, client) is not None or openai_key_check(self.model, client) is not None:
            return  # GLM002 reports the client, which moves by hand
        if test_stub(self.model, client) is not None:
            return  # GLM002 reports the client and the test's stand-in
        blocker = repoint_blocker(self.model, client)
        for assignment in self.model.client_option_assignments:
            # `client.api_key = os.environ["OPENAI_API_KEY"]`: renamed with the client (a literal is GLM003's)
            value = assignment.value
            if assignment.client is not client or assignment.option != "api_key" or value in self._set_after:
                continue
            if string_value(value) is None and moves_with_client(self.model, assignment):
                self._set_after.add(value)
                message = f"Client's key is set after it is built, from `{code_of(value)}`"
                if blocker is not None:
                    # the client stays where it is for now: so does its key
                    message += f": read `{self.key_env}` here when the client moves to Z.AI ({blocker})"
                    self.report(value, message)
                else:
                    message += f": the client moves to Z.AI, so this reads `{self.key_env}` too"
                    self.report(value, message, fix=key_renaming_fix(value, self.key_env))
        arg = client.kwarg("api_key")
        if arg is not None:
            shared = self._shared_openai_setting(arg.value, client.scope)
            if shared is not None and moved_here(self.model, client):
                # GLM009 cannot rename the setting safely (it has other reads, or is another
                # module's), and the client moves to Z.AI now: it must not carry the OpenAI key there
                message, does_more = shared
                if does_more:
                    # `get_api_key()` also loads a `.env` file, say: the call cannot simply go
                    self.report(
                        arg.value,
                        f"API key `{code_of(arg.value)}` is {message}, and the function does more than read it "
                        f"({does_more}): moved to Z.AI, the client would send OpenAI's key there; pass "
                        f'`api_key=os.environ["{self.key_env}"]` where what the function does is done, or make it '
                        f"return `{self.key_env}` where every caller wants Z.AI's key",
                        fix=openai_key_replacing_fix(arg.value, self.key_env),
                    )
                    return
                self.report(
                    arg.value,
                    f"API key `{code_of(arg.value)}` is {message}: the client, moved to Z.AI, reads `{self.key_env}` "
                    "itself",
                    fix=Fix(
                        ((arg.value, lambda _: env_key_lookup(self.key_env)),),
                        f'Pass `api_key=os.environ["{self.key_env}"]`',
                        imports=("os",),
                    ),
                )
                self._stale_guards(arg.value, client)
                return
            account = next(
                (
                    f"{option}="
                    for option in ("organization", "project")
                    if (given := client.kwarg(option)) is not None and not is_none(given.value)
                ),
                None,
            )
            self._check_value(arg.value, client.scope, account=account)
            return
        sources = client.option_sources("api_key")
        for source in sources:
            self._check_value(source.value, client.scope)
        message = "Client without `api_key=` reads `OPENAI_API_KEY`"
        if sources:
            if not any(source.always for source in sources):
                where = " or ".join(f"`{code_of(source.value)}`" for source in sources)
                self.report(
                    call,
                    f"Client's key is {where} where its `**` mapping sets one, `OPENAI_API_KEY` on the other paths: "
                    f'set `api_key` on every path (`os.environ["{self.key_env}"]`)',
                )
            return
        if (variable := program_set_key(self.model, client)) is not None:
            # `os.environ["OPENAI_API_KEY"] = cfg["key"]` above: the key is the program's, not the environment's
            self.report(
                call,
                f"{message}, which {self.model.key_setter(variable)} sets itself: pass the value it sets as "
                "`api_key=` (a Z.AI key "
                f"from then on) rather than reading `{self.key_env}`",
            )
            return
        edits = add_client_option(client, "api_key", env_key_lookup(self.key_env))
        if isinstance(edits, str):
            self.report(call, edits)
        else:
            self.report(
                call,
                message,
                fix=Fix(edits, f'Pass `api_key=os.environ["{self.key_env}"]`', imports=("os",)),
            )

    def _stale_guards(self, key: cst.BaseExpression, client: Client) -> None:
        """Tests of `key` guarding the client in its own function (`if not OPENAI_API_KEY: raise
        ...` before `return OpenAI(api_key=OPENAI_API_KEY)`), once the client reads Z.AI's key
        itself: they still stop a run that has only Z.AI's key."""
        name = key.func if type(key) is cst.Call else key
        if type(name) is not cst.Name or client.scope is self.model.module_scope:
            return
        index = ModuleIndex(self.model)
        for read in index.uses(name.value, client.scope):
            guarded = read.value if type(key) is not cst.Call else None
            call = index.parents.get(read)
            test = call if type(call) is cst.Call and call.func is read else read
            if read is name or (guarded is None and test is read) or not key_guard(index, test):
                continue
            self.report(
                test,
                f"`{code_of(test)}` is tested here to stop where it is unset, before a client that reads "
                f"`{self.key_env}` once moved to Z.AI: test `{self.key_env}` here, or a run with only Z.AI's key "
                "stops",
                severity=Severity.WARNING,
            )

    def _key_set_after_built(self, value: cst.BaseExpression) -> None:
        """`self.client.api_key = config["api_key"]`: the key the client sends, whatever its
        constructor is given; moved to Z.AI, the client would send this one there."""
        if value in self._set_after or string_value(value) is not None:
            return  # reported for another client the name may hold; a literal is GLM003's
        self._set_after.add(value)
        env = env_lookup(value)
        where = f"read from `{env[0]}`" if env is not None else f"to `{code_of(value)}`"
        self.report(
            value,
            f"Client's key is set here after it is built, {where}: it replaces the key its constructor is "
            f"given, and would go to Z.AI once the client moves there; give it a Z.AI key (`{self.key_env}`) "
            "then (the client moves by hand, see GLM002)",
        )

    def _pointed_at_zai(self, client: Client, call: cst.Call) -> None:
        """An OpenAI-SDK client already aimed at Z.AI without a key of its own reads
        `OPENAI_API_KEY`: an OpenAI key sent to Z.AI, unless the deployment put its Z.AI key there
        (which is why the fix is unsafe)."""
        if client.kwarg("api_key") is not None or client.option_sources("api_key") or not client.splats_known:
            return
        if program_set_key(self.model, client) is not None:
            return
        edits = add_client_option(client, "api_key", env_key_lookup(self.key_env))
        message = "Client aimed at Z.AI without `api_key=` reads `OPENAI_API_KEY`, which may hold an OpenAI key"
        if isinstance(edits, str):
            self.report(call, f"{message}: {edits}")
            return
        title = f'Pass `api_key=os.environ["{self.key_env}"]`'
        self.report(call, message, fix=Fix(edits, title, imports=("os",), applicability=Applicability.UNSAFE))

    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        if assignment.attribute != "api_key" or not wants_module_settings(self.model):
            return
        # Where no request goes through the module client here, its URL is not moved here either:
        # the key alone is right only if whatever uses the client points it at Z.AI.
        alone = not module_client_called(self.model) and not module_setting(self.model, "base_url")
        # read where it is set (`openai.api_key = next(self.keys)` in a method), not at the top
        scope = self.model.scope_of(assignment.value)
        if self._restores_the_key(assignment.value, scope):
            return
        self._check_value(assignment.value, scope, key_alone=alone)

    def _restores_the_key(self, value: cst.BaseExpression, scope: Scope) -> bool:
        """`openai.api_key = saved` after `saved = openai.api_key`: the key put back is the one the
        module client had before, whatever set it; rewritten, the restore would set another."""
        if type(value) is not cst.Name:
            return False
        bindings = self.model.lookup(value.value, scope)
        return bool(bindings) and all(
            type(b.value) is cst.Attribute
            and b.value.attr.value == "api_key"
            and any(
                isinstance(v, ModuleValue) and v.name == "openai" for v in self.model.values_of(b.value.value, b.scope)
            )
            for b in bindings
        )

    def on_module_end(self) -> None:
        message = "Module-level `openai` client reads `OPENAI_API_KEY`"
        add_missing_module_setting(self, "api_key", env_key_lookup(self.key_env), message, ("os",))

    def _shared_openai_setting(self, value: cst.BaseExpression, scope: Scope) -> tuple[str, str] | None:
        """What `value` is, for a message, when it is a setting read from OpenAI's key variable
        that also feeds more than clients this run moves (a check, a log line), so GLM009 renames
        it only as an unsafe fix; or another module's such setting (`from keys import api_key`,
        which the project index says reads `OPENAI_API_KEY`): what else reads it is not seen.
        With it, for a function returning the key (`get_api_key()`), what else the function does
        that a caller would miss were the call replaced (`load_dotenv()`), or ""."""
        imported = imported_key(self.model, value, scope)
        if imported is not None:
            written, variable, how = imported
            module = written.rpartition(".")[0]
            if called_for(self.model, value, scope) is not None and how in ("env", "named"):
                # `from app.config import get_api_key`: the index says it returns OpenAI's key
                what = f"what `{module}`'s `{written.rpartition('.')[2]}` returns, read from `{variable}`"
                return what, "" if how == "env" else "other calls there, or other values on some paths"
            return (f"the setting `{module}` reads from `{variable}`", "") if how == "env" else None
        index = ModuleIndex(self.model)
        source = index.setting_source(value, scope)
        env = env_lookup(source) if source is not None else None
        if source is None or env is None or env[0] not in self.tables.openai_key_envs:
            return None
        if feeds_only_moving_clients(index, source):
            return None
        function = index.returning_function(source) if type(value) is cst.Call else None
        other = index.other_call(function) if function is not None else None
        does_more = f"it calls `{code_of(other)}`" if other is not None else ""
        what = f"the `{env[0]}` setting"
        if function is not None:
            what = f"the key `{code_of(value.func)}` reads from `{env[0]}`"  # type: ignore[attr-defined]
        elsewhere = index.read_elsewhere(source)
        if elsewhere is not None:
            return f"{what}, which `{elsewhere}` imports as a client's key too", does_more
        if function is not None:
            return f"{what}, which this module uses elsewhere too", does_more
        return f"{what}, which this module reads elsewhere too", does_more

    def _partly_openai_key(self, call: cst.Call, scope: Scope) -> bool:
        """`get_api_key()`, a function of this module returning OpenAI's key on some paths
        only (another value, or nothing, on the others: `st.secrets[...]` first, a fall-through
        that returns None): reported with what to change, as an unsafe fix the client waits for.
        Moved to Z.AI as it is, the client would send OpenAI's key there on those paths."""
        index = ModuleIndex(self.model)
        function = index.called_function(call, scope)
        if function is None:
            return False
        returned = index.returned_values(function)
        openai_key = next(
            (
                (value, variable)
                for value in returned
                if (variable := self._openai_variable(value, function)) is not None
            ),
            None,
        )
        if openai_key is None:
            return False
        value, variable = openai_key
        others = [v for v in returned if self._openai_variable(v, function) is None]
        name = code_of(call.func)
        if not others:
            where = f"on every path of `{name}` (`{code_of(value)}` on one)"
        elif type(others[0]) is cst.Name and others[0].value == "None":
            where = (
                f"where `{name}` returns `{code_of(value)}`, and None (the SDK then reads `OPENAI_API_KEY` itself) "
                "on another path"
            )
        else:
            where = f"where `{name}` returns `{code_of(value)}`, and `{code_of(others[0])}` on another path"
        self.report(
            call,
            f"API key `{code_of(call)}` is OpenAI's key (`{variable}`) {where}: moved to Z.AI, the client would send "
            f"OpenAI's key there; make `{name}` return a Z.AI key (`{self.key_env}`) on every path its callers want "
            f'one, or pass `api_key=os.environ["{self.key_env}"]` here',
            fix=openai_key_replacing_fix(call, self.key_env),
        )
        return True

    def _zai_fallback(self, value: cst.BooleanOperation) -> bool:
        """An `or` of keys one of which reads the Z.AI variable and none OpenAI's."""
        lookups = [env_lookup(operand) for operand in _operands(value)]
        variables = {lookup[0] for lookup in lookups if lookup is not None}
        return self.key_env in variables and not variables & self.tables.openai_key_envs

    def _class_key_declaration(self, value: cst.BaseExpression, scope: Scope) -> cst.SimpleString | None:
        """The class attribute string naming OpenAI's variable that a base class reads an
        unbound `self.X` key from (`class_key_declaration`), else None."""
        if type(value) is not cst.Attribute or self.model.bindings_of(value, scope):
            return None
        return class_key_declaration(value, scope, {name.lower(): name for name in self.tables.openai_key_envs})

    def _class_key_fix(self, declared: cst.SimpleString) -> Fix:
        """GLM001's unsafe fix naming `ZAI_API_KEY` in the class attribute a base class reads
        the key by, so a key the caller passes still comes first, as the code had it."""
        renamed = declared.with_changes(value=f"{declared.prefix}{declared.quote}{self.key_env}{declared.quote}")
        return Fix(
            ((declared, lambda _: renamed),),
            f"Name `{self.key_env}` there instead (a key a caller passes still comes first)",
            applicability=Applicability.UNSAFE,
        )

    def _key_replacing_fix(self, value: cst.BaseExpression, scope: Scope) -> Fix:
        """GLM001's unsafe replacement of a key named as OpenAI's: of the operands that are, in
        `user_key or os.environ["OPENAI_API_KEY"]` (a key typed in a form, a caller's), so the
        other key still comes first (of the variable's reads, where every operand is named so);
        else of the whole value."""
        if type(value) is cst.BooleanOperation:
            operands = _operands(value)
            openai_ones = [o for o in operands if names_openai_key(self.model, self.tables, o, scope) is not None]
            if len(openai_ones) == len(operands):
                # `typed_key or os.environ["OPENAI_API_KEY"]`, the first from a field labelled
                # "OpenAI API Key": the program's input stays, as the variable's read moves
                openai_ones = [o for o in operands if env_lookup(o) is not None]
            if openai_ones and len(openai_ones) < len(operands):
                kept = ", ".join(f"`{code_of(o)}`" for o in operands if o not in openai_ones)
                return Fix(
                    tuple((o, lambda _: env_key_lookup(self.key_env)) for o in openai_ones),
                    f"Read `{self.key_env}` where OpenAI's key was read, keeping {kept} first",
                    imports=("os",),
                    applicability=Applicability.UNSAFE,
                )
        return openai_key_replacing_fix(value, self.key_env)

    def _openai_variable(self, value: cst.BaseExpression, function: Scope) -> str | None:
        """OpenAI's key variable a returned value reads, directly or by its name."""
        env = env_lookup(value)
        if env is not None:
            return env[0] if env[0] in self.tables.openai_key_envs else None
        return names_openai_key(self.model, self.tables, value, function)

    def _check_value(
        self, value: cst.BaseExpression, scope: Scope, *, key_alone: bool = False, account: str | None = None
    ) -> None:
        """`account`: the OpenAI account option (`organization=`) the client is given beside the key."""
        if string_value(value) is not None:
            return  # a literal key: GLM003
        env = env_lookup(value)
        if env is not None and env[0] in self.model.program_key_envs:
            self.report(
                value,
                f"API key read from `{env[0]}`, which {self.model.key_setter(env[0])} sets itself: the key is the "
                "program's (a "
                f"user's, a setting's), so reading `{self.key_env}` would drop it; make sure it holds a Z.AI key",
            )
        elif env is not None and env[0] in self.tables.openai_key_envs:
            message = f"API key read from `{env[0]}`"
            if key_alone:
                message += (
                    ": no request goes through the `openai` module client in this module, so its URL is not "
                    "pointed at Z.AI here; a Z.AI key is right only where something points it there"
                )
            rename = key_renaming_fix(value, self.key_env, Applicability.UNSAFE if key_alone else None)
            self.report(value, message, fix=rename)
        elif env is None or env[0] != self.key_env:
            if key_setting_followed(self.model, self.tables, self.key_env, value, scope):
                return  # a key kept in a setting: GLM009 (a variable) or GLM003 (a literal) follow it
            code = code_of(value)
            named = names_openai_key(self.model, self.tables, value, scope)
            if named is not None and type(value) is cst.BooleanOperation and self._zai_fallback(value):
                # `typed_key or os.environ["ZAI_API_KEY"]`, as GLM001 leaves the user's key and
                # OpenAI's variable: the first is the program's input, named as OpenAI's by its label
                return
            typed = typed_key_input(self.model, self.tables, value, scope)
            relabel = _relabel_fix(typed) if typed is not None else None
            if typed is not None and (named is not None or relabel is not None):
                named = named or self.tables.sdk_key_env  # the input's label asks for OpenAI's key
                # `OpenAI(api_key=key)` with `key = st.text_input("OpenAI API Key")`: the user's key,
                # asked for as OpenAI's; the environment's key in its place would drop it
                message = (
                    f"API key `{code}` is typed by the user into `{short_code(typed)}`, which asks for OpenAI's "
                    f"key (`{named}`): moved to Z.AI, the client would send it there; ask for a Z.AI key there "
                    f"(its label, any `sk-` check) rather than reading `{self.key_env}`, which would drop what the "
                    "user types"
                )
                self.report(value, message, fix=relabel)
                return
            if named is not None:
                # `get_config("OPENAI_API_KEY")`, `settings.OPENAI_API_KEY`, `os.getenv(...) or k`:
                # an OpenAI key by its name; the client must not move to Z.AI with it
                message = f"API key `{code}` is OpenAI's key (`{named}`): moved to Z.AI, the client would send it there"
                declared = self._class_key_declaration(value, scope)
                if declared is not None:
                    # `self.api_key` a base class of another module fills from its caller's `api_key=`
                    # first, then from the variable this class names (nexoia-io/nexoia-sdk): reading
                    # `ZAI_API_KEY` in its place would drop the caller's key; naming it keeps the order
                    message += (
                        f"; the base class fills it from a key its caller passes, else from the variable "
                        f"{short_code(declared)} this class names: a caller's key must then be a Z.AI key"
                    )
                    self.report(value, message, fix=self._class_key_fix(declared))
                    return
                if takes_a_key_in_turn(value):
                    # `next(key_cycle)`, `random.choice(keys)`: a rotation the replacement ends
                    message = (
                        f"API key `{code}` is one of OpenAI's keys (`{named}`), taken in turn: moved to Z.AI, the "
                        f"client would send it there; the fix passes the one key `{self.key_env}` holds: to keep the "
                        f"rotation, read Z.AI keys where the keys are read (`{self.key_env}` split) and keep `{code}`"
                    )
                self.report(value, message, fix=self._key_replacing_fix(value, scope))
                return
            if type(value) is cst.Call and self._partly_openai_key(value, scope):
                return
            imported = imported_key(self.model, value, scope)
            if imported is not None and imported[2] == KEY_UNSEEN[1]:
                # `from keys import api_key` with `keys` out of sight: OpenAI's key until now, for
                # all this module shows (its name says nothing), and moved, the client sends it to Z.AI
                module = imported[0].rpartition(".")[0]
                self.report(
                    value,
                    f"API key `{code}` is imported from `{module}`, which this run does not read (neither among "
                    "the files given nor found beside them): the client sent it to OpenAI until now, and moved to "
                    f"Z.AI would send it there; replace it, or run glm-migrate on `{module}` too",
                    fix=openai_key_replacing_fix(value, self.key_env),
                )
                return
            if account is not None:
                # a key given with the OpenAI organization or project it belongs to is OpenAI's
                self.report(
                    value,
                    f"API key `{code}` comes with `{account}`, an OpenAI account's: moved to Z.AI, the client "
                    "would send OpenAI's key there",
                    fix=openai_key_replacing_fix(value, self.key_env),
                )
                return
            self.report(
                value,
                f"API key comes from `{code}`: make sure it holds a Z.AI key",
                severity=Severity.WARNING,
            )


def _operands(value: cst.BooleanOperation) -> list[cst.BaseExpression]:
    """The operands of `a or b or c`, in order."""
    operands: list[cst.BaseExpression] = []
    stack: list[cst.BaseExpression] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.BooleanOperation):
            stack += (node.right, node.left)
        else:
            operands.append(node)
    return operands


#: "OpenAI" in a key input's label (`"OpenAI API Key"`, `"Your openai key"`)
_OPENAI_WORD = re.compile(r"open\s?ai", re.IGNORECASE)


def _relabel_fix(typed: cst.Call) -> Fix | None:
    """The unsafe fix asking for a Z.AI key in the input a person types the key into: its label
    (`st.text_input("OpenAI API Key")`, `gr.Textbox(label=...)`, `getpass("OpenAI key: ")`) says
    Z.AI instead. None when no label literal names OpenAI (a person words it)."""
    labels = [arg.value for arg in typed.args[:1] if arg.keyword is None] + [
        arg.value for arg in typed.args if arg.keyword is not None and arg.keyword.value in ("label", "name", "prompt")
    ]
    label = next((v for v in labels if type(v) is cst.SimpleString and _OPENAI_WORD.search(v.value)), None)
    if label is None:
        return None
    relabelled = cst.SimpleString(_OPENAI_WORD.sub("Z.AI", label.value))
    return Fix(
        ((label, lambda _: relabelled),),
        "Ask for a Z.AI key in that input (check any `sk-` test of it by hand)",
        applicability=Applicability.UNSAFE,
    )
