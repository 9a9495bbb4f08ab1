"""Writing practice sessions (with their cue events) and diary entries.

Each write is one transaction with one audit event, and idempotent by the client's ids: a
phone that syncs the same session or entry twice stores it once. Audit data never holds the
parent's mood or any free text.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from nurture import policy
from nurture.audit.services import record
from nurture.families.models import Baby, Carer
from nurture.lib import time_ranges
from nurture.lib.errors import DomainError
from nurture.lib.idempotent import once_per_client_id
from nurture.practice.cues import Cue, CueDetails, effective_cue
from nurture.practice.engine import EventRejected, Session
from nurture.practice.models import (
    CueEvent,
    CueTap,
    DiaryEntry,
    DiaryKind,
    Outcome,
    PracticeSession,
    StopReason,
)
from nurture.practice.readiness import Readiness
from nurture.practice.replay import (
    TAP_TO_CUE,
    areas_and_strokes,
    check_cue_events,
    recorded_outcome,
)

MAX_EVENTS = 500
DIARY_DAYS_BACK = 31
"""A diary entry may be for today or up to this many days back, never the future."""
ID_TAKEN = "This id cannot be used. Generate a new one."


@dataclass(frozen=True)
class CueEventData:
    id: uuid.UUID
    sequence: int
    step: str
    cue: str
    at: datetime
    area: str = ""
    stroke: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionData:
    id: uuid.UUID
    started_at: datetime
    ended_at: datetime
    outcome: str
    stop_reason: str = ""
    areas: list[str] = field(default_factory=list)
    strokes: list[str] = field(default_factory=list)
    readiness: Mapping[str, Any] | None = None
    notes: str = ""
    events: list[CueEventData] = field(default_factory=list)
    engine: Mapping[str, Any] | None = None
    """The browser's ``engine.Session.to_dict()``, replayed to check the session adds up."""


@dataclass(frozen=True)
class DiaryData:
    id: uuid.UUID
    date: date
    kind: str
    night_sleep_hours: Decimal | None = None
    settling: int | None = None
    tummy: str = ""
    crying_minutes: int | None = None
    feeds: int | None = None
    mood: int | None = None
    note: str = ""


def _carer_of(actor: Any, baby: Baby) -> Carer:
    carer = None
    if policy.can_log_for_baby(actor, baby):
        carer = Carer.objects.filter(user=actor, family_id=baby.family_id).first()
    if carer is None:
        raise DomainError("Only the baby's own carers can log practice and diary entries.")
    return carer


def _details(event: CueEventData, index: int) -> CueDetails | None:
    if not event.details:
        return None
    try:
        return CueDetails.from_dict(event.details)
    except (AttributeError, TypeError, ValueError) as error:
        raise DomainError({f"events.{index}.details": str(error)}) from None


def _cue(tap: str, details: CueDetails | None) -> Cue:
    return effective_cue(TAP_TO_CUE[CueTap(tap)], details)


def _check_events(data: SessionData, stored: list[CueEvent]) -> None:
    """Sequences unique; nothing after a stress cue; a stress cue stops the session."""
    if len(data.events) > MAX_EVENTS:
        raise DomainError({"events": f"A session holds at most {MAX_EVENTS} cue events."})
    seen: dict[int, uuid.UUID] = {event.sequence: event.id for event in stored}
    cues: list[tuple[int, Cue]] = [
        (
            event.sequence,
            _cue(event.cue, CueDetails.from_dict(event.details) if event.details else None),
        )
        for event in stored
    ]
    for index, event in enumerate(data.events):
        if event.cue not in CueTap.values:
            raise DomainError({f"events.{index}.cue": "Choose happy, not_sure or upset."})
        if seen.get(event.sequence, event.id) != event.id:
            raise DomainError({f"events.{index}.sequence": "Two cue events share this number."})
        seen[event.sequence] = event.id
        cues.append(
            (event.sequence, effective_cue(TAP_TO_CUE[CueTap(event.cue)], _details(event, index)))
        )
    stress = [sequence for sequence, cue in cues if cue is Cue.STRESS]
    if stress and any(sequence > min(stress) for sequence, _ in cues):
        raise DomainError(
            {"events": "An upset baby ends the session: no cue can follow a stress sign."}
        )
    if stress and (data.outcome, data.stop_reason) != (Outcome.STOPPED, StopReason.STRESS):
        raise DomainError({"outcome": "A session with a stress sign ends stopped, for stress."})


