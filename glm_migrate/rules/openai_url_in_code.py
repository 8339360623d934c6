from __future__ import annotations

import libcst as cst

from glm_migrate.diagnostics import Severity
from glm_migrate.nodes import literals_in
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.semantic import openai_proxy, string_value


class OpenAIUrlInCode(Rule):
    """
    ## What it does
    Reports string literals holding an `https://api.openai.com/...` URL that are not a client's
    `base_url` (those are GLM002's): raw HTTP calls with requests, httpx or aiohttp, URL constants,
    proxies.

    Also reports the URL of a proxy in front of OpenAI (`[proxies]` in endpoints.toml: Helicone,
    Portkey, Cloudflare AI Gateway's openai route) wherever no client's GLM002 finding covers it
    (`openai.base_url = ...`, `OPENAI_BASE_URL` set to it, a LangChain class's `base_url`).

    ## Why is this bad?
    Requests sent there still go to OpenAI, with an OpenAI key. Through a proxy too, and moving its
    URL to Z.AI would bypass the proxy (its logs, cache, keys) and the headers given for it. Z.AI's paths have no `/v1`: chat
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
        # a proxy in front of OpenAI, set for the module client
        Invalid('import openai\nopenai.base_url = "https://oai.helicone.ai/v1/"'),
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
        if self.tables.proxy_hosts:
            self._proxies()

    def _proxies(self) -> None:
        """Literals naming a proxy in front of OpenAI (`[proxies]`) that no client's GLM002 finding
        covers: `openai.base_url = "https://oai.helicone.ai/v1"`, `OPENAI_BASE_URL` set to one, a
        LangChain class's `base_url`. What goes through them goes to OpenAI."""
        found: list[tuple[cst.SimpleString | cst.FormattedString, tuple[str, str]]] = []
        for plain, _ in self.model.string_literals:
            value = string_value(plain)
            proxy = openai_proxy(self.tables, value) if value and "//" in value else None
            if proxy is not None:
                found.append((plain, proxy))
        for node in self.model.formatted_strings:
            text = "".join(p.value for p in node.parts if type(p) is cst.FormattedStringText)
            proxy = openai_proxy(self.tables, text) if "//" in text else None
            if proxy is not None:
                found.append((node, proxy))
        for literal, (name, host) in found:
            if self.claimed(literal) or self._documentation(literal):
                continue
            self.report(
                literal,
                f"URL of {name} (`{host}`), a proxy in front of OpenAI: what goes through it goes to OpenAI, and "
                f"pointed at Z.AI instead, it would bypass {name} and the headers given for it; move it by hand, with "
                f"a Z.AI key and GLM ids, or through a route of {name}'s to Z.AI",
                severity=Severity.WARNING if self.model.is_test_module else None,
            )

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
