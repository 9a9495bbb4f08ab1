"""Errors as JSON problems that name the field at fault; never a 500 for bad input."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.parser import Parser

from nurture.lib.errors import Conflict, DomainError

logger = logging.getLogger(__name__)


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


class NulText:
    """Stands in for a JSON string holding a NUL character, which PostgreSQL cannot store.

    Not being a ``str``, it fails schema validation at its own field, so the client gets a
    422 naming the field instead of a database error.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return "<text with a NUL character>"


class StrictJSONParser(Parser):
    """Every request body is one JSON object (a list or a bare value would otherwise read as
    an empty object, so a PATCH of ``[null]`` answered 200), and text holding NUL fails at
    its own field."""

    def parse_body(self, request: HttpRequest) -> Any:
        body = super().parse_body(request)
        if not isinstance(body, dict):
            raise ValidationError(
                [{"loc": ["body", "payload"], "msg": "Send one JSON object ({...})."}]
            )
        return _mark_nul_text(body)


def _mark_nul_text(value: Any) -> Any:
    if isinstance(value, str):
        return NulText(value) if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _mark_nul_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mark_nul_text(item) for item in value]
    return value


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field_path(list(item.get("loc", []))),
                "message": (
                    "Text cannot contain NUL characters."
                    if isinstance(item.get("input"), NulText)
                    else item.get("msg", "")
                ),
            }
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

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        return api.create_response(
            request,
            {"detail": f"The request is too large: send at most {limit} KB.", "errors": []},
            status=413,
        )

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unexpected API error on %s %s", request.method, request.path)
        return api.create_response(
            request,
            {"detail": "Something went wrong on our side. Nothing was saved.", "errors": []},
            status=500,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "Log in first: send Authorization: Bearer <token>.", "errors": []},
            status=401,
        )
