from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from functools import partial
from urllib.parse import urlparse

import libcst as cst

from glm_migrate.defaults import option_name
from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import short_code
from glm_migrate.rules._base import Fix, Invalid, NodeEdit, Rule, Valid
from glm_migrate.rules._flow import tests_of
from glm_migrate.rules._helpers import batch_line_ids, replace_string, tests_shown, twin_in_list
from glm_migrate.rules._readers import DataReaders
from glm_migrate.rules._setting_flow import ModuleIndex
from glm_migrate.semantic import (
    Binding,
    Scope,
    SemanticModel,
    Target,
    dotted_name,
    env_lookup,
    find_kwarg,
    string_value,
)
from glm_migrate.tables import ModelMatch, split_provider

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_MODEL_WORDS = frozenset({"model", "llm"})


#: words of a setting's name that make it a tokenizer's (`tiktoken_model_name`, `tokenizer_model`,
#: `encoding_model`, `token_model`): the id picks how text is counted, no request reads it
#: the keywords by which an LLM library's call names its server (CrewAI's `LLM`, DSPy, AG2)
_TOKENIZER_WORDS = frozenset({"tokenizer", "tiktoken", "encoding", "token", "tokens"})
#: words of a model setting's name saying its model reads images (which GLM's chat models do not)
_IMAGE_WORDS = frozenset({"vision", "visual", "image", "images", "img", "multimodal", "vl", "vlm"})


@functools.lru_cache(maxsize=4096)
def names_a_tokenizer(name: str) -> bool:
    """`tiktoken_model_name`, `tokenizer_model`, `ENCODING_MODEL`: a word of it names a tokenizer."""
    return not _TOKENIZER_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", _CAMEL.sub("_", name).lower()))


@functools.lru_cache(maxsize=4096)
def names_images(name: str) -> bool:
    """`DEFAULT_VISION_MODEL`, `--image-model`, `vl_model`: a word of it says the model reads images."""
    return not _IMAGE_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", _CAMEL.sub("_", name).lower()))


@functools.lru_cache(maxsize=4096)
def names_a_model(name: str) -> bool:
    """`MODEL`, `model_name`, `DEFAULT_MODEL`, `llmModel`, `OPENAI_API_MODEL`, `FAST_LLM`: a word of
    it is "model" or "llm"."""
    return not _MODEL_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", _CAMEL.sub("_", name).lower()))


