"""TOML parsing with the parser imported on first use: a run usually reads no TOML but a
project's pyproject.toml (the shipped tables come pickled, see `tables.load_tables`), and
importing tomllib compiles its regular expressions, a sizeable part of checking one file."""

from __future__ import annotations

import sys
from typing import Any


class TOMLDecodeError(ValueError):
    """Text that is not valid TOML; the message is the parser's."""


def loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TOMLDecodeError(str(exc)) from exc
