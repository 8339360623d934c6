"""Where the command line writes: text as it is, through rich only where styles show.

Importing rich and setting up its consoles is about a tenth of a one-file run. Where nothing is
styled (a pipe, a CI log, a report file) the text is written as rich would write it, and rich is
never imported; on a terminal, or in Jupyter, rich draws it.
"""

from __future__ import annotations

import builtins
import io
import os
import sys
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, TextIO

from glm_migrate.report import Styled

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


class Stream:
    """stdout or stderr (looked up when written to, as rich does: a test may swap them), or,
    with `record`, a text buffer `width` columns wide whose text `recorded()` returns."""

    def __init__(self, *, stderr: bool = False, record: bool = False, width: int | None = None) -> None:
        self._stderr = stderr
        self._buffer = io.StringIO() if record else None
        self._width = width

    @property
    def file(self) -> TextIO:
        if self._buffer is not None:
            return self._buffer
        return sys.stderr if self._stderr else sys.stdout

    @property
    def is_terminal(self) -> bool:
        """rich's `Console.is_terminal`, asked without rich: styles show."""
        if self._buffer is not None or self.is_jupyter:
            return False
        if hasattr(sys.stdin, "__module__") and sys.stdin.__module__.startswith("idlelib"):
            return False  # IDLE claims a terminal but shows escape codes as they are
        compatible = os.environ.get("TTY_COMPATIBLE", "")
        if compatible in ("0", "1"):
            return compatible == "1"
        force_color = os.environ.get("FORCE_COLOR")
        if force_color is not None:
            return force_color != ""
        try:
            return self.file.isatty()
        except (AttributeError, ValueError):  # no such method, or closed
            return False

    @property
    def is_jupyter(self) -> bool:
        return self._buffer is None and hasattr(builtins, "get_ipython")

    @property
    def plain(self) -> bool:
        """Written as text: no styles, no rich."""
        return not self.is_terminal and not self.is_jupyter

    @property
    def width(self) -> int:
        """The columns rich would fit a table to where it is not a terminal."""
        if self._width is not None:
            return self._width
        columns = os.environ.get("COLUMNS", "")
        return int(columns) if columns.isdigit() and int(columns) > 0 else 80

    @cached_property
    def console(self) -> Console:
        """rich's console for this stream (made, and rich imported, on first use)."""
        from rich.console import Console

        if self._buffer is not None:
            return Console(
                file=self._buffer, no_color=True, width=self.width, highlight=False, soft_wrap=True, emoji=False
            )
        return Console(stderr=self._stderr, highlight=False, soft_wrap=True, emoji=False)

    def print(self, item: Styled | str | RenderableType) -> None:
        """A line of text (never read as rich markup), a `Styled` text, or something only rich draws."""
        self.print_all([Styled([(item, "")]) if isinstance(item, str) else item])

    def print_all(self, items: Iterable[Styled | RenderableType]) -> None:
        """Each item as `print` writes it; plain text in blocks (stdout may be unbuffered): writing
        a finding's text directly is many times cheaper than rich's rendering, which counts on a
        CI log of thousands of lines."""
        pending: list[str] = []
        plain, width = self.plain, self.width  # each asks the environment
        for item in items:
            if isinstance(item, Styled) and plain and item.fits(width):
                pending.append(item.plain + "\n")
                if len(pending) >= 1000:
                    self._write_all(pending)
                continue
            self._write_all(pending)
            self.console.print(item.rich() if isinstance(item, Styled) else item)
        self._write_all(pending)

    def _write_all(self, pending: list[str]) -> None:
        self.file.write("".join(pending))
        pending.clear()

    def write(self, text: str) -> None:
        self.file.write(text)

    def recorded(self) -> str:
        assert self._buffer is not None, "only a recording stream has a text"
        return self._buffer.getvalue()
