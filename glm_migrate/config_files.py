"""The configuration around the code: `.env` files, YAML/TOML/JSON settings, dependency manifests.

These are scanned as text, line by line: LibCST has nothing to say about them. Findings name the
GLM value to use instead. Only `.env` templates (`.env.example`, `.env.sample`, `env.template`, `example.env`)
are rewritten, and only key names and model ids in them; values that look like secrets are never
printed (they are shown redacted) and never rewritten.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import PurePath
from urllib.parse import urlparse

from glm_migrate.config import Settings
from glm_migrate.dependencies import declared_requirements
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
    Applicability.UNSAFE,
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
    Unsafe in templates, which hold placeholders: a template's names and values are read by code this run may leave as it is (an
    `os.getenv("OPENAI_API_KEY")` waiting for `--unsafe-fixes`, a client reported for a person to
    repoint, whose model would then go to OpenAI), so a template rewritten alone can describe a
    set-up the code does not have. Real `.env` files, CI settings
    and YAML/TOML/JSON files are only reported: their values are secrets or deployment decisions.
    A template's Azure OpenAI configuration (a file setting `OPENAI_API_TYPE=azure`, which
    openai<1 applies to every request, or a block of lines with an `*.openai.azure.com` URL or an
    `AZURE_...` setting) is reported, not rewritten: its key and URL are Azure's. A `.env` file
    whose `OPENAI_BASE_URL` (or `OPENAI_API_BASE`) points at another server (Ollama on
    `localhost`, a gateway) configures that server: it is neither reported nor rewritten, as a
    client built with that URL in code is left alone. Comments are never rewritten: prose in them
    is not reported, a setting commented out is.
    """,
)
OPENAI_URL = ConfigRule(
    "GLM402",
    "openai-url-in-config",
    "`api.openai.com` URL in a configuration file",
    "Use Z.AI's URL (in `.env` templates)",
    Applicability.UNSAFE,
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
    Unsafe in `.env` templates, where the URL is the default a developer copies: a template's names and values are read by code this run may leave as it is (an
    `os.getenv("OPENAI_API_KEY")` waiting for `--unsafe-fixes`, a client reported for a person to
    repoint, whose model would then go to OpenAI), so a template rewritten alone can describe a
    set-up the code does not have.
    Elsewhere reported only.
    """,
)
OPENAI_MODEL_IN_CONFIG = ConfigRule(
    "GLM403",
    "openai-model-in-config",
    "OpenAI model id in a configuration file",
    "Replace it with the GLM model id (in `.env` templates)",
    Applicability.UNSAFE,
    Severity.ERROR,
    """
    ## What it does
    Finds OpenAI (and retired GLM) model ids as values in configuration files and names the GLM
    id from the model map, the ids of its families included (`gpt-5.4-mini`, "OpenAI chat
    family"). In `.env` templates the value is rewritten. Ids without a GLM counterpart
    (fine-tuned `ft:` ids, `tts-1`, `omni-moderation-latest`) are reported with what to do instead.
    An id in a settings block that configures Azure (`api_type = "azure"`, an `openai.azure.com`
    URL) names an Azure deployment: it is reported as part of moving that block by hand.

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
    Unsafe in templates: a template's names and values are read by code this run may leave as it is (an
    `os.getenv("OPENAI_API_KEY")` waiting for `--unsafe-fixes`, a client reported for a person to
    repoint, whose model would then go to OpenAI), so a template rewritten alone can describe a
    set-up the code does not have. Elsewhere reported only. Ids without a GLM counterpart are
    never rewritten, nor are ids in a template's comments (prose there is not reported) or in its
    Azure OpenAI configuration (`AZURE_OPENAI_MODEL_NAME=gpt-4o` names a deployment).
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
    Finds `openai` requirements that allow only versions below 1.0 (`openai==0.27.4`,
    `openai<1`, Poetry's `^0.27.8`) and the `zhipuai` package in `requirements*.txt`,
    `pyproject.toml` (PEP 621, PEP 735, Poetry, PDM and uv tables), `setup.cfg`, `setup.py`
    (`install_requires=[...]`) and `Pipfile`.

    ## Why is this bad?
    The migrated code uses the client API of `openai>=1`; `zhipuai` is deprecated in favour of
    `zai-sdk`. glm-migrate reads the same declarations before it runs: in a project pinned to
    openai<1, every edit of openai<1 code is part of one unsafe change set (`--unsafe-fixes`
    applies them together), and this finding asks for the bump that goes with them.

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

NOTEBOOK_CELL_SKIPPED = ConfigRule(
    "GLM992",
    "notebook-cell-skipped",
    "Notebook cell that is neither Python nor IPython syntax glm-migrate reads",
    None,
    Applicability.MANUAL,
    Severity.WARNING,
    """
    ## What it does
    Reports a notebook code cell left out because it does not parse once IPython's syntax
    (magics, shell escapes, automagics, help) is set aside; the notebook's other cells are
    migrated all the same.

    ## Why is this bad?
    Nothing in the cell was looked at. It is an error when the cell mentions a word the rules
    look for (`openai`, `gpt-`, ...: something there may need migrating), else a warning.

    ## Example
    ```text
    for x in xs: %time f(x)
    ```

    ## Fix safety
    No fix: the cell is left exactly as it is.
    """,
)

#: rules on files other than Python code: configuration files, and notebooks as a whole
CONFIG_RULES: tuple[ConfigRule, ...] = (
    OPENAI_ENV_KEY,
    OPENAI_URL,
    OPENAI_MODEL_IN_CONFIG,
    DEPENDENCY_PIN,
    NOTEBOOK_CELL_SKIPPED,
)

_ENV_NAMES = re.compile(r"\b(OPENAI_API_KEY|OPENAI_BASE_URL|OPENAI_API_BASE)\b")
_URL = re.compile(r"https?://api\.openai\.com[^\s\"'<>,})\]]*")  # `${VAR:https://...}` ends at the brace
#: a whole word that may be a model id (not the tail of `#notes-gpt-35`): `ft:` ids keep their
#: colons, so the `gpt-4o` inside one is not matched alone
#: LiteLLM's provider prefix for OpenAI (`openai/gpt-4o-mini`)
_LITELLM_OPENAI = "openai/"
_TOKEN = re.compile(r"(?<![\w.-])(?:ft:[\w.:-]+|[A-Za-z0-9][\w.-]{3,})")
_SECRET = re.compile(r"^(sk-|sk-proj-)|^[A-Za-z0-9_\-.]{20,}$")
TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist")
LOCK_NAMES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "composer.lock", "conda-lock.yml", "bun.lock"}
)
#: folders whose structured files are test data, not configuration
TEST_DATA_DIRS = frozenset({"fixtures", "testdata", "test_data", "test-data", "__snapshots__", "snapshots"})
_TEST_DIRS = frozenset({"test", "tests", "testing"})
#: the head of an OpenAPI document (its version key), a VCR cassette (vcrpy, Ruby VCR; YAML at
#: the first column or JSON's first key) or a JSON schema (`$schema` naming json-schema.org)
_DATA_HEAD = (
    ("OpenAPI document", re.compile(r"""^(?:openapi|swagger)\s*:\s*["']?\d|"(?:openapi|swagger)"\s*:\s*"\d""", re.M)),
    ("recorded HTTP cassette", re.compile(r"""^(?:---\s*)?\{?\s*"?(?:http_)?interactions"?\s*:""")),
    ("JSON schema", re.compile(r""""\$schema"\s*:\s*"https?://json-schema\.org/""")),
    ("SARIF log", re.compile(r""""\$schema"\s*:\s*"[^"]*sarif""")),
    # what glm-migrate itself writes: a baseline's snippets and a report's messages hold model ids
    ("glm-migrate baseline", re.compile(r"""^\{\s*"glm-migrate-baseline"\s*:""")),
    ("glm-migrate report", re.compile(r'^\{\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"glm-migrate"')),
    # records keyed by a hash (LightRAG's and nano-graphrag's `kv_store_llm_response_cache.json`):
    # the model that answered each, stored, not the one the program asks for
    ("cache keyed by hashes", re.compile(r'^\{\s*"(?:[0-9a-f]{32,}|[\w-]+-[0-9a-f]{32,})"\s*:\s*\{')),
)


