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


def vector_widths(source: str | bytes, sizes: Collection[int]) -> tuple[tuple[int, str], ...]:
    """(size, code) for the first place the module writes each of `sizes` as a vector's size."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    present = {size for size in sizes if str(size) in text}
    if not present:
        return ()
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
