from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "nurture.insights"
    label = "insights"
    verbose_name = "Insights and reports"