#: Larger files are data, not configuration.
MAX_CONFIG_BYTES = 1_000_000


def config_kind(path: PurePath) -> str | None:
    """ "env", "settings", "manifest" or None for files this module does not scan."""
    name = path.name.lower()
    if name in LOCK_NAMES or name.endswith(".lock"):
        return "settings"  # data (see `data_kind`), scanned as settings only when included
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return "env"
    if name.startswith("env.") and name.endswith(TEMPLATE_SUFFIXES):  # `env.example`
        return "env"
    if (name.startswith("requirements") and name.endswith((".txt", ".in"))) or name == "setup.cfg":
        return "manifest"
    if name in ("pyproject.toml", "pipfile"):
        return "manifest"
    if name.endswith((".yaml", ".yml", ".toml", ".json")):
        return "settings"
    return None


def data_kind(path: PurePath, head: bytes) -> str | None:
    """What kind of data a structured file holds, when it is data rather than configuration: a
    lock file, a recorded HTTP cassette, an OpenAPI, JSON-schema or SARIF document, test data,
    JSON records (a top-level array), or a baseline or report glm-migrate wrote. None for
    configuration. `path` is relative to the repository
    (folder names above it say nothing); `head` is the start of the file."""
    name = path.name.lower()
    if name in LOCK_NAMES or name.endswith(".lock"):
        return "lock file"
    if config_kind(path) != "settings" or name == "pyproject.toml":
        return None
    folders = [part.lower() for part in path.parts[:-1]]
    if any("cassette" in folder for folder in folders):
        return "recorded HTTP cassette"
    if TEST_DATA_DIRS.intersection(folders) or (
        "data" in folders and _TEST_DIRS.intersection(folders[: folders.index("data")])
    ):
        return "test data"
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    for kind, pattern in _DATA_HEAD:
        if pattern.search(text):
            return kind
    if name.endswith(".json") and text.startswith("["):
        return "JSON records"
    return None


