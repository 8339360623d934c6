from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.nodes import literals_in
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.semantic import string_value


class OpenAIUrlInCode(Rule):
    """
    ## What it does
    Reports string literals holding an `https://api.openai.com/...` URL that are not a client's
    `base_url` (those are GLM002's): raw HTTP calls with requests, httpx or aiohttp, URL constants,
    proxies.

    ## Why is this bad?
    Requests sent there still go to OpenAI, with an OpenAI key. Z.AI's paths have no `/v1`: chat
    completions live at `https://api.z.ai/api/paas/v4/chat/completions`.

    ## Example
    ```python
    requests.post("https://api.openai.com/v1/chat/completions", json=body, headers=headers)
    ```
    Use instead:
    ```python
    requests.post("https://api.z.ai/api/paas/v4/chat/completions", json=body, headers=headers)
    ```

    ## Fix safety
    No fix: the request body, headers and response handling of a raw HTTP call must be checked
    along with the URL.
    """

    CODE = "GLM405"
    NAME = "openai-url-in-code"
    SUMMARY = "`api.openai.com` URL in code outside a client's `base_url`"

    VALID = (
        Valid('import requests\nrequests.post("https://api.z.ai/api/paas/v4/chat/completions", json={})'),
        Valid('from openai import OpenAI\nc = OpenAI(base_url="https://api.openai.com/v1")'),  # GLM002's
        Valid('def connect(url=None):\n    """Connect to `url`, by default https://api.openai.com/v1."""'),  # prose
    )
    INVALID = (
        Invalid('import httpx\nhttpx.post("https://api.openai.com/v1/chat/completions", json={"model": "x"})'),
        Invalid('OPENAI_URL = "https://api.openai.com/v1/embeddings"  # openai'),
        # an f-string's text (microsoft/JARVIS: `f"https://api.openai.com/v1/{api_name}"`)
        Invalid('import requests\nrequests.post(f"https://api.openai.com/v1/{path}", json={})'),
        # in a test, a mock's URL: a warning, as it changes with the client under test
        Invalid(
            'def test_post(httpx_mock):\n    httpx_mock.add_response(url="https://api.openai.com/v1/chat/completions")'
        ),
    )

    def on_module_end(self) -> None:
        # Literals anywhere in a client's base_url (`client.base_url = ...` too) or an `openai.X = ...`
        # value are GLM002's,
        # including the default of `os.getenv("OPENAI_API_BASE", "https://api.openai.com/v1")`.
        handled: set[cst.CSTNode] = set()
        roots = [value for c in self.model.clients for value in c.option_values("base_url")]
        roots += [a.value for a in self.model.module_attributes]
        roots += [a.value for a in self.model.client_option_assignments if a.option == "base_url"]
        for root in roots:
            handled.update(literals_in(root))
        url = self.tables.base_url(self.settings.region)
        literals: list[cst.SimpleString | cst.FormattedString] = []
        for plain, _ in self.model.string_literals:
            value = string_value(plain)
            if value is None or plain in handled or not any(f"//{h}" in value for h in self.tables.openai_hosts):
                continue
            literals.append(plain)
        literals += self._formatted(set(roots))
        for literal in literals:
            if self.claimed(literal) or self._documentation(literal):
                continue
            message = f"OpenAI URL in code: Z.AI's API is at `{url}` (paths without `/v1`)"
            if self.model.is_test_module:
                # a mock's or a snapshot's URL: it changes with the client the test exercises
                message = f"OpenAI URL in test code: once the client under test moves, its mocks and expected values use `{url}`"
                self.report(literal, message, severity=Severity.WARNING)
                continue
            self.report(literal, message)

    def _formatted(self, roots: set[cst.BaseExpression]) -> list[cst.FormattedString]:
        """The f-strings whose own text holds an OpenAI URL (`f"https://api.openai.com/v1/{api_name}"`),
        outside a client's `base_url` and the `openai.X = ...` values (`roots`, GLM002's)."""
        found: list[cst.FormattedString] = []
        for node in self.model.formatted_strings:
            text = "".join(p.value for p in node.parts if type(p) is cst.FormattedStringText)
            if not any(f"//{h}" in text for h in self.tables.openai_hosts):
                continue
            above: cst.CSTNode | None = node
            while above is not None and above not in roots:
                above = self.model.parents.get(above)
            if above is None:
                found.append(node)
        return found

    def _documentation(self, literal: cst.SimpleString | cst.FormattedString) -> bool:
        """A docstring (or any string statement): it describes, it sends nothing."""
        parent = self.model.parents.get(literal)
        if type(parent) is cst.ConcatenatedString:
            parent = self.model.parents.get(parent)
        return type(parent) is cst.Expr
