"""Admin for a provider's outcomes settings and schedule. Responses, alerts and concerns are
clinical records: they are read and changed through the app (audited), not the admin."""

from django.contrib import admin

from nurture.outcomes.models import OutcomesSettings, ReferralThreshold, ScheduledInstrument


@admin.register(OutcomesSettings)
class OutcomesSettingsAdmin(admin.ModelAdmin):
    list_display = ("provider", "duty_clinician", "escalation_hours")
    raw_id_fields = ("duty_clinician",)


@admin.register(ScheduledInstrument)
class ScheduledInstrumentAdmin(admin.ModelAdmin):
    list_display = ("provider", "instrument_key", "point", "optional")
    list_filter = ("provider", "point")


@admin.register(ReferralThreshold)
class ReferralThresholdAdmin(admin.ModelAdmin):
    list_display = ("provider", "instrument_key", "total")
