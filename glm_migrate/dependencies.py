"""Which `openai` a project runs on, and whether its LiteLLM has the zai provider, from its
dependency declarations (and, for LiteLLM, its lock files). Reads files, writes none.

A project declares its requirements in `requirements*.txt` (or `.in`), `pyproject.toml` (PEP 621
`[project]`, PEP 735 `[dependency-groups]`, Poetry, PDM and uv tables), `setup.cfg`, `setup.py`
(`install_requires=[...]` literals) or a `Pipfile`. `declared_requirements` reads one of them
(pure); `PinFinder` finds, for a directory, the nearest one above it that names `openai` (up to
the repository's top), reading each file once.
"""

from __future__ import annotations

import ast
import codecs
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from glm_migrate import lazy_toml

#: manifest file names, in the order their declarations are preferred within one directory
FIXED_MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile")
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$")
_CLAUSE = re.compile(r"(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*v?(\d+(?:\.[0-9*]+)*)[\w.+!-]*")
_TABLE_KEY = r"^\s*[\"']?{name}[\"']?\s*="


def is_manifest(path: PurePath) -> bool:
    name = path.name
    return name in FIXED_MANIFESTS or (name.startswith("requirements") and name.endswith((".txt", ".in")))


@dataclass(frozen=True)
class Requirement:
    """One declared requirement, where it is written."""

    name: str  #: normalised: lower case, `-` for `_` and `.`
    text: str  #: as written, `openai==0.27.4` or `openai = "^0.27.8"`
    line: int  #: 1-based
    column: int  #: 0-based, where `text` starts on its line
    #: for `openai`: the major version the specifier allows (0: below 1.0; 1: 1.0 and above),
    #: None when it allows both or says nothing
    major: int | None


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_major(specifier: str, *, poetry: bool = False) -> int | None:
    """0 if `specifier` (PEP 440, or Poetry's `^`/`~`/bare forms) admits only versions below 1.0,
    1 if it admits only 1.0 and above, else None."""
    if "|" in specifier or "@" in specifier:
        return None  # alternatives, or a direct URL
    below_one = from_one = False
    for clause in filter(None, (c.strip() for c in specifier.strip("()").split(","))):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            return None
        operator, version = match.group(1) or ("==" if poetry else ""), match.group(2)
        parts = version.split(".")
        major = int(parts[0])
        if operator in ("==", "===", "^", "~", "~="):
            # each bounds the version within its major, except `~=1` (invalid) and `~=N.M` (< N+1)
            below_one, from_one = below_one or major == 0, from_one or major >= 1
        elif operator == "<":
            below_one = below_one or major == 0 or (major == 1 and all(p in ("0", "*") for p in parts[1:]))
        elif operator == "<=":
            below_one = below_one or major == 0
        elif operator in (">=", ">"):
            from_one = from_one or major >= 1
        elif operator != "!=":
            return None
    if below_one == from_one:
        return None  # unbounded, or contradictory
    return 0 if below_one else 1


def declared_requirements(name: str, text: str) -> list[Requirement]:
    """The requirements a manifest named `name` declares; empty for text it cannot read."""
    try:
        if name == "pyproject.toml":
            return list(_pyproject(text))
        if name == "Pipfile":
            return list(_pipfile(text))
        if name == "setup.cfg":
            return list(_setup_cfg(text))
        if name == "setup.py":
            return list(_setup_py(text))
    except (lazy_toml.TOMLDecodeError, SyntaxError, ValueError, RecursionError):
        return []
    return list(_requirements_txt(text))


def _pep508(text: str, line: int, column: int) -> Requirement | None:
    spec = text.split(";", 1)[0]
    match = _REQUIREMENT.match(spec)
    if match is None:
        return None
    name = normalise(match.group(1))
    major = pinned_major(match.group(3)) if name == "openai" else None
    return Requirement(name, text.strip(), line, column, major)


def _requirements_txt(text: str) -> Iterator[Requirement]:
    for number, line in enumerate(text.splitlines(), 1):
        content = line.split(" #", 1)[0].split("\t#", 1)[0]
        if not content.strip() or content.lstrip().startswith(("#", "-")):
            continue  # comments, options, `-r other.txt` and `-e path`
        found = _pep508(content, number, len(content) - len(content.lstrip()))
        if found is not None:
            yield found


