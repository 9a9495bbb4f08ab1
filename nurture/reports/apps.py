from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Programme reports. The label stays "insights", the app's first name, so its tables
    (``insights_preparedreport``...) and migration history are unchanged."""

    name = "nurture.reports"
    label = "insights"
    verbose_name = "Programme reports"
