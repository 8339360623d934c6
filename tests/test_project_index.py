"""The project index: clients and model ids that cross module boundaries."""

from __future__ import annotations

import dataclasses
import json
import weakref
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path, PurePath

from clirunner import glm_migrate

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability
from glm_migrate.engine import summarize_bytes
from glm_migrate.project import ClientFact, ModuleNames, ModuleSummary, ProjectIndex, module_name
from glm_migrate.runner import migrate_file, project_index, run
from glm_migrate.tables import load_tables

OPENAI = ClientFact("openai", False, "openai", None, "`OpenAI()`")


def _index(summaries: Mapping[str, ModuleSummary], packages: frozenset[str] = frozenset()) -> ProjectIndex:
    """An index over made-up paths: `packages` are the folders with an `__init__.py`."""
    paths = {PurePath(path): summary for path, summary in summaries.items()}
    return ProjectIndex(ModuleNames(paths, lambda folder: str(folder) in packages), dict(paths))


def _summary(source: str) -> ModuleSummary:
    summary = summarize_bytes(source.encode(), tables=load_tables())
    assert summary is not None
    return summary


def _tree(root: Path, files: Mapping[str, str]) -> list[Path]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(root / name for name in files)


def _findings(root: Path, files: Mapping[str, str]) -> dict[str, list[str]]:
    paths = _tree(root, files)
    return {
        report.path.relative_to(root).as_posix(): [f"{d.code} {d.message}" for d in report.diagnostics]
        for report in run(paths, Settings(), jobs=1)
    }


# -- summaries -------------------------------------------------------------------------------------


def test_summary_lists_clients_factories_imports_and_sent_names() -> None:
    summary = _summary(
        "from openai import OpenAI\nfrom .config import MODEL\nfrom .clients import shared\n"
        "client = OpenAI()\n"
        "def make():\n    return OpenAI(base_url='http://localhost:8000/v1')\n"
        "def ask(q):\n    return client.chat.completions.create(model=MODEL, messages=[])\n"
    )
    assert summary.clients["client"].target == "openai"
    assert summary.factories["make"].target == "other"
    assert summary.reexports["shared"] == ".clients.shared"
    assert ".config.MODEL" in summary.imports
    assert summary.sent == ((".config.MODEL", "", "chat"),)


def test_summary_of_a_module_without_clients_is_its_imports() -> None:
    summary = _summary("from app.clients import client as shared\n")
    assert not summary.clients and summary.reexports == {"shared": "app.clients.client"}


# -- resolution ------------------------------------------------------------------------------------


def test_client_resolved_across_two_modules() -> None:
    index = _index(
        {
            "app/clients.py": ModuleSummary(clients={"client": OPENAI}),
            "app/chat.py": ModuleSummary(imports=(".clients.client",)),
        },
        frozenset({"app"}),
    )
    assert index.facts_for(PurePath("app/chat.py")).clients == {".clients.client": OPENAI}


def test_client_resolved_through_a_re_export_across_three_modules() -> None:
    index = _index(
        {
            "app/__init__.py": ModuleSummary(reexports={"client": "app.clients.client"}),
            "app/clients.py": ModuleSummary(clients={"client": OPENAI}),
            "main.py": ModuleSummary(imports=("app.client",)),
        },
        frozenset({"app"}),
    )
    assert index.facts_for(PurePath("main.py")).clients == {"app.client": OPENAI}


def test_module_import_gives_the_module_clients_by_full_name() -> None:
    index = _index(
        {
            "app/clients.py": ModuleSummary(clients={"client": OPENAI}),
            "main.py": ModuleSummary(imports=("app.clients",)),
        },
        frozenset({"app"}),
    )
    assert index.facts_for(PurePath("main.py")).clients == {"app.clients.client": OPENAI}


def test_cycle_between_modules_ends() -> None:
    index = _index(
        {
            "a.py": ModuleSummary(reexports={"client": "b.client"}, imports=("b.client",)),
            "b.py": ModuleSummary(reexports={"client": "a.client"}, imports=("a.client",)),
        }
    )
    assert not index.facts_for(PurePath("a.py")).clients
    assert not index.facts_for(PurePath("b.py")).clients


def test_sent_name_goes_to_the_defining_module() -> None:
    index = _index(
        {
            "app/config.py": ModuleSummary(),
            "app/chat.py": ModuleSummary(imports=(".config.settings",), sent=((".config.settings", "model", "chat"),)),
        },
        frozenset({"app"}),
    )
    assert index.facts_for(PurePath("app/config.py")).sent_names == {"settings.model": "chat"}


def test_relative_import_beyond_the_top_package_is_unresolved() -> None:
    index = _index({"app/chat.py": ModuleSummary(imports=("...far.client",))}, frozenset({"app"}))
    assert index.resolve_name("...far.client", PurePath("app/chat.py")) is None


def test_import_beside_a_script_inside_a_package(tmp_path: Path) -> None:
    # `server/` is a package, but `server/main.py` runs from its folder and imports its neighbour
    # by its own name, as Python finds it then
    findings = _findings(
        tmp_path,
        {
            "server/__init__.py": "",
            "server/llm.py": "from openai import OpenAI\nclient = OpenAI()\n",
            "server/main.py": (
                "from llm import client\n"
                "def ask(q):\n"
                "    return client.chat.completions.create(model='gpt-4o', messages=[])\n"
            ),
        },
    )
    assert [f.split()[0] for f in findings["server/main.py"]] == ["GLM101"]
    # run alone, it learns the client from `server/llm.py`, which that run does not move: the id waits
    alone = [d for report in run([tmp_path / "server/main.py"], Settings(), jobs=1) for d in report.diagnostics]
    assert [(d.code, d.applicability.value) for d in alone] == [("GLM101", "unsafe")]
    assert "this run does not migrate `" + str(tmp_path / "server/llm.py") + "`" in alone[0].message


def test_a_model_constant_read_through_the_module_is_rewritten_where_it_is_defined(tmp_path: Path) -> None:
    # `import config` ... `model=config.MODEL`, and Django's `settings.OPENAI_MODEL` (the project's
    # settings module): the id moves with the client, where it is written
    findings = _findings(
        tmp_path,
        {
            "config.py": 'MODEL = "gpt-4o"\n',
            "bot.py": "import config\nfrom openai import OpenAI\nclient = OpenAI()\n"
            "def ask(q):\n    return client.chat.completions.create(model=config.MODEL, messages=[])\n",
            "site/__init__.py": "",
            "site/settings.py": 'OPENAI_MODEL = "gpt-4o-mini"\n',
            "chat/views.py": "from django.conf import settings\nfrom openai import OpenAI\nclient = OpenAI()\n"
            "def ask(q):\n    return client.chat.completions.create(model=settings.OPENAI_MODEL, messages=[])\n",
        },
    )
    assert [f.split()[0] for f in findings["config.py"]] == ["GLM101"]
    assert [f.split()[0] for f in findings["site/settings.py"]] == ["GLM101"]


def test_an_sdk_is_never_resolved_to_a_file_beside_a_script() -> None:
    index = _index(
        {"app/__init__.py": ModuleSummary(), "app/openai.py": ModuleSummary(), "app/main.py": ModuleSummary()},
        frozenset({"app"}),
    )
    assert index.resolve_module("openai", PurePath("app/main.py")) is None
    assert index.resolve_module("app.openai", PurePath("app/main.py")) == PurePath("app/openai.py")


def test_same_module_name_in_two_roots_is_not_guessed() -> None:
    index = _index(
        {
            "one/config.py": ModuleSummary(clients={"client": OPENAI}),
            "two/config.py": ModuleSummary(clients={"client": OPENAI}),
            "three/main.py": ModuleSummary(imports=("config.client",)),
        }
    )
    assert not index.facts_for(PurePath("three/main.py")).clients


def test_same_module_name_in_two_roots_is_the_one_a_script_above_the_importer_finds(tmp_path: Path) -> None:
    """Examples side by side, each with its own `utils/call_llm.py` (a folder without
    `__init__.py`) and a `tools/embeddings.py` importing its client (`from utils.call_llm import
    client`), as run from the example's folder (zvictor/PocketFlow's cookbook): the import is the
    nearest example's. Not resolved, the client moved to Z.AI safely while that module's
    embedding call kept `text-embedding-ada-002`, and was told its client was neither built nor
    imported there."""
    llm = "import os\n\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.getenv('OPENAI_API_KEY'))\n"
    embed = (
        "from utils.call_llm import client\n\n\ndef get_embedding(text):\n"
        "    return client.embeddings.create(model='text-embedding-ada-002', input=text).data[0].embedding\n"
    )
    files = {
        "one/main.py": "from tools.embeddings import get_embedding\n\nprint(get_embedding('x'))\n",
        "one/utils/call_llm.py": llm,
        "one/tools/embeddings.py": embed,
        "two/main.py": "from utils.call_llm import client\n\nprint(client)\n",
        "two/utils/call_llm.py": llm,
    }
    assert _applicabilities(tmp_path, files, "one/utils/call_llm.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    assert _applicabilities(tmp_path, files, "two/utils/call_llm.py") == {"GLM001": "safe", "GLM002": "safe"}
    assert "GLM103" not in _applicabilities(tmp_path, files, "one/tools/embeddings.py")
    # the nearest of those above; none above: not guessed
    index = _index(
        {
            "a/utils/call_llm.py": ModuleSummary(clients={"client": OPENAI}),
            "a/lib/utils/call_llm.py": ModuleSummary(
                clients={"client": ClientFact("zai", False, "zai", None, "`ZaiClient()`")}
            ),
            "a/b/main.py": ModuleSummary(imports=("utils.call_llm.client",)),
            "c/main.py": ModuleSummary(imports=("utils.call_llm.client",)),
        }
    )
    assert index.facts_for(PurePath("a/b/main.py")).clients == {"utils.call_llm.client": OPENAI}
    assert not index.facts_for(PurePath("c/main.py")).clients


class _Watched(ModuleSummary):
    """A summary a weak reference can follow (a subclass without `__slots__`)."""


class _ReadOneAtATime(MutableMapping[PurePath, ModuleSummary]):
    """Summaries as the runner keeps them, packed: each read makes a new object. Records how
    many of those were alive at once."""

    def __init__(self, summaries: Mapping[PurePath, ModuleSummary]) -> None:
        self._stored = dict(summaries)
        self.alive = self.most_alive = 0

    def __getitem__(self, path: PurePath) -> ModuleSummary:
        stored = self._stored[path]
        read = _Watched(**{f.name: getattr(stored, f.name) for f in dataclasses.fields(stored)})
        self.alive += 1
        self.most_alive = max(self.most_alive, self.alive)
        weakref.finalize(read, self._gone)
        return read

    def _gone(self) -> None:
        self.alive -= 1

    def __setitem__(self, path: PurePath, summary: ModuleSummary) -> None:
        self._stored[path] = summary

    def __delitem__(self, path: PurePath) -> None:
        del self._stored[path]

    def __iter__(self) -> Iterator[PurePath]:
        return iter(self._stored)

    def __len__(self) -> int:
        return len(self._stored)


def test_the_index_holds_a_few_summaries_at_a_time_whatever_the_size_of_the_run() -> None:
    """Each table the index computes over every module reads the summaries one at a time: a
    list of them all held every summary of a 10,000-module tree at once (a main process of
    83 MB where it was 27 MB without the index)."""
    module = (
        "import os\nimport openai\nfrom openai import OpenAI\nfrom app.config import MODEL, KEY\n"
        "openai.api_key = os.environ['OPENAI_API_KEY']\n"
        "client = OpenAI(api_key=KEY)\n\n\n"
        "def ask(q):\n"
        "    return client.chat.completions.create(model=MODEL, messages=[{'role': 'user', 'content': q}])\n\n\n"
        "def embed(text):\n"
        "    return client.embeddings.create(model='text-embedding-3-small', input=text).data[0].embedding\n"
    )
    config = "import os\nMODEL = 'gpt-4o'\nKEY = os.getenv('OPENAI_API_KEY')\nSIZE = Vector(1536)\n"
    paths = {PurePath(f"app/m{n}.py"): _summary(module) for n in range(60)}
    paths[PurePath("app/config.py")] = _summary(config)
    summaries = _ReadOneAtATime(paths)
    index = ProjectIndex(ModuleNames(paths, lambda folder: str(folder) == "app"), summaries)
    facts = [index.facts_for(path) for path in paths]
    assert facts[0].sent_names == {} and index.facts_for(PurePath("app/config.py")).sent_names
    assert summaries.most_alive <= 4


# -- whole runs ------------------------------------------------------------------------------------


def test_run_reports_responses_call_on_an_imported_client(tmp_path: Path) -> None:
    found = _findings(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/openai_client.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
            "app/agent.py": "from .openai_client import client\n\n"
            "def reply(q):\n    return client.responses.create(model='gpt-4.1', input=q).output_text\n",
        },
    )
    assert any(f.startswith("GLM301 `responses.create`") for f in found["app/agent.py"])


def _applicabilities(root: Path, files: Mapping[str, str], path: str) -> dict[str, str]:
    """Code -> applicability of the fixes a run offers in `path` (`safe`, `unsafe`)."""
    paths = _tree(root, files)
    report = next(r for r in run(paths, Settings(), jobs=1) if r.path.relative_to(root).as_posix() == path)
    return {d.code: d.applicability.value for d in report.diagnostics if d.applicability is not None}


