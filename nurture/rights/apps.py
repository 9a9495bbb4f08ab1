from django.apps import AppConfig


class RightsConfig(AppConfig):
    """Data rights (UK GDPR): a family's whole record for a subject access request."""

    name = "nurture.rights"
    verbose_name = "Data rights"