class ModelSetting(Rule):
    """
    ## What it does
    Finds OpenAI model ids (and retired GLM ids) held by a *model setting* whose use glm-migrate
    cannot follow to a request: a constant, field or attribute named like a model (`DEFAULT_MODEL`,
    `model_name`, `self.llm_model`), an entry of a settings dict named so (`"DEFAULT_MODEL"`; a
    bare `"model"` key is as often a request or response body), the default of an
    environment variable named like one (`os.getenv("OPENAI_API_MODEL", "gpt-3.5-turbo")`), a
    parameter default (`def run(model="gpt-4o")`) or a command-line option's default
    (`--model`, with argparse, click or typer).

    ## Why is this bad?
    A setting exists to be sent: once the client talks to Z.AI, a request that reads it fails
    with error 1211 (unknown model). Calling it "data" (GLM103) would let `--check` pass on code
    that still sends OpenAI ids.

    ## Example
    ```python
    DEFAULT_CONFIG = {"DEFAULT_MODEL": os.getenv("DEFAULT_MODEL", "gpt-4o-mini")}
    ```
    Use instead:
    ```python
    DEFAULT_CONFIG = {"DEFAULT_MODEL": os.getenv("DEFAULT_MODEL", "glm-4.6")}
    ```

    ## Fix safety
    Unsafe: where the setting is read is not visible, so neither is whether every reader talks to
    Z.AI. Ids the model map has no GLM counterpart for, and provider-prefixed ids
    (`openai/gpt-4o`), are reported without a fix, except in a module that calls through LiteLLM
    and no client SDK, where the setting gets LiteLLM's Z.AI id (`zai/glm-4.6`). Settings that do reach a request are GLM101's;
    lists and tables of ids stay GLM103's, and so do ids that reach a tokenizer lookup
    (`tiktoken.encoding_for_model`), also through a wrapper class's constructor and attribute or
    another module's function (the project index), and settings named for a tokenizer
    (`tiktoken_model_name`, `tokenizer_model`, `encoding_model`). A setting whose every reader is
    in view (a local variable, an argparse default read back as `args.model`) is data too when
    those readers only test it, log it or pass it to another library's calls (`model =
    "gpt-4.1-mini"` then `Session(model=model)` of another vendor, an `--model` default that only
    reaches `subprocess.run`), as the id written inline there is; so is a class default the class
    itself hands to another library (posts to its own vendor with `requests.post`). One that
    reaches an LLM library (`rules/sdk.toml` `[model_readers]`), an HTTP request whose URL is
    OpenAI's or out of sight, or a callee named like a model's reader (`app.llm.ask`) stays a
    setting (`_readers.py`); one a request posts to an OpenAI URL written in view
    (`requests.post("https://api.openai.com/v1/chat/completions", json={"model": model})`) is
    reported without a fix, as that URL stays OpenAI's (GLM405) and would refuse a GLM id. A setting of a class named for another provider beside an OpenAI one
    of the same base (`LinkAIProvider` next to `OpenAIProvider`) is that provider's id: GLM103's,
    and so is a setting named for another provider (`OPENROUTER_MODEL`, `--groq-model`), and a
    provider-prefixed id (`openai/gpt-4o-mini`, which OpenAI's own API never takes) in a module
    that writes a URL of another provider (`https://openrouter.ai/api/v1`) and none of OpenAI's.
    An id written inline as an argument of another LLM library's call (`instructor.from_provider(
    "openai/gpt-4o-mini")`, PydanticAI's `Agent("openai:gpt-4o")`, not one of the SDKs, LangChain or
    LiteLLM, which other rules check) is a model that library sends to OpenAI: reported for a
    person, without a fix, since no fix points the library at Z.AI.
    An id configured beside an Azure marker
    (`provider="azure"`, `"api_type": "azure"`, an `azure_...` argument) is an Azure deployment
    name: reported without a fix. An id read into the body of a Batch API request line
    (`{"custom_id": ..., "body": {"model": MODEL}}`) goes to OpenAI with the batch's file: a
    warning without a fix, as the batch stays with OpenAI (GLM301). The `model` attribute of an object a function builds for itself
    (a response in a test) is data, not a setting, and so is one set on what a mock gives back
    (`run.return_value.model = "gpt-4"`) or a test helper's default whose every read is such data
    (`def fake_reply(model="gpt-4o")` setting `reply.model` on a `MagicMock()`); so is a test's
    local id handed to a class of
    the project and compared with what the object gives back (`name = "gpt-4o-mini"`, `assert
    Model(name).model == name`): the test passes with whatever id the holder keeps. Any other
    setting of a test (`model = "gpt-4o-mini"`, the id a mock expects the code to send) is
    reported without a fix unless the run moves that id everywhere to the same GLM id: renamed
    while the code keeps its id, the test would fail.
    """

    CODE = "GLM108"
    NAME = "model-setting"
    SUMMARY = "OpenAI model id in a model setting"
    FIX_TITLE = "Replace with the GLM model id"
    APPLICABILITY = Applicability.UNSAFE

    _identifiers: dict[str, str]
    #: literal -> the other settings it reaches (name, scope), beside the one it is named by
    _reached: dict[cst.SimpleString, list[tuple[str, Scope]]]

    VALID = (
        Valid('DEFAULT_MODEL = "glm-4.6"'),
        Valid('SUPPORTED_MODELS = ["gpt-4o", "gpt-4o-mini"]'),  # a list: data, GLM103's
        Valid('GREETING = "gpt-4o"'),  # not named like a model
        Valid('PRICES = {"gpt-4o": 2.5}'),  # a key, not a setting's value
        Valid('CHAT_MODEL = "openrouter/openai/gpt-4o"'),  # another router's id: its provider decides
        Valid('import os\nOPENROUTER_MODEL = os.getenv("OPENROUTER_MODEL", "gpt-4o-mini")'),  # named for a provider
        Valid('URL = "https://openrouter.ai/api/v1"\nMODEL = "openai/gpt-4o"'),  # beside the router's URL: its id
        Valid(  # it picks a tokenizer: data (GLM103)
            'import tiktoken\ndef count(text, model="gpt-4o"):\n    return len(tiktoken.encoding_for_model(model).encode(text))'
        ),
        Valid('class RagConfig:\n    tiktoken_model_name: str = "gpt-4o"'),  # named for a tokenizer: GLM103's
        Valid(  # read only by another vendor's call, in view: data (GLM103), as the inline id is
            'from othervendor import Session\ndef start():\n    model = "gpt-4.1-mini"\n    return Session(model=model)'
        ),
        Valid(  # an app mode name handed to a subprocess, never to a request
            "import argparse, subprocess\np = argparse.ArgumentParser()\n"
            'p.add_argument("--model", default="gpt-4-with-ocr")\nargs = p.parse_args()\n'
            'subprocess.run(["operate", "-m", args.model])'
        ),
        Valid(  # a class default its own methods post to another vendor's API
            "import requests\nclass OtherImages:\n    DEFAULT_MODEL = 'gpt-image-1'\n"
            "    def __init__(self, model=None):\n        self.model = model or self.DEFAULT_MODEL\n"
            "    def draw(self, prompt):\n"
            "        return requests.post('https://images.example/v1', json={'model': self.model, 'prompt': prompt})"
        ),
        Valid(  # a test of a plain holder: it gets back the id it gave, whatever it is
            'from app.config import Model\ndef test_model():\n    name = "gpt-4o-mini"\n'
            "    assert Model(name).model == name"
        ),
        Valid(  # a tokenizer wrapper: the id reaches `encoding_for_model` through its attribute
            "import tiktoken\nclass Counter:\n    def __init__(self, model):\n        self.model = model\n"
            "    @staticmethod\n    def encoder(model):\n        return tiktoken.encoding_for_model(model)\n"
            "    def count(self, text):\n        return len(self.encoder(self.model).encode(text))\n"
            'counter = Counter("gpt-4")'
        ),
    )
    INVALID = (
        Invalid(
            'import os\nCONFIG = {"DEFAULT_MODEL": os.getenv("DEFAULT_MODEL", "gpt-4o-mini")}',
            expected='import os\nCONFIG = {"DEFAULT_MODEL": os.getenv("DEFAULT_MODEL", "glm-4.6")}',
            unsafe=True,
        ),
        Invalid(
            'import os\nLLM = os.getenv("LLM_MODEL", os.getenv("OPENAI_API_MODEL", "gpt-3.5-turbo")).lower()',
            expected='import os\nLLM = os.getenv("LLM_MODEL", os.getenv("OPENAI_API_MODEL", "glm-4.6")).lower()',
            unsafe=True,
        ),
        Invalid(
            "class Settings:\n    chat_model: str = 'gpt-4-turbo'",
            expected="class Settings:\n    chat_model: str = 'glm-4.6'",
            unsafe=True,
        ),
        Invalid(
            'import argparse\np = argparse.ArgumentParser()\np.add_argument("--model", default="gpt-4o")',
            expected='import argparse\np = argparse.ArgumentParser()\np.add_argument("--model", default="glm-4.6")',
            unsafe=True,
        ),
        Invalid('MODEL_NAME = "openai/gpt-4o"'),  # provider-prefixed: reported, no fix
        Invalid('import os\nDEPLOYMENT_MODEL = os.getenv("DEPLOYMENT_MODEL", "azure/gpt-4o")'),
        Invalid('LONG_CONTEXT_MODEL = "glm-4-long"'),  # no GLM-4.6 counterpart: reported
        Invalid(  # also tested: the id and the test change together, by hand
            'def run(prompt, model="gpt-4o"):\n    if model not in {"gpt-4o", "gpt-4o-mini"}:\n        raise ValueError(model)'
        ),
        Invalid(  # a module that calls through LiteLLM: the id LiteLLM sends to Z.AI
            'import litellm\nclass LLM:\n    def __init__(self):\n        self.model = "openai/gpt-4o"',
            expected='import litellm\nclass LLM:\n    def __init__(self):\n        self.model = "zai/glm-4.6"',
            unsafe=True,
        ),
        Invalid(  # an imported setting is another module's; this one's own is fixed
            'from settings import DEFAULT_MODEL\nFALLBACK_MODEL = "gpt-4o-mini"',
            expected='from settings import DEFAULT_MODEL\nFALLBACK_MODEL = "glm-4.6"',
            unsafe=True,
        ),
        Invalid(  # classes told apart by their model id: one GLM id for all would merge them
            'class Chat:\n    model_id = "gpt-4o"\nclass Mini(Chat):\n    model_id = "gpt-4o-mini"\n'
            "MODELS = {c.model_id: c for c in (Chat, Mini)}"
        ),
        Invalid(  # handed to an LLM library: a setting still, though its reader is in view
            'from agents import Agent\ndef build():\n    model = "gpt-4o"\n    return Agent(name="a", model=model)',
            expected='from agents import Agent\ndef build():\n    model = "glm-4.6"\n    return Agent(name="a", model=model)',
            unsafe=True,
        ),
        Invalid(  # written inline in an LLM library's factory, which sends it to OpenAI
            'import instructor\nclient = instructor.from_provider("openai/gpt-4o-mini")'
        ),
        Invalid(  # an attribute only logged here: other modules may read and send it
            'class Bot:\n    MODEL = "gpt-4o"\n    def describe(self):\n        print(self.MODEL)',
            expected='class Bot:\n    MODEL = "glm-4.6"\n    def describe(self):\n        print(self.MODEL)',
            unsafe=True,
        ),
        Invalid(  # posted to OpenAI's URL, which stays: the id changes with it, by hand
            "import requests\ndef ask(q):\n    model = 'gpt-4o'\n"
            "    return requests.post('https://api.openai.com/v1/chat/completions', json={'model': model, 'q': q})"
        ),
        Invalid(  # a callee named like a model's reader may send it
            'from app.llm import ask\ndef main():\n    model = "gpt-4o"\n    print(model)\n    return ask("hi", model=model)',
            expected='from app.llm import ask\ndef main():\n    model = "glm-4.6"\n    print(model)\n    return ask("hi", model=model)',
            unsafe=True,
        ),
        Invalid(
            'class Agent:\n    def __init__(self):\n        self.model_name: str\n        self.model_name = "gpt-4o"',
            expected='class Agent:\n    def __init__(self):\n        self.model_name: str\n        self.model_name = "glm-4.6"',
            unsafe=True,
        ),
        Invalid(  # reaching an openai<1 call through `**`, which a person converts (princeton-nlp/tree-of-thought-llm)
            "import openai\ndef complete(**kwargs):\n    return openai.ChatCompletion.create(**kwargs)\n"
            'def ask(prompt, model="gpt-4"):\n    return complete(model=model, messages=[prompt])'
        ),
    )

    def on_module_end(self) -> None:
        self._check_component_defaults()
        strings = self.model.string_literals
        if not any(not self.claimed(literal) and self._model_id(literal) for literal, _ in strings):
            return  # every model id is handled already: no setting to look for
        #: literal -> the setting's name, its scope, an HTTP request to OpenAI's URL that sends it
        found: dict[cst.SimpleString, tuple[str, Scope, cst.Call | None]] = {}
        self._reached = {}
        readers: DataReaders | None = None
        for name, expression, scope, origin in settings_in(self.model):
            if name in self.model.tokenizer_names or names_a_tokenizer(_last_part(name)):
                continue  # it picks a tokenizer (`encoding_for_model(model)`, `tiktoken_model`): data, GLM103's
            literals, _ = self.model.resolve_strings(expression, scope)
            # an id that reaches `encoding_for_model` through a wrapper (`Tokenizer("gpt-4")`
            # keeping `self.model`) picks a tokenizer as well: data, GLM103's
            literals = [
                literal
                for literal in literals
                if not self.claimed(literal) and literal not in self.model.tokenizer_literals
            ]
            # a literal found already (a parameter's default) is looked at again through the
            # settings it reaches (`self.model = model`) only for a request to OpenAI's URL
            if all(literal in found for literal in literals) and not any(
                found[literal][2] is None and isinstance(origin, Binding) for literal in literals
            ):
                continue
            if not literals or not any(self._model_id(literal) for literal in literals):
                continue
            if isinstance(origin, Binding) and another_providers_class(self.model, scope) is not None:
                continue  # `LinkAIProvider.DEFAULT_MODEL` beside `OpenAIProvider`: LinkAI's id, data here
            if self._names_another_provider(name):
                continue  # `OPENROUTER_MODEL`, `--groq-model`: that provider's model, whatever id it holds
            request = None
            if origin is not None:
                readers = readers or DataReaders(self.model, ModuleIndex(self.model))
                if readers.only_data(origin) or readers.round_trip(origin):
                    continue  # every reader is in view and reads it as data: GLM103's, as inline
                request = readers.openai_request
            for literal in literals:
                if literal not in found:
                    found[literal] = (name, scope, request)
                elif found[literal][0] != name and self._written_in(literal, expression):
                    # `model_string = "openai/gpt-4o"`, handed on to `full_model_name` in a function
                    # written above: named where it is written, its tests there kept as well
                    self._reached.setdefault(literal, []).append(found[literal][:2])
                    found[literal] = (name, scope, found[literal][2] or request)
                elif request is not None and found[literal][2] is None:
                    found[literal] = (*found[literal][:2], request)
        # an id written inline as an argument of an LLM library's call
        # (`instructor.from_provider("openai/gpt-4o-mini")`, `Agent("openai:gpt-4o")`) is sent by
        # it as a model, as the same id in a variable handed there is: not data
        for literal, scope in strings:
            if literal in found or self.claimed(literal) or not self._model_id(literal):
                continue
            callee = self._library_call_of(literal, scope)
            if callee is not None:
                found[literal] = (f"{callee}(...)", scope, None)
        self._identifiers = _names_telling_models_apart(
            (name, value, self.tables.match_model(split_provider(value)[1]))
            for literal, (name, scope, _) in found.items()
            if (value := string_value(literal)) is not None and (scope.kind == "class" or _names_an_id(name))
        )
        for literal, (name, scope, request) in found.items():
            self._check(name, literal, scope, request)

    def _component_of(self, call: cst.Call, scope: Scope) -> tuple[str, str] | None:
        """The component holding its own OpenAI client that `call` builds (`rules/sdk.toml`
        `[model_readers.components]`: Haystack's `OpenAIGenerator`), sending to OpenAI (no base
        URL keyword naming another server): its name and the model it sends when given none."""
        components = self.tables.sdk.model_components
        for qualified in sorted(self.model.qualified_names(call.func, scope)):
            default = components.get(qualified)
            if default is not None:
                break
        else:
            return None
        keywords = self.tables.sdk.model_reader_url_keywords
        base = next((found for name in keywords if (found := find_kwarg(call, name)) is not None), None)
        if (
            base is not None
            and self.model.classify_base_url(base.value, default=Target.OPENAI, scope=scope) != Target.OPENAI
        ):
            return None
        return qualified, default

    def _component_advice(self, model_id: str, new: str, endpoint: str) -> str:
        """How a person moves a component of `_component_of` to Z.AI, with `new` for `model_id`."""
        url = self.tables.base_url(self.settings.region)
        advice = (
            f'point it at Z.AI (`api_base_url="{url}"`, `api_key=Secret.from_env_var("{self.key_env}")`) with '
            f'`model="{new}"` (for `{model_id}`), by hand'
        )
        if endpoint == "embeddings":
            advice += "; its vectors change size with the model, so what is stored with the old one is embedded again"
        return advice

    @functools.cached_property
    def _component_literals(self) -> dict[cst.SimpleString, str]:
        """The literals a component of `_component_of` of this module is given as `model=`
        (`EMBEDDING_MODEL = "text-embedding-3-small"` ... `OpenAIDocumentEmbedder(model=EMBEDDING_MODEL)`),
        with the component's name."""
        components = self.tables.sdk.model_components
        found: dict[cst.SimpleString, str] = {}
        if not components or not self.model.imports_from(*{name.partition(".")[0] for name in components}):
            return found
        for call, scope in self.model.calls:
            given = find_kwarg(call, "model")
            if given is None or (component := self._component_of(call, scope)) is None:
                continue
            for literal in self.model.resolve_strings(given.value, scope)[0]:
                found.setdefault(literal, component[0])
        return found

    def _check_component_defaults(self) -> None:
        """`OpenAIGenerator()` given no model: the component sends its default to OpenAI."""
        components = self.tables.sdk.model_components
        if not components or not self.model.imports_from(*{name.partition(".")[0] for name in components}):
            return
        for call, scope in self.model.calls:
            if any(arg.star or arg.keyword is None or arg.keyword.value == "model" for arg in call.args):
                continue  # the model is given (or may be, by position or through `**`)
            found = self._component_of(call, scope)
            if found is None:
                continue
            qualified, default = found
            endpoint = self.tables.known_endpoint_for(default)
            match = self.tables.match_on(endpoint, default) if endpoint is not None else None
            if endpoint is None or match is None or not match.glm:
                continue
            self.report(
                call.func,
                f"`{qualified}` is given no model: it sends its default `{default}` to OpenAI, which Z.AI does not "
                f"serve: {self._component_advice(default, match.glm, endpoint)}",
                model=match,
            )

    def _library_call_of(self, literal: cst.SimpleString, scope: Scope) -> str | None:
        """The LLM library function or class (`rules/sdk.toml` `[model_readers]`, not the OpenAI
        SDK's own) that `literal` is passed to directly, by position or as `model=`."""
        arg = self.model.parents.get(literal)
        call = self.model.parents.get(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(arg, cst.Arg) or not isinstance(call, cst.Call) or arg.star:
            return None
        if arg.keyword is not None and not names_a_model(arg.keyword.value):
            # `provider="openai/gpt-4o-mini"` (crawl4ai): a keyword taking a provider-prefixed id
            if arg.keyword.value not in self.tables.sdk.model_reader_id_keywords or "/" not in (
                string_value(literal) or ""
            ):
                return None
        for qualified in sorted(self.model.qualified_names(call.func, scope)):
            if self.tables.sdk.unchecked_model_reader(qualified):
                return qualified
        return None

    def _server_of(self, literal: cst.SimpleString, scope: Scope) -> Target | None:
        """Where the library call `literal` is written in sends it, by the call's own base URL
        keyword (`base_url=`, `api_base=`); None without one."""
        arg = self.model.parents.get(literal)
        call = self.model.parents.get(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(call, cst.Call):
            return None
        keywords = self.tables.sdk.model_reader_url_keywords
        base = next((found for name in keywords if (found := find_kwarg(call, name)) is not None), None)
        if base is None:
            return None
        return self.model.classify_base_url(base.value, default=Target.OPENAI, scope=scope)

    def _model_id(self, literal: cst.SimpleString) -> bool:
        value = string_value(literal)
        return value is not None and len(value) <= 64 and self.tables.match_model(split_provider(value)[1]) is not None

    @functools.cached_property
    def _batch_ids(self) -> dict[cst.SimpleString, cst.Dict]:
        """Model-id literals a Batch API request line sends, with the line (`batch_line_ids`)."""
        return batch_line_ids(self.model, self.tables)

    def _check(self, name: str, literal: cst.SimpleString, scope: Scope, request: cst.Call | None) -> None:
        value = string_value(literal)
        if value is None or len(value) > 64:
            return
        provider, model_id = split_provider(value)
        endpoint = self.tables.known_endpoint_for(model_id)
        if endpoint is None or provider not in ("", "openai", "azure"):
            return
        if provider == "openai" and self._routers_module:
            return  # `openai/gpt-4o-mini` beside `https://openrouter.ai/...`: the router's id, its to serve
        match = self.tables.match_on(endpoint, model_id)
        if match is None:
            return
        new = match.glm
        inline = name[:-5] if name.endswith("(...)") else None
        litellm_call = inline is None or inline.partition(".")[0] in self.tables.litellm.packages
        through = ""
        if new and provider != "azure" and self._litellm_only and litellm_call:
            # The module's requests go through LiteLLM, which sends a bare id to OpenAI.
            new, provider = f"{self.tables.litellm.prefix}/{new}", ""
            if not self.model.imports_from(*self.tables.litellm.packages):
                # read by another module's LiteLLM call, the run's only way to a model
                through = self.model.facts.litellm_run
        self.claim(literal)
        message = f"Model setting `{name}` is `{value}`, which Z.AI does not serve"
        if self.tables.is_target(endpoint, model_id):
            # `glm-4.5`: served still, and moved up to the target by the model map
            message = f"Model setting `{name}` is `{value}`, an earlier GLM model than the target"
        line = self._batch_ids.get(literal)
        if line is not None and new:
            # read into a Batch API request line's body: the batch runs at OpenAI, with this id
            message += (
                f"; it is also the model of the Batch API request line `{short_code(line)}`, sent with "
                f"OpenAI's batch: keep an OpenAI id there while the batch stays with OpenAI, and give `{new}` "
                "by hand to the requests that move to Z.AI"
            )
            # nothing to change while the batch stays: a warning, not an error
            self.report(literal, message, model=match, severity=Severity.WARNING)
            return
        server = self._server_of(literal, scope) if name.endswith("(...)") else None
        if server is Target.OTHER:
            return  # `LLM(model="openai/gpt-4o", base_url="http://localhost:4000")`: that server's name
        if server is Target.ZAI and match.glm:
            # `LLM(model="openai/glm-4-flash", base_url="https://open.bigmodel.cn/api/paas/v4/")`:
            # the library sends it to GLM's server already, with the key it has: safe, as GLM101
            # moving a Zhipu client's id up
            written = value[: len(value) - len(model_id)] + match.glm
            message = f"Model id `{value}` is handed to `{name[:-5]}`, which sends it to GLM's server (its base URL)"
            edits: tuple[tuple[cst.CSTNode, NodeEdit], ...] = ((literal, partial(replace_string, value=written)),)
            fix = Fix(edits, f"Replace with `{written}`", applicability=Applicability.SAFE)
            self.report(literal, message, fix=fix, model=match)
            return
        if name.endswith("(...)"):
            # written inline in an LLM library's call: the library sends it, to OpenAI unless it
            # is pointed at Z.AI by hand, so no fix changes it alone
            message = f"Model id `{value}` is handed to `{name[:-5]}`, which sends it to OpenAI; Z.AI does not serve it"
            suggestion = (
                f": point the library at Z.AI and use a GLM id (`{new}` for `{model_id}`), by hand"
                if new
                else ": it has no GLM counterpart"
            )
            if new and name[:-5] in self.tables.sdk.model_components:
                suggestion = f": {self._component_advice(model_id, new, endpoint)}"
            litellm = self.tables.litellm
            replacement = self.tables.sdk.model_calls_unchecked.get(name[:-5])
            if new and replacement:
                # `dspy.OpenAI(model="gpt-3.5-turbo")`, DSPy's client before 2.6, which sends any id
                # to OpenAI: it is replaced, not repointed (`dspy.LM` takes LiteLLM's `zai/` ids)
                glm = f"{litellm.prefix}/{split_provider(new)[1]}"
                suggestion = (
                    f": replace it with `{replacement}` (DSPy 2.6 removed `{name[:-5]}`), given `{glm}` for "
                    f'`{model_id}` and `api_key=os.environ["{litellm.api_key_env}"]`, by hand'
                )
            elif new and (name[:-5] in litellm.wrappers or name.partition(".")[0] == "litellm"):
                # it hands the id to LiteLLM (or is LiteLLM's): a bare GLM id would go to OpenAI too
                glm = f"{litellm.prefix}/{split_provider(new)[1]}"
                if name.partition(".")[0] == "litellm":
                    suggestion = f": use LiteLLM's Z.AI provider, `{glm}` (for `{model_id}`)"
                else:
                    suggestion = f": it hands the id to LiteLLM, whose Z.AI provider takes `{glm}` (for `{model_id}`)"
                suggestion += f' with `api_key=os.environ["{litellm.api_key_env}"]`, by hand'
            self.report(literal, message + suggestion, model=match)
            return
        if provider or not new:
            suggestion = f": set it to a GLM id (`{new}` for `{model_id}`)" if new else ": it has no GLM counterpart"
            suggestion += f" ({match.why})" if not new and match.why else ""
            self.report(literal, message + suggestion, model=match)
            return
        azure = self._azure_marker(literal)
        if azure is not None:
            # the same settings name an Azure deployment, which keeps its own name
            self.report(
                literal,
                f"{message}; `{azure}` beside it makes it an Azure deployment name: move that "
                f"configuration to Z.AI by hand, with `{new}`",
                model=match,
            )
            return
        apart = self._identifiers.get(_last_part(name))
        if apart:
            # `class Chat: model_id = "gpt-4o"`, `class Mini: model_id = "gpt-4o-mini"`: the setting
            # is a key (a registry, a lookup); one GLM id for all would make the models one
            self.report(
                literal,
                f"{message}; settings named `{_last_part(name)}` tell OpenAI models apart ({apart}), which "
                f"would all become `{new}`: choose their GLM ids by hand",
                model=match,
            )
            return
        component = self._component_literals.get(literal)
        if component is not None:
            # `OpenAIDocumentEmbedder(model=EMBEDDING_MODEL)`: the component's own client sends
            # the setting to OpenAI, which would refuse a GLM id until the component moves too
            self.report(
                literal,
                f"{message}; `{component}` sends it to OpenAI with its own client: "
                f"{self._component_advice(model_id, new, endpoint)}",
                model=match,
            )
            return
        if request is not None:
            # `requests.post("https://api.openai.com/v1/chat/completions", json={"model": self.model})`:
            # the URL stays OpenAI's (GLM405 reports it), which would refuse a GLM id
            self.report(
                literal,
                f"{message}; `{short_code(request.func)}(...)` sends it to OpenAI's URL, which no fix moves: replace it "
                f"with `{new}` together with that URL (GLM405), by hand",
                model=match,
            )
            return
        allowed = self._literal_type(literal, new)
        if allowed is not None:
            # `model: Literal["gpt-4o-mini", "gpt-5"] = "gpt-5"` on a request model: a GLM default
            # outside the type that validates every value sent would contradict it
            self.report(
                literal,
                f"{message}; its type `{allowed}` allows only the ids it lists: change the default and the type "
                f"together (`{new}`), by hand",
                model=match,
            )
            return
        tests = [
            test
            for setting, where in ((name, scope), *self._reached.get(literal, ()))
            if setting.isidentifier()
            for test in tests_of(self.model, setting, where)
        ]
        twin = twin_in_list(self.model, self.tables, literal, endpoint, new)
        if twin is not None:
            # `gr.Dropdown(["gpt-4", "gpt-3.5-turbo"])`: both would become one choice
            tested = f", also tested by {tests_shown([test.code for test in tests])}" if tests else ""
            self.report(
                literal,
                f"{message}{tested}; listed with `{twin}`, which becomes `{new}` too: choose the GLM models to list "
                "by hand",
                model=match,
            )
            return
        if tests:
            # `if model in {...}`, `model.startswith("gpt-")`: the new id alone would change what they decide
            checks = tests_shown([test.code for test in tests])
            self.report(
                literal, f"{message}, also tested by {checks}: replace it with `{new}` and update the test", model=match
            )
            return
        library = self._library_setting(name, scope)
        if library is not None:
            # `marvin.settings.openai.chat.completions.model = "gpt-4o"`: the library's own setting,
            # read by the library, which keeps sending to OpenAI until a person points it at Z.AI
            self.report(
                literal,
                f"{message}; `{library}` reads it and sends it to OpenAI: point {library} at Z.AI and set a GLM id "
                f"(`{new}`) together, by hand",
                model=match,
            )
            return
        unchecked = self._unchecked_reader_call
        if unchecked is not None:
            # `MODEL = "gpt-4o-mini"` ... `dspy.OpenAI(model=MODEL)`: DSPy's client before 2.6 sends
            # any id to OpenAI, a GLM one (or LiteLLM's `zai/` form) too; it is replaced by hand
            callee, replacement = unchecked
            litellm = self.tables.litellm
            self.report(
                literal,
                f"{message}; this module's `{callee}(...)`, which it may reach, sends any id to OpenAI: replace "
                f"it with `{replacement}` (DSPy 2.6 removed `{callee}`), given `{litellm.prefix}/"
                f'{split_provider(new)[1]}` and `api_key=os.environ["{litellm.api_key_env}"]`, by hand',
                model=match,
            )
            return
        legacy = self._legacy_call_left
        if legacy is not None:
            # `openai.ChatCompletion.create(**kwargs)`, which a person converts: the setting most
            # likely reaches it, and a GLM id sent through openai<1 goes to OpenAI
            self.report(
                literal,
                f"{message}; this module's openai<1 call `{short_code(legacy.func)}(...)` (GLM303), which it may "
                f"reach through `**`, is converted by hand: replace it with `{new}` then",
                model=match,
            )
            return
        if endpoint == "chat" and new not in self.tables.vision_models and names_images(name):
            # `DEFAULT_VISION_MODEL = "gpt-4o"`: its requests send images, which the chat model
            # does not read (GLM101 says the same of a request seen sending them)
            vision = self.tables.target.vision
            self.report(
                literal,
                f"{message}; its name says it reads images, which `{new}` does not: use `{vision}` (it takes no "
                "tools), by hand",
                model=match,
            )
            return
        if through:
            message += f"; the run's requests go through LiteLLM (`{through}`), whose Z.AI provider takes `{new}`"
        if self.model.is_test_module and self.model.facts.moved_ids.get(value) != new:
            # a test's id is what it expects of the code it runs or gives it (a mock's expected
            # `create(model=model, ...)`): renamed while the code keeps its id, the test fails
            self.report(
                literal,
                f"{message}; in a test, where it is what the test expects of the code it runs or gives it: "
                f"change it to `{new}` together with the code's id, by hand",
                model=match,
            )
            return
        fix = Fix(((literal, partial(replace_string, value=new)),), f"Replace with `{new}`")
        self.report(literal, message, fix=fix, model=match)

    def _written_in(self, literal: cst.SimpleString, expression: cst.BaseExpression) -> bool:
        """`literal` is written in `expression` itself (`"gpt-4o"`, `getenv("M") or "gpt-4o"`),
        not reached through a name it reads."""
        node: cst.CSTNode | None = literal
        while node is not None and node is not expression:
            if isinstance(node, cst.BaseStatement | cst.BaseSmallStatement):
                return False
            node = self.model.parents.get(node)
        return node is expression

    def _literal_type(self, literal: cst.SimpleString, new: str) -> str | None:
        """The `Literal[...]` annotation of the field `literal` is the default of (`model:
        Literal["gpt-4o", "gpt-5"] = "gpt-5"`), when it does not list `new`; else None."""
        holder = self.model.parents.get(literal)
        if type(holder) is not cst.AnnAssign or holder.value is not literal:
            return None
        annotation = holder.annotation.annotation
        if type(annotation) is not cst.Subscript or (dotted_name(annotation.value) or "").split(".")[-1] != "Literal":
            return None
        listed = {string_value(element.slice.value) for element in annotation.slice if type(element.slice) is cst.Index}
        return None if new in listed else short_code(annotation)

    def _library_setting(self, name: str, scope: Scope) -> str | None:
        """The LLM library (`[model_readers]`, one no other rule checks) whose own settings
        object the setting `name` is an attribute of (`marvin.settings.openai.chat.completions.model`),
        by its top-level package; None for any other setting."""
        root, dot, _ = name.partition(".")
        if not dot or not root.isidentifier():
            return None
        for binding in self.model.lookup(root, scope):
            qualified = binding.qualified or ""
            if qualified and self.tables.sdk.unchecked_model_reader(f"{qualified}.{name.partition('.')[2]}"):
                return qualified.partition(".")[0]
        return None

    @functools.cached_property
    def _unchecked_reader_call(self) -> tuple[str, str] | None:
        """A call of this module to a library client no rule moves and whose replacement a
        person writes (`dspy.OpenAI`, `rules/sdk.toml` `[model_readers.unchecked]` with a
        replacement): the callee's name and its replacement's."""
        unchecked = self.tables.sdk.model_calls_unchecked
        if not unchecked or not self.model.imports_from(*{name.partition(".")[0] for name in unchecked}):
            return None
        for call, scope in self.model.calls:
            for name in self.model.qualified_names(call.func, scope):
                if unchecked.get(name):
                    return name, unchecked[name]
        return None

    @functools.cached_property
    def _legacy_call_left(self) -> cst.Call | None:
        """An openai<1 call of this module whose arguments come through `**` (no fix converts it)."""
        return next(
            (call for call, _, _ in self.model.legacy_calls if any(arg.star == "**" for arg in call.args)), None
        )

    def _azure_marker(self, literal: cst.SimpleString) -> str | None:
        """The argument or entry beside which `literal` configures Azure OpenAI (`provider="azure"`,
        `api_type="azure"`, `azure_deployment=...`) in the call or dict literal holding it."""
        azure_names = {name for name in self.tables.sdk.openai_provider_names if "azure" in name}
        current: cst.CSTNode | None = literal
        while current is not None and not isinstance(current, cst.BaseStatement | cst.BaseSmallStatement):
            if type(current) is cst.Call:
                pairs = [(a.keyword.value, a.value, "{}={}") for a in current.args if a.keyword is not None]
            elif type(current) is cst.Dict:
                pairs = [
                    (key, e.value, '"{}": {}')
                    for e in current.elements
                    if type(e) is cst.DictElement and (key := string_value(e.key)) is not None
                ]
            else:
                pairs = []
            for key, value, shape in pairs:
                text = string_value(value)
                azure_value = text is not None and text.lower() in azure_names
                if key.lower().startswith("azure_") or (azure_value and ("provider" in key or key == "api_type")):
                    return shape.format(key, short_code(value))
            current = self.model.parents.get(current)
        return None

    def _names_another_provider(self, name: str) -> bool:
        """`OPENROUTER_MODEL`, `Config.GROQ_MODEL`, `--gemini-model`: the setting's own name (its
        last part) names another provider (`[providers] other_model_words` in `rules/sdk.toml`) and
        not OpenAI, so the model it holds is sent there, to be changed only with that provider."""
        words = set(re.split(r"[^a-z0-9]+", _CAMEL.sub("_", _last_part(name)).lower()))
        return "openai" not in words and not words.isdisjoint(self.tables.sdk.other_model_words)

    @functools.cached_property
    def _routers_module(self) -> bool:
        """The module writes a server URL whose host names another provider (`https://openrouter.ai/
        api/v1`, by `[providers] other_model_words`), none of OpenAI's, and does not import LiteLLM
        (which sends `openai/...` ids to OpenAI): its provider-prefixed ids (`openai/gpt-4o-mini`),
        which OpenAI's own API never takes, are that router's, sent there with the URL."""
        if self.model.imports_from(*self.tables.litellm.packages) or self.model.facts.litellm_run:
            return False
        other = False
        for literal, _ in self.model.string_literals:
            value = string_value(literal) or ""
            if not value.startswith(("https://", "http://")):
                continue
            host = urlparse(value).hostname or ""
            if host in self.tables.openai_hosts:
                return False
            other = other or not set(re.split(r"[^a-z0-9]+", host)).isdisjoint(self.tables.sdk.other_model_words)
        return other

    @functools.cached_property
    def _litellm_only(self) -> bool:
        """The module imports LiteLLM (or a package sending its model strings through it: DSPy,
        lmi) and no client SDK: its model settings are LiteLLM's."""
        return not self.model.imported_sdks and (
            self.model.imports_from(*self.tables.litellm.packages) or bool(self.model.facts.litellm_run)
        )


#: where a setting's value comes from, when its reads can be followed (`_readers.DataReaders`): the
#: binding of a local variable, class default or `self` attribute, or an argparse option's call
SettingOrigin = Binding | cst.Call | None


def settings_in(model: SemanticModel) -> Iterator[tuple[str, cst.BaseExpression, Scope, SettingOrigin]]:
    """(name, value expression, its scope, its origin) for every place a model setting gets a value."""
    for scope in model.scopes:
        for name, bindings in scope.bindings.items():
            if names_a_model(name):
                for binding in bindings:
                    if (
                        binding.value is not None
                        and binding.qualified is None
                        and not _unread_parameter(model, binding, scope)
                    ):
                        yield name, binding.value, binding.scope, binding
    for (_, dotted), bindings in model.attribute_bindings.items():
        if names_a_model(dotted.rpartition(".")[2]):
            for binding in bindings:
                if binding.value is not None and not _on_local_object(model, dotted, binding.scope):
                    yield dotted, binding.value, binding.scope, binding
    for literal, scope in model.string_literals:
        element = model.parents.get(literal)
        key = string_value(literal)
        # A bare "model" key is a request or response body as often as a setting (a recorded
        # reply in a test, a payload for `requests`); bodies sent to a call are GLM101's.
        if type(element) is cst.DictElement and element.key is literal and key and key != "model":
            if names_a_model(key) and _settings_dict(model, element):
                yield key, element.value, scope, None
    for call, scope in model.calls:
        env = env_lookup(call)
        if env is not None and env[1] is not None and names_a_model(env[0]):
            yield env[0], env[1], scope, None
        option = option_name(call)
        default = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "default"), None)
        if option is not None and default is not None and names_a_model(option):
            flags = [text for a in call.args if a.keyword is None and (text := string_value(a.value)) is not None]
            yield (
                next((flag for flag in flags if flag.startswith("--")), f"--{option.replace('_', '-')}"),
                default,
                scope,
                call,
            )


