"""Which rule handles which node, as the engine keeps it for one pass over a module.

A rule that rewrites or reports a model-id literal claims it; a rule that would handle the same
literal another way (GLM103 reporting it as data, a framework rule rewriting it) first asks
whether it is already handled. A rule that fixes an argument claims the argument with its fix,
and another rule asks whether this run fixes it (GLM101 moves an image model only where the
arguments GLM's endpoint lacks are removed), without knowing which rule does it or whether that
rule is enabled. The first claim holds: the order in which rules claim is the registry's run
order, whose constraints `rules.RUN_ORDER` declares and a test checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glm_migrate.diagnostics import Applicability

if TYPE_CHECKING:
    import libcst as cst

    from glm_migrate.config import Settings


class Claims:
    """The claims of one pass; rules reach them through `Rule.claim`, `Rule.claimed` and
    `Rule.fixed_in_this_run`."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        #: node -> the code of the rule that claimed it first
        self._holders: dict[cst.CSTNode, str] = {}
        #: nodes whose claim comes with a fix this run applies
        self._fixed: set[cst.CSTNode] = set()
        #: nodes whose claim comes with a fix, applied in this run or only with --unsafe-fixes
        self._fixable: set[cst.CSTNode] = set()

    def claim(self, node: cst.CSTNode, rule: str, *, fix: Applicability | None = None) -> None:
        """`rule` handles `node`; with `fix`, by a fix of that applicability."""
        self._holders.setdefault(node, rule)
        if fix is Applicability.SAFE or fix is Applicability.UNSAFE:
            self._fixable.add(node)
        if fix is Applicability.SAFE or (fix is Applicability.UNSAFE and self._settings.unsafe_fixes):
            self._fixed.add(node)

    def claimed(self, node: cst.CSTNode) -> bool:
        """Whether some rule (the asking one included) already handles `node`."""
        return node in self._holders

    def holder(self, node: cst.CSTNode) -> str | None:
        """The code of the rule that claimed `node` first."""
        return self._holders.get(node)

    def fixed(self, node: cst.CSTNode) -> bool:
        """Whether a claim on `node` comes with a fix this run applies."""
        return node in self._fixed

    def fixable(self, node: cst.CSTNode) -> bool:
        """Whether a claim on `node` comes with a fix, whether or not this run applies it."""
        return node in self._fixable
