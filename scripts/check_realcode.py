"""Apply glm-migrate to copies of real trees and check every rewritten SDK call against the SDK.

    python scripts/check_realcode.py TREE [TREE...] [--variant safe|unsafe] [--jobs N] [--details]

Run on demand, not in CI. For each tree and each variant (`glm-migrate DIR`, then
`glm-migrate DIR --unsafe-fixes`), a copy of the tree (never the tree itself) is migrated with
`--output-format json`. Then, for every changed file, without importing glm-migrate and without
asking its fix guard: the file is parsed with `ast`; every SDK call a fix touched (a call on a
changed line or inside an applied finding's span, or one `**`-splatting a mapping built on such a
line) is resolved to the installed SDK's class or resource method and bound with
`inspect.signature(...).bind(...)`; every changed file is compiled; glm-migrate is run a second
time, which must change nothing. A call is a failure when binding it raises TypeError where the
original call (the one at the same place before the migration) did not, when a keyword the tool
added sits beside a `**` splat whose keys cannot be seen (a dict literal, `dict(...)`, and
`x["k"] = ...` / `x.update(...)` / `x.setdefault(...)` in the same function are seen), or when a
splat of unknown keys is passed to a class other than the one it was written for.

Prints, per tree and variant: files scanned, files changed, fixes applied, fixes demoted by the
guard (findings whose message says "not fixed automatically"), rewritten calls bound OK, calls
failing to bind (must be 0), changed files that do not compile, and files a second run changed.
Exit status 1 when any of the last three is not 0.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib
import inspect
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Client classes and the settings that construct one without the environment (no request is made).
CLIENT_CLASSES: dict[str, dict[str, str]] = {
    "openai.OpenAI": {"api_key": "x", "base_url": "http://localhost:1/"},
    "openai.Client": {"api_key": "x", "base_url": "http://localhost:1/"},
    "openai.AsyncOpenAI": {"api_key": "x", "base_url": "http://localhost:1/"},
    "openai.AsyncClient": {"api_key": "x", "base_url": "http://localhost:1/"},
    "openai.AzureOpenAI": {"api_key": "x", "api_version": "2024-10-21", "azure_endpoint": "http://localhost:1/"},
    "openai.AsyncAzureOpenAI": {"api_key": "x", "api_version": "2024-10-21", "azure_endpoint": "http://localhost:1/"},
    "zai.ZaiClient": {"api_key": "x.y", "base_url": "http://localhost:1/"},
    "zai.ZhipuAiClient": {"api_key": "x.y", "base_url": "http://localhost:1/"},
    "zhipuai.ZhipuAI": {"api_key": "x.y", "base_url": "http://localhost:1/"},
}
#: the class of each SDK module's client when a receiver cannot be traced
DEFAULT_CLASS = {"openai": "openai.OpenAI", "zai": "zai.ZaiClient", "zhipuai": "zhipuai.ZhipuAI"}
#: resource attributes the `openai` module-level client has
MODULE_RESOURCES = {"chat", "completions", "embeddings", "images", "audio", "moderations", "responses", "beta"}
#: the marker of a fix the guard demoted
DEMOTED = "not fixed automatically:"
READ_METHODS = {"get", "items", "keys", "values", "copy", "pop", "popitem", "__contains__", "__getitem__"}


# -- the SDK, live ------------------------------------------------------------------------------


class Sdk:
    """Classes and dummy instances of the installed SDKs, to look signatures up on."""

    def __init__(self) -> None:
        self.classes: dict[str, type] = {}
        self.instances: dict[str, object] = {}
        self.missing: set[str] = set()
        for qualified, settings in CLIENT_CLASSES.items():
            module, _, name = qualified.rpartition(".")
            try:
                cls = getattr(importlib.import_module(module), name)
            except ImportError:
                self.missing.add(module)
                continue
            self.classes[qualified] = cls
            self.instances[qualified] = cls(**settings)

    def method(self, qualified: str, path: list[str]) -> Callable[..., Any] | None:
        found: Any = self.instances.get(qualified)
        for part in path:
            found = getattr(found, part, None)
            if found is None:
                return None
        return found if callable(found) else None


# -- one module's names --------------------------------------------------------------------------


@dataclass
class Target:
    label: str  #: "openai.OpenAI" or "openai.OpenAI chat.completions.create"
    callable: Callable[..., Any]
    cls: str  #: the client class


class Module:
    """What the names of one parsed file refer to, flow-insensitively."""

    def __init__(self, tree: ast.Module, sdk: Sdk) -> None:
        self.tree = tree
        self.sdk = sdk
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        #: name -> dotted module or class it was imported as
        self.imports: dict[str, str] = {}
        #: name or "self.x" -> the values assigned to it anywhere
        self.assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        self.imports[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    key = _dotted(target)
                    if key:
                        self.assigned.setdefault(key, []).append(node.value)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                key = _dotted(node.optional_vars)
                if key:
                    self.assigned.setdefault(key, []).append(node.context_expr)
        self.sdk_modules = {v.split(".")[0] for v in self.imports.values()} & set(DEFAULT_CLASS)

    def calls(self) -> Iterator[ast.Call]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                yield node

    def classes_of(self, expr: ast.expr, depth: int = 0) -> set[str]:
        """The client classes an expression's value may be an instance of."""
        if depth > 5:
            return set()
        if isinstance(expr, ast.Call):
            constructor = self.constructor_class(expr.func)
            return {constructor} if constructor else set()
        if isinstance(expr, ast.Await):
            return self.classes_of(expr.value, depth + 1)
        key = _dotted(expr)
        return self.classes_of_name(key, depth) if key else set()

    def classes_of_name(self, name: str, depth: int = 0) -> set[str]:
        found: set[str] = set()
        for value in self.assigned.get(name, []):
            found |= self.classes_of(value, depth + 1)
        return found

    def qualified(self, func: ast.expr) -> str | None:
        """`openai.OpenAI` for `OpenAI` imported from openai, or `oa.OpenAI` after `import openai as oa`."""
        dotted = _dotted(func)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head not in self.imports:
            return None
        return f"{self.imports[head]}.{rest}" if rest else self.imports[head]

    def constructor_class(self, func: ast.expr) -> str | None:
        qualified = self.qualified(func)
        return qualified if qualified in CLIENT_CLASSES else None

    def targets(self, call: ast.Call) -> list[Target] | None:
        """What an SDK call calls; None when it is not (or not visibly) an SDK call."""
        constructor = self.constructor_class(call.func)
        if constructor is not None:
            cls = self.sdk.classes.get(constructor)
            return [Target(constructor, cls, constructor)] if cls is not None else None
        path: list[str] = []
        receiver = call.func
        while isinstance(receiver, ast.Attribute):
            path.insert(0, receiver.attr)
            receiver = receiver.value
        if not path:
            return None
        classes: set[str] = set()
        qualified = self.qualified(receiver) if isinstance(receiver, ast.Name) else None
        if qualified == "openai" and path[0] in MODULE_RESOURCES:
            classes = {"openai.OpenAI"}
        elif qualified is None and isinstance(receiver, ast.Name):
            # `client.chat...`, `self.client.chat...`: the longest prefix assigned a client
            for length in range(len(path) - 1, -1, -1):
                classes = self.classes_of_name(".".join([receiver.id, *path[:length]]))
                if classes:
                    path = path[length:]
                    break
            if not classes and len(self.sdk_modules) == 1 and len(path) >= 2:
                classes = {DEFAULT_CLASS[next(iter(self.sdk_modules))]}
        elif qualified is None:
            classes = self.classes_of(receiver)  # `OpenAI(...).chat...`
        found = []
        for cls in sorted(classes):
            method = self.sdk.method(cls, path)
            if method is not None:
                found.append(Target(f"{cls} {'.'.join(path)}", method, cls))
        return found or None


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *parts])


