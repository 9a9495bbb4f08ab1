"""Reads of the clinical record: safety alerts, safeguarding concerns, and which families on
a course have either. Each is already scoped by the access policy, and reads of records are
audited: the selector that returns them records who looked (hazard H9 and checklist item
24), in one insert however many rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from nurture import policy
from nurture.audit.services import record, record_many, record_read
from nurture.courses.models import CourseRun, Enrolment, EnrolmentStatus
from nurture.families.models import Carer, Family
from nurture.outcomes.models import (
    AlertEscalation,
    AlertState,
    OutcomesSettings,
    Response,
    SafeguardingConcern,
    SafetyAlert,
)
from nurture.policy import Person


def clinical_family(user: Person, family_id: Any) -> Family:
    """A family whose results this user may see; anyone else gets a 404."""
    return policy.get_visible_or_404(
        policy.clinical_families_for(user).select_related("health_visitor"), pk=family_id
    )


M = TypeVar("M", Response, SafetyAlert, SafeguardingConcern)


@transaction.atomic
def viewed_record(user: Person, rows: QuerySet[M], pk: Any, action: str) -> M:
    """One clinical record from an already-scoped queryset, with an audit event for the read."""
    found = policy.get_visible_or_404(rows, pk=pk)
    record(actor=user, action=action, target=found, provider_id=found.provider_id)
    return found


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
    return viewed_record(user, _alerts(user), alert_id, "safety_alert.viewed")


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
    return viewed_record(user, rows, concern_id, "safeguarding_concern.viewed")


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
    flags = _flags(families, run.provider_id)
    if flags:
        record_read(
            actor=user,
            action="safeguarding_flags.viewed",
            target=run,
            data={"families": sorted(str(flag.family_id) for flag in flags)},
        )
    return flags
