"""Where a new import goes: into the group of imports isort and Ruff would put it in.

A module's leading imports come in groups separated by blank lines (`from __future__`, the
standard library, third-party packages, the project's own). A standard-library module joins the
standard-library group and any other module the group that already imports from its package, or
the third-party group; within a group sorted as isort sorts (`import x` lines first, then
`from x import y`, each by module name) it takes its sorted place, else it goes last. With no
such group, it starts one where isort would: after the docstring and `from __future__`, before
the project's own imports.

Statements a fix inserts after an import (`openai.api_key = ...` after `import openai`) move
below the last leading import: among the imports they would make every import after them E402.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence, Set
from dataclasses import dataclass

import libcst as cst

_STDLIB = frozenset(sys.stdlib_module_names)
#: how `notebook` masks an IPython line (`!pip install x`) while a cell is migrated: a bare name
#: that runs nothing, so it ends no block of imports
IPYTHON_PLACEHOLDER = "__glm_migrate_magic_{}__"
_PLACEHOLDER_PREFIX = IPYTHON_PLACEHOLDER.partition("{")[0]
#: what a module's body holds
Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement
_BLANK = cst.EmptyLine()


def place_imports(module: cst.Module, lines: Sequence[str], inserted: Set[cst.CSTNode] = frozenset()) -> cst.Module:
    """`module` with the import statements `lines` (`import os`, `from openai import OpenAI`)
    added, each in its group, and the statements fixes `inserted` after an import
    (`openai.api_key = ...` after `import openai`) moved below the module's leading imports,
    where they end no import block (E402)."""
    body = list(module.body)
    if inserted:
        body = _separated(_settled(body, inserted), inserted)
    for line in lines:
        body = _inserted(body, cst.parse_statement(line))
    return module.with_changes(body=body)


def _module_of(statement: Statement) -> str | None:
    """The module a one-import line imports (`a.b` of `import a.b` / `from a.b import c`),
    "." for a relative import, None for anything else."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Import):
        return cst.helpers.get_full_name_for_node_or_raise(small.names[0].name)
    if isinstance(small, cst.ImportFrom):
        if small.relative:
            return "."
        return cst.helpers.get_full_name_for_node_or_raise(small.module) if small.module else None
    return None


def _kind(module: str) -> str:
    if module == "__future__":
        return "future"
    if module == ".":
        return "local"
    return "stdlib" if module.partition(".")[0] in _STDLIB else "other"


def _sort_key(statement: Statement, module: str, *, by_style: bool) -> tuple[int, str, bool]:
    """isort's order: `import x` lines before `from x import y` lines (unless a group mixes
    them, as `force-sort-within-sections` does), each by module name ignoring case, and
    `import os` before `import os as _os`."""
    assert isinstance(statement, cst.SimpleStatementLine)
    first = statement.body[0]
    from_style = isinstance(first, cst.ImportFrom)
    aliased = isinstance(first, cst.Import) and first.names[0].asname is not None
    return (int(from_style) if by_style else 0, module.lower(), aliased)


@dataclass
class _Group:
    """Consecutive import lines of the module's leading imports, at body[start:end]."""

    start: int
    end: int
    modules: list[str]

    @property
    def kinds(self) -> set[str]:
        return {_kind(module) for module in self.modules}


def _is_docstring(statement: Statement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(statement.body[0], cst.Expr):
        return False
    return isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)


def _has_blank_line(statement: Statement) -> bool:
    return any(line.comment is None for line in statement.leading_lines)


def _leading_groups(body: Sequence[Statement]) -> tuple[int, list[_Group]]:
    """Where the imports may start (after a docstring) and the groups of import lines up to the
    first statement that is neither an import nor an `if`/`try` (which hold conditional imports
    and end a group, as they end isort's blocks)."""
    first = 1 if body and _is_docstring(body[0]) else 0
    groups: list[_Group] = []
    current: _Group | None = None
    for index in range(first, len(body)):
        statement = body[index]
        module = _module_of(statement)
        if module is None:
            current = None
            if isinstance(statement, cst.If | cst.Try) or _is_placeholder(statement):
                continue
            if isinstance(statement, cst.SimpleStatementLine) and all(
                isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
            ):
                continue  # `import a; import b` on one line: an import, but not one to sort by
            break
        if current is None or _has_blank_line(statement):
            current = _Group(index, index, [])
            groups.append(current)
        current.end = index + 1
        current.modules.append(module)
    return first, groups


def _is_placeholder(statement: Statement) -> bool:
    if type(statement) is not cst.SimpleStatementLine or len(statement.body) != 1:
        return False
    small = statement.body[0]
    return (
        type(small) is cst.Expr and type(small.value) is cst.Name and small.value.value.startswith(_PLACEHOLDER_PREFIX)
    )


def _target(groups: list[_Group], name: str) -> _Group | None:
    """The group `import name` belongs in, if the module has one."""
    kind = _kind(name)
    package = name.partition(".")[0]
    if kind == "other":
        for group in groups:
            if any(module.partition(".")[0] == package for module in group.modules):
                return group
    candidates = [group for group in groups if group.kinds == {kind}]
    if not candidates:
        # A group that mixes kinds (imports never split into sections) takes it as well.
        candidates = [group for group in groups if kind in group.kinds]
    return candidates[0] if candidates else None


