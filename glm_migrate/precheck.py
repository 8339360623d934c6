"""Whether a Python file may need work, told from its bytes before LibCST sees them.

Most files of a large tree have nothing to migrate, and telling so must cost next to nothing. A
file is let in when it holds one of these, as a whole token:

- a name of an SDK or a library that wraps one, in any case and inside identifiers
  (`openai`, `AsyncOpenAI`, `langchain_openai`, `OPENAI_API_KEY`, `api.openai.com`, `zhipuai`,
  `ZHIPU_API_KEY`, `litellm`, Semantic Kernel's `open_ai` connectors); LlamaIndex's OpenAI classes
  are named from `llama_index...openai`;
- an import of the OpenAI Agents SDK's module `agents` (`from agents import Agent`);
- the module `zai` as a word of its own (not `zAik`, `ZAIN`, `ZAI_API_KEY`);
- a model id's shape at the start of a string literal (after a quote, or a provider's `/`):
  `"gpt-4o"`, `'o3-mini'`, `"openai/gpt-4o"`, `"whisper-1"`, `"glm-4"`, and the user's own ids;
- glm-migrate's own comments (`# glm-migrate: ignore[...]`, `# TODO(glm-migrate): ...`);
- a star import together with an SDK-shaped attribute (`.chat`, `.responses`, ...): the engine
  takes such calls for API calls, as the star import may bring the client;
- an API call's shape (`.chat.completions.create`, `.responses.create`, `.models.list`, ...),
  without any SDK name: a call through a client another module builds and this one imports
  (`self.client` of a base class, `from app.llm import client`), which the project index hands
  the module (`project.py`); missed here, the other module moved its client unaware of it;
- a client's credentials read as request headers (`.auth_headers`, `.default_headers`), by code
  sending requests of its own with a client another module passes it (`Uploader(client)`):
  missed here, that module moved its client unaware of those requests;
- a LangChain prompt template built from messages and a `|` pipe (`prompt | chat_model`): the
  chat model may be another module's, which the project index tells whether the template has no
  user turn (GLM221); missed here, that module moved its chat model unaware of it.

A token touching a non-ASCII byte is no match: words of other scripts and encodings (the Arabic
letter ZAIN's table entries, say) are text, not code. Mentions in comments still count: telling a
comment from a string needs a tokenizer, and a mention costs one parse where a miss would cost a
finding. Everything the rules act on is reachable only through one of these
(tests/test_precheck.py runs every fixture, every rule example and generated files through
both the pre-check and the engine to hold that).

How: names have a literal part, found by `bytes.find` in the lower-cased bytes (C's fast
search: a few scans of a file cost less than one pass of a regular expression with
alternatives, which tries each branch at each byte), and each place it is found is then checked
for the token's context. Model ids all start after a quote or a slash, which lets one regular
expression find them all (it tries its branches only there): one pass instead of a scan per id
prefix, which took two thirds of the pre-check on a quiet tree. Lower-casing is a byte
translation, as `bytes.lower` does but seven times faster.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

#: ASCII word characters and every byte of a non-ASCII character: what a word must not touch
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") | frozenset(range(0x80, 0x100))
_NON_ASCII = frozenset(range(0x80, 0x100))
#: (where a token starts, where it ends, the lower-cased bytes) -> whether it is one
_Fits = Callable[[int, int, bytes], bool]


def _byte(text: bytes, index: int) -> int:
    """The byte at `index`, or a space outside `text`."""
    return text[index] if 0 <= index < len(text) else 0x20


def _name(start: int, end: int, text: bytes) -> bool:
    return _byte(text, start - 1) not in _NON_ASCII and _byte(text, end) not in _NON_ASCII


def _word(start: int, end: int, text: bytes) -> bool:
    return _byte(text, start - 1) not in _WORD and _byte(text, end) not in _WORD


def _imported_module(start: int, end: int, text: bytes) -> bool:
    """`from agents import ...`, `import agents.x`: the word right after `from` or `import`."""
    if _byte(text, end) in _WORD:
        return False
    window = max(0, start - 16)  # `from` and a few blanks: a slice, not a copy of the file
    keyword_end = window + len(text[window:start].rstrip(b" \t"))
    if keyword_end == start:
        return False
    return any(
        text.endswith(keyword, 0, keyword_end) and _byte(text, keyword_end - len(keyword) - 1) not in _WORD
        for keyword in (b"from", b"import")
    )


#: each name's literal part (lower case) and the test of a place it is found
_NAMES: tuple[tuple[bytes, _Fits], ...] = (
    (b"openai", _name),
    (b"open_ai", _name),  # Semantic Kernel's `semantic_kernel.connectors.ai.open_ai`
    (b"zhipu", _name),
    (b"litellm", _name),
    (b"agents", _imported_module),  # the OpenAI Agents SDK's module
)
#: a model id's first letters after a quote or a provider's slash, in the lower-cased bytes
#: (`_LOWER`: quotes and slashes are a NUL byte there); `"chatgpt-4o"` is found by its `gpt-`,
#: `"text-embedding-3"` by its `embedding-`, and `o1`/`o3`/`o4` only written whole (`"o1"`,
#: `'o3-mini'`); the prefixes are those of `rules/models.toml` (a test checks every id there is
#: let in)
MODEL_ID_PREFIXES = (
    "gpt-", "chatgpt-", "glm-", "chatglm_", "charglm-", "codegeex-", "cogview-", "dall-e-",
    "embedding-", "text-embedding-", "davinci-", "text-davinci-", "whisper-", "babbage-",
    *(f"o{digit}{end}" for digit in "134" for end in "-\x00"),
)  # fmt: skip


def _trie(words: Iterable[str]) -> str:
    """One regular expression for `words` that branches on each letter in turn (`g(?:pt-|lm-)`):
    `re` tries a list of alternatives one by one, so a shared first letter is tried once."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[:1], []).append(word[1:])
    branches = [re.escape(first) + (_trie(rests) if any(rests) else "") for first, rests in by_first.items() if first]
    optional = "" in by_first
    if len(branches) == 1 and not optional:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if optional else "")