def _check_session(data: SessionData, *, born: date) -> SessionData:
    """Check a session; with the engine's record, how it ended and its areas and strokes
    come from replaying it (the browser may leave them out)."""
    problems = time_ranges.session_problems(
        data.started_at, data.ended_at, now=timezone.now(), born=born
    )
    if not problems:
        for index, event in enumerate(data.events):
            problem = time_ranges.during_problem(
                event.at, started_at=data.started_at, ended_at=data.ended_at
            )
            if problem:
                problems[f"events.{index}.at"] = problem
                break
    if (data.outcome or data.engine is None) and data.outcome not in Outcome.values:
        problems["outcome"] = "Choose completed, paused_and_resumed or stopped."
    if data.outcome == Outcome.STOPPED and data.stop_reason not in StopReason.values:
        problems["stop_reason"] = "Say why the session stopped."
    if data.outcome != Outcome.STOPPED and data.stop_reason:
        problems["stop_reason"] = "Only a stopped session has a reason."
    if data.readiness is not None:
        try:
            Readiness.from_dict(data.readiness)
        except (AttributeError, KeyError, TypeError, ValueError):
            problems["readiness"] = "Not a readiness result."
    if problems:
        raise DomainError(problems)
    if data.engine is None:
        return data
    try:
        session = Session.from_dict(data.engine)
    except EventRejected as error:
        # A replay that runs on after the session ended is events after a stress sign
        # (or another ending): name the events, as for the cue events themselves.
        raise DomainError({"events": str(error)}) from None
    outcome, stop_reason = recorded_outcome(session)
    if data.outcome and (data.outcome, data.stop_reason) != (outcome, stop_reason):
        raise DomainError({"outcome": "This is not how the guided session ended."})
    check_cue_events(session, data.events)
    areas, strokes = areas_and_strokes(session)
    checked = next((e.readiness for e in session.events if e.readiness is not None), None)
    readiness = data.readiness or (checked.to_dict() if checked else None)
    return replace(
        data,
        outcome=outcome,
        stop_reason=stop_reason,
        areas=areas,
        strokes=strokes,
        readiness=readiness,
    )


def _resent(actor: Any, session: PracticeSession, notes: str) -> PracticeSession:
    """The same session sent again: nothing new, unless a note was added after it was first
    sent (the phone may send a finished session before the parent has typed one)."""
    if notes and notes != session.notes:
        session.notes = notes
        session.save(update_fields=["notes"])
        record(
            actor=actor,
            action="practice_session.note_added",
            target=session,
            provider_id=session.baby.family.provider_id,
            data={"baby": str(session.baby_id)},
        )
    return session


def _update_from(session: PracticeSession, data: SessionData) -> None:
    """A longer record of a session already stored (more cue events): how it ended, and its
    areas and strokes, are what the whole record now says."""
    session.ended_at = max(session.ended_at, data.ended_at)
    session.duration_seconds = int((session.ended_at - session.started_at).total_seconds())
    session.outcome, session.stop_reason = data.outcome, data.stop_reason
    session.areas, session.strokes = list(data.areas), list(data.strokes)
    session.notes = data.notes or session.notes
    session.save()


@once_per_client_id
def session_save(*, actor: Any, baby: Baby, data: SessionData) -> tuple[PracticeSession, bool]:
    """Store a session and its cue events. Returns (session, created).

    Sending the same session id again stores nothing new, except cue events not yet stored
    (each once, by its own id; how the session ended is then what the longer record says) or
    a note added since. A constant number of queries, however many cue events.
    """
    carer = _carer_of(actor, baby)
    existing = PracticeSession.objects.filter(pk=data.id).first()
    if existing is not None and existing.baby_id != baby.pk:
        raise DomainError({"id": ID_TAKEN})
    event_ids = [event.id for event in data.events]
    if len(set(event_ids)) != len(event_ids):
        raise DomainError({"events": "Each cue event needs its own id."})
    known = list(CueEvent.objects.filter(pk__in=event_ids)) if event_ids else []
    for stored_event in known:
        if stored_event.session_id != data.id:
            index = event_ids.index(stored_event.pk)
            raise DomainError({f"events.{index}.id": ID_TAKEN})
    known_ids = {stored_event.pk for stored_event in known}
    new_events = [event for event in data.events if event.id not in known_ids]
    if existing is not None and not new_events:
        return _resent(actor, existing, data.notes), False
    data = _check_session(data, born=baby.date_of_birth)
    if existing is not None:
        stored = list(CueEvent.objects.filter(session_id=data.id))
        _check_events(replace(data, events=new_events), stored)
        _update_from(existing, data)
    else:
        _check_events(data, [])
    session = existing
    if session is None:
        session = PracticeSession.objects.create(
            id=data.id,
            baby=baby,
            carer=carer,
            started_at=data.started_at,
            ended_at=data.ended_at,
            outcome=data.outcome,
            stop_reason=data.stop_reason,
            areas=list(data.areas),
            strokes=list(data.strokes),
            readiness=dict(data.readiness) if data.readiness is not None else None,
            duration_seconds=int((data.ended_at - data.started_at).total_seconds()),
            notes=data.notes,
        )
    CueEvent.objects.bulk_create(
        CueEvent(
            id=event.id,
            session=session,
            sequence=event.sequence,
            step=event.step,
            area=event.area,
            stroke=event.stroke,
            cue=event.cue,
            details=dict(event.details),
            at=event.at,
        )
        for event in new_events
    )
    record(
        actor=actor,
        action="practice_session.saved" if existing is None else "practice_session.events_added",
        target=session,
        provider_id=baby.family.provider_id,
        data={
            "baby": str(baby.pk),
            "outcome": session.outcome,
            "stop_reason": session.stop_reason,
            "cue_events": len(new_events),
        },
    )
    return session, existing is None