#: a setting named like a secret, and its value
_SECRET_SETTING = re.compile(
    r"""[\w.-]*(?:key|secret|token|password)[\w.-]*["']?\s*[:=]\s*["']?(?P<value>[^\s"'#,}]+)""", re.I
)


def without_secrets(text: str) -> str:
    """`text` with secret-shaped values of key, secret, token and password settings masked: the
    text a baseline's snippets and fingerprints are taken from."""

    def masked(match: re.Match[str]) -> str:
        value = match.group("value")
        if not _SECRET.search(value):
            return match.group(0)
        cut = match.start("value") - match.start()
        return match.group(0)[:cut] + mask(value)

    return _SECRET_SETTING.sub(masked, text)


_TEMPLATE_WORDS = frozenset(suffix.lstrip(".") for suffix in TEMPLATE_SUFFIXES)


def is_template(path: PurePath) -> bool:
    """A file of settings to copy and fill in: `.env.example`, `env.sample`, and `.env` files a
    word of whose name says so (`example.env`, `example.local.env`)."""
    name = path.name.lower()
    if name.endswith(TEMPLATE_SUFFIXES):
        return True
    return name.endswith(".env") and any(word in _TEMPLATE_WORDS for word in name.split(".")[:-1])


@dataclass(frozen=True)
class _Finding:
    """One finding on a line of a configuration file, with its rewrite when it has one."""

    rule: ConfigRule
    line: int
    start: int
    end: int
    message: str
    replacement: str | None = None  #: new text for [start, end) when the file may be rewritten

    def applies(self, settings: Settings) -> bool:
        """The rewrite is made in this run: a safe one, or an unsafe one with `--unsafe-fixes`."""
        return self.replacement is not None and (
            self.rule.APPLICABILITY is Applicability.SAFE
            or (self.rule.APPLICABILITY is Applicability.UNSAFE and settings.unsafe_fixes)
        )

    def diagnostic(self, settings: Settings) -> Diagnostic:
        fixable = self.replacement is not None
        return Diagnostic(
            code=self.rule.CODE,
            rule=self.rule.NAME,
            message=self.message,
            span=Span(self.line, self.start + 1, self.line, self.end + 1),
            severity=self.rule.SEVERITY,
            applicability=self.rule.APPLICABILITY if fixable else Applicability.MANUAL,
            applied=self.applies(settings),
            fix_title=self.rule.FIX_TITLE if fixable else None,
        )


