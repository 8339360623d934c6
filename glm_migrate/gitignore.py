"""Gitignore patterns matched the way git matches them (dir.c and wildmatch.c), tested against git.

Pure: text in, answers out. pathspec's `GitIgnoreSpec` answers for files: asked about a folder, it
calls `some_dir/` ignored under `*` then `!some_dir/`, where git re-includes the folder, and it
reads `[[:digit:]]` as a plain bracket and an unclosed `[` as a literal. So the patterns are
compiled here, by git's own rules:

- a pattern without a slash (other than a trailing one) matches the name at any depth; one with a
  slash matches the path relative to the folder of its `.gitignore`;
- a trailing `/` matches folders only; `!` re-includes; within a file the last match wins, a
  deeper `.gitignore` wins over a shallower one, then `.git/info/exclude`, then
  `core.excludesFile`;
- nothing inside an ignored folder is looked at (the walk does not enter it), so a file there
  cannot be re-included;
- wildmatch works on bytes: `?` and `[...]` match one byte of the UTF-8 name, which is why paths
  are matched as their UTF-8 bytes read as Latin-1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: the classes wildmatch knows, over ASCII (git's sane_ctype)
_CLASSES: dict[str, str] = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \t",
    "cntrl": "\x00-\x1f\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \t\n\v\f\r",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}
_SPECIAL = frozenset("*?[\\")


class _Unmatchable(Exception):
    """wildmatch aborts on this pattern (an unclosed `[`, an unknown `[:class:]`): it never matches."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One line of an ignore file, compiled."""

    text: str  #: the line as written, for messages
    negated: bool
    dir_only: bool  #: ended in `/`
    basename: bool  #: no slash: matched against the last path component
    regex: re.Pattern[str] | None  #: None: never matches


