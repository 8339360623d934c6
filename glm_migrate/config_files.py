"""The configuration around the code: `.env` files, YAML/TOML/JSON settings, dependency manifests.

These are scanned as text, line by line: LibCST has nothing to say about them. Findings name the
GLM value to use instead. Only `.env` templates (`.env.example`, `.env.sample`, `.env.template`)
are rewritten, and only key names and model ids in them; values that look like secrets are never
printed (they are shown redacted) and never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability, Diagnostic, Severity, Span
from glm_migrate.redaction import mask
from glm_migrate.tables import Tables


@dataclass(frozen=True)
class ConfigRule:
    """A check on configuration text; the docs follow the same sections as code rules."""

    CODE: str
    NAME: str
    SUMMARY: str
    FIX_TITLE: str | None
    APPLICABILITY: Applicability
    SEVERITY: Severity
    __doc__: str


OPENAI_ENV_KEY = ConfigRule(
    "GLM401",
    "openai-env-variable",
    "OpenAI environment variable in a configuration file",
    "Rename it to the Z.AI variable (in `.env` templates)",
    Applicability.SAFE,
    Severity.ERROR,
    """
    ## What it does
    Finds `OPENAI_API_KEY`, `OPENAI_BASE_URL` and `OPENAI_API_BASE` in `.env` files, YAML, TOML
    and JSON settings, and says which Z.AI variable replaces them (`ZAI_API_KEY`,
    `ZAI_BASE_URL`). In `.env.example`-style templates the key name is rewritten.

    ## Why is this bad?
    Migrated clients read `ZAI_API_KEY` and `ZAI_BASE_URL`; a deployment that still sets only the
    OpenAI names starts without a key.

    ## Example
    ```text
    OPENAI_API_KEY=sk-...
    ```
    Use instead:
    ```text
    ZAI_API_KEY=your-zai-key
    ```

    ## Fix safety
    Safe in templates, which hold placeholders. Real `.env` files, CI settings and YAML/TOML/JSON
    files are only reported: their values are secrets or deployment decisions.
    """,
)
OPENAI_URL = ConfigRule(
    "GLM402",
    "openai-url-in-config",
    "`api.openai.com` URL in a configuration file",
    "Use Z.AI's URL (in `.env` templates)",
    Applicability.SAFE,
    Severity.ERROR,
    """
    ## What it does
    Finds `https://api.openai.com/...` URLs in configuration files and names Z.AI's URL (the
    same URLs in Python code are GLM405's).

    ## Why is this bad?
    Requests sent there still go to OpenAI. Z.AI's paths have no `/v1`: chat completions live at
    `https://api.z.ai/api/paas/v4/chat/completions`.

    ## Example
    ```text
    base_url: https://api.openai.com/v1
    ```
    Use instead:
    ```text
    base_url: https://api.z.ai/api/paas/v4/
    ```

    ## Fix safety
    Safe in `.env` templates, where the URL is the default a developer copies; elsewhere reported
    only.
    """,
)
OPENAI_MODEL_IN_CONFIG = ConfigRule(
    "GLM403",
    "openai-model-in-config",
    "OpenAI model id in a configuration file",
    "Replace it with the GLM model id (in `.env` templates)",
    Applicability.SAFE,
    Severity.ERROR,
    """
    ## What it does
    Finds OpenAI (and retired GLM) model ids as values in configuration files and names the GLM
    id from the model map, the ids of its families included (`gpt-5.4-mini`, "OpenAI chat
    family"). In `.env` templates the value is rewritten. Ids without a GLM counterpart
    (fine-tuned `ft:` ids, `tts-1`, `omni-moderation-latest`) are reported with what to do instead.

    ## Why is this bad?
    Code that reads its model from configuration sends whatever the file says.

    ## Example
    ```text
    OPENAI_MODEL=gpt-4o
    ```
    Use instead:
    ```text
    OPENAI_MODEL=glm-4.6
    ```

    ## Fix safety
    Safe in templates; elsewhere reported only. Ids without a GLM counterpart are never rewritten.
    """,
)
DEPENDENCY_PIN = ConfigRule(
    "GLM404",
    "outdated-sdk-dependency",
    "`openai<1` pin or the deprecated `zhipuai` package in a dependency manifest",
    None,
    Applicability.MANUAL,
    Severity.ERROR,
    """
    ## What it does
    Finds `openai` pins below 1.0 and the `zhipuai` package in `requirements*.txt`,
    `pyproject.toml` and `setup.cfg`.

    ## Why is this bad?
    The migrated code uses the client API of `openai>=1`; `zhipuai` is deprecated in favour of
    `zai-sdk`.

    ## Example
    ```text
    openai==0.28.1
    ```
    Use instead:
    ```text
    openai>=1.0
    ```

    ## Fix safety
    No fix: a dependency change needs the lock file and the tests run again.
    """,
)

CONFIG_RULES: tuple[ConfigRule, ...] = (OPENAI_ENV_KEY, OPENAI_URL, OPENAI_MODEL_IN_CONFIG, DEPENDENCY_PIN)

_ENV_NAMES = re.compile(r"\b(OPENAI_API_KEY|OPENAI_BASE_URL|OPENAI_API_BASE)\b")
_URL = re.compile(r"https?://api\.openai\.com[^\s\"'<>,]*")
#: a whole word that may be a model id (not the tail of `#notes-gpt-35`): `ft:` ids keep their
#: colons, so the `gpt-4o` inside one is not matched alone
_TOKEN = re.compile(r"(?<![\w.-])(?:ft:[\w.:-]+|[A-Za-z0-9][\w.-]{3,})")
_OLD_OPENAI = re.compile(r"""^\s*["']?openai\s*(?:(?:==|<=|~=|<)\s*0(?:\.\d+)*|<\s*1(?:\.0)*)\b""", re.I)
_ZHIPUAI = re.compile(r"""^\s*["']?zhipuai\b""", re.I)
_SECRET = re.compile(r"^(sk-|sk-proj-)|^[A-Za-z0-9_\-.]{20,}$")
TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist")
LOCK_NAMES = frozenset({"poetry.lock", "package-lock.json", "pipfile.lock", "uv.lock", "yarn.lock", "pdm.lock"})


#: Larger files are data, not configuration.
MAX_CONFIG_BYTES = 1_000_000


def config_kind(path: PurePath) -> str | None:
    """ "env", "settings", "manifest" or None for files this module does not scan."""
    name = path.name.lower()
    if name in LOCK_NAMES or name.endswith(".lock"):
        return None
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return "env"
    if (name.startswith("requirements") and name.endswith((".txt", ".in"))) or name == "setup.cfg":
        return "manifest"
    if name == "pyproject.toml":
        return "manifest"
    if name.endswith((".yaml", ".yml", ".toml", ".json")):
        return "settings"
    return None


def is_template(path: PurePath) -> bool:
    return path.name.lower().endswith(TEMPLATE_SUFFIXES)


@dataclass(frozen=True)
class _Finding:
    rule: ConfigRule
    line: int
    start: int
    end: int
    message: str
    replacement: str | None = None  #: new text for [start, end) when the file may be rewritten

    def diagnostic(self) -> Diagnostic:
        fixed = self.replacement is not None
        return Diagnostic(
            code=self.rule.CODE,
            rule=self.rule.NAME,
            message=self.message,
            span=Span(self.line, self.start + 1, self.line, self.end + 1),
            severity=self.rule.SEVERITY,
            applicability=self.rule.APPLICABILITY if fixed else Applicability.MANUAL,
            applied=fixed,
            fix_title=self.rule.FIX_TITLE if fixed else None,
        )


def _line_findings(
    line: str, number: int, kind: str, rewrite: bool, tables: Tables, settings: Settings
) -> Iterator[_Finding]:
    url = tables.base_url(settings.region)
    for match in _ENV_NAMES.finditer(line):
        name = match.group(1)
        new = (settings.api_key_env or tables.api_key_env) if name == "OPENAI_API_KEY" else tables.base_url_env
        value = line[match.end() :].partition("=")[2].strip().strip("\"'")
        hidden = f" (its value `{mask(value)}` is not shown)" if value and _SECRET.search(value) else ""
        message = f"`{name}` is read by OpenAI clients; migrated code reads `{new}`{hidden}"
        yield _Finding(OPENAI_ENV_KEY, number, match.start(), match.end(), message, new if rewrite else None)
    for match in _URL.finditer(line):
        message = f"OpenAI URL `{match.group(0)}`: use `{url}`"
        yield _Finding(OPENAI_URL, number, match.start(), match.end(), message, url if rewrite else None)
    if kind == "manifest":
        end = len(line.rstrip("\r\n"))
        if _OLD_OPENAI.search(line):
            yield _Finding(DEPENDENCY_PIN, number, 0, end, "`openai` pinned below 1.0: migrated code needs `openai>=1`")
        elif _ZHIPUAI.search(line):
            yield _Finding(DEPENDENCY_PIN, number, 0, end, "`zhipuai` is deprecated: its successor is `zai-sdk`")
        return
    for token in _TOKEN.finditer(line):
        model_id = token.group(0)
        model = tables.match_model(model_id)
        if model is None:
            continue
        if model.glm:
            message = f"Model id `{model_id}`{model.label}: the GLM id is `{model.glm}`"
        else:
            message = f"Model id `{model_id}`{model.label} has no GLM equivalent" + (
                f": {model.why}" if model.why else ""
            )
        replacement = model.glm if rewrite and model.glm else None
        yield _Finding(OPENAI_MODEL_IN_CONFIG, number, token.start(), token.end(), message, replacement)


def scan_config(path: PurePath, text: str, *, tables: Tables, settings: Settings) -> tuple[str, list[Diagnostic]]:
    """Findings for one configuration file, and its new text (equal to `text` unless a template)."""
    kind = config_kind(path)
    if kind is None:
        return text, []
    rewrite = kind == "env" and is_template(path)
    lines = text.splitlines(keepends=True)
    diagnostics: list[Diagnostic] = []
    for index, line in enumerate(lines):
        findings = [
            f
            for f in _line_findings(line, index + 1, kind, rewrite, tables, settings)
            if settings.is_enabled(f.rule.CODE)
        ]
        diagnostics.extend(f.diagnostic() for f in findings)
        # Right to left, so earlier offsets stay valid.
        for finding in sorted(findings, key=lambda f: f.start, reverse=True):
            if finding.replacement is not None:
                line = line[: finding.start] + finding.replacement + line[finding.end :]
        lines[index] = line
    return "".join(lines), diagnostics
