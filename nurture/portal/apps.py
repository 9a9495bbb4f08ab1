from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "nurture.portal"
    label = "portal"
    verbose_name = "Home pages, navigation and profile"
