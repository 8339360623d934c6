"""Source in, migrated source plus findings out: parse, one semantic pass, the rules, then the
fixes spliced into the text (expressions) or applied in one pruned transform (statements).

The engine is pure: no printing, no file system, no environment. It never raises on bad input
(syntax errors, undecodable bytes) but returns a MigrationResult with `error` set; a bug in a rule
does raise, and the CLI turns that into a per-file error.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import tokenize
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import replace
from io import BytesIO
from itertools import accumulate
from typing import Any, cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from glm_migrate import layout
from glm_migrate.claims import Claims
from glm_migrate.config import DEFAULT_LINE_LENGTH, Settings
from glm_migrate.cst import parse_module, record_positions, walk
from glm_migrate.cst.common import Parents, Region, block_indents, node_types, parse_with_cpython
from glm_migrate.cst.interface import Splicer
from glm_migrate.diagnostics import Applicability, Diagnostic, Edit, MigrationResult, Replaced, Severity, Span
from glm_migrate.guard import demote_unbindable
from glm_migrate.import_summary import sized_summary
from glm_migrate.imports import after_leading_imports, place_imports, place_statements
from glm_migrate.nodes import short_code
from glm_migrate.precheck import may_need_work
from glm_migrate.project import SESSION_STATE, ModuleFacts, ModuleSummary
from glm_migrate.quotes import enclosing_f_strings, fit_fixes_to_f_strings
from glm_migrate.redaction import span_text
from glm_migrate.rules import ALL_RULES
from glm_migrate.rules._base import Finding, Fix, NodeEdit, Rule, RuleContext, make_unsafe
from glm_migrate.rules._change_set import join_change_set
from glm_migrate.rules._clients import calls_handed, class_factories, ids_handed, moved_by_fixes, repoint_blocker
from glm_migrate.rules.model_setting import names_a_model
from glm_migrate.semantic import (
    ApiCall,
    Client,
    Scope,
    SemanticModel,
    Target,
    code_of,
    dotted_name,
    find_kwarg,
    string_value,
)
from glm_migrate.summary import (
    ANOTHER_SERVER,
    BY_HAND,
    CREDENTIALS,
    REPOINTED,
    UNSEEN_ID,
    cannot_follow,
    handed_a_waiting_client,
    imported_roots,
    kept_by_hand,
    params_reaching,
    summarize,
    waiting_handed,
    waiting_sends,
)
from glm_migrate.suppressions import Suppressions, filter_findings
from glm_migrate.suppressions import collect as collect_suppressions
from glm_migrate.tables import Tables, split_provider
from glm_migrate.todo import todo_edits


class _EditApplier(cst.CSTTransformer):
    """Applies every scheduled edit in one transform; edits are keyed on original nodes."""

    def __init__(self, edits: dict[cst.CSTNode, list[NodeEdit]], ancestors: set[cst.CSTNode] | None) -> None:
        super().__init__()
        self.edits = edits
        self.ancestors = ancestors
        #: statements edits added after the nodes they edit
        self.inserted: set[cst.CSTNode] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Only subtrees holding an edit are walked: the rest of the tree is reused as it is.
        return self.ancestors is None or node in self.ancestors or node in self.edits

    # An edit may change a node's type (an argument's value, a statement into several), which
    # the base class's node-preserving signature cannot express.
    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        edits = self.edits.get(original_node)
        if not edits:
            return updated_node
        result = _apply_edits(updated_node, edits)
        if isinstance(result, cst.FlattenSentinel):
            self.inserted.update(result.nodes[1:])
        return result


def _edited_copy(
    node: cst.CSTNode, edits: Mapping[cst.CSTNode, list[NodeEdit]], ancestors: set[cst.CSTNode]
) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
    """`node` with `edits` applied below it, walking only `ancestors` of the edited nodes."""
    return node.visit(_EditApplier(dict(edits), ancestors))


def _apply_edits(
    node: cst.CSTNode, edits: list[NodeEdit]
) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
    """One node's edits, in order: the new node, a removal, or the node and statements after it."""
    current: Any = node
    inserted: list[cst.CSTNode] = []
    for edit in edits:
        result = edit(current)
        if type(result) is cst.RemovalSentinel:
            return result
        if type(result) is cst.FlattenSentinel:
            # Statement insertions: the first node is the edited node, the rest follow it.
            current, *more = result.nodes
            inserted.extend(more)
        else:
            current = result
    return cst.FlattenSentinel([current, *inserted]) if inserted else current


def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


_BRACKET_SIGNS = bytes.maketrans(b"([{)]}", b"\x01\x01\x01\xff\xff\xff")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"([{)]}"))
_LONG_LINE = re.compile(rb"[^\r\n]{5001}")


def _untouched(data: str | bytes, error: str | None = None) -> MigrationResult:
    text = _decode(data)
    return MigrationResult(text, text, (), error=error)


def _sized_for_vectors(data: str | bytes, raw: bytes, tables: Tables) -> MigrationResult:
    """A module with nothing to migrate, summarised where it writes the size of an OpenAI
    embedding model's vectors (`import_summary.sized_summary`)."""
    summary = sized_summary(raw, set(tables.openai_embedding_sizes.values()))
    return replace(_untouched(data), summary=summary) if summary is not None else _untouched(data)


def _beyond_native_parser(data: bytes) -> str | None:
    """Why LibCST's native parser must not see this file, or None.

    Its recursion is not bounded: around 1,200 nested brackets it crashes the process, and long
    operator chains take minutes before a RecursionError. CPython's own parser refuses such code
    cheaply (more than 200 nested brackets is not Python), so it vets files that look deep or huge.
    """
    # Brackets as signed bytes (+1 opens, -1 closes), summed and maximised in C.
    signs = data.translate(_BRACKET_SIGNS, _NOT_BRACKETS)
    deepest = max(accumulate(memoryview(signs).cast("b")), default=0)
    long_lines = len(data) > 200_000 or (len(data) > 5_000 and _LONG_LINE.search(data) is not None)
    if deepest <= 100 and not long_lines:
        return None
    try:
        parse_with_cpython(data)
    except (SyntaxError, ValueError) as exc:
        return f"syntax error: {exc.msg if isinstance(exc, SyntaxError) else exc} (left untouched)"
    except (RecursionError, MemoryError):
        return "too deeply nested to parse safely (left untouched)"
    return None


def _span(position: CodeRange) -> Span:
    return Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1)


def migrate_bytes(
    data: bytes,
    *,
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]] = ALL_RULES,
    edits: bool = True,
    facts: ModuleFacts | None = None,
) -> MigrationResult:
    """Migrate the bytes of a Python file; the result's text encodes back with `result.encoding`.

    The encoding comes from a BOM or PEP 263 cookie, and line endings are kept as they are.
    `edits=False` leaves out each fix's text edit (`Diagnostic.edit`), which only some reports show.
    `facts`: what the rest of the project says about this module (`project.ProjectIndex`); the
    result's `summary` is what this module says to the rest.
    """
    return _migrate(data, settings=settings, tables=tables, rules=rules, edits=edits, facts=facts)


def migrate_source(
    source: str,
    *,
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]] = ALL_RULES,
    edits: bool = True,
    facts: ModuleFacts | None = None,
) -> MigrationResult:
    """Migrate Python source text. Never raises on unparsable input (see `MigrationResult.error`)."""
    return _migrate(source, settings=settings, tables=tables, rules=rules, edits=edits, facts=facts)


def summarize_bytes(data: bytes, *, tables: Tables) -> ModuleSummary | None:
    """What a module gives the rest of the project, for a module glm-migrate has nothing to
    migrate in (a package's `__init__.py` that re-exports a client); None when it does not parse."""
    if _beyond_native_parser(data) is not None:
        return None
    try:
        module = parse_module(data)
    except (cst.ParserSyntaxError, UnicodeDecodeError, LookupError, SyntaxError, RecursionError):
        return None
    # the text itself, not the tree's code generated again (a whole pass), unless LibCST would
    # not reproduce it (see the form feeds in `_migrate`)
    source = None if b"\x0c" in data else data.decode(module.encoding)
    try:
        model = SemanticModel.build(module, tables, source)
    except RecursionError:  # the walk recurses once per nesting level, as in `_migrate`
        return None
    try:
        return summarize(model)
    finally:
        model.release()


def _migrate(
    data: str | bytes,
    *,
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]],
    edits: bool,
    facts: ModuleFacts | None,
) -> MigrationResult:
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    # A module the project index tells something may need work without a word of its own.
    if not facts and not may_need_work(raw, settings.models):
        return _sized_for_vectors(data, raw, tables)
    refusal = _beyond_native_parser(raw)
    if refusal is not None:
        return _untouched(data, refusal)
    try:
        module = parse_module(data)
    except cst.ParserSyntaxError as exc:
        detail = exc.message.removeprefix("parser error: ")
        return _untouched(data, f"syntax error: {detail} (left untouched)")
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        return _untouched(data, f"cannot decode: {exc}")
    except RecursionError:
        return _untouched(data, "too deeply nested for the parser")
    form_feed = b"\x0c" in data if isinstance(data, bytes) else "\x0c" in data
    if form_feed and (module.bytes if isinstance(data, bytes) else module.code) != data:
        # LibCST drops some form feeds; a file it cannot reproduce exactly is never touched.
        return _untouched(data, "contains form feeds LibCST cannot reproduce; left untouched")
    source = data.decode(module.encoding) if isinstance(data, bytes) else data
    try:
        result, unsettled = _migrate_module(
            module, source, settings=settings, tables=tables, rules=rules, with_edits=edits, facts=facts
        )
        if not unsettled:
            return result
        return _until_settled(result, settings=settings, tables=tables, rules=rules, edits=edits, facts=facts)
    except RecursionError:
        # LibCST's visitors and code generation recurse once per nesting level.
        return _untouched(data, "too deeply nested to process safely (left untouched)")


#: Passes after the first, at most; real chains are one step long.
_MAX_EXTRA_PASSES = 3


def _until_settled(
    first: MigrationResult,
    *,
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]],
    edits: bool,
    facts: ModuleFacts | None,
) -> MigrationResult:
    """Run again while fixes keep coming: one fix can make another possible (removing `tools=`
    lets legacy `functions=` become tools). Called only when a pass left an error inside (or
    around) code one of its fixes changed: elsewhere a second pass would find the same.

    The result keeps every applied fix (spans of later passes count in the text that pass saw)
    and the findings still unresolved after the last pass.
    """
    result = first
    applied = [d for d in first.diagnostics if d.applied]
    for _ in range(_MAX_EXTRA_PASSES):
        module = parse_module(result.output)
        following, unsettled = _migrate_module(
            module, result.output, settings=settings, tables=tables, rules=rules, with_edits=edits, facts=facts
        )
        if following.error or not following.changed:
            break
        # Later passes edit intermediate text: their spans locate the finding, but their text
        # edits would not apply to the original source, so they are not handed out.
        applied += [replace(d, edit=None) for d in following.diagnostics if d.applied]
        result = following
        if not unsettled:
            break
    if result is first:
        return first
    remaining = tuple(replace(d, edit=None) for d in result.diagnostics if not d.applied)
    return MigrationResult(
        first.source, result.output, (*applied, *remaining), encoding=first.encoding, summary=first.summary
    )


def _migrate_module(
    module: cst.Module,
    source: str,
    *,
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]],
    with_edits: bool = True,
    facts: ModuleFacts | None = None,
) -> tuple[MigrationResult, bool]:
    """One pass of the rules; also whether another pass might fix more (see `_until_settled`)."""
    tables = tables.configured(settings.target_model, settings.target_profile, settings.models)
    # Suppression comments and TODO markers need the position of every statement; other runs
    # need positions only for what they report and edit, recorded after the rules ran.
    directives = "glm-migrate" in source.lower()
    positions: Mapping[cst.CSTNode, CodeRange] | None = None
    if directives or settings.add_todo:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    suppressions = collect_suppressions(module, positions) if positions is not None and directives else None
    if suppressions is not None and suppressions.skip_file:
        return MigrationResult(source, source, (), encoding=module.encoding), False
    model = SemanticModel.build(module, tables, source, facts)
    unassumed: frozenset[tuple[str, cst.CSTNode]] = frozenset()
    if model.assumed_sdk_uses:
        # built again after the other model: building one sets the module's `os` aliases
        model.release()
        unassumed = _safe_fixes_without_assumed_sdk(module, source, settings, tables, rules, facts)
        model = SemanticModel.build(module, tables, source, facts)
    context = RuleContext(model=model, tables=tables, settings=settings, claims=Claims(settings))
    context.unassumed_fixes = unassumed
    try:
        summary = summarize(model)
        result, unsettled = _apply_rules(module, source, context, rules, positions, suppressions, with_edits=with_edits)
        if context.waiting:
            summary = replace(summary, waiting=dict(context.waiting))
        if context.held_names:
            summary = replace(summary, held_names=dict(context.held_names))
        if context.waiting_handed:
            summary = replace(summary, waiting_handed=tuple(context.waiting_handed))
        if context.held_imports:
            summary = replace(summary, held=tuple(sorted({*summary.held, *context.held_imports})))
        if context.module_client_moves or context.module_client_waits:
            summary = replace(
                summary,
                module_client_moves=context.module_client_moves,
                module_client_waits=context.module_client_waits,
            )
        if context.waiting_params or context.waiting_sent:
            summary = replace(
                summary, waiting_params=dict(context.waiting_params), waiting_sent=tuple(context.waiting_sent)
            )
        if context.model_params:
            params = {owner: set(found) for owner, found in summary.model_params.items()}
            for owner, found in context.model_params.items():
                params.setdefault(owner, set()).update(found)
            summary = replace(summary, model_params={o: tuple(sorted(f)) for o, f in params.items()})
        if context.sent_models:
            summary = replace(summary, sent=tuple(sorted({*summary.sent, *context.sent_models})))
        if context.env_reads:
            summary = replace(summary, env_reads=context.env_reads, env_held=context.env_held)
        if context.id_moves:
            summary = replace(summary, id_moves=context.id_moves)
        if context.kept_handed:
            summary = replace(summary, kept_handed=context.kept_handed)
        if context.agents_default:
            summary = replace(summary, agents_default=True)
        if context.default_agents_rejected:
            summary = replace(summary, agents_rejected=tuple(dict.fromkeys(context.default_agents_rejected)))
        if context.default_agents:
            summary = replace(summary, agents_on_default=tuple(dict.fromkeys(context.default_agents)))
        return replace(result, summary=summary), unsettled
    finally:
        # Rules and findings, scopes and bindings refer to each other; freed now, the tree goes
        # with them at once instead of waiting for the cycle collector.
        context.findings.clear()
        model.release()


def _safe_fixes_without_assumed_sdk(
    module: cst.Module,
    source: str,
    settings: Settings,
    tables: Tables,
    rules: Sequence[type[Rule]],
    facts: ModuleFacts | None,
) -> frozenset[tuple[str, cst.CSTNode]]:
    """The safe fixes the rules make in a module using an `openai` nothing binds when that name
    is not taken for the SDK (a LangChain client beside it): they hold without it."""
    model = SemanticModel.build(module, tables, source, facts, assume_sdk=False)
    context = RuleContext(model=model, tables=tables, settings=settings, claims=Claims(settings))
    try:
        _run_hooks([rule(context) for rule in rules if settings.is_enabled(rule.CODE)], model)
        findings = context.findings
        join_change_set(findings, model, settings)
        demote_unbindable(findings, model, tables, _edited_copy)
        _demote_unbound_imports(findings, model)
        return frozenset(
            (f.rule.CODE, f.node) for f in findings if f.fix is not None and f.applicability is Applicability.SAFE
        )
    finally:
        context.findings.clear()
        model.release()


