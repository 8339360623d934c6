"""Target profiles (`rules/targets.toml`): the GLM model a migration aims at, as frozen facts.

`parse_targets` reads the file (pure; raises TablesError); `Tables.configured` applies a profile
to the tables written for the baseline one. Nothing here imports the rest of the package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

THINKING_MODES = ("dynamic", "forced", "always")
MODEL_THINKING = ("none", *THINKING_MODES)
TIERS = ("chat", "vision", "cheap")
#: OpenAI's reasoning_effort levels (sdk-surfaces.md 1.5), which a profile's `map` must cover
OPENAI_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
#: the `map` value that means "turn thinking off" rather than a level
NO_THINKING = "disabled"

_STRINGS = (
    "released",
    "source_date",
    "chat",
    "vision",
    "cheap",
    "generation",
    "keeps",
    "thinking",
    "responses_base_url",
    "anthropic_base_url",
)
_INTEGERS = ("thinking_floor", "max_tokens", "context")
_NUMBERS = ("temperature", "top_p")
PROFILE_KEYS = frozenset(
    {*_STRINGS, *_INTEGERS, *_NUMBERS, "sources", "thinking_disabled", "tool_stream", "reasoning_effort", "unconfirmed"}
)
MODEL_KEYS = frozenset({"generation", "tier", "thinking", "vision"})


class TargetError(ValueError):
    """A profile or GLM model entry is malformed, or a target name is unknown."""


def generation_key(text: str) -> tuple[int, ...]:
    """`"5.1"` -> (5, 1): generations compare as version numbers."""
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        raise TargetError(f"`{text}` is not a generation such as 4.6 or 5") from None


@dataclass(frozen=True, slots=True)
class ReasoningEffort:
    """The target's own `reasoning_effort` (from GLM-5.2 on)."""

    values: tuple[str, ...]
    default: str
    #: OpenAI's level -> this target's level, or NO_THINKING
    map: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class GlmModel:
    """One GLM chat model (`[glm_models]`)."""

    generation: tuple[int, ...]
    tier: str  #: one of TIERS
    thinking: str  #: one of MODEL_THINKING
    vision: bool = False


@dataclass(frozen=True, slots=True)
class TargetProfile:
    """What one target model takes and does, dated, with the facts not yet confirmed."""

    name: str  #: "glm-5.3"
    released: str
    source_date: str
    sources: tuple[str, ...]
    chat: str
    vision: str
    cheap: str
    generation: tuple[int, ...]
    keeps: tuple[int, ...]
    thinking: str  #: one of THINKING_MODES
    thinking_disabled: bool
    thinking_floor: int
    reasoning_effort: ReasoningEffort | None
    max_tokens: int
    context: int
    tool_stream: bool
    temperature: float
    top_p: float
    responses_base_url: str
    anthropic_base_url: str
    #: profile key -> why its value is a choice rather than a confirmed fact
    unconfirmed: Mapping[str, str]

    @property
    def display(self) -> str:
        """`GLM-5.3`: the model as messages name it."""
        return self.name.upper()

    def tier_id(self, tier: str) -> str:
        """The id of `tier` ("chat", "vision", "cheap") on this target."""
        return {"chat": self.chat, "vision": self.vision, "cheap": self.cheap}[tier]

    @property
    def own_ids(self) -> frozenset[str]:
        return frozenset({self.chat, self.vision, self.cheap})

    @property
    def thinks_always(self) -> bool:
        """Every call thinks, whatever it asks: `thinking` cannot turn it off."""
        return self.thinking == "always" or not self.thinking_disabled

    def facts(self) -> list[tuple[str, str]]:
        """(label, value) rows for --explain and the README, an unconfirmed value marked `(?)`."""
        effort = self.reasoning_effort
        efforts = "not taken (thinking on or off only)"
        if effort is not None:
            efforts = f"{', '.join(effort.values)} (default {effort.default})"
        rows = [
            ("released", self.released, "released"),
            ("source date", self.source_date, "source_date"),
            ("chat id", self.chat, "chat"),
            ("vision id", self.vision, "vision"),
            ("cheap-tier id", self.cheap, "cheap"),
            ("thinking", _THINKING_TEXT[self.thinking], "thinking"),
            ("thinking disabled", "accepted" if self.thinking_disabled else "rejected (HTTP 400)", "thinking_disabled"),
            ("reasoning_effort", efforts, "reasoning_effort"),
            ("max_tokens", f"1-{self.max_tokens}", "max_tokens"),
            ("max_tokens floor", str(self.thinking_floor) if self.thinking_floor else "none", "thinking_floor"),
            ("context", f"{self.context:,} tokens", "context"),
            ("tool_stream", "yes" if self.tool_stream else "no", "tool_stream"),
            ("sampling defaults", f"temperature {self.temperature:g}, top_p {self.top_p:g}", "temperature"),
            ("Responses API", self.responses_base_url or "none known", "responses_base_url"),
            ("Anthropic API", self.anthropic_base_url or "none known", "anthropic_base_url"),
        ]
        return [(label, f"{value} (?)" if key in self.unconfirmed else value) for label, value, key in rows]


