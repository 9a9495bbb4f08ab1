from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest

from nurture.audit.models import AuditEvent
from nurture.audit.services import record_read


class AuditedViewsAdmin(admin.ModelAdmin):
    """Opening a record in the admin is audited, as reading it anywhere else would be."""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                record_read(
                    actor=request.user, action=f"admin.{obj._meta.model_name}.viewed", target=obj
                )
        return response


class ReadOnlyAdmin(AuditedViewsAdmin):
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


class AuditedAdmin(AuditedViewsAdmin):
    """Every admin addition, change (inlines and password changes included) and deletion
    writes an audit event, through the hooks Django's admin calls for its own log."""

    def _audit(self, request: HttpRequest, obj: Any, verb: str, data: dict[str, Any]) -> None:
        from django.db import transaction

        from nurture.audit.services import record

        with transaction.atomic():
            record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.{verb}",
                target=obj,
                provider_id=getattr(obj, "provider_id", None),
                data=data,
            )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, "added", {})
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, "changed", {"message": _plain_message(message)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, obj, "deleted", {})
        return super().log_deletions(request, queryset)


def _plain_message(message: Any) -> str:
    """Which fields changed, as the admin describes it (names, not values)."""
    return str(message)[:500]
