"""The Rule base class: metadata on the class, checks as hooks over the semantic model."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import libcst as cst

from glm_migrate.claims import Claims
from glm_migrate.config import Settings
from glm_migrate.diagnostics import Applicability, Severity
from glm_migrate.nodes import LINE_COMMENT
from glm_migrate.semantic import ApiCall, Client, ModuleAttributeAssignment, SemanticModel
from glm_migrate.tables import ModelMatch, Tables

#: the space a line break left inside a bracket of quoted code (`( x )`)
_BRACKET_SPACE = re.compile(r"([(\[{]) | (?=[)\]}])")

NodeEdit = Callable[[Any], cst.CSTNode | cst.FlattenSentinel[Any] | cst.RemovalSentinel]
_CODE = re.compile(r"GLM\d{3}")
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety")


@dataclass(frozen=True)
class Valid:
    """Code this rule must leave alone and not report."""

    code: str
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """Code this rule must report; `expected` is the fixed code (None: report only)."""

    code: str
    expected: str | None = None
    #: the fix is unsafe: without --unsafe-fixes the code must stay as it is
    unsafe: bool = False
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fix:
    """Edits to the tree, each a function from the (already updated) node to its replacement."""

    edits: tuple[tuple[cst.CSTNode, NodeEdit], ...]
    title: str
    #: modules the fixed code needs imported ("os")
    imports: tuple[str, ...] = ()
    #: names the fixed code needs imported from a module: ("openai", "OpenAI")
    from_imports: tuple[tuple[str, str], ...] = ()
    #: names the fix may leave unused: their import goes if nothing refers to them any more
    unused_imports: tuple[tuple[str, str], ...] = ()
    #: module-level constants the fixed code reads, (name, value code): defined after the
    #: imports unless the module already has them
    constants: tuple[tuple[str, str], ...] = ()
    #: None: the rule's APPLICABILITY
    applicability: Applicability | None = None
    #: the fixed code is a new kind of code for the other rules (openai<1 calls turned into v1
    #: calls): the engine runs the rules again over it
    reanalyse: bool = False


@dataclass
class Finding:
    """One rule's finding on a node, before the engine turns it into a `Diagnostic`."""

    rule: type[Rule]
    node: cst.CSTNode
    message: str
    severity: Severity
    applicability: Applicability
    fix: Fix | None
    #: OpenAI shut down the model id this is about (ISO date), before the run
    shut_down: str | None = None
    #: the applicability of the fix the engine withdrew because the call may go through a client
    #: that stays where it is (engine.py `_hold_fixes`): whether the request itself needs it
    withdrawn: Applicability | None = None


