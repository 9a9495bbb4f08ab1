"""Questionnaires: packs, answering, scoring, what is due when.

Packs are loaded and checked when Django starts, so a malformed pack (shipped or installed
under licence) stops start-up with a message naming the file and the field, rather than
failing when a parent is half-way through answering.
"""

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class QuestionnairesConfig(AppConfig):
    name = "nurture.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from nurture.questionnaires import packs

        try:
            packs.reload()
        except packs.PackError as error:
            raise ImproperlyConfigured(str(error)) from None
