"""Answering questionnaires in the browser: what is due, one question per screen, a check of
the answers, and a thank-you.

Every answer is saved on the server as it is given (``services.save_draft``), so a parent can
leave and carry on later on any device, and nothing is kept in the browser: no script, no
local storage, no autocomplete, and signed-in pages are never cached. The pages work without
JavaScript. A parent never sees a score, a band or whether an alert was raised; when an answer
needs it, they see where to get help straight away. If saving fails for any reason other than
the answers themselves, nothing is stored (each service call is one transaction) and the
parent is asked to try again, with the help contacts shown.

The same screens serve a facilitator going through the questions with a parent in class
(``questionnaire_class_views``); after sending, the facilitator sees only "Saved".
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from nurture import policy
from nurture.accounts.roles import Role
from nurture.families.models import Carer, Family
from nurture.lib.errors import Conflict, DomainError
from nurture.outcomes.models import Response
from nurture.questionnaires import feedback, selectors, services
from nurture.questionnaires import flow as flow
from nurture.questionnaires.forms import BACK_TO_CHECK, AnswerForm, SendForm
from nurture.questionnaires.instruments import Instrument, Item
from nurture.questionnaires.schedule import Due

logger = logging.getLogger(__name__)

ANSWERING = (Role.PARENT, Role.FACILITATOR)
SAVED_FOR_LATER = "Your answers so far are saved. You can carry on whenever you are ready."
SAVED_IN_CLASS = "The answers so far are saved. You can carry on together another time."
ALREADY_SENT = "These answers have already been sent. Thank you."
RESEND = "Something went wrong sending your answers. Please press Send again."


# --- What is due ---------------------------------------------------------------------------------


@policy.require_roles(Role.PARENT)
@require_GET
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "questionnaires/list.html",
        {"due": flow.due_cards(request.user), "done": flow.completed_for(request.user)},
    )


# --- One question per screen ---------------------------------------------------------------------


def _away(carer: Carer, in_class: bool) -> str:
    """Where "Save and come back later" leads."""
    if in_class:
        return reverse("questionnaires:with_carer", args=[carer.pk])
    return reverse("questionnaires:list")


def try_again(request: HttpRequest, family: Family) -> HttpResponse:
    """Saving failed: nothing was stored. Say so kindly, with where to get help meanwhile."""
    logger.exception("Saving questionnaire answers failed; nothing was stored.")
    result = feedback.try_again(family.provider_id, family)
    return render(
        request,
        "questionnaires/try_again.html",
        {"result": result, "help": flow.help_parts(result.help), "retry": request.path},
        status=503,
    )


def _add_answer_errors(error: DomainError, form: AnswerForm) -> None:
    for key, message in error.errors.items():
        form.add_error("answer" if key.startswith("answers.") else None, message)


@dataclass(frozen=True)
class _Answering:
    """Whose answers, to what, and whether staff are going through them in class."""

    carer: Carer
    instrument: Instrument
    point: str
    enrolment: Any
    in_class: bool
    draft: Response | None = None
    """None until the first answer is kept."""


def _screen(
    request: HttpRequest, answering: _Answering, item: Item, form: AnswerForm, back: str
) -> HttpResponse:
    instrument, carer, draft = answering.instrument, answering.carer, answering.draft
    numbers = flow.numbers(instrument)
    needs_help = draft is not None and draft.needs_follow_up
    return render(
        request,
        "questionnaires/question.html",
        {
            "form": form,
            "instrument": instrument,
            "item": item,
            "position": numbers.index(item.number) + 1,
            "count": len(numbers),
            "minutes": flow.minutes_for(instrument),
            "carer": carer,
            "in_class": answering.in_class,
            "back": back,
            "help": flow.help_parts(selectors.help_for(carer.family) if needs_help else []),
        },
    )


def _save_answer(
    request: HttpRequest, answering: _Answering, item: Item, form: AnswerForm
) -> HttpResponse | None:
    """Keep the answer given (if any) on the server, then move on: to the next question, the
    check page, or away for now. None when the answer was refused (the form says why)."""
    answer = form.cleaned_data["answer"]
    carer, draft, in_class = answering.carer, answering.draft, answering.in_class
    if answer is not None:
        try:
            draft = services.save_draft(
                actor=request.user,
                carer=carer,
                instrument_key=answering.instrument.key,
                version=answering.instrument.version,
                answers={str(item.number): answer},
                point=answering.point,
                enrolment=answering.enrolment,
            ).response
        except DomainError as error:
            _add_answer_errors(error, form)
            return None
        except Exception:
            return try_again(request, carer.family)
    if draft is None:  # "come back later" before answering anything: nothing to keep
        messages.success(request, "Come back whenever you are ready.")
        return redirect(_away(carer, in_class))
    if form.later:
        messages.success(request, SAVED_IN_CLASS if in_class else SAVED_FOR_LATER)
        return redirect(_away(carer, in_class))
    following = flow.next_number(answering.instrument, item.number)
    if form.back_to_check or following is None:
        return redirect("questionnaires:check", draft.pk)
    return redirect("questionnaires:question", draft.pk, following)


def start_answering(
    request: HttpRequest, *, carer: Carer, due: Due, in_class: bool
) -> HttpResponse:
    """The first question of a questionnaire not yet begun; answering it makes the draft."""
    answering = _Answering(
        carer=carer,
        instrument=selectors.instrument(due.instrument_key, due.version),
        point=due.point,
        enrolment=selectors.enrolment_for(carer, due.enrolment_id),
        in_class=in_class,
    )
    item = answering.instrument.items[0]
    form = AnswerForm(request.POST or None, item=item, later="later" in request.POST)
    if request.method == "POST" and form.is_valid():
        moved_on = _save_answer(request, answering, item, form)
        if moved_on is not None:
            return moved_on
    return _screen(request, answering, item, form, back=_away(carer, in_class))


def resume_url(draft: Response, instrument: Instrument) -> str:
    number = flow.resume_number(instrument, draft.answers)
    if number is None:
        return reverse("questionnaires:check", args=[draft.pk])
    return reverse("questionnaires:question", args=[draft.pk, number])


@policy.require_roles(Role.PARENT)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, key: str, point: str) -> HttpResponse:
    carer = flow.own_carer(request.user)
    due = flow.find_due(selectors.due_for_carer(carer), key, point)
    if due.draft_id is not None:
        return redirect("questionnaires:resume", due.draft_id)
    return start_answering(request, carer=carer, due=due, in_class=False)


@policy.require_roles(*ANSWERING)
@require_GET
def resume(request: HttpRequest, response_id: Any) -> HttpResponse:
    """Carry on where the answers stopped: the first question still to answer."""
    draft, _ = flow.draft_to_answer(request.user, response_id)
    instrument = selectors.instrument(draft.instrument_key, draft.instrument_version)
    return redirect(resume_url(draft, instrument))


@policy.require_roles(*ANSWERING)
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, response_id: Any, number: int) -> HttpResponse:
    draft, in_class = flow.draft_to_answer(request.user, response_id)
    answering = _Answering(
        carer=draft.carer,
        instrument=selectors.instrument(draft.instrument_key, draft.instrument_version),
        point=draft.point,
        enrolment=draft.enrolment,
        in_class=in_class,
        draft=draft,
    )
    item = answering.instrument.item(number)
    if item is None:
        raise Http404("Not found.")
    from_check = request.GET.get("then") == BACK_TO_CHECK
    form = AnswerForm(
        request.POST or None,
        item=item,
        later="later" in request.POST,
        initial={
            "answer": draft.answers.get(str(number)),
            "then": BACK_TO_CHECK if from_check else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        moved_on = _save_answer(request, answering, item, form)
        if moved_on is not None:
            return moved_on
    previous = flow.previous_number(answering.instrument, number)
    if from_check:
        back = reverse("questionnaires:check", args=[draft.pk])
    elif previous is not None:
        back = reverse("questionnaires:question", args=[draft.pk, previous])
    else:
        back = _away(draft.carer, in_class)
    return _screen(request, answering, item, form, back)


# --- Check, send, thank you ----------------------------------------------------------------------


def _check_page(
    request: HttpRequest,
    draft: Response,
    in_class: bool,
    *,
    send: SendForm | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    instrument = selectors.instrument(draft.instrument_key, draft.instrument_version)
    rows = flow.check_rows(instrument, draft.answers)
    return render(
        request,
        "questionnaires/check.html",
        {
            "draft": draft,
            "instrument": instrument,
            "rows": rows,
            "missing": flow.missing_rows(rows, errors or {}),
            "problems": [
                message for key, message in (errors or {}).items() if not key.startswith("answers.")
            ],
            "send": send or SendForm(initial={"client_id": uuid.uuid4()}),
            "carer": draft.carer,
            "in_class": in_class,
            "help": flow.help_parts(
                selectors.help_for(draft.carer.family) if draft.needs_follow_up else []
            ),
        },
    )


@policy.require_roles(*ANSWERING)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, response_id: Any) -> HttpResponse:
    """Check your answers, then send them."""
    if request.method != "POST":
        draft, in_class = flow.draft_to_answer(request.user, response_id)
        return _check_page(request, draft, in_class)
    send = SendForm(request.POST)
    try:
        draft, in_class = flow.draft_to_answer(request.user, response_id)
    except Http404:
        # Sent already with this very client id (a double tap, or a retry): thank them again.
        if not send.is_valid():
            raise
        flow.finished(request.user, response_id, client_id=send.cleaned_data["client_id"])
        return redirect("questionnaires:thanks", response_id)
    if not send.is_valid():
        return _check_page(request, draft, in_class, errors={"client_id": RESEND})
    try:
        submission = services.submit_response(
            actor=request.user,
            carer=draft.carer,
            instrument_key=draft.instrument_key,
            version=draft.instrument_version,
            answers=draft.answers,
            client_id=send.cleaned_data["client_id"],
            point=draft.point,
            enrolment=draft.enrolment,
            administered_by=request.user if in_class else None,
        )
    except Conflict:
        messages.info(request, ALREADY_SENT)
        return redirect(_away(draft.carer, in_class))
    except DomainError as error:
        return _check_page(request, draft, in_class, send=send, errors=error.errors)
    except Exception:
        return try_again(request, draft.carer.family)
    return redirect("questionnaires:thanks", submission.response.pk)


@policy.require_roles(*ANSWERING)
@require_GET
def thanks(request: HttpRequest, response_id: Any) -> HttpResponse:
    response, in_class = flow.finished(request.user, response_id)
    family = response.family
    if in_class:
        safety = flow.safety_answer_given(response)
        return render(
            request,
            "questionnaires/saved_in_class.html",
            {
                "carer": response.carer,
                "family": family,
                "safety": safety,
                "help": flow.help_parts(selectors.help_for(family) if safety else []),
            },
        )
    result = feedback.for_parent(
        instrument_key=response.instrument_key,
        needs_help=response.needs_follow_up,
        provider_id=family.provider_id,
        family=family,
    )
    return render(
        request,
        "questionnaires/thanks.html",
        {"result": result, "help": flow.help_parts(result.help)},
    )