def _unread_parameter(model: SemanticModel, binding: Binding, function: Scope) -> bool:
    """A parameter its function never reads (`def get_completion(prompt, model="gpt-3.5-turbo",
    engine=deployment)` whose call sends `engine=` only, ElDokmak/ChatGPT-Prompt-Engineering-For-
    Developers-DeepLearning.Ai): its default is sent nowhere, so it is no setting to move."""
    target = binding.target
    if type(target) is not cst.Param or function.kind != "function":
        return False
    name = target.name.value
    return not any(type(model.parents.get(use)) is not cst.Param for use in model.uses_of(name, function))


def another_providers_class(model: SemanticModel, scope: Scope) -> str | None:
    """The OpenAI class of this module that the class holding `scope` is a sibling of, named
    alike for another provider (`LinkAIProvider` beside `OpenAIProvider`, both subclasses of
    `ImageProvider`): a module that tells providers apart by class keeps OpenAI's settings in the
    class named for OpenAI, and another provider's model ids in its own, which stays with it."""
    klass = scope.enclosing_class()
    node = klass.node if klass is not None and klass.parent is model.module_scope else None
    if type(node) is not cst.ClassDef or not node.bases:
        return None
    name = node.name.value
    if any(word in name.lower() for word in _OPENAI_CLASS_WORDS):
        return None
    bases = {dotted_name(base.value) for base in node.bases} - {None, "object"}
    for statement in model.module.body:
        if type(statement) is not cst.ClassDef or statement is node:
            continue
        sibling = statement.name.value
        at = sibling.lower().find("openai")
        if at < 0 or not bases & {dotted_name(base.value) for base in statement.bases}:
            continue
        prefix, suffix = sibling[:at], sibling[at + len("openai") :]
        if (prefix or suffix) and len(name) > len(prefix) + len(suffix):
            if name.startswith(prefix) and name.endswith(suffix):
                return sibling
    return None


