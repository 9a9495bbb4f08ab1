"""The guided session: one step at a time, led by the baby (domain.md §4.3). Pure Python.

``FLOW`` is the ordered list of step kinds: the readiness check, a look at the baby, asking
permission, the strokes of each area in turn, then the closing (integration stroke, resting
hands, a cuddle). A pause is a detour from a stroke and back to the same stroke. Each event is
recorded with a sequence number; the session never moves again once it reaches a final step:

* all comfortable, the next stroke; mixed signs, a pause (resting hands) and the same stroke
  again; mixed again, on to the favourite area if not yet begun (then the closing), else the
  closing; any stress sign, stop and tend to the baby, and nothing more is accepted.

``Session.to_dict`` and ``Session.from_dict`` carry a session between the browser and server;
restoring replays the events, so a dict that does not add up is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from nurture.lib.errors import DomainError
from nurture.practice.cues import BabyState, Cue, CueDetails, Permission, effective_cue
from nurture.practice.readiness import Readiness, Verdict


class StepKind(StrEnum):
    READINESS = "readiness"
    BABY_STATE = "baby-state"
    PERMISSION = "permission"
    STROKE = "stroke"
    PAUSE = "pause"
    INTEGRATION = "integration"
    RESTING_HANDS = "resting-hands"
    CUDDLE = "cuddle"
    FINISHED = "finished"
    STOP_AND_TEND = "stop-and-tend"
    NOT_NOW = "not-now"
    DEFERRED = "deferred"
    STOPPED = "stopped"


FLOW: tuple[StepKind, ...] = (
    StepKind.READINESS,
    StepKind.BABY_STATE,
    StepKind.PERMISSION,
    StepKind.STROKE,
    StepKind.INTEGRATION,
    StepKind.RESTING_HANDS,
    StepKind.CUDDLE,
    StepKind.FINISHED,
)


class EventKind(StrEnum):
    READINESS = "readiness"
    BABY_STATE = "baby-state"
    PERMISSION = "permission"
    CUE = "cue"
    NEXT = "next"
    STOP = "stop"


class OutcomeKind(StrEnum):
    COMPLETED = "completed"
    STOPPED = "stopped"
    ENDED_EARLY = "ended-early"


class EndReason(StrEnum):
    STRESS = "stress"
    NOT_NOW = "not-now"
    DEFERRED = "deferred"
    PARENT_STOPPED = "parent-stopped"
    SECOND_MIXED = "second-mixed"


@dataclass(frozen=True)
class Outcome:
    """How a session ended: completed (no reason), stopped, or ended early."""

    reason: EndReason | None = None

    @property
    def kind(self) -> OutcomeKind:
        if self.reason is None:
            return OutcomeKind.COMPLETED
        if self.reason is EndReason.SECOND_MIXED:
            return OutcomeKind.ENDED_EARLY
        return OutcomeKind.STOPPED


class EventRejected(DomainError):
    """An event the current step does not take (the session is unchanged)."""


class SessionOver(EventRejected):
    """Any event after the session has ended, above all after a stress sign."""


@dataclass(frozen=True)
class PlanArea:
    id: str
    strokes: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.id or not self.strokes or not all(self.strokes):
            raise ValueError("An area needs an id and at least one stroke.")


@dataclass(frozen=True)
class Plan:
    """Today's areas in order, each with its stroke ids (a stroke may repeat, as in colic)."""

    areas: tuple[PlanArea, ...]
    favourite: str | None = None
    names: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Display names for area and stroke ids; an id stands for itself when missing."""

    def __post_init__(self) -> None:
        ids = [area.id for area in self.areas]
        if not ids or len(set(ids)) != len(ids):
            raise ValueError("A plan needs at least one area, each listed once.")
        if self.favourite is not None and self.favourite not in ids:
            raise ValueError("The favourite area must be in the plan.")

    def area(self, area_id: str) -> PlanArea:
        return next(area for area in self.areas if area.id == area_id)

    def name(self, id: str) -> str:
        return self.names.get(id, id.replace("-", " "))

    def to_dict(self) -> dict[str, Any]:
        return {
            "areas": [{"id": a.id, "strokes": list(a.strokes)} for a in self.areas],
            "favourite": self.favourite,
            "names": dict(self.names),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        return cls(
            areas=tuple(
                PlanArea(str(a["id"]), tuple(str(s) for s in a["strokes"])) for a in data["areas"]
            ),
            favourite=data.get("favourite"),
            names={str(k): str(v) for k, v in data.get("names", {}).items()},
        )


@dataclass(frozen=True)
class State:
    step: StepKind = StepKind.READINESS
    route: tuple[str, ...] = ()
    """The areas to visit: the plan's, less those readiness leaves out."""
    area: int = 0
    stroke: int = 0
    mixed: bool = False
    """This stroke already had one mixed response (and its pause)."""
    started: tuple[str, ...] = ()
    done: tuple[tuple[str, int], ...] = ()
    """Strokes finished comfortably, as (area id, stroke index)."""
    moved_on: bool = False
    """A second mixed response moved us on: after this area comes the closing."""
    notice: str = ""
    outcome: Outcome | None = None