# no __eq__/__repr__: one context per module, compared never; each generated method is compiled at start-up (Python 3.11)
@dataclass(eq=False, repr=False)
class RuleContext:
    """What every rule of one run over one module shares."""

    model: SemanticModel
    tables: Tables
    settings: Settings
    #: which rule handles which node (see claims.py)
    claims: Claims
    findings: list[Finding] = field(default_factory=list)
    #: OpenAI's variables the module reads, each with whether this run moves every read
    #: (engine.py `_openai_env_reads`), for the project index
    env_reads: dict[str, bool] = field(default_factory=dict)
    #: those of `env_reads` a finding left to a person keeps read even with --unsafe-fixes
    env_held: tuple[str, ...] = ()
    #: each model id this run's fixes rewrite, with what they make of it (`_model_id_moves`)
    id_moves: dict[str, str] = field(default_factory=dict)
    #: (literal, imported function or class as written, parameter, id) for each OpenAI model id
    #: passed here to another module's model parameter (GLM101); those no applied fix edits
    #: become `ModuleSummary.kept_handed` (engine.py)
    handed_ids: list[tuple[cst.CSTNode, str, str, str]] = field(default_factory=list)
    kept_handed: tuple[tuple[str, str, str], ...] = ()
    #: the module gives the Agents SDK a default client that talks to Z.AI after this run
    #: (engine.py `_agents_default_on_zai`), for the project index
    agents_default: bool = False
    #: module-level names holding (or functions returning) a client whose move waits in this run,
    #: each with why (engine.py): modules importing it hold their calls' fixes the same way
    waiting: dict[str, str] = field(default_factory=dict)
    #: the values of settings a waiting model object reads its key from, each with why: their
    #: safe fixes (GLM009's rename) wait with it (engine.py)
    held_settings: dict[cst.CSTNode, str] = field(default_factory=dict)
    #: safe fixes right only while every client of the module moves (a test of whether OpenAI's
    #: key is set, renamed): they wait with any client that waits (engine.py)
    with_every_client: list[Finding] = field(default_factory=list)
    #: names other modules send as model ids whose ids stay here for a person, with why (summary)
    held_names: dict[str, str] = field(default_factory=dict)
    #: framework model objects (LangChain's `ChatOpenAI`) moving with the key setting they read:
    #: their findings, the values of that setting and the class's name; while another reader of
    #: the setting waits, they wait too (engine.py)
    key_readers: list[tuple[list[Finding], set[cst.CSTNode], str]] = field(default_factory=list)
    #: functions and classes of this module whose requests send a parameter as the model id
    #: through a waiting client, and the imported names such requests send, each with why
    #: (`summary.waiting_sends`): other modules keep those ids in a safe run
    waiting_params: dict[str, str] = field(default_factory=dict)
    #: in a module using an `openai` nothing binds (GLM012): the (rule code, node) of each safe
    #: fix the rules make without taking that name for the SDK; every other fix waits
    unassumed_fixes: frozenset[tuple[str, cst.CSTNode]] = frozenset()
    waiting_sent: list[tuple[str, str, str]] = field(default_factory=list)
    #: clients waiting here passed to other modules' code (`ModuleSummary.waiting_handed`)
    waiting_handed: list[tuple[str, str, int, str]] = field(default_factory=list)
    #: (imported client name as written, resource path) for calls here through another module's
    #: client that Z.AI rejects after a safe run (an argument only an unsafe fix removes) or that
    #: are handed on unseen (`asyncio.to_thread(client.chat.completions.create, ...)`): the
    #: module building it holds its move (`ModuleSummary.held`, engine.py)
    held_imports: list[tuple[str, str]] = field(default_factory=list)
    #: the `openai` module client: moved here by a safe fix, or why its move waits (summary)
    module_client_moves: bool = False
    module_client_waits: str = ""
    #: Agents SDK agents whose requests Z.AI rejects as sent (a forced `tool_choice`, an
    #: `output_type` asking for a `json_schema` response), each with why (GLM010): the client they
    #: run on waits for a person (engine.py)
    agents_rejected: list[tuple[cst.Call, str]] = field(default_factory=list)
    #: why Z.AI rejects agents of this module that run on a client another module gives the SDK
    #: (no model object, set-up call or provider of their own here), reported or not (GLM010):
    #: that module's client waits for them (`ModuleSummary.agents_rejected`)
    default_agents_rejected: list[str] = field(default_factory=list)
    #: agents of this module that run on a client another module gives the SDK, as written
    #: (`ModuleSummary.agents_on_default`)
    default_agents: list[str] = field(default_factory=list)
    #: functions and classes of this module whose parameter a framework model object this run
    #: moves to Z.AI sends as its model (`ChatOpenAI(model=self.model_name)` after `self.model_name
    #: = model_name`), as `ModuleSummary.model_params` lists them: callers' ids move with it
    model_params: dict[str, set[tuple[str, int, str]]] = field(default_factory=dict)
    #: imported values a chat class moved whole to Z.AI sends as its model (`ChatOpenAI(model=
    #: Models.FAST)` after `from app.models import Models`), as `ModuleSummary.sent` lists an SDK
    #: call's: the defining module rewrites their ids with it
    sent_models: set[tuple[str, str, str]] = field(default_factory=set)


