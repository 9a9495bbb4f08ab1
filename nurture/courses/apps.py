from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "nurture.courses"
    label = "courses"
    verbose_name = "Courses"
