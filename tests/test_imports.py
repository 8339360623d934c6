"""A new import goes where isort and Ruff put it, in the module's own grouping."""

from __future__ import annotations

import json
import subprocess

import libcst as cst
import pytest
from clirunner import ruff

from glm_migrate.imports import place_imports


def placed(source: str, *names: str) -> str:
    lines = [name if " " in name else f"import {name}" for name in names]
    return place_imports(cst.parse_module(source), lines).code


def isort_problems(source: str) -> list[str]:
    found = subprocess.run(
        [ruff(), "check", "--isolated", "--select", "I001,E402", "--output-format", "json", "-"],
        input=source,
        capture_output=True,
        text=True,
    )
    return [problem["code"] for problem in json.loads(found.stdout)]


CASES = [
    # the standard-library group, in sorted place
    ('"""Doc."""\n\nimport json\nimport sys\n\nfrom openai import OpenAI\n\nx = 1\n', ("os",),
     '"""Doc."""\n\nimport json\nimport os\nimport sys\n\nfrom openai import OpenAI\n\nx = 1\n'),
    # after `from __future__`, as a group of its own
    ("from __future__ import annotations\n\nfrom openai import OpenAI\n\nx = 1\n", ("os",),
     "from __future__ import annotations\n\nimport os\n\nfrom openai import OpenAI\n\nx = 1\n"),
    # `from __future__` grouped with other imports still comes first (Python refuses the module
    # otherwise), whether the new import starts a group or joins the mixed one
    ('"""Doc."""\nfrom __future__ import annotations\nfrom openai import OpenAI\nc = OpenAI()\n', ("os",),
     '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nfrom openai import OpenAI\nc = OpenAI()\n'),
    ("from __future__ import annotations\n# client\nfrom openai import OpenAI\n", ("os",),
     "from __future__ import annotations\n\nimport os\n\n# client\nfrom openai import OpenAI\n"),
    ("from __future__ import annotations\nfrom typing import Any\n\nx = 1\n", ("os",),
     "from __future__ import annotations\nimport os\nfrom typing import Any\n\nx = 1\n"),
    # a docstring directly followed by imports keeps that layout
    ('"""Doc."""\nfrom openai import OpenAI\n\nx = 1\n', ("os",),
     '"""Doc."""\nimport os\n\nfrom openai import OpenAI\n\nx = 1\n'),
    # `import x` lines before `from x import y` lines of the same group
    ("import os\n\nfrom openai import AzureOpenAI\n\nx = 1\n", ("openai",),
     "import os\n\nimport openai\nfrom openai import AzureOpenAI\n\nx = 1\n"),
    # the group that imports from the package, not the first third-party one
    ("import os\n\nimport numpy as np\n\nfrom openai import AzureOpenAI\n\nx = 1\n", ("openai",),
     "import os\n\nimport numpy as np\n\nimport openai\nfrom openai import AzureOpenAI\n\nx = 1\n"),
    # the first third-party group; the project's own relative imports stay last
    ("import os\n\nimport httpx\n\nfrom .config import KEY\n\nx = 1\n", ("openai",),
     "import os\n\nimport httpx\nimport openai\n\nfrom .config import KEY\n\nx = 1\n"),
    # no third-party group: one between the standard library and the local imports
    ("import os\n\nfrom . import config\n\nx = 1\n", ("openai",),
     "import os\n\nimport openai\n\nfrom . import config\n\nx = 1\n"),
    # force-sort-within-sections style: sorted by module whatever the form
    ("from abc import ABC\nimport sys\n\nx = 1\n", ("os",),
     "from abc import ABC\nimport os\nimport sys\n\nx = 1\n"),
    # a conditional import block ends a group; the group before it still takes the import
    ("import sys\n\ntry:\n    import orjson\nexcept ImportError:\n    orjson = None\n\nx = 1\n", ("os",),
     "import os\nimport sys\n\ntry:\n    import orjson\nexcept ImportError:\n    orjson = None\n\nx = 1\n"),
    # a comment heading a group stays above it
    ("# standard library\nimport sys\n\n# third party\nfrom openai import OpenAI\n\nx = 1\n", ("json",),
     "# standard library\nimport json\nimport sys\n\n# third party\nfrom openai import OpenAI\n\nx = 1\n"),
    # no imports: after the docstring, and isort's blank lines before the code
    ('"""Doc."""\n\n\ndef f():\n    pass\n', ("os",), '"""Doc."""\n\nimport os\n\n\ndef f():\n    pass\n'),
    ("x = 1\n", ("os",), "import os\n\nx = 1\n"),
    # both at once
    ("from openai import AzureOpenAI\n\nx = 1\n", ("openai", "os"),
     "import os\n\nimport openai\nfrom openai import AzureOpenAI\n\nx = 1\n"),
    # a name from a module: after the `import x` lines of its group, by module
    ("import os\n\nimport httpx\nfrom pydantic import BaseModel\n\nx = 1\n", ("from openai import OpenAI",),
     "import os\n\nimport httpx\nfrom openai import OpenAI\nfrom pydantic import BaseModel\n\nx = 1\n"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "names", "expected"), CASES)
def test_new_imports_join_their_group(source: str, names: tuple[str, ...], expected: str) -> None:
    assert placed(source, *names) == expected
    if not isort_problems(source):
        assert not isort_problems(expected)


def test_an_unsorted_group_gets_the_import_last() -> None:
    source = "import sys\nimport json\n\nx = 1\n"
    assert placed(source, "os") == "import sys\nimport json\nimport os\n\nx = 1\n"


def test_statements_inserted_after_an_import_move_below_the_imports() -> None:
    module = cst.parse_module("import openai\nfrom openai import OpenAI\n\nclient = OpenAI()\n")
    first, second, *rest = module.body
    settings = [cst.parse_statement("openai.api_key = KEY"), cst.parse_statement("openai.base_url = URL")]
    inserted = module.with_changes(body=[first, *settings, second, *rest])
    assert place_imports(inserted, (), set(settings)).code == (
        "import openai\nfrom openai import OpenAI\n\nopenai.api_key = KEY\nopenai.base_url = URL\n\nclient = OpenAI()\n"
    )
    # the user's own statements between imports stay where they are
    module = cst.parse_module("import openai\nopenai.api_key = KEY\nfrom openai import OpenAI\n")
    assert place_imports(module, ()).code == module.code


def test_a_statement_inserted_after_a_later_import_is_set_off_by_a_blank_line() -> None:
    module = cst.parse_module("x = 1\nimport openai\n# next\ny = 2\n")
    first, second, *rest = module.body
    setting = cst.parse_statement("openai.api_key = KEY")
    inserted = module.with_changes(body=[first, second, setting, *rest])
    assert (
        place_imports(inserted, (), {setting}).code == "x = 1\nimport openai\n\nopenai.api_key = KEY\n# next\ny = 2\n"
    )
