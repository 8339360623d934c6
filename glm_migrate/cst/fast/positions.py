"""Positions of just the nodes a run reports or edits, from lean code generation.

LibCST's PositionProvider records a CodeRange for every node of the module, which costs about
twice a parse. A run needs positions for the few nodes it reports on, and, to apply its edits
without transforming the whole tree, the ancestors of the nodes it edits. This records only
those: character offsets, turned into lines and columns at the end.

Code generation is the cost, so it covers only the statements that hold such nodes (or only the
header of a compound statement, when that is where they are). A generated statement is placed
where its text occurs in the source: once in the file, or once between the statements placed
before and after it. Only statements whose text repeats need CPython's parser (ten times faster
than LibCST's) to say on which line they stand, and the text must match there. Whatever cannot
be placed exactly has the whole module generated instead.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from itertools import accumulate, count
from operator import add
from typing import cast

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

from glm_migrate.cst.common import Parents, Region, block_indents, node_types, parse_with_cpython

_NEWLINE = re.compile(r"\r\n?|\n")
_STATEMENTS = node_types(cst.BaseStatement)
_COMPOUND_STATEMENTS = node_types(cst.BaseCompoundStatement)
_NOTHING: AbstractContextManager[None] = nullcontext()


@dataclass
class _Recorder(CodegenState):
    """Records spans as token indices while generating (`add_token` is the token list's own
    append, called from C), then `finish` turns them into character offsets."""

    #: nodes hash by identity, in C once `speedups.install()` has run; this runs per node
    targets: set[cst.CSTNode] = field(default_factory=set)
    edited: set[cst.CSTNode] = field(default_factory=set)
    inclusive: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    syntactic: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    #: the indentation in force where each edited node starts (for its new code)
    indents: dict[cst.CSTNode, tuple[str, ...]] = field(default_factory=dict)
    _watched: set[cst.CSTNode] = field(default_factory=set)
    _open: dict[cst.CSTNode, int] = field(default_factory=dict)
    #: the module's last newline, when it has none: spans recorded before still count it
    _popped: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._watched = self.targets | self.edited
        self.add_token = self.tokens.append  # type: ignore[method-assign,assignment]

    def pop_trailing_newline(self) -> None:
        if self.tokens:
            self._popped.append(self.tokens.pop())

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self._watched:
            if node in self.edited:
                self.indents[node] = tuple(self.indent_tokens)
            if node in self.targets:
                self._open[node] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if self._open:
            start = self._open.pop(node, None)
            if start is not None:
                self.inclusive[node] = (start, len(self.tokens))

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        if node not in self.targets:
            return _NOTHING
        # Positions hoisted from children are recorded while the children are generated.
        for child in (start_node, end_node):
            if child is not None:
                self.targets.add(child)
                self._watched.add(child)
        return _SyntacticSpan(self, node, start_node, end_node)

    def finish(self) -> str:
        """The code generated; recorded spans become character offsets into it."""
        offsets = [0, *accumulate(map(len, self.tokens + self._popped))]
        for spans in (self.inclusive, self.syntactic):
            for node, (start, end) in spans.items():
                spans[node] = (offsets[start], offsets[end])
        return "".join(self.tokens)


class _SyntacticSpan(AbstractContextManager[None]):
    def __init__(
        self, recorder: _Recorder, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> None:
        self.recorder, self.node, self.start_node, self.end_node = recorder, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = len(self.recorder.tokens)

    def __exit__(self, *exc: object) -> None:
        recorder = self.recorder
        start, end = self.start, len(recorder.tokens)
        if self.start_node is not None:
            start = _span_of(recorder, self.start_node)[0]
        if self.end_node is not None:
            end = _span_of(recorder, self.end_node)[1]
        recorder.syntactic[self.node] = (start, end)


@dataclass
class _AncestorRecorder(_Recorder):
    """Also collects the ancestors of edited nodes, for a pass over the whole module."""

    ancestors: set[cst.CSTNode] = field(default_factory=set)
    _stack: list[cst.CSTNode] = field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.edited:
            self.ancestors.update(self._stack)
        self._stack.append(node)
        super().before_codegen(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        self._stack.pop()
        super().after_codegen(node)


def _span_of(recorder: _Recorder, node: cst.CSTNode) -> tuple[int, int]:
    return recorder.syntactic.get(node) or recorder.inclusive[node]


class Positions(Mapping[cst.CSTNode, CodeRange]):
    """CodeRanges, as LibCST's PositionProvider gives them, for the nodes that were asked for."""

    def __init__(self, recorder: _Recorder, line_starts: list[int], regions: list[Region] | None = None) -> None:
        self._recorder = recorder
        self._line_starts = line_starts
        #: the statements generated, disjoint and in source order; None: the whole module
        self.regions = regions

    def span(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """Character offsets of all the text `node` generates (its own whitespace included)."""
        return self._recorder.inclusive.get(node)

    def code_in_place(self, module: cst.Module, original: cst.CSTNode, new: cst.CSTNode) -> str:
        """The code of `new` as it would be generated where `original` stands: lines inside
        brackets that follow the enclosing block's indentation get it."""
        state = CodegenState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            indent_tokens=list(self._recorder.indents.get(original, ())),
        )
        new._codegen(state)
        return "".join(state.tokens)

    def _position(self, offset: int) -> CodePosition:
        line = bisect.bisect_right(self._line_starts, offset)
        return CodePosition(line, offset - self._line_starts[line - 1])

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        start, end = _span_of(self._recorder, node)
        return CodeRange(self._position(start), self._position(end))

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter({**self._recorder.inclusive, **self._recorder.syntactic})

    def __len__(self) -> int:
        return len({**self._recorder.inclusive, **self._recorder.syntactic})


