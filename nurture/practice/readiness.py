"""Is now a good time for a massage? The check before every session. Pure Python, no Django.

Each contraindication or caution (domain.md §3, §4.1) is a ``Rule``: what it is about, what
it does (defer the session, wait, or leave out an area), and why, in plain words. A provider
may change the numbers and two of the actions through ``RulesConfig``. ``assess`` lists a
reason for every rule that applies; the verdict is the strictest action among them:
defer beats wait, and wait beats leaving out areas (areas to leave out still apply after a wait).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from nurture.practice.cues import BabyState

TUMMY = "tummy"
LEGS = "legs-and-feet"


class Action(StrEnum):
    DEFER = "defer"
    WAIT = "wait"
    SKIP_AREA = "skip-area"


class RuleId(StrEnum):
    IMMUNISATION = "recent-immunisation"
    UNWELL = "unwell"
    FEVER = "fever"
    BROKEN_SKIN = "broken-skin"
    CORD = "cord-not-healed"
    TUMMY_UPSET = "tummy-upset"
    RECENT_FEED = "recent-feed"
    ASLEEP = "asleep"
    DROWSY = "drowsy"
    FUSSY = "fussy"
    CRYING = "crying"
    HUNGRY = "hungry"


@dataclass(frozen=True)
class Rule:
    id: RuleId
    condition: str
    action: Action
    """The default action; ``allowed`` lists what a provider may choose instead."""
    why: str
    allowed: tuple[Action, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        RuleId.IMMUNISATION,
        "An immunisation in the last {hours} hours",
        Action.DEFER,
        "Babies can feel sore and out of sorts for a day or two after their immunisations, "
        "and the place where the injection went in may be tender.",
        allowed=(Action.DEFER, Action.SKIP_AREA),
    ),
    Rule(
        RuleId.UNWELL,
        "Unwell or poorly",
        Action.DEFER,
        "When your baby is poorly their body needs rest, not massage. "
        "If you are worried, talk to your health visitor or GP.",
    ),
    Rule(
        RuleId.FEVER,
        "A high temperature",
        Action.DEFER,
        "A baby with a temperature needs rest and close watching. "
        "If you are worried about your baby's temperature, call your GP or NHS 111.",
    ),
    Rule(
        RuleId.BROKEN_SKIN,
        "Broken skin, a rash or a sore patch",
        Action.SKIP_AREA,
        "Sore or broken skin needs to be left alone to heal, and oil can sting it.",
    ),
    Rule(
        RuleId.CORD,
        "The tummy button has not healed yet",
        Action.SKIP_AREA,
        "The tummy button needs to heal fully before it is massaged.",
    ),
    Rule(
        RuleId.TUMMY_UPSET,
        "Diarrhoea or a tummy upset",
        Action.SKIP_AREA,
        "An upset tummy needs a rest from tummy strokes.",
    ),
    Rule(
        RuleId.RECENT_FEED,
        "Fed less than {minutes} minutes ago",
        Action.WAIT,
        "A full tummy needs time to settle; massage straight after a feed can bring milk back up.",
        allowed=(Action.WAIT, Action.SKIP_AREA),
    ),
    Rule(
        RuleId.ASLEEP,
        "Asleep",
        Action.WAIT,
        "Sleep is precious: never wake a baby for a massage.",
    ),
    Rule(
        RuleId.DROWSY,
        "Drowsy",
        Action.WAIT,
        "A drowsy baby may be drifting off. Massage is best when they are awake and interested.",
    ),
    Rule(
        RuleId.FUSSY,
        "Wriggly or fussy",
        Action.WAIT,
        "A fussy baby is easily overwhelmed. Help them settle first.",
    ),
    Rule(
        RuleId.CRYING,
        "Crying",
        Action.WAIT,
        "Crying is your baby telling you they need something. Comfort them first.",
    ),
    Rule(
        RuleId.HUNGRY,
        "Hungry",
        Action.WAIT,
        "A hungry baby can't enjoy a massage. Feed them first.",
    ),
)

RULES_BY_ID: Mapping[RuleId, Rule] = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class RulesConfig:
    """A provider's settings; the defaults follow domain.md §3."""

    immunisation_hours: int = 48
    immunisation_action: Action = Action.DEFER
    feed_minutes: int = 30
    feed_action: Action = Action.WAIT
    tummy_area: str = TUMMY
    injection_site_area: str = LEGS
    """Left out when immunisation skips an area and the parent did not say where."""

    def __post_init__(self) -> None:
        if not 0 <= self.immunisation_hours <= 24 * 14:
            raise ValueError("The immunisation wait must be between 0 and 336 hours.")
        if not 0 <= self.feed_minutes <= 180:
            raise ValueError("The wait after a feed must be between 0 and 180 minutes.")
        for rule_id, action in (
            (RuleId.IMMUNISATION, self.immunisation_action),
            (RuleId.RECENT_FEED, self.feed_action),
        ):
            if action not in RULES_BY_ID[rule_id].allowed:
                raise ValueError(f"'{action}' is not an action for '{rule_id}'.")

    def action(self, rule: Rule) -> Action:
        if rule.id is RuleId.IMMUNISATION:
            return self.immunisation_action
        if rule.id is RuleId.RECENT_FEED:
            return self.feed_action
        return rule.action

    def condition(self, rule: Rule) -> str:
        return rule.condition.format(hours=self.immunisation_hours, minutes=self.feed_minutes)


