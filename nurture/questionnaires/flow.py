"""What the questionnaire pages need on top of the selectors: a card for each questionnaire
that is due (why we ask, about how long), where to carry on, the check-your-answers rows,
help contacts with phone links, and who may go through the questions with a parent.

In class, a facilitator goes through a questionnaire *with* a parent of a family on their own
course. The access policy (``can_answer_for``) also lets a family's health visitors and
managers answer for a carer through the API; these pages are the classroom tool, so only a
facilitator of the family's course gets them. A draft a parent began on their own stays
theirs: staff may carry on only a draft that was begun with staff, so a facilitator never
sees answers a parent gave in private.

Nothing here returns a score, a band or whether an alert was raised, except
``safety_answer_given``, which tells the facilitator's "Saved" page to show the help to pass
on (never why).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.text import Truncator

from nurture import policy
from nurture.courses.models import Enrolment, EnrolmentStatus, RunStatus
from nurture.families.models import Carer
from nurture.outcomes.models import Response, ResponseStatus, SafetyAlert, TimePoint
from nurture.questionnaires import scoring, selectors
from nurture.questionnaires.instruments import Instrument
from nurture.questionnaires.packs import registry
from nurture.questionnaires.schedule import Due

WHY_WE_ASK = {
    "phq9": "A few questions about your mood, so your health visitor team can support you.",
    "gad7": "A few questions about worry, so your health visitor team can support you.",
    "course-feedback": "What the course was like for you, so we can make it better for "
    "every family.",
}
WHY_DEFAULT = "Your answers help your health visitor team support you and your baby."
SECONDS_PER_QUESTION = 20
SHORT_WORDS = 12
RECENT_DONE = 10


def minutes_for(instrument: Instrument) -> int:
    """About how long it takes, in whole minutes (at least one)."""
    return max(1, round(len(instrument.items) * SECONDS_PER_QUESTION / 60))


@dataclass(frozen=True)
class DueCard:
    key: str
    point: str
    title: str
    why: str
    when: str
    """Which point of the course it is for, in words ("Start of the course")."""
    minutes: int
    questions: int
    started: bool
    url: str


def cards(
    dues: Iterable[Due],
    *,
    url: Callable[[Due], str],
    started: Callable[[Due], bool] = lambda due: due.draft_id is not None,
) -> list[DueCard]:
    packs = registry()
    found = []
    for due in dues:
        instrument = packs.get(due.instrument_key, due.version)
        if instrument is None:
            continue
        found.append(
            DueCard(
                key=due.instrument_key,
                point=due.point,
                title=instrument.parent_title,
                why=WHY_WE_ASK.get(due.instrument_key, WHY_DEFAULT),
                when=TimePoint(due.point).label,
                minutes=minutes_for(instrument),
                questions=len(instrument.items),
                started=started(due),
                url=url(due),
            )
        )
    return found


def _on_a_course(user: Any) -> bool:
    """One query, so the home page of a parent not (yet) on a course stays cheap: nothing is
    due without a place on a course."""
    return (
        Enrolment.objects.filter(referral__family__carers__user=user)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exclude(run__status=RunStatus.CANCELLED)
        .exists()
    )


def due_cards(user: Any) -> list[DueCard]:
    """A parent's own questionnaires that are due, as cards for the home and list pages."""
    if not _on_a_course(user):
        return []
    return cards(
        selectors.due_for_family(user),
        url=lambda due: reverse("questionnaires:start", args=[due.instrument_key, due.point]),
    )


def find_due(dues: Iterable[Due], key: str, point: str) -> Due:
    found = next((d for d in dues if d.instrument_key == key and d.point == point), None)
    if found is None:
        raise Http404("Not found.")
    return found


# --- Moving through the questions ---------------------------------------------------------------


def numbers(instrument: Instrument) -> list[int]:
    return [item.number for item in instrument.items]


def next_number(instrument: Instrument, number: int) -> int | None:
    later = [n for n in numbers(instrument) if n > number]
    return later[0] if later else None


def previous_number(instrument: Instrument, number: int) -> int | None:
    earlier = [n for n in numbers(instrument) if n < number]
    return earlier[-1] if earlier else None


def resume_number(instrument: Instrument, answers: Mapping[str, int]) -> int | None:
    """Where to carry on: the first scored question with no answer; else the question after
    the last one answered (an optional one still to see); None when only checking is left."""
    given = {int(number) for number in answers}
    for item in instrument.scored_items:
        if item.number not in given:
            return item.number
    return next_number(instrument, max(given, default=0))


@dataclass(frozen=True)
class CheckRow:
    number: int
    question: str
    answer: str
    """The words of the option chosen; empty when not answered."""
    required: bool


