"""The pre-check lets in every file a rule can act on, and little else.

"Lets in every file a rule can act on" is checked against the engine itself, with the pre-check
switched off: on every fixture, every rule example and generated files, a file the pre-check
rejects gets no finding and no change. The few examples rejected are valid ones with nothing for
any rule (`import requests`...); every invalid example and every fixture with findings is let in.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glm_migrate import precheck
from glm_migrate.config import Settings
from glm_migrate.diagnostics import MigrationResult
from glm_migrate.engine import migrate_bytes
from glm_migrate.precheck import may_need_work
from glm_migrate.rules import ALL_RULES
from glm_migrate.runner import migrate_file
from glm_migrate.tables import load_tables

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXAMPLES = int(os.environ.get("GLM_MIGRATE_HYPOTHESIS_EXAMPLES", "60"))


@contextmanager
def _without_precheck() -> Iterator[None]:
    with mock.patch("glm_migrate.engine.may_need_work", return_value=True):
        yield


def _full_engine(data: bytes, models: Mapping[str, str] | None = None) -> MigrationResult:
    """The engine on `data` as if the pre-check had let it in."""
    with _without_precheck():
        return migrate_bytes(data, settings=Settings(models=dict(models or {})), tables=load_tables())


def _assert_nothing_to_do(data: bytes, models: Mapping[str, str] | None = None) -> None:
    result = _full_engine(data, models)
    assert not result.diagnostics, f"rejected, yet the engine finds {[d.code for d in result.diagnostics]}"
    assert not result.changed


# -- what the repository knows the rules act on ------------------------------------------------


def _examples() -> Iterator[Any]:
    for rule in ALL_RULES:
        for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID)):
            for index, example in enumerate(examples):
                yield pytest.param(example, id=f"{rule.CODE}-{kind}-{index}")


@pytest.mark.parametrize("example", list(_examples()))
def test_rule_example_is_let_in_unless_no_rule_acts_on_it(example: Any) -> None:
    code = textwrap.dedent(example.code).encode()
    models = example.settings.get("models", {})
    if may_need_work(code, models):
        return
    assert not hasattr(example, "expected"), "an invalid example was rejected"
    _assert_nothing_to_do(code, models)


@pytest.mark.parametrize("before", sorted(FIXTURES.glob("*/before.py")), ids=lambda path: path.parent.name)
def test_fixture_is_let_in_unless_it_has_nothing_to_do(before: Path) -> None:
    data = before.read_bytes()
    if may_need_work(data):
        return
    assert not (before.parent / "diagnostics.txt").read_text(encoding="utf-8").strip()
    _assert_nothing_to_do(data)


def test_every_model_id_of_the_tables_is_let_in() -> None:
    tables = load_tables()
    ids = {
        model_id
        for table in (*tables.models.values(), *tables.targets.values())
        for model_id in (*table, *(table.values() if isinstance(table, Mapping) else ()))
        if model_id
    }
    assert len(ids) > 50
    for model_id in ids:
        for written in (f"m = {model_id!r}\n", f'm = "{model_id}"\n', f'm = "openai/{model_id}"\n'):
            assert may_need_work(written.encode()), written
        assert may_need_work(f"m = {model_id.upper()!r}\n".encode())  # `"GPT-4O".lower()`


def test_user_model_ids_are_let_in() -> None:
    assert not may_need_work(b"m = 'my-llama-7b'\n")
    assert may_need_work(b"m = 'my-llama-7b'\n", ["my-llama-7b"])


def test_star_import_shapes_cover_what_the_engine_recognises() -> None:
    """Under a star import the engine takes SDK-shaped calls for API calls (semantic/model.py)."""
    tables = load_tables()
    resources = {path[0] for path in tables.sdk.endpoints} | {key.split(".")[0] for key in tables.unavailable}
    for resource in resources:
        data = f"from helpers import *\nclient.{resource}.create(x=1)\n".encode()
        assert may_need_work(data), resource
    assert not may_need_work(b"from helpers import *\nclient.chats.create(x=1)\n")
    assert not may_need_work(b"import helpers\nclient.things.create(x=1)\n")


def test_api_call_shapes_are_let_in_without_an_sdk_name() -> None:
    """A call through a client another module builds (`self._client` of a base class there, `from
    app.llm import client`) names no SDK: the project index tells the module about the client only
    if it is read; a resource without one of its methods (`self.images.append`) is not such a call."""
    for call in (
        b"self._client.chat.completions.create(model=m, messages=q)",
        b"client.chat.completions.create(",
        b"llm.responses.create(input=q)",
        b"c.embeddings.create(input=q)",
        b"c.audio.transcriptions.create(file=f)",
        b"c.images.generate(prompt=p)",
        b"c.beta.chat.completions.parse(",
        b"c.models.list()",
        b"asyncio.to_thread(self.client.chat.completions.create, **kw)",
    ):
        assert may_need_work(b"from app.llm import client\n" + call + b"\n"), call
    for other in (
        b"self.images.append(x)",
        b"self.beta.data.fill_(0)",
        b"name = models.CharField(max_length=3)",
        b"self.completions.append(text)",
        b"responses.get(url)",
    ):
        assert not may_need_work(other + b"\n"), other

    assert not may_need_work(b"import helpers\nclient.messages.create(x=1)\n")


@pytest.mark.parametrize(
    "call",
    [
        "client.beta.threads.create()",
        "client.beta.assistants.create(model=m)",
        "client.responses.create(model=m, input=q)",
        "client.chat.completions.create(model=m, messages=[])",
        "client.completions.create(model=m, prompt=p)",
        "client.batches.create(input_file_id=f)",
        "client.fine_tuning.jobs.create(model=m)",
        "client.audio.speech.create(model=m)",
        "client.images.generate(model=m, prompt=p)",
        "client.moderations.create(input=t)",
    ],
)
def test_api_calls_through_another_modules_client_are_let_in(call: str) -> None:
    """`client = make_client()` from another module, then an OpenAI API call: no SDK name nor
    model id in the file, yet the client there moves only as this call can follow it."""
    assert may_need_work(f"from app.clients import make_client\nclient = make_client()\n{call}\n".encode())


def test_look_alike_paths_stay_out() -> None:
    for source in (b"images.append(x)\n", b"batches.append(b)\n", b"self.audio.play()\n", b"client.files.upload(f)\n"):
        assert not may_need_work(source), source


@pytest.mark.parametrize(
    "source",
    [
        "from openai import OpenAI\n",
        "import os, openai\n",
        "from langchain_openai import ChatOpenAI\n",
        "from langchain.chat_models import ChatOpenAI\n",
        "from llama_index.llms.openai import OpenAI\n",
        "import zai\n",
        "from zai import ZaiClient\n",
        "from zhipuai import ZhipuAI\n",
        "import litellm\n",
        "key = os.environ['OPENAI_API_KEY']\n",
        "key = os.environ['ZHIPUAI_API_KEY']\n",
        "URL = 'https://api.openai.com/v1'\n",
        "MODELS = ['o1', 'o3-mini']\n",
        "m = f'gpt-{size}'\n",
        "x = 1  # glm-migrate: ignore[GLM101]\n",
        "# TODO(glm-migrate): GLM301 ...\n",
        "from tools import *\nclient.chat.completions.create(model=m, messages=[])\n",
    ],
)
def test_lets_in(source: str) -> None:
    assert may_need_work(source.encode())


@pytest.mark.parametrize(
    "source",
    [
        "zAik = zero * Ai[k]\n",  # sympy: "zai" inside an identifier
        "    '\\u0632'    #  0xAA -> ARABIC LETTER ZAIN\n",  # encoding tables
        "KEYWORDS = ('whisper', 'shout', 'gpt')\n",  # pygments' keyword lists
        "ZAI_API_KEY = os.environ['ZAI_API_KEY']\n",  # already Z.AI's
        "bazaar_zai2 = 1\n",
        "o1 = o2 + 1\n",  # a name, not a string
        "PROMPT = 'answer as gpt-4 would'\n",  # an id inside prose is not a model argument
        "name = 'zaï'\n",
        "label = 'Ｏpenai'\n".replace("Ｏ", "é"),  # a token touching non-ASCII text
        "client.messages.create(model=m, messages=[])\n",  # no SDK, no star import, not OpenAI's API
        # a star import, and resources' names that are no SDK-shaped call
        "from .threads import *\nself.completions = None\nname = http.client.responses[code]\n",
    ],
)
def test_rejects(source: str) -> None:
    data = source.encode()
    assert not may_need_work(data)
    _assert_nothing_to_do(data)


# -- generated files ---------------------------------------------------------------------------

#: lines that come close to what the pre-check looks for, and some that are it
LINES = [
    "import os",
    "import requests",
    "from helpers import *",
    "from openai import OpenAI",
    "import zai",
    "client = OpenAI()",
    "client = make_client()",
    "zAik = zero * Ai[k]",
    "bazaar = 'zaire'",
    "o1 = o2 + 1",
    "KEYWORDS = ['whisper', 'shout']",
    "key = os.environ['ZAI_API_KEY']",
    "key = os.environ['API_KEY']",
    "key = os.environ['OPENAI_API_KEY']",
    "client.chat.completions.create(model=m, messages=[], temperature=3)",
    "client.responses.create(input='hi')",
    "client.completions.create(prompt='hi', model=m)",
    "obj.models.list()",
    "self.completions = None",
    "name = http.client.responses[code]",
    "from .threads import *",
    "root.images = images",
    "client.embeddings.create(input='x', model=m)",
    "MODEL = 'llama-3'",
    "MODEL = 'gpt-4o'",
    "MODEL = 'o3-mini'",
    "MODELS = ['claude-3', 'mistral', 'gpt4']",
    "PROMPT = 'answer as gpt-4 would'",
    "URL = 'https://api.z.ai/api/paas/v4/'",
    "URL = 'https://api.openai.com/v1'",
    "x = 1  # glm-migrate: ignore[GLM101]",
    "requests.post('https://example.com/v1/chat/completions', json={'model': m})",
    "def ask(client, model='m'):\n    return client.chat.completions.create(model=model, messages=[])",
    "class Bot:\n    def __init__(self, client):\n        self.client = client",
]
#: ASCII letters of the tokens and their neighbours, so that drawn words come near them
near_words = st.text(alphabet="openaizhpuglmtw-_ 0123456789OAIZé/'\"", max_size=14)
line = st.one_of(
    st.sampled_from(LINES),
    near_words.map(lambda word: f"text = {word!r}"),
    near_words.map(lambda word: f"# {word}"),
    near_words.filter(str.isidentifier).map(lambda name: f"{name} = 1"),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=8))
def test_a_rejected_file_gets_nothing_from_the_engine(lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode()
    if not may_need_work(data):
        _assert_nothing_to_do(data)


#: the model-id prefixes and what may stand between a quote and them, as `_MODEL_ID` reads them
ID_PREFIXES = {
    "gpt-": ("", "chat"),
    "glm-": ("",),
    "chatglm_": ("",),
    "charglm-": ("",),
    "codegeex-": ("",),
    "cogview-": ("",),
    "dall-e-": ("",),
    "embedding-": ("", "text-"),
    "davinci-": ("", "text-"),
    "whisper-": ("",),
    "babbage-": ("",),
}


def _has_model_id_one_scan_per_prefix(lowered: bytes) -> bool:
    """What the pre-check's one regular expression finds, written as a scan per prefix."""
    for prefix, befores in ID_PREFIXES.items():
        for before in befores:
            for quote in b"\"'/":
                if bytes([quote]) + before.encode() + prefix.encode() in lowered:
                    return True
    return any(
        bytes([quote, ord("o"), digit, end]) in lowered for quote in b"\"'/" for digit in b"134" for end in b"-\"'"
    )