@dataclass(frozen=True)
class Event:
    seq: int
    kind: EventKind
    step: StepKind
    area: str | None = None
    stroke: str | None = None
    stroke_index: int | None = None
    value: str = ""
    """The answer given: a readiness verdict, a baby state, a permission or the cue tapped."""
    details: CueDetails | None = None
    readiness: Readiness | None = None
    at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "details": self.details.to_dict() if self.details else None,
            "readiness": self.readiness.to_dict() if self.readiness else None,
            "at": self.at.isoformat() if self.at else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        try:
            details, readiness, at = data.get("details"), data.get("readiness"), data.get("at")
            return cls(
                **{
                    **data,
                    "seq": int(data["seq"]),
                    "kind": EventKind(data["kind"]),
                    "step": StepKind(data["step"]),
                    "details": CueDetails.from_dict(details) if details else None,
                    "readiness": Readiness.from_dict(readiness) if readiness else None,
                    "at": datetime.fromisoformat(at) if at else None,
                }
            )
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise EventRejected(f"Not a session event: {error}") from error


@dataclass(frozen=True)
class Step:
    """What to show and say now, and which events the step takes (none once final)."""

    kind: StepKind
    id: str
    text: str
    notice: str = ""
    accepts: frozenset[EventKind] = frozenset()
    area: str | None = None
    stroke: str | None = None
    stroke_index: int | None = None
    attempt: int = 1

    @property
    def final(self) -> bool:
        return not self.accepts


_GENTLE = frozenset({EventKind.NEXT, EventKind.CUE, EventKind.STOP})
ACCEPTS: Mapping[StepKind, frozenset[EventKind]] = {
    StepKind.READINESS: frozenset({EventKind.READINESS, EventKind.STOP}),
    StepKind.BABY_STATE: frozenset({EventKind.BABY_STATE, EventKind.STOP}),
    StepKind.PERMISSION: frozenset({EventKind.PERMISSION, EventKind.STOP}),
    StepKind.STROKE: frozenset({EventKind.CUE, EventKind.STOP}),
    StepKind.PAUSE: _GENTLE,  # outside a stroke, a cue is taken only when it means upset
    StepKind.INTEGRATION: _GENTLE,
    StepKind.RESTING_HANDS: _GENTLE,
    StepKind.CUDDLE: _GENTLE,
}
WORDS: Mapping[StepKind, str] = {
    StepKind.READINESS: "First, a quick check that now is a good time.",
    StepKind.BABY_STATE: "Look at your baby. Are they calm and alert, looking at you?",
    StepKind.PERMISSION: (
        "Rub a little oil between your palms so your baby hears it. Show your open hands and "
        'ask, "Would you like a massage?" Then watch for their answer.'
    ),
    StepKind.STROKE: "Slow and gentle; watch your baby's face.",
    StepKind.PAUSE: (
        "Let's pause. Rest your hands still and warm on your baby, and talk softly. "
        "When they seem settled, try again, slower and gentler."
    ),
    StepKind.INTEGRATION: "To finish, stroke gently from the shoulders down to the toes.",
    StepKind.RESTING_HANDS: "Now rest your hands on your baby and breathe slowly together.",
    StepKind.CUDDLE: "Time for a cuddle. Well done, both of you.",
    StepKind.FINISHED: "All done. Thank you for this time together.",
    StepKind.STOP_AND_TEND: (
        "Stop now and pick your baby up. Comfort them, and feed or change them if they need "
        "it. That's exactly the right thing to do. You can try again another time."
    ),
    StepKind.NOT_NOW: "Not now, and that's fine. Meet your baby's need, and try again later.",
    StepKind.DEFERRED: "Not today. A cuddle, or practising on a teddy, is lovely instead.",
    StepKind.STOPPED: "That's fine. Give your baby a cuddle. You can come back any time.",
}
"""What each step says; a stroke step adds the area and stroke to it."""
FINAL = frozenset(kind for kind in StepKind if kind not in ACCEPTS)
ENDED_EARLY_TEXT = "That's enough for today. Your baby showed you what they needed."


