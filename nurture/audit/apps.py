from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "nurture.audit"
    label = "audit"
    verbose_name = "Audit"