# -- what a call passes --------------------------------------------------------------------------


@dataclass
class Shape:
    positional: int
    star_args: bool
    keywords: list[str]
    #: (expression as written, its keys or None when they cannot be seen)
    splats: list[tuple[str, frozenset[str] | None]]
    #: lines of the statements that build the splatted mappings
    mapping_lines: set[int] = field(default_factory=set)


def shape_of(call: ast.Call, module: Module) -> Shape:
    shape = Shape(0, False, [], [])
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            shape.star_args = True
        else:
            shape.positional += 1
    for keyword in call.keywords:
        if keyword.arg is not None:
            shape.keywords.append(keyword.arg)
            continue
        keys, lines = splat_keys(keyword.value, call, module)
        shape.splats.append((ast.unparse(keyword.value), keys))
        shape.mapping_lines |= lines
    return shape


def literal_keys(value: ast.expr, module: Module) -> frozenset[str] | None:
    if isinstance(value, ast.Dict):
        keys = [k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None for k in value.keys]
        return None if None in keys else frozenset(k for k in keys if k is not None)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
        if value.args or any(k.arg is None for k in value.keywords):
            return None
        return frozenset(k.arg for k in value.keywords if k.arg is not None)
    return None


def splat_keys(value: ast.expr, call: ast.Call, module: Module) -> tuple[frozenset[str] | None, set[int]]:
    """The keys `**value` passes (None: unknown), and the lines where its mapping is built."""
    direct = literal_keys(value, module)
    if direct is not None or not isinstance(value, ast.Name):
        return direct, set()
    name = value.id
    function: ast.AST = call
    while function in module.parents and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = module.parents[function]
    if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        args = function.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        if any(p is not None and p.arg == name for p in params):
            return None, set()
    keys: set[str] = set()
    lines: set[int] = set()
    created = False
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        parent = module.parents.get(node)
        statement = parent
        while statement is not None and not isinstance(statement, ast.stmt):
            statement = module.parents.get(statement)
        if isinstance(node.ctx, ast.Store):
            if isinstance(parent, ast.Assign | ast.AnnAssign) and parent.value is not None:
                found = literal_keys(parent.value, module)
                if found is None:
                    return None, set()
                keys |= found
                created = True
                lines.add(parent.lineno)
                continue
            return None, set()  # a loop variable, a tuple target, ...
        if isinstance(parent, ast.keyword) and parent.arg is None:
            continue  # another splat
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if isinstance(parent.ctx, ast.Store):
                key = parent.slice
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return None, set()
                keys.add(key.value)
                if statement is not None:
                    lines.add(statement.lineno)
            continue
        if isinstance(parent, ast.Attribute) and parent.value is node:
            method_call = module.parents.get(parent)
            if parent.attr in READ_METHODS:
                continue
            if isinstance(method_call, ast.Call) and method_call.func is parent:
                if parent.attr == "update" and not method_call.args and all(k.arg for k in method_call.keywords):
                    keys |= {k.arg for k in method_call.keywords if k.arg}
                    lines.add(method_call.lineno)
                    continue
                first = method_call.args[0] if method_call.args else None
                if parent.attr == "setdefault" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    keys.add(first.value)
                    lines.add(method_call.lineno)
                    continue
            return None, set()
        if isinstance(parent, ast.Compare | ast.If | ast.UnaryOp):
            continue
        return None, set()
    return (frozenset(keys) if created else None), lines