def check_rows(instrument: Instrument, answers: Mapping[str, int]) -> list[CheckRow]:
    rows = []
    for item in instrument.items:
        choice = answers.get(str(item.number))
        valid = choice is not None and 0 <= choice < len(item.options)
        rows.append(
            CheckRow(
                number=item.number,
                question=Truncator(item.text).words(SHORT_WORDS),
                answer=item.options[choice].label if valid and choice is not None else "",
                required=item.scored,
            )
        )
    return rows


def missing_rows(rows: Iterable[CheckRow], errors: Mapping[str, str]) -> list[tuple[CheckRow, str]]:
    """Rows named by a service's "answers.<number>" errors, with the message for each."""
    by_number = {row.number: row for row in rows}
    found = []
    for key, message in errors.items():
        tail = key.rpartition(".")[2]
        if key.startswith("answers.") and tail.isdigit() and int(tail) in by_number:
            found.append((by_number[int(tail)], message))
    return found


# --- Help contacts, with phone numbers as links -------------------------------------------------

PHONE = re.compile(r"\d+(?: \d+)*", re.ASCII)
MIN_PHONE_DIGITS = 3


@dataclass(frozen=True)
class Part:
    text: str
    tel: str = ""
    """Digits to call when this part is a phone number."""


def help_parts(lines: Iterable[str]) -> list[list[Part]]:
    """Each help line split into plain text and phone numbers ("call 116 123" -> a link to
    tel:116123), so a parent can call with one tap."""
    found = []
    for line in lines:
        parts: list[Part] = []
        at = 0
        for match in PHONE.finditer(line):
            digits = match.group().replace(" ", "")
            if len(digits) < MIN_PHONE_DIGITS:
                continue
            if match.start() > at:
                parts.append(Part(line[at : match.start()]))
            parts.append(Part(match.group(), digits))
            at = match.end()
        if at < len(line):
            parts.append(Part(line[at:]))
        found.append(parts)
    return found


# --- Who answers: the carer, or a facilitator of the family's course in class -------------------


def own_carer(user: Any) -> Carer:
    """The parent's own carer record (a parent answers for themselves only)."""
    carer = Carer.objects.filter(user=user).select_related("family__health_visitor").first()
    if carer is None:
        raise Http404("Not found.")
    return carer


def class_carer(user: Any, carer_id: Any) -> Carer:
    """A parent of a family on a course this facilitator runs; anyone else gets a 404."""
    carer = selectors.carer_for_answering(user, carer_id)
    if not policy.can_answer_in_class(user, carer):
        raise Http404("Not found.")
    return carer


def draft_to_answer(user: Any, response_id: Any) -> tuple[Response, bool]:
    """A draft to carry on, and whether it is being answered in class (by staff)."""
    draft = selectors.draft_for(user, response_id)
    if selectors.is_own(user, draft.carer):
        return draft, False
    if draft.administered_by_id is None or not policy.can_answer_in_class(user, draft.carer):
        raise Http404("Not found.")
    return draft, True


def finished(user: Any, response_id: Any, *, client_id: Any = None) -> tuple[Response, bool]:
    """A submitted response, for its thank-you page (or to recognise a repeated submit by its
    client id): the carer's own, or one this facilitator just went through in class."""
    rows = Response.objects.filter(status=ResponseStatus.SUBMITTED).select_related(
        "carer__family", "family__health_visitor"
    )
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    response = policy.get_visible_or_404(rows, pk=response_id)
    if selectors.is_own(user, response.carer):
        return response, False
    if response.administered_by_id == getattr(user, "pk", None) and policy.can_answer_in_class(
        user, response.carer
    ):
        return response, True
    raise Http404("Not found.")


def safety_answer_given(response: Response) -> bool:
    """Whether a safety question was answered in a way that needs help passed on now."""
    reasons = (
        SafetyAlert.objects.filter(response=response).values_list("reasons", flat=True).first()
    )
    return scoring.SAFETY_ITEM in (reasons or [])


@dataclass(frozen=True)
class Done:
    title: str
    submitted_at: datetime


def completed_for(user: Any, *, limit: int = RECENT_DONE) -> list[Done]:
    """The parent's own recently submitted questionnaires: what and when, nothing more."""
    packs = registry()
    rows = (
        Response.objects.filter(
            carer__user=user, status=ResponseStatus.SUBMITTED, submitted_at__isnull=False
        )
        .order_by("-submitted_at")
        .values_list("instrument_key", "instrument_version", "submitted_at")[:limit]
    )
    found = []
    for key, version, submitted_at in rows:
        if submitted_at is None:  # excluded above; keeps the type checker sure
            continue
        instrument = packs.get(key, version) or packs.latest(key)
        found.append(Done(instrument.parent_title if instrument else key, submitted_at))
    return found
