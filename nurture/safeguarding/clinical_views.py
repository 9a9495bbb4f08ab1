"""Staff pages about a family's clinical record: the questionnaire score timeline, one
response in full, and safeguarding concerns (list, record, read).

Only health visitors who see the family's results and the provider's managers (and admins)
reach these; facilitators and parents get a 404, as does anyone for another provider's
family. Every read of scores, answers or concerns goes through an audited selector.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from nurture import policy
from nurture.accounts.roles import Role
from nurture.families.models import Family
from nurture.lib.errors import Conflict, DomainError, add_to_forms
from nurture.outcomes.models import OutcomesSettings, Response, SafeguardingConcern
from nurture.questionnaires import selectors, timeline
from nurture.safeguarding import bodymap, concerns
from nurture.safeguarding import selectors as safeguarding_selectors
from nurture.safeguarding.clinical_forms import SERVICE_FIELDS, ConcernForm

CLINICIANS = (Role.ADMIN, Role.SERVICE_MANAGER, Role.HEALTH_VISITOR)


def _family(family: Family) -> dict[str, Any]:
    """What every page here shows at the top: whose record it is."""
    return {
        "family": family,
        "carers": list(family.carers.all()),
        "babies": list(family.babies.all()),
    }


R = TypeVar("R", Response, SafeguardingConcern)


def _of_family(family: Family, read: Callable[[], R]) -> R:
    """A record read through an audited selector, if it is this family's. Another family's
    record under this family's address is a 404, and its read is not recorded (the 404 rolls
    the audit event back with it)."""
    with transaction.atomic():
        found = read()
        if found.family_id != family.pk:
            raise Http404("Not found.")
    return found


@policy.require_roles(*CLINICIANS)
def outcomes(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = safeguarding_selectors.clinical_family(request.user, family_id)
    instruments = timeline.family_timeline(request.user, family)
    return render(
        request,
        "clinical/outcomes.html",
        {**_family(family), "instruments": instruments},
    )


@policy.require_roles(*CLINICIANS)
def response(request: HttpRequest, family_id: Any, response_id: Any) -> HttpResponse:
    family = safeguarding_selectors.clinical_family(request.user, family_id)
    found = _of_family(family, lambda: selectors.response_detail(request.user, response_id))
    return render(
        request,
        "clinical/response.html",
        {**_family(family), "response": found, "summary": timeline.response_summary(found)},
    )


@policy.require_roles(*CLINICIANS)
def concern_list(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = safeguarding_selectors.concern_family(request.user, family_id)
    rows = safeguarding_selectors.concerns_for_family(request.user, family)
    today = timezone.localdate()
    return render(
        request,
        "clinical/concerns.html",
        {
            **_family(family),
            "concerns": [
                {"concern": row, "regions": _regions(row.regions), "overdue": row.review_on < today}
                for row in rows
            ],
            "can_record": policy.can_record_concern(request.user, family),
        },
    )


def _regions(codes: list[str]) -> list[str]:
    return [bodymap.label_of(code) for code in codes]


@policy.require_roles(Role.SERVICE_MANAGER, Role.HEALTH_VISITOR)
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = safeguarding_selectors.concern_family(request.user, family_id)
    if not policy.can_record_concern(request.user, family):
        raise Http404("Not found.")
    babies = list(family.babies.all())
    if request.method != "POST":
        form = ConcernForm(babies=babies, initial=ConcernForm.initial_for(babies))
    else:
        form = ConcernForm(request.POST, babies=babies)
        if form.is_valid():
            try:
                concern, created = concerns.record_concern(
                    actor=request.user, family=family, data=form.data_for_service()
                )
            except Conflict:
                # The same form sent again with other details: keep what was typed, with a
                # new id, and say what happened.
                data = request.POST.copy()
                data["concern_id"] = str(uuid.uuid4())
                form = ConcernForm(data, babies=babies)
                form.is_valid()
                form.add_error(
                    None,
                    "A concern was already saved from this form. Check the list of concerns; "
                    "to record another, save this one again.",
                )
            except DomainError as error:
                add_to_forms(
                    DomainError(
                        {SERVICE_FIELDS.get(key, key): text for key, text in error.errors.items()}
                    ),
                    {"": form},
                )
            else:
                messages.success(
                    request,
                    "Concern recorded. Facilitators of the family's course will see only that "
                    "there is a concern and what to do."
                    if created
                    else "This concern was already recorded.",
                )
                return redirect("clinical:concern", family.pk, concern.pk)
    return render(
        request,
        "clinical/concern_form.html",
        {**_family(family), "form": form, "default_instruction": _instruction(family)},
    )


def _instruction(family: Family) -> str:
    return OutcomesSettings.for_provider(family.provider_id).facilitator_instruction


@policy.require_roles(*CLINICIANS)
def concern(request: HttpRequest, family_id: Any, concern_id: Any) -> HttpResponse:
    family = safeguarding_selectors.concern_family(request.user, family_id)
    found = _of_family(
        family, lambda: safeguarding_selectors.concern_detail(request.user, concern_id)
    )
    return render(
        request,
        "clinical/concern_detail.html",
        {
            **_family(family),
            "concern": found,
            "regions": _regions(found.regions),
            "instruction": found.facilitator_instruction or _instruction(family),
        },
    )