def _apply_rules(
    module: cst.Module,
    source: str,
    context: RuleContext,
    rules: Sequence[type[Rule]],
    positions: Mapping[cst.CSTNode, CodeRange] | None,
    suppressions: Suppressions | None,
    *,
    with_edits: bool,
) -> tuple[MigrationResult, bool]:
    """The rules' findings, their fixes applied, and whether another pass might fix more."""
    settings, model = context.settings, context.model
    active = [rule(context) for rule in rules if settings.is_enabled(rule.CODE)]
    _run_hooks(active, model)
    # A literal that reaches several calls (a shared constant, a parameter's callers) is one
    # place to change: the same finding met through each call is reported once.
    findings = _distinct(context.findings)
    join_change_set(findings, model, settings)
    if suppressions is not None and positions is not None:
        # Before any edit: a suppressed finding is neither reported nor fixed.
        findings = filter_findings(findings, suppressions, positions, ran={rule.CODE for rule in active})
    # Before anything is applied or reported as a fix: a fix that could make an SDK call raise
    # TypeError becomes a manual finding (glm_migrate/guard.py).
    demote_unbindable(findings, model, context.tables, _edited_copy)
    _demote_unbound_imports(findings, model)
    _hold_for_assumed_sdk(findings, model, context.unassumed_fixes)
    fit_fixes_to_f_strings(findings, model.parents)

    edits: dict[cst.CSTNode, list[NodeEdit]] = {}
    imports: set[str] = set()
    #: for each module to import, the first top-level statement an applied fix makes read it as it runs
    needed_at: dict[str, int] = {}
    applied: list[bool] = []
    for finding in findings:
        apply = _may_apply(finding, settings)
        applied.append(apply)
        if apply and finding.fix is not None:
            for node, edit in finding.fix.edits:
                edits.setdefault(node, []).append(edit)
            imports.update(finding.fix.imports)
            _note_import_uses(finding.fix, module, model.parents, needed_at)
    context.env_reads = _openai_env_reads(model, findings, applied, edits.keys(), context)
    if context.env_reads and not all(context.env_reads.values()):
        # ... and those no fix moves, even unsafe: a reader's error left to a person
        held = any(
            f.rule.CODE in _ENV_READER_RULES
            and f.applicability is Applicability.MANUAL
            and f.severity is Severity.ERROR
            for f in findings
        )
        context.env_held = tuple(name for name, moves in context.env_reads.items() if not moves) if held else ()
    if not model.is_test_module:
        context.id_moves = _model_id_moves(model, findings, applied, edits.keys(), context.tables)
        context.kept_handed = tuple(
            sorted(
                {
                    (qualified, param, old)
                    for literal, qualified, param, old in context.handed_ids
                    if not _at_or_below(literal, edits.keys(), model.parents)
                }
            )
        )
        context.agents_default = _agents_default_on_zai(model, findings, applied)
    if settings.add_todo and positions is not None:
        for node, edit in todo_edits(module, findings, positions):
            edits.setdefault(node, []).append(edit)

    ancestors: set[cst.CSTNode] | None = None  # None: walk the whole tree
    recorded: Splicer | None = None
    if positions is None and not findings and not edits:
        return MigrationResult(source, source, (), encoding=module.encoding), False  # nothing to place
    # What edits may make too long for the project's line length is laid out anew (below).
    targets = _layout_targets(edits, model.parents)
    if positions is None:
        # A fix's edited node is positioned too: its text edit is reported on it (`_diagnostic`).
        findings_nodes = {f.node for f in findings} | {node for f in findings if f.fix for node, _ in f.fix.edits}
        positions, recorded, ancestors = record_positions(
            module, source, findings_nodes | targets.keys(), edits.keys() | targets.keys(), model.parents
        )
    fits = _fitting_edits(module, source, targets, positions, model.parents, settings)
    for node, fit in fits.items():
        edits.setdefault(node, []).append(fit)
    output = source
    #: what to parse to check the output: the edited statements when only those changed
    checked: str | None = None
    replaced: tuple[Replaced, ...] | None = None
    missing = _missing_imports(module, imports, needed_at)
    applied_fixes = [f.fix for f, a in zip(findings, applied, strict=True) if a and f.fix is not None]
    constants = sorted({c for fix in applied_fixes for c in fix.constants if c[0] not in model.module_scope.bindings})
    constant_lines = [f"{name} = {value}" for name, value in constants]
    # Constants (the base URL said once) go after the imports: as text when the rest is
    # spliced, which spares a second parse and generation of the whole file.
    insert_at = _after_imports(module) if constant_lines else None
    spliced = not missing and not any(type(n) in _STATEMENT_NODES for n in edits)
    replacements = (
        _splice(module, source, edits, recorded, ancestors) if edits and recorded is not None and spliced else None
    )
    if replacements is not None and constant_lines:
        if insert_at is None or any(start < insert_at < stop for start, stop, _ in replacements):
            replacements = None  # no imports to follow, or an edit across their end: the tree decides
        else:
            newline = module.default_newline
            text = newline + newline.join(constant_lines) + newline
            replacements = sorted([*replacements, (insert_at, insert_at, text)], key=lambda r: r[:2])
    if replacements is not None and recorded is not None:
        output = _replaced(source, replacements)
        checked = _edited_statements(source, replacements, recorded.regions)
        replaced = tuple((start, end, len(new)) for start, end, new in replacements)
    elif edits:
        applier = _EditApplier(edits, ancestors)
        new_module = place_imports(module.visit(applier), [f"import {name}" for name in missing], applier.inserted)
        output = place_statements(new_module, constant_lines).code if constant_lines else new_module.code
    names = _imported_names(applied_fixes)
    if output != source and (names[0] or names[1]):
        limit = settings.line_length or DEFAULT_LINE_LENGTH
        output, checked, replaced = _with_imported_names(output, *names, limit), None, None
    diagnostics = [
        _diagnostic(finding, was_applied, positions, source if with_edits else None, fits, module, needed_at)
        for finding, was_applied in zip(findings, applied, strict=True)
    ]
    diagnostics.sort(key=lambda d: (d.span, d.code))
    if output != source:
        error = _check_output(source, output, [f for f, a in zip(findings, applied, strict=True) if a], checked)
        if error:
            return MigrationResult(source, source, tuple(diagnostics), error=error, encoding=module.encoding), False
    reanalyse = any(a and f.fix is not None and f.fix.reanalyse for f, a in zip(findings, applied, strict=True))
    unsettled = output != source and (reanalyse or _errors_inside_edits(findings, applied, positions))
    result = MigrationResult(source, output, tuple(diagnostics), encoding=module.encoding, replaced=replaced)
    return result, unsettled


#: Edited nodes that can make a call too long: arguments and expressions.
_ARGUMENT_PARTS = node_types(cst.Arg, cst.BaseExpression)
_BRACKETED = node_types(cst.Call, cst.Dict, cst.List)


def _layout_targets(edits: Mapping[cst.CSTNode, list[NodeEdit]], parents: Parents) -> dict[cst.CSTNode, int | None]:
    """The calls, dicts and lists to lay out anew if edits make them too long: the outermost
    one holding an edited argument or literal as an item (as Black and Ruff split the outermost
    brackets first), an expression an edit turns into a call, or the conditional expression
    such a call is a branch of. Each maps to how much the edits inside lengthen it, or None when
    that is known only once edited (a call or literal edited as a whole)."""
    targets: dict[cst.CSTNode, int | None] = {}
    for node, node_edits in edits.items():
        kind = type(node)
        if kind not in _ARGUMENT_PARTS:
            continue
        f_strings = enclosing_f_strings(node, parents)
        if f_strings:
            # no line break inside their braces (before Python 3.12): the brackets around them split
            target = _outermost_brackets(f_strings[-1], parents)
            if target is not None:
                target = _conditional_around(target, parents) or target
                targets[target] = None  # measured once edited
            continue
        target = _outermost_brackets(node, parents)
        growth: int | None = None
        if kind not in _BRACKETED:
            if target is not None and targets.get(_conditional_around(target, parents) or target, 0) is None:
                continue  # measured once edited anyway
            new = _apply_edits(node, node_edits)
            if target is None and type(new) in _BRACKETED:
                target = node  # a value edited into a call (a URL into `os.environ.get(...)`)
            growth = _growth(node, new)
            if growth <= 0:
                continue
        if target is None:
            continue
        target = _conditional_around(target, parents) or target
        known = targets.get(target, 0)
        targets[target] = None if growth is None or known is None else known + growth
    return targets


def _conditional_around(node: cst.CSTNode, parents: Parents) -> cst.IfExp | None:
    """The conditional expression `node` is a branch of, when it is a statement's whole value
    (Ruff splits it into its parts, in parentheses, before the brackets of a branch)."""
    conditional = parents.get(node)
    if type(conditional) is not cst.IfExp or conditional.lpar or node is conditional.test:
        return None
    holder = parents.get(conditional)
    if isinstance(holder, cst.Assign | cst.AnnAssign | cst.Return) and holder.value is conditional:
        return conditional
    return None


def _growth(node: cst.CSTNode, new: cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]) -> int:
    """How many characters longer an edit makes `node`: measured on the parts that changed, as
    code generation of a whole argument (its value a long message list) costs more than the rest."""
    if not isinstance(new, cst.CSTNode):
        return 0
    kind = type(node)
    if kind is type(new) and kind in _LEAVES:
        return len(new.value) - len(node.value)  # type: ignore[attr-defined]
    if kind is cst.Arg and type(new) is cst.Arg:
        assert type(node) is cst.Arg and type(new) is cst.Arg
        renamed = len(new.keyword.value if new.keyword else "") - len(node.keyword.value if node.keyword else "")
        if new.keyword is not None and node.keyword is None:
            renamed += 1  # the `=`
        same = new.value is node.value and new.comma is node.comma and new.equal is node.equal
        return renamed + (0 if same else _growth(node.value, new.value))
    return len(code_of(new)) - len(code_of(node))


_LEAVES = node_types(cst.SimpleString, cst.Integer, cst.Float, cst.Name)


#: an item and the bracketed node it is an item of
_ITEMS = {cst.Arg: cst.Call, cst.Element: cst.List, cst.StarredElement: cst.List, cst.DictElement: cst.Dict}


def _outermost_brackets(node: cst.CSTNode, parents: Parents) -> cst.CSTNode | None:
    """The outermost call, dict or list holding `node` through items alone (`node` itself when
    it is one and nothing holds it so)."""
    found = node if type(node) in _BRACKETED else None
    current = node
    while True:
        item = current if type(current) in _ITEMS else parents.get(current)
        holder = parents.get(item) if item is not None else None
        if item is None or type(item) not in _ITEMS or type(holder) is not _ITEMS[type(item)]:
            return found
        assert holder is not None
        found = current = holder


def _fitting_edits(
    module: cst.Module,
    source: str,
    targets: Mapping[cst.CSTNode, int | None],
    positions: Mapping[cst.CSTNode, CodeRange],
    parents: Parents,
    settings: Settings,
) -> dict[cst.CSTNode, NodeEdit]:
    """For each layout target (see `_layout_targets`), the edit that lays it out one item per
    line when the edits make it longer than the project's line length (see `layout.fit`)."""
    limit = settings.line_length or DEFAULT_LINE_LENGTH
    lines: list[str] | None = None
    fits: dict[cst.CSTNode, NodeEdit] = {}
    for node, growth in targets.items():
        if _in_f_string(node, parents):
            continue
        where = positions[node]
        if lines is None:
            lines = _NEWLINE.split(source)
        spanned = lines[where.start.line - 1 : where.end.line]
        longest = max(map(len, spanned))
        if growth is not None and longest + growth <= limit:
            continue  # the edits inside leave it short enough
        first, last = spanned[0], spanned[-1]
        place = layout.Place(
            limit=limit,
            indent_unit=module.default_indent,
            newline=module.default_newline,
            block_indent=tuple(block_indents(node, parents, module)),
            lead=first[: len(first) - len(first.lstrip(" \t"))],
            before=where.start.column,
            after=len(last) - where.end.column,
            longest=longest,
        )
        fits[node] = functools.partial(_fitted, original=node, place=place)
    return fits


def _fitted(node: cst.CSTNode, *, original: cst.CSTNode, place: layout.Place) -> cst.CSTNode:
    """`node`, the edit of `original`, laid out for the line length."""
    if isinstance(node, cst.IfExp) and isinstance(original, cst.IfExp):
        return layout.fit_conditional(node, original, place)
    if isinstance(node, cst.Call | cst.Dict | cst.List):
        same = type(node) is type(original)
        return layout.fit(node, original if same else None, place)  # type: ignore[arg-type]
    return node


def _in_f_string(node: cst.CSTNode, parents: Parents) -> bool:
    """Inside an f-string's braces a line break is not always allowed."""
    return bool(enclosing_f_strings(node, parents))


_NEWLINE = re.compile(r"\r\n?|\n")


def _errors_inside_edits(
    findings: list[Finding], applied: list[bool], positions: Mapping[cst.CSTNode, CodeRange]
) -> bool:
    """An unresolved error lies inside or around code a fix of this pass changed."""

    def bounds(node: cst.CSTNode) -> tuple[tuple[int, int], tuple[int, int]]:
        where = positions[node]
        return (where.start.line, where.start.column), (where.end.line, where.end.column)

    edited = [bounds(node) for f, a in zip(findings, applied, strict=True) if a and f.fix for node, _ in f.fix.edits]
    for finding, was_applied in zip(findings, applied, strict=True):
        if was_applied or finding.severity is not Severity.ERROR:
            continue
        start, end = bounds(finding.node)
        if any((s <= start and end <= e) or (start <= s and e <= end) for s, e in edited):
            return True
    return False


def _imports_module(statement: cst.BaseStatement, name: str) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return any(
        isinstance(small, cst.Import) and any(a.evaluated_name == name and a.asname is None for a in small.names)
        for small in statement.body
    )


#: Edits of these need the indentation around them: they go through the tree, not `_splice`.
_STATEMENT_NODES = node_types(cst.BaseStatement, cst.BaseSmallStatement, cst.Module, cst.IndentedBlock)


def _missing_imports(module: cst.Module, names: set[str], needed_at: Mapping[str, int] | None = None) -> list[str]:
    """The modules of `names` the module does not import before the first top-level statement
    that reads them as it runs (`needed_at`; anywhere at the top level when not given): an
    `import os` in a later notebook cell, or further down a script, is not made yet there."""
    needed_at = needed_at or {}
    return sorted(
        n for n in names if not any(_imports_module(s, n) for s in module.body[: needed_at.get(n, len(module.body))])
    )


def _note_import_uses(fix: Fix, module: cst.Module, parents: Parents, needed_at: dict[str, int]) -> None:
    """Record in `needed_at` the top-level statement of each edit of `fix` that runs when the
    module does (not in a function or lambda, which run later), for each module `fix` imports."""
    if not fix.imports:
        return
    order = {id(statement): index for index, statement in enumerate(module.body)}
    for node, _ in fix.edits:
        current: cst.CSTNode | None = node
        index = None
        while current is not None:
            if type(current) in (cst.FunctionDef, cst.Lambda):
                break
            index = order.get(id(current), index)
            current = parents.get(current)
        else:
            if index is not None and index == order.get(id(node)):
                index += 1  # statements inserted after a top-level one (`import os`) run after it
            if index is not None:
                for name in fix.imports:
                    needed_at[name] = min(needed_at.get(name, index), index)


#: (start, end, new text): a span of the source and what replaces it
_Replacement = tuple[int, int, str]


def _splice(
    module: cst.Module,
    source: str,
    edits: dict[cst.CSTNode, list[NodeEdit]],
    spans: Splicer,
    ancestors: set[cst.CSTNode] | None,
) -> list[_Replacement]:
    """Each outermost edited node's text and its edited code, in source order.

    The rest of the text is kept as it is, so no whole-tree transform or code generation is
    needed. Only expression-level edits come here: statements are added or removed in the tree.
    """
    # Outermost first: by start, and of nodes starting together the longest.
    located = sorted(
        ((spans.span(node) or (-1, -1), node) for node in edits), key=lambda item: (item[0][0], -item[0][1])
    )
    replacements: list[_Replacement] = []
    position = 0
    for (start, end), node in located:
        if start < position:
            continue  # inside an edited node already replaced as a whole
        assert start >= 0, "every edited node has a recorded span"
        if ancestors is not None and node not in ancestors:
            new = _apply_edits(node, edits[node])  # no edit below this one: no visit needed
        else:
            new = node.visit(_EditApplier(edits, ancestors))
        assert isinstance(new, cst.CSTNode), "expression-level edits return nodes"
        replacements.append((start, end, spans.code_in_place(module, node, new)))
        position = end
    return replacements


def _replaced(text: str, replacements: list[_Replacement], offset: int = 0) -> str:
    """`text` (which starts at `offset` of the source) with sorted, disjoint replacements."""
    pieces: list[str] = []
    position = offset
    for start, end, new in replacements:
        pieces += [text[position - offset : start - offset], new]
        position = end
    pieces.append(text[position - offset :])
    return "".join(pieces)


def _edited_statements(source: str, replacements: list[_Replacement], regions: list[Region] | None) -> str | None:
    """The statements holding the replacements, edited, as one module to parse instead of the
    whole output (the rest is the source, which parsed); None when a replacement lies outside
    the regions that were generated."""
    if regions is None:
        return None
    # Both are in source order, and the regions do not overlap: one pass pairs them.
    parts: list[str] = []
    index = 0
    for region in regions:
        inside: list[_Replacement] = []
        while index < len(replacements) and replacements[index][0] < region.end:
            start, end, _ = replacements[index]
            if start < region.start or end > region.end:
                return None
            inside.append(replacements[index])
            index += 1
        if inside:
            parts.append(region.standalone(_replaced(source[region.start : region.end], inside, region.start)))
    return None if index < len(replacements) else "".join(parts)


