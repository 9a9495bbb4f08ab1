from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from nurture.accounts.models import (
    ApiToken,
    Membership,
    ProgrammeRules,
    Provider,
    Team,
    User,
    Venue,
)
from nurture.accounts.reauth import ReauthenticatedChangesAdmin
from nurture.audit.admin import AuditedAdmin


@admin.register(User)
class NurtureUserAdmin(ReauthenticatedChangesAdmin, AuditedAdmin, UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Nurture", {"fields": ("preferred_name",)}))  # type: ignore[misc]


class MembershipInline(admin.TabularInline[Membership, Provider]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Provider)
class ProviderAdmin(ReauthenticatedChangesAdmin, AuditedAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "provider", "area"]
    list_filter = ["provider"]


@admin.register(Venue)
class VenueAdmin(AuditedAdmin):
    list_display = ["name", "provider", "town", "nation", "is_active"]
    list_filter = ["provider", "nation"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["digest", "prefix", "user", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens come from POST /api/v1/auth/token


@admin.register(ProgrammeRules)
class ProgrammeRulesAdmin(ReauthenticatedChangesAdmin, AuditedAdmin):
    """Age limits, offer hold, late joining, register lock, the completion rule, and the
    home-practice readiness check (waits after immunisations and feeds, and what they do)."""

    list_display = [
        "provider",
        "min_age_weeks",
        "max_age_months",
        "offer_hold_hours",
        "completion_min_sessions",
    ]