def describe(plan: Plan, state: State) -> Step:
    """The step for a state: its identifier, words and the events it takes."""
    kind, accepts = state.step, ACCEPTS.get(state.step, frozenset())
    text = ENDED_EARLY_TEXT if kind is StepKind.FINISHED and state.moved_on else WORDS[kind]
    if kind not in (StepKind.STROKE, StepKind.PAUSE):
        return Step(kind, kind.value, text, state.notice, accepts)
    area = state.route[state.area]
    stroke = plan.area(area).strokes[state.stroke]
    attempt = 2 if state.mixed and kind is StepKind.STROKE else 1
    if attempt == 2:
        text = f"Let's try {plan.name(stroke)} again, a little slower and softer."
    elif kind is StepKind.STROKE:
        first = "" if state.stroke else f"Rest your hands on the {plan.name(area)}. "
        text = f"{first}Now {plan.name(stroke)}. {text}"
    step_id = f"{kind}:{area}:{state.stroke}"
    return Step(kind, step_id, text, state.notice, accepts, area, stroke, state.stroke, attempt)


def _advance(plan: Plan, s: State) -> State:
    """After a comfortable stroke: the next stroke, the next area, or the closing."""
    if s.stroke + 1 < len(plan.area(s.route[s.area]).strokes):
        return replace(s, step=StepKind.STROKE, stroke=s.stroke + 1, mixed=False, notice="")
    if not s.moved_on and s.area + 1 < len(s.route):
        following = s.route[s.area + 1]
        return replace(
            s, step=StepKind.STROKE, area=s.area + 1, stroke=0, mixed=False,
            started=(*s.started, following), notice="",
        )  # fmt: skip
    return replace(s, step=StepKind.INTEGRATION, mixed=False, notice="")


def _move_on(plan: Plan, s: State) -> State:
    """After a second mixed response: the favourite area if not yet begun, else the closing."""
    favourite = plan.favourite
    if favourite in s.route and favourite not in s.started:
        return replace(
            s, step=StepKind.STROKE, area=s.route.index(favourite), stroke=0, mixed=False,
            started=(*s.started, favourite), moved_on=True,
            notice=f"Let's move on to a favourite: the {plan.name(favourite)}.",
        )  # fmt: skip
    notice = "Let's leave the strokes there and finish gently."
    return replace(s, step=StepKind.INTEGRATION, mixed=False, moved_on=True, notice=notice)


def _end(s: State, step: StepKind, reason: EndReason | None, notice: str = "") -> State:
    return replace(s, step=step, outcome=Outcome(reason), notice=notice)


def _on_readiness(plan: Plan, s: State, event: Event) -> State:
    result = event.readiness
    if result is None or result.verdict.value != event.value:
        raise EventRejected("A readiness event needs the readiness result.")
    if result.verdict is Verdict.DEFER:
        why = " ".join(reason.why for reason in result.reasons)
        return _end(s, StepKind.DEFERRED, EndReason.DEFERRED, why)
    if result.verdict is Verdict.WAIT:
        return replace(s, notice=result.message)
    skip = set(result.skip_areas) if result.verdict is Verdict.GO_SKIPPING_AREAS else set()
    route = tuple(area.id for area in plan.areas if area.id not in skip)
    if not route:
        notice = "Every area in today's plan needs a rest today."
        return _end(s, StepKind.DEFERRED, EndReason.DEFERRED, notice)
    notice = result.message_naming(plan.name) if skip else ""
    return replace(s, step=StepKind.BABY_STATE, route=route, notice=notice)


def _on_baby_state(plan: Plan, s: State, event: Event) -> State:
    state = BabyState(event.value)
    if state is BabyState.QUIET_ALERT:
        return replace(s, step=StepKind.PERMISSION, notice="")
    return replace(s, notice=state.advice)


def _on_permission(plan: Plan, s: State, event: Event) -> State:
    if Permission(event.value) is Permission.DISENGAGED:
        return _end(s, StepKind.NOT_NOW, EndReason.NOT_NOW)
    return replace(s, step=StepKind.STROKE, started=(s.route[0],), notice="")


def _on_cue(plan: Plan, s: State, event: Event) -> State:
    cue = effective_cue(Cue(event.value), event.details)
    if cue is Cue.STRESS:
        reason = event.details.crying_reason if event.details else None
        return _end(s, StepKind.STOP_AND_TEND, EndReason.STRESS, reason.comfort if reason else "")
    if s.step is not StepKind.STROKE:
        raise EventRejected("Only an upset baby changes this step; tap Next to carry on.")
    if cue is Cue.COMFORTABLE:
        return _advance(plan, replace(s, done=(*s.done, (s.route[s.area], s.stroke))))
    if not s.mixed:
        return replace(s, step=StepKind.PAUSE, mixed=True, notice="")
    return _move_on(plan, s)


