"""The navigation for the signed-in person's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from nurture import policy
from nurture.accounts.roles import Role
from nurture.reports import registry as reports_registry
from nurture.safeguarding import pages as alert_pages


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "user_roles": []}
    roles = policy.roles_of(user)
    links = [("Home", reverse("home"))]
    if roles & set(policy.STAFF):
        links.append(("To do", reverse("referrals:working_list")))
        links.append(("Courses", reverse("courses:list")))
        links.append(("Families", reverse("families:list")))
        links.append(("Referrals", reverse("referrals:list")))
    if reports_registry.report_scope(user) is not None:
        links.append(("Reports", reverse("reports:report")))
    if roles & set(policy.REFERRERS):
        links.append(("Add a family", reverse("families:create")))
    if roles & alert_pages.READER_ROLES:
        count = alert_pages.attention_count(user)
        links.append((f"Safety alerts ({count})", reverse("alerts:list")))
    if Role.PARENT in roles:
        family_id = policy.scope_of(user).family_id
        links.append(("Your course", reverse("my_course:home")))
        links.append(("Strokes", reverse("curriculum:my_strokes")))
        links.append(("Our family", reverse("families:detail", args=[family_id])))
    links.append(("Your account", reverse("portal:profile")))
    if Role.ADMIN in roles:
        links.append(("Admin site", reverse("admin:index")))
    current = request.path
    return {
        "nav_links": [
            {"label": label, "url": url, "current": url == current} for label, url in links
        ],
        "user_roles": sorted(role.label for role in roles),
    }
