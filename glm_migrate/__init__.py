"""glm-migrate: move Python code from the OpenAI API (and old Zhipu models) to Z.AI's GLM-4.6."""

from __future__ import annotations

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability, Diagnostic, MigrationResult, Severity, Span
from glm_migrate.engine import migrate_bytes, migrate_source
from glm_migrate.tables import load_tables

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
