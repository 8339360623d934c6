"""User settings: the frozen `Settings`, parsed from `[tool.glm-migrate]` and command-line flags."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from glm_migrate import lazy_toml

BaseUrlStyle = Literal["env", "literal"]
REGIONS = ("international", "china")
BASE_URL_STYLES = ("env", "literal")
THINKING_MODES = ("enabled", "disabled")
#: report formats (`formats.py` renders them; named here so that the command line need not load it)
FORMATS = ("text", "json", "github", "sarif", "markdown", "junit", "gitlab")
#: where the result cache lives, in the project root (see `cache.py`)
CACHE_DIR_NAME = ".glm_migrate_cache"
#: Black's and Ruff's line length, for projects that configure none
DEFAULT_LINE_LENGTH = 88


class ConfigError(ValueError):
    """A configuration value is unknown or of the wrong type; names the file and key."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


@dataclass(frozen=True, slots=True)
class Settings:
    """What one run does: the command line and `[tool.glm-migrate]` merged."""

    #: rule codes or prefixes to run; empty = every rule
    select: frozenset[str] = frozenset()
    #: rule codes or prefixes never to run
    ignore: frozenset[str] = frozenset()
    unsafe_fixes: bool = False
    #: which Z.AI endpoint migrated clients target ("international" or "china")
    region: str = "international"
    #: env var the migrated client reads its key from; None = the table's ZAI_API_KEY
    api_key_env: str | None = None
    #: "env": base_url=os.environ.get("ZAI_BASE_URL", <url>); "literal": base_url=<url>
    base_url_style: BaseUrlStyle = "env"
    #: user model map entries, merged over rules/models.toml
    models: Mapping[str, str] = field(default_factory=dict)
    #: extra glob patterns excluded from discovery
    exclude: tuple[str, ...] = ()
    #: patterns of data files (lock files, cassettes, ...) to scan after all
    include: tuple[str, ...] = ()
    #: glob -> codes ignored in matching files
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: where per-file-ignores globs are rooted: the config file's directory (None: the cwd)
    root: Path | None = None
    #: write `# TODO(glm-migrate): ...` above call sites that need a person (--add-todo)
    add_todo: bool = False
    #: deep-thinking switch added to chat calls that have none ("enabled"/"disabled"); None = leave
    thinking: str | None = None
    #: apply the `tool_stream` suggestion to streamed tool calls (GLM206) as a safe fix
    tool_stream: bool = False
    #: a module whose clients get Z.AI's URL in several places defines it once
    #: (`ZAI_BASE_URL = os.environ.get(...)` after the imports) and uses that name
    base_url_once: bool = True
    #: the `openai` major version the code runs on: 0 (the project pins openai<1), 1 (openai>=1),
    #: None (unknown). `openai-major` in the config; else detected from the dependency
    #: declarations (see `detected_openai_majors`)
    openai_major: int | None = None
    #: directory -> the major its dependency declarations pin (the CLI reads them); a file takes
    #: the nearest directory above it (`for_file`)
    detected_openai_majors: Mapping[Path, int | None] = field(default_factory=dict)
    #: whether the LiteLLM the project runs on has the zai provider (1.80.8 and later):
    #: `litellm-has-zai` in the config; None: judged from the dependency declarations and locks
    #: (`detected_litellm_pins`). Without it, LiteLLM calls move to `zai/` only as unsafe fixes
    litellm_has_zai: bool | None = None
    #: directory -> the declaration or lock there (or above) that installs a LiteLLM without the
    #: zai provider, as findings show it; a file takes the nearest directory above it
    detected_litellm_pins: Mapping[Path, str] = field(default_factory=dict)
    #: for one file (`for_file`): what installs its project a LiteLLM without the zai provider
    #: ("" where nothing is known to)
    litellm_without_zai: str = ""
    #: the longest line an edited call may make before it is laid out one argument per line;
    #: None: the project's (the CLI reads Ruff's, Black's or flake8's), else DEFAULT_LINE_LENGTH
    line_length: int | None = None
    #: the GLM model to migrate to: a profile name or alias of rules/targets.toml; None: its default
    target_model: str | None = None
    #: facts of the target profile the user overrides (keys as in targets.toml)
    target_profile: Mapping[str, Any] = field(default_factory=dict)
    #: the day findings are judged on (an OpenAI id shut down by then fails today); None: not
    #: compared. The engine reads no clock: the CLI passes the date of the run
    as_of: date | None = None
    #: keep Responses API calls and point their client at the target's Responses endpoint, where
    #: its profile lists one, instead of rewriting them as chat completions
    repoint_responses: bool = False

    def is_enabled(self, code: str) -> bool:
        return _is_enabled(self.select, self.ignore, code)

    def for_file(self, path: Path) -> Settings:
        """These settings for one file: the `per-file-ignores` that match `path` added to
        `ignore`, and the `openai` major its project pins."""
        settings = self
        if self.detected_openai_majors:
            settings = replace(self, openai_major=self._detected_major(path), detected_openai_majors={})
        if self.detected_litellm_pins:
            pins = self.detected_litellm_pins
            found = "" if self.litellm_has_zai else next((pins[d] for d in path.resolve().parents if d in pins), "")
            settings = replace(settings, litellm_without_zai=found, detected_litellm_pins={})
        if not self.per_file_ignores:
            return settings
        codes = {
            code for glob, codes in self.per_file_ignores.items() if _matches(glob, path, self.root) for code in codes
        }
        return replace(settings, ignore=self.ignore | codes) if codes else settings

    def _detected_major(self, path: Path) -> int | None:
        if self.openai_major is not None:
            return self.openai_major  # the configuration's word wins over the detection
        for directory in path.resolve().parents:
            if directory in self.detected_openai_majors:
                return self.detected_openai_majors[directory]
        return None

    def merged(self, **overrides: Any) -> Settings:
        """A copy with the given fields replaced; None values are ignored (flag not given)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_KEYS: dict[str, str] = {
    "select": "select",
    "ignore": "ignore",
    "unsafe-fixes": "unsafe_fixes",
    "region": "region",
    "api-key-env": "api_key_env",
    "base-url-style": "base_url_style",
    "models": "models",
    "exclude": "exclude",
    "include": "include",
    "per-file-ignores": "per_file_ignores",
    "thinking": "thinking",
    "tool-stream": "tool_stream",
    "base-url-once": "base_url_once",
    "openai-major": "openai_major",
    "litellm-has-zai": "litellm_has_zai",
    "line-length": "line_length",
    "target-model": "target_model",
    "target-profile": "target_profile",
    "as-of": "as_of",
    "repoint-responses": "repoint_responses",
}


@functools.lru_cache(maxsize=1024)
def _is_enabled(select: frozenset[str], ignore: frozenset[str], code: str) -> bool:
    # Asked for every rule of every file: the answer depends on these three values only.
    selected = not select or any(code.startswith(p) for p in select)
    return selected and not any(code.startswith(p) for p in ignore)


def _glob_pattern(glob: str) -> re.Pattern[str]:
    """A path glob as a regex: `*` and `?` stay within one folder, `**` spans folders."""
    glob = glob.strip().removeprefix("./")
    if glob.endswith("/"):
        glob += "**"
    parts: list[str] = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif glob.startswith("**", index):
            parts.append(".*")
            index += 2
        elif glob[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif glob[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(glob[index]))
            index += 1
    return re.compile("".join(parts))


def _matches(glob: str, path: Path, root: Path | None) -> bool:
    """Whether `path` matches a per-file-ignores glob, taken relative to `root` (or the cwd).

    A glob without a slash also matches the file name alone, as in .gitignore.
    """
    absolute = path.resolve()
    try:
        relative = absolute.relative_to(root or Path.cwd().resolve()).as_posix()
    except ValueError:
        relative = absolute.as_posix()
    pattern = _glob_pattern(glob)
    if pattern.fullmatch(relative):
        return True
    return "/" not in glob.rstrip("/") and pattern.fullmatch(absolute.name) is not None


def _string_list(value: Any, key: str, path: Path | None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings", path=path)
    return tuple(value)


#: settings that take one of a few words
_CHOICES = {"region": REGIONS, "thinking": THINKING_MODES, "base_url_style": BASE_URL_STYLES}


def parse_settings(table: Mapping[str, Any], *, source: Path | None = None) -> Settings:
    """Turn a `[tool.glm-migrate]` table into Settings. Pure; raises ConfigError on any bad key."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"unknown key `{key}` in [tool.glm-migrate] (known keys: {known})", path=source)
        name = _KEYS[key]
        if name in ("select", "ignore"):
            values[name] = frozenset(code.upper() for code in _string_list(value, key, source))
        elif name in ("exclude", "include"):
            values[name] = _string_list(value, key, source)
        elif name in ("unsafe_fixes", "tool_stream", "base_url_once", "repoint_responses", "litellm_has_zai"):
            if not isinstance(value, bool):
                raise ConfigError(f"`{key}` must be true or false", path=source)
            values[name] = value
        elif name in _CHOICES:
            if value not in _CHOICES[name]:
                raise ConfigError(f"`{key}` must be one of {', '.join(_CHOICES[name])}", path=source)
            values[name] = value
        elif name == "openai_major":
            if type(value) is not int or value not in (0, 1):
                raise ConfigError(f"`{key}` must be 0 (the code runs on openai<1) or 1 (openai>=1)", path=source)
            values[name] = value
        elif name == "line_length":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"`{key}` must be a positive whole number", path=source)
            values[name] = value
        elif name == "api_key_env":
            if not isinstance(value, str) or not value.isidentifier():
                raise ConfigError(f"`{key}` must be an environment variable name", path=source)
            values[name] = value
        elif name == "target_model":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"`{key}` must be a model name such as glm-5.3", path=source)
            values[name] = value
        elif name == "target_profile":
            if not isinstance(value, Mapping):
                raise ConfigError(f"`{key}` must be a table of profile facts (see rules/targets.toml)", path=source)
            values[name] = dict(value)
        elif name == "as_of":
            if not isinstance(value, date) or hasattr(value, "hour"):
                raise ConfigError(f"`{key}` must be a date such as 2026-12-01", path=source)
            values[name] = value
        elif name == "models":
            if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(f"`{key}` must be a table of model id = GLM model id", path=source)
            values[name] = dict(value)
        elif name == "per_file_ignores":
            if not isinstance(value, Mapping):
                raise ConfigError(f"`{key}` must be a table of glob = [codes]", path=source)
            values[name] = {
                glob: tuple(code.upper() for code in _string_list(codes, f"{key}.{glob}", source))
                for glob, codes in value.items()
            }
    return Settings(**values)


