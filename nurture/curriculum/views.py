"""The family's stroke cards: what they have learnt so far on their course."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nurture.accounts import policy
from nurture.courses import selectors as course_selectors
from nurture.curriculum import selectors


@policy.require_roles(policy.Role.PARENT)
def my_strokes(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    enrolment = next(iter(course_selectors.enrolments_for_family(request.user)), None)
    provider_id = enrolment.run.provider_id if enrolment else None
    if provider_id is None:
        family = policy.families_visible_to(request.user).first()
        provider_id = family.provider_id if family else None
    plan = selectors.week_plan_for(provider_id)
    week = 1
    if enrolment is not None:
        started = [
            s
            for s in enrolment.run.sessions.all()
            if s.status != "cancelled" and s.starts_at <= now
        ]
        week = max(len(started), 1)
    cards = selectors.stroke_cards(plan, week) if plan else None
    return render(
        request,
        "curriculum/my_strokes.html",
        {"cards": cards, "enrolment": enrolment, "preview": enrolment is None},
    )
