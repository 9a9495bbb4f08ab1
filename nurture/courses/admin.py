from django.contrib import admin

from nurture.audit.admin import AuditedAdmin, ReadOnlyAdmin
from nurture.courses.models import CourseRun, CourseTemplate, Session


@admin.register(CourseTemplate)
class CourseTemplateAdmin(AuditedAdmin):
    list_display = ["name", "provider", "sessions_count", "session_minutes", "is_active"]
    list_filter = ["provider", "is_active"]


class SessionInline(admin.TabularInline[Session, CourseRun]):
    model = Session
    extra = 0
    can_delete = False
    readonly_fields = ["number", "starts_at", "status", "moved_from", "note"]


@admin.register(CourseRun)
class CourseRunAdmin(ReadOnlyAdmin):
    """Read-only here: runs are scheduled, moved and closed through the course pages."""

    list_display = ["template", "venue", "first_session_at", "capacity", "status"]
    list_filter = ["provider", "status"]
    inlines = [SessionInline]