_THINKING_TEXT = {
    "dynamic": "the model decides when thinking is enabled",
    "forced": "thinks whenever thinking is enabled (the default)",
    "always": "always on",
}


@dataclass(frozen=True, slots=True)
class Targets:
    """Every profile, the default and baseline names, the aliases and the GLM model lineage."""

    profiles: Mapping[str, TargetProfile]
    default: str
    baseline: str
    aliases: Mapping[str, str]
    models: Mapping[str, GlmModel]
    #: each profile's table as written, for user overrides (`profile`)
    raw_profiles: Mapping[str, Mapping[str, Any]]

    def profile(self, name: str | None, overrides: Mapping[str, Any] | None = None) -> TargetProfile:
        """The profile for a user's `target-model` (None: the default), with `overrides` (keys as
        in targets.toml) over its facts. Raises TargetError on an unknown name or a bad value."""
        resolved = self.resolve(name)
        if not overrides:
            return self.profiles[resolved]
        profile = parse_profile(resolved, {**self.raw_profiles[resolved], **overrides})
        self._check_tiers(profile)
        return profile

    def _check_tiers(self, profile: TargetProfile) -> None:
        for tier in TIERS:
            _check(
                profile.tier_id(tier) in self.models,
                f"profile `{profile.name}`",
                f"`{tier}` must be a `[glm_models]` id",
            )

    def served(self, profile: TargetProfile) -> frozenset[str]:
        """The GLM chat ids that stay as they are under `profile`: its own, and those of its
        `keeps` generation and newer. Older ones move up (`upgrades`)."""
        kept = {model_id for model_id, model in self.models.items() if model.generation >= profile.keeps}
        return frozenset(kept | profile.own_ids)

    def upgrades(self, profile: TargetProfile) -> dict[str, str]:
        """Older GLM chat ids -> the id of the same tier on `profile`."""
        served = self.served(profile)
        return {
            model_id: profile.tier_id(model.tier) for model_id, model in self.models.items() if model_id not in served
        }

    def document(self, profile: TargetProfile) -> str:
        """The profile as Markdown, for `--explain glm-5.3`: its facts, what is unconfirmed, and
        what a migration to it does with older GLM ids."""
        lines = [f"# Target {profile.name}", ""]
        if profile.name == self.default:
            lines += ["The default target.", ""]
        aliases = [alias for alias, name in self.aliases.items() if name == profile.name]
        if aliases:
            lines += [f"Also chosen as: {', '.join(f'`{a}`' for a in aliases)}.", ""]
        lines += ["| fact | value |", "| --- | --- |"]
        lines += [f"| {label} | {value} |" for label, value in profile.facts()]
        effort = profile.reasoning_effort
        if effort is not None:
            mapped = ", ".join(f"{level} → {value}" for level, value in effort.map.items())
            lines += ["", f"OpenAI's `reasoning_effort` levels become: {mapped}."]
        upgrades = self.upgrades(profile)
        if upgrades:
            moved = ", ".join(f"`{old}` → `{new}`" for old, new in upgrades.items())
            lines += ["", f"Older GLM ids move up: {moved}."]
        if profile.unconfirmed:
            lines += ["", "## Unconfirmed (marked (?) above; override with `[tool.glm-migrate.target-profile]`)", ""]
            lines += [f"- `{key}`: {why}" for key, why in profile.unconfirmed.items()]
        lines += ["", "## Sources", ""] + [f"- {source}" for source in profile.sources]
        return "\n".join(lines)

    def markdown_table(self) -> str:
        """Every profile in one Markdown table (the README's "Targets")."""
        head = ["target", "released", "source date", "chat / vision / cheap", "thinking", "disabled thinking"]
        head += ["reasoning_effort", "max_tokens", "context", "Responses API"]
        lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        for profile in self.profiles.values():
            effort = profile.reasoning_effort
            cells = [
                f"`{profile.name}`" + (" (default)" if profile.name == self.default else ""),
                profile.released,
                profile.source_date,
                f"`{profile.chat}` / `{profile.vision}` / `{profile.cheap}`",
                profile.thinking,
                "accepted" if profile.thinking_disabled else "rejected",
                f"{'/'.join(effort.values)} (default {effort.default})" if effort else "—",
                str(profile.max_tokens),
                f"{profile.context:,}",
                profile.responses_base_url or "—",
            ]
            marks = {"thinking": 4, "thinking_disabled": 5, "reasoning_effort": 6, "responses_base_url": 9}
            for key, index in marks.items():
                if key in profile.unconfirmed:
                    cells[index] += " (?)"
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def resolve(self, name: str | None) -> str:
        """The profile name for a user's `target-model` (an id or an alias); raises TargetError."""
        name = self.aliases.get(name, name) if name else self.default
        if name not in self.profiles:
            known = ", ".join([*self.profiles, *self.aliases])
            raise TargetError(f"unknown target model `{name}` (known: {known})")
        return name


