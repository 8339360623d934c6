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
    suppression of a rule that did not run (not selected, or ignored) is not reported, nor is a
    bare `ignore` unless every rule ran.

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
    Safe: the fix deletes the comment (and the whitespace before it), only the directive when the
    comment says more (`# noqa: E501  # glm-migrate: ignore` keeps `# noqa: E501`), or only the
    unused codes. Unknown codes are left for a person: they may be a typo of a code that is meant.
    """

    CODE = "GLM991"
    NAME = "unused-suppression"
    SUMMARY = "`# glm-migrate: ignore` comment that silences nothing"
    FIX_TITLE = "Remove the unused suppression"
    SEVERITY = Severity.WARNING

    # In these examples only this rule runs, so only a suppression of GLM991 itself can be unused.
    VALID = (
        Valid("import openai\nx = 1  # glm-migrate: ignore[GLM101]"),  # GLM101 did not run: idle, not unused
        Valid("import openai\nx = 1  # glm-migrate: ignore"),  # a bare ignore needs every rule to have run
        Valid("import openai\n# glm-migrate is how this module was migrated\nx = 1"),
    )
    INVALID = (
        Invalid("import openai\nx = 1  # glm-migrate: ignore[GLM991]", expected="import openai\nx = 1"),
        Invalid("import openai\n# glm-migrate: ignore[GLM991]\nx = 1\n", expected="import openai\nx = 1\n"),
        Invalid(
            "import openai\nx = 1  # noqa: E501  # glm-migrate: ignore[GLM991]",
            expected="import openai\nx = 1  # noqa: E501",
        ),
        Invalid(
            "import openai\nx = 1  # glm-migrate: ignore[GLM101, GLM991]",
            expected="import openai\nx = 1  # glm-migrate: ignore[GLM101]",
        ),
        Invalid("import openai\nx = 1  # glm-migrate: ignore[GLM999]"),  # unknown code: reported, not fixed
    )