def problems(shape: Shape, target: Target, added: set[str], former_class: str | None) -> list[str]:
    """Why calling `target` with `shape` could raise TypeError."""
    found: list[str] = []
    seen: dict[str, str] = {}
    names = [(k, "keyword") for k in shape.keywords]
    names += [(k, f"**{code}") for code, keys in shape.splats for k in sorted(keys or ())]
    for name, where in names:
        if name in seen:
            found.append(f"`{name}` passed twice ({seen[name]} and {where})")
        seen.setdefault(name, where)
    unknown = [code for code, keys in shape.splats if keys is None]
    for code in unknown:
        for name in sorted(added):
            found.append(f"`{name}=` added beside `**{code}`, whose keys cannot be seen")
        if former_class and former_class != target.cls:
            found.append(f"`**{code}` was written for `{former_class}`, now passed to `{target.cls}`")
    try:
        signature = inspect.signature(target.callable)
    except (TypeError, ValueError):
        return found
    args = [None] * shape.positional
    kwargs = dict.fromkeys(seen)
    try:
        if unknown or shape.star_args:
            signature.bind_partial(*args, **kwargs)
        else:
            signature.bind(*args, **kwargs)
    except TypeError as exc:
        found.append(f"{target.label}: {exc}")
    return found


# -- running glm-migrate on a copy ---------------------------------------------------------------


@dataclass
class Counts:
    scanned: int = 0
    changed: int = 0
    fixes: int = 0
    demoted: int = 0
    bound: int = 0
    failing: int = 0
    already_failing: int = 0
    not_compiling: int = 0
    not_idempotent: int = 0
    details: list[str] = field(default_factory=list)


def glm_migrate(command: list[str], tree: Path, unsafe: bool, jobs: int) -> dict[str, Any]:
    flags = ["--output-format", "json", "--allow-dirty", "--no-cache", "--exit-zero", "-j", str(jobs)]
    if unsafe:
        flags.append("--unsafe-fixes")
    run = subprocess.run([*command, ".", *flags], cwd=tree, capture_output=True, text=True, check=False)
    if run.returncode not in (0, 2):
        raise SystemExit(f"glm-migrate failed in {tree}:\n{run.stderr}")
    report: dict[str, Any] = json.loads(run.stdout)
    return report


