"""Referral pages for staff: refer a baby, see a referral's history, act on it, and the
waiting list and working list."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nurture import policy
from nurture.accounts import selectors as account_selectors
from nurture.allocation import selectors as allocation_selectors
from nurture.allocation import services as allocation_services
from nurture.courses import selectors as course_selectors
from nurture.families import selectors as family_selectors
from nurture.lib.errors import DomainError, add_to_forms
from nurture.referrals import selectors, services
from nurture.referrals.forms import NoteForm, ReasonForm, ReferralForm
from nurture.referrals.models import Status


@policy.require_roles(*policy.STAFF)
def referral_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    if status and status not in Status.values:
        status = ""
    rows = selectors.referral_list(request.user, status=status or None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/referral_list.html",
        {"page": page, "referrals": page.object_list, "status": status, "statuses": Status},
    )


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, baby_id: Any) -> HttpResponse:
    baby = family_selectors.baby_detail(request.user, baby_id)
    family = family_selectors.editable_family(request.user, baby.family_id)
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        venues=account_selectors.active_venues(family.provider),
        initial={"client_id": uuid.uuid4(), "consent_to_contact": True},
    )
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            referral, _ = allocation_services.referral_create(
                actor=request.user,
                baby=baby,
                details=form.details(),
                referral_id=form.cleaned_data["client_id"],
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            )
        except services.DuplicateReferral as error:
            duplicate = error.existing
            data = request.POST.copy()
            data["confirm_duplicate"] = "True"
            form = ReferralForm(data, venues=account_selectors.active_venues(family.provider))
            form.is_valid()
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, _created_message(referral))
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "baby": baby, "family": family, "duplicate": duplicate},
    )


def _created_message(referral: Any) -> str:
    if referral.status == Status.OFFERED:
        return "Referral saved. A place has been offered to the family straight away."
    if referral.status == Status.WAITING:
        return "Referral saved. The family is on the waiting list."
    return f"Referral saved, but the baby is not eligible: {referral.status_note}"


@policy.require_roles(*policy.STAFF)
def referral_detail(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.referral_detail(request.user, referral_id)
    user = request.user
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "window": services.age_window(referral),
            "can_manage": policy.can_manage_referral(user, referral),
            "can_override": policy.can_override_eligibility(user, referral.provider_id),
            "sees_reasons": policy.sees_referral_reasons(user, referral),
        },
    )


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.manageable_referral(request.user, referral_id)
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        venues=account_selectors.active_venues(referral.provider),
        initial={
            "reasons": referral.reasons,
            "reason_other": referral.reason_other,
            "priority": referral.priority,
            "consent_to_contact": referral.consent_to_contact,
            "preferred_venues": list(referral.preferred_venues.all()),
            "preferred_times": referral.preferred_times,
            "notes": referral.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update(actor=request.user, referral=referral, details=form.details())
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, "Referral details saved.")
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "baby": referral.baby, "family": referral.family, "referral": referral},
    )


def _reason_action(
    request: HttpRequest,
    referral: Any,
    *,
    form_class: type[ReasonForm] | type[NoteForm],
    title: str,
    explain: str,
    button: str,
    act: Any,
    done: str,
) -> HttpResponse:
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            act(next(iter(form.cleaned_data.values())))
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, done)
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "referrals/referral_action.html",
        {"form": form, "referral": referral, "title": title, "explain": explain, "button": button},
    )


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def referral_withdraw(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.manageable_referral(request.user, referral_id)
    return _reason_action(
        request,
        referral,
        form_class=ReasonForm,
        title="Withdraw this referral",
        explain="Any offer or place the family holds is given to the next family waiting.",
        button="Withdraw referral",
        act=lambda reason: allocation_services.referral_withdraw(
            actor=request.user, referral=referral, reason=reason
        ),
        done="Referral withdrawn.",
    )


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def referral_reopen(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.manageable_referral(request.user, referral_id)
    return _reason_action(
        request,
        referral,
        form_class=NoteForm,
        title="Put this family back on the waiting list",
        explain="They keep their original referral date, so they do not lose their place.",
        button="Put back on the waiting list",
        act=lambda note: allocation_services.referral_reopen(
            actor=request.user, referral=referral, note=note
        ),
        done="The family is back on the waiting list.",
    )


@policy.require_roles(policy.Role.ADMIN, policy.Role.SERVICE_MANAGER)
@require_http_methods(["GET", "POST"])
def referral_override(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.referral_detail(request.user, referral_id)
    if not policy.can_override_eligibility(request.user, referral.provider_id):
        raise Http404("Not found.")
    return _reason_action(
        request,
        referral,
        form_class=ReasonForm,
        title="Offer a place outside the age limits",
        explain=(
            "The reason is kept with the referral and in the audit log. The family joins the "
            "waiting list and can be offered any course."
        ),
        button="Allow and add to the waiting list",
        act=lambda reason: allocation_services.eligibility_override(
            actor=request.user, referral=referral, reason=reason
        ),
        done="Override recorded.",
    )


@policy.require_roles(policy.Role.ADMIN, policy.Role.SERVICE_MANAGER, policy.Role.HEALTH_VISITOR)
def waiting_list(request: HttpRequest) -> HttpResponse:
    providers = list(policy.providers_visible_to(request.user))
    chosen = request.GET.get("provider")
    provider = next(
        (p for p in providers if str(p.pk) == chosen), providers[0] if providers else None
    )
    rows = allocation_selectors.waiting_list(request.user, provider.pk) if provider else []
    return render(
        request,
        "referrals/waiting_list.html",
        {"rows": rows, "provider": provider, "providers": providers},
    )


@policy.require_roles(*policy.STAFF)
def working_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "referrals/working_list.html",
        {"work": course_selectors.working_list(request.user)},
    )
