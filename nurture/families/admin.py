from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nurture.families.models import Baby, Carer, Family


class CarerInline(admin.StackedInline[Carer, Family]):
    model = Carer
    extra = 0


class BabyInline(admin.TabularInline[Baby, Family]):
    model = Baby
    extra = 0


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin[Family]):
    """Read-only here: family changes go through the pages and API, which audit them."""

    list_display = ["id", "provider", "health_visitor", "created_at"]
    list_filter = ["provider"]
    inlines = [CarerInline, BabyInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