def _line_starts(code: str) -> list[int]:
    if "\r" in code:
        return [0, *(match.end() for match in _NEWLINE.finditer(code))]
    # Only "\n": each line starts one past the lengths of the lines before it (summed in C).
    lines = code.split("\n")
    return list(map(add, accumulate(map(len, lines), initial=0), count()))[: len(lines)]


def record_positions(
    module: cst.Module,
    code: str,
    targets: Collection[cst.CSTNode],
    edited: Collection[cst.CSTNode],
    parents: Parents | None = None,
) -> tuple[Positions, set[cst.CSTNode]]:
    """Positions of `targets` and the ancestors of `edited`.

    `code` must be the module's source (the text code generation reproduces). With `parents`
    (node -> parent, see `glm_migrate.cst.walk`), only the statements holding these nodes are
    generated; otherwise, or when that cannot be done exactly, the whole module is.
    """
    line_starts = _line_starts(code)
    if parents is not None:
        found = _by_statement(module, code, line_starts, targets, edited, parents)
        if found is not None:
            return found
    recorder = _AncestorRecorder(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        targets=set(targets),
        edited=set(edited),
    )
    module._codegen(recorder)
    recorder.finish()
    return Positions(recorder, line_starts), recorder.ancestors


#: Stands for a compound statement's body when only its header is generated.
_STUB_BODY = cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


@dataclass
class _Plan:
    """One statement to generate: whole, or up to its body."""

    statement: cst.BaseStatement
    header_only: bool


