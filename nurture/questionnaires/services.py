"""Answering questionnaires: answers saved as they are given (a draft, kept on the server so a
parent can leave and come back, and never in the browser), then submitted.

Submitting checks every scored question has an answer (a missing answer is an error, never a
silent 0), scores the answers with the pack version they were given on, and stores the
response, its result snapshot and any safety alert in one transaction. A safety answer (any
score above 0 on a safety item) raises the alert as soon as the draft holding it is saved, so
an alert does not depend on the parent pressing "submit". The same submission sent twice
(the same client id) stores once. Audit events name the questionnaire, never answers or scores.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from nurture import policy
from nurture.audit.services import person, record
from nurture.families.models import Carer
from nurture.lib.errors import Conflict, DomainError
from nurture.outcomes.models import (
    SCHEDULED_POINTS,
    ReferralThreshold,
    Response,
    ResponseStatus,
    TimePoint,
)
from nurture.questionnaires import feedback, schedule, scoring
from nurture.questionnaires.instruments import Instrument
from nurture.questionnaires.packs import registry
from nurture.safeguarding import alerts

ID_REUSED = "This id was already used for other answers. Generate a new one."


@dataclass(frozen=True)
class DraftSaved:
    response: Response
    parent: feedback.ParentResult | None
    """Set when an answer just given needs help shown straight away."""


@dataclass(frozen=True)
class Submission:
    response: Response
    created: bool
    parent: feedback.ParentResult


def instrument_for(key: str, version: str) -> Instrument:
    packs = registry()
    if packs.latest(key) is None:
        raise DomainError({"instrument": "There is no such questionnaire here."})
    instrument = packs.get(key, version)
    if instrument is None:
        raise DomainError(
            {"version": "This version of the questionnaire is not available. Reload it."}
        )
    return instrument


def threshold_for(provider_id: int, instrument_key: str) -> int | None:
    """The provider's own referral threshold for an instrument, if it set one."""
    return (
        ReferralThreshold.objects.filter(provider_id=provider_id, instrument_key=instrument_key)
        .values_list("total", flat=True)
        .first()
    )


def _lock(carer: Carer, actor: Any) -> Carer:
    """Lock the carer: one answer at a time per person, so checks and writes do not race."""
    carer = (
        Carer.objects.select_for_update(of=("self",))
        .select_related("family__health_visitor")
        .get(pk=carer.pk)
    )
    if not policy.can_answer_for(actor, carer):
        raise DomainError("You cannot answer questionnaires for this person.")
    return carer


def _parse(instrument: Instrument, raw: Mapping[Any, Any], *, complete: bool) -> dict[int, int]:
    answers, errors = scoring.parse_answers(raw)
    errors.update(scoring.check_answers(instrument, answers, complete=complete))
    if errors:
        raise DomainError(errors)
    return answers


def _stored(answers: Mapping[int, int]) -> dict[str, int]:
    return {str(number): choice for number, choice in sorted(answers.items())}


def _open_draft(
    carer: Carer, key: str, point: str, enrolment: Any, *, in_class: bool
) -> Response | None:
    """The answers in progress to add to: the carer's own, or those begun in class with staff.
    The two never mix, so what staff send and see in class never includes the carer's own."""
    return Response.objects.filter(
        carer=carer, status=ResponseStatus.DRAFT, instrument_key=key, point=point,
        enrolment=enrolment, administered_by__isnull=not in_class,
    ).first()  # fmt: skip


def _check_target(
    actor: Any,
    carer: Carer,
    instrument: Instrument,
    point: str,
    enrolment: Any,
    *,
    draft: Response | None,
    now: datetime,
) -> None:
    if draft is not None and draft.instrument_version != instrument.version:
        raise DomainError(
            {"version": f"Carry on with version {draft.instrument_version}, as started."}
        )
    if enrolment is not None and enrolment.referral.family_id != carer.family_id:
        raise DomainError({"enrolment": "This is not this family's course."})
    if point == TimePoint.AD_HOC:
        if not policy.can_see_scores(actor, carer.family):
            raise DomainError(
                {"point": "Only health visitors and managers give questionnaires off-schedule."}
            )
    elif point not in SCHEDULED_POINTS:
        raise DomainError({"point": "Choose baseline, post, follow_up or ad_hoc."})
    elif draft is None and not schedule.is_due(
        carer, instrument_key=instrument.key, point=point,
        enrolment_id=getattr(enrolment, "pk", None), now=now,
    ):  # fmt: skip
        raise DomainError({"instrument": "This questionnaire is not due now."})


def _new_response(carer: Carer, instrument: Instrument, point: str, enrolment: Any) -> Response:
    return Response(
        provider_id=carer.family.provider_id,
        family=carer.family,
        carer=carer,
        enrolment=enrolment,
        point=point,
        instrument_key=instrument.key,
        instrument_version=instrument.version,
    )