def _after_imports(module: cst.Module) -> int | None:
    """Where in the module's text the statements after its leading imports start; None for a
    module without leading imports."""
    end = after_leading_imports(module)
    if end is None:
        return None
    # the imports' own last newline counts even where the file ends without one (the module's
    # `has_trailing_newline` would drop it from this shorter text)
    return len(module.with_changes(body=module.body[:end], footer=(), has_trailing_newline=True).code)


def _distinct(findings: list[Finding]) -> list[Finding]:
    """The findings, each (rule, place, message) once, in order."""
    seen: set[tuple[type[Rule], cst.CSTNode, str]] = set()
    kept: list[Finding] = []
    for finding in findings:
        key = (finding.rule, finding.node, finding.message)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _imported_names(fixes: list[Fix]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The `from module import name` imports applied fixes need, and those they may leave unused."""
    needed = {pair for fix in fixes for pair in fix.from_imports}
    unused = {pair for fix in fixes for pair in fix.unused_imports}
    return needed, unused


def _with_imported_names(
    code: str, needed: set[tuple[str, str]], unused: set[tuple[str, str]], line_length: int
) -> str:
    """`code` with each possibly unused name's import removed where nothing refers to it any more,
    then each needed name added to the module's `from module import ...` line (in order when the
    line is sorted; one name a line in parentheses when it grows past `line_length`) or on a new
    line after the imports."""
    tree = cst.parse_module(code)
    references = _References()
    walk(tree, references)
    body = list(tree.body)
    new_lines: list[str] = []
    # Names are added first: a line that loses its only name to a new one is kept, not emptied.
    grown: set[int] = set()
    for module, name in sorted(needed):
        index = next((i for i, statement in enumerate(body) if _imports_from(statement, module)), None)
        if index is None:
            new_lines.append(f"from {module} import {name}")
            continue
        line = body[index]
        assert isinstance(line, cst.SimpleStatementLine) and isinstance(line.body[0], cst.ImportFrom)
        body[index] = line.with_changes(body=[_with_alias(line.body[0], name), *line.body[1:]])
        grown.add(index)
    for index in grown:
        line = body[index]
        assert isinstance(line, cst.SimpleStatementLine)
        body[index] = _import_fitted(line, line_length)
    gone: set[int] = set()
    for module, name in sorted(unused):
        if name in references.names:
            continue
        for index, statement in enumerate(body):
            if index not in gone and _imports_from(statement, module):
                assert isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.ImportFrom)
                kept = _without_alias(statement, statement.body[0], name)
                if kept is None:
                    gone.add(index)
                else:
                    body[index] = kept
    for index in sorted(gone):
        following = index + 1
        if following < len(body) and following not in gone and not body[following].leading_lines:
            # the blank line that set the removed line's group apart now sets the next line's apart
            body[following] = body[following].with_changes(leading_lines=body[index].leading_lines)
    body = [statement for index, statement in enumerate(body) if index not in gone]
    return place_imports(tree.with_changes(body=body), new_lines).code


class _References(cst.CSTVisitor):
    """Every name a module refers to outside its import statements, and every short string (a
    name listed in `__all__` is used by whoever imports it from here)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_ImportAlias(self, node: cst.ImportAlias) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = string_value(node)
        if value is not None and value.isidentifier():
            self.names.add(value)


def _import_fitted(line: cst.SimpleStatementLine, line_length: int) -> cst.SimpleStatementLine:
    """A one-line `from m import a, b` longer than `line_length` as the formatters lay it out:
    parenthesised, one name a line. A line with a comment, or already in parentheses, stays."""
    statement = line.body[0]
    code = cst.Module([]).code_for_node(line)
    if len(code.rstrip("\n")) <= line_length or "#" in code or len(line.body) > 1:
        return line
    assert isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar)
    if statement.lpar is not None or statement.module is None:
        return line
    names = "".join(
        f"    {cst.Module([]).code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))},\n"
        for alias in statement.names
    )
    fitted = cst.parse_statement(f"from {dotted_name(statement.module)} import (\n{names})\n")
    assert isinstance(fitted, cst.SimpleStatementLine)
    return fitted.with_changes(leading_lines=line.leading_lines)


def _without_alias(
    line: cst.SimpleStatementLine, statement: cst.ImportFrom, name: str
) -> cst.SimpleStatementLine | None:
    """The import line without `name` (an alias without `as`); None when it imported only that
    name and no comment goes with it (the line goes); the line as it is when it holds more than
    this import, or a comment."""
    assert not isinstance(statement.names, cst.ImportStar)
    aliases = [alias for alias in statement.names if not (alias.evaluated_name == name and alias.asname is None)]
    if len(line.body) > 1 or len(aliases) == len(statement.names):
        return line
    if not aliases:
        commented = line.trailing_whitespace.comment or any(empty.comment for empty in line.leading_lines)
        return line if commented else None
    if aliases[-1] is not statement.names[-1]:
        aliases[-1] = aliases[-1].with_changes(comma=statement.names[-1].comma)
    return line.with_changes(body=[statement.with_changes(names=aliases)])


def _imports_from(statement: cst.BaseStatement, module: str) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(statement.body[0], cst.ImportFrom):
        return False
    found = statement.body[0]
    return (
        not found.relative
        and found.module is not None
        and dotted_name(found.module) == module
        and (not isinstance(found.names, cst.ImportStar))
    )


