"""glm-migrate: move Python code from the OpenAI API (and old Zhipu models) to Z.AI's GLM-4.6."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glm_migrate.config import Settings
    from glm_migrate.diagnostics import Applicability, Diagnostic, MigrationResult, Severity, Span
    from glm_migrate.engine import migrate_bytes, migrate_source
    from glm_migrate.tables import load_tables

#: the public names and their modules, imported on first use: the command line sets up its
#: start-up cache (`startup.py`) before any of them makes a dataclass, and a light module (the
#: pytest plugin every test session loads, the mock server) does not pay for the engine's LibCST
_PUBLIC = {
    "Applicability": "diagnostics",
    "Diagnostic": "diagnostics",
    "MigrationResult": "diagnostics",
    "Settings": "config",
    "Severity": "diagnostics",
    "Span": "diagnostics",
    "load_tables": "tables",
    "migrate_bytes": "engine",
    "migrate_source": "engine",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"glm_migrate.{module}"), name)


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