#: `key: ` / `"key": "` / `key = '` (and a `provider/` prefix) just before a value
_VALUE_OF = re.compile(r"""["']?(?P<key>[A-Za-z_$][\w.$-]*)["']?\s*[:=]\s*["']?(?:[\w.-]+/)?$""")
#: `- ` just before a value: a YAML list item
_LIST_ITEM = re.compile(r"""^(?P<indent>[ \t]*)-\s*["']?(?:[\w.-]+/)?$""")
#: `key:` alone on its line (a list or mapping follows)
_KEY_LINE = re.compile(r"""^[ \t]*(?:-\s+)?["']?(?P<key>[\w.$-]+)["']?\s*:\s*(?:#.*)?$""")
#: a name used as a key: `NAME:`, `"NAME":`, `NAME=`
_IS_KEY = re.compile(r"""^["']?\s*[:=]""")
#: a reference to a variable: `${NAME}`, `${{ secrets.NAME }}`, `env.NAME`, `secret('NAME')`
_REFERENCE = re.compile(r"""(?:\$\{{0,2}\s*|\bsecrets\.|\benv\.|\b(?:secret|env|getenv)\(\s*["']?)$""")
#: how far before a value its key (or a `${`) can start
_KEY_WINDOW = 256
#: keys whose values are model ids, and keys whose values name a key or variable
MODEL_KEYS = re.compile(r"model|deployment|engine|llm", re.I)
SECRET_KEYS = re.compile(r"key|secret|token|env|name|var|credential|password", re.I)


#: a list item of a YAML file (a GitHub Actions step): `- uses: ...`, `- name: ...`
_STEP_ITEM = re.compile(r"(?P<indent> *)- +[A-Za-z_-]+:")
#: a step's `uses:` or `run:` key, on its item's line or below it
_STEP_KEY = re.compile(r"(?P<indent> *)(?:- +)?(?P<key>uses|run):(?P<value>.*)")


