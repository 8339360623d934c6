from __future__ import annotations

from glm_migrate.rules.openai_model_name import OpenAIModelName
from glm_migrate.testing import run_rule

HEAD = "from openai import OpenAI\nclient = OpenAI()\nhistory = []\n"
PHOTO = '[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}}]}]'
TEXT_CALL = 'def chat():\n    return client.chat.completions.create(model="gpt-4o", messages=history)\n'


def _image_findings(source: str) -> list[int]:
    """The lines of GLM101's findings saying the request may send images."""
    result = run_rule(OpenAIModelName, HEAD + source)
    return [d.span.line for d in result.diagnostics if "may send images" in d.message]


def test_openai_model_name_image_parts_spent_on_their_own_request() -> None:
    # written into that request's `messages=`, or a local list only that `messages=` reads: the
    # history request elsewhere, whose messages are out of view, cannot carry them
    inline = f'def look(url):\n    return client.chat.completions.create(model="gpt-4o", messages={PHOTO})\n'
    local = (
        f"def look(url):\n    request = {PHOTO}\n"
        '    return client.chat.completions.create(model="gpt-4o", messages=request)\n'
    )
    assert _image_findings(inline + TEXT_CALL) == [5]
    assert _image_findings(local + TEXT_CALL) == [6]


def test_openai_model_name_image_parts_spent_through_a_message_or_a_splat() -> None:
    # a local list of parts that only one message of one request's `messages=` reads, and a
    # local mapping of the request's arguments only its one `**` reads: spent there as well
    content = (
        'def look(url):\n    parts = [{"type": "text", "text": "What is it?"}, {"type": "image_url", "image_url": {"url": url}}]\n'
        '    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": parts}])\n'
    )
    splat = (
        f'def look(url):\n    params = {{"model": "gpt-4o", "messages": {PHOTO}}}\n'
        "    return client.chat.completions.create(**params)\n"
    )
    assert _image_findings(content + TEXT_CALL) == [6]
    assert _image_findings(splat + TEXT_CALL) == [5]
    # ... not where the list is read again, or the mapping is one of two `**`
    again = content.replace("    return", "    log(parts)\n    return")
    assert _image_findings(again + TEXT_CALL) == [7, 9]
    two = splat.replace("(**params)", "(**params, **extra)")
    assert _image_findings(two + TEXT_CALL) == [5, 8]


def test_openai_model_name_image_parts_that_may_go_further() -> None:
    # handed to a function of the code's own, returned, or read twice: any request may carry them
    handed = f"def look(url):\n    return send(messages={PHOTO})\n"
    returned = f"def look(url):\n    request = {PHOTO}\n    return request\n"
    kept = (
        f"def look(url):\n    request = {PHOTO}\n    history.extend(request)\n"
        '    return client.chat.completions.create(model="gpt-4o", messages=request)\n'
    )
    assert _image_findings(handed + TEXT_CALL) == [7]
    assert _image_findings(returned + TEXT_CALL) == [8]
    assert _image_findings(kept + TEXT_CALL) == [7, 9]
