"""Errors as JSON problems that name the field at fault; never a 500 for bad input."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError

from nurture.errors import Conflict, DomainError


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    detail: str
    errors: list[FieldProblem] = []


def _field_path(location: list[Any]) -> str:
    # Ninja puts the source first ("body", "query", "path") and, for a body, the parameter
    # name next; what the client sent starts after them.
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in ("query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_path(list(item.get("loc", []))), "message": item.get("msg", "")}
            for item in exc.errors
        ]
        return api.create_response(
            request, {"detail": "Some details need correcting.", "errors": errors}, status=422
        )

    @api.exception_handler(DomainError)
    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = 409 if isinstance(exc, Conflict) else 422
        errors = [{"field": field, "message": message} for field, message in exc.errors.items()]
        detail = (
            "That clashes with what is stored."
            if status == 409
            else ("Some details need correcting.")
        )
        return api.create_response(request, {"detail": detail, "errors": errors}, status=status)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found.", "errors": []}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "Log in first: send Authorization: Bearer <token>.", "errors": []},
            status=401,
        )
