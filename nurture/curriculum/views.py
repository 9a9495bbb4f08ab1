"""Stroke cards: what a family has learnt so far on their course, a guide page for each course
week, and a printable handout of each week for families without a phone to hand."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from nurture import policy
from nurture.curriculum import selectors
from nurture.lib import pdf


@policy.require_roles(policy.Role.PARENT)
def my_strokes(request: HttpRequest) -> HttpResponse:
    followed = selectors.plan_followed_by(request.user)
    plan = followed.plan
    cards = selectors.stroke_cards(plan, followed.current_week) if plan else None
    return render(
        request,
        "curriculum/my_strokes.html",
        {"cards": cards, "enrolment": followed.enrolment, "preview": followed.enrolment is None},
    )


def _provider_query(followed: selectors.FollowedPlan) -> str:
    """Keep a staff member's choice of provider on the links between weeks."""
    return f"?provider={followed.provider_id}" if len(followed.providers) > 1 else ""


@policy.require_roles(*policy.ALL_ROLES)
def week_guide(request: HttpRequest, week: int) -> HttpResponse:
    followed, cards = selectors.week_guide_for(
        request.user, week, provider=request.GET.get("provider")
    )
    return render(
        request,
        "curriculum/week.html",
        {
            "cards": cards,
            "followed": followed,
            "provider_query": _provider_query(followed),
            "previous_week": week - 1 if week > 1 else None,
            "next_week": week + 1 if week < cards.plan.week_count else None,
        },
    )


@policy.require_roles(*policy.ALL_ROLES)
def handout(request: HttpRequest, week: int) -> HttpResponse:
    """One course week on paper: new areas first, then the rest, with a QR code that opens
    the week's guide page. The QR carries no provider: a parent scanning it sees their own."""
    _, cards = selectors.week_guide_for(request.user, week, provider=request.GET.get("provider"))
    guide_url = request.build_absolute_uri(reverse("curriculum:week", args=[week]))
    context: dict[str, Any] = {
        "cards": cards,
        "new_areas": [card for card in cards.areas if card.is_new],
        "earlier_areas": [card for card in cards.areas if not card.is_new],
        "guide_url": guide_url,
        "qr_svg": pdf.qr_svg(guide_url, title=f"QR code for the week {week} guide"),
    }
    document = pdf.render_pdf("curriculum/handout.html", context, request=request)
    return pdf.pdf_response(document, f"baby-massage-week-{week}.pdf")
