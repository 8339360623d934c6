"""The summary of a module the pre-check rejects, read with CPython's parser instead of LibCST.

The project index follows imports through modules with nothing to migrate (a package's
`__init__.py` re-exporting a client from the module that builds it), and a quiet tree's few
OpenAI files import from large modules that have nothing to do with OpenAI. A module the
pre-check rejects builds no client, defines no client factory and sends no model id (each of
those needs a word the pre-check looks for), and unless it names a tokenizer lookup
(`encoding_for_model`, whose parameters it may hand callers: left to the semantic model), what it
gives the project is its imports:
the names it binds once, by an import, at module level, and every name it imports. That is
what `summary.summarize` reads off the semantic model, found here by `ast` at a fraction of
LibCST's cost; tests/test_import_summary.py holds the two equal. One thing more it may give:
a client its functions and classes are passed and pass on to other modules' code
(`def index_all(client, chunks): ... embed(client, chunk)`), which the project index asks the
semantic model for where the module imports such code (`ModuleSummary.imports_only`).

The semantic model's scopes decide what "module level" means, and they are followed exactly:
everything inside a `def`, `class` or `lambda` (decorators, defaults, bases included) belongs
to the inner scope, while comprehension targets and `:=` bind where they stand; `global`
statements, `match` captures and `except*` names bind nothing there.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from dataclasses import replace

from glm_migrate.precheck import may_need_work
from glm_migrate.project import ModuleSummary
from glm_migrate.tables import dropin_qualified, load_tables
from glm_migrate.widths import vector_widths

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: tokenizer lookups (`semantic.model.TOKENIZER_LOOKUPS`): a module naming one may give the project
#: functions whose parameters pick a tokenizer (`ModuleSummary.tokenizer_params`)
_TOKENIZER_LOOKUPS = (b"encoding_for_model", b"encoding_name_for_model")
_TRY_STAR = getattr(ast, "TryStar", ())  # Python 3.11+: its handlers' names bind nothing


def import_summary(data: bytes) -> ModuleSummary | None:
    """The summary of a module the pre-check rejects; None when it does not reject it or
    CPython cannot parse it (the caller then asks the semantic model)."""
    if may_need_work(data) or any(lookup in data for lookup in _TOKENIZER_LOOKUPS):
        return None
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    reexports, imports = imports_of(tree)
    handed = _handed_names(tree, reexports) if reexports else ()
    urls = _server_urls(tree) if b"http" in data else {}
    return ModuleSummary(reexports=reexports, imports=imports, imports_only=True, handed_names=handed, server_urls=urls)


def _server_urls(tree: ast.Module) -> dict[str, str]:
    """`ModuleSummary.server_urls`, as `summary._server_urls` reads them: module-level names and
    attributes of module-level classes bound once, by an assignment of an http(s) URL literal."""
    found = {name: url for name, url in _urls_bound_once(tree).items()}
    for node in _own_nodes(tree):
        if isinstance(node, ast.ClassDef):
            found.update({f"{node.name}.{name}": url for name, url in _urls_bound_once(node).items()})
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            for keyword in node.keywords:
                if keyword.arg is not None:
                    found.pop(f"{node.func.id}.{keyword.arg}", None)
    return found


def _urls_bound_once(scope: ast.Module | ast.ClassDef) -> dict[str, str]:
    counts, plain, annotated = _binding_counts(scope)
    values = {**plain, **annotated}
    return {
        name: value.value
        for name, value in values.items()
        if counts.get(name) == 1
        and isinstance(value, ast.Constant)
        and isinstance(value.value, str)
        and value.value.startswith(("http://", "https://"))
    }


def _handed_names(tree: ast.Module, reexports: dict[str, str]) -> tuple[tuple[str, str, int, str], ...]:
    """`ModuleSummary.handed_names`, as `summary._handed_names` reads them: arguments naming a
    module-level import of calls of another (`OpenAIAgent(model=MODEL_NAME)`)."""
    found: set[tuple[str, str, int, str]] = set()
    for scope in _scopes(tree):
        aliases = _aliases(scope)
        for node in _own_nodes(scope):
            if not isinstance(node, ast.Call) or (target := _imported_dotted(node.func, reexports)) is None:
                continue
            for position, arg in enumerate(node.args):
                if isinstance(arg, ast.Starred):
                    break  # the positions after a splat are not known
                if (value := _imported_dotted(_unaliased(arg, aliases, reexports), reexports)) is not None:
                    found.add((target, "", position, value))
            for keyword in node.keywords:
                passed = _unaliased(keyword.value, aliases, reexports)
                if keyword.arg is not None and (value := _imported_dotted(passed, reexports)) is not None:
                    found.add((target, keyword.arg, -1, value))
    return tuple(sorted(found))


_ALIAS_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _scopes(tree: ast.Module) -> Iterator[ast.AST]:
    """The module and every function, lambda and class in it: the scopes names are bound in."""
    yield tree
    yield from (node for node in ast.walk(tree) if isinstance(node, _ALIAS_SCOPES))


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes a scope's own code holds: not those of the functions, lambdas and classes in it
    (their decorators, defaults and bases are its own), nor its own name and parameters."""
    pending: list[ast.AST] = [scope.body] if isinstance(scope, ast.Lambda) else list(getattr(scope, "body", ()))
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            pending += [*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults)]
        elif isinstance(node, ast.Lambda):
            pending += [*node.args.defaults, *filter(None, node.args.kw_defaults)]
        elif isinstance(node, ast.ClassDef):
            pending += [*node.decorator_list, *node.bases, *node.keywords]
        else:
            pending += ast.iter_child_nodes(node)


