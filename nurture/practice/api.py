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
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field

from nurture.accounts.authentication import API_AUTH
from nurture.lib.errors import DomainError
from nurture.lib.pagination import Pages
from nurture.lib.problems import Problem
from nurture.practice import plans, selectors, services
from nurture.practice.checks import rules_config_for
from nurture.practice.cues import BabyState, CryingReason
from nurture.practice.guide import guide_for
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
from nurture.practice.readiness import Answers, Verdict, assess

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
    at: AwareDatetime


class SessionIn(Schema):
    id: uuid.UUID = Field(description="Client-generated id: sending it again stores once.")
    started_at: AwareDatetime
    ended_at: AwareDatetime
    outcome: Outcome | None = Field(
        default=None, description="Required without `engine`; with it, read from the replay."
    )
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


class PracticeSessionOut(Schema):
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


class CheckAnswersIn(Schema):
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

    def answers(self) -> Answers:
        def since(amount: float | None, unit: str) -> timedelta | None:
            return None if amount is None else timedelta(**{unit: amount})

        return Answers(
            since_immunisation=since(self.hours_since_immunisation, "hours"),
            injection_sites=tuple(self.injection_sites),
            unwell=self.unwell,
            feverish=self.feverish,
            sore_skin_areas=tuple(self.sore_skin_areas),
            cord_healed=self.cord_healed,
            tummy_upset=self.tummy_upset,
            since_feed=since(self.minutes_since_feed, "minutes"),
            state=self.state,
            hungry=self.hungry,
        )


class ReadinessIn(CheckAnswersIn):
    baby_id: uuid.UUID | None = Field(
        default=None, description="Check against the rules of this baby's provider."
    )


class GuideIn(CheckAnswersIn):
    routine: str = Field(
        default=plans.THIS_WEEK, max_length=60, description="One of the choices returned."
    )


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
        outcome=payload.outcome or "",
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


@router.get("/babies/{uuid:baby_id}/practice-sessions", response=list[PracticeSessionOut])
@paginate(Pages)
def sessions(request: HttpRequest, baby_id: uuid.UUID) -> Any:
    """The baby's practice sessions, latest first, with their cue events and who logged them."""
    baby = selectors.practice_baby(request.user, baby_id)
    return selectors.session_list(request.user, baby)


@router.post(
    "/babies/{uuid:baby_id}/practice-sessions",
    response={200: PracticeSessionOut, 201: PracticeSessionOut, 404: Problem, 422: Problem},
)
def session_save(request: HttpRequest, baby_id: uuid.UUID, payload: SessionIn) -> Status[Any]:
    """Store a session and its cue events. Resending the same ids stores once."""
    baby = selectors.practice_baby(request.user, baby_id)
    session, created = services.session_save(
        actor=request.user, baby=baby, data=_session_data(payload)
    )
    return Status(201 if created else 200, selectors.session_detail(request.user, session.pk))


@router.get(
    "/practice-sessions/{uuid:session_id}", response={200: PracticeSessionOut, 404: Problem}
)
def session_get(request: HttpRequest, session_id: uuid.UUID) -> Any:
    return selectors.session_detail(request.user, session_id)


@router.get("/babies/{uuid:baby_id}/diary", response=list[DiaryOut])
@paginate(Pages)
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


@router.post("/readiness", response={200: ReadinessOut, 404: Problem, 422: Problem})
def readiness(request: HttpRequest, payload: ReadinessIn) -> Any:
    """Is now a good time? Checks the answers against the rules; nothing is stored."""
    config = None
    if payload.baby_id is not None:
        baby = selectors.practice_baby(request.user, payload.baby_id)
        config = rules_config_for(baby.family.provider_id)
    result = assess(payload.answers(), config)
    return {**result.to_dict(), "message": result.message}


class ChoiceOut(Schema):
    slug: str
    name: str
    purpose: str
    minutes: int


class GuideOut(Schema):
    readiness: ReadinessOut
    choices: list[ChoiceOut]
    guide: dict[str, Any] | None = Field(
        description=(
            "When the check lets the session go ahead: the engine's starting record (send it "
            "back as `engine` with the events added), the table of steps and answers to walk "
            "(each node's `edges` name the answers it takes), and each stroke's words."
        )
    )


@router.post("/babies/{uuid:baby_id}/guide", response={200: GuideOut, 404: Problem, 422: Problem})
def guide(request: HttpRequest, baby_id: uuid.UUID, payload: GuideIn) -> Any:
    """Check readiness with the provider's rules and, if it is a good time, start a guided
    session of the chosen routine. Nothing is stored until the session is sent."""
    baby = selectors.practice_baby(request.user, baby_id)
    cards = plans.cards_for_family(request.user, baby)
    if cards is None:
        raise DomainError({"routine": "The curriculum has not been loaded yet."})
    result = assess(payload.answers(), rules_config_for(baby.family.provider_id))
    chosen = None
    if result.verdict in (Verdict.GO, Verdict.GO_SKIPPING_AREAS):
        plan = plans.guide_plan(baby, cards, payload.routine)
        if plan is None:
            raise DomainError({"routine": "Choose one of this family's routines."})
        chosen = guide_for(baby, plan, result)
    return {
        "readiness": {**result.to_dict(), "message": result.message},
        "choices": plans.choices(cards),
        "guide": chosen,
    }
