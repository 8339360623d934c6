from __future__ import annotations

from glm_migrate.diagnostics import Severity
from glm_migrate.rules._base import Invalid, Rule, Valid


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports `# glm-migrate: ignore` comments that silence nothing: no finding of the named codes
    (or, for a bare `ignore`, no finding at all) starts on the comment's line, on the line below a
    comment that stands alone, or in the statement starting there. Also reports codes in
    `ignore[...]` that name no rule. The engine's suppression pass produces these findings; a
    suppression of a rule that did not run (not selected, or ignored) is not reported.

    ## Why is this bad?
    A suppression outlives the code it was written for: once the call is migrated, a stale
    `ignore` would silently hide the next real problem on that line.

    ## Example
    ```python
    client = OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url=ZAI_URL)  # glm-migrate: ignore
    ```
    Use instead:
    ```python
    client = OpenAI(api_key=os.environ["ZAI_API_KEY"], base_url=ZAI_URL)
    ```

    ## Fix safety
    No automatic fix: delete the comment (or the unused codes in it) by hand.
    """

    CODE = "GLM991"
    NAME = "unused-suppression"
    SUMMARY = "`# glm-migrate: ignore` comment that silences nothing"
    SEVERITY = Severity.WARNING

    VALID = (
        Valid("import openai\nx = 1  # glm-migrate: ignore[GLM101]"),  # GLM101 did not run: idle, not unused
        Valid("import openai\n# glm-migrate is how this module was migrated\nx = 1"),
    )
    INVALID = (
        Invalid("import openai\nx = 1  # glm-migrate: ignore"),
        Invalid("import openai\nx = 1  # glm-migrate: ignore[GLM999]"),
    )