def python_text(path: Path) -> str | None:
    """A file's Python: a module's text, or a notebook's code cells (magics blanked) one after
    another; None when it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if path.suffix != ".ipynb":
        return raw.decode("utf-8", errors="replace")
    try:
        cells = json.loads(raw)["cells"]
    except (ValueError, KeyError, TypeError):
        return None
    lines: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            lines.append("pass" if line.lstrip().startswith(("%", "!")) else line)
        lines.append("")
    return "\n".join(lines) + "\n"


def touched_lines(before: str, after: str, spans: list[tuple[int, int]]) -> set[int]:
    """Lines of `after` that differ from `before`, or that lie in an applied finding's span."""
    old, new = before.splitlines(), after.splitlines()
    touched: set[int] = set()
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                mapping[i1 + offset + 1] = j1 + offset + 1
        else:
            touched.update(range(j1 + 1, max(j2, j1 + 1) + 1))
            for line in range(i1 + 1, i2 + 1):
                mapping[line] = j1 + 1
    for start, end in spans:
        touched.update(mapping.get(line, line) for line in range(start, end + 1))
    return touched


def line_map(after_text: str, before_text: str) -> dict[int, int]:
    """Each line of `after_text` -> the line of `before_text` it was (the start of the block it
    replaced, for changed lines)."""
    matcher = difflib.SequenceMatcher(None, after_text.splitlines(), before_text.splitlines(), autojunk=False)
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        for offset in range(i2 - i1):
            mapping[i1 + offset + 1] = j1 + (offset if tag == "equal" else 0) + 1
    return mapping


def original_call(call: ast.Call, before: Module, lines: dict[int, int]) -> ast.Call | None:
    """The call at the same place before the migration: same splats, nearest line, the same
    callee where one is near."""
    mapped = lines.get(call.lineno, call.lineno)
    splats = sorted(ast.unparse(k.value) for k in call.keywords if k.arg is None)
    candidates = [
        c
        for c in before.calls()
        if sorted(ast.unparse(k.value) for k in c.keywords if k.arg is None) == splats
        and abs(c.lineno - mapped) <= 3 + (c.end_lineno or c.lineno) - c.lineno
    ]
    # the same callee first (`client.create(...)` beside `client.chat.completions.create(...)`)
    same = [c for c in candidates if ast.unparse(c.func) == ast.unparse(call.func)]
    return min(same or candidates, key=lambda c: abs(c.lineno - mapped), default=None)


def check_file(
    path: str, before_text: str, after_text: str, spans: list[tuple[int, int]], sdk: Sdk, counts: Counts
) -> None:
    try:
        after_tree = ast.parse(after_text)
    except SyntaxError as exc:
        try:
            ast.parse(before_text)
        except SyntaxError:
            return
        counts.not_compiling += 1
        counts.details.append(f"{path}:{exc.lineno}: does not compile after the migration: {exc.msg}")
        return
    try:
        before = Module(ast.parse(before_text), sdk)
    except SyntaxError:
        return
    after = Module(after_tree, sdk)
    lines = touched_lines(before_text, after_text, spans)
    back = line_map(after_text, before_text)
    for call in after.calls():
        shape = shape_of(call, after)
        end = call.end_lineno or call.lineno
        if not (lines & set(range(call.lineno, end + 1)) or lines & shape.mapping_lines):
            continue
        targets = after.targets(call)
        if targets is None:
            continue
        old = original_call(call, before, back)
        old_targets = before.targets(old) if old is not None else None
        old_shape = shape_of(old, before) if old is not None else None
        added = set(shape.keywords) - set(old_shape.keywords if old_shape else [])
        former = old_targets[0].cls if old_targets else None
        failures: list[str] = []
        for target in targets:
            found = problems(shape, target, added, former)
            if old_shape is not None and old_targets:
                earlier = {p for t in old_targets for p in problems(old_shape, t, set(), None)}
                if found and all(p in earlier for p in found):
                    counts.already_failing += 1
                    counts.details += [f"{path}:{call.lineno}: (already before) {p}" for p in found]
                    found = []
            failures += found
        if failures:
            counts.failing += 1
            counts.details += [f"{path}:{call.lineno}: {failure}" for failure in dict.fromkeys(failures)]
        else:
            counts.bound += 1


