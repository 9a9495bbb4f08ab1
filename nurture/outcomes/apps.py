"""The outcomes app: questionnaires, scoring, safety alerts and safeguarding concerns.

Questionnaire packs are loaded and checked when Django starts, so a malformed pack (shipped or
installed under licence) stops start-up with a message naming the file and the field, rather
than failing when a parent is half-way through answering.
"""

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class OutcomesConfig(AppConfig):
    name = "nurture.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes and safeguarding"

    def ready(self) -> None:
        from nurture.outcomes import packs

        try:
            packs.reload()
        except packs.PackError as error:
            raise ImproperlyConfigured(str(error)) from None