@dataclass(frozen=True)
class Answers:
    """What the parent tells us before a session. ``None`` durations mean "not recently"."""

    since_immunisation: timedelta | None = None
    injection_sites: tuple[str, ...] = ()
    unwell: bool = False
    feverish: bool = False
    sore_skin_areas: tuple[str, ...] = ()
    """Areas with broken skin, a rash or a sore patch."""
    cord_healed: bool = True
    tummy_upset: bool = False
    since_feed: timedelta | None = None
    state: BabyState = BabyState.QUIET_ALERT
    hungry: bool = False

    def __post_init__(self) -> None:
        for since in (self.since_immunisation, self.since_feed):
            if since is not None and since < timedelta(0):
                raise ValueError("A time since cannot be in the future.")


class Verdict(StrEnum):
    GO = "go"
    GO_SKIPPING_AREAS = "go-skipping-areas"
    WAIT = "wait"
    DEFER = "defer"


@dataclass(frozen=True)
class Reason:
    rule: RuleId
    action: Action
    why: str
    advice: str
    areas: tuple[str, ...] = ()
    wait_minutes: int | None = None
    until: str = ""

    @property
    def text(self) -> str:
        return f"{self.why} {self.advice}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "action": self.action.value,
            "why": self.why,
            "advice": self.advice,
            "areas": list(self.areas),
            "wait_minutes": self.wait_minutes,
            "until": self.until,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        minutes = data.get("wait_minutes")
        return cls(
            rule=RuleId(data["rule"]),
            action=Action(data["action"]),
            why=str(data["why"]),
            advice=str(data["advice"]),
            areas=tuple(str(area) for area in data.get("areas", ())),
            wait_minutes=int(minutes) if minutes is not None else None,
            until=str(data.get("until", "")),
        )


DEFER_SUGGESTION = (
    "Massage can wait for another day. A cuddle, resting your hands gently on your baby, "
    "or practising the strokes on a teddy are all lovely instead."
)


@dataclass(frozen=True)
class Readiness:
    verdict: Verdict
    reasons: tuple[Reason, ...] = ()
    """One for every rule that applies, in the order of ``RULES``."""
    skip_areas: tuple[str, ...] = ()
    """Areas to leave out today (they also apply once a wait is over)."""
    wait_minutes: int | None = None
    """For a wait on the clock: the longest such wait."""
    wait_until: tuple[str, ...] = ()
    """For a wait on the baby: what to wait for, in plain words."""
    since_feed_minutes: int | None = None
    """The parent's answer, kept with the session: minutes since the last feed (None: more
    than an hour ago). The parent's insights compare sessions by it."""

    @property
    def message(self) -> str:
        """A short headline for the parent."""
        return self.message_naming(lambda area: area)

    def message_naming(self, name: Callable[[str], str]) -> str:
        """The headline, with areas called by ``name`` (an area id gives its display name)."""
        if self.verdict is Verdict.DEFER:
            return f"Not today. {DEFER_SUGGESTION}"
        if self.verdict is Verdict.WAIT:
            waits = [f"{self.wait_minutes} minutes"] if self.wait_minutes else []
            waits += [f"until your baby is {until}" for until in self.wait_until]
            return f"Let's wait {' and '.join(waits)}."
        if self.verdict is Verdict.GO_SKIPPING_AREAS:
            skipped = ", ".join(name(area) for area in self.skip_areas)
            return f"Ready when you are. Today we'll leave out: {skipped}."
        return "Ready when you are."

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "skip_areas": list(self.skip_areas),
            "wait_minutes": self.wait_minutes,
            "wait_until": list(self.wait_until),
            "since_feed_minutes": self.since_feed_minutes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Readiness:
        minutes = data.get("wait_minutes")
        fed = data.get("since_feed_minutes")
        return cls(
            since_feed_minutes=int(fed) if fed is not None else None,
            verdict=Verdict(data["verdict"]),
            reasons=tuple(Reason.from_dict(reason) for reason in data.get("reasons", ())),
            skip_areas=tuple(str(area) for area in data.get("skip_areas", ())),
            wait_minutes=int(minutes) if minutes is not None else None,
            wait_until=tuple(str(until) for until in data.get("wait_until", ())),
        )


