"""Reads for outcomes pages and the API, each already scoped by the access policy.

Reads of clinical records (scores, answers, alerts, concerns) are audited: the selector that
returns them records who looked (hazard H9 and checklist item 24), in one insert however many
rows. Lists make a fixed number of queries, whatever the history behind them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from nurture import policy
from nurture.audit.services import record
from nurture.courses.models import Enrolment
from nurture.families.models import Carer, Family
from nurture.outcomes.models import (
    Response,
    ResponseStatus,
)
from nurture.policy import Person
from nurture.questionnaires import feedback, schedule
from nurture.questionnaires.instruments import Instrument
from nurture.questionnaires.packs import registry
from nurture.safeguarding.selectors import viewed_record

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


def is_own(user: Person, carer: Carer) -> bool:
    """Whether this is the carer's own login (not staff answering with them)."""
    return carer.user_id is not None and carer.user_id == user.pk


def draft_for(user: Person, response_id: Any) -> Response:
    """An answer in progress, to resume: for the carer, or staff carrying on one begun in class
    (the carer's own answers in progress are private to them)."""
    draft = policy.get_visible_or_404(
        Response.objects.filter(status=ResponseStatus.DRAFT).select_related(
            "carer__family", "enrolment"
        ),
        pk=response_id,
    )
    if not policy.can_answer_for(user, draft.carer) or (
        not is_own(user, draft.carer) and draft.administered_by_id is None
    ):
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


def response_detail(user: Person, response_id: Any) -> Response:
    """One submitted response with its answers and result (audited)."""
    rows = policy.responses_visible_to(user).select_related("carer", "family", "administered_by")
    return viewed_record(user, rows, response_id, "outcome_response.viewed")


# --- Alerts ---------------------------------------------------------------------------------------