def _with_alias(statement: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """`statement` importing `name` too: in its place when the names are sorted as isort sorts
    them (constants, classes, then the rest), else last."""
    assert not isinstance(statement.names, cst.ImportStar)
    aliases = list(statement.names)
    if any(alias.evaluated_name == name and alias.asname is None for alias in aliases):
        return statement
    keys = [_isort_key(alias.evaluated_name) for alias in aliases]
    position = len(aliases)
    if keys == sorted(keys):
        position = next((i for i, key in enumerate(keys) if key > _isort_key(name)), len(aliases))
    # names one per line (`from x import (\n    a,\n    b,\n)`) take the new one on a line of its own
    spaced = [a.comma.whitespace_after for a in aliases if isinstance(a.comma, cst.Comma)]
    broken = next((w for w in spaced if isinstance(w, cst.ParenthesizedWhitespace)), None)
    after: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
    if broken is not None:  # its line break and indentation, not a comment it may carry
        after = cst.ParenthesizedWhitespace(indent=broken.indent, last_line=broken.last_line)
    comma = cst.Comma(whitespace_after=after)
    new = cst.ImportAlias(cst.Name(name))
    if position == len(aliases):
        last = aliases[-1]
        aliases[-1] = last.with_changes(comma=comma)
        aliases.append(new.with_changes(comma=last.comma))
    else:
        aliases.insert(position, new.with_changes(comma=comma))
    return statement.with_changes(names=aliases)


def _isort_key(name: str) -> tuple[int, str]:
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower()


def _run_hooks(active: list[Rule], model: SemanticModel) -> None:
    """Each hook, in order, for the rules that override it."""

    def overriding(hook: str) -> list[Rule]:
        return [rule for rule in active if getattr(type(rule), hook) is not getattr(Rule, hook)]

    # Item by item, each rule in turn: rules see a shared value (a model constant) in that order.
    attribute_rules, client_rules, call_rules = map(overriding, ("on_module_attribute", "on_client", "on_api_call"))
    for assignment in model.module_attributes:
        for rule in attribute_rules:
            rule.on_module_attribute(assignment)
    for client in model.clients:
        for rule in client_rules:
            rule.on_client(client)
    findings = active[0].context.findings if active else []
    by_call: list[tuple[ApiCall, list[Finding]]] = []
    for call in model.api_calls:
        reported = len(findings)
        for rule in call_rules:
            rule.on_api_call(call)
        staying = _staying_on_openai(model, call)
        # through a parameter: the clients this module's calls pass for it (`once(make_client(), q)`)
        passed = model.passed.get(call, ())
        if call.mixed or staying or (call.migratable and any(c.target in _LEFT for c in passed)):
            clients = tuple(dict.fromkeys((*call.clients, *passed)))
            # (the clients may also be those a caller passes: `complete(make_client(vendor), ...)`)
            mixed = call.mixed or bool(passed)
            if mixed and len(findings) > reported and _zhipu_client_never_here(model, call, clients, staying):
                del findings[reported:]
            _hold_fixes(findings[reported:], clients, staying)
        by_call.append((call, findings[reported:]))
    for rule in overriding("on_module_end"):
        rule.on_module_end()
    if model.facts.held_params:
        _handed_another_servers_client(model, by_call)
    if active and active[0].settings.unsafe_fixes:
        # a client of another server handed to another module's function: even with
        # --unsafe-fixes, the calls made through it there are not rewritten for GLM
        other = {c: ANOTHER_SERVER for c in model.clients if c.target is Target.OTHER}
        active[0].context.waiting_handed = waiting_handed(model, other) if other else []
    if active and not active[0].settings.unsafe_fixes:  # with them, all of it applies anyway
        context = active[0].context
        # the SDK client classes handed on uncalled (`field(default_factory=OpenAI)`), found once
        factories = class_factories(model)
        waiting = _move_as_safely_as_its_calls(model, findings, by_call, context, factories)
        _calls_through_waiting_attributes(model, by_call, waiting)
        _module_client_state(model, findings, waiting, context)
        context.waiting.update(_names_holding(model, waiting))
        context.waiting_params, sent = waiting_sends(model, waiting)
        # with those a rule found (a LangChain class that waits, sending an imported model)
        context.waiting_sent = sorted({*context.waiting_sent, *sent})
        # a client of another server (never moved) handed to another module's function keeps
        # the ids sent through it there as well, as one whose move waits does
        other = {c: ANOTHER_SERVER for c in model.clients if c.target is Target.OTHER and c not in waiting}
        context.waiting_handed = waiting_handed(model, {**waiting, **other} if other else waiting)
        settings = context.held_settings
        make_unsafe([(f, settings[value]) for f in findings if (value := _inside(f.node, settings, model)) is not None])
        if waiting:
            why = f"the clients it guards move too, one of which waits: {next(iter(waiting.values()))}"
            make_unsafe((finding, why) for finding in context.with_every_client)
        _clientless_calls_wait(model, by_call, factories)
        if model.is_test_module and any(word in model.source for word in _ANSWERING_WORDS):
            _answered_clientless_calls(model, by_call)


def _agents_default_on_zai(model: SemanticModel, findings: Sequence[Finding], applied: Sequence[bool]) -> bool:
    """The module gives the Agents SDK a default client (`set_default_openai_client(client)`)
    that talks to Z.AI after this run: already Z.AI's, or built here and pointed there by an
    applied fix. The project index tells the other modules using the SDK, whose agents run on it."""
    calls = [(call, scope) for call, scope, kind in model.framework_calls if kind == "agents_default_client"]
    if not calls:
        return False
    pointed = [
        f.node for f, was_applied in zip(findings, applied, strict=True) if was_applied and f.rule.CODE == "GLM002"
    ]
    for call, scope in calls:
        arg = find_kwarg(call, "client") or (call.args[0] if call.args and call.args[0].keyword is None else None)
        clients = [v for v in model.values_of(arg.value, scope) if isinstance(v, Client)] if arg is not None else []
        if clients and all(
            c.target is Target.ZAI
            or (c.construction is not None and any(_inside(node, {c.construction}, model) for node in pointed))
            for c in clients
        ):
            return True
    return False


#: the rules whose findings move, or leave where they are, what reads OpenAI's key or URL: a
#: client, a LangChain or LlamaIndex class, a LiteLLM call, an API Z.AI lacks (its client stays),
#: openai<1's module settings, a variable read in code
_ENV_READER_RULES = frozenset(
    {"GLM001", "GLM002", "GLM006", "GLM007", "GLM008", "GLM009", "GLM010", "GLM107", "GLM301", "GLM302", "GLM303"}
)


def _openai_env_reads(
    model: SemanticModel,
    findings: Sequence[Finding],
    applied: Sequence[bool],
    edited: Collection[cst.CSTNode],
    context: RuleContext,
) -> dict[str, bool]:
    """Outside tests, OpenAI's variables this module names in its code or reads through an SDK
    client (which reads them for an option not given), each with whether this run moves every
    such read to Z.AI's variable: no client waits, every finding of a reader's rule is applied
    (bar a reminder without a fix), every client no fix moves passes `api_key=` and `base_url=`
    itself, and every string naming the variable (a lookup, a setting, a message) is edited by
    an applied fix. The project index tells tests (`ModuleFacts.moved_envs`)."""
    clients = [c for c in model.clients if c.construction is not None and c.sdk in ("openai", "azure")]
    # an SDK class handed on to be built later (`make(OpenAI, kwargs)`, a provider table): GLM002
    # reports it without a fix, and the clients built from it read the variables for an option
    # not given, which no fix moves (posit-dev/chatlas)
    unseen = any(f.rule.CODE == "GLM002" and f.fix is None and f.severity is Severity.ERROR for f in findings)
    if "OPENAI_" not in model.source and not clients and not unseen:
        return {}
    names = context.tables.openai_key_envs | context.tables.openai_base_url_envs
    parents = model.parents
    literals = [
        (literal, found)
        for literal, _ in model.string_literals
        if "OPENAI_" in literal.value
        and type(parents.get(literal)) is not cst.Expr  # a docstring
        and (found := [name for name in names if name in literal.value])
    ]
    # a string an applied fix rewrites names no variable of OpenAI's after the run: a second
    # run sees only the rest, and must decide as this one
    literals = [(literal, found) for literal, found in literals if not _at_or_below(literal, edited, parents)]
    read = {name for _, found in literals for name in found}
    if clients or unseen:
        read |= {"OPENAI_API_KEY", "OPENAI_BASE_URL"}  # what the SDK reads for an option not given
    if not read or model.is_test_module:
        return {}
    moves = (
        not unseen
        and not context.waiting
        and all(
            was_applied or (f.applicability is Applicability.MANUAL and f.severity is not Severity.ERROR)
            for f, was_applied in zip(findings, applied, strict=True)
            if f.rule.CODE in _ENV_READER_RULES
        )
        and all(
            moved_by_fixes(c) or (not c.splats and c.kwarg("api_key") is not None and c.kwarg("base_url") is not None)
            for c in clients
        )
        and all(_at_or_below(literal, edited, parents) for literal, _ in literals)
    )
    return dict.fromkeys(sorted(read), moves)


#: the rules that rewrite model ids in requests and model settings
_MODEL_ID_RULES = frozenset({"GLM101", "GLM108"})


def _model_id_moves(
    model: SemanticModel,
    findings: Sequence[Finding],
    applied: Sequence[bool],
    edited: Collection[cst.CSTNode],
    tables: Tables,
) -> dict[str, str]:
    """Each model id the findings of GLM101 and GLM108 are about (the literal reported, or
    those a fix edits), with the id the applied fixes make of it, or "" where a finding about it
    is left unapplied, two fixes disagree, or the id is written somewhere no applied fix edits
    (a local server's request, data). The project index tells tests that expect the id
    (`ModuleFacts.moved_ids`)."""
    moves: dict[str, str] = {}
    for finding, was_applied in zip(findings, applied, strict=True):
        if finding.rule.CODE not in _MODEL_ID_RULES:
            continue
        edits = finding.fix.edits if finding.fix is not None else ()
        #: the id each literal holds -> what the applied fix makes of it ("" if none)
        literals: dict[cst.CSTNode, tuple[str, str]] = {}
        for node in (finding.node, *(node for node, _ in edits)):
            if type(node) is cst.SimpleString and (old := string_value(node)) and tables.match_model(old):
                literals[node] = (old, "")
        for node, edit in edits if was_applied else ():
            if node in literals:
                replaced = edit(node)
                new = string_value(replaced) if isinstance(replaced, cst.SimpleString) else None
                literals[node] = (literals[node][0], new or "")
        for old, new in literals.values():
            moves[old] = new if moves.get(old, new) == new else ""
    if moves:
        mentions = re.compile("|".join(map(re.escape, moves))).search
        for literal, _ in model.string_literals:
            if mentions(literal.value) is None:
                continue  # most literals: no need to decode them
            value = string_value(literal)
            if value in moves and not _at_or_below(literal, edited, model.parents):
                moves[value] = ""
    return moves


def _at_or_below(node: cst.CSTNode, edited: Collection[cst.CSTNode], parents: Parents) -> bool:
    """`node` or one of its ancestors is in `edited`."""
    current: cst.CSTNode | None = node
    while current is not None:
        if current in edited:
            return True
        current = parents.get(current)
    return False


def _made_by_its_class(model: SemanticModel, call: ApiCall) -> list[Client]:
    """The clients a method of the class returns, for a call through `self.<name>` set nowhere
    here (`def initialize_client(self): return AsyncOpenAI()`, which a base class in another
    module keeps in `self.client`): the client the call goes through is likely one of them."""
    if call.clients or not (dotted_name(call.node.func) or "").startswith("self."):
        return []
    klass = call.scope.enclosing_class()
    if klass is None:
        return []
    found: list[Client] = []
    for bindings in klass.bindings.values():
        if any(b.defines is not None and b.defines.kind == "function" for b in bindings):
            found += model.returned_clients(bindings)
    return list(dict.fromkeys(found))


def _kept_in_class_attributes(model: SemanticModel) -> dict[str, list[tuple[Client, str]]]:
    """The clients kept in an attribute of a class of this module (`client = OpenAI()` in its
    body, `EmbedTask.client = OpenAI()`), by the attribute's name, each with where, as written."""
    kept: dict[str, list[tuple[Client, str]]] = {}
    for client in model.clients:
        assign = model.parents.get(client.construction) if client.construction is not None else None
        if type(assign) is not cst.Assign:
            continue
        for target in assign.targets:
            node = target.target
            if type(node) is cst.Name and model.scope_of(assign).kind == "class":
                klass = model.scope_of(assign).node
                kept.setdefault(node.value, []).append((client, f"{klass.name.value}.{node.value}"))  # type: ignore[attr-defined]
            elif type(node) is cst.Attribute and type(node.value) is cst.Name:
                bindings = model.module_scope.bindings.get(node.value.value, ())
                if any(b.defines is not None and b.defines.kind == "class" for b in bindings):
                    kept.setdefault(node.attr.value, []).append((client, f"{node.value.value}.{node.attr.value}"))
    return kept


def _through_kept(call: ApiCall, kept: Mapping[str, list[tuple[Client, str]]]) -> str | None:
    """The attribute a call tied to no client is made through (`client` of
    `task.client.embeddings.create(...)`), if one of `kept`'s."""
    if call.clients:
        return None
    func = call.node.func
    for _ in call.path:
        func = func.value if type(func) is cst.Attribute else func
    return func.attr.value if type(func) is cst.Attribute and func.attr.value in kept else None


def _class_attribute_clients_called_elsewhere(
    model: SemanticModel, by_call: Sequence[tuple[ApiCall, list[Finding]]]
) -> dict[Client, str]:
    """The clients kept in an attribute of a class of this module whose calls may be made
    through another object holding it (`task.client.embeddings.create(...)`, `task` not seen to
    be the class): such a call, tied to no client, with a finding no safe fix deals with (an
    embedding id rewritten only with --unsafe-fixes), each with why the client waits for it."""
    kept = _kept_in_class_attributes(model) if model.clients else {}
    waits: dict[Client, str] = {}
    for call, found in by_call if kept else ():
        if (attribute := _through_kept(call, kept)) is None:
            continue
        held = next(
            (
                f
                for f in found
                if f.severity is Severity.ERROR and (f.withdrawn or f.applicability) is not Applicability.SAFE
            ),
            None,
        )
        for client, where in kept[attribute] if held is not None else ():
            waits.setdefault(
                client,
                f"it is kept in `{where}`, and `{short_code(call.node.func, 40)}` may be made through it, tied to no "
                f"client here: that call's {held.rule.CODE} finding moves only with --unsafe-fixes or by hand",  # type: ignore[union-attr]
            )
    return waits


def _calls_through_waiting_attributes(
    model: SemanticModel, by_call: Sequence[tuple[ApiCall, list[Finding]]], waiting: Mapping[Client, str]
) -> None:
    """A call tied to no client, made through an attribute (`job.client.chat.completions.create`)
    a class of this module keeps a client in that waits: its fixes (a GLM id) wait with it."""
    kept = _kept_in_class_attributes(model) if waiting else {}
    for call, found in by_call if kept else ():
        attribute = _through_kept(call, kept)
        held = next((where for client, where in kept.get(attribute or "", ()) if client in waiting), None)
        if held is not None:
            make_unsafe((finding, f"its client may be the one kept in `{held}`, which waits") for finding in found)


def _clientless_calls_wait(
    model: SemanticModel, by_call: list[tuple[ApiCall, list[Finding]]], factories: list[tuple[cst.Arg, str]]
) -> None:
    """A call through a client not seen built (`self.client`) in a module that hands an SDK
    client class on uncalled (`factories`: `field(default_factory=OpenAI)`) may go through one
    of the clients so built, which no fix moves: its GLM ids would reach OpenAI."""
    if factories:
        why = f"its client may be one `{short_code(model.parents[factories[0][0]])}` builds, which no fix moves"
        make_unsafe((finding, why) for call, found in by_call if not call.clients for finding in found)


def _inherited_attribute_clients(model: SemanticModel) -> Iterator[tuple[str, str, str, list[Client]]]:
    """(class, imported base class as written, attribute, the clients the class's instances hold
    there) for the module-level classes deriving from an imported class."""
    for name, bindings in model.module_scope.bindings.items():
        for klass in (b.defines for b in bindings if b.defines is not None and b.defines.kind == "class"):
            node = klass.node
            if type(node) is not cst.ClassDef or not node.bases:
                continue
            bases = [base for base, _ in model.imported_bases(node, model.module_scope)]
            if not bases:
                continue
            for attr, clients in model.attribute_clients(klass).items():
                for base in bases:
                    yield name, base, attr, clients


def _module_client_state(
    model: SemanticModel, findings: Sequence[Finding], waiting: Mapping[Client, str], context: RuleContext
) -> None:
    """Whether a safe run points the `openai` module client at Z.AI here, or why its move waits
    (its calls, or OpenAI's key set on it here: `openai.api_key = os.getenv("OPENAI_API_KEY")`),
    for the project index: the process has one module client, whichever module sets it."""
    client = model.module_client
    if not moved_by_fixes(client) or repoint_blocker(model, client) is not None:
        return
    if not (model.module_client_used or model.module_attributes):
        return
    why = waiting.get(client)
    if why is not None and why == model.facts.module_client_waits:
        why = None  # waiting for another module's reason: this one would move it (and stays listed so)
    if why is None and model.module_attributes:
        setup = {a.statement for a in model.module_attributes}
        held = next(
            (
                f
                for f in findings
                if _statement_of(f.node, model) in setup
                and (
                    (f.fix is not None and f.applicability is Applicability.UNSAFE)
                    or (f.applicability is Applicability.MANUAL and f.severity is Severity.ERROR)
                )
            ),
            None,
        )
        if held is not None:
            why = f"its setting here moves only with {held.rule.CODE}'s {'fix' if held.fix else 'finding, dealt with'}"
    if why is not None:
        context.module_client_waits = why
    elif model.module_client_used:
        context.module_client_moves = True


def _imported_moving(model: SemanticModel, client: Client) -> str | None:
    """The imported name, as written, of another module's client this run moves to Z.AI there
    (`from app.llm import client`, `make_client()`, `self.client` of an imported base class)."""
    fact = client.imported
    # (also while it waits: the call that holds it there is what makes it wait)
    if fact is None or fact.blocker is not None or client.target is not Target.OPENAI:
        return None
    if client.sdk not in ("openai", "azure"):
        return None
    return model.imported_name_of(client) or model.imported_factory_of(client)


def _names_holding(model: SemanticModel, waiting: Mapping[Client, str]) -> dict[str, str]:
    """The module-level names holding, and functions (or methods) returning, a waiting client."""
    names: dict[str, str] = {}
    if not waiting:
        return names
    for client, key in model.session_stored_clients.items():
        # kept in `st.session_state`: the pages filling the same key share one client
        if client in waiting:
            names.setdefault(f"{SESSION_STATE}{key}", waiting[client])
    for name, bindings in model.module_scope.bindings.items():
        for client in [*model.name_clients(name), *model.returned_clients(bindings)]:
            if client in waiting:
                names.setdefault(name, waiting[client])
        for klass in (b.defines for b in bindings if b.defines is not None and b.defines.kind == "class"):
            for attr, held in model.attribute_clients(klass).items():
                why = next((waiting[c] for c in held if c in waiting), None)
                if why is not None:
                    names.setdefault(f"{name}.{attr}", why)
    return names


def _handed_ids(model: SemanticModel, built: Mapping[cst.CSTNode, Client]) -> dict[cst.CSTNode, cst.CSTNode]:
    """The string literals passed, beside a client this run moves, to code that wraps it
    (`ids_handed`), each with the construction of that client."""
    handed: dict[cst.CSTNode, cst.CSTNode] = {}
    for construction, client in built.items():
        for literal, _ in ids_handed(model, client):
            handed.setdefault(literal, construction)
    return handed


def _move_as_safely_as_its_calls(
    model: SemanticModel,
    findings: list[Finding],
    by_call: list[tuple[ApiCall, list[Finding]]],
    context: RuleContext,
    factories: list[tuple[cst.Arg, str]],
) -> dict[Client, str]:
    """A client moves to Z.AI only as safely as its calls can follow it. Moved by a safe fix
    while `whisper-1` becomes `glm-asr` only with --unsafe-fixes (or only by hand: an id a test
    also reads), its transcriptions would fail at Z.AI after a safe run; so would a
    `responses.create` or `models.list()` call Z.AI has no route for (GLM301) that no safe fix
    rewrites, here or in another module (`ModuleFacts.held_clients`), and so would the client
    if its own move (or that of a call wrapping it) is an unsafe fix. So the safe fixes that
    move it (on its construction and its arguments, on the entries of the `**` mappings it is
    built from, and on a key or URL set on it after it is built) and those of its calls (a GLM id sent to OpenAI fails too) become unsafe: all or none
    apply."""
    rewrites = {f.node: f for f in findings if f.rule.REWRITES_MODEL_ID}
    # ids no table maps (GLM102): off chat, where even a mapped id moves only unsafely
    unmapped = {f.node: f for f in findings if f.rule.CODE == "GLM102" and f.severity is Severity.ERROR}
    unmapped_calls: list[tuple[ApiCall, str]] = []
    of_call: list[tuple[ApiCall, list[Finding]]] = []  #: each call's findings, its model ids' included
    waiting: dict[Client, str] = {}  #: client -> what it waits for
    # A client whose own move is an unsafe fix (an Azure client keeping its key) stays where it
    # is in a safe run: a Z.AI key or a GLM id given to it there would break it.
    built: dict[cst.CSTNode, Client] = {
        c.construction: c for c in model.clients if c.construction and moved_by_fixes(c)
    }
    # ... and so does one wrapped by a call whose own fix is unsafe (`instructor.from_openai(OpenAI())`
    # in a mode Z.AI rejects): the expressions around each construction, up to its statement
    around: dict[cst.CSTNode, cst.CSTNode] = {}
    # ... and the key or URL set on it after it is built (`client.api_key = os.environ[...]`),
    # rewritten with it: the client moves only as safely as those fixes, and they only with it
    set_later: dict[cst.CSTNode, cst.CSTNode] = {
        a.value: built_at
        for a in model.client_option_assignments
        if (built_at := a.client.construction) is not None and built_at in built
    }
    # ... and the entries of the `**` mappings it is built from (`options = {"base_url": ...}`),
    # edited in place to move it
    entries: dict[cst.CSTNode, cst.CSTNode] = {
        entry: built_at for built_at, client in built.items() for entry in _mapping_entries(client)
    }
    for built_node in built:
        above = model.parents.get(built_node)
        while above is not None and type(above) not in _STATEMENT_NODES:
            around.setdefault(above, built_node)
            above = model.parents.get(above)
    handed_ids: dict[cst.CSTNode, cst.CSTNode] | None = None  #: literal -> construction, when needed
    # model settings holding an OpenAI id that no safe fix rewrites (GLM108): what a request whose
    # model hides in a `**` mapping may send
    left_settings = [
        f
        for f in findings
        if f.rule.CODE == "GLM108" and f.severity is Severity.ERROR and not _may_apply(f, context.settings)
    ]
    for finding in findings:
        unsafe_fix = finding.fix is not None and finding.applicability is Applicability.UNSAFE
        by_hand = finding.applicability is Applicability.MANUAL and finding.severity is Severity.ERROR
        if unsafe_fix or by_hand:
            # a call wrapping the construction fails at Z.AI until its own fix, or a person, acts
            moved = (_inside(finding.node, built, model) if unsafe_fix else None) or (
                around.get(finding.node) if finding.rule.HOLDS_WRAPPED_CLIENT else None
            )
            if moved is None and finding.rule.REWRITES_MODEL_ID:
                # a model id handed with the client to a library wrapping it (`OpenAIModel("gpt-4o",
                # provider=OpenAIProvider(openai_client=AsyncOpenAI()))`, `llm_factory(model,
                # client=client)`)
                if handed_ids is None:
                    handed_ids = _handed_ids(model, built)
                moved = handed_ids.get(finding.node)
            if moved is None and (value := _inside(finding.node, set_later, model)) is not None:
                moved = set_later[value]
            if moved is None and unsafe_fix and (entry := _inside(finding.node, entries, model)) is not None:
                moved = entries[entry]
            if moved is not None:
                what = "fix" if unsafe_fix else "finding around it, dealt with"
                waiting.setdefault(built[moved], f"the client moves only with {finding.rule.CODE}'s {what}")
    # ... and so does the `openai` module client whose setup (`openai.api_key = key`) a safe
    # fix does not move: its URL alone pointed at Z.AI, it would send that key there
    setup = {a.statement for a in model.module_attributes} | set(model.openai_import_lines)
    for client in (model.module_client,) if model.module_client_used else ():
        if not moved_by_fixes(client):
            continue
        for finding in findings:
            unsafe_fix = finding.fix is not None and finding.applicability is Applicability.UNSAFE
            by_hand = finding.applicability is Applicability.MANUAL and finding.severity is Severity.ERROR
            if (unsafe_fix or by_hand) and _statement_of(finding.node, model) in setup:
                what = "fix" if unsafe_fix else "finding, dealt with"
                waiting.setdefault(client, f"the module client moves only with {finding.rule.CODE}'s {what}")
                break
    # ... and so does one a subclass keeps where its base class, in another module, calls through
    # it (`client = OpenAI()` here, `self.client.chat.completions.create(...)` there): unseen here
    if model.facts.inherited_calls:
        for klass, base, attr, kept in _inherited_attribute_clients(model):
            call_elsewhere = model.facts.inherited_calls.get(f"{base}.{attr}")
            for client in kept if call_elsewhere is not None else ():
                if moved_by_fixes(client):
                    waiting.setdefault(
                        client, f"its {call_elsewhere}, which `{klass}` inherits, reads it as `self.{attr}` unseen here"
                    )
    # ... and so does the `openai` module client where it waits in a module connected to this one
    if model.facts.module_client_waits and moved_by_fixes(model.module_client):
        waiting.setdefault(model.module_client, model.facts.module_client_waits)
    # ... and so does one whose calls in another module cannot follow it (the project index)
    for name, call_elsewhere in model.facts.held_clients.items():
        for client in model.clients_of_name(name):
            if moved_by_fixes(client):
                _also_wait(waiting, client, _held_elsewhere_why(model.tables, call_elsewhere))
    # ... and so does one passed to another module's function whose calls through it cannot
    for handed in model.handed:
        if not moved_by_fixes(handed.client):
            continue
        if handed.path[-1] == BY_HAND:
            # `simplify(text, client)` there sends `ft:gpt-4o-mini:acme::x1`, which no fix replaces
            _also_wait(
                waiting,
                handed.client,
                f"its `{'.'.join(handed.path[:-1])}` call in `{handed.function}`, which it is passed to, sends a "
                "model id without a GLM counterpart, for a person to replace",
            )
        elif handed.path[-1] == REPOINTED:
            # `patch(client)` there sets `client.base_url` itself, checking the one it was built
            # with (astra-assistants): moved to Z.AI, the client would not go where it sends it
            _also_wait(
                waiting,
                handed.client,
                f"`{handed.function}`, which it is passed to, sets its `{handed.path[0]}` itself, deciding from the "
                "one it was built with: moved, it would not go where that function sends it; change both by hand",
            )
        elif handed.path[-1] == CREDENTIALS:
            # `Uploader(client)` there sends requests of its own with `self._client.auth_headers`
            # (a batch library's file upload): moved, the client would take them to Z.AI unseen
            _also_wait(
                waiting,
                handed.client,
                f"`{handed.function}`, which it is passed to, sends requests of its own with its `{handed.path[0]}`, "
                "which are not seen: moved, the client would take them to Z.AI; check that code by hand",
            )
        elif handed.path[-1] == UNSEEN_ID:
            # `run(client, q)` there sends `gpt-4o-mini` through a parameter in a module that imports
            # no SDK (GLM103 reports the id there), or one declared as Azure's client too (GLM101
            # leaves it to a person): no run changes the id
            _also_wait(
                waiting,
                handed.client,
                f"its `{'.'.join(handed.path[:-1])}` call in `{handed.function}`, which it is passed to, sends "
                "an OpenAI model id that module cannot tie to this client (GLM103, or GLM101 where its parameter "
                "may be an Azure client): change both by hand",
            )
        elif cannot_follow(model.tables, handed.path):
            lacking = model.tables.unavailable_advice(handed.path) is not None
            _also_wait(
                waiting,
                handed.client,
                f"its `{'.'.join(handed.path)}` call in `{handed.function}`, which it is passed to, "
                + (
                    "cannot follow it to Z.AI, which lacks that API: it stays with OpenAI"
                    if lacking
                    else "cannot follow it to Z.AI in a safe run"
                ),
            )
    # ... and so does a test's client whose requests a recorded cassette answers (`@pytest.mark.vcr`,
    # `vcr.use_cassette(...)`), recorded from OpenAI, or a mock of OpenAI's URL
    # (`@openai_responses.mock()`): neither answers the requests the moved client sends
    if built and model.is_test_module and any(word in model.source for word in _ANSWERING_WORDS):
        for client, mark in _answered_clients(model, built.values()):
            answered = _answered_why(mark)
            _also_wait(waiting, client, answered)
    for call, found in by_call:
        ids = [literal for literal in model.model_literals(call)[0] if literal in rewrites]
        of_call.append((call, [*found, *(rewrites[node] for node in ids if rewrites[node] not in found)]))
        unsafe = next((node for node in ids if rewrites[node].applicability is not Applicability.SAFE), None)
        routeless = any(f.rule.REPORTS_MISSING_ROUTE and f.applicability is not Applicability.SAFE for f in found)
        rejected = next(
            (
                f
                for f in found
                if f.rule.REPORTS_REJECTED_ARGUMENT
                and f.severity is Severity.ERROR
                and (f.withdrawn or f.applicability) is not Applicability.SAFE
            ),
            None,
        )
        # an Azure client's model is a deployment's name: one decided at run time reaches Z.AI
        # unchanged (GLM104 reports it), as no GLM id
        deployment = next((f for f in found if f.rule.CODE == "GLM104" and f.severity is Severity.ERROR), None)
        if unsafe is None and call.migratable:
            # an OpenAI id with no GLM counterpart (a fine-tune, `ft:gpt-4o-mini:acme::x1`; a
            # speech model, `gpt-4o-audio-preview`): no fix replaces it, and Z.AI rejects it
            unsafe = kept_by_hand(model, call)
        # an embedding model decided at run time: the client embeds with an OpenAI model today,
        # and at Z.AI with another, whose vectors differ in space (and size, unless `dimensions=`
        # asks for one both make): as for an id only an unsafe fix moves (`cannot_follow`)
        runtime_embedding = (
            call.endpoint == "embeddings"
            and unsafe is None
            and not model.model_literals(call)[1]
            and cannot_follow(model.tables, call.path, call)
        )
        # `images.generate(prompt=p)`: OpenAI draws with its default model; Z.AI requires one,
        # which only GLM101's unsafe fix adds (as it rewrites an image id)
        defaulted = (
            unsafe is None
            and call.migratable
            and call.path in model.tables.sdk.default_models
            and not model.model_arguments(call)
            and not any(arg.star for arg in call.node.args)
        )
        # `embeddings.create(model="team-embedding-large")` (an Azure deployment's name): no GLM
        # id follows it to Z.AI, and the one a person picks moves only as unsafely as a mapped one
        unknown = (
            next((node for node in model.model_literals(call)[0] if node in unmapped), None)
            if unmapped and call.endpoint != "chat"
            else None
        )
        # `assert model in LIMITS`, a table of OpenAI ids: Z.AI rejects those, the check a GLM id
        gate = (
            _openai_id_gate(model, call)
            if unsafe is None and deployment is None and not runtime_embedding and call.clients
            else None
        )
        hidden = _hidden_in_splat(model, call) if left_settings and unsafe is None else None
        if unsafe is not None:
            held_by = rewrites.get(unsafe)
            how = "rewritten" if held_by is not None and held_by.fix is not None else "replaced by hand"
            reason = f"the client moves only with `{short_code(unsafe)}` {how}"
        elif deployment is not None:
            reason = f"its calls' Azure deployment name (`{short_code(deployment.node)}`) must become a GLM id first"
            rejected = deployment
        elif runtime_embedding:
            value = model.model_argument(call)
            chosen = f"(`{short_code(value)}`) " if value is not None else ""
            reason = (
                f"its embedding model {chosen}is decided at run time: set a GLM one and re-embed what you stored first"
            )
        elif defaulted:
            default = model.tables.sdk.default_models[call.path]
            reason = (
                f"its `{'.'.join(call.path)}` call names no model (OpenAI draws with `{default}`), which Z.AI requires"
            )
        elif routeless:
            reason = f"its `{'.'.join(call.path)}` call fails at Z.AI until rewritten by hand"
        elif rejected is not None:
            how = "fix" if rejected.fix is not None else "finding dealt with by hand"
            reason = f"its `{'.'.join(call.path)}` call is rejected by Z.AI until {rejected.rule.CODE}'s {how}"
        elif gate is not None:
            reason = (
                f"its model (`{short_code(gate[0])}`) is checked by `{short_code(gate[1])}` against OpenAI ids only, "
                "which Z.AI rejects, while the check stops a GLM id: update the check with the move"
            )
        elif hidden is not None:
            setting = left_settings[0]
            where = _statement_of(setting.node, model) or setting.node
            reason = (
                f"its `{'.'.join(call.path)}` call's model is in `**{short_code(hidden)}`, not visible here, and may "
                f"be the OpenAI id of `{short_code(where)}`, which only {setting.rule.CODE}'s fix replaces"
            )
        if (
            unknown is not None
            and unsafe is None
            and not runtime_embedding
            and not routeless
            and rejected is None
            and gate is None
        ):
            # after the other reasons (an id of another server's says more): below
            unmapped_calls.append(
                (call, f"its `{'.'.join(call.path)}` call's model `{short_code(unknown)}` must become a GLM id first")
            )
        if (
            unsafe is not None
            or runtime_embedding
            or defaulted
            or routeless
            or rejected is not None
            or gate is not None
            or hidden is not None
        ):
            # through a parameter: the clients this module's calls pass for it too
            for client in (*call.clients, *model.passed.get(call, ()), *_made_by_its_class(model, call)):
                if (imported := _imported_moving(model, client)) is not None:
                    # another module's client: that module holds its move (the project index)
                    context.held_imports.append((imported, ".".join(call.path)))
                elif moved_by_fixes(client):
                    waiting.setdefault(client, reason)
                elif client.origin == "annotation" and client.target is Target.OPENAI:
                    # a parameter declared as the SDK's client: any this module builds may be it
                    for built_here in model.clients:
                        if moved_by_fixes(built_here) and built_here.sdk == client.sdk:
                            waiting.setdefault(built_here, reason)
    for holder, path, clients in model.handed_methods:
        # `functools.partial(client.chat.completions.create, ...)`: the requests made through it
        # are not visible, and nor are the ids and arguments they send
        for client in clients:
            if (imported := _imported_moving(model, client)) is not None:
                context.held_imports.append((imported, f"{'.'.join(path)}` handed to `{short_code(holder.func)}"))
            elif moved_by_fixes(client):
                waiting.setdefault(
                    client,
                    f"its `{'.'.join(path)}` is handed to `{short_code(holder.func)}`, whose requests are not seen",
                )
    for read, scope in model.credential_reads:
        # `requests.post(url, headers=client.auth_headers)`: requests of this module's own with
        # the client's key, not seen, to whatever server they name
        for sender in model.values_of(read.value, scope):
            if isinstance(sender, Client) and moved_by_fixes(sender):
                waiting.setdefault(
                    sender,
                    f"its `{read.attr.value}` are sent with requests of this module's own (`{short_code(read)}`), "
                    "which are not seen",
                )
    for client, stored in model.state_stored_clients.items():
        # `app.state.llm = AsyncOpenAI()`: the routes of other modules call it through the app
        # (`request.app.state.llm`), with ids and arguments not seen here
        if moved_by_fixes(client):
            waiting.setdefault(
                client,
                f"it is kept in `{stored}`, which any code reaching the app reads: not all its requests are seen",
            )
    for client, attribute_why in _class_attribute_clients_called_elsewhere(model, by_call).items():
        # `EmbedTask.client = OpenAI()`, called as `task.client.embeddings.create(...)`: the
        # call is not tied to the client, and its ids may move only unsafely or by hand
        if moved_by_fixes(client):
            waiting.setdefault(client, attribute_why)
    for client, kept_in in model.imported_holder_clients.items():
        # `TaskDatum.client = AsyncOpenAI()`: the imported class's module makes the requests
        # (`datum.client.embeddings.create(...)` there), with ids and arguments not seen here
        if moved_by_fixes(client):
            waiting.setdefault(client, f"it is kept in {kept_in}, whose code, not seen here, makes its requests")
    for client, key in model.session_stored_clients.items():
        # `st.session_state.client = OpenAI()` on one page, read there by another that embeds
        if moved_by_fixes(client) and (elsewhere := model.facts.session_held.get(key)) is not None:
            waiting.setdefault(client, f"it is kept in `st.session_state` (`{key}`), where {elsewhere}")
    for client, kept_in in model.inherited_holders.items():
        # `self.client = AzureOpenAI(...)` in a subclass whose imported base makes the requests
        # (`self.client.completions.create` in another module): not seen here
        if moved_by_fixes(client):
            waiting.setdefault(client, f"it is kept in {kept_in}, whose methods, not seen here, make its requests")
    for client, foreign in _foreign_model_ids(model, by_call).items():
        # `OpenAI()` whose every call sends `qwen-plus` or `bge-large-zh`: `OPENAI_BASE_URL` points
        # it at another server; moved, those ids would fail at Z.AI
        shown = ", ".join(f"`{value}`" for value in foreign[:3])
        waiting.setdefault(
            client, f"its calls send only ids OpenAI does not serve ({shown}): it may talk to another server"
        )
    for call, reason in unmapped_calls:
        for client in (*call.clients, *model.passed.get(call, ())):
            if moved_by_fixes(client):
                waiting.setdefault(client, reason)
    # ... and so do the clients Agents SDK agents run on that ask for what Z.AI rejects (GLM010:
    # a forced `tool_choice`, an `output_type` sent as a `json_schema` response format)
    for agent, refused in context.agents_rejected:
        for client in _agent_clients(model, agent):
            if moved_by_fixes(client):
                waiting.setdefault(
                    client, f"an agent it serves is rejected by Z.AI until dealt with by hand: {refused}"
                )
    # ... and so do the clients this module gives the SDK for the agents of the process, where
    # another module's agents running on them ask for what Z.AI rejects (the project index)
    if model.facts.agents_rejected:
        for client in _agents_setup_clients(model):
            if moved_by_fixes(client):
                waiting.setdefault(client, f"it serves {model.facts.agents_rejected}")
    # ... and so does an imported client whose move waits in the module that builds it
    for client in model.clients:
        if client.imported is not None and client.imported.waits is not None:
            waiting.setdefault(
                client, f"its client {client.imported.where} waits where it is built: {client.imported.waits}"
            )
    # ... and so does a copy of a waiting client (`client.with_options(...)`): it keeps that one's key
    for client in model.clients:
        if client.copied_from is not None and (why := waiting.get(client.copied_from)) is not None:
            waiting.setdefault(client, why)
    # ... and so does one sending an id another module keeps for a person (`held_sent`)
    _senders_wait(model, of_call, waiting, _held_elsewhere)
    # ... and so does one sending an id another module hands this one's function or class,
    # from a setting kept where it is defined (`ModuleFacts.held_model_params`)
    if model.facts.held_model_params:
        _senders_wait(model, of_call, waiting, _held_model_param)
    holders: list[tuple[str, list[Client]]] | None = None  #: names that may hold several clients
    while True:
        count = len(waiting)
        _declared_clients_wait(model, of_call, waiting, factories)
        _key_readers_wait(model, context, findings, waiting)
        if _guarded_keys_held(model, context, waiting):
            _key_readers_wait(model, context, findings, waiting)
        if waiting and holders is None:
            holders = _shared_holders(model)
        _shared_clients_wait(model, of_call, holders or [], waiting)
        _shared_keys_wait(model, waiting)
        if len(waiting) == count:
            break
    if not waiting and not model.facts.held_params:
        return waiting
    constructions: dict[cst.CSTNode, str] = {
        client.construction: why for client, why in waiting.items() if client.construction is not None
    }
    held = [
        (finding, constructions[construction])
        for finding in findings
        if (construction := _inside(finding.node, constructions, model)) is not None
    ]
    later: dict[cst.CSTNode, str] = {
        a.value: why for a in model.client_option_assignments if (why := waiting.get(a.client)) is not None
    }
    held += [
        (finding, later[value]) for finding in findings if (value := _inside(finding.node, later, model)) is not None
    ]
    # the settings a waiting client's key is read from (`KEY = os.environ["OPENAI_API_KEY"]` ...
    # `OpenAI(api_key=KEY)`): renamed alone, the client would send the Z.AI key to OpenAI
    settings: dict[cst.CSTNode, str] = {
        value: why for client, why in waiting.items() for value in _key_settings(model, client)
    }
    # ... and those its URL is read from (`BASE = os.getenv("OPENAI_API_BASE")` ... `base_url=BASE`):
    # renamed alone, the client would send OpenAI's key and the ids it waits for to Z.AI
    settings.update(
        (value, why) for client, why in waiting.items() for value in _key_settings(model, client, "base_url")
    )
    held += [
        (finding, settings[value])
        for finding in findings
        if (value := _inside(finding.node, settings, model)) is not None
    ]
    in_mappings: dict[cst.CSTNode, str] = {
        entry: why for client, why in waiting.items() for entry in _mapping_entries(client)
    }
    held += [
        (finding, in_mappings[entry])
        for finding in findings
        if (entry := _inside(finding.node, in_mappings, model)) is not None
    ]
    held += [
        (finding, why)
        for call, found in of_call
        for client in (*call.clients, *model.passed.get(call, ()))
        if (why := waiting.get(client)) is not None
        for finding in found
    ]
    held += _agents_ids_wait(model, findings, waiting)
    if model.facts.held_params:
        # a call through a parameter another module hands a client that waits there
        # (`ModuleFacts.held_params`): its ids stay OpenAI's in a safe run (one of another server:
        # `_handed_another_servers_client`)
        held += [
            (finding, through[0])
            for call, found in of_call
            if found and (through := handed_a_waiting_client(model, call)) is not None and not through[1]
            for finding in found
        ]
    module_client = next((client for client in waiting if client.origin == "module"), None)
    if module_client is not None:
        # the `openai` module client is set up by statements (`openai.api_key = ...`, the line
        # `import openai` after which its missing settings go), not built by a call
        setup = {a.statement for a in model.module_attributes} | set(model.openai_import_lines)
        held += [(f, waiting[module_client]) for f in findings if _statement_of(f.node, model) in setup]
    make_unsafe(held)
    return waiting


def _handed_another_servers_client(model: SemanticModel, by_call: Sequence[tuple[ApiCall, list[Finding]]]) -> None:
    """A call through a parameter another module hands a client of another server (a reseller's,
    a proxy's: `ModuleFacts.held_params`) sends its requests there: no fix may change them, even
    with --unsafe-fixes; its findings stay, manual, for the calls that may go to Z.AI."""
    for call, found in by_call:
        handed = handed_a_waiting_client(model, call) if found else None
        if handed is None or not handed[1]:
            continue
        for finding in found:
            finding.message = f"{finding.message} ({handed[0]}: change it only for the calls that go to Z.AI)"
            if finding.fix is not None:
                finding.withdrawn = finding.applicability
            finding.fix, finding.applicability = None, Applicability.MANUAL


def _agent_clients(model: SemanticModel, agent: cst.Call) -> list[Client]:
    """The clients an Agents SDK `Agent(...)` of this module may run on: that of the chat model
    it is given (`OpenAIChatCompletionsModel(..., openai_client=client)`), else the default
    clients and providers' clients the module sets up."""
    kinds = {
        "agents_default_client": "client",
        "agents_provider": "openai_client",
        "agents_chat_model": "openai_client",
    }
    scope = next((s for c, s in model.calls if c is agent), model.module_scope)
    model_arg = find_kwarg(agent, "model")
    given = set()
    if model_arg is not None:
        given = {v for v in model.values_of(model_arg.value, scope) if isinstance(v, cst.Call)}
    setups = [
        (call, setup_scope, kind)
        for call, setup_scope, kind in model.framework_calls
        if kind in kinds
        and (kind != "agents_chat_model" or call in given or (model_arg is not None and call is model_arg.value))
    ]
    if any(kind == "agents_chat_model" for _, _, kind in setups):
        setups = [item for item in setups if item[2] == "agents_chat_model"]
    found: list[Client] = []
    for call, setup_scope, kind in setups:
        arg = find_kwarg(call, kinds[kind])
        if arg is None and kind == "agents_default_client" and call.args and call.args[0].keyword is None:
            arg = call.args[0]
        if arg is None and kind == "agents_chat_model":
            positional = [a for a in call.args if a.keyword is None and not a.star]
            arg = positional[1] if len(positional) > 1 else None
        if arg is not None:
            found += [v for v in model.values_of(arg.value, setup_scope) if isinstance(v, Client)]
    return found


def _agents_setup_clients(model: SemanticModel) -> list[Client]:
    """The clients this module gives the Agents SDK for agents bringing no model of their own:
    its default client (`set_default_openai_client(client)`) and its providers' clients
    (`OpenAIProvider(openai_client=client)`)."""
    found: list[Client] = []
    for call, scope, kind in model.framework_calls:
        if kind not in ("agents_default_client", "agents_provider"):
            continue
        arg = find_kwarg(call, "client" if kind == "agents_default_client" else "openai_client")
        if arg is None and kind == "agents_default_client" and call.args and call.args[0].keyword is None:
            arg = call.args[0]
        if arg is not None:
            found += [v for v in model.values_of(arg.value, scope) if isinstance(v, Client)]
    return found


def _agents_ids_wait(
    model: SemanticModel, findings: list[Finding], waiting: Mapping[Client, str]
) -> list[tuple[Finding, str]]:
    """The model ids a library sends through a waiting client (`OpenAIChatCompletionsModel(
    model="gpt-4o", openai_client=client)`), and those of the Agents SDK's agents where the
    default client set with `set_default_openai_client(client)` waits, stay OpenAI's with it:
    `glm-4.6` sent to OpenAI fails as surely as `gpt-4o` at Z.AI."""
    if not waiting:
        return []
    reasons: dict[cst.CSTNode, str] = {
        literal: why for client, why in waiting.items() for literal, _ in ids_handed(model, client)
    }
    defaults = {
        call: why
        for call, scope, kind in model.framework_calls
        if kind in ("agents_default_client", "agents_provider")
        and (
            arg := find_kwarg(call, "client" if kind == "agents_default_client" else "openai_client")
            or (
                call.args[0] if call.args and call.args[0].keyword is None and kind == "agents_default_client" else None
            )
        )
        is not None
        for value in model.values_of(arg.value, scope)
        if isinstance(value, Client) and (why := waiting.get(value)) is not None
    }
    agents: dict[cst.CSTNode, str] = {}
    if defaults:
        # its agents' ids, and the switch to chat completions added after it (hosted tools such
        # as `WebSearchTool` need the Responses API on OpenAI); so for a provider's client
        why = f"the Agents SDK's client for its agents waits: {min(defaults.values())}"
        agents = {call: why for call, _, kind in model.framework_calls if kind in ("agents_agent", "agents_run_config")}
        agents.update(dict.fromkeys(defaults, why))
    # an agent given a chat model of its own (`model=OpenAIChatCompletionsModel(..., openai_client=
    # AsyncOpenAI())`) runs on that model's client, not on the default one
    own = {call for call, _, kind in model.framework_calls if kind == "agents_chat_model"} if agents else set()
    held: list[tuple[Finding, str]] = []
    for finding in findings:
        if finding.fix is None:
            continue
        why = reasons.get(finding.node)
        if why is None and _inside(finding.node, own, model) is None and (call := _inside(finding.node, agents, model)):
            why = agents[call]
        if why is not None:
            held.append((finding, why))
    return held


def _guarded_keys_held(model: SemanticModel, context: RuleContext, waiting: dict[Client, str]) -> bool:
    """A key setting GLM009 renames only while every client it guards moves (`key =
    os.getenv("OPENAI_API_KEY")`, `if not key: raise ...`, `RuleContext.with_every_client`) keeps
    OpenAI's key once one of them waits (`_run_hooks` makes its rename unsafe): so the clients
    given that setting as their key wait with it (`_key_readers_wait`). Moved alone, one sent
    OpenAI's key to Z.AI (WTMBerlin/generative-ai-course's resume search: `OpenAI(api_key=key)`
    beside the waiting module client)."""
    if not waiting or not context.with_every_client:
        return False
    why = f"the clients it guards move too, one of which waits: {next(iter(waiting.values()))}"
    guarded = [finding.node for finding in context.with_every_client]
    held = False
    for client in model.clients:
        if not moved_by_fixes(client):
            continue
        for value in _key_settings(model, client):
            if value not in context.held_settings and any(_inside(node, (value,), model) for node in guarded):
                context.held_settings[value] = why
                held = True
    return held


def _key_readers_wait(
    model: SemanticModel, context: RuleContext, findings: list[Finding], waiting: dict[Client, str]
) -> None:
    """A key setting several clients or LangChain classes read (`KEY = os.environ["OPENAI_API_KEY"]`
    ... `OpenAI(api_key=KEY)`, `ChatOpenAI(api_key=KEY)`) reads `ZAI_API_KEY` after a safe run
    only where every reader moves (GLM009). While one waits, the setting keeps OpenAI's key
    (`RuleContext.held_settings`), and each other reader waits with it: moved, it would send
    that key to Z.AI. A client whose own key a safe fix replaces (GLM001: `api_key=os.environ[
    "ZAI_API_KEY"]`) no longer reads the setting and moves."""
    held = context.held_settings
    replaced = {
        node for f in findings if f.fix is not None and f.applicability is Applicability.SAFE for node, _ in f.fix.edits
    }
    clients = [(client, set(_key_settings(model, client))) for client in model.clients if moved_by_fixes(client)]
    clients = [(client, values) for client, values in clients if values]
    classes = list(context.key_readers)
    changed = True
    while changed:
        changed = False
        for client, values in clients:
            why = waiting.get(client)
            for value in values if why is not None else ():
                if value not in held:
                    held[value] = f"`{_client_shown(model, client)}` reading it waits: {why}"
                    changed = True
        for client, values in clients:
            key = client.kwarg("api_key")
            if client in waiting or (key is not None and key.value in replaced):
                continue
            why = next((held[value] for value in values if value in held), None)
            if why is not None:
                waiting[client] = f"its key setting waits: {why}"
                changed = True
        for reader in list(classes):
            own, values, name = reader
            why = next((held[value] for value in values if value in held), None)
            if why is not None:
                classes.remove(reader)
                make_unsafe((finding, f"its key setting waits: {why}") for finding in own)
                for value in values:
                    held.setdefault(value, f"`{name}` reading it waits: {why}")
                changed = True


def _senders_wait(
    model: SemanticModel,
    of_call: Iterable[tuple[ApiCall, object]],
    waiting: dict[Client, str],
    why_of: Callable[[SemanticModel, ApiCall], str | None],
) -> None:
    """The moving clients of each call `why_of` gives a reason for wait, with that reason (a
    reason given earlier kept)."""
    for call, _ in of_call:
        why = why_of(model, call)
        if why is not None:
            for client in call.clients:
                if moved_by_fixes(client):
                    waiting.setdefault(client, why)


def _held_elsewhere(model: SemanticModel, call: ApiCall) -> str | None:
    """Why the id `call` sends, imported from another module, stays OpenAI's in a safe run
    there (`ModuleFacts.held_sent`), if it does."""
    held = model.facts.held_sent
    for value in model.model_arguments(call) if held else ():
        for qualified, attributes in imported_roots(model, value, call.scope, 0):
            why = held.get(".".join(filter(None, (qualified, attributes))))
            if why is not None:
                return why
    return None


def _held_model_param(model: SemanticModel, call: ApiCall) -> str | None:
    """Why the id `call` sends, from a parameter of this module's function or class another
    module hands a setting kept where it is defined (`ModuleFacts.held_model_params`), stays
    OpenAI's in a safe run, if it does."""
    held = model.facts.held_model_params
    for value in model.model_arguments(call):
        for owner, param, _ in params_reaching(model, value, call.scope):
            why = next((why for name, why in held.get(owner, ()) if name == param), None)
            if why is not None:
                return why
    return None


def _shared_holders(model: SemanticModel) -> list[tuple[str, list[Client]]]:
    """The module-level names that may hold, and functions that may return, more than one
    client (`if OPENAI_API_KEY: CLIENT = OpenAI(...)` / `elif AZURE_KEY: CLIENT = AzureOpenAI(...)`)."""
    holders: list[tuple[str, list[Client]]] = []
    for name in model.module_scope.bindings:
        clients = list(dict.fromkeys(model.clients_of_name(name)))
        if len(clients) > 1:
            holders.append((name, clients))
    return holders


def _shared_clients_wait(
    model: SemanticModel,
    of_call: list[tuple[ApiCall, list[Finding]]],
    holders: list[tuple[str, list[Client]]],
    waiting: dict[Client, str],
) -> None:
    """A call that may go through either of two clients, or a module-level name (another
    module may import it) that may hold either, is one client to the code using it: its ids
    wait while one of them waits, so the other waits too. Moved alone, it would get the ids a
    safe run kept for the one that waits (`CLIENT.chat.completions.create(model="gpt-4")`, with
    `CLIENT` OpenAI's client or, in the other branch, an Azure one whose move is unsafe)."""
    groups: list[tuple[str, list[Client]]] = [
        (f"its `{'.'.join(call.path)}` call may go through another client, which waits", clients)
        for call, _ in of_call
        if len(clients := [*call.clients, *model.passed.get(call, ())]) > 1
    ]
    groups += [(f"`{name}` may hold another client, which waits", clients) for name, clients in holders]
    for shown, clients in groups:
        why = next((waiting[c] for c in clients if c in waiting), None)
        if why is None:
            continue
        for client in clients:
            if client not in waiting and moved_by_fixes(client):
                waiting[client] = f"{shown}: {why}"


def _shared_keys_wait(model: SemanticModel, waiting: dict[Client, str]) -> None:
    """A key from the program's own settings (`st.secrets["llm_key"]`, a module-level name) given
    to a client that waits in a safe run, or stays with OpenAI for its account data, and to one
    this run moves: one key cannot be OpenAI's and Z.AI's. Moved alone (GLM001 only advises to
    make it a Z.AI key), the client would send OpenAI's key to Z.AI, or the other, once that key
    is changed, Z.AI's to OpenAI; so it waits with the other. Keys read from the environment are
    renamed with each client's move and are not compared."""
    if not any(c in waiting or c.account_only for c in model.clients):
        return
    by_key: dict[str, list[Client]] = {}
    for client in model.clients:
        call = client.construction
        arg = find_kwarg(call, "api_key") if type(call) is cst.Call and client.sdk == "openai" else None
        if arg is None:
            continue
        value = arg.value
        if type(value) is cst.Name and model.owner(value.value, client.scope) is not model.module_scope:
            continue  # a function's own variable or parameter: each function may read another setting
        text = short_code(value)
        if "environ" not in text and "getenv" not in text:
            by_key.setdefault(text, []).append(client)
    for text, clients in by_key.items():
        stays = next((c for c in clients if c in waiting or c.account_only), None) if len(clients) > 1 else None
        if stays is None:
            continue
        why = waiting.get(stays) or "it stays with OpenAI for the account's own data"
        for client in clients:
            if client not in waiting and moved_by_fixes(client):
                waiting[client] = (
                    f"its key `{text}` is also that of a client here that waits ({why}): one key cannot be OpenAI's and Z.AI's"
                )


def _declared_clients_wait(
    model: SemanticModel,
    of_call: list[tuple[ApiCall, list[Finding]]],
    waiting: dict[Client, str],
    factories: list[tuple[cst.Arg, str]],
) -> None:
    """A call through a parameter declared as the SDK's client (`def ask(client: OpenAI)`) may
    be given any client of that class this module builds, by code not followed (`for client in (speech, chat):
    ask(client, q)`). While one of those waits, or stays on OpenAI, the parameter waits too: its
    calls' GLM ids could reach OpenAI; and so do the clients that move, which could be given to
    it with its OpenAI ids."""
    for call, _ in of_call:
        for declared in call.clients:
            if declared.origin != "annotation" or declared.target is not Target.OPENAI or declared in waiting:
                continue
            same_sdk = [
                c
                for c in model.clients
                if c.sdk == declared.sdk and c.is_async == declared.is_async and c.construction is not None
            ]
            why = next(
                (
                    f"it may be given `{_client_shown(model, c)}`, which "
                    + (f"waits ({reason})" if (reason := waiting.get(c)) else "stays on OpenAI")
                    for c in same_sdk
                    if c in waiting or (c.target is Target.OPENAI and repoint_blocker(model, c) is not None)
                ),
                None,
            ) or next(
                (
                    f"it may be given a client `{short_code(model.parents[arg])}` builds, which no fix moves"
                    for arg, name in factories
                    if model.tables.clients[name] == (declared.sdk, declared.is_async)
                ),
                None,
            )
            if why is None:
                continue
            waiting[declared] = why
            for client in same_sdk:
                if moved_by_fixes(client):
                    waiting.setdefault(client, f"a parameter declared as its class waits: {why}")


def _client_shown(model: SemanticModel, client: Client) -> str:
    """The name a built client is bound to (`speech = OpenAI()`), or its construction."""
    assert client.construction is not None
    parent = model.parents.get(client.construction)
    if type(parent) is cst.Assign and len(parent.targets) == 1 and type(parent.targets[0].target) is cst.Name:
        return parent.targets[0].target.value
    return short_code(client.construction)


#: how GLM's own model ids begin (Zhipu's and Z.AI's catalogues)
_GLM_ID_PREFIXES = ("glm-", "chatglm")


def _foreign_model_ids(model: SemanticModel, by_call: list[tuple[ApiCall, list[Finding]]]) -> dict[Client, list[str]]:
    """Moving clients whose chat and embeddings calls send model ids, none of them OpenAI's or
    GLM's, or only GLM's while the client has no URL of its own (a server `OPENAI_BASE_URL`
    names), each with those ids."""
    tables = model.tables
    ids: dict[Client, list[str]] = {}
    known: set[Client] = set()
    for call, _ in by_call:
        if call.endpoint not in ("chat", "embeddings"):
            continue
        for literal in model.model_literals(call)[0]:
            value = string_value(literal)
            if value is None or not value.strip():
                continue  # `self.model = ""`: a placeholder filled in before the request
            bare = split_provider(value)[1]
            foreign = not tables.is_target(call.endpoint, bare) and tables.match_on(call.endpoint, bare) is None
            # an older GLM id (`glm-4-plus`) sent by a client without a URL of its own:
            # OPENAI_BASE_URL points it at Zhipu's server already, whose region a move would change
            glm = bare.startswith(_GLM_ID_PREFIXES) and not tables.is_target(call.endpoint, bare)
            for client in call.clients:
                elsewhere = foreign or (
                    glm and client.kwarg("base_url") is None and not client.option_sources("base_url")
                )
                if not elsewhere or client.sdk == "azure":  # an Azure model is a deployment's own name
                    known.add(client)
                elif moved_by_fixes(client) and value not in ids.setdefault(client, []):
                    ids[client].append(value)
    # ... and the ids handed with it to a library that sends them through it
    # (`OpenAIChatCompletionsModel(model="Qwen2.5-72B-Instruct-AWQ", openai_client=client)`:
    # Tendo33/AgentTracks, a vLLM server `OPENAI_API_BASE` names)
    for client in model.clients:
        if client.sdk == "azure" or not moved_by_fixes(client):
            continue
        for holder, scope in calls_handed(model, client):
            positional = [a for a in holder.args if a.keyword is None and not a.star]
            for arg in holder.args:
                if arg.star or arg.value is client.construction:
                    continue
                if not (names_a_model(arg.keyword.value) if arg.keyword is not None else arg is positional[0]):
                    continue
                for literal in model.resolve_strings(arg.value, scope)[0]:
                    value = string_value(literal)
                    if value is None or not value.strip() or len(value) > 64 or any(c.isspace() for c in value):
                        continue  # no model id: a prompt handed first, say
                    bare = split_provider(value)[1]
                    if tables.is_target("chat", bare) or tables.match_model(bare) is not None:
                        known.add(client)
                    elif value not in ids.setdefault(client, []):
                        ids[client].append(value)
    return {client: values for client, values in ids.items() if values and client not in known}


def _key_settings(model: SemanticModel, client: Client, option: str = "api_key") -> Iterator[cst.CSTNode]:
    """The values of the names or attributes a client's `api_key=` (or other `option`) reads,
    where bound once or more in this module (`KEY = os.environ["OPENAI_API_KEY"]`)."""
    arg = client.kwarg(option)
    if arg is not None:
        yield from (b.value for b in model.bindings_of(arg.value, client.scope) if b.value is not None)


def _mapping_entries(client: Client) -> Iterator[cst.CSTNode]:
    """Where the visible `**` mappings a client is built from set its keys."""
    for splat in client.splats:
        if splat is not None:
            for sources in splat.keys.values():
                yield from (source.node for source in sources)


def _statement_of(node: cst.CSTNode, model: SemanticModel) -> cst.CSTNode | None:
    """The simple statement line holding `node` (itself, if it is one)."""
    current: cst.CSTNode | None = node
    while current is not None and type(current) is not cst.SimpleStatementLine:
        current = model.parents.get(current)
    return current


def _held_elsewhere_why(tables: Tables, call_elsewhere: str) -> str:
    """Why a client waits for its call `call_elsewhere` in another module ("`batches.create` in
    `app.batch`"): an API Z.AI lacks never follows it, not even with --unsafe-fixes."""
    quoted = call_elsewhere.split("`")
    if len(quoted) > 1 and tables.unavailable_advice(tuple(quoted[1].split("."))) is not None:
        return f"its call {call_elsewhere} cannot follow it to Z.AI, which lacks that API: it stays with OpenAI"
    return f"its call {call_elsewhere} cannot follow it to Z.AI in a safe run"


#: the last names of the markers and decorators that replay recorded HTTP cassettes
#: (pytest-recording's and pytest-vcr's `@pytest.mark.vcr`, vcrpy's and Betamax's `use_cassette`)
_CASSETTE_MARKS = frozenset({"vcr", "use_cassette", "default_cassette"})
#: the decorators that answer requests to OpenAI's URL with a mock (openai-responses)
_URL_MOCKS = frozenset({"openai_responses.mock"})
#: the names a test routes OpenAI's URL to a mock through (respx, pytest-httpx's fixture)
_URL_MOCK_ROOTS = frozenset({"respx", "respx_mock", "httpx_mock"})
#: words a test module answering its clients' requests that way holds (a cheap first test)
_ANSWERING_WORDS = ("vcr", "cassette", "openai_responses", "respx", "httpx_mock")


def _answering_mark(expr: cst.BaseExpression) -> str | None:
    """`@pytest.mark.vcr`, `@pytest.mark.vcr()`, `vcr.use_cassette("x.yaml")`,
    `@openai_responses.mock()` as written (one line, without arguments), or None for anything
    else."""
    called = expr.func if type(expr) is cst.Call else expr
    name = dotted_name(called)
    if name is None or (name.rpartition(".")[2] not in _CASSETTE_MARKS and name not in _URL_MOCKS):
        return None
    return short_code(called, 40)


#: the methods of respx's router and pytest-httpx's fixture that route a URL to a mock
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "route", "add_response", "add_callback", "mock"})
#: pytest-recording's fixtures that configure a conftest's cassettes for the tests beside it
_CASSETTE_FIXTURES = frozenset({"vcr_config", "vcr_cassette_dir", "default_cassette_name"})


