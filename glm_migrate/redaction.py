"""Keeping hard-coded API keys out of every output: diffs, reports, baselines and markers.

Two nets: the exact literals GLM003 flagged in a file (whatever they look like), and anything
shaped like an OpenAI secret key (`sk-...`) or a Zhipu key (`<id>.<secret>`) even when GLM003
did not run.
"""

from __future__ import annotations

import ast
import functools
import re
import warnings
from collections.abc import Iterable

from glm_migrate.diagnostics import Diagnostic, Span

#: the rule whose findings point at key literals
SECRET_RULE = "GLM003"
_KEY_SHAPED = re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}")
#: Zhipu's keys: a 32-character id, a dot and a 16-character secret
_ZHIPU_SHAPED = re.compile(r"\b[A-Za-z0-9]{24,}\.[A-Za-z0-9]{12,}\b")
MASK = "…(redacted)"


@functools.lru_cache(maxsize=4)
def source_lines(source: str) -> tuple[str, ...]:
    """The source's lines with their endings, split once for all the findings of a file."""
    return tuple(source.splitlines(keepends=True))


def span_text(source: str, span: Span) -> str:
    """The source text a span covers (columns are 1-based, the end exclusive)."""
    lines = source_lines(source)[span.line - 1 : span.end_line]
    if not lines:
        return ""
    if len(lines) == 1:
        return lines[0][span.column - 1 : span.end_column - 1]
    return lines[0][span.column - 1 :] + "".join(lines[1:-1]) + lines[-1][: span.end_column - 1]


def _literal_value(text: str) -> str:
    try:
        with warnings.catch_warnings():  # about the user's escapes: not ours to print
            warnings.simplefilter("ignore")
            value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text.strip().strip("\"'")
    return value if isinstance(value, str) else text.strip()


def file_secrets(source: str | None, diagnostics: Iterable[Diagnostic]) -> frozenset[str]:
    """The key values GLM003 found in one file; empty strings and tiny values are not secrets."""
    found = [diagnostic for diagnostic in diagnostics if diagnostic.code == SECRET_RULE]
    if source is None or not found:
        return frozenset()
    from glm_migrate.ipynb import text_of  # a notebook's cells: not on every run's start-up

    values = (_literal_value(span_text(text_of(source, d), d.span)) for d in found)
    return frozenset(value for value in values if len(value) >= 8)


def mask(secret: str) -> str:
    # "sk-" or the first two characters only: enough to recognise the kind of key, not the key.
    keep = 3 if secret.startswith("sk-") else min(2, len(secret) // 4)
    return secret[:keep] + MASK


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every given secret and every `sk-...` key-shaped token masked."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, mask(secret))
    text = _ZHIPU_SHAPED.sub(lambda match: mask(match.group()), text)
    if "sk-" not in text:  # what every OpenAI key holds: that scan is skipped for most texts
        return text
    return _KEY_SHAPED.sub(lambda match: mask(match.group()), text)