def find_settings(start: Path) -> Settings:
    """The settings of the nearest pyproject.toml with a [tool.glm-migrate] table, walking up
    from `start` (stopping at the repository's top); the defaults when there is none."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
                data = lazy_toml.loads(text)
            except (OSError, UnicodeDecodeError):
                continue
            except lazy_toml.TOMLDecodeError as exc:
                if "glm-migrate" in text:  # meant for us: say so rather than run without it
                    raise ConfigError(f"invalid TOML: {exc}", path=pyproject) from None
                continue
            if "glm-migrate" in data.get("tool", {}):
                return _settings_from(data, pyproject)
        if (candidate / ".git").exists():
            break
    return Settings()


def project_root(start: Path) -> Path | None:
    """The folder of the project `start` is in: the nearest one with a pyproject.toml or a .git."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if (candidate / "pyproject.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return None


def find_line_length(start: Path) -> int | None:
    """The line length the project's formatter or linter keeps to, from the nearest folder
    (walking up from `start` to the repository's top) that configures one: Ruff's `line-length`
    (`ruff.toml`, `.ruff.toml`, `[tool.ruff]`), then Black's (`[tool.black]`), then flake8's
    `max-line-length` (`setup.cfg`, `tox.ini`, `.flake8`). None when none does. Unreadable
    files are passed over: the line length only shapes the layout of edited calls."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        found = _configured_line_length(candidate)
        if found is not None:
            return found
        if (candidate / ".git").exists():
            break
    return None


def _configured_line_length(directory: Path) -> int | None:
    tables: list[tuple[Any, str]] = []
    for name in ("ruff.toml", ".ruff.toml"):
        tables.append((_toml(directory / name), "line-length"))
    pyproject = _toml(directory / "pyproject.toml").get("tool", {})
    tables += [(pyproject.get("ruff", {}), "line-length"), (pyproject.get("black", {}), "line-length")]
    for table, key in tables:
        value = table.get(key) if isinstance(table, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        value = _flake8_line_length(directory / name)
        if value is not None:
            return value
    return None


def _toml(path: Path) -> dict[str, Any]:
    try:
        return lazy_toml.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, lazy_toml.TOMLDecodeError):
        return {}


def _flake8_line_length(path: Path) -> int | None:
    if not path.is_file():
        return None
    import configparser  # only where a setup.cfg or .flake8 is read

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
        value = parser.get("flake8", "max-line-length", fallback=None) or parser.get(
            "flake8", "max_line_length", fallback=None
        )
        return int(value) if value is not None and int(value) > 0 else None
    except (configparser.Error, UnicodeDecodeError, ValueError):
        return None


def load_settings(path: Path) -> Settings:
    """Read `[tool.glm-migrate]` from a pyproject.toml (or the whole of any other TOML file)."""
    try:
        data = lazy_toml.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from None
    except lazy_toml.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=path) from None
    return _settings_from(data, path)


def _settings_from(data: Mapping[str, Any], path: Path) -> Settings:
    table = data.get("tool", {}).get("glm-migrate", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, Mapping):
        raise ConfigError("[tool.glm-migrate] must be a table", path=path)
    # per-file-ignores globs are relative to the folder of the file that holds them
    return replace(parse_settings(table, source=path), root=path.parent.resolve())
