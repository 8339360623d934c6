"""The `fast` implementation: LibCST's hot paths redone on its private API (the only package of
glm-migrate that imports it). Chosen only for the LibCST versions in `glm_migrate.cst.TESTED_LIBCST`,
where tests/test_cst_equivalence.py holds it to the `stock` implementation's output."""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst
from libcst._nodes.internal import CodegenState

from glm_migrate.cst.common import Parents
from glm_migrate.cst.fast import positions, speedups
from glm_migrate.cst.fast.walk import walk as walk
from glm_migrate.cst.interface import RecordedPositions

NAME = "fast"

parse_module = speedups.parse_module


def record_positions(
    module: cst.Module,
    code: str,
    targets: Collection[cst.CSTNode],
    edited: Collection[cst.CSTNode],
    parents: Parents,
) -> RecordedPositions:
    recorded, ancestors = positions.record_positions(module, code, targets, edited, parents)
    return recorded, recorded, ancestors


def code_in_block(node: cst.CSTNode, *, indent_unit: str, newline: str, block_indent: tuple[str, ...]) -> str:
    state = CodegenState(default_indent=indent_unit, default_newline=newline, indent_tokens=list(block_indent))
    node._codegen(state)
    return "".join(state.tokens)


def prepare_for_many_files() -> None:
    speedups.install()