class Rule:
    """One migration rule. Subclasses set the metadata and implement some of the `on_*` hooks."""

    CODE: ClassVar[str]
    NAME: ClassVar[str]
    #: one line for --list-rules
    SUMMARY: ClassVar[str]
    #: what the fix does in general; None for report-only rules
    FIX_TITLE: ClassVar[str | None] = None
    APPLICABILITY: ClassVar[Applicability] = Applicability.SAFE
    SEVERITY: ClassVar[Severity] = Severity.ERROR
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()
    #: its fixes replace the model id a request sends: a request that keeps an OpenAI id fails
    #: at Z.AI, so a client moves only as safely as these fixes of its calls (engine.py)
    REWRITES_MODEL_ID: ClassVar[bool] = False
    #: it reports calls Z.AI has no route for: one no safe fix rewrites fails once its client
    #: moves, so that client moves only as safely as the call is fixed (engine.py)
    REPORTS_MISSING_ROUTE: ClassVar[bool] = False
    #: its errors are arguments Z.AI rejects as sent (a forced `tool_choice`, two stop words, `n=`):
    #: a call no safe fix mends fails once its client moves, so the client waits as for a route
    REPORTS_REJECTED_ARGUMENT: ClassVar[bool] = False
    #: its fixes are right wherever the client talks (an openai>=1 response read as a dict fails
    #: at OpenAI too): they apply in a safe run even while the client waits (engine.py)
    FIXES_HOLD_ANYWHERE: ClassVar[bool] = False
    #: its unsafe fix (or error for a person) on a call wrapping a client's construction means
    #: that call fails at Z.AI until dealt with, so the client waits for it (engine.py); False for
    #: a rule whose finding there is about something else (the Agents SDK's trace export)
    HOLDS_WRAPPED_CLIENT: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not _CODE.fullmatch(cls.CODE):
            raise TypeError(f"{cls.__name__}.CODE must look like GLM123, not {cls.CODE!r}")
        if not _NAME.fullmatch(cls.NAME):
            raise TypeError(f"{cls.__name__}.NAME must be kebab-case, not {cls.NAME!r}")
        missing = [s for s in DOC_SECTIONS if s not in (cls.__doc__ or "")]
        if missing:
            raise TypeError(f"{cls.__name__} docstring lacks {', '.join(missing)}")

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self.model = context.model
        self.tables = context.tables
        self.settings = context.settings

    def claim(self, *nodes: cst.CSTNode, fix: Applicability | None = None) -> None:
        """This rule handles these nodes (model-id literals it rewrites or reports; with `fix`,
        arguments its fix of that applicability changes): other rules leave them alone."""
        for node in nodes:
            self.context.claims.claim(node, self.CODE, fix=fix)

    def claimed(self, node: cst.CSTNode) -> bool:
        """Whether a rule (this one included) already handles `node`."""
        return self.context.claims.claimed(node)

    def fixed_in_this_run(self, node: cst.CSTNode) -> bool:
        """Whether a rule's fix that this run applies changes `node`."""
        return self.context.claims.fixed(node)

    @property
    def target_name(self) -> str:
        """The target model as messages name it: `GLM-4.6`, or the `--target-model`'s."""
        return self.tables.target.display

    @property
    def key_env(self) -> str:
        """The environment variable the migrated code reads its key from (`api-key-env`)."""
        return self.settings.api_key_env or self.tables.api_key_env

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
        model: ModelMatch | None = None,
    ) -> Finding:
        """Record (and return) a finding at `node`; with `fix`, the engine applies it when allowed. `model`:
        what the model map says of the id the finding is about, and the message says when
        OpenAI shuts it down."""
        applicability = Applicability.MANUAL
        if fix is not None:
            applicability = fix.applicability or self.APPLICABILITY
        if "\n" in message:
            # code quoted from several lines (`**(\n  {...}\n)`): a message is one line, of the
            # code without its comments (a `noqa` comment after a bracket) and the spaces inside its brackets
            if "#" in message:
                message = LINE_COMMENT.sub("", message)
            message = _BRACKET_SPACE.sub(r"\1", " ".join(message.split()))
        shut_down = None
        if model is not None:
            message += model.shutdown_note(self.settings.as_of)
            shut_down = model.shutdown.isoformat() if model.shutdown and model.shut_down(self.settings.as_of) else None
        finding = Finding(type(self), node, message, severity or self.SEVERITY, applicability, fix, shut_down)
        self.context.findings.append(finding)
        return finding

    # Hooks, called by the engine in this order for every rule that overrides them.
    def on_module_attribute(self, assignment: ModuleAttributeAssignment) -> None:
        """`openai.<attribute> = value` at any level of the module."""

    def on_client(self, client: Client) -> None:
        """A client constructor call (`OpenAI(...)`) or the module-level `openai` client."""

    def on_api_call(self, call: ApiCall) -> None:
        """A call of an SDK resource method (`client.chat.completions.create(...)`)."""

    def on_module_end(self) -> None:
        """After every other hook: for rules that need the whole module."""


def make_unsafe(held: Iterable[tuple[Finding, str]]) -> None:
    """Each safe fix held, unsafe, with why: it applies with --unsafe-fixes, with what it waits for."""
    for finding, why in held:
        if (
            finding.fix is not None
            and finding.applicability is Applicability.SAFE
            and not finding.rule.FIXES_HOLD_ANYWHERE
        ):
            finding.applicability = Applicability.UNSAFE
            finding.message = f"{finding.message} (with --unsafe-fixes: {why})"
