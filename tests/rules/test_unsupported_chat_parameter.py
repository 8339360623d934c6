from __future__ import annotations

from glm_migrate.diagnostics import Severity
from glm_migrate.rules.unsupported_chat_parameter import UnsupportedChatParameter
from glm_migrate.testing import run_rule

HEAD = "from openai import OpenAI\nc = OpenAI()\n"


def test_unsupported_chat_parameter_short_user_is_removed_not_moved() -> None:
    result = run_rule(UnsupportedChatParameter, HEAD + 'c.chat.completions.create(model="glm-4.6", user="u1")\n')
    assert result.output.endswith('c.chat.completions.create(model="glm-4.6")\n')
    assert "not 2" in result.diagnostics[0].message


def test_unsupported_chat_parameter_user_with_user_id_present() -> None:
    source = HEAD + 'c.chat.completions.create(model="glm-4.6", user="abcdefg", extra_body={"user_id": "abcdefg"})\n'
    result = run_rule(UnsupportedChatParameter, source)
    assert result.output.endswith('c.chat.completions.create(model="glm-4.6", extra_body={"user_id": "abcdefg"})\n')


def test_unsupported_chat_parameter_stream_options_is_a_warning_through_openai() -> None:
    source = HEAD + 'c.chat.completions.create(model="glm-4.6", stream=True, stream_options={"include_usage": True})\n'
    result = run_rule(UnsupportedChatParameter, source, unsafe=False)
    assert [(d.code, d.severity) for d in result.diagnostics] == [("GLM208", Severity.WARNING)]
    assert result.output == source


def test_unsupported_chat_parameter_stream_options_is_an_error_with_zai() -> None:
    source = 'from zai import ZaiClient\nZaiClient().chat.completions.create(model="glm-4.6", stream_options={})\n'
    result = run_rule(UnsupportedChatParameter, source, unsafe=False)
    assert result.diagnostics[0].severity is Severity.ERROR
    assert "TypeError" in result.diagnostics[0].message


def test_unsupported_chat_parameter_removal_keeps_multiline_layout() -> None:
    source = HEAD + 'c.chat.completions.create(\n    model="glm-4.6",\n    seed=1,\n    messages=[],\n)\n'
    result = run_rule(UnsupportedChatParameter, source)
    assert result.output == HEAD + 'c.chat.completions.create(\n    model="glm-4.6",\n    messages=[],\n)\n'


def test_unsupported_chat_parameter_noop_embeddings_user() -> None:
    # `user` is fine on the embeddings endpoint.
    assert not run_rule(
        UnsupportedChatParameter, HEAD + 'c.embeddings.create(model="embedding-3", input="x", user="u")\n'
    ).diagnostics