class _Shape:
    """Where a match sits in a structured settings file: the key it is the value of, if any.

    Settings files hold configuration in `key: value` shapes; the same words in prose (a
    description, a prompt, a document stored as a string) are not configuration.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def key_of(self, index: int, start: int) -> str | None:
        before = self.lines[index][:start]
        # Only the text just before the value can be its key: searching the whole line for every
        # token of a minified JSON line was quadratic (minutes on one real lock-like file).
        value = _VALUE_OF.search(before[-_KEY_WINDOW:])
        if value is not None:
            return value.group("key")
        item = _LIST_ITEM.match(before)
        return self._parent(index, len(item.group("indent"))) if item is not None else None

    def _parent(self, index: int, indent: int) -> str | None:
        """The key a list item at `indent` belongs to: the nearest line above it not in the list."""
        for line in reversed(self.lines[:index]):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            depth = len(line) - len(line.lstrip(" \t"))
            if stripped.startswith("-") and depth >= indent:
                continue
            key = _KEY_LINE.match(line.rstrip("\r\n"))
            return key.group("key") if key is not None and depth <= indent else None
        return None

    def names_variable(self, index: int, start: int, end: int) -> bool:
        line = self.lines[index]
        if _IS_KEY.match(line[end:]) or _REFERENCE.search(line[max(0, start - _KEY_WINDOW) : start]):
            return True
        key = self.key_of(index, start)
        return key is not None and SECRET_KEYS.search(key) is not None

    @functools.cached_property
    def litellm_proxy(self) -> bool:
        """A LiteLLM proxy (or Router) configuration: a `model_list` whose entries map the
        `model_name` clients ask for to the `litellm_params` LiteLLM sends."""
        return any(line.lstrip().startswith("litellm_params") for line in self.lines)

    @functools.cached_property
    def remote_action_lines(self) -> frozenset[int]:
        """The lines of GitHub Actions steps that run another repository's action (`- uses:
        owner/reviewer@v1` with no `run:`): its `env:` and `with:` configure that action, which
        reads `OPENAI_API_KEY` and its model for its own OpenAI calls, not the project's code. A
        local action (`uses: ./.github/actions/x`) or a `run:` step runs the project's code."""
        found: set[int] = set()
        index = 0
        while index < len(self.lines):
            item = _STEP_ITEM.match(self.lines[index])
            if item is None:
                index += 1
                continue
            indent = len(item.group("indent"))
            end = index + 1
            while end < len(self.lines):
                line = self.lines[end]
                stripped = line.strip()
                if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip(" ")) <= indent:
                    break
                end += 1
            uses = runs = False
            for line in self.lines[index:end]:
                key = _STEP_KEY.match(line)
                if key is not None and len(key.group("indent")) in (indent, indent + 2):
                    if key.group("key") == "run":
                        runs = True
                    elif not key.group("value").strip().strip("\"'").startswith((".", "/")):
                        uses = True
            if uses and not runs:
                found.update(range(index, end))
            index = end
        return frozenset(found)

    def names_model(self, index: int, start: int) -> bool:
        key = self.key_of(index, start)
        return key is not None and MODEL_KEYS.search(key) is not None

    def azure_marker(self, index: int) -> str | None:
        """A line of the same block (no blank line or section header between) that configures
        Azure OpenAI (`api_type = "azure"`, an `*.openai.azure.com` URL, an `azure_...` key)."""
        for step in (-1, 1):
            current = index
            while 0 <= current < len(self.lines):
                text = self.lines[current].strip()
                if not text or (current != index and text.startswith("[")):
                    break
                if _AZURE_LINE.search(text):
                    return text
                current += step
        return None

    def is_value(self, index: int, start: int) -> bool:
        return self.key_of(index, start) is not None


#: a settings line that configures Azure OpenAI
_AZURE_LINE = re.compile(
    r"""(?i)(?:api_type|provider|type)\W+["']?azure|\.openai\.azure\.com|^\s*["']?azure_\w*["']?\s*[:=]"""
)


#: `# OPENAI_MODEL=gpt-4o` in a `.env` file: a setting commented out, not prose
_COMMENTED_SETTING = re.compile(r"^#\s*(?:export\s+)?[A-Za-z_]\w*\s*=")
#: `OPENAI_API_TYPE=azure` in a `.env` file: openai<1 sends every request to Azure, with the file's key
_AZURE_API_TYPE = re.compile(r"""(?i)^\s*(?:export\s+)?OPENAI_API_TYPE\s*=\s*["']?azure""")
#: `OPENAI_BASE_URL=http://localhost:11434/v1` in a `.env` file: the URL every OpenAI client reads
_ENV_BASE_URL = re.compile(r"""^\s*(?:export\s+)?(OPENAI_BASE_URL|OPENAI_API_BASE)\s*=\s*["']?(https?://[^\s"'#]+)""")


