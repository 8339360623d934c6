"""A migrated file's tree is freed by reference counting, never left to the cycle collector."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from clirunner import BEFORE_FILES

from glm_migrate.config import Settings
from glm_migrate.engine import migrate_bytes
from glm_migrate.tables import load_tables


@pytest.mark.parametrize("path", BEFORE_FILES, ids=lambda p: p.parent.name)
def test_a_migration_leaves_no_reference_cycles(path: Path) -> None:
    """The engine breaks its own cycles (rules and findings, scopes and bindings): otherwise every
    tree waits for the collector, which traces it again and again (see runner._collector_paused)."""
    data = path.read_bytes()
    settings, tables = Settings(unsafe_fixes=True), load_tables()
    migrate_bytes(data, settings=settings, tables=tables)  # caches warmed outside the count
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds stays in gc.garbage to be looked at
    try:
        result = migrate_bytes(data, settings=settings, tables=tables)
        del result
        gc.collect()
        # (the standard library's literal_eval leaves a few cyclic closures, which hold no tree)
        held = [type(o) for o in gc.garbage if type(o).__module__.startswith(("libcst", "glm_migrate"))]
        assert not held
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