def _names_openai_url(model: SemanticModel, expr: cst.BaseExpression, scope: Scope) -> bool:
    """`expr` holds OpenAI's URL: a literal, an f-string or a concatenation holding one, or a name
    or attribute (`OPENAI_URL`, `config.BASE`) bound to one."""
    kind = type(expr)
    if kind is cst.SimpleString:
        return "api.openai.com" in expr.value  # type: ignore[attr-defined]
    if kind is cst.FormattedString:
        return any(
            "api.openai.com" in part.value
            if type(part) is cst.FormattedStringText
            else _names_openai_url(model, part.expression, scope)
            for part in expr.parts  # type: ignore[attr-defined]
        )
    if kind is cst.BinaryOperation or kind is cst.ConcatenatedString:
        return _names_openai_url(model, expr.left, scope) or _names_openai_url(model, expr.right, scope)  # type: ignore[attr-defined]
    if kind is cst.Name or kind is cst.Attribute:
        return any("api.openai.com" in literal.value for literal in model.resolve_strings(expr, scope)[0])
    return False


def _routes_openai_url(model: SemanticModel) -> str | None:
    """The route of a test module mocking OpenAI's URL, as written (`respx.post`, `router.post`,
    `httpx_mock.add_response`), or None: a call of respx, of a router it makes (`with respx.mock()
    as router`, `router = respx.mock(...)`, a `respx_mock` fixture) or of pytest-httpx's fixture,
    given OpenAI's URL in a literal or in a name bound to one (`respx.post(OPENAI_URL)`), or a
    router made for OpenAI's base URL (`respx.mock(base_url=...)`)."""
    routers = set(_URL_MOCK_ROOTS)
    for call, _ in model.calls:
        # `with respx.mock(...) as router:`, `router = respx.mock(...)`, `respx.MockRouter(...)`
        name = dotted_name(call.func)
        if name is None or name.partition(".")[0] != "respx":
            continue
        parent = model.parents.get(call)
        if type(parent) is cst.WithItem and parent.asname is not None and type(parent.asname.name) is cst.Name:
            routers.add(parent.asname.name.value)
        elif type(parent) is cst.Assign:
            routers.update(t.target.value for t in parent.targets if type(t.target) is cst.Name)
    for call, scope in model.calls:
        name = dotted_name(call.func)
        if name is None:
            continue
        root, _, rest = name.partition(".")
        if root not in routers or not (rest or root in _URL_MOCK_ROOTS):
            continue
        if rest and rest.rpartition(".")[2] not in _ROUTE_METHODS and root != "respx":
            continue
        if any(_names_openai_url(model, arg.value, scope) for arg in call.args):
            return short_code(call.func, 40)
    return None


