from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "nurture.families"
    label = "families"
    verbose_name = "Families"
