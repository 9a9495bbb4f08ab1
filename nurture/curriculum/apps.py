from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "nurture.curriculum"
    label = "curriculum"
    verbose_name = "Curriculum"
