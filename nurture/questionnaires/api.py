"""API: questionnaires (read), what is due, answering (drafts and submission) and the scores
timeline. Alerts, concerns, flags and settings are in ``nurture.safeguarding.api``.

What each person gets back is deliberately narrow: a parent gets a warm message and, when an
answer needs it, where to get help; never a score, a band or an alert. Staff going through a
questionnaire with a parent never get the answers back. Only health visitors and managers who
see the family's results get scores and answers.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from nurture.accounts.authentication import API_AUTH
from nurture.accounts.models import User
from nurture.families.models import Carer
from nurture.lib.errors import DomainError
from nurture.lib.problems import Problem
from nurture.outcomes.models import Response, TimePoint
from nurture.questionnaires import feedback, selectors, services
from nurture.questionnaires.instruments import Instrument
from nurture.questionnaires.schedule import Due
from nurture.safeguarding import selectors as safeguarding_selectors

logger = logging.getLogger(__name__)
router = Router(tags=["questionnaires"], auth=API_AUTH)
Answers = dict[str, int | None]


# --- Output -----------------------------------------------------------------------------------


class OptionOut(Schema):
    choice: int = Field(description="Send this number back as the answer.")
    label: str


class ItemOut(Schema):
    number: int
    text: str
    required: bool
    options: list[OptionOut]


class InstrumentSummaryOut(Schema):
    key: str
    version: str
    name: str
    title: str = Field(description="What parents see.")
    online_only: bool = Field(description="Never keep answers on the device.")
    licensed: bool


class InstrumentOut(InstrumentSummaryOut):
    recall: str
    licence: str
    citation: str
    items: list[ItemOut]


def instrument_out(instrument: Instrument, *, items: bool = True) -> dict[str, Any]:
    data = {
        "key": instrument.key,
        "version": instrument.version,
        "name": instrument.name,
        "title": instrument.parent_title,
        "online_only": instrument.online_only,
        "licensed": instrument.licensed,
    }
    if items:
        data |= {
            "recall": instrument.recall,
            "licence": instrument.licence,
            "citation": instrument.citation,
            "items": [
                {
                    "number": item.number,
                    "text": item.text,
                    "required": item.scored,
                    "options": [
                        {"choice": index, "label": option.label}
                        for index, option in enumerate(item.options)
                    ],
                }
                for item in instrument.items
            ],
        }
    return data


class DueOut(Schema):
    carer_id: uuid.UUID
    enrolment_id: uuid.UUID | None
    point: str
    instrument: str
    version: str
    title: str
    optional: bool
    online_only: bool
    opens_at: datetime
    closes_at: datetime | None
    draft_id: uuid.UUID | None = Field(description="Answers in progress, to carry on with.")


def due_out(due: Due) -> dict[str, Any]:
    return {
        **{name: value for name, value in vars(due).items() if not name.startswith("class_")},
        "instrument": due.instrument_key,
    }


class CarerDueOut(Schema):
    carer_id: uuid.UUID
    carer_name: str
    due: list[DueOut]


class HelpOut(Schema):
    message: str
    show_help: bool
    help: list[str]


class DraftOut(Schema):
    id: uuid.UUID
    carer_id: uuid.UUID
    instrument: str
    version: str
    point: str
    enrolment_id: uuid.UUID | None
    answered: list[int] = Field(description="Questions answered so far.")
    answers: dict[str, int] | None = Field(
        description="The answers so far: only for the parent themselves, never for staff."
    )
    help: HelpOut | None = Field(description="Show this now: an answer needs it.")


def draft_out(user: Any, draft: Response, parent: feedback.ParentResult | None = None) -> Any:
    own = selectors.is_own(user, draft.carer)
    return {
        "id": draft.pk,
        "carer_id": draft.carer_id,
        "instrument": draft.instrument_key,
        "version": draft.instrument_version,
        "point": draft.point,
        "enrolment_id": draft.enrolment_id,
        "answered": sorted(int(number) for number in draft.answers),
        "answers": dict(draft.answers) if own else None,
        "help": _help(parent) if parent else None,
    }


def _help(result: feedback.ParentResult) -> dict[str, Any]:
    return {"message": result.message, "show_help": result.show_help, "help": list(result.help)}


class SubmittedOut(HelpOut):
    id: uuid.UUID = Field(description="The id the client sent.")


class TryAgainOut(Problem):
    help: list[str]


class ScoreOut(Schema):
    response_id: uuid.UUID
    carer_id: uuid.UUID
    carer_name: str
    instrument: str
    instrument_name: str
    version: str
    point: str
    submitted_at: datetime
    total: int | None
    band: str
    subscales: dict[str, int]
    needs_follow_up: bool
    administered: bool


class ResponseOut(Schema):
    id: uuid.UUID
    family_id: uuid.UUID
    carer_id: uuid.UUID
    carer_name: str
    instrument: str
    version: str
    point: str
    submitted_at: datetime | None
    answers: dict[str, int]
    total: int | None
    band: str
    subscales: dict[str, int]
    threshold: int | None
    safety_items: list[int] = Field(description="Safety questions answered above 0.")
    needs_follow_up: bool
    administered_by: str | None


# --- Input ------------------------------------------------------------------------------------


class QuestionnaireAnswersIn(Schema):
    carer_id: uuid.UUID | None = Field(
        default=None, description="Whose answers: leave out for your own."
    )
    instrument: str = Field(max_length=40)
    version: str = Field(max_length=20)
    point: TimePoint
    enrolment_id: uuid.UUID | None = None
    answers: Answers = Field(
        max_length=200, description='Question number -> choice, e.g. {"1": 0, "2": 3}.'
    )


class SubmitIn(QuestionnaireAnswersIn):
    id: uuid.UUID = Field(description="Client-generated id: sending it again stores once.")


def _carer(request: HttpRequest, carer_id: uuid.UUID | None) -> Carer:
    if carer_id is not None:
        return selectors.carer_for_answering(request.user, carer_id)
    own = Carer.objects.filter(user_id=request.user.pk or 0).select_related("family").first()
    if own is None:
        raise DomainError({"carer_id": "Say whose answers these are."})
    return own


# --- Routes -----------------------------------------------------------------------------------


@router.get("/instruments", response=list[InstrumentSummaryOut])
def instrument_list(request: HttpRequest) -> Any:
    """Every questionnaire available here; licensed ones only once the provider installed them."""
    return [instrument_out(instrument, items=False) for instrument in selectors.instruments()]


@router.get("/instruments/{key}", response={200: InstrumentOut, 404: Problem})
def instrument_get(request: HttpRequest, key: str, version: str | None = None) -> Any:
    """The questions and answer options (the latest version, or the one asked for)."""
    return instrument_out(selectors.instrument(key, version))


@router.get("/questionnaires/due", response=list[DueOut])
def due_mine(request: HttpRequest) -> Any:
    """For a parent: what they can answer now. Empty for anyone else."""
    return [due_out(due) for due in selectors.due_for_family(request.user)]


@router.get(
    "/families/{uuid:family_id}/questionnaires/due", response={200: list[CarerDueOut], 404: Problem}
)
def due_in_family(request: HttpRequest, family_id: uuid.UUID) -> Any:
    """For staff going through questionnaires with a family (e.g. a facilitator in class)."""
    return [
        {
            "carer_id": carer.pk,
            "carer_name": carer.given_name,
            "due": [
                due_out(item if selectors.is_own(request.user, carer) else item.in_class())
                for item in due
            ],
        }
        for carer, due in selectors.due_in_family(request.user, family_id).items()
    ]


@router.post("/responses/drafts", response={200: DraftOut, 404: Problem, 422: Problem})
def draft_save(request: HttpRequest, payload: QuestionnaireAnswersIn) -> Any:
    """Keep the answers given so far on the server, to come back to. When an answer needs it,
    ``help`` says where to get help, to show straight away."""
    carer = _carer(request, payload.carer_id)
    saved = services.save_draft(
        actor=request.user,
        carer=carer,
        instrument_key=payload.instrument,
        version=payload.version,
        answers=payload.answers,
        point=payload.point,
        enrolment=selectors.enrolment_for(carer, payload.enrolment_id),
    )
    return draft_out(request.user, saved.response, saved.parent)


@router.get("/responses/drafts/{uuid:draft_id}", response={200: DraftOut, 404: Problem})
def draft_get(request: HttpRequest, draft_id: uuid.UUID) -> Any:
    return draft_out(request.user, selectors.draft_for(request.user, draft_id))


@router.post(
    "/responses",
    response={
        200: SubmittedOut,
        201: SubmittedOut,
        404: Problem,
        409: Problem,
        422: Problem,
        503: TryAgainOut,
    },
)
def response_submit(request: HttpRequest, payload: SubmitIn) -> Status[Any]:
    """Submit a complete set of answers. Back comes a message for the parent and, when an
    answer needs it, where to get help: never a score. If saving fails, nothing is stored
    (503): the message asks them to try again and still shows where to get help."""
    carer = _carer(request, payload.carer_id)
    enrolment = selectors.enrolment_for(carer, payload.enrolment_id)
    try:
        submission = services.submit_response(
            actor=request.user,
            carer=carer,
            instrument_key=payload.instrument,
            version=payload.version,
            answers=payload.answers,
            client_id=payload.id,
            point=payload.point,
            enrolment=enrolment,
        )
    except DomainError:
        raise
    except Exception:
        logger.exception("Saving questionnaire answers failed; nothing was stored.")
        result = feedback.try_again(carer.family.provider_id, carer.family)
        return Status(503, {"detail": result.message, "errors": [], "help": list(result.help)})
    return Status(
        201 if submission.created else 200, {"id": payload.id, **_help(submission.parent)}
    )


@router.get("/families/{uuid:family_id}/scores", response={200: list[ScoreOut], 404: Problem})
def scores(request: HttpRequest, family_id: uuid.UUID) -> Any:
    """The family's questionnaire scores over time (health visitors and managers only)."""
    family = safeguarding_selectors.clinical_family(request.user, family_id)
    return [
        {**point.__dict__, "instrument": point.instrument_key}
        for point in selectors.score_timeline(request.user, family)
    ]


@router.get("/responses/{uuid:response_id}", response={200: ResponseOut, 404: Problem})
def response_get(request: HttpRequest, response_id: uuid.UUID) -> Any:
    """One submitted response with its answers (health visitors and managers only)."""
    response = selectors.response_detail(request.user, response_id)
    result = response.result
    administered: User | None = response.administered_by
    return {
        "id": response.pk,
        "family_id": response.family_id,
        "carer_id": response.carer_id,
        "carer_name": response.carer.given_name,
        "instrument": response.instrument_key,
        "version": response.instrument_version,
        "point": response.point,
        "submitted_at": response.submitted_at,
        "answers": response.answers,
        "total": response.total,
        "band": response.band,
        "subscales": result.get("subscales", {}),
        "threshold": result.get("threshold"),
        "safety_items": result.get("safety_items", []),
        "needs_follow_up": response.needs_follow_up,
        "administered_by": administered.display_name() if administered else None,
    }