def _latin1(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def _trim_trailing_spaces(line: str) -> str:
    """Trailing spaces go unless escaped with a backslash (git's trim_trailing_spaces)."""
    last_space = None
    index = 0
    while index < len(line):
        char = line[index]
        if char == " ":
            if last_space is None:
                last_space = index
        elif char == "\\":
            index += 1
            if index >= len(line):
                return line
            last_space = None
        else:
            last_space = None
        index += 1
    return line if last_space is None else line[:last_space]


def _escaped(pattern: str, index: int) -> tuple[str, int]:
    """The character at `index`, or the one after it when it is a backslash, and its index."""
    if pattern[index] == "\\":
        index += 1
        if index >= len(pattern):
            raise _Unmatchable
    return pattern[index], index


def _bracket(pattern: str, start: int) -> tuple[str, int]:
    """The regex class for the bracket expression opening at `start`, and the index after it."""
    index = start + 1
    negated = False
    if index < len(pattern) and pattern[index] in "!^":
        negated = True
        index += 1
    members: list[str] = []
    previous: str | None = None  # the last single character, which a following `-` makes a range from
    first = True
    while first or pattern[index] != "]":
        first = False
        if index >= len(pattern):
            raise _Unmatchable
        char = pattern[index]
        if char == "\\":
            char, index = _escaped(pattern, index)
            members.append(re.escape(char))
        elif char == "-" and previous is not None and index + 1 < len(pattern) and pattern[index + 1] != "]":
            end, index = _escaped(pattern, index + 1)
            if ord(previous) <= ord(end):
                members.append(f"{re.escape(previous)}-{re.escape(end)}")
            char = ""
        elif char == "[" and pattern.startswith(":", index + 1):
            close = pattern.find("]", index + 2)
            if close < 0:
                raise _Unmatchable
            name = pattern[index + 2 : close]
            if not name.endswith(":"):  # no `:]`: the `[` is a member and the scan goes on after it
                members.append(re.escape("["))
                previous = "["
                index += 1
                continue
            if name[:-1] not in _CLASSES:
                raise _Unmatchable
            members.append(_CLASSES[name[:-1]])
            index = close
            char = ""
        else:
            members.append(re.escape(char))
        previous = char or None
        index += 1
        if index >= len(pattern):
            raise _Unmatchable
    body = "".join(members)
    # a bracket never matches the folder separator under WM_PATHNAME
    return (f"[^{body}/]" if negated else f"(?![/])[{body}]" if body else "(?!)"), index + 1


def _wildmatch(pattern: str) -> str:
    """The regex for a wildmatch pattern with WM_PATHNAME (`*` stays within one folder)."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 1
            if index >= len(pattern):
                raise _Unmatchable  # a trailing backslash matches nothing
            out.append(re.escape(pattern[index]))
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[":
            regex, index = _bracket(pattern, index)
            out.append(regex)
        elif char == "*":
            end = index
            while end < len(pattern) and pattern[end] == "*":
                end += 1
            at_start = index == 0 or pattern[index - 1] == "/"
            slash_next = pattern.startswith("/", end) or pattern.startswith("\\/", end)
            if end - index >= 2 and at_start and (end == len(pattern) or slash_next):
                if end == len(pattern):
                    out.append(".*")
                else:  # `**/` matches no folder or any number of them
                    out.append("(?:.*/)?")
                    end += 2 if pattern[end] == "\\" else 1
            else:
                out.append("[^/]*")
            index = end
        else:
            out.append(re.escape(char))
            index += 1
    return "".join(out)


def _literal_length(pattern: str) -> int:
    return next((i for i, c in enumerate(pattern) if c in _SPECIAL), len(pattern))


def parse_line(line: str) -> Pattern | None:
    """One line of a .gitignore as git reads it; None for blanks and comments."""
    line = line.removesuffix("\r")
    if not line or line.startswith("#"):
        return None
    text = _trim_trailing_spaces(line)
    pattern = text
    negated = pattern.startswith("!")
    if negated:
        pattern = pattern[1:]
    dir_only = pattern.endswith("/")
    if dir_only:
        pattern = pattern[:-1]
    if not pattern:
        return None
    basename = "/" not in pattern
    pattern = _latin1(pattern)
    if not basename and pattern.startswith("/"):
        pattern = pattern[1:]
    # git compares the part before the first wildcard as text and wildmatches the rest as a
    # pattern of its own, so a `**` just after that part counts as a pattern's leading `**`.
    prefix = 0 if basename else _literal_length(pattern)
    try:
        regex: re.Pattern[str] | None = re.compile(re.escape(pattern[:prefix]) + _wildmatch(pattern[prefix:]), re.S)
    except _Unmatchable:
        regex = None
    return Pattern(text, negated, dir_only, basename, regex)


def parse(lines: Iterable[str]) -> tuple[Pattern, ...]:
    return tuple(pattern for line in lines if (pattern := parse_line(line)) is not None)


def parse_text(text: str) -> tuple[Pattern, ...]:
    return parse(text.removeprefix("\ufeff").split("\n"))


@dataclass(frozen=True, slots=True)
class IgnoreFile:
    """The patterns of one file and the folder (relative to the work tree's top) they apply to."""

    base: str  #: "" for the top, else "a/b/" (with the slash)
    patterns: tuple[Pattern, ...]
    _prefix: str = field(init=False, repr=False, compare=False)  #: `base` as Latin-1 (see the module)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_prefix", _latin1(self.base))

    def decide(self, path: str, name: str, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included; None: no pattern matches. `path` is relative to
        the top (`a/b/c`), `name` its last component, both as Latin-1 (see the module)."""
        if not path.startswith(self._prefix):
            return None
        relative = path[len(self._prefix) :]
        for pattern in reversed(self.patterns):
            if pattern.regex is None or (pattern.dir_only and not is_dir):
                continue
            if pattern.regex.fullmatch(name if pattern.basename else relative):
                return not pattern.negated
        return None


def is_ignored(files: Sequence[IgnoreFile], path: str, is_dir: bool) -> bool:
    """Whether `path` (relative to the top, posix) is ignored by `files`, listed from the lowest
    precedence (core.excludesFile, info/exclude, the top .gitignore) to the highest (deepest).
    The caller has checked that no folder above `path` is ignored."""
    encoded = _latin1(path)
    name = encoded.rpartition("/")[2]
    for ignore_file in reversed(files):
        decided = ignore_file.decide(encoded, name, is_dir)
        if decided is not None:
            return decided
    return False