def _locate(lines: list[str], needle: str) -> tuple[int, int] | None:
    """(1-based line, column) of the first occurrence of `needle`."""
    for index, line in enumerate(lines):
        column = line.find(needle)
        if column >= 0:
            return index + 1, column
    return None


def _strings(lines: list[str], values: Iterable[Any]) -> Iterator[Requirement]:
    """PEP 508 strings from a TOML array, located in the text by their quoted form."""
    for value in values:
        if isinstance(value, str):
            line, column = _locate(lines, f'"{value}"') or _locate(lines, f"'{value}'") or (1, -1)
            found = _pep508(value, line, column + 1)
            if found is not None:
                yield found


def _table(lines: list[str], table: Any, *, poetry: bool) -> Iterator[Requirement]:
    """`name = "spec"` / `name = {version = "spec"}` entries (Poetry, Pipfile)."""
    if not isinstance(table, Mapping):
        return
    for key, value in table.items():
        name = normalise(key)
        spec = value.get("version", "") if isinstance(value, Mapping) else value
        if not isinstance(spec, str):
            continue
        line = next(
            (i + 1 for i, text in enumerate(lines) if re.match(_TABLE_KEY.format(name=re.escape(key)), text)), 1
        )
        column = len(lines[line - 1]) - len(lines[line - 1].lstrip()) if lines else 0
        major = pinned_major("" if spec == "*" else spec, poetry=poetry) if name == "openai" else None
        yield Requirement(name, lines[line - 1].strip() if lines else key, line, column, major)


def _pyproject(text: str) -> Iterator[Requirement]:
    data = lazy_toml.loads(text)
    lines = text.splitlines()
    project = data.get("project", {})
    yield from _strings(lines, project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        yield from _strings(lines, group)
    for group in data.get("dependency-groups", {}).values():
        yield from _strings(lines, group)
    tool = data.get("tool", {})
    poetry = tool.get("poetry", {})
    yield from _table(lines, poetry.get("dependencies"), poetry=True)
    yield from _table(lines, poetry.get("dev-dependencies"), poetry=True)
    for group in poetry.get("group", {}).values():
        yield from _table(lines, group.get("dependencies"), poetry=True)
    for group in tool.get("pdm", {}).get("dev-dependencies", {}).values():
        yield from _strings(lines, group)
    yield from _strings(lines, tool.get("uv", {}).get("dev-dependencies", []))


def _pipfile(text: str) -> Iterator[Requirement]:
    data = lazy_toml.loads(text)
    lines = text.splitlines()
    for section in ("packages", "dev-packages"):
        yield from _table(lines, data.get(section), poetry=False)


def _setup_cfg(text: str) -> Iterator[Requirement]:
    import configparser  # only where a setup.cfg is read

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ValueError(str(exc)) from exc
    values = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values.extend(value for _, value in parser.items("options.extras_require"))
    lines = text.splitlines()
    for value in values:
        for requirement in filter(None, (r.strip() for r in value.splitlines())):
            line, column = _locate(lines, requirement) or (1, 0)
            found = _pep508(requirement, line, column)
            if found is not None:
                yield found


def _setup_py(text: str) -> Iterator[Requirement]:
    tree = ast.parse(text)
    lists = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called_name(node.func) == "setup"):
            continue
        for keyword in node.keywords:
            value = lists.get(keyword.value.id, keyword.value) if isinstance(keyword.value, ast.Name) else keyword.value
            if keyword.arg == "install_requires":
                yield from _setup_py_strings(value)
            elif keyword.arg == "extras_require" and isinstance(value, ast.Dict):
                for group in value.values:
                    yield from _setup_py_strings(group)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _setup_py_strings(node: ast.expr) -> Iterator[Requirement]:
    if not isinstance(node, ast.List | ast.Tuple):
        return
    for element in node.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            found = _pep508(element.value, element.lineno, element.col_offset + 1)
            if found is not None:
                yield found


