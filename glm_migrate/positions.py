"""Positions of just the nodes a run reports or edits, from one lean code-generation pass.

LibCST's PositionProvider records a CodeRange for every node of the module, which costs about
twice a parse. A run needs positions for the few nodes it reports on, and, to apply its edits
without transforming the whole tree, the ancestors of the nodes it edits. This pass records only
those: character offsets, turned into lines and columns at the end.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

_NEWLINE = re.compile(r"\r\n?|\n")
_NOTHING: AbstractContextManager[None] = nullcontext()


@dataclass
class _Recorder(CodegenState):
    #: ids, not nodes: LibCST's __hash__ is Python code, id() is not, and this runs per node
    targets: set[int] = field(default_factory=set)
    edited: set[int] = field(default_factory=set)
    offset: int = 0
    inclusive: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    syntactic: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    ancestors: set[cst.CSTNode] = field(default_factory=set)
    #: the indentation in force where each edited node starts (for its new code)
    indents: dict[cst.CSTNode, tuple[str, ...]] = field(default_factory=dict)
    _open: dict[cst.CSTNode, int] = field(default_factory=dict)
    _stack: list[cst.CSTNode] = field(default_factory=list)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def pop_trailing_newline(self) -> None:
        if self.tokens:
            self.offset -= len(self.tokens.pop())

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.edited:
            self.ancestors.update(self._stack)
            self.indents[node] = tuple(self.indent_tokens)
        self._stack.append(node)
        if key in self.targets:
            self._open[node] = self.offset

    def after_codegen(self, node: cst.CSTNode) -> None:
        self._stack.pop()
        if node in self._open:
            self.inclusive[node] = (self._open.pop(node), self.offset)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        if id(node) not in self.targets:
            return _NOTHING
        # Positions hoisted from children are recorded while the children are generated.
        for child in (start_node, end_node):
            if child is not None:
                self.targets.add(id(child))
        return _SyntacticSpan(self, node, start_node, end_node)


class _SyntacticSpan(AbstractContextManager[None]):
    def __init__(
        self, recorder: _Recorder, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> None:
        self.recorder, self.node, self.start_node, self.end_node = recorder, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.recorder.offset

    def __exit__(self, *exc: object) -> None:
        recorder = self.recorder
        start, end = self.start, recorder.offset
        if self.start_node is not None:
            start = _span_of(recorder, self.start_node)[0]
        if self.end_node is not None:
            end = _span_of(recorder, self.end_node)[1]
        recorder.syntactic[self.node] = (start, end)


def _span_of(recorder: _Recorder, node: cst.CSTNode) -> tuple[int, int]:
    return recorder.syntactic.get(node) or recorder.inclusive[node]


class Positions(Mapping[cst.CSTNode, CodeRange]):
    """CodeRanges, as LibCST's PositionProvider gives them, for the nodes that were asked for."""

    def __init__(self, recorder: _Recorder, code: str) -> None:
        self._recorder = recorder
        self._line_starts = [0, *(match.end() for match in _NEWLINE.finditer(code))]

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


def record_positions(
    module: cst.Module, code: str, targets: Collection[cst.CSTNode], edited: Collection[cst.CSTNode]
) -> tuple[Positions, set[cst.CSTNode]]:
    """Positions of `targets` and the ancestors of `edited`, in one pass over `module`.

    `code` must be the module's source (the text the pass regenerates).
    """
    recorder = _Recorder(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        targets={id(node) for node in targets},
        edited={id(node) for node in edited},
    )
    module._codegen(recorder)
    return Positions(recorder, code), recorder.ancestors
