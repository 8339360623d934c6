"""The openai<1 -> openai>=1 change set: in a project pinned to openai<1, one unsafe whole.

Each edit of openai<1 code (an `openai.error` class renamed, a legacy call converted, the module
client pointed at Z.AI, a model id moved to GLM) is right only on openai>=1 and breaks the code on
the openai<1 the project installs. Applied one by one, some safe and some not, they leave modules
that work under neither version. So in such a project every fix in a module written for openai<1
becomes unsafe: `--unsafe-fixes` applies them all together (and the pin's GLM404 finding asks for
the bump), and without it none is applied.
"""

from __future__ import annotations

import re
from dataclasses import replace

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Finding
from glm_migrate.semantic import SemanticModel

NOTE = "as part of the openai>=1 change set (the project pins openai<1)"
_ERROR_MODULE = re.compile(r"\.error\b")


def written_for_openai_v0(model: SemanticModel) -> bool:
    """The module calls or configures the openai<1 module API, names `openai.error` (even only
    to catch its exceptions), or sets up the module-level client without calling it the openai>=1
    way (`openai.api_key = ...` alone works on both)."""
    if "openai" not in model.imported_sdks:
        return False
    if model.uses_legacy_api or _ERROR_MODULE.search(model.source) is not None:
        return True
    v1_module_calls = any(c.clients and all(cl.construction is None for cl in c.clients) for c in model.api_calls)
    return model.module_client_used and not v1_module_calls


def join_change_set(findings: list[Finding], model: SemanticModel, settings: Settings) -> None:
    """Make every safe fix of a module written for openai<1 unsafe, in a project pinned to it."""
    if settings.openai_major != 0 or not written_for_openai_v0(model):
        return
    for finding in findings:
        if finding.fix is not None and finding.applicability is Applicability.SAFE:
            finding.applicability = Applicability.UNSAFE
            finding.fix = replace(finding.fix, title=f"{finding.fix.title}, {NOTE}")
