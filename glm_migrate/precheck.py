"""Whether a Python file may need work: one regular expression over its bytes, before LibCST.

Most files of a large tree have nothing to migrate, and telling so must cost next to nothing. A
file is let in when it holds one of these, as a whole token:

- a name of an SDK or a library that wraps one, in any case and inside identifiers
  (`openai`, `AsyncOpenAI`, `langchain_openai`, `OPENAI_API_KEY`, `api.openai.com`, `zhipuai`,
  `ZHIPU_API_KEY`, `litellm`); LlamaIndex's OpenAI classes are named from `llama_index...openai`;
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
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: bytes a token must not touch: ASCII word characters and every byte of a non-ASCII character
_WORD = rb"A-Za-z0-9_\x80-\xff"
#: how the ids of `rules/models.toml` start, each with the character after it (a test checks
#: every id there is let in); `o` + digits is OpenAI's reasoning family (`o1`, `o3-mini`, `o4-mini`)
_MODEL_PREFIXES = (
    rb"gpt-",
    rb"chatgpt-",
    rb"glm-",
    rb"chatglm_",
    rb"cogview-",
    rb"dall-e-",
    rb"embedding-",
    rb"text-embedding-",
    rb"whisper-",
    rb"(?:text-)?davinci-",
    rb"babbage-",
    rb"o[0-9]+(?:-|(?=[\"']))",
)
_TOKENS = re.compile(
    rb"(?<![\x80-\xff])(?i:openai|zhipu|litellm)(?![\x80-\xff])"
    rb"|(?<![" + _WORD + rb"])zai(?![" + _WORD + rb"])"
    rb"|(?<=[\"'/])(?i:" + b"|".join(_MODEL_PREFIXES) + rb")"
    rb"|(?i:glm-migrate)"
)
_STAR_IMPORT = re.compile(rb"\bimport[ \t]*\*")
#: the first segments of the SDK resource paths the engine recognises by shape under a star
#: import (`semantic.ENDPOINT_BY_PATH` and the `[unavailable]` table; a test checks both)
_SDK_RESOURCE = re.compile(
    rb"\.\s*(?:chat|completions|responses|embeddings|images|audio|assistants|threads|vector_stores|"
    rb"conversations|moderations|fine_tuning|fine_tunes|batches|files|uploads|models|realtime|evals|"
    rb"containers|videos)(?![" + _WORD + rb"])"
)


def may_need_work(data: bytes, model_ids: Iterable[str] = ()) -> bool:
    """False only when no rule can act on the Python file `data`; `model_ids`: the user's own
    source ids (`[tool.glm-migrate.models]`), which count as model ids too."""
    if _TOKENS.search(data) is not None:
        return True
    if b"*" in data and _STAR_IMPORT.search(data) is not None and _SDK_RESOURCE.search(data) is not None:
        return True
    return any(model_id.encode("utf-8", "surrogatepass") in data for model_id in model_ids)