def check_tree(tree: Path, command: list[str], unsafe: bool, jobs: int, sdk: Sdk) -> Counts:
    counts = Counts()
    with tempfile.TemporaryDirectory(prefix="glm-realcode-") as tmp:
        copy = Path(tmp) / tree.name
        shutil.copytree(tree, copy, symlinks=True, ignore=shutil.ignore_patterns(".git", ".glm_migrate_cache"))
        originals = {p: p.read_bytes() for p in copy.rglob("*") if p.suffix in (".py", ".ipynb") and p.is_file()}
        report = glm_migrate(command, copy, unsafe, jobs)
        counts.scanned = report["summary"]["files_scanned"]
        for entry in report["files"]:
            diagnostics = entry.get("diagnostics", [])
            counts.fixes += sum(1 for d in diagnostics if d["applied"])
            counts.demoted += sum(1 for d in diagnostics if DEMOTED in d["message"])
            path = copy / entry["path"]
            if path not in originals or path.read_bytes() == originals[path]:
                continue
            counts.changed += 1
            before_text = originals[path].decode("utf-8", errors="replace")
            if path.suffix == ".ipynb":
                tmp_before = Path(tmp) / "before.ipynb"
                tmp_before.write_bytes(originals[path])
                before_text = python_text(tmp_before) or ""
            after_text = python_text(path) or ""
            spans = [
                (d["span"]["line"], d["span"]["end_line"]) for d in diagnostics if d["applied"] and path.suffix == ".py"
            ]
            check_file(entry["path"], before_text, after_text, spans, sdk, counts)
        migrated = {p: p.read_bytes() for p in originals if p.is_file()}
        glm_migrate(command, copy, unsafe, jobs)
        for path, data in migrated.items():
            if path.read_bytes() != data:
                counts.not_idempotent += 1
                counts.details.append(f"{path.relative_to(copy)}: a second run changed it")
    return counts


COLUMNS = ("scanned", "changed", "fixes", "demoted", "bound", "failing", "not_compiling", "not_idempotent")
HEADINGS = ("files", "changed", "fixes", "demoted", "bound OK", "FAIL bind", "no compile", "not idempotent")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--variant", choices=("safe", "unsafe"), action="append", help="default: both")
    parser.add_argument("--jobs", type=int, default=2)
    # `-P`: the tree's own folder is not put first on `sys.path`, where a module of its own named
    # like the standard library's (simple-evals' `types.py`) would break the interpreter's start
    safe_path = " -P" if sys.version_info >= (3, 11) else ""
    parser.add_argument(
        "--glm-migrate", default=f"{sys.executable}{safe_path} -m glm_migrate", help="the command to run"
    )
    parser.add_argument("--details", action="store_true", help="list each failure and already-failing call")
    args = parser.parse_args(argv)
    sdk = Sdk()
    if sdk.missing:
        print(f"not installed (their calls are not bound): {', '.join(sorted(sdk.missing))}", file=sys.stderr)
    command = args.glm_migrate.split()
    rows: list[tuple[str, str, Counts]] = []
    for tree in args.trees:
        for variant in args.variant or ("safe", "unsafe"):
            counts = check_tree(tree.resolve(), command, variant == "unsafe", args.jobs, sdk)
            rows.append((tree.name, variant, counts))
            print(f"{tree.name} ({variant}): done", file=sys.stderr)
    width = max(len(name) for name, _, _ in rows) + 9
    print(f"| {'tree':<{width}} | " + " | ".join(HEADINGS) + " |")
    print(f"| {'-' * width} | " + " | ".join("-" * len(h) for h in HEADINGS) + " |")
    totals = Counts()

    def row(label: str, counts: Counts) -> str:
        cells = [str(getattr(counts, c)).rjust(len(h)) for c, h in zip(COLUMNS, HEADINGS, strict=True)]
        return f"| {label:<{width}} | " + " | ".join(cells) + " |"

    for name, variant, counts in rows:
        print(row(f"{name} ({variant})", counts))
        for column in COLUMNS:
            setattr(totals, column, getattr(totals, column) + getattr(counts, column))
        totals.already_failing += counts.already_failing
    print(row("total", totals))
    print(
        f"(calls that already failed to bind before the migration, not counted as failures: {totals.already_failing})"
    )
    bad = totals.failing + totals.not_compiling + totals.not_idempotent
    for name, variant, counts in rows:
        shown = [line for line in counts.details if args.details or "(already before)" not in line]
        if shown:
            print(f"\n{name} ({variant}):")
            for line in shown:
                print(f"  {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
