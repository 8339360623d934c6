"""What the rest of glm-migrate asks of LibCST, in one small interface with two implementations:
`stock` (LibCST's public API only) and `fast` (its private API, for LibCST versions it is tested
with; see `glm_migrate.cst`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Protocol

import libcst as cst
from libcst.metadata import CodeRange

from glm_migrate.cst.common import Parents, Region


class Splicer(Protocol):
    """What splicing edits into the source text needs besides positions (fast only)."""

    #: the statements generated to place nodes, disjoint and in source order; None: all of them
    regions: list[Region] | None

    def span(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """Character offsets of all the text `node` generates (its own whitespace included)."""

    def code_in_place(self, module: cst.Module, original: cst.CSTNode, new: cst.CSTNode) -> str:
        """The code of `new` as it would be generated where `original` stands."""


#: what `record_positions` gives: positions, a `Splicer` or None, the ancestors of the edited
#: nodes or None (unknown)
RecordedPositions = tuple[Mapping[cst.CSTNode, CodeRange], Splicer | None, set[cst.CSTNode] | None]


class Implementation(Protocol):
    """One way to parse, walk, place and generate; a module satisfies it (`stock`, `fast`)."""

    NAME: str

    def parse_module(self, data: str | bytes) -> cst.Module:
        """`libcst.parse_module`."""

    def walk(
        self, node: cst.CSTNode, visitor: cst.CSTVisitor, parents: dict[cst.CSTNode, cst.CSTNode] | None = None
    ) -> None:
        """Call `visitor`'s visit_<Node>/leave_<Node> methods over `node`'s tree, read only. `parents`,
        if given, receives child -> parent for (at least) every node a visit_ method can see."""

    def record_positions(
        self,
        module: cst.Module,
        code: str,
        targets: Collection[cst.CSTNode],
        edited: Collection[cst.CSTNode],
        parents: Parents,
    ) -> RecordedPositions:
        """Positions of (at least) `targets`, `module` being `code` parsed; a `Splicer` when edits
        may be spliced into `code`; the ancestors of `edited` (None: unknown, walk everything)."""

    def code_in_block(self, node: cst.CSTNode, *, indent_unit: str, newline: str, block_indent: tuple[str, ...]) -> str:
        """The code of `node` inside blocks indented by `block_indent` (lines in its brackets that
        follow the block's indentation get it)."""

    def prepare_for_many_files(self) -> None:
        """This process will parse many files: whatever pays only then."""
