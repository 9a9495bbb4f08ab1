from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "nurture.practice"
    label = "practice"
    verbose_name = "Home practice"
