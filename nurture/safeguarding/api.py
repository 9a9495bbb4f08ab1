"""API: safety alerts (list, acknowledge, close), safeguarding concerns, facilitators' flags
and a provider's outcomes settings.

Alerts and concerns go only to the people the policy names; everyone else gets an empty list
or a 404. Facilitators get flags: that an alert or concern exists for a family on their
course, and what to do, never what it is. Every read of an alert or concern is audited.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import AwareDatetime, Field

from nurture import policy
from nurture.accounts.authentication import API_AUTH
from nurture.accounts.models import Provider
from nurture.lib.problems import Problem
from nurture.lib.schemas import Id, person_name
from nurture.outcomes.models import (
    AlertAction,
    AlertOutcome,
    OutcomesSettings,
    SafeguardingConcern,
    SafetyAlert,
    ScheduledInstrument,
)
from nurture.questionnaires import config
from nurture.questionnaires.packs import registry
from nurture.safeguarding import alerts, bodymap, concerns
from nurture.safeguarding import selectors as safeguarding_selectors

router = Router(tags=["alerts and concerns"], auth=API_AUTH)


# --- Alerts -----------------------------------------------------------------------------------


class EscalationOut(Schema):
    level: int
    at: datetime
    notified: list[str]


class AlertOut(Schema):
    id: uuid.UUID
    state: str
    reasons: list[str]
    created_at: datetime
    family_id: uuid.UUID
    carer_name: str
    carer_mobile: str
    carer_email: str
    instrument: str
    instrument_name: str
    point: str
    total: int | None
    band: str
    safety_items: list[int]
    health_visitor: str | None
    duty_clinician: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    actions: list[str]
    action_note: str
    outcome: str
    outcome_note: str
    escalation_level: int
    next_escalation_at: datetime | None
    escalations: list[EscalationOut]
    can_act: bool = Field(description="Whether you may acknowledge and close it.")


def alert_out(user: Any, alert: SafetyAlert) -> dict[str, Any]:
    response = alert.response
    carer = response.carer
    instrument = registry().get(response.instrument_key, response.instrument_version)
    return {
        "id": alert.pk,
        "state": alert.state,
        "reasons": alert.reasons,
        "created_at": alert.created_at,
        "family_id": alert.family_id,
        "carer_name": carer.full_name(),
        "carer_mobile": carer.mobile,
        "carer_email": carer.email,
        "instrument": response.instrument_key,
        "instrument_name": instrument.name if instrument else response.instrument_key,
        "point": response.point,
        "total": response.total,
        "band": response.band,
        "safety_items": response.result.get("safety_items", []),
        "health_visitor": person_name(alert.health_visitor),
        "duty_clinician": person_name(alert.duty_clinician),
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": person_name(alert.acknowledged_by),
        "closed_at": alert.closed_at,
        "closed_by": person_name(alert.closed_by),
        "actions": alert.actions,
        "action_note": alert.action_note,
        "outcome": alert.outcome,
        "outcome_note": alert.outcome_note,
        "escalation_level": alert.escalation_level,
        "next_escalation_at": alert.next_escalation_at,
        "escalations": [
            {
                "level": row.level,
                "at": row.at,
                "notified": [user.display_name() for user in row.notified.all()],
            }
            for row in alert.escalations.all()
        ],
        "can_act": policy.can_act_on_alert(user, alert),
    }


class CloseIn(Schema):
    actions: list[AlertAction] = Field(min_length=1, max_length=len(AlertAction))
    action_note: str = Field(max_length=alerts.NOTE_LIMIT)
    outcome: AlertOutcome
    outcome_note: str = Field(max_length=alerts.NOTE_LIMIT)


@router.get("/alerts", response=list[AlertOut])
def alert_list(request: HttpRequest, include_closed: bool = False) -> Any:
    """Alerts for you: open ones first, oldest first. Empty for anyone the policy excludes."""
    return [
        alert_out(request.user, a)
        for a in safeguarding_selectors.alerts_for(request.user, include_closed=include_closed)
    ]


@router.get("/alerts/{uuid:alert_id}", response={200: AlertOut, 404: Problem})
def alert_get(request: HttpRequest, alert_id: uuid.UUID) -> Any:
    return alert_out(request.user, safeguarding_selectors.alert_detail(request.user, alert_id))


@router.post(
    "/alerts/{uuid:alert_id}/acknowledge",
    response={200: AlertOut, 404: Problem, 409: Problem, 422: Problem},
)
def alert_acknowledge(request: HttpRequest, alert_id: uuid.UUID) -> Any:
    """ "I have this one": stops escalation. Doing it again changes nothing."""
    alert = safeguarding_selectors.alert_detail(request.user, alert_id)
    alerts.acknowledge_alert(actor=request.user, alert=alert)
    return alert_out(request.user, safeguarding_selectors.alert_detail(request.user, alert_id))


@router.post(
    "/alerts/{uuid:alert_id}/close",
    response={200: AlertOut, 404: Problem, 409: Problem, 422: Problem},
)
def alert_close(request: HttpRequest, alert_id: uuid.UUID, payload: CloseIn) -> Any:
    """Close an acknowledged alert with the action taken and the outcome."""
    alert = safeguarding_selectors.alert_detail(request.user, alert_id)
    alerts.close_alert(
        actor=request.user,
        alert=alert,
        actions=[action.value for action in payload.actions],
        action_note=payload.action_note,
        outcome=payload.outcome.value,
        outcome_note=payload.outcome_note,
    )
    return alert_out(request.user, safeguarding_selectors.alert_detail(request.user, alert_id))


# --- Concerns ---------------------------------------------------------------------------------


class RegionOut(Schema):
    code: str
    side: str
    label: str


class ConcernIn(Schema):
    id: uuid.UUID = Field(description="Client-generated id: sending it again stores once.")
    seen: str = Field(max_length=concerns.TEXT_LIMIT)
    seen_at: AwareDatetime | None = None
    regions: list[str] = Field(default=[], max_length=len(bodymap.REGIONS))
    explanation: str = Field(default="", max_length=concerns.TEXT_LIMIT)
    action: str = Field(max_length=concerns.TEXT_LIMIT)
    informed: str = Field(max_length=concerns.TEXT_LIMIT)
    review_on: date
    baby_id: uuid.UUID | None = None
    owner_id: Id | None = None
    facilitator_instruction: str = Field(default="", max_length=concerns.INSTRUCTION_LIMIT)


class ConcernOut(Schema):
    id: uuid.UUID
    family_id: uuid.UUID
    baby_id: uuid.UUID | None
    seen: str
    seen_at: datetime
    regions: list[RegionOut]
    explanation: str
    action: str
    informed: str
    facilitator_instruction: str
    owner: str
    review_on: date
    recorded_by: str
    recorded_at: datetime


def concern_out(concern: SafeguardingConcern) -> dict[str, Any]:
    return {
        "id": concern.pk,
        "family_id": concern.family_id,
        "baby_id": concern.baby_id,
        "seen": concern.seen,
        "seen_at": concern.seen_at,
        "regions": [
            bodymap.BY_CODE[code].__dict__ for code in concern.regions if code in bodymap.BY_CODE
        ],
        "explanation": concern.explanation,
        "action": concern.action,
        "informed": concern.informed,
        "facilitator_instruction": concern.facilitator_instruction,
        "owner": concern.owner.display_name(),
        "review_on": concern.review_on,
        "recorded_by": concern.recorded_by.display_name(),
        "recorded_at": concern.recorded_at,
    }


@router.get("/body-map-regions", response=list[RegionOut])
def body_map(request: HttpRequest) -> Any:
    """The regions a concern can mark, front and back (the baby's own left and right)."""
    return [region.__dict__ for region in bodymap.REGIONS]


@router.get("/families/{uuid:family_id}/concerns", response={200: list[ConcernOut], 404: Problem})
def concern_list(request: HttpRequest, family_id: uuid.UUID) -> Any:
    """The family's safeguarding concerns (health visitors and managers only)."""
    family = safeguarding_selectors.concern_family(request.user, family_id)
    return [
        concern_out(c) for c in safeguarding_selectors.concerns_for_family(request.user, family)
    ]


@router.post(
    "/families/{uuid:family_id}/concerns",
    response={200: ConcernOut, 201: ConcernOut, 404: Problem, 409: Problem, 422: Problem},
)
def concern_create(request: HttpRequest, family_id: uuid.UUID, payload: ConcernIn) -> Status[Any]:
    family = safeguarding_selectors.concern_family(request.user, family_id)
    concern, created = concerns.record_concern(
        actor=request.user, family=family, data=concerns.ConcernData(**payload.model_dump())
    )
    return Status(
        201 if created else 200,
        concern_out(safeguarding_selectors.concern_detail(request.user, concern.pk)),
    )


@router.get("/concerns/{uuid:concern_id}", response={200: ConcernOut, 404: Problem})
def concern_get(request: HttpRequest, concern_id: uuid.UUID) -> Any:
    return concern_out(safeguarding_selectors.concern_detail(request.user, concern_id))


# --- Flags for a course -----------------------------------------------------------------------


class FlagOut(Schema):
    family_id: uuid.UUID
    carer_names: list[str]
    alert: bool = Field(description="An alert is open: speak to the health visitor.")
    concern: bool = Field(description="A safeguarding concern is recorded.")
    what_to_do: str


@router.get("/runs/{uuid:run_id}/flags", response={200: list[FlagOut], 404: Problem})
def run_flags(request: HttpRequest, run_id: uuid.UUID) -> Any:
    """Families on the course with an open alert or a concern, and what to do. Never what it
    is: that is for health visitors and managers."""
    run = safeguarding_selectors.run_for_flags(request.user, run_id)
    return [flag.__dict__ for flag in safeguarding_selectors.flags_for_run(request.user, run)]


# --- A provider's settings --------------------------------------------------------------------


class SettingsIO(Schema):
    duty_clinician_id: Id | None = None
    escalation_hours: int = Field(default=4, ge=1, le=72)
    help_text: str = Field(default="", max_length=2000)
    facilitator_instruction: str = Field(default="", max_length=300)
    post_session: int = Field(default=5, ge=1, le=12)
    follow_up_weeks: int = Field(default=6, ge=1, le=52)


class ScheduleEntry(Schema):
    instrument: str = Field(max_length=40)
    point: str = Field(max_length=12)
    optional: bool = False


class ScheduleIn(Schema):
    entries: list[ScheduleEntry] = Field(max_length=50)


class ThresholdIn(Schema):
    total: int | None = Field(ge=0, le=1000, description="null: use the questionnaire's own.")


def _provider(user: Any, provider_id: Id) -> Provider:
    provider = policy.get_visible_or_404(policy.providers_visible_to(user), pk=provider_id)
    if not policy.can_configure_outcomes(user, provider.pk):
        raise Http404("Not found.")
    return provider


def _settings_out(row: OutcomesSettings) -> dict[str, Any]:
    return {name: getattr(row, name) for name in SettingsIO.model_fields}


@router.get(
    "/providers/{int:provider_id}/outcomes-settings", response={200: SettingsIO, 404: Problem}
)
def settings_get(request: HttpRequest, provider_id: Id) -> Any:
    return _settings_out(OutcomesSettings.for_provider(_provider(request.user, provider_id).pk))


@router.put(
    "/providers/{int:provider_id}/outcomes-settings",
    response={200: SettingsIO, 404: Problem, 422: Problem},
)
def settings_put(request: HttpRequest, provider_id: Id, payload: SettingsIO) -> Any:
    provider = _provider(request.user, provider_id)
    row = config.settings_update(
        actor=request.user, provider=provider, data=config.SettingsData(**payload.model_dump())
    )
    return _settings_out(row)


@router.put(
    "/providers/{int:provider_id}/outcomes-schedule",
    response={200: ScheduleIn, 404: Problem, 422: Problem},
)
def schedule_put(request: HttpRequest, provider_id: Id, payload: ScheduleIn) -> Any:
    """Which questionnaires are given when. An empty list goes back to the default schedule."""
    provider = _provider(request.user, provider_id)
    config.schedule_set(
        actor=request.user,
        provider=provider,
        entries=[(e.instrument, e.point, e.optional) for e in payload.entries],
    )
    rows = ScheduledInstrument.objects.filter(provider=provider)
    return {
        "entries": [
            {"instrument": r.instrument_key, "point": r.point, "optional": r.optional} for r in rows
        ]
    }


@router.put(
    "/providers/{int:provider_id}/referral-thresholds/{key}",
    response={200: ThresholdIn, 404: Problem, 422: Problem},
)
def threshold_put(request: HttpRequest, provider_id: Id, key: str, payload: ThresholdIn) -> Any:
    provider = _provider(request.user, provider_id)
    config.threshold_set(
        actor=request.user, provider=provider, instrument_key=key, total=payload.total
    )
    return {"total": payload.total}
