"""Invariants of the registry, the rule docs and the layering (who may import whom)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import glm_migrate.rules as rules_package
from glm_migrate.rules import ALL_RULES, CLAIM_PRIORITY, REGISTRY, RUN_ORDER, rule_by_code
from glm_migrate.rules._base import DOC_SECTIONS, Rule

PACKAGE = Path(__file__).resolve().parent.parent / "glm_migrate"


def _rule_modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules(rules_package.__path__) if not m.name.startswith("_")]


def test_every_rule_module_defines_one_registered_rule() -> None:
    defined = []
    for name in _rule_modules():
        module = importlib.import_module(f"glm_migrate.rules.{name}")
        classes = [
            c
            for c in vars(module).values()
            if inspect.isclass(c) and issubclass(c, Rule) and c.__module__ == module.__name__
        ]
        assert len(classes) == 1, f"{name} defines {len(classes)} rules"
        assert classes[0].NAME.replace("-", "_") == name, f"module {name} should be named after {classes[0].NAME}"
        defined.extend(classes)
    assert sorted(defined, key=lambda r: r.CODE) == sorted(ALL_RULES, key=lambda r: r.CODE)
    assert len(set(ALL_RULES)) == len(ALL_RULES)


def test_codes_and_names_are_unique() -> None:
    assert len({r.CODE for r in REGISTRY}) == len(REGISTRY)
    assert len({r.NAME for r in REGISTRY}) == len(REGISTRY)


def test_one_registry_holds_code_and_configuration_rules() -> None:
    assert set(ALL_RULES) < set(REGISTRY)
    for code in ("GLM401", "GLM402", "GLM403", "GLM404", "GLM992"):
        rule = rule_by_code(code)
        assert rule is not None and rule not in ALL_RULES, code
    for rule in REGISTRY:
        for section in DOC_SECTIONS:
            assert section in (rule.__doc__ or ""), f"{rule.CODE} lacks {section}"


def test_the_run_order_keeps_the_declared_order() -> None:
    position = {rule.CODE: index for index, rule in enumerate(ALL_RULES)}
    claimers = [position[code] for code in CLAIM_PRIORITY]
    assert claimers == sorted(claimers), "the rules that claim model ids run in CLAIM_PRIORITY order"
    for first, then, why in RUN_ORDER:
        assert position[first] < position[then], f"{first} must run before {then}: {why}"


def test_rules_share_no_state_but_the_claims() -> None:
    """The semantic model is read-only to rules; what one rule tells another goes through the
    engine's claims (claims.py), not a shared set."""
    for path in (PACKAGE / "rules").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "claimed_literals" not in text, path.name
        assert "is_enabled(" not in text, f"{path.name} asks whether another rule runs"


def test_rule_docs_and_examples() -> None:
    for rule in ALL_RULES:
        for section in DOC_SECTIONS:
            assert section in (rule.__doc__ or ""), f"{rule.CODE} lacks {section}"
        assert len(rule.VALID) >= 2, f"{rule.CODE} needs two valid examples"
        assert len(rule.INVALID) >= 1, f"{rule.CODE} needs an invalid example"
        if rule.FIX_TITLE:
            assert any(e.expected for e in rule.INVALID), f"{rule.CODE} has a fix but no fixed example"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}


def test_layering() -> None:
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        imported = _imports(path)
        if relative != "cli.py":
            assert "click" not in imported, f"{relative} imports click"
        if relative not in ("cli.py", "report.py", "terminal.py"):
            assert "rich" not in imported, f"{relative} imports rich"
        if relative in ("engine.py", "diagnostics.py") or relative.startswith(("rules/", "semantic/")):
            assert not {"open", "print"} & _calls(path), f"{relative} does I/O"


def _module_imports(path: Path, *, type_checking: bool = True) -> set[str]:
    """The glm_migrate modules `path` imports when it loads, and (with `type_checking`) when it is
    type-checked. Imports inside functions, made on first use, are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    statements = list(tree.body)
    if type_checking:
        statements += [n for s in tree.body if isinstance(s, ast.If) for n in s.body]
    found: set[str] = set()
    for node in statements:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("glm_migrate"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if _module_path(submodule) is not None else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("glm_migrate"))
    return found


def _module_path(name: str) -> Path | None:
    base = PACKAGE.parent.joinpath(*name.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_renderers_read_results_not_the_runner() -> None:
    for renderer in ("report.py", "formats.py", "baseline.py"):
        imported = _module_imports(PACKAGE / renderer)
        assert "glm_migrate.runner" not in imported, f"{renderer} imports the runner"
    assert {"glm_migrate.formats", "glm_migrate.report", "glm_migrate.runner"} & _module_imports(
        PACKAGE / "results.py"
    ) == set()


def test_report_and_formats_import_each_other_in_one_direction() -> None:
    assert "glm_migrate.formats" not in _module_imports(PACKAGE / "report.py")


def test_no_import_cycle_when_modules_load() -> None:
    graph = {_module_name(p): _module_imports(p, type_checking=False) for p in PACKAGE.rglob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " -> ".join((*path[path.index(module) :], module)))
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_string_literals_are_read_through_nodes() -> None:
    """`evaluated_value` compiles each literal and lets Python warn about the user's escapes
    (`"\\("`): only `nodes.evaluated`, which silences them, and `nodes.string_value`, which
    skips the compile for most literals, may call it."""
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "nodes.py":
            continue
        reads = {
            node.lineno
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and node.attr == "evaluated_value"
        }
        assert not reads, f"{relative}:{min(reads)} reads `evaluated_value`: use nodes.string_value"


def test_the_engine_leaves_libcsts_heavy_modules_unimported() -> None:
    """`libcst.matchers` (and `libcst.codemod`, which imports it) define hundreds of dataclasses:
    importing them costs every process about 1.5 G instructions, twice a small file's whole run."""
    code = "import sys, glm_migrate.engine; print(sorted(m for m in sys.modules if m.startswith(('libcst.matchers', 'libcst.codemod'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
