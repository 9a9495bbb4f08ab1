"""API: a family's whole record for a subject access request, as JSON or a readable PDF."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from nurture.accounts.authentication import BearerToken
from nurture.lib.problems import Problem
from nurture.rights import erasure, views

# Bearer tokens only: a browser session goes through the pages, which ask for the password
# again before a family's record leaves or is erased.
router = Router(tags=["data rights"], auth=[BearerToken()])


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


class ErasureOut(Schema):
    family_id: uuid.UUID
    already_erased: bool = Field(description="The family had been erased before: nothing new.")
    erased: dict[str, int] = Field(description="What went now, by kind, with how many rows.")
    kept: dict[str, int] = Field(description="The clinical record kept, by kind.")
    kept_until: date = Field(description="When the kept record is removed in its turn.")


@router.post("/families/{uuid:family_id}/erase", response={200: ErasureOut, 404: Problem})
def family_erase(request: HttpRequest, family_id: uuid.UUID) -> Any:
    """The family asked to be forgotten: home practice, diary, messages, contact details and
    logins go now; the clinical record is kept until its retention period ends. One
    transaction, audited. Asking again changes nothing."""
    family = views.exportable_family(request.user, family_id)
    return views.erasure_out(erasure.family_erase(actor=request.user, family=family))