def _by_statement(
    module: cst.Module,
    code: str,
    line_starts: list[int],
    targets: Collection[cst.CSTNode],
    edited: Collection[cst.CSTNode],
    parents: Parents,
) -> tuple[Positions, set[cst.CSTNode]] | None:
    """Positions from generating only the statements that hold `targets` and `edited`; None
    where that is not exact (a node outside the walked tree, a statement that does not match)."""
    plans: dict[cst.CSTNode, _Plan] = {}
    for node in (*targets, *edited):
        child: cst.CSTNode | None = None
        current: cst.CSTNode | None = node
        while type(current) not in _STATEMENTS:
            if current is None:
                return None  # the module itself, or a node in a field the walk skips
            child, current = current, parents.get(current)
        statement = cast(cst.BaseStatement, current)
        header = child is not None and _before_body(statement, child)
        plan = plans.get(statement)
        if plan is None:
            plans[statement] = _Plan(statement, header)
        elif not header:
            plan.header_only = False
    ancestors: set[cst.CSTNode] = set()
    for node in edited:
        above = parents.get(node)
        while above is not None:
            ancestors.add(above)
            if above is module:
                break
            above = parents.get(above)
        else:
            return None
    # A statement inside one generated whole is covered by it.
    whole = {statement for statement, plan in plans.items() if not plan.header_only}
    wanted = [plan for plan in plans.values() if not _inside(plan.statement, whole, parents, module)]
    units: list[cst.CSTNode] = []
    order: dict[cst.CSTNode, int] = {}  #: statement -> index of its first unit
    _cst_units(module.body, units, order)
    if not all(plan.statement in order for plan in wanted):
        return None
    wanted.sort(key=lambda plan: order[plan.statement])
    target_set = {*targets, _STUB_BODY}
    edited_set = set(edited)
    pieces = [_generate(plan, module, parents, target_set, edited_set) for plan in wanted]
    starts = _place(code, [piece.text for piece in pieces])
    ends = [None if start is None else start + len(piece.text) for piece, start in zip(pieces, starts, strict=True)]
    if None in starts:
        # Text that occurs more than once: CPython's parser says on which line the statement is.
        unplaced = [p.plan.statement for p, s in zip(pieces, starts, strict=True) if s is None]
        first_lines = _first_lines(code, units, order, unplaced)
        if first_lines is None:
            return None
        for index, piece in enumerate(pieces):
            if starts[index] is None:
                leading = len(piece.plan.statement.leading_lines)  # type: ignore[attr-defined]
                line = first_lines[piece.plan.statement] - leading
                if not 1 <= line <= len(line_starts):
                    return None
                start = starts[index] = line_starts[line - 1]
                if code.startswith(piece.text, start):
                    ends[index] = start + len(piece.text)
                elif _ends_file_without_newline(module, code, start, piece.recorder):
                    ends[index] = len(code)
                else:
                    return None
    recorder = _Recorder(default_indent=module.default_indent, default_newline=module.default_newline)
    regions: list[Region] = []
    previous_end = 0
    for piece, begin, end in zip(pieces, starts, ends, strict=True):
        assert begin is not None and end is not None
        if begin < previous_end:
            return None  # out of source order: something is not what it seems
        previous_end = end
        for node, (first, last) in piece.recorder.inclusive.items():
            recorder.inclusive[node] = (first + begin, last + begin)
        for node, (first, last) in piece.recorder.syntactic.items():
            recorder.syntactic[node] = (first + begin, last + begin)
        recorder.indents.update(piece.recorder.indents)
        regions.append(Region(begin, end, piece.indent, piece.plan.header_only, piece.is_elif))
    if not all(node in recorder.inclusive for node in targets) or not all(node in recorder.indents for node in edited):
        return None
    return Positions(recorder, line_starts, regions), ancestors


@dataclass
class _Piece:
    """A statement's generated text, with offsets recorded from its start."""

    plan: _Plan
    recorder: _Recorder
    text: str
    indent: str
    is_elif: bool


def _generate(
    plan: _Plan, module: cst.Module, parents: Parents, targets: set[cst.CSTNode], edited: set[cst.CSTNode]
) -> _Piece:
    indents = block_indents(plan.statement, parents, module)
    recorder = _Recorder(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=indents,
        targets=targets,
        edited=edited,
    )
    statement = plan.statement
    if plan.header_only:
        # Nothing after the header is generated: its nodes would be recorded at wrong offsets.
        changes = {"body": _STUB_BODY, "orelse": None} if hasattr(statement, "orelse") else {"body": _STUB_BODY}
        statement = statement.with_changes(**changes)
    parent = parents.get(plan.statement)
    is_elif = type(parent) is cst.If and parent.orelse is plan.statement
    if is_elif:
        statement._codegen(recorder, is_elif=True)
    else:
        statement._codegen(recorder)
    text = recorder.finish()
    if plan.header_only:
        text = text[: recorder.inclusive.pop(_STUB_BODY)[0]]
    return _Piece(plan, recorder, text, "".join(indents), is_elif)


def _place(code: str, texts: list[str]) -> list[int | None]:
    """Where each text (statements in source order) starts in `code`, where that is certain: it
    occurs once in the file, or once between the statements placed before and after it."""
    starts: list[int | None] = [_only_occurrence(code, text, 0, len(code)) for text in texts]
    progress = None in starts
    while progress:
        progress = False
        for index, text in enumerate(texts):
            if starts[index] is not None:
                continue
            before = [start + len(texts[i]) for i, start in enumerate(starts[:index]) if start is not None]
            after = [start for start in starts[index + 1 :] if start is not None]
            found = _only_occurrence(code, text, max(before, default=0), min(after, default=len(code)))
            if found is not None:
                starts[index] = found
                progress = True
    return starts