#: words of a class name that make it OpenAI's own (or Azure OpenAI's)
_OPENAI_CLASS_WORDS = ("openai", "azure", "gpt")


def _on_local_object(model: SemanticModel, dotted: str, scope: Scope) -> bool:
    """`reply.model = "gpt-4o-2024-08-06"` on an object a function builds for itself (a
    response, a record in a test): data, not a setting, unlike `self.model`, a module's
    settings object or a configuration the function builds (`cfg = Config()`); so is what a
    test's mock gives back (`run.return_value.model = "gpt-4"`), its stand-in reply."""
    if ".return_value." in dotted:
        return True
    base = dotted.partition(".")[0]
    bindings = model.lookup(base, scope)
    return bool(bindings) and all(
        b.scope.kind == "function" and type(b.target) is not cst.Param and not _builds_settings(b.value)
        for b in bindings
    )


def _settings_dict(model: SemanticModel, element: cst.DictElement) -> bool:
    """The entry's dict is kept as settings (`CONFIG = {...}`, `return {...}`, a default):
    not one built inline as data (an expected value in a test, a record in a list)."""
    mapping = model.parents.get(element)
    holder = model.parents.get(mapping) if mapping is not None else None
    return type(holder) in (cst.Assign, cst.AnnAssign, cst.Return, cst.Param)