def _check(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise TargetError(f"rules/targets.toml: {where}: {message}")


def parse_profile(name: str, raw: Mapping[str, Any]) -> TargetProfile:
    """One `[profiles."<name>"]` table (with any user overrides merged in) as a TargetProfile."""
    where = f"profile `{name}`"
    _check(isinstance(raw, Mapping), where, "must be a table")
    unknown = sorted(set(raw) - PROFILE_KEYS)
    _check(not unknown, where, f"unknown keys: {', '.join(unknown)}")
    missing = sorted(PROFILE_KEYS - {"reasoning_effort", "unconfirmed"} - set(raw))
    _check(not missing, where, f"missing keys: {', '.join(missing)}")
    for key in _STRINGS:
        _check(isinstance(raw[key], str), where, f"`{key}` must be a string")
    for key in _INTEGERS:
        _check(type(raw[key]) is int and raw[key] >= 0, where, f"`{key}` must be a whole number")
    for key in _NUMBERS:
        _check(isinstance(raw[key], int | float) and not isinstance(raw[key], bool), where, f"`{key}` must be a number")
    for key in ("thinking_disabled", "tool_stream"):
        _check(isinstance(raw[key], bool), where, f"`{key}` must be true or false")
    _check(raw["thinking"] in THINKING_MODES, where, f"`thinking` must be one of {', '.join(THINKING_MODES)}")
    _check(raw["max_tokens"] > 0, where, "`max_tokens` must be positive")
    sources = raw["sources"]
    _check(isinstance(sources, list) and all(isinstance(s, str) for s in sources), where, "`sources` is a list")
    unconfirmed = raw.get("unconfirmed", {})
    _check(isinstance(unconfirmed, Mapping), where, "`unconfirmed` must be a table")
    stray = sorted(set(unconfirmed) - PROFILE_KEYS)
    _check(not stray, where, f"`unconfirmed` names unknown keys: {', '.join(stray)}")
    return TargetProfile(
        name=name,
        released=raw["released"],
        source_date=raw["source_date"],
        sources=tuple(sources),
        chat=raw["chat"],
        vision=raw["vision"],
        cheap=raw["cheap"],
        generation=generation_key(raw["generation"]),
        keeps=generation_key(raw["keeps"]),
        thinking=raw["thinking"],
        thinking_disabled=raw["thinking_disabled"],
        thinking_floor=raw["thinking_floor"],
        reasoning_effort=_reasoning_effort(raw.get("reasoning_effort"), where),
        max_tokens=raw["max_tokens"],
        context=raw["context"],
        tool_stream=raw["tool_stream"],
        temperature=float(raw["temperature"]),
        top_p=float(raw["top_p"]),
        responses_base_url=raw["responses_base_url"],
        anthropic_base_url=raw["anthropic_base_url"],
        unconfirmed=MappingProxyType({str(k): str(v) for k, v in unconfirmed.items()}),
    )


def _reasoning_effort(raw: object, where: str) -> ReasoningEffort | None:
    if raw is None:
        return None
    _check(isinstance(raw, Mapping) and set(raw) == {"values", "default", "map"}, where, _EFFORT_SHAPE)
    assert isinstance(raw, Mapping)
    values, default, mapping = raw["values"], raw["default"], raw["map"]
    _check(isinstance(values, list) and bool(values) and all(isinstance(v, str) for v in values), where, _EFFORT_SHAPE)
    _check(default in values, where, "`reasoning_effort.default` must be one of its values")
    _check(isinstance(mapping, Mapping) and set(mapping) == set(OPENAI_EFFORTS), where, _EFFORT_MAP)
    _check(all(v in (*values, NO_THINKING) for v in mapping.values()), where, _EFFORT_MAP)
    return ReasoningEffort(tuple(values), default, MappingProxyType(dict(mapping)))


_EFFORT_SHAPE = "`reasoning_effort` needs `values` (a list), `default` and `map`"
_EFFORT_MAP = f"`reasoning_effort.map` maps each of {', '.join(OPENAI_EFFORTS)} to a value or `{NO_THINKING}`"


def _glm_model(model_id: str, raw: object) -> GlmModel:
    where = f"`[glm_models]` entry `{model_id}`"
    _check(isinstance(raw, Mapping), where, "must be a table")
    assert isinstance(raw, Mapping)
    _check(not set(raw) - MODEL_KEYS, where, f"unknown keys: {', '.join(sorted(set(raw) - MODEL_KEYS))}")
    _check(raw.get("tier") in TIERS, where, f"`tier` must be one of {', '.join(TIERS)}")
    _check(raw.get("thinking") in MODEL_THINKING, where, f"`thinking` must be one of {', '.join(MODEL_THINKING)}")
    _check(isinstance(raw.get("vision", False), bool), where, "`vision` must be true or false")
    _check(isinstance(raw.get("generation"), str), where, '`generation` must be a string such as "4.6"')
    return GlmModel(generation_key(raw["generation"]), raw["tier"], raw["thinking"], raw.get("vision", False))


def parse_targets(raw: Mapping[str, Any]) -> Targets:
    """The parsed targets.toml as Targets. Pure; raises TargetError naming the entry."""
    profiles_raw = raw.get("profiles")
    _check(isinstance(profiles_raw, Mapping) and bool(profiles_raw), "[profiles]", "at least one profile is needed")
    assert isinstance(profiles_raw, Mapping)
    profiles = {name: parse_profile(name, spec) for name, spec in profiles_raw.items()}
    models_raw = raw.get("glm_models")
    _check(isinstance(models_raw, Mapping), "[glm_models]", "must be a table")
    assert isinstance(models_raw, Mapping)
    models = {model_id: _glm_model(model_id, spec) for model_id, spec in models_raw.items()}
    aliases = raw.get("aliases", {})
    _check(isinstance(aliases, Mapping), "aliases", "must be a table of name = profile")
    for key in ("default", "baseline"):
        _check(raw.get(key) in profiles, key, "must name a profile")
    for alias, name in aliases.items():
        _check(name in profiles, f"alias `{alias}`", "must name a profile")
    targets = Targets(
        profiles=MappingProxyType(profiles),
        default=raw["default"],
        baseline=raw["baseline"],
        aliases=MappingProxyType(dict(aliases)),
        models=MappingProxyType(models),
        raw_profiles=MappingProxyType({name: dict(spec) for name, spec in profiles_raw.items()}),
    )
    for profile in profiles.values():
        targets._check_tiers(profile)
    return targets
