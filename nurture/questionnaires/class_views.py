"""In class: a facilitator goes through a questionnaire with a parent of a family on their own
course, on the same one-question screens the parent uses at home (recorded as
``administered_by``). They answer together, so the facilitator sees the questions and the
answers chosen; once sent, the facilitator sees only "Saved" (and, after a safety answer, the
help to give the parent and to tell the family's health visitor today). Never a score.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from nurture import policy
from nurture.accounts.roles import Role
from nurture.questionnaires import flow as flow
from nurture.questionnaires import selectors
from nurture.questionnaires.views import start_answering


@policy.require_roles(Role.FACILITATOR)
@require_GET
def with_carer(request: HttpRequest, carer_id: Any) -> HttpResponse:
    """What this parent can answer now, to go through together."""
    carer = flow.class_carer(request.user, carer_id)
    dues = selectors.due_for_carer(carer)
    # What the parent began on their own phone stays private to them: named, never opened or
    # added to here. Going through it together starts a separate set of answers.
    alone = [due for due in dues if due.draft_id is not None]
    return render(
        request,
        "questionnaires/with_carer.html",
        {
            "carer": carer,
            "cards": flow.cards(
                [due.in_class() for due in dues],
                url=lambda due: reverse(
                    "questionnaires:start_with", args=[carer.pk, due.instrument_key, due.point]
                ),
            ),
            "own_drafts": flow.cards(alone, url=lambda due: ""),
        },
    )


@policy.require_roles(Role.FACILITATOR)
@require_http_methods(["GET", "POST"])
def start_with(request: HttpRequest, carer_id: Any, key: str, point: str) -> HttpResponse:
    carer = flow.class_carer(request.user, carer_id)
    due = flow.find_due(selectors.due_for_carer(carer), key, point).in_class()
    if due.draft_id is not None:
        return redirect("questionnaires:resume", due.draft_id)
    return start_answering(request, carer=carer, due=due, in_class=True)
