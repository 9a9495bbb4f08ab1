"""Reads for outcomes pages and the API, each already scoped by the access policy.

Reads of clinical records (scores, answers, alerts, concerns) are audited: the selector that
returns them records who looked (hazard H9 and checklist item 24), in one insert however many
rows. Lists make a fixed number of queries, whatever the history behind them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from nurture import policy
from nurture.audit.services import record, record_many
from nurture.courses.models import CourseRun, Enrolment, EnrolmentStatus
from nurture.families.models import Carer, Family
from nurture.outcomes import feedback, schedule
from nurture.outcomes.instruments import Instrument
from nurture.outcomes.models import (
    AlertEscalation,
    AlertState,
    OutcomesSettings,
    Response,
    ResponseStatus,
    SafeguardingConcern,
    SafetyAlert,
)
from nurture.outcomes.packs import registry
from nurture.policy import Person

# --- Instruments and what is due ----------------------------------------------------------------


def instruments() -> list[Instrument]:
    """The latest version of every loaded questionnaire (licensed ones only if installed)."""
    return registry().current()


def instrument(key: str, version: str | None = None) -> Instrument:
    found = registry().latest(key) if version is None else registry().get(key, version)
    if found is None:
        raise Http404("Not found.")
    return found


def due_for_carer(carer: Carer, *, now: datetime | None = None) -> list[schedule.Due]:
    return schedule.due_for_carers([carer], now=now or timezone.now())[carer.pk]


def due_for_family(user: Person, *, now: datetime | None = None) -> list[schedule.Due]:
    """For a parent: what they (their own carer record) can answer now. Each carer answers
    for themselves, so a partner's questionnaires are not listed. Empty for anyone else."""
    carer = Carer.objects.filter(user=user).first() if user.is_authenticated else None
    return due_for_carer(carer, now=now) if carer is not None else []


def carer_for_answering(user: Person, carer_id: Any) -> Carer:
    """A carer this user may fill a questionnaire in for (themselves, or as staff); else 404."""
    carer = policy.get_visible_or_404(
        Carer.objects.select_related("family__health_visitor"), pk=carer_id
    )
    if not policy.can_answer_for(user, carer):
        raise Http404("Not found.")
    return carer


def due_in_family(
    user: Person, family_id: Any, *, now: datetime | None = None
) -> dict[Carer, list[schedule.Due]]:
    """For staff going through questionnaires with a family: what each carer can answer."""
    carers = [
        carer
        for carer in Carer.objects.filter(family_id=family_id).select_related("family")
        if policy.can_answer_for(user, carer)
    ]
    if not carers:
        raise Http404("Not found.")
    due = schedule.due_for_carers(carers, now=now or timezone.now())
    return {carer: due[carer.pk] for carer in carers}


def enrolment_for(carer: Carer, enrolment_id: Any) -> Enrolment | None:
    if enrolment_id is None:
        return None
    return policy.get_visible_or_404(
        Enrolment.objects.filter(referral__family_id=carer.family_id).select_related("referral"),
        pk=enrolment_id,
    )


def draft_for(user: Person, response_id: Any) -> Response:
    """An answer in progress, to resume: for the carer, or the staff going through it."""
    draft = policy.get_visible_or_404(
        Response.objects.filter(status=ResponseStatus.DRAFT).select_related(
            "carer__family", "enrolment"
        ),
        pk=response_id,
    )
    if not policy.can_answer_for(user, draft.carer):
        raise Http404("Not found.")
    return draft


def help_for(family: Family) -> list[str]:
    """Where the family can get help (the provider's contacts, or the defaults)."""
    return feedback.help_lines(family.provider_id, family)


# --- Scores (staff who see the family's results) -------------------------------------------------


@dataclass(frozen=True)
class ScorePoint:
    response_id: uuid.UUID
    carer_id: uuid.UUID
    carer_name: str
    instrument_key: str
    instrument_name: str
    version: str
    point: str
    submitted_at: datetime
    total: int | None
    band: str
    subscales: dict[str, int]
    needs_follow_up: bool
    administered: bool


def clinical_family(user: Person, family_id: Any) -> Family:
    """A family whose results this user may see; anyone else gets a 404."""
    return policy.get_visible_or_404(
        policy.clinical_families_for(user).select_related("health_visitor"), pk=family_id
    )


@transaction.atomic
def score_timeline(user: Person, family: Family) -> list[ScorePoint]:
    """Every submitted response of the family, oldest first, with its stored scores."""
    rows = list(
        policy.responses_visible_to(user)
        .filter(family=family)
        .select_related("carer")
        .order_by("submitted_at", "created_at")
    )
    record(
        actor=user,
        action="outcome_scores.viewed",
        target=family,
        provider_id=family.provider_id,
        data={"responses": len(rows)},
    )
    packs = registry()
    return [
        ScorePoint(
            response_id=row.pk,
            carer_id=row.carer_id,
            carer_name=row.carer.given_name,
            instrument_key=row.instrument_key,
            instrument_name=getattr(
                packs.get(row.instrument_key, row.instrument_version), "name", row.instrument_key
            ),
            version=row.instrument_version,
            point=row.point,
            submitted_at=row.submitted_at or row.created_at,
            total=row.total,
            band=row.band,
            subscales=dict(row.result.get("subscales", {})),
            needs_follow_up=row.needs_follow_up,
            administered=row.administered_by_id is not None,
        )
        for row in rows
    ]


