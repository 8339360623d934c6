"""What the command line sets up before it imports anything else: a cache of the code that
`dataclasses` generates.

`@dataclass` writes the source of the methods it adds (`__init__`, `__repr__`, `__eq__`, and for
a frozen class `__hash__`, `__setattr__` and `__delattr__`) and compiles it with `exec`, for every
class, in every process. LibCST's nodes are frozen dataclasses and so are ours: before this cache,
that compiling was about 800 M of the 1,570 M instructions `glm-migrate f.py --check` spent on one
small file, where `python -c "import libcst"` spends 980 M. The source is the same from run to run,
so the code compiled from it is kept in the user's cache folder, marshalled as a `.pyc` is, and
`dataclasses` is given an `exec` that takes the kept code for a source it has seen: the same code
object that compiling the same text gives, so every class comes out as it would without the cache.

Only the command line (`glm_migrate/__main__.py`) sets this up; importing glm-migrate as a library
(the pytest plugin, the engine) leaves `dataclasses` as it is. This module imports only the
standard library, so that it runs before any dataclass is made."""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import marshal
import os
import sys
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

#: kept code from other versions of LibCST piles up in the file: past this size it starts again
#: from the sources of one run (one run's is about 1.3 MB)
_SIZE_LIMIT = 8 * 2**20


def user_cache_dir() -> Path | None:
    """The user's cache folder for glm-migrate (the platform's usual place), or None without a home."""
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA")
            return Path(base, "glm-migrate") if base else None
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "glm-migrate"
        base = os.environ.get("XDG_CACHE_HOME", "")
        return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "glm-migrate"
    except RuntimeError:  # no home folder to be found
        return None


def cache_dataclass_code() -> None:
    """Give `dataclasses` the cached `exec`, and write what it compiled anew when the process ends."""
    cache = user_cache_dir()
    if cache is None:
        return
    kept = KeptCode(cache / f"dataclass-code-{sys.implementation.cache_tag}.marshal")
    dataclasses.exec = kept.exec  # type: ignore[attr-defined]  # found before the builtin
    atexit.register(kept.save)


class KeptCode:
    """Code compiled from `dataclasses`' sources, read from and written to one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.codes = _read(path)
        self.used: dict[str, CodeType] = {}
        self.compiled = 0

    def exec(self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> None:
        # `dataclasses` is the only caller, so its namespace stands for the caller's globals
        namespace = dataclasses.__dict__ if globals is None else globals
        if not isinstance(source, str):
            builtins.exec(source, namespace, locals)
            return
        code = self.codes.get(source)
        if code is None:
            # `dont_inherit`: no `from __future__` flags of this module, as `exec` in `dataclasses` has none
            code = self.codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            self.compiled += 1
        self.used[source] = code
        builtins.exec(code, namespace, locals)

    def save(self) -> None:
        """Write the kept code again if this process compiled any anew, atomically (a process
        reading meanwhile sees the old file or the new one); a file that cannot be written is
        left, and the next run compiles again."""
        if not self.compiled:
            return
        codes = self.codes
        data = marshal.dumps(codes)
        if len(data) > _SIZE_LIMIT:
            codes = self.used
            data = marshal.dumps(codes)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(_header() + data)
            os.replace(partial, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)


def _header() -> bytes:
    # marshalled code is read back only by the Python that wrote it, as with `.pyc` files
    return MAGIC_NUMBER + sys.version.encode() + b"\0"


def _read(path: Path) -> dict[str, CodeType]:
    """The kept code, or none when the file is missing, from another Python, or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    header = _header()
    if not data.startswith(header):
        return {}
    try:
        codes = marshal.loads(data[len(header) :])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {source: code for source, code in codes.items() if isinstance(source, str) and isinstance(code, CodeType)}
