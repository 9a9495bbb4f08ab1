from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nurture.audit.admin import ReadOnlyAdmin
from nurture.practice.models import CueEvent, DiaryEntry, PracticeSession


class CueEventInline(admin.TabularInline[CueEvent, PracticeSession]):
    model = CueEvent
    extra = 0
    can_delete = False
    readonly_fields = ["sequence", "step", "area", "stroke", "cue", "details", "at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PracticeSession)
class PracticeSessionAdmin(ReadOnlyAdmin):
    """Read-only: sessions are logged by families through the app and API."""

    list_display = ["id", "baby", "carer", "started_at", "outcome", "stop_reason"]
    list_filter = ["outcome"]
    inlines = [CueEventInline]


@admin.register(DiaryEntry)
class DiaryEntryAdmin(ReadOnlyAdmin):
    """Read-only: diary entries are the family's own record."""

    list_display = ["id", "baby", "carer", "date", "kind"]
    list_filter = ["kind"]
