from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nurture.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that may be looked at in the admin but only changed through the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit log can be searched but never changed."""

    list_display = ["occurred_at", "actor_label", "action", "object_type", "object_id", "source"]
    list_filter = ["action", "source"]
    search_fields = ["actor_label", "object_id", "action"]


class AuditedAdmin(admin.ModelAdmin):
    """Admin changes are audited like any service change (the admin saves in a transaction)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from nurture.audit.services import record

        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action=f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}",
            target=obj,
            provider_id=getattr(obj, "provider_id", None),
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from nurture.audit.services import record

        record(
            actor=request.user,
            action=f"admin.{obj._meta.model_name}.deleted",
            target=obj,
            provider_id=getattr(obj, "provider_id", None),
        )
        super().delete_model(request, obj)
