from __future__ import annotations

import textwrap

from glm_migrate.rules.dict_response_read import DictResponseRead
from glm_migrate.testing import run_rule


def _fixed(source: str) -> str:
    return run_rule(DictResponseRead, textwrap.dedent(source)).output


def _statuses(source: str, *, unsafe: bool = True) -> list[str]:
    result = run_rule(DictResponseRead, textwrap.dedent(source), unsafe=unsafe)
    return [d.applicability.value for d in result.diagnostics]


def test_dict_response_read_noop_alias_of_another_library() -> None:
    # shell_gpt: `completion` is litellm.completion or the OpenAI method; LiteLLM's deltas are dicts
    source = """\
    import litellm
    from openai import OpenAI
    if USE_LITELLM:
        completion = litellm.completion
    else:
        completion = OpenAI().chat.completions.create
    for chunk in completion(model="m", messages=[], stream=True):
        calls = chunk.choices[0].delta.get("tool_calls") if USE_LITELLM else chunk.choices[0].delta.tool_calls
    """
    assert _fixed(source) == textwrap.dedent(source)


def test_dict_response_read_noop_other_client_methods_and_raw_responses() -> None:
    source = """\
    from openai import OpenAI
    client = OpenAI()
    request = client._build_request(options)
    print(request.headers["Authorization"])
    raw = client.chat.completions.with_raw_response.create(model="m", messages=[])
    print(raw.headers["x-request-id"])
    """
    assert _fixed(source) == textwrap.dedent(source)


def test_dict_response_read_of_an_untraced_client_is_unsafe() -> None:
    source = "def ask(client):\n    r = client.chat.completions.create(model='m', messages=[])\n    return r['choices'][0]['message']['content']\n"
    source = "import openai\n" + source
    assert _statuses(source, unsafe=False) == ["unsafe"]