id_words = st.text(alphabet="\"'/ -_chatgpxlmowvdbesin13427", max_size=20)


@settings(max_examples=EXAMPLES * 5, deadline=None)
@given(st.lists(id_words, max_size=6))
def test_the_model_id_expression_finds_what_a_scan_per_prefix_finds(words: list[str]) -> None:
    lowered = " ".join(words).encode()
    found = precheck._MODEL_ID.search(lowered.translate(precheck._LOWER)) is not None
    assert found == _has_model_id_one_scan_per_prefix(lowered)


def test_lower_casing_is_bytes_lower_with_quotes_and_slashes_marked() -> None:
    every_byte = bytes(range(256))
    marked = every_byte.lower().replace(b'"', b"\x00").replace(b"'", b"\x00").replace(b"/", b"\x00")
    assert every_byte.translate(precheck._LOWER) == marked


# -- the runner --------------------------------------------------------------------------------


def test_rejected_files_are_neither_parsed_nor_cached(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.py"
    quiet.write_text("zAik = zero * Ai[k]\n", encoding="utf-8")
    cache = tmp_path / "cache"
    with mock.patch("glm_migrate.engine.migrate_bytes", side_effect=AssertionError("parsed")):
        report = migrate_file(quiet, Settings(), cache_root=cache)
    assert report.diagnostics == () and not report.changed and report.error is None
    assert not cache.exists()  # not even opened
    assert precheck.may_need_work(b"import openai\n")
