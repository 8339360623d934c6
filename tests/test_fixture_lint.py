"""Each fixture's `after.py` passes the checks its `before.py` passed, as Ruff runs them:

- isort order and imports above code (`I001`, `E402`),
- lines within the line length (`E501`; the fixture's `line-length`, else 88),
- edited statements as Ruff's formatter leaves them, when it left them so before (a statement
  the migration lays out anew must be one the formatter keeps).

Ruff runs once per line length over copies of every fixture (`--isolated`: no configuration of
this repository applies, and every package counts as third-party).
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from clirunner import FIXTURE_CASES, FIXTURES, TARGET_CASES, fixture_settings, ruff

from glm_migrate.config import DEFAULT_LINE_LENGTH

#: the rules Ruff checks after.py for
LINT_CODES = ("I001", "E402", "E501")
#: every case, and each case's migration for another target model (`<case>/targets/<model>`)
CASES = FIXTURE_CASES + [f"{case}/targets/{target}" for case, target in TARGET_CASES]


def _side(name: str, side: str) -> Path:
    """A case's before.py or after.py: a target's migration shares its case's before.py."""
    return FIXTURES / name.split("/targets/")[0] / side if side == "before.py" else FIXTURES / name / side


def _settings_of(name: str) -> int:
    return fixture_settings(FIXTURES / name.split("/targets/")[0]).line_length or DEFAULT_LINE_LENGTH


@dataclass
class Checked:
    """What Ruff says about one file."""

    lint: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  #: code -> rows
    #: lines the formatter would change (1-based)
    reformatted: set[int] = field(default_factory=set)
    format_diff: str = ""


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Checked]:
    root = tmp_path_factory.mktemp("fixture_lint")
    by_length: dict[int, list[Path]] = defaultdict(list)
    for name in CASES:
        length = _settings_of(name)
        for side in ("before.py", "after.py"):
            copy = root / name / side
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(_side(name, side).read_bytes())
            by_length[length].append(copy)
    results: dict[Path, Checked] = defaultdict(Checked)
    for length, files in by_length.items():
        options = ["--isolated", "--line-length", str(length)]
        lint = subprocess.run(
            [ruff(), "check", *options, "--select", ",".join(LINT_CODES), "--output-format", "json", *map(str, files)],
            capture_output=True,
            text=True,
            cwd=root,
        )
        for problem in json.loads(lint.stdout):
            results[Path(problem["filename"])].lint[problem["code"]].append(problem["location"]["row"])
        formatted = subprocess.run(
            [ruff(), "format", *options, "--diff", *map(str, files)], capture_output=True, text=True, cwd=root
        )
        for path, diff in _file_diffs(formatted.stdout, root):
            results[path].reformatted = _changed_lines(diff)
            results[path].format_diff = diff
    return {path.relative_to(root): result for path, result in results.items()}


def _file_diffs(output: str, root: Path) -> Iterator[tuple[Path, str]]:
    for chunk in re.split(r"(?m)^(?=--- )", output):
        if chunk.startswith("--- "):
            name = chunk.splitlines()[0][4:].strip()
            path = Path(name) if Path(name).is_absolute() else root / name
            yield path, chunk


def _changed_lines(diff: str) -> set[int]:
    """The old file's lines a unified diff changes (or, for a pure insertion, the lines around
    it), blank lines left out: blank lines between statements are isort's concern (I001)."""
    changed: set[int] = set()
    old = 0
    removed = False  # the current run of changed lines removed some: its additions replace them
    for line in diff.splitlines():
        header = re.match(r"@@ -(\d+)", line)
        if header:
            old, removed = int(header.group(1)), False
        elif line.startswith(("---", "+++")):
            continue
        elif line.startswith("-"):
            if line[1:].strip():
                changed.add(old)
            old, removed = old + 1, True
        elif line.startswith("+"):
            if line[1:].strip() and not removed:
                changed.update((old - 1, old))
        else:
            old, removed = old + 1, False
    return changed


@dataclass(frozen=True)
class Unit:
    """A statement: simple ones whole, compound ones up to their body."""

    kind: str
    lines: tuple[int, int]  #: 1-based, inclusive


