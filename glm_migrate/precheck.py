"""Whether a Python file may need work, told from its bytes before LibCST sees them.

Most files of a large tree have nothing to migrate, and telling so must cost next to nothing. A
file is let in when it holds one of these, as a whole token:

- a name of an SDK or a library that wraps one, in any case and inside identifiers
  (`openai`, `AsyncOpenAI`, `langchain_openai`, `OPENAI_API_KEY`, `api.openai.com`, `zhipuai`,
  `ZHIPU_API_KEY`, `litellm`); LlamaIndex's OpenAI classes are named from `llama_index...openai`;
- an import of the OpenAI Agents SDK's module `agents` (`from agents import Agent`);
- the module `zai` as a word of its own (not `zAik`, `ZAIN`, `ZAI_API_KEY`);
- a model id's shape at the start of a string literal (after a quote, or a provider's `/`):
  `"gpt-4o"`, `'o3-mini'`, `"openai/gpt-4o"`, `"whisper-1"`, `"glm-4"`, and the user's own ids;
- glm-migrate's own comments (`# glm-migrate: ignore[...]`, `# TODO(glm-migrate): ...`);
- a star import together with an SDK-shaped attribute (`.chat`, `.responses`, ...): the engine
  takes such calls for API calls, as the star import may bring the client.

A token touching a non-ASCII byte is no match: words of other scripts and encodings (the Arabic
letter ZAIN's table entries, say) are text, not code. Mentions in comments still count: telling a
comment from a string needs a tokenizer, and a mention costs one parse where a miss would cost a
finding. Everything the rules act on is reachable only through one of these
(tests/test_precheck.py runs every fixture, every rule example and generated files through
both the pre-check and the engine to hold that).

How: each token has a literal part, found by `bytes.find` in the lower-cased bytes (C's fast
search: a few scans of a file cost less than one pass of a regular expression with
alternatives, which tries each branch at each byte), and each place it is found is then checked
for the token's context.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

#: ASCII word characters and every byte of a non-ASCII character: what a word must not touch
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") | frozenset(range(0x80, 0x100))
_NON_ASCII = frozenset(range(0x80, 0x100))
#: what a model id starts after: a string's quote, or a provider prefix's slash (`"openai/gpt-4o"`)
_ID_START = frozenset(b"\"'/")
#: what may follow an id written whole (`"o1"`, `'o3-mini'`)
_ID_GOES_ON = frozenset(b"-\"'")

#: (where a token starts, where it ends, the lower-cased bytes) -> whether it is one
_Fits = Callable[[int, int, bytes], bool]


def _byte(text: bytes, index: int) -> int:
    """The byte at `index`, or a space outside `text`."""
    return text[index] if 0 <= index < len(text) else 0x20


def _name(start: int, end: int, text: bytes) -> bool:
    return _byte(text, start - 1) not in _NON_ASCII and _byte(text, end) not in _NON_ASCII


def _word(start: int, end: int, text: bytes) -> bool:
    return _byte(text, start - 1) not in _WORD and _byte(text, end) not in _WORD


def _id_prefix(*before: bytes, then: bytes | None = None) -> _Fits:
    """A model id's first letters, after a quote or a slash, or after one of `before` that is
    (`"chatgpt-4o"` is found by its `gpt-`); or anywhere when followed by `then`."""

    def fits(start: int, end: int, text: bytes) -> bool:
        if _byte(text, start - 1) in _ID_START or (then is not None and text.startswith(then, end)):
            return True
        return any(text.endswith(word, 0, start) and _byte(text, start - len(word) - 1) in _ID_START for word in before)

    return fits


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


def _whole_id(start: int, end: int, text: bytes) -> bool:
    return _byte(text, start - 1) in _ID_START and _byte(text, end) in _ID_GOES_ON


#: each token's literal part (lower case) and the test of a place it is found; the ids'
#: prefixes are those of `rules/models.toml` (a test checks every id there is let in)
_TOKENS: tuple[tuple[bytes, _Fits], ...] = (
    (b"openai", _name),
    (b"zhipu", _name),
    (b"litellm", _name),
    (b"agents", _imported_module),  # the OpenAI Agents SDK's module
    (b"gpt-", _id_prefix(b"chat")),
    (b"glm-", _id_prefix(then=b"migrate")),  # and glm-migrate's own comments
    (b"chatglm_", _id_prefix()),
    (b"cogview-", _id_prefix()),
    (b"dall-e-", _id_prefix()),
    (b"embedding-", _id_prefix(b"text-")),
    (b"whisper-", _id_prefix()),
    (b"davinci-", _id_prefix(b"text-")),
    (b"babbage-", _id_prefix()),
    (b"o1", _whole_id),
    (b"o3", _whole_id),
    (b"o4", _whole_id),
)
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
    lowered = data.lower()
    for literal, fits in _TOKENS:
        start = lowered.find(literal)
        while start != -1:
            if fits(start, start + len(literal), lowered):
                return True
            start = lowered.find(literal, start + 1)
    # the module `zai` is written in lower case (`ZAI_API_KEY` and `Zai` in prose are not it)
    start = data.find(b"zai")
    while start != -1:
        if _word(start, start + 3, data):
            return True
        start = data.find(b"zai", start + 1)
    if _STAR_IMPORT.search(data) is not None and _SDK_RESOURCE.search(data) is not None:
        return True
    return any(model_id.encode("utf-8", "surrogatepass") in data for model_id in model_ids)