_MODEL_ID = re.compile(("\x00" + _trie(MODEL_ID_PREFIXES)).encode("latin-1"))
#: an API call's shape through a client of any name (lower-cased bytes): a resource and a
#: method only OpenAI-style clients have together (`.images.append` and `.beta.data` are not).
#: Tried only at a dot, its literal first byte (a blank after that dot would cost a third more)
_API_CALL = re.compile(
    rb"\.(?:completions\s*\.\s*(?:create|parse|stream)|responses\s*\.\s*(?:create|stream|parse|retrieve)|"
    rb"embeddings\s*\.\s*create|audio\s*\.\s*(?:transcriptions|translations|speech)|"
    rb"images\s*\.\s*(?:generate|edit|create_variation)|beta\s*\.\s*(?:chat|assistants|threads|vector_stores|realtime)|"
    rb"moderations\s*\.\s*create|fine_tuning\s*\.|batches\s*\.\s*create|vector_stores\s*\.|"
    rb"models\s*\.\s*(?:list|retrieve)\s*\()"
)
#: lower case, and the bytes a model id follows (quotes, a provider's slash) as one byte no source
#: holds (the runner refuses files with NUL bytes): `_MODEL_ID` then starts with a literal, which
#: `re` finds with a fast scan, where a set of three bytes is tried at every byte (three times
#: as long on a quiet tree, where it was half the pre-check)
_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ\"'/", b"abcdefghijklmnopqrstuvwxyz\x00\x00\x00")
_STAR_IMPORT = re.compile(rb"import[ \t]*\*")
#: an attribute path through an SDK resource to a method (`x.chat.completions.create`,
#: `x.models.list`): the shapes the engine takes for API calls under a star import; the
#: resources are the first segments of sdk.toml's `[endpoints]` and of endpoints.toml's
#: `[unavailable]` table (a test checks both)
_SDK_RESOURCE = re.compile(
    rb"\.\s*(?:chat|completions|responses|embeddings|images|audio|assistants|threads|vector_stores|"
    rb"conversations|moderations|fine_tuning|fine_tunes|batches|files|uploads|models|realtime|evals|"
    rb"containers|videos)\s*\.\s*[A-Za-z_]"
)


def may_need_work(data: bytes, model_ids: Iterable[str] = ()) -> bool:
    """False only when no rule can act on the Python file `data`; `model_ids`: the user's own
    source ids (`[tool.glm-migrate.models]`), which count as model ids too."""
    lowered = data.translate(_LOWER)
    for literal, fits in _NAMES:
        start = lowered.find(literal)
        while start != -1:
            if fits(start, start + len(literal), lowered):
                return True
            start = lowered.find(literal, start + 1)
    if _MODEL_ID.search(lowered) is not None or b"glm-migrate" in lowered:  # and its own comments
        return True
    # the module `zai` is written in lower case (`ZAI_API_KEY` and `Zai` in prose are not it)
    start = data.find(b"zai")
    while start != -1:
        if _word(start, start + 3, data):
            return True
        start = data.find(b"zai", start + 1)
    if _STAR_IMPORT.search(data) is not None and _SDK_RESOURCE.search(data) is not None:
        return True
    if _API_CALL.search(lowered) is not None:  # its literal `.` first: a fast scan, no word test needed
        return True
    if b".auth_headers" in data or b".default_headers" in data:  # `[paths] credential_attributes`
        return True
    if b"from_messages" in data and b"|" in data:
        return True
    return any(model_id.encode("utf-8", "surrogatepass") in data for model_id in model_ids)
