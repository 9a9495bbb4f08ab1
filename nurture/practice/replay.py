"""What the log keeps from a guided session the browser sends: the engine replays it, and
how it ended, its areas and strokes, and its cue events are read from the replay rather than
trusted from the browser."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nurture.lib.errors import DomainError
from nurture.practice.cues import Cue
from nurture.practice.engine import EndReason, EventKind, OutcomeKind, Session, StepKind
from nurture.practice.models import CueTap, Outcome, StopReason

TAP_TO_CUE = {CueTap.HAPPY: Cue.COMFORTABLE, CueTap.NOT_SURE: Cue.MIXED, CueTap.UPSET: Cue.STRESS}
CUE_TO_TAP = {cue.value: tap.value for tap, cue in TAP_TO_CUE.items()}
STOP_REASONS = {
    EndReason.STRESS: StopReason.STRESS,
    EndReason.NOT_NOW: StopReason.NOT_NOW,
    EndReason.DEFERRED: StopReason.DEFERRED,
    EndReason.PARENT_STOPPED: StopReason.PARENT_STOPPED,
    EndReason.SECOND_MIXED: StopReason.ENDED_EARLY,
}


def recorded_outcome(session: Session) -> tuple[str, str]:
    """(outcome, stop reason) as the log records them; a finished session that paused on
    the way was "paused and resumed". An unfinished session was stopped by the parent."""
    outcome = session.outcome
    if outcome is None:
        return Outcome.STOPPED, StopReason.PARENT_STOPPED
    if outcome.kind is OutcomeKind.COMPLETED:
        paused = any(event.step is StepKind.PAUSE for event in session.events)
        return (Outcome.PAUSED_AND_RESUMED if paused else Outcome.COMPLETED), ""
    assert outcome.reason is not None
    return Outcome.STOPPED, STOP_REASONS[outcome.reason]


def areas_and_strokes(session: Session) -> tuple[list[str], list[str]]:
    """The areas begun and the strokes the baby responded to, in order (strokes may repeat)."""
    areas: list[str] = []
    strokes: list[str] = []
    for event in session.events:
        if event.kind is EventKind.CUE and event.step is StepKind.STROKE and event.stroke:
            strokes.append(event.stroke)
            if event.area and event.area not in areas:
                areas.append(event.area)
    return areas, strokes


def check_cue_events(session: Session, events: Sequence[Any]) -> None:
    """The cue events sent must be the replay's cue events: same numbers, taps and places."""
    expected = [
        (event.seq, CUE_TO_TAP[event.value], event.area or "", event.stroke or "")
        for event in session.events
        if event.kind is EventKind.CUE
    ]
    sent = sorted((e.sequence, e.cue, e.area, e.stroke) for e in events)
    if sent != expected:
        raise DomainError({"events": "The cue events do not match the guided session."})
