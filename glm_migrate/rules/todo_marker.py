from __future__ import annotations

import libcst as cst

from glm_migrate.rules._base import Invalid, Rule, Valid

#: how every marker written by `--add-todo` starts; followed by the code and the finding's message
MARKER_PREFIX = "# TODO(glm-migrate):"


class TodoMarker(Rule):
    """
    ## What it does
    Reports every `# TODO(glm-migrate): ...` comment. `--add-todo` writes these markers above call
    sites that cannot be migrated automatically (findings with the `manual` status), one per rule
    and statement, never twice.

    ## Why is this bad?
    A marker stands for work a person still has to do. `--check` keeps failing while one remains,
    so a half-finished migration cannot be merged by accident, even after the finding that caused
    it has gone (for example because the model was mapped in the configuration).

    ## Example
    ```python
    # TODO(glm-migrate): GLM102 Unknown model id `ft:gpt-4o:acme::x1`: map it in `[tool.glm-migrate.models]`
    client.chat.completions.create(model="ft:gpt-4o:acme::x1", messages=messages)
    ```
    Use instead:
    ```python
    client.chat.completions.create(model="glm-4.6", messages=messages)
    ```

    ## Fix safety
    No automatic fix: do the work the marker describes, then delete the marker.
    """

    CODE = "GLM990"
    NAME = "todo-marker"
    SUMMARY = "`# TODO(glm-migrate)` marker left in the code"

    VALID = (
        Valid("import openai\n# TODO: use glm-migrate here\nx = 1"),
        Valid("import openai\nx = '# TODO(glm-migrate): not a comment'"),
    )
    INVALID = (
        Invalid("import openai\n# TODO(glm-migrate): GLM102 Unknown model id `ft:x`\nx = 1"),
        Invalid("import openai\n\ndef f():\n    return 1  # TODO(glm-migrate): check this\n"),
        Invalid("import openai\n# Ask the model once per file.\nx = 1  # TODO(glm-migrate):\n"),  # other comments stay
    )

    def on_module_end(self) -> None:
        if MARKER_PREFIX not in self.model.source:
            return
        for comment in _comments(self.model.module):
            if comment.value.startswith(MARKER_PREFIX):
                note = comment.value.removeprefix(MARKER_PREFIX).strip()
                self.report(comment, f"Migration marker left in the code: {note}" if note else "Migration marker")


def _comments(module: cst.Module) -> list[cst.Comment]:
    found: list[cst.Comment] = []

    class Collector(cst.CSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            found.append(node)

    module.visit(Collector())
    return found
