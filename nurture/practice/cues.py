"""The words for what a baby shows us: behavioural states, cues, signs and crying reasons.

Pure Python, no Django. The parent taps one cue ("Happy", "Not sure", "Upset") and may add
details: the signs they saw and, for crying, what they think the baby needed. Signs follow
Barnard's engagement and disengagement cues (domain.md §4.2) in our own plain words:
comfortable signs never raise the cue; a subtle stress sign makes it at least "Not sure";
a strong stress sign, or any crying, makes it "Upset" (stop and tend).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class BabyState(StrEnum):
    """The six behavioural states (Brazelton); only calm and alert is right for massage."""

    DEEP_SLEEP = "deep-sleep"
    LIGHT_SLEEP = "light-sleep"
    DROWSY = "drowsy"
    QUIET_ALERT = "quiet-alert"
    ACTIVE_ALERT = "active-alert"
    CRYING = "crying"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def asleep(self) -> bool:
        return self in (BabyState.DEEP_SLEEP, BabyState.LIGHT_SLEEP)

    @property
    def advice(self) -> str:
        """What to do when the baby is in this state and a massage is on offer."""
        return _STATE_ADVICE[self]


_STATE_LABELS = {
    BabyState.DEEP_SLEEP: "Fast asleep",
    BabyState.LIGHT_SLEEP: "Lightly asleep, twitching or stirring",
    BabyState.DROWSY: "Drowsy, eyes opening and closing",
    BabyState.QUIET_ALERT: "Calm and alert, looking at you",
    BabyState.ACTIVE_ALERT: "Wriggly or fussy",
    BabyState.CRYING: "Crying",
}
_STATE_ADVICE = {
    BabyState.DEEP_SLEEP: "Let them sleep. Try again when they wake.",
    BabyState.LIGHT_SLEEP: "Let them sleep. Try again when they wake.",
    BabyState.DROWSY: "They may be drifting off. Wait until they are wide awake.",
    BabyState.QUIET_ALERT: "A lovely time to ask if they would like a massage.",
    BabyState.ACTIVE_ALERT: "They seem unsettled. Help them settle, then look again.",
    BabyState.CRYING: "Comfort your baby first, then look again.",
}


class Permission(StrEnum):
    """The baby's answer when asked "Would you like a massage?"."""

    ENGAGED = "engaged"
    DISENGAGED = "disengaged"

    @property
    def label(self) -> str:
        return "Yes, looks interested" if self is Permission.ENGAGED else "Not now"


class Cue(StrEnum):
    """The one tap: how the baby seems right now. Members are in order of concern."""

    COMFORTABLE = "comfortable"
    MIXED = "mixed"
    STRESS = "stress"

    @property
    def label(self) -> str:
        return _CUE_LABELS[self]

    @property
    def level(self) -> int:
        return _CUE_ORDER.index(self)


_CUE_ORDER = (Cue.COMFORTABLE, Cue.MIXED, Cue.STRESS)
_CUE_LABELS = {Cue.COMFORTABLE: "Happy", Cue.MIXED: "Not sure", Cue.STRESS: "Upset"}


class SignKind(StrEnum):
    COMFORTABLE = "comfortable"
    STRESS = "stress"


@dataclass(frozen=True)
class Sign:
    id: str
    label: str
    kind: SignKind
    strong: bool = False
    """For stress signs: a strong (potent) sign means stop; a subtle one means pause."""

    @property
    def cue(self) -> Cue:
        """The least concerned cue that fits a baby showing this sign."""
        if self.kind is SignKind.COMFORTABLE:
            return Cue.COMFORTABLE
        return Cue.STRESS if self.strong else Cue.MIXED


def _comfortable(id: str, label: str) -> Sign:
    return Sign(id, label, SignKind.COMFORTABLE)


def _stress(id: str, label: str, *, strong: bool) -> Sign:
    return Sign(id, label, SignKind.STRESS, strong)


COMFORTABLE_SIGNS: tuple[Sign, ...] = (
    _comfortable("smiling", "Smiling"),
    _comfortable("happy-sounds", "Cooing or happy sounds"),
    _comfortable("looking-at-you", "Looking at your face"),
    _comfortable("bright-eyes", "Bright, wide-open eyes"),
    _comfortable("reaching", "Reaching towards you"),
    _comfortable("still-and-calm", "Going still and calm"),
    _comfortable("smooth-movements", "Smooth, easy movements"),
    _comfortable("open-hands", "Soft, open hands"),
    _comfortable("easy-breathing", "Slow, easy breathing"),
    _comfortable("rosy-skin", "Warm, rosy skin"),
    _comfortable("enjoying-stretches", "Enjoying a stretch"),
    _comfortable("sucking-or-holding", "Sucking, or holding hands and feet"),
)

