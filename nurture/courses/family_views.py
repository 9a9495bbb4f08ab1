"""The family's side of courses: their offer, their course dates, and a calendar file.

Staff who manage a referral use the same accept/decline actions to record an answer
given by phone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from nurture import policy
from nurture.allocation import places
from nurture.courses import calendar, selectors
from nurture.lib.errors import DomainError
from nurture.lib.redirects import safe_next


@policy.require_roles(policy.Role.PARENT)
def my_course(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    courses = []
    for enrolment in selectors.enrolments_for_family(request.user):
        sessions = [
            s for s in enrolment.run.sessions.all() if s.number >= enrolment.joined_at_session
        ]
        upcoming = [
            s
            for s in sessions
            if s.status != "cancelled" and s.starts_at >= now - timedelta(hours=2)
        ]
        courses.append(
            {
                "enrolment": enrolment,
                "sessions": sessions,
                "next": upcoming[0] if upcoming else None,
            }
        )
    return render(
        request,
        "my_course/my_course.html",
        {"offers": list(selectors.offers_for_family(request.user)), "courses": courses},
    )


@policy.signed_in
@require_POST
def accept(request: HttpRequest, offer_id: Any) -> HttpResponse:
    offer = selectors.offer_for_user(request.user, offer_id)
    try:
        enrolment = places.accept_offer(actor=request.user, offer=offer)
    except DomainError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        first = (
            offer.run.sessions.filter(number__gte=enrolment.joined_at_session)
            .exclude(status="cancelled")
            .order_by("number")
            .first()
        )
        when = f" on {timezone.localtime(first.starts_at):%A %-d %B}" if first else ""
        messages.success(request, f"Place accepted. See you at {offer.run.venue.name}{when}.")
    return redirect(safe_next(request, "my_course:home"))


@policy.signed_in
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, offer_id: Any) -> HttpResponse:
    offer = selectors.offer_for_user(request.user, offer_id)
    if request.method == "POST":
        stay = request.POST.get("stay_on_list") != "no"
        try:
            places.decline_offer(
                actor=request.user,
                offer=offer,
                stay_on_list=stay,
                note=request.POST.get("note", "")[:300],
            )
        except DomainError as error:
            messages.error(request, " ".join(error.errors.values()))
        else:
            messages.success(
                request,
                "Thank you for letting us know. "
                + (
                    "You are still on the waiting list."
                    if stay
                    else "We will not offer another place."
                ),
            )
        return redirect(safe_next(request, "my_course:home"))
    return render(
        request, "my_course/decline.html", {"offer": offer, "next": safe_next(request, "")}
    )


@policy.require_roles(policy.Role.PARENT)
def calendar_file(request: HttpRequest) -> HttpResponse:
    body = calendar.course_calendar(
        selectors.enrolments_for_family(request.user), host=calendar.calendar_host()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="baby-massage-course.ics"'
    return response
