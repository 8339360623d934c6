from __future__ import annotations

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability
from glm_migrate.engine import migrate_source
from glm_migrate.tables import load_tables


def test_model_setting_whose_type_lists_the_openai_ids_is_changed_by_hand() -> None:
    """`model: Literal["gpt-4o-mini", "gpt-5"] = "gpt-5"` on a request model (a pydantic
    field): a GLM default outside the `Literal` contradicts the type that validates every
    request's value, so the default and the type change together, by hand
    (marcmazraany/MarcMazraany_Inmind_FinalProject's `SearchRequest`)."""
    sources = (
        "from typing import Literal\nfrom pydantic import BaseModel\nfrom openai import OpenAI\n\n"
        "class Search(BaseModel):\n    model: Literal['gpt-4o-mini', 'gpt-5'] = 'gpt-5'\n\n"
        "def ask(q, model: str):\n    return OpenAI().chat.completions.create(model=model, messages=[])\n",
    )
    for source in sources:
        result = migrate_source(source, settings=Settings(unsafe_fixes=True), tables=load_tables())
        found = [d for d in result.diagnostics if d.code == "GLM108"]
        assert found, [d.message for d in result.diagnostics]
        assert all(d.applicability is Applicability.MANUAL for d in found), [d.message for d in found]
        assert all("Literal[" in d.message for d in found), [d.message for d in found]
        assert "= 'gpt-5'\n" in result.output, result.output


def test_model_setting_literal_type_that_lists_the_glm_id_keeps_its_fix() -> None:
    source = (
        "import typing\nfrom pydantic import BaseModel\nfrom openai import OpenAI\n\n"
        "class Search(BaseModel):\n    model: typing.Literal['gpt-5', 'glm-4.6'] = 'gpt-5'\n\n"
        "def ask(q, model: str):\n    return OpenAI().chat.completions.create(model=model, messages=[])\n"
    )
    result = migrate_source(source, settings=Settings(unsafe_fixes=True), tables=load_tables())
    assert "= 'glm-4.6'\n" in result.output, result.output