def _aliases(scope: ast.AST) -> dict[str, ast.expr]:
    """Names the scope binds once, by a plain `name = MODEL_NAME` (or `= config.MODEL_NAME`),
    or as a parameter defaulting to it (`def judge(a, b, model=DEFAULT_MODEL)`), and in no other
    way (`summary._aliased` reads the same through the semantic model)."""
    counts, values, _ = _binding_counts(scope)
    plain = {name: value for name, value in values.items() if isinstance(value, ast.Name | ast.Attribute)}
    aliases: dict[str, ast.expr] = {name: value for name, value in plain.items() if counts.get(name) == 1}
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        arguments = scope.args
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults = [
            *zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True),
            *(
                (arg, default)
                for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
                if default is not None
            ),
        ]
        for arg, default in defaults:
            if isinstance(default, ast.Name | ast.Attribute) and counts.get(arg.arg) == 2:
                aliases[arg.arg] = default
    return aliases


def _binding_counts(scope: ast.AST) -> tuple[dict[str, int], dict[str, ast.expr], dict[str, ast.expr]]:
    """How often the scope binds each name (a binding that is no plain assignment counts twice),
    and the value of each name's last one-target assignment (`name = value`) and annotated one
    (`name: T = value`)."""
    counts: dict[str, int] = {}
    plain: dict[str, ast.expr] = {}
    annotated: dict[str, ast.expr] = {}
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        arguments = scope.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]:
            if arg is not None:
                counts[arg.arg] = counts.get(arg.arg, 0) + 2
    for node in _own_nodes(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            counts[node.name] = counts.get(node.name, 0) + 2
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                counts[name] = counts.get(name, 0) + 2
        elif isinstance(node, ast.Import | ast.ImportFrom | ast.ExceptHandler | ast.MatchAs | ast.MatchStar):
            for name in _bound_names(node):
                counts[name] = counts.get(name, 0) + 2
        elif isinstance(node, _COMPREHENSIONS):
            for name in {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}:
                counts[name] = counts.get(name, 0) + 2  # a comprehension's names (and walruses) are not told apart
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(target := node.targets[0], ast.Name):
            plain[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            annotated[node.target.id] = node.value
    return counts, plain, annotated


def _bound_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(alias.asname or alias.name).partition(".")[0] for alias in node.names]
    if isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar):
        return [node.name] if node.name else []
    return []


