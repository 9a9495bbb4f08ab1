from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from nurture.audit.context import AuditContext, audit_context
from nurture.lib.client_ip import client_ip


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        context = AuditContext(source=source, ip_address=client_ip(request), request=request)
        with audit_context(context):
            return self.get_response(request)