def _only_occurrence(code: str, text: str, low: int, high: int) -> int | None:
    """The start of `text` in code[low:high] if it occurs there once, at the start of a line."""
    found = code.find(text, low, high)
    if found < 0 or code.find(text, found + 1, high) >= 0:
        return None
    return found if found == 0 or code[found - 1] in "\r\n" else None


def _ends_file_without_newline(module: cst.Module, code: str, start: int, recorder: _Recorder) -> bool:
    """The statement just generated ends the file, whose last newline the module leaves out."""
    if module.has_trailing_newline or not recorder.tokens:
        return False
    return code[start:] == "".join(recorder.tokens[:-1])


def _before_body(statement: cst.BaseStatement, child: cst.CSTNode) -> bool:
    """`child` of a compound `statement` is generated before its body (decorators, a test)."""
    if type(statement) not in _COMPOUND_STATEMENTS or type(statement) in (cst.Match, cst.Try):
        return False
    later = (cast(cst.BaseCompoundStatement, statement).body, getattr(statement, "orelse", None))
    return not any(child is part for part in later)


def _inside(statement: cst.BaseStatement, whole: set[cst.CSTNode], parents: Parents, module: cst.Module) -> bool:
    current = parents.get(statement)
    while current is not None and current is not module:
        if current in whole:
            return True
        current = parents.get(current)
    return False


def _first_lines(
    code: str, ours: list[cst.CSTNode], first_unit: dict[cst.CSTNode, int], statements: Sequence[cst.BaseStatement]
) -> dict[cst.CSTNode, int] | None:
    """The line of each statement's first token (its first decorator's, for a decorated one),
    from pairing LibCST's statements (`_cst_units`) with CPython's in source order; None if
    they do not pair."""
    try:
        tree = parse_with_cpython(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    theirs: list[ast.stmt] = []
    _ast_units(tree.body, theirs)
    if len(ours) != len(theirs):
        return None
    lines: dict[cst.CSTNode, int] = {}
    for statement in statements:
        index = first_unit.get(statement)
        if index is None:
            return None
        unit, paired = ours[index], theirs[index]
        if _AST_NAMES.get(type(unit).__name__, type(unit).__name__) != type(paired).__name__.removeprefix("Async"):
            return None
        line = paired.lineno
        decorators = getattr(statement, "decorators", ())
        if decorators and isinstance(paired, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            line = paired.decorator_list[0].lineno - len(decorators[0].leading_lines)
        lines[statement] = line
    return lines


#: LibCST statement class names that differ from CPython's (async variants aside)
_AST_NAMES = {"Del": "Delete"}


def _cst_units(statements: Sequence[cst.CSTNode], out: list[cst.CSTNode], first_unit: dict[cst.CSTNode, int]) -> None:
    """LibCST's statements in source order, one unit per simple statement (as CPython has them)."""
    for statement in statements:
        first_unit[statement] = len(out)
        if type(statement) is cst.SimpleStatementLine:
            out.extend(statement.body)
            continue
        out.append(statement)
        if type(statement) not in _COMPOUND_STATEMENTS:
            continue  # a small statement of a one-line suite
        compound = cast(cst.BaseCompoundStatement, statement)
        if type(compound) is cst.Match:
            for case in compound.cases:
                _cst_units(case.body.body, out, first_unit)
            continue
        _cst_units(compound.body.body, out, first_unit)
        for handler in getattr(compound, "handlers", ()):
            _cst_units(handler.body.body, out, first_unit)
        orelse = getattr(compound, "orelse", None)
        if type(orelse) is cst.If:
            _cst_units([orelse], out, first_unit)
        elif type(orelse) is cst.Else:
            _cst_units(orelse.body.body, out, first_unit)
        finalbody = getattr(compound, "finalbody", None)
        if finalbody is not None:
            _cst_units(finalbody.body.body, out, first_unit)


def _ast_units(statements: Sequence[ast.stmt], out: list[ast.stmt]) -> None:
    """CPython's statements in source order."""
    for statement in statements:
        out.append(statement)
        for field_name in ("body", "handlers", "cases", "orelse", "finalbody"):
            for inner in getattr(statement, field_name, ()):
                if isinstance(inner, ast.stmt):
                    _ast_units([inner], out)
                else:  # an except handler or a match case
                    _ast_units(inner.body, out)
