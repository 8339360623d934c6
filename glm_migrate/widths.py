"""Where a module writes the size of an OpenAI embedding model's vectors (`Vector(1536)`,
`IndexFlatL2(1536)`, `dimension=1536`, `EMBEDDING_DIM = 1536`, `vector(1536)` in SQL).

What is sized so rejects the vectors of another embedding model: the project index tells the
modules that send such a model's id where the size is written (`ModuleFacts.vector_widths`).
Read with CPython's parser, and only from modules whose text holds one of the sizes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection

#: calls whose positional argument is a vector size (`Vector(1536)`, `IndexFlatL2(1536)`)
_SIZED_CALL = re.compile(r"vector|index|dim", re.IGNORECASE)
#: keywords and variables that hold one (`dim=`, `dimension=`, `size=` of `VectorParams`,
#: `EMBEDDING_DIM`, `VECTOR_SIZE`)
_SIZED_KEYWORD = re.compile(r"dim|^size$|vector_size|embedding_size", re.IGNORECASE)
_SIZED_NAME = re.compile(r"dim|(vec|emb)\w*size|size\w*(vec|emb)", re.IGNORECASE)
_SQL_VECTOR = re.compile(r"vector\s*\(\s*(\d+)\s*\)", re.IGNORECASE)
#: a word of what a size is written for, on its line or the one before: without one, no parse
_SIZING_WORD = re.compile(r"vector|dim|index|size", re.IGNORECASE)
#: the vector sizes of OpenAI's embedding models, as the tables have them
#: (`Tables.openai_embedding_sizes`; tests/test_project_index.py holds the two equal): here so
#: that a file with nothing to migrate is looked at for one without loading the tables
OPENAI_VECTOR_SIZES = (b"1536", b"3072")


def may_size_vectors(data: bytes) -> bool:
    """`data` holds one of `OPENAI_VECTOR_SIZES` (a search in C: most files are out at once)."""
    return any(size in data for size in OPENAI_VECTOR_SIZES)


def vector_widths(source: str | bytes, sizes: Collection[int]) -> tuple[tuple[int, str], ...]:
    """(size, code) for the first place the module writes each of `sizes` as a vector's size."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    present = {size for size in sizes if str(size) in text}
    if not present or not any(_on_a_sizing_line(text, str(size)) for size in present):
        return ()  # a number alone (a buffer's size in the stdlib) is no reason to parse the file
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    found: dict[int, tuple[int, str]] = {}

    def note(node: ast.AST, size: object, before: str, after: str = "") -> None:
        if type(size) is int and size in present:
            line = getattr(node, "lineno", 0)
            if size not in found or line < found[size][0]:
                found[size] = (line, f"{before}{size}{after}")

    for node in ast.walk(tree):
        if type(node) is ast.Call:
            func = node.func
            name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
            for arg in node.args[:1]:
                if type(arg) is ast.Constant and _SIZED_CALL.search(name):
                    note(node, arg.value, f"{name}(", ")")
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg and type(value) is ast.Constant and _SIZED_KEYWORD.search(keyword.arg):
                    note(node, value.value, f"{keyword.arg}=")
        elif type(node) in (ast.Assign, ast.AnnAssign):
            value = node.value  # type: ignore[attr-defined]
            targets = node.targets if type(node) is ast.Assign else [node.target]  # type: ignore[attr-defined]
            for target in targets:
                written = (
                    target.id if type(target) is ast.Name else target.attr if type(target) is ast.Attribute else ""
                )
                if type(value) is ast.Constant and written and _SIZED_NAME.search(written):
                    note(node, value.value, f"{written} = ")
        elif type(node) is ast.Constant and type(node.value) is str and "(" in node.value:
            for match in _SQL_VECTOR.finditer(node.value):
                note(node, int(match.group(1)), match.group(0).partition("(")[0] + "(", ")")
    return tuple(sorted((size, code) for size, (_, code) in found.items()))


def _on_a_sizing_line(text: str, size: str) -> bool:
    """`size` stands, as a number of its own, on a line that (or whose previous line) names what
    it sizes (`Vector(1536)`, `dimension=1536`, `VectorParams(\n    size=1536`)."""
    start = text.find(size)
    while start >= 0:
        end = start + len(size)
        if not (text[start - 1 : start].isdigit() or text[end : end + 1].isdigit()):
            line_start = text.rfind("\n", 0, max(text.rfind("\n", 0, start), 0)) + 1
            line_end = text.find("\n", end)
            if _SIZING_WORD.search(text, line_start, len(text) if line_end < 0 else line_end):
                return True
        start = text.find(size, end)
    return False
