"""API: practice sessions with cue events, the diary and the readiness check.

Only the baby's own family's carers see and log these; for anyone else the baby is a 404.
Writes carry a client-generated id: sending it again stores once (200 instead of 201).
"""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from nurture.api.auth import API_AUTH
from nurture.api.problems import Problem
from nurture.practice import selectors, services
from nurture.practice.cues import BabyState, CryingReason
from nurture.practice.models import (
    CueEvent,
    CueTap,
    DiaryEntry,
    DiaryKind,
    Outcome,
    PracticeSession,
    StopReason,
    TummyTrouble,
)
from nurture.practice.readiness import Answers, assess

router = Router(tags=["practice"], auth=API_AUTH)


class CueDetailsIn(Schema):
    signs: list[str] = Field(default=[], max_length=30)
    crying_reason: CryingReason | None = None


class CueEventIn(Schema):
    id: uuid.UUID = Field(description="Client-generated id: sending it again stores once.")
    sequence: int = Field(ge=1, le=10_000)
    step: str = Field(min_length=1, max_length=120)
    area: str = Field(default="", max_length=60)
    stroke: str = Field(default="", max_length=60)
    cue: CueTap
    details: CueDetailsIn | None = None
    at: datetime


class SessionIn(Schema):
    id: uuid.UUID = Field(description="Client-generated id: sending it again stores once.")
    started_at: datetime
    ended_at: datetime
    outcome: Outcome
    stop_reason: StopReason | None = None
    areas: list[str] = Field(default=[], max_length=20)
    strokes: list[str] = Field(default=[], max_length=100)
    readiness: dict[str, Any] | None = Field(
        default=None, description="The readiness result (as POST /readiness returns it)."
    )
    notes: str = Field(default="", max_length=2000)
    events: list[CueEventIn] = Field(default=[], max_length=services.MAX_EVENTS)
    engine: dict[str, Any] | None = Field(
        default=None, description="The guided session as the browser's engine saved it."
    )


class CueEventOut(Schema):
    id: uuid.UUID
    sequence: int
    step: str
    area: str
    stroke: str
    cue: str
    details: dict[str, Any]
    at: datetime


class SessionOut(Schema):
    id: uuid.UUID
    baby_id: uuid.UUID
    carer_id: uuid.UUID
    carer_name: str = Field(description="Who logged it.")
    started_at: datetime
    ended_at: datetime
    outcome: str
    stop_reason: str
    areas: list[str]
    strokes: list[str]
    readiness: dict[str, Any] | None
    duration_seconds: int
    notes: str
    created_at: datetime
    events: list[CueEventOut]

    @staticmethod
    def resolve_carer_name(session: PracticeSession) -> str:
        return session.carer.given_name

    @staticmethod
    def resolve_events(session: PracticeSession) -> list[CueEvent]:
        return list(session.cue_events.all())


class DiaryIn(Schema):
    id: uuid.UUID = Field(description="Client-generated id: sending it again stores once.")
    date: date
    kind: DiaryKind
    night_sleep_hours: Decimal | None = Field(default=None, ge=0, le=24, decimal_places=1)
    settling: int | None = Field(default=None, ge=1, le=5)
    tummy: TummyTrouble | None = None
    crying_minutes: int | None = Field(default=None, ge=0, le=1440)
    feeds: int | None = Field(default=None, ge=0, le=48)
    mood: int | None = Field(default=None, ge=1, le=5, description="Five faces, 1 to 5.")
    note: str = Field(default="", max_length=1000)


class DiaryOut(Schema):
    id: uuid.UUID
    baby_id: uuid.UUID
    carer_id: uuid.UUID
    carer_name: str = Field(description="Who logged it.")
    date: date
    kind: str
    night_sleep_hours: Decimal | None
    settling: int | None
    tummy: str
    crying_minutes: int | None
    feeds: int | None
    mood: int | None
    note: str
    created_at: datetime

    @staticmethod
    def resolve_carer_name(entry: DiaryEntry) -> str:
        return entry.carer.given_name


class ReadinessIn(Schema):
    hours_since_immunisation: float | None = Field(default=None, ge=0, le=24 * 365)
    injection_sites: list[str] = Field(default=[], max_length=4)
    unwell: bool = False
    feverish: bool = False
    sore_skin_areas: list[str] = Field(default=[], max_length=10)
    cord_healed: bool = True
    tummy_upset: bool = False
    minutes_since_feed: float | None = Field(default=None, ge=0, le=24 * 60 * 7)
    state: BabyState = BabyState.QUIET_ALERT
    hungry: bool = False