def _env_other_server(lines: list[str], tables: Tables) -> str | None:
    """The setting of a `.env` file that points OpenAI's clients at another server (Ollama on
    localhost, a gateway): every client reading the file talks to it, as glm-migrate leaves a
    client built with that URL in code where it is; None for OpenAI's URL, Z.AI's or a
    placeholder (`https://your-endpoint/v1`)."""
    for line in lines:
        match = _ENV_BASE_URL.match(line)
        if match is None:
            continue
        host = urlparse(match.group(2)).hostname or ""
        placeholder = not host.strip(".") or any(mark in host for mark in ("<", "{", "your", "xxx", "..."))
        azure = _AZURE_LINE.search(line) is not None  # Azure's configuration: reported as such
        if not placeholder and not azure and host not in tables.openai_hosts and host not in tables.zai_hosts:
            return match.group(1)
    return None


def _env_comment_start(line: str) -> int | None:
    """Where a `.env` line's comment starts (a `#` opening the line, or after a space outside
    quotes), if it has one."""
    stripped = line.lstrip()
    if stripped.startswith("#"):
        return len(line) - len(stripped)
    quote = None
    for at, char in enumerate(line):
        if quote is not None:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and at > 0 and line[at - 1] in " \t":
            return at
    return None


def _env_azure_marker(lines: list[str], index: int) -> str | None:
    """The name of a setting of the same `.env` block (no blank line between) that configures
    Azure OpenAI (`OPENAI_API_TYPE=azure`, an `*.openai.azure.com` URL, an `AZURE_...` name)."""
    for step in (-1, 1):
        current = index
        while 0 <= current < len(lines):
            text = lines[current].strip()
            if not text:
                break
            if not text.startswith("#") and _AZURE_LINE.search(text):
                return text.partition("=")[0].removeprefix("export ").strip()
            current += step
    return None


def _line_findings(
    line: str,
    number: int,
    kind: str,
    rewrite: bool,
    tables: Tables,
    settings: Settings,
    shape: _Shape | None,
    env_azure: str | None = None,
) -> Iterator[_Finding]:
    """The findings on one line; in settings files (`shape`), only in configuration shapes. In
    `.env` files, prose in comments is not configuration, and a setting commented out or
    configuring Azure OpenAI (`env_azure` names the setting that says so) is reported, never
    rewritten."""
    url = tables.base_url(settings.region)
    comment = _env_comment_start(line) if kind == "env" else None
    setting_in_comment = comment is not None and _COMMENTED_SETTING.match(line[comment:]) is not None
    for finding in _raw_line_findings(line, number, kind, rewrite, tables, settings, shape, url):
        if comment is not None and finding.start >= comment:
            if not setting_in_comment:
                continue  # `# we use gpt-4o here`: prose
            finding = replace(finding, replacement=None)
        if env_azure is not None and finding.rule is not DEPENDENCY_PIN:
            # `OPENAI_API_TYPE=azure`, `OPENAI_API_BASE=https://x.openai.azure.com/`: an Azure
            # key, URL or deployment name, which Z.AI does not take under any variable's name
            what = finding.message.split(": ")[0].split("; ")[0]
            message = (
                f"{what}; `{env_azure}` makes it part of an Azure OpenAI configuration: move that configuration "
                "to Z.AI by hand"
            )
            finding = replace(finding, message=message, replacement=None)
        yield finding


