from __future__ import annotations

import libcst as cst

from glm_migrate.cst import walk
from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._base import Fix, Invalid, Rule, Valid
from glm_migrate.semantic import dotted_name

LEGACY_MODULE = "openai.error"


class _References(cst.CSTVisitor):
    """`x.error.Name` attribute chains, `from openai.error import ...` and `import openai.error`."""

    def __init__(self) -> None:
        self.attributes: list[cst.Attribute] = []
        self.imports: list[cst.ImportFrom] = []
        self.module_imports: list[cst.Import] = []

    def visit_Import(self, node: cst.Import) -> None:
        if any(dotted_name(alias.name) == LEGACY_MODULE for alias in node.names):
            self.module_imports.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        inner = node.value
        if isinstance(inner, cst.Attribute) and inner.attr.value == "error":
            self.attributes.append(node)
            return False
        return True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None and not node.relative and dotted_name(node.module) == LEGACY_MODULE:
            self.imports.append(node)


class OpenAIErrorModule(Rule):
    """
    ## What it does
    Rewrites openai<1.0 exception classes, `openai.error.RateLimitError` and
    `from openai.error import ...`, to the classes openai>=1 exports from `openai` itself, renaming
    those whose name changed (`InvalidRequestError` -> `BadRequestError`, `Timeout` ->
    `APITimeoutError`, `ServiceUnavailableError` -> `InternalServerError`, ...; the map is
    `[legacy_errors]` in `rules/endpoints.toml`).

    ## Why is this bad?
    openai>=1 (which talking to Z.AI through the OpenAI SDK needs) has no `openai.error` module.
    An `except openai.error.RateLimitError:` clause is evaluated only when an exception arrives,
    so the code imports fine and then fails with `AttributeError` exactly when it should retry.

    ## Example
    ```python
    except openai.error.InvalidRequestError as exc:
    ```
    Use instead:
    ```python
    except openai.BadRequestError as exc:
    ```

    ## Fix safety
    Safe for the classes that kept their meaning when the project runs on openai>=1 (it pins
    `openai>=1`, or `openai-major = 1`): there the old names can only raise. Otherwise the renames
    are part of the openai<1 -> openai>=1 change set, unsafe: on openai<1 (pinned, or not known)
    `openai.RateLimitError` is the one that raises. Unsafe too for `InvalidRequestError` (v1
    splits it by status, and `BadRequestError` no longer catches 404 or 422) and while the module
    still calls the openai<1 API (`openai.ChatCompletion.create`). `import openai.error` becomes
    `import openai`, which binds the same name. `TryAgain` and `InvalidAPIType` have no v1
    equivalent and are reported.
    """

    CODE = "GLM005"
    NAME = "openai-error-module"
    SUMMARY = "openai<1.0 `openai.error` exception class"
    FIX_TITLE = "Use the openai>=1 exception class"

    VALID = (
        Valid("import openai\ntry:\n    pass\nexcept openai.RateLimitError:\n    pass"),
        Valid("import requests\ntry:\n    pass\nexcept requests.error.Timeout:\n    pass"),  # not openai
    )
    INVALID = (
        Invalid(
            "import openai\ntry:\n    pass\nexcept (openai.error.RateLimitError, openai.error.Timeout):\n    pass",
            expected="import openai\ntry:\n    pass\nexcept (openai.RateLimitError, openai.APITimeoutError):\n    pass",
            settings={"openai_major": 1},
        ),
        Invalid(
            "import openai.error\ntry:\n    pass\nexcept openai.error.RateLimitError:\n    pass",
            expected="import openai\ntry:\n    pass\nexcept openai.RateLimitError:\n    pass",
            unsafe=True,  # the openai version is not known
        ),
        Invalid(
            "from openai.error import InvalidRequestError, RateLimitError\n",
            expected="from openai import BadRequestError as InvalidRequestError, RateLimitError\n",
            unsafe=True,
        ),
        Invalid("import openai\ntry:\n    pass\nexcept openai.error.TryAgain:\n    pass"),
        Invalid("import openai.error as oe\ntry:\n    pass\nexcept oe.RateLimitError:\n    pass"),  # by hand
        Invalid(
            'import openai\nfrom openai.error import *\ntry:\n    openai.ChatCompletion.create(model="gpt-4", messages=m)\n'
            "except RateLimitError:\n    pass"
        ),
        Invalid(  # one class without a v1 equivalent keeps the whole import for a person
            "from openai.error import RateLimitError, TryAgain\ntry:\n    pass\nexcept (RateLimitError, TryAgain):\n    pass"
        ),
        Invalid(  # relative and other packages' `error` modules are not openai's
            "import openai\nfrom .error import retry\nfrom app.openai.error import Handler\ntry:\n    pass\n"
            "except openai.error.APIError:\n    pass",
            expected="import openai\nfrom .error import retry\nfrom app.openai.error import Handler\ntry:\n    pass\n"
            "except openai.APIError:\n    pass",
            settings={"openai_major": 1},
        ),
    )

    def on_module_end(self) -> None:
        # Both `openai.error.X` and `from openai.error import X` spell ".error": most modules
        # are done before any walk.
        if "openai" not in self.model.imported_sdks or ".error" not in self.model.source:
            return
        references = _References()
        walk(self.model.module, references)
        legacy = self.model.uses_legacy_api
        for attribute in references.attributes:
            if f"{LEGACY_MODULE}.{attribute.attr.value}" in self.model.qualified_names(
                attribute, self.model.module_scope
            ):
                self._attribute(attribute, legacy)
        for statement in references.imports:
            self._import(statement, legacy)
        for module_import in references.module_imports:
            self._module_import(module_import, legacy)

    def _applicability(self, names: list[str], legacy: bool) -> Applicability | None:
        # Only code that runs on openai>=1 is fixed by these renames; on openai<1 they break it.
        v1 = self.settings.openai_major == 1
        unsafe = legacy or not v1 or any(name in self.tables.narrower_errors for name in names)
        return Applicability.UNSAFE if unsafe else None

    def _module_import(self, statement: cst.Import, legacy: bool) -> None:
        """`import openai.error` binds `openai`: `import openai` binds the same and exists in v1."""
        message = "`import openai.error` fails in openai>=1: the module does not exist"
        legacy_alias = next(a for a in statement.names if dotted_name(a.name) == LEGACY_MODULE)
        if legacy_alias.asname is not None:
            self.report(statement, f"{message}; its classes are `openai.<Name>` (see `[legacy_errors]`)")
            return
        applicability = self._applicability([], legacy)
        if len(statement.names) == 1 and self._imports_openai():
            # `import openai` is there already: a second one would only be a duplicate (I001)
            remove = Fix(((statement, lambda _: cst.RemovalSentinel.REMOVE),), "Remove it", applicability=applicability)
            self.report(statement, message, fix=remove)
            return
        names = [
            alias.with_changes(name=cst.Name("openai")) if alias is legacy_alias else alias for alias in statement.names
        ]
        replacement = statement.with_changes(names=names)
        fix = Fix(((statement, lambda _: replacement),), "Import `openai`", applicability=applicability)
        self.report(statement, message, fix=fix)

    def _imports_openai(self) -> bool:
        """The module has a plain `import openai` at its top level."""
        return any(
            binding.qualified == "openai" for binding in self.model.module_scope.bindings.get("openai", [])
        ) and bool(self.model.openai_import_lines)

    def _attribute(self, node: cst.Attribute, legacy: bool) -> None:
        old = node.attr.value
        new = self.tables.legacy_errors.get(old)
        assert isinstance(node.value, cst.Attribute)
        base = node.value.value
        message = f"`openai.error.{old}` does not exist in openai>=1"
        if not new:
            self.report(node, message + (": no equivalent class" if new == "" else ""))
            return
        replacement = cst.Attribute(value=base, attr=cst.Name(new))
        fix = Fix(
            ((node, lambda _: replacement),), f"Use `openai.{new}`", applicability=self._applicability([old], legacy)
        )
        self.report(node, message, fix=fix)

    def _import(self, statement: cst.ImportFrom, legacy: bool) -> None:
        if isinstance(statement.names, cst.ImportStar):
            self.report(statement, "`from openai.error import *`: the module does not exist in openai>=1")
            return
        names = [dotted_name(alias.name) or "" for alias in statement.names]
        missing = [name for name in names if not self.tables.legacy_errors.get(name)]
        message = "`openai.error` does not exist in openai>=1"
        if missing:
            self.report(statement, f"{message}; no equivalent for {', '.join(f'`{n}`' for n in missing)}")
            return
        aliases = []
        for alias in statement.names:
            old = dotted_name(alias.name) or ""
            new = self.tables.legacy_errors[old]
            keep_name = alias.asname or (None if new == old else cst.AsName(name=cst.Name(old)))
            aliases.append(alias.with_changes(name=cst.Name(new), asname=keep_name))
        replacement = statement.with_changes(module=cst.Name("openai"), names=aliases)
        fix = Fix(
            ((statement, lambda _: replacement),),
            "Import from `openai`",
            applicability=self._applicability(names, legacy),
        )
        self.report(statement, message, fix=fix)