def _units(source: bytes) -> list[Unit]:
    units: list[Unit] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt):
            body = getattr(node, "body", None)
            end = body[0].lineno - 1 if body else node.end_lineno or node.lineno
            # an assignment's kind names its targets: a constant a fix adds (`ZAI_BASE_URL = ...`)
            # then pairs with nothing, instead of shifting every assignment after it by one
            targets = [ast.unparse(t) for t in node.targets] if isinstance(node, ast.Assign) else []
            kind = ":".join([type(node).__name__, *targets])
            units.append(Unit(kind, (node.lineno, max(node.lineno, end))))
    return sorted(units, key=lambda unit: unit.lines)


@pytest.mark.parametrize("name", CASES)
def test_after_keeps_the_lint_before_passed(checked: dict[Path, Checked], name: str) -> None:
    before, after = checked.get(Path(name, "before.py"), Checked()), checked.get(Path(name, "after.py"), Checked())
    for code in LINT_CODES:
        if not before.lint.get(code):
            assert not after.lint.get(code), f"{code} on after.py lines {after.lint[code]} (before.py had none)"


@dataclass
class Edited:
    """A statement of after.py that differs from the statement of before.py it pairs with."""

    lines: tuple[int, int]
    was: tuple[int, int] | None  #: the statement of before.py; None: a statement the fixes added


def _edited_statements(name: str) -> tuple[list[str], list[str], list[Edited]]:
    """The lines of before.py and after.py, and the edited statements: statements pair up in
    order by kind (an edit changes statements but rarely their kind), and those added are new."""
    old_source, new_source = _side(name, "before.py").read_bytes(), _side(name, "after.py").read_bytes()
    old_units, new_units = _units(old_source), _units(new_source)
    old_lines = old_source.decode("latin-1").splitlines()
    new_lines = new_source.decode("latin-1").splitlines()

    def text(lines: list[str], unit: Unit) -> list[str]:
        return lines[unit.lines[0] - 1 : unit.lines[1]]

    edited: list[Edited] = []
    kinds = difflib.SequenceMatcher(None, [u.kind for u in old_units], [u.kind for u in new_units], autojunk=False)
    for tag, i1, i2, j1, j2 in kinds.get_opcodes():
        if tag == "equal":
            for old, new in zip(old_units[i1:i2], new_units[j1:j2], strict=True):
                if text(old_lines, old) != text(new_lines, new):
                    edited.append(Edited(new.lines, old.lines))
        else:
            # inserted, or in place of statements a fix removed (a duplicate import): new ones
            edited += [Edited(new.lines, None) for new in new_units[j1:j2]]
    return old_lines, new_lines, edited


def _within(lines: tuple[int, int] | None, numbers: set[int]) -> bool:
    return lines is not None and any(lines[0] <= number <= lines[1] for number in numbers)


@pytest.mark.parametrize("name", CASES)
def test_edited_statements_are_as_the_formatter_leaves_them(checked: dict[Path, Checked], name: str) -> None:
    before, after = checked.get(Path(name, "before.py"), Checked()), checked.get(Path(name, "after.py"), Checked())
    for statement in _edited_statements(name)[2]:
        if _within(statement.was, before.reformatted):
            continue  # the formatter would have changed it before the migration too
        moved = sorted(n for n in after.reformatted if statement.lines[0] <= n <= statement.lines[1])
        assert not moved, f"the formatter changes edited lines {moved} of after.py:\n{after.format_diff}"


@pytest.mark.parametrize("name", CASES)
def test_edited_statements_fit_the_line_length(name: str) -> None:
    """Statements whose lines fit the line length before still do after their edit."""
    limit = _settings_of(name)
    old_lines, new_lines, edited = _edited_statements(name)
    for statement in edited:
        if statement.was is not None and any(
            len(old_lines[n - 1]) > limit for n in range(statement.was[0], statement.was[1] + 1)
        ):
            continue
        start, end = statement.lines
        long = [n for n in range(start, end + 1) if len(new_lines[n - 1]) > limit]
        assert not long, f"after.py lines {long} are longer than {limit}:\n" + "\n".join(new_lines[start - 1 : end])
