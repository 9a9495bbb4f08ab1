from django.contrib import admin

from nurture.audit.admin import ReadOnlyAdmin
from nurture.families.models import Baby, Carer, Family


class CarerInline(admin.StackedInline[Carer, Family]):
    model = Carer
    extra = 0


class BabyInline(admin.TabularInline[Baby, Family]):
    model = Baby
    extra = 0


@admin.register(Family)
class FamilyAdmin(ReadOnlyAdmin):
    """Read-only here: family changes go through the pages and API, which audit them."""

    list_display = ["id", "provider", "health_visitor", "created_at"]
    list_filter = ["provider"]
    inlines = [CarerInline, BabyInline]
