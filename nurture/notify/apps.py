from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "nurture.notify"
    label = "notify"
    verbose_name = "Messages"
