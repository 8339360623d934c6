"""The engine's claims: which rule handles which node, and whether this run fixes it."""

from __future__ import annotations

import libcst as cst

from glm_migrate.claims import Claims
from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability
from glm_migrate.engine import migrate_source
from glm_migrate.rules import ALL_RULES
from glm_migrate.tables import load_tables


def test_the_first_claim_holds() -> None:
    claims = Claims(Settings())
    literal = cst.SimpleString('"gpt-4o"')
    assert not claims.claimed(literal)
    claims.claim(literal, "GLM101")
    claims.claim(literal, "GLM103")
    assert claims.claimed(literal) and claims.holder(literal) == "GLM101"
    assert not claims.claimed(cst.SimpleString('"gpt-4o"')), "claims are per node, not per value"


def test_a_claim_is_fixed_only_by_a_fix_this_run_applies() -> None:
    safe, unsafe, report = (cst.Arg(cst.Integer(str(n))) for n in range(3))
    for unsafe_fixes in (False, True):
        claims = Claims(Settings(unsafe_fixes=unsafe_fixes))
        claims.claim(safe, "GLM214", fix=Applicability.SAFE)
        claims.claim(unsafe, "GLM214", fix=Applicability.UNSAFE)
        claims.claim(report, "GLM214")
        assert claims.fixed(safe)
        assert claims.fixed(unsafe) is unsafe_fixes
        assert not claims.fixed(report) and claims.claimed(report)


IMAGE_CALL = 'from openai import OpenAI\nOpenAI().images.generate(model="dall-e-3", prompt="a cat", style="vivid")\n'


def _moved(**settings: object) -> bool:
    result = migrate_source(IMAGE_CALL, settings=Settings(**settings), tables=load_tables(), rules=ALL_RULES)  # type: ignore[arg-type]
    return '"dall-e-3"' not in result.output


def test_an_image_model_moves_only_where_the_run_removes_what_the_endpoint_lacks() -> None:
    """GLM101 asks the claims, not whether GLM214 is enabled: `style=` is removed only as an
    unsafe fix, so the model id moves only with --unsafe-fixes, and never with GLM214 off."""
    assert _moved(unsafe_fixes=True)
    assert not _moved()
    assert not _moved(unsafe_fixes=True, ignore=frozenset({"GLM214"}))