@dataclass(frozen=True)
class OpenAIPin:
    """The `openai` requirement that decides which major a directory's code runs on."""

    major: int | None
    path: Path
    requirement: Requirement

    def describe(self, base: Path) -> str:
        """`openai<1 from requirements.txt:2 (openai==0.27.4)`, the path relative to `base`."""
        version = {0: "openai<1", 1: "openai>=1"}.get(self.major if self.major is not None else -1, "no known openai")
        return f"{version} from {_shown(self.path, base)}:{self.requirement.line} (`{self.requirement.text}`)"


def _shown(path: Path, base: Path) -> Path:
    """`path` relative to `base` where it is below it, else as it is."""
    try:
        return path.relative_to(base)
    except ValueError:
        return path


class PinFinder:
    """The nearest `openai` declaration above each directory; every manifest read once."""

    def __init__(self) -> None:
        self._by_directory: dict[Path, OpenAIPin | None] = {}

    def for_directory(self, directory: Path) -> OpenAIPin | None:
        """The pin of the nearest directory (this one or above, up to the repository's top)
        whose manifests name `openai`; None when none does."""
        return self.for_real_directory(directory.resolve())

    def for_real_directory(self, directory: Path) -> OpenAIPin | None:
        """`for_directory` of a resolved path (resolving it again costs a system call per part)."""
        if directory not in self._by_directory:
            try:
                names = os.listdir(directory)
            except OSError:
                names = []
            own = _declared_here(directory, names)
            top = ".git" in names or directory.parent == directory
            self._by_directory[directory] = own if own is not None or top else self.for_real_directory(directory.parent)
        return self._by_directory[directory]


#: byte-order marks and the codecs that read them, UTF-32's first (its little-endian mark starts
#: with UTF-16's): pip reads a requirements file by its mark (`pip._internal.utils.encoding`), and
#: Windows writes UTF-16 (`pip freeze > requirements.txt` in PowerShell) or UTF-8 with a mark
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)


def text_encoding(data: bytes) -> str:
    """The codec of a text file's bytes by its byte-order mark (which that codec drops when
    reading and writes again), "utf-8" without one."""
    if data[:1] not in (b"\xff", b"\xfe", b"\xef", b"\x00"):
        return "utf-8"  # most files: no mark
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), "utf-8")


def _declared_here(directory: Path, names: list[str]) -> OpenAIPin | None:
    """The `openai` requirement of one directory's manifests (`names`: the directory's
    entries); conflicting majors give None."""
    listed = set(names)
    requirements_files = sorted(n for n in names if n.startswith("requirements") and n.endswith((".txt", ".in")))
    found: list[OpenAIPin] = []
    for path in [directory / name for name in (*FIXED_MANIFESTS, *requirements_files) if name in listed]:
        try:
            data = path.read_bytes()
            text = data.decode(text_encoding(data))
        except (OSError, UnicodeDecodeError):
            continue
        if "openai" not in text.lower():
            continue
        found += [OpenAIPin(r.major, path, r) for r in declared_requirements(path.name, text) if r.name == "openai"]
    if not found:
        return None
    majors = {pin.major for pin in found if pin.major is not None}
    if len(majors) > 1:
        return OpenAIPin(None, found[0].path, found[0].requirement)
    return next((pin for pin in found if pin.major is not None), found[0])


# -- LiteLLM ------------------------------------------------------------------------------------

#: lock files naming the versions installed, read for LiteLLM's: TOML `[[package]]` tables (uv,
#: Poetry, PDM) and Pipenv's JSON
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
_LOCKED = re.compile(r'^\[\[package\]\]\s*\nname\s*=\s*"litellm"\s*\nversion\s*=\s*"([^"]+)"', re.MULTILINE)
_PIPFILE_LOCKED = re.compile(r'"litellm"\s*:\s*\{[^{}]*?"version"\s*:\s*"==([^"]+)"')


def _numbers(version: str) -> tuple[int, ...] | None:
    """(1, 74, 0) for "1.74.0.post1"; None for a version that does not start with a number."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in match.group(0).split(".")) if match else None


def _specifier(text: str) -> tuple[str, bool]:
    """The version specifier of a requirement as written, and whether it is Poetry's or
    Pipfile's table form (`litellm = "^1.57"`, where a bare version means `==`)."""
    table = re.match(r"""^\s*["']?[A-Za-z0-9._-]+["']?\s*=\s*["']([^"']*)["']\s*$""", text)
    if table is not None:
        return table.group(1), True
    match = _REQUIREMENT.match(text.split(";", 1)[0])
    return (match.group(3), False) if match is not None else ("", False)


