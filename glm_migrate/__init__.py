"""glm-migrate: move Python code from the OpenAI API (and old Zhipu models) to Z.AI's GLM-4.6."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability, Diagnostic, MigrationResult, Severity, Span
from glm_migrate.tables import load_tables

if TYPE_CHECKING:
    from glm_migrate.engine import migrate_bytes, migrate_source


def __getattr__(name: str) -> Any:
    # The engine imports LibCST (~0.7 s): load it on first use, so that importing a light module
    # (the pytest plugin every test session loads, the mock server) stays fast.
    if name in ("migrate_bytes", "migrate_source"):
        from glm_migrate import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "Applicability",
    "Diagnostic",
    "MigrationResult",
    "Settings",
    "Severity",
    "Span",
    "__version__",
    "load_tables",
    "migrate_bytes",
    "migrate_source",
]
