"""The project index: what each module gives the others, so that a client built in one module
and called in another, or a model id defined in one and sent from another, is recognised.

Each module is summarised once (`summary.summarize`, during its first migration, cached with its
result): the clients its module-level names and functions hold, its imports, and the imported
names whose values it sends as model ids. This module resolves imports between summaries,
relative ones included, and hands each module the facts the others give it (`ModuleFacts`); the
runner migrates again only the modules that get some. Pure: paths are names here, never read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, NamedTuple, cast

from glm_migrate.diagnostics import pickled_by_fields


@dataclass(frozen=True, slots=True)
class ClientFact:
    """A client another module holds: enough to treat calls through it as this module would."""

    __reduce__ = pickled_by_fields

    sdk: str  #: "openai", "azure", "zai", "zhipuai"
    is_async: bool
    target: str  #: a `semantic.Target` value: where it points once this run's fixes apply
    #: why glm-migrate cannot point it at Z.AI itself (its calls then keep their model ids)
    blocker: str | None
    where: str  #: the constructor as written (`OpenAI()`), for messages
    #: why its move waits for an unsafe fix in its own module's safe run: calls through it there
    #: keep OpenAI's ids too, or they would reach OpenAI as GLM ids
    waits: str | None = None


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    """What a module gives and takes, as far as the migration cares."""

    __reduce__ = pickled_by_fields

    #: module-level names that hold a client
    clients: Mapping[str, ClientFact] = field(default_factory=dict)
    #: module-level functions that return a client, and methods of module-level classes that
    #: do ("Config.client")
    factories: Mapping[str, ClientFact] = field(default_factory=dict)
    #: module-level names bound by an import -> the name imported, as written (".x.y" relative)
    reexports: Mapping[str, str] = field(default_factory=dict)
    #: every name imported anywhere in the module, as written
    imports: tuple[str, ...] = ()
    #: (imported name as written, attribute path, endpoint): imported values this module sends
    #: as a request's model id, which only the defining module can rewrite
    #: (`from config import settings` ... `model=settings.model`: ("config.settings", "model", "chat"))
    sent: tuple[tuple[str, str, str], ...] = ()
    #: (imported name as written, resource path): clients of other modules this module calls an
    #: API of that cannot follow them to Z.AI in a safe run (`responses.create`, a transcription)
    held: tuple[tuple[str, str], ...] = ()
    #: module-level function -> (parameter, position or -1, endpoint) for each parameter it sends
    #: as the model id of a request through a client moved to Z.AI (`def chat(model, messages)`,
    #: or `**kwargs` forwarded to `create`: ("model", -1, "chat")), which callers elsewhere pass
    model_params: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: module-level function -> (parameter, position or -1, resource path) for each API call it
    #: makes through a client its callers pass (`def submit(client, path)` ... `client.files.create`:
    #: ("client", 0, "files.create")): the callers' clients serve those calls
    client_params: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: module-level function or class -> (parameter, position or -1, imported function or class
    #: as written, keyword or "", position or -1) for each parameter it passes on to another
    #: module's code (`def index_all(client, chunks): ... get_embedding(client, chunk)`): the calls
    #: that code makes through it are made through this one's callers' clients too
    client_forwards: Mapping[str, tuple[tuple[str, int, str, str, int], ...]] = field(default_factory=dict)
    #: module-level client names and factories whose move waits in this module's safe run, with
    #: why (filled in after the rules ran, engine.py)
    waiting: Mapping[str, str] = field(default_factory=dict)
    #: module-level function or class -> (parameter, position or -1) for each parameter that picks
    #: a tokenizer (`tiktoken.encoding_for_model(model)`, also through this module's functions or
    #: an imported one): an id callers elsewhere pass there is tokenizer data, not a setting
    tokenizer_params: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    #: module-level variables holding OpenAI's key -> (OpenAI's key variable, "env" when read
    #: straight from it, else "named": `api_key = os.environ["OPENAI_API_KEY"]` gives
    #: ("OPENAI_API_KEY", "env"), `openai_key = config["openai"]` ("OPENAI_API_KEY", "named"))
    key_settings: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: imported variables, as written, this module passes as a client's key (`from keys import
    #: api_key` ... `OpenAI(api_key=api_key)`: "keys.api_key"; `keys.api_key` after `import keys`)
    keys: tuple[str, ...] = ()
    #: imported variables, as written, this module puts in a dict it hands on (`JsonResponse(
    #: {"key": settings.OPENAI_API_KEY})`, a request's headers): data for a reader that is no client
    handed_keys: tuple[str, ...] = ()
    #: (imported name as written, roles) for other modules' chat models this module pipes a
    #: prompt template with no user turn into (`prompt | chat_model`): Z.AI rejects it
    system_only_piped: tuple[tuple[str, str], ...] = ()
    #: functions and classes of `model_params` with a request through a client whose move waits
    #: in this module's safe run, with why (engine.py): a caller's id rewritten there would reach
    #: OpenAI as a GLM id
    waiting_params: Mapping[str, str] = field(default_factory=dict)
    #: (imported name as written, attribute path, why) for the entries of `sent` a request
    #: through such a waiting client sends: the defining module keeps their ids in a safe run
    waiting_sent: tuple[tuple[str, str, str], ...] = ()
    #: module-level function or class -> (parameter, position or -1, imported name as written,
    #: attribute path) for each imported value a request through a client that parameter holds
    #: sends as its model id (`def ask(client, q): client.chat.completions.create(model=MODEL)`)
    param_sent: Mapping[str, tuple[tuple[str, int, str, str], ...]] = field(default_factory=dict)
    #: (imported function or class as written, keyword or "", position or -1, why) for each
    #: client whose move waits in this module's safe run that it passes to another module's
    #: code (engine.py): the ids that code sends through it stay where they are defined
    waiting_handed: tuple[tuple[str, str, int, str], ...] = ()
    #: module-level names other modules send as model ids whose ids this module's safe run keeps
    #: (a person updates them with the tests they meet here), with why: the senders' clients wait
    held_names: Mapping[str, str] = field(default_factory=dict)
    #: OpenAI key variables this module sets itself (`os.environ["OPENAI_API_KEY"] = key`): the
    #: modules it imports read the program's key there, an OpenAI one
    written_keys: tuple[str, ...] = ()
    #: (imported function or class as written, keyword or "", position or -1, OpenAI's key
    #: variable) for each argument this module passes OpenAI's key by to another module's code
    #: (`GptClient(api_key=Config.OPENAI_API_KEY)`): a client that code builds with it holds that key
    key_args: tuple[tuple[str, str, int, str], ...] = ()
    #: outside tests: OpenAI's variables this module reads (by name, or through an SDK client not
    #: given the option) -> whether this run moves every such read to Z.AI's (engine.py)
    env_reads: Mapping[str, bool] = field(default_factory=dict)
    #: those of `env_reads` that this module keeps reading even with --unsafe-fixes (a client or
    #: read left to a person, engine.py)
    env_held: tuple[str, ...] = ()
    #: in a test: OpenAI's variables it names (sets for the code it runs, checks, expects)
    env_names: tuple[str, ...] = ()
    #: outside tests: each model id a fix of this run rewrites (GLM101, GLM108) -> the id it
    #: becomes, or "" where a finding about it is left unapplied (engine.py)
    id_moves: Mapping[str, str] = field(default_factory=dict)
    #: in a test: the OpenAI model ids its string literals hold (an expected request's model)
    model_ids: tuple[str, ...] = ()
    #: in a test: (module as written, client class, what the test does with it) for each client
    #: class of another module that a move there would make it fail (`summary._client_stubs`)
    client_stubs: tuple[tuple[str, str, str], ...] = ()
    #: the module gives the Agents SDK a default client that talks to Z.AI after this run
    #: (`set_default_openai_client(...)`, engine.py): every `Agent` of the process runs on it
    agents_default: bool = False
    #: the module hands the Agents SDK a client for the agents of the process that bring no
    #: model of their own (`set_default_openai_client(...)`, `OpenAIProvider(openai_client=...)`)
    agents_setup: bool = False
    #: why Z.AI rejects agents of this module that run on a client another module gives the
    #: Agents SDK (GLM010: "`output_type=Answer` makes the Agents SDK ask ..."), whatever that
    #: client's target (engine.py): the module setting it up holds its move for them
    agents_rejected: tuple[str, ...] = ()
    #: agents of this module that run on a client another module gives the Agents SDK (no model
    #: object, set-up call or provider of their own here), as written (`Agent(model="gpt-4o")`):
    #: a module setting one up that no import ties to this one holds its move for them
    agents_on_default: tuple[str, ...] = ()
    #: (size, code) where the module writes the size of an OpenAI embedding model's vectors
    #: (`widths.vector_widths`: `Vector(1536)`, `IndexFlatL2(1536)`, `EMBEDDING_DIM = 1536`)
    vector_widths: tuple[tuple[int, str], ...] = ()
    #: the vector sizes of the OpenAI embedding models whose ids the module writes
    embedding_sizes: tuple[int, ...] = ()
    #: "Class.attr" of a module-level class -> the resource paths of its API calls through
    #: `self.attr`, a client no code here sets (`client = None` in the base, a subclass's
    #: `client = OpenAI()` in another module): that module's client serves them unseen
    attribute_calls: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: (attribute, resource path) for each API call made through an attribute of another
    #: object (`self.wrapper.client.beta.assistants.create(...)`, `wrapper.client.chat.completions
    #: .create(...)`) that holds no client known here: a wrapper class of another module keeps one
    #: there (`self.client = OpenAI()`), which the project index tells this module
    #: (`ModuleFacts.wrapped_clients`)
    wrapped_calls: tuple[tuple[str, str], ...] = ()
    #: (imported function or class as written, its sdk) for each OpenAI or Azure SDK client this
    #: module hands to another module's code that makes API calls through it
    #: (`create_thread(client)`, `semantic.HandedClient`): the project index tells that module
    #: (`ModuleFacts.handed_clients`), which may import no SDK and so see no client of its own
    handed_clients: tuple[tuple[str, str], ...] = ()
    #: module-level names and class attributes ("Config.base_url", a dataclass field's default)
    #: holding the URL of a server that is neither OpenAI's nor Z.AI's -> that URL: a client of
    #: another module given one (`base_url=self.config.base_url`) goes there by default
    #: (`ModuleFacts.server_urls`)
    server_urls: Mapping[str, str] = field(default_factory=dict)
    #: the `openai` module client, one for the whole process: a safe fix here points it at Z.AI
    #: (engine.py)
    module_client_moves: bool = False
    #: ... or why its move waits here (a call Z.AI lacks, OpenAI's key set on it): then it waits
    #: in every module of the run importing this one or imported with it (engine.py)
    module_client_waits: str = ""
    #: keys of Streamlit's `st.session_state` this module keeps a client under
    #: (`st.session_state.client = OpenAI()`): the other pages of the app read it there
    session_clients: tuple[str, ...] = ()
    #: (key, resource path) for this module's calls through a client read from `st.session_state`
    #: (`st.session_state.client.embeddings.create(...)` on a page) that cannot follow it to Z.AI
    #: in a safe run: the page storing it there holds its move (engine.py)
    session_calls: tuple[tuple[str, str], ...] = ()
    #: module-level function -> the classes whose instances it returns, a class of this module
    #: by its name or an imported one as written (`def make_agent(): return Agent()`): a caller
    #: elsewhere calls their methods on what it returns (`make_agent().ask(client)`)
    instances: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: only the imports were read (`import_summary`: the pre-check rejects the module): a module
    #: naming no SDK can still pass a client it is given on to code that calls through it
    #: (`def index_all(client, chunks): return [embed(client, c) for c in chunks]`), which
    #: `ProjectIndex` then reads in full (`load_full`)
    imports_only: bool = False
    #: openai<1 resources (`ChatCompletion`) whose methods this module patches by a string target
    #: (`mock.patch("openai.ChatCompletion.create")`, a test's stand-in for the API), and openai>=1
    #: methods ("chat.completions.create") it patches with a dict as their reply
    legacy_patched: tuple[str, ...] = ()
    #: (imported name as written, attribute path, the tests shown) for the entries of `sent`
    #: whose model id this module also compares or membership-tests (`def ask(q,
    #: model=DEFAULT_MODEL): if model not in SUPPORTED_MODELS: raise ...`): rewritten alone where
    #: it is defined, the id would fail that test
    tested_sent: tuple[tuple[str, str, str], ...] = ()
    #: function or class of `model_params` -> (parameter, the tests shown) for each parameter
    #: whose id it also compares or membership-tests on its way to the request
    #: (`if model.startswith("text-embedding"): ...`): a caller's id rewritten alone fails them
    tested_params: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    #: (imported function or class as written, keyword or "", position or -1, imported name as
    #: written) for each argument naming an imported value that this module passes to imported
    #: code (`OpenAIAgent(model=MODEL_NAME)`, `from config import MODEL_NAME`): where that code
    #: sends the parameter as a model id (`model_params`), only the defining module rewrites it
    handed_names: tuple[tuple[str, str, int, str], ...] = ()
    #: ... and for calls of this module's own functions and classes of `model_params`
    #: (`OpenAIAgent(model=MODEL_NAME)` beside `class OpenAIAgent`), by their names
    own_handed: tuple[tuple[str, str, int, str], ...] = ()
    #: (imported function or class as written, parameter, id) for each OpenAI model id this
    #: module passes to imported code that sends the parameter as a model id (`model_params`) and
    #: that this run leaves as it is here (`Worker(engine=args.engine)`, the argparse default
    #: also tested: a person's; engine.py): the clients sending it wait there, or Z.AI gets it
    kept_handed: tuple[tuple[str, str, str], ...] = ()
    #: module-level function or class -> (parameter, position or -1, why) for each parameter it
    #: sends as a request's model id through a client only a person moves (`repoint_blocker`):
    #: callers elsewhere keep the ids they pass until then, rather than send GLM's to OpenAI
    stayed_params: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: module-level class -> the `[frameworks]` kind of the LangChain OpenAI class it subclasses
    #: (`class Chat(ChatOpenAI): ...`: ("Chat", "langchain_chat")), naming no server of its own:
    #: its instances built in other modules talk to OpenAI as that class's do
    langchain_subclasses: Mapping[str, str] = field(default_factory=dict)
    #: module-level function or class -> (parameter, position or -1, resource path) for each
    #: parameter it sends as the model id of a Responses API call (`def ask(model, text): ...
    #: client.responses.create(model=model, ...)`), which Z.AI lacks: callers elsewhere pass the id
    responses_params: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)

    def receivers(self) -> frozenset[str]:
        """The module-level names another module can hand something to or on: clients and
        factories (passed to code that calls through them), functions and classes with a
        parameter that reaches a request's model id, a client or a tokenizer (a setting passed
        them), functions returning instances of such classes, LangChain subclasses, and
        variables holding OpenAI's key. A module handing them on may name no SDK, no model id and
        no API call (`from helpers import ask` ... `ask(q, model=DEFAULT_MODEL)`): the pre-check
        rejects it, and the runner reads it for these names (`runner._hand_offs_of`)."""
        tables: tuple[Mapping[str, object], ...] = (
            self.clients, self.factories, self.model_params, self.client_params, self.client_forwards,
            self.tokenizer_params, self.responses_params, self.stayed_params, self.instances,
            self.langchain_subclasses, self.key_settings,
        )  # fmt: skip
        # "Config.client", a class's: its class is the name an importer writes
        return frozenset(name.partition(".")[0] for table in tables for name in table)


#: the prefix of `ModuleSummary.waiting`'s names for the clients a module keeps in Streamlit's
#: `st.session_state` ("st.session_state.client"): the other pages read them there
SESSION_STATE = "st.session_state."

#: what the project index says of a key imported from another module: "env" and "named" as in
#: `ModuleSummary.key_settings`, "seen" (that module is read and nothing says it is OpenAI's),
#: "unseen" (the module is neither in the run nor found beside it)
KEY_SEEN, KEY_UNSEEN = ("", "seen"), ("", "unseen")


# no __eq__: facts are compared by `digest_text()`; each generated method is compiled at start-up
@dataclass(frozen=True, slots=True, eq=False)
class ModuleFacts:
    """What the rest of the project tells one module."""

    __reduce__ = pickled_by_fields

    #: imported name, as the module writes it -> the client it is
    clients: Mapping[str, ClientFact] = field(default_factory=dict)
    #: imported function, as written -> the client it returns
    factories: Mapping[str, ClientFact] = field(default_factory=dict)
    #: dotted name of this module ("MODEL", "settings.model") -> the endpoint other modules send it to
    sent_names: Mapping[str, str] = field(default_factory=dict)
    #: module-level name of this module holding (or function returning) a client -> a call of
    #: another module that cannot follow it to Z.AI in a safe run ("`responses.create` in `app.use`")
    held_clients: Mapping[str, str] = field(default_factory=dict)
    #: imported function, as written -> the parameters it sends as model ids (`model_params`)
    model_functions: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: imported function, as written -> the API calls it makes through clients passed to it
    #: (`client_params`)
    client_functions: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: imported function or class, as written -> the parameters that pick a tokenizer (`tokenizer_params`)
    tokenizer_functions: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    #: imported variable passed as a client's key, as written (`ModuleSummary.keys`) -> (OpenAI's
    #: key variable or "", how the index knows: "env", "named", "seen" or "unseen")
    keys: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: this module's variables holding OpenAI's key that another module passes as a client's
    #: key -> that module: reads this module cannot see, so it renames them only unsafely
    read_keys: Mapping[str, str] = field(default_factory=dict)
    #: imported function of `model_functions`, as written -> why the client it sends through
    #: waits where it is built (`waiting_params`): ids passed to it move only with --unsafe-fixes
    waiting_functions: Mapping[str, str] = field(default_factory=dict)
    #: dotted name of `sent_names` -> why a client sending it waits where it is built (`waiting_sent`)
    waiting_names: Mapping[str, str] = field(default_factory=dict)
    #: imported name (and attribute path) this module sends as a model id, as written, -> why its
    #: defining module keeps the id in a safe run (`ModuleSummary.held_names`): the client waits
    held_sent: Mapping[str, str] = field(default_factory=dict)
    #: OpenAI key variable -> the module importing this one that sets it itself (`written_keys`):
    #: what reads it here gets the program's key, an OpenAI one
    importer_keys: Mapping[str, str] = field(default_factory=dict)
    #: this module's function or class -> (parameter keyword or "", position or -1, OpenAI's key
    #: variable) for each argument another module passes OpenAI's key by (`key_args`)
    key_params: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: OpenAI's variables this test names (`ModuleSummary.env_names`) that every module of the run
    #: reading them stops reading in favour of Z.AI's (`ModuleSummary.env_reads`)
    moved_envs: frozenset[str] = frozenset()
    #: OpenAI's variables this test names that a module of the run keeps reading even with
    #: --unsafe-fixes (`ModuleSummary.env_held`): renamed here, the test would not set them
    held_envs: frozenset[str] = frozenset()
    #: OpenAI's variables this test names where no module of the run outside tests reads them or
    #: imports anything that does (`_OPENAI_READER_ROOTS`): the code the test runs reaches OpenAI
    #: through a library no fix moves (`llm`'s OpenAI plugin), which keeps reading them
    unread_envs: frozenset[str] = frozenset()
    #: model ids this test holds (`ModuleSummary.model_ids`) that every fix of the run about
    #: them turns into one same id, applied (`ModuleSummary.id_moves`) -> that id
    moved_ids: Mapping[str, str] = field(default_factory=dict)
    #: in a module using the Agents SDK: the module of the run that gives the SDK a default
    #: client on Z.AI (`ModuleSummary.agents_default`), whose agents here run on it too
    agents_default: str = ""
    #: in a module giving the Agents SDK a client (`ModuleSummary.agents_setup`): an agent of
    #: another module of the run that runs on it and Z.AI rejects, where and why ("an `Agent` in
    #: `app.agents` that ...", `ModuleSummary.agents_rejected`): that client's move waits for it
    agents_rejected: str = ""
    #: for the OpenAI embedding models whose ids this module writes, by vector size: where
    #: another module writes that size as a vector's (`ModuleSummary.vector_widths`: "`Vector(1536)`
    #: in `app.models`"), which the vectors of another model do not fit
    vector_widths: Mapping[int, str] = field(default_factory=dict)
    #: in a module moving the `openai` module client: why it waits in a module connected to this
    #: one by imports (`ModuleSummary.module_client_waits`): the process has one such client
    module_client_waits: str = ""
    #: imported class, as written, and attribute ("app.base.Base.client") -> an API call the
    #: class makes through `self.client`, which a subclass here sets (`attribute_calls`)
    inherited_calls: Mapping[str, str] = field(default_factory=dict)
    #: client class of this module, as written -> what a test does with it that a client built
    #: by it would fail once moved (a stand-in that cannot take `base_url=`, a mock expected to be
    #: built with exactly the arguments the test lists; `ModuleSummary.client_stubs`): it waits
    client_stubs: Mapping[str, str] = field(default_factory=dict)
    #: key of `st.session_state` this module keeps a client under -> why that client waits for
    #: another page: a call there through the client it finds under the key that cannot follow
    #: it to Z.AI in a safe run (`ModuleSummary.session_calls`), or a client that page keeps
    #: there itself and whose move waits (`ModuleSummary.waiting`)
    session_held: Mapping[str, str] = field(default_factory=dict)
    #: for a module importing no SDK nor LiteLLM: the module of the run calling LiteLLM, where no
    #: module of the run imports a client SDK (an argparse default in `main.py`, read by
    #: `llm/model.py`'s `litellm.acompletion`): its model settings are LiteLLM's model strings
    litellm_run: str = ""
    #: for a module importing `openai`: openai<1 resources a module of the run patches by name
    #: (`ModuleSummary.legacy_patched`), each with the first such module: converted, a call
    #: would bypass that stand-in; and openai>=1 methods ("chat.completions.create") a module
    #: patches with a dict as their reply, which attribute reads (GLM304) no longer fit
    legacy_patched: Mapping[str, str] = field(default_factory=dict)
    #: this module's variables holding OpenAI's key that another module hands on in a dict
    #: (`ModuleSummary.handed_keys`) -> that module: renamed, that reader would get a Z.AI key
    handed_keys: Mapping[str, str] = field(default_factory=dict)
    #: this module's chat models (LangChain) another module pipes a prompt template with no user
    #: turn into (`ModuleSummary.system_only_piped`) -> the roles and that module: moved, the
    #: class would send Z.AI a conversation it rejects
    system_only_piped: Mapping[str, str] = field(default_factory=dict)
    #: this module's function or class -> (keyword or "", position or -1, why) for each client
    #: another module hands it whose move waits there (`ModuleSummary.waiting_handed`): the calls
    #: made through the parameter given it keep their ids in a safe run, or OpenAI would get GLM's
    held_params: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: dotted name of `sent_names` -> the tests of it in a module that sends it, with that
    #: module ("`model not in SUPPORTED_MODELS` in `app.client`", `ModuleSummary.tested_sent`)
    tested_names: Mapping[str, str] = field(default_factory=dict)
    #: imported function of `model_functions`, as written -> (parameter, the tests of it there,
    #: `ModuleSummary.tested_params`)
    tested_functions: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    #: this module's function or class of `model_params` -> (parameter, why) for each parameter
    #: another module hands a setting of a module of the run that keeps its id in a safe run
    #: (`OpenAIAgent(model=MODEL_NAME)`, `MODEL_NAME` of `config.py` changed only with
    #: --unsafe-fixes, `ModuleSummary.handed_names`): the clients sending it wait, or Z.AI gets it
    held_model_params: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    #: in a module calling an API through an attribute of another object (`ModuleSummary
    #: .wrapped_calls`): attribute -> (the wrapper's, "app.wrap.Client.client", and the client a
    #: wrapper class of a module connected to this one by the run's imports keeps there): such
    #: reads (`self.wrapper.client`) are taken for that client, whose calls the rules then check
    wrapped_clients: Mapping[str, tuple[str, ClientFact]] = field(default_factory=dict)
    #: imported function or class, as written -> (parameter, position or -1, why) for each
    #: parameter it sends through a client only a person moves (`ModuleSummary.stayed_params`)
    stayed_functions: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: this module's function or class -> the modules of the run handing it an OpenAI SDK client
    #: (`ModuleSummary.handed_clients`): the calls it makes through its parameters are that
    #: client's, and one Z.AI lacks (`client.beta.threads.create()`) is reported here, where it
    #: is made, though this module imports no SDK
    handed_clients: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: imported class, as written -> (the kind of the LangChain OpenAI class it subclasses, its
    #: dotted name where it is defined) (`ModuleSummary.langchain_subclasses`)
    langchain_subclasses: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: imported function or class, as written -> the parameters it sends as a Responses API
    #: call's model id (`ModuleSummary.responses_params`)
    responses_functions: Mapping[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)
    #: imported name, as written, or its attribute ("config.ZenConfig.base_url") -> the URL of
    #: another server it holds in its module (`ModuleSummary.server_urls`)
    server_urls: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__match_args__)

    def keeping_holds(self, earlier: ModuleFacts) -> ModuleFacts:
        """These facts, with the holds `earlier` facts of the module told it kept (a client or
        a name another module waits for): each round's index reads the modules as the round
        before left them, so two modules holding each other's move (an id waits for the client
        sending it, the client for the id) would each learn of the other's hold a round late,
        and let go of their own in turn, ending a run with one moved and the other held. Holds
        only added to, the rounds settle where both hold."""
        changes: dict[str, Any] = {
            name: {**getattr(earlier, name), **getattr(self, name)}
            for name in ("held_clients", "waiting_functions", "waiting_names", "held_sent")
            if getattr(earlier, name).keys() - getattr(self, name).keys()
        }
        return replace(self, **changes) if changes else self

    def digest_text(self) -> str:
        """A stable text of the facts, for cache keys: each line starts with its field's name, so
        facts moved from one field to another change it."""
        parts: list[str] = []
        for name in self.__match_args__:
            value = getattr(self, name)
            if isinstance(value, Mapping):
                parts += [f"{name} {k} {v!r}" for k, v in sorted(value.items())]
            elif isinstance(value, frozenset):
                parts += [f"{name} {item}" for item in sorted(value)]
            elif value:
                parts.append(f"{name} {value}")
        return "\n".join(parts)


def module_name(path: PurePath, is_package: Callable[[PurePath], bool]) -> tuple[str, PurePath]:
    """A file's dotted module name and the folder it is importable from: the folder above its
    outermost package (`is_package`: the folder has an `__init__.py`, and a name an import can
    spell: a project folder `my-app/` holding one stray `__init__.py` is where its modules are
    imported from, not a package)."""
    parts = [path.stem] if path.stem != "__init__" else []
    folder = path.parent
    while folder.name.isidentifier() and is_package(folder) and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts), folder


# What an imported name resolves to. Named tuples, not dataclasses: a one-file run imports this
# module, and each dataclass costs Python 3.11 about 0.6 ms to make.
def _waiting(fact: ClientFact, why: str | None) -> ClientFact:
    return fact if why is None else replace(fact, waits=why)


def _nearest(candidates: Iterable[PurePath], name: str, importer: PurePath) -> PurePath | None:
    """Of the files of module `name`, the one found from the folder nearest above `importer`
    (`proj/utils/call_llm.py` for `import utils.call_llm` in `proj/tools/embeddings.py`), None
    when none is or two are as near."""
    depth = len(name.split("."))
    above = set(importer.parents)
    found: dict[int, list[PurePath]] = {}
    for path in candidates:
        # the folder on `sys.path` that finds it: `a/b.py` as `b`, `a/b/__init__.py` as `b`
        levels = depth if path.stem == "__init__" else depth - 1
        if levels < len(path.parents) and (folder := path.parents[levels]) in above:
            found.setdefault(len(folder.parts), []).append(path)
    if not found:
        return None
    nearest = found[max(found)]
    return nearest[0] if len(nearest) == 1 else None


class _Factory(NamedTuple):
    returns: ClientFact
    path: PurePath
    name: str  #: the module-level function that returns it


class _Client(NamedTuple):
    path: PurePath
    name: str  #: the module-level name that holds it
    fact: ClientFact


class _Name(NamedTuple):
    path: PurePath
    name: str


class _Module(NamedTuple):
    path: PurePath


class ModuleNames(Mapping[PurePath, tuple[str, PurePath]]):
    """Path -> (dotted name, import root) of the Python files among `paths`, kept as the paths'
    texts by name and worked out again when asked: the main process of a run over 10,000 files
    holds about 2 MB less than with a dict of every module's name and root, and 4 MB less than
    with a `Path` per module (see `discovery.FileList`)."""

    def __init__(self, paths: Iterable[PurePath | str], is_package: Callable[[PurePath], bool]) -> None:
        self._is_package = is_package
        #: dotted name -> the texts of the paths of that name, in the order of `paths`
        self._by_name: dict[str, tuple[str, ...]] = {}
        #: folder text -> the dotted name of the package it is ("" for none): `module_name` with
        #: each folder asked once, and no `PurePath` made per file (a tenth of a quiet run's
        #: main process went to those)
        packages: dict[str, str] = {}

        def package(folder: str) -> str:
            known = packages.get(folder)
            if known is None:
                pure = PurePath(folder or ".")
                known = ""
                if pure.name.isidentifier() and is_package(pure) and pure.parent != pure:
                    above = package(os.fspath(pure.parent))
                    known = f"{above}.{pure.name}" if above else pure.name
                packages[folder] = known
            return known

        for path in paths:
            text = path if isinstance(path, str) else os.fspath(path)  # texts given are kept, not copied
            folder, file_name = os.path.split(text)
            stem, suffix = os.path.splitext(file_name)
            if suffix in (".py", ".pyi"):
                above = package(folder)
                name = above if stem == "__init__" else f"{above}.{stem}" if above else stem
                known = self._by_name.get(name, ())
                if text not in known:
                    self._by_name[name] = (*known, text)

    def named(self, name: str) -> tuple[PurePath, ...]:
        """The modules of dotted name `name`."""
        return tuple(map(PurePath, self._by_name.get(name, ())))

    def __getitem__(self, path: PurePath) -> tuple[str, PurePath]:
        if path.suffix in (".py", ".pyi"):
            name, root = module_name(path, self._is_package)
            if os.fspath(path) in self._by_name.get(name, ()):
                return name, root
        raise KeyError(path)

    def __iter__(self) -> Iterator[PurePath]:
        for texts in self._by_name.values():
            yield from map(PurePath, texts)

    def __len__(self) -> int:
        return sum(map(len, self._by_name.values()))


#: Django's lazy settings object: the attributes of the project's `settings.py`
_DJANGO_SETTINGS = "django.conf.settings"

#: top-level modules of the SDKs the rules know: never resolved to a file beside a script
_SDK_ROOTS = frozenset({"openai", "zhipuai", "zai", "litellm", "langchain_openai", "langchain_community"})

#: the client SDKs' top-level modules: a run importing one of them has clients, not only LiteLLM
_CLIENT_SDK_ROOTS = frozenset({"openai", "zai", "zhipuai"})
#: ... and LiteLLM's: a module importing any of these has its own rules for its model settings
_CLIENT_ROOTS = _CLIENT_SDK_ROOTS | {"litellm"}

#: top-level modules of the SDKs and frameworks that read OpenAI's variables themselves (or
#: whose clients glm-migrate moves): a run whose code outside tests imports none of them, and
#: reads none of the variables by name, moves nothing that a test's `OPENAI_API_KEY` is for
_OPENAI_READER_ROOTS = _SDK_ROOTS | {
    "langchain",
    "llama_index",
    "instructor",
    "dspy",
    "crewai",
    "autogen",
    "agents",
    "pydantic_ai",
    "haystack",
    "semantic_kernel",
    "smolagents",
    "mem0",
    "ell",
    "marvin",
    "guidance",
}


def _test_path(path: PurePath) -> bool:
    """`path` is named as a test module is (`test_x.py`, `x_test.py`, `conftest.py`, or under
    a `tests` folder)."""
    stem = path.stem
    return (
        stem.startswith("test_")
        or stem.endswith("_test")
        or stem == "conftest"
        or any(part in ("tests", "test") for part in path.parts[:-1])
    )


#: what an imported name is: a client, a function returning one, another name, a module
_Resolved = _Client | _Factory | _Name | _Module


# no __eq__/__repr__: one index per run, compared never; each generated method is compiled at start-up (Python 3.11)
@dataclass(eq=False, repr=False)
class ProjectIndex:
    """Summaries by module, and the facts each module gets from the others.

    `modules`: path -> (dotted name, import root); `summaries`: path -> summary; `load`: summarises
    a module that is not part of the run (or returns None), called at most once per path.
    """

    modules: Mapping[PurePath, tuple[str, PurePath]]
    summaries: MutableMapping[PurePath, ModuleSummary]
    load: Callable[[PurePath], ModuleSummary | None] = lambda _: None
    #: summarises a module in full (the semantic model's summary), for a module whose summary
    #: has only its imports (`ModuleSummary.imports_only`) that may pass a client on
    #: None where no module of the run calls an API through a client passed to it (a chain needs
    #: one at its end), which spares a quiet tree exploring every import of every import
    load_full: Callable[[PurePath], ModuleSummary | None] | None = None
    #: where a module could be that is not in `modules`: dotted name, import root -> paths to try
    locate: Callable[[str, PurePath], list[PurePath]] = lambda _name, _root: []
    #: dotted name -> modules, where `modules` cannot say (not `ModuleNames`, or located); tuples,
    #: not lists: most names have one module, and a tuple of one is half the size
    _by_name: dict[str, tuple[PurePath, ...]] = field(default_factory=dict, init=False)
    _sent: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _sent_waiting: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _sent_tested: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _held: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _wrapped: dict[PurePath, dict[str, tuple[str, ClientFact]]] = field(default_factory=dict, init=False)
    _widths: dict[int, tuple[str, str]] | None = field(default=None, init=False)
    _module_client: dict[PurePath, str] | None = field(default=None, init=False)
    _read_keys: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _handed_keys: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _piped: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _held_params: dict[PurePath, dict[str, tuple[tuple[str, int, str], ...]]] | None = field(default=None, init=False)
    _held_model: dict[PurePath, dict[str, tuple[tuple[str, str], ...]]] | None = field(default=None, init=False)
    _handed_clients: dict[PurePath, dict[str, tuple[str, ...]]] | None = field(default=None, init=False)
    _importer_keys: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _key_params: dict[PurePath, dict[str, tuple[tuple[str, int, str], ...]]] | None = field(default=None, init=False)
    _moved: frozenset[str] | None = field(default=None, init=False)
    _held_env: frozenset[str] | None = field(default=None, init=False)
    _code_reads_env: bool | None = field(default=None, init=False)
    _moved_id: dict[str, str] | None = field(default=None, init=False)
    _stubs: dict[PurePath, dict[str, str]] | None = field(default=None, init=False)
    _session_calls: dict[str, list[tuple[PurePath, str]]] | None = field(default=None, init=False)
    _litellm: str | None = field(default=None, init=False)
    _patched: dict[str, str] | None = field(default=None, init=False)
    #: module -> the modules of the run it imports, directly or through others (`_reached_from`)
    _reach: dict[PurePath, frozenset[PurePath]] = field(default_factory=dict, init=False)
    #: `_client_uses` by (path, name, depth): a helper many others forward a client to is read
    #: once per depth, not once per chain of hand-offs reaching it (width ** depth of them)
    _uses: dict[tuple[PurePath, str, int], tuple[tuple[str, int, str], ...]] = field(default_factory=dict, init=False)

    #: modules found outside `modules` (`locate`) by this index: path -> (dotted name, import root)
    _located: dict[PurePath, tuple[str, PurePath]] = field(default_factory=dict, init=False)
    #: (dotted name, import root) of modules `locate` did not find
    _not_located: set[tuple[str, PurePath]] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        if isinstance(self.modules, ModuleNames):
            return  # it finds modules by name itself
        for path, (name, _) in self.modules.items():
            self._by_name[name] = (*self._by_name.get(name, ()), path)

    def _named(self, name: str) -> tuple[PurePath, ...]:
        own = self._by_name.get(name, ())
        return self.modules.named(name) + own if isinstance(self.modules, ModuleNames) else own

    def _module(self, path: PurePath) -> tuple[str, PurePath] | None:
        return self._located.get(path) or self.modules.get(path)

    def _dotted(self, path: PurePath) -> str:
        """The module's dotted name, as messages name it; its file's stem where none is known."""
        return (self._module(path) or (path.stem, path))[0]

    # -- resolution ---------------------------------------------------------------------------

    def resolve_module(self, name: str, importer: PurePath) -> PurePath | None:
        """The file of module `name` as imported from `importer` (dots for relative imports)."""
        own, root = self._module(importer) or ("", importer.parent)
        if name.startswith("."):
            level = len(name) - len(name.lstrip("."))
            package = own.split(".") if importer.stem == "__init__" else own.split(".")[:-1]
            if level - 1 > len(package):
                return None
            base = package[: len(package) - (level - 1)]
            rest = name.lstrip(".")
            name = ".".join([*base, rest] if rest else base)
            if not name:
                # `from . import x` (or `.x.Y` read as a class of `.`) in a module at its import
                # root: the package it names is that folder, no module of it
                return None
        candidates = self._named(name) or self._in_namespace_package(name)
        same_root = [path for path in candidates if self._module(path)[1] == root]  # type: ignore[index]
        if len(same_root) == 1 or len(candidates) == 1:
            return (same_root or candidates)[0]
        if candidates:
            # two modules of that name in different roots: the one a script above the importer
            # finds, its folder first on `sys.path` (examples side by side, each with its own
            # `utils/call_llm.py`), else not guessed
            return _nearest(candidates, name, importer)
        beside = self._beside_script(name, importer, root)
        if beside is not None:
            return beside
        if (name, root) in self._not_located:
            return None
        for path in self.locate(name, root):
            if self._summary(path) is not None:
                self._located[path] = (name, root)
                self._by_name[name] = (*self._by_name.get(name, ()), path)
                return path
        # most often a library (`openai`, `os`), which each module importing it would look for again
        self._not_located.add((name, root))
        return None

    def _beside_script(self, name: str, importer: PurePath, root: PurePath) -> PurePath | None:
        """`import config` in `app/main.py` where `app/` is a package, so the run knows the file
        as `app.config`: what Python finds when `app/main.py` runs as a script (`cd app && uvicorn
        main:app`), whose folder comes first on `sys.path`. Never for the SDKs the rules know,
        which a file beside the script would shadow only by mistake."""
        folder = importer.parent
        if folder == root or name.partition(".")[0] in _SDK_ROOTS:
            return None  # the importer's folder is its import root: resolved by name already
        base = folder.joinpath(*name.split("."))
        for path in (base.with_name(base.name + ".py"), base / "__init__.py"):
            if self._module(path) is not None:
                return path
        if name.partition(".")[0] not in sys.stdlib_module_names:
            # also from a folder above it in its package: `app/translator/__init__.py` importing
            # `translator.chain`, found from `app/` where the script `app/main.py` runs (not
            # looked for where the standard library has the name, as it mostly does)
            above = folder.parent
            while above != root and root in above.parents:
                base = above.joinpath(*name.split("."))
                for path in (base.with_name(base.name + ".py"), base / "__init__.py"):
                    if self._module(path) is not None:
                        return path
                above = above.parent
        # outside the run (a run over `server/main.py` alone)
        for path in self.locate(name, folder):
            if self._module(path) is None:
                self._located[path] = (name, folder)
            return path
        return None

    def _in_namespace_package(self, name: str) -> tuple[PurePath, ...]:
        """`pkg.tools.common` where `pkg` is a folder without `__init__.py` (a namespace package,
        PEP 420): the module `tools.common` whose root folder is `pkg`."""
        parts = name.split(".")
        for cut in range(1, len(parts)):
            prefix = tuple(parts[:cut])
            found = tuple(
                path
                for path in self._named(".".join(parts[cut:]))
                if (module := self._module(path)) is not None and module[1].parts[-cut:] == prefix
            )
            if found:
                return found
        return ()

    def _summary(self, path: PurePath) -> ModuleSummary | None:
        if path not in self.summaries:
            loaded = self.load(path)
            self.summaries[path] = loaded if loaded is not None else ModuleSummary()
        return self.summaries[path]

    def _one_by_one(self, *, ordered: bool = False) -> Iterator[tuple[PurePath, ModuleSummary]]:
        """Each module of the run and its summary, read one at a time (by path, where `ordered`):
        the runner keeps the summaries packed (`runner._SpooledSummaries`), and a list of them
        all would hold every summary of a large tree at once. The paths are listed first, as
        texts (each a path again in turn, see `discovery.FileList`): reading may add summaries
        of modules outside the run."""
        texts = [os.fspath(path) for path in self.summaries]
        for text in sorted(texts) if ordered else texts:
            path = PurePath(text)
            yield path, self.summaries[path]

    def resolve_name(self, qualified: str, importer: PurePath, seen: frozenset[str] = frozenset()) -> _Resolved | None:
        """What `qualified` (an imported dotted name as `importer` writes it) is in the
        project, or None when it is outside it. Re-exports are followed, cycles cut."""
        key = f"{importer}:{qualified}"
        if key in seen:
            return None
        seen = seen | {key}
        if qualified == _DJANGO_SETTINGS:
            # `from django.conf import settings`: the project's settings module, when the run has one
            found = [path for path in self.modules if self.modules[path][0].rpartition(".")[2] == "settings"]
            return _Module(found[0]) if len(found) == 1 else None
        module = self.resolve_module(qualified, importer)
        level = len(qualified) - len(qualified.lstrip("."))
        package, _, name = qualified[level:].rpartition(".")
        if module is not None:
            # `from pkg import patch` where `pkg/__init__.py` does `from .patch import patch`: the
            # package's own name (the function) hides its submodule, as Python's getattr finds it
            parent = self.resolve_module("." * level + package, importer) if name and (level or package) else None
            bound = self._summary(parent) if parent is not None and parent != module else None
            if bound is not None and name in bound.reexports:
                resolved = self.resolve_name(bound.reexports[name], parent, seen)  # type: ignore[arg-type]
                if resolved is not None and not (isinstance(resolved, _Module) and resolved.path == module):
                    return resolved
            return _Module(module)
        if not name:
            return None
        path = self.resolve_module("." * level + package, importer) if level or package else None
        summary = self._summary(path) if path is not None else None
        if path is None or summary is None:
            # `app.config.Config.make`: a method of a class, which the summary lists as "Config.make"
            outer, _, klass = package.rpartition(".")
            path = self.resolve_module("." * level + outer, importer) if klass and (level or outer) else None
            summary = self._summary(path) if path is not None else None
            method = f"{klass}.{name}"
            if path is not None and summary is not None and method in summary.factories:
                return _Factory(self._as_moved(summary.factories[method], path, method, summary), path, method)
            if path is not None and summary is not None and method in summary.clients:
                # `app.base.Base.client`: an attribute of the class's instances holding a client
                return _Client(path, method, self._as_moved(summary.clients[method], path, method, summary))
            return None
        if name in summary.clients:
            return _Client(path, name, self._as_moved(summary.clients[name], path, name, summary))
        if name in summary.factories:
            return _Factory(self._as_moved(summary.factories[name], path, name, summary), path, name)
        if name in summary.reexports:
            return self.resolve_name(summary.reexports[name], path, seen) or _Name(path, name)
        return _Name(path, name)

    def _client_uses(self, path: PurePath, name: str, depth: int = 0) -> tuple[tuple[str, int, str], ...]:
        """`ModuleSummary.client_params` of the function or class `name` of the module at `path`,
        with the calls made through the parameters it passes on to other modules' code (a few
        hand-offs deep): (parameter, position or -1, resource path)."""
        if (known := self._uses.get((path, name, depth))) is not None:
            return known
        summary = self._passing_summary(path, depth)
        uses = set(summary.client_params.get(name, ()))
        forwards = summary.client_forwards.get(name, ()) if depth < 4 else ()
        for param, index, target, keyword, position in forwards:
            found = self.resolve_name(target, path)
            if not isinstance(found, _Name):
                continue
            for their_param, their_index, resource in self._client_uses(found.path, found.name, depth + 1):
                if keyword == their_param if keyword else 0 <= position == their_index:
                    uses.add((param, index, resource))
        self._uses[path, name, depth] = found_uses = tuple(sorted(uses))
        return found_uses

    def _passing_summary(self, path: PurePath, depth: int) -> ModuleSummary:
        """The summary of the module at `path`, read in full where only its imports were
        (`ModuleSummary.imports_only`) and it imports code that calls an API through a client
        its callers pass: a module naming no SDK may pass a client on to it
        (`def index_all(client, chunks): return [embed(client, c) for c in chunks]`), and
        unread, its callers' clients moved unaware of that call. Most such modules import
        nothing of the kind and are never parsed."""
        summary = self._summary(path) or ModuleSummary()
        if not summary.imports_only or self.load_full is None:
            return summary
        # the answer is kept (`imports_only` off), a module importing itself ends with it
        self.summaries[path] = summary = replace(summary, imports_only=False)
        if depth < 4 and any(self._takes_clients(qualified, path, depth + 1) for qualified in summary.imports):
            full = self.load_full(path)
            if full is not None:
                self.summaries[path] = summary = full
        return summary

    def _takes_clients(self, qualified: str, importer: PurePath, depth: int) -> bool:
        """Whether the imported function, class or module `qualified` makes API calls through a
        client its callers pass."""
        found = self.resolve_name(qualified, importer)
        if isinstance(found, _Name):
            if self._client_uses(found.path, found.name, depth):
                return True
            # a class whose methods do (`Agent.ask`), which a function here may return an instance of
            defining = self._passing_summary(found.path, depth)
            prefix = f"{found.name}."
            names = (n for n in {*defining.client_params, *defining.client_forwards} if n.startswith(prefix))
            return any(self._client_uses(found.path, n, depth) for n in names)
        if isinstance(found, _Module):
            imported = self._passing_summary(found.path, depth)
            return any(
                self._client_uses(found.path, n, depth) for n in {*imported.client_params, *imported.client_forwards}
            )
        return False

    def _as_moved(self, fact: ClientFact, path: PurePath, name: str, summary: ModuleSummary) -> ClientFact:
        """`fact` as this run leaves it: waiting where its own module's safe run holds it, and
        where that module is outside the run (`glm-migrate server/main.py` alone), which moves
        no client of it: the ids sent through it stay OpenAI's until both are migrated."""
        why = summary.waiting.get(name)
        if why is None and fact.target == "openai" and fact.blocker is None and path not in self.modules:
            why = f"this run does not migrate `{path}`: run glm-migrate on both together"
        return _waiting(fact, why)

    @staticmethod
    def _member_names(summary: ModuleSummary) -> Iterator[str]:
        yield from (*summary.client_params, *summary.client_forwards, *summary.factories)
        yield from (*summary.attribute_calls, *summary.clients)

    def _class_members(
        self,
        qualified: str,
        path: PurePath,
        name: str,
        defining: ModuleSummary,
        client_functions: dict[str, tuple[tuple[str, int, str], ...]],
        factories: dict[str, ClientFact],
        inherited_calls: dict[str, str],
        clients: dict[str, ClientFact],
    ) -> None:
        """What the class `name` of the module at `path` gives a module calling its members
        through `qualified` (the class as imported, or a function returning its instances)."""
        prefix = f"{name}."
        # its methods that call through a client passed to them ("Retriever.search"), which
        # this module calls on an instance
        for n in {*defining.client_params, *defining.client_forwards}:
            if n.startswith(prefix) and (uses := self._client_uses(path, n)):
                client_functions[f"{qualified}.{n[len(prefix) :]}"] = uses
        # its methods that return a client ("Config.make"), by the class as written
        factories.update(
            {f"{qualified}.{n[len(prefix) :]}": fact for n, fact in defining.factories.items() if n.startswith(prefix)}
        )
        # its calls through `self.client` that a subclass here may give a client
        where = self._dotted(path)
        inherited_calls.update(
            {
                f"{qualified}.{n[len(prefix) :]}": f"`{paths[0]}` in `{where}.{n.partition('.')[0]}`"
                for n, paths in defining.attribute_calls.items()
                if n.startswith(prefix)
            }
        )
        # the attributes of its instances that hold one ("Base.client"), which its
        # subclasses here read as `self.client`
        clients.update(
            {
                f"{qualified}.{n[len(prefix) :]}": self._as_moved(fact, path, n, defining)
                for n, fact in defining.clients.items()
                if n.startswith(prefix)
            }
        )
        # its methods returning instances of a class (`Factory().make_agent().ask(client)`), whose
        # members this module calls on what they return; a few calls deep at most (`clone()`)
        if qualified.count("()") < 3:
            members = (client_functions, factories, inherited_calls, clients)
            for n in defining.instances:
                if n.startswith(prefix):
                    self._instance_members(f"{qualified}.{n[len(prefix) :]}", path, n, defining, members)

    def _instance_members(
        self,
        qualified: str,
        path: PurePath,
        name: str,
        defining: ModuleSummary,
        members: tuple[
            dict[str, tuple[tuple[str, int, str], ...]], dict[str, ClientFact], dict[str, str], dict[str, ClientFact]
        ],
    ) -> None:
        """`make_agent().ask(client)`: the members of the classes the function `name` of the
        module at `path` returns instances of, by the function's call as written
        ("app.agents.make_agent().ask")."""
        for klass in defining.instances.get(name, ()):
            where = path, klass
            if not any(n.startswith(f"{klass}.") for n in self._member_names(defining)):
                returned = self.resolve_name(klass, path)
                if not isinstance(returned, _Name):
                    continue
                where = returned.path, returned.name
            of = self._passing_summary(where[0], 0)
            self._class_members(f"{qualified}()", where[0], where[1], of, *members)

    # -- facts --------------------------------------------------------------------------------

    def facts_for(self, path: PurePath) -> ModuleFacts:
        summary = self._summary(path) or ModuleSummary()
        clients: dict[str, ClientFact] = {}
        factories: dict[str, ClientFact] = {}
        model_functions: dict[str, tuple[tuple[str, int, str], ...]] = {}
        client_functions: dict[str, tuple[tuple[str, int, str], ...]] = {}
        tokenizer_functions: dict[str, tuple[tuple[str, int], ...]] = {}
        waiting_functions: dict[str, str] = {}
        tested_functions: dict[str, tuple[tuple[str, str], ...]] = {}
        stayed_functions: dict[str, tuple[tuple[str, int, str], ...]] = {}
        inherited_calls: dict[str, str] = {}
        subclasses: dict[str, tuple[str, str]] = {}
        responses_functions: dict[str, tuple[tuple[str, int, str], ...]] = {}
        server_urls: dict[str, str] = {}
        for qualified in summary.imports:
            found = self.resolve_name(qualified, path)
            server_urls.update(self._server_urls_of(qualified, found))
            if isinstance(found, _Client):
                clients[qualified] = found.fact
            elif isinstance(found, _Factory):
                factories[qualified] = found.returns
            elif isinstance(found, _Name):
                defining = self._passing_summary(found.path, 0)
                params = defining.model_params.get(found.name)
                if params:
                    model_functions[qualified] = params
                    if tested := defining.tested_params.get(found.name):
                        tested_functions[qualified] = tested
                    if (waits := defining.waiting_params.get(found.name)) is not None:
                        waiting_functions[qualified] = waits
                if stayed := defining.stayed_params.get(found.name):
                    stayed_functions[qualified] = stayed
                uses = self._client_uses(found.path, found.name)
                if uses:
                    client_functions[qualified] = uses
                members = (client_functions, factories, inherited_calls, clients)
                self._class_members(qualified, found.path, found.name, defining, *members)
                self._instance_members(qualified, found.path, found.name, defining, members)
                tokenizer = defining.tokenizer_params.get(found.name)
                if tokenizer:
                    tokenizer_functions[qualified] = tokenizer
                if sent := defining.responses_params.get(found.name):
                    responses_functions[qualified] = sent
                if kind := defining.langchain_subclasses.get(found.name):
                    where = self.modules.get(found.path, (found.path.stem, found.path))[0]
                    subclasses[qualified] = (kind, f"{where}.{found.name}")
            elif isinstance(found, _Module):
                # `import app.clients as c` ... `c.client`: the module's own clients, by full name
                imported = self._passing_summary(found.path, 0)
                clients.update({f"{qualified}.{n}": fact for n, fact in imported.clients.items()})
                factories.update({f"{qualified}.{n}": fact for n, fact in imported.factories.items()})
                for n in {*imported.client_params, *imported.client_forwards}:
                    if uses := self._client_uses(found.path, n):
                        client_functions[f"{qualified}.{n}"] = uses
                for n in imported.instances:
                    members = (client_functions, factories, inherited_calls, clients)
                    self._instance_members(f"{qualified}.{n}", found.path, n, imported, members)
        keys = {written: self._key(written, path) for written in summary.keys}
        held_sent: dict[str, str] = {}
        for qualified, attributes, _ in summary.sent:
            found = self.resolve_name(qualified, path)
            if isinstance(found, _Name | _Module):
                defining = self._summary(found.path) or ModuleSummary()
                name = attributes if isinstance(found, _Module) else ".".join(filter(None, (found.name, attributes)))
                if (why := defining.held_names.get(name)) is not None:
                    held_sent[".".join(filter(None, (qualified, attributes)))] = why
        return ModuleFacts(
            clients,
            factories,
            self._sent_names().get(path, {}),
            self._held_clients().get(path, {}),
            model_functions,
            client_functions,
            tokenizer_functions,
            keys,
            self._read_keys_of().get(path, {}),
            waiting_functions,
            self._sent_names(waiting=True).get(path, {}),
            held_sent,
            self._importer_keys_of().get(path, {}),
            self._key_params_of().get(path, {}),
            moved_envs=self._moved_envs().intersection(summary.env_names) if summary.env_names else frozenset(),
            held_envs=self._held_envs().intersection(summary.env_names) if summary.env_names else frozenset(),
            unread_envs=frozenset(summary.env_names)
            if summary.env_names and not self._code_reads_envs()
            else frozenset(),
            moved_ids={i: new for i in summary.model_ids if (new := self._moved_ids().get(i))}
            if summary.model_ids
            else {},
            agents_default=self._agents_default(path, summary),
            agents_rejected=self._agents_rejected(path, summary),
            vector_widths=self._widths_for(path, summary),
            module_client_waits=self._module_client_waits().get(path, "") if summary.module_client_moves else "",
            inherited_calls=inherited_calls,
            client_stubs=self._client_stubs_of().get(path, {}),
            session_held=self._session_held(path, summary),
            litellm_run=self._litellm_run(summary),
            legacy_patched=self._legacy_patched(summary),
            handed_keys=self._handed_keys_of().get(path, {}),
            system_only_piped=self._system_only_piped().get(path, {}),
            held_params=self._held_params_of().get(path, {}),
            tested_names=self._sent_names(tested=True).get(path, {}),
            tested_functions=tested_functions,
            held_model_params=self._held_model_params_of().get(path, {}) if summary.model_params else {},
            wrapped_clients=self._wrapped_clients_of(path),
            stayed_functions=stayed_functions,
            handed_clients=self._handed_clients_of().get(path, {}) if summary.client_params else {},
            langchain_subclasses=subclasses,
            responses_functions=responses_functions,
            server_urls=server_urls,
        )

    def _server_urls_of(self, qualified: str, found: object) -> dict[str, str]:
        """The URLs of other servers the imported name `qualified` (resolved to `found`) holds:
        itself, its class attributes or its module's names, by how this module writes them."""
        if isinstance(found, _Module):
            urls = (self._summary(found.path) or ModuleSummary()).server_urls
            return {f"{qualified}.{name}": url for name, url in urls.items()}
        if not isinstance(found, _Name):
            return {}
        urls = (self._summary(found.path) or ModuleSummary()).server_urls
        prefix = f"{found.name}."
        return {
            qualified + name[len(found.name) :]: url
            for name, url in urls.items()
            if name == found.name or name.startswith(prefix)
        }

    def _held_model_params_of(self) -> dict[PurePath, dict[str, tuple[tuple[str, str], ...]]]:
        """For each module, its functions and classes whose model parameter another module hands
        a setting of a module of the run that keeps its id in a safe run, with why
        (`ModuleFacts.held_model_params`; computed once). A setting other modules send straight
        to a request (`sent_names`) is rewritten where it is defined, unless held there."""
        if self._held_model is None:
            found: dict[PurePath, dict[str, set[tuple[str, str]]]] = {}
            handed: list[tuple[PurePath, _Resolved | None, tuple[str, ...]]] = [
                *self._imported_by_summaries("handed_names"),
                *(
                    (importer, _Name(importer, owner), (keyword, str(at), value))
                    for importer, summary in self._one_by_one()
                    for owner, keyword, at, value in summary.own_handed
                ),
            ]
            for importer, resolved, (keyword, at, value) in handed:
                if not isinstance(resolved, _Name):
                    continue
                params = (self._summary(resolved.path) or ModuleSummary()).model_params.get(resolved.name)
                position = int(at)  # the entries' rest is typed as text
                matched = [p for p, index, _ in params or () if (keyword == p if keyword else 0 <= position == index)]
                if not matched:
                    continue
                source = self.resolve_name(value, importer)
                if source is None and value.count(".") > 1:
                    # `settings.MODEL_NAME` of `from config import settings`: an attribute of an
                    # instance (a settings object) the defining module keeps
                    head, _, attribute = value.rpartition(".")
                    if isinstance(owner := self.resolve_name(head, importer), _Name):
                        source = _Name(owner.path, f"{owner.name}.{attribute}")
                if not isinstance(source, _Name) or source.path not in self.summaries:
                    continue
                defining = self._summary(source.path) or ModuleSummary()
                if source.name in self._sent_names().get(source.path, {}) and source.name not in defining.held_names:
                    continue
                if "" not in defining.id_moves.values():
                    continue  # no id left there by this run (a GLM id already, or all of them moved)
                setting = f"{self._dotted(source.path)}.{source.name}"
                why = (
                    f"it sends `{setting}`, which `{self._dotted(importer)}` passes to `{resolved.name}` "
                    "and this run leaves as it is where it is defined"
                )
                for param in matched:
                    found.setdefault(resolved.path, {}).setdefault(resolved.name, set()).add((param, why))
            for importer, resolved, (param, old) in self._imported_by_summaries("kept_handed"):
                # an id the passing module itself leaves as it is (a person's, tested there)
                if isinstance(resolved, _Name) and resolved.path in self.summaries:
                    why = (
                        f"it sends `{old}`, which `{self._dotted(importer)}` passes to `{resolved.name}` "
                        "and this run leaves as it is there"
                    )
                    found.setdefault(resolved.path, {}).setdefault(resolved.name, set()).add((param, why))
            self._held_model = {
                path: {name: tuple(sorted(entries)) for name, entries in names.items()} for path, names in found.items()
            }
        return self._held_model

    def _handed_clients_of(self) -> dict[PurePath, dict[str, tuple[str, ...]]]:
        """For each module, its functions and classes other modules of the run hand an OpenAI
        SDK client, each with those modules (`ModuleFacts.handed_clients`; computed once)."""
        if self._handed_clients is None:
            found: dict[PurePath, dict[str, set[str]]] = {}
            for importer, resolved, _ in self._imported_by_summaries("handed_clients"):
                if isinstance(resolved, _Name):
                    found.setdefault(resolved.path, {}).setdefault(resolved.name, set()).add(self._dotted(importer))
            self._handed_clients = {
                path: {name: tuple(sorted(callers)) for name, callers in names.items()} for path, names in found.items()
            }
        return self._handed_clients

    def _held_params_of(self) -> dict[PurePath, dict[str, tuple[tuple[str, int, str], ...]]]:
        """For each module, its functions and classes other modules hand a client whose move
        waits there, with the argument and why (`ModuleFacts.held_params`; computed once)."""
        if self._held_params is None:
            found: dict[PurePath, dict[str, set[tuple[str, int, str]]]] = {}
            for _, resolved, (keyword, at, why) in self._imported_by_summaries("waiting_handed"):
                if isinstance(resolved, _Name):
                    entry = (keyword, int(at), why)  # the entries' rest is typed as text
                    found.setdefault(resolved.path, {}).setdefault(resolved.name, set()).add(entry)
            self._held_params = {
                path: {name: tuple(sorted(entries)) for name, entries in names.items()} for path, names in found.items()
            }
        return self._held_params

    def _legacy_patched(self, summary: ModuleSummary) -> dict[str, str]:
        """For a module importing `openai`, the openai<1 resources the run's modules patch by
        name, each with the first module doing so (computed once)."""
        if not any(i == "openai" or i.startswith("openai.") for i in summary.imports):
            return {}
        if self._patched is None:
            found: dict[str, str] = {}
            for patcher, read in self._one_by_one(ordered=True):
                for resource in read.legacy_patched:
                    found.setdefault(resource, "/".join(patcher.parts[-2:]))
            self._patched = found
        return self._patched

    def _litellm_run(self, summary: ModuleSummary) -> str:
        """The module of the run calling LiteLLM, for a module importing neither an SDK nor
        LiteLLM, where no module of the run imports a client SDK ("" otherwise; computed once)."""
        if {i.partition(".")[0] for i in summary.imports} & _CLIENT_ROOTS:
            return ""
        if self._litellm is None:
            found = ""
            for caller, read in self._one_by_one(ordered=True):
                roots = {i.partition(".")[0] for i in read.imports}
                if roots & _CLIENT_SDK_ROOTS:
                    found = ""
                    break
                if "litellm" in roots and not found:
                    found = "/".join(caller.parts[-2:])  # `llm/model.py`
            self._litellm = found
        return self._litellm

    def _session_held(self, path: PurePath, summary: ModuleSummary) -> dict[str, str]:
        """For the `st.session_state` keys this module keeps a client under, why another module
        of the run (another page of the app) holds its move: a call through the client it reads
        there that cannot follow it to Z.AI (`ModuleSummary.session_calls`), or a client of its
        own kept under the same key whose move waits there."""
        if not summary.session_clients:
            return {}
        if self._session_calls is None:
            self._session_calls = {}
            for other, read in self._one_by_one(ordered=True):
                where = self._dotted(other)
                for key, resource in read.session_calls:
                    calls = self._session_calls.setdefault(key, [])
                    if not calls or calls[-1][0] != other:
                        reason = f"another page reads it: its call `{resource}` in `{where}` cannot follow it to Z.AI"
                        calls.append((other, f"{reason} in a safe run"))
                # a client another page keeps under the same key and whose move waits there:
                # whichever page runs first fills the key for both
                for name, why in read.waiting.items():
                    if name.startswith(SESSION_STATE):
                        reason = f"`{where}` keeps its own client, whose move waits there ({why}): either page may fill it first"
                        self._session_calls.setdefault(name[len(SESSION_STATE) :], []).append((other, reason))
        found: dict[str, str] = {}
        for key in summary.session_clients:
            call = next((text for other, text in self._session_calls.get(key, ()) if other != path), None)
            if call is not None:
                found[key] = call
        return found

    def _module_client_waits(self) -> dict[PurePath, str]:
        """For each module moving the `openai` module client, why it waits in another module
        connected to it by the run's imports (one importing the other, or both imported by a
        third) or of the same package: a process running both has one module client (computed
        once)."""
        if self._module_client is None:
            found: dict[PurePath, str] = {}
            waits: dict[PurePath, str] = {}
            moves: list[PurePath] = []
            for path, summary in self._one_by_one(ordered=True):
                if summary.module_client_waits:
                    waits[path] = summary.module_client_waits
                if summary.module_client_moves:
                    moves.append(path)
            if waits and moves:
                members = set(self.summaries)  # the run's modules, not those its imports add
                group: dict[PurePath, PurePath] = {}  #: module -> one it shares a process with

                def root(path: PurePath) -> PurePath:
                    while (up := group.setdefault(path, path)) != path:
                        group[path] = group.setdefault(up, up)
                        path = up
                    return path

                packages: dict[str, PurePath] = {}
                for importer, summary in self._one_by_one(ordered=True):
                    name = (self._module(importer) or ("", importer))[0]
                    if "." in name:
                        # modules of one package: a program importing one may import the others
                        # through a module not read here (one naming no SDK)
                        first = packages.setdefault(name.partition(".")[0], importer)
                        group[root(importer)] = root(first)
                    for qualified in summary.imports:
                        found_name = self.resolve_name(qualified, importer)
                        target = getattr(found_name, "path", None)
                        if target is not None and target in members:
                            group[root(importer)] = root(target)
                for path in moves:
                    waiting = next((w for w in waits if root(w) == root(path) and w != path), None)
                    if waiting is not None:
                        where = self._dotted(waiting)
                        found[path] = (
                            f"the `openai` module client, one for the process, waits in `{where}`: {waits[waiting]}"
                        )
            self._module_client = found
        return self._module_client

    def _agents_default(self, path: PurePath, summary: ModuleSummary) -> str:
        """The module of the run that gives the Agents SDK a default client on Z.AI, for a module
        (another one) importing the SDK: the SDK's default is one for the whole process."""
        if summary.agents_default or not any(i == "agents" or i.startswith("agents.") for i in summary.imports):
            return ""
        for other, read in self._one_by_one(ordered=True):
            if read.agents_default and self._same_process(path, other):
                return os.fspath(other)
        return ""

    def _agents_rejected(self, path: PurePath, summary: ModuleSummary) -> str:
        """For a module giving the Agents SDK a client, the first agent of another module of the
        run that Z.AI rejects and runs on such a client: the SDK's default is the process's."""
        if not summary.agents_setup:
            return ""
        apart = ""
        for other, read in self._one_by_one(ordered=True):
            if other == path or not (read.agents_rejected or read.agents_on_default):
                continue
            where = self._dotted(other)
            if not self._same_process(path, other):
                # scripts side by side (a course's lessons), or modules an entry point outside the
                # run brings together: which it is, nothing shows, and the agent keeps its OpenAI id
                apart = apart or (
                    f"`{read.agents_on_default[0]}` in `{where}` if both modules run in one process, which no "
                    "import of the run shows (that agent keeps its OpenAI id: nothing here tells it runs on this "
                    "client)"
                )
            elif reasons := read.agents_rejected:
                return f"an `Agent` in `{where}` that Z.AI rejects until dealt with by hand: {reasons[0]}"
        return apart

    def _same_process(self, one: PurePath, other: PurePath) -> bool:
        """Whether `one` and `other` may run in one process, as far as the run's imports show:
        one imports the other (directly or through others), or a third module imports both
        (`main.py` importing `setup.py` and `agents.py`). Scripts side by side that import
        neither (a course's lessons, each run on its own) do not share the Agents SDK's default
        client, which is one per process."""
        if other in self._reached_from(one) or one in self._reached_from(other):
            return True
        # a module of the run with nothing to migrate (`main.py` importing only the project's
        # modules) has no summary yet: its imports are read for this (`load`, no LibCST)
        paths = [PurePath(text) for text in dict.fromkeys(os.fspath(p) for p in (*self.modules, *self.summaries))]
        return any(
            one in reached and other in reached
            for path in paths
            if path not in (one, other) and (reached := self._reached_from(path))
        )

    def _reached_from(self, start: PurePath) -> frozenset[PurePath]:
        """The modules of the run `start` imports, directly or through modules in between."""
        if start not in self._reach:
            self._reach[start] = frozenset()  # a cycle back to `start` ends here
            seen: set[PurePath] = set()
            todo = [start]
            while todo:
                importer = todo.pop()
                summary = self._summary(importer)
                for qualified in summary.imports if summary is not None else ():
                    resolved = self.resolve_name(qualified, importer)
                    found = resolved.path if isinstance(resolved, _Name | _Module) else None
                    if found is not None and found not in seen and found != start:
                        seen.add(found)
                        todo.append(found)
            self._reach[start] = frozenset(seen)
        return self._reach[start]

    def _moved_ids(self) -> dict[str, str]:
        """Model ids the run's fixes rewrite, each with the one id every module's applied fixes
        turn it into ("" where they disagree or one is left unapplied; computed once)."""
        if self._moved_id is None:
            moves: dict[str, str] = {}
            for _, summary in self._one_by_one():
                for old, new in summary.id_moves.items():
                    moves[old] = new if moves.get(old, new) == new else ""
            self._moved_id = moves
        return self._moved_id

    def _client_stubs_of(self) -> dict[PurePath, dict[str, str]]:
        """Module -> its client classes that a test replaces in a way a moved client would fail."""
        if self._stubs is None:
            self._stubs = {}
            for path, summary in self._one_by_one():
                for module, cls, what in summary.client_stubs:
                    target = self.resolve_module(module, path)
                    if target is not None:
                        test = self._dotted(path)
                        self._stubs.setdefault(target, {})[cls] = f"a test (`{test}`) replaces `{cls}` here {what}"
        return self._stubs

    def _held_envs(self) -> frozenset[str]:
        """OpenAI's variables some module of the run keeps reading even with --unsafe-fixes."""
        if self._held_env is None:
            self._held_env = frozenset(name for _, summary in self._one_by_one() for name in summary.env_held)
        return self._held_env

    def _code_reads_envs(self) -> bool:
        """Some module of the run outside tests reads OpenAI's variables by name, or imports an
        SDK or framework that reads them (`_OPENAI_READER_ROOTS`); also True where the run has
        no module outside tests, which leaves nothing to tell (computed once). A module of the run
        without a summary is one the pre-check let pass: it names no SDK and no such variable."""
        if self._code_reads_env is None:
            code = reads = False
            for _, summary in self._one_by_one():
                roots = {i.partition(".")[0] for i in summary.imports}
                if summary.env_names or roots & {"pytest", "unittest"}:
                    continue  # a test
                code = True
                if summary.env_reads or roots & _OPENAI_READER_ROOTS:
                    reads = True
                    break
            if not reads and not code:
                code = any(
                    path not in self.summaries and not _test_path(path) and path.suffix == ".py"
                    for path in self.modules
                )
            self._code_reads_env = reads or not code
        return self._code_reads_env

    def _moved_envs(self) -> frozenset[str]:
        """OpenAI's variables read somewhere in the run that every module reading them stops
        reading in favour of Z.AI's (computed once): a test setting one for the code it runs
        sets the Z.AI one with it."""
        if self._moved is None:
            reads: dict[str, bool] = {}
            for _, summary in self._one_by_one():
                for name, moves in summary.env_reads.items():
                    reads[name] = reads.get(name, True) and moves
            self._moved = frozenset(name for name, moves in reads.items() if moves)
        return self._moved

    def _key_setting(self, written: str, importer: PurePath) -> tuple[PurePath, str] | bool | None:
        """The module and variable an imported key (`ModuleSummary.keys`) is, None when its
        module is not found, False when it is found but the key is no module-level variable
        of it (an attribute of an object, a client)."""
        found = self.resolve_name(written, importer)
        if found is None:
            # `from config import settings` ... `settings.api_key`, `config` found: an object's
            # attribute, which the summary lists as "settings.api_key" when a settings class reads it
            owner, _, attribute = written.rpartition(".")
            held = self.resolve_name(owner, importer) if owner.strip(".") else None
            if isinstance(held, _Name) and self._missing_submodule(held):
                # `import LLM.My_Key as My_Key` ... `My_Key.key`, or `from LLM.My_Key import key`,
                # with `LLM/__init__.py` found and `LLM/My_Key.py` not (left out of the
                # repository): a module the run cannot read, not an object of the package's
                return None
            if isinstance(held, _Name):
                return held.path, f"{held.name}.{attribute}"
            return False if held is not None else None
        return (found.path, found.name) if isinstance(found, _Name) else False

    def _missing_submodule(self, held: _Name) -> bool:
        """Whether `held`, a name of a package's `__init__.py`, is one it binds nowhere (no
        import, client, factory or key setting of that name): then it can only be a submodule
        the run did not find."""
        if held.path.name != "__init__.py":
            return False
        summary = self._summary(held.path) or ModuleSummary()
        name, prefix = held.name, f"{held.name}."
        return not (
            name in summary.reexports
            or name in summary.clients
            or name in summary.factories
            or any(key == name or key.startswith(prefix) for key in summary.key_settings)
        )

    def _key(self, written: str, importer: PurePath) -> tuple[str, str]:
        setting = self._key_setting(written, importer)
        if setting is None:
            return KEY_UNSEEN
        if setting is False:
            return KEY_SEEN
        assert isinstance(setting, tuple)
        path, name = setting
        return (self._summary(path) or ModuleSummary()).key_settings.get(name, KEY_SEEN)

    def _read_keys_of(self) -> dict[PurePath, dict[str, str]]:
        """For each module, its variables holding OpenAI's key that other modules pass as a
        client's key, each with the first such module (computed once)."""
        if self._read_keys is None:
            read: dict[PurePath, dict[str, str]] = {}
            handed: dict[PurePath, dict[str, str]] = {}
            for importer, summary in self._one_by_one():
                settings = [(handed, self._handed_setting(written, importer)) for written in summary.handed_keys]
                for written in summary.keys:
                    setting = self._key_setting(written, importer)
                    settings.append((read, setting if isinstance(setting, tuple) else None))
                for into, found in settings:
                    if found is not None and found[1] in (self._summary(found[0]) or ModuleSummary()).key_settings:
                        into.setdefault(found[0], {}).setdefault(found[1], self._dotted(importer))
            self._read_keys, self._handed_keys = read, handed
        return self._read_keys

    def _handed_keys_of(self) -> dict[PurePath, dict[str, str]]:
        """For each module, its variables holding OpenAI's key that other modules hand on in a
        dict (`ModuleSummary.handed_keys`), each with the first such module (computed once, with
        `_read_keys_of`). Django's `settings.X` is the settings module's variable `X`."""
        if self._handed_keys is None:
            self._read_keys_of()
        assert self._handed_keys is not None
        return self._handed_keys

    def _handed_setting(self, written: str, importer: PurePath) -> tuple[PurePath, str] | None:
        setting = self._key_setting(written, importer)
        if setting is False:
            # `settings.OPENAI_API_KEY` after `from django.conf import settings`: a module's variable
            owner, _, attribute = written.rpartition(".")
            held = self.resolve_name(owner, importer) if owner.strip(".") else None
            return (held.path, attribute) if isinstance(held, _Module) else None
        return setting if isinstance(setting, tuple) else None

    def _importer_keys_of(self) -> dict[PurePath, dict[str, str]]:
        """For each module, the OpenAI key variables a module importing it sets itself, each with
        the first such module (computed once). Also through the modules in between: the variable
        is the process's, so `main.py` setting it and importing `translator`, whose
        `pdf_translator.py` imports `translation_chain.py`, sets it for that module's clients too."""
        if self._importer_keys is None:
            found: dict[PurePath, dict[str, str]] = {}
            for setter, setter_summary in self._one_by_one():
                written = setter_summary.written_keys
                if not written:
                    continue
                where = self._dotted(setter)
                seen = {setter}
                todo = [setter]
                while todo:
                    importer = todo.pop()
                    summary = self._summary(importer) if importer != setter else setter_summary
                    for qualified in summary.imports if summary is not None else ():
                        resolved = self.resolve_name(qualified, importer)
                        if isinstance(resolved, _Name | _Module) and resolved.path not in seen:
                            seen.add(resolved.path)
                            todo.append(resolved.path)
                            for env in written:
                                found.setdefault(resolved.path, {}).setdefault(env, where)
            self._importer_keys = found
        return self._importer_keys

    def _key_params_of(self) -> dict[PurePath, dict[str, tuple[tuple[str, int, str], ...]]]:
        """For each module, its functions and classes other modules pass OpenAI's key to, with
        the parameters they pass it for (computed once)."""
        if self._key_params is None:
            found: dict[PurePath, dict[str, tuple[tuple[str, int, str], ...]]] = {}
            for _, resolved, rest in self._imported_by_summaries("key_args"):
                keyword, position, env = cast(tuple[str, int, str], rest)
                if isinstance(resolved, _Name):
                    known = found.setdefault(resolved.path, {}).get(resolved.name, ())
                    if (keyword, position, env) not in known:
                        found[resolved.path][resolved.name] = (*known, (keyword, position, env))
            self._key_params = found
        return self._key_params

    def _imported_by_summaries(self, field: str) -> Iterator[tuple[PurePath, _Resolved | None, tuple[str, ...]]]:
        """(importer, what the name resolves to, the rest of the entry) for each entry of the
        summaries' `field` (`sent`, `held`), whose first item is an imported name as written."""
        for importer, summary in self._one_by_one():
            for qualified, *rest in getattr(summary, field):
                yield importer, self.resolve_name(qualified, importer), tuple(rest)

    def _sent_names(self, *, waiting: bool = False, tested: bool = False) -> dict[PurePath, dict[str, str]]:
        """For each module, its names other modules send as model ids, each with the endpoint
        (or, `waiting`, only those a client that waits where it is built sends, each with why;
        or, `tested`, only those a sending module also tests, each with the tests and where;
        computed once)."""
        if self._sent is None or self._sent_waiting is None or self._sent_tested is None:
            sent: dict[PurePath, dict[str, str]] = {}
            held: dict[PurePath, dict[str, str]] = {}
            tests: dict[PurePath, dict[str, str]] = {}
            for field_name, into in (("sent", sent), ("waiting_sent", held), ("tested_sent", tests)):
                for importer, found, (attributes, what) in self._imported_by_summaries(field_name):
                    if into is tests:
                        what = f"{what} in `{self._dotted(importer)}`"
                    if isinstance(found, _Name):
                        dotted = f"{found.name}.{attributes}" if attributes else found.name
                        into.setdefault(found.path, {})[dotted] = what
                    elif isinstance(found, _Module) and attributes:
                        # `import config` ... `model=config.MODEL`: the module's own name
                        into.setdefault(found.path, {})[attributes] = what
            for _, found, (keyword, at, why) in self._imported_by_summaries("waiting_handed"):
                # a waiting client passed to another module's code: the ids that code sends
                # through the parameter given it stay OpenAI's where they are defined
                if not isinstance(found, _Name):
                    continue
                position = int(at)  # the entries' rest is typed as text
                defining = self._summary(found.path) or ModuleSummary()
                for param, index, qualified, attributes in defining.param_sent.get(found.name, ()):
                    if not (keyword == param if keyword else 0 <= position == index):
                        continue
                    source = self.resolve_name(qualified, found.path)
                    if isinstance(source, _Name):
                        dotted = f"{source.name}.{attributes}" if attributes else source.name
                        held.setdefault(source.path, {}).setdefault(dotted, why)
                    elif isinstance(source, _Module) and attributes:
                        held.setdefault(source.path, {}).setdefault(attributes, why)
            self._sent, self._sent_waiting, self._sent_tested = sent, held, tests
        return self._sent_tested if tested else self._sent_waiting if waiting else self._sent

    def _widths_for(self, path: PurePath, summary: ModuleSummary) -> dict[int, str]:
        """`ModuleFacts.vector_widths` of the module at `path`."""
        if not summary.embedding_sizes:
            return {}
        if self._widths is None:
            # each size once, where a module of a package writes it (`app.models`) rather than a
            # script (an Alembic revision), then by name: the same text whatever the order. A
            # notebook's sizes are its own: nothing imports it, and what it sizes (a FAISS index,
            # `embedding_size = 1536`) lives in its kernel, so another module's ids do not reach it
            widths: dict[int, tuple[tuple[bool, str], str]] = {}
            for written, writer in self._one_by_one():
                sizes = writer.vector_widths
                if not sizes or written.suffix == ".ipynb":
                    continue
                name = self._dotted(written)
                rank = ("." not in name, name)
                for size, code in sizes:
                    if size not in widths or rank < widths[size][0]:
                        widths[size] = (rank, f"`{code}` in `{name}`")
            self._widths = {size: (rank[1], where) for size, (rank, where) in widths.items()}
        own = self._dotted(path)
        return {
            size: where[1]
            for size in summary.embedding_sizes
            if (where := self._widths.get(size)) is not None and where[0] != own
        }

    def _system_only_piped(self) -> dict[PurePath, dict[str, str]]:
        """For each module, its chat models another module pipes a prompt template with no user
        turn into, each with the roles and the first such module (computed once)."""
        if self._piped is None:
            piped: dict[PurePath, dict[str, str]] = {}
            for importer, found, (roles,) in self._imported_by_summaries("system_only_piped"):
                if isinstance(found, _Name | _Client):  # a chat model may be listed as a client
                    where = self._dotted(importer)
                    piped.setdefault(found.path, {}).setdefault(found.name, f"{roles} messages in `{where}`")
            self._piped = piped
        return self._piped

    def _held_clients(self) -> dict[PurePath, dict[str, str]]:
        """For each module, its client names another module calls an API of that cannot follow
        them to Z.AI in a safe run, each with the first such call (computed once)."""
        if self._held is None:
            held: dict[PurePath, dict[str, str]] = {}
            for importer, found, (resource,) in self._imported_by_summaries("held"):
                if isinstance(found, _Client | _Factory):
                    where = self._dotted(importer)
                    held.setdefault(found.path, {}).setdefault(found.name, f"`{resource}` in `{where}`")
            self._hold_wrapped_clients(held)
            self._held = held
        return self._held

    def _wrapped_clients_of(self, path: PurePath) -> dict[str, tuple[str, ClientFact]]:
        """`ModuleFacts.wrapped_clients` of the module at `path` (found with `_held_clients`)."""
        self._held_clients()
        return self._wrapped.get(path, {})

    def _hold_wrapped_clients(self, held: dict[PurePath, dict[str, str]]) -> None:
        """Add to `held` the clients instances of a class keep in an attribute (`self.client =
        OpenAI()` in a wrapper, "Client.client") that a module of the run calls an API through by
        that attribute of another object (`ModuleSummary.wrapped_calls`: `self.wrapper.client.beta
        .assistants.create(...)` in a module importing no SDK), where the run's imports connect
        the two, one importing the other through any chain of imports either way (`main.py`
        building the wrapper and handing it to the caller's class, `shared.py` keeping an
        instance another module imports). A call Z.AI lacks
        never follows the client, and the ids of one it serves are that module's, which its
        rules see only once told of the client (`ModuleFacts.wrapped_clients`, filled here): the
        client waits, naming the call (automata)."""
        calls: dict[PurePath, tuple[tuple[str, str], ...]] = {}
        holders: dict[PurePath, list[str]] = {}
        for path, summary in self._one_by_one():
            if summary.wrapped_calls:
                calls[path] = summary.wrapped_calls
            if attributes := [n for n in summary.clients if "." in n]:
                holders[path] = attributes
        attributes_called = {attribute for entries in calls.values() for attribute, _ in entries}
        holders = {
            path: kept
            for path, names in holders.items()
            if (kept := [n for n in names if n.rpartition(".")[2] in attributes_called])
        }
        if not holders:
            return
        # the run's modules, those with nothing to migrate too (`main.py` building the wrapper
        # and handing it on): their imports are read here, a rare pattern's cost
        linked: dict[PurePath, set[PurePath]] = {}  #: module -> the run's modules it imports or is imported by
        for importer in sorted(self.modules):
            for qualified in (self._summary(importer) or ModuleSummary()).imports:
                target = getattr(self.resolve_name(qualified, importer), "path", None)
                if target is not None and target != importer and target in self.modules:
                    linked.setdefault(importer, set()).add(target)
                    linked.setdefault(target, set()).add(importer)
        for path, names in holders.items():
            stack, reached = [path], set[PurePath]()
            while stack:
                if (module := stack.pop()) not in reached:
                    reached.add(module)
                    stack.extend(linked.get(module, ()))
            for caller in sorted(reached & calls.keys()):
                where = self._dotted(caller)
                for attribute, resource in calls[caller]:
                    for name in names:
                        if name.rpartition(".")[2] == attribute:
                            summary = self._summary(path) or ModuleSummary()
                            fact = self._as_moved(summary.clients[name], path, name, summary)
                            told = self._wrapped.setdefault(caller, {})
                            told.setdefault(attribute, (f"{self._dotted(path)}.{name}", fact))
                            why = f"`{resource}` in `{where}` (through another object's `.{attribute}`)"
                            held.setdefault(path, {}).setdefault(name, why)
