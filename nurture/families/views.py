"""Family pages. Thin: ask the policy, call a service or selector, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nurture import policy
from nurture.accounts.selectors import health_visitors_of
from nurture.families import selectors, services
from nurture.families.forms import BabyForm, CarerForm, FamilyForm
from nurture.families.models import Carer
from nurture.lib.errors import DomainError, add_to_forms


@policy.require_roles(*policy.STAFF)
def family_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.family_list(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "families/family_list.html",
        {
            "families": page.object_list,
            "page": page,
            "can_refer": bool(policy.roles_of(request.user) & set(policy.REFERRERS)),
        },
    )


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def family_create(request: HttpRequest) -> HttpResponse:
    provider_id = request.POST.get("provider") or request.GET.get("provider")
    provider = policy.provider_for_new_family(request.user, provider_id)
    if provider is None:
        providers = policy.providers_where_can_refer(request.user)
        return render(request, "families/choose_provider.html", {"providers": providers})
    data = request.POST if request.method == "POST" else None
    family_form = FamilyForm(
        data,
        health_visitors=health_visitors_of(provider),
        initial={"health_visitor": request.user.pk, "client_id": uuid.uuid4()},
    )
    carer_form = CarerForm(data, prefix="carer", initial={"preferred_channel": "email"})
    baby_form = BabyForm(data, prefix="baby")
    if data is not None and all(f.is_valid() for f in (family_form, carer_form, baby_form)):
        try:
            family, _ = services.family_create(
                actor=request.user,
                provider=provider,
                carer=carer_form.details(),
                babies=[baby_form.details()],
                health_visitor=family_form.cleaned_data["health_visitor"],
                postcode=family_form.cleaned_data["postcode"],
                notes=family_form.cleaned_data["notes"],
                family_id=family_form.cleaned_data["client_id"],
            )
        except DomainError as error:
            add_to_forms(error, {"": family_form, "carer.": carer_form, "babies.0.": baby_form})
        else:
            messages.success(request, "Family added. You can add another carer or a twin below.")
            return redirect("families:detail", family.pk)
    return render(
        request,
        "families/family_create.html",
        {
            "provider": provider,
            "family_form": family_form,
            "carer_form": carer_form,
            "baby_form": baby_form,
            "all_forms": [carer_form, baby_form, family_form],
            "forms_have_errors": any(f.errors for f in (carer_form, baby_form, family_form)),
        },
    )


@policy.signed_in
def family_detail(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = selectors.family_detail(request.user, family_id)
    can_edit = policy.can_edit_family(request.user, family)
    carers = [
        {"carer": carer, "can_edit": policy.can_edit_carer(request.user, carer)}
        for carer in family.carers.all()
    ]
    referrals = (
        list(selectors.family_referrals(request.user, family))
        if policy.roles_of(request.user) & set(policy.STAFF)
        else []
    )
    return render(
        request,
        "families/family_detail.html",
        {
            "family": family,
            "carers": carers,
            "babies": family.babies.all(),
            "can_edit": can_edit,
            "can_export": policy.can_handle_data_rights(request.user, family),
            "referrals": referrals,
            # Questionnaire scores and safeguarding concerns: health visitors and managers.
            "clinical": bool(policy.roles_of(request.user) & set(policy.REFERRERS))
            and policy.can_see_scores(request.user, family),
        },
    )


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def family_edit(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = selectors.editable_family(request.user, family_id)
    form = FamilyForm(
        request.POST if request.method == "POST" else None,
        health_visitors=health_visitors_of(family.provider),
        initial={
            "postcode": family.postcode,
            "notes": family.notes,
            "health_visitor": family.health_visitor_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.family_update(
                actor=request.user,
                family=family,
                postcode=form.cleaned_data["postcode"],
                notes=form.cleaned_data["notes"],
                health_visitor=form.cleaned_data["health_visitor"],
            )
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, "Family details saved.")
            return redirect("families:detail", family.pk)
    return render(request, "families/family_edit.html", {"family": family, "form": form})


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def carer_add(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = selectors.editable_family(request.user, family_id)
    form = CarerForm(
        request.POST if request.method == "POST" else None, initial={"preferred_channel": "email"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_add(actor=request.user, family=family, details=form.details())
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, "Carer added.")
            return redirect("families:detail", family.pk)
    return render(
        request, "families/carer_form.html", {"family": family, "form": form, "carer": None}
    )


@policy.signed_in
@require_http_methods(["GET", "POST"])
def carer_edit(request: HttpRequest, carer_id: Any) -> HttpResponse:
    carer: Carer = selectors.editable_carer(request.user, carer_id)
    form = CarerForm(
        request.POST if request.method == "POST" else None, initial=CarerForm.initial_from(carer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_update(actor=request.user, carer=carer, details=form.details())
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, "Contact details saved.")
            return redirect("families:detail", carer.family_id)
    return render(
        request,
        "families/carer_form.html",
        {"family": carer.family, "form": form, "carer": carer},
    )


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def baby_add(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = selectors.editable_family(request.user, family_id)
    first_baby = family.babies.first()
    form = BabyForm(
        request.POST if request.method == "POST" else None,
        initial={"family_name": first_baby.family_name if first_baby else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.baby_add(actor=request.user, family=family, details=form.details())
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, "Baby added.")
            return redirect("families:detail", family.pk)
    return render(
        request, "families/baby_form.html", {"family": family, "form": form, "baby": None}
    )


@policy.require_roles(*policy.REFERRERS)
@require_http_methods(["GET", "POST"])
def baby_edit(request: HttpRequest, baby_id: Any) -> HttpResponse:
    baby = selectors.baby_detail(request.user, baby_id)
    family = selectors.editable_family(request.user, baby.family_id)
    fields = BabyForm.base_fields
    form = BabyForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(baby, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.baby_update(actor=request.user, baby=baby, details=form.details())
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, f"{baby.given_name}'s details saved.")
            return redirect("families:detail", family.pk)
    return render(
        request, "families/baby_form.html", {"family": family, "form": form, "baby": baby}
    )
