from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    """Safety alerts and their escalation, safeguarding concerns, and the family's clinical
    pages. No tables of its own: they stay in ``outcomes``."""

    name = "nurture.safeguarding"
    label = "safeguarding"
    verbose_name = "Safety alerts and safeguarding"