def _raw_line_findings(
    line: str,
    number: int,
    kind: str,
    rewrite: bool,
    tables: Tables,
    settings: Settings,
    shape: _Shape | None,
    url: str,
) -> Iterator[_Finding]:
    index = number - 1
    for match in _ENV_NAMES.finditer(line):
        if shape is not None and not shape.names_variable(index, match.start(), match.end()):
            continue
        name = match.group(1)
        new = (settings.api_key_env or tables.api_key_env) if name == "OPENAI_API_KEY" else tables.base_url_env
        value = line[match.end() :].partition("=")[2].strip().strip("\"'")
        hidden = f" (its value `{mask(value)}` is not shown)" if value and _SECRET.search(value) else ""
        message = f"`{name}` is read by OpenAI clients; migrated code reads `{new}`{hidden}"
        yield _Finding(OPENAI_ENV_KEY, number, match.start(), match.end(), message, new if rewrite else None)
    for match in _URL.finditer(line):
        if shape is not None and not shape.is_value(index, match.start()):
            continue
        message = f"OpenAI URL `{match.group(0)}`: use `{url}`"
        yield _Finding(OPENAI_URL, number, match.start(), match.end(), message, url if rewrite else None)
    if kind == "manifest":
        return  # requirements: `dependency_findings`
    for token in _TOKEN.finditer(line):
        if shape is not None and not shape.names_model(index, token.start()):
            continue
        model_id = token.group(0)
        model = tables.match_model(model_id)
        if model is None:
            continue
        azure = shape.azure_marker(index) if shape is not None else None
        if model.glm and azure is not None:
            # `api_type = "azure"` beside it: the id names an Azure deployment, moved with the rest by hand
            message = (
                f"Model id `{model_id}` beside `{azure}` names an Azure deployment: move that configuration "
                f"to Z.AI by hand, with `{model.glm}`"
            )
            yield _Finding(OPENAI_MODEL_IN_CONFIG, number, token.start(), token.end(), message, None)
            continue
        if (
            model.glm
            and shape is not None
            and shape.litellm_proxy
            and shape.key_of(index, token.start()) == "model_name"
        ):
            # `- model_name: gpt-4o` above `litellm_params: {model: openai/gpt-4o}`: the name the
            # proxy's clients ask for, not what it sends; renamed alone, their requests find no model
            message = (
                f"Model id `{model_id}`{model.label} is the `model_name` clients ask this LiteLLM proxy for, not "
                "the model it sends (its `litellm_params`' `model`): keep it, or rename it together with every "
                f"client asking for it (`{model.glm}`)"
            )
            yield _Finding(OPENAI_MODEL_IN_CONFIG, number, token.start(), token.end(), message, None)
            continue
        start = token.start() - len(_LITELLM_OPENAI)
        if (
            model.glm
            and start >= 0
            and line[start : token.start()].lower() == _LITELLM_OPENAI
            and not (start and (line[start - 1].isalnum() or line[start - 1] in "/_.-"))  # `openrouter/openai/...`
        ):
            # `llm: openai/gpt-4o-mini` (a CrewAI `agents.yaml`, a LiteLLM config): LiteLLM's
            # provider/id form, whose `openai/` sends any id to OpenAI; a bare `glm-4.6` goes
            # there too. LiteLLM's Z.AI provider takes it (crewAI hands such ids to LiteLLM).
            new = f"{tables.litellm.prefix}/{model.glm}"
            message = (
                f"Model id `{line[start : token.end()]}`{model.label}, LiteLLM's provider/id form (as LiteLLM's "
                f"`litellm_params` and crewAI's `llm:` read it): for Z.AI use `{new}`, LiteLLM's Z.AI provider, which reads "
                f"`{tables.litellm.api_key_env}`"
            )
            yield _Finding(OPENAI_MODEL_IN_CONFIG, number, start, token.end(), message, new if rewrite else None)
            continue
        if model.glm:
            message = f"Model id `{model_id}`{model.label}: the GLM id is `{model.glm}`"
        else:
            message = f"Model id `{model_id}`{model.label} has no GLM equivalent" + (
                f": {model.why}" if model.why else ""
            )
        replacement = model.glm if rewrite and model.glm else None
        yield _Finding(OPENAI_MODEL_IN_CONFIG, number, token.start(), token.end(), message, replacement)


def dependency_findings(name: str, text: str, settings: Settings) -> list[Diagnostic]:
    """GLM404 findings of one dependency manifest (`setup.py` included)."""
    if not settings.is_enabled(DEPENDENCY_PIN.CODE):
        return []
    found = []
    for requirement in declared_requirements(name, text):
        if requirement.name == "openai" and requirement.major == 0:
            message = (
                f"`{requirement.text}` pins openai<1: bump it to `openai>=1` together with glm-migrate's "
                "openai<1 -> openai>=1 edits (applied with --unsafe-fixes)"
            )
        elif requirement.name == "zhipuai":
            message = "`zhipuai` is deprecated: its successor is `zai-sdk`"
        else:
            continue
        end = requirement.column + len(requirement.text)
        found.append(_Finding(DEPENDENCY_PIN, requirement.line, requirement.column, end, message).diagnostic(settings))
    return found