_DIARY_FIELDS: Mapping[str, tuple[str, ...]] = {
    DiaryKind.SLEEP: ("night_sleep_hours", "settling"),
    DiaryKind.TUMMY: ("tummy",),
    DiaryKind.CRYING: ("crying_minutes",),
    DiaryKind.FEED: ("feeds",),
    DiaryKind.MOOD: ("mood",),
}
_REQUIRED: Mapping[str, str] = {
    DiaryKind.TUMMY: "tummy",
    DiaryKind.CRYING: "crying_minutes",
    DiaryKind.MOOD: "mood",
}


def _check_diary(data: DiaryData) -> None:
    if data.kind not in DiaryKind.values:
        raise DomainError({"kind": "Choose sleep, tummy, crying, feed or mood."})
    problems: dict[str, str] = {}
    today = timezone.localdate()
    if data.date > today:
        problems["date"] = "Choose today or an earlier day."
    elif data.date < today - timedelta(days=DIARY_DAYS_BACK):
        problems["date"] = f"Choose a day in the last {DIARY_DAYS_BACK} days."
    own = _DIARY_FIELDS[data.kind]
    for name in ("night_sleep_hours", "settling", "tummy", "crying_minutes", "feeds", "mood"):
        value = getattr(data, name)
        if name not in own and value not in (None, ""):
            problems[name] = f"Leave this out of a {data.kind} entry."
    required = _REQUIRED.get(data.kind)
    if required and getattr(data, required) in (None, ""):
        problems[required] = "Fill this in."
    if data.kind == DiaryKind.SLEEP and data.night_sleep_hours is None and data.settling is None:
        problems["night_sleep_hours"] = "Add the hours slept, how settling went, or both."
    if data.night_sleep_hours is not None and not 0 <= data.night_sleep_hours <= 24:
        problems["night_sleep_hours"] = "Choose from 0 to 24 hours."
    for name in ("settling", "mood"):
        value = getattr(data, name)
        if value is not None and not 1 <= value <= 5:
            problems[name] = "Choose from 1 to 5."
    if data.crying_minutes is not None and not 0 <= data.crying_minutes <= 24 * 60:
        problems["crying_minutes"] = "Choose from 0 to 1440 minutes."
    if data.feeds is not None and not 0 <= data.feeds <= 48:
        problems["feeds"] = "Choose from 0 to 48 feeds."
    if problems:
        raise DomainError(problems)


@once_per_client_id
def diary_add(*, actor: Any, baby: Baby, data: DiaryData) -> tuple[DiaryEntry, bool]:
    """Add a diary entry. Returns (entry, created); the same id again stores once."""
    carer = _carer_of(actor, baby)
    existing = DiaryEntry.objects.filter(pk=data.id).first()
    if existing is not None:
        if existing.baby_id != baby.pk:
            raise DomainError({"id": ID_TAKEN})
        return existing, False
    _check_diary(data)
    entry = DiaryEntry.objects.create(baby=baby, carer=carer, **data.__dict__)
    record(
        actor=actor,
        action="diary_entry.added",
        target=entry,
        provider_id=baby.family.provider_id,
        data={"baby": str(baby.pk), "kind": entry.kind, "date": entry.date.isoformat()},
    )
    return entry, True