class ReasonOut(Schema):
    rule: str
    action: str
    why: str
    advice: str
    areas: list[str]
    wait_minutes: int | None
    until: str


class ReadinessOut(Schema):
    verdict: str
    message: str
    reasons: list[ReasonOut]
    skip_areas: list[str]
    wait_minutes: int | None
    wait_until: list[str]


def _session_data(payload: SessionIn) -> services.SessionData:
    return services.SessionData(
        id=payload.id,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        outcome=payload.outcome,
        stop_reason=payload.stop_reason or "",
        areas=payload.areas,
        strokes=payload.strokes,
        readiness=payload.readiness,
        notes=payload.notes,
        engine=payload.engine,
        events=[
            services.CueEventData(
                id=event.id,
                sequence=event.sequence,
                step=event.step,
                area=event.area,
                stroke=event.stroke,
                cue=event.cue,
                at=event.at,
                details=(
                    {
                        "signs": event.details.signs,
                        "crying_reason": event.details.crying_reason,
                    }
                    if event.details
                    else {}
                ),
            )
            for event in payload.events
        ],
    )


@router.get("/babies/{uuid:baby_id}/practice-sessions", response=list[SessionOut])
@paginate(LimitOffsetPagination)
def sessions(request: HttpRequest, baby_id: uuid.UUID) -> Any:
    """The baby's practice sessions, latest first, with their cue events and who logged them."""
    baby = selectors.practice_baby(request.user, baby_id)
    return selectors.session_list(request.user, baby)


@router.post(
    "/babies/{uuid:baby_id}/practice-sessions",
    response={200: SessionOut, 201: SessionOut, 404: Problem, 422: Problem},
)
def session_save(request: HttpRequest, baby_id: uuid.UUID, payload: SessionIn) -> Status[Any]:
    """Store a session and its cue events. Resending the same ids stores once."""
    baby = selectors.practice_baby(request.user, baby_id)
    session, created = services.session_save(
        actor=request.user, baby=baby, data=_session_data(payload)
    )
    return Status(201 if created else 200, selectors.session_detail(request.user, session.pk))


@router.get("/practice-sessions/{uuid:session_id}", response={200: SessionOut, 404: Problem})
def session_get(request: HttpRequest, session_id: uuid.UUID) -> Any:
    return selectors.session_detail(request.user, session_id)


@router.get("/babies/{uuid:baby_id}/diary", response=list[DiaryOut])
@paginate(LimitOffsetPagination)
def diary(request: HttpRequest, baby_id: uuid.UUID) -> Any:
    """The baby's diary, latest first; each entry names the carer who logged it."""
    baby = selectors.practice_baby(request.user, baby_id)
    return selectors.diary_list(request.user, baby)


@router.post(
    "/babies/{uuid:baby_id}/diary",
    response={200: DiaryOut, 201: DiaryOut, 404: Problem, 422: Problem},
)
def diary_add(request: HttpRequest, baby_id: uuid.UUID, payload: DiaryIn) -> Status[Any]:
    """Add a diary entry. Resending the same id stores once."""
    baby = selectors.practice_baby(request.user, baby_id)
    values = payload.model_dump()
    values["tummy"] = values["tummy"] or ""
    entry, created = services.diary_add(
        actor=request.user, baby=baby, data=services.DiaryData(**values)
    )
    entry = selectors.diary_list(request.user, baby).get(pk=entry.pk)
    return Status(201 if created else 200, entry)


@router.post("/readiness", response={200: ReadinessOut, 422: Problem})
def readiness(request: HttpRequest, payload: ReadinessIn) -> Any:
    """Is now a good time? Checks the answers against the rules; nothing is stored."""

    def since(amount: float | None, unit: str) -> timedelta | None:
        return None if amount is None else timedelta(**{unit: amount})

    result = assess(
        Answers(
            since_immunisation=since(payload.hours_since_immunisation, "hours"),
            injection_sites=tuple(payload.injection_sites),
            unwell=payload.unwell,
            feverish=payload.feverish,
            sore_skin_areas=tuple(payload.sore_skin_areas),
            cord_healed=payload.cord_healed,
            tummy_upset=payload.tummy_upset,
            since_feed=since(payload.minutes_since_feed, "minutes"),
            state=payload.state,
            hungry=payload.hungry,
        )
    )
    return {**result.to_dict(), "message": result.message}
