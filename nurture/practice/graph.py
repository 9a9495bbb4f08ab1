"""The guided session as a table the browser can walk with no connection. Pure Python.

The engine (``engine.py``) is the one place the decision model lives. Once the readiness
check has fixed today's route, a session can only be in a small number of distinct states,
so we run the engine over every event it could receive and record where each one leads.
The browser follows that table: tap a cue, look up the edge, show the next step. It never
decides anything itself, and the server replays whatever it sends through the engine again.

Edge names: ``baby-state:<state>``, ``permission:<answer>``, ``cue:<cue>`` (the cue the engine
acts on, after any signs), ``cue:stress:<crying reason>``, ``next`` and ``stop``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from nurture.practice.cues import BabyState, CryingReason, Cue, CueDetails, Permission
from nurture.practice.engine import (
    EventKind,
    EventRejected,
    Outcome,
    Session,
    State,
    Step,
    StepKind,
)
from nurture.practice.readiness import Readiness

MAX_NODES = 5_000
"""A plan is at most 20 areas of a few strokes; far fewer nodes than this in practice."""

EventMaker = Callable[[Session], Step]


def _answer(method: str, *args: Any) -> EventMaker:
    def make(session: Session) -> Step:
        step: Step = getattr(session, method)(*args)
        return step

    return make


def _events() -> Iterator[tuple[str, EventKind, EventMaker]]:
    """Every event a session can receive, with its edge name."""
    for state in BabyState:
        yield f"baby-state:{state}", EventKind.BABY_STATE, _answer("baby_state", state)
    for answer in Permission:
        yield f"permission:{answer}", EventKind.PERMISSION, _answer("permission", answer)
    for cue in Cue:
        yield f"cue:{cue}", EventKind.CUE, _answer("cue", cue)
    for reason in CryingReason:
        details = CueDetails(crying_reason=reason)
        yield f"cue:{Cue.STRESS}:{reason}", EventKind.CUE, _answer("cue", Cue.STRESS, details)
    yield "next", EventKind.NEXT, _answer("next")
    yield "stop", EventKind.STOP, _answer("stop")


EVENTS = tuple(_events())


def node_key(session: Session) -> State:
    """The part of the state that decides what comes next and what is shown.

    ``done`` only records history, and ``started`` matters only for whether the favourite
    area has begun, so both are left out; away from the strokes, where we were among them
    no longer matters; a final step shows only its words and how the
    session ended; the tests walk the table against the engine to
    keep this true.
    """
    state = session.state
    if session.final:
        return State(
            step=state.step, moved_on=state.moved_on, notice=state.notice, outcome=state.outcome
        )
    favourite = session.plan.favourite
    started = (favourite,) if favourite is not None and favourite in state.started else ()
    state = replace(state, done=(), started=started)
    if state.step not in (StepKind.STROKE, StepKind.PAUSE):
        state = replace(state, area=0, stroke=0, mixed=False)
    return state


def _step_dict(step: Step) -> dict[str, Any]:
    return {
        "kind": step.kind.value,
        "id": step.id,
        "text": step.text,
        "notice": step.notice,
        "area": step.area,
        "stroke": step.stroke,
        "stroke_index": step.stroke_index,
        "attempt": step.attempt,
        "final": step.final,
    }


def _outcome_dict(outcome: Outcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "kind": outcome.kind.value,
        "reason": outcome.reason.value if outcome.reason else None,
    }


def _copy(session: Session) -> Session:
    return Session(session.plan, session.state, list(session.events))


def compile_session(session: Session) -> dict[str, Any]:
    """The table of every state reachable from this session, and the edges between them."""
    ids: dict[State, str] = {node_key(session): "n0"}
    nodes: dict[str, dict[str, Any]] = {}
    queue = [session]
    while queue:
        current = queue.pop()
        node_id = ids[node_key(current)]
        step = current.step
        edges: dict[str, str] = {}
        for name, kind, make in EVENTS:
            if kind not in step.accepts:
                continue
            following = _copy(current)
            try:
                make(following)
            except EventRejected:
                continue
            key = node_key(following)
            if key not in ids:
                if len(ids) >= MAX_NODES:
                    raise ValueError("This plan is too large to guide.")
                ids[key] = f"n{len(ids)}"
                queue.append(following)
            edges[name] = ids[key]
        nodes[node_id] = {
            "step": _step_dict(step),
            "outcome": _outcome_dict(current.outcome),
            "edges": edges,
        }
    return {"start": "n0", "nodes": nodes}


def start_after_readiness(
    session: Session, readiness: Readiness, at: datetime | None = None
) -> dict[str, Any]:
    """Apply the readiness result, then compile: the browser starts from the step after."""
    session.readiness(readiness, at)
    return compile_session(session)
