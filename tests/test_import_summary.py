"""The summary read with `ast` equals the semantic model's, for modules the pre-check rejects.

`import_summary` stands in for `summary.summarize` on modules with nothing to migrate (see its
module); both the names bound once by an import and every name imported must come out the same
as the semantic model's, on every fixture, every rule example and the scope corner cases below.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from glm_migrate.engine import summarize_bytes
from glm_migrate.import_summary import import_summary, imports_of
from glm_migrate.precheck import may_need_work
from glm_migrate.rules import ALL_RULES
from glm_migrate.tables import load_tables

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: how each kind of binding counts at module level, in the semantic model's scopes
CORNERS = {
    "single import": "import os\nfrom pkg.mod import thing as alias\n",
    "dotted import binds its top": "import a.b.c\nimport x.y as z\n",
    "relative": "from . import sibling\nfrom ..parent.mod import name\nfrom ... import far\n",
    "rebound by an assignment": "from pkg import client\nclient = None\n",
    "rebound in a try": "try:\n    from fast import json\nexcept ImportError:\n    import json\n",
    "rebound by a def": "from pkg import run\ndef run():\n    pass\n",
    "rebound by a class": "from pkg import Model\nclass Model:\n    pass\n",
    "function scope is apart": "from pkg import c\ndef f(c=1):\n    import other as c\n    c = 2\n",
    "class scope is apart": "from pkg import c\nclass K(c):\n    c = 1\n    from x import y\n",
    "a decorator binds outside, a default's comprehension inside": "from pkg import d\n@(d := deco)\ndef f(a=[d for d in x]):\n    pass\n",
    "lambda is apart": "from pkg import v\nf = lambda v=(v := 1): v\n",
    "comprehension binds at module level": "from pkg import i\nitems = [i for i in range(3)]\n",
    "walrus binds at module level": "from pkg import w\nif (w := 3):\n    pass\n",
    "for, with, except": (
        "from pkg import a, b, e\nfor a in []:\n    pass\nwith open('f') as (b, _):\n    pass\n"
        "try:\n    pass\nexcept Exception as e:\n    pass\n"
    ),
    "annotated and augmented": "from pkg import n, m\nn: int\nm += 1\n",
    "starred targets": "from pkg import s\nfirst, *s = [1, 2]\n",
    "attributes and subscripts bind nothing": "from pkg import o\no.x = 1\no[0] = 2\n",
    "global binds nothing here": "from pkg import g\ndef f():\n    global g\n    g = 1\n",
    "match captures bind nothing": "from pkg import m\nmatch x:\n    case [m]:\n        pass\n",
    "except star binds nothing": "from pkg import e\ntry:\n    pass\nexcept* ValueError as e:\n    pass\n",
    "star import": "from pkg import *\nfrom other import name\n",
    "nested imports count as imports": "def f():\n    import inner.mod\n    from .rel import x as y\n",
    "f-string walrus": "from pkg import q\nprint(f'{(q := 1)}')\n",
    "imported names handed to imported code": (
        "import cfg\nfrom config import M\nfrom bots import A, b\nA(M, cfg.X.y, *rest, M, k=M, **kw)\n"
        "def f():\n    return b.ask(q, kind=cfg.M)\n"
    ),
    "local aliases of imported names handed to imported code": (
        "import cfg\nfrom config import M\nfrom bots import A\nm = M\nA(m)\n"
        "def f(p=M):\n    name = cfg.X\n    twice = M\n    twice = cfg.Y\n    A(name, model=twice)\n"
        "    return [A(model=n) for n in (name,)]\n"
        "class K:\n    kept = M\n    A(kept)\n"
        "g = lambda: A(m)\n"
    ),
}


def _modules() -> Iterator[Any]:
    for name, code in CORNERS.items():
        yield pytest.param(code.encode(), id=f"corner-{name}")
    for path in sorted(FIXTURES.rglob("*.py")):
        yield pytest.param(path.read_bytes(), id=f"fixture-{path.relative_to(FIXTURES)}")
    for rule in ALL_RULES:
        for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID)):
            for index, example in enumerate(examples):
                yield pytest.param(textwrap.dedent(example.code).encode(), id=f"{rule.CODE}-{kind}-{index}")


@pytest.mark.parametrize("data", list(_modules()))
def test_imports_read_with_ast_are_the_semantic_models(data: bytes) -> None:
    full = summarize_bytes(data, tables=load_tables())
    if full is None:
        pytest.skip("LibCST does not parse it")
    assert imports_of(ast.parse(data)) == (dict(full.reexports), full.imports)
    if not may_need_work(data):
        quick = import_summary(data)
        # a module naming a tokenizer lookup is left to the semantic model (its tokenizer parameters)
        # (`imports_only`: the project index reads it in full where it may pass a client on)
        if b"encoding_for_model" in data:
            assert quick is None
        else:
            assert quick is not None and quick.imports_only and replace(quick, imports_only=False) == full


def test_a_module_the_precheck_lets_in_is_left_to_the_semantic_model() -> None:
    assert import_summary(b"from openai import OpenAI\nclient = OpenAI()\n") is None


def test_a_module_with_a_tokenizer_lookup_is_left_to_the_semantic_model() -> None:
    data = (
        b"import tiktoken\ndef count(text, model):\n    return len(tiktoken.encoding_for_model(model).encode(text))\n"
    )
    assert import_summary(data) is None
    summary = summarize_bytes(data, tables=load_tables())
    assert summary is not None and dict(summary.tokenizer_params) == {"count": (("model", 1),)}


def test_a_module_cpython_cannot_parse_is_left_to_the_semantic_model() -> None:
    assert import_summary(b"print 'python 2'\n") is None
