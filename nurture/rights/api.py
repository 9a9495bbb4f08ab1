"""API: a family's whole record for a subject access request, as JSON or a readable PDF."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Router

from nurture.accounts.authentication import API_AUTH
from nurture.lib.problems import Problem
from nurture.rights import views

router = Router(tags=["data rights"], auth=API_AUTH)


@router.get(
    "/families/{uuid:family_id}/export",
    response={200: dict[str, object], 404: Problem},
    openapi_extra={"responses": {200: {"description": "The family's whole record, as JSON."}}},
)
def family_export(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    """For a subject access request: everything held about the family (the clinical record
    too, for those who see it). The provider's managers only; audited."""
    family = views.exportable_family(request.user, family_id)
    return views.json_response(views.exported(request.user, family, "json"))


@router.get(
    "/families/{uuid:family_id}/export.pdf",
    response={200: None, 404: Problem},
    openapi_extra={
        "responses": {
            200: {
                "description": "The same record as a readable PDF.",
                "content": {"application/pdf": {}},
            }
        }
    },
)
def family_export_pdf(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    family = views.exportable_family(request.user, family_id)
    return views.pdf_response(request, views.exported(request.user, family, "pdf"))