def _on_next(plan: Plan, s: State, event: Event) -> State:
    if s.step is StepKind.PAUSE:
        return replace(s, step=StepKind.STROKE, notice="")
    following = FLOW[FLOW.index(s.step) + 1]
    if following is not StepKind.FINISHED:
        return replace(s, step=following, notice="")
    return _end(s, following, EndReason.SECOND_MIXED if s.moved_on else None)


def _on_stop(plan: Plan, s: State, event: Event) -> State:
    return _end(s, StepKind.STOPPED, EndReason.PARENT_STOPPED)


_HANDLERS: Mapping[EventKind, Callable[[Plan, State, Event], State]] = {
    EventKind.READINESS: _on_readiness,
    EventKind.BABY_STATE: _on_baby_state,
    EventKind.PERMISSION: _on_permission,
    EventKind.CUE: _on_cue,
    EventKind.NEXT: _on_next,
    EventKind.STOP: _on_stop,
}


@dataclass
class Session:
    """One guided session: the plan, where we are, and every event so far."""

    plan: Plan
    state: State = field(default_factory=State)
    events: list[Event] = field(default_factory=list)

    @property
    def step(self) -> Step:
        return describe(self.plan, self.state)

    @property
    def outcome(self) -> Outcome | None:
        return self.state.outcome

    @property
    def final(self) -> bool:
        return self.state.step in FINAL

    def readiness(self, result: Readiness, at: datetime | None = None) -> Step:
        return self._apply(self._event(EventKind.READINESS, result.verdict, None, result, at))

    def baby_state(self, state: BabyState, at: datetime | None = None) -> Step:
        return self._apply(self._event(EventKind.BABY_STATE, state, None, None, at))

    def permission(self, answer: Permission, at: datetime | None = None) -> Step:
        return self._apply(self._event(EventKind.PERMISSION, answer, None, None, at))

    def cue(self, cue: Cue, details: CueDetails | None = None, at: datetime | None = None) -> Step:
        return self._apply(self._event(EventKind.CUE, cue, details, None, at))

    def next(self, at: datetime | None = None) -> Step:
        return self._apply(self._event(EventKind.NEXT, "", None, None, at))

    def stop(self, at: datetime | None = None) -> Step:
        return self._apply(self._event(EventKind.STOP, "", None, None, at))

    def receive(self, data: Mapping[str, Any]) -> Step:
        """Apply an event sent as a dict (from ``Event.to_dict``); a resent event is a no-op.

        The event must be the next in sequence and name the step the session is on.
        """
        event = Event.from_dict(data)
        if 1 <= event.seq <= len(self.events):
            if self.events[event.seq - 1] != event:
                raise EventRejected(f"Event {event.seq} differs from the one already stored.")
            return self.step
        if event.seq != len(self.events) + 1:
            raise EventRejected(f"Expected event {len(self.events) + 1}, got {event.seq}.")
        if event != self._event(event.kind, event.value, event.details, event.readiness, event.at):
            raise EventRejected(f"Event {event.seq} does not match the session's step.")
        return self._apply(event)

    def _event(
        self,
        kind: EventKind,
        value: str,
        details: CueDetails | None,
        readiness: Readiness | None,
        at: datetime | None,
    ) -> Event:
        """The next event at the current step (cue details and results only where they belong)."""
        step = self.step
        return Event(
            seq=len(self.events) + 1, kind=kind, step=step.kind, area=step.area,
            stroke=step.stroke, stroke_index=step.stroke_index, value=str(value),
            details=details if kind is EventKind.CUE else None,
            readiness=readiness if kind is EventKind.READINESS else None, at=at,
        )  # fmt: skip

    def _apply(self, event: Event) -> Step:
        if self.final:
            raise SessionOver("This session has ended. Start a new one when you are both ready.")
        if event.kind not in ACCEPTS.get(self.state.step, ()):
            raise EventRejected(f"The '{self.state.step}' step does not take '{event.kind}'.")
        try:
            self.state = _HANDLERS[event.kind](self.plan, self.state, event)
        except ValueError as error:
            raise EventRejected(str(error)) from error
        self.events.append(event)
        return self.step

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "plan": self.plan.to_dict(),
            "events": [event.to_dict() for event in self.events],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Session:
        """Rebuild a session by replaying its events, which must follow on one from another."""
        if data.get("version") != 1:
            raise EventRejected("Unknown session format.")
        try:
            session = cls(Plan.from_dict(data["plan"]))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise EventRejected(f"Not a session plan: {error}") from error
        for index, event in enumerate(data.get("events", ()), start=1):
            if not isinstance(event, Mapping) or event.get("seq") != index:
                raise EventRejected(f"Event {index} is missing or out of order.")
            session.receive(event)
        return session