def _inserted(body: list[Statement], new: Statement) -> list[Statement]:
    first, groups = _leading_groups(body)
    name = _module_of(new)
    assert name is not None and name != ".", "an absolute import of one module"
    group = _target(groups, name)
    if group is not None:
        # `from __future__` must stay first: a group mixing it with others sorts it first too.
        index = max(_place_in(body, group, name, new), _after_future(body, groups))
        if index == group.start:
            # The first line of a group carries the group's blank line and comments.
            new = new.with_changes(leading_lines=body[index].leading_lines)
            body[index] = body[index].with_changes(leading_lines=())
        return [*body[:index], new, *body[index:]]
    return _new_group(body, first, groups, name, new)


def _place_in(body: Sequence[Statement], group: _Group, name: str, new: Statement) -> int:
    """The index in `body` where `new` keeps `group` sorted, or the group's end if it is not."""
    statements = body[group.start : group.end]
    for by_style in (True, False):
        keys = [_sort_key(s, m, by_style=by_style) for s, m in zip(statements, group.modules, strict=True)]
        if keys == sorted(keys):
            key = _sort_key(new, name, by_style=by_style)
            return group.start + sum(1 for k in keys if k <= key)
    return group.end


def _new_group(body: list[Statement], first: int, groups: list[_Group], name: str, new: Statement) -> list[Statement]:
    """`body` with `new` as a group of its own: after the groups isort sorts before its kind
    (`from __future__`, then the standard library), before the others."""
    order = ("future", "stdlib", "other", "local")
    rank = order.index(_kind(name))
    before = [group for group in groups if all(order.index(kind) < rank for kind in group.kinds)]
    index = max(before[-1].end if before else first, _after_future(body, groups))
    following = body[index] if index < len(body) else None
    if following is not None and _module_of(following) is not None:
        # Before a group: the new group takes the blank lines above it, and a blank line
        # separates the two (and it from the imports above, when they were one group).
        lines = following.leading_lines
        blanks = len(lines) - len(_without_leading_blanks(lines))
        above = (_BLANK,) if not blanks and index > first else ()
        new = new.with_changes(leading_lines=(*above, *lines[:blanks]))
        body[index] = following.with_changes(leading_lines=(_BLANK, *lines[blanks:]))
    else:
        if index > 0:
            new = new.with_changes(leading_lines=(_BLANK,))
        if following is not None:
            # Code after imports: the blank lines isort wants there (two before a function or class).
            wanted = 2 if isinstance(following, cst.FunctionDef | cst.ClassDef) else 1
            body[index] = _with_blank_lines(following, wanted)
    return [*body[:index], new, *body[index:]]


def _after_future(body: Sequence[Statement], groups: list[_Group]) -> int:
    """Where the leading `from __future__` imports end (0 without any): nothing but a docstring
    may come before them, or Python refuses the module."""
    return max(
        (index + 1 for group in groups for index in range(group.start, group.end) if _is_future(body[index])),
        default=0,
    )


def _is_future(statement: Statement) -> bool:
    return _module_of(statement) == "__future__"


def _without_leading_blanks(lines: Sequence[cst.EmptyLine]) -> Sequence[cst.EmptyLine]:
    index = 0
    while index < len(lines) and lines[index].comment is None:
        index += 1
    return lines[index:]


def _with_blank_lines(statement: Statement, wanted: int) -> Statement:
    """`statement` with at least `wanted` blank lines above it (and above its comments)."""
    lines = statement.leading_lines
    blanks = len(lines) - len(_without_leading_blanks(lines))
    if blanks >= wanted:
        return statement
    return statement.with_changes(leading_lines=(*([_BLANK] * (wanted - blanks)), *lines))


def _settled(body: list[Statement], inserted: Set[cst.CSTNode]) -> list[Statement]:
    """`body` with the inserted statements that stand among the leading imports, or right after
    them, moved below the last of them after a blank line."""
    kept = [statement for statement in body if statement not in inserted]
    _, groups = _leading_groups(kept)
    if not groups:
        return body
    last_import = kept[groups[-1].end - 1]
    position = body.index(last_import)

    def movable(statement: Statement) -> bool:
        return statement in inserted and _module_of(statement) is None

    moved = [statement for statement in body[:position] if movable(statement)]
    following = position + 1
    while following < len(body) and movable(body[following]):
        moved.append(body[following])
        following += 1
    if not moved:
        return body
    rest = [statement for statement in body if statement not in moved]
    at = rest.index(last_import) + 1
    return [*rest[:at], _with_blank_lines(moved[0], 1), *moved[1:], *rest[at:]]


def _separated(body: list[Statement], inserted: Set[cst.CSTNode]) -> list[Statement]:
    """`body` with a blank line before each inserted statement that follows an import: isort
    ends every block of imports so (in a notebook, each cell's)."""
    return [
        _with_blank_lines(statement, 1)
        if statement in inserted and index and _module_of(body[index - 1]) is not None and _module_of(statement) is None
        else statement
        for index, statement in enumerate(body)
    ]


def place_statements(module: cst.Module, lines: Sequence[str]) -> cst.Module:
    """`module` with the statements `lines` (module constants a fix reads) right after its
    leading imports, a blank line before them."""
    new = [cst.parse_statement(line) for line in lines]
    body: list[Statement] = list(module.body)
    first = 1 if body and _is_docstring(body[0]) else 0
    body[first:first] = new
    inserted = frozenset(new)
    return module.with_changes(body=_separated(_settled(body, inserted), inserted))


def after_leading_imports(module: cst.Module) -> int | None:
    """How many statements of the module's body the leading imports end after (docstring and
    `from __future__` included); None for a module without leading imports."""
    _, groups = _leading_groups(list(module.body))
    return groups[-1].end if groups else None