STRESS_SIGNS: tuple[Sign, ...] = (
    _stress("looking-away", "Looking away from you", strong=False),
    _stress("yawning", "Yawning", strong=False),
    _stress("frowning", "Frowning or grimacing", strong=False),
    _stress("hiccups", "Hiccups", strong=False),
    _stress("jerky-movements", "Jerky or jittery movements", strong=False),
    _stress("tight-fists", "Tight fists", strong=False),
    _stress("rubbing-eyes", "Rubbing their eyes", strong=False),
    _stress("colour-change", "Going red or pale", strong=False),
    _stress("restless", "Restless, can't settle or focus", strong=False),
    _stress("crying", "Crying or fussing", strong=True),
    _stress("arching", "Arching their back", strong=True),
    _stress("pushing-away", "Pulling or pushing away", strong=True),
    _stress("thrashing", "Squirming or thrashing", strong=True),
    _stress("spitting-up", "Spitting up or gagging", strong=True),
    _stress("falling-asleep", "Falling asleep", strong=True),
)

SIGNS: Mapping[str, Sign] = {sign.id: sign for sign in COMFORTABLE_SIGNS + STRESS_SIGNS}


class CryingReason(StrEnum):
    HUNGRY = "hungry"
    PAIN = "pain"
    SAD = "sad"
    TIRED = "tired"
    FRIGHTENED = "frightened"

    @property
    def label(self) -> str:
        return _CRYING_LABELS[self]

    @property
    def comfort(self) -> str:
        """A gentle suggestion for meeting this need."""
        return _CRYING_COMFORT[self]


_CRYING_LABELS = {
    CryingReason.HUNGRY: "Hungry",
    CryingReason.PAIN: "In pain or uncomfortable",
    CryingReason.SAD: "Sad, wanting to be held",
    CryingReason.TIRED: "Tired",
    CryingReason.FRIGHTENED: "Frightened or startled",
}

_CRYING_COMFORT = {
    CryingReason.HUNGRY: "Your baby may be hungry: offer a feed.",
    CryingReason.PAIN: "Hold them close and check for wind or anything uncomfortable.",
    CryingReason.SAD: "Hold them close and talk softly; your closeness is what they need.",
    CryingReason.TIRED: "Your baby may be tired: a quiet cuddle may help them drift off.",
    CryingReason.FRIGHTENED: "Hold them close and calm, and let them hear your voice.",
}


@dataclass(frozen=True)
class CueDetails:
    """The optional details a parent adds to a tap: signs seen and a reason for crying."""

    signs: tuple[str, ...] = ()
    crying_reason: CryingReason | None = None

    def __post_init__(self) -> None:
        unknown = [sign for sign in self.signs if sign not in SIGNS]
        if unknown:
            raise ValueError(f"Unknown sign: {', '.join(unknown)}.")
        if len(set(self.signs)) != len(self.signs):
            raise ValueError("A sign is listed twice.")

    @property
    def cue(self) -> Cue:
        """The most concerned cue these details point to (crying of any kind means upset)."""
        if self.crying_reason is not None:
            return Cue.STRESS
        return strongest(SIGNS[sign].cue for sign in self.signs)

    def to_dict(self) -> dict[str, Any]:
        reason = self.crying_reason.value if self.crying_reason else None
        return {"signs": list(self.signs), "crying_reason": reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CueDetails:
        reason = data.get("crying_reason")
        return cls(
            signs=tuple(str(sign) for sign in data.get("signs", ())),
            crying_reason=CryingReason(reason) if reason is not None else None,
        )


def strongest(cues: Iterable[Cue]) -> Cue:
    """The most concerned of some cues; comfortable when there are none."""
    return max(cues, key=lambda cue: cue.level, default=Cue.COMFORTABLE)


def effective_cue(tapped: Cue, details: CueDetails | None) -> Cue:
    """What the engine acts on: the tap, raised by any more worrying detail, never lowered."""
    return strongest((tapped, details.cue)) if details is not None else tapped
