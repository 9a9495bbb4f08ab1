"""Home page per role, the person's own account page, and the health check."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from nurture import policy
from nurture.accounts import selectors
from nurture.accounts.roles import Role
from nurture.accounts.services import profile_update
from nurture.courses import selectors as course_selectors
from nurture.families import selectors as family_selectors
from nurture.lib.errors import DomainError, add_to_forms
from nurture.lib.redirects import safe_next
from nurture.portal.forms import ProfileForm
from nurture.practice import home as practice_home
from nurture.questionnaires import flow as questionnaire_flow
from nurture.safeguarding import pages as alert_pages

logger = logging.getLogger(__name__)


@policy.public
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "portal/welcome.html")
    roles = policy.roles_of(request.user)
    context: dict[str, object] = {"roles": roles, "today": timezone.localdate(), "Role": Role}
    if roles & alert_pages.PANEL_ROLES:  # staff an alert is sent to; never parents
        context["open_alerts"] = alert_pages.attention_for(request.user)
    if Role.PARENT in roles:
        context["own_family"] = own_family = family_selectors.own_family(request.user)
        context["pending_offers"] = list(course_selectors.offers_for_family(request.user))
        context["questionnaires_due"] = questionnaire_flow.due_cards(request.user)
        if own_family is not None:
            babies = list(own_family.babies.all())
            context["practice"] = practice_home.practice_for_home(request.user, babies)
    if Role.HEALTH_VISITOR in roles:
        context["referred_families"] = family_selectors.families_named_for(request.user)
    if roles & {Role.ADMIN, Role.SERVICE_MANAGER, Role.FACILITATOR, Role.HEALTH_VISITOR}:
        context["providers"] = list(selectors.provider_overview(request.user))
        context["memberships"] = list(selectors.memberships_of(request.user))
    return render(request, "portal/home.html", context)


@policy.signed_in
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(actor=user, user=user, **form.cleaned_data)
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, "Your details are saved.")
            return redirect("portal:profile")
    carer = family_selectors.own_carer(request.user)
    return render(
        request,
        "portal/profile.html",
        {
            "form": form,
            "memberships": selectors.memberships_of(request.user),
            "carer": carer,
        },
    )


@policy.public
def not_available(request: HttpRequest) -> HttpResponse:
    """A page we switch off (for example allauth's self-service email management)."""
    raise Http404("Not found.")


@policy.public
@never_cache
def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site's login: our own login page (with its waits after wrong passwords and
    two-step verification), then back to the admin. Someone signed in who may not use the
    admin gets a 404, as for any page that is not theirs."""
    next_url = safe_next(request, reverse("admin:index"))
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if not (request.user.is_active and request.user.is_staff):
        raise Http404("Not found.")
    return redirect(next_url)


@policy.public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Up once the database answers; 503 with the reason when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The detail (host, user) goes to the log, not to anonymous callers.
        logger.warning("Health check: database unreachable: %s", error)
        return JsonResponse(
            {
                "status": "error",
                "database": "unreachable",
                "reason": "The database did not answer.",
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})