M = TypeVar("M", Response, SafetyAlert, SafeguardingConcern)


@transaction.atomic
def _viewed(user: Person, rows: QuerySet[M], pk: Any, action: str) -> M:
    """One clinical record from an already-scoped queryset, with an audit event for the read."""
    found = policy.get_visible_or_404(rows, pk=pk)
    record(actor=user, action=action, target=found, provider_id=found.provider_id)
    return found


def response_detail(user: Person, response_id: Any) -> Response:
    """One submitted response with its answers and result (audited)."""
    rows = policy.responses_visible_to(user).select_related("carer", "family", "administered_by")
    return _viewed(user, rows, response_id, "outcome_response.viewed")


# --- Alerts ---------------------------------------------------------------------------------------


def _alerts(user: Person) -> QuerySet[SafetyAlert]:
    return (
        policy.alerts_visible_to(user)
        .select_related(
            "family__health_visitor",
            "response__carer",
            "health_visitor",
            "duty_clinician",
            "acknowledged_by",
            "closed_by",
        )
        .prefetch_related(
            Prefetch("escalations", AlertEscalation.objects.prefetch_related("notified"))
        )
    )


@transaction.atomic
def alerts_for(user: Person, *, include_closed: bool = False) -> list[SafetyAlert]:
    """Alerts this user may see, open ones first and oldest first within them (audited)."""
    rows = _alerts(user)
    if not include_closed:
        rows = rows.exclude(state=AlertState.CLOSED)
    alerts = sorted(rows, key=lambda a: (a.state != AlertState.OPEN, a.created_at))
    record_many(actor=user, action="safety_alert.listed", targets=list(alerts))
    return alerts


def open_alert_count(user: Person) -> int:
    """How many alerts wait for acknowledgement (a count, no detail: not audited)."""
    return policy.alerts_visible_to(user).filter(state=AlertState.OPEN).count()


def alert_detail(user: Person, alert_id: Any) -> SafetyAlert:
    return _viewed(user, _alerts(user), alert_id, "safety_alert.viewed")


# --- Concerns -------------------------------------------------------------------------------------


def concern_family(user: Person, family_id: Any) -> Family:
    """A family whose concerns this user may read or add to; anyone else gets a 404."""
    return clinical_family(user, family_id)


@transaction.atomic
def concerns_for_family(user: Person, family: Family) -> list[SafeguardingConcern]:
    rows = list(
        policy.concerns_visible_to(user)
        .filter(family=family)
        .select_related("baby", "owner", "recorded_by")
    )
    record_many(actor=user, action="safeguarding_concern.listed", targets=list(rows))
    return rows


def concern_detail(user: Person, concern_id: Any) -> SafeguardingConcern:
    rows = policy.concerns_visible_to(user).select_related("baby", "owner", "recorded_by")
    return _viewed(user, rows, concern_id, "safeguarding_concern.viewed")


# --- Flags for facilitators: that something exists, and what to do --------------------------------


@dataclass(frozen=True)
class FamilyFlag:
    family_id: uuid.UUID
    carer_names: list[str]
    alert: bool
    concern: bool
    what_to_do: str


def _flags(families: QuerySet[Family], provider_id: int) -> list[FamilyFlag]:
    open_alert = SafetyAlert.objects.filter(family=OuterRef("pk")).exclude(state=AlertState.CLOSED)
    concern = SafeguardingConcern.objects.filter(family=OuterRef("pk"))
    rows = families.annotate(has_alert=Exists(open_alert), has_concern=Exists(concern)).filter(
        Q(has_alert=True) | Q(has_concern=True)
    )
    flagged = {family.pk: family for family in rows}
    if not flagged:
        return []
    instruction = OutcomesSettings.for_provider(provider_id).facilitator_instruction
    own = {
        row["family_id"]: row["facilitator_instruction"]
        for row in SafeguardingConcern.objects.filter(family__in=list(flagged))
        .exclude(facilitator_instruction="")
        .order_by("recorded_at")
        .values("family_id", "facilitator_instruction")
    }
    names: dict[Any, list[str]] = {}
    for carer in Carer.objects.filter(family__in=list(flagged)).order_by("given_name"):
        names.setdefault(carer.family_id, []).append(carer.given_name)
    return [
        FamilyFlag(
            family_id=pk,
            carer_names=names.get(pk, []),
            alert=family.has_alert,
            concern=family.has_concern,
            what_to_do=own.get(pk, instruction),
        )
        for pk, family in sorted(flagged.items(), key=lambda pair: str(pair[0]))
    ]


def run_for_flags(user: Person, run_id: Any) -> CourseRun:
    """A run whose register this user keeps (its facilitators, the provider's managers)."""
    run = policy.get_visible_or_404(policy.runs_visible_to(user), pk=run_id)
    if not policy.can_keep_register(user, run):
        raise Http404("Not found.")
    return run


def flags_for_run(user: Person, run: CourseRun) -> list[FamilyFlag]:
    """Families on the run with an open alert or a concern: only that it exists, and what
    to do; never what it is. A fixed number of queries, however many families."""
    families = Family.objects.filter(
        pk__in=Enrolment.objects.filter(run=run)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values("referral__family_id")
    )
    return _flags(families, run.provider_id)
