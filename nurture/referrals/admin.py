from django.contrib import admin

from nurture.audit.admin import ReadOnlyAdmin
from nurture.referrals.models import Referral, ReferralEvent


class ReferralEventInline(admin.TabularInline[ReferralEvent, Referral]):
    model = ReferralEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    """Read-only here: referrals change through the pages and API, which keep their history."""

    list_display = ["baby", "provider", "status", "priority", "created_at"]
    list_filter = ["provider", "status", "priority"]
    inlines = [ReferralEventInline]
