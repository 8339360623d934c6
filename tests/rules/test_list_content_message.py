from __future__ import annotations

from glm_migrate.rules.list_content_message import ListContentMessage
from glm_migrate.testing import run_rule

HEAD = "from openai import OpenAI\nc = OpenAI()\n"


def test_list_content_message_shared_list_reported_once() -> None:
    source = (
        HEAD
        + 'M = [{"role": "assistant", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]\n'
        + 'c.chat.completions.create(model="glm-4.6", messages=M)\n'
        + 'c.chat.completions.create(model="glm-4.6", messages=M, stream=True)\n'
    )
    result = run_rule(ListContentMessage, source)
    assert result.output == source
    assert [d.code for d in result.diagnostics] == ["GLM213"]
    assert "join the parts by hand" in result.diagnostics[0].message


def test_list_content_message_noop_image_part_for_user() -> None:
    source = HEAD + 'c.chat.completions.create(model="glm-4.5v", messages=[{"role": "user", "content": [IMAGE]}])\n'
    assert not run_rule(ListContentMessage, source).diagnostics
