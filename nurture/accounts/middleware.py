from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in person hold personal data: never keep them in a cache, and
    clear what the browser holds when they log out (a family tablet may be shared)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if was_signed_in or request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        if (
            was_signed_in
            and request.method == "POST"
            and request.path == "/accounts/logout/"
            and not request.user.is_authenticated
        ):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
