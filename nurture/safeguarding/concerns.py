"""Recording safeguarding concerns (staff only): what was seen, where on the body map, the
explanation given, what was done and who was told, with an owner and a review date.

Health visitors and managers of the family's provider record them. The write is one
transaction with one audit event (which holds no detail of the concern), and idempotent by
the client's id: the same concern sent twice is stored once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from nurture import policy
from nurture.accounts.models import User
from nurture.audit.services import record
from nurture.families.models import Baby, Family
from nurture.lib import time_ranges
from nurture.lib.errors import Conflict, DomainError
from nurture.lib.idempotent import once_per_client_id
from nurture.outcomes.models import SafeguardingConcern
from nurture.safeguarding import bodymap

TEXT_LIMIT = 4000
INSTRUCTION_LIMIT = 300


@dataclass(frozen=True)
class ConcernData:
    id: uuid.UUID
    seen: str
    action: str
    informed: str
    review_on: date
    regions: list[str] = field(default_factory=list)
    explanation: str = ""
    seen_at: datetime | None = None
    baby_id: uuid.UUID | None = None
    owner_id: int | None = None
    facilitator_instruction: str = ""


def _check(data: ConcernData, family: Family, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name in ("seen", "action", "informed"):
        value = getattr(data, name)
        if not value.strip():
            problems[name] = "Fill this in."
        elif len(value) > TEXT_LIMIT:
            problems[name] = f"Keep it to {TEXT_LIMIT} characters."
    if len(data.explanation) > TEXT_LIMIT:
        problems["explanation"] = f"Keep it to {TEXT_LIMIT} characters."
    if len(data.facilitator_instruction) > INSTRUCTION_LIMIT:
        problems["facilitator_instruction"] = f"Keep it to {INSTRUCTION_LIMIT} characters."
    unknown = [code for code in data.regions if code not in bodymap.BY_CODE]
    if unknown:
        problems["regions"] = f"Not on the body map: {', '.join(unknown)}."
    elif len(set(data.regions)) != len(data.regions):
        problems["regions"] = "Mark each part of the body once."
    if data.review_on < today:
        problems["review_on"] = "Choose today or a later date for the review."
    elif review_problem := time_ranges.planned_problem(data.review_on, today=today):
        problems["review_on"] = review_problem
    births = dict(Baby.objects.filter(family=family).values_list("pk", "date_of_birth"))
    if data.baby_id is not None and data.baby_id not in births:
        problems["baby_id"] = "Choose a baby of this family."
    # Seen on or after the birth of the baby it is about (or of the family's first baby).
    born = births.get(data.baby_id) if data.baby_id else min(births.values(), default=None)
    if data.seen_at is not None and (
        seen_problem := time_ranges.happened_problem(data.seen_at, now=timezone.now(), born=born)
    ):
        problems["seen_at"] = seen_problem
    return problems


def _owner(data: ConcernData, actor: Any, family: Family) -> Any:
    if data.owner_id is None:
        return actor
    owner = User.objects.filter(pk=data.owner_id, is_active=True).first()
    if owner is None or not policy.can_record_concern(owner, family):
        raise DomainError({"owner_id": "Choose a health visitor or manager of this family."})
    return owner


@once_per_client_id
def record_concern(
    *, actor: Any, family: Family, data: ConcernData
) -> tuple[SafeguardingConcern, bool]:
    """Store a concern. Returns (concern, created); the same id again stores once."""
    if not policy.can_record_concern(actor, family):
        raise DomainError("Only health visitors and managers can record a safeguarding concern.")
    existing = SafeguardingConcern.objects.filter(pk=data.id).first()
    if existing is not None:
        sent = (family.pk, data.seen.strip(), data.action.strip(), list(data.regions))
        if (existing.family_id, existing.seen, existing.action, existing.regions) != sent:
            raise Conflict({"id": "This id was already used. Generate a new one."})
        return existing, False
    problems = _check(data, family, timezone.localdate())
    if problems:
        raise DomainError(problems)
    concern = SafeguardingConcern.objects.create(
        id=data.id,
        provider_id=family.provider_id,
        family=family,
        baby_id=data.baby_id,
        seen=data.seen.strip(),
        seen_at=data.seen_at or timezone.now(),
        regions=list(data.regions),
        explanation=data.explanation.strip(),
        action=data.action.strip(),
        informed=data.informed.strip(),
        facilitator_instruction=data.facilitator_instruction.strip(),
        owner=_owner(data, actor, family),
        review_on=data.review_on,
        recorded_by=actor,
    )
    record(
        actor=actor,
        action="safeguarding_concern.recorded",
        target=concern,
        provider_id=family.provider_id,
        data={"family": str(family.pk)},
    )
    return concern, True