def _mark_around(model: SemanticModel, node: cst.CSTNode, module_marks: Sequence[str]) -> str | None:
    """The marker answering the requests of code at `node`: a `with vcr.use_cassette(...)` block
    around it, its test's or class's decorator, or, outside any test (at module level, in a
    fixture or helper), the first of the module's marked tests (`module_marks`)."""
    mark, in_test = None, False
    current: cst.CSTNode | None = model.parents.get(node)
    while current is not None and mark is None:
        kind = type(current)
        if kind is cst.With:
            mark = next(filter(None, (_answering_mark(item.item) for item in current.items)), None)  # type: ignore[attr-defined]
        elif kind in (cst.FunctionDef, cst.ClassDef):
            in_test = in_test or current.name.value.startswith(("test", "Test"))  # type: ignore[attr-defined]
            mark = next(filter(None, (_answering_mark(d.decorator) for d in current.decorators)), None)  # type: ignore[attr-defined]
        current = model.parents.get(current)
    if mark is None and not in_test and module_marks:
        mark = module_marks[0]
    return mark


def _module_marks(model: SemanticModel) -> tuple[list[str], str | None]:
    """The markers of a test module's marked tests and classes, and the one marking every test
    of the module (its `pytestmark`; a fixture configuring the cassettes of its tests, or in a
    conftest.py of the tests beside it: `vcr_config`), if any."""
    marks: list[str] = []
    for statement in model.module.body:
        if type(statement) in (cst.FunctionDef, cst.ClassDef):
            defined = cast("cst.FunctionDef | cst.ClassDef", statement)
            marks += filter(None, (_answering_mark(d.decorator) for d in defined.decorators))
            if defined.name.value in _CASSETTE_FIXTURES:
                return marks, defined.name.value
        elif type(statement) is cst.SimpleStatementLine:
            for small in statement.body:
                if type(small) is cst.Assign and any(
                    type(t.target) is cst.Name and t.target.value == "pytestmark" for t in small.targets
                ):
                    values = small.value.elements if type(small.value) in (cst.List, cst.Tuple) else ()  # type: ignore[attr-defined]
                    for value in (small.value, *(e.value for e in values)):
                        if (mark := _answering_mark(value)) is not None:
                            return marks, mark
    return marks, None


