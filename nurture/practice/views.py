"""The parent's guided practice: the readiness check, then the voice-guided session.

The guided page carries everything it needs (the walked-out engine table, the stroke words
and pictures), so once loaded it works with no connection; the session is queued in the
browser and sent to the API when it can be.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from nurture import policy
from nurture.practice import checks, plans, selectors
from nurture.practice.guide import guide_for
from nurture.practice.readiness import SETTING_CHECKLIST, Verdict, assess


def _cards(request: HttpRequest, baby: Any) -> Any:
    cards = plans.cards_for_family(request.user, baby)
    if cards is None:
        raise Http404("The curriculum has not been loaded.")
    return cards


@policy.require_roles(policy.Role.PARENT)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, baby_id: Any) -> HttpResponse:
    """Is now a good time? The baby, the setting, and today's routine."""
    baby = selectors.practice_baby(request.user, baby_id)
    cards = _cards(request, baby)
    routines = [(choice.slug, choice.name) for choice in plans.choices(cards)]
    areas = [(card.area.slug, card.area.name) for card in cards.areas]
    form = checks.ReadinessForm(
        request.POST if request.method == "POST" else None, routines=routines, areas=areas
    )
    result, missing = None, []
    if request.method == "POST" and form.is_valid():
        result = assess(form.answers(), checks.rules_config_for(baby.family.provider_id))
        missing = form.missing_setting()
        if result.verdict in (Verdict.GO, Verdict.GO_SKIPPING_AREAS):
            checks.keep_passed_check(request, baby.pk, form.cleaned_data["routine"], result)
            if not missing:
                return redirect("practice:guided", baby_id=baby.pk)
        else:
            checks.forget_check(request, baby.pk)
    area_names = dict(areas)
    return render(
        request,
        "practice/check.html",
        {
            "baby": baby,
            "form": form,
            "result": result,
            "skip_names": [area_names.get(a, a) for a in result.skip_areas] if result else [],
            "missing": missing,
            "checklist": SETTING_CHECKLIST,
        },
    )


@policy.require_roles(policy.Role.PARENT)
@require_GET
def guided(request: HttpRequest, baby_id: Any) -> HttpResponse:
    """The guided session, one step at a time; needs a passed readiness check first."""
    baby = selectors.practice_baby(request.user, baby_id)
    passed = checks.passed_check(request, baby.pk)
    if passed is None:
        return redirect("practice:check", baby_id=baby.pk)
    routine_slug, readiness = passed
    guide = plans.guide_plan(baby, _cards(request, baby), routine_slug)
    if guide is None:
        return redirect("practice:check", baby_id=baby.pk)
    config = {
        **guide_for(baby, guide, readiness),
        "api": reverse("api:session_save", kwargs={"baby_id": baby.pk}),
        "log": reverse("journal:log", kwargs={"baby_id": baby.pk}),
    }
    return render(
        request,
        "practice/guided.html",
        {"baby": baby, "config": config, "guide": guide, "first": config["table"]["nodes"]["n0"]},
    )
