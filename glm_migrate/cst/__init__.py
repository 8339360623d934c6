"""glm-migrate's one seam to LibCST: parse, walk, positions and code generation.

Two implementations sit behind it (`interface.Implementation`). `stock` uses LibCST's public API
only. `fast` redoes LibCST's hot paths on its private API; it is chosen only when the installed
LibCST is one of `TESTED_LIBCST`, the versions tests/test_cst_equivalence.py has held it to
`stock`'s output with. Any other version runs `stock`, and `default_choice().notice` says so (the
CLI prints it). `GLM_MIGRATE_CST=stock|fast` forces one; `using(name)` does, in this context.

Nothing outside this package imports LibCST's private modules (tests/test_meta.py), so a LibCST
release that changes them costs at most the fast path, until it is tested and added here.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import libcst as cst

    from glm_migrate.cst.common import Parents
    from glm_migrate.cst.interface import Implementation, RecordedPositions

#: LibCST versions the fast implementation is tested with (tests/test_cst_equivalence.py, run by
#: .ci/run on each); add one only once that test passes on it
TESTED_LIBCST = frozenset({"1.9.0"})
#: the environment variable that forces an implementation
ENVIRONMENT_VARIABLE = "GLM_MIGRATE_CST"
NAMES = ("stock", "fast")


@dataclass(frozen=True)
class Choice:
    """The LibCST implementation a process uses, and why when not the one expected."""

    name: str  #: "stock" or "fast"
    notice: str | None  #: why not the one expected, for a line on stderr; None when nothing to say


def choose(forced: str | None, libcst_version: str) -> Choice:
    """The implementation for an installed LibCST version, unless `forced` ("stock", "fast")."""
    if forced in NAMES:
        return Choice(forced, None)
    if libcst_version in TESTED_LIBCST:
        notice = None if not forced else f"glm-migrate: {ENVIRONMENT_VARIABLE}={forced} is neither stock nor fast"
        return Choice("fast", notice)
    tested = ", ".join(sorted(TESTED_LIBCST))
    return Choice(
        "stock",
        f"glm-migrate: LibCST {libcst_version} is not a version its fast path is tested with ({tested}); "
        "using LibCST's public API, which is slower",
    )


@functools.cache
def libcst_version() -> str:
    """The installed LibCST's version, read without importing it (nor `importlib.metadata`, which
    costs more than the read): a run answered from the cache need not load either."""
    spec = importlib.util.find_spec("libcst")
    if spec is not None and spec.origin is not None:
        try:
            found = _VERSION.search((Path(spec.origin).parent / "_version.py").read_text(encoding="utf-8"))
        except OSError:
            found = None
        if found is not None:
            return found.group(1)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("libcst")
    except PackageNotFoundError:
        return "unknown"


#: the version in LibCST's generated `_version.py`
_VERSION = re.compile(r"""^__version__\s*=\s*(?:version\s*=\s*)?['"]([^'"]+)['"]""", re.MULTILINE)


@functools.cache
def default_choice() -> Choice:
    """This process's choice: from `GLM_MIGRATE_CST`, else from the LibCST version."""
    return choose(os.environ.get(ENVIRONMENT_VARIABLE) or None, libcst_version())


@functools.cache
def load(name: str) -> Implementation:
    """The implementation called `name` ("stock", "fast")."""
    if name not in NAMES:
        raise ValueError(f"no LibCST implementation called {name!r} (choose from {', '.join(NAMES)})")
    module = "glm_migrate.cst.fast" if name == "fast" else "glm_migrate.cst.stock"
    return cast("Implementation", importlib.import_module(module))


#: set by `using`: the implementation of this context, over the process's choice
_chosen: ContextVar[Implementation | None] = ContextVar("glm_migrate_cst", default=None)


def implementation() -> Implementation:
    """The implementation in use here."""
    return _chosen.get() or _default()


@functools.cache
def _default() -> Implementation:
    try:
        return load(default_choice().name)
    except (ImportError, AttributeError):  # a tested LibCST changed under us: run what still works
        return load("stock")


def implementation_name() -> str:
    """The name of the implementation in use here, without importing LibCST."""
    chosen = _chosen.get()
    return chosen.NAME if chosen is not None else default_choice().name


@contextmanager
def using(name: str) -> Iterator[Implementation]:
    """Run the code in this context (this thread, this task) on the implementation `name`."""
    token = _chosen.set(load(name))
    try:
        yield _chosen.get()  # type: ignore[misc]
    finally:
        _chosen.reset(token)


# The interface, answered by the implementation in use.


def parse_module(data: str | bytes) -> cst.Module:
    return implementation().parse_module(data)


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor, parents: dict[cst.CSTNode, cst.CSTNode] | None = None) -> None:
    implementation().walk(node, visitor, parents)


def record_positions(
    module: cst.Module,
    code: str,
    targets: Collection[cst.CSTNode],
    edited: Collection[cst.CSTNode],
    parents: Parents,
) -> RecordedPositions:
    return implementation().record_positions(module, code, targets, edited, parents)


def code_in_block(node: cst.CSTNode, *, indent_unit: str, newline: str, block_indent: tuple[str, ...]) -> str:
    return implementation().code_in_block(node, indent_unit=indent_unit, newline=newline, block_indent=block_indent)


def prepare_for_many_files() -> None:
    implementation().prepare_for_many_files()