def _last_part(name: str) -> str:
    return name.rpartition(".")[2].lstrip("-").replace("-", "_")


def _names_an_id(name: str) -> bool:
    """`model_id`, `MODEL_KEY`, `modelId`: a name for what tells one model from another."""
    return re.split(r"[^a-z0-9]+", _CAMEL.sub("_", _last_part(name)).lower())[-1] in ("id", "key")


def _names_telling_models_apart(settings: Iterable[tuple[str, str, ModelMatch | None]]) -> dict[str, str]:
    """Setting names (their last part) bound to two or more different model ids that map to the
    same GLM id, each with those ids quoted, in order. Given only class attributes and names of
    ids: two functions' `model="gpt-4o"` and `model="gpt-4o-mini"` defaults may well both move
    to one GLM model, but classes told apart by their `model_id` would become one."""
    ids: dict[tuple[str, str], set[str]] = {}
    for name, value, match in settings:
        if match is not None and match.glm:
            ids.setdefault((_last_part(name), match.glm), set()).add(value)
    return {name: ", ".join(f"`{v}`" for v in sorted(values)) for (name, _), values in ids.items() if len(values) > 1}


#: words of a class name that make its instances settings (`Config`, `LLMSettings`, `RunOptions`)
_SETTINGS_WORDS = ("config", "setting", "option", "param", "args")


def _builds_settings(value: cst.BaseExpression | None) -> bool:
    """`value` is a call of a class named like settings (`Config()`, `settings.LLMConfig(...)`)."""
    if type(value) is not cst.Call:
        return False
    name = (dotted_name(value.func) or "").rpartition(".")[2].lower()
    return any(word in name for word in _SETTINGS_WORDS)
