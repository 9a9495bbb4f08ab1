"""Staff set up two-step verification before any page with family data opens.

With ``settings.REQUIRE_MFA`` on, a signed-in member of staff without an authenticator (an
app or a security key) is sent to allauth's two-step page for every other page; the API
answers a JSON 403 for such a browser session. Their account pages (/accounts/: setting it
up, logging out, changing the password) stay open. Once they have one, the session
remembers it, so no page pays an extra query after the first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from nurture import policy
from nurture.accounts import two_step
from nurture.accounts.services import api_token_user

OPEN_PATHS = ("/accounts/", "/static/", "/healthz")
SESSION_KEY = "nurture_two_step_ready"


def needs_two_step(request: HttpRequest) -> bool:
    user = request.user
    if not settings.REQUIRE_MFA or not user.is_authenticated:
        return False
    if request.session.get(SESSION_KEY) == user.pk:
        return False
    if not (user.is_superuser or policy.roles_of(user) & set(policy.STAFF)):
        return False
    if two_step.has_second_factor(user.pk):
        request.session[SESSION_KEY] = user.pk
        return False
    return True


def _real_token(request: HttpRequest) -> bool:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and api_token_user(token.strip()) is not None


class StaffTwoStepMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OPEN_PATHS) or not needs_two_step(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            if _real_token(request):  # a bearer token: two-step was checked when issued
                return self.get_response(request)
            return JsonResponse(
                {"detail": "Set up two-step verification first, at /accounts/2fa/.", "errors": []},
                status=403,
            )
        return redirect("mfa_index")