def _administered(actor: Any, carer: Carer) -> Any:
    """Staff who go through the questions with a parent are recorded; a parent alone is not."""
    who = person(actor)
    return None if who is None or who.pk == carer.user_id else who


@transaction.atomic
def save_draft(
    *,
    actor: Any,
    carer: Carer,
    instrument_key: str,
    version: str,
    answers: Mapping[Any, Any],
    point: str,
    enrolment: Any = None,
    now: datetime | None = None,
) -> DraftSaved:
    """Keep the answers given so far (added to any already kept) on the server."""
    now = now or timezone.now()
    carer = _lock(carer, actor)
    instrument = instrument_for(instrument_key, version)
    administered_by = _administered(actor, carer)
    draft = _open_draft(
        carer, instrument_key, point, enrolment, in_class=administered_by is not None
    )
    _check_target(actor, carer, instrument, point, enrolment, draft=draft, now=now)
    given = _parse(instrument, answers, complete=False)
    if draft is None:
        draft = _new_response(carer, instrument, point, enrolment)
        draft.administered_by = administered_by
        action = "outcome_response.started"
    else:
        action = "outcome_response.draft_saved"
    so_far = {int(number): choice for number, choice in draft.answers.items()}
    so_far.update(given)
    draft.answers = _stored(so_far)
    draft.save()
    record(
        actor=actor,
        action=action,
        target=draft,
        provider_id=draft.provider_id,
        data={"instrument": instrument.key, "version": instrument.version, "point": point},
    )
    if not scoring.positive_safety_items(instrument, so_far):
        return DraftSaved(draft, None)
    alerts.raise_alert(actor=actor, response=draft, reasons=[scoring.SAFETY_ITEM], now=now)
    if not draft.needs_follow_up:
        draft.needs_follow_up = True
        draft.save(update_fields=["needs_follow_up"])
    return DraftSaved(draft, _parent_result(draft))


def _parent_result(response: Response) -> feedback.ParentResult:
    return feedback.for_parent(
        instrument_key=response.instrument_key,
        needs_help=response.needs_follow_up,
        provider_id=response.provider_id,
        family=response.family,
    )


def _replay(
    existing: Response, carer: Carer, key: str, version: str, raw: Mapping[Any, Any]
) -> Submission:
    answers, _ = scoring.parse_answers(raw)
    same = (
        existing.carer_id == carer.pk
        and (existing.instrument_key, existing.instrument_version) == (key, version)
        and existing.answers == _stored(answers)
    )
    if not same:
        raise Conflict({"id": ID_REUSED})
    return Submission(existing, False, _parent_result(existing))


def submit_response(
    *,
    actor: Any,
    carer: Carer,
    instrument_key: str,
    version: str,
    answers: Mapping[Any, Any],
    client_id: uuid.UUID,
    point: str,
    enrolment: Any = None,
    administered_by: Any = None,
    now: datetime | None = None,
) -> Submission:
    """Score and store a complete set of answers, with its safety alert when one is needed,
    in one transaction. ``client_id`` makes a retried submission store once."""
    now = now or timezone.now()
    with transaction.atomic():
        carer = _lock(carer, actor)
        existing = Response.objects.filter(client_id=client_id).first()
        if existing is not None:
            return _replay(existing, carer, instrument_key, version, answers)
        instrument = instrument_for(instrument_key, version)
        given = _parse(instrument, answers, complete=True)
        if point != TimePoint.AD_HOC and Response.objects.filter(
            carer=carer, instrument_key=instrument_key, point=point, enrolment=enrolment,
            status=ResponseStatus.SUBMITTED,
        ).exists():  # fmt: skip
            raise Conflict({"instrument": "This questionnaire has already been answered."})
        administered_by = administered_by or _administered(actor, carer)
        draft = _open_draft(
            carer, instrument_key, point, enrolment, in_class=administered_by is not None
        )
        _check_target(actor, carer, instrument, point, enrolment, draft=draft, now=now)
        result = scoring.score(
            instrument,
            given,
            referral_threshold=threshold_for(carer.family.provider_id, instrument.key),
        )
        response = draft or _new_response(carer, instrument, point, enrolment)
        response.client_id = client_id
        response.status = ResponseStatus.SUBMITTED
        response.answers = _stored(given)
        response.result = result.to_dict()
        response.total = result.total
        response.band = result.band
        response.needs_follow_up = response.needs_follow_up or result.needs_alert
        response.administered_by = administered_by or response.administered_by
        response.submitted_at = now
        response.save()
        record(
            actor=actor,
            action="outcome_response.submitted",
            target=response,
            provider_id=response.provider_id,
            data={
                "instrument": instrument.key,
                "version": instrument.version,
                "point": point,
                "administered": response.administered_by_id is not None,
            },
        )
        if result.needs_alert:
            alerts.raise_alert(actor=actor, response=response, reasons=result.reasons, now=now)
    return Submission(response, True, _parent_result(response))