def admits_only_below(specifier: str, poetry: bool, version: tuple[int, ...]) -> bool:
    """Whether `specifier` (PEP 440, or, `poetry`, Poetry's `^`/`~`/bare forms) admits only
    versions below `version`: one of its clauses sets an upper bound at or below it (`==1.67.0`, `<1.80`,
    `~=1.57.5`, Poetry's `^0.3`). Alternatives and URLs say nothing."""
    if "|" in specifier or "@" in specifier:
        return False
    for clause in filter(None, (c.strip() for c in specifier.strip("()").split(","))):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            return False
        operator = match.group(1) or ("==" if poetry else "")
        written = match.group(2)
        wildcard = written.endswith(".*")
        numbers = _numbers(written)
        if numbers is None:
            return False
        if operator in ("==", "===") and not wildcard:
            below = numbers < version
        elif operator in ("==", "===") or operator == "~" or (operator == "~=" and len(numbers) > 2):
            # `==1.57.*`, Poetry's `~1.57.5` and `~=1.57.5`: below the next minor
            below = numbers[:2] < version[:2] if len(numbers) > 1 else numbers[:1] < version[:1]
        elif operator == "~=" or (operator == "^" and numbers[0] > 0):
            below = numbers[:1] < version[:1]  # `~=1.57`, `^1.57`: below the next major
        elif operator == "^":
            below = numbers[:2] < version[:2]  # `^0.3`: below 0.4
        elif operator == "<":
            below = numbers <= version
        elif operator == "<=":
            below = numbers < version
        else:
            continue  # `>=`, `>`, `!=`: no upper bound
        if below:
            return True
    return False


@dataclass(frozen=True)
class LitellmPin:
    """A declaration or lock that installs a LiteLLM older than a given release."""

    path: Path
    text: str  #: `litellm==1.74.0.post1` (a lock's version, in that form), or as written
    line: int

    def describe(self, base: Path) -> str:
        return f"`{self.text}` ({_shown(self.path, base)}:{self.line})"


class LitellmFinder:
    """For each directory, the nearest declaration (or lock) above it naming `litellm`, where it
    installs a release older than `since`; every file read once. A lock decides over the
    manifests beside it: it says what is installed."""

    def __init__(self, since: tuple[int, ...]) -> None:
        self._since = since
        self._by_directory: dict[Path, LitellmPin | None] = {}
        self._named: dict[Path, bool] = {}

    def for_real_directory(self, directory: Path) -> LitellmPin | None:
        if directory not in self._by_directory:
            try:
                names = os.listdir(directory)
            except OSError:
                names = []
            own = self._declared_here(directory, names)
            top = ".git" in names or directory.parent == directory
            if own is None and not top and not self._named.get(directory, False):
                self._by_directory[directory] = self.for_real_directory(directory.parent)
            else:
                self._by_directory[directory] = own
        return self._by_directory[directory]

    def _declared_here(self, directory: Path, names: list[str]) -> LitellmPin | None:
        listed = set(names)
        requirements_files = sorted(n for n in names if n.startswith("requirements") and n.endswith((".txt", ".in")))
        manifests = [n for n in (*FIXED_MANIFESTS, *requirements_files) if n in listed]
        for name in (*(n for n in LOCK_FILES if n in listed), *manifests):
            path = directory / name
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if b"litellm" not in data:
                continue
            text = data.decode(text_encoding(data), errors="replace")
            if name in LOCK_FILES:
                match = (_PIPFILE_LOCKED if name == "Pipfile.lock" else _LOCKED).search(text)
                if match is None:
                    continue
                self._named[directory] = True
                numbers = _numbers(match.group(1))
                line = text.count("\n", 0, match.start(1)) + 1
                if numbers is not None and numbers < self._since:
                    return LitellmPin(path, f"litellm=={match.group(1)}", line)
                return None  # the lock installs one with the provider: the manifests say less
            for requirement in declared_requirements(name, text):
                if requirement.name != "litellm":
                    continue
                self._named[directory] = True
                if admits_only_below(*_specifier(requirement.text), self._since):
                    return LitellmPin(path, requirement.text, requirement.line)
        return None
