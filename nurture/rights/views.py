"""A manager's subject access page for a family: what the export holds, and the JSON and PDF
downloads. Asking for the password again first (allauth's re-authentication), as a whole
record leaving the system should."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from nurture import policy
from nurture.accounts.reauth import reauthenticated
from nurture.families.models import Family
from nurture.lib import pdf
from nurture.rights import erasure, export, services


def exportable_family(user: Any, family_id: Any) -> Family:
    """A family whose record this person may export (their provider's manager); else 404."""
    family = policy.get_visible_or_404(policy.families_visible_to(user), pk=family_id)
    if not policy.can_handle_data_rights(user, family):
        raise Http404("Not found.")
    return family


def exported(user: Any, family: Family, file_format: str) -> export.FamilyRecord:
    return services.family_export(
        actor=user,
        family=family,
        clinical=policy.can_see_scores(user, family),
        file_format=file_format,
    )


def json_response(found: export.FamilyRecord) -> HttpResponse:
    response = HttpResponse(
        json.dumps(found.as_json(), cls=DjangoJSONEncoder, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="family-{found.family.pk}.json"'
    return response


def pdf_response(request: HttpRequest, found: export.FamilyRecord) -> HttpResponse:
    document = pdf.render_pdf("rights/family_record_pdf.html", {"record": found}, request=request)
    return pdf.pdf_response(document, f"family-{found.family.pk}.pdf", download=True)


@policy.require_roles(policy.Role.ADMIN, policy.Role.SERVICE_MANAGER)
@require_GET
@reauthenticated
def family_export_page(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = exportable_family(request.user, family_id)
    return render(
        request,
        "rights/family_export.html",
        {
            "family": family,
            "parts": [p for p in export.PARTS if not p.clinical],
            "clinical_parts": [p for p in export.PARTS if p.clinical],
            "clinical": policy.can_see_scores(request.user, family),
        },
    )


@policy.require_roles(policy.Role.ADMIN, policy.Role.SERVICE_MANAGER)
@require_GET
@reauthenticated
def family_export_json(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = exportable_family(request.user, family_id)
    return json_response(exported(request.user, family, "json"))


@policy.require_roles(policy.Role.ADMIN, policy.Role.SERVICE_MANAGER)
@require_GET
@reauthenticated
def family_export_pdf(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = exportable_family(request.user, family_id)
    return pdf_response(request, exported(request.user, family, "pdf"))


def erasure_out(done: erasure.Erasure) -> dict[str, Any]:
    return {
        "family_id": done.family.pk,
        "already_erased": not done.created,
        "erased": done.erased,
        "kept": done.kept,
        "kept_until": done.kept_until,
    }


@policy.require_roles(policy.Role.ADMIN, policy.Role.SERVICE_MANAGER)
@require_http_methods(["GET", "POST"])
@reauthenticated
def family_erase_page(request: HttpRequest, family_id: Any) -> HttpResponse:
    """Confirm, then erase: what goes now and what is kept, and until when."""
    family = exportable_family(request.user, family_id)
    if request.method == "POST" and family.erased_at is None:
        done = erasure.family_erase(actor=request.user, family=family)
        messages.success(
            request,
            "Erased: home practice, diary, messages, contact details and logins. The clinical "
            f"record is kept until {done.kept_until:%-d %B %Y}.",
        )
        return redirect("families:detail", family.pk)
    return render(
        request,
        "rights/family_erase.html",
        {
            "family": family,
            "erased_now": [part.title for part in erasure.ERASED_NOW],
            "kept": [part.title for part in erasure.KEPT],
            "kept_until": family.clinical_kept_until or erasure.kept_until(family),
        },
    )
