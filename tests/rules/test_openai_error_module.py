from __future__ import annotations

from glm_migrate.rules.openai_error_module import OpenAIErrorModule
from glm_migrate.testing import run_rule

V1 = {"openai_major": 1}


def test_openai_error_module_aliased_import() -> None:
    source = "import openai as oa\ntry:\n    pass\nexcept oa.error.ServiceUnavailableError:\n    pass\n"
    assert run_rule(OpenAIErrorModule, source, V1, unsafe=False).output == source.replace(
        "oa.error.ServiceUnavailableError", "oa.InternalServerError"
    )


def test_openai_error_module_keeps_existing_alias() -> None:
    source = "from openai.error import Timeout as T\n"
    assert run_rule(OpenAIErrorModule, source, V1, unsafe=False).output == "from openai import APITimeoutError as T\n"


def test_openai_error_module_unsafe_while_legacy_calls_remain() -> None:
    source = (
        "import openai\n"
        "try:\n"
        "    openai.ChatCompletion.create(model='gpt-4', messages=[])\n"
        "except openai.error.RateLimitError:\n"
        "    pass\n"
    )
    result = run_rule(OpenAIErrorModule, source, V1, unsafe=False)
    assert result.output == source
    assert [(d.code, d.applicability.value) for d in result.diagnostics] == [("GLM005", "unsafe")]


def test_openai_error_module_unsafe_unless_the_project_runs_openai_v1() -> None:
    # On openai<1 (pinned, or not known) the v1 names are the ones that raise AttributeError.
    source = "import openai\ntry:\n    pass\nexcept openai.error.RateLimitError:\n    pass\n"
    for settings in ({"openai_major": 0}, {}):
        result = run_rule(OpenAIErrorModule, source, settings, unsafe=False)
        assert result.output == source
        assert [d.applicability.value for d in result.diagnostics] == ["unsafe"]
        fixed = run_rule(OpenAIErrorModule, source, settings, unsafe=True).output
        assert fixed == source.replace("openai.error.", "openai.")


def test_openai_error_module_import_statement() -> None:
    source = "import os, openai.error\n"
    assert run_rule(OpenAIErrorModule, source, V1, unsafe=False).output == "import os, openai\n"
    aliased = "import openai.error as oe\n"
    result = run_rule(OpenAIErrorModule, aliased, V1)
    assert result.output == aliased and [d.applicability.value for d in result.diagnostics] == ["manual"]


def test_openai_error_module_noop_local_object_named_error() -> None:
    source = "import openai\nclass Box:\n    error = None\nbox = Box()\nx = box.error.Timeout\n"
    assert not run_rule(OpenAIErrorModule, source).diagnostics