def _unaliased(node: ast.expr, aliases: dict[str, ast.expr], reexports: dict[str, str]) -> ast.expr:
    """`MODEL_NAME` for a name `_aliases` found bound to it, else `node` itself."""
    if isinstance(node, ast.Name) and node.id not in reexports and node.id in aliases:
        return aliases[node.id]
    return node


def _imported_dotted(node: ast.expr, reexports: dict[str, str]) -> str | None:
    """A name or attribute chain whose first name is a module-level import, as imported."""
    attributes: list[str] = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or (imported := reexports.get(node.id)) is None:
        return None
    return ".".join([imported, *reversed(attributes)])


def sized_summary(data: bytes, sizes: Collection[int]) -> ModuleSummary | None:
    """The summary of a module the pre-check rejects that writes the size of an OpenAI embedding
    model's vectors (`widths.vector_widths`: a pgvector model's `Vector(1536)`, an Alembic
    migration), else None: the modules sending that model's id learn where."""
    if not any(str(size).encode() in data for size in sizes):
        return None
    widths = vector_widths(data, sizes)
    summary = import_summary(data) if widths else None
    return replace(summary, vector_widths=widths) if summary is not None else None


def imports_of(tree: ast.Module) -> tuple[dict[str, str], tuple[str, ...]]:
    """The module-level names bound once, by an import (-> the name imported), and every name
    imported anywhere: `ModuleSummary.reexports` and `.imports`."""
    bound: dict[str, list[str | None]] = {}  #: module-level name -> what each binding imports
    _bind_module_level(tree, bound)
    reexports = {name: only for name, (only, *more) in bound.items() if not more and only is not None}
    imports = {qualified for node in ast.walk(tree) for _, qualified in _imported(node)}
    return reexports, tuple(sorted(imports))


def _bind_module_level(tree: ast.Module, bound: dict[str, list[str | None]]) -> None:
    def bind(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            bound.setdefault(target.id, []).append(None)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                bind(element)
        elif isinstance(target, ast.Starred):
            bind(target.value)

    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, _SCOPES):
            bound.setdefault(node.name, []).append(None)
            pending.extend(node.decorator_list)  # evaluated where the def stands: `@(d := deco)` binds here
            continue
        if isinstance(node, ast.Lambda):
            continue
        for name, qualified in _imported(node):
            bound.setdefault(name, []).append(qualified)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target)
        elif isinstance(
            node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr | ast.For | ast.AsyncFor | ast.comprehension
        ):
            bind(node.target)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bind(node.optional_vars)
        elif isinstance(node, ast.ExceptHandler) and node.name is not None:
            bound.setdefault(node.name, []).append(None)
        elif _TRY_STAR and isinstance(node, _TRY_STAR):
            for handler in node.handlers:
                pending.extend(ast.iter_child_nodes(handler))
            pending.extend([*node.body, *node.orelse, *node.finalbody])
            continue
        pending.extend(ast.iter_child_nodes(node))


def _imported(node: ast.AST) -> list[tuple[str, str]]:
    """(name bound, dotted name imported as written) for an import statement, as the semantic
    model records them: `import a.b` binds `a` to "a", relative imports keep their dots."""
    if isinstance(node, ast.Import):
        found = []
        for alias in node.names:
            top = alias.name.split(".")[0]
            found.append((alias.asname, alias.name) if alias.asname else (top, top))
        return found
    if isinstance(node, ast.ImportFrom):
        prefix = "." * node.level + (f"{node.module}." if node.module else "")
        found = [(alias.asname or alias.name, f"{prefix}{alias.name}") for alias in node.names if alias.name != "*"]
        dropins = load_tables().sdk.dropin_modules
        if node.level or node.module not in dropins:
            return found
        # `from langfuse.openai import OpenAI`: the SDK's name, as the semantic model reads it
        return [(bound, dropin_qualified(dropins, written) or written) for bound, written in found]
    return []