def test_a_client_another_module_calls_an_api_zai_lacks_through_moves_only_unsafely(tmp_path: Path) -> None:
    """Moved by a safe run, the client would make that module's call fail at Z.AI."""
    files = {
        "app/__init__.py": "",
        "app/clients.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "app/use.py": "from app.clients import client\n\n"
        "def ask(q):\n    return client.responses.create(model='gpt-4o', input=q).output_text\n",
    }
    held = _applicabilities(tmp_path, files, "app/clients.py")
    assert held == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # through the module (`import app.clients as clients` ... `clients.client`), and for a
    # transcription, whose model id changes only with --unsafe-fixes
    files["app/use.py"] = (
        "import app.clients as clients\n\n"
        "def hear(f):\n    return clients.client.audio.transcriptions.create(model='whisper-1', file=f)\n"
    )
    assert _applicabilities(tmp_path, files, "app/clients.py") == held
    # a chat call follows the client: it moves safely
    files["app/use.py"] = (
        "from app.clients import client\n\n"
        "def ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    assert _applicabilities(tmp_path, files, "app/clients.py") == {"GLM001": "safe", "GLM002": "safe"}
    # a client another module gets from a factory function here
    files["app/clients.py"] = "from openai import OpenAI\n\ndef make_client():\n    return OpenAI()\n"
    files["app/use.py"] = (
        "from app.clients import make_client\n\n"
        "def complete(p):\n    return make_client().completions.create(model='gpt-3.5-turbo-instruct', prompt=p)\n"
    )
    assert _applicabilities(tmp_path, files, "app/clients.py") == held


def test_a_factorys_client_waits_for_assistants_calls_in_a_module_naming_neither_sdk_nor_model(
    tmp_path: Path,
) -> None:
    """`client = init_client()` from another module, then `client.beta.threads.create()`: no SDK
    name nor model id in that module, which the pre-check once left unread, so the factory's
    client (an Azure one here, as momonong/OIA-default-answer's) moved to Z.AI by a safe fix."""
    files = {
        "app/__init__.py": "",
        "app/clients.py": "import os\n\nfrom openai import AzureOpenAI\n\n\ndef init_client():\n"
        "    return AzureOpenAI(azure_endpoint=os.getenv('AZURE_OPENAI_ENDPOINT'), "
        "api_key=os.getenv('AZURE_OPENAI_API_KEY'), api_version='2024-05-01-preview')\n",
        "main.py": "from app.clients import init_client\n\n\ndef main():\n    client = init_client()\n"
        "    return client.beta.threads.create()\n",
    }
    assert _applicabilities(tmp_path, files, "app/clients.py") == {"GLM008": "unsafe"}
    assert any(f.startswith("GLM301 `threads.create`") for f in _findings(tmp_path, files)["main.py"])


def test_a_client_handed_to_a_helper_sending_a_fine_tuned_id_waits(tmp_path: Path) -> None:
    """`label(text, client)` in a helper module that imports no SDK sends `ft:...` through the
    client it is given (Xron7/AIDA_assignment's utils): moved, the caller's client would send
    that id to Z.AI, which has no such model."""
    files = {
        "helpers.py": "def label(text, client):\n"
        "    reply = client.chat.completions.create(model='ft:gpt-4o-mini-2024-07-18:acme::a1b2', "
        "messages=[{'role': 'user', 'content': text}])\n"
        "    return reply.choices[0].message.content\n",
        "run.py": "from openai import OpenAI\n\nfrom helpers import label\n\nclient = OpenAI()\n"
        "print(label(input(), client))\n",
    }
    assert _applicabilities(tmp_path, files, "run.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    messages = _findings(tmp_path, files)["run.py"]
    assert any(
        "`helpers.label`, which it is passed to, sends a model id without a GLM counterpart" in m for m in messages
    )
    # a mapped id there follows the client
    files["helpers.py"] = files["helpers.py"].replace("ft:gpt-4o-mini-2024-07-18:acme::a1b2", "glm-4.6")
    assert _applicabilities(tmp_path, files, "run.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_client_injected_into_another_modules_wrapper_waits_for_the_ids_sent_there(tmp_path: Path) -> None:
    """`Summariser(OpenAI())` with a class of a module that imports no SDK keeping the client in
    `__init__` and sending `gpt-4o-mini` through `self.client` (or a function sending it through
    its `client` parameter): that module cannot tie the id to the client, so GLM103 only reports
    it and no run changes it; moved by a safe fix, the client would send an OpenAI id to Z.AI."""
    files = {
        "wrapper.py": "class Summariser:\n    def __init__(self, client):\n        self.client = client\n\n"
        "    def run(self, text):\n"
        "        reply = self.client.chat.completions.create(model='gpt-4o-mini', "
        "messages=[{'role': 'user', 'content': text}])\n"
        "        return reply.choices[0].message.content\n\n"
        "def run(client, text):\n"
        "    return client.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': text}])\n",
        "app.py": "from openai import OpenAI\n\nfrom wrapper import Summariser\n\n"
        "summariser = Summariser(OpenAI())\nprint(summariser.run(input()))\n",
    }
    assert _applicabilities(tmp_path, files, "app.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    messages = _findings(tmp_path, files)["app.py"]
    assert any(
        "call in `wrapper.Summariser`, which it is passed to, sends an OpenAI model id that module cannot tie" in m
        for m in messages
    ), messages
    files["app.py"] = "from openai import OpenAI\n\nimport wrapper\n\nprint(wrapper.run(OpenAI(), input()))\n"
    assert _applicabilities(tmp_path, files, "app.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # GLM's id there follows the client; so does an id in a module importing the SDK, which rewrites it
    glm = {**files, "wrapper.py": files["wrapper.py"].replace("gpt-4o-mini", "glm-4.6")}
    assert _applicabilities(tmp_path, glm, "app.py") == {"GLM001": "safe", "GLM002": "safe"}
    sdk = {**files, "wrapper.py": "import openai\n\n" + files["wrapper.py"]}
    assert _applicabilities(tmp_path, sdk, "app.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_ids_sent_through_a_parameter_another_module_hands_a_waiting_client_stay(tmp_path: Path) -> None:
    """`summary(prompt, client)` in a module importing the SDK, handed a client that waits where it
    is built (for its `whisper-1`; ceritrus/streamlit's `stream.py`): the id sent through the
    parameter was rewritten by a safe fix, so OpenAI got `glm-4.6`. Also through a class's
    `__init__` (`Summariser(client)`) and a parameter declared as the SDK's client."""
    files = {
        "summary.py": "import openai\n\n\nclass Summariser:\n    def __init__(self, client):\n"
        "        self.client = client\n\n    def run(self, prompt):\n"
        "        return self.client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "def summary(prompt, client: openai.Client):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': prompt}])\n",
        "app.py": "import openai\n\nfrom summary import Summariser, summary\n\n\ndef main(key, audio, text):\n"
        "    client = openai.Client(api_key=key)\n"
        "    client.audio.transcriptions.create(model='whisper-1', file=audio)\n"
        "    Summariser(client).run(text)\n    return summary(text, client=client)\n",
    }
    found = _findings(tmp_path, files)["summary.py"]
    assert len(found) == 2 and all(f.startswith("GLM101") for f in found), found
    assert "`Summariser` is handed a client that stays on OpenAI in a safe run where it is built" in found[0]
    assert _applicabilities(tmp_path, files, "summary.py") == {"GLM101": "unsafe"}
    # a client that moves: the ids move with it
    files["app.py"] = files["app.py"].replace(
        "    client.audio.transcriptions.create(model='whisper-1', file=audio)\n", ""
    )
    assert _applicabilities(tmp_path, files, "summary.py") == {"GLM101": "safe"}


def test_ids_sent_through_a_parameter_another_module_hands_a_client_of_another_server_stay(tmp_path: Path) -> None:
    """`complete(client, prompt, model="gpt-4o-mini")` in a helper module importing the SDK, handed
    by its importer a client built on a reseller's `base_url` (sunchey11/zhihu_class passes one
    from a factory): the default id was rewritten by a safe fix, so the reseller got `glm-4.6`."""
    files = {
        "helpers.py": "from openai import OpenAI\n\n\ndef complete(client, prompt, model='gpt-4o-mini'):\n"
        "    return client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': prompt}])\n",
        "app.py": "from openai import OpenAI\n\nfrom helpers import complete\n\n"
        "client = OpenAI(api_key='sk-placeholder', base_url='https://reseller.example.net/v1')\n"
        "print(complete(client, input()))\n",
    }
    found = _findings(tmp_path, files)["helpers.py"]
    assert len(found) == 1 and "`complete` is handed a client of another server where it is built" in found[0], found
    # the reseller gets the call: not rewritten for GLM, even with --unsafe-fixes (a person
    # changes it for the calls that go to Z.AI, if any)
    assert _applicabilities(tmp_path, files, "helpers.py") == {"GLM101": "manual"}
    # an OpenAI client moves: the id moves with it
    files["app.py"] = files["app.py"].replace(", base_url='https://reseller.example.net/v1'", "")
    assert _applicabilities(tmp_path, files, "helpers.py") == {"GLM101": "safe"}


def test_options_of_a_call_another_module_hands_a_client_of_another_server_are_not_rewritten(tmp_path: Path) -> None:
    """`ask(client, prompt, temperature=0)` sending `n=`, two stop words and a penalty, handed a
    reseller's client by its importer (sunchey11/zhihu_class, the forty-eighth round): the ids
    were held back, but the options GLM lacks were dropped and `temperature=0` became GLM's
    `do_sample` switch with --unsafe-fixes, changing what the reseller gets. Every finding on
    the call is manual there, in both runs."""
    files = {
        "helpers.py": "from openai import OpenAI\n\n\ndef ask(client, prompt, model='gpt-4o-mini'):\n"
        "    return client.chat.completions.create(\n        model=model,\n"
        "        messages=[{'role': 'user', 'content': prompt}],\n        temperature=0,\n        n=2,\n"
        "        stop=['a', 'b'],\n        presence_penalty=0.5,\n    )\n",
        "app.py": "from openai import OpenAI\n\nfrom helpers import ask\n\n"
        "client = OpenAI(api_key='sk-placeholder', base_url='https://reseller.example.net/v1')\n"
        "print(ask(client, input()))\n",
    }
    paths = _tree(tmp_path, files)
    for settings in (Settings(), Settings(unsafe_fixes=True)):
        report = next(r for r in run(paths, settings, jobs=1) if r.path.name == "helpers.py")
        codes = {d.code for d in report.diagnostics}
        assert {"GLM101", "GLM207", "GLM208", "GLM210"} <= codes, report.diagnostics
        assert all(d.applicability.value == "manual" for d in report.diagnostics), report.diagnostics
        assert report.output is None or report.output == report.source
    # given an OpenAI client instead, the call is fixed for GLM again (the options unsafely: the
    # client's server is not in view where the call is made)
    files["app.py"] = files["app.py"].replace(", base_url='https://reseller.example.net/v1'", "")
    assert _applicabilities(tmp_path, files, "helpers.py") == {
        "GLM101": "safe",
        "GLM207": "unsafe",
        "GLM208": "unsafe",
        "GLM210": "unsafe",
    }


def test_a_setting_read_by_getattr_in_another_module_moves_with_the_client(tmp_path: Path) -> None:
    """`MODEL = getattr(config, "MODEL", "gpt-4o")` beside a client the safe run moves, with
    `config.py` setting `MODEL = "gpt-4o-mini"`: the default was rewritten and the client moved,
    but getattr returns the module's own value, which stayed OpenAI's (GLM108, unsafe: not known
    to be sent), so Z.AI got `gpt-4o-mini`. The read is `config.MODEL`, sent as a direct one is."""
    files = {
        "config.py": 'MODEL = "gpt-4o-mini"\n',
        "app.py": "from openai import OpenAI\n\nimport config\n\n"
        'MODEL = getattr(config, "MODEL", "gpt-4o")\nclient = OpenAI()\n\n\n'
        "def ask(q):\n    return client.chat.completions.create(model=MODEL, messages=[{'role': 'user', 'content': q}])\n",
    }
    assert _applicabilities(tmp_path, files, "config.py") == {"GLM101": "safe"}
    assert _applicabilities(tmp_path, files, "app.py") == {"GLM001": "safe", "GLM002": "safe", "GLM101": "safe"}


def test_a_client_passed_to_another_modules_function_follows_the_calls_made_through_it(tmp_path: Path) -> None:
    """`upload(client, path)` with `def upload(client, path): client.files.create(...)` in another
    module: the client serves OpenAI account data there, so it stays with OpenAI; also chatting
    here, it moves only with --unsafe-fixes (its upload would fail at Z.AI)."""
    files = {
        "jobs/__init__.py": "",
        "jobs/batch.py": "from openai import OpenAI\n\n"
        "def upload(client: OpenAI, path):\n    return client.files.create(file=open(path, 'rb'), purpose='batch')\n\n"
        "def state(client, job):\n    return client.batches.retrieve(job).status\n\n"
        "def wait(client, job):\n    return state(client, job)\n\n"
        "def ask(client, q):\n    return client.chat.completions.create(model='gpt-4o', messages=q)\n",
        "jobs/run.py": "from openai import OpenAI\n\nfrom .batch import upload, wait\n\n"
        "def main(path):\n    client = OpenAI()\n    wait(client, upload(client=client, path=path))\n",
    }
    found = _findings(tmp_path, files)
    assert [f.split(" ")[0] for f in found["jobs/run.py"]] == ["GLM002"], found["jobs/run.py"]
    assert "stays with OpenAI" in found["jobs/run.py"][0]
    # also chatting here: it moves only with --unsafe-fixes
    files["jobs/run.py"] = (
        "from openai import OpenAI\n\nfrom jobs import batch\n\n"
        "def main(path):\n    client = OpenAI()\n    batch.upload(client, path)\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    assert _applicabilities(tmp_path, files, "jobs/run.py") == {
        "GLM001": "unsafe",
        "GLM002": "unsafe",
        "GLM101": "unsafe",
    }
    # a function that only chats through it leaves the client's move safe
    files["jobs/run.py"] = (
        "from openai import OpenAI\n\nfrom jobs.batch import ask\n\ndef main(q):\n    return ask(OpenAI(), q)\n"
    )
    assert _applicabilities(tmp_path, files, "jobs/run.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_client_handed_to_another_modules_embedding_call_waits(tmp_path: Path) -> None:
    """An embedding id moves only with --unsafe-fixes (its vectors change size), so a client
    passed to another module's function that embeds through it moves only with it: moved by a
    safe run, it would get `text-embedding-3-small` at Z.AI. Also when the client travels in a
    dataclass field declared as the SDK's client (pydantic-ai's deps), as in
    coleam00/ottomator-agents crawl4AI-agent (streamlit_ui.py, pydantic_ai_expert.py)."""
    embed = (
        "from dataclasses import dataclass\n\nfrom openai import AsyncOpenAI\n\n\n"
        "@dataclass\nclass Deps:\n    openai_client: AsyncOpenAI\n\n\n"
        "async def get_embedding(text: str, openai_client: AsyncOpenAI) -> list[float]:\n"
        "    response = await openai_client.embeddings.create(model='text-embedding-3-small', input=text)\n"
        "    return response.data[0].embedding\n\n\n"
        "async def retrieve(deps: Deps, query: str) -> list[float]:\n"
        "    return await get_embedding(query, deps.openai_client)\n"
    )
    files = {
        "expert.py": embed,
        "ui.py": "import os\n\nfrom openai import AsyncOpenAI\n\nfrom expert import get_embedding\n\n"
        "client = AsyncOpenAI(api_key=os.getenv('OPENAI_API_KEY'))\n\n\n"
        "async def main(q):\n    return await get_embedding(q, client)\n",
    }
    assert _applicabilities(tmp_path, files, "ui.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["ui.py"] = (
        "import os\n\nfrom openai import AsyncOpenAI\n\nfrom expert import Deps, retrieve\n\n"
        "client = AsyncOpenAI(api_key=os.getenv('OPENAI_API_KEY'))\n\n\n"
        "async def main(q):\n    return await retrieve(Deps(openai_client=client), q)\n"
    )
    assert _applicabilities(tmp_path, files, "ui.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # a `dimensions=` both models make: the call follows the client, which moves safely
    files["expert.py"] = embed.replace("input=text)", "input=text, dimensions=1024)")
    assert _applicabilities(tmp_path, files, "ui.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_client_handed_on_to_another_modules_embedding_call_waits(tmp_path: Path) -> None:
    """As above, when the client reaches the embedding call through more than one hand-off: a
    class of another module that keeps it (`Index(client)`, `self.client = client`), or a
    function there that passes it on to a third module's (`index_all(client, chunks)` calling
    `embed(client, chunk)`), as in arminsabouri/WalletProbe (scanner's main.py, vector_db.py,
    utils.py): moved by a safe run, the client would get `text-embedding-3-small` at Z.AI."""
    embed = (
        "from openai import OpenAI\n\n\n"
        "def embed(client: OpenAI, text: str) -> list[float]:\n"
        "    return client.embeddings.create(model='text-embedding-3-small', input=text).data[0].embedding\n"
    )
    files = {
        "app/__init__.py": "",
        "app/vectors.py": embed,
        "app/index.py": "from openai import OpenAI\n\nfrom app.vectors import embed\n\n\n"
        "class Index:\n    def __init__(self, size: int, client: OpenAI):\n        self.client = client\n\n"
        "    def search(self, query: str) -> list[float]:\n        return embed(self.client, query)\n\n\n"
        "def index_all(client: OpenAI, chunks: list[str]) -> list[list[float]]:\n"
        "    return [embed(client, chunk) for chunk in chunks]\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app.index import Index\n\n\n"
        "def main(query: str) -> list[float]:\n    return Index(10, OpenAI()).search(query)\n",
    }
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.index import index_all\n\nclient = OpenAI()\n\n\n"
        "def main(chunks: list[str]) -> list[list[float]]:\n    return index_all(client=client, chunks=chunks)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # the class keeps another argument in the client's place: nothing reaches the embedding call
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.index import Index\n\n\n"
        "def main(query: str) -> list[float]:\n    client = OpenAI()\n"
        "    print(client.chat.completions.create(model='gpt-4o', messages=[]))\n"
        "    return Index(10, None).search(query)\n"
    )
    found = _applicabilities(tmp_path, files, "app/main.py")
    assert found["GLM002"] == "safe", found
    # a `dimensions=` both models make: the call follows the client, which moves safely
    files["app/vectors.py"] = embed.replace("input=text)", "input=text, dimensions=1024)")
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.index import Index\n\n\n"
        "def main(query: str) -> list[float]:\n    return Index(10, OpenAI()).search(query)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_client_handed_on_by_a_module_naming_no_sdk_waits(tmp_path: Path) -> None:
    """As above, when the module in the middle names neither an SDK nor a model (`def
    index_all(client, chunks)`, a class keeping `self.client`): the pre-check rejects it, and
    the project index reads it in full only because it imports code calling through a client
    its callers pass. Unread, the chain was cut and the client moved to Z.AI with its embedding
    call's `text-embedding-3-small`."""
    files = {
        "app/__init__.py": "",
        "app/vectors.py": "from openai import OpenAI\n\n\ndef embed(client: OpenAI, text: str) -> list[float]:\n"
        "    return client.embeddings.create(model='text-embedding-3-small', input=text).data[0].embedding\n",
        "app/index.py": "from app.vectors import embed\n\n\ndef index_all(client, chunks):\n"
        "    return [embed(client, chunk) for chunk in chunks]\n\n\n"
        "class Index:\n    def __init__(self, client):\n        self.client = client\n\n"
        "    def search(self, query):\n        return embed(self.client, query)\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app.index import index_all\n\nclient = OpenAI()\n\n\n"
        "def main(chunks):\n    return index_all(client, chunks)\n",
    }
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.index import Index\n\n\n"
        "def main(query):\n    return Index(OpenAI()).search(query)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # two modules naming no SDK in the chain
    files["app/middle.py"] = (
        "from app.index import index_all\n\n\ndef run(client, query):\n    return index_all(client, [query])\n"
    )
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.middle import run\n\n\ndef main(query):\n    return run(OpenAI(), query)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # a `dimensions=` both models make: the call follows the client, which moves safely
    files["app/vectors.py"] = files["app/vectors.py"].replace("input=text)", "input=text, dimensions=1024)")
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_client_handed_to_a_method_of_another_modules_class_waits_for_its_calls(tmp_path: Path) -> None:
    """A client passed to a method of an imported class's instance (`Retriever().search(client,
    q)`, `retriever = make(); retriever.search(client, q)`) serves the embedding call that method
    makes through it: the method is followed as a function is, one parameter later for `self`.
    Not followed, the client moved to Z.AI with the method's `text-embedding-3-small`."""
    files = {
        "app/__init__.py": "",
        "app/retrieval.py": "class Retriever:\n    def __init__(self, top_k=3):\n        self.top_k = top_k\n\n"
        "    def search(self, client, query):\n"
        "        return client.embeddings.create(model='text-embedding-3-small', input=query)\n\n"
        "    @staticmethod\n    def probe(client):\n        return client.files.list()\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app.retrieval import Retriever\n\nclient = OpenAI()\n\n\n"
        "def main(query):\n    return Retriever().search(client, query)\n",
    }
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.retrieval import Retriever\n\n\n"
        "def main(query):\n    retriever = Retriever(top_k=5)\n    return retriever.search(OpenAI(), query=query)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # a chat method sending GLM's id: the client moves with it (an OpenAI id there, which that
    # module cannot tie to the client, holds it: `..._injected_into_another_modules_wrapper_...`)
    files["app/retrieval.py"] = files["app/retrieval.py"].replace(
        "client.embeddings.create(model='text-embedding-3-small', input=query)",
        "client.chat.completions.create(model='glm-4.6', messages=[{'role': 'user', 'content': query}])",
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_module_naming_no_sdk_is_read_in_full_only_where_it_imports_code_taking_clients(tmp_path: Path) -> None:
    """The project index parses a module the pre-check rejects only when it imports a function,
    class or module that calls an API through a client its callers pass."""
    files = {
        "app/__init__.py": "",
        "app/vectors.py": "def embed(client, text):\n    return client.embeddings.create(model=MODEL, input=text)\n",
        "app/util.py": "import re\n\n\ndef slug(text):\n    return re.sub('[^a-z]+', '-', text)\n",
        "app/index.py": "from app.vectors import embed\n\n\ndef index_all(client, chunks):\n"
        "    return [embed(client, chunk) for chunk in chunks]\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app.index import index_all\nfrom app.util import slug\n\n"
        "print(index_all(OpenAI(), [slug('A b')]))\n",
    }
    paths = _tree(tmp_path, files)
    read: list[str] = []

    def load_full(path: PurePath) -> ModuleSummary | None:
        read.append(PurePath(path).name)
        return summarize_bytes(Path(path).read_bytes(), tables=load_tables())

    index = project_index([migrate_file(path, Settings()) for path in paths])
    index.load_full = load_full
    index.summaries.clear()
    for path in paths:
        index.facts_for(path)
    assert read == ["index.py"]


def test_ids_sent_through_a_waiting_client_another_module_is_handed_stay(tmp_path: Path) -> None:
    """A client that waits (here for its embedding call) handed to another module's function or
    class that chats through it with an id imported from a third module: that id stays OpenAI's
    in a safe run, or OpenAI would get `glm-4.6` (arminsabouri/WalletProbe's `OPEN_AI_MODEL`,
    sent by `ResponseCollector(db, openai_client)` through `self.llm`)."""
    files = {
        "app/__init__.py": "",
        "app/consts.py": 'CHAT_MODEL = "gpt-4o"\n',
        "app/vectors.py": "from openai import OpenAI\n\n\ndef embed(client: OpenAI, text: str) -> list[float]:\n"
        "    return client.embeddings.create(model='text-embedding-3-small', input=text).data[0].embedding\n",
        "app/answer.py": "from openai import OpenAI\n\nfrom app.consts import CHAT_MODEL\n\n\n"
        "class Answerer:\n    def __init__(self, llm: OpenAI) -> None:\n        self.llm = llm\n\n"
        "    def ask(self, q: str) -> str:\n"
        "        reply = self.llm.chat.completions.create(model=CHAT_MODEL, messages=[{'role': 'user', 'content': q}])\n"
        "        return reply.choices[0].message.content or ''\n\n\n"
        "def ask(client: OpenAI, q: str) -> str:\n    return Answerer(client).ask(q)\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app.answer import Answerer\nfrom app.vectors import embed\n\n\n"
        "def main(q: str) -> tuple[list[float], str]:\n    client = OpenAI()\n"
        "    return embed(client, q), Answerer(client).ask(q)\n",
    }
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    assert _applicabilities(tmp_path, files, "app/consts.py") == {"GLM101": "unsafe"}
    files["app/main.py"] = files["app/main.py"].replace("Answerer(client).ask(q)", "ask(client=client, q=q)")
    files["app/main.py"] = files["app/main.py"].replace("import Answerer", "import ask")
    assert _applicabilities(tmp_path, files, "app/consts.py") == {"GLM101": "unsafe"}
    # the client moves (its embedding call asks for a size both models make): so does the id
    files["app/vectors.py"] = files["app/vectors.py"].replace("input=text)", "input=text, dimensions=1024)")
    assert _applicabilities(tmp_path, files, "app/consts.py") == {"GLM101": "safe"}


def test_a_client_returned_by_a_method_of_another_modules_class_is_followed(tmp_path: Path) -> None:
    """`Config().client()`, `cfg.get_client()`, `Config.make()` with the class in another module:
    the calls through the client move with it, and one that cannot holds its move."""
    files = {
        "app/__init__.py": "",
        "app/config.py": "from openai import OpenAI\n\nclass Config:\n    def __init__(self):\n"
        "        self.client = OpenAI()\n\n    def get_client(self):\n        return self.client\n\n"
        "    @staticmethod\n    def make():\n        return OpenAI()\n",
        "app/use.py": "import app.config as config\nfrom app.config import Config\n\ncfg = Config()\n\n"
        "def a(q):\n    return cfg.get_client().chat.completions.create(model='gpt-4o', messages=q)\n\n"
        "def b(q):\n    return Config.make().chat.completions.create(model='gpt-4o-mini', messages=q)\n\n"
        "def c(q):\n    return config.Config().get_client().chat.completions.create(model='gpt-4', messages=q)\n",
    }
    found = _findings(tmp_path, files)
    assert [f.split(" ")[0] for f in found["app/use.py"]] == ["GLM101"] * 3, found["app/use.py"]
    files["app/config.py"] = files["app/config.py"].partition("\n\n    @staticmethod")[0] + "\n"
    files["app/use.py"] = (
        "from app.config import Config\n\n"
        "def d(q):\n    return Config().get_client().responses.create(model='gpt-4.1', input=q).output_text\n"
    )
    applicabilities = _applicabilities(tmp_path, files, "app/config.py")
    assert applicabilities == {"GLM001": "unsafe", "GLM002": "unsafe"}, applicabilities


def test_a_client_from_a_method_the_class_inherits_from_another_module_is_followed(tmp_path: Path) -> None:
    """`self._create_client()` in a class deriving from another module's (a plugin's common base
    building `OpenAI(**kwargs)` or `AzureOpenAI(**kwargs)`, moved by hand): the calls keep their
    OpenAI id and parameters until that client moves, instead of sending `glm-4.6` and
    `max_tokens=` to Azure's reasoning model (langgenius/dify-official-plugins' azure_openai)."""
    files = {
        "models/__init__.py": "",
        "models/llm/__init__.py": "",
        "models/common.py": "import openai\n\nclass _Common:\n    @classmethod\n"
        "    def _build(cls, credentials):\n        kwargs = dict(credentials)\n"
        "        if credentials['base'].endswith('/v1'):\n            return openai.OpenAI(**kwargs)\n"
        "        return openai.AzureOpenAI(**kwargs)\n\n    @classmethod\n"
        "    def _create_client(cls, credentials):\n        return cls._build(credentials)\n",
        "models/llm/llm.py": "from openai import Stream\n\nfrom ..common import _Common\n\nclass Chat(_Common):\n"
        "    def ping(self, credentials):\n        client = self._create_client(credentials)\n"
        "        return client.chat.completions.create(messages=[], model='o3-mini', max_completion_tokens=20)\n",
    }
    found = _findings(tmp_path, files)["models/llm/llm.py"]
    assert [f.split(" ")[0] for f in found] == ["GLM101", "GLM203"], found
    assert _applicabilities(tmp_path, files, "models/llm/llm.py") == {"GLM101": "manual", "GLM203": "manual"}


def test_run_rewrites_a_model_constant_sent_by_another_module(tmp_path: Path) -> None:
    files = {
        "settings.py": 'import os\n\nCHAT_MODEL = os.getenv("CHAT_MODEL", "gpt-4o")\n',
        "bot.py": "from openai import OpenAI\nfrom settings import CHAT_MODEL\n\nclient = OpenAI()\n\n"
        "def ask(q):\n    return client.chat.completions.create(model=CHAT_MODEL, messages=[])\n",
    }
    found = _findings(tmp_path, files)
    assert [f for f in found["settings.py"] if f.startswith("GLM101")]
    assert not [f for f in found["settings.py"] if f.startswith("GLM103")]  # sent, not data


def test_run_rewrites_model_ids_passed_to_another_modules_function(tmp_path: Path) -> None:
    """`chat("gpt-4o", ...)` in one module, `def chat(model, messages)` sending it through a client
    moved to Z.AI in another: the caller's id moves with the client, by position, keyword, a
    forwarded `**kwargs` or a class's `__init__` keeping it in `self.model`; a function whose
    client stays elsewhere passes nothing on."""
    files = {
        "llm.py": "from openai import OpenAI\n\nclient = OpenAI()\nlocal = OpenAI(base_url='http://localhost:8000/v1')\n\n"
        "def chat(model, messages):\n    return client.chat.completions.create(model=model, messages=messages)\n\n"
        "def complete(**kwargs):\n    return client.chat.completions.create(**kwargs)\n\n"
        "def local_chat(model, messages):\n    return local.chat.completions.create(model=model, messages=messages)\n\n"
        "class Service:\n    def __init__(self, name, model=None):\n        self.model = model or 'gpt-4o'\n\n"
        "    def ask(self, messages):\n        return client.chat.completions.create(model=self.model, messages=messages)\n\n"
        "@dataclass\nclass Chat:\n    id: str = 'gpt-4o-mini'\n\n"
        "    def ask(self, messages):\n        return client.chat.completions.create(model=self.id, messages=messages)\n",
        "app.py": "from llm import Chat, Service, chat, complete, local_chat\n\n"
        'chat("gpt-4o", [])\nchat(messages=[], model="gpt-4o-mini")\ncomplete(model="gpt-4", messages=[])\n'
        'local_chat("gpt-4o", [])\nService("writer", "gpt-4o")\nChat(id="gpt-4.1")\n',
    }
    files["llm.py"] = "from dataclasses import dataclass\n" + files["llm.py"]
    found = _findings(tmp_path, files)
    rewritten = [f for f in found["app.py"] if f.startswith("GLM101")]
    assert len(rewritten) == 5, found["app.py"]
    assert all("by `llm." in f and "whose client moves to Z.AI" in f for f in rewritten)
    assert not any("local_chat" in f for f in rewritten)


def test_run_keeps_tokenizer_ids_passed_to_another_modules_lookup(tmp_path: Path) -> None:
    """`count(text, "gpt-4")` in one module, `encoding_for_model(model)` in another (directly, or
    through a function of that module): the id picks a tokenizer, which raises KeyError for GLM
    ids. A tokenizer note (GLM103), as within one module, not a model setting's unsafe fix."""
    files = {
        "pkg/__init__.py": "",
        "pkg/tokens.py": "import tiktoken\n\n"
        "def encoder(model):\n    return tiktoken.encoding_for_model(model)\n\n"
        "def count(text, model):\n    return len(encoder(model=model).encode(text))\n",
        "pkg/stats.py": "from .tokens import count\n\n"
        'def size(text, model=None):\n    counted_model = model or "gpt-4"\n    return count(text, counted_model)\n\n'
        'def strip(text, model="gpt-4o"):\n    return count(text, model=model)\n',
    }
    # a model class that counts its own tokens sends the id too: a model's id, not a tokenizer's
    files["pkg/chat.py"] = (
        "from openai import OpenAI\n\nfrom .tokens import count\n\nclass Chat:\n    def __init__(self, client: OpenAI, model):\n"
        "        self.client = client\n        self.model = model\n\n    def size(self, text):\n"
        "        return count(text, self.model)\n\n    def ask(self, messages):\n"
        "        return self.client.chat.completions.create(model=self.model, messages=messages)\n"
    )
    files["pkg/app.py"] = 'from .chat import Chat\n\nCHAT_MODEL = "gpt-4o"\nchat = Chat(None, CHAT_MODEL)\n'
    found = _findings(tmp_path, files)
    assert not [f for f in found["pkg/stats.py"] if f.startswith("GLM108")], found["pkg/stats.py"]
    notes = [f for f in found["pkg/stats.py"] if f.startswith("GLM103") and "picks a tiktoken tokenizer" in f]
    assert len(notes) == 2, found["pkg/stats.py"]
    assert [f for f in found["pkg/app.py"] if f.startswith("GLM108")], found["pkg/app.py"]


def test_langchain_model_kept_where_another_modules_class_counts_its_tokens(tmp_path: Path) -> None:
    """`ChatOpenAI(model=name, callbacks=[CostHandler(name)])` with `CostHandler` of another module
    handing `self.model` to `encoding_for_model` in a method: rewritten, the id would make that
    lookup raise KeyError. The class's id changes only with --unsafe-fixes, and the class waits
    for it, as an SDK client does."""
    files = {
        "app/__init__.py": "",
        "app/callbacks.py": "import tiktoken\n\nclass CostHandler:\n    def __init__(self, model_name):\n"
        "        self.model = model_name\n\n    def on_start(self, prompts):\n"
        "        encoding = tiktoken.encoding_for_model(self.model)\n"
        "        return sum(len(encoding.encode(p)) for p in prompts)\n",
        "app/flow.py": "from langchain_openai import ChatOpenAI\n\nfrom .callbacks import CostHandler\n\n"
        'def build():\n    name = "gpt-4o-mini"\n    return ChatOpenAI(model=name, callbacks=[CostHandler(name)])\n',
    }
    paths = _tree(tmp_path, files)
    report = next(r for r in run(paths, Settings(), jobs=1) if r.path.name == "flow.py")
    found = [(d.applicability.value, d.message) for d in report.diagnostics if d.fix_title is not None]
    model = [(how, message) for how, message in found if "Model id `gpt-4o-mini`" in message]
    assert len(model) == 1 and model[0][0] == "unsafe" and "encoding_for_model" in model[0][1], found
    moves = [how for how, message in found if "without `base_url=`" in message]
    assert moves == ["unsafe"], found


def test_langchain_model_imported_from_another_module_moves_with_the_class(tmp_path: Path) -> None:
    """`ChatOpenAI(model=Models.FAST)` with `Models` an enum of another module: the class moves
    to Z.AI in a safe run, so the id is rewritten where it is defined (as for an SDK call), kept
    there while a class sending it waits (`tool_choice="any"`), and a class whose id its module
    keeps (a test there, or that waiting class) waits for it."""
    files = {
        "app/__init__.py": "",
        "app/models.py": "from enum import Enum\n\nclass Models(str, Enum):\n"
        '    FAST = "gpt-4o-mini"\n    SMART = "gpt-4o"\n    TESTED = "gpt-4.1"\n\n'
        'if not Models.TESTED.startswith("gpt-"):\n    raise ValueError("an OpenAI model")\n',
        "app/agents.py": "from langchain_openai import ChatOpenAI\n\nfrom app.models import Models\n\n"
        "fast = ChatOpenAI(model=Models.FAST)\n"
        "smart = ChatOpenAI(model=Models.SMART)\n"
        'picky = ChatOpenAI(model=Models.SMART).bind_tools([], tool_choice="any")\n'
        "tested = ChatOpenAI(model=Models.TESTED)\n",
    }
    paths = _tree(tmp_path, files)
    reports = {r.path.name: r for r in run(paths, Settings(), jobs=1)}
    ids = {
        d.message.split("`")[1]: d.applicability.value
        for d in reports["models.py"].diagnostics
        if d.code == "GLM101" and d.message.startswith("Model id")
    }
    assert ids == {"gpt-4o-mini": "safe", "gpt-4o": "unsafe", "gpt-4.1": "manual"}, ids
    moves = [
        (d.span.line, d.applicability.value)
        for d in reports["agents.py"].diagnostics
        if d.code == "GLM006" and "without `base_url=`" in d.message
    ]
    # `smart` sends the id `picky` keeps on OpenAI: moved alone, it would send `gpt-4o` to Z.AI
    assert moves == [(5, "safe"), (6, "unsafe"), (7, "unsafe"), (8, "unsafe")], moves


def test_an_import_below_a_stray_package_init_resolves_to_the_module_python_finds(tmp_path: Path) -> None:
    """`src/__init__.py` makes the run know `src/app/clients.py` as `src.app.clients`, while the
    code imports `app.clients` (the project runs with `src` on `sys.path`): the import is the
    module of that name below a package the importer is in. Unresolved, the client moved safely
    while the importing module's `responses.create` call kept using it."""
    files = {
        "src/__init__.py": "",
        "src/app/__init__.py": "",
        "src/app/clients.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "src/app/use.py": "from app.clients import client\n\n"
        "def ask(q):\n    return client.responses.create(model='gpt-4o', input=q).output_text\n",
    }
    assert _applicabilities(tmp_path, files, "src/app/clients.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # a library of the same name as a module below the package is not taken for it
    files["src/app/use.py"] = "import openai\n\nfrom app.clients import client\n"
    files["src/openai.py"] = "VERSION = 1\n"
    assert _applicabilities(tmp_path, files, "src/app/clients.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_an_id_another_module_sends_is_kept_where_the_caller_tests_it(tmp_path: Path) -> None:
    """`model = "gpt-4o-mini"; ask(text, model)` then `PRICE[model]`: rewritten alone, the lookup fails."""
    files = {
        "llm.py": "from openai import OpenAI\n\nclient = OpenAI()\n\n"
        "def ask(text, model):\n    return client.chat.completions.create(model=model, messages=[text])\n",
        "bot.py": "from llm import ask\n\nPRICE = {'gpt-4o-mini': 0.15}\n\n"
        "def reply(text):\n    model = 'gpt-4o-mini'\n    answer = ask(text, model)\n    return answer, PRICE[model]\n",
    }
    found = [f for f in _findings(tmp_path, files)["bot.py"] if f.startswith("GLM101")]
    assert len(found) == 2 and all("PRICE[model]" in f for f in found), found
    assert any("replace it with `glm-4.6` and update the test" in f for f in found), found


def test_run_follows_a_factory_imported_from_another_module(tmp_path: Path) -> None:
    found = _findings(
        tmp_path,
        {
            "clients.py": "from openai import OpenAI\n\ndef get_client(**kw):\n    return OpenAI(**kw)\n",
            "jobs.py": "from clients import get_client\n\n"
            "def complete(p):\n    return get_client().completions.create(model='gpt-3.5-turbo-instruct', prompt=p)\n",
        },
    )
    assert any(f.startswith("GLM301 `completions.create`") for f in found["jobs.py"])


def test_run_leaves_calls_on_an_imported_self_hosted_client(tmp_path: Path) -> None:
    found = _findings(
        tmp_path,
        {
            "local.py": 'from openai import OpenAI\n\nclient = OpenAI(base_url="http://localhost:11434/v1", api_key="x")\n',
            "use.py": "from local import client\n\n"
            "def ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=[])\n",
        },
    )
    assert found["use.py"] == []


def test_name_rebound_after_import_counts_both(tmp_path: Path) -> None:
    found = _findings(
        tmp_path,
        {
            "shared.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
            "use.py": "from openai import OpenAI\nfrom shared import client\n\n"
            "if LOCAL:\n    client = OpenAI(base_url='http://localhost:8000/v1', api_key='x')\n\n"
            "def ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=[])\n",
        },
    )
    # either client may send it: reported, not rewritten (the local server keeps its id)
    assert [f for f in found["use.py"] if f.startswith("GLM101") and "may also go through" in f]


def test_star_import_leaves_names_unresolved(tmp_path: Path) -> None:
    found = _findings(
        tmp_path,
        {
            "shared.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
            "use.py": "from shared import *\n\ndef reply(q):\n    return client.responses.create(model='gpt-4.1', input=q)\n",
        },
    )
    # not followed: the call is recognised by its shape, the client's server stays unknown
    assert [f.split(" ")[0] for f in found["use.py"]] == ["GLM301"]
    summary = _summary("from shared import *\n")
    assert summary.imports == ()


def test_module_outside_the_run_is_summarised_when_imported(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/clients.py": "from openai import OpenAI\n\nclient = OpenAI()\n"},
    )
    agent = tmp_path / "pkg" / "agent.py"
    agent.write_text("from .clients import client\n\nclient.responses.create(model='gpt-4.1', input='hi')\n")
    (report,) = run([agent], Settings(), jobs=1)
    assert [d.code for d in report.diagnostics] == ["GLM301"]


#: implicit string concatenation nests one level per piece in LibCST: deeper than the walk goes
_TOO_DEEP_FOR_THE_WALK = "TOPICS = {'a': " + "\n".join(f"    'line {i}'" for i in range(3000)) + "}\n"


def test_a_module_too_deep_for_the_walk_summarises_to_nothing() -> None:
    assert summarize_bytes(f"import openai\n{_TOO_DEEP_FOR_THE_WALK}".encode(), tables=load_tables()) is None


def test_an_imported_module_too_deep_for_the_walk_does_not_stop_the_run(tmp_path: Path) -> None:
    # The module mentions openai, so it is not summarised from its imports alone (import_summary.py).
    (tmp_path / "topics.py").write_text(f"# openai\n{_TOO_DEEP_FOR_THE_WALK}", encoding="utf-8")
    app = tmp_path / "app.py"
    app.write_text("from openai import OpenAI\nfrom topics import TOPICS\n\nclient = OpenAI()\n", encoding="utf-8")
    (report,) = run([app], Settings(), jobs=1)
    assert report.error is None and "GLM001" in [d.code for d in report.diagnostics]


def test_a_re_export_through_a_module_with_nothing_to_migrate_is_followed(tmp_path: Path) -> None:
    # `pkg/__init__.py` has no word the pre-check looks for: summarised with `ast`, not LibCST
    _tree(
        tmp_path,
        {
            "pkg/__init__.py": "from .clients import client as shared\n",
            "pkg/clients.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        },
    )
    agent = tmp_path / "agent.py"
    agent.write_text("from pkg import shared\n\nshared.responses.create(model='gpt-4.1', input='hi')\n")
    (report,) = run([agent], Settings(), jobs=1)
    assert [d.code for d in report.diagnostics] == ["GLM301"]


def test_modules_that_share_nothing_learn_nothing(tmp_path: Path) -> None:
    paths = _tree(tmp_path, {"a.py": "from openai import OpenAI\n\nclient = OpenAI()\n", "b.py": "x = 1\n"})
    reports = [migrate_file(path, Settings()) for path in paths]
    index = project_index(reports)
    assert not index.facts_for(paths[0]) and not index.facts_for(paths[1])


def test_cli_check_fails_on_responses_call_through_imported_client(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/openai_client.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
            "app/agent.py": "from .openai_client import client\n\nclient.responses.create(model='gpt-4.1', input='q')\n",
        },
    )
    result = glm_migrate(".", "--check", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1
    assert "app/agent.py:3:1 GLM301" in result.stdout


def test_module_names_answer_as_the_dict_of_every_module_would() -> None:
    packages = {"src/app", "src/app/sub"}
    paths = [PurePath(p) for p in ("src/app/a.py", "src/app/sub/b.pyi", "src/app/__init__.py", "tools/a.py")]
    paths += [PurePath("src/app/a.py"), PurePath("nb/book.ipynb"), PurePath("setup.cfg")]  # again; not modules

    def is_package(folder: PurePath) -> bool:
        return str(folder) in packages

    names = ModuleNames(paths, is_package)
    expected = {path: module_name(path, is_package) for path in paths if path.suffix in (".py", ".pyi")}
    assert dict(names) == expected
    assert len(names) == len(expected) == 4
    assert names.named("a") == (PurePath("tools/a.py"),)
    assert names.named("app.sub.b") == (PurePath("src/app/sub/b.pyi"),)
    assert ModuleNames(map(str, paths), is_package).named("a") == names.named("a"), "texts are paths too"
    assert names.get(PurePath("nb/book.ipynb")) is None
    assert names.get(PurePath("src/app/other.py")) is None, "a module the run does not cover"
    assert PurePath("src/app/sub/b.pyi") in names


def test_a_folder_whose_name_no_import_can_spell_is_no_package() -> None:
    """A project folder `Flask-Ask-Open-Api/` holding a stray `__init__.py`, run from the folder
    above it (nirrosenthal/Flask-Ask-Open-Api): its modules are imported from it (`import
    src.openai_api.client` in its tests), not as a package no import can spell."""
    paths = [PurePath(p) for p in ("my-app/src/api/client.py", "my-app/tests/test_client.py", "app/sub/b.py")]

    def is_package(folder: PurePath) -> bool:
        return True

    names = ModuleNames(paths, is_package)
    assert names[PurePath("my-app/src/api/client.py")] == ("src.api.client", PurePath("my-app"))
    assert names.named("src.api.client") == (PurePath("my-app/src/api/client.py"),)
    assert module_name(PurePath("app/sub/b.py"), is_package) == ("app.sub.b", PurePath("."))


def test_a_library_many_modules_import_is_looked_for_once_per_import_root() -> None:
    looked_for: list[tuple[str, PurePath]] = []

    def locate(name: str, root: PurePath) -> list[PurePath]:
        looked_for.append((name, root))
        return []

    summaries = {PurePath(f"m{n}.py"): _summary("from openai import OpenAI\nimport os\n") for n in range(50)}
    index = ProjectIndex(ModuleNames(summaries, lambda folder: False), dict(summaries), locate=locate)
    for path in summaries:
        assert index.facts_for(path).clients == {}
    # `openai.OpenAI` may be a module too: each name is looked for once, not once per importer
    assert sorted(looked_for) == [(name, PurePath(".")) for name in ("openai", "openai.OpenAI", "os")]


def test_imports_through_a_namespace_package_are_resolved(tmp_path: Path) -> None:
    """`src/pkg` without `__init__.py` (PEP 420): `from pkg.tools.common import make_client` is
    the module `tools.common` whose root is `pkg`."""
    files = {
        "src/pkg/tools/__init__.py": "",
        "src/pkg/tools/common.py": "from openai import OpenAI\n\ndef make_client():\n    return OpenAI()\n",
        "src/pkg/tools/legacy.py": "from pkg.tools.common import make_client\n\n"
        "def complete(p):\n    return make_client().completions.create(model='gpt-3.5-turbo-instruct', prompt=p)\n",
    }
    found = _findings(tmp_path, files)
    assert any(f.startswith("GLM301 `completions.create`") for f in found["src/pkg/tools/legacy.py"])
    assert all("cannot follow it" in f for f in found["src/pkg/tools/common.py"] if f.startswith("GLM00"))


def test_calls_through_a_client_that_waits_where_it_is_built_wait_too(tmp_path: Path) -> None:
    """`clients.py` keeps its client on OpenAI in a safe run (a module calls `responses.create`
    through it): a third module's chat call through the same client keeps its OpenAI id too,
    which would otherwise reach OpenAI as `glm-4.6`."""
    files = {
        "clients.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "chat.py": "from clients import client\n\n"
        "def ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=q)\n",
        "respond.py": "from clients import client\n\n"
        "def answer(q):\n    return client.responses.create(model='gpt-4.1', input=q)\n",
    }
    assert _applicabilities(tmp_path, files, "chat.py") == {"GLM101": "unsafe"}
    del files["respond.py"]
    assert _applicabilities(tmp_path, files, "chat.py") == {"GLM101": "safe"}


def _fixes(root: Path, files: Mapping[str, str], path: str) -> dict[str, tuple[str, str]]:
    """Code -> (applicability, message) of the findings with a fix in `path`."""
    paths = _tree(root, files)
    report = next(r for r in run(paths, Settings(), jobs=1) if r.path.relative_to(root).as_posix() == path)
    return {d.code: (d.applicability.value, d.message) for d in report.diagnostics if d.fix_title is not None}


_BOT = (
    "from openai import OpenAI\n\nfrom keys import api_key\n\nclient = OpenAI(api_key=api_key)\n\n"
    "def ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=q)\n"
)


def test_a_key_another_module_reads_from_openais_variable_is_replaced_where_the_client_moves(tmp_path: Path) -> None:
    """`keys.py` reads OPENAI_API_KEY into `api_key`, `bot.py` builds its client with it: the
    client moves with `ZAI_API_KEY` of its own, and `keys.py` keeps its setting (renamed only
    unsafely: it cannot see who reads it)."""
    for lookup in ('os.environ["OPENAI_API_KEY"]', 'os.getenv("OPENAI_API_KEY")'):
        files = {"keys.py": f"import os\n\napi_key = {lookup}\n", "bot.py": _BOT}
        fixes = _fixes(tmp_path, files, "bot.py")
        assert fixes["GLM001"][0] == "safe" and "the setting `keys` reads from `OPENAI_API_KEY`" in fixes["GLM001"][1]
        assert fixes["GLM002"][0] == fixes["GLM101"][0] == "safe"
        assert _fixes(tmp_path, files, "keys.py")["GLM009"][0] == "unsafe"
    # through the module, `import keys` ... `keys.api_key`
    files["bot.py"] = _BOT.replace("from keys import api_key", "import keys").replace("=api_key", "=keys.api_key")
    assert _fixes(tmp_path, files, "bot.py")["GLM001"][0] == "safe"
    # a key named as OpenAI's elsewhere (`config["openai"]`): replaced only with --unsafe-fixes, as here
    files["keys.py"] = 'import json\n\napi_key = json.load(open("config.json"))["openai"]\n'
    fixes = _fixes(tmp_path, files, "bot.py")
    assert fixes["GLM001"] == (
        "unsafe",
        "API key `keys.api_key` is OpenAI's key (`OPENAI_API_KEY`): moved to Z.AI, the client would send it there",
    )
    assert fixes["GLM002"][0] == "unsafe"


def test_a_key_imported_from_a_module_the_run_cannot_read_holds_the_client(tmp_path: Path) -> None:
    """Without `keys.py` the name `api_key` says nothing: the client sent it to OpenAI until now,
    so it moves only with the key replaced; a key that module reads from elsewhere moves."""
    fixes = _fixes(tmp_path / "unseen", {"bot.py": _BOT}, "bot.py")
    assert fixes["GLM001"][0] == "unsafe" and "which this run does not read" in fixes["GLM001"][1]
    assert fixes["GLM002"][0] == fixes["GLM101"][0] == "unsafe"
    files = {"keys.py": 'import os\n\napi_key = os.environ["ZAI_API_KEY"]\n', "bot.py": _BOT}
    seen = _fixes(tmp_path / "seen", files, "bot.py")
    assert set(seen) == {"GLM002", "GLM101"} and seen["GLM002"][0] == seen["GLM101"][0] == "safe"
    # an attribute of an object another module of the run holds (`settings.api_key`): as a
    # settings object's key here, a warning
    files = {
        "config.py": "class Settings:\n    api_key = ''\n\nsettings = Settings()\n",
        "bot.py": _BOT.replace("from keys import api_key", "from config import settings").replace(
            "=api_key", "=settings.api_key"
        ),
    }
    assert _applicabilities(tmp_path / "object", files, "bot.py")["GLM002"] == "safe"
    # the module missing from a package the run has (`llm/__init__.py`, no `llm/secret.py`: left
    # out of the repository), imported under an alias or from: not an object of the package's
    # (SHBnik/CrowdNav_Prediction_AttnGraph)
    for n, line in enumerate(("import llm.secret as secret", "from llm import secret", "from llm.secret import key")):
        bot = _BOT.replace("from keys import api_key", line).replace(
            "=api_key", "=key" if "secret import" in line else "=secret.key"
        )
        fixes = _fixes(tmp_path / f"package{n}", {"llm/__init__.py": "", "llm/bot.py": bot}, "llm/bot.py")
        expected = "safe" if line == "from llm import secret" else "unsafe"  # that one may be an object
        assert fixes["GLM002"][0] == expected, (line, fixes)
        if expected == "unsafe":
            assert "imported from `llm.secret`, which this run does not read" in fixes["GLM001"][1], fixes
    # a name the package's `__init__.py` binds is its own (`from .conf import secret`)
    files = {"llm/__init__.py": "from .conf import secret\n", "llm/conf.py": "secret = object()\n"}
    files["llm/bot.py"] = _BOT.replace("from keys import api_key", "from llm import secret").replace(
        "=api_key", "=secret.key"
    )
    assert _fixes(tmp_path / "bound", files, "llm/bot.py")["GLM002"][0] == "safe"


def test_a_key_field_a_settings_class_of_another_module_reads_from_openais_variable(tmp_path: Path) -> None:
    """`config.py`'s pydantic-settings object reads its `api_key` from OPENAI_API_KEY through
    `env_prefix="openai_"` (or an alias): the client of `bot.py` moves only with `ZAI_API_KEY`
    of its own, never with that key; a field read from another variable is a warning, as before."""
    bot = _BOT.replace("from keys import api_key", "from config import settings").replace(
        "=api_key", "=settings.api_key"
    )
    settings = (
        "from pydantic import Field\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\n"
        "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix={prefix!r})\n\n"
        "    api_key: str = {default}\n\nsettings = Settings()\n"
    )
    for n, (prefix, default) in enumerate([("openai_", "''"), ("APP_", "Field('', alias='OPENAI_API_KEY')")]):
        files = {"config.py": settings.format(prefix=prefix, default=default), "bot.py": bot}
        fixes = _fixes(tmp_path / str(n), files, "bot.py")
        assert fixes["GLM001"] == (
            "safe",
            "API key `settings.api_key` is the setting `config.settings` reads from `OPENAI_API_KEY`: the client, "
            "moved to Z.AI, reads `ZAI_API_KEY` itself",
        )
    files = {"config.py": settings.format(prefix="APP_", default="''"), "bot.py": bot}
    assert "GLM001" not in _fixes(tmp_path / "own", files, "bot.py")


def test_a_key_setting_another_module_passes_to_a_waiting_client_is_not_renamed(tmp_path: Path) -> None:
    """`keys.py`'s own client would let GLM009 rename `api_key` safely; `bot.py`'s client reading
    it waits (a Responses call), so the setting keeps OpenAI's key and `keys.py`'s client gets
    `ZAI_API_KEY` of its own."""
    files = {
        "keys.py": "import os\n\nfrom openai import OpenAI\n\napi_key = os.environ['OPENAI_API_KEY']\n"
        "helper = OpenAI(api_key=api_key)\n\n"
        "def short(q):\n    return helper.chat.completions.create(model='gpt-4o-mini', messages=q)\n",
        "bot.py": _BOT.replace(
            "chat.completions.create(model='gpt-4o', messages=q)", "responses.create(model='gpt-4o', input=q)"
        ),
    }
    fixes = _fixes(tmp_path, files, "keys.py")
    assert fixes["GLM009"][0] == "unsafe"
    assert fixes["GLM001"] == (
        "safe",
        "API key `api_key` is the `OPENAI_API_KEY` setting, which `bot` imports as a client's key too: the client, "
        "moved to Z.AI, reads `ZAI_API_KEY` itself",
    )
    assert _applicabilities(tmp_path, files, "bot.py") == {"GLM001": "unsafe", "GLM002": "unsafe", "GLM301": "manual"}


def test_a_langchain_class_with_a_key_imported_from_openais_variable_waits_for_it(tmp_path: Path) -> None:
    files = {
        "keys.py": 'import os\n\napi_key = os.environ["OPENAI_API_KEY"]\n',
        "bot.py": "from langchain_openai import ChatOpenAI\n\nfrom keys import api_key\n\n"
        "llm = ChatOpenAI(api_key=api_key, model='gpt-4o')\n",
    }
    assert set(_applicabilities(tmp_path, files, "bot.py").values()) == {"unsafe"}


def test_a_key_another_modules_function_returns_from_openais_variable_is_replaced_where_the_client_moves(
    tmp_path: Path,
) -> None:
    """`config.py`'s `get_api_key()` checks and returns OPENAI_API_KEY, `bot.py` builds its
    client with it: as for a variable, the client moves with `ZAI_API_KEY` of its own and the
    function keeps its read (renamed only unsafely there: it cannot see who calls it)."""
    getter = (
        'import os\n\ndef get_api_key():\n    key = os.getenv("OPENAI_API_KEY")\n    if not key:\n'
        '        raise ValueError("Set OPENAI_API_KEY")\n    return key\n'
    )
    bot = _BOT.replace("from keys import api_key", "from config import get_api_key").replace(
        "=api_key", "=get_api_key()"
    )
    files = {"config.py": getter, "bot.py": bot}
    fixes = _fixes(tmp_path / "pure", files, "bot.py")
    assert fixes["GLM001"] == (
        "safe",
        "API key `get_api_key()` is what `config`'s `get_api_key` returns, read from `OPENAI_API_KEY`: the client, "
        "moved to Z.AI, reads `ZAI_API_KEY` itself",
    )
    assert fixes["GLM002"][0] == fixes["GLM101"][0] == "safe"
    assert _fixes(tmp_path / "pure", files, "config.py")["GLM009"][0] == "unsafe"
    # ... also kept in a name first (`key = get_api_key()` ... `OpenAI(api_key=key)`)
    files["bot.py"] = bot.replace(
        "client = OpenAI(api_key=get_api_key())", "key = get_api_key()\nclient = OpenAI(api_key=key)"
    )
    assert _fixes(tmp_path / "local", files, "bot.py")["GLM001"][0] == "safe"
    files["bot.py"] = bot
    # a function that also loads a `.env` file: replaced, its call would no longer load it
    files["config.py"] = getter.replace("import os\n", "import os\n\nfrom dotenv import load_dotenv\n").replace(
        "    key = ", "    load_dotenv()\n    key = "
    )
    fixes = _fixes(tmp_path / "loads", files, "bot.py")
    assert fixes["GLM001"][0] == fixes["GLM002"][0] == fixes["GLM101"][0] == "unsafe"
    assert "does more than read it (other calls there, or other values on some paths)" in fixes["GLM001"][1]
    # ... as would one returning another value on some path
    files["config.py"] = getter.replace("    if not key:", "    if not key:\n        return load()\n    if key == 'x':")
    assert _applicabilities(tmp_path / "other", files, "bot.py")["GLM002"] == "unsafe"
    # one returning no OpenAI key is no key setting: advice, as before
    files["config.py"] = "def get_api_key():\n    return load()\n"
    assert _applicabilities(tmp_path / "none", files, "bot.py")["GLM002"] == "safe"


def test_a_guard_of_an_imported_key_before_the_client_given_zais_is_reported(tmp_path: Path) -> None:
    """kparekh77/Agentic_RAG: `if not OPENAI_API_KEY: raise ...` right before `OpenAI(api_key=
    OPENAI_API_KEY)`, the key imported from `config.py`: the client reads `ZAI_API_KEY` once
    moved, and the guard, left as it is, stops a run that has only Z.AI's key."""
    files = {
        "config.py": 'import os\n\nOPENAI_API_KEY = os.getenv("OPENAI_API_KEY")\n',
        "client.py": "from openai import OpenAI\n\nfrom config import OPENAI_API_KEY\n\n"
        "def make():\n    if not OPENAI_API_KEY:\n        raise RuntimeError('Missing key')\n"
        "    return OpenAI(api_key=OPENAI_API_KEY)\n",
    }
    found = _findings(tmp_path, files)["client.py"]
    assert any(f.startswith("GLM001 `OPENAI_API_KEY` is tested here to stop where it is unset") for f in found), found


def test_summary_lists_key_settings_and_the_imported_keys_passed_to_clients() -> None:
    summary = _summary(
        "import os\nimport keys\nfrom openai import OpenAI\nfrom .secrets import token\n"
        "api_key = os.environ['OPENAI_API_KEY']\nOPENAI_KEY = load()\nother_key = os.environ['ZAI_API_KEY']\n"
        "a = OpenAI(api_key=token)\nb = OpenAI(api_key=keys.api_key)\n"
    )
    assert summary.key_settings == {"api_key": ("OPENAI_API_KEY", "env"), "OPENAI_KEY": ("OPENAI_KEY", "named")}
    assert summary.keys == (".secrets.token", "keys.api_key")
    # functions returning OpenAI's key on every path, and the imported ones called for a key
    summary = _summary(
        "import os\nfrom openai import OpenAI\nfrom config import load_key\n"
        "def get_key():\n    return os.environ['OPENAI_API_KEY']\n"
        "def read_key():\n    setup()\n    key = os.getenv('OPENAI_API_KEY')\n    return key\n"
        "def any_key():\n    if x:\n        return os.environ['OPENAI_API_KEY']\n"
        "a = OpenAI(api_key=load_key())\n"
    )
    assert summary.key_settings == {
        "get_key": ("OPENAI_API_KEY", "env"),
        "read_key": ("OPENAI_API_KEY", "named"),
        "any_key": ("OPENAI_API_KEY", "named"),
    }
    assert summary.keys == ("config.load_key",)


def test_ids_sent_through_a_client_that_waits_where_it_is_built_wait_too(tmp_path: Path) -> None:
    """`chat("gpt-4o")` calling `def chat(model)` in a module whose client stays on OpenAI in a
    safe run (it also calls `responses.create`), and `CHAT_MODEL` sent by such a module: rewritten
    by a safe fix, either id would reach OpenAI as `glm-4.6` (openai/simple-evals: the samplers'
    clients wait for a vision default, `simple_evals.py` passed them GLM ids)."""
    llm = (
        "from openai import OpenAI\n\nfrom settings import CHAT_MODEL\n\nclient = OpenAI()\n\n"
        "def chat(model, messages):\n    return client.chat.completions.create(model=model, messages=messages)\n\n"
        "def ask(q):\n    return client.chat.completions.create(model=CHAT_MODEL, messages=q)\n\n"
        "class Sampler:\n    def __init__(self, model):\n        self.model = model\n\n"
        "    def __call__(self, messages):\n"
        "        return client.chat.completions.create(model=self.model, messages=messages)\n\n"
        "def answer(q):\n    return client.responses.create(model='gpt-4.1', input=q).output_text\n"
    )
    files = {
        "llm.py": llm,
        "app.py": "from llm import Sampler, chat\n\nchat('gpt-4o', [])\nSampler(model='gpt-4o-mini')\n",
        "settings.py": "CHAT_MODEL = 'gpt-4o'\n",
    }
    assert _applicabilities(tmp_path, files, "app.py") == {"GLM101": "unsafe"}
    assert _applicabilities(tmp_path, files, "settings.py") == {"GLM101": "unsafe"}
    found = _findings(tmp_path, files)["app.py"]
    assert all("the client sending it waits where it is built" in f for f in found), found
    # without the call Z.AI lacks, the client moves in a safe run and the ids with it
    files["llm.py"] = llm[: llm.index("def answer")]
    assert _applicabilities(tmp_path, files, "app.py") == {"GLM101": "safe"}
    assert _applicabilities(tmp_path, files, "settings.py") == {"GLM101": "safe"}


def test_id_sent_from_another_module_keeps_the_tests_of_its_own_module(tmp_path: Path) -> None:
    # seen in hnishi/simple-ai-slack-bot (configuration.py tests MODEL_NAME.startswith("gpt-4") and
    # raises for other ids; simple_qa.py sends it): a GLM default would make the import raise
    files = {
        "settings.py": 'import os\nMODEL_NAME = os.getenv("MODEL_NAME", "gpt-4o")\n'
        'if not MODEL_NAME.startswith("gpt-"):\n    raise NotImplementedError(MODEL_NAME)\n',
        "bot.py": "import openai\nfrom settings import MODEL_NAME\n"
        "def ask(m):\n    return openai.chat.completions.create(model=MODEL_NAME, messages=m)\n",
    }
    paths = _tree(tmp_path, files)
    reports = {r.path.relative_to(tmp_path).as_posix(): r for r in run(paths, Settings(), jobs=1)}
    fixes = [d for d in reports["settings.py"].diagnostics if d.code == "GLM101" and d.edit is not None]
    assert not [d for d in fixes if d.applicability.value == "safe"]
    # ... and the client sending it waits: moved, it would send `gpt-4o` to Z.AI
    sender = {d.code: d for d in reports["bot.py"].diagnostics}
    assert sender["GLM002"].applicability.value == "unsafe"
    assert "`MODEL_NAME` keeps `gpt-4o` where it is defined" in sender["GLM002"].message


def test_a_key_an_importing_module_sets_is_the_programs_for_the_imported_clients(tmp_path: Path) -> None:
    """`os.environ["OPENAI_API_KEY"] = st.text_input(...)` in a Streamlit page that imports the
    module building the client (sulaiman-shamasna/streamlit-chatbot-openai): the client reads
    the key the page stores, so it moves by hand with it, not to `ZAI_API_KEY`, which the page
    never fills."""
    files = {
        "chain.py": "from openai import OpenAI\n\n"
        "def answer(q):\n    client = OpenAI()\n"
        "    return client.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': q}])\n",
        "page.py": "import os\n\nimport streamlit as st\n\nfrom chain import answer\n\n"
        "os.environ['OPENAI_API_KEY'] = st.sidebar.text_input('Key', type='password')\n"
        "st.write(answer(st.chat_input()))\n",
    }
    found = _findings(tmp_path, files)
    messages = found["chain.py"]
    assert any(m.startswith("GLM001 ") and "`page` (importing this module) sets itself" in m for m in messages)
    assert _applicabilities(tmp_path, files, "chain.py") == {"GLM001": "manual", "GLM002": "manual", "GLM101": "manual"}
    # without the page, the client moves as usual
    del files["page.py"]
    (tmp_path / "page.py").unlink()
    assert _applicabilities(tmp_path, files, "chain.py") == {"GLM001": "safe", "GLM002": "safe", "GLM101": "safe"}


def test_a_key_the_program_sets_reaches_the_modules_its_imports_import(tmp_path: Path) -> None:
    """A script inside a package (`app/main.py`, run from `app/`) stores the user's key in
    `OPENAI_API_KEY` and imports `translator`, whose `pdf.py` imports `translator.chain` (by the
    name the script's folder gives it) where the client is built: the key is the program's there
    too, two imports away, so the client moves by hand with it. Before, only a module the setter
    imports itself was told, and the absolute import from inside the package was not resolved."""
    files = {
        "app/__init__.py": "",
        "app/main.py": "import os\n\nos.environ['OPENAI_API_KEY'] = input('Key: ')\n\n"
        "from translator import PDF\n\nPDF().run('hi')\n",
        "app/translator/__init__.py": "from .pdf import PDF\n",
        "app/translator/pdf.py": "from translator.chain import ask\n\n"
        "class PDF:\n    def run(self, text):\n        return ask(text)\n",
        "app/translator/chain.py": "from openai import OpenAI\n\n"
        "def ask(q):\n    client = OpenAI()\n"
        "    return client.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': q}])\n",
    }
    messages = _findings(tmp_path, files)["app/translator/chain.py"]
    assert any(m.startswith("GLM001 ") and "`app.main` (importing this module) sets itself" in m for m in messages)
    assert _applicabilities(tmp_path, files, "app/translator/chain.py") == {
        "GLM001": "manual",
        "GLM002": "manual",
        "GLM101": "manual",
    }


def test_a_key_another_module_passes_to_a_class_here_is_openais(tmp_path: Path) -> None:
    """`GptClient(api_key=Config.OPENAI_API_KEY)` in `main.py`, `self.client = OpenAI(api_key=
    self.api_key)` in `gpt.py` (gs1068/fast-api-slack-gpt-bot): moved alone, the client would send
    OpenAI's key to Z.AI, so it moves only with that key replaced."""
    files = {
        "gpt.py": "from openai import OpenAI\n\n\nclass GptClient:\n"
        "    def __init__(self, api_key):\n        self.api_key = api_key\n"
        "        self.client = OpenAI(api_key=self.api_key)\n\n"
        "    def ask(self, q):\n"
        "        return self.client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n",
        "config.py": "import os\n\n\nclass Config:\n    OPENAI_API_KEY = os.getenv('OPENAI_API_KEY')\n",
        "main.py": "from config import Config\nfrom gpt import GptClient\n\nbot = GptClient(api_key=Config.OPENAI_API_KEY)\n",
    }
    assert _applicabilities(tmp_path, files, "gpt.py") == {"GLM001": "unsafe", "GLM002": "unsafe", "GLM101": "unsafe"}
    # by position too; a key named for another service leaves it a key to check by hand
    files["main.py"] = (
        "from config import Config\nfrom gpt import GptClient\n\nbot = GptClient(Config.OPENAI_API_KEY)\n"
    )
    assert _applicabilities(tmp_path, files, "gpt.py")["GLM002"] == "unsafe"
    # a method handing its own instance to an imported function: `self` is no argument of its own
    source = "from hooks import register\n\nclass App:\n    def start(self):\n        register(self)\n\nApp().start()\n"
    assert _summary(source).key_args == ()
    files["main.py"] = "import os\nfrom gpt import GptClient\n\nbot = GptClient(os.environ['LLM_KEY'])\n"
    assert _applicabilities(tmp_path, files, "gpt.py") == {"GLM001": "manual", "GLM002": "safe", "GLM101": "safe"}


# -- tests that set OpenAI's variables for the code they run ------------------------------------

_APP = "import os\nfrom openai import OpenAI\n\ndef make():\n    return OpenAI(api_key=os.environ['OPENAI_API_KEY'])\n"
_TEST = (
    "import pytest\nfrom app import make\n\n"
    "def test_make(monkeypatch):\n    monkeypatch.setenv('OPENAI_API_KEY', 'sk-test')\n    assert make()\n"
)


def _test_fix(root: Path, files: Mapping[str, str]) -> str:
    """The applicability of GLM009's fix in tests/test_app.py."""
    applicability, _ = _fixes(root, files, "tests/test_app.py")["GLM009"]
    return applicability


def test_a_test_sets_zai_variable_by_a_safe_fix_where_the_run_moves_every_reader(tmp_path: Path) -> None:
    assert _test_fix(tmp_path, {"app.py": _APP, "tests/test_app.py": _TEST}) == "safe"


def test_a_test_keeps_the_unsafe_fix_where_a_reader_stays(tmp_path: Path) -> None:
    """A local server's client built without `api_key=` reads OPENAI_API_KEY itself."""
    local = "from openai import OpenAI\nlocal = OpenAI(base_url='http://localhost:8000/v1')\n"
    files = {"app.py": _APP, "local.py": local, "tests/test_app.py": _TEST}
    assert _test_fix(tmp_path, files) == "unsafe"


def test_a_test_keeps_the_unsafe_fix_where_a_module_names_the_variable_unchanged(tmp_path: Path) -> None:
    """`env_var="OPENAI_API_KEY"`, read by a configuration system: no fix renames it."""
    settings = "KEYS = {'openai': {'env_var': 'OPENAI_API_KEY'}}\n"
    files = {"app.py": _APP, "settings.py": settings, "tests/test_app.py": _TEST}
    assert _test_fix(tmp_path, files) == "unsafe"


def test_a_test_alone_keeps_the_unsafe_fix(tmp_path: Path) -> None:
    assert _test_fix(tmp_path, {"tests/test_app.py": _TEST}) == "unsafe"


_SENDER = (
    "from openai import OpenAI\n\nclient = OpenAI(api_key='x' * 40, base_url='https://api.openai.com/v1')\n\n"
    "def ask(q):\n    return client.chat.completions.create(model='gpt-4o-mini', messages=q)\n"
)
_EXPECTS = (
    "from unittest.mock import MagicMock\nimport app\n\n"
    "def test_model():\n    app.client = MagicMock()\n    app.ask([])\n"
    "    assert app.client.chat.completions.create.call_args.kwargs['model'] == 'gpt-4o-mini'\n"
)


def test_a_test_expects_the_id_the_run_moves_the_code_to(tmp_path: Path) -> None:
    """Every fix of the run about `gpt-4o-mini` makes it `glm-4.6`: the mocked call's
    expectation follows by a safe fix."""
    applicability, message = _fixes(tmp_path, {"app.py": _SENDER, "tests/test_app.py": _EXPECTS}, "tests/test_app.py")[
        "GLM103"
    ]
    assert applicability == "safe" and "`glm-4.6`" in message


def test_a_test_expectation_stays_where_the_id_is_also_kept_elsewhere(tmp_path: Path) -> None:
    """`PRICES["gpt-4o-mini"]` keeps the id in another module: which one the test mirrors is not known."""
    prices = "PRICES = {'gpt-4o-mini': 0.15}\n\ndef ask_local(client, q):\n    return client.chat.completions.create(model='gpt-4o-mini', messages=q)\n"
    files = {"app.py": _SENDER + prices, "tests/test_app.py": _EXPECTS}
    assert "GLM103" not in _fixes(tmp_path, files, "tests/test_app.py")


def test_a_tests_key_placeholder_is_no_program_key_for_the_modules_it_imports(tmp_path: Path) -> None:
    """`os.environ["OPENAI_API_KEY"] = "sk-test"` in a test importing the app sets a placeholder
    for the code it runs (GLM009 renames it), not a key of the program's: the app still moves."""
    files = {
        "app.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "tests/test_app.py": "import os\nimport pytest\n\nos.environ['OPENAI_API_KEY'] = 'sk-test'\n\nimport app\n",
    }
    applicability, _ = _fixes(tmp_path, files, "app.py")["GLM001"]
    assert applicability == "safe"


def test_a_client_name_holding_openai_or_azure_waits_with_the_azure_client(tmp_path: Path) -> None:
    """`LLM` is OpenAI's client when its key is set and an Azure one otherwise, and another
    module calls through it: the Azure client's move is an unsafe fix, so the ids sent through
    `LLM` wait, and so does the OpenAI client (OpenBMB/AgentVerse: `DEFAULT_CLIENT`, imported by
    its evaluation scripts, moved to Z.AI by a safe fix while they kept sending `gpt-4`)."""
    files = {
        "pkg/__init__.py": "",
        "pkg/llm.py": "import os\n\nfrom openai import AzureOpenAI, OpenAI\n\n"
        "if os.environ.get('OPENAI_API_KEY'):\n    LLM = OpenAI()\n"
        "else:\n    LLM = AzureOpenAI(api_key=os.environ['AZURE_KEY'], api_version='2024-10-21', "
        "azure_endpoint='https://example.openai.azure.com')\n",
        "scripts/judge.py": "from pkg.llm import LLM\n\n"
        "def judge(q):\n    return LLM.chat.completions.create(model='gpt-4', messages=[])\n",
    }
    held = _applicabilities(tmp_path, files, "pkg/llm.py")
    assert held == {"GLM001": "unsafe", "GLM002": "unsafe", "GLM008": "unsafe", "GLM009": "unsafe"}
    assert _applicabilities(tmp_path, files, "scripts/judge.py") == {"GLM101": "unsafe"}


def test_agents_of_other_modules_run_on_the_default_client_moved_to_zai(tmp_path: Path) -> None:
    """The Agents SDK's default client is the whole process's: set up in one module and moved to
    Z.AI, it serves the agents another module builds, whose ids move with it (a safe run used to
    leave `gpt-4o-mini` there, reported as sent to OpenAI, while the client went to Z.AI). While
    that client waits, they stay OpenAI's."""
    setup = (
        "from agents import set_default_openai_client\nfrom openai import AsyncOpenAI\n"
        "client = AsyncOpenAI()\nset_default_openai_client(client)\n"
    )
    writer = "from agents import Agent\nwriter = Agent(name='w', instructions='Write.', model='gpt-4o-mini')\n"
    main = "from app import setup_llm\nfrom app.writer import writer\n"
    files = {"app/__init__.py": "", "app/setup_llm.py": setup, "app/writer.py": writer, "app/main.py": main}
    found = _findings(tmp_path / "moves", files)
    assert found["app/writer.py"] == [
        "GLM010 Model id `gpt-4o-mini` on `Agent` of the Agents SDK; OpenAI shuts it down on 2027-01-14"
    ]
    # ... by a safe fix
    paths = _tree(tmp_path / "safe", files)
    reports = {r.path.name: r for r in run(paths, Settings(), jobs=1)}
    assert [d.applicability for d in reports["writer.py"].diagnostics] == [Applicability.SAFE]
    # a default client that waits (its speech call has no Z.AI route) keeps them on OpenAI
    waiting = (
        setup
        + "async def say(t):\n    return await client.audio.speech.create(model='tts-1', voice='alloy', input=t)\n"
    )
    found = _findings(tmp_path / "waits", {**files, "app/setup_llm.py": waiting})
    assert [f.split(" ")[0] for f in found["app/writer.py"]] == ["GLM108"]


def test_agents_of_scripts_no_import_ties_to_the_default_clients_module_keep_their_ids(tmp_path: Path) -> None:
    """The default client is one per process, and scripts side by side that import neither
    each other nor anything importing both (a course's lessons, each run on its own) do not
    share it: the agents of one keep their OpenAI ids (reported for a person), and the client
    the other sets up waits for them, or a run would move it while they might run on it
    (Amraha-Anwar/OpenAI_Docs: 72 agents' ids rewritten with --unsafe-fixes, only because one
    lesson sets a default client)."""
    setup = (
        "from agents import Agent, set_default_openai_client\nfrom openai import AsyncOpenAI\n"
        "client = AsyncOpenAI()\nset_default_openai_client(client)\n"
        "helper = Agent(name='h', instructions='Help.', model='gpt-4o-mini')\n"
    )
    lesson = "from agents import Agent\nwriter = Agent(name='w', instructions='Write.', model='gpt-4o-mini')\n"
    files = {"lessons/set_client.py": setup, "lessons/writer.py": lesson}
    fixes = _fixes(tmp_path, files, "lessons/set_client.py")
    assert fixes["GLM002"][0] == fixes["GLM010"][0] == "unsafe"
    assert "`Agent(model='gpt-4o-mini')` in `writer` if both modules run in one process" in fixes["GLM002"][1]
    assert set(_applicabilities(tmp_path, files, "lessons/writer.py").values()) == {"manual"}
    # the same with --unsafe-fixes: the lesson's agent stays on OpenAI's default client
    paths = _tree(tmp_path / "unsafe", files)
    reports = {r.path.name: r for r in run(paths, Settings(unsafe_fixes=True), jobs=1)}
    assert [d.applicability for d in reports["writer.py"].diagnostics] == [Applicability.MANUAL]
    assert "sends it to OpenAI" in reports["writer.py"].diagnostics[0].message


def test_a_transcription_id_another_module_sends_moves_only_unsafely_and_its_client_waits(tmp_path: Path) -> None:
    """`settings.py` holds `whisper-1`, which `listen.py` sends to transcriptions: the id moves
    only with --unsafe-fixes (GLM's speech model hears differently), and the client sending it
    waits for it, or a safe run would send `whisper-1` to Z.AI (rob-luke/conversations)."""
    files = {
        "settings.py": 'SPEECH_MODEL = "whisper-1"\n',
        "listen.py": (
            "from openai import OpenAI\n\nfrom settings import SPEECH_MODEL\n\nclient = OpenAI()\n\n\n"
            "def hear(f):\n    return client.audio.transcriptions.create(model=SPEECH_MODEL, file=f)\n"
        ),
    }
    assert _fixes(tmp_path, files, "settings.py")["GLM101"][0] == "unsafe"
    fixes = _fixes(tmp_path, files, "listen.py")
    assert fixes["GLM001"][0] == fixes["GLM002"][0] == "unsafe"
    assert "`SPEECH_MODEL` becomes `glm-asr` only with --unsafe-fixes" in fixes["GLM002"][1]


def test_a_tests_expectation_of_an_imported_setting_follows_the_setting(tmp_path: Path) -> None:
    """`assert settings.TEXT_MODEL == "gpt-4o-mini"` in a test: the setting moves to `glm-4.6`
    in the module that defines it, so the expectation moves with it (a safe fix); the test of a
    transcription setting, kept in a safe run, stays a warning (rob-luke/conversations)."""
    files = {
        "app/__init__.py": "",
        "app/settings.py": 'TEXT_MODEL = "gpt-4o-mini"\nSPEECH_MODEL = "whisper-1"\n',
        "app/chat.py": (
            "from openai import OpenAI\n\nfrom app import settings\n\nclient = OpenAI()\n\n\n"
            "def ask(q):\n    return client.chat.completions.create(model=settings.TEXT_MODEL, messages=q)\n\n\n"
            "def hear(f):\n    return client.audio.transcriptions.create(model=settings.SPEECH_MODEL, file=f)\n"
        ),
        "tests/test_settings.py": (
            "import unittest\n\nfrom app import settings\n\n\n"
            "def test_text_model():\n"
            '    assert settings.TEXT_MODEL == "gpt-4o-mini"\n\n\n'
            "class SpeechTest(unittest.TestCase):\n"
            "    def test_speech_model(self):\n"
            '        self.assertEqual(settings.SPEECH_MODEL, "whisper-1")\n'
        ),
    }
    found = _findings(tmp_path, files)["tests/test_settings.py"]
    assert any("expects `settings.SPEECH_MODEL` to hold" in f for f in found)
    # the chat and the transcription share one client, which waits for `whisper-1`: nothing moves
    assert not any("GLM103" in code for code in _fixes(tmp_path, files, "tests/test_settings.py"))
    files["app/chat.py"] = files["app/chat.py"].split("\n\n\ndef hear")[0] + "\n"
    fixes = _fixes(tmp_path, files, "tests/test_settings.py")
    assert fixes["GLM103"] == (
        "safe",
        "Model id `gpt-4o-mini` is what a test expects `settings.TEXT_MODEL` to hold, and the run replaces it "
        "with `glm-4.6` wherever the code writes it",
    )


def test_an_id_passed_to_a_class_whose_chatopenai_moves_moves_with_it(tmp_path: Path) -> None:
    """`AI(model_name=model)` in `cli.py`, with `model="gpt-4o"`, and `ai.py`'s `ChatOpenAI(model=
    self.model_name)`, moved to Z.AI by a safe run: the caller's id moves too, or the CLI would
    send `gpt-4o` to Z.AI (gpt-engineer-org/gpt-engineer's `--model` default)."""
    files = {
        "ai.py": (
            "from langchain_openai import ChatOpenAI\n\n\nclass AI:\n"
            '    def __init__(self, model_name="gpt-4-turbo"):\n        self.model_name = model_name\n\n'
            "    def llm(self):\n        return ChatOpenAI(model=self.model_name)\n"
        ),
        "cli.py": 'from ai import AI\n\n\ndef main(model="gpt-4o"):\n    return AI(model_name=model)\n',
    }
    fixes = _fixes(tmp_path, files, "cli.py")
    assert fixes["GLM101"][0] == "safe" and "sent to chat completions by `ai.AI`" in fixes["GLM101"][1]
    # one that waits (`n=2`, which Z.AI rejects as sent) keeps the caller's id with it
    files["ai.py"] = files["ai.py"].replace("model=self.model_name)", "model=self.model_name, n=2)")
    assert "GLM101" not in _fixes(tmp_path, files, "cli.py")


_AGENTS_SETUP = (
    "import os\n\nfrom agents import set_default_openai_api, set_default_openai_client\nfrom openai import AsyncOpenAI\n\n"
    "set_default_openai_client(AsyncOpenAI(api_key=os.environ['OPENAI_API_KEY']))\n"
    "set_default_openai_api('chat_completions')\n"
)
_AGENTS_MOD = (
    "from agents import Agent\nfrom pydantic import BaseModel\n\n\nclass Answer(BaseModel):\n    text: str\n\n\n"
    "agent = Agent(name='a', instructions='Answer.', model='gpt-4o', output_type=Answer)\n"
)

#: an entry point running both in one process
_AGENTS_MAIN = {"app/main.py": "from app import agents_mod, setup\n"}


def test_the_default_client_waits_for_agents_another_module_builds_that_zai_rejects(tmp_path: Path) -> None:
    """`setup.py` gives the Agents SDK its default client, `agents_mod.py` builds an agent with
    an `output_type=` (a `json_schema` response format GLM-4.6 lacks) that runs on it: the
    client moves only with --unsafe-fixes, saying which agent it waits for, or a safe run would
    send that agent's requests to Z.AI, which rejects them (a probe of the codeWithHak/giaic-q4
    layout: the client set up in one module, the agents in others)."""
    files = {"app/__init__.py": "", "app/setup.py": _AGENTS_SETUP, "app/agents_mod.py": _AGENTS_MOD, **_AGENTS_MAIN}
    fixes = _fixes(tmp_path / "rejected", files, "app/setup.py")
    assert fixes["GLM001"][0] == fixes["GLM002"][0] == "unsafe"
    assert "`output_type=Answer`" in fixes["GLM002"][1] and "`app.agents_mod`" in fixes["GLM002"][1]
    # the agent's id stays OpenAI's with the client it runs on
    assert "GLM010" not in _fixes(tmp_path / "rejected", files, "app/agents_mod.py")
    # so for a forced `tool_choice` and a hosted tool
    for options in ("model_settings=ModelSettings(tool_choice='required')", "tools=[WebSearchTool()]"):
        files["app/agents_mod.py"] = (
            "from agents import Agent, ModelSettings, WebSearchTool\n\n"
            f"agent = Agent(name='a', instructions='Answer.', model='gpt-4o', {options})\n"
        )
        fixes = _fixes(tmp_path / options[:5], files, "app/setup.py")
        assert fixes["GLM002"][0] == "unsafe" and "`app.agents_mod`" in fixes["GLM002"][1]


def test_the_default_client_moves_with_agents_elsewhere_that_zai_serves(tmp_path: Path) -> None:
    """Agents of another module that ask for nothing Z.AI rejects leave the default client's
    move, and theirs, safe."""
    agents = _AGENTS_MOD.replace(", output_type=Answer", "")
    files = {"app/__init__.py": "", "app/setup.py": _AGENTS_SETUP, "app/agents_mod.py": agents, **_AGENTS_MAIN}
    fixes = _fixes(tmp_path, files, "app/setup.py")
    assert fixes["GLM001"][0] == fixes["GLM002"][0] == "safe"
    assert _fixes(tmp_path, files, "app/agents_mod.py")["GLM010"][0] == "safe"


def test_a_vector_size_another_module_writes_is_named_where_the_embedding_id_is(tmp_path: Path) -> None:
    """A pgvector column `Vector(1536)` in the models (a module with nothing to migrate) and the
    embedding call in another: moving `text-embedding-3-small` alone would write 2048 numbers
    into it, so the id changes by hand, with the column named (AmaanFysal/rag-core-api's
    app/models/chunk.py and app/utils/embeddings.py; an Alembic revision writes it too)."""
    files = {
        "app/__init__.py": "",
        "app/models.py": "from pgvector.sqlalchemy import Vector\nfrom sqlalchemy.orm import mapped_column\n\n\n"
        "class Chunk:\n    embedding = mapped_column(Vector(1536), nullable=True)\n",
        "migrations/0001_chunks.py": "import sqlalchemy as sa\nfrom alembic import op\nfrom pgvector.sqlalchemy import Vector\n\n\n"
        "def upgrade() -> None:\n    op.add_column('chunks', sa.Column('embedding', Vector(1536)))\n",
        "app/embed.py": "from openai import AsyncOpenAI\n\nclient = AsyncOpenAI()\n\n\n"
        "async def embed(text: str) -> list[float]:\n"
        "    response = await client.embeddings.create(model='text-embedding-3-small', input=text)\n"
        "    return response.data[0].embedding\n",
    }
    found = _findings(tmp_path, files)
    moved = [f for f in found["app/embed.py"] if f.startswith("GLM101")]
    assert moved == [
        "GLM101 Model id `text-embedding-3-small` on embeddings; `Vector(1536)` in `app.models` is sized for its "
        "vectors, which `embedding-3` does not make: change both together"
    ], found["app/embed.py"]
    assert _applicabilities(tmp_path, files, "app/embed.py")["GLM101"] == "manual"
    # a size no embedding model of the module makes, or written where it sizes no vector: nothing
    files["app/models.py"] = "CHUNK_SIZE = 1536\nIMAGE = '1536x1024'\nmax_tokens = 1536\n"
    del files["migrations/0001_chunks.py"]
    for name in ("app/models.py", "migrations/0001_chunks.py"):
        (tmp_path / name).unlink()
    found = _findings(tmp_path, files)
    assert not any("sized for its vectors" in f for f in found["app/embed.py"]), found["app/embed.py"]


def test_a_vector_size_a_notebook_writes_is_not_named_in_other_modules(tmp_path: Path) -> None:
    """A notebook is never imported, and what it sizes (`embedding_size = 1536` for its FAISS
    index) lives in its own kernel: another notebook or script of the project that embeds with
    `text-embedding-3-small` does not write into it, so its finding names no size of the first
    (a lesson folder of independent notebooks: loveinlove02/langchain_2024_05). The notebook's
    own embedding call still names it."""
    embed = (
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
        "def embed(text):\n"
        "    return client.embeddings.create(model='text-embedding-3-small', input=text).data[0].embedding\n"
    )
    sized = embed + "\n\nembedding_size = 1536\nindex = faiss.IndexFlatL2(embedding_size)\n"
    files = {"lesson_06/memory.ipynb": _as_notebook(sized), "lesson_08/embed.ipynb": _as_notebook(embed)}
    files["lesson_09/search.py"] = embed
    found = _findings(tmp_path, files)
    for other in ("lesson_08/embed.ipynb", "lesson_09/search.py"):
        assert not any("sized for its vectors" in f for f in found[other]), found[other]
        assert _applicabilities(tmp_path, files, other)["GLM101"] == "unsafe"
    assert any("`embedding_size = 1536` here" in f for f in found["lesson_06/memory.ipynb"])


def test_vector_widths_reads_the_shapes_that_size_vectors() -> None:
    from glm_migrate.widths import vector_widths

    source = (
        "import faiss\nEMBEDDING_DIM = 3072\nindex = faiss.IndexFlatL2(1536)\n"
        "schema.add_field('v', datatype=DataType.FLOAT_VECTOR, dim=1536)\n"
        "conn.execute('CREATE TABLE t (id int, embedding vector(3072))')\n"
    )
    assert vector_widths(source, {1536, 3072}) == ((1536, "IndexFlatL2(1536)"), (3072, "EMBEDDING_DIM = 3072"))
    assert vector_widths("VectorParams(size=1536)\n", {1536}) == ((1536, "size=1536"),)
    assert vector_widths("VectorParams(\n    1536,\n)\n", {1536}) == ((1536, "VectorParams(1536)"),)
    assert vector_widths("BUFFER = 15360\nx = f(1536)\n", {1536}) == ()

    assert vector_widths("cur.execute('ALTER TABLE a ADD COLUMN e vector(1536)')\n", {1536}) == (
        (1536, "vector(1536)"),
    )
    assert vector_widths("resize(1536)\nsize = '1536x1024'\nmax_tokens = 1536\n", {1536}) == ()


def test_the_quiet_path_knows_the_tables_vector_sizes() -> None:
    from glm_migrate.tables import load_tables
    from glm_migrate.widths import OPENAI_VECTOR_SIZES

    assert {int(size) for size in OPENAI_VECTOR_SIZES} == set(load_tables().openai_embedding_sizes.values())


def test_a_client_a_base_class_keeps_on_self_is_followed_into_subclasses_of_other_modules(tmp_path: Path) -> None:
    """`self._client = self.make_client()` in a base class, `self._client.chat.completions.create(
    model=self._default_model, ...)` in a subclass in another module that names no SDK (read
    before as having nothing to migrate): the subclass's calls are checked, the id its callers
    pass to it moves with the client, and an argument Z.AI rejects there holds the client's move
    (hyn0027/OpenAIChatHelper's `EndPoint` and `ChatCompletionEndPoint`)."""
    files = {
        "pkg/__init__.py": "from .chat import Chat\n",
        "pkg/base.py": "from openai import OpenAI\n\nclass Base:\n    def __init__(self):\n"
        "        self._client = self.make_client()\n\n    def make_client(self):\n        return OpenAI()\n",
        "pkg/chat.py": "from .base import Base\n\nclass Chat(Base):\n    def __init__(self, default_model):\n"
        "        super().__init__()\n        self._default_model = default_model\n\n"
        "    def complete(self, messages):\n"
        "        return self._client.chat.completions.create(model=self._default_model, messages=messages)\n",
        "main.py": "from pkg import Chat\n\nbot = Chat('gpt-4o')\n",
    }
    found = _findings(tmp_path, files)
    assert [f.split(" ")[0] for f in found["main.py"]] == ["GLM101"], found["main.py"]
    assert [f.split(" ")[0] for f in found["pkg/chat.py"]] == ["GLM104"], found["pkg/chat.py"]
    assert _applicabilities(tmp_path, files, "main.py") == {"GLM101": "safe"}
    files["pkg/chat.py"] = files["pkg/chat.py"].replace("messages=messages)", "messages=messages, n=2)")
    assert _applicabilities(tmp_path, files, "pkg/base.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    assert _applicabilities(tmp_path, files, "main.py") == {"GLM101": "unsafe"}


def test_model_ids_passed_to_a_wrapper_of_another_modules_client_move_with_it(tmp_path: Path) -> None:
    """`from app.llm import client` in a wrapper module whose `chat(model, messages)` sends its
    callers' ids through that client: `chat("gpt-4o", ...)` in a third module moves with the
    client (before, it reached Z.AI as `gpt-4o` after a safe run)."""
    files = {
        "app/__init__.py": "",
        "app/llm.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "app/wrap.py": "from app.llm import client\n\n"
        "def chat(model, messages):\n    return client.chat.completions.create(model=model, messages=messages)\n",
        "main.py": "from app.wrap import chat\n\nchat('gpt-4o', [])\n",
    }
    assert _applicabilities(tmp_path, files, "main.py") == {"GLM101": "safe"}
    assert _applicabilities(tmp_path, files, "app/llm.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_client_whose_call_in_another_module_z_ai_rejects_waits(tmp_path: Path) -> None:
    """A call through another module's client keeping an argument only an unsafe fix removes
    (`store=True`, `n=2`), or handing the method on unseen (`asyncio.to_thread(client.chat.
    completions.create, ...)`), holds that client's move, as it does in the module building it."""
    files = {
        "app/__init__.py": "",
        "app/llm.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "app/use.py": "from app.llm import client\n\ndef ask(q):\n"
        "    return client.chat.completions.create(model='glm-4.6', messages=q, n=2)\n",
    }
    assert _applicabilities(tmp_path, files, "app/llm.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["app/use.py"] = (
        "import asyncio\n\nfrom app.llm import client\n\nasync def ask(q, **kwargs):\n"
        "    return await asyncio.to_thread(client.chat.completions.create, messages=q, **kwargs)\n"
    )
    found = _findings(tmp_path, files)["app/llm.py"]
    assert "handed to `asyncio.to_thread` in `app.use`" in found[0], found
    assert _applicabilities(tmp_path, files, "app/llm.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}


def test_a_generic_classs_callers_are_read_through_its_parameters(tmp_path: Path) -> None:
    """`Wrapper[Schema](API_KEY, model="gpt-4o")` calls `Wrapper`: OpenAI's key passed so holds
    the client it builds, as `Wrapper(API_KEY)` does (piercefreeman/gpt-json's
    `GPTJSON[SentimentSchema](API_KEY)` in its examples), and the id moves with that client."""
    files = {
        "lib.py": "from openai import AsyncOpenAI\n\nclass Wrapper:\n    def __init__(self, api_key, model):\n"
        "        self.model = model\n        self.client = AsyncOpenAI(api_key=api_key)\n\n"
        "    async def run(self, q):\n"
        "        return await self.client.chat.completions.create(model=self.model, messages=q)\n",
        "example.py": "from os import getenv\n\nfrom lib import Wrapper\n\nAPI_KEY = getenv('OPENAI_API_KEY')\n"
        "w = Wrapper[dict](API_KEY, model='gpt-4o')\n",
    }
    lib = _applicabilities(tmp_path, files, "lib.py")
    assert (lib["GLM001"], lib["GLM002"]) == ("unsafe", "unsafe"), lib
    assert _applicabilities(tmp_path, files, "example.py") == {"GLM009": "unsafe", "GLM101": "unsafe"}
    files["example.py"] = "from lib import Wrapper\n\nw = Wrapper[dict](key, model='gpt-4o')\n"
    assert _applicabilities(tmp_path, files, "example.py") == {"GLM101": "safe"}


def test_the_module_client_waits_with_a_module_of_the_same_program(tmp_path: Path) -> None:
    """`openai.base_url = ...` added by a safe fix in one module points the process's only module
    client at Z.AI: a `openai.models.list()` elsewhere in the program, or OpenAI's key set on it
    by the entry point, then reaches Z.AI (rionhunter/OpenAI_API_Wrapper). Modules connected by
    the run's imports or of one package move it together; a script of its own does not wait."""
    files = {
        "app/__init__.py": "",
        "app/wrapper.py": "import openai\n\ndef ask(key, model, q):\n    openai.api_key = key\n"
        "    return openai.chat.completions.create(model=model, messages=q)\n",
        "app/listing.py": "import openai\n\ndef models():\n    return [m.id for m in openai.models.list()]\n",
        "app/main.py": "from app.listing import models\nfrom app.wrapper import ask\n\nprint(models())\n",
        "tool.py": "import openai\n\ndef ask(q):\n    return openai.chat.completions.create(model='gpt-4o', messages=q)\n",
    }
    found = _findings(tmp_path, files)["app/wrapper.py"]
    assert "waits in `app.listing`: its `models.list` call" in found[0], found
    assert _applicabilities(tmp_path, files, "app/wrapper.py")["GLM002"] == "unsafe"
    assert _applicabilities(tmp_path, files, "tool.py") == {"GLM001": "safe", "GLM002": "safe", "GLM101": "safe"}
    # OpenAI's key set on it by the entry point, which makes no request itself
    files["app/listing.py"] = "def models():\n    return []\n"
    files["app/main.py"] = (
        "import os\n\nimport openai\n\nfrom app.wrapper import ask\n\nopenai.api_key = os.getenv('OPENAI_API_KEY')\n"
    )
    assert _applicabilities(tmp_path, files, "app/wrapper.py")["GLM002"] == "unsafe"


def test_a_client_a_subclass_sets_for_its_base_classs_calls_in_another_module_waits(tmp_path: Path) -> None:
    """A provider's class keeps `client = OpenAI()` for the calls of its base class, in another
    module, through `self.client` (cs-magic/uni-api's `LLMProviderBase`): they are not seen where
    the client is built, so it moves only with --unsafe-fixes; a base class calling through a
    client it builds itself holds nothing."""
    files = {
        "prov/__init__.py": "",
        "prov/base.py": "class Base:\n    client = None\n\n    def ask(self, q):\n"
        "        return self.client.chat.completions.create(model='gpt-4o', messages=q, store=True)\n",
        "prov/oai.py": "from openai import OpenAI\n\nfrom prov.base import Base\n\n"
        "class OpenAIProvider(Base):\n    client = OpenAI()\n",
    }
    found = _findings(tmp_path, files)["prov/oai.py"]
    assert "`chat.completions.create` in `prov.base.Base`, which `OpenAIProvider` inherits" in found[0], found
    assert _applicabilities(tmp_path, files, "prov/oai.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["prov/base.py"] = (
        "from openai import OpenAI\n\nclass Base:\n    def __init__(self):\n        self.client = OpenAI()\n\n"
        "    def ask(self, q):\n        return self.client.chat.completions.create(model='glm-4.6', messages=q)\n"
    )
    assert _applicabilities(tmp_path, files, "prov/oai.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_client_kept_for_an_imported_base_class_waits_for_its_unseen_requests(tmp_path: Path) -> None:
    """`azure_client.py` keeps an `AzureOpenAI` in `self.client` of a subclass of `BaseClient`,
    whose methods in `base.py` make every request through it (a legacy `completions.create`,
    and `self.model_name`, an Azure deployment's name): moved by a safe fix, they would fail at
    Z.AI. It waits, as does one of the same shape whose class also makes requests of its own."""
    files = {
        "pkg/__init__.py": "",
        "pkg/base.py": (
            "class BaseClient:\n    def complete(self, prompt):\n"
            "        return self.client.completions.create(model=self.model_name, prompt=prompt)\n"
        ),
        "pkg/azure_client.py": (
            "import os\n\nfrom openai import AzureOpenAI\n\nfrom pkg.base import BaseClient\n\n\n"
            "class AzureClient(BaseClient):\n    def __init__(self):\n"
            '        self.client = AzureOpenAI(api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version="2024-02-01", '
            'azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])\n'
            '        self.model_name = os.environ["AZURE_OPENAI_DEPLOYMENT_NAME"]\n'
        ),
        "pkg/own_calls.py": (
            "import os\n\nfrom openai import AzureOpenAI\n\nfrom pkg.base import BaseClient\n\n\n"
            "class Chat(BaseClient):\n    def __init__(self):\n"
            '        self.client = AzureOpenAI(api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version="2024-02-01", '
            'azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])\n\n'
            "    def ask(self, text):\n"
            '        return self.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}])\n'
        ),
    }
    fixes = _fixes(tmp_path, files, "pkg/azure_client.py")
    assert fixes["GLM008"][0] == "unsafe"
    # the project index names the base class's call (a module not in the run: the local hold)
    assert "`completions.create` in `pkg.base.BaseClient`, which `AzureClient` inherits" in fixes["GLM008"][1]
    # `Chat` makes requests of its own, but inherits `complete` too: its client waits as well
    assert _fixes(tmp_path, files, "pkg/own_calls.py")["GLM008"][0] == "unsafe"


def test_a_key_falling_back_to_another_modules_openai_setting_holds_its_client(tmp_path: Path) -> None:
    """`self.api_key = api_key or OPENAI_API_KEY`, the setting `config.py` reads from OpenAI's
    variable (uzulla/pod-tenuki): OpenAI's key on the default path, so the client moves only
    with it replaced, never by a safe run."""
    files = {
        "app/__init__.py": "",
        "app/config.py": "import os\n\nOPENAI_API_KEY = os.getenv('OPENAI_API_KEY')\n",
        "app/summarizer.py": "from openai import OpenAI\n\nfrom app.config import OPENAI_API_KEY\n\n\n"
        "class Summarizer:\n    def __init__(self, api_key=None):\n"
        "        self.api_key = api_key or OPENAI_API_KEY\n"
        "        self.client = OpenAI(api_key=self.api_key)\n\n"
        "    def run(self, text):\n"
        "        return self.client.chat.completions.create(model='gpt-4o', messages=[])\n",
    }
    assert _applicabilities(tmp_path, files, "app/summarizer.py") == {
        "GLM001": "unsafe",
        "GLM002": "unsafe",
        "GLM101": "unsafe",
    }


def test_a_key_chosen_in_branches_from_another_modules_openai_setting_holds_its_client(tmp_path: Path) -> None:
    """`api_key = API_DEEPSEEK_KEY`, then `api_key = API_OPENAI_KEY` where the user picks OpenAI, both
    imported from the settings module (VKorobejnik/llmchat): the OpenAI client is given OpenAI's
    key on that path, so it moves only with it replaced, never by a safe run."""
    files = {
        "settings.py": "import os\n\nAPI_DEEPSEEK_KEY = os.getenv('DEEPSEEK_API_KEY')\nAPI_OPENAI_KEY = os.getenv('OPENAI_API_KEY')\n",
        "chat.py": "from openai import OpenAI\n\nfrom settings import API_DEEPSEEK_KEY, API_OPENAI_KEY\n\n\n"
        "def answer(deepseek, messages):\n"
        "    api_key = API_DEEPSEEK_KEY\n"
        "    if not deepseek:\n"
        "        api_key = API_OPENAI_KEY\n"
        "        client = OpenAI(api_key=api_key)\n"
        "        return client.chat.completions.create(model='gpt-4o', messages=messages)\n"
        "    return None\n",
    }
    found = _applicabilities(tmp_path, files, "chat.py")
    assert found["GLM001"] == "unsafe"
    assert found["GLM002"] == "unsafe"


def test_a_model_constant_two_modules_send_holds_both_clients_when_one_waits(tmp_path: Path) -> None:
    """`MODEL` of `config` is sent by `fast` (whose client could move) and `tools` (whose client
    waits for GLM209's unsafe fix): the id is rewritten only with --unsafe-fixes, so `fast`'s
    client must wait too, or it would send OpenAI's id to Z.AI after a safe run. The same through
    `import config` / `config.MODEL` and through an instance's attribute (`settings.MODEL`)."""
    ask = "    return client.chat.completions.create(model={m}, messages=[{{'role': 'user', 'content': q}}]{extra})\n"
    for imported, written, config in (
        ("from config import MODEL", "MODEL", 'MODEL = "gpt-4o-mini"\n'),
        ("import config", "config.MODEL", 'MODEL = "gpt-4o-mini"\n'),
        (
            "from config import settings",
            "settings.MODEL",
            'class Settings:\n    MODEL = "gpt-4o-mini"\n\nsettings = Settings()\n',
        ),
    ):
        files = {
            "config.py": config,
            "fast.py": f"from openai import OpenAI\n\n{imported}\n\nclient = OpenAI()\n\n\ndef ask(q):\n"
            + ask.format(m=written, extra=""),
            "tools.py": f"from openai import OpenAI\n\n{imported}\n\nclient = OpenAI()\n\n\ndef pick(q):\n"
            + ask.format(m=written, extra=", tools=[], tool_choice='required'"),
        }
        root = tmp_path / written.replace(".", "_")
        for path in ("fast.py", "tools.py"):
            moves = _applicabilities(root, files, path)
            assert (moves["GLM001"], moves["GLM002"]) == ("unsafe", "unsafe"), (written, path, moves)
        ids = [f for f in _findings(root, files)["config.py"] if f.startswith("GLM101")]
        assert len(ids) == 1 and "(with --unsafe-fixes" in ids[0], ids


def test_a_client_class_a_test_replaces_with_a_stand_in_taking_no_base_url_waits(tmp_path: Path) -> None:
    """`monkeypatch.setattr("service.AsyncOpenAI", fake)`, where `def fake(api_key=None)` (or a
    class whose `__init__` takes only `api_key`) stands in for the client (RStrinati/SkinTracker):
    the move's `base_url=` and `api_key=` would fail that test with TypeError, so the client waits,
    reported for a person to widen the stand-in and move it. So does a client whose mock a test
    expects to be built with exactly the arguments it lists (`cls.assert_called_once_with(...)`), or
    whose recorded arguments it reads (`cls.call_args.kwargs == {...}`)."""
    service = (
        "import os\nfrom openai import AsyncOpenAI\n\n\n"
        "class Service:\n    def __init__(self):\n"
        "        self.client = AsyncOpenAI(api_key=os.getenv('OPENAI_API_KEY'))\n\n"
        "    async def run(self):\n"
        "        return await self.client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    function_stub = (
        "from service import Service\n\n\ndef fake_client(api_key=None):\n    return None\n\n\n"
        "def test_run(monkeypatch):\n    monkeypatch.setattr('service.AsyncOpenAI', fake_client)\n    Service()\n"
    )
    found = _applicabilities(
        tmp_path / "a", {"service.py": service, "tests/test_service.py": function_stub}, "service.py"
    )
    assert found == {"GLM002": "manual", "GLM101": "manual"}
    class_stub = (
        "from unittest.mock import patch\n\nfrom service import Service\n\n\n"
        "class FakeClient:\n    def __init__(self, api_key):\n        self.api_key = api_key\n\n\n"
        "def test_run():\n    with patch('service.AsyncOpenAI', FakeClient):\n        Service()\n"
    )
    found = _applicabilities(tmp_path / "b", {"service.py": service, "tests/test_service.py": class_stub}, "service.py")
    assert found == {"GLM002": "manual", "GLM101": "manual"}
    # the module object and a lambda, or a mock calling the stand-in (`side_effect=`)
    object_stub = (
        "from unittest import mock\n\nimport service\n\n\n"
        "def test_run(monkeypatch):\n    monkeypatch.setattr(service, 'AsyncOpenAI', lambda api_key: None)\n"
        "    service.Service()\n\n\n"
        "def fake(api_key=None):\n    return None\n\n\n"
        "def test_again():\n    with mock.patch.object(service, 'AsyncOpenAI', side_effect=fake):\n"
        "        service.Service()\n"
    )
    for stub in (object_stub, object_stub.replace("lambda api_key: None", "None")):
        found = _applicabilities(tmp_path / "d", {"service.py": service, "tests/test_service.py": stub}, "service.py")
        assert found == {"GLM002": "manual", "GLM101": "manual"}
    # a mock the test expects to be built with exactly the arguments it lists, the move's not among them
    expecting = (
        "from unittest.mock import patch\n\nimport service\n\n\n"
        "def test_run(monkeypatch):\n    monkeypatch.setenv('OPENAI_API_KEY', 'sk-test')\n"
        "    with patch('service.AsyncOpenAI') as cls:\n        service.Service()\n"
        "    cls.assert_called_once_with(api_key='sk-test')\n"
    )
    decorated = (
        "from unittest import mock\n\nimport service\n\n\n"
        "@mock.patch('service.os.getenv', return_value='sk-test')\n@mock.patch('service.AsyncOpenAI')\n"
        "def test_run(cls, getenv):\n    service.Service()\n    cls.assert_called_with(api_key='sk-test')\n"
    )
    for stub in (expecting, decorated):
        found = _applicabilities(tmp_path / "f", {"service.py": service, "tests/test_service.py": stub}, "service.py")
        assert found == {"GLM002": "manual", "GLM101": "manual"}
    # ... or whose recorded arguments the test reads and compares (tzada8/capstone)
    reading = (
        "import unittest\nfrom unittest.mock import patch\n\nimport service\n\n\n"
        "class TestService(unittest.TestCase):\n    @patch('service.AsyncOpenAI')\n"
        "    def test_run(self, cls):\n        service.Service()\n"
        "        self.assertEqual(cls.call_args.kwargs, {'api_key': None})\n"
    )
    for stub in (
        reading,
        reading.replace("cls.call_args.kwargs, {'api_key': None}", "cls.call_args, call(api_key=None)"),
    ):
        found = _applicabilities(tmp_path / "h", {"service.py": service, "tests/test_service.py": stub}, "service.py")
        assert found == {"GLM002": "manual", "GLM101": "manual"}
    # ... not a mock whose calls the test reads, nor one expected with the move's `base_url=`
    for stub in (
        expecting.replace("cls.assert_called_once_with(api_key='sk-test')", "assert cls.called"),
        expecting.replace("api_key='sk-test')", "api_key='sk-test', base_url=URL)"),
    ):
        files = {"service.py": service, "tests/test_service.py": stub}
        assert _applicabilities(tmp_path / "g", files, "service.py")["GLM002"] == "safe"
    # a stand-in taking any keyword (or both options) takes the moved client's too
    for open_stub in (
        function_stub.replace("api_key=None", "**kwargs"),
        function_stub.replace("api_key=None", "api_key=None, base_url=None"),
    ):
        files = {"service.py": service, "tests/test_service.py": open_stub}
        assert _applicabilities(tmp_path / "c", files, "service.py")["GLM002"] == "safe"
    # LangChain's class too, whose move adds `base_url=` and `api_key=`
    chain = "from langchain_openai import ChatOpenAI\n\n\ndef make():\n    return ChatOpenAI(model='gpt-4o-mini', temperature=0)\n"
    chain_stub = (
        "import chain\n\n\ndef test_make(monkeypatch):\n"
        "    monkeypatch.setattr('chain.ChatOpenAI', lambda model, temperature: None)\n    chain.make()\n"
    )
    found = _applicabilities(tmp_path / "e", {"chain.py": chain, "tests/test_chain.py": chain_stub}, "chain.py")
    assert "safe" not in found.values()


def test_a_stand_in_in_a_test_class_of_a_module_importing_no_pytest_holds_the_client(tmp_path: Path) -> None:
    """A test module that imports neither pytest nor unittest and holds its tests as methods of
    `Test*` classes (pytest collects them all the same; yegor256/gitted), with a stand-in class
    defined in the test that takes no arguments (`monkeypatch.setattr("app.chat.OpenAI",
    Fake)`): it is test code, so the client waits as for a module-level test, and its URLs are
    a test's (advice, not a manual finding)."""
    chat = (
        "from openai import OpenAI\n\n\ndef ask(q):\n    client = OpenAI()\n"
        "    return client.chat.completions.create(model='gpt-4o-mini', messages=[])\n"
    )
    test = (
        "import httpx\n\nfrom app.chat import ask\n\n\nclass TestAsk:\n"
        "    def test_ask(self, monkeypatch):\n        class Fake:\n            def __init__(self):\n"
        "                self.chat = None\n\n"
        "        monkeypatch.setattr('app.chat.OpenAI', Fake)\n"
        "        httpx.Request('POST', 'https://api.openai.com/v1/chat/completions')\n        ask('hi')\n"
    )
    files = {"app/__init__.py": "", "app/chat.py": chat, "tests/test_chat.py": test}
    assert _applicabilities(tmp_path / "a", files, "app/chat.py") == {"GLM002": "manual", "GLM101": "manual"}
    url = [f for f in _findings(tmp_path / "b", files)["tests/test_chat.py"] if f.startswith("GLM405")]
    assert len(url) == 1 and "in test code" in url[0], url
    # a class whose name only starts like a test's, without test methods, is not a test
    plain = test.replace("class TestAsk:", "class Testimony:").replace("def test_ask", "def ask_it")
    files = {"app/__init__.py": "", "app/chat.py": chat, "app/witness.py": plain}
    assert _applicabilities(tmp_path / "c", files, "app/chat.py")["GLM002"] == "safe"


def test_a_client_class_a_mockito_stub_answers_only_without_arguments_waits(tmp_path: Path) -> None:
    """mockito's `when(app.client).OpenAI().thenReturn(fake)` (nirrosenthal/Flask-Ask-Open-Api)
    answers only a build with the arguments it lists: the move's `api_key=` and `base_url=` would
    fail the test (InvocationError), so the client waits; a stub listing `base_url=` does not."""
    client = "from openai import OpenAI\n\n\nclass Base:\n    def __init__(self):\n        self.client = OpenAI()\n"
    test = (
        "import app.client\nfrom mockito import mock, when\n\n\n"
        "def test_base():\n    when(app.client).OpenAI().thenReturn(mock())\n    app.client.Base()\n"
    )
    files = {"app/__init__.py": "", "app/client.py": client, "tests/test_client.py": test}
    assert _applicabilities(tmp_path / "a", files, "app/client.py") == {"GLM002": "manual"}
    aliased = test.replace("import app.client\n", "from app import client as c\n").replace("(app.client)", "(c)")
    files = {"app/__init__.py": "", "app/client.py": client, "tests/test_client.py": aliased}
    assert _applicabilities(tmp_path / "b", files, "app/client.py") == {"GLM002": "manual"}
    listing = test.replace("OpenAI()", "OpenAI(api_key=KEY, base_url=URL)")
    files = {"app/__init__.py": "", "app/client.py": client, "tests/test_client.py": listing}
    assert _applicabilities(tmp_path / "c", files, "app/client.py")["GLM002"] == "safe"


def test_an_inherited_key_read_from_the_variable_the_subclass_names_holds_the_client(tmp_path: Path) -> None:
    """`self.api_key` that a base class of another module reads from the variable its subclass
    names (`ENV_API_KEY = "OPENAI_API_KEY"`, `os.getenv(self.ENV_API_KEY)`; nexoia-io/nexoia-sdk):
    OpenAI's key, so adding `base_url=` alone would send it to Z.AI. The move waits for GLM001's
    unsafe fix of the key, and the client's model id with it."""
    base = (
        "import os\n\n\nclass BaseClient:\n    ENV_API_KEY = None\n\n"
        "    def __init__(self, api_key=None):\n        self.api_key = api_key or os.getenv(self.ENV_API_KEY)\n"
    )
    client = (
        "from openai import OpenAI\n\nfrom .base import BaseClient\n\n\n"
        'class Client(BaseClient):\n    ENV_API_KEY = "OPENAI_API_KEY"\n\n'
        "    def ask(self, q, model='gpt-4o-mini'):\n        client = OpenAI(api_key=self.api_key, timeout=10)\n"
        "        return client.chat.completions.create(model=model, messages=[])\n"
    )
    files = {"pkg/__init__.py": "", "pkg/base.py": base, "pkg/client.py": client}
    found = _applicabilities(tmp_path / "a", files, "pkg/client.py")
    assert found == {"GLM001": "unsafe", "GLM002": "unsafe", "GLM101": "unsafe"}, found


def test_a_tests_model_setting_changes_only_with_the_code_it_mirrors(tmp_path: Path) -> None:
    """`model = "gpt-4o-mini"` in a test, the id a mock expects the code to send
    (`when(completions).create(model=model, ...)`, nirrosenthal/Flask-Ask-Open-Api): GLM108's
    unsafe fix renamed it while the code's id waited (its client held by the test's stub), and
    the test failed after `--unsafe-fixes`. It is reported without a fix unless every fix of the
    run moves that id to the same GLM id."""
    chat = (
        "from openai import OpenAI\n\n\ndef ask(q):\n    client = OpenAI()\n"
        "    return client.chat.completions.create(model='gpt-4o-mini', messages=[])\n"
    )
    test = (
        "from unittest.mock import MagicMock\n\nimport app.chat\n\n\n"
        "def test_ask(monkeypatch):\n    model = 'gpt-4o-mini'\n    fake = MagicMock()\n"
        "    monkeypatch.setattr('app.chat.OpenAI', lambda: fake)\n    app.chat.ask('hi')\n"
        "    fake.chat.completions.create.assert_called_once_with(model=model, messages=[])\n"
    )
    files = {"app/__init__.py": "", "app/chat.py": chat, "tests/test_chat.py": test}
    assert _applicabilities(tmp_path / "a", files, "app/chat.py")["GLM101"] == "manual"
    held = [f for f in _findings(tmp_path / "b", files)["tests/test_chat.py"] if f.startswith("GLM108")]
    assert len(held) == 1 and "together with the code's id, by hand" in held[0], held
    assert _applicabilities(tmp_path / "c", files, "tests/test_chat.py")["GLM108"] == "manual"
    # the code's id moved by the run: the test's changes with it
    files["tests/test_chat.py"] = test.replace("lambda: fake", "lambda **kwargs: fake")
    assert _applicabilities(tmp_path / "d", files, "app/chat.py")["GLM101"] == "safe"
    assert _applicabilities(tmp_path / "e", files, "tests/test_chat.py")["GLM108"] == "unsafe"


def test_a_tests_expectation_of_a_results_model_changes_with_the_code(tmp_path: Path) -> None:
    """`out = client.generate("ping")` then `assert out.model == "gpt-3.5-turbo"`, the model the
    code reports (its default, a fake reply having none; nexoia-io/nexoia-sdk): it failed once
    the run moved the code's id. It is an expectation of the code, fixed with it where the run
    moves that id, a warning otherwise; not where the test writes the id again (a fake reply's
    `model=`, which the result merely echoes)."""
    chat = (
        "from openai import OpenAI\n\n\nclass Chat:\n    def __init__(self):\n        self.client = OpenAI()\n\n"
        "    def generate(self, q, model='gpt-4o-mini'):\n"
        "        reply = self.client.chat.completions.create(model=model, messages=[])\n"
        "        return getattr(reply, 'model', model)\n"
    )
    test = (
        "from types import SimpleNamespace\n\nfrom app.chat import Chat\n\n\n"
        "def test_generate(monkeypatch):\n    chat = Chat()\n"
        "    out = SimpleNamespace(model=chat.generate('ping'))\n    out = chat.generate('ping')\n"
        "    assert out.model == 'gpt-4o-mini'\n"
    )
    files = {"app/__init__.py": "", "app/chat.py": chat, "tests/test_chat.py": test}
    assert _applicabilities(tmp_path / "a", files, "app/chat.py")["GLM101"] == "safe"
    found = [f for f in _findings(tmp_path / "b", files)["tests/test_chat.py"] if f.startswith("GLM103")]
    assert len(found) == 1 and "a test expects `out.model` to hold" in found[0], found
    assert _applicabilities(tmp_path / "c", files, "tests/test_chat.py")["GLM103"] == "safe"
    echoed = test.replace("model=chat.generate('ping')", "model='gpt-4o-mini'")
    files["tests/test_chat.py"] = echoed
    found = [f for f in _findings(tmp_path / "d", files)["tests/test_chat.py"] if f.startswith("GLM103")]
    assert all("a test expects" not in f for f in found), found


def test_an_imported_model_default_another_module_tests_against_a_list_waits(tmp_path: Path) -> None:
    """`DEFAULT_MODEL = "gpt-4o"` beside `SUPPORTED_MODELS = ["gpt-4o", ...]` in a settings
    module, and `def ask(q, model=DEFAULT_MODEL): if model not in SUPPORTED_MODELS: raise ...` in
    the module sending it (tisciencia/ai-prompter): rewritten where it is defined, the default
    fails that test and every call of `ask` without a model raises. The id waits, manual, naming
    the test and its module, as it does where the defining module tests it itself."""
    files = {
        "app/__init__.py": "",
        "app/config.py": "DEFAULT_MODEL = 'gpt-4o'\nSUPPORTED_MODELS = ['gpt-4o', 'gpt-4o-mini']\n",
        "app/client.py": "from openai import OpenAI\n\nfrom app.config import DEFAULT_MODEL, SUPPORTED_MODELS\n\n"
        "client = OpenAI()\n\n\ndef ask(q, model=DEFAULT_MODEL):\n    if model not in SUPPORTED_MODELS:\n"
        "        raise ValueError(model)\n"
        "    return client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': q}])\n",
    }
    paths = _tree(tmp_path, files)
    reports = {r.path.relative_to(tmp_path).as_posix(): r for r in run(paths, Settings(unsafe_fixes=True), jobs=1)}
    (finding,) = [d for d in reports["app/config.py"].diagnostics if d.code == "GLM101"]
    assert finding.applicability is not None and finding.applicability.value == "manual"
    assert "also tested by `model not in SUPPORTED_MODELS` in `app.client`" in finding.message
    # not where the sending module only passes the id on
    files["app/client.py"] = files["app/client.py"].replace(
        "    if model not in SUPPORTED_MODELS:\n        raise ValueError(model)\n", ""
    )
    assert _applicabilities(tmp_path / "b", files, "app/config.py")["GLM101"] == "safe"


def test_an_id_passed_to_a_function_that_tests_it_elsewhere_waits(tmp_path: Path) -> None:
    """`def request(text, model): if model.startswith("text-embedding"): embeddings ... else: chat`
    in one module, `request(text, model="text-embedding-3-small")` in another (Simibrum/therapy_bot):
    the id rewritten alone by the caller's fix, the function sends the text to chat completions.
    The caller's id waits, manual, naming the test and the function."""
    files = {
        "app/__init__.py": "",
        "app/common.py": "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef request(text, model):\n"
        "    if model.startswith('text-embedding'):\n"
        "        return client.embeddings.create(input=text, model=model).data[0].embedding\n"
        "    return client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': text}])\n",
        "app/embed.py": "from app.common import request\n\n\ndef embed(text, model='text-embedding-3-small'):\n"
        "    return request(text, model=model)\n",
    }
    paths = _tree(tmp_path, files)
    reports = {r.path.relative_to(tmp_path).as_posix(): r for r in run(paths, Settings(unsafe_fixes=True), jobs=1)}
    (finding,) = [d for d in reports["app/embed.py"].diagnostics if d.code == "GLM101"]
    assert finding.applicability is not None and finding.applicability.value == "manual"
    assert "also tested by `model.startswith('text-embedding')` in `app.common.request`" in finding.message
    # a function that only sends it on leaves the caller's fix as it was
    files["app/common.py"] = (
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef request(text, model):\n"
        "    return client.embeddings.create(input=text, model=model).data[0].embedding\n"
    )
    assert _applicabilities(tmp_path / "b", files, "app/embed.py")["GLM101"] == "unsafe"


def test_a_tests_expectation_of_the_id_a_mocked_function_of_the_code_gets_moves_with_it(tmp_path: Path) -> None:
    """`mocker.patch("app.chat.api_request")` ... `mock.assert_called_once_with(model="gpt-4o-mini",
    ...)`, where `app.chat` passes its default `"gpt-4o-mini"` to `api_request` (Simibrum/therapy_bot):
    the run moves the default, so the expectation, a note before, failed the test. It now moves
    with it, as an expectation of a mocked SDK method does."""
    files = {
        "app/__init__.py": "",
        "app/common.py": "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef api_request(messages, model):\n"
        "    return client.chat.completions.create(model=model, messages=messages)\n",
        "app/chat.py": "from app.common import api_request\n\n\ndef ask(q, model='gpt-4o-mini'):\n"
        "    return api_request(messages=[q], model=model)\n",
        "tests/__init__.py": "",
        "tests/test_chat.py": "from app.chat import ask\n\n\ndef test_ask(mocker):\n"
        "    mock = mocker.patch('app.chat.api_request')\n    ask('hi')\n"
        "    mock.assert_called_once_with(messages=['hi'], model='gpt-4o-mini')\n",
    }
    assert _applicabilities(tmp_path, files, "app/chat.py")["GLM101"] == "safe"
    assert _applicabilities(tmp_path / "b", files, "tests/test_chat.py")["GLM103"] == "safe"


def test_an_azure_client_class_a_test_patches_by_name_is_not_converted(tmp_path: Path) -> None:
    """`patch("app.llm.AzureOpenAI")` in a test (daved01/ragcore): GLM008's conversion to `OpenAI`
    takes the name out of `app.llm`, and the patch fails with AttributeError. The client waits,
    manual, naming the test; without such a patch its fix is offered as before."""
    llm = (
        "import os\n\nfrom openai import AzureOpenAI\n\n\ndef make():\n"
        "    return AzureOpenAI(api_key=os.getenv('AZURE_OPENAI_API_KEY'), api_version='2024-02-01', "
        "azure_endpoint='https://x.openai.azure.com')\n"
    )
    test = (
        "from unittest.mock import patch\n\nfrom app.llm import make\n\n\ndef test_make():\n"
        "    with patch('app.llm.AzureOpenAI') as cls:\n        make()\n    assert cls.called\n"
    )
    files = {"app/__init__.py": "", "app/llm.py": llm, "tests/__init__.py": "", "tests/test_llm.py": test}
    assert _applicabilities(tmp_path, files, "app/llm.py") == {"GLM008": "manual"}
    files["tests/test_llm.py"] = "from app.llm import make\n\n\ndef test_make():\n    assert make\n"
    assert _applicabilities(tmp_path / "b", files, "app/llm.py")["GLM008"] in ("safe", "unsafe")


def test_a_test_keeps_openais_variable_that_held_code_still_reads(tmp_path: Path) -> None:
    """A test setting `OPENAI_API_KEY` for code whose client a person must move (here: held for the
    test's stand-in) is not offered the rename even with --unsafe-fixes: that code still reads it,
    and the renamed test would leave it unset (RStrinati/SkinTracker after an unsafe run)."""
    files = {
        "service.py": "import os\nfrom openai import OpenAI\n\n\ndef make():\n"
        "    key = os.getenv('OPENAI_API_KEY')\n    if not key:\n        raise ValueError('no key')\n"
        "    return OpenAI(api_key=key)\n",
        "tests/test_service.py": "import service\n\n\ndef fake(api_key=None):\n    return None\n\n\n"
        "def test_make(monkeypatch):\n    monkeypatch.setenv('OPENAI_API_KEY', 'sk-test')\n"
        "    monkeypatch.setattr('service.OpenAI', fake)\n    service.make()\n",
    }
    assert _applicabilities(tmp_path, files, "tests/test_service.py")["GLM009"] == "manual"
    # where nothing holds the code, the rename is offered as before
    files["tests/test_service.py"] = files["tests/test_service.py"].replace("api_key=None", "**kwargs")
    assert _applicabilities(tmp_path / "b", files, "tests/test_service.py")["GLM009"] in ("safe", "unsafe")


def _as_notebook(code: str) -> str:
    """`code` as a notebook of one code cell per blank-line-separated block."""
    blocks = [block + "\n" for block in code.strip("\n").split("\n\n\n")]
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": block.splitlines(True)}
        for block in blocks
    ]
    document = {"cells": cells, "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1) + "\n"


_HELPER = (
    "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
    "def get_completion(prompt, model='gpt-3.5-turbo'):\n"
    "    response = client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': prompt}])\n"
    "    return response.choices[0].message.content\n\n\n"
    "def embed(api, text):\n"
    "    return api.embeddings.create(model='text-embedding-3-small', input=text).data[0].embedding\n"
)


def test_a_notebook_gets_the_project_facts_a_script_beside_it_gets(tmp_path: Path) -> None:
    """Notebooks import the project's modules as scripts do (`from helper import get_completion`
    in a course's lesson): an id a notebook passes to a wrapper whose client moves moves with it,
    or the safe run leaves the notebook sending `gpt-4` to Z.AI; a client it hands to a module
    that embeds with it waits, as a script's does."""
    uses = {
        "ids passed to a wrapper": "from helper import get_completion\n\n\n"
        "print(get_completion('hi', model='gpt-4'))\nprint(get_completion('hi', 'gpt-4o'))\n",
        "a client handed to an embedding": "from openai import OpenAI\n\nimport helper\n\n\n"
        "client = OpenAI()\nvector = helper.embed(client, 'text')\n"
        "answer = client.chat.completions.create(model='gpt-4o', messages=[])\n",
        "an imported client": "from helper import client\n\n\n"
        "reply = client.chat.completions.create(model='gpt-4o-mini', messages=[])\n",
    }
    for number, (case, code) in enumerate(uses.items()):
        files = {"helper.py": _HELPER, "use.py": code, "lesson/use.ipynb": _as_notebook(code)}
        files["lesson/helper.py"] = _HELPER
        found = {
            report.path.relative_to(tmp_path / str(number)).as_posix(): sorted(
                (d.code, d.applicability.value) for d in report.diagnostics
            )
            for report in run(_tree(tmp_path / str(number), files), Settings(), jobs=1)
        }
        assert found["lesson/use.ipynb"] == found["use.py"], case
        assert any(code == "GLM101" for code, _ in found["use.py"]), case


def test_an_id_and_the_client_sending_it_from_another_module_move_together_or_not_at_all(tmp_path: Path) -> None:
    """`settings.py` keeps OpenAI's key and the chat model, `bot.py` builds its client with both.
    Each module's move hangs on the other's, and each round of the index reads the modules as the
    round before left them: they used to take turns holding, and the run ended with the id moved
    to `glm-4.6` while the client stayed on OpenAI, which rejects that id."""
    files = {
        "settings.py": "import os\n\nAPI_KEY = os.getenv('OPENAI_API_KEY')\nCHAT_MODEL = 'gpt-4o-mini'\n",
        "bot.py": "from openai import OpenAI\n\nfrom settings import API_KEY, CHAT_MODEL\n\n\ndef main():\n"
        "    client = OpenAI(api_key=API_KEY)\n"
        "    return client.chat.completions.create(model=CHAT_MODEL, messages=[])\n",
    }
    settings = _applicabilities(tmp_path, files, "settings.py")
    bot = _applicabilities(tmp_path, files, "bot.py")
    assert settings["GLM101"] == bot["GLM002"]


def test_a_client_handed_to_a_method_of_an_instance_another_modules_function_returns_waits(tmp_path: Path) -> None:
    """`make_agent().ask(client, q)`, or `agent = make_agent()` then `agent.ask(client, q)`, with
    `def make_agent(): return Agent()` in the module defining `Agent`: the method's embedding call
    serves the client as it does for `Agent().ask(client, q)`. Not followed, a safe run moved the
    client to Z.AI with the method's `text-embedding-3-small`."""
    files = {
        "app/__init__.py": "",
        "app/agent.py": "class Agent:\n    def ask(self, client, q):\n"
        "        return client.embeddings.create(model='text-embedding-3-small', input=q)\n\n\n"
        "def make_agent():\n    return Agent()\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app.agent import make_agent\n\nclient = OpenAI()\n\n\n"
        "def main(q):\n    return make_agent().ask(client, q)\n",
    }
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app import agent as agents\n\n\n"
        "def main(q):\n    helper = agents.make_agent()\n    return helper.ask(OpenAI(), q)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # the class in a third module, imported by the one whose function builds it
    files["app/models.py"] = files["app/agent.py"].partition("\n\n\ndef make_agent")[0] + "\n"
    files["app/agent.py"] = "from app.models import Agent\n\n\ndef make_agent():\n    return Agent()\n"
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # a chat method sending GLM's id: the client moves with it (an OpenAI id there, which that
    # module cannot tie to the client, holds it: `..._injected_into_another_modules_wrapper_...`)
    files["app/models.py"] = files["app/models.py"].replace(
        "client.embeddings.create(model='text-embedding-3-small', input=q)",
        "client.chat.completions.create(model='glm-4.6', messages=[{'role': 'user', 'content': q}])",
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_client_handed_to_handlers_picked_in_a_loop_is_theirs(tmp_path: Path) -> None:
    """`for handler in (index, purge): handler(client)`, over a dict's `.values()` or `.items()`,
    or over a table another module defines (`from app.handlers import HANDLERS`): the client
    serves every handler's calls, as it does for a dispatch table (`COMMANDS[name](client)`).
    Not followed, a safe run moved the client while a handler embedded through it."""
    handlers = (
        "def index(client, q='x'):\n    return client.embeddings.create(model='text-embedding-3-small', input=q)\n\n\n"
        "def answer(client, q='x'):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n"
    )
    files = {
        "app/__init__.py": "",
        "app/handlers.py": handlers + "\n\nHANDLERS = {'index': index, 'answer': answer}\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app.handlers import HANDLERS\n\nclient = OpenAI()\n"
        "for name, handler in HANDLERS.items():\n    handler(client)\n",
    }
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.handlers import HANDLERS\n\nclient = OpenAI()\n"
        "HANDLERS['index'](client)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.handlers import answer, index\n\nclient = OpenAI()\n"
        "for handler in [index, answer]:\n    handler(client)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # in one module, over a dict's values: the embedding id waits with its client
    files = {"main.py": "from openai import OpenAI\n\nclient = OpenAI()\n\n\n" + handlers}
    files["main.py"] += (
        "\n\nSTEPS = {'index': index, 'answer': answer}\nfor step in STEPS.values():\n    step(client)\n"
    )
    held = _applicabilities(tmp_path / "one", files, "main.py")
    assert held["GLM002"] == "unsafe" and held["GLM101"] == "unsafe"
    # chat handlers only: the client moves
    files["main.py"] = files["main.py"].replace("'index': index, ", "")
    assert _applicabilities(tmp_path / "two", files, "main.py")["GLM002"] == "safe"


def test_a_client_one_streamlit_page_keeps_in_session_state_waits_for_another_pages_calls(tmp_path: Path) -> None:
    """A multi-page Streamlit app: `Home.py` keeps its client in `st.session_state` and a page
    of `pages/` reads it back and embeds through it. Not followed, a safe run moved the client
    on the home page while the other page still sent `text-embedding-3-small`."""
    files = {
        "Home.py": "import streamlit as st\nfrom openai import OpenAI\n\nif 'llm' not in st.session_state:\n"
        "    st.session_state.llm = OpenAI()\n"
        "reply = st.session_state.llm.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': 'hi'}])\n",
        "pages/1_Search.py": "import streamlit as st\n\nllm = st.session_state['llm']\n"
        "vector = llm.embeddings.create(model='text-embedding-3-small', input='query').data[0].embedding\n",
    }
    held = _applicabilities(tmp_path, files, "Home.py")
    assert held == {"GLM001": "unsafe", "GLM002": "unsafe", "GLM101": "unsafe"}
    message = next(m for m in _findings(tmp_path, files)["Home.py"] if m.startswith("GLM002"))
    assert (
        "`st.session_state` (`llm`), where another page reads it: its call `embeddings.create` in `1_Search`" in message
    )
    # stored by subscript, read straight from the state
    files["Home.py"] = (
        "import streamlit as st\nfrom openai import OpenAI\n\nclient = OpenAI()\nst.session_state['llm'] = client\n"
        "reply = client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': 'hi'}])\n"
    )
    files["pages/1_Search.py"] = (
        "import streamlit as st\n\n"
        "vector = st.session_state.llm.embeddings.create(model='text-embedding-3-small', input='q').data[0].embedding\n"
    )
    assert _applicabilities(tmp_path, files, "Home.py") == held
    # a page that only chats through it: the client moves
    files["pages/1_Search.py"] = (
        "import streamlit as st\n\n"
        "st.write(st.session_state.llm.chat.completions.create(model='gpt-4o', messages=[]))\n"
    )
    assert _applicabilities(tmp_path, files, "Home.py") == {"GLM001": "safe", "GLM002": "safe", "GLM101": "safe"}
    # a page keeping its own client under the same key, whose move waits there (a `tool_choice`
    # only a person can check): whichever page runs first fills the key for both
    files["pages/1_Search.py"] = (
        "import streamlit as st\nfrom openai import OpenAI\n\nif 'llm' not in st.session_state:\n"
        "    st.session_state.llm = OpenAI()\n"
        "def ask(q, tools, choice):\n    return st.session_state.llm.chat.completions.create(\n"
        "        model='gpt-4o', messages=[{'role': 'user', 'content': q}], tools=tools, tool_choice=choice\n    )\n"
    )
    assert _applicabilities(tmp_path, files, "pages/1_Search.py")["GLM002"] == "unsafe"
    assert _applicabilities(tmp_path, files, "Home.py") == {"GLM001": "unsafe", "GLM002": "unsafe", "GLM101": "unsafe"}
    message = next(m for m in _findings(tmp_path, files)["Home.py"] if m.startswith("GLM002"))
    assert "`1_Search` keeps its own client, whose move waits there" in message


def test_a_client_handed_through_a_module_attribute_or_shared_by_sibling_subclasses_waits(tmp_path: Path) -> None:
    """Shapes the twenty-fifth round left, now held: a hand-off through a module attribute
    (`import index; index.index_all(client)`, `from app import index`, also through a module
    naming no SDK that passes the client on), and a base class keeping `self.client` whose
    subclasses in two other modules chat and embed through it: the embedding call holds it."""
    embed = "def index_all(client, q):\n    return client.embeddings.create(model='text-embedding-3-small', input=q)\n"
    files = {
        "index.py": embed,
        "main.py": "from openai import OpenAI\n\nimport index\n\nindex.index_all(OpenAI(), 'x')\n",
    }
    assert _applicabilities(tmp_path / "flat", files, "main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files = {
        "app/__init__.py": "",
        "app/vectors.py": embed.replace("index_all", "embed"),
        "app/index.py": "from app.vectors import embed\n\n\ndef index_all(client, q):\n    return embed(client, q)\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app import index\n\nindex.index_all(OpenAI(), 'x')\n",
    }
    assert _applicabilities(tmp_path / "pkg", files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files = {
        "app/__init__.py": "",
        "app/base.py": "from openai import OpenAI\n\n\nclass Base:\n    def __init__(self):\n        self.client = OpenAI()\n",
        "app/chat.py": "from app.base import Base\n\n\nclass Chat(Base):\n    def run(self, q):\n"
        "        return self.client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n",
        "app/embed.py": "from app.base import Base\n\n\nclass Embed(Base):\n    def run(self, q):\n"
        "        return self.client.embeddings.create(model='text-embedding-3-small', input=q)\n",
    }
    assert _applicabilities(tmp_path / "family", files, "app/base.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # the chat subclass's id waits with the client it inherits
    assert _applicabilities(tmp_path / "family", files, "app/chat.py") == {"GLM101": "unsafe"}


def test_a_client_waiting_for_its_key_also_names_another_modules_batch_call(tmp_path: Path) -> None:
    """gpt4-autoeval's shape: a client built with an OpenAI key read from a file, used for chat in
    one module and for `batches.create` in another. Its message named only its key, the first
    reason it waits; `--unsafe-fixes` replaces the key and moves the client, and the batch call,
    an API Z.AI lacks, then fails: the message names it too."""
    files = {
        "app/__init__.py": "",
        "app/clients.py": "from openai import OpenAI\n\n"
        "with open('/run/secrets/OPENAI_API_KEY') as f:\n    OPENAI_API_KEY = f.read()\n\n"
        "client = OpenAI(api_key=OPENAI_API_KEY)\n",
        "app/judge.py": "from app.clients import client\n\n"
        "def judge(q):\n    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n",
        "app/batch.py": "from app.clients import client\n\n"
        "def submit(file_id):\n"
        "    return client.batches.create(input_file_id=file_id, endpoint='/v1/chat/completions', completion_window='24h')\n",
    }
    found = _findings(tmp_path, files)
    glm002 = next(m for m in found["app/clients.py"] if m.startswith("GLM002"))
    assert "GLM001's fix" in glm002, glm002
    assert (
        "`batches.create` in `app.batch` cannot follow it to Z.AI, which lacks that API: it stays with OpenAI" in glm002
    ), glm002
    # passed on to a function of the batch module: named the same way
    files["app/batch.py"] = (
        "from app.clients import client\n\n"
        "def submit(c, file_id):\n"
        "    return c.batches.create(input_file_id=file_id, endpoint='/v1/chat/completions', completion_window='24h')\n\n"
        "def main(file_id):\n    return submit(client, file_id)\n"
    )
    glm002 = next(m for m in _findings(tmp_path, files)["app/clients.py"] if m.startswith("GLM002"))
    assert "batches.create" in glm002, glm002


def test_a_client_handed_to_handlers_a_table_gets_at_run_time_is_theirs(tmp_path: Path) -> None:
    """A handler table built at run time (`HANDLERS.append(index)`, `HANDLERS["index"] = index`)
    or by a registry decorator (`@register`, `@register("index")`): the client passed to its
    handlers serves each one's calls. Not read, a safe run moved the client while a registered
    handler embedded through it."""
    handlers = (
        "def index(client, q='x'):\n    return client.embeddings.create(model='text-embedding-3-small', input=q)\n\n\n"
        "def answer(client, q='x'):\n"
        "    return client.chat.completions.create(model='glm-4.6', messages=[{'role': 'user', 'content': q}])\n"
    )
    registry = (
        "HANDLERS = []\n\n\ndef register(f):\n    HANDLERS.append(f)\n    return f\n\n\n"
        "@register\n" + handlers.replace("def answer", "@register\ndef answer")
    )
    named = (
        "HANDLERS = {}\n\n\ndef register(name):\n    def wrap(f):\n        HANDLERS[name] = f\n        return f\n"
        "    return wrap\n\n\n@register('index')\n" + handlers.replace("def answer", "@register('answer')\ndef answer")
    )
    appended = handlers + "\n\nHANDLERS = []\nHANDLERS.append(index)\nHANDLERS.append(answer)\n"
    stored = handlers + "\n\nHANDLERS = {}\nHANDLERS['index'] = index\nHANDLERS['answer'] = answer\n"
    for number, (table, loop) in enumerate(
        (
            (registry, "for handler in HANDLERS:\n    handler(client)\n"),
            (named, "for handler in HANDLERS.values():\n    handler(client)\n"),
            (appended, "for handler in HANDLERS:\n    handler(client)\n"),
            (stored, "HANDLERS[name](client)\n"),
        )
    ):
        files = {
            "app/__init__.py": "",
            "app/handlers.py": table,
            "app/main.py": "from openai import OpenAI\n\nfrom app.handlers import HANDLERS\n\nclient = OpenAI()\n"
            "name = 'index'\n" + loop,
        }
        held = _applicabilities(tmp_path / f"split{number}", files, "app/main.py")
        assert held == {"GLM001": "unsafe", "GLM002": "unsafe"}, (number, held)
        # in one module: the embedding id waits with its client
        one = {
            "main.py": "from openai import OpenAI\n\nclient = OpenAI()\nname = 'index'\n\n\n" + table + "\n\n" + loop
        }
        held = _applicabilities(tmp_path / f"one{number}", one, "main.py")
        assert held["GLM002"] == "unsafe" and held["GLM101"] == "unsafe", (number, held)
    # chat handlers only, sending GLM's id: the client moves
    files["app/handlers.py"] = stored.replace("HANDLERS['index'] = index\n", "")
    assert _applicabilities(tmp_path / "chat", files, "app/main.py")["GLM002"] == "safe"


def test_a_client_handed_to_a_method_of_an_instance_another_method_returns_waits(tmp_path: Path) -> None:
    """`Factory().make_agent().ask(client, q)` (or `factory = Factory()`, `agent =
    factory.make_agent()`, then `agent.ask(client, q)`), with `make_agent` a method returning an
    `Agent` whose `ask` embeds through the client: the client waits, as it does for a
    module-level `make_agent()` (the thirty-fourth round's case)."""
    files = {
        "app/__init__.py": "",
        "app/agent.py": "class Agent:\n    def ask(self, client, q):\n"
        "        return client.embeddings.create(model='text-embedding-3-small', input=q)\n\n\n"
        "class Factory:\n    def make_agent(self):\n        return Agent()\n",
        "app/main.py": "from openai import OpenAI\n\nfrom app.agent import Factory\n\nclient = OpenAI()\n\n\n"
        "def main(q):\n    return Factory().make_agent().ask(client, q)\n",
    }
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    files["app/main.py"] = (
        "from openai import OpenAI\n\nfrom app.agent import Factory\n\n\n"
        "def main(q):\n    factory = Factory()\n    agent = factory.make_agent()\n    return agent.ask(OpenAI(), q)\n"
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "unsafe", "GLM002": "unsafe"}
    # a chat method sending GLM's id: the client moves with it (an OpenAI id there, which that
    # module cannot tie to the client, holds it: `..._injected_into_another_modules_wrapper_...`)
    files["app/agent.py"] = files["app/agent.py"].replace(
        "client.embeddings.create(model='text-embedding-3-small', input=q)",
        "client.chat.completions.create(model='glm-4.6', messages=[{'role': 'user', 'content': q}])",
    )
    assert _applicabilities(tmp_path, files, "app/main.py") == {"GLM001": "safe", "GLM002": "safe"}


def test_a_model_setting_of_a_run_that_calls_only_litellm_takes_litellms_zai_id(tmp_path: Path) -> None:
    """An argparse default in `cli.py` reaches another module's `litellm.acompletion`: a bare
    `glm-4.6` is no model LiteLLM routes, so the setting becomes `zai/glm-4.6`; where a module of
    the run imports the OpenAI SDK, the model strings may be its clients' too, and stay bare."""
    files = {
        "app/__init__.py": "",
        "app/llm.py": (
            "import litellm\n\n\nasync def complete(model, messages):\n"
            "    return await litellm.acompletion(model=model, messages=messages)\n"
        ),
        "app/cli.py": (
            "import argparse\n\n\ndef options():\n    parser = argparse.ArgumentParser()\n"
            '    parser.add_argument("--model", default="gpt-4o")\n    return parser.parse_args()\n'
        ),
    }
    found = _findings(tmp_path / "litellm", files)
    assert any("`zai/glm-4.6`" in f and "(`app/llm.py`)" in f for f in found["app/cli.py"]), found
    files["app/chat.py"] = "from openai import OpenAI\n\nclient = OpenAI()\n"
    found = _findings(tmp_path / "mixed", files)
    assert not any("zai/" in f for f in found["app/cli.py"]), found
    assert any(f.startswith("GLM108") for f in found["app/cli.py"]), found


def test_a_legacy_call_a_test_patches_by_name_is_converted_by_hand(tmp_path: Path) -> None:
    """`mock.patch("openai.ChatCompletion.create")` in the tests' conftest: converted alone, the
    call would go to `openai.chat.completions.create`, past the stand-in returning dicts."""
    files = {
        "app/__init__.py": "",
        "app/chat.py": (
            "import openai\n\n\ndef reply(messages):\n"
            '    response = openai.ChatCompletion.create(model="gpt-4o-mini", messages=messages)\n'
            '    return response["choices"][0]["message"]["content"]\n'
        ),
        "tests/conftest.py": (
            "from unittest import mock\n\nimport pytest\n\n\n@pytest.fixture(autouse=True)\ndef fake_chat():\n"
            '    with mock.patch("openai.ChatCompletion.create") as fake:\n        yield fake\n'
        ),
    }
    found = _findings(tmp_path / "patched", files)
    assert any(
        f.startswith("GLM303") and "`tests/conftest.py` patches `openai.ChatCompletion` by name" in f
        for f in found["app/chat.py"]
    ), found
    del files["tests/conftest.py"]
    found = _findings(tmp_path / "alone", files)
    assert not any("patches" in f for f in found["app/chat.py"]), found


def test_dict_reads_a_test_answers_with_a_dict_wait_for_that_test(tmp_path: Path) -> None:
    """`tests/test_chat.py` patches the app's `chat.completions.create` with a dict reply: the
    app's dict reads, read as attributes, would no longer fit that stand-in, so they are unsafe;
    a stand-in left a MagicMock fits both."""
    files = {
        "app/__init__.py": "",
        "app/chat.py": (
            "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef reply(messages):\n"
            '    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)\n'
            '    return response["choices"][0]["message"]["content"]\n'
        ),
        "tests/test_chat.py": (
            "from unittest import mock\n\nfrom app import chat\n\n\ndef test_reply():\n"
            '    fake = {"choices": [{"message": {"content": "hi"}}]}\n'
            '    with mock.patch("app.chat.client.chat.completions.create", return_value=fake):\n'
            '        assert chat.reply([]) == "hi"\n'
        ),
    }
    found = _findings(tmp_path / "faked", files)
    assert any(
        f.startswith("GLM304") and "`tests/test_chat.py` patches `chat.completions.create` with a dict" in f
        for f in found["app/chat.py"]
    ), found
    files["tests/test_chat.py"] = files["tests/test_chat.py"].replace("return_value=fake", "autospec=True")
    found = _findings(tmp_path / "mocked", files)
    assert any(f.startswith("GLM304") for f in found["app/chat.py"]), found
    assert not any("patches" in f for f in found["app/chat.py"]), found


def test_a_key_setting_another_module_sends_in_a_request_is_not_renamed_with_its_client(tmp_path: Path) -> None:
    """`keys.py` builds its client from its `OPENAI_API_KEY` setting (a safe rename alone), and
    `billing.py` imports the setting and sends it itself to OpenAI, in `auth=` or in headers kept
    in a name: renamed, that request would carry a Z.AI key to OpenAI, so the rename is manual
    and names the module sending it; the client still moves with a key of its own."""
    keys = (
        "import os\n\nfrom openai import OpenAI\n\nOPENAI_API_KEY = os.getenv('OPENAI_API_KEY')\n"
        "client = OpenAI(api_key=OPENAI_API_KEY)\n\n\ndef ask(q):\n"
        "    return client.chat.completions.create(model='glm-4.6', messages=q)\n"
    )
    usage = "https://api.openai.com/v1/usage"
    bodies = [
        f"def spent():\n    return requests.get('{usage}', auth=('', OPENAI_API_KEY))\n",
        "def spent():\n    headers = {'Authorization': f'Bearer {OPENAI_API_KEY}'}\n"
        f"    return requests.get('{usage}', headers=headers)\n",
    ]
    for n, body in enumerate(bodies):
        files = {"keys.py": keys, "billing.py": "import requests\n\nfrom keys import OPENAI_API_KEY\n\n\n" + body}
        findings = _findings(tmp_path / str(n), files)
        assert any(
            f.startswith("GLM009") and "`billing` hands the setting on as data" in f for f in findings["keys.py"]
        ), findings
        fixes = _fixes(tmp_path / str(n), files, "keys.py")
        assert "GLM009" not in fixes, fixes
        assert fixes["GLM001"][0] == "safe", fixes
    del files["billing.py"]
    assert _fixes(tmp_path / "alone", files, "keys.py")["GLM009"][0] == "safe"


def test_a_key_setting_another_module_hands_on_as_data_is_renamed_by_hand(tmp_path: Path) -> None:
    """`keys.py` reads OPENAI_API_KEY into a setting that `views.py` puts in a dict it sends on
    (a JSON response for a browser calling OpenAI, a request's headers), not into a client: the
    rename (GLM009's unsafe fix) would give that reader a Z.AI key for OpenAI, so it is manual and
    names the reader. Django's `settings.X` counts as the settings module's variable."""
    view = "def key_view(request):\n    return JsonResponse({{'api_key': {read}}})\n"
    header = "def ask(q):\n    return requests.post(URL, headers={{'Authorization': f'Bearer {{{read}}}'}})\n"
    cases = [
        ("keys.py", "from keys import OPENAI_API_KEY\n", "OPENAI_API_KEY", view),
        ("keys.py", "import keys\n", "keys.OPENAI_API_KEY", header),
        ("site/settings.py", "from django.conf import settings\n", "settings.OPENAI_API_KEY", view),
    ]
    for n, (setting, imports, read, body) in enumerate(cases):
        files = {
            setting: "import os\n\nOPENAI_API_KEY = os.getenv('OPENAI_API_KEY')\n",
            "views.py": imports + "\n" + body.format(read=read),
        }
        findings = _findings(tmp_path / str(n), files)
        assert findings[setting] == [
            "GLM009 `OPENAI_API_KEY` is OpenAI's variable, and `views` hands the setting on as data (in a "
            "response, a request's headers or auth), to a library that keeps talking to OpenAI or to a client only "
            "a person moves (its key set after it is built), not to a client moved here: "
            "read `ZAI_API_KEY` only where the key goes to a client moved to Z.AI"
        ], findings
        assert "GLM009" not in _fixes(tmp_path / str(n), files, setting)
    # a setting another module only gives to a client stays an unsafe rename
    files = {
        "keys.py": "import os\n\nOPENAI_API_KEY = os.getenv('OPENAI_API_KEY')\n",
        "bot.py": _BOT.replace("from keys import api_key", "from keys import OPENAI_API_KEY as api_key"),
    }
    assert _fixes(tmp_path / "client", files, "keys.py")["GLM009"][0] == "unsafe"
    # ... but one set as a client's key after it is built (`client.api_key = OPENAI_API_KEY`):
    # that client stays with OpenAI until a person moves it (AlekVolok/My-Telegram-ChatBot)
    files["bot.py"] = _BOT.replace("from keys import api_key", "from keys import OPENAI_API_KEY").replace(
        "OpenAI(api_key=api_key)", "OpenAI()\nclient.api_key = OPENAI_API_KEY"
    )
    findings = _findings(tmp_path / "after", files)
    assert any(f.startswith("GLM009") and "`bot` hands the setting on" in f for f in findings["keys.py"]), findings
    assert "GLM009" not in _fixes(tmp_path / "after", files, "keys.py")


def test_a_test_setting_openais_key_for_a_library_no_module_of_the_run_moves_is_not_renamed(tmp_path: Path) -> None:
    """A test setting `OPENAI_API_KEY` where no module of the run reads it nor imports anything
    glm-migrate moves (the code calls OpenAI through a library that reads the variable itself,
    `llm`'s OpenAI plugin in datasette/datasette-extract) is not offered the rename: nothing of the
    run moves to Z.AI, and renamed, that library would run without its key."""
    files = {
        "plugin.py": "import llm\n\n\ndef ask(q):\n    return llm.get_model('gpt-4o-mini').prompt(q).text()\n",
        "tests/test_plugin.py": "import plugin\n\n\n"
        "def test_ask(monkeypatch):\n    monkeypatch.setenv('OPENAI_API_KEY', 'sk-test')\n"
        "    monkeypatch.delenv('OPENAI_BASE_URL', raising=False)\n    plugin.ask('hi')\n",
    }
    assert _applicabilities(tmp_path, files, "tests/test_plugin.py")["GLM009"] == "manual"
    report = next(r for r in run(_tree(tmp_path / "m", files), Settings(), jobs=1) if r.path.name == "test_plugin.py")
    messages = [d.message for d in report.diagnostics if d.code == "GLM009"]
    assert len(messages) == 2 and all("no module of this run" in m for m in messages)
    # ... also where that code names no model id, so the pre-check lets it pass unread
    files["plugin.py"] = "import llm\n\n\ndef ask(q, name):\n    return llm.get_model(name).prompt(q).text()\n"
    assert _applicabilities(tmp_path / "n", files, "tests/test_plugin.py")["GLM009"] == "manual"
    # code of the run building an SDK client (or reading the variable) keeps the rename
    files["plugin.py"] = "from openai import OpenAI\n\nclient = OpenAI()\n"
    assert _applicabilities(tmp_path / "b", files, "tests/test_plugin.py")["GLM009"] in ("safe", "unsafe")
    files["plugin.py"] = "import os\n\nKEY = os.environ['OPENAI_API_KEY']\n"
    assert _applicabilities(tmp_path / "c", files, "tests/test_plugin.py")["GLM009"] in ("safe", "unsafe")
    # a test alone in the run: nothing tells, the rename stays offered
    only = {"tests/test_plugin.py": files["tests/test_plugin.py"]}
    assert _applicabilities(tmp_path / "d", only, "tests/test_plugin.py")["GLM009"] == "unsafe"


def test_a_chat_model_another_module_pipes_a_system_only_template_into_waits(tmp_path: Path) -> None:
    """`app/llm.py` builds `chat_model = ChatOpenAI(...)` (a safe move alone), and
    `app/summary.py` imports it and pipes `ChatPromptTemplate.from_messages([("system", "...
    {text}")])` into it: moved, the class would send Z.AI a conversation it rejects, so GLM221
    reports it where the class is built, naming the module, and the class waits in a safe run."""
    llm = (
        "import os\n\nfrom langchain_openai import ChatOpenAI\n\n"
        "chat_model = ChatOpenAI(model='gpt-4o-mini', api_key=os.environ['OPENAI_API_KEY'])\n"
    )
    piping = (
        "from langchain_core.prompts import ChatPromptTemplate\n\nfrom app.llm import chat_model\n\n"
        "prompt = ChatPromptTemplate.from_messages([{messages}])\nchain = prompt | {model}\n"
    )
    system_only = "('system', 'Summarize this text: {text}')"
    for n, model in enumerate(("chat_model", "chat_model.with_structured_output(Summary)")):
        files = {
            "app/__init__.py": "",
            "app/llm.py": llm,
            "app/summary.py": piping.format(messages=system_only, model=model),
        }
        findings = _findings(tmp_path / str(n), files)
        assert any(
            f.startswith("GLM221") and "piped only `system` messages in `app.summary`" in f
            for f in findings["app/llm.py"]
        ), findings
        assert _fixes(tmp_path / str(n), files, "app/llm.py").get("GLM006", ("unsafe",))[0] != "safe"
    # a template with a user turn: the class moves
    files["app/summary.py"] = piping.format(messages=system_only + ", ('human', '{text}')", model="chat_model")
    findings = _findings(tmp_path / "user", files)
    assert not any(f.startswith("GLM221") for f in findings["app/llm.py"]), findings
    assert _fixes(tmp_path / "user", files, "app/llm.py")["GLM006"][0] == "safe"


def test_a_client_forwarded_through_many_helpers_is_followed_once_per_helper(monkeypatch: object) -> None:
    """Five layers of modules, each function forwarding its client to all five functions of the
    next layer (a test module's fixtures handing one client around): the calls made through the
    client are the last layer's, and each helper is read once per depth, not once per path to it
    (5 ** 4 paths, which made a run over such a tree take minutes)."""
    width, layers = 5, 5
    summaries: dict[str, ModuleSummary] = {}
    for layer in range(layers):
        if layer == layers - 1:
            body = "    return client.files.create(file=b'', purpose='batch')\n"
            head = ""
        else:
            head = "".join(f"from step{layer + 1} import f{i} as n{i}\n" for i in range(width))
            body = "".join(f"    n{i}(client)\n" for i in range(width))
        summaries[f"step{layer}.py"] = _summary(head + "".join(f"def f{i}(client):\n{body}" for i in range(width)))
    summaries["main.py"] = _summary(
        "from openai import OpenAI\n\nfrom step0 import f0\n\ndef main():\n    f0(OpenAI())\n"
    )
    index = _index(summaries)
    calls = 0
    uses = index._client_uses

    def counted(path: PurePath, name: str, depth: int = 0) -> tuple[tuple[str, int, str], ...]:
        nonlocal calls
        calls += 1
        return uses(path, name, depth)

    index._client_uses = counted  # type: ignore[method-assign]
    facts = index.facts_for(PurePath("main.py"))
    assert facts.client_functions["step0.f0"] == (("client", 0, "files.create"),)
    assert calls <= width * width * layers, calls  # each helper read once, its callees looked up


def test_a_relative_import_outside_any_package_run_from_its_folder(tmp_path: Path) -> None:
    """`from .upload import Upload` in a script of a folder without `__init__.py`, no `upload.py`
    beside it, the run given `.` (or `n.py`) from that folder: looking for `Upload` as a class
    of the module `.`, the index looked for that empty name as the file `.py` of the folder
    `.`, and the whole run stopped with a ValueError."""
    files = {"n.py": "from openai import OpenAI\nfrom .upload import Upload\n\nclient = OpenAI()\n"}
    _tree(tmp_path, files)
    for target in (".", "n.py"):
        result = glm_migrate(target, "--check", "--no-cache", cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "n.py:4:10 GLM001" in result.stdout, result.stdout


def test_a_test_unsetting_openais_key_for_clients_a_factory_builds_is_not_renamed_safely(tmp_path: Path) -> None:
    """`providers.py` hands `OpenAI` to a factory of its own (`make(OpenAI, kwargs)`, its
    `api_key` a parameter that may be None): those clients read `OPENAI_API_KEY` themselves and no fix moves them (GLM002 manual). A test's
    `monkeypatch.delenv("OPENAI_API_KEY")` is then set-up for code that keeps reading it, and a
    safe rename to `ZAI_API_KEY` would unset a variable nothing reads (and raise KeyError where it
    is unset: posit-dev/chatlas)."""
    files = {
        "lib/__init__.py": "",
        "lib/providers.py": "from openai import OpenAI\n\n\ndef make(cls, kwargs):\n    return cls(**kwargs)\n\n\n"
        "class Provider:\n    def __init__(self, api_key=None):\n"
        "        self.client = make(OpenAI, {'api_key': api_key})\n",
        "lib/other.py": "from openai import OpenAI\n\n\ndef build(key, url):\n    return OpenAI(api_key=key, base_url=url)\n",
        "tests/test_providers.py": "from lib.providers import Provider\n\n\n"
        "def test_without_key(monkeypatch):\n    monkeypatch.delenv('OPENAI_API_KEY', raising=False)\n"
        "    assert Provider() is not None\n",
    }
    # reported without a fix: even --unsafe-fixes leaves those clients reading OpenAI's variable
    assert _applicabilities(tmp_path, files, "tests/test_providers.py")["GLM009"] == "manual"
    report = next(
        r for r in run(_tree(tmp_path / "m", files), Settings(), jobs=1) if r.path.name == "test_providers.py"
    )
    assert any("keeps reading `OPENAI_API_KEY`" in d.message for d in report.diagnostics if d.code == "GLM009")
    # without the factory, the only client passing both options itself: the rename is safe
    files["lib/providers.py"] = "class Provider:\n    pass\n"
    assert _applicabilities(tmp_path / "b", files, "tests/test_providers.py")["GLM009"] == "safe"


def test_a_client_handed_to_a_method_whose_parameter_may_be_azures_waits_for_its_model_id(tmp_path: Path) -> None:
    """`lib/machine.py` declares `client: Union[AsyncAzureOpenAI, AsyncOpenAI]` and sends its
    default `model="gpt-4o-2024-08-06"` through it: GLM101 leaves that id to a person (an Azure
    client's model is a deployment name). An example building `AsyncOpenAI()` and handing it to
    `Machine().run(client, ...)` would, moved by a safe fix, send that OpenAI id to Z.AI
    (searchX/moorellm): it waits, naming the call, as for an id a module cannot tie to a client."""
    lib = (
        "from typing import Union\n\nimport openai\n\n\nclass Machine:\n"
        "    async def run(self, client: {annotation}, prompt, model='gpt-4o-2024-08-06'):\n"
        "        done = await client.chat.completions.create(model=model, messages=[{{'role': 'user', 'content': prompt}}])\n"
        "        return done.choices[0].message.content\n"
    )
    files = {
        "lib/__init__.py": "from .machine import Machine\n",
        "lib/machine.py": lib.format(annotation="Union[openai.AsyncAzureOpenAI, openai.AsyncOpenAI]"),
        "examples/light.py": "import openai\n\nfrom lib import Machine\n\nmachine = Machine()\n\n\n"
        "async def main():\n    client = openai.AsyncOpenAI()\n    print(await machine.run(client, 'hi'))\n",
    }
    fixes = _fixes(tmp_path, files, "examples/light.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`lib.Machine.run`" in fixes["GLM002"][1], fixes
    # a parameter only OpenAI's client: the id is rewritten there, and the client moves
    files["lib/machine.py"] = lib.format(annotation="openai.AsyncOpenAI")
    assert _fixes(tmp_path / "b", files, "examples/light.py")["GLM002"][0] == "safe"


def test_a_client_handed_on_through_kwargs_waits_for_the_ids_sent_there(tmp_path: Path) -> None:
    """`def plan(prompt, **kwargs): client = kwargs["client"]` sends `gpt-4o-mini` through the
    client its callers pass as `client=` (KUMA-ORIGINAL/studai-backend's `generate_plan`): the
    caller's `OpenAI()`, moved by a safe fix, would send that OpenAI id to Z.AI, where GLM103
    leaves it as a note. The key of `**kwargs` is read as a keyword-only parameter, so the client
    waits, naming the call, as for `def plan(prompt, client)`; also for `kwargs.get("llm")`."""
    files = {
        "planner.py": "def plan(prompt, **kwargs):\n    client = kwargs['client']\n"
        "    return client.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "def embed(text, **options):\n    llm = options.get('llm')\n"
        "    return llm.embeddings.create(model='text-embedding-3-small', input=text)\n",
        "app.py": "from openai import OpenAI\n\nfrom planner import embed, plan\n\nclient = OpenAI()\n"
        "print(plan('a trip', client=client))\n",
        "index.py": "from openai import OpenAI\n\nfrom planner import embed\n\nembedder = OpenAI()\n"
        "print(embed('a text', llm=embedder))\n",
    }
    fixes = _fixes(tmp_path, files, "app.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`planner.plan`" in fixes["GLM002"][1], fixes
    fixes = _fixes(tmp_path / "b", files, "index.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`planner.embed`" in fixes["GLM002"][1], fixes
    # passed under another keyword, the client is not the one the call is made through
    files["app.py"] = files["app.py"].replace("client=client", "helper=client")
    assert _fixes(tmp_path / "c", files, "app.py")["GLM002"][0] == "safe"


def test_a_client_handed_to_a_function_setting_its_base_url_waits(tmp_path: Path) -> None:
    """`patch(OpenAI())`, whose `patch(client)` in another module points a client built for
    OpenAI's URL at another server (`client.base_url = ASSIST_URL`, astra-assistants): moved to
    Z.AI by a safe fix, the client would no longer be re-pointed and would skip that server. It
    waits, naming the function; a function that only makes calls through it does not hold it."""
    files = {
        "lib/__init__.py": "",
        "lib/patching.py": "import os\n\n\ndef patch(client):\n"
        "    if client.base_url == 'https://api.openai.com/v1/':\n"
        "        client.base_url = os.getenv('ASSIST_URL', 'https://assist.example.com/v1')\n    return client\n",
        "app.py": "from openai import OpenAI\n\nfrom lib.patching import patch\n\nclient = patch(OpenAI())\n"
        "print(client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': 'hi'}]))\n",
    }
    fixes = _fixes(tmp_path, files, "app.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`lib.patching.patch`" in fixes["GLM002"][1] and "`base_url`" in fixes["GLM002"][1], fixes
    # `from lib import patch`, `lib/__init__.py` re-exporting `patch` from its submodule `lib/patch.py`:
    # the package's name is the function, which hides the submodule
    shadowed = {
        "lib/__init__.py": "from .patch import patch\n",
        "lib/patch.py": files["lib/patching.py"],
        "app.py": files["app.py"].replace("from lib.patching import patch", "from lib import patch"),
    }
    fixes = _fixes(tmp_path / "s", shadowed, "app.py")
    assert fixes["GLM002"][0] == "unsafe" and "`lib.patch`" in fixes["GLM002"][1], fixes
    files["lib/patching.py"] = "def patch(client):\n    client.timeout = 30\n    return client\n"
    assert _fixes(tmp_path / "b", files, "app.py")["GLM002"][0] == "safe"


def test_a_setting_handed_to_another_modules_model_parameter_holds_the_client(tmp_path: Path) -> None:
    """`config.py` keeps `MODEL_NAME = "gpt-4o"`, which `pick.py` hands to `OpenAIAgent(model=
    MODEL_NAME)` of `agents/oai.py` (whose `__init__` keeps it for `self.client.chat.completions
    .create(model=self.model)`) and to an Anthropic agent too (AngKM/RAG): the setting changes
    only with --unsafe-fixes, so the agent's client, moved by a safe fix, would send `gpt-4o` to
    Z.AI. The client waits, naming the setting and the module handing it; so does a plain
    function's (`ask(q, model=MODEL_NAME)`), also passed by position."""
    files = {
        "config.py": 'MODEL_NAME = "gpt-4o"\n',
        "agents/__init__.py": "",
        "agents/oai.py": "from openai import OpenAI\n\n\nclass OpenAIAgent:\n"
        "    def __init__(self, model):\n        self.client = OpenAI()\n        self.model = model\n\n"
        "    def ask(self, q):\n"
        "        return self.client.chat.completions.create(model=self.model, messages=[{'role': 'user', 'content': q}])\n",
        "agents/other.py": "import anthropic\n\n\nclass ClaudeAgent:\n"
        "    def __init__(self, model):\n        self.client = anthropic.Anthropic()\n        self.model = model\n",
        "pick.py": "from config import MODEL_NAME\nfrom agents.oai import OpenAIAgent\nfrom agents.other import ClaudeAgent\n\n\n"
        "def make(company):\n    if company == 'OpenAI':\n        return OpenAIAgent(model=MODEL_NAME)\n"
        "    return ClaudeAgent(model=MODEL_NAME)\n",
    }
    fixes = _fixes(tmp_path / "a", files, "agents/oai.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`config.MODEL_NAME`, which `pick` passes to `OpenAIAgent`" in fixes["GLM002"][1], fixes
    assert _fixes(tmp_path / "a", files, "config.py")["GLM108"][0] == "unsafe"
    # a setting holding a GLM id already leaves nothing to wait for
    glm = {**files, "config.py": 'MODEL_NAME = "glm-4.6"\n'}
    assert _fixes(tmp_path / "g", glm, "agents/oai.py")["GLM002"][0] == "safe"
    # the class defined in the module handing it the setting
    own = {k: v for k, v in files.items() if k != "agents/oai.py"}
    own["pick.py"] = (
        "from config import MODEL_NAME\nfrom agents.other import ClaudeAgent\n"
        + files["agents/oai.py"]
        + "\n\nAGENTS = [OpenAIAgent(model=MODEL_NAME), ClaudeAgent(model=MODEL_NAME)]\n"
    )
    fixes = _fixes(tmp_path / "o", own, "pick.py")
    assert fixes["GLM002"][0] == "unsafe" and "`config.MODEL_NAME`" in fixes["GLM002"][1], fixes
    # a plain function, the setting passed by position, through `import config`
    files["agents/oai.py"] = (
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef ask(q, model):\n"
        "    return client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': q}])\n"
    )
    files["pick.py"] = "import config\nfrom agents.oai import ask\n\nprint(ask('hi', config.MODEL_NAME))\n"
    fixes = _fixes(tmp_path / "b", files, "agents/oai.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`config.MODEL_NAME`" in fixes["GLM002"][1], fixes
    # ... or as the default of the passing function's own parameter (`def judge(q, model=
    # DEFAULT_MODEL)`, krzischp/handoff-eval), by keyword or position
    for n, call in enumerate(("ask(q, model)", "ask(q, model=model)")):
        files["pick.py"] = (
            f"from config import MODEL_NAME\nfrom agents.oai import ask\n\n\ndef judge(q, model=MODEL_NAME):\n    return {call}\n"
        )
        fixes = _fixes(tmp_path / f"d{n}", files, "agents/oai.py")
        assert (
            fixes["GLM002"][0] == "unsafe" and "`config.MODEL_NAME`, which `pick` passes to `ask`" in fixes["GLM002"][1]
        ), fixes
    # a literal passed there is rewritten where it is written: the client moves
    files["pick.py"] = "from agents.oai import ask\n\nprint(ask('hi', 'gpt-4o'))\n"
    assert _fixes(tmp_path / "c", files, "agents/oai.py")["GLM002"][0] == "safe"


_WRAPPER = (
    "import os\n\nfrom openai import OpenAI\n\n\nclass Client:\n    def __init__(self):\n"
    "        self.client = OpenAI(api_key=os.environ.get('OPENAI_API_KEY'))\n"
)


def test_calls_through_a_wrapper_objects_client_in_modules_importing_no_sdk(tmp_path: Path) -> None:
    """`wrap.py` keeps `self.client = OpenAI()` in a wrapper class; `main.py` builds the wrapper
    and hands it to `agent.py`'s class, which imports no SDK and calls
    `self.wrapper.client.beta.assistants.create(...)` (automata): Z.AI lacks Assistants, so the
    wrapper's client waits, naming the call and its module; a chat call through the wrapper's
    attribute there (`wrapper.client.chat.completions.create(model=...)`), whose id no fix in that
    module rewrites, holds it too."""
    files = {
        "wrap.py": _WRAPPER,
        "agent.py": "class Agent:\n    def __init__(self, wrapper):\n        self.wrapper = wrapper\n\n"
        "    def create(self):\n        return self.wrapper.client.beta.assistants.create(model='gpt-4o', name='a')\n",
        "main.py": "from agent import Agent\nfrom wrap import Client\n\nAgent(Client()).create()\n",
    }
    fixes = _fixes(tmp_path, files, "wrap.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`assistants.create` in `agent`" in fixes["GLM002"][1] and "lacks" in fixes["GLM002"][1], fixes
    # ... and the call is reported where it is made, as a route Z.AI lacks
    found = _findings(tmp_path / "seen", files)
    assert any(f.startswith("GLM301 `assistants.create`") for f in found["agent.py"]), found
    # a plain function given the wrapper, in a module the wrapper's module reaches only through `main`
    files["agent.py"] = (
        "def ask(wrapper, q):\n    return wrapper.client.chat.completions.create("
        "model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n"
    )
    files["main.py"] = "from agent import ask\nfrom wrap import Client\n\nprint(ask(Client(), 'hi'))\n"
    fixes = _fixes(tmp_path / "chat", files, "wrap.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`chat.completions.create` in `agent`" in fixes["GLM002"][1], fixes
    # its id, now seen, moves only with the client, which waits
    assert _fixes(tmp_path / "chat2", files, "agent.py")["GLM101"][0] == "unsafe"
    # an instance kept in a module the caller imports (`from shared import wrapper`)
    imported = {
        "wrap.py": _WRAPPER,
        "shared.py": "from wrap import Client\n\nwrapper = Client()\n",
        "b.py": "from shared import wrapper\n\n\ndef make():\n"
        "    return wrapper.client.beta.assistants.create(model='gpt-4o', name='a')\n",
    }
    fixes = _fixes(tmp_path / "imported", imported, "wrap.py")
    assert fixes["GLM002"][0] == "unsafe" and "`assistants.create` in `b`" in fixes["GLM002"][1], fixes
    found = _findings(tmp_path / "imported_seen", imported)
    assert any(f.startswith("GLM301 `assistants.create`") for f in found["b.py"]), found
    # a module the wrapper's never meets (no import connects them) does not hold it
    files["main.py"] = "from wrap import Client\n\nwrapper = Client()\n"
    assert _fixes(tmp_path / "apart", files, "wrap.py")["GLM002"][0] == "safe"


def test_an_id_left_where_it_is_passed_to_another_modules_model_parameter_holds_the_client(tmp_path: Path) -> None:
    """`run.py` hands `--engine`'s default `"gpt-4o"` to `Worker(key, engine=args.engine)` of
    `worker.py`, whose `__init__` keeps it for `self.api.chat.completions.create(model=...)`,
    and also tests it (`if "gpt" in args.engine:`): the id is left to a person there, so the
    worker's client, moved by a safe fix, would send `gpt-4o` to Z.AI. It waits,
    naming the id and the module passing it; an id rewritten where it is passed moves with it."""
    files = {
        "worker.py": "from openai import OpenAI\n\n\nclass Worker:\n"
        "    def __init__(self, key, engine):\n        self.api = OpenAI(api_key=key, timeout=30)\n"
        "        self.engine = engine\n\n"
        "    def run(self, text):\n        return self.api.chat.completions.create(\n"
        "            model=self.engine, messages=[{'role': 'user', 'content': text}]\n        )\n",
        "run.py": "import argparse\n\nfrom worker import Worker\n\n"
        "parser = argparse.ArgumentParser()\nparser.add_argument('--engine', default='gpt-4o')\n"
        "args = parser.parse_args()\nif 'gpt' in args.engine:\n"
        "    print(Worker('k', engine=args.engine).run('hi'))\n",
    }
    fixes = _fixes(tmp_path / "a", files, "worker.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`gpt-4o`, which `run` passes to `Worker`" in fixes["GLM002"][1], fixes
    # a plain function given the id by position, left there by hand as well
    files["worker.py"] = (
        "from openai import OpenAI\n\napi = OpenAI()\n\n\ndef run(engine, text):\n"
        "    return api.chat.completions.create(model=engine, messages=[{'role': 'user', 'content': text}])\n"
    )
    files["run.py"] = (
        "from worker import run\n\nENGINE = 'gpt-4o'\nPRICES = {'gpt-4o': 5}\n\n"
        "print(run(ENGINE, 'hi'), PRICES[ENGINE])\n"
    )
    fixes = _fixes(tmp_path / "b", files, "worker.py")
    assert fixes["GLM002"][0] == "unsafe" and "`gpt-4o`, which `run` passes to `run`" in fixes["GLM002"][1], fixes
    # the same id rewritten where it is passed: the client moves with it
    files["run.py"] = "from worker import run\n\nprint(run('gpt-4o', 'hi'))\n"
    assert _fixes(tmp_path / "c", files, "worker.py")["GLM002"][0] == "safe"


def test_an_id_passed_to_another_modules_function_whose_client_only_a_person_moves_waits_with_it(
    tmp_path: Path,
) -> None:
    """`grader.py` sets OPENAI_API_KEY itself (`getpass`) for its module-level client, which only
    a person moves (lad6558/LLMasJudge's `core.py`); `run.py` passes `judge_model = "gpt-4o-mini"`
    to its `evaluate(judge_model)`, which hands it on to `judge(q, judge=...)`, and a parameter's
    default to `judge` itself. GLM108's unsafe fix sent `glm-4.6` to OpenAI, and the default was
    called data (GLM103): both are now GLM101's, for a person, with the client."""
    files = {
        "grader.py": "import getpass\nimport os\n\nfrom openai import OpenAI\n\n\ndef _ask(var):\n"
        "    if not os.environ.get(var):\n        os.environ[var] = getpass.getpass(var)\n\n\n"
        "_ask('OPENAI_API_KEY')\nclient = OpenAI()\n\n\ndef judge(q, judge='gpt-4o'):\n"
        "    return client.chat.completions.create(model=judge, messages=[{'role': 'user', 'content': q}])\n\n\n"
        "def evaluate(judge_model, questions):\n    return [judge(q, judge=judge_model) for q in questions]\n",
        "run.py": "from grader import evaluate, judge\n\n\ndef main():\n    judge_model = 'gpt-4o-mini'\n"
        "    return evaluate(judge_model, ['a'])\n\n\ndef grading(strict=False, judge_name='gpt-4o-mini'):\n"
        "    return judge('b', judge=judge_name)\n",
    }
    found = _findings(tmp_path, files)
    manual = [f for f in found["run.py"] if f.startswith("GLM101 Model id `gpt-4o-mini` sent by `grader.")]
    assert len(manual) == 2, found
    assert not any(f.startswith(("GLM108", "GLM103")) for f in found["run.py"]), found
    fixes = _fixes(tmp_path / "u", files, "run.py")
    assert "GLM108" not in fixes and "GLM101" not in fixes, fixes


def test_calls_through_a_parameter_in_a_module_importing_no_sdk_are_reported_there(tmp_path: Path) -> None:
    """`threads.py` imports no SDK and calls `client.beta.threads.create()` through a parameter;
    `app.py` builds `OpenAI()`, chats with it and hands it on (Conrad-X/chatbot-server,
    automata's `eng_team/utils.py`): the client waits for those calls, and the calls are
    reported where they are made, naming the module handing the client. A function no module of
    the run hands a client stays unreported, and so does the same call handed a client of
    another server."""
    files = {
        "threads.py": "def start(client):\n    return client.beta.threads.create()\n\n\n"
        "def post(client, thread_id, text):\n"
        "    return client.beta.threads.messages.create(thread_id, role='user', content=text)\n\n\n"
        "def drop(client, thread_id):\n    return client.beta.threads.delete(thread_id)\n",
        "app.py": "from openai import OpenAI\n\nfrom threads import post, start\n\nclient = OpenAI()\n"
        "thread = start(client)\npost(client, thread.id, 'hi')\n"
        "print(client.chat.completions.create(model='gpt-4o', messages=[]))\n",
    }
    found = _findings(tmp_path, files)
    threads = found["threads.py"]
    assert any(f.startswith("GLM301 `threads.create`") and "handed here by `app`" in f for f in threads), found
    assert any(f.startswith("GLM301 `threads.messages.create`") and "`app`" in f for f in threads), found
    assert not any("threads.delete" in f for f in threads), found  # `drop` is handed no client
    assert _fixes(tmp_path / "held", files, "app.py")["GLM002"][0] == "unsafe"
    # the same with a client of another server: its calls go there, nothing to report
    files["app.py"] = files["app.py"].replace("OpenAI()", "OpenAI(base_url='http://localhost:8000/v1')")
    assert not _findings(tmp_path / "other", files)["threads.py"]


def test_a_setting_reaching_another_modules_model_parameter_otherwise_holds_the_client(tmp_path: Path) -> None:
    """The fifty-fifth round's hold, for a setting handed on through a local name (`name =
    MODEL_NAME; OpenAIAgent(model=name)`) and for an attribute of an instance another module
    keeps (`settings.MODEL_NAME`, `settings = Settings()` in `config.py`): the agent's client
    waits, naming the setting and the module handing it."""
    agent = (
        "from openai import OpenAI\n\n\nclass OpenAIAgent:\n"
        "    def __init__(self, model):\n        self.client = OpenAI()\n        self.model = model\n\n"
        "    def ask(self, q):\n"
        "        return self.client.chat.completions.create(model=self.model, messages=[{'role': 'user', 'content': q}])\n"
    )
    local = {
        "config.py": 'MODEL_NAME = "gpt-4o"\n',
        "agent.py": agent,
        "main.py": "from agent import OpenAIAgent\nfrom config import MODEL_NAME\n\n\n"
        "def build():\n    name = MODEL_NAME\n    return OpenAIAgent(model=name)\n",
    }
    fixes = _fixes(tmp_path / "local", local, "agent.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`config.MODEL_NAME`, which `main` passes to `OpenAIAgent`" in fixes["GLM002"][1], fixes
    # a name bound twice may hold anything: not followed
    twice = {**local, "main.py": local["main.py"] + "    name = 'glm-4.6'\n"}
    assert _fixes(tmp_path / "twice", twice, "agent.py")["GLM002"][0] == "safe"
    instance = {
        "config.py": 'class Settings:\n    MODEL_NAME = "gpt-4o"\n\n\nsettings = Settings()\n',
        "agent.py": agent,
        "main.py": "from agent import OpenAIAgent\nfrom config import settings\n\n"
        "bot = OpenAIAgent(model=settings.MODEL_NAME)\n",
    }
    fixes = _fixes(tmp_path / "instance", instance, "agent.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`config.settings.MODEL_NAME`, which `main` passes" in fixes["GLM002"][1], fixes
    # with a GLM id there, nothing waits
    glm = {**instance, "config.py": instance["config.py"].replace("gpt-4o", "glm-4.6")}
    assert _fixes(tmp_path / "glm", glm, "agent.py")["GLM002"][0] == "safe"


def test_instances_of_a_langchain_subclass_built_in_other_modules_report_their_ids(tmp_path: Path) -> None:
    """`models/chat.py` subclasses LangChain's `ChatOpenAI` (and its completion model); other
    modules import the classes, through the package's `__init__` too, and build them with OpenAI
    ids (DemoGPT's `OpenAIChatModel(model="gpt-4o-mini")`): the ids are reported at the calls as
    the class's, not noted as data, and no fix touches them (the class picks the server)."""
    files = {
        "models/__init__.py": "from models.chat import Assistant, Writer\n",
        "models/chat.py": "from langchain_openai import ChatOpenAI, OpenAI\n\n\n"
        "class Assistant(ChatOpenAI):\n    def ask(self, q):\n        return self.invoke(q).content\n\n\n"
        "class Writer(OpenAI):\n    pass\n\n\nlocal = Assistant(model_name='gpt-4o')\n",
        "app.py": "from models import Assistant\n\nbot = Assistant(model='gpt-4o-mini', temperature=0)\n"
        "same = Assistant(model='gpt-4o', base_url='http://localhost:8000/v1')\n"
        "ids = ['gpt-4o-mini']\n",
        "tests/test_writer.py": "from models.chat import Writer\n\n\ndef test_it():\n"
        "    assert Writer(model='gpt-3.5-turbo-instruct').invoke('hi')\n",
    }
    found = _findings(tmp_path, files)
    app = found["app.py"]
    assert app[0].startswith("GLM006 `Assistant` (`models.chat.Assistant`) subclasses a LangChain OpenAI class"), app
    assert "`gpt-4o-mini` (`glm-4.6` on Z.AI)" in app[0], app
    # a call naming its own server is its own business; a list of ids stays data
    assert len([f for f in app if f.startswith("GLM006")]) == 1, app
    assert any(f.startswith("GLM103 Model id `gpt-4o-mini` used as data") for f in app), app
    writer = found["tests/test_writer.py"]
    assert writer[0].startswith("GLM006 `Writer` (`models.chat.Writer`) subclasses a LangChain OpenAI completion model")
    assert not any(f.startswith("GLM103") for f in writer), writer
    # an instance built where the class is defined, beside the class's own finding
    chat = found["models/chat.py"]
    assert any(f.startswith("GLM006 `Assistant` (`Assistant`)") and "`gpt-4o`" in f for f in chat), chat
    assert not any(f.startswith("GLM103") for f in chat), chat
    paths = _tree(tmp_path / "run", files)
    assert not any(r.changed for r in run(paths, Settings(unsafe_fixes=True), jobs=1))


def test_ids_passed_to_another_modules_responses_helper_are_reported_at_the_call(tmp_path: Path) -> None:
    """`llm.py`'s helper sends its `model` parameter (made a string again, `str(model)`) to
    `responses.create`, which Z.AI lacks; `bot.py` passes OpenAI ids, by position and by keyword
    (it-breakfast's `response_openai("gpt-4.1", ...)`): reported there as the request's ids with
    their GLM id, not noted as data, and left as they are (the request stays OpenAI's until a
    person rewrites it)."""
    files = {
        "llm.py": "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
        "def answer(model, question):\n"
        "    return client.responses.create(model=str(model), input=question).output_text\n",
        "bot.py": "from llm import answer\n\nprint(answer('gpt-4.1', 'hi'))\nprint(answer(model='gpt-4o-mini', question='hello'))\n"
        "print(answer('claude-sonnet-4-5', 'hi'))\n",
    }
    bot = _findings(tmp_path, files)["bot.py"]
    assert len(bot) == 2, bot
    assert bot[0].startswith("GLM101 Model id `gpt-4.1`") and "sent to `responses.create` by `llm.answer`" in bot[0]
    assert "pass `glm-4.6`" in bot[0] and "`gpt-4o-mini`" in bot[1], bot
    paths = _tree(tmp_path / "run", files)
    assert not any(r.changed for r in run(paths, Settings(), jobs=1) if r.path.name == "bot.py")


def test_a_client_whose_credentials_another_modules_class_sends_requests_with_waits(tmp_path: Path) -> None:
    """`Uploader(client=OpenAI())`, whose class in another module keeps the client and sends
    requests of its own with it (`requests.post(url, headers=self._client.auth_headers)`, a
    batch library's file upload): those requests are not seen, so moved by a safe fix the client
    would take them to Z.AI unseen. It waits, naming the class; one that reads only `timeout`
    does not hold it. So does a client whose `default_headers` this module sends itself."""
    files = {
        "store/__init__.py": "",
        "store/upload.py": "import requests\n\n\nclass Uploader:\n    def __init__(self, client):\n"
        "        self._client = client\n\n    def upload(self, data):\n"
        "        url = str(self._client.base_url) + 'files'\n"
        "        return requests.post(url, data=data, headers=self._client.auth_headers)\n",
        "app.py": "from openai import OpenAI\n\nfrom store.upload import Uploader\n\nclient = OpenAI()\n"
        "uploader = Uploader(client=client)\n\n\ndef ask(q):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n",
    }
    fixes = _fixes(tmp_path / "a", files, "app.py")
    assert fixes["GLM002"][0] == fixes["GLM101"][0] == "unsafe", fixes
    assert "`store.upload.Uploader`" in fixes["GLM002"][1] and "`auth_headers`" in fixes["GLM002"][1], fixes
    files["store/upload.py"] = files["store/upload.py"].replace(
        "headers=self._client.auth_headers", "timeout=self._client.timeout"
    )
    assert _fixes(tmp_path / "b", files, "app.py")["GLM002"][0] == "safe"
    alone = {
        "app.py": "import requests\nfrom openai import OpenAI\n\nclient = OpenAI()\n\n\ndef upload(data):\n"
        "    return requests.post('https://api.openai.com/v1/files', data=data, headers=client.default_headers)\n\n\n"
        "def ask(q):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n",
    }
    fixes = _fixes(tmp_path / "c", alone, "app.py")
    assert fixes["GLM002"][0] == "unsafe" and "`default_headers`" in fixes["GLM002"][1], fixes


def test_a_key_class_attribute_another_module_hands_to_llamaindex_keeps_its_name(tmp_path: Path) -> None:
    """`class Config: OPENAI_API_KEY = os.getenv("OPENAI_API_KEY")` in `config.py`, which
    `embed.py` hands to LlamaIndex's `OpenAIEmbedding(api_key=Config.OPENAI_API_KEY)`, a class no
    fix moves (jwfing/bookmark.ai): renamed, even by an unsafe fix, the setting would give OpenAI
    a Z.AI key. It is reported, naming the module; given Z.AI's `api_base`, the class moves with it."""
    files = {
        "app/__init__.py": "",
        "app/config.py": 'import os\n\n\nclass Config:\n    OPENAI_API_KEY = os.getenv("OPENAI_API_KEY")\n',
        "app/embed.py": "from llama_index.embeddings.openai import OpenAIEmbedding\n\nfrom app.config import Config\n\n\n"
        "def embedder():\n    return OpenAIEmbedding(api_key=Config.OPENAI_API_KEY)\n",
    }
    findings = _findings(tmp_path / "a", files)
    assert any("`app.embed` hands the setting on" in f for f in findings["app/config.py"]), findings
    assert "GLM009" not in _fixes(tmp_path / "a", files, "app/config.py")
    files["app/embed.py"] = files["app/embed.py"].replace(
        "(api_key=Config.OPENAI_API_KEY)", '(api_key=Config.OPENAI_API_KEY, api_base="https://api.z.ai/api/paas/v4/")'
    )
    assert "GLM009" in _fixes(tmp_path / "b", files, "app/config.py")


def test_a_base_url_defaulting_to_another_server_in_another_modules_class_leaves_the_client_alone(
    tmp_path: Path,
) -> None:
    """`AsyncOpenAI(base_url=self.config.base_url)` with `config: RouterConfig`, a dataclass of
    another module whose field defaults to a reseller's URL (ZenMux-1/zenmux-benchmark): the
    client goes to that server unless the program sets another, so its calls are not Z.AI's to
    judge (they were reported "if its client ... goes to Z.AI"). The same for a module constant
    imported (`from app.config import ROUTER_URL`). A default of OpenAI's URL, or none, still
    leaves the server a run-time choice."""
    config = (
        "from dataclasses import dataclass\n\n\nROUTER_URL = 'https://router.example.net/v1'\n\n\n"
        "@dataclass\nclass RouterConfig:\n    base_url: str = 'https://router.example.net/v1'\n"
        "    token: str = ''\n"
    )
    chat = (
        "from openai import AsyncOpenAI\n\nfrom app.config import ROUTER_URL, RouterConfig\n\n\n"
        "class Router:\n    def __init__(self, config: RouterConfig):\n        self.config = config\n\n"
        "    async def ask(self, q):\n"
        "        client = AsyncOpenAI(base_url=self.config.base_url, api_key=self.config.token)\n"
        "        return await client.chat.completions.create(model=q, max_completion_tokens=9, messages=[])\n\n\n"
        "async def direct(q):\n    client = AsyncOpenAI(base_url=ROUTER_URL)\n"
        "    return await client.chat.completions.create(model=q, max_completion_tokens=9, messages=[])\n"
    )
    files = {"app/__init__.py": "", "app/config.py": config, "app/chat.py": chat}
    assert _findings(tmp_path / "a", files)["app/chat.py"] == []
    openai = {**files, "app/config.py": config.replace("https://router.example.net/v1", "https://api.openai.com/v1")}
    found = _findings(tmp_path / "b", openai)["app/chat.py"]
    assert sum(f.startswith("GLM203") for f in found) == 2, found
    held = {**files, "app/config.py": config.replace("'https://router.example.net/v1'\n    token", "None\n    token")}
    found = _findings(tmp_path / "c", held)["app/chat.py"]
    assert sum(f.startswith("GLM203") for f in found) == 1, found
    # the module's own construction gives the field another value: no default the instances keep
    built = {**files, "app/config.py": config + "\n\nDEFAULT = RouterConfig(base_url=URL_FROM_ENV)\n"}
    found = _findings(tmp_path / "d", built)["app/chat.py"]
    assert sum(f.startswith("GLM203") for f in found) == 1, found


def test_a_wrappers_client_kept_for_assistants_reports_the_calls_of_the_helper_it_is_handed_to(
    tmp_path: Path,
) -> None:
    """`post_note(self.wrapper.client, ...)`: a wrapper of another module keeps the client
    (`ModuleFacts.wrapped_clients`), which stays on OpenAI because it serves only assistants and
    threads; the helper it is handed to (a module importing no SDK) calls `threads.messages.create`
    through it, which Z.AI lacks too (condronkyle/automata's `eng_team/utils.py`). Kept on OpenAI
    for those calls, the client was no client to hand on, and the helper's calls went unreported."""
    files = {
        "app/__init__.py": "",
        "app/wrap.py": "from openai import OpenAI\n\n\nclass Wrapper:\n    def __init__(self):\n"
        "        self.client = OpenAI()\n",
        "app/agent.py": "from app.helpers import post_note\n\n\nclass Agent:\n"
        "    def __init__(self, wrapper, name):\n        self.wrapper = wrapper\n"
        "        self.agent_id = self.wrapper.client.beta.assistants.create(name=name, model='gpt-4o').id\n\n"
        "    def note(self, thread_id, text):\n        return post_note(self.wrapper.client, thread_id, text)\n",
        "app/helpers.py": "def post_note(client, thread_id, text):\n"
        "    return client.beta.threads.messages.create(thread_id=thread_id, role='user', content=text)\n",
        "app/main.py": "from app.agent import Agent\nfrom app.wrap import Wrapper\n\nagent = Agent(Wrapper(), 'x')\n",
    }
    found = _findings(tmp_path, files)["app/helpers.py"]
    assert len(found) == 1 and found[0].startswith("GLM301") and "handed here by `app.agent`" in found[0], found


def test_a_base_url_after_a_class_attribute_url_in_an_or_chain_is_never_read(tmp_path: Path) -> None:
    """`base_url=self.settings.base or self.URL or os.getenv("OPENAI_API_BASE")` in a provider
    class with `URL = "https://inference.example.org/v1/"` (souhil25/any-llm's SambaNova
    provider): the chain stops at the class's URL, so OpenAI's variable is never read and the
    client goes to that server unless its settings name another; its calls were reported "if its
    client ... goes to Z.AI". A class attribute that may be None keeps the variable in play."""
    code = (
        "import os\n\nfrom openai import OpenAI\n\n\nclass Provider:\n    URL = 'https://inference.example.org/v1/'\n\n"
        "    def __init__(self, settings):\n        self.settings = settings\n\n    def ask(self, q):\n"
        "        client = OpenAI(base_url=self.settings.base or self.URL or os.getenv('OPENAI_API_BASE'))\n"
        "        return client.chat.completions.create(model=q, max_completion_tokens=9, messages=[])\n"
    )
    found = _findings(tmp_path / "a", {"app.py": code})["app.py"]
    assert not any(f.startswith(("GLM002", "GLM203")) for f in found), found
    maybe = code.replace("URL = 'https://inference.example.org/v1/'", "URL = None")
    found = _findings(tmp_path / "b", {"app.py": maybe})["app.py"]
    assert any(f.startswith("GLM203") for f in found), found


_HELPERS = (
    "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef ask(question, model):\n"
    "    return client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': question}])\n"
)


def test_a_setting_a_module_the_precheck_rejects_hands_to_another_modules_model_parameter_holds_the_client(
    tmp_path: Path,
) -> None:
    """`main.py` names no SDK, no model id and no API call: `from config import DEFAULT_MODEL`,
    `from helpers import ask`, `ask("hi", model=DEFAULT_MODEL)`. The pre-check turned it away, so
    the index never saw it hand `gpt-4o` (changed only with --unsafe-fixes) to `ask`, and the
    safe run moved `helpers.py`'s client: Z.AI got `gpt-4o`. A run whose modules define names
    another may hand something to reads the rejected files importing them, and summarises those
    (`runner._hand_offs_of`): the client waits, naming the setting and `main`."""
    files = {
        "config.py": 'DEFAULT_MODEL = "gpt-4o"\n',
        "helpers.py": _HELPERS,
        "main.py": "from config import DEFAULT_MODEL\nfrom helpers import ask\n\nprint(ask('hi', model=DEFAULT_MODEL))\n",
    }
    fixes = _fixes(tmp_path / "a", files, "helpers.py")
    assert fixes["GLM002"][0] == "unsafe", fixes
    assert "`config.DEFAULT_MODEL`, which `main` passes to `ask`" in fixes["GLM002"][1], fixes
    # with --unsafe-fixes both move together
    paths = _tree(tmp_path / "u", files)
    unsafe = {r.path.name: r for r in run(paths, Settings(unsafe_fixes=True), jobs=1)}
    assert unsafe["config.py"].output is not None and "glm-4.6" in unsafe["config.py"].output
    assert unsafe["helpers.py"].output is not None and "api.z.ai" in unsafe["helpers.py"].output
    variants = {
        # an alias of the function, the module imported under an alias, the setting's module imported
        "alias": "from config import DEFAULT_MODEL\nfrom helpers import ask as query\n\nprint(query('hi', DEFAULT_MODEL))\n",
        "module_alias": "from config import DEFAULT_MODEL\nimport helpers as h\n\nprint(h.ask('hi', model=DEFAULT_MODEL))\n",
        "config_module": "import config\nfrom helpers import ask\n\nprint(ask('hi', model=config.DEFAULT_MODEL))\n",
    }
    for name, main in variants.items():
        fixes = _fixes(tmp_path / name, {**files, "main.py": main}, "helpers.py")
        assert fixes["GLM002"][0] == "unsafe" and "`config.DEFAULT_MODEL`" in fixes["GLM002"][1], (name, fixes)
    # in a package, by relative imports
    package = {
        "app/__init__.py": "",
        "app/config.py": files["config.py"],
        "app/helpers.py": _HELPERS,
        "app/main.py": "from .config import DEFAULT_MODEL\nfrom . import helpers\n\nhelpers.ask('hi', DEFAULT_MODEL)\n",
    }
    fixes = _fixes(tmp_path / "p", package, "app/helpers.py")
    assert fixes["GLM002"][0] == "unsafe" and "`app.config.DEFAULT_MODEL`" in fixes["GLM002"][1], fixes
    # a rejected module handing `ask` nothing the run keeps: the client moves
    nothing = {**files, "main.py": "import sys\n\nfrom helpers import ask\n\nprint(ask('hi', sys.argv[1]))\n"}
    assert _fixes(tmp_path / "n", nothing, "helpers.py")["GLM002"][0] == "safe"


def test_a_client_a_module_the_precheck_rejects_hands_to_another_modules_code_is_seen_there(tmp_path: Path) -> None:
    """The other hand-off: `main.py` imports `helpers.py`'s client and hands it to
    `tools.summarise`, which calls `client.responses.create` (Z.AI has no Responses API); naming
    neither SDK nor call, `main.py` was turned away and that call got nothing. It is now
    reported as for a module the pre-check lets in (`tools.summarise` learns of the client)."""
    files = {
        "helpers.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "tools.py": "def summarise(client, text):\n    return client.responses.create(model=MODEL, input=text)\n\n\n"
        "MODEL = 'gpt-4.1'\n",
        "main.py": "from helpers import client\nfrom tools import summarise\n\nprint(summarise(client, 'hi'))\n",
    }
    found = _findings(tmp_path, files)["tools.py"]
    assert any(f.startswith("GLM301") and "handed here by `main`" in f for f in found), found


def test_a_run_without_names_to_hand_on_to_reads_no_rejected_module(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Rejected modules are searched only when a module of the run defines a name another may
    hand something to (`ModuleSummary.receivers`), and parsed only when they may import one from
    it: a quiet tree, or one whose modules hand nothing on, reads none of them again."""
    from glm_migrate import runner

    searched: list[str] = []
    parsed: list[bytes] = []
    search, summarise = runner._hand_offs_of, runner._summary_of_data

    def counted_search(look_for: runner._HandOffs, path: Path) -> runner._Packed:
        searched.append(path.name)
        return search(look_for, path)

    def counted_summary(data: bytes, *, full: bool) -> ModuleSummary | None:
        parsed.append(data)
        return summarise(data, full=full)

    monkeypatch.setattr(runner, "_hand_offs_of", counted_search)
    monkeypatch.setattr(runner, "_summary_of_data", counted_summary)
    rejected = {
        f"util{n}.py": f"import os\n\n\ndef helper{n}(x):\n    return os.path.join(x, 'ask')\n" for n in range(3)
    }
    # a setting and rejected modules importing it, but no code it could be handed to
    quiet = {
        "config.py": 'DEFAULT_MODEL = "gpt-4o"\n',
        "main.py": "from config import DEFAULT_MODEL\n\nprint(DEFAULT_MODEL)\n",
    }
    list(run(_tree(tmp_path / "q", {**quiet, **rejected}), Settings(), jobs=1))
    assert searched == [] and parsed == [], (searched, parsed)
    # with `ask` defined: every rejected module is searched, only the one importing it is parsed
    files = {
        "config.py": quiet["config.py"],
        "helpers.py": _HELPERS,
        "main.py": "from config import DEFAULT_MODEL\nfrom helpers import ask\n\nprint(ask('hi', model=DEFAULT_MODEL))\n",
        **rejected,
    }
    list(run(_tree(tmp_path / "a", files), Settings(), jobs=1))
    assert sorted(searched) == ["main.py", *rejected], searched
    assert parsed == [files["main.py"].encode()], parsed


def test_a_setting_handed_to_another_modules_langchain_factory_holds_the_chat_class(tmp_path: Path) -> None:
    """`common/openai.py`'s `def get_chat_model(model): return ChatOpenAI(model=model)` is handed
    `common.chat_model`, an `os.getenv` default of `gpt-4o-mini` that GLM108 changes only with
    --unsafe-fixes (jianshaow/chatbot-demo): the safe run moved the class, which then sent
    `gpt-4o-mini` to Z.AI. As for an SDK client's function (`held_model_params`), the class waits,
    naming the setting; a GLM id there leaves nothing to wait for."""
    files = {
        "common/__init__.py": "import os\n\nllm_model = os.getenv('LLM_MODEL', 'gpt-4o-mini')\n"
        "chat_model = os.getenv('CHAT_MODEL', llm_model)\n",
        "common/openai.py": "from langchain_openai import ChatOpenAI\n\n\ndef get_chat_model(model):\n"
        "    return ChatOpenAI(model=model)\n",
        "chat_demo.py": "from common import chat_model as model_name\nfrom common.openai import get_chat_model\n\n"
        "print(get_chat_model(model=model_name).invoke('hi'))\n",
    }
    fixes = _fixes(tmp_path / "a", files, "common/openai.py")
    assert fixes["GLM006"][0] == "unsafe", fixes
    assert "`common.chat_model`, which `chat_demo` passes to `get_chat_model`" in fixes["GLM006"][1], fixes
    paths = _tree(tmp_path / "u", files)
    unsafe = {r.path.relative_to(tmp_path / "u").as_posix(): r for r in run(paths, Settings(unsafe_fixes=True), jobs=1)}
    assert "glm-4.6" in (unsafe["common/__init__.py"].output or ""), unsafe["common/__init__.py"].diagnostics
    assert "api.z.ai" in (unsafe["common/openai.py"].output or "")
    glm = {**files, "common/__init__.py": "import os\n\nchat_model = os.getenv('CHAT_MODEL', 'glm-4.6')\n"}
    assert _fixes(tmp_path / "g", glm, "common/openai.py")["GLM006"][0] == "safe"
