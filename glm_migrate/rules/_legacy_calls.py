"""Converting one openai<1 module-API call into its openai>=1 counterpart (GLM303's edits).

sdk-surfaces.md 3.3 lists the mapping; these are the pieces GLM303 plans a conversion with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from glm_migrate.diagnostics import Applicability
from glm_migrate.rules._helpers import code_of
from glm_migrate.rules._responses import Edit, Renames, ResponseReads

#: openai<1 resource -> its openai>=1 path (sdk-surfaces.md 3.3)
V1_PATHS = {
    "ChatCompletion": "chat.completions",
    "Completion": "completions",
    "Embedding": "embeddings",
    "Image": "images",
    "Audio": "audio",
    "Moderation": "moderations",
    "FineTune": "fine_tunes",
    "File": "files",
    "Model": "models",
}
#: openai<1 method -> its openai>=1 method path, where it changed
V1_METHODS = {
    "Image.create": "generate",
    "Image.create_edit": "edit",
    "Audio.transcribe": "transcriptions.create",
    "Audio.translate": "translations.create",
}
#: positional parameters of openai<1 methods that took some (`Audio.transcribe(model, file)`)
POSITIONAL = {"transcribe": ("model", "file"), "translate": ("model", "file")}
#: the arguments each openai>=1 method requires (a call without them raises TypeError)
REQUIRED = {
    "chat.completions.create": ("model", "messages"),
    "embeddings.create": ("model", "input"),
    "images.generate": ("prompt",),
    "audio.transcriptions.create": ("model", "file"),
}
#: openai<1 per-call keywords -> their openai>=1 names
RENAMED_KEYWORDS = {"engine": "model", "request_timeout": "timeout"}
#: per-call connection options a v1 call does not take (0.28's `timeout` was a server wait)
CONNECTION_KEYWORDS = frozenset(
    {"api_key", "api_base", "api_type", "api_version", "organization", "deployment_id", "headers", "timeout"}
)
#: text-completion arguments chat completions have no counterpart for
COMPLETION_ONLY = frozenset({"suffix", "echo", "logprobs", "best_of"})


def v1_arguments(call: cst.Call, positional: tuple[str, ...]) -> list[cst.Arg]:
    """The arguments as openai>=1 keywords: `engine=` renamed `model=`, positional ones named."""
    args = []
    for index, arg in enumerate(call.args):
        if arg.keyword is None:
            arg = arg.with_changes(
                keyword=cst.Name(positional[index]),
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
                ),
            )
        elif arg.keyword.value in RENAMED_KEYWORDS:
            arg = arg.with_changes(keyword=cst.Name(RENAMED_KEYWORDS[arg.keyword.value]))
        args.append(arg)
    return args


def to_v1(func: cst.BaseExpression, positional: tuple[str, ...], call: cst.Call) -> cst.Call:
    return call.with_changes(func=func, args=v1_arguments(call, positional))


def to_chat(func: cst.BaseExpression, call: cst.Call) -> cst.Call:
    """`Completion.create(prompt=p, ...)` -> `chat.completions.create(messages=[user p], ...)`."""
    args = []
    for arg in v1_arguments(call, ()):
        if arg.keyword is not None and arg.keyword.value == "prompt":
            message = cst.parse_expression(f'[{{"role": "user", "content": {code_of(arg.value)}}}]')
            arg = arg.with_changes(keyword=cst.Name("messages"), value=message)
        args.append(arg)
    return call.with_changes(func=func, args=args)


@dataclass
class Plan:
    """What to do about one legacy call: report it, and convert it with `conversion` if set."""

    call: cst.Call
    message: str
    #: the call's own edits (the reads' are added when the plans are grouped); None: report only
    conversion: list[Edit] | None = None
    reads: ResponseReads | None = None
    renames: Renames = field(default_factory=dict)
    title: str = ""
    applicability: Applicability = Applicability.UNSAFE


def groups(plans: list[Plan]) -> list[list[Plan]]:
    """Plans whose calls' responses are read by the same code (a name bound to either), joined."""
    found: list[tuple[set[cst.CSTNode], list[Plan]]] = []
    for plan in plans:
        assert plan.reads is not None
        nodes: set[cst.CSTNode] = {read.node for read in plan.reads.reads} | set(plan.reads.membership_tests)
        joined = [g for g in found if g[0] & nodes]
        for group in joined:
            found.remove(group)
            nodes |= group[0]
        found.append((nodes, [p for g in joined for p in g[1]] + [plan]))
    return [members for _, members in found]


def module_name(call: cst.Call) -> str:
    """The name the call reaches the `openai` module by (`openai`, or its alias)."""
    func = call.func
    assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)
    return code_of(func.value.value)


def conversion_blocker(call: cst.Call, positional: tuple[str, ...]) -> str | None:
    """Why the call cannot become a v1 call by renaming alone, or None."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)):
        return "it is reached through another name"
    for index, arg in enumerate(call.args):
        if arg.star:
            return f"`{arg.star}{code_of(arg.value)}` may hold options openai>=1 takes elsewhere"
        if arg.keyword is None and index >= len(positional):
            return "it has positional arguments"
        if arg.keyword is not None and arg.keyword.value in CONNECTION_KEYWORDS:
            return f"`{arg.keyword.value}=` is a client option in openai>=1 (`client.with_options(...)`)"
    return None


def missing_arguments(call: cst.Call, positional: tuple[str, ...], required: tuple[str, ...]) -> str | None:
    """Why the v1 call would raise TypeError for want of a required argument, or None."""
    given = {a.keyword.value for a in call.args if a.keyword is not None} | set(positional[: len(call.args)])
    given |= {RENAMED_KEYWORDS[name] for name in given if name in RENAMED_KEYWORDS}
    missing = [name for name in required if name not in given]
    return f"openai>=1 requires {', '.join(f'`{n}=`' for n in missing)}" if missing else None


def escape_note(reads: ResponseReads) -> str:
    _, why = reads.escapes[0]
    return f"convert it and the reads of its response by hand: {why}"