@dataclass(frozen=True)
class _Hit:
    areas: tuple[str, ...] = ()
    wait_minutes: int | None = None
    until: str = ""


def _check(rule: Rule, answers: Answers, config: RulesConfig) -> _Hit | None:
    """Whether a rule applies, and with what areas, minutes or state to wait for."""
    match rule.id:
        case RuleId.IMMUNISATION:
            since = answers.since_immunisation
            if since is None or since >= timedelta(hours=config.immunisation_hours):
                return None
            return _Hit(areas=answers.injection_sites or (config.injection_site_area,))
        case RuleId.UNWELL:
            return _Hit() if answers.unwell else None
        case RuleId.FEVER:
            return _Hit() if answers.feverish else None
        case RuleId.BROKEN_SKIN:
            return _Hit(areas=answers.sore_skin_areas) if answers.sore_skin_areas else None
        case RuleId.CORD:
            return None if answers.cord_healed else _Hit(areas=(config.tummy_area,))
        case RuleId.TUMMY_UPSET:
            return _Hit(areas=(config.tummy_area,)) if answers.tummy_upset else None
        case RuleId.RECENT_FEED:
            since = answers.since_feed
            left = timedelta(minutes=config.feed_minutes) - since if since is not None else None
            if left is None or left <= timedelta(0):
                return None
            minutes = math.ceil(left.total_seconds() / 60)
            return _Hit(areas=(config.tummy_area,), wait_minutes=minutes)
        case RuleId.ASLEEP:
            return _Hit(until="awake") if answers.state.asleep else None
        case RuleId.DROWSY:
            return _Hit(until="wide awake") if answers.state is BabyState.DROWSY else None
        case RuleId.FUSSY:
            return _Hit(until="settled") if answers.state is BabyState.ACTIVE_ALERT else None
        case RuleId.CRYING:
            return _Hit(until="comforted") if answers.state is BabyState.CRYING else None
        case RuleId.HUNGRY:
            return _Hit(until="fed and settled") if answers.hungry else None
    raise AssertionError(f"No check for rule {rule.id}")  # pragma: no cover


def _advice(action: Action, hit: _Hit) -> str:
    if action is Action.DEFER:
        return "Let's leave massage for today."
    if action is Action.SKIP_AREA:
        return f"We'll leave out the {_and(hit.areas)} today."
    if hit.wait_minutes is not None:
        return f"Let's wait about {hit.wait_minutes} more minutes."
    return f"Let's wait until your baby is {hit.until}."


def _and(words: tuple[str, ...]) -> str:
    names = [word.replace("-", " ") for word in words]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def assess(answers: Answers, config: RulesConfig | None = None) -> Readiness:
    """Check every rule; the verdict is the strictest action among those that apply."""
    config = config or RulesConfig()
    reasons: list[Reason] = []
    for rule in RULES:
        action = config.action(rule)
        hit = _check(rule, answers, config)
        if hit is None:
            continue
        reasons.append(
            Reason(
                rule=rule.id,
                action=action,
                why=rule.why,
                advice=_advice(action, hit),
                areas=hit.areas if action is Action.SKIP_AREA else (),
                wait_minutes=hit.wait_minutes if action is Action.WAIT else None,
                until=hit.until if action is Action.WAIT else "",
            )
        )
    actions = {reason.action for reason in reasons}
    skip = _unique([area for reason in reasons for area in reason.areas])
    if Action.DEFER in actions:
        verdict = Verdict.DEFER
    elif Action.WAIT in actions:
        verdict = Verdict.WAIT
    elif skip:
        verdict = Verdict.GO_SKIPPING_AREAS
    else:
        verdict = Verdict.GO
    minutes = [reason.wait_minutes for reason in reasons if reason.wait_minutes is not None]
    return Readiness(
        verdict=verdict,
        reasons=tuple(reasons),
        skip_areas=skip,
        wait_minutes=max(minutes) if minutes else None,
        wait_until=_unique([reason.until for reason in reasons if reason.until]),
        since_feed_minutes=(
            None if answers.since_feed is None else int(answers.since_feed.total_seconds() // 60)
        ),
    )


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    label: str
    why: str


SETTING_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "warm",
        "The room is warm and free of draughts",
        "Babies lose heat quickly when they are undressed.",
    ),
    ChecklistItem(
        "quiet",
        "It's quiet, with the TV off",
        "A calm room helps your baby stay calm and notice you.",
    ),
    ChecklistItem(
        "oil",
        "Unscented vegetable oil, patch-tested first (no nut oils)",
        "Scented and nut oils can irritate skin or set off allergies; try a dab on a small "
        "patch of skin first.",
    ),
    ChecklistItem(
        "towel",
        "A towel or blanket on the floor",
        "The floor is the safest place: nowhere to roll off.",
    ),
    ChecklistItem(
        "phone",
        "Your phone on silent",
        "So nothing interrupts this time together.",
    ),
)
