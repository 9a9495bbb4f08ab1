from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "nurture.api"
    label = "api"
    verbose_name = "API"