def _answered_clients(model: SemanticModel, clients: Iterable[Client]) -> list[tuple[Client, str]]:
    """The clients of a test module whose requests a recorded cassette or a mock of OpenAI's URL
    answers, each with the marker: one built in a test marked so (its function's or class's
    decorator, a `with vcr.use_cassette(...)` block around it, the module's `pytestmark`), or built
    outside any test (at module level, in a fixture or helper) in a module with such a test, or
    in a conftest.py configuring cassettes; every client of a module that routes OpenAI's URL to
    a mock (respx, pytest-httpx)."""
    module_marks, every = _module_marks(model)
    if every is not None:
        return [(client, every) for client in clients]  # every test of the module
    if "api.openai.com" in model.source and (route := _routes_openai_url(model)) is not None:
        return [(client, route) for client in clients]  # every test of the module
    found: list[tuple[Client, str]] = []
    for client in clients:
        assert client.construction is not None
        if (mark := _mark_around(model, client.construction, module_marks)) is not None:
            found.append((client, mark))
    return found


def _answered_why(mark: str) -> str:
    """Why a client whose tests' requests `mark` answers waits."""
    if mark.rpartition(".")[2] in _CASSETTE_MARKS or mark in _CASSETTE_FIXTURES:
        return (
            f"its tests replay OpenAI's answers from recorded cassettes (`{mark}`), which match no request "
            "once it moves: record them again against Z.AI with the move"
        )
    return (
        f"its tests answer its requests with a mock of OpenAI's URL (`{mark}`), which no longer catches "
        "them once it moves: point the mock at Z.AI's URL with the move"
    )


def _answered_clientless_calls(model: SemanticModel, by_call: list[tuple[ApiCall, list[Finding]]]) -> None:
    """A test's call through a client this module does not build (a fixture's, given as a
    parameter: `def test_chat(openai_client)`) where a cassette or a mock of OpenAI's URL answers
    its requests: its fixes (a GLM id) would reach the recorded or mocked OpenAI, and the client,
    built elsewhere (a conftest.py), may not move with them."""
    calls = [(call, found) for call, found in by_call if found and not any(c.construction for c in call.clients)]
    if not calls:
        return
    module_marks, every = _module_marks(model)
    if every is None and "api.openai.com" in model.source:
        every = _routes_openai_url(model)
    unmarked: list[tuple[ApiCall, list[Finding]]] = []
    #: the names the marked tests' clients are given by (`openai_client`), each with its marker
    fixtures: dict[str, str] = {}
    for call, found in calls:
        mark = every or _mark_around(model, call.node, module_marks)
        if mark is None:
            unmarked.append((call, found))
            continue
        fixtures.setdefault((dotted_name(call.node.func) or "").partition(".")[0], mark)
        if mark.rpartition(".")[2] in _CASSETTE_MARKS or mark in _CASSETTE_FIXTURES:
            why = (
                f"its test replays OpenAI's answers from recorded cassettes (`{mark}`), which match no request "
                "once its client moves: change it with that client and record them again against Z.AI"
            )
        else:
            why = (
                f"its test answers its requests with a mock of OpenAI's URL (`{mark}`), which no longer catches "
                "them once its client moves: change it with that client and point the mock at Z.AI's URL"
            )
        make_unsafe((finding, why) for finding in found)
    for call, found in unmarked:
        # `def test_error(openai_client)`, unmarked, given the fixture's client the marked tests
        # replay: that client moves with them, or not at all
        name = (dotted_name(call.node.func) or "").partition(".")[0]
        if name in fixtures and name:
            why = (
                f"its client `{name}` is the one tests replaying cassettes or mocks of OpenAI's URL "
                f"(`{fixtures[name]}`) are given: change it with that client"
            )
            make_unsafe((finding, why) for finding in found)


def _also_wait(waiting: dict[Client, str], client: Client, why: str) -> None:
    """`client` waits for `why`, a call in another module that no fix here changes: said beside
    the reason it already waits for (its key, say), which an unsafe fix or a person deals with
    while that call still cannot follow it (gpt4-autoeval's `batches.create`)."""
    before = waiting.get(client)
    if before is None:
        waiting[client] = why
    elif why not in before:
        waiting[client] = f"{before}; and {why}"


def _inside(node: cst.CSTNode, constructions: Collection[cst.CSTNode], model: SemanticModel) -> cst.CSTNode | None:
    """The construction `node` is or is inside (its `api_key=` argument, say), if any."""
    current: cst.CSTNode | None = node
    while current is not None and type(current) not in _STATEMENT_NODES:
        if current in constructions:
            return current
        current = model.parents.get(current)
    return None


def _staying_on_openai(model: SemanticModel, call: ApiCall) -> dict[Client, str]:
    """The OpenAI clients of `call` that glm-migrate does not move to Z.AI (OpenAI's branch of a
    provider choice, an Azure client it cannot convert), each with the reason."""
    staying = {}
    for client in call.clients:
        if client.target is Target.OPENAI and (why := repoint_blocker(model, client)) is not None:
            staying[client] = why
    return staying


def _demote_unbound_imports(findings: Sequence[Finding], model: SemanticModel) -> None:
    """Turn every fix whose code reads a name it imports at module level (`os`, `OpenAI`) into a
    manual finding where that name is a local of the edited function that may be unbound (a
    `from openai import OpenAI` or `import os` in another branch): Python looks a function's
    local up in the function only, so the module-level import would not reach it."""
    for finding in findings:
        fix = finding.fix
        if fix is None or finding.applicability is Applicability.MANUAL:
            continue
        names = {module.partition(".")[0] for module in fix.imports} | {name for _, name in fix.from_imports}
        if not names:
            continue
        for node, _ in fix.edits:
            if isinstance(node, cst.Import | cst.ImportFrom):
                continue
            scope = model.scope_of(node)
            unbound = sorted(name for name in names if model.bindings_at(name, scope, node) is None)
            if unbound:
                finding.applicability, finding.fix = Applicability.MANUAL, None
                finding.message = (
                    f"{finding.message}; the fix would read `{unbound[0]}`, a name this function binds only on"
                    " other paths (an import at the top of the module does not reach it): import it in the"
                    " function before this code, then make the change"
                )
                break


def _hold_for_assumed_sdk(
    findings: Sequence[Finding], model: SemanticModel, unassumed: Set[tuple[str, cst.CSTNode]]
) -> None:
    """In a module that uses `openai` though nothing in it binds the name (GLM012), the name is
    only taken for the SDK, and whatever configured it elsewhere (a lost notebook cell, `%run`)
    is unseen: each safe fix the rules make only with that name taken for the SDK (`unassumed`
    has the others) becomes unsafe, applied with --unsafe-fixes."""
    if not model.assumed_sdk_uses:
        return
    for finding in findings:
        if (
            finding.fix is not None
            and finding.applicability is Applicability.SAFE
            and (finding.rule.CODE, finding.node) not in unassumed
        ):
            finding.applicability = Applicability.UNSAFE
            finding.fix = replace(
                finding.fix, title=f"{finding.fix.title}, once `openai` is known to be the SDK (GLM012)"
            )


def _hold_until_moved(findings: list[Finding], why: str) -> None:
    """A call whose client stays on OpenAI keeps OpenAI's parameters: a GLM fix there
    (`extra_body={"do_sample": ...}`, a dropped `logit_bias=`) would break or change its
    requests. What the fix would do is reported for when a person moves the client."""
    for finding in findings:
        if finding.fix is not None:
            finding.message = f"{finding.message} (when its client moves to Z.AI: {why})"
            finding.withdrawn = finding.applicability
            finding.fix, finding.applicability = None, Applicability.MANUAL
        elif finding.rule.CODE == "GLM104":
            # "make sure it is a GLM id" holds only once the client moves: until then, OpenAI's
            finding.message = f"{finding.message} when its client moves to Z.AI ({why})"


def _zhipu_client_never_here(
    model: SemanticModel, call: ApiCall, clients: Sequence[Client], staying: Mapping[Client, str]
) -> bool:
    """A call made through a Zhipu client or one that stays (`ZhipuAI(...)` or `OpenAI(base_url=url)`
    by provider), in a branch taken only for OpenAI's model names (`if self.model.startswith(("o3",
    "o4")):`): the Zhipu client, whose ids are GLM's, never sends it, so what its findings would
    say for that client (`n=`, `reasoning_effort=`) is noise; the other client is not moved."""
    moves = [c for c in clients if c.target in (Target.OPENAI, Target.ZAI) and c not in staying]
    if not moves or any(c.sdk not in ("zai", "zhipuai") for c in moves):
        return False
    tables = model.tables
    node: cst.CSTNode | None = call.node
    while node is not None and type(node) not in (cst.FunctionDef, cst.Module):
        parent = model.parents.get(node)
        if type(parent) is cst.If and parent.body is node and _names_only_openai_models(parent.test, tables):
            return True
        node = parent
    return False