def _embedding_sized(finding: _Finding, line: str, lines: list[str], tables: Tables) -> _Finding:
    """An embedding id's GLM403 finding, with what the id is besides a name: the size of the
    vectors stored with it. Where the file writes that size (`dimension: 1536`), the id alone
    cannot change: manual, with the line."""
    if finding.rule is not OPENAI_MODEL_IN_CONFIG:
        return finding
    old = line[finding.start : finding.end]
    model = tables.match_model(old)
    if model is None or model.endpoint != "embeddings" or not model.glm:
        return finding
    size = tables.openai_embedding_sizes.get(tables.dated_suffix.sub("", old))
    sizes = tables.documented_dimensions.get(model.glm, ())
    made = f"`{old}` vectors" + (f" ({size} numbers)" if size else "")
    message = f"{finding.message}; {made} do not compare with `{model.glm}` ones: re-embed what you stored"
    if sizes:
        smaller = [str(n) for n in sizes if n != max(sizes)]
        asked = f"{', '.join(smaller[:-1])} or {smaller[-1]}" if len(smaller) > 1 else "".join(smaller)
        message += f" (`{model.glm}` makes {max(sizes)} numbers unless `dimensions=` asks for {asked})"
    if size is not None:
        written = re.compile(rf"(?<![\w.]){size}(?![\w.])")
        where = next((n for n, text in enumerate(lines, 1) if written.search(text)), None)
        if where is not None:
            shown = " ".join(lines[where - 1].split())[:60]
            message += f"; line {where} (`{shown}`) is sized for its vectors: change both together"
            return replace(finding, message=message, replacement=None)
    return replace(finding, message=message)


def scan_config(path: PurePath, text: str, *, tables: Tables, settings: Settings) -> tuple[str, list[Diagnostic]]:
    """Findings for one configuration file, and its new text (equal to `text` unless a template)."""
    kind = config_kind(path)
    if kind is None:
        return text, []
    tables = tables.configured(settings.target_model, settings.target_profile, settings.models)
    rewrite = kind == "env" and is_template(path)
    lines = text.splitlines(keepends=True)
    shape = _Shape(list(lines)) if kind == "settings" else None
    # `OPENAI_API_TYPE=azure` makes the whole file Azure's (openai<1 reads it for every request)
    azure_type = next((line.strip() for line in lines if kind == "env" and _AZURE_API_TYPE.match(line)), None)
    azure_file = azure_type.partition("=")[0].removeprefix("export ").strip() if azure_type else None
    if kind == "env" and _env_other_server(lines, tables) is not None:
        # its key, URL and model ids are that server's: not OpenAI's, and nothing to move
        return text, []
    diagnostics: list[Diagnostic] = []
    action_lines = shape.remote_action_lines if shape is not None and "uses:" in text else frozenset()
    for index, line in enumerate(lines):
        if index in action_lines:
            continue  # another repository's GitHub action, configured for its own OpenAI calls
        env_azure = (azure_file or _env_azure_marker(lines, index)) if kind == "env" else None
        findings = [
            f
            for f in _line_findings(line, index + 1, kind, rewrite, tables, settings, shape, env_azure)
            if settings.is_enabled(f.rule.CODE)
        ]
        findings = [_embedding_sized(f, line, lines, tables) for f in findings]
        diagnostics.extend(f.diagnostic(settings) for f in findings)
        # Right to left, so earlier offsets stay valid.
        for finding in sorted(findings, key=lambda f: f.start, reverse=True):
            if finding.replacement is not None and finding.applies(settings):
                line = line[: finding.start] + finding.replacement + line[finding.end :]
        lines[index] = line
    if kind == "manifest":
        diagnostics = sorted([*diagnostics, *dependency_findings(path.name, text, settings)], key=lambda d: d.span)
    return "".join(lines), diagnostics
