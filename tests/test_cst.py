"""The LibCST seam (glm_migrate/cst/): which implementation runs, and who may use LibCST's
private modules."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest
from clirunner import glm_migrate

from glm_migrate import cst as glm_cst
from glm_migrate.cst import stock

PACKAGE = Path(__file__).resolve().parent.parent / "glm_migrate"


@pytest.fixture
def fresh_choice() -> Iterator[None]:
    """The process's choice made again for the test, and again after it."""
    glm_cst.default_choice.cache_clear()
    glm_cst._default.cache_clear()
    yield
    glm_cst.default_choice.cache_clear()
    glm_cst._default.cache_clear()


def test_a_libcst_version_outside_the_tested_set_selects_stock(
    monkeypatch: pytest.MonkeyPatch, fresh_choice: None
) -> None:
    monkeypatch.delenv(glm_cst.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setattr(glm_cst, "libcst_version", lambda: "1.99.0")
    assert glm_cst.implementation() is stock
    assert glm_cst.implementation_name() == "stock"
    notice = glm_cst.default_choice().notice
    assert notice is not None and "LibCST 1.99.0" in notice and "1.9.0" in notice


def test_a_tested_libcst_version_selects_fast(monkeypatch: pytest.MonkeyPatch, fresh_choice: None) -> None:
    monkeypatch.delenv(glm_cst.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setattr(glm_cst, "libcst_version", lambda: min(glm_cst.TESTED_LIBCST))
    assert glm_cst.implementation().NAME == "fast"
    assert glm_cst.default_choice().notice is None


@pytest.mark.parametrize("name", glm_cst.NAMES)
def test_the_environment_variable_forces_either(name: str, monkeypatch: pytest.MonkeyPatch, fresh_choice: None) -> None:
    monkeypatch.setenv(glm_cst.ENVIRONMENT_VARIABLE, name)
    monkeypatch.setattr(glm_cst, "libcst_version", lambda: "0.1.0")
    assert name == glm_cst.implementation().NAME
    assert glm_cst.default_choice().notice is None


def test_an_unknown_name_chooses_by_version_and_says_so() -> None:
    assert glm_cst.choose("turbo", "1.9.0") == glm_cst.Choice(
        "fast", "glm-migrate: GLM_MIGRATE_CST=turbo is neither stock nor fast"
    )
    assert glm_cst.choose("turbo", "0.1.0").name == "stock"
    with pytest.raises(ValueError, match="turbo"):
        glm_cst.load("turbo")


def test_using_chooses_for_this_thread_only() -> None:
    seen: list[str] = []
    with glm_cst.using("stock"):
        worker = threading.Thread(target=lambda: seen.append(glm_cst.implementation_name()))
        worker.start()
        worker.join()
        assert glm_cst.implementation_name() == "stock"
    assert seen == [glm_cst.default_choice().name]


def test_the_cli_says_once_that_it_chose_otherwise(tmp_path: Path) -> None:
    for number in range(3):
        (tmp_path / f"app{number}.py").write_text("import openai\nopenai.ChatCompletion.create(model='gpt-4')\n")
    quiet = glm_migrate(".", "--check", "--no-cache", cwd=tmp_path, env={glm_cst.ENVIRONMENT_VARIABLE: "stock"})
    told = glm_migrate(".", "--check", "--no-cache", cwd=tmp_path, env={glm_cst.ENVIRONMENT_VARIABLE: "turbo"})
    # an unknown name, and on an untested LibCST its version too, is what the line is about
    notice = glm_cst.choose("turbo", glm_cst.libcst_version()).notice
    assert notice is not None
    assert told.stderr == f"{notice}\n{quiet.stderr}"
    assert (told.stdout, told.returncode) == (quiet.stdout, quiet.returncode)


@pytest.mark.parametrize("block_indent", [(), ("    ",), ("\t", "  ")])
@pytest.mark.parametrize(
    "code",
    [
        "f(a,\n  b)",
        "{'a': [1,\n 2],\n **rest}",
        "x if (\ny) else z",
        "'''a\nb'''",
    ],
)
def test_code_in_block_is_the_same_from_both(code: str, block_indent: tuple[str, ...]) -> None:
    """Lines in brackets that follow the block's indentation get it, from either implementation;
    items of a call, a dict or a list are generated as they stand in one."""
    expression = cst.parse_expression(code)
    nodes: list[cst.CSTNode] = [expression]
    if isinstance(expression, cst.Call | cst.Dict | cst.List):
        items: tuple[cst.CSTNode, ...] = tuple(
            expression.args if isinstance(expression, cst.Call) else expression.elements
        )
        nodes += items
    for node in nodes:
        made = {
            name: glm_cst.load(name).code_in_block(node, indent_unit="  ", newline="\n", block_indent=block_indent)
            for name in glm_cst.NAMES
        }
        assert made["stock"] == made["fast"], node


def test_only_the_fast_implementation_imports_libcst_private_modules() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.startswith("libcst._") or ("._" in name and name.startswith("libcst")) for name in names):
                found.append(relative)
    assert found and all(path.startswith("cst/fast/") for path in found), found