def _names_only_openai_models(test: cst.BaseExpression, tables: Tables) -> bool:
    """`name.startswith(("o3", "o4"))` on a model name (`self.model_name.lower()`), each prefix one
    that ids of OpenAI's families start with and no GLM id does, or one naming another vendor's
    models (`"grok-3"`, `"claude"`: `[providers] other_model_words`), which no Zhipu client sends."""
    if type(test) is not cst.Call or type(test.func) is not cst.Attribute or test.func.attr.value != "startswith":
        return False
    if len(test.args) != 1 or "model" not in short_code(test.func.value).lower():
        return False
    value = test.args[0].value
    literals = [element.value for element in value.elements] if type(value) is cst.Tuple else [value]
    prefixes = [string_value(literal) for literal in literals]
    return all(
        prefix
        and not tables.writes_model_prefix(prefix)
        and not any(glm.startswith(prefix) for ids in tables.targets.values() for glm in ids)
        and (
            any(example.startswith(prefix) for family in tables.families for example in family.examples)
            or _LEADING_WORD.match(prefix.lower())[0] in tables.sdk.other_model_words  # type: ignore[index]
        )
        for prefix in prefixes
    )


#: the letters a model-name prefix starts with (`grok` of `grok-3`), "" for none
_LEADING_WORD = re.compile(r"[a-z]*")


def _either(codes: list[str], limit: int = 3) -> str:
    """Clients as a finding names them: each text once (a dozen provider classes build
    `OpenAI(api_key=key, base_url=self.base_url)` alike), the first few only."""
    unique = list(dict.fromkeys(codes))
    shown = " or ".join(unique[:limit])
    return shown + (f" or {len(unique) - limit} more" if len(unique) > limit else "")


#: where the clients glm-migrate leaves where they are point
_LEFT = (Target.OTHER, Target.UNKNOWN)


def _hold_fixes(findings: list[Finding], clients: Sequence[Client], staying: Mapping[Client, str]) -> None:
    """A call whose client (`clients`: its receiver's, and those passed for the parameter it is
    made through) may be one that moves to Z.AI or one that stays (a self-hosted server, a URL
    from settings, OpenAI's branch of a provider choice) is checked like any OpenAI call, but a
    fix would change the requests of the client that stays too: its findings become manual,
    saying which is which."""
    moves = [_client_code(c) for c in clients if c.target in (Target.OPENAI, Target.ZAI) and c not in staying]
    stays = [_client_code(c) for c in clients if c.target is Target.OTHER or c in staying]
    unknown = [_client_code(c) for c in clients if c.target is Target.UNKNOWN]
    if staying and not moves and not unknown:
        _hold_until_moved(findings, next(iter(staying.values())))
        return
    if moves:
        note = f"for the client {_either(moves)} only: the call may also go through {_either(stays + unknown)}"
    elif not unknown:
        # made only through clients passed for a parameter, each talking to another server
        note = f"sent through {_either(stays)}, which talks to another server: change it only with that client"
    elif stays:
        note = f"if its client {_either(unknown)} goes to Z.AI: it may also be {_either(stays)}"
    else:
        unknown_classes = all(c.origin == "unknown class" for c in clients if c.target is Target.UNKNOWN)
        how = "built by code glm-migrate cannot move" if unknown_classes else "whose server is chosen at run time"
        note = f"if its client {_either(unknown)}, {how}, goes to Z.AI"
    for finding in findings:
        finding.message = f"{finding.message} ({note})"
        if finding.fix is not None:
            finding.withdrawn = finding.applicability
        finding.fix, finding.applicability = None, Applicability.MANUAL


def _client_code(client: Client) -> str:
    """How a message names a client: its constructor as written, or where it comes from."""
    if client.imported is not None:
        return f"{client.imported.where} (imported)"
    if client.construction is not None:
        return f"`{short_code(client.construction)}`"
    if client.origin == "module":
        return "the `openai` module client"
    return f"`{code_of(client.base_url)}`" if client.base_url is not None else "its client"


def _may_apply(finding: Finding, settings: Settings) -> bool:
    if finding.fix is None:
        return False
    if finding.applicability is Applicability.SAFE:
        return True
    return finding.applicability is Applicability.UNSAFE and settings.unsafe_fixes


def _check_output(source: str, output: str, applied: list[Finding], edited: str | None = None) -> str | None:
    """A rewrite must never produce code that does not parse: refuse the whole file if it does.

    `edited`, the edited statements alone (see `_edited_statements`), is enough to parse when
    it parses; when it does not, the whole output decides.
    """
    # CPython's own parser: the authority on what runs, and several times faster than LibCST's.
    if edited is not None:
        try:
            parse_with_cpython(edited)
            return None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
    try:
        tree = parse_with_cpython(output)
        reason = _misplaced_future_import(tree) if "__future__" in output else None
        if reason is not None and _misplaced_future_import(parse_with_cpython(source)):
            reason = None  # the module was refused as it was: not this run's doing
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        reason = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
    if reason is None:
        return None
    codes = ", ".join(sorted({f.rule.CODE for f in applied}))
    try:
        parse_with_cpython(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        # newer syntax than this interpreter's (PEP 701's f-strings on 3.11), which LibCST reads:
        # the fixes cannot be checked here, which is not their fault
        version = ".".join(map(str, sys.version_info[:2]))
        own = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
        return (
            f"Python {version}, which runs glm-migrate, cannot parse this file as it is ({own}), so the fixes "
            f"by {codes} cannot be checked; file left untouched: run glm-migrate on the Python version the "
            "project uses"
        )
    return f"internal error: fixes by {codes} produced code that does not parse ({reason}); file left untouched"


def _misplaced_future_import(tree: ast.Module) -> str | None:
    """What the parser lets through but the compiler refuses: `from __future__` after a statement
    other than the docstring or another `from __future__`."""
    body = tree.body
    first = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else 0
    leading = True
    for statement in body[first:]:
        future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        if future and not leading:
            return "from __future__ imports must occur at the beginning of the file"
        leading = leading and future
    return None


def _diagnostic(
    finding: Finding,
    applied: bool,
    positions: Mapping[cst.CSTNode, CodeRange],
    source: str | None,
    fits: Mapping[cst.CSTNode, NodeEdit],
    module: cst.Module,
    needed_at: Mapping[str, int],
) -> Diagnostic:
    """`source` None: without the fix's text edit."""
    position = positions[finding.node]
    return Diagnostic(
        code=finding.rule.CODE,
        rule=finding.rule.NAME,
        message=finding.message,
        span=_span(position),
        severity=finding.severity,
        applicability=finding.applicability,
        applied=applied,
        fix_title=finding.fix.title if finding.fix else None,
        edit=_text_edit(finding, positions, source, fits, module, needed_at) if source is not None else None,
        shut_down=finding.shut_down,
    )


def _text_edit(
    finding: Finding,
    positions: Mapping[cst.CSTNode, CodeRange],
    source: str,
    fits: Mapping[cst.CSTNode, NodeEdit],
    module: cst.Module,
    needed_at: Mapping[str, int],
) -> Edit | None:
    """The fix as one replacement of source text, when all its edits change one node into one node.

    Several edits of the same node (drop one argument, add another) are composed in order. Fixes
    that touch several nodes, insert statements, or change the imports (a module to import, a
    name to import or drop, a constant to define) have no single text edit, and neither has a
    node whose text cannot be reproduced exactly out of context (lines indented by its block).
    """
    fix = finding.fix
    if fix is None or not fix.edits:
        return None
    if fix.from_imports or fix.unused_imports or fix.constants or _missing_imports(module, set(fix.imports), needed_at):
        return None
    node = fix.edits[0][0]
    if any(edited is not node for edited, _ in fix.edits) or node not in positions:
        return None
    changes = [change for _, change in fix.edits]
    replacement = _apply_edits(node, [*changes, fits[node]] if node in fits else changes)
    if not isinstance(replacement, cst.CSTNode):
        return None  # a removal, or statements inserted after the node
    span = _span(positions[node])
    # A node's code includes whitespace and commas it owns outside its span (`x=1,\n` for an
    # argument); both codes must share them exactly, and only the part inside the span is replaced.
    before, after = code_of(node), code_of(replacement)
    inside = span_text(source, span)
    start = before.find(inside)
    if start < 0:
        return None
    prefix, suffix = before[:start], before[start + len(inside) :]
    if not (after.startswith(prefix) and after.endswith(suffix)) or len(after) < len(prefix) + len(suffix):
        return None
    return Edit(span, after[len(prefix) : len(after) - len(suffix)])


def _hidden_in_splat(model: SemanticModel, call: ApiCall) -> cst.BaseExpression | None:
    """The `**` mapping a chat or embedding request's model is passed in, where neither a
    `model=` nor the mapping's keys can be seen (`create(**build_request(q))`), else None."""
    if call.endpoint not in ("chat", "embeddings") or not call.migratable or model.model_argument(call) is not None:
        return None
    if model.model_literals(call)[0]:
        return None
    return next((arg.value for arg in call.node.args if arg.star == "**"), None)


def _openai_id_gate(model: SemanticModel, call: ApiCall) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """(model argument, test) where a chat or embeddings call's model, a name or `self.<attr>`,
    must pass a check that stops the program (`assert model in LIMITS`, `if model not in [...]:
    raise`) against a table or list of OpenAI ids only, in its function or, for `self.<attr>`,
    in a method of its class that stores it: moved to Z.AI, the ids the check lets through are
    OpenAI's, which Z.AI rejects, and a GLM id is stopped by the check (gpt-subtitle-translator,
    LLMevaluator). None otherwise."""
    if call.endpoint not in ("chat", "embeddings"):
        return None
    value = model.model_argument(call)
    if value is None or type(value) not in (cst.Name, cst.Attribute):
        return None
    function = _enclosing(model, call.node, cst.FunctionDef)
    if function is None:
        return None
    if type(value) is cst.Name:
        for test in _stopping_tests(function):
            if _tests_openai_ids(model, test, {value.value}, function):
                return value, test
        return None
    attribute = cast(cst.Attribute, value)
    attr = attribute.attr.value
    if type(attribute.value) is not cst.Name or attribute.value.value != "self":
        return None
    klass = _enclosing(model, function, cst.ClassDef)
    if klass is None or type(klass.body) is not cst.IndentedBlock:
        return None
    for method in klass.body.body:
        if type(method) is not cst.FunctionDef:
            continue
        names = {f"self.{attr}"} | _stored_as(method, attr)
        for test in _stopping_tests(method):
            if _tests_openai_ids(model, test, names, method):
                return value, test
    return None


def _enclosing(model: SemanticModel, node: cst.CSTNode, kind: type[cst.CSTNode]) -> Any:
    """The innermost `kind` (a function, a class) around `node`, or None."""
    current = model.parents.get(node)
    while current is not None and type(current) is not kind:
        current = model.parents.get(current)
    return current


def _stored_as(method: cst.FunctionDef, attr: str) -> set[str]:
    """The names a method stores in `self.<attr>` (`self.model = model`)."""
    names: set[str] = set()
    for line in _statements(method.body):
        if type(line) is not cst.SimpleStatementLine:
            continue
        for small in line.body:
            if type(small) is cst.Assign and type(small.value) is cst.Name:
                for target in small.targets:
                    if code_of(target.target) == f"self.{attr}":
                        names.add(small.value.value)
    return names


def _statements(block: cst.BaseSuite) -> Iterator[cst.BaseStatement]:
    """The statements of a block and of the blocks nested in it (not in nested functions)."""
    if type(block) is not cst.IndentedBlock:
        return
    for statement in block.body:
        yield statement
        if type(statement) in (cst.If, cst.For, cst.While, cst.With, cst.Try):
            yield from _statements(cast(Any, statement).body)
            orelse = getattr(statement, "orelse", None)
            while type(orelse) is cst.If:
                yield orelse
                yield from _statements(orelse.body)
                orelse = orelse.orelse
            if type(orelse) is cst.Else:
                yield from _statements(orelse.body)


def _stopping_tests(function: cst.FunctionDef) -> Iterator[cst.BaseExpression]:
    """The tests of the function's `assert`s, and of its `if`s whose body raises (negated, so
    each is what the program needs to go on)."""
    for statement in _statements(function.body):
        if type(statement) is cst.SimpleStatementLine:
            for small in statement.body:
                if type(small) is cst.Assert:
                    yield small.test
        elif type(statement) is cst.If and type(statement.body) is cst.IndentedBlock:
            raises = any(
                type(line) is cst.SimpleStatementLine and any(type(small) is cst.Raise for small in line.body)
                for line in statement.body.body
            )
            if raises:
                yield statement.test


def _tests_openai_ids(
    model: SemanticModel, test: cst.BaseExpression, names: set[str], function: cst.FunctionDef
) -> bool:
    """`test` is `<name> in TABLE` / `<name> not in TABLE` / `not <name> in TABLE` for one of
    `names`, TABLE a dict, list, tuple or set of strings (in view, a name bound to one, or a
    class attribute of the function's class or of a base class in this module) holding OpenAI
    ids the model map knows and no GLM id."""
    if type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
        test = test.expression
    if type(test) is not cst.Comparison or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if type(target.operator) not in (cst.In, cst.NotIn) or code_of(test.left) not in names:
        return False
    table = target.comparator
    if type(table) is cst.Call and type(table.func) is cst.Attribute and table.func.attr.value == "keys":
        table = table.func.value
    scope = model.scope_of(function.body)
    for literal in _table_literals(model, table, function):
        if type(literal) is cst.Call and _lists_sdk_models(model, literal, scope):
            return True  # `get_args(ChatModel)`: the SDK's own list of OpenAI ids
        if type(literal) is cst.Dict:
            keys = [e.key for e in literal.elements if type(e) is cst.DictElement]
        elif type(literal) in (cst.List, cst.Tuple, cst.Set):
            keys = [e.value for e in cast(Any, literal).elements]
        else:
            continue
        values = [string_value(key) for key in keys]
        if not values or any(v is None for v in values):
            continue
        tables = model.tables
        ids = [v for v in values if v is not None]
        if any(tables.is_target("chat", v) or tables.is_target("embeddings", v) for v in ids):
            continue
        if any(tables.match_model(v) is not None for v in ids):
            return True
    return False


def _table_literals(model: SemanticModel, table: cst.BaseExpression, function: cst.FunctionDef) -> list[cst.CSTNode]:
    """The literals `table` may be: itself, a name's values, or `self.<NAME>` / `cls.<NAME>` /
    `<Class>.<NAME>` assigned in the body of the function's class or of its bases in this module."""
    if type(table) in (cst.Dict, cst.List, cst.Tuple, cst.Set, cst.Call):
        return [table]
    if type(table) is cst.Name:
        scope = model.scope_of(function.body)
        return [b.value for b in model.lookup(table.value, scope) if b.value is not None]
    if type(table) is not cst.Attribute or type(table.value) is not cst.Name:
        return []
    klass = _enclosing(model, function, cst.ClassDef)
    if klass is None:
        return []
    classes = {c.name.value: c for c in model.module.body if type(c) is cst.ClassDef}
    found: list[cst.CSTNode] = []
    seen: set[str] = set()
    pending = [klass]
    while pending:
        current = pending.pop()
        if current.name.value in seen:
            continue
        seen.add(current.name.value)
        for line in current.body.body if type(current.body) is cst.IndentedBlock else ():
            if type(line) is not cst.SimpleStatementLine:
                continue
            for small in line.body:
                if type(small) is cst.Assign:
                    targets = [code_of(t.target) for t in small.targets]
                elif type(small) is cst.AnnAssign and small.value is not None:
                    targets = [code_of(small.target)]
                else:
                    continue
                if table.attr.value in targets:
                    found.append(cast(cst.BaseExpression, small.value))
        pending += [
            classes[b.value.value] for b in current.bases if type(b.value) is cst.Name and b.value.value in classes
        ]
    return found


def _lists_sdk_models(model: SemanticModel, call: cst.Call, scope: Any) -> bool:
    """`get_args(ChatModel)` (or `typing.get_args`), `ChatModel` a type of the SDK's listing
    OpenAI's model ids (`[model_types]` of `rules/sdk.toml`)."""
    if len(call.args) != 1 or (dotted_name(call.func) or "").rpartition(".")[2] != "get_args":
        return False
    return bool(model.qualified_names(call.args[0].value, scope) & model.tables.sdk.model_types)
